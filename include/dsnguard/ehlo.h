/*
 * dsnguard/ehlo.h - EHLO/LHLO replies (RFC 5321 4.1.1.1) as a capability
 * set, and the writer that gives the reply back with chosen keywords
 * hidden (what a server or proxy does when policy hides DSN):
 *
 *   ehlo-ok-rsp = "250-" Domain [ SP ehlo-greet ] CRLF
 *                 *( "250-" ehlo-line CRLF ) "250" SP ehlo-line CRLF
 *   ehlo-line   = ehlo-keyword *( SP ehlo-param )
 *   ehlo-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
 *   ehlo-param  = 1*(%d33-126)
 *
 * Also accepted: the legacy "AUTH=LOGIN PLAIN" line, runs of spaces,
 * trailing spaces, repeated keywords.
 */
#ifndef DSNG_EHLO_H
#define DSNG_EHLO_H

#include <talloc.h>

#include "common.h"
#include "reply.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The keywords this part decodes; everything else is OTHER. */
enum dsng_ehlo_kw {
	DSNG_EHLO_KW_OTHER = 0,
	DSNG_EHLO_KW_DSN,                 /* RFC 3461 */
	DSNG_EHLO_KW_SIZE,                /* RFC 1870, [limit] */
	DSNG_EHLO_KW_AUTH,                /* RFC 4954, mechanisms */
	DSNG_EHLO_KW_PIPELINING,          /* RFC 2920 */
	DSNG_EHLO_KW_8BITMIME,            /* RFC 6152 */
	DSNG_EHLO_KW_SMTPUTF8,            /* RFC 6531 */
	DSNG_EHLO_KW_CHUNKING,            /* RFC 3030 */
	DSNG_EHLO_KW_BINARYMIME,          /* RFC 3030 */
	DSNG_EHLO_KW_STARTTLS,            /* RFC 3207 */
	DSNG_EHLO_KW_ENHANCEDSTATUSCODES, /* RFC 2034 */
	DSNG_EHLO_KW_DELIVERBY,           /* RFC 2852, [min-by-time] */
	DSNG_EHLO_KW_REQUIRETLS,          /* RFC 8689 */
	DSNG_EHLO_KW_MT_PRIORITY,         /* RFC 6710, [profile] */
	DSNG_EHLO_KW_FUTURERELEASE, /* RFC 4865, max-interval max-datetime */
	DSNG_EHLO_KW_ETRN,          /* RFC 1985 */
	DSNG_EHLO_KW_VRFY,          /* RFC 5321 */
	DSNG_EHLO_KW_HELP,          /* RFC 5321 */
	DSNG_EHLO_KW_RRVS,          /* RFC 7293 */
	DSNG_EHLO_KW_EXPN,          /* RFC 5321 */
	DSNG_EHLO_KW__COUNT
};

/* Bit of a known keyword in struct dsng_ehlo.flags and in hide masks. */
#define DSNG_EHLO_FLAG(kw) (1u << (kw))
#define DSNG_EHLO_F_DSN DSNG_EHLO_FLAG(DSNG_EHLO_KW_DSN)
#define DSNG_EHLO_F_SIZE DSNG_EHLO_FLAG(DSNG_EHLO_KW_SIZE)
#define DSNG_EHLO_F_AUTH DSNG_EHLO_FLAG(DSNG_EHLO_KW_AUTH)
#define DSNG_EHLO_F_PIPELINING DSNG_EHLO_FLAG(DSNG_EHLO_KW_PIPELINING)
#define DSNG_EHLO_F_8BITMIME DSNG_EHLO_FLAG(DSNG_EHLO_KW_8BITMIME)
#define DSNG_EHLO_F_SMTPUTF8 DSNG_EHLO_FLAG(DSNG_EHLO_KW_SMTPUTF8)
#define DSNG_EHLO_F_CHUNKING DSNG_EHLO_FLAG(DSNG_EHLO_KW_CHUNKING)
#define DSNG_EHLO_F_BINARYMIME DSNG_EHLO_FLAG(DSNG_EHLO_KW_BINARYMIME)
#define DSNG_EHLO_F_STARTTLS DSNG_EHLO_FLAG(DSNG_EHLO_KW_STARTTLS)
#define DSNG_EHLO_F_ENHANCEDSTATUSCODES                                        \
	DSNG_EHLO_FLAG(DSNG_EHLO_KW_ENHANCEDSTATUSCODES)
#define DSNG_EHLO_F_DELIVERBY DSNG_EHLO_FLAG(DSNG_EHLO_KW_DELIVERBY)
#define DSNG_EHLO_F_REQUIRETLS DSNG_EHLO_FLAG(DSNG_EHLO_KW_REQUIRETLS)
#define DSNG_EHLO_F_MT_PRIORITY DSNG_EHLO_FLAG(DSNG_EHLO_KW_MT_PRIORITY)
#define DSNG_EHLO_F_FUTURERELEASE DSNG_EHLO_FLAG(DSNG_EHLO_KW_FUTURERELEASE)
#define DSNG_EHLO_F_ETRN DSNG_EHLO_FLAG(DSNG_EHLO_KW_ETRN)
#define DSNG_EHLO_F_VRFY DSNG_EHLO_FLAG(DSNG_EHLO_KW_VRFY)
#define DSNG_EHLO_F_HELP DSNG_EHLO_FLAG(DSNG_EHLO_KW_HELP)
#define DSNG_EHLO_F_RRVS DSNG_EHLO_FLAG(DSNG_EHLO_KW_RRVS)
#define DSNG_EHLO_F_EXPN DSNG_EHLO_FLAG(DSNG_EHLO_KW_EXPN)

/* The upper-case name of a known keyword ("MT-PRIORITY"), a static
 * string; NULL for DSNG_EHLO_KW_OTHER or out of range. */
DSNG_API const char *dsng_ehlo_kw_name(enum dsng_ehlo_kw kw);

/* The known keyword spelled by p[0..len) in any case, else
 * DSNG_EHLO_KW_OTHER (also for a NULL p). */
DSNG_API enum dsng_ehlo_kw dsng_ehlo_kw_lookup(const char *p, size_t len);

/* One capability line after the greeting. */
struct dsng_ehlo_cap {
	enum dsng_ehlo_kw kw;
	char *keyword; /* upper-case ("AUTH" also for "AUTH=...") */
	size_t n_params;
	char **params;    /* as sent, in order */
	bool legacy_auth; /* written "AUTH=MECH ..." (pre-RFC 2554 form) */
	size_t line;      /* index in the reply's lines (1 = first cap) */
	bool removed;     /* set by callers; the writer skips it */
};

struct dsng_ehlo {
	int code;       /* always 250 for a parsed capability set */
	char *domain;   /* first word of line 1 */
	char *greeting; /* the rest of line 1 after its spaces ("" if none) */
	size_t n_caps;
	struct dsng_ehlo_cap **caps; /* in order, repeats kept */
	uint32_t flags; /* DSNG_EHLO_F_* of every known keyword present */

	/* Decoded values (the first occurrence wins). */
	uint64_t size; /* SIZE limit; 0 = absent or no fixed limit */
	size_t n_auth;
	char **auth;        /* AUTH mechanisms of every AUTH line, upper-case,
	                       each once, in order */
	long deliverby_min; /* DELIVERBY min-by-time, 0 if none given */
	char *mt_priority_profile; /* MT-PRIORITY profile, NULL if none */
	uint64_t futurerelease_max_interval; /* seconds; 0 if absent */
	char *futurerelease_max_datetime;    /* as sent; NULL if absent */

	struct dsng_reply *reply; /* the reply it came from (child) */
};

/*
 * Errors of dsng_ehlo_parse and dsng_ehlo_hide: those of dsng_reply_parse
 * (reply.h; opts as there, NULL = defaults), and DSNG_ESYNTAX with
 * DSNG_ERR_BAD_EHLO for a reply code other than 250 (err->reply holds the
 * server's code, err->offset 0), a missing domain, a malformed keyword or
 * parameter, or a known keyword with a bad value (SIZE abc), err->offset
 * at the culprit.
 */

/* Parse a whole EHLO or LHLO reply into *out, a new talloc child of mem
 * (free with talloc_free) that owns copies of everything.  On error *out
 * is NULL and nothing is left on mem. */
DSNG_API int dsng_ehlo_parse(TALLOC_CTX *mem, struct dsng_ehlo **out,
                             const char *buf, size_t len,
                             const struct dsng_reply_opts *opts,
                             struct dsng_error *err);

/* Whether a keyword (any case) is advertised and not marked removed;
 * false for NULL arguments. */
DSNG_API bool dsng_ehlo_has(const struct dsng_ehlo *caps, const char *keyword);

/* The first capability with that keyword (any case) not marked removed,
 * inside caps; NULL if none or for NULL arguments. */
DSNG_API const struct dsng_ehlo_cap *
dsng_ehlo_find(const struct dsng_ehlo *caps, const char *keyword);

/* Whether AUTH offers that mechanism (any case); false for NULL
 * arguments. */
DSNG_API bool dsng_ehlo_has_auth(const struct dsng_ehlo *caps,
                                 const char *mechanism);

/* Write the original lines' text as sent instead of canonical lines. */
#define DSNG_EHLO_FORMAT_VERBATIM 0x1u

/*
 * What the writers leave out: every capability whose known-keyword bit
 * is in `hide`, whose keyword is in the NULL-terminated list
 * `hide_keywords` (any case; may be NULL), or that is marked removed.  The
 * greeting line always stays, so hiding everything gives a one-line "250
 * domain greeting"; the final "250 " moves to the last line kept.
 */

/* Write the reply back, "250-" lines and a final "250 ", each with CRLF,
 * without the hidden capabilities; lines "KEYWORD param ...", or as sent
 * with DSNG_EHLO_FORMAT_VERBATIM.  New talloc child of mem; NULL on ENOMEM. */
DSNG_API char *dsng_ehlo_format(TALLOC_CTX *mem, const struct dsng_ehlo *caps,
                                uint32_t hide, const char *const *hide_keywords,
                                unsigned flags);

/* Parse raw reply bytes (as a milter or proxy has them) and write them back
 * verbatim without the hidden keywords: *out (NUL-terminated, *out_len may
 * be NULL) is a new talloc child of mem, NULL on error; errors as parse. */
DSNG_API int dsng_ehlo_hide(TALLOC_CTX *mem, char **out, size_t *out_len,
                            const char *buf, size_t len, uint32_t hide,
                            const char *const *hide_keywords,
                            const struct dsng_reply_opts *opts,
                            struct dsng_error *err);

#ifdef __cplusplus
}
#endif

#endif /* DSNG_EHLO_H */
