/*
 * lib/report_int.h - what report.c and report_fields.c share.
 */
#ifndef DSNG_REPORT_INT_H
#define DSNG_REPORT_INT_H

#include "mime_int.h"

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
