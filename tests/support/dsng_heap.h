/*
 * tests/support/dsng_heap.h - the heap a parsed report really holds, read
 * from glibc's own statistics (mallinfo2: talloc headers, pool slack and
 * glibc's chunk rounding all count).  One home for the measurement that
 * check_report_heap (the bound issue 11 sets) and the benches
 * (bench_report's heap rows, report_heap) print; it needs no cmocka, as
 * the benches are built without it.
 */
#ifndef DSNG_HEAP_H
#define DSNG_HEAP_H

#include <stddef.h>

#include "dsnguard/dsnguard.h"

/* Bytes glibc has handed out and not had back: its arenas' and the
 * chunks it mmaps. */
size_t dsng_test_heap_in_use(void);

/* 1 when those statistics see a malloc at all; 0 under ASan, valgrind or
 * another allocator, where every figure would read as nothing held. */
int dsng_test_heap_counts_malloc(void);

/* Runs this program again (argv) with glibc's tcache and fastbins off,
 * unless GLIBC_TUNABLES is set already: chunks parked there count as in
 * use, so a parse that reuses the ones the last parse freed would seem
 * to hold almost nothing.  Returns only when it did not run again: 0
 * when the tunables were set already, -1 when the exec failed (after
 * perror naming who). */
int dsng_test_heap_exact(char **argv, const char *who);

/* One parse, measured: */
struct dsng_test_heap_parse {
	int ok;            /* dsng_report_parse accepted the input */
	size_t recipients; /* the report's n_recipients, when ok */
	/* heap in use after the parse less before it: what the report holds
	 * when ok, what a refused parse left behind (should be 0) when not */
	ptrdiff_t held;
};

/* Parses buf (talloc parent NULL, limits lim), measures it as above and
 * frees the report. */
struct dsng_test_heap_parse
dsng_test_heap_parse(const char *buf, size_t len,
                     const struct dsng_report_limits *lim);

#endif
