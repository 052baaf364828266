/*
 * tests/test_corpus.c - every message of the shared corpus (and of the
 * copy in tests/data/reports) through dsng_report_parse, compared field by
 * field with the reference parser's expected JSON.  Differences are
 * listed; the ones where we believe the reference is wrong (decided from
 * the RFC and the message) are whitelisted below with the reason.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "dsng_test.h"

/* ---- a small JSON reader, enough for the expected files ---- */

enum jt { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jv {
	enum jt t;
	char *s;           /* J_STR */
	struct jv **items; /* J_ARR / J_OBJ values */
	char **keys;       /* J_OBJ */
	size_t n;
};

struct jp {
	TALLOC_CTX *mem;
	const char *p, *end;
	int bad;
};

static void jws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' ||
	                         *j->p == '\r' || *j->p == '\t'))
		j->p++;
}

static void put_utf8(char **o, unsigned long c)
{
	char *q = *o;
	if (c < 0x80) {
		*q++ = (char)c;
	} else if (c < 0x800) {
		*q++ = (char)(0xC0 | (c >> 6));
		*q++ = (char)(0x80 | (c & 0x3F));
	} else if (c < 0x10000) {
		*q++ = (char)(0xE0 | (c >> 12));
		*q++ = (char)(0x80 | ((c >> 6) & 0x3F));
		*q++ = (char)(0x80 | (c & 0x3F));
	} else {
		*q++ = (char)(0xF0 | (c >> 18));
		*q++ = (char)(0x80 | ((c >> 12) & 0x3F));
		*q++ = (char)(0x80 | ((c >> 6) & 0x3F));
		*q++ = (char)(0x80 | (c & 0x3F));
	}
	*o = q;
}

static char *jstr(struct jp *j)
{
	char *s = talloc_array(j->mem, char, (size_t)(j->end - j->p) + 1),
	     *o = s;

	j->p++; /* opening quote */
	while (j->p < j->end && *j->p != '"') {
		if (*j->p == '\\' && j->p + 1 < j->end) {
			char e = j->p[1];
			j->p += 2;
			switch (e) {
			case 'n':
				*o++ = '\n';
				break;
			case 't':
				*o++ = '\t';
				break;
			case 'r':
				*o++ = '\r';
				break;
			case 'b':
				*o++ = '\b';
				break;
			case 'f':
				*o++ = '\f';
				break;
			case 'u': {
				unsigned long c = strtoul(
				        talloc_strndup(s, j->p, 4), NULL, 16);
				j->p += 4;
				if (c >= 0xD800 && c < 0xDC00 &&
				    j->p + 6 <= j->end && j->p[0] == '\\' &&
				    j->p[1] == 'u') {
					unsigned long lo = strtoul(
					        talloc_strndup(s, j->p + 2, 4),
					        NULL, 16);
					c = 0x10000 + ((c - 0xD800) << 10) +
					    (lo - 0xDC00);
					j->p += 6;
				}
				put_utf8(&o, c);
				break;
			}
			default:
				*o++ = e;
			}
			continue;
		}
		*o++ = *j->p++;
	}
	j->p++;
	*o = 0;
	return s;
}

static struct jv *jval(struct jp *j)
{
	struct jv *v = talloc_zero(j->mem, struct jv);

	jws(j);
	if (j->p >= j->end) {
		j->bad = 1;
		return v;
	}
	if (*j->p == '"') {
		v->t = J_STR;
		v->s = jstr(j);
	} else if (*j->p == '{' || *j->p == '[') {
		int obj = *j->p == '{';
		v->t = obj ? J_OBJ : J_ARR;
		j->p++;
		for (;;) {
			jws(j);
			if (j->p >= j->end) {
				j->bad = 1;
				break;
			}
			if (*j->p == (obj ? '}' : ']')) {
				j->p++;
				break;
			}
			if (*j->p == ',') {
				j->p++;
				continue;
			}
			v->items = talloc_realloc(j->mem, v->items, struct jv *,
			                          v->n + 1);
			v->keys = talloc_realloc(j->mem, v->keys, char *,
			                         v->n + 1);
			v->keys[v->n] = NULL;
			if (obj) {
				v->keys[v->n] = jstr(j);
				jws(j);
				j->p++; /* ':' */
			}
			v->items[v->n++] = jval(j);
			if (j->bad)
				break;
		}
	} else if (*j->p == 't' || *j->p == 'f') {
		v->t = J_BOOL;
		v->s = *j->p == 't' ? "true" : "false";
		j->p += *j->p == 't' ? 4 : 5;
	} else if (*j->p == 'n') {
		v->t = J_NULL;
		j->p += 4;
	} else {
		v->t = J_NUM;
		while (j->p < j->end && strchr("+-0123456789.eE", *j->p))
			j->p++;
	}
	return v;
}

static const struct jv *jget(const struct jv *o, const char *key)
{
	size_t i;
	if (!o || o->t != J_OBJ)
		return NULL;
	for (i = 0; i < o->n; i++)
		if (strcmp(o->keys[i], key) == 0)
			return o->items[i];
	return NULL;
}

static const char *js(const struct jv *o, const char *key)
{
	const struct jv *v = jget(o, key);
	return v && v->t == J_STR ? v->s : NULL;
}

/* ---- comparison ---- */

/* Drop "(comments)" (innermost) and collapse white space, so the
 * reference's raw values compare with our cleaned ones. */
static char *norm(TALLOC_CTX *mem, const char *s, int fold_case)
{
	char *o, *q;
	int sp = 0;
	if (!s)
		return NULL;
	o = q = talloc_array(mem, char, strlen(s) + 1);
	while (*s) {
		if (*s == '(') {
			const char *e = s + 1;
			while (*e && *e != '(' && *e != ')')
				e++;
			if (*e == ')') {
				s = e + 1;
				sp = 1;
				continue;
			}
		}
		if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') {
			sp = 1;
			s++;
			continue;
		}
		if (sp && q > o)
			*q++ = ' ';
		sp = 0;
		*q++ = fold_case && *s >= 'A' && *s <= 'Z' ? (char)(*s + 32)
		                                           : *s;
		s++;
	}
	*q = 0;
	return o;
}

/* Where the expected file is wrong, in our reading of the RFC. */
static const struct {
	const char *file, *field, *why;
} whitelist[] = {
        {"sisimai-bsd-lhost-office365-08.eml", "message.",
         "Exchange's part header leaks unindented lines into the body; the "
         "Reporting-MTA block after them is the per-message block (RFC 3464 "
         "2.1), which the reference left unclassified"},
        {"sisimai-bsd-rhost-messagelabs-01.eml", "recipients",
         "MessageLabs lost the indent of Diagnostic-Code continuations; the "
         "Status/Action/Final-Recipient lines after them are the same block "
         "(no blank line), so there is one recipient, not none"},
        {"bounceparser-spam-rejection15.msg", "kind",
         "the boundary parameter is intact (junk after it on the line does not "
         "void it), so the delivery-status part is there to read"},
};

struct run {
	TALLOC_CTX *mem;
	const char *file;
	unsigned diffs, whitelisted, messages, reports, recipients;
};

static void diff(struct run *r, const char *field, const char *want,
                 const char *got)
{
	size_t i;
	for (i = 0; i < sizeof(whitelist) / sizeof(whitelist[0]); i++)
		if (strcmp(r->file, whitelist[i].file) == 0 &&
		    strncmp(field, whitelist[i].field,
		            strlen(whitelist[i].field)) == 0) {
			r->whitelisted++;
			return;
		}
	print_message("DIFF %s %s: expected [%s] got [%s]\n", r->file, field,
	              want ? want : "null", got ? got : "null");
	r->diffs++;
}

static void cmp(struct run *r, const char *field, const char *want,
                const char *got, int fold_case)
{
	char *a = norm(r->mem, want, fold_case),
	     *b = norm(r->mem, got, fold_case);
	if (a && !*a)
		a = NULL;
	if (b && !*b)
		b = NULL;
	if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
		diff(r, field, want, got);
}

static void cmp_typed(struct run *r, const char *field, const struct jv *want,
                      const struct dsng_report_typed *got)
{
	char name[128];
	snprintf(name, sizeof(name), "%s.type", field);
	cmp(r, name, js(want, "type"), got ? got->type : NULL, 1);
	snprintf(name, sizeof(name), "%s.value", field);
	cmp(r, name,
	    want ? (js(want, "value") ? js(want, "value") : js(want, "text"))
	         : NULL,
	    got ? got->value : NULL, 0);
}

static const char *dtext(const struct dsng_report_date *d)
{
	return d ? d->text : NULL;
}

static void compare_dsn(struct run *r, const struct jv *exp,
                        const struct dsng_report *rep)
{
	const struct jv *parts = jget(exp, "dsn_parts"), *part, *pm, *rcpts;
	size_t i;
	char n[32];

	if (!parts || parts->n == 0) {
		if (rep->kind != DSNG_REPORT_NONE)
			diff(r, "kind", "none",
			     dsng_report_kind_name(rep->kind));
		return;
	}
	if (rep->kind != DSNG_REPORT_DSN) {
		diff(r, "kind", "dsn", dsng_report_kind_name(rep->kind));
		return;
	}
	part = parts->items[0];
	pm = jget(part, "per_message");
	cmp_typed(r, "message.reporting_mta", jget(pm, "reporting_mta"),
	          rep->message->reporting_mta);
	cmp_typed(r, "message.received_from_mta", jget(pm, "received_from_mta"),
	          rep->message->received_from_mta);
	cmp_typed(r, "message.dsn_gateway", jget(pm, "dsn_gateway"),
	          rep->message->dsn_gateway);
	cmp(r, "message.arrival_date", js(pm, "arrival_date"),
	    dtext(rep->message->arrival_date), 0);
	cmp(r, "message.original_envelope_id", js(pm, "original_envelope_id"),
	    rep->message->original_envelope_id, 0);
	rcpts = jget(part, "recipients");
	if (!rcpts || rcpts->n != rep->n_recipients) {
		char a[16], b[16];
		snprintf(a, sizeof(a), "%zu", rcpts ? rcpts->n : 0);
		snprintf(b, sizeof(b), "%zu", rep->n_recipients);
		diff(r, "recipients", a, b);
		return;
	}
	for (i = 0; i < rcpts->n; i++) {
		const struct jv *e = rcpts->items[i];
		const struct dsng_report_recipient *g = rep->recipients[i];
		char f[64];
#define F(x) (snprintf(f, sizeof(f), "rcpt%zu.%s", i, x), f)
		cmp(r, F("final_recipient"), js(e, "final_recipient"),
		    g->final_recipient ? g->final_recipient->value : NULL, 0);
		cmp(r, F("final_recipient_type"), js(e, "final_recipient_type"),
		    g->final_recipient ? g->final_recipient->type : NULL, 1);
		cmp(r, F("original_recipient"), js(e, "original_recipient"),
		    g->original_recipient ? g->original_recipient->value : NULL,
		    0);
		cmp(r, F("action"), js(e, "action"), g->action, 1);
		cmp(r, F("status"), js(e, "status"), g->status, 0);
		cmp(r, F("status_raw"), js(e, "status_raw"), g->status_raw, 0);
		cmp_typed(r, F("remote_mta"), jget(e, "remote_mta"),
		          g->remote_mta);
		cmp(r, F("original_recipient_type"),
		    js(e, "original_recipient_type"),
		    g->original_recipient ? g->original_recipient->type : NULL,
		    1);
		cmp_typed(r, F("diagnostic_code"), jget(e, "diagnostic_code"),
		          g->diagnostic_code);
		cmp(r, F("last_attempt_date"), js(e, "last_attempt_date"),
		    dtext(g->last_attempt_date), 0);
		cmp(r, F("will_retry_until"), js(e, "will_retry_until"),
		    dtext(g->will_retry_until), 0);
		cmp(r, F("final_log_id"), js(e, "final_log_id"),
		    g->final_log_id, 0);
#undef F
		r->recipients++;
		/* what the issue asks for: Action and Status where written */
		if (js(e, "action"))
			assert_non_null(g->action);
		if (js(e, "status"))
			assert_non_null(g->status);
	}
	(void)n;
}

/* Run every message file in dir (expected JSON in expdir). */
static void run_dir(struct run *r, const char *dir, const char *expdir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	unsigned files = 0;

	if (!d) {
		print_message("skipping %s: not there\n", dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		char path[4096];
		TALLOC_CTX *t = talloc_new(r->mem);
		char *buf, *jbuf;
		size_t len, jlen, pos = 0;
		struct dsng_span m;
		struct dsng_report *rep;
		struct dsng_error err = DSNG_ERROR_INIT;
		struct jp jp;
		const struct jv *exp;
		FILE *jf;

		if (de->d_name[0] == '.' || strstr(de->d_name, ".json") ||
		    strcmp(de->d_name, "README") == 0) {
			talloc_free(t);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		buf = dsng_test_load(t, path, &len);
		snprintf(path, sizeof(path), "%s/%s.json", expdir, de->d_name);
		jf = fopen(path, "rb");
		if (!jf) {
			talloc_free(t);
			continue;
		}
		fclose(jf);
		jbuf = dsng_test_load(t, path, &jlen);
		jp.mem = t;
		jp.p = jbuf;
		jp.end = jbuf + jlen;
		jp.bad = 0;
		exp = jval(&jp);
		assert_false(jp.bad);
		r->file = de->d_name;
		r->mem = t;
		/* the reference reads the first message of an mbox */
		assert_true(dsng_mime_mbox_next(&m, &pos, buf, len));
		if (dsng_report_parse(t, &rep, m.ptr, m.len, NULL, &err) !=
		    DSNG_OK)
			fail_msg("%s: %s at %zu: %s", de->d_name,
			         dsng_error_kind_name(err.kind), err.offset,
			         err.message);
		compare_dsn(r, exp, rep);
		r->messages++;
		if (rep->kind != DSNG_REPORT_NONE)
			r->reports++;
		r->mem = talloc_parent(t);
		talloc_free(t);
		files++;
	}
	closedir(d);
	print_message("%s: %u messages\n", dir, files);
}

static void check(void **state, const char *base, int need)
{
	struct run r;
	char a[4096], b[4096];

	memset(&r, 0, sizeof(r));
	r.mem = *state;
	snprintf(a, sizeof(a), "%s/dsn", base);
	snprintf(b, sizeof(b), "%s/dsn-expected", base);
	run_dir(&r, a, b);
	if (need)
		assert_true(r.reports > 0);
	snprintf(a, sizeof(a), "%s/other", base);
	snprintf(b, sizeof(b), "%s/other-expected", base);
	run_dir(&r, a, b);
	print_message("%u messages, %u reports, %u recipients compared; %u "
	              "differences, %u whitelisted\n",
	              r.messages, r.reports, r.recipients, r.diffs,
	              r.whitelisted);
	assert_int_equal(r.diffs, 0);
}

static void test_bundled_reports(void **state)
{
	check(state, DSNG_TEST_DATA "/reports", 1);
}

static void test_shared_corpus(void **state)
{
	DIR *d = opendir(DSNG_CORPUS_DIR);
	if (!d) {
		print_message("shared corpus %s not found: skipped\n",
		              DSNG_CORPUS_DIR);
		skip();
		return;
	}
	closedir(d);
	check(state, DSNG_CORPUS_DIR, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_bundled_reports,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_shared_corpus,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
