/*
 * bindings/api_more.c - the smaller entry points of api_more.h: format a
 * command, RFC 6533 xtext, paths, BATV tags, replies, dates, MIME header
 * text, and the policy's lookups.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api_util.h"

dsngb_result format_cmd_line(const char *buf, size_t len, int strict,
                             size_t max_line, int utf8, struct dsng_error *err)
{
	struct dsng_cmd *c = malloc(sizeof(*c));
	struct dsng_cmd_opts opts;
	char *out;
	void *res = NULL;

	if (!c)
		return dsngb_nomem(err);
	dsng_cmd_init(c, DSNG_CMD_VERSION);
	dsng_cmd_opts_init(&opts, DSNG_CMD_OPTS_VERSION);
	if (strict)
		opts.flags |= DSNG_CMD_STRICT;
	if (utf8)
		opts.flags |= DSNG_CMD_UTF8;
	if (max_line)
		opts.max_line = max_line;
	if (dsng_cmd_parse(c, buf, len, &opts, err) == DSNG_OK) {
		if (!(out = dsng_cmd_format(NULL, c)))
			dsngb_nomem(err);
		else
			res = dsngb_finish(dsngb_cstr(&dsngb_native, out), err);
		talloc_free(out);
	}
	free(c);
	return res;
}

dsngb_result xtext_utf8_encode(const char *buf, size_t len, int unitext,
                               struct dsng_error *err)
{
	char *out = dsng_xtext_utf8_encode(NULL, buf, len, unitext != 0);
	void *res;

	if (!out) {
		/* NULL is out of memory or invalid UTF-8: tell which */
		if (dsng_xtext_utf8_encode_buf(NULL, 0, buf, len,
		                               unitext != 0) == (size_t)-1) {
			dsngb_bad_value(err, "not valid UTF-8");
			err->kind = DSNG_ERR_BAD_XTEXT;
			return NULL;
		}
		return dsngb_nomem(err);
	}
	res = dsngb_finish(dsngb_cstr(&dsngb_native, out), err);
	talloc_free(out);
	return res;
}

dsngb_result xtext_utf8_decode(const char *buf, size_t len, int unitext,
                               struct dsng_error *err)
{
	/* decoded UTF-8 is never longer than its encoded form */
	char *out = malloc(len + 1);
	size_t n = 0;
	void *res = NULL;

	if (!out)
		return dsngb_nomem(err);
	if (dsng_xtext_utf8_decode(out, len + 1, &n, buf, len,
	                           unitext ? DSNG_XTEXT_UNITEXT : 0, NULL,
	                           err) == DSNG_OK)
		res = dsngb_finish(dsngb_native.str(out, n), err);
	free(out);
	return res;
}

/* A span as a string, none when empty and absent. */
static void *span(const struct dsng_span *s)
{
	return s->ptr ? dsngb_native.str(s->ptr, s->len) : dsngb_native.none();
}

dsngb_result addr_parse(const char *buf, size_t len, int rcpt, int utf8,
                        int strict, struct dsng_error *err)
{
	const struct dsngb_builder *b = &dsngb_native;
	struct dsng_path p;
	unsigned lax = 0, flags = 0;
	void *m, *l;

	flags |= rcpt ? DSNG_ADDR_RCPT : 0;
	flags |= utf8 ? DSNG_ADDR_UTF8 : 0;
	flags |= strict ? DSNG_ADDR_STRICT : 0;
	memset(&p, 0, sizeof(p));
	if (dsng_addr_parse(&p, buf, len, flags, &lax, err) != DSNG_OK)
		return NULL;
	m = b->map_new();
	b->map_set(m, "path",
	           b->str(p.mailbox.ptr ? p.mailbox.ptr : "", p.mailbox.len));
	b->map_set(m, "local", span(&p.local));
	b->map_set(m, "domain", p.domain.len ? span(&p.domain) : b->none());
	if (p.route.len) {
		/* "@a,@b": the domains without their "@" */
		const char *r = p.route.ptr, *e = r + p.route.len;

		l = b->list_new();
		while (r < e) {
			const char *comma = memchr(r, ',', (size_t)(e - r));
			const char *end = comma ? comma : e;

			if (*r == '@')
				r++;
			b->list_push(l, b->str(r, (size_t)(end - r)));
			r = end + 1;
		}
	} else {
		l = b->none();
	}
	b->map_set(m, "route", l);
	b->map_set(m, "null", b->boolean(p.is_null));
	b->map_set(m, "postmaster", b->boolean(p.is_postmaster));
	b->map_set(m, "utf8", b->boolean(p.has_utf8));
	l = b->list_new();
	if (lax & DSNG_ADDR_LAX_NO_BRACKETS)
		b->list_push(l, dsngb_cstr(b, "no_brackets"));
	if (lax & DSNG_ADDR_LAX_LONG)
		b->list_push(l, dsngb_cstr(b, "long"));
	b->map_set(m, "lax", l);
	return dsngb_finish(m, err);
}

dsngb_result addr_check_domain(const char *buf, size_t len, int utf8,
                               int strict, struct dsng_error *err)
{
	unsigned flags =
	        (utf8 ? DSNG_ADDR_UTF8 : 0) | (strict ? DSNG_ADDR_STRICT : 0);

	if (dsng_addr_check_domain(buf, len, flags, err) != DSNG_OK)
		return NULL;
	return dsngb_finish(dsngb_native.boolean(1), err);
}

dsngb_result batv_parse(const char *buf, size_t len, struct dsng_error *err)
{
	const struct dsngb_builder *b = &dsngb_native;
	struct dsng_batv_tag t;
	char hex[7];
	char *orig = NULL;
	void *m;

	memset(&t, 0, sizeof(t));
	if (dsng_batv_parse(&t, buf, len, 0, err) != DSNG_OK)
		return NULL;
	if (dsng_batv_strip(NULL, &orig, buf, len, err) != DSNG_OK)
		return NULL;
	snprintf(hex, sizeof(hex), "%02x%02x%02x", t.hash[0], t.hash[1],
	         t.hash[2]);
	m = b->map_new();
	b->map_set(m, "key_number", b->uinteger(t.key_number));
	b->map_set(m, "day", b->uinteger(t.day));
	b->map_set(m, "hash", dsngb_cstr(b, hex));
	b->map_set(m, "legacy_order", b->boolean(t.legacy_order));
	b->map_set(m, "local", span(&t.local));
	b->map_set(m, "domain", span(&t.domain));
	b->map_set(m, "original", dsngb_cstr(b, orig));
	talloc_free(orig);
	return dsngb_finish(m, err);
}

dsngb_result batv_strip(const char *buf, size_t len, struct dsng_error *err)
{
	char *out = NULL;
	void *res;

	if (dsng_batv_strip(NULL, &out, buf, len, err) != DSNG_OK)
		return NULL;
	res = dsngb_finish(dsngb_cstr(&dsngb_native, out), err);
	talloc_free(out);
	return res;
}

static void reply_opts(struct dsng_reply_opts *o, int lenient, size_t max_line,
                       size_t max_lines)
{
	dsng_reply_opts_init(o, DSNG_REPLY_OPTS_VERSION);
	if (lenient)
		o->flags |= DSNG_REPLY_LENIENT;
	o->max_line = max_line;
	if (max_lines)
		o->max_lines = max_lines;
}

dsngb_result format_reply(const char *buf, size_t len, int lenient,
                          size_t max_line, size_t max_lines,
                          struct dsng_error *err)
{
	struct dsng_reply_opts o;
	struct dsng_reply *r = NULL;
	TALLOC_CTX *mem = talloc_new(NULL);
	char *out;
	void *res = NULL;

	if (!mem)
		return dsngb_nomem(err);
	reply_opts(&o, lenient, max_line, max_lines);
	if (dsng_reply_parse(mem, &r, buf, len, &o, err) == DSNG_OK) {
		if (!(out = dsng_reply_format(mem, r)))
			dsngb_nomem(err);
		else
			res = dsngb_finish(dsngb_cstr(&dsngb_native, out), err);
	}
	talloc_free(mem);
	return res;
}

dsngb_result reply_complete(const char *buf, size_t len, int lenient,
                            size_t max_line, size_t max_lines,
                            struct dsng_error *err)
{
	struct dsng_reply_opts o;
	size_t used = 0;
	int rc;

	reply_opts(&o, lenient, max_line, max_lines);
	rc = dsng_reply_complete(&used, buf, len, &o, err);
	if (rc < 0)
		return NULL;
	return dsngb_finish(dsngb_native.uinteger(rc == 1 ? used : 0), err);
}

dsngb_result report_date_parse(const char *buf, size_t len,
                               struct dsng_error *err)
{
	int64_t t;

	if (dsng_report_date_parse(&t, buf, len, err) != DSNG_OK)
		return NULL;
	return dsngb_finish(dsngb_native.integer(t), err);
}

dsngb_result mime_decode_words(const char *buf, size_t len,
                               struct dsng_error *err)
{
	char *out = dsng_mime_decode_words(NULL, buf, len);
	void *res;

	if (!out)
		return dsngb_nomem(err);
	res = dsngb_finish(dsngb_cstr(&dsngb_native, out), err);
	talloc_free(out);
	return res;
}

dsngb_result mime_unfold(const char *buf, size_t len, struct dsng_error *err)
{
	size_t n = 0;
	char *out = dsng_mime_unfold(NULL, &n, buf, len);
	void *res;

	if (!out)
		return dsngb_nomem(err);
	res = dsngb_finish(dsngb_native.str(out, n), err);
	talloc_free(out);
	return res;
}

dsngb_result policy_preset_names(struct dsng_error *err)
{
	const char *const *n = dsng_policy_preset_names();
	void *l = dsngb_native.list_new();

	for (; n && *n; n++)
		dsngb_native.list_push(l, dsngb_cstr(&dsngb_native, *n));
	return dsngb_finish(l, err);
}

dsngb_result policy_is_trusted(struct dsngb_policy *p, struct dsngb_session *s,
                               struct dsng_error *err)
{
	if (!p || !s)
		return dsngb_misuse(err, "expected a policy and a session");
	return dsngb_finish(dsngb_native.boolean(dsng_policy_is_trusted(
	                            dsngb_policy_get(p), dsngb_session_get(s))),
	                    err);
}

dsngb_result policy_is_receipt_header(struct dsngb_policy *p, const char *buf,
                                      size_t len, struct dsng_error *err)
{
	if (!p)
		return dsngb_misuse(err, "not a policy");
	return dsngb_finish(dsngb_native.boolean(dsng_policy_is_receipt_header(
	                            dsngb_policy_get(p), buf, len)),
	                    err);
}

static void cmd_opts(struct dsng_cmd_opts *o, int strict, size_t max_line,
                     int utf8)
{
	dsng_cmd_opts_init(o, DSNG_CMD_OPTS_VERSION);
	if (strict)
		o->flags |= DSNG_CMD_STRICT;
	if (utf8)
		o->flags |= DSNG_CMD_UTF8;
	if (max_line)
		o->max_line = max_line;
}

dsngb_result policy_line(struct dsngb_policy *p, struct dsngb_session *s,
                         const char *buf, size_t len, int strict,
                         size_t max_line, int utf8, struct dsng_error *err)
{
	struct dsng_decision d = DSNG_DECISION_INIT;
	struct dsng_cmd_opts o;
	struct dsng_cmd *c;
	TALLOC_CTX *mem;
	void *res = NULL;
	int rc;

	if (!p || !s)
		return dsngb_misuse(err, "expected a policy and a session");
	if (!(c = malloc(sizeof(*c))))
		return dsngb_nomem(err);
	if (!(mem = talloc_new(NULL))) {
		free(c);
		return dsngb_nomem(err);
	}
	dsng_cmd_init(c, DSNG_CMD_VERSION);
	cmd_opts(&o, strict, max_line, utf8);
	rc = dsng_policy_line(mem, &d, c, dsngb_policy_get(p),
	                      dsngb_session_get(s), buf, len, &o, err);
	if (rc == DSNG_OK || rc == DSNG_ESYNTAX || rc == DSNG_ELIMIT) {
		/* a line that does not parse is the refusal d holds */
		dsng_error_clear(err);
		res = dsngb_native.map_new();
		dsngb_decision_fill(&dsngb_native, res, &d,
		                    rc == DSNG_OK && c->verb == DSNG_VERB_RCPT
		                            ? d.notify_requested
		                            : 0,
		                    0);
		res = dsngb_finish(res, err);
	}
	talloc_free(mem);
	free(c);
	return res;
}

struct dsngb_policy *policy_load(const char *buf, size_t len, int is_file,
                                 const char *name, int no_includes,
                                 size_t max_include_files,
                                 size_t max_include_bytes,
                                 struct dsng_error *err)
{
	struct dsng_policy_opts o;
	struct dsng_policy *pol = NULL;
	char *path = NULL;
	void *gil;
	int rc;

	dsng_policy_opts_init(&o, DSNG_POLICY_OPTS_VERSION);
	o.no_includes = no_includes != 0;
	if (max_include_files)
		o.max_include_files = max_include_files;
	if (max_include_bytes)
		o.max_include_bytes = max_include_bytes;
	if (is_file) {
		if (memchr(buf, 0, len))
			return dsngb_misuse(err, "a file name has no NUL");
		if (!(path = talloc_strndup(NULL, buf, len)))
			return dsngb_nomem(err);
	}
	gil = dsngb_native_unlock(); /* file I/O, includes */
	rc = is_file ? dsng_policy_load(NULL, &pol, path, &o, err)
	             : dsng_policy_parse(NULL, &pol, buf, len,
	                                 name ? name : "<string>", &o, err);
	dsngb_native_relock(gil);
	talloc_free(path);
	if (rc != DSNG_OK)
		return NULL;
	return dsngb_policy_wrap(pol, err);
}

dsngb_result policy_bounce_limits(
        struct dsngb_policy *p, struct dsngb_session *s, const char *buf,
        size_t len, int has_report, const char *rcpt, size_t rcpt_len,
        int null_sender, long long now, unsigned max_recipients,
        unsigned max_depth, unsigned max_parts, unsigned max_fields,
        size_t max_field_len, size_t max_header_len, size_t max_boundary_len,
        size_t max_size, size_t max_decoded, struct dsng_error *err)
{
	struct dsng_decision d = DSNG_DECISION_INIT;
	struct dsng_policy_bounce_info b = DSNG_POLICY_BOUNCE_INFO_INIT;
	struct dsng_report_limits lim;
	struct dsng_mime_limits mime;
	struct dsng_report *r = NULL;
	TALLOC_CTX *mem;
	void *res = NULL;

	if (!p || !s)
		return dsngb_misuse(err, "expected a policy and a session");
	dsng_report_limits_init(&lim, DSNG_REPORT_LIMITS_VERSION);
	dsng_mime_limits_init(&mime, DSNG_MIME_LIMITS_VERSION);
#define SETLIM(st, f)                                                          \
	if (f)                                                                 \
		st.f = f;
	SETLIM(lim, max_recipients)
	SETLIM(mime, max_depth)
	SETLIM(mime, max_parts)
	SETLIM(mime, max_fields)
	SETLIM(mime, max_field_len)
	SETLIM(mime, max_header_len)
	SETLIM(mime, max_boundary_len)
	SETLIM(mime, max_size)
	SETLIM(mime, max_decoded)
#undef SETLIM
	lim.mime = &mime;
	if (!(mem = talloc_new(NULL)))
		return dsngb_nomem(err);
	if (has_report &&
	    (dsng_report_parse(mem, &r, buf, len, &lim, err) != DSNG_OK ||
	     dsng_policy_bounce_info_from_report(mem, &b, r, err) != DSNG_OK))
		goto out;
	b.null_sender = null_sender != 0;
	if (rcpt && rcpt_len) {
		b.rcpt.ptr = rcpt;
		b.rcpt.len = rcpt_len;
	}
	b.now = (time_t)now;
	if (dsng_policy_bounce(&d, dsngb_policy_get(p), dsngb_session_get(s),
	                       &b, err) == DSNG_OK) {
		res = dsngb_native.map_new();
		dsngb_decision_fill(&dsngb_native, res, &d, 0, 1);
		res = dsngb_finish(res, err);
	}
out:
	talloc_free(mem);
	return res;
}

dsngb_result policy_networks(struct dsngb_policy *p, struct dsng_error *err)
{
	char **nets = NULL;
	size_t i, n = 0;
	void *l;

	if (!p)
		return dsngb_misuse(err, "not a policy");
	if (dsng_policy_networks_format(NULL, &nets, &n, dsngb_policy_get(p),
	                                err) != DSNG_OK)
		return NULL;
	l = dsngb_native.list_new();
	for (i = 0; i < n; i++)
		dsngb_native.list_push(l, dsngb_cstr(&dsngb_native, nets[i]));
	talloc_free(nets);
	return dsngb_finish(l, err);
}

dsngb_result policy_rules(struct dsngb_policy *p, struct dsng_error *err)
{
	const struct dsngb_builder *b = &dsngb_native;
	struct dsng_policy_rule *r = NULL;
	size_t i, n = 0;
	void *l;

	if (!p)
		return dsngb_misuse(err, "not a policy");
	if (dsng_policy_diff(NULL, &r, &n, dsngb_policy_get(p), err) != DSNG_OK)
		return NULL;
	l = b->list_new();
	for (i = 0; i < n; i++) {
		void *m = b->map_new();

		b->map_set(m, "rule", dsngb_cstr(b, r[i].rule));
		b->map_set(m, "value", dsngb_cstr(b, r[i].value));
		b->map_set(m, "origin", dsngb_cstr(b, r[i].origin));
		b->map_set(m, "line", b->uinteger(r[i].line));
		b->list_push(l, m);
	}
	talloc_free(r);
	return dsngb_finish(l, err);
}

/* DSNG_POLICY_CLASS_* bits as their config words. */
static void *class_words(unsigned bits)
{
	static const struct {
		unsigned bit;
		const char *word;
	} w[] = {{DSNG_POLICY_CLASS_ALL, "all"},
	         {DSNG_POLICY_CLASS_TRUSTED, "trusted"},
	         {DSNG_POLICY_CLASS_AUTHENTICATED, "authenticated"},
	         {DSNG_POLICY_CLASS_TLS, "tls"},
	         {DSNG_POLICY_CLASS_SUBMISSION, "submission"},
	         {DSNG_POLICY_CLASS_LOCAL, "local"}};
	void *l = dsngb_native.list_new();
	size_t i;

	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (bits & w[i].bit)
			dsngb_native.list_push(
			        l, dsngb_cstr(&dsngb_native, w[i].word));
	return l;
}

dsngb_result policy_offer(struct dsngb_policy *p, struct dsng_error *err)
{
	if (!p)
		return dsngb_misuse(err, "not a policy");
	return dsngb_finish(
	        class_words(dsng_policy_offer_get(dsngb_policy_get(p))), err);
}

dsngb_result policy_classes(struct dsngb_policy *p, struct dsngb_session *s,
                            struct dsng_error *err)
{
	if (!p || !s)
		return dsngb_misuse(err, "expected a policy and a session");
	return dsngb_finish(class_words(dsng_policy_classes(
	                            dsngb_policy_get(p), dsngb_session_get(s))),
	                    err);
}

dsngb_result status_find(const char *buf, size_t len, struct dsng_error *err)
{
	struct dsng_status_code c;
	size_t off = 0;
	void *m;

	if (dsng_status_find(&c, &off, buf, len) != DSNG_OK)
		return dsngb_finish(dsngb_native.none(), err);
	m = dsngb_native.map_new();
	dsngb_status_fill(&dsngb_native, m, &c);
	dsngb_native.map_set(m, "offset", dsngb_native.uinteger(off));
	return dsngb_finish(m, err);
}

dsngb_result mbox_split(const char *buf, size_t len, struct dsng_error *err)
{
	struct dsng_span msg;
	size_t pos = 0;
	void *l = dsngb_native.list_new();

	while (dsng_mime_mbox_next(&msg, &pos, buf, len))
		dsngb_native.list_push(l, dsngb_native_bytes(msg.ptr, msg.len));
	return dsngb_finish(l, err);
}

dsngb_result parse_ehlo_opts(const char *buf, size_t len, int lenient,
                             size_t max_line, size_t max_lines,
                             struct dsng_error *err)
{
	struct dsng_reply_opts o;
	struct dsng_ehlo *c = NULL;
	void *res;

	reply_opts(&o, lenient, max_line, max_lines);
	len = dsngb_trim_blank_tail(buf, len);
	if (dsng_ehlo_parse(NULL, &c, buf, len, &o, err) != DSNG_OK)
		return NULL;
	res = dsngb_native.map_new();
	dsngb_ehlo_fill(&dsngb_native, res, c);
	talloc_free(c);
	return dsngb_finish(res, err);
}

dsngb_result hide_ehlo_opts(const char *buf, size_t len, int xbytes,
                            const char *keywords, int lenient, size_t max_line,
                            size_t max_lines, struct dsng_error *err)
{
	struct dsng_reply_opts o;
	TALLOC_CTX *mem = talloc_new(NULL);
	const char **kw;
	char *copy, *tok, *save = NULL, *out = NULL;
	size_t n = 0, out_len = 0;
	void *res = NULL;

	if (!mem)
		return dsngb_nomem(err);
	copy = talloc_strdup(mem, keywords ? keywords : "");
	kw = copy ? talloc_array(mem, const char *, strlen(copy) / 2 + 2)
	          : NULL;
	if (!kw) {
		talloc_free(mem);
		return dsngb_nomem(err);
	}
	/* comma or blank separated, as hide_ehlo of api.h */
	for (tok = strtok_r(copy, ", \t", &save); tok;
	     tok = strtok_r(NULL, ", \t", &save))
		kw[n++] = tok;
	kw[n] = NULL;
	reply_opts(&o, lenient, max_line, max_lines);
	len = dsngb_trim_blank_tail(buf, len);
	if (dsng_ehlo_hide(mem, &out, &out_len, buf, len, 0, kw, &o, err) ==
	    DSNG_OK)
		res = dsngb_finish(xbytes ? dsngb_native_bytes(out, out_len)
		                          : dsngb_native.str(out, out_len),
		                   err);
	talloc_free(mem);
	return res;
}

dsngb_result policy_ehlo_opts(struct dsngb_policy *p, struct dsngb_session *s,
                              int esmtp, const char *buf, size_t len,
                              int lenient, size_t max_line, size_t max_lines,
                              struct dsng_error *err)
{
	struct dsng_decision d = DSNG_DECISION_INIT;
	struct dsng_reply_opts o;
	struct dsng_ehlo *caps = NULL;
	TALLOC_CTX *mem;
	void *res = NULL;

	(void)esmtp; /* a reply to parse is an EHLO reply: ESMTP */
	if (!p || !s)
		return dsngb_misuse(err, "expected a policy and a session");
	if (!(mem = talloc_new(NULL)))
		return dsngb_nomem(err);
	reply_opts(&o, lenient, max_line, max_lines);
	len = dsngb_trim_blank_tail(buf, len);
	if (dsng_ehlo_parse(mem, &caps, buf, len, &o, err) == DSNG_OK &&
	    dsng_policy_ehlo_reply(mem, &d, dsngb_policy_get(p),
	                           dsngb_session_get(s), caps,
	                           err) == DSNG_OK) {
		res = dsngb_native.map_new();
		dsngb_decision_fill(&dsngb_native, res, &d, 0, 0);
		res = dsngb_finish(res, err);
	}
	talloc_free(mem);
	return res;
}

dsngb_result policy_cmd_opts(struct dsngb_policy *p, struct dsngb_session *s,
                             const char *buf, size_t len, int rcpt, int strict,
                             size_t max_line, int utf8, struct dsng_error *err)
{
	struct dsng_decision d = DSNG_DECISION_INIT;
	struct dsng_cmd_opts o;
	struct dsng_cmd *c;
	TALLOC_CTX *mem;
	enum dsng_verb verb = rcpt ? DSNG_VERB_RCPT : DSNG_VERB_MAIL;
	void *res = NULL;
	int rc;

	if (!p || !s)
		return dsngb_misuse(err, "expected a policy and a session");
	if (!(c = malloc(sizeof(*c))))
		return dsngb_nomem(err);
	if (!(mem = talloc_new(NULL))) {
		free(c);
		return dsngb_nomem(err);
	}
	dsng_cmd_init(c, DSNG_CMD_VERSION);
	cmd_opts(&o, strict, max_line, utf8);
	rc = dsng_cmd_parse(c, buf, len, &o, err);
	if (rc == DSNG_ESYNTAX || rc == DSNG_ELIMIT) {
		/* the refusal to send, as dsng_policy_line gives it (the
		 * session is left alone) */
		struct dsng_error e2 = DSNG_ERROR_INIT;

		dsng_error_clear(err);
		dsng_policy_line(NULL, &d, NULL, dsngb_policy_get(p),
		                 dsngb_session_get(s), buf, len, &o, &e2);
		res = dsngb_native.map_new();
		dsngb_decision_fill(&dsngb_native, res, &d, 0, 0);
		res = dsngb_finish(res, err);
	} else if (rc != DSNG_OK) {
		/* raised from err */
	} else if (c->verb != verb) {
		dsngb_misuse(err, rcpt ? "rcpt() takes a RCPT TO command"
		                       : "mail() takes a MAIL FROM command");
	} else {
		rc = rcpt ? dsng_policy_rcpt(&d, dsngb_policy_get(p),
		                             dsngb_session_get(s), c, err)
		          : dsng_policy_mail(&d, dsngb_policy_get(p),
		                             dsngb_session_get(s), c, err);
		if (rc == DSNG_OK && d.changes &&
		    !(d.rewritten = dsng_cmd_format(mem, c))) {
			dsngb_nomem(err);
		} else if (rc == DSNG_OK) {
			res = dsngb_native.map_new();
			dsngb_decision_fill(&dsngb_native, res, &d,
			                    rcpt ? d.notify_requested : 0, 0);
			res = dsngb_finish(res, err);
		}
	}
	talloc_free(mem);
	free(c);
	return res;
}
