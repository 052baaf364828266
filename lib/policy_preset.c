/*
 * lib/policy_preset.c - the built-in base settings and the presets.
 *
 * Presets are written in the config language itself and read by the same
 * parser, so a preset and a config file can never mean different things,
 * and `preset = NAME` in a file is just "read this text first".
 */
#include <string.h>

#include "policy_int.h"

/* The RFC defaults every preset starts from: everything offered and
 * honoured, nothing checked, no trusted networks.  "permissive" is
 * exactly this. */
static const char base_text[] =
        "[ehlo]\n"
        "offer-dsn = all\n"
        "honour-unoffered-from = none\n"
        "[rcpt]\n"
        "success-from = all\n"
        "delay-from = all\n"
        "failure-from = all\n"
        "orcpt-from = all\n"
        "action = reject\n"
        "reply = \"550 5.7.1 {param} with these keywords is not accepted from "
        "this client\"\n"
        "unoffered = accept\n"
        "unoffered-reply = \"550 5.7.1 {param} refused: DSN was not offered to "
        "this client\"\n"
        "[mail]\n"
        "ret-full-from = all\n"
        "ret-full-action = downgrade\n"
        "envid-from = all\n"
        "envid-action = strip\n"
        "reply = \"550 5.7.1 {param} is not accepted from this client\"\n"
        "unoffered = rules\n"
        "unoffered-reply = \"550 5.7.1 {param} refused: DSN was not offered to "
        "this client\"\n"
        "[headers]\n"
        "receipts-from = all\n"
        "action = keep\n"
        "names = Disposition-Notification-To, Disposition-Notification-Options,"
        " Return-Receipt-To, Read-Receipt-To, X-Confirm-Reading-To,"
        " Generate-Delivery-Report\n"
        "flag-header = X-DSNGuard-Receipt-Request\n"
        "[generate]\n"
        "check-clients = no\n"
        "[bounce]\n"
        "batv-days = 7\n"
        "batv-required = no\n"
        "action = accept\n"
        "reply = \"550 5.7.1 Bounce refused: it answers no mail sent from here "
        "(backscatter)\"\n";

/*
 * DSN for clients whose sender is not forged, decided when the server can
 * know it.  At EHLO that is the address (trusted networks: loopback by
 * default, as Postfix's mynetworks; a config's [trusted-networks]
 * replaces the list), the port and local submission; not AUTH, which
 * comes after EHLO, and clients do not send EHLO again after it.  So the
 * offer goes to the submission service (587/465, where AUTH is required
 * before MAIL), and an authenticated client elsewhere, to which DSN could
 * not be offered, still has its requests judged by the rules
 * (honour-unoffered-from; lenient, RFC 5321 would refuse them).  At
 * MAIL/RCPT, receipts are for authenticated, trusted and local clients:
 * an unauthenticated client on 587 that asks is refused, and a stranger
 * on 25, never offered DSN, is refused as unoffered (both compliant).
 * RET=FULL from others shrinks to HDRS so a failure report to a forged
 * sender carries no spam body; receipt headers from them go.
 */
static const char recommended_text[] =
        "[trusted-networks]\n"
        "127.0.0.0/8\n"
        "::1\n"
        "[ehlo]\n"
        "offer-dsn = trusted, submission, local\n"
        "honour-unoffered-from = authenticated\n"
        "[rcpt]\n"
        "success-from = trusted, authenticated, local\n"
        "action = reject\n"
        "reply = \"550 5.7.1 {param}={value} is not accepted from this "
        "client: delivery receipts are offered to trusted senders only\"\n"
        "unoffered = reject\n"
        "unoffered-reply = \"550 5.7.1 {param} refused: delivery status "
        "notifications are not offered to this client\"\n"
        "[mail]\n"
        "ret-full-from = trusted, authenticated, local\n"
        "ret-full-action = downgrade\n"
        "unoffered = rules\n"
        "[headers]\n"
        "receipts-from = trusted, authenticated, local\n"
        "action = strip\n"
        "[generate]\n"
        "check-clients = yes\n"
        "[bounce]\n"
        "action = reject\n";

/* sendmail 8.17 with PrivacyOptions=noreceipts: DSN never advertised,
 * every DSN parameter answered 504 5.7.0 (srvrsmtp.c), no success
 * notifications at all. */
static const char sendmail_text[] =
        "[ehlo]\n"
        "offer-dsn = none\n"
        "[rcpt]\n"
        "success-from = none\n"
        "unoffered = reject\n"
        "unoffered-reply = \"504 5.7.0 Sorry, {param} not supported, we do not "
        "allow DSN\"\n"
        "[mail]\n"
        "unoffered = reject\n"
        "unoffered-reply = \"504 5.7.0 Sorry, {param} not supported, we do not "
        "allow DSN\"\n"
        "[generate]\n"
        "check-clients = yes\n";

/* Postfix with smtpd_discard_ehlo_keyword_address_maps discarding "dsn"
 * for everyone but mynetworks, and DSN kept on the submission ports (as
 * DSN_README and docker-mailserver do).  Postfix refuses, not strips, DSN
 * parameters it did not offer. */
static const char postfix_text[] =
        "[ehlo]\n"
        "offer-dsn = trusted, submission, local\n"
        "[rcpt]\n"
        "unoffered = reject\n"
        "unoffered-reply = \"501 5.7.1 DSN support is disabled\"\n"
        "[mail]\n"
        "unoffered = reject\n"
        "unoffered-reply = \"501 5.7.1 DSN support is disabled\"\n";

static const struct {
	const char *name;
	const char *text;
} presets[] = {
        {"recommended", recommended_text},
        {"permissive", ""},
        {"sendmail-noreceipts", sendmail_text},
        {"postfix-discard-dsn", postfix_text},
};

static const char *const preset_names[] = {"recommended", "permissive",
                                           "sendmail-noreceipts",
                                           "postfix-discard-dsn", NULL};

/* Append one warning about the setting src. */
static int warn(struct dsng_policy *p, const struct dsng__src *src,
                const char *text)
{
	struct dsng_policy_warning *w;
	char *msg;

	w = talloc_realloc(p, p->warnings, struct dsng_policy_warning,
	                   p->n_warnings + 1);
	if (!w)
		return DSNG_ENOMEM;
	p->warnings = w;
	if (src->line)
		msg = talloc_asprintf(p, "%s:%u: %s: %s", src->origin,
		                      src->line, src->rule, text);
	else
		msg = talloc_asprintf(p, "%s: %s: %s", src->origin, src->rule,
		                      text);
	if (!msg)
		return DSNG_ENOMEM;
	w[p->n_warnings].rule = src->rule;
	w[p->n_warnings].origin = src->origin;
	w[p->n_warnings].line = src->line;
	w[p->n_warnings].message = msg;
	p->n_warnings++;
	return 0;
}

int dsng__policy_finish(struct dsng_policy *p)
{
	unsigned bits;

	dsng__cidr_finish(&p->nets);
	for (bits = 0; bits < 16; bits++)
		dsng_notify_format(p->notify_text[bits],
		                   sizeof(p->notify_text[bits]), bits);
	/* The EHLO decision cannot see a login (AUTH follows EHLO, and
	 * clients do not repeat EHLO after it): the class offers nothing. */
	if (p->offer_dsn.mask & DSNG_POLICY_CLASS_AUTHENTICATED)
		return warn(p, &p->offer_dsn.src,
		            "'authenticated' never matches at EHLO: clients "
		            "log in (AUTH) after EHLO and do not send EHLO "
		            "again, so logging in earns no client the offer; "
		            "offer DSN with 'submission' (587/465, where AUTH "
		            "comes before MAIL) and take the requests of "
		            "clients that log in elsewhere with "
		            "ehlo.honour-unoffered-from = authenticated");
	return 0;
}

size_t dsng_policy_warning_count(const struct dsng_policy *p)
{
	return p ? p->n_warnings : 0;
}

const struct dsng_policy_warning *
dsng_policy_warning_get(const struct dsng_policy *p, size_t i)
{
	if (!p || i >= p->n_warnings)
		return NULL;
	return &p->warnings[i];
}

const char *const *dsng_policy_preset_names(void)
{
	return preset_names;
}

const char *dsng__policy_preset_text(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(presets) / sizeof(presets[0]); i++)
		if (!strcmp(presets[i].name, name))
			return presets[i].text;
	return NULL;
}

int dsng__policy_base(struct dsng_policy *p, const char *name,
                      struct dsng_error *err)
{
	const char *text = dsng__policy_preset_text(name);
	const char *origin;
	int rc;

	if (!text)
		return dsng__fail(err, DSNG_ENOTFOUND, DSNG_ERR_UNKNOWN_PRESET,
		                  0, 0, NULL,
		                  "unknown preset '%.60s' (recommended, "
		                  "permissive, sendmail-noreceipts, "
		                  "postfix-discard-dsn)",
		                  name);
	origin = talloc_strdup(p, name);
	if (!origin)
		return DSNG_ENOMEM;
	rc = dsng__policy_apply(p, base_text, sizeof(base_text) - 1, origin, 1,
	                        NULL, err);
	if (rc == 0)
		rc = dsng__policy_apply(p, text, strlen(text), origin, 1, NULL,
		                        err);
	return rc;
}

int dsng_policy_preset(TALLOC_CTX *mem, struct dsng_policy **out,
                       const char *name, struct dsng_error *err)
{
	struct dsng_policy *p;
	int rc;

	if (!out || !name)
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "NULL argument");
	*out = NULL;
	p = talloc_zero(NULL, struct dsng_policy);
	if (!p)
		return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
		                  "out of memory");
	rc = dsng__policy_base(p, name, err);
	if (rc == 0) {
		p->name = talloc_strdup(p, name);
		if (!p->name)
			rc = DSNG_ENOMEM;
	}
	if (rc != 0) {
		talloc_free(p);
		if (rc == DSNG_ENOMEM)
			return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0,
			                  0, NULL, "out of memory");
		return rc;
	}
	if (dsng__policy_finish(p)) {
		talloc_free(p);
		return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
		                  "out of memory");
	}
	*out = talloc_steal(mem, p);
	return 0;
}
