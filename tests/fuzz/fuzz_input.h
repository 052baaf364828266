/*
 * tests/fuzz/fuzz_input.h - what every fuzz target does with its input
 * first.  libFuzzer's buffer may be followed by readable bytes; a heap
 * block of exactly the input's size is not, so ASan reports any read past
 * the end (the CVE-2019-15846 class of xtext overreads).
 */
#ifndef DSNG_FUZZ_INPUT_H
#define DSNG_FUZZ_INPUT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* An exact-size malloc copy of data[0..n); free() it.  Aborts when out of
 * memory: the run could not go on meaningfully. */
static inline char *fuzz_copy(const uint8_t *data, size_t n)
{
	char *p = malloc(n ? n : 1);

	if (!p)
		abort();
	if (n)
		memcpy(p, data, n);
	return p;
}

#endif
