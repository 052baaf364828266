/*
 * lib/maillog_summary.c - counting released DSN events by recipient and by
 * client, and building the sorted summary ("who received notices, which
 * clients provoked them, largest first").
 */
#include <stdlib.h>
#include <string.h>

#include "maillog_int.h"
#include "maillog_map.h"

/* NULL keys (not shown in the log) are counted under a key no address can
 * have, and reported as NULL. */
#define UNKNOWN_KEY "\x01"

struct row {
	char *name;
	int name_weak; /* the name is a service, replaced by a real one */
	unsigned long count, receipts;
};

struct dsng__ml_tally {
	struct dsng__ml_map *rcpt, *client;
	unsigned long events, by_kind[DSNG_DSN__COUNT];
};

struct dsng__ml_tally *dsng__ml_tally_new(TALLOC_CTX *mem)
{
	struct dsng__ml_tally *t = talloc_zero(mem, struct dsng__ml_tally);

	if (!t)
		return NULL;
	t->rcpt = dsng__ml_map_new(t);
	t->client = dsng__ml_map_new(t);
	if (!t->rcpt || !t->client) {
		talloc_free(t);
		return NULL;
	}
	return t;
}

static int bump(struct dsng__ml_map *m, const char *key, const char *name,
                int weak, int receipt)
{
	struct row *r;

	if (!key)
		key = UNKNOWN_KEY;
	r = dsng__ml_map_get(m, key, strlen(key));
	if (!r) {
		r = talloc_zero(m, struct row);
		if (!r || !dsng__ml_map_put(m, key, strlen(key), r)) {
			talloc_free(r);
			return -1;
		}
	}
	if (name && (!r->name || (r->name_weak && !weak))) {
		char *n = talloc_strdup(r, name);
		if (!n)
			return -1;
		talloc_free(r->name);
		r->name = n;
		r->name_weak = weak;
	}
	r->count++;
	r->receipts += receipt ? 1 : 0;
	return 0;
}

int dsng__ml_tally_event(struct dsng__ml_tally *t,
                         const struct dsng_maillog_event *ev)
{
	int receipt = ev->kind == DSNG_DSN_SUCCESS ||
	              ev->kind == DSNG_DSN_RELAYED;

	t->events++;
	t->by_kind[ev->kind]++;
	/* A service names only a client without an address (a local
	 * submission): "esmtp" or "MTA" is no name for 192.0.2.1. */
	if (bump(t->rcpt, ev->to, NULL, 0, receipt) ||
	    bump(t->client, ev->client_addr,
	         ev->client_name   ? ev->client_name
	         : ev->client_addr ? NULL
	                           : ev->service,
	         !ev->client_name, receipt))
		return -1;
	return 0;
}

struct collect {
	TALLOC_CTX *mem;
	struct dsng_maillog_count **rows;
	size_t n;
	int with_name, failed;
};

static void collect_one(void *ctx, const char *key, void *val)
{
	struct collect *c = ctx;
	struct row *r = val;
	struct dsng_maillog_count *out;

	if (c->failed)
		return;
	out = talloc_zero(c->rows, struct dsng_maillog_count);
	if (!out) {
		c->failed = 1;
		return;
	}
	if (strcmp(key, UNKNOWN_KEY) != 0) {
		out->key = talloc_strdup(out, key);
		if (!out->key)
			c->failed = 1;
	}
	if (c->with_name && r->name) {
		out->name = talloc_strdup(out, r->name);
		if (!out->name)
			c->failed = 1;
	}
	out->count = r->count;
	out->receipts = r->receipts;
	c->rows[c->n++] = out;
}

static int by_count(const void *a, const void *b)
{
	const struct dsng_maillog_count *x = *(const struct dsng_maillog_count *const *)a;
	const struct dsng_maillog_count *y = *(const struct dsng_maillog_count *const *)b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (x->receipts != y->receipts)
		return x->receipts > y->receipts ? -1 : 1;
	if (!x->key || !y->key)
		return x->key ? -1 : (y->key ? 1 : 0);
	return strcmp(x->key, y->key);
}

static int rows_of(TALLOC_CTX *parent, const struct dsng__ml_map *m,
                   int with_name, struct dsng_maillog_count ***out,
                   size_t *n)
{
	struct collect c;

	memset(&c, 0, sizeof(c));
	c.with_name = with_name;
	c.rows = talloc_zero_array(parent, struct dsng_maillog_count *,
	                           m->n ? m->n : 1);
	if (!c.rows)
		return -1;
	dsng__ml_map_walk(m, collect_one, &c);
	if (c.failed)
		return -1;
	qsort(c.rows, c.n, sizeof(*c.rows), by_count);
	*out = c.rows;
	*n = c.n;
	return 0;
}

int dsng__ml_tally_build(const struct dsng__ml_tally *t, TALLOC_CTX *mem,
                         struct dsng_maillog_summary **out)
{
	struct dsng_maillog_summary *s;

	*out = NULL;
	s = talloc_zero(mem, struct dsng_maillog_summary);
	if (!s)
		return -1;
	s->events = t->events;
	memcpy(s->by_kind, t->by_kind, sizeof(s->by_kind));
	if (rows_of(s, t->rcpt, 0, &s->by_recipient, &s->n_by_recipient) ||
	    rows_of(s, t->client, 1, &s->by_client, &s->n_by_client)) {
		talloc_free(s);
		return -1;
	}
	*out = s;
	return 0;
}
