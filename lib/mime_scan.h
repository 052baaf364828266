/*
 * lib/mime_scan.h - the byte scans of the MIME reader: line ends, the
 * end of a header field name, and the next line that starts with "--".
 *
 * Header lines are short (most under 80 octets): a call to memchr per
 * line costs more in call and set-up than the scan itself, and a byte
 * loop over the name costs a compare and a branch per octet.  Sixteen
 * octets a compare with SSE2 (every x86-64), inline; the last 1..15
 * octets before n are tested as the last sixteen of s[0..n) when n >= 16
 * (s[0..n) is always readable), so no octet past n is ever read.  Other
 * machines take memchr and byte loops.
 */
#ifndef DSNG_MIME_SCAN_H
#define DSNG_MIME_SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#if defined(__SSE2__)
static inline __m128i dsng__ld128(const char *p)
{
	return _mm_loadu_si128((const __m128i *)(const void *)p);
}

/* Bit k set: p[k] == c. */
static inline unsigned dsng__eq16(const char *p, char c)
{
	return (unsigned)_mm_movemask_epi8(
	        _mm_cmpeq_epi8(dsng__ld128(p), _mm_set1_epi8(c)));
}
#endif

/* The first LF in s[i..n), or n.  Past 64 octets a line is long (a body
 * line, a base64 run) and memchr's wider loop wins. */
static inline size_t dsng__find_lf(const char *s, size_t i, size_t n)
{
	const char *p;
#if defined(__SSE2__)
	size_t stop = n - i > 64 ? i + 64 : n;
	unsigned m;

	for (; stop - i >= 16; i += 16)
		if ((m = dsng__eq16(s + i, '\n')) != 0)
			return i + (size_t)__builtin_ctz(m);
	if (stop == n) {
		if (i == n)
			return n;
		if (n >= 16) {
			m = dsng__eq16(s + n - 16, '\n') >> (i - (n - 16));
			return m ? i + (size_t)__builtin_ctz(m) : n;
		}
	}
#endif
	p = memchr(s + i, '\n', n - i);
	return p ? (size_t)(p - s) : n;
}

/* An octet of a field name (RFC 5322 ftext): 33..126 but ':'. */
static inline int dsng__is_ftext(unsigned char c)
{
	return c > 32 && c < 127 && c != ':';
}

#if defined(__SSE2__)
/* Bit k set: p[k] is not ftext.  Signed compares: 8-bit octets are
 * negative and fall below 33. */
static inline unsigned dsng__ftext_out16(const char *p)
{
	__m128i x = dsng__ld128(p);
	__m128i ok = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(32)),
	                           _mm_cmplt_epi8(x, _mm_set1_epi8(127)));

	ok = _mm_andnot_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(':')), ok);
	return (unsigned)_mm_movemask_epi8(ok) ^ 0xffffu;
}
#endif

/* The first octet in s[i..n) that is not ftext, or n: where a field name
 * ends. */
static inline size_t dsng__ftext_end(const char *s, size_t i, size_t n)
{
#if defined(__SSE2__)
	unsigned m;

	for (; n - i >= 16; i += 16)
		if ((m = dsng__ftext_out16(s + i)) != 0)
			return i + (size_t)__builtin_ctz(m);
	if (i == n)
		return n;
	if (n >= 16) {
		m = dsng__ftext_out16(s + n - 16) >> (i - (n - 16));
		return m ? i + (size_t)__builtin_ctz(m) : n;
	}
#endif
	while (i < n && dsng__is_ftext((unsigned char)s[i]))
		i++;
	return i;
}

/* The first position q + 1 in s[i..n) such that s[q..q+3) is "\n--"
 * (q >= i), or n: the start of the next line after i that may be a
 * boundary delimiter.  One pass with the three compares side by side:
 * a body full of '-' (rules, signatures, quoted separators) no longer
 * costs a memchr call per dash. */
static inline size_t dsng__find_lf_dashes(const char *s, size_t i, size_t n)
{
#if defined(__SSE2__)
	for (; n - i >= 18; i += 16) {
		unsigned m = dsng__eq16(s + i, '\n') &
		             dsng__eq16(s + i + 1, '-') &
		             dsng__eq16(s + i + 2, '-');
		if (m)
			return i + (size_t)__builtin_ctz(m) + 1;
	}
#endif
	for (; n - i >= 3; i++)
		if (s[i] == '\n' && s[i + 1] == '-' && s[i + 2] == '-')
			return i + 1;
	return n;
}

/*
 * ASCII lower case of eight octets at once: an octet is upper case when
 * its low seven bits are 'A'..'Z' and its top bit is clear; adding
 * 0x80 - 'A' (and 0x80 - 'Z' - 1) to the seven bits sets bit 7 exactly
 * when they reach 'A' (pass 'Z'), with no carry into the next octet.
 */
static inline uint64_t dsng__lower64(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101u, top = ones * 0x80;
	uint64_t low7 = x & ~top;
	uint64_t upper = (low7 + ones * (0x80 - 'A')) &
	                 ~(low7 + ones * (0x80 - 'Z' - 1)) & ~x & top;

	return x | (upper >> 2);
}

static inline uint64_t dsng__ld64u(const char *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
	return x;
}

static inline unsigned char dsng__lower8(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* n octets at p equal the lower-case word lw (n octets), ignoring ASCII
 * case, exactly for any octets: eight a compare, the last eight of a
 * longer name compared as such. */
static inline int dsng__name_ieq(const char *p, const char *lw, size_t n)
{
	size_t i;

	if (n >= 8) {
		for (i = 0; i + 8 < n; i += 8)
			if (dsng__lower64(dsng__ld64u(p + i)) !=
			    dsng__ld64u(lw + i))
				return 0;
		return dsng__lower64(dsng__ld64u(p + n - 8)) ==
		       dsng__ld64u(lw + n - 8);
	}
	for (i = 0; i < n; i++)
		if (dsng__lower8((unsigned char)p[i]) != (unsigned char)lw[i])
			return 0;
	return 1;
}

#endif /* DSNG_MIME_SCAN_H */
