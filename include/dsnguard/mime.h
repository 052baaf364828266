/*
 * dsnguard/mime.h - the mime part of libdsnguard (see DESIGN.md section 2).
 */
#ifndef DSNG_MIME_H
#define DSNG_MIME_H

#include <talloc.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif /* DSNG_MIME_H */
