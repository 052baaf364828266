/*
 * examples/milter/callbacks.c - the policy at every stage of a milter
 * session: connect and HELO give the facts of the policy session, MAIL
 * and RCPT are decided on the command line rebuilt from libmilter's argv
 * (argv[0] the path as sent, argv[1..] the ESMTP parameters verbatim),
 * headers on their name and value, and end of message applies what was
 * decided (the only stage where a milter may change recipients and
 * headers).
 *
 * Carrying out a NOTIFY rewrite: a milter cannot edit a recipient's
 * parameters in place.  On Postfix >= 3.0, deleting the recipient and
 * adding it back with smfi_addrcpt_par and the rewritten NOTIFY/ORCPT
 * works.  sendmail 8.17 revives a deleted recipient that is added back
 * with its old notify flags, so the receipt would still be sent: there
 * (and on any MTA not known to honour it) the milter refuses the RCPT
 * with the policy's reply, whatever the policy's action, and says so in
 * the log line.  Refusing is the compliant move anyway (policy.h).
 *
 * The milter never rejects or tempfails mail for its own fault (out of
 * memory, an MTA call that failed): it does what --on-error says, accept
 * by default.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <syslog.h>

#include <libmilter/mfdef.h>

#include "conn.h"

/* The macros the milter asks for at each stage (smfi_setsymlist, where
 * the MTA offers it).  A list replaces the MTA's default for that stage,
 * so each names everything used here. */
static const char macros_connect[] = "j _ v {daemon_name} {daemon_port} "
                                     "{daemon_addr} {client_addr} "
                                     "{client_name} {client_port}";
static const char macros_helo[] = "{tls_version} {cipher}";
static const char macros_envfrom[] = "i {auth_type} {auth_authen} "
                                     "{auth_author} {tls_version}";
static const char macros_envrcpt[] = "i {rcpt_addr} {rcpt_mailer}";
static const char macros_eom[] = "i";

static const char *mac(SMFICTX *ctx, const char *name)
{
	const char *v = smfi_getsymval(ctx, (char *)name);

	return v && *v ? v : NULL;
}

/* What the negotiation offered (SMFIF_* bits). */
static void set_caps(struct dm_conn *c, unsigned long f0)
{
	c->can_rcpt_par = (f0 & SMFIF_ADDRCPT_PAR) && (f0 & SMFIF_DELRCPT);
	c->can_chgfrom = (f0 & SMFIF_CHGFROM) != 0;
	c->can_headers = (f0 & SMFIF_CHGHDRS) && (f0 & SMFIF_ADDHDRS);
}

static struct dm_conn *conn_get(SMFICTX *ctx)
{
	struct dm_conn *c = smfi_getpriv(ctx);
	unsigned long caps;

	if (c)
		return c;
	/* Each connection has its own talloc tree: it is used by one
	 * libmilter thread at a time. */
	c = talloc_zero(NULL, struct dm_conn);
	if (!c)
		return NULL;
	dsng_policy_session_init(&c->s, DSNG_POLICY_SESSION_VERSION);
	/* A session after SMFIC_QUIT_NC: negotiated earlier (caps.c). */
	if (dm_caps_get(ctx, &caps))
		set_caps(c, caps);
	if (smfi_setpriv(ctx, c) != MI_SUCCESS) {
		talloc_free(c);
		return NULL;
	}
	return c;
}

static struct dm_txn *txn_get(struct dm_conn *c)
{
	if (!c->txn)
		c->txn = talloc_zero(c, struct dm_txn);
	return c->txn;
}

static void txn_end(struct dm_conn *c)
{
	TALLOC_FREE(c->txn);
}

/* ---- log lines ----------------------------------------------------- */

/* Start a decision line with the fields DESIGN section 5 requires. */
static void line_start(struct dm_line *l, SMFICTX *ctx, struct dm_conn *c,
                       const char *stage, const char *action,
                       const char *policy_action, const char *rule)
{
	const char *q = mac(ctx, "i");

	dm_line_init(l);
	dm_line_kvs(l, "queue", q ? q : "NOQUEUE");
	dm_line_kvs(l, "stage", stage);
	dm_line_kvs(l, "action", action);
	dm_line_kvs(l, "policy_action", policy_action);
	dm_line_kvs(l, "client", c && c->addr[0] ? c->addr : "-");
	dm_line_kvs(l, "rule", rule && *rule ? rule : "-");
	dm_line_kvs(l, "dry_run", dm_opts.dry_run ? "1" : "0");
}

/* reply="550 5.7.1 text" or reply=- */
static void line_reply(struct dm_line *l, const struct dsng_decision *d)
{
	char r[DSNG_DECISION_REPLY_MAX + 32];

	if (!d || !d->reply_code) {
		dm_line_kvs(l, "reply", NULL);
		return;
	}
	snprintf(r, sizeof(r), "%d%s%s %s", d->reply_code,
	         d->enhanced && *d->enhanced ? " " : "",
	         d->enhanced ? d->enhanced : "", d->reply_text);
	dm_line_kvs(l, "reply", r);
}

static void line_reason(struct dm_line *l, const struct dsng_decision *d,
                        const char *note)
{
	char r[DSNG_DECISION_REASON_MAX + 400];

	snprintf(r, sizeof(r), "%s%s%s", d ? d->reason : "",
	         note && d && d->reason[0] ? "; " : "", note ? note : "");
	dm_line_kvs(l, "reason", r);
}

/* The fields after the required ones: MTA, policy, compliance. */
static void line_tail(struct dm_line *l, struct dm_conn *c,
                      const struct dsng_decision *d)
{
	if (d)
		dm_line_kvs(l, "compliance",
		            dsng_policy_compliance_name(d->compliance));
	dm_line_kvs(l, "mta", dm_mta_name(c->mta));
	dm_line_kvs(l, "policy", dsng_policy_name(c->pol->p));
	dm_line_kvu(l, "generation", c->pol->generation);
}

/* ---- faults -------------------------------------------------------- */

/* The milter's own fault: log it and do what --on-error says (accept by
 * default; never tempfail in a dry run, which changes nothing).  key and
 * addr name the command's address, when there is one. */
static sfsistat fault_at(SMFICTX *ctx, struct dm_conn *c, const char *stage,
                         const char *what, const char *key, const char *addr)
{
	bool tf = dm_opts.on_error_tempfail && !dm_opts.dry_run;
	struct dm_line l;
	char r[400];

	dm_count(DM_C_ERROR);
	dm_count(tf ? DM_C_TEMPFAIL : DM_C_ACCEPT);
	line_start(&l, ctx, c, stage, tf ? "tempfail" : "accept", "-", NULL);
	dm_line_kvs(&l, "reply", NULL);
	snprintf(r, sizeof(r), "internal error: %s (--on-error %s)", what,
	         dm_opts.on_error_tempfail ? "tempfail" : "accept");
	dm_line_kvs(&l, "reason", r);
	if (key)
		dm_line_kvs(&l, key, addr);
	dm_log_line(LOG_ERR, &l);
	return tf ? SMFIS_TEMPFAIL : SMFIS_ACCEPT;
}

static sfsistat fault(SMFICTX *ctx, struct dm_conn *c, const char *stage,
                      const char *what)
{
	return fault_at(ctx, c, stage, what, NULL, NULL);
}

/* ---- replies ------------------------------------------------------- */

/* Refuse with the decision's reply; 4xx tempfails, 5xx rejects.  '%' is
 * doubled: the MTA reads the text as a format. */
static sfsistat refuse(SMFICTX *ctx, const struct dsng_decision *d)
{
	char code[8], text[2 * DSNG_DECISION_REPLY_MAX + 1];
	const char *t;
	size_t o = 0;
	int rc = d->reply_code >= 400 && d->reply_code < 600 ? d->reply_code
	                                                     : 550;

	snprintf(code, sizeof(code), "%d", rc);
	for (t = d->reply_text; *t && o + 2 < sizeof(text); t++) {
		if (*t == '%')
			text[o++] = '%';
		text[o++] = *t == '\r' || *t == '\n' ? ' ' : *t;
	}
	text[o] = 0;
	/* A reply the MTA refuses to set still refuses, with its own text. */
	(void)smfi_setreply(ctx, code,
	                    d->enhanced && *d->enhanced ? (char *)d->enhanced
	                                                : NULL,
	                    text[0] ? text : NULL);
	return rc < 500 ? SMFIS_TEMPFAIL : SMFIS_REJECT;
}

/* ---- connect and HELO ---------------------------------------------- */

static sfsistat on_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
                             unsigned long f2, unsigned long f3,
                             unsigned long *pf0, unsigned long *pf1,
                             unsigned long *pf2, unsigned long *pf3)
{
	const unsigned long want =
	        SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_ADDRCPT | SMFIF_DELRCPT |
	        SMFIF_ADDRCPT_PAR | SMFIF_CHGFROM | SMFIF_SETSYMLIST;
	struct dm_conn *c = conn_get(ctx);

	(void)f2, (void)f3;
	*pf0 = f0 & want;
	/* Steps the decisions never need: body, DATA, unknown commands. */
	*pf1 = f1 & (SMFIP_NOBODY | SMFIP_NODATA | SMFIP_NOUNKNOWN);
	*pf2 = *pf3 = 0;
	dm_caps_put(ctx, f0);
	if (c)
		set_caps(c, f0);
	if (f0 & SMFIF_SETSYMLIST) {
		smfi_setsymlist(ctx, SMFIM_CONNECT, (char *)macros_connect);
		smfi_setsymlist(ctx, SMFIM_HELO, (char *)macros_helo);
		smfi_setsymlist(ctx, SMFIM_ENVFROM, (char *)macros_envfrom);
		smfi_setsymlist(ctx, SMFIM_ENVRCPT, (char *)macros_envrcpt);
		smfi_setsymlist(ctx, SMFIM_EOM, (char *)macros_eom);
	}
	return SMFIS_CONTINUE;
}

/* The MTA from --mta, else the `v' macro (looked at again at each stage
 * until it is known). */
static void detect_mta(SMFICTX *ctx, struct dm_conn *c)
{
	const char *v;
	enum dm_mta m;

	if (c->mta_forced || (c->mta != DM_MTA_AUTO && c->mta_major))
		return;
	v = mac(ctx, "v");
	m = dm_mta_from_v(v, &c->mta_major, &c->mta_minor);
	if (dm_opts.mta != DM_MTA_AUTO) {
		c->mta = dm_opts.mta;
		c->mta_forced = true;
		if (m != dm_opts.mta)
			c->mta_major = c->mta_minor = 0;
		return;
	}
	if (m != DM_MTA_AUTO)
		c->mta = m;
}

static bool submission_name(const char *n)
{
	static const char *const names[] = {"submission",  "submissions",
	                                    "smtps",       "msa",
	                                    "originating", NULL};
	size_t i;

	for (i = 0; n && names[i]; i++)
		if (!strcasecmp(n, names[i]))
			return true;
	return false;
}

static sfsistat on_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *sa)
{
	struct dm_conn *c = conn_get(ctx);
	const char *port, *dname;
	bool local = false;
	unsigned cport = 1;

	if (!c)
		return fault(ctx, NULL, "connect", "out of memory");
	if (!c->counted) {
		c->counted = true;
		dm_active_add(1);
		dm_count(DM_C_CONNECTIONS);
	}
	if (!c->pol)
		c->pol = dm_policy_get();
	if (!c->pol)
		return fault(ctx, c, "connect", "no policy loaded");
	detect_mta(ctx, c);
	if (hostname && *hostname && *hostname != '[' &&
	    strcmp(hostname, "unknown")) {
		c->client_name = talloc_strdup(c, hostname);
		c->s.client_name = c->client_name;
	}
	if (sa && sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &in->sin_addr, c->addr, sizeof(c->addr));
		cport = ntohs(in->sin_port);
	} else if (sa && sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 =
		        (const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, c->addr, sizeof(c->addr));
		cport = ntohs(in6->sin6_port);
	} else {
		/* No address (sendmail's own submissions) or a local
		 * socket: a command-line submission. */
		local = true;
	}
	if (c->addr[0] && dsng_policy_session_set_addr(
	                          &c->s, c->addr, strlen(c->addr), NULL) != 0)
		c->addr[0] = 0;
	/* Postfix announces mail from its non-SMTP path (pickup, that is
	 * sendmail(1) submissions, to non_smtpd_milters) as a connection
	 * from 127.0.0.1 port 0, a port no TCP client has. */
	if (cport == 0 && c->addr[0])
		local = true;
	port = mac(ctx, "{daemon_port}");
	dname = mac(ctx, "{daemon_name}");
	if (port) {
		long n = strtol(port, NULL, 10);

		if (n > 0 && n < 65536)
			c->s.port = (unsigned)n;
	}
	if (local)
		c->s.service = DSNG_POLICY_SERVICE_LOCAL;
	else if (submission_name(dname))
		c->s.service = DSNG_POLICY_SERVICE_SUBMISSION;
	return SMFIS_CONTINUE;
}

static void note_tls(SMFICTX *ctx, struct dm_conn *c)
{
	if (mac(ctx, "{tls_version}"))
		c->s.tls = true;
}

static sfsistat on_helo(SMFICTX *ctx, char *helo)
{
	struct dm_conn *c = smfi_getpriv(ctx);
	struct dsng_decision d = DSNG_DECISION_INIT;
	struct dm_line l;

	if (!c || !c->pol)
		return fault(ctx, c, "helo", "no connection state");
	detect_mta(ctx, c);
	note_tls(ctx, c);
	talloc_free(c->helo);
	c->helo = talloc_strdup(c, helo ? helo : "");
	c->s.helo_name = c->helo;
	/* libmilter does not say EHLO or HELO; EHLO is what DSN needs. */
	if (dsng_policy_ehlo(&d, c->pol->p, &c->s, true, NULL) != 0)
		return fault(ctx, c, "helo", "policy refused the session");
	line_start(&l, ctx, c, "helo", "accept",
	           dsng_policy_action_name(d.action), d.rule);
	line_reply(&l, NULL);
	line_reason(&l, &d,
	            d.action == DSNG_POLICY_ACTION_HIDE_DSN
	                    ? "a milter cannot hide DSN from the EHLO reply: "
	                      "the MTA's own config must (dsnguard "
	                      "export-config)"
	                    : NULL);
	dm_line_kvs(&l, "helo", helo);
	line_tail(&l, c, &d);
	dm_log_line(LOG_INFO, &l);
	return SMFIS_CONTINUE;
}

/* ---- MAIL and RCPT ------------------------------------------------- */

/* "VERB:<path> param ...", on mem, from libmilter's argv.  Postfix's
 * non-SMTP path (non_smtpd_milters) gives the address without <> and the
 * null sender as "", with no parameters; SMTP sessions give "<...>". */
static char *rebuild(TALLOC_CTX *mem, const char *verb, char **argv)
{
	const char *path = argv && argv[0] ? argv[0] : "";
	bool wrap = path[0] != '<';
	char *line = talloc_asprintf(mem, "%s%s%s%s", verb, wrap ? "<" : "",
	                             path, wrap ? ">" : "");
	int i;

	for (i = 1; line && argv && argv[0] && argv[i]; i++)
		line = talloc_asprintf_append_buffer(line, " %s", argv[i]);
	return line;
}

/* The parameters left in cmd, "KEY=value ..." ("" for none), on mem. */
static char *params_text(TALLOC_CTX *mem, const struct dsng_cmd *cmd)
{
	char *t = talloc_strdup(mem, "");
	size_t i;

	for (i = 0; t && i < cmd->n_params; i++) {
		const struct dsng_param *p = &cmd->params[i];

		if (p->removed)
			continue;
		t = talloc_asprintf_append_buffer(
		        t, "%s%.*s%s%.*s", t[0] ? " " : "", (int)p->keyword.len,
		        p->keyword.ptr, p->value.ptr ? "=" : "",
		        (int)p->value.len, p->value.ptr ? p->value.ptr : "");
	}
	return t;
}

/* Why this connection cannot carry out a rewritten RCPT, or NULL. */
static const char *rcpt_rewrite_blocker(const struct dm_conn *c)
{
	if (c->mta == DM_MTA_SENDMAIL)
		return "sendmail keeps a removed recipient's NOTIFY flags "
		       "when a milter adds it back (seen on 8.17), so the "
		       "milter refuses the RCPT instead";
	if (c->mta != DM_MTA_POSTFIX)
		return "the MTA is not known to honour a milter's rewritten "
		       "NOTIFY (no Postfix `v' macro; see --mta), so the "
		       "milter refuses the RCPT instead";
	if (c->mta_major && c->mta_major < 3)
		return "Postfix before 3.0 ignores NOTIFY and ORCPT on a "
		       "recipient a milter adds, so the milter refuses the "
		       "RCPT instead";
	if (!c->can_rcpt_par)
		return "the MTA did not offer SMFIF_ADDRCPT_PAR and "
		       "SMFIF_DELRCPT, so the milter refuses the RCPT "
		       "instead";
	return NULL;
}

static const char *mail_rewrite_blocker(const struct dm_conn *c)
{
	if (c->mta != DM_MTA_POSTFIX ||
	    (c->mta_major &&
	     (c->mta_major < 3 || (c->mta_major == 3 && c->mta_minor < 3))))
		return "only Postfix 3.3 and later take RET and ENVID from a "
		       "milter: the MAIL parameters are left as sent (they "
		       "ask for no receipt)";
	if (!c->can_chgfrom)
		return "the MTA did not offer SMFIF_CHGFROM: the MAIL "
		       "parameters are left as sent";
	return NULL;
}

static void log_cmd(SMFICTX *ctx, struct dm_conn *c, const char *stage,
                    const char *action, const struct dsng_decision *d,
                    const char *note, const char *addr_key, const char *addr,
                    bool show_reply)
{
	struct dm_line l;
	char notify[DSNG_NOTIFY_TEXT_MAX];

	line_start(&l, ctx, c, stage, action,
	           dsng_policy_action_name(d->action), d->rule);
	line_reply(&l, show_reply ? d : NULL);
	line_reason(&l, d, note);
	dm_line_kvs(&l, addr_key, addr);
	if (!strcmp(stage, "rcpt")) {
		if (d->notify_requested) {
			dsng_notify_format(notify, sizeof(notify),
			                   d->notify_requested);
			dm_line_kvs(&l, "notify", notify);
		} else {
			dm_line_kvs(&l, "notify", NULL);
		}
	}
	line_tail(&l, c, d);
	dm_log_line(LOG_INFO, &l);
}

static sfsistat on_envfrom(SMFICTX *ctx, char **argv)
{
	struct dm_conn *c = smfi_getpriv(ctx);
	struct dsng_cmd cmd = DSNG_CMD_INIT;
	struct dsng_decision d = DSNG_DECISION_INIT;
	struct dsng_error err = DSNG_ERROR_INIT;
	struct dm_txn *t;
	const char *auth, *action, *note = NULL;
	char *line;

	if (!c || !c->pol)
		return fault(ctx, c, "mail", "no connection state");
	if (!argv || !argv[0])
		return fault(ctx, c, "mail", "no sender from the MTA");
	detect_mta(ctx, c);
	note_tls(ctx, c);
	txn_end(c);
	t = txn_get(c);
	if (!t)
		return fault(ctx, c, "mail", "out of memory");
	auth = mac(ctx, "{auth_authen}");
	if (auth && (!c->auth || strcmp(auth, c->auth))) {
		talloc_free(c->auth);
		c->auth = talloc_strdup(c, auth);
		c->s.auth_user = c->auth;
	}
	line = rebuild(t, "MAIL FROM:", argv);
	if (!line)
		return fault(ctx, c, "mail", "out of memory");
	if (dsng_cmd_parse(&cmd, line, strlen(line), NULL, &err) != 0) {
		char what[300];

		snprintf(what, sizeof(what),
		         "the MAIL command the MTA accepted does not parse: "
		         "%s",
		         err.message);
		return fault_at(ctx, c, "mail", what, "from", argv[0]);
	}
	t->smtputf8 = cmd.smtputf8;
	if (dsng_policy_mail(&d, c->pol->p, &c->s, &cmd, &err) != 0)
		return fault(ctx, c, "mail", err.message);
	action = dsng_policy_action_name(d.action);
	if (d.action == DSNG_POLICY_ACTION_REJECT) {
		dm_count(DM_C_REJECT);
		log_cmd(ctx, c, "mail", "reject", &d, NULL, "from", argv[0],
		        true);
		return dm_opts.dry_run ? SMFIS_CONTINUE : refuse(ctx, &d);
	}
	if (d.changed) {
		note = mail_rewrite_blocker(c);
		if (note) {
			action = "accept";
		} else {
			t->from = talloc_strdup(t, argv[0]);
			t->from_params = params_text(t, &cmd);
			t->from_action = action;
			t->from_rule = d.rule;
			if (!t->from || !t->from_params)
				return fault(ctx, c, "mail", "out of memory");
		}
	} else {
		action = "accept";
	}
	dm_count(note || !d.changed ? DM_C_ACCEPT : dm_count_of(d.action));
	log_cmd(ctx, c, "mail", action, &d, note, "from", argv[0], false);
	return SMFIS_CONTINUE;
}

static sfsistat on_envrcpt(SMFICTX *ctx, char **argv)
{
	struct dm_conn *c = smfi_getpriv(ctx);
	struct dsng_cmd cmd = DSNG_CMD_INIT;
	struct dsng_cmd_opts opts = DSNG_CMD_OPTS_INIT;
	struct dsng_decision d = DSNG_DECISION_INIT;
	struct dsng_error err = DSNG_ERROR_INIT;
	struct dm_txn *t;
	struct dm_rcpt_change *ch;
	const char *note;
	char *line;

	if (!c || !c->pol)
		return fault(ctx, c, "rcpt", "no connection state");
	if (!argv || !argv[0])
		return fault(ctx, c, "rcpt", "no recipient from the MTA");
	detect_mta(ctx, c);
	t = txn_get(c);
	if (!t)
		return fault(ctx, c, "rcpt", "out of memory");
	line = rebuild(t, "RCPT TO:", argv);
	if (!line)
		return fault(ctx, c, "rcpt", "out of memory");
	if (t->smtputf8)
		opts.flags |= DSNG_CMD_UTF8;
	if (dsng_cmd_parse(&cmd, line, strlen(line), &opts, &err) != 0) {
		char what[300];

		snprintf(what, sizeof(what),
		         "the RCPT command the MTA accepted does not parse: "
		         "%s",
		         err.message);
		talloc_free(line);
		return fault_at(ctx, c, "rcpt", what, "rcpt", argv[0]);
	}
	if (dsng_policy_rcpt(&d, c->pol->p, &c->s, &cmd, &err) != 0) {
		talloc_free(line);
		return fault(ctx, c, "rcpt", err.message);
	}
	if (d.action == DSNG_POLICY_ACTION_REJECT) {
		dm_count(DM_C_REJECT);
		log_cmd(ctx, c, "rcpt", "reject", &d, NULL, "rcpt", argv[0],
		        true);
		talloc_free(line);
		return dm_opts.dry_run ? SMFIS_CONTINUE : refuse(ctx, &d);
	}
	if (!d.changed) {
		dm_count(DM_C_ACCEPT);
		log_cmd(ctx, c, "rcpt", "accept", &d, NULL, "rcpt", argv[0],
		        false);
		talloc_free(line);
		return SMFIS_CONTINUE;
	}
	note = rcpt_rewrite_blocker(c);
	if (note) {
		/* Refuse with the policy's own reply for this request. */
		dsng_policy_rcpt_refusal(&d, c->pol->p, NULL);
		dm_count(DM_C_REJECT);
		log_cmd(ctx, c, "rcpt", "reject", &d, note, "rcpt", argv[0],
		        true);
		talloc_free(line);
		return dm_opts.dry_run ? SMFIS_CONTINUE : refuse(ctx, &d);
	}
	ch = talloc_zero(t, struct dm_rcpt_change);
	if (ch) {
		ch->addr = talloc_strdup(ch, argv[0]);
		ch->params = params_text(ch, &cmd);
		ch->action = dsng_policy_action_name(d.action);
		ch->rule = d.rule;
	}
	talloc_free(line);
	if (!ch || !ch->addr || !ch->params)
		return fault(ctx, c, "rcpt", "out of memory");
	ch->next = t->rcpts;
	t->rcpts = ch;
	dm_count(dm_count_of(d.action));
	log_cmd(ctx, c, "rcpt", ch->action, &d, NULL, "rcpt", argv[0], false);
	return SMFIS_CONTINUE;
}

/* ---- headers ------------------------------------------------------- */

/* 1-based position of this header among those of its name. */
static int header_index(struct dm_txn *t, const char *name)
{
	struct dm_hdr_count *k;

	for (k = t->counts; k; k = k->next)
		if (!strcasecmp(k->name, name))
			return ++k->n;
	k = talloc_zero(t, struct dm_hdr_count);
	if (!k || !(k->name = talloc_strdup(k, name)))
		return -1;
	k->next = t->counts;
	t->counts = k;
	return k->n = 1;
}

static sfsistat on_header(SMFICTX *ctx, char *name, char *value)
{
	struct dm_conn *c = smfi_getpriv(ctx);
	struct dsng_decision d = DSNG_DECISION_INIT;
	struct dm_txn *t;
	struct dm_hdr_change *h;
	struct dm_line l;
	const char *action = "accept";
	int idx;

	if (!c || !c->pol || !name)
		return fault(ctx, c, "header", "no connection state");
	if (!dsng_policy_is_receipt_header(c->pol->p, name, strlen(name)))
		return SMFIS_CONTINUE;
	t = txn_get(c);
	if (!t || (idx = header_index(t, name)) < 0)
		return fault(ctx, c, "header", "out of memory");
	if (!value)
		value = "";
	if (dsng_policy_header(&d, c->pol->p, &c->s, name, strlen(name), value,
	                       strlen(value), NULL) != 0)
		return fault(ctx, c, "header", "policy refused the header");
	if (d.action == DSNG_POLICY_ACTION_STRIP ||
	    d.action == DSNG_POLICY_ACTION_FLAG) {
		h = talloc_zero(t, struct dm_hdr_change);
		if (!h || !(h->name = talloc_strdup(h, name)))
			return fault(ctx, c, "header", "out of memory");
		h->index = idx;
		h->rule = d.rule;
		if (d.action == DSNG_POLICY_ACTION_FLAG) {
			h->flag = true;
			h->flag_text = talloc_strdup(h, d.reply_text);
			if (!h->flag_text)
				return fault(ctx, c, "header", "out of memory");
		}
		h->next = t->hdrs;
		t->hdrs = h;
		action = dsng_policy_action_name(d.action);
	}
	dm_count(dm_count_of(d.action));
	line_start(&l, ctx, c, "header", action,
	           dsng_policy_action_name(d.action), d.rule);
	line_reply(&l, NULL);
	line_reason(&l, &d, NULL);
	dm_line_kvs(&l, "header", name);
	line_tail(&l, c, &d);
	dm_log_line(LOG_INFO, &l);
	return SMFIS_CONTINUE;
}

/* ---- end of message ------------------------------------------------ */

static void log_eom(SMFICTX *ctx, struct dm_conn *c, const char *action,
                    const char *rule, const char *what_key, const char *what,
                    const char *params, const char *reason)
{
	struct dm_line l;

	line_start(&l, ctx, c, "eom", action, action, rule);
	dm_line_kvs(&l, "reply", NULL);
	dm_line_kvs(&l, "reason", reason);
	dm_line_kvs(&l, what_key, what);
	if (params)
		dm_line_kvs(&l, "params", params);
	line_tail(&l, c, NULL);
	dm_log_line(LOG_INFO, &l);
}

/* Headers of one name are removed from the last to the first, so an
 * index never shifts under a later removal; the list is newest first. */
static int apply_headers(SMFICTX *ctx, struct dm_conn *c, struct dm_txn *t)
{
	struct dm_hdr_change *h;
	bool flagged = false;

	for (h = t->hdrs; h; h = h->next) {
		if (h->flag) {
			char *colon = strchr(h->flag_text, ':');
			const char *val = colon ? colon + 1 : "";

			if (flagged || !colon)
				continue;
			*colon = 0;
			while (*val == ' ')
				val++;
			if (!dm_opts.dry_run &&
			    smfi_addheader(ctx, h->flag_text, (char *)val) !=
			            MI_SUCCESS)
				return -1;
			flagged = true;
			log_eom(ctx, c, "flag", h->rule, "header", h->name,
			        NULL, "receipt request flagged with a header");
			*colon = ':';
			continue;
		}
		if (!dm_opts.dry_run &&
		    smfi_chgheader(ctx, h->name, h->index, NULL) != MI_SUCCESS)
			return -1;
		log_eom(ctx, c, "strip", h->rule, "header", h->name, NULL,
		        "receipt request header removed");
	}
	return 0;
}

static sfsistat on_eom(SMFICTX *ctx)
{
	struct dm_conn *c = smfi_getpriv(ctx);
	struct dm_txn *t = c ? c->txn : NULL;
	struct dm_rcpt_change *r;
	int rc;

	if (!c || !t)
		return SMFIS_CONTINUE;
	for (r = t->rcpts; r; r = r->next) {
		if (!dm_opts.dry_run) {
			rc = smfi_delrcpt(ctx, r->addr);
			if (rc == MI_SUCCESS)
				rc = r->params[0]
				             ? smfi_addrcpt_par(ctx, r->addr,
				                                r->params)
				             : smfi_addrcpt(ctx, r->addr);
			if (rc != MI_SUCCESS) {
				txn_end(c);
				return fault(ctx, c, "eom",
				             "the MTA refused the recipient "
				             "change");
			}
		}
		log_eom(ctx, c, r->action, r->rule, "rcpt", r->addr, r->params,
		        "recipient deleted and added back with the "
		        "rewritten NOTIFY/ORCPT");
	}
	if (t->from) {
		if (!dm_opts.dry_run &&
		    smfi_chgfrom(ctx, t->from,
		                 t->from_params[0] ? t->from_params : NULL) !=
		            MI_SUCCESS) {
			txn_end(c);
			return fault(ctx, c, "eom",
			             "the MTA refused the sender change");
		}
		log_eom(ctx, c, t->from_action, t->from_rule, "from", t->from,
		        t->from_params,
		        "sender set again with the rewritten RET/ENVID");
	}
	if (t->hdrs && (!c->can_headers || apply_headers(ctx, c, t) != 0)) {
		txn_end(c);
		return fault(ctx, c, "eom",
		             "the MTA refused the header change");
	}
	txn_end(c);
	return SMFIS_CONTINUE;
}

static sfsistat on_abort(SMFICTX *ctx)
{
	struct dm_conn *c = smfi_getpriv(ctx);

	if (c)
		txn_end(c);
	return SMFIS_CONTINUE;
}

static sfsistat on_close(SMFICTX *ctx)
{
	struct dm_conn *c = smfi_getpriv(ctx);

	if (!c)
		return SMFIS_CONTINUE;
	smfi_setpriv(ctx, NULL);
	dm_policy_put(c->pol);
	if (c->counted)
		dm_active_add(-1);
	talloc_free(c);
	return SMFIS_CONTINUE;
}

struct smfiDesc dm_filter = {
        .xxfi_name = "dsnguard-milter",
        .xxfi_version = SMFI_VERSION,
        .xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_ADDRCPT |
                      SMFIF_DELRCPT | SMFIF_ADDRCPT_PAR | SMFIF_CHGFROM |
                      SMFIF_SETSYMLIST,
        .xxfi_connect = on_connect,
        .xxfi_helo = on_helo,
        .xxfi_envfrom = on_envfrom,
        .xxfi_envrcpt = on_envrcpt,
        .xxfi_header = on_header,
        .xxfi_eoh = NULL,
        .xxfi_body = NULL,
        .xxfi_eom = on_eom,
        .xxfi_abort = on_abort,
        .xxfi_close = on_close,
        .xxfi_unknown = NULL,
        .xxfi_data = NULL,
        .xxfi_negotiate = on_negotiate,
};
