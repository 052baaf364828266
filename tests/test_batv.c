/*
 * tests/test_batv.c - BATV prvs tags: vectors (computed independently with
 * Python's hmac/hashlib over "KDDD" + address), expiry and day wrap, key
 * rotation, tampering, case, the older tag order, key parsing, errors.
 */
#include "dsng_test.h"

/* 2025-11-29 00:00:00 UTC: day 20421, 421 modulo 1000. */
#define NOW ((time_t)1764374400)
#define DAY ((time_t)86400)

static const struct dsng_batv_key k_secret = {
        0, (const unsigned char *)"secret", 6};

static void opts_one(struct dsng_batv_opts *o, const struct dsng_batv_key *k)
{
	dsng_batv_opts_init(o, DSNG_BATV_OPTS_VERSION);
	o->keys = k;
	o->n_keys = 1;
	o->sign_key = k->number;
}

/* verify through a guard page so any read past the address faults */
static int verify_g(const char *addr, const struct dsng_batv_opts *o,
                    time_t now, struct dsng_batv_verdict *v,
                    struct dsng_error *err)
{
	size_t len = strlen(addr);
	const char *g = dsng_test_guard(addr, len);
	int rc = dsng_batv_verify(v, g, len, now, o, err);

	dsng_test_guard_free(g);
	return rc;
}

static void test_sign_vector(void **state)
{
	struct dsng_batv_opts o;
	struct dsng_error err = DSNG_ERROR_INIT;
	char *out;
	size_t blocks = talloc_total_blocks(*state);

	opts_one(&o, &k_secret);
	assert_int_equal(dsng_batv_sign(*state, &out, "user@example.org", 16,
	                                NOW, &o, &err),
	                 0);
	assert_string_equal(out, "prvs=0428c923bc=user@example.org");
	assert_ptr_equal(talloc_parent(out), *state);
	talloc_free(out);
	assert_int_equal(talloc_total_blocks(*state), blocks);
}

static void test_verify_valid_and_fields(void **state)
{
	struct dsng_batv_opts o;
	struct dsng_batv_verdict v = DSNG_BATV_VERDICT_INIT;
	struct dsng_error err = DSNG_ERROR_INIT;

	const char *t = "prvs=0428c923bc=user@example.org";
	const char *g = dsng_test_guard(t, strlen(t));

	(void)state;
	opts_one(&o, &k_secret);
	/* spans point into the input, so keep it until the checks are done */
	assert_int_equal(dsng_batv_verify(&v, g, strlen(t), NOW, &o, &err), 0);
	assert_int_equal(v.result, DSNG_BATV_VALID);
	assert_int_equal(v.days_left, 7);
	assert_int_equal(v.tag.key_number, 0);
	assert_int_equal(v.tag.day, 428);
	assert_int_equal(v.tag.legacy_order, 0);
	assert_int_equal(v.tag.local.len, 4);
	assert_memory_equal(v.tag.local.ptr, "user", 4);
	assert_int_equal(v.tag.domain.len, 11);
	assert_memory_equal(v.tag.domain.ptr, "example.org", 11);
	assert_int_equal(v.tag.hash[0], 0xc9);
	assert_int_equal(v.tag.hash[2], 0xbc);
	dsng_test_guard_free(g);
}

static void test_expiry_window(void **state)
{
	struct dsng_batv_opts o;
	struct dsng_batv_verdict v = DSNG_BATV_VERDICT_INIT;
	struct dsng_error err = DSNG_ERROR_INIT;
	const char *t = "prvs=0428c923bc=user@example.org";

	(void)state;
	opts_one(&o, &k_secret);
	/* the last valid day is the expiry day itself */
	assert_int_equal(verify_g(t, &o, NOW + 7 * DAY + DAY - 1, &v, &err), 0);
	assert_int_equal(v.days_left, 0);
	assert_int_equal(verify_g(t, &o, NOW + 8 * DAY, &v, &err),
	                 DSNG_EVERIFY);
	assert_int_equal(v.result, DSNG_BATV_EXPIRED);
	assert_int_equal(v.days_left, -1);
	assert_int_equal(err.rc, DSNG_EVERIFY);
	assert_int_equal(err.kind, DSNG_ERR_BATV_EXPIRED);
	assert_int_equal(err.offset, 6); /* the DDD digits */
	assert_string_equal(dsng_error_kind_name(err.kind), "batv_expired");
	/* a day further ahead than the window is as bad as a past one */
	o.days = 3;
	assert_int_equal(verify_g(t, &o, NOW, &v, &err), DSNG_EVERIFY);
	assert_int_equal(v.result, DSNG_BATV_EXPIRED);
	assert_int_equal(verify_g(t, &o, NOW + 4 * DAY, &v, &err), 0);
}

static void test_day_wraps_modulo_1000(void **state)
{
	/* day 20998: 998 modulo 1000; a 5-day tag expires on day 003 */
	const time_t now = (time_t)20998 * DAY + 3600;
	struct dsng_batv_opts o;
	struct dsng_batv_verdict v = DSNG_BATV_VERDICT_INIT;
	struct dsng_error err = DSNG_ERROR_INIT;
	char *out;

	opts_one(&o, &k_secret);
	o.days = 5;
	assert_int_equal(
	        dsng_batv_sign(*state, &out, "a@b.example", 11, now, &o, &err),
	        0);
	assert_string_equal(out, "prvs=00035d78a7=a@b.example");
	assert_int_equal(verify_g(out, &o, now, &v, &err), 0);
	assert_int_equal(v.days_left, 5);
	assert_int_equal(verify_g(out, &o, now + 2 * DAY, &v, &err),
	                 0); /* day 000 */
	assert_int_equal(v.days_left, 3);
	assert_int_equal(verify_g(out, &o, now + 5 * DAY, &v, &err),
	                 0); /* day 003 */
	assert_int_equal(v.days_left, 0);
	assert_int_equal(verify_g(out, &o, now + 6 * DAY, &v, &err),
	                 DSNG_EVERIFY);
	assert_int_equal(v.result, DSNG_BATV_EXPIRED);
	talloc_free(out);
}

static void test_times_before_1970(void **state)
{
	struct dsng_batv_opts o;
	struct dsng_batv_verdict v = DSNG_BATV_VERDICT_INIT;
	struct dsng_error err = DSNG_ERROR_INIT;
	char *out;

	opts_one(&o, &k_secret);
	/* three days before the epoch is day -3, i.e. 997; +7 wraps to 004 */
	assert_int_equal(dsng_batv_sign(*state, &out, "a@b.example", 11,
	                                -3 * DAY, &o, &err),
	                 0);
	assert_memory_equal(out, "prvs=0004", 9);
	assert_int_equal(verify_g(out, &o, -3 * DAY, &v, &err), 0);
	assert_int_equal(v.days_left, 7);
	talloc_free(out);
}

static void test_key_rotation(void **state)
{
	const struct dsng_batv_key keys[2] = {
	        {0, (const unsigned char *)"secret", 6},
	        {3, (const unsigned char *)"rotated", 7},
	};
	struct dsng_batv_opts o;
	struct dsng_batv_verdict v = DSNG_BATV_VERDICT_INIT;
	struct dsng_error err = DSNG_ERROR_INIT;
	char *out;

	dsng_batv_opts_init(&o, DSNG_BATV_OPTS_VERSION);
	o.keys = keys;
	o.n_keys = 2;
	o.sign_key = 3;
	assert_int_equal(dsng_batv_sign(*state, &out, "user@example.org", 16,
	                                NOW, &o, &err),
	                 0);
	assert_string_equal(out, "prvs=34288a8019=user@example.org");
	/* new and old tags both verify while both keys are loaded */
	assert_int_equal(verify_g(out, &o, NOW, &v, &err), 0);
	assert_int_equal(v.tag.key_number, 3);
	assert_int_equal(
	        verify_g("prvs=0428c923bc=user@example.org", &o, NOW, &v, &err),
	        0);
	/* the old key retired: its tags name a key we no longer have */
	o.keys = keys + 1;
	o.n_keys = 1;
	assert_int_equal(
	        verify_g("prvs=0428c923bc=user@example.org", &o, NOW, &v, &err),
	        DSNG_EVERIFY);
	assert_int_equal(v.result, DSNG_BATV_NO_KEY);
	assert_int_equal(err.kind, DSNG_ERR_BATV_NO_KEY);
	assert_int_equal(err.offset, 5);
	talloc_free(out);
}

static void test_two_keys_with_one_number(void **state)
{
	/* rotating without bumping the digit: every key of that number is tried
	 */
	const struct dsng_batv_key keys[2] = {
	        {0, (const unsigned char *)"newer", 5},
	        {0, (const unsigned char *)"secret", 6},
	};
	struct dsng_batv_opts o;
	struct dsng_batv_verdict v = DSNG_BATV_VERDICT_INIT;

	(void)state;
	dsng_batv_opts_init(&o, DSNG_BATV_OPTS_VERSION);
	o.keys = keys;
	o.n_keys = 2;
	assert_int_equal(
	        verify_g("prvs=0428c923bc=user@example.org", &o, NOW, &v, NULL),
	        0);
}

static void test_wrong_key_and_tampering(void **state)
{
	const struct dsng_batv_key other = {0, (const unsigned char *)"Secret",
	                                    6};
	static const char *const tampered[] = {
	        "prvs=0428c923bd=user@example.org",  /* hash digit */
	        "prvs=0429c923bc=user@example.org",  /* day: covered by the hash
	                                              */
	        "prvs=0428c923bc=usr@example.org",   /* local part */
	        "prvs=0428c923bc=user@example.net",  /* domain */
	        "prvs=0428c923bc=user@example.org.", /* trailing dot */
	};
	struct dsng_batv_opts o;
	struct dsng_batv_verdict v = DSNG_BATV_VERDICT_INIT;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t i;

	(void)state;
	opts_one(&o, &other);
	assert_int_equal(
	        verify_g("prvs=0428c923bc=user@example.org", &o, NOW, &v, &err),
	        DSNG_EVERIFY);
	assert_int_equal(v.result, DSNG_BATV_BAD_HASH);
	assert_int_equal(err.kind, DSNG_ERR_BATV_BAD_HASH);
	assert_int_equal(err.offset, 9);
	opts_one(&o, &k_secret);
	for (i = 0; i < sizeof(tampered) / sizeof(tampered[0]); i++) {
		assert_int_equal(verify_g(tampered[i], &o, NOW, &v, &err),
		                 DSNG_EVERIFY);
		assert_int_equal(v.result, DSNG_BATV_BAD_HASH);
	}
}

static void test_case_changes(void **state)
{
	struct dsng_batv_opts o;
	struct dsng_batv_verdict v = DSNG_BATV_VERDICT_INIT;
	struct dsng_error err = DSNG_ERROR_INIT;
	char *out;

	opts_one(&o, &k_secret);
	/* label and hex digits in any case */
	assert_int_equal(
	        verify_g("PRVS=0428C923BC=user@example.org", &o, NOW, &v, &err),
	        0);
	/* an MTA upper- or lower-cased the address on the way back */
	assert_int_equal(
	        verify_g("prvs=0428c923bc=USER@Example.ORG", &o, NOW, &v, &err),
	        0);
	/* mixed case is signed over the folded address, kept as written */
	assert_int_equal(dsng_batv_sign(*state, &out, "John.Doe@Example.COM",
	                                20, NOW, &o, &err),
	                 0);
	assert_string_equal(out, "prvs=0428830734=John.Doe@Example.COM");
	assert_int_equal(verify_g("prvs=0428830734=john.doe@example.com", &o,
	                          NOW, &v, &err),
	                 0);
	talloc_free(out);
	/* exact case: the bytes as given, like implementations that never fold
	 */
	o.flags = DSNG_BATV_EXACT_CASE;
	assert_int_equal(
	        verify_g("prvs=0428c923bc=USER@example.org", &o, NOW, &v, &err),
	        DSNG_EVERIFY);
	assert_int_equal(v.result, DSNG_BATV_BAD_HASH);
	assert_int_equal(
	        verify_g("prvs=0428c923bc=user@example.org", &o, NOW, &v, &err),
	        0);
}

static void test_legacy_order(void **state)
{
	struct dsng_batv_opts o;
	struct dsng_batv_verdict v = DSNG_BATV_VERDICT_INIT;
	struct dsng_error err = DSNG_ERROR_INIT;
	char *s;

	opts_one(&o, &k_secret);
	assert_int_equal(
	        verify_g("prvs=user=0428c923bc@example.org", &o, NOW, &v, &err),
	        0);
	assert_int_equal(v.tag.legacy_order, 1);
	assert_int_equal(v.tag.key_number, 0);
	assert_int_equal(dsng_batv_strip(*state, &s,
	                                 "prvs=user=0428c923bc@example.org", 32,
	                                 &err),
	                 0);
	assert_string_equal(s, "user@example.org");
	talloc_free(s);
	o.flags = DSNG_BATV_NO_LEGACY;
	assert_int_equal(
	        verify_g("prvs=user=0428c923bc@example.org", &o, NOW, &v, &err),
	        DSNG_EVERIFY);
	assert_int_equal(v.result, DSNG_BATV_MALFORMED);
	assert_int_equal(err.kind, DSNG_ERR_BATV_FORMAT);
	assert_int_equal(err.offset, 5);
}

static void test_not_tagged_and_malformed(void **state)
{
	static const char *const malformed[] = {
	        "prvs=12x=user@example.org",
	        "prvs=0428c923b=user@example.org",
	        "prvs=0428c923bcz=user@example.org",
	        "prvs=0428c923bc=@example.org",
	        "prvs=@example.org",
	        "prvs=",
	        "prvs=0428g923bc=user@example.org",
	};
	struct dsng_batv_opts o;
	struct dsng_batv_verdict v = DSNG_BATV_VERDICT_INIT;
	struct dsng_batv_tag t;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t i;

	(void)state;
	opts_one(&o, &k_secret);
	assert_int_equal(verify_g("user@example.org", &o, NOW, &v, &err),
	                 DSNG_EVERIFY);
	assert_int_equal(v.result, DSNG_BATV_NOT_TAGGED);
	assert_int_equal(err.kind, DSNG_ERR_BATV_FORMAT);
	assert_int_equal(dsng_batv_verify(&v, "", 0, NOW, &o, &err),
	                 DSNG_EVERIFY);
	assert_int_equal(v.result, DSNG_BATV_NOT_TAGGED);
	/* "prvs" inside the local part is not a tag */
	assert_int_equal(verify_g("xprvs=0428c923bc=user@example.org", &o, NOW,
	                          &v, NULL),
	                 DSNG_EVERIFY);
	assert_int_equal(v.result, DSNG_BATV_NOT_TAGGED);
	for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		assert_int_equal(verify_g(malformed[i], &o, NOW, &v, &err),
		                 DSNG_EVERIFY);
		assert_int_equal(v.result, DSNG_BATV_MALFORMED);
		assert_int_equal(err.kind, DSNG_ERR_BATV_FORMAT);
	}
	assert_int_equal(dsng_batv_parse(&t, "user@x", 6, 0, &err),
	                 DSNG_EVERIFY);
	assert_int_equal(
	        dsng_batv_parse(&t, "prvs=0428c923bc=user", 20, 0, &err), 0);
	assert_null(t.domain.ptr);
	assert_string_equal(dsng_batv_result_name(DSNG_BATV_BAD_HASH),
	                    "bad_hash");
	assert_string_equal(dsng_batv_result_name((enum dsng_batv_result)99),
	                    "unknown");
}

static void test_resign_and_strip(void **state)
{
	struct dsng_batv_opts o;
	struct dsng_error err = DSNG_ERROR_INIT;
	char *out;

	opts_one(&o, &k_secret);
	/* an already tagged sender is re-signed over its original */
	assert_int_equal(dsng_batv_sign(*state, &out,
	                                "prvs=1111aaaaaa=user@example.org", 32,
	                                NOW, &o, &err),
	                 0);
	assert_string_equal(out, "prvs=0428c923bc=user@example.org");
	talloc_free(out);
	assert_int_equal(
	        dsng_batv_strip(*state, &out, "plain@example.org", 17, &err),
	        0);
	assert_string_equal(out, "plain@example.org");
	talloc_free(out);
}

static void test_hex_key_vector(void **state)
{
	struct dsng_batv_key k;
	struct dsng_batv_opts o;
	struct dsng_error err = DSNG_ERROR_INIT;
	char *out;
	const char *text = "5:hex:00112233445566778899";

	assert_int_equal(
	        dsng_batv_key_parse(*state, &k, text, strlen(text), 0, &err),
	        0);
	assert_int_equal(k.number, 5);
	assert_int_equal(k.secret_len, 10);
	assert_int_equal(k.secret[9], 0x99);
	opts_one(&o, &k);
	/* day 20116: 116 + 7 = 123 */
	assert_int_equal(dsng_batv_sign(*state, &out, "x@y.example", 11,
	                                (time_t)20116 * DAY, &o, &err),
	                 0);
	assert_string_equal(out, "prvs=512336873a=x@y.example");
	talloc_free(out);
	talloc_free((void *)k.secret);
}

static void test_key_parse_errors(void **state)
{
	struct dsng_batv_key k;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t blocks = talloc_total_blocks(*state);

	assert_int_equal(dsng_batv_key_parse(*state, &k, "hex:0g", 6, 0, &err),
	                 DSNG_ESYNTAX);
	assert_int_equal(err.kind, DSNG_ERR_BAD_VALUE);
	assert_int_equal(err.offset, 5);
	assert_int_equal(dsng_batv_key_parse(*state, &k, "hex:abc", 7, 0, &err),
	                 DSNG_ESYNTAX);
	assert_int_equal(err.offset, 4);
	assert_int_equal(dsng_batv_key_parse(*state, &k, "", 0, 0, &err),
	                 DSNG_ESYNTAX);
	assert_int_equal(dsng_batv_key_parse(*state, &k, "2:text:", 7, 0, &err),
	                 DSNG_ESYNTAX);
	assert_int_equal(err.offset, 7);
	assert_int_equal(dsng_batv_key_parse(*state, &k, "k", 1, 10, &err),
	                 DSNG_ESYNTAX);
	assert_int_equal(talloc_total_blocks(*state), blocks);
	/* a bare secret is text, default number applies */
	assert_int_equal(dsng_batv_key_parse(*state, &k, "plain", 5, 4, &err),
	                 0);
	assert_int_equal(k.number, 4);
	assert_memory_equal(k.secret, "plain", 5);
	talloc_free((void *)k.secret);
}

static void test_sign_errors_leave_nothing(void **state)
{
	struct dsng_batv_opts o;
	struct dsng_error err = DSNG_ERROR_INIT;
	char *out = (char *)"x";
	size_t blocks = talloc_total_blocks(*state);

	opts_one(&o, &k_secret);
	assert_int_equal(dsng_batv_sign(*state, &out, "", 0, NOW, &o, &err),
	                 DSNG_EINVAL);
	assert_null(out);
	assert_int_equal(err.kind, DSNG_ERR_BAD_ADDRESS);
	assert_int_equal(dsng_batv_sign(*state, &out, "<>", 2, NOW, &o, &err),
	                 DSNG_EINVAL);
	assert_int_equal(
	        dsng_batv_sign(*state, &out, "postmaster", 10, NOW, &o, &err),
	        DSNG_EINVAL);
	assert_int_equal(dsng_batv_sign(*state, &out, "a@", 2, NOW, &o, &err),
	                 DSNG_EINVAL);
	assert_int_equal(
	        dsng_batv_sign(*state, &out, "a\0b@c", 5, NOW, &o, &err),
	        DSNG_EINVAL);
	assert_int_equal(err.kind, DSNG_ERR_NUL_BYTE);
	o.sign_key = 7;
	assert_int_equal(dsng_batv_sign(*state, &out, "a@b", 3, NOW, &o, &err),
	                 DSNG_ENOTFOUND);
	assert_int_equal(err.kind, DSNG_ERR_BATV_NO_KEY);
	o.sign_key = 0;
	o.days = 0;
	assert_int_equal(dsng_batv_sign(*state, &out, "a@b", 3, NOW, &o, &err),
	                 DSNG_EINVAL);
	o.days = DSNG_BATV_MAX_DAYS + 1;
	assert_int_equal(dsng_batv_sign(*state, &out, "a@b", 3, NOW, &o, &err),
	                 DSNG_EINVAL);
	o.days = 7;
	o.version = 99;
	assert_int_equal(dsng_batv_sign(*state, &out, "a@b", 3, NOW, &o, &err),
	                 DSNG_EINVAL);
	assert_int_equal(dsng_batv_verify(NULL, "a@b", 3, NOW, &o, &err),
	                 DSNG_EINVAL);
	assert_int_equal(dsng_batv_sign(*state, NULL, "a@b", 3, NOW, &o, NULL),
	                 DSNG_EINVAL);
	assert_int_equal(talloc_total_blocks(*state), blocks);
}

/* The options are versioned: init takes every version from 1 to the
 * current one and refuses others without writing; sign and verify refuse
 * options of an unknown version and take NULL as the defaults (no key). */
/* The verdict is versioned too: every version inits, unknown ones are
 * refused by init (untouched) and by verify (EINVAL, untouched). */
static void test_verdict_versions(void **state)
{
	const unsigned bad[] = {0, DSNG_BATV_VERDICT_VERSION + 1, 0xffffffffu};
	struct dsng_batv_opts o;
	struct dsng_batv_verdict v, untouched;
	struct dsng_error err = DSNG_ERROR_INIT;
	unsigned ver;
	size_t i;

	(void)state;
	opts_one(&o, &k_secret);
	for (ver = 1; ver <= DSNG_BATV_VERDICT_VERSION; ver++) {
		memset(&v, 0xA5, sizeof(v));
		assert_int_equal(dsng_batv_verdict_init(&v, ver), DSNG_OK);
		assert_int_equal(v.version, ver);
		assert_int_equal(v.result, DSNG_BATV_NOT_TAGGED);
		assert_int_equal(verify_g("prvs=0428c923bc=user@example.org",
		                          &o, NOW, &v, &err),
		                 DSNG_OK);
		assert_int_equal(v.result, DSNG_BATV_VALID);
		assert_int_equal(v.version, ver);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&v, 0xA5, sizeof(v));
		memset(&untouched, 0xA5, sizeof(untouched));
		assert_int_equal(dsng_batv_verdict_init(&v, bad[i]),
		                 DSNG_EINVAL);
		assert_memory_equal(&v, &untouched, sizeof(v));
		v.version = bad[i];
		memcpy(&untouched, &v, sizeof(v));
		assert_int_equal(
		        dsng_batv_verify(&v, "prvs=0428c923bc=user@example.org",
		                         32, NOW, &o, &err),
		        DSNG_EINVAL);
		assert_int_equal(err.kind, DSNG_ERR_INVALID_ARGUMENT);
		assert_memory_equal(&v, &untouched, sizeof(v));
	}
}

static void test_opts_versions(void **state)
{
	const unsigned bad[] = {0, DSNG_BATV_OPTS_VERSION + 1, 0xffffffffu};
	const struct dsng_batv_opts def = DSNG_BATV_OPTS_INIT;
	struct dsng_batv_opts o, untouched;
	struct dsng_batv_verdict v = DSNG_BATV_VERDICT_INIT;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t blocks = talloc_total_blocks(*state), i;
	char *out;
	unsigned ver;

	assert_int_equal(def.version, DSNG_BATV_OPTS_VERSION);
	assert_null(def.keys);
	assert_int_equal(def.n_keys, 0);
	assert_int_equal(def.sign_key, 0);
	assert_int_equal(def.days, DSNG_BATV_DEFAULT_DAYS);
	assert_int_equal(def.flags, 0);
	for (ver = 1; ver <= DSNG_BATV_OPTS_VERSION; ver++) {
		memset(&o, 0xA5, sizeof(o));
		assert_int_equal(dsng_batv_opts_init(&o, ver), DSNG_OK);
		assert_int_equal(o.version, ver);
		assert_null(o.keys);
		assert_int_equal(o.days, DSNG_BATV_DEFAULT_DAYS);
		o.keys = &k_secret;
		o.n_keys = 1;
		assert_int_equal(dsng_batv_sign(*state, &out,
		                                "user@example.org", 16, NOW, &o,
		                                &err),
		                 DSNG_OK);
		assert_string_equal(out, "prvs=0428c923bc=user@example.org");
		assert_int_equal(verify_g(out, &o, NOW, &v, &err), DSNG_OK);
		talloc_free(out);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&o, 0xA5, sizeof(o));
		memset(&untouched, 0xA5, sizeof(untouched));
		assert_int_equal(dsng_batv_opts_init(&o, bad[i]), DSNG_EINVAL);
		assert_memory_equal(&o, &untouched, sizeof(o));
		opts_one(&o, &k_secret);
		o.version = bad[i];
		out = (char *)"x";
		assert_int_equal(dsng_batv_sign(*state, &out,
		                                "user@example.org", 16, NOW, &o,
		                                &err),
		                 DSNG_EINVAL);
		assert_null(out);
		assert_int_equal(err.kind, DSNG_ERR_INVALID_ARGUMENT);
		assert_int_equal(verify_g("prvs=0428c923bc=user@example.org",
		                          &o, NOW, &v, &err),
		                 DSNG_EINVAL);
		assert_int_equal(err.kind, DSNG_ERR_INVALID_ARGUMENT);
		assert_int_equal(v.result, DSNG_BATV_NOT_TAGGED);
	}
	assert_int_equal(dsng_batv_opts_init(NULL, DSNG_BATV_OPTS_VERSION),
	                 DSNG_EINVAL);
	/* NULL options are the defaults, which load no key */
	assert_int_equal(dsng_batv_sign(*state, &out, "user@example.org", 16,
	                                NOW, NULL, &err),
	                 DSNG_ENOTFOUND);
	assert_int_equal(err.kind, DSNG_ERR_BATV_NO_KEY);
	assert_int_equal(verify_g("prvs=0428c923bc=user@example.org", NULL, NOW,
	                          &v, &err),
	                 DSNG_EVERIFY);
	assert_int_equal(v.result, DSNG_BATV_NO_KEY);
	assert_int_equal(talloc_total_blocks(*state), blocks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_sign_vector,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_verify_valid_and_fields,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_expiry_window,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_day_wraps_modulo_1000,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_times_before_1970,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_key_rotation,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_two_keys_with_one_number,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_wrong_key_and_tampering,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_case_changes,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_legacy_order,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_not_tagged_and_malformed,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_resign_and_strip,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_hex_key_vector,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_key_parse_errors,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_sign_errors_leave_nothing,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_opts_versions,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test(test_verdict_versions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
