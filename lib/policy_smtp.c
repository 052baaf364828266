/*
 * lib/policy_smtp.c - the SMTP-time decisions: EHLO (offer DSN or not),
 * MAIL (RET, ENVID) and RCPT (NOTIFY, ORCPT).
 *
 * Commands are modified in place through the contract of cmd.h: a
 * parameter is dropped with params[i].removed, and a new value points at
 * static text here or at the policy's NOTIFY texts (written by
 * dsng_notify_format when the policy was built), so no decision allocates
 * and the caller formats the command back with dsng_cmd_format when
 * d->changed is set.
 */
#include <string.h>

#include "policy_int.h"

static const struct dsng__src src_helo = {"ehlo.helo", "rfc5321", 0};
static const struct dsng__src src_mail_default = {"mail.default", "rfc3461", 0};
static const struct dsng__src src_rcpt_default = {"rcpt.default", "rfc3461", 0};
static const struct dsng__src src_null_sender = {"rcpt.null-sender", "rfc3461",
                                                 0};

/* DSN was not offered to the client, but ehlo.honour-unoffered-from
 * covers it now: its DSN requests go to the rules.  The usual case is a
 * login after EHLO, whose reply could not offer DSN for it. */
static const char late_auth_note[] =
        "lenient: DSN was not offered to this client in EHLO, but it has "
        "authenticated since, so its sender is not forged "
        "(ehlo.honour-unoffered-from)";
static const char late_note[] =
        "lenient: DSN was not offered to this client in EHLO, but "
        "ehlo.honour-unoffered-from covers it";

/* What a decision's standing is, by dsng__dsn_offered's answer. */
static const char *offered_note(const struct dsng_policy *p,
                                struct dsng_policy_session *s, int offered)
{
	if (offered == DSNG__OFFERED_LATE)
		return (dsng_policy_classes(p, s) & p->honour_unoffered.mask &
		        DSNG_POLICY_CLASS_AUTHENTICATED)
		               ? late_auth_note
		               : late_note;
	return offered ? "NOT RFC 3461-compliant: DSN was offered to this "
	                 "client, and the RFCs give no way to accept DSN yet "
	                 "refuse part of it"
	               : "lenient: DSN was not offered, so RFC 5321 4.1.1.11 "
	                 "would refuse the parameter with 555";
}

static void ehlo_decide(struct dsng_decision *d, const struct dsng_policy *p,
                        struct dsng_policy_session *s, bool esmtp)
{
	char who[160];
	unsigned cls;

	s->esmtp = esmtp;
	if (!esmtp) {
		dsng__decision_start(d, &src_helo);
		d->action = DSNG_POLICY_ACTION_HIDE_DSN;
		s->dsn_offered = 0;
		dsng__reason(d,
		             "HELO: no ESMTP extensions, so DSN is not offered "
		             "(RFC 5321 4.1.1.1)");
		return;
	}
	dsng__decision_start(d, &p->offer_dsn.src);
	/* Only what the server knows when it answers EHLO: a login comes
	 * later (RFC 4954), even if the caller already filled auth_user. */
	cls = dsng_policy_classes(p, s) & DSNG_POLICY_CLASSES_EHLO;
	s->ehlo_classes = cls;
	dsng__describe_classes(s, cls, who, sizeof(who));
	if (cls & p->offer_dsn.mask) {
		d->action = DSNG_POLICY_ACTION_ADVERTISE_DSN;
		s->dsn_offered = 1;
		dsng__reason(d, "DSN offered to %s (ehlo.offer-dsn: %s)", who,
		             p->offer_dsn.text);
	} else {
		d->action = DSNG_POLICY_ACTION_HIDE_DSN;
		s->dsn_offered = 0;
		dsng__reason(
		        d,
		        "DSN not offered to %s (ehlo.offer-dsn: %s); hiding "
		        "the keyword is the RFC-compliant way to refuse "
		        "receipts",
		        who, p->offer_dsn.text);
	}
	if (s->auth_user && s->auth_user[0])
		dsng__reason(d, "; the login is not counted: AUTH comes after "
		                "EHLO (RFC 4954)");
}

/* Action strength when several rules fire on one command. */
static int strength(enum dsng_policy_action a)
{
	switch (a) {
	case DSNG_POLICY_ACTION_REJECT:
		return 5;
	case DSNG_POLICY_ACTION_IGNORE:
		return 4;
	case DSNG_POLICY_ACTION_NEVER:
		return 3;
	case DSNG_POLICY_ACTION_STRIP:
		return 2;
	case DSNG_POLICY_ACTION_DOWNGRADE:
		return 1;
	default:
		return 0;
	}
}

static void raise_action(struct dsng_decision *d, enum dsng_policy_action a,
                         const struct dsng__src *src)
{
	if (strength(a) > strength(d->action)) {
		d->action = a;
		d->rule = src->rule;
		d->origin = src->origin;
		d->line = src->line;
	}
}

static void remove_param(struct dsng_cmd *cmd, enum dsng_param_kind kind)
{
	size_t i;

	for (i = 0; i < cmd->n_params && i < DSNG_CMD_MAX_PARAMS; i++)
		if (cmd->params[i].kind == kind && !cmd->params[i].removed)
			cmd->params[i].removed = true;
}

static void set_value(struct dsng_cmd *cmd, enum dsng_param_kind kind,
                      const char *text)
{
	size_t i;

	for (i = 0; i < cmd->n_params && i < DSNG_CMD_MAX_PARAMS; i++)
		if (cmd->params[i].kind == kind && !cmd->params[i].removed) {
			cmd->params[i].value.ptr = text;
			cmd->params[i].value.len = strlen(text);
			return;
		}
}

static void mail_decide(struct dsng_decision *d, const struct dsng_policy *p,
                        struct dsng_policy_session *s, struct dsng_cmd *cmd)
{
	char who[160];
	int offered;
	bool ret_full, envid;
	unsigned cls;

	dsng_policy_session_reset(s);
	s->null_sender = cmd->path.is_null;
	ret_full = cmd->ret == DSNG_RET_FULL;
	envid = cmd->has_envid;
	if (cmd->ret == DSNG_RET_NONE && !envid) {
		dsng__decision_start(d, &src_mail_default);
		dsng__reason(d, "no DSN parameters%s",
		             s->null_sender ? "; null sender: no DSN is ever "
		                              "generated for this transaction"
		                            : "");
		return;
	}
	cls = dsng_policy_classes(p, s);
	offered = dsng__dsn_offered(p, s, cls);
	dsng__describe_classes(s, cls, who, sizeof(who));

	if (!offered && p->mail_unoffered.v != DSNG__UNOFFERED_RULES) {
		const char *kw = cmd->ret != DSNG_RET_NONE ? "RET" : "ENVID";

		dsng__decision_start(d, &p->mail_unoffered.src);
		if (p->mail_unoffered.v == DSNG__UNOFFERED_REJECT) {
			d->action = DSNG_POLICY_ACTION_REJECT;
			dsng__decision_reply(d, &p->mail_unoffered_reply, kw,
			                     cmd->ret == DSNG_RET_FULL ? "FULL"
			                     : cmd->ret == DSNG_RET_HDRS
			                             ? "HDRS"
			                             : "");
			dsng__reason(d,
			             "%s refused: DSN was not offered to %s "
			             "(compliant refusal)",
			             kw, who);
		} else {
			d->action = DSNG_POLICY_ACTION_IGNORE;
			d->compliance = DSNG_POLICY_LENIENT;
			if (cmd->ret != DSNG_RET_NONE)
				d->changes |= DSNG_POLICY_CHANGED_RET;
			if (envid)
				d->changes |= DSNG_POLICY_CHANGED_ENVID;
			remove_param(cmd, DSNG_PARAM_RET);
			remove_param(cmd, DSNG_PARAM_ENVID);
			cmd->ret = DSNG_RET_NONE;
			cmd->has_envid = false;
			d->changed = true;
			dsng__reason(
			        d,
			        "RET/ENVID removed: DSN was not offered to "
			        "%s (%s)",
			        who, offered_note(p, s, 0));
		}
		return;
	}

	dsng__decision_start(d, &p->ret_full_from.src);
	d->action = DSNG_POLICY_ACTION_ACCEPT;
	if (ret_full && !(cls & p->ret_full_from.mask)) {
		const struct dsng__src *src = &p->ret_full_action.src;

		switch ((enum dsng_policy_action)p->ret_full_action.v) {
		case DSNG_POLICY_ACTION_DOWNGRADE:
			set_value(cmd, DSNG_PARAM_RET, "HDRS");
			cmd->ret = DSNG_RET_HDRS;
			d->changed = true;
			d->changes |= DSNG_POLICY_CHANGED_RET;
			raise_action(d, DSNG_POLICY_ACTION_DOWNGRADE, src);
			dsng__reason(
			        d,
			        "RET=FULL downgraded to HDRS for %s, so a "
			        "report to a forged sender carries no body",
			        who);
			break;
		case DSNG_POLICY_ACTION_STRIP:
			remove_param(cmd, DSNG_PARAM_RET);
			cmd->ret = DSNG_RET_NONE;
			d->changed = true;
			d->changes |= DSNG_POLICY_CHANGED_RET;
			raise_action(d, DSNG_POLICY_ACTION_STRIP, src);
			dsng__reason(d, "RET=FULL removed for %s", who);
			break;
		case DSNG_POLICY_ACTION_REJECT:
			raise_action(d, DSNG_POLICY_ACTION_REJECT, src);
			dsng__decision_reply(d, &p->mail_reply, "RET", "FULL");
			dsng__reason(d, "RET=FULL refused for %s", who);
			break;
		default:
			dsng__reason(d,
			             "RET=FULL from %s is outside "
			             "mail.ret-full-from (%s) but accepted",
			             who, p->ret_full_from.text);
			break;
		}
		if (strength(d->action) > 0 &&
		    d->action != DSNG_POLICY_ACTION_REJECT)
			dsng__reason(d, " (mail.ret-full-from: %s)",
			             p->ret_full_from.text);
	}
	if (envid && !(cls & p->envid_from.mask) &&
	    d->action != DSNG_POLICY_ACTION_REJECT) {
		const struct dsng__src *src = &p->envid_action.src;

		if (d->reason[0])
			dsng__reason(d, "; ");
		switch ((enum dsng_policy_action)p->envid_action.v) {
		case DSNG_POLICY_ACTION_STRIP:
			remove_param(cmd, DSNG_PARAM_ENVID);
			cmd->has_envid = false;
			d->changed = true;
			d->changes |= DSNG_POLICY_CHANGED_ENVID;
			raise_action(d, DSNG_POLICY_ACTION_STRIP, src);
			dsng__reason(
			        d, "ENVID removed for %s (mail.envid-from: %s)",
			        who, p->envid_from.text);
			break;
		case DSNG_POLICY_ACTION_REJECT:
			raise_action(d, DSNG_POLICY_ACTION_REJECT, src);
			dsng__decision_reply(d, &p->mail_reply, "ENVID", "");
			dsng__reason(d, "ENVID refused for %s", who);
			break;
		default:
			dsng__reason(d,
			             "ENVID accepted although %s is outside "
			             "mail.envid-from",
			             who);
			break;
		}
	}
	if (d->action == DSNG_POLICY_ACTION_REJECT) {
		/* The command is refused whole: what was rewritten before
		 * the refusal does not matter. */
		d->changed = false;
		d->changes = 0;
		d->compliance = DSNG_POLICY_COMPLIANT;
		dsng__reason(d, " (compliant refusal)");
	} else if (d->changed) {
		d->compliance = offered == 1 ? DSNG_POLICY_NOT_COMPLIANT
		                             : DSNG_POLICY_LENIENT;
		dsng__reason(d, "; %s", offered_note(p, s, offered));
	} else {
		d->compliance = offered == 1 ? DSNG_POLICY_COMPLIANT
		                             : DSNG_POLICY_LENIENT;
		if (!d->reason[0])
			dsng__reason(d, "%s%s%s honoured for %s",
			             cmd->ret == DSNG_RET_FULL   ? "RET=FULL"
			             : cmd->ret == DSNG_RET_HDRS ? "RET=HDRS"
			                                         : "",
			             cmd->ret != DSNG_RET_NONE && envid ? ", "
			                                                : "",
			             envid ? "ENVID" : "", who);
		if (offered != 1)
			dsng__reason(d, " (%s)", offered_note(p, s, offered));
	}
}

/* The decision, and what its reason says of its standing (each return
 * says why; dsng__decision_standing). */
static enum dsng__standing rcpt_decide(struct dsng_decision *d,
                                       const struct dsng_policy *p,
                                       struct dsng_policy_session *s,
                                       struct dsng_cmd *cmd)
{
	char who[160];
	unsigned notify, cls, bad = 0, left;
	size_t who_len;
	int offered;
	const struct dsng__src *why = NULL;

	notify = cmd->notify;
	if (!notify && !cmd->has_orcpt) {
		dsng__decision_start(d, &src_rcpt_default);
		dsng__reason_cat(d,
		                 "no NOTIFY: the RFC 3461 default applies "
		                 "(failure reports only)",
		                 NULL);
		s->n_recipients++;
		return DSNG__STANDING_UNSTATED; /* that text alone */
	}
	cls = dsng_policy_classes(p, s);
	offered = dsng__dsn_offered(p, s, cls);
	who_len = dsng__describe_classes(s, cls, who, sizeof(who));

	if (!offered && p->rcpt_unoffered.v != DSNG__UNOFFERED_ACCEPT) {
		const char *kw = notify ? "NOTIFY" : "ORCPT";
		const char *asked = dsng__notify_text(p, notify);
		size_t o = 0; /* the reason is empty */

		dsng__decision_start(d, &p->rcpt_unoffered.src);
		d->notify = notify;
		if (p->rcpt_unoffered.v == DSNG__UNOFFERED_REJECT) {
			d->action = DSNG_POLICY_ACTION_REJECT;
			dsng__decision_reply(d, &p->rcpt_unoffered_reply, kw,
			                     asked);
			/* piece by piece with their lengths: most decisions
			 * of a server that offers DSN to few are this one */
			dsng__reason_put(d, &o, kw, notify ? 6 : 5);
			if (notify) {
				DSNG__REASON_LIT(d, &o, "=");
				dsng__reason_put(d, &o, asked, strlen(asked));
			}
			DSNG__REASON_LIT(d, &o,
			                 " refused: DSN was not offered to ");
			dsng__reason_put(d, &o, who, who_len);
			DSNG__REASON_LIT(d, &o, " (compliant refusal)");
			return DSNG__STANDING_STATED;
		}
		d->action = DSNG_POLICY_ACTION_IGNORE;
		d->compliance = DSNG_POLICY_LENIENT;
		if (notify)
			d->changes |= DSNG_POLICY_CHANGED_NOTIFY;
		if (cmd->has_orcpt)
			d->changes |= DSNG_POLICY_CHANGED_ORCPT;
		remove_param(cmd, DSNG_PARAM_NOTIFY);
		remove_param(cmd, DSNG_PARAM_ORCPT);
		cmd->notify = 0;
		cmd->has_orcpt = false;
		d->notify = 0;
		d->changed = true;
		dsng__reason(d,
		             "NOTIFY/ORCPT removed: DSN was not offered to %s "
		             "(%s)",
		             who, offered_note(p, s, 0));
		s->n_recipients++;
		return DSNG__STANDING_STATED; /* the note is lenient */
	}

	if (notify && s->null_sender) {
		dsng__decision_start(d, &src_null_sender);
		d->notify = notify;
		dsng__reason(d,
		             "NOTIFY=%s is moot: the sender is null (<>), and "
		             "RFC 3461 never sends a DSN to <>",
		             dsng__notify_text(p, notify));
		s->n_recipients++;
		return DSNG__STANDING_UNSTATED; /* and NOTIFY's words */
	}

	dsng__decision_start(d, &p->success_from.src);
	if ((notify & DSNG_NOTIFY_SUCCESS) && !(cls & p->success_from.mask)) {
		bad |= DSNG_NOTIFY_SUCCESS;
		why = &p->success_from.src;
	}
	if ((notify & DSNG_NOTIFY_DELAY) && !(cls & p->delay_from.mask)) {
		bad |= DSNG_NOTIFY_DELAY;
		why = why ? why : &p->delay_from.src;
	}
	if ((notify & DSNG_NOTIFY_FAILURE) && !(cls & p->failure_from.mask)) {
		bad |= DSNG_NOTIFY_FAILURE;
		why = why ? why : &p->failure_from.src;
	}
	left = notify & ~bad;
	if (!bad) {
		if (notify)
			dsng__reason_cat(
			        d, "NOTIFY=", dsng__notify_text(p, notify),
			        " honoured for ", who, NULL);
	} else {
		const char *asked = dsng__notify_text(p, notify);
		const char *refused = dsng__notify_text(p, bad);

		d->rule = why->rule;
		d->origin = why->origin;
		d->line = why->line;
		switch ((enum dsng_policy_action)p->rcpt_action.v) {
		case DSNG_POLICY_ACTION_REJECT:
			d->action = DSNG_POLICY_ACTION_REJECT;
			d->notify = notify;
			dsng__decision_reply(d, &p->rcpt_reply, "NOTIFY",
			                     refused);
			dsng__reason_cat(d, "NOTIFY=", asked, " refused: ", who,
			                 " may not ask for ", refused,
			                 " notices (", why->rule,
			                 "; compliant refusal)", NULL);
			return DSNG__STANDING_STATED;
		case DSNG_POLICY_ACTION_STRIP:
			d->action = DSNG_POLICY_ACTION_STRIP;
			remove_param(cmd, DSNG_PARAM_NOTIFY);
			left = 0;
			dsng__reason(
			        d,
			        "NOTIFY=%s removed for %s (%s), so the RFC "
			        "3461 default applies",
			        asked, who, why->rule);
			break;
		case DSNG_POLICY_ACTION_DOWNGRADE:
			d->action = DSNG_POLICY_ACTION_DOWNGRADE;
			if (left) {
				set_value(cmd, DSNG_PARAM_NOTIFY,
				          dsng__notify_text(p, left));
				dsng__reason(d,
				             "NOTIFY=%s downgraded to %s for "
				             "%s (%s)",
				             asked, dsng__notify_text(p, left),
				             who, why->rule);
			} else {
				remove_param(cmd, DSNG_PARAM_NOTIFY);
				dsng__reason(
				        d,
				        "NOTIFY=%s downgraded: nothing left, "
				        "NOTIFY removed so the RFC 3461 "
				        "default "
				        "applies, for %s (%s)",
				        asked, who, why->rule);
			}
			break;
		case DSNG_POLICY_ACTION_NEVER:
			d->action = DSNG_POLICY_ACTION_NEVER;
			left = DSNG_NOTIFY_NEVER;
			set_value(cmd, DSNG_PARAM_NOTIFY,
			          dsng__notify_text(p, DSNG_NOTIFY_NEVER));
			dsng__reason(d,
			             "NOTIFY=%s replaced by NEVER for %s (%s)",
			             asked, who, why->rule);
			break;
		default:
			left = notify;
			dsng__reason(
			        d,
			        "NOTIFY=%s accepted (rcpt.action = accept) "
			        "although %s may not ask for %s notices (%s)",
			        asked, who, refused, why->rule);
			break;
		}
		if (d->action != DSNG_POLICY_ACTION_ACCEPT) {
			cmd->notify = left;
			d->changed = true;
			d->changes |= DSNG_POLICY_CHANGED_NOTIFY;
			/* The action key made the choice; the class key said
			 * why. */
			d->rule = p->rcpt_action.src.rule;
			d->origin = p->rcpt_action.src.origin;
			d->line = p->rcpt_action.src.line;
		}
	}
	if (cmd->has_orcpt && !(cls & p->orcpt_from.mask)) {
		remove_param(cmd, DSNG_PARAM_ORCPT);
		cmd->has_orcpt = false;
		d->changed = true;
		d->changes |= DSNG_POLICY_CHANGED_ORCPT;
		raise_action(d, DSNG_POLICY_ACTION_STRIP, &p->orcpt_from.src);
		dsng__reason(d, "%sORCPT removed for %s (rcpt.orcpt-from: %s)",
		             d->reason[0] ? "; " : "", who, p->orcpt_from.text);
	}
	if (!d->reason[0])
		dsng__reason(d, "ORCPT kept for %s", who);
	d->notify = left;
	if (d->changed)
		d->compliance = offered == 1 ? DSNG_POLICY_NOT_COMPLIANT
		                             : DSNG_POLICY_LENIENT;
	else
		d->compliance = offered == 1 ? DSNG_POLICY_COMPLIANT
		                             : DSNG_POLICY_LENIENT;
	s->n_recipients++;
	if (d->changed || offered != 1) {
		/* every note is lenient or not compliant, and comes last */
		dsng__reason_cat(d, "; ", offered_note(p, s, offered), NULL);
		return DSNG__STANDING_STATED;
	}
	/* only fixed text and the client's description: a login such as
	 * "lenientbob" in it states no standing */
	return DSNG__STANDING_UNSTATED;
}

int dsng_policy_ehlo(struct dsng_decision *d, const struct dsng_policy *p,
                     struct dsng_policy_session *s, bool esmtp,
                     struct dsng_error *err)
{
	int rc = dsng__decision_args(d, p, s, err);

	if (rc)
		return rc;
	ehlo_decide(d, p, s, esmtp);
	dsng__decision_label(d);
	return 0;
}

/* The command a MAIL or RCPT decision is given: not NULL, of a version
 * this library knows (it reads only that version's fields), that verb. */
static int cmd_args(const struct dsng_cmd *cmd, enum dsng_verb verb,
                    struct dsng_error *err)
{
	if (!cmd)
		return dsng__bad_arg(err, "NULL command");
	if (!dsng__version_ok(cmd, DSNG_CMD_VERSION))
		return dsng__bad_arg(err, "command struct of unknown version");
	if (cmd->verb != verb)
		return dsng__bad_arg(err, verb == DSNG_VERB_MAIL
		                                  ? "not a MAIL command"
		                                  : "not a RCPT command");
	return 0;
}

int dsng_policy_mail(struct dsng_decision *d, const struct dsng_policy *p,
                     struct dsng_policy_session *s, struct dsng_cmd *cmd,
                     struct dsng_error *err)
{
	int rc = dsng__decision_args(d, p, s, err);

	if (rc == 0)
		rc = cmd_args(cmd, DSNG_VERB_MAIL, err);
	if (rc)
		return rc;
	mail_decide(d, p, s, cmd);
	dsng__decision_label(d);
	return 0;
}

int dsng_policy_rcpt(struct dsng_decision *d, const struct dsng_policy *p,
                     struct dsng_policy_session *s, struct dsng_cmd *cmd,
                     struct dsng_error *err)
{
	int rc = dsng__decision_args(d, p, s, err);
	enum dsng__standing st;
	unsigned requested;

	if (rc == 0)
		rc = cmd_args(cmd, DSNG_VERB_RCPT, err);
	if (rc)
		return rc;
	/* What the client asked for, before the decision rewrites it. */
	requested = cmd->notify;
	st = rcpt_decide(d, p, s, cmd);
	d->notify_requested = requested;
	dsng__decision_standing(d, st);
	return 0;
}
