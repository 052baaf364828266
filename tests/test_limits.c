/*
 * tests/test_limits.c - every DSNG_ELIMIT error names its limit in
 * err->limit (doc/LIMITS.md lists them): the options fields and the fixed
 * limits of the command parser, the xtext decoders, replies, MIME,
 * reports and config files; errors that are not limits leave it NULL;
 * limits set as high as their types go.  Also the report fix that came
 * with the hostile-input catalogue: a utf-8 address that decodes to a
 * control character is kept as written.
 */
#include <limits.h>

#include "dsng_test.h"

#include "dsng_private.h"

/* A limit error: status, kind, limit name and offset. */
static void want_limit(const struct dsng_error *err, int rc,
                       enum dsng_errkind kind, const char *limit, size_t offset)
{
	assert_int_equal(rc, DSNG_ELIMIT);
	assert_int_equal(err->rc, DSNG_ELIMIT);
	assert_int_equal(err->kind, kind);
	assert_non_null(err->limit);
	assert_string_equal(err->limit, limit);
	assert_int_equal(err->offset, offset);
}

/* Parse a command line of the octets in buf (a guard-page copy). */
static int cmd(struct dsng_cmd *c, const char *buf, size_t len,
               const struct dsng_cmd_opts *o, struct dsng_error *err)
{
	const char *g = dsng_test_guard(buf, len);
	int rc;

	dsng_cmd_init(c, DSNG_CMD_VERSION);
	rc = dsng_cmd_parse(c, g, len, o, err);
	dsng_test_guard_free(g);
	return rc;
}

/* prefix, then n copies of unit, then suffix, on mem. */
static char *mk(TALLOC_CTX *mem, const char *prefix, const char *unit, size_t n,
                const char *suffix)
{
	char *s = talloc_strdup(mem, prefix);
	size_t i;

	for (i = 0; i < n && s; i++)
		s = talloc_strdup_append_buffer(s, unit);
	s = s ? talloc_strdup_append_buffer(s, suffix) : NULL;
	assert_non_null(s);
	return s;
}

static void test_error_helpers(void **state)
{
	struct dsng_error err = DSNG_ERROR_INIT;

	(void)state;
	assert_int_equal(dsng__fail_limit(&err, "max_x", DSNG_ERR_SIZE_LIMIT, 7,
	                                  0, NULL, "over %d", 3),
	                 DSNG_ELIMIT);
	assert_string_equal(err.limit, "max_x");
	assert_int_equal(err.offset, 7);
	assert_string_equal(err.message, "over 3");
	/* the file-position variant */
	assert_int_equal(dsng__fail_limit_at(&err, "max_line", DSNG_ERR_CONFIG,
	                                     4, 9, "long %s", "line"),
	                 DSNG_ELIMIT);
	assert_int_equal(err.rc, DSNG_ELIMIT);
	assert_int_equal(err.kind, DSNG_ERR_CONFIG);
	assert_string_equal(err.limit, "max_line");
	assert_int_equal(err.line, 4);
	assert_int_equal(err.column, 9);
	assert_int_equal(err.offset, 0);
	assert_string_equal(err.message, "long line");
	/* NULL is fine, and any other error clears the name */
	assert_int_equal(
	        dsng__fail_limit_at(NULL, "x", DSNG_ERR_CONFIG, 1, 1, "x"),
	        DSNG_ELIMIT);
	dsng__fail(&err, DSNG_ESYNTAX, DSNG_ERR_SYNTAX, 0, 0, NULL, "x");
	assert_null(err.limit);
	dsng__fail_limit(&err, "max_x", DSNG_ERR_SIZE_LIMIT, 0, 0, NULL, "x");
	dsng_error_clear(&err);
	assert_null(err.limit);
}

static void test_cmd_fixed_limits(void **state)
{
	TALLOC_CTX *mem = *state;
	struct dsng_cmd c = DSNG_CMD_INIT;
	struct dsng_error err = DSNG_ERROR_INIT;
	struct dsng_cmd_opts o;
	char *l;

	/* the option: max_line */
	dsng_cmd_opts_init(&o, DSNG_CMD_OPTS_VERSION);
	o.max_line = 64;
	l = mk(mem, "NOOP ", "a", 60, "\r\n");
	want_limit(&err, cmd(&c, l, strlen(l), &o, &err),
	           DSNG_ERR_LINE_TOO_LONG, "max_line", 62);
	/* DSNG_CMD_MAX_PARAMS: at the 33rd keyword */
	l = mk(mem, "MAIL FROM:<a@b>", " X=1", DSNG_CMD_MAX_PARAMS + 1, "");
	want_limit(&err, cmd(&c, l, strlen(l), NULL, &err),
	           DSNG_ERR_TOO_MANY_PARAMS, "max_params",
	           16 + 4 * DSNG_CMD_MAX_PARAMS);
	assert_int_equal(err.reply, 501);
	l = mk(mem, "MAIL FROM:<a@b>", " X=1", DSNG_CMD_MAX_PARAMS, "");
	assert_int_equal(cmd(&c, l, strlen(l), NULL, &err), DSNG_OK);
	/* DSNG_CMD_MAX_ORCPT_LEN, as sent */
	l = mk(mem, "RCPT TO:<a@b> ORCPT=rfc822;", "x",
	       DSNG_CMD_MAX_ORCPT_LEN - 6, "");
	want_limit(&err, cmd(&c, l, strlen(l), NULL, &err), DSNG_ERR_BAD_ORCPT,
	           "max_orcpt_len", 20);
	l = mk(mem, "RCPT TO:<a@b> ORCPT=rfc822;", "x",
	       DSNG_CMD_MAX_ORCPT_LEN - 7, "");
	assert_int_equal(cmd(&c, l, strlen(l), NULL, &err), DSNG_OK);
	/* DSNG_CMD_MAX_ENVID_LEN, decoded: 101 "+41" */
	l = mk(mem, "MAIL FROM:<a@b> ENVID=", "+41", DSNG_CMD_MAX_ENVID_LEN + 1,
	       "");
	want_limit(&err, cmd(&c, l, strlen(l), NULL, &err), DSNG_ERR_BAD_ENVID,
	           "max_envid_len", 22);
	l = mk(mem, "MAIL FROM:<a@b> ENVID=", "+41", DSNG_CMD_MAX_ENVID_LEN,
	       "");
	assert_int_equal(cmd(&c, l, strlen(l), NULL, &err), DSNG_OK);
	assert_int_equal(c.envid.len, DSNG_CMD_MAX_ENVID_LEN);
	/* DSNG_CMD_DECODE_MAX: one AUTH value too long for decoded[], and
	 * an ENVID and an AUTH that fit only apart */
	l = mk(mem, "MAIL FROM:<a@b> AUTH=", "a", DSNG_CMD_DECODE_MAX + 1, "");
	want_limit(&err, cmd(&c, l, strlen(l), NULL, &err), DSNG_ERR_BAD_AUTH,
	           "max_decoded", 21);
	l = mk(mem, "MAIL FROM:<a@b> ENVID=xy AUTH=", "a",
	       DSNG_CMD_DECODE_MAX - 1, "");
	want_limit(&err, cmd(&c, l, strlen(l), NULL, &err), DSNG_ERR_BAD_AUTH,
	           "max_decoded", 30);
	/* errors that are not limits name none */
	l = "RCPT TO:<a@b> NOTIFY=NEVER,SUCCESS";
	assert_int_equal(cmd(&c, l, strlen(l), NULL, &err), DSNG_ESYNTAX);
	assert_null(err.limit);
}

static void test_xtext_out_size(void **state)
{
	struct dsng_error err = DSNG_ERROR_INIT;
	char out[4];
	size_t n = 0;

	(void)state;
	/* at the octet that does not fit, plain or escaped */
	want_limit(&err,
	           dsng_xtext_decode(out, 3, &n, "abcd", 4, 0, NULL, &err),
	           DSNG_ERR_BAD_XTEXT, "out_size", 3);
	want_limit(&err,
	           dsng_xtext_decode(out, 2, &n, "ab+41", 5, 0, NULL, &err),
	           DSNG_ERR_BAD_XTEXT, "out_size", 2);
	want_limit(&err,
	           dsng_xtext_utf8_decode(out, 2, &n, "ab\\x{3D}", 8, 0, NULL,
	                                  &err),
	           DSNG_ERR_BAD_XTEXT, "out_size", 2);
	assert_int_equal(dsng_xtext_decode(out, 3, &n, "a+", 2, 0, NULL, &err),
	                 DSNG_ESYNTAX);
	assert_null(err.limit);
}

static void test_reply_max_lines(void **state)
{
	TALLOC_CTX *mem = *state;
	struct dsng_reply_opts o;
	struct dsng_reply *r = (void *)1;
	struct dsng_error err = DSNG_ERROR_INIT;
	char *t = mk(mem, "", "250-x\r\n", 3, "250 y\r\n");

	dsng_reply_opts_init(&o, DSNG_REPLY_OPTS_VERSION);
	o.max_lines = 3;
	want_limit(&err, dsng_reply_parse(mem, &r, t, strlen(t), &o, &err),
	           DSNG_ERR_SIZE_LIMIT, "max_lines", 21);
	assert_null(r);
	assert_int_equal(err.line, 4);
	o.max_lines = 4;
	assert_int_equal(dsng_reply_parse(mem, &r, t, strlen(t), &o, &err),
	                 DSNG_OK);
	talloc_free(r);
}

static void test_mime_and_report_limits(void **state)
{
	TALLOC_CTX *mem = *state;
	struct dsng_mime_limits ml;
	struct dsng_report_limits rl;
	struct dsng_report *r = (void *)1;
	struct dsng_error err = DSNG_ERROR_INIT;
	const char *head = "Content-Type: multipart/report; "
	                   "report-type=delivery-status; boundary=B\n\n";
	char *t, *groups;

	dsng_mime_limits_init(&ml, DSNG_MIME_LIMITS_VERSION);
	dsng_report_limits_init(&rl, DSNG_REPORT_LIMITS_VERSION);
	rl.mime = &ml;
	/* max_size: refused at the limit, before reading */
	ml.max_size = 10;
	want_limit(&err,
	           dsng_report_parse(mem, &r, head, strlen(head), &rl, &err),
	           DSNG_ERR_SIZE_LIMIT, "max_size", 10);
	assert_null(r);
	ml.max_size = 1 << 20;
	/* max_depth */
	ml.max_depth = 1;
	t = talloc_asprintf(mem,
	                    "%s--B\nContent-Type: multipart/mixed; "
	                    "boundary=C\n\n--C--\n--B--\n",
	                    head);
	want_limit(&err, dsng_report_parse(mem, &r, t, strlen(t), &rl, &err),
	           DSNG_ERR_DEPTH_LIMIT, "max_depth", strlen(head) + 4);
	ml.max_depth = 20;
	/* max_parts */
	ml.max_parts = 2;
	t = talloc_asprintf(mem, "%s--B\n\nx\n--B\n\ny\n--B--\n", head);
	want_limit(&err, dsng_report_parse(mem, &r, t, strlen(t), &rl, &err),
	           DSNG_ERR_PART_LIMIT, "max_parts", strlen(head) + 11);
	ml.max_parts = 100;
	/* max_boundary_len */
	ml.max_boundary_len = 2;
	t = "From: a\nContent-Type: multipart/mixed; boundary=BBB\n\n--BBB--\n";
	/* at the Content-Type field that carries the boundary */
	want_limit(&err, dsng_report_parse(mem, &r, t, strlen(t), &rl, &err),
	           DSNG_ERR_HEADER_LIMIT, "max_boundary_len", 8);
	ml.max_boundary_len = 256;
	/* max_decoded */
	ml.max_decoded = 4;
	t = talloc_asprintf(mem,
	                    "%s--B\nContent-Type: message/delivery-status\n"
	                    "Content-Transfer-Encoding: base64\n\n"
	                    "UmVwb3J0aW5nLU1UQTogZG5zOyB4DQo=\n--B--\n",
	                    head);
	want_limit(&err, dsng_report_parse(mem, &r, t, strlen(t), &rl, &err),
	           DSNG_ERR_SIZE_LIMIT, "max_decoded",
	           (size_t)(strstr(t, "UmVw") - t));
	ml.max_decoded = 1 << 20;
	/* max_recipients, of the report's own limits */
	rl.max_recipients = 1;
	groups = "Final-Recipient: rfc822; a@b\nAction: failed\n"
	         "Status: 5.0.0\n\n";
	t = talloc_asprintf(mem,
	                    "%s--B\nContent-Type: message/delivery-status\n\n"
	                    "Reporting-MTA: dns; x\n\n%s%s--B--\n",
	                    head, groups, groups);
	want_limit(&err, dsng_report_parse(mem, &r, t, strlen(t), &rl, &err),
	           DSNG_ERR_RECIPIENT_LIMIT, "max_recipients",
	           (size_t)(strstr(t, groups) - t) + strlen(groups));
	rl.max_recipients = 2;
	assert_int_equal(dsng_report_parse(mem, &r, t, strlen(t), &rl, &err),
	                 DSNG_OK);
	assert_int_equal(r->n_recipients, 2);
	talloc_free(r);
}

/* Limits set as high as the types go: nothing sized from them may wrap
 * (the nesting stack was once allocated as max_depth + 1 elements, which
 * is 0 for UINT_MAX: a heap overflow on the first multipart). */
static void test_mime_limits_at_their_maximum(void **state)
{
	TALLOC_CTX *mem = *state;
	struct dsng_mime_limits ml;
	struct dsng_report_limits rl;
	struct dsng_mime_message *m = NULL;
	struct dsng_report *r = NULL;
	struct dsng_error err = DSNG_ERROR_INIT;
	char *t = talloc_strdup(mem, "From: a\nSubject: =?utf-8?Q?caf=C3=A9?=\n"
	                             "Content-Type: multipart/mixed; "
	                             "boundary=L0\n\n");
	int i;

	for (i = 0; i < 30; i++)
		t = talloc_asprintf_append(
		        t,
		        "--L%d\nContent-Type: multipart/mixed;"
		        " boundary=L%d\n\n",
		        i, i + 1);
	t = talloc_asprintf_append(t, "--L30\nContent-Transfer-Encoding: "
	                              "base64\n\neA==\n");
	for (i = 30; i >= 0; i--)
		t = talloc_asprintf_append(t, "--L%d--\n", i);
	assert_non_null(t);
	dsng_mime_limits_init(&ml, DSNG_MIME_LIMITS_VERSION);
	ml.max_depth = UINT_MAX;
	ml.max_parts = UINT_MAX;
	ml.max_fields = UINT_MAX;
	ml.max_field_len = SIZE_MAX;
	ml.max_header_len = SIZE_MAX;
	ml.max_boundary_len = SIZE_MAX;
	ml.max_size = SIZE_MAX;
	ml.max_decoded = SIZE_MAX;
	assert_int_equal(dsng_mime_parse(mem, &m, t, strlen(t), &ml, &err), 0);
	assert_int_equal(m->n_parts, 32);
	assert_int_equal(m->parts[31]->depth, 31);
	{
		const char *out = NULL;
		size_t n = 0;
		assert_int_equal(dsng_mime_part_decode(mem, &out, &n,
		                                       m->parts[31], &ml, &err),
		                 0);
		assert_int_equal(n, 1);
		assert_memory_equal(out, "x", 1);
		talloc_free((char *)out);
	}
	talloc_free(m);
	dsng_report_limits_init(&rl, DSNG_REPORT_LIMITS_VERSION);
	rl.mime = &ml;
	rl.max_recipients = UINT_MAX;
	assert_int_equal(dsng_report_parse(mem, &r, t, strlen(t), &rl, &err),
	                 0);
	assert_int_equal(r->kind, DSNG_REPORT_NONE);
	talloc_free(r);
}

static void test_reply_max_lines_at_its_maximum(void **state)
{
	TALLOC_CTX *mem = *state;
	struct dsng_reply_opts o;
	struct dsng_reply *r = NULL;
	struct dsng_error err = DSNG_ERROR_INIT;
	const char *t = "250-a\r\n250-b\r\n250 c\r\n";

	dsng_reply_opts_init(&o, DSNG_REPLY_OPTS_VERSION);
	o.max_lines = SIZE_MAX;
	o.max_line = SIZE_MAX;
	assert_int_equal(dsng_reply_parse(mem, &r, t, strlen(t), &o, &err), 0);
	assert_int_equal(r->n_lines, 3);
	talloc_free(r);
}

/* A policy from text whose includes come from files[] (name, text, ...). */
struct files {
	const char *const *names;
	size_t networks; /* > 0: "big.txt" holds this many networks */
	int too_large;   /* every read says DSNG_ELIMIT */
};

static int read_files(void *arg, TALLOC_CTX *mem, const char *path, char **buf,
                      size_t *len)
{
	const struct files *f = arg;
	const char *const *n;

	if (f->too_large)
		return DSNG_ELIMIT;
	if (f->networks && !strcmp(path, "big.txt")) {
		size_t i, o = 0;
		char *b = talloc_array(mem, char, f->networks * 16 + 1);

		if (!b)
			return DSNG_ENOMEM;
		for (i = 0; i < f->networks; i++)
			o += (size_t)snprintf(b + o, 17, "10.%u.%u.%u\n",
			                      (unsigned)(i >> 16 & 255),
			                      (unsigned)(i >> 8 & 255),
			                      (unsigned)(i & 255));
		*buf = b;
		*len = o;
		return 0;
	}
	for (n = f->names; n && *n; n += 2)
		if (!strcmp(n[0], path)) {
			*buf = talloc_strdup(mem, n[1]);
			*len = strlen(n[1]);
			return *buf ? 0 : DSNG_ENOMEM;
		}
	return DSNG_EIO;
}

/* Parse text that must break the named fixed limit at line:column. */
static void config_limit(TALLOC_CTX *mem, const char *text,
                         const struct files *f, enum dsng_errkind kind,
                         const char *limit, unsigned line, unsigned column)
{
	struct dsng_policy *p = (void *)1;
	struct dsng_error err = DSNG_ERROR_INIT;
	struct dsng_policy_opts o;
	size_t before = talloc_total_blocks(mem);

	dsng_policy_opts_init(&o, DSNG_POLICY_OPTS_VERSION);
	o.read = read_files;
	o.read_arg = (void *)f;
	assert_int_equal(dsng_policy_parse(mem, &p, text, strlen(text),
	                                   "t.conf", &o, &err),
	                 DSNG_ELIMIT);
	assert_null(p);
	assert_int_equal(err.kind, kind);
	assert_non_null(err.limit);
	assert_string_equal(err.limit, limit);
	assert_int_equal(err.line, line);
	assert_int_equal(err.column, column);
	assert_int_equal(talloc_total_blocks(mem), before);
}

static void test_config_fixed_limits(void **state)
{
	TALLOC_CTX *mem = *state;
	static const char *const loop[] = {"loop.txt", "include \"loop.txt\"\n",
	                                   NULL};
	struct files none = {NULL, 0, 0}, self = {loop, 0, 0};
	struct files big = {NULL, DSNG_POLICY_MAX_NETWORKS + 1, 0};
	struct files huge = {NULL, 0, 1};
	char *t;
	int i;

	/* DSNG_POLICY_MAX_LINE */
	t = mk(mem, "# ", "x", DSNG_POLICY_MAX_LINE - 1, "\n");
	config_limit(mem, t, &none, DSNG_ERR_CONFIG, "max_line", 1,
	             DSNG_POLICY_MAX_LINE + 1);
	/* DSNG_POLICY_MAX_LIST, for classes, header names and hosts */
	t = mk(mem, "[ehlo]\noffer-dsn = tls", ",tls", DSNG_POLICY_MAX_LIST,
	       "\n");
	config_limit(mem, t, &none, DSNG_ERR_BAD_VALUE, "max_list", 2, 13);
	t = mk(mem, "[headers]\nnames = X-A", ",X-A", DSNG_POLICY_MAX_LIST,
	       "\n");
	config_limit(mem, t, &none, DSNG_ERR_BAD_VALUE, "max_list", 2, 9);
	t = mk(mem, "[bounce]\nour-hosts = h", ",h", DSNG_POLICY_MAX_LIST,
	       "\n");
	config_limit(mem, t, &none, DSNG_ERR_BAD_VALUE, "max_list", 2, 13);
	/* DSNG_POLICY_MAX_HEADER_NAMES and _HOSTS, over several lines:
	 * "names" replaces the preset's list, four more lines of 256 pass
	 * 1024 */
	t = mk(mem, "[headers]\nnames = X", ",X", DSNG_POLICY_MAX_LIST - 1,
	       "\n");
	for (i = 0; i < 4; i++)
		t = mk(mem, mk(mem, t, "", 0, "add-names = X"), ",X",
		       DSNG_POLICY_MAX_LIST - 1, "\n");
	config_limit(mem, t, &none, DSNG_ERR_BAD_VALUE, "max_header_names", 6,
	             13);
	t = talloc_strdup(mem, "[bounce]\n");
	for (i = 0; i < 5; i++)
		t = mk(mem, mk(mem, t, "", 0, "our-hosts = h"), ",h",
		       DSNG_POLICY_MAX_LIST - 1, "\n");
	config_limit(mem, t, &none, DSNG_ERR_BAD_VALUE, "max_hosts", 6, 13);
	/* DSNG_POLICY_MAX_REPLY_TEXT */
	t = mk(mem, "[rcpt]\nreply = 550 5.7.1 ", "x",
	       DSNG_POLICY_MAX_REPLY_TEXT + 1, "\n");
	config_limit(mem, t, &none, DSNG_ERR_BAD_VALUE, "max_reply_text", 2,
	             19);
	t = mk(mem, "[rcpt]\nreply = 550 5.7.1 ", "x",
	       DSNG_POLICY_MAX_REPLY_TEXT, "\n");
	{
		struct dsng_policy *p = NULL;
		assert_int_equal(dsng_policy_parse(mem, &p, t, strlen(t), "t",
		                                   NULL, NULL),
		                 0);
		talloc_free(p);
	}
	/* DSNG_POLICY_MAX_INCLUDE_DEPTH: a list that includes itself */
	config_limit(mem, "[trusted-networks]\ninclude \"loop.txt\"\n", &self,
	             DSNG_ERR_CONFIG, "max_include_depth", 1, 10);
	/* DSNG_POLICY_MAX_NETWORKS, at the first network too many */
	config_limit(mem, "[trusted-networks]\ninclude \"big.txt\"\n", &big,
	             DSNG_ERR_BAD_CIDR, "max_networks",
	             DSNG_POLICY_MAX_NETWORKS + 1, 1);
	/* DSNG_POLICY_MAX_FILE_SIZE: a reader that says DSNG_ELIMIT */
	config_limit(mem, "[trusted-networks]\ninclude \"any.txt\"\n", &huge,
	             DSNG_ERR_IO, "max_file_size", 2, 10);
	{
		struct dsng_policy *p = (void *)1;
		struct dsng_error err = DSNG_ERROR_INIT;
		struct dsng_policy_opts o;

		dsng_policy_opts_init(&o, DSNG_POLICY_OPTS_VERSION);
		o.read = read_files;
		o.read_arg = &huge;
		want_limit(&err, dsng_policy_load(mem, &p, "t.conf", &o, &err),
		           DSNG_ERR_IO, "max_file_size", 0);
		assert_null(p);
	}
}

/* The report fix: a utf-8 address that decodes to CR, LF or another
 * control character stays as written, with a problem; valid ones are
 * still decoded. */
static void test_report_utf8_address_controls(void **state)
{
	TALLOC_CTX *mem = *state;
	static const char *const addrs[] = {"a\\x{0D}\\x{0A}b@example.net",
	                                    "a\\x{0A}b@example.net",
	                                    "a\\x{7F}b@example.net", NULL};
	const char *const *a;

	for (a = addrs; *a; a++) {
		struct dsng_report *r = NULL;
		struct dsng_error err = DSNG_ERROR_INIT;
		char *t = talloc_asprintf(
		        mem,
		        "Content-Type: multipart/report; "
		        "report-type=delivery-status; boundary=B\n\n"
		        "--B\nContent-Type: message/delivery-status\n\n"
		        "Reporting-MTA: dns; x\n\n"
		        "Original-Recipient: utf-8; %s\n"
		        "Final-Recipient: utf-8; %s\n"
		        "Action: failed\nStatus: 5.1.1\n\n--B--\n",
		        *a, "d\\x{E9}j\\x{E0}@example.net");

		assert_int_equal(
		        dsng_report_parse(mem, &r, t, strlen(t), NULL, &err),
		        0);
		assert_int_equal(r->n_recipients, 1);
		assert_string_equal(r->recipients[0]->original_recipient->value,
		                    *a);
		assert_string_equal(r->recipients[0]->final_recipient->value,
		                    "d\xc3\xa9j\xc3\xa0@example.net");
		assert_int_equal(r->n_problems, 1);
		assert_string_equal(r->problems[0].field, "Original-Recipient");
		assert_string_equal(r->problems[0].message,
		                    "utf-8 address decodes to a control "
		                    "character");
		assert_int_equal(r->problems[0].offset,
		                 (size_t)(strstr(t, "Original-") - t));
		talloc_free(r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_error_helpers),
	        cmocka_unit_test_setup_teardown(test_cmd_fixed_limits,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test(test_xtext_out_size),
	        cmocka_unit_test_setup_teardown(test_reply_max_lines,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_mime_and_report_limits,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(
	                test_mime_limits_at_their_maximum, dsng_test_setup_ctx,
	                dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(
	                test_reply_max_lines_at_its_maximum,
	                dsng_test_setup_ctx, dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_config_fixed_limits,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(
	                test_report_utf8_address_controls, dsng_test_setup_ctx,
	                dsng_test_teardown_ctx),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
