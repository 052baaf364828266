/*
 * dsnguard/addr.h - RFC 5321 paths (section 4.1.2): the reverse-path of
 * MAIL and the forward-path of RCPT, their mailboxes, quoted local parts,
 * source routes, domains and address literals (section 4.1.3), and the
 * RFC 6531 UTF-8 forms when SMTPUTF8 is in play.
 *
 * Nothing is allocated: struct dsng_path holds spans into the caller's
 * buffer, valid as long as it is.
 */
#ifndef DSNG_ADDR_H
#define DSNG_ADDR_H

#include <talloc.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A parsed RFC 5321 path, MAIL's reverse-path or RCPT's forward-path. */
struct dsng_path {
	struct dsng_span raw;     /* as sent, with '<' '>' when present */
	struct dsng_span mailbox; /* local@domain (or "Postmaster"), no route */
	struct dsng_span local;   /* local part as sent (quotes kept) */
	struct dsng_span domain;  /* domain or address literal; len 0 if none */
	struct dsng_span route;   /* "@a,@b" without the ':', len 0 if none */
	bool is_null;             /* <> */
	bool is_postmaster;       /* <Postmaster>, no domain (RCPT only) */
	bool has_utf8;            /* valid UTF-8 in the mailbox */
	bool unbracketed;         /* lenient: sent without <> */
};

/* Flags for dsng_addr_parse and dsng_addr_check_domain. */
/* RFC grammar to the letter: brackets required, RFC 5321 lengths. */
#define DSNG_ADDR_STRICT 0x1u
/* SMTPUTF8 is in play: UTF-8 (valid only) in local part and domain
 * (RFC 6531 section 3.3).  Without it an 8-bit octet is refused with
 * DSNG_ERR_NON_ASCII_ADDRESS, 553 5.6.7. */
#define DSNG_ADDR_UTF8 0x2u
/* A forward-path (RCPT): <Postmaster> allowed, <> refused (501 5.1.3),
 * errors say 5.1.3.  Without it, a reverse-path (MAIL): <> allowed,
 * errors say 5.1.7. */
#define DSNG_ADDR_RCPT 0x4u

/* What lenient mode accepted, or-ed into *lax (same bits as the
 * DSNG_CMD_LAX_* of cmd.h). */
#define DSNG_ADDR_LAX_NO_BRACKETS 0x20u
#define DSNG_ADDR_LAX_LONG 0x40u

/*
 * Length limits.  RFC 5321 4.5.3.1: local part 64, domain 255, path 256
 * octets (brackets and source route included).  Strict mode refuses
 * anything longer.  Lenient mode (the default) accepts local parts up to
 * 255 and paths up to 512 octets, because deployed MTAs take longer local
 * parts, and flags DSNG_ADDR_LAX_LONG; beyond those it refuses too.
 * Domain (255) and label (63) limits are the same in both modes.
 */
#define DSNG_ADDR_MAX_LOCAL 64
#define DSNG_ADDR_MAX_DOMAIN 255
#define DSNG_ADDR_MAX_PATH 256
#define DSNG_ADDR_MAX_LABEL 63
#define DSNG_ADDR_LAX_MAX_LOCAL 255
#define DSNG_ADDR_LAX_MAX_PATH 512

/*
 * Errors of both functions: DSNG_ESYNTAX with DSNG_ERR_SYNTAX (501 5.5.4:
 * missing '<' or '>', junk after '>'), DSNG_ERR_BAD_ADDRESS (501 5.1.7
 * for a reverse-path, 5.1.3 for a forward-path; 5.5.4 for a domain alone:
 * mailbox syntax, lengths), DSNG_ERR_NULL_PATH_NOT_ALLOWED (501 5.1.3),
 * DSNG_ERR_NON_ASCII_ADDRESS (553 5.6.7); err->offset at the culprit;
 * DSNG_EINVAL for NULL pointers.
 */

/* Parse all of buf/len as one path ("<>", "<Postmaster>" for RCPT,
 * "<[@route,...:]local@domain>", unbracketed when lenient) into *out,
 * spans into buf; or-s the lenient forms seen into *lax (may be NULL). */
DSNG_API int dsng_addr_parse(struct dsng_path *out, const char *buf, size_t len,
                             unsigned flags, unsigned *lax,
                             struct dsng_error *err);

/* Check that buf/len is exactly an RFC 5321 Domain or address-literal
 * ([IPv4], [IPv6:...], [tag:content]), as EHLO needs; DSNG_ADDR_UTF8
 * allows U-labels.  DSNG_OK or DSNG_ESYNTAX (bad_address, 501 5.5.4). */
DSNG_API int dsng_addr_check_domain(const char *buf, size_t len, unsigned flags,
                                    struct dsng_error *err);

#ifdef __cplusplus
}
#endif

#endif /* DSNG_ADDR_H */
