/*
 * tests/complexity/cx_maillog.c - the maillog scanner's dimensions,
 * through the public API (feed, finish, next, summary): DSN events whose
 * recipients (the envelope senders an attacker forges) are all different,
 * the same with recipients that collide in the summary's hash table, and
 * queue ids tracked without a DSN.
 *
 * The colliding recipients are built for the unseeded FNV-1a the tables
 * used to hash with (bucket = hash & (buckets - 1)); lib/maillog_map.c now
 * uses SipHash-1-3 under a random key, against which they are ordinary
 * addresses, so this dimension must stay linear.  The
 * low W bits of FNV-1a depend only on the low W bits of the state and the
 * bytes, so two blocks that take one state to the same state mod 2^W
 * (found by a birthday search over 6-byte blocks) can stand for each
 * other; m such pairs in a row give 2^m addresses equal mod 2^W, which
 * share a bucket in every table of up to 2^W buckets.  A keyed hash makes
 * them ordinary distinct addresses.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cx.h"

#define FNV_BASIS 1469598103934665603ULL
#define FNV_PRIME 1099511628211ULL
#define W_BITS 24
#define W_MASK ((1ULL << W_BITS) - 1)
#define BLOCK 6

static uint64_t fnv_step(uint64_t h, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= FNV_PRIME;
	}
	return h;
}

struct cand {
	uint32_t state;
	uint32_t block;
};

static int cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	return x->state < y->state ? -1 : x->state > y->state;
}

static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";

/* Candidate block k: BLOCK letters and digits from a fixed mix of k. */
static void block_text(uint32_t k, char out[BLOCK])
{
	uint64_t x = (k + 1) * 0x9E3779B97F4A7C15ULL;
	size_t i;

	for (i = 0; i < BLOCK; i++) {
		x ^= x >> 29;
		x *= 0xBF58476D1CE4E5B9ULL;
		out[i] = alnum[(x >> 40) % 36];
	}
}

/*
 * pairs[j][0..1]: two different blocks that take the state after j pairs
 * to the same state mod 2^W (a birthday search: 2^15 candidates in a
 * space of 2^24 give about 32 pairs).  Returns the pairs found (m).
 */
static size_t find_pairs(const char *prefix, size_t m, char pairs[][2][BLOCK])
{
	enum { N_CAND = 1 << 15 };
	struct cand *c = malloc(N_CAND * sizeof(*c));
	uint64_t h = fnv_step(FNV_BASIS, prefix, strlen(prefix));
	size_t j, k;

	if (!c)
		cx_die("out of memory");
	for (j = 0; j < m; j++) {
		int found = 0;

		for (k = 0; k < N_CAND; k++) {
			char t[BLOCK];

			block_text((uint32_t)(j * N_CAND + k), t);
			c[k].state = (uint32_t)(fnv_step(h, t, BLOCK) & W_MASK);
			c[k].block = (uint32_t)(j * N_CAND + k);
		}
		qsort(c, N_CAND, sizeof(*c), cand_cmp);
		for (k = 1; k < N_CAND && !found; k++) {
			if (c[k].state != c[k - 1].state)
				continue;
			block_text(c[k - 1].block, pairs[j][0]);
			block_text(c[k].block, pairs[j][1]);
			if (!memcmp(pairs[j][0], pairs[j][1], BLOCK))
				continue;
			h = fnv_step(h, pairs[j][0], BLOCK);
			found = 1;
		}
		if (!found)
			break;
	}
	free(c);
	return j;
}

struct log_in {
	struct cx_text t;
	size_t events;  /* events the scan must report */
	size_t by_rcpt; /* rows by recipient the summary must have */
};

/* The lines of one DSN event of Postfix: the message from `from`, its
 * success notice, and the notice's delivery back to `from`. */
static void dsn_event(struct cx_buf *b, size_t i, const char *from)
{
	cx_printf(b,
	          "Nov 29 01:12:13 mx postfix/qmgr[1990]: A%09zX: "
	          "from=<%s>, size=1482, nrcpt=1 (queue active)\n"
	          "Nov 29 01:12:14 mx postfix/virtual[2106]: A%09zX: "
	          "to=<rcpt@example.test>, relay=virtual, delay=0.61, "
	          "delays=0.5/0.01/0/0.1, dsn=2.0.0, status=sent (delivered "
	          "to maildir)\n"
	          "Nov 29 01:12:14 mx postfix/bounce[2107]: A%09zX: sender "
	          "delivery status notification: B%09zX\n"
	          "Nov 29 01:12:14 mx postfix/qmgr[1990]: B%09zX: from=<>, "
	          "size=2719, nrcpt=1 (queue active)\n"
	          "Nov 29 01:12:14 mx postfix/qmgr[1990]: A%09zX: removed\n"
	          "Nov 29 01:12:15 mx postfix/smtp[2108]: B%09zX: to=<%s>, "
	          "relay=mx.victim.example[192.0.2.25]:25, delay=0.9, "
	          "delays=0.01/0.01/0.5/0.38, dsn=2.0.0, status=sent (250 "
	          "2.0.0 Ok)\n"
	          "Nov 29 01:12:15 mx postfix/qmgr[1990]: B%09zX: removed\n",
	          i, from, i, i, i, i, i, i, from, i);
}

static struct log_in *log_in(struct cx_buf *b, size_t events, size_t rows)
{
	struct log_in *in = talloc_zero(b->mem, struct log_in);

	if (!in)
		cx_die("out of memory");
	in->t.p = b->p;
	in->t.len = b->len;
	in->events = events;
	in->by_rcpt = rows;
	return in;
}

static void *events_distinct(TALLOC_CTX *mem, size_t n)
{
	struct cx_buf b;
	size_t i;

	cx_buf_init(&b, mem);
	for (i = 0; i < n; i++) {
		char from[64];

		snprintf(from, sizeof(from), "victim%zu@victim.example", i);
		dsn_event(&b, i, from);
	}
	return log_in(&b, n, n);
}

static void *events_colliding(TALLOC_CTX *mem, size_t n)
{
	static const char prefix[] = "v";
	char pairs[24][2][BLOCK];
	size_t m = 0, i, j;
	struct cx_buf b;

	while (((size_t)1 << m) < n)
		m++;
	if (m > 24 || find_pairs(prefix, m, pairs) != m)
		cx_die("maillog: no %zu colliding pairs", m);
	cx_buf_init(&b, mem);
	for (i = 0; i < n; i++) {
		char from[128], *o = from;

		o += sprintf(o, "%s", prefix);
		for (j = 0; j < m; j++) {
			memcpy(o, pairs[j][(i >> j) & 1], BLOCK);
			o += BLOCK;
		}
		strcpy(o, "@victim.example");
		dsn_event(&b, i, from);
	}
	return log_in(&b, n, n);
}

/* n messages accepted and delivered, no DSN: queue ids tracked and
 * dropped again. */
static void *queue_ids(TALLOC_CTX *mem, size_t n)
{
	struct cx_buf b;
	size_t i;

	cx_buf_init(&b, mem);
	for (i = 0; i < n; i++)
		cx_printf(&b,
		          "Nov 29 01:12:13 mx postfix/smtpd[2101]: C%09zX: "
		          "client=unknown[203.0.113.%zu]\n"
		          "Nov 29 01:12:13 mx postfix/qmgr[1990]: C%09zX: "
		          "from=<s%zu@example.org>, size=1482, nrcpt=1 (queue "
		          "active)\n",
		          i, i % 250, i, i);
	for (i = 0; i < n; i++)
		cx_printf(&b,
		          "Nov 29 01:12:14 mx postfix/qmgr[1990]: C%09zX: "
		          "removed\n",
		          i);
	return log_in(&b, 0, 0);
}

static int log_run(void *arg)
{
	struct log_in *in = arg;
	struct dsng_maillog_opts o;
	struct dsng_maillog *s;
	struct dsng_maillog_event *ev;
	struct dsng_maillog_summary *sum;
	size_t events = 0;
	int ok;

	dsng_maillog_opts_init(&o, DSNG_MAILLOG_OPTS_VERSION);
	o.max_tracked = 8 * in->t.len; /* no eviction: every id is kept */
	o.max_pending = o.max_tracked;
	o.max_recipients_tracked = o.max_tracked; /* every row is kept */
	o.max_clients_tracked = o.max_tracked;
	if (dsng_maillog_new(NULL, &s, &o, NULL) ||
	    dsng_maillog_feed(s, in->t.p, in->t.len, NULL) ||
	    dsng_maillog_finish(s, NULL))
		return -1;
	while (dsng_maillog_next(s, &ev, s) == 0 && ev) {
		events++;
		talloc_free(ev);
	}
	if (dsng_maillog_summary(s, &sum, s, NULL))
		return -1;
	ok = events == in->events && sum->n_by_recipient == in->by_rcpt;
	talloc_free(s);
	return ok ? 0 : -1;
}

const struct cx_dim cx_maillog_dims[] = {
        {"maillog: DSN events, distinct recipients", 4000, events_distinct,
         log_run},
        {"maillog: DSN events, colliding recipients (FNV-1a)", 2000,
         events_colliding, log_run},
        {"maillog: queue ids tracked (no DSN)", 8000, queue_ids, log_run},
        {NULL, 0, NULL, NULL},
};
