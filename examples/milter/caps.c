/*
 * examples/milter/caps.c - what the MTA offered at negotiation, kept per
 * libmilter context beyond xxfi_close.
 *
 * An MTA may end a session with SMFIC_QUIT_NC and start the next one on
 * the same milter connection: libmilter then calls xxfi_close and later
 * xxfi_connect again, without a new negotiation.  The connection's state
 * is freed at close (a plain QUIT is never announced otherwise), so the
 * offered actions would be lost and a Postfix rewrite turned into a
 * refusal.  This small table keeps them, keyed by the context pointer: a
 * new context is always negotiated first and overwrites a stale entry at
 * its address; an entry pushed out by a full table only costs the safe
 * fallback (refusing instead of rewriting).
 */
#include <pthread.h>
#include <stdint.h>

#include "milter.h"

#define SLOTS 1024
#define PROBE 8

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	const void *ctx;
	unsigned long caps;
} slots[SLOTS];

static size_t slot_of(const void *ctx)
{
	uintptr_t h = (uintptr_t)ctx;

	h ^= h >> 17;
	h *= 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 7) % SLOTS;
}

void dm_caps_put(const void *ctx, unsigned long caps)
{
	size_t i, s = slot_of(ctx), use = s;

	pthread_mutex_lock(&lock);
	for (i = 0; i < PROBE; i++) {
		size_t k = (s + i) % SLOTS;

		if (slots[k].ctx == ctx || !slots[k].ctx) {
			use = k;
			break;
		}
	}
	slots[use].ctx = ctx;
	slots[use].caps = caps;
	pthread_mutex_unlock(&lock);
}

bool dm_caps_get(const void *ctx, unsigned long *caps)
{
	size_t i, s = slot_of(ctx);
	bool found = false;

	pthread_mutex_lock(&lock);
	for (i = 0; i < PROBE && !found; i++) {
		size_t k = (s + i) % SLOTS;

		if (slots[k].ctx == ctx) {
			*caps = slots[k].caps;
			found = true;
		}
	}
	pthread_mutex_unlock(&lock);
	return found;
}
