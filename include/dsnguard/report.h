/*
 * dsnguard/report.h - the report part of libdsnguard (see DESIGN.md section 2).
 */
#ifndef DSNG_REPORT_H
#define DSNG_REPORT_H

#include <talloc.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif /* DSNG_REPORT_H */
