/*
 * bindings/convert/ehlo.c - a parsed EHLO reply as builder values, with
 * the keys of `dsnguard parse-ehlo --json`, written once for the CLI and
 * every language.
 */
#include <string.h>

#include "walk.h"

/* Key of a known keyword: lower case, '-' as '_' ("mt_priority"). */
static void kw_key(char *dst, size_t size, const char *name)
{
	size_t i;

	for (i = 0; name[i] && i + 1 < size; i++) {
		char c = name[i];
		dst[i] = c == '-'                 ? '_'
		         : (c >= 'A' && c <= 'Z') ? (char)(c + 32)
		                                  : c;
	}
	dst[i] = '\0';
}

void dsngb_ehlo_fill(const struct dsngb_builder *b, void *m,
                     const struct dsng_ehlo *c)
{
	void *caps = b->list_new(), *auth = b->list_new();
	char key[32];
	size_t i, j;
	int k;

	b->map_set(m, "code", b->integer(c->code));
	b->map_set(m, "domain", dsngb_cstr(b, c->domain));
	b->map_set(m, "greeting", dsngb_cstr(b, c->greeting));
	for (i = 0; i < c->n_caps; i++) {
		const struct dsng_ehlo_cap *cap = c->caps[i];
		void *e = b->map_new(), *params = b->list_new();

		b->map_set(e, "keyword", dsngb_cstr(b, cap->keyword));
		for (j = 0; j < cap->n_params; j++)
			b->list_push(params, dsngb_cstr(b, cap->params[j]));
		b->map_set(e, "params", params);
		if (cap->legacy_auth)
			b->map_set(e, "legacy", b->boolean(1));
		b->list_push(caps, e);
	}
	b->map_set(m, "capabilities", caps);
	for (k = 1; k < DSNG_EHLO_KW__COUNT; k++) {
		const char *name = dsng_ehlo_kw_name((enum dsng_ehlo_kw)k);

		if (!name)
			continue;
		kw_key(key, sizeof(key), name);
		b->map_set(m, key,
		           b->boolean(!!(c->flags & DSNG_EHLO_FLAG(k))));
	}
	b->map_set(m, "size",
	           (c->flags & DSNG_EHLO_F_SIZE) ? b->uinteger(c->size)
	                                         : b->none());
	for (i = 0; i < c->n_auth; i++)
		b->list_push(auth, dsngb_cstr(b, c->auth[i]));
	b->map_set(m, "auth_mechanisms", auth);
	b->map_set(m, "deliverby_min",
	           (c->flags & DSNG_EHLO_F_DELIVERBY)
	                   ? b->integer(c->deliverby_min)
	                   : b->none());
	b->map_set(m, "mt_priority_profile",
	           dsngb_cstr(b, c->mt_priority_profile));
	b->map_set(m, "futurerelease_max_interval",
	           (c->flags & DSNG_EHLO_F_FUTURERELEASE)
	                   ? b->uinteger(c->futurerelease_max_interval)
	                   : b->none());
	b->map_set(m, "futurerelease_max_datetime",
	           dsngb_cstr(b, c->futurerelease_max_datetime));
}

size_t dsngb_trim_blank_tail(const char *buf, size_t len)
{
	while (len >= 2 && buf[len - 1] == '\n' &&
	       (buf[len - 2] == '\n' ||
	        (len >= 3 && buf[len - 2] == '\r' && buf[len - 3] == '\n')))
		len -= buf[len - 2] == '\r' ? 2 : 1;
	return len;
}
