/*
 * dsnguard/status.h - the status part of libdsnguard (see DESIGN.md section 2).
 */
#ifndef DSNG_STATUS_H
#define DSNG_STATUS_H

#include <talloc.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif /* DSNG_STATUS_H */
