/*
 * dsnguard/common.h - what every part of libdsnguard shares: the export
 * macro, the version, byte spans into caller input, the rules for structs
 * that grow, the kinds of delivery status notification, and the error
 * model.
 *
 * Error model: functions return 0 (DSNG_OK) or a negative DSNG_E* return
 * code (enum dsng_rc) and fill an optional, caller-owned struct
 * dsng_error.  Nothing here is allocated and there is no global "last
 * error", so the library stays reentrant.
 *
 * Versioned structs.  Every public struct that the caller fills or
 * allocates and that may gain fields (options, limits, sessions, errors,
 * decisions, parsed commands) starts with `unsigned version`.  Set it with
 * the struct's DSNG_<X>_INIT macro or dsng_<x>_init(&x, DSNG_<X>_VERSION).
 * The library accepts every version from 1 to the one its headers define:
 * it reads and writes only the fields that version has, and uses the
 * defaults for fields added later.  A version it does not know (0, or a
 * newer header than the library) is refused with DSNG_EINVAL.  Fields are
 * only ever appended, so a program built against older headers keeps
 * working with a newer library.
 *
 * Argument order.  What allocates takes (mem, out..., inputs..., opts,
 * err); parsers that fill caller memory take (out..., inputs..., opts,
 * err); policy decisions take (decision, policy, session, inputs..., err).
 * Formatters that can only fail for lack of memory return the new string
 * (NULL when out of memory).  Flags are bool, counts are size_t n_<x>.
 */
#ifndef DSNG_COMMON_H
#define DSNG_COMMON_H

#include <stdbool.h>
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
#define DSNG_VERSION_MINOR 2
#define DSNG_VERSION_PATCH 0
#define DSNG_VERSION_STRING "0.2.0"
/* One integer that compares in release order: 0x00MMmmpp. */
#define DSNG_VERSION_NUMBER                                                    \
	((DSNG_VERSION_MAJOR << 16) | (DSNG_VERSION_MINOR << 8) |              \
	 DSNG_VERSION_PATCH)
/* True when the headers are at least version a.b.c. */
#define DSNG_CHECK_VERSION(a, b, c)                                            \
	(DSNG_VERSION_NUMBER >= (((a) << 16) | ((b) << 8) | (c)))

/* The version of the library actually linked, "MAJOR.MINOR.PATCH" (static). */
DSNG_API const char *dsng_version(void);

/* A borrowed byte range, usually inside the caller's input buffer.  It is
 * not NUL-terminated and is valid only as long as the buffer it points into. */
struct dsng_span {
	const char *ptr;
	size_t len;
};

/* Return codes of every function (0 or negative).  The RFC 3463
 * enhanced status codes of mail are another thing: see status.h. */
enum dsng_rc {
	DSNG_OK = 0,
	DSNG_ENOMEM = -1,  /* an allocation failed */
	DSNG_EINVAL = -2,  /* bad argument (NULL, unknown option version) */
	DSNG_ESYNTAX = -3, /* the input breaks its grammar */
	DSNG_ELIMIT = -4,  /* a configured limit was exceeded */
	DSNG_EIO = -5,     /* a file could not be read */
	DSNG_ENOTFOUND =
	        -6, /* a named thing (preset, key, file) does not exist */
	DSNG_EVERIFY = -7, /* a signature or tag did not verify */
};

/*
 * What exactly went wrong: a stable identifier with a stable short name
 * (dsng_error_kind_name), used in the CLI's JSON ("bad_xtext").
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

/*
 * The kinds of delivery status notification, in one order for every part:
 * RFC 3464's Action values (section 2.3.3) and, through DSNG_NOTIFY_BIT,
 * the RFC 3461 NOTIFY keyword that asks for each.  DSNG_DSN_OTHER stands
 * for "none of these" (a log line that does not say).
 */
enum dsng_dsn_kind {
	DSNG_DSN_OTHER = 0,
	DSNG_DSN_SUCCESS,  /* Action: delivered; NOTIFY=SUCCESS */
	DSNG_DSN_FAILURE,  /* Action: failed; NOTIFY=FAILURE */
	DSNG_DSN_DELAY,    /* Action: delayed; NOTIFY=DELAY */
	DSNG_DSN_RELAYED,  /* Action: relayed; asked for by NOTIFY=SUCCESS */
	DSNG_DSN_EXPANDED, /* Action: expanded; asked for by NOTIFY=SUCCESS */
	DSNG_DSN__COUNT    /* not a kind; keep last */
};

/* NOTIFY keywords as bits (0 means the parameter was absent).  The bit of
 * SUCCESS, FAILURE and DELAY is 1 << the DSN kind it asks for; NEVER takes
 * bit 0, the slot of DSNG_DSN_OTHER. */
#define DSNG_NOTIFY_NEVER 0x1u
#define DSNG_NOTIFY_SUCCESS (1u << DSNG_DSN_SUCCESS)
#define DSNG_NOTIFY_FAILURE (1u << DSNG_DSN_FAILURE)
#define DSNG_NOTIFY_DELAY (1u << DSNG_DSN_DELAY)
/* The NOTIFY bit that asks for a kind of DSN (relayed and expanded are
 * success notices, RFC 3461 section 6.2); 0 for DSNG_DSN_OTHER. */
#define DSNG_NOTIFY_BIT(kind)                                                  \
	((kind) == DSNG_DSN_SUCCESS || (kind) == DSNG_DSN_RELAYED ||           \
	                 (kind) == DSNG_DSN_EXPANDED                           \
	         ? DSNG_NOTIFY_SUCCESS                                         \
	 : (kind) == DSNG_DSN_FAILURE ? DSNG_NOTIFY_FAILURE                    \
	 : (kind) == DSNG_DSN_DELAY   ? DSNG_NOTIFY_DELAY                      \
	                              : 0u)

/* RFC 3464 Action word of a kind ("delivered", "failed", "delayed",
 * "relayed", "expanded"); NULL for DSNG_DSN_OTHER and out-of-range. */
DSNG_API const char *dsng_dsn_action_name(enum dsng_dsn_kind kind);

/*
 * Write NOTIFY bits as the parameter's value, "SUCCESS,FAILURE,DELAY" in
 * that order (or "NEVER"), into buf (NUL-terminated when size > 0).
 * Returns the length it needs without the NUL, like snprintf; 0 for bits
 * of 0.  The longest value, "NEVER,SUCCESS,FAILURE,DELAY" (bits no parser
 * gives), needs DSNG_NOTIFY_TEXT_MAX octets with its NUL.
 */
#define DSNG_NOTIFY_TEXT_MAX 28
DSNG_API size_t dsng_notify_format(char *buf, size_t size, unsigned bits);

/* Size of the message buffer inside struct dsng_error. */
#define DSNG_ERROR_MESSAGE_MAX 160

#define DSNG_ERROR_VERSION 1

/*
 * Everything a caller needs to report a failure: which kind, where, and for
 * SMTP input the reply a server should send.  Caller-owned; every function
 * accepts NULL when the caller does not want details.  Initialise it with
 * DSNG_ERROR_INIT or dsng_error_init: an error struct whose version the
 * library does not know is left untouched (its size is unknown), so the
 * caller then only has the return code.
 */
struct dsng_error {
	unsigned version;       /* DSNG_ERROR_VERSION */
	int rc;                 /* the DSNG_E* value also returned */
	enum dsng_errkind kind; /* what went wrong */
	size_t offset;          /* 0-based byte offset in the input */
	unsigned line, column;  /* 1-based, for files; 0 when not applicable */
	int reply;              /* SMTP reply code to send (501), 0 if none */
	const char *enhanced; /* RFC 3463 code ("5.5.4"), static; "" if none */
	char message[DSNG_ERROR_MESSAGE_MAX]; /* human text, NUL-terminated */
	const char *limit; /* DSNG_ELIMIT: the name of the limits-struct field
	                      that was exceeded ("max_recipients"), static;
	                      NULL otherwise */
};

#define DSNG_ERROR_INIT                                                        \
	{                                                                      \
		DSNG_ERROR_VERSION, 0, DSNG_ERR_NONE, 0, 0, 0, 0, "", "", NULL \
	}

/* Set err to "no error" at that version.  Returns 0, or DSNG_EINVAL (err
 * NULL, version unknown; err untouched). */
DSNG_API int dsng_error_init(struct dsng_error *err, unsigned version);

/* Reset an error struct to "no error", keeping its version (safe with
 * NULL and with an unknown version, which is left untouched). */
DSNG_API void dsng_error_clear(struct dsng_error *err);

/* Stable short name of a kind ("bad_xtext"); "unknown" for out-of-range. */
DSNG_API const char *dsng_error_kind_name(enum dsng_errkind kind);

/* Human description of a return code ("syntax error"); static string. */
DSNG_API const char *dsng_error_rc_text(int rc);

#ifdef __cplusplus
}
#endif

#endif /* DSNG_COMMON_H */
