/*
 * bindings/convert/cmd.c - a parsed SMTP command as builder values, and
 * the small helpers the other walks share (see walk.h).
 */
#include <stdlib.h>
#include <string.h>

#include "walk.h"

static void *span_or_none(const struct dsngb_builder *b, struct dsng_span s)
{
	return s.ptr ? b->str(s.ptr, s.len) : b->none();
}

/* Empty spans (no domain, no local part) are None rather than "". */
static void *nonempty_or_none(const struct dsngb_builder *b, struct dsng_span s)
{
	return s.len ? b->str(s.ptr, s.len) : b->none();
}

static void *upper_str(const struct dsngb_builder *b, struct dsng_span s,
                       int to_upper)
{
	char small[256], *buf = small;
	size_t i, n = s.len;
	void *res;

	if (!n)
		return b->str("", 0);
	/* keywords and types have no length limit of their own: the line's */
	if (n > sizeof(small) && !(buf = malloc(n)))
		return NULL; /* the builder reports the failure */
	small[0] = 0;        /* quiets gcc: the loop fills buf[0..n) */
	for (i = 0; i < n; i++) {
		char ch = s.ptr[i];
		if (to_upper && ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 32);
		else if (!to_upper && ch >= 'A' && ch <= 'Z')
			ch = (char)(ch + 32);
		buf[i] = ch;
	}
	res = b->str(buf, n);
	if (buf != small)
		free(buf);
	return res;
}

static void *route_list(const struct dsngb_builder *b, struct dsng_span r)
{
	void *list;
	size_t i = 0, start;

	if (!r.len)
		return b->none();
	list = b->list_new();
	while (i < r.len) {
		if (r.ptr[i] == '@' || r.ptr[i] == ',') {
			i++;
			continue;
		}
		start = i;
		while (i < r.len && r.ptr[i] != ',')
			i++;
		b->list_push(list, b->str(r.ptr + start, i - start));
	}
	return list;
}

void *dsngb_cstr(const struct dsngb_builder *b, const char *s)
{
	return s ? b->str(s, strlen(s)) : b->none();
}

static void set_cstr(const struct dsngb_builder *b, void *map, const char *key,
                     const char *s)
{
	b->map_set(map, key, dsngb_cstr(b, s));
}

static void mail_rcpt(const struct dsngb_builder *b, void *m,
                      const struct dsng_cmd *c)
{
	static const char *const bodies[] = {NULL, "7BIT", "8BITMIME",
	                                     "BINARYMIME"};
	void *params = b->list_new();
	size_t i;

	b->map_set(m, "path",
	           c->path.is_null
	                   ? b->str("", 0)
	                   : b->str(c->path.mailbox.ptr, c->path.mailbox.len));
	b->map_set(m, "local", nonempty_or_none(b, c->path.local));
	b->map_set(m, "domain", nonempty_or_none(b, c->path.domain));
	b->map_set(m, "route", route_list(b, c->path.route));
	for (i = 0; i < c->n_params; i++) {
		void *p = b->map_new();
		b->map_set(p, "keyword", upper_str(b, c->params[i].keyword, 1));
		b->map_set(p, "value", span_or_none(b, c->params[i].value));
		b->list_push(params, p);
	}
	b->map_set(m, "params", params);
	b->map_set(m, "notify",
	           c->notify ? dsngb_notify_list(b, c->notify) : b->none());
	if (c->has_orcpt) {
		void *o = b->map_new();
		b->map_set(o, "type", upper_str(b, c->orcpt_type, 0));
		b->map_set(o, "addr",
		           b->str(c->orcpt_addr.ptr, c->orcpt_addr.len));
		b->map_set(m, "orcpt", o);
	} else {
		b->map_set(m, "orcpt", b->none());
	}
	set_cstr(b, m, "ret",
	         c->ret == DSNG_RET_FULL   ? "FULL"
	         : c->ret == DSNG_RET_HDRS ? "HDRS"
	                                   : NULL);
	b->map_set(m, "envid",
	           c->has_envid ? b->str(c->envid.ptr, c->envid.len)
	                        : b->none());
	b->map_set(m, "size", c->has_size ? b->uinteger(c->size) : b->none());
	set_cstr(b, m, "body", (unsigned)c->body < 4 ? bodies[c->body] : NULL);
	b->map_set(m, "smtputf8", b->boolean(c->smtputf8));
	b->map_set(m, "holdfor",
	           c->has_holdfor ? b->uinteger(c->holdfor) : b->none());
}

/* Every verb gives the same keys in the same order, whatever the values
 * (none for what is absent): the Python binding starts each result from
 * a per-verb template of them (python/fast.c). */
void dsngb_cmd_fill(const struct dsngb_builder *b, void *m,
                    const struct dsng_cmd *c, const char *canonical)
{
	set_cstr(b, m, "verb", dsng_cmd_verb_name(c->verb));
	switch (c->verb) {
	case DSNG_VERB_MAIL:
	case DSNG_VERB_RCPT:
		mail_rcpt(b, m, c);
		break;
	case DSNG_VERB_HELO:
	case DSNG_VERB_EHLO:
	case DSNG_VERB_LHLO:
		b->map_set(m, "domain", span_or_none(b, c->arg));
		break;
	case DSNG_VERB_BDAT:
		b->map_set(m, "arg", span_or_none(b, c->arg));
		b->map_set(m, "chunk_size", b->uinteger(c->bdat_size));
		b->map_set(m, "last", b->boolean(c->bdat_last));
		break;
	default:
		b->map_set(m, "arg", span_or_none(b, c->arg));
		break;
	}
	set_cstr(b, m, "canonical", canonical);
}
