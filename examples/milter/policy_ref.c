/*
 * examples/milter/policy_ref.c - the policy all connections share.
 *
 * A policy is read-only once loaded, so threads may read one together.
 * Each connection takes a reference when it starts and keeps that policy
 * to its end, so a SIGHUP reload in the middle of a session never changes
 * the rules under it; the last reference frees the old policy.  Every
 * policy lives on its own talloc tree (talloc is not thread-safe within
 * one tree, and a tree is only ever freed whole, by the thread dropping
 * the last reference).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <syslog.h>

#include "milter.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct dm_policy *current;
static unsigned generation;

/* Build a holder from the options' file or preset. */
static struct dm_policy *load(char *msg, size_t size)
{
	struct dsng_error err = DSNG_ERROR_INIT;
	struct dm_policy *h = talloc_zero(NULL, struct dm_policy);
	int rc;

	if (!h) {
		snprintf(msg, size, "out of memory");
		return NULL;
	}
	if (dm_opts.policy_file)
		rc = dsng_policy_load(h, &h->p, dm_opts.policy_file, NULL,
		                      &err);
	else
		rc = dsng_policy_preset(h, &h->p, dm_opts.preset, &err);
	if (rc) {
		snprintf(msg, size, "%s",
		         err.message[0] ? err.message : dsng_error_rc_text(rc));
		talloc_free(h);
		return NULL;
	}
	atomic_init(&h->refs, 1);
	return h;
}

int dm_policy_start(char *msg, size_t size)
{
	struct dm_policy *h = load(msg, size);

	if (!h)
		return -1;
	h->generation = generation = 1;
	current = h;
	return 0;
}

struct dm_policy *dm_policy_get(void)
{
	struct dm_policy *h;

	pthread_mutex_lock(&lock);
	h = current;
	if (h)
		atomic_fetch_add(&h->refs, 1);
	pthread_mutex_unlock(&lock);
	return h;
}

void dm_policy_put(struct dm_policy *h)
{
	if (h && atomic_fetch_sub(&h->refs, 1) == 1)
		talloc_free(h);
}

void dm_policy_reload(void)
{
	char msg[512];
	struct dm_policy *h = load(msg, sizeof(msg)), *old;
	const char *name =
	        dm_opts.policy_file ? dm_opts.policy_file : dm_opts.preset;

	if (!h) {
		char gen[16];

		dm_count(DM_C_RELOAD_FAILED);
		pthread_mutex_lock(&lock);
		snprintf(gen, sizeof(gen), "%u",
		         current ? current->generation : 0);
		pthread_mutex_unlock(&lock);
		dm_log_event(LOG_ERR, "reload", "ok", "0", "policy", name,
		             "generation", gen, "kept", "old", "error", msg,
		             (char *)NULL);
		return;
	}
	pthread_mutex_lock(&lock);
	old = current;
	h->generation = ++generation;
	current = h;
	pthread_mutex_unlock(&lock);
	dm_count(DM_C_RELOAD);
	{
		char gen[16];

		snprintf(gen, sizeof(gen), "%u", h->generation);
		dm_log_event(LOG_INFO, "reload", "ok", "1", "policy",
		             dsng_policy_name(h->p), "generation", gen,
		             (char *)NULL);
	}
	dm_policy_warnings(h->p);
	dm_policy_put(old);
}

void dm_policy_stop(void)
{
	struct dm_policy *h;

	pthread_mutex_lock(&lock);
	h = current;
	current = NULL;
	pthread_mutex_unlock(&lock);
	dm_policy_put(h);
}

void dm_policy_warnings(const struct dsng_policy *p)
{
	size_t i, n = dsng_policy_warning_count(p);

	for (i = 0; i < n; i++)
		dm_log_event(LOG_WARNING, "policy_warning", "message",
		             dsng_policy_warning_get(p, i)->message,
		             (char *)NULL);
}
