/*
 * lib/maillog_map.h - the containers of the maillog join and summary: a
 * string-keyed hash table whose worst case does not depend on the input, a
 * slab of fixed-size records, and a compact bag of tagged strings.  Every
 * one of them costs a known number of bytes per entry (maillog.h documents
 * the totals next to the limits).
 */
#ifndef DSNG_MAILLOG_MAP_H
#define DSNG_MAILLOG_MAP_H

#include "dsng_private.h"
#include "siphash.h"

/* ---- hash table -------------------------------------------------------
 *
 * Open addressing with linear probing over a power-of-two array of 16-byte
 * slots (the 64-bit hash and the value), at most half full: it doubles
 * before an insertion would pass half, so a table of n entries takes 32 to
 * 64 bytes per entry.  Removal shifts the following entries back (no
 * tombstones), so probe lengths never grow with churn.
 *
 * The hash is SipHash-1-3 under the per-process random key (siphash.h):
 * an attacker who picks the keys (forged envelope senders) cannot aim
 * them at one slot.  Should an insertion nevertheless probe more than
 * DSNG__ML_MAP_PROBE_LIMIT slots (with a random key, less likely than
 * 1e-10 per insertion at the highest load), the table re-keys itself with
 * a fresh key and rehashes, so probes stay bounded even if the key were
 * known.
 *
 * The map stores values only: each value carries its key, and key_of
 * gives it back (len bytes, not necessarily NUL-terminated).
 */
#define DSNG__ML_MAP_PROBE_LIMIT 128

typedef const char *(*dsng__ml_key_fn)(const void *val, size_t *len);

struct dsng__ml_slot {
	uint64_t h;
	void *val; /* NULL = empty */
};

struct dsng__ml_map {
	struct dsng__ml_slot *slot;
	void *slot_mem; /* the chunk slot lies in (aligned when large) */
	size_t cap;     /* a power of two */
	size_t n;
	dsng__ml_key_fn key_of;
	struct dsng__sipkey key;
	size_t max_probe;     /* the longest probe an insertion made */
	unsigned long rekeys; /* times the table changed its key */
	bool rekey_off;       /* re-keying did not help: wait for growth */
};

/* A new empty map on mem keyed with the process key; NULL when out of
 * memory.  The owner sets key_of before the first put. */
struct dsng__ml_map *dsng__ml_map_new(TALLOC_CTX *mem);
/* The same with a given key (tests). */
struct dsng__ml_map *dsng__ml_map_new_keyed(TALLOC_CTX *mem,
                                            dsng__ml_key_fn key_of,
                                            const struct dsng__sipkey *key);
/* The value stored under key, or NULL. */
void *dsng__ml_map_get(const struct dsng__ml_map *m, const char *key,
                       size_t len);
/* Store val, whose key_of is key (not present yet); 0, or -1 when out of
 * memory (the map is unchanged). */
int dsng__ml_map_put(struct dsng__ml_map *m, const char *key, size_t len,
                     void *val);
/* The same two with the key's hash computed once by the caller
 * (dsng__ml_map_hash), for a lookup that inserts on a miss: SipHash was
 * the largest single cost of scan-log on a DSN flood, half of it hashing
 * a new key twice.  The hash is valid until the next put (which may
 * re-key the table); a del keeps it. */
uint64_t dsng__ml_map_hash(const struct dsng__ml_map *m, const char *key,
                           size_t len);
void *dsng__ml_map_get_h(const struct dsng__ml_map *m, const char *key,
                         size_t len, uint64_t h);
int dsng__ml_map_put_h(struct dsng__ml_map *m, const char *key, size_t len,
                       uint64_t h, void *val);
/* Remove key; returns its value, NULL when absent. */
void *dsng__ml_map_del(struct dsng__ml_map *m, const char *key, size_t len);
/* The same with key's hash from dsng__ml_map_hash (valid while
 * m->rekeys is what it was then). */
void *dsng__ml_map_del_h(struct dsng__ml_map *m, const char *key, size_t len,
                         uint64_t h);
/* Start loading the slot where a lookup of hash h begins.  On a full
 * scan-log table the slots and records are far larger than the caches:
 * a caller that knows a key it will look up or delete soon (the next
 * record to evict) asks for its slot early, so that miss overlaps the
 * other work instead of stalling the lookup.  Advice only. */
static inline void dsng__ml_map_prefetch(const struct dsng__ml_map *m,
                                         uint64_t h)
{
	__builtin_prefetch(&m->slot[(size_t)h & (m->cap - 1)]);
}
/* Call fn for every value, in no particular order. */
void dsng__ml_map_walk(const struct dsng__ml_map *m,
                       void (*fn)(void *ctx, void *val), void *ctx);
/* The number of slots between key's home slot and where it is (0 = at
 * home), -1 when absent (tests). */
long dsng__ml_map_probe(const struct dsng__ml_map *m, const char *key,
                        size_t len);

/* ---- slab ---------------------------------------------------------------
 *
 * Records of one size carved from 64 KB blocks, with a free list: no
 * allocator header per record (a talloc chunk costs about 112 bytes of
 * headers).  Blocks are kept until the slab is freed; the tables that use
 * a slab have a count limit, so it never holds more than that many
 * records.  Sanitizer builds allocate each record on its own so ASan sees
 * overflows and use after free.
 */
struct dsng__ml_slab {
	size_t size;      /* bytes per record, a multiple of 16 */
	size_t zero;      /* bytes zeroed by dsng__ml_slab_alloc */
	size_t per_block; /* records per block */
	void *free_list;
	size_t n_used; /* records handed out */
	size_t n_blocks;
};

/* A slab on mem for records of size bytes; NULL when out of memory. */
struct dsng__ml_slab *dsng__ml_slab_new(TALLOC_CTX *mem, size_t size);
/* The same for records whose first hdr bytes are a struct and the rest
 * an area read only where written (a bag's inline strings): only the
 * struct is zeroed.  A recycled record is cold on a large log, and
 * clearing all of it touched cache lines the strings may never use. */
struct dsng__ml_slab *dsng__ml_slab_new_hdr(TALLOC_CTX *mem, size_t size,
                                            size_t hdr);
/* A record zeroed (its first hdr bytes), NULL when out of memory. */
void *dsng__ml_slab_alloc(struct dsng__ml_slab *s);
/* Give a record back (NULL is ignored). */
void dsng__ml_slab_free(struct dsng__ml_slab *s, void *p);

/* ---- bag of tagged strings -----------------------------------------------
 *
 * A record's strings (sender, client, recipients...) packed as
 * [tag][bytes][NUL] entries in an area inline in the record, moved to a
 * talloc chunk under mem when they outgrow it.  Looking one up is a scan
 * (records hold a few short strings); setting one moves the others.
 * *acct, when not NULL, follows the bytes of spilled areas (with
 * DSNG__ML_CHUNK_COST each), for a table's byte budget.
 */
/* What a talloc chunk costs beyond its bytes (header and malloc's). */
#define DSNG__ML_CHUNK_COST 112

struct dsng__ml_bag {
	char *spill;   /* the area when not inline (a talloc chunk) */
	uint32_t used; /* bytes in use */
	uint32_t cap;  /* bytes of the spilled area (0 = inline) */
};

/* The first string with tag after *pos (start with *pos = 0), or NULL. */
const char *dsng__ml_bag_next(const struct dsng__ml_bag *b, const char *inl,
                              uint8_t tag, size_t *pos);
/* The string after *pos whatever its tag (start with *pos = 0): its tag
 * in *tag and length in *len, or NULL at the end.  One walk reads every
 * string, where a bag_get per tag walks the bag once each. */
const char *dsng__ml_bag_step(const struct dsng__ml_bag *b, const char *inl,
                              size_t *pos, uint8_t *tag, size_t *len);
/* The first string with tag, or NULL. */
const char *dsng__ml_bag_get(const struct dsng__ml_bag *b, const char *inl,
                             uint8_t tag);
/* Append a string with tag (p must not point into the bag); 0 or -1 when
 * out of memory (unchanged). */
int dsng__ml_bag_add(struct dsng__ml_bag *b, char *inl, size_t inl_size,
                     TALLOC_CTX *mem, size_t *acct, uint8_t tag, const char *p,
                     size_t len);
/* Replace the first string with tag (or add it); 0 or -1 (unchanged). */
int dsng__ml_bag_set(struct dsng__ml_bag *b, char *inl, size_t inl_size,
                     TALLOC_CTX *mem, size_t *acct, uint8_t tag, const char *p,
                     size_t len);
/* Drop every string. */
void dsng__ml_bag_clear(struct dsng__ml_bag *b, size_t *acct);

#endif /* DSNG_MAILLOG_MAP_H */
