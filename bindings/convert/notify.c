/*
 * bindings/convert/notify.c - NOTIFY bits as a list of keywords, for the
 * CLI's JSON and both bindings.  The words and their order
 * (NEVER,SUCCESS,FAILURE,DELAY) come from the library's one writer,
 * dsng_notify_format, so no caller keeps a table of its own.
 */
#include <string.h>

#include "walk.h"

void *dsngb_notify_list(const struct dsngb_builder *b, unsigned bits)
{
	char text[DSNG_NOTIFY_TEXT_MAX];
	void *list = b->list_new();
	size_t len = dsng_notify_format(text, sizeof(text), bits), i = 0;

	if (len >= sizeof(text))
		len = sizeof(text) - 1;
	while (i < len) {
		const char *comma = memchr(text + i, ',', len - i);
		size_t n = comma ? (size_t)(comma - (text + i)) : len - i;

		b->list_push(list, b->str(text + i, n));
		i += n + 1;
	}
	return list;
}
