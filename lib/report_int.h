/*
 * lib/report_int.h - what report.c and report_fields.c share.
 */
#ifndef DSNG_REPORT_INT_H
#define DSNG_REPORT_INT_H

#include <string.h>

#include "mime_int.h"

/* The storage of a report's field values (lib/report_store.c): objects
 * and strings carved from blocks that are talloc children of `owner`, so
 * one talloc_free of the report frees them; nothing is freed alone. */
#define DSNG__STORE_SETS_BITS 5 /* 32 sets of two ways */
struct dsng__store_slot {
	char *s;
	size_t len;
	uint64_t a, b; /* its key (dsng__store_str) */
};
struct dsng__store {
	TALLOC_CTX *owner;
	char *lo;    /* the current block's free room: lo..lo + gap */
	size_t gap;  /* objects are taken from its front, strings from its back
	              */
	size_t next; /* size of the next block */
	/* a bit per set that holds anything, so the cache needs no zeroing
	 * when a report starts (most hold a few values) */
	uint32_t used;
	struct dsng__store_slot cache[2u << DSNG__STORE_SETS_BITS];
};

void dsng__store_init(struct dsng__store *s, TALLOC_CTX *owner);

/* n zeroed bytes, 8-aligned; NULL on ENOMEM. */
void *dsng__store_obj(struct dsng__store *s, size_t n);

/* dsng__store_dup's own call, only when the current block has no room for
 * the copy (or the build has no pools). */
char *dsng__store_dup_new(struct dsng__store *s, const char *p, size_t n);

/* A NUL-terminated copy of p..n, not looked up nor kept in the cache:
 * for values that are seldom repeated (addresses, diagnostics).  NULL on
 * ENOMEM.  Inline when the block has room, as it mostly has: the call
 * cost a quarter of the copy. */
static inline char *dsng__store_dup(struct dsng__store *s, const char *p,
                                    size_t n)
{
#ifndef DSNG_NO_POOLS
	if (n + 1 <= s->gap) {
		char *d = s->lo + (s->gap -= n + 1);
		memcpy(d, p, n);
		d[n] = 0;
		return d;
	}
#endif
	return dsng__store_dup_new(s, p, n);
}

/* dsng__store_str's miss: copy p..n into the store and into way 0 of
 * `set` (whose string moves to way 1), key a, b. */
char *dsng__store_copy(struct dsng__store *s, struct dsng__store_slot *set,
                       const char *p, size_t n, uint64_t a, uint64_t b);

/* A NUL-terminated copy of p..n, or the earlier copy of an equal string
 * when the cache still holds it: results may be shared, so they are never
 * written to.  NULL on ENOMEM.  Inline: most values of a report with many
 * recipients are hits, and a call cost as much as the lookup.
 *
 * The key is two words that hold every byte of a string up to 16 bytes
 * (overlapping loads: first and last 8, first and last 4, or the first,
 * middle and last byte), so with the length it identifies the string;
 * longer ones are compared whole as well.  A collision of the hash costs
 * a compare, never a wrong answer. */
static inline char *dsng__store_str(struct dsng__store *s, const char *p,
                                    size_t n)
{
	struct dsng__store_slot *set;
	uint64_t a = 0, b = 0, h;
	uint32_t x, y;

	if (n >= 8) {
		memcpy(&a, p, 8);
		memcpy(&b, p + n - 8, 8);
	} else if (n >= 4) {
		memcpy(&x, p, 4);
		memcpy(&y, p + n - 4, 4);
		a = x;
		b = y;
	} else if (n) {
		a = (unsigned char)p[0] | (unsigned char)p[n / 2] << 8 |
		    (unsigned char)p[n - 1] << 16;
	}
	h = a * UINT64_C(0x9e3779b97f4a7c15) +
	    (b ^ n) * UINT64_C(0xc2b2ae3d27d4eb4f);
	h ^= h >> 29;
	h *= UINT64_C(0xff51afd7ed558ccd);
	h >>= 64 - DSNG__STORE_SETS_BITS;
	set = &s->cache[2 * h];
	if (!(s->used >> h & 1))
		return dsng__store_copy(s, set, p, n, a, b);
	if (set[0].len == n && set[0].a == a && set[0].b == b && set[0].s &&
	    (n <= 16 || memcmp(set[0].s, p, n) == 0))
		return set[0].s;
	if (set[1].len == n && set[1].a == a && set[1].b == b && set[1].s &&
	    (n <= 16 || memcmp(set[1].s, p, n) == 0))
		return set[1].s;
	return dsng__store_copy(s, set, p, n, a, b);
}

/* Whether the field value p..len is a date in the common RFC 5322 form
 * ("Thu, 15 Apr 2021 09:05:07 +0900") with nothing around it but white
 * space and one plain comment: then p + *at..*n is what cleaning the value
 * gives, and *out its timestamp, as dsng_report_date_parse gives it
 * (lib/report_date.c).  false: clean and parse the value the long way. */
bool dsng__report_date_common(const char *p, size_t len, size_t *at, size_t *n,
                              int64_t *out);

/* lim, in both functions: a full local copy whose `mime` points to a
 * full local copy of the MIME limits (never NULL), as dsng_report_parse
 * makes them. */

/* Read the field blocks of a delivery-status or disposition-notification
 * body (buf..len, at offset base of the message input; when decoded, buf
 * is a transfer-decoded copy and every offset is base) into r.  Problems
 * go to r->mime.  Errors: limits, ENOMEM. */
int dsng__report_fields(struct dsng_report *r, const char *buf, size_t len,
                        size_t base, bool decoded,
                        const struct dsng_report_limits *lim,
                        struct dsng_error *err);

/* Read the returned header block of part into r->returned. */
int dsng__report_returned(struct dsng_report *r,
                          const struct dsng_mime_part *part,
                          const struct dsng_report_limits *lim,
                          struct dsng_error *err);

#endif
