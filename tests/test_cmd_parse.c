/*
 * tests/test_cmd_parse.c - dsng_cmd_parse: framing (length, NUL, bare
 * CR/LF), every verb and its arguments, the MAIL/RCPT head and path,
 * lenient forms (each recorded in cmd.lax) against strict mode.
 */
#include "test_cmd_util.h"

#define S DSNG_CMD_STRICT

static char *line_of(TALLOC_CTX *ctx, const char *head, char fill, size_t n,
                     const char *tail)
{
	char *s = talloc_asprintf(ctx, "%s%*s%s", head, (int)n, "", tail);
	size_t h = strlen(head), i;

	assert_non_null(s);
	for (i = 0; i < n; i++)
		s[h + i] = fill;
	return s;
}

static void test_cmd_empty_and_unknown(void **state)
{
	(void)state;
	UT_ERR("", 0, DSNG_ERR_EMPTY, 0, 500, "5.5.1");
	UT_ERR("\r\n", 0, DSNG_ERR_EMPTY, 0, 500, "5.5.1");
	UT_ERR("   \t ", 0, DSNG_ERR_EMPTY, 0, 500, "5.5.1");
	UT_ERR("XYZZ", 0, DSNG_ERR_UNKNOWN_COMMAND, 0, 500, "5.5.1");
	UT_ERR("MAILX FROM:<a@b>", 0, DSNG_ERR_UNKNOWN_COMMAND, 0, 500,
	       "5.5.1");
	UT_ERR("MAI", 0, DSNG_ERR_UNKNOWN_COMMAND, 0, 500, "5.5.1");
	UT_ERR("STARTTLSX", 0, DSNG_ERR_UNKNOWN_COMMAND, 0, 500, "5.5.1");
	UT_ERR(" MAIL FROM:<a@b>", 0, DSNG_ERR_UNKNOWN_COMMAND, 0, 500,
	       "5.5.1");
	UT_ERR("M\xc1IL FROM:<a@b>", 0, DSNG_ERR_UNKNOWN_COMMAND, 0, 500,
	       "5.5.1");
	assert_int_equal(ut_cmd.verb, DSNG_VERB_UNKNOWN);
}

static void test_cmd_line_length(void **state)
{
	TALLOC_CTX *ctx = *state;
	struct dsng_cmd_opts o;
	char *l;

	/* default 2048 octets with the CRLF */
	l = line_of(ctx, "NOOP ", 'x', 2046 - 5, "\r\n");
	UT_OK(l, 0);
	l = line_of(ctx, "NOOP ", 'x', 2047 - 5, "\r\n");
	UT_ERR(l, 0, DSNG_ERR_LINE_TOO_LONG, 2046, 500, "5.5.2");
	assert_int_equal(ut_err.rc, DSNG_ELIMIT);
	assert_non_null(ut_err.limit);
	assert_string_equal(ut_err.limit, "max_line");
	/* without CRLF the two octets are still counted */
	l = line_of(ctx, "NOOP ", 'x', 2046 - 5, "");
	UT_OK(l, 0);
	assert_true(ut_cmd.lax & DSNG_CMD_LAX_NO_CRLF);
	l = line_of(ctx, "NOOP ", 'x', 2047 - 5, "");
	UT_ERR(l, 0, DSNG_ERR_LINE_TOO_LONG, 2046, 500, "5.5.2");

	/* configurable: RFC 5321's 512 */
	dsng_cmd_opts_init(&o, DSNG_CMD_OPTS_VERSION);
	o.max_line = 512;
	l = line_of(ctx, "RCPT TO:<a@b> X=", 'v', 510 - 16, "\r\n");
	assert_int_equal(strlen(l), 512);
	assert_int_equal(
	        dsng_cmd_parse(&ut_cmd, ut_guard(l, 512), 512, &o, &ut_err),
	        DSNG_OK);
	l = line_of(ctx, "RCPT TO:<a@b> X=", 'v', 511 - 16, "\r\n");
	assert_int_equal(
	        dsng_cmd_parse(&ut_cmd, ut_guard(l, 513), 513, &o, &ut_err),
	        DSNG_ELIMIT);
	assert_int_equal(ut_err.offset, 510);

	/* ceiling and option version */
	o.max_line = DSNG_CMD_MAX_LINE_CEILING + 1;
	assert_int_equal(dsng_cmd_parse(&ut_cmd, "QUIT", 4, &o, &ut_err),
	                 DSNG_EINVAL);
	dsng_cmd_opts_init(&o, DSNG_CMD_OPTS_VERSION);
	o.version = 99;
	assert_int_equal(dsng_cmd_parse(&ut_cmd, "QUIT", 4, &o, &ut_err),
	                 DSNG_EINVAL);
	assert_int_equal(dsng_cmd_parse(NULL, "QUIT", 4, NULL, &ut_err),
	                 DSNG_EINVAL);
	assert_int_equal(dsng_cmd_parse(&ut_cmd, "QUIT", 4, NULL, NULL),
	                 DSNG_OK);
}

static void test_cmd_nul_and_bare_cr_lf(void **state)
{
	(void)state;
	assert_int_equal(ut_parse_n("MAIL FROM:<a\0b@c>", 17, 0), DSNG_ESYNTAX);
	assert_int_equal(ut_err.kind, DSNG_ERR_NUL_BYTE);
	assert_int_equal(ut_err.offset, 12);
	assert_int_equal(ut_err.reply, 500);
	assert_string_equal(ut_err.enhanced, "5.5.2");
	/* framing wins over what the grammar would say first */
	assert_int_equal(ut_parse_n("MAIL TO:<a> X=\0", 15, 0), DSNG_ESYNTAX);
	assert_int_equal(ut_err.kind, DSNG_ERR_NUL_BYTE);
	assert_int_equal(ut_err.offset, 14);
	assert_int_equal(ut_parse_n("NOOP \0", 6, 0), DSNG_ESYNTAX);
	assert_int_equal(ut_err.kind, DSNG_ERR_NUL_BYTE);
	assert_int_equal(ut_parse_n("\0", 1, 0), DSNG_ESYNTAX);
	assert_int_equal(ut_err.kind, DSNG_ERR_NUL_BYTE);
	assert_int_equal(
	        ut_parse_n("RCPT TO:<a@b> NOTIFY=SUCCESS\0\r\n", 31, 0),
	        DSNG_ESYNTAX);
	assert_int_equal(ut_err.kind, DSNG_ERR_NUL_BYTE);
	assert_int_equal(ut_err.offset, 28);

	UT_ERR("RCPT TO:<a@b>\r NOTIFY=SUCCESS\r\n", 0, DSNG_ERR_BARE_CR_LF, 13,
	       500, "5.5.2");
	UT_ERR("RCPT TO:<a@b>\n", 0, DSNG_ERR_BARE_CR_LF, 13, 500, "5.5.2");
	UT_ERR("RCPT TO:<a@b>\r", 0, DSNG_ERR_BARE_CR_LF, 13, 500, "5.5.2");
	UT_ERR("QUIT\n", 0, DSNG_ERR_BARE_CR_LF, 4, 500, "5.5.2");
	UT_ERR("DATA\r\n\r\n", 0, DSNG_ERR_BARE_CR_LF, 4, 500, "5.5.2");
	UT_ERR("NOOP a\nb\rc", 0, DSNG_ERR_BARE_CR_LF, 6, 500, "5.5.2");
	UT_ERR("NOOP a\rb\nc", 0, DSNG_ERR_BARE_CR_LF, 6, 500, "5.5.2");
	UT_ERR("MAIL FROM:<a@b>\n\r", 0, DSNG_ERR_BARE_CR_LF, 15, 500, "5.5.2");
	UT_OK("MAIL FROM:<a@b>\r\n", S);
	assert_int_equal(ut_cmd.lax, 0);
}

static void test_cmd_verbs_without_argument(void **state)
{
	static const struct {
		const char *line;
		enum dsng_verb verb;
	} v[] = {
	        {"DATA", DSNG_VERB_DATA},
	        {"data\r\n", DSNG_VERB_DATA},
	        {"RSET", DSNG_VERB_RSET},
	        {"Quit", DSNG_VERB_QUIT},
	        {"STARTTLS", DSNG_VERB_STARTTLS},
	        {"starttls\r\n", DSNG_VERB_STARTTLS},
	        {"NOOP", DSNG_VERB_NOOP},
	        {"HELP", DSNG_VERB_HELP},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		UT_OK(v[i].line, S);
		assert_int_equal(ut_cmd.verb, v[i].verb);
		assert_null(ut_cmd.arg.ptr);
		assert_int_equal(ut_cmd.arg.len, 0);
		assert_int_equal(ut_cmd.verb_text.len,
		                 strlen(dsng_cmd_verb_name(v[i].verb)));
	}
	UT_ERR("DATA x", 0, DSNG_ERR_SYNTAX, 5, 501, "5.5.4");
	UT_ERR("QUIT now", S, DSNG_ERR_SYNTAX, 5, 501, "5.5.4");
	UT_ERR("STARTTLS x", 0, DSNG_ERR_SYNTAX, 9, 501, "5.5.4");
	UT_ERR("RSET x", 0, DSNG_ERR_SYNTAX, 5, 501, "5.5.4");
	UT_OK("DATA  ", 0);
	assert_int_equal(ut_cmd.lax & DSNG_CMD_LAX_TRAILING_SPACE,
	                 DSNG_CMD_LAX_TRAILING_SPACE);
	UT_ERR("DATA ", S, DSNG_ERR_SYNTAX, 4, 501, "5.5.4");
}

static void test_cmd_verbs_with_argument(void **state)
{
	(void)state;
	UT_OK("VRFY bob", S);
	assert_int_equal(ut_cmd.verb, DSNG_VERB_VRFY);
	UT_SPAN(ut_cmd.arg, "bob");
	UT_OK("EXPN staff list", S);
	UT_SPAN(ut_cmd.arg, "staff list");
	UT_OK("HELP mail", S);
	UT_SPAN(ut_cmd.arg, "mail");
	UT_OK("NOOP hi there\r\n", S);
	UT_SPAN(ut_cmd.arg, "hi there");
	UT_OK("AUTH PLAIN AGJvYgBwdw==", S);
	assert_int_equal(ut_cmd.verb, DSNG_VERB_AUTH);
	UT_SPAN(ut_cmd.arg, "PLAIN AGJvYgBwdw==");
	UT_OK("ETRN @example.org", S);
	UT_SPAN(ut_cmd.arg, "@example.org");
	UT_ERR("VRFY", 0, DSNG_ERR_SYNTAX, 4, 501, "5.5.4");
	UT_ERR("EXPN  ", 0, DSNG_ERR_SYNTAX, 4, 501, "5.5.4");
	UT_ERR("AUTH", 0, DSNG_ERR_SYNTAX, 4, 501, "5.5.4");
	UT_ERR("ETRN", 0, DSNG_ERR_SYNTAX, 4, 501, "5.5.4");
	/* lenient spacing, each recorded */
	UT_OK("NOOP   x  ", 0);
	UT_SPAN(ut_cmd.arg, "x");
	assert_int_equal(ut_cmd.lax & ~DSNG_CMD_LAX_NO_CRLF,
	                 DSNG_CMD_LAX_MULTI_SPACE |
	                         DSNG_CMD_LAX_TRAILING_SPACE);
	UT_ERR("NOOP  x", S, DSNG_ERR_SYNTAX, 5, 501, "5.5.4");
	UT_ERR("VRFY\tbob", S, DSNG_ERR_SYNTAX, 4, 501, "5.5.4");
	UT_OK("VRFY\tbob", 0);
	UT_SPAN(ut_cmd.arg, "bob");
}

static void test_cmd_helo(void **state)
{
	(void)state;
	UT_OK("EHLO mx.example.org", S);
	assert_int_equal(ut_cmd.verb, DSNG_VERB_EHLO);
	UT_SPAN(ut_cmd.arg, "mx.example.org");
	UT_OK("helo localhost\r\n", S);
	assert_int_equal(ut_cmd.verb, DSNG_VERB_HELO);
	UT_OK("LHLO [192.0.2.1]", S);
	assert_int_equal(ut_cmd.verb, DSNG_VERB_LHLO);
	UT_SPAN(ut_cmd.arg, "[192.0.2.1]");
	UT_OK("EHLO [IPv6:2001:db8::1]", S);
	UT_ERR("HELO", 0, DSNG_ERR_SYNTAX, 4, 501, "5.5.4");
	UT_ERR("EHLO ", 0, DSNG_ERR_SYNTAX, 4, 501, "5.5.4");
	/* a name that is no domain: taken and flagged, refused when strict */
	UT_OK("EHLO my_pc", 0);
	UT_SPAN(ut_cmd.arg, "my_pc");
	assert_true(ut_cmd.lax & DSNG_CMD_LAX_BAD_HELO);
	UT_ERR("EHLO my_pc", S, DSNG_ERR_SYNTAX, 7, 501, "5.5.4");
	UT_ERR("EHLO a.org extra", S, DSNG_ERR_SYNTAX, 10, 501, "5.5.4");
	UT_ERR("HELO [1.2.3]", S, DSNG_ERR_SYNTAX, 5, 501, "5.5.4");
	UT_OK("EHLO b\xc3\xbc.de", S | DSNG_CMD_UTF8);
}

static void test_cmd_bdat(void **state)
{
	(void)state;
	UT_OK("BDAT 1000", S);
	assert_int_equal(ut_cmd.verb, DSNG_VERB_BDAT);
	assert_int_equal(ut_cmd.bdat_size, 1000);
	assert_false(ut_cmd.bdat_last);
	UT_SPAN(ut_cmd.arg, "1000");
	UT_OK("bdat 0 last\r\n", S);
	assert_int_equal(ut_cmd.bdat_size, 0);
	assert_true(ut_cmd.bdat_last);
	UT_OK("BDAT 18446744073709551615 LAST", S);
	assert_true(ut_cmd.bdat_size == UINT64_MAX);
	UT_ERR("BDAT 18446744073709551616", 0, DSNG_ERR_SYNTAX, 5, 501,
	       "5.5.4");
	assert_non_null(strstr(ut_err.message, "larger than 2^64-1"));
	UT_ERR("BDAT 000000000000000000001", 0, DSNG_ERR_SYNTAX, 5, 501,
	       "5.5.4");
	UT_ERR("BDAT", 0, DSNG_ERR_SYNTAX, 4, 501, "5.5.4");
	UT_ERR("BDAT x", 0, DSNG_ERR_SYNTAX, 5, 501, "5.5.4");
	UT_ERR("BDAT -1", 0, DSNG_ERR_SYNTAX, 5, 501, "5.5.4");
	UT_ERR("BDAT 10 FIRST", 0, DSNG_ERR_SYNTAX, 8, 501, "5.5.4");
	UT_ERR("BDAT 10 LAST x", 0, DSNG_ERR_SYNTAX, 8, 501, "5.5.4");
	UT_ERR("BDAT 10x", 0, DSNG_ERR_SYNTAX, 7, 501, "5.5.4");
	UT_ERR("BDAT 10  LAST", S, DSNG_ERR_SYNTAX, 7, 501, "5.5.4");
	UT_OK("BDAT 10  LAST", 0);
	assert_true(ut_cmd.bdat_last);
}

static void test_cmd_mail_rcpt_head(void **state)
{
	(void)state;
	UT_OK("MAIL FROM:<a@b.example>", S);
	assert_int_equal(ut_cmd.verb, DSNG_VERB_MAIL);
	UT_SPAN(ut_cmd.path.mailbox, "a@b.example");
	assert_int_equal(ut_cmd.path_offset, 10);
	assert_int_equal(ut_cmd.n_params, 0);
	UT_OK("mail from:<a@b.example>", S);
	UT_OK("rCpT tO:<a@b.example>", S);
	assert_int_equal(ut_cmd.verb, DSNG_VERB_RCPT);
	UT_SPAN(ut_cmd.verb_text, "rCpT");

	/* space after the colon: lenient, flagged */
	UT_OK("MAIL FROM: <a@b.example>", 0);
	assert_int_equal(ut_cmd.lax & ~DSNG_CMD_LAX_NO_CRLF,
	                 DSNG_CMD_LAX_SPACE_AFTER_COLON);
	assert_int_equal(ut_cmd.path_offset, 11);
	UT_ERR("MAIL FROM: <a@b.example>", S, DSNG_ERR_SYNTAX, 10, 501,
	       "5.5.4");
	/* space before the colon: refused by both */
	UT_ERR("MAIL FROM :<a@b.example>", 0, DSNG_ERR_SYNTAX, 9, 501, "5.5.4");
	UT_ERR("RCPT TO :<a@b.example>", 0, DSNG_ERR_SYNTAX, 7, 501, "5.5.4");
	/* two spaces or a TAB after the verb */
	UT_OK("MAIL  FROM:<a@b.example>", 0);
	assert_true(ut_cmd.lax & DSNG_CMD_LAX_MULTI_SPACE);
	UT_ERR("MAIL  FROM:<a@b.example>", S, DSNG_ERR_SYNTAX, 5, 501, "5.5.4");
	UT_OK("MAIL\tFROM:<a@b.example>", 0);
	assert_true(ut_cmd.lax & DSNG_CMD_LAX_MULTI_SPACE);
	UT_ERR("MAIL\tFROM:<a@b.example>", S, DSNG_ERR_SYNTAX, 4, 501, "5.5.4");
	/* wrong or missing word */
	UT_ERR("MAIL TO:<a@b.example>", 0, DSNG_ERR_SYNTAX, 5, 501, "5.5.4");
	UT_ERR("RCPT FROM:<a@b.example>", 0, DSNG_ERR_SYNTAX, 5, 501, "5.5.4");
	UT_ERR("MAIL", 0, DSNG_ERR_SYNTAX, 4, 501, "5.5.4");
	UT_ERR("RCPT ", 0, DSNG_ERR_SYNTAX, 5, 501, "5.5.4");
	UT_ERR("MAIL FROM", 0, DSNG_ERR_SYNTAX, 5, 501, "5.5.4");
	UT_ERR("MAIL FROM;<a@b>", 0, DSNG_ERR_SYNTAX, 9, 501, "5.5.4");
	UT_ERR("MAIL FROM:", 0, DSNG_ERR_SYNTAX, 10, 501, "5.5.4");
	UT_ERR("MAIL FROM: ", 0, DSNG_ERR_SYNTAX, 11, 501, "5.5.4");
}

static void test_cmd_paths_in_commands(void **state)
{
	(void)state;
	UT_OK("MAIL FROM:<>", S);
	assert_true(ut_cmd.path.is_null);
	UT_ERR("RCPT TO:<>", 0, DSNG_ERR_NULL_PATH_NOT_ALLOWED, 8, 501,
	       "5.1.3");
	UT_OK("RCPT TO:<Postmaster>", S);
	assert_true(ut_cmd.path.is_postmaster);
	UT_ERR("MAIL FROM:<Postmaster>", 0, DSNG_ERR_BAD_ADDRESS, 21, 501,
	       "5.1.7");
	UT_ERR("MAIL FROM:<a b@c>", 0, DSNG_ERR_BAD_ADDRESS, 12, 501, "5.1.7");
	UT_ERR("RCPT TO:<a b@c>", 0, DSNG_ERR_BAD_ADDRESS, 10, 501, "5.1.3");
	UT_ERR("RCPT TO:<a@b", 0, DSNG_ERR_SYNTAX, 12, 501, "5.5.4");
	/* a parameter glued to '>' */
	UT_ERR("MAIL FROM:<a@b>SIZE=1", 0, DSNG_ERR_SYNTAX, 15, 501, "5.5.4");
	/* quoted local part with SP and '>' stays one path */
	UT_OK("RCPT TO:<\"a b>c\"@x.org> NOTIFY=NEVER", S);
	UT_SPAN(ut_cmd.path.local, "\"a b>c\"");
	assert_int_equal(ut_cmd.notify, DSNG_NOTIFY_NEVER);
	/* a quote that never closes (the last '"' escaped) swallows the
	 * '>': said so, at the opening quote */
	UT_ERR("MAIL FROM:<\"abc\\\">", 0, DSNG_ERR_SYNTAX, 11, 501, "5.5.4");
	assert_string_equal(ut_err.message, "unterminated quoted string");
	UT_ERR("RCPT TO:<\"a b> NOTIFY=NEVER", 0, DSNG_ERR_SYNTAX, 9, 501,
	       "5.5.4");
	assert_string_equal(ut_err.message, "unterminated quoted string");
	UT_OK("RCPT TO:<@a,@b:u@c.example>", S);
	UT_SPAN(ut_cmd.path.route, "@a,@b");
	UT_SPAN(ut_cmd.path.mailbox, "u@c.example");
	/* no brackets: lenient, flagged; strict refuses */
	UT_OK("MAIL FROM:a@b.example SIZE=10", 0);
	assert_true(ut_cmd.path.unbracketed);
	assert_true(ut_cmd.lax & DSNG_CMD_LAX_NO_BRACKETS);
	UT_SPAN(ut_cmd.path.mailbox, "a@b.example");
	assert_int_equal(ut_cmd.size, 10);
	UT_ERR("MAIL FROM:a@b.example", S, DSNG_ERR_SYNTAX, 10, 501, "5.5.4");
	UT_OK("RCPT TO:postmaster", 0);
	assert_true(ut_cmd.path.is_postmaster);
}

static void test_cmd_address_lengths(void **state)
{
	TALLOC_CTX *ctx = *state;
	char *l;

	l = line_of(ctx, "RCPT TO:<", 'a', 64, "@x.example>");
	UT_OK(l, S);
	l = line_of(ctx, "RCPT TO:<", 'a', 65, "@x.example>");
	UT_ERR(l, S, DSNG_ERR_BAD_ADDRESS, 9, 501, "5.1.3");
	UT_OK(l, 0);
	assert_true(ut_cmd.lax & DSNG_CMD_LAX_LONG_ADDRESS);
	l = line_of(ctx, "MAIL FROM:<", 'a', 256, "@x.example>");
	UT_ERR(l, 0, DSNG_ERR_BAD_ADDRESS, 11, 501, "5.1.7");
}

static void test_cmd_utf8_addresses(void **state)
{
	(void)state;
	UT_ERR("MAIL FROM:<d\xc3\xa9@x.example>", 0, DSNG_ERR_NON_ASCII_ADDRESS,
	       12, 553, "5.6.7");
	UT_ERR("MAIL FROM:<d\xc3\xa9@x.example> SIZE=1", S,
	       DSNG_ERR_NON_ASCII_ADDRESS, 12, 553, "5.6.7");
	/* SMTPUTF8 after the path allows it */
	UT_OK("MAIL FROM:<d\xc3\xa9@x.example> SMTPUTF8", S);
	assert_true(ut_cmd.path.has_utf8);
	assert_true(ut_cmd.smtputf8);
	UT_OK("MAIL FROM:<a@b\xc3\xbc.de> smtputf8 BODY=8BITMIME", S);
	/* invalid UTF-8 is a bad address even with SMTPUTF8 */
	UT_ERR("MAIL FROM:<d\xff@x.example> SMTPUTF8", 0, DSNG_ERR_BAD_ADDRESS,
	       12, 501, "5.1.7");
	/* RCPT: only the session flag counts */
	UT_ERR("RCPT TO:<d\xc3\xa9@x.example>", 0, DSNG_ERR_NON_ASCII_ADDRESS,
	       10, 553, "5.6.7");
	UT_OK("RCPT TO:<d\xc3\xa9@x.example>", DSNG_CMD_UTF8 | S);
	assert_true(ut_cmd.path.has_utf8);
}

static void test_cmd_param_spacing(void **state)
{
	(void)state;
	UT_OK("MAIL FROM:<a@b> SIZE=1 BODY=7BIT", S);
	assert_int_equal(ut_cmd.lax & ~DSNG_CMD_LAX_NO_CRLF, 0);
	UT_OK("MAIL FROM:<a@b>  SIZE=1\tBODY=7BIT  ", 0);
	assert_int_equal(ut_cmd.n_params, 2);
	assert_int_equal(ut_cmd.lax & ~DSNG_CMD_LAX_NO_CRLF,
	                 DSNG_CMD_LAX_MULTI_SPACE |
	                         DSNG_CMD_LAX_TRAILING_SPACE);
	UT_ERR("MAIL FROM:<a@b>  SIZE=1", S, DSNG_ERR_SYNTAX, 15, 501, "5.5.4");
	UT_ERR("MAIL FROM:<a@b> SIZE=1\tBODY=7BIT", S, DSNG_ERR_SYNTAX, 22, 501,
	       "5.5.4");
	UT_ERR("MAIL FROM:<a@b>\tSIZE=1", S, DSNG_ERR_SYNTAX, 15, 501, "5.5.4");
	UT_ERR("RCPT TO:<a@b> ", S, DSNG_ERR_SYNTAX, 13, 501, "5.5.4");
	UT_OK("RCPT TO:<a@b> \r\n", 0);
	assert_int_equal(ut_cmd.lax, DSNG_CMD_LAX_TRAILING_SPACE);
}

/* dsng_cmd_init and dsng_cmd_opts_init take every version 1..current and
 * refuse 0, current+1 and NULL without writing anything. */
static void test_cmd_init_versions(void **state)
{
	static const struct dsng_cmd empty = DSNG_CMD_INIT;
	static struct dsng_cmd c, before;
	const struct dsng_cmd_opts defaults = DSNG_CMD_OPTS_INIT;
	struct dsng_cmd_opts o, obefore;
	unsigned v;

	(void)state;
	for (v = 1; v <= DSNG_CMD_VERSION; v++) {
		memset(&c, 0xa5, sizeof(c));
		assert_int_equal(dsng_cmd_init(&c, v), DSNG_OK);
		assert_int_equal(c.version, v);
		assert_int_equal(c.verb, DSNG_VERB_UNKNOWN);
		assert_int_equal(c.n_params, 0);
		assert_false(c.path.is_null);
		if (v == DSNG_CMD_VERSION)
			assert_memory_equal(&c, &empty, sizeof(c));
	}
	memset(&c, 0xa5, sizeof(c));
	before = c;
	assert_int_equal(dsng_cmd_init(&c, 0), DSNG_EINVAL);
	assert_int_equal(dsng_cmd_init(&c, DSNG_CMD_VERSION + 1), DSNG_EINVAL);
	assert_memory_equal(&c, &before, sizeof(c));
	assert_int_equal(dsng_cmd_init(NULL, DSNG_CMD_VERSION), DSNG_EINVAL);

	for (v = 1; v <= DSNG_CMD_OPTS_VERSION; v++) {
		memset(&o, 0xa5, sizeof(o));
		assert_int_equal(dsng_cmd_opts_init(&o, v), DSNG_OK);
		assert_int_equal(o.version, v);
		assert_int_equal(o.flags, defaults.flags);
		assert_int_equal(o.max_line, DSNG_CMD_DEFAULT_MAX_LINE);
	}
	memset(&o, 0xa5, sizeof(o));
	obefore = o;
	assert_int_equal(dsng_cmd_opts_init(&o, 0), DSNG_EINVAL);
	assert_int_equal(dsng_cmd_opts_init(&o, DSNG_CMD_OPTS_VERSION + 1),
	                 DSNG_EINVAL);
	assert_memory_equal(&o, &obefore, sizeof(o));
	assert_int_equal(dsng_cmd_opts_init(NULL, DSNG_CMD_OPTS_VERSION),
	                 DSNG_EINVAL);
}

/* A command struct or options of a version the library does not know are
 * refused with DSNG_EINVAL and the command is left as it was; every known
 * version parses. */
static void test_cmd_unknown_versions(void **state)
{
	static const unsigned bad[] = {0, DSNG_CMD_VERSION + 1};
	static const unsigned bad_opts[] = {0, DSNG_CMD_OPTS_VERSION + 1};
	static const char line[] = "RCPT TO:<a@b.example> NOTIFY=SUCCESS";
	const size_t n = sizeof(line) - 1;
	static struct dsng_cmd c, before;
	struct dsng_cmd_opts o = DSNG_CMD_OPTS_INIT;
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&c, 0xa5, sizeof(c));
		c.version = bad[i];
		before = c;
		dsng_error_clear(&ut_err);
		assert_int_equal(
		        dsng_cmd_parse(&c, ut_guard(line, n), n, NULL, &ut_err),
		        DSNG_EINVAL);
		assert_int_equal(ut_err.kind, DSNG_ERR_INVALID_ARGUMENT);
		assert_memory_equal(&c, &before, sizeof(c));
		/* the readers treat it as no command */
		memset(buf, 'x', sizeof(buf));
		assert_int_equal(dsng_cmd_format_buf(buf, sizeof(buf), &c), 0);
		assert_string_equal(buf, "");
		assert_null(dsng_cmd_find_param(&c, DSNG_PARAM_NOTIFY));
	}
	for (i = 0; i < sizeof(bad_opts) / sizeof(bad_opts[0]); i++) {
		dsng_cmd_init(&c, DSNG_CMD_VERSION);
		before = c;
		o.version = bad_opts[i];
		dsng_error_clear(&ut_err);
		assert_int_equal(
		        dsng_cmd_parse(&c, ut_guard(line, n), n, &o, &ut_err),
		        DSNG_EINVAL);
		assert_int_equal(ut_err.kind, DSNG_ERR_INVALID_ARGUMENT);
		assert_memory_equal(&c, &before, sizeof(c));
	}
	for (o.version = 1; o.version <= DSNG_CMD_OPTS_VERSION; o.version++) {
		unsigned v;

		for (v = 1; v <= DSNG_CMD_VERSION; v++) {
			dsng_cmd_init(&c, v);
			assert_int_equal(dsng_cmd_parse(&c, ut_guard(line, n),
			                                n, &o, NULL),
			                 DSNG_OK);
			assert_int_equal(c.version, v);
			assert_int_equal(c.notify, DSNG_NOTIFY_SUCCESS);
			assert_non_null(
			        dsng_cmd_find_param(&c, DSNG_PARAM_NOTIFY));
		}
	}
}

static void test_cmd_names(void **state)
{
	int v;

	(void)state;
	assert_null(dsng_cmd_verb_name(DSNG_VERB_UNKNOWN));
	assert_null(dsng_cmd_verb_name(DSNG_VERB__COUNT));
	for (v = 1; v < DSNG_VERB__COUNT; v++) {
		const char *n = dsng_cmd_verb_name((enum dsng_verb)v);

		assert_non_null(n);
		/* every name parses back to its verb */
		if (v == DSNG_VERB_MAIL || v == DSNG_VERB_RCPT)
			continue;
		ut_parse(n, 0);
		assert_int_equal(ut_cmd.verb, v);
	}
	assert_string_equal(dsng_cmd_param_name(DSNG_PARAM_MT_PRIORITY),
	                    "MT-PRIORITY");
	assert_null(dsng_cmd_param_name(DSNG_PARAM_OTHER));
	assert_null(dsng_cmd_param_name(DSNG_PARAM__COUNT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        UT_TEST(test_cmd_empty_and_unknown),
	        UT_TEST(test_cmd_line_length),
	        UT_TEST(test_cmd_nul_and_bare_cr_lf),
	        UT_TEST(test_cmd_verbs_without_argument),
	        UT_TEST(test_cmd_verbs_with_argument),
	        UT_TEST(test_cmd_helo),
	        UT_TEST(test_cmd_bdat),
	        UT_TEST(test_cmd_mail_rcpt_head),
	        UT_TEST(test_cmd_paths_in_commands),
	        UT_TEST(test_cmd_address_lengths),
	        UT_TEST(test_cmd_utf8_addresses),
	        UT_TEST(test_cmd_param_spacing),
	        UT_TEST(test_cmd_init_versions),
	        UT_TEST(test_cmd_unknown_versions),
	        UT_TEST(test_cmd_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
