/*
 * lib/policy_wrap.c - convenience entry points that parse first (through
 * the cmd and ehlo parts) and then decide, for callers that hold raw
 * lines, such as milters, proxies and the audit tool.
 */
#include <string.h>

#include "policy_int.h"

int dsng_policy_ehlo_reply(TALLOC_CTX *mem, const struct dsng_policy *p,
                           struct dsng_session *s, const struct dsng_ehlo *caps,
                           struct dsng_decision *d)
{
	int rc;

	if (!caps)
		return DSNG_EINVAL;
	rc = dsng_policy_ehlo(p, s, 1, d);
	if (rc)
		return rc;
	if (d->action == DSNG_ACTION_HIDE_DSN &&
	    (caps->flags & DSNG_EHLO_F_DSN)) {
		d->rewritten =
		        dsng_ehlo_format(mem, caps, DSNG_EHLO_F_DSN, NULL,
		                         DSNG_EHLO_FORMAT_VERBATIM);
		if (!d->rewritten)
			return DSNG_ENOMEM;
		d->changed = 1;
	}
	return 0;
}

int dsng_bounce_from_report(TALLOC_CTX *mem, struct dsng_bounce *b,
                            const struct dsng_report *r)
{
	const struct dsng_report_returned *ret;
	struct dsng_span *rcv;
	size_t i;

	if (!b || !r)
		return DSNG_EINVAL;
	b->is_report = r->kind != DSNG_REPORT_NONE;
	ret = r->returned;
	if (!ret)
		return 0;
	if (ret->message_id) {
		b->message_id.ptr = ret->message_id;
		b->message_id.len = strlen(ret->message_id);
	}
	if (!ret->n_received)
		return 0;
	rcv = talloc_array(mem, struct dsng_span, ret->n_received);
	if (!rcv)
		return DSNG_ENOMEM;
	for (i = 0; i < ret->n_received; i++)
		rcv[i] = ret->received[i]->value;
	b->received = rcv;
	b->n_received = ret->n_received;
	return 0;
}

static const struct dsng__src src_syntax = {"syntax", "parser", 0};
static const struct dsng__src src_other = {"other", "policy", 0};

int dsng_policy_line(TALLOC_CTX *mem, const struct dsng_policy *p,
                     struct dsng_session *s, const char *line, size_t len,
                     const struct dsng_cmd_opts *opts, struct dsng_cmd *cmd,
                     struct dsng_decision *d, struct dsng_error *err)
{
	struct dsng_cmd local;
	int rc;

	if (!p || !s || !d || (!line && len))
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "NULL argument");
	if (!cmd) {
		dsng_cmd_init(&local, DSNG_CMD_VERSION);
		cmd = &local;
	}
	rc = dsng_cmd_parse(cmd, line, len, opts, err);
	if (rc == DSNG_EINVAL || rc == DSNG_ENOMEM)
		return rc;
	if (rc != 0) {
		struct dsng__reply r;

		dsng__decision_start(d, &src_syntax);
		d->action = DSNG_ACTION_REJECT;
		r.code = err && err->reply ? err->reply : 500;
		r.enhanced = err ? err->enhanced : "5.5.2";
		r.text = err ? err->message : "Syntax error";
		dsng__decision_reply(d, &r, "", "");
		dsng__reason(d, "the command does not parse: %s",
		             err ? err->message : "syntax error");
		return 0;
	}
	switch (cmd->verb) {
	case DSNG_VERB_EHLO:
	case DSNG_VERB_LHLO:
		rc = dsng_policy_ehlo(p, s, 1, d);
		break;
	case DSNG_VERB_HELO:
		rc = dsng_policy_ehlo(p, s, 0, d);
		break;
	case DSNG_VERB_MAIL:
		rc = dsng_policy_mail(p, s, cmd, d);
		break;
	case DSNG_VERB_RCPT:
		rc = dsng_policy_rcpt(p, s, cmd, d);
		break;
	default:
		dsng__decision_start(d, &src_other);
		if (cmd->verb == DSNG_VERB_RSET)
			dsng_session_reset_transaction(s);
		dsng__reason(d, "no DSN policy applies to %s",
		             dsng_cmd_verb_name(cmd->verb)
		                     ? dsng_cmd_verb_name(cmd->verb)
		                     : "this command");
		return 0;
	}
	if (rc)
		return rc;
	if (d->changed && mem) {
		d->rewritten = dsng_cmd_format(mem, cmd);
		if (!d->rewritten)
			return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0,
			                  0, NULL, "out of memory");
	}
	return 0;
}
