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

/* The keys of each verb's map, in the order the CLI prints them. */
static const unsigned char keys_mail[] = {
        DSNGB_CMD_VERB,     DSNGB_CMD_PATH,    DSNGB_CMD_LOCAL,
        DSNGB_CMD_DOMAIN,   DSNGB_CMD_ROUTE,   DSNGB_CMD_PARAMS,
        DSNGB_CMD_NOTIFY,   DSNGB_CMD_ORCPT,   DSNGB_CMD_RET,
        DSNGB_CMD_ENVID,    DSNGB_CMD_SIZE,    DSNGB_CMD_BODY,
        DSNGB_CMD_SMTPUTF8, DSNGB_CMD_HOLDFOR, DSNGB_CMD_CANONICAL,
        DSNGB_CMD__KEYS};
static const unsigned char keys_helo[] = {DSNGB_CMD_VERB, DSNGB_CMD_DOMAIN,
                                          DSNGB_CMD_CANONICAL, DSNGB_CMD__KEYS};
static const unsigned char keys_bdat[] = {
        DSNGB_CMD_VERB, DSNGB_CMD_ARG,       DSNGB_CMD_CHUNK_SIZE,
        DSNGB_CMD_LAST, DSNGB_CMD_CANONICAL, DSNGB_CMD__KEYS};
static const unsigned char keys_other[] = {
        DSNGB_CMD_VERB, DSNGB_CMD_ARG, DSNGB_CMD_CANONICAL, DSNGB_CMD__KEYS};

const char *const dsngb_cmd_key_names[DSNGB_CMD__KEYS] = {
        "verb",     "path",    "local", "domain",     "route", "params",
        "notify",   "orcpt",   "ret",   "envid",      "size",  "body",
        "smtputf8", "holdfor", "arg",   "chunk_size", "last",  "canonical"};

const unsigned char *dsngb_cmd_keys(enum dsng_verb verb)
{
	switch (verb) {
	case DSNG_VERB_MAIL:
	case DSNG_VERB_RCPT:
		return keys_mail;
	case DSNG_VERB_HELO:
	case DSNG_VERB_EHLO:
	case DSNG_VERB_LHLO:
		return keys_helo;
	case DSNG_VERB_BDAT:
		return keys_bdat;
	default:
		return keys_other;
	}
}

static void *params_list(const struct dsngb_builder *b,
                         const struct dsng_cmd *c)
{
	void *params = b->list_new();
	size_t i;

	for (i = 0; i < c->n_params; i++) {
		void *p = b->map_new();
		b->map_set(p, "keyword", upper_str(b, c->params[i].keyword, 1));
		b->map_set(p, "value", span_or_none(b, c->params[i].value));
		b->list_push(params, p);
	}
	return params;
}

static void *orcpt_map(const struct dsngb_builder *b, const struct dsng_cmd *c)
{
	void *o;

	if (!c->has_orcpt)
		return b->none();
	o = b->map_new();
	b->map_set(o, "type", upper_str(b, c->orcpt_type, 0));
	b->map_set(o, "addr", b->str(c->orcpt_addr.ptr, c->orcpt_addr.len));
	return o;
}

void *dsngb_cmd_value(const struct dsngb_builder *b, const struct dsng_cmd *c,
                      unsigned key, const char *canonical)
{
	static const char *const bodies[] = {NULL, "7BIT", "8BITMIME",
	                                     "BINARYMIME"};
	int hello = c->verb == DSNG_VERB_HELO || c->verb == DSNG_VERB_EHLO ||
	            c->verb == DSNG_VERB_LHLO;

	switch (key) {
	case DSNGB_CMD_VERB:
		return dsngb_cstr(b, dsng_cmd_verb_name(c->verb));
	case DSNGB_CMD_PATH:
		return c->path.is_null ? b->str("", 0)
		                       : b->str(c->path.mailbox.ptr,
		                                c->path.mailbox.len);
	case DSNGB_CMD_LOCAL:
		return nonempty_or_none(b, c->path.local);
	case DSNGB_CMD_DOMAIN:
		/* EHLO's argument, or the mailbox's domain */
		return hello ? span_or_none(b, c->arg)
		             : nonempty_or_none(b, c->path.domain);
	case DSNGB_CMD_ROUTE:
		return route_list(b, c->path.route);
	case DSNGB_CMD_PARAMS:
		return params_list(b, c);
	case DSNGB_CMD_NOTIFY:
		return c->notify ? dsngb_notify_list(b, c->notify) : b->none();
	case DSNGB_CMD_ORCPT:
		return orcpt_map(b, c);
	case DSNGB_CMD_RET:
		return dsngb_cstr(b, c->ret == DSNG_RET_FULL   ? "FULL"
		                     : c->ret == DSNG_RET_HDRS ? "HDRS"
		                                               : NULL);
	case DSNGB_CMD_ENVID:
		return c->has_envid ? b->str(c->envid.ptr, c->envid.len)
		                    : b->none();
	case DSNGB_CMD_SIZE:
		return c->has_size ? b->uinteger(c->size) : b->none();
	case DSNGB_CMD_BODY:
		return dsngb_cstr(b, (unsigned)c->body < 4 ? bodies[c->body]
		                                           : NULL);
	case DSNGB_CMD_SMTPUTF8:
		return b->boolean(c->smtputf8);
	case DSNGB_CMD_HOLDFOR:
		return c->has_holdfor ? b->uinteger(c->holdfor) : b->none();
	case DSNGB_CMD_ARG:
		return span_or_none(b, c->arg);
	case DSNGB_CMD_CHUNK_SIZE:
		return b->uinteger(c->bdat_size);
	case DSNGB_CMD_LAST:
		return b->boolean(c->bdat_last);
	case DSNGB_CMD_CANONICAL:
		return dsngb_cstr(b, canonical);
	default:
		return b->none();
	}
}

/* Every verb gives the same keys in the same order, whatever the values
 * (none for what is absent): the Python binding starts each result from
 * a per-verb template of them and builds each value when it is first
 * read (python/lazy.c). */
void dsngb_cmd_fill(const struct dsngb_builder *b, void *m,
                    const struct dsng_cmd *c, const char *canonical)
{
	const unsigned char *k;

	for (k = dsngb_cmd_keys(c->verb); *k != DSNGB_CMD__KEYS; k++)
		b->map_set(m, dsngb_cmd_key_names[*k],
		           dsngb_cmd_value(b, c, *k, canonical));
}
