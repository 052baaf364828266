/*
 * tests/test_maillog_join.c - the streaming scanner: whole logs joined into
 * DSN events with exact fields, the summary, any chunking giving the same
 * result, garbage counting, bounded memory (eviction, pending cap), and
 * the API's error paths.
 */
#include <stdio.h>

#include "dsng_maillog_scan.h"
#include "dsng_test.h"

#define EXAMPLES DSNG_SOURCE_DIR "/examples/data/"

/* Scan data fed in chunks of `chunk` bytes (0 = all at once). */
static struct dsng_test_scan *scan(TALLOC_CTX *mem, const char *data,
                                   size_t len, size_t chunk,
                                   const struct dsng_maillog_opts *opts)
{
	struct dsng_test_scan *r = talloc_zero(mem, struct dsng_test_scan);
	struct dsng_maillog *s;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t off = 0;

	assert_int_equal(dsng_maillog_new(r, &s, opts, &err), 0);
	if (!chunk)
		chunk = len ? len : 1;
	while (off < len) {
		size_t n = len - off < chunk ? len - off : chunk;
		const char *g = dsng_test_guard(data + off, n);
		assert_int_equal(dsng_maillog_feed(s, g, n, &err), 0);
		dsng_test_guard_free(g);
		dsng_test_scan_take(s, r, r);
		off += n;
	}
	assert_int_equal(dsng_maillog_finish(s, &err), 0);
	dsng_test_scan_take(s, r, r);
	assert_int_equal(dsng_maillog_summary(r, &r->sum, s, &err), 0);
	talloc_free(s);
	return r;
}

static struct dsng_test_scan *scan_file(TALLOC_CTX *mem, const char *path,
                                        size_t chunk)
{
	size_t len;
	char *buf = dsng_test_load(mem, path, &len);
	struct dsng_test_scan *r = scan(mem, buf, len, chunk, NULL);

	talloc_free(buf);
	return r;
}

static void str_eq(const char *got, const char *want)
{
	if (!want)
		assert_null(got);
	else
		assert_string_equal(got, want);
}

static void event_is(const struct dsng_maillog_event *e,
                     enum dsng_maillog_mta mta, enum dsng_dsn_kind kind,
                     const char *orig, const char *dsn, const char *to,
                     const char *from, const char *caddr, const char *service)
{
	assert_int_equal(e->mta, mta);
	assert_int_equal(e->kind, kind);
	str_eq(e->orig_queue_id, orig);
	str_eq(e->dsn_queue_id, dsn);
	str_eq(e->to, to);
	str_eq(e->orig_from, from);
	str_eq(e->client_addr, caddr);
	str_eq(e->service, service);
}

/* examples/data/postfix-dsn.log: a real Postfix 3.7 log
 * (tests/e2e/make-example-logs.sh). */
static void test_postfix_example(void **state)
{
	struct dsng_test_scan *r =
	        scan_file(*state, EXAMPLES "postfix-dsn.log", 0);
	struct dsng_maillog_event **e = r->ev;
	struct dsng_maillog_summary *s = r->sum;

	assert_int_equal(r->n, 6);
	/* the stranger's forged sender gets the receipt (backscatter) */
	event_is(e[0], DSNG_MAILLOG_POSTFIX, DSNG_DSN_SUCCESS, "3F6F0A98F38",
	         "57D40A98494", "victim@example.test", "victim@example.test",
	         "127.0.0.2", "smtpd");
	str_eq(e[0]->time, "Dec 02 03:55:20");
	str_eq(e[0]->host, "mx");
	str_eq(e[0]->text, "sender delivery status notification");
	str_eq(e[0]->client_name, "unknown");
	assert_int_equal(e[0]->n_orig_rcpts, 1);
	str_eq(e[0]->orig_rcpts[0], "rcpt@example.test");
	assert_int_equal(e[0]->line, 16);
	assert_int_equal(e[1]->n_orig_rcpts, 2);
	str_eq(e[1]->orig_rcpts[1], "sender@example.test");
	/* delivered by SMTP to a server without DSN: the notice says relayed */
	event_is(e[2], DSNG_MAILLOG_POSTFIX, DSNG_DSN_RELAYED, "70570A98F49",
	         "92D7FA98F4D", "alice@example.test", "alice@example.test",
	         "127.0.0.2", "submission/smtpd");
	str_eq(e[2]->sasl_username, "alice@example.test");
	event_is(e[3], DSNG_MAILLOG_POSTFIX, DSNG_DSN_FAILURE, "10C6BA98F52",
	         "35B3DA98F55", "sender@example.test", "sender@example.test",
	         "127.0.0.1", "smtpd");
	event_is(e[4], DSNG_MAILLOG_POSTFIX, DSNG_DSN_SUCCESS, "455EEA98F56",
	         "48699A98F58", "root@example.test", "root@example.test", NULL,
	         "pickup");
	event_is(e[5], DSNG_MAILLOG_POSTFIX, DSNG_DSN_DELAY, "E1958A98F58",
	         "0D91CA98F61", "sender@example.test", "sender@example.test",
	         "127.0.0.1", "smtpd");

	assert_int_equal(s->events, 6);
	assert_int_equal(s->lines, 82);
	assert_int_equal(s->garbage, 0);
	assert_int_equal(s->by_kind[DSNG_DSN_SUCCESS], 3);
	assert_int_equal(s->by_kind[DSNG_DSN_RELAYED], 1);
	assert_int_equal(s->n_by_recipient, 4);
	str_eq(s->by_recipient[0]->key, "victim@example.test");
	assert_int_equal(s->by_recipient[0]->count, 2);
	assert_int_equal(s->by_recipient[0]->receipts, 2);
	str_eq(s->by_recipient[1]->key, "sender@example.test");
	assert_int_equal(s->by_recipient[1]->receipts, 0);
	assert_int_equal(s->n_by_client, 3);
	str_eq(s->by_client[0]->key, "127.0.0.2");
	str_eq(s->by_client[0]->name, "unknown");
	assert_int_equal(s->by_client[0]->count, 3);
	/* the local submission has no address; it is named by its service */
	str_eq(s->by_client[2]->key, NULL);
	str_eq(s->by_client[2]->name, "pickup");
	assert_true(s->counts_exact);
	assert_int_equal(s->evicted_recipients, 0);
	assert_int_equal(s->evicted_clients, 0);
	talloc_free(r);
}

/* examples/data/sendmail-dsn.log: a real sendmail 8.17 log (the same
 * script; its syslog lines as rsyslog writes them). */
static void test_sendmail_example(void **state)
{
	struct dsng_test_scan *r =
	        scan_file(*state, EXAMPLES "sendmail-dsn.log", 0);
	struct dsng_maillog_event **e = r->ev;

	assert_int_equal(r->n, 6);
	event_is(e[0], DSNG_MAILLOG_SENDMAIL, DSNG_DSN_SUCCESS,
	         "6B23tRxf024832", "6B23tRxf024836", "victim@example.test",
	         "victim@example.test", "127.0.0.2", "MTA");
	/* relay=[127.0.0.2]: no name */
	str_eq(e[0]->client_name, NULL);
	str_eq(e[0]->text, "DSN: Return receipt");
	assert_int_equal(e[1]->n_orig_rcpts, 2);
	str_eq(e[1]->orig_rcpts[1], "sender@example.test");
	/* a receipt for a message sent on to a server without DSN: sendmail
	 * logs "Return receipt", the delivery's mailer=smtp says relayed */
	event_is(e[2], DSNG_MAILLOG_SENDMAIL, DSNG_DSN_RELAYED,
	         "6B23tSX4025159", "6B23tTX4025163", "sender@example.test",
	         "sender@example.test", "127.0.0.1", "MTA");
	str_eq(e[2]->client_name, "localhost");
	event_is(e[3], DSNG_MAILLOG_SENDMAIL, DSNG_DSN_FAILURE,
	         "6B23tTgF025286", "6B23tTgF025288", "sender@example.test",
	         "sender@example.test", "127.0.0.1", "MTA");
	/* sendmail -N success run by root: the local user is the client */
	event_is(e[4], DSNG_MAILLOG_SENDMAIL, DSNG_DSN_SUCCESS,
	         "6B23tT9R025295", "6B23tT9Q025323", "root@example.test",
	         "root@example.test", NULL, "local");
	str_eq(e[4]->client_name, "root@localhost");
	event_is(e[5], DSNG_MAILLOG_SENDMAIL, DSNG_DSN_DELAY, "6B23tUBZ025468",
	         "6B23tXBa025947", "sender@example.test", "sender@example.test",
	         "127.0.0.1", "MTA");
	assert_int_equal(r->sum->garbage, 0);
	talloc_free(r);
}

static void test_exim_example(void **state)
{
	struct dsng_test_scan *r =
	        scan_file(*state, EXAMPLES "exim-dsn.log", 0);
	struct dsng_maillog_event **e = r->ev;

	assert_int_equal(r->n, 3);
	event_is(e[0], DSNG_MAILLOG_EXIM, DSNG_DSN_SUCCESS, "1vQfAb-000Jkl-2x",
	         "1vQfAc-000Jkn-3y", "victim@victim.example",
	         "victim@victim.example", "203.0.113.66", "esmtp");
	str_eq(e[0]->client_port, "40122");
	str_eq(e[0]->host, NULL);
	str_eq(e[0]->time, "2026-11-29 03:00:01");
	event_is(e[1], DSNG_MAILLOG_EXIM, DSNG_DSN_FAILURE, "1vQfFg-000Jm1-0a",
	         "1vQfFh-000Jm5-1b", "alice@example.test", "alice@example.test",
	         "192.0.2.50", "esmtpsa");
	event_is(e[2], DSNG_MAILLOG_EXIM, DSNG_DSN_DELAY, "1vQfKa-000Jn2-4c",
	         "1vRz9q-000Kx1-5d", "billing@example.test",
	         "billing@example.test", "192.0.2.10", "esmtp");
	talloc_free(r);
}

static void test_rfc3339_rfc5424_and_postmaster(void **state)
{
	struct dsng_test_scan *r =
	        scan_file(*state, "logs/postfix-rfc3339.log", 0);
	struct dsng_maillog_event **e = r->ev;

	assert_int_equal(r->n, 3);
	/* LMTP ends the journey: a plain success, not relayed */
	event_is(e[0], DSNG_MAILLOG_POSTFIX, DSNG_DSN_SUCCESS, "4Q2Z1x3Kz9z1Bq",
	         "4Q2Z1y0c2Qz2Cr", "victim@victim.example",
	         "victim@victim.example", "203.0.113.66", "smtpd");
	str_eq(e[0]->client_port, "40122");
	str_eq(e[0]->time, "2026-11-29T01:12:14.120000+00:00");
	event_is(e[1], DSNG_MAILLOG_POSTFIX, DSNG_DSN_FAILURE, "4Q2Z3a0b1cz3Ds",
	         "4Q2Z3b0c2dz4Et", "alice@example.test", "alice@example.test",
	         "192.0.2.50", "smtps/smtpd");
	assert_int_equal(e[1]->postmaster, 0);
	event_is(e[2], DSNG_MAILLOG_POSTFIX, DSNG_DSN_FAILURE, "4Q2Z3a0b1cz3Ds",
	         "4Q2Z3c0d3ez5Fu", "root@mx.example.test", "alice@example.test",
	         "192.0.2.50", "smtps/smtpd");
	assert_int_equal(e[2]->postmaster, 1);
	str_eq(e[2]->text, "postmaster non-delivery notification");
	talloc_free(r);
}

static void test_garbage_is_counted(void **state)
{
	struct dsng_test_scan *r = scan_file(*state, "logs/garbage.log", 0);

	assert_int_equal(r->n, 0);
	assert_int_equal(r->sum->lines, 11);
	assert_int_equal(r->sum->garbage, 4);
	assert_int_equal(r->sum->ignored, 7);
	assert_int_equal(r->sum->mail, 4);
	assert_int_equal(r->sum->events, 0);
	assert_int_equal(r->sum->n_by_recipient, 0);
	talloc_free(r);
}

/* The MSP's hand-over may be logged before or after the MTA's from= line. */
static void test_msp_hand_over_either_order(void **state)
{
	const char *msp =
	        "Nov 29 02:05:30 mx sendmail[1]: 6AT25UYt03201: from=bob, "
	        "size=1, class=0, nrcpts=1, relay=bob@localhost\n"
	        "Nov 29 02:05:30 mx sendmail[1]: 6AT25UYt03201: to=root, "
	        "ctladdr=bob (1000/1000), mailer=relay, relay=[127.0.0.1] "
	        "[127.0.0.1], dsn=2.0.0, stat=Sent (6AT25Ucp03202 Message "
	        "accepted for delivery)\n";
	const char *mta =
	        "Nov 29 02:05:30 mx sm-mta[2]: 6AT25Ucp03202: "
	        "from=<bob@mx.example.test>, size=1, class=0, nrcpts=1, "
	        "proto=ESMTP, daemon=MTA, relay=localhost [127.0.0.1]\n";
	const char *dsn = "Nov 29 02:05:30 mx sm-mta[3]: 6AT25Ucp03202: "
	                  "to=<root@mx.example.test>, mailer=local, dsn=2.0.0, "
	                  "stat=Sent\n"
	                  "Nov 29 02:05:30 mx sm-mta[3]: 6AT25Ucp03202: "
	                  "6AT25Ucp03203: DSN: Return receipt\n";
	char *a = talloc_asprintf(*state, "%s%s%s", msp, mta, dsn);
	char *b = talloc_asprintf(*state, "%s%s%s", mta, msp, dsn);
	struct dsng_test_scan *r;

	r = scan(*state, a, strlen(a), 0, NULL);
	assert_int_equal(r->n, 1);
	str_eq(r->ev[0]->client_name, "bob@localhost");
	str_eq(r->ev[0]->client_addr, "127.0.0.1");
	str_eq(r->ev[0]->service, "local");
	talloc_free(r);
	r = scan(*state, b, strlen(b), 0, NULL);
	assert_int_equal(r->n, 1);
	str_eq(r->ev[0]->client_name, "bob@localhost");
	str_eq(r->ev[0]->service, "local");
	talloc_free(r);
	talloc_free(a);
	talloc_free(b);
}

/* With a tiny max_tracked the hand-over used to create the MTA's record
 * while evicting the MSP's, then read the freed one (ASan: use after
 * free).  Records are now evicted only between lines, least recently
 * seen first. */
static void test_msp_hand_over_tiny_table(void **state)
{
	const char *log =
	        "Nov 29 02:05:30 mx sendmail[1]: 6AT25UYt03201: from=bob, "
	        "size=1, class=0, nrcpts=1, relay=bob@localhost\n"
	        "Nov 29 02:05:30 mx sm-mta[2]: 6AT25Uzz03299: "
	        "from=<x@mx.example.test>, size=1, class=0, nrcpts=1, "
	        "proto=ESMTP, daemon=MTA, relay=localhost [127.0.0.1]\n"
	        "Nov 29 02:05:30 mx sendmail[1]: 6AT25UYt03201: to=root, "
	        "ctladdr=bob (1000/1000), mailer=relay, relay=[127.0.0.1] "
	        "[127.0.0.1], dsn=2.0.0, stat=Sent (6AT25Ucp03202 Message "
	        "accepted for delivery)\n"
	        "Nov 29 02:05:30 mx sm-mta[2]: 6AT25Ucp03202: "
	        "from=<bob@mx.example.test>, size=1, class=0, nrcpts=1, "
	        "proto=ESMTP, daemon=MTA, relay=localhost [127.0.0.1]\n"
	        "Nov 29 02:05:30 mx sm-mta[3]: 6AT25Ucp03202: "
	        "to=<root@mx.example.test>, mailer=local, dsn=2.0.0, "
	        "stat=Sent\n"
	        "Nov 29 02:05:30 mx sm-mta[3]: 6AT25Ucp03202: 6AT25Ucp03203: "
	        "DSN: Return receipt\n";
	struct dsng_maillog_opts o;
	struct dsng_test_scan *r;
	size_t max;

	for (max = 1; max <= 3; max++) {
		dsng_maillog_opts_init(&o, DSNG_MAILLOG_OPTS_VERSION);
		o.max_tracked = max;
		r = scan(*state, log, strlen(log), 0, &o);
		assert_int_equal(r->n, 1);
		str_eq(r->ev[0]->orig_from, "bob@mx.example.test");
		if (max > 1) {
			str_eq(r->ev[0]->client_name, "bob@localhost");
			str_eq(r->ev[0]->service, "local");
		}
		talloc_free(r);
	}
}

/* "sendmail -bv" through Postfix: the report is about a probe. */
static void test_address_probe_report(void **state)
{
	const char *log =
	        "Nov 29 03:40:01 mx postfix/qmgr[1990]: 7A11B2C300: "
	        "from=<root@mx.example.test>, size=402, nrcpt=1 (queue "
	        "active)\n"
	        "Nov 29 03:40:02 mx postfix/smtp[2611]: 7A11B2C300: "
	        "to=<probe@remote.example>, "
	        "relay=mx.remote.example[198.51.100.30]:25, delay=0.7, "
	        "delays=0.1/0.01/0.4/0.19, dsn=2.1.5, status=deliverable (250 "
	        "2.1.5 Ok)\n"
	        "Nov 29 03:40:02 mx postfix/bounce[2612]: 7A11B2C300: sender "
	        "delivery status notification: 7B22C3D401\n"
	        "Nov 29 03:40:02 mx postfix/local[2613]: 7B22C3D401: "
	        "to=<admin@mx.example.test>, orig_to=<root@mx.example.test>, "
	        "relay=local, delay=0.02, dsn=2.0.0, status=sent (delivered to "
	        "mailbox)\n";
	struct dsng_test_scan *r = scan(*state, log, strlen(log), 0, NULL);

	assert_int_equal(r->n, 1);
	assert_int_equal(r->ev[0]->kind, DSNG_DSN_OTHER);
	str_eq(r->ev[0]->to, "admin@mx.example.test");
	str_eq(r->ev[0]->orig_rcpts[0], "probe@remote.example");
	talloc_free(r);
}

static void test_privacy_lines_are_counted(void **state)
{
	struct dsng_test_scan *r =
	        scan_file(*state, "logs/sendmail-privacy.log", 0);

	assert_int_equal(r->n, 0);
	assert_int_equal(r->sum->auth_warnings, 1);
	assert_int_equal(r->sum->dsn_refused, 1);
	assert_int_equal(r->sum->mail, 4);
	talloc_free(r);
}

/* The same events whatever the chunking, CRLF or not, last newline or not. */
/* A refused DSN request is counted wherever its words stand in the
 * message, and only when all of them are there. */
static void test_dsn_refused_phrases(void **state)
{
	static const char log[] =
	        "Nov 29 00:00:00 mx postfix/smtpd[1]: NOTIFY not supported\n"
	        "Nov 29 00:00:00 mx postfix/smtpd[1]: x: DSN support is "
	        "disabled\n"
	        "Nov 29 00:00:00 mx sm-mta[1]: x: a ppp support, "
	        "NOTIFY not supported here\n"
	        "Nov 29 00:00:00 mx postfix/smtpd[1]: NOTIFY not support\n"
	        "Nov 29 00:00:00 mx postfix/smtpd[1]: DSN support is disable\n"
	        "Nov 29 00:00:00 mx postfix/smtpd[1]: OTIFY not supported\n"
	        "Nov 29 00:00:00 mx postfix/smtpd[1]: SN support is disabled\n"
	        "Nov 29 00:00:00 mx postfix/smtpd[1]: supported\n"
	        "Nov 29 00:00:00 mx postfix/smtpd[1]: p\n"
	        "Nov 29 00:00:00 mx other[1]: NOTIFY not supported\n";
	struct dsng_test_scan *r = scan(*state, log, sizeof(log) - 1, 7, NULL);

	assert_int_equal(r->sum->dsn_refused, 3);
	assert_int_equal(r->sum->mail, 9);
	talloc_free(r);
}

/* dsng_maillog_lines counts a line when its newline is fed (an overlong
 * one when it runs past max_line), whatever the line (mail, another
 * program's, garbage, NUL) and wherever the chunks cut it, and a last line
 * without a newline at finish. */
static void test_lines_so_far(void **state)
{
	static const char log[] =
	        "Nov 29 01:12:14 mx postfix/qmgr[1]: AB1: removed\n"
	        "Nov 29 01:12:14 mx cron[7]: (root) CMD (true)\r\n"
	        "not a log line\n"
	        "x\0y\n"
	        "\n"
	        "Nov 29 01:12:14 mx postfix/qmgr[1]: AB2: "
	        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	        "\n"
	        "unterminated";
	static const size_t chunks[] = {1, 3, 17, sizeof(log) - 1};
	struct dsng_error err = DSNG_ERROR_INIT;
	struct dsng_maillog_opts o;
	size_t k, off, i;

	assert_int_equal(dsng_maillog_lines(NULL), 0);
	dsng_maillog_opts_init(&o, DSNG_MAILLOG_OPTS_VERSION);
	o.max_line = 64; /* the AB2 line is over it */
	for (k = 0; k < sizeof(chunks) / sizeof(chunks[0]); k++) {
		struct dsng_maillog *s;
		unsigned long newlines = 0;

		assert_int_equal(dsng_maillog_new(*state, &s, &o, &err), 0);
		assert_int_equal(dsng_maillog_lines(s), 0);
		for (off = 0; off < sizeof(log) - 1; off += chunks[k]) {
			size_t n = sizeof(log) - 1 - off < chunks[k]
			                   ? sizeof(log) - 1 - off
			                   : chunks[k];
			assert_int_equal(
			        dsng_maillog_feed(s, log + off, n, &err), 0);
			for (i = off; i < off + n; i++)
				newlines += log[i] == '\n';
			/* exact at a line's end; inside the overlong line it
			 * has been counted already, when it ran past max_line
			 */
			if (log[off + n - 1] == '\n')
				assert_int_equal(dsng_maillog_lines(s),
				                 newlines);
			else
				assert_in_range(dsng_maillog_lines(s), newlines,
				                newlines + 1);
		}
		assert_int_equal(newlines, 6);
		assert_int_equal(dsng_maillog_finish(s, &err), 0);
		assert_int_equal(dsng_maillog_lines(s), 7);
		talloc_free(s);
	}
}

/* The phrases at every offset of a line from 0 to 39, after runs of the
 * 'p' the search stops at, with 0 to 2 octets after them (so up to the
 * last octet of the message), and each cut one octet short. */
static void test_dsn_refused_every_offset(void **state)
{
	static const char *const phrases[] = {"NOTIFY not supported",
	                                      "DSN support is disabled"};
	char *log = talloc_strdup(*state, "");
	size_t pre, post, k, want = 0, lines = 0;
	struct dsng_test_scan *r;

	for (k = 0; k < 2; k++)
		for (pre = 0; pre < 40; pre++)
			for (post = 0; post < 3; post++) {
				size_t n = strlen(phrases[k]);
				/* whole, then without its last octet */
				log = talloc_asprintf_append(
				        log,
				        "Nov 29 00:00:00 mx postfix/smtpd[1]: "
				        "%.*s%s%.*s\n"
				        "Nov 29 00:00:00 mx postfix/smtpd[1]: "
				        "%.*s%.*s\n",
				        (int)pre,
				        "pppppppppppppppppppppppppppppppppppppp"
				        "pp",
				        phrases[k], (int)post, "zzz", (int)pre,
				        "pppppppppppppppppppppppppppppppppppppp"
				        "pp",
				        (int)(n - 1), phrases[k]);
				assert_non_null(log);
				want++;
				lines += 2;
			}
	r = scan(*state, log, strlen(log), 0, NULL);
	assert_int_equal(r->sum->dsn_refused, want);
	assert_int_equal(r->sum->mail, lines);
	talloc_free(r);
	talloc_free(log);
}

static void test_chunking_does_not_matter(void **state)
{
	static const size_t chunks[] = {1, 2, 7, 64, 4096};
	size_t len, i, j, k, n;
	char *buf = dsng_test_load(
	        *state, DSNG_SOURCE_DIR "/examples/data/postfix-dsn.log", &len);
	char *crlf = talloc_array(*state, char, len * 2);
	struct dsng_test_scan *whole = scan(*state, buf, len, 0, NULL);

	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		struct dsng_test_scan *r =
		        scan(*state, buf, len - 1, chunks[i], NULL);
		assert_int_equal(r->n, whole->n);
		for (j = 0; j < r->n; j++) {
			str_eq(r->ev[j]->dsn_queue_id,
			       whole->ev[j]->dsn_queue_id);
			str_eq(r->ev[j]->to, whole->ev[j]->to);
			assert_int_equal(r->ev[j]->kind, whole->ev[j]->kind);
		}
		assert_int_equal(r->sum->lines, whole->sum->lines);
		talloc_free(r);
	}
	for (k = 0, n = 0; k < len; k++) {
		if (buf[k] == '\n')
			crlf[n++] = '\r';
		crlf[n++] = buf[k];
	}
	{
		struct dsng_test_scan *r = scan(*state, crlf, n, 5, NULL);
		assert_int_equal(r->n, whole->n);
		str_eq(r->ev[5]->to, "sender@example.test");
		assert_int_equal(r->sum->garbage, 0);
		talloc_free(r);
	}
	talloc_free(whole);
	talloc_free(crlf);
	talloc_free(buf);
}

static void test_long_lines_and_nuls(void **state)
{
	struct dsng_maillog_opts o;
	char *data = talloc_array(*state, char, 400);
	const char tail[] =
	        "\nNov 29 01:12:14 mx postfix/qmgr[1]: ABCDE1: removed\n";
	struct dsng_test_scan *r;

	dsng_maillog_opts_init(&o, DSNG_MAILLOG_OPTS_VERSION);
	o.max_line = 100;
	memset(data, 'x', 300);
	memcpy(data + 300, tail, sizeof(tail) - 1);
	r = scan(*state, data, 300 + sizeof(tail) - 1, 33, &o);
	assert_int_equal(r->sum->lines, 2);
	assert_int_equal(r->sum->garbage, 1);
	assert_int_equal(r->sum->mail, 1);
	talloc_free(r);
	r = scan(*state, "a\0b\nNov 29 01:12:14 mx x: y", 27, 0, NULL);
	assert_int_equal(r->sum->lines, 2);
	assert_int_equal(r->sum->garbage, 1);
	assert_int_equal(r->sum->ignored, 1);
	talloc_free(r);
	/* NULs in several lines of one chunk, split across chunks, and in
	 * an unterminated last line: the feed's one NUL search per chunk
	 * must find each of them, and only them, whatever the chunking */
	{
		static const char mixed[] =
		        "Nov 29 01:12:14 mx postfix/qmgr[1]: AB1: removed\n"
		        "x\0y\n"
		        "Nov 29 01:12:15 mx postfix/qmgr[1]: AB2: removed\n"
		        "\0\n"
		        "\0\0\r\n"
		        "Nov 29 01:12:16 mx postfix/qmgr[1]: AB3: removed\r\n"
		        "Nov 29 01:12:17 mx postfix/qmgr[1]: AB4: rem\0ved\n"
		        "Nov 29 01:12:18 mx postfix/qmgr[1]: AB5: removed\n"
		        "tail\0";
		static const size_t chunks[] = {0, 1, 2, 5, 49, 50, 51, 64};
		size_t k;

		for (k = 0; k < sizeof(chunks) / sizeof(chunks[0]); k++) {
			r = scan(*state, mixed, sizeof(mixed) - 1, chunks[k],
			         NULL);
			assert_int_equal(r->sum->lines, 9);
			assert_int_equal(r->sum->garbage, 5);
			assert_int_equal(r->sum->mail, 4);
			talloc_free(r);
		}
	}
	talloc_free(data);
}

/* A DSN whose own delivery never shows still comes out at the end, sent to
 * the original sender; its original's record may have been evicted. */
static void test_bounded_memory(void **state)
{
	struct dsng_maillog_opts o;
	char *log = talloc_strdup(*state, "");
	struct dsng_test_scan *r;
	int i;

	log = talloc_asprintf_append(
	        log, "Nov 29 01:00:00 mx postfix/smtpd[1]: AAAAA1: "
	             "client=c[192.0.2.9]\n"
	             "Nov 29 01:00:00 mx postfix/qmgr[2]: AAAAA1: "
	             "from=<s@x.example>, size=1, nrcpt=1 (queue active)\n"
	             "Nov 29 01:00:01 mx postfix/bounce[3]: AAAAA1: sender "
	             "delivery status notification: BBBBB1\n");
	for (i = 0; i < 50; i++)
		log = talloc_asprintf_append(
		        log,
		        "Nov 29 01:00:02 mx postfix/qmgr[2]: C%04d: "
		        "from=<n@x.example>, size=1, nrcpt=1 (queue active)\n",
		        i);
	assert_non_null(log);
	dsng_maillog_opts_init(&o, DSNG_MAILLOG_OPTS_VERSION);
	o.max_tracked = 10;
	r = scan(*state, log, strlen(log), 0, &o);
	assert_int_equal(r->n, 1);
	str_eq(r->ev[0]->to, "s@x.example");
	str_eq(r->ev[0]->client_addr, "192.0.2.9");
	assert_int_equal(r->sum->evicted, 42);
	talloc_free(r);

	/* the pending queue is capped too: events come out in order anyway */
	talloc_free(log);
	log = talloc_strdup(*state, "");
	for (i = 0; i < 5; i++)
		log = talloc_asprintf_append(
		        log,
		        "Nov 29 01:00:01 mx postfix/bounce[3]: A%04d: sender "
		        "non-delivery notification: D%04d\n",
		        i, i);
	dsng_maillog_opts_init(&o, DSNG_MAILLOG_OPTS_VERSION);
	o.max_pending = 2;
	r = scan(*state, log, strlen(log), 0, &o);
	assert_int_equal(r->n, 5);
	for (i = 0; i < 5; i++) {
		char want[8];
		snprintf(want, sizeof(want), "D%04d", i);
		str_eq(r->ev[i]->dsn_queue_id, want);
		str_eq(r->ev[i]->to, NULL);
		str_eq(r->ev[i]->orig_from, NULL);
		assert_int_equal(r->ev[i]->kind, DSNG_DSN_FAILURE);
	}
	assert_int_equal(r->sum->n_by_recipient, 1);
	str_eq(r->sum->by_recipient[0]->key, NULL);
	assert_int_equal(r->sum->by_recipient[0]->count, 5);
	talloc_free(r);
	talloc_free(log);
}

/* Thousands of queue ids and recipients: the hash tables grow on the way. */
static void test_many_messages(void **state)
{
	char *log = talloc_strdup(*state, "");
	struct dsng_test_scan *r;
	int i;

	for (i = 0; i < 3000; i++)
		log = talloc_asprintf_append_buffer(
		        log,
		        "Nov 29 01:00:00 mx postfix/smtpd[1]: Q%05dA: "
		        "client=c[192.0.%d.%d]\n"
		        "Nov 29 01:00:00 mx postfix/qmgr[2]: Q%05dA: "
		        "from=<s%d@x.example>, size=1, nrcpt=1 (queue active)\n"
		        "Nov 29 01:00:01 mx postfix/bounce[3]: Q%05dA: sender "
		        "delivery status notification: Q%05dB\n"
		        "Nov 29 01:00:01 mx postfix/qmgr[2]: Q%05dA: removed\n",
		        i, i / 256, i % 256, i, i % 1500, i, i, i);
	assert_non_null(log);
	r = scan(*state, log, strlen(log), 4096, NULL);
	assert_int_equal(r->n, 3000);
	str_eq(r->ev[2999]->to, "s1499@x.example");
	str_eq(r->ev[2999]->client_addr, "192.0.11.183");
	assert_int_equal(r->sum->n_by_recipient, 1500);
	assert_int_equal(r->sum->by_recipient[0]->count, 2);
	assert_int_equal(r->sum->n_by_client, 3000);
	assert_int_equal(r->sum->evicted, 0);
	talloc_free(r);
	talloc_free(log);
}

/* One bounced message and its DSN, mailed back to sender (unless stuck:
 * then the DSN's own delivery never shows).  Never removed. */
static char *flood_msg(TALLOC_CTX *mem, unsigned i, const char *sender,
                       const char *cname, const char *caddr, bool stuck)
{
	char *m = talloc_asprintf(
	        mem,
	        "Nov 29 01:00:00 mx postfix/smtpd[1]: Q%07uA: client=%s[%s]\n"
	        "Nov 29 01:00:00 mx postfix/qmgr[2]: Q%07uA: from=<%s>, "
	        "size=1, nrcpt=1 (queue active)\n"
	        "Nov 29 01:00:01 mx postfix/smtp[4]: Q%07uA: "
	        "to=<x@remote.example>, relay=none, delay=1, dsn=5.1.1, "
	        "status=bounced (gone)\n"
	        "Nov 29 01:00:01 mx postfix/bounce[3]: Q%07uA: sender "
	        "non-delivery notification: Q%07uB\n",
	        i, cname, caddr, i, sender, i, i, i);

	if (m && !stuck)
		m = talloc_asprintf_append_buffer(
		        m,
		        "Nov 29 01:00:02 mx postfix/smtp[4]: Q%07uB: to=<%s>, "
		        "relay=none, delay=1, dsn=4.4.1, status=deferred "
		        "(timeout)\n",
		        i, sender);
	assert_non_null(m);
	return m;
}

static char *one_off(TALLOC_CTX *mem, unsigned i)
{
	char from[64], ip[32];

	snprintf(from, sizeof(from), "once%u@forged.example", i);
	snprintf(ip, sizeof(ip), "10.%u.%u.%u", i >> 16 & 255, i >> 8 & 255,
	         i & 255);
	return flood_msg(mem, i, from, "unknown", ip, false);
}

static const struct dsng_maillog_count *row_of(struct dsng_maillog_count **rows,
                                               size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (rows[i]->key && !strcmp(rows[i]->key, key))
			return rows[i];
	return NULL;
}

/* Full summary tables drop rows and say so; counts stop being exact. */
static void test_summary_eviction_is_counted(void **state)
{
	struct dsng_maillog_opts o;
	char *log = talloc_strdup(*state, "");
	struct dsng_test_scan *r;
	unsigned i;

	for (i = 0; i < 20; i++) {
		char *m = one_off(log, i);
		log = talloc_strdup_append_buffer(log, m);
		talloc_free(m);
	}
	dsng_maillog_opts_init(&o, DSNG_MAILLOG_OPTS_VERSION);
	assert_int_equal(o.max_recipients_tracked, 32768);
	assert_int_equal(o.max_clients_tracked, 32768);
	o.max_recipients_tracked = 4;
	o.max_clients_tracked = 3;
	r = scan(*state, log, strlen(log), 100, &o);
	assert_int_equal(r->n, 20);
	assert_int_equal(r->sum->events, 20);
	assert_int_equal(r->sum->n_by_recipient, 4);
	assert_int_equal(r->sum->n_by_client, 3);
	assert_int_equal(r->sum->evicted_recipients, 16);
	assert_int_equal(r->sum->evicted_clients, 17);
	assert_false(r->sum->counts_exact);
	/* Space-Saving cannot tell a new key from a returning one: each
	 * table-full of replacements raises the bound by one, so it ends at
	 * about events / rows (20 / 4 -> 4; 20 / 3 -> 6) */
	assert_int_equal(r->sum->recipient_count_error, 4);
	assert_int_equal(r->sum->client_count_error, 6);
	for (i = 0; i < 4; i++)
		assert_int_equal(r->sum->by_recipient[i]->count, 1);
	str_eq(r->sum->by_client[0]->name, "unknown");
	talloc_free(r);

	/* the same log with room for every row: exact, nothing evicted */
	r = scan(*state, log, strlen(log), 0, NULL);
	assert_int_equal(r->sum->n_by_recipient, 20);
	assert_int_equal(r->sum->evicted_recipients, 0);
	assert_int_equal(r->sum->evicted_clients, 0);
	assert_true(r->sum->counts_exact);
	assert_int_equal(r->sum->recipient_count_error, 0);
	talloc_free(r);

	dsng_maillog_opts_init(&o, DSNG_MAILLOG_OPTS_VERSION);
	o.max_recipients_tracked = 0;
	{
		struct dsng_maillog *s = (struct dsng_maillog *)1;
		struct dsng_error err = DSNG_ERROR_INIT;
		size_t blocks = talloc_total_blocks(*state);
		assert_int_equal(dsng_maillog_new(*state, &s, &o, &err),
		                 DSNG_EINVAL);
		assert_null(s);
		o.max_recipients_tracked = 1;
		o.max_clients_tracked = 0;
		assert_int_equal(dsng_maillog_new(*state, &s, &o, &err),
		                 DSNG_EINVAL);
		assert_int_equal(err.kind, DSNG_ERR_INVALID_ARGUMENT);
		assert_int_equal(talloc_total_blocks(*state), blocks);
	}
	talloc_free(log);
}

/* Three heavy recipients (and clients) among a flood of 2000 one-off
 * ones, 16 rows: the heavy ones keep their rows and exact counts. */
static void test_heavy_hitters_survive_a_flood(void **state)
{
	static const char *heavy[] = {"alice@victim.example",
	                              "bob@victim.example",
	                              "carol@victim.example"};
	static const char *heavy_ip[] = {"192.0.2.1", "192.0.2.2", "192.0.2.3"};
	static const char *heavy_name[] = {"a.spam.example", "b.spam.example",
	                                   "c.spam.example"};
	struct dsng_maillog_opts o;
	char *log = talloc_strdup(*state, "");
	struct dsng_test_scan *r;
	unsigned i, k, n = 0, ones = 0;

	/* 2900 events: every third of the first 900 goes to each heavy */
	for (i = 0; i < 2900; i++) {
		char *m;
		if (i < 900 && i % 3 == 0) {
			for (k = 0; k < 3; k++) {
				m = flood_msg(log, n++, heavy[k], heavy_name[k],
				              heavy_ip[k], false);
				log = talloc_strdup_append_buffer(log, m);
				talloc_free(m);
			}
			i += 2;
			continue;
		}
		m = one_off(log, 100000 + ones++);
		(void)n++;
		log = talloc_strdup_append_buffer(log, m);
		talloc_free(m);
	}
	assert_non_null(log);
	assert_int_equal(ones, 2000);
	dsng_maillog_opts_init(&o, DSNG_MAILLOG_OPTS_VERSION);
	o.max_recipients_tracked = 16;
	o.max_clients_tracked = 16;
	r = scan(*state, log, strlen(log), 4096, &o);
	assert_int_equal(r->sum->events, 2900);
	assert_int_equal(r->sum->n_by_recipient, 16);
	assert_false(r->sum->counts_exact);
	/* every one-off beyond the 13 free rows replaced another one-off */
	assert_int_equal(r->sum->evicted_recipients, 2000 - 13);
	assert_int_equal(r->sum->evicted_clients, 2000 - 13);
	/* an error bound at most events / rows */
	assert_true(r->sum->recipient_count_error >= 1);
	assert_true(r->sum->recipient_count_error <= 2900 / 16);
	for (k = 0; k < 3; k++) {
		const struct dsng_maillog_count *c;
		assert_non_null(r->sum->by_recipient[k]->key);
		c = row_of(r->sum->by_recipient, 3, heavy[k]);
		assert_non_null(c);
		assert_int_equal(c->count, 300);
		c = row_of(r->sum->by_client, 3, heavy_ip[k]);
		assert_non_null(c);
		assert_int_equal(c->count, 300);
		str_eq(c->name, heavy_name[k]);
	}
	/* the other rows: one-offs, never counted above the truth */
	for (k = 3; k < 16; k++)
		assert_int_equal(r->sum->by_recipient[k]->count, 1);
	talloc_free(r);
	talloc_free(log);
}

/* A recipient that turns heavy only after the table filled up gets a row
 * and the top place; its count is what it saw since, within the bound. */
static void test_late_heavy_hitter(void **state)
{
	struct dsng_maillog_opts o;
	char *log = talloc_strdup(*state, "");
	struct dsng_test_scan *r;
	const struct dsng_maillog_count *c;
	unsigned i, n = 0;

	for (i = 0; i < 1000; i++) {
		char *m = one_off(log, n++);
		log = talloc_strdup_append_buffer(log, m);
		talloc_free(m);
	}
	for (i = 0; i < 1000; i++) {
		char *m = i % 2 ? one_off(log, n++)
		                : flood_msg(log, n++, "late@victim.example",
		                            "late.example", "198.51.100.9",
		                            false);
		log = talloc_strdup_append_buffer(log, m);
		talloc_free(m);
	}
	assert_non_null(log);
	dsng_maillog_opts_init(&o, DSNG_MAILLOG_OPTS_VERSION);
	o.max_recipients_tracked = 8;
	r = scan(*state, log, strlen(log), 0, &o);
	c = r->sum->by_recipient[0];
	str_eq(c->key, "late@victim.example");
	assert_true(c->count <= 500);
	assert_true(c->count + r->sum->recipient_count_error >= 500);
	assert_true(r->sum->evicted_recipients > 0);
	/* clients had room for everyone */
	assert_int_equal(r->sum->evicted_clients, 0);
	assert_int_equal(r->sum->client_count_error, 0);
	assert_false(r->sum->counts_exact);
	talloc_free(r);
	talloc_free(log);
}

/* The finding: a flood of never-finishing messages to ever new forged
 * senders from ever new clients grew the summary maps without end.  Every
 * table now stops at its limit: the scanner's memory after 24,000
 * messages is what it was after 4,000. */
static void test_memory_stays_bounded(void **state)
{
	struct dsng_maillog_opts o;
	struct dsng_maillog *s;
	struct dsng_maillog_event *ev;
	struct dsng_maillog_summary *sum;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t at4k = 0, peak = 0;
	unsigned i;

	dsng_maillog_opts_init(&o, DSNG_MAILLOG_OPTS_VERSION);
	o.max_tracked = 500;
	o.max_pending = 50;
	o.max_recipients_tracked = 100;
	o.max_clients_tracked = 100;
	assert_int_equal(dsng_maillog_new(*state, &s, &o, &err), 0);
	for (i = 0; i < 24000; i++) {
		char from[64], ip[32];
		char *m;
		size_t now;
		snprintf(from, sizeof(from), "f%u@s%u.forged.example", i,
		         i % 97);
		snprintf(ip, sizeof(ip), "10.%u.%u.%u", i >> 16 & 255,
		         i >> 8 & 255, i & 255);
		/* one DSN in 20 never delivered: the pending queue fills */
		m = flood_msg(*state, i, from, "unknown", ip, i % 20 == 19);
		assert_int_equal(dsng_maillog_feed(s, m, strlen(m), &err), 0);
		talloc_free(m);
		while (dsng_maillog_next(*state, &ev, s) == 0 && ev)
			talloc_free(ev);
		now = talloc_total_size(s);
		if (now > peak)
			peak = now;
		if (i == 3999)
			at4k = peak;
	}
	assert_true(peak <= at4k + 4096);
	/* 500 records of 256 bytes, 200 rows of 128, their tables: well
	 * under 400 KB */
	assert_true(peak < 400 * 1024);
	assert_int_equal(dsng_maillog_finish(s, &err), 0);
	while (dsng_maillog_next(*state, &ev, s) == 0 && ev)
		talloc_free(ev);
	assert_int_equal(dsng_maillog_summary(*state, &sum, s, &err), 0);
	assert_int_equal(sum->events, 24000);
	assert_int_equal(sum->n_by_recipient, 100);
	assert_int_equal(sum->evicted_recipients, 24000 - 100);
	assert_int_equal(sum->evicted_clients, 24000 - 100);
	assert_true(sum->evicted > 0);
	talloc_free(sum);
	talloc_free(s);
}

/* Queue ids are evicted least recently seen first: a deferred message
 * retried now and then keeps its record however many others come by. */
static void test_active_message_is_kept(void **state)
{
	struct dsng_maillog_opts o;
	char *log = talloc_strdup(
	        *state,
	        "Nov 29 01:00:00 mx postfix/smtpd[1]: SLOW1: "
	        "client=slow.example[192.0.2.77]\n"
	        "Nov 29 01:00:00 mx postfix/qmgr[2]: SLOW1: "
	        "from=<owner@slow.example>, size=1, nrcpt=1 (queue active)\n");
	struct dsng_test_scan *r;
	unsigned i;

	for (i = 0; i < 60; i++) {
		char *m = one_off(log, i);
		log = talloc_strdup_append_buffer(log, m);
		talloc_free(m);
		if (i % 3 == 2)
			log = talloc_strdup_append_buffer(
			        log,
			        "Nov 29 01:10:00 mx postfix/smtp[4]: SLOW1: "
			        "to=<x@far.example>, relay=none, delay=600, "
			        "dsn=4.4.1, status=deferred (timeout)\n");
	}
	log = talloc_strdup_append_buffer(
	        log, "Nov 29 05:00:00 mx postfix/bounce[3]: SLOW1: sender "
	             "delay notification: SLOW2\n");
	assert_non_null(log);
	dsng_maillog_opts_init(&o, DSNG_MAILLOG_OPTS_VERSION);
	o.max_tracked = 10;
	r = scan(*state, log, strlen(log), 0, &o);
	assert_int_equal(r->n, 61);
	event_is(r->ev[60], DSNG_MAILLOG_POSTFIX, DSNG_DSN_DELAY, "SLOW1",
	         "SLOW2", "owner@slow.example", "owner@slow.example",
	         "192.0.2.77", "smtpd");
	str_eq(r->ev[60]->orig_rcpts[0], "x@far.example");
	assert_true(r->sum->evicted > 100);
	talloc_free(r);
	talloc_free(log);
}

/* Records whose strings do not fit inline count against a byte budget
 * (96 bytes a tracked queue id): long strings evict sooner. */
static void test_long_strings_are_budgeted(void **state)
{
	struct dsng_maillog_opts o;
	char *log = talloc_strdup(*state, "");
	char from[700];
	struct dsng_test_scan *r;
	unsigned i;

	for (i = 0; i < 30; i++) {
		char *m;
		memset(from, 'a' + i % 26, 600);
		snprintf(from + 600, sizeof(from) - 600, "%u@long.example", i);
		m = flood_msg(log, i, from, "unknown", "192.0.2.5", true);
		log = talloc_strdup_append_buffer(log, m);
		talloc_free(m);
	}
	dsng_maillog_opts_init(&o, DSNG_MAILLOG_OPTS_VERSION);
	o.max_tracked = 50;
	r = scan(*state, log, strlen(log), 0, &o);
	assert_int_equal(r->n, 30);
	/* the count limit alone would evict 10 of the 60 records; the 4800
	 * bytes of strings allowed hold only a few of these */
	assert_true(r->sum->evicted >= 30);
	/* the newest original was kept to the end */
	assert_int_equal(strlen(r->ev[29]->orig_from), strlen(from));
	talloc_free(r);
	talloc_free(log);
}

static void test_events_wait_for_their_delivery(void **state)
{
	const char *part1 =
	        "Nov 29 01:00:00 mx postfix/qmgr[2]: AAAAA1: "
	        "from=<s@x.example>, size=1, nrcpt=1 (queue active)\n"
	        "Nov 29 01:00:01 mx postfix/bounce[3]: AAAAA1: sender delivery "
	        "status notification: BBBBB1\n"
	        "Nov 29 01:00:01 mx postfix/bounce[3]: AAAAA2: sender delivery "
	        "status notification: BBBBB2\n"
	        "Nov 29 01:00:02 mx postfix/smtp[4]: BBBBB2: "
	        "to=<two@x.example>, relay=none, delay=1, dsn=4.4.1, "
	        "status=deferred (timeout)\n";
	const char *part2 = "Nov 29 01:00:03 mx postfix/smtp[4]: BBBBB1: "
	                    "to=<one@x.example>, relay=r[192.0.2.1]:25, "
	                    "dsn=2.0.0, status=sent (ok)\n";
	struct dsng_maillog *s;
	struct dsng_maillog_event *ev;
	struct dsng_error err = DSNG_ERROR_INIT;

	assert_int_equal(dsng_maillog_new(*state, &s, NULL, &err), 0);
	assert_int_equal(dsng_maillog_feed(s, part1, strlen(part1), &err), 0);
	/* the second is complete but waits behind the first */
	assert_int_equal(dsng_maillog_next(*state, &ev, s), 0);
	assert_null(ev);
	assert_int_equal(dsng_maillog_feed(s, part2, strlen(part2), &err), 0);
	assert_int_equal(dsng_maillog_next(*state, &ev, s), 0);
	str_eq(ev->to, "one@x.example");
	talloc_free(ev);
	assert_int_equal(dsng_maillog_next(*state, &ev, s), 0);
	str_eq(ev->to, "two@x.example");
	str_eq(ev->orig_from, NULL);
	talloc_free(ev);
	assert_int_equal(dsng_maillog_finish(s, &err), 0);
	assert_int_equal(dsng_maillog_feed(s, "x", 1, &err), DSNG_EINVAL);
	assert_int_equal(dsng_maillog_finish(s, &err), DSNG_EINVAL);
	talloc_free(s);
}

static void test_api_errors_and_names(void **state)
{
	struct dsng_maillog_opts o;
	struct dsng_maillog *s = (struct dsng_maillog *)1;
	struct dsng_maillog_summary *sum;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t blocks = talloc_total_blocks(*state);

	dsng_maillog_opts_init(&o, DSNG_MAILLOG_OPTS_VERSION);
	o.version = 7;
	assert_int_equal(dsng_maillog_new(*state, &s, &o, &err), DSNG_EINVAL);
	assert_null(s);
	assert_int_equal(err.kind, DSNG_ERR_INVALID_ARGUMENT);
	dsng_maillog_opts_init(&o, DSNG_MAILLOG_OPTS_VERSION);
	o.max_tracked = 0;
	assert_int_equal(dsng_maillog_new(*state, &s, &o, &err), DSNG_EINVAL);
	assert_int_equal(dsng_maillog_new(*state, NULL, NULL, &err),
	                 DSNG_EINVAL);
	assert_int_equal(talloc_total_blocks(*state), blocks);
	assert_int_equal(dsng_maillog_feed(NULL, "x", 1, &err), DSNG_EINVAL);
	assert_int_equal(dsng_maillog_summary(*state, &sum, NULL, &err),
	                 DSNG_EINVAL);
	assert_null(sum);
	assert_int_equal(dsng_maillog_next(*state, NULL, NULL), DSNG_EINVAL);
	assert_string_equal(dsng_maillog_kind_name(DSNG_DSN_RELAYED), "relay");
	assert_string_equal(dsng_maillog_kind_name((enum dsng_dsn_kind)42),
	                    "other");
	assert_string_equal(dsng_maillog_mta_name(DSNG_MAILLOG_EXIM), "exim");
	assert_string_equal(dsng_maillog_mta_name(DSNG_MAILLOG_UNKNOWN),
	                    "unknown");
}

/* Two events hold the same fields (strings compared, not pointers). */
static void events_equal(const struct dsng_maillog_event *a,
                         const struct dsng_maillog_event *b)
{
	size_t i;

	assert_int_equal(a->mta, b->mta);
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->postmaster, b->postmaster);
	assert_int_equal(a->line, b->line);
	str_eq(a->time, b->time);
	str_eq(a->host, b->host);
	str_eq(a->text, b->text);
	str_eq(a->orig_queue_id, b->orig_queue_id);
	str_eq(a->dsn_queue_id, b->dsn_queue_id);
	str_eq(a->to, b->to);
	str_eq(a->orig_from, b->orig_from);
	str_eq(a->client_name, b->client_name);
	str_eq(a->client_addr, b->client_addr);
	str_eq(a->client_port, b->client_port);
	str_eq(a->sasl_username, b->sasl_username);
	str_eq(a->service, b->service);
	assert_int_equal(a->n_orig_rcpts, b->n_orig_rcpts);
	for (i = 0; i < a->n_orig_rcpts; i++)
		assert_string_equal(a->orig_rcpts[i], b->orig_rcpts[i]);
}

/* dsng_maillog_view lends the events dsng_maillog_next gives, in the same
 * order and with the same fields, allocating nothing; taking and viewing
 * may alternate; events never taken are freed with the scanner. */
static void test_view_lends_what_next_gives(void **state)
{
	static const char *const files[] = {"postfix-dsn.log",
	                                    "sendmail-dsn.log", "exim-dsn.log"};
	struct dsng_error err = DSNG_ERROR_INIT;
	const struct dsng_maillog_event *ev = NULL;
	size_t blocks = talloc_total_blocks(*state), f, i;

	for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		char path[512];
		size_t len;
		char *buf;
		struct dsng_test_scan *want;
		struct dsng_maillog *s;
		struct dsng_maillog_event *taken;
		size_t total;

		snprintf(path, sizeof(path), "%s%s", EXAMPLES, files[f]);
		buf = dsng_test_load(*state, path, &len);
		want = scan(*state, buf, len, 0, NULL);
		assert_true(want->n >= 2);
		assert_int_equal(dsng_maillog_new(*state, &s, NULL, &err), 0);
		assert_int_equal(dsng_maillog_feed(s, buf, len, &err), 0);
		assert_int_equal(dsng_maillog_finish(s, &err), 0);
		for (i = 0; i < want->n; i++) {
			if (i % 3 == 1) {
				/* every third one taken, the others lent */
				assert_int_equal(
				        dsng_maillog_next(*state, &taken, s),
				        0);
				assert_non_null(taken);
				events_equal(taken, want->ev[i]);
				talloc_free(taken);
				continue;
			}
			total = talloc_total_blocks(s);
			assert_int_equal(dsng_maillog_view(&ev, s), 0);
			assert_non_null(ev);
			/* the one lent before is given back, nothing new */
			assert_true(talloc_total_blocks(s) <= total);
			events_equal(ev, want->ev[i]);
		}
		assert_int_equal(dsng_maillog_view(&ev, s), 0);
		assert_null(ev);
		assert_int_equal(dsng_maillog_next(*state, &taken, s), 0);
		assert_null(taken);
		/* a second scan left with its events untaken, one lent */
		talloc_free(s);
		assert_int_equal(dsng_maillog_new(*state, &s, NULL, &err), 0);
		assert_int_equal(dsng_maillog_feed(s, buf, len, &err), 0);
		assert_int_equal(dsng_maillog_finish(s, &err), 0);
		assert_int_equal(dsng_maillog_view(&ev, s), 0);
		events_equal(ev, want->ev[0]);
		talloc_free(s);
		talloc_free(want);
		talloc_free(buf);
	}
	assert_int_equal(dsng_maillog_view(NULL, (struct dsng_maillog *)1),
	                 DSNG_EINVAL);
	ev = (const struct dsng_maillog_event *)1;
	assert_int_equal(dsng_maillog_view(&ev, NULL), DSNG_EINVAL);
	assert_null(ev);
	assert_int_equal(talloc_total_blocks(*state), blocks);
}

/* The options are versioned: init takes every version from 1 to the
 * current one and refuses others without writing; a scanner refuses
 * options of an unknown version and accepts every known one. */
static void test_opts_versions(void **state)
{
	const unsigned bad[] = {0, DSNG_MAILLOG_OPTS_VERSION + 1, 0xffffffffu};
	const struct dsng_maillog_opts def = DSNG_MAILLOG_OPTS_INIT;
	struct dsng_maillog_opts o, untouched;
	struct dsng_maillog *s;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t blocks = talloc_total_blocks(*state), i;
	unsigned v;

	assert_int_equal(def.version, DSNG_MAILLOG_OPTS_VERSION);
	assert_int_equal(def.max_line, 16384);
	assert_int_equal(def.max_tracked, 100000);
	assert_int_equal(def.max_pending, 10000);
	assert_int_equal(def.max_rcpts, 100);
	assert_int_equal(def.max_recipients_tracked, 32768);
	assert_int_equal(def.max_clients_tracked, 32768);
	for (v = 1; v <= DSNG_MAILLOG_OPTS_VERSION; v++) {
		memset(&o, 0xA5, sizeof(o));
		assert_int_equal(dsng_maillog_opts_init(&o, v), DSNG_OK);
		assert_int_equal(o.version, v);
		assert_int_equal(o.max_line, def.max_line);
		assert_int_equal(dsng_maillog_new(*state, &s, &o, &err),
		                 DSNG_OK);
		talloc_free(s);
	}
	assert_int_equal(o.max_tracked, def.max_tracked);
	assert_int_equal(o.max_pending, def.max_pending);
	assert_int_equal(o.max_rcpts, def.max_rcpts);
	assert_int_equal(o.max_recipients_tracked, def.max_recipients_tracked);
	assert_int_equal(o.max_clients_tracked, def.max_clients_tracked);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&o, 0xA5, sizeof(o));
		memset(&untouched, 0xA5, sizeof(untouched));
		assert_int_equal(dsng_maillog_opts_init(&o, bad[i]),
		                 DSNG_EINVAL);
		assert_memory_equal(&o, &untouched, sizeof(o));
		o = def;
		o.version = bad[i];
		s = (struct dsng_maillog *)1;
		assert_int_equal(dsng_maillog_new(*state, &s, &o, &err),
		                 DSNG_EINVAL);
		assert_null(s);
		assert_int_equal(err.kind, DSNG_ERR_INVALID_ARGUMENT);
	}
	assert_int_equal(
	        dsng_maillog_opts_init(NULL, DSNG_MAILLOG_OPTS_VERSION),
	        DSNG_EINVAL);
	assert_int_equal(talloc_total_blocks(*state), blocks);
}

/* max_line has a ceiling: the line buffer is allocated up front, and a
 * value of 2^32 or more used to be truncated there (talloc counts are
 * unsigned), so a long line overran a small buffer. */
static void test_max_line_ceiling(void **state)
{
	static const size_t bad[] = {
		DSNG_MAILLOG_MAX_LINE_CEILING + 1,
		63,
		0,
		(size_t)-1,
#if SIZE_MAX > 0xffffffffu
		((size_t)1 << 32) + 100,
		(size_t)1 << 32,
#endif
	};
	struct dsng_maillog_opts o;
	struct dsng_maillog *s;
	struct dsng_maillog_summary *sum;
	struct dsng_error err = DSNG_ERROR_INIT;
	size_t blocks = talloc_total_blocks(*state), i;
	char *buf;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		dsng_maillog_opts_init(&o, DSNG_MAILLOG_OPTS_VERSION);
		o.max_line = bad[i];
		s = (struct dsng_maillog *)1;
		assert_int_equal(dsng_maillog_new(*state, &s, &o, &err),
		                 DSNG_EINVAL);
		assert_null(s);
		assert_int_equal(err.kind, DSNG_ERR_INVALID_ARGUMENT);
	}
	dsng_maillog_opts_init(&o, DSNG_MAILLOG_OPTS_VERSION);
	o.max_recipients_tracked = 0;
	assert_int_equal(dsng_maillog_new(*state, &s, &o, &err), DSNG_EINVAL);
	dsng_maillog_opts_init(&o, DSNG_MAILLOG_OPTS_VERSION);
	o.max_clients_tracked = 0;
	assert_int_equal(dsng_maillog_new(*state, &s, &o, &err), DSNG_EINVAL);
	assert_int_equal(talloc_total_blocks(*state), blocks);

	/* at the ceiling: a 300-byte chunk, then a line just over it */
	dsng_maillog_opts_init(&o, DSNG_MAILLOG_OPTS_VERSION);
	o.max_line = DSNG_MAILLOG_MAX_LINE_CEILING;
	assert_int_equal(dsng_maillog_new(*state, &s, &o, &err), DSNG_OK);
	buf = talloc_size(*state, DSNG_MAILLOG_MAX_LINE_CEILING + 2);
	assert_non_null(buf);
	memset(buf, 'x', 300);
	assert_int_equal(dsng_maillog_feed(s, buf, 300, &err), DSNG_OK);
	memset(buf, 'y', DSNG_MAILLOG_MAX_LINE_CEILING + 1);
	buf[DSNG_MAILLOG_MAX_LINE_CEILING + 1] = '\n';
	assert_int_equal(dsng_maillog_feed(s, buf,
	                                   DSNG_MAILLOG_MAX_LINE_CEILING + 2,
	                                   &err),
	                 DSNG_OK);
	assert_int_equal(dsng_maillog_feed(s, "z\n", 2, &err), DSNG_OK);
	assert_int_equal(dsng_maillog_finish(s, &err), DSNG_OK);
	assert_int_equal(dsng_maillog_summary(*state, &sum, s, &err), DSNG_OK);
	assert_int_equal(sum->lines, 2);
	assert_int_equal(sum->garbage, 2);
	talloc_free(sum);
	talloc_free(buf);
	talloc_free(s);
	assert_int_equal(talloc_total_blocks(*state), blocks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_postfix_example,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_view_lends_what_next_gives,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_sendmail_example,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_exim_example,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(
	                test_rfc3339_rfc5424_and_postmaster,
	                dsng_test_setup_ctx, dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_garbage_is_counted,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_msp_hand_over_either_order,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_msp_hand_over_tiny_table,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_address_probe_report,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_privacy_lines_are_counted,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_lines_so_far,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_dsn_refused_every_offset,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_dsn_refused_phrases,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_chunking_does_not_matter,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_long_lines_and_nuls,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_bounded_memory,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_many_messages,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(
	                test_summary_eviction_is_counted, dsng_test_setup_ctx,
	                dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(
	                test_heavy_hitters_survive_a_flood, dsng_test_setup_ctx,
	                dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_late_heavy_hitter,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_memory_stays_bounded,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_active_message_is_kept,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_long_strings_are_budgeted,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(
	                test_events_wait_for_their_delivery,
	                dsng_test_setup_ctx, dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_api_errors_and_names,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_opts_versions,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_max_line_ceiling,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
