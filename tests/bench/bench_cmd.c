/*
 * tests/bench/bench_cmd.c - speed of dsng_cmd_parse and dsng_cmd_format
 * on a realistic mix of MAIL/RCPT lines (with NOTIFY, ORCPT, ENVID, SIZE).
 *
 *   bench_cmd                 timed runs: lines/s and ns/line in this
 *                             thread's CPU time, and lines/s wall time
 *   bench_cmd --count N [rcpt|mix|format|one]
 *                             parse N lines untimed (for callgrind, see
 *                             callgrind_cmd.sh; "one" is the first RCPT
 *                             line alone); prints nothing else
 *   bench_cmd --stream FILE [--quick]
 *                             every line of FILE (gen_smtp_stream.py)
 *                             through dsng_cmd_parse, then a plain memchr
 *                             pass over the same bytes in this process:
 *                             benchmark rows (JSON Lines, run.py)
 *   bench_cmd --stream-count FILE PASSES
 *                             parse FILE PASSES times untimed (callgrind)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dsnguard/dsnguard.h"

static const char *const rcpt_lines[] = {
        "RCPT TO:<user@example.org> NOTIFY=SUCCESS,DELAY "
        "ORCPT=rfc822;user+40example.org\r\n",
        "RCPT TO:<alice.smith@mail.example.com>\r\n",
        "RCPT TO:<bob@example.net> NOTIFY=FAILURE\r\n",
        "RCPT TO:<legal_address@example.net> NOTIFY=SUCCESS\r\n",
        "RCPT TO:<\"john doe\"@example.org> NOTIFY=NEVER\r\n",
        "RCPT TO:<carol+tag@sub.example.co.uk> NOTIFY=SUCCESS,FAILURE,DELAY "
        "ORCPT=rfc822;carol+2Btag@sub.example.co.uk\r\n",
        "RCPT TO:<Postmaster>\r\n",
        "RCPT TO:<dave@[192.0.2.17]> NOTIFY=FAILURE,DELAY\r\n",
};

static const char *const mail_lines[] = {
        "MAIL FROM:<spamvictim@victim.example>\r\n",
        "MAIL FROM:<bounce-1234@lists.example.org> SIZE=48213 BODY=8BITMIME "
        "RET=HDRS ENVID=QQ314159\r\n",
        "MAIL FROM:<> SIZE=2048\r\n",
        "MAIL FROM:<sender@example.com> RET=FULL ENVID=msg+2B0042@example.com "
        "SIZE=1000000 AUTH=<>\r\n",
};

struct line {
	const char *p;
	size_t n;
};

static size_t load(struct line *out, int mix)
{
	size_t k = 0, i;

	for (i = 0; i < sizeof(rcpt_lines) / sizeof(rcpt_lines[0]); i++)
		out[k].p = rcpt_lines[i], out[k++].n = strlen(rcpt_lines[i]);
	if (mix)
		for (i = 0; i < sizeof(mail_lines) / sizeof(mail_lines[0]); i++)
			out[k].p = mail_lines[i],
			out[k++].n = strlen(mail_lines[i]);
	return k;
}

/* Wall time, and this thread's CPU time: on a shared machine the CPU
 * time is what one core really spent, wall time includes waiting. */
static double now(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Parse `count` lines cycling through the set; returns a checksum so the
 * compiler cannot drop the work. */
static size_t run(const struct line *set, size_t nset, size_t count, int format,
                  struct dsng_cmd *cmd)
{
	char out[2048];
	size_t i, sum = 0, j = 0;

	for (i = 0; i < count; i++) {
		if (dsng_cmd_parse(cmd, set[j].p, set[j].n, NULL, NULL) !=
		    DSNG_OK) {
			fprintf(stderr, "bench_cmd: line refused: %s",
			        set[j].p);
			exit(1);
		}
		sum += cmd->n_params + cmd->notify;
		if (format)
			sum += dsng_cmd_format_buf(out, sizeof(out), cmd);
		if (++j == nset)
			j = 0;
	}
	return sum;
}

static void timed(const char *name, int mix, int format, struct dsng_cmd *cmd)
{
	struct line set[16];
	size_t nset = load(set, mix), count = 2000000, sum;
	double w0, c0, wt, ct;

	run(set, nset, count / 10, format, cmd); /* warm up */
	w0 = now(CLOCK_MONOTONIC);
	c0 = now(CLOCK_THREAD_CPUTIME_ID);
	sum = run(set, nset, count, format, cmd);
	ct = now(CLOCK_THREAD_CPUTIME_ID) - c0;
	wt = now(CLOCK_MONOTONIC) - w0;
	printf("%-28s %10.0f lines/s %6.1f ns/line CPU time; %10.0f lines/s "
	       "wall  (%zu lines, check %zu)\n",
	       name, (double)count / ct, ct * 1e9 / (double)count,
	       (double)count / wt, count, sum);
}

/* The stream file split into lines (each with its CRLF). */
static size_t load_stream(const char *path, char **buf, struct line **lines)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 16, len = 0, n = 0, i, start = 0;

	*buf = NULL;
	*lines = NULL;
	if (!f)
		return 0;
	*buf = malloc(cap);
	while (*buf) {
		size_t got = fread(*buf + len, 1, cap - len, f);
		len += got;
		if (len < cap)
			break;
		cap *= 2;
		*buf = realloc(*buf, cap);
	}
	fclose(f);
	if (!*buf)
		return 0;
	for (i = 0; i < len; i++)
		n += (*buf)[i] == '\n';
	*lines = malloc((n + 1) * sizeof(**lines));
	if (!*lines)
		return 0;
	n = 0;
	for (i = 0; i < len; i++)
		if ((*buf)[i] == '\n') {
			(*lines)[n].p = *buf + start;
			(*lines)[n++].n = i + 1 - start;
			start = i + 1;
		}
	return n;
}

/* One pass over the stream; counts the refused lines. */
static size_t stream_pass(const struct line *set, size_t n,
                          struct dsng_cmd *cmd, size_t *refused)
{
	size_t i, sum = 0;

	*refused = 0;
	for (i = 0; i < n; i++) {
		if (dsng_cmd_parse(cmd, set[i].p, set[i].n, NULL, NULL) !=
		    DSNG_OK)
			(*refused)++;
		else
			sum += cmd->n_params + cmd->notify;
	}
	return sum;
}

/* The memory-bound floor: find every line end of the same bytes. */
static size_t memchr_pass(const char *buf, size_t len)
{
	const char *p = buf, *e = buf + len;
	size_t n = 0;

	while ((p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		p++;
		n++;
	}
	return n;
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Rows of the side-by-side suite: median CPU time of several passes. */
static int stream_rows(const char *path, int quick, struct dsng_cmd *cmd)
{
	char *buf;
	struct line *set;
	size_t n = load_stream(path, &buf, &set), bytes, refused = 0;
	volatile size_t sink = 0;
	double tp[15], tm[15];
	int reps = quick ? 3 : 15, r, inner;

	if (n == 0) {
		fprintf(stderr, "bench_cmd: cannot read the stream %s\n", path);
		free(buf);
		free(set);
		return 1;
	}
	bytes = (size_t)(set[n - 1].p + set[n - 1].n - buf);
	inner = quick ? 1 : 5;
	/* the floor pass is ~100x faster: more of them for a stable time */
	for (r = 0; r < reps; r++) {
		double t0 = now(CLOCK_THREAD_CPUTIME_ID);
		int k;
		for (k = 0; k < inner; k++)
			sink += stream_pass(set, n, cmd, &refused);
		tp[r] = (now(CLOCK_THREAD_CPUTIME_ID) - t0) / inner;
		t0 = now(CLOCK_THREAD_CPUTIME_ID);
		for (k = 0; k < inner * 50; k++)
			sink += memchr_pass(buf, bytes);
		tm[r] = (now(CLOCK_THREAD_CPUTIME_ID) - t0) / (inner * 50);
	}
	qsort(tp, (size_t)reps, sizeof(tp[0]), cmpd);
	qsort(tm, (size_t)reps, sizeof(tm[0]), cmpd);
	printf("{\"group\": \"smtp\", \"case\": \"realistic-stream\", "
	       "\"impl\": \"C libdsnguard\", \"value\": %.0f, \"unit\": "
	       "\"lines/s\", \"better\": \"higher\", \"lines\": %zu, "
	       "\"bytes\": %zu, \"refused\": %zu, \"reps\": %d}\n",
	       (double)n / tp[reps / 2], n, bytes, refused, reps);
	printf("{\"group\": \"smtp\", \"case\": \"realistic-stream\", "
	       "\"impl\": \"memchr floor\", \"value\": %.0f, \"unit\": "
	       "\"lines/s\", \"better\": \"higher\", \"lines\": %zu, "
	       "\"bytes\": %zu, \"reps\": %d}\n",
	       (double)n / tm[reps / 2], n, bytes, reps);
	fprintf(stderr, "bench_cmd: %zu lines, %zu refused (check %zu)\n", n,
	        refused, (size_t)sink);
	free(buf);
	free(set);
	return 0;
}

int main(int argc, char **argv)
{
	static struct dsng_cmd cmd = DSNG_CMD_INIT; /* 2.6 KiB: off the stack */

	if (argc >= 3 && strcmp(argv[1], "--stream") == 0)
		return stream_rows(argv[2],
		                   argc >= 4 && strcmp(argv[3], "--quick") == 0,
		                   &cmd);
	if (argc >= 4 && strcmp(argv[1], "--stream-count") == 0) {
		char *buf;
		struct line *set;
		size_t n = load_stream(argv[2], &buf, &set), refused, sum = 0;
		unsigned long k, passes = strtoul(argv[3], NULL, 10);

		for (k = 0; k < passes; k++)
			sum += stream_pass(set, n, &cmd, &refused);
		free(buf);
		free(set);
		return n == 0 || sum == 0;
	}
	if (argc >= 3 && strcmp(argv[1], "--count") == 0) {
		struct line set[16];
		const char *mode = argc >= 4 ? argv[3] : "rcpt";
		size_t nset = load(set, strcmp(mode, "rcpt") != 0);
		size_t count = strtoul(argv[2], NULL, 10);

		if (strcmp(mode, "one") == 0)
			nset = 1;

		return run(set, nset, count, strcmp(mode, "format") == 0,
		           &cmd) == 0;
	}
	printf("dsng_cmd_parse, one core, lines with CRLF:\n");
	timed("RCPT mix, parse", 0, 0, &cmd);
	timed("MAIL+RCPT mix, parse", 1, 0, &cmd);
	timed("MAIL+RCPT mix, parse+format", 1, 1, &cmd);
	return 0;
}
