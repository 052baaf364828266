/*
 * tests/test_mime_words.c - RFC 2047 encoded words always give valid
 * UTF-8 without NUL: invalid sequences and encoded NULs become U+FFFD and
 * are noted (once per kind, at the word), adjacent words split inside a
 * character are joined, unknown charsets are kept as written; raw text
 * is checked the same way; the problems reach a report with offsets in
 * the message.
 */
#include <stdio.h>
#include <stdlib.h>

#include "dsng_test.h"
#include "dsng_utf8_valid.h"
#include "mime_int.h"

#define S(x) x, sizeof(x) - 1
#define FFFD "\xEF\xBF\xBD"

/* Strict UTF-8 and no NUL (dsng_utf8_valid.h: independent of lib/chars.c). */
static int valid_utf8(const char *s, size_t n)
{
	return dsng_test_utf8_valid((const unsigned char *)s, n);
}

struct noted {
	size_t n;
	size_t at[8];
	const char *msg[8];
};

static int collect(void *arg, size_t at, const char *message)
{
	struct noted *c = arg;

	if (c->n < 8) {
		c->at[c->n] = at;
		c->msg[c->n] = message;
	}
	c->n++;
	return 0;
}

/* Decode p and check the result (valid UTF-8, length, no NUL) against
 * want; returns the problems noted. */
static struct noted decode(TALLOC_CTX *mem, const char *p, size_t len,
                           const char *want, size_t want_len)
{
	struct noted c;
	size_t n = 0;
	char *s;

	memset(&c, 0, sizeof(c));
	s = dsng__mime_words(mem, p, len, DSNG__WORDS_DECODE, &n, collect, &c);
	assert_non_null(s);
	assert_true(valid_utf8(s, n));
	assert_int_equal(strlen(s), n);
	if (n != want_len || memcmp(s, want, n) != 0)
		fail_msg("\"%.*s\" decoded to \"%s\", want \"%s\"", (int)len, p,
		         s, want);
	/* the public function gives the same text */
	{
		char *t = dsng_mime_decode_words(mem, p, len);
		assert_non_null(t);
		assert_string_equal(t, s);
		talloc_free(t);
	}
	talloc_free(s);
	return c;
}

#define DECODE(mem, in, want) decode(mem, S(in), S(want))

static void has(const struct noted *c, size_t at, const char *word)
{
	size_t i;

	for (i = 0; i < c->n && i < 8; i++)
		if (c->at[i] == at && strstr(c->msg[i], word))
			return;
	fail_msg("no problem \"%s\" at %zu (%zu noted)", word, at, c->n);
}

static void test_invalid_utf8_and_charsets(void **state)
{
	TALLOC_CTX *mem = *state;
	struct noted c;

	c = DECODE(mem, "=?utf-8?Q?=C3?=", FFFD);
	assert_int_equal(c.n, 1);
	has(&c, 0, "invalid UTF-8");
	c = DECODE(mem, "x =?utf-8?B?wyg=?=", "x " FFFD "(");
	has(&c, 2, "invalid UTF-8");
	/* overlong, surrogate, past U+10FFFF: one U+FFFD per octet */
	DECODE(mem, "=?utf-8?Q?=C0=AF?=", FFFD FFFD);
	DECODE(mem, "=?utf-8?Q?=ED=A0=80?=", FFFD FFFD FFFD);
	DECODE(mem, "=?utf-8?Q?=F4=90=80=80?=", FFFD FFFD FFFD FFFD);
	c = DECODE(mem, "=?us-ascii?Q?=FF?=", FFFD);
	assert_int_equal(c.n, 1);
	has(&c, 0, "charset");
	DECODE(mem, "=?US-ASCII*en?Q?ok?=", "ok");
	DECODE(mem, "=?iso-8859-1?Q?caf=E9_=FF?=", "caf\xC3\xA9 \xC3\xBF");
	DECODE(mem, "=?latin1?B?6Q==?=", "\xC3\xA9");
	/* other charsets through iconv */
	DECODE(mem, "=?windows-1252?Q?=80?=", "\xE2\x82\xAC");
	DECODE(mem, "=?iso-2022-jp?B?GyRCJUYlOSVIGyhC?=",
	       "\xE3\x83\x86\xE3\x82\xB9\xE3\x83\x88");
	c = DECODE(mem, "=?shift_jis?Q?a=82?=", "a" FFFD);
	has(&c, 0, "charset");
	c = DECODE(mem, "=?utf-16be?B?AGEA3w==?=", "a\xC3\x9F");
	assert_int_equal(c.n, 0);
	talloc_free_children(mem);
}

static void test_nul_is_never_cut(void **state)
{
	TALLOC_CTX *mem = *state;
	struct noted c;

	c = DECODE(mem, "=?utf-8?Q?a=00b?=", "a" FFFD "b");
	assert_int_equal(c.n, 1);
	has(&c, 0, "NUL");
	DECODE(mem, "=?utf-8?B?YQBi?=", "a" FFFD "b");
	DECODE(mem, "=?us-ascii?Q?=00?=", FFFD);
	DECODE(mem, "=?iso-8859-1?Q?=00x?=", FFFD "x");
	/* a NUL that iconv makes (U+0000 in UTF-16) */
	c = DECODE(mem, "=?utf-16be?B?AAAAYQ==?=", FFFD "a");
	has(&c, 0, "NUL");
	/* raw NUL and raw octets that are not UTF-8 */
	c = decode(mem, S("a\0b caf\xE9 \xC3\xA9"),
	           S("a" FFFD "b caf" FFFD " \xC3\xA9"));
	assert_int_equal(c.n, 1); /* one kind, noted once */
	has(&c, 1, "raw octet");
	talloc_free_children(mem);
}

/* An encoded CR or LF would end the header line the value is written back
 * into (header injection): U+FFFD with a problem, like NUL. */
static void test_crlf_never_decoded(void **state)
{
	TALLOC_CTX *mem = *state;
	struct noted c;

	c = DECODE(mem, "=?utf-8?Q?a=0D=0ABcc:_evil@example.net?=",
	           "a" FFFD FFFD "Bcc: evil@example.net");
	assert_int_equal(c.n, 1);
	has(&c, 0, "CR or LF");
	DECODE(mem, "=?us-ascii?B?YQ1i?=", "a" FFFD "b");
	DECODE(mem, "=?iso-8859-1?Q?x=0A?=", "x" FFFD);
	/* through iconv: U+000A in UTF-16 */
	DECODE(mem, "=?utf-16be?B?AAoAYQ==?=", FFFD "a");
	talloc_free_children(mem);
}

static void test_split_words_are_joined(void **state)
{
	TALLOC_CTX *mem = *state;
	struct noted c;

	/* e-acute cut in two, Q then B; charset names differ in case */
	c = DECODE(mem, "=?utf-8?Q?=C3?= =?UTF-8?Q?=A9?=", "\xC3\xA9");
	assert_int_equal(c.n, 1);
	has(&c, 16, "split");
	DECODE(mem, "=?utf-8?B?ww==?=\t=?utf-8?B?qQ==?= x", "\xC3\xA9 x");
	/* a four-octet character over three words */
	DECODE(mem, "=?utf-8?Q?=F0=9F?= =?utf-8?Q?=93?= =?utf-8?Q?=A7!?=",
	       "\xF0\x9F\x93\xA7!");
	/* not adjacent (text between), or another charset: not joined */
	c = DECODE(mem, "=?utf-8?Q?=C3?= x =?utf-8?Q?=A9?=", FFFD " x " FFFD);
	has(&c, 0, "invalid UTF-8");
	DECODE(mem, "=?utf-8?Q?=C3?= =?iso-8859-1?Q?=A9?=", FFFD "\xC2\xA9");
	/* iconv charsets are joined too: a Shift_JIS pair cut in two */
	DECODE(mem, "=?shift_jis?Q?=82?= =?shift_jis?Q?=A0?=", "\xE3\x81\x82");
	talloc_free_children(mem);
}

static void test_unknown_charset_and_white_space(void **state)
{
	TALLOC_CTX *mem = *state;
	struct noted c;

	c = DECODE(mem, "=?x-nope?Q?=FF?=", "=?x-nope?Q?=FF?=");
	assert_int_equal(c.n, 1);
	has(&c, 0, "unknown charset");
	/* kept as written, but its raw octets are checked */
	DECODE(mem, "=?x-nope?Q?\xFF?=", "=?x-nope?Q?" FFFD "?=");
	/* white space between encoded words goes, elsewhere it stays */
	DECODE(mem, "=?utf-8?q?a?= =?utf-8?q?b?=", "ab");
	DECODE(mem, "=?utf-8?q?a?=  x  =?utf-8?q?b?= ", "a  x  b ");
	DECODE(mem, "=?x-nope?q?a?= =?utf-8?q?b?=", "=?x-nope?q?a?= b");
	DECODE(mem, "=?utf-8?q?a?= =?x-nope?q?b?=", "a =?x-nope?q?b?=");
	/* malformed words stay as written */
	DECODE(mem, "=?x-nope?B?QQ==?= =?utf-8?Z?a?= =?ab",
	       "=?x-nope?B?QQ==?= =?utf-8?Z?a?= =?ab");
	DECODE(mem, "=??q?a?= =?utf-8?q?a", "=??q?a?= =?utf-8?q?a");
	/* a charset is a token: no blank, control or 8-bit octet */
	DECODE(mem, "=?utf 8?q?a?=", "=?utf 8?q?a?=");
	decode(mem, S("=?utf-8\0x?q?a?="), S("=?utf-8" FFFD "x?q?a?="));
	/* without DSNG__WORDS_DECODE only the check is made */
	{
		size_t n;
		char *s = dsng__mime_words(mem, S("=?utf-8?q?a?= \xFF"), 0, &n,
		                           NULL, NULL);
		assert_string_equal(s, "=?utf-8?q?a?= " FFFD);
	}
	talloc_free_children(mem);
}

/* Many "=?" without an end: the input is scanned once, not once per
 * "=?" (which took minutes on a megabyte before). */
static void test_linear_time(void **state)
{
	TALLOC_CTX *mem = *state;
	size_t n = 1u << 20, i;
	char *in = talloc_array(mem, char, n), *s;

	for (i = 0; i < n; i++)
		in[i] = "=?utf-8?q?a"[i % 11];
	s = dsng_mime_decode_words(mem, in, n);
	assert_non_null(s);
	assert_int_equal(strlen(s), n);
	talloc_free_children(mem);
}

static void test_unfold_pos(void **state)
{
	TALLOC_CTX *mem = *state;
	static const char v[] = "  a\r\n b\nc \r\n\td\r\n ";
	size_t n, k;
	char *u = dsng_mime_unfold(mem, &n, S(v));

	assert_string_equal(u, "a b c \td");
	for (k = 0; k < n; k++) {
		size_t at = dsng__mime_unfold_pos(S(v), k);
		if (u[k] == ' ' && k == 3)
			assert_int_equal(at, 7); /* the broken fold's LF */
		else
			assert_int_equal(v[at], u[k]);
	}
	assert_int_equal(dsng__mime_unfold_pos(S(v), n), 14);
	talloc_free(u);
}

#define HEAD                                                                   \
	"From: a@b.example\nContent-Type: multipart/report; "                  \
	"report-type=delivery-status; boundary=B\n\n"                          \
	"--B\nContent-Type: message/delivery-status\n\n"                       \
	"Reporting-MTA: dns; mx\n\nFinal-Recipient: rfc822; a@b\n"             \
	"Action: failed\nStatus: 5.1.1\n\n"

static const struct dsng_mime_problem *find(const struct dsng_report *r,
                                            const char *field)
{
	size_t i;

	for (i = 0; i < r->n_problems; i++)
		if (strcmp(r->problems[i].field, field) == 0)
			return &r->problems[i];
	return NULL;
}

static void test_returned_values(void **state)
{
	TALLOC_CTX *mem = *state;
	static const char in[] =
	        HEAD "--B\nContent-Type: text/rfc822-headers\n\n"
	             "Subject: Re:\n =?utf-8?Q?caf=C3?= =?utf-8?Q?=A9_=00?=\n"
	             "From: =?us-ascii?Q?J=FCrg?= <j@x>\n"
	             "To: =?x-unknown?Q?=E9?= <t@x>\n"
	             "Message-ID: <\xFF@x>\n"
	             "\n--B--\n";
	const char *g = dsng_test_guard(in, sizeof(in) - 1);
	struct dsng_report *r;
	const struct dsng_mime_problem *p;

	assert_int_equal(
	        dsng_report_parse(mem, &r, g, sizeof(in) - 1, NULL, NULL),
	        DSNG_OK);
	assert_string_equal(r->returned->subject, "Re: caf\xC3\xA9 " FFFD);
	assert_string_equal(r->returned->from, "J" FFFD "rg <j@x>");
	assert_string_equal(r->returned->to, "=?x-unknown?Q?=E9?= <t@x>");
	assert_string_equal(r->returned->message_id, "<" FFFD "@x>");
	/* each at its octet in the message, through the fold */
	p = find(r, "Subject");
	assert_non_null(p);
	assert_int_equal(p->offset, (size_t)(strstr(in, "=?utf-8?Q?=A9") - in));
	p = find(r, "From");
	assert_non_null(p);
	assert_int_equal(p->offset, (size_t)(strstr(in, "=?us-ascii") - in));
	p = find(r, "To");
	assert_non_null(p);
	assert_int_equal(p->offset, (size_t)(strstr(in, "=?x-unknown") - in));
	p = find(r, "Message-ID");
	assert_non_null(p);
	assert_int_equal(p->offset, (size_t)(strstr(in, "\xFF@x") - in));
	talloc_free(r);
	dsng_test_guard_free(g);
}

static void test_returned_values_decoded_part(void **state)
{
	TALLOC_CTX *mem = *state;
	/* text/rfc822-headers in base64: "Subject: =?utf-8?Q?=C3?=\n" */
	static const char in[] = HEAD "--B\nContent-Type: text/rfc822-headers\n"
	                              "Content-Transfer-Encoding: base64\n\n"
	                              "U3ViamVjdDogPT91dGYtOD9RPz1DMz89Cg==\n"
	                              "--B--\n";
	struct dsng_report *r;
	const struct dsng_mime_problem *p;
	size_t body = (size_t)(strstr(in, "U3Vi") - in);

	assert_int_equal(dsng_report_parse(mem, &r, S(in), NULL, NULL),
	                 DSNG_OK);
	assert_string_equal(r->returned->subject, FFFD);
	/* decoded text has no position in the input: the encoded body's */
	p = find(r, "Subject");
	assert_non_null(p);
	assert_int_equal(p->offset, body);
	assert_int_equal(r->returned->header->fields[0].offset, body);
	talloc_free(r);
}

/* Plain ASCII (the copy without the decoder) comes out as it went in,
 * with '=' and '?' anywhere but together; one octet that is not plain
 * (NUL, CR, LF, 8-bit) or one "=?" word at any place of any length up
 * to 40 still goes through the checks. */
static void test_plain_text_fast_path(void **state)
{
	TALLOC_CTX *mem = *state;
	char in[48] = {0};
	size_t n, k, olen;
	char *out;

	for (n = 0; n <= 40; n++) {
		for (k = 0; k < n; k++)
			in[k] = (char)(k % 3 == 0   ? '='
			               : k % 3 == 1 ? 'a'
			                            : '?');
		out = dsng__mime_words(mem, in, n, DSNG__WORDS_DECODE, &olen,
		                       NULL, NULL);
		assert_non_null(out);
		assert_int_equal(olen, n);
		assert_memory_equal(out, in, n);
		assert_int_equal(out[n], 0);
		talloc_free(out);
		for (k = 0; k < n; k++) {
			static const char bad[] = {0, '\r', '\n', '\x80'};
			size_t b;
			for (b = 0; b < sizeof(bad); b++) {
				char t[48];
				memset(t, 'x', n);
				t[k] = bad[b];
				out = dsng__mime_words(mem, t, n, 0, &olen,
				                       NULL, NULL);
				assert_non_null(out);
				/* the octet became U+FFFD, the rest kept */
				assert_int_equal(olen, n + 2);
				assert_memory_equal(out + k, FFFD, 3);
				assert_true(valid_utf8(out, olen));
				talloc_free(out);
			}
		}
		if (n >= 12) {
			memset(in, 'x', n);
			memcpy(in + n - 12, "=?utf8?Q?A?=", 12);
			out = dsng__mime_words(mem, in, n, DSNG__WORDS_DECODE,
			                       &olen, NULL, NULL);
			assert_non_null(out);
			/* the word decoded: "A" in place of 12 octets */
			assert_int_equal(olen, n - 11);
			assert_int_equal(out[olen - 1], 'A');
			talloc_free(out);
		}
	}
}

/* dsng__mime_words_plain at every length and every position across its
 * 16-octet windows and their overlapping last one, through a guard page
 * (a read past the value faults): each octet that is not plain is seen
 * alone, "=?" only when decoding, "?=" and a last '=' never. */
static void test_plain_check_every_position(void **state)
{
	static const char bad[] = {0, '\r', '\n', '\x80', '\xff'};
	char t[64];
	size_t n, k, b;

	(void)state;
	for (n = 0; n <= 50; n++) {
		memset(t, 'x', n);
		for (k = 0; k <= n; k++) {
			const char *g;
			for (b = 0; k < n && b < sizeof(bad); b++) {
				t[k] = bad[b];
				g = dsng_test_guard(t, n);
				assert_false(dsng__mime_words_plain(g, n, 0));
				assert_false(dsng__mime_words_plain(
				        g, n, DSNG__WORDS_DECODE));
				dsng_test_guard_free(g);
				t[k] = 'x';
			}
			if (k + 1 < n) {
				t[k] = '=';
				t[k + 1] = '?';
				g = dsng_test_guard(t, n);
				assert_true(dsng__mime_words_plain(g, n, 0));
				assert_false(dsng__mime_words_plain(
				        g, n, DSNG__WORDS_DECODE));
				dsng_test_guard_free(g);
				t[k] = '?';
				t[k + 1] = '=';
				g = dsng_test_guard(t, n);
				assert_true(dsng__mime_words_plain(
				        g, n, DSNG__WORDS_DECODE));
				dsng_test_guard_free(g);
				t[k] = t[k + 1] = 'x';
			}
		}
		if (n) {
			t[n - 1] = '=';
			assert_true(dsng__mime_words_plain(t, n,
			                                   DSNG__WORDS_DECODE));
			t[n - 1] = 'x';
		}
	}
}

int main(void)
{
#define T(f)                                                                   \
	cmocka_unit_test_setup_teardown(f, dsng_test_setup_ctx,                \
	                                dsng_test_teardown_ctx)
	const struct CMUnitTest tests[] = {
	        T(test_invalid_utf8_and_charsets),
	        T(test_nul_is_never_cut),
	        T(test_crlf_never_decoded),
	        T(test_split_words_are_joined),
	        T(test_unknown_charset_and_white_space),
	        T(test_linear_time),
	        T(test_unfold_pos),
	        T(test_returned_values),
	        T(test_returned_values_decoded_part),
	        T(test_plain_text_fast_path),
	        T(test_plain_check_every_position),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
