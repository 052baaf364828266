/*
 * lib/maillog_map.c - a small string-keyed hash table for the join (queue
 * ids) and the summary (recipients, clients).  Chained buckets, doubled
 * when the load passes two, FNV-1a over the key bytes.
 */
#include <string.h>

#include "maillog_map.h"

static uint64_t fnv(const char *p, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

struct dsng__ml_map *dsng__ml_map_new(TALLOC_CTX *mem)
{
	struct dsng__ml_map *m = talloc_zero(mem, struct dsng__ml_map);

	if (!m)
		return NULL;
	m->nb = 64;
	m->b = talloc_zero_array(m, struct dsng__ml_entry *, m->nb);
	if (!m->b) {
		talloc_free(m);
		return NULL;
	}
	return m;
}

void *dsng__ml_map_get(const struct dsng__ml_map *m, const char *key,
                       size_t len)
{
	struct dsng__ml_entry *e = m->b[fnv(key, len) & (m->nb - 1)];

	for (; e; e = e->next)
		if (e->len == len && !memcmp(e->key, key, len))
			return e->val;
	return NULL;
}

static int grow(struct dsng__ml_map *m)
{
	size_t nb = m->nb * 2, i;
	struct dsng__ml_entry **b = talloc_zero_array(m, struct dsng__ml_entry *, nb);

	if (!b)
		return -1;
	for (i = 0; i < m->nb; i++) {
		struct dsng__ml_entry *e = m->b[i], *next;
		for (; e; e = next) {
			size_t k = fnv(e->key, e->len) & (nb - 1);
			next = e->next;
			e->next = b[k];
			b[k] = e;
		}
	}
	talloc_free(m->b);
	m->b = b;
	m->nb = nb;
	return 0;
}

const char *dsng__ml_map_put(struct dsng__ml_map *m, const char *key,
                             size_t len, void *val)
{
	struct dsng__ml_entry *e;
	size_t k;

	if (m->n >= m->nb * 2 && grow(m))
		return NULL;
	/* Entries hang off the map, not the bucket array that grow() replaces;
	 * one allocation per entry, key included, as a log may need millions. */
	e = talloc_size(m, sizeof(*e) + len + 1);
	if (!e)
		return NULL;
	talloc_set_name_const(e, "struct dsng__ml_entry");
	memcpy(e->key, key, len);
	e->key[len] = 0;
	e->len = len;
	e->val = val;
	k = fnv(e->key, e->len) & (m->nb - 1);
	e->next = m->b[k];
	m->b[k] = e;
	m->n++;
	return e->key;
}

void dsng__ml_map_del(struct dsng__ml_map *m, const char *key, size_t len)
{
	struct dsng__ml_entry **pp = &m->b[fnv(key, len) & (m->nb - 1)], *e;

	for (; (e = *pp); pp = &e->next)
		if (e->len == len && !memcmp(e->key, key, len)) {
			*pp = e->next;
			talloc_free(e);
			m->n--;
			return;
		}
}

void dsng__ml_map_walk(const struct dsng__ml_map *m,
                       void (*fn)(void *ctx, const char *key, void *val),
                       void *ctx)
{
	size_t i;
	struct dsng__ml_entry *e;

	for (i = 0; i < m->nb; i++)
		for (e = m->b[i]; e; e = e->next)
			fn(ctx, e->key, e->val);
}
