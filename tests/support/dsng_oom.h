/*
 * tests/support/dsng_oom.h - make the Nth talloc allocation fail, for
 * out-of-memory tests.  Include it FIRST (it needs _GNU_SOURCE for
 * RTLD_NEXT) and in exactly ONE .c file of a test program: it defines the
 * talloc allocation functions the library calls, and the definitions in
 * the executable take precedence over libtalloc's (the static library is
 * linked into each test program).  Each passes the call on to libtalloc
 * (dlsym RTLD_NEXT) unless it is the allocation chosen to fail; calls
 * libtalloc makes to itself through these names are passed on uncounted.
 *
 * Why not talloc_set_memlimit (tests/test_policy.c): the library
 * allocates most results on NULL and steals them to the caller's context
 * at the end, which a limit on that context never sees; and with a limit
 * on talloc's null context, talloc 2.4 loops for ever in talloc_steal of
 * an object that has children.  Counting calls also reaches allocations
 * inside a talloc pool, which a byte limit cannot.
 */
#ifndef DSNG_OOM_H
#define DSNG_OOM_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <dlfcn.h>
#include <stdarg.h>
#include <stdlib.h>

#include "dsng_test.h"

#ifndef RTLD_NEXT
#error "include dsng_oom.h before any other header (it needs _GNU_SOURCE)"
#endif

/* The allocation to fail: its index among the calls counted since
 * dsng_oom_arm, or -1 for none (disarmed: nothing counted). */
static long dsng_oom_fail_at = -1;
static long dsng_oom_calls;
static int dsng_oom_failed; /* the chosen allocation was refused */
static int dsng_oom_depth;  /* inside a wrapper: pass on uncounted */

/* Count allocations from now on and refuse the one of index n (0-based). */
static inline void dsng_oom_arm(long n)
{
	dsng_oom_fail_at = n;
	dsng_oom_calls = 0;
	dsng_oom_failed = 0;
}

/* Stop counting; returns whether the chosen allocation was refused. */
static inline int dsng_oom_disarm(void)
{
	dsng_oom_fail_at = -1;
	return dsng_oom_failed;
}

/* Whether this call is the one to refuse (and count it). */
static inline int dsng_oom_refuse(void)
{
	if (dsng_oom_fail_at < 0 || dsng_oom_depth > 0)
		return 0;
	if (dsng_oom_calls++ == dsng_oom_fail_at) {
		dsng_oom_failed = 1;
		return 1;
	}
	return 0;
}

static inline void *dsng_oom_real(const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);

	if (!f)
		fail_msg("dsng_oom: no %s in libtalloc", name);
	return f;
}

/* A wrapper: refuse, or call the real function with depth raised. */
#define DSNG_OOM_WRAP(ret, name, params, args)                                 \
	ret name params                                                        \
	{                                                                      \
		static ret(*real) params;                                      \
		ret r;                                                         \
		if (dsng_oom_refuse())                                         \
			return NULL;                                           \
		if (!real)                                                     \
			*(void **)&real = dsng_oom_real(#name);                \
		dsng_oom_depth++;                                              \
		r = real args;                                                 \
		dsng_oom_depth--;                                              \
		return r;                                                      \
	}

DSNG_OOM_WRAP(void *, talloc_named_const,
              (const void *context, size_t size, const char *name),
              (context, size, name))
DSNG_OOM_WRAP(void *, _talloc_zero,
              (const void *ctx, size_t size, const char *name),
              (ctx, size, name))
DSNG_OOM_WRAP(void *, _talloc_memdup,
              (const void *t, const void *p, size_t size, const char *name),
              (t, p, size, name))
DSNG_OOM_WRAP(void *, _talloc_pooled_object,
              (const void *ctx, size_t type_size, const char *type_name,
               unsigned num_subobjects, size_t total_subobjects_size),
              (ctx, type_size, type_name, num_subobjects,
               total_subobjects_size))
DSNG_OOM_WRAP(void *, talloc_pool, (const void *context, size_t size),
              (context, size))
DSNG_OOM_WRAP(void *, _talloc_array,
              (const void *ctx, size_t el_size, unsigned count,
               const char *name),
              (ctx, el_size, count, name))
DSNG_OOM_WRAP(void *, _talloc_zero_array,
              (const void *ctx, size_t el_size, unsigned count,
               const char *name),
              (ctx, el_size, count, name))
DSNG_OOM_WRAP(void *, _talloc_realloc_array,
              (const void *ctx, void *ptr, size_t el_size, unsigned count,
               const char *name),
              (ctx, ptr, el_size, count, name))
DSNG_OOM_WRAP(char *, talloc_strdup, (const void *t, const char *p), (t, p))
DSNG_OOM_WRAP(char *, talloc_strndup, (const void *t, const char *p, size_t n),
              (t, p, n))
DSNG_OOM_WRAP(char *, talloc_strdup_append_buffer, (char *s, const char *a),
              (s, a))
DSNG_OOM_WRAP(char *, talloc_strndup_append_buffer,
              (char *s, const char *a, size_t n), (s, a, n))
DSNG_OOM_WRAP(char *, talloc_vasprintf,
              (const void *t, const char *fmt, va_list ap), (t, fmt, ap))
DSNG_OOM_WRAP(char *, talloc_vasprintf_append,
              (char *s, const char *fmt, va_list ap), (s, fmt, ap))
DSNG_OOM_WRAP(char *, talloc_vasprintf_append_buffer,
              (char *s, const char *fmt, va_list ap), (s, fmt, ap))

/* The variadic ones go through the wrapped va_list versions. */
char *talloc_asprintf(const void *t, const char *fmt, ...)
{
	va_list ap;
	char *r;

	va_start(ap, fmt);
	r = talloc_vasprintf(t, fmt, ap);
	va_end(ap);
	return r;
}

char *talloc_asprintf_append(char *s, const char *fmt, ...)
{
	va_list ap;
	char *r;

	va_start(ap, fmt);
	r = talloc_vasprintf_append(s, fmt, ap);
	va_end(ap);
	return r;
}

char *talloc_asprintf_append_buffer(char *s, const char *fmt, ...)
{
	va_list ap;
	char *r;

	va_start(ap, fmt);
	r = talloc_vasprintf_append_buffer(s, fmt, ap);
	va_end(ap);
	return r;
}

/* cmocka setup: dsng_test_setup_ctx, after disarming (a failed check
 * inside a sweep leaves it armed). */
static inline int dsng_oom_setup_ctx(void **state)
{
	dsng_oom_disarm();
	dsng_oom_depth = 0;
	return dsng_test_setup_ctx(state);
}

/* One attempt of a sweep: make the call under test with mem (a fresh
 * context) as its context, check what it returned (on success also the
 * result), free any result, and return the call's return code. */
typedef int (*dsng_oom_fn)(void *arg, TALLOC_CTX *mem);

/* talloc's null context (NULL tracking on), the parent of everything
 * allocated on NULL, to see leaks of objects that have no other parent. */
static inline void *dsng_oom_null_ctx(void)
{
	static void *null_ctx;

	if (!null_ctx) {
		void *probe;

		talloc_enable_null_tracking_no_autofree();
		/* frees the null context again at exit (leak checkers) */
		atexit(talloc_disable_null_tracking);
		probe = talloc_new(NULL);
		assert_non_null(probe);
		null_ctx = talloc_parent(probe);
		talloc_free(probe);
		assert_non_null(null_ctx);
	}
	return null_ctx;
}

/*
 * Run fn once for every allocation it makes, that allocation refused,
 * then once with none refused.  Fails the test when a run whose
 * allocation was refused does not return DSNG_ENOMEM, or leaves anything
 * on mem or anywhere else.  Returns the number of allocations (so a test
 * can insist the call allocates at all); *rc (may be NULL) gets the last
 * run's return code.
 */
static inline unsigned dsng_oom_sweep(dsng_oom_fn fn, void *arg, int *rc)
{
	void *null_ctx = dsng_oom_null_ctx();
	long n;
	int r;

	for (n = 0;; n++) {
		TALLOC_CTX *mem = talloc_new(NULL);
		size_t before;
		int refused;

		assert_non_null(mem);
		before = talloc_total_blocks(null_ctx);
		dsng_oom_arm(n);
		r = fn(arg, mem);
		refused = dsng_oom_disarm();
		if (!refused) {
			talloc_free(mem);
			break;
		}
		if (r != DSNG_ENOMEM)
			fail_msg("allocation %ld refused, but the call "
			         "returned %d (%s)",
			         n, r, dsng_error_rc_text(r));
		if (talloc_total_blocks(mem) != 1)
			fail_msg("allocation %ld refused: %zu blocks left on "
			         "mem",
			         n, talloc_total_blocks(mem) - 1);
		if (talloc_total_blocks(null_ctx) != before)
			fail_msg("allocation %ld refused: %ld talloc blocks "
			         "leaked",
			         n,
			         (long)talloc_total_blocks(null_ctx) -
			                 (long)before);
		talloc_free(mem);
	}
	if (rc)
		*rc = r;
	return (unsigned)n;
}

#endif
