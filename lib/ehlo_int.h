/*
 * lib/ehlo_int.h - helpers shared by ehlo.c and ehlo_format.c; never
 * installed.
 */
#ifndef DSNG_EHLO_INT_H
#define DSNG_EHLO_INT_H

#include "dsnguard/ehlo.h"

/* Whether a capability's keyword is `keyword` in any case. */
bool dsng__ehlo_cap_is(const struct dsng_ehlo_cap *cap, const char *keyword);

#endif /* DSNG_EHLO_INT_H */
