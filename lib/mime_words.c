/*
 * lib/mime_words.c - RFC 2047 encoded words ("=?charset?B?...?=") in
 * returned Subject/From, decoded to UTF-8.
 */
#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

#include "mime_int.h"

/* Append `in` converted from charset to UTF-8 at *o (room for 4*len+4
 * bytes); returns false when the charset is unknown or the bytes invalid,
 * so the caller keeps the word as written. */
static bool to_utf8(char **o, const char *charset, const char *in, size_t len)
{
	iconv_t cd;
	char *ip = (char *)(uintptr_t)in, *op = *o;
	size_t il = len, ol = len * 4 + 4;

	if (strcasecmp(charset, "utf-8") == 0 ||
	    strcasecmp(charset, "utf8") == 0 ||
	    strcasecmp(charset, "us-ascii") == 0) {
		memcpy(*o, in, len);
		*o += len;
		return true;
	}
	if (strcasecmp(charset, "iso-8859-1") == 0 ||
	    strcasecmp(charset, "latin1") == 0) {
		size_t i;
		for (i = 0; i < len; i++) {
			unsigned char c = (unsigned char)in[i];
			if (c < 0x80) {
				*op++ = (char)c;
			} else {
				*op++ = (char)(0xC0 | (c >> 6));
				*op++ = (char)(0x80 | (c & 0x3F));
			}
		}
		*o = op;
		return true;
	}
	cd = iconv_open("UTF-8", charset);
	if (cd == (iconv_t)-1)
		return false;
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 ||
	    iconv(cd, NULL, NULL, &op, &ol) == (size_t)-1) {
		iconv_close(cd);
		return false;
	}
	iconv_close(cd);
	*o = op;
	return true;
}

/* Decode one word starting at p ("=?"); returns its end or NULL when it
 * is not a well-formed encoded word. */
static const char *word(const char *p, const char *end, char **o, char *tmp)
{
	const char *cs = p + 2, *q, *enc, *text, *tend;
	char charset[64];
	size_t cl, n;

	q = memchr(cs, '?', (size_t)(end - cs));
	if (!q || q + 3 >= end || q[2] != '?')
		return NULL;
	enc = q + 1;
	text = q + 3;
	for (tend = text; tend + 1 < end; tend++)
		if (tend[0] == '?' && tend[1] == '=')
			break;
	if (tend + 1 >= end)
		return NULL;
	cl = (size_t)(q - cs);
	if (cl == 0 || cl >= sizeof(charset))
		return NULL;
	memcpy(charset, cs, cl);
	charset[cl] = 0;
	/* RFC 2231 section 5: charset*language */
	if (strchr(charset, '*'))
		*strchr(charset, '*') = 0;
	if (*enc == 'B' || *enc == 'b') {
		n = dsng_mime_base64_decode(tmp, text, (size_t)(tend - text));
	} else if (*enc == 'Q' || *enc == 'q') {
		const char *s;
		char *t = tmp;
		for (s = text; s < tend; s++)
			*t++ = *s == '_' ? ' ' : *s;
		n = dsng_mime_qp_decode(tmp, tmp, (size_t)(t - tmp));
	} else {
		return NULL;
	}
	if (!to_utf8(o, charset, tmp, n))
		return NULL;
	return tend + 2;
}

char *dsng_mime_decode_words(TALLOC_CTX *mem, const char *p, size_t len)
{
	const char *end = p + len, *s = p;
	char *out, *o, *tmp;
	const char *after_word = NULL; /* end of the last decoded word */

	/* Every decoded byte may become 4 in UTF-8 (iconv worst case). */
	out = talloc_array(mem, char, len * 4 + 8);
	if (!out)
		return NULL;
	/* on out, so freeing out frees it (never on NULL: it would leak) */
	tmp = talloc_array(out, char, len + 4);
	if (!tmp) {
		talloc_free(out);
		return NULL;
	}
	o = out;
	while (s < end) {
		if (s + 1 < end && s[0] == '=' && s[1] == '?') {
			char *start = o;
			const char *e = word(s, end, &o, tmp);
			if (e) {
				/* White space between two encoded words is
				 * dropped (RFC 2047 section 6.2). */
				if (after_word) {
					const char *w = after_word;
					char *ws = start;
					while (w < s &&
					       (*w == ' ' || *w == '\t'))
						w++;
					if (w == s) {
						ws -= s - after_word;
						memmove(ws, start,
						        (size_t)(o - start));
						o = ws + (o - start);
					}
				}
				s = e;
				after_word = e;
				continue;
			}
			o = start;
			*o++ = *s++;
			after_word = NULL;
			continue;
		}
		if (*s != ' ' && *s != '\t')
			after_word = NULL;
		*o++ = *s++;
	}
	*o = 0;
	talloc_free(tmp);
	return out;
}
