/*
 * lib/ehlo_format.c - write an EHLO reply back with keywords hidden.
 *
 * The final-line marker belongs to whichever line is written last, so the
 * kept lines are chosen first and the "250 " decided while writing, never
 * patched afterwards: hiding the server's last keyword (often HELP or DSN)
 * then moves the marker to the line before it.
 */
#include <string.h>

#include "dsng_private.h"
#include "ehlo_int.h"
#include "reply_int.h"

/* What decides whether a capability is hidden: the mask, and the hide
 * list as a set (ehlo_set.c), so N capabilities against M keywords cost
 * O(N + M) bytes of work, not N * M comparisons. */
struct hide {
	uint32_t mask;
	struct dsng__ehlo_set words;
	bool any_words;
};

static int hide_init(struct hide *h, TALLOC_CTX *tmp, uint32_t mask,
                     const char *const *keywords)
{
	size_t i, bytes = 0;

	memset(h, 0, sizeof(*h));
	h->mask = mask;
	for (i = 0; keywords && keywords[i]; i++)
		bytes += strlen(keywords[i]);
	if (!keywords || !keywords[0])
		return 0;
	if (dsng__ehlo_set_init(&h->words, tmp, bytes) < 0)
		return -1;
	for (i = 0; keywords[i]; i++)
		if (dsng__ehlo_set_add(&h->words, keywords[i],
		                       strlen(keywords[i])) < 0)
			return -1;
	h->any_words = true;
	return 0;
}

static bool hidden(const struct dsng_ehlo_cap *cap, const struct hide *h)
{
	if (cap->removed)
		return true;
	if (cap->kw != DSNG_EHLO_KW_OTHER &&
	    (h->mask & DSNG_EHLO_FLAG(cap->kw)))
		return true;
	return h->any_words && cap->keyword &&
	       dsng__ehlo_set_has(&h->words, cap->keyword,
	                          strlen(cap->keyword));
}

/* Length of the canonical text of a line: "KEYWORD p1 p2", "AUTH=p1 p2"
 * or "AUTH=". */
static size_t canonical_len(const struct dsng_ehlo_cap *cap)
{
	size_t i, n = strlen(cap->keyword);

	for (i = 0; i < cap->n_params; i++)
		n += 1 + strlen(cap->params[i]);
	if (cap->legacy_auth && cap->n_params == 0)
		n++;
	return n;
}

/* Write it at dst (canonical_len octets, no NUL). */
static void canonical_write(char *dst, const struct dsng_ehlo_cap *cap)
{
	size_t i, n = strlen(cap->keyword);

	memcpy(dst, cap->keyword, n);
	dst += n;
	for (i = 0; i < cap->n_params; i++) {
		n = strlen(cap->params[i]);
		*dst++ = (i == 0 && cap->legacy_auth) ? '=' : ' ';
		memcpy(dst, cap->params[i], n);
		dst += n;
	}
	if (cap->legacy_auth && cap->n_params == 0)
		*dst = '=';
}

/* Whether the caps still have the reply they were parsed from, with the
 * line a capability points at. */
static int have_lines(const struct dsng_ehlo *caps)
{
	size_t i;

	if (!caps->reply || caps->reply->n_lines == 0)
		return 0;
	for (i = 0; i < caps->n_caps; i++)
		if (caps->caps[i]->line >= caps->reply->n_lines)
			return 0;
	return 1;
}

/*
 * Two passes over the kept lines: the first measures each one (and the
 * longest canonical text, for one scratch buffer), the second writes
 * into the result allocated once, so the cost is linear in the output.
 */
char *dsng_ehlo_format(TALLOC_CTX *mem, const struct dsng_ehlo *caps,
                       uint32_t hide, const char *const *hide_keywords,
                       unsigned flags)
{
	int verbatim =
	        (flags & DSNG_EHLO_FORMAT_VERBATIM) && caps && have_lines(caps);
	TALLOC_CTX *tmp;
	struct hide h;
	bool *kept;
	char *head, *scratch = NULL, *result = NULL, *p;
	size_t i, last = 0, n_kept = 0, head_len, need, n, longest = 0;
	int code;

	if (!caps || !caps->domain)
		return NULL;
	tmp = talloc_new(NULL);
	if (!tmp)
		return NULL;
	code = caps->code ? caps->code : 250;
	kept = talloc_zero_array(tmp, bool, caps->n_caps ? caps->n_caps : 1);
	if (!kept || hide_init(&h, tmp, hide, hide_keywords) < 0)
		goto done;
	for (i = 0; i < caps->n_caps; i++)
		if (!hidden(caps->caps[i], &h)) {
			kept[i] = true;
			last = i;
			n_kept++;
		}

	if (verbatim)
		head = talloc_strdup(tmp, caps->reply->lines[0]->text);
	else if (caps->greeting && *caps->greeting)
		head = talloc_asprintf(tmp, "%s %s", caps->domain,
		                       caps->greeting);
	else
		head = talloc_strdup(tmp, caps->domain);
	if (!head)
		goto done;
	head_len = strlen(head);
	need = 1 + dsng__reply_line_size(code, n_kept == 0, head_len);
	for (i = 0; i < caps->n_caps; i++) {
		const struct dsng_ehlo_cap *cap = caps->caps[i];

		if (!kept[i])
			continue;
		if (verbatim) {
			n = caps->reply->lines[cap->line]->text_len;
		} else {
			n = canonical_len(cap);
			if (n > longest)
				longest = n;
		}
		need += dsng__reply_line_size(code, i == last, n);
	}
	if (!verbatim && !(scratch = talloc_size(tmp, longest + 1)))
		goto done;
	result = talloc_size(mem, need);
	if (!result)
		goto done;
	p = dsng__reply_line_write(result, code, n_kept == 0, head, head_len);
	for (i = 0; i < caps->n_caps; i++) {
		const struct dsng_ehlo_cap *cap = caps->caps[i];
		const struct dsng_reply_line *l;

		if (!kept[i])
			continue;
		if (verbatim) {
			l = caps->reply->lines[cap->line];
			p = dsng__reply_line_write(p, code, i == last, l->text,
			                           l->text_len);
		} else {
			n = canonical_len(cap);
			canonical_write(scratch, cap);
			p = dsng__reply_line_write(p, code, i == last, scratch,
			                           n);
		}
	}
	*p = '\0';
done:
	talloc_free(tmp);
	return result;
}

int dsng_ehlo_hide(TALLOC_CTX *mem, char **out, size_t *out_len,
                   const char *buf, size_t len, uint32_t hide,
                   const char *const *hide_keywords,
                   const struct dsng_reply_opts *opts, struct dsng_error *err)
{
	struct dsng_ehlo *caps = NULL;
	char *s;
	int rc;

	if (out)
		*out = NULL;
	if (out_len)
		*out_len = 0;
	if (!out)
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "NULL argument");
	rc = dsng_ehlo_parse(NULL, &caps, buf, len, opts, err);
	if (rc)
		return rc;
	s = dsng_ehlo_format(mem, caps, hide, hide_keywords,
	                     DSNG_EHLO_FORMAT_VERBATIM);
	talloc_free(caps);
	if (!s)
		return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
		                  "out of memory");
	*out = s;
	if (out_len)
		*out_len = strlen(s);
	return DSNG_OK;
}
