/*
 * tests/milter/test_logval.c - the milter's log-value escaper
 * (examples/milter/logval.c): plain values stay as they are, values with
 * a space, quote or backslash are quoted and escaped, control bytes, DEL
 * and invalid UTF-8 become \xHH, and no output ever holds a CR or LF.
 */
#include "dsng_test.h"

#include "logval.h"

static void expect(const char *in, size_t len, const char *want)
{
	char out[256];
	size_t n = dm_logval(out, sizeof(out), in, len);

	assert_string_equal(out, want);
	assert_int_equal(n, strlen(want));
}

#define EXPECT(lit, want) expect(lit, sizeof(lit) - 1, want)

static void test_plain(void **state)
{
	(void)state;
	EXPECT("user@example.org", "user@example.org");
	EXPECT("<a@b>", "<a@b>");
	EXPECT("rcpt.success-from", "rcpt.success-from");
	/* '=' needs nothing: a key ends at the first '='. */
	EXPECT("NOTIFY=SUCCESS", "NOTIFY=SUCCESS");
}

static void test_quoted(void **state)
{
	(void)state;
	EXPECT("two words", "\"two words\"");
	EXPECT("say \"hi\"", "\"say \\\"hi\\\"\"");
	EXPECT("back\\slash", "\"back\\\\slash\"");
	EXPECT("", "\"\"");
}

static void test_controls(void **state)
{
	(void)state;
	EXPECT("a\r\nqueue=X stage=rcpt", "\"a\\x0d\\x0aqueue=X stage=rcpt\"");
	EXPECT("tab\there", "\"tab\\x09here\"");
	EXPECT("del\x7f", "\"del\\x7f\"");
	expect("nul\0byte", 8, "\"nul\\x00byte\"");
	EXPECT("\x1b[31m", "\"\\x1b[31m\"");
}

static void test_utf8(void **state)
{
	(void)state;
	/* Valid UTF-8 is kept as it is, unquoted. */
	EXPECT("j\xc3\xb6rg@\xe4\xbe\x8b.example",
	       "j\xc3\xb6rg@\xe4\xbe\x8b.example");
	EXPECT("\xf0\x9f\x93\xa7", "\xf0\x9f\x93\xa7");
	/* Invalid: a lone continuation byte, an overlong form, a surrogate,
	 * above U+10FFFF, a sequence cut short. */
	EXPECT("a\x80z", "\"a\\x80z\"");
	EXPECT("\xc0\xaf", "\"\\xc0\\xaf\"");
	EXPECT("\xed\xa0\x80", "\"\\xed\\xa0\\x80\"");
	EXPECT("\xf4\x90\x80\x80", "\"\\xf4\\x90\\x80\\x80\"");
	EXPECT("x\xe4\xbe", "\"x\\xe4\\xbe\"");
	EXPECT("\xff", "\"\\xff\"");
}

/* No input of any byte gives a raw CR, LF or other control in the output,
 * and every output ends its quotes. */
static void test_every_byte(void **state)
{
	char in[3], out[64];
	unsigned b;

	(void)state;
	for (b = 0; b < 256; b++) {
		size_t n, i;

		in[0] = 'x';
		in[1] = (char)b;
		in[2] = 'y';
		n = dm_logval(out, sizeof(out), in, 3);
		for (i = 0; i < n; i++)
			assert_true((unsigned char)out[i] >= 0x20 &&
			            (unsigned char)out[i] != 0x7f);
		if (out[0] == '"')
			assert_int_equal(out[n - 1], '"');
	}
}

static void test_cut(void **state)
{
	char out[16];
	size_t n;

	(void)state;
	/* Too long: cut at a whole piece, "..." and the closing quote. */
	n = dm_logval(out, sizeof(out), "aaaa bbbb cccc dddd", 19);
	assert_true(n < sizeof(out));
	assert_string_equal(out, "\"aaaa bbbb ...\"");
	/* An escape is never split. */
	n = dm_logval(out, sizeof(out), "\r\r\r\r\r\r\r\r", 8);
	assert_string_equal(out, "\"\\x0d\\x0d...\"");
	/* Exactly fitting: no "...". */
	n = dm_logval(out, sizeof(out), "abcdefghijklmno", 15);
	assert_string_equal(out, "abcdefghijklmno");
	/* A buffer too small for anything gives "". */
	n = dm_logval(out, 4, "abc def", 7);
	assert_int_equal(n, 0);
	assert_string_equal(out, "");
}

static void test_line(void **state)
{
	struct dm_line l;
	char big[DM_LINE_MAX * 2];

	(void)state;
	dm_line_init(&l);
	dm_line_word(&l, "stats");
	dm_line_kvu(&l, "accept", 3);
	dm_line_kvs(&l, "rule", NULL);
	dm_line_kvs(&l, "reason", "two words");
	assert_string_equal(l.buf,
	                    "stats accept=3 rule=- reason=\"two words\"");
	assert_int_equal(l.len, strlen(l.buf));
	/* A line never overflows, however long its values. */
	memset(big, '\n', sizeof(big));
	dm_line_kv(&l, "huge", big, sizeof(big));
	dm_line_kv(&l, "more", big, sizeof(big));
	assert_true(l.len < DM_LINE_MAX);
	assert_int_equal(l.len, strlen(l.buf));
	assert_null(strchr(l.buf, '\n'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_plain),
	        cmocka_unit_test(test_quoted),
	        cmocka_unit_test(test_controls),
	        cmocka_unit_test(test_utf8),
	        cmocka_unit_test(test_every_byte),
	        cmocka_unit_test(test_cut),
	        cmocka_unit_test(test_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
