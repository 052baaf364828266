/*
 * tests/test_xtext.c - RFC 3461 xtext and RFC 6533 utf-8-addr-xtext /
 * unitext: decode rules, error offsets, buffer contract, encoders, round
 * trips.
 */
#include "test_cmd_util.h"

static char out[1100];
static size_t out_len;
static unsigned seen;

static int dec(const char *s, unsigned flags)
{
	size_t n = strlen(s);

	seen = 0;
	dsng_error_clear(&ut_err);
	return dsng_xtext_decode(out, sizeof(out), &out_len, ut_guard(s, n), n,
	                         flags, &seen, &ut_err);
}

static int udec(const char *s, unsigned flags)
{
	size_t n = strlen(s);

	seen = 0;
	dsng_error_clear(&ut_err);
	return dsng_xtext_utf8_decode(out, sizeof(out), &out_len,
	                              ut_guard(s, n), n, flags, &seen, &ut_err);
}

#define DEC_OK(fn, in, flags, want)                                            \
	do {                                                                   \
		if (fn((in), (flags)) != DSNG_OK)                              \
			fail_msg("%s: %s at %zu", (in), ut_err.message,        \
			         ut_err.offset);                               \
		assert_int_equal(out_len, strlen(want));                       \
		assert_memory_equal(out, (want), out_len);                     \
	} while (0)

#define DEC_BAD(fn, in, flags, off)                                            \
	do {                                                                   \
		if (fn((in), (flags)) != DSNG_ESYNTAX)                         \
			fail_msg("%s: accepted", (in));                        \
		assert_int_equal(ut_err.kind, DSNG_ERR_BAD_XTEXT);             \
		assert_int_equal(ut_err.offset, (off));                        \
		assert_int_equal(ut_err.reply, 501);                           \
		assert_string_equal(ut_err.enhanced, "5.5.4");                 \
	} while (0)

static void test_xtext_decode_basic(void **state)
{
	(void)state;
	DEC_OK(dec, "user+40example.org", 0, "user@example.org");
	DEC_OK(dec, "a+2Bb+3Dc", 0, "a+b=c");
	DEC_OK(dec, "+41+42", 0, "AB"); /* any xchar may be sent as hexchar */
	DEC_OK(dec, "", 0, "");
	DEC_OK(dec, "!~<>\\\"", 0, "!~<>\\\"");
	DEC_OK(dec, "+20+09+7F+FF", 0, " \t\x7f\xff");
	assert_int_equal(seen, 0);
}

static void test_xtext_bad_hexchar(void **state)
{
	(void)state;
	DEC_BAD(dec, "abc+", 0, 3);
	DEC_BAD(dec, "abc+4", 0, 3);
	DEC_BAD(dec, "+2", 0, 0);
	DEC_BAD(dec, "+A", 0, 0);
	DEC_BAD(dec, "++1", 0, 0);
	DEC_BAD(dec, "x+2+", 0, 1);
	DEC_BAD(dec, "+zz", DSNG_XTEXT_LOWER_HEX, 0);
	DEC_BAD(dec, "+G0", 0, 0);
}

static void test_xtext_lower_hex(void **state)
{
	(void)state;
	DEC_BAD(dec, "a+2b", 0, 1);
	assert_non_null(strstr(ut_err.message, "lower-case"));
	DEC_OK(dec, "a+2b", DSNG_XTEXT_LOWER_HEX, "a+");
	assert_int_equal(seen, DSNG_XTEXT_SEEN_LOWER_HEX);
	DEC_OK(dec, "a+2B", DSNG_XTEXT_LOWER_HEX, "a+");
	assert_int_equal(seen, 0);
}

static void test_xtext_raw_octets_refused(void **state)
{
	(void)state;
	DEC_BAD(dec, "a=b", 0, 1);
	DEC_BAD(dec, "a b", 0, 1);
	DEC_BAD(dec, "ab\x7f", 0, 2);
	DEC_BAD(dec, "\x80", 0, 0);
	DEC_BAD(dec, "xy\xff", 0, 2);
	DEC_BAD(dec, "\t", 0, 0);
	assert_int_equal(dsng_xtext_decode(out, sizeof(out), &out_len,
	                                   ut_guard("a\0b", 3), 3, 0, NULL,
	                                   &ut_err),
	                 DSNG_ESYNTAX);
	assert_int_equal(ut_err.offset, 1);
}

static void test_xtext_decoded_nul_and_ctl(void **state)
{
	(void)state;
	DEC_BAD(dec, "ab+00", 0, 2);
	DEC_BAD(dec, "ab+00", DSNG_XTEXT_LOWER_HEX, 2);
	DEC_OK(dec, "a+0D+0Ab", 0, "a\r\nb");
	DEC_BAD(dec, "a+0D+0Ab", DSNG_XTEXT_PRINTABLE, 1);
	DEC_BAD(dec, "+7F", DSNG_XTEXT_PRINTABLE, 0);
	DEC_BAD(dec, "+1f", DSNG_XTEXT_PRINTABLE | DSNG_XTEXT_LOWER_HEX, 0);
	DEC_OK(dec, "+20", DSNG_XTEXT_PRINTABLE, " ");
	DEC_OK(dec, "a+C3+A9", DSNG_XTEXT_PRINTABLE, "a\xc3\xa9");
	DEC_BAD(dec, "a+C3+A9", DSNG_XTEXT_ASCII, 1);
	DEC_OK(dec, "a+7E", DSNG_XTEXT_ASCII, "a~");
}

static void test_xtext_buffer_contract(void **state)
{
	char small[3];
	size_t n = 99;

	(void)state;
	/* out_size == len is always enough */
	assert_int_equal(dsng_xtext_decode(small, 3, &n, ut_guard("abc", 3), 3,
	                                   0, NULL, NULL),
	                 DSNG_OK);
	assert_int_equal(n, 3);
	assert_int_equal(dsng_xtext_decode(small, 2, &n, ut_guard("abc", 3), 3,
	                                   0, NULL, &ut_err),
	                 DSNG_ELIMIT);
	assert_int_equal(dsng_xtext_decode(small, 1, &n, ut_guard("+41", 3), 3,
	                                   0, NULL, &ut_err),
	                 DSNG_OK);
	assert_int_equal(n, 1);
	assert_int_equal(dsng_xtext_decode(NULL, 0, &n, NULL, 0, 0, NULL, NULL),
	                 DSNG_OK);
	assert_int_equal(n, 0);
	assert_int_equal(
	        dsng_xtext_decode(small, 3, NULL, "a", 1, 0, NULL, &ut_err),
	        DSNG_EINVAL);
	assert_int_equal(ut_err.kind, DSNG_ERR_INVALID_ARGUMENT);
}

static void test_xtext_decode_talloc(void **state)
{
	TALLOC_CTX *ctx = *state;
	size_t blocks = talloc_total_blocks(ctx), n = 0;
	char *s = (char *)1;

	assert_int_equal(dsng_xtext_decode_talloc(
	                         ctx, &s, &n, ut_guard("a+2Bb", 5), 5, 0, NULL),
	                 DSNG_OK);
	assert_string_equal(s, "a+b");
	assert_int_equal(n, 3);
	assert_ptr_equal(talloc_parent(s), ctx);
	talloc_free(s);
	assert_int_equal(dsng_xtext_decode_talloc(ctx, &s, &n,
	                                          ut_guard("a+2", 3), 3, 0,
	                                          &ut_err),
	                 DSNG_ESYNTAX);
	assert_null(s);
	assert_int_equal(ut_err.offset, 1);
	assert_int_equal(talloc_total_blocks(ctx), blocks);
}

static void test_xtext_encode(void **state)
{
	TALLOC_CTX *ctx = *state;
	char buf[32];
	char *s;

	(void)state;
	s = dsng_xtext_encode(ctx, "a+b=c d\x01\xff~", 10);
	assert_string_equal(s, "a+2Bb+3Dc+20d+01+FF~");
	talloc_free(s);
	s = dsng_xtext_encode(ctx, "", 0);
	assert_string_equal(s, "");
	talloc_free(s);
	/* snprintf contract: length needed, truncation never splits "+XX" */
	assert_int_equal(dsng_xtext_encode_buf(NULL, 0, "a=b", 3), 5);
	assert_int_equal(dsng_xtext_encode_buf(buf, 3, "a=b", 3), 5);
	assert_string_equal(buf, "a");
	assert_int_equal(dsng_xtext_encode_buf(buf, 5, "a=b", 3), 5);
	assert_string_equal(buf, "a+3D");
	assert_int_equal(dsng_xtext_encode_buf(buf, 6, "a=b", 3), 5);
	assert_string_equal(buf, "a+3Db");
	assert_int_equal(dsng_xtext_encode_buf(buf, 1, "abc", 3), 3);
	assert_string_equal(buf, "");
}

static void test_xtext_round_trip_all_octets(void **state)
{
	TALLOC_CTX *ctx = *state;
	char raw[255];
	char *enc;
	int i;

	for (i = 0; i < 255; i++)
		raw[i] = (char)(i + 1);
	enc = dsng_xtext_encode(ctx, raw, sizeof(raw));
	assert_non_null(enc);
	assert_int_equal(dec(enc, 0), DSNG_OK);
	assert_int_equal(out_len, sizeof(raw));
	assert_memory_equal(out, raw, sizeof(raw));
	talloc_free(enc);
}

static void test_xtext_utf8_decode_rfc6533_vector(void **state)
{
	(void)state;
	DEC_OK(udec,
	       "e\\x{3D}mc2@\\x{30C9}\\x{30E1}\\x{30A4}\\x{30F3}\\x{540D}"
	       "\\x{4F8B}.jp",
	       0,
	       "e=mc2@\xe3\x83\x89\xe3\x83\xa1\xe3\x82\xa4\xe3\x83\xb3"
	       "\xe5\x90\x8d\xe4\xbe\x8b.jp");
	DEC_OK(udec, "plain@example.org", 0, "plain@example.org");
}

static void test_xtext_utf8_hexpoint_forms(void **state)
{
	(void)state;
	DEC_OK(udec, "\\x{2B}\\x{3D}\\x{5C}\\x{20}", 0, "+=\\ ");
	DEC_OK(udec, "\\x{2b}", 0, "+"); /* ABNF hex is case-insensitive */
	DEC_OK(udec, "\\x{80}\\x{FF}", 0, "\xc2\x80\xc3\xbf");
	DEC_OK(udec, "\\x{100}", 0, "\xc4\x80");
	DEC_OK(udec, "\\x{FFFD}", 0, "\xef\xbf\xbd");
	DEC_OK(udec, "\\x{1F600}", 0, "\xf0\x9f\x98\x80");
	DEC_OK(udec, "\\x{10FFFF}", 0, "\xf4\x8f\xbf\xbf");
	DEC_OK(udec, "\\x{0A}", 0, "\n");
	DEC_BAD(udec, "\\x{0A}", DSNG_XTEXT_PRINTABLE, 0);
	DEC_BAD(udec, "a\\x{41}", 0, 1);  /* a QCHAR may not be escaped */
	DEC_BAD(udec, "\\x{00}", 0, 0);   /* NUL */
	DEC_BAD(udec, "\\x{0041}", 0, 0); /* leading zero */
	DEC_BAD(udec, "\\x{0100}", 0, 0); /* leading zero */
	DEC_BAD(udec, "\\x{D800}", 0, 0); /* surrogate */
	DEC_BAD(udec, "\\x{DFFF}", 0, 0);
	DEC_BAD(udec, "\\x{110000}", 0, 0);  /* beyond Unicode */
	DEC_BAD(udec, "\\x{1000000}", 0, 0); /* 7 digits */
	DEC_BAD(udec, "\\x{}", 0, 0);
	DEC_BAD(udec, "\\x{3}", 0, 0);   /* 1 digit */
	DEC_BAD(udec, "ab\\x{3D", 0, 2); /* unterminated */
	DEC_BAD(udec, "ab\\", 0, 2);
	DEC_BAD(udec, "\\X{3D}", 0, 0);
	DEC_BAD(udec, "\\x3D", 0, 0);
}

static void test_xtext_utf8_raw_octets(void **state)
{
	(void)state;
	DEC_BAD(udec, "a+b", 0, 1);
	DEC_BAD(udec, "a=b", 0, 1);
	DEC_BAD(udec, "a b", 0, 1);
	DEC_BAD(udec, "d\xc3\xa9", 0, 1); /* unitext needs the flag */
	DEC_OK(udec, "d\xc3\xa9", DSNG_XTEXT_UNITEXT, "d\xc3\xa9");
	assert_int_equal(seen, DSNG_XTEXT_SEEN_8BIT);
	DEC_BAD(udec, "\xc0\x80", DSNG_XTEXT_UNITEXT, 0);      /* overlong */
	DEC_BAD(udec, "x\xed\xa0\x80", DSNG_XTEXT_UNITEXT, 1); /* surrogate */
	DEC_BAD(udec, "\xf5\x80\x80\x80", DSNG_XTEXT_UNITEXT, 0);
	DEC_BAD(udec, "ab\xe3\x83", DSNG_XTEXT_UNITEXT, 2); /* truncated */
}

static void test_xtext_utf8_encode(void **state)
{
	TALLOC_CTX *ctx = *state;
	const char *ja = "e=mc2@\xe3\x83\x89\xe3\x83\xa1.jp";
	char buf[16];
	char *s;

	s = dsng_xtext_utf8_encode(ctx, ja, strlen(ja), false);
	assert_string_equal(s, "e\\x{3D}mc2@\\x{30C9}\\x{30E1}.jp");
	DEC_OK(udec, s, 0, ja);
	talloc_free(s);
	s = dsng_xtext_utf8_encode(ctx, ja, strlen(ja), true);
	assert_string_equal(s, "e\\x{3D}mc2@\xe3\x83\x89\xe3\x83\xa1.jp");
	DEC_OK(udec, s, DSNG_XTEXT_UNITEXT, ja);
	talloc_free(s);
	s = dsng_xtext_utf8_encode(ctx, "a\\+ \x01\xf0\x9f\x98\x80", 9, false);
	assert_string_equal(s, "a\\x{5C}\\x{2B}\\x{20}\\x{01}\\x{1F600}");
	DEC_OK(udec, s, 0, "a\\+ \x01\xf0\x9f\x98\x80");
	talloc_free(s);
	assert_null(dsng_xtext_utf8_encode(ctx, "\xff", 1, false));
	assert_int_equal(dsng_xtext_utf8_encode_buf(NULL, 0, "\xc3", 1, true),
	                 (size_t)-1);
	/* truncation never splits an escape */
	assert_int_equal(dsng_xtext_utf8_encode_buf(buf, 8, "ab=", 3, false),
	                 8);
	assert_string_equal(buf, "ab");
}

/* Each output size short of what the decoded text needs fails at the
 * unit (a QCHAR run's octet, an escape, a raw UTF-8 sequence) that no
 * longer fits, naming out_size, and never writes past it. */
static void test_xtext_utf8_decode_room(void **state)
{
	static const char in[] = "ab\\x{E9}c\xc3\xa9"
	                         "d";
	static const size_t fail_at[] = {0, 1, 2, 2, 8, 9, 9, 11};
	char buf[16];
	size_t size, n = 0;
	struct dsng_error err = DSNG_ERROR_INIT;

	(void)state;
	for (size = 0; size <= 8; size++) {
		memset(buf, '#', sizeof(buf));
		dsng_error_clear(&err);
		if (size == 8) {
			assert_int_equal(dsng_xtext_utf8_decode(
			                         buf, size, &n, in, strlen(in),
			                         DSNG_XTEXT_UNITEXT, NULL,
			                         &err),
			                 DSNG_OK);
			assert_int_equal(n, 8);
			assert_memory_equal(buf,
			                    "ab\xc3\xa9"
			                    "c\xc3\xa9"
			                    "d",
			                    8);
			break;
		}
		assert_int_equal(
		        dsng_xtext_utf8_decode(buf, size, &n, in, strlen(in),
		                               DSNG_XTEXT_UNITEXT, NULL, &err),
		        DSNG_ELIMIT);
		assert_string_equal(err.limit, "out_size");
		assert_int_equal(err.offset, fail_at[size]);
		assert_int_equal(buf[size], '#');
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        UT_TEST(test_xtext_decode_basic),
	        UT_TEST(test_xtext_bad_hexchar),
	        UT_TEST(test_xtext_lower_hex),
	        UT_TEST(test_xtext_raw_octets_refused),
	        UT_TEST(test_xtext_decoded_nul_and_ctl),
	        UT_TEST(test_xtext_buffer_contract),
	        UT_TEST(test_xtext_decode_talloc),
	        UT_TEST(test_xtext_encode),
	        UT_TEST(test_xtext_round_trip_all_octets),
	        UT_TEST(test_xtext_utf8_decode_rfc6533_vector),
	        UT_TEST(test_xtext_utf8_hexpoint_forms),
	        UT_TEST(test_xtext_utf8_raw_octets),
	        UT_TEST(test_xtext_utf8_decode_room),
	        UT_TEST(test_xtext_utf8_encode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
