/*
 * tests/bench/bench_ehlo.c - speed of the server-reply side: the streaming
 * completeness check, dsng_reply_parse on short replies, dsng_ehlo_parse
 * on a Postfix-like EHLO reply, and dsng_ehlo_hide (parse + verbatim
 * write without DSN), as a proxy would run it once per connection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dsnguard/dsnguard.h"

static const char ehlo[] = "250-mail.example.org\r\n"
                           "250-PIPELINING\r\n"
                           "250-SIZE 10240000\r\n"
                           "250-VRFY\r\n"
                           "250-ETRN\r\n"
                           "250-STARTTLS\r\n"
                           "250-AUTH PLAIN LOGIN\r\n"
                           "250-AUTH=PLAIN LOGIN\r\n"
                           "250-ENHANCEDSTATUSCODES\r\n"
                           "250-8BITMIME\r\n"
                           "250-DSN\r\n"
                           "250-SMTPUTF8\r\n"
                           "250 CHUNKING\r\n";
static const char rcpt_reply[] =
        "250 2.1.5 <legal_address@example.net>... Recipient ok\r\n";

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

enum job { COMPLETE, REPLY, EHLO, HIDE };

static size_t run(enum job job, size_t count, void *mem)
{
	static const char *const hide[] = {"DSN", NULL};
	size_t i, sum = 0, used;

	for (i = 0; i < count; i++) {
		struct dsng_reply *r;
		struct dsng_ehlo *c;
		char *out;
		int rc = 0;

		switch (job) {
		case COMPLETE:
			rc = dsng_reply_complete(&used, ehlo, sizeof(ehlo) - 1,
			                         NULL, NULL) == 1
			             ? 0
			             : -1;
			sum += used;
			break;
		case REPLY:
			rc = dsng_reply_parse(mem, &r, rcpt_reply,
			                      sizeof(rcpt_reply) - 1, NULL,
			                      NULL);
			if (!rc) {
				sum += r->n_lines;
				talloc_free(r);
			}
			break;
		case EHLO:
			rc = dsng_ehlo_parse(mem, &c, ehlo, sizeof(ehlo) - 1,
			                     NULL, NULL);
			if (!rc) {
				sum += c->n_caps;
				talloc_free(c);
			}
			break;
		case HIDE:
			rc = dsng_ehlo_hide(mem, &out, &used, ehlo,
			                    sizeof(ehlo) - 1, 0, hide, NULL,
			                    NULL);
			if (!rc) {
				sum += used;
				talloc_free(out);
			}
			break;
		}
		if (rc) {
			fprintf(stderr, "bench_ehlo: job %d failed\n",
			        (int)job);
			exit(1);
		}
	}
	return sum;
}

int main(int argc, char **argv)
{
	static const struct {
		enum job job;
		const char *name;
		size_t count;
	} jobs[] = {
	        {COMPLETE, "reply_complete (13-line EHLO)", 2000000},
	        {REPLY, "reply_parse (1-line RCPT reply)", 2000000},
	        {EHLO, "ehlo_parse (13-line EHLO)", 300000},
	        {HIDE, "ehlo_hide DSN (13-line EHLO)", 200000},
	};
	void *mem = talloc_new(NULL);
	size_t k, sum = 0;

	if (argc == 3 && !strcmp(argv[1], "--count")) {
		/* untimed, for valgrind --tool=callgrind */
		size_t n = strtoul(argv[2], NULL, 10);
		for (k = 0; k < sizeof(jobs) / sizeof(jobs[0]); k++)
			sum += run(jobs[k].job, n, mem);
		talloc_free(mem);
		return sum == 0;
	}
	for (k = 0; k < sizeof(jobs) / sizeof(jobs[0]); k++) {
		double t0 = now(), dt;
		sum += run(jobs[k].job, jobs[k].count, mem);
		dt = now() - t0;
		printf("%-34s %10.0f per s %8.0f ns each\n", jobs[k].name,
		       (double)jobs[k].count / dt,
		       dt * 1e9 / (double)jobs[k].count);
	}
	talloc_free(mem);
	return sum == 0;
}
