/*
 * tests/test_config.c - the policy config file: settings, includes of
 * CIDR lists, presets, and every error with its file, line and column;
 * nothing is left on the caller's context after a failure.
 */
#include "dsng_test.h"
#include "policy_int.h"

#define DATA(f) DSNG_TEST_DATA "/policy/" f

static struct dsng_policy *parse_ok(TALLOC_CTX *mem, const char *text)
{
	struct dsng_policy *p = NULL;
	struct dsng_error err = DSNG_ERROR_INIT;
	struct dsng_policy_opts o;
	const char *g = dsng_test_guard(text, strlen(text));
	int rc;

	dsng_policy_opts_init(&o, DSNG_POLICY_OPTS_VERSION);
	o.no_includes = true;
	rc = dsng_policy_parse(mem, &p, g, strlen(text), "t.conf", &o, &err);
	if (rc)
		print_message("unexpected error: %s\n", err.message);
	assert_int_equal(rc, 0);
	dsng_test_guard_free(g);
	return p;
}

/* Parse text that must fail; check status, kind, line, column, message
 * prefix, and that nothing stays on mem. */
static void parse_bad(TALLOC_CTX *mem, const char *text, int status,
                      enum dsng_errkind kind, unsigned line, unsigned col,
                      const char *msg_part)
{
	struct dsng_policy *p = (struct dsng_policy *)1;
	struct dsng_error err = DSNG_ERROR_INIT;
	struct dsng_policy_opts o;
	size_t before = talloc_total_blocks(mem);
	const char *g = dsng_test_guard(text, strlen(text));
	char prefix[64];

	dsng_policy_opts_init(&o, DSNG_POLICY_OPTS_VERSION);
	o.no_includes = true;
	assert_int_equal(
	        dsng_policy_parse(mem, &p, g, strlen(text), "t.conf", &o, &err),
	        status);
	assert_null(p);
	assert_int_equal(err.rc, status);
	assert_int_equal(err.kind, kind);
	assert_int_equal(err.line, line);
	assert_int_equal(err.column, col);
	snprintf(prefix, sizeof(prefix), "t.conf:%u:%u: ", line, col);
	assert_memory_equal(err.message, prefix, strlen(prefix));
	if (msg_part && !strstr(err.message, msg_part))
		fail_msg("'%s' not in '%s'", msg_part, err.message);
	assert_int_equal(talloc_total_blocks(mem), before);
	dsng_test_guard_free(g);
}

static void test_empty_config_is_recommended(void **state)
{
	struct dsng_policy *p = parse_ok(*state, "# only a comment\n");
	struct dsng_policy *q;

	/* Zero bytes (NULL buffer) are a valid, empty config too. */
	assert_int_equal(
	        dsng_policy_parse(*state, &q, NULL, 0, NULL, NULL, NULL), 0);
	assert_string_equal(dsng_policy_name(q), "(config)");
	talloc_free(q);
	assert_string_equal(dsng_policy_name(p), "t.conf");
	assert_int_equal(p->offer_dsn.mask,
	                 DSNG_POLICY_CLASS_TRUSTED |
	                         DSNG_POLICY_CLASS_SUBMISSION |
	                         DSNG_POLICY_CLASS_LOCAL);
	assert_int_equal(p->honour_unoffered.mask,
	                 DSNG_POLICY_CLASS_AUTHENTICATED);
	assert_string_equal(p->offer_dsn.src.origin, "recommended");
	assert_int_equal(p->offer_dsn.src.line, 0);
	assert_int_equal(p->rcpt_unoffered.v, DSNG__UNOFFERED_REJECT);
	assert_int_equal(p->header_action.v, DSNG__HDR_STRIP);
	/* Loopback, 127.0.0.0/8 and ::1. */
	assert_int_equal(dsng_policy_network_count(p), 2);
	assert_int_equal(dsng_policy_warning_count(p), 0);
	talloc_free(p);
}

static void test_settings_and_sources(void **state)
{
	struct dsng_policy *p = parse_ok(
	        *state,
	        "# comment\n"
	        "preset = permissive\r\n"
	        "\n"
	        "[ehlo]\n"
	        "  offer-dsn = trusted,authenticated  tls # trailing\n"
	        "[RCPT]\n"
	        "Success-From = none\n"
	        "action = never\n"
	        "reply = \"451 4.7.1 try {param} later # not a comment\"\n"
	        "[mail]\n"
	        "ret-full-action = strip\n"
	        "[headers]\n"
	        "names = Return-Receipt-To\n"
	        "add-names = X-Foo, X-Bar\n"
	        "action = flag\n"
	        "[bounce]\n"
	        "batv-key = 2:text:secret\n"
	        "batv-key = 0:hex:0a0b\n"
	        "batv-days = 30\n"
	        "our-hosts = MX1.example.org out.example.org\n"
	        "our-hosts = [192.0.2.1]\n");

	assert_int_equal(p->offer_dsn.mask,
	                 DSNG_POLICY_CLASS_TRUSTED |
	                         DSNG_POLICY_CLASS_AUTHENTICATED |
	                         DSNG_POLICY_CLASS_TLS);
	assert_string_equal(p->offer_dsn.text, "trusted, authenticated, tls");
	assert_string_equal(p->offer_dsn.src.origin, "t.conf");
	assert_int_equal(p->offer_dsn.src.line, 5);
	assert_string_equal(p->offer_dsn.src.rule, "ehlo.offer-dsn");
	assert_int_equal(p->success_from.mask, 0);
	assert_int_equal(p->rcpt_action.v, DSNG_POLICY_ACTION_NEVER);
	assert_int_equal(p->rcpt_reply.code, 451);
	assert_string_equal(p->rcpt_reply.enhanced, "4.7.1");
	assert_string_equal(p->rcpt_reply.text,
	                    "try {param} later # not a comment");
	assert_int_equal(p->ret_full_action.v, DSNG_POLICY_ACTION_STRIP);
	/* Unset keys keep the preset's value and origin. */
	assert_int_equal(p->delay_from.mask, DSNG_POLICY_CLASS_ALL);
	assert_string_equal(p->delay_from.src.origin, "permissive");
	assert_int_equal(p->n_header_names, 3);
	assert_string_equal(p->header_names[0], "Return-Receipt-To");
	assert_string_equal(p->header_names[2], "X-Bar");
	assert_true(dsng_policy_is_receipt_header(p, "x-foo", 5));
	assert_false(dsng_policy_is_receipt_header(
	        p, "Disposition-Notification-To", 27));
	assert_int_equal(p->header_action.v, DSNG__HDR_FLAG);
	assert_int_equal(p->n_batv_keys, 2);
	assert_int_equal(p->batv_keys[0].number, 2);
	assert_int_equal(p->batv_keys[0].secret_len, 6);
	assert_int_equal(p->batv_keys[1].number, 0);
	assert_int_equal(p->batv_keys[1].secret_len, 2);
	assert_int_equal(p->batv_days, 30);
	assert_int_equal(p->n_our_hosts, 3);
	assert_string_equal(p->our_hosts[0], "mx1.example.org");
	talloc_free(p);
}

static void test_networks_inline(void **state)
{
	struct dsng_policy *p = parse_ok(
	        *state,
	        "[trusted-networks]\n"
	        "192.0.2.0/24, 198.51.100.0/25 198.51.100.128/25 # halves\n"
	        "2001:db8::/32\n"
	        "\t::1\n");
	struct dsng_policy_session s;

	assert_int_equal(dsng_policy_network_count(p), 4);
	dsng_policy_session_init(&s, DSNG_POLICY_SESSION_VERSION);
	assert_int_equal(
	        dsng_policy_session_set_addr(&s, "198.51.100.200", 14, NULL),
	        0);
	assert_true(dsng_policy_is_trusted(p, &s));
	assert_int_equal(
	        dsng_policy_session_set_addr(&s, "::ffff:192.0.2.9", 16, NULL),
	        0);
	assert_true(dsng_policy_is_trusted(p, &s));
	assert_int_equal(
	        dsng_policy_session_set_addr(&s, "203.0.113.1", 11, NULL), 0);
	assert_false(dsng_policy_is_trusted(p, &s));
	talloc_free(p);
}

static void test_syntax_errors(void **state)
{
	TALLOC_CTX *m = *state;

	parse_bad(m, "[ehlo]\noffer-dsn = trusted\nofer-dsn = all\n",
	          DSNG_ESYNTAX, DSNG_ERR_UNKNOWN_KEY, 3, 1,
	          "unknown key 'ofer-dsn'");
	/* A key of another section names that section. */
	parse_bad(m, "[ehlo]\naction = reject\n", DSNG_ESYNTAX,
	          DSNG_ERR_UNKNOWN_KEY, 2, 1, "in [ehlo]");
	parse_bad(m, "offer-dsn = all\n", DSNG_ESYNTAX, DSNG_ERR_UNKNOWN_KEY, 1,
	          1, "before any [section]");
	parse_bad(m, "\n  [nope]\n", DSNG_ESYNTAX, DSNG_ERR_UNKNOWN_KEY, 2, 4,
	          "unknown section [nope]");
	parse_bad(m, "[ehlo\n", DSNG_ESYNTAX, DSNG_ERR_CONFIG, 1, 1,
	          "missing ']'");
	parse_bad(m, "[ehlo] x\n", DSNG_ESYNTAX, DSNG_ERR_CONFIG, 1, 8,
	          "unexpected text");
	parse_bad(m, "[ehlo]\noffer-dsn all\n", DSNG_ESYNTAX, DSNG_ERR_CONFIG,
	          2, 11, "expected '='");
	parse_bad(m, "[ehlo]\noffer-dsn =\n", DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE,
	          2, 12, "needs a value");
	parse_bad(m, "[ehlo]\noffer-dsn = trusted, friends\n", DSNG_ESYNTAX,
	          DSNG_ERR_BAD_VALUE, 2, 22, "unknown client class 'friends'");
	parse_bad(m, "[ehlo]\noffer-dsn = none trusted\n", DSNG_ESYNTAX,
	          DSNG_ERR_BAD_VALUE, 2, 13, "stand alone");
	parse_bad(m, "[ehlo]\noffer-dsn = all\noffer-dsn = none\n",
	          DSNG_ESYNTAX, DSNG_ERR_CONFIG, 3, 1, "already set on line 2");
	parse_bad(m, "[rcpt]\naction = bounce\n", DSNG_ESYNTAX,
	          DSNG_ERR_BAD_VALUE, 2, 10,
	          "not one of: reject, strip, downgrade, never, accept");
	parse_bad(m, "[rcpt]\nreply = 250 ok\n", DSNG_ESYNTAX,
	          DSNG_ERR_BAD_VALUE, 2, 9, "4xx or 5xx");
	parse_bad(m, "[rcpt]\nreply = 550 4.7.1 no\n", DSNG_ESYNTAX,
	          DSNG_ERR_BAD_VALUE, 2, 13, "does not match");
	parse_bad(m, "[rcpt]\nreply = 550 5.7.1\n", DSNG_ESYNTAX,
	          DSNG_ERR_BAD_VALUE, 2, 18, "needs a text");
	parse_bad(m, "[rcpt]\nreply = 550 5.7.1x no\n", DSNG_ESYNTAX,
	          DSNG_ERR_BAD_VALUE, 2, 13, "enhanced");
	parse_bad(m, "[rcpt]\nreply = \"550 5.7.1 open\n", DSNG_ESYNTAX,
	          DSNG_ERR_CONFIG, 2, 9, "unterminated");
	parse_bad(m, "[rcpt]\nreply = \"550 5.7.1 x\" y\n", DSNG_ESYNTAX,
	          DSNG_ERR_CONFIG, 2, 23, "unexpected text");
	parse_bad(m, "[ehlo]\n= all\n", DSNG_ESYNTAX, DSNG_ERR_CONFIG, 2, 1,
	          "expected a key name");
	parse_bad(m, "[ehlo]\noffer-dsn = all\npreset = permissive\n",
	          DSNG_ESYNTAX, DSNG_ERR_UNKNOWN_KEY, 3, 1, "unknown key");
	parse_bad(m, "preset = permissive\npreset = recommended\n",
	          DSNG_ESYNTAX, DSNG_ERR_CONFIG, 2, 1, "already set");
	parse_bad(m, "preset = lax\n", DSNG_ESYNTAX, DSNG_ERR_UNKNOWN_PRESET, 1,
	          10, "unknown preset 'lax'");
	parse_bad(m, "[bounce]\nbatv-days = 0\n", DSNG_ESYNTAX,
	          DSNG_ERR_BAD_VALUE, 2, 13, "days");
	parse_bad(m, "[bounce]\nbatv-days = 501\n", DSNG_ESYNTAX,
	          DSNG_ERR_BAD_VALUE, 2, 13, "days");
	parse_bad(m, "[bounce]\nbatv-key = 1:text:a\nbatv-key = 1:text:b\n",
	          DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE, 3, 12, "given twice");
	parse_bad(m, "[bounce]\nour-hosts = mx/1\n", DSNG_ESYNTAX,
	          DSNG_ERR_BAD_VALUE, 2, 15, "not a host name");
	parse_bad(m, "[headers]\nnames = Bad:Name\n", DSNG_ESYNTAX,
	          DSNG_ERR_BAD_VALUE, 2, 9, "header field name");
	parse_bad(m, "[ehlo]\noffer-dsn = all\r\r\n", DSNG_ESYNTAX,
	          DSNG_ERR_CONFIG, 2, 16, "carriage return");
}

/* The batv-key column depends on the key parser's own offset, so only
 * check that one loosely above and precisely here. */
static void test_batv_key_error_points_into_value(void **state)
{
	struct dsng_policy *p;
	struct dsng_error err = DSNG_ERROR_INIT;
	const char *t = "[bounce]\nbatv-key = 1:hex:zz\n";

	assert_int_equal(
	        dsng_policy_parse(*state, &p, t, strlen(t), "k", NULL, &err),
	        DSNG_ESYNTAX);
	assert_int_equal(err.line, 2);
	assert_true(err.column >= 12 && err.column <= 21);
}

static void test_nul_byte_and_cidr_errors(void **state)
{
	struct dsng_policy *p;
	struct dsng_error err = DSNG_ERROR_INIT;
	struct dsng_policy_opts o;
	static const char t[] = "[ehlo]\noffer-dsn = a\0ll\n";
	size_t before = talloc_total_blocks(*state);

	dsng_policy_opts_init(&o, DSNG_POLICY_OPTS_VERSION);
	assert_int_equal(
	        dsng_policy_parse(*state, &p, t, sizeof(t) - 1, "n", &o, &err),
	        DSNG_ESYNTAX);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 14);
	assert_int_equal(err.kind, DSNG_ERR_CONFIG);
	assert_int_equal(talloc_total_blocks(*state), before);

	parse_bad(*state, "[trusted-networks]\n192.0.2.0/24 192.0.2.1/24\n",
	          DSNG_ESYNTAX, DSNG_ERR_BAD_CIDR, 2, 14, "bits set beyond");
	parse_bad(*state, "[trusted-networks]\n  10.0.0.0/33\n", DSNG_ESYNTAX,
	          DSNG_ERR_BAD_CIDR, 2, 12, "over 32");
	parse_bad(*state, "[trusted-networks]\nlocalhost\n", DSNG_ESYNTAX,
	          DSNG_ERR_BAD_CIDR, 2, 1, "not an IPv4 or IPv6");
	parse_bad(*state, "[trusted-networks]\ninclude \"x.txt\"\n", DSNG_EIO,
	          DSNG_ERR_IO, 2, 10, "include is disabled");
	parse_bad(*state, "[trusted-networks]\ninclude x.txt\n", DSNG_ESYNTAX,
	          DSNG_ERR_CONFIG, 2, 9, "quoted");
}

static void test_include_from_disk(void **state)
{
	struct dsng_policy *p;
	struct dsng_error err = DSNG_ERROR_INIT;
	struct dsng_policy_session s;

	assert_int_equal(
	        dsng_policy_load(*state, &p, DATA("good.conf"), NULL, &err), 0);
	/* 10/8, 172.16/12, 192.168/16, 2001:db8::/32, 198.51.100/24 */
	assert_int_equal(dsng_policy_network_count(p), 5);
	dsng_policy_session_init(&s, DSNG_POLICY_SESSION_VERSION);
	dsng_policy_session_set_addr(&s, "198.51.100.77", 13, NULL);
	assert_true(dsng_policy_is_trusted(p, &s));
	assert_int_equal(p->offer_dsn.src.line, 9);
	assert_int_equal(p->rcpt_action.v, DSNG_POLICY_ACTION_DOWNGRADE);
	assert_string_equal(p->rcpt_reply.text, "no #receipts for you");
	assert_int_equal(p->batv_keys[0].number, 3);
	assert_string_equal(p->our_hosts[0], "mx.example.net");
	talloc_free(p);
}

static void load_bad(TALLOC_CTX *mem, const char *file, int status,
                     enum dsng_errkind kind, unsigned line, unsigned col,
                     const char *msg_part)
{
	struct dsng_policy *p;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t before = talloc_total_blocks(mem);

	assert_int_equal(dsng_policy_load(mem, &p, file, NULL, &err), status);
	assert_null(p);
	assert_int_equal(err.kind, kind);
	assert_int_equal(err.line, line);
	assert_int_equal(err.column, col);
	if (!strstr(err.message, msg_part))
		fail_msg("'%s' not in '%s'", msg_part, err.message);
	assert_int_equal(talloc_total_blocks(mem), before);
}

static void test_include_errors(void **state)
{
	/* The error names the included file and its own line. */
	load_bad(*state, DATA("bad_include.conf"), DSNG_ESYNTAX,
	         DSNG_ERR_BAD_CIDR, 3, 1,
	         "policy/nets/bad.txt:3:1: '203.0.113.7/24'");
	load_bad(*state, DATA("missing_include.conf"), DSNG_EIO, DSNG_ERR_IO, 2,
	         10, "cannot read");
	load_bad(*state, DATA("loop.conf"), DSNG_ELIMIT, DSNG_ERR_CONFIG, 1, 10,
	         "nested deeper");
	load_bad(*state, DATA("unknown_key.conf"), DSNG_ESYNTAX,
	         DSNG_ERR_UNKNOWN_KEY, 3, 1, "unknown_key.conf:3:1:");
	load_bad(*state, DATA("no-such.conf"), DSNG_EIO, DSNG_ERR_IO, 0, 0,
	         "no-such.conf");
}

/* In-memory files through the read callback, as an embedding MTA would
 * supply them (and as the fuzzer cannot touch the disk). */
static int mem_read(void *arg, TALLOC_CTX *mem, const char *path, char **buf,
                    size_t *len)
{
	const char *const *files = arg;

	for (; *files; files += 2)
		if (!strcmp(files[0], path)) {
			*buf = talloc_strdup(mem, files[1]);
			*len = strlen(files[1]);
			return *buf ? 0 : DSNG_ENOMEM;
		}
	return DSNG_EIO;
}

static void test_include_through_callback(void **state)
{
	static const char *const files[] = {"/etc/dsng/lists/a.txt",
	                                    "192.0.2.0/24\ninclude \"b.txt\"\n",
	                                    "/etc/dsng/lists/b.txt",
	                                    "2001:db8::/32\n",
	                                    "/abs.txt",
	                                    "203.0.113.0/24\n",
	                                    NULL};
	const char *t = "[trusted-networks]\ninclude \"lists/a.txt\"\n"
	                "include \"/abs.txt\"\n";
	struct dsng_policy_opts o;
	struct dsng_policy *p;
	struct dsng_error err = DSNG_ERROR_INIT;

	dsng_policy_opts_init(&o, DSNG_POLICY_OPTS_VERSION);
	o.read = mem_read;
	o.read_arg = (void *)files;
	assert_int_equal(dsng_policy_parse(*state, &p, t, strlen(t),
	                                   "/etc/dsng/policy.conf", &o, &err),
	                 0);
	assert_int_equal(dsng_policy_network_count(p), 3);
	talloc_free(p);
}

/* A diamond: each level includes the next one 7 times, over the 8 levels
 * the depth limit allows (l0.txt .. l7.txt).  Expanded in full that is
 * 960,800 reads from a 40-byte config; the include budget stops it after
 * max_include_files reads. */
struct diamond {
	unsigned reads;
};

static int diamond_read(void *arg, TALLOC_CTX *mem, const char *path,
                        char **buf, size_t *len)
{
	struct diamond *d = arg;
	const char *base = strrchr(path, '/');
	unsigned level;
	char *b;
	int i;

	d->reads++;
	base = base ? base + 1 : path;
	if (sscanf(base, "l%u.txt", &level) != 1)
		return DSNG_EIO;
	if (level >= 7) {
		b = talloc_strdup(mem, "192.0.2.0/24\n");
	} else {
		b = talloc_strdup(mem, "");
		for (i = 0; i < 7 && b; i++)
			b = talloc_asprintf_append(b, "include \"l%u.txt\"\n",
			                           level + 1);
	}
	if (!b)
		return DSNG_ENOMEM;
	*buf = b;
	*len = strlen(b);
	return 0;
}

static void test_include_diamond(void **state)
{
	static const char t[] = "[trusted-networks]\ninclude \"l0.txt\"\n";
	struct diamond d = {0};
	struct dsng_policy_opts o;
	struct dsng_policy *p = (struct dsng_policy *)1;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t before = talloc_total_blocks(*state);

	assert_true(sizeof(t) - 1 <= 40);
	dsng_policy_opts_init(&o, DSNG_POLICY_OPTS_VERSION);
	assert_int_equal(o.max_include_files, DSNG_POLICY_MAX_INCLUDE_FILES);
	assert_int_equal(o.max_include_bytes, DSNG_POLICY_MAX_INCLUDE_BYTES);
	o.read = diamond_read;
	o.read_arg = &d;
	assert_int_equal(dsng_policy_parse(*state, &p, t, sizeof(t) - 1,
	                                   "/etc/d.conf", &o, &err),
	                 DSNG_ELIMIT);
	assert_null(p);
	assert_int_equal(err.rc, DSNG_ELIMIT);
	assert_non_null(err.limit);
	assert_string_equal(err.limit, "max_include_files");
	assert_non_null(strstr(err.message, "more than 1000 files"));
	assert_int_equal(d.reads, DSNG_POLICY_MAX_INCLUDE_FILES);
	assert_int_equal(talloc_total_blocks(*state), before);

	/* A smaller budget stops sooner; 0 means the default. */
	d.reads = 0;
	o.max_include_files = 20;
	assert_int_equal(dsng_policy_parse(*state, &p, t, sizeof(t) - 1,
	                                   "/etc/d.conf", &o, &err),
	                 DSNG_ELIMIT);
	assert_int_equal(d.reads, 20);
	assert_string_equal(err.limit, "max_include_files");

	/* The bytes of the tree: the first path down (seven files of seven
	 * includes and a leaf) and a few more leaves fit in 1000 bytes. */
	d.reads = 0;
	o.max_include_files = 0;
	o.max_include_bytes = 1000;
	assert_int_equal(dsng_policy_parse(*state, &p, t, sizeof(t) - 1,
	                                   "/etc/d.conf", &o, &err),
	                 DSNG_ELIMIT);
	assert_string_equal(err.limit, "max_include_bytes");
	assert_non_null(strstr(err.message, "more than 1000 bytes"));
	assert_true(d.reads > 8 && d.reads < 30);
	assert_int_equal(talloc_total_blocks(*state), before);

	/* Within the budget a whole diamond of three levels loads. */
	o.max_include_bytes = 0;
	o.max_include_files = 1 + 7 + 49;
	{
		static const char t2[] =
		        "[trusted-networks]\ninclude \"l5.txt\"\n";
		d.reads = 0;
		assert_int_equal(dsng_policy_parse(*state, &p, t2,
		                                   sizeof(t2) - 1,
		                                   "/etc/d.conf", &o, &err),
		                 0);
		assert_int_equal(d.reads, 57);
		assert_int_equal(dsng_policy_network_count(p), 1);
		talloc_free(p);
	}
	/* Version 1 options have no such fields: they get the defaults. */
	d.reads = 0;
	o.version = 1;
	o.max_include_files = 5;
	assert_int_equal(dsng_policy_parse(*state, &p, t, sizeof(t) - 1,
	                                   "/etc/d.conf", &o, &err),
	                 DSNG_ELIMIT);
	assert_int_equal(d.reads, DSNG_POLICY_MAX_INCLUDE_FILES);
}

/* Each include is freed once read: a policy that includes a list 50
 * times holds no more than one that includes it once. */
static void test_include_keeps_no_copies(void **state)
{
	static const char *const files[] = {"/etc/lists/a.txt",
	                                    "192.0.2.0/24\n", NULL};
	struct dsng_policy_opts o;
	struct dsng_policy *one, *many;
	char *t = talloc_strdup(*state, "[trusted-networks]\n");
	int i;

	dsng_policy_opts_init(&o, DSNG_POLICY_OPTS_VERSION);
	o.read = mem_read;
	o.read_arg = (void *)files;
	assert_int_equal(dsng_policy_parse(*state, &one,
	                                   "[trusted-networks]\ninclude "
	                                   "\"lists/a.txt\"\n",
	                                   41, "/etc/p.conf", &o, NULL),
	                 0);
	for (i = 0; i < 50; i++)
		t = talloc_strdup_append(t, "include \"lists/a.txt\"\n");
	assert_int_equal(dsng_policy_parse(*state, &many, t, strlen(t),
	                                   "/etc/p.conf", &o, NULL),
	                 0);
	assert_int_equal(dsng_policy_network_count(many), 1);
	assert_int_equal(talloc_total_blocks(many), talloc_total_blocks(one));
	talloc_free(one);
	talloc_free(many);
	talloc_free(t);
}

/* A setting that loads but cannot do what it says is a warning the
 * caller (check-config, a binding) can show. */
static void test_warnings(void **state)
{
	struct dsng_policy *p =
	        parse_ok(*state, "[ehlo]\n"
	                         "offer-dsn = trusted, authenticated\n");
	const struct dsng_policy_warning *w;
	const char *const *names = dsng_policy_preset_names();
	size_t i;

	assert_int_equal(dsng_policy_warning_count(p), 1);
	w = dsng_policy_warning_get(p, 0);
	assert_non_null(w);
	assert_string_equal(w->rule, "ehlo.offer-dsn");
	assert_string_equal(w->origin, "t.conf");
	assert_int_equal(w->line, 2);
	assert_non_null(strstr(w->message,
	                       "t.conf:2: ehlo.offer-dsn: 'authenticated' "
	                       "never matches at EHLO"));
	assert_non_null(strstr(w->message, "(AUTH) after EHLO"));
	assert_null(dsng_policy_warning_get(p, 1));
	talloc_free(p);
	assert_int_equal(dsng_policy_warning_count(NULL), 0);
	assert_null(dsng_policy_warning_get(NULL, 0));
	/* "all" covers authenticated clients without naming them; no
	 * preset warns. */
	p = parse_ok(*state, "[ehlo]\noffer-dsn = all\n");
	assert_int_equal(dsng_policy_warning_count(p), 0);
	talloc_free(p);
	for (i = 0; names[i]; i++) {
		assert_int_equal(dsng_policy_preset(*state, &p, names[i], NULL),
		                 0);
		assert_int_equal(dsng_policy_warning_count(p), 0);
		talloc_free(p);
	}
}

static void test_presets(void **state)
{
	const char *const *names = dsng_policy_preset_names();
	struct dsng_policy *p;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t i, before = talloc_total_blocks(*state);

	for (i = 0; names[i]; i++) {
		assert_int_equal(dsng_policy_preset(*state, &p, names[i], &err),
		                 0);
		assert_string_equal(dsng_policy_name(p), names[i]);
		/* Every setting is attributed to the preset. */
		assert_string_equal(p->rcpt_unoffered.src.origin, names[i]);
		talloc_free(p);
	}
	assert_int_equal(i, 4);
	assert_int_equal(dsng_policy_preset(*state, &p, "Recommended", &err),
	                 DSNG_ENOTFOUND);
	assert_null(p);
	assert_int_equal(err.kind, DSNG_ERR_UNKNOWN_PRESET);
	assert_int_equal(talloc_total_blocks(*state), before);

	assert_int_equal(
	        dsng_policy_preset(*state, &p, "sendmail-noreceipts", &err), 0);
	assert_int_equal(p->offer_dsn.mask, 0);
	assert_int_equal(p->rcpt_unoffered_reply.code, 504);
	assert_string_equal(p->rcpt_unoffered_reply.enhanced, "5.7.0");
	talloc_free(p);
	assert_int_equal(
	        dsng_policy_preset(*state, &p, "postfix-discard-dsn", &err), 0);
	assert_int_equal(p->rcpt_unoffered_reply.code, 501);
	assert_string_equal(p->rcpt_unoffered_reply.text,
	                    "DSN support is disabled");
	talloc_free(p);
}

static void test_example_config_is_valid(void **state)
{
	struct dsng_policy *p;
	struct dsng_error err = DSNG_ERROR_INIT;
	int rc;

	rc = dsng_policy_load(*state, &p,
	                      DSNG_SOURCE_DIR "/examples/dsnguard.conf", NULL,
	                      &err);
	if (rc)
		fail_msg("%s", err.message);
	assert_int_equal(p->n_batv_keys, 2);
	assert_true(dsng_policy_network_count(p) >= 5);
	talloc_free(p);
}

static void test_bad_arguments(void **state)
{
	struct dsng_policy *p;
	struct dsng_policy_opts o;
	struct dsng_error err = DSNG_ERROR_INIT;

	assert_int_equal(
	        dsng_policy_parse(*state, NULL, "", 0, "x", NULL, &err),
	        DSNG_EINVAL);
	assert_int_equal(
	        dsng_policy_parse(*state, &p, NULL, 3, "x", NULL, &err),
	        DSNG_EINVAL);
	dsng_policy_opts_init(&o, DSNG_POLICY_OPTS_VERSION);
	o.version = 99;
	assert_int_equal(dsng_policy_parse(*state, &p, "", 0, "x", &o, &err),
	                 DSNG_EINVAL);
	assert_int_equal(dsng_policy_load(*state, &p, NULL, NULL, &err),
	                 DSNG_EINVAL);
}

static int count_reads(void *arg, TALLOC_CTX *mem, const char *path, char **buf,
                       size_t *len)
{
	(void)mem;
	(void)path;
	(void)buf;
	(void)len;
	(*(int *)arg)++;
	return DSNG_EIO;
}

static void test_opts_versions(void **state)
{
	struct dsng_policy_opts o, fill;
	const struct dsng_policy_opts init = DSNG_POLICY_OPTS_INIT;
	struct dsng_policy *p = NULL;
	struct dsng_error err = DSNG_ERROR_INIT;
	unsigned v;
	int reads = 0;

	for (v = 1; v <= DSNG_POLICY_OPTS_VERSION; v++) {
		memset(&o, 0xa5, sizeof(o));
		assert_int_equal(dsng_policy_opts_init(&o, v), 0);
		assert_int_equal(o.version, v);
		assert_null(o.read);
		assert_null(o.read_arg);
		assert_false(o.no_includes);
		/* Every known version is accepted. */
		assert_int_equal(
		        dsng_policy_parse(*state, &p, "", 0, "x", &o, &err), 0);
		talloc_free(p);
	}
	assert_int_equal(init.version, DSNG_POLICY_OPTS_VERSION);
	assert_null(init.read);
	assert_false(init.no_includes);
	memset(&fill, 0xa5, sizeof(fill));
	o = fill;
	assert_int_equal(dsng_policy_opts_init(&o, 0), DSNG_EINVAL);
	assert_int_equal(
	        dsng_policy_opts_init(&o, DSNG_POLICY_OPTS_VERSION + 1),
	        DSNG_EINVAL);
	assert_memory_equal(&o, &fill, sizeof(o));
	assert_int_equal(dsng_policy_opts_init(NULL, DSNG_POLICY_OPTS_VERSION),
	                 DSNG_EINVAL);
	/* Unknown versions are refused before anything is read. */
	dsng_policy_opts_init(&o, DSNG_POLICY_OPTS_VERSION);
	o.read = count_reads;
	o.read_arg = &reads;
	o.version = 0;
	assert_int_equal(dsng_policy_load(*state, &p, "x.conf", &o, &err),
	                 DSNG_EINVAL);
	assert_string_equal(err.message, "unknown dsng_policy_opts version");
	o.version = DSNG_POLICY_OPTS_VERSION + 1;
	assert_int_equal(dsng_policy_load(*state, &p, "x.conf", &o, &err),
	                 DSNG_EINVAL);
	assert_int_equal(dsng_policy_parse(*state, &p, "", 0, "x", &o, &err),
	                 DSNG_EINVAL);
	assert_null(p);
	assert_int_equal(reads, 0);
	o.version = DSNG_POLICY_OPTS_VERSION;
	assert_int_equal(dsng_policy_load(*state, &p, "x.conf", &o, &err),
	                 DSNG_EIO);
	assert_int_equal(reads, 1);
}

/* The facts export-config reads: networks as CIDR text, offer classes,
 * the settings that differ from permissive. */
static void test_export_facts(void **state)
{
	struct dsng_policy *p = NULL;
	struct dsng_error err = DSNG_ERROR_INIT;
	struct dsng_policy_rule *rules = (struct dsng_policy_rule *)1;
	char **nets = (char **)1;
	size_t n = 99, i, before;
	int seen_success = 0;

	assert_int_equal(dsng_policy_preset(*state, &p, "recommended", &err),
	                 0);
	assert_int_equal(dsng_policy_offer_get(p),
	                 DSNG_POLICY_CLASS_TRUSTED |
	                         DSNG_POLICY_CLASS_SUBMISSION |
	                         DSNG_POLICY_CLASS_LOCAL);
	assert_int_equal(
	        dsng_policy_networks_format(*state, &nets, &n, p, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(nets[0], "127.0.0.0/8");
	assert_string_equal(nets[1], "::1/128");
	talloc_free(nets);
	assert_int_equal(dsng_policy_diff(*state, &rules, &n, p, &err), 0);
	assert_true(n > 3);
	assert_string_equal(rules[0].rule, "ehlo.offer-dsn");
	assert_string_equal(rules[0].value, "trusted, submission, local");
	assert_string_equal(rules[0].origin, "recommended");
	for (i = 0; i < n; i++)
		if (!strcmp(rules[i].rule, "rcpt.success-from")) {
			seen_success = 1;
			assert_int_equal(
			        rules[i].classes,
			        DSNG_POLICY_CLASS_TRUSTED |
			                DSNG_POLICY_CLASS_AUTHENTICATED |
			                DSNG_POLICY_CLASS_LOCAL);
		}
	assert_true(seen_success);
	talloc_free(rules);
	talloc_free(p);

	/* permissive: nothing differs, no networks */
	assert_int_equal(dsng_policy_preset(*state, &p, "permissive", &err), 0);
	assert_int_equal(dsng_policy_offer_get(p), DSNG_POLICY_CLASS_ALL);
	assert_int_equal(dsng_policy_diff(*state, &rules, &n, p, &err), 0);
	assert_int_equal(n, 0);
	assert_null(rules);
	assert_int_equal(
	        dsng_policy_networks_format(*state, &nets, &n, p, &err), 0);
	assert_int_equal(n, 0);
	assert_null(nets);
	talloc_free(p);

	/* a config's list replaces the preset's; ranges that are not one
	 * block are split; a line number is kept */
	p = parse_ok(*state, "preset = recommended\n"
	                     "[trusted-networks]\n"
	                     "192.0.2.0/25\n192.0.2.128/26\n"
	                     "2001:db8::/32\n0.0.0.0/0\n::/0\n"
	                     "[rcpt]\naction = strip\n");
	assert_int_equal(
	        dsng_policy_networks_format(*state, &nets, &n, p, &err), 0);
	/* ::/0 swallows the others, but IPv4 stays a network of its own */
	assert_int_equal(n, 97);
	assert_string_equal(nets[0], "0.0.0.0/0");
	assert_string_equal(nets[1], "::/81");
	assert_string_equal(nets[96], "8000::/1");
	talloc_free(nets);
	talloc_free(p);
	p = parse_ok(*state, "[trusted-networks]\n"
	                     "0.0.0.0/0\n::fffe:0:0/96\n");
	assert_int_equal(
	        dsng_policy_networks_format(*state, &nets, &n, p, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(nets[0], "0.0.0.0/0");
	assert_string_equal(nets[1], "::fffe:0:0/96");
	talloc_free(nets);
	talloc_free(p);
	p = parse_ok(*state, "[trusted-networks]\n"
	                     "192.0.2.0/25\n192.0.2.128/26\n"
	                     "2001:db8::/32\n10.0.0.1\n"
	                     "[rcpt]\naction = strip\n");
	before = talloc_total_blocks(*state);
	assert_int_equal(
	        dsng_policy_networks_format(*state, &nets, &n, p, &err), 0);
	assert_int_equal(n, 4);
	assert_string_equal(nets[0], "10.0.0.1/32");
	assert_string_equal(nets[1], "192.0.2.0/25");
	assert_string_equal(nets[2], "192.0.2.128/26");
	assert_string_equal(nets[3], "2001:db8::/32");
	talloc_free(nets);
	assert_int_equal(talloc_total_blocks(*state), before);
	assert_int_equal(dsng_policy_diff(*state, &rules, &n, p, &err), 0);
	for (i = 0; i < n; i++)
		if (!strcmp(rules[i].rule, "rcpt.action")) {
			assert_string_equal(rules[i].value, "strip");
			assert_string_equal(rules[i].origin, "t.conf");
			assert_int_equal(rules[i].line, 7);
		}
	talloc_free(rules);

	/* bad arguments */
	assert_int_equal(
	        dsng_policy_networks_format(*state, &nets, &n, NULL, &err),
	        DSNG_EINVAL);
	assert_int_equal(dsng_policy_diff(*state, NULL, &n, p, &err),
	                 DSNG_EINVAL);
	assert_int_equal(dsng_policy_offer_get(NULL), 0);
	talloc_free(p);
}

/* A long file name never cuts off what went wrong: the message keeps
 * the whole text and the name's tail after "...". */
static void test_long_name_keeps_the_text(void **state)
{
	static const char conf[] = "[ehlo]\noffer-dsn = trusted, friends\n";
	char name[400], text[DSNG_ERROR_MESSAGE_MAX];
	struct dsng_policy *p = NULL;
	struct dsng_error err;
	size_t i, n, t;

	dsng_error_init(&err, DSNG_ERROR_VERSION);
	assert_int_equal(dsng_policy_parse(*state, &p, conf, sizeof(conf) - 1,
	                                   "short.conf", NULL, &err),
	                 DSNG_ESYNTAX);
	/* a short name is kept whole */
	assert_memory_equal(err.message, "short.conf:2:22: ", 17);
	strcpy(text, err.message + 17);
	assert_non_null(strstr(text, "unknown client class 'friends'"));
	for (i = 0; i < 300; i++)
		name[i] = (char)('a' + i % 26);
	strcpy(name + 300, "/tail-of-the-path.conf");
	assert_int_equal(dsng_policy_parse(*state, &p, conf, sizeof(conf) - 1,
	                                   name, NULL, &err),
	                 DSNG_ESYNTAX);
	assert_null(p);
	n = strlen(err.message);
	t = strlen(text);
	assert_true(n < DSNG_ERROR_MESSAGE_MAX && n > t);
	assert_memory_equal(err.message, "...", 3);
	assert_string_equal(err.message + n - t, text); /* the whole text */
	assert_non_null(strstr(err.message, "path.conf:2:22: "));
}

int main(void)
{
#define T(f)                                                                   \
	cmocka_unit_test_setup_teardown(f, dsng_test_setup_ctx,                \
	                                dsng_test_teardown_ctx)
	const struct CMUnitTest tests[] = {
	        T(test_empty_config_is_recommended),
	        T(test_settings_and_sources),
	        T(test_networks_inline),
	        T(test_syntax_errors),
	        T(test_long_name_keeps_the_text),
	        T(test_batv_key_error_points_into_value),
	        T(test_nul_byte_and_cidr_errors),
	        T(test_include_from_disk),
	        T(test_include_errors),
	        T(test_include_through_callback),
	        T(test_include_diamond),
	        T(test_include_keeps_no_copies),
	        T(test_warnings),
	        T(test_presets),
	        T(test_example_config_is_valid),
	        T(test_bad_arguments),
	        T(test_opts_versions),
	        T(test_export_facts),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
