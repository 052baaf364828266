/*
 * lib/ehlo_set.c - the set of words an EHLO parse or write keeps: AUTH
 * mechanisms seen so far, keywords to hide.  Words come from the server
 * (or a long hide list), so the set must cost the same whatever they are:
 * a hash table keyed without a secret can be flooded with colliding
 * words, so this is a trie over the bytes instead.  Each node lists its
 * children as a chain of siblings; a chain holds at most one node per
 * distinct byte value, so adding or finding a word of n bytes costs at
 * most 256 * n steps (68 * n for EHLO parameters, %d33-126 folded), and
 * a set built from N bytes costs O(N) however the words are chosen.  The
 * nodes are one array, sized once from the bytes the caller will add.
 */
#include <string.h>

#include "dsng_private.h"
#include "ehlo_int.h"

#define NIL UINT32_MAX

struct dsng__ehlo_node {
	uint32_t child;   /* first child, or NIL */
	uint32_t sibling; /* next child of the same parent, or NIL */
	unsigned char c;  /* the byte leading here from the parent */
	bool end;         /* a word ends here */
};

static unsigned char fold(unsigned char c)
{
	return (c >= 'a' && c <= 'z') ? (unsigned char)(c - 32) : c;
}

int dsng__ehlo_set_init(struct dsng__ehlo_set *s, TALLOC_CTX *mem,
                        size_t max_bytes)
{
	memset(s, 0, sizeof(*s));
	/* one node per byte added at most, plus the root */
	if (max_bytes >= NIL)
		return -1;
	s->node = talloc_array(mem, struct dsng__ehlo_node, max_bytes + 1);
	if (!s->node)
		return -1;
	s->cap = max_bytes + 1;
	s->n = 1;
	s->node[0].child = NIL;
	s->node[0].sibling = NIL;
	s->node[0].c = 0;
	s->node[0].end = false;
	return 0;
}

void dsng__ehlo_set_free(struct dsng__ehlo_set *s)
{
	talloc_free(s->node);
	memset(s, 0, sizeof(*s));
}

/* The child of node `at` reached by byte c, or NIL. */
static uint32_t child(const struct dsng__ehlo_set *s, uint32_t at,
                      unsigned char c)
{
	uint32_t k;

	for (k = s->node[at].child; k != NIL; k = s->node[k].sibling)
		if (s->node[k].c == c)
			return k;
	return NIL;
}

int dsng__ehlo_set_add(struct dsng__ehlo_set *s, const char *p, size_t len)
{
	uint32_t at = 0, k;
	size_t i;

	if (!s->node)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned char c = fold((unsigned char)p[i]);

		k = child(s, at, c);
		if (k == NIL) {
			/* more bytes than dsng__ehlo_set_init was told */
			if (s->n >= s->cap)
				return -1;
			k = (uint32_t)s->n++;
			s->node[k].child = NIL;
			s->node[k].sibling = s->node[at].child;
			s->node[k].c = c;
			s->node[k].end = false;
			s->node[at].child = k;
		}
		at = k;
	}
	if (s->node[at].end)
		return 0;
	s->node[at].end = true;
	return 1;
}

bool dsng__ehlo_set_has(const struct dsng__ehlo_set *s, const char *p,
                        size_t len)
{
	uint32_t at = 0;
	size_t i;

	if (!s->node)
		return false;
	for (i = 0; i < len && at != NIL; i++)
		at = child(s, at, fold((unsigned char)p[i]));
	return at != NIL && s->node[at].end;
}
