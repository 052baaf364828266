/*
 * tests/support/dsng_synth_dsn.h - a delivery report (multipart/report,
 * RFC 3464) of n recipients and a returned body of any size, made in
 * memory: for check_report_heap's bounds and report_heap's figures (no
 * cmocka).
 */
#ifndef DSNG_SYNTH_DSN_H
#define DSNG_SYNTH_DSN_H

#include <stddef.h>

struct dsng_test_buf {
	char *p; /* malloc'd; the caller frees it */
	size_t len, cap;
};

/* How each recipient's fields look: Final-Recipient, Action and Status
 * only, with CRLF or LF line ends; or Postfix's own (Original-Recipient,
 * Remote-MTA and a folded Diagnostic-Code too, LF). */
enum dsng_test_dsn_shape {
	DSNG_TEST_DSN_CRLF,
	DSNG_TEST_DSN_LF,
	DSNG_TEST_DSN_POSTFIX
};

/* A report of n recipients of shape s whose returned message has a body
 * of about body octets (lines of 76 x's).  Exits on no memory. */
struct dsng_test_buf dsng_test_synth_dsn(enum dsng_test_dsn_shape s, size_t n,
                                         size_t body);

#endif
