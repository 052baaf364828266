/*
 * lib/report_store.c - where the field values of a parsed report live:
 * blocks that are talloc children of the report, objects carved from the
 * front of a block (8-aligned) and strings from its back (exact: a string
 * needs no alignment), and a small cache that hands an equal string the
 * pointer of its first copy, so the "rfc822", "failed" and "5.1.1" of
 * 10,000 recipients are held once.
 *
 * Why not a talloc chunk each: a chunk costs about 100 bytes of header
 * and glibc rounding beyond its own, and a recipient had about fifteen.
 * Why not the old one-ended arena: rounding every string to 8 bytes and
 * a copy of each repeated value cost 60 bytes a recipient, and 10,000
 * recipients of 80 input bytes each held 2.51x their input.
 */
#include <string.h>

#include "report_int.h"

/* Blocks double from 1 KB up to 32 KB, below glibc's mmap threshold; a
 * value too big for half a block gets a chunk of its own, so the current
 * block's free room is not thrown away for it. */
#define BLOCK_FIRST 1024
#define BLOCK_MAX 32768

void dsng__store_init(struct dsng__store *s, TALLOC_CTX *owner)
{
	s->owner = owner;
	s->lo = NULL;
	s->gap = 0;
	s->next = BLOCK_FIRST;
	s->cache_ready = false;
}

#ifndef DSNG_NO_POOLS
/* A fresh current block with room for at least n bytes. */
static bool new_block(struct dsng__store *s, size_t n)
{
	size_t sz = s->next > n ? s->next : n;
	char *b = talloc_size(s->owner, sz);

	if (!b)
		return false;
	s->lo = b;
	s->gap = sz;
	if (s->next < BLOCK_MAX)
		s->next *= 2;
	return true;
}

static bool big(const struct dsng__store *s, size_t n)
{
	return n > s->next / 2;
}
#endif

void *dsng__store_obj(struct dsng__store *s, size_t n)
{
#ifdef DSNG_NO_POOLS
	/* sanitizer builds: a chunk per object, so ASan sees every bound */
	return talloc_zero_size(s->owner, n ? n : 1);
#else
	char *p;

	n = (n + 7) & ~(size_t)7;
	if (n > s->gap) {
		if (big(s, n))
			return talloc_zero_size(s->owner, n);
		if (!new_block(s, n))
			return NULL;
	}
	/* lo stays 8-aligned: blocks start aligned and objects are
	 * multiples of 8 (strings are taken from the other end) */
	p = s->lo;
	s->lo += n;
	s->gap -= n;
	memset(p, 0, n);
	return p;
#endif
}

/* The key of p..n, two words that hold every byte of a string up to 16
 * bytes (overlapping loads: first and last 8, first and last 4, or the
 * first, middle and last byte), so with the length they identify it;
 * longer strings are compared whole as well. */
struct key {
	uint64_t a, b;
};

/* (returned by value: a local whose address is taken would cost a stack
 * canary on every call) */
static struct key key_of(const char *p, size_t n)
{
	struct key k = {0, 0};
	uint32_t x, y;

	if (n >= 8) {
		memcpy(&k.a, p, 8);
		memcpy(&k.b, p + n - 8, 8);
	} else if (n >= 4) {
		memcpy(&x, p, 4);
		memcpy(&y, p + n - 4, 4);
		k.a = x;
		k.b = y;
	} else if (n) {
		k.a = (unsigned char)p[0] | (unsigned char)p[n / 2] << 8 |
		      (unsigned char)p[n - 1] << 16;
	}
	return k;
}

static bool hit(const struct dsng__store_slot *sl, const char *p, size_t n,
                struct key k)
{
	return sl->s && sl->len == n && sl->a == k.a && sl->b == k.b &&
	       (n <= 16 || memcmp(sl->s, p, n) == 0);
}

/* The miss: copy p..n into the store; it takes way 0 of its set, whose
 * string moves to way 1 (two hot values that share a set both stay). */
static char *copy(struct dsng__store *s, struct dsng__store_slot *set,
                  const char *p, size_t n, struct key k)
{
	char *d;

#ifdef DSNG_NO_POOLS
	d = talloc_size(s->owner, n + 1);
#else
	if (n + 1 <= s->gap) {
		s->gap -= n + 1;
		d = s->lo + s->gap;
	} else if (big(s, n + 1)) {
		d = talloc_size(s->owner, n + 1);
	} else {
		d = new_block(s, n + 1) ? s->lo + (s->gap -= n + 1) : NULL;
	}
#endif
	if (!d)
		return NULL;
	memcpy(d, p, n);
	d[n] = 0;
	set[1] = set[0];
	set[0].s = d;
	set[0].len = n;
	set[0].a = k.a;
	set[0].b = k.b;
	return d;
}

/* Most values of a report with many recipients are hits. */
char *dsng__store_str(struct dsng__store *s, const char *p, size_t n)
{
	struct dsng__store_slot *set;
	struct key k;
	uint64_t h;

	if (!s->cache_ready) {
		memset(s->cache, 0, sizeof(s->cache));
		s->cache_ready = true;
	}
	k = key_of(p, n);
	/* both words multiplied, then folded: a collision costs a compare,
	 * never a wrong answer */
	h = k.a * UINT64_C(0x9e3779b97f4a7c15) +
	    (k.b ^ n) * UINT64_C(0xc2b2ae3d27d4eb4f);
	h ^= h >> 29;
	h *= UINT64_C(0xff51afd7ed558ccd);
	set = &s->cache[2 * (h >> (64 - DSNG__STORE_CACHE_BITS + 1))];
	if (hit(&set[0], p, n, k))
		return set[0].s;
	if (hit(&set[1], p, n, k))
		return set[1].s;
	return copy(s, set, p, n, k);
}
