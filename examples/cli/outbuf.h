/*
 * examples/cli/outbuf.h - a buffered writer to stdout for commands that
 * print many small fields (scan-log): field by field into one 8 KB buffer,
 * written out a buffer at a time, and JSON values written straight into
 * it, octet for octet what jansson's compact dump of the same value gives
 * (cli_json_print), without building a tree per line.
 *
 * printf's format interpretation cost about 1,200 instructions a call and
 * an fwrite per field a tenth of a scan-log run (callgrind); building and
 * dumping a jansson tree per event cost five times the scan itself.
 * Call out_flush before anything else writes to stdout.
 */
#ifndef DSNG_CLI_OUTBUF_H
#define DSNG_CLI_OUTBUF_H

#include <stddef.h>
#include <string.h>

/* The buffer (outbuf.c); inline below because a field is a few octets. */
struct out_buf {
	char b[8192];
	size_t n;
};
extern struct out_buf out_buf;

void out_flush(void);
/* The slow path of out_n: flush, or write a long string directly. */
void out_n_slow(const char *s, size_t n);

static inline void out_n(const char *s, size_t n)
{
	if (n > sizeof(out_buf.b) - out_buf.n) {
		out_n_slow(s, n);
		return;
	}
	memcpy(out_buf.b + out_buf.n, s, n);
	out_buf.n += n;
}

static inline void out_s(const char *s) /* "%s" */
{
	out_n(s, strlen(s));
}

void out_left(const char *s, size_t width);    /* "%-Ns" */
void out_ulong(unsigned long v, size_t width); /* "%Nlu" */
/* A JSON string of s (null for NULL), as cli_json_str and jansson's dump
 * write it: bytes that are not UTF-8 as U+FFFD, '"' '\\' and control
 * characters escaped, everything else as it is. */
void out_json_str(const char *s);
/* A JSON boolean. */
void out_json_bool(int b);

#endif
