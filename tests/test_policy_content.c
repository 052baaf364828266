/*
 * tests/test_policy_content.c - decisions after SMTP time: receipt
 * headers, the generate-DSN check, and incoming bounces (BATV, the
 * Message-ID callback, the returned Received chain).
 */
#include "dsng_test.h"
#include "policy_int.h"

static struct dsng_policy *config(TALLOC_CTX *mem, const char *text)
{
	struct dsng_policy *p;
	struct dsng_error err = DSNG_ERROR_INIT;

	if (dsng_policy_parse(mem, &p, text, strlen(text), "c.conf", NULL,
	                      &err))
		fail_msg("%s", err.message);
	return p;
}

static void untrusted(struct dsng_session *s)
{
	dsng_session_init(s);
	assert_int_equal(dsng_session_set_addr(s, "198.51.100.33", 13, NULL),
	                 0);
}

#define HDR(p, s, n, v, d)                                                     \
	dsng_policy_header(p, s, n, strlen(n), v, strlen(v), d)

static void test_headers_recommended(void **state)
{
	struct dsng_policy *p = config(*state, "");
	struct dsng_session s;
	struct dsng_decision d;

	untrusted(&s);
	assert_int_equal(HDR(p, &s, "disposition-notification-to",
	                     " spamvictim@victim.example", &d),
	                 0);
	assert_int_equal(d.action, DSNG_ACTION_STRIP);
	assert_int_equal(d.changed, 1);
	assert_string_equal(d.rule, "headers.action");
	assert_non_null(strstr(d.reason, "spamvictim@victim.example removed"));
	HDR(p, &s, "Return-Receipt-To", "x@y.example", &d);
	assert_int_equal(d.action, DSNG_ACTION_STRIP);
	HDR(p, &s, "X-Confirm-Reading-To", "x@y.example", &d);
	assert_int_equal(d.action, DSNG_ACTION_STRIP);
	HDR(p, &s, "Subject", "hello", &d);
	assert_int_equal(d.action, DSNG_ACTION_ACCEPT);
	assert_string_equal(d.rule, "headers.names");
	/* From a trusted client the request stays. */
	s.trusted = 1;
	HDR(p, &s, "Disposition-Notification-To", "boss@example.org", &d);
	assert_int_equal(d.action, DSNG_ACTION_ACCEPT);
	assert_string_equal(d.rule, "headers.receipts-from");
	/* Control bytes in the value are not copied into the reason. */
	s.trusted = 0;
	HDR(p, &s, "Read-Receipt-To", "a\r\nb\x01", &d);
	assert_non_null(strstr(d.reason, "a??b? removed"));
}

static void test_headers_flag_and_keep(void **state)
{
	struct dsng_policy *p =
	        config(*state, "[headers]\naction = flag\n"
	                       "flag-header = X-Receipt-Warn\n");
	struct dsng_session s;
	struct dsng_decision d;
	const char *g;

	untrusted(&s);
	g = dsng_test_guard("Return-Receipt-To", 17);
	assert_int_equal(dsng_policy_header(p, &s, g, 17, "a@b", 3, &d), 0);
	dsng_test_guard_free(g);
	assert_int_equal(d.action, DSNG_ACTION_FLAG);
	assert_string_equal(d.reply_text, "X-Receipt-Warn: receipt request "
	                                  "(Return-Receipt-To) from untrusted "
	                                  "client");
	p = config(*state, "[headers]\naction = keep\n");
	HDR(p, &s, "Return-Receipt-To", "a@b", &d);
	assert_int_equal(d.action, DSNG_ACTION_ACCEPT);
	assert_string_equal(d.rule, "headers.action");
	p = config(*state, "preset = permissive\n");
	HDR(p, &s, "Return-Receipt-To", "a@b", &d);
	assert_int_equal(d.action, DSNG_ACTION_ACCEPT);
	assert_int_equal(dsng_policy_header(p, &s, NULL, 3, "", 0, &d),
	                 DSNG_EINVAL);
}

static void test_generate(void **state)
{
	struct dsng_policy *rec = config(*state, "");
	struct dsng_policy *perm = config(*state, "preset = permissive\n");
	struct dsng_session s;
	struct dsng_decision d;

	untrusted(&s);
	/* A null sender never gets a DSN, under any policy. */
	assert_int_equal(
	        dsng_policy_generate(perm, &s, DSNG_DSN_FAILURE, 1, 0, &d), 0);
	assert_int_equal(d.action, DSNG_ACTION_NEVER);
	assert_string_equal(d.rule, "generate.null-sender");
	/* What the client asked for decides first. */
	dsng_policy_generate(perm, &s, DSNG_DSN_SUCCESS, 0, 0, &d);
	assert_int_equal(d.action, DSNG_ACTION_NEVER);
	dsng_policy_generate(perm, &s, DSNG_DSN_SUCCESS, 0, DSNG_NOTIFY_FAILURE,
	                     &d);
	assert_int_equal(d.action, DSNG_ACTION_NEVER);
	dsng_policy_generate(perm, &s, DSNG_DSN_FAILURE, 0, DSNG_NOTIFY_NEVER,
	                     &d);
	assert_int_equal(d.action, DSNG_ACTION_NEVER);
	dsng_policy_generate(perm, &s, DSNG_DSN_DELAY, 0, DSNG_NOTIFY_FAILURE,
	                     &d);
	assert_int_equal(d.action, DSNG_ACTION_NEVER);
	dsng_policy_generate(perm, &s, DSNG_DSN_FAILURE, 0, 0, &d);
	assert_int_equal(d.action, DSNG_ACTION_ACCEPT);
	assert_non_null(strstr(d.reason, "default without NOTIFY"));
	dsng_policy_generate(perm, &s, DSNG_DSN_DELAY, 0, 0, &d);
	assert_int_equal(d.action, DSNG_ACTION_ACCEPT);
	dsng_policy_generate(perm, &s, DSNG_DSN_SUCCESS, 0, DSNG_NOTIFY_SUCCESS,
	                     &d);
	assert_int_equal(d.action, DSNG_ACTION_ACCEPT);
	dsng_policy_generate(perm, &s, DSNG_DSN_RELAYED, 0, DSNG_NOTIFY_SUCCESS,
	                     &d);
	assert_int_equal(d.action, DSNG_ACTION_ACCEPT);

	/* Recommended: the last line of defence for untrusted clients. */
	dsng_policy_generate(rec, &s, DSNG_DSN_SUCCESS, 0, DSNG_NOTIFY_SUCCESS,
	                     &d);
	assert_int_equal(d.action, DSNG_ACTION_NEVER);
	assert_string_equal(d.rule, "rcpt.success-from");
	assert_int_equal(d.compliance, DSNG_COMPLIANT);
	dsng_policy_generate(rec, &s, DSNG_DSN_EXPANDED, 0, DSNG_NOTIFY_SUCCESS,
	                     &d);
	assert_int_equal(d.action, DSNG_ACTION_NEVER);
	/* Refusing after DSN was offered and the request accepted breaks RFC
	 * 3461, and the decision says so. */
	s.dsn_offered = 1;
	dsng_policy_generate(rec, &s, DSNG_DSN_SUCCESS, 0, DSNG_NOTIFY_SUCCESS,
	                     &d);
	assert_int_equal(d.compliance, DSNG_NOT_COMPLIANT);
	dsng_policy_generate(rec, &s, DSNG_DSN_FAILURE, 0, DSNG_NOTIFY_FAILURE,
	                     &d);
	assert_int_equal(d.action, DSNG_ACTION_ACCEPT);
	s.trusted = 1;
	dsng_policy_generate(rec, &s, DSNG_DSN_SUCCESS, 0, DSNG_NOTIFY_SUCCESS,
	                     &d);
	assert_int_equal(d.action, DSNG_ACTION_ACCEPT);
	assert_int_equal(
	        dsng_policy_generate(rec, &s, (enum dsng_dsn_kind)9, 0, 0, &d),
	        DSNG_EINVAL);
}

/* ---- bounces ---- */

static const char *bounce_conf = "[bounce]\n"
                                 "batv-key = 0:text:sekrit\n"
                                 "our-hosts = mx.example.net\n";

static int sent_yes(void *arg, const char *id, size_t len)
{
	(void)arg;
	return len == 20 && !memcmp(id, "<abc@mx.example.net>", 20) ? 1 : 0;
}

static int sent_unknown(void *arg, const char *id, size_t len)
{
	(void)arg;
	(void)id;
	(void)len;
	return -1;
}

static void test_bounce_not_a_bounce(void **state)
{
	struct dsng_policy *p = config(*state, bounce_conf);
	struct dsng_session s;
	struct dsng_bounce b;
	struct dsng_decision d;

	untrusted(&s);
	dsng_bounce_init(&b);
	assert_int_equal(b.version, DSNG_BOUNCE_VERSION);
	b.rcpt.ptr = "someone@example.net";
	b.rcpt.len = strlen(b.rcpt.ptr);
	assert_int_equal(dsng_policy_bounce(p, &s, &b, &d), 0);
	assert_int_equal(d.verdict, DSNG_BOUNCE_NOT_A_BOUNCE);
	assert_int_equal(d.action, DSNG_ACTION_ACCEPT);
}

static void test_bounce_batv(void **state)
{
	struct dsng_policy *p = config(*state, bounce_conf);
	struct dsng_batv_opts o;
	struct dsng_session s;
	struct dsng_bounce b;
	struct dsng_decision d;
	time_t now = 1700000000;
	char *tagged;

	untrusted(&s);
	dsng_batv_opts_init(&o, DSNG_BATV_OPTS_VERSION);
	o.keys = p->batv_keys;
	o.n_keys = p->n_batv_keys;
	assert_int_equal(dsng_batv_sign(*state, &tagged, "alice@example.net",
	                                17, now, &o, NULL),
	                 0);
	dsng_bounce_init(&b);
	b.null_sender = 1;
	b.now = now + 86400;
	b.rcpt.ptr = tagged;
	b.rcpt.len = strlen(tagged);
	dsng_policy_bounce(p, &s, &b, &d);
	assert_int_equal(d.verdict, DSNG_BOUNCE_LEGIT);
	assert_int_equal(d.evidence, DSNG_EVIDENCE_BATV_VALID);
	assert_int_equal(d.action, DSNG_ACTION_ACCEPT);
	assert_non_null(strstr(d.reason, "BATV valid"));

	/* Tampered: the hash no longer matches; backscatter, refused. */
	tagged[strlen("prvs=0000")] ^= 1;
	dsng_policy_bounce(p, &s, &b, &d);
	assert_int_equal(d.verdict, DSNG_BOUNCE_BACKSCATTER);
	assert_int_equal(d.evidence, DSNG_EVIDENCE_BATV_INVALID);
	assert_int_equal(d.action, DSNG_ACTION_REJECT);
	assert_int_equal(d.reply_code, 550);
	assert_string_equal(d.rule, "bounce.action");
	tagged[strlen("prvs=0000")] ^= 1;

	/* Expired beyond the window. */
	b.now = now + 40 * 86400;
	dsng_policy_bounce(p, &s, &b, &d);
	assert_int_equal(d.verdict, DSNG_BOUNCE_BACKSCATTER);
	assert_non_null(strstr(d.reason, "BATV expired"));

	/* Untagged: unknown, unless every sender is signed. */
	b.rcpt.ptr = "alice@example.net";
	b.rcpt.len = 17;
	dsng_policy_bounce(p, &s, &b, &d);
	assert_int_equal(d.verdict, DSNG_BOUNCE_UNKNOWN);
	assert_int_equal(d.evidence, DSNG_EVIDENCE_BATV_MISSING);
	p = config(*state, "[bounce]\nbatv-key = 0:text:sekrit\n"
	                   "batv-required = yes\naction = flag\n");
	dsng_policy_bounce(p, &s, &b, &d);
	assert_int_equal(d.verdict, DSNG_BOUNCE_BACKSCATTER);
	assert_int_equal(d.action, DSNG_ACTION_FLAG);
	assert_non_null(strstr(d.reason, "bounce.batv-required"));
	talloc_free(tagged);
}

static void test_bounce_msgid_and_received(void **state)
{
	struct dsng_policy *p = config(*state, bounce_conf);
	struct dsng_session s;
	struct dsng_bounce b;
	struct dsng_decision d;
	struct dsng_span rcv[2];

	untrusted(&s);
	dsng_bounce_init(&b);
	b.is_report = 1;
	b.sent = sent_yes;
	b.message_id.ptr = "<abc@mx.example.net>";
	b.message_id.len = 20;
	dsng_policy_bounce(p, &s, &b, &d);
	assert_int_equal(d.verdict, DSNG_BOUNCE_LEGIT);
	assert_int_equal(d.evidence, DSNG_EVIDENCE_MSGID_OURS);

	b.message_id.ptr = "<zzz@elsewhere.example>";
	b.message_id.len = 23;
	dsng_policy_bounce(p, &s, &b, &d);
	assert_int_equal(d.verdict, DSNG_BOUNCE_BACKSCATTER);
	assert_int_equal(d.evidence, DSNG_EVIDENCE_MSGID_FOREIGN);

	/* Our relay in the returned Received chain: legit.  Matching is by
	 * whole host name, so a look-alike does not count. */
	b.sent = sent_unknown;
	rcv[0].ptr = "from a.example by mx.example.net.evil.example with SMTP";
	rcv[0].len = strlen(rcv[0].ptr);
	rcv[1].ptr = "from x ([192.0.2.1]) by MX.Example.Net. with ESMTPS";
	rcv[1].len = strlen(rcv[1].ptr);
	b.received = rcv;
	b.n_received = 1;
	dsng_policy_bounce(p, &s, &b, &d);
	assert_int_equal(d.verdict, DSNG_BOUNCE_BACKSCATTER);
	assert_int_equal(d.evidence, DSNG_EVIDENCE_RECEIVED_FOREIGN);
	b.n_received = 2;
	dsng_policy_bounce(p, &s, &b, &d);
	assert_int_equal(d.verdict, DSNG_BOUNCE_LEGIT);
	assert_int_equal(d.evidence, DSNG_EVIDENCE_RECEIVED_OURS);
	assert_non_null(strstr(d.reason, "our host is in the returned"));

	/* Nothing to go on. */
	dsng_bounce_init(&b);
	b.null_sender = 1;
	p = config(*state, "");
	dsng_policy_bounce(p, &s, &b, &d);
	assert_int_equal(d.verdict, DSNG_BOUNCE_UNKNOWN);
	assert_int_equal(d.evidence, 0);
	assert_non_null(strstr(d.reason, "no BATV key set"));
	b.n_received = 1;
	assert_int_equal(dsng_policy_bounce(p, &s, &b, &d), DSNG_EINVAL);
}

static int sent_m42(void *arg, const char *id, size_t len)
{
	int *calls = arg;

	(*calls)++;
	return len == 22 && !memcmp(id, "<m42@out1.example.net>", 22) ? 1 : -1;
}

static void test_bounce_from_parsed_report(void **state)
{
	struct dsng_policy *p =
	        config(*state, "[bounce]\n"
	                       "our-hosts = out1.example.net\n");
	struct dsng_report *r;
	struct dsng_session s;
	struct dsng_bounce b;
	struct dsng_decision d;
	size_t len;
	char *msg = dsng_test_load(*state, "policy/bounce.eml", &len);
	int calls = 0;

	assert_int_equal(dsng_report_parse(*state, &r, msg, len, NULL, NULL),
	                 0);
	untrusted(&s);
	dsng_bounce_init(&b);
	b.null_sender = 1;
	assert_int_equal(dsng_bounce_from_report(*state, &b, r), 0);
	assert_int_equal(b.is_report, 1);
	assert_int_equal(b.n_received, 2);
	assert_int_equal(b.message_id.len, 22);
	dsng_policy_bounce(p, &s, &b, &d);
	assert_int_equal(d.verdict, DSNG_BOUNCE_LEGIT);
	assert_int_equal(d.evidence, DSNG_EVIDENCE_RECEIVED_OURS);
	b.sent = sent_m42;
	b.sent_arg = &calls;
	dsng_policy_bounce(p, &s, &b, &d);
	assert_int_equal(calls, 1);
	assert_int_equal(d.evidence, DSNG_EVIDENCE_RECEIVED_OURS |
	                                     DSNG_EVIDENCE_MSGID_OURS);
	/* A chain that never passed our hosts. */
	p = config(*state, "[bounce]\nour-hosts = mx.example.net\n");
	b.sent = NULL;
	dsng_policy_bounce(p, &s, &b, &d);
	assert_int_equal(d.verdict, DSNG_BOUNCE_BACKSCATTER);
	assert_int_equal(dsng_bounce_from_report(*state, NULL, r), DSNG_EINVAL);
}

/* Policies live on the test's context; free it whole. */
static int teardown(void **state)
{
	talloc_free(*state);
	return 0;
}

int main(void)
{
#define T(x) cmocka_unit_test_setup_teardown(x, dsng_test_setup_ctx, teardown)
	const struct CMUnitTest tests[] = {
	        T(test_headers_recommended),
	        T(test_headers_flag_and_keep),
	        T(test_generate),
	        T(test_bounce_not_a_bounce),
	        T(test_bounce_batv),
	        T(test_bounce_msgid_and_received),
	        T(test_bounce_from_parsed_report),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
