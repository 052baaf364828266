/*
 * dsnguard/maillog.h - the maillog part of libdsnguard (see DESIGN.md section 2).
 */
#ifndef DSNG_MAILLOG_H
#define DSNG_MAILLOG_H

#include <talloc.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif /* DSNG_MAILLOG_H */
