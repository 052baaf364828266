/*
 * bindings/convert.c - the walk from C results to native values, written
 * once for every language (see convert.h).
 */
#include <stdlib.h>
#include <string.h>

#include "convert.h"

static void *span_or_none(const struct dsngb_builder *b, struct dsng_span s)
{
	return s.ptr ? b->str(s.ptr, s.len) : b->none();
}

/* Empty spans (no domain, no local part) are None rather than "". */
static void *nonempty_or_none(const struct dsngb_builder *b,
                              struct dsng_span s)
{
	return s.len ? b->str(s.ptr, s.len) : b->none();
}

static void *upper_str(const struct dsngb_builder *b, struct dsng_span s,
                       int to_upper)
{
	char buf[256];
	size_t i, n = s.len < sizeof(buf) ? s.len : sizeof(buf);

	for (i = 0; i < n; i++) {
		char ch = s.ptr[i];
		if (to_upper && ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 32);
		else if (!to_upper && ch >= 'A' && ch <= 'Z')
			ch = (char)(ch + 32);
		buf[i] = ch;
	}
	return b->str(buf, n);
}

static void *notify_list(const struct dsngb_builder *b, unsigned notify)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {{DSNG_NOTIFY_NEVER, "NEVER"},
	             {DSNG_NOTIFY_SUCCESS, "SUCCESS"},
	             {DSNG_NOTIFY_FAILURE, "FAILURE"},
	             {DSNG_NOTIFY_DELAY, "DELAY"}};
	void *list;
	size_t i;

	if (!notify)
		return b->none();
	list = b->list_new();
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (notify & names[i].bit)
			b->list_push(list, b->str(names[i].name,
			                          strlen(names[i].name)));
	return list;
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

static void set_cstr(const struct dsngb_builder *b, void *map,
                     const char *key, const char *s)
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

	b->map_set(m, "path", c->path.is_null ? b->str("", 0)
	                                      : b->str(c->path.mailbox.ptr,
	                                               c->path.mailbox.len));
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
	b->map_set(m, "notify", notify_list(b, c->notify));
	if (c->has_orcpt) {
		void *o = b->map_new();
		b->map_set(o, "type", upper_str(b, c->orcpt_type, 0));
		b->map_set(o, "addr", b->str(c->orcpt_addr.ptr, c->orcpt_addr.len));
		b->map_set(m, "orcpt", o);
	} else {
		b->map_set(m, "orcpt", b->none());
	}
	set_cstr(b, m, "ret",
	         c->ret == DSNG_RET_FULL   ? "FULL"
	         : c->ret == DSNG_RET_HDRS ? "HDRS"
	                                   : NULL);
	b->map_set(m, "envid", c->has_envid ? b->str(c->envid.ptr, c->envid.len)
	                                    : b->none());
	b->map_set(m, "size", c->has_size ? b->integer((long long)c->size)
	                                  : b->none());
	set_cstr(b, m, "body", (unsigned)c->body < 4 ? bodies[c->body] : NULL);
	b->map_set(m, "smtputf8", b->boolean(c->smtputf8));
}

void *dsngb_cmd_to_native(const struct dsngb_builder *b,
                          const struct dsng_cmd *c, const char *canonical)
{
	void *m = b->map_new();

	set_cstr(b, m, "verb", dsng_verb_name(c->verb));
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
	default:
		b->map_set(m, "arg", span_or_none(b, c->arg));
		break;
	}
	set_cstr(b, m, "canonical", canonical);
	return m;
}

/* The error a failed malloc gives, in the library's shape. */
static void *nomem(struct dsng_error *err)
{
	err->status = DSNG_ENOMEM;
	err->kind = DSNG_ERR_NOMEM;
	strcpy(err->message, "out of memory");
	return NULL;
}

const char *version(void)
{
	return dsng_version();
}

dsngb_result parse_cmd(const char *buf, size_t len, int strict,
                       struct dsng_error *err)
{
	struct dsng_cmd *c = malloc(sizeof(*c));
	struct dsng_cmd_opts opts;
	char small[1024], *canonical = small;
	size_t need;
	void *res = NULL;

	if (!c)
		return nomem(err);
	dsng_cmd_opts_init(&opts);
	if (strict)
		opts.flags |= DSNG_CMD_STRICT;
	if (dsng_cmd_parse(c, buf, len, &opts, err) == DSNG_OK) {
		need = dsng_cmd_format_buf(small, sizeof(small), c);
		if (need >= sizeof(small)) {
			canonical = malloc(need + 1);
			if (canonical)
				dsng_cmd_format_buf(canonical, need + 1, c);
		}
		res = dsngb_cmd_to_native(&dsngb_native, c, canonical);
		if (canonical != small)
			free(canonical);
	}
	free(c);
	return res;
}

dsngb_result parse_report(const char *buf, size_t len, struct dsng_error *err)
{
	struct dsng_report *r = NULL;
	void *res;

	if (dsng_report_parse(NULL, buf, len, NULL, &r, err) != DSNG_OK)
		return NULL;
	res = dsngb_report_to_native(&dsngb_native, r);
	talloc_free(r);
	return res;
}

/* Pasted replies often end in an empty line or two, which the library
 * would call text after the final line (the CLI trims them too). */
static size_t trim_trailing_blank_lines(const char *buf, size_t len)
{
	while (len >= 2 && buf[len - 1] == '\n' &&
	       (buf[len - 2] == '\n' ||
	        (len >= 3 && buf[len - 2] == '\r' && buf[len - 3] == '\n')))
		len -= buf[len - 2] == '\r' ? 2 : 1;
	return len;
}

dsngb_result parse_ehlo(const char *buf, size_t len, struct dsng_error *err)
{
	struct dsng_ehlo *c = NULL;
	void *res;

	len = trim_trailing_blank_lines(buf, len);
	if (dsng_ehlo_parse(NULL, buf, len, NULL, &c, err) != DSNG_OK)
		return NULL;
	res = dsngb_ehlo_to_native(&dsngb_native, c);
	talloc_free(c);
	return res;
}

dsngb_result xtext_encode(const char *buf, size_t len)
{
	size_t need = dsng_xtext_encode_buf(NULL, 0, buf, len);
	char *out = malloc(need + 1);
	void *res;

	if (!out)
		return NULL;
	dsng_xtext_encode_buf(out, need + 1, buf, len);
	res = dsngb_native.str(out, need);
	free(out);
	return res;
}

dsngb_result xtext_decode(const char *buf, size_t len, int lenient,
                          struct dsng_error *err)
{
	/* a decoded value is never longer than its encoded form */
	char *out = malloc(len + 1);
	size_t n = 0;
	void *res = NULL;

	if (!out)
		return nomem(err);
	if (dsng_xtext_decode(out, len + 1, &n, buf, len,
	                      lenient ? DSNG_XTEXT_LOWER_HEX : 0, NULL,
	                      err) == DSNG_OK)
		res = dsngb_native.str(out, n);
	free(out);
	return res;
}
