/*
 * lib/mime_scan.h - the byte scans of the MIME reader: line ends, the
 * end of a header field name, and the next line that starts with "--".
 *
 * Header lines are short (most under 80 octets): a call to memchr per
 * line costs more in call and set-up than the scan itself, and a byte
 * loop over the name costs a compare and a branch per octet.  With SSE2
 * (every x86-64), inline: LFs sixteen octets a compare, gathered 64 at a
 * time into one mask (kept across the short lines of a header), names
 * sixteen octets a compare.  The last octets before n are tested as the
 * last 16 or 64 of s[0..n) when n is that long (s[0..n) is always
 * readable), so no octet past n is ever read.  Other machines take
 * memchr and byte loops.
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

#if defined(__SSE2__)
/* Bit k set: p[k] == ch, for k < 64. */
static inline uint64_t dsng__eq_mask64(const char *p, char ch)
{
	uint64_t a = dsng__eq16(p, ch), b = dsng__eq16(p + 16, ch),
	         c = dsng__eq16(p + 32, ch), d = dsng__eq16(p + 48, ch);

	return a | b << 16 | c << 32 | d << 48;
}

static inline uint64_t dsng__lf_mask64(const char *p)
{
	return dsng__eq_mask64(p, '\n');
}
#endif

/* The first ch in s[i..n), or n: inline, for the short runs between line
 * ends or quoted-printable escapes, where a memchr call costs more than
 * the scan. */
static inline size_t dsng__find_char(const char *s, size_t i, size_t n, char ch)
{
	const char *p;
#if defined(__SSE2__)
	uint64_t m;

	for (; n - i >= 64; i += 64)
		if ((m = dsng__eq_mask64(s + i, ch)) != 0)
			return i + (size_t)__builtin_ctzll(m);
	if (i == n)
		return n;
	if (n >= 64) {
		m = dsng__eq_mask64(s + n - 64, ch) >> (i - (n - 64));
		return m ? i + (size_t)__builtin_ctzll(m) : n;
	}
#endif
	p = memchr(s + i, ch, n - i);
	return p ? (size_t)(p - s) : n;
}

/* The first LF in s[i..n), or n. */
static inline size_t dsng__find_lf(const char *s, size_t i, size_t n)
{
	return dsng__find_char(s, i, n, '\n');
}

/* Where one octet stands in the last 64 octets loaded, so that a run of
 * short lines (a header, a field block) or of dense quoted-printable
 * escapes costs one load of 64 octets, not one per line or escape. */
struct dsng__char_cache {
	size_t base;   /* s[base..base+64) was loaded */
	uint64_t mask; /* where ch stands in it */
	int valid;
};

/* dsng__find_char through the cache c (zeroed before the first call;
 * the calls of one cache go forwards over the same s, n and ch). */
static inline size_t dsng__find_char_cached(const char *s, size_t i, size_t n,
                                            char ch, struct dsng__char_cache *c)
{
#if defined(__SSE2__)
	uint64_t m;

	if (c->valid && i - c->base < 64) {
		m = c->mask & (~(uint64_t)0 << (i - c->base));
		if (m)
			return c->base + (size_t)__builtin_ctzll(m);
		i = c->base + 64;
	}
	for (; n - i >= 64; i += 64)
		if ((m = dsng__eq_mask64(s + i, ch)) != 0) {
			c->base = i;
			c->mask = m;
			c->valid = 1;
			return i + (size_t)__builtin_ctzll(m);
		}
#else
	(void)c;
#endif
	return dsng__find_char(s, i, n, ch);
}

/* The first LF in s[i..n), through the cache c. */
static inline size_t dsng__find_lf_cached(const char *s, size_t i, size_t n,
                                          struct dsng__char_cache *c)
{
	return dsng__find_char_cached(s, i, n, '\n', c);
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

/*
 * How far ahead of a long scan to ask for the memory it will read.  The
 * hardware prefetcher alone does not keep up with the "\n--" scan on a
 * body larger than the cache: on a 2-core Xeon host it ran at 0.06-0.12
 * ns/octet on 50 MB against memchr's 0.037 over the same buffer, and a
 * software prefetch 4 KB ahead brought it to 0.036 (1 KB: 0.045; 8 KB
 * no better).  A prefetch past the end of the buffer is harmless: it
 * cannot fault.
 */
#define DSNG__SCAN_PREFETCH 4096

/* The prefetch for a scan at p; the address is formed as an integer
 * because a pointer that far past the buffer is undefined in C. */
static inline void dsng__scan_prefetch(const char *p)
{
	__builtin_prefetch((const void *)((uintptr_t)(const void *)p +
	                                  DSNG__SCAN_PREFETCH));
}

/* The first position q + 1 in s[i..n) such that s[q..q+3) is "\n--"
 * (q >= i), or n: the start of the next line after i that may be a
 * boundary delimiter.  The LFs of 64 octets at a time, then two octets
 * looked at per LF: a body full of '-' (rules, signatures, quoted
 * separators) costs no more than one without.  The SSE2 baseline, and
 * the tail of the AVX2 scan. */
static inline size_t dsng__find_lf_dashes_sse2(const char *s, size_t i,
                                               size_t n)
{
#if defined(__SSE2__)
	for (; n - i >= 66; i += 64) {
		uint64_t m = dsng__lf_mask64(s + i);

		dsng__scan_prefetch(s + i);
		while (m) {
			size_t q = i + (size_t)__builtin_ctzll(m);
			if (s[q + 1] == '-' && s[q + 2] == '-')
				return q + 1;
			m &= m - 1;
		}
	}
#endif
	for (; n - i >= 3; i++)
		if (s[i] == '\n' && s[i + 1] == '-' && s[i + 2] == '-')
			return i + 1;
	return n;
}

/*
 * A body's run to its next "\n--" is often long (a returned message, a
 * text part): on x86-64 compilers that take target attributes it goes to
 * lib/mime_scan_wide.c, which uses AVX2 when the CPU has it (chosen once,
 * at the first call; DSNG_SCAN_BASELINE=1 in the environment keeps
 * SSE2, which tests use to run both).  Short runs stay inline.
 */
#if defined(__x86_64__) && defined(__SSE2__) && defined(__GNUC__)
#define DSNG__SCAN_WIDE 1
#define DSNG__SCAN_WIDE_MIN 256
size_t dsng__find_lf_dashes_long(const char *s, size_t i, size_t n);
size_t dsng__find_lf_dashes_avx2(const char *s, size_t i, size_t n);
/* 1 when the wide scans use AVX2 (resolving the choice if needed). */
int dsng__scan_avx2(void);
#else
#define DSNG__SCAN_WIDE 0
#endif

static inline size_t dsng__find_lf_dashes(const char *s, size_t i, size_t n)
{
#if DSNG__SCAN_WIDE
	if (n - i >= DSNG__SCAN_WIDE_MIN)
		return dsng__find_lf_dashes_long(s, i, n);
#endif
	return dsng__find_lf_dashes_sse2(s, i, n);
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

/* d[0..n) = s[0..n) in ASCII lower case: eight octets a step, the last
 * eight of a longer run as such (they overlap what was written, with the
 * same octets). */
static inline void dsng__lower_copy(char *d, const char *s, size_t n)
{
	size_t i;
	uint64_t x;

	if (n >= 8) {
		for (i = 0; i + 8 < n; i += 8) {
			x = dsng__lower64(dsng__ld64u(s + i));
			memcpy(d + i, &x, 8);
		}
		x = dsng__lower64(dsng__ld64u(s + n - 8));
		memcpy(d + n - 8, &x, 8);
		return;
	}
	for (i = 0; i < n; i++)
		d[i] = (char)dsng__lower8((unsigned char)s[i]);
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
