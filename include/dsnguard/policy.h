/*
 * dsnguard/policy.h - who is offered DSN, which DSN requests are honoured,
 * which receipt headers survive, whether a DSN may be generated at all, and
 * whether an incoming bounce answers mail we sent.
 *
 * Model.  The caller keeps one struct dsng_policy_session per SMTP
 * connection: the facts about the client (address, reverse name, HELO
 * name, SASL user, TLS, port/service, the caller's own trust verdict) and a
 * little state the decisions update (was DSN offered in EHLO, was the
 * sender null, the cached trusted-network lookup).  A policy (loaded from a
 * config file or a preset, read-only afterwards, shareable between threads)
 * turns a session plus one parsed SMTP command, header or bounce into a
 * caller-owned struct dsng_decision: an action, what changed, the reply to
 * send when refusing, a one-line reason, and the rule (with config file and
 * line) that decided.  Policy never parses bytes: it takes the structs of
 * cmd.h and fills decisions; the wrappers at the end parse first.
 *
 * Every decision takes (decision, policy, session, inputs..., err) and
 * returns 0 or a negative DSNG_E* code with err filled (DSNG_EINVAL for a
 * NULL argument or a decision/session/input struct of a version the
 * library does not know; the decision is then left untouched).  Sessions,
 * decisions, bounce descriptions and options are versioned structs
 * (common.h): set them up with their DSNG_<X>_INIT or dsng_<x>_init.
 *
 * What the RFCs allow, and what each decision's `compliance` says:
 *  - Once DSN was advertised to a client, silently stripping or
 *    downgrading its NOTIFY (or RET, ENVID, ORCPT) is NOT RFC 3461
 *    compliant: the RFCs offer no way to accept DSN yet refuse some of it.
 *    The compliant moves are not advertising DSN to that client, or
 *    refusing the command.  Such decisions carry DSNG_POLICY_NOT_COMPLIANT.
 *  - A DSN parameter from a client DSN was not offered to should be
 *    refused (RFC 5321 4.1.1.11 gives 555; Postfix answers 501 5.7.1,
 *    sendmail's noreceipts 504 5.7.0).  Ignoring or honouring it is a
 *    tolerance, DSNG_POLICY_LENIENT.
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
 *                       are allowed up to DSNG_POLICY_MAX_INCLUDE_DEPTH,
 *                       and a whole include tree reads at most
 *                       max_include_files files and max_include_bytes
 *                       bytes, see struct dsng_policy_opts).  A config's
 *                       [trusted-networks] REPLACES the preset's list
 *                       (recommended's is loopback: 127.0.0.0/8, ::1);
 *                       an empty section trusts no network.
 *   [ehlo]     offer-dsn = CLASSES          who is offered DSN (decided
 *                                           at EHLO: see CLASSES)
 *              honour-unoffered-from = CLASSES
 *                                           clients whose DSN parameters
 *                                           go to the [mail]/[rcpt] rules
 *                                           although DSN was not offered
 *                                           to them (lenient; for
 *                                           "authenticated", who log in
 *                                           after EHLO)
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
 *
 *   The EHLO decision sees only what a server knows when it answers EHLO:
 *   the address, reverse name, HELO name, port or service and TLS
 *   (DSNG_POLICY_CLASSES_EHLO).  "authenticated" is never true there: a
 *   client logs in with AUTH after EHLO (RFC 4954) and does not send EHLO
 *   again, so "offer-dsn = authenticated" offers DSN to nobody; offer it on
 *   the submission service instead (where AUTH is required before MAIL)
 *   and let honour-unoffered-from cover authenticated clients elsewhere.
 *   Such a config loads, with a warning (dsng_policy_warning_get).
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
enum dsng_policy_service {
	DSNG_POLICY_SERVICE_UNKNOWN = 0, /* derived from port: 587/465
	                                    submission, otherwise smtp */
	DSNG_POLICY_SERVICE_SMTP,        /* port 25, MX / relay traffic */
	DSNG_POLICY_SERVICE_SUBMISSION,  /* port 587 or 465 */
	DSNG_POLICY_SERVICE_LOCAL        /* command-line submission */
};

/* Client classes, the words of a CLASSES list in the config. */
#define DSNG_POLICY_CLASS_ALL 0x01u
#define DSNG_POLICY_CLASS_TRUSTED 0x02u
#define DSNG_POLICY_CLASS_AUTHENTICATED 0x04u
#define DSNG_POLICY_CLASS_TLS 0x08u
#define DSNG_POLICY_CLASS_SUBMISSION 0x10u
#define DSNG_POLICY_CLASS_LOCAL 0x20u

/* The classes a server can know when it answers EHLO: all but
 * AUTHENTICATED (AUTH comes after EHLO).  The EHLO decision uses only
 * these. */
#define DSNG_POLICY_CLASSES_EHLO                                               \
	(DSNG_POLICY_CLASS_ALL | DSNG_POLICY_CLASS_TRUSTED |                   \
	 DSNG_POLICY_CLASS_TLS | DSNG_POLICY_CLASS_SUBMISSION |                \
	 DSNG_POLICY_CLASS_LOCAL)

#define DSNG_POLICY_SESSION_VERSION 1

/*
 * One client connection, kept by the caller (one session per connection,
 * used with one policy).  Set it up with DSNG_POLICY_SESSION_INIT or
 * dsng_policy_session_init, then fill the facts.  The library writes only
 * the state part (the decisions, dsng_policy_classes and
 * dsng_policy_session_set_addr/_reset); it never writes the facts.
 * Strings are borrowed and must outlive the session's use.
 */
struct dsng_policy_session {
	unsigned version; /* DSNG_POLICY_SESSION_VERSION */
	/* facts, filled by the caller */
	int family;              /* 0 unknown, 4 or 6 */
	unsigned char addr[16];  /* IPv6, or IPv4 in the last 4 bytes
	                            (dsng_policy_session_set_addr) */
	const char *client_name; /* reverse DNS name, NULL if unknown */
	const char *helo_name;   /* HELO/EHLO argument, NULL if none yet */
	const char *auth_user;   /* SASL user, NULL when not authenticated */
	bool tls;                /* after STARTTLS or on port 465 */
	unsigned port;           /* local port the client connected to */
	enum dsng_policy_service service;
	int trusted; /* the caller's verdict: -1 (default) look the address
	                up in the policy's trusted networks; 0 untrusted,
	                1 trusted, whatever the networks say */
	/* state, written by the library */
	int trusted_cached;    /* the trusted-network lookup for trusted -1:
	                          -1 not done yet, 0 outside, 1 inside.  Done
	                          once by dsng_policy_classes; reset to -1 by
	                          init and set_addr (a caller that writes addr
	                          itself sets it to -1) */
	int dsn_offered;       /* -1 unknown (no EHLO decision yet: the
	                          policy's offer rule is assumed, for the
	                          client as known at EHLO), 0, 1 */
	bool esmtp;            /* EHLO (true, the default) or HELO */
	unsigned ehlo_classes; /* DSNG_POLICY_CLASS_* the EHLO decision saw
	                          (within DSNG_POLICY_CLASSES_EHLO: never
	                          AUTHENTICATED, even when auth_user was set
	                          before EHLO) */
	bool null_sender;      /* current transaction's MAIL FROM:<> */
	size_t n_recipients;   /* RCPTs accepted in this transaction */
};

#define DSNG_POLICY_SESSION_INIT                                               \
	{                                                                      \
		DSNG_POLICY_SESSION_VERSION, 0, {0}, NULL, NULL, NULL, false,  \
		        0, DSNG_POLICY_SERVICE_UNKNOWN, -1, -1, -1, true, 0,   \
		        false, 0                                               \
	}

/* Set s to "nothing known" at that version: unknown address, trusted and
 * trusted_cached -1, dsn_offered -1, esmtp true.  Returns 0, or
 * DSNG_EINVAL (s NULL, version 0 or above DSNG_POLICY_SESSION_VERSION). */
DSNG_API int dsng_policy_session_init(struct dsng_policy_session *s,
                                      unsigned version);

/*
 * Set the client address from text: dotted IPv4, IPv6 (with "::" and an
 * embedded IPv4 tail), optionally in [brackets] or "IPv6:" prefixed.
 * IPv4-mapped IPv6 (::ffff:a.b.c.d) is stored as IPv4.  Clears the cached
 * trusted-network lookup (trusted_cached -1), so a session reused for
 * another client is looked up again; the caller's `trusted` is kept.
 * Returns 0, DSNG_EINVAL (NULL, unknown session version), or DSNG_ESYNTAX
 * (kind DSNG_ERR_BAD_CIDR); the session is unchanged on failure.
 */
DSNG_API int dsng_policy_session_set_addr(struct dsng_policy_session *s,
                                          const char *text, size_t len,
                                          struct dsng_error *err);

/* Start a new transaction (RSET, or after DATA): clears null_sender and
 * n_recipients, keeps the facts, dsn_offered and the trusted lookup.
 * Does nothing for NULL or an unknown version. */
DSNG_API void dsng_policy_session_reset(struct dsng_policy_session *s);

/* ---- the policy ---------------------------------------------------- */

struct dsng_policy; /* opaque; free with talloc_free */

/* Reads an included file for the loader: fill *buf (a talloc child of
 * mem) and *len, return 0, or a negative DSNG_E* (DSNG_EIO). */
typedef int (*dsng_policy_read_fn)(void *arg, TALLOC_CTX *mem, const char *path,
                                   char **buf, size_t *len);

#define DSNG_POLICY_OPTS_VERSION 2
#define DSNG_POLICY_MAX_INCLUDE_DEPTH 8
#define DSNG_POLICY_MAX_NETWORKS 1000000
/* Defaults of the include-tree limits below.  Includes nest only 8 deep,
 * but a "diamond" (a file including another several times, over several
 * levels) multiplies: 7 includes per file over 8 levels is 6.7 million
 * reads from a 40-byte config.  These bound the whole tree. */
#define DSNG_POLICY_MAX_INCLUDE_FILES 1000
#define DSNG_POLICY_MAX_INCLUDE_BYTES (64u * 1024 * 1024)

/*
 * Fixed limits of a config file (no option changes them).  Each is
 * refused with DSNG_ELIMIT, err->line/column at the culprit and
 * err->limit naming it, given in quotes (kind in brackets):
 *   DSNG_POLICY_MAX_INCLUDE_DEPTH  nested includes, a loop stops here
 *                                  ("max_include_depth"; config)
 *   DSNG_POLICY_MAX_NETWORKS       trusted networks before merging
 *                                  ("max_networks"; bad_cidr)
 *   DSNG_POLICY_MAX_LINE           octets per line, line end excluded
 *                                  ("max_line"; config)
 *   DSNG_POLICY_MAX_LIST           items in one list value
 *                                  ("max_list"; bad_value)
 *   DSNG_POLICY_MAX_HEADER_NAMES   receipt header names in all
 *                                  ("max_header_names"; bad_value)
 *   DSNG_POLICY_MAX_HOSTS          bounce.our-hosts in all
 *                                  ("max_hosts"; bad_value)
 *   DSNG_POLICY_MAX_REPLY_TEXT     characters of a reply's text
 *                                  ("max_reply_text"; bad_value)
 *   DSNG_POLICY_MAX_FILE_SIZE      a config or included file read from
 *                                  disk must be smaller; a read callback
 *                                  that returns DSNG_ELIMIT is reported
 *                                  the same way ("max_file_size"; io)
 */
#define DSNG_POLICY_MAX_LINE 4096
#define DSNG_POLICY_MAX_LIST 256
#define DSNG_POLICY_MAX_HEADER_NAMES 1024
#define DSNG_POLICY_MAX_HOSTS 1024
#define DSNG_POLICY_MAX_REPLY_TEXT 150
#define DSNG_POLICY_MAX_FILE_SIZE (64u * 1024 * 1024)

struct dsng_policy_opts {
	unsigned version;         /* DSNG_POLICY_OPTS_VERSION */
	dsng_policy_read_fn read; /* NULL: read files from disk */
	void *read_arg;
	bool no_includes; /* any include is an error (fuzzing) */
	/* version 2 */
	size_t max_include_files; /* includes read in the whole tree, each
	                             time a file is included counting once;
	                             0 = DSNG_POLICY_MAX_INCLUDE_FILES */
	size_t max_include_bytes; /* their sizes added up; 0 =
	                             DSNG_POLICY_MAX_INCLUDE_BYTES */
};

/* Defaults: read from disk, includes allowed within the limits above.
 * Exceeding a limit is DSNG_ELIMIT with err->limit "max_include_files" or
 * "max_include_bytes" (nesting deeper than DSNG_POLICY_MAX_INCLUDE_DEPTH
 * is DSNG_ELIMIT too, with err->limit NULL).  Each included file is
 * freed once read: the policy keeps only the networks. */
#define DSNG_POLICY_OPTS_INIT                                                  \
	{                                                                      \
		DSNG_POLICY_OPTS_VERSION, NULL, NULL, false,                   \
		        DSNG_POLICY_MAX_INCLUDE_FILES,                         \
		        DSNG_POLICY_MAX_INCLUDE_BYTES                          \
	}

/* Set opts to the defaults at that version.  Returns 0, or DSNG_EINVAL
 * (opts NULL, version 0 or above DSNG_POLICY_OPTS_VERSION). */
DSNG_API int dsng_policy_opts_init(struct dsng_policy_opts *opts,
                                   unsigned version);

/*
 * A policy built from a preset.  *out is a new child of mem.  Errors:
 * DSNG_ENOTFOUND (kind DSNG_ERR_UNKNOWN_PRESET), DSNG_ENOMEM.
 *
 *   recommended  fits how SMTP runs: DSN is offered at EHLO to trusted
 *                networks (loopback, 127.0.0.0/8 and ::1, by default, as
 *                Postfix's mynetworks), the submission service (587/465,
 *                where AUTH is required before MAIL) and local
 *                submission (offer-dsn = trusted, submission, local).  At
 *                MAIL/RCPT, receipts (NOTIFY=SUCCESS), RET=FULL and
 *                receipt headers are honoured for authenticated, trusted
 *                and local clients and refused compliantly (550 5.7.1)
 *                for the rest: an unauthenticated client on 587 that asks
 *                is refused, and a stranger on 25 is not offered DSN and
 *                its NOTIFY is refused as unoffered.  A client that
 *                authenticated after an EHLO that did not offer DSN has
 *                its requests honoured anyway (honour-unoffered-from =
 *                authenticated: its sender is not forged), labelled
 *                DSNG_POLICY_LENIENT.  RET=FULL from others becomes
 *                HDRS; bounces are checked by BATV when a key is set.
 *   permissive   the RFC defaults: DSN for everyone, nothing checked.
 *   sendmail-noreceipts  PrivacyOptions=noreceipts: DSN never offered,
 *                every DSN parameter 504 5.7.0.
 *   postfix-discard-dsn  DSN discarded from EHLO but for mynetworks and
 *                the submission ports; unoffered DSN 501 5.7.1.
 */
DSNG_API int dsng_policy_preset(TALLOC_CTX *mem, struct dsng_policy **out,
                                const char *name, struct dsng_error *err);

/* The preset names, NULL-terminated, static. */
DSNG_API const char *const *dsng_policy_preset_names(void);

/*
 * Load a config from text (see the format above).  `name` is the file
 * name used in messages and as the base of relative includes.  opts may
 * be NULL (defaults).  Errors: DSNG_EINVAL (NULL out, unknown opts
 * version); DSNG_ESYNTAX (kind DSNG_ERR_CONFIG, _UNKNOWN_KEY, _BAD_VALUE,
 * _BAD_CIDR, _UNKNOWN_PRESET) or DSNG_EIO (an include could not be read)
 * with err->line/column and a message that starts with
 * "FILE:LINE:COLUMN: "; DSNG_ELIMIT (a fixed limit above, named in
 * err->limit); DSNG_ENOMEM.  *out NULL on failure, nothing left on mem.
 */
DSNG_API int dsng_policy_parse(TALLOC_CTX *mem, struct dsng_policy **out,
                               const char *buf, size_t len, const char *name,
                               const struct dsng_policy_opts *opts,
                               struct dsng_error *err);

/* The same, reading the file at path first (DSNG_EIO when it cannot,
 * DSNG_ELIMIT "max_file_size" when it is larger than
 * DSNG_POLICY_MAX_FILE_SIZE). */
DSNG_API int dsng_policy_load(TALLOC_CTX *mem, struct dsng_policy **out,
                              const char *path,
                              const struct dsng_policy_opts *opts,
                              struct dsng_error *err);

/* The policy's name: the preset, or the file it was loaded from. */
DSNG_API const char *dsng_policy_name(const struct dsng_policy *p);

/* Number of trusted networks loaded (after merging). */
DSNG_API size_t dsng_policy_network_count(const struct dsng_policy *p);

/*
 * The trusted networks as text, one CIDR each ("127.0.0.0/8", "::1/128"),
 * after merging, in order (IPv4 first; IPv4 networks are written in dotted
 * form, everything else as IPv6).  A merged range that is not one CIDR
 * block becomes the few blocks that cover exactly it; a block never spans
 * the IPv4 space and IPv6 together (::/0 gives 0.0.0.0/0 and the IPv6
 * blocks around ::ffff:0:0/96), since MTAs match IPv4 clients against
 * IPv4 networks only.  *out is a new
 * talloc array on mem (a child of it holds the strings; free it alone),
 * NULL with *n_out 0 when there are none.  Returns 0, DSNG_EINVAL (NULL
 * argument), DSNG_ENOMEM.
 */
DSNG_API int dsng_policy_networks_format(TALLOC_CTX *mem, char ***out,
                                         size_t *n_out,
                                         const struct dsng_policy *p,
                                         struct dsng_error *err);

/* The DSNG_POLICY_CLASS_* bits of ehlo.offer-dsn: to whom DSN is offered
 * at EHLO (0 = nobody; DSNG_POLICY_CLASS_ALL = everyone).  0 for NULL. */
DSNG_API unsigned dsng_policy_offer_get(const struct dsng_policy *p);

/* One setting of a policy that differs from the permissive base (the RFC
 * defaults).  Only the library allocates these; fields may be appended. */
struct dsng_policy_rule {
	const char *rule;   /* "rcpt.success-from" */
	const char *value;  /* "trusted, authenticated, local", "reject" */
	const char *origin; /* preset name or config file */
	unsigned line;      /* its line there; 0 for presets */
	unsigned classes;   /* class lists: DSNG_POLICY_CLASS_* bits; else 0 */
};

/*
 * The settings of p that differ from the permissive base, in the order of
 * the config format ([ehlo], [rcpt], [mail], [headers], [generate],
 * [bounce]; the trusted networks are not listed: see
 * dsng_policy_networks_format; reply texts, header names and the flag
 * header are not listed either: they only shape what a refusal says or
 * which headers count).  *out is a new talloc array on mem (NULL, *n_out 0
 * when the policy is permissive).  Returns 0, DSNG_EINVAL, DSNG_ENOMEM.
 */
DSNG_API int dsng_policy_diff(TALLOC_CTX *mem, struct dsng_policy_rule **out,
                              size_t *n_out, const struct dsng_policy *p,
                              struct dsng_error *err);

/*
 * A remark on a policy that loaded: a valid setting that does not do what
 * it seems to, e.g. "offer-dsn" naming "authenticated" (never true at
 * EHLO).  Only the library allocates these (fields may be appended); they
 * live as long as the policy.
 */
struct dsng_policy_warning {
	const char *rule;    /* the setting: "ehlo.offer-dsn" */
	const char *origin;  /* the config file (or preset) that set it */
	unsigned line;       /* its line there; 0 for presets */
	const char *message; /* one line, "FILE:LINE: rule: what, and why" */
};

/* How many warnings the policy has (0 for NULL). */
DSNG_API size_t dsng_policy_warning_count(const struct dsng_policy *p);

/* Warning i (0 .. count-1), or NULL when there is no such warning. */
DSNG_API const struct dsng_policy_warning *
dsng_policy_warning_get(const struct dsng_policy *p, size_t i);

/* Whether the session's address lies in the policy's trusted networks:
 * the lookup alone (neither s->trusted nor the cache is consulted or
 * written).  false for NULL arguments or an unknown address. */
DSNG_API bool dsng_policy_is_trusted(const struct dsng_policy *p,
                                     const struct dsng_policy_session *s);

/*
 * The DSNG_POLICY_CLASS_* bits this session has under this policy.
 * "trusted" is the caller's s->trusted when it is 0 or 1; for -1 the
 * address is looked up in the trusted networks once and the answer kept
 * in s->trusted_cached.  This updates the session's state part (only
 * trusted_cached), which is why s is not const.  DSNG_POLICY_CLASS_ALL
 * alone for a NULL policy or session, or an unknown session version.
 */
DSNG_API unsigned dsng_policy_classes(const struct dsng_policy *p,
                                      struct dsng_policy_session *s);

/* ---- decisions ----------------------------------------------------- */

enum dsng_policy_action {
	DSNG_POLICY_ACTION_ACCEPT = 0,    /* let it through unchanged */
	DSNG_POLICY_ACTION_ADVERTISE_DSN, /* EHLO: offer DSN */
	DSNG_POLICY_ACTION_HIDE_DSN,      /* EHLO: do not offer DSN */
	DSNG_POLICY_ACTION_STRIP,         /* remove the parameter / header */
	DSNG_POLICY_ACTION_DOWNGRADE,     /* keep a weaker form (NOTIFY minus
	                                     SUCCESS/DELAY, RET=HDRS) */
	DSNG_POLICY_ACTION_NEVER,         /* NOTIFY=NEVER; generate: no DSN */
	DSNG_POLICY_ACTION_REJECT,        /* refuse with the decision's reply */
	DSNG_POLICY_ACTION_IGNORE,        /* accept the command, drop the DSN
	                                     parameters DSN was not offered
	                                     for */
	DSNG_POLICY_ACTION_FLAG           /* keep, and mark (header, bounce) */
};

/* "accept", "advertise_dsn", ... (the audit JSON words); static;
 * "unknown" for out-of-range values. */
DSNG_API const char *dsng_policy_action_name(enum dsng_policy_action a);

enum dsng_policy_compliance {
	DSNG_POLICY_COMPLIANT = 0, /* what the RFCs allow */
	DSNG_POLICY_LENIENT,       /* tolerates a parameter of an extension
	                              not offered (RFC 5321 4.1.1.11 expects
	                              555) */
	DSNG_POLICY_NOT_COMPLIANT  /* alters a DSN request after DSN was
	                              offered: not RFC 3461-compliant */
};

/* "compliant", "lenient", "not_compliant"; static; "unknown" for
 * out-of-range values. */
DSNG_API const char *dsng_policy_compliance_name(enum dsng_policy_compliance c);

/* Verdict on an incoming bounce. */
enum dsng_policy_verdict {
	DSNG_POLICY_VERDICT_NOT_A_BOUNCE = 0,
	DSNG_POLICY_VERDICT_LEGIT,
	DSNG_POLICY_VERDICT_BACKSCATTER,
	DSNG_POLICY_VERDICT_UNKNOWN
};

/* "not_a_bounce", "legit", "backscatter", "unknown"; static. */
DSNG_API const char *dsng_policy_verdict_name(enum dsng_policy_verdict v);

/*
 * Evidence bits behind a bounce verdict:
 *   BATV_VALID        the recipient has a valid tag
 *   BATV_INVALID      the tag is forged, expired or of an unknown key
 *   BATV_MISSING      untagged, while keys are loaded
 *   MSGID_OURS        the Message-ID callback says we sent it
 *   MSGID_FOREIGN     the callback says we did not
 *   RECEIVED_OURS     one of our hosts is in the returned Received chain
 *   RECEIVED_FOREIGN  a returned Received chain without our hosts
 */
#define DSNG_POLICY_EVIDENCE_BATV_VALID 0x01u
#define DSNG_POLICY_EVIDENCE_BATV_INVALID 0x02u
#define DSNG_POLICY_EVIDENCE_BATV_MISSING 0x04u
#define DSNG_POLICY_EVIDENCE_MSGID_OURS 0x08u
#define DSNG_POLICY_EVIDENCE_MSGID_FOREIGN 0x10u
#define DSNG_POLICY_EVIDENCE_RECEIVED_OURS 0x20u
#define DSNG_POLICY_EVIDENCE_RECEIVED_FOREIGN 0x40u

/*
 * What a decision changed (struct dsng_decision.changes):
 *   NOTIFY    RCPT: NOTIFY removed, or its value replaced
 *   ORCPT     RCPT: ORCPT removed
 *   RET       MAIL: RET removed, or FULL downgraded to HDRS
 *   ENVID     MAIL: ENVID removed
 *   DSN_LINE  EHLO reply: the DSN line removed (dsng_policy_ehlo_reply)
 *   HEADER    the message's headers: a receipt request removed (STRIP), or
 *             a flag header to add (FLAG, header and bounce decisions)
 */
#define DSNG_POLICY_CHANGED_NOTIFY 0x01u
#define DSNG_POLICY_CHANGED_ORCPT 0x02u
#define DSNG_POLICY_CHANGED_RET 0x04u
#define DSNG_POLICY_CHANGED_ENVID 0x08u
#define DSNG_POLICY_CHANGED_DSN_LINE 0x10u
#define DSNG_POLICY_CHANGED_HEADER 0x20u

#define DSNG_DECISION_REASON_MAX 320
#define DSNG_DECISION_REPLY_MAX 200
#define DSNG_DECISION_VERSION 1

/*
 * The outcome of one decision, caller-owned (usually on the stack).  Set
 * it up once with DSNG_DECISION_INIT or dsng_decision_init; every decision
 * then overwrites all the fields of its version (so one struct serves a
 * whole session).  Pointers (rule, origin, enhanced) point into the
 * policy or static storage and stay valid as long as the policy.
 * rewritten is NULL unless a wrapper was given a talloc context and the
 * command/reply changed.
 */
struct dsng_decision {
	unsigned version; /* DSNG_DECISION_VERSION */
	enum dsng_policy_action action;
	enum dsng_policy_compliance compliance;
	bool changed;         /* the command (or message) was modified:
	                         the same as changes != 0 */
	unsigned changes;     /* DSNG_POLICY_CHANGED_* bits */
	int reply_code;       /* refusals: 550; 0 otherwise */
	const char *enhanced; /* "5.7.1"; "" when no reply */
	char reply_text[DSNG_DECISION_REPLY_MAX]; /* without code/enhanced */
	char reason[DSNG_DECISION_REASON_MAX];    /* one line */
	const char *rule;          /* "rcpt.success-from", static/policy */
	const char *origin;        /* preset name or config file name */
	unsigned line;             /* config line, 0 for presets/defaults */
	unsigned notify_requested; /* rcpt: the NOTIFY bits the client asked
	                              for (0 = absent), before the decision */
	unsigned notify;           /* rcpt: NOTIFY bits after the decision;
	                              generate: the bits it was given */
	bool syntax_error;         /* dsng_policy_line: the line did not parse
	                              (action REJECT, rule "syntax", reply
	                              from the parser's error) */
	enum dsng_policy_verdict verdict; /* bounce decisions */
	unsigned evidence;                /* DSNG_POLICY_EVIDENCE_* */
	char *rewritten; /* wrappers: new line/reply (talloc) */
};

#define DSNG_DECISION_INIT                                                     \
	{                                                                      \
		DSNG_DECISION_VERSION, DSNG_POLICY_ACTION_ACCEPT,              \
		        DSNG_POLICY_COMPLIANT, false, 0, 0, "", "", "", NULL,  \
		        NULL, 0, 0, 0, false,                                  \
		        DSNG_POLICY_VERDICT_NOT_A_BOUNCE, 0, NULL              \
	}

/* Set d to an empty ACCEPT decision at that version.  Returns 0, or
 * DSNG_EINVAL (d NULL, version 0 or above DSNG_DECISION_VERSION). */
DSNG_API int dsng_decision_init(struct dsng_decision *d, unsigned version);

/*
 * EHLO (esmtp true) or HELO (false): offer DSN to this client or not, by
 * ehlo.offer-dsn and the classes known at EHLO (DSNG_POLICY_CLASSES_EHLO:
 * s->auth_user is not counted even when set, since AUTH comes after
 * EHLO).  Updates s->dsn_offered, s->esmtp and s->ehlo_classes.
 * Actions: ADVERTISE_DSN, HIDE_DSN.  Returns 0 or DSNG_EINVAL.
 */
DSNG_API int dsng_policy_ehlo(struct dsng_decision *d,
                              const struct dsng_policy *p,
                              struct dsng_policy_session *s, bool esmtp,
                              struct dsng_error *err);

/*
 * MAIL FROM: RET=FULL and ENVID.  May modify cmd in place (params[i]
 * .removed, RET's value pointed at static "HDRS"): d->changed and
 * d->changes (DSNG_POLICY_CHANGED_RET, _ENVID) say so; format it back with
 * dsng_cmd_format.  Starts a new transaction in s (dsng_policy_session_reset)
 * and records the null sender.  Actions: ACCEPT, DOWNGRADE, STRIP, IGNORE,
 * REJECT.  Returns 0 or DSNG_EINVAL (also for a command that is not MAIL).
 */
DSNG_API int dsng_policy_mail(struct dsng_decision *d,
                              const struct dsng_policy *p,
                              struct dsng_policy_session *s,
                              struct dsng_cmd *cmd, struct dsng_error *err);

/*
 * RCPT TO: NOTIFY and ORCPT.  When DSN was not offered to the client,
 * rcpt.unoffered decides, unless ehlo.honour-unoffered-from covers it
 * (recommended: an authenticated client); then the rules below decide,
 * and an honoured request is DSNG_POLICY_LENIENT.  May modify cmd in place like
 * dsng_policy_mail (NOTIFY's value pointed at text owned by the policy,
 * valid as long as the policy): d->changes has DSNG_POLICY_CHANGED_NOTIFY,
 * _ORCPT.  d->notify_requested holds the NOTIFY bits as the client sent
 * them, d->notify those that remain (for REJECT: the bits as asked).  Counts
 * the recipient in s->n_recipients unless refused. Actions: ACCEPT, STRIP,
 * DOWNGRADE, NEVER, REJECT, IGNORE.  Returns 0 or DSNG_EINVAL (also for a
 * command that is not RCPT).
 */
DSNG_API int dsng_policy_rcpt(struct dsng_decision *d,
                              const struct dsng_policy *p,
                              struct dsng_policy_session *s,
                              struct dsng_cmd *cmd, struct dsng_error *err);

/*
 * For a caller that cannot carry out a RCPT decision that changes the
 * command (a milter on sendmail, which keeps a removed recipient's NOTIFY
 * flags when it is added back) and refuses the RCPT instead: fills
 * d->reply_code, d->enhanced and d->reply_text with the policy's reply
 * for refusing it (rcpt.unoffered-reply for IGNORE, rcpt.reply
 * otherwise, {param} and {value} from what d says was asked and
 * removed).  A REJECT decision is left as it is; nothing else in d
 * changes.  Returns 0 or DSNG_EINVAL (NULL, unknown decision version).
 */
DSNG_API int dsng_policy_rcpt_refusal(struct dsng_decision *d,
                                      const struct dsng_policy *p,
                                      struct dsng_error *err);

/* Whether the header name (any case) is a receipt request under this
 * policy (Disposition-Notification-To, Return-Receipt-To, ...). */
DSNG_API bool dsng_policy_is_receipt_header(const struct dsng_policy *p,
                                            const char *name, size_t len);

/*
 * One message header (name without the colon).  Headers that are not
 * receipt requests get ACCEPT with rule "headers.names".  For receipt
 * requests from clients outside receipts-from: STRIP, FLAG (keep, and
 * add the header named by flag-header: its text is in d->reply_text), or
 * ACCEPT (keep); STRIP and FLAG set DSNG_POLICY_CHANGED_HEADER.  Returns 0
 * or DSNG_EINVAL.
 */
DSNG_API int dsng_policy_header(struct dsng_decision *d,
                                const struct dsng_policy *p,
                                struct dsng_policy_session *s, const char *name,
                                size_t name_len, const char *value,
                                size_t value_len, struct dsng_error *err);

/*
 * May the MTA generate a DSN of this kind (enum dsng_dsn_kind, common.h)
 * for a recipient, given the facts of the original session `s` (as the MTA
 * recorded them), whether the envelope sender was null, and the NOTIFY
 * bits accepted on that RCPT (0 = absent)?  ACCEPT: generate it; NEVER: do
 * not.  The last line of defence for MTAs that cannot filter at SMTP time.
 * Returns 0 or DSNG_EINVAL (also for DSNG_DSN_OTHER and unknown kinds).
 */
DSNG_API int dsng_policy_generate(struct dsng_decision *d,
                                  const struct dsng_policy *p,
                                  struct dsng_policy_session *s,
                                  enum dsng_dsn_kind kind, bool null_sender,
                                  unsigned notify, struct dsng_error *err);

/* Asks the caller's store whether we sent a Message-ID: 1 yes, 0 no,
 * -1 unknown. */
typedef int (*dsng_policy_msgid_fn)(void *arg, const char *msgid, size_t len);

#define DSNG_POLICY_BOUNCE_INFO_VERSION 1

/* What is known about an incoming message that may be a bounce; filled by
 * the caller (and dsng_policy_bounce_info_from_report), read-only to
 * dsng_policy_bounce. */
struct dsng_policy_bounce_info {
	unsigned version;                 /* DSNG_POLICY_BOUNCE_INFO_VERSION */
	bool null_sender;                 /* MAIL FROM:<> */
	bool is_report;                   /* a parsed DSN/MDN report */
	struct dsng_span rcpt;            /* envelope recipient (no <>) */
	struct dsng_span message_id;      /* returned original Message-ID */
	const struct dsng_span *received; /* returned Received values */
	size_t n_received;
	dsng_policy_msgid_fn sent; /* NULL: no Message-ID store */
	void *sent_arg;
	time_t now; /* for BATV; 0 = time(NULL) */
};

#define DSNG_POLICY_BOUNCE_INFO_INIT                                           \
	{                                                                      \
		DSNG_POLICY_BOUNCE_INFO_VERSION, false, false, {NULL, 0},      \
		        {NULL, 0}, NULL, 0, NULL, NULL, 0                      \
	}

/* Set b to "nothing known" at that version.  Returns 0, or DSNG_EINVAL
 * (b NULL, version 0 or above DSNG_POLICY_BOUNCE_INFO_VERSION). */
DSNG_API int dsng_policy_bounce_info_init(struct dsng_policy_bounce_info *b,
                                          unsigned version);

/*
 * Is this bounce an answer to mail we sent, or backscatter?  d->verdict
 * and d->evidence say so, d->reason names the evidence; d->action is
 * ACCEPT (legit, unknown, not a bounce), or for backscatter the
 * configured REJECT (with reply) / FLAG (DSNG_POLICY_CHANGED_HEADER) /
 * ACCEPT.  BATV tags are checked with the policy's keys
 * (dsng_batv_verify).  Returns 0 or DSNG_EINVAL (also for an unknown
 * bounce-info version, or spans NULL with a length).
 */
DSNG_API int dsng_policy_bounce(struct dsng_decision *d,
                                const struct dsng_policy *p,
                                struct dsng_policy_session *s,
                                const struct dsng_policy_bounce_info *b,
                                struct dsng_error *err);

/*
 * Fill the report part of a bounce description from a parsed report:
 * is_report (kind is not NONE), the returned Message-ID and the returned
 * Received values (still folded; matching does not mind).  The spans
 * borrow from r; the array of Received spans is a new talloc child of mem
 * (NULL when there are none).  Other fields of b are left alone.  Returns
 * 0, DSNG_EINVAL (NULL, unknown version of b), DSNG_ENOMEM.
 */
DSNG_API int dsng_policy_bounce_info_from_report(
        TALLOC_CTX *mem, struct dsng_policy_bounce_info *b,
        const struct dsng_report *r, struct dsng_error *err);

/* ---- convenience wrappers: parse a line, then decide --------------- */

/*
 * dsng_policy_ehlo for a server's parsed EHLO reply: when DSN is hidden
 * from this client and caps advertises it, d->rewritten is the reply
 * without the DSN line (verbatim otherwise, CRLF-terminated lines, a new
 * talloc child of mem), d->changed is true and d->changes
 * DSNG_POLICY_CHANGED_DSN_LINE.  Returns 0, DSNG_EINVAL, DSNG_ENOMEM.
 */
DSNG_API int dsng_policy_ehlo_reply(TALLOC_CTX *mem, struct dsng_decision *d,
                                    const struct dsng_policy *p,
                                    struct dsng_policy_session *s,
                                    const struct dsng_ehlo *caps,
                                    struct dsng_error *err);

/*
 * Parse `line` with dsng_cmd_parse (opts NULL = defaults) into cmd (NULL
 * when the caller does not need the parsed command) and run the decision
 * for its verb (EHLO/HELO/LHLO, MAIL, RCPT; RSET starts a new transaction;
 * anything else gets ACCEPT, rule "other").  When the command changed,
 * d->rewritten is the new line on mem (free it with talloc_free, or with
 * mem; no rewrite when mem is NULL).
 *
 * A line that does not parse returns the parser's code (DSNG_ESYNTAX or
 * DSNG_ELIMIT) with err filled, AND fills d as the refusal to send:
 * action REJECT, the parser's reply code, enhanced code and message,
 * syntax_error true, rule "syntax" (origin "parser").  The session is not
 * changed then.  Other returns: 0, DSNG_EINVAL, DSNG_ENOMEM.
 */
DSNG_API int dsng_policy_line(TALLOC_CTX *mem, struct dsng_decision *d,
                              struct dsng_cmd *cmd, const struct dsng_policy *p,
                              struct dsng_policy_session *s, const char *line,
                              size_t len, const struct dsng_cmd_opts *opts,
                              struct dsng_error *err);

#ifdef __cplusplus
}
#endif

#endif /* DSNG_POLICY_H */
