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
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "dsnguard/dsnguard.h"
#include "dsng_corpus_walk.h"
#include "dsng_heap.h"
#include "dsng_synth_dsn.h"

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

static void shape(const char *what, enum dsng_test_dsn_shape s)
{
	struct dsng_test_buf b = dsng_test_synth_dsn(s, 10000, 1000);
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
	struct dsng_test_buf one, ten, over;
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

	shape("10,000 recipients, compact, CRLF", DSNG_TEST_DSN_CRLF);
	shape("10,000 recipients, compact, LF", DSNG_TEST_DSN_LF);
	shape("10,000 recipients, Postfix's shape", DSNG_TEST_DSN_POSTFIX);

	/* the returned body is spans into the input: what is held does not
	 * grow with it (a few bytes for the longer span's digits at most) */
	one = dsng_test_synth_dsn(DSNG_TEST_DSN_CRLF, 1, 1 << 20);
	ten = dsng_test_synth_dsn(DSNG_TEST_DSN_CRLF, 1, 10 << 20);
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
	over = dsng_test_synth_dsn(DSNG_TEST_DSN_CRLF, 10000, 0);
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
