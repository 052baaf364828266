/*
 * tests/fuzz/fuzz_maillog.c - the maillog scanner on arbitrary bytes: the
 * input is fed in two chunks split where its first byte says, with tight
 * limits (also from that byte) so eviction and the pending cap run too;
 * then finish, every event, the summary, and everything freed.  A second
 * scanner reads the same bytes and lends its events (dsng_maillog_view):
 * each must hold what the first one's taken event holds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dsnguard/dsnguard.h>

#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c))                                                      \
			abort();                                               \
	} while (0)

static void same_str(const char *a, const char *b)
{
	CHECK(!a == !b);
	CHECK(!a || !strcmp(a, b));
}

/* Take every ready event from s and view every one of v: the same ones,
 * field for field (strcmp reads every string, so ASan checks them). */
static void drain_both(TALLOC_CTX *mem, struct dsng_maillog *s,
                       struct dsng_maillog *v)
{
	struct dsng_maillog_event *ev;
	const struct dsng_maillog_event *w;
	size_t i;

	for (;;) {
		CHECK(dsng_maillog_next(mem, &ev, s) == 0);
		CHECK(dsng_maillog_view(&w, v) == 0);
		CHECK(!ev == !w);
		if (!ev)
			return;
		CHECK(ev->mta == w->mta && ev->kind == w->kind &&
		      ev->postmaster == w->postmaster && ev->line == w->line &&
		      ev->n_orig_rcpts == w->n_orig_rcpts);
		same_str(ev->time, w->time);
		same_str(ev->host, w->host);
		same_str(ev->text, w->text);
		same_str(ev->orig_queue_id, w->orig_queue_id);
		same_str(ev->dsn_queue_id, w->dsn_queue_id);
		same_str(ev->to, w->to);
		same_str(ev->orig_from, w->orig_from);
		same_str(ev->client_name, w->client_name);
		same_str(ev->client_addr, w->client_addr);
		same_str(ev->client_port, w->client_port);
		same_str(ev->sasl_username, w->sasl_username);
		same_str(ev->service, w->service);
		for (i = 0; i < ev->n_orig_rcpts; i++)
			same_str(ev->orig_rcpts[i], w->orig_rcpts[i]);
		talloc_free(ev);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dsng_maillog_opts o;
	struct dsng_maillog *s, *v;
	struct dsng_maillog_summary *sum;
	TALLOC_CTX *mem;
	char *buf;
	size_t split;
	unsigned ctl;

	if (size < 1)
		return 0;
	ctl = data[0];
	data++;
	size--;
	/* an exact-size copy, so ASan sees any read past the end */
	buf = fuzz_copy(data, size);
	mem = talloc_new(NULL);
	dsng_maillog_opts_init(&o, DSNG_MAILLOG_OPTS_VERSION);
	if (ctl & 1) {
		o.max_tracked = 1 + (ctl >> 4);
		o.max_pending = 1 + ((ctl >> 1) & 7);
		o.max_rcpts = 2;
		o.max_line = 64 + (ctl & 0xf0);
		o.max_recipients_tracked = 1 + ((ctl >> 2) & 3);
		o.max_clients_tracked = 1 + ((ctl >> 5) & 3);
	}
	split = size ? (ctl * 7919u) % (size + 1) : 0;
	if (dsng_maillog_new(mem, &s, &o, NULL) == 0) {
		CHECK(dsng_maillog_new(mem, &v, &o, NULL) == 0);
		dsng_maillog_feed(s, buf, split, NULL);
		dsng_maillog_feed(v, buf, split, NULL);
		drain_both(mem, s, v);
		dsng_maillog_feed(s, buf + split, size - split, NULL);
		dsng_maillog_feed(v, buf + split, size - split, NULL);
		dsng_maillog_finish(s, NULL);
		dsng_maillog_finish(v, NULL);
		drain_both(mem, s, v);
		if (dsng_maillog_summary(mem, &sum, s, NULL) == 0)
			talloc_free(sum);
	}
	talloc_free(mem);
	free(buf);
	return 0;
}
