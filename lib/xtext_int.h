/*
 * lib/xtext_int.h - helpers the xtext, addr and cmd parts share: hex
 * digits and strict UTF-8 sequence checks.
 */
#ifndef DSNG_XTEXT_INT_H
#define DSNG_XTEXT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "dsng_private.h"

/* Value of an upper-case hex digit, or of a lower-case one when `lower`;
 * -1 otherwise. */
static inline int dsng__hexval(unsigned char c, int lower)
{
	if (!lower && c >= 'a' && c <= 'f')
		return -1;
	return dsng__hex(c);
}

/*
 * Length (2..4) of the well-formed UTF-8 sequence of a non-ASCII lead
 * octet at p (n octets available), with its code point in *cp; 0 when it
 * is not well-formed (overlong, surrogate, > 10FFFF, truncated).
 */
size_t dsng__utf8_seq(const unsigned char *p, size_t n, uint32_t *cp);

#endif /* DSNG_XTEXT_INT_H */
