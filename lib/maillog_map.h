/*
 * lib/maillog_map.h - string-keyed hash table used by the maillog join.
 * Values are borrowed pointers; the map owns only its entries and keys.
 */
#ifndef DSNG_MAILLOG_MAP_H
#define DSNG_MAILLOG_MAP_H

#include "dsng_private.h"

struct dsng__ml_entry {
	size_t len;
	void *val;
	struct dsng__ml_entry *next;
	char key[]; /* len bytes and a NUL, in the same allocation */
};

struct dsng__ml_map {
	struct dsng__ml_entry **b;
	size_t nb; /* a power of two */
	size_t n;
};

/* A new empty map on mem; NULL when out of memory. */
struct dsng__ml_map *dsng__ml_map_new(TALLOC_CTX *mem);
/* The value stored under key, or NULL. */
void *dsng__ml_map_get(const struct dsng__ml_map *m, const char *key,
                       size_t len);
/* Store val under key (the key must not be present yet); returns the
 * map's own copy of the key, NULL when out of memory. */
const char *dsng__ml_map_put(struct dsng__ml_map *m, const char *key,
                             size_t len, void *val);
/* Remove key if present. */
void dsng__ml_map_del(struct dsng__ml_map *m, const char *key, size_t len);
/* Call fn for every entry, in no particular order. */
void dsng__ml_map_walk(const struct dsng__ml_map *m,
                       void (*fn)(void *ctx, const char *key, void *val),
                       void *ctx);

#endif /* DSNG_MAILLOG_MAP_H */
