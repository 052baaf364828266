/*
 * tests/test_mime.c - the MIME reader: header blocks, parameters,
 * transfer and RFC 2047 decoding, mbox splitting.
 */
#include "dsng_test.h"

#define S(x) x, sizeof(x) - 1

static void test_header_folding_and_lookup(void **state)
{
	TALLOC_CTX *mem = *state;
	static const char in[] = "Subject: one\r\n two\r\n\tthree\r\n"
	                         "content-TYPE : text/plain\r\n"
	                         "X-Empty:\r\n\r\nbody";
	const char *g = dsng_test_guard(S(in));
	struct dsng_mime_header *h;
	const struct dsng_mime_field *f;
	size_t body;
	char *v;

	assert_int_equal(dsng_mime_header_parse(mem, &h, &body, g,
	                                        sizeof(in) - 1, NULL, NULL),
	                 DSNG_OK);
	assert_int_equal(h->n_fields, 3);
	assert_int_equal(body, sizeof(in) - 1 - 4);
	f = dsng_mime_header_find(h, "subject");
	assert_non_null(f);
	assert_int_equal(f->offset, 0);
	v = dsng_mime_unfold(mem, NULL, f->value.ptr, f->value.len);
	assert_string_equal(v, "one two\tthree");
	/* obsolete blank before the colon (RFC 5322 4.5.3) */
	f = dsng_mime_header_find(h, "Content-Type");
	assert_non_null(f);
	assert_int_equal(f->name.len, 12);
	assert_int_equal(f->offset, 28);
	assert_non_null(dsng_mime_header_find(h, "x-empty"));
	assert_null(dsng_mime_header_find(h, "X-Missing"));
	talloc_free(h);
	talloc_free(v);
	dsng_test_guard_free(g);
}

static void test_header_non_field_line_ends_block(void **state)
{
	TALLOC_CTX *mem = *state;
	static const char in[] = "A: 1\nthis is not a field\nB: 2\n";
	const char *g = dsng_test_guard(S(in));
	struct dsng_mime_header *h;
	size_t body;

	assert_int_equal(dsng_mime_header_parse(mem, &h, &body, g,
	                                        sizeof(in) - 1, NULL, NULL),
	                 DSNG_OK);
	assert_int_equal(h->n_fields, 1);
	assert_int_equal(body, 5);
	talloc_free(h);
	dsng_test_guard_free(g);
}

static void test_header_limits(void **state)
{
	static const char one_line[] = "A: 1\nSubject: 0123456789abcdef\n\n";
	static const char folded[] = "A: 1\nSubject: 0123\n 456789abcdef\n\n";
	TALLOC_CTX *mem = *state;
	struct dsng_mime_limits lim;
	struct dsng_mime_header *h = (void *)1;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t n = 1024 * 1024, blocks = talloc_total_blocks(mem);
	char *big = talloc_array(mem, char, n + 20);
	const char *g;

	/* a 1 MB header line */
	memcpy(big, "Subject: ", 9);
	memset(big + 9, 'x', n);
	memcpy(big + 9 + n, "\n\n", 2);
	g = dsng_test_guard(big, n + 11);
	assert_int_equal(
	        dsng_mime_header_parse(mem, &h, NULL, g, n + 11, NULL, &err),
	        DSNG_ELIMIT);
	assert_null(h);
	assert_int_equal(err.kind, DSNG_ERR_HEADER_LIMIT);
	assert_string_equal(err.limit, "max_header_len");
	assert_int_equal(err.offset, 0);
	dsng_test_guard_free(g);
	/* a 1 MB line inside a message gives the same, with its offset */
	memcpy(big, "A: b\nSubject: ", 14);
	g = dsng_test_guard(big, n + 11);
	{
		struct dsng_mime_message *m = (void *)1;
		assert_int_equal(
		        dsng_mime_parse(mem, &m, g, n + 11, NULL, &err),
		        DSNG_ELIMIT);
		assert_null(m);
		assert_int_equal(err.kind, DSNG_ERR_HEADER_LIMIT);
		assert_string_equal(err.limit, "max_header_len");
		assert_int_equal(err.offset, 5);
	}
	dsng_test_guard_free(g);
	talloc_free(big);
	/* field count */
	assert_int_equal(dsng_mime_limits_init(&lim, DSNG_MIME_LIMITS_VERSION),
	                 0);
	lim.max_fields = 2;
	g = dsng_test_guard(S("A: 1\nB: 2\nC: 3\n\n"));
	assert_int_equal(
	        dsng_mime_header_parse(mem, &h, NULL, g, 16, &lim, &err),
	        DSNG_ELIMIT);
	assert_int_equal(err.kind, DSNG_ERR_FIELD_LIMIT);
	assert_string_equal(err.limit, "max_fields");
	assert_int_equal(err.offset, 10);
	dsng_test_guard_free(g);
	/* one field longer than max_field_len, on one line and folded */
	lim.max_fields = 1000;
	lim.max_field_len = 20;
	g = dsng_test_guard(S(one_line));
	assert_int_equal(dsng_mime_header_parse(mem, &h, NULL, g,
	                                        sizeof(one_line) - 1, &lim,
	                                        &err),
	                 DSNG_ELIMIT);
	assert_int_equal(err.kind, DSNG_ERR_HEADER_LIMIT);
	assert_string_equal(err.limit, "max_field_len");
	assert_int_equal(err.offset, 5);
	dsng_test_guard_free(g);
	g = dsng_test_guard(S(folded));
	assert_int_equal(dsng_mime_header_parse(mem, &h, NULL, g,
	                                        sizeof(folded) - 1, &lim, &err),
	                 DSNG_ELIMIT);
	assert_string_equal(err.limit, "max_field_len");
	assert_int_equal(err.offset, 5);
	dsng_test_guard_free(g);
	/* an error that is not a limit leaves err.limit NULL */
	assert_int_equal(
	        dsng_mime_header_parse(mem, NULL, NULL, "", 0, &lim, &err),
	        DSNG_EINVAL);
	assert_null(err.limit);
	assert_int_equal(talloc_total_blocks(mem), blocks);
}

static void test_content_type_params(void **state)
{
	TALLOC_CTX *mem = *state;
	char *type;
	struct dsng_mime_param *p;
	size_t n;
	static const char ct[] =
	        " Multipart/Report (comment) ; Report-Type=delivery-status;\r\n"
	        "\tboundary=\"a\\\"b;c\" ; title*0*=us-ascii'en'This%20is%20;"
	        " title*1=\"long\" ; name*=utf-8''%E2%82%AC; plain=one=two";

	assert_int_equal(
	        dsng_mime_content_type(mem, &type, &p, &n, S(ct), NULL),
	        DSNG_OK);
	assert_string_equal(type, "multipart/report");
	assert_int_equal(n, 5);
	assert_string_equal(p[0].name, "report-type");
	assert_string_equal(p[0].value, "delivery-status");
	assert_string_equal(p[1].name, "boundary");
	assert_string_equal(p[1].value, "a\"b;c");
	assert_string_equal(p[2].name, "title");
	assert_string_equal(p[2].value, "This is long");
	assert_string_equal(p[3].name, "name");
	assert_string_equal(p[3].value, "\xE2\x82\xAC");
	/* unquoted boundary with '=' (GMime saw these) */
	assert_string_equal(p[4].value, "one=two");
	talloc_free(type);
	talloc_free(p);
	/* a repeated name, in any case, keeps its first value, with and
	 * without RFC 2231 sections elsewhere in the value */
	assert_int_equal(dsng_mime_content_type(mem, &type, &p, &n,
	                                        S("text/plain; a=1; A=2; b=3"),
	                                        NULL),
	                 DSNG_OK);
	assert_int_equal(n, 2);
	assert_string_equal(p[0].name, "a");
	assert_string_equal(p[0].value, "1");
	assert_string_equal(p[1].name, "b");
	assert_string_equal(p[1].value, "3");
	talloc_free(type);
	talloc_free(p);
	assert_int_equal(dsng_mime_content_type(
	                         mem, &type, &p, &n,
	                         S("text/plain; a=1; A=2; b*0=x; b*1=y; B=z"),
	                         NULL),
	                 DSNG_OK);
	assert_int_equal(n, 2);
	assert_string_equal(p[0].value, "1");
	assert_string_equal(p[1].name, "b");
	assert_string_equal(p[1].value, "xy");
	talloc_free(type);
	talloc_free(p);
	/* quoted strings: plain ones as they are, a fold's CR and LF
	 * dropped, a quoted-pair's backslash dropped, at every length */
	{
		char in[512], want[80];
		size_t len;
		for (len = 0; len < 40; len++) {
			memset(want, 'v', len);
			want[len] = 0;
			snprintf(in, sizeof(in),
			         "text/plain; a=\"%s\"; b=\"%s\r\n %s\"; "
			         "c=\"%s\\\\%s\\\"\"",
			         want, want, want, want, want);
			assert_int_equal(
			        dsng_mime_content_type(mem, &type, &p, &n, in,
			                               strlen(in), NULL),
			        DSNG_OK);
			assert_int_equal(n, 3);
			assert_string_equal(p[0].value, want);
			assert_int_equal(strlen(p[1].value), 2 * len + 1);
			assert_memory_equal(p[1].value, want, len);
			assert_int_equal(p[1].value[len], ' ');
			assert_int_equal(strlen(p[2].value), 2 * len + 2);
			assert_int_equal(p[2].value[len], '\\');
			assert_int_equal(p[2].value[2 * len + 1], '"');
			talloc_free(type);
			talloc_free(p);
		}
	}
	assert_int_equal(
	        dsng_mime_content_type(mem, &type, &p, &n, S("text"), NULL),
	        DSNG_OK);
	assert_null(type);
	assert_int_equal(n, 0);
}

static void test_base64_and_qp(void **state)
{
	char out[64];
	size_t n;

	(void)state;
	n = dsng_mime_base64_decode(out, S("aGVs\r\nbG8=\r\n"));
	assert_int_equal(n, 5);
	assert_memory_equal(out, "hello", 5);
	/* junk is skipped, data after '=' is ignored */
	n = dsng_mime_base64_decode(out, S("a*G!V\x00s bG8=garbage"));
	assert_int_equal(n, 5);
	assert_memory_equal(out, "hello", 5);
	/* odd lengths: 2 and 3 sextets */
	assert_int_equal(dsng_mime_base64_decode(out, S("aGk")), 2);
	assert_memory_equal(out, "hi", 2);
	assert_int_equal(dsng_mime_base64_decode(out, S("aA")), 1);
	assert_int_equal(dsng_mime_base64_decode(out, S("a")), 0);
	n = dsng_mime_qp_decode(out, S("a=3Db=\r\nc= \nd=4"));
	assert_int_equal(n, 7);
	assert_memory_equal(out, "a=bcd=4", 7);
	n = dsng_mime_qp_decode(out, S("x=ZZy="));
	assert_int_equal(n, 5);
	assert_memory_equal(out, "x=ZZy", 5);
	n = dsng_mime_qp_decode(out, S("=e9"));
	assert_int_equal(n, 1);
	assert_int_equal((unsigned char)out[0], 0xE9);
}

static void test_encoded_words(void **state)
{
	TALLOC_CTX *mem = *state;
	char *s;

	s = dsng_mime_decode_words(mem, S("=?UTF-8?B?w6k=?= =?utf-8?q?_x?= y"));
	assert_string_equal(s, "\xC3\xA9 x y");
	s = dsng_mime_decode_words(mem, S("Re: =?iso-8859-1?Q?caf=E9?="));
	assert_string_equal(s, "Re: caf\xC3\xA9");
	s = dsng_mime_decode_words(mem,
	                           S("=?iso-2022-jp?B?GyRCJUYlOSVIGyhC?="));
	assert_string_equal(s, "\xE3\x83\x86\xE3\x82\xB9\xE3\x83\x88");
	/* unknown charset, bad encoding, unterminated word: kept */
	s = dsng_mime_decode_words(mem,
	                           S("=?x-nope?B?QQ==?= =?utf-8?Z?a?= =?ab"));
	assert_string_equal(s, "=?x-nope?B?QQ==?= =?utf-8?Z?a?= =?ab");
	talloc_free_children(mem);
}

static void test_mbox_split(void **state)
{
	static const char box[] =
	        "From a@b Mon\nA: 1\n\nx\n\nFrom c@d Tue\nB: 2\n";
	struct dsng_span m;
	size_t pos = 0;

	(void)state;
	assert_true(dsng_mime_mbox_next(&m, &pos, box, sizeof(box) - 1));
	assert_int_equal(m.len, 9);
	assert_memory_equal(m.ptr, "A: 1\n\nx\n\n", 9);
	assert_true(dsng_mime_mbox_next(&m, &pos, box, sizeof(box) - 1));
	assert_memory_equal(m.ptr, "B: 2\n", m.len);
	assert_false(dsng_mime_mbox_next(&m, &pos, box, sizeof(box) - 1));
	/* not an mbox: one message even with "From " lines inside */
	pos = 0;
	assert_true(dsng_mime_mbox_next(&m, &pos, S("A: 1\n\nx\n\nFrom y\n")));
	assert_int_equal(m.len, 16);
}

static void test_cte_names(void **state)
{
	(void)state;
	assert_string_equal(dsng_mime_cte_name(DSNG_MIME_CTE_QP),
	                    "quoted-printable");
	assert_string_equal(dsng_mime_cte_name(DSNG_MIME_CTE_BASE64), "base64");
	assert_string_equal(dsng_mime_cte_name(DSNG_MIME_CTE_UNKNOWN),
	                    "unknown");
}

/* The limits struct is versioned: init takes every version from 1 to the
 * current one and refuses 0 and newer ones without writing; the INIT macro
 * gives the same defaults; readers refuse limits of an unknown version. */
static void test_limits_versions(void **state)
{
	TALLOC_CTX *mem = *state;
	static const char in[] = "A: 1\n\nbody";
	const unsigned bad[] = {0, DSNG_MIME_LIMITS_VERSION + 1, 0xffffffffu};
	const struct dsng_mime_limits def = DSNG_MIME_LIMITS_INIT;
	struct dsng_mime_limits lim, untouched;
	struct dsng_mime_header *h = (void *)1;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t blocks = talloc_total_blocks(mem), i;
	unsigned v;

	assert_int_equal(def.version, DSNG_MIME_LIMITS_VERSION);
	assert_int_equal(def.max_depth, 20);
	assert_int_equal(def.max_parts, 100);
	assert_int_equal(def.max_fields, 1000);
	assert_int_equal(def.max_field_len, 8192);
	assert_int_equal(def.max_header_len, 102400);
	assert_int_equal(def.max_boundary_len, 256);
	assert_int_equal(def.max_size, 32u * 1024 * 1024);
	assert_int_equal(def.max_decoded, 10u * 1024 * 1024);
	for (v = 1; v <= DSNG_MIME_LIMITS_VERSION; v++) {
		memset(&lim, 0xA5, sizeof(lim));
		assert_int_equal(dsng_mime_limits_init(&lim, v), DSNG_OK);
		assert_int_equal(lim.version, v);
		assert_int_equal(lim.max_depth, def.max_depth);
		/* and a parse accepts limits of that version */
		assert_int_equal(dsng_mime_header_parse(mem, &h, NULL, in,
		                                        sizeof(in) - 1, &lim,
		                                        &err),
		                 DSNG_OK);
		assert_int_equal(h->n_fields, 1);
		talloc_free(h);
	}
	memset(&lim, 0xA5, sizeof(lim));
	assert_int_equal(dsng_mime_limits_init(&lim, DSNG_MIME_LIMITS_VERSION),
	                 DSNG_OK);
	assert_int_equal(lim.max_parts, def.max_parts);
	assert_int_equal(lim.max_fields, def.max_fields);
	assert_int_equal(lim.max_field_len, def.max_field_len);
	assert_int_equal(lim.max_header_len, def.max_header_len);
	assert_int_equal(lim.max_boundary_len, def.max_boundary_len);
	assert_int_equal(lim.max_size, def.max_size);
	assert_int_equal(lim.max_decoded, def.max_decoded);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&lim, 0xA5, sizeof(lim));
		memset(&untouched, 0xA5, sizeof(untouched));
		assert_int_equal(dsng_mime_limits_init(&lim, bad[i]),
		                 DSNG_EINVAL);
		assert_memory_equal(&lim, &untouched, sizeof(lim));
		/* limits of that version are refused, not read as defaults */
		lim = def;
		lim.version = bad[i];
		h = (void *)1;
		assert_int_equal(dsng_mime_header_parse(mem, &h, NULL, in,
		                                        sizeof(in) - 1, &lim,
		                                        &err),
		                 DSNG_EINVAL);
		assert_null(h);
		assert_int_equal(err.rc, DSNG_EINVAL);
		assert_int_equal(err.kind, DSNG_ERR_INVALID_ARGUMENT);
		assert_null(err.limit);
	}
	assert_int_equal(dsng_mime_limits_init(NULL, DSNG_MIME_LIMITS_VERSION),
	                 DSNG_EINVAL);
	assert_int_equal(talloc_total_blocks(mem), blocks);
}

static void test_content_type_errors(void **state)
{
	TALLOC_CTX *mem = *state;
	struct dsng_error err = DSNG_ERROR_INIT;
	struct dsng_mime_param *p = (void *)1;
	char *type = (void *)1;
	size_t n = 7;

	assert_int_equal(dsng_mime_content_type(mem, &type, &p, NULL,
	                                        S("text/plain"), &err),
	                 DSNG_EINVAL);
	assert_null(type);
	assert_null(p);
	assert_int_equal(err.kind, DSNG_ERR_INVALID_ARGUMENT);
	assert_int_equal(
	        dsng_mime_content_type(mem, &type, &p, &n, NULL, 3, &err),
	        DSNG_EINVAL);
	assert_int_equal(n, 0);
	assert_int_equal(
	        dsng_mime_content_type(mem, &type, &p, &n, NULL, 0, &err),
	        DSNG_OK);
	assert_null(type);
}

/* Tokens, names, values and quoted strings of every length to 40 (the
 * scans go sixteen octets a step), ended by each octet that ends them or
 * by the end of the input (a guarded copy: reading past it faults), a
 * quoted-pair at every place of a quoted string. */
static void test_content_type_long_tokens(void **state)
{
	static const char *const after[] = {" ; a=b", "\t;a=b", ";a=b",
	                                    "(c);a=b", "\r\n ;a=b"};
	TALLOC_CTX *mem = *state;
	char in[256], want[64];
	size_t len, a, k;

	for (len = 1; len <= 40; len++) {
		memset(want, 'x', len);
		want[len] = 0;
		for (a = 0; a < sizeof(after) / sizeof(after[0]); a++) {
			/* the subtype, then a parameter name and value of
			 * len octets, the value ended by the input */
			int n = snprintf(in, sizeof(in), "text/%s%s;%s=%s",
			                 want, after[a], want, want);
			const char *g = dsng_test_guard(in, (size_t)n);
			char *type;
			struct dsng_mime_param *p;
			size_t np;

			assert_int_equal(
			        dsng_mime_content_type(mem, &type, &p, &np, g,
			                               (size_t)n, NULL),
			        DSNG_OK);
			assert_non_null(type);
			assert_int_equal(strlen(type), 5 + len);
			assert_memory_equal(type + 5, want, len);
			assert_int_equal(np, 2);
			assert_string_equal(p[0].name, "a");
			assert_string_equal(p[0].value, "b");
			assert_string_equal(p[1].name, want);
			assert_string_equal(p[1].value, want);
			dsng_test_guard_free(g);
			talloc_free(type);
			talloc_free(p);
		}
		for (k = 0; k < len; k++) {
			/* boundary="x..\"..x" : the pair becomes '"' */
			char v[64];
			int n;
			const char *g;
			char *type;
			struct dsng_mime_param *p;
			size_t np;

			memcpy(v, want, len);
			v[len] = 0;
			n = snprintf(in, sizeof(in),
			             "multipart/mixed; boundary=\"%.*s\\\"%s\"",
			             (int)k, v, v + k);
			g = dsng_test_guard(in, (size_t)n);
			assert_int_equal(
			        dsng_mime_content_type(mem, &type, &p, &np, g,
			                               (size_t)n, NULL),
			        DSNG_OK);
			assert_int_equal(np, 1);
			assert_int_equal(strlen(p[0].value), len + 1);
			assert_int_equal(p[0].value[k], '"');
			assert_memory_equal(p[0].value, v, k);
			assert_memory_equal(p[0].value + k + 1, v + k, len - k);
			dsng_test_guard_free(g);
			talloc_free(type);
			talloc_free(p);
		}
	}
}

/* base64 one sextet at a time, as RFC 2045 6.8 reads it: the reference
 * for the decoder's four-at-a-time path. */
static size_t slow_b64(char *out, const char *in, size_t len)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                          "abcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned long acc = 0;
	size_t i, o = 0, n = 0;

	for (i = 0; i < len && in[i] != '='; i++) {
		const char *p = in[i] ? strchr(abc, in[i]) : NULL;
		if (!p)
			continue;
		acc = acc << 6 | (unsigned long)(p - abc);
		if (++n == 4) {
			out[o++] = (char)(acc >> 16);
			out[o++] = (char)(acc >> 8);
			out[o++] = (char)acc;
			acc = 0;
			n = 0;
		}
	}
	if (n == 2)
		out[o++] = (char)(acc >> 4);
	else if (n == 3) {
		out[o++] = (char)(acc >> 10);
		out[o++] = (char)(acc >> 2);
	}
	return o;
}

/* Random base64 with line breaks, junk, 8-bit octets and '=' anywhere,
 * every length to 300: the same octets as the reference, into a buffer
 * and in place, never reading past the input (guarded). */
static void test_base64_random(void **state)
{
	static const char pick[] = "QUJDRGVmZ2hpamts+/09\r\n =*\x80\xff";
	char in[300], want[300], got[300];
	unsigned seed = 7;
	int round;

	(void)state;
	for (round = 0; round < 6000; round++) {
		size_t len = (size_t)round % sizeof(in), j, wn, gn;
		const char *g;
		int sparse = round % 3 == 0; /* mostly clean quanta */
		for (j = 0; j < len; j++) {
			seed = seed * 1103515245u + 12345u;
			in[j] = pick[(seed >> 16) %
			             (sparse ? 16 : sizeof(pick) - 1)];
			if (sparse && (seed >> 8) % 61 == 0)
				in[j] = pick[16 + (seed >> 20) % 8];
		}
		wn = slow_b64(want, in, len);
		g = dsng_test_guard(in, len);
		gn = dsng_mime_base64_decode(got, g, len);
		dsng_test_guard_free(g);
		assert_int_equal(gn, wn);
		assert_memory_equal(got, want, wn);
		memcpy(got, in, len);
		gn = dsng_mime_base64_decode(got, got, len);
		assert_int_equal(gn, wn);
		assert_memory_equal(got, want, wn);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_header_folding_and_lookup,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(
	                test_header_non_field_line_ends_block,
	                dsng_test_setup_ctx, dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_header_limits,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_content_type_params,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test(test_base64_and_qp),
	        cmocka_unit_test(test_base64_random),
	        cmocka_unit_test_setup_teardown(test_encoded_words,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test(test_mbox_split),
	        cmocka_unit_test(test_cte_names),
	        cmocka_unit_test_setup_teardown(test_limits_versions,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_content_type_long_tokens,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_content_type_errors,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
