/*
 * tests/test_cmd_util.h - helpers for the xtext, addr and smtp_cmd tests:
 * every input goes through a guard-page copy (a read past its end
 * faults), and the copies live until the test's teardown, because parsed
 * spans point into them.
 */
#ifndef DSNG_TEST_CMD_UTIL_H
#define DSNG_TEST_CMD_UTIL_H

#include "dsng_test.h"

#define UT_MAX_GUARDS 256

static const char *ut_guards[UT_MAX_GUARDS];
static size_t ut_nguards;
static struct dsng_cmd ut_cmd = DSNG_CMD_INIT;
static struct dsng_error ut_err = DSNG_ERROR_INIT;

/* A guarded copy of n octets, freed by ut_teardown.  An empty input is
 * the end of a one-octet copy, so it still ends at the guard page (the
 * support helper cannot free a zero-length copy). */
static inline const char *ut_guard(const char *s, size_t n)
{
	const char *p = dsng_test_guard(n ? s : "x", n ? n : 1);

	assert_true(ut_nguards < UT_MAX_GUARDS);
	ut_guards[ut_nguards++] = p;
	return n ? p : p + 1;
}

static inline int ut_teardown(void **state)
{
	while (ut_nguards)
		dsng_test_guard_free(ut_guards[--ut_nguards]);
	return dsng_test_teardown_ctx(state);
}

/* Parse n octets of s with the given DSNG_CMD_* flags into ut_cmd. */
static inline int ut_parse_n(const char *s, size_t n, unsigned flags)
{
	struct dsng_cmd_opts o;

	dsng_cmd_opts_init(&o, DSNG_CMD_OPTS_VERSION);
	o.flags = flags;
	dsng_error_clear(&ut_err);
	return dsng_cmd_parse(&ut_cmd, ut_guard(s, n), n, &o, &ut_err);
}

static inline int ut_parse(const char *s, unsigned flags)
{
	return ut_parse_n(s, strlen(s), flags);
}

/* The line parses; returns ut_cmd. */
#define UT_OK(line, flags)                                                     \
	do {                                                                   \
		int rc_ = ut_parse((line), (flags));                           \
		if (rc_ != DSNG_OK)                                            \
			fail_msg("%s: %s at %zu: %s", (line),                  \
			         dsng_error_kind_name(ut_err.kind),            \
			         ut_err.offset, ut_err.message);               \
	} while (0)

/* The line is refused with this kind, offset, reply and enhanced code. */
#define UT_ERR(line, flags, kind_, off_, reply_, enh_)                         \
	do {                                                                   \
		int rc_ = ut_parse((line), (flags));                           \
		if (rc_ == DSNG_OK)                                            \
			fail_msg("%s: accepted", (line));                      \
		assert_int_equal(rc_, ut_err.rc);                              \
		if (ut_err.kind != (kind_))                                    \
			fail_msg("%s: got %s (%s), want %s", (line),           \
			         dsng_error_kind_name(ut_err.kind),            \
			         ut_err.message, dsng_error_kind_name(kind_)); \
		assert_int_equal(ut_err.offset, (off_));                       \
		assert_int_equal(ut_err.reply, (reply_));                      \
		assert_string_equal(ut_err.enhanced, (enh_));                  \
	} while (0)

/* A span equals a C string. */
#define UT_SPAN(span, str)                                                     \
	do {                                                                   \
		struct dsng_span s_ = (span);                                  \
		const char *w_ = (str);                                        \
		if (s_.len != strlen(w_) ||                                    \
		    (s_.len && memcmp(s_.ptr, w_, s_.len)))                    \
			fail_msg("span \"%.*s\" != \"%s\"", (int)s_.len,       \
			         s_.ptr ? s_.ptr : "", w_);                    \
	} while (0)

#define UT_TEST(f)                                                             \
	cmocka_unit_test_setup_teardown(f, dsng_test_setup_ctx, ut_teardown)

#endif
