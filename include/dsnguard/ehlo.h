/*
 * dsnguard/ehlo.h - the ehlo part of libdsnguard (see DESIGN.md section 2).
 */
#ifndef DSNG_EHLO_H
#define DSNG_EHLO_H

#include <talloc.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif /* DSNG_EHLO_H */
