/*
 * dsnguard/addr.h - the addr part of libdsnguard (see DESIGN.md section 2).
 */
#ifndef DSNG_ADDR_H
#define DSNG_ADDR_H

#include <talloc.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif /* DSNG_ADDR_H */
