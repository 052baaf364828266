/*
 * tests/tsan/test_threads.c - ThreadSanitizer test (DSNG_TSAN builds, ctest
 * label "tsan").
 *
 * A multi-threaded MTA filter loads its policy once and shares it between
 * the threads that serve connections, each thread with its own session
 * and talloc context.  This program does exactly that: two policies (a
 * preset and one parsed from config text) are loaded once, then THREADS
 * threads run every parser (cmd, ehlo, reply, status, xtext, addr, mime,
 * report, batv, maillog) and every policy decision (ehlo, mail, rcpt,
 * header, generate, bounce, line, and the EHLO-reply wrapper) many times
 * at once.  Each run writes what it got into one text; every thread's
 * text of every iteration must equal the one the main thread wrote
 * before the threads started.  ThreadSanitizer fails the test on any data
 * race (a write into the shared policy, a lazily filled static table);
 * the comparison catches results that depend on the other threads.
 *
 *   test_threads [ITERATIONS]     (default 200; or DSNG_TSAN_ITERATIONS)
 *
 * Every libdsnguard call is in the first block below, one small helper
 * per call, written against the 0.2.0 API (doc/ARCHITECTURE.md, CHANGELOG.md):
 * versioned structs set up with their DSNG_<X>_INIT, outputs first and
 * the error last.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <talloc.h>

#include <dsnguard/dsnguard.h>

/* ==================================================================== *
 * The API calls.  Nothing below this block names a dsng_ function, a
 * dsng struct's field or a DSNG_ constant.
 * ==================================================================== */

typedef struct dsng_policy policy_t;
typedef struct dsng_policy_session session_t;
typedef struct dsng_decision decision_t;
typedef struct dsng_policy_bounce_info bounce_t;
typedef struct dsng_cmd cmd_t;
typedef struct dsng_error err_t;
typedef struct dsng_ehlo ehlo_t;
typedef struct dsng_reply reply_t;
typedef struct dsng_mime_message mime_t;
typedef struct dsng_report report_t;
typedef struct dsng_batv_key batv_key_t;

enum kind { K_SUCCESS, K_FAILURE, K_DELAY, K_RELAYED, K_EXPANDED, K_N };

static void api_error_init(err_t *err)
{
	*err = (err_t)DSNG_ERROR_INIT;
}

/* "rc=-3 kind=bad_xtext off=12 501 5.5.4 msg=..." */
static char *api_error_text(TALLOC_CTX *mem, int rc, const err_t *err)
{
	return talloc_asprintf(mem,
	                       "rc=%d err.rc=%d kind=%s off=%zu line=%u "
	                       "reply=%d %s limit=%s msg=%s",
	                       rc, err->rc, dsng_error_kind_name(err->kind),
	                       err->offset, err->line, err->reply,
	                       err->enhanced, err->limit ? err->limit : "-",
	                       err->message);
}

static int api_policy_preset(TALLOC_CTX *mem, policy_t **out, const char *name,
                             err_t *err)
{
	return dsng_policy_preset(mem, out, name, err);
}

static int api_policy_parse(TALLOC_CTX *mem, policy_t **out, const char *text,
                            const char *name, err_t *err)
{
	const struct dsng_policy_opts opts = DSNG_POLICY_OPTS_INIT;
	return dsng_policy_parse(mem, out, text, strlen(text), name, &opts,
	                         err);
}

static const char *api_policy_name(const policy_t *p)
{
	return dsng_policy_name(p);
}

/* A client: address, reverse name, SASL user (NULL: none), TLS, port. */
static int api_session_init(session_t *s, const char *addr, const char *name,
                            const char *auth_user, bool tls, unsigned port,
                            err_t *err)
{
	*s = (session_t)DSNG_POLICY_SESSION_INIT;
	s->client_name = name;
	s->auth_user = auth_user;
	s->tls = tls;
	s->port = port;
	return dsng_policy_session_set_addr(s, addr, strlen(addr), err);
}

static void api_session_helo(session_t *s, const char *helo)
{
	s->helo_name = helo;
}

static void api_session_reset(session_t *s)
{
	dsng_policy_session_reset(s);
}

/* The session's state part and client classes, after the decisions. */
static char *api_session_text(TALLOC_CTX *mem, const policy_t *p, session_t *s)
{
	unsigned classes = dsng_policy_classes(p, s);
	return talloc_asprintf(
	        mem,
	        "classes=%#x trusted=%d cached=%d lookup=%d offered=%d "
	        "esmtp=%d ehlo_classes=%#x null=%d n_recipients=%zu",
	        classes, s->trusted, s->trusted_cached,
	        (int)dsng_policy_is_trusted(p, s), s->dsn_offered,
	        (int)s->esmtp, s->ehlo_classes, (int)s->null_sender,
	        s->n_recipients);
}

static void api_decision_init(decision_t *d)
{
	*d = (decision_t)DSNG_DECISION_INIT;
}

static char *api_decision_text(TALLOC_CTX *mem, int rc, const decision_t *d)
{
	return talloc_asprintf(
	        mem,
	        "rc=%d %s/%s changed=%d changes=%#x syntax=%d reply=%d %s "
	        "\"%s\" rule=%s origin=%s:%u asked=%#x notify=%#x "
	        "verdict=%s evidence=%#x reason=\"%s\" new=%s",
	        rc, dsng_policy_action_name(d->action),
	        dsng_policy_compliance_name(d->compliance), (int)d->changed,
	        d->changes, (int)d->syntax_error, d->reply_code,
	        d->enhanced ? d->enhanced : "", d->reply_text,
	        d->rule ? d->rule : "-", d->origin ? d->origin : "-", d->line,
	        d->notify_requested, d->notify,
	        dsng_policy_verdict_name(d->verdict), d->evidence, d->reason,
	        d->rewritten ? d->rewritten : "-");
}

static int api_policy_ehlo(decision_t *d, const policy_t *p, session_t *s,
                           bool esmtp, err_t *err)
{
	return dsng_policy_ehlo(d, p, s, esmtp, err);
}

static int api_policy_mail(decision_t *d, const policy_t *p, session_t *s,
                           cmd_t *cmd, err_t *err)
{
	return dsng_policy_mail(d, p, s, cmd, err);
}

static int api_policy_rcpt(decision_t *d, const policy_t *p, session_t *s,
                           cmd_t *cmd, err_t *err)
{
	return dsng_policy_rcpt(d, p, s, cmd, err);
}

static int api_policy_header(decision_t *d, const policy_t *p, session_t *s,
                             const char *name, const char *value, err_t *err)
{
	return dsng_policy_header(d, p, s, name, strlen(name), value,
	                          strlen(value), err);
}

static const enum dsng_dsn_kind KINDS[K_N] = {
        DSNG_DSN_SUCCESS, DSNG_DSN_FAILURE, DSNG_DSN_DELAY, DSNG_DSN_RELAYED,
        DSNG_DSN_EXPANDED};

static int api_policy_generate(decision_t *d, const policy_t *p, session_t *s,
                               enum kind kind, bool null_sender,
                               unsigned notify_bits, err_t *err)
{
	return dsng_policy_generate(d, p, s, KINDS[kind], null_sender,
	                            notify_bits, err);
}

/* NOTIFY bits of a kind, for dsng_policy_generate. */
static unsigned api_notify_bit(enum kind kind)
{
	return DSNG_NOTIFY_BIT(KINDS[kind]);
}

/* A bounce to rcpt: null sender, a report or not, fixed time. */
static void api_bounce_init(bounce_t *b, const char *rcpt, time_t now)
{
	*b = (bounce_t)DSNG_POLICY_BOUNCE_INFO_INIT;
	b->null_sender = true;
	b->rcpt.ptr = rcpt;
	b->rcpt.len = strlen(rcpt);
	b->now = now;
}

static int api_bounce_from_report(TALLOC_CTX *mem, bounce_t *b,
                                  const report_t *r, err_t *err)
{
	return dsng_policy_bounce_info_from_report(mem, b, r, err);
}

static int api_policy_bounce(decision_t *d, const policy_t *p, session_t *s,
                             const bounce_t *b, err_t *err)
{
	return dsng_policy_bounce(d, p, s, b, err);
}

static int api_policy_ehlo_reply(TALLOC_CTX *mem, decision_t *d,
                                 const policy_t *p, session_t *s,
                                 const ehlo_t *caps, err_t *err)
{
	return dsng_policy_ehlo_reply(mem, d, p, s, caps, err);
}

static int api_policy_line(TALLOC_CTX *mem, decision_t *d, cmd_t *cmd,
                           const policy_t *p, session_t *s, const char *line,
                           err_t *err)
{
	const struct dsng_cmd_opts opts = DSNG_CMD_OPTS_INIT;
	*cmd = (cmd_t)DSNG_CMD_INIT;
	return dsng_policy_line(mem, d, cmd, p, s, line, strlen(line), &opts,
	                        err);
}

/* ---- parsers ---- */

static int api_cmd_parse(cmd_t *cmd, const char *line, err_t *err)
{
	*cmd = (cmd_t)DSNG_CMD_INIT;
	return dsng_cmd_parse(cmd, line, strlen(line), NULL, err);
}

static char *api_cmd_text(TALLOC_CTX *mem, const cmd_t *cmd)
{
	char notify[DSNG_NOTIFY_TEXT_MAX];
	dsng_notify_format(notify, sizeof(notify), cmd->notify);
	return talloc_asprintf(mem, "%s [%s] n_params=%zu notify=%s lax=%#x",
	                       dsng_cmd_verb_name(cmd->verb),
	                       dsng_cmd_format(mem, cmd), cmd->n_params, notify,
	                       cmd->lax);
}

static int api_ehlo_parse(TALLOC_CTX *mem, ehlo_t **out, const char *buf,
                          err_t *err)
{
	return dsng_ehlo_parse(mem, out, buf, strlen(buf), NULL, err);
}

static char *api_ehlo_text(TALLOC_CTX *mem, const ehlo_t *caps)
{
	static const char *const hide[] = {"DSN", NULL};
	return talloc_asprintf(
	        mem, "domain=%s n_caps=%zu dsn=%d size=%llu plain=%d [%s]",
	        caps->domain, caps->n_caps, (int)dsng_ehlo_has(caps, "DSN"),
	        (unsigned long long)caps->size,
	        (int)dsng_ehlo_has_auth(caps, "PLAIN"),
	        dsng_ehlo_format(mem, caps, 0, hide, 0));
}

static int api_ehlo_hide(TALLOC_CTX *mem, char **out, const char *buf,
                         err_t *err)
{
	static const char *const hide[] = {"DSN", "SIZE", NULL};
	const struct dsng_reply_opts opts = DSNG_REPLY_OPTS_INIT;
	return dsng_ehlo_hide(mem, out, NULL, buf, strlen(buf), 0, hide, &opts,
	                      err);
}

static int api_reply_parse(TALLOC_CTX *mem, reply_t **out, const char *buf,
                           err_t *err)
{
	return dsng_reply_parse(mem, out, buf, strlen(buf), NULL, err);
}

static char *api_reply_text(TALLOC_CTX *mem, const reply_t *r)
{
	return talloc_asprintf(mem,
	                       "code=%d enhanced=%s lines=%zu text=[%s] "
	                       "out=[%s]",
	                       r->code, r->has_enhanced ? r->enhanced.str : "-",
	                       r->n_lines, dsng_reply_text(mem, r, true),
	                       dsng_reply_format(mem, r));
}

static int api_reply_complete(size_t *used, const char *buf, err_t *err)
{
	const struct dsng_reply_opts opts = DSNG_REPLY_OPTS_INIT;
	return dsng_reply_complete(used, buf, strlen(buf), &opts, err);
}

static char *api_status_text(TALLOC_CTX *mem, const char *buf, err_t *err)
{
	struct dsng_status_code code, found, prefix;
	size_t offset = 0;
	int rc = dsng_status_parse(&code, buf, strlen(buf), err);
	int frc = dsng_status_find(&found, &offset, buf, strlen(buf));
	size_t plen = dsng_status_prefix(&prefix, buf, strlen(buf));
	const char *cls = "-";
	if (rc == 0)
		cls = code.cls == DSNG_STATUS_CLASS_SUCCESS     ? "S"
		      : code.cls == DSNG_STATUS_CLASS_TRANSIENT ? "T"
		      : code.cls == DSNG_STATUS_CLASS_PERMANENT ? "P"
		                                                : "?";
	return talloc_asprintf(mem,
	                       "parse=%d %s (%s; %s %s) find=%d %s@%zu "
	                       "prefix=%zu",
	                       rc, rc == 0 ? code.str : "-",
	                       rc == 0 ? dsng_status_describe(&code) : "-",
	                       rc == 0 ? dsng_status_class_name(code.cls) : "-",
	                       cls, frc, frc == 0 ? found.str : "-", offset,
	                       plen);
}

static int api_xtext_decode(TALLOC_CTX *mem, char **out, size_t *out_len,
                            const char *in, bool lower_hex, err_t *err)
{
	return dsng_xtext_decode_talloc(mem, out, out_len, in, strlen(in),
	                                lower_hex ? DSNG_XTEXT_LOWER_HEX : 0,
	                                err);
}

static char *api_xtext_encode(TALLOC_CTX *mem, const char *in, size_t len)
{
	return dsng_xtext_encode(mem, in, len);
}

static int api_xtext_utf8_decode(char *out, size_t size, size_t *out_len,
                                 const char *in, bool unitext, err_t *err)
{
	unsigned seen = 0;
	return dsng_xtext_utf8_decode(out, size, out_len, in, strlen(in),
	                              unitext ? DSNG_XTEXT_UNITEXT : 0, &seen,
	                              err);
}

static char *api_xtext_utf8_encode(TALLOC_CTX *mem, const char *in,
                                   bool unitext)
{
	return dsng_xtext_utf8_encode(mem, in, strlen(in), unitext);
}

static char *api_addr_text(TALLOC_CTX *mem, const char *buf, bool rcpt,
                           bool utf8, err_t *err)
{
	struct dsng_path path;
	unsigned lax = 0;
	unsigned flags =
	        (rcpt ? DSNG_ADDR_RCPT : 0) | (utf8 ? DSNG_ADDR_UTF8 : 0);
	int rc = dsng_addr_parse(&path, buf, strlen(buf), flags, &lax, err);
	if (rc != 0)
		return api_error_text(mem, rc, err);
	return talloc_asprintf(
	        mem,
	        "mailbox=%.*s local=%.*s domain=%.*s "
	        "route=%.*s null=%d pm=%d utf8=%d lax=%#x",
	        (int)path.mailbox.len, path.mailbox.ptr, (int)path.local.len,
	        path.local.ptr, (int)path.domain.len, path.domain.ptr,
	        (int)path.route.len, path.route.ptr, (int)path.is_null,
	        (int)path.is_postmaster, (int)path.has_utf8, lax);
}

static int api_mime_parse(TALLOC_CTX *mem, mime_t **out, const char *buf,
                          size_t len, err_t *err)
{
	const struct dsng_mime_limits lim = DSNG_MIME_LIMITS_INIT;
	return dsng_mime_parse(mem, out, buf, len, &lim, err);
}

static char *api_mime_text(TALLOC_CTX *mem, const mime_t *m)
{
	char *t = talloc_asprintf(mem, "parts=%zu problems=%zu truncated=%d",
	                          m->n_parts, m->n_problems, (int)m->truncated);
	for (size_t i = 0; i < m->n_parts; i++) {
		const struct dsng_mime_part *part = m->parts[i];
		const char *out = NULL;
		size_t out_len = 0;
		err_t err;
		api_error_init(&err);
		int rc = dsng_mime_part_decode(mem, &out, &out_len, part, NULL,
		                               &err);
		t = talloc_asprintf_append_buffer(
		        t, " [%u d%u %s %s body=%zu params=%zu decoded=%d/%zu]",
		        part->index, part->depth, part->type,
		        dsng_mime_cte_name(part->cte), part->body.len,
		        part->n_params, rc, out_len);
	}
	return t;
}

static int api_report_parse(TALLOC_CTX *mem, report_t **out, const char *buf,
                            size_t len, err_t *err)
{
	const struct dsng_report_limits lim = DSNG_REPORT_LIMITS_INIT;
	return dsng_report_parse(mem, out, buf, len, &lim, err);
}

static char *api_report_text(TALLOC_CTX *mem, const report_t *r)
{
	char *t = talloc_asprintf(
	        mem, "%s type=%s rcpts=%zu returned-id=%s human=%zu",
	        dsng_report_kind_name(r->kind),
	        r->report_type ? r->report_type : "-", r->n_recipients,
	        r->returned && r->returned->message_id ? r->returned->message_id
	                                               : "-",
	        r->human_text_len);
	for (size_t i = 0; i < r->n_recipients; i++) {
		const struct dsng_report_recipient *rc = r->recipients[i];
		t = talloc_asprintf_append_buffer(
		        t, " [%s %s %s]",
		        rc->final_recipient ? rc->final_recipient->value : "-",
		        rc->action ? rc->action : "-",
		        rc->status ? rc->status : "-");
	}
	return t;
}

static int api_batv_key_parse(TALLOC_CTX *mem, batv_key_t *out,
                              const char *text, err_t *err)
{
	return dsng_batv_key_parse(mem, out, text, strlen(text), 0, err);
}

static int api_batv_sign(TALLOC_CTX *mem, char **out, const char *addr,
                         time_t now, const batv_key_t *key, err_t *err)
{
	struct dsng_batv_opts opts = DSNG_BATV_OPTS_INIT;
	opts.keys = key;
	opts.n_keys = 1;
	return dsng_batv_sign(mem, out, addr, strlen(addr), now, &opts, err);
}

static char *api_batv_verify_text(TALLOC_CTX *mem, const char *addr, time_t now,
                                  const batv_key_t *key, err_t *err)
{
	struct dsng_batv_opts opts = DSNG_BATV_OPTS_INIT;
	struct dsng_batv_verdict v = DSNG_BATV_VERDICT_INIT;
	char *orig = NULL;
	opts.keys = key;
	opts.n_keys = 1;
	int rc = dsng_batv_verify(&v, addr, strlen(addr), now, &opts, err);
	int src = dsng_batv_strip(mem, &orig, addr, strlen(addr), NULL);
	return talloc_asprintf(mem, "verify=%d %s days_left=%d strip=%d %s", rc,
	                       dsng_batv_result_name(v.result), v.days_left,
	                       src, orig ? orig : "-");
}

/* A whole log through one scanner, fed in chunks of `chunk` bytes. */
static char *api_maillog_text(TALLOC_CTX *mem, const char *log, size_t len,
                              size_t chunk, err_t *err)
{
	const struct dsng_maillog_opts opts = DSNG_MAILLOG_OPTS_INIT;
	struct dsng_maillog *sc = NULL;
	struct dsng_maillog_event *ev = NULL;
	struct dsng_maillog_summary *sum = NULL;
	int rc = dsng_maillog_new(mem, &sc, &opts, err);
	if (rc != 0)
		return api_error_text(mem, rc, err);
	char *t = talloc_strdup(mem, "");
	for (size_t off = 0; off < len; off += chunk) {
		size_t n = len - off < chunk ? len - off : chunk;
		if ((rc = dsng_maillog_feed(sc, log + off, n, err)) != 0)
			return api_error_text(mem, rc, err);
		while (dsng_maillog_next(mem, &ev, sc) == 0 && ev)
			t = talloc_asprintf_append_buffer(
			        t,
			        " [%s %s %s->%s to=%s from=%s rcpts=%zu "
			        "client=%s pm=%d]",
			        dsng_maillog_mta_name(ev->mta),
			        dsng_maillog_kind_name(ev->kind),
			        ev->orig_queue_id ? ev->orig_queue_id : "-",
			        ev->dsn_queue_id ? ev->dsn_queue_id : "-",
			        ev->to ? ev->to : "-",
			        ev->orig_from ? ev->orig_from : "-",
			        ev->n_orig_rcpts,
			        ev->client_addr ? ev->client_addr : "-",
			        (int)ev->postmaster);
	}
	if ((rc = dsng_maillog_finish(sc, err)) != 0)
		return api_error_text(mem, rc, err);
	while (dsng_maillog_next(mem, &ev, sc) == 0 && ev)
		t = talloc_asprintf_append_buffer(
		        t, " [%s %s late]", dsng_maillog_mta_name(ev->mta),
		        dsng_maillog_kind_name(ev->kind));
	if ((rc = dsng_maillog_summary(mem, &sum, sc, err)) != 0)
		return api_error_text(mem, rc, err);
	return talloc_asprintf(mem,
	                       "lines=%lu mail=%lu garbage=%lu events=%lu "
	                       "by_recipient=%zu by_client=%zu%s",
	                       sum->lines, sum->mail, sum->garbage, sum->events,
	                       sum->n_by_recipient, sum->n_by_client, t);
}

/* ==================================================================== *
 * The test: inputs, one run over all of them, the threads.
 * ==================================================================== */

#define THREADS 8
#define DEFAULT_ITERATIONS 200

/* 2026-11-29 12:00:00 UTC: BATV and bounces never read the clock. */
static const time_t NOW = 1795953600;

static const char CONFIG[] =
        "preset = recommended\n"
        "[trusted-networks]\n"
        "127.0.0.0/8, ::1\n"
        "192.0.2.0/24\n"
        "2001:db8:100::/48\n"
        "[ehlo]\n"
        "offer-dsn = trusted, authenticated, submission\n"
        "[rcpt]\n"
        "success-from = trusted, authenticated\n"
        "delay-from = all\n"
        "failure-from = all\n"
        "action = downgrade\n"
        "orcpt-from = trusted\n"
        "unoffered = reject\n"
        "unoffered-reply = \"550 5.7.1 {param} refused: no DSN here\"\n"
        "[mail]\n"
        "ret-full-from = trusted\n"
        "ret-full-action = downgrade\n"
        "envid-from = all\n"
        "envid-action = strip\n"
        "[headers]\n"
        "receipts-from = trusted\n"
        "action = flag\n"
        "add-names = X-Read-Receipt-To\n"
        "flag-header = X-DSNGuard-Receipt-Request\n"
        "[generate]\n"
        "check-clients = yes\n"
        "[bounce]\n"
        "batv-key = 0:text:thread secret\n"
        "batv-days = 7\n"
        "batv-required = yes\n"
        "our-hosts = mx.example.net, out1.example.net\n"
        "action = reject\n"
        "reply = \"550 5.7.1 backscatter refused\"\n";

static const char *const COMMANDS[] = {
        "EHLO client.example.com\r\n",
        "HELO my_pc\r\n",
        "MAIL FROM:<alice@example.org> RET=FULL ENVID=QQ314159+2B1 "
        "SIZE=1024\r\n",
        "MAIL FROM:<> BODY=8BITMIME SMTPUTF8\r\n",
        "MAIL FROM: <lax@example.org>  AUTH=<>\r\n",
        ("RCPT TO:<bob@example.net> NOTIFY=SUCCESS,FAILURE "
         "ORCPT=rfc822;bob+40example.net\r\n"),
        "RCPT TO:<Postmaster> NOTIFY=NEVER\r\n",
        "RCPT TO:<carol@example.net> NOTIFY=DELAY,BOGUS\r\n",
        "RCPT TO:<d@[192.0.2.1]> ORCPT=utf-8;d\\x{E9}@example.net\r\n",
        "BDAT 1000 LAST\r\n",
        "DATA\r\n",
        "VRFY\r\n",
        "mail from:<x@y> NOTIFY=SUCCESS\r\n",
        "RCPT TO:<a@b.example> X=\x01\r\n",
        "",
};

static const char *const EHLO_REPLIES[] = {
        ("250-mx.example.net Hello client [198.51.100.33]\r\n"
         "250-ENHANCEDSTATUSCODES\r\n250-PIPELINING\r\n250-8BITMIME\r\n"
         "250-SIZE 35882577\r\n250-DSN\r\n250-AUTH PLAIN LOGIN\r\n"
         "250-DELIVERBY 300\r\n250 HELP\r\n"),
        "250 small.example\r\n",
        ("250-x.example\r\n250-SIZE abc\r\n250 DSN\r\n"),
        "550 5.7.1 go away\r\n",
};

static const char *const REPLIES[] = {
        "250 2.1.5 <bob@example.net>... Recipient ok\r\n",
        ("550-5.1.1 The email account that you tried to reach does not "
         "exist.\r\n"
         "550-5.1.1 Please try double-checking the recipient's email\r\n"
         "550 5.1.1 address for typos.\r\n"),
        "421 4.7.0 Try again later\n",
        ("250-first\r\n251 mixed\r\n"),
        "25",
};

static const char *const STATUSES[] = {
        "5.1.1",
        "2.0.0",
        "4.7.999",
        "5.1",
        "6.1.1",
        "x 4.4.7 (timeout)",
        "smtp; 550 5.7.1 relaying denied",
};

static const char *const XTEXTS[] = {
        "QQ314159+2B1", "bob+40example.net", "bad+2x", "lower+2b", "+00",
        "plain",
};

static const char *const UTF8_ADDRS[] = {
        "d\\x{E9}@example.net",
        "ascii@example.net",
        "bad\\x{41}@x",
        "\xc3\xa9l\xc3\xa8ve@example.net",
};

static const char *const ADDRS[] = {
        "<alice@example.org>",
        "<>",
        "<Postmaster>",
        "<@a,@b:c@d.example>",
        "<\"quoted local\"@example.org>",
        "plain@example.org",
        "<bad@@example.org>",
        "<x@[IPv6:2001:db8::1]>",
        "<\xc3\xa9@example.net>",
};

static const char *const HEADERS[][2] = {
        {"Disposition-Notification-To", "alice@example.org"},
        {"Return-Receipt-To", "<alice@example.org>"},
        {"X-Read-Receipt-To", "alice@example.org"},
        {"Subject", "hello"},
};

/* Clients: trusted, authenticated on submission, a stranger, IPv6. */
static const struct client {
	const char *addr, *name, *auth_user, *helo;
	bool tls;
	unsigned port;
} CLIENTS[] = {
        {"192.0.2.10", "relay.example.net", NULL, "relay.example.net", false,
         25},
        {"198.51.100.7", "laptop.example.com", "alice", "laptop", true, 587},
        {"203.0.113.66", NULL, NULL, "spam.example", false, 25},
        {"IPv6:2001:db8:100::25", "v6.example.net", NULL, "v6.example.net",
         true, 25},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct file {
	char *buf;
	size_t len;
};

/* What every run reads; filled once by main, read-only afterwards. */
static struct shared {
	const policy_t *policy[2];
	struct file report;  /* return-receipt.eml */
	struct file logs[3]; /* postfix, sendmail, exim */
	batv_key_t key;
	char *signed_addr; /* a valid prvs= address */
	const char *ref;   /* the main thread's result */
	unsigned iterations;
} G;

static void fail(const char *what)
{
	fprintf(stderr, "test_threads: %s\n", what);
	exit(1);
}

static struct file read_file(TALLOC_CTX *mem, const char *name)
{
	struct file f = {NULL, 0};
	char *path = talloc_asprintf(mem, "%s/%s", DSNG_EXAMPLES_DATA, name);
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		fprintf(stderr, "test_threads: %s: %s\n", path,
		        strerror(errno));
		exit(1);
	}
	f.buf = talloc_size(mem, 1 << 20);
	f.len = fread(f.buf, 1, (1 << 20) - 1, fp);
	f.buf[f.len] = '\0';
	fclose(fp);
	return f;
}

/* The text of one result, appended to *t. */
static void add(char **t, const char *what, const char *text)
{
	*t = talloc_asprintf_append_buffer(*t, "%s: %s\n", what,
	                                   text ? text : "(null)");
	if (!*t)
		fail("out of memory");
}

static void run_parsers(TALLOC_CTX *mem, char **t)
{
	err_t err;
	int rc;

	for (size_t i = 0; i < N(COMMANDS); i++) {
		cmd_t cmd;
		api_error_init(&err);
		rc = api_cmd_parse(&cmd, COMMANDS[i], &err);
		add(t, "cmd",
		    rc == 0 ? api_cmd_text(mem, &cmd)
		            : api_error_text(mem, rc, &err));
	}
	for (size_t i = 0; i < N(EHLO_REPLIES); i++) {
		ehlo_t *caps = NULL;
		char *hidden = NULL;
		api_error_init(&err);
		rc = api_ehlo_parse(mem, &caps, EHLO_REPLIES[i], &err);
		add(t, "ehlo",
		    rc == 0 ? api_ehlo_text(mem, caps)
		            : api_error_text(mem, rc, &err));
		api_error_init(&err);
		rc = api_ehlo_hide(mem, &hidden, EHLO_REPLIES[i], &err);
		add(t, "ehlo-hide",
		    rc == 0 ? hidden : api_error_text(mem, rc, &err));
	}
	for (size_t i = 0; i < N(REPLIES); i++) {
		reply_t *r = NULL;
		size_t used = 0;
		api_error_init(&err);
		rc = api_reply_parse(mem, &r, REPLIES[i], &err);
		add(t, "reply",
		    rc == 0 ? api_reply_text(mem, r)
		            : api_error_text(mem, rc, &err));
		api_error_init(&err);
		rc = api_reply_complete(&used, REPLIES[i], &err);
		add(t, "reply-complete",
		    talloc_asprintf(mem, "%d used=%zu", rc, used));
	}
	for (size_t i = 0; i < N(STATUSES); i++) {
		api_error_init(&err);
		add(t, "status", api_status_text(mem, STATUSES[i], &err));
	}
	for (size_t i = 0; i < N(XTEXTS); i++) {
		char *out = NULL;
		size_t len = 0;
		api_error_init(&err);
		rc = api_xtext_decode(mem, &out, &len, XTEXTS[i], i % 2, &err);
		add(t, "xtext",
		    rc == 0 ? api_xtext_encode(mem, out, len)
		            : api_error_text(mem, rc, &err));
	}
	for (size_t i = 0; i < N(UTF8_ADDRS); i++) {
		char out[256];
		size_t len = 0;
		api_error_init(&err);
		rc = api_xtext_utf8_decode(out, sizeof(out), &len,
		                           UTF8_ADDRS[i], i == 3, &err);
		if (rc == 0) {
			char *dec = talloc_strndup(mem, out, len);
			add(t, "utf8-addr",
			    talloc_asprintf(
			            mem, "%s -> %s", dec,
			            api_xtext_utf8_encode(mem, dec, false)));
		} else {
			add(t, "utf8-addr", api_error_text(mem, rc, &err));
		}
	}
	for (size_t i = 0; i < N(ADDRS); i++) {
		api_error_init(&err);
		add(t, "addr",
		    api_addr_text(mem, ADDRS[i], i % 3 == 2, i == 8, &err));
	}

	mime_t *m = NULL;
	api_error_init(&err);
	rc = api_mime_parse(mem, &m, G.report.buf, G.report.len, &err);
	add(t, "mime",
	    rc == 0 ? api_mime_text(mem, m) : api_error_text(mem, rc, &err));
	report_t *r = NULL;
	api_error_init(&err);
	rc = api_report_parse(mem, &r, G.report.buf, G.report.len, &err);
	add(t, "report",
	    rc == 0 ? api_report_text(mem, r) : api_error_text(mem, rc, &err));

	char *tagged = NULL;
	api_error_init(&err);
	rc = api_batv_sign(mem, &tagged, "alice@example.net", NOW, &G.key,
	                   &err);
	add(t, "batv-sign", rc == 0 ? tagged : api_error_text(mem, rc, &err));
	const char *verify[] = {tagged ? tagged : "-", "alice@example.net",
	                        "prvs=0000000000=alice@example.net"};
	for (size_t i = 0; i < N(verify); i++) {
		api_error_init(&err);
		add(t, "batv-verify",
		    api_batv_verify_text(mem, verify[i], NOW, &G.key, &err));
	}
	api_error_init(&err);
	add(t, "batv-verify-late",
	    api_batv_verify_text(mem, verify[0], NOW + 30 * 86400, &G.key,
	                         &err));

	for (size_t i = 0; i < N(G.logs); i++) {
		api_error_init(&err);
		add(t, "maillog",
		    api_maillog_text(mem, G.logs[i].buf, G.logs[i].len,
		                     97 + 400 * i, &err));
	}
}

/* One client's SMTP conversation, then its headers, DSNs and bounces. */
static void run_client(TALLOC_CTX *mem, char **t, const policy_t *p,
                       const struct client *c)
{
	session_t s;
	decision_t d;
	err_t err;
	cmd_t cmd;
	int rc;

	api_error_init(&err);
	rc = api_session_init(&s, c->addr, c->name, c->auth_user, c->tls,
	                      c->port, &err);
	if (rc != 0) {
		add(t, "session", api_error_text(mem, rc, &err));
		return;
	}
	api_session_helo(&s, c->helo);

	/* The EHLO reply of the server, rewritten for this client. */
	ehlo_t *caps = NULL;
	api_error_init(&err);
	if (api_ehlo_parse(mem, &caps, EHLO_REPLIES[0], &err) != 0)
		fail("the EHLO reply does not parse");
	api_decision_init(&d);
	rc = api_policy_ehlo_reply(mem, &d, p, &s, caps, &err);
	add(t, "ehlo-reply", api_decision_text(mem, rc, &d));
	api_decision_init(&d);
	rc = api_policy_ehlo(&d, p, &s, true, &err);
	add(t, "ehlo", api_decision_text(mem, rc, &d));
	add(t, "session-ehlo", api_session_text(mem, p, &s));

	/* Decisions on parsed commands. */
	for (size_t i = 0; i < N(COMMANDS); i++) {
		api_error_init(&err);
		if (api_cmd_parse(&cmd, COMMANDS[i], &err) != 0)
			continue;
		api_decision_init(&d);
		if (strncmp(COMMANDS[i], "MAIL", 4) == 0 ||
		    strncmp(COMMANDS[i], "mail", 4) == 0) {
			api_session_reset(&s);
			rc = api_policy_mail(&d, p, &s, &cmd, &err);
			add(t, "mail", api_decision_text(mem, rc, &d));
		} else if (strncmp(COMMANDS[i], "RCPT", 4) == 0) {
			rc = api_policy_rcpt(&d, p, &s, &cmd, &err);
			add(t, "rcpt", api_decision_text(mem, rc, &d));
		}
	}
	/* The same lines through the wrapper, which parses them itself. */
	for (size_t i = 0; i < N(COMMANDS); i++) {
		api_error_init(&err);
		api_decision_init(&d);
		rc = api_policy_line(mem, &d, &cmd, p, &s, COMMANDS[i], &err);
		add(t, "line", api_decision_text(mem, rc, &d));
		if (rc != 0)
			add(t, "line-error", api_error_text(mem, rc, &err));
	}
	add(t, "session-lines", api_session_text(mem, p, &s));
	for (size_t i = 0; i < N(HEADERS); i++) {
		api_error_init(&err);
		api_decision_init(&d);
		rc = api_policy_header(&d, p, &s, HEADERS[i][0], HEADERS[i][1],
		                       &err);
		add(t, "header", api_decision_text(mem, rc, &d));
	}
	for (int k = 0; k < K_N; k++) {
		for (int asked = 0; asked < 2; asked++) {
			api_error_init(&err);
			api_decision_init(&d);
			rc = api_policy_generate(
			        &d, p, &s, (enum kind)k, false,
			        asked ? api_notify_bit((enum kind)k) : 0, &err);
			add(t, "generate", api_decision_text(mem, rc, &d));
		}
	}
	api_error_init(&err);
	api_decision_init(&d);
	rc = api_policy_generate(&d, p, &s, K_FAILURE, true, 0, &err);
	add(t, "generate-null", api_decision_text(mem, rc, &d));

	/* Bounces: tagged (valid), untagged, forged, and one from a report. */
	const char *rcpts[] = {G.signed_addr, "alice@example.net",
	                       "prvs=0123456789=alice@example.net"};
	for (size_t i = 0; i < N(rcpts); i++) {
		bounce_t b;
		api_bounce_init(&b, rcpts[i], NOW);
		api_error_init(&err);
		api_decision_init(&d);
		rc = api_policy_bounce(&d, p, &s, &b, &err);
		add(t, "bounce", api_decision_text(mem, rc, &d));
	}
	report_t *r = NULL;
	api_error_init(&err);
	if (api_report_parse(mem, &r, G.report.buf, G.report.len, &err) != 0)
		fail("the report does not parse");
	bounce_t b;
	api_bounce_init(&b, "spamvictim@victim.example", NOW);
	api_error_init(&err);
	rc = api_bounce_from_report(mem, &b, r, &err);
	add(t, "bounce-from-report", talloc_asprintf(mem, "%d", rc));
	api_decision_init(&d);
	api_error_init(&err);
	rc = api_policy_bounce(&d, p, &s, &b, &err);
	add(t, "bounce-report", api_decision_text(mem, rc, &d));
	add(t, "session-end", api_session_text(mem, p, &s));
}

/* Everything once: the text that every thread must reproduce. */
static char *run_all(TALLOC_CTX *mem)
{
	char *t = talloc_strdup(mem, "");
	run_parsers(mem, &t);
	for (size_t i = 0; i < N(G.policy); i++) {
		add(&t, "policy", api_policy_name(G.policy[i]));
		for (size_t c = 0; c < N(CLIENTS); c++)
			run_client(mem, &t, G.policy[i], &CLIENTS[c]);
	}
	return t;
}

static pthread_barrier_t start;

struct worker {
	pthread_t thread;
	unsigned id;
	unsigned mismatches;
	char *first_bad; /* the first text that differed */
	TALLOC_CTX *mem; /* the thread's own context */
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	w->mem = talloc_new(NULL);
	pthread_barrier_wait(&start);
	for (unsigned i = 0; i < G.iterations; i++) {
		TALLOC_CTX *tmp = talloc_new(w->mem);
		char *t = run_all(tmp);
		if (strcmp(t, G.ref) != 0 && w->mismatches++ == 0)
			w->first_bad = talloc_steal(w->mem, t);
		talloc_free(tmp);
	}
	return NULL;
}

/* The first line where two texts differ, for the failure message. */
static void show_difference(const char *want, const char *got)
{
	unsigned line = 1;
	while (*want && *want == *got) {
		if (*want == '\n')
			line++;
		want++, got++;
	}
	fprintf(stderr,
	        "  first difference at line %u:\n  want: %.200s\n"
	        "  got:  %.200s\n",
	        line, want, got);
}

static void expect(const char *text, const char *needle)
{
	if (!strstr(text, needle)) {
		fprintf(stderr,
		        "test_threads: the reference run lacks \"%s\":\n%s",
		        needle, text);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	TALLOC_CTX *top = talloc_new(NULL);
	err_t err;
	const char *env = getenv("DSNG_TSAN_ITERATIONS");
	G.iterations = argc > 1 ? (unsigned)atoi(argv[1])
	               : env    ? (unsigned)atoi(env)
	                        : DEFAULT_ITERATIONS;
	if (G.iterations == 0)
		G.iterations = 1;

	/* The shared, read-only state: loaded once, before any thread. */
	policy_t *p = NULL;
	api_error_init(&err);
	if (api_policy_preset(top, &p, "recommended", &err) != 0)
		fail(api_error_text(top, -1, &err));
	G.policy[0] = p;
	api_error_init(&err);
	if (api_policy_parse(top, &p, CONFIG, "threads.conf", &err) != 0)
		fail(api_error_text(top, -1, &err));
	G.policy[1] = p;
	G.report = read_file(top, "return-receipt.eml");
	G.logs[0] = read_file(top, "postfix-dsn.log");
	G.logs[1] = read_file(top, "sendmail-dsn.log");
	G.logs[2] = read_file(top, "exim-dsn.log");
	api_error_init(&err);
	if (api_batv_key_parse(top, &G.key, "0:text:thread secret", &err) != 0)
		fail(api_error_text(top, -1, &err));
	api_error_init(&err);
	if (api_batv_sign(top, &G.signed_addr, "alice@example.net", NOW, &G.key,
	                  &err) != 0)
		fail(api_error_text(top, -1, &err));

	/* The reference, and a check that it did something. */
	G.ref = run_all(top);
	static const char *const needles[] = {
	        "cmd: MAIL [MAIL FROM:<alice@example.org>",
	        "ehlo: domain=mx.example.net",
	        "reply: code=550 enhanced=5.1.1 lines=3",
	        "status: parse=0 5.1.1",
	        "report: dsn ",
	        "batv-verify: verify=0 valid",
	        "maillog: lines=",
	        "ehlo: rc=0 advertise_dsn",
	        "ehlo: rc=0 hide_dsn",
	        "rcpt: rc=0 reject",
	        "header: rc=0 strip",
	        "header: rc=0 flag",
	        "generate: rc=0 never",
	        "verdict=legit",
	        "verdict=backscatter",
	        "line: rc=0 reject",
	        "line: rc=-3 reject/compliant changed=0 changes=0 syntax=1",
	        "line-error: rc=-3 err.rc=-3 kind=bad_notify",
	        "changed=1 changes=0x10 syntax=0",
	        "asked=0x6 notify=0x6",
	        "new=MAIL FROM:<alice@example.org> RET=HDRS",
	        "session-ehlo: classes=0x3 trusted=-1 cached=1 lookup=1",
	};
	for (size_t i = 0; i < N(needles); i++)
		expect(G.ref, needles[i]);
	if (getenv("DSNG_TSAN_PRINT"))
		fputs(G.ref, stdout);

	struct worker w[THREADS];
	pthread_barrier_init(&start, NULL, THREADS);
	for (unsigned i = 0; i < THREADS; i++) {
		w[i] = (struct worker){.id = i};
		if (pthread_create(&w[i].thread, NULL, worker_main, &w[i]) != 0)
			fail("pthread_create");
	}
	unsigned bad = 0;
	for (unsigned i = 0; i < THREADS; i++) {
		pthread_join(w[i].thread, NULL);
		if (w[i].mismatches) {
			fprintf(stderr,
			        "test_threads: thread %u: %u of %u runs "
			        "differ from the reference\n",
			        i, w[i].mismatches, G.iterations);
			show_difference(G.ref, w[i].first_bad);
			bad++;
		}
		talloc_free(w[i].mem);
	}
	pthread_barrier_destroy(&start);
	size_t lines = 0;
	for (const char *c = G.ref; *c; c++)
		lines += *c == '\n';
	printf("test_threads: %d threads x %u runs of %zu results each "
	       "(2 shared policies): %s\n",
	       THREADS, G.iterations, lines,
	       bad ? "some runs DIFFER" : "all identical");
	talloc_free(top);
	return bad ? 1 : 0;
}
