/*
 * lib/report_build_fields.c - the message/delivery-status body: the
 * per-message block and one block per recipient, each field in RFC
 * 3464's order (sections 2.2 and 2.3) and syntax, addresses in RFC
 * 6533's utf-8 type where they need it, and RFC 5322 dates.
 */
#include <stdio.h>
#include <string.h>

#include "report_build_int.h"

/* The proleptic Gregorian date of a day count since 1970-01-01. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, yoe, doy, doe, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int dsng_report_build_date(char *buf, int64_t t)
{
	static const char *const wday[7] = {"Thu", "Fri", "Sat", "Sun",
	                                    "Mon", "Tue", "Wed"};
	static const char *const mon[12] = {"Jan", "Feb", "Mar", "Apr",
	                                    "May", "Jun", "Jul", "Aug",
	                                    "Sep", "Oct", "Nov", "Dec"};
	int64_t days, secs, y;
	unsigned m, d;
	char tmp[64];

	if (!buf || t < 0 || t > INT64_C(253402300799))
		return DSNG_EINVAL;
	days = t / 86400;
	secs = t % 86400;
	civil_from_days(days, &y, &m, &d);
	/* via a roomy buffer: the compiler cannot see the fields' ranges */
	snprintf(tmp, sizeof(tmp), "%s, %02u %s %04d %02d:%02d:%02d +0000",
	         wday[days % 7], d, mon[m - 1], (int)y, (int)(secs / 3600),
	         (int)(secs / 60 % 60), (int)(secs % 60));
	memcpy(buf, tmp, DSNG_REPORT_BUILD_DATE_MAX - 1);
	buf[DSNG_REPORT_BUILD_DATE_MAX - 1] = 0;
	return DSNG_OK;
}

void dsng__rb_stamp(char *buf, int64_t t)
{
	int64_t y;
	unsigned m, d;
	int64_t secs = t % 86400;

	char tmp[64];

	civil_from_days(t / 86400, &y, &m, &d);
	snprintf(tmp, sizeof(tmp), "%04d%02u%02u%02d%02d%02d", (int)y, m, d,
	         (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
	memcpy(buf, tmp, 15);
	buf[15] = 0;
}

char *dsng__rb_orcpt_text(const struct dsng__rb *rb,
                          const struct dsng__rb_rcpt *r, TALLOC_CTX *mem)
{
	if (r->orcpt_utf8type)
		return dsng_xtext_utf8_encode(
		        mem, r->orcpt_addr, strlen(r->orcpt_addr), rb->global);
	return talloc_strdup(mem, r->orcpt_addr);
}

char *dsng__rb_final_text(const struct dsng__rb *rb,
                          const struct dsng__rb_rcpt *r, TALLOC_CTX *mem)
{
	char *enc, *out;

	if (!r->addr_utf8)
		return talloc_asprintf(mem, "rfc822; %s", r->addr);
	/* RFC 6533 section 3: utf-8-addr-unitext in the global form (a
	 * UTF-8 address is only ever written there). */
	enc = dsng_xtext_utf8_encode(mem, r->addr, strlen(r->addr), rb->global);
	if (!enc)
		return NULL;
	out = talloc_asprintf(mem, "utf-8; %s", enc);
	talloc_free(enc);
	return out;
}

char *dsng__rb_diag_text(const struct dsng__rb *rb,
                         const struct dsng__rb_rcpt *r, TALLOC_CTX *mem)
{
	const char *s = r->diag;
	size_t i = 0, o = 0, n = strlen(s);
	char *d;

	if (rb->global || !r->diag_8bit)
		return talloc_strdup(mem, s);
	d = talloc_array(mem, char, n + 1);
	if (!d)
		return NULL;
	/* One '?' per character: the text is valid UTF-8 by now. */
	while (i < n) {
		unsigned char c = (unsigned char)s[i++];
		if (c < 0x80)
			d[o++] = (char)c;
		else if (c >= 0xC0)
			d[o++] = '?';
	}
	d[o] = 0;
	return d;
}

/* One field; an over-long value (only addresses can be) is ELIMIT. */
static int field(struct dsng__rb *rb, struct dsng__rb_buf *b, const char *name,
                 const char *value, bool free_text)
{
	if (!value) {
		b->nomem = true;
		return DSNG_ENOMEM;
	}
	if (dsng__rb_field(b, name, value, strlen(value), free_text) < 0)
		return dsng__fail_limit(
		        rb->err, "max_field_len", DSNG_ERR_HEADER_LIMIT, 0, 0,
		        NULL, "%s: value too long for one line", name);
	return DSNG_OK;
}

static int date_field(struct dsng__rb *rb, struct dsng__rb_buf *b,
                      const char *name, int64_t t)
{
	char date[DSNG_REPORT_BUILD_DATE_MAX];

	dsng_report_build_date(date, t);
	return field(rb, b, name, date, false);
}

static int rcpt_block(struct dsng__rb *rb, struct dsng__rb_buf *b,
                      const struct dsng__rb_rcpt *r, TALLOC_CTX *t)
{
	int rc = DSNG_OK;

	dsng__rb_eol(b);
	if (r->orcpt_type) {
		char *v = dsng__rb_orcpt_text(rb, r, t);
		rc = field(rb, b, "Original-Recipient",
		           v ? talloc_asprintf(t, "%s;%s", r->orcpt_type, v)
		             : NULL,
		           false);
	}
	if (!rc)
		rc = field(rb, b, "Final-Recipient",
		           dsng__rb_final_text(rb, r, t), false);
	if (!rc)
		rc = field(rb, b, "Action", dsng_dsn_action_name(r->in.action),
		           false);
	if (!rc)
		rc = field(rb, b, "Status", r->status, false);
	if (!rc && r->in.remote_mta)
		rc = field(rb, b, "Remote-MTA",
		           talloc_asprintf(t, "%s; %s", r->remote_type,
		                           r->in.remote_mta),
		           false);
	if (!rc && r->diag) {
		char *d = dsng__rb_diag_text(rb, r, t);
		rc = field(rb, b, "Diagnostic-Code",
		           d ? talloc_asprintf(t, "%s; %s", r->diag_type, d)
		             : NULL,
		           true);
	}
	if (!rc && r->in.has_last_attempt_date)
		rc = date_field(rb, b, "Last-Attempt-Date",
		                r->in.last_attempt_date);
	if (!rc && r->log_id)
		rc = field(rb, b, "Final-Log-ID", r->log_id, false);
	if (!rc && r->in.has_will_retry_until)
		rc = date_field(rb, b, "Will-Retry-Until",
		                r->in.will_retry_until);
	return rc;
}

int dsng__rb_status_fields(struct dsng__rb *rb, struct dsng__rb_buf *b)
{
	TALLOC_CTX *t = talloc_new(rb->tmp);
	size_t i;
	int rc;

	if (!t)
		return DSNG_ENOMEM;
	rc = rb->envid ? field(rb, b, "Original-Envelope-Id", rb->envid, false)
	               : DSNG_OK;
	if (!rc)
		rc = field(rb, b, "Reporting-MTA",
		           talloc_asprintf(t, "dns; %s", rb->mta), false);
	if (!rc && rb->received_from)
		rc = field(rb, b, "Received-From-MTA",
		           talloc_asprintf(t, "dns; %s", rb->received_from),
		           false);
	if (!rc)
		rc = date_field(rb, b, "Arrival-Date", rb->arrival);
	for (i = 0; !rc && i < rb->n_rcpts; i++)
		if (rb->rcpts[i].fate == DSNG_REPORT_BUILD_KEPT)
			rc = rcpt_block(rb, b, &rb->rcpts[i], t);
	talloc_free(t);
	if (!rc && b->nomem)
		rc = DSNG_ENOMEM;
	return rc;
}
