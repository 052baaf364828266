/*
 * lib/addr_int.h - the address scanner the command parser drives, and
 * the character classes of RFC 5321 / RFC 3461 it shares with it.
 */
#ifndef DSNG_ADDR_INT_H
#define DSNG_ADDR_INT_H

#include "dsng_private.h"

/* Character classes, one bit each, indexed by octet. */
#define DSNG__C_ATEXT 0x01u  /* RFC 5321 atext */
#define DSNG__C_LETDIG 0x02u /* ALPHA / DIGIT */
#define DSNG__C_QTEXT 0x04u  /* qtextSMTP */
#define DSNG__C_DCONT 0x08u  /* dcontent of a general address literal */
#define DSNG__C_VALUE 0x10u  /* esmtp-value: 33..60, 62..126 */
#define DSNG__C_KEY 0x20u    /* esmtp-keyword: ALPHA / DIGIT / '-' */
#define DSNG__C_SPACE 0x40u  /* SP, TAB */
#define DSNG__C_XCHAR 0x80u  /* xtext xchar: 33..126 but '+' and '=' */
extern const unsigned char dsng__cclass[256];

extern const unsigned char dsng__upper[256];

/* n octets at p equal the upper-case word w, ignoring ASCII case. */
static inline int dsng__ieq(const char *p, const char *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (dsng__upper[(unsigned char)p[i]] != (unsigned char)w[i])
			return 0;
	return 1;
}

static inline int dsng__is(unsigned char c, unsigned cls)
{
	return (dsng__cclass[c] & cls) != 0;
}

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
