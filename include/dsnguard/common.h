/*
 * dsnguard/common.h - what every part of libdsnguard shares: the export
 * macro, the version, byte spans into caller input, and the error model.
 *
 * Error model: functions return 0 (DSNG_OK) or a negative DSNG_E* status
 * and fill an optional, caller-owned struct dsng_error.  Nothing here is
 * allocated and there is no global "last error", so the library stays
 * reentrant.
 */
#ifndef DSNG_COMMON_H
#define DSNG_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define DSNG_API __attribute__((visibility("default")))
#else
#define DSNG_API
#endif

#define DSNG_VERSION_MAJOR 0
#define DSNG_VERSION_MINOR 1
#define DSNG_VERSION_PATCH 0
#define DSNG_VERSION_STRING "0.1.0"
/* One integer that compares in release order: 0x00MMmmpp. */
#define DSNG_VERSION_NUMBER                                                     \
	((DSNG_VERSION_MAJOR << 16) | (DSNG_VERSION_MINOR << 8) | DSNG_VERSION_PATCH)
/* True when the headers are at least version a.b.c. */
#define DSNG_CHECK_VERSION(a, b, c)                                             \
	(DSNG_VERSION_NUMBER >= (((a) << 16) | ((b) << 8) | (c)))

/* The version of the library actually linked, "MAJOR.MINOR.PATCH" (static). */
DSNG_API const char *dsng_version(void);

/* A borrowed byte range, usually inside the caller's input buffer.  It is
 * not NUL-terminated and is valid only as long as the buffer it points into. */
struct dsng_span {
	const char *ptr;
	size_t len;
};

/* Status codes returned by every function. */
enum dsng_status {
	DSNG_OK = 0,
	DSNG_ENOMEM = -1,   /* an allocation failed */
	DSNG_EINVAL = -2,   /* bad argument (NULL, unknown option version) */
	DSNG_ESYNTAX = -3,  /* the input breaks its grammar */
	DSNG_ELIMIT = -4,   /* a configured limit was exceeded */
	DSNG_EIO = -5,      /* a file could not be read */
	DSNG_ENOTFOUND = -6, /* a named thing (preset, key, file) does not exist */
	DSNG_EVERIFY = -7,  /* a signature or tag did not verify */
};

/*
 * What exactly went wrong: a stable identifier with a stable short name
 * (dsng_errkind_name), used in the CLI's JSON ("bad_xtext").
 */
enum dsng_errkind {
	DSNG_ERR_NONE = 0,
	/* SMTP command framing and verbs */
	DSNG_ERR_EMPTY,
	DSNG_ERR_UNKNOWN_COMMAND,
	DSNG_ERR_LINE_TOO_LONG,
	DSNG_ERR_NUL_BYTE,
	DSNG_ERR_BARE_CR_LF,
	DSNG_ERR_SYNTAX,
	/* addresses */
	DSNG_ERR_BAD_ADDRESS,
	DSNG_ERR_NULL_PATH_NOT_ALLOWED,
	DSNG_ERR_NON_ASCII_ADDRESS, /* 8-bit without SMTPUTF8: 553 5.6.7 */
	/* ESMTP parameters */
	DSNG_ERR_BAD_PARAM,
	DSNG_ERR_DUPLICATE_PARAM,
	DSNG_ERR_TOO_MANY_PARAMS,
	DSNG_ERR_BAD_NOTIFY,
	DSNG_ERR_BAD_ORCPT,
	DSNG_ERR_BAD_RET,
	DSNG_ERR_BAD_ENVID,
	DSNG_ERR_BAD_SIZE,
	DSNG_ERR_BAD_BODY,
	DSNG_ERR_BAD_XTEXT,
	DSNG_ERR_BAD_AUTH,
	DSNG_ERR_BAD_BY,
	DSNG_ERR_BAD_MT_PRIORITY,
	DSNG_ERR_BAD_HOLD,
	DSNG_ERR_PARAM_NOT_ALLOWED,
	/* server replies, EHLO, status codes */
	DSNG_ERR_BAD_REPLY,
	DSNG_ERR_MIXED_CODES,
	DSNG_ERR_BAD_CONTINUATION,
	DSNG_ERR_BAD_STATUS,
	DSNG_ERR_BAD_EHLO,
	/* MIME and reports */
	DSNG_ERR_NOT_MAIL,
	DSNG_ERR_DEPTH_LIMIT,
	DSNG_ERR_PART_LIMIT,
	DSNG_ERR_HEADER_LIMIT,
	DSNG_ERR_FIELD_LIMIT,
	DSNG_ERR_SIZE_LIMIT,
	DSNG_ERR_RECIPIENT_LIMIT,
	/* policy, config, BATV, logs */
	DSNG_ERR_CONFIG,
	DSNG_ERR_UNKNOWN_KEY,
	DSNG_ERR_BAD_VALUE,
	DSNG_ERR_BAD_CIDR,
	DSNG_ERR_UNKNOWN_PRESET,
	DSNG_ERR_IO,
	DSNG_ERR_BATV_FORMAT,
	DSNG_ERR_BATV_EXPIRED,
	DSNG_ERR_BATV_BAD_HASH,
	DSNG_ERR_BATV_NO_KEY,
	DSNG_ERR_NOMEM,
	DSNG_ERR_INVALID_ARGUMENT,
	DSNG_ERR__COUNT /* not a kind; keep last */
};

/* Size of the message buffer inside struct dsng_error. */
#define DSNG_ERROR_MESSAGE_MAX 160

/*
 * Everything a caller needs to report a failure: which kind, where, and for
 * SMTP input the reply a server should send.  Caller-owned; every parser
 * accepts NULL when the caller does not want details.
 */
struct dsng_error {
	int status;               /* the DSNG_E* value also returned */
	enum dsng_errkind kind;   /* what went wrong */
	size_t offset;            /* 0-based byte offset in the input */
	unsigned line, column;    /* 1-based, for files; 0 when not applicable */
	int reply;                /* SMTP reply code to send (501), 0 if none */
	const char *enhanced;     /* RFC 3463 code ("5.5.4"), static; "" if none */
	char message[DSNG_ERROR_MESSAGE_MAX]; /* human text, NUL-terminated */
};

/* Stable short name of a kind ("bad_xtext"); "unknown" for out-of-range. */
DSNG_API const char *dsng_errkind_name(enum dsng_errkind kind);

/* Human description of a status code ("syntax error"); static string. */
DSNG_API const char *dsng_strerror(int status);

/* Reset an error struct to "no error" (safe with NULL). */
DSNG_API void dsng_error_clear(struct dsng_error *err);

#ifdef __cplusplus
}
#endif

#endif /* DSNG_COMMON_H */
