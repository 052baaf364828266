/*
 * dsnguard/report_build.h - write delivery reports: an RFC 3464
 * multipart/report (RFC 6522) with a human-readable part, the
 * message/delivery-status part and the returned content, in the RFC 6533
 * global form when an address or a returned header needs UTF-8; after
 * asking the policy, for each recipient, whether its report may be
 * written at all (the backscatter veto).
 *
 * Model.  The caller describes the original transaction in a struct
 * dsng_report_build_spec: the envelope (MAIL FROM, RET, ENVID as sent),
 * the reporting MTA, the arrival date, and one struct
 * dsng_report_build_rcpt per recipient (the RCPT address, NOTIFY and
 * ORCPT as accepted, and the outcome: action, status, remote MTA,
 * diagnostic, dates).  The client's session facts are the policy's struct
 * dsng_policy_session (policy.h), as the MTA recorded them.
 *
 * Who appears (RFC 3461 sections 4.1, 5.2, 6.2): a recipient whose NOTIFY
 * does not ask for its action gets no entry (NOTIFY absent asks for
 * failed and delayed, not for delivered, relayed or expanded, which are
 * success notices; NEVER asks for nothing), and a null envelope sender
 * gets no report at all.  Every recipient left is put to
 * dsng_policy_generate; a NEVER drops its entry, with the decision's
 * reason.  No entry left means no report.  A caller builds without the
 * veto only by saying so (opts.no_policy); a NULL policy without it is
 * DSNG_EINVAL, so the veto cannot be skipped by accident.
 *
 * What is written, always with one line ending (LF, or CRLF with
 * opts.crlf) and every line within 998 octets (fields folded at 78 where
 * there is white space):
 *  - outer headers: From "Mail Delivery System <MAILER-DAEMON@reporting
 *    MTA>", To the envelope sender, Date (opts.now), Subject by kind
 *    (failure before delay before success), Message-ID, Auto-Submitted:
 *    auto-replied (RFC 3834), MIME-Version, Content-Type
 *    multipart/report; report-type=delivery-status (global-delivery-status
 *    in the global form), Content-Transfer-Encoding;
 *  - a text/plain part (us-ascii, or utf-8 in the global form) saying what
 *    happened to each recipient, and what was done to the returned
 *    content (cut, headers only, left out);
 *  - message/delivery-status (message/global-delivery-status): the
 *    per-message fields Original-Envelope-Id (ENVID xtext-decoded, RFC
 *    3461 section 6.3), Reporting-MTA, Received-From-MTA (the session's
 *    HELO name when it is a valid domain), Arrival-Date; then per
 *    recipient Original-Recipient (ORCPT: type lower-case, the address
 *    xtext-decoded, or for type utf-8 RFC 6533 utf-8-addr-xtext /
 *    utf-8-addr-unitext), Final-Recipient (rfc822, or utf-8 for a UTF-8
 *    address), Action, Status, Remote-MTA, Diagnostic-Code,
 *    Last-Attempt-Date, Final-Log-ID, Will-Retry-Until, in RFC 3464's
 *    order;
 *  - the returned content, when the original message is given: its header
 *    block as text/rfc822-headers (message/global-headers), or with RET
 *    FULL in a report that has a failed entry, the whole message as
 *    message/rfc822 (message/global).  RET absent means headers only, and
 *    success, delay, relay and expansion reports return headers only
 *    whatever RET says (RFC 3461 section 4.3 asks FULL of failure
 *    reports).  Content beyond opts.max_returned octets is cut at a line
 *    (headers: a field) boundary, with a note in the text part.  A
 *    message whose header block holds a NUL, a bare CR, a line over 998
 *    octets, 8-bit octets that are not UTF-8, or breaks the MIME reader's
 *    default limits is not returned (a note says so); such a body alone
 *    makes the return headers-only.
 *
 * The result parses with dsng_report_parse (default limits) with no
 * problems, giving back every field written.  Nothing keeps state; the
 * library is reentrant.
 */
#ifndef DSNG_REPORT_BUILD_H
#define DSNG_REPORT_BUILD_H

#include <stdbool.h>
#include <stdint.h>

#include <talloc.h>

#include "common.h"
#include "cmd.h"
#include "policy.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DSNG_REPORT_BUILD_RCPT_VERSION 1

/*
 * One recipient of the original message and what happened to it; caller
 * filled (DSNG_REPORT_BUILD_RCPT_INIT or dsng_report_build_rcpt_init).
 * Strings are NUL-terminated, borrowed for the call, UTF-8 where text.
 */
struct dsng_report_build_rcpt {
	unsigned version;  /* DSNG_REPORT_BUILD_RCPT_VERSION */
	const char *addr;  /* the RCPT TO mailbox, with or without <> */
	const char *orcpt; /* ORCPT as sent, "type;xtext", or NULL */
	unsigned notify;   /* DSNG_NOTIFY_* as accepted; 0 = not given */
	enum dsng_dsn_kind action;   /* SUCCESS (delivered), FAILURE (failed),
	                                DELAY (delayed), RELAYED, EXPANDED */
	const char *status;          /* RFC 3463 "5.1.1"; NULL = X.0.0 of the
	                                action's class.  Its class must fit the
	                                action: 2 for delivered, relayed and
	                                expanded, 4 for delayed, 4 or 5 for
	                                failed */
	const char *remote_mta_type; /* NULL = "dns" */
	const char *remote_mta;      /* NULL = no Remote-MTA field */
	const char *diagnostic_type; /* NULL = "smtp" */
	const char *diagnostic;      /* NULL = no Diagnostic-Code field; line
	                                ends and controls become spaces,
	                                invalid UTF-8 (or any non-ASCII
	                                outside the global form) '?', and
	                                more than
	                                DSNG_REPORT_BUILD_MAX_DIAGNOSTIC
	                                octets are cut */
	bool has_last_attempt_date;
	int64_t last_attempt_date; /* seconds since the epoch, UTC */
	bool has_will_retry_until;
	int64_t will_retry_until;
	const char *final_log_id; /* NULL = none; printable ASCII, at most
	                             DSNG_REPORT_BUILD_MAX_LOG_ID octets */
};

#define DSNG_REPORT_BUILD_RCPT_INIT                                            \
	{                                                                      \
		DSNG_REPORT_BUILD_RCPT_VERSION, NULL, NULL, 0, DSNG_DSN_OTHER, \
		        NULL, NULL, NULL, NULL, NULL, false, 0, false, 0, NULL \
	}

/* Set r to "nothing given" (action DSNG_DSN_OTHER, which the builder
 * refuses until it is set).  Returns 0, or DSNG_EINVAL (r NULL, version
 * 0 or above DSNG_REPORT_BUILD_RCPT_VERSION). */
DSNG_API int dsng_report_build_rcpt_init(struct dsng_report_build_rcpt *r,
                                         unsigned version);

#define DSNG_REPORT_BUILD_SPEC_VERSION 1

/* The original transaction; caller filled (DSNG_REPORT_BUILD_SPEC_INIT or
 * dsng_report_build_spec_init).  Strings are borrowed for the call. */
struct dsng_report_build_spec {
	unsigned version;          /* DSNG_REPORT_BUILD_SPEC_VERSION */
	const char *reporting_mta; /* our host name (Reporting-MTA: dns;),
	                              required */
	bool has_arrival_date;     /* false = opts' now */
	int64_t arrival_date;
	const char *envelope_from; /* MAIL FROM mailbox, with or without <>;
	                              NULL, "" or "<>" = the null sender */
	enum dsng_ret ret;         /* DSNG_RET_NONE (= headers), HDRS, FULL */
	const char *envid;         /* ENVID as sent (xtext), or NULL */
	const struct dsng_report_build_rcpt *const *recipients;
	size_t n_recipients;
};

#define DSNG_REPORT_BUILD_SPEC_INIT                                            \
	{                                                                      \
		DSNG_REPORT_BUILD_SPEC_VERSION, NULL, false, 0, NULL,          \
		        DSNG_RET_NONE, NULL, NULL, 0                           \
	}

/* Set s to "nothing given".  Returns 0, or DSNG_EINVAL (s NULL, version 0
 * or above DSNG_REPORT_BUILD_SPEC_VERSION). */
DSNG_API int dsng_report_build_spec_init(struct dsng_report_build_spec *s,
                                         unsigned version);

#define DSNG_REPORT_BUILD_OPTS_VERSION 1
/* Default of opts.max_returned (octets of the original returned). */
#define DSNG_REPORT_BUILD_MAX_RETURNED 50000u
/* The largest max_returned accepted, so a report stays well within the
 * report parser's default max_size. */
#define DSNG_REPORT_BUILD_MAX_RETURNED_CEILING (10u * 1024 * 1024)
/* Diagnostic text kept at most (octets); the rest is cut. */
#define DSNG_REPORT_BUILD_MAX_DIAGNOSTIC 4000u
/* The longest Final-Log-ID accepted. */
#define DSNG_REPORT_BUILD_MAX_LOG_ID 256u

/* Options; versioned (DSNG_REPORT_BUILD_OPTS_INIT or
 * dsng_report_build_opts_init).  NULL means all defaults. */
struct dsng_report_build_opts {
	unsigned version;    /* DSNG_REPORT_BUILD_OPTS_VERSION */
	bool has_now;        /* false = the current time, and a random boundary
	                        and Message-ID */
	int64_t now;         /* seconds since the epoch: the Date, the default
	                        Arrival-Date, and the seed of the boundary and
	                        Message-ID, which then derive from spec,
	                        original and now only (same input, same bytes) */
	bool crlf;           /* CRLF line ends (the wire form); default LF */
	size_t max_returned; /* octets of the original returned, default
	                        DSNG_REPORT_BUILD_MAX_RETURNED; 0 returns
	                        nothing */
	bool no_policy;      /* build without the veto (policy must be NULL or
	                        is ignored) */
	unsigned max_recipients; /* spec recipients accepted (ELIMIT
	                            "max_recipients"), 1000, the report
	                            parser's default */
};

#define DSNG_REPORT_BUILD_OPTS_INIT                                            \
	{                                                                      \
		DSNG_REPORT_BUILD_OPTS_VERSION, false, 0, false,               \
		        DSNG_REPORT_BUILD_MAX_RETURNED, false, 1000            \
	}

/* Set o to the defaults.  Returns 0, or DSNG_EINVAL (o NULL, version 0 or
 * above DSNG_REPORT_BUILD_OPTS_VERSION). */
DSNG_API int dsng_report_build_opts_init(struct dsng_report_build_opts *o,
                                         unsigned version);

/* What became of one recipient of the spec. */
enum dsng_report_build_fate {
	DSNG_REPORT_BUILD_KEPT = 0,      /* it has an entry in the report */
	DSNG_REPORT_BUILD_NOT_REQUESTED, /* its NOTIFY does not ask for this
	                                    action (or is NEVER) */
	DSNG_REPORT_BUILD_NULL_SENDER,   /* the envelope sender is null */
	DSNG_REPORT_BUILD_VETOED         /* the policy said NEVER */
};

/* "kept", "not_requested", "null_sender", "vetoed"; "unknown" for
 * out-of-range values.  Static. */
DSNG_API const char *
dsng_report_build_fate_name(enum dsng_report_build_fate fate);

/* What was written. */
enum dsng_report_build_outcome {
	DSNG_REPORT_BUILD_WRITTEN = 0,    /* a report with n_kept entries */
	DSNG_REPORT_BUILD_NONE_REQUESTED, /* nothing: NOTIFY (or the null
	                                     sender) left no entry */
	DSNG_REPORT_BUILD_ALL_VETOED      /* nothing: the policy vetoed every
	                                     entry NOTIFY left */
};

/* "written", "none_requested", "vetoed"; "unknown" for out-of-range
 * values.  Static. */
DSNG_API const char *
dsng_report_build_outcome_name(enum dsng_report_build_outcome outcome);

/* One recipient's fate, in the order of spec->recipients. */
struct dsng_report_build_entry {
	size_t index; /* in spec->recipients */
	enum dsng_report_build_fate fate;
	const char *addr;   /* the recipient as written (no <>) */
	const char *reason; /* one line: the policy's reason when it was
	                       asked, else why the entry was left out */
	bool has_decision;  /* the policy was asked (VETOED, and KEPT with a
	                       policy) */
	struct dsng_decision decision; /* its decision (rule, origin, ...);
	                                  pointers into the policy stay valid
	                                  as long as the policy */
	bool diagnostic_cut;           /* the diagnostic text was cut */
};

/* The result: one talloc tree (not versioned: fields are only appended). */
struct dsng_report_build_result {
	enum dsng_report_build_outcome outcome;
	char *data; /* the report, NUL-terminated; NULL unless WRITTEN */
	size_t len;
	bool global; /* the RFC 6533 form was written */
	/* The report's own envelope: the reverse-path is null (RFC 3461
	 * section 6.2), the recipient is the original envelope sender. */
	const char *envelope_from; /* always "" */
	char *envelope_to;         /* "" for a null original sender */
	char *message_id;          /* "<...>" as written; NULL unless WRITTEN */
	struct dsng_report_build_entry *entries; /* one per spec recipient */
	size_t n_entries;
	size_t n_kept, n_vetoed, n_not_requested;
	bool returned;           /* a returned-content part was written */
	bool returned_full;      /* ... and it is the whole message */
	bool returned_truncated; /* ... and it was cut at max_returned */
	bool returned_omitted;   /* an original was given but not returned
	                            (unreadable, or max_returned 0) */
};

/*
 * Build the report for spec into *out (a new child of mem holding
 * everything), after the NOTIFY rules and the policy's veto (see the top
 * of this file).  `original` (original_len octets, may be NULL) is the
 * message as received.  session holds the client's facts as the MTA
 * recorded them; it is copied, never written (NULL = an unknown,
 * untrusted client).  A report with nothing to say is not an error: the
 * outcome says why, the entries say who.
 *
 * Errors (*out NULL, nothing left on mem): DSNG_EINVAL (NULL out or spec,
 * a NULL policy without opts->no_policy, a struct of unknown version, an
 * action that is not a DSN kind, max_returned above the ceiling),
 * DSNG_ESYNTAX for a spec value that cannot be written (kind
 * DSNG_ERR_BAD_ADDRESS, _BAD_ORCPT, _BAD_ENVID, _BAD_NOTIFY, _BAD_STATUS,
 * _BAD_VALUE; the message names the recipient and the field),
 * DSNG_ELIMIT (err->limit "max_recipients", kind RECIPIENT_LIMIT; or
 * "max_field_len", kind HEADER_LIMIT, for an address whose encoded form
 * cannot fit one line), DSNG_ENOMEM.
 */
DSNG_API int dsng_report_build(TALLOC_CTX *mem,
                               struct dsng_report_build_result **out,
                               const struct dsng_policy *policy,
                               const struct dsng_policy_session *session,
                               const struct dsng_report_build_spec *spec,
                               const char *original, size_t original_len,
                               const struct dsng_report_build_opts *opts,
                               struct dsng_error *err);

/* The date as RFC 5322 writes it, "Sun, 29 Nov 2026 01:44:00 +0000"
 * (UTC), into buf (at least DSNG_REPORT_BUILD_DATE_MAX octets).  Returns
 * 0, or DSNG_EINVAL (buf NULL, t before 1970 or after 9999). */
#define DSNG_REPORT_BUILD_DATE_MAX 32
DSNG_API int dsng_report_build_date(char *buf, int64_t t);

#ifdef __cplusplus
}
#endif

#endif /* DSNG_REPORT_BUILD_H */
