/*
 * lib/maillog_exim.c - Exim main log lines: arrivals "<=" (with H=, P=,
 * A=, U=, and for notices "<= <> R=<original id>"), deliveries "=>", "->"
 * and "*>", failures "**", deferrals "==", "addr: error ignored" (a failure
 * that gets no bounce), and "Completed".
 *
 * Exim never says in its log what kind of notice a "<= <> R=" message is.
 * With log_selector +subject the arrival line carries Exim's own subject
 * (T="Delivery Status Notification", T="Mail delivery failed: ...",
 * T="Warning: message ... delayed ..."), which settles it; otherwise the
 * join infers the kind from the original's delivery run (maillog_join.c).
 *
 * Addresses may have quoted local parts with spaces ("john smith"@x), and a
 * local delivery is logged as "=> local part <address>", the local part
 * unquoted: so an address is never just the text up to the next space.
 */
#include <stdint.h>
#include <string.h>

#include "maillog_int.h"

static int idc(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	       (c >= 'a' && c <= 'z');
}

/* Message ids: "1vABCD-000123-Ab" (to 4.96) or "1vABCD-00000000123-Abcd"
 * (4.97 on).  Returns the length at p, or 0. */
static size_t msgid_len(const char *p, size_t len)
{
	size_t i = 0, part, parts = 0;
	static const size_t lo[3] = {6, 6, 2}, hi[3] = {6, 11, 4};

	while (parts < 3) {
		part = 0;
		while (i < len && idc(p[i]))
			i++, part++;
		if (part < lo[parts] || part > hi[parts])
			return 0;
		parts++;
		if (parts < 3) {
			if (i >= len || p[i] != '-')
				return 0;
			i++;
		}
	}
	return (i == len || p[i] == ' ') ? i : 0;
}

static struct dsng_span span(const char *p, size_t len)
{
	struct dsng_span s;

	s.ptr = p;
	s.len = len;
	return s;
}

/* Length of the token at p: up to a space outside double quotes (a
 * backslash in quotes escapes the next character). */
static size_t token_len(const char *p, size_t len)
{
	size_t i = 0;
	int q = 0;

	for (; i < len; i++) {
		if (q && p[i] == '\\' && i + 1 < len)
			i++;
		else if (p[i] == '"')
			q = !q;
		else if (!q && p[i] == ' ')
			break;
	}
	return i;
}

/* Does the token at p start like one of Exim's fields, "K=", "M8S=",
 * "id*="?  (Upper-case letters and digits, or "id"/"id*".) */
static int field_start(const char *p, size_t len)
{
	size_t i = 0;

	if (len >= 3 && !memcmp(p, "id=", 3))
		return 1;
	if (len >= 4 && !memcmp(p, "id*=", 4))
		return 1;
	if (!len || p[0] < 'A' || p[0] > 'Z')
		return 0;
	while (i < len &&
	       ((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9')))
		i++;
	return i < len && p[i] == '=';
}

/* The fields of a line end where free text or quoted values begin that
 * could imitate them: the subject, the message id, a server's reply, and
 * "from <...>"/"for ..." of log_selector +received_recipients. */
static struct dsng_span fields_part(struct dsng_span s)
{
	static const char *const stops[] = {" T=\"", " id=", " id*=", " C=\"",
	                                    " from <"};
	size_t i, k, n;

	for (i = 0; i < s.len; i++) {
		if (s.ptr[i] != ' ')
			continue;
		for (k = 0; k < sizeof(stops) / sizeof(stops[0]); k++) {
			n = strlen(stops[k]);
			if (s.len - i >= n && !memcmp(s.ptr + i, stops[k], n)) {
				s.len = i;
				return s;
			}
		}
	}
	return s;
}

/* Value of " K=" up to the next space. */
static struct dsng_span word_field(struct dsng_span s, const char *key)
{
	return dsng__ml_value(s, key, " ");
}

/* H=name (helo) [addr]:port: the verified name (absent when Exim has
 * none: "(helo) [addr]"), the HELO argument in parentheses, the address.
 * The HELO may itself be an address literal, "([10.0.0.1]) [addr]": the
 * client's address is the bracket outside the parentheses. */
static void host_field(struct dsng_span s, struct dsng__ml_fact *f)
{
	struct dsng_span h = dsng__ml_value(s, "H=", "");
	size_t i, open, close, depth = 0, p;

	if (!h.ptr)
		return;
	for (i = 0; i < h.len && !(h.ptr[i] == '[' && !depth); i++) {
		if (h.ptr[i] == '(')
			depth++;
		else if (h.ptr[i] == ')' && depth)
			depth--;
		else if (h.ptr[i] == ' ' && !depth && i + 1 < h.len &&
		         h.ptr[i + 1] != '(' && h.ptr[i + 1] != '[')
			return; /* past "name (helo) [addr]" */
	}
	open = i;
	for (close = open; close < h.len && h.ptr[close] != ']'; close++)
		;
	if (open >= h.len || close >= h.len)
		return;
	f->client_addr = span(h.ptr + open + 1, close - open - 1);
	for (p = close + 2; close + 1 < h.len && h.ptr[close + 1] == ':' &&
	                    p < h.len && h.ptr[p] >= '0' && h.ptr[p] <= '9';
	     p++)
		;
	if (p > close + 2)
		f->client_port = span(h.ptr + close + 2, p - close - 2);
	if (h.ptr[0] != '(' && h.ptr[0] != '[')
		f->client_name = span(h.ptr, token_len(h.ptr, open));
}

/* The kind Exim's own subject of a notice names (log_selector +subject):
 * its templates' "Delivery Status Notification", "Mail delivery failed",
 * "Mail failure - ..." and "Warning: message <id> delayed ..."; OTHER for
 * no subject or one the admin rewrote. */
static enum dsng_dsn_kind subject_kind(struct dsng_span rest)
{
	struct dsng_span t = dsng__ml_value(rest, "T=\"", "");
	size_t n;

	if (!t.ptr)
		return DSNG_DSN_OTHER;
	if (dsng__ml_starts(t, "Delivery Status Notification\""))
		return DSNG_DSN_SUCCESS;
	if (dsng__ml_starts(t, "Mail delivery failed") ||
	    dsng__ml_starts(t, "Mail failure - "))
		return DSNG_DSN_FAILURE;
	if (dsng__ml_starts(t, "Warning: message ")) {
		t.ptr += 17;
		t.len -= 17;
		n = msgid_len(t.ptr, t.len);
		if (n &&
		    dsng__ml_starts(span(t.ptr + n, t.len - n), " delayed "))
			return DSNG_DSN_DELAY;
	}
	return DSNG_DSN_OTHER;
}

static void arrival(struct dsng_span rest, struct dsng__ml_fact *f)
{
	struct dsng_span sender, fields, ref, auth;

	sender = span(rest.ptr, token_len(rest.ptr, rest.len));
	fields = span(rest.ptr + sender.len, rest.len - sender.len);
	fields = fields_part(fields);
	ref = word_field(fields, "R=");
	if (sender.len == 2 && !memcmp(sender.ptr, "<>", 2) && ref.ptr &&
	    msgid_len(ref.ptr, ref.len) == ref.len) {
		/* A notice about message R=; this line's id is the
		 * notice's own. */
		f->type = ML_DSN;
		f->qid2 = f->qid;
		f->qid = ref;
		f->infer_kind = 1;
		f->kind = subject_kind(
		        span(rest.ptr + sender.len, rest.len - sender.len));
		f->text.ptr = rest.ptr - 3; /* "<= " */
		f->text.len = (size_t)(ref.ptr + ref.len - f->text.ptr);
		return;
	}
	f->type = ML_FROM;
	f->addr = sender.len == 2 && !memcmp(sender.ptr, "<>", 2)
	                  ? dsng__ml_unangle(sender)
	                  : sender;
	host_field(fields, f);
	f->service = word_field(fields, "P=");
	auth = word_field(fields, "A=");
	if (auth.ptr) {
		const char *c = memchr(auth.ptr, ':', auth.len);
		if (c) {
			f->sasl.ptr = c + 1;
			f->sasl.len = auth.len - (size_t)(c + 1 - auth.ptr);
		}
	}
	if (!f->client_addr.ptr)
		f->client_name = word_field(fields, "U=");
}

/* The "<...>" at p (p[0] == '<'), quotes honoured; its length with the
 * brackets, or 0 when it does not close. */
static size_t angle_len(const char *p, size_t len)
{
	size_t i;
	int q = 0;

	for (i = 1; i < len; i++) {
		if (q && p[i] == '\\' && i + 1 < len)
			i++;
		else if (p[i] == '"')
			q = !q;
		else if (!q && p[i] == '>')
			return i + 1;
	}
	return 0;
}

/* The address part of a delivery line: "addr", "addr:" (before a
 * message), "local part <addr>" (local delivery, the local part as
 * written: may hold spaces), "final <original> <parent>..." (redirects).
 * Sets f->addr to the recipient the sender used (the first bracketed
 * address, else the address) and f->dkey to the whole part; returns where
 * the fields start. */
static size_t address_part(struct dsng_span r, struct dsng__ml_fact *f)
{
	size_t i = 0, n, end = 0;
	struct dsng_span first = {NULL, 0}, angle = {NULL, 0};

	while (i < r.len) {
		n = token_len(r.ptr + i, r.len - i);
		if (i > 0 &&
		    (field_start(r.ptr + i, r.len - i) || r.ptr[i] == '('))
			break;
		if (r.ptr[i] == '<' && i > 0) {
			size_t a = angle_len(r.ptr + i, r.len - i);
			if (!a)
				break;
			if (!angle.ptr)
				angle = span(r.ptr + i + 1, a - 2);
			n = a;
		}
		if (!first.ptr)
			first = span(r.ptr + i, n);
		end = i + n;
		if (end && r.ptr[end - 1] == ':')
			break; /* "addr: message" / "... <orig>: message" */
		i = end;
		while (i < r.len && r.ptr[i] == ' ')
			i++;
	}
	if (!first.ptr)
		return 0;
	f->dkey = span(r.ptr, end);
	if (f->dkey.len && f->dkey.ptr[f->dkey.len - 1] == ':')
		f->dkey.len--;
	if (angle.ptr) {
		f->addr = angle;
	} else {
		/* Only the first token is the address: words after it
		 * without a bracket are not ("routing defer (-52)"). */
		f->addr = first;
		if (f->addr.len && f->addr.ptr[f->addr.len - 1] == ':')
			f->addr.len--;
		f->dkey = f->addr;
	}
	return end;
}

static void delivery(struct dsng_span rest, enum dsng__ml_status st,
                     struct dsng__ml_fact *f)
{
	struct dsng_span t, fields;
	size_t end;

	f->type = ML_DELIVERY;
	end = address_part(rest, f);
	fields = fields_part(span(rest.ptr + end, rest.len - end));
	f->status = st;
	t = word_field(fields, "T=");
	f->remote = st == ML_ST_SENT && t.ptr && dsng__ml_contains(t, "smtp") &&
	            !dsng__ml_contains(t, "lmtp") &&
	            dsng__ml_value(fields, "H=", "").ptr;
}

/* "addr: error ignored[: reason]" or "addr <parent>: error ignored": a
 * failure Exim sends no bounce for (NOTIFY=NEVER, a failed notice). */
static int ignored(struct dsng_span rest, struct dsng__ml_fact *f)
{
	static const char word[] = ": error ignored";
	size_t n = sizeof(word) - 1, i;

	for (i = 1; i + n <= rest.len; i++) {
		if (rest.ptr[i] == ':' && !memcmp(rest.ptr + i, word, n) &&
		    (i + n == rest.len || rest.ptr[i + n] == ':')) {
			f->type = ML_DELIVERY;
			f->status = ML_ST_OTHER;
			f->no_notice = 1;
			address_part(span(rest.ptr, i + 1), f);
			f->dkey.ptr = NULL;
			f->dkey.len = 0;
			return 1;
		}
	}
	return 0;
}

void dsng__ml_exim(const struct dsng__ml_line *line, struct dsng__ml_fact *f)
{
	struct dsng_span m = line->msg, rest;
	size_t n = msgid_len(m.ptr, m.len);

	memset(f, 0, sizeof(*f));
	f->mta = DSNG_MAILLOG_EXIM;
	if (!n || n + 1 >= m.len)
		return;
	f->qid.ptr = m.ptr;
	f->qid.len = n;
	rest.ptr = m.ptr + n + 1;
	rest.len = m.len - n - 1;
	/* "Completed" and, with log_selector +queue_time_overall,
	 * "Completed QT=1s" */
	if (dsng__ml_starts(rest, "Completed") &&
	    (rest.len == 9 || rest.ptr[9] == ' ')) {
		f->type = ML_REMOVED;
		return;
	}
	if (rest.len >= 4 && rest.ptr[2] == ' ') {
		struct dsng_span r2 = {rest.ptr + 3, rest.len - 3};
		if (!memcmp(rest.ptr, "<=", 2))
			arrival(r2, f);
		else if (!memcmp(rest.ptr, "=>", 2) ||
		         !memcmp(rest.ptr, "->", 2) ||
		         !memcmp(rest.ptr, "*>", 2))
			delivery(r2, ML_ST_SENT, f);
		else if (!memcmp(rest.ptr, "**", 2))
			delivery(r2, ML_ST_BOUNCED, f);
		else if (!memcmp(rest.ptr, "==", 2))
			delivery(r2, ML_ST_DEFERRED, f);
		if (f->type != ML_NONE)
			return;
	}
	ignored(rest, f);
}

/*
 * What kind of notice a "<= <> R=<original>" message is.
 *
 * Exim's log never says, but one delivery attempt ("run") of a message
 * logs a line per address ("=>", "**", "=="), then submits its notices in
 * a fixed order: the success notice (addresses delivered with
 * NOTIFY=SUCCESS), the bounce (failed addresses, unless each was logged
 * "error ignored": NOTIFY=NEVER), the delay warning (addresses still
 * deferred, once the message has waited delay_warning).  So the
 * candidates of a run are, in that order, SUCCESS when something was
 * delivered, FAILURE when a failure was not ignored, and DELAY when
 * something was deferred and this is not the attempt right after arrival
 * (no warning is due then).  The bounce is certain; a success notice and a
 * warning may not come.  With fewer notices than candidates, the success
 * notice is taken to be the missing one first (it is opt-in), then the
 * warning.
 *
 * While more notices may still come, the run's notices are held (not
 * released): a second notice after deliveries and failures makes them
 * success then failure, an "error ignored" line may leave only a success.
 * The run is over at the original's "Completed", its next delivery line,
 * or RUN_WAIT seconds after its last notice (Exim submits a run's notices
 * one right after the other; a message still queued logs nothing more).
 * A subject in the line (log_selector +subject) settles a notice's kind
 * outright.
 *
 * A run starts at the first delivery line after a notice, or when an
 * address part already logged in the run comes again.
 */
#define RUN_NOTICES 3
#define RUN_WAIT 60

struct dsng__ml_run {
	unsigned long n; /* runs seen; the first is 1 */
	int first;       /* the attempt right after the "<=" line */
	int noticed;     /* a notice came: a new run is next */
	unsigned long sent, remote, bounced, ignored, deferred;
	uint32_t *seen; /* hashes of the address parts logged in this run */
	size_t n_seen;
	struct dsng__ml_notice *notice[RUN_NOTICES]; /* not released yet */
	size_t n_notices; /* this run's, released ones too */
};

static uint32_t key_hash(struct dsng_span k)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < k.len; i++)
		h = (h ^ (unsigned char)k.ptr[i]) * 16777619u;
	return h;
}

static int num(const char *p, size_t n, long *out)
{
	size_t i;

	*out = 0;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		*out = *out * 10 + (p[i] - '0');
	}
	return 1;
}

/* Seconds of a log timestamp on some fixed scale ("2026-11-29 03:00:01",
 * "2026-11-29T03:00:01...", "Nov 29 03:00:01" within its year); the
 * fraction and the zone are left out.  -1 when it is none of these. */
static long long clock_of(struct dsng_span t)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	static const int before[12] = {0,   31,  59,  90,  120, 151,
	                               181, 212, 243, 273, 304, 334};
	long y = 0, mo, d, h, mi, sec;
	const char *c;
	long long days;

	if (t.len >= 19 && t.ptr[4] == '-' && num(t.ptr, 4, &y) &&
	    num(t.ptr + 5, 2, &mo) && num(t.ptr + 8, 2, &d)) {
		c = t.ptr + 11;
	} else if (t.len >= 15 && t.ptr[3] == ' ') {
		const char *m = NULL;
		size_t i;
		for (i = 0; i < 36 && !m; i += 3)
			if (!memcmp(t.ptr, months + i, 3))
				m = months + i;
		if (!m || !num(t.ptr + 4 + (t.ptr[4] == ' '),
		               t.ptr[4] == ' ' ? 1 : 2, &d))
			return -1;
		mo = (long)(m - months) / 3 + 1;
		c = t.ptr + 7;
	} else {
		return -1;
	}
	if (mo < 1 || mo > 12 || c[2] != ':' || c[5] != ':' || !num(c, 2, &h) ||
	    !num(c + 3, 2, &mi) || !num(c + 6, 2, &sec))
		return -1;
	days = (long long)y * 366 + before[mo - 1] + d;
	return ((days * 24 + h) * 60 + mi) * 60 + sec;
}

size_t dsng__ml_run_bytes(const struct dsng__ml_run *r)
{
	if (!r)
		return 0;
	return DSNG__ML_CHUNK_COST + sizeof(*r) +
	       (r->seen ? DSNG__ML_CHUNK_COST + r->n_seen * sizeof(*r->seen)
	                : 0);
}

void dsng__ml_run_settle(struct dsng__ml_run *r)
{
	size_t i;

	for (i = 0; i < RUN_NOTICES; i++)
		if (r->notice[i]) {
			r->notice[i]->hold = 0;
			r->notice[i]->run = NULL;
			r->notice[i] = NULL;
		}
}

void dsng__ml_notice_done(struct dsng__ml_notice *n)
{
	if (n->run) {
		n->run->notice[n->slot] = NULL;
		n->run = NULL;
	}
	n->hold = 0;
}

int dsng__ml_notice_expired(const struct dsng__ml_notice *n,
                            struct dsng_span now)
{
	long long t = clock_of(now);

	/* an unreadable clock or one that went back: do not wait on it */
	return n->t < 0 || t < 0 || t < n->t || t - n->t >= RUN_WAIT;
}

/* The kinds the run's notices take, in order, into c; returns how many
 * notices the run may have at most, *n how many kinds c holds. */
static size_t run_kinds(const struct dsng__ml_run *r,
                        enum dsng_dsn_kind c[RUN_NOTICES], size_t *n)
{
	size_t k = 0, j, drop, most;

	if (r->sent)
		c[k++] = DSNG_DSN_SUCCESS;
	if (r->bounced > r->ignored)
		c[k++] = DSNG_DSN_FAILURE;
	if (r->deferred && !r->first)
		c[k++] = DSNG_DSN_DELAY;
	most = k;
	while (k > r->n_notices) {
		/* the success notice is missing first, then the warning;
		 * the bounce never */
		drop = c[0] == DSNG_DSN_SUCCESS ? 0 : k - 1;
		for (j = drop; j + 1 < k; j++)
			c[j] = c[j + 1];
		k--;
	}
	*n = k;
	return most;
}

/* Give the waiting notices their kinds; returns 1 when they settled. */
static int run_assign(struct dsng__ml_run *r)
{
	enum dsng_dsn_kind c[RUN_NOTICES], kind;
	size_t nc, most, i;
	int all_said = 1, any = 0;

	most = run_kinds(r, c, &nc);
	for (i = 0; i < RUN_NOTICES; i++) {
		struct dsng__ml_notice *n = r->notice[i];
		if (!n)
			continue;
		any = 1;
		if (n->said != DSNG_DSN_OTHER) {
			kind = n->said;
		} else {
			kind = i < nc ? c[i] : DSNG_DSN_OTHER;
			all_said = 0;
		}
		/* a success notice after deliveries by SMTP only: the next
		 * hop did not take DSN, so Exim reported for it */
		if (kind == DSNG_DSN_SUCCESS && r->sent && r->remote == r->sent)
			kind = DSNG_DSN_RELAYED;
		*n->kind = kind;
		n->hold = 1;
	}
	if (!any)
		return 0;
	if (r->n_notices >= most || all_said) {
		dsng__ml_run_settle(r);
		return 1;
	}
	return 0;
}

int dsng__ml_run_delivery(TALLOC_CTX *mem, struct dsng__ml_run **run,
                          const struct dsng__ml_fact *f, int arrived,
                          size_t max_seen)
{
	struct dsng__ml_run *r = *run;
	uint32_t h = key_hash(f->dkey);
	size_t i;
	int again = 0, settled = 0;

	if (!r) {
		r = *run = talloc_zero(mem, struct dsng__ml_run);
		if (!r)
			return -1;
	}
	if (f->no_notice) {
		r->ignored++;
		return run_assign(r);
	}
	for (i = 0; f->dkey.len && i < r->n_seen; i++)
		if (r->seen[i] == h)
			again = 1;
	if (!r->n || r->noticed || again) {
		for (i = 0; i < RUN_NOTICES; i++)
			settled |= r->notice[i] != NULL;
		dsng__ml_run_settle(r);
		r->n++;
		r->first = r->n == 1 && arrived;
		r->noticed = 0;
		r->sent = r->remote = r->bounced = r->ignored = r->deferred = 0;
		r->n_seen = 0;
		r->n_notices = 0;
	}
	if (f->dkey.len && r->n_seen < max_seen) {
		uint32_t *n =
		        talloc_realloc(r, r->seen, uint32_t, r->n_seen + 1);
		if (!n)
			return -1;
		r->seen = n;
		r->seen[r->n_seen++] = h;
	}
	if (f->status == ML_ST_SENT) {
		r->sent++;
		r->remote += f->remote ? 1 : 0;
	} else if (f->status == ML_ST_BOUNCED) {
		r->bounced++;
	} else if (f->status == ML_ST_DEFERRED) {
		r->deferred++;
	}
	return settled;
}

void dsng__ml_run_notice(struct dsng__ml_run *r, struct dsng__ml_notice *n,
                         struct dsng_span time)
{
	*n->kind = n->said;
	n->hold = 0;
	n->t = clock_of(time);
	if (!r || !r->n)
		return; /* no delivery line seen: only the subject can say */
	r->noticed = 1;
	if (r->n_notices < RUN_NOTICES) {
		n->run = r;
		n->slot = r->n_notices;
		r->notice[n->slot] = n;
	}
	r->n_notices++;
	run_assign(r);
}
