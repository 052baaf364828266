/*
 * lib/mime_decode.c - transfer decoding (base64, quoted-printable) and
 * mbox splitting.  Decoders are single pass, write into a buffer sized up
 * front from the input length, and never read past `len`.
 */
#include <string.h>

#include "mime_int.h"
#include "mime_scan.h"

/* 0..63 for the alphabet, 64 for '=', 255 for everything else. */
static const unsigned char b64[256] = {
#define X 255
        X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
        X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
        X,  X,  X,  X,  X,  X,  X,  62, X,  X,  X,  63, 52, 53, 54, 55, 56, 57,
        58, 59, 60, 61, X,  X,  X,  64, X,  X,  X,  0,  1,  2,  3,  4,  5,  6,
        7,  8,  9,  10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
        25, X,  X,  X,  X,  X,  X,  26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36,
        37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, X,  X,  X,
        X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
        X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
        X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
        X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
        X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
        X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
        X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
        X,  X,  X,  X,
#undef X
};

size_t dsng_mime_base64_decode(char *out, const char *in, size_t len)
{
	size_t i, o = 0;
	unsigned acc = 0, n = 0;

	for (i = 0; i < len; i++) {
		unsigned char v;
		/* Between quanta, whole quanta of four alphabet octets (the
		 * lines of a body) go four at a time: one test for all four
		 * (64 and 255 both have a bit of 0xc0 set).  In place is
		 * safe: three octets are written where four were read. */
		while (n == 0 && len - i >= 4) {
			unsigned a = b64[(unsigned char)in[i]],
			         b = b64[(unsigned char)in[i + 1]],
			         c = b64[(unsigned char)in[i + 2]],
			         d = b64[(unsigned char)in[i + 3]];
			if ((a | b | c | d) & 0xc0)
				break;
			acc = a << 18 | b << 12 | c << 6 | d;
			out[o] = (char)(acc >> 16);
			out[o + 1] = (char)(acc >> 8);
			out[o + 2] = (char)acc;
			o += 3;
			i += 4;
		}
		acc = n ? acc : 0;
		if (i >= len)
			break;
		v = b64[(unsigned char)in[i]];
		if (v == 64)
			break; /* padding: the data ends here */
		if (v == 255)
			continue; /* line breaks and junk (RFC 2045 6.8) */
		acc = (acc << 6) | v;
		if (++n == 4) {
			out[o++] = (char)(acc >> 16);
			out[o++] = (char)(acc >> 8);
			out[o++] = (char)acc;
			acc = 0;
			n = 0;
		}
	}
	/* A partial quantum: 2 sextets give one octet, 3 give two. */
	if (n == 2) {
		out[o++] = (char)(acc >> 4);
	} else if (n == 3) {
		out[o++] = (char)(acc >> 10);
		out[o++] = (char)(acc >> 2);
	}
	return o;
}

size_t dsng_mime_qp_decode(char *out, const char *in, size_t len)
{
	size_t i = 0, o = 0;
	struct dsng__char_cache eqs = {0, 0, 0};

	while (i < len) {
		char c;
		int hi, lo;
		size_t run = dsng__find_char_cached(in, i, len, '=', &eqs) - i;
		/* plain text between escapes is copied in one go (memmove:
		 * callers may decode in place); escapes in a row have none */
		if (run)
			memmove(out + o, in + i, run);
		o += run;
		i += run;
		if (i >= len)
			break;
		c = in[i];
		if (i + 2 < len &&
		    (hi = dsng__hex((unsigned char)in[i + 1])) >= 0 &&
		    (lo = dsng__hex((unsigned char)in[i + 2])) >= 0) {
			out[o++] = (char)(hi * 16 + lo);
			i += 3;
			continue;
		}
		if (i + 2 == len && dsng__hex((unsigned char)in[i + 1]) >= 0) {
			/* "=X" at the very end: keep as written */
			out[o++] = c;
			i++;
			continue;
		}
		{
			/* soft line break: '=' then optional blanks then EOL */
			size_t j = i + 1;
			while (j < len && (in[j] == ' ' || in[j] == '\t'))
				j++;
			if (j < len && in[j] == '\r')
				j++;
			if (j >= len || in[j] == '\n') {
				i = j < len ? j + 1 : len;
				continue;
			}
		}
		out[o++] = c; /* a malformed escape stays as written */
		i++;
	}
	return o;
}

int dsng__mime_decode(TALLOC_CTX *mem, const char *p, size_t len,
                      enum dsng_mime_cte cte, size_t offset,
                      const struct dsng_mime_limits *lim, const char **out,
                      size_t *out_len, struct dsng_error *err)
{
	size_t need, n;
	char *buf;

	if (cte != DSNG_MIME_CTE_BASE64 && cte != DSNG_MIME_CTE_QP) {
		*out = p;
		*out_len = len;
		return DSNG_OK;
	}
	/* Sized from the input so the decoders cannot overrun; the check
	 * is on the worst case, before anything is allocated. */
	need = cte == DSNG_MIME_CTE_BASE64 ? len / 4 * 3 + 3 : len;
	if (need - (cte == DSNG_MIME_CTE_BASE64 ? 3 : 0) > lim->max_decoded)
		return dsng__fail_limit(err, "max_decoded", DSNG_ERR_SIZE_LIMIT,
		                        offset, 0, NULL,
		                        "decoded body larger than %zu bytes",
		                        lim->max_decoded);
	buf = talloc_array(mem, char, need + 1);
	if (!buf)
		return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, offset, 0,
		                  NULL, "out of memory");
	n = cte == DSNG_MIME_CTE_BASE64 ? dsng_mime_base64_decode(buf, p, len)
	                                : dsng_mime_qp_decode(buf, p, len);
	buf[n] = 0;
	*out = buf;
	*out_len = n;
	return DSNG_OK;
}

int dsng__mime_part_decode(TALLOC_CTX *mem, const char **out, size_t *out_len,
                           const struct dsng_mime_part *part,
                           const struct dsng_mime_limits *lim,
                           struct dsng_error *err)
{
	return dsng__mime_decode(mem, part->body.ptr, part->body.len, part->cte,
	                         part->body_offset, lim, out, out_len, err);
}

int dsng_mime_part_decode(TALLOC_CTX *mem, const char **out, size_t *out_len,
                          const struct dsng_mime_part *part,
                          const struct dsng_mime_limits *lim,
                          struct dsng_error *err)
{
	struct dsng_mime_limits l;
	int rc;

	if (!part || !out || !out_len)
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "NULL argument");
	rc = dsng__mime_limits_take(&l, lim, err);
	if (rc < 0)
		return rc;
	return dsng__mime_part_decode(mem, out, out_len, part, &l, err);
}

bool dsng_mime_mbox_next(struct dsng_span *msg, size_t *pos, const char *buf,
                         size_t len)
{
	size_t start = *pos, p;

	if (!buf || start >= len)
		return false;
	if (len < 5 || memcmp(buf, "From ", 5) != 0) {
		msg->ptr = buf + start;
		msg->len = len - start;
		*pos = len;
		return true;
	}
	if (len - start >= 5 && memcmp(buf + start, "From ", 5) == 0) {
		const char *nl = memchr(buf + start, '\n', len - start);
		start = nl ? (size_t)(nl - buf) + 1 : len;
	}
	p = start;
	for (;;) {
		const char *nl = memchr(buf + p, '\n', len - p);
		size_t next;
		if (!nl) {
			p = len;
			break;
		}
		next = (size_t)(nl - buf) + 1;
		/* a blank line followed by "From " starts the next message */
		if ((next - p == 1 || (next - p == 2 && buf[p] == '\r')) &&
		    len - next >= 5 && memcmp(buf + next, "From ", 5) == 0) {
			p = next;
			break;
		}
		p = next;
	}
	msg->ptr = buf + start;
	msg->len = p - start;
	*pos = p;
	return true;
}
