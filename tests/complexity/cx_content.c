/*
 * tests/complexity/cx_content.c - the content parsers' dimensions: MIME
 * header fields and folding, parts (siblings, nesting, boundaries that
 * are prefixes of each other), RFC 2047 words, and the report's
 * recipients, comments and returned headers.  Every limit in the way is
 * raised for the run: the dimension is the work per byte, not the limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cx.h"

struct msg_in {
	struct cx_text t;
	struct dsng_mime_limits ml;
	struct dsng_report_limits rl;
	size_t want; /* what the run must find (fields, parts, recipients) */
};

static struct msg_in *msg_in(struct cx_buf *b, size_t n, size_t want)
{
	struct msg_in *in = talloc_zero(b->mem, struct msg_in);

	if (!in)
		cx_die("out of memory");
	in->t.p = b->p;
	in->t.len = b->len;
	dsng_mime_limits_init(&in->ml, DSNG_MIME_LIMITS_VERSION);
	in->ml.max_depth = (unsigned)(n + 8);
	in->ml.max_parts = (unsigned)(2 * n + 8);
	in->ml.max_fields = (unsigned)(n + 64);
	in->ml.max_field_len = b->len + 1;
	in->ml.max_header_len = b->len + 1;
	in->ml.max_size = b->len + 1;
	dsng_report_limits_init(&in->rl, DSNG_REPORT_LIMITS_VERSION);
	in->rl.mime = &in->ml;
	in->rl.max_recipients = (unsigned)(n + 8);
	in->want = want;
	return in;
}

/* ---- MIME headers ----------------------------------------------------- */

static void *header_fields(TALLOC_CTX *mem, size_t n)
{
	struct cx_buf b;
	size_t i;

	cx_buf_init(&b, mem);
	for (i = 0; i < n; i++)
		cx_printf(&b, "X-Header-%07zu: value %zu\r\n", i, i);
	cx_puts(&b, "\r\nbody\r\n");
	return msg_in(&b, n, n);
}

static int header_run(void *arg)
{
	struct msg_in *in = arg;
	struct dsng_mime_header *h;
	size_t body;
	int ok;

	if (dsng_mime_header_parse(NULL, &h, &body, in->t.p, in->t.len, &in->ml,
	                           NULL))
		return -1;
	ok = h->n_fields == in->want && !dsng_mime_header_find(h, "x-absent");
	talloc_free(h);
	return ok ? 0 : -1;
}

/* One field folded over n lines, unfolded too. */
static void *header_folded(TALLOC_CTX *mem, size_t n)
{
	struct cx_buf b;
	size_t i;

	cx_buf_init(&b, mem);
	cx_puts(&b, "Subject: start");
	for (i = 0; i < n; i++)
		cx_puts(&b, "\r\n\tword (comment) \"quoted\"");
	cx_puts(&b, "\r\n\r\nbody\r\n");
	return msg_in(&b, n, 1);
}

static int folded_run(void *arg)
{
	struct msg_in *in = arg;
	struct dsng_mime_header *h;
	size_t body, len = 0;
	char *u;

	if (dsng_mime_header_parse(NULL, &h, &body, in->t.p, in->t.len, &in->ml,
	                           NULL) ||
	    h->n_fields != 1)
		return -1;
	u = dsng_mime_unfold(h, &len, h->fields[0].value.ptr,
	                     h->fields[0].value.len);
	talloc_free(h);
	return u && len ? 0 : -1;
}

/* ---- MIME parts ------------------------------------------------------- */

static int parts_run(void *arg)
{
	struct msg_in *in = arg;
	struct dsng_mime_message *m;
	int ok;

	if (dsng_mime_parse(NULL, &m, in->t.p, in->t.len, &in->ml, NULL))
		return -1;
	ok = m->n_parts == in->want && !m->truncated;
	talloc_free(m);
	return ok ? 0 : -1;
}

/* n sibling parts of one multipart. */
static void *parts_siblings(TALLOC_CTX *mem, size_t n)
{
	struct cx_buf b;
	size_t i;

	cx_buf_init(&b, mem);
	cx_puts(&b, "From: a@b.example\r\nMIME-Version: 1.0\r\n"
	            "Content-Type: multipart/mixed; boundary=\"sep\"\r\n\r\n");
	for (i = 0; i < n; i++)
		cx_printf(&b,
		          "--sep\r\nContent-Type: text/plain\r\n\r\n"
		          "part %zu\r\n",
		          i);
	cx_puts(&b, "--sep--\r\n");
	return msg_in(&b, n, n + 1);
}

/* n multiparts nested in each other; level k's boundary is "b<k>", so "b1"
 * is a prefix of "b10".."b19", "b100"...: every inner delimiter starts
 * like an outer one. */
static void *parts_nested(TALLOC_CTX *mem, size_t n)
{
	struct cx_buf b;
	size_t i;

	cx_buf_init(&b, mem);
	cx_puts(&b, "From: a@b.example\r\nMIME-Version: 1.0\r\n");
	for (i = 0; i < n; i++)
		cx_printf(&b,
		          "Content-Type: multipart/mixed; boundary=\"b%zu\"\r\n"
		          "\r\n--b%zu\r\n",
		          i, i);
	cx_puts(&b, "Content-Type: text/plain\r\n\r\ninnermost\r\n");
	for (i = n; i-- > 0;)
		cx_printf(&b, "--b%zu--\r\n", i);
	return msg_in(&b, n, n + 1);
}

/* The outer boundary "b" is a prefix of the inner "bb": each of the
 * inner multipart's n delimiters looks like an outer one for three bytes,
 * and every part's body has lines that start like both ("--bbx", "--b-"). */
static void *parts_prefix(TALLOC_CTX *mem, size_t n)
{
	struct cx_buf b;
	size_t i;

	cx_buf_init(&b, mem);
	cx_puts(&b, "From: a@b.example\r\nMIME-Version: 1.0\r\n"
	            "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
	            "--b\r\n"
	            "Content-Type: multipart/mixed; boundary=\"bb\"\r\n\r\n");
	for (i = 0; i < n; i++)
		cx_printf(&b,
		          "--bb\r\nContent-Type: text/plain\r\n\r\n"
		          "--bbx not a delimiter\r\n--b- nor this\r\n--bbb "
		          "%zu\r\n",
		          i);
	cx_puts(&b, "--bb--\r\n--b--\r\n");
	return msg_in(&b, n, n + 2);
}

/* ---- RFC 2047 --------------------------------------------------------- */

static void *words_utf8(TALLOC_CTX *mem, size_t n)
{
	struct cx_buf b;
	size_t i;

	cx_buf_init(&b, mem);
	for (i = 0; i < n; i++)
		cx_puts(&b,
		        i % 2 ? "=?utf-8?q?caf=C3=A9?= " : "=?UTF-8?B?w6k=?= ");
	cx_puts(&b, "end");
	return msg_in(&b, n, 0);
}

static void *words_latin1(TALLOC_CTX *mem, size_t n)
{
	struct cx_buf b;
	size_t i;

	cx_buf_init(&b, mem);
	for (i = 0; i < n; i++)
		cx_puts(&b, i % 2 ? "=?iso-8859-1?q?caf=E9?= plain "
		                  : "=?ISO-8859-1?B?Y2Fm6Q==?=\r\n ");
	cx_puts(&b, "end");
	return msg_in(&b, n, 0);
}

static int words_run(void *arg)
{
	struct msg_in *in = arg;
	char *s = dsng_mime_decode_words(NULL, in->t.p, in->t.len);

	if (!s)
		return -1;
	talloc_free(s);
	return 0;
}

/* Words that open ("=?a?q?") but never close: each would be searched
 * for its "?=" to the end of the value. */
static void *words_unterminated(TALLOC_CTX *mem, size_t n)
{
	struct cx_buf b;
	size_t i;

	cx_buf_init(&b, mem);
	for (i = 0; i < n; i++)
		cx_puts(&b, "=?a?q?x ");
	return msg_in(&b, n, 0);
}

/* A Content-Type with n parameters (n = 8 and 64: the parser keeps at
 * most 64), RFC 2231 sections of one name in reverse order, the others
 * distinct. */
static void *ctype_params(TALLOC_CTX *mem, size_t n)
{
	struct cx_buf b;
	size_t i;

	cx_buf_init(&b, mem);
	cx_puts(&b, "multipart/mixed");
	for (i = 0; i < n; i++) {
		if (i % 2)
			cx_printf(&b, "; name*%zu*=utf-8''part%%20%zu", n - i,
			          i);
		else
			cx_printf(&b, "; p%zu=\"value %zu\"", i, i);
	}
	return msg_in(&b, n, 0);
}

static int ctype_run(void *arg)
{
	struct msg_in *in = arg;
	struct dsng_mime_param *params;
	size_t n;
	char *type;
	TALLOC_CTX *t = talloc_new(NULL);
	int rc = dsng_mime_content_type(t, &type, &params, &n, in->t.p,
	                                in->t.len, NULL);

	talloc_free(t);
	return rc == DSNG_OK ? 0 : -1;
}

/* ---- reports ---------------------------------------------------------- */

static void report_head(struct cx_buf *b)
{
	cx_puts(b, "From: MAILER-DAEMON@mx.example\r\nTo: a@b.example\r\n"
	           "Subject: report\r\nMIME-Version: 1.0\r\n"
	           "Content-Type: multipart/report; "
	           "report-type=delivery-status; boundary=\"RB\"\r\n\r\n"
	           "--RB\r\nContent-Type: text/plain\r\n\r\nA report.\r\n"
	           "--RB\r\nContent-Type: message/delivery-status\r\n\r\n"
	           "Reporting-MTA: dns; mx.example\r\n"
	           "Arrival-Date: Wed, 15 Jul 2020 10:15:30 GMT\r\n");
}

static void *report_recipients(TALLOC_CTX *mem, size_t n)
{
	struct cx_buf b;
	size_t i;

	cx_buf_init(&b, mem);
	report_head(&b);
	for (i = 0; i < n; i++)
		cx_printf(&b,
		          "\r\nFinal-Recipient: rfc822; r%zu@example.net\r\n"
		          "Original-Recipient: rfc822; r%zu@example.net\r\n"
		          "Action: failed\r\nStatus: 5.1.1\r\n"
		          "Diagnostic-Code: smtp; 550 5.1.1 no such user\r\n",
		          i, i);
	cx_puts(&b, "\r\n--RB--\r\n");
	return msg_in(&b, n, n);
}

/* Comments n deep in the fields of one recipient. */
static void *report_nested_comments(TALLOC_CTX *mem, size_t n)
{
	struct cx_buf b;
	size_t i, k;
	static const char *const fields[] = {
	        "Final-Recipient: rfc822; r@example.net", "Action: failed",
	        "Status: 5.1.1", "Remote-MTA: dns; mx.example.net"};

	cx_buf_init(&b, mem);
	report_head(&b);
	cx_puts(&b, "\r\n");
	for (k = 0; k < 4; k++) {
		cx_puts(&b, fields[k]);
		cx_puts(&b, " ");
		for (i = 0; i < n; i++)
			cx_puts(&b, "(\\(");
		for (i = 0; i < n; i++)
			cx_puts(&b, "c)");
		cx_puts(&b, "\r\n");
	}
	cx_puts(&b, "\r\n--RB--\r\n");
	return msg_in(&b, n, 1);
}

/* n comments in a row, folded, in the fields of one recipient. */
static void *report_comment_run(TALLOC_CTX *mem, size_t n)
{
	struct cx_buf b;
	size_t i, k;
	static const char *const fields[] = {
	        "Final-Recipient: rfc822; r@example.net", "Action: failed",
	        "Status: 5.1.1", "Remote-MTA: dns; mx.example.net"};

	cx_buf_init(&b, mem);
	report_head(&b);
	cx_puts(&b, "\r\n");
	for (k = 0; k < 4; k++) {
		cx_puts(&b, fields[k]);
		for (i = 0; i < n; i++)
			cx_puts(&b, i % 16 ? " (c)" : "\r\n (c)");
		cx_puts(&b, "\r\n");
	}
	cx_puts(&b, "\r\n--RB--\r\n");
	return msg_in(&b, n, 1);
}

/* The returned headers: n Received fields and a long encoded Subject. */
static void *report_returned(TALLOC_CTX *mem, size_t n)
{
	struct cx_buf b;
	size_t i;

	cx_buf_init(&b, mem);
	report_head(&b);
	cx_puts(&b, "\r\nFinal-Recipient: rfc822; r@example.net\r\n"
	            "Action: failed\r\nStatus: 5.1.1\r\n\r\n"
	            "--RB\r\nContent-Type: text/rfc822-headers\r\n\r\n");
	for (i = 0; i < n; i++)
		cx_printf(&b,
		          "Received: from h%zu.example (h%zu.example "
		          "[192.0.2.1]) by mx.example; Wed, 15 Jul 2020\r\n",
		          i, i);
	cx_puts(&b, "Subject:");
	for (i = 0; i < n; i++)
		cx_puts(&b, " =?utf-8?q?caf=C3=A9?=");
	cx_puts(&b, "\r\nMessage-ID: <1@a.example>\r\n\r\n--RB--\r\n");
	return msg_in(&b, n, 1);
}

static int report_run(void *arg)
{
	struct msg_in *in = arg;
	struct dsng_report *r;
	int ok;

	if (dsng_report_parse(NULL, &r, in->t.p, in->t.len, &in->rl, NULL))
		return -1;
	ok = r->kind == DSNG_REPORT_DSN && r->n_recipients == in->want;
	talloc_free(r);
	return ok ? 0 : -1;
}

const struct cx_dim cx_content_dims[] = {
        {"mime: header fields", 4000, header_fields, header_run},
        {"mime: one field folded over many lines (parse + unfold)", 4000,
         header_folded, folded_run},
        {"mime: sibling parts", 8000, parts_siblings, parts_run},
        {"mime: nested multiparts (boundaries b1, b10, b100...)", 100,
         parts_nested, parts_run},
        {"mime: boundary a prefix of the inner one, near-miss lines", 8000,
         parts_prefix, parts_run},
        {"mime: RFC 2047 words (utf-8, q and b)", 2000, words_utf8, words_run},
        {"mime: RFC 2047 words (iso-8859-1 through iconv)", 1000, words_latin1,
         words_run},
        {"mime: RFC 2047 words that never close", 1000, words_unterminated,
         words_run},
        {"mime: Content-Type parameters (8 vs 64, the parser's cap)", 8,
         ctype_params, ctype_run},
        {"report: recipients (limit raised)", 4000, report_recipients,
         report_run},
        {"report: nested comments in recipient fields", 2000,
         report_nested_comments, report_run},
        {"report: comments in a row in recipient fields", 2000,
         report_comment_run, report_run},
        {"report: returned headers (Received fields, encoded Subject)", 1000,
         report_returned, report_run},
        {NULL, 0, NULL, NULL},
};
