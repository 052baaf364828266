/*
 * dsnguard/reply.h - the reply part of libdsnguard (see DESIGN.md section 2).
 */
#ifndef DSNG_REPLY_H
#define DSNG_REPLY_H

#include <talloc.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif /* DSNG_REPLY_H */
