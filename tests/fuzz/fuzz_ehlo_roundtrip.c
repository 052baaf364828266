/*
 * tests/fuzz/fuzz_ehlo_roundtrip.c - a property of the EHLO writer: for
 * every reply that parses, parse -> dsng_ehlo_format -> parse gives the
 * same capability set (domain, greeting, every capability with its
 * parameters, every decoded value), and the written text is a fixed
 * point (writing the reparsed set gives the same bytes).  The same holds
 * for the verbatim writer, and with keywords hidden the reparsed set is
 * the original one without them, in order.
 */
#include <stdlib.h>
#include <string.h>

#include <dsnguard/dsnguard.h>

#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static int str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static int same_cap(const struct dsng_ehlo_cap *a,
                    const struct dsng_ehlo_cap *b)
{
	size_t i;

	if (a->kw != b->kw || !str_eq(a->keyword, b->keyword) ||
	    a->n_params != b->n_params || a->legacy_auth != b->legacy_auth)
		return 0;
	for (i = 0; i < a->n_params; i++)
		if (!str_eq(a->params[i], b->params[i]))
			return 0;
	return 1;
}

static int hidden(const struct dsng_ehlo_cap *c, uint32_t hide)
{
	return c->kw != DSNG_EHLO_KW_OTHER && (hide & DSNG_EHLO_FLAG(c->kw));
}

/* b is a with the hidden capabilities left out; every decoded value is
 * compared when nothing is hidden. */
static int same_set(const struct dsng_ehlo *a, const struct dsng_ehlo *b,
                    uint32_t hide)
{
	size_t i, j = 0;

	if (!str_eq(a->domain, b->domain) || !str_eq(a->greeting, b->greeting))
		return 0;
	for (i = 0; i < a->n_caps; i++) {
		if (hidden(a->caps[i], hide))
			continue;
		if (j >= b->n_caps || !same_cap(a->caps[i], b->caps[j]))
			return 0;
		j++;
	}
	if (j != b->n_caps)
		return 0;
	if (hide)
		return (b->flags & hide) == 0;
	if (a->flags != b->flags || a->size != b->size ||
	    a->n_auth != b->n_auth || a->deliverby_min != b->deliverby_min ||
	    !str_eq(a->mt_priority_profile, b->mt_priority_profile) ||
	    a->futurerelease_max_interval != b->futurerelease_max_interval ||
	    !str_eq(a->futurerelease_max_datetime,
	            b->futurerelease_max_datetime))
		return 0;
	for (i = 0; i < a->n_auth; i++)
		if (!str_eq(a->auth[i], b->auth[i]))
			return 0;
	return 1;
}

/* Write c with flags and hide, parse it back, compare, and check that
 * writing the result again gives the same text. */
static void round_trip(void *mem, const struct dsng_ehlo *c, uint32_t hide,
                       unsigned flags)
{
	struct dsng_error err = DSNG_ERROR_INIT;
	struct dsng_ehlo *c2 = NULL;
	char *s, *s2;

	s = dsng_ehlo_format(mem, c, hide, NULL, flags);
	if (!s || dsng_ehlo_parse(mem, &c2, s, strlen(s), NULL, &err) != 0)
		abort();
	if (!same_set(c, c2, hide))
		abort();
	s2 = dsng_ehlo_format(mem, c2, 0, NULL, flags);
	if (!s2 || strcmp(s, s2) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct dsng_ehlo *c = NULL;
	struct dsng_error err = DSNG_ERROR_INIT;
	char *buf;
	void *mem;
	uint32_t hide;

	if (size < 1)
		return 0;
	/* the first byte picks the keywords to hide, every 8th bit */
	hide = ((uint32_t)data[0] * 0x01010101u) &
	       ~DSNG_EHLO_FLAG(DSNG_EHLO_KW_OTHER);
	buf = fuzz_copy(data + 1, size - 1);
	mem = talloc_new(NULL);
	if (!mem)
		abort();
	if (dsng_ehlo_parse(mem, &c, buf, size - 1, NULL, &err) == 0) {
		round_trip(mem, c, 0, 0);
		round_trip(mem, c, 0, DSNG_EHLO_FORMAT_VERBATIM);
		round_trip(mem, c, hide, 0);
		round_trip(mem, c, hide, DSNG_EHLO_FORMAT_VERBATIM);
	}
	talloc_free(mem);
	free(buf);
	return 0;
}
