/*
 * tests/bench/report_heap.c - heap a parsed report really holds, read
 * from glibc's own statistics (mallinfo2().uordblks after the parse less
 * before it, plus hblkhd for blocks glibc mmaps: payload, talloc headers
 * and pool slack alike), against its
 * input; and the parse speed of large synthetic reports, to see that a
 * 50 MB one goes at the per-byte speed of a 1 MB one (limits raised).
 *
 *   report_heap CORPUS_DIR   the corpus (dsn/ and other/), then
 *                            10,000 recipients, then 1, 10, 50 MB
 *
 * It runs itself again with glibc's tcache and fastbins off
 * (GLIBC_TUNABLES): chunks parked there count as in use, so a parse that
 * reuses the last one's would otherwise seem to hold almost nothing.
 */
#include <dirent.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dsnguard/dsnguard.h"

static struct dsng_mime_limits mlim = DSNG_MIME_LIMITS_INIT;
static struct dsng_report_limits rlim = DSNG_REPORT_LIMITS_INIT;

static double cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t in_use(void)
{
	struct mallinfo2 m = mallinfo2();

	return m.uordblks + m.hblkhd;
}

/* Heap held by the parsed report of buf; (size_t)-1 if it failed. */
static size_t held(const char *buf, size_t len)
{
	struct dsng_report *r;
	size_t before = in_use(), after;

	if (dsng_report_parse(NULL, &r, buf, len, &rlim, NULL) != DSNG_OK)
		return (size_t)-1;
	after = in_use();
	talloc_free(r);
	return after - before;
}

static void corpus(const char *base, const char *sub, size_t *in, size_t *out,
                   double *worst)
{
	char dir[4096];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s", base, sub);
	if (!(d = opendir(dir)))
		return;
	while ((de = readdir(d))) {
		char path[8192], *buf;
		size_t len, h;
		FILE *f;
		long sz;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (!(f = fopen(path, "rb")))
			continue;
		fseek(f, 0, SEEK_END);
		sz = ftell(f);
		fseek(f, 0, SEEK_SET);
		buf = malloc((size_t)sz + 1); /* exact size, like a caller's */
		len = buf ? fread(buf, 1, (size_t)sz, f) : 0;
		fclose(f);
		if (buf && (h = held(buf, len)) != (size_t)-1) {
			*in += len;
			*out += h;
			if ((double)h / (double)len > *worst)
				*worst = (double)h / (double)len;
		}
		free(buf);
	}
	closedir(d);
}

/* A DSN with n recipients and a returned message of about body octets. */
static char *synthetic(size_t n, size_t body, size_t *len)
{
	size_t cap = n * 120 + body + 4096, o = 0, i;
	char *b = malloc(cap);

	if (!b)
		exit(1);
	o += (size_t)snprintf(
	        b + o, cap - o,
	        "From: MAILER-DAEMON@mx.example.org\r\nTo: a@example.org\r\n"
	        "Subject: Undelivered Mail\r\nMIME-Version: 1.0\r\n"
	        "Content-Type: multipart/report; "
	        "report-type=delivery-status; boundary=\"BB\"\r\n\r\n"
	        "--BB\r\nContent-Type: text/plain\r\n\r\nfailed\r\n"
	        "--BB\r\nContent-Type: message/delivery-status\r\n\r\n"
	        "Reporting-MTA: dns; mx.example.org\r\n");
	for (i = 0; i < n; i++)
		o += (size_t)snprintf(
		        b + o, cap - o,
		        "\r\nFinal-Recipient: rfc822; "
		        "user%zu@example.com\r\nAction: failed\r\n"
		        "Status: 5.1.1\r\n",
		        i);
	o += (size_t)snprintf(b + o, cap - o,
	                      "\r\n--BB\r\nContent-Type: message/rfc822\r\n\r\n"
	                      "From: a@example.org\r\nTo: u@example.com\r\n"
	                      "Subject: hello\r\n\r\n");
	while (o + 80 < cap - 64 && body >= 78) {
		memset(b + o, 'x', 76);
		memcpy(b + o + 76, "\r\n", 2);
		o += 78;
		body -= 78;
	}
	o += (size_t)snprintf(b + o, cap - o, "\r\n--BB--\r\n");
	*len = o;
	return b;
}

static void big(size_t mb)
{
	size_t len, h, k, reps = mb >= 50 ? 3 : 50 / mb * 3;
	char *b = synthetic(1, mb << 20, &len);
	double t0;

	h = held(b, len);
	t0 = cpu();
	for (k = 0; k < reps; k++)
		held(b, len);
	printf("report_heap: %3zu MB report: held %zu bytes (%.4fx), "
	       "%.0f MB/s CPU\n",
	       mb, h, (double)h / (double)len,
	       (double)len * (double)reps / 1e6 / (cpu() - t0));
	free(b);
}

int main(int argc, char **argv)
{
	size_t in = 0, out = 0, len, h;
	double worst = 0;
	char *b;

	if (!getenv("GLIBC_TUNABLES")) {
		setenv("GLIBC_TUNABLES",
		       "glibc.malloc.tcache_count=0:glibc.malloc.mxfast=0", 1);
		execv("/proc/self/exe", argv);
		perror("report_heap: execv");
		return 1;
	}
	mlim.max_size = mlim.max_decoded = (size_t)1 << 30;
	mlim.max_parts = 1000;
	rlim.mime = &mlim;
	rlim.max_recipients = 100000;
	if (argc > 1) {
		corpus(argv[1], "dsn", &in, &out, &worst);
		corpus(argv[1], "other", &in, &out, &worst);
		printf("report_heap: corpus %zu bytes in, %zu held: %.2fx "
		       "(worst message %.2fx)\n",
		       in, out, (double)out / (double)in, worst);
	}
	b = synthetic(10000, 1000, &len);
	h = held(b, len);
	printf("report_heap: 10,000 recipients, %zu bytes in, %zu held: "
	       "%.2fx\n",
	       len, h, (double)h / (double)len);
	free(b);
	big(1);
	big(10);
	big(50);
	return 0;
}
