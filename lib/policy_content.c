/*
 * lib/policy_content.c - decisions after SMTP time: receipt-request
 * headers in the message, whether a DSN may be generated at all, and
 * whether an incoming bounce answers mail we sent.
 */
#include <stdio.h>
#include <string.h>

#include "policy_int.h"

static const struct dsng__src src_hdr_other = {"headers.names", "rfc8098", 0};
static const struct dsng__src src_gen_null = {"generate.null-sender", "rfc3461",
                                              0};
static const struct dsng__src src_gen_notify = {"generate.notify", "rfc3461",
                                                0};
static const struct dsng__src src_not_bounce = {"bounce.not-a-bounce",
                                                "rfc3461", 0};
static const struct dsng__src src_bounce_evidence = {"bounce.evidence",
                                                     "policy", 0};

bool dsng_policy_is_receipt_header(const struct dsng_policy *p,
                                   const char *name, size_t len)
{
	size_t i;

	if (!p || !name)
		return false;
	for (i = 0; i < p->n_header_names; i++)
		if (dsng__span_ieq(name, len, p->header_names[i]))
			return true;
	return false;
}

/* Up to 60 printable bytes of a header value, for a reason. */
static int shown(const char *v, size_t len, char *buf, size_t size)
{
	size_t i, o = 0;

	while (len && (v[0] == ' ' || v[0] == '\t'))
		v++, len--;
	for (i = 0; i < len && o + 1 < size && o < 60; i++)
		buf[o++] =
		        ((unsigned char)v[i] >= 32 && (unsigned char)v[i] < 127)
		                ? v[i]
		                : '?';
	buf[o] = 0;
	return (int)o;
}

static void header_decide(struct dsng_decision *d, const struct dsng_policy *p,
                          struct dsng_policy_session *s, const char *name,
                          size_t name_len, const char *value, size_t value_len)
{
	char who[160], val[64];
	unsigned cls;
	int n = (int)(name_len > 60 ? 60 : name_len);

	if (!dsng_policy_is_receipt_header(p, name, name_len)) {
		dsng__decision_start(d, &src_hdr_other);
		dsng__reason(d, "not a receipt request");
		return;
	}
	shown(value, value_len, val, sizeof(val));
	cls = dsng_policy_classes(p, s);
	dsng__describe_client(p, s, who, sizeof(who));
	if (cls & p->receipts_from.mask) {
		dsng__decision_start(d, &p->receipts_from.src);
		dsng__reason(d,
		             "%.*s: %s kept: receipt request from %s "
		             "(headers.receipts-from: %s)",
		             n, name, val, who, p->receipts_from.text);
		return;
	}
	dsng__decision_start(d, &p->header_action.src);
	switch (p->header_action.v) {
	case DSNG__HDR_STRIP:
		d->action = DSNG_POLICY_ACTION_STRIP;
		d->changed = true;
		d->changes = DSNG_POLICY_CHANGED_HEADER;
		dsng__reason(d,
		             "%.*s: %s removed: receipt request from %s "
		             "(headers.receipts-from: %s); receipts are "
		             "optional for the recipient (RFC 8098 2.1)",
		             n, name, val, who, p->receipts_from.text);
		break;
	case DSNG__HDR_FLAG:
		d->action = DSNG_POLICY_ACTION_FLAG;
		d->changed = true;
		d->changes = DSNG_POLICY_CHANGED_HEADER;
		snprintf(d->reply_text, sizeof(d->reply_text),
		         "%s: receipt request (%.*s) from untrusted client",
		         p->flag_header ? p->flag_header : "X-DSNGuard", n,
		         name);
		dsng__reason(d,
		             "%.*s: %s flagged: receipt request from %s "
		             "(headers.receipts-from: %s)",
		             n, name, val, who, p->receipts_from.text);
		break;
	default:
		dsng__reason(d,
		             "%.*s: %s kept (headers.action = keep) although "
		             "it comes from %s",
		             n, name, val, who);
		break;
	}
}

static const char *kind_name(enum dsng_dsn_kind k)
{
	switch (k) {
	case DSNG_DSN_FAILURE:
		return "failure";
	case DSNG_DSN_DELAY:
		return "delay";
	case DSNG_DSN_SUCCESS:
		return "success";
	case DSNG_DSN_RELAYED:
		return "relayed";
	case DSNG_DSN_EXPANDED:
		return "expanded";
	default:
		break;
	}
	return "unknown";
}

static void generate_decide(struct dsng_decision *d,
                            const struct dsng_policy *p,
                            struct dsng_policy_session *s,
                            enum dsng_dsn_kind kind, bool null_sender,
                            unsigned notify)
{
	const struct dsng__classes *who_may;
	unsigned want;
	char who[160];

	if (null_sender) {
		dsng__decision_start(d, &src_gen_null);
		d->action = DSNG_POLICY_ACTION_NEVER;
		dsng__reason(d,
		             "no %s DSN: the envelope sender is null (<>), and "
		             "RFC 3461 never sends a DSN to <>",
		             kind_name(kind));
		return;
	}
	/* Which NOTIFY keyword asks for this kind (RFC 3461 4.1, 5.2.2:
	 * relayed and expanded notices answer SUCCESS). */
	switch (kind) {
	case DSNG_DSN_FAILURE:
		want = DSNG_NOTIFY_FAILURE;
		who_may = &p->failure_from;
		break;
	case DSNG_DSN_DELAY:
		want = DSNG_NOTIFY_DELAY;
		who_may = &p->delay_from;
		break;
	default:
		want = DSNG_NOTIFY_SUCCESS;
		who_may = &p->success_from;
		break;
	}
	dsng__decision_start(d, &src_gen_notify);
	d->notify = notify;
	if (notify & DSNG_NOTIFY_NEVER) {
		d->action = DSNG_POLICY_ACTION_NEVER;
		dsng__reason(d, "no %s DSN: NOTIFY=NEVER", kind_name(kind));
		return;
	}
	if (notify ? !(notify & want) : want == DSNG_NOTIFY_SUCCESS) {
		d->action = DSNG_POLICY_ACTION_NEVER;
		dsng__reason(d, "no %s DSN: not requested (%s)",
		             kind_name(kind),
		             notify ? "NOTIFY lacks the keyword"
		                    : "without NOTIFY only failure and delay "
		                      "reports are sent");
		return;
	}
	if (p->check_clients.v &&
	    !(dsng_policy_classes(p, s) & who_may->mask)) {
		dsng__decision_start(d, &who_may->src);
		d->notify = notify;
		d->action = DSNG_POLICY_ACTION_NEVER;
		dsng__describe_client(p, s, who, sizeof(who));
		d->compliance = s->dsn_offered == 1 && notify
		                        ? DSNG_POLICY_NOT_COMPLIANT
		                        : DSNG_POLICY_COMPLIANT;
		dsng__reason(
		        d,
		        "no %s DSN: the message came from %s, outside %s "
		        "(%s; generate.check-clients)%s",
		        kind_name(kind), who, who_may->src.rule, who_may->text,
		        d->compliance == DSNG_POLICY_NOT_COMPLIANT
		                ? "; NOT RFC 3461-compliant: the request was "
		                  "accepted after DSN was offered"
		                : "");
		return;
	}
	dsng__reason(d, "%s DSN may be generated%s", kind_name(kind),
	             notify ? "" : " (RFC 3461 default without NOTIFY)");
}

static const size_t bounce_sizes[] = {0,
                                      sizeof(struct dsng_policy_bounce_info)};
static const struct dsng_policy_bounce_info bounce_defaults =
        DSNG_POLICY_BOUNCE_INFO_INIT;

int dsng_policy_bounce_info_init(struct dsng_policy_bounce_info *b,
                                 unsigned version)
{
	return dsng__versioned_init(b, version, &bounce_defaults, bounce_sizes,
	                            DSNG_POLICY_BOUNCE_INFO_VERSION);
}

static bool host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* Does the text contain host as a whole name (not part of a longer one)? */
static bool has_host(const char *t, size_t len, const char *host)
{
	size_t h = strlen(host), i;

	if (!h || h > len)
		return false;
	for (i = 0; i + h <= len; i++) {
		if (!dsng__span_ieq(t + i, h, host))
			continue;
		if ((i == 0 || !host_char(t[i - 1])) &&
		    (i + h == len || !host_char(t[i + h]) ||
		     (t[i + h] == '.' &&
		      (i + h + 1 == len || !host_char(t[i + h + 1])))))
			return true;
	}
	return false;
}

static void bounce_decide(struct dsng_decision *d, const struct dsng_policy *p,
                          const struct dsng_policy_bounce_info *b)
{
	unsigned ev = 0;
	const char *batv_note = "";
	size_t i, j;

	if (!b->null_sender && !b->is_report) {
		dsng__decision_start(d, &src_not_bounce);
		d->verdict = DSNG_POLICY_VERDICT_NOT_A_BOUNCE;
		dsng__reason(d, "not a bounce: the sender is not null and no "
		                "report was given");
		return;
	}
	dsng__decision_start(d, &src_bounce_evidence);

	if (p->n_batv_keys && b->rcpt.len) {
		struct dsng_batv_opts o;
		struct dsng_batv_verdict v = DSNG_BATV_VERDICT_INIT;

		dsng_batv_opts_init(&o, DSNG_BATV_OPTS_VERSION);
		o.keys = p->batv_keys;
		o.n_keys = p->n_batv_keys;
		o.days = p->batv_days ? p->batv_days : DSNG_BATV_DEFAULT_DAYS;
		dsng_batv_verify(&v, b->rcpt.ptr, b->rcpt.len,
		                 b->now ? b->now : time(NULL), &o, NULL);
		batv_note = dsng_batv_result_name(v.result);
		if (v.result == DSNG_BATV_VALID)
			ev |= DSNG_POLICY_EVIDENCE_BATV_VALID;
		else if (v.result == DSNG_BATV_NOT_TAGGED)
			ev |= DSNG_POLICY_EVIDENCE_BATV_MISSING;
		else
			ev |= DSNG_POLICY_EVIDENCE_BATV_INVALID;
	}
	if (b->sent && b->message_id.len) {
		int r = b->sent(b->sent_arg, b->message_id.ptr,
		                b->message_id.len);
		if (r > 0)
			ev |= DSNG_POLICY_EVIDENCE_MSGID_OURS;
		else if (r == 0)
			ev |= DSNG_POLICY_EVIDENCE_MSGID_FOREIGN;
	}
	if (p->n_our_hosts && b->n_received) {
		for (i = 0; i < b->n_received &&
		            !(ev & DSNG_POLICY_EVIDENCE_RECEIVED_OURS);
		     i++)
			for (j = 0; j < p->n_our_hosts; j++)
				if (b->received[i].ptr &&
				    has_host(b->received[i].ptr,
				             b->received[i].len,
				             p->our_hosts[j])) {
					ev |= DSNG_POLICY_EVIDENCE_RECEIVED_OURS;
					break;
				}
		if (!(ev & DSNG_POLICY_EVIDENCE_RECEIVED_OURS))
			ev |= DSNG_POLICY_EVIDENCE_RECEIVED_FOREIGN;
	}
	d->evidence = ev;

	/* A valid tag is a keyed proof; a wrong tag a proof of forgery.  The
	 * Message-ID store and the Received chain come next; a missing tag
	 * counts only when every outgoing sender is signed. */
	if (ev & DSNG_POLICY_EVIDENCE_BATV_VALID)
		d->verdict = DSNG_POLICY_VERDICT_LEGIT;
	else if (ev & DSNG_POLICY_EVIDENCE_BATV_INVALID)
		d->verdict = DSNG_POLICY_VERDICT_BACKSCATTER;
	else if (ev & (DSNG_POLICY_EVIDENCE_MSGID_OURS |
	               DSNG_POLICY_EVIDENCE_RECEIVED_OURS))
		d->verdict = DSNG_POLICY_VERDICT_LEGIT;
	else if ((ev & DSNG_POLICY_EVIDENCE_BATV_MISSING) && p->batv_required.v)
		d->verdict = DSNG_POLICY_VERDICT_BACKSCATTER;
	else if (ev & (DSNG_POLICY_EVIDENCE_MSGID_FOREIGN |
	               DSNG_POLICY_EVIDENCE_RECEIVED_FOREIGN))
		d->verdict = DSNG_POLICY_VERDICT_BACKSCATTER;
	else
		d->verdict = DSNG_POLICY_VERDICT_UNKNOWN;

	dsng__reason(d, "%s:", dsng_policy_verdict_name(d->verdict));
	if (p->n_batv_keys)
		dsng__reason(d, " BATV %s%s;", batv_note,
		             (ev & DSNG_POLICY_EVIDENCE_BATV_MISSING) &&
		                             p->batv_required.v
		                     ? " (bounce.batv-required)"
		                     : "");
	else
		dsng__reason(d, " no BATV key set;");
	if (ev & DSNG_POLICY_EVIDENCE_MSGID_OURS)
		dsng__reason(d, " Message-ID is one we sent;");
	else if (ev & DSNG_POLICY_EVIDENCE_MSGID_FOREIGN)
		dsng__reason(d, " Message-ID is not one we sent;");
	else
		dsng__reason(d, " Message-ID not checked;");
	if (ev & DSNG_POLICY_EVIDENCE_RECEIVED_OURS)
		dsng__reason(d, " our host is in the returned Received chain");
	else if (ev & DSNG_POLICY_EVIDENCE_RECEIVED_FOREIGN)
		dsng__reason(d, " the returned Received chain never passed our "
		                "hosts");
	else
		dsng__reason(d, " no Received chain to check");

	if (d->verdict == DSNG_POLICY_VERDICT_BACKSCATTER) {
		d->rule = p->bounce_action.src.rule;
		d->origin = p->bounce_action.src.origin;
		d->line = p->bounce_action.src.line;
		d->action = (enum dsng_policy_action)p->bounce_action.v;
		if (d->action == DSNG_POLICY_ACTION_REJECT) {
			dsng__decision_reply(d, &p->bounce_reply, "", "");
		} else if (d->action == DSNG_POLICY_ACTION_FLAG) {
			d->changed = true;
			d->changes = DSNG_POLICY_CHANGED_HEADER;
		}
	}
}

int dsng_policy_header(struct dsng_decision *d, const struct dsng_policy *p,
                       struct dsng_policy_session *s, const char *name,
                       size_t name_len, const char *value, size_t value_len,
                       struct dsng_error *err)
{
	int rc = dsng__decision_args(d, p, s, err);

	if (rc)
		return rc;
	if ((!name && name_len) || (!value && value_len))
		return dsng__bad_arg(err, "NULL header name or value");
	header_decide(d, p, s, name, name_len, value, value_len);
	dsng__decision_label(d);
	return 0;
}

int dsng_policy_generate(struct dsng_decision *d, const struct dsng_policy *p,
                         struct dsng_policy_session *s, enum dsng_dsn_kind kind,
                         bool null_sender, unsigned notify,
                         struct dsng_error *err)
{
	int rc = dsng__decision_args(d, p, s, err);

	if (rc)
		return rc;
	if (kind == DSNG_DSN_OTHER || (unsigned)kind > DSNG_DSN_EXPANDED)
		return dsng__bad_arg(err, "not a kind of DSN");
	generate_decide(d, p, s, kind, null_sender, notify);
	dsng__decision_label(d);
	return 0;
}

int dsng_policy_bounce(struct dsng_decision *d, const struct dsng_policy *p,
                       struct dsng_policy_session *s,
                       const struct dsng_policy_bounce_info *b,
                       struct dsng_error *err)
{
	struct dsng_policy_bounce_info info;
	int rc = dsng__decision_args(d, p, s, err);

	if (rc)
		return rc;
	if (!b)
		return dsng__bad_arg(err, "NULL bounce description");
	/* An input struct: every known version is read into a full copy. */
	if (dsng__versioned_take(&info, b, &bounce_defaults, bounce_sizes,
	                         DSNG_POLICY_BOUNCE_INFO_VERSION))
		return dsng__bad_arg(err, "unknown dsng_policy_bounce_info "
		                          "version");
	if ((!info.received && info.n_received) ||
	    (!info.rcpt.ptr && info.rcpt.len))
		return dsng__bad_arg(err, "NULL span with a length");
	bounce_decide(d, p, &info);
	dsng__decision_label(d);
	return 0;
}
