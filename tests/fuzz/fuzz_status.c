/*
 * tests/fuzz/fuzz_status.c - enhanced status codes: parse, prefix, find
 * and describe, checked against each other.
 */
#include <stdlib.h>
#include <string.h>

#include <dsnguard/dsnguard.h>

#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct dsng_status_code c, c2;
	struct dsng_error err = DSNG_ERROR_INIT;
	char *buf = fuzz_copy(data, size);
	size_t off = 0, n;

	if (dsng_status_parse(buf, size, &c, &err) == 0) {
		/* the canonical text parses back to the same numbers */
		if (dsng_status_parse(c.str, strlen(c.str), &c2, &err) ||
		    c2.cls != c.cls || c2.subject != c.subject ||
		    c2.detail != c.detail)
			abort();
		if (dsng_status_prefix(buf, size, &c2) != size)
			abort();
		if (dsng_status_find(buf, size, &c2, &off) || off != 0)
			abort();
		if (!dsng_status_describe(&c))
			abort();
	} else if (err.offset > size) {
		abort();
	}
	n = dsng_status_prefix(buf, size, &c);
	if (n > size)
		abort();
	if (dsng_status_find(buf, size, &c, &off) == 0) {
		/* a found code starts with its class digit, inside the input */
		if (off >= size || buf[off] != (char)('0' + c.cls))
			abort();
		if (!dsng_status_describe(&c) ||
		    !dsng_status_subject_name(c.subject))
			abort();
	}
	free(buf);
	return 0;
}
