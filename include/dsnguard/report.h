/*
 * dsnguard/report.h - delivery reports: RFC 3464 delivery-status, RFC 6533
 * global-delivery-status and RFC 8098 disposition-notification inside an
 * RFC 6522 multipart/report, with the returned headers and the human text.
 *
 * A message that is not a report gives kind DSNG_REPORT_NONE, not an
 * error.  Grammar breaks are read around and listed in `problems`; only
 * limits (and input that is not mail at all) are errors.  The parsed
 * report and everything in it are allocated by the library only (not
 * versioned: fields are only appended).
 */
#ifndef DSNG_REPORT_H
#define DSNG_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include <talloc.h>

#include "common.h"
#include "mime.h"

#ifdef __cplusplus
extern "C" {
#endif

enum dsng_report_kind {
	DSNG_REPORT_NONE = 0,
	DSNG_REPORT_DSN, /* delivery-status or global-delivery-status */
	DSNG_REPORT_MDN  /* disposition-notification */
};

#define DSNG_REPORT_LIMITS_VERSION 1

/* Limits of a report parse.  Versioned (common.h): start from
 * DSNG_REPORT_LIMITS_INIT or dsng_report_limits_init, then adjust.  The
 * MIME limits are pointed to (borrowed for the call), never embedded. */
struct dsng_report_limits {
	unsigned version;                    /* DSNG_REPORT_LIMITS_VERSION */
	const struct dsng_mime_limits *mime; /* NULL = defaults */
	unsigned max_recipients; /* per-recipient groups (RECIPIENT_LIMIT),
	                            1000 */
};

#define DSNG_REPORT_LIMITS_INIT                                                \
	{                                                                      \
		DSNG_REPORT_LIMITS_VERSION, NULL, 1000                         \
	}

/* Set *lim to the defaults (mime NULL), at that version
 * (DSNG_REPORT_LIMITS_VERSION).  Returns 0, or DSNG_EINVAL (lim NULL,
 * version 0 or newer than the library's; *lim untouched). */
DSNG_API int dsng_report_limits_init(struct dsng_report_limits *lim,
                                     unsigned version);

/* "type; value" fields (Reporting-MTA, Final-Recipient, Diagnostic-Code):
 * type lower-case, value unfolded with comments and outer space removed
 * (an address type also loses its <>; utf-8 addresses are decoded, and
 * one that is not valid utf-8-addr-xtext or would decode to a control
 * character such as CR or LF is kept as written, with a problem). */
struct dsng_report_typed {
	char *type;
	char *value;
};

/* A date field: raw text (comments removed) and, when it parses as an
 * RFC 5322 date, seconds since the epoch (UTC). */
struct dsng_report_date {
	char *text;
	bool valid;
	int64_t timestamp;
};

/* A field the RFC does not define, kept in order. */
struct dsng_report_ext {
	char *name;  /* as written */
	char *value; /* unfolded, trimmed */
	size_t offset;
};

/* Per-message fields (RFC 3464 2.2). */
struct dsng_report_message {
	struct dsng_report_typed *reporting_mta, *received_from_mta,
	        *dsn_gateway;
	struct dsng_report_date *arrival_date;
	char *original_envelope_id;
	struct dsng_report_ext *extensions;
	size_t n_extensions;
};

/* Per-recipient fields (RFC 3464 2.3); absent fields are NULL. */
struct dsng_report_recipient {
	struct dsng_report_typed *final_recipient, *original_recipient;
	char *action;     /* lower-case, comment removed */
	char *status;     /* valid X.Y.Z or NULL */
	char *status_raw; /* as written (unfolded) */
	struct dsng_report_typed *remote_mta, *diagnostic_code;
	struct dsng_report_date *last_attempt_date, *will_retry_until;
	char *final_log_id;
	struct dsng_report_ext *extensions;
	size_t n_extensions;
	size_t offset; /* of the group's first field */
};

/* RFC 8098 section 3.2 fields. */
struct dsng_report_mdn {
	struct dsng_report_typed
	        *reporting_ua; /* type = ua-name, value = product */
	struct dsng_report_typed *original_recipient, *final_recipient;
	char *original_message_id;
	char *action_mode, *sending_mode; /* lower-case */
	char *type;                       /* displayed, deleted, ... */
	char **modifiers;
	size_t n_modifiers;
	struct dsng_report_ext *extensions;
	size_t n_extensions;
};

/* The returned message's header block (text/rfc822-headers,
 * message/rfc822, message/global, message/global-headers). */
struct dsng_report_returned {
	const char *content_type;
	struct dsng_mime_header *header; /* spans into the input (or a
	                                  * decoded copy owned by the report) */
	/* unfolded; from, to and subject with their RFC 2047 words decoded
	 * (dsng_mime_decode_words); all six valid UTF-8 without NUL: what is
	 * not becomes U+FFFD and is noted in the report's problems (field
	 * "Subject"..., at the offending word or octet) */
	char *message_id, *from, *to, *subject, *date, *return_path;
	/* the Received fields in order (borrowed from header; unfold a value
	 * with dsng_mime_unfold) */
	const struct dsng_mime_field **received;
	size_t n_received;
};

/* A parsed report (or a non-report, kind NONE).  One talloc tree. */
struct dsng_report {
	enum dsng_report_kind kind;
	bool global;             /* message/global-delivery-status */
	const char *report_type; /* the report-type parameter, or NULL */
	struct dsng_report_message *message; /* DSN only */
	struct dsng_report_recipient **recipients;
	size_t n_recipients;
	struct dsng_report_mdn *mdn;           /* MDN only */
	struct dsng_report_returned *returned; /* or NULL */
	/* the first text part, transfer-decoded, or NULL; NOT NUL-terminated
	 * (it may point into the input and may hold NULs): use the length */
	const char *human_text;
	size_t human_text_len;
	bool truncated; /* a close boundary never came */
	/* offsets in the message as given, also inside the report's parts
	 * (mime.h, "Offsets") */
	struct dsng_mime_problem *problems;
	size_t n_problems;
	struct dsng_mime_message *mime; /* the whole MIME tree */
};

/* Parse one message into *out, a new child of mem holding everything
 * (spans point into buf: keep it alive); lim NULL = defaults.  Returns
 * DSNG_OK also for non-reports and reports with problems.  Errors (*out
 * NULL, nothing left on mem): DSNG_ELIMIT (a *_LIMIT kind, the offset and
 * err->limit, the field of either limits struct), DSNG_ESYNTAX/NOT_MAIL,
 * DSNG_ENOMEM, DSNG_EINVAL (NULL, unknown version of either limits). */
DSNG_API int dsng_report_parse(TALLOC_CTX *mem, struct dsng_report **out,
                               const char *buf, size_t len,
                               const struct dsng_report_limits *lim,
                               struct dsng_error *err);

/* "dsn", "mdn" or "none" (also for out-of-range values).  Static. */
DSNG_API const char *dsng_report_kind_name(enum dsng_report_kind kind);

/* An RFC 5322 date-time (obsolete forms, comments and a missing day of
 * week accepted) as seconds since the epoch, UTC, in *out.  Errors:
 * DSNG_ESYNTAX (kind DSNG_ERR_SYNTAX, offset), DSNG_EINVAL.  No allocation. */
DSNG_API int dsng_report_date_parse(int64_t *out, const char *p, size_t len,
                                    struct dsng_error *err);

#ifdef __cplusplus
}
#endif

#endif /* DSNG_REPORT_H */
