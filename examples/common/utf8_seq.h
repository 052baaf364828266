/*
 * examples/common/utf8_seq.h - how long a valid UTF-8 sequence is, for the
 * command-line tool (cli/json_util.c: U+FFFD for bad bytes in JSON) and
 * the milter (milter/logval.c: \xHH for bad bytes in its log).  Both show
 * what a client sent, so both must agree on what is valid.
 */
#ifndef DSNG_EXAMPLES_UTF8_SEQ_H
#define DSNG_EXAMPLES_UTF8_SEQ_H

#include <stddef.h>

/* Length of the valid UTF-8 sequence at p (1..4; 1 for any ASCII byte,
 * NUL too), or 0 when the bytes there are not one: a stray continuation
 * byte, an overlong form, a surrogate, above U+10FFFF, or cut short by
 * left (left > 0). */
size_t ex_utf8_len(const unsigned char *p, size_t left);

#endif
