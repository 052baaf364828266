/*
 * tests/bench/bench_batv.c - BATV and mail-log speed: prvs sign and verify
 * per second (one HMAC-SHA1 each), and the maillog scanner's throughput on
 * a synthetic log of Postfix DSN traffic (MB/s, lines/s) plus its peak
 * memory on a sendmail-style log that never logs removals (the case the
 * max_tracked eviction bounds).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "dsnguard/dsnguard.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void bench_batv(void)
{
	static const struct dsng_batv_key keys[2] = {
	        {0, (const unsigned char *)"an-old-secret", 13},
	        {1, (const unsigned char *)"the-current-secret-32-bytes-long",
	         32},
	};
	struct dsng_batv_opts o;
	struct dsng_batv_verdict v = DSNG_BATV_VERDICT_INIT;
	TALLOC_CTX *mem = talloc_new(NULL);
	const time_t t = 1764374400;
	char *tag = NULL;
	const int n = 300000;
	double t0, t1;
	int i, ok = 0;

	dsng_batv_opts_init(&o, DSNG_BATV_OPTS_VERSION);
	o.keys = keys;
	o.n_keys = 2;
	o.sign_key = 1;
	t0 = now_s();
	for (i = 0; i < n; i++) {
		talloc_free(tag);
		dsng_batv_sign(mem, &tag, "sender.name@example.org", 23, t, &o,
		               NULL);
	}
	t1 = now_s();
	printf("batv sign:   %8.0f /s  (%.0f ns each)\n", n / (t1 - t0),
	       (t1 - t0) / n * 1e9);
	t0 = now_s();
	for (i = 0; i < n; i++)
		ok += dsng_batv_verify(&v, tag, strlen(tag), t, &o, NULL) == 0;
	t1 = now_s();
	printf("batv verify: %8.0f /s  (%.0f ns each, %d valid)\n",
	       n / (t1 - t0), (t1 - t0) / n * 1e9, ok);
	talloc_free(mem);
}

/* One Postfix message with a success DSN: 8 lines. */
static size_t postfix_msg(char *b, size_t cap, unsigned i)
{
	return (size_t)snprintf(
	        b, cap,
	        "Nov 29 01:12:13 mx postfix/smtpd[2101]: %08X1: "
	        "client=unknown[203.0.113.%u]\n"
	        "Nov 29 01:12:13 mx postfix/qmgr[1990]: %08X1: "
	        "from=<victim%u@victim.example>, size=1482, nrcpt=1 (queue "
	        "active)\n"
	        "Nov 29 01:12:14 mx postfix/virtual[2106]: %08X1: "
	        "to=<rcpt@example.test>, relay=virtual, delay=0.61, "
	        "delays=0.5/0.01/0/0.1, dsn=2.0.0, status=sent (delivered to "
	        "maildir)\n"
	        "Nov 29 01:12:14 mx postfix/bounce[2107]: %08X1: sender "
	        "delivery status notification: %08X2\n"
	        "Nov 29 01:12:14 mx postfix/qmgr[1990]: %08X2: from=<>, "
	        "size=2719, nrcpt=1 (queue active)\n"
	        "Nov 29 01:12:14 mx postfix/qmgr[1990]: %08X1: removed\n"
	        "Nov 29 01:12:15 mx postfix/smtp[2108]: %08X2: "
	        "to=<victim%u@victim.example>, "
	        "relay=mx.victim.example[192.0.2.25]:25, delay=0.9, "
	        "delays=0.01/0.01/0.5/0.38, dsn=2.0.0, status=sent (250 2.0.0 "
	        "Ok)\n"
	        "Nov 29 01:12:15 mx postfix/qmgr[1990]: %08X2: removed\n",
	        i, i % 200, i, i % 1000, i, i, i, i, i, i, i % 1000, i);
}

static size_t sendmail_msg(char *b, size_t cap, unsigned i)
{
	return (size_t)snprintf(
	        b, cap,
	        "Nov 29 02:00:01 mx sm-mta[3101]: 6A%010u: "
	        "from=<user%u@example.org>, size=1482, class=0, nrcpts=1, "
	        "msgid=<%u@example.org>, bodytype=7BIT, proto=ESMTP, "
	        "daemon=MTA, relay=[203.0.113.%u]\n"
	        "Nov 29 02:00:01 mx sm-mta[3102]: 6A%010u: "
	        "to=<root@mx.example.test>, delay=00:00:00, xdelay=00:00:00, "
	        "mailer=local, pri=31482, dsn=2.0.0, stat=Sent\n",
	        i, i, i, i % 200, i);
}

static void bench_scan(const char *what, unsigned n,
                       size_t (*gen)(char *, size_t, unsigned))
{
	struct dsng_maillog *s;
	struct dsng_maillog_event *ev;
	struct dsng_maillog_summary *sum;
	TALLOC_CTX *mem = talloc_new(NULL);
	char *buf = malloc(1 << 20);
	size_t len = 0, bytes = 0;
	unsigned i;
	unsigned long events = 0;
	double t0, t1;
	struct rusage ru;

	dsng_maillog_new(mem, &s, NULL, NULL);
	t0 = now_s();
	for (i = 0; i < n; i++) {
		len += gen(buf + len, (1 << 20) - len, i);
		if (len > (1 << 20) - 4096 || i + 1 == n) {
			dsng_maillog_feed(s, buf, len, NULL);
			bytes += len;
			len = 0;
			while (dsng_maillog_next(mem, &ev, s) == 0 && ev) {
				events++;
				talloc_free(ev);
			}
		}
	}
	dsng_maillog_finish(s, NULL);
	while (dsng_maillog_next(mem, &ev, s) == 0 && ev) {
		events++;
		talloc_free(ev);
	}
	t1 = now_s();
	dsng_maillog_summary(mem, &sum, s, NULL);
	getrusage(RUSAGE_SELF, &ru);
	printf("scan %-9s %6.1f MB in %.2f s: %6.1f MB/s, %8.0f lines/s, %lu "
	       "events, "
	       "%lu evicted, peak RSS %ld MB\n",
	       what, bytes / 1e6, t1 - t0, bytes / 1e6 / (t1 - t0),
	       sum->lines / (t1 - t0), events, sum->evicted,
	       ru.ru_maxrss / 1024);
	talloc_free(mem);
	free(buf);
}

int main(void)
{
	bench_batv();
	bench_scan("postfix", 250000, postfix_msg);
	bench_scan("sendmail", 1000000, sendmail_msg);
	return 0;
}
