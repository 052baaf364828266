/*
 * lib/report_int.h - what report.c and report_fields.c share.
 */
#ifndef DSNG_REPORT_INT_H
#define DSNG_REPORT_INT_H

#include "mime_int.h"

/* The storage of a report's field values (lib/report_store.c): objects
 * and strings carved from blocks that are talloc children of `owner`, so
 * one talloc_free of the report frees them; nothing is freed alone. */
#define DSNG__STORE_CACHE_BITS 6
struct dsng__store_slot {
	char *s;
	size_t len;
	uint64_t a, b; /* its first and last 8 bytes (report_store.c) */
};
struct dsng__store {
	TALLOC_CTX *owner;
	char *lo;    /* the current block's free room: lo..lo + gap */
	size_t gap;  /* objects are taken from its front, strings from its back
	              */
	size_t next; /* size of the next block */
	bool cache_ready; /* cache zeroed (on the first string) */
	/* sets of two ways (report_store.c) */
	struct dsng__store_slot cache[1u << DSNG__STORE_CACHE_BITS];
};

void dsng__store_init(struct dsng__store *s, TALLOC_CTX *owner);

/* n zeroed bytes, 8-aligned; NULL on ENOMEM. */
void *dsng__store_obj(struct dsng__store *s, size_t n);

/* A NUL-terminated copy of p..n, or the earlier copy of an equal string
 * when the cache still holds it: results may be shared, so they are never
 * written to.  NULL on ENOMEM. */
char *dsng__store_str(struct dsng__store *s, const char *p, size_t n);

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
