/*
 * lib/probe.c - the receipt-exposure probe (probe.h): a state machine
 * over phases, one command and its reply each.  No I/O: the caller sends
 * the lines it is given and feeds back the bytes and events it sees.
 *
 * Input is buffered until a whole reply is there; dsng_reply_complete is
 * only asked when a line arrives that may end a reply (not a "NNN-"
 * continuation) or the open line is over the limit, so a server sending
 * megabytes of continuation lines costs one scan per final line, and the
 * reply limits bound the buffer.
 */
#include <stdio.h>
#include <string.h>

#include "dsng_private.h"
#include "dsnguard/probe.h"

static const size_t params_sizes[] = {0, sizeof(struct dsng_probe_params)};
static const struct dsng_probe_params params_defaults = DSNG_PROBE_PARAMS_INIT;

int dsng_probe_params_init(struct dsng_probe_params *params, unsigned version)
{
	return dsng__versioned_init(params, version, &params_defaults,
	                            params_sizes, DSNG_PROBE_PARAMS_VERSION);
}

enum phase {
	P_CONNECT,
	P_GREETING,
	P_EHLO,
	P_HELO,
	P_STARTTLS,
	P_TLS,
	P_EHLO2,
	P_MAIL,
	P_RCPT,
	P_PLAIN,
	P_RSET,
	P_QUIT,
	P_DONE
};

struct dsng_probe {
	struct dsng_probe_result res;
	enum phase phase;
	bool waiting; /* the phase's command was handed out */
	bool want_tls;
	char *ehlo_line, *helo_line, *mail_line, *rcpt_line, *plain_line;
	struct dsng_reply_opts ropts;
	size_t max_line; /* effective, line end counted as 2 */
	size_t max_buf;  /* one reply at the limits */
	char *buf;       /* buffered server bytes */
	size_t len, size;
	size_t scan;         /* start of the first line not yet looked at */
	bool maybe_complete; /* a line that may end a reply has arrived */
	bool overlong;       /* the open line or the line count is over the
	                        limit */
	size_t n_lines;      /* whole lines before scan */
	size_t max_lines;    /* effective */
};

static const char *const step_names[] = {"connect",  "greeting", "ehlo",
                                         "starttls", "mail",     "rcpt"};
static const char *const cause_names[] = {
        "", "refused", "timeout", "closed", "reply", "resolve", "tls"};
static const char *const verdict_names[] = {"running", "exposed", "refused",
                                            "not_offered", "incomplete"};

const char *dsng_probe_step_name(enum dsng_probe_step_id step)
{
	return (unsigned)step < DSNG_PROBE_STEP__COUNT ? step_names[step]
	                                               : NULL;
}

const char *dsng_probe_cause_name(enum dsng_probe_cause cause)
{
	return (unsigned)cause < DSNG_PROBE_CAUSE__COUNT ? cause_names[cause]
	                                                 : NULL;
}

const char *dsng_probe_verdict_name(enum dsng_probe_verdict v)
{
	return (unsigned)v <= DSNG_PROBE_INCOMPLETE ? verdict_names[v] : NULL;
}

/* ---- creation ---- */

/* "a@b" or "<a@b>" (or "" for "<>") into a bracketed path, validated. */
static int make_path(TALLOC_CTX *mem, char **out, const char *addr, bool rcpt,
                     struct dsng_error *err)
{
	size_t n = strlen(addr);
	struct dsng_path path;
	char *p;
	int rc;

	if (n > 0 && addr[0] == '<')
		p = talloc_strdup(mem, addr);
	else
		p = talloc_asprintf(mem, "<%s>", addr);
	if (!p)
		return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
		                  "out of memory");
	rc = dsng_addr_parse(&path, p, strlen(p), rcpt ? DSNG_ADDR_RCPT : 0,
	                     NULL, err);
	if (rc != DSNG_OK) {
		if (err && dsng__version_ok(err, DSNG_ERROR_VERSION)) {
			char m[DSNG_ERROR_MESSAGE_MAX];

			snprintf(m, sizeof(m), "%s address: %.140s",
			         rcpt ? "--to" : "--from", err->message);
			memcpy(err->message, m, sizeof(m));
		}
		return rc;
	}
	*out = p;
	return DSNG_OK;
}

/* Build "VERB args" through the command parser and formatter, so only a
 * valid command is ever sent; the result has its CRLF. */
static int make_line(TALLOC_CTX *mem, char **out, const char *text,
                     struct dsng_error *err)
{
	struct dsng_cmd cmd = DSNG_CMD_INIT;
	char *canon;
	int rc;

	rc = dsng_cmd_parse(&cmd, text, strlen(text), NULL, err);
	if (rc != DSNG_OK)
		return rc;
	canon = dsng_cmd_format(mem, &cmd);
	if (!canon || !(*out = talloc_asprintf(mem, "%s\r\n", canon)))
		return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
		                  "out of memory");
	talloc_free(canon);
	return DSNG_OK;
}

int dsng_probe_new(TALLOC_CTX *mem, struct dsng_probe **out,
                   const struct dsng_probe_params *params,
                   struct dsng_error *err)
{
	struct dsng_probe_params pp;
	struct dsng_probe *p;
	const char *name;
	char *from, *to, *text;
	size_t i;
	int rc;

	if (out)
		*out = NULL;
	if (!out || !params)
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "NULL argument");
	if (dsng__versioned_take(&pp, params, &params_defaults, params_sizes,
	                         DSNG_PROBE_PARAMS_VERSION) != DSNG_OK)
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "unknown probe params version %u",
		                  params->version);
	if (!pp.mail_from || !pp.rcpt_to)
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL,
		                  "mail_from and rcpt_to are needed");
	name = pp.ehlo_name && *pp.ehlo_name ? pp.ehlo_name : "localhost";
	for (i = 0; name[i]; i++)
		if ((unsigned char)name[i] <= 0x20 ||
		    (unsigned char)name[i] >= 0x7f)
			return dsng__fail(err, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE,
			                  i, 0, NULL,
			                  "EHLO name: space, control or 8-bit "
			                  "octet at %zu",
			                  i);

	p = talloc_zero(NULL, struct dsng_probe);
	if (!p)
		return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
		                  "out of memory");
	if (pp.reply_opts) {
		if (!dsng__version_ok(pp.reply_opts, DSNG_REPLY_OPTS_VERSION)) {
			talloc_free(p);
			return dsng__fail(err, DSNG_EINVAL,
			                  DSNG_ERR_INVALID_ARGUMENT, 0, 0, NULL,
			                  "unknown reply options version");
		}
		p->ropts = *pp.reply_opts; /* version 1 is the only one */
	} else {
		dsng_reply_opts_init(&p->ropts, DSNG_REPLY_OPTS_VERSION);
		p->ropts.flags = DSNG_REPLY_LENIENT;
	}
	p->max_line = p->ropts.max_line
	                      ? p->ropts.max_line
	                      : (p->ropts.flags & DSNG_REPLY_LENIENT
	                                 ? DSNG_REPLY_LENIENT_MAX_LINE
	                                 : DSNG_REPLY_DEFAULT_MAX_LINE);
	if (p->max_line > DSNG_REPLY_MAX_LINE_CEILING)
		p->max_line = DSNG_REPLY_MAX_LINE_CEILING;
	if (p->max_line < 5)
		p->max_line = 5;
	p->max_lines = p->ropts.max_lines ? p->ropts.max_lines
	                                  : DSNG_REPLY_DEFAULT_MAX_LINES;
	p->max_buf = p->max_line * p->max_lines;

	rc = make_path(p, &from, pp.mail_from, false, err);
	if (rc == DSNG_OK)
		rc = make_path(p, &to, pp.rcpt_to, true, err);
	if (rc != DSNG_OK) {
		talloc_free(p);
		return rc;
	}
	rc = DSNG_ENOMEM;
	if ((text = talloc_asprintf(p, "EHLO %s", name)))
		rc = make_line(p, &p->ehlo_line, text, err);
	if (rc == DSNG_OK && (text = talloc_asprintf(p, "HELO %s", name)))
		rc = make_line(p, &p->helo_line, text, err);
	if (rc == DSNG_OK && (text = talloc_asprintf(p, "MAIL FROM:%s", from)))
		rc = make_line(p, &p->mail_line, text, err);
	if (rc == DSNG_OK &&
	    (text = talloc_asprintf(p, "RCPT TO:%s NOTIFY=SUCCESS", to)))
		rc = make_line(p, &p->rcpt_line, text, err);
	if (rc == DSNG_OK && (text = talloc_asprintf(p, "RCPT TO:%s", to)))
		rc = make_line(p, &p->plain_line, text, err);
	if (rc != DSNG_OK) {
		if (rc == DSNG_ENOMEM && !text)
			dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
			           "out of memory");
		talloc_free(p);
		return rc;
	}
	p->want_tls = pp.starttls;
	p->phase = P_CONNECT;
	*out = talloc_steal(mem, p);
	return DSNG_OK;
}

/* ---- the session ---- */

static enum dsng_probe_step_id step_of(enum phase ph)
{
	switch (ph) {
	case P_CONNECT:
		return DSNG_PROBE_STEP_CONNECT;
	case P_GREETING:
		return DSNG_PROBE_STEP_GREETING;
	case P_EHLO:
	case P_HELO:
	case P_EHLO2:
		return DSNG_PROBE_STEP_EHLO;
	case P_STARTTLS:
	case P_TLS:
		return DSNG_PROBE_STEP_STARTTLS;
	case P_MAIL:
		return DSNG_PROBE_STEP_MAIL;
	default:
		return DSNG_PROBE_STEP_RCPT;
	}
}

static struct dsng_probe_exchange *exchange_of(struct dsng_probe *p)
{
	switch (p->phase) {
	case P_GREETING:
		return &p->res.greeting;
	case P_EHLO:
		return &p->res.ehlo_first;
	case P_HELO:
	case P_EHLO2:
		return &p->res.ehlo;
	case P_STARTTLS:
		return &p->res.starttls;
	case P_MAIL:
		return &p->res.mail;
	case P_RCPT:
		return &p->res.rcpt;
	case P_PLAIN:
		return &p->res.rcpt_plain;
	default:
		return NULL;
	}
}

static const char *line_of(struct dsng_probe *p)
{
	switch (p->phase) {
	case P_EHLO:
	case P_EHLO2:
		return p->ehlo_line;
	case P_HELO:
		return p->helo_line;
	case P_STARTTLS:
		return "STARTTLS\r\n";
	case P_MAIL:
		return p->mail_line;
	case P_RCPT:
		return p->rcpt_line;
	case P_PLAIN:
		return p->plain_line;
	case P_RSET:
		return "RSET\r\n";
	default:
		return "QUIT\r\n";
	}
}

/* The session has a verdict or an error: only RSET/QUIT remain. */
static bool settled(const struct dsng_probe *p)
{
	return p->res.verdict != DSNG_PROBE_RUNNING;
}

/* Record an error of the current step; the probe is incomplete. */
static void fail(struct dsng_probe *p, enum dsng_probe_cause cause, int code,
                 const char *fmt, ...) DSNG_PRINTF(4, 5);
static void fail(struct dsng_probe *p, enum dsng_probe_cause cause, int code,
                 const char *fmt, ...)
{
	va_list ap;

	p->res.verdict = DSNG_PROBE_INCOMPLETE;
	p->res.error_step = step_of(p->phase);
	p->res.error_cause = cause;
	p->res.error_code = code;
	va_start(ap, fmt);
	p->res.error_message = talloc_vasprintf(p, fmt, ap);
	va_end(ap);
	if (!p->res.error_message)
		p->res.error_message = (char *)"out of memory";
}

static void go(struct dsng_probe *p, enum phase ph)
{
	p->phase = ph;
	p->waiting = false;
}

/* The first line of a reply's text, for messages. */
static const char *first_text(const struct dsng_probe_exchange *x)
{
	const struct dsng_reply_line *l = x->reply->lines[0];

	return l->msg;
}

/* A reply the current phase did not want: error, then QUIT. */
static void refused(struct dsng_probe *p, const char *what,
                    const struct dsng_probe_exchange *x)
{
	fail(p, DSNG_PROBE_CAUSE_REPLY, x->code, "%s: %d %.200s", what, x->code,
	     first_text(x));
	go(p, P_QUIT);
}

static bool is2(int code)
{
	return code >= 200 && code < 300;
}
static bool is5(int code)
{
	return code >= 500 && code < 600;
}

/* An EHLO 250 reply: its capabilities. */
static void took_ehlo(struct dsng_probe *p, const char *buf, size_t len)
{
	struct dsng_error e = DSNG_ERROR_INIT;
	struct dsng_ehlo *caps = NULL;
	int rc;

	rc = dsng_ehlo_parse(p, &caps, buf, len, &p->ropts, &e);
	if (rc != DSNG_OK) {
		fail(p, DSNG_PROBE_CAUSE_REPLY, p->res.ehlo.code,
		     "malformed EHLO reply: %s", e.message);
		go(p, P_QUIT);
		return;
	}
	talloc_free(p->res.caps);
	p->res.caps = caps;
	p->res.esmtp = true;
	p->res.dsn_advertised = (caps->flags & DSNG_EHLO_F_DSN) != 0;
	p->res.smtputf8 = (caps->flags & DSNG_EHLO_F_SMTPUTF8) != 0;
	if (p->want_tls && !p->res.tls) {
		if (!(caps->flags & DSNG_EHLO_F_STARTTLS)) {
			p->phase = P_STARTTLS;
			fail(p, DSNG_PROBE_CAUSE_REPLY, 0,
			     "the server does not offer STARTTLS");
			go(p, P_QUIT);
			return;
		}
		go(p, P_STARTTLS);
		return;
	}
	go(p, P_MAIL);
}

/* One whole reply buf[0..len) for the current phase. */
static void took_reply(struct dsng_probe *p, const char *buf, size_t len)
{
	struct dsng_probe_exchange *x = exchange_of(p);
	struct dsng_reply *r = NULL;
	struct dsng_error e = DSNG_ERROR_INIT;
	int code;

	if (dsng_reply_parse(p, &r, buf, len, &p->ropts, &e) != DSNG_OK) {
		/* complete() said whole; only ENOMEM can get here */
		if (!settled(p))
			fail(p, DSNG_PROBE_CAUSE_REPLY, 0, "%s", e.message);
		go(p, P_DONE);
		return;
	}
	code = r->code;
	if (!x) { /* RSET, QUIT: whatever they get */
		talloc_free(r);
		go(p, p->phase == P_RSET ? P_QUIT : P_DONE);
		return;
	}
	x->answered = true;
	x->code = code;
	x->reply = r;
	x->has_enhanced = r->has_enhanced;
	x->enhanced = r->enhanced;
	x->text = dsng_reply_text(p, r, true);
	if (!x->text)
		x->text = (char *)"";
	if (p->phase == P_EHLO || p->phase == P_EHLO2 || p->phase == P_HELO)
		p->res.ehlo = *x; /* the EHLO that counts so far */

	switch (p->phase) {
	case P_GREETING:
		if (is2(code))
			go(p, P_EHLO);
		else
			refused(p, "greeting refused", x);
		return;
	case P_EHLO:
	case P_EHLO2:
		if (is2(code))
			took_ehlo(p, buf, len);
		else if (p->phase == P_EHLO && is5(code))
			go(p, P_HELO);
		else
			refused(p, "EHLO refused", x);
		return;
	case P_HELO:
		if (!is2(code)) {
			refused(p, "EHLO and HELO refused", x);
			return;
		}
		p->res.esmtp = false;
		p->res.dsn_advertised = false;
		p->res.smtputf8 = false;
		if (p->want_tls) {
			p->phase = P_STARTTLS;
			fail(p, DSNG_PROBE_CAUSE_REPLY, 0,
			     "EHLO refused: no STARTTLS without ESMTP");
			go(p, P_QUIT);
			return;
		}
		go(p, P_MAIL);
		return;
	case P_STARTTLS:
		if (code == 220) {
			/* nothing sent in clear after the 220 may count */
			p->len = p->scan = 0;
			p->maybe_complete = p->overlong = false;
			p->n_lines = 0;
			go(p, P_TLS);
		} else {
			refused(p, "STARTTLS refused", x);
		}
		return;
	case P_MAIL:
		if (is2(code))
			go(p, P_RCPT);
		else
			refused(p, "MAIL refused", x);
		return;
	case P_RCPT:
		p->res.receipt_accepted = is2(code);
		if (!p->res.dsn_advertised) {
			p->res.verdict = DSNG_PROBE_NOT_OFFERED;
			go(p, is5(code) ? P_PLAIN : P_RSET);
		} else if (is2(code)) {
			p->res.verdict = DSNG_PROBE_EXPOSED;
			go(p, P_RSET);
		} else if (is5(code)) {
			go(p, P_PLAIN);
		} else {
			refused(p,
			        "RCPT with NOTIFY=SUCCESS refused "
			        "temporarily",
			        x);
		}
		return;
	case P_PLAIN:
		if (settled(p)) {
			go(p, P_RSET);
		} else if (is2(code)) {
			p->res.verdict = DSNG_PROBE_REFUSED;
			go(p, P_RSET);
		} else if (is5(code)) {
			fail(p, DSNG_PROBE_CAUSE_REPLY, code,
			     "recipient refused with and without NOTIFY: %d "
			     "%.200s",
			     code, first_text(x));
			go(p, P_RSET);
		} else {
			refused(p, "RCPT without NOTIFY refused temporarily",
			        x);
		}
		return;
	default:
		return;
	}
}

/* Bytes that are not a reply: the stream cannot be trusted any more. */
static void bad_bytes(struct dsng_probe *p, const struct dsng_error *e)
{
	if (!settled(p))
		fail(p, DSNG_PROBE_CAUSE_REPLY, 0, "bad reply: %s", e->message);
	go(p, P_DONE);
}

/* Look at lines from p->scan on: is there one that may end a reply, or an
 * open line over the limit? */
static void scan_lines(struct dsng_probe *p)
{
	while (p->scan < p->len && !p->maybe_complete) {
		const char *s = p->buf + p->scan;
		const char *nl = memchr(s, '\n', p->len - p->scan);

		if (!nl) {
			if (p->len - p->scan + 2 > p->max_line)
				p->maybe_complete = p->overlong = true;
			return;
		}
		if (nl - s < 4 || s[3] != '-')
			p->maybe_complete = true;
		if (++p->n_lines > p->max_lines)
			p->maybe_complete = p->overlong = true;
		p->scan = (size_t)(nl - p->buf) + 1;
	}
}

/* Take every whole reply the phase is waiting for. */
static void process(struct dsng_probe *p)
{
	while (p->phase != P_DONE && p->phase != P_CONNECT &&
	       p->phase != P_TLS && (p->waiting || p->phase == P_GREETING)) {
		struct dsng_error e = DSNG_ERROR_INIT;
		size_t used = 0;
		int rc;

		scan_lines(p);
		if (!p->maybe_complete)
			return;
		rc = dsng_reply_complete(&used, p->buf, p->len, &p->ropts, &e);
		if (rc < 0) {
			bad_bytes(p, &e);
			return;
		}
		if (rc == 0 && p->overlong) {
			snprintf(e.message, sizeof(e.message),
			         "reply over %zu lines or a line over %zu "
			         "octets",
			         p->max_lines, p->max_line);
			bad_bytes(p, &e);
			return;
		}
		if (rc == 0) {
			/* a final-looking line that is not (yet) the end */
			p->maybe_complete = false;
			continue;
		}
		if (used == 0 || used > p->len) {
			bad_bytes(p, &e);
			return;
		}
		took_reply(p, p->buf, used);
		if (p->phase == P_TLS || p->len == 0) {
			p->len = p->scan = 0;
			p->maybe_complete = p->overlong = false;
			p->n_lines = 0;
			continue;
		}
		memmove(p->buf, p->buf + used, p->len - used);
		p->len -= used;
		p->scan = 0;
		p->maybe_complete = p->overlong = false;
		p->n_lines = 0;
	}
}

enum dsng_probe_action dsng_probe_next(struct dsng_probe *p, const char **line,
                                       size_t *len)
{
	if (line)
		*line = NULL;
	if (len)
		*len = 0;
	if (!p)
		return DSNG_PROBE_DONE;
	process(p);
	switch (p->phase) {
	case P_CONNECT:
		return DSNG_PROBE_CONNECT;
	case P_GREETING:
		return DSNG_PROBE_WAIT;
	case P_TLS:
		return DSNG_PROBE_STARTTLS;
	case P_DONE:
		return DSNG_PROBE_DONE;
	default:
		break;
	}
	if (p->waiting)
		return DSNG_PROBE_WAIT;
	{
		const char *l = line_of(p);
		struct dsng_probe_exchange *x = exchange_of(p);

		if (x) {
			x->sent = true;
			x->line = talloc_strndup(p, l, strlen(l) - 2);
		}
		p->waiting = true;
		if (line)
			*line = l;
		if (len)
			*len = strlen(l);
	}
	return DSNG_PROBE_SEND;
}

/* Append what fits of buf (at most one reply at the limits is ever
 * buffered); returns how much was taken, 0 when the buffer is full. */
static size_t append(struct dsng_probe *p, const char *buf, size_t len, int *rc)
{
	size_t cap = p->max_buf + 2, room = cap - p->len;

	*rc = DSNG_OK;
	if (len > room)
		len = room;
	if (len == 0)
		return 0;
	if (p->len + len > p->size) {
		size_t want = p->size ? p->size : 1024;
		char *nb;

		while (want < p->len + len)
			want *= 2;
		if (want > cap)
			want = cap;
		nb = talloc_realloc(p, p->buf, char, want);
		if (!nb) {
			*rc = DSNG_ENOMEM;
			return 0;
		}
		p->buf = nb;
		p->size = want;
	}
	memcpy(p->buf + p->len, buf, len);
	p->len += len;
	return len;
}

int dsng_probe_reply(struct dsng_probe *p, const char *buf, size_t len)
{
	if (!p || (!buf && len))
		return DSNG_EINVAL;
	while (len > 0 && p->phase != P_DONE && p->phase != P_CONNECT &&
	       p->phase != P_TLS) {
		int rc;
		size_t took = append(p, buf, len, &rc);

		if (rc != DSNG_OK)
			return rc;
		if (took == 0) {
			struct dsng_error e = DSNG_ERROR_INIT;

			snprintf(e.message, sizeof(e.message),
			         "more than %zu octets without a whole reply",
			         p->max_buf);
			bad_bytes(p, &e);
			break;
		}
		buf += took;
		len -= took;
		process(p);
	}
	return DSNG_OK;
}

static enum dsng_probe_cause cause_of(enum dsng_probe_event ev)
{
	switch (ev) {
	case DSNG_PROBE_EV_RESOLVE:
		return DSNG_PROBE_CAUSE_RESOLVE;
	case DSNG_PROBE_EV_REFUSED:
		return DSNG_PROBE_CAUSE_REFUSED;
	case DSNG_PROBE_EV_TIMEOUT:
		return DSNG_PROBE_CAUSE_TIMEOUT;
	case DSNG_PROBE_EV_TLS_FAILED:
		return DSNG_PROBE_CAUSE_TLS;
	default:
		return DSNG_PROBE_CAUSE_CLOSED;
	}
}

static const char *event_text(enum dsng_probe_event ev)
{
	switch (ev) {
	case DSNG_PROBE_EV_RESOLVE:
		return "cannot resolve the host";
	case DSNG_PROBE_EV_REFUSED:
		return "connection refused";
	case DSNG_PROBE_EV_TIMEOUT:
		return "timed out";
	case DSNG_PROBE_EV_TLS_FAILED:
		return "TLS failed";
	default:
		return "connection closed";
	}
}

int dsng_probe_event(struct dsng_probe *p, enum dsng_probe_event ev,
                     const char *message)
{
	const char *what;

	if (!p)
		return DSNG_EINVAL;
	if (p->phase == P_DONE)
		return DSNG_OK;
	if (p->phase == P_CONNECT && ev == DSNG_PROBE_EV_CONNECTED) {
		p->res.greeting.sent = true;
		go(p, P_GREETING);
		return DSNG_OK;
	}
	if (p->phase == P_TLS && ev == DSNG_PROBE_EV_TLS_READY) {
		p->res.tls = true;
		p->len = p->scan = 0;
		p->maybe_complete = p->overlong = false;
		p->n_lines = 0;
		go(p, P_EHLO2);
		return DSNG_OK;
	}
	if (ev == DSNG_PROBE_EV_CONNECTED || ev == DSNG_PROBE_EV_TLS_READY)
		ev = DSNG_PROBE_EV_CLOSED; /* not expected here */
	if (!settled(p)) {
		what = event_text(ev);
		if (message && *message)
			fail(p, cause_of(ev), 0, "%s: %.200s", what, message);
		else
			fail(p, cause_of(ev), 0, "%s", what);
	}
	go(p, P_DONE);
	return DSNG_OK;
}

const struct dsng_probe_result *dsng_probe_result(const struct dsng_probe *p)
{
	return p ? &p->res : NULL;
}
