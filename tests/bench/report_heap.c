/*
 * tests/bench/report_heap.c - heap a parsed report really holds, read
 * from glibc's own statistics (tests/support/dsng_heap.h: payload,
 * talloc headers and pool slack alike), against its input; and the parse
 * speed of large synthetic reports, to see that a 50 MB one goes at the
 * per-byte speed of a 1 MB one (limits raised).
 *
 *   report_heap CORPUS_DIR   the corpus (dsn/ and other/), then
 *                            10,000 recipients, then 1, 10, 50 MB
 *
 * It runs itself again with glibc's tcache and fastbins off
 * (GLIBC_TUNABLES): chunks parked there count as in use, so a parse that
 * reuses the last one's would otherwise seem to hold almost nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "dsnguard/dsnguard.h"
#include "dsng_corpus_walk.h"
#include "dsng_heap.h"
#include "dsng_synth_dsn.h"

static struct dsng_mime_limits mlim = DSNG_MIME_LIMITS_INIT;
static struct dsng_report_limits rlim = DSNG_REPORT_LIMITS_INIT;

static double cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Heap held by the parsed report of buf; (size_t)-1 if it failed. */
static size_t held(const char *buf, size_t len)
{
	struct dsng_test_heap_parse p = dsng_test_heap_parse(buf, len, &rlim);

	return p.ok ? (size_t)p.held : (size_t)-1;
}

/* The corpus's messages the parser accepts: their octets, the heap their
 * reports hold, and the largest ratio of one message. */
struct sums {
	size_t in, out;
	double worst;
};

static void corpus_message(char *buf, size_t len, void *arg)
{
	struct sums *sum = arg;
	size_t h = held(buf, len);

	if (h != (size_t)-1) {
		sum->in += len;
		sum->out += h;
		if ((double)h / (double)len > sum->worst)
			sum->worst = (double)h / (double)len;
	}
	free(buf);
}

static void big(size_t mb)
{
	size_t h, k, reps = mb >= 50 ? 3 : 50 / mb * 3;
	struct dsng_test_buf b =
	        dsng_test_synth_dsn(DSNG_TEST_DSN_CRLF, 1, mb << 20);
	double t0;

	h = held(b.p, b.len);
	t0 = cpu();
	for (k = 0; k < reps; k++)
		held(b.p, b.len);
	printf("report_heap: %3zu MB report: held %zu bytes (%.4fx), "
	       "%.0f MB/s CPU\n",
	       mb, h, (double)h / (double)b.len,
	       (double)b.len * (double)reps / 1e6 / (cpu() - t0));
	free(b.p);
}

int main(int argc, char **argv)
{
	struct sums sum = {0, 0, 0};
	struct dsng_test_buf b;
	size_t h;

	if (dsng_test_heap_exact(argv, "report_heap") != 0)
		return 1;
	mlim.max_size = mlim.max_decoded = (size_t)1 << 30;
	mlim.max_parts = 1000;
	rlim.mime = &mlim;
	rlim.max_recipients = 100000;
	if (argc > 1) {
		(void)dsng_test_corpus_walk(argv[1], corpus_message, &sum);
		printf("report_heap: corpus %zu bytes in, %zu held: %.2fx "
		       "(worst message %.2fx)\n",
		       sum.in, sum.out, (double)sum.out / (double)sum.in,
		       sum.worst);
	}
	b = dsng_test_synth_dsn(DSNG_TEST_DSN_CRLF, 10000, 1000);
	h = held(b.p, b.len);
	printf("report_heap: 10,000 recipients, %zu bytes in, %zu held: "
	       "%.2fx\n",
	       b.len, h, (double)h / (double)b.len);
	free(b.p);
	big(1);
	big(10);
	big(50);
	return 0;
}
