/*
 * tests/fuzz/fuzz_reply.c - SMTP reply framing: parse, the streaming
 * check, and the writers, with consistency checks between them.
 */
#include <stdlib.h>
#include <string.h>

#include <dsnguard/dsnguard.h>

#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct dsng_reply_opts opts;
	struct dsng_reply *r = NULL, *r2 = NULL;
	struct dsng_error err = DSNG_ERROR_INIT;
	char *buf = fuzz_copy(data, size);
	size_t used = 0, i;
	int rc, done;
	void *mem = talloc_new(NULL);
	char *s;

	if (!buf || !mem)
		abort();
	dsng_reply_opts_init(&opts, DSNG_REPLY_OPTS_VERSION);
	/* the first byte picks lenient mode, so both limits get explored */
	if (size && (data[0] & 1))
		opts.flags |= DSNG_REPLY_LENIENT;

	done = dsng_reply_complete(&used, buf, size, &opts, &err);
	if (done == 1) {
		/* what the stream check accepts, the parser accepts too */
		if (used == 0 || used > size ||
		    dsng_reply_parse(mem, &r, buf, used, &opts, &err) != 0)
			abort();
		talloc_free(r);
		r = NULL;
	}
	rc = dsng_reply_parse(mem, &r, buf, size, &opts, &err);
	if (rc == 0) {
		if (r->length != size || r->n_lines == 0)
			abort();
		/* a terminated whole reply is also complete for the stream */
		if (!r->unterminated && (done != 1 || used != size))
			abort();
		s = dsng_reply_format(mem, r);
		if (!s || dsng_reply_parse(mem, &r2, s, strlen(s), &opts, &err))
			abort();
		if (r2->code != r->code || r2->n_lines != r->n_lines)
			abort();
		for (i = 0; i < r->n_lines; i++)
			if (strcmp(r2->lines[i]->text, r->lines[i]->text))
				abort();
		s = dsng_reply_text(mem, r, true);
		if (!s)
			abort();
	} else if (r) {
		abort();
	}
	talloc_free(mem);
	free(buf);
	return 0;
}
