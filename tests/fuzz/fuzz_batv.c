/*
 * tests/fuzz/fuzz_batv.c - BATV on arbitrary bytes: the input is an
 * address to parse, verify (several times, flags and clock from the first
 * byte), strip and sign, and also a key to parse.  Everything is freed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dsnguard/dsnguard.h>

#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct dsng_batv_key keys[3] = {
	        {0, (const unsigned char *)"secret", 6},
	        {3, (const unsigned char *)"rotated", 7},
	        {0, (const unsigned char *)"\0\1\2", 3},
	};
	struct dsng_batv_opts o;
	struct dsng_batv_verdict v = DSNG_BATV_VERDICT_INIT;
	struct dsng_batv_tag t;
	struct dsng_batv_key k;
	TALLOC_CTX *mem;
	char *buf, *out;
	unsigned ctl;
	time_t now;

	if (size < 1)
		return 0;
	ctl = data[0];
	data++;
	size--;
	buf = fuzz_copy(data, size);
	mem = talloc_new(NULL);
	dsng_batv_opts_init(&o, DSNG_BATV_OPTS_VERSION);
	o.keys = keys;
	o.n_keys = 3;
	o.flags = ctl & 3;
	o.days = 1 + (ctl >> 2);
	o.sign_key = (ctl & 4) ? 3 : 0;
	now = (time_t)1764374400 + (time_t)(ctl * 86400) - 100 * 86400;

	dsng_batv_parse(&t, buf, size, o.flags, NULL);
	dsng_batv_verify(&v, buf, size, now, &o, NULL);
	if (v.result != DSNG_BATV_NOT_TAGGED &&
	    v.result != DSNG_BATV_MALFORMED && v.tag.local.ptr)
		(void)(v.tag.local.ptr[0] + v.tag.tag_val.ptr[9]);
	if (dsng_batv_strip(mem, &out, buf, size, NULL) == 0)
		talloc_free(out);
	if (dsng_batv_sign(mem, &out, buf, size, now, &o, NULL) == 0) {
		/* what sign makes, verify accepts */
		if (dsng_batv_verify(&v, out, strlen(out), now, &o, NULL) !=
		            0 &&
		    !memchr(buf, 0, size))
			abort();
		talloc_free(out);
	}
	if (dsng_batv_key_parse(mem, &k, buf, size, ctl % 10, NULL) == 0)
		talloc_free((void *)k.secret);
	talloc_free(mem);
	free(buf);
	return 0;
}
