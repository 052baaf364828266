/*
 * tests/check_report_heap.c - the heap a parsed report really holds stays
 * within twice its input (issue 11's target): read from glibc's own
 * statistics (mallinfo2: talloc headers, block slack and glibc's chunk
 * rounding all count), for reports of 10,000 recipients in the compact
 * shapes (Final-Recipient, Action, Status only; CRLF and LF) and in
 * Postfix's full shape, over the shared corpus when it is there, and for
 * returned bodies of 1 and 10 MB, which must hold the same few KB (no
 * buffer sized from the input).  A parse that fails holds nothing.
 *
 *   check_report_heap [CORPUS_DIR]
 *
 * Exit 0, 1 when a bound is broken, 77 (skip) when the allocator's
 * statistics do not see malloc (ASan, valgrind, another allocator).  It
 * runs itself again with glibc's tcache and fastbins off: chunks parked
 * there count as in use, so a parse that reuses freed ones would seem to
 * hold almost nothing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dsnguard/dsnguard.h"
#include "dsng_corpus_walk.h"
#include "dsng_heap.h"

#define BOUND 2.0

static struct dsng_mime_limits mlim = DSNG_MIME_LIMITS_INIT;
static struct dsng_report_limits rlim = DSNG_REPORT_LIMITS_INIT;
static int failures;

/* Heap held by the parsed report of buf, and its recipients in *nr;
 * (size_t)-1 when the parse failed (then nothing may be held). */
static size_t held(const char *buf, size_t len, size_t *nr)
{
	struct dsng_test_heap_parse p = dsng_test_heap_parse(buf, len, &rlim);

	if (!p.ok) {
		if (p.held != 0) {
			printf("FAIL: a failed parse holds %td bytes\n",
			       p.held);
			failures++;
		}
		return (size_t)-1;
	}
	if (nr)
		*nr = p.recipients;
	return (size_t)p.held;
}

struct buf {
	char *p;
	size_t len, cap;
};

static void add(struct buf *b, const char *fmt, ...)
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

enum shape { COMPACT_CRLF, COMPACT_LF, POSTFIX };

/* A DSN with n recipients of the given shape and a returned message with
 * a body of about body bytes; the caller frees b.p. */
static struct buf report(enum shape s, size_t n, size_t body)
{
	const char *nl = s == COMPACT_CRLF ? "\r\n" : "\n";
	struct buf b = {malloc(4096), 0, 4096};
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
		if (s == POSTFIX)
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
		else if (s == COMPACT_LF)
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

static void bound(const char *what, size_t in, size_t h, double limit)
{
	double ratio = (double)h / (double)in;

	printf("%s: %zu bytes in, %zu held: %.3fx (bound %.1fx)\n", what, in, h,
	       ratio, limit);
	if (ratio > limit) {
		printf("FAIL: %s holds more than %.1fx its input\n", what,
		       limit);
		failures++;
	}
}

static void shape(const char *what, enum shape s)
{
	struct buf b = report(s, 10000, 1000);
	size_t nr = 0, h = held(b.p, b.len, &nr);

	if (h == (size_t)-1 || nr != 10000) {
		printf("FAIL: %s: parse failed or %zu recipients\n", what, nr);
		failures++;
	} else {
		bound(what, b.len, h, BOUND);
	}
	free(b.p);
}

/* The corpus's messages the parser accepts, summed: their octets and
 * the heap their reports hold. */
struct sums {
	size_t in, out;
};

static void corpus_message(char *buf, size_t len, void *arg)
{
	struct sums *sum = arg;
	size_t h = held(buf, len, NULL);

	if (h != (size_t)-1) {
		sum->in += len;
		sum->out += h;
	}
	free(buf);
}

int main(int argc, char **argv)
{
	struct buf one, ten, over;
	struct sums sum = {0, 0};
	size_t h1, h10;

	/* the statistics must see a malloc, or there is nothing to read
	 * (checked first: under valgrind /proc/self/exe is valgrind) */
	if (!dsng_test_heap_counts_malloc()) {
		printf("SKIP: mallinfo2 does not count malloc here (ASan, "
		       "valgrind or another allocator)\n");
		return 77;
	}
	if (dsng_test_heap_exact(argv, "check_report_heap") != 0)
		return 1;
	mlim.max_size = mlim.max_decoded = (size_t)1 << 30;
	rlim.mime = &mlim;
	rlim.max_recipients = 10000;

	shape("10,000 recipients, compact, CRLF", COMPACT_CRLF);
	shape("10,000 recipients, compact, LF", COMPACT_LF);
	shape("10,000 recipients, Postfix's shape", POSTFIX);

	/* the returned body is spans into the input: what is held does not
	 * grow with it (a few bytes for the longer span's digits at most) */
	one = report(COMPACT_CRLF, 1, 1 << 20);
	ten = report(COMPACT_CRLF, 1, 10 << 20);
	h1 = held(one.p, one.len, NULL);
	h10 = held(ten.p, ten.len, NULL);
	printf("1 MB body: %zu held; 10 MB body: %zu held\n", h1, h10);
	if (h1 == (size_t)-1 || h10 == (size_t)-1 || h1 > 16384 ||
	    h10 > h1 + 256) {
		printf("FAIL: a large returned body makes the report hold "
		       "more\n");
		failures++;
	}
	free(one.p);
	free(ten.p);

	/* one recipient over the limit: an error, and nothing held */
	rlim.max_recipients = 9999;
	over = report(COMPACT_CRLF, 10000, 0);
	if (held(over.p, over.len, NULL) != (size_t)-1) {
		printf("FAIL: 10,000 recipients passed max_recipients 9999\n");
		failures++;
	}
	free(over.p);
	rlim.max_recipients = 10000;

	if (argc > 1 && access(argv[1], R_OK) == 0) {
		(void)dsng_test_corpus_walk(argv[1], corpus_message, &sum);
		if (sum.in)
			bound("the corpus", sum.in, sum.out, BOUND);
	} else {
		printf("no corpus at %s: its row not checked\n",
		       argc > 1 ? argv[1] : "(none given)");
	}
	printf(failures ? "%d bound(s) broken\n" : "all bounds hold\n",
	       failures);
	return failures ? 1 : 0;
}
