/*
 * lib/maillog_line.c - take a log line apart: the timestamp in whichever
 * shape the logger wrote it, the host, the program tag, the message; and
 * the small span helpers the MTA readers share.
 */
#include <string.h>

#include "maillog_int.h"

static int all_digits(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!dsng__is_digit(p[i]))
			return 0;
	return 1;
}

/* Length of the token at p (up to a space or the end). */
static size_t token(const char *p, size_t len)
{
	size_t i = 0;

	while (i < len && p[i] != ' ')
		i++;
	return i;
}

/* "hh:mm:ss" optionally followed by ".fraction"; its length or 0. */
static size_t clock_len(const char *p, size_t len)
{
	size_t i = 8;

	if (len < 8 || !dsng__is_digit(p[0]) || !dsng__is_digit(p[1]) ||
	    p[2] != ':' || !dsng__is_digit(p[3]) || !dsng__is_digit(p[4]) ||
	    p[5] != ':' || !dsng__is_digit(p[6]) || !dsng__is_digit(p[7]))
		return 0;
	if (i < len && p[i] == '.') {
		i++;
		while (i < len && dsng__is_digit(p[i]))
			i++;
	}
	return i;
}

/* Tried by first letter: the twelve compares in a row were a tenth of
 * taking a line apart. */
static int is_month(const char *p)
{
#define M3(s) (p[1] == (s)[1] && p[2] == (s)[2])
	switch (p[0]) {
	case 'J':
		return M3("Jan") || M3("Jun") || M3("Jul");
	case 'F':
		return M3("Feb");
	case 'M':
		return M3("Mar") || M3("May");
	case 'A':
		return M3("Apr") || M3("Aug");
	case 'S':
		return M3("Sep");
	case 'O':
		return M3("Oct");
	case 'N':
		return M3("Nov");
	case 'D':
		return M3("Dec");
	default:
		return 0;
	}
#undef M3
}

/* The octets that end a program tag. */
static const unsigned char tag_end[256] = {[':'] = 1, ['['] = 1, [' '] = 1};

/* "host prog[pid]: msg" after the timestamp.  A line without a program
 * tag ("last message repeated 3 times") still counts as a log line. */
static int host_and_tag(const char *p, size_t len, struct dsng__ml_line *out)
{
	size_t n = token(p, len), i;

	if (n == 0)
		return -1;
	out->host.ptr = p;
	out->host.len = n;
	p += n;
	len -= n;
	while (len && *p == ' ')
		p++, len--;
	/* The tag ends at ':' or '['; a space first means there is none.
	 * Every octet of it is tested: one table lookup, not three
	 * compares. */
	for (i = 0; i < len && !tag_end[(unsigned char)p[i]]; i++)
		;
	if (i == 0 || i == len || p[i] == ' ') {
		out->msg.ptr = p;
		out->msg.len = len;
		return 0;
	}
	out->prog.ptr = p;
	out->prog.len = i;
	if (p[i] == '[') {
		while (i < len && p[i] != ']')
			i++;
		if (i == len)
			return -1;
		i++;
	}
	if (i >= len || p[i] != ':') {
		memset(&out->prog, 0, sizeof(out->prog));
		out->msg.ptr = p;
		out->msg.len = len;
		return 0;
	}
	i++;
	if (i < len && p[i] == ' ')
		i++;
	out->msg.ptr = p + i;
	out->msg.len = len - i;
	return 0;
}

/* RFC 5424: "<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG". */
static int rfc5424(const char *p, size_t len, struct dsng__ml_line *out)
{
	struct dsng_span f[6];
	size_t i, n;

	for (i = 0; i < 6; i++) {
		n = token(p, len);
		if (n == 0 || n == len)
			return -1;
		f[i].ptr = p;
		f[i].len = n;
		p += n + 1;
		len -= n + 1;
	}
	out->time = f[0];
	out->host = f[1];
	out->prog = f[2];
	/* f[3] procid, f[4] msgid, f[5] structured data ("-" or "[...]"). */
	if (f[5].ptr[0] == '[') {
		/* Structured data may hold spaces; skip to the closing "] ". */
		const char *q = f[5].ptr, *end = p + len;
		while (q < end &&
		       !(q[0] == ']' && (q + 1 == end || q[1] == ' ')))
			q++;
		if (q == end)
			return -1;
		q++;
		if (q < end)
			q++;
		p = q;
		len = (size_t)(end - q);
	}
	out->msg.ptr = p;
	out->msg.len = len;
	return 0;
}

int dsng__ml_header(const char *p, size_t len, struct dsng__ml_line *out)
{
	size_t n, c;

	memset(out, 0, sizeof(*out));
	/* A priority prefix "<13>" some relays keep. */
	if (len > 2 && p[0] == '<') {
		for (n = 1; n < len && n < 5 && dsng__is_digit(p[n]); n++)
			;
		if (n > 1 && n < len && p[n] == '>') {
			p += n + 1;
			len -= n + 1;
			if (len > 2 && p[0] == '1' && p[1] == ' ')
				return rfc5424(p + 2, len - 2, out);
		}
	}
	/* Traditional: "Nov 29 01:12:14 host ..." (day space-padded). */
	if (len >= 16 && is_month(p) && p[3] == ' ') {
		n = 4;
		if (p[n] == ' ')
			n++;
		if (!dsng__is_digit(p[n]))
			return -1;
		n++;
		if (dsng__is_digit(p[n]))
			n++;
		if (n >= len || p[n] != ' ')
			return -1;
		n++;
		c = clock_len(p + n, len - n);
		if (!c || n + c >= len || p[n + c] != ' ')
			return -1;
		out->time.ptr = p;
		out->time.len = n + c;
		return host_and_tag(p + n + c + 1, len - n - c - 1, out);
	}
	/* Dates first: "2026-11-29T01:12:14.1+00:00 host ..." (RFC 3339) or
	 * Exim's "2026-11-29 01:12:14 ...". */
	if (len >= 19 && all_digits(p, 4) && p[4] == '-' &&
	    all_digits(p + 5, 2) && p[7] == '-' && all_digits(p + 8, 2)) {
		if (p[10] == 'T') {
			n = token(p, len);
			if (n < 19 || !clock_len(p + 11, n - 11) || n >= len)
				return -1;
			out->time.ptr = p;
			out->time.len = n;
			return host_and_tag(p + n + 1, len - n - 1, out);
		}
		if (p[10] != ' ')
			return -1;
		c = clock_len(p + 11, len - 11);
		if (!c)
			return -1;
		n = 11 + c;
		/* Optional time zone "+0000" (log_timezone). */
		if (n + 6 <= len && p[n] == ' ' &&
		    (p[n + 1] == '+' || p[n + 1] == '-') &&
		    all_digits(p + n + 2, 4))
			n += 6;
		out->time.ptr = p;
		out->time.len = n;
		if (n >= len || p[n] != ' ')
			return -1;
		n++;
		/* Optional "[pid]" (log_selector +pid). */
		if (n < len && p[n] == '[') {
			size_t e = n + 1;
			while (e < len && dsng__is_digit(p[e]))
				e++;
			if (e < len && p[e] == ']' && e + 1 < len &&
			    p[e + 1] == ' ')
				n = e + 2;
		}
		out->prog.ptr = "exim";
		out->prog.len = 4;
		out->msg.ptr = p + n;
		out->msg.len = len - n;
		out->exim_mainlog = 1;
		return 0;
	}
	return -1;
}

enum dsng_maillog_mta dsng__ml_prog_mta(struct dsng_span prog)
{
	struct dsng_span s = prog;

	/* Postfix multi-instance names ("postfix-out/smtp") count too. */
	if (dsng__ml_starts(s, "postfix") &&
	    (s.len == 7 || s.ptr[7] == '/' || s.ptr[7] == '-'))
		return DSNG_MAILLOG_POSTFIX;
	if (DSNG__ML_IEQ(s.ptr, s.len, "sendmail") ||
	    DSNG__ML_IEQ(s.ptr, s.len, "sm-mta") ||
	    DSNG__ML_IEQ(s.ptr, s.len, "sm-msp-queue"))
		return DSNG_MAILLOG_SENDMAIL;
	if (DSNG__ML_IEQ(s.ptr, s.len, "exim") ||
	    DSNG__ML_IEQ(s.ptr, s.len, "exim4"))
		return DSNG_MAILLOG_EXIM;
	return DSNG_MAILLOG_UNKNOWN;
}

/* The first place at or after `from` where key (n >= 1 octets) starts,
 * or NULL: memchr to each candidate octet, then one memcmp.  A key
 * "word=" is found by its '=', rarer in a log line than any letter (a
 * Postfix delivery line has a handful; "status=" by its 's' stopped at
 * every address, "delays=" and "dsn="). */
static const char *find(const char *from, const char *end, const char *key,
                        size_t n)
{
	const char *p = from;

	if ((size_t)(end - from) < n)
		return NULL;
	if (n >= 2 && key[n - 1] == '=') {
		/* the key's first octet before a memcmp call: most '=' are
		 * another key's */
		for (p = from + n - 1;
		     p < end && (p = memchr(p, '=', (size_t)(end - p))) != NULL;
		     p++)
			if (*(p - (n - 1)) == key[0] &&
			    !memcmp(p - (n - 1), key, n - 1))
				return p - (n - 1);
		return NULL;
	}
	while ((size_t)(end - p) >= n &&
	       (p = memchr(p, key[0], (size_t)(end - p) - n + 1)) != NULL) {
		if (memcmp(p + 1, key + 1, n - 1) == 0)
			return p;
		p++;
	}
	return NULL;
}

struct dsng_span dsng__ml_value_n(struct dsng_span s, const char *key, size_t n,
                                  const char *stops, size_t ns)
{
	struct dsng_span v = {NULL, 0};
	const char *end = s.ptr + s.len, *p = s.ptr, *e;

	if (!s.ptr)
		return v;
	/* key at the start or after ' ' or ',' (a field of the line) */
	while (n && (p = find(p, end, key, n)) != NULL &&
	       !(p == s.ptr || p[-1] == ' ' || p[-1] == ','))
		p++;
	if (!p)
		return v;
	e = p + n;
	if (ns == 1) {
		const char *q = memchr(e, stops[0], (size_t)(end - e));

		e = q ? q : end;
	} else if (ns == 2) {
		/* " ,": compared in place (a memchr call per octet cost more
		 * than the rest of the lookup) */
		while (e < end && *e != stops[0] && *e != stops[1])
			e++;
	} else if (ns) {
		while (e < end && !memchr(stops, *e, ns))
			e++;
	} else {
		e = end;
	}
	v.ptr = p + n;
	v.len = (size_t)(e - p) - n;
	return v;
}

int dsng__ml_contains(struct dsng_span s, const char *word)
{
	size_t n = strlen(word);

	return s.ptr && n && find(s.ptr, s.ptr + s.len, word, n) != NULL;
}

struct dsng_span dsng__ml_unangle(struct dsng_span s)
{
	if (s.len >= 2 && s.ptr[0] == '<' && s.ptr[s.len - 1] == '>') {
		s.ptr++;
		s.len -= 2;
	}
	return s;
}

int dsng__ml_hostaddr(struct dsng_span s, struct dsng_span *name,
                      struct dsng_span *addr, struct dsng_span *port)
{
	const char *open, *close, *end;

	memset(name, 0, sizeof(*name));
	memset(addr, 0, sizeof(*addr));
	memset(port, 0, sizeof(*port));
	if (!s.ptr)
		return -1;
	end = s.ptr + s.len;
	open = memchr(s.ptr, '[', s.len);
	if (!open)
		return -1;
	close = memchr(open, ']', (size_t)(end - open));
	if (!close)
		return -1;
	name->ptr = s.ptr;
	name->len = (size_t)(open - s.ptr);
	while (name->len && name->ptr[name->len - 1] == ' ')
		name->len--;
	if (!name->len)
		name->ptr = NULL;
	addr->ptr = open + 1;
	addr->len = (size_t)(close - open - 1);
	/* Exim writes "[addr]:port"; Postfix "name[addr]:port". */
	if (close + 1 < end && close[1] == ':') {
		const char *p = close + 2;
		while (p < end && dsng__is_digit(*p))
			p++;
		if (p > close + 2) {
			port->ptr = close + 2;
			port->len = (size_t)(p - close - 2);
		}
	}
	return 0;
}
