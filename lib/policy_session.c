/*
 * lib/policy_session.c - the caller's session (client facts and DSN
 * state), client classes, and the decision helpers every decision uses.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "policy_int.h"

static const size_t session_sizes[] = {0, sizeof(struct dsng_policy_session)};
static const struct dsng_policy_session session_defaults =
        DSNG_POLICY_SESSION_INIT;

int dsng_policy_session_init(struct dsng_policy_session *s, unsigned version)
{
	return dsng__versioned_init(s, version, &session_defaults,
	                            session_sizes, DSNG_POLICY_SESSION_VERSION);
}

static bool session_ok(const struct dsng_policy_session *s)
{
	return dsng__version_ok(s, DSNG_POLICY_SESSION_VERSION);
}

int dsng_policy_session_set_addr(struct dsng_policy_session *s,
                                 const char *text, size_t len,
                                 struct dsng_error *err)
{
	unsigned char b[16];
	int family;

	if (!session_ok(s))
		return dsng__bad_arg(err, s ? "unknown dsng_policy_session "
		                              "version"
		                            : "NULL session");
	if (!text && len)
		return dsng__bad_arg(err, "NULL address");
	if (dsng__ip_parse(text, len, b, &family) != 0)
		return dsng__fail(err, DSNG_ESYNTAX, DSNG_ERR_BAD_CIDR, 0, 0,
		                  NULL, "not an IPv4 or IPv6 address");
	memcpy(s->addr, b, 16);
	s->family = family;
	/* Another address: the lookup made for the last one is stale. */
	s->trusted_cached = -1;
	return 0;
}

void dsng_policy_session_reset(struct dsng_policy_session *s)
{
	if (!session_ok(s))
		return;
	s->null_sender = false;
	s->n_recipients = 0;
}

static const size_t decision_sizes[] = {0, sizeof(struct dsng_decision)};
static const struct dsng_decision decision_defaults = DSNG_DECISION_INIT;

int dsng_decision_init(struct dsng_decision *d, unsigned version)
{
	return dsng__versioned_init(d, version, &decision_defaults,
	                            decision_sizes, DSNG_DECISION_VERSION);
}

int dsng__bad_arg(struct dsng_error *err, const char *what)
{
	return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT, 0, 0,
	                  NULL, "%s", what);
}

int dsng__decision_args(const struct dsng_decision *d,
                        const struct dsng_policy *p,
                        const struct dsng_policy_session *s,
                        struct dsng_error *err)
{
	if (!dsng__version_ok(d, DSNG_DECISION_VERSION))
		return dsng__bad_arg(err, d ? "unknown dsng_decision version"
		                            : "NULL decision");
	if (!p)
		return dsng__bad_arg(err, "NULL policy");
	if (!session_ok(s))
		return dsng__bad_arg(err, s ? "unknown dsng_policy_session "
		                              "version"
		                            : "NULL session");
	return 0;
}

const char *dsng_policy_action_name(enum dsng_policy_action a)
{
	switch (a) {
	case DSNG_POLICY_ACTION_ACCEPT:
		return "accept";
	case DSNG_POLICY_ACTION_ADVERTISE_DSN:
		return "advertise_dsn";
	case DSNG_POLICY_ACTION_HIDE_DSN:
		return "hide_dsn";
	case DSNG_POLICY_ACTION_STRIP:
		return "strip";
	case DSNG_POLICY_ACTION_DOWNGRADE:
		return "downgrade";
	case DSNG_POLICY_ACTION_NEVER:
		return "never";
	case DSNG_POLICY_ACTION_REJECT:
		return "reject";
	case DSNG_POLICY_ACTION_IGNORE:
		return "ignore";
	case DSNG_POLICY_ACTION_FLAG:
		return "flag";
	}
	return "unknown";
}

const char *dsng_policy_compliance_name(enum dsng_policy_compliance c)
{
	switch (c) {
	case DSNG_POLICY_COMPLIANT:
		return "compliant";
	case DSNG_POLICY_LENIENT:
		return "lenient";
	case DSNG_POLICY_NOT_COMPLIANT:
		return "not_compliant";
	}
	return "unknown";
}

const char *dsng_policy_verdict_name(enum dsng_policy_verdict v)
{
	switch (v) {
	case DSNG_POLICY_VERDICT_NOT_A_BOUNCE:
		return "not_a_bounce";
	case DSNG_POLICY_VERDICT_LEGIT:
		return "legit";
	case DSNG_POLICY_VERDICT_BACKSCATTER:
		return "backscatter";
	case DSNG_POLICY_VERDICT_UNKNOWN:
		return "unknown";
	}
	return "unknown";
}

bool dsng_policy_is_trusted(const struct dsng_policy *p,
                            const struct dsng_policy_session *s)
{
	if (!p || !session_ok(s) || !s->family)
		return false;
	return dsng__cidr_match(&p->nets, s->addr) != 0;
}

unsigned dsng_policy_classes(const struct dsng_policy *p,
                             struct dsng_policy_session *s)
{
	unsigned c = DSNG_POLICY_CLASS_ALL;
	enum dsng_policy_service svc;
	int trusted;

	if (!p || !session_ok(s))
		return c;
	/* The caller's verdict wins; otherwise the networks are looked up
	 * once per address and the answer kept in the session's state. */
	trusted = s->trusted;
	if (trusted < 0) {
		if (s->trusted_cached < 0)
			s->trusted_cached = dsng_policy_is_trusted(p, s);
		trusted = s->trusted_cached;
	}
	if (trusted)
		c |= DSNG_POLICY_CLASS_TRUSTED;
	if (s->auth_user && s->auth_user[0])
		c |= DSNG_POLICY_CLASS_AUTHENTICATED;
	if (s->tls)
		c |= DSNG_POLICY_CLASS_TLS;
	svc = s->service;
	if (svc == DSNG_POLICY_SERVICE_UNKNOWN)
		svc = (s->port == 587 || s->port == 465)
		              ? DSNG_POLICY_SERVICE_SUBMISSION
		              : DSNG_POLICY_SERVICE_SMTP;
	if (svc == DSNG_POLICY_SERVICE_SUBMISSION)
		c |= DSNG_POLICY_CLASS_SUBMISSION;
	if (svc == DSNG_POLICY_SERVICE_LOCAL)
		c |= DSNG_POLICY_CLASS_LOCAL;
	return c;
}

int dsng__dsn_offered(const struct dsng_policy *p,
                      const struct dsng_policy_session *s, unsigned cls)
{
	int offered;

	if (!s->esmtp)
		offered = 0;
	else if (s->dsn_offered < 0)
		offered = (cls & DSNG_POLICY_CLASSES_EHLO &
		           p->offer_dsn.mask) != 0;
	else
		offered = s->dsn_offered != 0;
	/* AUTH comes after EHLO (RFC 4954) and clients do not repeat EHLO
	 * after it, so a login could not earn the offer; the policy may
	 * still take such a client's requests. */
	if (!offered && (cls & p->honour_unoffered.mask))
		return DSNG__OFFERED_LATE;
	return offered;
}

/* Append n octets of t to buf[*o], truncating, and keep buf terminated;
 * no printf on the hot path (it was most of a decision's cost). */
static void put_n(char *buf, size_t size, size_t *o, const char *t, size_t n)
{
	if (*o + 1 >= size)
		return;
	if (n > size - 1 - *o)
		n = size - 1 - *o;
	memcpy(buf + *o, t, n);
	*o += n;
	buf[*o] = 0;
}

static void put(char *buf, size_t size, size_t *o, const char *t)
{
	put_n(buf, size, o, t, strlen(t));
}

/* A string literal's length is known: no strlen per piece of the client
 * text every decision writes. */
#define PUT_LIT(buf, size, o, lit) put_n(buf, size, o, lit, sizeof(lit) - 1)

/* An IPv4 address's four octets in dotted decimal, written at once. */
static void put_ipv4(char *buf, size_t size, size_t *o, const unsigned char *a)
{
	char d[16];
	size_t n = 0;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned v = a[i];

		if (i)
			d[n++] = '.';
		if (v >= 100)
			d[n++] = (char)('0' + v / 100);
		if (v >= 10)
			d[n++] = (char)('0' + (v / 10) % 10);
		d[n++] = (char)('0' + v % 10);
	}
	put_n(buf, size, o, d, n);
}

size_t dsng__describe_client(const struct dsng_policy *p,
                             struct dsng_policy_session *s, char *buf,
                             size_t size)
{
	return dsng__describe_classes(s, dsng_policy_classes(p, s), buf, size);
}

size_t dsng__describe_classes(struct dsng_policy_session *s, unsigned c,
                              char *buf, size_t size)
{
	char addr[48];
	size_t o = 0;

	if (!size)
		return 0;
	buf[0] = 0;
	if (s->family == 4) {
		put_ipv4(buf, size, &o, s->addr + 12);
	} else if (s->family == 6 &&
	           inet_ntop(AF_INET6, s->addr, addr, sizeof(addr))) {
		put(buf, size, &o, addr);
	} else {
		PUT_LIT(buf, size, &o, "unknown address");
	}
	if (c & DSNG_POLICY_CLASS_TRUSTED)
		PUT_LIT(buf, size, &o, " (trusted, ");
	else
		PUT_LIT(buf, size, &o, " (untrusted, ");
	if (c & DSNG_POLICY_CLASS_AUTHENTICATED) {
		PUT_LIT(buf, size, &o, "authenticated as ");
		put(buf, size, &o, s->auth_user);
	} else {
		PUT_LIT(buf, size, &o, "unauthenticated");
	}
	if (c & DSNG_POLICY_CLASS_TLS)
		PUT_LIT(buf, size, &o, ", TLS");
	if (c & DSNG_POLICY_CLASS_LOCAL)
		PUT_LIT(buf, size, &o, ", local submission)");
	else if (c & DSNG_POLICY_CLASS_SUBMISSION)
		PUT_LIT(buf, size, &o, ", submission)");
	else
		PUT_LIT(buf, size, &o, ", smtp)");
	return o;
}

void dsng__decision_start(struct dsng_decision *d, const struct dsng__src *src)
{
	/* Field by field: zeroing the two text buffers whole would cost
	 * more than the rest of a decision.  Every field here is in version
	 * 1; fields a later version adds are written only when d->version
	 * has them (dsng__decision_args has checked the version). */
	d->action = DSNG_POLICY_ACTION_ACCEPT;
	d->compliance = DSNG_POLICY_COMPLIANT;
	d->changed = false;
	d->changes = 0;
	d->reply_code = 0;
	d->enhanced = "";
	d->reply_text[0] = 0;
	d->reason[0] = 0;
	d->rule = NULL;
	d->origin = NULL;
	d->line = 0;
	d->notify_requested = 0;
	d->notify = 0;
	d->syntax_error = false;
	d->verdict = DSNG_POLICY_VERDICT_NOT_A_BOUNCE;
	d->evidence = 0;
	d->rewritten = NULL;
	if (src) {
		d->rule = src->rule;
		d->origin = src->origin;
		d->line = src->line;
	}
}

void dsng__reason(struct dsng_decision *d, const char *fmt, ...)
{
	size_t used = strlen(d->reason);
	va_list ap;

	if (used + 1 >= sizeof(d->reason))
		return;
	va_start(ap, fmt);
	vsnprintf(d->reason + used, sizeof(d->reason) - used, fmt, ap);
	va_end(ap);
}

void dsng__reason_put(struct dsng_decision *d, size_t *o, const char *t,
                      size_t n)
{
	put_n(d->reason, sizeof(d->reason), o, t, n);
}

void dsng__reason_cat(struct dsng_decision *d, ...)
{
	size_t o = strlen(d->reason);
	const char *t;
	va_list ap;

	va_start(ap, d);
	while ((t = va_arg(ap, const char *)) != NULL)
		put(d->reason, sizeof(d->reason), &o, t);
	va_end(ap);
}

void dsng__decision_reply(struct dsng_decision *d, const struct dsng__reply *r,
                          const char *param, const char *value)
{
	const char *t = r->text ? r->text : "";
	size_t o = 0, left = strlen(t);

	d->reply_code = r->code;
	d->enhanced = r->enhanced ? r->enhanced : "";
	d->reply_text[0] = 0;
	/* The template's length is taken once and its braces found with
	 * memchr: a strchr and two strncmp per piece were most of the cost
	 * of an RCPT refusal's reply. */
	for (;;) {
		const char *brace = memchr(t, '{', left), *with = NULL;
		size_t n = brace ? (size_t)(brace - t) : left, skip = 1;

		put_n(d->reply_text, sizeof(d->reply_text), &o, t, n);
		if (!brace)
			break;
		if (left - n >= 7 && !memcmp(brace, "{param}", 7))
			with = param ? param : "", skip = 7;
		else if (left - n >= 7 && !memcmp(brace, "{value}", 7))
			with = value ? value : "", skip = 7;
		if (with)
			put(d->reply_text, sizeof(d->reply_text), &o, with);
		else
			PUT_LIT(d->reply_text, sizeof(d->reply_text), &o, "{");
		t = brace + skip;
		left -= n + skip;
	}
}

/* The plain label of d->compliance. */
static void label_put(struct dsng_decision *d)
{
	dsng__reason_cat(
	        d,
	        d->compliance == DSNG_POLICY_COMPLIANT ? " (compliant)"
	        : d->compliance == DSNG_POLICY_LENIENT
	                ? " (lenient: tolerates what RFC 5321 would refuse)"
	                : " (NOT RFC 3461-compliant)",
	        NULL);
}

void dsng__decision_label(struct dsng_decision *d)
{
	/* Every reason states its standing; most already do in their own
	 * words, the rest get the plain label. */
	if (strstr(d->reason, "ompliant") || strstr(d->reason, "lenient"))
		return;
	label_put(d);
}

void dsng__decision_standing(struct dsng_decision *d, enum dsng__standing st)
{
	/* The two searches over the whole text were a sixth of an RCPT
	 * decision, whose writer mostly knows the answer. */
	if (st == DSNG__STANDING_UNSTATED)
		label_put(d);
}
