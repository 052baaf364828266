/*
 * tests/fuzz/fuzz_mime_props.c - properties of the MIME reader, checked on
 * every input (the first byte also steers the encoder below):
 *
 * - RFC 2047 decoding always gives valid UTF-8 without NUL (checked by the
 *   tests' own validator, support/dsng_utf8_valid.h), every problem it
 *   notes is at an offset inside its input, and input that is already
 *   valid UTF-8 with no NUL and no "=?" comes out unchanged, with nothing
 *   noted;
 * - any valid UTF-8 text without NUL, cut into encoded words at arbitrary
 *   octets (also inside a character), B or Q, adjacent or separated by
 *   blanks, decodes back to exactly itself;
 * - dsng__mime_unfold_pos names, for every byte of an unfolded value, the
 *   input byte it came from, in increasing order;
 * - in a parsed message and in every message/rfc822 part opened from it,
 *   a field's offset is where its name sits in the input (or, in decoded
 *   text, the encoded body's first byte), problems are inside the input,
 *   and a report's returned values are valid UTF-8 without NUL.
 */
#include <stdlib.h>
#include <string.h>

#include <talloc.h>

#include "dsnguard/dsnguard.h"
#include "../support/dsng_utf8_valid.h"
#include "fuzz_input.h"
#include "mime_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Valid UTF-8 without NUL (the tests' own validator), and no CR or LF:
 * never in decoded header text. */
static int valid_utf8(const unsigned char *u, size_t n)
{
	if (n && (memchr(u, '\r', n) || memchr(u, '\n', n)))
		return 0;
	return dsng_test_utf8_valid(u, n);
}

static void check_text(const char *s)
{
	if (!s || !valid_utf8((const unsigned char *)s, strlen(s)))
		abort();
}

struct span_arg {
	size_t len, n;
};

static int in_input(void *arg, size_t at, const char *message)
{
	struct span_arg *a = arg;

	if (at >= a->len || !message)
		abort();
	a->n++;
	return 0;
}

static int has_word_start(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++)
		if (p[i] == '=' && p[i + 1] == '?')
			return 1;
	return 0;
}

static void words(const char *p, size_t len, unsigned flags)
{
	struct span_arg a = {len, 0};
	size_t n = 0;
	char *s = dsng__mime_words(NULL, p, len, flags, &n, in_input, &a);

	if (!s || strlen(s) != n || !valid_utf8((unsigned char *)s, n))
		abort();
	if (valid_utf8((const unsigned char *)p, len) &&
	    (!(flags & DSNG__WORDS_DECODE) || !has_word_start(p, len)) &&
	    (n != len || memcmp(s, p, len) != 0 || a.n != 0))
		abort();
	talloc_free(s);
}

/* Cut x into encoded words at octets chosen by ctl and decode them: the
 * text must come back whole (when it is valid UTF-8 without NUL). */
static void encode_round_trip(unsigned ctl, const char *x, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqr"
	                          "stuvwxyz0123456789+/";
	size_t cap = n * 4 + 64 * (n + 1), o = 0, i = 0, step;
	char *e = malloc(cap), *s;
	unsigned seed = ctl * 2654435761u + 1;

	if (!e)
		abort();
	while (i < n) {
		size_t k, end;
		seed = seed * 1103515245u + 12345u;
		step = 1 + (seed >> 16) % 7;
		end = i + step < n ? i + step : n;
		memcpy(e + o, (seed & 0x100) ? "=?UTF-8?" : "=?utf-8?", 8);
		o += 8;
		if (seed & 0x200) {
			e[o++] = 'B';
			e[o++] = '?';
			for (k = i; k < end; k += 3) {
				unsigned v = (unsigned char)x[k] << 16;
				size_t m = end - k < 3 ? end - k : 3;
				if (m > 1)
					v |= (unsigned char)x[k + 1] << 8;
				if (m > 2)
					v |= (unsigned char)x[k + 2];
				e[o++] = b64[v >> 18 & 63];
				e[o++] = b64[v >> 12 & 63];
				e[o++] = m > 1 ? b64[v >> 6 & 63] : '=';
				e[o++] = m > 2 ? b64[v & 63] : '=';
			}
		} else {
			e[o++] = 'Q';
			e[o++] = '?';
			for (k = i; k < end; k++) {
				unsigned char c = (unsigned char)x[k];
				if (c == ' ') {
					e[o++] = '_';
				} else if ((c >= 'a' && c <= 'z') ||
				           (c >= '0' && c <= '9')) {
					e[o++] = (char)c;
				} else {
					e[o++] = '=';
					e[o++] = hex[c >> 4];
					e[o++] = hex[c & 15];
				}
			}
		}
		e[o++] = '?';
		e[o++] = '=';
		/* adjacent, or blanks between: all dropped (blanks after
		 * the last word would stay) */
		if ((seed & 0x400) && end < n)
			e[o++] = ' ';
		if ((seed & 0x800) && end < n)
			e[o++] = '\t';
		i = end;
	}
	s = dsng_mime_decode_words(NULL, e, o);
	check_text(s);
	if (valid_utf8((const unsigned char *)x, n) &&
	    (strlen(s) != n || memcmp(s, x, n) != 0))
		abort();
	talloc_free(s);
	free(e);
}

static void unfold(const char *p, size_t len)
{
	size_t n, k, prev = 0, step;
	char *u = dsng_mime_unfold(NULL, &n, p, len);

	if (!u)
		abort();
	/* each lookup walks from the start: every byte of short values,
	 * some 200 of long ones */
	step = n <= 512 ? 1 : n / 200;
	for (k = 0; k < n; k += step) {
		size_t at = dsng__mime_unfold_pos(p, len, k);
		if (at >= len || (k && at <= prev))
			abort();
		/* a byte as it was, or the space put in for a broken fold */
		if (p[at] != u[k] && !(u[k] == ' ' && p[at] == '\n'))
			abort();
		prev = at;
	}
	if (dsng__mime_unfold_pos(p, len, n) > len)
		abort();
	talloc_free(u);
}

/* Fields point at their names in the input, or all at base_offset when
 * the message is decoded text; problems lie inside the input. */
static void check_message(const struct dsng_mime_message *m, const char *buf,
                          size_t size)
{
	size_t i, k;

	for (i = 0; i < m->n_parts; i++) {
		const struct dsng_mime_part *p = m->parts[i];
		for (k = 0; k < p->header.n_fields; k++) {
			const struct dsng_mime_field *f = &p->header.fields[k];
			if (m->decoded ? f->offset != m->base_offset
			               : f->name.ptr != buf + f->offset)
				abort();
		}
		if (p->offset > size || p->body_offset > size ||
		    (m->decoded && p->body_offset != m->base_offset) ||
		    (!m->decoded && p->body.ptr != buf + p->body_offset))
			abort();
	}
	for (i = 0; i < m->n_problems; i++)
		if (m->problems[i].offset > size)
			abort();
}

static void mime(const char *buf, size_t size)
{
	struct dsng_mime_message *m, *sub, *sub2;
	struct dsng_mime_limits lim = DSNG_MIME_LIMITS_INIT;
	size_t i, j;

	lim.max_parts = 50;
	if (dsng_mime_parse(NULL, &m, buf, size, &lim, NULL) != DSNG_OK)
		return;
	check_message(m, buf, size);
	for (i = 0; i < m->n_parts; i++) {
		if (strncmp(m->parts[i]->type, "message/", 8) != 0 ||
		    dsng_mime_open_message(NULL, &sub, m, m->parts[i], &lim,
		                           NULL) != DSNG_OK)
			continue;
		if (sub->decoded != (m->parts[i]->cte == DSNG_MIME_CTE_BASE64 ||
		                     m->parts[i]->cte == DSNG_MIME_CTE_QP))
			abort();
		check_message(sub, buf, size);
		/* one level further (inside decoded text: all decoded) */
		for (j = 0; j < sub->n_parts; j++) {
			if (strncmp(sub->parts[j]->type, "message/", 8) != 0 ||
			    dsng_mime_open_message(NULL, &sub2, sub,
			                           sub->parts[j], &lim,
			                           NULL) != DSNG_OK)
				continue;
			if (sub->decoded && !sub2->decoded)
				abort();
			check_message(sub2, buf, size);
			talloc_free(sub2);
		}
		talloc_free(sub);
	}
	talloc_free(m);
}

static void report(const char *buf, size_t size)
{
	struct dsng_report *r;
	size_t i;

	if (dsng_report_parse(NULL, &r, buf, size, NULL, NULL) != DSNG_OK)
		return;
	for (i = 0; i < r->n_problems; i++)
		if (r->problems[i].offset > size)
			abort();
	for (i = 0; i < r->n_recipients; i++)
		if (r->recipients[i]->offset > size)
			abort();
	if (r->returned) {
		const struct dsng_report_returned *rt = r->returned;
		const char *v[] = {rt->message_id, rt->from, rt->to,
		                   rt->subject,    rt->date, rt->return_path};
		for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
			if (v[i])
				check_text(v[i]);
	}
	talloc_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size);

	words(buf, size, DSNG__WORDS_DECODE);
	words(buf, size, 0);
	if (size)
		encode_round_trip(data[0], buf + 1, size - 1);
	unfold(buf, size);
	mime(buf, size);
	report(buf, size);
	free(buf);
	return 0;
}
