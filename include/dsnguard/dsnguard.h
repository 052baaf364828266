/*
 * dsnguard/dsnguard.h - the one header to include for all of libdsnguard.
 */
#ifndef DSNG_DSNGUARD_H
#define DSNG_DSNGUARD_H

#include "common.h"
#include "xtext.h"
#include "addr.h"
#include "cmd.h"
#include "status.h"
#include "reply.h"
#include "ehlo.h"
#include "mime.h"
#include "report.h"
#include "batv.h"
#include "policy.h"
#include "report_build.h"
#include "maillog.h"
#include "probe.h"

#endif /* DSNG_DSNGUARD_H */
