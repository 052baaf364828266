/*
 * tests/complexity/cx.h - the complexity check: every attacker-controlled
 * dimension of every parser and table, each run at size N and 8N in one
 * process.  A part file (cx_smtp.c, cx_content.c, cx_policy.c,
 * cx_maillog.c) lists its dimensions; cx_main.c times them and fails when
 * cost(8N) / cost(N) is over 24 (8 is linear, 64 quadratic).
 */
#ifndef DSNG_CX_H
#define DSNG_CX_H

#include <stddef.h>

#include <talloc.h>

#include "dsnguard/dsnguard.h"

/*
 * One dimension: make() builds the hostile input of size n on mem (not
 * timed); run() does the work an attacker makes the library do for it,
 * once (timed, repeated as often as the harness needs), and returns 0, or
 * -1 when the library did not behave as the input expects (a bug in the
 * check or the library: the check fails).
 */
struct cx_dim {
	const char *name;
	size_t n; /* N; 8N is run too */
	void *(*make)(TALLOC_CTX *mem, size_t n);
	int (*run)(void *input);
};

/* The dimensions of each part, ended by an entry with a NULL name. */
extern const struct cx_dim cx_smtp_dims[];
extern const struct cx_dim cx_content_dims[];
extern const struct cx_dim cx_policy_dims[];
extern const struct cx_dim cx_maillog_dims[];

/* A growing byte buffer on a talloc context (doubling: linear to build). */
struct cx_buf {
	TALLOC_CTX *mem;
	char *p;
	size_t len, cap;
};

void cx_buf_init(struct cx_buf *b, TALLOC_CTX *mem);
void cx_put(struct cx_buf *b, const char *s, size_t n);
void cx_puts(struct cx_buf *b, const char *s);
void cx_printf(struct cx_buf *b, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
/* Print a message on stderr and exit 2 (setup could not be built). */
void cx_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A bytes-and-length input most dimensions use. */
struct cx_text {
	char *p;
	size_t len;
};

/* The buffer's bytes as a struct cx_text on its context. */
struct cx_text *cx_text_of(struct cx_buf *b);

#endif
