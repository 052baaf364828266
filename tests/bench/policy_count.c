/*
 * tests/bench/policy_count.c - COUNT RCPT decisions (dsng_policy_rcpt,
 * the session's trust looked up each time, as after a new client) with
 * NETS random trusted networks, for callgrind_policy.sh, which reads the
 * instructions per dsng_policy_rcpt call.  The networks are built like
 * bench_policy's: half IPv4 /16../32, half IPv6 /64.
 *
 *   policy_count NETS COUNT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsnguard/dsnguard.h"

static uint64_t next_rand(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static char *make_config(int nets)
{
	size_t cap = (size_t)nets * 48 + 256, o = 0;
	char *c = malloc(cap);
	uint64_t seed = 0x2545f4914f6cdd1dull;
	int i;

	if (!c)
		return NULL;
	o += (size_t)snprintf(c + o, cap - o,
	                      "preset = permissive\n[rcpt]\n"
	                      "success-from = trusted\n[trusted-networks]\n");
	for (i = 0; i < nets; i++) {
		uint64_t r = next_rand(&seed);
		unsigned bits = 16 + (unsigned)(r % 17);
		uint32_t a =
		        (uint32_t)(r >> 32) &
		        (bits == 32 ? 0xffffffffu : ~(0xffffffffu >> bits));

		if (i & 1)
			o += (size_t)snprintf(
			        c + o, cap - o, "%u.%u.%u.%u/%u\n", a >> 24,
			        (a >> 16) & 255, (a >> 8) & 255, a & 255, bits);
		else
			o += (size_t)snprintf(c + o, cap - o,
			                      "2001:db8:%x:%x::/64\n",
			                      (unsigned)(r >> 48),
			                      (unsigned)(r >> 32) & 0xffff);
	}
	return c;
}

int main(int argc, char **argv)
{
	static const char line[] = "RCPT TO:<legal_address@example.net> "
	                           "NOTIFY=SUCCESS";
	static struct dsng_cmd cmd = DSNG_CMD_INIT, work = DSNG_CMD_INIT;
	struct dsng_policy_session s = DSNG_POLICY_SESSION_INIT;
	struct dsng_decision d = DSNG_DECISION_INIT;
	struct dsng_error err = DSNG_ERROR_INIT;
	struct dsng_policy *p;
	TALLOC_CTX *mem = talloc_new(NULL);
	long count, i, rejects = 0;
	char *conf;

	if (argc != 3)
		return 2;
	conf = make_config(atoi(argv[1]));
	count = atol(argv[2]);
	if (!conf || !mem ||
	    dsng_policy_parse(mem, &p, conf, strlen(conf), "count", NULL,
	                      &err) != DSNG_OK ||
	    dsng_cmd_parse(&cmd, line, sizeof(line) - 1, NULL, &err) !=
	            DSNG_OK) {
		fprintf(stderr, "policy_count: %s\n", err.message);
		return 1;
	}
	dsng_policy_session_set_addr(&s, "198.51.100.33", 13, NULL);
	dsng_policy_ehlo(&d, p, &s, true, NULL);
	for (i = 0; i < count; i++) {
		s.trusted_cached = -1; /* a new client address */
		s.addr[15] = (unsigned char)i;
		work = cmd;
		dsng_policy_rcpt(&d, p, &s, &work, NULL);
		rejects += d.action == DSNG_POLICY_ACTION_REJECT;
	}
	printf("%zu ranges, %ld decisions, %ld refused\n",
	       dsng_policy_network_count(p), count, rejects);
	talloc_free(mem);
	free(conf);
	return 0;
}
