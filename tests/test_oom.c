/*
 * tests/test_oom.c - out of memory at every allocation of the entry
 * points that allocate: each is run once per allocation it makes, that
 * one refused (dsng_oom_sweep), and must then return DSNG_ENOMEM with err
 * filled (kind nomem), *out NULL and nothing left on the caller's context
 * or anywhere else; the run with nothing refused must give the same
 * result as a run outside the sweep.
 */
#include "dsng_oom.h" /* first: it needs _GNU_SOURCE */

#include <stdio.h>
#include <stdlib.h>

#define S(x) x, sizeof(x) - 1

/* The injector itself: exactly the chosen allocation fails, of any of
 * the wrapped kinds, and nothing is refused once disarmed. */
static void test_injector(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	char *a;
	int *b;

	(void)state;
	dsng_oom_arm(0);
	assert_null(talloc_strdup(mem, "x"));
	assert_true(dsng_oom_disarm());
	dsng_oom_arm(1);
	a = talloc_asprintf(mem, "%d", 42);
	assert_string_equal(a, "42");
	assert_null(talloc_asprintf_append_buffer(a, "%s", "more"));
	assert_true(dsng_oom_disarm());
	assert_string_equal(a, "42");
	dsng_oom_arm(5);
	b = talloc_zero_array(mem, int, 3);
	assert_non_null(b);
	assert_false(dsng_oom_disarm());
	assert_non_null(talloc_strndup(mem, "abc", 2));
	talloc_free(mem);
}

int main(void)
{
#define T(f)                                                                   \
	cmocka_unit_test_setup_teardown(f, dsng_oom_setup_ctx,                 \
	                                dsng_test_teardown_ctx)
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_injector),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
