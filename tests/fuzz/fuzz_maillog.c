/*
 * tests/fuzz/fuzz_maillog.c - the maillog scanner on arbitrary bytes: the
 * input is fed in two chunks split where its first byte says, with tight
 * limits (also from that byte) so eviction and the pending cap run too;
 * then finish, every event, the summary, and everything freed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dsnguard/dsnguard.h>

#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dsng_maillog_opts o;
	struct dsng_maillog *s;
	struct dsng_maillog_event *ev;
	struct dsng_maillog_summary *sum;
	TALLOC_CTX *mem;
	char *buf;
	size_t split;
	unsigned ctl;

	if (size < 1)
		return 0;
	ctl = data[0];
	data++;
	size--;
	/* an exact-size copy, so ASan sees any read past the end */
	buf = fuzz_copy(data, size);
	mem = talloc_new(NULL);
	dsng_maillog_opts_init(&o, DSNG_MAILLOG_OPTS_VERSION);
	if (ctl & 1) {
		o.max_tracked = 1 + (ctl >> 4);
		o.max_pending = 1 + ((ctl >> 1) & 7);
		o.max_rcpts = 2;
		o.max_line = 64 + (ctl & 0xf0);
		o.max_recipients_tracked = 1 + ((ctl >> 2) & 3);
		o.max_clients_tracked = 1 + ((ctl >> 5) & 3);
	}
	split = size ? (ctl * 7919u) % (size + 1) : 0;
	if (dsng_maillog_new(mem, &s, &o, NULL) == 0) {
		dsng_maillog_feed(s, buf, split, NULL);
		while (dsng_maillog_next(mem, &ev, s) == 0 && ev)
			talloc_free(ev);
		dsng_maillog_feed(s, buf + split, size - split, NULL);
		dsng_maillog_finish(s, NULL);
		while (dsng_maillog_next(mem, &ev, s) == 0 && ev) {
			size_t i;
			/* touch every string so ASan checks them */
			if (ev->to)
				(void)strlen(ev->to);
			for (i = 0; i < ev->n_orig_rcpts; i++)
				(void)strlen(ev->orig_rcpts[i]);
			talloc_free(ev);
		}
		if (dsng_maillog_summary(mem, &sum, s, NULL) == 0)
			talloc_free(sum);
	}
	talloc_free(mem);
	free(buf);
	return 0;
}
