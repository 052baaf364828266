/*
 * tests/support/dsng_maillog_scan.h - collecting what a log scanner
 * (dsng_maillog) gives, for the tests of the log joiner and its formats
 * (test_maillog_join.c, test_maillog_exim.c).
 */
#ifndef DSNG_MAILLOG_SCAN_H
#define DSNG_MAILLOG_SCAN_H

#include <stddef.h>

#include <talloc.h>

#include "dsnguard/dsnguard.h"

/* The events of one scan in the order given, and its summary. */
struct dsng_test_scan {
	struct dsng_maillog_event **ev;
	size_t n;
	struct dsng_maillog_summary *sum;
};

/* Append every event s has ready to r->ev (grown on mem), checking that
 * each comes back on mem as dsng_maillog_next promises. */
void dsng_test_scan_take(struct dsng_maillog *s, TALLOC_CTX *mem,
                         struct dsng_test_scan *r);

#endif
