/*
 * dsnguard/xtext.h - RFC 3461 xtext (ENVID, ORCPT, AUTH=) and the RFC 6533
 * utf-8-addr-xtext / utf-8-addr-unitext forms of ORCPT=utf-8;...
 *
 * The decoders write into a caller buffer and never allocate (except
 * dsng_xtext_decode_talloc); the encoders work like snprintf, with talloc
 * conveniences.  Nothing here keeps state.
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
 * Decoder errors (every decoder): DSNG_ESYNTAX with DSNG_ERR_BAD_XTEXT
 * (501 5.5.4) and err->offset at the offending octet of the encoded input;
 * DSNG_ELIMIT with DSNG_ERR_BAD_XTEXT and err->limit "out_size" when
 * out_size is too small (a decoded value is never longer than its encoded
 * form, so `len` octets always suffice); DSNG_EINVAL for NULL pointers.  A
 * decoded NUL is refused always.
 */

/* Decode RFC 3461 xtext in/len into the caller's out (out_size octets, no
 * NUL added; *out_len), or-ing DSNG_XTEXT_SEEN_* into *seen (may be NULL).
 * Refuses raw non-xchar octets, '+' without two hex digits, flagged cases. */
DSNG_API int dsng_xtext_decode(char *out, size_t out_size, size_t *out_len,
                               const char *in, size_t len, unsigned flags,
                               unsigned *seen, struct dsng_error *err);

/* The same into *out, a new NUL-terminated talloc child of mem (*out_len,
 * may be NULL, without the NUL).  On error *out is NULL and nothing is
 * left on mem; errors as dsng_xtext_decode, or DSNG_ENOMEM. */
DSNG_API int dsng_xtext_decode_talloc(TALLOC_CTX *mem, char **out,
                                      size_t *out_len, const char *in,
                                      size_t len, unsigned flags,
                                      struct dsng_error *err);

/* Encode len octets as xtext (33..126 but '+' and '=' as they are, others
 * "+XX" upper-case) into buf, snprintf-like: at most size-1 octets and a
 * NUL (buf may be NULL when size is 0); returns the length needed. */
DSNG_API size_t dsng_xtext_encode_buf(char *buf, size_t size, const char *in,
                                      size_t len);

/* The same as a new NUL-terminated talloc child of mem (the caller frees
 * it); NULL when out of memory. */
DSNG_API char *dsng_xtext_encode(TALLOC_CTX *mem, const char *in, size_t len);

/*
 * RFC 6533 utf-8-addr-xtext, and with DSNG_XTEXT_UNITEXT
 * utf-8-addr-unitext.  "\x{HEX}" must use the restricted HEXPOINT forms:
 * 2 digits only for controls, SP, '+', '=', '\', DEL and 0x80-0xFF,
 * otherwise no leading zero, at most 10FFFF, no surrogates; hex digits of
 * either case (ABNF strings are case-insensitive).  Raw octets must be
 * QCHARs (ASCII 33..126 but '+', '=', '\') or, with UNITEXT, valid UTF-8.
 */

/* Decode utf-8-addr-xtext/unitext into UTF-8 in the caller's out; buffer
 * contract, *seen and errors as dsng_xtext_decode (DSNG_XTEXT_PRINTABLE
 * refuses decoded controls, DSNG_XTEXT_UNITEXT allows raw UTF-8). */
DSNG_API int dsng_xtext_utf8_decode(char *out, size_t out_size, size_t *out_len,
                                    const char *in, size_t len, unsigned flags,
                                    unsigned *seen, struct dsng_error *err);

/* Encode valid UTF-8 as utf-8-addr-xtext (every non-QCHAR as "\x{HEX}",
 * upper-case, shortest) or, when unitext, utf-8-addr-unitext (non-ASCII
 * raw); snprintf-like; (size_t)-1 when in is not valid UTF-8. */
DSNG_API size_t dsng_xtext_utf8_encode_buf(char *buf, size_t size,
                                           const char *in, size_t len,
                                           bool unitext);

/* The same as a new NUL-terminated talloc child of mem (the caller frees
 * it); NULL when out of memory or in is not valid UTF-8. */
DSNG_API char *dsng_xtext_utf8_encode(TALLOC_CTX *mem, const char *in,
                                      size_t len, bool unitext);

#ifdef __cplusplus
}
#endif

#endif /* DSNG_XTEXT_H */
