/*
 * bindings/convert/decision.c - a policy decision as builder values: the
 * decision keys of `dsnguard audit --json` (see walk.h).
 */
#include <stdio.h>
#include <string.h>

#include "walk.h"

void dsngb_decision_fill(const struct dsngb_builder *b, void *m,
                         const struct dsng_decision *d, unsigned notify,
                         int bounce)
{
	char rule[512], reply[DSNG_DECISION_REPLY_MAX + 32];
	const char *origin = d->origin ? d->origin : "",
	           *name = d->rule ? d->rule : "";
	int n;

	b->map_set(m, "action",
	           dsngb_cstr(b, dsng_policy_action_name(d->action)));
	b->map_set(m, "reason", dsngb_cstr(b, d->reason));
	/* "origin:line:rule", or "origin:rule" for presets and defaults */
	if (d->line)
		n = snprintf(rule, sizeof(rule), "%s:%u:%s", origin, d->line,
		             name);
	else
		n = snprintf(rule, sizeof(rule), "%s:%s", origin, name);
	if (n < 0)
		n = 0;
	b->map_set(m, "rule",
	           b->str(rule, (size_t)n < sizeof(rule) ? (size_t)n
	                                                 : sizeof(rule) - 1));
	/* the reply to send: refusals only */
	if (d->action == DSNG_POLICY_ACTION_REJECT && d->reply_code) {
		if (d->enhanced && *d->enhanced)
			n = snprintf(reply, sizeof(reply), "%d %s %s",
			             d->reply_code, d->enhanced, d->reply_text);
		else
			n = snprintf(reply, sizeof(reply), "%d %s",
			             d->reply_code, d->reply_text);
		if (n < 0)
			n = 0;
		b->map_set(m, "reply",
		           b->str(reply, (size_t)n < sizeof(reply)
		                                 ? (size_t)n
		                                 : sizeof(reply) - 1));
	} else {
		b->map_set(m, "reply", b->none());
	}
	b->map_set(m, "notify", dsngb_notify_list(b, notify));
	b->map_set(m, "compliance",
	           dsngb_cstr(b, dsng_policy_compliance_name(d->compliance)));
	b->map_set(m, "rewritten",
	           d->changes && d->rewritten ? dsngb_cstr(b, d->rewritten)
	                                      : b->none());
	if (bounce)
		b->map_set(m, "verdict",
		           dsngb_cstr(b, dsng_policy_verdict_name(d->verdict)));
}
