/*
 * bindings/api.c - the functions scripts call (api.h): parse with the
 * library, then build the language's values with the shared walks.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api.h"
#include "api_util.h"

const char *version(void)
{
	return dsng_version();
}

/* The command struct (3 KB): a malloc per call was over half of a Perl
 * parse_cmd, and dsng_cmd_init copies a 3 KB template, so each thread
 * keeps one, initialised once (a parse overwrites it).  A call that
 * re-enters on the same thread while it is in use (a finalizer run by an
 * allocation of the builder) gets the caller's stack copy instead. */
static _Thread_local struct {
	struct dsng_cmd c;
	int ready, busy;
} tl_cmd;

static struct dsng_cmd *cmd_acquire(struct dsng_cmd *stack)
{
	if (tl_cmd.busy) {
		dsng_cmd_init(stack, DSNG_CMD_VERSION);
		return stack;
	}
	if (!tl_cmd.ready) {
		dsng_cmd_init(&tl_cmd.c, DSNG_CMD_VERSION);
		tl_cmd.ready = 1;
	}
	tl_cmd.busy = 1;
	return &tl_cmd.c;
}

static void cmd_release(struct dsng_cmd *c)
{
	if (c == &tl_cmd.c)
		tl_cmd.busy = 0;
}

void *dsngb_parse_cmd_with(const struct dsngb_builder *b, const char *buf,
                           size_t len, int strict, size_t max_line, int utf8,
                           struct dsng_error *err)
{
	return dsngb_parse_cmd_into(b, NULL, buf, len, strict, max_line, utf8,
	                            err);
}

void *dsngb_cmd_build(const struct dsngb_builder *b,
                      void *(*new_map)(const struct dsng_cmd *c),
                      const struct dsng_cmd *c, struct dsng_error *err)
{
	char small[1024], *canonical = small;
	size_t need;
	void *res;

	need = dsng_cmd_format_buf(small, sizeof(small), c);
	if (need >= sizeof(small)) {
		if (!(canonical = malloc(need + 1)))
			return dsngb_nomem(err);
		dsng_cmd_format_buf(canonical, need + 1, c);
	}
	res = new_map ? new_map(c) : dsngb_map_new(b, 16); /* MAIL: 16 keys */
	dsngb_cmd_fill(b, res, c, canonical);
	if (canonical != small)
		free(canonical);
	return dsngb_finish(res, err);
}

void *dsngb_parse_cmd_into(const struct dsngb_builder *b,
                           void *(*new_map)(const struct dsng_cmd *c),
                           const char *buf, size_t len, int strict,
                           size_t max_line, int utf8, struct dsng_error *err)
{
	struct dsng_cmd stack, *c;
	struct dsng_cmd_opts opts;
	void *res = NULL;

	dsng_cmd_opts_init(&opts, DSNG_CMD_OPTS_VERSION);
	if (strict)
		opts.flags |= DSNG_CMD_STRICT;
	if (utf8)
		opts.flags |= DSNG_CMD_UTF8;
	if (max_line)
		opts.max_line = max_line;
	c = cmd_acquire(&stack);
	if (dsng_cmd_parse(c, buf, len, &opts, err) == DSNG_OK)
		res = dsngb_cmd_build(b, new_map, c, err);
	cmd_release(c);
	return res;
}

dsngb_result parse_cmd(const char *buf, size_t len, int strict, size_t max_line,
                       int utf8, struct dsng_error *err)
{
	return dsngb_parse_cmd_with(&dsngb_native, buf, len, strict, max_line,
	                            utf8, err);
}

/* The report parser's limits by name, 0 = the default, into lim and mime
 * (lim->mime = mime): parse_report and policy_bounce_limits (api_more.c). */
void dsngb_report_limits(struct dsng_report_limits *lim,
                         struct dsng_mime_limits *mime, unsigned max_recipients,
                         unsigned max_depth, unsigned max_parts,
                         unsigned max_fields, size_t max_field_len,
                         size_t max_header_len, size_t max_boundary_len,
                         size_t max_size, size_t max_decoded)
{
	dsng_report_limits_init(lim, DSNG_REPORT_LIMITS_VERSION);
	dsng_mime_limits_init(mime, DSNG_MIME_LIMITS_VERSION);
#define SETLIM(st, f)                                                          \
	if (f)                                                                 \
		st->f = f;
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
	lim->mime = mime;
}

dsngb_result parse_report(const char *buf, size_t len, unsigned max_recipients,
                          unsigned max_depth, unsigned max_parts,
                          unsigned max_fields, size_t max_field_len,
                          size_t max_header_len, size_t max_boundary_len,
                          size_t max_size, size_t max_decoded,
                          struct dsng_error *err)
{
	struct dsng_report *r = NULL;
	struct dsng_report_limits lim;
	struct dsng_mime_limits mime;
	void *res, *gil;
	int rc;

	dsngb_report_limits(&lim, &mime, max_recipients, max_depth, max_parts,
	                    max_fields, max_field_len, max_header_len,
	                    max_boundary_len, max_size, max_decoded);
	/* megabytes of mail: let other threads run meanwhile */
	gil = dsngb_native_unlock();
	rc = dsng_report_parse(NULL, &r, buf, len, &lim, err);
	dsngb_native_relock(gil);
	if (rc != DSNG_OK)
		return NULL;
	res = dsngb_map_new(&dsngb_native, 10);
	dsngb_report_fill(&dsngb_native, res, r);
	talloc_free(r);
	return dsngb_finish(res, err);
}

dsngb_result parse_ehlo(const char *buf, size_t len, struct dsng_error *err)
{
	struct dsng_ehlo *c = NULL;
	void *res;

	len = dsngb_trim_blank_tail(buf, len);
	if (dsng_ehlo_parse(NULL, &c, buf, len, NULL, err) != DSNG_OK)
		return NULL;
	res = dsngb_native.map_new();
	dsngb_ehlo_fill(&dsngb_native, res, c);
	talloc_free(c);
	return dsngb_finish(res, err);
}

dsngb_result xtext_encode(const char *buf, size_t len, struct dsng_error *err)
{
	size_t need = dsng_xtext_encode_buf(NULL, 0, buf, len);
	char *out = malloc(need + 1);
	void *res;

	if (!out)
		return dsngb_nomem(err);
	dsng_xtext_encode_buf(out, need + 1, buf, len);
	res = dsngb_native.str(out, need);
	free(out);
	return dsngb_finish(res, err);
}

dsngb_result xtext_decode(const char *buf, size_t len, int xbytes, int lenient,
                          struct dsng_error *err)
{
	/* a decoded value is never longer than its encoded form */
	char *out = malloc(len + 1);
	size_t n = 0;
	void *res = NULL;

	if (!out)
		return dsngb_nomem(err);
	if (dsng_xtext_decode(out, len + 1, &n, buf, len,
	                      lenient ? DSNG_XTEXT_LOWER_HEX : 0, NULL,
	                      err) == DSNG_OK)
		res = dsngb_finish(xbytes ? dsngb_native_bytes(out, n)
		                          : dsngb_native.str(out, n),
		                   err);
	free(out);
	return res;
}

dsngb_result parse_reply(const char *buf, size_t len, int lenient,
                         size_t max_line, size_t max_lines,
                         struct dsng_error *err)
{
	struct dsng_reply_opts opts;
	struct dsng_reply *r = NULL;
	TALLOC_CTX *mem = talloc_new(NULL);
	char *text;
	void *res = NULL;

	if (!mem)
		return dsngb_nomem(err);
	dsngb_reply_opts(&opts, lenient, max_line, max_lines);
	if (dsng_reply_parse(mem, &r, buf, len, &opts, err) == DSNG_OK) {
		if (!(text = dsng_reply_text(mem, r, true))) {
			dsngb_nomem(err);
		} else {
			res = dsngb_native.map_new();
			dsngb_reply_fill(&dsngb_native, res, r, text);
			res = dsngb_finish(res, err);
		}
	}
	talloc_free(mem);
	return res;
}

dsngb_result status_describe(const char *buf, size_t len,
                             struct dsng_error *err)
{
	struct dsng_status_code c;
	void *res;

	if (dsng_status_parse(&c, buf, len, err) != DSNG_OK)
		return NULL;
	res = dsngb_native.map_new();
	dsngb_status_fill(&dsngb_native, res, &c);
	return dsngb_finish(res, err);
}

/* hide_ehlo, and hide_ehlo_opts of api_more.c with its reply options o
 * (NULL: the defaults): keywords are comma or blank separated. */
void *dsngb_hide_ehlo_with(const char *buf, size_t len, int xbytes,
                           const char *keywords,
                           const struct dsng_reply_opts *o,
                           struct dsng_error *err)
{
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
	for (tok = strtok_r(copy, ", \t", &save); tok;
	     tok = strtok_r(NULL, ", \t", &save))
		kw[n++] = tok;
	kw[n] = NULL;
	len = dsngb_trim_blank_tail(buf, len);
	if (dsng_ehlo_hide(mem, &out, &out_len, buf, len, 0, kw, o, err) ==
	    DSNG_OK)
		res = dsngb_finish(xbytes ? dsngb_native_bytes(out, out_len)
		                          : dsngb_native.str(out, out_len),
		                   err);
	talloc_free(mem);
	return res;
}

dsngb_result hide_ehlo(const char *buf, size_t len, int xbytes,
                       const char *keywords, struct dsng_error *err)
{
	return dsngb_hide_ehlo_with(buf, len, xbytes, keywords, NULL, err);
}

/* Options with the keys parsed from newline-separated key texts (on
 * mem). */
static int batv_setup(TALLOC_CTX *mem, struct dsng_batv_opts *o,
                      const char *keys, unsigned days, unsigned flags,
                      struct dsng_error *err)
{
	struct dsng_batv_key *k;
	size_t n = 1, i = 0;
	const char *p, *nl;

	dsng_batv_opts_init(o, DSNG_BATV_OPTS_VERSION);
	if (days)
		o->days = days;
	o->flags = flags;
	if (!keys || !*keys)
		return DSNG_OK;
	for (p = keys; (p = strchr(p, '\n')); p++)
		n++;
	if (!(k = talloc_array(mem, struct dsng_batv_key, n))) {
		dsngb_nomem(err);
		return DSNG_ENOMEM;
	}
	for (p = keys; *p; p = nl ? nl + 1 : p + strlen(p)) {
		size_t len;
		int rc;

		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		if (!len)
			continue;
		rc = dsng_batv_key_parse(mem, &k[i], p, len, 0, err);
		if (rc != DSNG_OK)
			return rc;
		i++;
		if (!nl)
			break;
	}
	o->keys = k;
	o->n_keys = i;
	return DSNG_OK;
}

dsngb_result batv_sign(const char *buf, size_t len, const char *keys,
                       unsigned sign_key, unsigned days, long long now,
                       unsigned flags, struct dsng_error *err)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct dsng_batv_opts o;
	char *out = NULL;
	void *res = NULL;

	if (!mem)
		return dsngb_nomem(err);
	if (batv_setup(mem, &o, keys, days, flags, err) == DSNG_OK) {
		o.sign_key = sign_key;
		if (dsng_batv_sign(mem, &out, buf, len,
		                   now < 0 ? time(NULL) : (time_t)now, &o,
		                   err) == DSNG_OK)
			res = dsngb_finish(dsngb_cstr(&dsngb_native, out), err);
	}
	talloc_free(mem);
	return res;
}

dsngb_result batv_verify(const char *buf, size_t len, const char *keys,
                         unsigned days, long long now, unsigned flags,
                         struct dsng_error *err)
{
	const struct dsngb_builder *b = &dsngb_native;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct dsng_batv_opts o;
	struct dsng_batv_verdict v = DSNG_BATV_VERDICT_INIT;
	void *m = NULL;
	int rc, tagged;

	if (!mem)
		return dsngb_nomem(err);
	if (batv_setup(mem, &o, keys, days, flags, err) != DSNG_OK)
		goto out;
	rc = dsng_batv_verify(&v, buf, len, now < 0 ? time(NULL) : (time_t)now,
	                      &o, err);
	if (rc != DSNG_OK && rc != DSNG_EVERIFY)
		goto out; /* raised from err */
	dsng_error_clear(err);
	tagged = v.result != DSNG_BATV_NOT_TAGGED &&
	         v.result != DSNG_BATV_MALFORMED;
	m = b->map_new();
	b->map_set(m, "ok", b->boolean(rc == DSNG_OK));
	b->map_set(m, "result", dsngb_cstr(b, dsng_batv_result_name(v.result)));
	b->map_set(m, "address", b->str(buf, len));
	if (tagged) {
		char *orig = NULL;

		if (dsng_batv_strip(mem, &orig, buf, len, NULL) != DSNG_OK) {
			dsngb_native_free(m);
			m = dsngb_nomem(err);
			goto out;
		}
		b->map_set(m, "original", dsngb_cstr(b, orig));
		b->map_set(m, "key_number", b->integer(v.tag.key_number));
		b->map_set(m, "day", b->integer(v.tag.day));
		b->map_set(m, "legacy_order", b->boolean(v.tag.legacy_order));
	} else {
		b->map_set(m, "original", b->none());
		b->map_set(m, "key_number", b->none());
		b->map_set(m, "day", b->none());
		b->map_set(m, "legacy_order", b->none());
	}
	b->map_set(m, "days_left",
	           v.result == DSNG_BATV_VALID || v.result == DSNG_BATV_EXPIRED
	                   ? b->integer(v.days_left)
	                   : b->none());
	m = dsngb_finish(m, err);
out:
	talloc_free(mem);
	return m;
}

/* ---- policy and sessions ---- */

struct dsngb_policy {
	struct dsng_policy *p; /* a talloc root */
};

struct dsngb_session {
	struct dsng_policy_session s; /* its strings are talloc children */
};

void dsngb_policy_free(struct dsngb_policy *p)
{
	if (p) {
		talloc_free(p->p);
		free(p);
	}
}

void dsngb_session_free(struct dsngb_session *s)
{
	talloc_free(s);
}

/* pol is read after the loader's call (rc) has filled it: callers pass
 * its address, never its value, as argument order is unspecified. */
static struct dsngb_policy *wrap_policy(int rc, struct dsng_policy **polp,
                                        struct dsng_error *err)
{
	struct dsng_policy *pol = *polp;
	struct dsngb_policy *p;

	if (rc != DSNG_OK)
		return NULL;
	if (!(p = malloc(sizeof(*p)))) {
		talloc_free(pol);
		return dsngb_nomem(err);
	}
	p->p = pol;
	return p;
}

struct dsngb_policy *policy_preset(const char *name, struct dsng_error *err)
{
	struct dsng_policy *pol = NULL;

	if (!name)
		return dsngb_misuse(err, "a preset name is required");
	return wrap_policy(dsng_policy_preset(NULL, &pol, name, err), &pol,
	                   err);
}

struct dsngb_policy *policy_from_file(const char *path, struct dsng_error *err)
{
	struct dsng_policy *pol = NULL;

	void *gil;
	int rc;

	if (!path)
		return dsngb_misuse(err, "a file name is required");
	gil = dsngb_native_unlock(); /* file I/O */
	rc = dsng_policy_load(NULL, &pol, path, NULL, err);
	dsngb_native_relock(gil);
	return wrap_policy(rc, &pol, err);
}

struct dsngb_policy *policy_from_string(const char *buf, size_t len,
                                        const char *name,
                                        struct dsng_error *err)
{
	struct dsng_policy *pol = NULL;

	return wrap_policy(dsng_policy_parse(NULL, &pol, buf, len,
	                                     name ? name : "<string>", NULL,
	                                     err),
	                   &pol, err);
}

dsngb_result policy_name(struct dsngb_policy *p, struct dsng_error *err)
{
	if (!p)
		return dsngb_misuse(err, "not a policy");
	return dsngb_finish(dsngb_cstr(&dsngb_native, dsng_policy_name(p->p)),
	                    err);
}

dsngb_result policy_warnings(struct dsngb_policy *p, struct dsng_error *err)
{
	void *list;
	size_t i, n;

	if (!p)
		return dsngb_misuse(err, "not a policy");
	list = dsngb_native.list_new();
	n = dsng_policy_warning_count(p->p);
	for (i = 0; i < n; i++)
		dsngb_native.list_push(
		        list,
		        dsngb_cstr(&dsngb_native,
		                   dsng_policy_warning_get(p->p, i)->message));
	return dsngb_finish(list, err);
}

struct dsngb_session *session_new(const char *addr, const char *client_name,
                                  const char *helo, const char *auth_user,
                                  int tls, unsigned port, const char *service,
                                  int trusted, struct dsng_error *err)
{
	struct dsngb_session *s;
	enum dsng_policy_service svc = DSNG_POLICY_SERVICE_UNKNOWN;

	if (!service)
		svc = DSNG_POLICY_SERVICE_UNKNOWN;
	else if (!strcmp(service, "smtp"))
		svc = DSNG_POLICY_SERVICE_SMTP;
	else if (!strcmp(service, "submission"))
		svc = DSNG_POLICY_SERVICE_SUBMISSION;
	else if (!strcmp(service, "local"))
		svc = DSNG_POLICY_SERVICE_LOCAL;
	else
		return dsngb_misuse(err,
		                    "service must be \"smtp\", \"submission\", "
		                    "\"local\" or None");
	if (trusted < -1 || trusted > 1)
		return dsngb_misuse(err, "trusted must be None, True or False");
	if (port > 65535)
		return dsngb_misuse(err, "port must be 0..65535");
	if (!(s = talloc_zero(NULL, struct dsngb_session)))
		return dsngb_nomem(err);
	dsng_policy_session_init(&s->s, DSNG_POLICY_SESSION_VERSION);
	if (addr && dsng_policy_session_set_addr(&s->s, addr, strlen(addr),
	                                         err) != DSNG_OK) {
		talloc_free(s);
		return NULL;
	}
	if ((client_name &&
	     !(s->s.client_name = talloc_strdup(s, client_name))) ||
	    (helo && !(s->s.helo_name = talloc_strdup(s, helo))) ||
	    (auth_user && !(s->s.auth_user = talloc_strdup(s, auth_user)))) {
		talloc_free(s);
		return dsngb_nomem(err);
	}
	s->s.tls = tls != 0;
	s->s.port = port;
	s->s.service = svc;
	s->s.trusted = trusted;
	return s;
}

/* Replace one borrowed string fact of the session with a copy of text
 * (NULL clears it); the old copy is freed only once the new one exists. */
static bool session_set_string(struct dsngb_session *s, const char **fact,
                               const char *text)
{
	char *copy = NULL;

	if (text && !(copy = talloc_strdup(s, text)))
		return false;
	/* the fact is const for the library; this copy is ours */
	talloc_free((void *)(uintptr_t)*fact);
	*fact = copy;
	return true;
}

int session_update(struct dsngb_session *s, unsigned which, const char *helo,
                   const char *auth_user, int tls, struct dsng_error *err)
{
	if (!s) {
		dsngb_misuse(err, "not a session");
		return 0;
	}
	if (((which & SESSION_SET_HELO) &&
	     !session_set_string(s, &s->s.helo_name, helo)) ||
	    ((which & SESSION_SET_AUTH_USER) &&
	     !session_set_string(s, &s->s.auth_user, auth_user))) {
		dsngb_nomem(err);
		return 0;
	}
	if (which & SESSION_SET_TLS)
		s->s.tls = tls != 0;
	return 1;
}

void session_reset(struct dsngb_session *s)
{
	if (s)
		dsng_policy_session_reset(&s->s);
}

dsngb_result session_state(struct dsngb_session *s, struct dsng_error *err)
{
	const struct dsngb_builder *b = &dsngb_native;
	void *m;

	if (!s)
		return dsngb_misuse(err, "not a session");
	m = b->map_new();
	b->map_set(m, "dsn_offered",
	           s->s.dsn_offered < 0 ? b->none()
	                                : b->boolean(s->s.dsn_offered));
	b->map_set(m, "esmtp", b->boolean(s->s.esmtp));
	b->map_set(m, "null_sender", b->boolean(s->s.null_sender));
	b->map_set(m, "n_recipients", b->uinteger(s->s.n_recipients));
	return dsngb_finish(m, err);
}

/* The decision as a native map (or what b makes of a map: the Python
 * fast path builds its Decision object directly). */
static void *decision_with(const struct dsngb_builder *b,
                           const struct dsng_decision *d, unsigned notify,
                           int bounce, struct dsng_error *err)
{
	void *m = b->map_new();

	dsngb_decision_fill(b, m, d, notify, bounce);
	return dsngb_finish(m, err);
}

static void *decision(const struct dsng_decision *d, unsigned notify,
                      int bounce, struct dsng_error *err)
{
	return decision_with(&dsngb_native, d, notify, bounce, err);
}

#define CHECK_PS(p, s)                                                         \
	do {                                                                   \
		if (!(p))                                                      \
			return dsngb_misuse(err, "not a policy");              \
		if (!(s))                                                      \
			return dsngb_misuse(err, "not a session");             \
	} while (0)

dsngb_result policy_ehlo(struct dsngb_policy *p, struct dsngb_session *s,
                         int esmtp, const char *buf, size_t len, int has_reply,
                         struct dsng_error *err)
{
	struct dsng_decision d = DSNG_DECISION_INIT;
	struct dsng_ehlo *caps = NULL;
	TALLOC_CTX *mem;
	void *res = NULL;

	CHECK_PS(p, s);
	if (!has_reply) {
		if (dsng_policy_ehlo(&d, p->p, &s->s, esmtp != 0, err) !=
		    DSNG_OK)
			return NULL;
		return decision(&d, 0, 0, err);
	}
	if (!(mem = talloc_new(NULL)))
		return dsngb_nomem(err);
	len = dsngb_trim_blank_tail(buf, len);
	if (dsng_ehlo_parse(mem, &caps, buf, len, NULL, err) == DSNG_OK &&
	    dsng_policy_ehlo_reply(mem, &d, p->p, &s->s, caps, err) == DSNG_OK)
		res = decision(&d, 0, 0, err);
	talloc_free(mem);
	return res;
}

struct with_builder {
	const struct dsngb_builder *b;
	struct dsng_error *err;
};

static void *make_with_builder(const struct dsng_decision *d, unsigned notify,
                               void *arg)
{
	const struct with_builder *w = arg;

	return decision_with(w->b, d, notify, 0, w->err);
}

void *dsngb_policy_cmd_with(const struct dsngb_builder *b,
                            struct dsngb_policy *p, struct dsngb_session *s,
                            const char *buf, size_t len, enum dsng_verb verb,
                            struct dsng_error *err)
{
	struct with_builder w = {b, err};

	return dsngb_policy_cmd_make(make_with_builder, &w, p, s, buf, len,
	                             verb, err);
}

/* MAIL or RCPT under the policy.  The command is parsed on the stack and
 * a talloc context is made only for a rewritten line: per-call
 * allocations were most of the cost of a decision. */
void *dsngb_policy_cmd_make(void *(*make)(const struct dsng_decision *d,
                                          unsigned notify, void *arg),
                            void *arg, struct dsngb_policy *p,
                            struct dsngb_session *s, const char *buf,
                            size_t len, enum dsng_verb verb,
                            struct dsng_error *err)
{
	struct dsng_decision d = DSNG_DECISION_INIT;
	struct dsng_cmd stack, *c;
	TALLOC_CTX *mem = NULL;
	void *res = NULL;
	int rc;

	CHECK_PS(p, s);
	c = cmd_acquire(&stack);
	rc = dsng_cmd_parse(c, buf, len, NULL, err);
	if (rc == DSNG_ESYNTAX || rc == DSNG_ELIMIT) {
		/* the refusal to send, as dsng_policy_line gives it (the
		 * session is left alone) */
		struct dsng_error e2 = DSNG_ERROR_INIT;

		dsng_error_clear(err);
		dsng_policy_line(NULL, &d, NULL, p->p, &s->s, buf, len, NULL,
		                 &e2);
		res = make(&d, 0, arg);
	} else if (rc != DSNG_OK) {
		/* raised from err */
	} else if (c->verb != verb) {
		dsngb_misuse(err, verb == DSNG_VERB_MAIL
		                          ? "mail() takes a MAIL FROM "
		                            "command"
		                          : "rcpt() takes a RCPT TO "
		                            "command");
	} else {
		rc = verb == DSNG_VERB_MAIL
		             ? dsng_policy_mail(&d, p->p, &s->s, c, err)
		             : dsng_policy_rcpt(&d, p->p, &s->s, c, err);
		if (rc == DSNG_OK && d.changes &&
		    (!(mem = talloc_new(NULL)) ||
		     !(d.rewritten = dsng_cmd_format(mem, c))))
			dsngb_nomem(err);
		else if (rc == DSNG_OK)
			res = make(&d,
			           verb == DSNG_VERB_RCPT ? d.notify_requested
			                                  : 0,
			           arg);
	}
	talloc_free(mem);
	cmd_release(c);
	return res;
}

dsngb_result policy_mail(struct dsngb_policy *p, struct dsngb_session *s,
                         const char *buf, size_t len, struct dsng_error *err)
{
	return dsngb_policy_cmd_with(&dsngb_native, p, s, buf, len,
	                             DSNG_VERB_MAIL, err);
}

dsngb_result policy_rcpt(struct dsngb_policy *p, struct dsngb_session *s,
                         const char *buf, size_t len, struct dsng_error *err)
{
	return dsngb_policy_cmd_with(&dsngb_native, p, s, buf, len,
	                             DSNG_VERB_RCPT, err);
}

dsngb_result policy_header(struct dsngb_policy *p, struct dsngb_session *s,
                           const char *name, size_t name_len, const char *value,
                           size_t value_len, struct dsng_error *err)
{
	struct dsng_decision d = DSNG_DECISION_INIT;

	CHECK_PS(p, s);
	if (dsng_policy_header(&d, p->p, &s->s, name, name_len, value,
	                       value_len, err) != DSNG_OK)
		return NULL;
	return decision(&d, 0, 0, err);
}

/* NOTIFY keywords, comma-separated, any case; -1 for an unknown word. */
static long notify_bits(const char *t)
{
	static const struct {
		const char *w;
		unsigned bit;
	} words[] = {{"NEVER", DSNG_NOTIFY_NEVER},
	             {"SUCCESS", DSNG_NOTIFY_SUCCESS},
	             {"FAILURE", DSNG_NOTIFY_FAILURE},
	             {"DELAY", DSNG_NOTIFY_DELAY}};
	unsigned bits = 0;
	size_t i, n;

	while (*t) {
		n = strcspn(t, ",");
		for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			if (n == strlen(words[i].w) &&
			    !strncasecmp(t, words[i].w, n))
				break;
		if (i == sizeof(words) / sizeof(words[0]))
			return -1;
		bits |= words[i].bit;
		t += n;
		if (*t == ',')
			t++;
	}
	return (long)bits;
}

dsngb_result policy_generate(struct dsngb_policy *p, struct dsngb_session *s,
                             const char *action, int null_sender,
                             const char *notify, struct dsng_error *err)
{
	struct dsng_decision d = DSNG_DECISION_INIT;
	int k;
	long bits;

	CHECK_PS(p, s);
	if (!action)
		return dsngb_misuse(err, "an action is required");
	for (k = DSNG_DSN_OTHER + 1; k < DSNG_DSN__COUNT; k++)
		if (!strcasecmp(action, dsng_dsn_action_name(k)))
			break;
	if (k == DSNG_DSN__COUNT)
		return dsngb_misuse(
		        err, "action must be delivered, failed, delayed, "
		             "relayed or expanded");
	if ((bits = notify_bits(notify ? notify : "")) < 0)
		return dsngb_misuse(err,
		                    "notify must be NOTIFY keywords (NEVER, "
		                    "SUCCESS, FAILURE, DELAY)");
	if (dsng_policy_generate(&d, p->p, &s->s, (enum dsng_dsn_kind)k,
	                         null_sender != 0, (unsigned)bits,
	                         err) != DSNG_OK)
		return NULL;
	return decision(&d, (unsigned)bits, 0, err);
}

dsngb_result policy_bounce(struct dsngb_policy *p, struct dsngb_session *s,
                           const char *buf, size_t len, int has_report,
                           const char *rcpt, size_t rcpt_len, int null_sender,
                           long long now, struct dsng_error *err)
{
	struct dsng_decision d = DSNG_DECISION_INIT;
	struct dsng_policy_bounce_info b = DSNG_POLICY_BOUNCE_INFO_INIT;
	struct dsng_report *r = NULL;
	TALLOC_CTX *mem;
	void *res = NULL;

	CHECK_PS(p, s);
	if (!(mem = talloc_new(NULL)))
		return dsngb_nomem(err);
	if (has_report &&
	    (dsng_report_parse(mem, &r, buf, len, NULL, err) != DSNG_OK ||
	     dsng_policy_bounce_info_from_report(mem, &b, r, err) != DSNG_OK))
		goto out;
	b.null_sender = null_sender != 0;
	if (rcpt && rcpt_len) {
		b.rcpt.ptr = rcpt;
		b.rcpt.len = rcpt_len;
	}
	b.now = (time_t)now;
	if (dsng_policy_bounce(&d, p->p, &s->s, &b, err) == DSNG_OK)
		res = decision(&d, 0, 1, err);
out:
	talloc_free(mem);
	return res;
}

/* For api_more.c and its kin: the library's objects behind the handles. */
const struct dsng_policy *dsngb_policy_get(const struct dsngb_policy *p)
{
	return p ? p->p : NULL;
}

struct dsng_policy_session *dsngb_session_get(struct dsngb_session *s)
{
	return s ? &s->s : NULL;
}

/* A loaded policy under a new handle (api_more.c); pol is freed on
 * failure. */
struct dsngb_policy *dsngb_policy_wrap(struct dsng_policy *pol,
                                       struct dsng_error *err)
{
	return wrap_policy(DSNG_OK, &pol, err);
}
