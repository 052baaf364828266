/*
 * lib/addr.c - RFC 5321 4.1.2 paths: one left-to-right pass over the
 * grammar (route, local part, domain) that never splits inside a quoted
 * string, then the 4.5.3.1 length limits.
 */
#include <string.h>

#include "addr_int.h"

#define NONE ((size_t)-1)

static const char *enh(unsigned flags)
{
	return (flags & DSNG_ADDR_RCPT) ? "5.1.3" : "5.1.7";
}

static int utf8_ok(unsigned flags)
{
	return (flags & (DSNG_ADDR_UTF8 | DSNG__ADDR_UTF8_LATER)) != 0;
}

/* An 8-bit octet at s[i]: its UTF-8 length, or 0 when refused. */
static size_t eight(const unsigned char *s, size_t i, size_t end,
                    unsigned flags, size_t *first8)
{
	uint32_t cp;
	size_t n;

	if (!utf8_ok(flags))
		return 0;
	n = dsng__utf8_seq(s + i, end - i, &cp);
	if (n && *first8 == NONE)
		*first8 = i;
	return n;
}

size_t dsng__addr_domain(const char *str, size_t n, unsigned flags, size_t *bad,
                         size_t *first8)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, ls, k;

	for (;;) {
		ls = i;
		while ((i = dsng__skip(s, i, n, DSNG__C_KEY)) < n) { /* LDH */
			if (s[i] >= 0x80) {
				k = eight(s, i, n, flags, first8);
				if (!k) {
					*bad = i;
					return i;
				}
				i += k;
			} else {
				break;
			}
		}
		if (i == ls || s[ls] == '-' || s[i - 1] == '-' ||
		    i - ls > DSNG_ADDR_MAX_LABEL) {
			*bad = (i == ls || s[ls] == '-' ||
			        i - ls > DSNG_ADDR_MAX_LABEL)
			               ? ls
			               : i - 1;
			return i;
		}
		if (i < n && s[i] == '.' && i + 1 < n) {
			i++;
			continue;
		}
		if (i < n && s[i] == '.') {
			*bad = i; /* a trailing dot ends on an empty label */
			return i;
		}
		break;
	}
	*bad = NONE;
	return i;
}

static int fail(struct dsng_error *err, unsigned flags, enum dsng_errkind kind,
                size_t off, const char *why)
{
	switch (kind) {
	case DSNG_ERR_SYNTAX:
		return dsng__fail(err, DSNG_ESYNTAX, kind, off, 501, "5.5.4",
		                  "%s", why);
	case DSNG_ERR_NULL_PATH_NOT_ALLOWED:
		return dsng__fail(err, DSNG_ESYNTAX, kind, off, 501, "5.1.3",
		                  "%s", why);
	case DSNG_ERR_NON_ASCII_ADDRESS:
		return dsng__fail(err, DSNG_ESYNTAX, kind, off, 553, "5.6.7",
		                  "%s", why);
	default:
		return dsng__fail(err, DSNG_ESYNTAX, DSNG_ERR_BAD_ADDRESS, off,
		                  501, enh(flags), "%s", why);
	}
}

/* An octet at s[i] that the mailbox grammar cannot take.  Inside '<' with
 * no '>' anywhere after it the real problem is the missing bracket. */
static int bad_at(const unsigned char *s, size_t i, size_t end, int bracket,
                  unsigned flags, struct dsng_error *err, const char *why)
{
	if (i < end && s[i] >= 0x80 && !utf8_ok(flags))
		return fail(err, flags, DSNG_ERR_NON_ASCII_ADDRESS, i,
		            "non-ASCII address without SMTPUTF8");
	if (bracket && !memchr(s + i, '>', end - i))
		return fail(err, flags, DSNG_ERR_SYNTAX, i, "missing '>'");
	return fail(err, flags, DSNG_ERR_BAD_ADDRESS, i, why);
}

/* A quoted local part that runs to the end of the input (its closing
 * quote never came, or was escaped): *bad is at the opening quote. */
#define UNTERMINATED ((size_t)-2)

/* The local part at s[i]: returns the offset after it, NONE or
 * UNTERMINATED. */
static size_t local_part(const unsigned char *s, size_t i, size_t end,
                         unsigned flags, size_t *first8, size_t *bad)
{
	size_t k, as;

	if (i < end && s[i] == '"') {
		size_t open = i;

		for (i++;;) {
			if (i >= end || (s[i] == '\\' && i + 1 >= end)) {
				*bad = open;
				return UNTERMINATED;
			}
			if (s[i] == '"')
				return i + 1;
			if (s[i] == '\\') {
				if (s[i + 1] < 32 || s[i + 1] > 126)
					break;
				i += 2;
			} else if (dsng__is(s[i], DSNG__C_QTEXT)) {
				i++;
			} else if (s[i] >= 0x80 &&
			           (k = eight(s, i, end, flags, first8))) {
				i += k;
			} else {
				break;
			}
		}
		*bad = i;
		return NONE;
	}
	for (;;) {
		as = i;
		while ((i = dsng__skip(s, i, end, DSNG__C_ATEXT)) < end) {
			if (s[i] >= 0x80 &&
			    (k = eight(s, i, end, flags, first8)))
				i += k;
			else
				break;
		}
		if (i == as) {
			*bad = i;
			return NONE;
		}
		if (i < end && s[i] == '.') {
			i++;
			continue;
		}
		return i;
	}
}

static int is_end(const unsigned char *s, size_t i, size_t end, int bracket)
{
	if (bracket)
		return i < end && s[i] == '>';
	return i >= end || dsng__is(s[i], DSNG__C_SPACE);
}

int dsng__addr_scan(struct dsng_path *out, const char *line, size_t pos,
                    size_t end, unsigned flags, struct dsng__addr_scan *st,
                    struct dsng_error *err)
{
	const unsigned char *s = (const unsigned char *)line;
	size_t i = pos, ls, le, ds = 0, de = 0, rs = 0, re = 0, b, n;
	size_t first8 = NONE, d8 = NONE, path_len, max_local, max_path;
	int bracket = 0;

	memset(out, 0, sizeof(*out));
	st->lax = 0;
	st->next = pos;
	if (i < end && s[i] == '<') {
		bracket = 1;
		i++;
	} else if (flags & DSNG_ADDR_STRICT) {
		return fail(err, flags, DSNG_ERR_SYNTAX, i, "missing '<'");
	} else {
		out->unbracketed = true;
		st->lax |= DSNG_ADDR_LAX_NO_BRACKETS;
		if (i >= end || dsng__is(s[i], DSNG__C_SPACE))
			return fail(err, flags, DSNG_ERR_SYNTAX, i,
			            "missing address");
	}

	if (bracket && i < end && s[i] == '>') {
		if (flags & DSNG_ADDR_RCPT)
			return fail(err, flags, DSNG_ERR_NULL_PATH_NOT_ALLOWED,
			            pos, "null path not allowed here");
		out->is_null = true;
		out->raw.ptr = line + pos;
		out->raw.len = i + 1 - pos;
		out->mailbox.ptr = line + i;
		st->next = i + 1;
		return DSNG_OK;
	}

	if (i < end && s[i] == '@') { /* source route, RFC 5321 4.1.2 A-d-l */
		rs = i;
		for (;;) {
			i++;
			n = dsng__addr_domain(line + i, end - i,
			                      flags & ~DSNG_ADDR_UTF8 &
			                              ~DSNG__ADDR_UTF8_LATER,
			                      &b, &d8);
			if (b != NONE || n == 0)
				return bad_at(s, b != NONE ? i + b : i, end,
				              bracket, flags, err,
				              "bad source route");
			i += n;
			if (i < end && s[i] == ',' && i + 1 < end &&
			    s[i + 1] == '@') {
				i++;
				continue;
			}
			if (i < end && s[i] == ':')
				break;
			return bad_at(s, i, end, bracket, flags, err,
			              "bad source route");
		}
		re = i++;
	}

	ls = i;
	le = local_part(s, i, end, flags, &first8, &b);
	if (le == UNTERMINATED) /* it swallowed any '>' */
		return fail(err, flags, DSNG_ERR_SYNTAX, b,
		            "unterminated quoted string");
	if (le == NONE)
		return bad_at(s, b, end, bracket, flags, err, "bad local part");
	i = le;

	if (i < end && s[i] == '@') {
		ds = ++i;
		if (i < end && s[i] == '[') {
			const unsigned char *rb = memchr(s + i, ']', end - i);

			if (!rb || !dsng__addr_literal(
			                   line + i, (size_t)(rb - s) + 1 - i))
				return bad_at(s, i, end, bracket, flags, err,
				              "bad address literal");
			i = (size_t)(rb - s) + 1;
		} else {
			n = dsng__addr_domain(line + i, end - i, flags, &b,
			                      &d8);
			if (b != NONE || n == 0)
				return bad_at(s, b != NONE ? i + b : i, end,
				              bracket, flags, err,
				              "bad domain");
			if (first8 == NONE && d8 != NONE)
				first8 = i + d8;
			i += n;
		}
		de = i;
		if (!is_end(s, i, end, bracket))
			return bad_at(s, i, end, bracket, flags, err,
			              "unexpected character after domain");
	} else if (is_end(s, i, end, bracket)) {
		if ((flags & DSNG_ADDR_RCPT) && !rs && le - ls == 10 &&
		    dsng__ieq(line + ls, "POSTMASTER", 10)) {
			out->is_postmaster = true;
		} else {
			return fail(err, flags, DSNG_ERR_BAD_ADDRESS, i,
			            "mailbox needs a domain");
		}
	} else {
		return bad_at(s, i, end, bracket, flags, err,
		              "unexpected character in address");
	}

	out->raw.ptr = line + pos;
	out->raw.len = i + (size_t)bracket - pos;
	out->mailbox.ptr = line + ls;
	out->mailbox.len = i - ls;
	out->local.ptr = line + ls;
	out->local.len = le - ls;
	if (de) {
		out->domain.ptr = line + ds;
		out->domain.len = de - ds;
	}
	if (rs) {
		out->route.ptr = line + rs;
		out->route.len = re - rs;
	}
	if (first8 != NONE) {
		out->has_utf8 = true;
		st->first_8bit = first8;
	}

	/* RFC 5321 4.5.3.1; an unbracketed path is measured as if it had
	 * its brackets, so both spellings meet the same limit. */
	path_len = out->raw.len + (bracket ? 0 : 2);
	max_local = (flags & DSNG_ADDR_STRICT) ? DSNG_ADDR_MAX_LOCAL
	                                       : DSNG_ADDR_LAX_MAX_LOCAL;
	max_path = (flags & DSNG_ADDR_STRICT) ? DSNG_ADDR_MAX_PATH
	                                      : DSNG_ADDR_LAX_MAX_PATH;
	if (out->local.len > max_local)
		return fail(err, flags, DSNG_ERR_BAD_ADDRESS, ls,
		            "local part too long");
	if (out->domain.len > DSNG_ADDR_MAX_DOMAIN)
		return fail(err, flags, DSNG_ERR_BAD_ADDRESS, ds,
		            "domain too long");
	if (path_len > max_path)
		return fail(err, flags, DSNG_ERR_BAD_ADDRESS, pos,
		            "path too long");
	if (out->local.len > DSNG_ADDR_MAX_LOCAL ||
	    path_len > DSNG_ADDR_MAX_PATH)
		st->lax |= DSNG_ADDR_LAX_LONG;
	st->next = i + (size_t)bracket;
	return DSNG_OK;
}

int dsng_addr_parse(struct dsng_path *out, const char *buf, size_t len,
                    unsigned flags, unsigned *lax, struct dsng_error *err)
{
	struct dsng__addr_scan st;
	int rc;

	if (!out || (!buf && len))
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "NULL argument");
	rc = dsng__addr_scan(out, buf, 0, len, flags & ~DSNG__ADDR_UTF8_LATER,
	                     &st, err);
	if (rc != DSNG_OK)
		return rc;
	if (st.next != len)
		return fail(err, flags, DSNG_ERR_SYNTAX, st.next,
		            "unexpected text after the path");
	if (lax)
		*lax |= st.lax;
	return DSNG_OK;
}

int dsng_addr_check_domain(const char *buf, size_t len, unsigned flags,
                           struct dsng_error *err)
{
	size_t n, b, d8 = NONE;

	if (!buf && len)
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "NULL argument");
	if (len && buf[0] == '[') {
		if (dsng__addr_literal(buf, len))
			return DSNG_OK;
		return dsng__fail(err, DSNG_ESYNTAX, DSNG_ERR_BAD_ADDRESS, 0,
		                  501, "5.5.4", "bad address literal");
	}
	n = dsng__addr_domain(buf, len, flags & DSNG_ADDR_UTF8, &b, &d8);
	if (b == NONE && n == len && len <= DSNG_ADDR_MAX_DOMAIN && n)
		return DSNG_OK;
	return dsng__fail(err, DSNG_ESYNTAX, DSNG_ERR_BAD_ADDRESS,
	                  b != NONE ? b : n, 501, "5.5.4", "bad domain");
}
