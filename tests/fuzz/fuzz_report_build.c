/*
 * tests/fuzz/fuzz_report_build.c - dsng_report_build on random specs: the
 * first octets choose every field (from lists of plausible values, or raw
 * octets), a policy and a session, the options; the rest of the input is
 * the original message.  Whatever the writer accepts must read back
 * through dsng_report_parse with no problems: the same recipients,
 * actions and statuses, lines within 998 octets, one line end.  Any
 * difference aborts, so libFuzzer reports it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <talloc.h>

#include "dsnguard/dsnguard.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct in {
	const uint8_t *p;
	size_t n;
};

static uint8_t u8(struct in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static int64_t i64(struct in *in)
{
	int64_t v = 0;
	int i;

	for (i = 0; i < 5; i++)
		v = (v << 8) | u8(in);
	return v - (INT64_C(1) << 32); /* some negative, most in range */
}

/* A string: one of dict (chooser < 0xC0), NULL (0xC0), a long run of one
 * pattern (0xFF), or up to 62 raw octets (cut at a NUL). */
static const char *str(struct in *in, TALLOC_CTX *mem, const char *const *dict,
                       size_t ndict)
{
	uint8_t c = u8(in);
	size_t len, i;
	char *s;

	if (c < 0xC0)
		return ndict ? dict[c % ndict] : NULL;
	if (c == 0xC0)
		return NULL;
	if (c == 0xFF) {
		uint8_t a = u8(in), b = u8(in);
		len = 1000 + (size_t)u8(in) * 24;
		s = talloc_array(mem, char, len + 1);
		for (i = 0; i < len; i++)
			s[i] = (char)(i % 7 == 6 ? b : a);
		s[len] = 0;
		s[strnlen(s, len)] = 0;
		return s;
	}
	len = c - 0xC1;
	if (len > in->n)
		len = in->n;
	s = talloc_strndup(mem, (const char *)in->p, len);
	in->p += len;
	in->n -= len;
	return s;
}

#define D(a) a, sizeof(a) / sizeof(a[0])
static const char *const addrs[] = {"user@example.test",
                                    "<user@example.test>",
                                    "\"quoted user\"@example.test",
                                    "o'brien+tag@Example.TEST",
                                    "jörg@bücher.test",
                                    "Postmaster",
                                    "a@[192.0.2.1]",
                                    "x@y",
                                    "<@route.example:u@example.test>",
                                    "bad address",
                                    "",
                                    "<>"};
static const char *const froms[] = {"sender@example.org",
                                    "<sender@example.org>",
                                    "sénder@exämple.org",
                                    "",
                                    "<>",
                                    "\"q s\"@example.org"};
static const char *const orcpts[] = {"rfc822;user@example.test",
                                     "rfc822;a+2Bb+3Dc@example.test",
                                     "RFC822;User@Example.test",
                                     "utf-8;j\\x{F6}rg@example.test",
                                     "UTF-8;ürg\\x{2B}1@bücher.test",
                                     "x400;c=us;a=b",
                                     "rfc822;",
                                     "rfc822;+20lead",
                                     "rfc822;a(b)c@d"};
static const char *const statuses[] = {"5.1.1", "4.4.7", "2.0.0",     "4.4.1",
                                       "2.1.5", "5.7.1", "2.999.999", "5.0"};
static const char *const mtas[] = {"mx.example.test", "127.0.0.1",
                                   "[192.0.2.1]",     "::1",
                                   "mx2.example.net", "bad name"};
static const char *const types[] = {"dns", "smtp", "x-postfix", "X-Unix",
                                    "DNS"};
static const char *const diags[] = {
        "250 2.0.0 Ok: queued as 4711",
        "550 5.1.1 <user@example.test>: Recipient address rejected",
        "550-5.7.1 first line\r\n550 5.7.1 second line",
        "Benutzer unbekannt: jörg ✉",
        "(comment) text; with; semicolons",
        "   "};
static const char *const envids[] = {"x1",        "env+2B1", "a+3Db",
                                     "bad xtext", "+20lead", "ENV-0001"};
static const char *const helos[] = {"client.example.org", "[192.0.2.66]",
                                    "bad helo", "localhost"};
static const char *const ips[] = {"192.0.2.7", "203.0.113.66", "::1",
                                  "2001:db8::5", "127.0.0.1"};
static const char *const logids[] = {"4711@mx.example.test", " spaced ",
                                     "tab\there"};

static struct dsng_policy *presets[3];

static bool nonascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return true;
	return false;
}

static void check_lines(const char *p, size_t len, bool crlf)
{
	size_t i = 0;

	while (i < len) {
		const char *nl = memchr(p + i, '\n', len - i);
		size_t end, n;

		if (!nl)
			abort(); /* the report ends with a line end */
		end = (size_t)(nl - p);
		n = end - i;
		if (crlf) {
			if (!n || p[end - 1] != '\r')
				abort();
			n--;
		}
		if (memchr(p + i, '\r', n) || n > 998)
			abort();
		i = end + 1;
	}
}

/* Problems of the report itself.  The returned part is the original's
 * own header or message, copied as it came: what is wrong inside it (an
 * encoded word in an unknown charset, say) is the original's, not the
 * writer's. */
static size_t report_problems(const struct dsng_report *r, const char *data,
                              size_t len)
{
	static const char mark[] = "\nContent-Description: Returned";
	const char *at = strstr(data, mark); /* data is a C string */
	size_t returned = at ? (size_t)(at - data) : len, i, n = 0;

	for (i = 0; i < r->n_problems; i++)
		n += r->problems[i].offset < returned;
	return n;
}

static void check(const struct dsng_report_build_result *res,
                  const struct dsng_report_build_spec *spec, bool crlf)
{
	struct dsng_report *r = NULL;
	size_t i, k = 0;

	if (!res->data || res->len != strlen(res->data) || !res->n_kept)
		abort();
	check_lines(res->data, res->len, crlf);
	if (dsng_report_parse(NULL, &r, res->data, res->len, NULL, NULL) !=
	    DSNG_OK)
		abort();
	if (r->kind != DSNG_REPORT_DSN ||
	    report_problems(r, res->data, res->len) || r->truncated ||
	    r->global != res->global || r->n_recipients != res->n_kept)
		abort();
	for (i = 0; i < res->n_entries; i++) {
		const struct dsng_report_build_entry *e = &res->entries[i];
		const struct dsng_report_build_rcpt *in =
		        spec->recipients[e->index];
		const struct dsng_report_recipient *rc;
		struct dsng_status_code code;

		if (e->fate != DSNG_REPORT_BUILD_KEPT)
			continue;
		rc = r->recipients[k++];
		if (in->status &&
		    (dsng_status_parse(&code, in->status, strlen(in->status),
		                       NULL) != DSNG_OK ||
		     !rc->status || strcmp(code.str, rc->status)))
			abort();
		if (!rc->final_recipient || !rc->action || !rc->status ||
		    strcmp(rc->action, dsng_dsn_action_name(in->action)) ||
		    strcmp(rc->final_recipient->value, e->addr) ||
		    strcmp(rc->final_recipient->type,
		           nonascii(e->addr) ? "utf-8" : "rfc822"))
			abort();
	}
	if (res->returned != (r->returned != NULL))
		abort();
	talloc_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem;
	struct in in = {data, size};
	struct dsng_report_build_spec spec = DSNG_REPORT_BUILD_SPEC_INIT;
	struct dsng_report_build_opts o = DSNG_REPORT_BUILD_OPTS_INIT;
	struct dsng_policy_session s = DSNG_POLICY_SESSION_INIT;
	struct dsng_report_build_rcpt **rs;
	struct dsng_report_build_result *res = NULL;
	struct dsng_error err = DSNG_ERROR_INIT;
	const struct dsng_policy *p = NULL;
	const char *ip;
	char *orig;
	uint8_t f, g;
	size_t n, i;
	int rc;

	if (!presets[0]) {
		dsng_policy_preset(NULL, &presets[0], "recommended", NULL);
		dsng_policy_preset(NULL, &presets[1], "permissive", NULL);
		dsng_policy_preset(NULL, &presets[2], "sendmail-noreceipts",
		                   NULL);
	}
	mem = talloc_new(NULL);
	f = u8(&in);
	g = u8(&in);
	o.crlf = f & 1;
	o.has_now = (f & 2) == 0;
	o.now = o.has_now ? INT64_C(1795916700) + (int64_t)(g & 0x0f) * 86400
	                  : 0;
	o.no_policy = (f & 0x0c) == 0;
	if (!o.no_policy)
		p = presets[((f >> 2) & 3) - 1];
	if (f & 0x10)
		o.max_returned = (size_t)u8(&in) * ((f & 0x20) ? 1 : 64);
	spec.ret = (enum dsng_ret)((g >> 4) % 3);
	spec.reporting_mta = str(&in, mem, D(mtas));
	spec.envelope_from = str(&in, mem, D(froms));
	spec.envid = (g & 0x40) ? str(&in, mem, D(envids)) : NULL;
	if (g & 0x80) {
		spec.has_arrival_date = true;
		spec.arrival_date = i64(&in);
	}
	ip = str(&in, mem, D(ips));
	if (ip)
		dsng_policy_session_set_addr(&s, ip, strlen(ip), NULL);
	s.helo_name = str(&in, mem, D(helos));
	s.auth_user = (f & 0x40) ? "alice" : NULL;
	s.port = (f & 0x80) ? 587 : 25;
	n = u8(&in) % 9;
	rs = talloc_array(mem, struct dsng_report_build_rcpt *, n ? n : 1);
	for (i = 0; i < n; i++) {
		struct dsng_report_build_rcpt *r =
		        talloc(rs, struct dsng_report_build_rcpt);
		uint8_t a = u8(&in), b = u8(&in);

		dsng_report_build_rcpt_init(r, DSNG_REPORT_BUILD_RCPT_VERSION);
		r->addr = str(&in, mem, D(addrs));
		/* mostly the five kinds, sometimes none or out of range */
		r->action = (enum dsng_dsn_kind)((a & 7) < 5    ? (a & 7) + 1
		                                 : (a & 7) == 5 ? 0
		                                                : 9);
		/* NEVER alone now and then, mixed with others rarely */
		r->notify = (a >> 3) & 0x0e;
		if ((a & 0x88) == 0x88)
			r->notify = (a & 0x40) ? DSNG_NOTIFY_NEVER
			                       : r->notify | DSNG_NOTIFY_NEVER;
		r->status = (b & 1) ? str(&in, mem, D(statuses)) : NULL;
		r->orcpt = (b & 2) ? str(&in, mem, D(orcpts)) : NULL;
		if (b & 4) {
			r->remote_mta = str(&in, mem, D(mtas));
			r->remote_mta_type =
			        (b & 8) ? str(&in, mem, D(types)) : NULL;
		}
		if (b & 0x10) {
			r->diagnostic = str(&in, mem, D(diags));
			r->diagnostic_type = str(&in, mem, D(types));
		}
		if (b & 0x20) {
			r->has_last_attempt_date = true;
			r->last_attempt_date = i64(&in);
		}
		if (b & 0x40) {
			r->has_will_retry_until = true;
			r->will_retry_until = i64(&in);
		}
		if (b & 0x80)
			r->final_log_id = str(&in, mem, D(logids));
		rs[i] = r;
	}
	spec.recipients = (const struct dsng_report_build_rcpt *const *)rs;
	spec.n_recipients = n;
	orig = in.n ? fuzz_copy(in.p, in.n) : NULL;
	rc = dsng_report_build(mem, &res, p, &s, &spec, orig, in.n, &o, &err);
	if (rc == DSNG_OK) {
		if (!res)
			abort();
		if (res->outcome == DSNG_REPORT_BUILD_WRITTEN)
			check(res, &spec, o.crlf);
		else if (res->data || res->n_kept)
			abort();
	} else if (res || (rc != DSNG_EINVAL && rc != DSNG_ESYNTAX &&
	                   rc != DSNG_ELIMIT && rc != DSNG_ENOMEM)) {
		abort();
	}
	free(orig);
	talloc_free(mem);
	return 0;
}
