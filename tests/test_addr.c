/*
 * tests/test_addr.c - RFC 5321 paths: null path, Postmaster, dot-string
 * and quoted local parts, source routes, domains, address literals,
 * lengths at N and N+1, UTF-8 with and without SMTPUTF8.
 */
#include "test_cmd_util.h"

static struct dsng_path path;
static unsigned lax;

static int ap(const char *s, unsigned flags)
{
	size_t n = strlen(s);

	lax = 0;
	dsng_error_clear(&ut_err);
	return dsng_addr_parse(&path, ut_guard(s, n), n, flags, &lax, &ut_err);
}

#define A_OK(in, flags)                                                        \
	do {                                                                   \
		if (ap((in), (flags)) != DSNG_OK)                              \
			fail_msg("%s: %s at %zu: %s", (in),                    \
			         dsng_error_kind_name(ut_err.kind),            \
			         ut_err.offset, ut_err.message);               \
	} while (0)

#define A_ERR(in, flags, kind_, off_, reply_, enh_)                            \
	do {                                                                   \
		if (ap((in), (flags)) == DSNG_OK)                              \
			fail_msg("%s: accepted", (in));                        \
		if (ut_err.kind != (kind_))                                    \
			fail_msg("%s: got %s (%s)", (in),                      \
			         dsng_error_kind_name(ut_err.kind),            \
			         ut_err.message);                              \
		assert_int_equal(ut_err.offset, (off_));                       \
		assert_int_equal(ut_err.reply, (reply_));                      \
		assert_string_equal(ut_err.enhanced, (enh_));                  \
	} while (0)

#define BAD(in, flags, off)                                                    \
	A_ERR(in, flags, DSNG_ERR_BAD_ADDRESS, off, 501,                       \
	      ((flags)&DSNG_ADDR_RCPT) ? "5.1.3" : "5.1.7")

static TALLOC_CTX *tc;

/* n copies of c, a talloc string freed with the test's context. */
static char *repeat(char c, size_t n)
{
	char *s = talloc_size(tc, n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void test_addr_simple_mailbox(void **state)
{
	(void)state;
	A_OK("<user@example.org>", 0);
	UT_SPAN(path.raw, "<user@example.org>");
	UT_SPAN(path.mailbox, "user@example.org");
	UT_SPAN(path.local, "user");
	UT_SPAN(path.domain, "example.org");
	assert_int_equal(path.route.len, 0);
	assert_false(path.is_null || path.is_postmaster || path.has_utf8 ||
	             path.unbracketed);
	assert_int_equal(lax, 0);
	A_OK("<a.b-c+d_e!#$%&'*/=?^`{|}~@x-1.example>", DSNG_ADDR_STRICT);
	A_OK("<x@localhost>", DSNG_ADDR_STRICT);
	A_OK("<x@123.example>", DSNG_ADDR_STRICT);
}

static void test_addr_null_path(void **state)
{
	(void)state;
	A_OK("<>", DSNG_ADDR_STRICT);
	assert_true(path.is_null);
	UT_SPAN(path.raw, "<>");
	UT_SPAN(path.mailbox, "");
	A_ERR("<>", DSNG_ADDR_RCPT, DSNG_ERR_NULL_PATH_NOT_ALLOWED, 0, 501,
	      "5.1.3");
}

static void test_addr_postmaster(void **state)
{
	(void)state;
	A_OK("<Postmaster>", DSNG_ADDR_RCPT | DSNG_ADDR_STRICT);
	assert_true(path.is_postmaster);
	UT_SPAN(path.mailbox, "Postmaster");
	assert_int_equal(path.domain.len, 0);
	A_OK("<pOSTMASTER>", DSNG_ADDR_RCPT);
	assert_true(path.is_postmaster);
	A_OK("<Postmaster@example.org>", DSNG_ADDR_RCPT);
	assert_false(path.is_postmaster);
	BAD("<Postmaster>", 0, 11); /* not in MAIL */
	BAD("<postmistress>", DSNG_ADDR_RCPT, 13);
	BAD("<\"Postmaster\">", DSNG_ADDR_RCPT, 13);
	BAD("<@a:Postmaster>", DSNG_ADDR_RCPT, 14);
}

static void test_addr_dot_string(void **state)
{
	(void)state;
	BAD("<.a@x>", 0, 1);
	BAD("<a.@x>", 0, 3);
	BAD("<a..b@x>", 0, 3);
	BAD("<a b@x>", 0, 2);
	BAD("<a(c)@x>", 0, 2);
	BAD("<a,b@x>", DSNG_ADDR_RCPT, 2);
	BAD("<@x>", 0, 3); /* a route, then no ':' */
	BAD("<a@>", 0, 3);
	BAD("<a@@x>", 0, 3);
	BAD("<a\x01@x>", 0, 2);
}

static void test_addr_quoted_local_part(void **state)
{
	(void)state;
	A_OK("<\"john doe\"@example.org>", DSNG_ADDR_STRICT);
	UT_SPAN(path.local, "\"john doe\"");
	UT_SPAN(path.mailbox, "\"john doe\"@example.org");
	/* SP and '>' inside quotes do not end the path */
	A_OK("<\"a b>c\"@x.org>", 0);
	UT_SPAN(path.local, "\"a b>c\"");
	A_OK("<\"a\\\"b\\\\c\"@x>", DSNG_ADDR_STRICT);
	A_OK("<\"\"@x>", DSNG_ADDR_STRICT);
	A_OK("<\"${run{x}}\"@x>", DSNG_ADDR_STRICT); /* kept as data */
	BAD("<\"a\x01\"@x>", 0, 3);
	BAD("<\"a\\\x01\"@x>", 0, 3);
	BAD("<\"a\"b@x>", 0, 4);
	/* an unterminated quote swallows the '>': the error says so, at
	 * the opening quote, not "missing '>'" at the end */
	A_ERR("<\"wietse venema>", 0, DSNG_ERR_SYNTAX, 1, 501, "5.5.4");
	assert_string_equal(ut_err.message, "unterminated quoted string");
	A_ERR("<\"abc\\\">", 0, DSNG_ERR_SYNTAX, 1, 501, "5.5.4");
	assert_string_equal(ut_err.message, "unterminated quoted string");
	A_ERR("<\"abc\\", 0, DSNG_ERR_SYNTAX, 1, 501, "5.5.4");
	assert_string_equal(ut_err.message, "unterminated quoted string");
	A_ERR("\"abc", 0, DSNG_ERR_SYNTAX, 0, 501, "5.5.4"); /* no '<' */
}

static void test_addr_source_route(void **state)
{
	(void)state;
	A_OK("<@a.example,@b.example:u@c.example>", DSNG_ADDR_STRICT);
	UT_SPAN(path.route, "@a.example,@b.example");
	UT_SPAN(path.mailbox, "u@c.example");
	UT_SPAN(path.local, "u");
	UT_SPAN(path.domain, "c.example");
	UT_SPAN(path.raw, "<@a.example,@b.example:u@c.example>");
	A_OK("<@a:u@c>", DSNG_ADDR_RCPT);
	UT_SPAN(path.route, "@a");
	BAD("<@a,b:u@c>", 0, 3);
	BAD("<@:u@c>", 0, 2);
	BAD("<@a;u@c>", 0, 3);
	BAD("<@a,@b>", 0, 6);
	BAD("<@[1.2.3.4]:u@c>", 0, 2); /* At-domain has no literal */
}

static void test_addr_domains(void **state)
{
	char *buf;

	tc = *state;
	BAD("<a@-x.org>", 0, 3);
	BAD("<a@x-.org>", 0, 4);
	BAD("<a@x.org.>", 0, 9); /* where a label must start */
	BAD("<a@x..org>", 0, 5);
	BAD("<a@my_pc.org>", 0, 5);
	BAD("<a@x.org >", 0, 8);
	/* label 63 ok, 64 not */
	buf = talloc_asprintf(tc, "<a@%s.org>", repeat('l', 63));
	A_OK(buf, DSNG_ADDR_STRICT);
	buf = talloc_asprintf(tc, "<a@%s.org>", repeat('l', 64));
	BAD(buf, 0, 3);
	/* domain 255 ok, 256 not, in both modes */
	buf = talloc_asprintf(tc, "<a@%s.%s.%s.%s>", repeat('a', 63),
	                      repeat('b', 63), repeat('c', 63),
	                      repeat('d', 63));
	A_OK(buf, 0);
	assert_int_equal(path.domain.len, 255);
	buf = talloc_asprintf(tc, "<a@%s.%s.%s.%s.e>", repeat('a', 63),
	                      repeat('b', 63), repeat('c', 63),
	                      repeat('d', 62));
	BAD(buf, 0, 3);
}

static void test_addr_literals(void **state)
{
	static const char *const good[] = {
	        "[192.0.2.1]",
	        "[0.0.0.0]",
	        "[255.255.255.255]",
	        "[IPv6:2001:db8::1]",
	        "[IPv6:1:2:3:4:5:6:7:8]",
	        "[IPv6:::]",
	        "[IPv6:::1]",
	        "[ipv6:FFFF::]",
	        "[IPv6:::ffff:192.0.2.1]",
	        "[IPv6:1:2:3:4:5:6:1.2.3.4]",
	        "[IPv6:1:2:3:4::1.2.3.4]",
	        "[IPv6:1:2:3:4:5:6::]",
	        "[IPv6:1::2:3:4:5:6]",
	        "[x-tag:any~content]",
	        "[X400:abc]",
	};
	static const char *const bad[] = {
	        "[256.0.0.1]",
	        "[1.2.3]",
	        "[1.2.3.4.5]",
	        "[1..2.3]",
	        "[1.2.3.1234]",
	        "[IPv6:1:2:3:4:5:6:7]",
	        "[IPv6:1:2:3:4:5:6:7:8:9]",
	        "[IPv6:1::2::3]",
	        "[IPv6:1:2:3:4:5:1.2.3.4]",
	        "[IPv6:1:2:3:4:5::1.2.3.4]",
	        "[IPv6:1:2:3:4:5:6:7::]",
	        "[IPv6:12345::]",
	        "[IPv6:1::2:3:4:5:6:7]",
	        /* 5321: 6 + "::" */ "[IPv6:1:]",
	        "[IPv6::1]",
	        "[IPv6:]",
	        "[IPv6:1.2.3.4]",
	        "[IPv6:g::]",
	        "[tag:]",
	        "[tag:a[b]",
	        "[:abc]",
	        "[tag-:x]",
	        "[]",
	        "[tag:a b]",
	        "[1.2.3.4",
	};
	char *buf;
	size_t i;

	tc = *state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		buf = talloc_asprintf(tc, "<u@%s>", good[i]);
		A_OK(buf, DSNG_ADDR_STRICT);
		UT_SPAN(path.domain, good[i]);
		assert_int_equal(dsng_addr_check_domain(
		                         good[i], strlen(good[i]), 0, NULL),
		                 DSNG_OK);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		buf = talloc_asprintf(tc, "<u@%s>", bad[i]);
		if (ap(buf, 0) == DSNG_OK)
			fail_msg("%s accepted", buf);
		assert_int_equal(ut_err.kind, DSNG_ERR_BAD_ADDRESS);
		assert_int_equal(ut_err.offset, 3);
		assert_int_not_equal(
		        dsng_addr_check_domain(bad[i], strlen(bad[i]), 0, NULL),
		        DSNG_OK);
	}
}

static void test_addr_lengths(void **state)
{
	char *buf;

	tc = *state;
	/* local part: 64 strict; 65..255 lenient and flagged; 256 never */
	buf = talloc_asprintf(tc, "<%s@x>", repeat('a', 64));
	A_OK(buf, DSNG_ADDR_STRICT);
	assert_int_equal(lax, 0);
	buf = talloc_asprintf(tc, "<%s@x>", repeat('a', 65));
	BAD(buf, DSNG_ADDR_STRICT, 1);
	A_OK(buf, 0);
	assert_int_equal(lax, DSNG_ADDR_LAX_LONG);
	buf = talloc_asprintf(tc, "<%s@x>", repeat('a', 255));
	A_OK(buf, 0);
	buf = talloc_asprintf(tc, "<%s@x>", repeat('a', 256));
	BAD(buf, DSNG_ADDR_RCPT, 1);
	/* path: 256 with brackets strict; 257 lenient only; 513 never */
	buf = talloc_asprintf(tc, "<%s@%s.%s.%s>", repeat('a', 64),
	                      repeat('b', 63), repeat('c', 63),
	                      repeat('d', 61));
	assert_int_equal(strlen(buf), 256);
	A_OK(buf, DSNG_ADDR_STRICT);
	buf = talloc_asprintf(tc, "<%s@%s.%s.%s>", repeat('a', 64),
	                      repeat('b', 63), repeat('c', 63),
	                      repeat('d', 62));
	BAD(buf, DSNG_ADDR_STRICT, 0);
	A_OK(buf, 0);
	assert_int_equal(lax, DSNG_ADDR_LAX_LONG);
	buf = talloc_asprintf(tc, "<@%s.%s.%s:%s@%s.%s.%s>", repeat('r', 63),
	                      repeat('s', 63), repeat('t', 63), repeat('a', 64),
	                      repeat('b', 63), repeat('c', 63), repeat('d', 1));
	assert_true(strlen(buf) > 256 && strlen(buf) <= 512);
	A_OK(buf, 0);
}

static void test_addr_brackets(void **state)
{
	(void)state;
	A_OK("a@b.example", 0);
	assert_true(path.unbracketed);
	assert_int_equal(lax, DSNG_ADDR_LAX_NO_BRACKETS);
	UT_SPAN(path.raw, "a@b.example");
	UT_SPAN(path.mailbox, "a@b.example");
	A_ERR("a@b.example", DSNG_ADDR_STRICT, DSNG_ERR_SYNTAX, 0, 501,
	      "5.5.4");
	A_ERR("<a@b.example", 0, DSNG_ERR_SYNTAX, 12, 501, "5.5.4");
	A_ERR("<a@b.example>x", 0, DSNG_ERR_SYNTAX, 13, 501, "5.5.4");
	A_ERR("<a@b>>", 0, DSNG_ERR_SYNTAX, 5, 501, "5.5.4");
	A_ERR("", 0, DSNG_ERR_SYNTAX, 0, 501, "5.5.4");
	A_ERR("<", 0, DSNG_ERR_SYNTAX, 1, 501, "5.5.4");
	A_ERR("Anne <a@b>", 0, DSNG_ERR_BAD_ADDRESS, 4, 501, "5.1.7");
}

static void test_addr_utf8(void **state)
{
	(void)state;
	A_ERR("<d\xc3\xa9@x.org>", 0, DSNG_ERR_NON_ASCII_ADDRESS, 2, 553,
	      "5.6.7");
	A_ERR("<d@\xc3\xbc.de>", DSNG_ADDR_RCPT, DSNG_ERR_NON_ASCII_ADDRESS, 3,
	      553, "5.6.7");
	A_OK("<d\xc3\xa9@x.org>", DSNG_ADDR_UTF8 | DSNG_ADDR_STRICT);
	assert_true(path.has_utf8);
	A_OK("<\"d \xc3\xa9\"@b\xc3\xbc.de>", DSNG_ADDR_UTF8);
	assert_true(path.has_utf8);
	A_OK("<a@x.org>", DSNG_ADDR_UTF8);
	assert_false(path.has_utf8);
	BAD("<d\xff@x>", DSNG_ADDR_UTF8, 2);
	BAD("<d\xc3@x>", DSNG_ADDR_UTF8, 2);
	BAD("<d\xed\xa0\x80@x>", DSNG_ADDR_UTF8, 2);
	BAD("<d@x\xc0\xaf>", DSNG_ADDR_UTF8, 4);
}

static void test_addr_check_domain(void **state)
{
	(void)state;
	assert_int_equal(dsng_addr_check_domain("mx.example.org", 14, 0, NULL),
	                 DSNG_OK);
	assert_int_equal(dsng_addr_check_domain("my_pc", 5, 0, &ut_err),
	                 DSNG_ESYNTAX);
	assert_int_equal(ut_err.kind, DSNG_ERR_BAD_ADDRESS);
	assert_int_equal(ut_err.offset, 2);
	assert_int_equal(dsng_addr_check_domain("", 0, 0, NULL), DSNG_ESYNTAX);
	assert_int_equal(dsng_addr_check_domain("b\xc3\xbc.de", 6, 0, NULL),
	                 DSNG_ESYNTAX);
	assert_int_equal(
	        dsng_addr_check_domain("b\xc3\xbc.de", 6, DSNG_ADDR_UTF8, NULL),
	        DSNG_OK);
	assert_int_equal(dsng_addr_parse(NULL, "<>", 2, 0, NULL, &ut_err),
	                 DSNG_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        UT_TEST(test_addr_simple_mailbox),
	        UT_TEST(test_addr_null_path),
	        UT_TEST(test_addr_postmaster),
	        UT_TEST(test_addr_dot_string),
	        UT_TEST(test_addr_quoted_local_part),
	        UT_TEST(test_addr_source_route),
	        UT_TEST(test_addr_domains),
	        UT_TEST(test_addr_literals),
	        UT_TEST(test_addr_lengths),
	        UT_TEST(test_addr_brackets),
	        UT_TEST(test_addr_utf8),
	        UT_TEST(test_addr_check_domain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
