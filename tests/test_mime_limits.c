/*
 * tests/test_mime_limits.c - the MIME reader against RFC 5322 (header
 * fields, folding), RFC 2045 (Content-Type, transfer encodings), RFC
 * 2046 (multipart delimiters, digests), RFC 2047 (encoded words), RFC
 * 2231 (parameter continuations and charsets), and every limit of struct
 * dsng_mime_limits with the error (kind, err->limit) it gives.
 */
#include <limits.h>
#include <stdio.h>

#include "dsng_test.h"

#define S(x) x, sizeof(x) - 1

static struct dsng_mime_header *header(TALLOC_CTX *mem, const char *in,
                                       size_t len, size_t *body)
{
	struct dsng_mime_header *h;
	struct dsng_error err = DSNG_ERROR_INIT;
	const char *g = dsng_test_guard(in, len);
	int rc = dsng_mime_header_parse(mem, &h, body, g, len, NULL, &err);

	if (rc)
		fail_msg("%s", err.message);
	/* spans point into the guarded copy: move them to the caller's */
	{
		size_t i;
		for (i = 0; i < h->n_fields; i++) {
			h->fields[i].name.ptr =
			        in + (h->fields[i].name.ptr - g);
			h->fields[i].value.ptr =
			        in + (h->fields[i].value.ptr - g);
		}
	}
	dsng_test_guard_free(g);
	return h;
}

static void span_is(struct dsng_span s, const char *want)
{
	assert_int_equal(s.len, strlen(want));
	assert_memory_equal(s.ptr, want, s.len);
}

/* ---- header fields ---- */

static void test_fields_and_folding(void **state)
{
	TALLOC_CTX *mem = *state;
	/* RFC 5322 2.2.3: a field folded before any WSP, with SP or HTAB;
	 * 4.5.3: blanks before the colon (obsolete) */
	static const char in[] = "Subject: This\r\n is a test\r\n"
	                         "X-Tab:\r\n\tfolded\t \r\n"
	                         "Comments : obsolete form\r\n"
	                         "Empty:\r\n"
	                         "\r\n"
	                         "body: not a field\r\n";
	size_t body = 0;
	struct dsng_mime_header *h = header(mem, S(in), &body);
	char *v;

	assert_int_equal(h->n_fields, 4);
	assert_int_equal(body, strstr(in, "body:") - in);
	assert_int_equal(h->offset, 0);
	assert_int_equal(h->len, body);
	span_is(h->fields[0].name, "Subject");
	/* values stay folded: a span from after the colon */
	span_is(h->fields[0].value, " This\r\n is a test");
	v = dsng_mime_unfold(mem, NULL, h->fields[0].value.ptr,
	                     h->fields[0].value.len);
	assert_string_equal(v, "This is a test");
	span_is(h->fields[1].name, "X-Tab");
	v = dsng_mime_unfold(mem, NULL, h->fields[1].value.ptr,
	                     h->fields[1].value.len);
	assert_string_equal(v, "folded");
	span_is(h->fields[2].name, "Comments");
	assert_int_equal(h->fields[2].offset, strstr(in, "Comments") - in);
	span_is(h->fields[3].value, "");
	/* lookup: any case, exact name, the first of several */
	assert_ptr_equal(dsng_mime_header_find(h, "subject"), &h->fields[0]);
	assert_ptr_equal(dsng_mime_header_find(h, "COMMENTS"), &h->fields[2]);
	assert_null(dsng_mime_header_find(h, "Subjec"));
	assert_null(dsng_mime_header_find(h, "Subjects"));
	assert_null(dsng_mime_header_find(h, "Tab"));
	assert_null(dsng_mime_header_find(h, ""));
	assert_null(dsng_mime_header_find(h, NULL));
	assert_null(dsng_mime_header_find(NULL, "Subject"));
	talloc_free(h);

	/* duplicates are kept in order; the first one is found */
	h = header(mem, S("A: 1\nB: 2\na: 3\n\n"), &body);
	assert_int_equal(h->n_fields, 3);
	span_is(dsng_mime_header_find(h, "A")->value, " 1");
	talloc_free(h);
}

/* What ends a header block besides the blank line. */
static void test_header_ends(void **state)
{
	TALLOC_CTX *mem = *state;
	size_t body = 99;
	struct dsng_mime_header *h;

	/* a continuation line with no field before it: not a header */
	h = header(mem, S(" folded: nothing\nA: b\n\n"), &body);
	assert_int_equal(h->n_fields, 0);
	assert_int_equal(body, 0);
	talloc_free(h);
	/* a line without a colon ends the block where it starts */
	h = header(mem, S("A: b\nnot a field\nC: d\n"), &body);
	assert_int_equal(h->n_fields, 1);
	assert_int_equal(body, 5);
	talloc_free(h);
	/* a name needs a character; a colon alone is no field */
	h = header(mem, S(": x\n"), &body);
	assert_int_equal(h->n_fields, 0);
	talloc_free(h);
	/* end of input without a blank line, no final line end */
	h = header(mem, S("A: b\r\nC: d"), &body);
	assert_int_equal(h->n_fields, 2);
	assert_int_equal(body, 10);
	span_is(h->fields[1].value, " d");
	talloc_free(h);
	/* empty input: no fields */
	h = header(mem, "", 0, &body);
	assert_int_equal(h->n_fields, 0);
	assert_int_equal(body, 0);
	talloc_free(h);
}

static void test_unfold(void **state)
{
	TALLOC_CTX *mem = *state;
	size_t n = 99;
	char *v;

	v = dsng_mime_unfold(mem, &n, S(" a\r\n\tb \r\n c\r\n"));
	/* CRLF removed, the WSP after it kept; ends trimmed */
	assert_string_equal(v, "a\tb  c");
	assert_int_equal(n, 6);
	/* a line break without WSP after it (a broken fold) is a space */
	v = dsng_mime_unfold(mem, &n, S("a\nb\r\nc"));
	assert_string_equal(v, "a b c");
	v = dsng_mime_unfold(mem, &n, S(" \t\r\n "));
	assert_string_equal(v, "");
	assert_int_equal(n, 0);
	v = dsng_mime_unfold(mem, NULL, "", 0);
	assert_string_equal(v, "");
	/* bytes are bytes: a NUL is copied */
	v = dsng_mime_unfold(mem, &n, S("a\0b"));
	assert_int_equal(n, 3);
	assert_memory_equal(v, "a\0b", 4);
}

static void test_header_limits(void **state)
{
	TALLOC_CTX *mem = *state;
	struct dsng_mime_limits lim = DSNG_MIME_LIMITS_INIT;
	struct dsng_mime_header *h = (void *)1;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t blocks = talloc_total_blocks(mem);
	/* 3 fields; the second 14 bytes with its fold ("B: 123\r\n 45678") */
	static const char in[] = "A: 1\r\nB: 123\r\n 45678\r\nC: 3\r\n\r\n";

	lim.max_fields = 3;
	lim.max_field_len = 14;
	assert_int_equal(
	        dsng_mime_header_parse(mem, &h, NULL, S(in), &lim, &err), 0);
	assert_int_equal(h->n_fields, 3);
	talloc_free(h);
	/* one field too many */
	lim.max_fields = 2;
	assert_int_equal(
	        dsng_mime_header_parse(mem, &h, NULL, S(in), &lim, &err),
	        DSNG_ELIMIT);
	assert_null(h);
	assert_int_equal(err.rc, DSNG_ELIMIT);
	assert_int_equal(err.kind, DSNG_ERR_FIELD_LIMIT);
	assert_string_equal(err.limit, "max_fields");
	/* the fold counts towards the field's length */
	lim.max_fields = 3;
	lim.max_field_len = 13;
	assert_int_equal(
	        dsng_mime_header_parse(mem, &h, NULL, S(in), &lim, &err),
	        DSNG_ELIMIT);
	assert_int_equal(err.kind, DSNG_ERR_HEADER_LIMIT);
	assert_string_equal(err.limit, "max_field_len");
	/* a single line over the limit */
	lim.max_field_len = 3;
	assert_int_equal(
	        dsng_mime_header_parse(mem, &h, NULL, S(in), &lim, &err),
	        DSNG_ELIMIT);
	assert_string_equal(err.limit, "max_field_len");
	/* the whole block, blank line included */
	lim.max_field_len = 8192;
	lim.max_header_len = sizeof(in) - 1;
	assert_int_equal(
	        dsng_mime_header_parse(mem, &h, NULL, S(in), &lim, &err), 0);
	talloc_free(h);
	lim.max_header_len = sizeof(in) - 2;
	assert_int_equal(
	        dsng_mime_header_parse(mem, &h, NULL, S(in), &lim, &err),
	        DSNG_ELIMIT);
	assert_int_equal(err.kind, DSNG_ERR_HEADER_LIMIT);
	assert_string_equal(err.limit, "max_header_len");
	/* in a whole message, and in a lenient report block */
	lim.max_header_len = 8192;
	lim.max_field_len = 13;
	{
		struct dsng_mime_message *m = (void *)1;
		assert_int_equal(dsng_mime_parse(mem, &m, S(in), &lim, &err),
		                 DSNG_ELIMIT);
		assert_null(m);
		assert_string_equal(err.limit, "max_field_len");
	}
	{
		static const char rep[] =
		        "Content-Type: multipart/report; boundary=b\n\n--b\n"
		        "Content-Type: message/delivery-status\n\n"
		        "Reporting-MTA: dns;\nmx.example.org.and.more\n"
		        "--b--\n";
		struct dsng_report_limits rl = DSNG_REPORT_LIMITS_INIT;
		struct dsng_report *r = (void *)1;

		/* 42: the longest line of the message headers */
		lim.max_field_len = 42;
		rl.mime = &lim;
		/* the continuation without indent counts too (43) */
		assert_int_equal(dsng_report_parse(mem, &r, S(rep), &rl, &err),
		                 DSNG_ELIMIT);
		assert_null(r);
		assert_string_equal(err.limit, "max_field_len");
		lim.max_field_len = 60;
		assert_int_equal(dsng_report_parse(mem, &r, S(rep), &rl, &err),
		                 0);
		assert_string_equal(r->message->reporting_mta->value,
		                    "mx.example.org.and.more");
		talloc_free(r);
	}
	/* arguments and versions */
	assert_int_equal(
	        dsng_mime_header_parse(mem, NULL, NULL, S(in), NULL, &err),
	        DSNG_EINVAL);
	assert_int_equal(
	        dsng_mime_header_parse(mem, &h, NULL, NULL, 3, NULL, &err),
	        DSNG_EINVAL);
	lim.version = 0;
	assert_int_equal(
	        dsng_mime_header_parse(mem, &h, NULL, S(in), &lim, &err),
	        DSNG_EINVAL);
	assert_int_equal(err.kind, DSNG_ERR_INVALID_ARGUMENT);
	assert_int_equal(talloc_total_blocks(mem), blocks);
}

/* ---- Content-Type and Content-Transfer-Encoding ---- */

struct ct_case {
	const char *in;
	const char *type; /* NULL: malformed */
	size_t n;
	const char *name[3], *value[3];
};

static void check_ct(TALLOC_CTX *mem, const struct ct_case *c, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		char *type;
		struct dsng_mime_param *params;
		size_t np;
		struct dsng_error err = DSNG_ERROR_INIT;
		const char *g = dsng_test_guard(c[i].in, strlen(c[i].in));

		assert_int_equal(dsng_mime_content_type(mem, &type, &params,
		                                        &np, g, strlen(c[i].in),
		                                        &err),
		                 0);
		dsng_test_guard_free(g);
		if (c[i].type)
			assert_string_equal(type, c[i].type);
		else
			assert_null(type);
		if (np != c[i].n)
			fail_msg("'%s': %zu parameters, want %zu", c[i].in, np,
			         c[i].n);
		for (j = 0; j < np && j < 3; j++) {
			assert_string_equal(params[j].name, c[i].name[j]);
			assert_string_equal(params[j].value, c[i].value[j]);
		}
		talloc_free(type);
		talloc_free(params);
	}
}

static void test_content_type(void **state)
{
	static const struct ct_case c[] = {
	        /* RFC 2045 5.1: these two are the same */
	        {"text/plain; charset=us-ascii (Plain text)",
	         "text/plain",
	         1,
	         {"charset"},
	         {"us-ascii"}},
	        {"text/plain; charset=\"us-ascii\"",
	         "text/plain",
	         1,
	         {"charset"},
	         {"us-ascii"}},
	        /* case: type and names folded, values kept */
	        {"Multipart/Report; Report-Type=Delivery-Status; "
	         "Boundary=\"AbC\"",
	         "multipart/report",
	         2,
	         {"report-type", "boundary"},
	         {"Delivery-Status", "AbC"}},
	        /* comments and folding anywhere */
	        {" (c) text/html (c) ;\r\n\t(c) charset (c) = (c) utf-8 (c)",
	         "text/html",
	         1,
	         {"charset"},
	         {"utf-8"}},
	        /* quoted pairs */
	        {"a/b; x=\"q\\\"uo\\\\te\"; y=\"semi;colon\"",
	         "a/b",
	         2,
	         {"x", "y"},
	         {"q\"uo\\te", "semi;colon"}},
	        /* malformed types: no parameters lost */
	        {"text; charset=x", NULL, 1, {"charset"}, {"x"}},
	        {"/plain", NULL, 0, {NULL}, {NULL}},
	        {"text/", NULL, 0, {NULL}, {NULL}},
	        {"", NULL, 0, {NULL}, {NULL}},
	        /* junk, parameters without a value or a name */
	        {"text/plain junk; a; =b; c=1; d = ; e=\"unterminated",
	         "text/plain",
	         3,
	         {"c", "d", "e"},
	         {"1", "", "unterminated"}},
	        /* RFC 2231 3: continuations */
	        {"message/external-body; access-type=URL;\r\n"
	         " URL*0=\"ftp://\";\r\n"
	         " URL*1=\"cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar\"",
	         "message/external-body",
	         2,
	         {"access-type", "url"},
	         {"URL", "ftp://cs.utk.edu/pub/moore/bulk-mailer/"
	                 "bulk-mailer.tar"}},
	        /* RFC 2231 4: charset and language, %XX */
	        {"application/x-stuff;\r\n"
	         " title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A",
	         "application/x-stuff",
	         1,
	         {"title"},
	         {"This is ***fun***"}},
	        /* RFC 2231 4.1: both, mixed with a plain section */
	        {"application/x-stuff;\r\n"
	         " title*0*=us-ascii'en'This%20is%20even%20more%20;\r\n"
	         " title*1*=%2A%2A%2Afun%2A%2A%2A%20;\r\n"
	         " title*2=\"isn't it!\"",
	         "application/x-stuff",
	         1,
	         {"title"},
	         {"This is even more ***fun*** isn't it!"}},
	        /* sections in any order, up to the first gap; a plain value
	         * of the same name is not used then */
	        {"a/b; t*1=B; t=plain; t*0=A; t*3=D", "a/b", 1, {"t"}, {"AB"}},
	        /* a malformed %XX stays as written; no charset'lang' */
	        {"a/b; t*=a%zz%4", "a/b", 1, {"t"}, {"a%zz%4"}},
	        {"a/b; t*=utf-8'x", "a/b", 1, {"t"}, {"utf-8'x"}},
	        /* %XX only in extended values */
	        {"a/b; t=%41", "a/b", 1, {"t"}, {"%41"}},
	        /* not a section number: the name before the '*' */
	        {"a/b; t*x=1", "a/b", 1, {"t"}, {"1"}},
	        {"a/b; t*1000=1", "a/b", 1, {"t"}, {"1"}},
	        {"a/b; *0=1; *=2", "a/b", 0, {NULL}, {NULL}},
	};

	check_ct(*state, c, sizeof(c) / sizeof(c[0]));
}

static void test_content_type_bounds(void **state)
{
	TALLOC_CTX *mem = *state;
	char *in = talloc_strdup(mem, "a/b");
	char *type = (void *)1;
	struct dsng_mime_param *params = (void *)1;
	size_t n = 9, i;
	struct dsng_error err = DSNG_ERROR_INIT;

	/* more parameters than are read (64): the rest ignored */
	for (i = 0; i < 100; i++)
		in = talloc_asprintf_append(in, "; p%zu=%zu", i, i);
	assert_int_equal(dsng_mime_content_type(mem, &type, &params, &n, in,
	                                        strlen(in), &err),
	                 0);
	assert_int_equal(n, 64);
	assert_string_equal(params[63].name, "p63");
	talloc_free(type);
	talloc_free(params);
	/* arguments */
	assert_int_equal(
	        dsng_mime_content_type(mem, NULL, &params, &n, S("a/b"), &err),
	        DSNG_EINVAL);
	assert_null(params);
	assert_int_equal(n, 0);
	assert_int_equal(
	        dsng_mime_content_type(mem, &type, NULL, &n, S("a/b"), &err),
	        DSNG_EINVAL);
	assert_null(type);
	assert_int_equal(dsng_mime_content_type(mem, &type, &params, NULL,
	                                        S("a/b"), &err),
	                 DSNG_EINVAL);
	assert_int_equal(
	        dsng_mime_content_type(mem, &type, &params, &n, NULL, 2, &err),
	        DSNG_EINVAL);
	assert_int_equal(err.kind, DSNG_ERR_INVALID_ARGUMENT);
	assert_int_equal(
	        dsng_mime_content_type(mem, &type, &params, &n, NULL, 0, &err),
	        0);
	assert_null(type);
	assert_int_equal(n, 0);
	/* a part's parameter by name */
	assert_null(dsng_mime_part_param(NULL, "x"));
	talloc_free(in);
}

static void test_transfer_encodings(void **state)
{
	TALLOC_CTX *mem = *state;
	static const struct {
		const char *value;
		enum dsng_mime_cte cte;
	} c[] = {
	        {"7bit", DSNG_MIME_CTE_7BIT},
	        {"8BIT", DSNG_MIME_CTE_8BIT},
	        {"Binary", DSNG_MIME_CTE_BINARY},
	        {" base64 (RFC 2045 6.8)", DSNG_MIME_CTE_BASE64},
	        {"Quoted-Printable", DSNG_MIME_CTE_QP},
	        {"x-uuencode", DSNG_MIME_CTE_UNKNOWN},
	        {"base65", DSNG_MIME_CTE_UNKNOWN},
	        {"", DSNG_MIME_CTE_UNKNOWN},
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char *in = talloc_asprintf(mem,
		                           "Content-Type: text/plain\n"
		                           "Content-Transfer-Encoding: %s\n\nx",
		                           c[i].value);
		struct dsng_mime_message *m;
		size_t p;
		int saw = 0;

		assert_int_equal(
		        dsng_mime_parse(mem, &m, in, strlen(in), NULL, NULL),
		        0);
		assert_int_equal(m->root->cte, c[i].cte);
		for (p = 0; p < m->n_problems; p++)
			saw |= strcmp(m->problems[p].field,
			              "Content-Transfer-Encoding") == 0;
		/* an unknown encoding is a problem; the body is left as is */
		assert_int_equal(saw, c[i].cte == DSNG_MIME_CTE_UNKNOWN);
		talloc_free(m);
		talloc_free(in);
	}
}

/* ---- multipart ---- */

static struct dsng_mime_message *msg(TALLOC_CTX *mem, const char *in,
                                     size_t len,
                                     const struct dsng_mime_limits *lim)
{
	struct dsng_mime_message *m;
	struct dsng_error err = DSNG_ERROR_INIT;
	const char *g = dsng_test_guard(in, len);
	char *copy;

	if (dsng_mime_parse(mem, &m, g, len, lim, &err))
		fail_msg("%s", err.message);
	talloc_free(m);
	dsng_test_guard_free(g);
	/* again from a copy that lives with the tree */
	copy = talloc_memdup(mem, in, len);
	assert_int_equal(dsng_mime_parse(mem, &m, copy, len, lim, &err), 0);
	talloc_steal(m, copy);
	return m;
}

static size_t count_problems(const struct dsng_mime_message *m,
                             const char *field, const char *what)
{
	size_t i, n = 0;

	for (i = 0; i < m->n_problems; i++)
		if (strcmp(m->problems[i].field, field) == 0 &&
		    strstr(m->problems[i].message, what))
			n++;
	return n;
}

static void test_multipart_delimiters(void **state)
{
	TALLOC_CTX *mem = *state;
	/* RFC 2046 5.1.1: the CRLF before a delimiter is the delimiter's;
	 * transport padding may follow it; "--b" followed by more is not
	 * a delimiter of "b"; preamble and epilogue are not parts */
	static const char in[] = "Content-Type: multipart/mixed; boundary=b\r\n"
	                         "\r\n"
	                         "preamble\r\n"
	                         "--b \t\r\n"
	                         "\r\n"
	                         "one\r\n"
	                         "--bx\r\n"
	                         "still one\r\n"
	                         "--b\r\n"
	                         "Content-Type: text/html\r\n"
	                         "\r\n"
	                         "<p>two</p>\r\n"
	                         "\r\n"
	                         "--b--  \r\n"
	                         "epilogue\r\n";
	struct dsng_mime_message *m = msg(mem, S(in), NULL);

	assert_int_equal(m->n_parts, 3);
	assert_false(m->truncated);
	assert_int_equal(m->root->n_children, 2);
	assert_string_equal(m->parts[1]->type, "text/plain");
	span_is(m->parts[1]->body, "one\r\n--bx\r\nstill one");
	assert_string_equal(m->parts[2]->type, "text/html");
	/* the blank line before the delimiter is body */
	span_is(m->parts[2]->body, "<p>two</p>\r\n");
	assert_ptr_equal(m->parts[1]->next, m->parts[2]);
	assert_ptr_equal(m->root->first_child, m->parts[1]);
	assert_int_equal(m->parts[2]->index, 2);
	assert_int_equal(m->parts[2]->depth, 1);
	assert_int_equal(m->n_problems, 0);
	talloc_free(m);
}

static void test_multipart_kinds(void **state)
{
	TALLOC_CTX *mem = *state;
	/* RFC 2046 5.1.5: in a digest the default type is message/rfc822 */
	static const char digest[] =
	        "Content-Type: multipart/digest; boundary=d\n\n"
	        "--d\n\nSubject: first\n\n1\n"
	        "--d\nContent-Type: text/plain\n\n2\n"
	        "--d--\n";
	/* a multipart without a boundary is one part; a malformed type is
	 * text/plain; an inner multipart never closed is truncated when
	 * the outer delimiter comes */
	static const char odd[] =
	        "Content-Type: multipart/mixed; boundary=o\n\n"
	        "--o\nContent-Type: multipart/alternative\n\nno boundary\n"
	        "--o\nContent-Type: nonsense\n\nx\n"
	        "--o\nContent-Type: multipart/related; boundary=i\n\n"
	        "--i\n\ninner\n"
	        "--o--\n";
	struct dsng_mime_message *m = msg(mem, S(digest), NULL);

	assert_int_equal(m->n_parts, 3);
	assert_string_equal(m->parts[1]->type, "message/rfc822");
	assert_string_equal(m->parts[2]->type, "text/plain");
	talloc_free(m);

	m = msg(mem, S(odd), NULL);
	assert_int_equal(m->n_parts, 5);
	assert_string_equal(m->parts[1]->type, "multipart/alternative");
	assert_null(m->parts[1]->boundary);
	assert_int_equal(m->parts[1]->n_children, 0);
	assert_int_equal(count_problems(m, "boundary", "without a boundary"),
	                 1);
	assert_string_equal(m->parts[2]->type, "text/plain");
	assert_int_equal(count_problems(m, "Content-Type", "malformed"), 1);
	assert_true(m->parts[3]->truncated);
	assert_false(m->root->truncated);
	assert_true(m->truncated);
	span_is(m->parts[4]->body, "inner");
	assert_int_equal(
	        count_problems(m, "boundary", "without its close delimiter"),
	        1);
	talloc_free(m);
}

/* A message nested `levels` multiparts deep. */
static char *nested(TALLOC_CTX *mem, unsigned levels)
{
	char *s = talloc_strdup(mem, "");
	unsigned i;

	for (i = 0; i < levels; i++)
		s = talloc_asprintf_append(s,
		                           "Content-Type: multipart/mixed; "
		                           "boundary=b%u\n\n--b%u\n",
		                           i, i);
	s = talloc_asprintf_append(s, "Content-Type: text/plain\n\nleaf\n");
	for (i = levels; i-- > 0;)
		s = talloc_asprintf_append(s, "--b%u--\n", i);
	assert_non_null(s);
	return s;
}

static void test_message_limits(void **state)
{
	TALLOC_CTX *mem = *state;
	struct dsng_mime_limits lim = DSNG_MIME_LIMITS_INIT;
	struct dsng_mime_message *m = (void *)1;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t blocks = talloc_total_blocks(mem);
	char *in;

	/* depth: the default 20 levels of nesting, not 21 */
	in = nested(mem, 20);
	m = msg(mem, in, strlen(in), NULL);
	assert_int_equal(m->n_parts, 21);
	assert_int_equal(m->parts[20]->depth, 20);
	assert_false(m->truncated);
	talloc_free(m);
	talloc_free(in);
	in = nested(mem, 21);
	assert_int_equal(dsng_mime_parse(mem, &m, in, strlen(in), NULL, &err),
	                 DSNG_ELIMIT);
	assert_null(m);
	assert_int_equal(err.kind, DSNG_ERR_DEPTH_LIMIT);
	assert_string_equal(err.limit, "max_depth");
	/* any depth limit, even the largest, is honoured and safe */
	lim.max_depth = UINT_MAX;
	m = msg(mem, in, strlen(in), &lim);
	assert_int_equal(m->n_parts, 22);
	talloc_free(m);
	lim.max_depth = 2;
	assert_int_equal(dsng_mime_parse(mem, &m, in, strlen(in), &lim, &err),
	                 DSNG_ELIMIT);
	assert_string_equal(err.limit, "max_depth");
	talloc_free(in);
	lim.max_depth = 20;

	/* parts */
	in = nested(mem, 3);
	lim.max_parts = 4;
	m = msg(mem, in, strlen(in), &lim);
	talloc_free(m);
	lim.max_parts = 3;
	assert_int_equal(dsng_mime_parse(mem, &m, in, strlen(in), &lim, &err),
	                 DSNG_ELIMIT);
	assert_int_equal(err.kind, DSNG_ERR_PART_LIMIT);
	assert_string_equal(err.limit, "max_parts");
	lim.max_parts = 100;

	/* the whole input */
	lim.max_size = strlen(in);
	m = msg(mem, in, strlen(in), &lim);
	talloc_free(m);
	lim.max_size = strlen(in) - 1;
	assert_int_equal(dsng_mime_parse(mem, &m, in, strlen(in), &lim, &err),
	                 DSNG_ELIMIT);
	assert_int_equal(err.kind, DSNG_ERR_SIZE_LIMIT);
	assert_string_equal(err.limit, "max_size");
	lim.max_size = 32u << 20;
	talloc_free(in);

	/* the boundary parameter: RFC 2046 allows 70, the default 256 */
	in = talloc_asprintf(mem,
	                     "Content-Type: multipart/mixed; boundary=%0256d\n"
	                     "\n--%0256d\n\nx\n--%0256d--\n",
	                     0, 0, 0);
	m = msg(mem, in, strlen(in), NULL);
	assert_int_equal(m->n_parts, 2);
	talloc_free(m);
	lim.max_boundary_len = 255;
	assert_int_equal(dsng_mime_parse(mem, &m, in, strlen(in), &lim, &err),
	                 DSNG_ELIMIT);
	assert_int_equal(err.kind, DSNG_ERR_HEADER_LIMIT);
	assert_string_equal(err.limit, "max_boundary_len");
	talloc_free(in);

	/* limits of an unknown version */
	lim.version = DSNG_MIME_LIMITS_VERSION + 1;
	assert_int_equal(dsng_mime_parse(mem, &m, S("A: b\n\n"), &lim, &err),
	                 DSNG_EINVAL);
	assert_int_equal(err.kind, DSNG_ERR_INVALID_ARGUMENT);
	assert_int_equal(talloc_total_blocks(mem), blocks);
}

static void test_not_mail_and_mbox(void **state)
{
	TALLOC_CTX *mem = *state;
	struct dsng_mime_message *m = (void *)1;
	struct dsng_error err = DSNG_ERROR_INIT;
	static const char mbox[] = "From a@b Thu Jan  1 00:00:00 1970\n"
	                           "Subject: one\n\n"
	                           "body\nFrom me, with love\n\n"
	                           "From c@d Thu Jan  1 00:00:01 1970\n"
	                           "Subject: two\n\nbody\r\n\r\n"
	                           "From e@f Thu Jan  1 00:00:02 1970\n"
	                           "Subject: three\n";
	struct dsng_span s;
	size_t pos = 0;

	assert_int_equal(dsng_mime_parse(mem, &m, S("just text\n"), NULL, &err),
	                 DSNG_ESYNTAX);
	assert_int_equal(err.kind, DSNG_ERR_NOT_MAIL);
	assert_null(m);
	assert_int_equal(
	        dsng_mime_parse(mem, &m, S("\nSubject: x\n"), NULL, &err),
	        DSNG_ESYNTAX);
	assert_int_equal(dsng_mime_parse(mem, NULL, S("A: b\n"), NULL, &err),
	                 DSNG_EINVAL);
	assert_int_equal(dsng_mime_parse(mem, &m, NULL, 1, NULL, &err),
	                 DSNG_EINVAL);
	/* an mbox "From " line is skipped */
	m = msg(mem, S(mbox), NULL);
	span_is(dsng_mime_header_find(&m->root->header, "Subject")->value,
	        " one");
	assert_int_equal(m->root->offset, 34);
	talloc_free(m);
	assert_int_equal(dsng_mime_parse(mem, &m, S("From x\n"), NULL, &err),
	                 DSNG_ESYNTAX);
	assert_int_equal(dsng_mime_parse(mem, &m, S("From x"), NULL, &err),
	                 DSNG_ESYNTAX);
	/* the messages of an mbox: a "From " line after a blank line
	 * starts one, anywhere else it is text */
	assert_true(dsng_mime_mbox_next(&s, &pos, S(mbox)));
	assert_memory_equal(s.ptr, "Subject: one\n", 13);
	assert_true(s.len > 30);
	assert_memory_equal(s.ptr + 19, "From me", 7);
	assert_true(dsng_mime_mbox_next(&s, &pos, S(mbox)));
	assert_memory_equal(s.ptr, "Subject: two\n", 13);
	assert_true(dsng_mime_mbox_next(&s, &pos, S(mbox)));
	span_is(s, "Subject: three\n");
	assert_false(dsng_mime_mbox_next(&s, &pos, S(mbox)));
	/* not an mbox: one message */
	pos = 0;
	assert_true(dsng_mime_mbox_next(&s, &pos, S("A: b\n\nFrom x\n")));
	span_is(s, "A: b\n\nFrom x\n");
	assert_false(dsng_mime_mbox_next(&s, &pos, S("A: b\n\nFrom x\n")));
	pos = 0;
	assert_false(dsng_mime_mbox_next(&s, &pos, NULL, 0));
	assert_false(dsng_mime_mbox_next(&s, &pos, "", 0));
}

/* ---- bodies ---- */

static void test_decoding(void **state)
{
	TALLOC_CTX *mem = *state;
	static const char in[] =
	        "Content-Type: multipart/mixed; boundary=z\n\n"
	        "--z\nContent-Transfer-Encoding: base64\n\n"
	        "SGVs bG8s\nIHdv*cmxk\nIQ==\n"
	        "--z\nContent-Transfer-Encoding: quoted-printable\n\n"
	        "a=3Db=\r\nc=ZZ d=\n=41\n"
	        "--z\nContent-Type: message/rfc822\n"
	        "Content-Transfer-Encoding: base64\n\n"
	        "U3ViamVjdDogaW5uZXIKQ29udGVudC1UeXBlOiB0ZXh0L3BsYWluCgpo\n"
	        "aQo=\n"
	        "--z\nContent-Type: message/rfc822\n\nSubject: plain\n\nb\n"
	        "--z--\n";
	struct dsng_mime_message *m = msg(mem, S(in), NULL), *inner;
	struct dsng_mime_limits lim = DSNG_MIME_LIMITS_INIT;
	struct dsng_error err = DSNG_ERROR_INIT;
	const char *out;
	size_t n;

	/* base64: characters outside the alphabet skipped */
	assert_int_equal(
	        dsng_mime_part_decode(mem, &out, &n, m->parts[1], NULL, &err),
	        0);
	assert_int_equal(n, 13);
	assert_memory_equal(out, "Hello, world!", 13);
	/* RFC 2045 6.7: soft breaks removed, a malformed escape kept */
	assert_int_equal(
	        dsng_mime_part_decode(mem, &out, &n, m->parts[2], NULL, &err),
	        0);
	assert_int_equal(n, strlen("a=bc=ZZ dA"));
	assert_memory_equal(out, "a=bc=ZZ dA", n);
	/* max_decoded: the worst case counts, before decoding */
	lim.max_decoded = 3;
	assert_int_equal(
	        dsng_mime_part_decode(mem, &out, &n, m->parts[2], &lim, &err),
	        DSNG_ELIMIT);
	assert_int_equal(err.kind, DSNG_ERR_SIZE_LIMIT);
	assert_string_equal(err.limit, "max_decoded");
	/* an encoded message/rfc822, opened: offsets from its body, depth
	 * from the part */
	assert_int_equal(
	        dsng_mime_open_message(mem, &inner, m, m->parts[3], NULL, &err),
	        0);
	span_is(dsng_mime_header_find(&inner->root->header, "Subject")->value,
	        " inner");
	assert_int_equal(inner->root->depth, 2);
	assert_int_equal(inner->base_offset, m->parts[3]->body_offset);
	span_is(inner->root->body, "hi\n");
	talloc_free(inner);
	assert_int_equal(
	        dsng_mime_open_message(mem, &inner, m, m->parts[3], &lim, &err),
	        DSNG_ELIMIT);
	assert_null(inner);
	/* not encoded: the tree points into the original input */
	assert_int_equal(
	        dsng_mime_open_message(mem, &inner, m, m->parts[4], NULL, &err),
	        0);
	assert_ptr_equal(inner->buf, m->parts[4]->body.ptr);
	assert_int_equal(inner->root->offset, m->parts[4]->body_offset);
	talloc_free(inner);
	/* borrowed for 7bit */
	assert_int_equal(
	        dsng_mime_part_decode(mem, &out, &n, m->parts[4], NULL, &err),
	        0);
	assert_ptr_equal(out, m->parts[4]->body.ptr);
	/* arguments */
	assert_int_equal(
	        dsng_mime_part_decode(mem, NULL, &n, m->parts[1], NULL, &err),
	        DSNG_EINVAL);
	assert_int_equal(dsng_mime_part_decode(mem, &out, &n, NULL, NULL, &err),
	                 DSNG_EINVAL);
	assert_int_equal(
	        dsng_mime_part_decode(mem, &out, NULL, m->parts[1], NULL, &err),
	        DSNG_EINVAL);
	lim.version = 0;
	assert_int_equal(
	        dsng_mime_part_decode(mem, &out, &n, m->parts[1], &lim, &err),
	        DSNG_EINVAL);
	assert_int_equal(
	        dsng_mime_open_message(mem, &inner, m, m->parts[3], &lim, &err),
	        DSNG_EINVAL);
	assert_int_equal(dsng_mime_open_message(mem, &inner, NULL, m->parts[3],
	                                        NULL, &err),
	                 DSNG_EINVAL);
	assert_int_equal(
	        dsng_mime_open_message(mem, &inner, m, NULL, NULL, &err),
	        DSNG_EINVAL);
	assert_int_equal(
	        dsng_mime_open_message(mem, NULL, m, m->parts[3], NULL, &err),
	        DSNG_EINVAL);
	talloc_free(m);
}

/* RFC 2047 section 8's examples, and words that are not words. */
static void test_encoded_words(void **state)
{
	TALLOC_CTX *mem = *state;
	static const struct {
		const char *in, *out;
	} c[] = {
	        {"(=?ISO-8859-1?Q?a?=)", "(a)"},
	        {"(=?ISO-8859-1?Q?a?= b)", "(a b)"},
	        {"(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)", "(ab)"},
	        {"(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)", "(ab)"},
	        {"(=?ISO-8859-1?Q?a?=\t =?ISO-8859-1?Q?b?=)", "(ab)"},
	        {"(=?ISO-8859-1?Q?a_b?=)", "(a b)"},
	        {"(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)", "(a b)"},
	        /* the encoding letter in either case */
	        {"=?utf-8?b?R3LDvMOfZQ==?= =?UTF-8?q?_x?=", "Gr\xc3\xbc\xc3\x9f"
	                                                    "e x"},
	        /* RFC 2231 5: a language after the charset */
	        {"=?US-ASCII*EN?Q?Keith_Moore?=", "Keith Moore"},
	        {"=?latin1?Q?=E9t=E9?=", "\xc3\xa9t\xc3\xa9"},
	        {"=?utf8?Q?ok?=", "ok"},
	        /* through iconv */
	        {"=?windows-1252?Q?=80_5?=", "\xe2\x82\xac 5"},
	        {"=?KOI8-R?B?8NLJ18XU?=",
	         "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82"},
	        /* a byte the charset does not have: U+FFFD */
	        {"=?shift_jis?B?gQ==?=", "\xef\xbf\xbd"},
	        /* kept as written: unknown charset, unknown encoding, no
	         * end, empty or long charset */
	        {"=?x-no-such-charset?Q?abc?=", "=?x-no-such-charset?Q?abc?="},
	        {"=?utf-8?X?abc?=", "=?utf-8?X?abc?="},
	        {"=?utf-8?Q?abc", "=?utf-8?Q?abc"},
	        {"=?utf-8?Q", "=?utf-8?Q"},
	        {"=??Q?abc?=", "=??Q?abc?="},
	        {"=?0123456789012345678901234567890123456789012345678901234567"
	         "891234?Q?a?=",
	         "=?0123456789012345678901234567890123456789012345678901234567"
	         "891234?Q?a?="},
	        /* a word that is not decoded does not join the next one */
	        {"=?utf-8?X?a?= =?utf-8?Q?b?=", "=?utf-8?X?a?= b"},
	        {"plain =? text ?=", "plain =? text ?="},
	        {"", ""},
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		const char *g = dsng_test_guard(c[i].in, strlen(c[i].in));
		char *out = dsng_mime_decode_words(mem, g, strlen(c[i].in));

		dsng_test_guard_free(g);
		assert_non_null(out);
		if (strcmp(out, c[i].out) != 0)
			fail_msg("'%s': '%s', want '%s'", c[i].in, out,
			         c[i].out);
		talloc_free(out);
	}
}

static void test_limits_init(void **state)
{
	struct dsng_mime_limits lim, untouched;
	const struct dsng_mime_limits def = DSNG_MIME_LIMITS_INIT;

	(void)state;
	/* the defaults mime.h documents */
	assert_int_equal(def.max_depth, 20);
	assert_int_equal(def.max_parts, 100);
	assert_int_equal(def.max_fields, 1000);
	assert_int_equal(def.max_field_len, 8192);
	assert_int_equal(def.max_header_len, 102400);
	assert_int_equal(def.max_boundary_len, 256);
	assert_int_equal(def.max_size, 32u << 20);
	assert_int_equal(def.max_decoded, 10u << 20);
	memset(&lim, 0x11, sizeof(lim));
	assert_int_equal(dsng_mime_limits_init(&lim, DSNG_MIME_LIMITS_VERSION),
	                 0);
	assert_memory_equal(&lim, &def, sizeof(lim));
	memset(&lim, 0x11, sizeof(lim));
	memcpy(&untouched, &lim, sizeof(lim));
	assert_int_equal(dsng_mime_limits_init(&lim, 0), DSNG_EINVAL);
	assert_int_equal(
	        dsng_mime_limits_init(&lim, DSNG_MIME_LIMITS_VERSION + 1),
	        DSNG_EINVAL);
	assert_memory_equal(&lim, &untouched, sizeof(lim));
	assert_int_equal(dsng_mime_limits_init(NULL, 1), DSNG_EINVAL);
}

int main(void)
{
#define T(f)                                                                   \
	cmocka_unit_test_setup_teardown(f, dsng_test_setup_ctx,                \
	                                dsng_test_teardown_ctx)
	const struct CMUnitTest tests[] = {
	        T(test_fields_and_folding),
	        T(test_header_ends),
	        T(test_unfold),
	        T(test_header_limits),
	        T(test_content_type),
	        T(test_content_type_bounds),
	        T(test_transfer_encodings),
	        T(test_multipart_delimiters),
	        T(test_multipart_kinds),
	        T(test_message_limits),
	        T(test_not_mail_and_mbox),
	        T(test_decoding),
	        T(test_encoded_words),
	        cmocka_unit_test(test_limits_init),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
