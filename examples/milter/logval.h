/*
 * examples/milter/logval.h - one log line of key=value fields, as DESIGN
 * section 5 says for dsnguard-milter: a value with a space, '"' or '\'
 * (or one that must be escaped, or is empty) is double-quoted with '"'
 * and '\' escaped; bytes below 0x20, 0x7f and bytes that are not part of
 * valid UTF-8 are written \xHH.  A line therefore never holds a raw CR or
 * LF, whatever an attacker put in an address.
 *
 * A line is a fixed buffer, so logging never allocates and cannot fail:
 * a value that does not fit is cut at a whole character and ends in
 * "..." (inside its quotes).
 */
#ifndef DM_LOGVAL_H
#define DM_LOGVAL_H

#include <stdbool.h>
#include <stddef.h>

#define DM_LINE_MAX 4096

struct dm_line {
	size_t len;
	char buf[DM_LINE_MAX]; /* NUL-terminated */
};

/* Empty the line. */
void dm_line_init(struct dm_line *l);

/* Append a bare word (" word", no leading space on an empty line). */
void dm_line_word(struct dm_line *l, const char *word);

/* Append " key=value" (no leading space on an empty line), the value
 * escaped as above.  v may be NULL (written "-"). */
void dm_line_kv(struct dm_line *l, const char *key, const char *v, size_t len);

/* The same for a C string (NULL written "-"). */
void dm_line_kvs(struct dm_line *l, const char *key, const char *v);

/* The same for an unsigned number. */
void dm_line_kvu(struct dm_line *l, const char *key, unsigned long long n);

/* Escape v into out (size bytes, NUL-terminated when size > 0), quoting
 * as above; returns the length written.  The unit the tests check. */
size_t dm_logval(char *out, size_t size, const char *v, size_t len);

#endif
