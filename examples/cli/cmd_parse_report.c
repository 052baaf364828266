/*
 * examples/cli/cmd_parse_report.c - `dsnguard parse-report [--json]
 * [--mbox] FILE...`: one object per message (DESIGN.md section 5).
 */
#include <errno.h>
#include <string.h>

#include "cli.h"

static json_t *typed(const struct dsng_report_typed *t, const char *vkey)
{
	if (!t)
		return json_null();
	return json_pack("{s:o, s:o}", "type", cli_json_str(t->type), vkey,
	                 cli_json_str(t->value));
}

static json_t *date(const struct dsng_report_date *d)
{
	return d ? cli_json_str(d->text) : json_null();
}

/* Extra key (DESIGN.md allows them): the date as a Unix time, or null. */
static json_t *stamp(const struct dsng_report_date *d)
{
	return d && d->valid ? json_integer((json_int_t)d->timestamp)
	                     : json_null();
}

static json_t *exts(const struct dsng_report_ext *e, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:o, s:o}", "name",
		                                   cli_json_str(e[i].name),
		                                   "value",
		                                   cli_json_str(e[i].value)));
	return a;
}

static json_t *recipient(const struct dsng_report_recipient *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "final_recipient",
	                    typed(r->final_recipient, "addr"));
	json_object_set_new(o, "original_recipient",
	                    typed(r->original_recipient, "addr"));
	json_object_set_new(o, "action", cli_json_str(r->action));
	json_object_set_new(o, "status", cli_json_str(r->status));
	json_object_set_new(o, "status_raw", cli_json_str(r->status_raw));
	json_object_set_new(o, "remote_mta", typed(r->remote_mta, "name"));
	json_object_set_new(o, "diagnostic_code",
	                    typed(r->diagnostic_code, "text"));
	json_object_set_new(o, "last_attempt_date", date(r->last_attempt_date));
	json_object_set_new(o, "final_log_id", cli_json_str(r->final_log_id));
	json_object_set_new(o, "will_retry_until", date(r->will_retry_until));
	json_object_set_new(o, "last_attempt_ts", stamp(r->last_attempt_date));
	json_object_set_new(o, "will_retry_until_ts",
	                    stamp(r->will_retry_until));
	json_object_set_new(o, "extensions",
	                    exts(r->extensions, r->nextensions));
	return o;
}

static json_t *message(const struct dsng_report_message *m)
{
	json_t *o;

	if (!m)
		return json_null();
	o = json_object();
	json_object_set_new(o, "reporting_mta",
	                    typed(m->reporting_mta, "name"));
	json_object_set_new(o, "received_from_mta",
	                    typed(m->received_from_mta, "name"));
	json_object_set_new(o, "dsn_gateway", typed(m->dsn_gateway, "name"));
	json_object_set_new(o, "arrival_date", date(m->arrival_date));
	json_object_set_new(o, "arrival_ts", stamp(m->arrival_date));
	json_object_set_new(o, "original_envelope_id",
	                    cli_json_str(m->original_envelope_id));
	json_object_set_new(o, "extensions",
	                    exts(m->extensions, m->nextensions));
	return o;
}

static json_t *mdn(const struct dsng_report_mdn *d)
{
	json_t *o, *mods;
	size_t i;

	if (!d)
		return json_null();
	mods = json_array();
	for (i = 0; i < d->nmodifiers; i++)
		json_array_append_new(mods, cli_json_str(d->modifiers[i]));
	o = json_object();
	json_object_set_new(o, "reporting_ua", typed(d->reporting_ua, "name"));
	json_object_set_new(o, "original_recipient",
	                    typed(d->original_recipient, "addr"));
	json_object_set_new(o, "final_recipient",
	                    typed(d->final_recipient, "addr"));
	json_object_set_new(o, "original_message_id",
	                    cli_json_str(d->original_message_id));
	json_object_set_new(
	        o, "disposition",
	        json_pack("{s:o, s:o, s:o, s:o}", "action_mode",
	                  cli_json_str(d->action_mode), "sending_mode",
	                  cli_json_str(d->sending_mode), "type",
	                  cli_json_str(d->type), "modifiers", mods));
	json_object_set_new(o, "extensions",
	                    exts(d->extensions, d->nextensions));
	return o;
}

static json_t *returned(const struct dsng_report_returned *rt)
{
	json_t *o, *rcv;
	size_t i;

	if (!rt)
		return json_null();
	rcv = json_array();
	for (i = 0; i < rt->nreceived; i++) {
		size_t n;
		char *v = dsng_mime_unfold(NULL, rt->received[i]->value.ptr,
		                           rt->received[i]->value.len, &n);
		json_array_append_new(rcv,
		                      v ? cli_json_bytes(v, n) : json_null());
		talloc_free(v);
	}
	o = json_object();
	json_object_set_new(o, "content_type", cli_json_str(rt->content_type));
	json_object_set_new(o, "message_id", cli_json_str(rt->message_id));
	json_object_set_new(o, "from", cli_json_str(rt->from));
	json_object_set_new(o, "to", cli_json_str(rt->to));
	json_object_set_new(o, "subject", cli_json_str(rt->subject));
	json_object_set_new(o, "date", cli_json_str(rt->date));
	json_object_set_new(o, "return_path", cli_json_str(rt->return_path));
	json_object_set_new(o, "received", rcv);
	return o;
}

static json_t *report_json(const struct dsng_report *r)
{
	json_t *o = json_object(), *a = json_array(), *pr = json_array();
	size_t i;
	int none = r->kind == DSNG_REPORT_NONE;

	for (i = 0; i < r->nrecipients; i++)
		json_array_append_new(a, recipient(r->recipients[i]));
	for (i = 0; i < r->nproblems; i++)
		json_array_append_new(
		        pr,
		        json_pack("{s:o, s:I, s:o}", "field",
		                  cli_json_str(r->problems[i].field), "offset",
		                  (json_int_t)r->problems[i].offset, "message",
		                  cli_json_str(r->problems[i].message)));
	json_object_set_new(o, "ok", json_true());
	json_object_set_new(o, "kind",
	                    json_string(dsng_report_kind_name(r->kind)));
	json_object_set_new(o, "report_type", cli_json_str(r->report_type));
	json_object_set_new(o, "global", json_boolean(r->global));
	json_object_set_new(o, "message",
	                    none ? json_null() : message(r->message));
	json_object_set_new(o, "recipients", a);
	json_object_set_new(o, "mdn", none ? json_null() : mdn(r->mdn));
	json_object_set_new(o, "returned",
	                    none ? json_null() : returned(r->returned));
	json_object_set_new(
	        o, "human_text",
	        r->human_text && !none
	                ? cli_json_bytes(r->human_text, r->human_text_len)
	                : json_null());
	json_object_set_new(o, "truncated", json_boolean(r->truncated));
	json_object_set_new(o, "problems", pr);
	return o;
}

static void print_text(const char *file, const struct dsng_report *r)
{
	size_t i;

	printf("%s: %s%s%s\n", file, dsng_report_kind_name(r->kind),
	       r->global ? " (global)" : "", r->truncated ? ", truncated" : "");
	if (r->message && r->message->reporting_mta)
		printf("  reporting MTA: %s\n",
		       r->message->reporting_mta->value);
	for (i = 0; i < r->nrecipients; i++) {
		const struct dsng_report_recipient *rc = r->recipients[i];
		printf("  %s: %s %s\n",
		       rc->final_recipient ? rc->final_recipient->value
		                           : "(no recipient)",
		       rc->action ? rc->action : "(no action)",
		       rc->status ? rc->status : "(no status)");
	}
	if (r->mdn)
		printf("  disposition: %s/%s; %s\n",
		       r->mdn->action_mode ? r->mdn->action_mode : "?",
		       r->mdn->sending_mode ? r->mdn->sending_mode : "?",
		       r->mdn->type ? r->mdn->type : "?");
	if (r->returned)
		printf("  returned: %s from %s, subject %s\n",
		       r->returned->message_id ? r->returned->message_id : "-",
		       r->returned->from ? r->returned->from : "-",
		       r->returned->subject ? r->returned->subject : "-");
	for (i = 0; i < r->nproblems; i++)
		printf("  problem at %zu (%s): %s\n", r->problems[i].offset,
		       r->problems[i].field, r->problems[i].message);
}

/* One message: prints its line; returns 1 when it could not be read. */
static int one(const char *file, const char *buf, size_t len, int json)
{
	struct dsng_report *r = NULL;
	struct dsng_error err;
	int rc;

	dsng_error_clear(&err);
	rc = dsng_report_parse(NULL, buf, len, NULL, &r, &err);
	if (rc < 0) {
		if (json) {
			json_t *o = json_pack("{s:b, s:o}", "ok", 0, "error",
			                      cli_json_error(&err));
			json_object_set_new(o, "file", cli_json_str(file));
			cli_json_print(o);
		} else {
			printf("%s: error %s at offset %zu: %s\n", file,
			       dsng_errkind_name(err.kind), err.offset,
			       err.message);
		}
		return 1;
	}
	if (json) {
		json_t *o = report_json(r);
		json_object_set_new(o, "file", cli_json_str(file));
		cli_json_print(o);
	} else {
		print_text(file, r);
	}
	talloc_free(r);
	return 0;
}

int cli_parse_report(int argc, char **argv)
{
	int json = 0, mbox = 0, i, nfiles = 0, status = CLI_OK;
	TALLOC_CTX *mem;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--mbox") == 0)
			mbox = 1;
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_usage_error(
			        "parse-report: unknown option %s", argv[i]);
		else
			nfiles++;
	}
	if (nfiles == 0)
		return cli_usage_error(
		        "usage: parse-report [--json] [--mbox] FILE...");
	mem = talloc_new(NULL);
	for (i = 1; i < argc; i++) {
		char *buf;
		size_t len, pos = 0;
		struct dsng_span m;

		if (argv[i][0] == '-' && argv[i][1])
			continue;
		buf = cli_read_file(mem, argv[i], &len);
		if (!buf) {
			fprintf(stderr, "dsnguard: %s: %s\n", argv[i],
			        strerror(errno));
			status = CLI_USAGE;
			continue;
		}
		if (!mbox) {
			if (one(argv[i], buf, len, json) && status == CLI_OK)
				status = CLI_REJECTED;
		} else {
			while (dsng_mime_mbox_next(buf, len, &pos, &m))
				if (one(argv[i], m.ptr, m.len, json) &&
				    status == CLI_OK)
					status = CLI_REJECTED;
		}
		talloc_free(buf);
	}
	talloc_free(mem);
	return status;
}
