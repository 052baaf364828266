/*
 * tests/fuzz/fuzz_addr.c - dsng_addr_parse and dsng_addr_check_domain;
 * the first octet picks the flags.  Every span must lie in the input.
 */
#include <stdlib.h>
#include <string.h>

#include "dsnguard/dsnguard.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void inside(struct dsng_span s, const char *buf, size_t size)
{
	if (s.len && (s.ptr < buf || s.ptr + s.len > buf + size))
		abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct dsng_path p;
	struct dsng_error err = DSNG_ERROR_INIT;
	unsigned flags, lax = 0;
	char *buf;

	if (size < 1)
		return 0;
	flags = data[0] & 7;
	size--;
	buf = fuzz_copy(data + 1, size);
	if (dsng_addr_parse(&p, buf, size, flags, &lax, &err) == DSNG_OK) {
		inside(p.raw, buf, size);
		inside(p.mailbox, buf, size);
		inside(p.local, buf, size);
		inside(p.domain, buf, size);
		inside(p.route, buf, size);
		if (p.local.len > 255 || p.domain.len > 255 ||
		    ((flags & DSNG_ADDR_STRICT) && (p.local.len > 64 || lax)))
			abort();
		if (p.has_utf8 && !(flags & DSNG_ADDR_UTF8))
			abort();
	} else if (err.offset > size) {
		abort();
	}
	(void)dsng_addr_check_domain(buf, size, flags, &err);
	free(buf);
	return 0;
}
