/*
 * lib/addr_int.h - the address scanner the command parser drives.  The
 * character classes it uses are the base's (chars.h).
 */
#ifndef DSNG_ADDR_INT_H
#define DSNG_ADDR_INT_H

#include "chars.h"

/* Internal flag: 8-bit octets are accepted if valid UTF-8 and reported
 * in first_8bit; the caller decides later (MAIL ... SMTPUTF8 comes after
 * the path). */
#define DSNG__ADDR_UTF8_LATER 0x100u

struct dsng__addr_scan {
	size_t next;       /* offset just past the path */
	size_t first_8bit; /* offset of the first 8-bit octet, if has_utf8 */
	unsigned lax;      /* DSNG_ADDR_LAX_* */
};

/*
 * Parse the path starting at line[pos] (line has `end` octets), stopping
 * after '>' (or, unbracketed, before SP/TAB/end).  Offsets in err count
 * from `line`.  Errors as dsng_addr_parse.
 */
int dsng__addr_scan(struct dsng_path *out, const char *line, size_t pos,
                    size_t end, unsigned flags, struct dsng__addr_scan *st,
                    struct dsng_error *err);

/* Length of the Domain (dot-separated LDH labels, U-labels with
 * DSNG_ADDR_UTF8/_LATER) starting at s[0]; 0 if none.  *bad is set to the
 * offset of the first octet that breaks a label rule, or to (size_t)-1;
 * *first8 (initialised by the caller) to the first 8-bit octet's. */
size_t dsng__addr_domain(const char *s, size_t n, unsigned flags, size_t *bad,
                         size_t *first8);

#if defined(__SSE2__)
/* Masks of the 16 octets at p, shifted down by sh: LDH-or-dot octets
 * (returned), dots and hyphens. */
static inline unsigned dsng__ldh16(const unsigned char *p, unsigned sh,
                                   unsigned *dot, unsigned *hy)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i f = _mm_or_si128(x, _mm_set1_epi8(0x20));
	__m128i ld = _mm_or_si128(
	        _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)),
	                      _mm_cmplt_epi8(x, _mm_set1_epi8('9' + 1))),
	        _mm_and_si128(_mm_cmpgt_epi8(f, _mm_set1_epi8('a' - 1)),
	                      _mm_cmplt_epi8(f, _mm_set1_epi8('z' + 1))));
	__m128i d = _mm_cmpeq_epi8(x, _mm_set1_epi8('.'));
	__m128i h = _mm_cmpeq_epi8(x, _mm_set1_epi8('-'));

	*dot = (unsigned)_mm_movemask_epi8(d) >> sh;
	*hy = (unsigned)_mm_movemask_epi8(h) >> sh;
	return (unsigned)_mm_movemask_epi8(
	               _mm_or_si128(ld, _mm_or_si128(d, h))) >>
	       sh;
}

/* dsng__ldh16 of the 16 octets from s[i], or of the line's last 16
 * (e >= 16) shifted into place when fewer are left: octets at and past
 * e read as none of the three. */
static inline unsigned dsng__ldh16_at(const unsigned char *s, size_t i,
                                      size_t e, unsigned *dot, unsigned *hy)
{
	if (e - i >= 16)
		return dsng__ldh16(s + i, 0, dot, hy);
	return dsng__ldh16(s + e - 16, (unsigned)(16 - (e - i)), dot, hy);
}
#endif

/*
 * The usual Domain at s[ds] (e octets in s) in one or two 16-octet
 * loads: the length n (1..31) of its run of LDH octets and dots when the
 * label rules hold over it (no dot or hyphen first or last, no two dots
 * together, no hyphen next to a dot: then each label is 1..31 octets),
 * 0 when the run is longer, breaks a rule, or e < 16 (the label loop
 * decides).  s[ds + n] is then the first octet that is neither, or n ==
 * e - ds.  Without SSE2 always 0.
 */
static inline size_t dsng__addr_domain_wide(const unsigned char *s, size_t ds,
                                            size_t e)
{
#if defined(__SSE2__)
	unsigned in, dot, hy, in2, dot2, hy2;
	uint32_t m;
	size_t n;

	if (e < 16 || ds >= e)
		return 0;
	in = dsng__ldh16_at(s, ds, e, &dot, &hy);
	if (in == 0xffffu) {
		if (e - ds == 16) /* a HELO name of 16 ends the line */
			in2 = dot2 = hy2 = 0;
		else
			in2 = dsng__ldh16_at(s, ds + 16, e, &dot2, &hy2);
		in |= in2 << 16;
		dot |= dot2 << 16;
		hy |= hy2 << 16;
		if (in == 0xffffffffu)
			return 0; /* 32 octets or more */
	}
	n = (size_t)__builtin_ctz(~in);
	if (n == 0)
		return 0;
	m = (uint32_t)(((uint64_t)1 << n) - 1);
	dot &= m;
	hy &= m;
	/* one test for all the rules: they are rare to break */
	if ((((dot | hy) & (1u | 1u << (n - 1))) | (dot & (dot >> 1)) |
	     (hy & ((dot >> 1) | (dot << 1)))) != 0)
		return 0;
	return n;
#else
	(void)s, (void)ds, (void)e;
	return 0;
#endif
}

/* 1 if s/n is a valid address-literal including its brackets. */
int dsng__addr_literal(const char *s, size_t n);

#endif /* DSNG_ADDR_INT_H */
