/*
 * lib/reply_int.h - reply helpers shared by reply.c, ehlo.c and
 * ehlo_format.c; never installed.
 */
#ifndef DSNG_REPLY_INT_H
#define DSNG_REPLY_INT_H

#include "dsnguard/reply.h"

/*
 * One reply line: "250-text\r\n", "250 text\r\n", or "250\r\n" for an
 * empty final line.  Writers measure every line first, allocate once and
 * then write, so writing N lines costs O(N) (appending to a talloc string
 * line by line may copy it each time).
 *
 * dsng__reply_line_size: the octets that line takes.
 * dsng__reply_line_write: write it at dst, which has room for
 * dsng__reply_line_size() octets; returns the end (no NUL is written).
 */
size_t dsng__reply_line_size(int code, int final, size_t len);
char *dsng__reply_line_write(char *dst, int code, int final, const char *text,
                             size_t len);

#endif /* DSNG_REPLY_INT_H */
