/*
 * lib/maillog.c - the public maillog API: options, the scanner's life,
 * splitting a byte stream into lines (any chunking), the summary
 * (events are handed out by maillog_event.c).
 */
#include <string.h>

#include "maillog_int.h"

const char *dsng_maillog_mta_name(enum dsng_maillog_mta mta)
{
	switch (mta) {
	case DSNG_MAILLOG_POSTFIX:
		return "postfix";
	case DSNG_MAILLOG_SENDMAIL:
		return "sendmail";
	case DSNG_MAILLOG_EXIM:
		return "exim";
	case DSNG_MAILLOG_UNKNOWN:
		break;
	}
	return "unknown";
}

const char *dsng_maillog_kind_name(enum dsng_dsn_kind kind)
{
	switch (kind) {
	case DSNG_DSN_SUCCESS:
		return "success";
	case DSNG_DSN_FAILURE:
		return "failure";
	case DSNG_DSN_DELAY:
		return "delay";
	case DSNG_DSN_RELAYED:
		return "relay";
	case DSNG_DSN_EXPANDED:
		return "expanded";
	default:
		break;
	}
	return "other";
}

/* The sizes of every version of struct dsng_maillog_opts (sizes[0]
 * unused), for dsng__versioned_init/take. */
static const size_t opts_sizes[] = {0, sizeof(struct dsng_maillog_opts)};
static const struct dsng_maillog_opts opts_defaults = DSNG_MAILLOG_OPTS_INIT;

int dsng_maillog_opts_init(struct dsng_maillog_opts *opts, unsigned version)
{
	return dsng__versioned_init(opts, version, &opts_defaults, opts_sizes,
	                            DSNG_MAILLOG_OPTS_VERSION);
}

int dsng_maillog_new(TALLOC_CTX *mem, struct dsng_maillog **out,
                     const struct dsng_maillog_opts *opts,
                     struct dsng_error *err)
{
	struct dsng_maillog_opts o;
	struct dsng_maillog *s;

	if (out)
		*out = NULL;
	if (!out)
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "maillog: NULL argument");
	if (dsng__versioned_take(&o, opts, &opts_defaults, opts_sizes,
	                         DSNG_MAILLOG_OPTS_VERSION) < 0)
		return dsng__fail(
		        err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT, 0, 0, NULL,
		        "maillog: struct dsng_maillog_opts of unknown "
		        "version %u",
		        opts->version);
	if (o.max_line < 64 || o.max_line > DSNG_MAILLOG_MAX_LINE_CEILING ||
	    !o.max_tracked || !o.max_pending || !o.max_rcpts ||
	    !o.max_recipients_tracked || !o.max_clients_tracked)
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "maillog: bad options");
	s = talloc_zero(NULL, struct dsng_maillog);
	if (!s)
		goto nomem;
	s->opts = o;
	s->msgs = dsng__ml_map_new(s);
	s->tally = dsng__ml_tally_new(s);
	s->partial = talloc_array(s, char, s->opts.max_line);
	if (!s->msgs || !s->tally || !s->partial)
		goto nomem;
	{
		int rc = dsng__ml_join_init(s, err);
		if (rc != DSNG_OK) {
			talloc_free(s);
			return rc;
		}
	}
	*out = talloc_steal(mem, s);
	return DSNG_OK;
nomem:
	talloc_free(s);
	return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
	                  "out of memory");
}

/* One line; may_nul when it may hold a NUL octet.  The feed knows where
 * a chunk's first NUL is from one memchr over the chunk, so the usual
 * line is not searched a second time. */
static void one_line(struct dsng_maillog *s, const char *p, size_t len,
                     int may_nul)
{
	if (len && p[len - 1] == '\r')
		len--;
	dsng__ml_join_line(s, p, len, may_nul);
}

static int oom_check(struct dsng_maillog *s, struct dsng_error *err)
{
	if (!s->oom)
		return DSNG_OK;
	s->oom = 0;
	return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
	                  "out of memory while reading the log");
}

int dsng_maillog_feed(struct dsng_maillog *s, const char *buf, size_t len,
                      struct dsng_error *err)
{
	const char *end, *nl, *nul;

	if (!s || (!buf && len) || s->finished)
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "maillog: bad feed");
	dsng__ml_view_done(s);
	end = buf + len;
	nul = memchr(buf, 0, len);
	while (buf < end) {
		nl = memchr(buf, '\n', (size_t)(end - buf));
		size_t n = (size_t)((nl ? nl : end) - buf);

		if (s->overlong) {
			/* the rest of a line already counted as garbage */
		} else if (s->partial_len + n > s->opts.max_line) {
			s->lines++;
			s->garbage++;
			s->overlong = 1;
			s->partial_len = 0;
		} else if (!nl) {
			memcpy(s->partial + s->partial_len, buf, n);
			s->partial_len += n;
		} else if (s->partial_len) {
			memcpy(s->partial + s->partial_len, buf, n);
			one_line(s, s->partial, s->partial_len + n, 1);
			s->partial_len = 0;
		} else {
			/* the common case: the whole line is in this chunk */
			one_line(s, buf, n, nul && nul < nl);
		}
		if (!nl)
			break;
		s->overlong = 0;
		buf = nl + 1;
		if (nul && nul < buf)
			nul = memchr(buf, 0, (size_t)(end - buf));
	}
	return oom_check(s, err);
}

int dsng_maillog_finish(struct dsng_maillog *s, struct dsng_error *err)
{
	if (!s || s->finished)
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "maillog: bad finish");
	dsng__ml_view_done(s);
	if (s->partial_len && !s->overlong)
		one_line(s, s->partial, s->partial_len, 1);
	s->partial_len = 0;
	s->overlong = 0;
	s->finished = 1;
	dsng__ml_join_flush(s);
	return oom_check(s, err);
}

unsigned long dsng_maillog_lines(const struct dsng_maillog *s)
{
	return s ? s->lines : 0;
}

int dsng_maillog_summary(TALLOC_CTX *mem, struct dsng_maillog_summary **out,
                         struct dsng_maillog *s, struct dsng_error *err)
{
	struct dsng_maillog_summary *sum;

	if (out)
		*out = NULL;
	if (!s || !out)
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "maillog: NULL argument");
	if (dsng__ml_tally_build(s->tally, mem, &sum))
		return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
		                  "out of memory");
	sum->lines = s->lines;
	sum->mail = s->mail;
	sum->ignored = s->ignored;
	sum->garbage = s->garbage;
	sum->evicted = s->evicted;
	sum->auth_warnings = s->auth_warnings;
	sum->dsn_refused = s->dsn_refused;
	*out = sum;
	return DSNG_OK;
}
