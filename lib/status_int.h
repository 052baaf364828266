/*
 * lib/status_int.h - the enhanced status code registry table and the
 * scanner shared by status.c and reply.c; never installed.
 */
#ifndef DSNG_STATUS_INT_H
#define DSNG_STATUS_INT_H

#include "dsnguard/status.h"

/* One registered X.subject.detail code of the IANA registry. */
struct dsng__status_entry {
	unsigned short subject, detail;
	const char *text; /* the registry's short description */
	const char *rfc;  /* where it was defined ("RFC 3463") */
};

/* The registered entry for X.subject.detail, or NULL. */
const struct dsng__status_entry *dsng__status_lookup(unsigned subject,
                                                     unsigned detail);

/* Every registered entry, sorted by subject then detail; *n gets the count. */
const struct dsng__status_entry *dsng__status_table(size_t *n);

/* The longest code at the start of buf (0 if none); *bad, if not NULL,
 * gets the offset where the grammar broke. */
size_t dsng__status_scan(const char *buf, size_t len,
                         struct dsng_status_code *out, size_t *bad);

#endif /* DSNG_STATUS_INT_H */
