/*
 * tests/fuzz/fuzz_xtext_roundtrip.c - properties of the encoders, for any
 * bytes x (fuzz_xtext.c starts from the decoders instead):
 *
 * - RFC 3461: xtext_encode(x) is xchars and "+XX" only, upper-case hex;
 *   xtext_decode of it gives x back (with and without LOWER_HEX), or,
 *   when x holds a NUL, fails at that "+00"; PRINTABLE|ASCII accepts it
 *   exactly when x is printable US-ASCII;
 * - RFC 6533: when x is valid UTF-8, utf8_encode(x) is ASCII and decodes
 *   back to x, utf8_encode(x, unitext) decodes back with UNITEXT, both
 *   unless x holds U+0000 (refused always, at its escape); PRINTABLE
 *   accepts exactly when x has no C0 control or DEL; when x is not valid
 *   UTF-8 both encoders refuse it;
 * - the _buf encoders are snprintf-like: the needed length matches the
 *   talloc form, and a short buffer gets a NUL-terminated prefix made of
 *   whole units, which decodes.
 */
#include <stdlib.h>
#include <string.h>

#include <talloc.h>

#include "dsnguard/dsnguard.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

typedef int (*decoder)(char *, size_t, size_t *, const char *, size_t, unsigned,
                       unsigned *, struct dsng_error *);

/* Decode enc with flags; abort unless it gives x back, or (want_fail)
 * fails with a syntax error at an offset inside enc. */
static void check_decode(decoder dec, const char *enc, const char *x, size_t n,
                         unsigned flags, int want_fail)
{
	size_t len = strlen(enc), m = 0;
	char *back = malloc(len + 1);
	struct dsng_error err = DSNG_ERROR_INIT;
	int rc;

	if (!back)
		abort();
	rc = dec(back, len, &m, enc, len, flags, NULL, &err);
	if (want_fail) {
		if (rc != DSNG_ESYNTAX || err.offset >= len)
			abort();
	} else if (rc != DSNG_OK || m != n || (n && memcmp(back, x, n) != 0)) {
		abort();
	}
	free(back);
}

/* A short buffer of every size up to the full one gets a prefix of the
 * full encoding that is a whole number of units: it decodes (NUL aside). */
static void check_truncation(const char *full, const char *x, size_t n,
                             int utf8, bool unitext, decoder dec,
                             unsigned flags)
{
	size_t need = strlen(full), size, len, m;
	char *buf = malloc(need + 1), *back = malloc(need + 1);

	if (!buf || !back)
		abort();
	/* every size for short values, a few for long ones */
	for (size = 0; size <= need + 1;
	     size += need < 64 ? 1 : need / 16 + 1) {
		size_t r = utf8 ? dsng_xtext_utf8_encode_buf(buf, size, x, n,
		                                             unitext)
		                : dsng_xtext_encode_buf(buf, size, x, n);
		if (r != need)
			abort();
		if (size == 0)
			continue;
		len = strlen(buf);
		if (len >= size || memcmp(buf, full, len) != 0)
			abort();
		if (!memchr(x, 0, n) &&
		    dec(back, need, &m, buf, len, flags, NULL, NULL) != DSNG_OK)
			abort();
	}
	free(buf);
	free(back);
}

static void rfc3461(const char *x, size_t n)
{
	char *enc = dsng_xtext_encode(NULL, x, n);
	int has_nul = memchr(x, 0, n) != NULL, printable = 1;
	size_t i;

	if (!enc)
		abort();
	for (i = 0; enc[i]; i++) {
		unsigned char c = (unsigned char)enc[i];
		if (c < 33 || c > 126 || c == '=')
			abort();
		if (c == '+') {
			if (!strchr("0123456789ABCDEF", enc[i + 1]) ||
			    !enc[i + 1] ||
			    !strchr("0123456789ABCDEF", enc[i + 2]) ||
			    !enc[i + 2])
				abort();
			i += 2;
		}
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)x[i] < 0x20 || (unsigned char)x[i] > 0x7e)
			printable = 0;
	check_decode(dsng_xtext_decode, enc, x, n, 0, has_nul);
	check_decode(dsng_xtext_decode, enc, x, n, DSNG_XTEXT_LOWER_HEX,
	             has_nul);
	check_decode(dsng_xtext_decode, enc, x, n,
	             DSNG_XTEXT_PRINTABLE | DSNG_XTEXT_ASCII, !printable);
	check_truncation(enc, x, n, 0, false, dsng_xtext_decode, 0);
	talloc_free(enc);
}

static void rfc6533(const char *x, size_t n)
{
	char *enc = dsng_xtext_utf8_encode(NULL, x, n, false);
	char *uni = dsng_xtext_utf8_encode(NULL, x, n, true);
	int has_nul = memchr(x, 0, n) != NULL, controls = 0;
	size_t i;

	if (!enc || !uni) {
		/* only invalid UTF-8 is refused, by both */
		if (enc || uni ||
		    dsng_xtext_utf8_encode_buf(NULL, 0, x, n, false) !=
		            (size_t)-1)
			abort();
		return;
	}
	for (i = 0; enc[i]; i++)
		if ((unsigned char)enc[i] < 33 || (unsigned char)enc[i] > 126)
			abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)x[i] < 0x20 || x[i] == 0x7f)
			controls = 1;
	check_decode(dsng_xtext_utf8_decode, enc, x, n, 0, has_nul);
	check_decode(dsng_xtext_utf8_decode, uni, x, n, DSNG_XTEXT_UNITEXT,
	             has_nul);
	check_decode(dsng_xtext_utf8_decode, enc, x, n, DSNG_XTEXT_PRINTABLE,
	             controls);
	/* the unitext form holds raw 8-bit only if x does */
	if (strlen(uni) > strlen(enc))
		abort();
	check_truncation(enc, x, n, 1, false, dsng_xtext_utf8_decode, 0);
	check_truncation(uni, x, n, 1, true, dsng_xtext_utf8_decode,
	                 DSNG_XTEXT_UNITEXT);
	talloc_free(enc);
	talloc_free(uni);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *x = fuzz_copy(data, size);

	rfc3461(x, size);
	rfc6533(x, size);
	free(x);
	return 0;
}
