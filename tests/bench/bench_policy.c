/*
 * tests/bench/bench_policy.c - RCPT decisions per second with 10,000
 * trusted networks loaded (half IPv4, half IPv6, random prefixes, read
 * through the config parser like a real CIDR list).  Target: under one
 * microsecond per decision.
 *
 * Figures printed:
 *   lookup      one trusted-network lookup
 *   rcpt        dsng_policy_rcpt on a parsed RCPT (trust cached in the
 *               session, as an MTA keeps it), NOTIFY=SUCCESS from an
 *               untrusted client: the refusal path with its reply
 *   rcpt+lookup the same with the session's trust looked up every time
 *               (trusted_cached reset, as after a new address)
 *   line        dsng_policy_line: parse the RCPT line, then decide
 *
 *   bench_policy [--nets N] [--rows] [--quick] [--count DECISIONS]
 *     --nets N    N trusted networks instead of 10,000 (0 allowed)
 *     --rows      print only the "rcpt+lookup" figure as a benchmark row
 *                 (JSON Lines, tests/bench/run.py)
 *     --count D   make D such decisions untimed, print nothing (for
 *                 callgrind: two counts, and start-up cancels out)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dsnguard/dsnguard.h"

static int NETS = 10000;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* This thread's CPU time: on a shared machine wall time mostly measures
 * the other jobs. */
static double cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t next_rand(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* A config with NETS random prefixes in [trusted-networks]. */
static char *make_config(void)
{
	size_t cap = (size_t)NETS * 48 + 256, o = 0;
	char *c = malloc(cap);
	uint64_t seed = 0x2545f4914f6cdd1dull;
	int i;

	if (!c)
		return NULL;
	o += (size_t)snprintf(c + o, cap - o,
	                      "preset = permissive\n[rcpt]\n"
	                      "success-from = trusted\n[trusted-networks]\n");
	for (i = 0; i < NETS; i++) {
		uint64_t r = next_rand(&seed);
		if (i & 1) {
			unsigned bits = 16 + (unsigned)(r % 17);
			uint32_t a = (uint32_t)(r >> 32) &
			             (bits == 32 ? 0xffffffffu
			                         : ~(0xffffffffu >> bits));
			o += (size_t)snprintf(
			        c + o, cap - o, "%u.%u.%u.%u/%u\n", a >> 24,
			        (a >> 16) & 255, (a >> 8) & 255, a & 255, bits);
		} else {
			o += (size_t)snprintf(c + o, cap - o,
			                      "2001:db8:%x:%x::/64\n",
			                      (unsigned)(r >> 48),
			                      (unsigned)(r >> 32) & 0xffff);
		}
	}
	return c;
}

static void report(const char *what, double secs, long n)
{
	printf("%-12s %10.0f decisions/s  %7.1f ns/decision\n", what, n / secs,
	       secs * 1e9 / (double)n);
}

int main(int argc, char **argv)
{
	static const char line[] = "RCPT TO:<legal_address@example.net> "
	                           "NOTIFY=SUCCESS";
	char *conf;
	struct dsng_policy *p;
	struct dsng_policy_session s = DSNG_POLICY_SESSION_INIT;
	struct dsng_decision d = DSNG_DECISION_INIT;
	struct dsng_cmd cmd = DSNG_CMD_INIT, work = DSNG_CMD_INIT;
	struct dsng_error err = DSNG_ERROR_INIT;
	TALLOC_CTX *mem = talloc_new(NULL);
	long n = 2000000, i, hits = 0, count = -1;
	int rows = 0, quick = 0, a;
	double t;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--nets") == 0 && a + 1 < argc)
			NETS = atoi(argv[++a]);
		else if (strcmp(argv[a], "--count") == 0 && a + 1 < argc)
			count = atol(argv[++a]);
		else if (strcmp(argv[a], "--rows") == 0)
			rows = 1;
		else if (strcmp(argv[a], "--quick") == 0)
			quick = 1;
		else {
			fprintf(stderr,
			        "usage: bench_policy [--nets N] [--rows] "
			        "[--quick] [--count DECISIONS]\n");
			return 2;
		}
	}
	if (quick)
		n = 200000;
	conf = make_config();
	if (!conf || !mem)
		return 1;
	t = now();
	if (dsng_policy_parse(mem, &p, conf, strlen(conf), "bench", NULL,
	                      &err)) {
		fprintf(stderr, "bench_policy: %s\n", err.message);
		return 1;
	}
	if (!rows && count < 0)
		printf("loaded %d networks (%zu ranges after merging) in %.1f "
		       "ms\n",
		       NETS, dsng_policy_network_count(p), (now() - t) * 1e3);
	dsng_policy_session_set_addr(&s, "198.51.100.33", 13, NULL);
	if (dsng_cmd_parse(&cmd, line, sizeof(line) - 1, NULL, &err))
		return 1;
	if (count >= 0 || rows) {
		/* the rcpt+lookup loop below, alone */
		long k, todo = count >= 0 ? count : n;
		double c0 = cpu();
		for (k = 0; k < todo; k++) {
			s.trusted_cached = -1;
			s.addr[15] = (unsigned char)k;
			work = cmd;
			dsng_policy_rcpt(&d, p, &s, &work, NULL);
			hits += d.action == DSNG_POLICY_ACTION_REJECT;
		}
		if (rows)
			printf("{\"group\": \"policy\", \"case\": "
			       "\"rcpt-%d-networks\", \"impl\": \"%s\", "
			       "\"value\": %.0f, \"unit\": \"calls/s\", "
			       "\"better\": \"higher\", \"networks\": %d, "
			       "\"ranges\": %zu, \"refused\": %ld}\n",
			       NETS, "C libdsnguard",
			       (double)todo / (cpu() - c0), NETS,
			       dsng_policy_network_count(p), hits);
		talloc_free(mem);
		free(conf);
		return hits != todo; /* every one is refused */
	}

	t = now();
	for (i = 0; i < n; i++) {
		s.addr[15] = (unsigned char)i;
		s.addr[14] = (unsigned char)(i >> 8);
		hits += dsng_policy_is_trusted(p, &s);
	}
	report("lookup", now() - t, n);

	s.trusted_cached = -1;
	dsng_policy_ehlo(&d, p, &s, true, NULL);
	t = now();
	for (i = 0; i < n; i++) {
		work = cmd;
		dsng_policy_rcpt(&d, p, &s, &work, NULL);
		hits += d.action == DSNG_POLICY_ACTION_REJECT;
	}
	report("rcpt", now() - t, n);

	t = now();
	for (i = 0; i < n; i++) {
		s.trusted_cached = -1; /* the session's address changed */
		s.addr[15] = (unsigned char)i;
		work = cmd;
		dsng_policy_rcpt(&d, p, &s, &work, NULL);
		hits += d.action == DSNG_POLICY_ACTION_REJECT;
	}
	report("rcpt+lookup", now() - t, n);

	n /= 4;
	t = now();
	for (i = 0; i < n; i++) {
		dsng_policy_line(NULL, &d, &work, p, &s, line, sizeof(line) - 1,
		                 NULL, NULL);
		hits += d.action == DSNG_POLICY_ACTION_REJECT;
	}
	report("line", now() - t, n);
	printf("(checksum %ld)\n", hits);
	talloc_free(mem);
	free(conf);
	return 0;
}
