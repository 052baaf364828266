/*
 * lib/mime_param.c - Content-Type values: type/subtype and parameters,
 * quoted strings, comments, RFC 2231 continuations and %XX values, and
 * Content-Transfer-Encoding.
 */
#include <string.h>
#include <strings.h>

#include "mime_int.h"
#include "mime_scan.h"

/* One name=value as written, before RFC 2231 reassembly: spans into the
 * field value, so reading parameters allocates only the results. */
struct raw_param {
	const char *name; /* without the "*N*" suffix */
	size_t nlen;
	long section; /* -1 when not a continuation */
	int extended; /* value was name*=... (charset'lang'%XX) */
	const char *val;
	size_t vlen;
	int quoted;
	int plain; /* quoted, with no quoted-pair, CR or LF: copied as is */
};

/* Parameters beyond this many are ignored (Content-Type of a report has
 * two or three; sendmail caps MIME arguments at 20). */
#define MAX_RAW 64

/* Where the scans of a Content-Type value stop, one bit per scan, so
 * each octet costs one load and a test: END for a token or value
 * (';', white space, '('), NAME for a parameter name (those and '='), QUOTE
 * inside a quoted string ('"', '\\', and CR and LF, which a fold leaves
 * there and the value drops). */
enum { STOP_END = 1, STOP_NAME = 2, STOP_QUOTE = 4 };
static const unsigned char stops[256] = {
        [';'] = STOP_END | STOP_NAME,
        [' '] = STOP_END | STOP_NAME,
        ['\t'] = STOP_END | STOP_NAME,
        ['\r'] = STOP_END | STOP_NAME | STOP_QUOTE,
        ['\n'] = STOP_END | STOP_NAME | STOP_QUOTE,
        ['('] = STOP_END | STOP_NAME,
        ['='] = STOP_NAME,
        ['"'] = STOP_QUOTE,
        ['\\'] = STOP_QUOTE,
};

#if defined(__SSE2__)
/* Bit k set: p[k] stops the scan stop (a constant where it is inlined,
 * so only its compares remain). */
static inline unsigned stop_mask16(const char *p, unsigned stop)
{
	__m128i x = dsng__ld128(p), m;

	if (stop & STOP_QUOTE) {
		m = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
		                 _mm_cmpeq_epi8(x, _mm_set1_epi8('\\')));
		m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8('\r')));
		m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8('\n')));
		return (unsigned)_mm_movemask_epi8(m);
	}
	m = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(';')),
	                 _mm_cmpeq_epi8(x, _mm_set1_epi8(' ')));
	m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8('\t')));
	m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8('\r')));
	m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8('\n')));
	m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8('(')));
	if (stop & STOP_NAME)
		m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8('=')));
	return (unsigned)_mm_movemask_epi8(m);
}
#endif

/* Boundaries and other long values sixteen octets a step (never reading
 * past end).  The short rest is tested as the last sixteen octets of
 * [buf, end) when that is so long (all of it is readable), else through
 * the table: most tokens and parameter names are shorter than sixteen. */
static inline const char *scan_to(const char *buf, const char *p,
                                  const char *end, unsigned stop)
{
#if defined(__SSE2__)
	unsigned m;

	for (; end - p >= 16; p += 16)
		if ((m = stop_mask16(p, stop)) != 0)
			return p + __builtin_ctz(m);
	if (p == end)
		return p;
	if (end - buf >= 16) {
		m = stop_mask16(end - 16, stop) >> (p - (end - 16));
		return m ? p + __builtin_ctz(m) : end;
	}
#else
	(void)buf;
#endif
	while (p < end && !(stops[(unsigned char)*p] & stop))
		p++;
	return p;
}

/* Append one raw value at o: unquoted, and for extended values with the
 * charset'lang' prefix (first section only) dropped and %XX decoded. */
static char *put_value(char *o, const struct raw_param *r, int first)
{
	const char *p = r->val, *end = r->val + r->vlen;

	/* as written: a quoted string with nothing to undo, or a token */
	if (r->plain || (!r->quoted && !r->extended)) {
		memcpy(o, p, r->vlen);
		return o + r->vlen;
	}
	if (r->quoted) {
		for (; p < end; p++) {
			if (*p == '\\' && p + 1 < end)
				p++;
			if (*p != '\r' && *p != '\n')
				*o++ = *p;
		}
		return o;
	}
	if (r->extended && first) {
		const char *q = memchr(p, '\'', (size_t)(end - p));
		const char *q2 =
		        q ? memchr(q + 1, '\'', (size_t)(end - q - 1)) : NULL;
		if (q2)
			p = q2 + 1;
	}
	while (p < end) {
		int h, l;
		if (r->extended && *p == '%' && end - p >= 3 &&
		    (h = dsng__hex((unsigned char)p[1])) >= 0 &&
		    (l = dsng__hex((unsigned char)p[2])) >= 0) {
			*o++ = (char)(h * 16 + l);
			p += 3;
			continue;
		}
		*o++ = *p++;
	}
	return o;
}

static int same_name(const struct raw_param *a, const struct raw_param *b)
{
	return a->nlen == b->nlen &&
	       strncasecmp(a->name, b->name, a->nlen) == 0;
}

/* The raw parameters making up the value of name raw[i] (the sections
 * 0, 1, 2 ... until a gap, else its plain value) into use; their count,
 * 0 when raw[i] repeats an earlier name or has no usable value.  With no
 * section anywhere (any_sec 0: almost every Content-Type) that is raw[i]
 * itself, found without comparing names. */
static size_t sections(const struct raw_param *raw, size_t nraw, size_t i,
                       const struct raw_param **use, int any_sec)
{
	size_t j, nuse = 0;
	long sec;

	for (j = 0; j < i; j++)
		if (same_name(&raw[j], &raw[i]))
			return 0;
	if (!any_sec) {
		use[0] = &raw[i];
		return 1;
	}
	for (sec = 0; nuse < MAX_RAW; sec++) {
		for (j = i; j < nraw; j++)
			if (raw[j].section == sec &&
			    same_name(&raw[j], &raw[i]))
				break;
		if (j == nraw)
			break;
		use[nuse++] = &raw[j];
	}
	if (nuse == 0) {
		for (j = i; j < nraw; j++)
			if (raw[j].section < 0 && same_name(&raw[j], &raw[i]))
				break;
		if (j < nraw)
			use[nuse++] = &raw[j];
	}
	return nuse;
}

/* Join the RFC 2231 sections of each name in order (0, 1, 2 ... until a
 * gap); a plain value is used when no section exists.  The array and
 * every name and value are one allocation (a chunk each cost more in
 * malloc and free than the reading): freeing the array frees them all,
 * as when the strings were its children. */
static int assemble(TALLOC_CTX *mem, struct dsng__carve *carve,
                    const struct raw_param *raw, size_t nraw,
                    struct dsng_mime_param **params, size_t *n)
{
	const struct raw_param *use[MAX_RAW];
	size_t i, k, nuse, count = 0, bytes = 0;
	struct dsng_mime_param *out;
	int any_sec = 0;
	char *o;

	if (nraw == 0)
		return DSNG_OK;
	for (i = 0; i < nraw; i++)
		any_sec |= raw[i].section >= 0;
	for (i = 0; i < nraw; i++) {
		nuse = sections(raw, nraw, i, use, any_sec);
		if (nuse == 0)
			continue;
		count++;
		bytes += raw[i].nlen + 2;
		for (k = 0; k < nuse; k++)
			bytes += use[k]->vlen;
	}
	if (count == 0)
		return DSNG_OK;
	if (carve) {
		out = dsng__carve(carve, count * sizeof(*out) + bytes, 0);
		if (!out)
			return DSNG_ENOMEM;
	} else {
		out = talloc_size(mem, count * sizeof(*out) + bytes);
		if (!out)
			return DSNG_ENOMEM;
		talloc_set_name_const(out, "struct dsng_mime_param");
	}
	o = (char *)(out + count);
	count = 0;
	for (i = 0; i < nraw; i++) {
		nuse = sections(raw, nraw, i, use, any_sec);
		if (nuse == 0)
			continue;
		out[count].name = o;
		dsng__lower_copy(o, raw[i].name, raw[i].nlen);
		o[raw[i].nlen] = 0;
		o += raw[i].nlen + 1;
		out[count].value = o;
		for (k = 0; k < nuse; k++)
			o = put_value(o, use[k], k == 0);
		*o++ = 0;
		count++;
	}
	*params = out;
	*n = count;
	return DSNG_OK;
}

static int nomem(struct dsng_error *err)
{
	return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
	                  "out of memory");
}

/* The media types of reports and their parts, lower-case: read_entity
 * points a part at one of these instead of a copy of its own (a part's
 * type is const; the default "text/plain" was already such a string). */
#define T(s)                                                                   \
	{                                                                      \
		s, sizeof(s) - 1                                               \
	}
static const struct {
	const char *name;
	size_t len;
} known_types[] = {
        T("text/plain"),
        T("text/html"),
        T("text/rfc822-headers"),
        T("multipart/report"),
        T("multipart/mixed"),
        T("multipart/alternative"),
        T("multipart/related"),
        T("multipart/digest"),
        T("message/delivery-status"),
        T("message/global-delivery-status"),
        T("message/disposition-notification"),
        T("message/global-disposition-notification"),
        T("message/rfc822"),
        T("message/global"),
        T("message/global-headers"),
        T("application/octet-stream"),
};
#undef T

static const char *known_type(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(known_types) / sizeof(known_types[0]); i++)
		if (known_types[i].len == n &&
		    dsng__name_ieq(s, known_types[i].name, n))
			return known_types[i].name;
	return NULL;
}

int dsng_mime_content_type(TALLOC_CTX *mem, char **type,
                           struct dsng_mime_param **params, size_t *n_params,
                           const char *buf, size_t len, struct dsng_error *err)
{
	const char *t = NULL;
	int rc = dsng__mime_content_type(mem, type ? &t : NULL, false, params,
	                                 n_params, buf, len, NULL, err);

	if (type)
		*type = (char *)t; /* not shared: a copy of its own on mem */
	return rc;
}

int dsng__mime_content_type(TALLOC_CTX *mem, const char **type, bool shared,
                            struct dsng_mime_param **params, size_t *n_params,
                            const char *buf, size_t len,
                            struct dsng__carve *carve, struct dsng_error *err)
{
	const char *p, *end, *s;
	char *owned = NULL;
	struct raw_param raw[MAX_RAW];
	size_t nraw = 0;

	if (type)
		*type = NULL;
	if (params)
		*params = NULL;
	if (n_params)
		*n_params = 0;
	if (!type || !params || !n_params || (!buf && len))
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "NULL argument");
	if (!buf)
		buf = "";
	end = buf + len;
	p = dsng__mime_skip_cfws(buf, end);
	s = p;
	p = scan_to(buf, p, end, STOP_END);
	if (p > s) {
		const char *slash = memchr(s, '/', (size_t)(p - s));
		if (slash && slash > s && slash + 1 < p) {
			if (shared)
				*type = known_type(s, (size_t)(p - s));
			if (!*type) {
				owned = talloc_strndup(mem, s, (size_t)(p - s));
				if (!owned)
					return nomem(err);
				dsng__mime_lower(owned);
				*type = owned;
			}
		}
	}
	while (p < end) {
		const char *ns, *ne, *star;
		struct raw_param *r;

		p = dsng__mime_skip_cfws(p, end);
		if (p < end && *p != ';') {
			/* junk between parameters: skip to the next ';' */
			while (p < end && *p != ';')
				p++;
		}
		if (p >= end)
			break;
		p = dsng__mime_skip_cfws(p + 1, end);
		ns = p;
		p = scan_to(buf, p, end, STOP_NAME);
		ne = p;
		if (ne == ns)
			continue;
		p = dsng__mime_skip_cfws(p, end);
		if (p >= end || *p != '=')
			continue;
		p = dsng__mime_skip_cfws(p + 1, end);
		if (nraw == MAX_RAW)
			break;
		r = &raw[nraw];
		r->section = -1;
		r->extended = 0;
		if (ne[-1] == '*' && ne - 1 > ns) {
			r->extended = 1;
			ne--;
		}
		star = memchr(ns, '*', (size_t)(ne - ns));
		if (star) {
			long sec = 0;
			const char *d = star + 1;
			int ok = d < ne;
			for (; d < ne && ok; d++) {
				ok = *d >= '0' && *d <= '9' && sec < 1000;
				sec = sec * 10 + (*d - '0');
			}
			if (ok && sec < 1000)
				r->section = sec;
			ne = star;
			if (ne == ns)
				continue;
		}
		r->name = ns;
		r->nlen = (size_t)(ne - ns);
		r->quoted = p < end && *p == '"';
		r->plain = r->quoted;
		if (r->quoted) {
			r->val = ++p;
			for (;;) {
				p = scan_to(buf, p, end, STOP_QUOTE);
				if (p >= end || *p == '"')
					break;
				r->plain = 0;
				/* a backslash: the octet after it is kept; CR
				 * and LF are dropped when the value is put */
				p += *p == '\\' && p + 1 < end ? 2 : 1;
			}
			r->vlen = (size_t)(p - r->val);
			if (p < end)
				p++;
		} else {
			r->val = p;
			p = scan_to(buf, p, end, STOP_END);
			r->vlen = (size_t)(p - r->val);
		}
		nraw++;
	}
	if (assemble(mem, carve, raw, nraw, params, n_params) < 0) {
		talloc_free(owned);
		*type = NULL;
		return nomem(err);
	}
	return DSNG_OK;
}

enum dsng_mime_cte dsng__mime_cte(const char *p, size_t len)
{
	const char *buf = p, *end = p + len, *s;

	p = dsng__mime_skip_cfws(p, end);
	s = p;
	p = scan_to(buf, p, end, STOP_END);
	len = (size_t)(p - s);
	if (len != 4 && len != 6 && len != 16)
		return DSNG_MIME_CTE_UNKNOWN;
	if (dsng__span_ieq(s, len, "7bit"))
		return DSNG_MIME_CTE_7BIT;
	if (dsng__span_ieq(s, len, "8bit"))
		return DSNG_MIME_CTE_8BIT;
	if (dsng__span_ieq(s, len, "binary"))
		return DSNG_MIME_CTE_BINARY;
	if (dsng__span_ieq(s, len, "base64"))
		return DSNG_MIME_CTE_BASE64;
	if (dsng__span_ieq(s, len, "quoted-printable"))
		return DSNG_MIME_CTE_QP;
	return DSNG_MIME_CTE_UNKNOWN;
}

const char *dsng_mime_cte_name(enum dsng_mime_cte cte)
{
	switch (cte) {
	case DSNG_MIME_CTE_7BIT:
		return "7bit";
	case DSNG_MIME_CTE_8BIT:
		return "8bit";
	case DSNG_MIME_CTE_BINARY:
		return "binary";
	case DSNG_MIME_CTE_BASE64:
		return "base64";
	case DSNG_MIME_CTE_QP:
		return "quoted-printable";
	default:
		return "unknown";
	}
}

const char *dsng_mime_part_param(const struct dsng_mime_part *part,
                                 const char *name)
{
	size_t i;

	if (!part || !name)
		return NULL;
	for (i = 0; i < part->n_params; i++)
		if (strcmp(part->params[i].name, name) == 0)
			return part->params[i].value;
	return NULL;
}
