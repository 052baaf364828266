/*
 * dsnguard/batv.h - the batv part of libdsnguard (see DESIGN.md section 2).
 */
#ifndef DSNG_BATV_H
#define DSNG_BATV_H

#include <talloc.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif /* DSNG_BATV_H */
