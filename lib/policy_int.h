/*
 * lib/policy_int.h - what the policy files share: the policy object, the
 * CIDR table, and helpers.  Never installed.
 */
#ifndef DSNG_POLICY_INT_H
#define DSNG_POLICY_INT_H

#include "dsng_private.h"

/* ---- CIDR table: IPv4 lives at ::ffff:0:0/96, so one 128-bit space
 * holds both families and IPv4-mapped clients match IPv4 entries. ---- */

struct dsng__u128 {
	uint64_t hi, lo;
};

struct dsng__range {
	struct dsng__u128 first, last;
};

struct dsng__cidr_table {
	struct dsng__range *r; /* talloc array; sorted, disjoint after finish */
	size_t n, cap;
	int finished;
};

/* Parse "a.b.c.d[/n]" or an IPv6 "x::y[/n]" (no brackets) into a range.
 * Returns 0, or -1 with *col the 0-based offset of the problem and *why a
 * static explanation. */
int dsng__cidr_parse(const char *p, size_t len, struct dsng__range *out,
                     size_t *col, const char **why);

/* Parse an address (IPv4, IPv6, [..], "IPv6:" prefix) into 16 bytes,
 * IPv4 as ::ffff:a.b.c.d; *family 4 or 6.  0 or -1. */
int dsng__ip_parse(const char *p, size_t len, unsigned char out[16],
                   int *family);

/* Append a range (talloc-grown on mem); 0 or DSNG_ENOMEM / DSNG_ELIMIT. */
int dsng__cidr_add(TALLOC_CTX *mem, struct dsng__cidr_table *t,
                   const struct dsng__range *r);

/* Sort and merge overlapping or adjacent ranges; lookups need this. */
void dsng__cidr_finish(struct dsng__cidr_table *t);

/* 1 when the 16-byte address lies in one of the ranges. */
int dsng__cidr_match(const struct dsng__cidr_table *t,
                     const unsigned char addr[16]);

/* ---- the policy object ---- */

/* Where a setting came from: rule name, preset or file, line (0 for
 * presets). */
struct dsng__src {
	const char *rule;
	const char *origin;
	unsigned line;
};

struct dsng__classes {
	unsigned mask;
	const char *text; /* the list as words, for reasons */
	struct dsng__src src;
};

struct dsng__choice {
	int v;
	struct dsng__src src;
};

struct dsng__reply {
	int code;
	const char *enhanced; /* talloc, "5.7.1" */
	const char *text;     /* may hold "{param}" */
	struct dsng__src src;
};

/* Values of the enumerated settings. */
enum {
	DSNG__UNOFFERED_REJECT = 0,
	DSNG__UNOFFERED_IGNORE,
	DSNG__UNOFFERED_ACCEPT, /* rcpt: honour anyway */
	DSNG__UNOFFERED_RULES   /* mail: apply the [mail] rules */
};
enum { DSNG__HDR_STRIP = 0, DSNG__HDR_KEEP, DSNG__HDR_FLAG };

struct dsng_policy {
	const char *name;
	struct dsng__cidr_table nets;
	/* The networks came from the preset: a config's [trusted-networks]
	 * replaces them rather than adding to them. */
	bool nets_from_preset;

	struct dsng__classes offer_dsn;
	/* Clients whose DSN parameters are judged by the [mail]/[rcpt]
	 * rules although DSN was not offered to them (lenient). */
	struct dsng__classes honour_unoffered;
	struct dsng__classes success_from, delay_from, failure_from;
	struct dsng__classes orcpt_from;
	struct dsng__choice rcpt_action; /* enum dsng_policy_action */
	struct dsng__reply rcpt_reply;
	struct dsng__choice rcpt_unoffered;
	struct dsng__reply rcpt_unoffered_reply;

	struct dsng__classes ret_full_from, envid_from;
	struct dsng__choice ret_full_action, envid_action; /* ..._action */
	struct dsng__reply mail_reply;
	struct dsng__choice mail_unoffered;
	struct dsng__reply mail_unoffered_reply;

	struct dsng__classes receipts_from;
	struct dsng__choice header_action;
	const char **header_names; /* talloc array */
	size_t n_header_names;
	struct dsng__src header_names_src;
	const char *flag_header;

	struct dsng__choice check_clients;

	struct dsng_batv_key *batv_keys;
	size_t n_batv_keys;
	unsigned batv_days;
	struct dsng__choice batv_required;
	const char **our_hosts;
	size_t n_our_hosts;
	struct dsng__choice bounce_action;
	struct dsng__reply bounce_reply;

	/* NOTIFY values by their bits (DSNG_NOTIFY_* & 15), written once by
	 * dsng_notify_format when the policy is finished: the text of
	 * reasons and replies, and the new NOTIFY value a decision points a
	 * command's parameter at (it lives as long as the policy). */
	char notify_text[16][DSNG_NOTIFY_TEXT_MAX];

	/* What dsng_policy_warning_get gives: valid settings that do not
	 * do what they seem to (talloc array on the policy). */
	struct dsng_policy_warning *warnings;
	size_t n_warnings;
};

/* The last step of building a policy: merge the trusted networks, write
 * the NOTIFY texts, list the warnings.  0 or DSNG_ENOMEM. */
int dsng__policy_finish(struct dsng_policy *p);

/* The NOTIFY value of bits, from the policy's table ("" for 0). */
static inline const char *dsng__notify_text(const struct dsng_policy *p,
                                            unsigned bits)
{
	return p->notify_text[bits & 15u];
}

/* Set every setting from the built-in base (RFC defaults) and then the
 * named preset; origins are the preset's name.  DSNG_ENOTFOUND when no
 * such preset. */
int dsng__policy_base(struct dsng_policy *p, const char *name,
                      struct dsng_error *err);

/* The text of a preset, or NULL. */
const char *dsng__policy_preset_text(const char *name);

/* Parse config text into an existing policy (used for presets, whose
 * origin is their name and whose lines are reported as 0). */
int dsng__policy_apply(struct dsng_policy *p, const char *buf, size_t len,
                       const char *origin, int is_preset,
                       const struct dsng_policy_opts *opts,
                       struct dsng_error *err);

/* The checks every decision starts with: d and s of a known version, p
 * not NULL.  0, or DSNG_EINVAL with err filled (d untouched). */
int dsng__decision_args(const struct dsng_decision *d,
                        const struct dsng_policy *p,
                        const struct dsng_policy_session *s,
                        struct dsng_error *err);

/* DSNG_EINVAL with err filled: "what" names the bad argument. */
int dsng__bad_arg(struct dsng_error *err, const char *what);

/* Fill a refusal into d from a configured reply, "{param}" replaced by
 * param (a keyword) and "{value}" by value (the refused part). */
void dsng__decision_reply(struct dsng_decision *d, const struct dsng__reply *r,
                          const char *param, const char *value);

/* Clear d and set its rule from src. */
void dsng__decision_start(struct dsng_decision *d, const struct dsng__src *src);

/* Append to d->reason (truncating safely). */
void dsng__reason(struct dsng_decision *d, const char *fmt, ...)
        DSNG_PRINTF(2, 3);

/* Append strings (NULL-terminated list) to d->reason; the hot paths use
 * this rather than printf, which dominated a decision's cost. */
void dsng__reason_cat(struct dsng_decision *d, ...);

/* Make sure d->reason states the decision's compliance: unless the text
 * already says "compliant" or "lenient" in its own words, the plain label
 * of d->compliance is appended. */
void dsng__decision_label(struct dsng_decision *d);

/* What a reason's writer knows of its standing, so the label is neither
 * searched for nor taken from words that only look like one (a login
 * such as "lenientbob"): STATED, its own words say it (or the text filled
 * the buffer, where the label would not fit either); UNSTATED, they do
 * not, whatever the client's description holds. */
enum dsng__standing { DSNG__STANDING_STATED, DSNG__STANDING_UNSTATED };

/* The plain label when the writer's words do not state the standing. */
void dsng__decision_standing(struct dsng_decision *d, enum dsng__standing st);

/* Append n octets of t at d->reason[*o], *o the text's length so far
 * (truncating; kept terminated): the hot decisions keep the offset and
 * know their pieces' lengths, where dsng__reason_cat measures both. */
void dsng__reason_put(struct dsng_decision *d, size_t *o, const char *t,
                      size_t n);
#define DSNG__REASON_LIT(d, o, lit) dsng__reason_put(d, o, lit, sizeof(lit) - 1)

/* "198.51.100.33 (untrusted, unauthenticated, smtp)" into buf; returns
 * its length. */
size_t dsng__describe_client(const struct dsng_policy *p,
                             struct dsng_policy_session *s, char *buf,
                             size_t size);

/* The same for the classes cls (the EHLO decision describes the client
 * as it is known at EHLO, DSNG_POLICY_CLASSES_EHLO). */
size_t dsng__describe_classes(struct dsng_policy_session *s, unsigned cls,
                              char *buf, size_t size);

/* Was DSN offered to this client: s->dsn_offered, or when no EHLO
 * decision was made what the offer rule says of the client as known at
 * EHLO.  LATE when it was not, but ehlo.honour-unoffered-from covers the
 * client now (it authenticated after EHLO): its DSN parameters go to the
 * [mail]/[rcpt] rules, and the decision is lenient.  cls is
 * dsng_policy_classes(p, s), which the callers have already. */
#define DSNG__OFFERED_LATE 2
int dsng__dsn_offered(const struct dsng_policy *p,
                      const struct dsng_policy_session *s, unsigned cls);

#endif /* DSNG_POLICY_INT_H */
