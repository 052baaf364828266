/*
 * tests/test_policy_content.c - decisions after SMTP time: receipt
 * headers, the generate-DSN check, and incoming bounces (BATV, the
 * Message-ID callback, the returned Received chain).
 */
#include "dsng_test.h"
#include "policy_int.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
/* talloc's memory limit is deprecated but still enforced: the one way to
 * make an allocation inside the library fail on purpose. */
static void limit_memory(TALLOC_CTX *ctx)
{
	assert_int_equal(talloc_set_memlimit(ctx, 1), 0);
}
#pragma GCC diagnostic pop

static struct dsng_policy *config(TALLOC_CTX *mem, const char *text)
{
	struct dsng_policy *p;
	struct dsng_error err = DSNG_ERROR_INIT;

	if (dsng_policy_parse(mem, &p, text, strlen(text), "c.conf", NULL,
	                      &err))
		fail_msg("%s", err.message);
	return p;
}

static void untrusted(struct dsng_policy_session *s)
{
	dsng_policy_session_init(s, DSNG_POLICY_SESSION_VERSION);
	assert_int_equal(
	        dsng_policy_session_set_addr(s, "198.51.100.33", 13, NULL), 0);
}

#define HDR(p, s, n, v, d)                                                     \
	dsng_policy_header(d, p, s, n, strlen(n), v, strlen(v), NULL)

static void test_headers_recommended(void **state)
{
	struct dsng_policy *p = config(*state, "");
	struct dsng_policy_session s;
	struct dsng_decision d = DSNG_DECISION_INIT;

	untrusted(&s);
	assert_int_equal(HDR(p, &s, "disposition-notification-to",
	                     " spamvictim@victim.example", &d),
	                 0);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_STRIP);
	assert_int_equal(d.changed, 1);
	assert_int_equal(d.changes, DSNG_POLICY_CHANGED_HEADER);
	assert_string_equal(d.rule, "headers.action");
	assert_non_null(strstr(d.reason, "spamvictim@victim.example removed"));
	HDR(p, &s, "Return-Receipt-To", "x@y.example", &d);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_STRIP);
	HDR(p, &s, "X-Confirm-Reading-To", "x@y.example", &d);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_STRIP);
	HDR(p, &s, "Subject", "hello", &d);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_ACCEPT);
	assert_int_equal(d.changes, 0);
	assert_string_equal(d.rule, "headers.names");
	/* From a trusted client the request stays. */
	s.trusted = 1;
	HDR(p, &s, "Disposition-Notification-To", "boss@example.org", &d);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_ACCEPT);
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
	struct dsng_policy_session s;
	struct dsng_decision d = DSNG_DECISION_INIT;
	const char *g;

	untrusted(&s);
	g = dsng_test_guard("Return-Receipt-To", 17);
	assert_int_equal(dsng_policy_header(&d, p, &s, g, 17, "a@b", 3, NULL),
	                 0);
	dsng_test_guard_free(g);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_FLAG);
	assert_int_equal(d.changes, DSNG_POLICY_CHANGED_HEADER);
	assert_string_equal(d.reply_text, "X-Receipt-Warn: receipt request "
	                                  "(Return-Receipt-To) from untrusted "
	                                  "client");
	p = config(*state, "[headers]\naction = keep\n");
	HDR(p, &s, "Return-Receipt-To", "a@b", &d);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_ACCEPT);
	assert_false(d.changed);
	assert_int_equal(d.changes, 0);
	assert_string_equal(d.rule, "headers.action");
	p = config(*state, "preset = permissive\n");
	HDR(p, &s, "Return-Receipt-To", "a@b", &d);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_ACCEPT);
	assert_int_equal(dsng_policy_header(&d, p, &s, NULL, 3, "", 0, NULL),
	                 DSNG_EINVAL);
}

static void test_generate(void **state)
{
	struct dsng_policy *rec = config(*state, "");
	struct dsng_policy *perm = config(*state, "preset = permissive\n");
	struct dsng_policy_session s;
	struct dsng_decision d = DSNG_DECISION_INIT;

	untrusted(&s);
	/* A null sender never gets a DSN, under any policy. */
	assert_int_equal(dsng_policy_generate(&d, perm, &s, DSNG_DSN_FAILURE,
	                                      true, 0, NULL),
	                 0);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_NEVER);
	assert_string_equal(d.rule, "generate.null-sender");
	/* What the client asked for decides first. */
	dsng_policy_generate(&d, perm, &s, DSNG_DSN_SUCCESS, false, 0, NULL);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_NEVER);
	dsng_policy_generate(&d, perm, &s, DSNG_DSN_SUCCESS, false,
	                     DSNG_NOTIFY_FAILURE, NULL);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_NEVER);
	dsng_policy_generate(&d, perm, &s, DSNG_DSN_FAILURE, false,
	                     DSNG_NOTIFY_NEVER, NULL);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_NEVER);
	dsng_policy_generate(&d, perm, &s, DSNG_DSN_DELAY, false,
	                     DSNG_NOTIFY_FAILURE, NULL);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_NEVER);
	dsng_policy_generate(&d, perm, &s, DSNG_DSN_FAILURE, false, 0, NULL);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_ACCEPT);
	assert_non_null(strstr(d.reason, "default without NOTIFY"));
	dsng_policy_generate(&d, perm, &s, DSNG_DSN_DELAY, false, 0, NULL);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_ACCEPT);
	dsng_policy_generate(&d, perm, &s, DSNG_DSN_SUCCESS, false,
	                     DSNG_NOTIFY_SUCCESS, NULL);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_ACCEPT);
	dsng_policy_generate(&d, perm, &s, DSNG_DSN_RELAYED, false,
	                     DSNG_NOTIFY_SUCCESS, NULL);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_ACCEPT);

	/* Recommended: the last line of defence for untrusted clients. */
	dsng_policy_generate(&d, rec, &s, DSNG_DSN_SUCCESS, false,
	                     DSNG_NOTIFY_SUCCESS, NULL);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_NEVER);
	assert_string_equal(d.rule, "rcpt.success-from");
	assert_int_equal(d.compliance, DSNG_POLICY_COMPLIANT);
	dsng_policy_generate(&d, rec, &s, DSNG_DSN_EXPANDED, false,
	                     DSNG_NOTIFY_SUCCESS, NULL);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_NEVER);
	/* Refusing after DSN was offered and the request accepted breaks RFC
	 * 3461, and the decision says so. */
	s.dsn_offered = 1;
	dsng_policy_generate(&d, rec, &s, DSNG_DSN_SUCCESS, false,
	                     DSNG_NOTIFY_SUCCESS, NULL);
	assert_int_equal(d.compliance, DSNG_POLICY_NOT_COMPLIANT);
	dsng_policy_generate(&d, rec, &s, DSNG_DSN_FAILURE, false,
	                     DSNG_NOTIFY_FAILURE, NULL);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_ACCEPT);
	s.trusted = 1;
	dsng_policy_generate(&d, rec, &s, DSNG_DSN_SUCCESS, false,
	                     DSNG_NOTIFY_SUCCESS, NULL);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_ACCEPT);
	assert_int_equal(dsng_policy_generate(&d, rec, &s,
	                                      (enum dsng_dsn_kind)9, false, 0,
	                                      NULL),
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
	struct dsng_policy_session s;
	struct dsng_policy_bounce_info b;
	struct dsng_decision d = DSNG_DECISION_INIT;

	untrusted(&s);
	dsng_policy_bounce_info_init(&b, DSNG_POLICY_BOUNCE_INFO_VERSION);
	assert_int_equal(b.version, DSNG_POLICY_BOUNCE_INFO_VERSION);
	b.rcpt.ptr = "someone@example.net";
	b.rcpt.len = strlen(b.rcpt.ptr);
	assert_int_equal(dsng_policy_bounce(&d, p, &s, &b, NULL), 0);
	assert_int_equal(d.verdict, DSNG_POLICY_VERDICT_NOT_A_BOUNCE);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_ACCEPT);
}

static void test_bounce_batv(void **state)
{
	struct dsng_policy *p = config(*state, bounce_conf);
	struct dsng_batv_opts o;
	struct dsng_policy_session s;
	struct dsng_policy_bounce_info b;
	struct dsng_decision d = DSNG_DECISION_INIT;
	time_t now = 1700000000;
	char *tagged;

	untrusted(&s);
	dsng_batv_opts_init(&o, DSNG_BATV_OPTS_VERSION);
	o.keys = p->batv_keys;
	o.n_keys = p->n_batv_keys;
	assert_int_equal(dsng_batv_sign(*state, &tagged, "alice@example.net",
	                                17, now, &o, NULL),
	                 0);
	dsng_policy_bounce_info_init(&b, DSNG_POLICY_BOUNCE_INFO_VERSION);
	b.null_sender = true;
	b.now = now + 86400;
	b.rcpt.ptr = tagged;
	b.rcpt.len = strlen(tagged);
	dsng_policy_bounce(&d, p, &s, &b, NULL);
	assert_int_equal(d.verdict, DSNG_POLICY_VERDICT_LEGIT);
	assert_int_equal(d.evidence, DSNG_POLICY_EVIDENCE_BATV_VALID);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_ACCEPT);
	assert_non_null(strstr(d.reason, "BATV valid"));

	/* Tampered: the hash no longer matches; backscatter, refused. */
	tagged[strlen("prvs=0000")] ^= 1;
	dsng_policy_bounce(&d, p, &s, &b, NULL);
	assert_int_equal(d.verdict, DSNG_POLICY_VERDICT_BACKSCATTER);
	assert_int_equal(d.evidence, DSNG_POLICY_EVIDENCE_BATV_INVALID);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_REJECT);
	assert_int_equal(d.reply_code, 550);
	assert_string_equal(d.rule, "bounce.action");
	tagged[strlen("prvs=0000")] ^= 1;

	/* Expired beyond the window. */
	b.now = now + 40 * 86400;
	dsng_policy_bounce(&d, p, &s, &b, NULL);
	assert_int_equal(d.verdict, DSNG_POLICY_VERDICT_BACKSCATTER);
	assert_non_null(strstr(d.reason, "BATV expired"));

	/* Untagged: unknown, unless every sender is signed. */
	b.rcpt.ptr = "alice@example.net";
	b.rcpt.len = 17;
	dsng_policy_bounce(&d, p, &s, &b, NULL);
	assert_int_equal(d.verdict, DSNG_POLICY_VERDICT_UNKNOWN);
	assert_int_equal(d.evidence, DSNG_POLICY_EVIDENCE_BATV_MISSING);
	p = config(*state, "[bounce]\nbatv-key = 0:text:sekrit\n"
	                   "batv-required = yes\naction = flag\n");
	dsng_policy_bounce(&d, p, &s, &b, NULL);
	assert_int_equal(d.verdict, DSNG_POLICY_VERDICT_BACKSCATTER);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_FLAG);
	assert_int_equal(d.changes, DSNG_POLICY_CHANGED_HEADER);
	assert_non_null(strstr(d.reason, "bounce.batv-required"));
	talloc_free(tagged);
}

static void test_bounce_msgid_and_received(void **state)
{
	struct dsng_policy *p = config(*state, bounce_conf);
	struct dsng_policy_session s;
	struct dsng_policy_bounce_info b;
	struct dsng_decision d = DSNG_DECISION_INIT;
	struct dsng_span rcv[2];

	untrusted(&s);
	dsng_policy_bounce_info_init(&b, DSNG_POLICY_BOUNCE_INFO_VERSION);
	b.is_report = true;
	b.sent = sent_yes;
	b.message_id.ptr = "<abc@mx.example.net>";
	b.message_id.len = 20;
	dsng_policy_bounce(&d, p, &s, &b, NULL);
	assert_int_equal(d.verdict, DSNG_POLICY_VERDICT_LEGIT);
	assert_int_equal(d.evidence, DSNG_POLICY_EVIDENCE_MSGID_OURS);

	b.message_id.ptr = "<zzz@elsewhere.example>";
	b.message_id.len = 23;
	dsng_policy_bounce(&d, p, &s, &b, NULL);
	assert_int_equal(d.verdict, DSNG_POLICY_VERDICT_BACKSCATTER);
	assert_int_equal(d.evidence, DSNG_POLICY_EVIDENCE_MSGID_FOREIGN);

	/* Our relay in the returned Received chain: legit.  Matching is by
	 * whole host name, so a look-alike does not count. */
	b.sent = sent_unknown;
	rcv[0].ptr = "from a.example by mx.example.net.evil.example with SMTP";
	rcv[0].len = strlen(rcv[0].ptr);
	rcv[1].ptr = "from x ([192.0.2.1]) by MX.Example.Net. with ESMTPS";
	rcv[1].len = strlen(rcv[1].ptr);
	b.received = rcv;
	b.n_received = 1;
	dsng_policy_bounce(&d, p, &s, &b, NULL);
	assert_int_equal(d.verdict, DSNG_POLICY_VERDICT_BACKSCATTER);
	assert_int_equal(d.evidence, DSNG_POLICY_EVIDENCE_RECEIVED_FOREIGN);
	b.n_received = 2;
	dsng_policy_bounce(&d, p, &s, &b, NULL);
	assert_int_equal(d.verdict, DSNG_POLICY_VERDICT_LEGIT);
	assert_int_equal(d.evidence, DSNG_POLICY_EVIDENCE_RECEIVED_OURS);
	assert_non_null(strstr(d.reason, "our host is in the returned"));

	/* Nothing to go on. */
	dsng_policy_bounce_info_init(&b, DSNG_POLICY_BOUNCE_INFO_VERSION);
	b.null_sender = true;
	p = config(*state, "");
	dsng_policy_bounce(&d, p, &s, &b, NULL);
	assert_int_equal(d.verdict, DSNG_POLICY_VERDICT_UNKNOWN);
	assert_int_equal(d.evidence, 0);
	assert_non_null(strstr(d.reason, "no BATV key set"));
	b.n_received = 1;
	assert_int_equal(dsng_policy_bounce(&d, p, &s, &b, NULL), DSNG_EINVAL);
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
	struct dsng_policy_session s;
	struct dsng_policy_bounce_info b;
	struct dsng_decision d = DSNG_DECISION_INIT;
	size_t len;
	char *msg = dsng_test_load(*state, "policy/bounce.eml", &len);
	int calls = 0;

	assert_int_equal(dsng_report_parse(*state, &r, msg, len, NULL, NULL),
	                 0);
	untrusted(&s);
	dsng_policy_bounce_info_init(&b, DSNG_POLICY_BOUNCE_INFO_VERSION);
	b.null_sender = true;
	assert_int_equal(
	        dsng_policy_bounce_info_from_report(*state, &b, r, NULL), 0);
	assert_int_equal(b.is_report, 1);
	assert_int_equal(b.n_received, 2);
	assert_int_equal(b.message_id.len, 22);
	dsng_policy_bounce(&d, p, &s, &b, NULL);
	assert_int_equal(d.verdict, DSNG_POLICY_VERDICT_LEGIT);
	assert_int_equal(d.evidence, DSNG_POLICY_EVIDENCE_RECEIVED_OURS);
	b.sent = sent_m42;
	b.sent_arg = &calls;
	dsng_policy_bounce(&d, p, &s, &b, NULL);
	assert_int_equal(calls, 1);
	assert_int_equal(d.evidence, DSNG_POLICY_EVIDENCE_RECEIVED_OURS |
	                                     DSNG_POLICY_EVIDENCE_MSGID_OURS);
	/* A chain that never passed our hosts. */
	p = config(*state, "[bounce]\nour-hosts = mx.example.net\n");
	b.sent = NULL;
	dsng_policy_bounce(&d, p, &s, &b, NULL);
	assert_int_equal(d.verdict, DSNG_POLICY_VERDICT_BACKSCATTER);
}

static void test_bounce_info_from_report_errors(void **state)
{
	struct dsng_policy_bounce_info b = DSNG_POLICY_BOUNCE_INFO_INIT;
	struct dsng_error err = DSNG_ERROR_INIT;
	struct dsng_report *r;
	size_t len;
	char *msg = dsng_test_load(*state, "policy/bounce.eml", &len);
	TALLOC_CTX *tiny;

	assert_int_equal(dsng_report_parse(*state, &r, msg, len, NULL, NULL),
	                 0);
	assert_int_equal(
	        dsng_policy_bounce_info_from_report(*state, NULL, r, &err),
	        DSNG_EINVAL);
	assert_int_equal(err.kind, DSNG_ERR_INVALID_ARGUMENT);
	assert_int_equal(
	        dsng_policy_bounce_info_from_report(*state, &b, NULL, &err),
	        DSNG_EINVAL);
	b.version = DSNG_POLICY_BOUNCE_INFO_VERSION + 1;
	assert_int_equal(
	        dsng_policy_bounce_info_from_report(*state, &b, r, &err),
	        DSNG_EINVAL);
	assert_false(b.is_report); /* untouched */
	b.version = DSNG_POLICY_BOUNCE_INFO_VERSION;
	/* A message that is no report: nothing returned. */
	{
		static const char plain[] = "From: a@example.org\r\n"
		                            "Subject: hi\r\n\r\nbody\r\n";
		struct dsng_report *pr;

		assert_int_equal(dsng_report_parse(*state, &pr, plain,
		                                   sizeof(plain) - 1, NULL,
		                                   NULL),
		                 0);
		b.is_report = true;
		assert_int_equal(dsng_policy_bounce_info_from_report(*state, &b,
		                                                     pr, &err),
		                 0);
		assert_false(b.is_report);
		assert_null(b.message_id.ptr);
		assert_null(b.received);
		talloc_free(pr);
	}
	/* Returned headers without a Received chain. */
	{
		char *noreceived = talloc_strdup(*state, msg);
		char *at = strstr(noreceived, "Received: from out1");
		char *end = strstr(noreceived, "Message-ID: <m42@");
		struct dsng_report *nr;

		memmove(at, end, strlen(end) + 1);
		assert_int_equal(dsng_report_parse(*state, &nr, noreceived,
		                                   strlen(noreceived), NULL,
		                                   NULL),
		                 0);
		assert_int_equal(dsng_policy_bounce_info_from_report(*state, &b,
		                                                     nr, &err),
		                 0);
		assert_true(b.is_report);
		assert_int_equal(b.message_id.len, 22);
		assert_null(b.received);
		assert_int_equal(b.n_received, 0);
		talloc_free(nr);
		talloc_free(noreceived);
	}
	/* Out of memory for the array of Received spans. */
	tiny = talloc_new(*state);
	limit_memory(tiny);
	assert_int_equal(dsng_policy_bounce_info_from_report(tiny, &b, r, &err),
	                 DSNG_ENOMEM);
	assert_int_equal(err.kind, DSNG_ERR_NOMEM);
	assert_null(b.received);
	talloc_free(tiny);
	talloc_free(r);
	talloc_free(msg);
}

static void test_bounce_info_init_versions(void **state)
{
	struct dsng_policy_bounce_info b, fill;
	const struct dsng_policy_bounce_info init =
	        DSNG_POLICY_BOUNCE_INFO_INIT;
	unsigned v;

	(void)state;
	for (v = 1; v <= DSNG_POLICY_BOUNCE_INFO_VERSION; v++) {
		memset(&b, 0xa5, sizeof(b));
		assert_int_equal(dsng_policy_bounce_info_init(&b, v), 0);
		assert_int_equal(b.version, v);
		assert_false(b.null_sender);
		assert_false(b.is_report);
		assert_null(b.rcpt.ptr);
		assert_int_equal(b.rcpt.len, 0);
		assert_null(b.message_id.ptr);
		assert_null(b.received);
		assert_int_equal(b.n_received, 0);
		assert_null(b.sent);
		assert_null(b.sent_arg);
		assert_int_equal(b.now, 0);
	}
	assert_int_equal(init.version, DSNG_POLICY_BOUNCE_INFO_VERSION);
	assert_null(init.received);
	memset(&fill, 0xa5, sizeof(fill));
	b = fill;
	assert_int_equal(dsng_policy_bounce_info_init(&b, 0), DSNG_EINVAL);
	assert_int_equal(dsng_policy_bounce_info_init(
	                         &b, DSNG_POLICY_BOUNCE_INFO_VERSION + 1),
	                 DSNG_EINVAL);
	assert_memory_equal(&b, &fill, sizeof(b));
	assert_int_equal(dsng_policy_bounce_info_init(
	                         NULL, DSNG_POLICY_BOUNCE_INFO_VERSION),
	                 DSNG_EINVAL);
}

/* The decisions after SMTP time refuse structs of unknown versions and
 * bad arguments, leaving the decision alone. */
static void test_content_unknown_versions(void **state)
{
	static const unsigned bad[] = {0, DSNG_DECISION_VERSION + 1};
	struct dsng_policy *p = config(*state, bounce_conf);
	struct dsng_policy_session s;
	struct dsng_policy_bounce_info b = DSNG_POLICY_BOUNCE_INFO_INIT;
	struct dsng_decision d = DSNG_DECISION_INIT;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t i;

	untrusted(&s);
	b.null_sender = true;
	for (i = 0; i < 2; i++) {
		d.version = bad[i];
		strcpy(d.reason, "untouched");
		assert_int_equal(dsng_policy_header(&d, p, &s, "Subject", 7,
		                                    "x", 1, &err),
		                 DSNG_EINVAL);
		assert_string_equal(err.message,
		                    "unknown dsng_decision version");
		assert_int_equal(dsng_policy_generate(&d, p, &s,
		                                      DSNG_DSN_FAILURE, false,
		                                      0, &err),
		                 DSNG_EINVAL);
		assert_int_equal(dsng_policy_bounce(&d, p, &s, &b, &err),
		                 DSNG_EINVAL);
		assert_string_equal(d.reason, "untouched");
	}
	d.version = DSNG_DECISION_VERSION;
	/* A bounce description of an unknown version. */
	for (i = 0; i < 2; i++) {
		b.version = i ? DSNG_POLICY_BOUNCE_INFO_VERSION + 1 : 0;
		assert_int_equal(dsng_policy_bounce(&d, p, &s, &b, &err),
		                 DSNG_EINVAL);
		assert_string_equal(err.message,
		                    "unknown dsng_policy_bounce_info version");
		assert_string_equal(d.reason, "untouched");
	}
	b.version = DSNG_POLICY_BOUNCE_INFO_VERSION;
	assert_int_equal(dsng_policy_bounce(&d, p, &s, NULL, &err),
	                 DSNG_EINVAL);
	b.rcpt.len = 3;
	assert_int_equal(dsng_policy_bounce(&d, p, &s, &b, &err), DSNG_EINVAL);
	b.rcpt.len = 0;
	/* A session of an unknown version. */
	s.version = 0;
	assert_int_equal(dsng_policy_generate(&d, p, &s, DSNG_DSN_FAILURE,
	                                      false, 0, &err),
	                 DSNG_EINVAL);
	assert_int_equal(
	        dsng_policy_header(&d, p, &s, "Subject", 7, "x", 1, &err),
	        DSNG_EINVAL);
	s.version = DSNG_POLICY_SESSION_VERSION;
	assert_int_equal(
	        dsng_policy_generate(&d, p, &s, DSNG_DSN_OTHER, false, 0, &err),
	        DSNG_EINVAL);
	assert_string_equal(err.message, "not a kind of DSN");
	assert_string_equal(d.reason, "untouched");
	assert_int_equal(dsng_policy_bounce(&d, p, &s, &b, &err), 0);
	assert_int_equal(d.verdict, DSNG_POLICY_VERDICT_UNKNOWN);
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
	        T(test_bounce_info_from_report_errors),
	        cmocka_unit_test(test_bounce_info_init_versions),
	        T(test_content_unknown_versions),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
