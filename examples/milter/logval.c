/*
 * examples/milter/logval.c - the log-value escaper (see logval.h).
 *
 * Why \xHH for invalid UTF-8 and not U+FFFD: the log is evidence, and an
 * admin reading it wants the bytes the client sent.  Why quote when
 * escaping: a reader can then split fields on spaces outside quotes and
 * knows that a backslash outside quotes never occurs.
 */
#include <stdio.h>
#include <string.h>

#include "logval.h"

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when the bytes
 * there are not one (overlong forms, surrogates, above U+10FFFF, cut). */
static size_t utf8_len(const unsigned char *p, size_t left)
{
	unsigned c = p[0];
	size_t n, i;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (left < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3fu);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/* Whether byte sequence at p needs \xHH (returns 1 for one byte) or may
 * be copied (returns 0, *n its length). */
static bool needs_hex(const unsigned char *p, size_t left, size_t *n)
{
	if (p[0] < 0x20 || p[0] == 0x7f) {
		*n = 1;
		return true;
	}
	*n = utf8_len(p, left);
	if (*n == 0) {
		*n = 1;
		return true;
	}
	return false;
}

static bool must_quote(const unsigned char *v, size_t len)
{
	size_t i = 0, n;

	if (len == 0)
		return true;
	while (i < len) {
		if (v[i] == ' ' || v[i] == '"' || v[i] == '\\' ||
		    needs_hex(v + i, len - i, &n))
			return true;
		i += n;
	}
	return false;
}

/* Octets the escaped value needs, quotes excluded. */
static size_t escaped_len(const unsigned char *u, size_t len)
{
	size_t i = 0, n, total = 0;

	while (i < len) {
		if (needs_hex(u + i, len - i, &n))
			total += 4;
		else if (u[i] == '"' || u[i] == '\\')
			total += 2;
		else
			total += n;
		i += n;
	}
	return total;
}

size_t dm_logval(char *out, size_t size, const char *v, size_t len)
{
	const unsigned char *u = (const unsigned char *)v;
	bool q = must_quote(u, len);
	size_t o = 0, i = 0, n;
	bool fits;
	/* Room kept for the closing quote, "..." and the NUL. */
	size_t tail = (q ? 1 : 0) + 3 + 1;

	if (size == 0)
		return 0;
	if (size < tail + 2) {
		out[0] = 0;
		return 0;
	}
	/* Cut only when the whole value cannot fit. */
	fits = escaped_len(u, len) + (q ? 2 : 0) + 1 <= size;
	if (q)
		out[o++] = '"';
	while (i < len) {
		char piece[8];
		size_t plen;

		if (needs_hex(u + i, len - i, &n)) {
			snprintf(piece, sizeof(piece), "\\x%02x", u[i]);
			plen = 4;
		} else if (u[i] == '"' || u[i] == '\\') {
			piece[0] = '\\';
			piece[1] = (char)u[i];
			plen = 2;
		} else {
			memcpy(piece, u + i, n);
			plen = n;
		}
		if (!fits && o + plen + tail > size) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(out + o, piece, plen);
		o += plen;
		i += n;
	}
	if (q)
		out[o++] = '"';
	out[o] = 0;
	return o;
}

void dm_line_init(struct dm_line *l)
{
	l->len = 0;
	l->buf[0] = 0;
}

/* Append raw text, cut to the room left. */
static void put(struct dm_line *l, const char *s, size_t n)
{
	size_t room = sizeof(l->buf) - 1 - l->len;

	if (n > room)
		n = room;
	memcpy(l->buf + l->len, s, n);
	l->len += n;
	l->buf[l->len] = 0;
}

void dm_line_word(struct dm_line *l, const char *word)
{
	if (l->len)
		put(l, " ", 1);
	put(l, word, strlen(word));
}

void dm_line_kv(struct dm_line *l, const char *key, const char *v, size_t len)
{
	if (l->len)
		put(l, " ", 1);
	put(l, key, strlen(key));
	put(l, "=", 1);
	if (!v) {
		put(l, "-", 1);
		return;
	}
	l->len += dm_logval(l->buf + l->len, sizeof(l->buf) - l->len, v, len);
}

void dm_line_kvs(struct dm_line *l, const char *key, const char *v)
{
	dm_line_kv(l, key, v, v ? strlen(v) : 0);
}

void dm_line_kvu(struct dm_line *l, const char *key, unsigned long long n)
{
	char num[24];

	snprintf(num, sizeof(num), "%llu", n);
	dm_line_kvs(l, key, num);
}
