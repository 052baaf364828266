/*
 * examples/cli/cmd_audit.c - `dsnguard audit TRANSCRIPT [--policy FILE |
 * --preset NAME] [--client IP] [--auth USER] [--tls] [--port N]
 * [--fail-on-receipt] [--json]`: replay a pasted SMTP session (or swaks
 * output) through a policy, say command by command what it does and why,
 * and list the return receipts that would have been mailed under
 * `permissive` and under the chosen policy.
 *
 * The session is replayed twice in step, once per policy, each with its
 * own dsng_policy_session, as two MTAs would see it.  The real server's
 * replies count too: a command the server refused starts nothing in
 * either.  Facts change when a server would learn them: a login at the
 * 235 that ends the transcript's AUTH exchange, TLS at STARTTLS's 220;
 * --auth stands in for a login the transcript does not show, from right
 * after EHLO (whose decision never sees it).
 *
 * The transcript is read a window at a time (read_window), so the replay
 * cannot look at the whole of it first.  Whether --auth is used is
 * decided on what the server has seen when a login matters, at the first
 * MAIL: an AUTH command before the transcript's first MAIL is its own
 * login (and --auth is not used); with none, --auth holds from right
 * after EHLO.  The first window is held open up to that MAIL (within
 * AUDIT_WINDOW_MAX), so the decision is made before the EHLO is replayed.
 * An AUTH only after the first MAIL does not undo --auth: a server would
 * have refused it after a login (RFC 4954 4), and the commands before it
 * are already replayed.
 *
 * A transaction's accepted receipt requests count as receipts unless the
 * server refused its message (DATA or the end of data answered 4xx/5xx):
 * a transcript that stops after RCPT, or a probe that sends RSET, shows
 * what the server agreed to, and the message could follow.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "input.h"
#include "transcript.h"

/* One client command (or the end of message content) and the final
 * server reply that answered it (0 when the paste has none). */
struct item {
	struct transcript_line tl;
	int reply;
	int has_first;
	size_t reply_first, reply_last; /* indexes into lines[] */
};

struct receipt {
	char *to, *rcpt;
	unsigned notify;
	bool stranger; /* unauthenticated and untrusted at its RCPT */
};

struct hdr_receipt {
	char *header, *to;
};

/* One replay: a policy, its session and the transaction in progress. */
struct replay {
	const struct dsng_policy *p;
	struct dsng_policy_session s;
	char *from;       /* MAIL FROM of the open transaction */
	bool null_sender; /* ... and whether it was <> */
	int mail_ok;
	struct receipt *pending; /* RCPTs that would get a receipt */
	size_t n_pending;
	struct receipt *receipts;
	size_t n_receipts;
	struct hdr_receipt *hdrs;
	size_t n_hdrs;
	struct hdr_receipt *msg_hdrs; /* receipt headers kept in this msg */
	size_t n_msg_hdrs;
};

struct audit {
	TALLOC_CTX *mem;
	int json;
	struct replay pol, perm;
	const char *policy_name;
	char *client;
	const char *client_source;
	char *client_name;
	const char *auth;        /* --auth USER */
	const char *auth_source; /* "transcript", "option" or NULL */
	bool fail_on_receipt;    /* --fail-on-receipt given */
	size_t n_stranger;       /* receipts under the policy for strangers */
	/* Read so far (read_window): the transcript's first MAIL, and an AUTH
	 * before it, which makes --auth unused. */
	bool mail_read, auth_before_mail;
	/* A bounce verdict to print with the current RCPT, or NULL. */
	const struct dsng_decision *bounce;
};

/* NOTIFY bits as a JSON array of keywords ([] for none). */
static json_t *notify_json(unsigned bits)
{
	return dsngb_notify_list(&cli_json_builder, bits);
}

static const char *stage_of(const char *t, size_t len)
{
	static const struct {
		const char *verb, *stage;
	} map[] = {{"EHLO", "ehlo"}, {"HELO", "ehlo"}, {"LHLO", "ehlo"},
	           {"MAIL", "mail"}, {"RCPT", "rcpt"}, {"DATA", "data"}};
	size_t i, n = 0;

	while (n < len && t[n] != ' ' && t[n] != '\t')
		n++;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (n == 4 && !strncasecmp(t, map[i].verb, 4))
			return map[i].stage;
	return "other";
}

static char *rule_text(TALLOC_CTX *mem, const struct dsng_decision *d)
{
	if (d->line)
		return talloc_asprintf(mem, "%s:%u:%s",
		                       d->origin ? d->origin : "", d->line,
		                       d->rule ? d->rule : "");
	return talloc_asprintf(mem, "%s:%s", d->origin ? d->origin : "",
	                       d->rule ? d->rule : "");
}

static char *reply_text(TALLOC_CTX *mem, const struct dsng_decision *d)
{
	if (d->action != DSNG_POLICY_ACTION_REJECT || !d->reply_code)
		return NULL;
	if (d->enhanced && *d->enhanced)
		return talloc_asprintf(mem, "%d %s %s", d->reply_code,
		                       d->enhanced, d->reply_text);
	return talloc_asprintf(mem, "%d %s", d->reply_code, d->reply_text);
}

/* Print one decision, JSON or text; with_notify adds the NOTIFY the
 * client asked for (RCPT lines). */
static void report(struct audit *a, const struct transcript_line *tl,
                   const char *text, size_t len, const char *stage,
                   const struct dsng_decision *d, bool with_notify,
                   int server_reply)
{
	TALLOC_CTX *tmp = talloc_new(a->mem);
	char *rule = rule_text(tmp, d), *reply = reply_text(tmp, d);

	if (a->json) {
		json_t *o = json_object();
		json_object_set_new(o, "line", cli_json_bytes(text, len));
		json_object_set_new(o, "stage", json_string(stage));
		json_object_set_new(
		        o, "action",
		        json_string(dsng_policy_action_name(d->action)));
		json_object_set_new(o, "reason", cli_json_str(d->reason));
		json_object_set_new(o, "rule", cli_json_str(rule));
		json_object_set_new(o, "reply", cli_json_str(reply));
		if (with_notify)
			json_object_set_new(o, "notify",
			                    notify_json(d->notify_requested));
		json_object_set_new(o, "lineno", json_integer(tl->lineno));
		json_object_set_new(o, "compliance",
		                    json_string(dsng_policy_compliance_name(
		                            d->compliance)));
		json_object_set_new(o, "rewritten",
		                    d->changes && d->rewritten
		                            ? cli_json_str(d->rewritten)
		                            : json_null());
		json_object_set_new(o, "server_reply",
		                    server_reply ? json_integer(server_reply)
		                                 : json_null());
		if (a->bounce) {
			json_t *b = json_object();
			char *brep = reply_text(tmp, a->bounce);
			json_object_set_new(
			        b, "verdict",
			        json_string(dsng_policy_verdict_name(
			                a->bounce->verdict)));
			json_object_set_new(b, "action",
			                    json_string(dsng_policy_action_name(
			                            a->bounce->action)));
			json_object_set_new(b, "reason",
			                    cli_json_str(a->bounce->reason));
			json_object_set_new(b, "reply", cli_json_str(brep));
			json_object_set_new(o, "bounce", b);
		}
		cli_json_print(o);
	} else {
		printf("line %-4u %.*s\n", tl->lineno, (int)len, text);
		printf("          %s (%s)  [%s]\n",
		       dsng_policy_action_name(d->action),
		       dsng_policy_compliance_name(d->compliance), rule);
		if (reply)
			printf("          reply: %s\n", reply);
		if (d->changes && d->rewritten) {
			const char *q = d->rewritten;
			printf("          becomes:");
			/* A rewritten EHLO reply has several CRLF lines. */
			while (*q) {
				size_t m = strcspn(q, "\r\n");
				printf(" %.*s\n", (int)m, q);
				q += m;
				while (*q == '\r' || *q == '\n')
					q++;
				if (*q)
					printf("                  ");
			}
		}
		printf("          why: %s\n", d->reason);
		if (a->bounce)
			printf("          bounce: %s, %s%s%s\n",
			       dsng_policy_verdict_name(a->bounce->verdict),
			       a->bounce->reason,
			       reply_text(tmp, a->bounce) ? "; reply: " : "",
			       reply_text(tmp, a->bounce)
			               ? reply_text(tmp, a->bounce)
			               : "");
	}
	talloc_free(tmp);
}

static int add_receipt(TALLOC_CTX *mem, struct receipt **v, size_t *n,
                       const char *to, const char *rcpt, unsigned notify,
                       bool stranger)
{
	struct receipt *nv = talloc_realloc(mem, *v, struct receipt, *n + 1);

	if (!nv)
		return -1;
	*v = nv;
	nv[*n].to = talloc_strdup(mem, to);
	nv[*n].rcpt = talloc_strdup(mem, rcpt);
	nv[*n].notify = notify;
	nv[*n].stranger = stranger;
	(*n)++;
	return 0;
}

static int add_hdr(TALLOC_CTX *mem, struct hdr_receipt **v, size_t *n,
                   const char *header, const char *to)
{
	struct hdr_receipt *nv =
	        talloc_realloc(mem, *v, struct hdr_receipt, *n + 1);

	if (!nv)
		return -1;
	*v = nv;
	nv[*n].header = talloc_strdup(mem, header);
	nv[*n].to = talloc_strdup(mem, to);
	(*n)++;
	return 0;
}

static void reset_tx(struct replay *r)
{
	size_t i;

	dsng_policy_session_reset(&r->s);
	TALLOC_FREE(r->from);
	r->null_sender = false;
	r->mail_ok = 0;
	/* end_tx copied what it kept: a long transcript must not grow with
	 * every transaction */
	for (i = 0; i < r->n_pending; i++) {
		talloc_free(r->pending[i].to);
		talloc_free(r->pending[i].rcpt);
	}
	for (i = 0; i < r->n_msg_hdrs; i++) {
		talloc_free(r->msg_hdrs[i].header);
		talloc_free(r->msg_hdrs[i].to);
	}
	r->n_pending = 0;
	r->n_msg_hdrs = 0;
}

/* The open transaction ends.  Unless its message was refused (sent
 * false), its pending receipts become real after the last line of defence
 * (dsng_policy_generate): after DATA, and also when the transcript shows
 * no DATA for it (it stops after RCPT, or the client sent RSET or QUIT
 * instead): the server agreed to mail them once the message came. */
static int end_tx(struct audit *a, struct replay *r, bool sent)
{
	size_t i;

	if (sent && r->mail_ok) {
		for (i = 0; i < r->n_pending; i++) {
			struct dsng_decision d = DSNG_DECISION_INIT;

			if (dsng_policy_generate(&d, r->p, &r->s,
			                         DSNG_DSN_SUCCESS,
			                         r->null_sender,
			                         r->pending[i].notify, NULL) ||
			    d.action != DSNG_POLICY_ACTION_ACCEPT)
				continue;
			if (add_receipt(a->mem, &r->receipts, &r->n_receipts,
			                r->pending[i].to, r->pending[i].rcpt,
			                r->pending[i].notify,
			                r->pending[i].stranger))
				return -1;
			if (r == &a->pol && r->pending[i].stranger)
				a->n_stranger++;
		}
		for (i = 0; i < r->n_msg_hdrs; i++)
			if (add_hdr(a->mem, &r->hdrs, &r->n_hdrs,
			            r->msg_hdrs[i].header, r->msg_hdrs[i].to))
				return -1;
	}
	reset_tx(r);
	return 0;
}

/* One client command through one replay; d is filled (a line that does
 * not parse too: the refusal, with d->syntax_error). */
static int replay_cmd(struct audit *a, struct replay *r, const char *text,
                      size_t len, int server_reply, struct dsng_cmd *cmd,
                      struct dsng_decision *d)
{
	struct dsng_error err = DSNG_ERROR_INIT;
	int rc, server_ok = server_reply == 0 ||
	                    (server_reply >= 200 && server_reply < 400);

	dsng_cmd_init(cmd, DSNG_CMD_VERSION);
	rc = dsng_policy_line(a->mem, d, cmd, r->p, &r->s, text, len, NULL,
	                      &err);
	if (d->syntax_error)
		return 0;
	if (rc)
		return rc;
	if (cmd->verb == DSNG_VERB_MAIL) {
		/* A MAIL without DATA before it ends that transaction (the
		 * policy's decision has already started the new one in the
		 * session: the old one's sender was kept apart). */
		if (end_tx(a, r, true))
			return DSNG_ENOMEM;
		r->s.null_sender = cmd->path.is_null;
		r->null_sender = cmd->path.is_null;
		r->mail_ok =
		        d->action != DSNG_POLICY_ACTION_REJECT && server_ok;
		r->from = talloc_strndup(a->mem, cmd->path.mailbox.ptr,
		                         cmd->path.mailbox.len);
	} else if (cmd->verb == DSNG_VERB_RCPT) {
		/* cmd->notify is what remains after the decision (what the
		 * client asked for is d->notify_requested). */
		if (d->action != DSNG_POLICY_ACTION_REJECT && server_ok &&
		    r->mail_ok && (cmd->notify & DSNG_NOTIFY_SUCCESS) &&
		    r->from) {
			unsigned cls = dsng_policy_classes(r->p, &r->s);
			char *rcpt =
			        talloc_strndup(a->mem, cmd->path.mailbox.ptr,
			                       cmd->path.mailbox.len);
			if (!rcpt ||
			    add_receipt(
			            a->mem, &r->pending, &r->n_pending, r->from,
			            rcpt, cmd->notify,
			            !(cls & (DSNG_POLICY_CLASS_TRUSTED |
			                     DSNG_POLICY_CLASS_AUTHENTICATED))))
				return DSNG_ENOMEM;
			talloc_free(rcpt);
		}
	} else if (cmd->verb == DSNG_VERB_RSET || cmd->verb == DSNG_VERB_HELO ||
	           cmd->verb == DSNG_VERB_EHLO || cmd->verb == DSNG_VERB_LHLO ||
	           cmd->verb == DSNG_VERB_QUIT) {
		if (end_tx(a, r, true))
			return DSNG_ENOMEM;
	}
	return 0;
}

/* The transcript's AUTH exchange ended with 235, or --auth stands in for
 * one: the client is authenticated from the next command on. */
static void log_in(struct audit *a, const char *user, const char *source)
{
	a->pol.s.auth_user = user;
	a->perm.s.auth_user = user;
	a->auth_source = source;
}

/* One unfolded header of the message content. */
static void header(struct audit *a, const struct transcript_line *tl,
                   const char *h, size_t len)
{
	const char *colon = memchr(h, ':', len);
	struct replay *rs[2] = {&a->pol, &a->perm};
	size_t nlen, k;

	if (!colon)
		return;
	nlen = (size_t)(colon - h);
	while (nlen && (h[nlen - 1] == ' ' || h[nlen - 1] == '\t'))
		nlen--;
	if (!dsng_policy_is_receipt_header(a->pol.p, h, nlen) &&
	    !dsng_policy_is_receipt_header(a->perm.p, h, nlen))
		return;
	for (k = 0; k < 2; k++) {
		struct dsng_decision d = DSNG_DECISION_INIT;
		const char *v = colon + 1;
		size_t vlen = len - (size_t)(v - h);

		if (dsng_policy_header(&d, rs[k]->p, &rs[k]->s, h, nlen, v,
		                       vlen, NULL))
			continue;
		if (k == 0)
			report(a, tl, h, len, "header", &d, false, 0);
		if (d.action != DSNG_POLICY_ACTION_STRIP &&
		    dsng_policy_is_receipt_header(rs[k]->p, h, nlen)) {
			char *name = talloc_strndup(a->mem, h, nlen);
			char *to;
			while (vlen && (*v == ' ' || *v == '\t'))
				v++, vlen--;
			to = talloc_strndup(a->mem, v, vlen);
			if (name && to)
				add_hdr(a->mem, &rs[k]->msg_hdrs,
				        &rs[k]->n_msg_hdrs, name, to);
			talloc_free(name);
			talloc_free(to);
		}
	}
}

/* Find the client address in the reply to EHLO/HELO: "Hello name
 * [192.0.2.1]" as sendmail, Postfix (in its 220/250) and Exim write it. */
static void client_from_greeting(struct audit *a, const char *t, size_t len)
{
	const char *open = memchr(t, '[', len), *close;
	struct dsng_policy_session probe = DSNG_POLICY_SESSION_INIT;

	if (!open)
		return;
	close = memchr(open, ']', len - (size_t)(open - t));
	if (!close)
		return;
	if (dsng_policy_session_set_addr(&probe, open + 1,
	                                 (size_t)(close - open - 1), NULL))
		return;
	a->client =
	        talloc_strndup(a->mem, open + 1, (size_t)(close - open - 1));
	a->client_source = "greeting";
	/* The word before the bracket is the verified reverse name. */
	if (open > t && open[-1] == ' ') {
		const char *e = open - 1, *b = e;
		while (b > t && b[-1] != ' ')
			b--;
		if (e > b && memchr(b, '.', (size_t)(e - b)) &&
		    strncasecmp(b, "Hello", 5))
			a->client_name =
			        talloc_strndup(a->mem, b, (size_t)(e - b));
	}
}

static int setup_sessions(struct audit *a, bool tls, unsigned port)
{
	struct replay *rs[2] = {&a->pol, &a->perm};
	size_t k;

	for (k = 0; k < 2; k++) {
		struct dsng_policy_session *s = &rs[k]->s;

		dsng_policy_session_init(s, DSNG_POLICY_SESSION_VERSION);
		if (a->client && dsng_policy_session_set_addr(
		                         s, a->client, strlen(a->client), NULL))
			return -1;
		s->client_name = a->client_name;
		/* No login yet: it comes with the transcript's AUTH, or
		 * (--auth) after EHLO. */
		s->auth_user = NULL;
		s->tls = tls;
		s->port = port;
	}
	return 0;
}

static json_t *receipts_json(const struct replay *r)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < r->n_receipts; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "to", cli_json_str(r->receipts[i].to));
		json_object_set_new(o, "rcpt",
		                    cli_json_str(r->receipts[i].rcpt));
		json_object_set_new(o, "notify",
		                    notify_json(r->receipts[i].notify));
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *hdrs_json(const struct replay *r)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < r->n_hdrs; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "header",
		                    cli_json_str(r->hdrs[i].header));
		json_object_set_new(o, "to", cli_json_str(r->hdrs[i].to));
		json_array_append_new(arr, o);
	}
	return arr;
}

static void print_receipts(const char *title, const struct replay *r)
{
	size_t i;
	char nt[DSNG_NOTIFY_TEXT_MAX];

	printf("Return receipts under %s: %zu\n", title, r->n_receipts);
	for (i = 0; i < r->n_receipts; i++) {
		dsng_notify_format(nt, sizeof(nt), r->receipts[i].notify);
		printf("  to <%s> for delivery to <%s> (NOTIFY=%s)\n",
		       r->receipts[i].to, r->receipts[i].rcpt, nt);
	}
	for (i = 0; i < r->n_hdrs; i++)
		printf("  header %s: %s (asks the recipient's mail program for "
		       "a read receipt)\n",
		       r->hdrs[i].header, r->hdrs[i].to);
}

static void summary(struct audit *a)
{
	if (a->json) {
		json_t *o = json_object(), *r = json_object(),
		       *h = json_object();
		json_object_set_new(o, "summary", json_true());
		json_object_set_new(o, "client", cli_json_str(a->client));
		json_object_set_new(o, "policy", cli_json_str(a->policy_name));
		json_object_set_new(r, "permissive", receipts_json(&a->perm));
		json_object_set_new(r, "policy", receipts_json(&a->pol));
		json_object_set_new(o, "receipts", r);
		json_object_set_new(o, "client_source",
		                    cli_json_str(a->client_source));
		json_object_set_new(h, "permissive", hdrs_json(&a->perm));
		json_object_set_new(h, "policy", hdrs_json(&a->pol));
		json_object_set_new(o, "receipt_headers", h);
		json_object_set_new(o, "trusted",
		                    json_boolean(dsng_policy_is_trusted(
		                            a->pol.p, &a->pol.s)));
		json_object_set_new(o, "auth_source",
		                    cli_json_str(a->auth_source));
		if (a->fail_on_receipt)
			json_object_set_new(o, "fail_on_receipt",
			                    json_boolean(a->n_stranger > 0));
		cli_json_print(o);
		return;
	}
	printf("\nClient: %s%s%s\n",
	       a->client ? a->client : "unknown (untrusted)",
	       a->client_source ? " from the " : "",
	       a->client_source ? a->client_source : "");
	if (a->auth_source && !strcmp(a->auth_source, "option"))
		printf("Login: %s, from --auth (applied after EHLO)\n",
		       a->pol.s.auth_user);
	else if (a->auth_source)
		printf("Login: at the transcript's AUTH (235)\n");
	printf("Policy: %s\n", a->policy_name);
	print_receipts("permissive", &a->perm);
	print_receipts(a->policy_name, &a->pol);
	if (a->fail_on_receipt)
		printf("Fail on receipt: %s (%zu receipt%s under %s for an "
		       "unauthenticated, untrusted client)\n",
		       a->n_stranger ? "yes" : "no", a->n_stranger,
		       a->n_stranger == 1 ? "" : "s", a->policy_name);
}

/* The verb of a client line is AUTH. */
static bool is_auth(const char *t, size_t len)
{
	return len >= 4 && !strncasecmp(t, "AUTH", 4) &&
	       (len == 4 || t[4] == ' ' || t[4] == '\t');
}

/* The EHLO decision, applied to the reply the server sent: a policy can
 * hide DSN but cannot add it. */
static void ehlo_reply(struct audit *a, const struct transcript_line *lines,
                       size_t n, const struct item *it, struct dsng_decision *d)
{
	size_t j;
	char *rep = talloc_strdup(a->mem, "");
	struct dsng_ehlo *caps = NULL;

	for (j = it->reply_first; j <= it->reply_last && j < n && rep; j++)
		if (lines[j].kind == TRANSCRIPT_SERVER)
			rep = talloc_asprintf_append_buffer(rep, "%.*s\r\n",
			                                    (int)lines[j].len,
			                                    lines[j].text);
	if (!rep ||
	    dsng_ehlo_parse(a->mem, &caps, rep, strlen(rep), NULL, NULL) != 0) {
		talloc_free(rep);
		return;
	}
	{
		struct dsng_decision e = DSNG_DECISION_INIT;
		if (dsng_policy_ehlo_reply(a->mem, &e, a->pol.p, &a->pol.s,
		                           caps, NULL) == 0) {
			talloc_free(d->rewritten);
			*d = e;
		}
	}
	if (!(caps->flags & DSNG_EHLO_F_DSN)) {
		a->pol.s.dsn_offered = 0;
		a->perm.s.dsn_offered = 0;
		snprintf(d->reason + strlen(d->reason),
		         sizeof(d->reason) - strlen(d->reason),
		         "; the server's reply has no DSN anyway");
	}
	/* the reply and its capabilities were for this decision only */
	talloc_free(caps);
	talloc_free(rep);
}

/* How much of the transcript is held at once (see read_window): a window
 * ends at the first point past AUDIT_WINDOW where every command read has
 * its reply and no message content is open, or, before the client is
 * known, past AUDIT_LOOKAHEAD (an EHLO reply further on may still name
 * it); it is cut at AUDIT_WINDOW_MAX whatever is pending. */
#define AUDIT_WINDOW (256u * 1024)
#define AUDIT_LOOKAHEAD (4u * 1024 * 1024)
#define AUDIT_WINDOW_MAX (16u * 1024 * 1024)

/* Read the next window of the transcript into *lines (copies, children of
 * win); *more is 1 when the transcript goes on after it.  The lines the
 * replay never looks at are not kept: notes, and message content after
 * its header block, so a message of any size costs nothing.  Returns 0,
 * -1 out of memory, -2 when the input cannot be read. */
static int read_window(struct audit *a, struct transcript *t, TALLOC_CTX *win,
                       int ready, struct transcript_line **lines, size_t *n,
                       int *more)
{
	struct transcript_line tl;
	size_t cap = 0, held = 0, unanswered = 0;
	int body = 0, rc;

	*lines = NULL;
	*n = 0;
	*more = 0;
	while ((rc = transcript_next(t, &tl)) > 0) {
		int keep = tl.kind != TRANSCRIPT_OTHER &&
		           !(tl.kind == TRANSCRIPT_CONTENT && body);

		if (tl.too_long)
			fprintf(stderr,
			        "dsnguard: audit: %s: line %u is longer than "
			        "%d bytes; only its start is read\n",
			        input_label(t->in), tl.lineno, INPUT_MAX_LINE);
		/* The pairing below, counted as it goes. */
		if (tl.kind == TRANSCRIPT_CLIENT ||
		    tl.kind == TRANSCRIPT_DATA_END ||
		    tl.kind == TRANSCRIPT_SASL)
			unanswered++;
		else if (tl.kind == TRANSCRIPT_SERVER && tl.code && tl.last &&
		         unanswered)
			unanswered--;
		/* --auth's fallback is decided on what comes before the
		 * first MAIL: what the server has seen when it matters. */
		if (tl.kind == TRANSCRIPT_CLIENT && !a->mail_read) {
			if (is_auth(tl.text, tl.len))
				a->auth_before_mail = true;
			else if (!strcmp(stage_of(tl.text, tl.len), "mail"))
				a->mail_read = true;
		}
		if (tl.kind != TRANSCRIPT_CONTENT)
			body = 0;
		else if (tl.len == 0)
			body = 1;
		if (keep) {
			if (*n == cap) {
				cap = cap ? cap * 2 : 64;
				*lines = talloc_realloc(win, *lines,
				                        struct transcript_line,
				                        cap);
				if (!*lines)
					return -1;
			}
			tl.text = talloc_memdup(win, tl.len ? tl.text : "",
			                        tl.len ? tl.len : 1);
			if (!tl.text)
				return -1;
			(*lines)[(*n)++] = tl;
			held += tl.len + 256; /* with the copies' overhead */
		}
		/* With --auth, the first window reaches the first MAIL. */
		if (unanswered == 0 && transcript_between_commands(t) &&
		    (a->mail_read || !a->auth) &&
		    held >= (ready || a->client ? AUDIT_WINDOW
		                                : AUDIT_LOOKAHEAD)) {
			*more = 1;
			return 0;
		}
		if (held >= AUDIT_WINDOW_MAX) {
			fprintf(stderr,
			        "dsnguard: audit: %s: line %u: %u MiB of "
			        "commands without replies (or of one header); "
			        "replaying them before reading on\n",
			        input_label(t->in), tl.lineno,
			        AUDIT_WINDOW_MAX >> 20);
			*more = 1;
			return 0;
		}
	}
	return rc < 0 ? -2 : 0;
}

/* Collect lines, pair commands with replies, then replay: one window of
 * the transcript at a time (read_window).  Returns 0, 1 (no client
 * command), -1 (out of memory), -2 (the input cannot be read). */
static int run(struct audit *a, struct transcript *t, bool tls, unsigned port)
{
	struct transcript_line *lines = NULL;
	struct item *items = NULL;
	size_t n = 0, n_items = 0, next_unanswered = 0, i;
	size_t *item_of;
	int in_headers = 0, saw_client = 0;
	/* --auth is the fallback for a transcript that shows no AUTH
	 * before its first MAIL (a->auth_before_mail). */
	bool option_auth_due = false;
	char *hbuf = NULL;
	struct transcript_line hline;
	TALLOC_CTX *win = NULL;
	int ready = 0, more = 0, wrc;

	memset(&hline, 0, sizeof(hline));
next_window:
	TALLOC_FREE(win);
	win = talloc_new(a->mem);
	if (!win)
		return -1;
	wrc = read_window(a, t, win, ready, &lines, &n, &more);
	if (wrc)
		return wrc;
	n_items = next_unanswered = 0;
	items = talloc_array(win, struct item, n ? n : 1);
	item_of = talloc_array(win, size_t, n ? n : 1);
	if (!items || !item_of)
		return -1;
	/* Replies answer commands in order (pipelining included); a SASL
	 * response gets its reply like a command. */
	for (i = 0; i < n; i++) {
		struct transcript_line *l = &lines[i];

		item_of[i] = (size_t)-1;
		if (l->kind == TRANSCRIPT_CLIENT ||
		    l->kind == TRANSCRIPT_DATA_END ||
		    l->kind == TRANSCRIPT_SASL) {
			memset(&items[n_items], 0, sizeof(items[0]));
			items[n_items].tl = *l;
			item_of[i] = n_items++;
			if (l->kind == TRANSCRIPT_CLIENT)
				saw_client = 1;
		} else if (l->kind == TRANSCRIPT_SERVER && l->code &&
		           next_unanswered < n_items) {
			struct item *it = &items[next_unanswered];

			if (!it->has_first) {
				it->has_first = 1;
				it->reply_first = i;
				if (!a->client && !ready &&
				    it->tl.kind == TRANSCRIPT_CLIENT &&
				    !strcmp(stage_of(it->tl.text, it->tl.len),
				            "ehlo"))
					client_from_greeting(a, l->text,
					                     l->len);
			}
			if (l->last) {
				it->reply = l->code;
				it->reply_last = i;
				next_unanswered++;
			}
		}
	}
	if (!saw_client) {
		if (more)
			goto next_window;
		return 1;
	}
	if (!ready) {
		if (!a->client_source && a->client)
			a->client_source = "option";
		if (setup_sessions(a, tls, port))
			return -1;
		ready = 1;
		/* read_window has read up to the first MAIL by now */
		if (a->auth && a->auth_before_mail)
			fprintf(stderr,
			        "dsnguard: audit: --auth %s not used: the "
			        "transcript shows its own AUTH\n",
			        a->auth);
		option_auth_due = a->auth && !a->auth_before_mail;
	}

	for (i = 0; i < n; i++) {
		const struct transcript_line *l = &lines[i];

		if (l->kind == TRANSCRIPT_CONTENT) {
			/* Headers end at the first empty line; continuation
			 * lines (RFC 5322 2.2.3) join the header they continue.
			 */
			if (!in_headers)
				continue;
			if (l->len == 0 ||
			    (l->text[0] != ' ' && l->text[0] != '\t')) {
				if (hbuf)
					header(a, &hline, hbuf, strlen(hbuf));
				TALLOC_FREE(hbuf);
				if (l->len == 0) {
					in_headers = 0;
					continue;
				}
				hline = *l;
				hbuf = talloc_strndup(a->mem, l->text, l->len);
			} else if (hbuf) {
				hbuf = talloc_strndup_append_buffer(
				        hbuf, l->text, l->len);
			}
			continue;
		}
		if (l->kind == TRANSCRIPT_DATA_END) {
			int reply = items[item_of[i]].reply;
			bool sent = reply == 0 || (reply >= 200 && reply < 300);

			if (hbuf)
				header(a, &hline, hbuf, strlen(hbuf));
			TALLOC_FREE(hbuf);
			in_headers = 0;
			if (end_tx(a, &a->pol, sent) ||
			    end_tx(a, &a->perm, sent))
				return -1;
			continue;
		}
		if (l->kind == TRANSCRIPT_SASL) {
			/* Not a command: nothing to decide, but the exchange
			 * may end here (AUTH LOGIN's password, then 235). */
			if (items[item_of[i]].reply == 235)
				log_in(a, "(AUTH in transcript)", "transcript");
			continue;
		}
		if (l->kind != TRANSCRIPT_CLIENT)
			continue;
		{
			struct dsng_cmd cmd = DSNG_CMD_INIT,
			                cmd2 = DSNG_CMD_INIT;
			struct dsng_decision d = DSNG_DECISION_INIT,
			                     d2 = DSNG_DECISION_INIT,
			                     bd = DSNG_DECISION_INIT;
			size_t k = item_of[i];
			int reply = items[k].reply, rc;
			const char *stage = stage_of(l->text, l->len);
			bool ehlo = !strcmp(stage, "ehlo");

			/* No EHLO to wait for: --auth holds from the start. */
			if (option_auth_due && !ehlo) {
				log_in(a, a->auth, "option");
				option_auth_due = false;
			}
			rc = replay_cmd(a, &a->pol, l->text, l->len, reply,
			                &cmd, &d);
			if (rc == 0)
				rc = replay_cmd(a, &a->perm, l->text, l->len,
				                reply, &cmd2, &d2);
			if (rc)
				return -1;
			if (ehlo && items[k].reply == 250 &&
			    items[k].has_first && cmd.verb != DSNG_VERB_HELO &&
			    !d.syntax_error)
				ehlo_reply(a, lines, n, &items[k], &d);
			/* A RCPT after MAIL FROM:<> is a bounce arriving: is it
			 * an answer to mail we sent (BATV tag), or backscatter?
			 */
			if (cmd.verb == DSNG_VERB_RCPT &&
			    a->pol.s.null_sender && !d.syntax_error) {
				struct dsng_policy_bounce_info b =
				        DSNG_POLICY_BOUNCE_INFO_INIT;

				b.null_sender = true;
				b.rcpt = cmd.path.mailbox;
				if (dsng_policy_bounce(&bd, a->pol.p, &a->pol.s,
				                       &b, NULL) == 0)
					a->bounce = &bd;
			}
			report(a, l, l->text, l->len, stage, &d,
			       !strcmp(stage, "rcpt"), reply);
			/* the rewritten lines were for the report only */
			talloc_free(d.rewritten);
			talloc_free(d2.rewritten);
			a->bounce = NULL;
			if (transcript_is_data(l->text, l->len)) {
				if (reply == 0 || (reply >= 300 && reply < 400))
					in_headers = 1;
				else if (reply >= 400 &&
				         (end_tx(a, &a->pol, false) ||
				          end_tx(a, &a->perm, false)))
					return -1;
			}
			/* What succeeded changes the facts for the commands
			 * after it: the login at the 235 that ends AUTH (here
			 * or at its last SASL response), TLS at STARTTLS's
			 * 220; --auth right after EHLO, which never sees it. */
			if (is_auth(l->text, l->len) && reply == 235)
				log_in(a, "(AUTH in transcript)", "transcript");
			if (l->len >= 8 &&
			    !strncasecmp(l->text, "STARTTLS", 8) &&
			    reply == 220) {
				a->pol.s.tls = true;
				a->perm.s.tls = true;
			}
			if (option_auth_due && ehlo) {
				log_in(a, a->auth, "option");
				option_auth_due = false;
			}
		}
	}
	if (more) {
		/* hline's text went with the window; only its lineno is
		 * used. */
		hline.text = NULL;
		hline.len = 0;
		goto next_window;
	}
	talloc_free(win);
	/* The transcript ends in a transaction: what was accepted counts. */
	if (end_tx(a, &a->pol, true) || end_tx(a, &a->perm, true))
		return -1;
	summary(a);
	return 0;
}

static int load_policy(struct audit *a, const char *file, const char *preset,
                       struct dsng_policy **out)
{
	struct dsng_error err = DSNG_ERROR_INIT;
	int rc;

	dsng_error_clear(&err);
	if (file)
		rc = dsng_policy_load(a->mem, out, file, NULL, &err);
	else
		rc = dsng_policy_preset(a->mem, out, preset, &err);
	if (rc) {
		fprintf(stderr, "dsnguard: audit: %s\n", err.message);
		return -1;
	}
	return 0;
}

int cli_audit(int argc, char **argv)
{
	struct audit a;
	const char *file = NULL, *policy = NULL, *preset = NULL;
	struct dsng_policy *pol = NULL, *perm = NULL;
	struct input *in;
	struct transcript t;
	unsigned port = 25;
	bool tls = false;
	size_t n_stranger;
	int i, rc;

	memset(&a, 0, sizeof(a));
	for (i = 1; i < argc; i++) {
		const char *o = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(o, "--json")) {
			a.json = 1;
		} else if (!strcmp(o, "--fail-on-receipt")) {
			a.fail_on_receipt = true;
		} else if (!strcmp(o, "--tls")) {
			tls = true;
		} else if (!strcmp(o, "--policy") || !strcmp(o, "--preset") ||
		           !strcmp(o, "--client") || !strcmp(o, "--auth") ||
		           !strcmp(o, "--port")) {
			if (!v)
				return cli_usage_error(
				        "audit: %s needs a value", o);
			i++;
			if (!strcmp(o, "--policy"))
				policy = v;
			else if (!strcmp(o, "--preset"))
				preset = v;
			else if (!strcmp(o, "--client"))
				a.client = (char *)v;
			else if (!strcmp(o, "--auth"))
				a.auth = v;
			else {
				char *end;
				unsigned long p = strtoul(v, &end, 10);
				if (*end || !*v || p == 0 || p > 65535)
					return cli_usage_error(
					        "audit: bad port '%s'", v);
				port = (unsigned)p;
			}
		} else if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
			printf("usage: dsnguard audit TRANSCRIPT [--policy "
			       "FILE | --preset NAME] [--client IP] [--auth "
			       "USER] [--tls] [--port N] [--fail-on-receipt] "
			       "[--json]\n");
			return CLI_OK;
		} else if (o[0] == '-' && o[1]) {
			return cli_usage_error("audit: unknown option %s", o);
		} else if (file) {
			return cli_usage_error("audit: one TRANSCRIPT only");
		} else {
			file = o;
		}
	}
	if (!file)
		return cli_usage_error(
		        "usage: dsnguard audit TRANSCRIPT [--policy "
		        "FILE | --preset NAME] [--client IP] "
		        "[--auth USER] [--tls] [--port N] "
		        "[--fail-on-receipt] [--json]");
	if (policy && preset)
		return cli_usage_error(
		        "audit: --policy and --preset exclude each "
		        "other");
	if (!policy && !preset)
		preset = "recommended";
	if (a.client) {
		struct dsng_policy_session probe = DSNG_POLICY_SESSION_INIT;

		if (dsng_policy_session_set_addr(&probe, a.client,
		                                 strlen(a.client), NULL))
			return cli_usage_error(
			        "audit: --client '%s' is not an IP "
			        "address",
			        a.client);
	}
	a.mem = talloc_new(NULL);
	if (!a.mem)
		return CLI_USAGE;
	if (load_policy(&a, policy, preset, &pol) ||
	    load_policy(&a, NULL, "permissive", &perm)) {
		talloc_free(a.mem);
		return CLI_USAGE;
	}
	if (a.client)
		a.client = talloc_strdup(a.mem, a.client);
	a.policy_name = dsng_policy_name(pol);
	a.pol.p = pol;
	a.perm.p = perm;
	/* The transcript is streamed ("-" = stdin, gzip or plain). */
	in = input_open(a.mem, file, NULL);
	if (!in || input_error(in)) {
		fprintf(stderr, "dsnguard: audit: %s: %s\n",
		        in ? input_label(in) : file,
		        in ? input_error(in) : "out of memory");
		talloc_free(a.mem);
		return CLI_USAGE;
	}
	transcript_init(&t, in);
	rc = run(&a, &t, tls, port);
	n_stranger = a.n_stranger;
	if (rc == -2) {
		fflush(stdout);
		fprintf(stderr, "dsnguard: audit: %s: %s\n", input_label(in),
		        input_error(in));
		talloc_free(a.mem);
		return CLI_USAGE;
	}
	talloc_free(a.mem);
	if (rc < 0) {
		fprintf(stderr, "dsnguard: audit: out of memory\n");
		return CLI_USAGE;
	}
	if (rc > 0) {
		fprintf(stderr,
		        "dsnguard: audit: %s: no client command (\">>>\" or "
		        "swaks \" -> \" "
		        "line) found\n",
		        file);
		return CLI_REJECTED;
	}
	/* For CI of mail configs: a receipt the policy would still mail
	 * for a client that is neither authenticated nor trusted. */
	if (a.fail_on_receipt && n_stranger)
		return CLI_REJECTED;
	return CLI_OK;
}
