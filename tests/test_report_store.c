/*
 * tests/test_report_store.c - the store a report's field values live in
 * (lib/report_store.c): strings come back equal to what was given, equal
 * ones share a copy, strings that only look alike (same length, same
 * first and last eight bytes, NULs inside) never do, objects are zeroed,
 * aligned and never overlap the strings; and through dsng_report_parse,
 * what is shared between recipients (values, typed fields, dates) still
 * reads right, still notes every field's problems, and the recipient
 * array is cut to its count.
 */
#include "dsng_test.h"

#include "report_int.h"

#define S(x) x, sizeof(x) - 1

static void test_strings(void **state)
{
	struct dsng__store st;
	char buf[64], *a, *b;
	size_t n, i;

	dsng__store_init(&st, *state);
	/* every length around the key's cases (0, 1-3, 4-7, 8-16, longer) */
	for (n = 0; n < sizeof(buf); n++) {
		for (i = 0; i < n; i++)
			buf[i] = (char)('a' + (i * 7 + n) % 26);
		a = dsng__store_str(&st, buf, n);
		assert_non_null(a);
		assert_memory_equal(a, buf, n);
		assert_int_equal(a[n], 0);
		/* the same string again: the same copy */
		b = dsng__store_str(&st, buf, n);
		assert_ptr_equal(a, b);
	}
	/* a short one still held after many others: still right */
	a = dsng__store_str(&st, S("failed"));
	for (i = 0; i < 1000; i++) {
		n = (size_t)snprintf(buf, sizeof(buf), "user%zu@example.org",
		                     i);
		b = dsng__store_str(&st, buf, n);
		assert_non_null(b);
		assert_string_equal(b, buf);
	}
	b = dsng__store_str(&st, S("failed"));
	assert_string_equal(b, "failed");
	assert_string_equal(a, "failed");
}

/* Strings the key alone cannot tell apart are compared whole. */
static void test_lookalikes(void **state)
{
	struct dsng__store st;
	char *a, *b, *c, *d;

	dsng__store_init(&st, *state);
	/* 17+ bytes, same first and last 8 */
	a = dsng__store_str(&st, S("abcdefgh-1-ijklmnop"));
	b = dsng__store_str(&st, S("abcdefgh-2-ijklmnop"));
	assert_ptr_not_equal(a, b);
	assert_string_equal(a, "abcdefgh-1-ijklmnop");
	assert_string_equal(b, "abcdefgh-2-ijklmnop");
	assert_ptr_equal(dsng__store_str(&st, S("abcdefgh-1-ijklmnop")), a);
	assert_ptr_equal(dsng__store_str(&st, S("abcdefgh-2-ijklmnop")), b);
	/* NULs inside, and a prefix of another string */
	c = dsng__store_str(&st, S("a\0b"));
	d = dsng__store_str(&st, S("a\0c"));
	assert_ptr_not_equal(c, d);
	assert_memory_equal(c, "a\0b", 4);
	assert_memory_equal(d, "a\0c", 4);
	c = dsng__store_str(&st, S("abc"));
	d = dsng__store_str(&st, "abc", 2);
	assert_ptr_not_equal(c, d);
	assert_string_equal(c, "abc");
	assert_string_equal(d, "ab");
	/* the empty string is a string */
	c = dsng__store_str(&st, "", 0);
	assert_non_null(c);
	assert_int_equal(c[0], 0);
}

static void test_objects(void **state)
{
	struct dsng__store st;
	unsigned char *o[200];
	char *s[200], big[5000];
	size_t i, k;

	dsng__store_init(&st, *state);
	memset(big, 'B', sizeof(big));
	for (i = 0; i < 200; i++) {
		size_t n = 8 + i % 97; /* not multiples of 8 */
		o[i] = dsng__store_obj(&st, n);
		assert_non_null(o[i]);
		assert_int_equal((uintptr_t)o[i] % 8, 0);
		for (k = 0; k < n; k++)
			assert_int_equal(o[i][k], 0);
		memset(o[i], 0xa5, n);
		/* strings between the objects, one bigger than any block */
		s[i] = dsng__store_str(&st, big, i == 100 ? sizeof(big) : i);
		assert_non_null(s[i]);
	}
	/* writing the objects touched no string */
	for (i = 0; i < 200; i++) {
		size_t n = i == 100 ? sizeof(big) : i;
		assert_memory_equal(s[i], big, n);
		assert_int_equal(s[i][n], 0);
	}
	/* an object bigger than half a block */
	o[0] = dsng__store_obj(&st, 3000);
	assert_non_null(o[0]);
	assert_int_equal(o[0][2999], 0);
}

static struct dsng_report *parse(TALLOC_CTX *mem, const char *in)
{
	struct dsng_report *r;
	struct dsng_error err = DSNG_ERROR_INIT;

	if (dsng_report_parse(mem, &r, in, strlen(in), NULL, &err) != DSNG_OK)
		fail_msg("%s", err.message);
	return r;
}

static size_t problems(const struct dsng_report *r, const char *field,
                       const char *what)
{
	size_t i, n = 0;

	for (i = 0; i < r->n_problems; i++)
		if (strcmp(r->problems[i].field, field) == 0 &&
		    strstr(r->problems[i].message, what))
			n++;
	return n;
}

#define HEAD                                                                   \
	"From: MAILER-DAEMON@mx.example.org\n"                                 \
	"MIME-Version: 1.0\n"                                                  \
	"Content-Type: multipart/report; report-type=delivery-status;\n"       \
	"  boundary=B\n\n--B\nContent-Type: text/plain\n\nfailed\n"            \
	"--B\nContent-Type: message/delivery-status\n\n"                       \
	"Reporting-MTA: dns; mx.example.org\n"

static const char four[] =
        HEAD "\nFinal-Recipient: rfc822; a@example.net\n"
             "Original-Recipient: rfc822;a@example.net\n"
             "Action: FAILED\nStatus: 5.1.1\n"
             "Remote-MTA: dns; mx1.example.net\n"
             "Last-Attempt-Date: Sun, 29 Nov 2026 01:44:30 +0000\n"
             "Will-Retry-Until: yesterday\n"
             "\nFinal-Recipient: rfc822; b@example.net\n"
             "Action: failed\nStatus: 5.1.1\n"
             "Remote-MTA: dns; mx1.example.net\n"
             "Last-Attempt-Date: Sun, 29 Nov 2026 01:44:30 +0000\n"
             "Will-Retry-Until: yesterday\n"
             "\nFinal-Recipient: rfc822; c@example.net\n"
             "Action: failed\nStatus: 5.1.1\n"
             "Remote-MTA: dns; mx1.example.net\n"
             "Last-Attempt-Date: Sun, 29 Nov 2026 01:44:30 +0000\n"
             "\nFinal-Recipient: rfc822; d@example.net\n"
             "Action: delayed\nStatus: 4.4.1\n"
             "Remote-MTA: DNS; mx2.example.net\n"
             "Last-Attempt-Date: Sun, 29 Nov 2026 01:44:31 +0000\n"
             "--B--\n";

/* 1 to 12 recipients: each in order; past the 4 carved from the store
 * the array is a chunk of its own, cut to its count once the report is
 * read. */
static void test_recipient_counts(void **state)
{
	char in[4096];
	size_t n, k;

	for (n = 1; n <= 12; n++) {
		struct dsng_report *r;
		size_t len = (size_t)snprintf(in, sizeof(in), "%s", HEAD);
		for (k = 0; k < n; k++)
			len += (size_t)snprintf(
			        in + len, sizeof(in) - len,
			        "\nFinal-Recipient: rfc822; "
			        "r%zu@example.net\n"
			        "Action: failed\nStatus: 5.1.1\n",
			        k);
		snprintf(in + len, sizeof(in) - len, "--B--\n");
		r = parse(*state, in);
		assert_int_equal(r->n_recipients, n);
		for (k = 0; k < n; k++) {
			char want[32];
			snprintf(want, sizeof(want), "r%zu@example.net", k);
			assert_string_equal(
			        r->recipients[k]->final_recipient->value, want);
		}
		if (n > 4)
			assert_int_equal(talloc_get_size(r->recipients),
			                 n * sizeof(r->recipients[0]));
		talloc_free(r);
	}
}

static void test_shared_fields(void **state)
{
	struct dsng_report *r = parse(*state, four);
	const struct dsng_report_recipient *a, *b, *c, *d;

	assert_int_equal(r->n_recipients, 4);
	/* up to 4 recipients the array is carved from the report's store
	 * (no chunk of its own: test_recipient_counts checks the rest) */
	a = r->recipients[0];
	b = r->recipients[1];
	c = r->recipients[2];
	d = r->recipients[3];
	assert_string_equal(a->final_recipient->value, "a@example.net");
	assert_string_equal(b->final_recipient->value, "b@example.net");
	assert_string_equal(c->final_recipient->value, "c@example.net");
	assert_string_equal(d->final_recipient->value, "d@example.net");
	/* Original-Recipient equal to Final-Recipient: one typed field */
	assert_ptr_equal(a->original_recipient, a->final_recipient);
	assert_null(b->original_recipient);
	/* values repeated across recipients: one copy (the cache is used
	 * from the second recipient on) */
	assert_string_equal(a->action, "failed");
	assert_string_equal(b->action, "failed");
	assert_ptr_equal(b->action, c->action);
	assert_string_equal(d->action, "delayed");
	assert_string_equal(a->status, "5.1.1");
	assert_ptr_equal(b->status, c->status);
	assert_ptr_equal(b->status, b->status_raw);
	assert_string_equal(d->status, "4.4.1");
	/* a typed field or a date equal to the last of its kind: one
	 * struct, from the first recipient on */
	assert_ptr_equal(a->remote_mta, b->remote_mta);
	assert_ptr_equal(b->remote_mta, c->remote_mta);
	assert_string_equal(a->remote_mta->type, "dns");
	assert_string_equal(a->remote_mta->value, "mx1.example.net");
	assert_ptr_not_equal(d->remote_mta, c->remote_mta);
	assert_string_equal(d->remote_mta->type, "dns"); /* lower-cased */
	assert_string_equal(d->remote_mta->value, "mx2.example.net");
	assert_ptr_equal(a->last_attempt_date, b->last_attempt_date);
	assert_ptr_equal(b->last_attempt_date, c->last_attempt_date);
	assert_true(a->last_attempt_date->valid);
	assert_true(d->last_attempt_date->valid);
	assert_ptr_not_equal(d->last_attempt_date, c->last_attempt_date);
	assert_int_equal(d->last_attempt_date->timestamp,
	                 a->last_attempt_date->timestamp + 1);
	/* a shared bad date still notes each field that holds it */
	assert_ptr_equal(a->will_retry_until, b->will_retry_until);
	assert_false(a->will_retry_until->valid);
	assert_string_equal(a->will_retry_until->text, "yesterday");
	assert_int_equal(
	        problems(r, "Will-Retry-Until", "not an RFC 5322 date"), 2);
	assert_null(c->will_retry_until);
}

/* A value's problem is noted for every field, shared or not. */
static void test_shared_problems(void **state)
{
	struct dsng_report *r =
	        parse(*state, HEAD "\nFinal-Recipient: a@example.net\n"
	                           "Action: failed\nStatus: 5.1.1\n"
	                           "Remote-MTA: mx.example.net\n"
	                           "\nFinal-Recipient: a@example.net\n"
	                           "Action: failed\nStatus: 5.1.1\n"
	                           "Remote-MTA: mx.example.net\n"
	                           "--B--\n");

	assert_int_equal(r->n_recipients, 2);
	assert_ptr_equal(r->recipients[0]->final_recipient,
	                 r->recipients[1]->final_recipient);
	assert_null(r->recipients[1]->final_recipient->type);
	assert_string_equal(r->recipients[1]->final_recipient->value,
	                    "a@example.net");
	assert_int_equal(problems(r, "Final-Recipient", "no \"type;\""), 2);
	assert_int_equal(problems(r, "Remote-MTA", "no \"type;\""), 2);
}

int main(void)
{
#define T(f)                                                                   \
	cmocka_unit_test_setup_teardown(f, dsng_test_setup_ctx,                \
	                                dsng_test_teardown_ctx)
	const struct CMUnitTest tests[] = {
	        T(test_strings),          T(test_lookalikes),
	        T(test_objects),          T(test_shared_fields),
	        T(test_recipient_counts), T(test_shared_problems),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
