/*
 * tests/fuzz/fuzz_mime.c - the MIME reader: parse, decode every part,
 * open embedded messages, decode encoded words in every header value.
 */
#include <stdlib.h>
#include <string.h>

#include <talloc.h>

#include "dsnguard/dsnguard.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size);
	TALLOC_CTX *mem = talloc_new(NULL);
	struct dsng_mime_message *m;
	struct dsng_mime_limits lim;
	size_t i, pos = 0;
	struct dsng_span msg;

	if (!buf || !mem)
		abort();
	dsng_mime_limits_init(&lim, DSNG_MIME_LIMITS_VERSION);
	lim.max_parts = 200;
	if (dsng_mime_parse(mem, &m, buf, size, &lim, NULL) == DSNG_OK) {
		for (i = 0; i < m->n_parts; i++) {
			const struct dsng_mime_part *p = m->parts[i];
			const char *d;
			size_t n, k;
			if (dsng_mime_part_decode(mem, &d, &n, p, &lim, NULL) ==
			            DSNG_OK &&
			    n && d[n - 1] == (char)0xFF)
				(void)0;
			if (strncmp(p->type, "message/", 8) == 0) {
				struct dsng_mime_message *sub;
				if (dsng_mime_open_message(mem, &sub, m, p,
				                           &lim,
				                           NULL) == DSNG_OK)
					talloc_free(sub);
			}
			for (k = 0; k < p->header.n_fields; k++) {
				const struct dsng_mime_field *f =
				        &p->header.fields[k];
				char *u = dsng_mime_unfold(
				        mem, &n, f->value.ptr, f->value.len);
				char *w = u ? dsng_mime_decode_words(mem, u, n)
				            : NULL;
				talloc_free(w);
				talloc_free(u);
			}
		}
		talloc_free(m);
	}
	while (dsng_mime_mbox_next(&msg, &pos, buf, size))
		;
	talloc_free(mem);
	free(buf);
	return 0;
}
