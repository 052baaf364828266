/*
 * lib/maillog_summary.c - counting released DSN events by recipient and by
 * client, and building the sorted summary ("who received notices, which
 * clients provoked them, largest first").
 *
 * Each of the two tables holds at most a fixed number of rows
 * (opts.max_recipients_tracked, max_clients_tracked) and is kept with the
 * Space-Saving algorithm (Metwally, Agrawal, El Abbadi, "Efficient
 * computation of frequent and top-k elements in data streams", 2005): a
 * key already in the table is counted; a new key takes a free row, or when
 * the table is full the row with the smallest estimate (a min-heap finds
 * it), whose estimate the new row inherits as its error.  So a flood of
 * one-off keys only ever replaces one-off rows, and every key seen more
 * often than (events / rows) keeps its row.
 *
 * A row's estimate is count + err: count is what it saw since it took the
 * row (exact, what the summary reports, never more than the truth) and
 * err bounds what it may have had before (the largest estimate any evicted
 * row had when it went, the table's "floor").  A key without a row had at
 * most floor events, so floor is the summary's count error bound.
 *
 * Row strings (the key, a client's name) live inline in 128-byte slab
 * records; longer ones spill into talloc chunks, and spilled bytes are
 * capped at ROW_SPILL_PER_ROW per row on average: past that, more of the
 * smallest rows are evicted.
 */
#include <stdlib.h>
#include <string.h>

#include "maillog_int.h"
#include "maillog_map.h"

/* NULL keys (not shown in the log) are counted under a key no address can
 * have, and reported as NULL. */
#define UNKNOWN_KEY "\x01"

#define ROW_SIZE 128
#define ROW_SPILL_PER_ROW 64

enum { TAG_KEY = 1, TAG_NAME };

struct row {
	struct dsng__ml_bag bag; /* TAG_KEY first, then TAG_NAME */
	unsigned long count, receipts, err;
	uint32_t heap; /* index in the table's heap */
	uint32_t key_len;
	bool name_weak; /* the name is a service, replaced by a real one */
	char inl[];
};

#define ROW_INLINE (ROW_SIZE - sizeof(struct row))
/* maillog.h documents these sizes next to max_recipients_tracked */
_Static_assert(sizeof(struct row) <= 56 || sizeof(void *) < 8,
               "a row holds 72 bytes of strings inline");

/* A heap entry carries its row's estimate: sifting compares estimates
 * only, and on a full table every new key sifts one entry from the root
 * to the bottom, whose rows, scattered over the slab, were a cache miss
 * each when the estimate was read from the row. */
struct heap_ent {
	unsigned long est; /* est(row), kept equal by every change */
	struct row *row;
};

struct table {
	struct dsng__ml_map *map;
	struct dsng__ml_slab *slab;
	struct heap_ent *heap; /* min-heap by count + err */
	size_t n, heap_cap, max;
	size_t spill, spill_max;
	unsigned long evicted, floor;
};

struct dsng__ml_tally {
	struct table rcpt, client;
	unsigned long events, by_kind[DSNG_DSN__COUNT];
};

static const char *row_key(const void *val, size_t *len)
{
	const struct row *r = val;

	*len = r->key_len;
	return (r->bag.cap ? r->bag.spill : r->inl) + 1;
}

static inline unsigned long est(const struct row *r)
{
	return r->count + r->err;
}

/* Put e at heap index i (and tell its row where it is). */
static inline void heap_put(struct table *t, size_t i, struct heap_ent e)
{
	t->heap[i] = e;
	e.row->heap = (uint32_t)i;
}

/* Move entry i up while its parent is larger: the swaps of a textbook
 * sift, written as moves of the parents into the hole. */
static void sift_up(struct table *t, size_t i)
{
	struct heap_ent e = t->heap[i];

	while (i && t->heap[(i - 1) / 2].est > e.est) {
		heap_put(t, i, t->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_put(t, i, e);
}

/* Move entry i down while a child is smaller, to the smaller child (the
 * left one on a tie): the same path and the same final order as swapping
 * it down, so the rows evicted among equal estimates stay the same. */
static void sift_down(struct table *t, size_t i)
{
	struct heap_ent e = t->heap[i];

	for (;;) {
		size_t l = 2 * i + 1, m = i;
		unsigned long me = e.est;
		if (l < t->n && t->heap[l].est < me) {
			m = l;
			me = t->heap[l].est;
		}
		if (l + 1 < t->n && t->heap[l + 1].est < me)
			m = l + 1;
		if (m == i)
			break;
		heap_put(t, i, t->heap[m]);
		i = m;
	}
	heap_put(t, i, e);
}

static int table_init(struct table *t, TALLOC_CTX *mem)
{
	t->map = dsng__ml_map_new(mem);
	t->slab = dsng__ml_slab_new_hdr(mem, ROW_SIZE, sizeof(struct row));
	if (!t->map || !t->slab)
		return -1;
	t->map->key_of = row_key;
	return 0;
}

/* Start loading a record's first two cache lines (a row's key may cross
 * into the second). */
static inline void prefetch_row(const struct row *r)
{
	dsng__ml_prefetch_lines(r, 2);
}

/* Take the smallest row out of the table (and free it); *vh, when not
 * NULL, is the hash of its key (struct aim). */
static void evict_min(struct table *t, const uint64_t *vh)
{
	struct row *r = t->heap[0].row;
	size_t len;
	const char *k = row_key(r, &len);

	dsng__ml_map_del_h(t->map, k, len,
	                   vh ? *vh : dsng__ml_map_hash(t->map, k, len));
	if (est(r) > t->floor)
		t->floor = est(r);
	t->evicted++;
	t->n--;
	if (t->n) {
		heap_put(t, 0, t->heap[t->n]);
		sift_down(t, 0);
		/* the next row to go: its key is read at the next new key */
		prefetch_row(t->heap[0].row);
	}
	dsng__ml_bag_clear(&r->bag, &t->spill);
	dsng__ml_slab_free(t->slab, r);
}

/* A key about to be counted, hashed ahead with, when its table is full,
 * the key of the row a new key would evict.  On a flood both tables are
 * full and every event brings new keys: four hash slots far from each
 * other and from the caches.  Aiming at both tables before counting in
 * either asks for the four slots at once, so their misses overlap. */
struct aim {
	const char *key;
	size_t len;
	uint64_t h;  /* of key */
	uint64_t vh; /* of heap[0]'s key, when full */
	bool full;
};

static void aim(const struct table *t, const char *key, struct aim *a)
{
	a->key = key ? key : UNKNOWN_KEY;
	a->len = strlen(a->key);
	a->h = dsng__ml_map_hash(t->map, a->key, a->len);
	dsng__ml_map_prefetch(t->map, a->h);
	a->full = t->n && t->n == t->max;
	if (a->full) {
		size_t len;
		const char *k = row_key(t->heap[0].row, &len);
		a->vh = dsng__ml_map_hash(t->map, k, len);
		dsng__ml_map_prefetch(t->map, a->vh);
	}
}

static int set_name(struct table *t, struct row *r, const char *name, bool weak)
{
	const char *cur = dsng__ml_bag_get(&r->bag, r->inl, TAG_NAME);

	if (!name || (cur && !(r->name_weak && !weak)))
		return 0;
	if (dsng__ml_bag_set(&r->bag, r->inl, ROW_INLINE, t->slab, &t->spill,
	                     TAG_NAME, name, strlen(name)))
		return -1;
	r->name_weak = weak;
	return 0;
}

/* Count a's key (aimed at t, which has not changed since). */
static int bump(struct table *t, const struct aim *a, const char *name,
                bool weak, bool receipt)
{
	const char *key = a->key;
	size_t len = a->len;
	struct row *r;
	/* hashed once for the lookup and the insertion (evict_min deletes,
	 * which moves entries but never changes a key's hash) */
	uint64_t h = a->h;

	r = dsng__ml_map_get_h(t->map, key, len, h);
	if (r) {
		r->count++;
		r->receipts += receipt ? 1 : 0;
		t->heap[r->heap].est = est(r);
		sift_down(t, r->heap);
		return set_name(t, r, name, weak);
	}
	/* A new key: make room (Space-Saving replaces the smallest row). */
	if (t->n == t->max)
		evict_min(t, a->full ? &a->vh : NULL);
	if (t->n == t->heap_cap) {
		size_t cap = t->heap_cap ? t->heap_cap * 2 : 64;
		struct heap_ent *grown;
		if (cap > t->max)
			cap = t->max;
		grown = talloc_realloc(t->slab, t->heap, struct heap_ent, cap);
		if (!grown)
			return -1;
		t->heap = grown;
		t->heap_cap = cap;
	}
	r = len < UINT32_MAX - 2 ? dsng__ml_slab_alloc(t->slab) : NULL;
	if (!r)
		return -1;
	r->key_len = (uint32_t)len;
	if (dsng__ml_bag_add(&r->bag, r->inl, ROW_INLINE, t->slab, &t->spill,
	                     TAG_KEY, key, len) ||
	    dsng__ml_map_put_h(t->map, key, len, h, r)) {
		dsng__ml_bag_clear(&r->bag, &t->spill);
		dsng__ml_slab_free(t->slab, r);
		return -1;
	}
	r->count = 1;
	r->receipts = receipt ? 1 : 0;
	r->err = t->floor;
	t->heap[t->n].est = est(r);
	t->heap[t->n].row = r;
	sift_up(t, t->n++);
	if (set_name(t, r, name, weak))
		return -1;
	/* Long keys and names: keep the spilled bytes within budget by
	 * evicting more of the smallest rows (perhaps the new one: its key
	 * then counts as unmonitored, within the floor). */
	while (t->spill > t->spill_max && t->n > 1)
		evict_min(t, NULL);
	return 0;
}

struct dsng__ml_tally *dsng__ml_tally_new(TALLOC_CTX *mem)
{
	struct dsng__ml_tally *t = talloc_zero(mem, struct dsng__ml_tally);

	if (!t)
		return NULL;
	if (table_init(&t->rcpt, t) || table_init(&t->client, t)) {
		talloc_free(t);
		return NULL;
	}
	return t;
}

static void table_limit(struct table *t, size_t max)
{
	/* heap indices are 32-bit; no memory holds that many rows anyway */
	t->max = max < UINT32_MAX ? max : UINT32_MAX;
	t->spill_max = max <= SIZE_MAX / ROW_SPILL_PER_ROW
	                       ? max * ROW_SPILL_PER_ROW
	                       : SIZE_MAX;
}

int dsng__ml_tally_limit(struct dsng__ml_tally *t, size_t max_recipients,
                         size_t max_clients)
{
	if (!max_recipients || !max_clients || t->rcpt.n || t->client.n)
		return -1;
	table_limit(&t->rcpt, max_recipients);
	table_limit(&t->client, max_clients);
	return 0;
}

int dsng__ml_tally_event(struct dsng__ml_tally *t,
                         const struct dsng_maillog_event *ev)
{
	bool receipt =
	        ev->kind == DSNG_DSN_SUCCESS || ev->kind == DSNG_DSN_RELAYED;

	struct aim rcpt, client;

	t->events++;
	t->by_kind[ev->kind]++;
	aim(&t->rcpt, ev->to, &rcpt);
	aim(&t->client, ev->client_addr, &client);
	/* A service names only a client without an address (a local
	 * submission): "esmtp" or "MTA" is no name for 192.0.2.1. */
	if (bump(&t->rcpt, &rcpt, NULL, false, receipt) ||
	    bump(&t->client, &client,
	         ev->client_name   ? ev->client_name
	         : ev->client_addr ? NULL
	                           : ev->service,
	         !ev->client_name, receipt))
		return -1;
	return 0;
}

static int by_count(const void *a, const void *b)
{
	const struct dsng_maillog_count *x =
	        *(const struct dsng_maillog_count *const *)a;
	const struct dsng_maillog_count *y =
	        *(const struct dsng_maillog_count *const *)b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (x->receipts != y->receipts)
		return x->receipts > y->receipts ? -1 : 1;
	if (!x->key || !y->key)
		return x->key ? -1 : (y->key ? 1 : 0);
	return strcmp(x->key, y->key);
}

/* The rows of a table, sorted: one array of pointers, one of rows and one
 * of their strings (three chunks, children of parent, whatever the
 * number of rows). */
static int rows_of(TALLOC_CTX *parent, const struct table *t, bool with_name,
                   struct dsng_maillog_count ***out, size_t *n_out)
{
	struct dsng_maillog_count **ptrs, *rows;
	char *str, *p;
	size_t i, bytes = 1;

	for (i = 0; i < t->n; i++) {
		const struct row *r = t->heap[i].row;
		const char *name = dsng__ml_bag_get(&r->bag, r->inl, TAG_NAME);
		bytes += r->key_len + 1;
		if (with_name && name)
			bytes += strlen(name) + 1;
	}
	ptrs = talloc_zero_array(parent, struct dsng_maillog_count *,
	                         t->n ? t->n : 1);
	rows = talloc_zero_array(ptrs, struct dsng_maillog_count,
	                         t->n ? t->n : 1);
	str = talloc_array(ptrs, char, bytes);
	if (!ptrs || !rows || !str) {
		talloc_free(ptrs);
		return -1;
	}
	p = str;
	for (i = 0; i < t->n; i++) {
		const struct row *r = t->heap[i].row;
		size_t len;
		const char *k = row_key(r, &len);
		const char *name = dsng__ml_bag_get(&r->bag, r->inl, TAG_NAME);
		if (strcmp(k, UNKNOWN_KEY) != 0) {
			memcpy(p, k, len + 1);
			rows[i].key = p;
			p += len + 1;
		}
		if (with_name && name) {
			len = strlen(name);
			memcpy(p, name, len + 1);
			rows[i].name = p;
			p += len + 1;
		}
		rows[i].count = r->count;
		rows[i].receipts = r->receipts;
		ptrs[i] = &rows[i];
	}
	qsort(ptrs, t->n, sizeof(*ptrs), by_count);
	*out = ptrs;
	*n_out = t->n;
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
	if (rows_of(s, &t->rcpt, false, &s->by_recipient, &s->n_by_recipient) ||
	    rows_of(s, &t->client, true, &s->by_client, &s->n_by_client)) {
		talloc_free(s);
		return -1;
	}
	s->evicted_recipients = t->rcpt.evicted;
	s->evicted_clients = t->client.evicted;
	s->recipient_count_error = t->rcpt.floor;
	s->client_count_error = t->client.floor;
	s->counts_exact = !t->rcpt.evicted && !t->client.evicted;
	*out = s;
	return 0;
}
