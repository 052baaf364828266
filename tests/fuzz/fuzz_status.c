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

	if (dsng_status_parse(&c, buf, size, &err) == 0) {
		/* the canonical text parses back to the same numbers */
		if (dsng_status_parse(&c2, c.str, strlen(c.str), &err) ||
		    c2.cls != c.cls || c2.subject != c.subject ||
		    c2.detail != c.detail)
			abort();
		if (dsng_status_prefix(&c2, buf, size) != size)
			abort();
		if (dsng_status_find(&c2, &off, buf, size) || off != 0)
			abort();
		if (!dsng_status_describe(&c))
			abort();
	} else if (err.offset > size) {
		abort();
	}
	n = dsng_status_prefix(&c, buf, size);
	if (n > size)
		abort();
	if (dsng_status_find(&c, &off, buf, size) == 0) {
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
