/*
 * tests/test_cidr.c - trusted-network table: address and CIDR parsing,
 * IPv4-mapped IPv6, /0 /32 /128, overlapping and adjacent ranges, and a
 * table of 10,000 random prefixes checked against a linear scan.
 */
#include "dsng_test.h"
#include "policy_int.h"

static void addr(const char *text, unsigned char out[16])
{
	int family;

	assert_int_equal(dsng__ip_parse(text, strlen(text), out, &family), 0);
}

static void add(TALLOC_CTX *mem, struct dsng__cidr_table *t, const char *c)
{
	struct dsng__range r;
	size_t col;
	const char *why;

	assert_int_equal(dsng__cidr_parse(c, strlen(c), &r, &col, &why), 0);
	assert_int_equal(dsng__cidr_add(mem, t, &r), 0);
}

static int match(const struct dsng__cidr_table *t, const char *a)
{
	unsigned char b[16];

	addr(a, b);
	return dsng__cidr_match(t, b);
}

static void test_ipv4_prefixes(void **state)
{
	struct dsng__cidr_table t = {0};

	add(*state, &t, "192.0.2.0/24");
	add(*state, &t, "198.51.100.7/32");
	add(*state, &t, "203.0.113.9");
	dsng__cidr_finish(&t);
	assert_true(match(&t, "192.0.2.0"));
	assert_true(match(&t, "192.0.2.255"));
	assert_false(match(&t, "192.0.3.0"));
	assert_false(match(&t, "192.0.1.255"));
	assert_true(match(&t, "198.51.100.7"));
	assert_false(match(&t, "198.51.100.8"));
	assert_false(match(&t, "198.51.100.6"));
	assert_true(match(&t, "203.0.113.9"));
	assert_false(match(&t, "2001:db8::1"));
	talloc_free(t.r);
}

static void test_ipv4_mapped_both_ways(void **state)
{
	struct dsng__cidr_table t = {0};
	unsigned char b[16];
	int family;

	add(*state, &t, "192.0.2.0/24");
	add(*state, &t, "::ffff:198.51.100.0/120");
	dsng__cidr_finish(&t);
	/* A mapped client matches an IPv4 entry ... */
	assert_true(match(&t, "::ffff:192.0.2.1"));
	assert_true(match(&t, "::FFFF:c000:0201"));
	/* ... and an IPv4 client a mapped entry. */
	assert_true(match(&t, "198.51.100.200"));
	assert_false(match(&t, "198.51.101.1"));
	/* Mapped input reports family 4. */
	assert_int_equal(dsng__ip_parse("::ffff:192.0.2.1", 16, b, &family), 0);
	assert_int_equal(family, 4);
	/* The IPv4-compatible form (deprecated) is a different address. */
	assert_false(match(&t, "::192.0.2.1"));
	talloc_free(t.r);
}

static void test_slash_zero(void **state)
{
	struct dsng__cidr_table v4 = {0}, v6 = {0};

	add(*state, &v4, "0.0.0.0/0");
	dsng__cidr_finish(&v4);
	assert_true(match(&v4, "0.0.0.0"));
	assert_true(match(&v4, "255.255.255.255"));
	assert_false(match(&v4, "::1"));
	assert_false(match(&v4, "2001:db8::"));

	/* ::/0 is every address, IPv4 (at ::ffff:0:0/96) included. */
	add(*state, &v6, "::/0");
	dsng__cidr_finish(&v6);
	assert_true(match(&v6, "::"));
	assert_true(match(&v6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
	assert_true(match(&v6, "10.1.2.3"));
	talloc_free(v4.r);
	talloc_free(v6.r);
}

static void test_slash_128_and_top_of_space(void **state)
{
	struct dsng__cidr_table t = {0};

	add(*state, &t, "2001:db8::1/128");
	add(*state, &t, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
	add(*state, &t, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/128");
	dsng__cidr_finish(&t);
	assert_int_equal(t.n, 2); /* the two top addresses merged */
	assert_true(match(&t, "2001:db8::1"));
	assert_false(match(&t, "2001:db8::2"));
	assert_false(match(&t, "2001:db8::"));
	assert_true(match(&t, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
	assert_true(match(&t, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"));
	assert_false(match(&t, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffd"));
	talloc_free(t.r);
}

static void test_overlapping_and_adjacent_merge(void **state)
{
	struct dsng__cidr_table t = {0};

	add(*state, &t, "10.1.0.0/16");
	add(*state, &t, "10.0.0.0/8");
	add(*state, &t, "10.200.3.0/24");
	add(*state, &t, "192.0.2.0/25");
	add(*state, &t, "192.0.2.128/25");
	add(*state, &t, "198.51.100.0/25");
	add(*state, &t, "198.51.100.192/26");
	add(*state, &t, "2001:db8::/33");
	add(*state, &t, "2001:db8:8000::/33");
	dsng__cidr_finish(&t);
	/* 10/8 swallows its parts, 192.0.2.0/25+/25 join, the two
	 * 2001:db8::/33 halves join, 198.51.100 halves do not touch. */
	assert_int_equal(t.n, 5);
	assert_true(match(&t, "10.255.255.255"));
	assert_true(match(&t, "192.0.2.130"));
	assert_false(match(&t, "198.51.100.130"));
	assert_true(match(&t, "198.51.100.193"));
	assert_true(match(&t, "2001:db8:ffff::1"));
	assert_false(match(&t, "2001:db9::1"));
	talloc_free(t.r);
}

static void test_empty_table(void **state)
{
	struct dsng__cidr_table t = {0};

	(void)state;
	dsng__cidr_finish(&t);
	assert_false(match(&t, "192.0.2.1"));
}

static void bad(const char *c, size_t want_col)
{
	struct dsng__range r;
	size_t col = 99;
	const char *why = NULL;

	assert_int_equal(dsng__cidr_parse(c, strlen(c), &r, &col, &why), -1);
	assert_non_null(why);
	assert_int_equal(col, want_col);
}

static void test_bad_cidrs(void **state)
{
	(void)state;
	bad("192.0.2.1/24", 0);  /* host bits */
	bad("192.0.2.0/33", 10); /* over 32 */
	bad("2001:db8::/129", 11);
	bad("192.0.2.0/", 10);
	bad("192.0.2.0/2x", 11);
	bad("192.0.2.0/08", 11); /* leading zero in the length */
	bad("/24", 0);
	bad("192.0.2", 0);
	bad("192.0.2.256", 0);
	bad("192.0.02.1", 0); /* leading zero: octal elsewhere */
	bad("fe80::1%eth0", 0);
	bad("2001:db8:::1", 0);
	bad("", 0);
	bad("example.org", 0);
}

static void test_session_addresses(void **state)
{
	struct dsng_policy_session s;
	struct dsng_error err = DSNG_ERROR_INIT;

	(void)state;
	dsng_policy_session_init(&s, DSNG_POLICY_SESSION_VERSION);
	assert_int_equal(s.trusted, -1);
	assert_int_equal(s.trusted_cached, -1);
	assert_int_equal(s.dsn_offered, -1);
	assert_int_equal(
	        dsng_policy_session_set_addr(&s, "[192.0.2.1]", 11, &err), 0);
	assert_int_equal(s.family, 4);
	assert_int_equal(s.addr[15], 1);
	assert_int_equal(s.addr[10], 0xff);
	assert_int_equal(dsng_policy_session_set_addr(&s, "[IPv6:2001:db8::1]",
	                                              18, &err),
	                 0);
	assert_int_equal(s.family, 6);
	assert_int_equal(dsng_policy_session_set_addr(&s, "300.1.1.1", 9, &err),
	                 DSNG_ESYNTAX);
	assert_int_equal(err.kind, DSNG_ERR_BAD_CIDR);
	assert_int_equal(s.family, 6); /* unchanged */
	/* Not NUL-terminated input: the guard page catches overreads. */
	{
		const char *g = dsng_test_guard("2001:db8::42", 12);
		assert_int_equal(dsng_policy_session_set_addr(&s, g, 12, &err),
		                 0);
		assert_int_equal(s.addr[15], 0x42);
		dsng_test_guard_free(g);
	}
}

/* xorshift, so the random table is the same on every run. */
static uint64_t next_rand(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void test_ten_thousand_random_prefixes(void **state)
{
	struct dsng__cidr_table t = {0};
	struct dsng__range *raw;
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	size_t i, j, n = 10000;

	raw = talloc_array(*state, struct dsng__range, n);
	assert_non_null(raw);
	for (i = 0; i < n; i++) {
		char c[64];
		uint64_t r = next_rand(&seed);
		unsigned bits = 8 + (unsigned)(r % 25);
		uint32_t a = (uint32_t)(r >> 32);
		size_t col;
		const char *why;

		a &= bits == 32 ? 0xffffffffu : ~(0xffffffffu >> bits);
		snprintf(c, sizeof(c), "%u.%u.%u.%u/%u", a >> 24,
		         (a >> 16) & 255, (a >> 8) & 255, a & 255, bits);
		assert_int_equal(
		        dsng__cidr_parse(c, strlen(c), &raw[i], &col, &why), 0);
		assert_int_equal(dsng__cidr_add(*state, &t, &raw[i]), 0);
	}
	dsng__cidr_finish(&t);
	for (j = 0; j < 20000; j++) {
		unsigned char b[16] = {0, 0, 0, 0, 0,    0,
		                       0, 0, 0, 0, 0xff, 0xff};
		uint32_t a = (uint32_t)next_rand(&seed);
		int linear = 0;

		/* Half the probes at range edges, where off-by-ones live. */
		if (j & 1) {
			const struct dsng__range *e = &raw[j % n];
			a = (uint32_t)(((j >> 1) & 1) ? e->last.lo
			                              : e->first.lo);
			a += (j & 4) ? 1 : ((j & 8) ? (uint32_t)-1 : 0);
		}
		b[12] = (unsigned char)(a >> 24);
		b[13] = (unsigned char)(a >> 16);
		b[14] = (unsigned char)(a >> 8);
		b[15] = (unsigned char)a;
		for (i = 0; i < n && !linear; i++)
			linear = raw[i].first.lo <= (0xffff00000000ull | a) &&
			         (0xffff00000000ull | a) <= raw[i].last.lo;
		assert_int_equal(dsng__cidr_match(&t, b), linear);
	}
	talloc_free(t.r);
	talloc_free(raw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_ipv4_prefixes,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_ipv4_mapped_both_ways,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_slash_zero,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_slash_128_and_top_of_space,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(
	                test_overlapping_and_adjacent_merge,
	                dsng_test_setup_ctx, dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_empty_table,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test(test_bad_cidrs),
	        cmocka_unit_test(test_session_addresses),
	        cmocka_unit_test_setup_teardown(
	                test_ten_thousand_random_prefixes, dsng_test_setup_ctx,
	                dsng_test_teardown_ctx),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
