/*
 * lib/mime_header.c - header blocks: fields as spans into the input,
 * unfolding, comment removal, field lookup, and the limits.
 */
#include <string.h>

#include "mime_int.h"
#include "mime_scan.h"

/* The sizes of every version of struct dsng_mime_limits (sizes[0] unused),
 * for dsng__versioned_init/take. */
static const size_t limits_sizes[] = {0, sizeof(struct dsng_mime_limits)};
static const struct dsng_mime_limits limits_defaults = DSNG_MIME_LIMITS_INIT;

int dsng_mime_limits_init(struct dsng_mime_limits *lim, unsigned version)
{
	return dsng__versioned_init(lim, version, &limits_defaults,
	                            limits_sizes, DSNG_MIME_LIMITS_VERSION);
}

int dsng__mime_limits_take(struct dsng_mime_limits *local,
                           const struct dsng_mime_limits *given,
                           struct dsng_error *err)
{
	if (dsng__versioned_take(local, given, &limits_defaults, limits_sizes,
	                         DSNG_MIME_LIMITS_VERSION) < 0)
		return dsng__fail(
		        err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT, 0, 0, NULL,
		        "struct dsng_mime_limits of unknown version %u",
		        given->version);
	/* Buffers sized from these are talloc arrays, whose counts are
	 * unsigned: a length the ceiling bounds never wraps them. */
	if (local->max_field_len > DSNG_MIME_MAX_LEN_CEILING)
		local->max_field_len = DSNG_MIME_MAX_LEN_CEILING;
	if (local->max_header_len > DSNG_MIME_MAX_LEN_CEILING)
		local->max_header_len = DSNG_MIME_MAX_LEN_CEILING;
	if (local->max_decoded > DSNG_MIME_MAX_LEN_CEILING)
		local->max_decoded = DSNG_MIME_MAX_LEN_CEILING;
	return DSNG_OK;
}

void *dsng__grow(TALLOC_CTX *ctx, void *arr, size_t elem, size_t n)
{
	size_t cap;

	if (n != 0 && (n < 4 || (n & (n - 1)) != 0))
		return arr; /* still room */
	cap = n ? n * 2 : 4;
	if (cap > UINT32_MAX / elem)
		return NULL;
	return _talloc_realloc_array(ctx, arr, elem, (unsigned)cap,
	                             "dsng_array");
}

int dsng__mime_problem(struct dsng_mime_message *msg, const char *field,
                       size_t offset, const char *message)
{
	struct dsng_mime_problem *p;

	if (!msg || msg->n_problems > DSNG__MAX_PROBLEMS)
		return DSNG_OK;
	if (msg->n_problems == DSNG__MAX_PROBLEMS) {
		field = "problems";
		message = "further problems not listed";
	}
	p = DSNG__GROW(msg, msg->problems, struct dsng_mime_problem,
	               msg->n_problems);
	if (!p)
		return DSNG_ENOMEM;
	msg->problems = p;
	p[msg->n_problems].field = field;
	p[msg->n_problems].offset = offset;
	p[msg->n_problems].message = message;
	msg->n_problems++;
	return DSNG_OK;
}

static int field_too_long(struct dsng_error *err, size_t offset,
                          const struct dsng_mime_limits *lim)
{
	return dsng__fail_limit(
	        err, "max_field_len", DSNG_ERR_HEADER_LIMIT, offset, 0, NULL,
	        "header field longer than %zu bytes", lim->max_field_len);
}

/* Where position pos of a header buffer sits in the message input. */
static size_t at(size_t base, unsigned flags, size_t pos)
{
	return (flags & DSNG__HDR_DECODED) ? base : base + pos;
}

/* Fields are spans: the only allocation is the array, so a header costs
 * a few dozen bytes per field whatever its length.  The fields go to
 * init (init_cap of them) first; past that to an array on mem, grown by
 * doubling (h->fields != init tells which). */
static int scan_header(TALLOC_CTX *mem, const char *buf, size_t start,
                       size_t end, const struct dsng_mime_limits *lim,
                       size_t base, unsigned flags, struct dsng_mime_header *h,
                       size_t *body, struct dsng_mime_message *msg,
                       struct dsng_error *err, struct dsng_mime_field *init,
                       size_t init_cap)
{
	/* The limits and the field count in locals: the stores into the
	 * fields could alias *lim and *h, which would make the compiler
	 * load them again on every line.  A line past hdr_stop breaks
	 * max_header_len; with no bound in reach of end it is never
	 * checked. */
	const size_t max_field = lim->max_field_len;
	const size_t max_fields = lim->max_fields;
	const size_t hdr_stop = end - start > lim->max_header_len
	                                ? start + lim->max_header_len
	                                : end;
	size_t pos = start, cap = init_cap, last_pos = 0, nf = 0;
	struct dsng_mime_field *fields = init, *last = NULL;
	struct dsng__char_cache lfc = {0, 0, 0};
	int rc = DSNG_OK;

	memset(h, 0, sizeof(*h));
	h->fields = init;
	h->offset = at(base, flags, start);
	for (;;) {
		size_t line_end, next, n, name_end;

		if (pos >= end) {
			*body = end;
			break;
		}
		line_end = dsng__find_lf_cached(buf, pos, end, &lfc);
		next = line_end < end ? line_end + 1 : end;
		if (line_end > pos && buf[line_end - 1] == '\r')
			line_end--;
		if (next > hdr_stop) {
			rc = dsng__fail_limit(
			        err, "max_header_len", DSNG_ERR_HEADER_LIMIT,
			        at(base, flags, pos), 0, NULL,
			        "header block longer than %zu bytes",
			        lim->max_header_len);
			goto out;
		}
		if (line_end == pos) {
			*body = next;
			break;
		}
		if (buf[pos] == ' ' || buf[pos] == '\t') {
			if (!last) {
				if (dsng__mime_problem(msg, "header",
				                       at(base, flags, pos),
				                       "continuation line "
				                       "without a field") < 0)
					goto nomem;
				*body = pos;
				break;
			}
			last->value.len =
			        (size_t)(buf + line_end - last->value.ptr);
			if (line_end - last_pos > max_field)
				goto too_long;
			pos = next;
			continue;
		}
		n = name_end = dsng__ftext_end(buf, pos, line_end);
		/* RFC 5322 4.5.3 obsolete syntax: blanks before the colon. */
		while (n < line_end && (buf[n] == ' ' || buf[n] == '\t'))
			n++;
		if (name_end == pos || n >= line_end || buf[n] != ':') {
			if ((flags & DSNG__HDR_LENIENT) && last) {
				/* Report fields whose continuation lost its
				 * indent (MessageLabs): keep it with the
				 * field. */
				if (dsng__mime_problem(
				            msg, "header", at(base, flags, pos),
				            "continuation line without "
				            "leading white space") < 0)
					goto nomem;
				last->value.len = (size_t)(buf + line_end -
				                           last->value.ptr);
				if (line_end - last_pos > max_field)
					goto too_long;
				pos = next;
				continue;
			}
			if (dsng__mime_problem(msg, "header",
			                       at(base, flags, pos),
			                       "line without a colon "
			                       "ends the header") < 0)
				goto nomem;
			*body = pos;
			break;
		}
		if (line_end - pos > max_field) {
			rc = field_too_long(err, at(base, flags, pos), lim);
			goto out;
		}
		if (nf >= max_fields) {
			rc = dsng__fail_limit(
			        err, "max_fields", DSNG_ERR_FIELD_LIMIT,
			        at(base, flags, pos), 0, NULL,
			        "more than %u header fields", lim->max_fields);
			goto out;
		}
		if (nf == cap) {
			struct dsng_mime_field *f;
			cap = cap ? cap * 2 : 16;
			if (fields == init) {
				f = talloc_array(mem, struct dsng_mime_field,
				                 cap);
				if (f && nf)
					memcpy(f, init, nf * sizeof(*f));
			} else {
				f = talloc_realloc(mem, fields,
				                   struct dsng_mime_field, cap);
			}
			if (!f)
				goto nomem;
			fields = h->fields = f;
		}
		last = &fields[nf++];
		last->name.ptr = buf + pos;
		last->name.len = name_end - pos;
		last->value.ptr = buf + n + 1;
		last->value.len = line_end - (n + 1);
		last->offset = at(base, flags, pos);
		last_pos = pos;
		pos = next;
	}
	h->n_fields = nf;
	h->len = *body - start;
	return DSNG_OK;
too_long:
	rc = field_too_long(err, last->offset, lim);
	goto out;
nomem:
	rc = DSNG_ENOMEM;
out:
	h->n_fields = nf;
	return rc;
}

/* Most headers have fewer fields than this: they are gathered on the
 * stack and copied once to an array of the exact size, instead of an
 * array of 16 grown by realloc. */
#define STACK_FIELDS 32

int dsng__mime_header(TALLOC_CTX *mem, const char *buf, size_t start,
                      size_t end, const struct dsng_mime_limits *lim,
                      size_t base, unsigned flags, struct dsng_mime_header *h,
                      size_t *body, struct dsng_mime_message *msg,
                      struct dsng_error *err)
{
	struct dsng_mime_field local[STACK_FIELDS];
	int rc = scan_header(mem, buf, start, end, lim, base, flags, h, body,
	                     msg, err, local, STACK_FIELDS);

	if (h->fields != local)
		return rc;
	if (rc < 0 || h->n_fields == 0) {
		h->fields = NULL;
		h->n_fields = 0;
		return rc;
	}
	h->fields = talloc_memdup(mem, local, h->n_fields * sizeof(local[0]));
	if (!h->fields) {
		h->n_fields = 0;
		return DSNG_ENOMEM;
	}
	talloc_set_name_const(h->fields, "struct dsng_mime_field");
	return DSNG_OK;
}

int dsng__mime_header_scratch(TALLOC_CTX *mem, const char *buf, size_t start,
                              size_t end, const struct dsng_mime_limits *lim,
                              size_t base, unsigned flags,
                              struct dsng_mime_header *h, size_t *body,
                              struct dsng_mime_message *msg,
                              struct dsng_error *err,
                              struct dsng_mime_field *scratch, size_t cap)
{
	return scan_header(mem, buf, start, end, lim, base, flags, h, body, msg,
	                   err, scratch, cap);
}

int dsng_mime_header_parse(TALLOC_CTX *mem, struct dsng_mime_header **out,
                           size_t *body, const char *buf, size_t len,
                           const struct dsng_mime_limits *lim,
                           struct dsng_error *err)
{
	struct dsng_mime_limits l;
	struct dsng_mime_header *h;
	size_t b = 0;
	int rc;

	if (out)
		*out = NULL;
	if (!out || (!buf && len))
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "NULL argument");
	rc = dsng__mime_limits_take(&l, lim, err);
	if (rc < 0)
		return rc;
	h = talloc_zero(mem, struct dsng_mime_header);
	if (!h)
		return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
		                  "out of memory");
	rc = dsng__mime_header(h, buf, 0, len, &l, 0, 0, h, &b, NULL, err);
	if (rc < 0) {
		talloc_free(h);
		if (rc == DSNG_ENOMEM)
			dsng__fail(err, rc, DSNG_ERR_NOMEM, 0, 0, NULL,
			           "out of memory");
		return rc;
	}
	if (body)
		*body = b;
	*out = h;
	return DSNG_OK;
}

const struct dsng_mime_field *
dsng_mime_header_find(const struct dsng_mime_header *h, const char *name)
{
	size_t i, n;
	unsigned char c0;
	char lw[64];

	if (!h || !name || !*name)
		return NULL;
	n = strlen(name);
	c0 = dsng__lower8((unsigned char)name[0]);
	if (n <= sizeof(lw)) {
		/* the name lower-cased once, then eight octets a compare */
		for (i = 0; i < n; i++)
			lw[i] = (char)dsng__lower8((unsigned char)name[i]);
		for (i = 0; i < h->n_fields; i++) {
			const struct dsng_mime_field *f = &h->fields[i];
			if (f->name.len == n &&
			    dsng__lower8((unsigned char)f->name.ptr[0]) == c0 &&
			    dsng__name_ieq(f->name.ptr, lw, n))
				return f;
		}
		return NULL;
	}
	for (i = 0; i < h->n_fields; i++) {
		const struct dsng_mime_field *f = &h->fields[i];
		if (f->name.len == n && dsng__span_ieq(f->name.ptr, n, name))
			return f;
	}
	return NULL;
}

size_t dsng__mime_unfold_into(char *s, const char *p, size_t len)
{
	char *o = s;
	size_t i;

	dsng__trim_wsp_eol(&p, &len);
	i = 0;
	while (i < len) {
		/* copy up to the next line break in one go */
		const char *nl = memchr(p + i, '\n', len - i);
		size_t stop = nl ? (size_t)(nl - p) : len, run = stop;
		/* RFC 5322 2.2.3: unfolding removes the CRLF, keeps the WSP; a
		 * line break not followed by WSP (a broken fold) becomes one.
		 */
		if (nl && run > i && p[run - 1] == '\r')
			run--;
		memcpy(o, p + i, run - i);
		o += run - i;
		if (!nl)
			break;
		if (stop + 1 < len && p[stop + 1] != ' ' && p[stop + 1] != '\t')
			*o++ = ' ';
		i = stop + 1;
	}
	*o = 0;
	return (size_t)(o - s);
}

char *dsng_mime_unfold(TALLOC_CTX *mem, size_t *out_len, const char *p,
                       size_t len)
{
	char *s;
	size_t n;

	dsng__trim_wsp_eol(&p, &len);
	s = talloc_array(mem, char, len + 1);
	if (!s)
		return NULL;
	n = dsng__mime_unfold_into(s, p, len);
	if (out_len)
		*out_len = n;
	return s;
}

/* The walk of dsng_mime_unfold, counting instead of copying. */
size_t dsng__mime_unfold_pos(const char *p, size_t len, size_t k)
{
	const char *start = p;
	size_t i = 0, o = 0, lead;

	dsng__trim_wsp_eol(&p, &len);
	lead = (size_t)(p - start);
	while (i < len) {
		const char *nl = memchr(p + i, '\n', len - i);
		size_t stop = nl ? (size_t)(nl - p) : len, run = stop;
		if (nl && run > i && p[run - 1] == '\r')
			run--;
		if (k < o + (run - i))
			return lead + i + (k - o);
		o += run - i;
		if (!nl)
			break;
		if (stop + 1 < len && p[stop + 1] != ' ' &&
		    p[stop + 1] != '\t') {
			if (k == o)
				return lead + stop;
			o++;
		}
		i = stop + 1;
	}
	return lead + len;
}

const char *dsng__mime_skip_cfws(const char *p, const char *end)
{
	while (p < end) {
		if (dsng__is_wsp_eol(*p)) {
			p++;
		} else if (*p == '(') {
			unsigned level = 0;
			while (p < end) {
				if (*p == '\\' && p + 1 < end) {
					p += 2;
					continue;
				}
				if (*p == '(')
					level++;
				else if (*p == ')' && --level == 0) {
					p++;
					break;
				}
				p++;
			}
		} else {
			break;
		}
	}
	return p;
}

static bool clean_special(char c)
{
	return c == '(' || c == '"' || c == '\t' || c == '\r' || c == '\n';
}

#if defined(__SSE2__)
/* Some p[k] (k < 16) is special, or p[k] and p[k + 1] are both spaces;
 * reads p[0..17). */
static bool clean_not_trim16(const char *p)
{
	__m128i x = dsng__ld128(p), y = dsng__ld128(p + 1);
	__m128i m = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('(')),
	                         _mm_cmpeq_epi8(x, _mm_set1_epi8('"')));

	m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8('\t')));
	m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8('\r')));
	m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8('\n')));
	m = _mm_or_si128(m,
	                 _mm_and_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')),
	                               _mm_cmpeq_epi8(y, _mm_set1_epi8(' '))));
	return _mm_movemask_epi8(m) != 0;
}
#endif

/* p..len holds no comment, quoted string, TAB, CR or LF, and no two
 * spaces in a row: cleaning it is trimming its spaces (most values of
 * a report's fields: "rfc822; user@example.org", "5.1.1").  Sixteen
 * octets a step with SSE2, the last window ending at the last pair. */
static bool clean_is_trim(const char *p, size_t len)
{
	size_t i = 0;

#if defined(__SSE2__)
	if (len >= 17) {
		for (; i + 17 <= len; i += 16)
			if (clean_not_trim16(p + i))
				return false;
		return !clean_not_trim16(p + len - 17) &&
		       !clean_special(p[len - 1]);
	}
#endif
	for (; i < len; i++) {
		char c = p[i];
		if (clean_special(c) ||
		    (c == ' ' && i + 1 < len && p[i + 1] == ' '))
			return false;
	}
	return true;
}

size_t dsng__mime_clean_into(char *s, const char *p, size_t len)
{
	const char *end = p + len, *t = p;
	char *o = s;
	int space = 0;
	size_t n = len;

	/* the fast path looks at the value without its end spaces; the
	 * walk below takes it whole (an open quoted string keeps them) */
	while (n && *t == ' ') {
		t++;
		n--;
	}
	while (n && t[n - 1] == ' ')
		n--;
	if (clean_is_trim(t, n)) {
		memmove(s, t, n);
		s[n] = 0;
		return n;
	}
	while (p < end) {
		if (dsng__is_wsp_eol(*p) || *p == '(') {
			const char *q = dsng__mime_skip_cfws(p, end);
			/* A comment between two words separates them. */
			space = 1;
			p = q;
			continue;
		}
		if (space && o > s)
			*o++ = ' ';
		space = 0;
		if (*p == '"') {
			*o++ = *p++;
			while (p < end && *p != '"') {
				if (*p == '\\' && p + 1 < end)
					*o++ = *p++;
				if (*p != '\r' && *p != '\n')
					*o++ = *p;
				p++;
			}
			if (p < end)
				*o++ = *p++;
			continue;
		}
		*o++ = *p++;
	}
	*o = 0;
	return (size_t)(o - s);
}

char *dsng__mime_clean(TALLOC_CTX *mem, const char *p, size_t len,
                       size_t *out_len)
{
	char *s = talloc_array(mem, char, len + 1);
	size_t n;

	if (!s)
		return NULL;
	n = dsng__mime_clean_into(s, p, len);
	if (out_len)
		*out_len = n;
	return s;
}

void dsng__mime_lower(char *s)
{
	for (; s && *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s + 32);
}
