/*
 * lib/maillog_exim.c - Exim main log lines: arrivals "<=" (with H=, P=,
 * A=, U=, and for bounces "<= <> R=<original id>"), deliveries "=>" and
 * "->", failures "**", deferrals "==", and "Completed".  Exim does not say
 * in its log what kind of notice a bounce is, so the join infers it from
 * what happened to the original (see infer_kind).
 */
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

/* Value of " K=" up to the next space. */
static struct dsng_span word_field(struct dsng_span s, const char *key)
{
	return dsng__ml_value(s, key, " ");
}

/* H=name (helo) [addr]:port -- spaces inside, ends after the bracket. */
static void host_field(struct dsng_span s, struct dsng__ml_fact *f)
{
	struct dsng_span h = dsng__ml_value(s, "H=", ""), seg;
	const char *close;

	if (!h.ptr)
		return;
	close = memchr(h.ptr, ']', h.len);
	if (!close)
		return;
	seg.ptr = h.ptr;
	seg.len = (size_t)(close - h.ptr) + 1;
	/* include ":port" */
	while (seg.len < h.len && (h.ptr[seg.len] == ':' ||
	                           (h.ptr[seg.len] >= '0' && h.ptr[seg.len] <= '9')))
		seg.len++;
	dsng__ml_hostaddr(seg, &f->client_name, &f->client_addr, &f->client_port);
	/* "(helo) [addr]" has no reverse name; "name (helo) [addr]" keeps name. */
	if (f->client_name.ptr) {
		size_t n = 0;
		while (n < f->client_name.len && f->client_name.ptr[n] != ' ')
			n++;
		f->client_name.len = n;
		if (f->client_name.ptr[0] == '(')
			f->client_name.ptr = NULL, f->client_name.len = 0;
	}
}

static void arrival(struct dsng_span rest, struct dsng__ml_fact *f)
{
	struct dsng_span sender, ref, auth;
	size_t n = 0;

	while (n < rest.len && rest.ptr[n] != ' ')
		n++;
	sender.ptr = rest.ptr;
	sender.len = n;
	ref = word_field(rest, "R=");
	if (sender.len == 2 && !memcmp(sender.ptr, "<>", 2) && ref.ptr &&
	    msgid_len(ref.ptr, ref.len) == ref.len) {
		/* A bounce or warning about message R=; this line's id is the
		 * notice's own. */
		f->type = ML_DSN;
		f->qid2 = f->qid;
		f->qid = ref;
		f->infer_kind = 1;
		f->kind = DSNG_DSN_OTHER;
		f->text.ptr = rest.ptr - 3; /* "<= " */
		f->text.len = (size_t)(ref.ptr + ref.len - f->text.ptr);
		return;
	}
	f->type = ML_FROM;
	f->addr = sender.len == 2 && !memcmp(sender.ptr, "<>", 2)
	              ? dsng__ml_unangle(sender)
	              : sender;
	host_field(rest, f);
	f->service = word_field(rest, "P=");
	auth = word_field(rest, "A=");
	if (auth.ptr) {
		const char *c = memchr(auth.ptr, ':', auth.len);
		if (c) {
			f->sasl.ptr = c + 1;
			f->sasl.len = auth.len - (size_t)(c + 1 - auth.ptr);
		}
	}
	if (!f->client_addr.ptr)
		f->client_name = word_field(rest, "U=");
}

static void delivery(struct dsng_span rest, enum dsng__ml_status st,
                     struct dsng__ml_fact *f)
{
	struct dsng_span t;
	size_t n = 0;

	while (n < rest.len && rest.ptr[n] != ' ')
		n++;
	f->type = ML_DELIVERY;
	f->addr.ptr = rest.ptr;
	f->addr.len = n;
	if (n && rest.ptr[n - 1] == ':')
		f->addr.len--;
	/* Local deliveries read "=> user <user@domain> R=...": the full
	 * address is the bracketed one. */
	if (n + 1 < rest.len && rest.ptr[n + 1] == '<') {
		const char *c = memchr(rest.ptr + n + 1, '>', rest.len - n - 1);
		if (c) {
			f->addr.ptr = rest.ptr + n + 2;
			f->addr.len = (size_t)(c - f->addr.ptr);
		}
	}
	f->status = st;
	t = word_field(rest, "T=");
	f->remote = st == ML_ST_SENT && t.ptr && dsng__ml_contains(t, "smtp") &&
	            !dsng__ml_contains(t, "lmtp") && dsng__ml_value(rest, "H=", "").ptr;
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
	if (rest.len == 9 && !memcmp(rest.ptr, "Completed", 9)) {
		f->type = ML_REMOVED;
		return;
	}
	if (rest.len < 4 || rest.ptr[2] != ' ')
		return;
	{
		struct dsng_span r2 = {rest.ptr + 3, rest.len - 3};
		if (!memcmp(rest.ptr, "<=", 2))
			arrival(r2, f);
		else if (!memcmp(rest.ptr, "=>", 2) || !memcmp(rest.ptr, "->", 2) ||
		         !memcmp(rest.ptr, "*>", 2))
			delivery(r2, ML_ST_SENT, f);
		else if (!memcmp(rest.ptr, "**", 2))
			delivery(r2, ML_ST_BOUNCED, f);
		else if (!memcmp(rest.ptr, "==", 2))
			delivery(r2, ML_ST_DEFERRED, f);
	}
}
