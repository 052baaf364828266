/*
 * dsnguard/policy.h - the policy part of libdsnguard (see DESIGN.md section 2).
 */
#ifndef DSNG_POLICY_H
#define DSNG_POLICY_H

#include <talloc.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif /* DSNG_POLICY_H */
