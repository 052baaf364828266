/*
 * lib/policy_config.c - the config file: a line lexer, the key table, and
 * include handling for CIDR lists.  The format is described in
 * include/dsnguard/policy.h and examples/dsnguard.conf.
 *
 * Every problem is reported as "FILE:LINE:COLUMN: text" with line and
 * column in struct dsng_error too; unknown sections and keys are errors,
 * so a typo never silently leaves a default in force.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_int.h"

enum section {
	SEC_TOP = 0,
	SEC_NETS,
	SEC_EHLO,
	SEC_RCPT,
	SEC_MAIL,
	SEC_HEADERS,
	SEC_GENERATE,
	SEC_BOUNCE,
	SEC__COUNT
};

static const char *const section_names[SEC__COUNT] = {
        "",     "trusted-networks", "ehlo",     "rcpt",
        "mail", "headers",          "generate", "bounce"};

enum ktype {
	K_PRESET,
	K_CLASSES,
	K_CHOICE,
	K_REPLY,
	K_NAMES,
	K_ADD_NAMES,
	K_HEADER_NAME,
	K_DAYS,
	K_BATV_KEY,
	K_HOSTS
};

struct word {
	const char *word;
	int value;
};

static const struct word w_rcpt_action[] = {
        {"reject", DSNG_POLICY_ACTION_REJECT},
        {"strip", DSNG_POLICY_ACTION_STRIP},
        {"downgrade", DSNG_POLICY_ACTION_DOWNGRADE},
        {"never", DSNG_POLICY_ACTION_NEVER},
        {"accept", DSNG_POLICY_ACTION_ACCEPT},
        {NULL, 0}};
static const struct word w_rcpt_unoffered[] = {
        {"reject", DSNG__UNOFFERED_REJECT},
        {"ignore", DSNG__UNOFFERED_IGNORE},
        {"accept", DSNG__UNOFFERED_ACCEPT},
        {NULL, 0}};
static const struct word w_mail_unoffered[] = {
        {"reject", DSNG__UNOFFERED_REJECT},
        {"ignore", DSNG__UNOFFERED_IGNORE},
        {"rules", DSNG__UNOFFERED_RULES},
        {NULL, 0}};
static const struct word w_ret_action[] = {
        {"downgrade", DSNG_POLICY_ACTION_DOWNGRADE},
        {"strip", DSNG_POLICY_ACTION_STRIP},
        {"reject", DSNG_POLICY_ACTION_REJECT},
        {"accept", DSNG_POLICY_ACTION_ACCEPT},
        {NULL, 0}};
static const struct word w_envid_action[] = {
        {"strip", DSNG_POLICY_ACTION_STRIP},
        {"reject", DSNG_POLICY_ACTION_REJECT},
        {"accept", DSNG_POLICY_ACTION_ACCEPT},
        {NULL, 0}};
static const struct word w_header_action[] = {{"strip", DSNG__HDR_STRIP},
                                              {"keep", DSNG__HDR_KEEP},
                                              {"flag", DSNG__HDR_FLAG},
                                              {NULL, 0}};
static const struct word w_bool[] = {{"yes", 1},   {"no", 0}, {"true", 1},
                                     {"false", 0}, {"on", 1}, {"off", 0},
                                     {NULL, 0}};
static const struct word w_bounce_action[] = {
        {"reject", DSNG_POLICY_ACTION_REJECT},
        {"accept", DSNG_POLICY_ACTION_ACCEPT},
        {"flag", DSNG_POLICY_ACTION_FLAG},
        {NULL, 0}};

struct key {
	enum section sec;
	const char *name;
	const char *rule; /* "section.name", what decisions report */
	enum ktype type;
	size_t field; /* offsetof in struct dsng_policy */
	const struct word *words;
	int repeatable;
};

#define F(m) offsetof(struct dsng_policy, m)
static const struct key keys[] = {
        {SEC_TOP, "preset", "preset", K_PRESET, 0, NULL, 0},
        {SEC_EHLO, "offer-dsn", "ehlo.offer-dsn", K_CLASSES, F(offer_dsn), NULL,
         0},
        {SEC_EHLO, "honour-unoffered-from", "ehlo.honour-unoffered-from",
         K_CLASSES, F(honour_unoffered), NULL, 0},
        {SEC_RCPT, "success-from", "rcpt.success-from", K_CLASSES,
         F(success_from), NULL, 0},
        {SEC_RCPT, "delay-from", "rcpt.delay-from", K_CLASSES, F(delay_from),
         NULL, 0},
        {SEC_RCPT, "failure-from", "rcpt.failure-from", K_CLASSES,
         F(failure_from), NULL, 0},
        {SEC_RCPT, "orcpt-from", "rcpt.orcpt-from", K_CLASSES, F(orcpt_from),
         NULL, 0},
        {SEC_RCPT, "action", "rcpt.action", K_CHOICE, F(rcpt_action),
         w_rcpt_action, 0},
        {SEC_RCPT, "reply", "rcpt.reply", K_REPLY, F(rcpt_reply), NULL, 0},
        {SEC_RCPT, "unoffered", "rcpt.unoffered", K_CHOICE, F(rcpt_unoffered),
         w_rcpt_unoffered, 0},
        {SEC_RCPT, "unoffered-reply", "rcpt.unoffered-reply", K_REPLY,
         F(rcpt_unoffered_reply), NULL, 0},
        {SEC_MAIL, "ret-full-from", "mail.ret-full-from", K_CLASSES,
         F(ret_full_from), NULL, 0},
        {SEC_MAIL, "ret-full-action", "mail.ret-full-action", K_CHOICE,
         F(ret_full_action), w_ret_action, 0},
        {SEC_MAIL, "envid-from", "mail.envid-from", K_CLASSES, F(envid_from),
         NULL, 0},
        {SEC_MAIL, "envid-action", "mail.envid-action", K_CHOICE,
         F(envid_action), w_envid_action, 0},
        {SEC_MAIL, "reply", "mail.reply", K_REPLY, F(mail_reply), NULL, 0},
        {SEC_MAIL, "unoffered", "mail.unoffered", K_CHOICE, F(mail_unoffered),
         w_mail_unoffered, 0},
        {SEC_MAIL, "unoffered-reply", "mail.unoffered-reply", K_REPLY,
         F(mail_unoffered_reply), NULL, 0},
        {SEC_HEADERS, "receipts-from", "headers.receipts-from", K_CLASSES,
         F(receipts_from), NULL, 0},
        {SEC_HEADERS, "action", "headers.action", K_CHOICE, F(header_action),
         w_header_action, 0},
        {SEC_HEADERS, "names", "headers.names", K_NAMES, 0, NULL, 0},
        {SEC_HEADERS, "add-names", "headers.add-names", K_ADD_NAMES, 0, NULL,
         1},
        {SEC_HEADERS, "flag-header", "headers.flag-header", K_HEADER_NAME, 0,
         NULL, 0},
        {SEC_GENERATE, "check-clients", "generate.check-clients", K_CHOICE,
         F(check_clients), w_bool, 0},
        {SEC_BOUNCE, "batv-key", "bounce.batv-key", K_BATV_KEY, 0, NULL, 1},
        {SEC_BOUNCE, "batv-days", "bounce.batv-days", K_DAYS, 0, NULL, 0},
        {SEC_BOUNCE, "batv-required", "bounce.batv-required", K_CHOICE,
         F(batv_required), w_bool, 0},
        {SEC_BOUNCE, "our-hosts", "bounce.our-hosts", K_HOSTS, 0, NULL, 1},
        {SEC_BOUNCE, "action", "bounce.action", K_CHOICE, F(bounce_action),
         w_bounce_action, 0},
        {SEC_BOUNCE, "reply", "bounce.reply", K_REPLY, F(bounce_reply), NULL,
         0},
};
#undef F
#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

#define MAX_LINE DSNG_POLICY_MAX_LINE
#define MAX_LIST DSNG_POLICY_MAX_LIST

/* What a whole include tree has read so far, against its limits (shared
 * by the parsers of every nested file). */
struct budget {
	size_t files, bytes;
	size_t max_files, max_bytes;
};

struct parser {
	struct dsng_policy *p;
	const char *buf;
	size_t len, pos;
	const char *origin; /* talloc on p */
	unsigned line;
	int is_preset;
	int cidr_file; /* an included CIDR list */
	int depth;
	const struct dsng_policy_opts *opts;
	struct budget *budget;
	struct dsng_error *err;
	enum section sec;
	int settings; /* statements seen so far */
	int base_done;
	unsigned set_at[N_KEYS];
};

/* A value or token: where it starts on the line, its bytes. */
struct tok {
	const char *p;
	size_t len;
	size_t col; /* 0-based column */
};

/*
 * The file name for a message of text_len octets after it: the whole name
 * when "NAME:LINE:COL: TEXT" fits in the error's message, else "..." and
 * the name's tail, so a long path never cuts off what went wrong (the
 * text is what the caller must read; the tail still names the file).
 */
static const char *fit_origin(const char *origin, unsigned line, size_t col,
                              size_t text_len, char *buf, size_t size)
{
	int pos = snprintf(NULL, 0, ":%u:%zu: ", line, col);
	size_t room = DSNG_ERROR_MESSAGE_MAX - 1, len = strlen(origin), keep;
	size_t after = text_len + (pos > 0 ? (size_t)pos : 0);

	room = room > after ? room - after : 0;
	if (len <= room)
		return origin;
	keep = room > 3 + 16 ? room - 3 : 16; /* always some of the name */
	if (keep > len)
		keep = len;
	if (keep + 4 > size)
		keep = size - 4;
	snprintf(buf, size, "...%s", origin + len - keep);
	return buf;
}

static int fail(struct parser *ps, int status, enum dsng_errkind kind,
                size_t col, const char *fmt, ...) DSNG_PRINTF(5, 6);

static int fail(struct parser *ps, int status, enum dsng_errkind kind,
                size_t col, const char *fmt, ...)
{
	char text[DSNG_ERROR_MESSAGE_MAX];
	unsigned line = ps->is_preset ? 0 : ps->line;
	va_list ap;

	char name[DSNG_ERROR_MESSAGE_MAX];
	int n;

	va_start(ap, fmt);
	n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return dsng__fail_at(
	        ps->err, status, kind, line, (unsigned)col + 1, "%s:%u:%zu: %s",
	        fit_origin(ps->origin, line, col + 1, n > 0 ? (size_t)n : 0,
	                   name, sizeof(name)),
	        line, col + 1, text);
}

/* fail() for a fixed limit: DSNG_ELIMIT with err->limit naming it. */
static int fail_limit(struct parser *ps, const char *limit,
                      enum dsng_errkind kind, size_t col, const char *fmt, ...)
        DSNG_PRINTF(5, 6);

static int fail_limit(struct parser *ps, const char *limit,
                      enum dsng_errkind kind, size_t col, const char *fmt, ...)
{
	char text[DSNG_ERROR_MESSAGE_MAX];
	unsigned line = ps->is_preset ? 0 : ps->line;
	va_list ap;

	char name[DSNG_ERROR_MESSAGE_MAX];
	int n;

	va_start(ap, fmt);
	n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return dsng__fail_limit_at(
	        ps->err, limit, kind, line, (unsigned)col + 1, "%s:%u:%zu: %s",
	        fit_origin(ps->origin, line, col + 1, n > 0 ? (size_t)n : 0,
	                   name, sizeof(name)),
	        line, col + 1, text);
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int is_keychar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

static struct dsng__src src_of(struct parser *ps, const struct key *k)
{
	struct dsng__src s;

	s.rule = k->rule;
	s.origin = ps->origin;
	s.line = ps->is_preset ? 0 : ps->line;
	return s;
}

/* Split a list value on commas and blanks into toks. */
static size_t split_list(const struct tok *v, struct tok *out, size_t max)
{
	size_t i = 0, n = 0;

	while (i < v->len) {
		size_t start;

		while (i < v->len && (is_blank(v->p[i]) || v->p[i] == ','))
			i++;
		if (i >= v->len)
			break;
		start = i;
		while (i < v->len && !is_blank(v->p[i]) && v->p[i] != ',')
			i++;
		if (n == max)
			return max + 1;
		out[n].p = v->p + start;
		out[n].len = i - start;
		out[n].col = v->col + start;
		n++;
	}
	return n;
}

static const struct word class_words[] = {
        {"all", DSNG_POLICY_CLASS_ALL},
        {"none", 0},
        {"trusted", DSNG_POLICY_CLASS_TRUSTED},
        {"authenticated", DSNG_POLICY_CLASS_AUTHENTICATED},
        {"tls", DSNG_POLICY_CLASS_TLS},
        {"submission", DSNG_POLICY_CLASS_SUBMISSION},
        {"local", DSNG_POLICY_CLASS_LOCAL},
        {NULL, 0}};

static const struct word *find_word(const struct word *w, const struct tok *t)
{
	for (; w->word; w++)
		if (dsng__span_ieq(t->p, t->len, w->word))
			return w;
	return NULL;
}

static int word_list_text(const struct word *w, char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = 0;
	for (; w->word; w++)
		o += (size_t)snprintf(buf + o, o < size ? size - o : 0, "%s%s",
		                      o ? ", " : "", w->word);
	return 0;
}

static int set_classes(struct parser *ps, const struct key *k,
                       const struct tok *v)
{
	struct dsng__classes *c =
	        (struct dsng__classes *)((char *)ps->p + k->field);
	struct tok t[MAX_LIST];
	size_t n = split_list(v, t, MAX_LIST), i;
	unsigned mask = 0;
	int none = 0;
	char *text;

	if (n == 0)
		return fail(ps, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE, v->col,
		            "%s: empty list (use \"none\")", k->rule);
	if (n > MAX_LIST)
		return fail_limit(ps, "max_list", DSNG_ERR_BAD_VALUE, v->col,
		                  "%s: list too long", k->rule);
	text = talloc_strdup(ps->p, "");
	for (i = 0; i < n && text; i++) {
		const struct word *w = find_word(class_words, &t[i]);
		if (!w)
			return fail(
			        ps, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE, t[i].col,
			        "%s: unknown client class '%.*s' (all, none, "
			        "trusted, authenticated, tls, submission, "
			        "local)",
			        k->rule, (int)(t[i].len > 40 ? 40 : t[i].len),
			        t[i].p);
		if (!w->value)
			none = 1;
		mask |= w->value;
		text = talloc_asprintf_append(text, "%s%s", i ? ", " : "",
		                              w->word);
	}
	if (!text)
		return DSNG_ENOMEM;
	if (none && n > 1)
		return fail(ps, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE, v->col,
		            "%s: \"none\" must stand alone", k->rule);
	c->mask = mask;
	c->text = text;
	c->src = src_of(ps, k);
	return 0;
}

static int set_choice(struct parser *ps, const struct key *k,
                      const struct tok *v)
{
	struct dsng__choice *c =
	        (struct dsng__choice *)((char *)ps->p + k->field);
	const struct word *w = find_word(k->words, v);
	char list[160];

	if (!w) {
		word_list_text(k->words, list, sizeof(list));
		return fail(ps, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE, v->col,
		            "%s: '%.*s' is not one of: %s", k->rule,
		            (int)(v->len > 40 ? 40 : v->len), v->p, list);
	}
	c->v = w->value;
	c->src = src_of(ps, k);
	return 0;
}

/* "CODE [X.Y.Z] text": a refusal (4xx/5xx), enhanced class = first digit
 * (RFC 3463 2), text of printable ASCII. */
static int set_reply(struct parser *ps, const struct key *k,
                     const struct tok *v)
{
	struct dsng__reply *r =
	        (struct dsng__reply *)((char *)ps->p + k->field);
	const char *p = v->p;
	size_t len = v->len, i, e;
	int code;
	char *enh = NULL;

	if (len < 3 || (p[0] != '4' && p[0] != '5') || p[1] < '0' ||
	    p[1] > '9' || p[2] < '0' || p[2] > '9' || (len > 3 && p[3] != ' '))
		return fail(ps, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE, v->col,
		            "%s: a reply starts with a 4xx or 5xx code",
		            k->rule);
	code = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
	i = 3;
	while (i < len && p[i] == ' ')
		i++;
	/* Enhanced code: class.subject.detail, 1-3 digits each. */
	e = i;
	if (i < len && (p[i] == '4' || p[i] == '5') && i + 1 < len &&
	    p[i + 1] == '.') {
		int parts = 0;
		size_t j = i;

		while (parts < 3) {
			size_t d = 0;
			while (j < len && p[j] >= '0' && p[j] <= '9' && d < 4)
				j++, d++;
			if (d == 0 || d > 3 || (parts == 0 && d != 1))
				break;
			parts++;
			if (parts < 3 && j < len && p[j] == '.')
				j++;
			else
				break;
		}
		if (parts != 3 || (j < len && p[j] != ' '))
			return fail(ps, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE,
			            v->col + e,
			            "%s: bad enhanced status code (X.Y.Z)",
			            k->rule);
		if (p[e] != p[0])
			return fail(ps, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE,
			            v->col + e,
			            "%s: enhanced code class %c does not match "
			            "reply "
			            "%d",
			            k->rule, p[e], code);
		enh = talloc_strndup(ps->p, p + e, j - e);
		if (!enh)
			return DSNG_ENOMEM;
		i = j;
		while (i < len && p[i] == ' ')
			i++;
	}
	if (i >= len)
		return fail(ps, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE, v->col + i,
		            "%s: the reply needs a text", k->rule);
	if (len - i > DSNG_POLICY_MAX_REPLY_TEXT)
		return fail_limit(ps, "max_reply_text", DSNG_ERR_BAD_VALUE,
		                  v->col + i,
		                  "%s: reply text over %d characters", k->rule,
		                  DSNG_POLICY_MAX_REPLY_TEXT);
	for (e = i; e < len; e++)
		if ((unsigned char)p[e] < 32 || (unsigned char)p[e] > 126)
			return fail(ps, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE,
			            v->col + e,
			            "%s: reply text must be printable ASCII",
			            k->rule);
	r->code = code;
	r->enhanced = enh ? enh : "";
	r->text = talloc_strndup(ps->p, p + i, len - i);
	if (!r->text)
		return DSNG_ENOMEM;
	r->src = src_of(ps, k);
	return 0;
}

/* RFC 5322 3.6.8 field name: printable ASCII except ':'. */
static int header_name_ok(const struct tok *t)
{
	size_t i;

	if (t->len == 0 || t->len > 76)
		return 0;
	for (i = 0; i < t->len; i++)
		if ((unsigned char)t->p[i] < 33 ||
		    (unsigned char)t->p[i] > 126 || t->p[i] == ':')
			return 0;
	return 1;
}

static int set_names(struct parser *ps, const struct key *k,
                     const struct tok *v, int replace)
{
	struct dsng_policy *p = ps->p;
	struct tok t[MAX_LIST];
	size_t n = split_list(v, t, MAX_LIST), i, base;
	const char **names;

	if (n == 0)
		return fail(ps, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE, v->col,
		            "%s: give 1 to %d header names", k->rule, MAX_LIST);
	if (n > MAX_LIST)
		return fail_limit(ps, "max_list", DSNG_ERR_BAD_VALUE, v->col,
		                  "%s: more than %d header names", k->rule,
		                  MAX_LIST);
	base = replace ? 0 : p->n_header_names;
	if (base + n > DSNG_POLICY_MAX_HEADER_NAMES)
		return fail_limit(ps, "max_header_names", DSNG_ERR_BAD_VALUE,
		                  v->col,
		                  "%s: more than %d header names in all",
		                  k->rule, DSNG_POLICY_MAX_HEADER_NAMES);
	names = talloc_realloc(p, replace ? NULL : p->header_names,
	                       const char *, base + n);
	if (!names)
		return DSNG_ENOMEM;
	for (i = 0; i < n; i++) {
		if (!header_name_ok(&t[i])) {
			if (replace)
				talloc_free(names);
			else
				p->header_names = names;
			return fail(ps, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE,
			            t[i].col, "%s: not a header field name",
			            k->rule);
		}
		names[base + i] = talloc_strndup(p, t[i].p, t[i].len);
		if (!names[base + i])
			return DSNG_ENOMEM;
	}
	if (replace)
		talloc_free(p->header_names);
	p->header_names = names;
	p->n_header_names = base + n;
	p->header_names_src = src_of(ps, k);
	return 0;
}

static int set_header_name(struct parser *ps, const struct key *k,
                           const struct tok *v)
{
	if (!header_name_ok(v))
		return fail(ps, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE, v->col,
		            "%s: not a header field name", k->rule);
	ps->p->flag_header = talloc_strndup(ps->p, v->p, v->len);
	return ps->p->flag_header ? 0 : DSNG_ENOMEM;
}

static int set_days(struct parser *ps, const struct key *k, const struct tok *v)
{
	unsigned d = 0;
	size_t i;

	for (i = 0; i < v->len; i++) {
		if (v->p[i] < '0' || v->p[i] > '9' || d > DSNG_BATV_MAX_DAYS)
			break;
		d = d * 10 + (unsigned)(v->p[i] - '0');
	}
	if (i != v->len || v->len == 0 || d == 0 || d > DSNG_BATV_MAX_DAYS)
		return fail(ps, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE, v->col,
		            "%s: a number of days from 1 to %d", k->rule,
		            DSNG_BATV_MAX_DAYS);
	ps->p->batv_days = d;
	return 0;
}

static int set_batv_key(struct parser *ps, const struct key *k,
                        const struct tok *v)
{
	struct dsng_policy *p = ps->p;
	struct dsng_batv_key key, *nk;
	struct dsng_error e = DSNG_ERROR_INIT;
	size_t i;
	int rc;

	rc = dsng_batv_key_parse(p, &key, v->p, v->len, 0, &e);
	if (rc == DSNG_ENOMEM)
		return rc;
	if (rc != 0)
		return fail(ps, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE,
		            v->col + e.offset, "%s: %s", k->rule, e.message);
	for (i = 0; i < p->n_batv_keys; i++)
		if (p->batv_keys[i].number == key.number)
			return fail(ps, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE,
			            v->col, "%s: key number %u given twice",
			            k->rule, key.number);
	nk = talloc_realloc(p, p->batv_keys, struct dsng_batv_key,
	                    p->n_batv_keys + 1);
	if (!nk)
		return DSNG_ENOMEM;
	nk[p->n_batv_keys++] = key;
	p->batv_keys = nk;
	return 0;
}

static int set_hosts(struct parser *ps, const struct key *k,
                     const struct tok *v)
{
	struct dsng_policy *p = ps->p;
	struct tok t[MAX_LIST];
	size_t n = split_list(v, t, MAX_LIST), i, j;
	const char **hosts;

	if (n == 0)
		return fail(ps, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE, v->col,
		            "%s: give 1 to %d host names", k->rule, MAX_LIST);
	if (n > MAX_LIST)
		return fail_limit(ps, "max_list", DSNG_ERR_BAD_VALUE, v->col,
		                  "%s: more than %d host names", k->rule,
		                  MAX_LIST);
	if (p->n_our_hosts + n > DSNG_POLICY_MAX_HOSTS)
		return fail_limit(ps, "max_hosts", DSNG_ERR_BAD_VALUE, v->col,
		                  "%s: more than %d host names in all", k->rule,
		                  DSNG_POLICY_MAX_HOSTS);
	hosts = talloc_realloc(p, p->our_hosts, const char *,
	                       p->n_our_hosts + n);
	if (!hosts)
		return DSNG_ENOMEM;
	p->our_hosts = hosts;
	for (i = 0; i < n; i++) {
		char *h;

		for (j = 0; j < t[i].len; j++) {
			char c = t[i].p[j];
			if (!((c >= 'a' && c <= 'z') ||
			      (c >= 'A' && c <= 'Z') ||
			      (c >= '0' && c <= '9') || c == '-' || c == '.' ||
			      c == ':' || c == '[' || c == ']'))
				return fail(ps, DSNG_ESYNTAX,
				            DSNG_ERR_BAD_VALUE, t[i].col + j,
				            "%s: not a host name", k->rule);
		}
		h = talloc_strndup(p, t[i].p, t[i].len);
		if (!h)
			return DSNG_ENOMEM;
		for (j = 0; h[j]; j++)
			if (h[j] >= 'A' && h[j] <= 'Z')
				h[j] = (char)(h[j] + 32);
		hosts[p->n_our_hosts++] = h;
	}
	return 0;
}

static int parse_text(struct parser *ps);

/* The directory part of a file name, "" when none. */
static char *dir_of(TALLOC_CTX *mem, const char *file)
{
	const char *slash = strrchr(file, '/');

	return slash ? talloc_strndup(mem, file, (size_t)(slash - file) + 1)
	             : talloc_strdup(mem, "");
}

static int read_disk(void *arg, TALLOC_CTX *mem, const char *path, char **buf,
                     size_t *len)
{
	FILE *f;
	char *b = NULL;
	size_t n = 0, cap = 0;

	(void)arg;
	*buf = NULL;
	f = fopen(path, "rb");
	if (!f)
		return DSNG_EIO;
	for (;;) {
		size_t got;
		if (n == cap) {
			char *nb;
			if (cap >= DSNG_POLICY_MAX_FILE_SIZE) {
				talloc_free(b);
				fclose(f);
				return DSNG_ELIMIT;
			}
			cap = cap ? cap * 2 : 8192;
			nb = talloc_realloc(mem, b, char, cap + 1);
			if (!nb) {
				talloc_free(b);
				fclose(f);
				return DSNG_ENOMEM;
			}
			b = nb;
		}
		got = fread(b + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		talloc_free(b);
		fclose(f);
		return DSNG_EIO;
	}
	fclose(f);
	b[n] = 0;
	*buf = b;
	*len = n;
	return 0;
}

/*
 * One include.  The depth bound stops loops, but not a diamond (a file
 * including another several times, over several levels), whose work
 * multiplies: the budget bounds the files and bytes of the whole tree.
 * Nothing of an include outlives it: its path, its text and whatever the
 * read callback hung on the context it was given are freed once the file
 * is parsed, so the policy keeps only the networks.
 */
static int do_include(struct parser *ps, const struct tok *name)
{
	struct parser sub;
	struct budget *b = ps->budget;
	TALLOC_CTX *tmp;
	char *path, *buf = NULL;
	size_t len = 0;
	dsng_policy_read_fn rd = read_disk;
	void *rd_arg = NULL;
	int rc;

	if (!b || (ps->opts && ps->opts->no_includes))
		return fail(ps, DSNG_EIO, DSNG_ERR_IO, name->col,
		            "include is disabled here");
	if (ps->depth >= DSNG_POLICY_MAX_INCLUDE_DEPTH)
		return fail_limit(ps, "max_include_depth", DSNG_ERR_CONFIG,
		                  name->col,
		                  "includes nested deeper than %d (a loop?)",
		                  DSNG_POLICY_MAX_INCLUDE_DEPTH);
	if (memchr(name->p, 0, name->len))
		return fail(ps, DSNG_ESYNTAX, DSNG_ERR_CONFIG, name->col,
		            "NUL byte in file name");
	if (b->files >= b->max_files)
		return fail_limit(ps, "max_include_files", DSNG_ERR_CONFIG,
		                  name->col,
		                  "the includes read more than %zu files "
		                  "(dsng_policy_opts.max_include_files)",
		                  b->max_files);
	tmp = talloc_new(NULL);
	if (!tmp)
		return DSNG_ENOMEM;
	if (name->len && name->p[0] == '/') {
		path = talloc_strndup(tmp, name->p, name->len);
	} else {
		/* Out of memory for the directory must not give "(null)"
		 * as one. */
		char *dir = dir_of(tmp, ps->origin);

		path = dir ? talloc_asprintf(tmp, "%s%.*s", dir, (int)name->len,
		                             name->p)
		           : NULL;
	}
	if (!path) {
		talloc_free(tmp);
		return DSNG_ENOMEM;
	}
	if (ps->opts && ps->opts->read) {
		rd = ps->opts->read;
		rd_arg = ps->opts->read_arg;
	}
	b->files++;
	rc = rd(rd_arg, tmp, path, &buf, &len);
	if (rc != 0) {
		if (rc == DSNG_ENOMEM) {
			talloc_free(tmp);
			return rc;
		}
		if (rc == DSNG_ELIMIT)
			rc = fail_limit(ps, "max_file_size", DSNG_ERR_IO,
			                name->col,
			                "cannot read '%.80s': too large", path);
		else
			rc = fail(ps, DSNG_EIO, DSNG_ERR_IO, name->col,
			          "cannot read '%.80s'", path);
		talloc_free(tmp);
		return rc;
	}
	if (len > b->max_bytes - b->bytes) {
		talloc_free(tmp);
		return fail_limit(ps, "max_include_bytes", DSNG_ERR_CONFIG,
		                  name->col,
		                  "the includes read more than %zu bytes "
		                  "(dsng_policy_opts.max_include_bytes)",
		                  b->max_bytes);
	}
	b->bytes += len;
	sub = *ps;
	sub.buf = buf;
	sub.len = len;
	sub.pos = 0;
	sub.line = 0;
	sub.origin = path;
	sub.cidr_file = 1;
	sub.depth = ps->depth + 1;
	sub.sec = SEC_NETS;
	rc = parse_text(&sub);
	talloc_free(tmp);
	return rc;
}

/* A quoted string: \" and \\ escapes; the token keeps the quotes out and
 * points into a copy when escapes were present. */
static int quoted(struct parser *ps, const char *line, size_t len, size_t i,
                  struct tok *out, size_t *end)
{
	size_t j = i + 1, o = 0;
	char *copy = NULL;

	out->p = NULL;
	out->len = 0;
	copy = talloc_array(ps->p, char, len + 1);
	if (!copy)
		return DSNG_ENOMEM;
	while (j < len && line[j] != '"') {
		if (line[j] == '\\' && j + 1 < len &&
		    (line[j + 1] == '"' || line[j + 1] == '\\'))
			j++;
		copy[o++] = line[j++];
	}
	if (j >= len) {
		talloc_free(copy);
		return fail(ps, DSNG_ESYNTAX, DSNG_ERR_CONFIG, i,
		            "unterminated quoted string");
	}
	copy[o] = 0;
	out->p = copy;
	out->len = o;
	out->col = i + 1;
	*end = j + 1;
	return 0;
}

/* After a value: only blanks and a comment may follow. */
static int rest_empty(struct parser *ps, const char *line, size_t len, size_t i)
{
	while (i < len && is_blank(line[i]))
		i++;
	if (i < len && line[i] != '#')
		return fail(ps, DSNG_ESYNTAX, DSNG_ERR_CONFIG, i,
		            "unexpected text after the value");
	return 0;
}

static int apply_base(struct parser *ps, const char *name, size_t col)
{
	struct dsng_error e = DSNG_ERROR_INIT;
	int rc = dsng__policy_base(ps->p, name, &e);

	if (rc == DSNG_ENOTFOUND)
		return fail(ps, DSNG_ESYNTAX, DSNG_ERR_UNKNOWN_PRESET, col,
		            "%s", e.message);
	if (rc != 0) {
		/* Only into an error struct of a version we know. */
		if (dsng__version_ok(ps->err, DSNG_ERROR_VERSION))
			*ps->err = e;
		return rc;
	}
	ps->base_done = 1;
	return 0;
}

static int networks_line(struct parser *ps, const char *line, size_t len,
                         size_t i)
{
	if (len - i >= 8 && !memcmp(line + i, "include", 7) &&
	    is_blank(line[i + 7])) {
		struct tok name = {NULL, 0, 0};
		size_t end;
		int rc;

		i += 7;
		while (i < len && is_blank(line[i]))
			i++;
		if (i >= len || line[i] != '"')
			return fail(ps, DSNG_ESYNTAX, DSNG_ERR_CONFIG, i,
			            "include needs a \"quoted\" file name");
		rc = quoted(ps, line, len, i, &name, &end);
		if (rc == 0)
			rc = rest_empty(ps, line, len, end);
		if (rc == 0 && name.len == 0)
			rc = fail(ps, DSNG_ESYNTAX, DSNG_ERR_CONFIG, i,
			          "empty file name");
		if (rc == 0)
			rc = do_include(ps, &name);
		talloc_free((char *)name.p);
		return rc;
	}
	while (i < len && line[i] != '#') {
		struct dsng__range r;
		size_t start, col;
		const char *why;
		int rc;

		while (i < len && (is_blank(line[i]) || line[i] == ','))
			i++;
		if (i >= len || line[i] == '#')
			break;
		start = i;
		while (i < len && !is_blank(line[i]) && line[i] != ',' &&
		       line[i] != '#')
			i++;
		if (dsng__cidr_parse(line + start, i - start, &r, &col, &why))
			return fail(ps, DSNG_ESYNTAX, DSNG_ERR_BAD_CIDR,
			            start + col, "'%.*s': %s",
			            (int)(i - start > 50 ? 50 : i - start),
			            line + start, why);
		rc = dsng__cidr_add(ps->p, &ps->p->nets, &r);
		if (rc == DSNG_ELIMIT)
			return fail_limit(ps, "max_networks", DSNG_ERR_BAD_CIDR,
			                  start, "more than %d networks",
			                  DSNG_POLICY_MAX_NETWORKS);
		if (rc)
			return rc;
	}
	return 0;
}

static int setting_line(struct parser *ps, const char *line, size_t len,
                        size_t i)
{
	size_t kstart = i, klen, k;
	const struct key *key = NULL;
	struct tok v;
	char *quoted_copy = NULL;
	int rc = 0, found_elsewhere = 0;

	while (i < len && is_keychar(line[i]))
		i++;
	klen = i - kstart;
	if (klen == 0)
		return fail(ps, DSNG_ESYNTAX, DSNG_ERR_CONFIG, kstart,
		            "expected a key name, a [section] or a comment");
	for (k = 0; k < N_KEYS; k++) {
		if (!dsng__span_ieq(line + kstart, klen, keys[k].name))
			continue;
		if (keys[k].sec == ps->sec) {
			key = &keys[k];
			break;
		}
		found_elsewhere = 1;
	}
	if (!key) {
		if (found_elsewhere || ps->sec == SEC_TOP)
			return fail(ps, DSNG_ESYNTAX, DSNG_ERR_UNKNOWN_KEY,
			            kstart, "unknown key '%.*s' %s%s%s",
			            (int)(klen > 40 ? 40 : klen), line + kstart,
			            ps->sec == SEC_TOP ? "before any [section]"
			                               : "in [",
			            section_names[ps->sec],
			            ps->sec == SEC_TOP ? "" : "]");
		return fail(ps, DSNG_ESYNTAX, DSNG_ERR_UNKNOWN_KEY, kstart,
		            "unknown key '%.*s' in [%s]",
		            (int)(klen > 40 ? 40 : klen), line + kstart,
		            section_names[ps->sec]);
	}
	while (i < len && is_blank(line[i]))
		i++;
	if (i >= len || line[i] != '=')
		return fail(ps, DSNG_ESYNTAX, DSNG_ERR_CONFIG, i,
		            "expected '=' after '%s'", key->name);
	i++;
	while (i < len && is_blank(line[i]))
		i++;
	if (i < len && line[i] == '"') {
		size_t end;
		rc = quoted(ps, line, len, i, &v, &end);
		quoted_copy = (char *)v.p;
		if (rc == 0)
			rc = rest_empty(ps, line, len, end);
		if (rc)
			goto done;
	} else {
		size_t end = i;
		while (end < len && line[end] != '#')
			end++;
		while (end > i && is_blank(line[end - 1]))
			end--;
		v.p = line + i;
		v.len = end - i;
		v.col = i;
	}
	if (v.len == 0 && key->type != K_NAMES)
		return fail(ps, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE, i,
		            "'%s' needs a value", key->name);
	if (!key->repeatable && ps->set_at[k] && !ps->is_preset)
		return fail(ps, DSNG_ESYNTAX, DSNG_ERR_CONFIG, kstart,
		            "'%s' already set on line %u", key->rule,
		            ps->set_at[k]);
	ps->set_at[k] = ps->line;

	if (key->type == K_PRESET) {
		char name[64];
		if (ps->settings > 0 || ps->base_done)
			return fail(ps, DSNG_ESYNTAX, DSNG_ERR_CONFIG, kstart,
			            "'preset' must be the first setting");
		if (v.len >= sizeof(name) || memchr(v.p, 0, v.len))
			return fail(ps, DSNG_ESYNTAX, DSNG_ERR_UNKNOWN_PRESET,
			            v.col, "unknown preset");
		memcpy(name, v.p, v.len);
		name[v.len] = 0;
		ps->settings++;
		rc = apply_base(ps, name, v.col);
		goto done;
	}
	if (!ps->base_done && !ps->is_preset) {
		rc = apply_base(ps, "recommended", kstart);
		if (rc)
			goto done;
	}
	ps->settings++;
	switch (key->type) {
	case K_CLASSES:
		rc = set_classes(ps, key, &v);
		break;
	case K_CHOICE:
		rc = set_choice(ps, key, &v);
		break;
	case K_REPLY:
		rc = set_reply(ps, key, &v);
		break;
	case K_NAMES:
		rc = set_names(ps, key, &v, 1);
		break;
	case K_ADD_NAMES:
		rc = set_names(ps, key, &v, 0);
		break;
	case K_HEADER_NAME:
		rc = set_header_name(ps, key, &v);
		break;
	case K_DAYS:
		rc = set_days(ps, key, &v);
		break;
	case K_BATV_KEY:
		rc = set_batv_key(ps, key, &v);
		break;
	case K_HOSTS:
		rc = set_hosts(ps, key, &v);
		break;
	case K_PRESET:
		rc = 0;
		break;
	}
done:
	/* The setters copy what they keep; an unquoted copy is no longer
	 * needed. */
	if (quoted_copy)
		talloc_free(quoted_copy);
	return rc;
}

static int section_line(struct parser *ps, const char *line, size_t len,
                        size_t i)
{
	size_t start = ++i, end;
	int s;

	while (i < len && line[i] != ']')
		i++;
	if (i >= len)
		return fail(ps, DSNG_ESYNTAX, DSNG_ERR_CONFIG, start - 1,
		            "missing ']'");
	end = i;
	if (ps->cidr_file)
		return fail(ps, DSNG_ESYNTAX, DSNG_ERR_CONFIG, start - 1,
		            "a CIDR list file has no sections");
	for (s = 1; s < SEC__COUNT; s++)
		if (dsng__span_ieq(line + start, end - start, section_names[s]))
			break;
	if (s == SEC__COUNT)
		return fail(ps, DSNG_ESYNTAX, DSNG_ERR_UNKNOWN_KEY, start,
		            "unknown section [%.*s]",
		            (int)(end - start > 40 ? 40 : end - start),
		            line + start);
	if (!ps->base_done && !ps->is_preset) {
		int rc = apply_base(ps, "recommended", start);
		if (rc)
			return rc;
	}
	ps->sec = (enum section)s;
	/* A preset's networks are a default: the config's own list replaces
	 * them (its later [trusted-networks] sections add to it). */
	if (ps->sec == SEC_NETS) {
		if (ps->is_preset) {
			ps->p->nets_from_preset = true;
		} else if (ps->p->nets_from_preset) {
			ps->p->nets.n = 0;
			ps->p->nets_from_preset = false;
		}
	}
	return rest_empty(ps, line, len, end + 1);
}

static int parse_text(struct parser *ps)
{
	while (ps->pos < ps->len) {
		const char *line = ps->buf + ps->pos;
		const char *nl = memchr(line, '\n', ps->len - ps->pos);
		size_t len = nl ? (size_t)(nl - line) : ps->len - ps->pos;
		size_t i = 0, z;
		int rc;

		ps->pos += len + (nl ? 1 : 0);
		ps->line++;
		if (len && line[len - 1] == '\r')
			len--;
		if (len > MAX_LINE)
			return fail_limit(ps, "max_line", DSNG_ERR_CONFIG,
			                  MAX_LINE, "line longer than %d bytes",
			                  MAX_LINE);
		for (z = 0; z < len; z++)
			if (line[z] == 0 || line[z] == '\r')
				return fail(ps, DSNG_ESYNTAX, DSNG_ERR_CONFIG,
				            z,
				            line[z] ? "stray carriage return"
				                    : "NUL byte");
		while (i < len && is_blank(line[i]))
			i++;
		if (i >= len || line[i] == '#')
			continue;
		if (line[i] == '[')
			rc = section_line(ps, line, len, i);
		else if (ps->sec == SEC_NETS)
			rc = networks_line(ps, line, len, i);
		else
			rc = setting_line(ps, line, len, i);
		if (rc)
			return rc;
	}
	return 0;
}

/* The include limits of (full, current-version) options. */
static void budget_init(struct budget *b, const struct dsng_policy_opts *o)
{
	memset(b, 0, sizeof(*b));
	b->max_files = o->max_include_files ? o->max_include_files
	                                    : DSNG_POLICY_MAX_INCLUDE_FILES;
	b->max_bytes = o->max_include_bytes ? o->max_include_bytes
	                                    : DSNG_POLICY_MAX_INCLUDE_BYTES;
}

int dsng__policy_apply(struct dsng_policy *p, const char *buf, size_t len,
                       const char *origin, int is_preset,
                       const struct dsng_policy_opts *opts,
                       struct dsng_error *err)
{
	struct parser ps;

	memset(&ps, 0, sizeof(ps));
	ps.p = p;
	ps.buf = buf;
	ps.len = len;
	ps.origin = origin;
	ps.is_preset = is_preset;
	ps.base_done = is_preset;
	ps.opts = opts;
	ps.err = err;
	return parse_text(&ps);
}

static const size_t opts_sizes[] = {
        0, offsetof(struct dsng_policy_opts, max_include_files),
        sizeof(struct dsng_policy_opts)};
static const struct dsng_policy_opts opts_defaults = DSNG_POLICY_OPTS_INIT;

int dsng_policy_opts_init(struct dsng_policy_opts *opts, unsigned version)
{
	return dsng__versioned_init(opts, version, &opts_defaults, opts_sizes,
	                            DSNG_POLICY_OPTS_VERSION);
}

/* The caller's options (NULL = defaults) as a full current-version copy. */
static int take_opts(struct dsng_policy_opts *local,
                     const struct dsng_policy_opts *opts,
                     struct dsng_error *err)
{
	if (dsng__versioned_take(local, opts, &opts_defaults, opts_sizes,
	                         DSNG_POLICY_OPTS_VERSION))
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL,
		                  "unknown dsng_policy_opts version");
	return 0;
}

int dsng_policy_parse(TALLOC_CTX *mem, struct dsng_policy **out,
                      const char *buf, size_t len, const char *name,
                      const struct dsng_policy_opts *opts,
                      struct dsng_error *err)
{
	struct dsng_policy_opts o;
	struct dsng_policy *p;
	struct parser ps;
	struct budget budget;
	int rc;

	if (!out || (!buf && len))
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "NULL argument");
	*out = NULL;
	rc = take_opts(&o, opts, err);
	if (rc)
		return rc;
	p = talloc_zero(NULL, struct dsng_policy);
	if (!p)
		goto nomem;
	p->name = talloc_strdup(p, name ? name : "(config)");
	if (!p->name)
		goto nomem;
	memset(&ps, 0, sizeof(ps));
	ps.p = p;
	ps.buf = buf;
	ps.len = len;
	ps.origin = p->name;
	ps.opts = &o;
	budget_init(&budget, &o);
	ps.budget = &budget;
	ps.err = err;
	rc = parse_text(&ps);
	if (rc == 0 && !ps.base_done)
		rc = apply_base(&ps, "recommended", 0);
	if (rc == 0)
		rc = dsng__policy_finish(p);
	if (rc == DSNG_ENOMEM)
		goto nomem;
	if (rc != 0) {
		talloc_free(p);
		return rc;
	}
	*out = talloc_steal(mem, p);
	return 0;
nomem:
	talloc_free(p);
	return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
	                  "out of memory");
}

int dsng_policy_load(TALLOC_CTX *mem, struct dsng_policy **out,
                     const char *path, const struct dsng_policy_opts *opts,
                     struct dsng_error *err)
{
	struct dsng_policy_opts o;
	TALLOC_CTX *tmp;
	char *buf = NULL;
	size_t len = 0;
	dsng_policy_read_fn rd = read_disk;
	void *rd_arg = NULL;
	int rc;

	if (!out || !path)
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "NULL argument");
	*out = NULL;
	rc = take_opts(&o, opts, err);
	if (rc)
		return rc;
	if (o.read) {
		rd = o.read;
		rd_arg = o.read_arg;
	}
	tmp = talloc_new(NULL);
	if (!tmp)
		return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
		                  "out of memory");
	rc = rd(rd_arg, tmp, path, &buf, &len);
	if (rc == DSNG_ENOMEM)
		rc = dsng__fail(err, rc, DSNG_ERR_NOMEM, 0, 0, NULL,
		                "out of memory");
	else if (rc == DSNG_ELIMIT)
		rc = dsng__fail_limit(err, "max_file_size", DSNG_ERR_IO, 0, 0,
		                      NULL, "%.100s: file too large", path);
	else if (rc != 0)
		rc = dsng__fail(err, DSNG_EIO, DSNG_ERR_IO, 0, 0, NULL,
		                "%.100s: cannot read the file", path);
	else
		rc = dsng_policy_parse(mem, out, buf, len, path, &o, err);
	talloc_free(tmp);
	return rc;
}

const char *dsng_policy_name(const struct dsng_policy *p)
{
	return p ? p->name : NULL;
}

size_t dsng_policy_network_count(const struct dsng_policy *p)
{
	return p ? p->nets.n : 0;
}

/* The word of a choice value, or NULL. */
static const char *choice_word(const struct word *w, int v)
{
	for (; w && w->word; w++)
		if (w->value == v)
			return w->word;
	return NULL;
}

int dsng_policy_diff(TALLOC_CTX *mem, struct dsng_policy_rule **out,
                     size_t *n_out, const struct dsng_policy *p,
                     struct dsng_error *err)
{
	struct dsng_policy *base;
	struct dsng_policy_rule *list = NULL;
	TALLOC_CTX *tmp;
	size_t n = 0, i;
	int rc;

	if (out)
		*out = NULL;
	if (n_out)
		*n_out = 0;
	if (!out || !n_out || !p)
		return dsng__bad_arg(err, "out, n_out and p");
	tmp = talloc_new(NULL);
	base = tmp ? talloc_zero(tmp, struct dsng_policy) : NULL;
	if (!base)
		goto nomem;
	rc = dsng__policy_base(base, "permissive", err);
	if (rc == DSNG_ENOMEM)
		goto nomem;
	if (rc) {
		talloc_free(tmp);
		return rc;
	}
	for (i = 0; i < N_KEYS; i++) {
		const struct key *k = &keys[i];
		const char *value = NULL;
		const struct dsng__src *src = NULL;
		unsigned classes = 0;
		struct dsng_policy_rule *grown;

		if (k->type == K_CLASSES) {
			const struct dsng__classes *a =
			        (const void *)((const char *)p + k->field);
			const struct dsng__classes *b =
			        (const void *)((const char *)base + k->field);
			if (a->mask != b->mask) {
				value = a->text;
				src = &a->src;
				classes = a->mask;
			}
		} else if (k->type == K_CHOICE) {
			const struct dsng__choice *a =
			        (const void *)((const char *)p + k->field);
			const struct dsng__choice *b =
			        (const void *)((const char *)base + k->field);
			if (a->v != b->v) {
				value = choice_word(k->words, a->v);
				src = &a->src;
			}
		} else if (k->type == K_BATV_KEY && p->n_batv_keys) {
			value = "(keys set)";
		} else if (k->type == K_HOSTS && p->n_our_hosts) {
			value = p->our_hosts[0];
		}
		if (!value)
			continue;
		grown = talloc_realloc(tmp, list, struct dsng_policy_rule,
		                       n + 1);
		if (!grown)
			goto nomem;
		list = grown;
		memset(&list[n], 0, sizeof(list[n]));
		list[n].rule = k->rule;
		list[n].value = talloc_strdup(list, value);
		list[n].origin = src ? src->origin : p->name;
		list[n].line = src ? src->line : 0;
		list[n].classes = classes;
		if (!list[n].value)
			goto nomem;
		n++;
	}
	if (list)
		*out = talloc_steal(mem, list);
	*n_out = n;
	talloc_free(tmp);
	return 0;
nomem:
	talloc_free(tmp);
	return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
	                  "out of memory");
}
