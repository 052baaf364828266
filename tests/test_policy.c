/*
 * tests/test_policy.c - the SMTP-time decisions (EHLO, MAIL, RCPT) under
 * every preset and the config actions, with their replies, rules,
 * compliance labels and in-place rewrites; and the line wrappers.
 */
#include "dsng_test.h"
#include "policy_int.h"

struct fx {
	TALLOC_CTX *mem;
	struct dsng_policy_session s;
	struct dsng_cmd cmd;
	struct dsng_decision d;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->mem = talloc_new(NULL);
	assert_int_equal(
	        dsng_policy_session_init(&f->s, DSNG_POLICY_SESSION_VERSION),
	        0);
	assert_int_equal(dsng_decision_init(&f->d, DSNG_DECISION_VERSION), 0);
	assert_int_equal(dsng_cmd_init(&f->cmd, DSNG_CMD_VERSION), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	/* Policies and rewritten lines hang off f->mem; one free ends all. */
	talloc_free(f->mem);
	free(f);
	return 0;
}

static struct dsng_policy *preset(struct fx *f, const char *name)
{
	struct dsng_policy *p;

	assert_int_equal(dsng_policy_preset(f->mem, &p, name, NULL), 0);
	return p;
}

static struct dsng_policy *config(struct fx *f, const char *text)
{
	struct dsng_policy *p;
	struct dsng_error err = DSNG_ERROR_INIT;
	int rc = dsng_policy_parse(f->mem, &p, text, strlen(text), "p.conf",
	                           NULL, &err);

	if (rc)
		fail_msg("%s", err.message);
	return p;
}

static void client(struct fx *f, const char *addr)
{
	assert_int_equal(
	        dsng_policy_session_set_addr(&f->s, addr, strlen(addr), NULL),
	        0);
}

static void parse(struct fx *f, const char *line)
{
	struct dsng_error err = DSNG_ERROR_INIT;

	if (dsng_cmd_parse(&f->cmd, line, strlen(line), NULL, &err))
		fail_msg("parse '%s': %s", line, err.message);
}

static char *formatted(struct fx *f)
{
	return dsng_cmd_format(f->mem, &f->cmd);
}

static void reply_is(const struct dsng_decision *d, int code, const char *enh,
                     const char *text)
{
	assert_int_equal(d->reply_code, code);
	assert_string_equal(d->enhanced, enh);
	assert_string_equal(d->reply_text, text);
}

/* ---- EHLO ---- */

static void test_ehlo_recommended(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = config(f, "[trusted-networks]\n192.0.2.0/24\n");

	client(f, "198.51.100.33");
	assert_int_equal(dsng_policy_ehlo(&f->d, p, &f->s, true, NULL), 0);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_HIDE_DSN);
	assert_int_equal(f->s.dsn_offered, 0);
	/* The lookup is cached in the state part; the caller's verdict is
	 * left as it was. */
	assert_int_equal(f->s.trusted_cached, 0);
	assert_int_equal(f->s.trusted, -1);
	assert_string_equal(f->d.rule, "ehlo.offer-dsn");
	assert_string_equal(f->d.origin, "recommended");
	assert_int_equal(f->d.compliance, DSNG_POLICY_COMPLIANT);
	assert_non_null(strstr(f->d.reason, "198.51.100.33 (untrusted, "
	                                    "unauthenticated, smtp)"));

	dsng_policy_session_init(&f->s, DSNG_POLICY_SESSION_VERSION);
	client(f, "192.0.2.10");
	dsng_policy_ehlo(&f->d, p, &f->s, true, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_ADVERTISE_DSN);
	assert_int_equal(f->s.dsn_offered, 1);

	/* A login is not known at EHLO (AUTH comes after it): a caller that
	 * filled auth_user early does not earn the offer on port 25. */
	dsng_policy_session_init(&f->s, DSNG_POLICY_SESSION_VERSION);
	client(f, "203.0.113.5");
	f->s.auth_user = "alice";
	dsng_policy_ehlo(&f->d, p, &f->s, true, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_HIDE_DSN);
	assert_null(strstr(f->d.reason, "authenticated as alice"));
	assert_non_null(strstr(f->d.reason, "AUTH comes after EHLO"));
	assert_int_equal(f->s.ehlo_classes & DSNG_POLICY_CLASS_AUTHENTICATED,
	                 0);
	/* The submission service and local submission get DSN. */
	f->s.port = 587;
	dsng_policy_ehlo(&f->d, p, &f->s, true, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_ADVERTISE_DSN);
	assert_non_null(strstr(f->d.reason, "unauthenticated, submission)"));
	dsng_policy_session_init(&f->s, DSNG_POLICY_SESSION_VERSION);
	f->s.service = DSNG_POLICY_SERVICE_SUBMISSION;
	dsng_policy_ehlo(&f->d, p, &f->s, true, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_ADVERTISE_DSN);
	dsng_policy_session_init(&f->s, DSNG_POLICY_SESSION_VERSION);
	f->s.service = DSNG_POLICY_SERVICE_LOCAL;
	dsng_policy_ehlo(&f->d, p, &f->s, true, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_ADVERTISE_DSN);

	/* HELO never offers extensions. */
	dsng_policy_ehlo(&f->d, p, &f->s, false, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_HIDE_DSN);
	assert_string_equal(f->d.rule, "ehlo.helo");
	assert_int_equal(f->s.dsn_offered, 0);
	assert_int_equal(f->s.esmtp, 0);
}

static void test_ehlo_postfix_submission_port(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = preset(f, "postfix-discard-dsn");

	client(f, "203.0.113.5");
	f->s.port = 587;
	dsng_policy_ehlo(&f->d, p, &f->s, true, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_ADVERTISE_DSN);
	assert_int_equal(dsng_policy_classes(p, &f->s),
	                 DSNG_POLICY_CLASS_ALL | DSNG_POLICY_CLASS_SUBMISSION);
	f->s.port = 25;
	dsng_policy_ehlo(&f->d, p, &f->s, true, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_HIDE_DSN);
	f->s.tls = 1;
	assert_int_equal(dsng_policy_classes(p, &f->s),
	                 DSNG_POLICY_CLASS_ALL | DSNG_POLICY_CLASS_TLS);
}

/* The EHLO decision sees the address, port or service and TLS, never a
 * login; the MAIL/RCPT decisions see the login too. */
static void test_ehlo_time_classes(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = config(f, "[ehlo]\noffer-dsn = authenticated, "
	                                  "tls\n");

	client(f, "203.0.113.5");
	f->s.auth_user = "alice";
	f->s.port = 587;
	f->s.tls = true;
	assert_int_equal(
	        dsng_policy_classes(p, &f->s),
	        DSNG_POLICY_CLASS_ALL | DSNG_POLICY_CLASS_AUTHENTICATED |
	                DSNG_POLICY_CLASS_TLS | DSNG_POLICY_CLASS_SUBMISSION);
	dsng_policy_ehlo(&f->d, p, &f->s, true, NULL);
	assert_int_equal(f->s.ehlo_classes,
	                 DSNG_POLICY_CLASS_ALL | DSNG_POLICY_CLASS_TLS |
	                         DSNG_POLICY_CLASS_SUBMISSION);
	/* TLS is known at EHLO (after STARTTLS the client says EHLO again). */
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_ADVERTISE_DSN);
	f->s.tls = false;
	dsng_policy_ehlo(&f->d, p, &f->s, true, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_HIDE_DSN);
	assert_int_equal(
	        DSNG_POLICY_CLASSES_EHLO & DSNG_POLICY_CLASS_AUTHENTICATED, 0);
	/* Without an EHLO decision the offer is assumed from the EHLO-time
	 * classes too: the login does not count, and this config does not
	 * honour unoffered requests from authenticated clients. */
	dsng_policy_session_init(&f->s, DSNG_POLICY_SESSION_VERSION);
	client(f, "203.0.113.5");
	f->s.auth_user = "alice";
	p = config(f, "[ehlo]\noffer-dsn = authenticated\n"
	              "honour-unoffered-from = none\n");
	parse(f, "RCPT TO:<bob@example.org> NOTIFY=SUCCESS");
	dsng_policy_rcpt(&f->d, p, &f->s, &f->cmd, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_REJECT);
	assert_string_equal(f->d.rule, "rcpt.unoffered");
}

static void test_caller_trust_overrides_networks(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = preset(f, "recommended");

	client(f, "203.0.113.5");
	f->s.trusted = 1;
	dsng_policy_ehlo(&f->d, p, &f->s, true, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_ADVERTISE_DSN);
}

/* ---- RCPT: the issue-2 session under each preset ---- */

static void spammer_rcpt(struct fx *f, const struct dsng_policy *p)
{
	client(f, "198.51.100.33");
	dsng_policy_ehlo(&f->d, p, &f->s, true, NULL);
	parse(f, "MAIL FROM:<spamvictim@victim.example>");
	assert_int_equal(dsng_policy_mail(&f->d, p, &f->s, &f->cmd, NULL), 0);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_ACCEPT);
	parse(f, "RCPT TO:<legal_address@example.net> NOTIFY=SUCCESS");
	assert_int_equal(dsng_policy_rcpt(&f->d, p, &f->s, &f->cmd, NULL), 0);
}

static void test_rcpt_recommended_refuses_unoffered(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = preset(f, "recommended");

	spammer_rcpt(f, p);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_REJECT);
	assert_int_equal(f->d.compliance, DSNG_POLICY_COMPLIANT);
	assert_string_equal(f->d.rule, "rcpt.unoffered");
	assert_string_equal(f->d.origin, "recommended");
	reply_is(
	        &f->d, 550, "5.7.1",
	        "NOTIFY refused: delivery status notifications are not offered "
	        "to this client");
	assert_int_equal(f->d.notify, DSNG_NOTIFY_SUCCESS);
	assert_int_equal(f->d.changed, 0);
	assert_int_equal(f->s.n_recipients, 0);
}

static void test_rcpt_sendmail_noreceipts(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = preset(f, "sendmail-noreceipts");

	spammer_rcpt(f, p);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_REJECT);
	reply_is(&f->d, 504, "5.7.0",
	         "Sorry, NOTIFY not supported, we do not allow DSN");
	/* Even a trusted client gets no DSN from noreceipts. */
	dsng_policy_session_init(&f->s, DSNG_POLICY_SESSION_VERSION);
	f->s.trusted = 1;
	dsng_policy_ehlo(&f->d, p, &f->s, true, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_HIDE_DSN);
	/* RET on MAIL too, with the keyword in the text. */
	parse(f, "MAIL FROM:<a@example.org> RET=HDRS");
	dsng_policy_mail(&f->d, p, &f->s, &f->cmd, NULL);
	reply_is(&f->d, 504, "5.7.0",
	         "Sorry, RET not supported, we do not allow DSN");
}

static void test_rcpt_postfix(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = preset(f, "postfix-discard-dsn");

	spammer_rcpt(f, p);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_REJECT);
	reply_is(&f->d, 501, "5.7.1", "DSN support is disabled");
	parse(f, "MAIL FROM:<a@example.org> ENVID=x");
	dsng_policy_mail(&f->d, p, &f->s, &f->cmd, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_REJECT);
	reply_is(&f->d, 501, "5.7.1", "DSN support is disabled");
}

static void test_rcpt_permissive_honours(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = preset(f, "permissive");

	spammer_rcpt(f, p);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_ACCEPT);
	assert_int_equal(f->d.compliance, DSNG_POLICY_COMPLIANT);
	assert_int_equal(f->d.notify, DSNG_NOTIFY_SUCCESS);
	assert_int_equal(f->d.reply_code, 0);
	assert_string_equal(f->d.enhanced, "");
	assert_int_equal(f->s.n_recipients, 1);
	/* Unoffered NOTIFY is honoured by permissive, and labelled lenient. */
	dsng_policy_session_init(&f->s, DSNG_POLICY_SESSION_VERSION);
	dsng_policy_ehlo(&f->d, p, &f->s, false, NULL);
	parse(f, "RCPT TO:<a@example.org> NOTIFY=SUCCESS");
	dsng_policy_rcpt(&f->d, p, &f->s, &f->cmd, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_ACCEPT);
	assert_int_equal(f->d.compliance, DSNG_POLICY_LENIENT);
	assert_non_null(strstr(f->d.reason, "555"));
}

static void test_rcpt_without_notify(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = preset(f, "recommended");

	parse(f, "RCPT TO:<a@example.org>");
	dsng_policy_rcpt(&f->d, p, &f->s, &f->cmd, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_ACCEPT);
	assert_string_equal(f->d.rule, "rcpt.default");
	assert_int_equal(f->d.notify, 0);
}

/* A policy that offers DSN to everyone but restricts SUCCESS: the
 * non-compliant actions, each labelled so. */
static const char *offered_all(const char *action)
{
	static char buf[256];

	snprintf(buf, sizeof(buf),
	         "preset = permissive\n[rcpt]\nsuccess-from = trusted\n"
	         "delay-from = trusted\naction = %s\n",
	         action);
	return buf;
}

static void offered_rcpt(struct fx *f, const struct dsng_policy *p,
                         const char *line)
{
	dsng_policy_session_init(&f->s, DSNG_POLICY_SESSION_VERSION);
	client(f, "203.0.113.9");
	dsng_policy_ehlo(&f->d, p, &f->s, true, NULL);
	assert_int_equal(f->s.dsn_offered, 1);
	parse(f, line);
	assert_int_equal(dsng_policy_rcpt(&f->d, p, &f->s, &f->cmd, NULL), 0);
}

static void test_rcpt_strip(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = config(f, offered_all("strip"));

	offered_rcpt(f, p,
	             "RCPT TO:<a@example.org> NOTIFY=SUCCESS,FAILURE "
	             "ORCPT=rfc822;a@example.org");
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_STRIP);
	assert_int_equal(f->d.compliance, DSNG_POLICY_NOT_COMPLIANT);
	assert_int_equal(f->d.changed, 1);
	assert_int_equal(f->d.notify, 0);
	assert_string_equal(f->d.rule, "rcpt.action");
	assert_string_equal(f->d.origin, "p.conf");
	assert_int_equal(f->d.line, 5);
	assert_non_null(strstr(f->d.reason, "NOT RFC 3461-compliant"));
	assert_string_equal(
	        formatted(f),
	        "RCPT TO:<a@example.org> ORCPT=rfc822;a@example.org");
}

static void test_rcpt_downgrade(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = config(f, offered_all("downgrade"));

	offered_rcpt(f, p,
	             "RCPT TO:<a@example.org> NOTIFY=success,Delay,FAILURE");
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_DOWNGRADE);
	assert_int_equal(f->d.notify, DSNG_NOTIFY_FAILURE);
	assert_int_equal(f->cmd.notify, DSNG_NOTIFY_FAILURE);
	assert_int_equal(f->d.compliance, DSNG_POLICY_NOT_COMPLIANT);
	assert_string_equal(formatted(f),
	                    "RCPT TO:<a@example.org> NOTIFY=FAILURE");
	assert_non_null(strstr(f->d.reason, "downgraded to FAILURE"));

	/* Nothing left: NOTIFY goes, the RFC default applies. */
	offered_rcpt(f, p, "RCPT TO:<a@example.org> NOTIFY=SUCCESS");
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_DOWNGRADE);
	assert_int_equal(f->d.notify, 0);
	assert_string_equal(formatted(f), "RCPT TO:<a@example.org>");

	/* Allowed keywords pass untouched. */
	offered_rcpt(f, p, "RCPT TO:<a@example.org> NOTIFY=FAILURE");
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_ACCEPT);
	assert_int_equal(f->d.changed, 0);
	assert_int_equal(f->d.compliance, DSNG_POLICY_COMPLIANT);
}

static void test_rcpt_never_reject_accept(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = config(f, offered_all("never"));

	offered_rcpt(f, p, "RCPT TO:<a@example.org> NOTIFY=SUCCESS");
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_NEVER);
	assert_int_equal(f->d.notify, DSNG_NOTIFY_NEVER);
	assert_string_equal(formatted(f),
	                    "RCPT TO:<a@example.org> NOTIFY=NEVER");

	p = config(f, offered_all("reject"));
	offered_rcpt(f, p, "RCPT TO:<a@example.org> NOTIFY=SUCCESS,DELAY");
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_REJECT);
	assert_int_equal(f->d.compliance, DSNG_POLICY_COMPLIANT);
	reply_is(&f->d, 550, "5.7.1",
	         "NOTIFY with these keywords is not accepted from this client");
	assert_non_null(strstr(f->d.reason, "SUCCESS,DELAY notices"));

	p = config(f, offered_all("accept"));
	offered_rcpt(f, p, "RCPT TO:<a@example.org> NOTIFY=SUCCESS");
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_ACCEPT);
	assert_int_equal(f->d.notify, DSNG_NOTIFY_SUCCESS);
	assert_non_null(strstr(f->d.reason, "rcpt.action = accept"));
}

static void test_rcpt_reply_placeholders(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p =
	        config(f, "preset = permissive\n[rcpt]\nsuccess-from = none\n"
	                  "reply = 553 5.7.1 no {param}={value} here {x}\n");

	offered_rcpt(f, p, "RCPT TO:<a@example.org> NOTIFY=SUCCESS,FAILURE");
	reply_is(&f->d, 553, "5.7.1", "no NOTIFY=SUCCESS here {x}");
}

static void test_rcpt_unoffered_ignore(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = config(f, "[rcpt]\nunoffered = ignore\n");

	client(f, "198.51.100.33");
	dsng_policy_ehlo(&f->d, p, &f->s, true, NULL);
	parse(f,
	      "RCPT TO:<a@example.org> NOTIFY=SUCCESS ORCPT=rfc822;x@y.example "
	      "X-FOO=1");
	dsng_policy_rcpt(&f->d, p, &f->s, &f->cmd, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_IGNORE);
	assert_int_equal(f->d.compliance, DSNG_POLICY_LENIENT);
	assert_string_equal(formatted(f), "RCPT TO:<a@example.org> X-FOO=1");
	assert_int_equal(f->s.n_recipients, 1);
}

static void test_rcpt_orcpt_only_unoffered(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = preset(f, "recommended");

	client(f, "198.51.100.33");
	parse(f, "RCPT TO:<a@example.org> ORCPT=rfc822;a@example.org");
	/* No EHLO decision yet: the policy's offer rule is assumed. */
	dsng_policy_rcpt(&f->d, p, &f->s, &f->cmd, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_REJECT);
	assert_string_equal(f->d.reply_text, "ORCPT refused: delivery status "
	                                     "notifications are not offered to "
	                                     "this client");
}

static void test_rcpt_orcpt_from(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = config(f, "preset = permissive\n[rcpt]\n"
	                                  "orcpt-from = trusted\n");

	offered_rcpt(f, p,
	             "RCPT TO:<a@example.org> NOTIFY=FAILURE "
	             "ORCPT=rfc822;a@example.org");
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_STRIP);
	assert_string_equal(f->d.rule, "rcpt.orcpt-from");
	assert_string_equal(formatted(f),
	                    "RCPT TO:<a@example.org> NOTIFY=FAILURE");
	assert_int_equal(f->d.compliance, DSNG_POLICY_NOT_COMPLIANT);
}

static void test_rcpt_null_sender(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = config(f, offered_all("reject"));

	client(f, "203.0.113.9");
	dsng_policy_ehlo(&f->d, p, &f->s, true, NULL);
	parse(f, "MAIL FROM:<>");
	dsng_policy_mail(&f->d, p, &f->s, &f->cmd, NULL);
	assert_int_equal(f->s.null_sender, 1);
	assert_non_null(strstr(f->d.reason, "null sender"));
	parse(f, "RCPT TO:<a@example.org> NOTIFY=SUCCESS");
	dsng_policy_rcpt(&f->d, p, &f->s, &f->cmd, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_ACCEPT);
	assert_string_equal(f->d.rule, "rcpt.null-sender");
	/* A new transaction forgets the null sender. */
	parse(f, "MAIL FROM:<b@example.org>");
	dsng_policy_mail(&f->d, p, &f->s, &f->cmd, NULL);
	assert_int_equal(f->s.null_sender, 0);
}

static void test_rcpt_after_auth(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = preset(f, "recommended");

	/* EHLO comes before AUTH, so the reply could not offer DSN ... */
	client(f, "203.0.113.50");
	dsng_policy_ehlo(&f->d, p, &f->s, true, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_HIDE_DSN);
	/* ... but once authenticated the client's request is honoured (its
	 * sender is not forged), labelled lenient. */
	f->s.auth_user = "alice";
	parse(f, "MAIL FROM:<alice@example.net> RET=FULL");
	dsng_policy_mail(&f->d, p, &f->s, &f->cmd, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_ACCEPT);
	assert_int_equal(f->d.compliance, DSNG_POLICY_LENIENT);
	assert_non_null(strstr(f->d.reason, "authenticated since"));
	parse(f, "RCPT TO:<bob@example.org> NOTIFY=SUCCESS");
	dsng_policy_rcpt(&f->d, p, &f->s, &f->cmd, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_ACCEPT);
	assert_int_equal(f->d.compliance, DSNG_POLICY_LENIENT);
	assert_int_equal(f->d.notify, DSNG_NOTIFY_SUCCESS);
	assert_string_equal(f->d.rule, "rcpt.success-from");
	assert_non_null(strstr(f->d.reason, "authenticated since"));
	assert_non_null(strstr(f->d.reason, "ehlo.honour-unoffered-from"));

	/* The submission user on 587: offered at EHLO, authenticated
	 * after: plainly compliant. */
	dsng_policy_session_init(&f->s, DSNG_POLICY_SESSION_VERSION);
	client(f, "203.0.113.50");
	f->s.port = 587;
	dsng_policy_ehlo(&f->d, p, &f->s, true, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_ADVERTISE_DSN);
	f->s.auth_user = "alice";
	parse(f, "RCPT TO:<bob@example.org> NOTIFY=SUCCESS");
	dsng_policy_rcpt(&f->d, p, &f->s, &f->cmd, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_ACCEPT);
	assert_int_equal(f->d.compliance, DSNG_POLICY_COMPLIANT);

	/* Offered on 587 but not authenticated: refused, compliantly. */
	f->s.auth_user = NULL;
	parse(f, "RCPT TO:<bob@example.org> NOTIFY=SUCCESS");
	dsng_policy_rcpt(&f->d, p, &f->s, &f->cmd, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_REJECT);
	assert_int_equal(f->d.compliance, DSNG_POLICY_COMPLIANT);
	assert_string_equal(f->d.rule, "rcpt.success-from");
	reply_is(&f->d, 550, "5.7.1",
	         "NOTIFY=SUCCESS is not accepted from this client: delivery "
	         "receipts are offered to trusted senders only");

	/* sendmail-noreceipts takes no requests from anyone. */
	p = preset(f, "sendmail-noreceipts");
	f->s.auth_user = "alice";
	f->s.port = 25;
	dsng_policy_ehlo(&f->d, p, &f->s, true, NULL);
	parse(f, "RCPT TO:<bob@example.org> NOTIFY=SUCCESS");
	dsng_policy_rcpt(&f->d, p, &f->s, &f->cmd, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_REJECT);
	assert_int_equal(f->d.reply_code, 504);
}

/* A change to what an authenticated client DSN was not offered to asked
 * for is lenient too (nothing was offered, so nothing offered is broken),
 * not "not compliant". */
static void test_rcpt_unoffered_authenticated_changed(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p =
	        config(f, "[rcpt]\nsuccess-from = trusted\naction = strip\n");

	client(f, "203.0.113.50");
	dsng_policy_ehlo(&f->d, p, &f->s, true, NULL);
	f->s.auth_user = "alice";
	parse(f, "RCPT TO:<bob@example.org> NOTIFY=SUCCESS,FAILURE");
	dsng_policy_rcpt(&f->d, p, &f->s, &f->cmd, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_STRIP);
	assert_int_equal(f->d.compliance, DSNG_POLICY_LENIENT);
	assert_non_null(strstr(f->d.reason, "authenticated since"));
	assert_null(strstr(f->d.reason, "NOT RFC"));
	assert_string_equal(formatted(f), "RCPT TO:<bob@example.org>");
	/* Without the login the NOTIFY is refused as unoffered. */
	f->s.auth_user = NULL;
	parse(f, "RCPT TO:<bob@example.org> NOTIFY=SUCCESS,FAILURE");
	dsng_policy_rcpt(&f->d, p, &f->s, &f->cmd, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_REJECT);
	assert_string_equal(f->d.rule, "rcpt.unoffered");
}

/* ---- trusted networks: loopback by default, replaced by a config ---- */

static bool trusted_at(struct fx *f, const struct dsng_policy *p,
                       const char *addr)
{
	client(f, addr);
	return dsng_policy_is_trusted(p, &f->s);
}

static void test_loopback_trusted_by_default(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = preset(f, "recommended");

	assert_int_equal(dsng_policy_network_count(p), 2);
	assert_true(trusted_at(f, p, "127.0.0.1"));
	assert_true(trusted_at(f, p, "127.200.3.4"));
	assert_true(trusted_at(f, p, "::1"));
	assert_true(trusted_at(f, p, "::ffff:127.0.0.1"));
	assert_false(trusted_at(f, p, "128.0.0.1"));
	assert_false(trusted_at(f, p, "::2"));
	/* So a local client is offered DSN and keeps its receipts. */
	client(f, "127.0.0.1");
	dsng_policy_ehlo(&f->d, p, &f->s, true, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_ADVERTISE_DSN);
	parse(f, "RCPT TO:<bob@example.org> NOTIFY=SUCCESS");
	dsng_policy_rcpt(&f->d, p, &f->s, &f->cmd, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_ACCEPT);
	assert_int_equal(f->d.compliance, DSNG_POLICY_COMPLIANT);
	/* A config that does not touch [trusted-networks] keeps them. */
	p = config(f, "[rcpt]\naction = strip\n");
	assert_true(trusted_at(f, p, "127.0.0.1"));
	/* The other presets trust nothing. */
	assert_int_equal(dsng_policy_network_count(preset(f, "permissive")), 0);
	assert_int_equal(
	        dsng_policy_network_count(preset(f, "postfix-discard-dsn")), 0);
}

static void test_trusted_networks_replace_preset(void **state)
{
	struct fx *f = *state;
	static const char *const texts[] = {
	        "[trusted-networks]\n127.0.0.1/32\n",
	        "preset = recommended\n[trusted-networks]\n127.0.0.1/32\n",
	        "[ehlo]\noffer-dsn = trusted\n[trusted-networks]\n127.0.0.1\n"};
	struct dsng_policy *p;
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		p = config(f, texts[i]);
		assert_int_equal(dsng_policy_network_count(p), 1);
		assert_true(trusted_at(f, p, "127.0.0.1"));
		assert_false(trusted_at(f, p, "127.0.0.2"));
		assert_false(trusted_at(f, p, "::1"));
	}
	/* An empty section trusts nothing; later sections add up. */
	p = config(f, "[trusted-networks]\n[ehlo]\noffer-dsn = trusted\n");
	assert_int_equal(dsng_policy_network_count(p), 0);
	assert_false(trusted_at(f, p, "127.0.0.1"));
	p = config(f, "[trusted-networks]\n192.0.2.0/24\n[ehlo]\n"
	              "offer-dsn = trusted\n[trusted-networks]\n::1\n");
	assert_int_equal(dsng_policy_network_count(p), 2);
	assert_true(trusted_at(f, p, "::1"));
	assert_true(trusted_at(f, p, "192.0.2.9"));
	assert_false(trusted_at(f, p, "127.0.0.1"));
}

/* ---- MAIL ---- */

static void test_mail_ret_full_downgrade(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = preset(f, "recommended");

	client(f, "198.51.100.33");
	dsng_policy_ehlo(&f->d, p, &f->s, true, NULL);
	parse(f, "MAIL FROM:<a@example.org> RET=FULL ENVID=abc+2Bdef SIZE=100");
	dsng_policy_mail(&f->d, p, &f->s, &f->cmd, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_DOWNGRADE);
	assert_int_equal(f->d.compliance, DSNG_POLICY_LENIENT);
	assert_string_equal(f->d.rule, "mail.ret-full-action");
	assert_int_equal(f->cmd.ret, DSNG_RET_HDRS);
	assert_string_equal(formatted(f), "MAIL FROM:<a@example.org> RET=HDRS "
	                                  "ENVID=abc+2Bdef SIZE=100");
	/* Trusted clients keep RET=FULL. */
	dsng_policy_session_init(&f->s, DSNG_POLICY_SESSION_VERSION);
	f->s.trusted = 1;
	dsng_policy_ehlo(&f->d, p, &f->s, true, NULL);
	parse(f, "MAIL FROM:<a@example.org> RET=FULL");
	dsng_policy_mail(&f->d, p, &f->s, &f->cmd, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_ACCEPT);
	assert_int_equal(f->d.compliance, DSNG_POLICY_COMPLIANT);
	assert_int_equal(f->d.changed, 0);
}

static void test_mail_actions(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p =
	        config(f, "preset = permissive\n[mail]\nret-full-from = none\n"
	                  "ret-full-action = strip\nenvid-from = "
	                  "none\nenvid-action = strip\n");

	client(f, "203.0.113.9");
	dsng_policy_ehlo(&f->d, p, &f->s, true, NULL);
	parse(f, "MAIL FROM:<a@example.org> RET=FULL ENVID=x");
	dsng_policy_mail(&f->d, p, &f->s, &f->cmd, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_STRIP);
	assert_int_equal(f->d.compliance, DSNG_POLICY_NOT_COMPLIANT);
	assert_string_equal(formatted(f), "MAIL FROM:<a@example.org>");

	p = config(f, "preset = permissive\n[mail]\nenvid-from = none\n"
	              "envid-action = reject\nreply = 550 5.7.1 no {param}\n");
	parse(f, "MAIL FROM:<a@example.org> RET=FULL ENVID=x");
	dsng_policy_mail(&f->d, p, &f->s, &f->cmd, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_REJECT);
	reply_is(&f->d, 550, "5.7.1", "no ENVID");

	p = config(f, "preset = permissive\n[mail]\nunoffered = ignore\n"
	              "[ehlo]\noffer-dsn = none\n");
	dsng_policy_ehlo(&f->d, p, &f->s, true, NULL);
	parse(f, "MAIL FROM:<a@example.org> RET=FULL ENVID=x BODY=8BITMIME");
	dsng_policy_mail(&f->d, p, &f->s, &f->cmd, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_IGNORE);
	assert_string_equal(formatted(f),
	                    "MAIL FROM:<a@example.org> BODY=8BITMIME");
}

static void test_wrong_verbs(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = preset(f, "recommended");
	struct dsng_error err = DSNG_ERROR_INIT;

	parse(f, "MAIL FROM:<a@example.org>");
	assert_int_equal(dsng_policy_rcpt(&f->d, p, &f->s, &f->cmd, &err),
	                 DSNG_EINVAL);
	assert_int_equal(err.rc, DSNG_EINVAL);
	assert_int_equal(err.kind, DSNG_ERR_INVALID_ARGUMENT);
	assert_string_equal(err.message, "not a RCPT command");
	parse(f, "RCPT TO:<a@example.org>");
	assert_int_equal(dsng_policy_mail(&f->d, p, &f->s, &f->cmd, &err),
	                 DSNG_EINVAL);
	assert_string_equal(err.message, "not a MAIL command");
	assert_int_equal(dsng_policy_mail(&f->d, p, &f->s, NULL, &err),
	                 DSNG_EINVAL);
	assert_int_equal(dsng_policy_rcpt(&f->d, p, &f->s, NULL, &err),
	                 DSNG_EINVAL);
	assert_int_equal(dsng_policy_ehlo(&f->d, NULL, &f->s, true, &err),
	                 DSNG_EINVAL);
	assert_string_equal(err.message, "NULL policy");
	assert_int_equal(dsng_policy_ehlo(&f->d, p, NULL, true, &err),
	                 DSNG_EINVAL);
	assert_string_equal(err.message, "NULL session");
	assert_int_equal(dsng_policy_ehlo(NULL, p, &f->s, true, &err),
	                 DSNG_EINVAL);
	assert_string_equal(err.message, "NULL decision");
}

/* ---- versioned structs ---- */

static void test_session_init_versions(void **state)
{
	struct dsng_policy_session s, fill;
	const struct dsng_policy_session init = DSNG_POLICY_SESSION_INIT;
	unsigned v;

	(void)state;
	for (v = 1; v <= DSNG_POLICY_SESSION_VERSION; v++) {
		memset(&s, 0xa5, sizeof(s));
		assert_int_equal(dsng_policy_session_init(&s, v), 0);
		assert_int_equal(s.version, v);
		assert_int_equal(s.family, 0);
		assert_null(s.client_name);
		assert_null(s.auth_user);
		assert_false(s.tls);
		assert_int_equal(s.service, DSNG_POLICY_SERVICE_UNKNOWN);
		assert_int_equal(s.trusted, -1);
		assert_int_equal(s.trusted_cached, -1);
		assert_int_equal(s.dsn_offered, -1);
		assert_true(s.esmtp);
		assert_false(s.null_sender);
		assert_int_equal(s.n_recipients, 0);
	}
	/* The macro and the function agree. */
	assert_int_equal(init.version, DSNG_POLICY_SESSION_VERSION);
	assert_int_equal(init.trusted, s.trusted);
	assert_int_equal(init.trusted_cached, s.trusted_cached);
	assert_int_equal(init.dsn_offered, s.dsn_offered);
	assert_int_equal(init.esmtp, s.esmtp);
	/* Unknown versions and NULL are refused, the struct untouched. */
	memset(&fill, 0xa5, sizeof(fill));
	s = fill;
	assert_int_equal(dsng_policy_session_init(&s, 0), DSNG_EINVAL);
	assert_int_equal(
	        dsng_policy_session_init(&s, DSNG_POLICY_SESSION_VERSION + 1),
	        DSNG_EINVAL);
	assert_memory_equal(&s, &fill, sizeof(s));
	assert_int_equal(
	        dsng_policy_session_init(NULL, DSNG_POLICY_SESSION_VERSION),
	        DSNG_EINVAL);
}

static void test_decision_init_versions(void **state)
{
	struct dsng_decision d, fill;
	const struct dsng_decision init = DSNG_DECISION_INIT;
	unsigned v;

	(void)state;
	for (v = 1; v <= DSNG_DECISION_VERSION; v++) {
		memset(&d, 0xa5, sizeof(d));
		assert_int_equal(dsng_decision_init(&d, v), 0);
		assert_int_equal(d.version, v);
		assert_int_equal(d.action, DSNG_POLICY_ACTION_ACCEPT);
		assert_int_equal(d.compliance, DSNG_POLICY_COMPLIANT);
		assert_false(d.changed);
		assert_int_equal(d.changes, 0);
		assert_int_equal(d.reply_code, 0);
		assert_string_equal(d.enhanced, "");
		assert_string_equal(d.reply_text, "");
		assert_string_equal(d.reason, "");
		assert_null(d.rule);
		assert_int_equal(d.notify_requested, 0);
		assert_int_equal(d.notify, 0);
		assert_false(d.syntax_error);
		assert_int_equal(d.verdict, DSNG_POLICY_VERDICT_NOT_A_BOUNCE);
		assert_null(d.rewritten);
	}
	assert_int_equal(init.version, DSNG_DECISION_VERSION);
	assert_string_equal(init.enhanced, "");
	assert_null(init.rewritten);
	memset(&fill, 0xa5, sizeof(fill));
	d = fill;
	assert_int_equal(dsng_decision_init(&d, 0), DSNG_EINVAL);
	assert_int_equal(dsng_decision_init(&d, DSNG_DECISION_VERSION + 1),
	                 DSNG_EINVAL);
	assert_memory_equal(&d, &fill, sizeof(d));
	assert_int_equal(dsng_decision_init(NULL, DSNG_DECISION_VERSION),
	                 DSNG_EINVAL);
}

/* Every SMTP-time decision refuses a decision or session struct of a
 * version it does not know, and leaves the decision alone. */
static void test_unknown_versions_refused(void **state)
{
	static const unsigned bad[] = {0, DSNG_DECISION_VERSION + 1};
	struct fx *f = *state;
	struct dsng_policy *p = preset(f, "permissive");
	struct dsng_error err = DSNG_ERROR_INIT;
	struct dsng_ehlo *caps;
	static const char reply[] = "250-mx.example.net\r\n250 DSN\r\n";
	size_t i;

	assert_int_equal(dsng_ehlo_parse(f->mem, &caps, reply,
	                                 sizeof(reply) - 1, NULL, NULL),
	                 0);
	parse(f, "RCPT TO:<a@example.org> NOTIFY=SUCCESS");
	for (i = 0; i < 2; i++) {
		f->d.version = bad[i];
		strcpy(f->d.reason, "untouched");
		assert_int_equal(dsng_policy_ehlo(&f->d, p, &f->s, true, &err),
		                 DSNG_EINVAL);
		assert_int_equal(err.kind, DSNG_ERR_INVALID_ARGUMENT);
		assert_string_equal(err.message,
		                    "unknown dsng_decision version");
		assert_int_equal(
		        dsng_policy_rcpt(&f->d, p, &f->s, &f->cmd, &err),
		        DSNG_EINVAL);
		assert_int_equal(
		        dsng_policy_mail(&f->d, p, &f->s, &f->cmd, &err),
		        DSNG_EINVAL);
		assert_int_equal(dsng_policy_ehlo_reply(f->mem, &f->d, p, &f->s,
		                                        caps, &err),
		                 DSNG_EINVAL);
		assert_int_equal(dsng_policy_line(f->mem, &f->d, NULL, p, &f->s,
		                                  "EHLO x", 6, NULL, &err),
		                 DSNG_EINVAL);
		assert_string_equal(f->d.reason, "untouched");
		assert_int_equal(f->d.version, bad[i]);
	}
	f->d.version = DSNG_DECISION_VERSION;
	for (i = 0; i < 2; i++) {
		f->s.version = i ? DSNG_POLICY_SESSION_VERSION + 1 : 0;
		assert_int_equal(dsng_policy_ehlo(&f->d, p, &f->s, true, &err),
		                 DSNG_EINVAL);
		assert_string_equal(err.message,
		                    "unknown dsng_policy_session version");
		assert_int_equal(
		        dsng_policy_rcpt(&f->d, p, &f->s, &f->cmd, &err),
		        DSNG_EINVAL);
		assert_int_equal(dsng_policy_session_set_addr(
		                         &f->s, "192.0.2.1", 9, &err),
		                 DSNG_EINVAL);
		assert_int_equal(dsng_policy_classes(p, &f->s),
		                 DSNG_POLICY_CLASS_ALL);
		assert_false(dsng_policy_is_trusted(p, &f->s));
		assert_string_equal(f->d.reason, "untouched");
	}
	f->s.version = DSNG_POLICY_SESSION_VERSION;
	/* A command struct of unknown version: the decision cannot know
	 * which fields it has. */
	for (i = 0; i < 2; i++) {
		f->cmd.version = bad[i];
		strcpy(f->d.reason, "untouched");
		assert_int_equal(
		        dsng_policy_rcpt(&f->d, p, &f->s, &f->cmd, &err),
		        DSNG_EINVAL);
		assert_string_equal(err.message,
		                    "command struct of unknown version");
		assert_string_equal(f->d.reason, "untouched");
	}
	f->cmd.version = DSNG_CMD_VERSION;
	assert_int_equal(dsng_policy_ehlo(&f->d, p, &f->s, true, &err), 0);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_ADVERTISE_DSN);
}

/* ---- the trusted-network lookup and its cache ---- */

static void test_trusted_cache_reset_by_set_addr(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = config(f, "[trusted-networks]\n192.0.2.0/24\n");

	client(f, "192.0.2.10");
	dsng_policy_ehlo(&f->d, p, &f->s, true, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_ADVERTISE_DSN);
	assert_int_equal(f->s.trusted_cached, 1);
	/* The same session reused for another client: the lookup made for
	 * the first address must not carry over. */
	client(f, "198.51.100.33");
	assert_int_equal(f->s.trusted_cached, -1);
	dsng_policy_ehlo(&f->d, p, &f->s, true, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_HIDE_DSN);
	assert_non_null(strstr(f->d.reason, "198.51.100.33 (untrusted, "));
	assert_int_equal(f->s.trusted_cached, 0);
	assert_int_equal(f->s.trusted, -1);
	assert_int_equal(dsng_policy_classes(p, &f->s), DSNG_POLICY_CLASS_ALL);
	/* A failed set_addr keeps address and cache. */
	assert_int_equal(
	        dsng_policy_session_set_addr(&f->s, "not-an-ip", 9, NULL),
	        DSNG_ESYNTAX);
	assert_int_equal(f->s.trusted_cached, 0);
	/* The caller's verdict wins over the cache, and is never written. */
	f->s.trusted = 1;
	assert_int_equal(dsng_policy_classes(p, &f->s),
	                 DSNG_POLICY_CLASS_ALL | DSNG_POLICY_CLASS_TRUSTED);
	assert_int_equal(f->s.trusted, 1);
	assert_int_equal(f->s.trusted_cached, 0);
	f->s.trusted = 0;
	client(f, "192.0.2.11");
	assert_int_equal(dsng_policy_classes(p, &f->s), DSNG_POLICY_CLASS_ALL);
	assert_int_equal(f->s.trusted_cached, -1); /* not even looked up */
	assert_true(dsng_policy_is_trusted(p, &f->s));
}

/* ---- what a decision changed, and what was asked ---- */

static void test_rcpt_notify_requested_and_changes(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = config(f, offered_all("strip"));

	/* NOTIFY=SUCCESS stripped after DSN was offered. */
	offered_rcpt(f, p, "RCPT TO:<a@example.org> NOTIFY=SUCCESS");
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_STRIP);
	assert_int_equal(f->d.notify_requested, DSNG_NOTIFY_SUCCESS);
	assert_int_equal(f->d.notify, 0);
	assert_int_equal(f->d.changes, DSNG_POLICY_CHANGED_NOTIFY);
	assert_true(f->d.changed);

	/* Downgraded: SUCCESS goes, FAILURE stays. */
	p = config(f, offered_all("downgrade"));
	offered_rcpt(f, p, "RCPT TO:<a@example.org> NOTIFY=SUCCESS,FAILURE");
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_DOWNGRADE);
	assert_int_equal(f->d.notify_requested,
	                 DSNG_NOTIFY_SUCCESS | DSNG_NOTIFY_FAILURE);
	assert_int_equal(f->d.notify, DSNG_NOTIFY_FAILURE);
	assert_int_equal(f->d.changes, DSNG_POLICY_CHANGED_NOTIFY);
	/* The new value is the policy's text, as dsng_notify_format
	 * writes it. */
	assert_string_equal(formatted(f),
	                    "RCPT TO:<a@example.org> NOTIFY=FAILURE");

	/* NEVER replaces it. */
	p = config(f, offered_all("never"));
	offered_rcpt(f, p, "RCPT TO:<a@example.org> NOTIFY=SUCCESS,DELAY");
	assert_int_equal(f->d.notify_requested,
	                 DSNG_NOTIFY_SUCCESS | DSNG_NOTIFY_DELAY);
	assert_int_equal(f->d.notify, DSNG_NOTIFY_NEVER);
	assert_int_equal(f->d.changes, DSNG_POLICY_CHANGED_NOTIFY);

	/* Refused: nothing changed, the request is still reported. */
	p = config(f, offered_all("reject"));
	offered_rcpt(f, p, "RCPT TO:<a@example.org> NOTIFY=SUCCESS");
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_REJECT);
	assert_int_equal(f->d.notify_requested, DSNG_NOTIFY_SUCCESS);
	assert_int_equal(f->d.changes, 0);
	assert_false(f->d.changed);

	/* Honoured, and no NOTIFY at all. */
	offered_rcpt(f, p, "RCPT TO:<a@example.org> NOTIFY=FAILURE");
	assert_int_equal(f->d.notify_requested, DSNG_NOTIFY_FAILURE);
	assert_int_equal(f->d.changes, 0);
	offered_rcpt(f, p, "RCPT TO:<a@example.org>");
	assert_int_equal(f->d.notify_requested, 0);
	assert_int_equal(f->d.changes, 0);

	/* ORCPT dropped besides. */
	p = config(f, "preset = permissive\n[rcpt]\nsuccess-from = none\n"
	              "action = strip\norcpt-from = none\n");
	offered_rcpt(f, p,
	             "RCPT TO:<a@example.org> NOTIFY=SUCCESS "
	             "ORCPT=rfc822;a@example.org");
	assert_int_equal(f->d.changes, DSNG_POLICY_CHANGED_NOTIFY |
	                                       DSNG_POLICY_CHANGED_ORCPT);
	assert_int_equal(f->d.notify_requested, DSNG_NOTIFY_SUCCESS);

	/* DSN not offered and unoffered = ignore: both go. */
	p = config(f, "[rcpt]\nunoffered = ignore\n");
	dsng_policy_session_init(&f->s, DSNG_POLICY_SESSION_VERSION);
	client(f, "198.51.100.33");
	dsng_policy_ehlo(&f->d, p, &f->s, true, NULL);
	parse(f, "RCPT TO:<a@example.org> NOTIFY=SUCCESS "
	         "ORCPT=rfc822;a@example.org");
	dsng_policy_rcpt(&f->d, p, &f->s, &f->cmd, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_IGNORE);
	assert_int_equal(f->d.notify_requested, DSNG_NOTIFY_SUCCESS);
	assert_int_equal(f->d.changes, DSNG_POLICY_CHANGED_NOTIFY |
	                                       DSNG_POLICY_CHANGED_ORCPT);
	parse(f, "RCPT TO:<a@example.org> ORCPT=rfc822;a@example.org");
	dsng_policy_rcpt(&f->d, p, &f->s, &f->cmd, NULL);
	assert_int_equal(f->d.notify_requested, 0);
	assert_int_equal(f->d.changes, DSNG_POLICY_CHANGED_ORCPT);
}

static void test_mail_changes(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = preset(f, "recommended");

	client(f, "198.51.100.33");
	dsng_policy_ehlo(&f->d, p, &f->s, true, NULL);
	parse(f, "MAIL FROM:<a@example.org> RET=FULL ENVID=x");
	dsng_policy_mail(&f->d, p, &f->s, &f->cmd, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_DOWNGRADE);
	assert_int_equal(f->d.changes, DSNG_POLICY_CHANGED_RET);
	assert_int_equal(f->d.notify_requested, 0);

	p = config(f, "preset = permissive\n[mail]\nret-full-from = none\n"
	              "ret-full-action = strip\nenvid-from = none\n");
	parse(f, "MAIL FROM:<a@example.org> RET=FULL ENVID=x");
	dsng_policy_mail(&f->d, p, &f->s, &f->cmd, NULL);
	assert_int_equal(f->d.changes,
	                 DSNG_POLICY_CHANGED_RET | DSNG_POLICY_CHANGED_ENVID);

	/* RET downgraded, then ENVID refused: the command is refused, and
	 * the decision reports no change. */
	p = config(f, "preset = permissive\n[mail]\nret-full-from = none\n"
	              "envid-from = none\nenvid-action = reject\n");
	parse(f, "MAIL FROM:<a@example.org> RET=FULL ENVID=x");
	dsng_policy_mail(&f->d, p, &f->s, &f->cmd, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_REJECT);
	assert_int_equal(f->d.changes, 0);
	assert_false(f->d.changed);

	/* Unoffered and ignored: only what was there is reported. */
	p = config(f, "preset = permissive\n[mail]\nunoffered = ignore\n"
	              "[ehlo]\noffer-dsn = none\n");
	dsng_policy_ehlo(&f->d, p, &f->s, true, NULL);
	parse(f, "MAIL FROM:<a@example.org> ENVID=x");
	dsng_policy_mail(&f->d, p, &f->s, &f->cmd, NULL);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_IGNORE);
	assert_int_equal(f->d.changes, DSNG_POLICY_CHANGED_ENVID);
	parse(f, "MAIL FROM:<a@example.org> RET=HDRS");
	dsng_policy_mail(&f->d, p, &f->s, &f->cmd, NULL);
	assert_int_equal(f->d.changes, DSNG_POLICY_CHANGED_RET);
}

/* ---- wrappers ---- */

static void test_line_wrapper(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = config(f, offered_all("downgrade"));
	struct dsng_error err = DSNG_ERROR_INIT;
	static const char l1[] = "EHLO client.example";
	static const char l2[] =
	        "RCPT TO:<a@example.org> NOTIFY=SUCCESS,FAILURE";
	static const char l3[] = "RCPT TO:<a@example.org> NOTIFY=SOMETIMES";
	const char *g;

	client(f, "203.0.113.9");
	g = dsng_test_guard(l1, sizeof(l1) - 1);
	assert_int_equal(dsng_policy_line(f->mem, &f->d, NULL, p, &f->s, g,
	                                  sizeof(l1) - 1, NULL, &err),
	                 0);
	dsng_test_guard_free(g);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_ADVERTISE_DSN);

	g = dsng_test_guard(l2, sizeof(l2) - 1);
	assert_int_equal(dsng_policy_line(f->mem, &f->d, NULL, p, &f->s, g,
	                                  sizeof(l2) - 1, NULL, &err),
	                 0);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_DOWNGRADE);
	assert_string_equal(f->d.rewritten,
	                    "RCPT TO:<a@example.org> NOTIFY=FAILURE");
	assert_true(talloc_parent(f->d.rewritten) == f->mem);
	talloc_free(f->d.rewritten);
	dsng_test_guard_free(g);

	/* A line that does not parse: the parser's error is returned, and
	 * the decision is the refusal to send. */
	f->s.n_recipients = 3;
	assert_int_equal(dsng_policy_line(f->mem, &f->d, NULL, p, &f->s, l3,
	                                  sizeof(l3) - 1, NULL, &err),
	                 DSNG_ESYNTAX);
	assert_int_equal(err.rc, DSNG_ESYNTAX);
	assert_int_equal(err.kind, DSNG_ERR_BAD_NOTIFY);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_REJECT);
	assert_true(f->d.syntax_error);
	assert_string_equal(f->d.rule, "syntax");
	assert_string_equal(f->d.origin, "parser");
	assert_int_equal(f->d.reply_code, 501);
	assert_string_equal(f->d.enhanced, "5.5.4");
	assert_string_equal(f->d.reply_text, err.message);
	assert_non_null(strstr(f->d.reason, "does not parse"));
	assert_int_equal(f->d.notify_requested, 0);
	assert_int_equal(f->d.changes, 0);
	assert_null(f->d.rewritten);
	assert_int_equal(f->s.n_recipients, 3); /* the session is unchanged */

	/* The next line that parses clears the flag. */
	assert_int_equal(dsng_policy_line(f->mem, &f->d, NULL, p, &f->s, "NOOP",
	                                  4, NULL, &err),
	                 0);
	assert_false(f->d.syntax_error);
	assert_string_equal(f->d.rule, "other");
	assert_non_null(strstr(f->d.reason, "no DSN policy applies to NOOP"));
	f->s.null_sender = 1;
	assert_int_equal(dsng_policy_line(f->mem, &f->d, NULL, p, &f->s, "RSET",
	                                  4, NULL, &err),
	                 0);
	assert_int_equal(f->s.null_sender, 0);
	assert_int_equal(f->s.n_recipients, 0);
}

/* The refusal of a malformed line, for every way a line fails. */
static void test_line_syntax_errors(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = preset(f, "recommended");
	struct dsng_error err = DSNG_ERROR_INIT;
	struct dsng_cmd_opts o;
	char *longl;

	/* Without an error struct the refusal still has the parser's
	 * reply. */
	assert_int_equal(dsng_policy_line(f->mem, &f->d, NULL, p, &f->s,
	                                  "FROB x", 6, NULL, NULL),
	                 DSNG_ESYNTAX);
	assert_true(f->d.syntax_error);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_REJECT);
	assert_int_equal(f->d.reply_code, 500);
	assert_string_equal(f->d.enhanced, "5.5.1");
	assert_true(f->d.reply_text[0] != 0);

	/* An error struct of an unknown version is left alone, but the
	 * refusal is filled all the same. */
	err.version = 0;
	assert_int_equal(dsng_policy_line(f->mem, &f->d, NULL, p, &f->s, "", 0,
	                                  NULL, &err),
	                 DSNG_ESYNTAX);
	assert_int_equal(err.rc, 0);
	assert_true(f->d.syntax_error);
	assert_int_equal(f->d.reply_code, 500);
	dsng_error_init(&err, DSNG_ERROR_VERSION);

	/* A limit: DSNG_ELIMIT, the same refusal. */
	dsng_cmd_opts_init(&o, DSNG_CMD_OPTS_VERSION);
	o.max_line = 64;
	longl = talloc_asprintf(f->mem, "RCPT TO:<%0100d@example.org>", 1);
	assert_int_equal(dsng_policy_line(f->mem, &f->d, NULL, p, &f->s, longl,
	                                  strlen(longl), &o, &err),
	                 DSNG_ELIMIT);
	assert_int_equal(err.kind, DSNG_ERR_LINE_TOO_LONG);
	assert_true(f->d.syntax_error);
	assert_string_equal(f->d.rule, "syntax");
	assert_int_equal(f->d.reply_code, err.reply);
	assert_string_equal(f->d.enhanced, err.enhanced);

	/* Bad arguments are errors without a refusal. */
	strcpy(f->d.reason, "untouched");
	assert_int_equal(dsng_policy_line(f->mem, &f->d, NULL, p, &f->s, NULL,
	                                  4, NULL, &err),
	                 DSNG_EINVAL);
	assert_string_equal(err.message, "NULL line");
	assert_int_equal(dsng_policy_line(f->mem, &f->d, NULL, NULL, &f->s,
	                                  "NOOP", 4, NULL, &err),
	                 DSNG_EINVAL);
	assert_int_equal(dsng_policy_line(f->mem, &f->d, NULL, p, NULL, "NOOP",
	                                  4, NULL, &err),
	                 DSNG_EINVAL);
	assert_int_equal(dsng_policy_line(f->mem, NULL, NULL, p, &f->s, "NOOP",
	                                  4, NULL, &err),
	                 DSNG_EINVAL);
	o.version = 0; /* the parser refuses it: not a syntax error */
	assert_int_equal(dsng_policy_line(f->mem, &f->d, NULL, p, &f->s, "NOOP",
	                                  4, &o, &err),
	                 DSNG_EINVAL);
	assert_string_equal(f->d.reason, "untouched");
}

/* MAIL through the line wrapper: the rewrite, the session, the cmd. */
static void test_line_mail(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = preset(f, "recommended");
	struct dsng_error err = DSNG_ERROR_INIT;
	static const char l[] = "MAIL FROM:<a@example.org> RET=FULL ENVID=x";
	struct dsng_cmd cmd = DSNG_CMD_INIT;

	client(f, "198.51.100.33");
	assert_int_equal(dsng_policy_line(f->mem, &f->d, NULL, p, &f->s,
	                                  "LHLO client.example", 19, NULL,
	                                  &err),
	                 0);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_HIDE_DSN);
	assert_true(f->s.esmtp);
	f->s.n_recipients = 2;
	assert_int_equal(dsng_policy_line(f->mem, &f->d, &cmd, p, &f->s, l,
	                                  sizeof(l) - 1, NULL, &err),
	                 0);
	assert_int_equal(cmd.verb, DSNG_VERB_MAIL);
	assert_int_equal(cmd.ret, DSNG_RET_HDRS);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_DOWNGRADE);
	assert_int_equal(f->d.changes, DSNG_POLICY_CHANGED_RET);
	assert_string_equal(f->d.rewritten,
	                    "MAIL FROM:<a@example.org> RET=HDRS ENVID=x");
	assert_int_equal(f->s.n_recipients, 0); /* a new transaction */
	assert_false(f->s.null_sender);
	talloc_free(f->d.rewritten);

	/* No context: the decision without the rewritten line. */
	assert_int_equal(dsng_policy_line(NULL, &f->d, NULL, p, &f->s, l,
	                                  sizeof(l) - 1, NULL, &err),
	                 0);
	assert_true(f->d.changed);
	assert_null(f->d.rewritten);

	/* A null sender is recorded; HELO turns ESMTP off. */
	assert_int_equal(dsng_policy_line(f->mem, &f->d, NULL, p, &f->s,
	                                  "MAIL FROM:<>", 12, NULL, &err),
	                 0);
	assert_true(f->s.null_sender);
	assert_false(f->d.changed);
	assert_null(f->d.rewritten);
	assert_int_equal(dsng_policy_line(f->mem, &f->d, NULL, p, &f->s,
	                                  "HELO client.example", 19, NULL,
	                                  &err),
	                 0);
	assert_false(f->s.esmtp);
	assert_string_equal(f->d.rule, "ehlo.helo");
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
/* talloc's memory limit is deprecated but still enforced: the one way to
 * make an allocation inside the library fail on purpose. */
static void limit_memory(TALLOC_CTX *ctx)
{
	assert_int_equal(talloc_set_memlimit(ctx, 1), 0);
}
#pragma GCC diagnostic pop

static void test_line_out_of_memory(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = preset(f, "recommended");
	struct dsng_error err = DSNG_ERROR_INIT;
	static const char l[] = "MAIL FROM:<a@example.org> RET=FULL";
	TALLOC_CTX *tiny = talloc_new(f->mem);

	client(f, "198.51.100.33");
	limit_memory(tiny);
	assert_int_equal(dsng_policy_line(tiny, &f->d, NULL, p, &f->s, l,
	                                  sizeof(l) - 1, NULL, &err),
	                 DSNG_ENOMEM);
	assert_int_equal(err.kind, DSNG_ERR_NOMEM);
	assert_null(f->d.rewritten);
	talloc_free(tiny);
}

static void test_ehlo_reply_rewrite(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = preset(f, "recommended");
	static const char reply[] =
	        "250-mx.example.net Hello [198.51.100.33]\r\n"
	        "250-PIPELINING\r\n250-DSN\r\n250 HELP\r\n";
	struct dsng_ehlo *caps;

	assert_int_equal(dsng_ehlo_parse(f->mem, &caps, reply,
	                                 sizeof(reply) - 1, NULL, NULL),
	                 0);
	client(f, "198.51.100.33");
	assert_int_equal(
	        dsng_policy_ehlo_reply(f->mem, &f->d, p, &f->s, caps, NULL), 0);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_HIDE_DSN);
	assert_int_equal(f->d.changed, 1);
	assert_int_equal(f->d.changes, DSNG_POLICY_CHANGED_DSN_LINE);
	assert_string_equal(f->d.rewritten,
	                    "250-mx.example.net Hello [198.51.100.33]\r\n"
	                    "250-PIPELINING\r\n250 HELP\r\n");
	f->s.trusted = 1;
	assert_int_equal(
	        dsng_policy_ehlo_reply(f->mem, &f->d, p, &f->s, caps, NULL), 0);
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_ADVERTISE_DSN);
	assert_null(f->d.rewritten);
	assert_int_equal(f->d.changes, 0);
	assert_int_equal(
	        dsng_policy_ehlo_reply(f->mem, &f->d, p, &f->s, NULL, NULL),
	        DSNG_EINVAL);
}

/* An RCPT accepted as it was states its standing with the plain label,
 * whatever the client's login says: a login such as "lenientbob" or
 * "compliant" is part of the client's description, not a standing. */
static void test_rcpt_label_not_from_login(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = preset(f, "recommended");
	static const char *const users[] = {"bob", "lenientbob",
	                                    "noncompliant"};
	size_t i;

	for (i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
		const char *r;
		dsng_policy_session_init(&f->s, DSNG_POLICY_SESSION_VERSION);
		client(f, "198.51.100.7");
		f->s.port = 587;
		f->s.auth_user = users[i];
		dsng_policy_ehlo(&f->d, p, &f->s, true, NULL);
		assert_int_equal(f->d.action, DSNG_POLICY_ACTION_ADVERTISE_DSN);
		parse(f, "RCPT TO:<carol@example.org> NOTIFY=SUCCESS");
		dsng_policy_rcpt(&f->d, p, &f->s, &f->cmd, NULL);
		assert_int_equal(f->d.action, DSNG_POLICY_ACTION_ACCEPT);
		assert_int_equal(f->d.compliance, DSNG_POLICY_COMPLIANT);
		assert_non_null(strstr(f->d.reason, users[i]));
		r = f->d.reason + strlen(f->d.reason) - strlen(" (compliant)");
		assert_string_equal(r, " (compliant)");
	}
}

/* The client text every reason starts with, exactly: each octet width of
 * an IPv4 address, IPv6 in its RFC 5952 form, every class word, and a
 * buffer too small for it (truncated, still terminated). */
static void test_client_description_exact(void **state)
{
	struct fx *f = *state;
	char buf[128], small[12];
	static const struct {
		const char *addr;
		unsigned cls;
		const char *user;
		const char *want;
	} cases[] = {
	        {"0.9.10.255", 0, NULL,
	         "0.9.10.255 (untrusted, unauthenticated, smtp)"},
	        {"99.100.199.1", DSNG_POLICY_CLASS_TRUSTED, NULL,
	         "99.100.199.1 (trusted, unauthenticated, smtp)"},
	        {"192.0.2.1",
	         DSNG_POLICY_CLASS_AUTHENTICATED | DSNG_POLICY_CLASS_TLS |
	                 DSNG_POLICY_CLASS_SUBMISSION,
	         "alice",
	         "192.0.2.1 (untrusted, authenticated as alice, TLS, "
	         "submission)"},
	        {"2001:DB8::1", DSNG_POLICY_CLASS_LOCAL, NULL,
	         "2001:db8::1 (untrusted, unauthenticated, local submission)"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		client(f, cases[i].addr);
		f->s.auth_user = cases[i].user;
		dsng__describe_classes(&f->s, cases[i].cls, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].want);
	}
	dsng__describe_classes(&f->s, 0, small, sizeof(small));
	assert_string_equal(small, "2001:db8::1");
	f->s.family = 0;
	dsng__describe_classes(&f->s, 0, buf, sizeof(buf));
	assert_string_equal(buf, "unknown address (untrusted, unauthenticated, "
	                         "smtp)");
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(
	        dsng_policy_action_name(DSNG_POLICY_ACTION_HIDE_DSN),
	        "hide_dsn");
	assert_string_equal(
	        dsng_policy_action_name(DSNG_POLICY_ACTION_ADVERTISE_DSN),
	        "advertise_dsn");
	assert_string_equal(
	        dsng_policy_action_name((enum dsng_policy_action)77),
	        "unknown");
	assert_string_equal(
	        dsng_policy_compliance_name(DSNG_POLICY_NOT_COMPLIANT),
	        "not_compliant");
	assert_string_equal(
	        dsng_policy_verdict_name(DSNG_POLICY_VERDICT_BACKSCATTER),
	        "backscatter");
}

int main(void)
{
#define T(x) cmocka_unit_test_setup_teardown(x, setup, teardown)
	const struct CMUnitTest tests[] = {
	        T(test_ehlo_recommended),
	        T(test_ehlo_postfix_submission_port),
	        T(test_ehlo_time_classes),
	        T(test_caller_trust_overrides_networks),
	        T(test_rcpt_recommended_refuses_unoffered),
	        T(test_rcpt_sendmail_noreceipts),
	        T(test_rcpt_postfix),
	        T(test_rcpt_permissive_honours),
	        T(test_rcpt_without_notify),
	        T(test_rcpt_strip),
	        T(test_rcpt_downgrade),
	        T(test_rcpt_never_reject_accept),
	        T(test_rcpt_reply_placeholders),
	        T(test_rcpt_unoffered_ignore),
	        T(test_rcpt_orcpt_only_unoffered),
	        T(test_rcpt_orcpt_from),
	        T(test_rcpt_null_sender),
	        T(test_rcpt_after_auth),
	        T(test_rcpt_unoffered_authenticated_changed),
	        T(test_loopback_trusted_by_default),
	        T(test_trusted_networks_replace_preset),
	        T(test_mail_ret_full_downgrade),
	        T(test_mail_actions),
	        T(test_wrong_verbs),
	        cmocka_unit_test(test_session_init_versions),
	        cmocka_unit_test(test_decision_init_versions),
	        T(test_unknown_versions_refused),
	        T(test_trusted_cache_reset_by_set_addr),
	        T(test_rcpt_notify_requested_and_changes),
	        T(test_mail_changes),
	        T(test_line_wrapper),
	        T(test_line_syntax_errors),
	        T(test_line_mail),
	        T(test_line_out_of_memory),
	        T(test_ehlo_reply_rewrite),
	        cmocka_unit_test(test_names),
	        T(test_client_description_exact),
	        T(test_rcpt_label_not_from_login),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
