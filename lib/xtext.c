/*
 * lib/xtext.c - RFC 3461 section 4 xtext: decode into a caller buffer,
 * encode snprintf-style, and talloc conveniences over both.
 */
#include <string.h>

#include "chars.h"

static int bad(struct dsng_error *err, size_t off, const char *why)
{
	return dsng__fail(err, DSNG_ESYNTAX, DSNG_ERR_BAD_XTEXT, off, 501,
	                  "5.5.4", "invalid xtext: %s", why);
}

int dsng_xtext_decode(char *out, size_t out_size, size_t *out_len,
                      const char *in, size_t len, unsigned flags,
                      unsigned *seen, struct dsng_error *err)
{
	const unsigned char *s = (const unsigned char *)in;
	int lower = (flags & DSNG_XTEXT_LOWER_HEX) != 0;
	size_t i = 0, o = 0;

	if (!out_len || (!in && len) || (!out && out_size))
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "NULL argument");
	*out_len = 0;
	while (i < len) {
		unsigned c;
		size_t step = 1;

		/* Most xtext is runs of plain xchars: copy them four at a
		 * time while they fit; the rest goes one by one below, which
		 * also reports the octet that does not fit. */
		while (len - i >= 4 && out_size - o >= 4 &&
		       (dsng__cclass[s[i]] & dsng__cclass[s[i + 1]] &
		        dsng__cclass[s[i + 2]] & dsng__cclass[s[i + 3]] &
		        DSNG__C_XCHAR)) {
			memcpy(out + o, s + i, 4);
			o += 4;
			i += 4;
		}
		if (i == len)
			break;
		c = s[i];
		if (c == '+') {
			int hi, lo;

			/* Both digits must exist before we look at them: a '+'
			 * at the end is the classic over-read. */
			if (len - i < 3)
				return bad(err, i, "'+' needs two hex digits");
			hi = dsng__hexval(s[i + 1], lower);
			lo = dsng__hexval(s[i + 2], lower);
			if (hi < 0 || lo < 0) {
				if (dsng__hexval(s[i + 1], 1) >= 0 &&
				    dsng__hexval(s[i + 2], 1) >= 0)
					return bad(err, i,
					           "lower-case hex digit");
				return bad(err, i, "'+' needs two hex digits");
			}
			if (seen && (s[i + 1] >= 'a' || s[i + 2] >= 'a'))
				*seen |= DSNG_XTEXT_SEEN_LOWER_HEX;
			c = (unsigned)(hi << 4 | lo);
			if (c == 0)
				return bad(err, i, "decodes to NUL");
			if ((flags & DSNG_XTEXT_PRINTABLE) &&
			    (c < 0x20 || c == 0x7f))
				return bad(err, i,
				           "decodes to a control character");
			if ((flags & DSNG_XTEXT_ASCII) && c > 0x7e)
				return bad(err, i,
				           "decodes to a non-ASCII octet");
			step = 3;
		} else if (!dsng__is((unsigned char)c, DSNG__C_XCHAR)) {
			return bad(err, i, "octet must be encoded");
		}
		/* at the octet (or "+XX") that does not fit */
		if (o >= out_size)
			return dsng__fail_limit(
			        err, "out_size", DSNG_ERR_BAD_XTEXT, i, 501,
			        "5.5.4", "decode buffer too small");
		out[o++] = (char)c;
		i += step;
	}
	*out_len = o;
	return DSNG_OK;
}

int dsng_xtext_decode_talloc(TALLOC_CTX *mem, char **out, size_t *out_len,
                             const char *in, size_t len, unsigned flags,
                             struct dsng_error *err)
{
	char *buf;
	size_t n = 0;
	int rc;

	if (!out)
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "NULL argument");
	*out = NULL;
	buf = talloc_size(mem, len + 1);
	if (!buf)
		return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
		                  "out of memory");
	rc = dsng_xtext_decode(buf, len, &n, in, len, flags, NULL, err);
	if (rc != DSNG_OK) {
		talloc_free(buf);
		return rc;
	}
	buf[n] = '\0';
	*out = buf;
	if (out_len)
		*out_len = n;
	return DSNG_OK;
}

size_t dsng_xtext_encode_buf(char *buf, size_t size, const char *in, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *s = (const unsigned char *)in;
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		unsigned c = s[i];

		if (c >= 33 && c <= 126 && c != '+' && c != '=') {
			if (o + 1 < size)
				buf[o] = (char)c;
			o++;
		} else {
			if (o + 3 < size) {
				buf[o] = '+';
				buf[o + 1] = hex[c >> 4];
				buf[o + 2] = hex[c & 15];
			} else if (o < size) {
				size = o + 1; /* never write a partial "+X" */
			}
			o += 3;
		}
	}
	if (size)
		buf[o < size ? o : size - 1] = '\0';
	return o;
}

char *dsng_xtext_encode(TALLOC_CTX *mem, const char *in, size_t len)
{
	size_t need = dsng_xtext_encode_buf(NULL, 0, in, len);
	char *buf = talloc_size(mem, need + 1);

	if (!buf)
		return NULL;
	dsng_xtext_encode_buf(buf, need + 1, in, len);
	return buf;
}
