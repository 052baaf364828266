/*
 * bindings/probe_api.c - the probe handle and the DSN parameters for
 * scripts (probe_api.h).  The probe's logic is the library's; this file
 * only carries bytes and events between it and the script, which owns
 * the socket.  The DSN parameters are encoded by the library's xtext
 * writers and then parsed back by its command parser, one parameter at a
 * time, so a value is only ever handed out when the library itself would
 * accept it on the server side and decode it to what the caller gave.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "probe_api.h"

struct dsngb_probe {
	struct dsng_probe *probe;
};

static void *nomem(struct dsng_error *err)
{
	err->rc = DSNG_ENOMEM;
	err->kind = DSNG_ERR_NOMEM;
	strcpy(err->message, "out of memory");
	return NULL;
}

static void *misuse(struct dsng_error *err, const char *msg)
{
	err->rc = DSNG_EINVAL;
	err->kind = DSNG_ERR_INVALID_ARGUMENT;
	err->reply = 0;
	err->enhanced = "";
	snprintf(err->message, sizeof(err->message), "%s", msg);
	return NULL;
}

/* A built result, or out of memory when a builder call failed. */
static void *finish(void *res, struct dsng_error *err)
{
	if (!res || dsngb_native_failed()) {
		dsngb_native_free(res);
		return nomem(err);
	}
	return res;
}

/* ---- the probe ---- */

void dsngb_probe_free(struct dsngb_probe *p)
{
	if (p)
		talloc_free(p);
}

struct dsngb_probe *probe_new(const char *mail_from, const char *rcpt_to,
                              const char *ehlo_name, int starttls,
                              struct dsng_error *err)
{
	struct dsng_probe_params pp = DSNG_PROBE_PARAMS_INIT;
	struct dsngb_probe *h;
	int rc;

	if (!mail_from || !rcpt_to)
		return misuse(err, "mail_from and rcpt_to are required");
	h = talloc_zero(NULL, struct dsngb_probe);
	if (!h)
		return nomem(err);
	pp.mail_from = mail_from;
	pp.rcpt_to = rcpt_to;
	pp.ehlo_name = ehlo_name && *ehlo_name ? ehlo_name : NULL;
	pp.starttls = starttls != 0;
	rc = dsng_probe_new(h, &h->probe, &pp, err);
	if (rc != DSNG_OK) {
		talloc_free(h);
		return rc == DSNG_ENOMEM ? nomem(err) : NULL;
	}
	return h;
}

static const char *action_name(enum dsng_probe_action a)
{
	switch (a) {
	case DSNG_PROBE_CONNECT:
		return "connect";
	case DSNG_PROBE_SEND:
		return "send";
	case DSNG_PROBE_WAIT:
		return "wait";
	case DSNG_PROBE_STARTTLS:
		return "starttls";
	default:
		return "done";
	}
}

dsngb_result probe_next(struct dsngb_probe *p, struct dsng_error *err)
{
	const char *line = NULL;
	size_t len = 0;
	enum dsng_probe_action a;
	void *res;

	if (!p)
		return misuse(err, "not a probe");
	a = dsng_probe_next(p->probe, &line, &len);
	res = dsngb_native.list_new();
	if (res) {
		dsngb_native.list_push(
		        res, dsngb_cstr(&dsngb_native, action_name(a)));
		dsngb_native.list_push(res,
		                       a == DSNG_PROBE_SEND && line
		                               ? dsngb_native_bytes(line, len)
		                               : dsngb_native.none());
	}
	return finish(res, err);
}

void probe_reply(struct dsngb_probe *p, const char *buf, size_t len,
                 struct dsng_error *err)
{
	if (!p) {
		misuse(err, "not a probe");
		return;
	}
	if (dsng_probe_reply(p->probe, buf, len) == DSNG_ENOMEM)
		nomem(err);
}

static const struct {
	const char *name;
	enum dsng_probe_event ev;
} events[] = {
        {"connected", DSNG_PROBE_EV_CONNECTED},
        {"tls_ready", DSNG_PROBE_EV_TLS_READY},
        {"resolve", DSNG_PROBE_EV_RESOLVE},
        {"refused", DSNG_PROBE_EV_REFUSED},
        {"timeout", DSNG_PROBE_EV_TIMEOUT},
        {"closed", DSNG_PROBE_EV_CLOSED},
        {"tls_failed", DSNG_PROBE_EV_TLS_FAILED},
};

void probe_event(struct dsngb_probe *p, const char *event, const char *message,
                 struct dsng_error *err)
{
	size_t i;

	if (!p || !event) {
		misuse(err, "a probe and an event are required");
		return;
	}
	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		if (!strcmp(event, events[i].name))
			break;
	if (i == sizeof(events) / sizeof(events[0])) {
		misuse(err, "unknown probe event");
		return;
	}
	if (dsng_probe_event(p->probe, events[i].ev, message) == DSNG_ENOMEM)
		nomem(err);
}

dsngb_result probe_result(struct dsngb_probe *p, const char *host,
                          unsigned port, const char *source,
                          struct dsng_error *err)
{
	void *res;

	if (!p || !host)
		return misuse(err, "a probe and a host are required");
	res = dsngb_native.map_new();
	if (res)
		dsngb_probe_fill(&dsngb_native, res,
		                 dsng_probe_result(p->probe), host, port,
		                 source);
	return finish(res, err);
}

/* ---- DSN parameters ---- */

/* Refuse a value, as the parser would on the server: the kind's reply,
 * the message naming the option.  The offset would be one in a line the
 * caller never saw, so it is 0. */
static void *refuse(struct dsng_error *err, enum dsng_errkind kind,
                    const char *what, const char *why)
{
	char m[DSNG_ERROR_MESSAGE_MAX];

	snprintf(m, sizeof(m), "%s: %.140s", what, why);
	err->rc = DSNG_ESYNTAX;
	err->kind = kind;
	err->offset = 0;
	err->reply = 501;
	err->enhanced = "5.5.4";
	err->limit = NULL;
	memcpy(err->message, m, sizeof(m));
	return NULL;
}

/* Parse "<prefix> <param>" and require exactly one parameter of the kind
 * wanted: a value cannot smuggle a second parameter or a line end. */
static int check_param(struct dsng_cmd *c, TALLOC_CTX *tmp, const char *prefix,
                       const char *param, enum dsng_param_kind kind,
                       enum dsng_errkind bad, const char *what, unsigned flags,
                       struct dsng_error *err)
{
	struct dsng_cmd_opts opts = DSNG_CMD_OPTS_INIT;
	char *line = talloc_asprintf(tmp, "%s %s", prefix, param);

	if (!line) {
		nomem(err);
		return DSNG_ENOMEM;
	}
	opts.flags = DSNG_CMD_STRICT | flags;
	dsng_cmd_init(c, DSNG_CMD_VERSION);
	if (dsng_cmd_parse(c, line, strlen(line), &opts, err) != DSNG_OK) {
		char why[DSNG_ERROR_MESSAGE_MAX];

		snprintf(why, sizeof(why), "%s", err->message);
		/* the option's own kind: "bad_xtext" would not say which */
		refuse(err, bad, what, why);
		return DSNG_ESYNTAX;
	}
	if (c->n_params != 1 || c->params[0].kind != kind) {
		refuse(err, bad, what, "not one value");
		return DSNG_ESYNTAX;
	}
	return DSNG_OK;
}

static int span_is(struct dsng_span s, const char *p, size_t n)
{
	return s.len == n && (n == 0 || memcmp(s.ptr, p, n) == 0);
}

static int has_8bit(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] >= 0x80)
			return 1;
	return 0;
}

/* The length of a leading "addr-type;" (an atom of letters, digits and
 * '-', as the registered types are), 0 when there is none. */
static size_t type_len(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char ch = p[i];

		if (ch == ';')
			return i;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-'))
			return 0;
	}
	return 0;
}

static char *orcpt_param(TALLOC_CTX *tmp, const char *orcpt, size_t n,
                         int smtputf8, const char **type_out, size_t *addr_off,
                         struct dsng_error *err)
{
	size_t tl = type_len(orcpt, n), off = tl ? tl + 1 : 0;
	const char *addr = orcpt + off;
	size_t alen = n - off;
	char *type, *enc;

	if (tl)
		type = talloc_strndup(tmp, orcpt, tl);
	else
		type = talloc_strdup(tmp,
		                     has_8bit(addr, alen) ? "utf-8" : "rfc822");
	if (!type)
		return nomem(err);
	if (alen == 0)
		return refuse(err, DSNG_ERR_BAD_ORCPT, "orcpt",
		              "no address given");
	if (!strcasecmp(type, "utf-8")) {
		if (dsng_xtext_utf8_encode_buf(NULL, 0, addr, alen,
		                               smtputf8 != 0) == (size_t)-1)
			return refuse(err, DSNG_ERR_BAD_ORCPT, "orcpt",
			              "the address is not valid UTF-8");
		enc = dsng_xtext_utf8_encode(tmp, addr, alen, smtputf8 != 0);
	} else {
		enc = dsng_xtext_encode(tmp, addr, alen);
	}
	if (!enc)
		return nomem(err);
	*type_out = type;
	*addr_off = off;
	return talloc_asprintf(tmp, "ORCPT=%s;%s", type, enc);
}

/* Build and check each parameter; lists of the parameters as sent. */
static int build_params(TALLOC_CTX *tmp, void *mail, void *rcpt,
                        const char *ret, const char *envid, size_t envid_len,
                        int has_envid, const char *notify, const char *orcpt,
                        size_t orcpt_len, int has_orcpt, int smtputf8,
                        struct dsng_error *err)
{
	const struct dsngb_builder *b = &dsngb_native;
	struct dsng_cmd *c = talloc(tmp, struct dsng_cmd);
	unsigned utf8 = smtputf8 ? DSNG_CMD_UTF8 : 0;
	char *p;

	if (!c) {
		nomem(err);
		return DSNG_ENOMEM;
	}
	if (ret) {
		p = talloc_asprintf(tmp, "RET=%s", ret);
		if (!p) {
			nomem(err);
			return DSNG_ENOMEM;
		}
		if (check_param(c, tmp, "MAIL FROM:<>", p, DSNG_PARAM_RET,
		                DSNG_ERR_BAD_RET, "ret", 0, err))
			return err->rc;
		b->list_push(mail, dsngb_cstr(b, c->ret == DSNG_RET_FULL
		                                         ? "RET=FULL"
		                                         : "RET=HDRS"));
	}
	if (has_envid) {
		char *x;

		if (envid_len == 0) {
			refuse(err, DSNG_ERR_BAD_ENVID, "envid", "empty");
			return DSNG_ESYNTAX;
		}
		x = dsng_xtext_encode(tmp, envid, envid_len);
		p = x ? talloc_asprintf(tmp, "ENVID=%s", x) : NULL;
		if (!p) {
			nomem(err);
			return DSNG_ENOMEM;
		}
		if (check_param(c, tmp, "MAIL FROM:<>", p, DSNG_PARAM_ENVID,
		                DSNG_ERR_BAD_ENVID, "envid", 0, err))
			return err->rc;
		if (!span_is(c->envid, envid, envid_len)) {
			refuse(err, DSNG_ERR_BAD_ENVID, "envid",
			       "does not decode to the value given");
			return DSNG_ESYNTAX;
		}
		b->list_push(mail, dsngb_cstr(b, p));
	}
	if (smtputf8)
		b->list_push(mail, dsngb_cstr(b, "SMTPUTF8"));
	if (notify) {
		char words[DSNG_NOTIFY_TEXT_MAX];

		p = talloc_asprintf(tmp, "NOTIFY=%s", notify);
		if (!p) {
			nomem(err);
			return DSNG_ENOMEM;
		}
		if (!*notify) {
			refuse(err, DSNG_ERR_BAD_NOTIFY, "notify", "empty");
			return DSNG_ESYNTAX;
		}
		if (check_param(c, tmp, "RCPT TO:<postmaster>", p,
		                DSNG_PARAM_NOTIFY, DSNG_ERR_BAD_NOTIFY,
		                "notify", 0, err))
			return err->rc;
		dsng_notify_format(words, sizeof(words), c->notify);
		p = talloc_asprintf(tmp, "NOTIFY=%s", words);
		if (!p) {
			nomem(err);
			return DSNG_ENOMEM;
		}
		b->list_push(rcpt, dsngb_cstr(b, p));
	}
	if (has_orcpt) {
		const char *type = NULL;
		size_t off = 0;

		p = orcpt_param(tmp, orcpt, orcpt_len, smtputf8, &type, &off,
		                err);
		if (!p)
			return err->rc;
		if (check_param(c, tmp, "RCPT TO:<postmaster>", p,
		                DSNG_PARAM_ORCPT, DSNG_ERR_BAD_ORCPT, "orcpt",
		                utf8, err))
			return err->rc;
		if (!span_is(c->orcpt_addr, orcpt + off, orcpt_len - off)) {
			refuse(err, DSNG_ERR_BAD_ORCPT, "orcpt",
			       "does not decode to the address given");
			return DSNG_ESYNTAX;
		}
		b->list_push(rcpt, dsngb_cstr(b, p));
	}
	return DSNG_OK;
}

dsngb_result dsn_params(const char *ret, const char *envid, size_t envid_len,
                        int has_envid, const char *notify, const char *orcpt,
                        size_t orcpt_len, int has_orcpt, int smtputf8,
                        struct dsng_error *err)
{
	const struct dsngb_builder *b = &dsngb_native;
	TALLOC_CTX *tmp = talloc_new(NULL);
	void *res, *mail, *rcpt;
	int rc;

	if (!tmp)
		return nomem(err);
	res = b->map_new();
	mail = b->list_new();
	rcpt = b->list_new();
	if (!res || !mail || !rcpt) {
		dsngb_native_free(res);
		dsngb_native_free(mail);
		dsngb_native_free(rcpt);
		talloc_free(tmp);
		return nomem(err);
	}
	rc = build_params(tmp, mail, rcpt, ret, envid, envid_len, has_envid,
	                  notify, orcpt, orcpt_len, has_orcpt, smtputf8, err);
	talloc_free(tmp);
	b->map_set(res, "mail", mail);
	b->map_set(res, "rcpt", rcpt);
	if (rc != DSNG_OK) {
		dsngb_native_free(res);
		return NULL;
	}
	return finish(res, err);
}
