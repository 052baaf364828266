/*
 * tests/support/dsng_synth_dsn.c - synthetic delivery reports of any
 * size (see dsng_synth_dsn.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsng_synth_dsn.h"

/* Appends to b what printf would print, growing b (exit on no memory:
 * a test or bench has nothing to fall back to). */
static void add(struct dsng_test_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			exit(1);
		if ((size_t)n < b->cap - b->len)
			break;
		b->cap = b->cap * 2 + (size_t)n;
		if (!(b->p = realloc(b->p, b->cap)))
			exit(1);
	}
	b->len += (size_t)n;
}

struct dsng_test_buf dsng_test_synth_dsn(enum dsng_test_dsn_shape s, size_t n,
                                         size_t body)
{
	const char *nl = s == DSNG_TEST_DSN_CRLF ? "\r\n" : "\n";
	struct dsng_test_buf b = {malloc(4096), 0, 4096};
	char line[77];
	size_t i;

	if (!b.p)
		exit(1);
	add(&b,
	    "From: MAILER-DAEMON@mx.example.org%sTo: a@example.org%s"
	    "MIME-Version: 1.0%sContent-Type: multipart/report; "
	    "report-type=delivery-status; boundary=\"BB\"%s%s"
	    "--BB%sContent-Type: text/plain%s%sfailed%s"
	    "--BB%sContent-Type: message/delivery-status%s%s"
	    "Reporting-MTA: dns; mx.example.org%s"
	    "Arrival-Date: Sun, 29 Nov 2026 01:44:00 +0000%s",
	    nl, nl, nl, nl, nl, nl, nl, nl, nl, nl, nl, nl, nl, nl);
	for (i = 0; i < n; i++) {
		if (s == DSNG_TEST_DSN_POSTFIX)
			add(&b,
			    "\nFinal-Recipient: rfc822; user%zu@example.net\n"
			    "Original-Recipient: rfc822;user%zu@example.net\n"
			    "Action: failed\nStatus: 5.1.1\n"
			    "Remote-MTA: dns; mx%zu.example.net\n"
			    "Diagnostic-Code: smtp; 550 5.1.1 "
			    "<user%zu@example.net>: Recipient address\n"
			    "    rejected: User unknown in virtual mailbox "
			    "table\n",
			    i, i, i % 4, i);
		else if (s == DSNG_TEST_DSN_LF)
			add(&b,
			    "\nFinal-Recipient: rfc822; "
			    "first.last%zu@example.com\n"
			    "Action: failed\nStatus: 5.1.1\n",
			    i);
		else
			add(&b,
			    "\r\nFinal-Recipient: rfc822; user%zu@example.com"
			    "\r\nAction: failed\r\nStatus: 5.1.1\r\n",
			    i);
	}
	add(&b, "%s--BB%sContent-Type: message/rfc822%s%s", nl, nl, nl, nl);
	add(&b, "From: a@example.org%sSubject: hello%s%s", nl, nl, nl);
	memset(line, 'x', 76);
	line[76] = 0;
	for (i = 0; i + 78 <= body; i += 78)
		add(&b, "%s%s", line, nl);
	add(&b, "%s--BB--%s", nl, nl);
	return b;
}
