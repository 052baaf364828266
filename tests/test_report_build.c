/*
 * tests/test_report_build.c - the report writer: every field given comes
 * back through dsng_report_parse with no problems (a generated matrix of
 * kinds, RET values, line ends, UTF-8 addresses, ORCPT forms, long
 * diagnostics and many recipients), the NOTIFY rules, the policy's veto,
 * returned content and its truncation, determinism, errors.
 */
#include <stdio.h>
#include <stdlib.h>

#include "dsng_test.h"

#define NOW INT64_C(1795916700) /* Sun, 29 Nov 2026 01:45:00 +0000 */

/* ---- helpers -------------------------------------------------------- */

static struct dsng_report_build_rcpt *rcpt(TALLOC_CTX *mem, const char *addr,
                                           enum dsng_dsn_kind action,
                                           unsigned notify)
{
	struct dsng_report_build_rcpt *r =
	        talloc(mem, struct dsng_report_build_rcpt);

	assert_non_null(r);
	assert_int_equal(
	        dsng_report_build_rcpt_init(r, DSNG_REPORT_BUILD_RCPT_VERSION),
	        0);
	r->addr = addr;
	r->action = action;
	r->notify = notify;
	return r;
}

static void spec_init(struct dsng_report_build_spec *s, const char *from,
                      struct dsng_report_build_rcpt **rs, size_t n)
{
	assert_int_equal(
	        dsng_report_build_spec_init(s, DSNG_REPORT_BUILD_SPEC_VERSION),
	        0);
	s->reporting_mta = "mx.example.test";
	s->envelope_from = from;
	s->recipients = (const struct dsng_report_build_rcpt *const *)rs;
	s->n_recipients = n;
}

static struct dsng_report_build_opts opts_now(bool no_policy)
{
	struct dsng_report_build_opts o = DSNG_REPORT_BUILD_OPTS_INIT;

	o.has_now = true;
	o.now = NOW;
	o.no_policy = no_policy;
	return o;
}

/* Every line ends as asked and is within 998 octets. */
static void check_lines(const char *p, size_t len, bool crlf)
{
	size_t i = 0;

	while (i < len) {
		const char *nl = memchr(p + i, '\n', len - i);
		size_t end, n;

		assert_non_null(nl);
		end = (size_t)(nl - p);
		n = end - i;
		if (crlf) {
			assert_true(n > 0 && p[end - 1] == '\r');
			n--;
		}
		assert_null(memchr(p + i, '\r', n));
		assert_true(n <= 998);
		i = end + 1;
	}
}

static struct dsng_report *
parse_back(TALLOC_CTX *mem, const struct dsng_report_build_result *res,
           bool crlf)
{
	struct dsng_report *r = NULL;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t i;

	assert_int_equal(res->outcome, DSNG_REPORT_BUILD_WRITTEN);
	assert_non_null(res->data);
	assert_int_equal(strlen(res->data), res->len);
	check_lines(res->data, res->len, crlf);
	assert_int_equal(
	        dsng_report_parse(mem, &r, res->data, res->len, NULL, &err),
	        DSNG_OK);
	for (i = 0; i < r->n_problems; i++)
		print_message("problem: %s at %zu: %s\n", r->problems[i].field,
		              r->problems[i].offset, r->problems[i].message);
	assert_int_equal(r->n_problems, 0);
	assert_false(r->truncated);
	assert_int_equal(r->kind, DSNG_REPORT_DSN);
	assert_int_equal(r->global, res->global);
	assert_string_equal(r->report_type, res->global
	                                            ? "global-delivery-status"
	                                            : "delivery-status");
	return r;
}

static bool has(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; i + n <= len; i++)
		if (!memcmp(hay + i, needle, n))
			return true;
	return false;
}

static bool nonascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return true;
	return false;
}

/* ---- the round-trip matrix ------------------------------------------ */

enum style { ASCII, UTF8_RCPT, UTF8_ORCPT, UTF8_SENDER, N_STYLES };

static const enum dsng_dsn_kind kinds[] = {
        DSNG_DSN_FAILURE, DSNG_DSN_DELAY,    DSNG_DSN_SUCCESS,
        DSNG_DSN_RELAYED, DSNG_DSN_EXPANDED, DSNG_DSN_OTHER /* mixed */};

static const char *status_of(enum dsng_dsn_kind k)
{
	switch (k) {
	case DSNG_DSN_FAILURE:
		return "5.1.1";
	case DSNG_DSN_DELAY:
		return "4.4.1";
	case DSNG_DSN_SUCCESS:
		return "2.1.5";
	case DSNG_DSN_RELAYED:
		return "2.0.0";
	default:
		return "2.1.5";
	}
}

static const char *original_ascii =
        "Return-Path: <sender@example.org>\n"
        "Received: from client.example.org (client.example.org "
        "[192.0.2.66])\n\tby mx.example.test with ESMTP id 4711;\n"
        "\tSun, 29 Nov 2026 01:44:00 +0000\n"
        "From: Sender <sender@example.org>\n"
        "To: rcpt@example.test\n"
        "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?= from the matrix\n"
        "Date: Sun, 29 Nov 2026 01:43:59 +0000\n"
        "Message-ID: <matrix.1@example.org>\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "\n"
        "Hello,\n"
        "this is the body.\n"
        "--not-a-boundary\n";

static const char *original_utf8 = "From: Jörg <joerg@example.org>\r\n"
                                   "To: rcpt@example.test\r\n"
                                   "Subject: Grüße ✉\r\n"
                                   "Message-ID: <matrix.2@example.org>\r\n"
                                   "\r\n"
                                   "Grüße aus Köln\r\n";

struct expect {
	const char *final_type, *final_addr;
	const char *orcpt_type, *orcpt_addr;
	const char *diag; /* as written */
	const char *status;
	enum dsng_dsn_kind action;
	bool remote;
	int64_t last, retry;
	const char *log_id;
};

/* The diagnostic as the writer says it outside the global form. */
static char *ascii_only(TALLOC_CTX *mem, const char *s)
{
	char *d = talloc_strdup(mem, s);
	size_t i = 0, o = 0;

	for (; s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80)
			d[o++] = (char)c;
		else if (c >= 0xC0)
			d[o++] = '?';
	}
	d[o] = 0;
	return d;
}

static char *long_diag(TALLOC_CTX *mem, size_t words)
{
	char *s = talloc_strdup(mem, "550-5.1.1 The email account that you "
	                             "tried to reach does not exist.");
	size_t i;

	for (i = 0; i < words; i++)
		s = talloc_asprintf_append(s, " word%zu", i);
	return s;
}

static void one_case(TALLOC_CTX *mem, unsigned idx, enum dsng_dsn_kind kind,
                     enum dsng_ret ret, enum style style, bool crlf)
{
	TALLOC_CTX *t = talloc_new(mem);
	static const size_t counts[] = {1, 3, 120};
	size_t n = counts[idx % 3], i;
	unsigned diag_variant = idx % 4;
	struct dsng_report_build_rcpt **rs =
	        talloc_array(t, struct dsng_report_build_rcpt *, n);
	struct expect *ex = talloc_zero_array(t, struct expect, n);
	struct dsng_report_build_spec spec;
	struct dsng_report_build_opts o = opts_now(true);
	struct dsng_report_build_result *res = NULL;
	struct dsng_report *r;
	struct dsng_error err = DSNG_ERROR_INIT;
	const char *from = style == UTF8_SENDER ? "<sénder@exämple.org>"
	                                        : "<sender@example.org>";
	const char *original = (idx % 5 == 4) ? original_utf8 : original_ascii;
	bool any_failed = false, global = style == UTF8_SENDER ||
	                                  style == UTF8_RCPT ||
	                                  original == original_utf8;

	for (i = 0; i < n; i++) {
		enum dsng_dsn_kind k =
		        kind == DSNG_DSN_OTHER ? kinds[i % 5] : kind;
		const char *addr;
		char *a;

		if (style == UTF8_RCPT && i % 2 == 0)
			addr = talloc_asprintf(t, "jörg.%zu@bücher.test", i);
		else if (i % 3 == 1)
			addr = talloc_asprintf(
			        t, "\"quoted user %zu\"@example.test", i);
		else
			addr = talloc_asprintf(t, "o'brien+tag%zu@Example.TEST",
			                       i);
		rs[i] = rcpt(t, i % 2 ? talloc_asprintf(t, "<%s>", addr) : addr,
		             k, DSNG_NOTIFY_BIT(k));
		rs[i]->status = status_of(k);
		ex[i].action = k;
		ex[i].status = status_of(k);
		ex[i].final_addr = addr;
		ex[i].final_type = nonascii(addr) ? "utf-8" : "rfc822";
		if (k == DSNG_DSN_FAILURE)
			any_failed = true;
		/* ORCPT: none, rfc822 xtext, or utf-8 */
		if (style == UTF8_ORCPT && i % 2 == 0) {
			a = talloc_asprintf(t, "ürsprünglich=%zu@bücher.test",
			                    i);
			rs[i]->orcpt = talloc_asprintf(
			        t, "UTF-8;%s",
			        dsng_xtext_utf8_encode(t, a, strlen(a), false));
			ex[i].orcpt_type = "utf-8";
			ex[i].orcpt_addr = a;
		} else if (i % 4 != 3) {
			a = talloc_asprintf(t, "Orig+%zu=x@example.test", i);
			rs[i]->orcpt = talloc_asprintf(
			        t, "rfc822;%s",
			        dsng_xtext_encode(t, a, strlen(a)));
			ex[i].orcpt_type = "rfc822";
			ex[i].orcpt_addr = a;
		}
		if (k != DSNG_DSN_SUCCESS && k != DSNG_DSN_EXPANDED) {
			rs[i]->remote_mta = "mx2.example.net";
			ex[i].remote = true;
		}
		switch (diag_variant) {
		case 0:
			break;
		case 1:
			rs[i]->diagnostic = "250 2.0.0 Ok: queued as 4711";
			rs[i]->diagnostic_type = "SMTP";
			break;
		case 2:
			rs[i]->diagnostic = long_diag(t, 300 + i);
			break;
		default:
			rs[i]->diagnostic =
			        "550 5.1.1 Benutzer unbekannt: jörg "
			        "(in reply to RCPT TO)";
			rs[i]->diagnostic_type = "x-postfix";
			break;
		}
		if (rs[i]->diagnostic)
			ex[i].diag = rs[i]->diagnostic;
		rs[i]->has_last_attempt_date = true;
		rs[i]->last_attempt_date = NOW - 60 - (int64_t)i;
		ex[i].last = rs[i]->last_attempt_date;
		if (k == DSNG_DSN_DELAY) {
			rs[i]->has_will_retry_until = true;
			rs[i]->will_retry_until = NOW + 5 * 86400;
			ex[i].retry = rs[i]->will_retry_until;
		}
		if (i % 5 == 2) {
			rs[i]->final_log_id = "4711.1@mx.example.test";
			ex[i].log_id = rs[i]->final_log_id;
		}
	}
	spec_init(&spec, from, rs, n);
	spec.ret = ret;
	if (idx % 2) {
		spec.envid = "matrix+2B+3D1";
	}
	spec.has_arrival_date = true;
	spec.arrival_date = NOW - 120;
	o.crlf = crlf;
	assert_int_equal(dsng_report_build(t, &res, NULL, NULL, &spec, original,
	                                   strlen(original), &o, &err),
	                 DSNG_OK);
	assert_int_equal(res->n_kept, n);
	assert_int_equal(res->global, global);
	assert_string_equal(res->envelope_from, "");
	assert_string_equal(res->envelope_to, style == UTF8_SENDER
	                                              ? "sénder@exämple.org"
	                                              : "sender@example.org");
	r = parse_back(t, res, crlf);
	assert_int_equal(r->n_recipients, n);
	assert_string_equal(r->message->reporting_mta->type, "dns");
	assert_string_equal(r->message->reporting_mta->value,
	                    "mx.example.test");
	assert_true(r->message->arrival_date->valid);
	assert_int_equal(r->message->arrival_date->timestamp, NOW - 120);
	if (spec.envid)
		assert_string_equal(r->message->original_envelope_id,
		                    "matrix+=1");
	else
		assert_null(r->message->original_envelope_id);
	for (i = 0; i < n; i++) {
		const struct dsng_report_recipient *rc = r->recipients[i];

		assert_string_equal(rc->final_recipient->type,
		                    ex[i].final_type);
		assert_string_equal(rc->final_recipient->value,
		                    ex[i].final_addr);
		if (ex[i].orcpt_type) {
			assert_non_null(rc->original_recipient);
			assert_string_equal(rc->original_recipient->type,
			                    ex[i].orcpt_type);
			assert_string_equal(rc->original_recipient->value,
			                    ex[i].orcpt_addr);
		} else {
			assert_null(rc->original_recipient);
		}
		assert_string_equal(rc->action,
		                    dsng_dsn_action_name(ex[i].action));
		assert_string_equal(rc->status, ex[i].status);
		if (ex[i].remote) {
			assert_string_equal(rc->remote_mta->type, "dns");
			assert_string_equal(rc->remote_mta->value,
			                    "mx2.example.net");
		} else {
			assert_null(rc->remote_mta);
		}
		if (ex[i].diag) {
			const char *want =
			        global ? ex[i].diag : ascii_only(t, ex[i].diag);
			assert_non_null(rc->diagnostic_code);
			assert_string_equal(rc->diagnostic_code->type,
			                    diag_variant == 1   ? "smtp"
			                    : diag_variant == 3 ? "x-postfix"
			                                        : "smtp");
			assert_string_equal(rc->diagnostic_code->value, want);
		} else {
			assert_null(rc->diagnostic_code);
		}
		assert_true(rc->last_attempt_date->valid);
		assert_int_equal(rc->last_attempt_date->timestamp, ex[i].last);
		if (ex[i].retry) {
			assert_true(rc->will_retry_until->valid);
			assert_int_equal(rc->will_retry_until->timestamp,
			                 ex[i].retry);
		} else {
			assert_null(rc->will_retry_until);
		}
		if (ex[i].log_id)
			assert_string_equal(rc->final_log_id, ex[i].log_id);
		else
			assert_null(rc->final_log_id);
	}
	/* returned content: the whole message only for FULL in a report
	 * with a failure */
	assert_non_null(r->returned);
	if (ret == DSNG_RET_FULL && any_failed)
		assert_string_equal(r->returned->content_type,
		                    global ? "message/global"
		                           : "message/rfc822");
	else
		assert_string_equal(r->returned->content_type,
		                    global ? "message/global-headers"
		                           : "text/rfc822-headers");
	assert_string_equal(r->returned->message_id,
	                    original == original_utf8
	                            ? "<matrix.2@example.org>"
	                            : "<matrix.1@example.org>");
	if (original == original_utf8)
		assert_string_equal(r->returned->subject, "Grüße ✉");
	else
		assert_string_equal(r->returned->subject,
		                    "Grüße from the matrix");
	assert_true(r->human_text_len > 0);
	talloc_free(t);
}

static void test_roundtrip_matrix(void **state)
{
	static const enum dsng_ret rets[] = {DSNG_RET_NONE, DSNG_RET_HDRS,
	                                     DSNG_RET_FULL};
	unsigned idx = 0, s, c;
	size_t k, r, blocks = talloc_total_blocks(*state);

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		for (r = 0; r < 3; r++)
			for (s = 0; s < N_STYLES; s++)
				for (c = 0; c < 2; c++)
					one_case(*state, idx++, kinds[k],
					         rets[r], (enum style)s, c);
	assert_int_equal(idx, 144);
	assert_int_equal(talloc_total_blocks(*state), blocks);
}

/* ---- NOTIFY decides who appears ------------------------------------- */

static void test_notify_rules(void **state)
{
	TALLOC_CTX *mem = *state;
	struct dsng_report_build_rcpt *rs[9];
	struct dsng_report_build_spec spec;
	struct dsng_report_build_opts o = opts_now(true);
	struct dsng_report_build_result *res;
	static const enum dsng_report_build_fate want[9] = {
	        DSNG_REPORT_BUILD_KEPT,          /* absent, failed */
	        DSNG_REPORT_BUILD_KEPT,          /* absent, delayed */
	        DSNG_REPORT_BUILD_NOT_REQUESTED, /* absent, delivered */
	        DSNG_REPORT_BUILD_NOT_REQUESTED, /* absent, relayed */
	        DSNG_REPORT_BUILD_NOT_REQUESTED, /* absent, expanded */
	        DSNG_REPORT_BUILD_KEPT,          /* SUCCESS, relayed */
	        DSNG_REPORT_BUILD_KEPT,          /* SUCCESS, expanded */
	        DSNG_REPORT_BUILD_NOT_REQUESTED, /* NEVER, failed */
	        DSNG_REPORT_BUILD_NOT_REQUESTED, /* SUCCESS, failed */
	};
	struct dsng_report *r;
	size_t i;

	rs[0] = rcpt(mem, "a0@example.test", DSNG_DSN_FAILURE, 0);
	rs[1] = rcpt(mem, "a1@example.test", DSNG_DSN_DELAY, 0);
	rs[2] = rcpt(mem, "a2@example.test", DSNG_DSN_SUCCESS, 0);
	rs[3] = rcpt(mem, "a3@example.test", DSNG_DSN_RELAYED, 0);
	rs[4] = rcpt(mem, "a4@example.test", DSNG_DSN_EXPANDED, 0);
	rs[5] = rcpt(mem, "a5@example.test", DSNG_DSN_RELAYED,
	             DSNG_NOTIFY_SUCCESS);
	rs[6] = rcpt(mem, "a6@example.test", DSNG_DSN_EXPANDED,
	             DSNG_NOTIFY_SUCCESS | DSNG_NOTIFY_DELAY);
	rs[7] = rcpt(mem, "a7@example.test", DSNG_DSN_FAILURE,
	             DSNG_NOTIFY_NEVER);
	rs[8] = rcpt(mem, "a8@example.test", DSNG_DSN_FAILURE,
	             DSNG_NOTIFY_SUCCESS);
	spec_init(&spec, "s@example.org", rs, 9);
	assert_int_equal(dsng_report_build(mem, &res, NULL, NULL, &spec, NULL,
	                                   0, &o, NULL),
	                 DSNG_OK);
	assert_int_equal(res->n_entries, 9);
	for (i = 0; i < 9; i++) {
		assert_int_equal(res->entries[i].index, i);
		assert_int_equal(res->entries[i].fate, want[i]);
		assert_false(res->entries[i].has_decision);
		assert_non_null(res->entries[i].reason);
	}
	assert_int_equal(res->n_kept, 4);
	assert_int_equal(res->n_not_requested, 5);
	assert_false(res->returned);
	r = parse_back(mem, res, false);
	assert_int_equal(r->n_recipients, 4);
	assert_string_equal(r->recipients[0]->final_recipient->value,
	                    "a0@example.test");
	assert_string_equal(r->recipients[2]->action, "relayed");
	assert_string_equal(r->recipients[3]->action, "expanded");
	assert_null(r->returned);
	/* the default status is X.0.0 of the action's class */
	assert_string_equal(r->recipients[0]->status, "5.0.0");
	assert_string_equal(r->recipients[1]->status, "4.0.0");
	assert_string_equal(r->recipients[2]->status, "2.0.0");
	assert_true(has(res->data, res->len,
	                "Subject: Delivery Status Notification (Failure)"));
	talloc_free(res);
	talloc_free(r);

	/* nothing asked: no report, no error */
	spec.recipients += 2;
	spec.n_recipients = 3;
	assert_int_equal(dsng_report_build(mem, &res, NULL, NULL, &spec, NULL,
	                                   0, &o, NULL),
	                 DSNG_OK);
	assert_int_equal(res->outcome, DSNG_REPORT_BUILD_NONE_REQUESTED);
	assert_string_equal(dsng_report_build_outcome_name(res->outcome),
	                    "none_requested");
	assert_null(res->data);
	assert_int_equal(res->len, 0);
	assert_null(res->message_id);
	talloc_free(res);

	/* a null envelope sender: no report to <>, whatever NOTIFY says */
	spec.recipients -= 2;
	spec.n_recipients = 9;
	for (i = 0; i < 3; i++) {
		spec.envelope_from = i == 0 ? NULL : i == 1 ? "" : "<>";
		assert_int_equal(dsng_report_build(mem, &res, NULL, NULL, &spec,
		                                   NULL, 0, &o, NULL),
		                 DSNG_OK);
		assert_int_equal(res->outcome,
		                 DSNG_REPORT_BUILD_NONE_REQUESTED);
		assert_int_equal(res->entries[0].fate,
		                 DSNG_REPORT_BUILD_NULL_SENDER);
		assert_string_equal(
		        dsng_report_build_fate_name(res->entries[0].fate),
		        "null_sender");
		assert_string_equal(res->envelope_to, "");
		talloc_free(res);
	}
}

/* ---- the veto -------------------------------------------------------- */

/* A policy independent of what the presets say: success reports only
 * for trusted or authenticated clients, checked when generating. */
static const char veto_conf[] = "preset = permissive\n"
                                "[trusted-networks]\n"
                                "192.0.2.0/24\n"
                                "[rcpt]\n"
                                "success-from = trusted, authenticated\n"
                                "[generate]\n"
                                "check-clients = yes\n";

static void session_for(struct dsng_policy_session *s, const char *addr,
                        const char *auth, unsigned port)
{
	assert_int_equal(
	        dsng_policy_session_init(s, DSNG_POLICY_SESSION_VERSION), 0);
	assert_int_equal(
	        dsng_policy_session_set_addr(s, addr, strlen(addr), NULL), 0);
	s->auth_user = auth;
	s->port = port;
	s->helo_name = "client.example.org";
}

static void test_veto_config(void **state)
{
	TALLOC_CTX *mem = *state;
	struct dsng_policy *p;
	struct dsng_policy_session s, before;
	struct dsng_report_build_rcpt *rs[2];
	struct dsng_report_build_spec spec;
	struct dsng_report_build_opts o = opts_now(false);
	struct dsng_report_build_result *res;
	struct dsng_error err = DSNG_ERROR_INIT;
	struct dsng_report *r;
	size_t blocks;

	assert_int_equal(dsng_policy_parse(mem, &p, veto_conf,
	                                   sizeof(veto_conf) - 1, "veto.conf",
	                                   NULL, &err),
	                 DSNG_OK);
	rs[0] = rcpt(mem, "rcpt@example.test", DSNG_DSN_SUCCESS,
	             DSNG_NOTIFY_SUCCESS);
	rs[1] = rcpt(mem, "gone@example.test", DSNG_DSN_FAILURE,
	             DSNG_NOTIFY_SUCCESS | DSNG_NOTIFY_FAILURE);
	spec_init(&spec, "victim@example.org", rs, 1);

	/* a stranger on port 25 asks for a receipt: vetoed, nothing written */
	session_for(&s, "203.0.113.5", NULL, 25);
	before = s;
	blocks = talloc_total_blocks(mem);
	assert_int_equal(
	        dsng_report_build(mem, &res, p, &s, &spec, NULL, 0, &o, &err),
	        DSNG_OK);
	assert_memory_equal(&s, &before, sizeof(s)); /* never written */
	assert_int_equal(res->outcome, DSNG_REPORT_BUILD_ALL_VETOED);
	assert_string_equal(dsng_report_build_outcome_name(res->outcome),
	                    "vetoed");
	assert_null(res->data);
	assert_int_equal(res->n_vetoed, 1);
	assert_int_equal(res->entries[0].fate, DSNG_REPORT_BUILD_VETOED);
	assert_true(res->entries[0].has_decision);
	assert_int_equal(res->entries[0].decision.action,
	                 DSNG_POLICY_ACTION_NEVER);
	assert_string_equal(res->entries[0].decision.rule, "rcpt.success-from");
	assert_string_equal(res->entries[0].decision.origin, "veto.conf");
	assert_string_equal(res->entries[0].reason,
	                    res->entries[0].decision.reason);
	assert_non_null(strstr(res->entries[0].reason, "203.0.113.5"));
	talloc_free(res);
	assert_int_equal(talloc_total_blocks(mem), blocks);

	/* its failure report still goes: only the receipt is dropped */
	spec.n_recipients = 2;
	assert_int_equal(
	        dsng_report_build(mem, &res, p, &s, &spec, NULL, 0, &o, &err),
	        DSNG_OK);
	assert_int_equal(res->outcome, DSNG_REPORT_BUILD_WRITTEN);
	assert_int_equal(res->entries[0].fate, DSNG_REPORT_BUILD_VETOED);
	assert_int_equal(res->entries[1].fate, DSNG_REPORT_BUILD_KEPT);
	assert_true(res->entries[1].has_decision);
	r = parse_back(mem, res, false);
	assert_int_equal(r->n_recipients, 1);
	assert_string_equal(r->recipients[0]->final_recipient->value,
	                    "gone@example.test");
	assert_false(has(res->data, res->len, "rcpt@example.test"));
	talloc_free(r);
	talloc_free(res);
	spec.n_recipients = 1;

	/* a trusted client: written */
	session_for(&s, "192.0.2.7", NULL, 25);
	assert_int_equal(
	        dsng_report_build(mem, &res, p, &s, &spec, NULL, 0, &o, &err),
	        DSNG_OK);
	assert_int_equal(res->outcome, DSNG_REPORT_BUILD_WRITTEN);
	assert_int_equal(s.trusted_cached, -1);
	r = parse_back(mem, res, false);
	assert_string_equal(r->recipients[0]->action, "delivered");
	assert_string_equal(r->message->received_from_mta->value,
	                    "client.example.org");
	talloc_free(r);
	talloc_free(res);

	/* an authenticated one from anywhere: written */
	session_for(&s, "203.0.113.5", "alice", 587);
	assert_int_equal(
	        dsng_report_build(mem, &res, p, &s, &spec, NULL, 0, &o, &err),
	        DSNG_OK);
	assert_int_equal(res->outcome, DSNG_REPORT_BUILD_WRITTEN);
	talloc_free(res);

	/* the caller's verdict counts too */
	session_for(&s, "203.0.113.5", NULL, 25);
	s.trusted = 1;
	assert_int_equal(
	        dsng_report_build(mem, &res, p, &s, &spec, NULL, 0, &o, &err),
	        DSNG_OK);
	assert_int_equal(res->outcome, DSNG_REPORT_BUILD_WRITTEN);
	talloc_free(res);

	/* no session: an unknown client, untrusted */
	assert_int_equal(
	        dsng_report_build(mem, &res, p, NULL, &spec, NULL, 0, &o, &err),
	        DSNG_OK);
	assert_int_equal(res->outcome, DSNG_REPORT_BUILD_ALL_VETOED);
	talloc_free(res);

	/* no_policy builds it, and says so */
	o.no_policy = true;
	assert_int_equal(dsng_report_build(mem, &res, NULL, NULL, &spec, NULL,
	                                   0, &o, &err),
	                 DSNG_OK);
	assert_int_equal(res->outcome, DSNG_REPORT_BUILD_WRITTEN);
	assert_false(res->entries[0].has_decision);
	talloc_free(res);
	talloc_free(p);
}

/* Holds for the recommended preset before and after it trusts loopback
 * and honours authenticated clients: a stranger on port 25. */
static void test_veto_recommended(void **state)
{
	TALLOC_CTX *mem = *state;
	struct dsng_policy *p;
	struct dsng_policy_session s;
	struct dsng_report_build_rcpt *rs[1];
	struct dsng_report_build_spec spec;
	struct dsng_report_build_opts o = opts_now(false);
	struct dsng_report_build_result *res;

	assert_int_equal(dsng_policy_preset(mem, &p, "recommended", NULL), 0);
	rs[0] = rcpt(mem, "rcpt@example.test", DSNG_DSN_SUCCESS,
	             DSNG_NOTIFY_SUCCESS);
	spec_init(&spec, "victim@example.org", rs, 1);
	session_for(&s, "203.0.113.77", NULL, 25);
	s.service = DSNG_POLICY_SERVICE_SMTP;
	assert_int_equal(
	        dsng_report_build(mem, &res, p, &s, &spec, NULL, 0, &o, NULL),
	        DSNG_OK);
	assert_int_equal(res->outcome, DSNG_REPORT_BUILD_ALL_VETOED);
	assert_int_equal(res->entries[0].fate, DSNG_REPORT_BUILD_VETOED);
	talloc_free(res);
	talloc_free(p);
}

static void test_null_policy_is_einval(void **state)
{
	TALLOC_CTX *mem = *state;
	struct dsng_report_build_rcpt *rs[1];
	struct dsng_report_build_spec spec;
	struct dsng_report_build_opts o = opts_now(false);
	struct dsng_report_build_result *res = (void *)1;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t blocks;

	rs[0] = rcpt(mem, "rcpt@example.test", DSNG_DSN_FAILURE, 0);
	spec_init(&spec, "s@example.org", rs, 1);
	blocks = talloc_total_blocks(mem);
	assert_int_equal(dsng_report_build(mem, &res, NULL, NULL, &spec, NULL,
	                                   0, &o, &err),
	                 DSNG_EINVAL);
	assert_null(res);
	assert_int_equal(err.kind, DSNG_ERR_INVALID_ARGUMENT);
	assert_non_null(strstr(err.message, "no_policy"));
	/* NULL opts are the defaults: the veto applies */
	assert_int_equal(dsng_report_build(mem, &res, NULL, NULL, &spec, NULL,
	                                   0, NULL, &err),
	                 DSNG_EINVAL);
	assert_int_equal(talloc_total_blocks(mem), blocks);
}

/* ---- errors ----------------------------------------------------------- */

static void expect_error(TALLOC_CTX *mem, struct dsng_report_build_spec *spec,
                         const struct dsng_report_build_opts *o, int rc,
                         enum dsng_errkind kind)
{
	struct dsng_report_build_result *res = (void *)1;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t blocks = talloc_total_blocks(mem);

	assert_int_equal(dsng_report_build(mem, &res, NULL, NULL, spec, NULL, 0,
	                                   o, &err),
	                 rc);
	assert_null(res);
	assert_int_equal(err.rc, rc);
	assert_int_equal(err.kind, kind);
	assert_int_equal(talloc_total_blocks(mem), blocks);
}

static void test_errors(void **state)
{
	TALLOC_CTX *mem = *state;
	struct dsng_report_build_rcpt *rs[2];
	struct dsng_report_build_rcpt bad_version;
	struct dsng_report_build_spec spec;
	struct dsng_report_build_opts o = opts_now(true), o2;
	struct dsng_report_build_result *res;
	char big[600];

	rs[0] = rcpt(mem, "rcpt@example.test", DSNG_DSN_FAILURE, 0);
	rs[1] = rcpt(mem, "two@example.test", DSNG_DSN_DELAY, 0);
	spec_init(&spec, "s@example.org", rs, 2);
	assert_int_equal(dsng_report_build(mem, &res, NULL, NULL, &spec, NULL,
	                                   0, &o, NULL),
	                 DSNG_OK);
	talloc_free(res);

	assert_int_equal(dsng_report_build(mem, NULL, NULL, NULL, &spec, NULL,
	                                   0, &o, NULL),
	                 DSNG_EINVAL);
	expect_error(mem, NULL, &o, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT);

	spec.reporting_mta = NULL;
	expect_error(mem, &spec, &o, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT);
	spec.reporting_mta = "not a host";
	expect_error(mem, &spec, &o, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE);
	spec.reporting_mta = "mx.example.test";

	spec.envelope_from = "no-at-sign";
	expect_error(mem, &spec, &o, DSNG_ESYNTAX, DSNG_ERR_BAD_ADDRESS);
	spec.envelope_from = "s@example.org";

	spec.envid = "bad xtext";
	expect_error(mem, &spec, &o, DSNG_ESYNTAX, DSNG_ERR_BAD_ENVID);
	memset(big, 'e', 101);
	big[101] = 0;
	spec.envid = big;
	expect_error(mem, &spec, &o, DSNG_ESYNTAX, DSNG_ERR_BAD_ENVID);
	spec.envid = NULL;

	rs[1]->addr = "<>";
	expect_error(mem, &spec, &o, DSNG_ESYNTAX, DSNG_ERR_BAD_ADDRESS);
	rs[1]->addr = "two@example.test";

	rs[1]->orcpt = "rfc822";
	expect_error(mem, &spec, &o, DSNG_ESYNTAX, DSNG_ERR_BAD_ORCPT);
	rs[1]->orcpt = "rfc822;a+zz@b";
	expect_error(mem, &spec, &o, DSNG_ESYNTAX, DSNG_ERR_BAD_ORCPT);
	rs[1]->orcpt = "rfc822;caf+C3+A9@b"; /* 8-bit outside utf-8 */
	expect_error(mem, &spec, &o, DSNG_ESYNTAX, DSNG_ERR_BAD_ORCPT);
	rs[1]->orcpt = NULL;

	rs[1]->status = "2.0.0"; /* does not fit delayed */
	expect_error(mem, &spec, &o, DSNG_ESYNTAX, DSNG_ERR_BAD_STATUS);
	rs[1]->status = "4.4";
	expect_error(mem, &spec, &o, DSNG_ESYNTAX, DSNG_ERR_BAD_STATUS);
	rs[1]->status = NULL;
	rs[0]->status = "4.4.7"; /* an expired message fails with 4.4.7 */
	assert_int_equal(dsng_report_build(mem, &res, NULL, NULL, &spec, NULL,
	                                   0, &o, NULL),
	                 DSNG_OK);
	talloc_free(res);
	rs[0]->status = NULL;

	rs[1]->notify = DSNG_NOTIFY_NEVER | DSNG_NOTIFY_DELAY;
	expect_error(mem, &spec, &o, DSNG_ESYNTAX, DSNG_ERR_BAD_NOTIFY);
	rs[1]->notify = 0x100;
	expect_error(mem, &spec, &o, DSNG_ESYNTAX, DSNG_ERR_BAD_NOTIFY);
	rs[1]->notify = 0;

	rs[1]->action = DSNG_DSN_OTHER;
	expect_error(mem, &spec, &o, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT);
	rs[1]->action = DSNG_DSN__COUNT;
	expect_error(mem, &spec, &o, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT);
	rs[1]->action = DSNG_DSN_DELAY;

	rs[1]->remote_mta = "two words";
	expect_error(mem, &spec, &o, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE);
	rs[1]->remote_mta = "mx(comment)";
	expect_error(mem, &spec, &o, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE);
	rs[1]->remote_mta = "mx.example.net";
	rs[1]->remote_mta_type = "d n s";
	expect_error(mem, &spec, &o, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE);
	rs[1]->remote_mta_type = NULL;
	rs[1]->diagnostic_type = "smtp;x";
	expect_error(mem, &spec, &o, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE);
	rs[1]->diagnostic_type = NULL;

	rs[1]->final_log_id = "tab\there";
	expect_error(mem, &spec, &o, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE);
	memset(big, 'l', 300);
	big[300] = 0;
	rs[1]->final_log_id = big;
	expect_error(mem, &spec, &o, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE);
	rs[1]->final_log_id = NULL;

	rs[1]->has_last_attempt_date = true;
	rs[1]->last_attempt_date = -1;
	expect_error(mem, &spec, &o, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE);
	rs[1]->last_attempt_date = INT64_C(253402300800);
	expect_error(mem, &spec, &o, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE);
	rs[1]->has_last_attempt_date = false;
	rs[0]->has_will_retry_until = true; /* on a failed recipient */
	rs[0]->will_retry_until = NOW;
	expect_error(mem, &spec, &o, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE);
	rs[0]->has_will_retry_until = false;

	/* versions */
	bad_version = *rs[1];
	bad_version.version = 2;
	rs[1] = &bad_version;
	expect_error(mem, &spec, &o, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT);
	bad_version.version = 1;
	spec.version = 0;
	expect_error(mem, &spec, &o, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT);
	spec.version = DSNG_REPORT_BUILD_SPEC_VERSION;
	o2 = o;
	o2.version = 9;
	expect_error(mem, &spec, &o2, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT);
	o2 = o;
	o2.max_returned = DSNG_REPORT_BUILD_MAX_RETURNED_CEILING + 1;
	expect_error(mem, &spec, &o2, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT);
	o2 = o;
	o2.now = -5;
	expect_error(mem, &spec, &o2, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT);

	/* limits: an address whose utf-8-addr-unitext form passes a line */
	{
		char addr[300];
		struct dsng_report_build_result *r2 = (void *)1;
		struct dsng_error err = DSNG_ERROR_INIT;

		memcpy(addr, "\xc3\xbc", 2);
		memset(addr + 2, '+', 200);
		strcpy(addr + 202, "@example.test");
		rs[1]->addr = addr;
		assert_int_equal(dsng_report_build(mem, &r2, NULL, NULL, &spec,
		                                   NULL, 0, &o, &err),
		                 DSNG_ELIMIT);
		assert_null(r2);
		assert_int_equal(err.kind, DSNG_ERR_HEADER_LIMIT);
		assert_string_equal(err.limit, "max_field_len");
		rs[1]->addr = "two@example.test";
	}
	o2 = o;
	o2.max_recipients = 1;
	expect_error(mem, &spec, &o2, DSNG_ELIMIT, DSNG_ERR_RECIPIENT_LIMIT);
	spec.recipients = NULL;
	expect_error(mem, &spec, &o, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT);

	/* init functions */
	assert_int_equal(dsng_report_build_opts_init(&o2, 0), DSNG_EINVAL);
	assert_int_equal(dsng_report_build_opts_init(&o2, 2), DSNG_EINVAL);
	assert_int_equal(dsng_report_build_opts_init(
	                         &o2, DSNG_REPORT_BUILD_OPTS_VERSION),
	                 0);
	assert_int_equal(o2.max_returned, DSNG_REPORT_BUILD_MAX_RETURNED);
	assert_int_equal(o2.max_recipients, 1000);
	assert_false(o2.no_policy);
	assert_int_equal(dsng_report_build_spec_init(NULL, 1), DSNG_EINVAL);
	assert_int_equal(dsng_report_build_rcpt_init(NULL, 1), DSNG_EINVAL);
	assert_string_equal(dsng_report_build_fate_name(99), "unknown");
	assert_string_equal(dsng_report_build_outcome_name(99), "unknown");
	assert_string_equal(dsng_report_build_fate_name(DSNG_REPORT_BUILD_KEPT),
	                    "kept");
}

/* ---- returned content ---------------------------------------------- */

static char *message(TALLOC_CTX *mem, size_t body_lines)
{
	char *m = talloc_strdup(mem, "From: a@example.org\n"
	                             "To: b@example.test\n"
	                             "Subject: long one\n"
	                             "Message-ID: <long@example.org>\n"
	                             "\n");
	size_t i;

	for (i = 0; i < body_lines; i++)
		m = talloc_asprintf_append(m, "line %06zu of the body\n", i);
	return m;
}

static struct dsng_report_build_result *
build_with(TALLOC_CTX *mem, const char *orig, size_t len, enum dsng_ret ret,
           enum dsng_dsn_kind kind, size_t max)
{
	struct dsng_report_build_rcpt *rs[1];
	struct dsng_report_build_spec spec;
	struct dsng_report_build_opts o = opts_now(true);
	struct dsng_report_build_result *res;

	rs[0] = rcpt(mem, "b@example.test", kind, DSNG_NOTIFY_BIT(kind));
	spec_init(&spec, "a@example.org", rs, 1);
	spec.ret = ret;
	o.max_returned = max;
	assert_int_equal(dsng_report_build(mem, &res, NULL, NULL, &spec, orig,
	                                   len, &o, NULL),
	                 DSNG_OK);
	talloc_free(rs[0]);
	return res;
}

static void test_returned(void **state)
{
	TALLOC_CTX *mem = *state;
	char *m = message(mem, 5000), *text;
	size_t mlen = strlen(m);
	struct dsng_report_build_result *res;
	struct dsng_report *r;

	/* FULL, within the limit: the whole message */
	res = build_with(mem, m, mlen, DSNG_RET_FULL, DSNG_DSN_FAILURE, 200000);
	assert_true(res->returned && res->returned_full);
	assert_false(res->returned_truncated);
	r = parse_back(mem, res, false);
	assert_string_equal(r->returned->content_type, "message/rfc822");
	assert_true(has(res->data, res->len, "line 004999 of the body"));
	talloc_free(r);
	talloc_free(res);

	/* FULL beyond the limit: cut at a line, with a note */
	res = build_with(mem, m, mlen, DSNG_RET_FULL, DSNG_DSN_FAILURE, 1000);
	assert_true(res->returned_full && res->returned_truncated);
	r = parse_back(mem, res, false);
	assert_string_equal(r->returned->content_type, "message/rfc822");
	assert_string_equal(r->returned->subject, "long one");
	text = talloc_strndup(mem, r->human_text, r->human_text_len);
	assert_non_null(strstr(text, "cut to its"));
	assert_false(has(res->data, res->len, "line 004999"));
	assert_true(res->len < 4000);
	talloc_free(text);
	talloc_free(r);
	talloc_free(res);

	/* a delivery report returns headers only, whatever RET says */
	res = build_with(mem, m, mlen, DSNG_RET_FULL, DSNG_DSN_SUCCESS, 200000);
	assert_true(res->returned);
	assert_false(res->returned_full);
	r = parse_back(mem, res, false);
	assert_string_equal(r->returned->content_type, "text/rfc822-headers");
	assert_false(has(res->data, res->len, "line 000000"));
	talloc_free(r);
	talloc_free(res);

	/* headers beyond the limit: cut at a field boundary */
	res = build_with(mem, m, mlen, DSNG_RET_HDRS, DSNG_DSN_FAILURE, 50);
	assert_true(res->returned_truncated);
	r = parse_back(mem, res, false);
	assert_int_equal(r->returned->header->n_fields, 2);
	assert_null(r->returned->subject);
	text = talloc_strndup(mem, r->human_text, r->human_text_len);
	assert_non_null(strstr(text, "cut to"));
	talloc_free(text);
	talloc_free(r);
	talloc_free(res);

	/* FULL, but even the headers do not fit: headers, cut */
	res = build_with(mem, m, mlen, DSNG_RET_FULL, DSNG_DSN_FAILURE, 60);
	assert_true(res->returned && !res->returned_full);
	assert_true(res->returned_truncated);
	talloc_free(res);

	/* max_returned 0: nothing, said in the text */
	res = build_with(mem, m, mlen, DSNG_RET_FULL, DSNG_DSN_FAILURE, 0);
	assert_false(res->returned);
	assert_true(res->returned_omitted);
	r = parse_back(mem, res, false);
	assert_null(r->returned);
	talloc_free(r);
	talloc_free(res);

	/* a body with a NUL: headers only, with a note */
	m[mlen - 5] = 0;
	res = build_with(mem, m, mlen, DSNG_RET_FULL, DSNG_DSN_FAILURE, 200000);
	assert_true(res->returned && !res->returned_full);
	assert_true(has(res->data, res->len, "body of your message is not"));
	r = parse_back(mem, res, false);
	assert_string_equal(r->returned->content_type, "text/rfc822-headers");
	talloc_free(r);
	talloc_free(res);

	/* headers no reader could take back: nothing returned */
	{
		static const char *bad[] = {
		        "From: a@b\nSubject: x\rbare CR\n\nbody\n",
		        "From: a@b\nSubject: \xff\xfe latin junk\n\nbody\n",
		        "not a header line\n\nbody\n",
		        " starts with a fold\n\n",
		        "From: a@b\nno colon in this line\nTo: c@d\n\n",
		};
		size_t i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			res = build_with(mem, bad[i], strlen(bad[i]),
			                 DSNG_RET_FULL, DSNG_DSN_FAILURE,
			                 50000);
			assert_false(res->returned);
			assert_true(res->returned_omitted);
			assert_true(
			        has(res->data, res->len, "is not returned"));
			r = parse_back(mem, res, false);
			talloc_free(r);
			talloc_free(res);
		}
	}
	{
		/* a field over 998 octets, and one over the MIME reader's
		 * 8192 octets folded */
		char *longf = talloc_asprintf(
		        mem, "From: a@b\nX-Long: %0999d\n\n", 1);
		char *folded = talloc_strdup(mem, "From: a@b\nX-Folded: x");
		size_t i;

		for (i = 0; i < 200; i++)
			folded = talloc_asprintf_append(
			        folded,
			        "\n\tfolded line %03zu of a field that "
			        "never ends",
			        i);
		folded = talloc_asprintf_append(folded, "\n\nbody\n");
		res = build_with(mem, longf, strlen(longf), DSNG_RET_HDRS,
		                 DSNG_DSN_FAILURE, 50000);
		assert_true(res->returned_omitted);
		talloc_free(res);
		res = build_with(mem, folded, strlen(folded), DSNG_RET_HDRS,
		                 DSNG_DSN_FAILURE, 50000);
		assert_true(res->returned_omitted);
		r = parse_back(mem, res, false);
		talloc_free(r);
		talloc_free(res);
	}

	/* CRLF input, LF output: one line end throughout */
	res = build_with(mem, original_utf8, strlen(original_utf8),
	                 DSNG_RET_FULL, DSNG_DSN_FAILURE, 50000);
	assert_true(res->global);
	r = parse_back(mem, res, false);
	assert_string_equal(r->returned->content_type, "message/global");
	talloc_free(r);
	talloc_free(res);

	/* a message of headers only, FULL: returned whole */
	res = build_with(mem, "From: a@b\nSubject: s", 20, DSNG_RET_FULL,
	                 DSNG_DSN_FAILURE, 50000);
	assert_true(res->returned_full && !res->returned_truncated);
	r = parse_back(mem, res, false);
	assert_string_equal(r->returned->subject, "s");
	talloc_free(r);
	talloc_free(res);
	talloc_free(m);
}

/* ---- text, folding, determinism ------------------------------------- */

static void test_folding_and_cut(void **state)
{
	TALLOC_CTX *mem = *state;
	struct dsng_report_build_rcpt *rs[1];
	struct dsng_report_build_spec spec;
	struct dsng_report_build_opts o = opts_now(true);
	struct dsng_report_build_result *res;
	struct dsng_report *r;
	char *word = talloc_array(mem, char, 5001), *messy;

	memset(word, 'x', 5000);
	word[5000] = 0;
	rs[0] = rcpt(mem, "b@example.test", DSNG_DSN_FAILURE, 0);
	rs[0]->diagnostic = word; /* no white space at all, and too long */
	spec_init(&spec, "a@example.org", rs, 1);
	assert_int_equal(dsng_report_build(mem, &res, NULL, NULL, &spec, NULL,
	                                   0, &o, NULL),
	                 DSNG_OK);
	assert_true(res->entries[0].diagnostic_cut);
	r = parse_back(mem, res, false);
	/* forced folds add a space each; the text is cut at the maximum */
	assert_true(strlen(r->recipients[0]->diagnostic_code->value) >=
	            DSNG_REPORT_BUILD_MAX_DIAGNOSTIC);
	talloc_free(r);
	talloc_free(res);

	/* controls, line ends, runs of space and bad UTF-8 are cleaned */
	messy = talloc_strdup(mem, "  550-5.1.1 first line\r\n550 5.1.1\t\t"
	                           "second \x01 line \xc3\x28 end  ");
	rs[0]->diagnostic = messy;
	assert_int_equal(dsng_report_build(mem, &res, NULL, NULL, &spec, NULL,
	                                   0, &o, NULL),
	                 DSNG_OK);
	assert_false(res->entries[0].diagnostic_cut);
	r = parse_back(mem, res, false);
	assert_string_equal(r->recipients[0]->diagnostic_code->value,
	                    "550-5.1.1 first line 550 5.1.1 second line ?( "
	                    "end");
	talloc_free(r);
	talloc_free(res);
	talloc_free(word);
}

static void test_determinism(void **state)
{
	TALLOC_CTX *mem = *state;
	struct dsng_report_build_rcpt *rs[1];
	struct dsng_report_build_spec spec;
	struct dsng_report_build_opts o = opts_now(true);
	struct dsng_report_build_result *a, *b;

	rs[0] = rcpt(mem, "b@example.test", DSNG_DSN_FAILURE, 0);
	spec_init(&spec, "a@example.org", rs, 1);
	assert_int_equal(dsng_report_build(mem, &a, NULL, NULL, &spec,
	                                   "From: x@y\n\n", 12, &o, NULL),
	                 DSNG_OK);
	assert_int_equal(dsng_report_build(mem, &b, NULL, NULL, &spec,
	                                   "From: x@y\n\n", 12, &o, NULL),
	                 DSNG_OK);
	assert_int_equal(a->len, b->len);
	assert_memory_equal(a->data, b->data, a->len);
	assert_string_equal(a->message_id, b->message_id);
	assert_true(
	        has(a->data, a->len, "Date: Sun, 29 Nov 2026 01:45:00 +0000"));
	assert_true(has(a->data, a->len, "Message-ID: <20261129014500."));
	assert_true(has(a->data, a->len, "Auto-Submitted: auto-replied"));
	assert_true(has(a->data, a->len,
	                "From: Mail Delivery System "
	                "<MAILER-DAEMON@mx.example.test>"));
	assert_true(has(a->data, a->len, "To: <a@example.org>"));
	talloc_free(b);
	/* another original, another boundary */
	assert_int_equal(dsng_report_build(mem, &b, NULL, NULL, &spec,
	                                   "From: x@z\n\n", 12, &o, NULL),
	                 DSNG_OK);
	assert_string_not_equal(a->message_id, b->message_id);
	talloc_free(b);
	/* without now: the clock, and never the same twice */
	o.has_now = false;
	talloc_free(a);
	assert_int_equal(dsng_report_build(mem, &a, NULL, NULL, &spec, NULL, 0,
	                                   &o, NULL),
	                 DSNG_OK);
	assert_int_equal(dsng_report_build(mem, &b, NULL, NULL, &spec, NULL, 0,
	                                   &o, NULL),
	                 DSNG_OK);
	assert_string_not_equal(a->message_id, b->message_id);
	talloc_free(a);
	talloc_free(b);
}

static void test_dates(void **state)
{
	char buf[DSNG_REPORT_BUILD_DATE_MAX];
	int64_t t;

	(void)state;
	assert_int_equal(dsng_report_build_date(buf, 0), 0);
	assert_string_equal(buf, "Thu, 01 Jan 1970 00:00:00 +0000");
	assert_int_equal(dsng_report_build_date(buf, NOW), 0);
	assert_string_equal(buf, "Sun, 29 Nov 2026 01:45:00 +0000");
	assert_int_equal(dsng_report_build_date(buf, 951782400), 0);
	assert_string_equal(buf, "Tue, 29 Feb 2000 00:00:00 +0000");
	assert_int_equal(dsng_report_build_date(buf, INT64_C(253402300799)), 0);
	assert_string_equal(buf, "Fri, 31 Dec 9999 23:59:59 +0000");
	assert_int_equal(dsng_report_build_date(buf, -1), DSNG_EINVAL);
	assert_int_equal(dsng_report_build_date(NULL, 0), DSNG_EINVAL);
	/* what is written parses back, across the whole range */
	for (t = 0; t < INT64_C(253402300799); t += INT64_C(86400) * 3617 + 7) {
		int64_t back;
		assert_int_equal(dsng_report_build_date(buf, t), 0);
		assert_int_equal(
		        dsng_report_date_parse(&back, buf, strlen(buf), NULL),
		        0);
		assert_int_equal(back, t);
	}
}

int main(void)
{
#define T(f)                                                                   \
	cmocka_unit_test_setup_teardown(f, dsng_test_setup_ctx,                \
	                                dsng_test_teardown_ctx)
	const struct CMUnitTest tests[] = {
	        T(test_roundtrip_matrix),
	        T(test_notify_rules),
	        T(test_veto_config),
	        T(test_veto_recommended),
	        T(test_null_policy_is_einval),
	        T(test_errors),
	        T(test_returned),
	        T(test_folding_and_cut),
	        T(test_determinism),
	        cmocka_unit_test(test_dates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
