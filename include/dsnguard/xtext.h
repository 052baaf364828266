/*
 * dsnguard/xtext.h - RFC 3461 xtext (ENVID, ORCPT, AUTH=) and the RFC 6533
 * utf-8-addr-xtext / utf-8-addr-unitext forms of ORCPT=utf-8;...
 *
 * Decoders write into a caller buffer and never allocate: a decoded value
 * is never longer than its encoded form, so an output buffer of `len`
 * octets is always enough.  Errors carry the offset of the offending octet
 * in the encoded input and kind DSNG_ERR_BAD_XTEXT (reply 501 5.5.4).
 */
#ifndef DSNG_XTEXT_H
#define DSNG_XTEXT_H

#include <talloc.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Decode flags. */
/* Accept lower-case hex after '+' ("+2b"), as Postfix and sendmail do;
 * without it only the RFC's upper-case form is valid. */
#define DSNG_XTEXT_LOWER_HEX 0x1u
/* Refuse decoded control characters (< 0x20 and 0x7F): RFC 3461 wants
 * ENVID and ORCPT printable.  A decoded NUL is refused always. */
#define DSNG_XTEXT_PRINTABLE 0x2u
/* Refuse decoded octets above 0x7E: RFC 3461 wants ENVID and ORCPT (but
 * the utf-8 type) printable US-ASCII.  Used with DSNG_XTEXT_PRINTABLE. */
#define DSNG_XTEXT_ASCII 0x8u
/* RFC 6533 only: accept raw UTF-8 (utf-8-addr-unitext, needs SMTPUTF8);
 * without it only the ASCII utf-8-addr-xtext form is valid. */
#define DSNG_XTEXT_UNITEXT 0x4u

/* What a decoder saw, or-ed into *seen when seen is not NULL. */
#define DSNG_XTEXT_SEEN_LOWER_HEX 0x1u /* lower-case hex was decoded */
#define DSNG_XTEXT_SEEN_8BIT 0x2u      /* raw UTF-8 octets (unitext) */

/*
 * Decode RFC 3461 xtext `in`/`len` into out (out_size octets, at least
 * `len` is always enough; no NUL is added) and set *out_len.  Returns
 * DSNG_OK; DSNG_ESYNTAX with DSNG_ERR_BAD_XTEXT for a bad octet, a '+'
 * without two hex digits, lower-case hex without DSNG_XTEXT_LOWER_HEX, a
 * decoded NUL (or CTL with DSNG_XTEXT_PRINTABLE, or 8-bit octet with
 * DSNG_XTEXT_ASCII); DSNG_ELIMIT if out is
 * too small; DSNG_EINVAL for NULL pointers.
 */
DSNG_API int dsng_xtext_decode(char *out, size_t out_size, size_t *out_len,
                               const char *in, size_t len, unsigned flags,
                               unsigned *seen, struct dsng_error *err);

/*
 * The same, allocating: *out is a new NUL-terminated talloc child of mem
 * (the NUL is not counted in *out_len).  *out is NULL on error; nothing
 * is left on mem then.  Errors as dsng_xtext_decode, or DSNG_ENOMEM.
 */
DSNG_API int dsng_xtext_decode_talloc(TALLOC_CTX *mem, const char *in,
                                      size_t len, unsigned flags, char **out,
                                      size_t *out_len, struct dsng_error *err);

/*
 * Encode `len` octets as xtext: octets 33..126 except '+' and '=' as they
 * are, all others as "+XX" (upper-case hex).  Writes at most size-1 octets
 * and a NUL into buf (buf may be NULL when size is 0); returns the length
 * the whole encoding needs, without the NUL, like snprintf.
 */
DSNG_API size_t dsng_xtext_encode_buf(char *buf, size_t size, const char *in,
                                      size_t len);

/* The same as a new NUL-terminated talloc child of mem; NULL on ENOMEM. */
DSNG_API char *dsng_xtext_encode(TALLOC_CTX *mem, const char *in, size_t len);

/*
 * Decode an RFC 6533 utf-8-addr-xtext (or, with DSNG_XTEXT_UNITEXT,
 * utf-8-addr-unitext) into UTF-8.  "\x{HEX}" must use the restricted
 * HEXPOINT forms: 2 digits only for controls, SP, '+', '=', '\', DEL and
 * 0x80-0xFF, otherwise no leading zero, at most 10FFFF, no surrogates.
 * Hex digits may be either case (ABNF strings are case-insensitive).
 * Raw octets must be QCHARs (ASCII 33..126 but '+', '=', '\') or, with
 * UNITEXT, valid UTF-8.  Buffer contract, flags and errors as
 * dsng_xtext_decode (DSNG_XTEXT_PRINTABLE refuses decoded controls).
 */
DSNG_API int dsng_utf8_addr_decode(char *out, size_t out_size, size_t *out_len,
                                   const char *in, size_t len, unsigned flags,
                                   unsigned *seen, struct dsng_error *err);

/*
 * Encode valid UTF-8 as utf-8-addr-xtext (unitext = 0: every non-QCHAR as
 * "\x{HEX}", upper-case, shortest form) or utf-8-addr-unitext (unitext = 1:
 * non-ASCII kept raw).  snprintf-like as dsng_xtext_encode_buf; returns
 * (size_t)-1 when `in` is not valid UTF-8 (nothing useful written).
 */
DSNG_API size_t dsng_utf8_addr_encode_buf(char *buf, size_t size,
                                          const char *in, size_t len,
                                          int unitext);

/* The same as a new talloc string; NULL on ENOMEM or invalid UTF-8. */
DSNG_API char *dsng_utf8_addr_encode(TALLOC_CTX *mem, const char *in,
                                     size_t len, int unitext);

#ifdef __cplusplus
}
#endif

#endif /* DSNG_XTEXT_H */
