/*
 * dsnguard/status.h - RFC 3463 enhanced mail system status codes
 * ("5.1.1"): parse, find inside longer text, classify, and describe with
 * the IANA "SMTP Enhanced Status Codes" registry (RFC 5248).
 *
 * Nothing here allocates: a parsed code is a small value struct.
 */
#ifndef DSNG_STATUS_H
#define DSNG_STATUS_H

#include <talloc.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The class digit (RFC 3463 section 3.1). */
enum dsng_status_class {
	DSNG_STATUS_CLASS_SUCCESS = 2,   /* 2.X.X success */
	DSNG_STATUS_CLASS_TRANSIENT = 4, /* 4.X.X persistent transient */
	DSNG_STATUS_CLASS_PERMANENT = 5  /* 5.X.X permanent failure */
};

/* The subject digit (RFC 3463 section 3.2); other values are unregistered. */
enum dsng_status_subject {
	DSNG_STATUS_SUBJECT_OTHER = 0,       /* X.0.X other or undefined */
	DSNG_STATUS_SUBJECT_ADDRESSING = 1,  /* X.1.X */
	DSNG_STATUS_SUBJECT_MAILBOX = 2,     /* X.2.X */
	DSNG_STATUS_SUBJECT_MAIL_SYSTEM = 3, /* X.3.X */
	DSNG_STATUS_SUBJECT_NETWORK = 4,     /* X.4.X network, routing */
	DSNG_STATUS_SUBJECT_PROTOCOL = 5,    /* X.5.X delivery protocol */
	DSNG_STATUS_SUBJECT_CONTENT = 6,     /* X.6.X content or media */
	DSNG_STATUS_SUBJECT_SECURITY = 7     /* X.7.X security or policy */
};

/* Longest canonical code, "5.999.999", plus its NUL. */
#define DSNG_STATUS_STR_MAX 10

/* One enhanced status code.  `str` is the canonical text (no leading zeros
 * in subject or detail), NUL-terminated. */
struct dsng_status_code {
	unsigned cls;     /* 2, 4 or 5 (enum dsng_status_class) */
	unsigned subject; /* 0..999 */
	unsigned detail;  /* 0..999 */
	char str[DSNG_STATUS_STR_MAX];
};

/* Parse exactly one code "class.subject.detail" filling all of buf/len
 * (class 2/4/5, subject and detail 1-3 digits, RFC 3463 section 2) into
 * *out.  DSNG_OK; DSNG_ESYNTAX (bad_status, offset at the culprit); EINVAL. */
DSNG_API int dsng_status_parse(struct dsng_status_code *out, const char *buf,
                               size_t len, struct dsng_error *err);

/* Read a code at the start of buf that the end of buf or a space/TAB
 * follows (how RFC 2034 puts it after the reply code) into *out.  Returns
 * its length (5..9), or 0 (out untouched) when buf does not start so. */
DSNG_API size_t dsng_status_prefix(struct dsng_status_code *out,
                                   const char *buf, size_t len);

/* Find the first code that stands alone in text ("550 5.7.1 refused": no
 * digit, letter or '.' before it, no digit, letter or ".digit" after, so IP
 * addresses never match); *offset (may be NULL). DSNG_OK or ENOTFOUND. */
DSNG_API int dsng_status_find(struct dsng_status_code *out, size_t *offset,
                              const char *buf, size_t len);

/* "success", "transient" or "permanent" for a class digit; "unknown" for
 * other values.  Static string. */
DSNG_API const char *dsng_status_class_name(unsigned cls);

/* Registry summary of a subject ("Addressing Status"); for subjects the
 * registry does not define: "Unregistered Status".  Static string. */
DSNG_API const char *dsng_status_subject_name(unsigned subject);

/* The registry's short description of X.subject.detail ("Bad destination
 * mailbox address" for X.1.1), a static string; NULL when that code is not
 * registered. */
DSNG_API const char *dsng_status_registered(unsigned subject, unsigned detail);

/* The best text for a code: the registry description when registered,
 * otherwise the subject's generic text.  Never NULL (a NULL code gives
 * "Unregistered Status"); static string. */
DSNG_API const char *dsng_status_describe(const struct dsng_status_code *code);

/* Fill *out from numbers (class 2/4/5, subject and detail <= 999), with
 * its canonical text.  Returns DSNG_OK or DSNG_EINVAL (out untouched). */
DSNG_API int dsng_status_make(struct dsng_status_code *out, unsigned cls,
                              unsigned subject, unsigned detail);

#ifdef __cplusplus
}
#endif

#endif /* DSNG_STATUS_H */
