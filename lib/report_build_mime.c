/*
 * lib/report_build_mime.c - the report as a message: outer headers, the
 * multipart/report with its three parts, a boundary no part contains, and
 * a Message-ID; both derived from a hash of the whole input, seeded with
 * the time (and, unless opts.now is given, with random octets).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#if defined(__linux__)
#include <sys/random.h>
#endif

#include <nettle/sha2.h>

#include "report_build_int.h"

static void feed(struct sha256_ctx *h, const void *p, size_t n)
{
	uint64_t len = n;

	sha256_update(h, sizeof(len), (const uint8_t *)&len);
	if (n)
		sha256_update(h, n, (const uint8_t *)p);
}

static void feed_str(struct sha256_ctx *h, const char *s)
{
	static const uint8_t none = 0xFF;

	if (s)
		feed(h, s, strlen(s));
	else
		sha256_update(h, 1, &none);
}

static void feed_i64(struct sha256_ctx *h, bool has, int64_t v)
{
	feed(h, &has, 1);
	feed(h, &v, sizeof(v));
}

/* Everything the report says, so the same input gives the same seed. */
static void seed(const struct dsng__rb *rb, uint8_t out[SHA256_DIGEST_SIZE])
{
	struct sha256_ctx h;
	size_t i;

	sha256_init(&h);
	feed_str(&h, "libdsnguard report_build 1");
	feed_i64(&h, true, rb->now);
	feed_i64(&h, true, rb->arrival);
	feed_str(&h, rb->mta);
	feed_str(&h, rb->from);
	feed_str(&h, rb->envid);
	feed_str(&h, rb->received_from);
	feed_i64(&h, true, rb->spec.ret);
	feed_i64(&h, rb->opts.crlf, (int64_t)rb->opts.max_returned);
	for (i = 0; i < rb->n_rcpts; i++) {
		const struct dsng__rb_rcpt *r = &rb->rcpts[i];

		feed_i64(&h, r->fate == DSNG_REPORT_BUILD_KEPT, r->in.action);
		feed_str(&h, r->addr);
		feed_str(&h, r->in.orcpt);
		feed_i64(&h, true, r->in.notify);
		feed_str(&h, r->status);
		feed_str(&h, r->remote_type);
		feed_str(&h, r->in.remote_mta);
		feed_str(&h, r->diag_type);
		feed_str(&h, r->diag);
		feed_i64(&h, r->in.has_last_attempt_date,
		         r->in.last_attempt_date);
		feed_i64(&h, r->in.has_will_retry_until,
		         r->in.will_retry_until);
		feed_str(&h, r->log_id);
	}
	if (rb->original)
		feed(&h, rb->original, rb->original_len);
	else
		feed_str(&h, NULL);
	if (!rb->opts.has_now) {
		/* Without a fixed time two reports must never share a boundary
		 * or Message-ID: add random octets, or at worst the clock. */
		uint8_t rnd[16] = {0};
		struct timespec ts = {0, 0};
		bool got = false;
#if defined(__linux__)
		got = getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) ==
		      (ssize_t)sizeof(rnd);
#endif
		if (!got) {
			const void *self = &h;
			clock_gettime(CLOCK_REALTIME, &ts);
			memcpy(rnd, &ts,
			       sizeof(ts) < sizeof(rnd) ? sizeof(ts)
			                                : sizeof(rnd));
			sha256_update(&h, sizeof(self), (const uint8_t *)&self);
		}
		sha256_update(&h, sizeof(rnd), rnd);
	}
	sha256_digest(&h, SHA256_DIGEST_SIZE, out);
}

static void hex(char *out, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = 0;
}

static bool contains(const struct dsng__rb_buf *b, const char *needle)
{
	size_t n = strlen(needle), i = 0;

	while (b->len >= n && i <= b->len - n) {
		const char *q = memchr(b->p + i, needle[0], b->len - n - i + 1);
		if (!q)
			return false;
		if (!memcmp(q, needle, n))
			return true;
		i = (size_t)(q - b->p) + 1;
	}
	return false;
}

static enum dsng_dsn_kind headline_kind(const struct dsng__rb *rb)
{
	static const enum dsng_dsn_kind order[] = {
	        DSNG_DSN_FAILURE, DSNG_DSN_DELAY, DSNG_DSN_SUCCESS,
	        DSNG_DSN_RELAYED, DSNG_DSN_EXPANDED};
	size_t k, i;

	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++)
		for (i = 0; i < rb->n_rcpts; i++)
			if (rb->rcpts[i].fate == DSNG_REPORT_BUILD_KEPT &&
			    rb->rcpts[i].in.action == order[k])
				return order[k];
	return DSNG_DSN_FAILURE;
}

static const char *subject(enum dsng_dsn_kind k)
{
	switch (k) {
	case DSNG_DSN_FAILURE:
		return "Delivery Status Notification (Failure)";
	case DSNG_DSN_DELAY:
		return "Delivery Status Notification (Delay)";
	case DSNG_DSN_SUCCESS:
		return "Delivery Status Notification (Success)";
	case DSNG_DSN_RELAYED:
		return "Delivery Status Notification (Relayed)";
	default:
		return "Delivery Status Notification (Expanded)";
	}
}

static const char *paragraph(enum dsng_dsn_kind k)
{
	switch (k) {
	case DSNG_DSN_FAILURE:
		return "Your message could not be delivered to the recipients "
		       "marked \"failed\" below.";
	case DSNG_DSN_DELAY:
		return "Your message has not yet reached the recipients marked "
		       "\"delayed\" below. The mail system keeps trying and "
		       "will tell you if it gives up.";
	case DSNG_DSN_SUCCESS:
		return "Your message was delivered to the recipients marked "
		       "\"delivered\" below.";
	case DSNG_DSN_RELAYED:
		return "Your message was passed on for the recipients marked "
		       "\"relayed\" below to a system that may not send "
		       "delivery notifications of its own.";
	default:
		return "The recipients marked \"expanded\" below are lists or "
		       "aliases: your message was delivered to them and "
		       "forwarded to their members.";
	}
}

static void human_text(struct dsng__rb *rb, const struct dsng__rb_returned *rt,
                       struct dsng__rb_buf *b)
{
	static const enum dsng_dsn_kind order[] = {
	        DSNG_DSN_FAILURE, DSNG_DSN_DELAY, DSNG_DSN_SUCCESS,
	        DSNG_DSN_RELAYED, DSNG_DSN_EXPANDED};
	TALLOC_CTX *t = talloc_new(rb->tmp);
	char *s;
	size_t k, i;

	s = talloc_asprintf(t, "This is the mail system at host %s.", rb->mta);
	if (s)
		dsng__rb_wrap(b, s, strlen(s), 0);
	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		for (i = 0; i < rb->n_rcpts; i++)
			if (rb->rcpts[i].fate == DSNG_REPORT_BUILD_KEPT &&
			    rb->rcpts[i].in.action == order[k])
				break;
		if (i == rb->n_rcpts)
			continue;
		dsng__rb_eol(b);
		dsng__rb_wrap(b, paragraph(order[k]),
		              strlen(paragraph(order[k])), 0);
	}
	for (i = 0; i < rb->n_rcpts; i++) {
		const struct dsng__rb_rcpt *r = &rb->rcpts[i];
		struct dsng_status_code code;
		char date[DSNG_REPORT_BUILD_DATE_MAX];

		if (r->fate != DSNG_REPORT_BUILD_KEPT)
			continue;
		dsng_status_parse(&code, r->status, strlen(r->status), NULL);
		dsng__rb_eol(b);
		s = talloc_asprintf(t, "<%s>: %s, status %s (%s)", r->addr,
		                    dsng_dsn_action_name(r->in.action),
		                    r->status, dsng_status_describe(&code));
		if (s)
			dsng__rb_wrap(b, s, strlen(s), 0);
		if (r->in.remote_mta) {
			s = talloc_asprintf(t, "Remote MTA: %s",
			                    r->in.remote_mta);
			if (s)
				dsng__rb_wrap(b, s, strlen(s), 4);
		}
		if (r->diag) {
			char *d = dsng__rb_diag_text(rb, r, t);
			s = d ? talloc_asprintf(t, "Diagnostic (%s): %s%s",
			                        r->diag_type, d,
			                        r->diag_cut ? " [cut]" : "")
			      : NULL;
			if (s)
				dsng__rb_wrap(b, s, strlen(s), 4);
		}
		if (r->in.has_will_retry_until) {
			dsng_report_build_date(date, r->in.will_retry_until);
			s = talloc_asprintf(
			        t, "The mail system gives up after %s.", date);
			if (s)
				dsng__rb_wrap(b, s, strlen(s), 4);
		}
	}
	s = NULL;
	if (rt->omitted && rt->why)
		s = talloc_asprintf(t, "Your message is not returned: %s.",
		                    rt->why);
	else if (rt->present && rt->full && rt->truncated)
		s = talloc_asprintf(t,
		                    "The returned message below was cut to its "
		                    "first %zu of %zu octets.",
		                    rt->cut, rb->original_len);
	else if (rt->present && rt->truncated &&
	         rb->spec.ret == DSNG_RET_FULL && rt->cut >= rt->header_len)
		s = talloc_asprintf(t,
		                    "Your message was too large to be returned "
		                    "whole (the limit is %zu octets): only its "
		                    "headers are returned.",
		                    rb->opts.max_returned);
	else if (rt->present && rt->truncated)
		s = talloc_asprintf(t,
		                    "The returned headers below were cut to "
		                    "their first %zu of %zu octets.",
		                    rt->cut, rt->header_len);
	if (s) {
		dsng__rb_eol(b);
		dsng__rb_wrap(b, s, strlen(s), 0);
	}
	if (rt->body_unfit) {
		static const char unfit[] =
		        "The body of your message is not returned: it holds a "
		        "NUL, a bare CR or a line over 998 octets.";
		dsng__rb_eol(b);
		dsng__rb_wrap(b, unfit, sizeof(unfit) - 1, 0);
	}
	talloc_free(t);
}

static void part_head(struct dsng__rb_buf *b, const char *boundary,
                      const char *type, const char *desc, bool eight_bit)
{
	dsng__rb_printf(b, "--%s", boundary);
	dsng__rb_eol(b);
	dsng__rb_printf(b, "Content-Type: %s", type);
	dsng__rb_eol(b);
	dsng__rb_printf(b, "Content-Description: %s", desc);
	dsng__rb_eol(b);
	dsng__rb_printf(b, "Content-Transfer-Encoding: %s",
	                eight_bit ? "8bit" : "7bit");
	dsng__rb_eol(b);
	dsng__rb_eol(b);
}

int dsng__rb_assemble(struct dsng__rb *rb, TALLOC_CTX *mem,
                      struct dsng_report_build_result *res)
{
	struct dsng__rb_buf text, status, ret, out;
	struct dsng__rb_returned rt;
	uint8_t digest[SHA256_DIGEST_SIZE];
	char boundary[80], delim[84], idhex[33],
	        date[DSNG_REPORT_BUILD_DATE_MAX];
	enum dsng_dsn_kind head = headline_kind(rb);
	bool any_failed = false, eight_text, eight;
	size_t i;
	unsigned attempt;
	int rc;

	for (i = 0; i < rb->n_rcpts; i++)
		if (rb->rcpts[i].fate == DSNG_REPORT_BUILD_KEPT &&
		    rb->rcpts[i].in.action == DSNG_DSN_FAILURE)
			any_failed = true;
	rc = dsng__rb_returned_plan(
	        rb, rb->spec.ret == DSNG_RET_FULL && any_failed, &rt);
	if (rc)
		return rc;
	/* The global form when the envelope sender, the address of a kept
	 * entry or the returned header block needs UTF-8 (a UTF-8 ORCPT
	 * does not: utf-8-addr-xtext says it in ASCII). */
	rb->global = rb->from_utf8 || (rt.present && rt.utf8);
	for (i = 0; i < rb->n_rcpts; i++)
		if (rb->rcpts[i].fate == DSNG_REPORT_BUILD_KEPT &&
		    rb->rcpts[i].addr_utf8)
			rb->global = true;

	dsng__rb_init(&text, rb->tmp, rb->opts.crlf);
	dsng__rb_init(&status, rb->tmp, rb->opts.crlf);
	dsng__rb_init(&ret, rb->tmp, rb->opts.crlf);
	human_text(rb, &rt, &text);
	rc = dsng__rb_status_fields(rb, &status);
	if (rc)
		return rc;
	if (rt.present)
		dsng__rb_returned_write(rb, &rt, &ret);
	if (text.nomem || status.nomem || ret.nomem)
		return DSNG_ENOMEM;
	eight_text = dsng__rb_has_8bit(text.p, text.len);

	/* A boundary that no part contains ("=_" never appears in base64 or
	 * quoted-printable, and the hash makes the rest unguessable; the
	 * check makes it certain). */
	seed(rb, digest);
	for (attempt = 0;; attempt++) {
		digest[0] ^= (uint8_t)attempt;
		hex(idhex, digest, 16);
		snprintf(boundary, sizeof(boundary), "=_dsng_%s", idhex);
		snprintf(delim, sizeof(delim), "--%s", boundary);
		if (!contains(&text, delim) && !contains(&status, delim) &&
		    !contains(&ret, delim))
			break;
		if (attempt == 255)
			return dsng__fail(rb->err, DSNG_EINVAL,
			                  DSNG_ERR_INVALID_ARGUMENT, 0, 0, NULL,
			                  "no boundary found");
	}
	hex(idhex, digest + 16, 8);

	eight = eight_text || rb->global || rt.eight_bit;
	dsng__rb_init(&out, mem, rb->opts.crlf);
	dsng__rb_printf(&out, "From: Mail Delivery System <MAILER-DAEMON@%s>",
	                rb->mta);
	dsng__rb_eol(&out);
	dsng__rb_printf(&out, "To: <%s>", rb->from);
	dsng__rb_eol(&out);
	dsng__rb_printf(&out, "Subject: %s", subject(head));
	dsng__rb_eol(&out);
	dsng_report_build_date(date, rb->now);
	dsng__rb_printf(&out, "Date: %s", date);
	dsng__rb_eol(&out);
	{
		char stamp[16];

		dsng__rb_stamp(stamp, rb->now);
		res->message_id = talloc_asprintf(mem, "<%s.%s@%s>", stamp,
		                                  idhex, rb->mta);
	}
	if (!res->message_id)
		return DSNG_ENOMEM;
	dsng__rb_printf(&out, "Message-ID: %s", res->message_id);
	dsng__rb_eol(&out);
	dsng__rb_puts(&out, "Auto-Submitted: auto-replied");
	dsng__rb_eol(&out);
	dsng__rb_puts(&out, "MIME-Version: 1.0");
	dsng__rb_eol(&out);
	dsng__rb_printf(&out, "Content-Type: multipart/report; report-type=%s;",
	                rb->global ? "global-delivery-status"
	                           : "delivery-status");
	dsng__rb_eol(&out);
	dsng__rb_printf(&out, "\tboundary=\"%s\"", boundary);
	dsng__rb_eol(&out);
	dsng__rb_printf(&out, "Content-Transfer-Encoding: %s",
	                eight ? "8bit" : "7bit");
	dsng__rb_eol(&out);
	dsng__rb_eol(&out);
	dsng__rb_puts(&out, "This is a delivery status notification (RFC 3464) "
	                    "in MIME format.");
	dsng__rb_eol(&out);
	dsng__rb_eol(&out);

	part_head(&out, boundary,
	          eight_text ? "text/plain; charset=utf-8"
	                     : "text/plain; charset=us-ascii",
	          "Notification", eight_text);
	dsng__rb_put(&out, text.p, text.len);
	dsng__rb_eol(&out);
	part_head(&out, boundary,
	          rb->global ? "message/global-delivery-status"
	                     : "message/delivery-status",
	          "Delivery report", dsng__rb_has_8bit(status.p, status.len));
	dsng__rb_put(&out, status.p, status.len);
	dsng__rb_eol(&out);
	if (rt.present) {
		const char *type =
		        rt.full ? (rb->global ? "message/global"
		                              : "message/rfc822")
		                : (rb->global ? "message/global-headers"
		                              : "text/rfc822-headers");
		part_head(&out, boundary, type,
		          rt.full ? "Returned message" : "Returned headers",
		          rt.eight_bit);
		dsng__rb_put(&out, ret.p, ret.len);
	}
	dsng__rb_printf(&out, "--%s--", boundary);
	dsng__rb_eol(&out);
	if (out.nomem) {
		talloc_free(out.p);
		return DSNG_ENOMEM;
	}
	res->data = out.p;
	res->len = out.len;
	res->global = rb->global;
	res->returned = rt.present;
	res->returned_full = rt.present && rt.full;
	res->returned_truncated = rt.present && rt.truncated;
	res->returned_omitted = rt.omitted;
	return DSNG_OK;
}
