/*
 * lib/reply.c - SMTP replies (RFC 5321 4.2, 4.5.3.1.5; RFC 2034).
 *
 * One validating walk over the lines serves both the streaming check
 * (dsng_reply_complete, which must work on a partial buffer and allocate
 * nothing) and the parser, which walks again only to copy what the first
 * walk proved well-formed.  Every line is checked against the buffer's
 * length before any byte is read, so a line shorter than "250-" can never
 * make us read past the input (OpenSMTPD CVE-2020-8794).
 */
#include <stdio.h>
#include <string.h>

#include "dsng_private.h"
#include "reply_int.h"
#include "status_int.h"

static const size_t opts_sizes[] = {0, sizeof(struct dsng_reply_opts)};
static const struct dsng_reply_opts opts_defaults = DSNG_REPLY_OPTS_INIT;

int dsng_reply_opts_init(struct dsng_reply_opts *opts, unsigned version)
{
	return dsng__versioned_init(opts, version, &opts_defaults, opts_sizes,
	                            DSNG_REPLY_OPTS_VERSION);
}

/* Effective line limit of a full options copy, clamped to the ceiling. */
static size_t max_line(const struct dsng_reply_opts *o)
{
	size_t m = o->max_line;

	if (m == 0)
		m = (o->flags & DSNG_REPLY_LENIENT)
		            ? DSNG_REPLY_LENIENT_MAX_LINE
		            : DSNG_REPLY_DEFAULT_MAX_LINE;
	if (m > DSNG_REPLY_MAX_LINE_CEILING)
		m = DSNG_REPLY_MAX_LINE_CEILING;
	/* the smallest line that can hold "250" and its CRLF */
	if (m < 5)
		m = 5;
	return m;
}

/* What the walk needs to know, and what it reports. */
struct walk {
	const char *buf;
	size_t len;
	size_t max_content; /* octets per line without its line end */
	size_t max_lines;
	int stream; /* dsng_reply_complete: partial lines are fine */
	int code;   /* the first line's code */
	size_t n_lines;
	size_t used;
	struct dsng_error *err;
};

/* Fail at absolute offset `off` within line `line_no` starting at `ls`.
 * The two DSNG_ELIMIT errors name their options field: max_line for a
 * line too long, max_lines for too many lines. */
static int wfail(struct walk *w, int status, enum dsng_errkind kind, size_t off,
                 size_t ls, size_t line_no, const char *what)
{
	if (status == DSNG_ELIMIT)
		dsng__fail_limit(w->err,
		                 kind == DSNG_ERR_LINE_TOO_LONG ? "max_line"
		                                                : "max_lines",
		                 kind, off, 0, NULL, "reply line %zu: %s",
		                 line_no, what);
	else
		dsng__fail(w->err, status, kind, off, 0, NULL,
		           "reply line %zu: %s", line_no, what);
	if (dsng__version_ok(w->err, DSNG_ERROR_VERSION)) {
		w->err->line = (unsigned)line_no;
		w->err->column = (unsigned)(off - ls + 1);
	}
	return status;
}

/*
 * Check one line's content buf[ls .. ls+n).  `partial`: the line's end has
 * not arrived yet, so only the bytes present are judged.  Returns 0 or the
 * error status; *sep gets the separator (0 for a bare code).
 */
static int check_line(struct walk *w, size_t ls, size_t n, size_t line_no,
                      int partial, char *sep)
{
	const char *p = w->buf + ls;
	size_t i, limit = n < 4 ? n : 4;
	const char *q;
	int code;

	if (n > w->max_content)
		return wfail(w, DSNG_ELIMIT, DSNG_ERR_LINE_TOO_LONG,
		             ls + w->max_content, ls, line_no,
		             "line longer than the limit");
	if ((q = memchr(p, '\0', n)))
		return wfail(w, DSNG_ESYNTAX, DSNG_ERR_NUL_BYTE,
		             ls + (size_t)(q - p), ls, line_no, "NUL byte");
	if ((q = memchr(p, '\r', n)))
		return wfail(w, DSNG_ESYNTAX, DSNG_ERR_BARE_CR_LF,
		             ls + (size_t)(q - p), ls, line_no,
		             "CR not followed by LF");
	if (n == 0 && !partial)
		return wfail(w, DSNG_ESYNTAX, DSNG_ERR_BAD_REPLY, ls, ls,
		             line_no, "empty line");
	for (i = 0; i < limit && i < 3; i++) {
		if (!dsng__is_digit(p[i]) ||
		    (i == 0 && (p[0] < '2' || p[0] > '5')) ||
		    (i == 1 && p[1] > '5'))
			return wfail(w, DSNG_ESYNTAX, DSNG_ERR_BAD_REPLY,
			             ls + i, ls, line_no,
			             "reply code must be 3 digits, 2-5 then "
			             "0-5 then 0-9");
	}
	if (n < 3) {
		if (partial)
			return 0;
		return wfail(w, DSNG_ESYNTAX, DSNG_ERR_BAD_REPLY, ls + n, ls,
		             line_no, "line too short for a reply code");
	}
	code = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
	if (line_no == 1)
		w->code = code;
	else if (code != w->code)
		return wfail(w, DSNG_ESYNTAX, DSNG_ERR_MIXED_CODES, ls, ls,
		             line_no,
		             "reply code differs from the first line's");
	*sep = 0;
	if (n > 3) {
		if (p[3] != '-' && p[3] != ' ')
			return wfail(w, DSNG_ESYNTAX, DSNG_ERR_BAD_CONTINUATION,
			             ls + 3, ls, line_no,
			             "reply code must be followed by '-', "
			             "space or the line end");
		*sep = p[3];
	} else if (partial) {
		*sep = '-'; /* unknown yet: not final */
	}
	return 0;
}

/*
 * Where the line at pos ends: *end after its content (before CRLF or LF),
 * *next at the following line.  Returns 0 when no LF arrived; then a CR
 * as the last byte is taken as the first half of a CRLF still to come.
 */
static int line_bounds(const char *buf, size_t pos, size_t len, size_t *end,
                       size_t *next)
{
	const char *nl = memchr(buf + pos, '\n', len - pos);

	*end = nl ? (size_t)(nl - buf) : len;
	*next = nl ? *end + 1 : len;
	if (*end > pos && buf[*end - 1] == '\r')
		(*end)--;
	return nl != NULL;
}

/*
 * Walk lines from the start of the buffer up to and including the final
 * one.  Returns 1 when a whole reply was seen (w->used, w->n_lines set),
 * 0 when the stream needs more bytes, or a negative status.
 */
static int walk(struct walk *w)
{
	size_t pos = 0, line_no = 0;
	int rc;

	if (w->len == 0) {
		if (w->stream)
			return 0;
		return dsng__fail(w->err, DSNG_ESYNTAX, DSNG_ERR_EMPTY, 0, 0,
		                  NULL, "empty reply");
	}
	while (pos < w->len) {
		size_t end, next;
		int partial = 0;
		char sep = 0;

		if (++line_no > w->max_lines)
			return wfail(w, DSNG_ELIMIT, DSNG_ERR_SIZE_LIMIT, pos,
			             pos, line_no,
			             "too many lines in one reply");
		if (!line_bounds(w->buf, pos, w->len, &end, &next))
			partial = w->stream;
		rc = check_line(w, pos, end - pos, line_no, partial, &sep);
		if (rc)
			return rc;
		if (partial)
			return 0;
		w->n_lines = line_no;
		if (sep != '-') {
			if (!w->stream && next < w->len)
				return wfail(w, DSNG_ESYNTAX,
				             DSNG_ERR_BAD_CONTINUATION, next,
				             next, line_no + 1,
				             "text after the final line");
			w->used = next;
			return 1;
		}
		pos = next;
	}
	if (w->stream)
		return 0;
	return wfail(w, DSNG_ESYNTAX, DSNG_ERR_BAD_CONTINUATION, w->len, w->len,
	             line_no + 1, "no final line (every line had '-')");
}

/* Set up a walk; opts as the caller gave them (NULL = defaults). */
static int walk_init(struct walk *w, const char *buf, size_t len,
                     const struct dsng_reply_opts *opts, int stream,
                     struct dsng_error *err)
{
	struct dsng_reply_opts o;

	if (dsng__versioned_take(&o, opts, &opts_defaults, opts_sizes,
	                         DSNG_REPLY_OPTS_VERSION) != DSNG_OK)
		return dsng__fail(
		        err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT, 0, 0, NULL,
		        "unknown reply options version %u", opts->version);
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->len = len;
	/* RFC 5321 counts the CRLF in the 512; a bare LF counts the same */
	w->max_content = max_line(&o) - 2;
	w->max_lines = o.max_lines ? o.max_lines : DSNG_REPLY_DEFAULT_MAX_LINES;
	/* the line arrays are talloc arrays, whose counts are unsigned */
	if (w->max_lines > DSNG_REPLY_MAX_LINES_CEILING)
		w->max_lines = DSNG_REPLY_MAX_LINES_CEILING;
	w->stream = stream;
	w->err = err;
	return DSNG_OK;
}

int dsng_reply_complete(size_t *used, const char *buf, size_t len,
                        const struct dsng_reply_opts *opts,
                        struct dsng_error *err)
{
	struct walk w;
	int rc;

	if (used)
		*used = 0;
	if ((!buf && len) || !used)
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "NULL argument");
	if ((rc = walk_init(&w, buf, len, opts, 1, err)))
		return rc;
	rc = walk(&w);
	if (rc == 1)
		*used = w.used;
	return rc;
}

/* Fill one line from the validated bytes copy[ls .. ls+n). */
static void fill_line(struct dsng_reply_line *l, char *copy, size_t ls,
                      size_t n, int code)
{
	struct dsng_status_code sc;
	size_t k;

	l->offset = ls;
	l->sep = n > 3 ? copy[ls + 3] : 0;
	l->text_offset = ls + (n > 3 ? 4 : 3);
	l->text = copy + l->text_offset;
	l->text_len = n > 3 ? n - 4 : 0;
	l->text[l->text_len] = '\0';
	l->msg = l->text;
	k = dsng_status_prefix(&sc, l->text, l->text_len);
	/* RFC 3463: the class must agree with the reply's first digit */
	if (k && (int)sc.cls == code / 100) {
		l->has_enhanced = true;
		l->enhanced = sc;
		while (k < l->text_len &&
		       (l->text[k] == ' ' || l->text[k] == '\t'))
			k++;
		l->msg = l->text + k;
	}
}

/* The result and its three arrays in one allocation where pools are on;
 * the sizes are exact, known from the walk. */
static struct dsng_reply *new_reply(const struct walk *w)
{
	struct dsng_reply *r;
#ifdef DSNG_NO_POOLS
	(void)w;
	r = talloc_zero(NULL, struct dsng_reply);
#else
	r = talloc_pooled_object(
	        NULL, struct dsng_reply, 3,
	        w->used + 1 +
	                w->n_lines * (sizeof(struct dsng_reply_line) +
	                              sizeof(struct dsng_reply_line *)));
	if (r)
		memset(r, 0, sizeof(*r));
#endif
	return r;
}

int dsng_reply_parse(TALLOC_CTX *mem, struct dsng_reply **out, const char *buf,
                     size_t len, const struct dsng_reply_opts *opts,
                     struct dsng_error *err)
{
	struct dsng_reply *r = NULL;
	struct dsng_reply_line *arr;
	struct walk w;
	char *copy;
	size_t pos = 0, i;
	int rc;

	if (out)
		*out = NULL;
	if (!out || (!buf && len))
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "NULL argument");
	if ((rc = walk_init(&w, buf, len, opts, 0, err)))
		return rc;
	rc = walk(&w);
	if (rc < 0)
		return rc;

	r = new_reply(&w);
	if (!r)
		goto nomem;
	r->code = w.code;
	r->n_lines = w.n_lines;
	r->length = w.used;
	/* one copy holds every line's text; line ends become NULs, and the
	 * extra byte terminates an unterminated last line */
	copy = talloc_size(r, w.used + 1);
	arr = talloc_zero_array(r, struct dsng_reply_line, w.n_lines);
	r->lines = talloc_array(r, struct dsng_reply_line *, w.n_lines);
	if (!copy || !arr || !r->lines)
		goto nomem;
	memcpy(copy, buf, w.used);
	copy[w.used] = '\0';
	for (i = 0; i < w.n_lines; i++) {
		size_t end, next;

		if (!line_bounds(buf, pos, w.used, &end, &next))
			r->unterminated = true;
		fill_line(&arr[i], copy, pos, end - pos, r->code);
		r->lines[i] = &arr[i];
		if (arr[i].has_enhanced && !r->has_enhanced) {
			r->has_enhanced = true;
			r->enhanced = arr[i].enhanced;
		}
		pos = next;
	}
	*out = talloc_steal(mem, r);
	return DSNG_OK;
nomem:
	talloc_free(r);
	return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
	                  "out of memory");
}

/* "250-", "250 " or "250" (an empty final line) into head; its length. */
static size_t line_head(char head[16], int code, int final, size_t len)
{
	int n;

	if (final && len == 0)
		n = snprintf(head, 16, "%03d", code);
	else
		n = snprintf(head, 16, "%03d%c", code, final ? ' ' : '-');
	return n > 0 ? (size_t)n : 0;
}

size_t dsng__reply_line_size(int code, int final, size_t len)
{
	char head[16];

	return line_head(head, code, final, len) + len + 2;
}

char *dsng__reply_line_write(char *dst, int code, int final, const char *text,
                             size_t len)
{
	char head[16];
	size_t n = line_head(head, code, final, len);

	memcpy(dst, head, n);
	dst += n;
	if (len)
		memcpy(dst, text, len);
	dst += len;
	*dst++ = '\r';
	*dst++ = '\n';
	return dst;
}

/* Every line's text (or the text after its enhanced code) with its
 * length: how the two writers below read a line. */
static const char *line_text(const struct dsng_reply_line *l, bool msg_only,
                             size_t *len)
{
	if (!msg_only) {
		*len = l->text_len;
		return l->text;
	}
	*len = l->text_len - (size_t)(l->msg - l->text);
	return l->msg;
}

char *dsng_reply_format(TALLOC_CTX *mem, const struct dsng_reply *reply)
{
	size_t i, need = 1;
	char *s, *p;

	if (!reply)
		return NULL;
	for (i = 0; i < reply->n_lines; i++)
		need += dsng__reply_line_size(reply->code,
		                              i + 1 == reply->n_lines,
		                              reply->lines[i]->text_len);
	s = talloc_size(mem, need);
	if (!s)
		return NULL;
	for (p = s, i = 0; i < reply->n_lines; i++)
		p = dsng__reply_line_write(
		        p, reply->code, i + 1 == reply->n_lines,
		        reply->lines[i]->text, reply->lines[i]->text_len);
	*p = '\0';
	return s;
}

char *dsng_reply_text(TALLOC_CTX *mem, const struct dsng_reply *reply,
                      bool strip_enhanced)
{
	size_t i, n, need = 1;
	const char *t;
	char *s, *p;

	if (!reply)
		return NULL;
	for (i = 0; i < reply->n_lines; i++) {
		line_text(reply->lines[i], strip_enhanced, &n);
		need += n + (i ? 1 : 0);
	}
	s = talloc_size(mem, need);
	if (!s)
		return NULL;
	for (p = s, i = 0; i < reply->n_lines; i++) {
		t = line_text(reply->lines[i], strip_enhanced, &n);
		if (i)
			*p++ = '\n';
		memcpy(p, t, n);
		p += n;
	}
	*p = '\0';
	return s;
}
