/*
 * tests/complexity/cx_main.c - the harness of the complexity check (the
 * one timed check of the test suite; ctest label "complexity", gcc CI
 * stage only, never under sanitizers).
 *
 * For each dimension: build the inputs of size N and 8N, find a repeat
 * count R that makes R runs at N cost at least 50 ms of CPU time (process
 * CPU time, so other load on the machine counts for little), and compare
 * cost(8N) with cost(N) for R runs: 8 is linear work, 64 quadratic, over
 * 24 fails.
 *
 * cost(N) is the minimum of three measurements (noise only makes a run
 * slower, and a high cost(N) would hide a bad ratio).  At 8N the R runs
 * are timed as R/2 runs scaled by R/(R/2): the cost of one run is what
 * counts, and timing all R would cost 8 x 50 ms for nothing.  They are
 * measured again (up to three times, the minimum kept) only while the
 * verdict can still change: a first ratio of at most 24 passes (more
 * runs could only lower it), one of 36 or more fails (noise does not add
 * half again; such a measurement also stops as soon as it has cost that
 * much).  A whole dimension that ends between 24 and 36 is measured once
 * more (see measure()).  So a linear dimension costs about half a second
 * and a quadratic one about two.
 *
 *   complexity [-x FACTOR] [WORD...]
 *     WORD: only the dimensions whose name holds a WORD;
 *     -x: every N times FACTOR (to look closer at one dimension).
 */
#include <malloc.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cx.h"

#define MIN_NS 50000000ull /* R runs at N cost at least this */
#define MAX_RATIO 24.0
#define HOPELESS 36.0
#define RUNS 3

/*
 * Dimensions known to be superlinear in this tree, each being fixed in
 * another branch: they are measured and shown, but do not fail the
 * check.  Remove an entry once its branch is merged.
 */
static const struct {
	const char *name; /* a dimension's name exactly */
	const char *why;
} known[] = {
        {"mime: RFC 2047 words that never close",
         "each unclosed word is searched to the end; being fixed in "
         "branch hard-mime"},
        {NULL, NULL},
};

static const char *known_why(const char *name)
{
	size_t i;

	for (i = 0; known[i].name; i++)
		if (!strcmp(known[i].name, name))
			return known[i].why;
	return NULL;
}

void cx_die(const char *fmt, ...)
{
	va_list ap;

	fputs("complexity: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

void cx_buf_init(struct cx_buf *b, TALLOC_CTX *mem)
{
	b->mem = mem;
	b->len = 0;
	b->cap = 4096;
	b->p = talloc_size(mem, b->cap);
	if (!b->p)
		cx_die("out of memory");
	b->p[0] = '\0';
}

static void reserve(struct cx_buf *b, size_t n)
{
	if (b->len + n + 1 <= b->cap)
		return;
	while (b->len + n + 1 > b->cap)
		b->cap *= 2;
	b->p = talloc_realloc_size(b->mem, b->p, b->cap);
	if (!b->p)
		cx_die("out of memory");
}

void cx_put(struct cx_buf *b, const char *s, size_t n)
{
	reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void cx_puts(struct cx_buf *b, const char *s)
{
	cx_put(b, s, strlen(s));
}

void cx_printf(struct cx_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		cx_die("bad format");
	reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

struct cx_text *cx_text_of(struct cx_buf *b)
{
	struct cx_text *t = talloc(b->mem, struct cx_text);

	if (!t)
		cx_die("out of memory");
	t->p = b->p;
	t->len = b->len;
	return t;
}

static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* CPU time of reps runs; *bad set when a run failed.  With a budget (not
 * 0), runs stop once they have cost more, and the time is scaled to reps
 * runs from those done. */
static uint64_t timed(const struct cx_dim *d, void *in, unsigned long reps,
                      uint64_t budget, int *bad)
{
	uint64_t t0 = cpu_ns(), t = 0;
	unsigned long i;

	for (i = 0; i < reps; i++) {
		if (d->run(in))
			*bad = 1;
		t = cpu_ns() - t0;
		if (budget && t > budget && i + 1 < reps)
			return (uint64_t)((double)t * (double)reps /
			                  (double)(i + 1));
	}
	return t;
}

static uint64_t min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static size_t scale = 1;

static int selected(const char *name, int argc, char **argv)
{
	int i;

	if (argc < 2)
		return 1;
	for (i = 1; i < argc; i++)
		if (strstr(name, argv[i]))
			return 1;
	return 0;
}

struct result {
	unsigned long reps;
	uint64_t t_n, t_8n;
	double ratio;
	int bad;
};

/* One measurement of a dimension on its two inputs. */
static void measure_once(const struct cx_dim *d, void *small, void *big,
                         struct result *r)
{
	unsigned long reps = 1, reps_8n;
	uint64_t t, t_n, t_8n = 0, budget;
	double scale_8n;
	int bad = 0, i;

	/* R: the first measurement of at least MIN_NS counts as run 1 */
	for (;;) {
		t = timed(d, small, reps, 0, &bad);
		if (t >= MIN_NS || bad)
			break;
		if (t < MIN_NS / 64)
			reps *= 64;
		else
			reps = (unsigned long)((double)reps * 1.1 *
			                       (double)MIN_NS / (double)t) +
			       1;
	}
	t_n = t;
	for (i = 1; i < RUNS && !bad; i++)
		t_n = min64(t_n, timed(d, small, reps, 0, &bad));
	/* at 8N, half the repeats (R runs of 8N would cost 8 times the
	 * 50 ms for nothing), scaled back to R; hopeless runs stop early */
	reps_8n = (reps + 1) / 2;
	scale_8n = (double)reps / (double)reps_8n;
	budget = (uint64_t)(HOPELESS * (double)t_n / scale_8n);
	for (i = 0; i < RUNS && !bad; i++) {
		t = (uint64_t)(scale_8n *
		               (double)timed(d, big, reps_8n, budget, &bad));
		t_8n = i ? min64(t_8n, t) : t;
		if ((double)t_8n <= MAX_RATIO * (double)t_n ||
		    (double)t_8n >= HOPELESS * (double)t_n)
			break;
	}
	r->reps = reps;
	r->t_n = t_n;
	r->t_8n = t_8n;
	r->ratio = t_n ? (double)t_8n / (double)t_n : 0;
	r->bad = bad;
}

/*
 * Measure one dimension, print its row; 1 when it fails the check.  A
 * ratio between 24 and 36 is measured once more and the lower one counts:
 * work with a large working set (thousands of MIME parts) runs from the
 * shared L3 cache at 8N, and other load on the machine can then push a
 * linear ratio past 24 for a while; a quadratic one stays near 64.
 */
static int measure(const struct cx_dim *d)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	void *small, *big;
	struct result r, again;
	const char *why = known_why(d->name), *verdict;
	int second = 0;

	if (!mem)
		cx_die("out of memory");
	small = d->make(mem, scale * d->n);
	big = d->make(mem, 8 * scale * d->n);
	measure_once(d, small, big, &r);
	if (!r.bad && r.ratio > MAX_RATIO && r.ratio < HOPELESS) {
		measure_once(d, small, big, &again);
		second = 1;
		if (again.bad || again.ratio < r.ratio)
			r = again;
	}
	if (r.bad)
		verdict = "FAIL (a run did not give the expected result)";
	else if (r.ratio <= MAX_RATIO)
		verdict = "ok";
	else if (why)
		verdict = "known";
	else
		verdict = "FAIL";
	printf("%-58s %7zu %6lu %9.1f %9.1f %6.1f  %s%s", d->name, scale * d->n,
	       r.reps, (double)r.t_n / 1e6, (double)r.t_8n / 1e6, r.ratio,
	       verdict, second ? " (measured twice)" : "");
	if (why)
		printf(" (%s%s)",
		       r.ratio <= MAX_RATIO ? "listed as known: " : "", why);
	printf("\n");
	fflush(stdout);
	talloc_free(mem);
	return r.bad || (r.ratio > MAX_RATIO && !why);
}

int main(int argc, char **argv)
{
	static const struct cx_dim *const parts[] = {
	        cx_smtp_dims, cx_content_dims, cx_policy_dims, cx_maillog_dims,
	        NULL};
	struct timespec w0, w1;
	size_t p, k, n = 0;
	int failed = 0;

	/* Keep freed memory in the process: each run then costs the
	 * library's work, not the kernel's page faults for memory given
	 * back by the run before.  Without mmap for large blocks, a realloc
	 * by one element also copies every time, so such growth shows. */
	mallopt(M_MMAP_THRESHOLD, 1 << 30);
	mallopt(M_TRIM_THRESHOLD, 1 << 30);
	if (argc > 2 && !strcmp(argv[1], "-x")) {
		scale = strtoul(argv[2], NULL, 10);
		if (scale == 0)
			cx_die("-x: a factor of at least 1");
		argc -= 2;
		argv += 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &w0);
	printf("%-58s %7s %6s %9s %9s %6s  %s\n", "dimension", "N", "R",
	       "t(N) ms", "t(8N) ms", "ratio", "verdict (limit 24)");
	for (p = 0; parts[p]; p++)
		for (k = 0; parts[p][k].name; k++) {
			if (!selected(parts[p][k].name, argc, argv))
				continue;
			failed += measure(&parts[p][k]);
			n++;
		}
	clock_gettime(CLOCK_MONOTONIC, &w1);
	printf("%zu dimensions, %d failed, %.1f s\n", n, failed,
	       (double)(w1.tv_sec - w0.tv_sec) +
	               (double)(w1.tv_nsec - w0.tv_nsec) / 1e9);
	return failed ? 1 : 0;
}
