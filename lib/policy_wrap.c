/*
 * lib/policy_wrap.c - convenience entry points that parse first (through
 * the cmd and ehlo parts) and then decide, for callers that hold raw
 * lines, such as milters, proxies and the audit tool; and the bridge from
 * a parsed report to a bounce description.
 */
#include <stdio.h>
#include <string.h>

#include "policy_int.h"

int dsng_policy_ehlo_reply(TALLOC_CTX *mem, struct dsng_decision *d,
                           const struct dsng_policy *p,
                           struct dsng_policy_session *s,
                           const struct dsng_ehlo *caps, struct dsng_error *err)
{
	int rc = dsng__decision_args(d, p, s, err);

	if (rc)
		return rc;
	if (!caps)
		return dsng__bad_arg(err, "NULL EHLO reply");
	rc = dsng_policy_ehlo(d, p, s, true, err);
	if (rc)
		return rc;
	if (d->action == DSNG_POLICY_ACTION_HIDE_DSN &&
	    (caps->flags & DSNG_EHLO_F_DSN)) {
		d->rewritten =
		        dsng_ehlo_format(mem, caps, DSNG_EHLO_F_DSN, NULL,
		                         DSNG_EHLO_FORMAT_VERBATIM);
		if (!d->rewritten)
			return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0,
			                  0, NULL, "out of memory");
		d->changed = true;
		d->changes |= DSNG_POLICY_CHANGED_DSN_LINE;
	}
	return 0;
}

int dsng_policy_bounce_info_from_report(TALLOC_CTX *mem,
                                        struct dsng_policy_bounce_info *b,
                                        const struct dsng_report *r,
                                        struct dsng_error *err)
{
	const struct dsng_report_returned *ret;
	struct dsng_span *rcv;
	size_t i;

	if (!dsng__version_ok(b, DSNG_POLICY_BOUNCE_INFO_VERSION))
		return dsng__bad_arg(err, b ? "unknown dsng_policy_bounce_info "
		                              "version"
		                            : "NULL bounce description");
	if (!r)
		return dsng__bad_arg(err, "NULL report");
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
		return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
		                  "out of memory");
	for (i = 0; i < ret->n_received; i++)
		rcv[i] = ret->received[i]->value;
	b->received = rcv;
	b->n_received = ret->n_received;
	return 0;
}

static const struct dsng__src src_syntax = {"syntax", "parser", 0};
static const struct dsng__src src_other = {"other", "policy", 0};

/* The refusal of a line that does not parse, from the parser's error. */
static void syntax_refusal(struct dsng_decision *d, const struct dsng_error *e)
{
	dsng__decision_start(d, &src_syntax);
	d->action = DSNG_POLICY_ACTION_REJECT;
	d->syntax_error = true;
	/* The parser fills reply, enhanced code and message for every
	 * syntax or limit error. */
	d->reply_code = e->reply ? e->reply : 500;
	d->enhanced = e->enhanced;
	snprintf(d->reply_text, sizeof(d->reply_text), "%s", e->message);
	dsng__reason(d, "the command does not parse: %s", e->message);
}

int dsng_policy_line(TALLOC_CTX *mem, struct dsng_decision *d,
                     struct dsng_cmd *cmd, const struct dsng_policy *p,
                     struct dsng_policy_session *s, const char *line,
                     size_t len, const struct dsng_cmd_opts *opts,
                     struct dsng_error *err)
{
	/* The refusal needs the parser's reply even when the caller does
	 * not take the error. */
	struct dsng_error own = DSNG_ERROR_INIT;
	struct dsng_error *e =
	        dsng__version_ok(err, DSNG_ERROR_VERSION) ? err : &own;
	struct dsng_cmd local;
	const char *verb;
	int rc = dsng__decision_args(d, p, s, err);

	if (rc)
		return rc;
	if (!line && len)
		return dsng__bad_arg(err, "NULL line");
	if (!cmd) {
		dsng_cmd_init(&local, DSNG_CMD_VERSION);
		cmd = &local;
	}
	rc = dsng_cmd_parse(cmd, line, len, opts, e);
	if (rc == DSNG_ESYNTAX || rc == DSNG_ELIMIT) {
		syntax_refusal(d, e);
		return rc;
	}
	if (rc)
		return rc;
	switch (cmd->verb) {
	case DSNG_VERB_EHLO:
	case DSNG_VERB_LHLO:
		rc = dsng_policy_ehlo(d, p, s, true, err);
		break;
	case DSNG_VERB_HELO:
		rc = dsng_policy_ehlo(d, p, s, false, err);
		break;
	case DSNG_VERB_MAIL:
		rc = dsng_policy_mail(d, p, s, cmd, err);
		break;
	case DSNG_VERB_RCPT:
		rc = dsng_policy_rcpt(d, p, s, cmd, err);
		break;
	default:
		dsng__decision_start(d, &src_other);
		if (cmd->verb == DSNG_VERB_RSET)
			dsng_policy_session_reset(s);
		verb = dsng_cmd_verb_name(cmd->verb);
		dsng__reason(d, "no DSN policy applies to %s",
		             verb ? verb : "this command");
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
