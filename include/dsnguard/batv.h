/*
 * dsnguard/batv.h - Bounce Address Tag Validation, the "prvs" scheme of
 * draft-levine-smtp-batv-01: the envelope senders of the mail we send
 * carry a signed tag, so the bounces that come back can be checked.
 *
 * A signed envelope sender looks like
 *
 *     prvs=KDDDSSSSSS=local@domain
 *
 * K is the key number (one digit), DDD the day the tag expires (days since
 * 1970-01-01 UTC, modulo 1000) and SSSSSS the first three bytes of
 * HMAC-SHA1(key, "KDDD" + "local@domain") in hex.  A bounce to such an
 * address answers mail we really sent; a bounce to an untagged or badly
 * tagged address of ours is backscatter.
 *
 * Case: MTAs may change the case of an address on its way back, so the
 * "prvs" label and the hex digits are matched case-insensitively (sign
 * writes lower-case hex), and by default the hash covers the address
 * folded to lower case (local part and domain).  For an all-lower-case
 * address that is exactly the draft's hash, so tags interoperate with
 * other implementations; DSNG_BATV_EXACT_CASE hashes the bytes as given
 * instead, for peers that sign mixed-case addresses verbatim.
 *
 * Order: the draft puts the tag first (prvs=TAG=local@domain).  Some
 * earlier implementations wrote prvs=local=TAG@domain; verify accepts that
 * order too (the verdict says so) unless DSNG_BATV_NO_LEGACY is set.  The
 * draft order wins when both readings are possible.
 *
 * Verification: the key whose number is the tag's K digit is used; the
 * tag is valid through its expiry day and for at most opts->days ahead of
 * today (day numbers wrap modulo 1000, so "expired" and "too far ahead"
 * are the same); the hash is compared in constant time.
 *
 * Time is always a parameter, never read from the clock, so results are
 * reproducible.  Nothing here keeps state; keys are borrowed.  Options may
 * be NULL for the defaults (which load no key); options of an unknown
 * version are refused with DSNG_EINVAL.
 */
#ifndef DSNG_BATV_H
#define DSNG_BATV_H

#include <time.h>

#include <talloc.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Default validity of a new tag, and accepted window on verify, in days. */
#define DSNG_BATV_DEFAULT_DAYS 7
/* The tag's day field is modulo 1000, so a window must stay well below. */
#define DSNG_BATV_MAX_DAYS 500

/* One secret.  number is the K digit (0..9) that selects it on verify;
 * several keys may be loaded so old tags keep verifying after a rotation. */
struct dsng_batv_key {
	unsigned number;             /* 0..9 */
	const unsigned char *secret; /* borrowed, any bytes */
	size_t secret_len;           /* > 0 */
};

/* Flags for dsng_batv_opts.flags. */
#define DSNG_BATV_EXACT_CASE 0x1u /* hash the address as given, no folding */
#define DSNG_BATV_NO_LEGACY 0x2u  /* refuse the old prvs=local=TAG order */

#define DSNG_BATV_OPTS_VERSION 1

/* Keys and knobs for sign and verify.  Versioned (common.h): start from
 * DSNG_BATV_OPTS_INIT or dsng_batv_opts_init, then set keys; the struct
 * only borrows them. */
struct dsng_batv_opts {
	unsigned version;                 /* DSNG_BATV_OPTS_VERSION */
	const struct dsng_batv_key *keys; /* borrowed array */
	size_t n_keys;
	unsigned sign_key; /* key number sign uses (default 0) */
	unsigned days;     /* sign: tag lifetime; verify: accepted window
	                      (1..DSNG_BATV_MAX_DAYS, default 7) */
	unsigned flags;    /* DSNG_BATV_* flags, default none */
};

#define DSNG_BATV_OPTS_INIT                                                    \
	{                                                                      \
		DSNG_BATV_OPTS_VERSION, NULL, 0, 0, DSNG_BATV_DEFAULT_DAYS, 0  \
	}

/* Set *opts to the defaults (no keys, sign_key 0, 7 days, no flags) at
 * that version (DSNG_BATV_OPTS_VERSION).  Returns 0, or DSNG_EINVAL (opts
 * NULL, version 0 or newer than the library's; *opts untouched). */
DSNG_API int dsng_batv_opts_init(struct dsng_batv_opts *opts, unsigned version);

/* Outcome of a verification, also its stable name (dsng_batv_result_name). */
enum dsng_batv_result {
	DSNG_BATV_VALID = 0,  /* matches a loaded key and has not expired */
	DSNG_BATV_NOT_TAGGED, /* no "prvs=" tag at all */
	DSNG_BATV_MALFORMED,  /* "prvs=" present, the tag is not KDDDSSSSSS */
	DSNG_BATV_NO_KEY,     /* no loaded key has the tag's key number */
	DSNG_BATV_BAD_HASH,   /* the hash does not match (forged, tampered) */
	DSNG_BATV_EXPIRED,    /* the hash matches, the day is out of window */
};

/* "valid", "not_tagged", "malformed", "no_key", "bad_hash", "expired";
 * "unknown" out of range.  Static. */
DSNG_API const char *dsng_batv_result_name(enum dsng_batv_result r);

/* A tag taken apart.  Spans point into the caller's input and are valid as
 * long as it is. */
struct dsng_batv_tag {
	struct dsng_span tag_val; /* the ten characters KDDDSSSSSS */
	struct dsng_span local;   /* original local part (without the tag) */
	struct dsng_span domain;  /* original domain; ptr NULL when none */
	unsigned key_number;      /* K */
	unsigned day;             /* DDD, 0..999 */
	unsigned char hash[3];    /* SSSSSS as bytes */
	bool legacy_order;        /* written prvs=local=TAG@domain */
};

#define DSNG_BATV_VERDICT_VERSION 1

/* What verify found.  Filled on every outcome as far as it got; spans point
 * into the input.  Versioned (it may learn more about a tag): initialise
 * it with DSNG_BATV_VERDICT_INIT or dsng_batv_verdict_init; verify writes
 * only the fields of its version. */
struct dsng_batv_verdict {
	unsigned version; /* DSNG_BATV_VERDICT_VERSION */
	enum dsng_batv_result result;
	struct dsng_batv_tag tag; /* valid unless NOT_TAGGED/MALFORMED */
	int days_left;            /* days until expiry (0 = last day); negative
	                             when expired; 0 when not computed */
};

#define DSNG_BATV_VERDICT_INIT                                                 \
	{                                                                      \
		DSNG_BATV_VERDICT_VERSION, DSNG_BATV_NOT_TAGGED,               \
		        {{NULL, 0}, {NULL, 0}, {NULL, 0}, 0,                   \
		         0,         {0, 0, 0}, false},                         \
		        0                                                      \
	}

/* Set *v to "not tagged" at that version.  0, or DSNG_EINVAL (NULL,
 * unknown version; *v untouched). */
DSNG_API int dsng_batv_verdict_init(struct dsng_batv_verdict *v,
                                    unsigned version);

/* Take a tagged address (local@domain, no angle brackets) apart into
 * *out without checking the hash; spans point into addr, no allocation.
 * Errors: DSNG_EVERIFY kind DSNG_ERR_BATV_FORMAT (no or malformed tag),
 * DSNG_EINVAL. */
DSNG_API int dsng_batv_parse(struct dsng_batv_tag *out, const char *addr,
                             size_t len, unsigned flags,
                             struct dsng_error *err);

/* Sign an envelope sender: *out = "prvs=KDDDSSSSSS=local@domain", a new
 * string on mem, with key opts->sign_key, expiring opts->days after now's
 * day (a tagged address is re-signed over its original).  Errors (*out
 * NULL): DSNG_EINVAL (NULL, empty, "<>", no '@', bad options),
 * DSNG_ENOTFOUND kind DSNG_ERR_BATV_NO_KEY, DSNG_ENOMEM. */
DSNG_API int dsng_batv_sign(TALLOC_CTX *mem, char **out, const char *addr,
                            size_t len, time_t now,
                            const struct dsng_batv_opts *opts,
                            struct dsng_error *err);

/* Verify a tagged envelope recipient (a bounce's RCPT TO, no brackets) at
 * now into *out (may be NULL; always filled as far as it got).  Returns 0
 * when valid, else DSNG_EVERIFY with kind DSNG_ERR_BATV_FORMAT, _NO_KEY,
 * _BAD_HASH or _EXPIRED as out->result says; DSNG_EINVAL.  No allocation. */
DSNG_API int dsng_batv_verify(struct dsng_batv_verdict *out, const char *addr,
                              size_t len, time_t now,
                              const struct dsng_batv_opts *opts,
                              struct dsng_error *err);

/* The original address of a tagged one ("local@domain" without the tag)
 * in *out, a new string on mem; an untagged address is copied unchanged;
 * nothing is verified.  Errors: DSNG_EINVAL, DSNG_ENOMEM (*out NULL). */
DSNG_API int dsng_batv_strip(TALLOC_CTX *mem, char **out, const char *addr,
                             size_t len, struct dsng_error *err);

/* Read a key into *out: "[N:]hex:0123...", "[N:]text:..." or a bare
 * string (text); N (one digit) is the key number, else default_number.
 * out->secret is a new buffer on mem.  Errors: DSNG_ESYNTAX kind
 * DSNG_ERR_BAD_VALUE with the offset, DSNG_EINVAL, DSNG_ENOMEM. */
DSNG_API int dsng_batv_key_parse(TALLOC_CTX *mem, struct dsng_batv_key *out,
                                 const char *text, size_t len,
                                 unsigned default_number,
                                 struct dsng_error *err);

#ifdef __cplusplus
}
#endif

#endif /* DSNG_BATV_H */
