/*
 * bindings/convert/reply.c - a parsed server reply and an enhanced status
 * code as builder values (see walk.h).
 */
#include <string.h>

#include "walk.h"

void dsngb_status_fill(const struct dsngb_builder *b, void *m,
                       const struct dsng_status_code *c)
{
	const char *reg = dsng_status_registered(c->subject, c->detail);

	b->map_set(m, "code", dsngb_cstr(b, c->str));
	b->map_set(m, "class", b->integer(c->cls));
	b->map_set(m, "subject", b->integer(c->subject));
	b->map_set(m, "detail", b->integer(c->detail));
	b->map_set(m, "class_name",
	           dsngb_cstr(b, dsng_status_class_name(c->cls)));
	b->map_set(m, "subject_name",
	           dsngb_cstr(b, dsng_status_subject_name(c->subject)));
	b->map_set(m, "registered", b->boolean(reg != NULL));
	b->map_set(m, "description", dsngb_cstr(b, dsng_status_describe(c)));
}

void dsngb_reply_fill(const struct dsngb_builder *b, void *m,
                      const struct dsng_reply *r, const char *text)
{
	void *lines = b->list_new();
	size_t i;

	b->map_set(m, "code", b->integer(r->code));
	b->map_set(m, "enhanced",
	           r->has_enhanced ? dsngb_cstr(b, r->enhanced.str)
	                           : b->none());
	for (i = 0; i < r->n_lines; i++) {
		const struct dsng_reply_line *l = r->lines[i];
		void *o = b->map_new();

		b->map_set(o, "text", b->str(l->text, l->text_len));
		b->map_set(o, "message",
		           dsngb_cstr(b, l->msg ? l->msg : l->text));
		b->map_set(o, "enhanced",
		           l->has_enhanced ? dsngb_cstr(b, l->enhanced.str)
		                           : b->none());
		b->map_set(o, "offset", b->uinteger(l->offset));
		b->list_push(lines, o);
	}
	b->map_set(m, "lines", lines);
	b->map_set(m, "text", dsngb_cstr(b, text));
	b->map_set(m, "length", b->uinteger(r->length));
	b->map_set(m, "unterminated", b->boolean(r->unterminated));
}
