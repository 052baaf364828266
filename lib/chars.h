/*
 * lib/chars.h - the base the text parsers share (part "base"): the
 * character classes of RFC 5321 and RFC 3461 as one table, ASCII upper
 * case, hex digits and strict UTF-8 sequences.  xtext, addr and cmd all
 * include this file; none of them includes another part's private header
 * for these.  Never installed.
 */
#ifndef DSNG_CHARS_H
#define DSNG_CHARS_H

#include <stddef.h>
#include <stdint.h>

#include "dsng_private.h"

/* Character classes, one bit each, indexed by octet. */
#define DSNG__C_ATEXT 0x01u  /* RFC 5321 atext */
#define DSNG__C_LETDIG 0x02u /* ALPHA / DIGIT */
#define DSNG__C_QTEXT 0x04u  /* qtextSMTP */
#define DSNG__C_DCONT 0x08u  /* dcontent of a general address literal */
#define DSNG__C_VALUE 0x10u  /* esmtp-value: 33..60, 62..126 */
#define DSNG__C_KEY 0x20u    /* esmtp-keyword: ALPHA / DIGIT / '-' */
#define DSNG__C_SPACE 0x40u  /* SP, TAB */
#define DSNG__C_XCHAR 0x80u  /* xtext xchar: 33..126 but '+' and '=' */
extern const unsigned char dsng__cclass[256];

/* ASCII upper case of every octet (other octets unchanged). */
extern const unsigned char dsng__upper[256];

/* n octets at p equal the upper-case word w, ignoring ASCII case. */
static inline int dsng__ieq(const char *p, const char *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (dsng__upper[(unsigned char)p[i]] != (unsigned char)w[i])
			return 0;
	return 1;
}

/* Octet c is in one of the classes cls (DSNG__C_* bits). */
static inline int dsng__is(unsigned char c, unsigned cls)
{
	return (dsng__cclass[c] & cls) != 0;
}

/* Value of an upper-case hex digit, or of a lower-case one when `lower`;
 * -1 otherwise. */
static inline int dsng__hexval(unsigned char c, int lower)
{
	if (!lower && c >= 'a' && c <= 'f')
		return -1;
	return dsng__hex(c);
}

/*
 * Length (2..4) of the well-formed UTF-8 sequence of a non-ASCII lead
 * octet at p (n octets available), with its code point in *cp; 0 when it
 * is not well-formed (overlong, surrogate, > 10FFFF, truncated).
 */
size_t dsng__utf8_seq(const unsigned char *p, size_t n, uint32_t *cp);

#endif /* DSNG_CHARS_H */
