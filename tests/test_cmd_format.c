/*
 * tests/test_cmd_format.c - dsng_cmd_format / _buf: canonical output,
 * rewrites by a policy (removed parameters, replaced values), the
 * snprintf contract, and parse(format(parse(x))) == parse(x).
 */
#include "test_cmd_util.h"

#define S DSNG_CMD_STRICT

static char *fmt(TALLOC_CTX *ctx, const char *line, unsigned flags)
{
	char *out;

	UT_OK(line, flags);
	out = dsng_cmd_format(ctx, &ut_cmd);
	assert_non_null(out);
	return out;
}

static void test_format_canonical(void **state)
{
	TALLOC_CTX *ctx = *state;

	assert_string_equal(
	        fmt(ctx, "mail from: <a@b.example>  size=10\tBody=8bitmime ",
	            0),
	        "MAIL FROM:<a@b.example> SIZE=10 BODY=8bitmime");
	assert_string_equal(
	        fmt(ctx,
	            "RCPT TO:<user@example.org> NOTIFY=SUCCESS,DELAY "
	            "ORCPT=rfc822;user+40example.org\r\n",
	            S),
	        "RCPT TO:<user@example.org> NOTIFY=SUCCESS,DELAY "
	        "ORCPT=rfc822;user+40example.org");
	assert_string_equal(fmt(ctx, "MAIL FROM:a@b.example", 0),
	                    "MAIL FROM:<a@b.example>");
	assert_string_equal(fmt(ctx, "MAIL FROM:<>", 0), "MAIL FROM:<>");
	assert_string_equal(
	        fmt(ctx, "rcpt to:<@a,@b:u@c.example> x-foo=Bar baz", 0),
	        "RCPT TO:<@a,@b:u@c.example> X-FOO=Bar BAZ");
	assert_string_equal(fmt(ctx, "RCPT TO:<\"a b>c\"@x>", 0),
	                    "RCPT TO:<\"a b>c\"@x>");
	assert_string_equal(fmt(ctx, "ehlo  mx.example.org ", 0),
	                    "EHLO mx.example.org");
	/* BDAT's arguments are kept as sent, as for every other verb */
	assert_string_equal(fmt(ctx, "bdat 0100  last", 0), "BDAT 0100  last");
	assert_string_equal(fmt(ctx, "BDAT 18446744073709551615 LAST", 0),
	                    "BDAT 18446744073709551615 LAST");
	assert_string_equal(fmt(ctx, "bdat 7", 0), "BDAT 7");
	assert_string_equal(fmt(ctx, "noop", 0), "NOOP");
	assert_string_equal(fmt(ctx, "help   me  ", 0), "HELP me");
	assert_string_equal(fmt(ctx, "starttls\r\n", 0), "STARTTLS");
	assert_string_equal(fmt(ctx, "auth plain AGJvYg==", 0),
	                    "AUTH plain AGJvYg==");
}

static void test_format_rewrite(void **state)
{
	TALLOC_CTX *ctx = *state;
	struct dsng_param *p;

	UT_OK("RCPT TO:<a@b.example> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;a@b",
	      S);
	/* policy strips NOTIFY */
	p = dsng_cmd_find_param(&ut_cmd, DSNG_PARAM_NOTIFY);
	p->removed = true;
	assert_string_equal(dsng_cmd_format(ctx, &ut_cmd),
	                    "RCPT TO:<a@b.example> ORCPT=rfc822;a@b");
	/* or downgrades it */
	p->removed = false;
	p->value.ptr = "FAILURE";
	p->value.len = 7;
	assert_string_equal(
	        dsng_cmd_format(ctx, &ut_cmd),
	        "RCPT TO:<a@b.example> NOTIFY=FAILURE ORCPT=rfc822;a@b");
	/* everything removed */
	ut_cmd.params[0].removed = ut_cmd.params[1].removed = true;
	assert_string_equal(dsng_cmd_format(ctx, &ut_cmd),
	                    "RCPT TO:<a@b.example>");

	UT_OK("MAIL FROM:<a@b> RET=FULL ENVID=x SIZE=5", S);
	p = dsng_cmd_find_param(&ut_cmd, DSNG_PARAM_RET);
	p->value.ptr = "HDRS";
	p->value.len = 4;
	assert_string_equal(dsng_cmd_format(ctx, &ut_cmd),
	                    "MAIL FROM:<a@b> RET=HDRS ENVID=x SIZE=5");
}

static void test_format_buf_contract(void **state)
{
	char buf[64];

	(void)state;
	UT_OK("MAIL FROM:<a@b> SIZE=10", S);
	assert_int_equal(dsng_cmd_format_buf(NULL, 0, &ut_cmd), 23);
	assert_int_equal(dsng_cmd_format_buf(buf, sizeof(buf), &ut_cmd), 23);
	assert_string_equal(buf, "MAIL FROM:<a@b> SIZE=10");
	assert_int_equal(dsng_cmd_format_buf(buf, 10, &ut_cmd), 23);
	assert_string_equal(buf, "MAIL FROM");
	assert_int_equal(dsng_cmd_format_buf(buf, 1, &ut_cmd), 23);
	assert_string_equal(buf, "");
	assert_int_equal(dsng_cmd_format_buf(buf, 24, &ut_cmd), 23);
	assert_string_equal(buf, "MAIL FROM:<a@b> SIZE=10");
	assert_int_equal(dsng_cmd_format_buf(buf, sizeof(buf), NULL), 0);
	assert_string_equal(buf, "");
	/* a struct the caller filled by hand, spans NULL */
	dsng_cmd_init(&ut_cmd, DSNG_CMD_VERSION);
	ut_cmd.verb = DSNG_VERB_MAIL;
	assert_int_equal(dsng_cmd_format_buf(buf, sizeof(buf), &ut_cmd), 10);
	assert_string_equal(buf, "MAIL FROM:");
	ut_cmd.verb = DSNG_VERB_UNKNOWN;
	assert_int_equal(dsng_cmd_format_buf(buf, sizeof(buf), &ut_cmd), 0);
}

static void test_format_talloc_owner(void **state)
{
	TALLOC_CTX *ctx = *state;
	size_t blocks = talloc_total_blocks(ctx);
	char *s;

	UT_OK("QUIT", S);
	s = dsng_cmd_format(ctx, &ut_cmd);
	assert_ptr_equal(talloc_parent(s), ctx);
	assert_int_equal(talloc_total_blocks(ctx), blocks + 1);
	talloc_free(s);
	assert_int_equal(talloc_total_blocks(ctx), blocks);
}

/* Two parses describe the same command. */
static void same_fields(const struct dsng_cmd *a, const struct dsng_cmd *b)
{
	size_t i;

	assert_int_equal(a->verb, b->verb);
	/* every verb's arguments are written as sent, BDAT's too */
	assert_int_equal(a->arg.len, b->arg.len);
	if (a->arg.len)
		assert_memory_equal(a->arg.ptr, b->arg.ptr, a->arg.len);
	assert_int_equal(a->path.mailbox.len, b->path.mailbox.len);
	if (a->path.mailbox.len)
		assert_memory_equal(a->path.mailbox.ptr, b->path.mailbox.ptr,
		                    a->path.mailbox.len);
	assert_int_equal(a->path.route.len, b->path.route.len);
	assert_int_equal(a->path.is_null, b->path.is_null);
	assert_int_equal(a->path.is_postmaster, b->path.is_postmaster);
	assert_int_equal(a->n_params, b->n_params);
	for (i = 0; i < a->n_params; i++) {
		assert_int_equal(a->params[i].kind, b->params[i].kind);
		assert_int_equal(a->params[i].keyword.len,
		                 b->params[i].keyword.len);
		assert_int_equal(a->params[i].value.len,
		                 b->params[i].value.len);
		if (a->params[i].value.len)
			assert_memory_equal(a->params[i].value.ptr,
			                    b->params[i].value.ptr,
			                    a->params[i].value.len);
	}
	assert_int_equal(a->notify, b->notify);
	assert_int_equal(a->has_orcpt, b->has_orcpt);
	assert_int_equal(a->orcpt_addr.len, b->orcpt_addr.len);
	if (a->orcpt_addr.len)
		assert_memory_equal(a->orcpt_addr.ptr, b->orcpt_addr.ptr,
		                    a->orcpt_addr.len);
	assert_int_equal(a->ret, b->ret);
	assert_int_equal(a->envid.len, b->envid.len);
	if (a->envid.len)
		assert_memory_equal(a->envid.ptr, b->envid.ptr, a->envid.len);
	assert_true(a->size == b->size);
	assert_int_equal(a->body, b->body);
	assert_int_equal(a->smtputf8, b->smtputf8);
	assert_int_equal(a->has_auth, b->has_auth);
	assert_int_equal(a->mt_priority, b->mt_priority);
	assert_int_equal(a->by_time, b->by_time);
	assert_true(a->holdfor == b->holdfor);
	assert_true(a->bdat_size == b->bdat_size);
	assert_int_equal(a->bdat_last, b->bdat_last);
}

static void test_format_round_trip(void **state)
{
	static const char *const lines[] = {
	        "MAIL FROM:<spamvictim@victim.example>\r\n",
	        "mail from: <a@b.example>  SIZE=48213\tbody=8bitmime ret=hdrs "
	        "envid=QQ+2b314 ",
	        "MAIL FROM:<> SIZE=2048 AUTH=<> MT-PRIORITY=-3 BY=60;rt",
	        "MAIL FROM:<d\xc3\xa9@x.example> SMTPUTF8 HOLDFOR=30 "
	        "REQUIRETLS",
	        "MAIL FROM:a@b.example X-UNKNOWN=v Z",
	        "RCPT TO:<user@example.org> NOTIFY=success,,delay "
	        "ORCPT=rfc822;user+40example.org",
	        "RCPT TO:<Postmaster> NOTIFY=NEVER",
	        "RCPT TO:<@r.example:\"q \\\" x\"@[IPv6:::1]> "
	        "ORCPT=utf-8;e\\x{3D}mc2@\\x{30C9}.jp "
	        "RRVS=2014-04-03T23:01:00Z;C",
	        "EHLO my_pc",
	        "helo  x.example",
	        "BDAT 0010 LAST",
	        "NOOP a  b",
	        "VRFY \"bob\"",
	        "DATA",
	        "QUIT  ",
	        "AUTH LOGIN",
	};
	static struct dsng_cmd first = DSNG_CMD_INIT;
	TALLOC_CTX *ctx = *state;
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		char *canon, *again;

		canon = fmt(ctx, lines[i], 0);
		first = ut_cmd;
		/* Values are written as sent, so only the laxness in the
		 * framing (spaces, brackets, CRLF) is gone: the canonical
		 * form of a line without lax values is strict-clean. */
		if (!(first.lax &
		      (DSNG_CMD_LAX_LOWER_HEX | DSNG_CMD_LAX_EMPTY_NOTIFY_ITEM |
		       DSNG_CMD_LAX_BAD_HELO | DSNG_CMD_LAX_LONG_ADDRESS)))
			UT_OK(canon, S);
		if (ut_parse(canon, 0) != DSNG_OK)
			fail_msg("%s -> %s: %s", lines[i], canon,
			         ut_err.message);
		same_fields(&first, &ut_cmd);
		again = dsng_cmd_format(ctx, &ut_cmd);
		assert_string_equal(again, canon);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        UT_TEST(test_format_canonical),
	        UT_TEST(test_format_rewrite),
	        UT_TEST(test_format_buf_contract),
	        UT_TEST(test_format_talloc_owner),
	        UT_TEST(test_format_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
