/*
 * tests/test_status.c - RFC 3463 enhanced status codes: grammar, prefix
 * and in-text search, classes, the registry table.
 */
#include <stdio.h>

#include "dsng_test.h"
#include "status_int.h"

/* Parse through a guard page so a read past the input faults.  (An empty
 * input gets no guard: the support helper cannot free a 0-byte one.) */
static int parse_g(const char *s, size_t len, struct dsng_status_code *c,
                   struct dsng_error *err)
{
	const char *g;
	int rc;

	if (len == 0)
		return dsng_status_parse(c, "", 0, err);
	g = dsng_test_guard(s, len);
	rc = dsng_status_parse(c, g, len, err);
	dsng_test_guard_free(g);
	return rc;
}

static int find_g(const char *s, struct dsng_status_code *c, size_t *off)
{
	size_t len = strlen(s);
	const char *g;
	int rc;

	if (len == 0)
		return dsng_status_find(c, off, "", 0);
	g = dsng_test_guard(s, len);
	rc = dsng_status_find(c, off, g, len);
	dsng_test_guard_free(g);
	return rc;
}

static void test_status_parse_valid(void **state)
{
	static const struct {
		const char *in, *str;
		unsigned cls, subject, detail;
	} ok[] = {
	        {"2.1.5", "2.1.5", 2, 1, 5},
	        {"4.4.7", "4.4.7", 4, 4, 7},
	        {"5.7.30", "5.7.30", 5, 7, 30},
	        {"5.999.999", "5.999.999", 5, 999, 999},
	        {"2.0.0", "2.0.0", 2, 0, 0},
	        /* 1*3digit allows leading zeros; str is canonical */
	        {"5.01.001", "5.1.1", 5, 1, 1},
	};
	struct dsng_status_code c;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(parse_g(ok[i].in, strlen(ok[i].in), &c, &err),
		                 DSNG_OK);
		assert_int_equal(c.cls, ok[i].cls);
		assert_int_equal(c.subject, ok[i].subject);
		assert_int_equal(c.detail, ok[i].detail);
		assert_string_equal(c.str, ok[i].str);
	}
}

static void test_status_parse_errors(void **state)
{
	static const struct {
		const char *in;
		size_t len, off;
	} bad[] = {
	        {"", 0, 0},         {"3.1.1", 5, 0}, /* class 3 does not exist
	                                              */
	        {"1.0.0", 5, 0},    {"5", 1, 1},        {"5.", 2, 2},
	        {"5.1", 3, 3},      {"5.1.", 4, 4},     {"5..1", 4, 2},
	        {"5.a.1", 5, 2},    {"5.1234.1", 8, 5}, /* subject is at most 3
	                                                   digits */
	        {"5.1.1234", 8, 7},                     /* detail too */
	        {"5.1.1 ", 6, 5},                       /* no trailing junk */
	        {" 5.1.1", 6, 0},                       /* nor leading */
	        {"5.1.1\0", 6, 5},  {"5-1-1", 5, 1},    {"x", 1, 0},
	};
	struct dsng_status_code c;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse_g(bad[i].in, bad[i].len, &c, &err),
		                 DSNG_ESYNTAX);
		assert_int_equal(err.kind, DSNG_ERR_BAD_STATUS);
		assert_int_equal(err.rc, DSNG_ESYNTAX);
		assert_int_equal(err.offset, bad[i].off);
		assert_int_equal(err.reply, 0);
		assert_int_equal(c.cls, 0); /* out is cleared */
	}
	assert_int_equal(dsng_status_parse(NULL, "2.0.0", 5, &err),
	                 DSNG_EINVAL);
	assert_int_equal(err.kind, DSNG_ERR_INVALID_ARGUMENT);
	assert_int_equal(dsng_status_parse(&c, NULL, 3, NULL), DSNG_EINVAL);
}

static void test_status_prefix(void **state)
{
	struct dsng_status_code c;

	(void)state;
	assert_int_equal(dsng_status_prefix(&c, "2.1.0 Sender ok", 15), 5);
	assert_string_equal(c.str, "2.1.0");
	assert_int_equal(dsng_status_prefix(&c, "2.1.0", 5), 5);
	assert_int_equal(dsng_status_prefix(&c, "5.7.1\tno", 8), 5);
	assert_int_equal(dsng_status_prefix(&c, "5.7.30 x", 8), 6);
	assert_int_equal(dsng_status_prefix(&c, "2.1.0x", 6), 0);
	assert_int_equal(dsng_status_prefix(&c, "2.1.0.", 6), 0);
	assert_int_equal(dsng_status_prefix(&c, "mx.example", 10), 0);
	assert_int_equal(dsng_status_prefix(&c, "250", 3), 0);
	assert_int_equal(dsng_status_prefix(&c, NULL, 3), 0);
}

static void test_status_find_in_text(void **state)
{
	static const struct {
		const char *text, *code;
		size_t off;
	} found[] = {
	        {"5.1.1 (user unknown)", "5.1.1", 0},
	        {"smtp; 550 5.7.1 refused", "5.7.1", 10},
	        {"#5.0.0 X-Postfix; unknown user", "5.0.0", 1},
	        {"10.4.2.1 then 4.4.1", "4.4.1", 14},
	        {"failed with 5.1.1.", "5.1.1", 12},
	        {"code 2.0.0, done", "2.0.0", 5},
	        {"(4.7.28)", "4.7.28", 1},
	        {"5.1.1", "5.1.1", 0},
	};
	static const char *const none[] = {
	        "",       "192.5.1.1", /* an address is not a code */
	        "x5.1.1", "5.1.1a",      "5.1.1.4", "3.1.1 nothing",
	        "5.1",    "v2.4.5-beta",
	};
	struct dsng_status_code c;
	size_t i, off;

	(void)state;
	for (i = 0; i < sizeof(found) / sizeof(found[0]); i++) {
		off = 999;
		assert_int_equal(find_g(found[i].text, &c, &off), DSNG_OK);
		assert_string_equal(c.str, found[i].code);
		assert_int_equal(off, found[i].off);
	}
	for (i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		assert_int_equal(find_g(none[i], &c, &off), DSNG_ENOTFOUND);
	assert_int_equal(dsng_status_find(&c, NULL, "5.1.1", 5), DSNG_OK);
}

static void test_status_classify(void **state)
{
	struct dsng_status_code c;

	(void)state;
	assert_string_equal(dsng_status_class_name(DSNG_STATUS_CLASS_SUCCESS),
	                    "success");
	assert_string_equal(dsng_status_class_name(4), "transient");
	assert_string_equal(dsng_status_class_name(5), "permanent");
	assert_string_equal(dsng_status_class_name(3), "unknown");
	assert_string_equal(
	        dsng_status_subject_name(DSNG_STATUS_SUBJECT_ADDRESSING),
	        "Addressing Status");
	assert_string_equal(
	        dsng_status_subject_name(DSNG_STATUS_SUBJECT_SECURITY),
	        "Security or Policy Status");
	assert_string_equal(
	        dsng_status_subject_name(DSNG_STATUS_SUBJECT_CONTENT),
	        "Message Content or Media Status");
	assert_string_equal(dsng_status_subject_name(8), "Unregistered Status");
	assert_int_equal(dsng_status_make(&c, 4, 2, 2), DSNG_OK);
	assert_string_equal(c.str, "4.2.2");
	assert_int_equal(dsng_status_make(&c, 3, 2, 2), DSNG_EINVAL);
	assert_int_equal(dsng_status_make(&c, 5, 1000, 2), DSNG_EINVAL);
	assert_int_equal(dsng_status_make(NULL, 5, 1, 1), DSNG_EINVAL);
}

/* The code's text for every class, subject and detail against printf's
 * "%u.%u.%u", and it parses back to the same numbers. */
static void test_status_make_every_code(void **state)
{
	static const unsigned classes[] = {2, 4, 5};
	struct dsng_status_code c, back;
	char want[32];
	unsigned k, s, d;

	(void)state;
	for (k = 0; k < 3; k++)
		for (s = 0; s <= 999; s++)
			for (d = 0; d <= 999; d += (s % 7 == 0 ? 1 : 37)) {
				assert_int_equal(
				        dsng_status_make(&c, classes[k], s, d),
				        DSNG_OK);
				snprintf(want, sizeof(want), "%u.%u.%u",
				         classes[k], s, d);
				if (strcmp(c.str, want) != 0)
					fail_msg("%s, not %s", c.str, want);
				assert_int_equal(
				        dsng_status_parse(&back, c.str,
				                          strlen(c.str), NULL),
				        DSNG_OK);
				assert_true(back.cls == classes[k] &&
				            back.subject == s &&
				            back.detail == d);
			}
}

static void test_status_describe(void **state)
{
	struct dsng_status_code c;

	(void)state;
	dsng_status_make(&c, 5, 7, 30);
	assert_string_equal(dsng_status_describe(&c),
	                    "REQUIRETLS support required");
	dsng_status_make(&c, 5, 1, 1);
	assert_string_equal(dsng_status_describe(&c),
	                    "Bad destination mailbox address");
	dsng_status_make(&c, 2, 0, 0);
	assert_string_equal(dsng_status_describe(&c), "Other undefined Status");
	dsng_status_make(&c, 5, 1, 10);
	assert_string_equal(dsng_status_describe(&c),
	                    "Recipient address has null MX");
	dsng_status_make(&c, 5, 6, 7);
	assert_string_equal(
	        dsng_status_describe(&c),
	        "Non-ASCII addresses not permitted for that sender/recipient");
	/* unregistered: the subject's generic text */
	dsng_status_make(&c, 5, 1, 99);
	assert_string_equal(dsng_status_describe(&c), "Addressing Status");
	dsng_status_make(&c, 4, 9, 1);
	assert_string_equal(dsng_status_describe(&c), "Unregistered Status");
	assert_null(dsng_status_registered(7, 31));
	assert_string_equal(dsng_status_registered(7, 26),
	                    "Multiple authentication checks failed");
	assert_string_equal(dsng_status_describe(NULL), "Unregistered Status");
}

static void test_status_registry_is_sorted_and_complete(void **state)
{
	size_t n, i, per_subject[8] = {0};
	const struct dsng__status_entry *t = dsng__status_table(&n);

	(void)state;
	assert_true(n >= 80);
	for (i = 0; i < n; i++) {
		assert_non_null(t[i].text);
		assert_non_null(t[i].rfc);
		assert_true(t[i].subject < 8);
		per_subject[t[i].subject]++;
		if (i)
			assert_true(t[i - 1].subject * 1000u + t[i - 1].detail <
			            t[i].subject * 1000u + t[i].detail);
		/* every entry is found by the bisecting lookup */
		assert_ptr_equal(dsng__status_lookup(t[i].subject, t[i].detail),
		                 &t[i]);
	}
	/* counts per subject as registered (RFC 3463 + later RFCs) */
	assert_int_equal(per_subject[0], 1);
	assert_int_equal(per_subject[1], 11);
	assert_int_equal(per_subject[2], 5);
	assert_int_equal(per_subject[3], 7);
	assert_int_equal(per_subject[4], 8);
	assert_int_equal(per_subject[5], 7);
	assert_int_equal(per_subject[6], 11);
	assert_int_equal(per_subject[7], 31);
	assert_null(dsng__status_lookup(0, 1));
	assert_null(dsng__status_lookup(999, 999));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_status_parse_valid),
	        cmocka_unit_test(test_status_make_every_code),
	        cmocka_unit_test(test_status_parse_errors),
	        cmocka_unit_test(test_status_prefix),
	        cmocka_unit_test(test_status_find_in_text),
	        cmocka_unit_test(test_status_classify),
	        cmocka_unit_test(test_status_describe),
	        cmocka_unit_test(test_status_registry_is_sorted_and_complete),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
