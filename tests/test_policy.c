/*
 * tests/test_policy.c - the SMTP-time decisions (EHLO, MAIL, RCPT) under
 * every preset and the config actions, with their replies, rules,
 * compliance labels and in-place rewrites; and the line wrappers.
 */
#include "dsng_test.h"
#include "policy_int.h"

struct fx {
	TALLOC_CTX *mem;
	struct dsng_session s;
	struct dsng_cmd cmd;
	struct dsng_decision d;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->mem = talloc_new(NULL);
	dsng_session_init(&f->s);
	dsng_cmd_init(&f->cmd, DSNG_CMD_VERSION);
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
	assert_int_equal(dsng_session_set_addr(&f->s, addr, strlen(addr), NULL),
	                 0);
	f->s.trusted = -1;
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
	assert_int_equal(dsng_policy_ehlo(p, &f->s, 1, &f->d), 0);
	assert_int_equal(f->d.action, DSNG_ACTION_HIDE_DSN);
	assert_int_equal(f->s.dsn_offered, 0);
	assert_int_equal(f->s.trusted, 0);
	assert_string_equal(f->d.rule, "ehlo.offer-dsn");
	assert_string_equal(f->d.origin, "recommended");
	assert_int_equal(f->d.compliance, DSNG_COMPLIANT);
	assert_non_null(strstr(f->d.reason, "198.51.100.33 (untrusted, "
	                                    "unauthenticated, smtp)"));

	dsng_session_init(&f->s);
	client(f, "192.0.2.10");
	dsng_policy_ehlo(p, &f->s, 1, &f->d);
	assert_int_equal(f->d.action, DSNG_ACTION_ADVERTISE_DSN);
	assert_int_equal(f->s.dsn_offered, 1);

	/* Authenticated, or local submission, also get DSN. */
	dsng_session_init(&f->s);
	client(f, "203.0.113.5");
	f->s.auth_user = "alice";
	dsng_policy_ehlo(p, &f->s, 1, &f->d);
	assert_int_equal(f->d.action, DSNG_ACTION_ADVERTISE_DSN);
	assert_non_null(strstr(f->d.reason, "authenticated as alice"));
	dsng_session_init(&f->s);
	f->s.service = DSNG_SERVICE_LOCAL;
	dsng_policy_ehlo(p, &f->s, 1, &f->d);
	assert_int_equal(f->d.action, DSNG_ACTION_ADVERTISE_DSN);

	/* HELO never offers extensions. */
	dsng_policy_ehlo(p, &f->s, 0, &f->d);
	assert_int_equal(f->d.action, DSNG_ACTION_HIDE_DSN);
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
	dsng_policy_ehlo(p, &f->s, 1, &f->d);
	assert_int_equal(f->d.action, DSNG_ACTION_ADVERTISE_DSN);
	assert_int_equal(dsng_policy_classes(p, &f->s),
	                 DSNG_CLASS_ALL | DSNG_CLASS_SUBMISSION);
	f->s.port = 25;
	dsng_policy_ehlo(p, &f->s, 1, &f->d);
	assert_int_equal(f->d.action, DSNG_ACTION_HIDE_DSN);
	f->s.tls = 1;
	assert_int_equal(dsng_policy_classes(p, &f->s),
	                 DSNG_CLASS_ALL | DSNG_CLASS_TLS);
}

static void test_caller_trust_overrides_networks(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = preset(f, "recommended");

	client(f, "203.0.113.5");
	f->s.trusted = 1;
	dsng_policy_ehlo(p, &f->s, 1, &f->d);
	assert_int_equal(f->d.action, DSNG_ACTION_ADVERTISE_DSN);
}

/* ---- RCPT: the issue-2 session under each preset ---- */

static void spammer_rcpt(struct fx *f, const struct dsng_policy *p)
{
	client(f, "198.51.100.33");
	dsng_policy_ehlo(p, &f->s, 1, &f->d);
	parse(f, "MAIL FROM:<spamvictim@victim.example>");
	assert_int_equal(dsng_policy_mail(p, &f->s, &f->cmd, &f->d), 0);
	assert_int_equal(f->d.action, DSNG_ACTION_ACCEPT);
	parse(f, "RCPT TO:<legal_address@example.net> NOTIFY=SUCCESS");
	assert_int_equal(dsng_policy_rcpt(p, &f->s, &f->cmd, &f->d), 0);
}

static void test_rcpt_recommended_refuses_unoffered(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = preset(f, "recommended");

	spammer_rcpt(f, p);
	assert_int_equal(f->d.action, DSNG_ACTION_REJECT);
	assert_int_equal(f->d.compliance, DSNG_COMPLIANT);
	assert_string_equal(f->d.rule, "rcpt.unoffered");
	assert_string_equal(f->d.origin, "recommended");
	reply_is(
	        &f->d, 550, "5.7.1",
	        "NOTIFY refused: delivery status notifications are not offered "
	        "to this client");
	assert_int_equal(f->d.notify, DSNG_NOTIFY_SUCCESS);
	assert_int_equal(f->d.changed, 0);
	assert_int_equal(f->s.recipients, 0);
}

static void test_rcpt_sendmail_noreceipts(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = preset(f, "sendmail-noreceipts");

	spammer_rcpt(f, p);
	assert_int_equal(f->d.action, DSNG_ACTION_REJECT);
	reply_is(&f->d, 504, "5.7.0",
	         "Sorry, NOTIFY not supported, we do not allow DSN");
	/* Even a trusted client gets no DSN from noreceipts. */
	dsng_session_init(&f->s);
	f->s.trusted = 1;
	dsng_policy_ehlo(p, &f->s, 1, &f->d);
	assert_int_equal(f->d.action, DSNG_ACTION_HIDE_DSN);
	/* RET on MAIL too, with the keyword in the text. */
	parse(f, "MAIL FROM:<a@example.org> RET=HDRS");
	dsng_policy_mail(p, &f->s, &f->cmd, &f->d);
	reply_is(&f->d, 504, "5.7.0",
	         "Sorry, RET not supported, we do not allow DSN");
}

static void test_rcpt_postfix(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = preset(f, "postfix-discard-dsn");

	spammer_rcpt(f, p);
	assert_int_equal(f->d.action, DSNG_ACTION_REJECT);
	reply_is(&f->d, 501, "5.7.1", "DSN support is disabled");
	parse(f, "MAIL FROM:<a@example.org> ENVID=x");
	dsng_policy_mail(p, &f->s, &f->cmd, &f->d);
	assert_int_equal(f->d.action, DSNG_ACTION_REJECT);
	reply_is(&f->d, 501, "5.7.1", "DSN support is disabled");
}

static void test_rcpt_permissive_honours(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = preset(f, "permissive");

	spammer_rcpt(f, p);
	assert_int_equal(f->d.action, DSNG_ACTION_ACCEPT);
	assert_int_equal(f->d.compliance, DSNG_COMPLIANT);
	assert_int_equal(f->d.notify, DSNG_NOTIFY_SUCCESS);
	assert_int_equal(f->d.reply_code, 0);
	assert_string_equal(f->d.enhanced, "");
	assert_int_equal(f->s.recipients, 1);
	/* Unoffered NOTIFY is honoured by permissive, and labelled lenient. */
	dsng_session_init(&f->s);
	dsng_policy_ehlo(p, &f->s, 0, &f->d);
	parse(f, "RCPT TO:<a@example.org> NOTIFY=SUCCESS");
	dsng_policy_rcpt(p, &f->s, &f->cmd, &f->d);
	assert_int_equal(f->d.action, DSNG_ACTION_ACCEPT);
	assert_int_equal(f->d.compliance, DSNG_LENIENT);
	assert_non_null(strstr(f->d.reason, "555"));
}

static void test_rcpt_without_notify(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = preset(f, "recommended");

	parse(f, "RCPT TO:<a@example.org>");
	dsng_policy_rcpt(p, &f->s, &f->cmd, &f->d);
	assert_int_equal(f->d.action, DSNG_ACTION_ACCEPT);
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
	dsng_session_init(&f->s);
	client(f, "203.0.113.9");
	dsng_policy_ehlo(p, &f->s, 1, &f->d);
	assert_int_equal(f->s.dsn_offered, 1);
	parse(f, line);
	assert_int_equal(dsng_policy_rcpt(p, &f->s, &f->cmd, &f->d), 0);
}

static void test_rcpt_strip(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = config(f, offered_all("strip"));

	offered_rcpt(f, p,
	             "RCPT TO:<a@example.org> NOTIFY=SUCCESS,FAILURE "
	             "ORCPT=rfc822;a@example.org");
	assert_int_equal(f->d.action, DSNG_ACTION_STRIP);
	assert_int_equal(f->d.compliance, DSNG_NOT_COMPLIANT);
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
	assert_int_equal(f->d.action, DSNG_ACTION_DOWNGRADE);
	assert_int_equal(f->d.notify, DSNG_NOTIFY_FAILURE);
	assert_int_equal(f->cmd.notify, DSNG_NOTIFY_FAILURE);
	assert_int_equal(f->d.compliance, DSNG_NOT_COMPLIANT);
	assert_string_equal(formatted(f),
	                    "RCPT TO:<a@example.org> NOTIFY=FAILURE");
	assert_non_null(strstr(f->d.reason, "downgraded to FAILURE"));

	/* Nothing left: NOTIFY goes, the RFC default applies. */
	offered_rcpt(f, p, "RCPT TO:<a@example.org> NOTIFY=SUCCESS");
	assert_int_equal(f->d.action, DSNG_ACTION_DOWNGRADE);
	assert_int_equal(f->d.notify, 0);
	assert_string_equal(formatted(f), "RCPT TO:<a@example.org>");

	/* Allowed keywords pass untouched. */
	offered_rcpt(f, p, "RCPT TO:<a@example.org> NOTIFY=FAILURE");
	assert_int_equal(f->d.action, DSNG_ACTION_ACCEPT);
	assert_int_equal(f->d.changed, 0);
	assert_int_equal(f->d.compliance, DSNG_COMPLIANT);
}

static void test_rcpt_never_reject_accept(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = config(f, offered_all("never"));

	offered_rcpt(f, p, "RCPT TO:<a@example.org> NOTIFY=SUCCESS");
	assert_int_equal(f->d.action, DSNG_ACTION_NEVER);
	assert_int_equal(f->d.notify, DSNG_NOTIFY_NEVER);
	assert_string_equal(formatted(f),
	                    "RCPT TO:<a@example.org> NOTIFY=NEVER");

	p = config(f, offered_all("reject"));
	offered_rcpt(f, p, "RCPT TO:<a@example.org> NOTIFY=SUCCESS,DELAY");
	assert_int_equal(f->d.action, DSNG_ACTION_REJECT);
	assert_int_equal(f->d.compliance, DSNG_COMPLIANT);
	reply_is(&f->d, 550, "5.7.1",
	         "NOTIFY with these keywords is not accepted from this client");
	assert_non_null(strstr(f->d.reason, "SUCCESS,DELAY notices"));

	p = config(f, offered_all("accept"));
	offered_rcpt(f, p, "RCPT TO:<a@example.org> NOTIFY=SUCCESS");
	assert_int_equal(f->d.action, DSNG_ACTION_ACCEPT);
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
	dsng_policy_ehlo(p, &f->s, 1, &f->d);
	parse(f,
	      "RCPT TO:<a@example.org> NOTIFY=SUCCESS ORCPT=rfc822;x@y.example "
	      "X-FOO=1");
	dsng_policy_rcpt(p, &f->s, &f->cmd, &f->d);
	assert_int_equal(f->d.action, DSNG_ACTION_IGNORE);
	assert_int_equal(f->d.compliance, DSNG_LENIENT);
	assert_string_equal(formatted(f), "RCPT TO:<a@example.org> X-FOO=1");
	assert_int_equal(f->s.recipients, 1);
}

static void test_rcpt_orcpt_only_unoffered(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = preset(f, "recommended");

	client(f, "198.51.100.33");
	parse(f, "RCPT TO:<a@example.org> ORCPT=rfc822;a@example.org");
	/* No EHLO decision yet: the policy's offer rule is assumed. */
	dsng_policy_rcpt(p, &f->s, &f->cmd, &f->d);
	assert_int_equal(f->d.action, DSNG_ACTION_REJECT);
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
	assert_int_equal(f->d.action, DSNG_ACTION_STRIP);
	assert_string_equal(f->d.rule, "rcpt.orcpt-from");
	assert_string_equal(formatted(f),
	                    "RCPT TO:<a@example.org> NOTIFY=FAILURE");
	assert_int_equal(f->d.compliance, DSNG_NOT_COMPLIANT);
}

static void test_rcpt_null_sender(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = config(f, offered_all("reject"));

	client(f, "203.0.113.9");
	dsng_policy_ehlo(p, &f->s, 1, &f->d);
	parse(f, "MAIL FROM:<>");
	dsng_policy_mail(p, &f->s, &f->cmd, &f->d);
	assert_int_equal(f->s.null_sender, 1);
	assert_non_null(strstr(f->d.reason, "null sender"));
	parse(f, "RCPT TO:<a@example.org> NOTIFY=SUCCESS");
	dsng_policy_rcpt(p, &f->s, &f->cmd, &f->d);
	assert_int_equal(f->d.action, DSNG_ACTION_ACCEPT);
	assert_string_equal(f->d.rule, "rcpt.null-sender");
	/* A new transaction forgets the null sender. */
	parse(f, "MAIL FROM:<b@example.org>");
	dsng_policy_mail(p, &f->s, &f->cmd, &f->d);
	assert_int_equal(f->s.null_sender, 0);
}

static void test_rcpt_after_auth(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = preset(f, "recommended");

	/* EHLO comes before AUTH, so the reply could not offer DSN ... */
	client(f, "203.0.113.50");
	dsng_policy_ehlo(p, &f->s, 1, &f->d);
	assert_int_equal(f->d.action, DSNG_ACTION_HIDE_DSN);
	/* ... but once authenticated the client's request is honoured,
	 * labelled lenient. */
	f->s.auth_user = "alice";
	parse(f, "RCPT TO:<bob@example.org> NOTIFY=SUCCESS");
	dsng_policy_rcpt(p, &f->s, &f->cmd, &f->d);
	assert_int_equal(f->d.action, DSNG_ACTION_ACCEPT);
	assert_int_equal(f->d.compliance, DSNG_LENIENT);
	assert_non_null(strstr(f->d.reason, "authenticated since"));
	/* A client DSN was offered to in EHLO is plainly compliant. */
	dsng_policy_ehlo(p, &f->s, 1, &f->d);
	parse(f, "RCPT TO:<bob@example.org> NOTIFY=SUCCESS");
	dsng_policy_rcpt(p, &f->s, &f->cmd, &f->d);
	assert_int_equal(f->d.compliance, DSNG_COMPLIANT);
}

/* ---- MAIL ---- */

static void test_mail_ret_full_downgrade(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = preset(f, "recommended");

	client(f, "198.51.100.33");
	dsng_policy_ehlo(p, &f->s, 1, &f->d);
	parse(f, "MAIL FROM:<a@example.org> RET=FULL ENVID=abc+2Bdef SIZE=100");
	dsng_policy_mail(p, &f->s, &f->cmd, &f->d);
	assert_int_equal(f->d.action, DSNG_ACTION_DOWNGRADE);
	assert_int_equal(f->d.compliance, DSNG_LENIENT);
	assert_string_equal(f->d.rule, "mail.ret-full-action");
	assert_int_equal(f->cmd.ret, DSNG_RET_HDRS);
	assert_string_equal(formatted(f), "MAIL FROM:<a@example.org> RET=HDRS "
	                                  "ENVID=abc+2Bdef SIZE=100");
	/* Trusted clients keep RET=FULL. */
	dsng_session_init(&f->s);
	f->s.trusted = 1;
	dsng_policy_ehlo(p, &f->s, 1, &f->d);
	parse(f, "MAIL FROM:<a@example.org> RET=FULL");
	dsng_policy_mail(p, &f->s, &f->cmd, &f->d);
	assert_int_equal(f->d.action, DSNG_ACTION_ACCEPT);
	assert_int_equal(f->d.compliance, DSNG_COMPLIANT);
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
	dsng_policy_ehlo(p, &f->s, 1, &f->d);
	parse(f, "MAIL FROM:<a@example.org> RET=FULL ENVID=x");
	dsng_policy_mail(p, &f->s, &f->cmd, &f->d);
	assert_int_equal(f->d.action, DSNG_ACTION_STRIP);
	assert_int_equal(f->d.compliance, DSNG_NOT_COMPLIANT);
	assert_string_equal(formatted(f), "MAIL FROM:<a@example.org>");

	p = config(f, "preset = permissive\n[mail]\nenvid-from = none\n"
	              "envid-action = reject\nreply = 550 5.7.1 no {param}\n");
	parse(f, "MAIL FROM:<a@example.org> RET=FULL ENVID=x");
	dsng_policy_mail(p, &f->s, &f->cmd, &f->d);
	assert_int_equal(f->d.action, DSNG_ACTION_REJECT);
	reply_is(&f->d, 550, "5.7.1", "no ENVID");

	p = config(f, "preset = permissive\n[mail]\nunoffered = ignore\n"
	              "[ehlo]\noffer-dsn = none\n");
	dsng_policy_ehlo(p, &f->s, 1, &f->d);
	parse(f, "MAIL FROM:<a@example.org> RET=FULL ENVID=x BODY=8BITMIME");
	dsng_policy_mail(p, &f->s, &f->cmd, &f->d);
	assert_int_equal(f->d.action, DSNG_ACTION_IGNORE);
	assert_string_equal(formatted(f),
	                    "MAIL FROM:<a@example.org> BODY=8BITMIME");
}

static void test_wrong_verbs(void **state)
{
	struct fx *f = *state;
	struct dsng_policy *p = preset(f, "recommended");

	parse(f, "MAIL FROM:<a@example.org>");
	assert_int_equal(dsng_policy_rcpt(p, &f->s, &f->cmd, &f->d),
	                 DSNG_EINVAL);
	parse(f, "RCPT TO:<a@example.org>");
	assert_int_equal(dsng_policy_mail(p, &f->s, &f->cmd, &f->d),
	                 DSNG_EINVAL);
	assert_int_equal(dsng_policy_ehlo(NULL, &f->s, 1, &f->d), DSNG_EINVAL);
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
	assert_int_equal(dsng_policy_line(f->mem, p, &f->s, g, sizeof(l1) - 1,
	                                  NULL, NULL, &f->d, &err),
	                 0);
	dsng_test_guard_free(g);
	assert_int_equal(f->d.action, DSNG_ACTION_ADVERTISE_DSN);

	g = dsng_test_guard(l2, sizeof(l2) - 1);
	assert_int_equal(dsng_policy_line(f->mem, p, &f->s, g, sizeof(l2) - 1,
	                                  NULL, NULL, &f->d, &err),
	                 0);
	assert_int_equal(f->d.action, DSNG_ACTION_DOWNGRADE);
	assert_string_equal(f->d.rewritten,
	                    "RCPT TO:<a@example.org> NOTIFY=FAILURE");
	assert_true(talloc_parent(f->d.rewritten) == f->mem);
	talloc_free(f->d.rewritten);
	dsng_test_guard_free(g);

	/* A line that does not parse is refused with the parser's reply. */
	assert_int_equal(dsng_policy_line(f->mem, p, &f->s, l3, sizeof(l3) - 1,
	                                  NULL, NULL, &f->d, &err),
	                 0);
	assert_int_equal(f->d.action, DSNG_ACTION_REJECT);
	assert_string_equal(f->d.rule, "syntax");
	assert_int_equal(f->d.reply_code, 501);
	assert_string_equal(f->d.enhanced, "5.5.4");
	assert_int_equal(err.kind, DSNG_ERR_BAD_NOTIFY);

	assert_int_equal(dsng_policy_line(f->mem, p, &f->s, "NOOP", 4, NULL,
	                                  NULL, &f->d, &err),
	                 0);
	assert_string_equal(f->d.rule, "other");
	f->s.null_sender = 1;
	dsng_policy_line(f->mem, p, &f->s, "RSET", 4, NULL, NULL, &f->d, &err);
	assert_int_equal(f->s.null_sender, 0);
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
	assert_int_equal(dsng_policy_ehlo_reply(f->mem, p, &f->s, caps, &f->d),
	                 0);
	assert_int_equal(f->d.action, DSNG_ACTION_HIDE_DSN);
	assert_int_equal(f->d.changed, 1);
	assert_string_equal(f->d.rewritten,
	                    "250-mx.example.net Hello [198.51.100.33]\r\n"
	                    "250-PIPELINING\r\n250 HELP\r\n");
	f->s.trusted = 1;
	assert_int_equal(dsng_policy_ehlo_reply(f->mem, p, &f->s, caps, &f->d),
	                 0);
	assert_int_equal(f->d.action, DSNG_ACTION_ADVERTISE_DSN);
	assert_null(f->d.rewritten);
	assert_int_equal(dsng_policy_ehlo_reply(f->mem, p, &f->s, NULL, &f->d),
	                 DSNG_EINVAL);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(dsng_action_name(DSNG_ACTION_HIDE_DSN), "hide_dsn");
	assert_string_equal(dsng_action_name(DSNG_ACTION_ADVERTISE_DSN),
	                    "advertise_dsn");
	assert_string_equal(dsng_action_name((enum dsng_action)77), "unknown");
	assert_string_equal(dsng_compliance_name(DSNG_NOT_COMPLIANT),
	                    "not_compliant");
	assert_string_equal(dsng_bounce_verdict_name(DSNG_BOUNCE_BACKSCATTER),
	                    "backscatter");
}

int main(void)
{
#define T(x) cmocka_unit_test_setup_teardown(x, setup, teardown)
	const struct CMUnitTest tests[] = {
	        T(test_ehlo_recommended),
	        T(test_ehlo_postfix_submission_port),
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
	        T(test_mail_ret_full_downgrade),
	        T(test_mail_actions),
	        T(test_wrong_verbs),
	        T(test_line_wrapper),
	        T(test_ehlo_reply_rewrite),
	        cmocka_unit_test(test_names),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
