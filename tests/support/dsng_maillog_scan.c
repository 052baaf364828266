/*
 * tests/support/dsng_maillog_scan.c - see dsng_maillog_scan.h.
 */
#include "dsng_maillog_scan.h"
#include "dsng_test.h"

void dsng_test_scan_take(struct dsng_maillog *s, TALLOC_CTX *mem,
                         struct dsng_test_scan *r)
{
	struct dsng_maillog_event *ev;

	for (;;) {
		assert_int_equal(dsng_maillog_next(mem, &ev, s), 0);
		if (!ev)
			return;
		assert_ptr_equal(talloc_parent(ev), mem);
		r->ev = talloc_realloc(mem, r->ev, struct dsng_maillog_event *,
		                       r->n + 1);
		assert_non_null(r->ev);
		r->ev[r->n++] = ev;
	}
}
