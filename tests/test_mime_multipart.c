/*
 * tests/test_mime_multipart.c - the multipart tree: boundaries, preamble
 * and epilogue, nesting, truncation, and the hostile shapes (prefix
 * boundaries, deep nests, part bombs, NULs).
 */
#include <stdio.h>

#include "dsng_test.h"

#define S(x) x, sizeof(x) - 1

/* Parse with guard pages; returns the status, *m the tree. */
static int parse(TALLOC_CTX *mem, const char *in, size_t len,
                 const struct dsng_mime_limits *lim,
                 struct dsng_mime_message **m, struct dsng_error *err)
{
	const char *g = dsng_test_guard(in, len);
	int rc = dsng_mime_parse(mem, m, g, len, lim, err);
	/* spans must not be used after this: tests copy what they check */
	if (rc == DSNG_OK) {
		char *copy = talloc_memdup(*m, g, len);
		size_t i;
		assert_non_null(copy);
		for (i = 0; i < (*m)->n_parts; i++) {
			struct dsng_mime_part *p = (*m)->parts[i];
			size_t k;
			p->body.ptr = copy + (p->body.ptr - g);
			for (k = 0; k < p->header.n_fields; k++) {
				p->header.fields[k].name.ptr =
				        copy +
				        (p->header.fields[k].name.ptr - g);
				p->header.fields[k].value.ptr =
				        copy +
				        (p->header.fields[k].value.ptr - g);
			}
		}
		(*m)->buf = copy;
	}
	dsng_test_guard_free(g);
	return rc;
}

static void body_is(const struct dsng_mime_part *p, const char *want)
{
	assert_int_equal(p->body.len, strlen(want));
	assert_memory_equal(p->body.ptr, want, p->body.len);
}

static void test_report_tree(void **state)
{
	TALLOC_CTX *mem = *state;
	static const char in[] =
	        "Content-Type: multipart/report; report-type=delivery-status;\n"
	        " boundary=\"b1\"\n\npreamble\n--b1\n\nhuman\n"
	        "--b1\nContent-Type: message/delivery-status\n\nA: b\n\n"
	        "--b1 \t\nContent-Type: "
	        "text/rfc822-headers\nContent-Transfer-Encoding: "
	        "Base64\n\naGk=\n--b1--\nepilogue\n";
	struct dsng_mime_message *m;
	const struct dsng_mime_part *root, *p;

	assert_int_equal(parse(mem, S(in), NULL, &m, NULL), DSNG_OK);
	assert_int_equal(m->n_parts, 4);
	assert_false(m->truncated);
	assert_int_equal(m->n_problems, 0);
	root = m->root;
	assert_string_equal(root->type, "multipart/report");
	assert_string_equal(root->boundary, "b1");
	assert_string_equal(dsng_mime_part_param(root, "report-type"),
	                    "delivery-status");
	assert_int_equal(root->n_children, 3);
	p = root->first_child;
	assert_int_equal(p->header.n_fields, 0);
	assert_string_equal(p->type, "text/plain");
	body_is(p, "human");
	p = p->next;
	assert_string_equal(p->type, "message/delivery-status");
	assert_int_equal(p->depth, 1);
	body_is(p, "A: b\n");
	p = p->next;
	assert_int_equal(p->cte, DSNG_MIME_CTE_BASE64);
	body_is(p, "aGk=");
	{
		const char *d;
		size_t n;
		assert_int_equal(
		        dsng_mime_part_decode(mem, &d, &n, p, NULL, NULL),
		        DSNG_OK);
		assert_int_equal(n, 2);
		assert_string_equal(d, "hi");
		talloc_free((char *)(uintptr_t)d);
	}
	assert_null(p->next);
	talloc_free(m);
}

static void test_crlf_nested_and_digest(void **state)
{
	TALLOC_CTX *mem = *state;
	static const char in[] =
	        "Content-Type: multipart/mixed; boundary=outer\r\n\r\n"
	        "--outer\r\nContent-Type: multipart/digest; "
	        "boundary=\"in\"\r\n\r\n"
	        "--in\r\n\r\nA: 1\r\n\r\nx\r\n--in--\r\n"
	        "--outer\r\nContent-Type: "
	        "text/plain\r\n\r\nlast\r\n--outer--\r\n";
	struct dsng_mime_message *m;

	assert_int_equal(parse(mem, S(in), NULL, &m, NULL), DSNG_OK);
	assert_int_equal(m->n_parts, 4);
	assert_string_equal(m->parts[1]->type, "multipart/digest");
	/* default type inside a digest */
	assert_string_equal(m->parts[2]->type, "message/rfc822");
	assert_int_equal(m->parts[2]->depth, 2);
	body_is(m->parts[2], "A: 1\r\n\r\nx");
	body_is(m->parts[3], "last");
	assert_false(m->truncated);
	/* the embedded message opens lazily */
	{
		struct dsng_mime_message *sub;
		assert_int_equal(dsng_mime_open_message(
		                         mem, &sub, m, m->parts[2], NULL, NULL),
		                 DSNG_OK);
		assert_int_equal(sub->root->header.n_fields, 1);
		assert_int_equal(sub->root->depth, 3);
		assert_int_equal(sub->root->header.fields[0].offset,
		                 m->parts[2]->body_offset);
		talloc_free(sub);
	}
	talloc_free(m);
}

static void test_open_encoded_message(void **state)
{
	TALLOC_CTX *mem = *state;
	/* message/rfc822 sent base64 (some gateways do): decoded, then read */
	static const char in[] =
	        "Content-Type: multipart/mixed; boundary=q\n\n--q\n"
	        "Content-Type: message/rfc822\nContent-Transfer-Encoding: "
	        "base64\n\n"
	        "U3ViamVjdDogaGkKCmJvZHkK\n--q--\n";
	struct dsng_mime_message *m, *sub;
	size_t blocks;

	assert_int_equal(parse(mem, S(in), NULL, &m, NULL), DSNG_OK);
	blocks = talloc_total_blocks(mem);
	assert_int_equal(
	        dsng_mime_open_message(mem, &sub, m, m->parts[1], NULL, NULL),
	        DSNG_OK);
	assert_int_equal(sub->root->header.n_fields, 1);
	assert_memory_equal(sub->root->header.fields[0].value.ptr, " hi", 3);
	assert_int_equal(sub->root->body.len, 5);
	assert_memory_equal(sub->root->body.ptr, "body\n", 5);
	talloc_free(sub);
	assert_int_equal(talloc_total_blocks(mem), blocks);
	talloc_free(m);
}

static void test_boundary_never_closed(void **state)
{
	TALLOC_CTX *mem = *state;
	static const char in[] =
	        "Content-Type: multipart/report; boundary=b\n\n"
	        "--b\n\nfirst\n--b\nContent-Type: text/plain\n\n"
	        "cut here";
	struct dsng_mime_message *m;

	assert_int_equal(parse(mem, S(in), NULL, &m, NULL), DSNG_OK);
	assert_true(m->truncated);
	assert_true(m->root->truncated);
	assert_int_equal(m->n_parts, 3);
	body_is(m->parts[2], "cut here");
	assert_int_equal(m->n_problems, 1);
	assert_string_equal(m->problems[0].field, "boundary");
	assert_int_equal(m->problems[0].offset, sizeof(in) - 1);
	talloc_free(m);
}

static void test_boundary_prefix_of_another(void **state)
{
	TALLOC_CTX *mem = *state;
	/* "ab" is a prefix of the inner boundary "abc": lines "--abc" must
	 * not close the outer multipart, and an inner part left open when the
	 * outer delimiter comes is truncated. */
	static const char in[] =
	        "Content-Type: multipart/mixed; boundary=ab\n\n"
	        "--ab\nContent-Type: multipart/mixed; boundary=abc\n\n"
	        "--abc\n\none\n--abcd\n--abc\n\ntwo\n"
	        "--ab\n\nthree\n--ab--\n";
	struct dsng_mime_message *m;

	assert_int_equal(parse(mem, S(in), NULL, &m, NULL), DSNG_OK);
	assert_int_equal(m->n_parts, 5);
	body_is(m->parts[2], "one\n--abcd");
	body_is(m->parts[3], "two");
	body_is(m->parts[4], "three");
	assert_int_equal(m->parts[4]->depth, 1);
	assert_true(m->parts[1]->truncated);
	assert_false(m->root->truncated);
	talloc_free(m);
}

static void test_deep_nest_is_a_limit(void **state)
{
	TALLOC_CTX *mem = *state;
	size_t blocks = talloc_total_blocks(mem), i, len = 0;
	char *in = talloc_array(mem, char, 10000 * 64 + 64);
	struct dsng_mime_message *m = (void *)1;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t twentieth = 0;

	for (i = 0; i < 10000; i++) {
		if (i == 20)
			twentieth = len + (i ? 0 : 0);
		len += (size_t)sprintf(in + len,
		                       "%sContent-Type: multipart/mixed; "
		                       "boundary=b%zu\n\n--b%zu\n",
		                       "", i, i);
	}
	/* with the default limit (20) the 21st multipart is refused */
	assert_int_equal(dsng_mime_parse(mem, &m, in, len, NULL, &err),
	                 DSNG_ELIMIT);
	assert_null(m);
	assert_int_equal(err.kind, DSNG_ERR_DEPTH_LIMIT);
	assert_string_equal(err.limit, "max_depth");
	assert_int_equal(err.offset, twentieth);
	talloc_free(in);
	assert_int_equal(talloc_total_blocks(mem), blocks);
}

static void test_part_count_bomb(void **state)
{
	TALLOC_CTX *mem = *state;
	size_t blocks = talloc_total_blocks(mem), len = 0, i;
	char *in = talloc_array(mem, char, 100000);
	struct dsng_mime_message *m = (void *)1;
	struct dsng_error err = DSNG_ERROR_INIT;
	struct dsng_mime_limits lim;

	len += (size_t)sprintf(in,
	                       "Content-Type: multipart/mixed; boundary=x\n\n");
	for (i = 0; i < 5000; i++)
		len += (size_t)sprintf(in + len, "--x\n");
	assert_int_equal(dsng_mime_parse(mem, &m, in, len, NULL, &err),
	                 DSNG_ELIMIT);
	assert_int_equal(err.kind, DSNG_ERR_PART_LIMIT);
	assert_string_equal(err.limit, "max_parts");
	/* the root is part 1; the 100th child's delimiter ends at ... */
	assert_int_equal(err.offset, 43 + 4 * 100);
	assert_int_equal(dsng_mime_limits_init(&lim, DSNG_MIME_LIMITS_VERSION),
	                 0);
	lim.max_parts = 10000;
	assert_int_equal(dsng_mime_parse(mem, &m, in, len, &lim, &err),
	                 DSNG_OK);
	assert_int_equal(m->n_parts, 5001);
	assert_true(m->truncated);
	talloc_free(m);
	talloc_free(in);
	assert_int_equal(talloc_total_blocks(mem), blocks);
}

static void test_nul_bytes_and_junk(void **state)
{
	TALLOC_CTX *mem = *state;
	static const char in[] = "A: 1\nB\0x: 2\n\nbody\0with nul";
	static const char junk[] = "\0\0\0binary";
	struct dsng_mime_message *m = (void *)1;
	struct dsng_error err = DSNG_ERROR_INIT;

	/* a NUL in a field name ends the header (problem), body keeps it */
	assert_int_equal(parse(mem, S(in), NULL, &m, NULL), DSNG_OK);
	assert_int_equal(m->root->header.n_fields, 1);
	assert_int_equal(m->n_problems, 1);
	assert_int_equal(m->problems[0].offset, 5);
	assert_int_equal(m->root->body.len, sizeof(in) - 1 - 5);
	talloc_free(m);
	/* not mail at all */
	assert_int_equal(parse(mem, S(junk), NULL, &m, &err), DSNG_ESYNTAX);
	assert_null(m);
	assert_int_equal(err.kind, DSNG_ERR_NOT_MAIL);
	assert_null(err.limit);
	/* (the guard helper needs at least one byte) */
	assert_int_equal(dsng_mime_parse(mem, &m, "", 0, NULL, &err),
	                 DSNG_ESYNTAX);
	assert_int_equal(err.kind, DSNG_ERR_NOT_MAIL);
}

static void test_size_and_boundary_limits(void **state)
{
	TALLOC_CTX *mem = *state;
	struct dsng_mime_limits lim;
	struct dsng_mime_message *m = (void *)1;
	struct dsng_error err = DSNG_ERROR_INIT;
	char in[600];
	int n;

	assert_int_equal(dsng_mime_limits_init(&lim, DSNG_MIME_LIMITS_VERSION),
	                 0);
	lim.max_size = 10;
	assert_int_equal(parse(mem, S("Subject: too long\n\n"), &lim, &m, &err),
	                 DSNG_ELIMIT);
	assert_int_equal(err.kind, DSNG_ERR_SIZE_LIMIT);
	assert_string_equal(err.limit, "max_size");
	assert_int_equal(err.offset, 10);
	n = sprintf(in, "A: 1\nContent-Type: multipart/mixed; boundary=");
	memset(in + n, 'q', 300);
	memcpy(in + n + 300, "\n\n", 2);
	assert_int_equal(parse(mem, in, (size_t)n + 302, NULL, &m, &err),
	                 DSNG_ELIMIT);
	assert_int_equal(err.kind, DSNG_ERR_HEADER_LIMIT);
	assert_string_equal(err.limit, "max_boundary_len");
	/* at the Content-Type field that holds the boundary */
	assert_int_equal(err.offset, 5);
	/* decoded size limit */
	lim.max_size = 1000;
	lim.max_decoded = 3;
	assert_int_equal(parse(mem,
	                       S("Content-Transfer-Encoding: base64\n\n"
	                         "aGVsbG8="),
	                       &lim, &m, &err),
	                 DSNG_OK);
	{
		const char *d = NULL;
		size_t dl;
		assert_int_equal(dsng_mime_part_decode(mem, &d, &dl, m->root,
		                                       &lim, &err),
		                 DSNG_ELIMIT);
		assert_int_equal(err.kind, DSNG_ERR_SIZE_LIMIT);
		assert_string_equal(err.limit, "max_decoded");
		assert_int_equal(err.offset, 35);
	}
	talloc_free(m);
}

static void test_multipart_without_boundary(void **state)
{
	TALLOC_CTX *mem = *state;
	struct dsng_mime_message *m;

	assert_int_equal(parse(mem, S("Content-Type: multipart/mixed\n\n--x\n"),
	                       NULL, &m, NULL),
	                 DSNG_OK);
	assert_int_equal(m->n_parts, 1);
	assert_null(m->root->boundary);
	assert_int_equal(m->n_problems, 1);
	assert_string_equal(m->problems[0].field, "boundary");
	talloc_free(m);
}

/* Every reader that takes limits refuses an unknown version (0, newer
 * than the library) with DSNG_EINVAL instead of using defaults, accepts
 * every known one, and leaves nothing behind. */
static void test_unknown_limits_version(void **state)
{
	TALLOC_CTX *mem = *state;
	static const char in[] =
	        "Content-Type: multipart/mixed; boundary=q\n\n--q\n"
	        "Content-Type: message/rfc822\nContent-Transfer-Encoding: "
	        "base64\n\n"
	        "U3ViamVjdDogaGkKCmJvZHkK\n--q--\n";
	const unsigned bad[] = {0, DSNG_MIME_LIMITS_VERSION + 1};
	struct dsng_mime_limits lim = DSNG_MIME_LIMITS_INIT;
	struct dsng_mime_message *m, *sub;
	struct dsng_error err = DSNG_ERROR_INIT;
	const char *d;
	size_t blocks, dl, i;
	unsigned v;

	assert_int_equal(parse(mem, S(in), NULL, &m, NULL), DSNG_OK);
	blocks = talloc_total_blocks(mem);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		lim.version = bad[i];
		sub = (void *)1;
		assert_int_equal(parse(mem, S(in), &lim, &sub, &err),
		                 DSNG_EINVAL);
		assert_null(sub);
		assert_int_equal(err.kind, DSNG_ERR_INVALID_ARGUMENT);
		sub = (void *)1;
		assert_int_equal(dsng_mime_open_message(
		                         mem, &sub, m, m->parts[1], &lim, &err),
		                 DSNG_EINVAL);
		assert_null(sub);
		d = NULL;
		assert_int_equal(dsng_mime_part_decode(mem, &d, &dl,
		                                       m->parts[1], &lim, &err),
		                 DSNG_EINVAL);
		assert_null(d);
		assert_int_equal(talloc_total_blocks(mem), blocks);
	}
	for (v = 1; v <= DSNG_MIME_LIMITS_VERSION; v++) {
		assert_int_equal(dsng_mime_limits_init(&lim, v), DSNG_OK);
		assert_int_equal(dsng_mime_open_message(
		                         mem, &sub, m, m->parts[1], &lim, &err),
		                 DSNG_OK);
		assert_int_equal(sub->root->header.n_fields, 1);
		talloc_free(sub);
	}
	/* what the caller's limits say is honoured by open_message too */
	lim.max_decoded = 4;
	assert_int_equal(
	        dsng_mime_open_message(mem, &sub, m, m->parts[1], &lim, &err),
	        DSNG_ELIMIT);
	assert_string_equal(err.limit, "max_decoded");
	assert_int_equal(talloc_total_blocks(mem), blocks);
	talloc_free(m);
}

int main(void)
{
#define T(f)                                                                   \
	cmocka_unit_test_setup_teardown(f, dsng_test_setup_ctx,                \
	                                dsng_test_teardown_ctx)
	const struct CMUnitTest tests[] = {
	        T(test_report_tree),
	        T(test_crlf_nested_and_digest),
	        T(test_open_encoded_message),
	        T(test_boundary_never_closed),
	        T(test_boundary_prefix_of_another),
	        T(test_deep_nest_is_a_limit),
	        T(test_part_count_bomb),
	        T(test_nul_bytes_and_junk),
	        T(test_size_and_boundary_limits),
	        T(test_multipart_without_boundary),
	        T(test_unknown_limits_version),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
