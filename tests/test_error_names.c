/*
 * tests/test_error_names.c - every stable name and text of the public
 * API (error kinds, return codes, DSN kinds, NOTIFY values, policy
 * actions, BATV results, ...) against what the headers and the man page
 * promise, and the error struct's version contract: a struct of a
 * version the library does not know is never written.
 */
#include <ctype.h>
#include <limits.h>

#include "dsng_test.h"

#include "dsng_private.h"

#define S(x) x, sizeof(x) - 1
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Every kind with its enumerator's name: common.h calls the names stable
 * identifiers, and they are the enumerator without DSNG_ERR_, lower-case
 * ("bad_xtext" for DSNG_ERR_BAD_XTEXT).  The list is written from the
 * header; the count check below catches a kind added without a name. */
#define K(x)                                                                   \
	{                                                                      \
		DSNG_ERR_##x, #x                                               \
	}
static const struct {
	enum dsng_errkind kind;
	const char *enumerator;
} kinds[] = {
        K(NONE),
        K(EMPTY),
        K(UNKNOWN_COMMAND),
        K(LINE_TOO_LONG),
        K(NUL_BYTE),
        K(BARE_CR_LF),
        K(SYNTAX),
        K(BAD_ADDRESS),
        K(NULL_PATH_NOT_ALLOWED),
        K(NON_ASCII_ADDRESS),
        K(BAD_PARAM),
        K(DUPLICATE_PARAM),
        K(TOO_MANY_PARAMS),
        K(BAD_NOTIFY),
        K(BAD_ORCPT),
        K(BAD_RET),
        K(BAD_ENVID),
        K(BAD_SIZE),
        K(BAD_BODY),
        K(BAD_XTEXT),
        K(BAD_AUTH),
        K(BAD_BY),
        K(BAD_MT_PRIORITY),
        K(BAD_HOLD),
        K(PARAM_NOT_ALLOWED),
        K(BAD_REPLY),
        K(MIXED_CODES),
        K(BAD_CONTINUATION),
        K(BAD_STATUS),
        K(BAD_EHLO),
        K(NOT_MAIL),
        K(DEPTH_LIMIT),
        K(PART_LIMIT),
        K(HEADER_LIMIT),
        K(FIELD_LIMIT),
        K(SIZE_LIMIT),
        K(RECIPIENT_LIMIT),
        K(CONFIG),
        K(UNKNOWN_KEY),
        K(BAD_VALUE),
        K(BAD_CIDR),
        K(UNKNOWN_PRESET),
        K(IO),
        K(BATV_FORMAT),
        K(BATV_EXPIRED),
        K(BATV_BAD_HASH),
        K(BATV_NO_KEY),
        K(NOMEM),
        K(INVALID_ARGUMENT),
};
#undef K

static void test_every_kind_name_is_its_enumerator(void **state)
{
	size_t i, j;

	(void)state;
	assert_int_equal(N_OF(kinds), DSNG_ERR__COUNT);
	for (i = 0; i < N_OF(kinds); i++) {
		const char *name = dsng_error_kind_name(kinds[i].kind);
		char want[64];

		assert_int_equal(kinds[i].kind, i);
		assert_true(strlen(kinds[i].enumerator) < sizeof(want));
		for (j = 0; kinds[i].enumerator[j]; j++)
			want[j] = (char)tolower(
			        (unsigned char)kinds[i].enumerator[j]);
		want[j] = 0;
		assert_string_equal(name, want);
		/* stable: the same static string every time */
		assert_ptr_equal(name, dsng_error_kind_name(kinds[i].kind));
	}
}

/* The names doc/dsnguard.1 lists for the CLI's JSON errors. */
static void test_kind_names_of_the_man_page(void **state)
{
	static const struct {
		enum dsng_errkind kind;
		const char *name;
	} doc[] = {
	        {DSNG_ERR_EMPTY, "empty"},
	        {DSNG_ERR_UNKNOWN_COMMAND, "unknown_command"},
	        {DSNG_ERR_LINE_TOO_LONG, "line_too_long"},
	        {DSNG_ERR_NUL_BYTE, "nul_byte"},
	        {DSNG_ERR_BARE_CR_LF, "bare_cr_lf"},
	        {DSNG_ERR_SYNTAX, "syntax"},
	        {DSNG_ERR_BAD_ADDRESS, "bad_address"},
	        {DSNG_ERR_NULL_PATH_NOT_ALLOWED, "null_path_not_allowed"},
	        {DSNG_ERR_BAD_PARAM, "bad_param"},
	        {DSNG_ERR_DUPLICATE_PARAM, "duplicate_param"},
	        {DSNG_ERR_BAD_NOTIFY, "bad_notify"},
	        {DSNG_ERR_BAD_ORCPT, "bad_orcpt"},
	        {DSNG_ERR_BAD_RET, "bad_ret"},
	        {DSNG_ERR_BAD_ENVID, "bad_envid"},
	        {DSNG_ERR_BAD_SIZE, "bad_size"},
	        {DSNG_ERR_BAD_BODY, "bad_body"},
	        {DSNG_ERR_BAD_XTEXT, "bad_xtext"},
	        {DSNG_ERR_PARAM_NOT_ALLOWED, "param_not_allowed"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < N_OF(doc); i++)
		assert_string_equal(dsng_error_kind_name(doc[i].kind),
		                    doc[i].name);
}

static void test_kind_names_out_of_range(void **state)
{
	static const int bad[] = {
	        DSNG_ERR__COUNT, DSNG_ERR__COUNT + 1, -1, 9999, INT_MAX,
	        INT_MIN};
	size_t i;

	(void)state;
	for (i = 0; i < N_OF(bad); i++)
		assert_string_equal(
		        dsng_error_kind_name((enum dsng_errkind)bad[i]),
		        "unknown");
}

/* Each return code has its own text, none of them the fallback, and each
 * says what common.h says the code means. */
static void test_rc_texts(void **state)
{
	static const struct {
		int rc;
		const char *says; /* a word of its meaning in common.h */
	} rcs[] = {
	        {DSNG_OK, "success"},          {DSNG_ENOMEM, "memory"},
	        {DSNG_EINVAL, "argument"},     {DSNG_ESYNTAX, "syntax"},
	        {DSNG_ELIMIT, "limit"},        {DSNG_EIO, "output"},
	        {DSNG_ENOTFOUND, "not found"}, {DSNG_EVERIFY, "verif"},
	};
	static const int unknown[] = {1,    42,      DSNG_EVERIFY - 1,
	                              -100, INT_MIN, INT_MAX};
	const char *fallback = dsng_error_rc_text(unknown[0]);
	size_t i, j;

	(void)state;
	assert_non_null(fallback);
	for (i = 0; i < N_OF(unknown); i++)
		assert_string_equal(dsng_error_rc_text(unknown[i]), fallback);
	for (i = 0; i < N_OF(rcs); i++) {
		const char *t = dsng_error_rc_text(rcs[i].rc);

		assert_non_null(t);
		assert_true(t[0] != 0);
		assert_string_not_equal(t, fallback);
		assert_non_null(strstr(t, rcs[i].says));
		for (j = 0; j < i; j++)
			assert_string_not_equal(t,
			                        dsng_error_rc_text(rcs[j].rc));
	}
	/* the one text common.h quotes */
	assert_string_equal(dsng_error_rc_text(DSNG_ESYNTAX), "syntax error");
}

static void test_error_init_and_clear(void **state)
{
	struct dsng_error e, untouched;
	const struct dsng_error def = DSNG_ERROR_INIT;
	static const unsigned bad[] = {0, DSNG_ERROR_VERSION + 1, UINT_MAX};
	size_t i;

	(void)state;
	assert_int_equal(def.version, DSNG_ERROR_VERSION);
	assert_int_equal(def.rc, DSNG_OK);
	assert_int_equal(def.kind, DSNG_ERR_NONE);
	assert_null(def.limit);
	assert_int_equal(dsng_error_init(NULL, DSNG_ERROR_VERSION),
	                 DSNG_EINVAL);
	for (i = 0; i < N_OF(bad); i++) {
		memset(&e, 0x5A, sizeof(e));
		memcpy(&untouched, &e, sizeof(e));
		assert_int_equal(dsng_error_init(&e, bad[i]), DSNG_EINVAL);
		assert_memory_equal(&e, &untouched, sizeof(e));
	}
	memset(&e, 0x5A, sizeof(e));
	assert_int_equal(dsng_error_init(&e, DSNG_ERROR_VERSION), DSNG_OK);
	assert_int_equal(e.version, DSNG_ERROR_VERSION);
	assert_int_equal(e.rc, 0);
	assert_int_equal(e.kind, DSNG_ERR_NONE);
	assert_int_equal(e.offset, 0);
	assert_int_equal(e.line, 0);
	assert_int_equal(e.column, 0);
	assert_int_equal(e.reply, 0);
	assert_string_equal(e.enhanced, "");
	assert_string_equal(e.message, "");
	assert_null(e.limit);

	/* clear: safe with NULL, leaves unknown versions alone, resets a
	 * known one keeping its version */
	dsng_error_clear(NULL);
	for (i = 0; i < N_OF(bad); i++) {
		memset(&e, 0x5A, sizeof(e));
		e.version = bad[i];
		memcpy(&untouched, &e, sizeof(e));
		dsng_error_clear(&e);
		assert_memory_equal(&e, &untouched, sizeof(e));
	}
	assert_int_equal(dsng_report_date_parse(&(int64_t){0}, S("x"), &e),
	                 DSNG_ESYNTAX);
	e = def;
	assert_int_equal(dsng_report_date_parse(&(int64_t){0}, S("x"), &e),
	                 DSNG_ESYNTAX);
	assert_int_equal(e.rc, DSNG_ESYNTAX);
	dsng_error_clear(&e);
	assert_int_equal(e.version, DSNG_ERROR_VERSION);
	assert_int_equal(e.rc, DSNG_OK);
	assert_int_equal(e.kind, DSNG_ERR_NONE);
	assert_string_equal(e.message, "");
}

/* An error struct of a version the library does not know has a size it
 * does not know either: every kind of failure (plain, with a limit, with
 * a file position) leaves it alone and still returns the code. */
static void test_unknown_error_versions_untouched(void **state)
{
	TALLOC_CTX *mem = *state;
	static const unsigned bad[] = {0, DSNG_ERROR_VERSION + 1};
	struct dsng_mime_limits lim = DSNG_MIME_LIMITS_INIT;
	size_t i;

	lim.max_fields = 1;
	for (i = 0; i < N_OF(bad); i++) {
		struct dsng_error e, untouched;
		struct dsng_mime_header *h;
		struct dsng_policy *p;
		int64_t t = 7;

		memset(&e, 0xC3, sizeof(e));
		e.version = bad[i];
		memcpy(&untouched, &e, sizeof(e));
		/* dsng__fail */
		assert_int_equal(dsng_report_date_parse(&t, S("junk"), &e),
		                 DSNG_ESYNTAX);
		assert_int_equal(t, 7);
		/* dsng__fail_limit */
		assert_int_equal(dsng_mime_header_parse(mem, &h, NULL,
		                                        S("A: 1\nB: 2\n\n"),
		                                        &lim, &e),
		                 DSNG_ELIMIT);
		assert_null(h);
		/* dsng__fail_at */
		assert_int_equal(dsng_policy_parse(mem, &p, S("[nonsense]\n"),
		                                   "x.conf", NULL, &e),
		                 DSNG_ESYNTAX);
		assert_null(p);
		/* an invalid argument */
		assert_int_equal(dsng_report_date_parse(NULL, S("x"), &e),
		                 DSNG_EINVAL);
		assert_memory_equal(&e, &untouched, sizeof(e));
	}
}

/* The same three failures fill a known error struct completely. */
static void test_errors_filled(void **state)
{
	TALLOC_CTX *mem = *state;
	struct dsng_mime_limits lim = DSNG_MIME_LIMITS_INIT;
	struct dsng_error e = DSNG_ERROR_INIT;
	struct dsng_mime_header *h;
	struct dsng_policy *p;
	int64_t t;

	lim.max_fields = 1;
	assert_int_equal(dsng_mime_header_parse(mem, &h, NULL,
	                                        S("A: 1\nB: 2\n\n"), &lim, &e),
	                 DSNG_ELIMIT);
	assert_int_equal(e.rc, DSNG_ELIMIT);
	assert_int_equal(e.kind, DSNG_ERR_FIELD_LIMIT);
	assert_string_equal(e.limit, "max_fields");
	assert_true(e.message[0] != 0);
	/* a later error of another kind clears the limit */
	assert_int_equal(dsng_report_date_parse(&t, S("junk"), &e),
	                 DSNG_ESYNTAX);
	assert_int_equal(e.kind, DSNG_ERR_SYNTAX);
	assert_null(e.limit);
	assert_int_equal(e.line, 0);
	assert_int_equal(dsng_policy_parse(mem, &p, S("\n\n  [nonsense]\n"),
	                                   "x.conf", NULL, &e),
	                 DSNG_ESYNTAX);
	assert_int_equal(e.kind, DSNG_ERR_UNKNOWN_KEY);
	assert_int_equal(e.line, 3);
	/* the section name starts in column 4 */
	assert_int_equal(e.column, 4);
	assert_memory_equal(e.message, "x.conf:3:4: ", 12);
	assert_null(e.limit);
	assert_int_equal(e.reply, 0);
	assert_string_equal(e.enhanced, "");
}

static void test_dsn_action_names(void **state)
{
	(void)state;
	/* RFC 3464 2.3.3 */
	assert_string_equal(dsng_dsn_action_name(DSNG_DSN_SUCCESS),
	                    "delivered");
	assert_string_equal(dsng_dsn_action_name(DSNG_DSN_FAILURE), "failed");
	assert_string_equal(dsng_dsn_action_name(DSNG_DSN_DELAY), "delayed");
	assert_string_equal(dsng_dsn_action_name(DSNG_DSN_RELAYED), "relayed");
	assert_string_equal(dsng_dsn_action_name(DSNG_DSN_EXPANDED),
	                    "expanded");
	assert_null(dsng_dsn_action_name(DSNG_DSN_OTHER));
	assert_null(dsng_dsn_action_name(DSNG_DSN__COUNT));
	assert_null(dsng_dsn_action_name((enum dsng_dsn_kind) - 1));
	assert_null(dsng_dsn_action_name((enum dsng_dsn_kind)1000));
	/* RFC 3461 6.2: relayed and expanded answer NOTIFY=SUCCESS */
	assert_int_equal(DSNG_NOTIFY_BIT(DSNG_DSN_SUCCESS),
	                 DSNG_NOTIFY_SUCCESS);
	assert_int_equal(DSNG_NOTIFY_BIT(DSNG_DSN_RELAYED),
	                 DSNG_NOTIFY_SUCCESS);
	assert_int_equal(DSNG_NOTIFY_BIT(DSNG_DSN_EXPANDED),
	                 DSNG_NOTIFY_SUCCESS);
	assert_int_equal(DSNG_NOTIFY_BIT(DSNG_DSN_FAILURE),
	                 DSNG_NOTIFY_FAILURE);
	assert_int_equal(DSNG_NOTIFY_BIT(DSNG_DSN_DELAY), DSNG_NOTIFY_DELAY);
	assert_int_equal(DSNG_NOTIFY_BIT(DSNG_DSN_OTHER), 0);
}

/* The NOTIFY value of bits, built here from RFC 3461 4.1's order. */
static void notify_text(char *out, unsigned bits)
{
	static const char *const words[] = {"NEVER", "SUCCESS", "FAILURE",
	                                    "DELAY"};
	static const unsigned bit[] = {DSNG_NOTIFY_NEVER, DSNG_NOTIFY_SUCCESS,
	                               DSNG_NOTIFY_FAILURE, DSNG_NOTIFY_DELAY};
	size_t i;

	out[0] = 0;
	for (i = 0; i < 4; i++)
		if (bits & bit[i]) {
			if (out[0])
				strcat(out, ",");
			strcat(out, words[i]);
		}
}

static void test_notify_format(void **state)
{
	unsigned bits;

	(void)state;
	for (bits = 0; bits < 16; bits++) {
		char want[64], buf[DSNG_NOTIFY_TEXT_MAX + 8];
		size_t n, size;

		notify_text(want, bits);
		memset(buf, 'x', sizeof(buf));
		n = dsng_notify_format(buf, sizeof(buf), bits);
		assert_int_equal(n, strlen(want));
		assert_string_equal(buf, want);
		assert_true(n < DSNG_NOTIFY_TEXT_MAX);
		/* snprintf-like: every shorter buffer gets a NUL-terminated
		 * prefix, and the length needed is returned */
		for (size = 1; size <= n; size++) {
			memset(buf, 'x', sizeof(buf));
			assert_int_equal(dsng_notify_format(buf, size, bits),
			                 n);
			assert_true(strlen(buf) < size);
			assert_memory_equal(buf, want, strlen(buf));
			assert_int_equal(buf[size], 'x');
		}
		/* size 0: nothing written */
		memset(buf, 'x', sizeof(buf));
		assert_int_equal(dsng_notify_format(buf, 0, bits), n);
		assert_int_equal(buf[0], 'x');
	}
	/* the longest value fills DSNG_NOTIFY_TEXT_MAX exactly */
	{
		char buf[DSNG_NOTIFY_TEXT_MAX];
		assert_int_equal(dsng_notify_format(buf, sizeof(buf), 15),
		                 DSNG_NOTIFY_TEXT_MAX - 1);
		assert_string_equal(buf, "NEVER,SUCCESS,FAILURE,DELAY");
	}
}

static void test_other_names(void **state)
{
	(void)state;
	/* batv.h */
	assert_string_equal(dsng_batv_result_name(DSNG_BATV_VALID), "valid");
	assert_string_equal(dsng_batv_result_name(DSNG_BATV_NOT_TAGGED),
	                    "not_tagged");
	assert_string_equal(dsng_batv_result_name(DSNG_BATV_MALFORMED),
	                    "malformed");
	assert_string_equal(dsng_batv_result_name(DSNG_BATV_NO_KEY), "no_key");
	assert_string_equal(dsng_batv_result_name(DSNG_BATV_BAD_HASH),
	                    "bad_hash");
	assert_string_equal(dsng_batv_result_name(DSNG_BATV_EXPIRED),
	                    "expired");
	assert_string_equal(dsng_batv_result_name((enum dsng_batv_result)99),
	                    "unknown");
	assert_string_equal(dsng_batv_result_name((enum dsng_batv_result) - 1),
	                    "unknown");
	/* policy.h: the audit JSON words */
	assert_string_equal(dsng_policy_action_name(DSNG_POLICY_ACTION_ACCEPT),
	                    "accept");
	assert_string_equal(
	        dsng_policy_action_name(DSNG_POLICY_ACTION_ADVERTISE_DSN),
	        "advertise_dsn");
	assert_string_equal(
	        dsng_policy_action_name(DSNG_POLICY_ACTION_HIDE_DSN),
	        "hide_dsn");
	assert_string_equal(dsng_policy_action_name(DSNG_POLICY_ACTION_STRIP),
	                    "strip");
	assert_string_equal(
	        dsng_policy_action_name(DSNG_POLICY_ACTION_DOWNGRADE),
	        "downgrade");
	assert_string_equal(dsng_policy_action_name(DSNG_POLICY_ACTION_NEVER),
	                    "never");
	assert_string_equal(dsng_policy_action_name(DSNG_POLICY_ACTION_REJECT),
	                    "reject");
	assert_string_equal(dsng_policy_action_name(DSNG_POLICY_ACTION_IGNORE),
	                    "ignore");
	assert_string_equal(dsng_policy_action_name(DSNG_POLICY_ACTION_FLAG),
	                    "flag");
	assert_string_equal(
	        dsng_policy_action_name((enum dsng_policy_action)77),
	        "unknown");
	assert_string_equal(dsng_policy_compliance_name(DSNG_POLICY_COMPLIANT),
	                    "compliant");
	assert_string_equal(dsng_policy_compliance_name(DSNG_POLICY_LENIENT),
	                    "lenient");
	assert_string_equal(
	        dsng_policy_compliance_name(DSNG_POLICY_NOT_COMPLIANT),
	        "not_compliant");
	assert_string_equal(
	        dsng_policy_compliance_name((enum dsng_policy_compliance)9),
	        "unknown");
	assert_string_equal(
	        dsng_policy_verdict_name(DSNG_POLICY_VERDICT_NOT_A_BOUNCE),
	        "not_a_bounce");
	assert_string_equal(dsng_policy_verdict_name(DSNG_POLICY_VERDICT_LEGIT),
	                    "legit");
	assert_string_equal(
	        dsng_policy_verdict_name(DSNG_POLICY_VERDICT_BACKSCATTER),
	        "backscatter");
	assert_string_equal(
	        dsng_policy_verdict_name(DSNG_POLICY_VERDICT_UNKNOWN),
	        "unknown");
	assert_string_equal(
	        dsng_policy_verdict_name((enum dsng_policy_verdict)9),
	        "unknown");
	/* report.h, mime.h, status.h */
	assert_string_equal(dsng_report_kind_name(DSNG_REPORT_NONE), "none");
	assert_string_equal(dsng_report_kind_name(DSNG_REPORT_DSN), "dsn");
	assert_string_equal(dsng_report_kind_name(DSNG_REPORT_MDN), "mdn");
	assert_string_equal(dsng_report_kind_name((enum dsng_report_kind)7),
	                    "none");
	assert_string_equal(dsng_mime_cte_name(DSNG_MIME_CTE_7BIT), "7bit");
	assert_string_equal(dsng_mime_cte_name(DSNG_MIME_CTE_8BIT), "8bit");
	assert_string_equal(dsng_mime_cte_name(DSNG_MIME_CTE_BINARY), "binary");
	assert_string_equal(dsng_mime_cte_name(DSNG_MIME_CTE_BASE64), "base64");
	assert_string_equal(dsng_mime_cte_name(DSNG_MIME_CTE_QP),
	                    "quoted-printable");
	assert_string_equal(dsng_mime_cte_name(DSNG_MIME_CTE_UNKNOWN),
	                    "unknown");
	assert_string_equal(dsng_mime_cte_name((enum dsng_mime_cte)50),
	                    "unknown");
	assert_string_equal(dsng_status_class_name(2), "success");
	assert_string_equal(dsng_status_class_name(4), "transient");
	assert_string_equal(dsng_status_class_name(5), "permanent");
	assert_string_equal(dsng_status_class_name(3), "unknown");
	assert_string_equal(dsng_status_class_name(0), "unknown");
}

/* The internal helpers every parser leans on. */
static void test_span_ieq(void **state)
{
	(void)state;
	assert_true(dsng__span_ieq(S("content-TYPE"), "Content-Type"));
	assert_true(dsng__span_ieq("", 0, ""));
	/* a prefix either way is not equal */
	assert_false(dsng__span_ieq(S("Content"), "Content-Type"));
	assert_false(dsng__span_ieq(S("Content-Types"), "Content-Type"));
	assert_false(dsng__span_ieq(S("x"), ""));
	/* only ASCII letters fold: '@' (0x40) is not '`' (0x60) */
	assert_false(dsng__span_ieq(S("@"), "`"));
	assert_false(dsng__span_ieq(S("["), "{"));
	assert_true(dsng__span_ieq(S("Z9-z"), "z9-Z"));
}

static void test_parse_u64(void **state)
{
	uint64_t v = 3;

	(void)state;
	assert_int_equal(dsng__parse_u64(S("0"), 20, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(dsng__parse_u64(S("18446744073709551615"), 20, &v), 0);
	assert_true(v == UINT64_MAX);
	v = 3;
	/* one more is out of range (-2, callers say so); nothing is written
	 * on failure */
	assert_int_equal(dsng__parse_u64(S("18446744073709551616"), 20, &v),
	                 -2);
	assert_int_equal(dsng__parse_u64(S("99999999999999999999"), 20, &v),
	                 -2);
	assert_int_equal(dsng__parse_u64(S("123"), 2, &v), -2);
	assert_int_equal(dsng__parse_u64("", 0, 5, &v), -1);
	assert_int_equal(dsng__parse_u64(S("12a"), 5, &v), -1);
	assert_int_equal(dsng__parse_u64(S("-1"), 5, &v), -1);
	assert_int_equal(dsng__parse_u64(S(" 1"), 5, &v), -1);
	assert_int_equal(v, 3);
	assert_int_equal(dsng__parse_u64(S("00042"), 5, &v), 0);
	assert_int_equal(v, 42);
}

/* The versioned-struct helpers: init writes a version's defaults, take
 * copies a caller's struct of any known version over the defaults. */
struct two {
	unsigned version;
	int a, b; /* b exists from version 2 on */
};

static void test_versioned_helpers(void **state)
{
	static const struct two defaults = {2, 10, 20};
	static const size_t sizes[] = {0, offsetof(struct two, b),
	                               sizeof(struct two)};
	struct two x, local;
	struct two v1 = {1, 5, 999};

	(void)state;
	memset(&x, 0, sizeof(x));
	assert_int_equal(dsng__versioned_init(&x, 1, &defaults, sizes, 2), 0);
	assert_int_equal(x.version, 1);
	assert_int_equal(x.a, 10);
	assert_int_equal(x.b, 0); /* not part of version 1 */
	assert_int_equal(dsng__versioned_init(&x, 3, &defaults, sizes, 2),
	                 DSNG_EINVAL);
	assert_int_equal(dsng__versioned_init(&x, 0, &defaults, sizes, 2),
	                 DSNG_EINVAL);
	assert_int_equal(dsng__versioned_init(NULL, 1, &defaults, sizes, 2),
	                 DSNG_EINVAL);
	/* a version-1 struct: its a, the default b */
	assert_int_equal(dsng__versioned_take(&local, &v1, &defaults, sizes, 2),
	                 0);
	assert_int_equal(local.version, 2);
	assert_int_equal(local.a, 5);
	assert_int_equal(local.b, 20);
	/* NULL: the defaults */
	assert_int_equal(
	        dsng__versioned_take(&local, NULL, &defaults, sizes, 2), 0);
	assert_int_equal(local.a, 10);
	v1.version = 3;
	assert_int_equal(dsng__versioned_take(&local, &v1, &defaults, sizes, 2),
	                 DSNG_EINVAL);
	v1.version = 0;
	assert_int_equal(dsng__versioned_take(&local, &v1, &defaults, sizes, 2),
	                 DSNG_EINVAL);
	assert_false(dsng__version_ok(NULL, 2));
	assert_false(dsng__version_ok(&v1, 2));
	v1.version = 2;
	assert_true(dsng__version_ok(&v1, 2));
	v1.version = 3;
	assert_false(dsng__version_ok(&v1, 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_every_kind_name_is_its_enumerator),
	        cmocka_unit_test(test_kind_names_of_the_man_page),
	        cmocka_unit_test(test_kind_names_out_of_range),
	        cmocka_unit_test(test_rc_texts),
	        cmocka_unit_test(test_error_init_and_clear),
	        cmocka_unit_test_setup_teardown(
	                test_unknown_error_versions_untouched,
	                dsng_test_setup_ctx, dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_errors_filled,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test(test_dsn_action_names),
	        cmocka_unit_test(test_notify_format),
	        cmocka_unit_test(test_other_names),
	        cmocka_unit_test(test_span_ieq),
	        cmocka_unit_test(test_parse_u64),
	        cmocka_unit_test(test_versioned_helpers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
