/*
 * lib/policy_refusal.c - the reply for a RCPT decision the caller cannot
 * carry out as decided.
 *
 * A milter on sendmail 8.17 cannot rewrite a recipient's NOTIFY: sendmail
 * revives a removed recipient with its old notify flags when the milter
 * adds it back.  Such a caller refuses the RCPT instead, and the reply it
 * sends should be the one the policy's config gives for that refusal, not
 * a text of its own.  The decision already says what was asked and what
 * was kept, so the reply is derived from it alone.
 */
#include "policy_int.h"

int dsng_policy_rcpt_refusal(struct dsng_decision *d,
                             const struct dsng_policy *p,
                             struct dsng_error *err)
{
	unsigned refused;

	if (!d || !p)
		return dsng__bad_arg(err, "NULL argument");
	if (!dsng__version_ok(d, DSNG_DECISION_VERSION))
		return dsng__bad_arg(err, "decision struct of unknown version");
	if (d->action == DSNG_POLICY_ACTION_REJECT)
		return 0; /* it carries its reply already */
	if (d->action == DSNG_POLICY_ACTION_IGNORE) {
		/* DSN was not offered: rcpt.unoffered-reply, for NOTIFY when
		 * it was sent, else for ORCPT. */
		if (d->notify_requested)
			dsng__decision_reply(
			        d, &p->rcpt_unoffered_reply, "NOTIFY",
			        dsng__notify_text(p, d->notify_requested));
		else
			dsng__decision_reply(d, &p->rcpt_unoffered_reply,
			                     "ORCPT", "");
		return 0;
	}
	refused = d->notify_requested & ~d->notify & 15u;
	if (d->changes & DSNG_POLICY_CHANGED_NOTIFY)
		dsng__decision_reply(
		        d, &p->rcpt_reply, "NOTIFY",
		        dsng__notify_text(p, refused ? refused
		                                     : d->notify_requested));
	else
		dsng__decision_reply(d, &p->rcpt_reply, "ORCPT", "");
	return 0;
}
