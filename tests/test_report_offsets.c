/*
 * tests/test_report_offsets.c - every offset is a byte position in the
 * message as given (mime.h, "Offsets"), also for what is found inside a
 * report's delivery-status part, in an opened message/rfc822 part and in
 * the returned headers; in transfer-decoded text every offset is the
 * encoded body's first byte.  Checked on real reports: message[offset..]
 * starts with the offending field or line.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "dsng_test.h"

#define S(x) x, sizeof(x) - 1

static int ieq_prefix(const char *p, size_t left, const char *w)
{
	size_t i, n = strlen(w);

	if (left < n)
		return 0;
	for (i = 0; i < n; i++) {
		char a = p[i], b = w[i];
		if (a >= 'A' && a <= 'Z')
			a = (char)(a + 32);
		if (b >= 'A' && b <= 'Z')
			b = (char)(b + 32);
		if (a != b)
			return 0;
	}
	return 1;
}

/* The first byte of an encoded (base64 or QP) part's body at off? */
static int decoded_body_at(const struct dsng_mime_message *m, size_t off)
{
	size_t i;

	for (i = 0; i < m->n_parts; i++)
		if ((m->parts[i]->cte == DSNG_MIME_CTE_BASE64 ||
		     m->parts[i]->cte == DSNG_MIME_CTE_QP) &&
		    m->parts[i]->body_offset == off)
			return 1;
	return 0;
}

static int is_returned_field(const char *f)
{
	return !strcmp(f, "Subject") || !strcmp(f, "From") ||
	       !strcmp(f, "To") || !strcmp(f, "Message-ID") ||
	       !strcmp(f, "Date") || !strcmp(f, "Return-Path");
}

/* Where a problem may point: a field problem at its field's name (at the
 * start of a line), a line problem at the start of that line, a boundary
 * at the Content-Type that has it (or at the end when it never closed), a
 * returned value at its offending octet; anything in decoded text at the
 * encoded body.  Fails naming the file and the problem. */
static void check_problems(const char *name, const char *buf, size_t len,
                           const struct dsng_report *r)
{
	size_t i;

	for (i = 0; i < r->n_problems; i++) {
		const struct dsng_mime_problem *p = &r->problems[i];
		size_t off = p->offset;
		const char *at = buf + off;
		int line = off == 0 || buf[off - 1] == '\n', ok;

		if (off > len)
			fail_msg("%s: %s at %zu past the end", name, p->field,
			         off);
		if (decoded_body_at(r->mime, off))
			continue;
		if (!strcmp(p->field, "header") ||
		    !strcmp(p->field, "delivery-status")) {
			ok = line;
		} else if (!strcmp(p->field, "boundary")) {
			ok = strstr(p->message, "close delimiter")
			             ? line || off == len
			             : ieq_prefix(at, len - off,
			                          "Content-Type");
		} else if (!strcmp(p->field, "problems")) {
			ok = 1;
		} else if (is_returned_field(p->field) &&
		           strstr(p->message, "U+FFFD")) {
			ok = off < len;
		} else {
			size_t n = strlen(p->field);
			ok = line && ieq_prefix(at, len - off, p->field);
			while (ok && off + n < len &&
			       (buf[off + n] == ' ' || buf[off + n] == '\t'))
				n++;
			ok = ok && off + n < len && buf[off + n] == ':';
		}
		if (!ok)
			fail_msg("%s: problem %s \"%s\" at %zu points at "
			         "\"%.30s\"",
			         name, p->field, p->message, off, at);
	}
}

static struct dsng_report *load(TALLOC_CTX *mem, const char *rel, char **buf,
                                size_t *len)
{
	struct dsng_report *r;

	*buf = dsng_test_load(mem, rel, len);
	assert_int_equal(dsng_report_parse(mem, &r, *buf, *len, NULL, NULL),
	                 DSNG_OK);
	check_problems(rel, *buf, *len, r);
	return r;
}

/* A problem with this field whose text at the offset starts with want. */
static void has(const struct dsng_report *r, const char *buf, const char *field,
                const char *want)
{
	size_t i;

	for (i = 0; i < r->n_problems; i++)
		if (!strcmp(r->problems[i].field, field) &&
		    !strncmp(buf + r->problems[i].offset, want, strlen(want)))
			return;
	fail_msg("no %s problem at \"%s\"", field, want);
}

static void test_real_reports(void **state)
{
	TALLOC_CTX *mem = *state;
	struct dsng_report *r;
	char *buf;
	size_t len;

	/* continuation lines without their indent, in the delivery-status
	 * part (they were given relative to the part) */
	r = load(mem, "reports/dsn/sisimai-bsd-rhost-messagelabs-01.eml", &buf,
	         &len);
	has(r, buf, "header", "550-mail0.bemta0.messagelabs.com");
	has(r, buf, "header", "550 relay through this server");
	talloc_free(r);
	/* lines that are not fields, in the delivery-status part */
	r = load(mem, "reports/dsn/sisimai-bsd-rhost-google-01.eml", &buf,
	         &len);
	has(r, buf, "header", "--r4B00000000000.0000007/mail4.example.co.jp");
	has(r, buf, "delivery-status",
	    "--r4B00000000000.0000007/mail4.example.co.jp");
	talloc_free(r);
	r = load(mem, "reports/dsn/sisimai-bsd-rhost-franceptt-08.eml", &buf,
	         &len);
	has(r, buf, "header", "--6B093271F589.1576627508/xxxx.odiso.net");
	talloc_free(r);
	r = load(mem, "reports/dsn/sisimai-bsd-lhost-office365-08.eml", &buf,
	         &len);
	has(r, buf, "header", "XW0i+vGr98fR0H6N7ELZO09EwBcQq/HZi5UI2Nh7");
	has(r, buf, "Reporting-MTA", "Reporting-MTA: dns;SG2APC01HT007");
	talloc_free(r);
	/* the container's Content-Type, not the entity's first byte */
	r = load(mem, "reports/dsn/sisimai-bsd-lhost-mcafee-01.eml", &buf,
	         &len);
	has(r, buf, "Content-Type", "Content-Type: Multipart/Mixed");
	talloc_free(r);
	/* a multipart whose boundary sits on a line of its own */
	r = load(mem, "reports/other/sisimai-bsd-lhost-apachejames-01.eml",
	         &buf, &len);
	has(r, buf, "boundary", "Content-Type: multipart/alternative;");
	has(r, buf, "header", "boundary=\"----=_Part_000001");
	talloc_free(r);
	talloc_free(buf);
}

/* Every bundled report, and the shared corpus when it is there. */
static void check_dir(TALLOC_CTX *mem, const char *dir, unsigned *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		char path[4096];
		char *buf;
		size_t len;
		struct dsng_report *r;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		buf = dsng_test_load(mem, path, &len);
		if (dsng_report_parse(mem, &r, buf, len, NULL, NULL) ==
		    DSNG_OK) {
			check_problems(path, buf, len, r);
			talloc_free(r);
			(*n)++;
		}
		talloc_free(buf);
	}
	closedir(d);
}

static void test_every_report(void **state)
{
	TALLOC_CTX *mem = *state;
	unsigned n = 0;

	check_dir(mem, DSNG_TEST_DATA "/reports/dsn", &n);
	check_dir(mem, DSNG_TEST_DATA "/reports/other", &n);
	assert_true(n > 30);
	check_dir(mem, DSNG_CORPUS_DIR "/dsn", &n);
	check_dir(mem, DSNG_CORPUS_DIR "/other", &n);
	print_message("%u messages checked\n", n);
}

#define HEAD                                                                   \
	"From: a@b.example\nContent-Type: multipart/report; "                  \
	"report-type=delivery-status; boundary=B\n\n"

static void test_decoded_status_part(void **state)
{
	TALLOC_CTX *mem = *state;
	/* "Reporting-MTA: dns; mx\n\nFinal-Recipient: rfc822; a@b\n
	 * Action: bogus\nStatus: 9\n" in base64 */
	static const char in[] =
	        HEAD "--B\nContent-Type: message/delivery-status\n"
	             "Content-Transfer-Encoding: base64\n\n"
	             "UmVwb3J0aW5nLU1UQTogZG5zOyBteAoKRmluYWwtUmVjaXBpZW50OiBy"
	             "ZmM4MjI7IGFAYgpBY3Rp\nb246IGJvZ3VzClN0YXR1czogOQo=\n"
	             "--B--\n";
	struct dsng_report *r;
	size_t i, body = (size_t)(strstr(in, "UmVw") - in);

	assert_int_equal(dsng_report_parse(mem, &r, S(in), NULL, NULL),
	                 DSNG_OK);
	assert_int_equal(r->n_recipients, 1);
	assert_string_equal(r->recipients[0]->action, "bogus");
	/* Action and Status: both at the encoded body, never at a decoded
	 * position */
	assert_true(r->n_problems >= 2);
	for (i = 0; i < r->n_problems; i++)
		assert_int_equal(r->problems[i].offset, body);
	assert_int_equal(r->recipients[0]->offset, body);
	talloc_free(r);
}

static void test_qp_status_part(void **state)
{
	TALLOC_CTX *mem = *state;
	/* quoted-printable: decoded too, so the same rule */
	static const char in[] =
	        HEAD "--B\nContent-Type: message/delivery-status\n"
	             "Content-Transfer-Encoding: quoted-printable\n\n"
	             "Reporting-MTA: dns; m=\nx\n\n"
	             "Final-Recipient: rfc822; a@b\nAction: bogus\n"
	             "--B--\n";
	struct dsng_report *r;
	size_t body = (size_t)(strstr(in, "Reporting-MTA") - in);

	assert_int_equal(dsng_report_parse(mem, &r, S(in), NULL, NULL),
	                 DSNG_OK);
	assert_string_equal(r->message->reporting_mta->value, "mx");
	assert_int_equal(r->n_problems, 1);
	assert_string_equal(r->problems[0].field, "Action");
	assert_int_equal(r->problems[0].offset, body);
	talloc_free(r);
}

static void test_plain_status_part(void **state)
{
	TALLOC_CTX *mem = *state;
	static const char in[] =
	        HEAD "--B\nContent-Type: message/delivery-status\n\n"
	             "Reporting-MTA: dns; mx\n\n"
	             "Final-Recipient: rfc822; a@b\nAction: failed\n"
	             "Status: 5.1.1\nDiagnostic-Code: smtp; 550 no\n"
	             "such user\n"
	             "\n junk\n"
	             "--B--\n";
	struct dsng_report *r;

	assert_int_equal(dsng_report_parse(mem, &r, S(in), NULL, NULL),
	                 DSNG_OK);
	check_problems("plain", in, sizeof(in) - 1, r);
	has(r, in, "header", "such user");
	has(r, in, "header", " junk");
	assert_int_equal(r->recipients[0]->offset,
	                 (size_t)(strstr(in, "Final-Recipient") - in));
	talloc_free(r);
}

static void test_error_offsets(void **state)
{
	TALLOC_CTX *mem = *state;
	static const char in[] =
	        HEAD "--B\nContent-Type: message/delivery-status\n\n"
	             "Reporting-MTA: dns; mx\nX-A: 1\nX-B: 2\nX-C: 3\n\n"
	             "Final-Recipient: rfc822; a@b\n"
	             "Diagnostic-Code: smtp; 550 the mailbox you sent to\n"
	             "  does not exist here, and we looked twice\n"
	             "--B--\n";
	struct dsng_mime_limits ml = DSNG_MIME_LIMITS_INIT;
	struct dsng_report_limits rl = DSNG_REPORT_LIMITS_INIT;
	struct dsng_error err = DSNG_ERROR_INIT;
	struct dsng_report *r;

	/* the fourth field of the status block breaks max_fields = 3 */
	ml.max_fields = 3;
	rl.mime = &ml;
	assert_int_equal(dsng_report_parse(mem, &r, S(in), &rl, &err),
	                 DSNG_ELIMIT);
	assert_string_equal(err.limit, "max_fields");
	assert_int_equal(err.offset, (size_t)(strstr(in, "X-C") - in));
	/* a folded field too long, at its name */
	ml.max_fields = 100;
	ml.max_field_len = 80;
	assert_int_equal(dsng_report_parse(mem, &r, S(in), &rl, &err),
	                 DSNG_ELIMIT);
	assert_string_equal(err.limit, "max_field_len");
	assert_int_equal(err.offset,
	                 (size_t)(strstr(in, "Diagnostic-Code") - in));
}

static void test_opened_messages(void **state)
{
	TALLOC_CTX *mem = *state;
	/* a message inside a message inside a multipart, then the same
	 * base64-encoded */
	static const char in[] =
	        "Content-Type: multipart/mixed; boundary=q\n\n--q\n"
	        "Content-Type: message/rfc822\n\n"
	        "Subject: outer\nContent-Type: message/rfc822\n\n"
	        "Subject: inner\nno colon here\n\nbody\n"
	        "--q\nContent-Type: message/rfc822\n"
	        "Content-Transfer-Encoding: base64\n\n"
	        /* "Subject: hi\nbroken\n\nbody\n" */
	        "U3ViamVjdDogaGkKYnJva2VuCgpib2R5Cg==\n"
	        "--q--\n";
	struct dsng_mime_message *m, *sub, *sub2;
	size_t b64 = (size_t)(strstr(in, "U3Vi") - in);

	assert_int_equal(dsng_mime_parse(mem, &m, S(in), NULL, NULL), DSNG_OK);
	assert_int_equal(
	        dsng_mime_open_message(mem, &sub, m, m->parts[1], NULL, NULL),
	        DSNG_OK);
	assert_false(sub->decoded);
	assert_int_equal(sub->root->header.fields[0].offset,
	                 (size_t)(strstr(in, "Subject: outer") - in));
	assert_int_equal(sub->root->header.fields[1].offset,
	                 (size_t)(strstr(in, "Content-Type: message/rfc822\n\n"
	                                     "Subject: inner") -
	                          in));
	assert_int_equal(
	        dsng_mime_open_message(mem, &sub2, sub, sub->root, NULL, NULL),
	        DSNG_OK);
	assert_false(sub2->decoded);
	assert_int_equal(sub2->root->header.fields[0].offset,
	                 (size_t)(strstr(in, "Subject: inner") - in));
	assert_int_equal(sub2->n_problems, 1);
	assert_int_equal(sub2->problems[0].offset,
	                 (size_t)(strstr(in, "no colon") - in));
	/* the line without a colon ends the header: the body starts there */
	assert_int_equal(sub2->root->body_offset,
	                 (size_t)(strstr(in, "no colon") - in));
	talloc_free(sub2);
	talloc_free(sub);
	/* decoded: every offset is the encoded body's first byte */
	assert_int_equal(
	        dsng_mime_open_message(mem, &sub, m, m->parts[2], NULL, NULL),
	        DSNG_OK);
	assert_true(sub->decoded);
	assert_int_equal(sub->base_offset, b64);
	assert_int_equal(sub->root->offset, b64);
	assert_int_equal(sub->root->header.fields[0].offset, b64);
	assert_int_equal(sub->root->body_offset, b64);
	assert_int_equal(sub->n_problems, 1);
	assert_int_equal(sub->problems[0].offset, b64);
	assert_memory_equal(sub->root->body.ptr, "broken\n", 7);
	talloc_free(sub);
	talloc_free(m);
}

int main(void)
{
#define T(f)                                                                   \
	cmocka_unit_test_setup_teardown(f, dsng_test_setup_ctx,                \
	                                dsng_test_teardown_ctx)
	const struct CMUnitTest tests[] = {
	        T(test_real_reports),        T(test_every_report),
	        T(test_decoded_status_part), T(test_qp_status_part),
	        T(test_plain_status_part),   T(test_error_offsets),
	        T(test_opened_messages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
