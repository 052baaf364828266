/*
 * tests/test_maillog_exim.c - Exim main logs through the whole scanner:
 * the real Exim 4.96 logs of tests/data/exim/ (made by tests/mta/exim/)
 * with every notice's kind, envelope and client, with and without the
 * subjects of log_selector +subject, and the kinds the delivery run gives
 * when the log leaves them open: a success notice before a bounce of the
 * same message whichever way the lines interleave, a notice held until
 * the run is over (Completed, the next run, time, the end), "error
 * ignored" failures, and later runs.
 */
#include "dsng_maillog_scan.h"
#include "dsng_test.h"

#define S DSNG_DSN_SUCCESS
#define F DSNG_DSN_FAILURE
#define D DSNG_DSN_DELAY
#define R DSNG_DSN_RELAYED

/* Feed text line by line (so the events can be watched as they come). */
static struct dsng_maillog *start(TALLOC_CTX *mem,
                                  const struct dsng_maillog_opts *opts)
{
	struct dsng_maillog *s;
	struct dsng_error err = DSNG_ERROR_INIT;

	assert_int_equal(dsng_maillog_new(mem, &s, opts, &err), 0);
	return s;
}

static void feed(struct dsng_maillog *s, const char *text)
{
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t len = strlen(text);
	const char *g = dsng_test_guard(text, len);

	assert_int_equal(dsng_maillog_feed(s, g, len, &err), 0);
	dsng_test_guard_free(g);
}

static struct dsng_test_scan *finish(struct dsng_maillog *s,
                                     struct dsng_test_scan *r)
{
	struct dsng_error err = DSNG_ERROR_INIT;

	assert_int_equal(dsng_maillog_finish(s, &err), 0);
	dsng_test_scan_take(s, r, r);
	assert_int_equal(dsng_maillog_summary(r, &r->sum, s, &err), 0);
	talloc_free(s);
	return r;
}

static struct dsng_test_scan *scan_text(TALLOC_CTX *mem, const char *text)
{
	struct dsng_test_scan *r = talloc_zero(mem, struct dsng_test_scan);
	struct dsng_maillog *s = start(r, NULL);

	feed(s, text);
	dsng_test_scan_take(s, r, r);
	return finish(s, r);
}

static void str_eq(const char *got, const char *want)
{
	if (!want)
		assert_null(got);
	else
		assert_string_equal(got, want);
}

/* One expected notice of a real log: kind, original and notice ids, where
 * it went, the original's sender and recipients ("a|b"), client port,
 * SASL user, service. */
struct want {
	enum dsng_dsn_kind kind;
	const char *orig, *dsn, *to, *from, *rcpts, *port, *sasl, *service;
};

static void check_events(const struct dsng_test_scan *r, const struct want *w,
                         size_t n)
{
	size_t i, j;

	assert_int_equal(r->n, n);
	for (i = 0; i < n; i++) {
		const struct dsng_maillog_event *e = r->ev[i];
		char *rc = talloc_strdup(NULL, "");

		assert_int_equal(e->mta, DSNG_MAILLOG_EXIM);
		if (e->kind != w[i].kind)
			fail_msg("event %zu (%s -> %s): kind %s, want %s", i,
			         e->orig_queue_id, e->dsn_queue_id,
			         dsng_maillog_kind_name(e->kind),
			         dsng_maillog_kind_name(w[i].kind));
		str_eq(e->orig_queue_id, w[i].orig);
		str_eq(e->dsn_queue_id, w[i].dsn);
		str_eq(e->to, w[i].to);
		str_eq(e->orig_from, w[i].from);
		for (j = 0; j < e->n_orig_rcpts; j++)
			rc = talloc_asprintf_append(rc, "%s%s", j ? "|" : "",
			                            e->orig_rcpts[j]);
		str_eq(rc, w[i].rcpts);
		talloc_free(rc);
		/* the client: 127.0.0.1, no verified name ("(helo) [addr]") */
		str_eq(e->client_addr, "127.0.0.1");
		str_eq(e->client_name, NULL);
		str_eq(e->client_port, w[i].port);
		str_eq(e->sasl_username, w[i].sasl);
		str_eq(e->service, w[i].service);
		str_eq(e->host, NULL);
	}
}

#define SE "sender@example.test"
#define JOHN "\"john smith\"@example.test"
#define TRIPLE_RCPTS "slow2@example.test|fail5@example.test|rcpt4@example.test"

static const struct want default_log[] = {
        {S, "1xYYjl-0003g2-0e", "1xYYjl-0003gA-0j", SE, SE,
         "fail1@example.test|rcpt@example.test", NULL, NULL, "esmtp"},
        {F, "1xYYjl-0003g2-0e", "1xYYjl-0003gD-0l", SE, SE,
         "fail1@example.test|rcpt@example.test", NULL, NULL, "esmtp"},
        {F, "1xYYjl-0003gR-1K", "1xYYjl-0003gV-1R", JOHN, JOHN,
         "fail2@example.test", NULL, NULL, "esmtp"},
        {S, "1xYYjl-0003ga-24", "1xYYjl-0003gg-29", SE, SE,
         "rcpt2@example.test", NULL, NULL, "esmtp"},
        {S, "1xYYjm-0003h3-0D", "1xYYjm-0003h8-0I", SE, SE,
         "fail4@example.test|rcpt3@example.test", NULL, NULL, "esmtp"},
        {F, "1xYYjm-0003hE-0t", "1xYYjm-0003hI-0w", SE, SE,
         "nobody@nowhere.test", NULL, NULL, "esmtp"},
        {R, "1xYYjm-0003hN-1Z", "1xYYjm-0003hY-1g", SE, SE, "rcpt@relay.test",
         NULL, NULL, "esmtp"},
        {S, "1xYYjm-0003hg-2F", "1xYYjm-0003hl-2J", SE, SE,
         "\"jane doe\"@example.test", NULL, NULL, "esmtp"},
        {F, "1xYYjm-0003ht-2v", "1xYYjm-0003hw-2y", "alice@example.test",
         "alice@example.test", "fail6@example.test", NULL, "alice", "esmtpa"},
        {S, "1xYYjn-0003i8-1I", "1xYYjn-0003iE-1N", SE, SE, TRIPLE_RCPTS, NULL,
         NULL, "esmtp"},
        {F, "1xYYjn-0003i8-1I", "1xYYjn-0003iI-1P", SE, SE, TRIPLE_RCPTS, NULL,
         NULL, "esmtp"},
        {D, "1xYYjn-0003i4-0M", "1xYYjs-0003rD-3B", SE, SE, "slow@example.test",
         NULL, NULL, "esmtp"},
        {D, "1xYYjn-0003i8-1I", "1xYYjt-0003rH-03", SE, SE, TRIPLE_RCPTS, NULL,
         NULL, "esmtp"},
};

static const struct want all_log[] = {
        {S, "1xYYjl-0003g0-0c", "1xYYjl-0003g4-0f", SE, SE,
         "fail1@example.test|rcpt@example.test", "54728", NULL, "esmtp"},
        {F, "1xYYjl-0003g0-0c", "1xYYjl-0003g8-0i", SE, SE,
         "fail1@example.test|rcpt@example.test", "54728", NULL, "esmtp"},
        {F, "1xYYjl-0003gQ-1I", "1xYYjl-0003gU-1R", JOHN, JOHN,
         "fail2@example.test", "54740", NULL, "esmtp"},
        {S, "1xYYjl-0003gb-25", "1xYYjl-0003gh-2C", SE, SE,
         "rcpt2@example.test", "54742", NULL, "esmtp"},
        {S, "1xYYjm-0003h1-0C", "1xYYjm-0003h7-0H", SE, SE,
         "fail4@example.test|rcpt3@example.test", "54758", NULL, "esmtp"},
        {F, "1xYYjm-0003hD-0t", "1xYYjm-0003hH-0w", SE, SE,
         "nobody@nowhere.test", "54768", NULL, "esmtp"},
        {R, "1xYYjm-0003hO-1Z", "1xYYjm-0003hX-1g", SE, SE, "rcpt@relay.test",
         "54776", NULL, "esmtp"},
        {S, "1xYYjm-0003hf-2F", "1xYYjm-0003hm-2J", SE, SE,
         "\"jane doe\"@example.test", "54792", NULL, "esmtp"},
        {F, "1xYYjm-0003hs-2v", "1xYYjm-0003hx-2y", "alice@example.test",
         "alice@example.test", "fail6@example.test", "54802", "alice",
         "esmtpa"},
        {S, "1xYYjn-0003i9-1J", "1xYYjn-0003iF-1N", SE, SE, TRIPLE_RCPTS,
         "54816", NULL, "esmtp"},
        {F, "1xYYjn-0003i9-1J", "1xYYjn-0003iJ-1Q", SE, SE, TRIPLE_RCPTS,
         "54816", NULL, "esmtp"},
        {D, "1xYYjn-0003i5-0N", "1xYYjs-0003qb-2j", SE, SE, "slow@example.test",
         "54804", NULL, "esmtp"},
        {D, "1xYYjn-0003i9-1J", "1xYYjs-0003qf-2n", SE, SE, TRIPLE_RCPTS,
         "54816", NULL, "esmtp"},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void check_summary(const struct dsng_maillog_summary *s)
{
	assert_int_equal(s->events, 13);
	assert_int_equal(s->by_kind[S], 5);
	assert_int_equal(s->by_kind[F], 5);
	assert_int_equal(s->by_kind[D], 2);
	assert_int_equal(s->by_kind[R], 1);
	assert_int_equal(s->garbage, 0);
	assert_int_equal(s->n_by_client, 1);
	str_eq(s->by_client[0]->key, "127.0.0.1");
	/* "esmtp" is the protocol, not the client's name */
	str_eq(s->by_client[0]->name, NULL);
	assert_int_equal(s->by_client[0]->count, 13);
	assert_int_equal(s->by_client[0]->receipts, 6);
	assert_int_equal(s->n_by_recipient, 3);
	str_eq(s->by_recipient[0]->key, SE);
	str_eq(s->by_recipient[1]->key, JOHN);
	str_eq(s->by_recipient[2]->key, "alice@example.test");
}

static void test_real_default_log(void **state)
{
	size_t len;
	char *text =
	        dsng_test_load(*state, "exim/exim-4.96-gen-default.log", &len);
	struct dsng_test_scan *r = scan_text(*state, text);

	check_events(r, default_log, N(default_log));
	check_summary(r->sum);
	assert_int_equal(r->sum->lines, 143);
	talloc_free(r);
	talloc_free(text);
}

static void test_real_all_log(void **state)
{
	size_t len;
	char *text = dsng_test_load(*state, "exim/exim-4.96-gen-all.log", &len);
	struct dsng_test_scan *r = scan_text(*state, text);

	check_events(r, all_log, N(all_log));
	check_summary(r->sum);
	talloc_free(r);
	talloc_free(text);
}

/* The +all log without its subjects: the runs alone must give the same
 * kinds (here the success notice of "mixed" is delivered and gone before
 * the bounce is even submitted). */
static void test_real_all_log_without_subjects(void **state)
{
	size_t len, i, o = 0;
	char *text = dsng_test_load(*state, "exim/exim-4.96-gen-all.log", &len);
	char *cut = talloc_size(*state, len + 1);
	struct dsng_test_scan *r;

	assert_non_null(cut);
	for (i = 0; i < len;) {
		if (!strncmp(text + i, " T=\"", 4)) {
			/* to the closing quote before " from <" */
			char *end = strstr(text + i, "\" from <");
			char *nl = strchr(text + i, '\n');
			assert_non_null(end);
			assert_true(!nl || end < nl);
			i = (size_t)(end - text) + 1;
			continue;
		}
		cut[o++] = text[i++];
	}
	cut[o] = 0;
	assert_null(strstr(cut, "T=\"Delivery Status"));
	r = scan_text(*state, cut);
	check_events(r, all_log, N(all_log));
	check_summary(r->sum);
	talloc_free(r);
	talloc_free(cut);
	talloc_free(text);
}

/* Lines of the default log of "mixed", in the other order Exim may write
 * them: the success notice delivered before the bounce is submitted. */
#define MIXED_ARRIVAL                                                          \
	"2026-12-02 01:02:21 1xYYjl-0003g2-0e <= sender@example.test "         \
	"H=(client.example.test) [127.0.0.1] P=esmtp S=337 "                   \
	"id=mixed@client.example.test\n"                                       \
	"2026-12-02 01:02:21 1xYYjl-0003g2-0e ** fail1@example.test "          \
	"R=fail_user: no such mailbox here\n"                                  \
	"2026-12-02 01:02:21 1xYYjl-0003g2-0e => rcpt <rcpt@example.test> "    \
	"R=local_user T=local_file\n"
#define NOTICE_1                                                               \
	"2026-12-02 01:02:21 1xYYjl-0003gA-0j <= <> R=1xYYjl-0003g2-0e "       \
	"U=Debian-exim P=local S=1580\n"
#define NOTICE_1_DONE                                                          \
	"2026-12-02 01:02:21 1xYYjl-0003gA-0j => sender "                      \
	"<sender@example.test> R=local_user T=local_file\n"                    \
	"2026-12-02 01:02:21 1xYYjl-0003gA-0j Completed\n"
#define NOTICE_2                                                               \
	"2026-12-02 01:02:21 1xYYjl-0003gD-0l <= <> R=1xYYjl-0003g2-0e "       \
	"U=Debian-exim P=local S=1600\n"
#define NOTICE_2_DONE                                                          \
	"2026-12-02 01:02:22 1xYYjl-0003gD-0l => sender "                      \
	"<sender@example.test> R=local_user T=local_file\n"                    \
	"2026-12-02 01:02:22 1xYYjl-0003gD-0l Completed\n"
#define MIXED_DONE "2026-12-02 01:02:21 1xYYjl-0003g2-0e Completed\n"

static size_t ready(struct dsng_maillog *s, struct dsng_test_scan *r)
{
	dsng_test_scan_take(s, r, r);
	return r->n;
}

static void test_success_then_failure_any_order(void **state)
{
	struct dsng_test_scan *r = talloc_zero(*state, struct dsng_test_scan);
	struct dsng_maillog *s = start(r, NULL);

	feed(s, MIXED_ARRIVAL NOTICE_1 NOTICE_1_DONE);
	/* delivered, but held: a bounce may still follow */
	assert_int_equal(ready(s, r), 0);
	feed(s, NOTICE_2);
	assert_int_equal(ready(s, r), 1);
	assert_int_equal(r->ev[0]->kind, S);
	str_eq(r->ev[0]->dsn_queue_id, "1xYYjl-0003gA-0j");
	feed(s, MIXED_DONE NOTICE_2_DONE);
	assert_int_equal(ready(s, r), 2);
	assert_int_equal(r->ev[1]->kind, F);
	finish(s, r);
	talloc_free(r);
}

static void test_one_notice_is_the_bounce(void **state)
{
	struct dsng_test_scan *r = talloc_zero(*state, struct dsng_test_scan);
	struct dsng_maillog *s = start(r, NULL);

	/* deliveries and failures, one notice: NOTIFY=SUCCESS was not asked
	 * for; it waits for the run's end, then is the bounce */
	feed(s, MIXED_ARRIVAL NOTICE_1 NOTICE_1_DONE);
	assert_int_equal(ready(s, r), 0);
	feed(s, MIXED_DONE);
	assert_int_equal(ready(s, r), 1);
	assert_int_equal(r->ev[0]->kind, F);
	finish(s, r);
	talloc_free(r);

	/* no "Completed" (the log ends, or a line a minute later) */
	r = scan_text(*state, MIXED_ARRIVAL NOTICE_1 NOTICE_1_DONE);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->ev[0]->kind, F);
	talloc_free(r);
	r = talloc_zero(*state, struct dsng_test_scan);
	s = start(r, NULL);
	feed(s, MIXED_ARRIVAL NOTICE_1 NOTICE_1_DONE
	     "2026-12-02 01:03:20 1xYYkk-0003zz-00 Completed\n");
	assert_int_equal(ready(s, r), 0);
	feed(s, "2026-12-02 01:03:21 1xYYkk-0003zz-00 Completed\n");
	assert_int_equal(ready(s, r), 1);
	assert_int_equal(r->ev[0]->kind, F);
	finish(s, r);
	talloc_free(r);
}

static void test_error_ignored_leaves_the_success(void **state)
{
	struct dsng_test_scan *r = talloc_zero(*state, struct dsng_test_scan);
	struct dsng_maillog *s = start(r, NULL);

	/* never_ok of the real log: the "error ignored" line comes after the
	 * notice and says no bounce will follow */
	feed(s, "2026-12-02 01:02:22 1xYYjm-0003h3-0D <= sender@example.test "
	        "H=(client.example.test) [127.0.0.1] P=esmtp S=347 "
	        "id=never_ok@client.example.test\n"
	        "2026-12-02 01:02:22 1xYYjm-0003h3-0D ** fail4@example.test "
	        "R=fail_user: no such mailbox here\n"
	        "2026-12-02 01:02:22 1xYYjm-0003h3-0D => rcpt3 "
	        "<rcpt3@example.test> R=local_user T=local_file\n"
	        "2026-12-02 01:02:22 1xYYjm-0003h8-0I <= <> R=1xYYjm-0003h3-0D "
	        "U=Debian-exim P=local S=1515\n"
	        "2026-12-02 01:02:22 1xYYjm-0003h8-0I => sender "
	        "<sender@example.test> R=local_user T=local_file\n");
	assert_int_equal(ready(s, r), 0);
	feed(s,
	     "2026-12-02 01:02:22 1xYYjm-0003h3-0D fail4@example.test: error "
	     "ignored: RFC 3461 DSN, failure notify not requested\n");
	assert_int_equal(ready(s, r), 1);
	assert_int_equal(r->ev[0]->kind, S);
	finish(s, r);
	talloc_free(r);
}

static void test_later_runs(void **state)
{
	struct dsng_test_scan *r;

	/* First attempt: delivered and deferred: the notice cannot be a
	 * warning yet.  Next run: the deferred address again (a new run),
	 * a warning. */
	r = scan_text(
	        *state,
	        "2026-12-02 01:00:00 1xYYaa-000001-AA <= s@example.test "
	        "H=(c) [192.0.2.1] P=esmtp S=1\n"
	        "2026-12-02 01:00:00 1xYYaa-000001-AA == slow@example.test "
	        "R=slow_user defer (-1): busy\n"
	        "2026-12-02 01:00:00 1xYYaa-000001-AA => a <a@example.test> "
	        "R=local_user T=local_file\n"
	        "2026-12-02 01:00:00 1xYYab-000002-AB <= <> "
	        "R=1xYYaa-000001-AA U=Debian-exim P=local S=2\n"
	        "2026-12-02 01:00:30 1xYYaa-000001-AA == slow@example.test "
	        "routing defer (-52): retry time not reached\n"
	        "2026-12-02 01:30:00 1xYYaa-000001-AA == slow@example.test "
	        "R=slow_user defer (-1): busy\n"
	        "2026-12-02 01:30:00 1xYYac-000003-AC <= <> "
	        "R=1xYYaa-000001-AA U=Debian-exim P=local S=3\n"
	        "2026-12-02 02:00:00 1xYYaa-000001-AA => slow "
	        "<slow@example.test> R=local_user T=local_file\n"
	        "2026-12-02 02:00:00 1xYYad-000004-AD <= <> "
	        "R=1xYYaa-000001-AA U=Debian-exim P=local S=4\n"
	        "2026-12-02 02:00:00 1xYYaa-000001-AA Completed\n");
	assert_int_equal(r->n, 3);
	assert_int_equal(r->ev[0]->kind, S);
	assert_int_equal(r->ev[1]->kind, D);
	assert_int_equal(r->ev[2]->kind, S);
	str_eq(r->ev[2]->orig_rcpts[0], "slow@example.test");
	talloc_free(r);

	/* a log that starts in the middle: no "<=" seen, a deferral and a
	 * notice is a warning */
	r = scan_text(
	        *state,
	        "2026-12-02 05:00:00 1xYYaa-000001-AA == slow@example.test "
	        "R=slow_user defer (-1): busy\n"
	        "2026-12-02 05:00:00 1xYYac-000003-AC <= <> "
	        "R=1xYYaa-000001-AA U=Debian-exim P=local S=3\n");
	assert_int_equal(r->n, 1);
	assert_int_equal(r->ev[0]->kind, D);
	talloc_free(r);

	/* and with nothing at all about the original, the log cannot say */
	r = scan_text(*state, "2026-12-02 05:00:00 1xYYac-000003-AC <= <> "
	                      "R=1xYYaa-000001-AA U=Debian-exim P=local S=3\n");
	assert_int_equal(r->n, 1);
	assert_int_equal(r->ev[0]->kind, DSNG_DSN_OTHER);
	talloc_free(r);
}

static void test_subjects_decide(void **state)
{
	/* one notice after deliveries and failures, its subject says it is
	 * the success notice (a bounce then must have been suppressed) */
	struct dsng_test_scan *r = scan_text(
	        *state, MIXED_ARRIVAL
	        "2026-12-02 01:02:21 1xYYjl-0003gA-0j <= <> R=1xYYjl-0003g2-0e "
	        "U=Debian-exim P=local S=1580 id*=E1xYYjl-0003gA-0j@mx "
	        "T=\"Delivery Status Notification\" from <> for "
	        "sender@example.test\n" MIXED_DONE);

	assert_int_equal(r->n, 1);
	assert_int_equal(r->ev[0]->kind, S);
	talloc_free(r);
	/* a rewritten subject says nothing: the run decides */
	r = scan_text(*state, MIXED_ARRIVAL
	              "2026-12-02 01:02:21 1xYYjl-0003gA-0j <= <> "
	              "R=1xYYjl-0003g2-0e U=Debian-exim P=local S=1580 "
	              "T=\"Undeliverable: mixed\"\n" MIXED_DONE);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->ev[0]->kind, F);
	talloc_free(r);
}

static void test_held_notices_and_limits(void **state)
{
	struct dsng_maillog_opts opts;
	struct dsng_test_scan *r = talloc_zero(*state, struct dsng_test_scan);
	struct dsng_maillog *s;

	/* max_pending 1: a held notice is let go to make room; evicting the
	 * original settles it too.  Nothing may leak or dangle. */
	dsng_maillog_opts_init(&opts, DSNG_MAILLOG_OPTS_VERSION);
	opts.max_pending = 1;
	opts.max_tracked = 2;
	s = start(r, &opts);
	feed(s, MIXED_ARRIVAL NOTICE_1 NOTICE_1_DONE NOTICE_2 NOTICE_2_DONE
	                MIXED_DONE);
	feed(s, MIXED_ARRIVAL NOTICE_1);
	feed(s, "2026-12-02 01:02:21 1xYYzz-000001-AA <= a@b H=(c) [192.0.2.1] "
	        "P=esmtp S=1\n"
	        "2026-12-02 01:02:21 1xYYzz-000002-AA <= a@b H=(c) [192.0.2.1] "
	        "P=esmtp S=1\n"
	        "2026-12-02 01:02:21 1xYYzz-000003-AA <= a@b H=(c) [192.0.2.1] "
	        "P=esmtp S=1\n");
	dsng_test_scan_take(s, r, r);
	finish(s, r);
	assert_int_equal(r->n, 3);
	assert_int_equal(r->sum->evicted > 0, 1);
	talloc_free(r);
}

/* The delivery-run state of never-finishing Exim messages stays within
 * max_tracked and its byte budget: the records and their runs are
 * evicted, least recently seen first. */
static void test_runs_stay_bounded(void **state)
{
	struct dsng_maillog_opts opts;
	struct dsng_test_scan *r = talloc_zero(*state, struct dsng_test_scan);
	struct dsng_maillog *s;
	size_t i, peak = 0;

	dsng_maillog_opts_init(&opts, DSNG_MAILLOG_OPTS_VERSION);
	opts.max_tracked = 500;
	s = start(r, &opts);
	for (i = 0; i < 5000; i++) {
		char *l =
		        talloc_asprintf(r,
		                        "2026-12-02 01:00:00 1x%04zX-%06zu-AA "
		                        "<= s%zu@example.test "
		                        "H=(c) [192.0.2.1] P=esmtp S=1\n"
		                        "2026-12-02 01:00:00 1x%04zX-%06zu-AA "
		                        "== a%zu@example.test "
		                        "R=slow_user defer (-1): busy\n"
		                        "2026-12-02 01:00:00 1x%04zX-%06zu-AA "
		                        "== b%zu@example.test "
		                        "R=slow_user defer (-1): busy\n",
		                        i, i, i, i, i, i, i, i, i);
		assert_non_null(l);
		feed(s, l);
		talloc_free(l);
		if (talloc_total_size(s) > peak)
			peak = talloc_total_size(s);
	}
	/* 500 records of 256 bytes, their runs (about 350 bytes each) and
	 * spilled strings, the hash table and the scanner */
	assert_true(peak < 500 * (256 + 96 + 384) + 300000);
	finish(s, r);
	assert_int_equal(r->sum->evicted, 5000 - 500);
	talloc_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_real_default_log,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_real_all_log,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(
	                test_real_all_log_without_subjects, dsng_test_setup_ctx,
	                dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(
	                test_success_then_failure_any_order,
	                dsng_test_setup_ctx, dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_one_notice_is_the_bounce,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(
	                test_error_ignored_leaves_the_success,
	                dsng_test_setup_ctx, dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_later_runs,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_subjects_decide,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_held_notices_and_limits,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_runs_stay_bounded,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
