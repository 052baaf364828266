/*
 * tests/test_error.c - the error model: names, texts, the fail helper.
 */
#include "dsng_test.h"
#include <unistd.h>

#include "dsng_private.h"

static void test_errkind_names_are_stable(void **state)
{
	(void)state;
	assert_string_equal(dsng_error_kind_name(DSNG_ERR_BAD_XTEXT),
	                    "bad_xtext");
	assert_string_equal(dsng_error_kind_name(DSNG_ERR_PARAM_NOT_ALLOWED),
	                    "param_not_allowed");
	assert_string_equal(
	        dsng_error_kind_name(DSNG_ERR_NULL_PATH_NOT_ALLOWED),
	        "null_path_not_allowed");
	assert_string_equal(dsng_error_kind_name((enum dsng_errkind)9999),
	                    "unknown");
}

static void test_every_kind_has_a_name(void **state)
{
	int k;

	(void)state;
	for (k = 0; k < DSNG_ERR__COUNT; k++)
		assert_string_not_equal(
		        dsng_error_kind_name((enum dsng_errkind)k), "unknown");
}

static void test_fail_fills_error_and_returns_status(void **state)
{
	struct dsng_error err = DSNG_ERROR_INIT;

	(void)state;
	assert_int_equal(dsng__fail(&err, DSNG_ESYNTAX, DSNG_ERR_BAD_NOTIFY, 17,
	                            501, "5.5.4", "bad %s", "NOTIFY"),
	                 DSNG_ESYNTAX);
	assert_int_equal(err.rc, DSNG_ESYNTAX);
	assert_int_equal(err.kind, DSNG_ERR_BAD_NOTIFY);
	assert_int_equal(err.offset, 17);
	assert_int_equal(err.reply, 501);
	assert_string_equal(err.enhanced, "5.5.4");
	assert_string_equal(err.message, "bad NOTIFY");
	/* NULL error is allowed and still gives the status */
	assert_int_equal(dsng__fail(NULL, DSNG_ELIMIT, DSNG_ERR_SIZE_LIMIT, 0,
	                            0, NULL, "x"),
	                 DSNG_ELIMIT);
}

static void test_version_matches_macros(void **state)
{
	(void)state;
	assert_string_equal(dsng_version(), DSNG_VERSION_STRING);
	assert_true(DSNG_CHECK_VERSION(0, 1, 0));
	assert_true(DSNG_CHECK_VERSION(DSNG_VERSION_MAJOR, DSNG_VERSION_MINOR,
	                               DSNG_VERSION_PATCH));
	assert_false(DSNG_CHECK_VERSION(DSNG_VERSION_MAJOR,
	                                DSNG_VERSION_MINOR + 1, 0));
	assert_string_equal(dsng_error_rc_text(DSNG_ESYNTAX), "syntax error");
}

/* The guard helper itself: data ends right before the guard page, for
 * empty, small and multi-page inputs, and each can be freed. */
static void test_guard_buffers_end_at_the_guard(void **state)
{
	static const size_t sizes[] = {0, 1, 4095, 4096, 10000};
	char big[10000];
	size_t i;

	(void)state;
	memset(big, 'x', sizeof(big));
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		const char *p = dsng_test_guard(big, sizes[i]);
		if (sizes[i])
			assert_int_equal(p[sizes[i] - 1], 'x');
		/* the next byte would be on a PROT_NONE page */
		assert_int_equal(((uintptr_t)(p + sizes[i])) %
		                         (uintptr_t)sysconf(_SC_PAGESIZE),
		                 0);
		dsng_test_guard_free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_errkind_names_are_stable),
	        cmocka_unit_test(test_every_kind_has_a_name),
	        cmocka_unit_test(test_fail_fills_error_and_returns_status),
	        cmocka_unit_test(test_version_matches_macros),
	        cmocka_unit_test(test_guard_buffers_end_at_the_guard),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
