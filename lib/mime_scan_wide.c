/*
 * lib/mime_scan_wide.c - the long scans of lib/mime_scan.h with AVX2
 * where the CPU has it: 32 octets a compare instead of SSE2's 16.
 *
 * The library is built for baseline x86-64 (SSE2), so the AVX2 code is
 * compiled for its own function only (target attribute) and chosen at
 * run time: the first call reads the CPU's features once and stores the
 * answer; later calls load it.  The environment variable
 * DSNG_SCAN_BASELINE=1 keeps the SSE2 scans (the tests run both ways).
 *
 * "\n--" is found by comparing the octets at p, p + 1 and p + 2 with
 * LF, '-' and '-' and keeping the places where all three hold, so a
 * body of many short lines costs no branch per line.
 */
#include "mime_scan.h"

#if DSNG__SCAN_WIDE
#include <immintrin.h>
#include <stdlib.h>

/* -1 not yet known, 0 SSE2, 1 AVX2.  Every thread that resolves it
 * stores the same answer, so relaxed atomics are enough. */
static int wide = -1;

int dsng__scan_avx2(void)
{
	int w = __atomic_load_n(&wide, __ATOMIC_RELAXED);

	if (w < 0) {
		const char *e = getenv("DSNG_SCAN_BASELINE");

		__builtin_cpu_init();
		w = __builtin_cpu_supports("avx2") && !(e && *e == '1');
		__atomic_store_n(&wide, w, __ATOMIC_RELAXED);
	}
	return w;
}

__attribute__((target("avx2"))) static inline __m256i eq32(const char *p,
                                                           __m256i c)
{
	return _mm256_cmpeq_epi8(
	        _mm256_loadu_si256((const __m256i *)(const void *)p), c);
}

/* Bit k set: p[k..k+3) is "\n--", for k < 32 (reads p[0..34)). */
__attribute__((target("avx2"))) static inline __m256i
lf_dashes32(const char *p, __m256i lf, __m256i dash)
{
	return _mm256_and_si256(
	        _mm256_and_si256(eq32(p, lf), eq32(p + 1, dash)),
	        eq32(p + 2, dash));
}

__attribute__((target("avx2"))) size_t
dsng__find_lf_dashes_avx2(const char *s, size_t i, size_t n)
{
	const __m256i lf = _mm256_set1_epi8('\n'), dash = _mm256_set1_epi8('-');

	/* 64 octets a step, reading s[i..i+66) */
	for (; n - i >= 66; i += 64) {
		__m256i a = lf_dashes32(s + i, lf, dash);
		__m256i b = lf_dashes32(s + i + 32, lf, dash);
		__m256i ab = _mm256_or_si256(a, b);

		dsng__scan_prefetch(s + i);
		if (!_mm256_testz_si256(ab, ab)) {
			uint64_t m = (uint32_t)_mm256_movemask_epi8(a) |
			             (uint64_t)(uint32_t)_mm256_movemask_epi8(b)
			                     << 32;
			return i + (size_t)__builtin_ctzll(m) + 1;
		}
	}
	return dsng__find_lf_dashes_sse2(s, i, n);
}

size_t dsng__find_lf_dashes_long(const char *s, size_t i, size_t n)
{
	if (dsng__scan_avx2())
		return dsng__find_lf_dashes_avx2(s, i, n);
	return dsng__find_lf_dashes_sse2(s, i, n);
}
#endif
