/*
 * lib/report_store.c - where the field values of a parsed report live:
 * blocks that are talloc children of the report, objects carved from the
 * front of a block (8-aligned) and strings from its back (exact: a string
 * needs no alignment), and a small cache that hands an equal string the
 * pointer of its first copy, so the "rfc822", "failed" and "5.1.1" of
 * 10,000 recipients are held once (its lookup is inline, in
 * report_int.h).
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
	s->used = 0;
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

char *dsng__store_dup_new(struct dsng__store *s, const char *p, size_t n)
{
	char *d;

#ifdef DSNG_NO_POOLS
	d = talloc_size(s->owner, n + 1);
#else
	/* the inline half took the copies that fit the current block */
	if (big(s, n + 1)) {
		d = talloc_size(s->owner, n + 1);
	} else {
		d = new_block(s, n + 1) ? s->lo + (s->gap -= n + 1) : NULL;
	}
#endif
	if (!d)
		return NULL;
	memcpy(d, p, n);
	d[n] = 0;
	return d;
}

char *dsng__store_copy(struct dsng__store *s, struct dsng__store_slot *set,
                       const char *p, size_t n, uint64_t a, uint64_t b)
{
	char *d = dsng__store_dup(s, p, n);

	if (!d)
		return NULL;
	/* way 0 is the newest: two hot values that share a set both stay */
	if (s->used >> (set - s->cache) / 2 & 1) {
		set[1] = set[0];
	} else {
		memset(&set[1], 0, sizeof(set[1]));
		s->used |= (uint32_t)1 << (set - s->cache) / 2;
	}
	set[0].s = d;
	set[0].len = n;
	set[0].a = a;
	set[0].b = b;
	return d;
}
