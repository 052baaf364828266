/*
 * tests/test_report.c - RFC 3464/6533/8098 reports: fields, kinds,
 * returned content, problems, limits and dates.
 */
#include <stdio.h>

#include "dsng_test.h"

#define S(x) x, sizeof(x) - 1

/* Parse through a guard page; the input stays mapped until unguard(). */
static const char *guarded;

static int parse(TALLOC_CTX *mem, const char *in, size_t len,
                 const struct dsng_report_limits *lim, struct dsng_report **r,
                 struct dsng_error *err)
{
	guarded = dsng_test_guard(in, len);
	return dsng_report_parse(mem, r, guarded, len, lim, err);
}

static void unguard(void)
{
	dsng_test_guard_free(guarded);
	guarded = NULL;
}

#define HEAD "From: a@b.example\nContent-Type: multipart/report; "

static void test_return_receipt(void **state)
{
	TALLOC_CTX *mem = *state;
	size_t len;
	char *in = dsng_test_load(
	        mem, DSNG_SOURCE_DIR "/examples/data/return-receipt.eml", &len);
	struct dsng_report *r;
	const struct dsng_report_recipient *rc;

	assert_int_equal(parse(mem, in, len, NULL, &r, NULL), DSNG_OK);
	assert_int_equal(r->kind, DSNG_REPORT_DSN);
	assert_string_equal(dsng_report_kind_name(r->kind), "dsn");
	assert_string_equal(r->report_type, "delivery-status");
	assert_false(r->global);
	assert_false(r->truncated);
	assert_int_equal(r->n_problems, 0);
	assert_string_equal(r->message->reporting_mta->type, "dns");
	assert_string_equal(r->message->reporting_mta->value, "mx.example.net");
	assert_string_equal(r->message->received_from_mta->type, "dns");
	assert_string_equal(r->message->received_from_mta->value,
	                    "client.example.com");
	assert_string_equal(r->message->arrival_date->text,
	                    "Wed, 15 Jul 2020 10:15:30 GMT");
	assert_true(r->message->arrival_date->valid);
	assert_int_equal(r->message->arrival_date->timestamp, 1594808130);
	assert_null(r->message->dsn_gateway);
	assert_int_equal(r->n_recipients, 1);
	rc = r->recipients[0];
	assert_string_equal(rc->final_recipient->type, "rfc822");
	assert_string_equal(rc->final_recipient->value,
	                    "legal_address@example.net");
	assert_string_equal(rc->action, "delivered");
	assert_string_equal(rc->status, "2.1.5");
	assert_string_equal(rc->status_raw, "2.1.5");
	assert_int_equal(rc->last_attempt_date->timestamp, 1594808131);
	assert_null(rc->original_recipient);
	assert_null(rc->diagnostic_code);
	assert_non_null(r->returned);
	assert_string_equal(r->returned->content_type, "text/rfc822-headers");
	assert_string_equal(r->returned->message_id,
	                    "<202007151015.06FAFTbL012697@mx.example.net>");
	assert_string_equal(r->returned->from, "spamvictim@victim.example");
	assert_string_equal(r->returned->to, "legal_address@example.net");
	assert_string_equal(r->returned->subject, "Testing email.");
	assert_string_equal(r->returned->return_path,
	                    "<spamvictim@victim.example>");
	assert_int_equal(r->human_text_len, 250);
	assert_memory_equal(r->human_text, "The original message was received",
	                    33);
	assert_memory_equal(r->human_text + 238, "to mailbox)\n", 12);
	talloc_free(r);
	talloc_free(in);
	unguard();
}

static void test_fields_problems_extensions(void **state)
{
	TALLOC_CTX *mem = *state;
	static const char in[] =
	        HEAD "report-type=delivery-status; boundary=B\n\n"
	             "--B\nContent-Type: message/delivery-status\n\n"
	             "Reporting-MTA: DNS (the mta); mx.example.org (comment)\n"
	             "X-Postfix-Queue-ID: 4ABC\n"
	             "Original-Envelope-Id: env+2B1\n\n"
	             "Final-Recipient: rfc822; <a@x.example> (old form)\n"
	             "Action: Failed (permanent)\n"
	             "Status: 5.1.1 (user unknown)\n"
	             "Diagnostic-Code: smtp; 550 5.1.1 <a@x.example> (no such\n"
	             "  user)\n"
	             "X-Actual-Recipient: rfc822; A@x.example\n"
	             "Final-Recipient: rfc822; b@x.example\n"
	             "Action: delayed\n"
	             "Status: 4.4.7 timeout\n"
	             "Will-Retry-Until: Thu, 16 Jul 2020 10:15:30 +0200\n\n"
	             "Final-Recipient: rfc822; c@x.example\n"
	             "Action: expired\n"
	             "Status: 5.9\n"
	             "Last-Attempt-Date: not a date\n"
	             "--B--\n";
	struct dsng_report *r;
	const struct dsng_report_recipient *rc;
	size_t i;
	int saw_blank = 0, saw_action = 0, saw_status = 0, saw_date = 0;

	assert_int_equal(parse(mem, S(in), NULL, &r, NULL), DSNG_OK);
	assert_int_equal(r->kind, DSNG_REPORT_DSN);
	assert_string_equal(r->message->reporting_mta->type, "dns");
	assert_string_equal(r->message->reporting_mta->value, "mx.example.org");
	assert_string_equal(r->message->original_envelope_id, "env+2B1");
	assert_int_equal(r->message->n_extensions, 1);
	assert_string_equal(r->message->extensions[0].name,
	                    "X-Postfix-Queue-ID");
	assert_string_equal(r->message->extensions[0].value, "4ABC");
	assert_int_equal(r->n_recipients, 3);
	rc = r->recipients[0];
	assert_string_equal(rc->final_recipient->value, "a@x.example");
	assert_string_equal(rc->action, "failed");
	assert_string_equal(rc->status, "5.1.1");
	assert_string_equal(rc->status_raw, "5.1.1 (user unknown)");
	assert_string_equal(rc->diagnostic_code->type, "smtp");
	assert_string_equal(rc->diagnostic_code->value,
	                    "550 5.1.1 <a@x.example> (no such  user)");
	assert_int_equal(rc->n_extensions, 1);
	assert_string_equal(rc->extensions[0].name, "X-Actual-Recipient");
	assert_string_equal(rc->extensions[0].value, "rfc822; A@x.example");
	/* a second Final-Recipient without a blank line: a new recipient */
	rc = r->recipients[1];
	assert_string_equal(rc->final_recipient->value, "b@x.example");
	assert_string_equal(rc->status, "4.4.7");
	assert_true(rc->will_retry_until->valid);
	assert_int_equal(rc->will_retry_until->timestamp, 1594887330);
	rc = r->recipients[2];
	assert_string_equal(rc->action, "expired");
	assert_null(rc->status);
	assert_string_equal(rc->status_raw, "5.9");
	assert_false(rc->last_attempt_date->valid);
	for (i = 0; i < r->n_problems; i++) {
		const struct dsng_mime_problem *p = &r->problems[i];
		if (strstr(p->message, "blank line")) {
			saw_blank = 1;
			assert_string_equal(p->field, "Final-Recipient");
			assert_int_equal(
			        p->offset,
			        (size_t)(strstr(in,
			                        "Final-Recipient: rfc822; b") -
			                 in));
		}
		if (strstr(p->message, "Action is not")) {
			saw_action = 1;
			assert_int_equal(
			        p->offset,
			        (size_t)(strstr(in, "Action: expired") - in));
		}
		if (strcmp(p->field, "Status") == 0 &&
		    strstr(p->message, "no valid"))
			saw_status = 1;
		if (strstr(p->message, "RFC 5322 date"))
			saw_date = 1;
	}
	assert_true(saw_blank && saw_action && saw_status && saw_date);
	talloc_free(r);
	unguard();
}

static void test_global_dsn_encoded_part(void **state)
{
	TALLOC_CTX *mem = *state;
	/* the report part base64-encoded (real MTAs do this) */
	static const char in[] =
	        HEAD "report-type=global-delivery-status; boundary=\"G\"\n\n"
	             "--G\nContent-Type: message/global-delivery-status\n"
	             "Content-Transfer-Encoding: base64\n\n"
	             /* Reporting-MTA: dns; mx\n\nFinal-Recipient: utf-8;
	              * j\xc3\xb6rg@x\n Original-Recipient: utf-8;
	              * j\x{F6}rg@x\nAction: failed\n Status: 5.1.1\n */
	             "UmVwb3J0aW5nLU1UQTogZG5zOyBteAoKRmluYWwtUmVjaXBpZW50OiB1d"
	             "GYtODsg\n"
	             "asO2cmdAeApPcmlnaW5hbC1SZWNpcGllbnQ6IHV0Zi04OyBqXHh7RjZ9c"
	             "mdAeApB\n"
	             "Y3Rpb246IGZhaWxlZApTdGF0dXM6IDUuMS4xCg==\n"
	             "--G\nContent-Type: message/global-headers\n\n"
	             "Subject: =?utf-8?q?gr=C3=BC=C3=9Fe?=\n"
	             "Received: from a\n by b\nReceived: from c\n\n"
	             "--G--\n";
	struct dsng_report *r;

	assert_int_equal(parse(mem, S(in), NULL, &r, NULL), DSNG_OK);
	assert_int_equal(r->kind, DSNG_REPORT_DSN);
	assert_true(r->global);
	assert_string_equal(r->report_type, "global-delivery-status");
	assert_string_equal(r->message->reporting_mta->value, "mx");
	assert_int_equal(r->n_recipients, 1);
	assert_string_equal(r->recipients[0]->final_recipient->type, "utf-8");
	assert_string_equal(r->recipients[0]->final_recipient->value,
	                    "j\xc3\xb6rg@x");
	assert_string_equal(r->recipients[0]->original_recipient->value,
	                    "j\xc3\xb6rg@x");
	assert_string_equal(r->recipients[0]->status, "5.1.1");
	assert_string_equal(r->returned->content_type,
	                    "message/global-headers");
	assert_string_equal(r->returned->subject, "gr\xc3\xbc\xc3\x9f"
	                                          "e");
	assert_int_equal(r->returned->n_received, 2);
	{
		char *v = dsng_mime_unfold(mem, NULL,
		                           r->returned->received[0]->value.ptr,
		                           r->returned->received[0]->value.len);
		assert_string_equal(v, "from a by b");
		talloc_free(v);
	}
	assert_null(r->human_text);
	assert_int_equal(r->n_problems, 0);
	talloc_free(r);
	unguard();
}

static void test_mdn(void **state)
{
	TALLOC_CTX *mem = *state;
	static const char in[] =
	        HEAD "report-type=disposition-notification; boundary=M\n\n"
	             "--M\nContent-Type: text/plain; charset=utf-8\n"
	             "Content-Transfer-Encoding: quoted-printable\n\nRead "
	             "=\nreceipt=2E\n"
	             "--M\nContent-Type: message/disposition-notification\n\n"
	             "Reporting-UA: mua.example; Mailer 1.0\n"
	             "Original-Recipient: rfc822;bob@example.org\n"
	             "Final-Recipient: rfc822; bob@example.org\n"
	             "Original-Message-ID: <123@example.org>\n"
	             "Disposition: manual-action/MDN-sent-manually; "
	             "displayed/error, warning\n"
	             "X-Other: kept\n"
	             "--M\nContent-Type: message/rfc822\n\n"
	             "Message-ID: <123@example.org>\nFrom: "
	             "=?utf-8?b?QsO2Yg==?= <b@x>\n\nbody\n"
	             "--M--\n";
	struct dsng_report *r;
	const struct dsng_report_mdn *d;

	assert_int_equal(parse(mem, S(in), NULL, &r, NULL), DSNG_OK);
	assert_int_equal(r->kind, DSNG_REPORT_MDN);
	assert_string_equal(dsng_report_kind_name(r->kind), "mdn");
	assert_null(r->message);
	assert_int_equal(r->n_recipients, 0);
	d = r->mdn;
	assert_non_null(d);
	assert_string_equal(d->reporting_ua->type, "mua.example");
	assert_string_equal(d->reporting_ua->value, "Mailer 1.0");
	assert_string_equal(d->original_recipient->value, "bob@example.org");
	assert_string_equal(d->final_recipient->value, "bob@example.org");
	assert_string_equal(d->original_message_id, "<123@example.org>");
	assert_string_equal(d->action_mode, "manual-action");
	assert_string_equal(d->sending_mode, "mdn-sent-manually");
	assert_string_equal(d->type, "displayed");
	assert_int_equal(d->n_modifiers, 2);
	assert_string_equal(d->modifiers[0], "error");
	assert_string_equal(d->modifiers[1], "warning");
	assert_int_equal(d->n_extensions, 1);
	assert_int_equal(r->human_text_len, 13);
	assert_memory_equal(r->human_text, "Read receipt.", 13);
	assert_string_equal(r->returned->content_type, "message/rfc822");
	assert_string_equal(r->returned->from, "B\xc3\xb6"
	                                       "b <b@x>");
	talloc_free(r);
	unguard();
}

static void test_not_a_report(void **state)
{
	TALLOC_CTX *mem = *state;
	struct dsng_report *r;

	assert_int_equal(parse(mem, S("From: x@y\nSubject: hi\n\nhello\n"),
	                       NULL, &r, NULL),
	                 DSNG_OK);
	assert_int_equal(r->kind, DSNG_REPORT_NONE);
	assert_string_equal(dsng_report_kind_name(r->kind), "none");
	assert_null(r->message);
	assert_null(r->returned);
	assert_int_equal(r->n_recipients, 0);
	talloc_free(r);
	unguard();
	/* a report whose close boundary never came: read, flagged */
	assert_int_equal(
	        parse(mem,
	              S(HEAD "boundary=T\n\n--T\n"
	                     "Content-Type: message/delivery-status\n\n"
	                     "Reporting-MTA: dns; m\n\n"
	                     "Final-Recipient: rfc822; a@b\n"
	                     "Action: failed\nStatus: 5.0.0\n"),
	              NULL, &r, NULL),
	        DSNG_OK);
	assert_int_equal(r->kind, DSNG_REPORT_DSN);
	assert_true(r->truncated);
	assert_int_equal(r->n_recipients, 1);
	assert_string_equal(r->recipients[0]->status, "5.0.0");
	talloc_free(r);
	unguard();
}

static void test_nul_and_base64_junk(void **state)
{
	TALLOC_CTX *mem = *state;
	/* the status part in base64 with junk between the quanta, and a NUL
	 * inside a field value */
	static const char in[] = HEAD
	        "boundary=J\n\n--J\nContent-Type: message/delivery-status\n"
	        "Content-Transfer-Encoding: base64\n\n"
	        "UmVwb3J0aW5nLU1UQTog!!"
	        "ZG5zOyBteAoK\x01RmluYWwtUmVjaXBpZW50OiBy\n"
	        "ZmM4MjI7IGFAYgpBY3Rpb246IGZhaWxlZApTdGF0dXM6IDUuMS4xCg==junk\n"
	        "--J\nContent-Type: text/rfc822-headers\n\nSubject: "
	        "a\0b\n\n--J--\n";
	struct dsng_report *r;

	assert_int_equal(parse(mem, S(in), NULL, &r, NULL), DSNG_OK);
	assert_int_equal(r->kind, DSNG_REPORT_DSN);
	assert_string_equal(r->message->reporting_mta->value, "mx");
	assert_int_equal(r->n_recipients, 1);
	assert_string_equal(r->recipients[0]->final_recipient->value, "a@b");
	assert_string_equal(r->recipients[0]->status, "5.1.1");
	/* the raw NUL is not cut silently: U+FFFD, and a problem there */
	assert_string_equal(r->returned->subject, "a\xEF\xBF\xBD"
	                                          "b");
	assert_int_equal(r->n_problems, 1);
	assert_string_equal(r->problems[0].field, "Subject");
	assert_int_equal(r->problems[0].offset,
	                 (size_t)(strstr(in, "Subject: a") - in) + 10);
	talloc_free(r);
	unguard();
	assert_int_equal(
	        parse(mem,
	              S(HEAD "boundary=K\n\n--K\n"
	                     "Content-Type: message/delivery-status\n\n"
	                     "Final-Recipient: rfc822; a\0@b\n"
	                     "Action: failed\n--K--\n"),
	              NULL, &r, NULL),
	        DSNG_OK);
	assert_string_equal(r->recipients[0]->final_recipient->value, "a");
	/* the NUL, then "recipient field in the per-message block" */
	assert_int_equal(r->n_problems, 2);
	assert_string_equal(r->problems[0].field, "Final-Recipient");
	assert_non_null(strstr(r->problems[0].message, "NUL"));
	assert_int_equal(r->problems[0].offset, 105);
	talloc_free(r);
	unguard();
}

static void test_problem_list_is_bounded(void **state)
{
	TALLOC_CTX *mem = *state;
	size_t len, i;
	char *in = talloc_array(mem, char, 64 * 1024);
	struct dsng_report *r;

	len = (size_t)sprintf(in,
	                      HEAD "boundary=P\n\n--P\n"
	                           "Content-Type: message/delivery-status\n\n");
	/* lines that are not fields, each in its own block */
	for (i = 0; i < 2000; i++)
		len += (size_t)sprintf(in + len, "junk\n\n");
	assert_int_equal(parse(mem, in, len, NULL, &r, NULL), DSNG_OK);
	unguard();
	assert_int_equal(r->n_problems, 257);
	assert_string_equal(r->problems[256].field, "problems");
	assert_string_equal(r->problems[256].message,
	                    "further problems not listed");
	talloc_free(r);
	talloc_free(in);
}

static void test_limits_leave_nothing(void **state)
{
	TALLOC_CTX *mem = *state;
	struct dsng_report_limits lim;
	struct dsng_report *r = (void *)1;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t blocks = talloc_total_blocks(mem), len, i;
	char *in = talloc_array(mem, char, 64 * 1024);

	assert_int_equal(
	        dsng_report_limits_init(&lim, DSNG_REPORT_LIMITS_VERSION), 0);
	lim.max_recipients = 3;
	len = (size_t)sprintf(in,
	                      HEAD "boundary=L\n\n--L\n"
	                           "Content-Type: message/delivery-status\n\n"
	                           "Reporting-MTA: dns; m\n");
	for (i = 0; i < 5; i++)
		len += (size_t)sprintf(
		        in + len, "\nFinal-Recipient: rfc822; a%zu@b\n", i);
	assert_int_equal(parse(mem, in, len, &lim, &r, &err), DSNG_ELIMIT);
	unguard();
	assert_null(r);
	assert_int_equal(err.kind, DSNG_ERR_RECIPIENT_LIMIT);
	assert_string_equal(err.limit, "max_recipients");
	assert_int_equal(err.offset, (size_t)(strstr(in, "a3@b") - in) - 25);
	assert_int_equal(parse(mem, S("\0\0"), NULL, &r, &err), DSNG_ESYNTAX);
	unguard();
	assert_int_equal(err.kind, DSNG_ERR_NOT_MAIL);
	assert_int_equal(dsng_report_parse(mem, &r, NULL, 5, NULL, &err),
	                 DSNG_EINVAL);
	talloc_free(in);
	assert_int_equal(talloc_total_blocks(mem), blocks);
}

static void test_dates(void **state)
{
	int64_t t;

	(void)state;
	assert_int_equal(dsng_report_date_parse(
	                         &t, S("Thu, 1 Jan 1970 00:00:00 +0000"), NULL),
	                 DSNG_OK);
	assert_int_equal(t, 0);
	assert_int_equal(
	        dsng_report_date_parse(
	                &t, S("Tue, 6 Jun 2006 17:53:01 -0400 (EDT)"), NULL),
	        DSNG_OK);
	assert_int_equal(t, 1149630781);
	/* no weekday, no seconds, two-digit year, obsolete zone */
	assert_int_equal(
	        dsng_report_date_parse(&t, S("29 Feb 04 12:00 EST"), NULL),
	        DSNG_OK);
	assert_int_equal(t, 1078074000);
	assert_int_equal(
	        dsng_report_date_parse(&t, S("32 Jan 2020 00:00 +0000"), NULL),
	        DSNG_ESYNTAX);
	assert_int_equal(
	        dsng_report_date_parse(&t, S("1 Foo 2020 00:00 +0000"), NULL),
	        DSNG_ESYNTAX);
	assert_int_equal(
	        dsng_report_date_parse(&t, S("1 Jan 2020 00:00 +01"), NULL),
	        DSNG_ESYNTAX);
	assert_int_equal(dsng_report_date_parse(&t, S(""), NULL), DSNG_ESYNTAX);
}

/* A report with one delivery-status part and `extra` more text parts:
 * 2 + extra MIME parts in all. */
static size_t report_with_parts(char *in, unsigned extra)
{
	size_t len;
	unsigned i;

	len = (size_t)sprintf(in,
	                      HEAD "boundary=L\n\n--L\n"
	                           "Content-Type: message/delivery-status\n\n"
	                           "Reporting-MTA: dns; m\n\n"
	                           "Final-Recipient: rfc822; a@b\n"
	                           "Action: failed\nStatus: 5.0.0\n");
	for (i = 0; i < extra; i++)
		len += (size_t)sprintf(in + len, "--L\n\ntext %u\n", i);
	len += (size_t)sprintf(in + len, "--L--\n");
	return len;
}

/* Report limits are versioned and point to MIME limits: NULL there means
 * the MIME defaults, a struct of the caller's own is honoured, and an
 * unknown version of either is refused. */
static void test_limits_versions_and_mime_pointer(void **state)
{
	TALLOC_CTX *mem = *state;
	const unsigned bad[] = {0, DSNG_REPORT_LIMITS_VERSION + 1, 0xffffffffu};
	const unsigned bad_mime[] = {0, DSNG_MIME_LIMITS_VERSION + 1};
	const struct dsng_report_limits def = DSNG_REPORT_LIMITS_INIT;
	struct dsng_report_limits lim, untouched;
	struct dsng_mime_limits mime = DSNG_MIME_LIMITS_INIT;
	struct dsng_report *r;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t blocks = talloc_total_blocks(mem), len, i;
	char *in = talloc_array(mem, char, 64 * 1024);
	unsigned v;

	assert_int_equal(def.version, DSNG_REPORT_LIMITS_VERSION);
	assert_null(def.mime);
	assert_int_equal(def.max_recipients, 1000);
	for (v = 1; v <= DSNG_REPORT_LIMITS_VERSION; v++) {
		memset(&lim, 0xA5, sizeof(lim));
		assert_int_equal(dsng_report_limits_init(&lim, v), DSNG_OK);
		assert_int_equal(lim.version, v);
		assert_null(lim.mime);
		assert_int_equal(lim.max_recipients, def.max_recipients);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&lim, 0xA5, sizeof(lim));
		memset(&untouched, 0xA5, sizeof(untouched));
		assert_int_equal(dsng_report_limits_init(&lim, bad[i]),
		                 DSNG_EINVAL);
		assert_memory_equal(&lim, &untouched, sizeof(lim));
	}
	assert_int_equal(dsng_report_limits_init(NULL, 1), DSNG_EINVAL);

	/* 102 parts: over the MIME default of 100 */
	len = report_with_parts(in, 100);
	lim = def;
	r = (void *)1;
	assert_int_equal(parse(mem, in, len, &lim, &r, &err), DSNG_ELIMIT);
	unguard();
	assert_null(r);
	assert_int_equal(err.kind, DSNG_ERR_PART_LIMIT);
	assert_string_equal(err.limit, "max_parts");
	/* the same with no limits at all */
	assert_int_equal(parse(mem, in, len, NULL, &r, &err), DSNG_ELIMIT);
	unguard();
	assert_string_equal(err.limit, "max_parts");
	/* the caller's MIME limits are used */
	mime.max_parts = 200;
	lim.mime = &mime;
	assert_int_equal(parse(mem, in, len, &lim, &r, &err), DSNG_OK);
	unguard();
	assert_int_equal(r->kind, DSNG_REPORT_DSN);
	assert_int_equal(r->mime->n_parts, 102);
	assert_int_equal(r->n_recipients, 1);
	talloc_free(r);
	/* and they can be stricter than the defaults */
	len = report_with_parts(in, 2);
	assert_int_equal(parse(mem, in, len, NULL, &r, &err), DSNG_OK);
	unguard();
	talloc_free(r);
	mime.max_parts = 3;
	assert_int_equal(parse(mem, in, len, &lim, &r, &err), DSNG_ELIMIT);
	unguard();
	assert_string_equal(err.limit, "max_parts");
	mime.max_parts = 100;
	mime.max_fields = 2;
	assert_int_equal(parse(mem, in, len, &lim, &r, &err), DSNG_ELIMIT);
	unguard();
	assert_int_equal(err.kind, DSNG_ERR_FIELD_LIMIT);
	assert_string_equal(err.limit, "max_fields");
	mime.max_fields = 1000;
	/* unknown versions, of either struct, are refused */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		lim = def;
		lim.version = bad[i];
		r = (void *)1;
		assert_int_equal(parse(mem, in, len, &lim, &r, &err),
		                 DSNG_EINVAL);
		unguard();
		assert_null(r);
		assert_int_equal(err.kind, DSNG_ERR_INVALID_ARGUMENT);
	}
	for (i = 0; i < sizeof(bad_mime) / sizeof(bad_mime[0]); i++) {
		lim = def;
		lim.mime = &mime;
		mime.version = bad_mime[i];
		r = (void *)1;
		assert_int_equal(parse(mem, in, len, &lim, &r, &err),
		                 DSNG_EINVAL);
		unguard();
		assert_null(r);
		assert_int_equal(err.kind, DSNG_ERR_INVALID_ARGUMENT);
	}
	/* every known version of both is accepted */
	for (v = 1; v <= DSNG_REPORT_LIMITS_VERSION; v++) {
		unsigned mv;
		for (mv = 1; mv <= DSNG_MIME_LIMITS_VERSION; mv++) {
			assert_int_equal(dsng_report_limits_init(&lim, v), 0);
			assert_int_equal(dsng_mime_limits_init(&mime, mv), 0);
			lim.mime = &mime;
			assert_int_equal(parse(mem, in, len, &lim, &r, &err),
			                 DSNG_OK);
			unguard();
			assert_int_equal(r->n_recipients, 1);
			talloc_free(r);
		}
	}
	talloc_free(in);
	assert_int_equal(talloc_total_blocks(mem), blocks);
}

static void test_date_errors(void **state)
{
	struct dsng_error err = DSNG_ERROR_INIT;
	int64_t t = 5;

	(void)state;
	assert_int_equal(
	        dsng_report_date_parse(&t, S("1 Jan 2020 25:00"), &err),
	        DSNG_ESYNTAX);
	assert_int_equal(err.rc, DSNG_ESYNTAX);
	assert_int_equal(err.kind, DSNG_ERR_SYNTAX);
	assert_int_equal(err.offset, 13);
	assert_int_equal(t, 5);
	assert_int_equal(dsng_report_date_parse(&t, NULL, 3, &err),
	                 DSNG_EINVAL);
	assert_int_equal(
	        dsng_report_date_parse(NULL, S("1 Jan 2020 00:00"), &err),
	        DSNG_EINVAL);
	assert_int_equal(err.kind, DSNG_ERR_INVALID_ARGUMENT);
	assert_int_equal(dsng_report_date_parse(&t, NULL, 0, NULL),
	                 DSNG_ESYNTAX);
}

int main(void)
{
#define T(f)                                                                   \
	cmocka_unit_test_setup_teardown(f, dsng_test_setup_ctx,                \
	                                dsng_test_teardown_ctx)
	const struct CMUnitTest tests[] = {
	        T(test_return_receipt),
	        T(test_fields_problems_extensions),
	        T(test_global_dsn_encoded_part),
	        T(test_mdn),
	        T(test_not_a_report),
	        T(test_nul_and_base64_junk),
	        T(test_problem_list_is_bounded),
	        T(test_limits_leave_nothing),
	        cmocka_unit_test(test_dates),
	        T(test_limits_versions_and_mime_pointer),
	        cmocka_unit_test(test_date_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
