/*
 * lib/report_build_spec.c - check a report spec and turn each value into
 * what its field will say: addresses without <>, ORCPT and ENVID
 * decoded, status codes that fit the action, MTA names and types that
 * readers cannot misread, diagnostics cleaned, dates in range.  A value
 * that could not be written faithfully is refused here, before anything
 * is written, so the writer itself cannot fail but for memory.
 */
#include <stdio.h>
#include <string.h>

#include "chars.h"
#include "report_build_int.h"

static const size_t rcpt_sizes[] = {0, sizeof(struct dsng_report_build_rcpt)};
static const struct dsng_report_build_rcpt rcpt_defaults =
        DSNG_REPORT_BUILD_RCPT_INIT;

int dsng_report_build_rcpt_init(struct dsng_report_build_rcpt *r,
                                unsigned version)
{
	return dsng__versioned_init(r, version, &rcpt_defaults, rcpt_sizes,
	                            DSNG_REPORT_BUILD_RCPT_VERSION);
}

/* RFC 5322 dates need a four-digit year. */
#define MAX_TIME INT64_C(253402300799) /* 9999-12-31T23:59:59Z */
#define ENVID_MAX 100                  /* RFC 3461 section 4.4 */
#define ORCPT_MAX 500                  /* RFC 3461 section 4.2 */
#define NAME_MAX_LEN 255

static int fail(struct dsng__rb *rb, int rc, enum dsng_errkind kind,
                const char *fmt, ...) DSNG_PRINTF(4, 5);

static int fail(struct dsng__rb *rb, int rc, enum dsng_errkind kind,
                const char *fmt, ...)
{
	char msg[DSNG_ERROR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return dsng__fail(rb->err, rc, kind, 0, 0, NULL, "%s", msg);
}

static int nomem(struct dsng__rb *rb)
{
	return dsng__fail(rb->err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
	                  "out of memory");
}

bool dsng__rb_has_8bit(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)p[i] >= 0x80)
			return true;
	return false;
}

bool dsng__rb_utf8_ok(const char *p, size_t len)
{
	size_t i = 0;
	uint32_t cp;

	while (i < len) {
		size_t n = 1;

		if ((unsigned char)p[i] >= 0x80) {
			n = dsng__utf8_seq((const unsigned char *)p + i,
			                   len - i, &cp);
			if (!n)
				return false;
		}
		i += n;
	}
	return true;
}

/* A mailbox of MAIL (rcpt false) or RCPT, "<...>" or bare, into *out
 * (no <>, no source route); "" for the null path. */
static int mailbox(struct dsng__rb *rb, const char *what, const char *s,
                   bool rcpt, char **out, bool *utf8)
{
	struct dsng_path path;
	struct dsng_error e = DSNG_ERROR_INIT;
	size_t len = strlen(s);

	if (dsng_addr_parse(&path, s, len,
	                    DSNG_ADDR_UTF8 | (rcpt ? DSNG_ADDR_RCPT : 0), NULL,
	                    &e) != DSNG_OK)
		return fail(rb, DSNG_ESYNTAX, DSNG_ERR_BAD_ADDRESS,
		            "%s: not a mailbox: %s", what, e.message);
	*out = talloc_strndup(rb->tmp, path.mailbox.ptr, path.mailbox.len);
	if (!*out)
		return nomem(rb);
	*utf8 = path.has_utf8 || dsng__rb_has_8bit(*out, path.mailbox.len);
	return DSNG_OK;
}

/* An MTA name or a field type that no reader takes apart: 1..255
 * printable ASCII octets without white space, comment, quote, escape or
 * ';' (type: an RFC 5321 atom). */
static bool token_ok(const char *s, bool atom)
{
	size_t i, n = strlen(s);

	if (!n || n > NAME_MAX_LEN)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (atom ? !dsng__is(c, DSNG__C_ATEXT)
		         : (c <= 0x20 || c >= 0x7F || strchr("()\"\\;", c)))
			return false;
	}
	return true;
}

static char *lower_dup(TALLOC_CTX *mem, const char *s)
{
	char *d = talloc_strdup(mem, s);
	size_t i;

	for (i = 0; d && d[i]; i++)
		if (d[i] >= 'A' && d[i] <= 'Z')
			d[i] = (char)(d[i] + 32);
	return d;
}

static int date_ok(struct dsng__rb *rb, const char *what, int64_t t)
{
	if (t < 0 || t > MAX_TIME)
		return fail(rb, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE,
		            "%s: date out of range (1970 to 9999)", what);
	return DSNG_OK;
}

/* ORCPT as sent: "addr-type;xtext" (RFC 3461 4.2), or for addr-type
 * utf-8 RFC 6533's utf-8-addr-xtext or -unitext. */
static int orcpt(struct dsng__rb *rb, const char *what, const char *s,
                 struct dsng__rb_rcpt *r)
{
	struct dsng_error e = DSNG_ERROR_INIT;
	size_t n = strlen(s), i = 0, ol = 0;
	char *out;
	int rc;

	if (n > ORCPT_MAX)
		return fail(rb, DSNG_ESYNTAX, DSNG_ERR_BAD_ORCPT,
		            "%s: ORCPT longer than %d octets", what, ORCPT_MAX);
	while (i < n && dsng__is((unsigned char)s[i], DSNG__C_ATEXT))
		i++;
	if (!i || i == n || s[i] != ';' || i + 1 == n)
		return fail(rb, DSNG_ESYNTAX, DSNG_ERR_BAD_ORCPT,
		            "%s: ORCPT is not \"type;address\"", what);
	r->orcpt_type = talloc_strndup(rb->tmp, s, i);
	out = talloc_array(rb->tmp, char, n + 1);
	if (!r->orcpt_type || !out)
		return nomem(rb);
	r->orcpt_type = lower_dup(rb->tmp, r->orcpt_type);
	if (!r->orcpt_type)
		return nomem(rb);
	r->orcpt_utf8type = strcmp(r->orcpt_type, "utf-8") == 0;
	if (r->orcpt_utf8type)
		rc = dsng_xtext_utf8_decode(
		        out, n, &ol, s + i + 1, n - i - 1,
		        DSNG_XTEXT_PRINTABLE | DSNG_XTEXT_UNITEXT, NULL, &e);
	else
		rc = dsng_xtext_decode(out, n, &ol, s + i + 1, n - i - 1,
		                       DSNG_XTEXT_PRINTABLE | DSNG_XTEXT_ASCII |
		                               DSNG_XTEXT_LOWER_HEX,
		                       NULL, &e);
	if (rc != DSNG_OK)
		return fail(rb, DSNG_ESYNTAX, DSNG_ERR_BAD_ORCPT,
		            "%s: ORCPT address: %s", what, e.message);
	out[ol] = 0;
	/* A reader trims the value: outer white space would not come back. */
	if (!ol || out[0] == ' ' || out[ol - 1] == ' ')
		return fail(rb, DSNG_ESYNTAX, DSNG_ERR_BAD_ORCPT,
		            "%s: ORCPT address empty or with outer spaces",
		            what);
	r->orcpt_addr = out;
	r->orcpt_8bit = dsng__rb_has_8bit(out, ol);
	return DSNG_OK;
}

/* The diagnostic as the field will say it: line ends, controls and runs
 * of white space one space, invalid UTF-8 '?', trimmed, cut. */
static int diagnostic(struct dsng__rb *rb, struct dsng__rb_rcpt *r)
{
	const char *s = r->in.diagnostic;
	size_t n = strlen(s), i = 0, o = 0;
	char *d = talloc_array(rb->tmp, char, n + 1);
	bool space = false;

	if (!d)
		return nomem(rb);
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t k = 1;
		uint32_t cp;

		if (c < 0x20 || c == 0x7F || c == ' ') {
			space = o > 0;
			i++;
			continue;
		}
		if (c >= 0x80) {
			k = dsng__utf8_seq((const unsigned char *)s + i, n - i,
			                   &cp);
			/* C1 controls are controls too */
			if (k && cp >= 0x80 && cp < 0xA0) {
				space = o > 0;
				i += k;
				continue;
			}
		}
		if (o + (space ? 1 : 0) + (k ? k : 1) >
		    DSNG_REPORT_BUILD_MAX_DIAGNOSTIC) {
			r->diag_cut = true;
			break;
		}
		if (space)
			d[o++] = ' ';
		space = false;
		if (!k) {
			d[o++] = '?';
			i++;
			continue;
		}
		memcpy(d + o, s + i, k);
		o += k;
		i += k;
	}
	d[o] = 0;
	r->diag = d;
	r->diag_8bit = dsng__rb_has_8bit(d, o);
	return DSNG_OK;
}

static int log_id(struct dsng__rb *rb, const char *what,
                  struct dsng__rb_rcpt *r)
{
	const char *s = r->in.final_log_id;
	size_t n = strlen(s), i, a = 0;

	if (n > DSNG_REPORT_BUILD_MAX_LOG_ID)
		return fail(rb, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE,
		            "%s: final_log_id longer than %u octets", what,
		            DSNG_REPORT_BUILD_MAX_LOG_ID);
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7F)
			return fail(rb, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE,
			            "%s: final_log_id is not printable ASCII",
			            what);
	while (a < n && s[a] == ' ')
		a++;
	while (n > a && s[n - 1] == ' ')
		n--;
	if (n == a)
		return DSNG_OK;
	r->log_id = talloc_strndup(rb->tmp, s + a, n - a);
	return r->log_id ? DSNG_OK : nomem(rb);
}

static int status(struct dsng__rb *rb, const char *what,
                  struct dsng__rb_rcpt *r)
{
	struct dsng_status_code code;
	enum dsng_dsn_kind k = r->in.action;
	unsigned want = k == DSNG_DSN_FAILURE ? 5 : k == DSNG_DSN_DELAY ? 4 : 2;

	if (!r->in.status) {
		dsng_status_make(&code, want, 0, 0);
	} else if (dsng_status_parse(&code, r->in.status, strlen(r->in.status),
	                             NULL) != DSNG_OK) {
		return fail(rb, DSNG_ESYNTAX, DSNG_ERR_BAD_STATUS,
		            "%s: status is not an RFC 3463 code", what);
	} else if (code.cls != want &&
	           !(k == DSNG_DSN_FAILURE && code.cls == 4)) {
		/* An expired message fails with 4.4.7: failed takes 4.X.X. */
		return fail(rb, DSNG_ESYNTAX, DSNG_ERR_BAD_STATUS,
		            "%s: status %s does not fit action %s", what,
		            code.str, dsng_dsn_action_name(k));
	}
	memcpy(r->status, code.str, sizeof(r->status));
	return DSNG_OK;
}

static int one_rcpt(struct dsng__rb *rb, size_t idx,
                    const struct dsng_report_build_rcpt *given,
                    struct dsng__rb_rcpt *r)
{
	char what[40];
	int rc;

	snprintf(what, sizeof(what), "recipient %zu", idx);
	if (dsng__versioned_take(&r->in, given, &rcpt_defaults, rcpt_sizes,
	                         DSNG_REPORT_BUILD_RCPT_VERSION))
		return fail(rb, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		            "%s: struct dsng_report_build_rcpt of unknown "
		            "version",
		            what);
	if (r->in.action <= DSNG_DSN_OTHER || r->in.action >= DSNG_DSN__COUNT)
		return fail(rb, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		            "%s: action is not a DSN kind", what);
	if (!r->in.addr)
		return fail(rb, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		            "%s: no address", what);
	rc = mailbox(rb, what, r->in.addr, true, &r->addr, &r->addr_utf8);
	if (rc)
		return rc;
	if (r->in.notify & ~(DSNG_NOTIFY_NEVER | DSNG_NOTIFY_SUCCESS |
	                     DSNG_NOTIFY_FAILURE | DSNG_NOTIFY_DELAY) ||
	    ((r->in.notify & DSNG_NOTIFY_NEVER) &&
	     r->in.notify != DSNG_NOTIFY_NEVER))
		return fail(rb, DSNG_ESYNTAX, DSNG_ERR_BAD_NOTIFY,
		            "%s: NOTIFY bits are not a valid NOTIFY", what);
	if (r->in.orcpt && (rc = orcpt(rb, what, r->in.orcpt, r)))
		return rc;
	if ((rc = status(rb, what, r)))
		return rc;
	r->remote_type = lower_dup(
	        rb->tmp, r->in.remote_mta_type ? r->in.remote_mta_type : "dns");
	r->diag_type =
	        lower_dup(rb->tmp, r->in.diagnostic_type ? r->in.diagnostic_type
	                                                 : "smtp");
	if (!r->remote_type || !r->diag_type)
		return nomem(rb);
	if (!token_ok(r->remote_type, true) ||
	    (r->in.remote_mta && !token_ok(r->in.remote_mta, false)))
		return fail(rb, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE,
		            "%s: remote_mta type or name is not a plain token",
		            what);
	if (!token_ok(r->diag_type, true))
		return fail(rb, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE,
		            "%s: diagnostic type is not an atom", what);
	if (r->in.diagnostic && (rc = diagnostic(rb, r)))
		return rc;
	if (r->in.final_log_id && (rc = log_id(rb, what, r)))
		return rc;
	if (r->in.has_last_attempt_date &&
	    (rc = date_ok(rb, what, r->in.last_attempt_date)))
		return rc;
	if (r->in.has_will_retry_until) {
		if (r->in.action != DSNG_DSN_DELAY)
			return fail(rb, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE,
			            "%s: will_retry_until is for delayed "
			            "recipients only",
			            what);
		if ((rc = date_ok(rb, what, r->in.will_retry_until)))
			return rc;
	}
	return DSNG_OK;
}

int dsng__rb_check(struct dsng__rb *rb)
{
	const struct dsng_report_build_spec *s = &rb->spec;
	struct dsng_error e = DSNG_ERROR_INIT;
	size_t i;
	int rc;

	if (!s->reporting_mta ||
	    dsng_addr_check_domain(s->reporting_mta, strlen(s->reporting_mta),
	                           0, NULL) != DSNG_OK)
		return fail(rb, s->reporting_mta ? DSNG_ESYNTAX : DSNG_EINVAL,
		            s->reporting_mta ? DSNG_ERR_BAD_VALUE
		                             : DSNG_ERR_INVALID_ARGUMENT,
		            "reporting_mta: %s",
		            s->reporting_mta ? "not a domain name"
		                             : "required");
	rb->mta = talloc_strdup(rb->tmp, s->reporting_mta);
	if (!rb->mta)
		return nomem(rb);
	if (s->has_arrival_date &&
	    (rc = date_ok(rb, "arrival_date", s->arrival_date)))
		return rc;
	rb->arrival = s->has_arrival_date ? s->arrival_date : rb->now;
	if (s->ret != DSNG_RET_NONE && s->ret != DSNG_RET_FULL &&
	    s->ret != DSNG_RET_HDRS)
		return fail(rb, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		            "ret: not a RET value");
	if (!s->envelope_from || !*s->envelope_from ||
	    !strcmp(s->envelope_from, "<>")) {
		rb->from = talloc_strdup(rb->tmp, "");
		if (!rb->from)
			return nomem(rb);
	} else if ((rc = mailbox(rb, "envelope from", s->envelope_from, false,
	                         &rb->from, &rb->from_utf8))) {
		return rc;
	}
	if (s->envid) {
		size_t n = strlen(s->envid), ol = 0;
		char *d = talloc_array(rb->tmp, char, n + 1);

		if (!d)
			return nomem(rb);
		if (dsng_xtext_decode(d, n + 1, &ol, s->envid, n,
		                      DSNG_XTEXT_PRINTABLE | DSNG_XTEXT_ASCII |
		                              DSNG_XTEXT_LOWER_HEX,
		                      NULL, &e) != DSNG_OK)
			return fail(rb, DSNG_ESYNTAX, DSNG_ERR_BAD_ENVID,
			            "envid: %s", e.message);
		if (ol > ENVID_MAX)
			return fail(rb, DSNG_ESYNTAX, DSNG_ERR_BAD_ENVID,
			            "envid: longer than %d octets decoded",
			            ENVID_MAX);
		d[ol] = 0;
		if (ol && d[0] != ' ' && d[ol - 1] != ' ')
			rb->envid = d;
		else
			return fail(rb, DSNG_ESYNTAX, DSNG_ERR_BAD_ENVID,
			            "envid: empty or with outer spaces");
	}
	if (s->n_recipients && !s->recipients)
		return fail(rb, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		            "recipients NULL with n_recipients %zu",
		            s->n_recipients);
	if (s->n_recipients > rb->opts.max_recipients)
		return dsng__fail_limit(rb->err, "max_recipients",
		                        DSNG_ERR_RECIPIENT_LIMIT, 0, 0, NULL,
		                        "more than %u recipients",
		                        rb->opts.max_recipients);
	rb->rcpts = talloc_zero_array(rb->tmp, struct dsng__rb_rcpt,
	                              s->n_recipients ? s->n_recipients : 1);
	if (!rb->rcpts)
		return nomem(rb);
	for (i = 0; i < s->n_recipients; i++) {
		if (!s->recipients[i])
			return fail(rb, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
			            "recipient %zu: NULL", i);
		rc = one_rcpt(rb, i, s->recipients[i], &rb->rcpts[i]);
		if (rc)
			return rc;
	}
	rb->n_rcpts = s->n_recipients;
	/* The client's HELO name, when it is a name a reader can take. */
	if (rb->session.helo_name &&
	    dsng_addr_check_domain(rb->session.helo_name,
	                           strlen(rb->session.helo_name), 0,
	                           NULL) == DSNG_OK &&
	    token_ok(rb->session.helo_name, false)) {
		rb->received_from =
		        talloc_strdup(rb->tmp, rb->session.helo_name);
		if (!rb->received_from)
			return nomem(rb);
	}
	return DSNG_OK;
}
