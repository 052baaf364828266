/*
 * tests/test_ehlo.c - EHLO replies as capability sets: the keywords we
 * decode, unknown ones kept, every error with its offset, the writer that
 * hides keywords (canonical and verbatim), and the raw-bytes helper.
 */
#include "dsng_test.h"

/* The EHLO reply of the backscatter session in issue 2. */
static const char sample[] =
        "250-mx.example.net Hello client.example.com [198.51.100.33], "
        "pleased to meet you\r\n"
        "250-ENHANCEDSTATUSCODES\r\n"
        "250-PIPELINING\r\n"
        "250-8BITMIME\r\n"
        "250-SIZE\r\n"
        "250-DSN\r\n"
        "250-DELIVERBY\r\n"
        "250 HELP\r\n";

/* A Postfix-like reply with values and the legacy AUTH= line. */
static const char postfix[] = "250-mail.example.org\r\n"
                              "250-PIPELINING\r\n"
                              "250-SIZE 10240000\r\n"
                              "250-VRFY\r\n"
                              "250-ETRN\r\n"
                              "250-STARTTLS\r\n"
                              "250-AUTH PLAIN LOGIN\r\n"
                              "250-AUTH=PLAIN LOGIN cram-md5\r\n"
                              "250-ENHANCEDSTATUSCODES\r\n"
                              "250-8BITMIME\r\n"
                              "250-DSN\r\n"
                              "250-SMTPUTF8\r\n"
                              "250 CHUNKING\r\n";

static int parse_g(TALLOC_CTX *ctx, const char *s, size_t len,
                   struct dsng_ehlo **out, struct dsng_error *err)
{
	const char *g;
	int rc;

	if (len == 0)
		return dsng_ehlo_parse(ctx, out, "", 0, NULL, err);
	g = dsng_test_guard(s, len);
	rc = dsng_ehlo_parse(ctx, out, g, len, NULL, err);
	dsng_test_guard_free(g);
	return rc;
}

#define S(x) x, sizeof(x) - 1

static void test_ehlo_sample_from_issue(void **state)
{
	static const char *const kws[] = {
	        "ENHANCEDSTATUSCODES", "PIPELINING", "8BITMIME", "SIZE", "DSN",
	        "DELIVERBY",           "HELP"};
	struct dsng_ehlo *c;
	size_t i;

	assert_int_equal(parse_g(*state, S(sample), &c, NULL), DSNG_OK);
	assert_int_equal(c->code, 250);
	assert_string_equal(c->domain, "mx.example.net");
	assert_string_equal(c->greeting,
	                    "Hello client.example.com [198.51.100.33], "
	                    "pleased to meet you");
	assert_int_equal(c->n_caps, 7);
	for (i = 0; i < 7; i++) {
		assert_string_equal(c->caps[i]->keyword, kws[i]);
		assert_int_equal(c->caps[i]->n_params, 0);
		assert_int_equal(c->caps[i]->line, i + 1);
	}
	assert_int_equal(c->flags,
	                 DSNG_EHLO_F_ENHANCEDSTATUSCODES |
	                         DSNG_EHLO_F_PIPELINING | DSNG_EHLO_F_8BITMIME |
	                         DSNG_EHLO_F_SIZE | DSNG_EHLO_F_DSN |
	                         DSNG_EHLO_F_DELIVERBY | DSNG_EHLO_F_HELP);
	assert_true(dsng_ehlo_has(c, "DSN"));
	assert_true(dsng_ehlo_has(c, "dsn"));
	assert_false(dsng_ehlo_has(c, "STARTTLS"));
	assert_int_equal(c->size, 0); /* SIZE without a number: no limit */
	assert_int_equal(c->deliverby_min, 0);
	assert_int_equal(c->reply->n_lines, 8);
	talloc_free(c);
}

static void test_ehlo_values_and_auth(void **state)
{
	struct dsng_ehlo *c;
	const struct dsng_ehlo_cap *cap;

	assert_int_equal(parse_g(*state, S(postfix), &c, NULL), DSNG_OK);
	assert_int_equal(c->n_caps, 12);
	assert_int_equal(c->size, 10240000);
	cap = dsng_ehlo_find(c, "size");
	assert_non_null(cap);
	assert_int_equal(cap->kw, DSNG_EHLO_KW_SIZE);
	assert_int_equal(cap->n_params, 1);
	assert_string_equal(cap->params[0], "10240000");
	/* both AUTH lines, mechanisms once each, upper-case */
	assert_int_equal(c->n_auth, 3);
	assert_string_equal(c->auth[0], "PLAIN");
	assert_string_equal(c->auth[1], "LOGIN");
	assert_string_equal(c->auth[2], "CRAM-MD5");
	assert_true(dsng_ehlo_has_auth(c, "cram-md5"));
	assert_false(dsng_ehlo_has_auth(c, "GSSAPI"));
	assert_false(c->caps[5]->legacy_auth);
	assert_true(c->caps[6]->legacy_auth);
	assert_string_equal(c->caps[6]->keyword, "AUTH");
	assert_int_equal(c->caps[6]->n_params, 3);
	assert_string_equal(c->caps[6]->params[2], "cram-md5"); /* as sent */
	assert_true(c->flags & DSNG_EHLO_F_STARTTLS);
	assert_true(c->flags & DSNG_EHLO_F_SMTPUTF8);
	assert_true(c->flags & DSNG_EHLO_F_CHUNKING);
	assert_true(c->flags & DSNG_EHLO_F_VRFY);
	assert_true(c->flags & DSNG_EHLO_F_ETRN);
	assert_true(c->flags & DSNG_EHLO_F_AUTH);
	assert_string_equal(c->greeting, "");
	talloc_free(c);
}

static void test_ehlo_extensions_decoded(void **state)
{
	static const char in[] =
	        "250-relay.example Hi\n"
	        "250-DELIVERBY 240\n"
	        "250-MT-PRIORITY MIXER\n"
	        "250-FUTURERELEASE 604800 2026-12-01T00:00:00Z\n"
	        "250-REQUIRETLS\n"
	        "250-RRVS\n"
	        "250-BINARYMIME\n"
	        "250-XCLIENT NAME ADDR  PROTO\n"
	        "250-x-exps GSSAPI\n"
	        "250-size 100 \n"
	        "250-SIZE 200\n"
	        "250 expn\n";
	struct dsng_ehlo *c;

	assert_int_equal(parse_g(*state, S(in), &c, NULL), DSNG_OK);
	assert_string_equal(c->domain, "relay.example");
	assert_string_equal(c->greeting, "Hi");
	assert_int_equal(c->deliverby_min, 240);
	assert_string_equal(c->mt_priority_profile, "MIXER");
	assert_int_equal(c->futurerelease_max_interval, 604800);
	assert_string_equal(c->futurerelease_max_datetime,
	                    "2026-12-01T00:00:00Z");
	assert_true(c->flags & DSNG_EHLO_F_REQUIRETLS);
	assert_true(c->flags & DSNG_EHLO_F_RRVS);
	assert_true(c->flags & DSNG_EHLO_F_BINARYMIME);
	assert_true(c->flags & DSNG_EHLO_F_MT_PRIORITY);
	assert_true(c->flags & DSNG_EHLO_F_FUTURERELEASE);
	assert_true(c->flags & DSNG_EHLO_F_EXPN);
	assert_false(c->flags & DSNG_EHLO_F_DSN);
	/* unknown keywords kept in order with their parameters */
	assert_int_equal(c->caps[6]->kw, DSNG_EHLO_KW_OTHER);
	assert_string_equal(c->caps[6]->keyword, "XCLIENT");
	assert_int_equal(c->caps[6]->n_params, 3);
	assert_string_equal(c->caps[6]->params[2], "PROTO");
	assert_string_equal(c->caps[7]->keyword, "X-EXPS");
	/* lower-case keyword, repeated: first value wins, both kept */
	assert_string_equal(c->caps[8]->keyword, "SIZE");
	assert_int_equal(c->caps[8]->n_params, 1);
	assert_int_equal(c->size, 100);
	assert_string_equal(c->caps[9]->params[0], "200");
	assert_true(dsng_ehlo_has(c, "X-EXPS"));
	talloc_free(c);
}

static void test_ehlo_size_bounds(void **state)
{
	struct dsng_ehlo *c;
	struct dsng_error err = DSNG_ERROR_INIT;

	assert_int_equal(
	        parse_g(*state,
	                S("250-mx\r\n250 SIZE 18446744073709551615\r\n"), &c,
	                NULL),
	        DSNG_OK);
	assert_true(c->size == UINT64_MAX);
	talloc_free(c);
	assert_int_equal(
	        parse_g(*state,
	                S("250-mx\r\n250 SIZE 18446744073709551616\r\n"), &c,
	                &err),
	        DSNG_ESYNTAX);
	assert_int_equal(err.offset, 17);
	/* a number, only too large: out of range, not "not a number" */
	assert_string_equal(err.message, "EHLO reply: SIZE limit is out of "
	                                 "range (the largest is "
	                                 "18446744073709551615)");
	assert_int_equal(
	        parse_g(*state,
	                S("250-mx\r\n250 SIZE 123456789012345678901\r\n"), &c,
	                &err),
	        DSNG_ESYNTAX);
	assert_non_null(strstr(err.message, "out of range"));
	assert_int_equal(
	        parse_g(*state, S("250-mx\r\n250 SIZE 12x\r\n"), &c, &err),
	        DSNG_ESYNTAX);
	assert_string_equal(err.message, "EHLO reply: SIZE limit is not a "
	                                 "number");
	assert_int_equal(
	        parse_g(*state,
	                S("250-mx\r\n250 FUTURERELEASE 18446744073709551616 "
	                  "2026-01-01T00:00:00Z\r\n"),
	                &c, &err),
	        DSNG_ESYNTAX);
	assert_non_null(strstr(err.message, "interval is out of range"));
	assert_int_equal(
	        parse_g(*state,
	                S("250-mx\r\n250 FUTURERELEASE 18446744073709551615 "
	                  "2026-01-01T00:00:00Z\r\n"),
	                &c, NULL),
	        DSNG_OK);
	assert_true(c->futurerelease_max_interval == UINT64_MAX);
	talloc_free(c);
	assert_int_equal(
	        parse_g(*state, S("250-mx\r\n250 SIZE 0\r\n"), &c, NULL),
	        DSNG_OK);
	assert_int_equal(c->size, 0);
	assert_true(c->flags & DSNG_EHLO_F_SIZE);
	talloc_free(c);
}

static void test_ehlo_single_line(void **state)
{
	struct dsng_ehlo *c;

	assert_int_equal(parse_g(*state, S("250 mx.example.net\r\n"), &c, NULL),
	                 DSNG_OK);
	assert_string_equal(c->domain, "mx.example.net");
	assert_string_equal(c->greeting, "");
	assert_int_equal(c->n_caps, 0);
	assert_int_equal(c->flags, 0);
	assert_false(dsng_ehlo_has(c, "DSN"));
	talloc_free(c);
	/* LHLO (RFC 2033) answers the same way */
	assert_int_equal(parse_g(*state, S("250-[192.0.2.1]\n250 PIPELINING\n"),
	                         &c, NULL),
	                 DSNG_OK);
	assert_string_equal(c->domain, "[192.0.2.1]");
	talloc_free(c);
}

struct bad_case {
	const char *in;
	size_t len;
	enum dsng_errkind kind;
	size_t off;
	int reply;
};

#define B(s, k, o, r)                                                          \
	{                                                                      \
		s, sizeof(s) - 1, k, o, r                                      \
	}

static void test_ehlo_errors(void **state)
{
	static const struct bad_case bad[] = {
	        B("550 5.7.1 go away\r\n", DSNG_ERR_BAD_EHLO, 0, 550),
	        B("502 5.5.1 EHLO not implemented\r\n", DSNG_ERR_BAD_EHLO, 0,
	          502),
	        B("421-busy\r\n421 later\r\n", DSNG_ERR_BAD_EHLO, 0, 421),
	        B("250-\r\n250 DSN\r\n", DSNG_ERR_BAD_EHLO, 4, 0),
	        B("250 \r\n", DSNG_ERR_BAD_EHLO, 4, 0),
	        B("250-mx\r\n250 SI_ZE\r\n", DSNG_ERR_BAD_EHLO, 14, 0),
	        B("250-mx\r\n250 -X\r\n", DSNG_ERR_BAD_EHLO, 12, 0),
	        B("250-mx\r\n250-\r\n250 DSN\r\n", DSNG_ERR_BAD_EHLO, 12, 0),
	        B("250-mx\r\n250-   \r\n250 DSN\r\n", DSNG_ERR_BAD_EHLO, 15, 0),
	        B("250-mx\r\n250 SIZE=100\r\n", DSNG_ERR_BAD_EHLO, 16, 0),
	        B("250-mx\r\n250 =X\r\n", DSNG_ERR_BAD_EHLO, 12, 0),
	        B("250-mx\r\n250 SIZE abc\r\n", DSNG_ERR_BAD_EHLO, 17, 0),
	        B("250-mx\r\n250 SIZE 1 2\r\n", DSNG_ERR_BAD_EHLO, 19, 0),
	        B("250-mx\r\n250 SIZE 123456789012345678901\r\n",
	          DSNG_ERR_BAD_EHLO, 17, 0),
	        B("250-mx\r\n250 SIZE 99999999999999999999\r\n",
	          DSNG_ERR_BAD_EHLO, 17, 0),
	        B("250-mx\r\n250 SIZE -1\r\n", DSNG_ERR_BAD_EHLO, 17, 0),
	        B("250-mx\r\n250 DELIVERBY 1234567890\r\n", DSNG_ERR_BAD_EHLO,
	          22, 0),
	        B("250-mx\r\n250 DELIVERBY x y\r\n", DSNG_ERR_BAD_EHLO, 24, 0),
	        B("250-mx\r\n250 MT-PRIORITY A B\r\n", DSNG_ERR_BAD_EHLO, 26,
	          0),
	        B("250-mx\r\n250 FUTURERELEASE x 2026\r\n", DSNG_ERR_BAD_EHLO,
	          26, 0),
	        B("250-mx\r\n250 FUTURERELEASE 1 2 3\r\n", DSNG_ERR_BAD_EHLO,
	          30, 0),
	        B("250-mx\r\n250 XFOO a\x01\r\n", DSNG_ERR_BAD_EHLO, 18, 0),
	        B("250-mx\r\n250 XFOO \xc3\xa9\r\n", DSNG_ERR_BAD_EHLO, 17, 0),
	        /* framing errors come from the reply parser */
	        B("250-mx\r\n251 DSN\r\n", DSNG_ERR_MIXED_CODES, 8, 0),
	        B("250-mx\r\n250-DSN\r\n", DSNG_ERR_BAD_CONTINUATION, 17, 0),
	        B("250-mx\r\n250 D\0N\r\n", DSNG_ERR_NUL_BYTE, 13, 0),
	        B("", DSNG_ERR_EMPTY, 0, 0),
	};
	struct dsng_ehlo *c = (struct dsng_ehlo *)&c;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t i, before = talloc_total_blocks(*state);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = parse_g(*state, bad[i].in, bad[i].len, &c, &err);
		if (rc != DSNG_ESYNTAX || err.kind != bad[i].kind ||
		    err.offset != bad[i].off || err.reply != bad[i].reply)
			fail_msg(
			        "case %zu: rc %d kind %s off %zu reply %d (%s)",
			        i, rc, dsng_error_kind_name(err.kind),
			        err.offset, err.reply, err.message);
		assert_null(c);
		assert_int_equal(talloc_total_blocks(*state), before);
	}
	parse_g(*state, S("550 5.7.1 go away\r\n"), &c, &err);
	assert_non_null(strstr(err.message, "550"));
	assert_int_equal(dsng_ehlo_parse(*state, NULL, "250 x", 5, NULL, &err),
	                 DSNG_EINVAL);
	assert_int_equal(dsng_ehlo_parse(*state, &c, NULL, 5, NULL, &err),
	                 DSNG_EINVAL);
}

static void test_ehlo_hide_dsn_canonical(void **state)
{
	static const char want[] =
	        "250-mx.example.net Hello client.example.com [198.51.100.33], "
	        "pleased to meet you\r\n"
	        "250-ENHANCEDSTATUSCODES\r\n"
	        "250-PIPELINING\r\n"
	        "250-8BITMIME\r\n"
	        "250-SIZE\r\n"
	        "250-DELIVERBY\r\n"
	        "250 HELP\r\n";
	struct dsng_ehlo *c, *c2;
	char *s;

	assert_int_equal(parse_g(*state, S(sample), &c, NULL), DSNG_OK);
	s = dsng_ehlo_format(*state, c, DSNG_EHLO_F_DSN, NULL, 0);
	assert_string_equal(s, want);
	/* and the client now sees no DSN */
	assert_int_equal(parse_g(*state, s, strlen(s), &c2, NULL), DSNG_OK);
	assert_false(dsng_ehlo_has(c2, "DSN"));
	assert_int_equal(c2->n_caps, 6);
	talloc_free(c2);
	talloc_free(s);
	/* nothing hidden gives the reply back */
	s = dsng_ehlo_format(*state, c, 0, NULL, 0);
	assert_string_equal(s, sample);
	talloc_free(s);
	talloc_free(c);
}

static void test_ehlo_hide_last_moves_final_marker(void **state)
{
	static const char *const help[] = {"help", NULL};
	static const char *const all[] = {
	        "ENHANCEDSTATUSCODES", "PIPELINING", "8BITMIME", "SIZE", "DSN",
	        "DELIVERBY",           "HELP",       NULL};
	struct dsng_ehlo *c;
	char *s;

	assert_int_equal(parse_g(*state, S(sample), &c, NULL), DSNG_OK);
	s = dsng_ehlo_format(*state, c, 0, help, 0);
	assert_non_null(strstr(s, "250-DSN\r\n250 DELIVERBY\r\n"));
	assert_null(strstr(s, "HELP"));
	assert_int_equal(strlen(s) - (size_t)(strstr(s, "250 DELIVERBY") - s),
	                 strlen("250 DELIVERBY\r\n"));
	talloc_free(s);
	/* the last two hidden, by mask and by name */
	s = dsng_ehlo_format(*state, c, DSNG_EHLO_F_DELIVERBY, help, 0);
	assert_non_null(strstr(s, "250 DSN\r\n"));
	assert_null(strstr(s, "DELIVERBY"));
	talloc_free(s);
	/* everything hidden: the greeting becomes the final line */
	s = dsng_ehlo_format(*state, c, 0, all, 0);
	assert_string_equal(s, "250 mx.example.net Hello client.example.com "
	                       "[198.51.100.33], pleased to meet you\r\n");
	talloc_free(s);
	/* a caller can also mark a capability removed */
	c->caps[6]->removed = 1;
	assert_false(dsng_ehlo_has(c, "HELP"));
	s = dsng_ehlo_format(*state, c, 0, NULL, 0);
	assert_non_null(strstr(s, "250 DELIVERBY\r\n"));
	talloc_free(s);
	talloc_free(c);
}

static void test_ehlo_verbatim_keeps_spelling(void **state)
{
	static const char in[] = "250-mx.example  hi there\n"
	                         "250-size   52428800\n"
	                         "250-Dsn\n"
	                         "250-auth=login plain\n"
	                         "250 8bitmime\n";
	struct dsng_ehlo *c;
	char *s;

	assert_int_equal(parse_g(*state, S(in), &c, NULL), DSNG_OK);
	s = dsng_ehlo_format(*state, c, DSNG_EHLO_F_DSN, NULL,
	                     DSNG_EHLO_FORMAT_VERBATIM);
	assert_string_equal(s, "250-mx.example  hi there\r\n"
	                       "250-size   52428800\r\n"
	                       "250-auth=login plain\r\n"
	                       "250 8bitmime\r\n");
	talloc_free(s);
	s = dsng_ehlo_format(*state, c, DSNG_EHLO_F_DSN, NULL, 0);
	assert_string_equal(s, "250-mx.example hi there\r\n"
	                       "250-SIZE 52428800\r\n"
	                       "250-AUTH=login plain\r\n"
	                       "250 8BITMIME\r\n");
	talloc_free(s);
	/* without its reply, verbatim falls back to canonical */
	c->reply = NULL;
	s = dsng_ehlo_format(*state, c, 0, NULL, DSNG_EHLO_FORMAT_VERBATIM);
	assert_non_null(strstr(s, "250-DSN\r\n"));
	talloc_free(s);
	talloc_free(c);
	assert_null(dsng_ehlo_format(*state, NULL, 0, NULL, 0));
}

/* parse -> format -> parse gives the same capability set. */
static void test_ehlo_round_trip(void **state)
{
	static const char *const inputs[] = {sample, postfix,
	                                     "250-a\n250-AUTH=\n250 x-y 1 2\n"};
	size_t k, i, j;

	for (k = 0; k < 3; k++) {
		struct dsng_ehlo *a, *b;
		char *s;

		assert_int_equal(
		        parse_g(*state, inputs[k], strlen(inputs[k]), &a, NULL),
		        DSNG_OK);
		s = dsng_ehlo_format(*state, a, 0, NULL, 0);
		assert_int_equal(parse_g(*state, s, strlen(s), &b, NULL),
		                 DSNG_OK);
		assert_string_equal(a->domain, b->domain);
		assert_string_equal(a->greeting, b->greeting);
		assert_int_equal(a->n_caps, b->n_caps);
		assert_int_equal(a->flags, b->flags);
		assert_int_equal(a->size, b->size);
		assert_int_equal(a->n_auth, b->n_auth);
		for (i = 0; i < a->n_caps; i++) {
			assert_string_equal(a->caps[i]->keyword,
			                    b->caps[i]->keyword);
			assert_int_equal(a->caps[i]->legacy_auth,
			                 b->caps[i]->legacy_auth);
			assert_int_equal(a->caps[i]->n_params,
			                 b->caps[i]->n_params);
			for (j = 0; j < a->caps[i]->n_params; j++)
				assert_string_equal(a->caps[i]->params[j],
				                    b->caps[i]->params[j]);
		}
		talloc_free(a);
		talloc_free(b);
		talloc_free(s);
	}
}

static void test_ehlo_hide_raw_bytes(void **state)
{
	static const char *const kw[] = {"DSN", NULL};
	char *out = (char *)&out;
	size_t out_len = 9, before;
	struct dsng_error err = DSNG_ERROR_INIT;
	const char *g = dsng_test_guard(S(sample));

	assert_int_equal(dsng_ehlo_hide(*state, &out, &out_len, g,
	                                sizeof(sample) - 1, 0, kw, NULL, &err),
	                 DSNG_OK);
	dsng_test_guard_free(g);
	assert_null(strstr(out, "DSN"));
	assert_int_equal(out_len, sizeof(sample) - 1 - strlen("250-DSN\r\n"));
	assert_ptr_equal(talloc_parent(out), *state);
	talloc_free(out);
	/* LF input comes back as CRLF; the mask works the same */
	assert_int_equal(dsng_ehlo_hide(*state, &out, NULL,
	                                S("250-mx\n250-DSN\n250 HELP\n"),
	                                DSNG_EHLO_F_DSN, NULL, NULL, &err),
	                 DSNG_OK);
	assert_string_equal(out, "250-mx\r\n250 HELP\r\n");
	talloc_free(out);
	/* errors leave nothing behind */
	before = talloc_total_blocks(*state);
	assert_int_equal(dsng_ehlo_hide(*state, &out, &out_len,
	                                S("250-mx\n251 DSN\n"), DSNG_EHLO_F_DSN,
	                                NULL, NULL, &err),
	                 DSNG_ESYNTAX);
	assert_int_equal(err.kind, DSNG_ERR_MIXED_CODES);
	assert_null(out);
	assert_int_equal(out_len, 0);
	assert_int_equal(talloc_total_blocks(*state), before);
	assert_int_equal(dsng_ehlo_hide(*state, NULL, NULL, S("250 x"), 0, NULL,
	                                NULL, &err),
	                 DSNG_EINVAL);
}

/* Reply options of an unknown version are refused by the EHLO parser and
 * the raw-bytes writer, and nothing is left on mem; known ones work. */
static void test_ehlo_opts_versions(void **state)
{
	static const unsigned bad[] = {0, DSNG_REPLY_OPTS_VERSION + 1};
	struct dsng_reply_opts opts = DSNG_REPLY_OPTS_INIT;
	struct dsng_error err = DSNG_ERROR_INIT;
	struct dsng_ehlo *c;
	char *out;
	size_t i, out_len, before = talloc_total_blocks(*state);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		opts.version = bad[i];
		c = (struct dsng_ehlo *)&err;
		assert_int_equal(
		        dsng_ehlo_parse(*state, &c, S(sample), &opts, &err),
		        DSNG_EINVAL);
		assert_null(c);
		assert_int_equal(err.kind, DSNG_ERR_INVALID_ARGUMENT);
		out = (char *)&err;
		out_len = 9;
		assert_int_equal(dsng_ehlo_hide(*state, &out, &out_len,
		                                S(sample), DSNG_EHLO_F_DSN,
		                                NULL, &opts, &err),
		                 DSNG_EINVAL);
		assert_null(out);
		assert_int_equal(out_len, 0);
	}
	assert_int_equal(talloc_total_blocks(*state), before);
	for (opts.version = 1; opts.version <= DSNG_REPLY_OPTS_VERSION;
	     opts.version++) {
		assert_int_equal(
		        dsng_ehlo_parse(*state, &c, S(sample), &opts, &err),
		        DSNG_OK);
		assert_true(dsng_ehlo_has(c, "DSN"));
		talloc_free(c);
	}
	/* a reply line over max_line names the limit */
	opts.version = DSNG_REPLY_OPTS_VERSION;
	opts.max_line = 10;
	assert_int_equal(dsng_ehlo_parse(*state, &c, S(sample), &opts, &err),
	                 DSNG_ELIMIT);
	assert_string_equal(err.limit, "max_line");
}

static void test_ehlo_many_parameters(void **state)
{
	struct dsng_ehlo *c;
	char *in = talloc_strdup(*state, "250-mx\r\n250 XMANY");
	int i;

	/* double spaces too, within the 512-octet line */
	for (i = 0; i < 90; i++)
		in = talloc_asprintf_append(in, i % 2 ? " p%d" : "  p%d", i);
	assert_int_equal(parse_g(*state, in, strlen(in), &c, NULL), DSNG_OK);
	assert_int_equal(c->caps[0]->n_params, 90);
	assert_string_equal(c->caps[0]->params[0], "p0");
	assert_string_equal(c->caps[0]->params[89], "p89");
	talloc_free(c);
	talloc_free(in);
}

static void test_ehlo_format_without_matching_reply(void **state)
{
	struct dsng_ehlo *c;
	char *s;

	assert_int_equal(parse_g(*state, S("250-mx\n250 DSN\n"), &c, NULL),
	                 DSNG_OK);
	/* a capability added by the caller has no reply line: verbatim
	 * output falls back to canonical for the whole reply */
	c->caps[0]->line = 7;
	s = dsng_ehlo_format(*state, c, 0, NULL, DSNG_EHLO_FORMAT_VERBATIM);
	assert_string_equal(s, "250-mx\r\n250 DSN\r\n");
	talloc_free(s);
	c->code = 0; /* an unset code is written as 250 */
	c->domain = NULL;
	assert_null(dsng_ehlo_format(*state, c, 0, NULL, 0));
	talloc_free(c);
}

/* AUTH mechanisms across lines: each once, first spelling's order,
 * compared without case, prefixes of each other kept apart. */
static void test_ehlo_auth_set(void **state)
{
	static const char in[] = "250-mx\r\n"
	                         "250-AUTH PLAIN PLAI plain LOGIN\r\n"
	                         "250-AUTH=login PLAINX p\r\n"
	                         "250-AUTH\r\n"
	                         "250-X-AUTH NOT-A-MECH\r\n"
	                         "250 AUTH P Plai cram-md5 CRAM-MD5\r\n";
	static const char *const want[] = {"PLAIN",  "PLAI", "LOGIN",
	                                   "PLAINX", "P",    "CRAM-MD5"};
	struct dsng_ehlo *c;
	size_t i, before = talloc_total_blocks(*state);

	assert_int_equal(parse_g(*state, S(in), &c, NULL), DSNG_OK);
	assert_int_equal(c->n_auth, 6);
	for (i = 0; i < 6; i++)
		assert_string_equal(c->auth[i], want[i]);
	assert_true(dsng_ehlo_has_auth(c, "plainx"));
	assert_false(dsng_ehlo_has_auth(c, "PLAINXX"));
	assert_false(dsng_ehlo_has_auth(c, "NOT-A-MECH"));
	/* the parameters themselves stay as sent */
	assert_string_equal(c->caps[0]->params[2], "plain");
	talloc_free(c);
	assert_int_equal(talloc_total_blocks(*state), before);
	/* no mechanism at all */
	assert_int_equal(parse_g(*state, S("250-mx\r\n250 AUTH\r\n"), &c, NULL),
	                 DSNG_OK);
	assert_int_equal(c->n_auth, 0);
	assert_true(c->flags & DSNG_EHLO_F_AUTH);
	talloc_free(c);
}

/* Many mechanisms (every one sent twice, the second time in lower case,
 * on lines of their own within the default limits) give each once, in
 * order; the set that dedupes them is linear (the complexity check in
 * tests/complexity/ times it). */
static void test_ehlo_many_auth_mechanisms(void **state)
{
	enum { N = 20000, PER_LINE = 40 };
	size_t cap = 64 + (2 * N / PER_LINE) * (PER_LINE * 12 + 12), n;
	char *in = talloc_size(*state, cap);
	struct dsng_reply_opts o = DSNG_REPLY_OPTS_INIT;
	struct dsng_ehlo *c;
	char want[16];
	size_t i, j;

	n = (size_t)snprintf(in, cap, "250-mx.example\r\n");
	for (i = 0; i < 2 * N; i += PER_LINE) {
		n += (size_t)snprintf(in + n, cap - n, "%s",
		                      i + PER_LINE >= 2 * N ? "250 AUTH"
		                                            : "250-AUTH");
		for (j = i; j < i + PER_LINE; j++)
			n += (size_t)snprintf(in + n, cap - n,
			                      j < N ? " Mech-%zu" : " mech-%zu",
			                      j % N);
		n += (size_t)snprintf(in + n, cap - n, "\r\n");
	}
	assert_true(n < cap);
	o.max_lines = 2 * N / PER_LINE + 1;
	assert_int_equal(dsng_ehlo_parse(*state, &c, in, n, &o, NULL), DSNG_OK);
	assert_int_equal(c->n_auth, N);
	for (i = 0; i < N; i++) {
		snprintf(want, sizeof(want), "MECH-%zu", i);
		assert_string_equal(c->auth[i], want);
	}
	talloc_free(c);
	talloc_free(in);
}

/* A long hide list against many capabilities: exactly the listed ones go,
 * whatever their case, prefixes of kept keywords included. */
static void test_ehlo_hide_many_keywords(void **state)
{
	enum { N = 3000 };
	const char **hide = talloc_zero_array(*state, const char *, N + 3);
	size_t cap = 32 + N * 24, n, w = 0, i;
	char *in = talloc_size(*state, cap), *want = talloc_size(*state, cap);
	struct dsng_reply_opts o = DSNG_REPLY_OPTS_INIT;
	struct dsng_ehlo *c;
	char *s;

	n = (size_t)snprintf(in, cap, "250-mx\r\n");
	for (i = 0; i < N; i++)
		n += (size_t)snprintf(in + n, cap - n, "250-X-K%zu p\r\n", i);
	n += (size_t)snprintf(in + n, cap - n, "250 DSN\r\n");
	assert_true(n < cap);
	/* every even keyword, lower case; "x-k" and "x-k1x" hide nothing */
	for (i = 0; i < N / 2; i++)
		hide[i] = talloc_asprintf(hide, "x-k%zu", 2 * i);
	hide[N / 2] = "x-k";
	hide[N / 2 + 1] = "x-k1x";
	o.max_lines = N + 2;
	assert_int_equal(dsng_ehlo_parse(*state, &c, in, n, &o, NULL), DSNG_OK);
	s = dsng_ehlo_format(*state, c, DSNG_EHLO_F_DSN, hide,
	                     DSNG_EHLO_FORMAT_VERBATIM);
	w = (size_t)snprintf(want, cap, "250-mx\r\n");
	for (i = 1; i < N; i += 2)
		w += (size_t)snprintf(want + w, cap - w, "%sX-K%zu p\r\n",
		                      i + 2 < N ? "250-" : "250 ", i);
	assert_string_equal(s, want);
	talloc_free(s);
	talloc_free(want);
	talloc_free(c);
	talloc_free(in);
	talloc_free(hide);
}

static void test_ehlo_keyword_names(void **state)
{
	int k;

	(void)state;
	for (k = 1; k < DSNG_EHLO_KW__COUNT; k++) {
		const char *n = dsng_ehlo_kw_name((enum dsng_ehlo_kw)k);
		assert_non_null(n);
		assert_int_equal(dsng_ehlo_kw_lookup(n, strlen(n)), k);
	}
	assert_null(dsng_ehlo_kw_name(DSNG_EHLO_KW_OTHER));
	assert_null(dsng_ehlo_kw_name(DSNG_EHLO_KW__COUNT));
	assert_int_equal(dsng_ehlo_kw_lookup("mt-priority", 11),
	                 DSNG_EHLO_KW_MT_PRIORITY);
	assert_int_equal(dsng_ehlo_kw_lookup("DSNX", 4), DSNG_EHLO_KW_OTHER);
	assert_int_equal(dsng_ehlo_kw_lookup("DS", 2), DSNG_EHLO_KW_OTHER);
	assert_int_equal(dsng_ehlo_kw_lookup(NULL, 2), DSNG_EHLO_KW_OTHER);
	assert_null(dsng_ehlo_find(NULL, "DSN"));
	assert_false(dsng_ehlo_has_auth(NULL, "PLAIN"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f)                                                                   \
	cmocka_unit_test_setup_teardown(f, dsng_test_setup_ctx,                \
	                                dsng_test_teardown_ctx)
	        T(test_ehlo_sample_from_issue),
	        T(test_ehlo_values_and_auth),
	        T(test_ehlo_extensions_decoded),
	        T(test_ehlo_size_bounds),
	        T(test_ehlo_single_line),
	        T(test_ehlo_errors),
	        T(test_ehlo_hide_dsn_canonical),
	        T(test_ehlo_hide_last_moves_final_marker),
	        T(test_ehlo_verbatim_keeps_spelling),
	        T(test_ehlo_round_trip),
	        T(test_ehlo_hide_raw_bytes),
	        T(test_ehlo_opts_versions),
	        T(test_ehlo_many_parameters),
	        T(test_ehlo_format_without_matching_reply),
	        T(test_ehlo_keyword_names),
	        T(test_ehlo_auth_set),
	        T(test_ehlo_many_auth_mechanisms),
	        T(test_ehlo_hide_many_keywords),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
