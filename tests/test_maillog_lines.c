/*
 * tests/test_maillog_lines.c - single log lines: the syslog envelopes
 * (traditional, RFC 3339, RFC 5424, Exim's own), and what each MTA reader
 * takes out of a message line.  Every line is read from a guard-page
 * buffer so a read past its end faults.
 */
#include "dsng_test.h"
#include "maillog_int.h"

static void span_eq(struct dsng_span s, const char *want)
{
	if (!want) {
		assert_null(s.ptr);
		return;
	}
	assert_non_null(s.ptr);
	assert_int_equal(s.len, strlen(want));
	assert_memory_equal(s.ptr, want, s.len);
}

/* Parse a header from a guarded copy; the spans are checked by cb while the
 * copy is alive. */
static int header(const char *text, struct dsng__ml_line *l, const char **g)
{
	*g = dsng_test_guard(text, strlen(text));
	return dsng__ml_header(*g, strlen(text), l);
}

static void test_traditional_header(void **state)
{
	struct dsng__ml_line l;
	const char *g;

	(void)state;
	assert_int_equal(
	        header("Nov 29 01:12:14 mx postfix/smtpd[2101]: hello", &l, &g),
	        0);
	span_eq(l.time, "Nov 29 01:12:14");
	span_eq(l.host, "mx");
	span_eq(l.prog, "postfix/smtpd");
	span_eq(l.msg, "hello");
	assert_int_equal(l.exim_mainlog, 0);
	dsng_test_guard_free(g);
	/* space-padded day, no pid, priority prefix */
	assert_int_equal(header("<13>Nov  9 01:12:14 mx sendmail: x", &l, &g),
	                 0);
	span_eq(l.time, "Nov  9 01:12:14");
	span_eq(l.prog, "sendmail");
	span_eq(l.msg, "x");
	dsng_test_guard_free(g);
	/* no program tag at all: still a log line */
	assert_int_equal(
	        header("Nov 29 01:12:14 mx last message repeated 2 times", &l,
	               &g),
	        0);
	assert_null(l.prog.ptr);
	span_eq(l.msg, "last message repeated 2 times");
	dsng_test_guard_free(g);
}

static void test_rfc3339_and_5424_headers(void **state)
{
	struct dsng__ml_line l;
	const char *g;

	(void)state;
	assert_int_equal(
	        header("2026-11-29T01:12:14.123+00:00 mx postfix/qmgr[1]: "
	               "Q: removed",
	               &l, &g),
	        0);
	span_eq(l.time, "2026-11-29T01:12:14.123+00:00");
	span_eq(l.host, "mx");
	span_eq(l.prog, "postfix/qmgr");
	span_eq(l.msg, "Q: removed");
	dsng_test_guard_free(g);
	assert_int_equal(
	        header("<22>1 2026-11-29T02:00:00Z mx postfix/smtp 22 - "
	               "[a b=\"c d\"] msg text",
	               &l, &g),
	        0);
	span_eq(l.time, "2026-11-29T02:00:00Z");
	span_eq(l.prog, "postfix/smtp");
	span_eq(l.msg, "msg text");
	dsng_test_guard_free(g);
	assert_int_equal(
	        header("<22>1 2026-11-29T02:00:00Z mx app - - -", &l, &g), -1);
	dsng_test_guard_free(g);
}

static void test_exim_mainlog_header(void **state)
{
	struct dsng__ml_line l;
	const char *g;

	(void)state;
	assert_int_equal(
	        header("2026-11-29 03:00:01.123 +0100 [4711] 1vQfAb-000Jkl-2x "
	               "Completed",
	               &l, &g),
	        0);
	span_eq(l.time, "2026-11-29 03:00:01.123 +0100");
	assert_null(l.host.ptr);
	span_eq(l.msg, "1vQfAb-000Jkl-2x Completed");
	assert_int_equal(l.exim_mainlog, 1);
	dsng_test_guard_free(g);
}

static void test_garbage_headers(void **state)
{
	static const char *const bad[] = {
	        "garbage",
	        "Nov 29 01:1",
	        "Foo 29 01:12:14 mx a: b",
	        "Nov 29 1:12:14 mx a: b",
	        "Nov 29 01:12:14",
	        "2026-11-29X01:12:14 mx",
	        "2026-11-29T01:12 mx a: b",
	        "Nov 29 01:12:14 mx prog[123 unterminated",
	        "<22>1 short",
	};
	struct dsng__ml_line l;
	size_t i;

	(void)state;
	/* (an empty guarded buffer would sit on the guard page itself) */
	assert_int_equal(dsng__ml_header("", 0, &l), -1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *g = dsng_test_guard(bad[i], strlen(bad[i]));
		assert_int_equal(dsng__ml_header(g, strlen(bad[i]), &l), -1);
		dsng_test_guard_free(g);
	}
}

static void test_prog_names(void **state)
{
	struct dsng_span s;

	(void)state;
#define MTA(text) (s.ptr = text, s.len = strlen(text), dsng__ml_prog_mta(s))
	assert_int_equal(MTA("postfix/smtpd"), DSNG_MAILLOG_POSTFIX);
	assert_int_equal(MTA("postfix-out/smtp"), DSNG_MAILLOG_POSTFIX);
	assert_int_equal(MTA("postfixer"), DSNG_MAILLOG_UNKNOWN);
	assert_int_equal(MTA("sm-mta"), DSNG_MAILLOG_SENDMAIL);
	assert_int_equal(MTA("sm-msp-queue"), DSNG_MAILLOG_SENDMAIL);
	assert_int_equal(MTA("exim4"), DSNG_MAILLOG_EXIM);
	assert_int_equal(MTA("dovecot"), DSNG_MAILLOG_UNKNOWN);
#undef MTA
}

/* Read one line as its MTA would; the guarded copy lives until *g freed. */
static void fact(const char *text, struct dsng__ml_fact *f, const char **g)
{
	struct dsng__ml_line l;

	assert_int_equal(header(text, &l, g), 0);
	switch (l.exim_mainlog ? DSNG_MAILLOG_EXIM
	                       : dsng__ml_prog_mta(l.prog)) {
	case DSNG_MAILLOG_POSTFIX:
		dsng__ml_postfix(&l, f);
		break;
	case DSNG_MAILLOG_SENDMAIL:
		dsng__ml_sendmail(&l, f);
		break;
	case DSNG_MAILLOG_EXIM:
		dsng__ml_exim(&l, f);
		break;
	default:
		fail();
	}
}

static void test_postfix_lines(void **state)
{
	struct dsng__ml_fact f;
	const char *g;

	(void)state;
	fact("Nov 29 01:20:41 mx postfix/submission/smtpd[2201]: 3F1C2A72200: "
	     "client=laptop.example.test[192.0.2.50]:51514, sasl_method=PLAIN, "
	     "sasl_username=alice",
	     &f, &g);
	assert_int_equal(f.type, ML_CLIENT);
	span_eq(f.qid, "3F1C2A72200");
	span_eq(f.client_name, "laptop.example.test");
	span_eq(f.client_addr, "192.0.2.50");
	span_eq(f.client_port, "51514");
	span_eq(f.sasl, "alice");
	span_eq(f.service, "submission/smtpd");
	dsng_test_guard_free(g);

	fact("Nov 29 01:12:13 mx postfix/qmgr[1990]: B4D64A72101: from=<>, "
	     "size=2719, nrcpt=1 (queue active)",
	     &f, &g);
	assert_int_equal(f.type, ML_FROM);
	span_eq(f.addr, "");
	dsng_test_guard_free(g);

	fact("Nov 29 01:12:15 mx postfix/smtp[2108]: B9165A72091: "
	     "to=<victim@victim.example>, orig_to=<v@x>, "
	     "relay=mx.victim.example[192.0.2.25]:25, delay=0.9, dsn=2.0.0, "
	     "status=sent (250 2.0.0 Ok)",
	     &f, &g);
	assert_int_equal(f.type, ML_DELIVERY);
	span_eq(f.addr, "victim@victim.example");
	assert_int_equal(f.status, ML_ST_SENT);
	assert_int_equal(f.remote, 1);
	dsng_test_guard_free(g);

	fact("Nov 29 01:12:15 mx postfix/lmtp[2108]: B9165A72091: to=<a@b>, "
	     "relay=mail[private/dovecot-lmtp], dsn=2.0.0, status=sent (ok)",
	     &f, &g);
	assert_int_equal(f.remote, 0);
	dsng_test_guard_free(g);

	fact("Nov 29 05:25:20 mx postfix/bounce[2509]: 8C3D2A72500: sender "
	     "delay "
	     "notification: 8D4E5A72501",
	     &f, &g);
	assert_int_equal(f.type, ML_DSN);
	assert_int_equal(f.kind, DSNG_DSN_DELAY);
	span_eq(f.qid, "8C3D2A72500");
	span_eq(f.qid2, "8D4E5A72501");
	span_eq(f.text, "sender delay notification");
	assert_int_equal(f.postmaster, 0);
	dsng_test_guard_free(g);

	fact("Nov 29 05:25:20 mx postfix/bounce[2509]: 8C3D2A72500: postmaster "
	     "non-delivery notification: 8D4E5A72502",
	     &f, &g);
	assert_int_equal(f.kind, DSNG_DSN_FAILURE);
	assert_int_equal(f.postmaster, 1);
	dsng_test_guard_free(g);

	fact("Nov 29 05:25:20 mx postfix/qmgr[1990]: 8C3D2A72500: removed", &f,
	     &g);
	assert_int_equal(f.type, ML_REMOVED);
	dsng_test_guard_free(g);

	fact("Nov 29 01:13:02 mx postfix/smtpd[2101]: NOQUEUE: reject: RCPT "
	     "from "
	     "unknown[203.0.113.66]: 554 5.7.1 Relay access denied",
	     &f, &g);
	assert_int_equal(f.type, ML_NONE);
	dsng_test_guard_free(g);

	fact("Nov 29 01:31:05 mx postfix/pickup[1991]: 6A1F0A72400: uid=1000 "
	     "from=<bob>",
	     &f, &g);
	assert_int_equal(f.type, ML_CLIENT);
	span_eq(f.service, "pickup");
	assert_null(f.client_addr.ptr);
	dsng_test_guard_free(g);
}

static void test_sendmail_lines(void **state)
{
	struct dsng__ml_fact f;
	const char *g;

	(void)state;
	fact("Nov 29 02:00:09 mx sm-mta[3110]: 6AT2009c03110: "
	     "from=<victim@victim.example>, size=1502, class=0, nrcpts=2, "
	     "msgid=<a@b>, proto=ESMTP, daemon=MTA, "
	     "relay=dyn-66.spam.example [203.0.113.66] (may be forged)",
	     &f, &g);
	assert_int_equal(f.type, ML_FROM);
	span_eq(f.addr, "victim@victim.example");
	span_eq(f.client_name, "dyn-66.spam.example");
	span_eq(f.client_addr, "203.0.113.66");
	span_eq(f.service, "MTA");
	dsng_test_guard_free(g);

	fact("Nov 29 02:05:30 mx sendmail[3201]: 6AT25UYt03201: from=bob, "
	     "size=310, class=0, nrcpts=1, msgid=<x@y>, relay=bob@localhost",
	     &f, &g);
	span_eq(f.addr, "bob");
	span_eq(f.client_name, "bob@localhost");
	assert_null(f.client_addr.ptr);
	span_eq(f.service, "local");
	dsng_test_guard_free(g);

	fact("Nov 29 02:00:09 mx sm-mta[3111]: 6AT2009c03110: "
	     "to=<root@mx.example.test>,<postmaster@mx.example.test>, "
	     "delay=00:00:00, mailer=local, pri=61502, dsn=2.0.0, stat=Sent",
	     &f, &g);
	assert_int_equal(f.type, ML_DELIVERY);
	assert_int_equal(f.addr_list, 1);
	span_eq(f.addr, "<root@mx.example.test>,<postmaster@mx.example.test>");
	assert_int_equal(f.status, ML_ST_SENT);
	assert_int_equal(f.remote, 0);
	dsng_test_guard_free(g);

	fact("Nov 29 02:10:13 mx sm-mta[3302]: 6AT2ACKe03301: 6AT2ADKe03302: "
	     "DSN: "
	     "User unknown",
	     &f, &g);
	assert_int_equal(f.type, ML_DSN);
	assert_int_equal(f.kind, DSNG_DSN_FAILURE);
	span_eq(f.qid, "6AT2ACKe03301");
	span_eq(f.qid2, "6AT2ADKe03302");
	span_eq(f.text, "DSN: User unknown");
	dsng_test_guard_free(g);

	/* the shorter queue ids of sendmail before 8.12 */
	fact("Nov 29 02:30:00 mx sendmail[4120]: k1TAB3c04118: "
	     "k1TAB3d04120: DSN: Return receipt",
	     &f, &g);
	assert_int_equal(f.kind, DSNG_DSN_SUCCESS);
	dsng_test_guard_free(g);

	fact("Nov 29 06:15:40 mx sm-mta[3902]: 6AT2F0Xq03401: 6AT6FeXq03902: "
	     "sender notify: Warning: could not send message for past 4 hours",
	     &f, &g);
	assert_int_equal(f.kind, DSNG_DSN_DELAY);
	dsng_test_guard_free(g);

	fact("Nov 29 06:15:40 mx sm-mta[3902]: 6AT2F0Xq03401: 6AT6FeXq03902: "
	     "DSN: Warning: could not send message for past 4 hours",
	     &f, &g);
	assert_int_equal(f.kind, DSNG_DSN_DELAY);
	dsng_test_guard_free(g);

	fact("Nov 29 02:31:00 mx sendmail[4130]: k1TAB3e04122: "
	     "k1TAB4a04130: postmaster notify: Cannot send message for 5 days",
	     &f, &g);
	assert_int_equal(f.kind, DSNG_DSN_FAILURE);
	assert_int_equal(f.postmaster, 1);
	dsng_test_guard_free(g);

	fact("Nov 29 02:10:12 mx sm-mta[3301]: 6AT2ACKe03301: AUTH=server, "
	     "relay=laptop.example.test [192.0.2.50], authid=alice, "
	     "mech=PLAIN, "
	     "bits=0",
	     &f, &g);
	assert_int_equal(f.type, ML_CLIENT);
	span_eq(f.sasl, "alice");
	span_eq(f.client_addr, "192.0.2.50");
	dsng_test_guard_free(g);

	fact("Nov 29 02:10:13 mx sm-mta[3302]: 6AT2ACKe03301: "
	     "to=<g@r.example>, "
	     "mailer=esmtp, relay=mx.r.example. [198.51.100.30], dsn=4.0.0, "
	     "stat=Deferred: Connection timed out",
	     &f, &g);
	assert_int_equal(f.status, ML_ST_DEFERRED);
	dsng_test_guard_free(g);
}

static void test_exim_lines(void **state)
{
	struct dsng__ml_fact f;
	const char *g;

	(void)state;
	fact("2026-11-29 03:05:00 1vQfFg-000Jm1-0a <= alice@example.test "
	     "H=laptop.example.test (helo.example) [192.0.2.50]:51514 "
	     "I=[192.0.2.1]:587 P=esmtpsa A=dovecot_plain:alice S=2210",
	     &f, &g);
	assert_int_equal(f.type, ML_FROM);
	span_eq(f.addr, "alice@example.test");
	span_eq(f.client_name, "laptop.example.test");
	span_eq(f.client_addr, "192.0.2.50");
	span_eq(f.client_port, "51514");
	span_eq(f.sasl, "alice");
	span_eq(f.service, "esmtpsa");
	dsng_test_guard_free(g);

	fact("2026-11-29 03:00:01 1vQfAb-000Jkl-2x <= v@v.example "
	     "H=(spam.example) [203.0.113.66] P=esmtp S=1482",
	     &f, &g);
	assert_null(f.client_name.ptr);
	span_eq(f.client_addr, "203.0.113.66");
	dsng_test_guard_free(g);

	/* 4.97 ids are longer */
	fact("2026-11-29 03:05:01 1vQfFh-00000000Jm5-1bcd <= <> "
	     "R=1vQfFg-00000000Jm1-0abc U=Debian-exim P=local S=3620",
	     &f, &g);
	assert_int_equal(f.type, ML_DSN);
	assert_int_equal(f.infer_kind, 1);
	span_eq(f.qid, "1vQfFg-00000000Jm1-0abc");
	span_eq(f.qid2, "1vQfFh-00000000Jm5-1bcd");
	span_eq(f.text, "<= <> R=1vQfFg-00000000Jm1-0abc");
	dsng_test_guard_free(g);

	fact("2026-11-29 03:05:01 1vQfFh-000Jm5-1b => alice "
	     "<alice@example.test> "
	     "R=local_user T=mail_spool",
	     &f, &g);
	assert_int_equal(f.type, ML_DELIVERY);
	span_eq(f.addr, "alice@example.test");
	assert_int_equal(f.remote, 0);
	dsng_test_guard_free(g);

	fact("2026-11-29 03:00:02 1vQfAc-000Jkn-3y => v@v.example R=dnslookup "
	     "T=remote_smtp H=mx.v.example [192.0.2.25] C=\"250 ok\"",
	     &f, &g);
	assert_int_equal(f.remote, 1);
	dsng_test_guard_free(g);

	fact("2026-11-29 03:05:01 1vQfFg-000Jm1-0a ** gone@remote.example: "
	     "Unrouteable address",
	     &f, &g);
	assert_int_equal(f.status, ML_ST_BOUNCED);
	span_eq(f.addr, "gone@remote.example");
	dsng_test_guard_free(g);

	fact("2026-11-29 03:10:31 1vQfKa-000Jn2-4c == slow@slow.example "
	     "R=dnslookup T=remote_smtp defer (110): Connection timed out",
	     &f, &g);
	assert_int_equal(f.status, ML_ST_DEFERRED);
	dsng_test_guard_free(g);

	/* Exim logging to syslog: no date in the message */
	fact("Nov 29 03:05:01 mx exim[4711]: 1vQfFg-000Jm1-0a Completed", &f,
	     &g);
	assert_int_equal(f.type, ML_REMOVED);
	span_eq(f.qid, "1vQfFg-000Jm1-0a");
	dsng_test_guard_free(g);

	fact("2026-11-29 03:05:01 1vQfFg-000Jm1-0a Completed", &f, &g);
	assert_int_equal(f.type, ML_REMOVED);
	dsng_test_guard_free(g);

	fact("2026-11-29 03:02:15 H=(spam.example) [203.0.113.66] rejected "
	     "RCPT "
	     "<x@elsewhere.example>: relay not permitted",
	     &f, &g);
	assert_int_equal(f.type, ML_NONE);
	dsng_test_guard_free(g);

	fact("2026-11-29 03:02:15 1vQfFg-000Jm1 <= a@b", &f, &g);
	assert_int_equal(f.type, ML_NONE);
	dsng_test_guard_free(g);
}

/* Lines of the real Exim 4.96 logs in tests/data/exim/ (default
 * log_selector and +all). */
static void test_exim_real_lines(void **state)
{
	struct dsng__ml_fact f;
	const char *g;

	(void)state;
	/* a quoted local part with a space is one address */
	fact("2026-12-02 01:02:21 1xYYjl-0003gR-1K <= \"john "
	     "smith\"@example.test "
	     "H=(client.example.test) [127.0.0.1] P=esmtp S=357 "
	     "id=quoted@client.example.test",
	     &f, &g);
	assert_int_equal(f.type, ML_FROM);
	span_eq(f.addr, "\"john smith\"@example.test");
	assert_null(f.client_name.ptr);
	span_eq(f.client_addr, "127.0.0.1");
	assert_null(f.client_port.ptr);
	span_eq(f.service, "esmtp");
	dsng_test_guard_free(g);

	fact("2026-12-02 01:02:21.434 [14162] 1xYYjl-0003gQ-1I <= \"john "
	     "smith\"@example.test H=(client.example.test) [127.0.0.1]:54740 "
	     "I=[127.0.0.1]:56861 P=esmtp L.- S=368 M8S=0 RT=0.031s "
	     "id=quoted@client.example.test T=\"quoted\" from <\"john "
	     "smith\"@example.test> for fail2@example.test",
	     &f, &g);
	assert_int_equal(f.type, ML_FROM);
	span_eq(f.addr, "\"john smith\"@example.test");
	span_eq(f.client_addr, "127.0.0.1");
	span_eq(f.client_port, "54740");
	span_eq(f.service, "esmtp");
	dsng_test_guard_free(g);

	fact("2026-12-02 01:02:22 1xYYjm-0003ht-2v <= alice@example.test "
	     "H=(client.example.test) [127.0.0.1] P=esmtpa A=plain:alice "
	     "S=338 id=auth@client.example.test",
	     &f, &g);
	span_eq(f.sasl, "alice");
	span_eq(f.service, "esmtpa");
	dsng_test_guard_free(g);

	/* a local delivery: "local part <address>", the local part as is */
	fact("2026-12-02 01:02:21 1xYYjl-0003gV-1R => john smith <\"john "
	     "smith\"@example.test> R=local_user T=local_file",
	     &f, &g);
	assert_int_equal(f.type, ML_DELIVERY);
	assert_int_equal(f.status, ML_ST_SENT);
	span_eq(f.addr, "\"john smith\"@example.test");
	span_eq(f.dkey, "john smith <\"john smith\"@example.test>");
	assert_int_equal(f.remote, 0);
	dsng_test_guard_free(g);

	fact("2026-12-02 01:02:21.203 [14137] 1xYYjl-0003g0-0c => rcpt "
	     "<rcpt@example.test> F=<sender@example.test> "
	     "P=<sender@example.test> R=local_user T=local_file S=399 "
	     "QT=0.010s DT=0.003s",
	     &f, &g);
	span_eq(f.addr, "rcpt@example.test");
	span_eq(f.dkey, "rcpt <rcpt@example.test>");
	dsng_test_guard_free(g);

	fact("2026-12-02 01:02:22 1xYYjm-0003hN-1Z => rcpt@relay.test "
	     "R=relay_out T=relay_smtp H=127.0.0.1 [127.0.0.1] K C=\"250- 348 "
	     "byte chunk, total 348\\\\n250 OK id=1xYYjm-0003hV-1f\"",
	     &f, &g);
	span_eq(f.addr, "rcpt@relay.test");
	assert_int_equal(f.remote, 1);
	dsng_test_guard_free(g);

	fact("2026-12-02 01:02:21 1xYYjl-0003gy-2l ** fail3@example.test "
	     "F=<sender@example.test> R=fail_user: no such mailbox here "
	     "DT=0.000s",
	     &f, &g);
	assert_int_equal(f.status, ML_ST_BOUNCED);
	span_eq(f.addr, "fail3@example.test");
	dsng_test_guard_free(g);

	fact("2026-12-02 01:02:22 1xYYjm-0003hE-0t ** nobody@nowhere.test: "
	     "Unrouteable address",
	     &f, &g);
	span_eq(f.addr, "nobody@nowhere.test");
	span_eq(f.dkey, "nobody@nowhere.test");
	dsng_test_guard_free(g);

	/* NOTIFY=NEVER: a failure without a bounce */
	fact("2026-12-02 01:02:21 1xYYjl-0003gx-2k fail3@example.test: error "
	     "ignored: RFC 3461 DSN, failure notify not requested",
	     &f, &g);
	assert_int_equal(f.type, ML_DELIVERY);
	assert_int_equal(f.no_notice, 1);
	assert_int_equal(f.status, ML_ST_OTHER);
	span_eq(f.addr, "fail3@example.test");
	dsng_test_guard_free(g);

	fact("2026-12-02 01:02:24 1xYYjn-0003i8-1I == slow2@example.test "
	     "routing defer (-52): retry time not reached",
	     &f, &g);
	assert_int_equal(f.status, ML_ST_DEFERRED);
	span_eq(f.addr, "slow2@example.test");
	span_eq(f.dkey, "slow2@example.test");
	dsng_test_guard_free(g);

	/* +all: "Completed QT=" */
	fact("2026-12-02 01:02:21.240 [14147] 1xYYjl-0003g8-0i Completed "
	     "QT=0.019s",
	     &f, &g);
	assert_int_equal(f.type, ML_REMOVED);
	span_eq(f.qid, "1xYYjl-0003g8-0i");
	dsng_test_guard_free(g);

	/* notices: Exim's own subjects, or none */
	fact("2026-12-02 01:02:21.210 [14140] 1xYYjl-0003g4-0f <= <> "
	     "R=1xYYjl-0003g0-0c U=Debian-exim P=local S=1596 M8S=0 "
	     "RT=0.000s id*=E1xYYjl-0003g4-0f@mx.example.test T=\"Delivery "
	     "Status Notification\" from <> for sender@example.test",
	     &f, &g);
	assert_int_equal(f.type, ML_DSN);
	assert_int_equal(f.infer_kind, 1);
	assert_int_equal(f.kind, DSNG_DSN_SUCCESS);
	span_eq(f.qid, "1xYYjl-0003g0-0c");
	span_eq(f.qid2, "1xYYjl-0003g4-0f");
	span_eq(f.text, "<= <> R=1xYYjl-0003g0-0c");
	dsng_test_guard_free(g);

	fact("2026-12-02 01:02:21.223 [14144] 1xYYjl-0003g8-0i <= <> "
	     "R=1xYYjl-0003g0-0c U=Debian-exim P=local S=1606 M8S=0 "
	     "RT=0.001s id*=E1xYYjl-0003g8-0i@mx.example.test T=\"Mail "
	     "delivery failed: returning message to sender\" from <> for "
	     "sender@example.test",
	     &f, &g);
	assert_int_equal(f.kind, DSNG_DSN_FAILURE);
	dsng_test_guard_free(g);

	fact("2026-12-02 01:02:29.403 [15085] 1xYYjs-0003qf-2n <= <> "
	     "R=1xYYjn-0003i9-1J U=Debian-exim P=local S=2013 M8S=0 "
	     "RT=0.001s id*=E1xYYjs-0003qf-2n@mx.example.test T=\"Warning: "
	     "message 1xYYjn-0003i9-1J delayed 0 minutes\" from <> for "
	     "sender@example.test",
	     &f, &g);
	assert_int_equal(f.kind, DSNG_DSN_DELAY);
	dsng_test_guard_free(g);

	fact("2026-12-02 01:02:21 1xYYjl-0003gA-0j <= <> R=1xYYjl-0003g2-0e "
	     "U=Debian-exim P=local S=1580",
	     &f, &g);
	assert_int_equal(f.type, ML_DSN);
	assert_int_equal(f.kind, DSNG_DSN_OTHER);
	dsng_test_guard_free(g);
}

/* Free text (subjects, message ids, replies) does not pass for fields, and
 * addresses are not cut at their spaces. */
static void test_exim_fields_and_addresses(void **state)
{
	struct dsng__ml_fact f;
	const char *g;

	(void)state;
	/* a bounce from elsewhere whose subject looks like a notice's R= */
	fact("2026-12-02 01:00:00 1xYYaa-000001-AA <= <> H=mx.remote.example "
	     "[192.0.2.9] P=esmtp S=900 id=x@remote T=\"Re: R=1xYYjl-0003g0-0c "
	     "H=evil [10.0.0.1] P=evil\" from <> for a@example.test",
	     &f, &g);
	assert_int_equal(f.type, ML_FROM);
	span_eq(f.addr, "");
	span_eq(f.client_name, "mx.remote.example");
	span_eq(f.client_addr, "192.0.2.9");
	span_eq(f.service, "esmtp");
	dsng_test_guard_free(g);

	/* an address literal as HELO is not the client's address */
	fact("2026-12-02 01:00:00 1xYYaa-000001-AA <= a@example.test "
	     "H=([10.9.9.9]) [192.0.2.9]:4711 P=esmtp S=1",
	     &f, &g);
	assert_null(f.client_name.ptr);
	span_eq(f.client_addr, "192.0.2.9");
	span_eq(f.client_port, "4711");
	dsng_test_guard_free(g);
	fact("2026-12-02 01:00:00 1xYYaa-000001-AA <= a@example.test "
	     "H=mx.r.example ([10.9.9.9]) [2001:db8::5] P=esmtp S=1",
	     &f, &g);
	span_eq(f.client_name, "mx.r.example");
	span_eq(f.client_addr, "2001:db8::5");
	assert_null(f.client_port.ptr);
	dsng_test_guard_free(g);

	/* a rewritten subject is no subject */
	fact("2026-12-02 01:00:00 1xYYab-000002-AB <= <> R=1xYYaa-000001-AA "
	     "U=Debian-exim P=local S=1 T=\"Warning: message 1xYYaa-000001-AA "
	     "is late\"",
	     &f, &g);
	assert_int_equal(f.type, ML_DSN);
	assert_int_equal(f.kind, DSNG_DSN_OTHER);
	dsng_test_guard_free(g);

	/* quotes with escapes and brackets inside the local part */
	fact("2026-12-02 01:00:00 1xYYac-000003-AC <= \"a \\\" <b> c\"@x.test "
	     "H=[192.0.2.9]:25 P=smtp S=1",
	     &f, &g);
	span_eq(f.addr, "\"a \\\" <b> c\"@x.test");
	span_eq(f.client_addr, "192.0.2.9");
	span_eq(f.client_port, "25");
	dsng_test_guard_free(g);

	/* redirects and pipes: the original address in brackets */
	fact("2026-12-02 01:00:00 1xYYac-000003-AC => b@example.test "
	     "<a@example.test> R=alias T=remote_smtp H=h [192.0.2.7] C=\"250 "
	     "ok\"",
	     &f, &g);
	span_eq(f.addr, "a@example.test");
	span_eq(f.dkey, "b@example.test <a@example.test>");
	assert_int_equal(f.remote, 1);
	dsng_test_guard_free(g);

	fact("2026-12-02 01:00:00 1xYYac-000003-AC => |/usr/bin/procmail -d "
	     "user <user@example.test> R=userforward T=address_pipe",
	     &f, &g);
	span_eq(f.addr, "user@example.test");
	dsng_test_guard_free(g);

	/* a remote address with a quoted local part */
	fact("2026-12-02 01:00:00 1xYYac-000003-AC -> \"jane doe\"@r.example "
	     "R=dnslookup T=remote_smtp H=mx.r.example [192.0.2.7] "
	     "C=\"250 H=x [1.2.3.4]\"",
	     &f, &g);
	span_eq(f.addr, "\"jane doe\"@r.example");
	assert_int_equal(f.remote, 1);
	dsng_test_guard_free(g);

	/* a failure of a local delivery: "local part <address>:" */
	fact("2026-12-02 01:00:00 1xYYac-000003-AC ** jane doe <\"jane "
	     "doe\"@example.test>: mailbox is full",
	     &f, &g);
	assert_int_equal(f.status, ML_ST_BOUNCED);
	span_eq(f.addr, "\"jane doe\"@example.test");
	dsng_test_guard_free(g);

	fact("2026-12-02 01:00:00 1xYYac-000003-AC x@y <p@q>: error ignored",
	     &f, &g);
	assert_int_equal(f.no_notice, 1);
	span_eq(f.addr, "p@q");
	dsng_test_guard_free(g);

	/* not a message line Exim's reader uses */
	fact("2026-12-02 01:00:00 1xYYac-000003-AC Message is frozen", &f, &g);
	assert_int_equal(f.type, ML_NONE);
	dsng_test_guard_free(g);
	fact("2026-12-02 01:00:00 1xYYac-000003-AC Completedx", &f, &g);
	assert_int_equal(f.type, ML_NONE);
	dsng_test_guard_free(g);
}

static void test_helpers(void **state)
{
	struct dsng_span s = {"a x-to=1, to=<b@c>, y=2", 23}, v, n, a, p;

	(void)state;
	v = dsng__ml_value(s, "to=", ",");
	span_eq(v, "<b@c>");
	span_eq(dsng__ml_unangle(v), "b@c");
	span_eq(dsng__ml_value(s, "z=", ","), NULL);
	/* the '=' is found first: keys whose letters sit at the very start
	 * or end, a key cut off by the end, and each kind of stop */
	s.ptr = "to=a status=sent, relay=none,x";
	s.len = strlen(s.ptr);
	span_eq(dsng__ml_value(s, "to=", ","), "a status=sent");
	span_eq(dsng__ml_value(s, "status=", " ,"), "sent");
	span_eq(dsng__ml_value(s, "relay=", ","), "none");
	span_eq(dsng__ml_value(s, "relay=", ""), "none,x");
	span_eq(dsng__ml_value(s, "x", ""), "");
	span_eq(dsng__ml_value(s, "one", ""), NULL);
	s.len = 2; /* "to": the key does not fit */
	span_eq(dsng__ml_value(s, "to=", ","), NULL);
	s.ptr = "ato=1 T=\"smtp x\" y";
	s.len = strlen(s.ptr);
	span_eq(dsng__ml_value(s, "to=", ","), NULL);
	span_eq(dsng__ml_value(s, "T=\"", "\""), "smtp x");
	assert_true(dsng__ml_contains(s, "smtp"));
	assert_true(dsng__ml_contains(s, "ato"));
	assert_true(dsng__ml_contains(s, "\" y"));
	assert_false(dsng__ml_contains(s, " y "));
	assert_false(dsng__ml_contains(s, "smtpx"));
	s.len = 3; /* "ato": a word past the end is not found */
	assert_false(dsng__ml_contains(s, "ato="));
	s.ptr = NULL;
	s.len = 0;
	assert_false(dsng__ml_contains(s, "a"));
	span_eq(dsng__ml_value(s, "to=", ","), NULL);
	s.ptr = "[2001:db8::1]:587";
	s.len = strlen(s.ptr);
	assert_int_equal(dsng__ml_hostaddr(s, &n, &a, &p), 0);
	assert_null(n.ptr);
	span_eq(a, "2001:db8::1");
	span_eq(p, "587");
	s.ptr = "name[1.2.3.4";
	s.len = strlen(s.ptr);
	assert_int_equal(dsng__ml_hostaddr(s, &n, &a, &p), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_traditional_header),
	        cmocka_unit_test(test_rfc3339_and_5424_headers),
	        cmocka_unit_test(test_exim_mainlog_header),
	        cmocka_unit_test(test_garbage_headers),
	        cmocka_unit_test(test_prog_names),
	        cmocka_unit_test(test_postfix_lines),
	        cmocka_unit_test(test_sendmail_lines),
	        cmocka_unit_test(test_exim_lines),
	        cmocka_unit_test(test_exim_real_lines),
	        cmocka_unit_test(test_exim_fields_and_addresses),
	        cmocka_unit_test(test_helpers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
