/*
 * tests/fuzz/fuzz_cmd.c - dsng_cmd_parse in lenient, strict and UTF-8
 * modes on one input; when a line parses, its canonical form must parse
 * again to the same verb and parameter count, and format again to itself.
 */
#include <stdlib.h>
#include <string.h>

#include "dsnguard/dsnguard.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static struct dsng_cmd cmd = DSNG_CMD_INIT, again = DSNG_CMD_INIT;

static void check(const char *buf, size_t size, unsigned flags)
{
	struct dsng_cmd_opts o = DSNG_CMD_OPTS_INIT;
	struct dsng_error err = DSNG_ERROR_INIT;
	char out[DSNG_CMD_MAX_LINE_CEILING + 64];
	size_t n, n2;

	o.flags = flags;
	if (dsng_cmd_parse(&cmd, buf, size, &o, &err) != DSNG_OK) {
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
