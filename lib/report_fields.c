/*
 * lib/report_fields.c - the field blocks of message/delivery-status
 * (RFC 3464 2.2-2.3, RFC 6533 3) and message/disposition-notification
 * (RFC 8098 3.2): typed values, Action, Status, dates, extensions, and the
 * leniencies real MTAs need (recorded as problems).
 */
#include <string.h>

#include "mime_scan.h"
#include "report_int.h"

enum fid {
	F_UNKNOWN = 0,
	/* per message */
	F_ENVID,
	F_REPORTING_MTA,
	F_DSN_GATEWAY,
	F_RECEIVED_FROM,
	F_ARRIVAL,
	/* per recipient */
	F_ORIG_RCPT,
	F_FINAL_RCPT,
	F_ACTION,
	F_STATUS,
	F_REMOTE_MTA,
	F_DIAG,
	F_LAST_ATTEMPT,
	F_LOG_ID,
	F_RETRY_UNTIL,
	/* MDN only */
	F_REPORTING_UA,
	F_ORIG_MSGID,
	F_DISPOSITION,
	F_MDN_GATEWAY
};

/* The field's id: its length picks the one to three names it may be. */
static enum fid field_id(const struct dsng_span *n)
{
	const char *p = n->ptr;
	size_t len = n->len;

#define IS(word, id)                                                           \
	do {                                                                   \
		if (dsng__name_ieq(p, word, len))                              \
			return id;                                             \
	} while (0)
	switch (len) {
	case 6:
		IS("action", F_ACTION);
		IS("status", F_STATUS);
		break;
	case 10:
		IS("remote-mta", F_REMOTE_MTA);
		break;
	case 11:
		IS("dsn-gateway", F_DSN_GATEWAY);
		IS("disposition", F_DISPOSITION);
		IS("mdn-gateway", F_MDN_GATEWAY);
		break;
	case 12:
		IS("arrival-date", F_ARRIVAL);
		IS("final-log-id", F_LOG_ID);
		IS("reporting-ua", F_REPORTING_UA);
		break;
	case 13:
		IS("reporting-mta", F_REPORTING_MTA);
		break;
	case 15:
		IS("final-recipient", F_FINAL_RCPT);
		IS("diagnostic-code", F_DIAG);
		break;
	case 16:
		IS("will-retry-until", F_RETRY_UNTIL);
		break;
	case 17:
		IS("received-from-mta", F_RECEIVED_FROM);
		IS("last-attempt-date", F_LAST_ATTEMPT);
		break;
	case 18:
		IS("original-recipient", F_ORIG_RCPT);
		break;
	case 19:
		IS("original-message-id", F_ORIG_MSGID);
		break;
	case 20:
		IS("original-envelope-id", F_ENVID);
		break;
	default:
		break;
	}
#undef IS
	return F_UNKNOWN;
}

/* The strings and small structs of the field blocks are carved from
 * blocks that are talloc children of the report (the API promises one
 * tree, not a chunk each): a talloc chunk costs about 110 bytes beyond its
 * own, and a recipient had about fifteen, so 10,000 recipients held 6.1x
 * their input.  Blocks double from 1 KB up to 32 KB, below glibc's mmap
 * threshold.  Sanitizer builds (DSNG_NO_POOLS) get a chunk per object so
 * ASan sees every bound. */
#define ARENA_FIRST 1024
#define ARENA_MAX 32768

struct arena {
	char *cur;   /* the next free byte of the current block */
	size_t left; /* bytes left there */
	size_t next; /* size of the next block */
};

struct ctx {
	struct dsng_report *r;
	const struct dsng_report_limits *lim;
	struct dsng_error *err;
	const struct dsng_mime_field *f; /* the field being read */
	struct arena a;
};

#ifndef DSNG_NO_POOLS
static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}
#endif

/* n bytes owned by the report, or NULL on ENOMEM. */
static void *carve(struct ctx *c, size_t n)
{
#ifdef DSNG_NO_POOLS
	return talloc_size(c->r, n ? n : 1);
#else
	void *p;

	n = align8(n ? n : 1);
	if (n > c->a.left) {
		size_t sz = c->a.next > n ? c->a.next : n;
		char *b = talloc_size(c->r, sz);
		if (!b)
			return NULL;
		c->a.cur = b;
		c->a.left = sz;
		if (c->a.next < ARENA_MAX)
			c->a.next *= 2;
	}
	p = c->a.cur;
	c->a.cur += n;
	c->a.left -= n;
	return p;
#endif
}

static void *carve_zero(struct ctx *c, size_t n)
{
	void *p = carve(c, n);

	if (p)
		memset(p, 0, n);
	return p;
}

/* p, the last thing carved (had bytes), now needs only used bytes. */
static void shrink(struct ctx *c, char *p, size_t had, size_t used)
{
#ifdef DSNG_NO_POOLS
	(void)c;
	(void)p;
	(void)had;
	(void)used;
#else
	had = align8(had ? had : 1);
	used = align8(used ? used : 1);
	if (c->a.cur == p + had && used <= had) {
		c->a.cur = p + used;
		c->a.left += had - used;
	}
#endif
}

/* The field's value cleaned (comments out) or unfolded, carved; its
 * length in *len when len is not NULL. */
static char *carve_value_n(struct ctx *c, const struct dsng_span *v, int clean,
                           size_t *len)
{
	char *s = carve(c, v->len + 1);
	size_t n;

	if (!s)
		return NULL;
	n = clean ? dsng__mime_clean_into(s, v->ptr, v->len)
	          : dsng__mime_unfold_into(s, v->ptr, v->len);
	shrink(c, s, v->len + 1, n + 1);
	if (len)
		*len = n;
	return s;
}

static char *carve_value(struct ctx *c, const struct dsng_span *v, int clean)
{
	return carve_value_n(c, v, clean, NULL);
}

static char *carve_strndup(struct ctx *c, const char *p, size_t n)
{
	char *s = carve(c, n + 1);

	if (s) {
		memcpy(s, p, n);
		s[n] = 0;
	}
	return s;
}

static int problem(struct ctx *c, const char *message)
{
	const struct dsng_mime_field *f = c->f;
	char *name = talloc_strndup(c->r->mime, f->name.ptr, f->name.len);

	if (!name)
		return DSNG_ENOMEM;
	return dsng__mime_problem(c->r->mime, name, f->offset, message);
}

/* Strip one pair of <> around an address (RFC 3464 uses bare addresses,
 * some MTAs add brackets). */
static void strip_angles(char *s)
{
	size_t n = strlen(s);

	if (n >= 2 && s[0] == '<' && s[n - 1] == '>') {
		memmove(s, s + 1, n - 2);
		s[n - 2] = 0;
	}
}

/* trim for s of n octets (no strlen). */
static void trim_n(char *s, size_t n)
{
	size_t i = 0;

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i)
		memmove(s, s + i, n - i + 1);
}

static void trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = 0;
	while (s[i] == ' ' || s[i] == '\t')
		i++;
	if (i)
		memmove(s, s + i, n - i + 1);
}

enum tkind { T_MTA, T_ADDR, T_DIAG };

static int typed(struct ctx *c, enum tkind k, struct dsng_report_typed **out)
{
	const struct dsng_mime_field *f = c->f;
	struct dsng_report_typed *t;
	char *v, *semi;
	size_t vlen;

	t = carve_zero(c, sizeof(*t));
	if (!t)
		return DSNG_ENOMEM;
	/* Diagnostic text is free text: parentheses there are not comments. */
	v = carve_value_n(c, &f->value, k != T_DIAG, &vlen);
	if (!v)
		return DSNG_ENOMEM;
	vlen = strnlen(v, vlen); /* a NUL in the value ends it (noted) */
	semi = memchr(v, ';', vlen);
	if (!semi) {
		t->value = v;
		if (problem(c, "no \"type;\" before the value") < 0)
			return DSNG_ENOMEM;
	} else {
		*semi = 0;
		t->type = v;
		trim_n(t->type, (size_t)(semi - v));
		dsng__mime_lower(t->type);
		t->value = semi + 1; /* same buffer: one allocation */
		trim_n(t->value, vlen - (size_t)(semi + 1 - v));
	}
	if (k == T_ADDR) {
		strip_angles(t->value);
		if (t->type && strcmp(t->type, "utf-8") == 0) {
			size_t n = strlen(t->value), ol = 0;
			unsigned fl = c->r->global ? DSNG_XTEXT_UNITEXT : 0;
			const char *why;
			char *d = carve(c, n + 1);
			if (!d)
				return DSNG_ENOMEM;
			/* An address holds no control characters: a decoded
			 * CR or LF would start a new header line wherever the
			 * value is written back, so such a value is kept as
			 * written, like one that does not decode. */
			if (dsng_xtext_utf8_decode(d, n + 1, &ol, t->value, n,
			                           fl | DSNG_XTEXT_PRINTABLE,
			                           NULL, NULL) == DSNG_OK) {
				d[ol] = 0;
				t->value = d;
			} else {
				why = dsng_xtext_utf8_decode(
				              d, n + 1, &ol, t->value, n, fl,
				              NULL, NULL) == DSNG_OK
				              ? "utf-8 address decodes to a "
				                "control character"
				              : "utf-8 address is not valid "
				                "utf-8-addr-xtext";
				shrink(c, d, n + 1, 0);
				if (problem(c, why) < 0)
					return DSNG_ENOMEM;
			}
		}
	}
	*out = t;
	return DSNG_OK;
}

static int text(struct ctx *c, int clean, char **out)
{
	*out = carve_value(c, &c->f->value, clean);
	return *out ? DSNG_OK : DSNG_ENOMEM;
}

static int date(struct ctx *c, struct dsng_report_date **out)
{
	struct dsng_report_date *d = carve_zero(c, sizeof(*d));

	if (!d || text(c, 1, &d->text) < 0)
		return DSNG_ENOMEM;
	d->valid = dsng_report_date_parse(&d->timestamp, d->text,
	                                  strlen(d->text), NULL) == DSNG_OK;
	if (!d->valid && problem(c, "not an RFC 5322 date") < 0)
		return DSNG_ENOMEM;
	*out = d;
	return DSNG_OK;
}

static int ext(struct ctx *c, TALLOC_CTX *mem, struct dsng_report_ext **arr,
               size_t *n)
{
	const struct dsng_mime_field *f = c->f;
	struct dsng_report_ext *a;

	a = DSNG__GROW(mem, *arr, struct dsng_report_ext, *n);
	if (!a)
		return DSNG_ENOMEM;
	*arr = a;
	a[*n].name = carve_strndup(c, f->name.ptr, f->name.len);
	a[*n].value = carve_value(c, &f->value, 0);
	a[*n].offset = f->offset;
	if (!a[*n].name || !a[*n].value)
		return DSNG_ENOMEM;
	(*n)++;
	return DSNG_OK;
}

static int status(struct ctx *c, struct dsng_report_recipient *rc)
{
	struct dsng_status_code code;
	char *clean;
	size_t off, n;

	if (text(c, 0, &rc->status_raw) < 0)
		return DSNG_ENOMEM;
	/* a scratch copy, given back once the code is read */
	clean = carve(c, c->f->value.len + 1);
	if (!clean)
		return DSNG_ENOMEM;
	n = dsng__mime_clean_into(clean, c->f->value.ptr, c->f->value.len);
	if (dsng_status_parse(&code, clean, n, NULL) == DSNG_OK) {
		shrink(c, clean, c->f->value.len + 1, 0);
		rc->status = carve_strndup(c, code.str, strlen(code.str));
	} else if (dsng_status_find(&code, &off, clean, n) == DSNG_OK) {
		/* "5.1.1 user unknown" without parentheses: the code is clear.
		 */
		shrink(c, clean, c->f->value.len + 1, 0);
		rc->status = carve_strndup(c, code.str, strlen(code.str));
		if (rc->status && problem(c, "text after the status code") < 0)
			return DSNG_ENOMEM;
	} else {
		shrink(c, clean, c->f->value.len + 1, 0);
		return problem(c, "no valid RFC 3463 status code");
	}
	return rc->status ? DSNG_OK : DSNG_ENOMEM;
}

static int add_recipient(struct ctx *c, size_t offset,
                         struct dsng_report_recipient **out)
{
	struct dsng_report *r = c->r;
	struct dsng_report_recipient **a;

	if (r->n_recipients >= c->lim->max_recipients)
		return dsng__fail_limit(c->err, "max_recipients",
		                        DSNG_ERR_RECIPIENT_LIMIT, offset, 0,
		                        NULL, "more than %u recipients",
		                        c->lim->max_recipients);
	a = DSNG__GROW(r, r->recipients, struct dsng_report_recipient *,
	               r->n_recipients);
	if (!a)
		return DSNG_ENOMEM;
	r->recipients = a;
	a[r->n_recipients] =
	        carve_zero(c, sizeof(struct dsng_report_recipient));
	if (!a[r->n_recipients])
		return DSNG_ENOMEM;
	a[r->n_recipients]->offset = offset;
	*out = a[r->n_recipients++];
	return DSNG_OK;
}

static int set_dup(struct ctx *c, const void *already)
{
	return already ? problem(c, "field repeated; the last one kept") : 0;
}

/* One field of a DSN.  `rc` is the recipient of the current block (NULL
 * in the per-message block). */
static int dsn_field(struct ctx *c, enum fid id, int block,
                     struct dsng_report_recipient **rcp)
{
	struct dsng_report *r = c->r;
	struct dsng_report_message *m = r->message;
	struct dsng_report_recipient *rc = *rcp;
	int rv;

	if (id >= F_ENVID && id <= F_ARRIVAL) {
		if (block > 0 &&
		    problem(c, "per-message field in a recipient block") < 0)
			return DSNG_ENOMEM;
		switch (id) {
		case F_ENVID:
			if (set_dup(c, m->original_envelope_id) < 0)
				return DSNG_ENOMEM;
			return text(c, 1, &m->original_envelope_id);
		case F_REPORTING_MTA:
			if (set_dup(c, m->reporting_mta) < 0)
				return DSNG_ENOMEM;
			return typed(c, T_MTA, &m->reporting_mta);
		case F_DSN_GATEWAY:
			return typed(c, T_MTA, &m->dsn_gateway);
		case F_RECEIVED_FROM:
			return typed(c, T_MTA, &m->received_from_mta);
		default:
			return date(c, &m->arrival_date);
		}
	}
	if (id == F_UNKNOWN || id >= F_REPORTING_UA) {
		if (rc)
			return ext(c, r, &rc->extensions, &rc->n_extensions);
		return ext(c, m, &m->extensions, &m->n_extensions);
	}
	if (block == 0 && !rc &&
	    problem(c, "recipient field in the per-message block") < 0)
		return DSNG_ENOMEM;
	/* A second Final-Recipient without a blank line starts a new
	 * recipient (AOL does this). */
	if (!rc || (id == F_FINAL_RCPT && rc->final_recipient) ||
	    (id == F_ORIG_RCPT && rc->original_recipient &&
	     rc->final_recipient)) {
		if (rc &&
		    problem(c, "missing blank line between recipient blocks") <
		            0)
			return DSNG_ENOMEM;
		rv = add_recipient(c, c->f->offset, rcp);
		if (rv < 0)
			return rv;
		rc = *rcp;
	}
	switch (id) {
	case F_ORIG_RCPT:
		return typed(c, T_ADDR, &rc->original_recipient);
	case F_FINAL_RCPT:
		return typed(c, T_ADDR, &rc->final_recipient);
	case F_ACTION:
		if (set_dup(c, rc->action) < 0 || text(c, 1, &rc->action) < 0)
			return DSNG_ENOMEM;
		dsng__mime_lower(rc->action);
		if (strcmp(rc->action, "failed") &&
		    strcmp(rc->action, "delayed") &&
		    strcmp(rc->action, "delivered") &&
		    strcmp(rc->action, "relayed") &&
		    strcmp(rc->action, "expanded"))
			return problem(c,
			               "Action is not one of RFC 3464's five");
		return DSNG_OK;
	case F_STATUS:
		if (set_dup(c, rc->status_raw) < 0)
			return DSNG_ENOMEM;
		rc->status = NULL;
		return status(c, rc);
	case F_REMOTE_MTA:
		return typed(c, T_MTA, &rc->remote_mta);
	case F_DIAG:
		return typed(c, T_DIAG, &rc->diagnostic_code);
	case F_LAST_ATTEMPT:
		return date(c, &rc->last_attempt_date);
	case F_LOG_ID:
		return text(c, 0, &rc->final_log_id);
	default:
		return date(c, &rc->will_retry_until);
	}
}

/* "manual-action/MDN-sent-manually; displayed/error,foo" */
static int disposition(struct ctx *c, struct dsng_report_mdn *d)
{
	char *v = dsng__mime_clean(d, c->f->value.ptr, c->f->value.len, NULL);
	char *semi, *slash, *mods, *tok, *save = NULL;

	if (!v)
		return DSNG_ENOMEM;
	dsng__mime_lower(v);
	semi = strchr(v, ';');
	if (!semi)
		return problem(c, "Disposition without \";\"");
	*semi = 0;
	slash = strchr(v, '/');
	if (slash) {
		*slash = 0;
		d->sending_mode = slash + 1;
		trim(d->sending_mode);
	} else if (problem(c, "disposition mode without \"/\"") < 0) {
		return DSNG_ENOMEM;
	}
	d->action_mode = v;
	trim(d->action_mode);
	d->type = semi + 1;
	mods = strchr(d->type, '/');
	if (mods)
		*mods++ = 0;
	trim(d->type);
	for (tok = mods ? strtok_r(mods, ",", &save) : NULL; tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char **a = DSNG__GROW(d, d->modifiers, char *, d->n_modifiers);
		if (!a)
			return DSNG_ENOMEM;
		d->modifiers = a;
		trim(tok);
		a[d->n_modifiers++] = tok;
	}
	return DSNG_OK;
}

static int mdn_field(struct ctx *c, enum fid id)
{
	struct dsng_report_mdn *d = c->r->mdn;

	switch (id) {
	case F_REPORTING_UA:
		return typed(c, T_MTA, &d->reporting_ua);
	case F_ORIG_RCPT:
		return typed(c, T_ADDR, &d->original_recipient);
	case F_FINAL_RCPT:
		return typed(c, T_ADDR, &d->final_recipient);
	case F_ORIG_MSGID:
		return text(c, 1, &d->original_message_id);
	case F_DISPOSITION:
		return disposition(c, d);
	default:
		return ext(c, d, &d->extensions, &d->n_extensions);
	}
}

#define SCRATCH_FIELDS 32

int dsng__report_fields(struct dsng_report *r, const char *buf, size_t len,
                        size_t base, bool decoded,
                        const struct dsng_report_limits *lim,
                        struct dsng_error *err)
{
	unsigned flags = DSNG__HDR_LENIENT | (decoded ? DSNG__HDR_DECODED : 0);
	struct ctx c = {r, lim, err, NULL, {NULL, 0, ARENA_FIRST}};
	/* a block's fields are read and dropped: no array for them unless a
	 * block has more than this many */
	struct dsng_mime_field scratch[SCRATCH_FIELDS];
	size_t pos = 0;
	int block = 0, rc;

	if (r->kind == DSNG_REPORT_DSN) {
		r->message = talloc_zero(r, struct dsng_report_message);
		if (!r->message)
			goto nomem;
	} else {
		r->mdn = talloc_zero(r, struct dsng_report_mdn);
		if (!r->mdn)
			goto nomem;
	}
	while (pos < len) {
		struct dsng_mime_header h;
		struct dsng_report_recipient *rcpt = NULL;
		size_t body, i;

		/* blank lines between blocks are allowed in any number */
		while (pos < len && (buf[pos] == '\n' || buf[pos] == '\r'))
			pos++;
		if (pos >= len)
			break;
		rc = dsng__mime_header_scratch(
		        r->mime, buf, pos, len, lim->mime, base, flags, &h,
		        &body, r->mime, err, scratch, SCRATCH_FIELDS);
		if (rc < 0 && h.fields != scratch)
			talloc_free(h.fields);
		if (rc < 0)
			return rc == DSNG_ENOMEM
			               ? dsng__fail(err, rc, DSNG_ERR_NOMEM, 0,
			                            0, NULL, "out of memory")
			               : rc;
		for (i = 0; i < h.n_fields; i++) {
			enum fid id;
			c.f = &h.fields[i];
			id = field_id(&c.f->name);
			/* C strings would end at the NUL: say the value is cut
			 */
			if (memchr(c.f->value.ptr, 0, c.f->value.len) &&
			    problem(&c,
			            "NUL byte in the value (it ends there)") <
			            0)
				goto nomem;
			rc = r->kind == DSNG_REPORT_DSN
			             ? dsn_field(&c, id, block, &rcpt)
			             : mdn_field(&c, id);
			if (rc == DSNG_ENOMEM)
				goto nomem;
			if (rc < 0)
				return rc;
		}
		if (body == pos) {
			/* a line that is not a field: note it and skip it */
			const char *nl = memchr(buf + pos, '\n', len - pos);
			if (dsng__mime_problem(
			            r->mime, "delivery-status",
			            decoded ? base : base + pos,
			            "line that is not a field skipped") < 0)
				goto nomem;
			body = nl ? (size_t)(nl - buf) + 1 : len;
		}
		if (h.fields != scratch)
			talloc_free(h.fields);
		if (h.n_fields)
			block++;
		pos = body;
	}
	return DSNG_OK;
nomem:
	return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
	                  "out of memory");
}
