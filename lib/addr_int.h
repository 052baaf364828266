/*
 * lib/addr_int.h - the address scanner the command parser drives.  The
 * character classes it uses are the base's (chars.h).
 */
#ifndef DSNG_ADDR_INT_H
#define DSNG_ADDR_INT_H

#include "chars.h"

/* Internal flag: 8-bit octets are accepted if valid UTF-8 and reported
 * in first_8bit; the caller decides later (MAIL ... SMTPUTF8 comes after
 * the path). */
#define DSNG__ADDR_UTF8_LATER 0x100u

struct dsng__addr_scan {
	size_t next;       /* offset just past the path */
	size_t first_8bit; /* offset of the first 8-bit octet, if has_utf8 */
	unsigned lax;      /* DSNG_ADDR_LAX_* */
};

/*
 * Parse the path starting at line[pos] (line has `end` octets), stopping
 * after '>' (or, unbracketed, before SP/TAB/end).  Offsets in err count
 * from `line`.  Errors as dsng_addr_parse.
 */
int dsng__addr_scan(struct dsng_path *out, const char *line, size_t pos,
                    size_t end, unsigned flags, struct dsng__addr_scan *st,
                    struct dsng_error *err);

/* Length of the Domain (dot-separated LDH labels, U-labels with
 * DSNG_ADDR_UTF8/_LATER) starting at s[0]; 0 if none.  *bad is set to the
 * offset of the first octet that breaks a label rule, or to (size_t)-1;
 * *first8 (initialised by the caller) to the first 8-bit octet's. */
size_t dsng__addr_domain(const char *s, size_t n, unsigned flags, size_t *bad,
                         size_t *first8);

/* 1 if s/n is a valid address-literal including its brackets. */
int dsng__addr_literal(const char *s, size_t n);

#endif /* DSNG_ADDR_INT_H */
