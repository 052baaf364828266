/*
 * examples/milter/stats.c - counters of what the milter did, written as
 * one "stats ..." line at exit and on SIGUSR1 (DESIGN section 5).  Plain
 * atomics: sessions on many threads count at once.
 */
#include <stdatomic.h>
#include <syslog.h>

#include "milter.h"

static atomic_ulong counts[DM_C__N];
static atomic_int active;

static const char *const names[DM_C__N] = {
        [DM_C_ACCEPT] = "accept",
        [DM_C_REJECT] = "reject",
        [DM_C_STRIP] = "strip",
        [DM_C_DOWNGRADE] = "downgrade",
        [DM_C_NEVER] = "never",
        [DM_C_IGNORE] = "ignore",
        [DM_C_FLAG] = "flag",
        [DM_C_TEMPFAIL] = "tempfail",
        [DM_C_ERROR] = "error",
        [DM_C_RELOAD] = "reload",
        [DM_C_RELOAD_FAILED] = "reload_failed",
        [DM_C_CONNECTIONS] = "connections",
};

void dm_count(enum dm_count c)
{
	if (c < DM_C__N)
		atomic_fetch_add(&counts[c], 1);
}

enum dm_count dm_count_of(enum dsng_policy_action a)
{
	switch (a) {
	case DSNG_POLICY_ACTION_REJECT:
		return DM_C_REJECT;
	case DSNG_POLICY_ACTION_STRIP:
		return DM_C_STRIP;
	case DSNG_POLICY_ACTION_DOWNGRADE:
		return DM_C_DOWNGRADE;
	case DSNG_POLICY_ACTION_NEVER:
		return DM_C_NEVER;
	case DSNG_POLICY_ACTION_IGNORE:
		return DM_C_IGNORE;
	case DSNG_POLICY_ACTION_FLAG:
		return DM_C_FLAG;
	default:
		return DM_C_ACCEPT;
	}
}

void dm_stats_log(void)
{
	struct dm_line l;
	int i;

	/* "stats" is the first word, then the counters (DESIGN section 5). */
	dm_line_init(&l);
	dm_line_word(&l, "stats");
	for (i = 0; i < DM_C__N; i++)
		dm_line_kvu(&l, names[i], atomic_load(&counts[i]));
	dm_line_kvu(&l, "active", (unsigned long long)atomic_load(&active));
	dm_log_line(LOG_INFO, &l);
}

void dm_active_add(int delta)
{
	atomic_fetch_add(&active, delta);
}

int dm_active(void)
{
	return atomic_load(&active);
}
