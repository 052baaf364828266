/*
 * bindings/build_report.c - build_report's C side: the SPEC read by the
 * reader shared with `dsnguard make-report` (convert/report_spec.c), then
 * dsng_report_build with the policy's veto, and its whole result as a map
 * (the script layer turns it into bytes or PolicyVeto).
 */
#include <stdlib.h>
#include <string.h>

#include "api_util.h"
#include "read.h"

static void *entry(const struct dsngb_builder *b,
                   const struct dsng_report_build_entry *e,
                   const struct dsng_report_build_rcpt *r)
{
	void *m = b->map_new();

	b->map_set(m, "index", b->uinteger(e->index));
	b->map_set(m, "fate",
	           dsngb_cstr(b, dsng_report_build_fate_name(e->fate)));
	b->map_set(m, "addr", dsngb_cstr(b, e->addr));
	b->map_set(m, "reason", dsngb_cstr(b, e->reason));
	if (e->has_decision) {
		void *d = b->map_new();

		dsngb_decision_fill(b, d, &e->decision, r ? r->notify : 0, 0);
		b->map_set(m, "decision", d);
	} else {
		b->map_set(m, "decision", b->none());
	}
	b->map_set(m, "diagnostic_cut", b->boolean(e->diagnostic_cut));
	return m;
}

static void *result(const struct dsngb_builder *b,
                    const struct dsng_report_build_result *res,
                    const struct dsng_report_build_spec *spec)
{
	void *m = b->map_new(), *l = b->list_new();
	size_t i;

	b->map_set(m, "outcome",
	           dsngb_cstr(b, dsng_report_build_outcome_name(res->outcome)));
	b->map_set(m, "data",
	           res->data ? dsngb_native_bytes(res->data, res->len)
	                     : b->none());
	b->map_set(m, "global", b->boolean(res->global));
	b->map_set(m, "envelope_from", dsngb_cstr(b, res->envelope_from));
	b->map_set(m, "envelope_to", dsngb_cstr(b, res->envelope_to));
	b->map_set(m, "message_id", dsngb_cstr(b, res->message_id));
	for (i = 0; i < res->n_entries; i++) {
		size_t k = res->entries[i].index;

		b->list_push(l,
		             entry(b, &res->entries[i],
		                   k < spec->n_recipients ? spec->recipients[k]
		                                          : NULL));
	}
	b->map_set(m, "entries", l);
	b->map_set(m, "n_kept", b->uinteger(res->n_kept));
	b->map_set(m, "n_vetoed", b->uinteger(res->n_vetoed));
	b->map_set(m, "n_not_requested", b->uinteger(res->n_not_requested));
	b->map_set(m, "returned", b->boolean(res->returned));
	b->map_set(m, "returned_full", b->boolean(res->returned_full));
	b->map_set(m, "returned_truncated",
	           b->boolean(res->returned_truncated));
	b->map_set(m, "returned_omitted", b->boolean(res->returned_omitted));
	return m;
}

dsngb_result build_report_result(
        dsngb_value spec_v, const char *buf, size_t len, int has_original,
        struct dsngb_policy *policy, int no_policy, long long now, int crlf,
        long long max_returned, unsigned max_recipients, struct dsng_error *err)
{
	struct dsng_report_build_opts o;
	struct dsng_report_build_result *res = NULL;
	struct dsngb_report_spec *spec = NULL;
	TALLOC_CTX *mem;
	char msg[DSNG_ERROR_MESSAGE_MAX]; /* the reader cuts its message to fit
	                                   */
	void *out = NULL, *gil;
	int rc;

	if (!policy && !no_policy)
		return dsngb_misuse(err, "a policy is required unless "
		                         "no_policy is set");
	if (!(mem = talloc_new(NULL)))
		return dsngb_nomem(err);
	if (dsngb_report_spec_read(&dsngb_native_reader, mem, spec_v, &spec,
	                           msg, sizeof(msg))) {
		if (dsngb_native_failed() || !strcmp(msg, "out of memory"))
			dsngb_nomem(err);
		else
			dsngb_bad_value(err, msg);
		goto out;
	}
	dsng_report_build_opts_init(&o, DSNG_REPORT_BUILD_OPTS_VERSION);
	if (now >= 0) {
		o.has_now = true;
		o.now = (int64_t)now;
	}
	o.crlf = crlf != 0;
	if (max_returned >= 0)
		o.max_returned = (size_t)max_returned;
	o.no_policy = no_policy != 0;
	if (max_recipients)
		o.max_recipients = max_recipients;
	/* a megabyte original is copied and scanned: let other threads run */
	gil = dsngb_native_unlock();
	rc = dsng_report_build(
	        mem, &res, no_policy ? NULL : dsngb_policy_get(policy),
	        spec->has_client ? &spec->session : NULL, &spec->spec,
	        has_original ? buf : NULL, has_original ? len : 0, &o, err);
	dsngb_native_relock(gil);
	if (rc == DSNG_OK)
		out = dsngb_finish(result(&dsngb_native, res, &spec->spec),
		                   err);
out:
	talloc_free(mem);
	return out;
}
