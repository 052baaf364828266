/*
 * lib/ehlo_int.h - helpers shared by ehlo.c and ehlo_format.c; never
 * installed.
 */
#ifndef DSNG_EHLO_INT_H
#define DSNG_EHLO_INT_H

#include <talloc.h>

#include "dsnguard/ehlo.h"

/* Whether a capability's keyword is `keyword` in any case. */
bool dsng__ehlo_cap_is(const struct dsng_ehlo_cap *cap, const char *keyword);

/*
 * A set of byte strings compared with ASCII letters folded to upper case
 * (ehlo_set.c), whose cost is linear in the bytes added and looked up
 * whatever the words are (a trie: no hash to flood).  Sized once: init
 * takes the total length of the words that will be added.
 */
struct dsng__ehlo_node;
struct dsng__ehlo_set {
	struct dsng__ehlo_node *node; /* talloc array; [0] is the root */
	size_t n, cap;
};

/* An empty set for words of max_bytes bytes in all, its nodes on mem;
 * 0, or -1 when out of memory. */
int dsng__ehlo_set_init(struct dsng__ehlo_set *s, TALLOC_CTX *mem,
                        size_t max_bytes);
/* Release the nodes (the set is empty and unusable afterwards). */
void dsng__ehlo_set_free(struct dsng__ehlo_set *s);
/* Add p[0..len): 1 when it is new, 0 when it was there, -1 when the set
 * would outgrow the bytes init was given. */
int dsng__ehlo_set_add(struct dsng__ehlo_set *s, const char *p, size_t len);
/* Whether p[0..len) is in the set. */
bool dsng__ehlo_set_has(const struct dsng__ehlo_set *s, const char *p,
                        size_t len);

#endif /* DSNG_EHLO_INT_H */
