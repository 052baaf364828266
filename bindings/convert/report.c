/*
 * bindings/convert/report.c - a parsed delivery report as builder values,
 * with the keys of `dsnguard parse-report --json` (DESIGN.md section 5),
 * written once for the CLI and every language.
 */
#include <string.h>

#include "walk.h"

static void *typed(const struct dsngb_builder *b,
                   const struct dsng_report_typed *t, const char *vkey)
{
	void *m;

	if (!t)
		return b->none();
	m = b->map_new();
	b->map_set(m, "type", dsngb_cstr(b, t->type));
	b->map_set(m, vkey, dsngb_cstr(b, t->value));
	return m;
}

static void *date(const struct dsngb_builder *b,
                  const struct dsng_report_date *d)
{
	return d ? dsngb_cstr(b, d->text) : b->none();
}

/* The CLI's extra key: the date as a Unix time, or None. */
static void *stamp(const struct dsngb_builder *b,
                   const struct dsng_report_date *d)
{
	return d && d->valid ? b->integer((long long)d->timestamp) : b->none();
}

static void *exts(const struct dsngb_builder *b,
                  const struct dsng_report_ext *e, size_t n)
{
	void *list = b->list_new();
	size_t i;

	for (i = 0; i < n; i++) {
		void *m = b->map_new();
		b->map_set(m, "name", dsngb_cstr(b, e[i].name));
		b->map_set(m, "value", dsngb_cstr(b, e[i].value));
		b->list_push(list, m);
	}
	return list;
}

static void *recipient(const struct dsngb_builder *b,
                       const struct dsng_report_recipient *r)
{
	void *m = dsngb_map_new(b, 15);

	b->map_set(m, "final_recipient", typed(b, r->final_recipient, "addr"));
	b->map_set(m, "original_recipient",
	           typed(b, r->original_recipient, "addr"));
	b->map_set(m, "action", dsngb_cstr(b, r->action));
	b->map_set(m, "status", dsngb_cstr(b, r->status));
	b->map_set(m, "status_raw", dsngb_cstr(b, r->status_raw));
	b->map_set(m, "remote_mta", typed(b, r->remote_mta, "name"));
	b->map_set(m, "diagnostic_code", typed(b, r->diagnostic_code, "text"));
	b->map_set(m, "last_attempt_date", date(b, r->last_attempt_date));
	b->map_set(m, "final_log_id", dsngb_cstr(b, r->final_log_id));
	b->map_set(m, "will_retry_until", date(b, r->will_retry_until));
	b->map_set(m, "last_attempt_ts", stamp(b, r->last_attempt_date));
	b->map_set(m, "will_retry_until_ts", stamp(b, r->will_retry_until));
	b->map_set(m, "extensions", exts(b, r->extensions, r->n_extensions));
	return m;
}

static void *message(const struct dsngb_builder *b,
                     const struct dsng_report_message *msg)
{
	void *m;

	if (!msg)
		return b->none();
	m = dsngb_map_new(b, 7);
	b->map_set(m, "reporting_mta", typed(b, msg->reporting_mta, "name"));
	b->map_set(m, "received_from_mta",
	           typed(b, msg->received_from_mta, "name"));
	b->map_set(m, "dsn_gateway", typed(b, msg->dsn_gateway, "name"));
	b->map_set(m, "arrival_date", date(b, msg->arrival_date));
	b->map_set(m, "arrival_ts", stamp(b, msg->arrival_date));
	b->map_set(m, "original_envelope_id",
	           dsngb_cstr(b, msg->original_envelope_id));
	b->map_set(m, "extensions",
	           exts(b, msg->extensions, msg->n_extensions));
	return m;
}

static void *mdn(const struct dsngb_builder *b, const struct dsng_report_mdn *d)
{
	void *m, *disp, *mods;
	size_t i;

	if (!d)
		return b->none();
	mods = b->list_new();
	for (i = 0; i < d->n_modifiers; i++)
		b->list_push(mods, dsngb_cstr(b, d->modifiers[i]));
	disp = b->map_new();
	b->map_set(disp, "action_mode", dsngb_cstr(b, d->action_mode));
	b->map_set(disp, "sending_mode", dsngb_cstr(b, d->sending_mode));
	b->map_set(disp, "type", dsngb_cstr(b, d->type));
	b->map_set(disp, "modifiers", mods);
	m = b->map_new();
	b->map_set(m, "reporting_ua", typed(b, d->reporting_ua, "name"));
	b->map_set(m, "original_recipient",
	           typed(b, d->original_recipient, "addr"));
	b->map_set(m, "final_recipient", typed(b, d->final_recipient, "addr"));
	b->map_set(m, "original_message_id",
	           dsngb_cstr(b, d->original_message_id));
	b->map_set(m, "disposition", disp);
	b->map_set(m, "extensions", exts(b, d->extensions, d->n_extensions));
	return m;
}

static void *returned(const struct dsngb_builder *b,
                      const struct dsng_report_returned *rt)
{
	void *m, *rcv;
	size_t i;

	if (!rt)
		return b->none();
	rcv = b->list_new();
	for (i = 0; i < rt->n_received; i++) {
		size_t n;
		char *v = dsng_mime_unfold(NULL, &n, rt->received[i]->value.ptr,
		                           rt->received[i]->value.len);
		b->list_push(rcv, v ? b->str(v, n) : b->none());
		talloc_free(v);
	}
	m = dsngb_map_new(b, 8);
	b->map_set(m, "content_type", dsngb_cstr(b, rt->content_type));
	b->map_set(m, "message_id", dsngb_cstr(b, rt->message_id));
	b->map_set(m, "from", dsngb_cstr(b, rt->from));
	b->map_set(m, "to", dsngb_cstr(b, rt->to));
	b->map_set(m, "subject", dsngb_cstr(b, rt->subject));
	b->map_set(m, "date", dsngb_cstr(b, rt->date));
	b->map_set(m, "return_path", dsngb_cstr(b, rt->return_path));
	b->map_set(m, "received", rcv);
	return m;
}

const char *const dsngb_report_keys[] = {
        "kind",     "report_type", "global",    "message",  "recipients", "mdn",
        "returned", "human_text",  "truncated", "problems", NULL};

static void *recipients(const struct dsngb_builder *b,
                        const struct dsng_report *r)
{
	void *rcpts = b->list_new();
	size_t i;

	for (i = 0; i < r->n_recipients; i++)
		b->list_push(rcpts, recipient(b, r->recipients[i]));
	return rcpts;
}

static void *problems(const struct dsngb_builder *b,
                      const struct dsng_report *r)
{
	void *probs = b->list_new();
	size_t i;

	for (i = 0; i < r->n_problems; i++) {
		void *p = b->map_new();
		b->map_set(p, "field", dsngb_cstr(b, r->problems[i].field));
		b->map_set(p, "offset",
		           b->integer((long long)r->problems[i].offset));
		b->map_set(p, "message", dsngb_cstr(b, r->problems[i].message));
		b->list_push(probs, p);
	}
	return probs;
}

void *dsngb_report_value(const struct dsngb_builder *b,
                         const struct dsng_report *r, unsigned i)
{
	int none = r->kind == DSNG_REPORT_NONE;

	switch (i) {
	case 0:
		return dsngb_cstr(b, dsng_report_kind_name(r->kind));
	case 1:
		return dsngb_cstr(b, r->report_type);
	case 2:
		return b->boolean(r->global);
	case 3:
		return none ? b->none() : message(b, r->message);
	case 4:
		return recipients(b, r);
	case 5:
		return none ? b->none() : mdn(b, r->mdn);
	case 6:
		return none ? b->none() : returned(b, r->returned);
	case 7:
		return r->human_text && !none
		               ? b->str(r->human_text, r->human_text_len)
		               : b->none();
	case 8:
		return b->boolean(r->truncated);
	case 9:
		return problems(b, r);
	default:
		return b->none();
	}
}

void dsngb_report_fill(const struct dsngb_builder *b, void *m,
                       const struct dsng_report *r)
{
	unsigned i;

	for (i = 0; dsngb_report_keys[i]; i++)
		b->map_set(m, dsngb_report_keys[i],
		           dsngb_report_value(b, r, i));
}
