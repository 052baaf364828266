/*
 * dsnguard/cmd.h - SMTP command lines (RFC 5321 4.1 and its extensions):
 * parse one line into a struct without allocating, and write it back.
 *
 * The parser fills a caller-owned struct dsng_cmd.  Spans point into the
 * caller's line and stay valid as long as it does; xtext-decoded values
 * (ENVID, ORCPT, AUTH) live in the struct's own decode buffer.
 *
 * struct dsng_cmd is versioned and caller-sized, unlike the results the
 * library allocates: it already grew once (BDAT, RRVS and the path offset
 * were added after its first layout), and the caller, not the library,
 * decides its size.  So it starts with `unsigned version` like the option
 * structs, new fields are only ever appended under a new DSNG_CMD_VERSION,
 * and the parser, the formatter and the policy write and read only the
 * fields of the version the caller set: a program built against older
 * headers keeps working with a newer library.  Initialise it once with
 * DSNG_CMD_INIT or dsng_cmd_init(); each parse then overwrites it.
 */
#ifndef DSNG_CMD_H
#define DSNG_CMD_H

#include <talloc.h>

#include "common.h"
#include "addr.h"

#ifdef __cplusplus
extern "C" {
#endif

enum dsng_verb {
	DSNG_VERB_UNKNOWN = 0,
	DSNG_VERB_HELO,
	DSNG_VERB_EHLO,
	DSNG_VERB_LHLO,
	DSNG_VERB_MAIL,
	DSNG_VERB_RCPT,
	DSNG_VERB_DATA,
	DSNG_VERB_BDAT,
	DSNG_VERB_RSET,
	DSNG_VERB_VRFY,
	DSNG_VERB_EXPN,
	DSNG_VERB_HELP,
	DSNG_VERB_NOOP,
	DSNG_VERB_QUIT,
	DSNG_VERB_STARTTLS,
	DSNG_VERB_AUTH,
	DSNG_VERB_ETRN,
	DSNG_VERB__COUNT
};

/* Upper-case name of a verb ("RCPT"), a static string; NULL for
 * DSNG_VERB_UNKNOWN and out-of-range values. */
DSNG_API const char *dsng_cmd_verb_name(enum dsng_verb verb);

/* The ESMTP parameters the parser understands; everything else is OTHER. */
enum dsng_param_kind {
	DSNG_PARAM_OTHER = 0,
	DSNG_PARAM_NOTIFY,      /* RFC 3461, RCPT */
	DSNG_PARAM_ORCPT,       /* RFC 3461, RCPT */
	DSNG_PARAM_RET,         /* RFC 3461, MAIL */
	DSNG_PARAM_ENVID,       /* RFC 3461, MAIL */
	DSNG_PARAM_SIZE,        /* RFC 1870, MAIL */
	DSNG_PARAM_BODY,        /* RFC 6152 / 3030, MAIL */
	DSNG_PARAM_SMTPUTF8,    /* RFC 6531, MAIL, no value */
	DSNG_PARAM_AUTH,        /* RFC 4954, MAIL */
	DSNG_PARAM_REQUIRETLS,  /* RFC 8689, MAIL, no value */
	DSNG_PARAM_MT_PRIORITY, /* RFC 6710, MAIL */
	DSNG_PARAM_BY,          /* RFC 2852, MAIL */
	DSNG_PARAM_HOLDFOR,     /* RFC 4865, MAIL */
	DSNG_PARAM_HOLDUNTIL,   /* RFC 4865, MAIL */
	DSNG_PARAM_RRVS,        /* RFC 7293, RCPT */
	DSNG_PARAM__COUNT
};

/* Upper-case keyword of a known parameter ("MT-PRIORITY"), static; NULL
 * for DSNG_PARAM_OTHER and out-of-range values. */
DSNG_API const char *dsng_cmd_param_name(enum dsng_param_kind kind);

/* The NOTIFY bits (DSNG_NOTIFY_*) and their writer are in common.h. */

enum dsng_ret { DSNG_RET_NONE = 0, DSNG_RET_FULL, DSNG_RET_HDRS };
enum dsng_body {
	DSNG_BODY_NONE = 0,
	DSNG_BODY_7BIT,
	DSNG_BODY_8BITMIME,
	DSNG_BODY_BINARYMIME
};

/* One parameter as sent.  A policy may set `removed` or point `value` at
 * new text before dsng_cmd_format() writes the command back. */
struct dsng_param {
	enum dsng_param_kind kind;
	struct dsng_span keyword; /* as sent (case kept) */
	struct dsng_span value;   /* as sent, without '='; ptr NULL if no '=' */
	size_t offset;            /* offset of the keyword in the line */
	bool removed;             /* set by callers; the formatter skips it */
};

/* struct dsng_path (the parsed MAIL/RCPT path) lives in addr.h. */

/* Non-canonical forms accepted in lenient mode; refused in strict mode. */
#define DSNG_CMD_LAX_SPACE_AFTER_COLON 0x01u /* MAIL FROM: <a@b> */
#define DSNG_CMD_LAX_MULTI_SPACE 0x02u       /* runs of spaces, TAB */
#define DSNG_CMD_LAX_LOWER_HEX 0x04u         /* xtext +2b */
#define DSNG_CMD_LAX_TRAILING_SPACE 0x08u    /* space before CRLF */
#define DSNG_CMD_LAX_EMPTY_NOTIFY_ITEM 0x10u /* NOTIFY=SUCCESS,,FAILURE */
#define DSNG_CMD_LAX_NO_BRACKETS 0x20u       /* MAIL FROM:a@b */
#define DSNG_CMD_LAX_LONG_ADDRESS 0x40u      /* over the RFC 5321 lengths */
#define DSNG_CMD_LAX_NO_CRLF 0x80u           /* line given without CRLF */
/* HELO/EHLO/LHLO argument that is not a Domain or address literal
 * ("EHLO my_pc"); clients send such names and servers take them. */
#define DSNG_CMD_LAX_BAD_HELO 0x100u
/* DSNG_CMD_LAX_NO_CRLF is recorded but refused in no mode: callers often
 * strip the CRLF before parsing, and framing is theirs to check. */

/*
 * Fixed limits of a command line (no option changes them).  Each is
 * refused with DSNG_ELIMIT and err->limit naming it, given in quotes:
 *   DSNG_CMD_MAX_PARAMS      parameters per line ("max_params"; kind
 *                            too_many_params); params[] has this size
 *   DSNG_CMD_DECODE_MAX      octets of xtext-decoded values per line, the
 *                            size of decoded[]; a value's encoded length
 *                            is checked against the room left
 *                            ("max_decoded"; kind of that parameter)
 *   DSNG_CMD_MAX_ORCPT_LEN   ORCPT value as sent, RFC 3461 section 4.2
 *                            ("max_orcpt_len"; bad_orcpt)
 *   DSNG_CMD_MAX_ENVID_LEN   ENVID once decoded, RFC 3461 section 4.4
 *                            ("max_envid_len"; bad_envid)
 */
#define DSNG_CMD_MAX_PARAMS 32
#define DSNG_CMD_DECODE_MAX 1024
#define DSNG_CMD_MAX_ORCPT_LEN 500
#define DSNG_CMD_MAX_ENVID_LEN 100

#define DSNG_CMD_VERSION 1

/* One parsed command line.  Version 1 has every field below; a later
 * version only appends fields at the end. */
struct dsng_cmd {
	unsigned version; /* DSNG_CMD_VERSION (set by the caller) */
	enum dsng_verb verb;
	struct dsng_span verb_text; /* as sent */
	struct dsng_span arg;       /* HELO/EHLO/LHLO: the domain; other verbs
	                               but MAIL/RCPT: rest of the line (len 0
	                               and ptr NULL when none) */
	uint64_t bdat_size;         /* BDAT chunk size */
	bool bdat_last;             /* BDAT ... LAST */
	struct dsng_path path;      /* MAIL and RCPT */
	size_t path_offset;         /* offset of the path in the line */

	size_t n_params;
	struct dsng_param params[DSNG_CMD_MAX_PARAMS];

	/* Decoded values of the parameters the parser knows. */
	unsigned notify; /* DSNG_NOTIFY_* bits, 0 = absent */
	bool has_orcpt;
	struct dsng_span orcpt_type; /* addr-type as sent ("rfc822") */
	struct dsng_span orcpt_addr; /* decoded (xtext / RFC 6533) */
	enum dsng_ret ret;
	bool has_envid;
	struct dsng_span envid; /* decoded */
	bool has_size;
	uint64_t size;
	enum dsng_body body;
	bool smtputf8;
	bool requiretls;
	bool has_auth;
	struct dsng_span auth; /* decoded AUTH= mailbox, "<>" kept */
	bool has_mt_priority;
	int mt_priority; /* -9 .. 9 */
	bool has_by;
	long by_time;  /* seconds, may be negative for mode N */
	char by_mode;  /* 'N' or 'R' */
	bool by_trace; /* 'T' given */
	bool has_holdfor;
	uint64_t holdfor; /* seconds */
	bool has_holduntil;
	struct dsng_span holduntil; /* RFC 3339 date-time as sent */
	bool has_rrvs;
	struct dsng_span rrvs; /* RRVS date-time as sent */
	char rrvs_mode;        /* 'C', 'R' or 0 when not given */

	unsigned lax; /* DSNG_CMD_LAX_* seen on this line */

	size_t decoded_len; /* bytes of decoded[] in use */
	char decoded[DSNG_CMD_DECODE_MAX];
};

/* The empty command of the current version, every field listed in order
 * (valid C and C++11, quiet under -Wmissing-field-initializers). */
#define DSNG_CMD_INIT                                                          \
	{                                                                      \
		DSNG_CMD_VERSION, DSNG_VERB_UNKNOWN, {NULL, 0}, {NULL, 0}, 0,  \
		        false, {{NULL, 0}, {NULL, 0}, {NULL, 0},               \
		                {NULL, 0}, {NULL, 0}, false,                   \
		                false,     false,     false},                  \
		        0, 0,                                                  \
		        {{DSNG_PARAM_OTHER, {NULL, 0}, {NULL, 0}, 0, false}},  \
		        0, false, {NULL, 0}, {NULL, 0}, DSNG_RET_NONE, false,  \
		        {NULL, 0}, false, 0, DSNG_BODY_NONE, false, false,     \
		        false, {NULL, 0}, false, 0, false, 0, 0, false, false, \
		        0, false, {NULL, 0}, false, {NULL, 0}, 0, 0, 0, ""     \
	}

/* Set *cmd to the empty command of that version (1..DSNG_CMD_VERSION).
 * Returns 0, or DSNG_EINVAL (cmd NULL, version unknown; cmd untouched). */
DSNG_API int dsng_cmd_init(struct dsng_cmd *cmd, unsigned version);

#define DSNG_CMD_OPTS_VERSION 1
/* Default line limit, CRLF included.  RFC 5321 4.5.3.1.4 gives 512 and lets
 * extensions raise it; RFC 3461 adds room for ORCPT (500) and ENVID (100),
 * and Postfix accepts 2048 by default, which we follow so nothing a
 * widely deployed MTA accepts is refused here. */
#define DSNG_CMD_DEFAULT_MAX_LINE 2048
#define DSNG_CMD_MAX_LINE_CEILING 65536

/* Strict mode: the RFC 5321/3461 grammar to the letter. */
#define DSNG_CMD_STRICT 0x1u
/* SMTPUTF8 is in play: UTF-8 mailboxes are allowed even without the
 * SMTPUTF8 parameter on this line (RCPT after MAIL ... SMTPUTF8). */
#define DSNG_CMD_UTF8 0x2u

struct dsng_cmd_opts {
	unsigned version; /* DSNG_CMD_OPTS_VERSION */
	unsigned flags;   /* DSNG_CMD_STRICT, DSNG_CMD_UTF8 */
	size_t max_line;  /* octets incl. CRLF, 3..DSNG_CMD_MAX_LINE_CEILING;
	                     0 = DSNG_CMD_DEFAULT_MAX_LINE */
};

/* The defaults: lenient, 2048-octet lines. */
#define DSNG_CMD_OPTS_INIT                                                     \
	{                                                                      \
		DSNG_CMD_OPTS_VERSION, 0, DSNG_CMD_DEFAULT_MAX_LINE            \
	}

/* Set *opts to the defaults of that version (1..DSNG_CMD_OPTS_VERSION).
 * Returns 0, or DSNG_EINVAL (opts NULL, version unknown; opts untouched). */
DSNG_API int dsng_cmd_opts_init(struct dsng_cmd_opts *opts, unsigned version);

/*
 * What dsng_cmd_parse refuses.  err->kind says which rule, err->reply and
 * err->enhanced the reply to send, err->offset where:
 *   empty, unknown_command: 500 5.5.1, offset 0;
 *   line_too_long (DSNG_ELIMIT, err->limit "max_line", offset
 *   max_line - 2), nul_byte, bare_cr_lf: 500 5.5.2; these win over any
 *   grammar error on the same line;
 *   syntax: 501 5.5.4;
 *   bad_address: 501 5.1.7 for MAIL, 5.1.3 for RCPT;
 *   null_path_not_allowed: 501 5.1.3;
 *   non_ascii_address: 553 5.6.7, at the first 8-bit octet;
 *   param_not_allowed: 555 5.5.4, at the parameter's keyword;
 *   bad_param, duplicate_param: 501 5.5.4, at the keyword;
 *   too_many_params (DSNG_ELIMIT, err->limit "max_params": more than
 *   DSNG_CMD_MAX_PARAMS): 501 5.5.4, at the keyword;
 *   bad_notify, bad_orcpt, bad_ret, bad_envid, bad_size, bad_body,
 *   bad_auth, bad_by, bad_mt_priority, bad_hold: 501 5.5.4, at the value
 *   or the bad item in it (DSNG_ELIMIT for an ORCPT over 500 octets as
 *   sent, err->limit "max_orcpt_len"; an ENVID over 100 decoded,
 *   "max_envid_len"; decoded values over DSNG_CMD_DECODE_MAX,
 *   "max_decoded");
 *   bad_xtext: 501 5.5.4, at the offending '+' or octet.
 * Checks run left to right, so the first problem in the line is reported;
 * only framing errors and MAIL's non-ASCII path (SMTPUTF8 may follow it)
 * are decided after the rest of the line.  Every DSNG_ELIMIT error names
 * its limit in err->limit: the options field ("max_line") or the fixed
 * limit above.  doc/LIMITS.md lists every limit of the library.
 *
 * Lenient mode (the default) accepts, and records in cmd->lax, each
 * DSNG_CMD_LAX_* form; DSNG_CMD_STRICT refuses them (except NO_CRLF).
 * Neither mode accepts RFC 5322 comments or display names, a space before
 * the colon ("FROM :"), a parameter glued to '>', or raw '=' in xtext:
 * deployed MTAs disagree on those, so the RFC grammar decides.  A decoded
 * NUL or control character is refused in ENVID, ORCPT and AUTH, a decoded
 * 8-bit octet in ENVID and ORCPT (RFC 3461 wants printable US-ASCII;
 * ORCPT=utf-8 excepted).
 */

/* Parse one line of len octets (CRLF optional) into the caller's *out, of
 * version 1..DSNG_CMD_VERSION, spans borrowed from line; opts NULL =
 * defaults.  DSNG_OK, ESYNTAX, ELIMIT, or EINVAL (then out untouched). */
DSNG_API int dsng_cmd_parse(struct dsng_cmd *out, const char *line, size_t len,
                            const struct dsng_cmd_opts *opts,
                            struct dsng_error *err);

/* The first parameter of a kind that is not removed, inside cmd (which
 * the caller may change); NULL if none, cmd NULL or of unknown version. */
DSNG_API struct dsng_param *dsng_cmd_find_param(struct dsng_cmd *cmd,
                                                enum dsng_param_kind kind);

/* Write a command back canonically: verb and keywords upper-case,
 * "FROM:<...>"/"TO:<...>", single spaces, values as sent, removed
 * parameters skipped, no CRLF.  New talloc child of mem; NULL on ENOMEM. */
DSNG_API char *dsng_cmd_format(TALLOC_CTX *mem, const struct dsng_cmd *cmd);

/* The same into buf, NUL-terminated when size > 0; returns the length it
 * needs without the NUL, like snprintf (0 and "" for a NULL cmd or one of
 * unknown version), so a short buffer can be retried. */
DSNG_API size_t dsng_cmd_format_buf(char *buf, size_t size,
                                    const struct dsng_cmd *cmd);

#ifdef __cplusplus
}
#endif

#endif /* DSNG_CMD_H */
