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

static int hidden(const struct dsng_ehlo_cap *cap, uint32_t hide,
                  const char *const *keywords)
{
	size_t i;

	if (cap->removed)
		return 1;
	if (cap->kw != DSNG_EHLO_KW_OTHER && (hide & DSNG_EHLO_FLAG(cap->kw)))
		return 1;
	for (i = 0; keywords && keywords[i]; i++)
		if (dsng__ehlo_cap_is(cap, keywords[i]))
			return 1;
	return 0;
}

/* The canonical text of a line: "KEYWORD p1 p2", or "AUTH=p1 p2". */
static char *canonical(TALLOC_CTX *mem, const struct dsng_ehlo_cap *cap)
{
	char *s = talloc_strdup(mem, cap->keyword);
	size_t i;

	for (i = 0; s && i < cap->n_params; i++)
		s = talloc_asprintf_append_buffer(
		        s, "%s%s", (i == 0 && cap->legacy_auth) ? "=" : " ",
		        cap->params[i]);
	if (s && cap->legacy_auth && cap->n_params == 0)
		s = talloc_strdup_append_buffer(s, "=");
	return s;
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

char *dsng_ehlo_format(TALLOC_CTX *mem, const struct dsng_ehlo *caps,
                       uint32_t hide, const char *const *hide_keywords,
                       unsigned flags)
{
	int verbatim =
	        (flags & DSNG_EHLO_FORMAT_VERBATIM) && caps && have_lines(caps);
	TALLOC_CTX *tmp;
	char *s, *text, *result = NULL;
	size_t i, last = 0, n_kept = 0;
	int code;

	if (!caps || !caps->domain)
		return NULL;
	tmp = talloc_new(NULL);
	if (!tmp)
		return NULL;
	code = caps->code ? caps->code : 250;
	for (i = 0; i < caps->n_caps; i++)
		if (!hidden(caps->caps[i], hide, hide_keywords)) {
			last = i;
			n_kept++;
		}

	if (verbatim)
		text = talloc_strdup(tmp, caps->reply->lines[0]->text);
	else if (caps->greeting && *caps->greeting)
		text = talloc_asprintf(tmp, "%s %s", caps->domain,
		                       caps->greeting);
	else
		text = talloc_strdup(tmp, caps->domain);
	s = talloc_strdup(tmp, "");
	if (!text || !s)
		goto done;
	s = dsng__reply_put_line(s, code, n_kept == 0, text, strlen(text));

	for (i = 0; s && i < caps->n_caps; i++) {
		const struct dsng_ehlo_cap *cap = caps->caps[i];

		if (hidden(cap, hide, hide_keywords))
			continue;
		if (verbatim)
			text = caps->reply->lines[cap->line]->text;
		else if (!(text = canonical(tmp, cap)))
			goto done;
		s = dsng__reply_put_line(s, code, i == last, text,
		                         strlen(text));
	}
	if (s)
		result = talloc_steal(mem, s);
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
