/*
 * tests/test_reply.c - SMTP reply framing (RFC 5321 4.2): single and
 * multi-line replies, enhanced codes per line, every error with its kind,
 * offset and line, the streaming completeness check, the writers.
 */
#include "dsng_test.h"

/* Parse through a guard page (an empty input gets none: the support
 * helper cannot free a 0-byte guard). */
static int parse_g(TALLOC_CTX *ctx, const char *s, size_t len,
                   const struct dsng_reply_opts *opts, struct dsng_reply **r,
                   struct dsng_error *err)
{
	const char *g;
	int rc;

	if (len == 0)
		return dsng_reply_parse(ctx, r, "", 0, opts, err);
	g = dsng_test_guard(s, len);
	rc = dsng_reply_parse(ctx, r, g, len, opts, err);
	dsng_test_guard_free(g);
	return rc;
}

static int complete_g(const char *s, size_t len,
                      const struct dsng_reply_opts *opts, size_t *used,
                      struct dsng_error *err)
{
	const char *g;
	int rc;

	if (len == 0)
		return dsng_reply_complete(used, "", 0, opts, err);
	g = dsng_test_guard(s, len);
	rc = dsng_reply_complete(used, g, len, opts, err);
	dsng_test_guard_free(g);
	return rc;
}

#define S(x) x, sizeof(x) - 1

static void test_reply_single_line(void **state)
{
	struct dsng_reply *r;
	struct dsng_error err = DSNG_ERROR_INIT;

	assert_int_equal(parse_g(*state, S("250 OK\r\n"), NULL, &r, &err),
	                 DSNG_OK);
	assert_int_equal(r->code, 250);
	assert_int_equal(r->n_lines, 1);
	assert_string_equal(r->lines[0]->text, "OK");
	assert_int_equal(r->lines[0]->text_len, 2);
	assert_ptr_equal(r->lines[0]->msg, r->lines[0]->text);
	assert_int_equal(r->lines[0]->sep, ' ');
	assert_int_equal(r->lines[0]->offset, 0);
	assert_int_equal(r->lines[0]->text_offset, 4);
	assert_int_equal(r->length, 8);
	assert_false(r->has_enhanced);
	assert_false(r->unterminated);
	talloc_free(r);
}

static void test_reply_bare_code(void **state)
{
	struct dsng_reply *r;

	assert_int_equal(parse_g(*state, S("250\r\n"), NULL, &r, NULL),
	                 DSNG_OK);
	assert_int_equal(r->code, 250);
	assert_int_equal(r->n_lines, 1);
	assert_string_equal(r->lines[0]->text, "");
	assert_int_equal(r->lines[0]->sep, 0);
	talloc_free(r);
	/* no line end at all: still one reply, marked */
	assert_int_equal(parse_g(*state, S("221"), NULL, &r, NULL), DSNG_OK);
	assert_int_equal(r->code, 221);
	assert_true(r->unterminated);
	assert_int_equal(r->length, 3);
	talloc_free(r);
	/* "250 " with empty text */
	assert_int_equal(parse_g(*state, S("250 \n"), NULL, &r, NULL), DSNG_OK);
	assert_string_equal(r->lines[0]->text, "");
	assert_int_equal(r->lines[0]->sep, ' ');
	talloc_free(r);
}

static void test_reply_multi_line_crlf_and_lf(void **state)
{
	static const char crlf[] = "250-mx.example.net Hello\r\n"
	                           "250-\r\n"
	                           "250 HELP\r\n";
	static const char lf[] = "250-mx.example.net Hello\n250-\n250 HELP\n";
	static const char mixed[] =
	        "250-mx.example.net Hello\r\n250-\n250 HELP";
	const char *inputs[] = {crlf, lf, mixed};
	size_t lens[] = {sizeof(crlf) - 1, sizeof(lf) - 1, sizeof(mixed) - 1};
	struct dsng_reply *r;
	size_t i;

	for (i = 0; i < 3; i++) {
		assert_int_equal(
		        parse_g(*state, inputs[i], lens[i], NULL, &r, NULL),
		        DSNG_OK);
		assert_int_equal(r->n_lines, 3);
		assert_string_equal(r->lines[0]->text, "mx.example.net Hello");
		assert_int_equal(r->lines[0]->sep, '-');
		assert_string_equal(r->lines[1]->text, "");
		assert_int_equal(r->lines[1]->sep, '-');
		assert_string_equal(r->lines[2]->text, "HELP");
		assert_int_equal(r->lines[2]->sep, ' ');
		assert_int_equal(r->length, lens[i]);
		assert_int_equal(r->unterminated, i == 2);
		talloc_free(r);
	}
	/* offsets of the LF-only variant */
	assert_int_equal(parse_g(*state, S(lf), NULL, &r, NULL), DSNG_OK);
	assert_int_equal(r->lines[1]->offset, 25);
	assert_int_equal(r->lines[2]->offset, 30);
	assert_int_equal(r->lines[2]->text_offset, 34);
	talloc_free(r);
}

static void test_reply_enhanced_codes(void **state)
{
	struct dsng_reply *r;

	assert_int_equal(
	        parse_g(*state,
	                S("250-2.1.0 first\r\n250 2.1.0  Sender ok\r\n"), NULL,
	                &r, NULL),
	        DSNG_OK);
	assert_true(r->has_enhanced);
	assert_string_equal(r->enhanced.str, "2.1.0");
	assert_true(r->lines[0]->has_enhanced);
	assert_string_equal(r->lines[0]->msg, "first");
	assert_string_equal(r->lines[1]->msg, "Sender ok");
	assert_string_equal(r->lines[1]->text, "2.1.0  Sender ok");
	talloc_free(r);

	/* only the second line carries one: the reply takes it */
	assert_int_equal(parse_g(*state,
	                         S("550-no code\r\n550 5.7.1 denied\r\n"), NULL,
	                         &r, NULL),
	                 DSNG_OK);
	assert_false(r->lines[0]->has_enhanced);
	assert_true(r->has_enhanced);
	assert_string_equal(r->enhanced.str, "5.7.1");
	talloc_free(r);

	/* a code of another class is text (RFC 3463: class = first digit) */
	assert_int_equal(
	        parse_g(*state, S("250 5.1.1 odd\r\n"), NULL, &r, NULL),
	        DSNG_OK);
	assert_false(r->has_enhanced);
	assert_false(r->lines[0]->has_enhanced);
	assert_string_equal(r->lines[0]->msg, "5.1.1 odd");
	talloc_free(r);

	/* 3xx replies have no enhanced codes; "2.0.0x" is not a code */
	assert_int_equal(parse_g(*state, S("354 2.0.0 go\r\n"), NULL, &r, NULL),
	                 DSNG_OK);
	assert_false(r->has_enhanced);
	talloc_free(r);
	assert_int_equal(parse_g(*state, S("250 2.0.0x\r\n"), NULL, &r, NULL),
	                 DSNG_OK);
	assert_false(r->has_enhanced);
	talloc_free(r);
	/* a bare code line after the status */
	assert_int_equal(parse_g(*state, S("421 4.4.2\r\n"), NULL, &r, NULL),
	                 DSNG_OK);
	assert_true(r->has_enhanced);
	assert_string_equal(r->lines[0]->msg, "");
	talloc_free(r);
}

struct bad_case {
	const char *in;
	size_t len;
	int status;
	enum dsng_errkind kind;
	size_t off;
	unsigned line;
};

#define B(s, st, k, o, l)                                                      \
	{                                                                      \
		s, sizeof(s) - 1, st, k, o, l                                  \
	}

static void test_reply_errors(void **state)
{
	static const struct bad_case bad[] = {
	        B("", DSNG_ESYNTAX, DSNG_ERR_EMPTY, 0, 0),
	        B("\r\n", DSNG_ESYNTAX, DSNG_ERR_BAD_REPLY, 0, 1),
	        B("25\r\n", DSNG_ESYNTAX, DSNG_ERR_BAD_REPLY, 2, 1),
	        B("2", DSNG_ESYNTAX, DSNG_ERR_BAD_REPLY, 1, 1),
	        B("2a0 x\r\n", DSNG_ESYNTAX, DSNG_ERR_BAD_REPLY, 1, 1),
	        B("650 x\r\n", DSNG_ESYNTAX, DSNG_ERR_BAD_REPLY, 0, 1),
	        B("150 x\r\n", DSNG_ESYNTAX, DSNG_ERR_BAD_REPLY, 0, 1),
	        B("260 x\r\n", DSNG_ESYNTAX, DSNG_ERR_BAD_REPLY, 1, 1),
	        B("25x x\r\n", DSNG_ESYNTAX, DSNG_ERR_BAD_REPLY, 2, 1),
	        B(" 250 x\r\n", DSNG_ESYNTAX, DSNG_ERR_BAD_REPLY, 0, 1),
	        B("250-a\r\n251 b\r\n", DSNG_ESYNTAX, DSNG_ERR_MIXED_CODES, 7,
	          2),
	        B("250-a\r\n250-b\r\n550 c\r\n", DSNG_ESYNTAX,
	          DSNG_ERR_MIXED_CODES, 14, 3),
	        B("250-a\r\n", DSNG_ESYNTAX, DSNG_ERR_BAD_CONTINUATION, 7, 2),
	        B("250-a", DSNG_ESYNTAX, DSNG_ERR_BAD_CONTINUATION, 5, 2),
	        B("250 a\r\n250 b\r\n", DSNG_ESYNTAX, DSNG_ERR_BAD_CONTINUATION,
	          7, 2),
	        B("250 a\r\nx", DSNG_ESYNTAX, DSNG_ERR_BAD_CONTINUATION, 7, 2),
	        B("250\r\n250 b\r\n", DSNG_ESYNTAX, DSNG_ERR_BAD_CONTINUATION,
	          5, 2),
	        B("250_a\r\n", DSNG_ESYNTAX, DSNG_ERR_BAD_CONTINUATION, 3, 1),
	        B("250-a\r\n250:b\r\n", DSNG_ESYNTAX, DSNG_ERR_BAD_CONTINUATION,
	          10, 2),
	        B("2500 a\r\n", DSNG_ESYNTAX, DSNG_ERR_BAD_CONTINUATION, 3, 1),
	        B("250 a\0b\r\n", DSNG_ESYNTAX, DSNG_ERR_NUL_BYTE, 5, 1),
	        B("250-a\r\n\0", DSNG_ESYNTAX, DSNG_ERR_NUL_BYTE, 7, 2),
	        B("250 a\rb\r\n", DSNG_ESYNTAX, DSNG_ERR_BARE_CR_LF, 5, 1),
	        B("250 a\r\r\n", DSNG_ESYNTAX, DSNG_ERR_BARE_CR_LF, 5, 1),
	        B("250-a\r\n\r\n250 b\r\n", DSNG_ESYNTAX, DSNG_ERR_BAD_REPLY, 7,
	          2),
	};
	struct dsng_reply *r = (struct dsng_reply *)&r;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t i, before = talloc_total_blocks(*state);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = parse_g(*state, bad[i].in, bad[i].len, NULL, &r, &err);
		if (rc != bad[i].status || err.kind != bad[i].kind ||
		    err.offset != bad[i].off || err.line != bad[i].line)
			fail_msg("case %zu: rc %d kind %s off %zu line %u (%s)",
			         i, rc, dsng_error_kind_name(err.kind),
			         err.offset, err.line, err.message);
		assert_null(r);
		assert_int_equal(err.reply, 0);
		assert_string_equal(err.enhanced, "");
		assert_int_equal(talloc_total_blocks(*state), before);
	}
	/* column is 1-based within the line */
	parse_g(*state, S("250-a\r\n250:b\r\n"), NULL, &r, &err);
	assert_int_equal(err.column, 4);
}

static void test_reply_line_limits(void **state)
{
	struct dsng_reply_opts opts;
	struct dsng_reply *r;
	struct dsng_error err = DSNG_ERROR_INIT;
	char *line;
	size_t n;

	/* 510 octets + CRLF = 512 is the RFC 5321 maximum */
	line = talloc_size(*state, 5000);
	memset(line, 'a', 5000);
	memcpy(line, "250 ", 4);
	memcpy(line + 510, "\r\n", 2);
	assert_int_equal(parse_g(*state, line, 512, NULL, &r, &err), DSNG_OK);
	talloc_free(r);
	line[510] = 'a';
	memcpy(line + 511, "\r\n", 2);
	assert_int_equal(parse_g(*state, line, 513, NULL, &r, &err),
	                 DSNG_ELIMIT);
	assert_int_equal(err.kind, DSNG_ERR_LINE_TOO_LONG);
	assert_int_equal(err.offset, 510);
	assert_non_null(err.limit);
	assert_string_equal(err.limit, "max_line");
	/* LF-only lines are counted as if they ended in CRLF */
	line[511] = '\n';
	assert_int_equal(parse_g(*state, line, 512, NULL, &r, &err),
	                 DSNG_ELIMIT);

	/* lenient mode: 4096 (the default max_line, 0, follows the flag) */
	dsng_reply_opts_init(&opts, DSNG_REPLY_OPTS_VERSION);
	opts.flags = DSNG_REPLY_LENIENT;
	memset(line + 4, 'a', 4990);
	memcpy(line + 4094, "\r\n", 2);
	assert_int_equal(parse_g(*state, line, 4096, &opts, &r, &err), DSNG_OK);
	assert_int_equal(r->lines[0]->text_len, 4090);
	talloc_free(r);
	line[4094] = 'a';
	memcpy(line + 4095, "\r\n", 2);
	assert_int_equal(parse_g(*state, line, 4097, &opts, &r, &err),
	                 DSNG_ELIMIT);
	assert_int_equal(err.offset, 4094);

	/* an explicit limit, on the second line */
	opts.flags = 0;
	opts.max_line = 12;
	assert_int_equal(parse_g(*state, S("250-012345\r\n250 01234567\r\n"),
	                         &opts, &r, &err),
	                 DSNG_ELIMIT);
	assert_int_equal(err.kind, DSNG_ERR_LINE_TOO_LONG);
	assert_int_equal(err.offset, 12 + 10);
	assert_int_equal(err.line, 2);

	/* too many lines */
	dsng_reply_opts_init(&opts, DSNG_REPLY_OPTS_VERSION);
	opts.max_lines = 2;
	assert_int_equal(
	        parse_g(*state, S("250-a\n250-b\n250 c\n"), &opts, &r, &err),
	        DSNG_ELIMIT);
	assert_int_equal(err.kind, DSNG_ERR_SIZE_LIMIT);
	assert_int_equal(err.offset, 12);
	assert_int_equal(err.line, 3);
	assert_non_null(err.limit);
	assert_string_equal(err.limit, "max_lines");
	/* only DSNG_ELIMIT errors name a limit */
	assert_int_equal(parse_g(*state, S("2x"), NULL, &r, &err),
	                 DSNG_ESYNTAX);
	assert_null(err.limit);

	/* unknown options version */
	opts.version = 99;
	assert_int_equal(parse_g(*state, S("250 a\n"), &opts, &r, &err),
	                 DSNG_EINVAL);
	assert_int_equal(err.kind, DSNG_ERR_INVALID_ARGUMENT);
	assert_int_equal(dsng_reply_parse(*state, &r, NULL, 3, NULL, &err),
	                 DSNG_EINVAL);
	assert_int_equal(dsng_reply_parse(*state, NULL, "250", 3, NULL, &err),
	                 DSNG_EINVAL);
	n = 1;
	assert_int_equal(dsng_reply_complete(&n, "250", 3, &opts, &err),
	                 DSNG_EINVAL);
	assert_int_equal(n, 0);
	talloc_free(line);
}

static void test_reply_opts_clamped(void **state)
{
	struct dsng_reply_opts opts;
	struct dsng_reply *r;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t used;

	assert_int_equal(dsng_reply_opts_init(NULL, DSNG_REPLY_OPTS_VERSION),
	                 DSNG_EINVAL);
	assert_int_equal(dsng_reply_opts_init(&opts, DSNG_REPLY_OPTS_VERSION),
	                 DSNG_OK);
	/* 0: 512, or 4096 once DSNG_REPLY_LENIENT is set */
	assert_int_equal(opts.max_line, 0);
	assert_int_equal(opts.max_lines, DSNG_REPLY_DEFAULT_MAX_LINES);
	/* a limit too small to hold "250" and CRLF is raised to 5 */
	opts.max_line = 1;
	assert_int_equal(parse_g(*state, S("250\r\n"), &opts, &r, &err),
	                 DSNG_OK);
	talloc_free(r);
	assert_int_equal(parse_g(*state, S("250 a\r\n"), &opts, &r, &err),
	                 DSNG_ELIMIT);
	assert_int_equal(err.offset, 3);
	/* no option goes above the ceiling */
	opts.max_line = (size_t)-1;
	assert_int_equal(complete_g(S("250 ok"), &opts, &used, &err), 0);
	assert_int_equal(dsng_reply_complete(&used, NULL, 3, NULL, &err),
	                 DSNG_EINVAL);
	assert_int_equal(dsng_reply_complete(NULL, "250\n", 4, NULL, &err),
	                 DSNG_EINVAL);
}

/* dsng_reply_opts_init takes every version 1..current and refuses the
 * others without writing anything. */
static void test_reply_opts_versions(void **state)
{
	const struct dsng_reply_opts defaults = DSNG_REPLY_OPTS_INIT;
	struct dsng_reply_opts opts, before;
	unsigned v;

	(void)state;
	for (v = 1; v <= DSNG_REPLY_OPTS_VERSION; v++) {
		memset(&opts, 0xa5, sizeof(opts));
		assert_int_equal(dsng_reply_opts_init(&opts, v), DSNG_OK);
		assert_int_equal(opts.version, v);
		assert_int_equal(opts.flags, defaults.flags);
		assert_int_equal(opts.max_line, defaults.max_line);
		assert_int_equal(opts.max_lines, defaults.max_lines);
	}
	memset(&opts, 0xa5, sizeof(opts));
	before = opts;
	assert_int_equal(dsng_reply_opts_init(&opts, 0), DSNG_EINVAL);
	assert_int_equal(
	        dsng_reply_opts_init(&opts, DSNG_REPLY_OPTS_VERSION + 1),
	        DSNG_EINVAL);
	assert_memory_equal(&opts, &before, sizeof(opts));
	assert_int_equal(dsng_reply_opts_init(NULL, 1), DSNG_EINVAL);
}

/* Options of a version the library does not know are refused by both
 * functions that take them, before anything is parsed or allocated. */
static void test_reply_opts_unknown_version(void **state)
{
	static const unsigned bad[] = {0, DSNG_REPLY_OPTS_VERSION + 1};
	struct dsng_reply_opts opts = DSNG_REPLY_OPTS_INIT;
	struct dsng_error err = DSNG_ERROR_INIT;
	struct dsng_reply *r;
	size_t used, i, blocks = talloc_total_blocks(*state);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		opts.version = bad[i];
		r = (struct dsng_reply *)&err; /* must become NULL */
		assert_int_equal(
		        parse_g(*state, S("250 ok\r\n"), &opts, &r, &err),
		        DSNG_EINVAL);
		assert_null(r);
		assert_int_equal(err.kind, DSNG_ERR_INVALID_ARGUMENT);
		used = 7;
		assert_int_equal(
		        complete_g(S("250 ok\r\n"), &opts, &used, &err),
		        DSNG_EINVAL);
		assert_int_equal(used, 0);
	}
	assert_int_equal(talloc_total_blocks(*state), blocks);
	/* every known version is taken */
	for (opts.version = 1; opts.version <= DSNG_REPLY_OPTS_VERSION;
	     opts.version++) {
		assert_int_equal(
		        parse_g(*state, S("250 ok\r\n"), &opts, &r, &err),
		        DSNG_OK);
		talloc_free(r);
	}
}

static void test_reply_complete_streaming(void **state)
{
	static const char two[] =
	        "250-mx.example.net\r\n250-DSN\r\n250 HELP\r\n"
	        "220 next\r\n";
	const size_t first = 39;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t used, i;

	(void)state;
	/* every strict prefix of the first reply needs more */
	for (i = 0; i < first; i++) {
		used = 99;
		assert_int_equal(complete_g(two, i, NULL, &used, &err), 0);
		assert_int_equal(used, 0);
	}
	/* from the final LF on, the first reply is complete */
	for (i = first; i <= sizeof(two) - 1; i++) {
		assert_int_equal(complete_g(two, i, NULL, &used, &err), 1);
		assert_int_equal(used, first);
	}
	/* and the second reply follows it */
	assert_int_equal(complete_g(two + first, sizeof(two) - 1 - first, NULL,
	                            &used, &err),
	                 1);
	assert_int_equal(used, 10);
	/* a bare final code with LF */
	assert_int_equal(complete_g(S("250\n"), NULL, &used, &err), 1);
	assert_int_equal(used, 4);
}

static void test_reply_complete_errors_early(void **state)
{
	struct dsng_reply_opts opts;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t used;
	char *big;

	(void)state;
	assert_int_equal(complete_g(S("2x"), NULL, &used, &err), DSNG_ESYNTAX);
	assert_int_equal(err.kind, DSNG_ERR_BAD_REPLY);
	assert_int_equal(err.offset, 1);
	assert_int_equal(complete_g(S("250-a\r\n251"), NULL, &used, &err),
	                 DSNG_ESYNTAX);
	assert_int_equal(err.kind, DSNG_ERR_MIXED_CODES);
	assert_int_equal(err.offset, 7);
	assert_int_equal(complete_g(S("250+"), NULL, &used, &err),
	                 DSNG_ESYNTAX);
	assert_int_equal(err.kind, DSNG_ERR_BAD_CONTINUATION);
	assert_int_equal(complete_g(S("250 a\0"), NULL, &used, &err),
	                 DSNG_ESYNTAX);
	assert_int_equal(err.kind, DSNG_ERR_NUL_BYTE);
	assert_int_equal(complete_g(S("250 a\rb"), NULL, &used, &err),
	                 DSNG_ESYNTAX);
	assert_int_equal(err.kind, DSNG_ERR_BARE_CR_LF);
	/* a line that has no LF yet but already passed the limit */
	dsng_reply_opts_init(&opts, DSNG_REPLY_OPTS_VERSION);
	big = talloc_size(NULL, 600);
	memset(big, 'x', 600);
	memcpy(big, "250 ", 4);
	assert_int_equal(complete_g(big, 510, &opts, &used, &err), 0);
	assert_int_equal(complete_g(big, 511, &opts, &used, &err), DSNG_ELIMIT);
	assert_int_equal(err.kind, DSNG_ERR_LINE_TOO_LONG);
	assert_int_equal(err.offset, 510);
	/* ... but a CR at the limit may be the start of CRLF */
	big[510] = '\r';
	assert_int_equal(complete_g(big, 511, &opts, &used, &err), 0);
	talloc_free(big);
}

static void test_reply_pipelined_replies(void **state)
{
	static const char in[] = "250 2.1.0 Sender ok\r\n"
	                         "250 2.1.5 Recipient ok\r\n"
	                         "354 Enter mail\r\n";
	const char *p = in;
	size_t left = sizeof(in) - 1, used;
	int codes[3], n = 0;
	struct dsng_reply *r;

	while (left && dsng_reply_complete(&used, p, left, NULL, NULL) == 1) {
		assert_int_equal(
		        dsng_reply_parse(*state, &r, p, used, NULL, NULL),
		        DSNG_OK);
		codes[n++] = r->code;
		talloc_free(r);
		p += used;
		left -= used;
	}
	assert_int_equal(n, 3);
	assert_int_equal(codes[0], 250);
	assert_int_equal(codes[2], 354);
	assert_int_equal(left, 0);
}

static void test_reply_format_and_text(void **state)
{
	struct dsng_reply *r;
	char *s;

	assert_int_equal(parse_g(*state,
	                         S("550-5.1.1 no such user\n550 5.1.1 bye"),
	                         NULL, &r, NULL),
	                 DSNG_OK);
	s = dsng_reply_format(*state, r);
	assert_string_equal(s, "550-5.1.1 no such user\r\n550 5.1.1 bye\r\n");
	talloc_free(s);
	s = dsng_reply_text(*state, r, false);
	assert_string_equal(s, "5.1.1 no such user\n5.1.1 bye");
	talloc_free(s);
	s = dsng_reply_text(*state, r, true);
	assert_string_equal(s, "no such user\nbye");
	talloc_free(s);
	talloc_free(r);
	/* bare code round trip */
	assert_int_equal(parse_g(*state, S("250\n"), NULL, &r, NULL), DSNG_OK);
	s = dsng_reply_format(*state, r);
	assert_string_equal(s, "250\r\n");
	talloc_free(s);
	talloc_free(r);
	assert_null(dsng_reply_format(*state, NULL));
	assert_null(dsng_reply_text(*state, NULL, false));
}

static void test_reply_round_trip(void **state)
{
	static const char in[] = "250-a b  c\n250-\n250-2.0.0 x\n250 end";
	struct dsng_reply *r, *r2;
	size_t i;
	char *s;

	assert_int_equal(parse_g(*state, S(in), NULL, &r, NULL), DSNG_OK);
	s = dsng_reply_format(*state, r);
	assert_int_equal(parse_g(*state, s, strlen(s), NULL, &r2, NULL),
	                 DSNG_OK);
	assert_int_equal(r2->code, r->code);
	assert_int_equal(r2->n_lines, r->n_lines);
	for (i = 0; i < r->n_lines; i++) {
		assert_string_equal(r2->lines[i]->text, r->lines[i]->text);
		assert_int_equal(r2->lines[i]->has_enhanced,
		                 r->lines[i]->has_enhanced);
	}
	talloc_free(r);
	talloc_free(r2);
	talloc_free(s);
}

static void test_reply_result_is_one_child(void **state)
{
	struct dsng_reply *r;
	size_t before = talloc_total_blocks(*state);

	assert_int_equal(
	        parse_g(*state, S("250-a\r\n250 b\r\n"), NULL, &r, NULL),
	        DSNG_OK);
	assert_ptr_equal(talloc_parent(r), *state);
	talloc_free(r);
	assert_int_equal(talloc_total_blocks(*state), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f)                                                                   \
	cmocka_unit_test_setup_teardown(f, dsng_test_setup_ctx,                \
	                                dsng_test_teardown_ctx)
	        T(test_reply_single_line),
	        T(test_reply_opts_versions),
	        T(test_reply_opts_unknown_version),
	        T(test_reply_bare_code),
	        T(test_reply_multi_line_crlf_and_lf),
	        T(test_reply_enhanced_codes),
	        T(test_reply_errors),
	        T(test_reply_line_limits),
	        T(test_reply_opts_clamped),
	        T(test_reply_complete_streaming),
	        T(test_reply_complete_errors_early),
	        T(test_reply_pipelined_replies),
	        T(test_reply_format_and_text),
	        T(test_reply_round_trip),
	        T(test_reply_result_is_one_child),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
