/*
 * lib/xtext_utf8.c - RFC 6533 section 3 utf-8-addr-xtext and
 * utf-8-addr-unitext ("\x{HEX}" escapes) for ORCPT=utf-8;...
 */
#include <string.h>

#include "chars.h"

/* QCHAR: what may stand for itself in utf-8-addr-xtext (an xchar that
 * is not the backslash). */
static int is_qchar(unsigned c)
{
	return dsng__is((unsigned char)c, DSNG__C_XCHAR) && c != '\\';
}

/* The 2-digit HEXPOINT forms: what is not a QCHAR and below 0x100.  The
 * RFC's ABNF lists 01-09 and 11-19 but not 0A-0F/1A-1F, an evident slip
 * (those are controls that QCHAR cannot carry), so every control is
 * accepted here; NUL never is. */
static int two_digit_ok(uint32_t v)
{
	return v != 0 && v < 0x100 && !is_qchar(v);
}

static size_t put_utf8(char *o, uint32_t c)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | c >> 6);
		o[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | c >> 12);
		o[1] = (char)(0x80 | (c >> 6 & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | c >> 18);
	o[1] = (char)(0x80 | (c >> 12 & 0x3f));
	o[2] = (char)(0x80 | (c >> 6 & 0x3f));
	o[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

static int bad(struct dsng_error *err, size_t off, const char *why)
{
	return dsng__fail(err, DSNG_ESYNTAX, DSNG_ERR_BAD_XTEXT, off, 501,
	                  "5.5.4", "invalid utf-8-addr-xtext: %s", why);
}

static int too_small(struct dsng_error *err, size_t off)
{
	return dsng__fail_limit(err, "out_size", DSNG_ERR_BAD_XTEXT, off, 501,
	                        "5.5.4", "decode buffer too small");
}

/* Parse "\x{HEX}" at s[i]; on success return its length and set *cp. */
static size_t escape(const unsigned char *s, size_t len, size_t i, uint32_t *cp)
{
	size_t j = i + 3, nd;
	uint32_t v = 0;

	if (len - i < 6 || s[i + 1] != 'x' || s[i + 2] != '{')
		return 0;
	while (j < len && j - (i + 3) < 7 && dsng__hexval(s[j], 1) >= 0)
		v = v << 4 | (uint32_t)dsng__hexval(s[j++], 1);
	nd = j - (i + 3);
	if (j >= len || s[j] != '}' || nd < 2 || nd > 6)
		return 0;
	if (nd == 2) {
		if (!two_digit_ok(v))
			return 0;
	} else if (s[i + 3] == '0' || v > 0x10ffff ||
	           (v >= 0xd800 && v <= 0xdfff)) {
		return 0; /* leading zero, out of range, surrogate */
	}
	*cp = v;
	return nd + 4;
}

int dsng_xtext_utf8_decode(char *out, size_t out_size, size_t *out_len,
                           const char *in, size_t len, unsigned flags,
                           unsigned *seen, struct dsng_error *err)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0, o = 0, n;
	uint32_t c;

	if (!out_len || (!in && len) || (!out && out_size))
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "NULL argument");
	*out_len = 0;
	while (i < len) {
		size_t room = out_size - o, k;

		if (is_qchar(s[i])) {
			/* A run of QCHARs stands for itself: copied as it is
			 * scanned, no further than the room left. */
			size_t stop = len - i <= room ? len : i + room;

			while (i < stop && is_qchar(s[i]))
				out[o++] = (char)s[i++];
			if (i == stop && i < len && is_qchar(s[i]))
				return too_small(err, i);
			continue;
		}
		if (s[i] == '\\') {
			n = escape(s, len, i, &c);
			if (!n)
				return bad(err, i, "bad \\x{HEX} escape");
			if ((flags & DSNG_XTEXT_PRINTABLE) &&
			    (c < 0x20 || c == 0x7f))
				return bad(err, i,
				           "decodes to a control character");
			k = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
			if (room < k)
				return too_small(err, i);
			o += put_utf8(out + o, c);
		} else if (s[i] >= 0x80) {
			n = (flags & DSNG_XTEXT_UNITEXT)
			            ? dsng__utf8_seq(s + i, len - i, &c)
			            : 0;
			if (!n)
				return bad(err, i,
				           (flags & DSNG_XTEXT_UNITEXT)
				                   ? "invalid UTF-8"
				                   : "raw non-ASCII octet");
			if (seen)
				*seen |= DSNG_XTEXT_SEEN_8BIT;
			if (room < n)
				return too_small(err, i);
			for (k = 0; k < n; k++)
				out[o + k] = (char)s[i + k];
			o += n;
		} else {
			return bad(err, i, "octet must be escaped");
		}
		i += n;
	}
	*out_len = o;
	return DSNG_OK;
}

size_t dsng_xtext_utf8_encode_buf(char *buf, size_t size, const char *in,
                                  size_t len, bool unitext)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0, o = 0, n, k;
	char tmp[12];
	uint32_t c;

	while (i < len) {
		if (s[i] < 0x80) {
			c = s[i];
			n = 1;
		} else {
			n = dsng__utf8_seq(s + i, len - i, &c);
			if (!n)
				return (size_t)-1;
		}
		if ((c < 0x80 && is_qchar(c)) || (c >= 0x80 && unitext)) {
			memcpy(tmp, s + i, n);
			k = n;
		} else {
			int d = c >= 0x100000  ? 6
			        : c >= 0x10000 ? 5
			        : c >= 0x1000  ? 4
			        : c >= 0x100   ? 3
			                       : 2;
			tmp[0] = '\\', tmp[1] = 'x', tmp[2] = '{';
			for (k = 0; k < (size_t)d; k++)
				tmp[3 + k] =
				        hex[(c >> (4 * (d - 1 - (int)k))) & 15];
			tmp[3 + d] = '}';
			k = (size_t)d + 4;
		}
		if (o + k < size)
			memcpy(buf + o, tmp, k);
		else if (o < size)
			size = o + 1; /* never write a partial escape */
		o += k;
		i += n;
	}
	if (size)
		buf[o < size ? o : size - 1] = '\0';
	return o;
}

char *dsng_xtext_utf8_encode(TALLOC_CTX *mem, const char *in, size_t len,
                             bool unitext)
{
	size_t need = dsng_xtext_utf8_encode_buf(NULL, 0, in, len, unitext);
	char *buf;

	if (need == (size_t)-1)
		return NULL;
	buf = talloc_size(mem, need + 1);
	if (!buf)
		return NULL;
	dsng_xtext_utf8_encode_buf(buf, need + 1, in, len, unitext);
	return buf;
}
