/*
 * tests/test_batv_args.c - the BATV calls' argument and option checks as
 * include/dsnguard/batv.h lists them, tags taken apart field by field,
 * and the key syntax "[N:]hex:..." / "[N:]text:..." / bare text.
 */
#include "dsng_test.h"

#define S(x) x, sizeof(x) - 1

static const unsigned char secret[] = "0123456789abcdef";

static void test_parse(void **state)
{
	struct dsng_batv_tag t;
	struct dsng_error err = DSNG_ERROR_INIT;

	(void)state;
	/* prvs=KDDDSSSSSS=local@domain */
	assert_int_equal(dsng_batv_parse(&t,
	                                 S("prvs=3123A1b2c3=user@example.org"),
	                                 0, &err),
	                 0);
	assert_int_equal(t.key_number, 3);
	assert_int_equal(t.day, 123);
	assert_int_equal(t.hash[0], 0xa1);
	assert_int_equal(t.hash[1], 0xb2);
	assert_int_equal(t.hash[2], 0xc3);
	assert_int_equal(t.tag_val.len, 10);
	assert_memory_equal(t.tag_val.ptr, "3123A1b2c3", 10);
	assert_int_equal(t.local.len, 4);
	assert_memory_equal(t.local.ptr, "user", 4);
	assert_int_equal(t.domain.len, 11);
	assert_memory_equal(t.domain.ptr, "example.org", 11);
	assert_false(t.legacy_order);
	/* "prvs" in any case; no domain */
	assert_int_equal(
	        dsng_batv_parse(&t, S("PRVS=0000abcdef=user"), 0, &err), 0);
	assert_null(t.domain.ptr);
	/* no tag, a malformed one */
	assert_int_equal(dsng_batv_parse(&t, S("user@example.org"), 0, &err),
	                 DSNG_EVERIFY);
	assert_int_equal(err.kind, DSNG_ERR_BATV_FORMAT);
	assert_int_equal(dsng_batv_parse(&t, NULL, 0, 0, &err), DSNG_EVERIFY);
	assert_int_equal(err.kind, DSNG_ERR_BATV_FORMAT);
	assert_int_equal(dsng_batv_parse(&t,
	                                 S("prvs=31x3a1b2c3=user@example.org"),
	                                 0, &err),
	                 DSNG_EVERIFY);
	assert_int_equal(err.kind, DSNG_ERR_BATV_FORMAT);
	assert_int_equal(dsng_batv_parse(&t,
	                                 S("prvs=3123a1b2cg=user@example.org"),
	                                 0, &err),
	                 DSNG_EVERIFY);
	/* arguments */
	assert_int_equal(
	        dsng_batv_parse(NULL, S("prvs=3123a1b2c3=u@d"), 0, &err),
	        DSNG_EINVAL);
	assert_int_equal(err.kind, DSNG_ERR_INVALID_ARGUMENT);
	assert_int_equal(dsng_batv_parse(&t, NULL, 5, 0, &err), DSNG_EINVAL);
}

static void test_sign_options(void **state)
{
	TALLOC_CTX *mem = *state;
	struct dsng_batv_key key = {1, secret, sizeof(secret) - 1};
	struct dsng_batv_opts o = DSNG_BATV_OPTS_INIT;
	struct dsng_error err = DSNG_ERROR_INIT;
	char *out = (void *)1, *orig;
	const time_t now = (time_t)86400 * 20000;
	size_t blocks = talloc_total_blocks(mem);

	o.keys = &key;
	o.n_keys = 1;
	o.sign_key = 1;
	assert_int_equal(
	        dsng_batv_sign(mem, &out, S("user@example.org"), now, &o, &err),
	        0);
	/* key 1, expiring day 20007: "prvs=1007SSSSSS=user@example.org" */
	assert_int_equal(strlen(out), 5 + 10 + 1 + 16);
	assert_memory_equal(out, "prvs=1007", 9);
	assert_string_equal(out + 15, "=user@example.org");
	/* a tagged address is signed over its original */
	assert_int_equal(dsng_batv_sign(mem, &orig, out, strlen(out),
	                                now + 86400, &o, &err),
	                 0);
	assert_memory_equal(orig, "prvs=1008", 9);
	assert_string_equal(orig + 15, "=user@example.org");
	talloc_free(orig);
	talloc_free(out);

	/* the null sender, no '@', empty parts */
	assert_int_equal(dsng_batv_sign(mem, &out, "", 0, now, &o, &err),
	                 DSNG_EINVAL);
	assert_null(out);
	assert_int_equal(err.kind, DSNG_ERR_BAD_ADDRESS);
	assert_int_equal(dsng_batv_sign(mem, &out, S("<>"), now, &o, &err),
	                 DSNG_EINVAL);
	assert_int_equal(dsng_batv_sign(mem, &out, S("user"), now, &o, &err),
	                 DSNG_EINVAL);
	assert_int_equal(err.kind, DSNG_ERR_BAD_ADDRESS);
	assert_int_equal(
	        dsng_batv_sign(mem, &out, S("@example.org"), now, &o, &err),
	        DSNG_EINVAL);
	assert_int_equal(dsng_batv_sign(mem, &out, S("user@"), now, &o, &err),
	                 DSNG_EINVAL);
	/* options */
	o.sign_key = 2;
	assert_int_equal(
	        dsng_batv_sign(mem, &out, S("u@example.org"), now, &o, &err),
	        DSNG_ENOTFOUND);
	assert_int_equal(err.kind, DSNG_ERR_BATV_NO_KEY);
	o.sign_key = 1;
	o.days = 0;
	assert_int_equal(
	        dsng_batv_sign(mem, &out, S("u@example.org"), now, &o, &err),
	        DSNG_EINVAL);
	assert_int_equal(err.kind, DSNG_ERR_BAD_VALUE);
	o.days = DSNG_BATV_MAX_DAYS + 1;
	assert_int_equal(
	        dsng_batv_sign(mem, &out, S("u@example.org"), now, &o, &err),
	        DSNG_EINVAL);
	o.days = DSNG_BATV_MAX_DAYS;
	assert_int_equal(
	        dsng_batv_sign(mem, &out, S("u@example.org"), now, &o, &err),
	        0);
	talloc_free(out);
	o.keys = NULL;
	assert_int_equal(
	        dsng_batv_sign(mem, &out, S("u@example.org"), now, &o, &err),
	        DSNG_EINVAL);
	assert_int_equal(err.kind, DSNG_ERR_INVALID_ARGUMENT);
	o.keys = &key;
	key.number = 10;
	assert_int_equal(
	        dsng_batv_sign(mem, &out, S("u@example.org"), now, &o, &err),
	        DSNG_EINVAL);
	assert_int_equal(err.kind, DSNG_ERR_BAD_VALUE);
	key.number = 1;
	key.secret_len = 0;
	assert_int_equal(
	        dsng_batv_sign(mem, &out, S("u@example.org"), now, &o, &err),
	        DSNG_EINVAL);
	key.secret_len = sizeof(secret) - 1;
	key.secret = NULL;
	assert_int_equal(
	        dsng_batv_sign(mem, &out, S("u@example.org"), now, &o, &err),
	        DSNG_EINVAL);
	key.secret = secret;
	o.version = 0;
	assert_int_equal(
	        dsng_batv_sign(mem, &out, S("u@example.org"), now, &o, &err),
	        DSNG_EINVAL);
	o.version = DSNG_BATV_OPTS_VERSION;
	/* without options there is no key */
	assert_int_equal(
	        dsng_batv_sign(mem, &out, S("u@example.org"), now, NULL, &err),
	        DSNG_ENOTFOUND);
	/* arguments */
	assert_int_equal(
	        dsng_batv_sign(mem, NULL, S("u@example.org"), now, &o, &err),
	        DSNG_EINVAL);
	assert_int_equal(dsng_batv_sign(mem, &out, NULL, 3, now, &o, &err),
	                 DSNG_EINVAL);
	assert_null(out);
	assert_int_equal(talloc_total_blocks(mem), blocks);
}

static void test_verify_and_strip_arguments(void **state)
{
	TALLOC_CTX *mem = *state;
	struct dsng_batv_key key = {1, secret, sizeof(secret) - 1};
	struct dsng_batv_opts o = DSNG_BATV_OPTS_INIT;
	struct dsng_batv_verdict v = DSNG_BATV_VERDICT_INIT, bad;
	struct dsng_error err = DSNG_ERROR_INIT;
	char *s = (void *)1;

	o.keys = &key;
	o.n_keys = 1;
	assert_int_equal(dsng_batv_verify(&v, NULL, 2, 0, &o, &err),
	                 DSNG_EINVAL);
	/* nothing: not tagged */
	assert_int_equal(dsng_batv_verify(&v, NULL, 0, 1, &o, &err),
	                 DSNG_EVERIFY);
	assert_int_equal(v.result, DSNG_BATV_NOT_TAGGED);
	assert_int_equal(err.kind, DSNG_ERR_BATV_FORMAT);
	assert_int_equal(dsng_batv_verify(NULL, S("u@d"), 1, &o, &err),
	                 DSNG_EVERIFY);
	bad = v;
	bad.version = 9;
	assert_int_equal(dsng_batv_verify(&bad, S("u@d"), 1, &o, &err),
	                 DSNG_EINVAL);
	assert_int_equal(bad.version, 9);
	assert_int_equal(dsng_batv_verdict_init(&bad, 0), DSNG_EINVAL);
	assert_int_equal(dsng_batv_verdict_init(NULL, 1), DSNG_EINVAL);

	/* strip: the original, the untagged copied, no domain kept out */
	assert_int_equal(
	        dsng_batv_strip(mem, &s, S("prvs=1123abcdef=user@x.org"), &err),
	        0);
	assert_string_equal(s, "user@x.org");
	talloc_free(s);
	assert_int_equal(
	        dsng_batv_strip(mem, &s, S("prvs=1123abcdef=user"), &err), 0);
	assert_string_equal(s, "user");
	talloc_free(s);
	assert_int_equal(dsng_batv_strip(mem, &s, S("plain@x.org"), &err), 0);
	assert_string_equal(s, "plain@x.org");
	talloc_free(s);
	assert_int_equal(dsng_batv_strip(mem, &s, NULL, 0, &err), 0);
	assert_string_equal(s, "");
	talloc_free(s);
	assert_int_equal(dsng_batv_strip(mem, NULL, S("a@b"), &err),
	                 DSNG_EINVAL);
	assert_int_equal(dsng_batv_strip(mem, &s, NULL, 1, &err), DSNG_EINVAL);
	assert_null(s);
}

static void test_key_syntax(void **state)
{
	TALLOC_CTX *mem = *state;
	struct dsng_batv_key k;
	struct dsng_error err = DSNG_ERROR_INIT;
	static const struct {
		const char *text;
		size_t offset;
	} bad[] = {
	        {"hex:", 4},  {"hex:abc", 4}, {"hex:0g", 5}, {"3:HEX:zz", 6},
	        {"text:", 5}, {"", 0},        {"9:", 2},
	};
	size_t i;

	assert_int_equal(dsng_batv_key_parse(mem, &k, S("7:text:abc"), 0, &err),
	                 0);
	assert_int_equal(k.number, 7);
	assert_int_equal(k.secret_len, 3);
	assert_memory_equal(k.secret, "abc", 3);
	talloc_free((void *)k.secret);
	assert_int_equal(dsng_batv_key_parse(mem, &k, S("HEX:0aFF"), 4, &err),
	                 0);
	assert_int_equal(k.number, 4);
	assert_int_equal(k.secret_len, 2);
	assert_int_equal(k.secret[0], 0x0a);
	assert_int_equal(k.secret[1], 0xff);
	talloc_free((void *)k.secret);
	/* a bare string is text, even one that looks like a prefix */
	assert_int_equal(dsng_batv_key_parse(mem, &k, S("hexagon"), 0, &err),
	                 0);
	assert_int_equal(k.secret_len, 7);
	talloc_free((void *)k.secret);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(dsng_batv_key_parse(mem, &k, bad[i].text,
		                                     strlen(bad[i].text), 0,
		                                     &err),
		                 DSNG_ESYNTAX);
		assert_int_equal(err.kind, DSNG_ERR_BAD_VALUE);
		assert_int_equal(err.offset, bad[i].offset);
		assert_null(k.secret);
	}
	/* the default number must be a key number too */
	assert_int_equal(dsng_batv_key_parse(mem, &k, S("abc"), 10, &err),
	                 DSNG_ESYNTAX);
	assert_int_equal(dsng_batv_key_parse(mem, NULL, S("abc"), 0, &err),
	                 DSNG_EINVAL);
	assert_int_equal(dsng_batv_key_parse(mem, &k, NULL, 3, 0, &err),
	                 DSNG_EINVAL);
}

int main(void)
{
#define T(f)                                                                   \
	cmocka_unit_test_setup_teardown(f, dsng_test_setup_ctx,                \
	                                dsng_test_teardown_ctx)
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_parse),
	        T(test_sign_options),
	        T(test_verify_and_strip_arguments),
	        T(test_key_syntax),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
