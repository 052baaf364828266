/*
 * bindings/convert/scanlog.c - a maillog event and summary as the keys of
 * `dsnguard scan-log --json`, in the order the CLI writes them.
 */
#include "scanlog.h"

static void *str_list(const struct dsngb_builder *b, char **v, size_t n)
{
	void *l = b->list_new();
	size_t i;

	for (i = 0; i < n; i++)
		b->list_push(l, dsngb_cstr(b, v[i]));
	return l;
}

void dsngb_maillog_event_fill(const struct dsngb_builder *b, void *m,
                              const struct dsng_maillog_event *ev,
                              const char *file, unsigned long line)
{
	void *c = b->map_new();

	b->map_set(m, "event", dsngb_cstr(b, "dsn"));
	b->map_set(m, "mta", dsngb_cstr(b, dsng_maillog_mta_name(ev->mta)));
	b->map_set(m, "time", dsngb_cstr(b, ev->time));
	b->map_set(m, "kind", dsngb_cstr(b, dsng_maillog_kind_name(ev->kind)));
	b->map_set(m, "text", dsngb_cstr(b, ev->text));
	b->map_set(m, "orig_queue_id", dsngb_cstr(b, ev->orig_queue_id));
	b->map_set(m, "dsn_queue_id", dsngb_cstr(b, ev->dsn_queue_id));
	b->map_set(m, "to", dsngb_cstr(b, ev->to));
	b->map_set(m, "orig_from", dsngb_cstr(b, ev->orig_from));
	b->map_set(m, "orig_rcpts",
	           str_list(b, ev->orig_rcpts, ev->n_orig_rcpts));
	b->map_set(c, "name", dsngb_cstr(b, ev->client_name));
	b->map_set(c, "addr", dsngb_cstr(b, ev->client_addr));
	b->map_set(c, "port", dsngb_cstr(b, ev->client_port));
	b->map_set(c, "sasl_username", dsngb_cstr(b, ev->sasl_username));
	b->map_set(m, "client", c);
	b->map_set(m, "service", dsngb_cstr(b, ev->service));
	b->map_set(m, "host", dsngb_cstr(b, ev->host));
	b->map_set(m, "postmaster", b->boolean(ev->postmaster));
	b->map_set(m, "file", dsngb_cstr(b, file));
	b->map_set(m, "line", b->uinteger(line));
}

static void *rows(const struct dsngb_builder *b, struct dsng_maillog_count **r,
                  size_t n, const char *key, int with_name)
{
	void *l = b->list_new();
	size_t i;

	for (i = 0; i < n; i++) {
		void *row = b->map_new();

		b->map_set(row, key, dsngb_cstr(b, r[i]->key));
		if (with_name)
			b->map_set(row, "name", dsngb_cstr(b, r[i]->name));
		b->map_set(row, "count", b->uinteger(r[i]->count));
		b->map_set(row, "receipts", b->uinteger(r[i]->receipts));
		b->list_push(l, row);
	}
	return l;
}

/* The kinds in the order scan-log shows them. */
static const enum dsng_dsn_kind kinds_shown[] = {
        DSNG_DSN_SUCCESS, DSNG_DSN_FAILURE, DSNG_DSN_DELAY, DSNG_DSN_RELAYED,
        DSNG_DSN_OTHER};

void dsngb_maillog_summary_fill(const struct dsngb_builder *b, void *m,
                                const struct dsng_maillog_summary *sum,
                                const char *file)
{
	void *kinds = b->map_new(), *files = b->list_new();
	size_t k;

	b->map_set(m, "summary", b->boolean(1));
	b->map_set(m, "events", b->uinteger(sum->events));
	b->map_set(m, "by_recipient",
	           rows(b, sum->by_recipient, sum->n_by_recipient, "to", 0));
	b->map_set(m, "by_client",
	           rows(b, sum->by_client, sum->n_by_client, "addr", 1));
	for (k = 0; k < sizeof(kinds_shown) / sizeof(kinds_shown[0]); k++)
		b->map_set(kinds, dsng_maillog_kind_name(kinds_shown[k]),
		           b->uinteger(sum->by_kind[kinds_shown[k]]));
	b->map_set(m, "by_kind", kinds);
	if (file)
		b->list_push(files, dsngb_cstr(b, file));
	b->map_set(m, "files", files);
	b->map_set(m, "lines", b->uinteger(sum->lines));
	b->map_set(m, "mail_lines", b->uinteger(sum->mail));
	b->map_set(m, "ignored", b->uinteger(sum->ignored));
	b->map_set(m, "garbage", b->uinteger(sum->garbage));
	b->map_set(m, "evicted", b->uinteger(sum->evicted));
	b->map_set(m, "auth_warnings", b->uinteger(sum->auth_warnings));
	b->map_set(m, "dsn_refused", b->uinteger(sum->dsn_refused));
	b->map_set(m, "evicted_recipients",
	           b->uinteger(sum->evicted_recipients));
	b->map_set(m, "evicted_clients", b->uinteger(sum->evicted_clients));
	b->map_set(m, "counts_exact", b->boolean(sum->counts_exact));
	b->map_set(m, "recipient_count_error",
	           b->uinteger(sum->recipient_count_error));
	b->map_set(m, "client_count_error",
	           b->uinteger(sum->client_count_error));
}
