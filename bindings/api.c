/*
 * bindings/api.c - the functions scripts call (api.h): parse with the
 * library, then build the language's values with the shared walks.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"

/* The error a failed malloc gives, in the library's shape. */
static void *nomem(struct dsng_error *err)
{
	err->rc = DSNG_ENOMEM;
	err->kind = DSNG_ERR_NOMEM;
	strcpy(err->message, "out of memory");
	return NULL;
}

const char *version(void)
{
	return dsng_version();
}

dsngb_result parse_cmd(const char *buf, size_t len, int strict,
                       struct dsng_error *err)
{
	struct dsng_cmd *c = malloc(sizeof(*c));
	struct dsng_cmd_opts opts;
	char small[1024], *canonical = small;
	size_t need;
	void *res = NULL;

	if (!c)
		return nomem(err);
	dsng_cmd_init(c, DSNG_CMD_VERSION);
	dsng_cmd_opts_init(&opts, DSNG_CMD_OPTS_VERSION);
	if (strict)
		opts.flags |= DSNG_CMD_STRICT;
	if (dsng_cmd_parse(c, buf, len, &opts, err) == DSNG_OK) {
		need = dsng_cmd_format_buf(small, sizeof(small), c);
		if (need >= sizeof(small)) {
			canonical = malloc(need + 1);
			if (canonical)
				dsng_cmd_format_buf(canonical, need + 1, c);
		}
		res = dsngb_native.map_new();
		dsngb_cmd_fill(&dsngb_native, res, c, canonical);
		if (canonical != small)
			free(canonical);
	}
	free(c);
	return res;
}

dsngb_result parse_report(const char *buf, size_t len, struct dsng_error *err)
{
	struct dsng_report *r = NULL;
	void *res;

	if (dsng_report_parse(NULL, &r, buf, len, NULL, err) != DSNG_OK)
		return NULL;
	res = dsngb_native.map_new();
	dsngb_report_fill(&dsngb_native, res, r);
	talloc_free(r);
	return res;
}

dsngb_result parse_ehlo(const char *buf, size_t len, struct dsng_error *err)
{
	struct dsng_ehlo *c = NULL;
	void *res;

	len = dsngb_trim_blank_tail(buf, len);
	if (dsng_ehlo_parse(NULL, &c, buf, len, NULL, err) != DSNG_OK)
		return NULL;
	res = dsngb_native.map_new();
	dsngb_ehlo_fill(&dsngb_native, res, c);
	talloc_free(c);
	return res;
}

dsngb_result xtext_encode(const char *buf, size_t len)
{
	size_t need = dsng_xtext_encode_buf(NULL, 0, buf, len);
	char *out = malloc(need + 1);
	void *res;

	if (!out)
		return NULL;
	dsng_xtext_encode_buf(out, need + 1, buf, len);
	res = dsngb_native.str(out, need);
	free(out);
	return res;
}

dsngb_result xtext_decode(const char *buf, size_t len, int lenient,
                          struct dsng_error *err)
{
	/* a decoded value is never longer than its encoded form */
	char *out = malloc(len + 1);
	size_t n = 0;
	void *res = NULL;

	if (!out)
		return nomem(err);
	if (dsng_xtext_decode(out, len + 1, &n, buf, len,
	                      lenient ? DSNG_XTEXT_LOWER_HEX : 0, NULL,
	                      err) == DSNG_OK)
		res = dsngb_native.str(out, n);
	free(out);
	return res;
}
