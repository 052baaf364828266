/*
 * tests/test_report_fields.c - every field of RFC 3464 (2.2, 2.3), RFC
 * 6533 (utf-8 addresses) and RFC 8098 (3.2), from real reports of the
 * shared corpus (copied to tests/data/reports; the values below were
 * read off the messages) and from reports written here for what real
 * ones rarely carry: duplicates, misplaced fields, malformed values, and
 * the problems each gives.
 */
#include "dsng_test.h"

#define S(x) x, sizeof(x) - 1
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static struct dsng_report *parse_file(TALLOC_CTX *mem, const char *rel)
{
	size_t len;
	char *buf = dsng_test_load(mem, rel, &len);
	struct dsng_report *r;
	struct dsng_error err = DSNG_ERROR_INIT;

	if (dsng_report_parse(mem, &r, buf, len, NULL, &err) != DSNG_OK)
		fail_msg("%s: %s", rel, err.message);
	/* the report's spans point into buf: keep it with the report */
	talloc_steal(r, buf);
	return r;
}

/* Parse through a guard page (any read past the input faults). */
static struct dsng_report *parse_text(TALLOC_CTX *mem, const char *in,
                                      size_t len)
{
	const char *g = dsng_test_guard(in, len);
	struct dsng_report *r;
	struct dsng_error err = DSNG_ERROR_INIT;
	char *copy;

	if (dsng_report_parse(mem, &r, g, len, NULL, &err) != DSNG_OK)
		fail_msg("%s", err.message);
	/* keep the spans valid: reparse from a copy owned by the report */
	talloc_free(r);
	dsng_test_guard_free(g);
	copy = talloc_memdup(mem, in, len);
	assert_int_equal(dsng_report_parse(mem, &r, copy, len, NULL, &err),
	                 DSNG_OK);
	talloc_steal(r, copy);
	return r;
}

/* How many problems have this field and a message containing `what`. */
static size_t problems(const struct dsng_report *r, const char *field,
                       const char *what)
{
	size_t i, n = 0;

	for (i = 0; i < r->n_problems; i++)
		if ((!field || strcmp(r->problems[i].field, field) == 0) &&
		    strstr(r->problems[i].message, what))
			n++;
	return n;
}

static void typed_is(const struct dsng_report_typed *t, const char *type,
                     const char *value)
{
	assert_non_null(t);
	if (type)
		assert_string_equal(t->type, type);
	else
		assert_null(t->type);
	assert_string_equal(t->value, value);
}

/* amavisd-new: Received-From-MTA with a comment, dates with zone
 * comments, Final-Log-ID, text/rfc822-headers. */
static void test_amavis(void **state)
{
	struct dsng_report *r = parse_file(
	        *state, "reports/dsn/sisimai-bsd-lhost-amavis-01.eml");
	const struct dsng_report_recipient *rc;

	assert_int_equal(r->kind, DSNG_REPORT_DSN);
	assert_false(r->global);
	assert_string_equal(r->report_type, "delivery-status");
	assert_int_equal(r->n_problems, 0);
	typed_is(r->message->reporting_mta, "dns", "neko1.example.com");
	/* "mail.example.com ([127.0.0.1])": the comment is not the value */
	typed_is(r->message->received_from_mta, "smtp", "mail.example.com");
	assert_null(r->message->dsn_gateway);
	assert_null(r->message->original_envelope_id);
	assert_true(r->message->arrival_date->valid);
	assert_int_equal(r->message->arrival_date->timestamp,
	                 dsng_test_utc(2010, 4, 29, 23, 34, 45, 540));
	assert_int_equal(r->message->n_extensions, 0);
	assert_int_equal(r->n_recipients, 1);
	rc = r->recipients[0];
	typed_is(rc->original_recipient, "rfc822", "neko@example.co.jp");
	typed_is(rc->final_recipient, "rfc822", "neko@example.co.jp");
	assert_string_equal(rc->action, "failed");
	assert_string_equal(rc->status, "5.1.1");
	assert_string_equal(rc->status_raw, "5.1.1");
	typed_is(rc->remote_mta, "dns", "127.0.0.1");
	/* free text: the <address> and everything after "smtp;" kept */
	typed_is(rc->diagnostic_code, "smtp",
	         "550 5.1.1 <neko@example.co.jp>: Recipient address "
	         "rejected: User unknown in virtual mailbox table");
	assert_true(rc->last_attempt_date->valid);
	assert_int_equal(rc->last_attempt_date->timestamp,
	                 dsng_test_utc(2010, 4, 29, 23, 34, 45, 540));
	assert_null(rc->will_retry_until);
	assert_string_equal(rc->final_log_id, "02022-08/mDLeZEmP008628");
	assert_int_equal(rc->n_extensions, 0);
	/* the human part comes first, the returned headers after */
	assert_true(r->human_text_len > 0);
	assert_memory_equal(r->human_text,
	                    "The message WAS NOT relayed to:", 31);
	assert_string_equal(r->returned->content_type, "text/rfc822-headers");
	assert_string_equal(r->returned->return_path,
	                    "<kijitora@example.co.jp>");
	assert_string_equal(r->returned->to, "\"Neko\" <neko@example.co.jp>");
	assert_string_equal(r->returned->from,
	                    "\"Kijitora\" <kijitora@example.co.jp>");
	assert_string_equal(r->returned->subject, "Nyaan");
	/* "Message-Id": names match in any case */
	assert_string_equal(
	        r->returned->message_id,
	        "<Qdmail.0.0.0e_8ed60e1eb3e559f02254e3437c3110b1@example.net>");
	assert_string_equal(r->returned->date,
	                    "Thu, 29 Apr 2010 23:34:45 +0900 (JST)");
	assert_int_equal(r->returned->n_received, 1);
	talloc_free(r);
}

/* Postfix 3.7 global DSN: utf-8 addresses in raw UTF-8 (RFC 6533
 * utf-8-addr-unitext), extension fields, message/global returned. */
static void test_postfix_global(void **state)
{
	struct dsng_report *r = parse_file(
	        *state, "reports/dsn/postfix-3.7.11-gen-s08-failed-global.eml");
	const struct dsng_report_recipient *rc;

	assert_true(r->global);
	assert_int_equal(r->n_problems, 0);
	assert_string_equal(r->message->original_envelope_id, "env-s08");
	assert_int_equal(r->message->n_extensions, 2);
	assert_string_equal(r->message->extensions[0].name,
	                    "X-Postfix-Queue-ID");
	assert_string_equal(r->message->extensions[0].value, "693811040BD");
	assert_string_equal(r->message->extensions[1].name, "X-Postfix-Sender");
	assert_string_equal(r->message->extensions[1].value,
	                    "rfc822; dsnsender@example.test");
	assert_true(r->message->extensions[0].offset <
	            r->message->extensions[1].offset);
	assert_int_equal(r->n_recipients, 2);
	rc = r->recipients[0];
	typed_is(rc->final_recipient, "utf-8",
	         "nosuch\xc3\xbcser@example.test");
	typed_is(rc->original_recipient, "rfc822",
	         "nosuch\xc3\xbcser@example.test");
	/* the type is lower-cased, the value kept */
	typed_is(rc->diagnostic_code, "x-postfix",
	         "unknown user: \"nosuch\xc3\xbcser\"");
	assert_null(rc->remote_mta);
	rc = r->recipients[1];
	typed_is(rc->final_recipient, "utf-8", "unknown-j\xc3\xb6rg@utf8.test");
	/* folded over two lines: unfolded */
	typed_is(rc->diagnostic_code, "smtp",
	         "550 5.1.1 <unknown-j\xc3\xb6rg@utf8.test>: Recipient "
	         "address    rejected: User unknown in virtual mailbox "
	         "table");
	assert_true(rc->offset > r->recipients[0]->offset);
	assert_string_equal(r->returned->content_type, "message/global");
	assert_string_equal(r->returned->subject,
	                    "s08 SMTPUTF8 Gr\xc3\xbc\xc3\x9f"
	                    "e \xe2\x9c\x89");
	talloc_free(r);
}

/* Postfix delay notice: Will-Retry-Until on each recipient. */
static void test_postfix_delayed(void **state)
{
	struct dsng_report *r = parse_file(
	        *state, "reports/dsn/postfix-3.7.11-gen-s06-delayed.eml");
	size_t i;

	assert_int_equal(r->n_recipients, 2);
	for (i = 0; i < 2; i++) {
		const struct dsng_report_recipient *rc = r->recipients[i];
		assert_string_equal(rc->action, "delayed");
		assert_int_equal(rc->status[0], '4');
		assert_true(rc->will_retry_until->valid);
		assert_string_equal(rc->will_retry_until->text,
		                    "Sun, 29 Nov 2026 01:44:25 +0000");
		assert_int_equal(rc->will_retry_until->timestamp,
		                 dsng_test_utc(2026, 11, 29, 1, 44, 25, 0));
		assert_null(rc->last_attempt_date);
	}
	assert_string_equal(r->recipients[1]->status, "4.3.0");
	assert_string_equal(r->returned->subject, "s06 temp failures");
	talloc_free(r);
}

#define DSN_HEAD                                                               \
	"From: MAILER-DAEMON@mx.example.org\n"                                 \
	"Content-Type: multipart/report; report-type=delivery-status;\n"       \
	" boundary=\"b\"\n\n"                                                  \
	"--b\nContent-Type: message/delivery-status\n\n"

/* Every per-message field of RFC 3464 2.2 and every per-recipient field
 * of 2.3, written as the RFC does, in odd case and with comments. */
static void test_every_field(void **state)
{
	static const char in[] = DSN_HEAD
	        "original-envelope-id: QQ314159\n"
	        "REPORTING-MTA: dns; cs.utk.edu (the reporter)\n"
	        "DSN-Gateway: dns; gw.example.net\n"
	        "Received-From-MTA: dns; client.example.com\n"
	        "Arrival-Date: Tue, 1 Jul 2003 10:52:37 +0200\n"
	        "X-Vendor-Field: per message\n"
	        "\n"
	        "Original-Recipient: rfc822;louisl@larry.slip.umd.edu\n"
	        "Final-Recipient: RFC822; <louisl@larry.slip.umd.edu>\n"
	        "Action: FAILED (gave up)\n"
	        "Status: 4.0.0 (unknown temporary failure)\n"
	        "Remote-MTA: DNS; larry.slip.umd.edu\n"
	        "Diagnostic-Code: smtp; 426 connection timed out (after\n"
	        "\t3 tries)\n"
	        "Last-Attempt-Date: Thu, 7 Jul 1994 17:15:49 -0400\n"
	        "Will-Retry-Until: Fri, 8 Jul 1994 17:15:49 -0400\n"
	        "Final-Log-ID: q-1234 (queue)\n"
	        "X-Vendor-Recipient: per recipient\n"
	        "--b--\n";
	struct dsng_report *r = parse_text(*state, S(in));
	const struct dsng_report_message *m = r->message;
	const struct dsng_report_recipient *rc;

	assert_int_equal(r->n_problems, 0);
	assert_string_equal(m->original_envelope_id, "QQ314159");
	typed_is(m->reporting_mta, "dns", "cs.utk.edu");
	typed_is(m->dsn_gateway, "dns", "gw.example.net");
	typed_is(m->received_from_mta, "dns", "client.example.com");
	assert_int_equal(m->arrival_date->timestamp,
	                 dsng_test_utc(2003, 7, 1, 10, 52, 37, 120));
	assert_int_equal(m->n_extensions, 1);
	assert_string_equal(m->extensions[0].name, "X-Vendor-Field");
	assert_string_equal(m->extensions[0].value, "per message");
	assert_int_equal(r->n_recipients, 1);
	rc = r->recipients[0];
	typed_is(rc->original_recipient, "rfc822", "louisl@larry.slip.umd.edu");
	/* type lower-case, the <> some MTAs add removed */
	typed_is(rc->final_recipient, "rfc822", "louisl@larry.slip.umd.edu");
	assert_string_equal(rc->action, "failed");
	assert_string_equal(rc->status, "4.0.0");
	assert_string_equal(rc->status_raw,
	                    "4.0.0 (unknown temporary failure)");
	typed_is(rc->remote_mta, "dns", "larry.slip.umd.edu");
	/* diagnostic text keeps its parentheses: they are not comments */
	typed_is(rc->diagnostic_code, "smtp",
	         "426 connection timed out (after\t3 tries)");
	assert_int_equal(rc->last_attempt_date->timestamp,
	                 dsng_test_utc(1994, 7, 7, 17, 15, 49, -240));
	assert_int_equal(rc->will_retry_until->timestamp,
	                 dsng_test_utc(1994, 7, 8, 17, 15, 49, -240));
	/* Final-Log-ID is text: unfolded, nothing removed */
	assert_string_equal(rc->final_log_id, "q-1234 (queue)");
	assert_int_equal(rc->n_extensions, 1);
	assert_string_equal(rc->extensions[0].name, "X-Vendor-Recipient");
	assert_int_equal(rc->offset,
	                 (size_t)(strstr(in, "Original-Recipient") - in));
	talloc_free(r);
}

/* A field given twice: the last one counts, and it is a problem. */
static void test_duplicates(void **state)
{
	static const char in[] =
	        DSN_HEAD "Reporting-MTA: dns; first.example\n"
	                 "Reporting-MTA: dns; second.example\n"
	                 "Original-Envelope-Id: one\n"
	                 "Original-Envelope-Id: two\n\n"
	                 "Final-Recipient: rfc822; a@example.org\n"
	                 "Action: delayed\n"
	                 "Action: failed\n"
	                 "Status: 4.0.0\n"
	                 "Status: 5.0.0\n"
	                 "--b--\n";
	struct dsng_report *r = parse_text(*state, S(in));

	typed_is(r->message->reporting_mta, "dns", "second.example");
	assert_string_equal(r->message->original_envelope_id, "two");
	assert_int_equal(r->n_recipients, 1);
	assert_string_equal(r->recipients[0]->action, "failed");
	assert_string_equal(r->recipients[0]->status, "5.0.0");
	assert_string_equal(r->recipients[0]->status_raw, "5.0.0");
	assert_int_equal(problems(r, "Reporting-MTA", "repeated"), 1);
	assert_int_equal(problems(r, "Original-Envelope-Id", "repeated"), 1);
	assert_int_equal(problems(r, "Action", "repeated"), 1);
	assert_int_equal(problems(r, "Status", "repeated"), 1);
	assert_int_equal(r->n_problems, 4);
	talloc_free(r);
}

/* Fields in the wrong block, and blocks without blank lines between. */
static void test_misplaced_fields(void **state)
{
	static const char in[] = DSN_HEAD
	        /* a recipient field in the per-message block starts a
	         * recipient there */
	        "Reporting-MTA: dns; mx.example.org\n"
	        "Action: failed\n"
	        "Status: 5.1.1\n"
	        "\n\n\n"
	        /* a per-message field in a recipient block */
	        "Final-Recipient: rfc822; b@example.org\n"
	        "Arrival-Date: Tue, 1 Jul 2003 10:52:37 +0200\n"
	        "Action: failed\n"
	        "Status: 5.1.2\n"
	        "Original-Recipient: rfc822; c0@example.org\n"
	        /* with Final- and Original-Recipient set, another
	         * Original-Recipient starts the next recipient (no blank
	         * line: AOL) */
	        "Original-Recipient: rfc822; c@example.org\n"
	        "Final-Recipient: rfc822; c@example.org\n"
	        "Action: failed\n"
	        "Status: 5.1.3\n"
	        "--b--\n";
	struct dsng_report *r = parse_text(*state, S(in));

	assert_int_equal(r->n_recipients, 3);
	assert_null(r->recipients[0]->final_recipient);
	assert_string_equal(r->recipients[0]->status, "5.1.1");
	assert_int_equal(
	        problems(r, "Action", "recipient field in the per-message"), 1);
	assert_string_equal(r->recipients[1]->final_recipient->value,
	                    "b@example.org");
	assert_string_equal(r->recipients[1]->original_recipient->value,
	                    "c0@example.org");
	/* the per-message field still sets the per-message value */
	assert_true(r->message->arrival_date->valid);
	assert_int_equal(problems(r, "Arrival-Date",
	                          "per-message field in a recipient block"),
	                 1);
	assert_string_equal(r->recipients[2]->original_recipient->value,
	                    "c@example.org");
	assert_string_equal(r->recipients[2]->final_recipient->value,
	                    "c@example.org");
	assert_string_equal(r->recipients[2]->status, "5.1.3");
	assert_int_equal(problems(r, "Original-Recipient", "blank line"), 1);
	assert_int_equal(
	        r->recipients[2]->offset,
	        (size_t)(strstr(in, "Original-Recipient: rfc822; c@") - in));
	talloc_free(r);
}

/* Malformed values: each read around and named in a problem. */
static void test_malformed_values(void **state)
{
	static const char in[] =
	        DSN_HEAD "Reporting-MTA: mx.example.org\n\n"
	                 "Final-Recipient: a@example.org\n"
	                 "Action: bounced\n"
	                 "Status: 5.1.1 user unknown\n"
	                 "Remote-MTA: dns; mx.example.net\n\n"
	                 "Final-Recipient: rfc822; b@example.org\n"
	                 "Action: failed\n"
	                 "Status: bad\n"
	                 "Diagnostic-Code: no type here\n"
	                 "Last-Attempt-Date: yesterday\n\n"
	                 "Final-Recipient: rfc822; c@example.org\n"
	                 "Action: delivered\n"
	                 "Status: 2.0.0\n"
	                 "--b--\n";
	struct dsng_report *r = parse_text(*state, S(in));
	const struct dsng_report_recipient *rc;

	/* no "type;": the whole value, no type */
	typed_is(r->message->reporting_mta, NULL, "mx.example.org");
	assert_int_equal(problems(r, "Reporting-MTA", "type;"), 1);
	assert_int_equal(r->n_recipients, 3);
	rc = r->recipients[0];
	typed_is(rc->final_recipient, NULL, "a@example.org");
	assert_int_equal(problems(r, "Final-Recipient", "type;"), 1);
	/* not one of the five Actions: kept as written (lower-case) */
	assert_string_equal(rc->action, "bounced");
	assert_int_equal(problems(r, "Action", "five"), 1);
	/* the code is clear even with text after it */
	assert_string_equal(rc->status, "5.1.1");
	assert_string_equal(rc->status_raw, "5.1.1 user unknown");
	assert_int_equal(problems(r, "Status", "text after"), 1);
	rc = r->recipients[1];
	assert_null(rc->status);
	assert_string_equal(rc->status_raw, "bad");
	assert_int_equal(problems(r, "Status", "no valid"), 1);
	typed_is(rc->diagnostic_code, NULL, "no type here");
	assert_int_equal(problems(r, "Diagnostic-Code", "type;"), 1);
	assert_false(rc->last_attempt_date->valid);
	assert_string_equal(rc->last_attempt_date->text, "yesterday");
	assert_int_equal(problems(r, "Last-Attempt-Date", "date"), 1);
	rc = r->recipients[2];
	assert_string_equal(rc->action, "delivered");
	assert_string_equal(rc->status, "2.0.0");
	assert_int_equal(r->n_problems, 7);
	talloc_free(r);
}

/* Dates as MTAs write them: the common form with a zone comment, white
 * space and folds around it, and near misses of that form (two spaces, a
 * nested or quoted comment, a day that does not exist), each with the
 * text cleaning gives and the timestamp of dsng_report_date_parse. */
static void test_date_values(void **state)
{
	static const char in[] = DSN_HEAD
	        "Reporting-MTA: dns; mx.example.org\n"
	        "Arrival-Date: Thu, 15 Apr 2021 09:05:07 +0900 (JST)\n\n"
	        "Final-Recipient: rfc822; a@example.org\n"
	        "Action: failed\n"
	        "Last-Attempt-Date:\t 5 Feb 2024 09:05:07 -1200\t\n\n"
	        "Final-Recipient: rfc822; b@example.org\n"
	        "Action: failed\n"
	        "Last-Attempt-Date: Mon, 29 Feb 2024 23:59:60 +0000\n"
	        " (folded comment)\n\n"
	        "Final-Recipient: rfc822; c@example.org\n"
	        "Action: failed\n"
	        "Last-Attempt-Date: Sat,  9 Dec 2023 01:02:03 +0300 "
	        "(MSK)\n\n"
	        "Final-Recipient: rfc822; d@example.org\n"
	        "Action: failed\n"
	        "Last-Attempt-Date: Sat, 9 Dec 2023 01:02:03 +0300 "
	        "(a (b) c)\n\n"
	        "Final-Recipient: rfc822; e@example.org\n"
	        "Action: failed\n"
	        "Last-Attempt-Date: Sat, 9 Dec 2023 01:02:03 +0300 "
	        "(a \\) c)\n\n"
	        "Final-Recipient: rfc822; f@example.org\n"
	        "Action: failed\n"
	        "Last-Attempt-Date: Fri, 31 Apr 2021 09:05:07 +0900\n\n"
	        "Final-Recipient: rfc822; g@example.org\n"
	        "Action: failed\n"
	        "Last-Attempt-Date: Sat, 9 Dec 2023 01:02:03 +0300 x\n"
	        "--b--\n";
	static const struct {
		const char *text;
		int y, mo, d, h, mi, s, zone;
	} want[] = {
	        {"5 Feb 2024 09:05:07 -1200", 2024, 2, 5, 9, 5, 7, -720},
	        {"Mon, 29 Feb 2024 23:59:60 +0000", 2024, 2, 29, 23, 59, 60, 0},
	        {"Sat, 9 Dec 2023 01:02:03 +0300", 2023, 12, 9, 1, 2, 3, 180},
	        {"Sat, 9 Dec 2023 01:02:03 +0300", 2023, 12, 9, 1, 2, 3, 180},
	        {"Sat, 9 Dec 2023 01:02:03 +0300", 2023, 12, 9, 1, 2, 3, 180},
	        {"Fri, 31 Apr 2021 09:05:07 +0900", 0, 0, 0, 0, 0, 0, 0},
	        {"Sat, 9 Dec 2023 01:02:03 +0300 x", 2023, 12, 9, 1, 2, 3, 180},
	};
	struct dsng_report *r = parse_text(*state, S(in));
	const struct dsng_report_date *d = r->message->arrival_date;
	size_t i;

	assert_string_equal(d->text, "Thu, 15 Apr 2021 09:05:07 +0900");
	assert_true(d->valid);
	assert_int_equal(d->timestamp,
	                 dsng_test_utc(2021, 4, 15, 9, 5, 7, 540));
	assert_int_equal(r->n_recipients, N_OF(want));
	for (i = 0; i < N_OF(want); i++) {
		d = r->recipients[i]->last_attempt_date;
		assert_non_null(d);
		assert_string_equal(d->text, want[i].text);
		assert_int_equal(d->valid, want[i].y != 0);
		if (want[i].y)
			assert_int_equal(d->timestamp,
			                 dsng_test_utc(want[i].y, want[i].mo,
			                               want[i].d, want[i].h,
			                               want[i].mi, want[i].s,
			                               want[i].zone));
	}
	/* only the 31st of April is not a date */
	assert_int_equal(problems(r, "Last-Attempt-Date", "date"), 1);
	talloc_free(r);
}

/* Status values: the code alone (white space and a fold around it), a
 * code written with leading zeros (kept raw, given canonical), a comment
 * after it, and a NUL that cuts the raw text short of the cleaned one. */
static void test_status_values(void **state)
{
	static const char in[] =
	        DSN_HEAD "Reporting-MTA: dns; mx.example.org\n\n"
	                 "Final-Recipient: rfc822; a@example.org\n"
	                 "Action: failed\n"
	                 "Status:\t5.1.1 \n \n\n"
	                 "Final-Recipient: rfc822; b@example.org\n"
	                 "Action: failed\n"
	                 "Status: 5.01.001\n\n"
	                 "Final-Recipient: rfc822; c@example.org\n"
	                 "Action: failed\n"
	                 "Status: 4.4.7 (expired)\n\n"
	                 "Final-Recipient: rfc822; d@example.org\n"
	                 "Action: failed\n"
	                 "Status: 5.7.1\0x\n"
	                 "--b--\n";
	struct dsng_report *r = parse_text(*state, S(in));

	assert_int_equal(r->n_recipients, 4);
	assert_string_equal(r->recipients[0]->status, "5.1.1");
	assert_string_equal(r->recipients[0]->status_raw, "5.1.1");
	/* one string when the code is as written */
	assert_ptr_equal(r->recipients[0]->status,
	                 r->recipients[0]->status_raw);
	assert_string_equal(r->recipients[1]->status, "5.1.1");
	assert_string_equal(r->recipients[1]->status_raw, "5.01.001");
	assert_string_equal(r->recipients[2]->status, "4.4.7");
	assert_string_equal(r->recipients[2]->status_raw, "4.4.7 (expired)");
	assert_string_equal(r->recipients[3]->status, "5.7.1");
	assert_string_equal(r->recipients[3]->status_raw, "5.7.1");
	assert_int_equal(problems(r, "Status", "NUL"), 1);
	assert_int_equal(problems(r, "Status", "text after"), 1);
	assert_int_equal(problems(r, "Status", ""), 2);
	talloc_free(r);
}

/* RFC 6533 3: utf-8 addresses.  In a message/delivery-status only the
 * ASCII utf-8-addr-xtext form is valid ("\x{HEX}"); raw UTF-8
 * (utf-8-addr-unitext) needs message/global-delivery-status. */
static void test_utf8_addresses(void **state)
{
	static const char plain[] =
	        DSN_HEAD "Reporting-MTA: dns; mx.example.org\n\n"
	                 "Final-Recipient: utf-8; j\\x{F6}rg@example.org\n"
	                 "Original-Recipient: UTF-8; <\\x{1F600}@example.org>\n"
	                 "Action: failed\nStatus: 5.1.1\n\n"
	                 /* leading zero: not a HEXPOINT */
	                 "Final-Recipient: utf-8; j\\x{0F6}rg@example.org\n"
	                 "Action: failed\nStatus: 5.1.1\n\n"
	                 /* raw UTF-8 outside a global DSN */
	                 "Final-Recipient: utf-8; j\xc3\xb6rg@example.org\n"
	                 "Action: failed\nStatus: 5.1.1\n"
	                 "--b--\n";
	static const char global[] =
	        "Content-Type: multipart/report; "
	        "report-type=global-delivery-status; boundary=g\n\n"
	        "--g\nContent-Type: message/global-delivery-status\n\n"
	        "Reporting-MTA: dns; mx.example.org\n\n"
	        "Final-Recipient: utf-8; j\xc3\xb6rg@example.org\n"
	        "Original-Recipient: utf-8; j\\x{F6}rg@example.org\n"
	        "Action: failed\nStatus: 5.1.1\n\n"
	        /* not UTF-8 at all */
	        "Final-Recipient: utf-8; j\xf6rg@example.org\n"
	        "Action: failed\nStatus: 5.1.1\n"
	        "--g--\n";
	struct dsng_report *r = parse_text(*state, S(plain));

	assert_false(r->global);
	assert_int_equal(r->n_recipients, 3);
	typed_is(r->recipients[0]->final_recipient, "utf-8",
	         "j\xc3\xb6rg@example.org");
	/* type folded to lower case, <> removed, then decoded */
	typed_is(r->recipients[0]->original_recipient, "utf-8",
	         "\xf0\x9f\x98\x80@example.org");
	/* invalid: kept as written */
	typed_is(r->recipients[1]->final_recipient, "utf-8",
	         "j\\x{0F6}rg@example.org");
	typed_is(r->recipients[2]->final_recipient, "utf-8",
	         "j\xc3\xb6rg@example.org");
	assert_int_equal(problems(r, "Final-Recipient", "utf-8-addr-xtext"), 2);
	assert_int_equal(r->n_problems, 2);
	talloc_free(r);

	r = parse_text(*state, S(global));
	assert_true(r->global);
	typed_is(r->recipients[0]->final_recipient, "utf-8",
	         "j\xc3\xb6rg@example.org");
	typed_is(r->recipients[0]->original_recipient, "utf-8",
	         "j\xc3\xb6rg@example.org");
	typed_is(r->recipients[1]->final_recipient, "utf-8",
	         "j\xf6rg@example.org");
	assert_int_equal(problems(r, "Final-Recipient", "utf-8-addr-xtext"), 1);
	assert_int_equal(r->n_problems, 1);
	talloc_free(r);
}

/* Lines that are not fields, continuation lines that lost their indent,
 * a NUL in a value, CRLF line ends, the obsolete "Name : value". */
static void test_field_syntax(void **state)
{
	static const char in[] =
	        DSN_HEAD "Reporting-MTA : dns; mx.example.org\r\n"
	                 "\r\n"
	                 "   indented first line\r\n"
	                 "\r\n"
	                 "not a field\r\n"
	                 "Final-Recipient: rfc822; a@example.org\r\n"
	                 "Action: failed\r\n"
	                 "Status: 5.0.0\r\n"
	                 "Diagnostic-Code: smtp; 550 first line\r\n"
	                 "second line without indent\r\n"
	                 "--b--\r\n";
	struct dsng_report *r = parse_text(*state, S(in));

	/* RFC 5322 4.5.3: blanks before the colon */
	typed_is(r->message->reporting_mta, "dns", "mx.example.org");
	assert_int_equal(problems(r, "header", "without a field"), 1);
	assert_int_equal(problems(r, "delivery-status", "not a field"), 2);
	assert_int_equal(r->n_recipients, 1);
	typed_is(r->recipients[0]->diagnostic_code, "smtp",
	         "550 first line second line without indent");
	assert_int_equal(problems(r, "header", "leading white space"), 1);
	talloc_free(r);
}

/* RFC 5321 4.1.2 / RFC 5322 3.2.4: a quoted local part is kept as
 * written; parentheses in it are not comments, a quoted pair stays, a
 * fold inside the quotes loses its line break. */
static void test_quoted_addresses(void **state)
{
	static const char in[] = DSN_HEAD
	        "Reporting-MTA: dns; mx.example.org\n\n"
	        "Final-Recipient: rfc822; \"John (not a comment) Doe\"@x.org "
	        "(a comment)\n"
	        "Original-Recipient: rfc822; \"a\\\"b\"@x.org\n"
	        "Action: failed\nStatus: 5.1.1\n\n"
	        "Final-Recipient: rfc822; \"folded\n  local\"@x.org\n"
	        "Original-Recipient: rfc822; \"unterminated@x.org\n"
	        "Action: failed\nStatus: 5.1.1\n"
	        "--b--\n";
	struct dsng_report *r = parse_text(*state, S(in));

	assert_int_equal(r->n_recipients, 2);
	typed_is(r->recipients[0]->final_recipient, "rfc822",
	         "\"John (not a comment) Doe\"@x.org");
	typed_is(r->recipients[0]->original_recipient, "rfc822",
	         "\"a\\\"b\"@x.org");
	typed_is(r->recipients[1]->final_recipient, "rfc822",
	         "\"folded  local\"@x.org");
	typed_is(r->recipients[1]->original_recipient, "rfc822",
	         "\"unterminated@x.org");
	assert_int_equal(r->n_problems, 0);
	talloc_free(r);
}

/* A report without any recipient block, and a delivery-status part that
 * is not inside a multipart/report. */
static void test_report_structure(void **state)
{
	static const char none[] =
	        DSN_HEAD "Reporting-MTA: dns; mx.example.org\n"
	                 "Arrival-Date: Tue, 1 Jul 2003 10:52:37 +0200\n"
	                 "--b--\n";
	static const char mixed[] =
	        "Content-Type: multipart/mixed; boundary=m\n\n"
	        "--m\nContent-Type: text/plain\n\nhuman text\n"
	        "--m\nContent-Type: message/delivery-status\n\n"
	        "Reporting-MTA: dns; mx.example.org\n\n"
	        "Final-Recipient: rfc822; a@example.org\n"
	        "Action: failed\nStatus: 5.0.0\n"
	        "--m\nContent-Type: message/rfc822\n\n"
	        "Subject: =?iso-8859-1?q?gr=FC=DFe?=\n"
	        "To: =?utf-8?b?SsO2cmc=?= <j@example.org>\n"
	        "Received: from a by b\n\nbody\n"
	        "--m\nContent-Type: text/plain\n\nnot the human text\n"
	        "--m--\n";
	struct dsng_report *r = parse_text(*state, S(none));

	assert_int_equal(r->kind, DSNG_REPORT_DSN);
	assert_int_equal(r->n_recipients, 0);
	assert_int_equal(problems(r, "delivery-status", "no per-recipient"), 1);
	assert_null(r->returned);
	assert_null(r->human_text);
	talloc_free(r);

	r = parse_text(*state, S(mixed));
	assert_int_equal(r->kind, DSNG_REPORT_DSN);
	assert_null(r->report_type);
	assert_int_equal(
	        problems(r, "Content-Type", "outside multipart/report"), 1);
	assert_int_equal(r->n_recipients, 1);
	assert_int_equal(r->human_text_len, 10);
	assert_memory_equal(r->human_text, "human text", 10);
	assert_string_equal(r->returned->content_type, "message/rfc822");
	/* RFC 2047 words decoded */
	assert_string_equal(r->returned->subject, "gr\xc3\xbc\xc3\x9f"
	                                          "e");
	assert_string_equal(r->returned->to, "J\xc3\xb6rg <j@example.org>");
	assert_null(r->returned->message_id);
	assert_int_equal(r->returned->n_received, 1);
	talloc_free(r);
}

#define MDN_HEAD                                                               \
	"Content-Type: multipart/report; "                                     \
	"report-type=disposition-notification; boundary=m\n\n"                 \
	"--m\nContent-Type: message/disposition-notification\n\n"

/* RFC 8098 3.2.6: disposition-field = "Disposition" ":" OWS
 * disposition-mode OWS ";" OWS disposition-type [ OWS "/" OWS
 * disposition-modifier *( OWS "," OWS disposition-modifier ) ] */
static void test_mdn_dispositions(void **state)
{
	static const struct {
		const char *field;
		const char *action_mode, *sending_mode, *type;
		size_t n_mods;
		const char *mod0;
		int problem;
	} c[] = {
	        {"automatic-action/MDN-sent-automatically; deleted",
	         "automatic-action", "mdn-sent-automatically", "deleted", 0,
	         NULL, 0},
	        {"Manual-Action / MDN-Sent-Manually ; Displayed",
	         "manual-action", "mdn-sent-manually", "displayed", 0, NULL, 0},
	        {"automatic-action/MDN-sent-automatically; "
	         "processed/error , mailbox-terminated",
	         "automatic-action", "mdn-sent-automatically", "processed", 2,
	         "error", 0},
	        {"manual-action/MDN-sent-manually; dispatched (comment)",
	         "manual-action", "mdn-sent-manually", "dispatched", 0, NULL,
	         0},
	        /* no '/' in the mode: a problem, no sending mode */
	        {"manual-action; displayed", "manual-action", NULL, "displayed",
	         0, NULL, 1},
	        /* no ';': a problem, nothing set */
	        {"displayed", NULL, NULL, NULL, 0, NULL, 1},
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char *in = talloc_asprintf(*state,
		                           MDN_HEAD "Reporting-UA: ua.example\n"
		                                    "Disposition: %s\n--m--\n",
		                           c[i].field);
		struct dsng_report *r = parse_text(*state, in, strlen(in));
		const struct dsng_report_mdn *d = r->mdn;

		assert_int_equal(r->kind, DSNG_REPORT_MDN);
		if (c[i].action_mode)
			assert_string_equal(d->action_mode, c[i].action_mode);
		else
			assert_null(d->action_mode);
		if (c[i].sending_mode)
			assert_string_equal(d->sending_mode, c[i].sending_mode);
		else
			assert_null(d->sending_mode);
		if (c[i].type)
			assert_string_equal(d->type, c[i].type);
		else
			assert_null(d->type);
		assert_int_equal(d->n_modifiers, c[i].n_mods);
		if (c[i].mod0) {
			assert_string_equal(d->modifiers[0], c[i].mod0);
			assert_string_equal(d->modifiers[1],
			                    "mailbox-terminated");
		}
		/* "ua.example" without ";": the Reporting-UA problem */
		assert_int_equal(problems(r, "Reporting-UA", "type;"), 1);
		assert_int_equal(problems(r, "Disposition", ""), c[i].problem);
		/* an MDN without recipient fields is not a DSN problem */
		assert_int_equal(problems(r, NULL, "per-recipient"), 0);
		talloc_free(r);
		talloc_free(in);
	}
}

/* Fields an MDN has no place for, and MDN fields in a DSN, are
 * extensions; RFC 8098's own fields are read in any order. */
static void test_mdn_fields(void **state)
{
	static const char mdn[] = MDN_HEAD
	        "Final-Recipient: rfc822; Joe_Recipient@example.com\n"
	        "MDN-Gateway: smtp; gateway.example.com\n"
	        "Original-Message-ID: <199509192301.23456@example.org> (id)\n"
	        "Reporting-UA: joes-pc.cs.example.com; Foomail 97.1\n"
	        "Original-Recipient: rfc822; <Joe_Recipient@example.com>\n"
	        "Disposition: manual-action/MDN-sent-manually; displayed\n"
	        "Action: failed\n"
	        "X-MDN-Extension: yes\n"
	        "--m--\n";
	static const char dsn[] = DSN_HEAD
	        "Reporting-MTA: dns; mx.example.org\n"
	        "Reporting-UA: ua.example; Mailer\n\n"
	        "Final-Recipient: rfc822; a@example.org\n"
	        "Action: failed\nStatus: 5.0.0\n"
	        "Disposition: manual-action/MDN-sent-manually; displayed\n"
	        "--b--\n";
	struct dsng_report *r = parse_text(*state, S(mdn));
	const struct dsng_report_mdn *d = r->mdn;

	assert_null(r->message);
	typed_is(d->reporting_ua, "joes-pc.cs.example.com", "Foomail 97.1");
	typed_is(d->original_recipient, "rfc822", "Joe_Recipient@example.com");
	typed_is(d->final_recipient, "rfc822", "Joe_Recipient@example.com");
	/* comments removed */
	assert_string_equal(d->original_message_id,
	                    "<199509192301.23456@example.org>");
	assert_string_equal(d->type, "displayed");
	assert_int_equal(d->n_extensions, 3);
	assert_string_equal(d->extensions[0].name, "MDN-Gateway");
	assert_string_equal(d->extensions[0].value,
	                    "smtp; gateway.example.com");
	assert_string_equal(d->extensions[1].name, "Action");
	assert_string_equal(d->extensions[2].name, "X-MDN-Extension");
	assert_int_equal(r->n_problems, 0);
	talloc_free(r);

	r = parse_text(*state, S(dsn));
	assert_null(r->mdn);
	assert_int_equal(r->message->n_extensions, 1);
	assert_string_equal(r->message->extensions[0].name, "Reporting-UA");
	assert_int_equal(r->recipients[0]->n_extensions, 1);
	assert_string_equal(r->recipients[0]->extensions[0].name,
	                    "Disposition");
	assert_int_equal(r->n_problems, 0);
	talloc_free(r);
}

/* The recipient limit counts recipient groups, however they start. */
static void test_recipient_limit(void **state)
{
	TALLOC_CTX *mem = *state;
	static const char in[] =
	        DSN_HEAD "Reporting-MTA: dns; mx.example.org\n\n"
	                 "Final-Recipient: rfc822; a@example.org\n"
	                 "Final-Recipient: rfc822; b@example.org\n"
	                 "Final-Recipient: rfc822; c@example.org\n"
	                 "--b--\n";
	struct dsng_report_limits lim = DSNG_REPORT_LIMITS_INIT;
	struct dsng_report *r = (void *)1;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t blocks = talloc_total_blocks(mem);

	lim.max_recipients = 3;
	assert_int_equal(dsng_report_parse(mem, &r, S(in), &lim, &err),
	                 DSNG_OK);
	assert_int_equal(r->n_recipients, 3);
	talloc_free(r);
	lim.max_recipients = 2;
	assert_int_equal(dsng_report_parse(mem, &r, S(in), &lim, &err),
	                 DSNG_ELIMIT);
	assert_null(r);
	assert_int_equal(err.rc, DSNG_ELIMIT);
	assert_int_equal(err.kind, DSNG_ERR_RECIPIENT_LIMIT);
	assert_string_equal(err.limit, "max_recipients");
	assert_int_equal(err.offset, (size_t)(strstr(in, "Final-Recipient: "
	                                                 "rfc822; c@") -
	                                      in));
	lim.max_recipients = 0;
	assert_int_equal(dsng_report_parse(mem, &r, S(in), &lim, &err),
	                 DSNG_ELIMIT);
	assert_int_equal(talloc_total_blocks(mem), blocks);
}

static void test_arguments(void **state)
{
	TALLOC_CTX *mem = *state;
	struct dsng_report *r = (void *)1;
	struct dsng_error err = DSNG_ERROR_INIT;

	assert_int_equal(dsng_report_parse(mem, NULL, S("a: b\n"), NULL, &err),
	                 DSNG_EINVAL);
	assert_int_equal(err.kind, DSNG_ERR_INVALID_ARGUMENT);
	assert_int_equal(dsng_report_parse(mem, &r, NULL, 4, NULL, &err),
	                 DSNG_EINVAL);
	assert_null(r);
	/* empty input is not mail */
	assert_int_equal(dsng_report_parse(mem, &r, NULL, 0, NULL, &err),
	                 DSNG_ESYNTAX);
	assert_int_equal(err.kind, DSNG_ERR_NOT_MAIL);
	assert_null(r);
}

int main(void)
{
#define T(f)                                                                   \
	cmocka_unit_test_setup_teardown(f, dsng_test_setup_ctx,                \
	                                dsng_test_teardown_ctx)
	const struct CMUnitTest tests[] = {
	        T(test_amavis),           T(test_postfix_global),
	        T(test_postfix_delayed),  T(test_every_field),
	        T(test_duplicates),       T(test_misplaced_fields),
	        T(test_malformed_values), T(test_date_values),
	        T(test_status_values),    T(test_utf8_addresses),
	        T(test_field_syntax),     T(test_quoted_addresses),
	        T(test_report_structure), T(test_mdn_dispositions),
	        T(test_mdn_fields),       T(test_recipient_limit),
	        T(test_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
