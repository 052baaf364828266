/*
 * tests/test_cmd_params.c - MAIL/RCPT parameters: the esmtp-param
 * grammar, every known parameter's value rules, duplicates, the wrong
 * command (555), unknown parameters kept in order, hostile inputs.
 */
#include "test_cmd_util.h"

#define S DSNG_CMD_STRICT
#define E501(line, flags, kind, off)                                           \
	UT_ERR(line, flags, kind, off, 501, "5.5.4")

static char *mk(TALLOC_CTX *ctx, const char *head, const char *unit, size_t n,
                const char *tail)
{
	char *s = talloc_strdup(ctx, head);
	size_t i;

	for (i = 0; i < n; i++)
		s = talloc_strdup_append(s, unit);
	s = talloc_strdup_append(s, tail);
	assert_non_null(s);
	return s;
}

static void test_param_grammar(void **state)
{
	(void)state;
	E501("MAIL FROM:<a@b> =x", 0, DSNG_ERR_BAD_PARAM, 16);
	E501("MAIL FROM:<a@b> -X=1", 0, DSNG_ERR_BAD_PARAM, 16);
	E501("MAIL FROM:<a@b> X_Y=1", 0, DSNG_ERR_BAD_PARAM, 17);
	E501("MAIL FROM:<a@b> X=", 0, DSNG_ERR_BAD_PARAM, 16);
	E501("MAIL FROM:<a@b> X=a=b", 0, DSNG_ERR_BAD_PARAM, 19);
	E501("MAIL FROM:<a@b> X=a\x01", 0, DSNG_ERR_BAD_PARAM, 19);
	E501("MAIL FROM:<a@b> X=\x7f", 0, DSNG_ERR_BAD_PARAM, 18);
	E501("MAIL FROM:<a@b> SIZE=1=2", 0, DSNG_ERR_BAD_SIZE, 21);
	E501("MAIL FROM:<a@b> \xc3\xa9=1", 0, DSNG_ERR_BAD_PARAM, 16);
	/* value-less on a known value parameter, value on a value-less one */
	E501("MAIL FROM:<a@b> RET", 0, DSNG_ERR_BAD_PARAM, 16);
	E501("MAIL FROM:<a@b> SIZE", 0, DSNG_ERR_BAD_PARAM, 16);
	E501("RCPT TO:<a@b> NOTIFY", 0, DSNG_ERR_BAD_PARAM, 14);
	E501("RCPT TO:<a@b> NOTIFY=", 0, DSNG_ERR_BAD_PARAM, 14);
	E501("MAIL FROM:<a@b> SMTPUTF8=yes", 0, DSNG_ERR_BAD_PARAM, 16);
	E501("MAIL FROM:<a@b> REQUIRETLS=x", 0, DSNG_ERR_BAD_PARAM, 16);
	E501("RCPT TO:<a@b> NOTIFY = SUCCESS", 0, DSNG_ERR_BAD_PARAM, 14);
}

static void test_param_unknown_kept_in_order(void **state)
{
	(void)state;
	UT_OK("MAIL FROM:<a@b> X-Foo=bar BAZ Size=10 XYZ=1+2", S);
	assert_int_equal(ut_cmd.n_params, 4);
	assert_int_equal(ut_cmd.params[0].kind, DSNG_PARAM_OTHER);
	UT_SPAN(ut_cmd.params[0].keyword, "X-Foo");
	UT_SPAN(ut_cmd.params[0].value, "bar");
	assert_int_equal(ut_cmd.params[0].offset, 16);
	UT_SPAN(ut_cmd.params[1].keyword, "BAZ");
	assert_null(ut_cmd.params[1].value.ptr);
	assert_int_equal(ut_cmd.params[2].kind, DSNG_PARAM_SIZE);
	UT_SPAN(ut_cmd.params[2].keyword, "Size");
	assert_int_equal(ut_cmd.size, 10);
	UT_SPAN(ut_cmd.params[3].value, "1+2");
	assert_int_equal(ut_cmd.params[3].removed, 0);
	/* unknown ones may repeat: the server decides */
	UT_OK("RCPT TO:<a@b> X=1 X=2", S);
	assert_int_equal(ut_cmd.n_params, 2);
	/* 8-bit values need SMTPUTF8 */
	E501("MAIL FROM:<a@b> X=\xc3\xa9", 0, DSNG_ERR_BAD_PARAM, 18);
	UT_OK("MAIL FROM:<a@b> X=\xc3\xa9 SMTPUTF8", 0);
	UT_OK("RCPT TO:<a@b> X=\xc3\xa9", DSNG_CMD_UTF8);
	/* names that only start like known ones */
	UT_OK("MAIL FROM:<a@b> RETX=1 SIZES=2 B=3 HOLD=4 NOTIF=5 ORCPTS", 0);
	assert_int_equal(ut_cmd.params[0].kind, DSNG_PARAM_OTHER);
	assert_int_equal(ut_cmd.params[5].kind, DSNG_PARAM_OTHER);
}

static void test_param_duplicates(void **state)
{
	(void)state;
	E501("RCPT TO:<a@b> NOTIFY=SUCCESS notify=FAILURE", 0,
	     DSNG_ERR_DUPLICATE_PARAM, 29);
	E501("RCPT TO:<a@b> ORCPT=rfc822;a@b ORCPT=rfc822;c@d", 0,
	     DSNG_ERR_DUPLICATE_PARAM, 31);
	E501("MAIL FROM:<a@b> RET=FULL RET=HDRS", 0, DSNG_ERR_DUPLICATE_PARAM,
	     25);
	E501("MAIL FROM:<a@b> ENVID=x SIZE=1 ENVID=y", 0,
	     DSNG_ERR_DUPLICATE_PARAM, 31);
	E501("MAIL FROM:<a@b> SMTPUTF8 SMTPUTF8", 0, DSNG_ERR_DUPLICATE_PARAM,
	     25);
	E501("MAIL FROM:<a@b> HOLDFOR=10 HOLDUNTIL=2026-01-01T00:00:00Z", 0,
	     DSNG_ERR_BAD_HOLD, 27);
}

static void test_param_wrong_command(void **state)
{
	static const char *const mail_only[] = {
	        "RET=FULL",
	        "ENVID=x",
	        "SIZE=1",
	        "BODY=7BIT",
	        "SMTPUTF8",
	        "AUTH=<>",
	        "REQUIRETLS",
	        "MT-PRIORITY=1",
	        "BY=10;N",
	        "HOLDFOR=1",
	        "HOLDUNTIL=2026-01-01T00:00:00Z",
	};
	static const char *const rcpt_only[] = {
	        "NOTIFY=NEVER",
	        "ORCPT=rfc822;a@b",
	        "RRVS=2014-04-03T23:01:00Z",
	};
	TALLOC_CTX *ctx = *state;
	size_t i;

	for (i = 0; i < sizeof(mail_only) / sizeof(mail_only[0]); i++) {
		UT_OK(talloc_asprintf(ctx, "MAIL FROM:<a@b> %s", mail_only[i]),
		      S);
		UT_ERR(talloc_asprintf(ctx, "RCPT TO:<a@b> %s", mail_only[i]),
		       0, DSNG_ERR_PARAM_NOT_ALLOWED, 14, 555, "5.5.4");
	}
	for (i = 0; i < sizeof(rcpt_only) / sizeof(rcpt_only[0]); i++) {
		UT_OK(talloc_asprintf(ctx, "RCPT TO:<a@b> %s", rcpt_only[i]),
		      S);
		UT_ERR(talloc_asprintf(ctx, "MAIL FROM:<a@b> %s", rcpt_only[i]),
		       0, DSNG_ERR_PARAM_NOT_ALLOWED, 16, 555, "5.5.4");
	}
	/* 555 is decided before the value is looked at */
	UT_ERR("MAIL FROM:<a@b> NOTIFY=bogus", 0, DSNG_ERR_PARAM_NOT_ALLOWED,
	       16, 555, "5.5.4");
}

static void test_param_notify(void **state)
{
	(void)state;
	UT_OK("RCPT TO:<a@b> NOTIFY=SUCCESS,DELAY", S);
	assert_int_equal(ut_cmd.notify,
	                 DSNG_NOTIFY_SUCCESS | DSNG_NOTIFY_DELAY);
	UT_OK("RCPT TO:<a@b> NOTIFY=failure,Delay,sUcCeSs", S);
	assert_int_equal(ut_cmd.notify, DSNG_NOTIFY_SUCCESS |
	                                        DSNG_NOTIFY_DELAY |
	                                        DSNG_NOTIFY_FAILURE);
	UT_OK("RCPT TO:<a@b> NOTIFY=never", S);
	assert_int_equal(ut_cmd.notify, DSNG_NOTIFY_NEVER);
	UT_OK("RCPT TO:<a@b> NOTIFY=SUCCESS,SUCCESS", S);
	assert_int_equal(ut_cmd.notify, DSNG_NOTIFY_SUCCESS);
	UT_OK("RCPT TO:<a@b>", S);
	assert_int_equal(ut_cmd.notify, 0);
	E501("RCPT TO:<a@b> NOTIFY=NEVER,SUCCESS", 0, DSNG_ERR_BAD_NOTIFY, 27);
	E501("RCPT TO:<a@b> NOTIFY=SUCCESS,NEVER", 0, DSNG_ERR_BAD_NOTIFY, 29);
	E501("RCPT TO:<a@b> NOTIFY=NEVER,NEVER,DELAY", 0, DSNG_ERR_BAD_NOTIFY,
	     33);
	E501("RCPT TO:<a@b> NOTIFY=SUCCESS;DELAY", 0, DSNG_ERR_BAD_NOTIFY, 21);
	E501("RCPT TO:<a@b> NOTIFY=SUCCES", 0, DSNG_ERR_BAD_NOTIFY, 21);
	E501("RCPT TO:<a@b> NOTIFY=DELAYS", 0, DSNG_ERR_BAD_NOTIFY, 21);
	E501("RCPT TO:<a@b> NOTIFY=SUCCESS,XYZ", 0, DSNG_ERR_BAD_NOTIFY, 29);
	E501("RCPT TO:<a@b> NOTIFY=NEVE", 0, DSNG_ERR_BAD_NOTIFY, 21);
	E501("RCPT TO:<a@b> NOTIFY=FAILUR", 0, DSNG_ERR_BAD_NOTIFY, 21);
	/* empty items: lenient (Postfix), flagged; strict refuses */
	UT_OK("RCPT TO:<a@b> NOTIFY=SUCCESS,,FAILURE", 0);
	assert_int_equal(ut_cmd.notify,
	                 DSNG_NOTIFY_SUCCESS | DSNG_NOTIFY_FAILURE);
	assert_true(ut_cmd.lax & DSNG_CMD_LAX_EMPTY_NOTIFY_ITEM);
	UT_OK("RCPT TO:<a@b> NOTIFY=,SUCCESS,", 0);
	E501("RCPT TO:<a@b> NOTIFY=SUCCESS,,FAILURE", S, DSNG_ERR_BAD_NOTIFY,
	     21);
	E501("RCPT TO:<a@b> NOTIFY=,", 0, DSNG_ERR_BAD_NOTIFY, 21);
	E501("RCPT TO:<a@b> NOTIFY=,,,", 0, DSNG_ERR_BAD_NOTIFY, 21);
}

static void test_param_orcpt(void **state)
{
	TALLOC_CTX *ctx = *state;
	char *l;

	UT_OK("RCPT TO:<a@b> ORCPT=rfc822;user+40example.org", S);
	assert_true(ut_cmd.has_orcpt);
	UT_SPAN(ut_cmd.orcpt_type, "rfc822");
	UT_SPAN(ut_cmd.orcpt_addr, "user@example.org");
	UT_OK("RCPT TO:<a@b> ORCPT=RFC822;root", S); /* not addr-spec: kept */
	UT_SPAN(ut_cmd.orcpt_type, "RFC822");
	UT_SPAN(ut_cmd.orcpt_addr, "root");
	UT_OK("RCPT TO:<a@b> ORCPT=x400;/c+3Dus/a+3D+20/", S);
	UT_SPAN(ut_cmd.orcpt_type, "x400");
	UT_SPAN(ut_cmd.orcpt_addr, "/c=us/a= /");
	E501("RCPT TO:<a@b> ORCPT=rfc822", 0, DSNG_ERR_BAD_ORCPT, 26);
	E501("RCPT TO:<a@b> ORCPT=;a@b", 0, DSNG_ERR_BAD_ORCPT, 20);
	E501("RCPT TO:<a@b> ORCPT=rfc822;", 0, DSNG_ERR_BAD_ORCPT, 27);
	E501("RCPT TO:<a@b> ORCPT=rf(c;a@b", 0, DSNG_ERR_BAD_ORCPT, 22);
	/* the address is xtext: '=' and raw CTL/8-bit are errors */
	E501("RCPT TO:<a@b> ORCPT=rfc822;a=b@x", 0, DSNG_ERR_BAD_XTEXT, 28);
	E501("RCPT TO:<a@b> ORCPT=rfc822;a+2", 0, DSNG_ERR_BAD_XTEXT, 28);
	E501("RCPT TO:<a@b> ORCPT=rfc822;a+", 0, DSNG_ERR_BAD_XTEXT, 28);
	E501("RCPT TO:<a@b> ORCPT=rfc822;a+00b", 0, DSNG_ERR_BAD_XTEXT, 28);
	E501("RCPT TO:<a@b> ORCPT=rfc822;a+0D+0Ab", 0, DSNG_ERR_BAD_XTEXT, 28);
	E501("RCPT TO:<a@b> ORCPT=rfc822;\xc3\xa9", DSNG_CMD_UTF8,
	     DSNG_ERR_BAD_XTEXT, 27);
	/* printable US-ASCII once decoded, too (RFC 3461 4.2) */
	E501("RCPT TO:<a@b> ORCPT=rfc822;a+C3+A9", 0, DSNG_ERR_BAD_XTEXT, 28);
	E501("RCPT TO:<a@b> ORCPT=x400;+FF", 0, DSNG_ERR_BAD_XTEXT, 25);
	/* lower-case hex: lenient and flagged, strict refuses */
	UT_OK("RCPT TO:<a@b> ORCPT=rfc822;a+2bb@x", 0);
	UT_SPAN(ut_cmd.orcpt_addr, "a+b@x");
	assert_true(ut_cmd.lax & DSNG_CMD_LAX_LOWER_HEX);
	E501("RCPT TO:<a@b> ORCPT=rfc822;a+2bb@x", S, DSNG_ERR_BAD_XTEXT, 28);
	/* 500 octets ok, 501 not */
	l = mk(ctx, "RCPT TO:<a@b> ORCPT=rfc822;", "x", 500 - 7, "");
	UT_OK(l, S);
	assert_int_equal(ut_cmd.orcpt_addr.len, 493);
	l = mk(ctx, "RCPT TO:<a@b> ORCPT=rfc822;", "x", 501 - 7, "");
	UT_ERR(l, 0, DSNG_ERR_BAD_ORCPT, 20, 501, "5.5.4");
	assert_int_equal(ut_err.rc, DSNG_ELIMIT);
}

static void test_param_orcpt_utf8(void **state)
{
	(void)state;
	UT_OK("RCPT TO:<a@b> ORCPT=utf-8;e\\x{3D}mc2@\\x{30C9}\\x{30E1}.jp", S);
	UT_SPAN(ut_cmd.orcpt_type, "utf-8");
	UT_SPAN(ut_cmd.orcpt_addr, "e=mc2@\xe3\x83\x89\xe3\x83\xa1.jp");
	UT_OK("RCPT TO:<a@b> ORCPT=UTF-8;plain@x", S);
	/* unitext only when SMTPUTF8 is in play */
	E501("RCPT TO:<a@b> ORCPT=utf-8;d\xc3\xa9@x", 0, DSNG_ERR_BAD_XTEXT,
	     27);
	UT_OK("RCPT TO:<a@b> ORCPT=utf-8;d\xc3\xa9@x", DSNG_CMD_UTF8);
	UT_SPAN(ut_cmd.orcpt_addr, "d\xc3\xa9@x");
	E501("RCPT TO:<a@b> ORCPT=utf-8;\\x{D800}", 0, DSNG_ERR_BAD_XTEXT, 26);
	E501("RCPT TO:<a@b> ORCPT=utf-8;a+2Bb", 0, DSNG_ERR_BAD_XTEXT, 27);
	E501("RCPT TO:<a@b> ORCPT=utf-8;\\x{0A}", 0, DSNG_ERR_BAD_XTEXT, 26);
}

static void test_param_ret_body_size(void **state)
{
	(void)state;
	UT_OK("MAIL FROM:<a@b> RET=FULL", S);
	assert_int_equal(ut_cmd.ret, DSNG_RET_FULL);
	UT_OK("MAIL FROM:<a@b> ret=hdrs", S);
	assert_int_equal(ut_cmd.ret, DSNG_RET_HDRS);
	E501("MAIL FROM:<a@b> RET=HEADERS", 0, DSNG_ERR_BAD_RET, 20);
	E501("MAIL FROM:<a@b> RET=FUL", 0, DSNG_ERR_BAD_RET, 20);

	UT_OK("MAIL FROM:<a@b> BODY=7bit", S);
	assert_int_equal(ut_cmd.body, DSNG_BODY_7BIT);
	UT_OK("MAIL FROM:<a@b> BODY=8BITMIME", S);
	assert_int_equal(ut_cmd.body, DSNG_BODY_8BITMIME);
	UT_OK("MAIL FROM:<a@b> BODY=BinaryMIME", S);
	assert_int_equal(ut_cmd.body, DSNG_BODY_BINARYMIME);
	E501("MAIL FROM:<a@b> BODY=8BIT", 0, DSNG_ERR_BAD_BODY, 21);

	UT_OK("MAIL FROM:<a@b> SIZE=0", S);
	assert_true(ut_cmd.has_size);
	assert_int_equal(ut_cmd.size, 0);
	UT_OK("MAIL FROM:<a@b> SIZE=18446744073709551615", S);
	assert_true(ut_cmd.size == UINT64_MAX);
	UT_OK("MAIL FROM:<a@b> SIZE=00000000000000000001", S); /* 20 digits */
	assert_int_equal(ut_cmd.size, 1);
	/* 20 digits but over 2^64-1: the message says so, not "1 to 20
	 * digits" */
	E501("MAIL FROM:<a@b> SIZE=18446744073709551616", 0, DSNG_ERR_BAD_SIZE,
	     21);
	assert_non_null(strstr(ut_err.message, "larger than 2^64-1"));
	E501("MAIL FROM:<a@b> SIZE=000000000000000000001", 0, DSNG_ERR_BAD_SIZE,
	     21);
	assert_non_null(strstr(ut_err.message, "1 to 20 digits"));
	E501("MAIL FROM:<a@b> SIZE=99999999999999999999", 0, DSNG_ERR_BAD_SIZE,
	     21);
	assert_non_null(strstr(ut_err.message, "larger than 2^64-1"));
	E501("MAIL FROM:<a@b> SIZE=+1", 0, DSNG_ERR_BAD_SIZE, 21);
	E501("MAIL FROM:<a@b> SIZE=-1", 0, DSNG_ERR_BAD_SIZE, 21);
	E501("MAIL FROM:<a@b> SIZE=abc", 0, DSNG_ERR_BAD_SIZE, 21);
	assert_non_null(strstr(ut_err.message, "1 to 20 digits"));
	E501("MAIL FROM:<a@b> SIZE=1k", 0, DSNG_ERR_BAD_SIZE, 21);
}

static void test_param_envid(void **state)
{
	TALLOC_CTX *ctx = *state;
	char *l;

	UT_OK("MAIL FROM:<a@b> ENVID=QQ314159+2Bx", S);
	assert_true(ut_cmd.has_envid);
	UT_SPAN(ut_cmd.envid, "QQ314159+x");
	/* 100 decoded octets, however long the encoding */
	l = mk(ctx, "MAIL FROM:<a@b> ENVID=", "+41", 100, "");
	UT_OK(l, S);
	assert_int_equal(ut_cmd.envid.len, 100);
	l = mk(ctx, "MAIL FROM:<a@b> ENVID=", "e", 101, "");
	UT_ERR(l, 0, DSNG_ERR_BAD_ENVID, 22, 501, "5.5.4");
	l = mk(ctx, "MAIL FROM:<a@b> ENVID=", "+41", 101, "");
	UT_ERR(l, 0, DSNG_ERR_BAD_ENVID, 22, 501, "5.5.4");
	E501("MAIL FROM:<a@b> ENVID=a+0Ab", 0, DSNG_ERR_BAD_XTEXT, 23);
	E501("MAIL FROM:<a@b> ENVID=a+00", 0, DSNG_ERR_BAD_XTEXT, 23);
	E501("MAIL FROM:<a@b> ENVID=a+80", 0, DSNG_ERR_BAD_XTEXT, 23);
	E501("MAIL FROM:<a@b> ENVID=a+", 0, DSNG_ERR_BAD_XTEXT, 23);
	E501("MAIL FROM:<a@b> ENVID=+=", 0, DSNG_ERR_BAD_XTEXT, 22);
	E501("MAIL FROM:<a@b> ENVID=a+3d", S, DSNG_ERR_BAD_XTEXT, 23);
	UT_OK("MAIL FROM:<a@b> ENVID=a+3d", 0);
	UT_SPAN(ut_cmd.envid, "a=");
}

static void test_param_auth_and_flags(void **state)
{
	(void)state;
	UT_OK("MAIL FROM:<a@b> AUTH=<>", S);
	assert_true(ut_cmd.has_auth);
	UT_SPAN(ut_cmd.auth, "<>");
	UT_OK("MAIL FROM:<a@b> AUTH=bob+40example.org", S);
	UT_SPAN(ut_cmd.auth, "bob@example.org");
	UT_OK("MAIL FROM:<a@b> AUTH=d+C3+A9@x SMTPUTF8", S);
	UT_SPAN(ut_cmd.auth, "d\xc3\xa9@x");
	E501("MAIL FROM:<a@b> AUTH=au+zzth@x", 0, DSNG_ERR_BAD_XTEXT, 23);
	E501("MAIL FROM:<a@b> AUTH=a+0Ab", 0, DSNG_ERR_BAD_XTEXT, 22);

	UT_OK("MAIL FROM:<a@b> SMTPUTF8 REQUIRETLS", S);
	assert_true(ut_cmd.smtputf8);
	assert_true(ut_cmd.requiretls);
	UT_OK("MAIL FROM:<a@b> smtputf8", S);
	assert_true(ut_cmd.smtputf8);
	UT_OK("MAIL FROM:<a@b>", S);
	assert_false(ut_cmd.smtputf8 || ut_cmd.requiretls || ut_cmd.has_auth ||
	             ut_cmd.has_envid || ut_cmd.has_size || ut_cmd.ret ||
	             ut_cmd.body || ut_cmd.has_by || ut_cmd.has_mt_priority);
}

static void test_param_mt_priority(void **state)
{
	(void)state;
	UT_OK("MAIL FROM:<a@b> MT-PRIORITY=-9", S);
	assert_true(ut_cmd.has_mt_priority);
	assert_int_equal(ut_cmd.mt_priority, -9);
	UT_OK("MAIL FROM:<a@b> mt-priority=9", S);
	assert_int_equal(ut_cmd.mt_priority, 9);
	UT_OK("MAIL FROM:<a@b> MT-PRIORITY=+5", S);
	assert_int_equal(ut_cmd.mt_priority, 5);
	UT_OK("MAIL FROM:<a@b> MT-PRIORITY=0", S);
	E501("MAIL FROM:<a@b> MT-PRIORITY=10", 0, DSNG_ERR_BAD_MT_PRIORITY, 28);
	E501("MAIL FROM:<a@b> MT-PRIORITY=-10", 0, DSNG_ERR_BAD_MT_PRIORITY,
	     28);
	E501("MAIL FROM:<a@b> MT-PRIORITY=foo", 0, DSNG_ERR_BAD_MT_PRIORITY,
	     28);
	E501("MAIL FROM:<a@b> MT-PRIORITY=-", 0, DSNG_ERR_BAD_MT_PRIORITY, 28);
}

static void test_param_by(void **state)
{
	(void)state;
	UT_OK("MAIL FROM:<a@b> BY=120;R", S);
	assert_true(ut_cmd.has_by);
	assert_int_equal(ut_cmd.by_time, 120);
	assert_int_equal(ut_cmd.by_mode, 'R');
	assert_false(ut_cmd.by_trace);
	UT_OK("MAIL FROM:<a@b> BY=-10;nt", S);
	assert_int_equal(ut_cmd.by_time, -10);
	assert_int_equal(ut_cmd.by_mode, 'N');
	assert_true(ut_cmd.by_trace);
	UT_OK("MAIL FROM:<a@b> BY=999999999;N", S);
	UT_OK("MAIL FROM:<a@b> BY=0;N", S);
	E501("MAIL FROM:<a@b> BY=0;R", 0, DSNG_ERR_BAD_BY, 19);
	E501("MAIL FROM:<a@b> BY=-5;R", 0, DSNG_ERR_BAD_BY, 19);
	E501("MAIL FROM:<a@b> BY=1234567890;N", 0, DSNG_ERR_BAD_BY, 19);
	E501("MAIL FROM:<a@b> BY=10", 0, DSNG_ERR_BAD_BY, 19);
	E501("MAIL FROM:<a@b> BY=10;", 0, DSNG_ERR_BAD_BY, 22);
	E501("MAIL FROM:<a@b> BY=10;X", 0, DSNG_ERR_BAD_BY, 22);
	E501("MAIL FROM:<a@b> BY=10;NX", 0, DSNG_ERR_BAD_BY, 22);
	E501("MAIL FROM:<a@b> BY=10;NTT", 0, DSNG_ERR_BAD_BY, 22);
	E501("MAIL FROM:<a@b> BY=;N", 0, DSNG_ERR_BAD_BY, 19);
}

static void test_param_hold_and_rrvs(void **state)
{
	(void)state;
	UT_OK("MAIL FROM:<a@b> HOLDFOR=3600", S);
	assert_true(ut_cmd.has_holdfor);
	assert_int_equal(ut_cmd.holdfor, 3600);
	E501("MAIL FROM:<a@b> HOLDFOR=1234567890", 0, DSNG_ERR_BAD_HOLD, 24);
	E501("MAIL FROM:<a@b> HOLDFOR=-1", 0, DSNG_ERR_BAD_HOLD, 24);
	UT_OK("MAIL FROM:<a@b> HOLDUNTIL=2026-11-29T04:00:00Z", S);
	assert_true(ut_cmd.has_holduntil);
	UT_SPAN(ut_cmd.holduntil, "2026-11-29T04:00:00Z");
	UT_OK("MAIL FROM:<a@b> HOLDUNTIL=2026-11-29t04:00:00.25+01:00", S);
	E501("MAIL FROM:<a@b> HOLDUNTIL=2026-13-01T00:00:00Z", 0,
	     DSNG_ERR_BAD_HOLD, 26);
	E501("MAIL FROM:<a@b> HOLDUNTIL=2026-11-29T24:00:00Z", 0,
	     DSNG_ERR_BAD_HOLD, 26);
	E501("MAIL FROM:<a@b> HOLDUNTIL=2026-11-29T04:00:00", 0,
	     DSNG_ERR_BAD_HOLD, 26);
	E501("MAIL FROM:<a@b> HOLDUNTIL=2026-11-29T04:00:00.Z", 0,
	     DSNG_ERR_BAD_HOLD, 26);
	E501("MAIL FROM:<a@b> HOLDUNTIL=2026-11-29T04:00:00+1:00", 0,
	     DSNG_ERR_BAD_HOLD, 26);
	E501("MAIL FROM:<a@b> HOLDUNTIL=2026-11-29T04:00:00Zx", 0,
	     DSNG_ERR_BAD_HOLD, 26);

	UT_OK("RCPT TO:<a@b> RRVS=2014-04-03T23:01:00Z", S);
	assert_true(ut_cmd.has_rrvs);
	UT_SPAN(ut_cmd.rrvs, "2014-04-03T23:01:00Z");
	assert_int_equal(ut_cmd.rrvs_mode, 0);
	UT_OK("RCPT TO:<a@b> RRVS=2014-04-03T23:01:00-05:00;c", S);
	UT_SPAN(ut_cmd.rrvs, "2014-04-03T23:01:00-05:00");
	assert_int_equal(ut_cmd.rrvs_mode, 'C');
	E501("RCPT TO:<a@b> RRVS=2014-04-03T23:01:00Z;X", 0, DSNG_ERR_BAD_PARAM,
	     19);
	E501("RCPT TO:<a@b> RRVS=2014-04-03", 0, DSNG_ERR_BAD_PARAM, 19);
}

static void test_param_limits_and_hostile(void **state)
{
	TALLOC_CTX *ctx = *state;
	char *l;
	size_t i;

	/* 32 parameters ok, the 33rd is refused where it starts */
	l = mk(ctx, "MAIL FROM:<a@b>", " X=1", 32, "");
	UT_OK(l, S);
	assert_int_equal(ut_cmd.n_params, DSNG_CMD_MAX_PARAMS);
	for (i = 0; i < ut_cmd.n_params; i++)
		assert_int_equal(ut_cmd.params[i].offset, 16 + 4 * i);
	l = mk(ctx, "MAIL FROM:<a@b>", " X=1", 33, "");
	UT_ERR(l, 0, DSNG_ERR_TOO_MANY_PARAMS, 16 + 4 * 32, 501, "5.5.4");
	assert_int_equal(ut_err.rc, DSNG_ELIMIT);
	assert_string_equal(ut_err.limit, "max_params"); /* a fixed limit */
	/* a huge unknown value within the line limit */
	l = mk(ctx, "MAIL FROM:<a@b> X=", "v", 2000, "");
	UT_OK(l, S);
	assert_int_equal(ut_cmd.params[0].value.len, 2000);
	/* decoded buffer is shared: ENVID and AUTH both fit */
	l = mk(ctx, "MAIL FROM:<a@b> ENVID=", "+41", 100, "");
	l = talloc_asprintf_append(l, " AUTH=%s", mk(ctx, "", "a", 900, ""));
	UT_OK(l, S);
	assert_int_equal(ut_cmd.decoded_len, 1000);
	l = mk(ctx, "MAIL FROM:<a@b> ENVID=", "+41", 100, "");
	l = talloc_asprintf_append(l, " AUTH=%s", mk(ctx, "", "a", 1000, ""));
	UT_ERR(l, 0, DSNG_ERR_BAD_AUTH, 328, 501, "5.5.4");
	/* '+' at the very end of the line, no CRLF: guard page catches reads */
	E501("MAIL FROM:<a@b> ENVID=+", 0, DSNG_ERR_BAD_XTEXT, 22);
	E501("MAIL FROM:<a@b> ENVID=a+4", 0, DSNG_ERR_BAD_XTEXT, 23);
	E501("RCPT TO:<a@b> ORCPT=utf-8;a\\x{4", 0, DSNG_ERR_BAD_XTEXT, 27);
	E501("RCPT TO:<a@b> ORCPT=utf-8;a\\", 0, DSNG_ERR_BAD_XTEXT, 27);
	E501("MAIL FROM:<a@b> BY=1;", 0, DSNG_ERR_BAD_BY, 21);
	E501("MAIL FROM:<a@b> HOLDUNTIL=2026-11-29T04:00:00.", 0,
	     DSNG_ERR_BAD_HOLD, 26);
	/* shell and expansion metacharacters are data, not errors */
	UT_OK("MAIL FROM:<\"${run{/bin/sh}}\"@x.example> ENVID=${x}", S);
	UT_SPAN(ut_cmd.envid, "${x}");
}

static void test_find_param(void **state)
{
	struct dsng_param *p;

	(void)state;
	UT_OK("RCPT TO:<a@b> X=1 NOTIFY=SUCCESS ORCPT=rfc822;a@b", S);
	p = dsng_cmd_find_param(&ut_cmd, DSNG_PARAM_NOTIFY);
	assert_ptr_equal(p, &ut_cmd.params[1]);
	p->removed = true;
	assert_null(dsng_cmd_find_param(&ut_cmd, DSNG_PARAM_NOTIFY));
	assert_ptr_equal(dsng_cmd_find_param(&ut_cmd, DSNG_PARAM_OTHER),
	                 &ut_cmd.params[0]);
	assert_null(dsng_cmd_find_param(&ut_cmd, DSNG_PARAM_RET));
	assert_null(dsng_cmd_find_param(NULL, DSNG_PARAM_RET));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        UT_TEST(test_param_grammar),
	        UT_TEST(test_param_unknown_kept_in_order),
	        UT_TEST(test_param_duplicates),
	        UT_TEST(test_param_wrong_command),
	        UT_TEST(test_param_notify),
	        UT_TEST(test_param_orcpt),
	        UT_TEST(test_param_orcpt_utf8),
	        UT_TEST(test_param_ret_body_size),
	        UT_TEST(test_param_envid),
	        UT_TEST(test_param_auth_and_flags),
	        UT_TEST(test_param_mt_priority),
	        UT_TEST(test_param_by),
	        UT_TEST(test_param_hold_and_rrvs),
	        UT_TEST(test_param_limits_and_hostile),
	        UT_TEST(test_find_param),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
