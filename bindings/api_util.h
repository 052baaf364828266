/*
 * bindings/api_util.h - the error helpers of the entry points in
 * api_more.c, scanlog.c and build_report.c (api.c keeps its own).
 */
#ifndef DSNGB_API_UTIL_H
#define DSNGB_API_UTIL_H

#include <stdio.h>
#include <string.h>

#include "api_more.h"

/* Out of memory: MemoryError, Perl croaks. */
static inline void *dsngb_nomem(struct dsng_error *err)
{
	err->rc = DSNG_ENOMEM;
	err->kind = DSNG_ERR_NOMEM;
	strcpy(err->message, "out of memory");
	return NULL;
}

/* Misuse from the script: TypeError, Perl croaks. */
static inline void *dsngb_misuse(struct dsng_error *err, const char *msg)
{
	err->rc = DSNG_EINVAL;
	err->kind = DSNG_ERR_INVALID_ARGUMENT;
	err->reply = 0;
	err->enhanced = "";
	snprintf(err->message, sizeof(err->message), "%s", msg);
	return NULL;
}

/* A built result, or out of memory when a builder call failed. */
static inline void *dsngb_finish(void *res, struct dsng_error *err)
{
	if (!res || dsngb_native_failed()) {
		dsngb_native_free(res);
		return dsngb_nomem(err);
	}
	return res;
}

/* A refused value as ParseError: code bad_value, no reply. */
static inline void *dsngb_bad_value(struct dsng_error *err, const char *msg)
{
	err->rc = DSNG_ESYNTAX;
	err->kind = DSNG_ERR_BAD_VALUE;
	err->reply = 0;
	err->enhanced = "";
	err->offset = 0;
	snprintf(err->message, sizeof(err->message), "%s", msg);
	return NULL;
}

#endif
