/*
 * tests/support/dsng_utf8_valid.h - the tests' own UTF-8 validator, written
 * independently of lib/chars.c so that a bug there cannot hide itself:
 * test_mime_words.c and fuzz/fuzz_mime_props.c check that decoded text
 * is valid with it.  Header-only because the fuzz targets do not link
 * dsng_test_support (it needs cmocka).
 */
#ifndef DSNG_UTF8_VALID_H
#define DSNG_UTF8_VALID_H

#include <stddef.h>

/* Whether u[0..n) is strict UTF-8 (no overlongs, surrogates or values past
 * U+10FFFF) with no NUL. */
static inline int dsng_test_utf8_valid(const unsigned char *u, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = u[i], need, min, cp, k;
		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			need = 1, min = 0x80, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			need = 2, min = 0x800, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			need = 3, min = 0x10000, cp = c & 0x07;
		else
			return 0;
		if (n - i <= need)
			return 0;
		for (k = 1; k <= need; k++) {
			if ((u[i + k] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (u[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += need + 1;
	}
	return 1;
}

#endif
