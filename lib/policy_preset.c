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
 * honoured, nothing checked.  "permissive" is exactly this. */
static const char base_text[] =
        "[ehlo]\n"
        "offer-dsn = all\n"
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

/* DSN only for clients we know; what others ask is refused (the
 * compliant path), RET=FULL from them shrinks to HDRS so a failure report
 * to a forged sender carries no spam body, receipt headers from them go. */
static const char recommended_text[] =
        "[ehlo]\n"
        "offer-dsn = trusted, authenticated, local\n"
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

void dsng__policy_finish(struct dsng_policy *p)
{
	unsigned bits;

	dsng__cidr_finish(&p->nets);
	for (bits = 0; bits < 16; bits++)
		dsng_notify_format(p->notify_text[bits],
		                   sizeof(p->notify_text[bits]), bits);
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
	dsng__policy_finish(p);
	*out = talloc_steal(mem, p);
	return 0;
}
