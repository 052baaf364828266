/*
 * tests/test_cmd_fast.c - the one-pass MAIL/RCPT parser (lib/cmd_fast.c)
 * against the layered one it stands in for: every line is parsed with
 * the fast path on and off, and the return code, the error and every
 * field of struct dsng_cmd must be the same.  The lines are built from
 * pieces (good and bad heads, paths and parameters, spacing, CRLF), then
 * each is mutated one octet at a time; the fuzz corpus of cmd joins in.
 */
#include <dirent.h>
#include <stddef.h>
#include <stdlib.h>

#include "dsng_test.h"
#include "cmd_int.h"

static struct dsng_cmd fast, slow;
static size_t n_lines, n_ok;

/* Compare what reset() leaves defined: the head fields, the params in
 * use, the value fields and the decoded octets in use.  Both parses ran
 * on the same struct address space layout, so spans into decoded[] are
 * compared by offset. */
static void same_span(const struct dsng_span *a, const struct dsng_span *b,
                      const char *what, const char *line)
{
	const char *da = fast.decoded, *db = slow.decoded;
	int in_a = a->ptr >= da && a->ptr <= da + sizeof(fast.decoded);
	int in_b = b->ptr >= db && b->ptr <= db + sizeof(slow.decoded);

	if (a->len != b->len || in_a != in_b ||
	    (in_a ? a->ptr - da != b->ptr - db : a->ptr != b->ptr))
		fail_msg("%s differs (%zu vs %zu) on: %s", what, a->len, b->len,
		         line);
}

static void compare(const char *line, size_t n, int rca, int rcb,
                    const struct dsng_error *ea, const struct dsng_error *eb)
{
	size_t i;

	if (rca != rcb)
		fail_msg("rc %d vs %d on: %.*s", rca, rcb, (int)n, line);
	if (rca != DSNG_OK) {
		if (ea->kind != eb->kind || ea->offset != eb->offset ||
		    ea->reply != eb->reply ||
		    strcmp(ea->enhanced, eb->enhanced) != 0 ||
		    strcmp(ea->message, eb->message) != 0)
			fail_msg("error %s@%zu vs %s@%zu on: %.*s",
			         dsng_error_kind_name(ea->kind), ea->offset,
			         dsng_error_kind_name(eb->kind), eb->offset,
			         (int)n, line);
		return;
	}
	n_ok++;
	if (memcmp(&fast.verb, &slow.verb,
	           offsetof(struct dsng_cmd, params) -
	                   offsetof(struct dsng_cmd, verb)) != 0)
		fail_msg("verb..n_params differ on: %.*s", (int)n, line);
	for (i = 0; i < fast.n_params; i++) {
		const struct dsng_param *a = &fast.params[i],
		                        *b = &slow.params[i];

		if (a->kind != b->kind || a->keyword.ptr != b->keyword.ptr ||
		    a->keyword.len != b->keyword.len ||
		    a->value.ptr != b->value.ptr ||
		    a->value.len != b->value.len || a->offset != b->offset ||
		    a->removed != b->removed)
			fail_msg("param %zu differs on: %.*s", i, (int)n, line);
	}
	same_span(&fast.orcpt_addr, &slow.orcpt_addr, "orcpt_addr", line);
	same_span(&fast.envid, &slow.envid, "envid", line);
	same_span(&fast.auth, &slow.auth, "auth", line);
	if (fast.decoded_len != slow.decoded_len ||
	    memcmp(fast.decoded, slow.decoded, fast.decoded_len) != 0)
		fail_msg("decoded differs on: %.*s", (int)n, line);
	/* the scalar value fields, spans into the line included */
	if (fast.notify != slow.notify || fast.has_orcpt != slow.has_orcpt ||
	    fast.orcpt_type.ptr != slow.orcpt_type.ptr ||
	    fast.orcpt_type.len != slow.orcpt_type.len ||
	    fast.ret != slow.ret || fast.has_envid != slow.has_envid ||
	    fast.has_size != slow.has_size || fast.size != slow.size ||
	    fast.body != slow.body || fast.smtputf8 != slow.smtputf8 ||
	    fast.requiretls != slow.requiretls ||
	    fast.has_auth != slow.has_auth ||
	    fast.has_mt_priority != slow.has_mt_priority ||
	    fast.mt_priority != slow.mt_priority ||
	    fast.has_by != slow.has_by || fast.by_time != slow.by_time ||
	    fast.by_mode != slow.by_mode || fast.by_trace != slow.by_trace ||
	    fast.has_holdfor != slow.has_holdfor ||
	    fast.holdfor != slow.holdfor ||
	    fast.has_holduntil != slow.has_holduntil ||
	    fast.holduntil.ptr != slow.holduntil.ptr ||
	    fast.holduntil.len != slow.holduntil.len ||
	    fast.has_rrvs != slow.has_rrvs || fast.rrvs.ptr != slow.rrvs.ptr ||
	    fast.rrvs.len != slow.rrvs.len ||
	    fast.rrvs_mode != slow.rrvs_mode || fast.lax != slow.lax)
		fail_msg("value fields differ on: %.*s", (int)n, line);
}

/* Parse g (n octets, in a guarded copy: a read past its end faults) both
 * ways and compare. */
static void both_at(const char *g, size_t n, unsigned flags)
{
	struct dsng_cmd_opts o = DSNG_CMD_OPTS_INIT;
	struct dsng_error ea = DSNG_ERROR_INIT, eb = DSNG_ERROR_INIT;
	int rca, rcb;

	o.flags = flags;
	dsng__cmd_fast_off = 0;
	rca = dsng_cmd_parse(&fast, g, n, &o, &ea);
	dsng__cmd_fast_off = 1;
	rcb = dsng_cmd_parse(&slow, g, n, &o, &eb);
	dsng__cmd_fast_off = 0;
	compare(g, n, rca, rcb, &ea, &eb);
	/* no options at all takes the same fast path */
	if (!flags) {
		dsng_error_clear(&ea);
		rca = dsng_cmd_parse(&fast, g, n, NULL, &ea);
		compare(g, n, rca, rcb, &ea, &eb);
	}
	n_lines++;
}

static void both(const char *line, size_t n, unsigned flags)
{
	const char *g = dsng_test_guard(line, n);

	both_at(g, n, flags);
	dsng_test_guard_free(g);
}

/* The line and every one-octet change of it to each of `subst`, made in
 * one guarded copy. */
static void mutate(const char *line, size_t n)
{
	static const char subst[] = " \t+=\r\n,;:<>@.-\"[]\\aZ9";
	char *g = (char *)dsng_test_guard(line, n);
	size_t i, k, stride = dsng_test_stride();

	both_at(g, n, 0);
	both_at(g, n, DSNG_CMD_STRICT);
	for (i = 0; i < n; i += stride) {
		for (k = 0; k < sizeof(subst); k++) { /* the NUL too */
			g[i] = subst[k];
			both_at(g, n, 0);
		}
		g[i] = (char)0xc3;
		both_at(g, n, 0);
		g[i] = line[i];
	}
	both_at(g + 1, n - 1, 0); /* cut short at the front */
	dsng_test_guard_free(g);
}

static const char *const heads[] = {
        "MAIL FROM:",  "RCPT TO:",  "mail from:", "Rcpt To:",
        "MAIL FROM: ", "RCPT  TO:", "RCPT\tTO:",  "MAIL FROM :",
};
static const char *const paths[] = {
        "<a@b.example>",
        "<user@example.org>",
        "<first.last@sub.dept.example.edu>",
        "<>",
        "<Postmaster>",
        "<x@[192.0.2.1]>",
        "<\"j d\"@example.org>",
        "<@relay.example:a@b.example>",
        "<a..b@example.org>",
        "<a@-bad.example>",
        "<a@bad-.example>",
        "<a@example.>",
        "<a@b",
        "a@b.example",
        /* a 66-octet label: longer than DNS allows */
        ("<user@AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
         "AAAAAA.example>"),
        "<j\xc3\xb6rg@example.de>",
        "<\xe7\x94\xa8\xe6\x88\xb7.x@example.org>",
        "<j\xc3rg@example.de>",
        "<a@b\xc3\xb6.example>",
};
static const char *const params[] = {
        "",
        " NOTIFY=SUCCESS,DELAY",
        " NOTIFY=FAILURE ORCPT=rfc822;user+40example.org",
        " notify=never",
        " NOTIFY=SUCCESS,,DELAY",
        " NOTIFY=NEVER,DELAY",
        " NOTIFY=DELAY,",
        " ORCPT=rfc822;a+2Bb@example.org",
        " ORCPT=rfc822;a+2bb@example.org",
        " ORCPT=UTF-8;a@example.org",
        " ORCPT=;a@b",
        " ORCPT=rfc822;",
        " ORCPT=rfc822;a+7Fb",
        " ORCPT=rfc822;a+20b",
        " SIZE=48213 BODY=8BITMIME RET=HDRS ENVID=QQ314159",
        " SIZE=18446744073709551616",
        " SIZE=12a",
        " RET=FULL ENVID=msg+2B0042@example.com",
        " ENVID=+00",
        " BODY=7bit SMTPUTF8",
        " BODY=BINARYMIME REQUIRETLS",
        " SMTPUTF8=yes",
        " AUTH=<>",
        " AUTH=a+2Bb@example.org",
        " AUTH=a+2bb@example.org",
        " NOTIFY=DELAY ORCPT=utf-8;j\\x{F6}rg@example.org",
        " ORCPT=utf-8;j\\x{f6}rg@example.org",
        " ORCPT=utf-8;j\xc3\xb6rg@example.org",
        " SIZE=1 SMTPUTF8 BODY=8BITMIME",
        /* a control that differs from a digit of the word in bit 5 */
        " BODY=\x17"
        "BIT",
        " BODY=\x18"
        "BITMIME RET=FULL",
        " RET=FULL\tSIZE=1",
        " NOTIFY=SUCCESS\tDELAY",
        " NOTIFY=NEVER,",
        " NOTIFY=SUCCESSFAILURE",
        " SIZE=0123456789012345678",
        " SIZE=12345678",
        " SIZE=87654321 BODY=7BIT",
        " SIZE=123456789",
        " SIZE=00000009",
        " SIZE=9999999999999999999",
        " SIZE=7",
        " SIZE=1234567/",
        " SIZE=1234:",
        " SIZE=99999999999999999999",
        " SIZE=",
        " BODY=7BIT SIZE=",
        " SIZE=01234567890123456789",
        " ENVID=a+41+4",
        " ENVID=a+41+",
        " ORCPT=rfc822;a+41\x01",
        " MT-PRIORITY=-3 BY=120;RT",
        " HOLDFOR=60 HOLDUNTIL=2026-01-01T00:00:00Z",
        " RRVS=2026-01-01T00:00:00Z;C",
        " X-FOO=bar",
        " NOTIFY=SUCCESS NOTIFY=FAILURE",
        " SIZE=1 SIZE=2",
        " ORCPT=rfc822;a@b",
        " NOTIFY=SUCCESS  SIZE=1",
        " NOTIFY=SUCCESS ",
        " =x",
};

static void test_cmd_fast_matches_layered(void **state)
{
	size_t h, p, q;
	char line[600];

	(void)state;
	for (h = 0; h < sizeof(heads) / sizeof(heads[0]); h++)
		for (p = 0; p < sizeof(paths) / sizeof(paths[0]); p++)
			for (q = 0; q < sizeof(params) / sizeof(params[0]);
			     q++) {
				int n = snprintf(line, sizeof(line),
				                 "%s%s%s\r\n", heads[h],
				                 paths[p], params[q]);

				assert_true(n > 0 && (size_t)n < sizeof(line));
				both(line, (size_t)n, 0);
				both(line, (size_t)n, DSNG_CMD_STRICT);
				both(line, (size_t)n - 2, 0);
				/* the octet-wise mutations on a few heads */
				if (h < 2)
					mutate(line, (size_t)n);
			}
	/* the fast path must have been the one to answer many of them */
	assert_true(n_ok > 10000 / dsng_test_stride());
}

/* HELO/EHLO/LHLO lines: the shortcut of cmd_parse.c against
 * dsng__cmd_verb_args, each line and its one-octet mutations. */
static void test_cmd_fast_hello(void **state)
{
	static const char *const lines[] = {
	        "EHLO mail.example.org\r\n",
	        "HELO out-17.mta.example.net\r\n",
	        "ehlo [192.0.2.25]\r\n",
	        "Lhlo [IPv6:2001:db8::25]\r\n",
	        "EHLO localhost",
	        "EHLO  mail.example.org\r\n",
	        "EHLO\tmail.example.org\r\n",
	        "EHLO mail.example.org \r\n",
	        "EHLO my_pc\r\n",
	        "EHLO -bad.example\r\n",
	        "EHLO a..b\r\n",
	        "EHLO [300.1.1.1]\r\n",
	        "EHLO m\xc3\xbcller.example\r\n",
	        "EHLO\r\n",
	        "EHLO \r\n",
	        "EHLO a\r\n",
	        ("EHLO "
	         "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	         "AAAAA.example\r\n"),
	};
	size_t i, before = n_ok;

	(void)state;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		size_t n = strlen(lines[i]);

		both(lines[i], n, DSNG_CMD_UTF8);
		both(lines[i], n, DSNG_CMD_STRICT);
		mutate(lines[i], n);
	}
	assert_true(n_ok > before);
}

/* Domains of 1 to 40 octets, a dot or a hyphen or both at every place
 * (across the 16-octet loads of dsng__addr_domain_wide), in a RCPT path
 * with and without a parameter after it, and as a HELO name. */
static void test_cmd_fast_domains(void **state)
{
	static const char *const fmt[] = {
	        "RCPT TO:<a@%s>\r\n",
	        "RCPT TO:<a@%s> NOTIFY=NEVER\r\n",
	        "MAIL FROM:<first.last@%s>",
	        "EHLO %s\r\n",
	        "HELO %s",
	};
	static const char *const marks[] = {".", "-", ".-", "-.", "..", "--"};
	char dom[48], line[128];
	size_t len, at, m, f, before = n_ok;

	(void)state;
	for (len = 1; len <= 40; len++)
		for (at = 0; at < len; at++)
			for (m = 0; m < sizeof(marks) / sizeof(marks[0]); m++) {
				size_t k = strlen(marks[m]);

				memset(dom, 'x', len);
				dom[len] = '\0';
				if (at + k <= len)
					memcpy(dom + at, marks[m], k);
				for (f = 0; f < sizeof(fmt) / sizeof(fmt[0]);
				     f++) {
					int n = snprintf(line, sizeof(line),
					                 fmt[f], dom);

					both(line, (size_t)n, 0);
				}
			}
	assert_true(n_ok > before);
}

/* Local parts of 1 to 24 octets with a dot, '_', '+', '-', an octet the
 * wide test leaves to the atext loop ('=', '/'), two dots or UTF-8 at
 * every place, before '@' and one octet off it. */
static void test_cmd_fast_locals(void **state)
{
	static const char *const fmt[] = {
	        "RCPT TO:<%s@example.org>\r\n",
	        "MAIL FROM:<%s@b.example> SMTPUTF8",
	        "MAIL FROM:<%s@b.example>",
	        "RCPT TO:<%s>",
	        "RCPT TO:<%s@@example.org>",
	};
	static const char *const marks[] = {".", "_",  "+",        "-", "=",
	                                    "/", "..", "\xc3\xa9", "@", " "};
	char loc[48], line[128];
	size_t len, at, m, f, before = n_ok;

	(void)state;
	for (len = 1; len <= 24; len++)
		for (at = 0; at < len; at++)
			for (m = 0; m < sizeof(marks) / sizeof(marks[0]); m++) {
				size_t k = strlen(marks[m]);

				memset(loc, 'y', len);
				loc[len] = '\0';
				if (at + k <= len)
					memcpy(loc + at, marks[m], k);
				for (f = 0; f < sizeof(fmt) / sizeof(fmt[0]);
				     f++) {
					int n = snprintf(line, sizeof(line),
					                 fmt[f], loc);

					both(line, (size_t)n, 0);
				}
			}
	assert_true(n_ok > before);
}

/* Values at the limits the one pass checks after finding their end:
 * ORCPT's 500 octets as sent, ENVID's 100 decoded, and the room left in
 * decoded[] by an AUTH before it. */
static void test_cmd_fast_limits(void **state)
{
	static const char *const fmt[] = {
	        "RCPT TO:<a@b.example> ORCPT=rfc822;%s\r\n",
	        "MAIL FROM:<a@b.example> ENVID=%s\r\n",
	        "MAIL FROM:<a@b.example> ENVID=%s+41\r\n",
	};
	char val[1100], line[2100];
	size_t k, f, n;

	(void)state;
	for (f = 0; f < sizeof(fmt) / sizeof(fmt[0]); f++)
		for (k = 90; k < 520; k += k < 110 || k > 480 ? 1 : 50) {
			memset(val, 'x', k);
			val[k] = '\0';
			n = (size_t)snprintf(line, sizeof(line), fmt[f], val);
			both(line, n, 0);
		}
	for (k = 990; k < 1030; k++) {
		memset(val, 'y', k);
		val[k] = '\0';
		n = (size_t)snprintf(line, sizeof(line),
		                     "MAIL FROM:<a@b.example> AUTH=%s "
		                     "ENVID=ABCDEFGHIJ+41KLMNOPQRSTU\r\n",
		                     val);
		both(line, n, 0);
		n = (size_t)snprintf(line, sizeof(line),
		                     "MAIL FROM:<a@b.example> AUTH=%s "
		                     "ENVID=ABCDEFGHIJKLMNOPQRSTU+41\r\n",
		                     val);
		both(line, n, 0);
	}
	assert_true(n_ok > 0);
}

static void test_cmd_fast_fuzz_corpus(void **state)
{
	TALLOC_CTX *ctx = *state;
	char dir[4096];
	struct dirent *d;
	DIR *dp;
	size_t before = n_lines;

	snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/cmd", DSNG_SOURCE_DIR);
	dp = opendir(dir);
	assert_non_null(dp);
	while ((d = readdir(dp))) {
		char path[8192];
		size_t n;
		char *buf;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		buf = dsng_test_load(ctx, path, &n);
		if (n && n < 600)
			mutate(buf, n);
		else if (n)
			both(buf, n, 0);
		talloc_free(buf);
	}
	closedir(dp);
	assert_true(n_lines > before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_cmd_fast_matches_layered,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test(test_cmd_fast_limits),
	        cmocka_unit_test(test_cmd_fast_hello),
	        cmocka_unit_test(test_cmd_fast_domains),
	        cmocka_unit_test(test_cmd_fast_locals),
	        cmocka_unit_test_setup_teardown(test_cmd_fast_fuzz_corpus,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	};

	dsng_cmd_init(&fast, DSNG_CMD_VERSION);
	dsng_cmd_init(&slow, DSNG_CMD_VERSION);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
