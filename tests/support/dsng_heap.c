/*
 * tests/support/dsng_heap.c - the heap a parsed report holds, from
 * glibc's statistics (see dsng_heap.h).
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dsng_heap.h"

size_t dsng_test_heap_in_use(void)
{
	struct mallinfo2 m = mallinfo2();

	return m.uordblks + m.hblkhd;
}

int dsng_test_heap_counts_malloc(void)
{
	size_t before = dsng_test_heap_in_use(), after;
	void *probe = malloc(100000);

	after = dsng_test_heap_in_use();
	free(probe);
	return probe && after >= before + 100000;
}

int dsng_test_heap_exact(char **argv, const char *who)
{
	if (getenv("GLIBC_TUNABLES"))
		return 0;
	setenv("GLIBC_TUNABLES",
	       "glibc.malloc.tcache_count=0:glibc.malloc.mxfast=0", 1);
	execv("/proc/self/exe", argv);
	fprintf(stderr, "%s: execv: %s\n", who, strerror(errno));
	return -1;
}

struct dsng_test_heap_parse
dsng_test_heap_parse(const char *buf, size_t len,
                     const struct dsng_report_limits *lim)
{
	struct dsng_test_heap_parse p = {0, 0, 0};
	struct dsng_report *r;
	size_t before = dsng_test_heap_in_use();

	if (dsng_report_parse(NULL, &r, buf, len, lim, NULL) != DSNG_OK) {
		p.held = (ptrdiff_t)(dsng_test_heap_in_use() - before);
		return p;
	}
	/* read before the report is freed, and before anything else
	 * allocates */
	p.held = (ptrdiff_t)(dsng_test_heap_in_use() - before);
	p.ok = 1;
	p.recipients = r->n_recipients;
	talloc_free(r);
	return p;
}
