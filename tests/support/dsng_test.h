/*
 * tests/support/dsng_test.h - shared test helpers: a talloc context per
 * test, guard-page buffers that make any read past the input crash,
 * file loading from tests/data, and expected timestamps.
 */
#ifndef DSNG_TEST_H
#define DSNG_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <talloc.h>

#include "dsnguard/dsnguard.h"

/* cmocka setup/teardown: *state is a fresh talloc context; teardown fails
 * the test if anything is still hanging off it that the test did not free
 * (use talloc_free on results or the leak check in each test). */
int dsng_test_setup_ctx(void **state);
int dsng_test_teardown_ctx(void **state);

/* Copy len bytes so they end exactly at a PROT_NONE page: reading one byte
 * past the input faults.  Free with dsng_test_guard_free. */
const char *dsng_test_guard(const void *data, size_t len);
void dsng_test_guard_free(const char *p);

/* Read tests/data/<rel> (or an absolute path) into a talloc buffer,
 * NUL-terminated for convenience; *len excludes the NUL.  Fails the test
 * when the file cannot be read. */
char *dsng_test_load(TALLOC_CTX *mem, const char *rel, size_t *len);

/* Seconds since the epoch of the civil time y-mo-d h:mi:s in a zone
 * `zone` minutes east of UTC, by the C library's timegm (so a date
 * parser's results are checked against an independent computation). */
int64_t dsng_test_utc(int y, int mo, int d, int h, int mi, int s, int zone);

/* Every how many cases an exhaustive loop takes: 1 (all of them), or what
 * DSNG_TEST_MUTATION_STRIDE says.  The valgrind stage sets it: under
 * memcheck the exhaustive loops (every octet at every place) take
 * minutes, and the gcc, clang and ASan stages run them all. */
size_t dsng_test_stride(void);

#endif
