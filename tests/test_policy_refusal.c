/*
 * tests/test_policy_refusal.c - dsng_policy_rcpt_refusal: the policy's own
 * reply for a RCPT rewrite the caller cannot carry out (a milter on
 * sendmail), for each rewriting action, and its argument checks.
 */
#include "dsng_test.h"

struct fx {
	TALLOC_CTX *mem;
	struct dsng_policy *p;
	struct dsng_policy_session s;
	struct dsng_cmd cmd;
	struct dsng_decision d;
};

static const char base[] =
        "preset = recommended\n"
        "[trusted-networks]\n"
        "127.0.0.1/32\n"
        "[ehlo]\n"
        "offer-dsn = %s\n"
        "[rcpt]\n"
        "action = %s\n"
        "orcpt-from = trusted\n"
        "reply = \"550 5.7.1 R {param}={value}\"\n"
        "unoffered = ignore\n"
        "unoffered-reply = \"554 5.7.0 U {param} {value}\"\n";

/* A stranger under `base` with these settings, after RCPT `line`. */
static void decide(struct fx *f, const char *offer, const char *action,
                   const char *line)
{
	struct dsng_error err = DSNG_ERROR_INIT;
	char *text = talloc_asprintf(f->mem, base, offer, action);

	assert_non_null(text);
	if (dsng_policy_parse(f->mem, &f->p, text, strlen(text), "r.conf", NULL,
	                      &err))
		fail_msg("%s", err.message);
	assert_int_equal(dsng_policy_session_init(&f->s, 1), 0);
	assert_int_equal(
	        dsng_policy_session_set_addr(&f->s, "203.0.113.9", 11, NULL),
	        0);
	assert_int_equal(dsng_policy_ehlo(&f->d, f->p, &f->s, true, NULL), 0);
	assert_int_equal(dsng_cmd_init(&f->cmd, DSNG_CMD_VERSION), 0);
	assert_int_equal(
	        dsng_cmd_parse(&f->cmd, line, strlen(line), NULL, NULL), 0);
	assert_int_equal(dsng_policy_rcpt(&f->d, f->p, &f->s, &f->cmd, NULL),
	                 0);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->mem = talloc_new(NULL);
	assert_int_equal(dsng_decision_init(&f->d, DSNG_DECISION_VERSION), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	talloc_free(f->mem);
	free(f);
	return 0;
}

static void reply_is(const struct dsng_decision *d, int code, const char *enh,
                     const char *text)
{
	assert_int_equal(d->reply_code, code);
	assert_string_equal(d->enhanced, enh);
	assert_string_equal(d->reply_text, text);
}

static void test_strip(void **state)
{
	struct fx *f = *state;

	decide(f, "all", "strip",
	       "RCPT TO:<a@b.example> NOTIFY=SUCCESS,FAILURE");
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_STRIP);
	assert_int_equal(f->d.reply_code, 0);
	assert_int_equal(dsng_policy_rcpt_refusal(&f->d, f->p, NULL), 0);
	/* Strip removed all of NOTIFY: all of it is refused. */
	reply_is(&f->d, 550, "5.7.1", "R NOTIFY=SUCCESS,FAILURE");
	/* The decision itself is unchanged. */
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_STRIP);
}

static void test_downgrade_and_never(void **state)
{
	struct fx *f = *state;

	decide(f, "all", "downgrade",
	       "RCPT TO:<a@b.example> NOTIFY=SUCCESS,DELAY");
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_DOWNGRADE);
	assert_int_equal(dsng_policy_rcpt_refusal(&f->d, f->p, NULL), 0);
	/* Only what the downgrade took away. */
	reply_is(&f->d, 550, "5.7.1", "R NOTIFY=SUCCESS");

	decide(f, "all", "never", "RCPT TO:<a@b.example> NOTIFY=SUCCESS");
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_NEVER);
	assert_int_equal(dsng_policy_rcpt_refusal(&f->d, f->p, NULL), 0);
	reply_is(&f->d, 550, "5.7.1", "R NOTIFY=SUCCESS");
}

static void test_orcpt_only(void **state)
{
	struct fx *f = *state;

	decide(f, "all", "strip",
	       "RCPT TO:<a@b.example> ORCPT=rfc822;a@b.example");
	assert_int_equal(f->d.changes, DSNG_POLICY_CHANGED_ORCPT);
	assert_int_equal(dsng_policy_rcpt_refusal(&f->d, f->p, NULL), 0);
	reply_is(&f->d, 550, "5.7.1", "R ORCPT=");
}

static void test_ignore_uses_unoffered_reply(void **state)
{
	struct fx *f = *state;

	decide(f, "trusted", "strip", "RCPT TO:<a@b.example> NOTIFY=SUCCESS");
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_IGNORE);
	assert_int_equal(dsng_policy_rcpt_refusal(&f->d, f->p, NULL), 0);
	reply_is(&f->d, 554, "5.7.0", "U NOTIFY SUCCESS");

	decide(f, "trusted", "strip",
	       "RCPT TO:<a@b.example> ORCPT=rfc822;a@b.c");
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_IGNORE);
	assert_int_equal(dsng_policy_rcpt_refusal(&f->d, f->p, NULL), 0);
	reply_is(&f->d, 554, "5.7.0", "U ORCPT ");
}

static void test_reject_kept(void **state)
{
	struct fx *f = *state;

	decide(f, "all", "reject", "RCPT TO:<a@b.example> NOTIFY=SUCCESS");
	assert_int_equal(f->d.action, DSNG_POLICY_ACTION_REJECT);
	reply_is(&f->d, 550, "5.7.1", "R NOTIFY=SUCCESS");
	strcpy(f->d.reply_text, "kept");
	assert_int_equal(dsng_policy_rcpt_refusal(&f->d, f->p, NULL), 0);
	reply_is(&f->d, 550, "5.7.1", "kept");
}

static void test_bad_args(void **state)
{
	struct fx *f = *state;
	struct dsng_error err = DSNG_ERROR_INIT;

	decide(f, "all", "strip", "RCPT TO:<a@b.example> NOTIFY=SUCCESS");
	assert_int_equal(dsng_policy_rcpt_refusal(NULL, f->p, &err),
	                 DSNG_EINVAL);
	assert_int_equal(err.rc, DSNG_EINVAL);
	assert_int_equal(dsng_policy_rcpt_refusal(&f->d, NULL, NULL),
	                 DSNG_EINVAL);
	f->d.version = 99;
	assert_int_equal(dsng_policy_rcpt_refusal(&f->d, f->p, NULL),
	                 DSNG_EINVAL);
	f->d.version = DSNG_DECISION_VERSION;
	assert_int_equal(f->d.reply_code, 0);
}

int main(void)
{
#define T(x) cmocka_unit_test_setup_teardown(x, setup, teardown)
	const struct CMUnitTest tests[] = {
	        T(test_strip),       T(test_downgrade_and_never),
	        T(test_orcpt_only),  T(test_ignore_uses_unoffered_reply),
	        T(test_reject_kept), T(test_bad_args),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
