/*
 * tests/test_oom.c - out of memory at every allocation of the entry
 * points that allocate: each is run once per allocation it makes, that
 * one refused (dsng_oom_sweep), and must then return DSNG_ENOMEM with err
 * filled (kind nomem), *out NULL and nothing left on the caller's context
 * or anywhere else; the run with nothing refused must give the same
 * result as a run outside the sweep.
 */
#include "dsng_oom.h" /* first: it needs _GNU_SOURCE */

#include <stdio.h>
#include <stdlib.h>

#define S(x) x, sizeof(x) - 1

static int is_nomem(const struct dsng_error *err)
{
	return err->rc == DSNG_ENOMEM && err->kind == DSNG_ERR_NOMEM;
}

/* ---- reports ---- */

struct report_case {
	const char *buf;
	size_t len;
	struct dsng_report *ref; /* parsed without a limit */
};

static void same_text(const char *a, const char *b)
{
	if (!a || !b)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void same_typed(const struct dsng_report_typed *a,
                       const struct dsng_report_typed *b)
{
	if (!a || !b) {
		assert_ptr_equal(a, b);
		return;
	}
	same_text(a->type, b->type);
	same_text(a->value, b->value);
}

static void same_report(const struct dsng_report *a,
                        const struct dsng_report *b)
{
	size_t i;

	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->global, b->global);
	assert_int_equal(a->n_recipients, b->n_recipients);
	assert_int_equal(a->n_problems, b->n_problems);
	assert_int_equal(a->human_text_len, b->human_text_len);
	if (a->human_text_len)
		assert_memory_equal(a->human_text, b->human_text,
		                    a->human_text_len);
	for (i = 0; i < a->n_problems; i++) {
		assert_string_equal(a->problems[i].field, b->problems[i].field);
		assert_string_equal(a->problems[i].message,
		                    b->problems[i].message);
		assert_int_equal(a->problems[i].offset, b->problems[i].offset);
	}
	for (i = 0; i < a->n_recipients; i++) {
		const struct dsng_report_recipient *x = a->recipients[i],
		                                   *y = b->recipients[i];
		same_typed(x->final_recipient, y->final_recipient);
		same_typed(x->original_recipient, y->original_recipient);
		same_typed(x->diagnostic_code, y->diagnostic_code);
		same_text(x->action, y->action);
		same_text(x->status, y->status);
		same_text(x->final_log_id, y->final_log_id);
		assert_int_equal(x->n_extensions, y->n_extensions);
	}
	if (a->message) {
		same_typed(a->message->reporting_mta,
		           b->message->reporting_mta);
		same_text(a->message->original_envelope_id,
		          b->message->original_envelope_id);
		assert_int_equal(a->message->n_extensions,
		                 b->message->n_extensions);
	}
	if (a->mdn) {
		same_text(a->mdn->type, b->mdn->type);
		assert_int_equal(a->mdn->n_modifiers, b->mdn->n_modifiers);
	}
	assert_int_equal(!a->returned, !b->returned);
	if (a->returned) {
		same_text(a->returned->message_id, b->returned->message_id);
		same_text(a->returned->subject, b->returned->subject);
		assert_int_equal(a->returned->n_received,
		                 b->returned->n_received);
	}
}

static int report_attempt(void *arg, TALLOC_CTX *mem)
{
	struct report_case *c = arg;
	struct dsng_report *r = (void *)1;
	struct dsng_error err = DSNG_ERROR_INIT;
	int rc = dsng_report_parse(mem, &r, c->buf, c->len, NULL, &err);

	if (rc == DSNG_ENOMEM) {
		assert_null(r);
		assert_true(is_nomem(&err));
		return rc;
	}
	assert_int_equal(rc, DSNG_OK);
	assert_ptr_equal(talloc_parent(r), mem);
	same_report(r, c->ref);
	talloc_free(r);
	return rc;
}

static void sweep_report(TALLOC_CTX *mem, const char *buf, size_t len)
{
	struct report_case c = {buf, len, NULL};
	struct dsng_error err = DSNG_ERROR_INIT;
	int rc;

	assert_int_equal(dsng_report_parse(mem, &c.ref, buf, len, NULL, &err),
	                 DSNG_OK);
	assert_true(dsng_oom_sweep(report_attempt, &c, &rc) > 0);
	assert_int_equal(rc, DSNG_OK);
	talloc_free(c.ref);
}

static void sweep_report_file(TALLOC_CTX *mem, const char *rel)
{
	size_t len;
	char *buf = dsng_test_load(mem, rel, &len);

	sweep_report(mem, buf, len);
	talloc_free(buf);
}

static void test_report_files(void **state)
{
	sweep_report_file(*state,
	                  "reports/dsn/sisimai-bsd-lhost-amavis-01.eml");
	sweep_report_file(
	        *state, "reports/dsn/postfix-3.7.11-gen-s08-failed-global.eml");
	sweep_report_file(
	        *state,
	        "reports/dsn/synthetic-from-postfix-s08-global-b64.eml");
	sweep_report_file(*state, "reports/dsn/sisimai-bsd-rfc3464-28.eml");
}

/* Every kind of field and problem, in a report bigger than its pool. */
static void test_report_every_field(void **state)
{
	TALLOC_CTX *mem = *state;
	char *in = talloc_strdup(
	        mem,
	        "From: MAILER-DAEMON@mx.example.org\n"
	        "Content-Type: multipart/report; report-type=delivery-status;\n"
	        " boundary=\"b1\"\n\n"
	        "preamble\n--b1\nContent-Type: text/plain\n"
	        "Content-Transfer-Encoding: quoted-printable\n\n"
	        "Delivery failed=2E=\n see below\n"
	        "--b1\nContent-Type: message/delivery-status\n\n"
	        "Reporting-MTA: dns; mx.example.org\n"
	        "DSN-Gateway: dns; gw.example.org\n"
	        "Received-From-MTA: dns; client.example.com\n"
	        "Arrival-Date: Fri, 21 Nov 1997 09:55:06 -0600\n"
	        "Original-Envelope-Id: QQ314159\n"
	        "X-Vendor: one\n"
	        "no colon line\n\n");
	unsigned i;

	for (i = 0; i < 40; i++)
		in = talloc_asprintf_append(
		        in,
		        "Original-Recipient: rfc822; orig%u@example.net\n"
		        "Final-Recipient: %s; r%u@example.net\n"
		        "Action: %s\n"
		        "Status: %s\n"
		        "Remote-MTA: dns; mx%u.example.net\n"
		        "Diagnostic-Code: smtp; 550 5.1.1 user (%u) unknown\n"
		        "Last-Attempt-Date: Fri, 21 Nov 1997 10:01:%02u -0600\n"
		        "Will-Retry-Until: %s\n"
		        "Final-Log-ID: id-%u\n"
		        "X-Extra-%u: value\n"
		        "Reporting-MTA: dns; late.example\n\n",
		        i, i % 3 ? "rfc822" : "utf-8", i,
		        i % 4 ? "failed" : "bounced",
		        i % 5 ? "5.1.1" : "5.1.1 x", i, i, i,
		        i % 2 ? "Sat, 22 Nov 1997 09:55:06 -0600" : "soon", i,
		        i);
	in = talloc_asprintf_append(
	        in, "--b1\nContent-Type: message/rfc822\n\n"
	            "Received: from a by b; Fri, 21 Nov 1997 09:50:00 -0600\n"
	            "Received: from c by a; Fri, 21 Nov 1997 09:49:00 -0600\n"
	            "Message-ID: <1234@local.machine.example>\n"
	            "From: =?utf-8?q?J=C3=B6rg?= <j@example.com>\n"
	            "To: =?iso-8859-1?q?J=F6rg?= <x@example.net>\n"
	            "Subject: =?utf-8?b?R3LDvMOfZQ==?=\n"
	            "Date: Fri, 21 Nov 1997 09:49:00 -0600\n"
	            "Return-Path: <j@example.com>\n\n"
	            "body\n--b1--\n");
	assert_non_null(in);
	sweep_report(mem, in, strlen(in));
	talloc_free(in);
}

static void test_report_mdn(void **state)
{
	/* RFC 8098 section 9's example, with modifiers and an extension */
	static const char in[] =
	        "Date: Wed, 20 Sep 1995 00:19:00 (EDT) -0400\n"
	        "From: Joe Recipient <Joe_Recipient@example.com>\n"
	        "Message-Id: <199509200019.12345@example.com>\n"
	        "Subject: Disposition notification\n"
	        "To: Jane Sender <Jane_Sender@example.org>\n"
	        "MIME-Version: 1.0\n"
	        "Content-Type: multipart/report; "
	        "report-type=disposition-notification;\n"
	        "\tboundary=\"RAA14128.773615765/example.com\"\n\n"
	        "--RAA14128.773615765/example.com\n\n"
	        "The message sent on 1995 Sep 19 at 13:30:00 (EDT) -0400 to "
	        "Joe\nRecipient <Joe_Recipient@example.com> with subject "
	        "\"First\ndraft of report\" has been displayed.\n\n"
	        "--RAA14128.773615765/example.com\n"
	        "content-type: message/disposition-notification\n\n"
	        "Reporting-UA: joes-pc.cs.example.com; Foomail 97.1\n"
	        "Original-Recipient: rfc822;Joe_Recipient@example.com\n"
	        "Final-Recipient: rfc822;Joe_Recipient@example.com\n"
	        "Original-Message-ID: <199509192301.23456@example.org>\n"
	        "Disposition: manual-action/MDN-sent-manually; "
	        "displayed/error,warning\n"
	        "X-Whatever: 1\n\n"
	        "--RAA14128.773615765/example.com\n"
	        "Content-Type: text/rfc822-headers\n\n"
	        "Message-ID: <199509192301.23456@example.org>\n"
	        "Received: from x by y; Tue, 19 Sep 1995 13:30:00 -0400\n\n"
	        "--RAA14128.773615765/example.com--\n";

	sweep_report(*state, in, sizeof(in) - 1);
}

/* ---- MIME ---- */

static const char mime_msg[] =
        "From: a@example.org\n"
        "Content-Type: multipart/mixed; boundary=\"outer\"\n\n"
        "--outer\n"
        "Content-Type: text/plain; title*0*=us-ascii'en'This%20is%20;\n"
        " title*1*=%2A%2A%2Afun%2A%2A%2A; title*2=\"!\"\n"
        "Content-Transfer-Encoding: base64\n\n"
        "SGVsbG8sIHdvcmxkIQ==\n"
        "--outer\n"
        "Content-Type: message/rfc822\n"
        "Content-Transfer-Encoding: base64\n\n"
        "U3ViamVjdDogaW5uZXIKQ29udGVudC1UeXBlOiB0ZXh0L3BsYWluCgpo\n"
        "aQo=\n"
        "--outer\n"
        "Content-Type: multipart/alternative; boundary=in\n\n"
        "--in\nContent-Type: text/plain\n"
        "Content-Transfer-Encoding: quoted-printable\n\nA=3DB=\nC\n"
        "--in\nContent-Type: text/html\n\n<p>x</p>\n"
        "--in--\n"
        "--outer--\n";

static int mime_attempt(void *arg, TALLOC_CTX *mem)
{
	const struct dsng_mime_message *ref = arg;
	struct dsng_mime_message *m = (void *)1;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t i;
	int rc = dsng_mime_parse(mem, &m, S(mime_msg), NULL, &err);

	if (rc == DSNG_ENOMEM) {
		assert_null(m);
		assert_true(is_nomem(&err));
		return rc;
	}
	assert_int_equal(rc, DSNG_OK);
	assert_int_equal(m->n_parts, ref->n_parts);
	for (i = 0; i < m->n_parts; i++) {
		assert_string_equal(m->parts[i]->type, ref->parts[i]->type);
		assert_int_equal(m->parts[i]->n_params,
		                 ref->parts[i]->n_params);
	}
	talloc_free(m);
	return rc;
}

struct part_case {
	const struct dsng_mime_message *msg;
	const struct dsng_mime_part *part;
	const char *want; /* decoded body, or the inner Subject */
};

static int open_attempt(void *arg, TALLOC_CTX *mem)
{
	struct part_case *c = arg;
	struct dsng_mime_message *m = (void *)1;
	struct dsng_error err = DSNG_ERROR_INIT;
	const struct dsng_mime_field *f;
	int rc = dsng_mime_open_message(mem, &m, c->msg, c->part, NULL, &err);

	if (rc == DSNG_ENOMEM) {
		assert_null(m);
		assert_true(is_nomem(&err));
		return rc;
	}
	assert_int_equal(rc, DSNG_OK);
	f = dsng_mime_header_find(&m->root->header, "Subject");
	assert_non_null(f);
	assert_int_equal(f->value.len, strlen(c->want));
	assert_memory_equal(f->value.ptr, c->want, f->value.len);
	talloc_free(m);
	return rc;
}

static int decode_attempt(void *arg, TALLOC_CTX *mem)
{
	struct part_case *c = arg;
	const char *out = (void *)1;
	size_t n = 0;
	struct dsng_error err = DSNG_ERROR_INIT;
	int rc = dsng_mime_part_decode(mem, &out, &n, c->part, NULL, &err);

	if (rc == DSNG_ENOMEM) {
		assert_true(is_nomem(&err));
		return rc;
	}
	assert_int_equal(rc, DSNG_OK);
	assert_int_equal(n, strlen(c->want));
	assert_memory_equal(out, c->want, n);
	talloc_free((char *)out);
	return rc;
}

static int header_attempt(void *arg, TALLOC_CTX *mem)
{
	struct dsng_mime_header *h = (void *)1;
	struct dsng_error err = DSNG_ERROR_INIT;
	char *in = arg;
	int rc = dsng_mime_header_parse(mem, &h, NULL, in, strlen(in), NULL,
	                                &err);

	if (rc == DSNG_ENOMEM) {
		assert_null(h);
		assert_true(is_nomem(&err));
		return rc;
	}
	assert_int_equal(rc, DSNG_OK);
	assert_int_equal(h->n_fields, 40);
	talloc_free(h);
	return rc;
}

static int content_type_attempt(void *arg, TALLOC_CTX *mem)
{
	static const char ct[] =
	        "message/external-body; access-type=URL;\n"
	        " URL*0=\"ftp://\"; URL*1=\"cs.utk.edu/pub/moore/\";\n"
	        " URL*2=\"bulk-mailer/bulk-mailer.tar\"; "
	        "title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A";
	char *type = (void *)1;
	struct dsng_mime_param *params = (void *)1;
	size_t n = 99, i;
	struct dsng_error err = DSNG_ERROR_INIT;
	int rc = dsng_mime_content_type(mem, &type, &params, &n, S(ct), &err);

	(void)arg;
	if (rc == DSNG_ENOMEM) {
		assert_true(is_nomem(&err));
		assert_null(type);
		assert_null(params);
		return rc;
	}
	assert_int_equal(rc, DSNG_OK);
	/* RFC 2231 sections 3 and 4: continuations joined, %XX decoded */
	assert_string_equal(type, "message/external-body");
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++) {
		if (strcmp(params[i].name, "url") == 0)
			assert_string_equal(params[i].value,
			                    "ftp://cs.utk.edu/pub/moore/"
			                    "bulk-mailer/bulk-mailer.tar");
		else if (strcmp(params[i].name, "title") == 0)
			assert_string_equal(params[i].value,
			                    "This is ***fun***");
		else
			assert_string_equal(params[i].name, "access-type");
	}
	talloc_free(type);
	talloc_free(params);
	return rc;
}

static int words_attempt(void *arg, TALLOC_CTX *mem)
{
	/* RFC 2047 section 8's examples: adjacent encoded words are joined,
	 * white space between them dropped */
	static const char in[] = "=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= and "
	                         "(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=) "
	                         "=?utf-8?B?R3LDvMOfZQ==?=";
	char *out = dsng_mime_decode_words(mem, S(in));

	(void)arg;
	if (!out)
		return DSNG_ENOMEM;
	assert_string_equal(
	        out, "Keld J\xc3\xb8rn Simonsen and (ab) Gr\xc3\xbc\xc3\x9f"
	             "e");
	talloc_free(out);
	return DSNG_OK;
}

/* Nested deeper than the walker's first stack (it grows). */
static int nested_attempt(void *arg, TALLOC_CTX *mem)
{
	const char *in = arg;
	struct dsng_mime_message *m = (void *)1;
	struct dsng_error err = DSNG_ERROR_INIT;
	int rc = dsng_mime_parse(mem, &m, in, strlen(in), NULL, &err);

	if (rc == DSNG_ENOMEM) {
		assert_null(m);
		assert_true(is_nomem(&err));
		return rc;
	}
	assert_int_equal(rc, DSNG_OK);
	assert_int_equal(m->n_parts, 19);
	assert_false(m->truncated);
	talloc_free(m);
	return rc;
}

static void test_mime(void **state)
{
	TALLOC_CTX *mem = *state;
	struct dsng_mime_message *ref;
	struct part_case c;
	char *hdr = talloc_strdup(mem, "");
	unsigned i;
	int rc;

	assert_int_equal(dsng_mime_parse(mem, &ref, S(mime_msg), NULL, NULL),
	                 DSNG_OK);
	assert_int_equal(ref->n_parts, 6);
	assert_true(dsng_oom_sweep(mime_attempt, ref, &rc) > 0);
	assert_int_equal(rc, DSNG_OK);

	c.msg = ref;
	c.part = ref->parts[2];
	assert_string_equal(c.part->type, "message/rfc822");
	c.want = " inner";
	assert_true(dsng_oom_sweep(open_attempt, &c, &rc) > 0);
	assert_int_equal(rc, DSNG_OK);

	c.part = ref->parts[1];
	c.want = "Hello, world!";
	assert_true(dsng_oom_sweep(decode_attempt, &c, &rc) > 0);
	assert_int_equal(rc, DSNG_OK);
	c.part = ref->parts[4];
	assert_int_equal(c.part->cte, DSNG_MIME_CTE_QP);
	/* the line end before the boundary is the boundary's (RFC 2046
	 * 5.1.1) */
	c.want = "A=BC";
	assert_true(dsng_oom_sweep(decode_attempt, &c, &rc) > 0);
	assert_int_equal(rc, DSNG_OK);

	for (i = 0; i < 40; i++)
		hdr = talloc_asprintf_append(hdr, "X-F%u: v\n  folded\n", i);
	hdr = talloc_asprintf_append(hdr, "\nbody");
	assert_non_null(hdr);
	assert_true(dsng_oom_sweep(header_attempt, hdr, &rc) > 0);
	assert_int_equal(rc, DSNG_OK);

	assert_true(dsng_oom_sweep(content_type_attempt, NULL, &rc) > 0);
	assert_int_equal(rc, DSNG_OK);
	assert_true(dsng_oom_sweep(words_attempt, NULL, &rc) > 0);
	assert_int_equal(rc, DSNG_OK);
	talloc_free(hdr);
	talloc_free(ref);

	hdr = talloc_strdup(mem, "");
	for (i = 0; i < 18; i++)
		hdr = talloc_asprintf_append(hdr,
		                             "Content-Type: multipart/mixed; "
		                             "boundary=n%u\n\n--n%u\n",
		                             i, i);
	hdr = talloc_asprintf_append(hdr, "\nleaf\n");
	for (i = 18; i-- > 0;)
		hdr = talloc_asprintf_append(hdr, "--n%u--\n", i);
	assert_non_null(hdr);
	assert_true(dsng_oom_sweep(nested_attempt, hdr, &rc) > 0);
	assert_int_equal(rc, DSNG_OK);
	talloc_free(hdr);
}

/* ---- policies ---- */

/* Every key of every section, and includes (through the callback). */
static const char full_conf[] =
        "preset = permissive\n"
        "[trusted-networks]\n"
        "192.0.2.0/24, 2001:db8::/32 # docs\n"
        "include \"nets.txt\"\n"
        "[ehlo]\noffer-dsn = trusted, authenticated, local\n"
        "[rcpt]\nsuccess-from = trusted\ndelay-from = trusted, tls\n"
        "failure-from = all\norcpt-from = authenticated\n"
        "action = downgrade\n"
        "reply = \"550 5.7.1 {param}={value} refused\"\n"
        "unoffered = ignore\n"
        "unoffered-reply = \"555 5.5.4 {param} unknown\"\n"
        "[mail]\nret-full-from = trusted\nret-full-action = strip\n"
        "envid-from = trusted\nenvid-action = reject\n"
        "reply = \"550 5.7.1 no {param}\"\nunoffered = reject\n"
        "unoffered-reply = \"555 5.5.4 {param}\"\n"
        "[headers]\nreceipts-from = trusted\naction = flag\n"
        "names = Disposition-Notification-To, Return-Receipt-To\n"
        "add-names = X-Confirm-Reading-To\n"
        "add-names = Read-Receipt-To\n"
        "flag-header = X-Receipt-Flag\n"
        "[generate]\ncheck-clients = on\n"
        "[bounce]\nbatv-key = 1:hex:00112233445566778899\n"
        "batv-key = 2:text:second secret\nbatv-days = 10\n"
        "batv-required = true\nour-hosts = mx1.example.org, MX2.example.org\n"
        "our-hosts = [192.0.2.1]\naction = flag\n"
        "reply = \"550 5.7.1 backscatter\"\n";

static int read_nets(void *arg, TALLOC_CTX *mem, const char *path, char **buf,
                     size_t *len)
{
	static const char nets[] = "198.51.100.0/24\n# c\n"
	                           "include \"more.txt\"\n";
	static const char more[] = "203.0.113.7\n10.0.0.0/8, 172.16.0.0/12\n";
	const char *t = strstr(path, "more") ? more : nets;

	(void)arg;
	*buf = talloc_strdup(mem, t);
	if (!*buf)
		return DSNG_ENOMEM;
	*len = strlen(t);
	return 0;
}

static int policy_attempt(void *arg, TALLOC_CTX *mem)
{
	struct dsng_policy_opts o = DSNG_POLICY_OPTS_INIT;
	struct dsng_policy *p = (void *)1;
	struct dsng_error err = DSNG_ERROR_INIT;
	int rc;

	(void)arg;
	o.read = read_nets;
	rc = dsng_policy_parse(mem, &p, S(full_conf), "dir/full.conf", &o,
	                       &err);
	if (rc == DSNG_ENOMEM) {
		assert_null(p);
		assert_true(is_nomem(&err));
		return rc;
	}
	assert_int_equal(rc, DSNG_OK);
	assert_string_equal(dsng_policy_name(p), "dir/full.conf");
	/* 192.0.2/24, 2001:db8::/32, 198.51.100/24, 203.0.113.7, 10/8,
	 * 172.16/12: none adjacent */
	assert_int_equal(dsng_policy_network_count(p), 6);
	talloc_free(p);
	return rc;
}

static int preset_attempt(void *arg, TALLOC_CTX *mem)
{
	const char *name = arg;
	struct dsng_policy *p = (void *)1;
	struct dsng_error err = DSNG_ERROR_INIT;
	int rc = dsng_policy_preset(mem, &p, name, &err);

	if (rc == DSNG_ENOMEM) {
		assert_null(p);
		assert_true(is_nomem(&err));
		return rc;
	}
	assert_int_equal(rc, DSNG_OK);
	assert_string_equal(dsng_policy_name(p), name);
	talloc_free(p);
	return rc;
}

static int load_attempt(void *arg, TALLOC_CTX *mem)
{
	struct dsng_policy *p = (void *)1;
	struct dsng_error err = DSNG_ERROR_INIT;
	int rc = dsng_policy_load(mem, &p, arg, NULL, &err);

	if (rc == DSNG_ENOMEM) {
		assert_null(p);
		assert_true(is_nomem(&err));
		return rc;
	}
	assert_int_equal(rc, DSNG_OK);
	assert_string_equal(dsng_policy_name(p), arg);
	talloc_free(p);
	return rc;
}

static void test_policies(void **state)
{
	const char *const *names = dsng_policy_preset_names();
	int rc;

	(void)state;
	assert_true(dsng_oom_sweep(policy_attempt, NULL, &rc) > 0);
	assert_int_equal(rc, DSNG_OK);
	for (; *names; names++) {
		assert_true(dsng_oom_sweep(preset_attempt, (void *)*names,
		                           &rc) > 0);
		assert_int_equal(rc, DSNG_OK);
	}
	assert_true(dsng_oom_sweep(load_attempt,
	                           DSNG_TEST_DATA "/policy/good.conf",
	                           &rc) > 0);
	assert_int_equal(rc, DSNG_OK);
}

/* ---- the wrappers that allocate ---- */

struct wrap_case {
	struct dsng_policy *p;
	struct dsng_ehlo *caps;
	struct dsng_report *report;
};

static void untrusted_client(struct dsng_policy_session *s)
{
	assert_int_equal(
	        dsng_policy_session_init(s, DSNG_POLICY_SESSION_VERSION), 0);
	assert_int_equal(
	        dsng_policy_session_set_addr(s, S("198.51.100.33"), NULL), 0);
}

static int line_attempt(void *arg, TALLOC_CTX *mem)
{
	struct wrap_case *c = arg;
	struct dsng_policy_session s;
	struct dsng_decision d = DSNG_DECISION_INIT;
	struct dsng_error err = DSNG_ERROR_INIT;
	static const char l[] = "MAIL FROM:<a@example.org> RET=FULL ENVID=x";
	int rc;

	untrusted_client(&s);
	s.dsn_offered = 1;
	rc = dsng_policy_line(mem, &d, NULL, c->p, &s, S(l), NULL, &err);
	if (rc == DSNG_ENOMEM) {
		assert_true(is_nomem(&err));
		assert_null(d.rewritten);
		return rc;
	}
	assert_int_equal(rc, DSNG_OK);
	/* ret-full-action = strip, envid-action = strip */
	assert_int_equal(d.action, DSNG_POLICY_ACTION_STRIP);
	assert_string_equal(d.rewritten, "MAIL FROM:<a@example.org>");
	talloc_free(d.rewritten);
	return rc;
}

static int ehlo_reply_attempt(void *arg, TALLOC_CTX *mem)
{
	struct wrap_case *c = arg;
	struct dsng_policy_session s;
	struct dsng_decision d = DSNG_DECISION_INIT;
	struct dsng_error err = DSNG_ERROR_INIT;
	int rc;

	untrusted_client(&s);
	rc = dsng_policy_ehlo_reply(mem, &d, c->p, &s, c->caps, &err);
	if (rc == DSNG_ENOMEM) {
		assert_true(is_nomem(&err));
		return rc;
	}
	assert_int_equal(rc, DSNG_OK);
	assert_int_equal(d.action, DSNG_POLICY_ACTION_HIDE_DSN);
	assert_true(d.changes & DSNG_POLICY_CHANGED_DSN_LINE);
	assert_string_equal(d.rewritten, "250-mx.example.net\r\n250 SIZE\r\n");
	talloc_free(d.rewritten);
	return rc;
}

static int bounce_info_attempt(void *arg, TALLOC_CTX *mem)
{
	struct wrap_case *c = arg;
	struct dsng_policy_bounce_info b = DSNG_POLICY_BOUNCE_INFO_INIT;
	struct dsng_error err = DSNG_ERROR_INIT;
	int rc = dsng_policy_bounce_info_from_report(mem, &b, c->report, &err);

	if (rc == DSNG_ENOMEM) {
		assert_true(is_nomem(&err));
		assert_null(b.received);
		return rc;
	}
	assert_int_equal(rc, DSNG_OK);
	assert_true(b.is_report);
	assert_int_equal(b.n_received, 2);
	assert_ptr_equal(talloc_parent(b.received), mem);
	talloc_free((void *)b.received);
	return rc;
}

static void test_wrappers(void **state)
{
	TALLOC_CTX *mem = *state;
	static const char conf[] =
	        "preset = permissive\n[ehlo]\noffer-dsn = trusted\n"
	        "[mail]\nret-full-from = trusted\nret-full-action = strip\n"
	        "envid-from = trusted\n";
	static const char reply[] = "250-mx.example.net\r\n250-DSN\r\n"
	                            "250 SIZE\r\n";
	static const char rep[] =
	        "Content-Type: multipart/report; boundary=b\n\n"
	        "--b\nContent-Type: message/delivery-status\n\n"
	        "Reporting-MTA: dns; x\n\nFinal-Recipient: rfc822; a@b\n"
	        "Action: failed\nStatus: 5.0.0\n"
	        "--b\nContent-Type: text/rfc822-headers\n\n"
	        "Received: from a by b\nReceived: from c by a\n"
	        "Message-ID: <m@x>\n\n--b--\n";
	struct wrap_case c;
	int rc;

	assert_int_equal(
	        dsng_policy_parse(mem, &c.p, S(conf), "w.conf", NULL, NULL), 0);
	assert_int_equal(dsng_ehlo_parse(mem, &c.caps, S(reply), NULL, NULL),
	                 DSNG_OK);
	assert_int_equal(dsng_report_parse(mem, &c.report, S(rep), NULL, NULL),
	                 DSNG_OK);
	assert_true(dsng_oom_sweep(line_attempt, &c, &rc) > 0);
	assert_int_equal(rc, DSNG_OK);
	assert_true(dsng_oom_sweep(ehlo_reply_attempt, &c, &rc) > 0);
	assert_int_equal(rc, DSNG_OK);
	assert_true(dsng_oom_sweep(bounce_info_attempt, &c, &rc) > 0);
	assert_int_equal(rc, DSNG_OK);
	talloc_free(c.report);
	talloc_free(c.caps);
	talloc_free(c.p);
}

/* ---- replies, commands, BATV, xtext ---- */

static int reply_attempt(void *arg, TALLOC_CTX *mem)
{
	static const char in[] = "550-5.1.1 first line\r\n"
	                         "550-5.1.1 second line\r\n"
	                         "550 5.1.1 last line\r\n";
	struct dsng_reply *r = (void *)1;
	struct dsng_error err = DSNG_ERROR_INIT;
	char *text, *back;
	int rc = dsng_reply_parse(mem, &r, S(in), NULL, &err);

	(void)arg;
	if (rc == DSNG_ENOMEM) {
		assert_null(r);
		assert_true(is_nomem(&err));
		return rc;
	}
	assert_int_equal(rc, DSNG_OK);
	assert_int_equal(r->n_lines, 3);
	text = dsng_reply_text(mem, r, true);
	back = dsng_reply_format(mem, r);
	if (!text || !back) {
		talloc_free(text);
		talloc_free(back);
		talloc_free(r);
		return DSNG_ENOMEM;
	}
	assert_string_equal(text, "first line\nsecond line\nlast line");
	assert_string_equal(back, in);
	talloc_free(text);
	talloc_free(back);
	talloc_free(r);
	return rc;
}

static int cmd_format_attempt(void *arg, TALLOC_CTX *mem)
{
	const struct dsng_cmd *cmd = arg;
	char *s = dsng_cmd_format(mem, cmd);

	if (!s)
		return DSNG_ENOMEM;
	assert_string_equal(s, "RCPT TO:<b@example.net> NOTIFY=success,failure "
	                       "ORCPT=rfc822;b@example.net");
	talloc_free(s);
	return DSNG_OK;
}

static int batv_attempt(void *arg, TALLOC_CTX *mem)
{
	struct dsng_batv_key key;
	struct dsng_batv_opts o = DSNG_BATV_OPTS_INIT;
	struct dsng_error err = DSNG_ERROR_INIT;
	char *signed_addr = (void *)1, *orig = (void *)1;
	int rc;

	(void)arg;
	rc = dsng_batv_key_parse(mem, &key, S("3:hex:0a0b0c0d"), 0, &err);
	if (rc == DSNG_ENOMEM) {
		assert_true(is_nomem(&err));
		return rc;
	}
	assert_int_equal(rc, DSNG_OK);
	assert_int_equal(key.number, 3);
	assert_int_equal(key.secret_len, 4);
	o.keys = &key;
	o.n_keys = 1;
	o.sign_key = 3;
	rc = dsng_batv_sign(mem, &signed_addr, S("user@example.org"),
	                    (time_t)86400 * 20000, &o, &err);
	if (rc == DSNG_ENOMEM) {
		assert_null(signed_addr);
		assert_true(is_nomem(&err));
		talloc_free((void *)key.secret);
		return rc;
	}
	assert_int_equal(rc, DSNG_OK);
	/* key 3, expires day 20007 (mod 1000: 007) */
	assert_memory_equal(signed_addr, "prvs=3007", 9);
	rc = dsng_batv_strip(mem, &orig, signed_addr, strlen(signed_addr),
	                     &err);
	if (rc == DSNG_ENOMEM) {
		assert_null(orig);
		assert_true(is_nomem(&err));
	} else {
		assert_int_equal(rc, DSNG_OK);
		assert_string_equal(orig, "user@example.org");
		talloc_free(orig);
	}
	talloc_free(signed_addr);
	talloc_free((void *)key.secret);
	return rc;
}

static int xtext_attempt(void *arg, TALLOC_CTX *mem)
{
	char *dec = (void *)1, *enc, *u;
	struct dsng_error err = DSNG_ERROR_INIT;
	int rc;

	(void)arg;
	rc = dsng_xtext_decode_talloc(mem, &dec, NULL, S("a+2Bb+3Dc"), 0, &err);
	if (rc == DSNG_ENOMEM) {
		assert_null(dec);
		assert_true(is_nomem(&err));
		return rc;
	}
	assert_int_equal(rc, DSNG_OK);
	assert_string_equal(dec, "a+b=c");
	enc = dsng_xtext_encode(mem, dec, strlen(dec));
	u = dsng_xtext_utf8_encode(mem, S("j\xc3\xb6rg@example.org"), false);
	talloc_free(dec);
	if (!enc || !u) {
		talloc_free(enc);
		talloc_free(u);
		return DSNG_ENOMEM;
	}
	/* RFC 3461 4: '+' and '=' as "+XX"; RFC 6533 3: U+00F6 as \x{F6} */
	assert_string_equal(enc, "a+2Bb+3Dc");
	assert_string_equal(u, "j\\x{F6}rg@example.org");
	talloc_free(enc);
	talloc_free(u);
	return DSNG_OK;
}

static void test_replies_commands_batv_xtext(void **state)
{
	struct dsng_cmd cmd;
	static const char l[] =
	        "rcpt to:<b@example.net> notify=success,failure "
	        "orcpt=rfc822;b@example.net";
	int rc;

	(void)state;
	assert_true(dsng_oom_sweep(reply_attempt, NULL, &rc) > 0);
	assert_int_equal(rc, DSNG_OK);
	assert_int_equal(dsng_cmd_init(&cmd, DSNG_CMD_VERSION), 0);
	assert_int_equal(dsng_cmd_parse(&cmd, S(l), NULL, NULL), DSNG_OK);
	assert_true(dsng_oom_sweep(cmd_format_attempt, &cmd, &rc) > 0);
	assert_int_equal(rc, DSNG_OK);
	assert_true(dsng_oom_sweep(batv_attempt, NULL, &rc) > 0);
	assert_int_equal(rc, DSNG_OK);
	assert_true(dsng_oom_sweep(xtext_attempt, NULL, &rc) > 0);
	assert_int_equal(rc, DSNG_OK);
}

/* The injector itself: exactly the chosen allocation fails, of any of
 * the wrapped kinds, and nothing is refused once disarmed. */
static void test_injector(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	char *a;
	int *b;

	(void)state;
	dsng_oom_arm(0);
	assert_null(talloc_strdup(mem, "x"));
	assert_true(dsng_oom_disarm());
	dsng_oom_arm(1);
	a = talloc_asprintf(mem, "%d", 42);
	assert_string_equal(a, "42");
	assert_null(talloc_asprintf_append_buffer(a, "%s", "more"));
	assert_true(dsng_oom_disarm());
	assert_string_equal(a, "42");
	dsng_oom_arm(5);
	b = talloc_zero_array(mem, int, 3);
	assert_non_null(b);
	assert_false(dsng_oom_disarm());
	assert_non_null(talloc_strndup(mem, "abc", 2));
	talloc_free(mem);
}

int main(void)
{
#define T(f)                                                                   \
	cmocka_unit_test_setup_teardown(f, dsng_oom_setup_ctx,                 \
	                                dsng_test_teardown_ctx)
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_injector),
	        T(test_report_files),
	        T(test_report_every_field),
	        T(test_report_mdn),
	        T(test_mime),
	        T(test_policies),
	        T(test_wrappers),
	        T(test_replies_commands_batv_xtext),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
