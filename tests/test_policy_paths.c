/*
 * tests/test_policy_paths.c - the policy's less travelled paths: every
 * config key with its bad values (as include/dsnguard/policy.h describes
 * the format), includes through the callback, the presets' API, the MAIL
 * and RCPT decision branches of each action, sessions, and the wrappers'
 * argument checks.  Configs start from "preset = permissive" (every
 * setting at its RFC default) so only what they set counts.
 */
#include <limits.h>

#include "dsng_test.h"

#define S(x) x, sizeof(x) - 1
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static struct dsng_policy *config(TALLOC_CTX *mem, const char *text)
{
	struct dsng_policy *p;
	struct dsng_error err = DSNG_ERROR_INIT;

	if (dsng_policy_parse(mem, &p, text, strlen(text), "p.conf", NULL,
	                      &err))
		fail_msg("config: %s", err.message);
	return p;
}

/* ---- config errors ---- */

struct bad_conf {
	const char *text;
	int rc;
	enum dsng_errkind kind;
	unsigned line, column; /* column 0: not checked */
	const char *file;      /* where the problem is; NULL: p.conf */
};

static void check_bad(TALLOC_CTX *mem, const struct bad_conf *c, size_t n,
                      const struct dsng_policy_opts *opts)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct dsng_policy *p = (void *)1;
		struct dsng_error err = DSNG_ERROR_INIT;
		size_t blocks = talloc_total_blocks(mem);
		char where[32];
		int rc =
		        dsng_policy_parse(mem, &p, c[i].text, strlen(c[i].text),
		                          "p.conf", opts, &err);

		if (rc != c[i].rc || err.kind != c[i].kind ||
		    err.line != c[i].line ||
		    (c[i].column && err.column != c[i].column))
			fail_msg("case %zu: rc %d kind %s line %u col %u (%s)",
			         i, rc, dsng_error_kind_name(err.kind),
			         err.line, err.column, err.message);
		assert_null(p);
		assert_int_equal(err.rc, rc);
		/* "FILE:LINE:COLUMN: text" */
		snprintf(where, sizeof(where),
		         "%s:%u:%u: ", c[i].file ? c[i].file : "p.conf",
		         err.line, err.column);
		assert_memory_equal(err.message, where, strlen(where));
		assert_int_equal(talloc_total_blocks(mem), blocks);
	}
}

#define P "preset = permissive\n"

static void test_value_errors(void **state)
{
	static const struct bad_conf c[] = {
	        /* CLASSES */
	        {P "[ehlo]\noffer-dsn = , ,\n", DSNG_ESYNTAX,
	         DSNG_ERR_BAD_VALUE, 3, 13},
	        {P "[ehlo]\noffer-dsn = trusted, friends\n", DSNG_ESYNTAX,
	         DSNG_ERR_BAD_VALUE, 3, 22},
	        {P "[ehlo]\noffer-dsn = none, tls\n", DSNG_ESYNTAX,
	         DSNG_ERR_BAD_VALUE, 3, 13},
	        {P "[ehlo]\noffer-dsn =\n", DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE, 3,
	         0},
	        /* choices */
	        {P "[rcpt]\naction = maybe\n", DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE,
	         3, 10},
	        {P "[mail]\nunoffered = accept\n", DSNG_ESYNTAX,
	         DSNG_ERR_BAD_VALUE, 3, 13},
	        {P "[rcpt]\nunoffered = rules\n", DSNG_ESYNTAX,
	         DSNG_ERR_BAD_VALUE, 3, 13},
	        {P "[mail]\nenvid-action = downgrade\n", DSNG_ESYNTAX,
	         DSNG_ERR_BAD_VALUE, 3, 16},
	        {P "[generate]\ncheck-clients = sometimes\n", DSNG_ESYNTAX,
	         DSNG_ERR_BAD_VALUE, 3, 17},
	        {P "[bounce]\naction = strip\n", DSNG_ESYNTAX,
	         DSNG_ERR_BAD_VALUE, 3, 10},
	        /* replies: "CODE [X.Y.Z] text", 4xx/5xx */
	        {P "[rcpt]\nreply = \"250 2.0.0 fine\"\n", DSNG_ESYNTAX,
	         DSNG_ERR_BAD_VALUE, 3, 10},
	        {P "[rcpt]\nreply = \"5x0 refused\"\n", DSNG_ESYNTAX,
	         DSNG_ERR_BAD_VALUE, 3, 10},
	        {P "[rcpt]\nreply = \"5500 refused\"\n", DSNG_ESYNTAX,
	         DSNG_ERR_BAD_VALUE, 3, 10},
	        {P "[rcpt]\nreply = 55\n", DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE, 3,
	         9},
	        {P "[rcpt]\nreply = \"550\"\n", DSNG_ESYNTAX,
	         DSNG_ERR_BAD_VALUE, 3, 13},
	        {P "[rcpt]\nreply = \"550 5.7.1\"\n", DSNG_ESYNTAX,
	         DSNG_ERR_BAD_VALUE, 3, 19},
	        {P "[rcpt]\nreply = \"550 5.7 refused\"\n", DSNG_ESYNTAX,
	         DSNG_ERR_BAD_VALUE, 3, 14},
	        {P "[rcpt]\nreply = \"550 5.7.1234 refused\"\n", DSNG_ESYNTAX,
	         DSNG_ERR_BAD_VALUE, 3, 14},
	        {P "[rcpt]\nreply = \"550 5.7.1x refused\"\n", DSNG_ESYNTAX,
	         DSNG_ERR_BAD_VALUE, 3, 14},
	        {P "[rcpt]\nreply = \"550 5..1 refused\"\n", DSNG_ESYNTAX,
	         DSNG_ERR_BAD_VALUE, 3, 14},
	        {P "[rcpt]\nreply = \"550 4.7.1 refused\"\n", DSNG_ESYNTAX,
	         DSNG_ERR_BAD_VALUE, 3, 14},
	        {P "[rcpt]\nreply = \"550 5.7.1 caf\xc3\xa9\"\n", DSNG_ESYNTAX,
	         DSNG_ERR_BAD_VALUE, 3, 23},
	        {P "[rcpt]\nreply = \"550 5.7.1 tab\there\"\n", DSNG_ESYNTAX,
	         DSNG_ERR_BAD_VALUE, 3, 23},
	        /* header names: RFC 5322 field names */
	        {P "[headers]\nnames =\n", DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE, 3,
	         0},
	        {P "[headers]\nnames = Good-Name, Bad:Name\n", DSNG_ESYNTAX,
	         DSNG_ERR_BAD_VALUE, 3, 20},
	        {P "[headers]\nadd-names = X-\x7f\n", DSNG_ESYNTAX,
	         DSNG_ERR_BAD_VALUE, 3, 13},
	        {P "[headers]\nflag-header = X:Y\n", DSNG_ESYNTAX,
	         DSNG_ERR_BAD_VALUE, 3, 15},
	        {P "[headers]\nflag-header = X-"
	           "0123456789012345678901234567890123456789012345678901234567"
	           "8901234567890123456789\n",
	         DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE, 3, 15},
	        /* days: 1..DSNG_BATV_MAX_DAYS */
	        {P "[bounce]\nbatv-days = 0\n", DSNG_ESYNTAX,
	         DSNG_ERR_BAD_VALUE, 3, 13},
	        {P "[bounce]\nbatv-days = 501\n", DSNG_ESYNTAX,
	         DSNG_ERR_BAD_VALUE, 3, 13},
	        {P "[bounce]\nbatv-days = 99999999999999999999\n", DSNG_ESYNTAX,
	         DSNG_ERR_BAD_VALUE, 3, 13},
	        {P "[bounce]\nbatv-days = 7d\n", DSNG_ESYNTAX,
	         DSNG_ERR_BAD_VALUE, 3, 13},
	        /* keys, hosts */
	        {P "[bounce]\nbatv-key = 1:hex:0011\nbatv-key = 1:text:x\n",
	         DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE, 4, 12},
	        {P "[bounce]\nbatv-key = 1:hex:00zz\n", DSNG_ESYNTAX,
	         DSNG_ERR_BAD_VALUE, 3, 0},
	        {P "[bounce]\nour-hosts = mx_1.example.org\n", DSNG_ESYNTAX,
	         DSNG_ERR_BAD_VALUE, 3, 15},
	        {P "[bounce]\nour-hosts = , \n", DSNG_ESYNTAX,
	         DSNG_ERR_BAD_VALUE, 3, 13},
	};

	check_bad(*state, c, N_OF(c), NULL);
}

static void test_syntax_errors(void **state)
{
	static const struct bad_conf c[] = {
	        /* keys */
	        {P "[ehlo]\n= all\n", DSNG_ESYNTAX, DSNG_ERR_CONFIG, 3, 1},
	        {P "[ehlo]\noffer-dsn all\n", DSNG_ESYNTAX, DSNG_ERR_CONFIG, 3,
	         11},
	        {P "[ehlo]\nsuccess-from = all\n", DSNG_ESYNTAX,
	         DSNG_ERR_UNKNOWN_KEY, 3, 1},
	        {P "[ehlo]\nno-such-key = 1\n", DSNG_ESYNTAX,
	         DSNG_ERR_UNKNOWN_KEY, 3, 1},
	        {"offer-dsn = all\n", DSNG_ESYNTAX, DSNG_ERR_UNKNOWN_KEY, 1, 1},
	        {P "[rcpt]\naction = strip\naction = reject\n", DSNG_ESYNTAX,
	         DSNG_ERR_CONFIG, 4, 1},
	        /* quoting */
	        {P "[rcpt]\nreply = \"550 5.7.1 no\n", DSNG_ESYNTAX,
	         DSNG_ERR_CONFIG, 3, 9},
	        {P "[rcpt]\nreply = \"550 5.7.1 no\" extra\n", DSNG_ESYNTAX,
	         DSNG_ERR_CONFIG, 3, 24},
	        /* sections */
	        {P "[ehlo\n", DSNG_ESYNTAX, DSNG_ERR_CONFIG, 2, 1},
	        {P "[smtp]\n", DSNG_ESYNTAX, DSNG_ERR_UNKNOWN_KEY, 2, 2},
	        {P "[ehlo] x\n", DSNG_ESYNTAX, DSNG_ERR_CONFIG, 2, 8},
	        /* presets */
	        {"preset = laissez-faire\n", DSNG_ESYNTAX,
	         DSNG_ERR_UNKNOWN_PRESET, 1, 10},
	        {"preset = "
	         "a-very-long-name-that-is-no-preset-at-all-and-longer-than-"
	         "sixty-four\n",
	         DSNG_ESYNTAX, DSNG_ERR_UNKNOWN_PRESET, 1, 10},
	        {"[ehlo]\npreset = permissive\n", DSNG_ESYNTAX,
	         DSNG_ERR_UNKNOWN_KEY, 2, 1},
	        {P "preset = permissive\n", DSNG_ESYNTAX, DSNG_ERR_CONFIG, 2,
	         1},
	        /* lines */
	        {P "[ehlo]\noffer-dsn = all\rx\n", DSNG_ESYNTAX,
	         DSNG_ERR_CONFIG, 3, 16},
	        /* networks */
	        {P "[trusted-networks]\ninclude nets.txt\n", DSNG_ESYNTAX,
	         DSNG_ERR_CONFIG, 3, 9},
	        {P "[trusted-networks]\ninclude \"\"\n", DSNG_ESYNTAX,
	         DSNG_ERR_CONFIG, 3, 9},
	        {P "[trusted-networks]\ninclude \"a\" b\n", DSNG_ESYNTAX,
	         DSNG_ERR_CONFIG, 3, 13},
	        {P "[trusted-networks]\n10.0.0.0/8, 300.0.0.0\n", DSNG_ESYNTAX,
	         DSNG_ERR_BAD_CIDR, 3, 0},
	        {P "[trusted-networks]\nincludes.example\n", DSNG_ESYNTAX,
	         DSNG_ERR_BAD_CIDR, 3, 0},
	};

	check_bad(*state, c, N_OF(c), NULL);
}

/* The limits of the format: lines, lists, names. */
static void test_config_limits(void **state)
{
	TALLOC_CTX *mem = *state;
	char *t;
	unsigned i, k;
	struct dsng_policy *p;
	struct dsng_error err = DSNG_ERROR_INIT;

	/* a line over 4096 bytes */
	t = talloc_asprintf(mem, P "[ehlo]\n# %*s\n", 5000, "x");
	assert_int_equal(
	        dsng_policy_parse(mem, &p, t, strlen(t), "p.conf", NULL, &err),
	        DSNG_ELIMIT);
	assert_int_equal(err.kind, DSNG_ERR_CONFIG);
	assert_int_equal(err.line, 3);
	talloc_free(t);

	/* a class list of more than 256 words */
	t = talloc_strdup(mem, P "[ehlo]\noffer-dsn = all");
	for (i = 0; i < 300; i++)
		t = talloc_strdup_append(t, ",tls");
	t = talloc_strdup_append(t, "\n");
	assert_int_equal(
	        dsng_policy_parse(mem, &p, t, strlen(t), "p.conf", NULL, &err),
	        DSNG_ELIMIT);
	assert_int_equal(err.kind, DSNG_ERR_BAD_VALUE);
	talloc_free(t);

	/* a reply text over 150 characters */
	t = talloc_asprintf(mem, P "[rcpt]\nreply = \"550 5.7.1 %0151d\"\n", 0);
	assert_int_equal(
	        dsng_policy_parse(mem, &p, t, strlen(t), "p.conf", NULL, &err),
	        DSNG_ELIMIT);
	assert_int_equal(err.kind, DSNG_ERR_BAD_VALUE);
	talloc_free(t);
	t = talloc_asprintf(mem, P "[rcpt]\nreply = \"550 5.7.1 %0150d\"\n", 0);
	p = config(mem, t);
	talloc_free(p);
	talloc_free(t);

	/* header names: 256 per line, 1024 in all */
	t = talloc_strdup(mem, P "[headers]\nnames = ");
	for (i = 0; i < 256; i++)
		t = talloc_asprintf_append(t, "%sN%u", i ? "," : "", i);
	t = talloc_strdup_append(t, "\n");
	for (k = 0; k < 3; k++) {
		t = talloc_strdup_append(t, "add-names = ");
		for (i = 0; i < 256; i++)
			t = talloc_asprintf_append(t, "%sA%u-%u", i ? " " : "",
			                           k, i);
		t = talloc_strdup_append(t, "\n");
	}
	p = config(mem, t);
	assert_true(dsng_policy_is_receipt_header(p, S("n255")));
	assert_true(dsng_policy_is_receipt_header(p, S("A2-255")));
	/* names replaced the defaults */
	assert_false(dsng_policy_is_receipt_header(
	        p, S("Disposition-Notification-To")));
	talloc_free(p);
	t = talloc_strdup_append(t, "add-names = One-Too-Many\n");
	assert_int_equal(
	        dsng_policy_parse(mem, &p, t, strlen(t), "p.conf", NULL, &err),
	        DSNG_ELIMIT);
	assert_int_equal(err.line, 7);
	talloc_free(t);
	t = talloc_strdup(mem, P "[headers]\nnames = ");
	for (i = 0; i < 257; i++)
		t = talloc_asprintf_append(t, "%sN%u", i ? "," : "", i);
	t = talloc_strdup_append(t, "\n");
	assert_int_equal(
	        dsng_policy_parse(mem, &p, t, strlen(t), "p.conf", NULL, &err),
	        DSNG_ELIMIT);
	assert_int_equal(err.kind, DSNG_ERR_BAD_VALUE);
	assert_string_equal(err.limit, "max_list");
	talloc_free(t);

	/* hosts: 256 per line */
	t = talloc_strdup(mem, P "[bounce]\nour-hosts = ");
	for (i = 0; i < 257; i++)
		t = talloc_asprintf_append(t, "h%u.example ", i);
	t = talloc_strdup_append(t, "\n");
	assert_int_equal(
	        dsng_policy_parse(mem, &p, t, strlen(t), "p.conf", NULL, &err),
	        DSNG_ELIMIT);
	assert_int_equal(err.kind, DSNG_ERR_BAD_VALUE);
	assert_string_equal(err.limit, "max_list");
	talloc_free(t);
}

/* Valid values the format allows, seen through the decisions. */
static void test_values_take_effect(void **state)
{
	TALLOC_CTX *mem = *state;
	static const char text[] =
	        "# comment\r\n"
	        "preset = \"permissive\"\r\n"
	        "  [ RCPT ]   # not a valid section name: spaces\n";
	static const char conf[] =
	        P "[ehlo]\n"
	          "offer-dsn = NONE\t# upper case, tab before the comment\n"
	          "[mail]\n"
	          "unoffered = reject\n"
	          "unoffered-reply = \"551  5.7.10   say \\\"{param}\\\" "
	          "\\\\ {value} {other}\"\n"
	          "[rcpt]\n"
	          "unoffered = reject\n"
	          "unoffered-reply = 450 try {param} later\n"
	          "[bounce]\n"
	          "batv-days = 500\n"
	          "our-hosts = MX.Example.ORG [192.0.2.1] ipv6:2001:db8::1\n";
	struct dsng_policy *p = config(mem, conf);
	struct dsng_policy_session s = DSNG_POLICY_SESSION_INIT;
	struct dsng_decision d = DSNG_DECISION_INIT;
	struct dsng_cmd cmd;
	struct dsng_error err = DSNG_ERROR_INIT;

	assert_int_equal(dsng_policy_ehlo(&d, p, &s, true, NULL), 0);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_HIDE_DSN);
	assert_string_equal(d.rule, "ehlo.offer-dsn");
	assert_string_equal(d.origin, "p.conf");
	assert_int_equal(d.line, 3);
	dsng_cmd_init(&cmd, DSNG_CMD_VERSION);
	assert_int_equal(dsng_cmd_parse(&cmd,
	                                S("MAIL FROM:<a@b.example> "
	                                  "RET=HDRS"),
	                                NULL, NULL),
	                 0);
	assert_int_equal(dsng_policy_mail(&d, p, &s, &cmd, NULL), 0);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_REJECT);
	assert_int_equal(d.reply_code, 551);
	/* escapes undone, placeholders filled, unknown ones kept */
	assert_string_equal(d.enhanced, "5.7.10");
	assert_string_equal(d.reply_text, "say \"RET\" \\ HDRS {other}");
	assert_string_equal(d.rule, "mail.unoffered");
	assert_int_equal(d.line, 5);
	assert_int_equal(dsng_cmd_parse(&cmd,
	                                S("MAIL FROM:<a@b.example> "
	                                  "ENVID=x"),
	                                NULL, NULL),
	                 0);
	assert_int_equal(dsng_policy_mail(&d, p, &s, &cmd, NULL), 0);
	assert_string_equal(d.reply_text, "say \"ENVID\" \\  {other}");
	assert_int_equal(dsng_cmd_parse(&cmd,
	                                S("RCPT TO:<c@d.example> "
	                                  "ORCPT=rfc822;c@d.example"),
	                                NULL, NULL),
	                 0);
	assert_int_equal(dsng_policy_rcpt(&d, p, &s, &cmd, NULL), 0);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_REJECT);
	/* no enhanced code in the configured reply */
	assert_int_equal(d.reply_code, 450);
	assert_string_equal(d.enhanced, "");
	assert_string_equal(d.reply_text, "try ORCPT later");
	talloc_free(p);

	/* a section name with spaces is unknown */
	assert_int_equal(
	        dsng_policy_parse(mem, &p, S(text), "t.conf", NULL, &err),
	        DSNG_ESYNTAX);
	assert_int_equal(err.kind, DSNG_ERR_UNKNOWN_KEY);
	assert_int_equal(err.line, 3);
}

/* ---- includes through the callback ---- */

struct files {
	const char *name[4], *text[4];
	int rc_for_missing;
	char asked[4][128];
	unsigned n_asked;
};

static int read_cb(void *arg, TALLOC_CTX *mem, const char *path, char **buf,
                   size_t *len)
{
	struct files *f = arg;
	size_t i;

	if (f->n_asked < 4)
		snprintf(f->asked[f->n_asked++], sizeof(f->asked[0]), "%s",
		         path);
	for (i = 0; i < 4 && f->name[i]; i++)
		if (strcmp(f->name[i], path) == 0) {
			*buf = talloc_strdup(mem, f->text[i]);
			*len = strlen(f->text[i]);
			return *buf ? 0 : DSNG_ENOMEM;
		}
	return f->rc_for_missing;
}

static void test_includes(void **state)
{
	TALLOC_CTX *mem = *state;
	struct files f;
	struct dsng_policy_opts o = DSNG_POLICY_OPTS_INIT;
	struct dsng_policy *p;
	struct dsng_error err = DSNG_ERROR_INIT;
	static const char conf[] =
	        P "[trusted-networks]\n"
	          "include \"lists/a.txt\"   # relative to the including file\n"
	          "include \"/abs/b.txt\"\n";
	static const struct bad_conf bad_nested[] = {
	        /* a CIDR list has no sections; the message names the file
	         * and line where the problem is */
	        {P "[trusted-networks]\ninclude \"sec.txt\"\n", DSNG_ESYNTAX,
	         DSNG_ERR_CONFIG, 1, 1, "sec.txt"},
	};

	memset(&f, 0, sizeof(f));
	f.name[0] = "etc/lists/a.txt";
	f.text[0] = "192.0.2.0/25 # docs\n192.0.2.128/25,\t198.51.100.7\n"
	            "include \"c.txt\"\n";
	f.name[1] = "/abs/b.txt";
	f.text[1] = "2001:db8::/48\n\n# nothing else\n";
	f.name[2] = "etc/lists/c.txt";
	f.text[2] = "203.0.113.0/24#comment without a blank\n";
	f.name[3] = "sec.txt";
	f.text[3] = "[ehlo]\n";
	f.rc_for_missing = DSNG_EIO;
	o.read = read_cb;
	o.read_arg = &f;
	assert_int_equal(
	        dsng_policy_parse(mem, &p, S(conf), "etc/main.conf", &o, &err),
	        0);
	assert_string_equal(f.asked[0], "etc/lists/a.txt");
	/* nested: relative to the file that includes it */
	assert_string_equal(f.asked[1], "etc/lists/c.txt");
	assert_string_equal(f.asked[2], "/abs/b.txt");
	/* 192.0.2.0/25 and .128/25 merge into one range */
	assert_int_equal(dsng_policy_network_count(p), 4);
	{
		struct dsng_policy_session s = DSNG_POLICY_SESSION_INIT;
		assert_int_equal(dsng_policy_session_set_addr(
		                         &s, S("192.0.2.200"), NULL),
		                 0);
		assert_true(dsng_policy_is_trusted(p, &s));
		assert_int_equal(dsng_policy_session_set_addr(
		                         &s, S("[IPv6:2001:db8:1::5]"), NULL),
		                 0);
		assert_false(dsng_policy_is_trusted(p, &s));
		assert_int_equal(dsng_policy_session_set_addr(
		                         &s, S("2001:db8::5"), NULL),
		                 0);
		assert_true(dsng_policy_is_trusted(p, &s));
		assert_int_equal(dsng_policy_session_set_addr(
		                         &s, S("::ffff:203.0.113.9"), NULL),
		                 0);
		assert_int_equal(s.family, 4);
		assert_true(dsng_policy_is_trusted(p, &s));
	}
	talloc_free(p);

	check_bad(mem, bad_nested, N_OF(bad_nested), &o);
	/* what the callback says: EIO, ELIMIT ("too large"), ENOMEM */
	{
		static const char missing[] =
		        P "[trusted-networks]\ninclude \"nope.txt\"\n";
		const int rcs[] = {DSNG_EIO, DSNG_ELIMIT, DSNG_ENOMEM,
		                   DSNG_ENOTFOUND};
		const int want[] = {DSNG_EIO, DSNG_ELIMIT, DSNG_ENOMEM,
		                    DSNG_EIO};
		size_t i;

		for (i = 0; i < N_OF(rcs); i++) {
			f.rc_for_missing = rcs[i];
			p = (void *)1;
			assert_int_equal(dsng_policy_parse(mem, &p, S(missing),
			                                   "x.conf", &o, &err),
			                 want[i]);
			assert_null(p);
			if (want[i] == DSNG_ENOMEM) {
				assert_int_equal(err.kind, DSNG_ERR_NOMEM);
				continue;
			}
			assert_int_equal(err.kind, DSNG_ERR_IO);
			assert_int_equal(err.line, 3);
			assert_non_null(strstr(err.message, "nope.txt"));
			assert_true((strstr(err.message, "too large") !=
			             NULL) == (want[i] == DSNG_ELIMIT));
		}
	}
	/* includes switched off */
	o.no_includes = true;
	assert_int_equal(
	        dsng_policy_parse(mem, &p, S(conf), "etc/main.conf", &o, &err),
	        DSNG_EIO);
	assert_int_equal(err.kind, DSNG_ERR_IO);
	assert_int_equal(err.line, 3);
}

/* dsng_policy_load: the callback reads the file itself too. */
static void test_load(void **state)
{
	TALLOC_CTX *mem = *state;
	struct files f;
	struct dsng_policy_opts o = DSNG_POLICY_OPTS_INIT;
	struct dsng_policy *p = (void *)1;
	struct dsng_error err = DSNG_ERROR_INIT;
	struct dsng_policy_opts bad = DSNG_POLICY_OPTS_INIT;
	size_t blocks = talloc_total_blocks(mem);

	memset(&f, 0, sizeof(f));
	f.name[0] = "conf/main.conf";
	f.text[0] = P "[trusted-networks]\ninclude \"n.txt\"\n";
	f.name[1] = "conf/n.txt";
	f.text[1] = "10.1.0.0/16\n";
	o.read = read_cb;
	o.read_arg = &f;
	assert_int_equal(dsng_policy_load(mem, &p, "conf/main.conf", &o, &err),
	                 0);
	assert_string_equal(dsng_policy_name(p), "conf/main.conf");
	assert_int_equal(dsng_policy_network_count(p), 1);
	talloc_free(p);
	f.rc_for_missing = DSNG_ELIMIT;
	assert_int_equal(dsng_policy_load(mem, &p, "big.conf", &o, &err),
	                 DSNG_ELIMIT);
	assert_int_equal(err.kind, DSNG_ERR_IO);
	assert_non_null(strstr(err.message, "too large"));
	f.rc_for_missing = DSNG_ENOMEM;
	assert_int_equal(dsng_policy_load(mem, &p, "x.conf", &o, &err),
	                 DSNG_ENOMEM);
	assert_int_equal(err.kind, DSNG_ERR_NOMEM);
	f.rc_for_missing = DSNG_EIO;
	assert_int_equal(dsng_policy_load(mem, &p, "x.conf", &o, &err),
	                 DSNG_EIO);
	assert_null(p);
	/* from disk: a file that is not there, a directory */
	assert_int_equal(dsng_policy_load(mem, &p, DSNG_TEST_DATA "/nope.conf",
	                                  NULL, &err),
	                 DSNG_EIO);
	assert_int_equal(err.kind, DSNG_ERR_IO);
	assert_int_equal(dsng_policy_load(mem, &p, DSNG_TEST_DATA, NULL, &err),
	                 DSNG_EIO);
	/* arguments */
	assert_int_equal(dsng_policy_load(mem, NULL, "x", NULL, &err),
	                 DSNG_EINVAL);
	assert_int_equal(dsng_policy_load(mem, &p, NULL, NULL, &err),
	                 DSNG_EINVAL);
	bad.version = DSNG_POLICY_OPTS_VERSION + 1;
	assert_int_equal(dsng_policy_load(mem, &p, "x", &bad, &err),
	                 DSNG_EINVAL);
	assert_int_equal(err.kind, DSNG_ERR_INVALID_ARGUMENT);
	assert_int_equal(dsng_policy_parse(mem, &p, NULL, 3, "x", NULL, &err),
	                 DSNG_EINVAL);
	assert_int_equal(dsng_policy_parse(mem, NULL, S("x"), "x", NULL, &err),
	                 DSNG_EINVAL);
	/* no name: "(config)" */
	assert_int_equal(dsng_policy_parse(mem, &p, S(P), NULL, NULL, &err), 0);
	assert_string_equal(dsng_policy_name(p), "(config)");
	talloc_free(p);
	assert_null(dsng_policy_name(NULL));
	assert_int_equal(dsng_policy_network_count(NULL), 0);
	assert_int_equal(talloc_total_blocks(mem), blocks);
}

/* ---- presets ---- */

static void test_preset_api(void **state)
{
	TALLOC_CTX *mem = *state;
	const char *const *names = dsng_policy_preset_names();
	static const char *const documented[] = {"recommended", "permissive",
	                                         "sendmail-noreceipts",
	                                         "postfix-discard-dsn"};
	struct dsng_policy *p = (void *)1;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t i, n = 0;

	for (n = 0; names[n]; n++)
		;
	assert_int_equal(n, N_OF(documented));
	for (i = 0; i < N_OF(documented); i++) {
		size_t j;
		for (j = 0; j < n && strcmp(names[j], documented[i]); j++)
			;
		assert_true(j < n);
		assert_int_equal(
		        dsng_policy_preset(mem, &p, documented[i], &err), 0);
		assert_string_equal(dsng_policy_name(p), documented[i]);
		assert_ptr_equal(talloc_parent(p), mem);
		talloc_free(p);
	}
	p = (void *)1;
	assert_int_equal(dsng_policy_preset(mem, &p, "Permissive", &err),
	                 DSNG_ENOTFOUND);
	assert_null(p);
	assert_int_equal(err.kind, DSNG_ERR_UNKNOWN_PRESET);
	/* the message names the presets there are */
	for (i = 0; i < N_OF(documented); i++)
		assert_non_null(strstr(err.message, documented[i]));
	assert_int_equal(dsng_policy_preset(mem, NULL, "permissive", &err),
	                 DSNG_EINVAL);
	assert_int_equal(err.kind, DSNG_ERR_INVALID_ARGUMENT);
	assert_int_equal(dsng_policy_preset(mem, &p, NULL, &err), DSNG_EINVAL);
	/* the same names as a config's preset line */
	assert_int_equal(dsng_policy_parse(mem, &p, S("preset = permissive\n"),
	                                   "c", NULL, &err),
	                 0);
	talloc_free(p);
}

/* sendmail-noreceipts and postfix-discard-dsn, as their comments in
 * lib/policy_preset.c describe them (sendmail 8.17 PrivacyOptions=
 * noreceipts; Postfix's DSN_README). */
static void test_presets_behave(void **state)
{
	TALLOC_CTX *mem = *state;
	struct dsng_policy *sm, *pf, *pm;
	struct dsng_policy_session s = DSNG_POLICY_SESSION_INIT;
	struct dsng_decision d = DSNG_DECISION_INIT;
	struct dsng_cmd cmd;

	assert_int_equal(
	        dsng_policy_preset(mem, &sm, "sendmail-noreceipts", NULL), 0);
	assert_int_equal(
	        dsng_policy_preset(mem, &pf, "postfix-discard-dsn", NULL), 0);
	assert_int_equal(dsng_policy_preset(mem, &pm, "permissive", NULL), 0);
	dsng_cmd_init(&cmd, DSNG_CMD_VERSION);
	s.port = 587; /* submission */
	assert_int_equal(dsng_policy_ehlo(&d, sm, &s, true, NULL), 0);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_HIDE_DSN);
	assert_int_equal(dsng_cmd_parse(&cmd,
	                                S("MAIL FROM:<a@b.example> "
	                                  "ENVID=abc"),
	                                NULL, NULL),
	                 0);
	assert_int_equal(dsng_policy_mail(&d, sm, &s, &cmd, NULL), 0);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_REJECT);
	assert_int_equal(d.reply_code, 504);
	assert_string_equal(d.enhanced, "5.7.0");
	assert_non_null(strstr(d.reply_text, "ENVID"));
	/* generation: no success notices at all */
	assert_int_equal(dsng_policy_generate(&d, sm, &s, DSNG_DSN_SUCCESS,
	                                      false, DSNG_NOTIFY_SUCCESS, NULL),
	                 0);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_NEVER);
	/* Postfix: DSN kept on the submission port ... */
	assert_int_equal(dsng_policy_ehlo(&d, pf, &s, true, NULL), 0);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_ADVERTISE_DSN);
	/* ... refused with 501 5.7.1 on port 25 */
	assert_int_equal(dsng_policy_session_init(&s, 1), 0);
	s.port = 25;
	assert_int_equal(dsng_policy_ehlo(&d, pf, &s, true, NULL), 0);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_HIDE_DSN);
	assert_int_equal(dsng_cmd_parse(&cmd,
	                                S("RCPT TO:<a@b.example> "
	                                  "NOTIFY=NEVER"),
	                                NULL, NULL),
	                 0);
	assert_int_equal(dsng_policy_rcpt(&d, pf, &s, &cmd, NULL), 0);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_REJECT);
	assert_int_equal(d.reply_code, 501);
	assert_string_equal(d.enhanced, "5.7.1");
	/* permissive: everything offered and honoured, to anyone */
	assert_int_equal(dsng_policy_ehlo(&d, pm, &s, true, NULL), 0);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_ADVERTISE_DSN);
	assert_int_equal(dsng_cmd_parse(&cmd,
	                                S("RCPT TO:<a@b.example> "
	                                  "NOTIFY=SUCCESS,DELAY "
	                                  "ORCPT=rfc822;a@b.example"),
	                                NULL, NULL),
	                 0);
	assert_int_equal(dsng_policy_rcpt(&d, pm, &s, &cmd, NULL), 0);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_ACCEPT);
	assert_false(d.changed);
	assert_int_equal(d.compliance, DSNG_POLICY_COMPLIANT);
	assert_int_equal(d.notify, DSNG_NOTIFY_SUCCESS | DSNG_NOTIFY_DELAY);
	talloc_free(sm);
	talloc_free(pf);
	talloc_free(pm);
}

/* ---- MAIL and RCPT decisions ---- */

struct fx {
	TALLOC_CTX *mem;
	struct dsng_policy *p;
	struct dsng_policy_session s;
	struct dsng_decision d;
	struct dsng_cmd cmd;
};

static void fx_init(struct fx *f, TALLOC_CTX *mem, const char *conf)
{
	f->mem = mem;
	f->p = config(mem, conf);
	assert_int_equal(dsng_policy_session_init(&f->s, 1), 0);
	/* an untrusted client on port 25 */
	assert_int_equal(
	        dsng_policy_session_set_addr(&f->s, S("198.51.100.33"), NULL),
	        0);
	assert_int_equal(dsng_decision_init(&f->d, 1), 0);
	dsng_cmd_init(&f->cmd, DSNG_CMD_VERSION);
}

static int decide(struct fx *f, const char *line)
{
	struct dsng_error err = DSNG_ERROR_INIT;
	int rc;

	if (dsng_cmd_parse(&f->cmd, line, strlen(line), NULL, &err))
		fail_msg("'%s': %s", line, err.message);
	rc = f->cmd.verb == DSNG_VERB_MAIL
	             ? dsng_policy_mail(&f->d, f->p, &f->s, &f->cmd, &err)
	             : dsng_policy_rcpt(&f->d, f->p, &f->s, &f->cmd, &err);
	assert_int_equal(rc, 0);
	return rc;
}

static const char *line_now(struct fx *f)
{
	char *s = dsng_cmd_format(f->mem, &f->cmd);

	assert_non_null(s);
	return s;
}

static void test_mail_ret_actions(void **state)
{
	struct fx f;

	/* reject: the configured reply, the command refused whole (the
	 * ENVID rule is not even looked at) */
	fx_init(&f, *state,
	        P "[mail]\nret-full-from = trusted\nret-full-action = reject\n"
	          "envid-from = trusted\nenvid-action = strip\n"
	          "reply = \"553 5.7.2 {param}={value} refused\"\n");
	decide(&f, "MAIL FROM:<a@b.example> RET=FULL ENVID=e1");
	assert_int_equal(f.d.action, DSNG_POLICY_ACTION_REJECT);
	assert_int_equal(f.d.reply_code, 553);
	assert_string_equal(f.d.enhanced, "5.7.2");
	assert_string_equal(f.d.reply_text, "RET=FULL refused");
	assert_string_equal(f.d.rule, "mail.ret-full-action");
	assert_false(f.d.changed);
	assert_int_equal(f.d.changes, 0);
	assert_int_equal(f.d.compliance, DSNG_POLICY_COMPLIANT);
	assert_null(strstr(f.d.reason, "ENVID"));
	assert_string_equal(line_now(&f),
	                    "MAIL FROM:<a@b.example> RET=FULL ENVID=e1");
	/* RET=HDRS is not what the rule is about */
	decide(&f, "MAIL FROM:<a@b.example> RET=HDRS");
	assert_int_equal(f.d.action, DSNG_POLICY_ACTION_ACCEPT);
	assert_non_null(strstr(f.d.reason, "RET=HDRS honoured"));
	assert_int_equal(f.d.compliance, DSNG_POLICY_COMPLIANT);
	talloc_free(f.p);

	/* accept: outside ret-full-from, but kept */
	fx_init(&f, *state,
	        P "[mail]\nret-full-from = tls\nret-full-action = accept\n"
	          "envid-from = tls\nenvid-action = accept\n");
	decide(&f, "MAIL FROM:<a@b.example> RET=FULL ENVID=e1");
	assert_int_equal(f.d.action, DSNG_POLICY_ACTION_ACCEPT);
	assert_false(f.d.changed);
	assert_non_null(strstr(f.d.reason, "accepted"));
	assert_non_null(strstr(f.d.reason, "ENVID accepted although"));
	assert_int_equal(f.d.compliance, DSNG_POLICY_COMPLIANT);
	/* from a TLS client both are simply honoured */
	f.s.tls = true;
	decide(&f, "MAIL FROM:<a@b.example> RET=FULL ENVID=e1");
	assert_non_null(strstr(f.d.reason, "RET=FULL, ENVID honoured"));
	assert_non_null(strstr(f.d.reason, ", TLS"));
	talloc_free(f.p);

	/* strip, then ENVID refused: REJECT wins, nothing counts as
	 * changed */
	fx_init(&f, *state,
	        P "[mail]\nret-full-from = none\nret-full-action = strip\n"
	          "envid-from = none\nenvid-action = reject\n");
	decide(&f, "MAIL FROM:<a@b.example> RET=FULL ENVID=e1");
	assert_int_equal(f.d.action, DSNG_POLICY_ACTION_REJECT);
	assert_string_equal(f.d.rule, "mail.envid-action");
	assert_false(f.d.changed);
	assert_int_equal(f.d.changes, 0);
	assert_non_null(strstr(f.d.reply_text, "ENVID"));
	/* ENVID alone */
	decide(&f, "MAIL FROM:<a@b.example> ENVID=e2");
	assert_int_equal(f.d.action, DSNG_POLICY_ACTION_REJECT);
	talloc_free(f.p);

	/* downgrade and strip together: the stronger (strip) names the
	 * rule; DSN was offered, so altering it is not compliant */
	fx_init(&f, *state,
	        P "[mail]\nret-full-from = none\nenvid-from = none\n");
	f.s.dsn_offered = 1;
	decide(&f, "MAIL FROM:<a@b.example> RET=FULL ENVID=e1 SIZE=10");
	assert_int_equal(f.d.action, DSNG_POLICY_ACTION_STRIP);
	assert_string_equal(f.d.rule, "mail.envid-action");
	assert_int_equal(f.d.changes,
	                 DSNG_POLICY_CHANGED_RET | DSNG_POLICY_CHANGED_ENVID);
	assert_int_equal(f.d.compliance, DSNG_POLICY_NOT_COMPLIANT);
	assert_string_equal(line_now(&f),
	                    "MAIL FROM:<a@b.example> RET=HDRS SIZE=10");
	talloc_free(f.p);
}

static void test_mail_unoffered(void **state)
{
	struct fx f;

	/* ignore: RET and ENVID dropped, the command accepted */
	fx_init(&f, *state,
	        P "[ehlo]\noffer-dsn = trusted\n[mail]\nunoffered = ignore\n");
	assert_int_equal(dsng_policy_ehlo(&f.d, f.p, &f.s, true, NULL), 0);
	assert_int_equal(f.s.dsn_offered, 0);
	decide(&f, "MAIL FROM:<a@b.example> RET=FULL ENVID=e1");
	assert_int_equal(f.d.action, DSNG_POLICY_ACTION_IGNORE);
	assert_int_equal(f.d.compliance, DSNG_POLICY_LENIENT);
	assert_int_equal(f.d.changes,
	                 DSNG_POLICY_CHANGED_RET | DSNG_POLICY_CHANGED_ENVID);
	assert_int_equal(f.cmd.ret, DSNG_RET_NONE);
	assert_false(f.cmd.has_envid);
	assert_string_equal(line_now(&f), "MAIL FROM:<a@b.example>");
	decide(&f, "MAIL FROM:<a@b.example> ENVID=e1");
	assert_int_equal(f.d.changes, DSNG_POLICY_CHANGED_ENVID);
	talloc_free(f.p);

	/* rules: the [mail] rules apply, honouring is lenient */
	fx_init(&f, *state, P "[ehlo]\noffer-dsn = trusted\n");
	assert_int_equal(dsng_policy_ehlo(&f.d, f.p, &f.s, false, NULL), 0);
	assert_string_equal(f.d.rule, "ehlo.helo");
	decide(&f, "MAIL FROM:<a@b.example> RET=FULL");
	assert_int_equal(f.d.action, DSNG_POLICY_ACTION_ACCEPT);
	assert_int_equal(f.d.compliance, DSNG_POLICY_LENIENT);
	assert_non_null(strstr(f.d.reason, "4.1.1.11"));
	talloc_free(f.p);

	/* DSN hidden at EHLO (authenticated never matches there), the
	 * client authenticates later and honour-unoffered-from covers
	 * that: honoured although not offered (lenient) */
	fx_init(&f, *state,
	        P "[ehlo]\noffer-dsn = none\n"
	          "honour-unoffered-from = authenticated\n[rcpt]\n"
	          "unoffered = reject\n[mail]\nunoffered = reject\n");
	assert_int_equal(dsng_policy_ehlo(&f.d, f.p, &f.s, true, NULL), 0);
	assert_int_equal(f.d.action, DSNG_POLICY_ACTION_HIDE_DSN);
	decide(&f, "MAIL FROM:<a@b.example> RET=HDRS");
	assert_int_equal(f.d.action, DSNG_POLICY_ACTION_REJECT);
	f.s.auth_user = "alice";
	decide(&f, "MAIL FROM:<a@b.example> RET=HDRS");
	assert_int_equal(f.d.action, DSNG_POLICY_ACTION_ACCEPT);
	assert_int_equal(f.d.compliance, DSNG_POLICY_LENIENT);
	assert_non_null(strstr(f.d.reason, "authenticated as alice"));
	decide(&f, "RCPT TO:<c@d.example> NOTIFY=SUCCESS");
	assert_int_equal(f.d.action, DSNG_POLICY_ACTION_ACCEPT);
	assert_int_equal(f.d.compliance, DSNG_POLICY_LENIENT);
	/* an empty user name is no authentication */
	f.s.auth_user = "";
	decide(&f, "RCPT TO:<c@d.example> NOTIFY=SUCCESS");
	assert_int_equal(f.d.action, DSNG_POLICY_ACTION_REJECT);
	talloc_free(f.p);
}

static void test_rcpt_branches(void **state)
{
	struct fx f;

	/* each keyword checked against its own class list */
	fx_init(&f, *state,
	        P "[rcpt]\nsuccess-from = all\ndelay-from = trusted\n"
	          "failure-from = tls\naction = reject\n"
	          "reply = \"550 5.7.1 {param}={value} refused\"\n");
	decide(&f, "RCPT TO:<c@d.example> NOTIFY=DELAY");
	assert_int_equal(f.d.action, DSNG_POLICY_ACTION_REJECT);
	assert_string_equal(f.d.reply_text, "NOTIFY=DELAY refused");
	assert_string_equal(f.d.rule, "rcpt.delay-from");
	assert_int_equal(f.d.notify, DSNG_NOTIFY_DELAY);
	decide(&f, "RCPT TO:<c@d.example> NOTIFY=FAILURE,SUCCESS");
	assert_string_equal(f.d.reply_text, "NOTIFY=FAILURE refused");
	assert_string_equal(f.d.rule, "rcpt.failure-from");
	assert_int_equal(f.d.notify_requested,
	                 DSNG_NOTIFY_SUCCESS | DSNG_NOTIFY_FAILURE);
	decide(&f, "RCPT TO:<c@d.example> NOTIFY=DELAY,FAILURE");
	assert_string_equal(f.d.reply_text, "NOTIFY=FAILURE,DELAY refused");
	/* the first failing list in SUCCESS, DELAY, FAILURE order names
	 * the rule */
	assert_string_equal(f.d.rule, "rcpt.delay-from");
	/* NEVER asks for nothing: nothing to refuse */
	decide(&f, "RCPT TO:<c@d.example> NOTIFY=NEVER");
	assert_int_equal(f.d.action, DSNG_POLICY_ACTION_ACCEPT);
	assert_int_equal(f.d.notify, DSNG_NOTIFY_NEVER);
	f.s.tls = true;
	f.s.trusted = 1;
	decide(&f, "RCPT TO:<c@d.example> NOTIFY=DELAY,FAILURE");
	assert_int_equal(f.d.action, DSNG_POLICY_ACTION_ACCEPT);
	assert_non_null(strstr(f.d.reason, "(trusted, "));
	talloc_free(f.p);

	/* accept although not allowed */
	fx_init(&f, *state, P "[rcpt]\nsuccess-from = none\naction = accept\n");
	decide(&f, "RCPT TO:<c@d.example> NOTIFY=SUCCESS");
	assert_int_equal(f.d.action, DSNG_POLICY_ACTION_ACCEPT);
	assert_false(f.d.changed);
	assert_int_equal(f.d.notify, DSNG_NOTIFY_SUCCESS);
	assert_non_null(strstr(f.d.reason, "rcpt.action = accept"));
	talloc_free(f.p);

	/* ORCPT alone: stripped outside orcpt-from, kept inside (no EHLO
	 * decision yet: offered, as the permissive offer-dsn says) */
	fx_init(&f, *state, P "[rcpt]\norcpt-from = authenticated\n");
	decide(&f, "RCPT TO:<c@d.example> ORCPT=rfc822;c@d.example");
	assert_int_equal(f.d.action, DSNG_POLICY_ACTION_STRIP);
	assert_int_equal(f.d.changes, DSNG_POLICY_CHANGED_ORCPT);
	assert_string_equal(f.d.rule, "rcpt.orcpt-from");
	assert_string_equal(f.d.reason,
	                    "ORCPT removed for 198.51.100.33 (untrusted, "
	                    "unauthenticated, smtp) (rcpt.orcpt-from: "
	                    "authenticated); NOT RFC 3461-compliant: DSN was "
	                    "offered to this client, and the RFCs give no way "
	                    "to accept DSN yet refuse part of it");
	assert_false(f.cmd.has_orcpt);
	assert_string_equal(line_now(&f), "RCPT TO:<c@d.example>");
	f.s.auth_user = "bob";
	f.s.dsn_offered = 1;
	decide(&f, "RCPT TO:<c@d.example> ORCPT=rfc822;c@d.example");
	assert_int_equal(f.d.action, DSNG_POLICY_ACTION_ACCEPT);
	assert_non_null(strstr(f.d.reason, "ORCPT kept for"));
	assert_int_equal(f.d.compliance, DSNG_POLICY_COMPLIANT);
	talloc_free(f.p);

	/* downgrade NOTIFY and strip ORCPT: STRIP is the stronger */
	fx_init(&f, *state,
	        P "[rcpt]\nsuccess-from = none\naction = downgrade\n"
	          "orcpt-from = none\n");
	f.s.dsn_offered = 1;
	decide(&f, "RCPT TO:<c@d.example> NOTIFY=SUCCESS,FAILURE "
	           "ORCPT=rfc822;c@d.example");
	assert_int_equal(f.d.action, DSNG_POLICY_ACTION_STRIP);
	assert_string_equal(f.d.rule, "rcpt.orcpt-from");
	assert_int_equal(f.d.changes, DSNG_POLICY_CHANGED_NOTIFY |
	                                      DSNG_POLICY_CHANGED_ORCPT);
	assert_int_equal(f.d.notify, DSNG_NOTIFY_FAILURE);
	assert_int_equal(f.d.compliance, DSNG_POLICY_NOT_COMPLIANT);
	assert_string_equal(line_now(&f), "RCPT TO:<c@d.example> "
	                                  "NOTIFY=FAILURE");
	talloc_free(f.p);

	/* unoffered = ignore drops NOTIFY and ORCPT together */
	fx_init(&f, *state,
	        P "[ehlo]\noffer-dsn = none\n[rcpt]\nunoffered = ignore\n");
	decide(&f, "RCPT TO:<c@d.example> NOTIFY=SUCCESS "
	           "ORCPT=rfc822;c@d.example");
	assert_int_equal(f.d.action, DSNG_POLICY_ACTION_IGNORE);
	assert_int_equal(f.d.changes, DSNG_POLICY_CHANGED_NOTIFY |
	                                      DSNG_POLICY_CHANGED_ORCPT);
	assert_int_equal(f.d.notify, 0);
	assert_int_equal(f.d.notify_requested, DSNG_NOTIFY_SUCCESS);
	assert_string_equal(line_now(&f), "RCPT TO:<c@d.example>");
	assert_int_equal(f.s.n_recipients, 1);
	decide(&f, "RCPT TO:<c@d.example> ORCPT=rfc822;c@d.example");
	assert_int_equal(f.d.changes, DSNG_POLICY_CHANGED_ORCPT);
	assert_int_equal(f.s.n_recipients, 2);
	talloc_free(f.p);

	/* unoffered = reject: ORCPT alone says ORCPT */
	fx_init(&f, *state,
	        P "[ehlo]\noffer-dsn = none\n[rcpt]\nunoffered = reject\n"
	          "unoffered-reply = \"555 5.5.4 {param}{value}\"\n");
	decide(&f, "RCPT TO:<c@d.example> ORCPT=rfc822;c@d.example");
	assert_int_equal(f.d.action, DSNG_POLICY_ACTION_REJECT);
	assert_string_equal(f.d.reply_text, "ORCPT");
	decide(&f, "RCPT TO:<c@d.example> NOTIFY=FAILURE,DELAY");
	assert_string_equal(f.d.reply_text, "NOTIFYFAILURE,DELAY");
	assert_int_equal(f.s.n_recipients, 0);
	talloc_free(f.p);
}

/* ---- sessions ---- */

static void test_sessions(void **state)
{
	TALLOC_CTX *mem = *state;
	struct dsng_policy *p = config(mem, P "[trusted-networks]\n"
	                                      "2001:db8::/32\n");
	struct dsng_policy_session s = DSNG_POLICY_SESSION_INIT, bad;
	struct dsng_decision d = DSNG_DECISION_INIT;
	struct dsng_error err = DSNG_ERROR_INIT;
	char longname[400];

	/* addresses */
	assert_int_equal(dsng_policy_session_set_addr(&s, NULL, 3, &err),
	                 DSNG_EINVAL);
	assert_int_equal(err.kind, DSNG_ERR_INVALID_ARGUMENT);
	assert_int_equal(dsng_policy_session_set_addr(&s, S("999.1.1.1"), &err),
	                 DSNG_ESYNTAX);
	assert_int_equal(err.kind, DSNG_ERR_BAD_CIDR);
	assert_int_equal(s.family, 0);
	assert_int_equal(dsng_policy_session_set_addr(NULL, S("1.2.3.4"), &err),
	                 DSNG_EINVAL);
	bad = s;
	bad.version = 0;
	assert_int_equal(dsng_policy_session_set_addr(&bad, S("1.2.3.4"), &err),
	                 DSNG_EINVAL);
	assert_non_null(strstr(err.message, "version"));
	/* an unknown address: not trusted, described as such */
	assert_false(dsng_policy_is_trusted(p, &s));
	assert_false(dsng_policy_is_trusted(NULL, &s));
	assert_false(dsng_policy_is_trusted(p, &bad));
	assert_int_equal(dsng_policy_ehlo(&d, p, &s, true, NULL), 0);
	assert_non_null(strstr(d.reason, "unknown address (untrusted"));
	/* IPv6, written back in its RFC 5952 form */
	assert_int_equal(dsng_policy_session_set_addr(
	                         &s, S("2001:DB8:0:0:0:0:0:1"), NULL),
	                 0);
	assert_int_equal(s.family, 6);
	assert_int_equal(dsng_policy_ehlo(&d, p, &s, true, NULL), 0);
	assert_non_null(strstr(d.reason, "2001:db8::1 (trusted, "));
	/* the service: local submission, port 465, unknown port */
	s.service = DSNG_POLICY_SERVICE_LOCAL;
	assert_true(dsng_policy_classes(p, &s) & DSNG_POLICY_CLASS_LOCAL);
	assert_int_equal(dsng_policy_ehlo(&d, p, &s, true, NULL), 0);
	assert_non_null(strstr(d.reason, ", local submission)"));
	s.service = DSNG_POLICY_SERVICE_UNKNOWN;
	s.port = 465;
	assert_true(dsng_policy_classes(p, &s) & DSNG_POLICY_CLASS_SUBMISSION);
	s.service = DSNG_POLICY_SERVICE_SMTP;
	assert_false(dsng_policy_classes(p, &s) & DSNG_POLICY_CLASS_SUBMISSION);
	/* no policy, unknown session: only "all" */
	assert_int_equal(dsng_policy_classes(NULL, &s), DSNG_POLICY_CLASS_ALL);
	assert_int_equal(dsng_policy_classes(p, &bad), DSNG_POLICY_CLASS_ALL);
	assert_int_equal(dsng_policy_classes(p, NULL), DSNG_POLICY_CLASS_ALL);
	/* reset: only the transaction, and nothing for unknown versions */
	s.null_sender = true;
	s.n_recipients = 3;
	dsng_policy_session_reset(&s);
	assert_false(s.null_sender);
	assert_int_equal(s.n_recipients, 0);
	assert_int_equal(s.family, 6);
	bad.n_recipients = 3;
	bad.null_sender = true;
	dsng_policy_session_reset(&bad);
	assert_int_equal(bad.n_recipients, 3);
	assert_true(bad.null_sender);
	dsng_policy_session_reset(NULL);
	/* a reason never overflows its buffer */
	memset(longname, 'u', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	s.auth_user = longname;
	assert_int_equal(dsng_policy_ehlo(&d, p, &s, true, NULL), 0);
	assert_true(strlen(d.reason) < sizeof(d.reason));
	/* at EHLO the login does not count, and the reason says so */
	assert_non_null(strstr(d.reason, "the login is not counted"));
	talloc_free(p);
}

/* ---- wrappers and bounce descriptions ---- */

static void test_wrappers(void **state)
{
	TALLOC_CTX *mem = *state;
	struct dsng_policy *p = config(mem, P "[ehlo]\noffer-dsn = all\n");
	struct dsng_policy_session s = DSNG_POLICY_SESSION_INIT;
	struct dsng_decision d = DSNG_DECISION_INIT, badd;
	struct dsng_error err = DSNG_ERROR_INIT;
	struct dsng_ehlo *caps;
	struct dsng_cmd cmd;
	static const char reply[] = "250-mx.example.net\r\n250-DSN\r\n"
	                            "250 8BITMIME\r\n";

	assert_int_equal(dsng_ehlo_parse(mem, &caps, S(reply), NULL, NULL), 0);
	assert_int_equal(dsng_policy_ehlo_reply(mem, &d, p, &s, NULL, &err),
	                 DSNG_EINVAL);
	assert_int_equal(err.kind, DSNG_ERR_INVALID_ARGUMENT);
	badd = d;
	badd.version = 99;
	assert_int_equal(dsng_policy_ehlo_reply(mem, &badd, p, &s, caps, &err),
	                 DSNG_EINVAL);
	assert_int_equal(badd.version, 99);
	/* offered: the reply stays as it is, nothing rewritten */
	assert_int_equal(dsng_policy_ehlo_reply(mem, &d, p, &s, caps, &err), 0);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_ADVERTISE_DSN);
	assert_null(d.rewritten);
	assert_false(d.changed);

	/* lines: NULL with a length, verbs without a DSN policy */
	assert_int_equal(
	        dsng_policy_line(mem, &d, NULL, p, &s, NULL, 4, NULL, &err),
	        DSNG_EINVAL);
	assert_int_equal(dsng_policy_line(mem, &d, NULL, NULL, &s, S("NOOP"),
	                                  NULL, &err),
	                 DSNG_EINVAL);
	assert_int_equal(
	        dsng_policy_line(mem, &d, NULL, p, &s, S("NOOP"), NULL, &err),
	        0);
	assert_string_equal(d.rule, "other");
	assert_non_null(strstr(d.reason, "NOOP"));
	s.n_recipients = 2;
	s.null_sender = true;
	dsng_cmd_init(&cmd, DSNG_CMD_VERSION);
	assert_int_equal(
	        dsng_policy_line(mem, &d, &cmd, p, &s, S("RSET"), NULL, &err),
	        0);
	assert_int_equal(cmd.verb, DSNG_VERB_RSET);
	assert_int_equal(s.n_recipients, 0);
	assert_false(s.null_sender);
	assert_int_equal(dsng_policy_line(mem, &d, NULL, p, &s,
	                                  S("LHLO client.example"), NULL, &err),
	                 0);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_ADVERTISE_DSN);
	assert_true(s.esmtp);
	/* a rewrite needs a context: none without */
	{
		struct dsng_policy *strip =
		        config(mem, P "[rcpt]\norcpt-from = none\n");
		assert_int_equal(dsng_policy_line(NULL, &d, NULL, strip, &s,
		                                  S("RCPT TO:<a@b.example> "
		                                    "ORCPT=rfc822;a@b.example"),
		                                  NULL, &err),
		                 0);
		assert_true(d.changed);
		assert_null(d.rewritten);
		talloc_free(strip);
	}
	/* a line that does not parse, with no error struct given: the
	 * refusal is still complete */
	assert_int_equal(dsng_policy_line(mem, &d, NULL, p, &s,
	                                  S("MAIL FROM:<a@b.example> NOTIFY=x"),
	                                  NULL, NULL),
	                 DSNG_ESYNTAX);
	assert_true(d.syntax_error);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_REJECT);
	assert_string_equal(d.rule, "syntax");
	assert_string_equal(d.origin, "parser");
	assert_true(d.reply_code >= 500);
	assert_true(d.reply_text[0] != 0);
	talloc_free(caps);
	talloc_free(p);
}

static void test_bounce_info_from_report(void **state)
{
	TALLOC_CTX *mem = *state;
	struct dsng_policy_bounce_info b = DSNG_POLICY_BOUNCE_INFO_INIT, bad;
	struct dsng_report *r;
	struct dsng_error err = DSNG_ERROR_INIT;
	static const char no_returned[] =
	        "Content-Type: multipart/report; boundary=b\n\n"
	        "--b\nContent-Type: message/delivery-status\n\n"
	        "Reporting-MTA: dns; x\n\nFinal-Recipient: rfc822; a@b\n"
	        "Action: failed\nStatus: 5.0.0\n--b--\n";
	static const char bare_returned[] =
	        "Content-Type: multipart/report; boundary=b\n\n"
	        "--b\nContent-Type: message/delivery-status\n\n"
	        "Reporting-MTA: dns; x\n\nFinal-Recipient: rfc822; a@b\n"
	        "Action: failed\nStatus: 5.0.0\n"
	        "--b\nContent-Type: text/rfc822-headers\n\n"
	        "Subject: no id, no Received\n\n--b--\n";

	assert_int_equal(dsng_report_parse(mem, &r, S(no_returned), NULL, NULL),
	                 0);
	assert_int_equal(
	        dsng_policy_bounce_info_from_report(mem, NULL, r, &err),
	        DSNG_EINVAL);
	bad = b;
	bad.version = 0;
	assert_int_equal(
	        dsng_policy_bounce_info_from_report(mem, &bad, r, &err),
	        DSNG_EINVAL);
	assert_non_null(strstr(err.message, "version"));
	assert_int_equal(
	        dsng_policy_bounce_info_from_report(mem, &b, NULL, &err),
	        DSNG_EINVAL);
	assert_int_equal(dsng_policy_bounce_info_from_report(mem, &b, r, &err),
	                 0);
	assert_true(b.is_report);
	assert_null(b.message_id.ptr);
	assert_null(b.received);
	talloc_free(r);
	assert_int_equal(
	        dsng_report_parse(mem, &r, S(bare_returned), NULL, NULL), 0);
	b = (struct dsng_policy_bounce_info)DSNG_POLICY_BOUNCE_INFO_INIT;
	assert_int_equal(dsng_policy_bounce_info_from_report(mem, &b, r, &err),
	                 0);
	assert_true(b.is_report);
	assert_null(b.message_id.ptr);
	assert_int_equal(b.n_received, 0);
	assert_null(b.received);
	talloc_free(r);
	/* not a report */
	assert_int_equal(dsng_report_parse(mem, &r, S("Subject: hi\n\nhello\n"),
	                                   NULL, NULL),
	                 0);
	b.is_report = true;
	assert_int_equal(dsng_policy_bounce_info_from_report(mem, &b, r, &err),
	                 0);
	assert_false(b.is_report);
	talloc_free(r);
}

int main(void)
{
#define T(f)                                                                   \
	cmocka_unit_test_setup_teardown(f, dsng_test_setup_ctx,                \
	                                dsng_test_teardown_ctx)
	const struct CMUnitTest tests[] = {
	        T(test_value_errors),     T(test_syntax_errors),
	        T(test_config_limits),    T(test_values_take_effect),
	        T(test_includes),         T(test_load),
	        T(test_preset_api),       T(test_presets_behave),
	        T(test_mail_ret_actions), T(test_mail_unoffered),
	        T(test_rcpt_branches),    T(test_sessions),
	        T(test_wrappers),         T(test_bounce_info_from_report),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
