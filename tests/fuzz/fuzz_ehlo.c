/*
 * tests/fuzz/fuzz_ehlo.c - EHLO replies: parse, write back (canonical and
 * verbatim, with keywords hidden) and parse the result again.
 */
#include <stdlib.h>
#include <string.h>

#include <dsnguard/dsnguard.h>

#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static const char *const hide_names[] = {"dsn", "X-UNKNOWN", NULL};

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct dsng_ehlo *c = NULL, *c2 = NULL;
	struct dsng_error err = DSNG_ERROR_INIT;
	char *buf = fuzz_copy(data, size), *s, *raw = NULL;
	size_t raw_len = 0, i;
	void *mem = talloc_new(NULL);
	uint32_t hide;

	if (!mem)
		abort();
	hide = size ? (uint32_t)data[0] * 0x01010101u : 0;
	if (dsng_ehlo_parse(mem, &c, buf, size, NULL, &err) == 0) {
		if (c->code != 250 || !c->domain || !c->greeting)
			abort();
		for (i = 0; i < c->n_caps; i++)
			(void)dsng_ehlo_has(c, c->caps[i]->keyword);
		/* canonical lines are never longer than what was parsed */
		s = dsng_ehlo_format(mem, c, 0, NULL, 0);
		if (!s || dsng_ehlo_parse(mem, &c2, s, strlen(s), NULL, &err))
			abort();
		if (c2->n_caps != c->n_caps || c2->flags != c->flags ||
		    c2->size != c->size || c2->n_auth != c->n_auth)
			abort();
		s = dsng_ehlo_format(mem, c, hide, hide_names,
		                     DSNG_EHLO_FORMAT_VERBATIM);
		if (!s || dsng_ehlo_parse(mem, &c2, s, strlen(s), NULL, &err))
			abort();
		if (c2->flags & hide & ~DSNG_EHLO_FLAG(DSNG_EHLO_KW_OTHER))
			abort();
		if (dsng_ehlo_hide(mem, &raw, &raw_len, buf, size, hide,
		                   hide_names, NULL, &err) ||
		    raw_len != strlen(raw))
			abort();
	} else if (c) {
		abort();
	}
	talloc_free(mem);
	free(buf);
	return 0;
}
