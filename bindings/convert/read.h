/*
 * bindings/convert/read.h - the other direction of walk.h: reading a
 * caller's value (a jansson value for the CLI, a Python dict, a Perl
 * hashref) through a struct dsngb_reader, so the SPEC of `dsnguard
 * make-report` and `build_report(spec)` of the bindings are read by one
 * piece of code and accept the same keys.
 */
#ifndef DSNGB_READ_H
#define DSNGB_READ_H

#include <stdbool.h>
#include <stddef.h>

#include <talloc.h>

#include <dsnguard/dsnguard.h>

enum dsngb_kind {
	DSNGB_NULL = 0,
	DSNGB_BOOL,
	DSNGB_INT,
	DSNGB_STR,
	DSNGB_LIST,
	DSNGB_MAP,
	DSNGB_OTHER
};

/* Every value pointer is borrowed from the caller's structure and only
 * used while the read runs. */
struct dsngb_reader {
	enum dsngb_kind (*kind)(void *v);
	/* the value of key in a map, NULL when absent */
	void *(*map_get)(void *map, const char *key);
	/* fn(arg, key) for each key of a map; stops at and returns the first
	 * nonzero result, else 0 */
	int (*map_each)(void *map, int (*fn)(void *arg, const char *key),
	                void *arg);
	size_t (*list_len)(void *list);
	void *(*list_get)(void *list, size_t i);
	/* a string's octets (UTF-8), valid while v is; NULL when it cannot
	 * be had (then the read fails) */
	const char *(*str)(void *v, size_t *len);
	long long (*integer)(void *v);
	bool (*boolean)(void *v);
};

/* A make-report SPEC read into the library's structs (one talloc tree). */
struct dsngb_report_spec {
	struct dsng_report_build_spec spec;
	struct dsng_policy_session session; /* from "envelope.client" */
	bool has_client;
};

/*
 * Read SPEC (DESIGN.md section 5, `make-report`): reporting_mta,
 * arrival_date, envelope {from, ret, envid, client {addr, client_name,
 * helo, auth_user, tls, port, service, trusted}}, recipients [{addr,
 * orcpt, notify, action, status, remote_mta, diagnostic_code,
 * last_attempt_date, will_retry_until, final_log_id}].  Dates are RFC
 * 5322 text or Unix seconds; unknown keys are errors.  *out is a new
 * child of mem; on failure -1 with a message naming the key in errbuf
 * (nothing left on mem), 0 on success.
 */
int dsngb_report_spec_read(const struct dsngb_reader *rd, TALLOC_CTX *mem,
                           void *root, struct dsngb_report_spec **out,
                           char *errbuf, size_t errsize);

#endif
