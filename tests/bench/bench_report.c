/*
 * tests/bench/bench_report.c - dsng_report_parse over the whole shared
 * corpus in memory: messages/s, MB/s (median of several passes), and the
 * memory a parsed report holds (talloc_total_size) against its input size.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <talloc.h>

#include "dsnguard/dsnguard.h"

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

static size_t load_dir(TALLOC_CTX *mem, const char *dir, struct msg **msgs,
                       size_t n)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return n;
	while ((de = readdir(d)) != NULL) {
		char path[4096];
		FILE *f;
		long sz;
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		fseek(f, 0, SEEK_END);
		sz = ftell(f);
		fseek(f, 0, SEEK_SET);
		*msgs = talloc_realloc(mem, *msgs, struct msg, n + 1);
		/* exact-size copies, like a caller's buffers */
		(*msgs)[n].buf = talloc_array(*msgs, char, (size_t)sz);
		(*msgs)[n].len = fread((*msgs)[n].buf, 1, (size_t)sz, f);
		fclose(f);
		n++;
	}
	closedir(d);
	return n;
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	const char *base = argc > 1 ? argv[1] : DSNG_CORPUS_DIR;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct msg *msgs = NULL;
	size_t n = 0, i, total = 0, reports = 0, errors = 0;
	double t[9], w[9], mem_ratio_max = 0, mem_ratio_sum = 0, floor_t[9];
	size_t mem_max = 0, mem_sum = 0;
	char dir[4096];
	int rep, reps = 9, inner = 20;
	volatile size_t sink = 0;

	snprintf(dir, sizeof(dir), "%s/dsn", base);
	n = load_dir(mem, dir, &msgs, n);
	snprintf(dir, sizeof(dir), "%s/other", base);
	n = load_dir(mem, dir, &msgs, n);
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
	for (rep = 0; rep < reps; rep++) {
		double t0 = now(), w0 = wall();
		int k;
		for (k = 0; k < inner; k++)
			for (i = 0; i < n; i++) {
				struct dsng_report *r;
				if (dsng_report_parse(NULL, &r, msgs[i].buf,
				                      msgs[i].len, NULL,
				                      NULL) == DSNG_OK) {
					sink += r->n_recipients;
					talloc_free(r);
				}
			}
		t[rep] = (now() - t0) / inner;
		w[rep] = (wall() - w0) / inner;
		t0 = now();
		for (k = 0; k < inner; k++)
			for (i = 0; i < n; i++) {
				const char *p = msgs[i].buf,
				           *e = p + msgs[i].len;
				while ((p = memchr(p, '\n', (size_t)(e - p))) !=
				       NULL) {
					p++;
					sink++;
				}
			}
		floor_t[rep] = (now() - t0) / inner;
	}
	qsort(t, (size_t)reps, sizeof(t[0]), cmpd);
	qsort(w, (size_t)reps, sizeof(w[0]), cmpd);
	qsort(floor_t, (size_t)reps, sizeof(floor_t[0]), cmpd);
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
