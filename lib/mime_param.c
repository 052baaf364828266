/*
 * lib/mime_param.c - Content-Type values: type/subtype and parameters,
 * quoted strings, comments, RFC 2231 continuations and %XX values, and
 * Content-Transfer-Encoding.
 */
#include <stdlib.h>
#include <string.h>

#include "mime_int.h"

/* One name=value as written, before RFC 2231 reassembly. */
struct raw_param {
	char *name;  /* lower-case, without the "*N*" suffix */
	long section; /* -1 when not a continuation */
	int extended; /* value was name*=... (charset'lang'%XX) */
	char *value;
};

static int is_tspecial_end(char c)
{
	return c == ';' || c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	       c == '(';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* %XX-decode in place (RFC 2231 extended values). */
static void pct_decode(char *s)
{
	char *o = s;
	while (*s) {
		int h, l;
		if (*s == '%' && (h = hexval(s[1])) >= 0 && (l = hexval(s[2])) >= 0) {
			*o++ = (char)(h * 16 + l);
			s += 3;
			continue;
		}
		*o++ = *s++;
	}
	*o = 0;
}

static char *read_value(TALLOC_CTX *mem, const char **pp, const char *end)
{
	const char *p = *pp;
	char *v, *o;

	if (p < end && *p == '"') {
		v = talloc_array(mem, char, (size_t)(end - p) + 1);
		if (!v)
			return NULL;
		o = v;
		p++;
		while (p < end && *p != '"') {
			if (*p == '\\' && p + 1 < end)
				p++;
			if (*p != '\r' && *p != '\n')
				*o++ = *p;
			p++;
		}
		if (p < end)
			p++;
		*o = 0;
	} else {
		const char *s = p;
		while (p < end && !is_tspecial_end(*p))
			p++;
		v = talloc_strndup(mem, s, (size_t)(p - s));
	}
	*pp = p;
	return v;
}

static int add_final(TALLOC_CTX *mem, struct dsng_mime_param **params,
                     size_t *n, const char *name, char *value)
{
	struct dsng_mime_param *a;

	a = talloc_realloc(mem, *params, struct dsng_mime_param, *n + 1);
	if (!a)
		return DSNG_ENOMEM;
	a[*n].name = talloc_strdup(a, name);
	a[*n].value = talloc_steal(a, value);
	if (!a[*n].name)
		return DSNG_ENOMEM;
	*params = a;
	(*n)++;
	return DSNG_OK;
}

/* Join the RFC 2231 sections of each name in order (0, 1, 2 ... until a
 * gap); a plain value is used when no section exists. */
static int assemble(TALLOC_CTX *mem, struct raw_param *raw, size_t nraw,
                    struct dsng_mime_param **params, size_t *n)
{
	size_t i, j;

	for (i = 0; i < nraw; i++) {
		char *val = NULL;
		long sec;
		int seen = 0;

		for (j = 0; j < i; j++)
			if (strcmp(raw[j].name, raw[i].name) == 0)
				seen = 1;
		if (seen)
			continue;
		for (sec = 0;; sec++) {
			int found = 0;
			for (j = i; j < nraw; j++) {
				const char *v;
				if (raw[j].section != sec ||
				    strcmp(raw[j].name, raw[i].name) != 0)
					continue;
				v = raw[j].value;
				if (raw[j].extended) {
					if (sec == 0) {
						const char *q = strchr(v, '\'');
						const char *q2 = q ? strchr(q + 1, '\'') : NULL;
						if (q2)
							v = q2 + 1;
					}
					pct_decode(raw[j].value + (v - raw[j].value));
				}
				val = val ? talloc_strdup_append(val, v)
				          : talloc_strdup(mem, v);
				if (!val)
					return DSNG_ENOMEM;
				found = 1;
				break;
			}
			if (!found)
				break;
		}
		if (!val) {
			for (j = i; j < nraw; j++) {
				if (strcmp(raw[j].name, raw[i].name) != 0 ||
				    raw[j].section > 0)
					continue;
				if (raw[j].extended) {
					/* name*=charset'lang'value */
					const char *v = raw[j].value;
					const char *q = strchr(v, '\'');
					const char *q2 = q ? strchr(q + 1, '\'') : NULL;
					val = talloc_strdup(mem, q2 ? q2 + 1 : v);
					if (val)
						pct_decode(val);
				} else {
					val = talloc_strdup(mem, raw[j].value);
				}
				if (!val)
					return DSNG_ENOMEM;
				break;
			}
		}
		if (val && add_final(mem, params, n, raw[i].name, val) < 0)
			return DSNG_ENOMEM;
	}
	return DSNG_OK;
}

int dsng_mime_content_type(TALLOC_CTX *mem, const char *buf, size_t len,
                           char **type, struct dsng_mime_param **params,
                           size_t *nparams)
{
	const char *p = buf, *end = buf + len, *s;
	TALLOC_CTX *tmp;
	struct raw_param *raw = NULL;
	size_t nraw = 0;
	int rc = DSNG_ENOMEM;

	*type = NULL;
	*params = NULL;
	*nparams = 0;
	tmp = talloc_new(NULL);
	if (!tmp)
		return DSNG_ENOMEM;
	p = dsng__mime_skip_cfws(p, end);
	s = p;
	while (p < end && *p != ';' && *p != '(' && *p != ' ' && *p != '\t' &&
	       *p != '\r' && *p != '\n')
		p++;
	if (p > s) {
		const char *slash = memchr(s, '/', (size_t)(p - s));
		if (slash && slash > s && slash + 1 < p) {
			*type = talloc_strndup(mem, s, (size_t)(p - s));
			if (!*type)
				goto out;
			dsng__mime_lower(*type);
		}
	}
	while (p < end) {
		const char *ns;
		char *name, *star;
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
		while (p < end && *p != '=' && *p != ';' && !is_tspecial_end(*p))
			p++;
		if (p == ns)
			continue;
		name = talloc_strndup(tmp, ns, (size_t)(p - ns));
		if (!name)
			goto out;
		p = dsng__mime_skip_cfws(p, end);
		if (p >= end || *p != '=')
			continue;
		p = dsng__mime_skip_cfws(p + 1, end);
		r = talloc_realloc(tmp, raw, struct raw_param, nraw + 1);
		if (!r)
			goto out;
		raw = r;
		r = &raw[nraw];
		dsng__mime_lower(name);
		r->section = -1;
		r->extended = 0;
		star = strchr(name, '*');
		if (star) {
			size_t nl = strlen(name);
			if (name[nl - 1] == '*') {
				r->extended = 1;
				name[--nl] = 0;
			}
			star = strchr(name, '*');
			if (star) {
				char *e;
				long sec = strtol(star + 1, &e, 10);
				if (e != star + 1 && *e == 0 && sec >= 0 &&
				    sec < 1000)
					r->section = sec;
				*star = 0;
			}
		}
		r->name = name;
		r->value = read_value(tmp, &p, end);
		if (!r->value)
			goto out;
		nraw++;
	}
	rc = assemble(mem, raw, nraw, params, nparams);
out:
	talloc_free(tmp);
	return rc;
}

enum dsng_mime_cte dsng__mime_cte(const char *p, size_t len)
{
	const char *end = p + len, *s;

	p = dsng__mime_skip_cfws(p, end);
	s = p;
	while (p < end && !is_tspecial_end(*p))
		p++;
	len = (size_t)(p - s);
	if (dsng__span_ieq(s, len, "7bit"))
		return DSNG_CTE_7BIT;
	if (dsng__span_ieq(s, len, "8bit"))
		return DSNG_CTE_8BIT;
	if (dsng__span_ieq(s, len, "binary"))
		return DSNG_CTE_BINARY;
	if (dsng__span_ieq(s, len, "base64"))
		return DSNG_CTE_BASE64;
	if (dsng__span_ieq(s, len, "quoted-printable"))
		return DSNG_CTE_QP;
	return DSNG_CTE_UNKNOWN;
}

const char *dsng_mime_cte_name(enum dsng_mime_cte cte)
{
	switch (cte) {
	case DSNG_CTE_7BIT: return "7bit";
	case DSNG_CTE_8BIT: return "8bit";
	case DSNG_CTE_BINARY: return "binary";
	case DSNG_CTE_BASE64: return "base64";
	case DSNG_CTE_QP: return "quoted-printable";
	default: return "unknown";
	}
}

const char *dsng_mime_part_param(const struct dsng_mime_part *part,
                                 const char *name)
{
	size_t i;

	if (!part || !name)
		return NULL;
	for (i = 0; i < part->nparams; i++)
		if (strcmp(part->params[i].name, name) == 0)
			return part->params[i].value;
	return NULL;
}
