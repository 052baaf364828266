/*
 * tests/fuzz/fuzz_report.c - dsng_report_parse on arbitrary bytes; every
 * field of the result is read so a bad pointer shows.
 */
#include <stdlib.h>
#include <string.h>

#include <talloc.h>

#include "dsnguard/dsnguard.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t sink;

static void touch(const char *s)
{
	if (s)
		sink += strlen(s);
}

static void typed(const struct dsng_report_typed *t)
{
	if (t) {
		touch(t->type);
		touch(t->value);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size);
	struct dsng_report *r;
	size_t i, k;

	if (dsng_report_parse(NULL, &r, buf, size, NULL, NULL) == DSNG_OK) {
		if (r->message) {
			typed(r->message->reporting_mta);
			typed(r->message->dsn_gateway);
			typed(r->message->received_from_mta);
			touch(r->message->original_envelope_id);
			if (r->message->arrival_date)
				touch(r->message->arrival_date->text);
			for (k = 0; k < r->message->n_extensions; k++)
				touch(r->message->extensions[k].value);
		}
		for (i = 0; i < r->n_recipients; i++) {
			const struct dsng_report_recipient *rc =
			        r->recipients[i];
			typed(rc->final_recipient);
			typed(rc->original_recipient);
			typed(rc->remote_mta);
			typed(rc->diagnostic_code);
			touch(rc->action);
			touch(rc->status);
			touch(rc->status_raw);
			touch(rc->final_log_id);
			if (rc->last_attempt_date)
				touch(rc->last_attempt_date->text);
			if (rc->will_retry_until)
				touch(rc->will_retry_until->text);
			for (k = 0; k < rc->n_extensions; k++)
				touch(rc->extensions[k].name);
		}
		if (r->mdn) {
			typed(r->mdn->reporting_ua);
			typed(r->mdn->final_recipient);
			touch(r->mdn->type);
			touch(r->mdn->action_mode);
			touch(r->mdn->sending_mode);
			for (k = 0; k < r->mdn->n_modifiers; k++)
				touch(r->mdn->modifiers[k]);
		}
		if (r->returned) {
			touch(r->returned->from);
			touch(r->returned->subject);
			touch(r->returned->message_id);
			for (k = 0; k < r->returned->n_received; k++)
				sink += r->returned->received[k]->value.len;
		}
		for (i = 0; i < r->human_text_len; i++)
			sink += (unsigned char)r->human_text[i];
		for (i = 0; i < r->n_problems; i++) {
			touch(r->problems[i].field);
			touch(r->problems[i].message);
		}
		talloc_free(r);
	}
	free(buf);
	return 0;
}
