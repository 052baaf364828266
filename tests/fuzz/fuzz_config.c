/*
 * tests/fuzz/fuzz_config.c - the policy config parser on arbitrary bytes,
 * then every decision under the policy it produced.  Includes are served
 * from memory: "a.txt" is a small CIDR list, "self.txt" is the input
 * itself (so nesting and the depth limit get exercised), anything else
 * fails to read.  Everything is freed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dsnguard/dsnguard.h>

#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
	const char *buf;
	size_t len;
};

static int read_mem(void *arg, TALLOC_CTX *mem, const char *path, char **buf,
                    size_t *len)
{
	const struct input *in = arg;
	const char *base = strrchr(path, '/');
	const char *src = NULL;
	size_t n = 0;

	base = base ? base + 1 : path;
	if (!strcmp(base, "a.txt")) {
		src = "192.0.2.0/24\n2001:db8::/32 # x\n10.0.0.0/8\n";
		n = strlen(src);
	} else if (!strcmp(base, "self.txt")) {
		src = in->buf;
		n = in->len;
	} else {
		return DSNG_EIO;
	}
	*buf = talloc_size(mem, n + 1);
	if (!*buf)
		return DSNG_ENOMEM;
	if (n)
		memcpy(*buf, src, n);
	(*buf)[n] = 0;
	*len = n;
	return 0;
}

static int sent_cb(void *arg, const char *id, size_t len)
{
	(void)arg;
	return len > 3 ? (id[1] & 1) : -1;
}

static void decide(TALLOC_CTX *mem, const struct dsng_policy *p)
{
	static const char *const addrs[] = {"192.0.2.7", "198.51.100.33",
	                                    "2001:db8::1", "::ffff:10.1.2.3"};
	static const char *const lines[] = {
	        "EHLO a.example",
	        "MAIL FROM:<a@example.org> RET=FULL ENVID=x",
	        "MAIL FROM:<>",
	        ("RCPT TO:<b@example.org> NOTIFY=SUCCESS,DELAY,FAILURE "
	         "ORCPT=rfc822;b@example.org"),
	        "RCPT TO:<b@example.org> NOTIFY=NEVER",
	        "RCPT TO:<b@example.org> NOTIFY=SUCCESS",
	        "HELO a.example",
	        "RCPT TO:<b@example.org> ORCPT=rfc822;b@example.org",
	        "RSET"};
	struct dsng_policy_session s;
	struct dsng_decision d = DSNG_DECISION_INIT;
	struct dsng_policy_bounce_info b;
	struct dsng_span rcv = {"from x by mx.example.net", 24};
	size_t i, j;
	int k;

	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		dsng_policy_session_init(&s, DSNG_POLICY_SESSION_VERSION);
		dsng_policy_session_set_addr(&s, addrs[i], strlen(addrs[i]),
		                             NULL);
		s.auth_user = (i & 1) ? "u" : NULL;
		s.port = (i & 2) ? 587 : 25;
		for (j = 0; j < sizeof(lines) / sizeof(lines[0]); j++) {
			struct dsng_cmd cmd = DSNG_CMD_INIT;
			dsng_policy_line(mem, &d, &cmd, p, &s, lines[j],
			                 strlen(lines[j]), NULL, NULL);
			talloc_free(d.rewritten);
		}
		dsng_policy_header(&d, p, &s, "Return-Receipt-To", 17, "a@b", 3,
		                   NULL);
		dsng_policy_header(&d, p, &s, "Subject", 7, "x", 1, NULL);
		for (k = 0; k <= DSNG_DSN_EXPANDED; k++)
			dsng_policy_generate(&d, p, &s, (enum dsng_dsn_kind)k,
			                     (i & 1) != 0,
			                     (unsigned)(k * 3) & 0xf, NULL);
		dsng_policy_bounce_info_init(&b,
		                             DSNG_POLICY_BOUNCE_INFO_VERSION);
		b.null_sender = true;
		b.rcpt.ptr = "prvs=0123abcdef=a@example.net";
		b.rcpt.len = strlen(b.rcpt.ptr);
		b.message_id.ptr = "<id@x>";
		b.message_id.len = 6;
		b.sent = sent_cb;
		b.received = &rcv;
		b.n_received = 1;
		b.now = 1700000000;
		dsng_policy_bounce(&d, p, &s, &b, NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dsng_policy_opts o = DSNG_POLICY_OPTS_INIT;
	struct dsng_policy *p = NULL;
	struct dsng_error err = DSNG_ERROR_INIT;
	struct input in;
	TALLOC_CTX *mem;
	char *buf;

	buf = fuzz_copy(data, size);
	in.buf = buf;
	in.len = size;
	mem = talloc_new(NULL);
	o.read = read_mem;
	o.read_arg = &in;
	if (dsng_policy_parse(mem, &p, buf, size, "/fuzz/f.conf", &o, &err) ==
	    0)
		decide(mem, p);
	talloc_free(mem);
	free(buf);
	return 0;
}
