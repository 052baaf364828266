/*
 * tests/fuzz/fuzz_cmd.c - dsng_cmd_parse in lenient, strict and UTF-8
 * modes on one input; when a line parses, its canonical form must parse
 * again to the same verb and parameter count, and format again to itself.
 * In lenient mode the one-pass MAIL/RCPT parser (lib/cmd_fast.c) and the
 * layered one must agree on the result, the error and the fields.
 */
#include <stdlib.h>
#include <string.h>

#include "dsnguard/dsnguard.h"
#include "fuzz_input.h"
#include "cmd_int.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static struct dsng_cmd cmd = DSNG_CMD_INIT, again = DSNG_CMD_INIT;
static struct dsng_cmd layered = DSNG_CMD_INIT;

#define SAME(f) (cmd.f == layered.f)
#define SAME_SPAN(f) (SAME(f.ptr) && SAME(f.len))
/* a span into decoded[] (or NULL): the same offset */
#define SAME_DECODED(f)                                                        \
	(SAME(f.len) && !cmd.f.ptr == !layered.f.ptr &&                        \
	 (!cmd.f.ptr ||                                                        \
	  cmd.f.ptr - cmd.decoded == layered.f.ptr - layered.decoded))

/* The fast path on (as dsng_cmd_parse just ran) against it off. */
static void differential(const char *buf, size_t size, int rc,
                         const struct dsng_error *err)
{
	struct dsng_error e2 = DSNG_ERROR_INIT;
	int rc2;
	size_t i;

	dsng__cmd_fast_off = 1;
	rc2 = dsng_cmd_parse(&layered, buf, size, NULL, &e2);
	dsng__cmd_fast_off = 0;
	if (rc != rc2)
		abort();
	if (rc != DSNG_OK) {
		if (err->kind != e2.kind || err->offset != e2.offset ||
		    strcmp(err->message, e2.message) != 0)
			abort();
		return;
	}
	if (!SAME(verb) || !SAME(lax) || !SAME_SPAN(path.raw) ||
	    !SAME_SPAN(path.mailbox) || !SAME_SPAN(path.local) ||
	    !SAME_SPAN(path.domain) || !SAME_SPAN(path.route) ||
	    !SAME(path.is_null) || !SAME(path.has_utf8) || !SAME(path_offset) ||
	    !SAME(n_params) || !SAME(notify) || !SAME(has_orcpt) ||
	    !SAME_SPAN(orcpt_type) || !SAME_DECODED(orcpt_addr) || !SAME(ret) ||
	    !SAME(has_envid) || !SAME_DECODED(envid) || !SAME(has_size) ||
	    !SAME(size) || !SAME(body) || !SAME(smtputf8) ||
	    !SAME(requiretls) || !SAME(decoded_len) ||
	    memcmp(cmd.decoded, layered.decoded, cmd.decoded_len) != 0)
		abort();
	for (i = 0; i < cmd.n_params; i++)
		if (!SAME(params[i].kind) || !SAME_SPAN(params[i].keyword) ||
		    !SAME_SPAN(params[i].value) || !SAME(params[i].offset))
			abort();
}

static void check(const char *buf, size_t size, unsigned flags)
{
	struct dsng_cmd_opts o = DSNG_CMD_OPTS_INIT;
	struct dsng_error err = DSNG_ERROR_INIT;
	char out[DSNG_CMD_MAX_LINE_CEILING + 64];
	size_t n, n2;
	int rc;

	o.flags = flags;
	rc = dsng_cmd_parse(&cmd, buf, size, &o, &err);
	if (!flags)
		differential(buf, size, rc, &err);
	if (rc != DSNG_OK) {
		if (err.offset > size || err.reply < 500 || !err.enhanced[0])
			abort();
		return;
	}
	n = dsng_cmd_format_buf(out, sizeof(out), &cmd);
	if (n >= sizeof(out))
		abort();
	/* canonical adds brackets, so it may be 2 octets longer */
	o.max_line = DSNG_CMD_MAX_LINE_CEILING;
	o.flags = flags & ~DSNG_CMD_STRICT;
	if (dsng_cmd_parse(&again, out, n, &o, &err) != DSNG_OK)
		abort();
	if (again.verb != cmd.verb || again.n_params != cmd.n_params ||
	    again.notify != cmd.notify || again.size != cmd.size ||
	    again.envid.len != cmd.envid.len ||
	    again.orcpt_addr.len != cmd.orcpt_addr.len ||
	    again.path.mailbox.len != cmd.path.mailbox.len)
		abort();
	{
		char out2[sizeof(out)];

		n2 = dsng_cmd_format_buf(out2, sizeof(out2), &again);
		if (n2 != n || memcmp(out, out2, n) != 0)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *buf = fuzz_copy(data, size);

	check(buf, size, 0);
	check(buf, size, DSNG_CMD_STRICT);
	check(buf, size, DSNG_CMD_UTF8);
	check(buf, size, DSNG_CMD_STRICT | DSNG_CMD_UTF8);
	free(buf);
	return 0;
}
