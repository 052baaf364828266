/*
 * tests/support/dsng_corpus_walk.h - every message of the shared corpus
 * (its dsn/ and other/ folders), read whole into a buffer of its own
 * size; for check_report_heap and the benches (no cmocka).
 */
#ifndef DSNG_CORPUS_WALK_H
#define DSNG_CORPUS_WALK_H

#include <stddef.h>

/* The file at path, whole, in a malloc'd buffer of exactly its size (one
 * octet for an empty file): a caller's buffer has no spare byte after
 * the message, so neither has this one.  *len is its size.  NULL when it
 * cannot be opened or read whole.  The caller frees it. */
char *dsng_test_read_file(const char *path, size_t *len);

/* Calls each(buf, len, arg) for every file of base/dsn, then of
 * base/other (in directory order), but dot files and those that cannot
 * be read; buf as dsng_test_read_file gives it, and each owns it (frees
 * or keeps it).  Returns how many were given; 0 when base has neither
 * folder. */
size_t dsng_test_corpus_walk(const char *base,
                             void (*each)(char *buf, size_t len, void *arg),
                             void *arg);

#endif
