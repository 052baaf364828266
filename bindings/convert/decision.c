/*
 * bindings/convert/decision.c - a policy decision as builder values: the
 * decision keys of `dsnguard audit --json` (see walk.h).
 */
#include <string.h>

#include "walk.h"

/* Text appended at *at in buf (cap bytes), cut at cap - 1: the rule and
 * the reply are written for every decision, and snprintf took a fifth
 * of a Python RCPT decision. */
static void put(char *buf, size_t cap, size_t *at, const char *s, size_t n)
{
	if (n > cap - 1 - *at)
		n = cap - 1 - *at;
	memcpy(buf + *at, s, n);
	*at += n;
}

static void put_str(char *buf, size_t cap, size_t *at, const char *s)
{
	put(buf, cap, at, s, strlen(s));
}

static void put_uint(char *buf, size_t cap, size_t *at, unsigned long v)
{
	char digits[24];
	size_t i = sizeof(digits);

	do
		digits[--i] = (char)('0' + v % 10);
	while ((v /= 10) && i);
	put(buf, cap, at, digits + i, sizeof(digits) - i);
}

void dsngb_decision_fill(const struct dsngb_builder *b, void *m,
                         const struct dsng_decision *d, unsigned notify,
                         int bounce)
{
	char rule[512], reply[DSNG_DECISION_REPLY_MAX + 32];
	const char *origin = d->origin ? d->origin : "",
	           *name = d->rule ? d->rule : "";
	size_t n = 0;

	b->map_set(m, "action",
	           dsngb_cstr(b, dsng_policy_action_name(d->action)));
	b->map_set(m, "reason", dsngb_cstr(b, d->reason));
	/* "origin:line:rule", or "origin:rule" for presets and defaults */
	put_str(rule, sizeof(rule), &n, origin);
	put(rule, sizeof(rule), &n, ":", 1);
	if (d->line) {
		put_uint(rule, sizeof(rule), &n, d->line);
		put(rule, sizeof(rule), &n, ":", 1);
	}
	put_str(rule, sizeof(rule), &n, name);
	b->map_set(m, "rule", b->str(rule, n));
	/* the reply to send: refusals only: "550 5.7.1 text", the enhanced
	 * code when there is one */
	if (d->action == DSNG_POLICY_ACTION_REJECT && d->reply_code) {
		n = 0;
		if (d->reply_code < 0)
			put(reply, sizeof(reply), &n, "-", 1);
		put_uint(reply, sizeof(reply), &n,
		         d->reply_code < 0 ? 0UL - (unsigned long)d->reply_code
		                           : (unsigned long)d->reply_code);
		put(reply, sizeof(reply), &n, " ", 1);
		if (d->enhanced && *d->enhanced) {
			put_str(reply, sizeof(reply), &n, d->enhanced);
			put(reply, sizeof(reply), &n, " ", 1);
		}
		put_str(reply, sizeof(reply), &n, d->reply_text);
		b->map_set(m, "reply", b->str(reply, n));
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
