/*
 * lib/report_build.c - dsng_report_build: check the spec, decide who
 * appears (RFC 3461's NOTIFY rules, then the policy's veto for each
 * recipient left), and only then write the report.  Everything is built
 * on a temporary context and moved onto the caller's only on success.
 */
#include <string.h>
#include <time.h>

#include "report_build_int.h"

static const size_t spec_sizes[] = {0, sizeof(struct dsng_report_build_spec)};
static const struct dsng_report_build_spec spec_defaults =
        DSNG_REPORT_BUILD_SPEC_INIT;
static const size_t opts_sizes[] = {0, sizeof(struct dsng_report_build_opts)};
static const struct dsng_report_build_opts opts_defaults =
        DSNG_REPORT_BUILD_OPTS_INIT;
static const size_t session_sizes[] = {0, sizeof(struct dsng_policy_session)};
static const struct dsng_policy_session session_defaults =
        DSNG_POLICY_SESSION_INIT;

int dsng_report_build_spec_init(struct dsng_report_build_spec *s,
                                unsigned version)
{
	return dsng__versioned_init(s, version, &spec_defaults, spec_sizes,
	                            DSNG_REPORT_BUILD_SPEC_VERSION);
}

int dsng_report_build_opts_init(struct dsng_report_build_opts *o,
                                unsigned version)
{
	return dsng__versioned_init(o, version, &opts_defaults, opts_sizes,
	                            DSNG_REPORT_BUILD_OPTS_VERSION);
}

const char *dsng_report_build_fate_name(enum dsng_report_build_fate fate)
{
	switch (fate) {
	case DSNG_REPORT_BUILD_KEPT:
		return "kept";
	case DSNG_REPORT_BUILD_NOT_REQUESTED:
		return "not_requested";
	case DSNG_REPORT_BUILD_NULL_SENDER:
		return "null_sender";
	case DSNG_REPORT_BUILD_VETOED:
		return "vetoed";
	}
	return "unknown";
}

const char *
dsng_report_build_outcome_name(enum dsng_report_build_outcome outcome)
{
	switch (outcome) {
	case DSNG_REPORT_BUILD_WRITTEN:
		return "written";
	case DSNG_REPORT_BUILD_NONE_REQUESTED:
		return "none_requested";
	case DSNG_REPORT_BUILD_ALL_VETOED:
		return "vetoed";
	}
	return "unknown";
}

static int bad_arg(struct dsng_error *err, const char *what)
{
	return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT, 0, 0,
	                  NULL, "%s", what);
}

/* Does NOTIFY (bits as accepted, 0 = not given) ask for this action?
 * RFC 3461 4.1: absent means FAILURE,DELAY here (the MTA may choose
 * FAILURE alone; asking for DELAY too loses nothing); relayed and
 * expanded answer SUCCESS (sections 5.2.2, 6.2). */
static bool asks(unsigned notify, enum dsng_dsn_kind k, const char **why)
{
	if (notify & DSNG_NOTIFY_NEVER) {
		*why = "NOTIFY=NEVER: no report of any kind";
		return false;
	}
	if (!notify) {
		*why = "without NOTIFY only failed and delayed are reported";
		return k == DSNG_DSN_FAILURE || k == DSNG_DSN_DELAY;
	}
	*why = "its NOTIFY does not ask for this action";
	return (notify & DSNG_NOTIFY_BIT(k)) != 0;
}

/* The NOTIFY rules and the veto, recipient by recipient. */
static int decide(struct dsng__rb *rb, struct dsng_report_build_result *res)
{
	size_t i;
	int rc;

	for (i = 0; i < rb->n_rcpts; i++) {
		struct dsng__rb_rcpt *r = &rb->rcpts[i];
		const char *why = NULL;

		if (!*rb->from) {
			r->fate = DSNG_REPORT_BUILD_NULL_SENDER;
			r->reason = talloc_strdup(
			        rb->tmp, "the envelope sender is null (<>): "
			                 "RFC 3461 never sends a report to <>");
		} else if (!asks(r->in.notify, r->in.action, &why)) {
			r->fate = DSNG_REPORT_BUILD_NOT_REQUESTED;
			r->reason = talloc_asprintf(
			        rb->tmp, "no %s entry: %s",
			        dsng_dsn_action_name(r->in.action), why);
		} else if (rb->opts.no_policy) {
			r->fate = DSNG_REPORT_BUILD_KEPT;
			r->reason =
			        talloc_strdup(rb->tmp, "built without a "
			                               "policy (no_policy)");
		} else {
			dsng_decision_init(&r->decision, DSNG_DECISION_VERSION);
			rc = dsng_policy_generate(&r->decision, rb->policy,
			                          &rb->session, r->in.action,
			                          false, r->in.notify, rb->err);
			if (rc)
				return rc;
			r->has_decision = true;
			r->fate =
			        r->decision.action == DSNG_POLICY_ACTION_ACCEPT
			                ? DSNG_REPORT_BUILD_KEPT
			                : DSNG_REPORT_BUILD_VETOED;
			r->reason = talloc_strdup(rb->tmp, r->decision.reason);
		}
		if (!r->reason)
			return DSNG_ENOMEM;
		if (r->fate == DSNG_REPORT_BUILD_KEPT)
			res->n_kept++;
		else if (r->fate == DSNG_REPORT_BUILD_VETOED)
			res->n_vetoed++;
		else
			res->n_not_requested++;
	}
	return DSNG_OK;
}

static int entries(struct dsng__rb *rb, struct dsng_report_build_result *res)
{
	size_t i;

	res->entries = talloc_zero_array(res, struct dsng_report_build_entry,
	                                 rb->n_rcpts ? rb->n_rcpts : 1);
	if (!res->entries)
		return DSNG_ENOMEM;
	res->n_entries = rb->n_rcpts;
	for (i = 0; i < rb->n_rcpts; i++) {
		const struct dsng__rb_rcpt *r = &rb->rcpts[i];
		struct dsng_report_build_entry *e = &res->entries[i];

		e->index = i;
		e->fate = r->fate;
		e->addr = talloc_strdup(res->entries, r->addr);
		e->reason = talloc_strdup(res->entries, r->reason);
		e->has_decision = r->has_decision;
		if (r->has_decision)
			e->decision = r->decision;
		else
			dsng_decision_init(&e->decision, DSNG_DECISION_VERSION);
		e->diagnostic_cut = r->diag_cut;
		if (!e->addr || !e->reason)
			return DSNG_ENOMEM;
	}
	return DSNG_OK;
}

int dsng_report_build(TALLOC_CTX *mem, struct dsng_report_build_result **out,
                      const struct dsng_policy *policy,
                      const struct dsng_policy_session *session,
                      const struct dsng_report_build_spec *spec,
                      const char *original, size_t original_len,
                      const struct dsng_report_build_opts *opts,
                      struct dsng_error *err)
{
	struct dsng__rb rb;
	struct dsng_report_build_result *res;
	int rc;

	if (out)
		*out = NULL;
	if (!out || !spec || (!original && original_len))
		return bad_arg(err, "NULL argument");
	memset(&rb, 0, sizeof(rb));
	rb.err = err;
	if (dsng__versioned_take(&rb.opts, opts, &opts_defaults, opts_sizes,
	                         DSNG_REPORT_BUILD_OPTS_VERSION))
		return bad_arg(err, "struct dsng_report_build_opts of unknown "
		                    "version");
	if (dsng__versioned_take(&rb.spec, spec, &spec_defaults, spec_sizes,
	                         DSNG_REPORT_BUILD_SPEC_VERSION))
		return bad_arg(err, "struct dsng_report_build_spec of unknown "
		                    "version");
	if (dsng__versioned_take(&rb.session, session, &session_defaults,
	                         session_sizes, DSNG_POLICY_SESSION_VERSION))
		return bad_arg(err, "struct dsng_policy_session of unknown "
		                    "version");
	/* The veto is not optional: only an explicit no_policy skips it. */
	if (!policy && !rb.opts.no_policy)
		return bad_arg(err, "NULL policy (say no_policy to build "
		                    "without the veto)");
	if (rb.opts.max_returned > DSNG_REPORT_BUILD_MAX_RETURNED_CEILING)
		return bad_arg(err, "max_returned above "
		                    "DSNG_REPORT_BUILD_MAX_RETURNED_CEILING");
	if (rb.opts.has_now &&
	    (rb.opts.now < 0 || rb.opts.now > INT64_C(253402300799)))
		return bad_arg(err, "now out of range (1970 to 9999)");
	rb.policy = policy;
	rb.now = rb.opts.has_now ? rb.opts.now : (int64_t)time(NULL);
	rb.original = original;
	rb.original_len = original_len;
	/* The session is the record of a past connection: decisions may
	 * cache a lookup in it, so they get a copy with a fresh cache. */
	rb.session.trusted_cached = -1;

	rb.tmp = dsng__pool(
	        NULL,
	        16384 + (original_len < 1048576 ? original_len * 2 : 2097152));
	res = talloc_zero(NULL, struct dsng_report_build_result);
	if (!rb.tmp || !res) {
		rc = DSNG_ENOMEM;
		goto fail;
	}
	res->envelope_from = "";
	rc = dsng__rb_check(&rb);
	if (rc)
		goto fail;
	res->envelope_to = talloc_strdup(res, rb.from);
	if (!res->envelope_to) {
		rc = DSNG_ENOMEM;
		goto fail;
	}
	rc = decide(&rb, res);
	if (!rc)
		rc = entries(&rb, res);
	if (rc)
		goto fail;
	if (res->n_kept)
		res->outcome = DSNG_REPORT_BUILD_WRITTEN;
	else if (res->n_vetoed)
		res->outcome = DSNG_REPORT_BUILD_ALL_VETOED;
	else
		res->outcome = DSNG_REPORT_BUILD_NONE_REQUESTED;
	if (res->n_kept) {
		rc = dsng__rb_assemble(&rb, res, res);
		if (rc)
			goto fail;
	} else if (original) {
		res->returned_omitted = true;
	}
	*out = talloc_steal(mem, res);
	talloc_free(rb.tmp);
	return DSNG_OK;
fail:
	if (rc == DSNG_ENOMEM)
		dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
		           "out of memory");
	talloc_free(res);
	talloc_free(rb.tmp);
	return rc;
}
