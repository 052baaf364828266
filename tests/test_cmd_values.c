/*
 * tests/test_cmd_values.c - parameter values field by field: every part
 * of an RFC 3339 date-time (RFC 4865 HOLDUNTIL, RFC 7293 RRVS) made bad
 * in turn, the NOTIFY keywords of RFC 3461 4.1 misspelt at each length,
 * and the RET, BODY and ORCPT words next to the valid ones.
 */
#include <stdio.h>

#include "test_cmd_util.h"

#define S DSNG_CMD_STRICT

/* RFC 3339 5.6: date-fullyear "-" date-month "-" date-mday "T"
 * time-hour ":" time-minute ":" time-second [time-secfrac] time-offset */
static void test_rfc3339_date_times(void **state)
{
	static const char *const good[] = {
	        "2026-11-29T04:00:00Z",
	        "0000-01-01T00:00:00Z",
	        "9999-12-31T23:59:59Z",
	        /* leap second; lower-case t and z (5.6, NOTE) */
	        "2016-12-31t23:59:60z",
	        "2026-11-29T04:00:00.5-00:00",
	        "2026-11-29T04:00:00.123456789+23:59",
	};
	static const char *const bad[] = {
	        /* each field out of range or not digits */
	        "2o26-11-29T04:00:00Z",
	        "20x6-11-29T04:00:00Z",
	        "2026/11-29T04:00:00Z",
	        "2026-00-29T04:00:00Z",
	        "2026-13-29T04:00:00Z",
	        "2026-1a-29T04:00:00Z",
	        "2026-11/29T04:00:00Z",
	        "2026-11-00T04:00:00Z",
	        "2026-11-32T04:00:00Z",
	        "2026-11-29 04:00:00Z",
	        "2026-11-29T24:00:00Z",
	        "2026-11-29T04-00:00Z",
	        "2026-11-29T04:60:00Z",
	        "2026-11-29T04:00-00Z",
	        "2026-11-29T04:00:61Z",
	        /* a fraction needs a digit; an offset is Z or +hh:mm */
	        "2026-11-29T04:00:00.Z",
	        "2026-11-29T04:00:00",
	        "2026-11-29T04:00:00+24:00",
	        "2026-11-29T04:00:00+01:60",
	        "2026-11-29T04:00:00+01-00",
	        "2026-11-29T04:00:00+0100",
	        "2026-11-29T04:00:00Zx",
	        "2026-11-29T04:00Z",
	};
	char line[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(line, sizeof(line), "MAIL FROM:<a@b> HOLDUNTIL=%s",
		         good[i]);
		UT_OK(line, S);
		assert_true(ut_cmd.has_holduntil);
		UT_SPAN(ut_cmd.holduntil, good[i]);
		snprintf(line, sizeof(line), "RCPT TO:<a@b> RRVS=%s;R",
		         good[i]);
		UT_OK(line, S);
		UT_SPAN(ut_cmd.rrvs, good[i]);
		assert_int_equal(ut_cmd.rrvs_mode, 'R');
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), "MAIL FROM:<a@b> HOLDUNTIL=%s",
		         bad[i]);
		UT_ERR(line, 0, DSNG_ERR_BAD_HOLD, 26, 501, "5.5.4");
		snprintf(line, sizeof(line), "RCPT TO:<a@b> RRVS=%s", bad[i]);
		UT_ERR(line, 0, DSNG_ERR_BAD_PARAM, 19, 501, "5.5.4");
	}
	/* RFC 7293 3.1: an optional ";C" or ";R" after the time, nothing
	 * else */
	UT_OK("RCPT TO:<a@b> RRVS=2014-04-03T23:01:00Z;C", S);
	assert_int_equal(ut_cmd.rrvs_mode, 'C');
	UT_ERR("RCPT TO:<a@b> RRVS=2014-04-03T23:01:00Z;CC", 0,
	       DSNG_ERR_BAD_PARAM, 19, 501, "5.5.4");
	UT_ERR("RCPT TO:<a@b> RRVS=2014-04-03T23:01:00Z:C", 0,
	       DSNG_ERR_BAD_PARAM, 19, 501, "5.5.4");
	UT_ERR("RCPT TO:<a@b> RRVS=2014-04-03T23:01:00Z;", 0,
	       DSNG_ERR_BAD_PARAM, 19, 501, "5.5.4");
}

/* RFC 3461 4.1: NOTIFY="NEVER" / 1#( "SUCCESS" / "FAILURE" / "DELAY" ),
 * any case.  Words of the right first letter and another length, or the
 * right length and another spelling, are refused. */
static void test_notify_words(void **state)
{
	static const char *const bad[] = {
	        "SUCCE",   "SUCCESSS", "SUXCESS", "FAILE", "FAILURES",
	        "FAILURX", "DELAYED",  "DELAX",   "DEL",   "NEVERMORE",
	        "NOVEL",   "NEVERS",   "XXXXXXX", "XXXXX", "S",
	};
	char line[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), "RCPT TO:<a@b> NOTIFY=%s", bad[i]);
		UT_ERR(line, 0, DSNG_ERR_BAD_NOTIFY, 21, 501, "5.5.4");
	}
	UT_OK("RCPT TO:<a@b> NOTIFY=Delay,FAILURE", S);
	assert_int_equal(ut_cmd.notify,
	                 DSNG_NOTIFY_DELAY | DSNG_NOTIFY_FAILURE);
}

/* RFC 3461 4.3 RET, RFC 6152/3030 BODY, RFC 3461 4.2 ORCPT types. */
static void test_other_words(void **state)
{
	(void)state;
	UT_OK("MAIL FROM:<a@b> RET=hdrs", S);
	assert_int_equal(ut_cmd.ret, DSNG_RET_HDRS);
	UT_ERR("MAIL FROM:<a@b> RET=HDRX", 0, DSNG_ERR_BAD_RET, 20, 501,
	       "5.5.4");
	UT_ERR("MAIL FROM:<a@b> RET=FULX", 0, DSNG_ERR_BAD_RET, 20, 501,
	       "5.5.4");
	UT_OK("MAIL FROM:<a@b> BODY=8bitmime", S);
	assert_int_equal(ut_cmd.body, DSNG_BODY_8BITMIME);
	UT_OK("MAIL FROM:<a@b> BODY=BinaryMIME", S);
	assert_int_equal(ut_cmd.body, DSNG_BODY_BINARYMIME);
	UT_ERR("MAIL FROM:<a@b> BODY=8BITMIMX", 0, DSNG_ERR_BAD_BODY, 21, 501,
	       "5.5.4");
	UT_ERR("MAIL FROM:<a@b> BODY=BINARYMIMX", 0, DSNG_ERR_BAD_BODY, 21, 501,
	       "5.5.4");
	UT_ERR("MAIL FROM:<a@b> BODY=7BITS", 0, DSNG_ERR_BAD_BODY, 21, 501,
	       "5.5.4");
	/* a five-letter type that is not utf-8 is plain xtext: RFC 6533's
	 * \x{...} is then just text */
	UT_OK("RCPT TO:<a@b> ORCPT=x-abc;a\\x{E9}@b", S);
	UT_SPAN(ut_cmd.orcpt_type, "x-abc");
	UT_SPAN(ut_cmd.orcpt_addr, "a\\x{E9}@b");
	UT_OK("RCPT TO:<a@b> ORCPT=Utf-8;a\\x{E9}@b", S);
	UT_SPAN(ut_cmd.orcpt_addr, "a\xc3\xa9@b");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        UT_TEST(test_rfc3339_date_times),
	        UT_TEST(test_notify_words),
	        UT_TEST(test_other_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
