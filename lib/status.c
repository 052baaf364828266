/*
 * lib/status.c - RFC 3463 enhanced status codes: the grammar
 *   status-code = class "." subject "." detail
 *   class = "2" / "4" / "5";  subject = 1*3digit;  detail = 1*3digit
 * and the lookups over the registry table in status_registry.c.
 */
#include <string.h>

#include "dsng_private.h"
#include "status_int.h"

static int is_alnum(unsigned char c)
{
	return dsng__is_digit(c) || dsng__is_alpha(c);
}

/* v (0..999) in decimal at o, no leading zeros; past its last digit. */
static char *put_dec(char *o, unsigned v)
{
	if (v >= 100)
		*o++ = (char)('0' + v / 100);
	if (v >= 10)
		*o++ = (char)('0' + v / 10 % 10);
	*o++ = (char)('0' + v % 10);
	return o;
}

int dsng_status_make(struct dsng_status_code *out, unsigned cls,
                     unsigned subject, unsigned detail)
{
	if (!out || (cls != 2 && cls != 4 && cls != 5) || subject > 999 ||
	    detail > 999)
		return DSNG_EINVAL;
	out->cls = cls;
	out->subject = subject;
	out->detail = detail;
	/* by hand: snprintf cost more than the rest of a report's Status
	 * field ("5.999.999" and the NUL fill the 10 octets) */
	{
		char *o = out->str;
		*o++ = (char)('0' + cls);
		*o++ = '.';
		o = put_dec(o, subject);
		*o++ = '.';
		o = put_dec(o, detail);
		*o = 0;
	}
	return DSNG_OK;
}

/* 1-3 digits at p[*i]; returns the value or -1 (then *i is where the
 * grammar broke). */
static int digits(const char *p, size_t len, size_t *i)
{
	size_t start = *i;
	int v = 0;

	while (*i < len && dsng__is_digit((unsigned char)p[*i]) &&
	       *i - start < 3)
		v = v * 10 + (p[(*i)++] - '0');
	return *i == start ? -1 : v;
}

/* Longest code at the start of buf; returns its length or 0, and where
 * the grammar broke in *bad (for error offsets). */
size_t dsng__status_scan(const char *buf, size_t len,
                         struct dsng_status_code *out, size_t *bad)
{
	size_t i = 0;
	int subject, detail;

	if (len < 1 || (buf[0] != '2' && buf[0] != '4' && buf[0] != '5'))
		goto fail;
	i = 1;
	if (i >= len || buf[i] != '.')
		goto fail;
	i++;
	if ((subject = digits(buf, len, &i)) < 0)
		goto fail;
	if (i >= len || buf[i] != '.')
		goto fail;
	i++;
	if ((detail = digits(buf, len, &i)) < 0)
		goto fail;
	dsng_status_make(out, (unsigned)(buf[0] - '0'), (unsigned)subject,
	                 (unsigned)detail);
	return i;
fail:
	if (bad)
		*bad = i;
	return 0;
}

int dsng_status_parse(struct dsng_status_code *out, const char *buf, size_t len,
                      struct dsng_error *err)
{
	struct dsng_status_code tmp;
	size_t bad = 0, n;

	if (!out || (!buf && len))
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "NULL argument");
	memset(out, 0, sizeof(*out));
	n = dsng__status_scan(buf, len, &tmp, &bad);
	if (n == 0)
		return dsng__fail(err, DSNG_ESYNTAX, DSNG_ERR_BAD_STATUS, bad,
		                  0, NULL,
		                  len ? "not an enhanced status code "
		                        "(class.subject.detail)"
		                      : "empty status code");
	if (n != len)
		/* a 4th digit, or anything else after the detail */
		return dsng__fail(err, DSNG_ESYNTAX, DSNG_ERR_BAD_STATUS, n, 0,
		                  NULL, "junk after the status code");
	*out = tmp;
	return DSNG_OK;
}

size_t dsng_status_prefix(struct dsng_status_code *out, const char *buf,
                          size_t len)
{
	struct dsng_status_code tmp;
	size_t n;

	if (!buf || !out)
		return 0;
	n = dsng__status_scan(buf, len, &tmp, NULL);
	if (n == 0 || (n < len && buf[n] != ' ' && buf[n] != '\t'))
		return 0;
	*out = tmp;
	return n;
}

/* Whether the code at buf[i], n bytes long, stands alone in the text. */
static int stands_alone(const char *buf, size_t len, size_t i, size_t n)
{
	size_t end = i + n;

	if (i > 0) {
		unsigned char b = (unsigned char)buf[i - 1];
		if (is_alnum(b) || b == '.')
			return 0;
	}
	if (end < len) {
		unsigned char a = (unsigned char)buf[end];
		if (is_alnum(a))
			return 0;
		/* "5.1.1." ending a sentence is fine, "5.1.1.4" is not */
		if (a == '.' && end + 1 < len &&
		    is_alnum((unsigned char)buf[end + 1]))
			return 0;
	}
	return 1;
}

int dsng_status_find(struct dsng_status_code *out, size_t *offset,
                     const char *buf, size_t len)
{
	struct dsng_status_code tmp;
	size_t i, n;

	if (!buf || !out)
		return DSNG_ENOTFOUND;
	for (i = 0; i + 5 <= len; i++) {
		char c = buf[i];
		if (c != '2' && c != '4' && c != '5')
			continue;
		n = dsng__status_scan(buf + i, len - i, &tmp, NULL);
		if (n && stands_alone(buf, len, i, n)) {
			*out = tmp;
			if (offset)
				*offset = i;
			return DSNG_OK;
		}
	}
	return DSNG_ENOTFOUND;
}

const char *dsng_status_class_name(unsigned cls)
{
	switch (cls) {
	case DSNG_STATUS_CLASS_SUCCESS:
		return "success";
	case DSNG_STATUS_CLASS_TRANSIENT:
		return "transient";
	case DSNG_STATUS_CLASS_PERMANENT:
		return "permanent";
	default:
		return "unknown";
	}
}

const char *dsng_status_registered(unsigned subject, unsigned detail)
{
	const struct dsng__status_entry *e =
	        dsng__status_lookup(subject, detail);

	return e ? e->text : NULL;
}

const char *dsng_status_describe(const struct dsng_status_code *code)
{
	const char *t;

	if (!code)
		return dsng_status_subject_name(1000);
	t = dsng_status_registered(code->subject, code->detail);
	return t ? t : dsng_status_subject_name(code->subject);
}
