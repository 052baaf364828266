/*
 * tests/test_probe.c - the receipt-exposure probe's state machine: every
 * verdict, the HELO fallback, STARTTLS, 4xx, drops, timeouts, garbage,
 * replies split across feeds and pipelined ones, limits, bad parameters.
 */
#include <stdio.h>
#include <stdlib.h>

#include "dsng_test.h"

#define FROM "spammer@forged.example"
#define TO "user@mx.example.test"

/* Script tokens besides reply bytes. */
#define EV_TIMEOUT "!timeout"
#define EV_CLOSED "!closed"
#define EV_REFUSED "!refused"
#define EV_RESOLVE "!resolve"
#define EV_TLS_OK "!tls"
#define EV_TLS_FAIL "!tlsfail"

struct run {
	struct dsng_probe *probe;
	const struct dsng_probe_result *res;
	char sent[4096]; /* every line sent, concatenated */
	int steps;
};

static int feed_token(struct dsng_probe *p, const char *tok)
{
	if (!strcmp(tok, EV_TIMEOUT))
		return dsng_probe_event(p, DSNG_PROBE_EV_TIMEOUT, "poll");
	if (!strcmp(tok, EV_CLOSED))
		return dsng_probe_event(p, DSNG_PROBE_EV_CLOSED, NULL);
	if (!strcmp(tok, EV_REFUSED))
		return dsng_probe_event(p, DSNG_PROBE_EV_REFUSED,
		                        "Connection refused");
	if (!strcmp(tok, EV_RESOLVE))
		return dsng_probe_event(p, DSNG_PROBE_EV_RESOLVE, "no name");
	if (!strcmp(tok, EV_TLS_OK))
		return dsng_probe_event(p, DSNG_PROBE_EV_TLS_READY, NULL);
	if (!strcmp(tok, EV_TLS_FAIL))
		return dsng_probe_event(p, DSNG_PROBE_EV_TLS_FAILED, "bad");
	return dsng_probe_reply(p, tok, strlen(tok));
}

/* Drive a probe through a script: at CONNECT the first token may be a
 * connect failure (else CONNECTED), each WAIT or STARTTLS takes the next
 * token; an exhausted script is a closed connection. */
static void drive(struct run *r, const char *const *script)
{
	size_t i = 0;
	const char *line;
	size_t len;

	r->sent[0] = 0;
	for (r->steps = 0; r->steps < 100; r->steps++) {
		enum dsng_probe_action a =
		        dsng_probe_next(r->probe, &line, &len);

		switch (a) {
		case DSNG_PROBE_CONNECT:
			if (script[i] && (!strcmp(script[i], EV_REFUSED) ||
			                  !strcmp(script[i], EV_RESOLVE)))
				assert_int_equal(
				        feed_token(r->probe, script[i++]), 0);
			else
				assert_int_equal(
				        dsng_probe_event(
				                r->probe,
				                DSNG_PROBE_EV_CONNECTED, NULL),
				        0);
			break;
		case DSNG_PROBE_SEND:
			assert_non_null(line);
			assert_int_equal(len, strlen(line));
			assert_true(len >= 2 && line[len - 2] == '\r' &&
			            line[len - 1] == '\n');
			assert_true(strlen(r->sent) + len < sizeof(r->sent));
			strcat(r->sent, line);
			break;
		case DSNG_PROBE_WAIT:
		case DSNG_PROBE_STARTTLS:
			if (!script[i])
				assert_int_equal(
				        dsng_probe_event(r->probe,
				                         DSNG_PROBE_EV_CLOSED,
				                         NULL),
				        0);
			else
				assert_int_equal(
				        feed_token(r->probe, script[i++]), 0);
			break;
		case DSNG_PROBE_DONE:
			r->res = dsng_probe_result(r->probe);
			assert_non_null(r->res);
			return;
		}
	}
	fail_msg("the probe did not finish");
}

static struct dsng_probe *make(TALLOC_CTX *ctx, bool tls)
{
	struct dsng_probe_params pp = DSNG_PROBE_PARAMS_INIT;
	struct dsng_error err = DSNG_ERROR_INIT;
	struct dsng_probe *p = NULL;

	pp.mail_from = FROM;
	pp.rcpt_to = TO;
	pp.ehlo_name = "probe.example";
	pp.starttls = tls;
	assert_int_equal(dsng_probe_new(ctx, &p, &pp, &err), 0);
	assert_non_null(p);
	return p;
}

static void run_script(TALLOC_CTX *ctx, struct run *r, bool tls,
                       const char *const *script)
{
	r->probe = make(ctx, tls);
	drive(r, script);
}

#define GREET "220 mx.example.test ESMTP\r\n"
#define EHLO_DSN                                                               \
	"250-mx.example.test\r\n250-PIPELINING\r\n250-SIZE 1000\r\n"           \
	"250-DSN\r\n250 8BITMIME\r\n"
#define EHLO_NODSN "250-mx.example.test\r\n250 PIPELINING\r\n"
#define OK_MAIL "250 2.1.0 Ok\r\n"
#define OK_RCPT "250 2.1.5 Ok\r\n"
#define BYE "221 2.0.0 Bye\r\n"
#define RSET_OK "250 2.0.0 Ok\r\n"

#define MAIL_LINE "MAIL FROM:<" FROM ">\r\n"
#define RCPT_LINE "RCPT TO:<" TO "> NOTIFY=SUCCESS\r\n"
#define PLAIN_LINE "RCPT TO:<" TO ">\r\n"

static void test_exposed(void **state)
{
	struct run r;
	const char *s[] = {GREET,   EHLO_DSN, OK_MAIL, OK_RCPT,
	                   RSET_OK, BYE,      NULL};

	run_script(*state, &r, false, s);
	assert_int_equal(r.res->verdict, DSNG_PROBE_EXPOSED);
	assert_string_equal(r.sent, "EHLO probe.example\r\n" MAIL_LINE RCPT_LINE
	                            "RSET\r\nQUIT\r\n");
	assert_true(r.res->greeting.answered);
	assert_int_equal(r.res->greeting.code, 220);
	assert_string_equal(r.res->greeting.text, "mx.example.test ESMTP");
	assert_true(r.res->esmtp);
	assert_true(r.res->dsn_advertised);
	assert_false(r.res->smtputf8);
	assert_non_null(r.res->caps);
	assert_int_equal(r.res->caps->n_caps, 4);
	assert_int_equal(r.res->ehlo.code, 250);
	assert_string_equal(r.res->mail.line, "MAIL FROM:<" FROM ">");
	assert_int_equal(r.res->mail.code, 250);
	assert_true(r.res->mail.has_enhanced);
	assert_int_equal(r.res->mail.enhanced.subject, 1);
	assert_string_equal(r.res->mail.text, "Ok");
	assert_string_equal(r.res->rcpt.line,
	                    "RCPT TO:<" TO "> NOTIFY=SUCCESS");
	assert_true(r.res->receipt_accepted);
	assert_false(r.res->rcpt_plain.sent);
	assert_null(r.res->error_message);
	assert_false(r.res->tls);
	talloc_free(r.probe);
}

static void test_refused(void **state)
{
	struct run r;
	const char *s[] = {GREET,   EHLO_DSN,
	                   OK_MAIL, "550 5.7.1 receipts only for our users\r\n",
	                   OK_RCPT, RSET_OK,
	                   BYE,     NULL};

	run_script(*state, &r, false, s);
	assert_int_equal(r.res->verdict, DSNG_PROBE_REFUSED);
	assert_string_equal(
	        r.sent, "EHLO probe.example\r\n" MAIL_LINE RCPT_LINE PLAIN_LINE
	                "RSET\r\nQUIT\r\n");
	assert_false(r.res->receipt_accepted);
	assert_int_equal(r.res->rcpt.code, 550);
	assert_string_equal(r.res->rcpt.text, "receipts only for our users");
	assert_true(r.res->rcpt_plain.answered);
	assert_int_equal(r.res->rcpt_plain.code, 250);
	assert_null(r.res->error_message);
	talloc_free(r.probe);
}

static void test_not_offered(void **state)
{
	struct run r;
	const char *s[] = {GREET,   EHLO_NODSN, OK_MAIL, OK_RCPT,
	                   RSET_OK, BYE,        NULL};
	const char *s2[] = {
	        GREET,   EHLO_NODSN, OK_MAIL, "555 5.5.4 NOTIFY?\r\n",
	        OK_RCPT, RSET_OK,    BYE,     NULL};

	run_script(*state, &r, false, s);
	assert_int_equal(r.res->verdict, DSNG_PROBE_NOT_OFFERED);
	assert_false(r.res->dsn_advertised);
	assert_true(r.res->receipt_accepted);
	talloc_free(r.probe);

	/* a server without DSN refusing the unknown parameter: still
	   not_offered, and the control RCPT is sent */
	run_script(*state, &r, false, s2);
	assert_int_equal(r.res->verdict, DSNG_PROBE_NOT_OFFERED);
	assert_true(r.res->rcpt_plain.answered);
	assert_null(r.res->error_message);
	talloc_free(r.probe);
}

static void test_incomplete_both_refused(void **state)
{
	struct run r;
	const char *s[] = {GREET,
	                   EHLO_DSN,
	                   OK_MAIL,
	                   "550 5.1.1 no such user\r\n",
	                   "550 5.1.1 no such user\r\n",
	                   RSET_OK,
	                   BYE,
	                   NULL};

	run_script(*state, &r, false, s);
	assert_int_equal(r.res->verdict, DSNG_PROBE_INCOMPLETE);
	assert_int_equal(r.res->error_step, DSNG_PROBE_STEP_RCPT);
	assert_int_equal(r.res->error_cause, DSNG_PROBE_CAUSE_REPLY);
	assert_int_equal(r.res->error_code, 550);
	assert_non_null(strstr(r.res->error_message, "with and without"));
	assert_non_null(strstr(r.sent, "QUIT"));
	talloc_free(r.probe);
}

static void test_4xx(void **state)
{
	struct run r;
	const char *rcpt4[] = {
	        GREET,   EHLO_DSN, OK_MAIL, "451 4.3.0 try later\r\n",
	        RSET_OK, BYE,      NULL};
	const char *mail4[] = {GREET, EHLO_DSN, "421 4.7.0 go away\r\n", NULL};
	const char *greet4[] = {"421 busy\r\n", BYE, NULL};
	const char *ehlo4[] = {GREET, "421 4.3.2 shutting down\r\n", NULL};

	run_script(*state, &r, false, rcpt4);
	assert_int_equal(r.res->verdict, DSNG_PROBE_INCOMPLETE);
	assert_int_equal(r.res->error_step, DSNG_PROBE_STEP_RCPT);
	assert_int_equal(r.res->error_code, 451);
	assert_false(r.res->rcpt_plain.sent);
	talloc_free(r.probe);

	run_script(*state, &r, false, mail4);
	assert_int_equal(r.res->error_step, DSNG_PROBE_STEP_MAIL);
	assert_int_equal(r.res->error_cause, DSNG_PROBE_CAUSE_REPLY);
	assert_int_equal(r.res->error_code, 421);
	assert_false(r.res->rcpt.sent);
	talloc_free(r.probe);

	run_script(*state, &r, false, greet4);
	assert_int_equal(r.res->error_step, DSNG_PROBE_STEP_GREETING);
	assert_int_equal(r.res->error_code, 421);
	assert_string_equal(r.sent, "QUIT\r\n");
	talloc_free(r.probe);

	run_script(*state, &r, false, ehlo4);
	assert_int_equal(r.res->error_step, DSNG_PROBE_STEP_EHLO);
	assert_int_equal(r.res->error_code, 421);
	assert_false(r.res->ehlo_first.code == 0);
	talloc_free(r.probe);
}

static void test_helo_fallback(void **state)
{
	struct run r;
	const char *s[] = {GREET,
	                   "502 5.5.2 no EHLO here\r\n",
	                   "250 mx.example.test\r\n",
	                   OK_MAIL,
	                   OK_RCPT,
	                   RSET_OK,
	                   BYE,
	                   NULL};
	const char *both[] = {GREET, "500 no\r\n", "501 neither\r\n", BYE,
	                      NULL};

	run_script(*state, &r, false, s);
	assert_string_equal(
	        r.sent, "EHLO probe.example\r\nHELO probe.example\r\n" MAIL_LINE
	                        RCPT_LINE "RSET\r\nQUIT\r\n");
	assert_int_equal(r.res->verdict, DSNG_PROBE_NOT_OFFERED);
	assert_false(r.res->esmtp);
	assert_null(r.res->caps);
	assert_int_equal(r.res->ehlo.code, 250);
	assert_string_equal(r.res->ehlo.line, "HELO probe.example");
	assert_int_equal(r.res->ehlo_first.code, 502);
	talloc_free(r.probe);

	run_script(*state, &r, false, both);
	assert_int_equal(r.res->verdict, DSNG_PROBE_INCOMPLETE);
	assert_int_equal(r.res->error_step, DSNG_PROBE_STEP_EHLO);
	assert_int_equal(r.res->error_code, 501);
	talloc_free(r.probe);
}

static void test_events(void **state)
{
	struct run r;
	const char *refused[] = {EV_REFUSED, NULL};
	const char *resolve[] = {EV_RESOLVE, NULL};
	const char *silent[] = {EV_TIMEOUT, NULL};
	const char *drop[] = {GREET, EHLO_DSN, EV_CLOSED, NULL};
	const char *late[] = {GREET,   EHLO_DSN,   OK_MAIL,
	                      OK_RCPT, EV_TIMEOUT, NULL};

	run_script(*state, &r, false, refused);
	assert_int_equal(r.res->verdict, DSNG_PROBE_INCOMPLETE);
	assert_int_equal(r.res->error_step, DSNG_PROBE_STEP_CONNECT);
	assert_int_equal(r.res->error_cause, DSNG_PROBE_CAUSE_REFUSED);
	assert_int_equal(r.res->error_code, 0);
	assert_non_null(strstr(r.res->error_message, "Connection refused"));
	assert_false(r.res->greeting.sent);
	assert_string_equal(r.sent, "");
	talloc_free(r.probe);

	run_script(*state, &r, false, resolve);
	assert_int_equal(r.res->error_cause, DSNG_PROBE_CAUSE_RESOLVE);
	talloc_free(r.probe);

	run_script(*state, &r, false, silent);
	assert_int_equal(r.res->error_step, DSNG_PROBE_STEP_GREETING);
	assert_int_equal(r.res->error_cause, DSNG_PROBE_CAUSE_TIMEOUT);
	talloc_free(r.probe);

	run_script(*state, &r, false, drop);
	assert_int_equal(r.res->error_step, DSNG_PROBE_STEP_MAIL);
	assert_int_equal(r.res->error_cause, DSNG_PROBE_CAUSE_CLOSED);
	talloc_free(r.probe);

	/* after the verdict a silent RSET changes nothing */
	run_script(*state, &r, false, late);
	assert_int_equal(r.res->verdict, DSNG_PROBE_EXPOSED);
	assert_null(r.res->error_message);
	talloc_free(r.probe);
}

static void test_garbage(void **state)
{
	struct run r;
	const char *g1[] = {"HTTP/1.1 400 Bad Request\r\n\r\n", NULL};
	const char *g2[] = {GREET, "250-x\r\n251 mixed\r\n", NULL};
	const char *g3[] = {GREET, "hello\x00world\n", NULL};
	const char *g4[] = {GREET, "250-mx\r\n250 SIZE abc\r\n", NULL};
	const char *g5[] = {"999 what\r\n", NULL};
	const char *g6[] = {GREET,
	                    EHLO_DSN,
	                    OK_MAIL,
	                    "250-a\r\n250-b\r\n",
	                    "\x01\x02\x03\r\n",
	                    NULL};

	run_script(*state, &r, false, g1);
	assert_int_equal(r.res->verdict, DSNG_PROBE_INCOMPLETE);
	assert_int_equal(r.res->error_step, DSNG_PROBE_STEP_GREETING);
	assert_int_equal(r.res->error_cause, DSNG_PROBE_CAUSE_REPLY);
	assert_string_equal(r.sent, "");
	talloc_free(r.probe);

	run_script(*state, &r, false, g2);
	assert_int_equal(r.res->error_step, DSNG_PROBE_STEP_EHLO);
	assert_int_equal(r.res->error_cause, DSNG_PROBE_CAUSE_REPLY);
	talloc_free(r.probe);

	/* a NUL inside: strlen stops there; feed the bytes by hand */
	r.probe = make(*state, false);
	assert_int_equal(dsng_probe_next(r.probe, NULL, NULL),
	                 DSNG_PROBE_CONNECT);
	dsng_probe_event(r.probe, DSNG_PROBE_EV_CONNECTED, NULL);
	assert_int_equal(dsng_probe_next(r.probe, NULL, NULL), DSNG_PROBE_WAIT);
	dsng_probe_reply(r.probe, "220 a\0b\r\n", 9);
	assert_int_equal(dsng_probe_next(r.probe, NULL, NULL), DSNG_PROBE_DONE);
	r.res = dsng_probe_result(r.probe);
	assert_int_equal(r.res->error_step, DSNG_PROBE_STEP_GREETING);
	talloc_free(r.probe);
	(void)g3;

	/* a 250 EHLO reply that is not a capability list */
	run_script(*state, &r, false, g4);
	assert_int_equal(r.res->error_step, DSNG_PROBE_STEP_EHLO);
	assert_int_equal(r.res->error_cause, DSNG_PROBE_CAUSE_REPLY);
	assert_int_equal(r.res->error_code, 250);
	talloc_free(r.probe);

	run_script(*state, &r, false, g5);
	assert_int_equal(r.res->error_step, DSNG_PROBE_STEP_GREETING);
	talloc_free(r.probe);

	run_script(*state, &r, false, g6);
	assert_int_equal(r.res->error_step, DSNG_PROBE_STEP_RCPT);
	assert_int_equal(r.res->error_cause, DSNG_PROBE_CAUSE_REPLY);
	talloc_free(r.probe);
}

static void test_split_and_pipelined(void **state)
{
	struct run r;
	/* byte by byte */
	const char *all = GREET EHLO_DSN OK_MAIL OK_RCPT RSET_OK BYE;
	const char *s[] = {"22",
	                   "0 mx.example.test ESMTP\r",
	                   "\n250-mx.example.test\r\n250-PIPE",
	                   "LINING\r\n250-SIZE 1000\r\n250-DSN\r\n250 8BIT",
	                   "MIME\r\n",
	                   OK_MAIL,
	                   OK_RCPT,
	                   RSET_OK,
	                   BYE,
	                   NULL};
	/* everything at once, before the commands are sent */
	const char *piped[] = {GREET EHLO_DSN OK_MAIL OK_RCPT RSET_OK BYE
	                       "250 junk after the end\r\n",
	                       NULL};
	size_t i;
	enum dsng_probe_action a;
	int n = 0;

	run_script(*state, &r, false, s);
	assert_int_equal(r.res->verdict, DSNG_PROBE_EXPOSED);
	assert_int_equal(r.res->caps->n_caps, 4);
	talloc_free(r.probe);

	run_script(*state, &r, false, piped);
	assert_int_equal(r.res->verdict, DSNG_PROBE_EXPOSED);
	assert_string_equal(r.sent, "EHLO probe.example\r\n" MAIL_LINE RCPT_LINE
	                            "RSET\r\nQUIT\r\n");
	talloc_free(r.probe);

	r.probe = make(*state, false);
	dsng_probe_next(r.probe, NULL, NULL);
	dsng_probe_event(r.probe, DSNG_PROBE_EV_CONNECTED, NULL);
	for (i = 0; all[i]; i++) {
		while ((a = dsng_probe_next(r.probe, NULL, NULL)) ==
		       DSNG_PROBE_SEND)
			n++;
		assert_int_equal(a, DSNG_PROBE_WAIT);
		assert_int_equal(dsng_probe_reply(r.probe, all + i, 1), 0);
	}
	while ((a = dsng_probe_next(r.probe, NULL, NULL)) == DSNG_PROBE_SEND)
		n++;
	assert_int_equal(a, DSNG_PROBE_DONE);
	assert_int_equal(n, 5);
	assert_int_equal(dsng_probe_result(r.probe)->verdict,
	                 DSNG_PROBE_EXPOSED);
	talloc_free(r.probe);
}

static void test_starttls(void **state)
{
	struct run r;
	const char *s[] = {GREET,
	                   "250-mx\r\n250-STARTTLS\r\n250 PIPELINING\r\n",
	                   "220 2.0.0 go ahead\r\n250 injected\r\n",
	                   EV_TLS_OK,
	                   EHLO_DSN,
	                   OK_MAIL,
	                   OK_RCPT,
	                   RSET_OK,
	                   BYE,
	                   NULL};
	const char *no[] = {GREET, EHLO_DSN, BYE, NULL};
	const char *bad[] = {GREET, "250-mx\r\n250 STARTTLS\r\n",
	                     "220 go ahead\r\n", EV_TLS_FAIL, NULL};
	const char *ref[] = {GREET, "250-mx\r\n250 STARTTLS\r\n",
	                     "454 4.7.0 TLS not available\r\n", BYE, NULL};

	run_script(*state, &r, true, s);
	assert_string_equal(r.sent, "EHLO probe.example\r\nSTARTTLS\r\nEHLO "
	                            "probe.example\r\n" MAIL_LINE RCPT_LINE
	                            "RSET\r\nQUIT\r\n");
	assert_int_equal(r.res->verdict, DSNG_PROBE_EXPOSED);
	assert_true(r.res->tls);
	/* the second EHLO counts: DSN only after TLS */
	assert_true(r.res->dsn_advertised);
	assert_int_equal(r.res->starttls.code, 220);
	assert_int_equal(r.res->caps->n_caps, 4);
	talloc_free(r.probe);

	run_script(*state, &r, true, no);
	assert_int_equal(r.res->verdict, DSNG_PROBE_INCOMPLETE);
	assert_int_equal(r.res->error_step, DSNG_PROBE_STEP_STARTTLS);
	assert_int_equal(r.res->error_cause, DSNG_PROBE_CAUSE_REPLY);
	assert_int_equal(r.res->error_code, 0);
	talloc_free(r.probe);

	run_script(*state, &r, true, bad);
	assert_int_equal(r.res->error_step, DSNG_PROBE_STEP_STARTTLS);
	assert_int_equal(r.res->error_cause, DSNG_PROBE_CAUSE_TLS);
	talloc_free(r.probe);

	run_script(*state, &r, true, ref);
	assert_int_equal(r.res->error_step, DSNG_PROBE_STEP_STARTTLS);
	assert_int_equal(r.res->error_code, 454);
	talloc_free(r.probe);
}

static void test_limits(void **state)
{
	struct dsng_probe *p = make(*state, false);
	char *big;
	size_t i, n = 2000;
	const struct dsng_probe_result *res;

	/* 2000 continuation lines: over the 1000-line limit */
	big = talloc_array(*state, char, n * 10 + 1);
	for (i = 0; i < n; i++)
		memcpy(big + i * 10, "220-abcd\r\n", 10);
	dsng_probe_next(p, NULL, NULL);
	dsng_probe_event(p, DSNG_PROBE_EV_CONNECTED, NULL);
	for (i = 0; i < n; i += 7)
		dsng_probe_reply(p, big + i * 10,
		                 (i + 7 <= n ? 7 : n - i) * 10);
	assert_int_equal(dsng_probe_next(p, NULL, NULL), DSNG_PROBE_DONE);
	res = dsng_probe_result(p);
	assert_int_equal(res->error_step, DSNG_PROBE_STEP_GREETING);
	assert_int_equal(res->error_cause, DSNG_PROBE_CAUSE_REPLY);
	talloc_free(p);

	/* one endless line */
	p = make(*state, false);
	dsng_probe_next(p, NULL, NULL);
	dsng_probe_event(p, DSNG_PROBE_EV_CONNECTED, NULL);
	memset(big, 'x', n * 10);
	memcpy(big, "220 ", 4);
	dsng_probe_reply(p, big, n * 10);
	assert_int_equal(dsng_probe_next(p, NULL, NULL), DSNG_PROBE_DONE);
	res = dsng_probe_result(p);
	assert_int_equal(res->error_cause, DSNG_PROBE_CAUSE_REPLY);
	assert_non_null(strstr(res->error_message, "bad reply"));
	talloc_free(p);
	talloc_free(big);
}

static void test_params(void **state)
{
	struct dsng_probe_params pp;
	struct dsng_error err = DSNG_ERROR_INIT;
	struct dsng_probe *p = NULL;
	size_t blocks = talloc_total_blocks(*state);

	assert_int_equal(dsng_probe_params_init(&pp, 1), 0);
	assert_int_equal(dsng_probe_params_init(&pp, 2), DSNG_EINVAL);
	assert_int_equal(dsng_probe_new(*state, &p, &pp, &err), DSNG_EINVAL);
	pp.mail_from = "not an address";
	pp.rcpt_to = TO;
	assert_int_equal(dsng_probe_new(*state, &p, &pp, &err), DSNG_ESYNTAX);
	assert_null(p);
	assert_non_null(strstr(err.message, "--from"));
	pp.mail_from = "<a@b.example>";
	pp.rcpt_to = "<>";
	assert_int_equal(dsng_probe_new(*state, &p, &pp, &err), DSNG_ESYNTAX);
	assert_non_null(strstr(err.message, "--to"));
	pp.rcpt_to = "x@y.example> NOTIFY=NEVER";
	assert_int_equal(dsng_probe_new(*state, &p, &pp, &err), DSNG_ESYNTAX);
	pp.rcpt_to = "x@y.example\r\nDATA";
	assert_int_equal(dsng_probe_new(*state, &p, &pp, &err), DSNG_ESYNTAX);
	pp.rcpt_to = TO;
	pp.ehlo_name = "a b";
	assert_int_equal(dsng_probe_new(*state, &p, &pp, &err), DSNG_ESYNTAX);
	assert_int_equal(err.kind, DSNG_ERR_BAD_VALUE);
	pp.ehlo_name = "x\r\nQUIT";
	assert_int_equal(dsng_probe_new(*state, &p, &pp, &err), DSNG_ESYNTAX);
	assert_int_equal(talloc_total_blocks(*state), blocks);

	/* the null reverse-path, the default EHLO name */
	pp.ehlo_name = NULL;
	pp.mail_from = "";
	assert_int_equal(dsng_probe_new(*state, &p, &pp, &err), 0);
	{
		struct run r;
		const char *s[] = {GREET, EHLO_DSN, OK_MAIL, OK_RCPT, NULL};

		r.probe = p;
		drive(&r, s);
		assert_string_equal(
		        r.sent, "EHLO localhost\r\nMAIL FROM:<>\r\n" RCPT_LINE
		                "RSET\r\n");
	}
	talloc_free(p);

	assert_string_equal(dsng_probe_step_name(DSNG_PROBE_STEP_STARTTLS),
	                    "starttls");
	assert_null(dsng_probe_step_name(DSNG_PROBE_STEP__COUNT));
	assert_string_equal(dsng_probe_cause_name(DSNG_PROBE_CAUSE_RESOLVE),
	                    "resolve");
	assert_string_equal(dsng_probe_verdict_name(DSNG_PROBE_NOT_OFFERED),
	                    "not_offered");
	assert_null(dsng_probe_verdict_name((enum dsng_probe_verdict)9));
	assert_null(dsng_probe_result(NULL));
	assert_int_equal(dsng_probe_next(NULL, NULL, NULL), DSNG_PROBE_DONE);
	assert_int_equal(dsng_probe_reply(NULL, "x", 1), DSNG_EINVAL);
	assert_int_equal(dsng_probe_event(NULL, DSNG_PROBE_EV_CLOSED, NULL),
	                 DSNG_EINVAL);
}

static void test_unexpected_events(void **state)
{
	struct dsng_probe *p = make(*state, false);
	const struct dsng_probe_result *res;

	/* bytes before connecting are ignored; CONNECTED twice is a drop */
	assert_int_equal(dsng_probe_reply(p, GREET, strlen(GREET)), 0);
	dsng_probe_event(p, DSNG_PROBE_EV_CONNECTED, NULL);
	dsng_probe_event(p, DSNG_PROBE_EV_CONNECTED, NULL);
	assert_int_equal(dsng_probe_next(p, NULL, NULL), DSNG_PROBE_DONE);
	res = dsng_probe_result(p);
	assert_int_equal(res->error_cause, DSNG_PROBE_CAUSE_CLOSED);
	/* after DONE everything is ignored */
	assert_int_equal(dsng_probe_reply(p, GREET, strlen(GREET)), 0);
	assert_int_equal(dsng_probe_event(p, DSNG_PROBE_EV_TIMEOUT, NULL), 0);
	assert_int_equal(res->error_cause, DSNG_PROBE_CAUSE_CLOSED);
	talloc_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_exposed,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_refused,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_not_offered,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_incomplete_both_refused,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_4xx, dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_helo_fallback,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_events,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_garbage,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_split_and_pipelined,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_starttls,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_limits,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_params,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_unexpected_events,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
