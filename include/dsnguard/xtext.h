/*
 * dsnguard/xtext.h - the xtext part of libdsnguard (see DESIGN.md section 2).
 */
#ifndef DSNG_XTEXT_H
#define DSNG_XTEXT_H

#include <talloc.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif /* DSNG_XTEXT_H */
