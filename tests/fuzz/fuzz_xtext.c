/*
 * tests/fuzz/fuzz_xtext.c - RFC 3461 and RFC 6533 decoders with every flag
 * combination; whatever decodes must encode and decode back to itself.
 */
#include <stdlib.h>
#include <string.h>

#include <talloc.h>

#include "dsnguard/dsnguard.h"

#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

typedef int (*decoder)(char *, size_t, size_t *, const char *, size_t, unsigned,
                       unsigned *, struct dsng_error *);

static void round_trip(const char *dec, size_t n, int utf8)
{
	char *enc, *back;
	size_t m = 0;
	int rc;

	enc = utf8 ? dsng_xtext_utf8_encode(NULL, dec, n, false)
	           : dsng_xtext_encode(NULL, dec, n);
	if (!enc)
		abort(); /* decoders only produce valid UTF-8 here */
	back = malloc(strlen(enc) + 1);
	if (!back)
		abort();
	rc = (utf8 ? dsng_xtext_utf8_decode : dsng_xtext_decode)(
	        back, strlen(enc) + 1, &m, enc, strlen(enc), 0, NULL, NULL);
	if (rc != DSNG_OK || m != n || memcmp(back, dec, n) != 0)
		abort();
	free(back);
	talloc_free(enc);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *in, *out;
	unsigned flags;
	size_t n = 0;
	struct dsng_error err = DSNG_ERROR_INIT;

	if (size < 1)
		return 0;
	flags = data[0] & 15;
	in = fuzz_copy(data + 1, size - 1);
	out = malloc(size);
	if (!out)
		abort();
	if (dsng_xtext_decode(out, size - 1, &n, in, size - 1, flags, NULL,
	                      &err) == DSNG_OK) {
		if (n > size - 1)
			abort();
		round_trip(out, n, 0);
	} else if (err.offset >= size - 1 && err.rc == DSNG_ESYNTAX) {
		abort();
	}
	if (dsng_xtext_utf8_decode(out, size - 1, &n, in, size - 1, flags, NULL,
	                           &err) == DSNG_OK) {
		/* \x{..} may decode to controls the encoder escapes: fine */
		if (n)
			round_trip(out, n, 1);
	} else if (err.offset >= size - 1 && err.rc == DSNG_ESYNTAX) {
		abort();
	}
	free(in);
	free(out);
	return 0;
}
