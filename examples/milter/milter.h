/*
 * examples/milter/milter.h - what the parts of dsnguard-milter share: the
 * options (DESIGN section 5), the policy holder, the per-connection
 * state, logging and the counters.
 */
#ifndef DM_MILTER_H
#define DM_MILTER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include <libmilter/mfapi.h>
#include <talloc.h>

#include <dsnguard/dsnguard.h>

#include "logval.h"

/* Exit codes (DESIGN section 5). */
enum { DM_EXIT_OK = 0, DM_EXIT_FAIL = 1, DM_EXIT_USAGE = 2 };

enum dm_mta { DM_MTA_AUTO = 0, DM_MTA_POSTFIX, DM_MTA_SENDMAIL, DM_MTA_OTHER };

struct dm_opts {
	const char *socket;
	const char *policy_file; /* exactly one of these two */
	const char *preset;
	bool foreground;
	bool dry_run;
	const char *pidfile;
	bool log_stderr;
	bool on_error_tempfail;
	enum dm_mta mta;
	const char *user; /* USER[:GROUP] */
	int socket_mode;  /* -1: leave it as libmilter made it */
};

/* Parse argv into o; 0 to run, DM_EXIT_USAGE after a message on stderr,
 * or -1 for --help/--version (printed; exit 0). */
int dm_opts_parse(struct dm_opts *o, int argc, char **argv);

extern struct dm_opts dm_opts;

/* ---- the policy, shared read-only and counted --------------------- */

struct dm_policy {
	struct dsng_policy *p; /* on its own talloc tree */
	atomic_uint refs;
	unsigned generation; /* 1 at start, +1 per reload */
};

/* Load the policy of the options: 0, or -1 with a message in err. */
int dm_policy_start(char *msg, size_t size);
/* A reference to the current policy, for one connection. */
struct dm_policy *dm_policy_get(void);
/* Drop a reference; the last one frees the policy. */
void dm_policy_put(struct dm_policy *p);
/* Reload from the same file or preset; logs the outcome. */
void dm_policy_reload(void);
/* Log the policy's warnings (dsng_policy_warning_get), one line each. */
void dm_policy_warnings(const struct dsng_policy *p);
/* Drop the current policy at exit. */
void dm_policy_stop(void);

/* ---- logging ------------------------------------------------------- */

void dm_log_open(bool to_stderr);
/* One line at LOG_INFO (or the priority given). */
void dm_log_line(int prio, const struct dm_line *l);
/* An event line (start, reload, faults): "event=EVENT" and then the
 * NULL-terminated pairs of key and value (C strings, escaped). */
void dm_log_event(int prio, const char *event, ...)
#if defined(__GNUC__)
        __attribute__((sentinel))
#endif
        ;

/* ---- counters ------------------------------------------------------ */

enum dm_count {
	DM_C_ACCEPT,
	DM_C_REJECT,
	DM_C_STRIP,
	DM_C_DOWNGRADE,
	DM_C_NEVER,
	DM_C_IGNORE,
	DM_C_FLAG,
	DM_C_TEMPFAIL,
	DM_C_ERROR,
	DM_C_RELOAD,
	DM_C_RELOAD_FAILED,
	DM_C_CONNECTIONS,
	DM_C__N
};

void dm_count(enum dm_count c);
/* The counter for what the milter did with a decision. */
enum dm_count dm_count_of(enum dsng_policy_action a);
/* Log "stats accept=N reject=N strip=N ..." */
void dm_stats_log(void);
/* Connections open now (for a clean stop). */
void dm_active_add(int delta);
int dm_active(void);

/* ---- MTA ----------------------------------------------------------- */

/* Which MTA from the `v` macro ("Postfix 3.7.11", "8.17.1.9"); *major,
 * *minor its version (0 when unknown). */
enum dm_mta dm_mta_from_v(const char *v, unsigned *major, unsigned *minor);
const char *dm_mta_name(enum dm_mta m);

/* Keep waking libmilter's listener (connections to spec) so that a
 * smfi_stop called next takes effect at once; dm_wake_done ends it. */
void dm_wake_listener(const char *spec);
void dm_wake_done(void);

/* The actions (SMFIF_*) the MTA offered on a libmilter context, kept
 * across SMFIC_QUIT_NC (caps.c). */
void dm_caps_put(const void *ctx, unsigned long caps);
bool dm_caps_get(const void *ctx, unsigned long *caps);

/* ---- the milter callbacks ------------------------------------------ */

extern struct smfiDesc dm_filter;

#endif
