/*
 * lib/report_build_buf.c - the report writer's output buffer: one line
 * end throughout, header fields folded so that unfolding gives the value
 * back, and wrapped text for the human-readable part.
 */
#include <stdio.h>
#include <string.h>

#include "chars.h"
#include "report_build_int.h"

void dsng__rb_init(struct dsng__rb_buf *b, TALLOC_CTX *mem, bool crlf)
{
	memset(b, 0, sizeof(*b));
	b->mem = mem;
	b->crlf = crlf;
}

static bool reserve(struct dsng__rb_buf *b, size_t n)
{
	size_t want;
	char *p;

	if (b->nomem)
		return false;
	if (n < b->cap - b->len)
		return true;
	want = b->cap ? b->cap : 4096;
	while (want - b->len <= n) {
		if (want > SIZE_MAX / 2) {
			b->nomem = true;
			return false;
		}
		want *= 2;
	}
	p = talloc_realloc(b->mem, b->p, char, want);
	if (!p) {
		b->nomem = true;
		return false;
	}
	b->p = p;
	b->cap = want;
	return true;
}

void dsng__rb_put(struct dsng__rb_buf *b, const char *s, size_t n)
{
	if (!n || !reserve(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

void dsng__rb_puts(struct dsng__rb_buf *b, const char *s)
{
	dsng__rb_put(b, s, strlen(s));
}

void dsng__rb_printf(struct dsng__rb_buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->nomem = true;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		dsng__rb_put(b, small, (size_t)n);
		return;
	}
	if (!reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void dsng__rb_eol(struct dsng__rb_buf *b)
{
	if (b->crlf)
		dsng__rb_put(b, "\r\n", 2);
	else
		dsng__rb_put(b, "\n", 1);
}

/* Length of the UTF-8 sequence at p (1 for ASCII and stray octets), so
 * a forced break never splits a character. */
static size_t char_len(const char *p, size_t n)
{
	uint32_t cp;
	size_t k;

	if ((unsigned char)*p < 0x80)
		return 1;
	k = dsng__utf8_seq((const unsigned char *)p, n, &cp);
	return k ? k : 1;
}

/*
 * The value is cut into tokens, each a run of white space and the word
 * after it (the first has no white space); a fold goes before a token,
 * so every continuation line starts with white space and holds a word.
 */
int dsng__rb_field(struct dsng__rb_buf *b, const char *name, const char *value,
                   size_t len, bool free_text)
{
	size_t i = 0, line, start = b->len;

	dsng__rb_puts(b, name);
	dsng__rb_put(b, ": ", 2);
	line = strlen(name) + 2;
	while (i < len) {
		size_t j = i, w;

		while (j < len &&
		       dsng__is((unsigned char)value[j], DSNG__C_SPACE))
			j++;
		w = j;
		while (j < len &&
		       !dsng__is((unsigned char)value[j], DSNG__C_SPACE))
			j++;
		/* tokens i..j: white space i..w, then a word w..j */
		if (line + (j - i) > DSNG__RB_FOLD && i > 0 && w > i &&
		    line > strlen(name) + 2) {
			dsng__rb_eol(b);
			line = 0;
		}
		if (line + (j - i) > DSNG__RB_HARD) {
			size_t k = i;

			if (!free_text) {
				b->len = start;
				if (b->p)
					b->p[start] = 0;
				return -1;
			}
			/* Break the long word; each piece starts a line with
			 * a space so it stays a continuation. */
			while (k < j) {
				size_t n = char_len(value + k, len - k);

				if (line + n > DSNG__RB_FOLD && line > 1) {
					dsng__rb_eol(b);
					dsng__rb_put(b, " ", 1);
					line = 1;
				}
				dsng__rb_put(b, value + k, n);
				line += n;
				k += n;
			}
		} else {
			dsng__rb_put(b, value + i, j - i);
			line += j - i;
		}
		i = j;
	}
	dsng__rb_eol(b);
	return 0;
}

void dsng__rb_wrap(struct dsng__rb_buf *b, const char *text, size_t len,
                   unsigned indent)
{
	size_t i = 0, line = 0;
	bool empty = true;

	while (i < len) {
		size_t j, w;

		while (i < len &&
		       dsng__is((unsigned char)text[i], DSNG__C_SPACE))
			i++;
		if (i >= len)
			break;
		j = i;
		while (j < len &&
		       !dsng__is((unsigned char)text[j], DSNG__C_SPACE))
			j++;
		w = j - i;
		if (!empty && line + 1 + w > 76) {
			dsng__rb_eol(b);
			empty = true;
		}
		if (empty) {
			unsigned k;

			for (k = 0; k < indent; k++)
				dsng__rb_put(b, " ", 1);
			line = indent;
		} else {
			dsng__rb_put(b, " ", 1);
			line++;
		}
		while (i < j) {
			size_t n = char_len(text + i, len - i);

			if (line + n > DSNG__RB_HARD) {
				unsigned k;

				dsng__rb_eol(b);
				for (k = 0; k < indent; k++)
					dsng__rb_put(b, " ", 1);
				line = indent;
			}
			dsng__rb_put(b, text + i, n);
			line += n;
			i += n;
		}
		empty = false;
	}
	dsng__rb_eol(b);
}
