/*
 * lib/report_build_returned.c - what of the original message goes back
 * with the report: its header block, or the whole message, cut at a line
 * (for headers, a field) boundary beyond max_returned, and nothing at all
 * of a message that no reader could take back safely.
 */
#include <string.h>

#include "report_build_int.h"

/* One pass over the lines of p[0..len): where the header block ends, and
 * whether each half is fit to be copied into a report line by line. */
struct scan {
	size_t header_end; /* first octet after the header block's last line */
	size_t body_start; /* after the blank line (== header_end if none) */
	bool header_fit, body_fit;
	bool header_utf8, body_8bit;
};

static void scan_lines(const char *p, size_t len, struct scan *sc)
{
	size_t i = 0;
	bool in_header = true;

	memset(sc, 0, sizeof(*sc));
	sc->header_fit = sc->body_fit = true;
	sc->header_end = sc->body_start = len;
	while (i < len) {
		const char *nl = memchr(p + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - p) : len, n = end - i;
		size_t next = nl ? end + 1 : len;
		bool fit = true;

		if (n && p[end - 1] == '\r')
			n--;
		/* NUL, bare CR, or a line no reader has to take */
		if (n > 998 || memchr(p + i, 0, n) || memchr(p + i, '\r', n))
			fit = false;
		if (in_header) {
			if (n == 0) {
				sc->header_end = i;
				sc->body_start = next;
				in_header = false;
				i = next;
				continue;
			}
			if (!fit)
				sc->header_fit = false;
			if (dsng__rb_has_8bit(p + i, n)) {
				if (dsng__rb_utf8_ok(p + i, n))
					sc->header_utf8 = true;
				else
					sc->header_fit = false;
			}
		} else {
			if (!fit)
				sc->body_fit = false;
			if (dsng__rb_has_8bit(p + i, n))
				sc->body_8bit = true;
		}
		i = next;
	}
}

/* The end of the last whole header field within [0, limit) of the block
 * [0, hend): a field ends where a line not starting with white space
 * begins.  0 when the first field alone is longer. */
static size_t field_cut(const char *p, size_t hend, size_t limit)
{
	size_t i = 0, best = 0;

	if (hend <= limit)
		return hend;
	while (i < hend) {
		const char *nl = memchr(p + i, '\n', hend - i);
		size_t next = nl ? (size_t)(nl - p) + 1 : hend;

		if (next > limit)
			break;
		if (next >= hend || (p[next] != ' ' && p[next] != '\t'))
			best = next;
		i = next;
	}
	return best;
}

/* The end of the last whole line within [0, limit). */
static size_t line_cut(const char *p, size_t len, size_t limit)
{
	size_t i;

	if (len <= limit)
		return len;
	for (i = limit; i > 0; i--)
		if (p[i - 1] == '\n')
			return i;
	return 0;
}

int dsng__rb_returned_plan(struct dsng__rb *rb, bool want_full,
                           struct dsng__rb_returned *rt)
{
	const char *p = rb->original;
	size_t len = rb->original_len, max = rb->opts.max_returned;
	struct dsng_mime_header *h = NULL;
	struct scan sc;
	size_t body = 0;

	memset(rt, 0, sizeof(*rt));
	if (!p)
		return DSNG_OK;
	rt->omitted = true;
	if (!len) {
		rt->why = "the message was empty";
		return DSNG_OK;
	}
	scan_lines(p, len, &sc);
	/* Whatever is returned must read back as a header block under the
	 * MIME reader's default limits (the report parser's), with fields. */
	if (!sc.header_fit ||
	    dsng_mime_header_parse(rb->tmp, &h, &body, p, sc.header_end, NULL,
	                           NULL) != DSNG_OK ||
	    !h->n_fields || body < sc.header_end) {
		talloc_free(h);
		rt->why = "its header block cannot be returned as it is (not "
		          "a header block, a NUL, a bare CR, a line over 998 "
		          "octets, 8-bit text that is not UTF-8, or too large)";
		return DSNG_OK;
	}
	talloc_free(h);
	rt->utf8 = sc.header_utf8;
	rt->header_len = sc.header_end;
	if (max == 0) {
		rt->why = "returning content is switched off (max_returned 0)";
		return DSNG_OK;
	}
	if (want_full && !sc.body_fit) {
		rt->body_unfit = true;
		want_full = false;
	}
	if (want_full && sc.header_end < len && sc.body_start <= max) {
		rt->full = true;
		rt->cut = line_cut(p, len, max);
		if (rt->cut < sc.body_start)
			rt->cut = sc.body_start;
		rt->truncated = rt->cut < len;
		rt->eight_bit =
		        rt->utf8 || (sc.body_8bit && rt->cut > sc.body_start);
	} else if (want_full && sc.header_end >= len && len <= max) {
		/* a message of headers only is returned whole */
		rt->full = true;
		rt->cut = len;
		rt->eight_bit = rt->utf8;
	} else {
		rt->cut = field_cut(p, sc.header_end, max);
		rt->truncated =
		        rt->cut < sc.header_end || (want_full && !rt->full);
		rt->eight_bit = rt->utf8;
	}
	if (!rt->cut) {
		rt->why = "its first header field alone is longer than "
		          "max_returned";
		rt->truncated = false;
		return DSNG_OK;
	}
	rt->present = true;
	rt->omitted = false;
	return DSNG_OK;
}

void dsng__rb_returned_write(const struct dsng__rb *rb,
                             const struct dsng__rb_returned *rt,
                             struct dsng__rb_buf *b)
{
	const char *p = rb->original;
	size_t i = 0, end = rt->cut;

	while (i < end) {
		const char *nl = memchr(p + i, '\n', end - i);
		size_t e = nl ? (size_t)(nl - p) : end, n = e - i;

		if (n && p[e - 1] == '\r')
			n--;
		dsng__rb_put(b, p + i, n);
		dsng__rb_eol(b);
		i = nl ? e + 1 : end;
	}
	/* text/rfc822-headers is a header block: it ends with a blank line */
	if (!rt->full)
		dsng__rb_eol(b);
}
