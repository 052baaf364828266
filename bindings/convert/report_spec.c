/*
 * bindings/convert/report_spec.c - a make-report SPEC (DESIGN.md section
 * 5) from any language's values into struct dsng_report_build_spec, the
 * recipients and the client's session, written once for the CLI and the
 * bindings.  Every key is checked: a misspelt key is an error, not a
 * silently missing field.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "read.h"

struct rd {
	const struct dsngb_reader *r;
	TALLOC_CTX *mem;
	char *err;
	size_t errsize;
	char path[96]; /* the key being read, for messages */
};

static int fail(struct rd *c, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 2, 3)))
#endif
        ;

static int fail(struct rd *c, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errsize, "%s: %s", c->path, msg);
	return -1;
}

static void at(struct rd *c, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 2, 3)))
#endif
        ;

static void at(struct rd *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->path, sizeof(c->path), fmt, ap);
	va_end(ap);
}

static bool is_null(struct rd *c, void *v)
{
	return !v || c->r->kind(v) == DSNGB_NULL;
}

/* A string value (or NULL for null/absent when nullable) on mem. */
static int str(struct rd *c, void *v, bool nullable, const char **out)
{
	const char *p;
	size_t n;

	*out = NULL;
	if (is_null(c, v))
		return nullable ? 0 : fail(c, "required");
	if (c->r->kind(v) != DSNGB_STR)
		return fail(c, "not a string");
	p = c->r->str(v, &n);
	if (!p)
		return fail(c, "not a readable string");
	if (memchr(p, 0, n))
		return fail(c, "contains a NUL");
	*out = talloc_strndup(c->mem, p, n);
	return *out ? 0 : fail(c, "out of memory");
}

/* A date: RFC 5322 text or Unix seconds. */
static int date(struct rd *c, void *v, bool *has, int64_t *out)
{
	const char *s;

	*has = false;
	if (is_null(c, v))
		return 0;
	if (c->r->kind(v) == DSNGB_INT) {
		*out = (int64_t)c->r->integer(v);
		*has = true;
		return 0;
	}
	if (str(c, v, false, &s))
		return -1;
	if (dsng_report_date_parse(out, s, strlen(s), NULL) != DSNG_OK)
		return fail(c, "not an RFC 5322 date nor Unix seconds");
	*has = true;
	return 0;
}

struct keys {
	struct rd *c;
	const char *const *allowed;
	const char *bad;
};

static int key_ok(void *arg, const char *key)
{
	struct keys *k = arg;
	size_t i;

	for (i = 0; k->allowed[i]; i++)
		if (!strcmp(key, k->allowed[i]))
			return 0;
	k->bad = key;
	return 1;
}

/* v is a map whose keys are all in allowed. */
static int map(struct rd *c, void *v, const char *const *allowed)
{
	struct keys k = {c, allowed, NULL};

	if (is_null(c, v) || c->r->kind(v) != DSNGB_MAP)
		return fail(c, "not an object");
	if (c->r->map_each(v, key_ok, &k))
		return fail(c, "unknown key \"%.40s\"", k.bad ? k.bad : "?");
	return 0;
}

static void *get(struct rd *c, void *m, const char *key)
{
	return c->r->map_get(m, key);
}

static int notify(struct rd *c, void *v, unsigned *out)
{
	static const struct {
		const char *word;
		unsigned bit;
	} words[] = {{"NEVER", DSNG_NOTIFY_NEVER},
	             {"SUCCESS", DSNG_NOTIFY_SUCCESS},
	             {"FAILURE", DSNG_NOTIFY_FAILURE},
	             {"DELAY", DSNG_NOTIFY_DELAY}};
	size_t i, n, w;

	*out = 0;
	if (is_null(c, v))
		return 0;
	if (c->r->kind(v) != DSNGB_LIST)
		return fail(c, "not a list of NOTIFY keywords");
	n = c->r->list_len(v);
	if (!n)
		return fail(c,
		            "an empty list (null means NOTIFY was not given)");
	for (i = 0; i < n; i++) {
		void *e = c->r->list_get(v, i);
		const char *p;
		size_t len;

		if (!e || c->r->kind(e) != DSNGB_STR ||
		    !(p = c->r->str(e, &len)))
			return fail(c, "item %zu is not a string", i);
		for (w = 0; w < sizeof(words) / sizeof(words[0]); w++)
			if (len == strlen(words[w].word) &&
			    !strncasecmp(p, words[w].word, len))
				break;
		if (w == sizeof(words) / sizeof(words[0]))
			return fail(c,
			            "item %zu is not SUCCESS, FAILURE, "
			            "DELAY or NEVER",
			            i);
		*out |= words[w].bit;
	}
	if ((*out & DSNG_NOTIFY_NEVER) && *out != DSNG_NOTIFY_NEVER)
		return fail(c, "NEVER must stand alone");
	return 0;
}

/* {type, <vkey>} or a plain string (then of type dflt). */
static int typed(struct rd *c, void *v, const char *vkey, const char *dflt,
                 const char **type, const char **value)
{
	const char *allowed[] = {"type", vkey, NULL};
	char base[96];

	*type = *value = NULL;
	if (is_null(c, v))
		return 0;
	if (c->r->kind(v) == DSNGB_STR) {
		*type = dflt;
		return str(c, v, false, value);
	}
	if (map(c, v, allowed))
		return -1;
	snprintf(base, sizeof(base), "%s", c->path);
	at(c, "%s.type", base);
	if (str(c, get(c, v, "type"), true, type))
		return -1;
	at(c, "%s.%s", base, vkey);
	return str(c, get(c, v, vkey), false, value);
}

static int action(struct rd *c, void *v, enum dsng_dsn_kind *out)
{
	const char *s;
	int k;

	if (str(c, v, false, &s))
		return -1;
	for (k = DSNG_DSN_SUCCESS; k < DSNG_DSN__COUNT; k++)
		if (!strcasecmp(s,
		                dsng_dsn_action_name((enum dsng_dsn_kind)k))) {
			*out = (enum dsng_dsn_kind)k;
			return 0;
		}
	return fail(c, "not failed, delayed, delivered, relayed or expanded");
}

static int rcpt(struct rd *c, void *v, size_t i,
                struct dsng_report_build_rcpt *r)
{
	static const char *const allowed[] = {"addr",
	                                      "orcpt",
	                                      "notify",
	                                      "action",
	                                      "status",
	                                      "remote_mta",
	                                      "diagnostic_code",
	                                      "last_attempt_date",
	                                      "will_retry_until",
	                                      "final_log_id",
	                                      NULL};
	void *o;

	at(c, "recipients[%zu]", i);
	if (map(c, v, allowed))
		return -1;
	at(c, "recipients[%zu].addr", i);
	if (str(c, get(c, v, "addr"), false, &r->addr))
		return -1;
	at(c, "recipients[%zu].orcpt", i);
	o = get(c, v, "orcpt");
	if (!is_null(c, o) && c->r->kind(o) == DSNGB_MAP) {
		const char *type, *addr;

		if (typed(c, o, "addr", NULL, &type, &addr))
			return -1;
		if (!type)
			return fail(c, "type required");
		r->orcpt = talloc_asprintf(c->mem, "%s;%s", type, addr);
		if (!r->orcpt)
			return fail(c, "out of memory");
	} else if (str(c, o, true, &r->orcpt)) {
		return -1;
	}
	at(c, "recipients[%zu].notify", i);
	if (notify(c, get(c, v, "notify"), &r->notify))
		return -1;
	at(c, "recipients[%zu].action", i);
	if (action(c, get(c, v, "action"), &r->action))
		return -1;
	at(c, "recipients[%zu].status", i);
	if (str(c, get(c, v, "status"), true, &r->status))
		return -1;
	at(c, "recipients[%zu].remote_mta", i);
	if (typed(c, get(c, v, "remote_mta"), "name", "dns",
	          &r->remote_mta_type, &r->remote_mta))
		return -1;
	at(c, "recipients[%zu].diagnostic_code", i);
	if (typed(c, get(c, v, "diagnostic_code"), "text", "smtp",
	          &r->diagnostic_type, &r->diagnostic))
		return -1;
	at(c, "recipients[%zu].last_attempt_date", i);
	if (date(c, get(c, v, "last_attempt_date"), &r->has_last_attempt_date,
	         &r->last_attempt_date))
		return -1;
	at(c, "recipients[%zu].will_retry_until", i);
	if (date(c, get(c, v, "will_retry_until"), &r->has_will_retry_until,
	         &r->will_retry_until))
		return -1;
	at(c, "recipients[%zu].final_log_id", i);
	return str(c, get(c, v, "final_log_id"), true, &r->final_log_id);
}

static int client(struct rd *c, void *v, struct dsng_policy_session *s)
{
	static const char *const allowed[] = {
	        "addr", "client_name", "helo",    "auth_user", "tls",
	        "port", "service",     "trusted", NULL};
	const char *addr, *service;
	void *x;

	at(c, "envelope.client");
	if (map(c, v, allowed))
		return -1;
	at(c, "envelope.client.addr");
	if (str(c, get(c, v, "addr"), true, &addr))
		return -1;
	if (addr && dsng_policy_session_set_addr(s, addr, strlen(addr), NULL))
		return fail(c, "not an IP address");
	at(c, "envelope.client.client_name");
	if (str(c, get(c, v, "client_name"), true, &s->client_name))
		return -1;
	at(c, "envelope.client.helo");
	if (str(c, get(c, v, "helo"), true, &s->helo_name))
		return -1;
	at(c, "envelope.client.auth_user");
	if (str(c, get(c, v, "auth_user"), true, &s->auth_user))
		return -1;
	at(c, "envelope.client.tls");
	x = get(c, v, "tls");
	if (!is_null(c, x)) {
		if (c->r->kind(x) != DSNGB_BOOL)
			return fail(c, "not true or false");
		s->tls = c->r->boolean(x);
	}
	at(c, "envelope.client.port");
	x = get(c, v, "port");
	if (!is_null(c, x)) {
		long long p;
		if (c->r->kind(x) != DSNGB_INT)
			return fail(c, "not a number");
		p = c->r->integer(x);
		if (p < 0 || p > 65535)
			return fail(c, "not a port number");
		s->port = (unsigned)p;
	}
	at(c, "envelope.client.service");
	if (str(c, get(c, v, "service"), true, &service))
		return -1;
	if (!service)
		s->service = DSNG_POLICY_SERVICE_UNKNOWN;
	else if (!strcmp(service, "smtp"))
		s->service = DSNG_POLICY_SERVICE_SMTP;
	else if (!strcmp(service, "submission"))
		s->service = DSNG_POLICY_SERVICE_SUBMISSION;
	else if (!strcmp(service, "local"))
		s->service = DSNG_POLICY_SERVICE_LOCAL;
	else
		return fail(c, "not smtp, submission, local or null");
	at(c, "envelope.client.trusted");
	x = get(c, v, "trusted");
	if (!is_null(c, x)) {
		if (c->r->kind(x) != DSNGB_BOOL)
			return fail(c, "not true, false or null");
		s->trusted = c->r->boolean(x) ? 1 : 0;
	}
	return 0;
}

static int envelope(struct rd *c, void *v, struct dsngb_report_spec *o)
{
	static const char *const allowed[] = {"from", "ret", "envid", "client",
	                                      NULL};
	const char *ret;
	void *cl;

	at(c, "envelope");
	if (map(c, v, allowed))
		return -1;
	at(c, "envelope.from");
	if (str(c, get(c, v, "from"), true, &o->spec.envelope_from))
		return -1;
	at(c, "envelope.ret");
	if (str(c, get(c, v, "ret"), true, &ret))
		return -1;
	if (!ret)
		o->spec.ret = DSNG_RET_NONE;
	else if (!strcasecmp(ret, "HDRS"))
		o->spec.ret = DSNG_RET_HDRS;
	else if (!strcasecmp(ret, "FULL"))
		o->spec.ret = DSNG_RET_FULL;
	else
		return fail(c, "not HDRS, FULL or null");
	at(c, "envelope.envid");
	if (str(c, get(c, v, "envid"), true, &o->spec.envid))
		return -1;
	cl = get(c, v, "client");
	if (!is_null(c, cl)) {
		o->has_client = true;
		return client(c, cl, &o->session);
	}
	return 0;
}

static int spec(struct rd *c, void *root, struct dsngb_report_spec *o)
{
	static const char *const allowed[] = {"reporting_mta", "arrival_date",
	                                      "envelope", "recipients", NULL};
	struct dsng_report_build_rcpt **rs;
	const char *type;
	void *list;
	size_t i, n;

	at(c, "SPEC");
	if (map(c, root, allowed))
		return -1;
	at(c, "reporting_mta");
	if (typed(c, get(c, root, "reporting_mta"), "name", "dns", &type,
	          &o->spec.reporting_mta))
		return -1;
	if (!o->spec.reporting_mta)
		return fail(c, "required");
	if (type && strcasecmp(type, "dns"))
		return fail(c, "type must be dns");
	at(c, "arrival_date");
	if (date(c, get(c, root, "arrival_date"), &o->spec.has_arrival_date,
	         &o->spec.arrival_date))
		return -1;
	if (envelope(c, get(c, root, "envelope"), o))
		return -1;
	at(c, "recipients");
	list = get(c, root, "recipients");
	if (is_null(c, list) || c->r->kind(list) != DSNGB_LIST)
		return fail(c, "not a list");
	n = c->r->list_len(list);
	rs = talloc_zero_array(c->mem, struct dsng_report_build_rcpt *,
	                       n ? n : 1);
	if (!rs)
		return fail(c, "out of memory");
	for (i = 0; i < n; i++) {
		rs[i] = talloc(rs, struct dsng_report_build_rcpt);
		if (!rs[i])
			return fail(c, "out of memory");
		dsng_report_build_rcpt_init(rs[i],
		                            DSNG_REPORT_BUILD_RCPT_VERSION);
		if (rcpt(c, c->r->list_get(list, i), i, rs[i]))
			return -1;
	}
	o->spec.recipients = (const struct dsng_report_build_rcpt *const *)rs;
	o->spec.n_recipients = n;
	return 0;
}

int dsngb_report_spec_read(const struct dsngb_reader *rd, TALLOC_CTX *mem,
                           void *root, struct dsngb_report_spec **out,
                           char *errbuf, size_t errsize)
{
	struct dsngb_report_spec *o =
	        talloc_zero(NULL, struct dsngb_report_spec);
	struct rd c;

	*out = NULL;
	if (errsize)
		errbuf[0] = 0;
	if (!o) {
		snprintf(errbuf, errsize, "out of memory");
		return -1;
	}
	memset(&c, 0, sizeof(c));
	c.r = rd;
	c.mem = o;
	c.err = errbuf;
	c.errsize = errsize;
	dsng_report_build_spec_init(&o->spec, DSNG_REPORT_BUILD_SPEC_VERSION);
	dsng_policy_session_init(&o->session, DSNG_POLICY_SESSION_VERSION);
	if (spec(&c, root, o)) {
		talloc_free(o);
		return -1;
	}
	*out = talloc_steal(mem, o);
	return 0;
}
