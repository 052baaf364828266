/*
 * tests/test_mime_scan.c - the wide scans of lib/mime_scan.h against
 * plain byte loops: every input length up to 140, every start,
 * the octet looked for at every place (or nowhere, or twice), every
 * input placed to end at a PROT_NONE page so that reading one octet past
 * it faults.  8-bit octets, controls and ':' stand in for the octets a
 * name may not hold.  The eight-octet case-insensitive compare of field
 * names against the byte loop, for every octet at every place.
 */
#include <stdlib.h>

#include "dsng_test.h"
#include "mime_scan.h"

#define MAXN 140

static size_t slow_lf(const char *s, size_t i, size_t n)
{
	while (i < n && s[i] != '\n')
		i++;
	return i;
}

static size_t slow_char(const char *s, size_t i, size_t n, char c)
{
	while (i < n && s[i] != c)
		i++;
	return i;
}

static size_t slow_ftext(const char *s, size_t i, size_t n)
{
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 32 || c >= 127 || c == ':')
			break;
		i++;
	}
	return i;
}

static size_t slow_dashes(const char *s, size_t i, size_t n)
{
	for (; i + 3 <= n; i++)
		if (s[i] == '\n' && s[i + 1] == '-' && s[i + 2] == '-')
			return i + 1;
	return n;
}

/* The baseline and the AVX2 scans for "\n--" called directly (the
 * inline one takes them only for long runs); the AVX2 one when the CPU
 * has it. */
static void check_dashes_wide(const char *g, const char *buf, size_t i,
                              size_t n)
{
	size_t want = slow_dashes(buf, i, n);

	if (dsng__find_lf_dashes_sse2(g, i, n) != want)
		fail_msg("find_lf_dashes_sse2 n=%zu i=%zu", n, i);
#if DSNG__SCAN_WIDE
	if (dsng__find_lf_dashes_long(g, i, n) != want)
		fail_msg("find_lf_dashes_long n=%zu i=%zu", n, i);
	if (__builtin_cpu_supports("avx2") &&
	    dsng__find_lf_dashes_avx2(g, i, n) != want)
		fail_msg("find_lf_dashes_avx2 n=%zu i=%zu", n, i);
#endif
}

/* Every start i of a guarded copy of buf[0..n). */
static void check_all(const char *buf, size_t n)
{
	const char *g = dsng_test_guard(buf, n);
	size_t i;

	{
		/* line by line through one cache, as a header is read */
		struct dsng__char_cache c = {0, 0, 0};
		size_t at = 0;
		while (at < n) {
			size_t e = dsng__find_lf_cached(g, at, n, &c);
			if (e != slow_lf(buf, at, n))
				fail_msg("find_lf_cached n=%zu at=%zu", n, at);
			at = e + 1 + (e % 3 == 0); /* a skip now and then */
		}
	}
	{
		/* escape by escape through one cache, as quoted-printable
		 * is decoded */
		struct dsng__char_cache c = {0, 0, 0};
		size_t at = 0;
		while (at < n) {
			size_t e = dsng__find_char_cached(g, at, n, ':', &c);
			if (e != slow_char(buf, at, n, ':'))
				fail_msg("find_char_cached n=%zu at=%zu", n,
				         at);
			at = e + 1 + (e % 2 == 0);
		}
	}
	for (i = 0; i <= n; i++) {
		if (dsng__find_lf(g, i, n) != slow_lf(buf, i, n))
			fail_msg("find_lf n=%zu i=%zu", n, i);
		if (dsng__ftext_end(g, i, n) != slow_ftext(buf, i, n))
			fail_msg("ftext_end n=%zu i=%zu", n, i);
		if (dsng__find_lf_dashes(g, i, n) != slow_dashes(buf, i, n))
			fail_msg("find_lf_dashes n=%zu i=%zu", n, i);
		check_dashes_wide(g, buf, i, n);
		if (dsng__find_char(g, i, n, ':') != slow_char(buf, i, n, ':'))
			fail_msg("find_char n=%zu i=%zu", n, i);
	}
	dsng_test_guard_free(g);
}

/* The octet c at place k (and, when k2 < n, at k2 too) of n name
 * octets. */
static void place(size_t n, size_t k, size_t k2, const char *c, size_t clen)
{
	char buf[MAXN + 4];
	size_t j;

	for (j = 0; j < n; j++)
		buf[j] = (char)('a' + j % 26);
	if (k < n)
		memcpy(buf + k, c, k + clen <= n ? clen : n - k);
	if (k2 < n)
		memcpy(buf + k2, c, k2 + clen <= n ? clen : n - k2);
	check_all(buf, n);
}

static void scans_agree(void **state)
{
	/* what ends a line, a name, or starts a delimiter line */
	static const char *const stops[] = {"\n",   ":",    " ",    "\t",
	                                    "\r",   "\x7f", "\x80", "\xff",
	                                    "\x01", "\n--", "\n-",  "-\n--"};
	size_t s, n, k, stride = dsng_test_stride();

	(void)state;
	for (s = 0; s < sizeof(stops) / sizeof(stops[0]); s++)
		for (n = 0; n <= MAXN; n++) {
			place(n, n, n, "", 0); /* none */
			for (k = 0; k < n; k += stride) {
				place(n, k, n, stops[s], strlen(stops[s]));
				place(n, k, (k * 7 + 5) % (n + 1), stops[s],
				      strlen(stops[s]));
			}
		}
}

/* Random octets with many of the stops: agrees with the loops. */
static void random_bytes(void **state)
{
	static const char pick[] = "\n-:\r a\x80\x7f";
	char buf[MAXN];
	unsigned seed = 12345;
	int round, rounds = (int)(3000 / dsng_test_stride());

	(void)state;
	for (round = 0; round < rounds; round++) {
		size_t n = (size_t)round % (MAXN + 1), j;
		for (j = 0; j < n; j++) {
			seed = seed * 1103515245u + 12345u;
			buf[j] = pick[(seed >> 16) % (sizeof(pick) - 1)];
		}
		check_all(buf, n);
	}
}

/* A long line goes on past the sixteen-octet loop into memchr. */
static void long_lines(void **state)
{
	static char buf[4096];
	size_t k;

	(void)state;
	memset(buf, 'x', sizeof(buf));
	for (k = 0; k < sizeof(buf); k += 97) {
		const char *g;
		buf[k] = '\n';
		g = dsng_test_guard(buf, sizeof(buf));
		assert_int_equal(dsng__find_lf(g, 0, sizeof(buf)), k);
		assert_int_equal(dsng__ftext_end(g, 0, sizeof(buf)), k);
		assert_int_equal(dsng__find_lf(g, k + 1, sizeof(buf)),
		                 sizeof(buf));
		dsng_test_guard_free(g);
		buf[k] = 'x';
	}
}

/* Runs of thousands of octets to the next "\n--" (the wide scans'
 * share): the delimiter at every place of a 4 KB body of short lines,
 * with lone LFs, "\n-" and "-\n-" about it, from several starts. */
static void long_dashes(void **state)
{
	static char buf[4096];
	size_t k, j, step = 13 * dsng_test_stride();

	(void)state;
	for (j = 0; j < sizeof(buf); j++)
		buf[j] = j % 41 == 0 ? '\n' : j % 41 == 1 ? '-' : 'x';
	for (k = 0; k + 3 <= sizeof(buf); k += step) {
		const char *g;
		char save[3];
		memcpy(save, buf + k, 3);
		memcpy(buf + k, "\n--", 3);
		g = dsng_test_guard(buf, sizeof(buf));
		for (j = 0; j < 300; j += 37) {
			size_t want = slow_dashes(buf, j, sizeof(buf));
			if (dsng__find_lf_dashes(g, j, sizeof(buf)) != want)
				fail_msg("find_lf_dashes k=%zu j=%zu", k, j);
			check_dashes_wide(g, buf, j, sizeof(buf));
		}
		if (k > 0)
			assert_true(dsng__find_lf_dashes(g, 0, sizeof(buf)) <=
			            k + 1);
		dsng_test_guard_free(g);
		memcpy(buf + k, save, 3);
	}
#if DSNG__SCAN_WIDE
	print_message("wide scans: %s\n",
	              dsng__scan_avx2() ? "AVX2" : "SSE2 baseline");
#endif
}

static int slow_ieq(const char *p, const char *lw, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		if (c != (unsigned char)lw[i])
			return 0;
	}
	return 1;
}

/* Every octet at every place of names of 1..24 octets against a
 * lower-case word: equal exactly when the byte loop says so (the octets
 * next to the letters' ranges, '@' '[' '`' '{', and 8-bit ones that
 * fold to letters in their low seven bits are the traps). */
static void name_ieq_exact(void **state)
{
	static const char word[] = "content-transfer-encodin";
	char name[32], lw[32];
	size_t n, k;
	unsigned c;

	(void)state;
	for (n = 1; n < sizeof(word); n++) {
		memcpy(lw, word, n);
		for (k = 0; k < n; k++)
			for (c = 0; c < 256; c++) {
				memcpy(name, word, n);
				name[k] = (char)c;
				if (dsng__name_ieq(name, lw, n) !=
				    slow_ieq(name, lw, n))
					fail_msg("name_ieq n=%zu k=%zu c=%u", n,
					         k, c);
				name[k] = (char)(c ^ 0x20);
				lw[k] = (char)c;
				if (dsng__name_ieq(name, lw, n) !=
				    slow_ieq(name, lw, n))
					fail_msg("name_ieq n=%zu k=%zu c=%u "
					         "(word)",
					         n, k, c);
				lw[k] = word[k];
			}
		/* upper case matches */
		for (k = 0; k < n; k++)
			name[k] = (char)(word[k] >= 'a' && word[k] <= 'z'
			                         ? word[k] - 32
			                         : word[k]);
		assert_true(dsng__name_ieq(name, lw, n));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(scans_agree),
	        cmocka_unit_test(random_bytes),
	        cmocka_unit_test(long_lines),
	        cmocka_unit_test(long_dashes),
	        cmocka_unit_test(name_ieq_exact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
