/*
 * tests/complexity/cx_policy.c - the policy's dimensions: config lines
 * (comments, repeatable keys), trusted networks, and RCPT decisions under
 * policies of 0, 100 and 10,000 networks.
 *
 * Written against the pre-0.2.0 policy API (dsng_session...): when the
 * policy API pass lands, only this file changes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cx.h"

struct config_in {
	struct cx_text t;
	size_t networks; /* what dsng_policy_network_count must say */
};

static int config_run(void *arg)
{
	struct config_in *in = arg;
	struct dsng_policy_opts o;
	struct dsng_policy *p;
	int ok;

	dsng_policy_opts_init(&o, DSNG_POLICY_OPTS_VERSION);
	o.no_includes = true;
	if (dsng_policy_parse(NULL, &p, in->t.p, in->t.len, "cx.conf", &o,
	                      NULL))
		return -1;
	ok = in->networks == (size_t)-1 ||
	     dsng_policy_network_count(p) == in->networks;
	talloc_free(p);
	return ok ? 0 : -1;
}

/* n comment and blank lines, and n settings lines (each key once: the
 * repeatable ones are the next dimension). */
static void *config_lines(TALLOC_CTX *mem, size_t n)
{
	static const char *const settings[] = {
	        "[ehlo]\noffer-dsn = trusted, authenticated\n",
	        "[rcpt]\nsuccess-from = trusted\naction = reject\n",
	        "[mail]\nret-full-from = trusted\n",
	        "[headers]\naction = strip\n", "[bounce]\nbatv-days = 7\n"};
	struct config_in *in = talloc_zero(mem, struct config_in);
	struct cx_buf b;
	size_t i;

	cx_buf_init(&b, mem);
	cx_puts(&b, "preset = recommended\n");
	for (i = 0; i < n; i++) {
		cx_printf(&b, "# comment line %zu, \"quoted\" = [x]\n", i);
		cx_puts(&b, i % 2 ? "\n" : "   \t  # indented comment\n");
	}
	for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
		cx_puts(&b, settings[i]);
	in->t.p = b.p;
	in->t.len = b.len;
	in->networks = 2; /* the preset's loopback: 127.0.0.0/8, ::1 */
	return in;
}

/* n our-hosts lines and n add-names lines, one value each (n = 128 and
 * 1024: 4 * 256 values of each is the limit). */
static void *config_repeated(TALLOC_CTX *mem, size_t n)
{
	struct config_in *in = talloc_zero(mem, struct config_in);
	struct cx_buf b;
	size_t i;

	cx_buf_init(&b, mem);
	cx_puts(&b, "preset = recommended\n[bounce]\n");
	for (i = 0; i < n; i++)
		cx_printf(&b, "our-hosts = mx%zu.example\n", i);
	cx_puts(&b, "[headers]\n");
	/* the list starts with the preset's 6 names */
	for (i = 0; i + 6 < n; i++)
		cx_printf(&b, "add-names = X-Receipt-%zu\n", i);
	in->t.p = b.p;
	in->t.len = b.len;
	in->networks = 2; /* the preset's loopback */
	return in;
}

/* The [trusted-networks] section of n distinct prefixes, IPv4 and IPv6,
 * in an order that is not sorted. */
static void net_lines(struct cx_buf *b, size_t n)
{
	size_t i;

	cx_puts(b, "[trusted-networks]\n");
	for (i = 0; i < n; i++) {
		size_t k = (i * 7919) % (n ? n : 1); /* a permutation */

		if (k % 2)
			cx_printf(b, "10.%zu.%zu.0/24\n", (k >> 8) & 255,
			          k & 255);
		else
			cx_printf(b, "2001:db8:%zx::/48\n", k);
	}
}

static void *config_networks(TALLOC_CTX *mem, size_t n)
{
	struct config_in *in = talloc_zero(mem, struct config_in);
	struct cx_buf b;

	cx_buf_init(&b, mem);
	cx_puts(&b, "preset = recommended\n");
	net_lines(&b, n);
	in->t.p = b.p;
	in->t.len = b.len;
	in->networks = (size_t)-1;
	return in;
}

/* ---- RCPT decisions --------------------------------------------------- */

struct rcpt_in {
	struct dsng_policy *p;
	struct dsng_cmd cmd;
	char **addr; /* a client address per decision */
	size_t n;
};

static struct rcpt_in *rcpt_in(TALLOC_CTX *mem, size_t networks,
                               size_t decisions)
{
	static const char line[] = "RCPT TO:<a@b.example> "
	                           "NOTIFY=SUCCESS,FAILURE "
	                           "ORCPT=rfc822;a@b.example\r\n";
	struct rcpt_in *in = talloc_zero(mem, struct rcpt_in);
	struct dsng_policy_opts o;
	struct cx_buf b;
	size_t i;

	cx_buf_init(&b, mem);
	cx_puts(&b, "preset = recommended\n");
	net_lines(&b, networks);
	dsng_policy_opts_init(&o, DSNG_POLICY_OPTS_VERSION);
	o.no_includes = true;
	if (dsng_policy_parse(mem, &in->p, b.p, b.len, "cx.conf", &o, NULL))
		cx_die("rcpt: policy did not load");
	dsng_cmd_init(&in->cmd, DSNG_CMD_VERSION);
	if (dsng_cmd_parse(&in->cmd, line, sizeof(line) - 1, NULL, NULL))
		cx_die("rcpt: command did not parse");
	in->addr = talloc_array(mem, char *, decisions);
	/* addresses in none of the networks (the whole table is searched),
	 * every one different (no cached verdict) */
	for (i = 0; i < decisions; i++)
		in->addr[i] = talloc_asprintf(in->addr, "%s.%zu.%zu",
		                              i % 2 ? "198.51" : "203.0",
		                              (i >> 8) & 255, i & 255);
	in->n = decisions;
	return in;
}

static int rcpt_run(void *arg)
{
	struct rcpt_in *in = arg;
	struct dsng_policy_session s = DSNG_POLICY_SESSION_INIT;
	size_t i;

	for (i = 0; i < in->n; i++) {
		struct dsng_cmd c = in->cmd;
		struct dsng_decision d = DSNG_DECISION_INIT;

		if (dsng_policy_session_set_addr(&s, in->addr[i],
		                                 strlen(in->addr[i]), NULL))
			return -1;
		if (dsng_policy_rcpt(&d, in->p, &s, &c, NULL))
			return -1;
		if (i % 100 == 99)
			dsng_policy_session_reset(&s);
	}
	return 0;
}

static void *rcpt_nets0(TALLOC_CTX *mem, size_t n)
{
	return rcpt_in(mem, 0, n);
}

static void *rcpt_nets100(TALLOC_CTX *mem, size_t n)
{
	return rcpt_in(mem, 100, n);
}

static void *rcpt_nets10k(TALLOC_CTX *mem, size_t n)
{
	return rcpt_in(mem, 10000, n);
}

/* The same 2000 decisions under n networks. */
static void *rcpt_by_networks(TALLOC_CTX *mem, size_t n)
{
	return rcpt_in(mem, n, 2000);
}

const struct cx_dim cx_policy_dims[] = {
        {"policy: config lines (comments, blank lines)", 2000, config_lines,
         config_run},
        {"policy: repeatable keys (our-hosts, add-names: 128 vs 1024)", 128,
         config_repeated, config_run},
        {"policy: trusted networks in the config", 2000, config_networks,
         config_run},
        {"policy: RCPT decisions, 0 networks", 1000, rcpt_nets0, rcpt_run},
        {"policy: RCPT decisions, 100 networks", 1000, rcpt_nets100, rcpt_run},
        {"policy: RCPT decisions, 10,000 networks", 1000, rcpt_nets10k,
         rcpt_run},
        {"policy: 2000 RCPT decisions vs networks (1,250 vs 10,000)", 1250,
         rcpt_by_networks, rcpt_run},
        {NULL, 0, NULL, NULL},
};
