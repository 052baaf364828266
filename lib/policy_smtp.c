/*
 * lib/policy_smtp.c - the SMTP-time decisions: EHLO (offer DSN or not),
 * MAIL (RET, ENVID) and RCPT (NOTIFY, ORCPT).
 *
 * Commands are modified in place through the contract of cmd.h: a
 * parameter is dropped with params[i].removed, and a new value points at
 * static text here, so no decision allocates and the caller formats the
 * command back with dsng_cmd_format when d->changed is set.
 */
#include <string.h>

#include "policy_int.h"

/* NOTIFY lists by SUCCESS/FAILURE/DELAY bits (value >> 1), in the order
 * RFC 3461 4.1 lists them. */
static const char *const notify_text[8] = {
        "",      "SUCCESS",       "FAILURE",       "SUCCESS,FAILURE",
        "DELAY", "SUCCESS,DELAY", "FAILURE,DELAY", "SUCCESS,FAILURE,DELAY"};

static const char *notify_words(unsigned bits)
{
	if (bits & DSNG_NOTIFY_NEVER)
		return "NEVER";
	return notify_text[(bits >> 1) & 7];
}

static const struct dsng__src src_helo = {"ehlo.helo", "rfc5321", 0};
static const struct dsng__src src_mail_default = {"mail.default", "rfc3461", 0};
static const struct dsng__src src_rcpt_default = {"rcpt.default", "rfc3461", 0};
static const struct dsng__src src_null_sender = {"rcpt.null-sender", "rfc3461",
                                                 0};

/* The client authenticated (or became entitled otherwise) after its
 * EHLO, whose reply could not offer DSN yet: its DSN requests are taken
 * as if offered. */
static const char late_note[] =
        "lenient: DSN was not in this client's EHLO reply, but it has "
        "authenticated since and ehlo.offer-dsn covers it now";

static const char *offered_note(int offered)
{
	return offered ? "NOT RFC 3461-compliant: DSN was offered to this "
	                 "client, and the RFCs give no way to accept DSN yet "
	                 "refuse part of it"
	               : "lenient: DSN was not offered, so RFC 5321 4.1.1.11 "
	                 "would refuse the parameter with 555";
}

static int ehlo_decide(const struct dsng_policy *p, struct dsng_session *s,
                       int esmtp, struct dsng_decision *d)
{
	char who[160];
	unsigned cls;

	if (!p || !s || !d)
		return DSNG_EINVAL;
	s->esmtp = esmtp ? 1 : 0;
	if (!esmtp) {
		dsng__decision_start(d, &src_helo);
		d->action = DSNG_ACTION_HIDE_DSN;
		s->dsn_offered = 0;
		dsng__reason(d,
		             "HELO: no ESMTP extensions, so DSN is not offered "
		             "(RFC 5321 4.1.1.1)");
		return 0;
	}
	dsng__decision_start(d, &p->offer_dsn.src);
	cls = dsng_policy_classes(p, s);
	s->ehlo_classes = cls;
	dsng__describe_client(p, s, who, sizeof(who));
	if (cls & p->offer_dsn.mask) {
		d->action = DSNG_ACTION_ADVERTISE_DSN;
		s->dsn_offered = 1;
		dsng__reason(d, "DSN offered to %s (ehlo.offer-dsn: %s)", who,
		             p->offer_dsn.text);
	} else {
		d->action = DSNG_ACTION_HIDE_DSN;
		s->dsn_offered = 0;
		dsng__reason(
		        d,
		        "DSN not offered to %s (ehlo.offer-dsn: %s); hiding "
		        "the keyword is the RFC-compliant way to refuse "
		        "receipts",
		        who, p->offer_dsn.text);
	}
	return 0;
}

/* Action strength when several rules fire on one command. */
static int strength(enum dsng_action a)
{
	switch (a) {
	case DSNG_ACTION_REJECT:
		return 5;
	case DSNG_ACTION_IGNORE:
		return 4;
	case DSNG_ACTION_NEVER:
		return 3;
	case DSNG_ACTION_STRIP:
		return 2;
	case DSNG_ACTION_DOWNGRADE:
		return 1;
	default:
		return 0;
	}
}

static void raise_action(struct dsng_decision *d, enum dsng_action a,
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
			cmd->params[i].removed = 1;
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

static int mail_decide(const struct dsng_policy *p, struct dsng_session *s,
                       struct dsng_cmd *cmd, struct dsng_decision *d)
{
	char who[160];
	int offered, ret_full, envid;
	unsigned cls;

	if (!p || !s || !cmd || !d || cmd->verb != DSNG_VERB_MAIL)
		return DSNG_EINVAL;
	dsng_session_reset_transaction(s);
	s->null_sender = cmd->path.is_null;
	ret_full = cmd->ret == DSNG_RET_FULL;
	envid = cmd->has_envid;
	if (cmd->ret == DSNG_RET_NONE && !envid) {
		dsng__decision_start(d, &src_mail_default);
		dsng__reason(d, "no DSN parameters%s",
		             s->null_sender ? "; null sender: no DSN is ever "
		                              "generated for this transaction"
		                            : "");
		return 0;
	}
	offered = dsng__dsn_offered(p, s);
	cls = dsng_policy_classes(p, s);
	dsng__describe_client(p, s, who, sizeof(who));

	if (!offered && p->mail_unoffered.v != DSNG__UNOFFERED_RULES) {
		const char *kw = cmd->ret != DSNG_RET_NONE ? "RET" : "ENVID";

		dsng__decision_start(d, &p->mail_unoffered.src);
		if (p->mail_unoffered.v == DSNG__UNOFFERED_REJECT) {
			d->action = DSNG_ACTION_REJECT;
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
			d->action = DSNG_ACTION_IGNORE;
			d->compliance = DSNG_LENIENT;
			remove_param(cmd, DSNG_PARAM_RET);
			remove_param(cmd, DSNG_PARAM_ENVID);
			cmd->ret = DSNG_RET_NONE;
			cmd->has_envid = 0;
			d->changed = 1;
			dsng__reason(
			        d,
			        "RET/ENVID removed: DSN was not offered to "
			        "%s (%s)",
			        who, offered_note(0));
		}
		return 0;
	}

	dsng__decision_start(d, &p->ret_full_from.src);
	d->action = DSNG_ACTION_ACCEPT;
	if (ret_full && !(cls & p->ret_full_from.mask)) {
		const struct dsng__src *src = &p->ret_full_action.src;

		switch ((enum dsng_action)p->ret_full_action.v) {
		case DSNG_ACTION_DOWNGRADE:
			set_value(cmd, DSNG_PARAM_RET, "HDRS");
			cmd->ret = DSNG_RET_HDRS;
			d->changed = 1;
			raise_action(d, DSNG_ACTION_DOWNGRADE, src);
			dsng__reason(
			        d,
			        "RET=FULL downgraded to HDRS for %s, so a "
			        "report to a forged sender carries no body",
			        who);
			break;
		case DSNG_ACTION_STRIP:
			remove_param(cmd, DSNG_PARAM_RET);
			cmd->ret = DSNG_RET_NONE;
			d->changed = 1;
			raise_action(d, DSNG_ACTION_STRIP, src);
			dsng__reason(d, "RET=FULL removed for %s", who);
			break;
		case DSNG_ACTION_REJECT:
			raise_action(d, DSNG_ACTION_REJECT, src);
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
		if (strength(d->action) > 0 && d->action != DSNG_ACTION_REJECT)
			dsng__reason(d, " (mail.ret-full-from: %s)",
			             p->ret_full_from.text);
	}
	if (envid && !(cls & p->envid_from.mask) &&
	    d->action != DSNG_ACTION_REJECT) {
		const struct dsng__src *src = &p->envid_action.src;

		if (d->reason[0])
			dsng__reason(d, "; ");
		switch ((enum dsng_action)p->envid_action.v) {
		case DSNG_ACTION_STRIP:
			remove_param(cmd, DSNG_PARAM_ENVID);
			cmd->has_envid = 0;
			d->changed = 1;
			raise_action(d, DSNG_ACTION_STRIP, src);
			dsng__reason(
			        d, "ENVID removed for %s (mail.envid-from: %s)",
			        who, p->envid_from.text);
			break;
		case DSNG_ACTION_REJECT:
			raise_action(d, DSNG_ACTION_REJECT, src);
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
	if (d->action == DSNG_ACTION_REJECT) {
		d->changed = 0;
		d->compliance = DSNG_COMPLIANT;
		dsng__reason(d, " (compliant refusal)");
	} else if (d->changed) {
		d->compliance = offered ? DSNG_NOT_COMPLIANT : DSNG_LENIENT;
		dsng__reason(d, "; %s", offered_note(offered));
	} else {
		d->compliance = offered == 1 ? DSNG_COMPLIANT : DSNG_LENIENT;
		if (!d->reason[0])
			dsng__reason(d, "%s%s%s honoured for %s",
			             cmd->ret == DSNG_RET_FULL   ? "RET=FULL"
			             : cmd->ret == DSNG_RET_HDRS ? "RET=HDRS"
			                                         : "",
			             cmd->ret != DSNG_RET_NONE && envid ? ", "
			                                                : "",
			             envid ? "ENVID" : "", who);
		if (!offered)
			dsng__reason(d, " (%s)", offered_note(0));
		else if (offered == DSNG__OFFERED_LATE)
			dsng__reason_cat(d, " (", late_note, ")", NULL);
	}
	return 0;
}

static int rcpt_decide(const struct dsng_policy *p, struct dsng_session *s,
                       struct dsng_cmd *cmd, struct dsng_decision *d)
{
	char who[160];
	unsigned notify, cls, bad = 0, left;
	int offered;
	const struct dsng__src *why = NULL;

	if (!p || !s || !cmd || !d || cmd->verb != DSNG_VERB_RCPT)
		return DSNG_EINVAL;
	notify = cmd->notify;
	if (!notify && !cmd->has_orcpt) {
		dsng__decision_start(d, &src_rcpt_default);
		dsng__reason_cat(d,
		                 "no NOTIFY: the RFC 3461 default applies "
		                 "(failure reports only)",
		                 NULL);
		s->recipients++;
		return 0;
	}
	offered = dsng__dsn_offered(p, s);
	cls = dsng_policy_classes(p, s);
	dsng__describe_client(p, s, who, sizeof(who));

	if (!offered && p->rcpt_unoffered.v != DSNG__UNOFFERED_ACCEPT) {
		const char *kw = notify ? "NOTIFY" : "ORCPT";

		dsng__decision_start(d, &p->rcpt_unoffered.src);
		d->notify = notify;
		if (p->rcpt_unoffered.v == DSNG__UNOFFERED_REJECT) {
			d->action = DSNG_ACTION_REJECT;
			dsng__decision_reply(d, &p->rcpt_unoffered_reply, kw,
			                     notify_words(notify));
			dsng__reason_cat(d, kw, notify ? "=" : "",
			                 notify ? notify_words(notify) : "",
			                 " refused: DSN was not offered to ",
			                 who, " (compliant refusal)", NULL);
			return 0;
		}
		d->action = DSNG_ACTION_IGNORE;
		d->compliance = DSNG_LENIENT;
		remove_param(cmd, DSNG_PARAM_NOTIFY);
		remove_param(cmd, DSNG_PARAM_ORCPT);
		cmd->notify = 0;
		cmd->has_orcpt = 0;
		d->notify = 0;
		d->changed = 1;
		dsng__reason(d,
		             "NOTIFY/ORCPT removed: DSN was not offered to %s "
		             "(%s)",
		             who, offered_note(0));
		s->recipients++;
		return 0;
	}

	if (notify && s->null_sender) {
		dsng__decision_start(d, &src_null_sender);
		d->notify = notify;
		dsng__reason(d,
		             "NOTIFY=%s is moot: the sender is null (<>), and "
		             "RFC 3461 never sends a DSN to <>",
		             notify_words(notify));
		s->recipients++;
		return 0;
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
			dsng__reason_cat(d, "NOTIFY=", notify_words(notify),
			                 " honoured for ", who, NULL);
	} else {
		d->rule = why->rule;
		d->origin = why->origin;
		d->line = why->line;
		switch ((enum dsng_action)p->rcpt_action.v) {
		case DSNG_ACTION_REJECT:
			d->action = DSNG_ACTION_REJECT;
			d->notify = notify;
			dsng__decision_reply(d, &p->rcpt_reply, "NOTIFY",
			                     notify_words(bad));
			dsng__reason_cat(d, "NOTIFY=", notify_words(notify),
			                 " refused: ", who, " may not ask for ",
			                 notify_words(bad), " notices (",
			                 why->rule, "; compliant refusal)",
			                 NULL);
			return 0;
		case DSNG_ACTION_STRIP:
			d->action = DSNG_ACTION_STRIP;
			remove_param(cmd, DSNG_PARAM_NOTIFY);
			left = 0;
			dsng__reason(
			        d,
			        "NOTIFY=%s removed for %s (%s), so the RFC "
			        "3461 default applies",
			        notify_words(notify), who, why->rule);
			break;
		case DSNG_ACTION_DOWNGRADE:
			d->action = DSNG_ACTION_DOWNGRADE;
			if (left) {
				set_value(cmd, DSNG_PARAM_NOTIFY,
				          notify_words(left));
				dsng__reason(d,
				             "NOTIFY=%s downgraded to %s for "
				             "%s (%s)",
				             notify_words(notify),
				             notify_words(left), who,
				             why->rule);
			} else {
				remove_param(cmd, DSNG_PARAM_NOTIFY);
				dsng__reason(
				        d,
				        "NOTIFY=%s downgraded: nothing left, "
				        "NOTIFY removed so the RFC 3461 "
				        "default "
				        "applies, for %s (%s)",
				        notify_words(notify), who, why->rule);
			}
			break;
		case DSNG_ACTION_NEVER:
			d->action = DSNG_ACTION_NEVER;
			left = DSNG_NOTIFY_NEVER;
			set_value(cmd, DSNG_PARAM_NOTIFY, "NEVER");
			dsng__reason(d,
			             "NOTIFY=%s replaced by NEVER for %s (%s)",
			             notify_words(notify), who, why->rule);
			break;
		default:
			left = notify;
			dsng__reason(
			        d,
			        "NOTIFY=%s accepted (rcpt.action = accept) "
			        "although %s may not ask for %s notices (%s)",
			        notify_words(notify), who, notify_words(bad),
			        why->rule);
			break;
		}
		if (d->action != DSNG_ACTION_ACCEPT) {
			cmd->notify = left;
			d->changed = 1;
			/* The action key made the choice; the class key said
			 * why. */
			d->rule = p->rcpt_action.src.rule;
			d->origin = p->rcpt_action.src.origin;
			d->line = p->rcpt_action.src.line;
		}
	}
	if (cmd->has_orcpt && !(cls & p->orcpt_from.mask)) {
		remove_param(cmd, DSNG_PARAM_ORCPT);
		cmd->has_orcpt = 0;
		d->changed = 1;
		raise_action(d, DSNG_ACTION_STRIP, &p->orcpt_from.src);
		dsng__reason(d, "%sORCPT removed for %s (rcpt.orcpt-from: %s)",
		             d->reason[0] ? "; " : "", who, p->orcpt_from.text);
	}
	if (!d->reason[0])
		dsng__reason(d, "ORCPT kept for %s", who);
	d->notify = left;
	if (d->changed)
		d->compliance = offered ? DSNG_NOT_COMPLIANT : DSNG_LENIENT;
	else
		d->compliance = offered == 1 ? DSNG_COMPLIANT : DSNG_LENIENT;
	if (d->changed || !offered)
		dsng__reason(d, "; %s", offered_note(offered));
	else if (offered == DSNG__OFFERED_LATE)
		dsng__reason_cat(d, "; ", late_note, NULL);
	s->recipients++;
	return 0;
}

int dsng_policy_ehlo(const struct dsng_policy *p, struct dsng_session *s,
                     int esmtp, struct dsng_decision *d)
{
	int rc = ehlo_decide(p, s, esmtp, d);

	if (rc == 0)
		dsng__decision_label(d);
	return rc;
}

int dsng_policy_mail(const struct dsng_policy *p, struct dsng_session *s,
                     struct dsng_cmd *cmd, struct dsng_decision *d)
{
	int rc = mail_decide(p, s, cmd, d);

	if (rc == 0)
		dsng__decision_label(d);
	return rc;
}

int dsng_policy_rcpt(const struct dsng_policy *p, struct dsng_session *s,
                     struct dsng_cmd *cmd, struct dsng_decision *d)
{
	int rc = rcpt_decide(p, s, cmd, d);

	if (rc == 0)
		dsng__decision_label(d);
	return rc;
}
