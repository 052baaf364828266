/*
 * dsnguard/policy.h - who is offered DSN, which DSN requests are honoured,
 * which receipt headers survive, whether a DSN may be generated at all, and
 * whether an incoming bounce answers mail we sent (see DESIGN.md section 2).
 *
 * Model.  The caller keeps one struct dsng_session per SMTP connection: the
 * facts about the client (address, reverse name, HELO name, SASL user,
 * TLS, port/service) and a little state the decisions update (was DSN
 * offered in EHLO, was the sender null).  A policy (loaded from a config
 * file or a preset, read-only afterwards, shareable between threads) turns
 * a session plus one parsed SMTP command, header or bounce into a struct
 * dsng_decision: an action, the reply to send when refusing, a one-line
 * reason, and the rule (with config file and line) that decided.  Policy
 * never parses bytes: it takes the structs of cmd.h and fills decisions.
 *
 * What the RFCs allow, and what each decision's `compliance` says:
 *  - Once DSN was advertised to a client, silently stripping or
 *    downgrading its NOTIFY (or RET, ENVID, ORCPT) is NOT RFC 3461
 *    compliant: the RFCs offer no way to accept DSN yet refuse some of it.
 *    The compliant moves are not advertising DSN to that client, or
 *    refusing the command.  Such decisions carry DSNG_NOT_COMPLIANT.
 *  - A DSN parameter from a client DSN was not offered to should be
 *    refused (RFC 5321 4.1.1.11 gives 555; Postfix answers 501 5.7.1,
 *    sendmail's noreceipts 504 5.7.0).  Ignoring or honouring it is a
 *    tolerance, DSNG_LENIENT.
 *
 * Config file format (also documented in examples/dsnguard.conf):
 *
 *     # comment to the end of the line
 *     preset = recommended        # optional, first setting: the base
 *     [section]
 *     key = value                 # values may be "quoted"; lists are
 *                                 # separated by commas and/or blanks
 *
 *   [trusted-networks]  one CIDR (or address) per line, and
 *                       include "file" (a CIDR list file, relative to the
 *                       including file; '#' comments; nested includes
 *                       are allowed up to DSNG_POLICY_MAX_INCLUDE_DEPTH)
 *   [ehlo]     offer-dsn = CLASSES          who is offered DSN
 *   [rcpt]     success-from, delay-from, failure-from = CLASSES
 *              action = reject|strip|downgrade|never|accept
 *              reply = CODE X.Y.Z text
 *              orcpt-from = CLASSES
 *              unoffered = reject|ignore|accept
 *              unoffered-reply = CODE X.Y.Z text
 *   [mail]     ret-full-from = CLASSES
 *              ret-full-action = downgrade|strip|reject|accept
 *              envid-from = CLASSES
 *              envid-action = strip|reject|accept
 *              reply = CODE X.Y.Z text
 *              unoffered = rules|reject|ignore   (RET/ENVID when DSN was
 *                                                 not offered)
 *              unoffered-reply = CODE X.Y.Z text
 *   [headers]  receipts-from = CLASSES
 *              action = strip|keep|flag
 *              names = Header-Name, ...      (replaces the list)
 *              add-names = Header-Name, ...  (extends it)
 *              flag-header = Header-Name
 *   [generate] check-clients = yes|no
 *   [bounce]   batv-key = [N:]hex:... | [N:]text:...   (repeatable)
 *              batv-days = DAYS
 *              batv-required = yes|no
 *              our-hosts = host, ...   (repeatable)
 *              action = reject|accept|flag
 *              reply = CODE X.Y.Z text
 *
 *   Reply texts may hold "{param}" (the keyword: NOTIFY, ORCPT, RET,
 *   ENVID) and "{value}" (the refused value).  Without a preset line the
 *   base is "recommended".
 *
 *   CLASSES is a list of: all, none, trusted (address in the trusted
 *   networks), authenticated (SASL), tls, submission (port 587/465),
 *   local (command-line submission).  A client matches when it has any
 *   of the listed properties.  Unknown sections and keys are errors, and
 *   so is a key set twice in one file (except the repeatable ones).
 */
#ifndef DSNG_POLICY_H
#define DSNG_POLICY_H

#include <time.h>

#include <talloc.h>

#include "common.h"
#include "cmd.h"
#include "ehlo.h"
#include "report.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- sessions ------------------------------------------------------ */

/* How the client reached the MTA. */
enum dsng_service {
	DSNG_SERVICE_UNKNOWN = 0, /* derived from port: 587/465 submission,
	                             otherwise smtp */
	DSNG_SERVICE_SMTP,        /* port 25, MX / relay traffic */
	DSNG_SERVICE_SUBMISSION,  /* port 587 or 465 */
	DSNG_SERVICE_LOCAL        /* command line (sendmail -N success) */
};

/* Client classes, the words of a CLASSES list in the config. */
#define DSNG_CLASS_ALL 0x01u
#define DSNG_CLASS_TRUSTED 0x02u
#define DSNG_CLASS_AUTHENTICATED 0x04u
#define DSNG_CLASS_TLS 0x08u
#define DSNG_CLASS_SUBMISSION 0x10u
#define DSNG_CLASS_LOCAL 0x20u

#define DSNG_SESSION_VERSION 1

/*
 * One client connection, kept by the caller.  Fill the facts after
 * dsng_session_init; the decisions update the state part.  Strings are
 * borrowed and must outlive the session's use.
 */
struct dsng_session {
	unsigned version; /* DSNG_SESSION_VERSION */
	/* facts */
	int family;              /* 0 unknown, 4 or 6 */
	unsigned char addr[16];  /* IPv6, or IPv4 in the last 4 bytes */
	const char *client_name; /* reverse DNS name, NULL if unknown */
	const char *helo_name;   /* HELO/EHLO argument, NULL if none yet */
	const char *auth_user;   /* SASL user, NULL when not authenticated */
	int tls;                 /* 1 after STARTTLS or on port 465 */
	unsigned port;           /* local port the client connected to */
	enum dsng_service service;
	int trusted; /* -1: look the address up in the policy's
	                trusted networks (default); 0/1: the
	                caller's own verdict */
	/* state, updated by the decisions */
	int dsn_offered;       /* -1 unknown (no EHLO decision yet: the
	                          policy's offer rule is assumed), 0, 1 */
	int esmtp;             /* EHLO (1) or HELO (0) */
	unsigned ehlo_classes; /* DSNG_CLASS_* at the EHLO decision; a
	                          client that gains a class later (AUTH
	                          comes after EHLO) is told apart */
	int null_sender;       /* current transaction's MAIL FROM:<> */
	unsigned recipients;   /* RCPTs accepted in this transaction */
};

/* Reset a session to "nothing known": unknown address, trusted -1,
 * dsn_offered -1. */
DSNG_API void dsng_session_init(struct dsng_session *s);

/*
 * Set the client address from text: dotted IPv4, IPv6 (with "::" and an
 * embedded IPv4 tail), optionally in [brackets] or "IPv6:" prefixed.
 * IPv4-mapped IPv6 (::ffff:a.b.c.d) is stored as IPv4.  Returns 0, or
 * DSNG_ESYNTAX (kind DSNG_ERR_BAD_CIDR) leaving the session unchanged.
 */
DSNG_API int dsng_session_set_addr(struct dsng_session *s, const char *text,
                                   size_t len, struct dsng_error *err);

/* Start a new transaction (RSET, or after DATA): clears null_sender and
 * recipients, keeps the facts and dsn_offered. */
DSNG_API void dsng_session_reset_transaction(struct dsng_session *s);

/* ---- the policy ---------------------------------------------------- */

struct dsng_policy; /* opaque; free with talloc_free */

/* Reads an included file for the loader: fill *buf (a talloc child of
 * mem) and *len, return 0, or a negative DSNG_E* (DSNG_EIO). */
typedef int (*dsng_policy_read_fn)(void *arg, TALLOC_CTX *mem, const char *path,
                                   char **buf, size_t *len);

#define DSNG_POLICY_OPTS_VERSION 1
#define DSNG_POLICY_MAX_INCLUDE_DEPTH 8
#define DSNG_POLICY_MAX_NETWORKS 1000000

struct dsng_policy_opts {
	unsigned version;         /* DSNG_POLICY_OPTS_VERSION */
	dsng_policy_read_fn read; /* NULL: read files from disk */
	void *read_arg;
	int no_includes; /* 1: any include is an error (fuzzing) */
};

/* Defaults: read from disk, includes allowed. */
DSNG_API void dsng_policy_opts_init(struct dsng_policy_opts *opts);

/*
 * A policy built from a preset: "recommended", "permissive",
 * "sendmail-noreceipts" or "postfix-discard-dsn".  *out is a new child of
 * mem.  Errors: DSNG_ENOTFOUND (kind DSNG_ERR_UNKNOWN_PRESET), DSNG_ENOMEM.
 */
DSNG_API int dsng_policy_preset(TALLOC_CTX *mem, struct dsng_policy **out,
                                const char *name, struct dsng_error *err);

/* The preset names, NULL-terminated, static. */
DSNG_API const char *const *dsng_policy_preset_names(void);

/*
 * Load a config from text (see the format above).  `name` is the file
 * name used in messages and as the base of relative includes.  opts may
 * be NULL.  Errors: DSNG_ESYNTAX (kind DSNG_ERR_CONFIG, _UNKNOWN_KEY,
 * _BAD_VALUE, _BAD_CIDR, _UNKNOWN_PRESET) or DSNG_EIO (an include could
 * not be read) with err->line/column and a message that starts with
 * "FILE:LINE:COLUMN: "; DSNG_ELIMIT; DSNG_ENOMEM.  *out NULL on failure,
 * nothing left on mem.
 */
DSNG_API int dsng_policy_parse(TALLOC_CTX *mem, struct dsng_policy **out,
                               const char *buf, size_t len, const char *name,
                               const struct dsng_policy_opts *opts,
                               struct dsng_error *err);

/* The same, reading the file at path first (DSNG_EIO when it cannot). */
DSNG_API int dsng_policy_load(TALLOC_CTX *mem, struct dsng_policy **out,
                              const char *path,
                              const struct dsng_policy_opts *opts,
                              struct dsng_error *err);

/* The policy's name: the preset, or the file it was loaded from. */
DSNG_API const char *dsng_policy_name(const struct dsng_policy *p);

/* Number of trusted networks loaded (after merging). */
DSNG_API size_t dsng_policy_network_count(const struct dsng_policy *p);

/* 1 when the session's address is in the trusted networks, else 0. */
DSNG_API int dsng_policy_is_trusted(const struct dsng_policy *p,
                                    const struct dsng_session *s);

/* The DSNG_CLASS_* bits this session has under this policy; looks the
 * address up in the trusted networks once and keeps the answer in
 * s->trusted. */
DSNG_API unsigned dsng_policy_classes(const struct dsng_policy *p,
                                      struct dsng_session *s);

/* ---- decisions ----------------------------------------------------- */

enum dsng_action {
	DSNG_ACTION_ACCEPT = 0,    /* let it through unchanged */
	DSNG_ACTION_ADVERTISE_DSN, /* EHLO: offer DSN */
	DSNG_ACTION_HIDE_DSN,      /* EHLO: do not offer DSN */
	DSNG_ACTION_STRIP,         /* remove the parameter / header */
	DSNG_ACTION_DOWNGRADE,     /* keep a weaker form (NOTIFY minus
	                              SUCCESS/DELAY, RET=HDRS) */
	DSNG_ACTION_NEVER,         /* NOTIFY=NEVER; generate: no DSN */
	DSNG_ACTION_REJECT,        /* refuse with the decision's reply */
	DSNG_ACTION_IGNORE,        /* accept the command, drop the DSN
	                              parameters DSN was not offered for */
	DSNG_ACTION_FLAG           /* keep, and mark (header, bounce) */
};

/* "accept", "advertise_dsn", ... (the audit JSON words); static. */
DSNG_API const char *dsng_action_name(enum dsng_action a);

enum dsng_compliance {
	DSNG_COMPLIANT = 0, /* what the RFCs allow */
	DSNG_LENIENT,       /* tolerates a parameter of an extension not
	                       offered (RFC 5321 4.1.1.11 expects 555) */
	DSNG_NOT_COMPLIANT  /* alters a DSN request after DSN was offered:
	                       not RFC 3461-compliant */
};

/* "compliant", "lenient", "not_compliant"; static. */
DSNG_API const char *dsng_compliance_name(enum dsng_compliance c);

/* Verdict on an incoming bounce. */
enum dsng_bounce_verdict {
	DSNG_BOUNCE_NOT_A_BOUNCE = 0,
	DSNG_BOUNCE_LEGIT,
	DSNG_BOUNCE_BACKSCATTER,
	DSNG_BOUNCE_UNKNOWN
};

/* "not_a_bounce", "legit", "backscatter", "unknown"; static. */
DSNG_API const char *dsng_bounce_verdict_name(enum dsng_bounce_verdict v);

/* Evidence bits behind a bounce verdict. */
#define DSNG_EVIDENCE_BATV_VALID 0x01u    /* recipient has a valid tag */
#define DSNG_EVIDENCE_BATV_INVALID 0x02u  /* tag forged, expired, unknown key  \
	                                   */
#define DSNG_EVIDENCE_BATV_MISSING 0x04u  /* untagged, keys are loaded */
#define DSNG_EVIDENCE_MSGID_OURS 0x08u    /* callback: we sent that ID */
#define DSNG_EVIDENCE_MSGID_FOREIGN 0x10u /* callback: we did not */
#define DSNG_EVIDENCE_RECEIVED_OURS 0x20u /* our host in returned Received */
#define DSNG_EVIDENCE_RECEIVED_FOREIGN 0x40u /* Received chain without us */

#define DSNG_DECISION_REASON_MAX 320
#define DSNG_DECISION_REPLY_MAX 200

/*
 * The outcome of one decision, caller-owned (usually on the stack).
 * Pointers (rule, file, enhanced) point into the policy or static
 * storage and stay valid as long as the policy.  rewritten is NULL unless
 * a wrapper was given a talloc context and the command/reply changed.
 */
struct dsng_decision {
	enum dsng_action action;
	enum dsng_compliance compliance;
	int changed;          /* the command was modified in place */
	int reply_code;       /* refusals: 550; 0 otherwise */
	const char *enhanced; /* "5.7.1"; "" when no reply */
	char reply_text[DSNG_DECISION_REPLY_MAX]; /* without code/enhanced */
	char reason[DSNG_DECISION_REASON_MAX];    /* one line */
	const char *rule;   /* "rcpt.success-from", static/policy */
	const char *origin; /* preset name or config file name */
	unsigned line;      /* config line, 0 for presets/defaults */
	unsigned notify;    /* rcpt: NOTIFY bits after the decision */
	enum dsng_bounce_verdict verdict; /* bounce decisions */
	unsigned evidence;                /* DSNG_EVIDENCE_* */
	char *rewritten; /* wrappers: new line/reply (talloc) */
};

/*
 * EHLO (esmtp 1) or HELO (esmtp 0): offer DSN to this client or not.
 * Updates s->dsn_offered and s->esmtp.  Actions: ADVERTISE_DSN, HIDE_DSN.
 * Returns 0 or DSNG_EINVAL.
 */
DSNG_API int dsng_policy_ehlo(const struct dsng_policy *p,
                              struct dsng_session *s, int esmtp,
                              struct dsng_decision *d);

/*
 * MAIL FROM: RET=FULL and ENVID.  May modify cmd in place (params[i]
 * .removed, RET's value pointed at static "HDRS"): d->changed says so;
 * format it back with dsng_cmd_format.  Records the null sender in s.
 * Actions: ACCEPT, DOWNGRADE, STRIP, IGNORE, REJECT.  Returns 0 or
 * DSNG_EINVAL (not a MAIL command).
 */
DSNG_API int dsng_policy_mail(const struct dsng_policy *p,
                              struct dsng_session *s, struct dsng_cmd *cmd,
                              struct dsng_decision *d);

/*
 * RCPT TO: NOTIFY and ORCPT.  May modify cmd in place like
 * dsng_policy_mail (NOTIFY's value pointed at static text).  d->notify
 * holds the NOTIFY bits that remain.  Actions: ACCEPT, STRIP, DOWNGRADE,
 * NEVER, REJECT, IGNORE.  Returns 0 or DSNG_EINVAL (not RCPT).
 */
DSNG_API int dsng_policy_rcpt(const struct dsng_policy *p,
                              struct dsng_session *s, struct dsng_cmd *cmd,
                              struct dsng_decision *d);

/* 1 when the header name (any case) is a receipt request under this
 * policy (Disposition-Notification-To, Return-Receipt-To, ...). */
DSNG_API int dsng_policy_is_receipt_header(const struct dsng_policy *p,
                                           const char *name, size_t len);

/*
 * One message header (name without the colon).  Headers that are not
 * receipt requests get ACCEPT with rule "headers.other".  For receipt
 * requests from clients outside receipts-from: STRIP, FLAG (keep, and
 * add the header named by d->rule's flag-header: its text is in
 * d->reply_text), or ACCEPT (keep).  Returns 0 or DSNG_EINVAL.
 */
DSNG_API int dsng_policy_header(const struct dsng_policy *p,
                                struct dsng_session *s, const char *name,
                                size_t name_len, const char *value,
                                size_t value_len, struct dsng_decision *d);

/* The kinds of DSN an MTA may generate: enum dsng_dsn_kind, common.h. */

/*
 * May the MTA generate a DSN of this kind for a recipient, given the
 * facts of the original session `s` (as the MTA recorded them), whether
 * the envelope sender was null, and the NOTIFY bits accepted on that RCPT
 * (0 = absent)?  ACCEPT: generate it; NEVER: do not.  The last line of
 * defence for MTAs that cannot filter at SMTP time.  Returns 0/DSNG_EINVAL.
 */
DSNG_API int dsng_policy_generate(const struct dsng_policy *p,
                                  struct dsng_session *s,
                                  enum dsng_dsn_kind kind, int null_sender,
                                  unsigned notify, struct dsng_decision *d);

/* Asks the caller's store whether we sent a Message-ID: 1 yes, 0 no,
 * -1 unknown. */
typedef int (*dsng_msgid_lookup_fn)(void *arg, const char *msgid, size_t len);

#define DSNG_BOUNCE_VERSION 1

/* What is known about an incoming message that may be a bounce. */
struct dsng_bounce {
	unsigned version;                 /* DSNG_BOUNCE_VERSION */
	int null_sender;                  /* MAIL FROM:<> */
	int is_report;                    /* a parsed DSN/MDN report */
	struct dsng_span rcpt;            /* envelope recipient (no <>) */
	struct dsng_span message_id;      /* returned original Message-ID */
	const struct dsng_span *received; /* returned Received values */
	size_t n_received;
	dsng_msgid_lookup_fn sent; /* NULL: no Message-ID store */
	void *sent_arg;
	time_t now; /* for BATV; 0 = time(NULL) */
};

/* Zero a bounce description and set its version. */
DSNG_API void dsng_bounce_init(struct dsng_bounce *b);

/*
 * Is this bounce an answer to mail we sent, or backscatter?  d->verdict
 * and d->evidence say so, d->reason names the evidence; d->action is
 * ACCEPT (legit, unknown, not a bounce), or for backscatter the
 * configured REJECT (with reply) / FLAG / ACCEPT.  BATV tags are checked
 * with the policy's keys (dsng_batv_verify).  Returns 0 or DSNG_EINVAL.
 */
DSNG_API int dsng_policy_bounce(const struct dsng_policy *p,
                                struct dsng_session *s,
                                const struct dsng_bounce *b,
                                struct dsng_decision *d);

/*
 * Fill the report part of a bounce description from a parsed report:
 * is_report (kind is not NONE), the returned Message-ID and the returned
 * Received values (still folded; matching does not mind).  The spans
 * borrow from r; the array of Received spans is a new talloc child of mem
 * (NULL when there are none).  Other fields of b are left alone.  Returns
 * 0, DSNG_EINVAL, DSNG_ENOMEM.
 */
DSNG_API int dsng_bounce_from_report(TALLOC_CTX *mem, struct dsng_bounce *b,
                                     const struct dsng_report *r);

/* ---- convenience wrappers: parse a line, then decide --------------- */

/*
 * dsng_policy_ehlo for a server's parsed EHLO reply: when DSN is hidden
 * from this client and caps advertises it, d->rewritten is the reply
 * without the DSN line (verbatim otherwise, CRLF-terminated lines, a new
 * talloc child of mem) and d->changed is 1.  Returns 0, DSNG_EINVAL,
 * DSNG_ENOMEM.
 */
DSNG_API int dsng_policy_ehlo_reply(TALLOC_CTX *mem,
                                    const struct dsng_policy *p,
                                    struct dsng_session *s,
                                    const struct dsng_ehlo *caps,
                                    struct dsng_decision *d);

/*
 * Parse `line` with dsng_cmd_parse (opts NULL = defaults) and run the
 * decision for its verb (EHLO/HELO/LHLO, MAIL, RCPT; anything else gets
 * ACCEPT, rule "other").  A line that does not parse gets REJECT with the
 * parser's reply and rule "syntax" (return 0; err filled too).  When the
 * command changed, d->rewritten is the new line on mem (free it with
 * talloc_free, or with mem).  cmd may be NULL when the caller does not
 * need the parsed command.  Returns 0, DSNG_EINVAL, DSNG_ENOMEM.
 */
DSNG_API int dsng_policy_line(TALLOC_CTX *mem, const struct dsng_policy *p,
                              struct dsng_session *s, const char *line,
                              size_t len, const struct dsng_cmd_opts *opts,
                              struct dsng_cmd *cmd, struct dsng_decision *d,
                              struct dsng_error *err);

#ifdef __cplusplus
}
#endif

#endif /* DSNG_POLICY_H */
