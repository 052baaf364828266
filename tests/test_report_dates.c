/*
 * tests/test_report_dates.c - RFC 5322 date-times (dsng_report_date_parse):
 * the examples of RFC 5322 appendix A, the obsolete forms of section 4.3
 * (zones, two- and three-digit years, comments and folding anywhere), the
 * semantic rules of section 3.3, and the errors.  Expected timestamps come
 * from the C library's timegm, not from the parser.
 */
#include "dsng_test.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

struct ok_case {
	const char *text;
	int y, mo, d, h, mi, s, zone;
};

static void check_ok(const struct ok_case *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct dsng_error err = DSNG_ERROR_INIT;
		int64_t t = -12345;
		int rc = dsng_report_date_parse(&t, c[i].text,
		                                strlen(c[i].text), &err);

		if (rc != DSNG_OK)
			fail_msg("'%s': %s", c[i].text, err.message);
		if (t != dsng_test_utc(c[i].y, c[i].mo, c[i].d, c[i].h, c[i].mi,
		                       c[i].s, c[i].zone))
			fail_msg("'%s': %lld, want %lld", c[i].text,
			         (long long)t,
			         (long long)dsng_test_utc(
			                 c[i].y, c[i].mo, c[i].d, c[i].h,
			                 c[i].mi, c[i].s, c[i].zone));
	}
}

/* Every month by its name in three cases, and names that are one octet
 * off each (the month is told by three octets). */
static void test_every_month(void **state)
{
	static const char *const names[12] = {"Jan", "feb", "MAR", "Apr",
	                                      "may", "JUN", "Jul", "aug",
	                                      "SEP", "Oct", "nov", "DEC"};
	char text[64];
	int m, k;

	(void)state;
	for (m = 0; m < 12; m++) {
		struct ok_case c = {text, 2021, m + 1, 9, 8, 7, 6, 0};
		snprintf(text, sizeof(text), "9 %s 2021 08:07:06 +0000",
		         names[m]);
		check_ok(&c, 1);
		for (k = 0; k < 3; k++) {
			int64_t t;
			snprintf(text, sizeof(text), "9 %s 2021 08:07:06 +0000",
			         names[m]);
			text[2 + k] = 'x';
			if (dsng_report_date_parse(&t, text, strlen(text),
			                           NULL) != DSNG_ESYNTAX)
				fail_msg("'%s' taken", text);
		}
	}
}

/* RFC 5322 appendix A, every date there. */
static void test_rfc5322_examples(void **state)
{
	static const struct ok_case c[] = {
	        /* A.1.1, A.3, A.4 */
	        {"Fri, 21 Nov 1997 09:55:06 -0600", 1997, 11, 21, 9, 55, 6,
	         -360},
	        /* A.1.2 */
	        {"Tue, 1 Jul 2003 10:52:37 +0200", 2003, 7, 1, 10, 52, 37, 120},
	        /* A.1.3: before the epoch, half-hour zone */
	        {"Thu, 13 Feb 1969 23:32:54 -0330", 1969, 2, 13, 23, 32, 54,
	         -210},
	        /* A.2 */
	        {"Mon, 24 Nov 1997 14:22:01 -0800", 1997, 11, 24, 14, 22, 1,
	         -480},
	        /* A.5: comments and folding white space */
	        {"Thu,\r\n      13\r\n        Feb\r\n          1969\r\n      "
	         "23:32\r\n               -0330 (Newfoundland Time)",
	         1969, 2, 13, 23, 32, 0, -210},
	        /* A.6.2: obsolete two-digit year and zone */
	        {"21 Nov 97 09:55:06 GMT", 1997, 11, 21, 9, 55, 6, 0},
	        /* A.6.3: obsolete white space and comments in the time */
	        {"Fri, 21 Nov 1997 09(comment):   55  :  06 -0600", 1997, 11,
	         21, 9, 55, 6, -360},
	};

	(void)state;
	check_ok(c, N_OF(c));
}

/* RFC 5322 4.3: the obsolete zone names, case-insensitive (ABNF), and
 * military or unknown alphabetic zones taken as -0000. */
static void test_obsolete_zones(void **state)
{
	static const struct ok_case c[] = {
	        {"1 Jan 2020 12:00 UT", 2020, 1, 1, 12, 0, 0, 0},
	        {"1 Jan 2020 12:00 GMT", 2020, 1, 1, 12, 0, 0, 0},
	        {"1 Jan 2020 12:00 EST", 2020, 1, 1, 12, 0, 0, -300},
	        {"1 Jan 2020 12:00 EDT", 2020, 1, 1, 12, 0, 0, -240},
	        {"1 Jan 2020 12:00 CST", 2020, 1, 1, 12, 0, 0, -360},
	        {"1 Jan 2020 12:00 CDT", 2020, 1, 1, 12, 0, 0, -300},
	        {"1 Jan 2020 12:00 MST", 2020, 1, 1, 12, 0, 0, -420},
	        {"1 Jan 2020 12:00 MDT", 2020, 1, 1, 12, 0, 0, -360},
	        {"1 Jan 2020 12:00 PST", 2020, 1, 1, 12, 0, 0, -480},
	        {"1 Jan 2020 12:00 PDT", 2020, 1, 1, 12, 0, 0, -420},
	        {"1 Jan 2020 12:00 pdt", 2020, 1, 1, 12, 0, 0, -420},
	        {"1 Jan 2020 12:00 eSt", 2020, 1, 1, 12, 0, 0, -300},
	        /* military: "A" would be +0100 but RFC 822 had the signs
	         * wrong, so all count as -0000 */
	        {"1 Jan 2020 12:00 A", 2020, 1, 1, 12, 0, 0, 0},
	        {"1 Jan 2020 12:00 Z", 2020, 1, 1, 12, 0, 0, 0},
	        {"1 Jan 2020 12:00 m", 2020, 1, 1, 12, 0, 0, 0},
	        /* unknown multi-letter zones SHOULD be -0000 too */
	        {"1 Jan 2020 12:00 CEST", 2020, 1, 1, 12, 0, 0, 0},
	        /* numeric zones: -0000, extremes, minutes */
	        {"1 Jan 2020 12:00 -0000", 2020, 1, 1, 12, 0, 0, 0},
	        {"1 Jan 2020 12:00 +0000", 2020, 1, 1, 12, 0, 0, 0},
	        {"1 Jan 2020 12:00 +1459", 2020, 1, 1, 12, 0, 0, 899},
	        {"1 Jan 2020 12:00 -1200", 2020, 1, 1, 12, 0, 0, -720},
	        {"1 Jan 2020 12:00 +0545 (Nepal)", 2020, 1, 1, 12, 0, 0, 345},
	};

	(void)state;
	check_ok(c, N_OF(c));
}

/* RFC 5322 4.3: 00-49 are 2000-2049, 50-99 and three digits add 1900. */
static void test_obsolete_years(void **state)
{
	static const struct ok_case c[] = {
	        {"1 Jan 00 00:00 +0000", 2000, 1, 1, 0, 0, 0, 0},
	        {"1 Jan 49 00:00 +0000", 2049, 1, 1, 0, 0, 0, 0},
	        {"1 Jan 50 00:00 +0000", 1950, 1, 1, 0, 0, 0, 0},
	        {"31 Dec 99 23:59:59 +0000", 1999, 12, 31, 23, 59, 59, 0},
	        {"1 Jan 103 00:00 +0000", 2003, 1, 1, 0, 0, 0, 0},
	        {"1 Jan 999 00:00 +0000", 2899, 1, 1, 0, 0, 0, 0},
	        {"1 Jan 1900 00:00 +0000", 1900, 1, 1, 0, 0, 0, 0},
	        {"1 Jan 9999 00:00 +0000", 9999, 1, 1, 0, 0, 0, 0},
	};

	(void)state;
	check_ok(c, N_OF(c));
}

/* Everything else RFC 5322 allows or tolerates. */
static void test_other_forms(void **state)
{
	static const struct ok_case c[] = {
	        /* no day of week, no seconds */
	        {"5 Mar 2021 07:08 +0100", 2021, 3, 5, 7, 8, 0, 60},
	        /* two-digit day, month in any case */
	        {"Sun, 05 MAR 2021 07:08:09 +0100", 2021, 3, 5, 7, 8, 9, 60},
	        {"sun, 5 mar 2021 07:08:09 +0100", 2021, 3, 5, 7, 8, 9, 60},
	        /* obs-day-of-week: CFWS around the comma */
	        {"Fri , 21 Nov 1997 09:55:06 -0600", 1997, 11, 21, 9, 55, 6,
	         -360},
	        {"(c) Fri (d), (e) 21 (f) Nov (g) 1997 (h) 09 (i): (j) 55 (k) "
	         ": 06 (l) -0600 (m)",
	         1997, 11, 21, 9, 55, 6, -360},
	        /* nested comments and quoted pairs in comments */
	        {"Fri, 21 Nov 1997 ((nested) \\) comment) 09:55:06 -0600", 1997,
	         11, 21, 9, 55, 6, -360},
	        /* leap second (section 3.3: up to 23:59:60) */
	        {"30 Jun 2015 23:59:60 +0000", 2015, 7, 1, 0, 0, 0, 0},
	        /* the last day of every kind of February */
	        {"29 Feb 2020 12:00 +0000", 2020, 2, 29, 12, 0, 0, 0},
	        {"29 Feb 2000 12:00 +0000", 2000, 2, 29, 12, 0, 0, 0},
	        {"28 Feb 1900 12:00 +0000", 1900, 2, 28, 12, 0, 0, 0},
	        {"31 Dec 2020 12:00 +0000", 2020, 12, 31, 12, 0, 0, 0},
	        {"30 Apr 2020 12:00 +0000", 2020, 4, 30, 12, 0, 0, 0},
	        /* every month */
	        {"1 Jan 2019 00:00 +0000", 2019, 1, 1, 0, 0, 0, 0},
	        {"1 Feb 2019 00:00 +0000", 2019, 2, 1, 0, 0, 0, 0},
	        {"1 Mar 2019 00:00 +0000", 2019, 3, 1, 0, 0, 0, 0},
	        {"1 Apr 2019 00:00 +0000", 2019, 4, 1, 0, 0, 0, 0},
	        {"1 May 2019 00:00 +0000", 2019, 5, 1, 0, 0, 0, 0},
	        {"1 Jun 2019 00:00 +0000", 2019, 6, 1, 0, 0, 0, 0},
	        {"1 Jul 2019 00:00 +0000", 2019, 7, 1, 0, 0, 0, 0},
	        {"1 Aug 2019 00:00 +0000", 2019, 8, 1, 0, 0, 0, 0},
	        {"1 Sep 2019 00:00 +0000", 2019, 9, 1, 0, 0, 0, 0},
	        {"1 Oct 2019 00:00 +0000", 2019, 10, 1, 0, 0, 0, 0},
	        {"1 Nov 2019 00:00 +0000", 2019, 11, 1, 0, 0, 0, 0},
	        {"1 Dec 2019 00:00 +0000", 2019, 12, 1, 0, 0, 0, 0},
	        /* a leniency of report_date.c for old gateways */
	        {"15-Jul-2020 10:15:30 +0000", 2020, 7, 15, 10, 15, 30, 0},
	};

	(void)state;
	check_ok(c, N_OF(c));
}

struct bad_case {
	const char *text;
	size_t from, to; /* the error's offset is in [from, to] */
};

static void check_bad(const struct bad_case *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct dsng_error err = DSNG_ERROR_INIT;
		int64_t t = 77;
		int rc = dsng_report_date_parse(&t, c[i].text,
		                                strlen(c[i].text), &err);

		if (rc != DSNG_ESYNTAX)
			fail_msg("'%s': %d, want a syntax error", c[i].text,
			         rc);
		assert_int_equal(err.rc, DSNG_ESYNTAX);
		assert_int_equal(err.kind, DSNG_ERR_SYNTAX);
		assert_true(err.message[0] != 0);
		if (err.offset < c[i].from || err.offset > c[i].to)
			fail_msg("'%s': offset %zu, want %zu..%zu", c[i].text,
			         err.offset, c[i].from, c[i].to);
		/* nothing is written on failure */
		assert_int_equal(t, 77);
	}
}

static void test_errors(void **state)
{
	static const struct bad_case c[] = {
	        {"", 0, 0},
	        {"   (only a comment) ", 0, 20},
	        {"Fri,", 4, 4},
	        {"Fri, Nov 21 1997 09:55:06 -0600", 5, 5},
	        /* day */
	        {"0 Jan 2020 00:00 +0000", 0, 1},
	        {"32 Jan 2020 00:00 +0000", 0, 2},
	        /* month: too short, unknown */
	        {"1 Ja 2020 00:00 +0000", 2, 4},
	        {"1 Foo 2020 00:00 +0000", 2, 5},
	        {"1 2020 00:00 +0000", 2, 2},
	        /* year: missing, one digit (2*DIGIT at least) */
	        {"1 Jan", 5, 5},
	        {"1 Jan x", 6, 6},
	        {"1 Jan 5 10:00 +0000", 6, 7},
	        /* hour */
	        {"1 Jan 2020", 10, 10},
	        {"1 Jan 2020 24:00 +0000", 11, 13},
	        {"1 Jan 2020 99:00 +0000", 11, 13},
	        {"1 Jan 2020 10 00 +0000", 13, 14},
	        {"1 Jan 2020 10.00 +0000", 13, 13},
	        /* minute */
	        {"1 Jan 2020 10:", 14, 14},
	        {"1 Jan 2020 10:60 +0000", 14, 16},
	        {"1 Jan 2020 10:x0 +0000", 14, 14},
	        /* second: 60 is the most (leap second) */
	        {"1 Jan 2020 10:00:", 17, 17},
	        {"1 Jan 2020 10:00:61 +0000", 17, 19},
	        /* zone: four digits, minutes 00-59 */
	        {"1 Jan 2020 10:00 +01", 17, 20},
	        {"1 Jan 2020 10:00 +", 17, 18},
	        {"1 Jan 2020 10:00 -0160", 17, 22},
	        {"1 Jan 2020 10:00 +abcd", 17, 18},
	        /* RFC 5322 3.3: the day must exist in that month */
	        {"31 Apr 2020 10:00 +0000", 0, 11},
	        {"31 Jun 2020 10:00 +0000", 0, 11},
	        {"31 Sep 2020 10:00 +0000", 0, 11},
	        {"31 Nov 2020 10:00 +0000", 0, 11},
	        {"30 Feb 2020 10:00 +0000", 0, 11},
	        {"29 Feb 2021 10:00 +0000", 0, 11},
	        {"29 Feb 1900 10:00 +0000", 0, 11},
	        {"29 Feb 2100 10:00 +0000", 0, 11},
	        {"29 Feb 21 10:00 +0000", 0, 9},
	};

	(void)state;
	check_bad(c, N_OF(c));
}

/* The common form, read at fixed places first: every field at its
 * limits, what may follow it, and its near misses, which the general walk
 * reads (or refuses) as before. */
static void test_common_form(void **state)
{
	static const struct ok_case ok[] = {
	        {"Thu, 15 Apr 2021 09:05:07 +0900", 2021, 4, 15, 9, 5, 7, 540},
	        {"thu, 5 APR 2021 09:05:07 -0930", 2021, 4, 5, 9, 5, 7, -570},
	        {"15 Apr 2021 09:05:07 -0000", 2021, 4, 15, 9, 5, 7, 0},
	        {"Sat, 1 Jan 0000 00:00:00 +0000", 0, 1, 1, 0, 0, 0, 0},
	        {"Fri, 31 Dec 9999 23:59:60 -9959", 9999, 12, 31, 23, 59, 60,
	         -(99 * 60 + 59)},
	        {"Thu, 29 Feb 2024 12:00:00 +0100", 2024, 2, 29, 12, 0, 0, 60},
	        /* what follows the zone is not read, as by the walk */
	        {"Thu, 15 Apr 2021 09:05:07 +0900 (JST)", 2021, 4, 15, 9, 5, 7,
	         540},
	        {"Thu, 15 Apr 2021 09:05:07 +09001", 2021, 4, 15, 9, 5, 7, 540},
	        /* near misses the walk takes */
	        {"Thursday, 15 Apr 2021 09:05:07 +0900", 2021, 4, 15, 9, 5, 7,
	         540},
	        {"Thu,  5 Apr 2021 09:05:07 +0900", 2021, 4, 5, 9, 5, 7, 540},
	        {"Thu, 15 April 2021 09:05:07 +0900", 2021, 4, 15, 9, 5, 7,
	         540},
	        {"Thu, 15 Apr 2021 9:05:07 +0900", 2021, 4, 15, 9, 5, 7, 540},
	        {"Thu, 15 Apr 21 09:05:07 +0900", 2021, 4, 15, 9, 5, 7, 540},
	        {"Thu, 15 Apr 2021 09:05:07 GMT", 2021, 4, 15, 9, 5, 7, 0},
	        {" Thu, 15 Apr 2021 09:05:07 +0900", 2021, 4, 15, 9, 5, 7, 540},
	};
	static const struct bad_case bad[] = {
	        {"Thu, 31 Apr 2021 09:05:07 +0900", 16, 16},
	        {"Thu, 29 Feb 2023 09:05:07 +0900", 16, 16},
	        {"Thu, 00 Apr 2021 09:05:07 +0900", 7, 7},
	        {"Thu, 15 Apx 2021 09:05:07 +0900", 8, 11},
	        {"Thu, 15 Apr 2021 24:05:07 +0900", 17, 19},
	        {"Thu, 15 Apr 2021 09:60:07 +0900", 20, 22},
	        {"Thu, 15 Apr 2021 09:05:61 +0900", 23, 25},
	        {"Thu, 15 Apr 2021 09:05:07 +0960", 26, 31},
	        {"Thu, 15 Apr 2021 09:05:07 +09x0", 26, 31},
	};

	(void)state;
	check_ok(ok, N_OF(ok));
	check_bad(bad, N_OF(bad));
}

static void test_arguments(void **state)
{
	struct dsng_error err = DSNG_ERROR_INIT;
	int64_t t = 5;

	(void)state;
	assert_int_equal(
	        dsng_report_date_parse(NULL, "1 Jan 2020 00:00", 16, &err),
	        DSNG_EINVAL);
	assert_int_equal(err.kind, DSNG_ERR_INVALID_ARGUMENT);
	assert_int_equal(dsng_report_date_parse(&t, NULL, 1, &err),
	                 DSNG_EINVAL);
	assert_int_equal(t, 5);
	/* NULL with length 0 is the empty string: no date */
	assert_int_equal(dsng_report_date_parse(&t, NULL, 0, &err),
	                 DSNG_ESYNTAX);
	/* the length bounds the input: what follows is never read */
	{
		const char *g = dsng_test_guard("1 Jan 2020 00:00 +0100", 22);
		assert_int_equal(dsng_report_date_parse(&t, g, 22, NULL),
		                 DSNG_OK);
		assert_int_equal(t, dsng_test_utc(2020, 1, 1, 0, 0, 0, 60));
		assert_int_equal(dsng_report_date_parse(&t, g, 19, NULL),
		                 DSNG_ESYNTAX);
		dsng_test_guard_free(g);
	}
	/* and a NUL inside it is just a bad byte */
	assert_int_equal(
	        dsng_report_date_parse(&t, "1 Jan\0 2020 00:00", 17, NULL),
	        DSNG_ESYNTAX);
}

/* How the report fields use it: a valid date is parsed, an invalid one
 * kept as text with valid false and a problem. */
static void test_report_date_fields(void **state)
{
	TALLOC_CTX *mem = *state;
	static const char in[] =
	        "Content-Type: multipart/report; report-type=delivery-status;"
	        " boundary=b\n\n"
	        "--b\nContent-Type: message/delivery-status\n\n"
	        "Reporting-MTA: dns; mx.example.org\n"
	        "Arrival-Date: Thu, 13 Feb 1969 23:32:54 -0330 (NST)\n\n"
	        "Final-Recipient: rfc822; a@example.org\n"
	        "Action: delayed\nStatus: 4.4.1\n"
	        "Last-Attempt-Date: 31 Apr 2020 10:00 +0000\n"
	        "Will-Retry-Until: Fri, 21 Nov 97 09:55:06 GMT\n"
	        "--b--\n";
	struct dsng_report *r;
	size_t i, dates = 0;

	assert_int_equal(
	        dsng_report_parse(mem, &r, in, sizeof(in) - 1, NULL, NULL), 0);
	assert_true(r->message->arrival_date->valid);
	/* comments removed from the text */
	assert_string_equal(r->message->arrival_date->text,
	                    "Thu, 13 Feb 1969 23:32:54 -0330");
	assert_int_equal(r->message->arrival_date->timestamp,
	                 dsng_test_utc(1969, 2, 13, 23, 32, 54, -210));
	assert_false(r->recipients[0]->last_attempt_date->valid);
	assert_string_equal(r->recipients[0]->last_attempt_date->text,
	                    "31 Apr 2020 10:00 +0000");
	assert_true(r->recipients[0]->will_retry_until->valid);
	assert_int_equal(r->recipients[0]->will_retry_until->timestamp,
	                 dsng_test_utc(1997, 11, 21, 9, 55, 6, 0));
	for (i = 0; i < r->n_problems; i++)
		if (strstr(r->problems[i].message, "date")) {
			assert_string_equal(r->problems[i].field,
			                    "Last-Attempt-Date");
			dates++;
		}
	assert_int_equal(dates, 1);
	talloc_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_rfc5322_examples),
	        cmocka_unit_test(test_every_month),
	        cmocka_unit_test(test_obsolete_zones),
	        cmocka_unit_test(test_obsolete_years),
	        cmocka_unit_test(test_other_forms),
	        cmocka_unit_test(test_errors),
	        cmocka_unit_test(test_common_form),
	        cmocka_unit_test(test_arguments),
	        cmocka_unit_test_setup_teardown(test_report_date_fields,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
