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
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

/* The 4 or 8 octets at p as one word (unaligned; memcpy is one load). */
static inline uint32_t dsng__ld32(const void *p)
{
	uint32_t x;

	memcpy(&x, p, 4);
	return x;
}

static inline uint64_t dsng__ld64(const void *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
	return x;
}

/*
 * Offset of the first octet at or after s[i] below lim (1..0x80), or n;
 * 8-bit octets are never below.  Eight octets a step: (x - lim...) & ~x
 * & 0x80... flags the octets below lim, and its lowest flag is exact (a
 * borrow only runs upwards from a flagged octet), so the first one is
 * found with a count of trailing zeros.
 */
static inline size_t dsng__find_below(const unsigned char *s, size_t i,
                                      size_t n, unsigned lim)
{
	const uint64_t ones = 0x0101010101010101u;

	while (n - i >= 8) {
		uint64_t x = dsng__ld64(s + i);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		x = __builtin_bswap64(x); /* s[i] in the low octet */
#endif
		uint64_t t = (x - ones * lim) & ~x & ones * 0x80;

		if (t)
			return i + (size_t)(__builtin_ctzll(t) >> 3);
		i += 8;
	}
	while (i < n && s[i] >= lim)
		i++;
	return i;
}

/* The first octet at or after s[i] that is SP or below (SP, TAB, any
 * control), or n: where an esmtp-value ends at the latest. */
static inline size_t dsng__skip_above_sp(const unsigned char *s, size_t i,
                                         size_t n)
{
	return dsng__find_below(s, i, n, 0x21);
}

/*
 * Like dsng__ieq for n >= 4, four octets a compare: bit 5 is ignored at
 * every position, which folds case where w has a letter and elsewhere
 * lets the octet 0x20 away from w's match too.  For the digits, '-' and
 * ';' of the words compared that octet is a control, so this is exact
 * over esmtp-keyword octets, and for any p when w has only letters.
 */
static inline int dsng__ieq_w(const char *p, const char *w, size_t n)
{
	size_t i;

	for (i = 0; i + 4 < n; i += 4)
		if ((dsng__ld32(p + i) ^ dsng__ld32(w + i)) & 0xdfdfdfdfu)
			return 0;
	return ((dsng__ld32(p + n - 4) ^ dsng__ld32(w + n - 4)) &
	        0xdfdfdfdfu) == 0;
}

/*
 * Zero n octets at p, n >= 16 and a constant: sixteen-octet stores (the
 * last one overlapping), which the loop unrolls to.  gcc turns a memset
 * of a few hundred octets into `rep stos`, which pays a start-up of tens
 * of cycles (and callgrind counts each of its eight-octet steps); the
 * parsers reset a couple of hundred octets of fields on every line.
 */
static inline void dsng__zero(void *p, size_t n)
{
	char *d = (char *)p;
	size_t k;

#if defined(__SSE2__)
	const __m128i z = _mm_setzero_si128();

#pragma GCC unroll 16
	for (k = 0; k + 16 < n; k += 16)
		_mm_storeu_si128((__m128i *)(void *)(d + k), z);
	_mm_storeu_si128((__m128i *)(void *)(d + n - 16), z);
#else
	const uint64_t z = 0;

	for (k = 0; k + 8 < n; k += 8)
		memcpy(d + k, &z, 8);
	memcpy(d + n - 8, &z, 8);
#endif
}

/* Octet c is in one of the classes cls (DSNG__C_* bits). */
static inline int dsng__is(unsigned char c, unsigned cls)
{
	return (dsng__cclass[c] & cls) != 0;
}

/*
 * Offset of the first octet at or after s[i] (i <= n) that is not in
 * class cls, or n.  cls must be one DSNG__C_* bit.  Four octets a step:
 * their class bytes ANDed say whether all four are in (exact for one
 * bit), and when not, the first one out is picked from the four already
 * loaded; only the last 0..3 octets go one by one.  The scanners spend
 * most of their time in such runs (atext, LDH, keywords, xchars).
 */
static inline size_t dsng__skip(const unsigned char *s, size_t i, size_t n,
                                unsigned cls)
{
	while (n - i >= 4) {
		unsigned a = dsng__cclass[s[i]] & cls;
		unsigned b = dsng__cclass[s[i + 1]] & cls;
		unsigned c = dsng__cclass[s[i + 2]] & cls;
		unsigned d = dsng__cclass[s[i + 3]] & cls;

		if (!(a & b & c & d))
			return i + (!a ? 0 : !b ? 1 : !c ? 2 : 3);
		i += 4;
	}
	while (i < n && (dsng__cclass[s[i]] & cls))
		i++;
	return i;
}

/*
 * dsng__skip for esmtp-keyword octets (ALPHA / DIGIT / '-'), xchars and
 * atext, sixteen octets a compare where SSE2 is there (every x86-64); the
 * last 1..15 octets before n are tested as the last sixteen of s[0..n)
 * when n >= 16, so only short inputs go through dsng__skip.  Signed byte
 * compares: 8-bit octets are negative and fall out of every range.  For
 * atext the keyword test is the wide one (letters, digits and '-' are
 * most of a local part); dsng__skip goes on where that stopped on one of
 * atext's other octets.
 */
#if defined(__SSE2__)
/* Bit k set: s[k] is not in the wide class of cls. */
static inline unsigned dsng__wide_out(const unsigned char *s, unsigned cls)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
	__m128i ok;

	if (cls == DSNG__C_XCHAR) {
		ok = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(0x20)),
		                   _mm_cmplt_epi8(x, _mm_set1_epi8(0x7f)));
		ok = _mm_andnot_si128(
		        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('+')),
		                     _mm_cmpeq_epi8(x, _mm_set1_epi8('='))),
		        ok);
	} else { /* DSNG__C_KEY, and atext's letters, digits and '-' */
		__m128i f = _mm_or_si128(x, _mm_set1_epi8(0x20));

		ok = _mm_or_si128(
		        _mm_and_si128(
		                _mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)),
		                _mm_cmplt_epi8(x, _mm_set1_epi8('9' + 1))),
		        _mm_and_si128(
		                _mm_cmpgt_epi8(f, _mm_set1_epi8('a' - 1)),
		                _mm_cmplt_epi8(f, _mm_set1_epi8('z' + 1))));
		ok = _mm_or_si128(ok, _mm_cmpeq_epi8(x, _mm_set1_epi8('-')));
	}
	return (unsigned)_mm_movemask_epi8(ok) ^ 0xffffu;
}

static inline size_t dsng__skip_wide(const unsigned char *s, size_t i, size_t n,
                                     unsigned cls)
{
	unsigned out;

	for (; n - i >= 16; i += 16)
		if ((out = dsng__wide_out(s + i, cls)) != 0)
			goto stop;
	if (i == n)
		return n;
	if (n < 16)
		return dsng__skip(s, i, n, cls);
	out = dsng__wide_out(s + n - 16, cls) >> (i - (n - 16));
	if (!out)
		return n;
stop:
	i += (size_t)__builtin_ctz(out);
	if (cls != DSNG__C_ATEXT || !(dsng__cclass[s[i]] & cls))
		return i; /* exact for KEY and XCHAR */
	return dsng__skip(s, i, n, cls);
}
#else
#define dsng__skip_wide dsng__skip
#endif

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
