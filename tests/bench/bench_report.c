/*
 * tests/bench/bench_report.c - dsng_report_parse over the whole shared
 * corpus in memory: messages/s, MB/s (median of several passes), and the
 * memory a parsed report holds (talloc_total_size) against its input size.
 *
 *   bench_report [CORPUS]          the figures above, as text
 *   bench_report --rows [--quick] [CORPUS]
 *       benchmark rows (JSON Lines, tests/bench/run.py): the corpus in
 *       memory through dsng_report_parse and through a plain memchr pass
 *       in this process, and the heap a parsed report really holds
 *       (glibc mallinfo2: headers, pools and slack included) against
 *       its input, summed over the corpus
 *   bench_report --file FILE [--quick] [--case NAME] [--group G]
 *       one message, limits raised to let any size through: parse speed,
 *       nanoseconds per byte, those of the memchr pass over its lines
 *       and of a plain read of it (memchr for a NUL), minor page faults
 *       per parse and heap held, one row
 *   bench_report --count PASSES parse|floor CORPUS
 *       the corpus PASSES times through dsng_report_parse or the memchr
 *       pass, untimed, printing its size in bytes (for callgrind: two
 *       runs differing in PASSES give instructions per byte)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <talloc.h>

#include "dsnguard/dsnguard.h"
#include "dsng_corpus_walk.h"
#include "dsng_heap.h"

struct msg {
	char *buf;
	size_t len;
};

/* CPU time of this thread: on a shared machine wall time mostly measures
 * the other jobs; the wall-clock figure is printed too. */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Limits raised so that the scaling run's 50 MB, 10,000-recipient
 * messages parse (they are the point, not an attack). */
static void raised(struct dsng_report_limits *lim, struct dsng_mime_limits *ml)
{
	dsng_report_limits_init(lim, DSNG_REPORT_LIMITS_VERSION);
	dsng_mime_limits_init(ml, DSNG_MIME_LIMITS_VERSION);
	ml->max_fields = 1u << 20;
	ml->max_header_len = (size_t)1 << 30;
	ml->max_size = (size_t)1 << 31;
	ml->max_decoded = (size_t)1 << 31;
	lim->mime = ml;
	lim->max_recipients = 1u << 20;
}

/* Parse buf once, untimed, and return the heap it holds (0 on error).
 * This process keeps glibc's tcache and fastbins on (its speed rows are
 * the point): a chunk parked there that the parse reuses counts as in
 * use before and after it, so the sum is below check_report_heap's and
 * moves with whatever the process freed before (loading the corpus). */
static size_t held_by(const char *buf, size_t len,
                      const struct dsng_report_limits *lim, size_t *nrcpt)
{
	struct dsng_test_heap_parse p = dsng_test_heap_parse(buf, len, lim);

	if (!p.ok)
		return 0;
	*nrcpt = p.recipients;
	return p.held > 0 ? (size_t)p.held : 0;
}

/* The corpus in memory: the walk's buffers, kept until the array goes. */
static int free_msgs(struct msg *msgs)
{
	size_t i, n = talloc_array_length(msgs);

	for (i = 0; i < n; i++)
		free(msgs[i].buf);
	return 0;
}

static void keep_msg(char *buf, size_t len, void *arg)
{
	struct msg **msgs = arg;
	size_t n = talloc_array_length(*msgs);
	struct msg *grown;

	grown = talloc_realloc(NULL, *msgs, struct msg, n + 1);
	if (!grown) {
		fprintf(stderr, "bench_report: out of memory\n");
		exit(1);
	}
	grown[n].buf = buf;
	grown[n].len = len;
	*msgs = grown;
}

/* The corpus's two folders, dsn/ and other/, in one array on mem. */
static size_t load_corpus(TALLOC_CTX *mem, const char *base, struct msg **msgs)
{
	*msgs = talloc_array(mem, struct msg, 0);
	if (!*msgs)
		return 0;
	talloc_set_destructor(*msgs, free_msgs);
	(void)dsng_test_corpus_walk(base, keep_msg, msgs);
	return talloc_array_length(*msgs);
}

/* One parse of every message (what the timed and counted runs repeat);
 * returns the recipients found, so the work cannot be optimised away. */
static size_t parse_pass(const struct msg *msgs, size_t n,
                         const struct dsng_report_limits *lim)
{
	size_t i, sink = 0;

	for (i = 0; i < n; i++) {
		struct dsng_report *r;

		if (dsng_report_parse(NULL, &r, msgs[i].buf, msgs[i].len, lim,
		                      NULL) == DSNG_OK) {
			sink += r->n_recipients;
			talloc_free(r);
		}
	}
	return sink;
}

/* The memchr floor over the same bytes: every line end found. */
static size_t floor_pass(const struct msg *msgs, size_t n)
{
	size_t i, sink = 0;

	for (i = 0; i < n; i++) {
		const char *p = msgs[i].buf, *e = p + msgs[i].len;

		while ((p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
			p++;
			sink++;
		}
	}
	return sink;
}

/* The timed rounds both corpus reports use: reps rounds, each of inner
 * parse passes then inner memchr passes over the corpus, alternated so
 * a change in the machine's speed touches both.  CPU seconds per pass
 * go to t and f, wall-clock ones to w when it is not NULL, each sorted
 * (the median is [reps / 2]); returns the passes' check sum. */
static size_t timed_rounds(const struct msg *msgs, size_t n, int reps,
                           int inner, double *t, double *w, double *f)
{
	size_t sink = 0;
	int rep, k;

	for (rep = 0; rep < reps; rep++) {
		double t0 = now(), w0 = wall();
		for (k = 0; k < inner; k++)
			sink += parse_pass(msgs, n, NULL);
		t[rep] = (now() - t0) / inner;
		if (w)
			w[rep] = (wall() - w0) / inner;
		t0 = now();
		for (k = 0; k < inner; k++)
			sink += floor_pass(msgs, n);
		f[rep] = (now() - t0) / inner;
	}
	qsort(t, (size_t)reps, sizeof(t[0]), cmpd);
	if (w)
		qsort(w, (size_t)reps, sizeof(w[0]), cmpd);
	qsort(f, (size_t)reps, sizeof(f[0]), cmpd);
	return sink;
}

static void row(const char *group, const char *name, const char *impl,
                double value, const char *unit, const char *better,
                const char *extra)
{
	printf("{\"group\": \"%s\", \"case\": \"%s\", \"impl\": \"%s\", "
	       "\"value\": %.6g, \"unit\": \"%s\", \"better\": \"%s\"%s}\n",
	       group, name, impl, value, unit, better, extra);
}

static int corpus_rows(const char *base, int quick)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct msg *msgs = NULL;
	size_t n = 0, i, total = 0, held = 0, errors = 0, nr;
	double t[9], f[9];
	int reps = quick ? 3 : 9, inner = quick ? 2 : 20;
	volatile size_t sink = 0;
	char extra[256];

	n = load_corpus(mem, base, &msgs);
	if (n == 0) {
		fprintf(stderr, "bench_report: no corpus at %s\n", base);
		talloc_free(mem);
		return 3;
	}
	for (i = 0; i < n; i++) {
		size_t h = held_by(msgs[i].buf, msgs[i].len, NULL, &nr);
		total += msgs[i].len;
		held += h;
		errors += h == 0;
	}
	sink += timed_rounds(msgs, n, reps, inner, t, NULL, f);
	snprintf(extra, sizeof(extra),
	         ", \"messages\": %zu, \"bytes\": %zu, \"errors\": %zu, "
	         "\"messages_per_s\": %.0f, \"reps\": %d",
	         n, total, errors, (double)n / t[reps / 2], reps);
	row("report", "corpus", "C libdsnguard", (double)total / t[reps / 2],
	    "bytes/s", "higher", extra);
	snprintf(extra, sizeof(extra),
	         ", \"messages\": %zu, \"bytes\": %zu, \"reps\": %d", n, total,
	         reps);
	row("report", "corpus", "memchr floor", (double)total / f[reps / 2],
	    "bytes/s", "higher", extra);
	snprintf(extra, sizeof(extra),
	         ", \"input_bytes\": %zu, \"ratio\": %.3f, \"messages\": %zu",
	         total, (double)held / (double)total, n);
	row("report", "corpus-heap-held", "C libdsnguard", (double)held,
	    "bytes", "lower", extra);
	fprintf(stderr, "bench_report: %zu messages (%zu refused), check %zu\n",
	        n, errors, (size_t)sink);
	talloc_free(mem);
	return 0;
}

/* Untimed passes for callgrind; prints the corpus size. */
static int count_passes(unsigned long passes, int floor, const char *base)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct msg *msgs = NULL;
	size_t n = 0, i, total = 0;
	volatile size_t sink = 0;
	unsigned long k;

	n = load_corpus(mem, base, &msgs);
	for (i = 0; i < n; i++)
		total += msgs[i].len;
	for (k = 0; k < passes; k++)
		sink += floor ? floor_pass(msgs, n) : parse_pass(msgs, n, NULL);
	printf("%zu\n", total);
	talloc_free(mem);
	return n == 0 || sink == 0xdeadbeef;
}

/* One message, read whole: speed over enough passes, heap held. */
/* The memory-read floor: memchr for a NUL octet, which mail text does not
 * hold, so the buffer is read once at the machine's streaming rate.  A
 * message larger than the last-level cache is read from DRAM at a lower
 * rate by any code; this floor shows how much. */
static size_t read_floor_pass(const struct msg *m)
{
	return memchr(m->buf, '\0', m->len) != NULL;
}

/* Minor page faults so far: a parse that faulted fresh memory in every
 * time (an input-sized pool past glibc's mmap threshold) shows here. */
static long minor_faults(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

enum file_pass { PASS_PARSE, PASS_LF_FLOOR, PASS_READ_FLOOR };

/* Repeats one message through the parser, the memchr pass over its lines
 * or the memory-read floor for at least BUDGET seconds of CPU and 3 passes;
 * returns the nanoseconds per byte and stores the passes and the faults per
 * pass. */
static double file_passes(const char *buf, size_t len,
                          const struct dsng_report_limits *lim,
                          enum file_pass what, double budget, size_t *passes,
                          double *faults)
{
	struct msg m = {(char *)buf, len};
	volatile size_t sink = 0;
	long f0 = minor_faults();
	double t0 = now(), spent;
	size_t n = 0;

	do {
		if (what == PASS_LF_FLOOR)
			sink += floor_pass(&m, 1);
		else if (what == PASS_READ_FLOOR)
			sink += read_floor_pass(&m);
		else
			sink += parse_pass(&m, 1, lim);
		n++;
		spent = now() - t0;
	} while (spent < budget || n < 3);
	(void)sink;
	*passes = n;
	*faults = (double)(minor_faults() - f0) / (double)n;
	return spent * 1e9 / (double)n / (double)len;
}

/* The row of --file.  Both floors are timed over the same buffer right
 * after the parse, so the scaling series can tell a parser that slows
 * with size from memory that does (tests/bench/bench_scaling.py). */
static int file_row(const char *path, int quick, const char *name,
                    const char *group)
{
	struct dsng_report_limits lim;
	struct dsng_mime_limits ml;
	char *buf, extra[640];
	size_t len, held, nr = 0, passes, unused;
	double budget = quick ? 0.05 : 0.5, ns, lf_ns, read_ns, faults, ignored;

	if (!(buf = dsng_test_read_file(path, &len))) {
		fprintf(stderr, "bench_report: cannot read %s\n", path);
		return 1;
	}
	raised(&lim, &ml);
	held = held_by(buf, len, &lim, &nr);
	if (held == 0) {
		fprintf(stderr, "bench_report: %s refused\n", path);
		free(buf);
		return 1;
	}
	ns = file_passes(buf, len, &lim, PASS_PARSE, budget, &passes, &faults);
	lf_ns = file_passes(buf, len, &lim, PASS_LF_FLOOR, budget, &unused,
	                    &ignored);
	read_ns = file_passes(buf, len, &lim, PASS_READ_FLOOR, budget, &unused,
	                      &ignored);
	snprintf(extra, sizeof(extra),
	         ", \"bytes\": %zu, \"recipients\": %zu, \"passes\": %zu, "
	         "\"ns_per_byte\": %.4f, \"lf_floor_ns_per_byte\": %.4f, "
	         "\"read_floor_ns_per_byte\": %.4f, \"faults_per_pass\": "
	         "%.1f, \"heap_held\": %zu, \"heap_ratio\": %.3f",
	         len, nr, passes, ns, lf_ns, read_ns, faults, held,
	         (double)held / (double)len);
	row(group, name, "C libdsnguard", 1e9 / ns, "bytes/s", "higher", extra);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	const char *base = argc > 1 ? argv[1] : DSNG_CORPUS_DIR;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct msg *msgs = NULL;
	size_t n = 0, i, total = 0, reports = 0, errors = 0;
	double t[9], w[9], mem_ratio_max = 0, mem_ratio_sum = 0, floor_t[9];
	size_t mem_max = 0, mem_sum = 0;
	int reps = 9, inner = 20;
	volatile size_t sink = 0;

	if (argc >= 2 && strcmp(argv[1], "--rows") == 0) {
		int quick = argc >= 3 && strcmp(argv[2], "--quick") == 0;
		return corpus_rows(argc > 2 + quick ? argv[2 + quick]
		                                    : DSNG_CORPUS_DIR,
		                   quick);
	}
	if (argc >= 5 && strcmp(argv[1], "--count") == 0)
		return count_passes(strtoul(argv[2], NULL, 10),
		                    strcmp(argv[3], "floor") == 0, argv[4]);
	if (argc >= 3 && strcmp(argv[1], "--file") == 0) {
		const char *name = "file", *group = "scaling";
		int quick = 0, a;
		for (a = 3; a < argc; a++) {
			if (strcmp(argv[a], "--quick") == 0)
				quick = 1;
			else if (strcmp(argv[a], "--case") == 0 && a + 1 < argc)
				name = argv[++a];
			else if (strcmp(argv[a], "--group") == 0 &&
			         a + 1 < argc)
				group = argv[++a];
		}
		return file_row(argv[2], quick, name, group);
	}
	n = load_corpus(mem, base, &msgs);
	if (n == 0) {
		printf("bench_report: no corpus at %s, skipped\n", base);
		talloc_free(mem);
		return 0;
	}
	for (i = 0; i < n; i++) {
		struct dsng_report *r;
		total += msgs[i].len;
		if (dsng_report_parse(mem, &r, msgs[i].buf, msgs[i].len, NULL,
		                      NULL) != DSNG_OK) {
			errors++;
			continue;
		}
		if (r->kind != DSNG_REPORT_NONE)
			reports++;
		{
			size_t sz = talloc_total_size(r);
			double ratio = (double)sz / (double)msgs[i].len;
			mem_sum += sz;
			mem_ratio_sum += ratio;
			if (ratio > mem_ratio_max)
				mem_ratio_max = ratio;
			if (sz > mem_max)
				mem_max = sz;
		}
		talloc_free(r);
	}
	sink += timed_rounds(msgs, n, reps, inner, t, w, floor_t);
	printf("bench_report: %zu messages, %.2f MB, %zu reports, %zu errors\n",
	       n, (double)total / 1e6, reports, errors);
	/* CPU time per pass: median and best */
	printf("bench_report: dsng_report_parse  %9.0f messages/s  %7.1f MB/s"
	       "  median of %d passes (best %.1f MB/s)\n",
	       (double)n / t[reps / 2], (double)total / 1e6 / t[reps / 2], reps,
	       (double)total / 1e6 / t[0]);
	printf("bench_report: (wall clock: median %.1f MB/s, best %.1f MB/s)\n",
	       (double)total / 1e6 / w[reps / 2], (double)total / 1e6 / w[0]);
	printf("bench_report: memchr floor       %9.0f messages/s  %7.1f MB/s"
	       "  (best %.1f MB/s)\n",
	       (double)n / floor_t[reps / 2],
	       (double)total / 1e6 / floor_t[reps / 2],
	       (double)total / 1e6 / floor_t[0]);
	printf("bench_report: memory per report (talloc_total_size / input): "
	       "mean %.2fx, max %.2fx, all %.2fx; largest tree %zu bytes\n",
	       mem_ratio_sum / (double)n, mem_ratio_max,
	       (double)mem_sum / (double)total, mem_max);
	talloc_free(mem);
	return sink == 0xdeadbeef;
}
