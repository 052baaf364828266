/*
 * lib/maillog_map.c - the maillog containers (maillog_map.h): a SipHash
 * keyed, linearly probed table with backward-shift removal and re-keying
 * on an overlong probe; a slab of fixed-size records; a bag of tagged
 * strings inline in a record.
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "maillog_map.h"

/* ---- hash table --------------------------------------------------------- */

#define MAP_MIN_CAP 16
/* Re-keying that does not bring the probes back under the limit is given
 * up after this many tries, until the table next doubles. */
#define MAP_REKEY_TRIES 3

static inline uint64_t hash(const struct dsng__ml_map *m, const char *key,
                            size_t len)
{
	return dsng__siphash13(&m->key, key, len);
}

/* Put (h, val) at the first free slot from h's home; returns how far. */
static size_t place(struct dsng__ml_slot *slot, size_t mask, uint64_t h,
                    void *val)
{
	size_t i = (size_t)h & mask, d = 0;

	while (slot[i].val) {
		i = (i + 1) & mask;
		d++;
	}
	slot[i].h = h;
	slot[i].val = val;
	return d;
}

/* Slot arrays this large and up are aligned to 2 MB with a huge page
 * asked for (see SLAB_HUGE below: the same TLB misses). */
#define MAP_HUGE ((size_t)2 << 20)

/* A zeroed array of cap slots on m (the chunk to free in *chunk), NULL
 * when out of memory. */
static struct dsng__ml_slot *slots_new(struct dsng__ml_map *m, size_t cap,
                                       void **chunk)
{
	size_t bytes = cap * sizeof(struct dsng__ml_slot);
	uintptr_t a;
	char *c;

	if (bytes < MAP_HUGE) {
		*chunk = talloc_zero_array(m, struct dsng__ml_slot, cap);
		return *chunk;
	}
	if (bytes > SIZE_MAX - MAP_HUGE)
		return NULL;
	c = talloc_size(m, bytes + MAP_HUGE);
	if (!c)
		return NULL;
	a = ((uintptr_t)c + MAP_HUGE - 1) & ~(uintptr_t)(MAP_HUGE - 1);
#ifdef MADV_HUGEPAGE
	/* advice only: without huge pages the table works the same */
	(void)madvise((void *)a, bytes, MADV_HUGEPAGE);
#endif
	memset((void *)a, 0, bytes);
	*chunk = c;
	return (struct dsng__ml_slot *)a;
}

/* Move every entry into a new array of cap slots, rehashing them under
 * *key when key is not NULL; 0, or -1 when out of memory (unchanged). */
static int rebuild(struct dsng__ml_map *m, size_t cap,
                   const struct dsng__sipkey *key)
{
	void *chunk;
	struct dsng__ml_slot *n = slots_new(m, cap, &chunk);
	size_t i, d, max = 0;

	if (!n)
		return -1;
	for (i = 0; i < m->cap; i++) {
		uint64_t h = m->slot[i].h;
		if (!m->slot[i].val)
			continue;
		if (key) {
			size_t len;
			const char *k = m->key_of(m->slot[i].val, &len);
			h = dsng__siphash13(key, k, len);
		}
		d = place(n, cap - 1, h, m->slot[i].val);
		if (d > max)
			max = d;
	}
	talloc_free(m->slot_mem);
	m->slot = n;
	m->slot_mem = chunk;
	m->cap = cap;
	m->max_probe = max;
	if (key)
		m->key = *key;
	return 0;
}

struct dsng__ml_map *dsng__ml_map_new_keyed(TALLOC_CTX *mem,
                                            dsng__ml_key_fn key_of,
                                            const struct dsng__sipkey *key)
{
	struct dsng__ml_map *m = talloc_zero(mem, struct dsng__ml_map);

	if (!m)
		return NULL;
	m->cap = MAP_MIN_CAP;
	m->slot = slots_new(m, m->cap, &m->slot_mem);
	if (!m->slot) {
		talloc_free(m);
		return NULL;
	}
	m->key_of = key_of;
	m->key = *key;
	return m;
}

struct dsng__ml_map *dsng__ml_map_new(TALLOC_CTX *mem)
{
	return dsng__ml_map_new_keyed(mem, NULL, dsng__siphash_process_key());
}

/* The slot holding key, or (size_t)-1. */
static size_t find(const struct dsng__ml_map *m, const char *key, size_t len,
                   uint64_t h)
{
	size_t mask = m->cap - 1, i = (size_t)h & mask;

	/* never endless: the table is at most half full */
	for (; m->slot[i].val; i = (i + 1) & mask) {
		size_t klen;
		const char *k;
		if (m->slot[i].h != h)
			continue;
		k = m->key_of(m->slot[i].val, &klen);
		if (klen == len && !memcmp(k, key, len))
			return i;
	}
	return (size_t)-1;
}

uint64_t dsng__ml_map_hash(const struct dsng__ml_map *m, const char *key,
                           size_t len)
{
	return hash(m, key, len);
}

void *dsng__ml_map_get_h(const struct dsng__ml_map *m, const char *key,
                         size_t len, uint64_t h)
{
	size_t i = find(m, key, len, h);

	return i == (size_t)-1 ? NULL : m->slot[i].val;
}

void *dsng__ml_map_get(const struct dsng__ml_map *m, const char *key,
                       size_t len)
{
	return dsng__ml_map_get_h(m, key, len, hash(m, key, len));
}

int dsng__ml_map_put(struct dsng__ml_map *m, const char *key, size_t len,
                     void *val)
{
	return dsng__ml_map_put_h(m, key, len, hash(m, key, len), val);
}

int dsng__ml_map_put_h(struct dsng__ml_map *m, const char *key, size_t len,
                       uint64_t h, void *val)
{
	size_t d;
	unsigned tries;

	if ((m->n + 1) * 2 > m->cap) {
		if (rebuild(m, m->cap * 2, NULL))
			return -1;
		/* a bigger table may be worth another try at re-keying */
		m->rekey_off = false;
	}
	/* growing keeps the hash key, so h still holds */
	(void)key;
	(void)len;
	d = place(m->slot, m->cap - 1, h, val);
	m->n++;
	if (d > m->max_probe)
		m->max_probe = d;
	if (d <= DSNG__ML_MAP_PROBE_LIMIT || m->rekey_off)
		return 0;
	for (tries = 0; m->max_probe > DSNG__ML_MAP_PROBE_LIMIT; tries++) {
		struct dsng__sipkey k;
		if (tries == MAP_REKEY_TRIES) {
			m->rekey_off = true;
			break;
		}
		dsng__sipkey_next(&k);
		/* out of memory: the entry stays where it is, still found */
		if (rebuild(m, m->cap, &k))
			break;
		m->rekeys++;
	}
	return 0;
}

void *dsng__ml_map_del(struct dsng__ml_map *m, const char *key, size_t len)
{
	return dsng__ml_map_del_h(m, key, len, hash(m, key, len));
}

void *dsng__ml_map_del_h(struct dsng__ml_map *m, const char *key, size_t len,
                         uint64_t h)
{
	size_t mask = m->cap - 1, i = find(m, key, len, h), j;
	void *val;

	if (i == (size_t)-1)
		return NULL;
	val = m->slot[i].val;
	m->slot[i].val = NULL;
	/* Shift back every following entry of the run whose probe passed
	 * the hole, so lookups never meet a gap before their key. */
	for (j = (i + 1) & mask; m->slot[j].val; j = (j + 1) & mask) {
		size_t home = (size_t)m->slot[j].h & mask;
		if (((j - home) & mask) >= ((j - i) & mask)) {
			m->slot[i] = m->slot[j];
			m->slot[j].val = NULL;
			i = j;
		}
	}
	m->n--;
	return val;
}

void dsng__ml_map_walk(const struct dsng__ml_map *m,
                       void (*fn)(void *ctx, void *val), void *ctx)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		if (m->slot[i].val)
			fn(ctx, m->slot[i].val);
}

long dsng__ml_map_probe(const struct dsng__ml_map *m, const char *key,
                        size_t len)
{
	uint64_t h = hash(m, key, len);
	size_t i = find(m, key, len, h);

	if (i == (size_t)-1)
		return -1;
	return (long)((i - (size_t)h) & (m->cap - 1));
}

/* ---- slab --------------------------------------------------------------- */

#define SLAB_BLOCK 65536
/* Past this many 64 KB blocks (2 MB of records) a slab grows by 2 MB
 * blocks aligned to 2 MB, asking the kernel for a huge page each.  A full
 * scan-log has some 40 MB of records and slots that every new queue id
 * and summary row touch at random: in 4 KB pages nearly each of those
 * loads also missed the TLB.  Small scanners never get there. */
#ifndef DSNG_NO_POOLS
#define SLAB_SMALL_BLOCKS 32
#define SLAB_HUGE ((size_t)2 << 20)

/* A huge-page block of records (their count in *n), NULL when out of
 * memory.  The chunk is twice the size so that an aligned 2 MB lies in
 * it; malloc maps a chunk that large on its own, and the pages before
 * the aligned part stay untouched, so they cost address space only. */
static char *huge_block(struct dsng__ml_slab *s, size_t *n)
{
	char *c = talloc_size(s, 2 * SLAB_HUGE);
	uintptr_t a;

	if (!c)
		return NULL;
	a = ((uintptr_t)c + SLAB_HUGE - 1) & ~(uintptr_t)(SLAB_HUGE - 1);
#ifdef MADV_HUGEPAGE
	/* advice only: without huge pages the block works the same */
	(void)madvise((void *)a, SLAB_HUGE, MADV_HUGEPAGE);
#endif
	*n = s->size < SLAB_HUGE ? SLAB_HUGE / s->size : 1;
	return (char *)a;
}
#endif

struct dsng__ml_slab *dsng__ml_slab_new_hdr(TALLOC_CTX *mem, size_t size,
                                            size_t hdr)
{
	struct dsng__ml_slab *s = talloc_zero(mem, struct dsng__ml_slab);

	if (!s)
		return NULL;
	s->size = (size + 15) & ~(size_t)15;
	/* all of it when the struct is the record (the rounding too); at
	 * least the free list's link, which lives in its first bytes */
	s->zero = hdr >= size            ? s->size
	          : hdr < sizeof(void *) ? sizeof(void *)
	                                 : hdr;
	s->per_block = s->size < SLAB_BLOCK ? SLAB_BLOCK / s->size : 1;
	return s;
}

struct dsng__ml_slab *dsng__ml_slab_new(TALLOC_CTX *mem, size_t size)
{
	return dsng__ml_slab_new_hdr(mem, size, size);
}

void *dsng__ml_slab_alloc(struct dsng__ml_slab *s)
{
	void *p;

#ifdef DSNG_NO_POOLS
	p = talloc_zero_size(s, s->size);
	if (!p)
		return NULL;
#else
	if (!s->free_list) {
		size_t n = s->per_block, i;
		char *b = s->n_blocks >= SLAB_SMALL_BLOCKS &&
		                          s->size <= SLAB_BLOCK
		                  ? huge_block(s, &n)
		                  : talloc_size(s, s->size * n);
		if (!b)
			return NULL;
		for (i = n; i-- > 0;) {
			*(void **)(b + i * s->size) = s->free_list;
			s->free_list = b + i * s->size;
		}
		s->n_blocks++;
	}
	p = s->free_list;
	s->free_list = *(void **)p;
	memset(p, 0, s->zero);
#endif
	s->n_used++;
	return p;
}

void dsng__ml_slab_free(struct dsng__ml_slab *s, void *p)
{
	if (!p)
		return;
	s->n_used--;
#ifdef DSNG_NO_POOLS
	talloc_free(p);
#else
	*(void **)p = s->free_list;
	s->free_list = p;
#endif
}

/* ---- bag ---------------------------------------------------------------- */

static inline char *area(const struct dsng__ml_bag *b, const char *inl)
{
	return b->cap ? b->spill : (char *)inl;
}

const char *dsng__ml_bag_next(const struct dsng__ml_bag *b, const char *inl,
                              uint8_t tag, size_t *pos)
{
	const char *a = area(b, inl);

	while (*pos < b->used) {
		const char *s = a + *pos + 1;
		uint8_t t = (uint8_t)a[*pos];
		*pos += strlen(s) + 2;
		if (t == tag)
			return s;
	}
	return NULL;
}

const char *dsng__ml_bag_step(const struct dsng__ml_bag *b, const char *inl,
                              size_t *pos, uint8_t *tag, size_t *len)
{
	const char *a = area(b, inl), *s;

	if (*pos >= b->used)
		return NULL;
	s = a + *pos + 1;
	*tag = (uint8_t)a[*pos];
	*len = strlen(s);
	*pos += *len + 2;
	return s;
}

const char *dsng__ml_bag_get(const struct dsng__ml_bag *b, const char *inl,
                             uint8_t tag)
{
	size_t pos = 0;

	return dsng__ml_bag_next(b, inl, tag, &pos);
}

int dsng__ml_bag_add(struct dsng__ml_bag *b, char *inl, size_t inl_size,
                     TALLOC_CTX *mem, size_t *acct, uint8_t tag, const char *p,
                     size_t len)
{
	size_t need = (size_t)b->used + len + 2;
	size_t have = b->cap ? b->cap : inl_size;
	char *a;

	if (len > UINT32_MAX - 2 || need > UINT32_MAX)
		return -1;
	if (need > have) {
		size_t cap = have * 2 > need ? have * 2 : need;
		char *n;
		if (cap > UINT32_MAX)
			cap = need;
		cap = cap < 64 ? 64 : cap;
		if (b->cap) {
			n = talloc_realloc(mem, b->spill, char, cap);
		} else {
			n = talloc_array(mem, char, cap);
			if (n)
				memcpy(n, inl, b->used);
		}
		if (!n)
			return -1;
		if (acct)
			*acct += cap - b->cap +
			         (b->cap ? 0 : DSNG__ML_CHUNK_COST);
		b->spill = n;
		b->cap = (uint32_t)cap;
	}
	a = area(b, inl);
	a[b->used] = (char)tag;
	memcpy(a + b->used + 1, p, len);
	a[b->used + 1 + len] = 0;
	b->used = (uint32_t)need;
	return 0;
}

int dsng__ml_bag_set(struct dsng__ml_bag *b, char *inl, size_t inl_size,
                     TALLOC_CTX *mem, size_t *acct, uint8_t tag, const char *p,
                     size_t len)
{
	size_t pos = 0, at, old;
	const char *s = dsng__ml_bag_next(b, inl, tag, &pos);
	char *a;

	if (!s)
		return dsng__ml_bag_add(b, inl, inl_size, mem, acct, tag, p,
		                        len);
	old = strlen(s);
	if (old == len && !memcmp(s, p, len))
		return 0;
	at = pos - old - 2;
	if (dsng__ml_bag_add(b, inl, inl_size, mem, acct, tag, p, len))
		return -1;
	a = area(b, inl);
	memmove(a + at, a + pos, b->used - pos);
	b->used -= (uint32_t)(old + 2);
	return 0;
}

void dsng__ml_bag_clear(struct dsng__ml_bag *b, size_t *acct)
{
	if (b->cap) {
		talloc_free(b->spill);
		if (acct)
			*acct -= b->cap + DSNG__ML_CHUNK_COST;
	}
	b->spill = NULL;
	b->used = 0;
	b->cap = 0;
}
