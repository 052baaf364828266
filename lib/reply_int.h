/*
 * lib/reply_int.h - reply helpers shared by reply.c, ehlo.c and
 * ehlo_format.c; never installed.
 */
#ifndef DSNG_REPLY_INT_H
#define DSNG_REPLY_INT_H

#include "dsnguard/reply.h"

/*
 * Append one reply line ("250-text\r\n", "250 text\r\n", or "250\r\n" for
 * an empty final line) to the talloc string s.  Returns the (possibly
 * moved) string, or NULL on ENOMEM, in which case s has been freed.
 */
char *dsng__reply_put_line(char *s, int code, int final, const char *text,
                           size_t len);

#endif /* DSNG_REPLY_INT_H */
