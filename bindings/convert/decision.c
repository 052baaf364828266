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

/* One octet: the separators, without a memcpy call each. */
static void put_char(char *buf, size_t cap, size_t *at, char c)
{
	if (*at < cap - 1)
		buf[(*at)++] = c;
}

static void put_str(char *buf, size_t cap, size_t *at, const char *s)
{
	put(buf, cap, at, s, strlen(s));
}

static void put_uint(char *buf, size_t cap, size_t *at, unsigned long v)
{
	char digits[24];
	size_t i = sizeof(digits);

	if (v >= 100 && v <= 999) {
		/* a reply code, every refusal: no loop */
		digits[0] = (char)('0' + v / 100);
		digits[1] = (char)('0' + v / 10 % 10);
		digits[2] = (char)('0' + v % 10);
		put(buf, cap, at, digits, 3);
		return;
	}

	do
		digits[--i] = (char)('0' + v % 10);
	while ((v /= 10) && i);
	put(buf, cap, at, digits + i, sizeof(digits) - i);
}

size_t dsngb_decision_rule(char *buf, size_t cap, const struct dsng_decision *d)
{
	const char *origin = d->origin ? d->origin : "",
	           *name = d->rule ? d->rule : "";
	size_t n = 0;

	/* "origin:line:rule", or "origin:rule" for presets and defaults */
	put_str(buf, cap, &n, origin);
	put_char(buf, cap, &n, ':');
	if (d->line) {
		put_uint(buf, cap, &n, d->line);
		put_char(buf, cap, &n, ':');
	}
	put_str(buf, cap, &n, name);
	return n;
}

int dsngb_decision_reply(char *buf, size_t cap, size_t *len,
                         const struct dsng_decision *d)
{
	size_t n = 0;

	/* refusals only: "550 5.7.1 text", the enhanced code when there is
	 * one */
	if (d->action != DSNG_POLICY_ACTION_REJECT || !d->reply_code)
		return 0;
	if (d->reply_code < 0)
		put_char(buf, cap, &n, '-');
	put_uint(buf, cap, &n,
	         d->reply_code < 0 ? 0UL - (unsigned long)d->reply_code
	                           : (unsigned long)d->reply_code);
	put_char(buf, cap, &n, ' ');
	if (d->enhanced && *d->enhanced) {
		put_str(buf, cap, &n, d->enhanced);
		put_char(buf, cap, &n, ' ');
	}
	put_str(buf, cap, &n, d->reply_text);
	*len = n;
	return 1;
}

void dsngb_decision_fill(const struct dsngb_builder *b, void *m,
                         const struct dsng_decision *d, unsigned notify,
                         int bounce)
{
	char rule[DSNGB_RULE_MAX], reply[DSNGB_REPLY_MAX];
	size_t n;

	b->map_set(m, "action",
	           dsngb_cstr(b, dsng_policy_action_name(d->action)));
	b->map_set(m, "reason", dsngb_cstr(b, d->reason));
	n = dsngb_decision_rule(rule, sizeof(rule), d);
	b->map_set(m, "rule", b->str(rule, n));
	if (dsngb_decision_reply(reply, sizeof(reply), &n, d))
		b->map_set(m, "reply", b->str(reply, n));
	else
		b->map_set(m, "reply", b->none());
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
