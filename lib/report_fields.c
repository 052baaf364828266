/*
 * lib/report_fields.c - the field blocks of message/delivery-status
 * (RFC 3464 2.2-2.3, RFC 6533 3) and message/disposition-notification
 * (RFC 8098 3.2): typed values, Action, Status, dates, extensions, and the
 * leniencies real MTAs need (recorded as problems).
 */
#include <limits.h>
#include <stdint.h>
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

enum tkind { T_MTA, T_ADDR, T_DIAG };
enum dkind { D_ARRIVAL, D_LAST_ATTEMPT, D_RETRY_UNTIL };

/* The values and small structs of the field blocks live in the report's
 * store (lib/report_store.c; the API promises one tree, not a chunk
 * each).  A value is cleaned in a scratch buffer first and stored at its
 * exact size, so equal values can share one copy. */
struct ctx {
	struct dsng_report *r;
	const struct dsng_report_limits *lim;
	struct dsng_error *err;
	const struct dsng_mime_field *f; /* the field being read */
	bool nul;                        /* its value holds a NUL */
	struct dsng__store st;
	/* scratch: on the stack for the usual short value, else a talloc
	 * buffer (child of the report, freed at the end) */
	char small[256];
	char *big;
	size_t big_cap;
	size_t rcap;     /* room in r->recipients */
	bool rcp_stored; /* r->recipients is the store's first array of 4 */
	/* the last typed value of each kind (enum tkind) and the last date
	 * of each date field (enum dkind), handed out again for an equal
	 * field: Remote-MTA, Diagnostic-Code and Last-Attempt-Date are often
	 * the same for every recipient, and Original-Recipient the same as
	 * Final-Recipient */
	struct dsng_report_typed *last_typed[3];
	struct dsng_report_date *last_date[3];
	/* their lengths: type (SIZE_MAX for none) and value, date text */
	size_t last_tlen[3], last_vlen[3], last_dlen[3];
};

/* n bytes of scratch (their content not kept), or NULL on ENOMEM. */
static char *scratch(struct ctx *c, size_t n)
{
	size_t cap;

	if (n <= sizeof(c->small))
		return c->small;
	if (n > c->big_cap) {
		cap = c->big_cap * 2 > n ? c->big_cap * 2 : n;
		talloc_free(c->big);
		c->big = talloc_array(c->r, char, cap);
		c->big_cap = c->big ? cap : 0;
		if (!c->big)
			return NULL;
	}
	return c->big;
}

/* p..n stored: looked up in the store's cache once the report has a
 * second recipient (a value is repeated across recipients, seldom within
 * one block: a report with one recipient pays no hash). */
static inline char *keep(struct ctx *c, const char *p, size_t n)
{
	return c->r->n_recipients > 1 ? dsng__store_str(&c->st, p, n)
	                              : dsng__store_dup(&c->st, p, n);
}

/* Whether the stored s of sn octets is p..n (NULL, with sn SIZE_MAX:
 * whether there is no p). */
static inline bool same(const char *s, size_t sn, const char *p, size_t n)
{
	uint64_t a, b, x, y;

	if (!s || !p)
		return s == p;
	if (sn != n)
		return false;
	if (n < 8)
		return memcmp(s, p, n) == 0;
	/* first and last eight octets inline: two values of one field
	 * mostly differ there (an address, a number) */
	memcpy(&a, s, 8);
	memcpy(&b, p, 8);
	memcpy(&x, s + n - 8, 8);
	memcpy(&y, p + n - 8, 8);
	return a == b && x == y && (n <= 16 || memcmp(s, p, n) == 0);
}

/* The value v cleaned (comments out) or unfolded, lower-cased when
 * `lower`, stored (maybe shared: never written to). */
static char *value(struct ctx *c, const struct dsng_span *v, int clean,
                   int lower)
{
	char *s = scratch(c, v->len + 1);
	size_t n;

	if (!s)
		return NULL;
	n = clean ? dsng__mime_clean_into(s, v->ptr, v->len)
	          : dsng__mime_unfold_into(s, v->ptr, v->len);
	if (lower)
		dsng__mime_lower(s);
	return keep(c, s, n);
}

static int problem(struct ctx *c, const char *message)
{
	const struct dsng_mime_field *f = c->f;
	char *name = talloc_strndup(c->r->mime, f->name.ptr, f->name.len);

	if (!name)
		return DSNG_ENOMEM;
	return dsng__mime_problem(c->r->mime, name, f->offset, message);
}

/* *p..*n without spaces and tabs at either end. */
static inline void trim_span(char **p, size_t *n)
{
	char *s = *p;
	size_t k = *n;

	while (k && (s[k - 1] == ' ' || s[k - 1] == '\t'))
		k--;
	while (k && (*s == ' ' || *s == '\t')) {
		s++;
		k--;
	}
	*p = s;
	*n = k;
}

static inline void lower_span(char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] = (char)(s[i] + 32);
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

static int typed(struct ctx *c, enum tkind k, struct dsng_report_typed **out)
{
	const struct dsng_mime_field *f = c->f;
	struct dsng_report_typed *t, *last = c->last_typed[k];
	size_t len = f->value.len, vn, tn = 0;
	char *v, *val, *semi, *ty = NULL;

	/* room for the value and, behind it, its utf-8 decoding */
	v = scratch(c, 2 * (len + 1));
	if (!v)
		return DSNG_ENOMEM;
	/* Diagnostic text is free text: parentheses there are not comments. */
	vn = k != T_DIAG ? dsng__mime_clean_into(v, f->value.ptr, len)
	                 : dsng__mime_unfold_into(v, f->value.ptr, len);
	/* the value ends at a NUL (a problem says so): spans from here on,
	 * so nothing is moved or measured twice */
	if (c->nul)
		vn = strnlen(v, vn);
	semi = memchr(v, ';', vn);
	if (!semi) {
		val = v;
		if (problem(c, "no \"type;\" before the value") < 0)
			return DSNG_ENOMEM;
	} else {
		ty = v;
		tn = (size_t)(semi - v);
		trim_span(&ty, &tn);
		lower_span(ty, tn); /* the scratch is ours */
		val = semi + 1;
		vn -= (size_t)(val - v);
		trim_span(&val, &vn);
	}
	if (k == T_ADDR) {
		/* one pair of <> around an address (RFC 3464 uses bare
		 * addresses, some MTAs add brackets) */
		if (vn >= 2 && val[0] == '<' && val[vn - 1] == '>') {
			val++;
			vn -= 2;
		}
		if (ty && tn == 5 && memcmp(ty, "utf-8", 5) == 0) {
			unsigned fl = c->r->global ? DSNG_XTEXT_UNITEXT : 0;
			const char *why;
			char *d = v + len + 1;
			size_t ol = 0;
			/* An address holds no control characters: a decoded
			 * CR or LF would start a new header line wherever the
			 * value is written back, so such a value is kept as
			 * written, like one that does not decode. */
			if (dsng_xtext_utf8_decode(d, vn + 1, &ol, val, vn,
			                           fl | DSNG_XTEXT_PRINTABLE,
			                           NULL, NULL) == DSNG_OK) {
				val = d;
				vn = ol;
			} else {
				why = dsng_xtext_utf8_decode(d, vn + 1, &ol,
				                             val, vn, fl, NULL,
				                             NULL) == DSNG_OK
				              ? "utf-8 address decodes to a "
				                "control character"
				              : "utf-8 address is not valid "
				                "utf-8-addr-xtext";
				if (problem(c, why) < 0)
					return DSNG_ENOMEM;
			}
		}
	}
	/* Equal to the last one of its kind (Remote-MTA for every
	 * recipient, Original-Recipient after Final-Recipient): the same
	 * struct, nothing stored. */
	if (last && same(last->type, c->last_tlen[k], ty, tn) &&
	    same(last->value, c->last_vlen[k], val, vn)) {
		*out = last;
		return DSNG_OK;
	}
	t = dsng__store_obj(&c->st, sizeof(*t));
	if (!t || (ty && !(t->type = keep(c, ty, tn))))
		return DSNG_ENOMEM;
	/* an address or a diagnostic is seldom repeated otherwise: not
	 * looked up */
	t->value = k == T_MTA ? keep(c, val, vn)
	                      : dsng__store_dup(&c->st, val, vn);
	if (!t->value)
		return DSNG_ENOMEM;
	c->last_typed[k] = last = t;
	c->last_tlen[k] = ty ? tn : SIZE_MAX;
	c->last_vlen[k] = vn;
	*out = last;
	return DSNG_OK;
}

static int text(struct ctx *c, int clean, char **out)
{
	*out = value(c, &c->f->value, clean, 0);
	return *out ? DSNG_OK : DSNG_ENOMEM;
}

static int date(struct ctx *c, enum dkind k, struct dsng_report_date **out)
{
	const struct dsng_span *v = &c->f->value;
	struct dsng_report_date *d = c->last_date[k];
	const char *t;
	char *s;
	size_t at, n;
	int64_t ts;
	bool common = dsng__report_date_common(v->ptr, v->len, &at, &n, &ts);

	if (common) {
		/* the usual date: its text is a span of the value, read
		 * once, no cleaning */
		t = v->ptr + at;
	} else {
		s = scratch(c, v->len + 1);
		if (!s)
			return DSNG_ENOMEM;
		/* a NUL ends the text (a problem says so) */
		n = dsng__mime_clean_into(s, v->ptr, v->len);
		if (c->nul)
			n = strnlen(s, n);
		t = s;
	}
	/* the same text as the last date of this field: the same date,
	 * parsed once */
	if (!d || !same(d->text, c->last_dlen[k], t, n)) {
		d = dsng__store_obj(&c->st, sizeof(*d));
		if (!d || !(d->text = keep(c, t, n)))
			return DSNG_ENOMEM;
		if (common) {
			d->timestamp = ts;
			d->valid = true;
		} else {
			d->valid =
			        dsng_report_date_parse(&d->timestamp, d->text,
			                               n, NULL) == DSNG_OK;
		}
		c->last_date[k] = d;
		c->last_dlen[k] = n;
	}
	if (!d->valid && problem(c, "not an RFC 5322 date") < 0)
		return DSNG_ENOMEM;
	*out = d;
	return DSNG_OK;
}

/* Extension arrays are talloc arrays on the report: one per block that
 * has any, and few blocks have any. */
static int ext(struct ctx *c, struct dsng_report_ext **arr, size_t *n)
{
	const struct dsng_mime_field *f = c->f;
	struct dsng_report_ext *a;

	a = DSNG__GROW(c->r, *arr, struct dsng_report_ext, *n);
	if (!a)
		return DSNG_ENOMEM;
	*arr = a;
	a[*n].name = keep(c, f->name.ptr, f->name.len);
	a[*n].value = value(c, &f->value, 0, 0);
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
	/* The unfolded value is mostly the code alone ("5.1.1"); then the
	 * value is that code between white space and folds, and cleaning it
	 * gives the code again: no second pass over it.  (A NUL would cut
	 * the C string short of what cleaning gives.) */
	if (!c->nul &&
	    dsng_status_parse(&code, rc->status_raw, strlen(rc->status_raw),
	                      NULL) == DSNG_OK) {
		rc->status = strcmp(rc->status_raw, code.str) == 0
		                     ? rc->status_raw
		                     : keep(c, code.str, strlen(code.str));
		return rc->status ? DSNG_OK : DSNG_ENOMEM;
	}
	clean = scratch(c, c->f->value.len + 1);
	if (!clean)
		return DSNG_ENOMEM;
	n = dsng__mime_clean_into(clean, c->f->value.ptr, c->f->value.len);
	if (dsng_status_parse(&code, clean, n, NULL) == DSNG_OK) {
		/* mostly the code as written: the same string */
		rc->status = strcmp(rc->status_raw, code.str) == 0
		                     ? rc->status_raw
		                     : keep(c, code.str, strlen(code.str));
	} else if (dsng_status_find(&code, &off, clean, n) == DSNG_OK) {
		/* "5.1.1 user unknown" without parentheses: the code is clear.
		 */
		rc->status = keep(c, code.str, strlen(code.str));
		if (rc->status && problem(c, "text after the status code") < 0)
			return DSNG_ENOMEM;
	} else {
		return problem(c, "no valid RFC 3463 status code");
	}
	return rc->status ? DSNG_OK : DSNG_ENOMEM;
}

/* r->recipients grows by doubling (its room in c->rcap) and is cut to its
 * count at the end (dsng__report_fields).  Its first room, for 4 (most
 * reports have one recipient), is carved from the store: no chunk to
 * allocate, cut or free; past 4 it moves to a chunk of its own. */
static int add_recipient(struct ctx *c, size_t offset,
                         struct dsng_report_recipient **out)
{
	struct dsng_report *r = c->r;
	struct dsng_report_recipient *rc;

	if (r->n_recipients >= c->lim->max_recipients)
		return dsng__fail_limit(c->err, "max_recipients",
		                        DSNG_ERR_RECIPIENT_LIMIT, offset, 0,
		                        NULL, "more than %u recipients",
		                        c->lim->max_recipients);
	if (r->n_recipients == c->rcap) {
		size_t cap = c->rcap ? c->rcap * 2 : 4;
		struct dsng_report_recipient **a;
		if (cap > UINT_MAX)
			return DSNG_ENOMEM;
		if (c->rcap == 0) {
			a = dsng__store_obj(&c->st, cap * sizeof(*a));
			c->rcp_stored = a != NULL;
		} else if (c->rcp_stored) {
			a = talloc_array(r, struct dsng_report_recipient *,
			                 (unsigned)cap);
			if (a)
				memcpy(a, r->recipients,
				       r->n_recipients * sizeof(*a));
			c->rcp_stored = false;
		} else {
			a = talloc_realloc(r, r->recipients,
			                   struct dsng_report_recipient *,
			                   (unsigned)cap);
		}
		if (!a)
			return DSNG_ENOMEM;
		r->recipients = a;
		c->rcap = cap;
	}
	rc = dsng__store_obj(&c->st, sizeof(*rc));
	if (!rc)
		return DSNG_ENOMEM;
	rc->offset = offset;
	r->recipients[r->n_recipients++] = rc;
	*out = rc;
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
			return date(c, D_ARRIVAL, &m->arrival_date);
		}
	}
	if (id == F_UNKNOWN || id >= F_REPORTING_UA) {
		if (rc)
			return ext(c, &rc->extensions, &rc->n_extensions);
		return ext(c, &m->extensions, &m->n_extensions);
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
		if (set_dup(c, rc->action) < 0)
			return DSNG_ENOMEM;
		rc->action = value(c, &c->f->value, 1, 1);
		if (!rc->action)
			return DSNG_ENOMEM;
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
		return date(c, D_LAST_ATTEMPT, &rc->last_attempt_date);
	case F_LOG_ID:
		return text(c, 0, &rc->final_log_id);
	default:
		return date(c, D_RETRY_UNTIL, &rc->will_retry_until);
	}
}

/* "manual-action/MDN-sent-manually; displayed/error,foo" */
static int disposition(struct ctx *c, struct dsng_report_mdn *d)
{
	/* one talloc string on the report, cut in place (d is in the
	 * store, not a talloc object) */
	char *v =
	        dsng__mime_clean(c->r, c->f->value.ptr, c->f->value.len, NULL);
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
		char **a =
		        DSNG__GROW(c->r, d->modifiers, char *, d->n_modifiers);
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
		return ext(c, &d->extensions, &d->n_extensions);
	}
}

#define SCRATCH_FIELDS 32

int dsng__report_fields(struct dsng_report *r, const char *buf, size_t len,
                        size_t base, bool decoded,
                        const struct dsng_report_limits *lim,
                        struct dsng_error *err)
{
	unsigned flags = DSNG__HDR_LENIENT | (decoded ? DSNG__HDR_DECODED : 0);
	struct ctx c; /* not zeroed whole: its scratch and cache need not be */
	/* a block's fields are read and dropped: no array for them unless a
	 * block has more than this many */
	struct dsng_mime_field scratch[SCRATCH_FIELDS];
	size_t pos = 0;
	int block = 0, rc;
	/* one look for a NUL in the whole body, not one a field: a report
	 * seldom holds any */
	bool any_nul = len && memchr(buf, 0, len) != NULL;

	c.r = r;
	c.lim = lim;
	c.err = err;
	c.f = NULL;
	c.nul = false;
	dsng__store_init(&c.st, r);
	c.big = NULL;
	c.big_cap = 0;
	c.rcap = 0;
	c.rcp_stored = false;
	memset(c.last_typed, 0, sizeof(c.last_typed));
	memset(c.last_date, 0, sizeof(c.last_date));
	if (r->kind == DSNG_REPORT_DSN) {
		r->message = dsng__store_obj(
		        &c.st, sizeof(struct dsng_report_message));
		if (!r->message)
			goto nomem;
	} else {
		r->mdn = dsng__store_obj(&c.st, sizeof(struct dsng_report_mdn));
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
			c.nul = any_nul && memchr(c.f->value.ptr, 0,
			                          c.f->value.len) != NULL;
			if (c.nul &&
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
	talloc_free(c.big);
	/* the doubling's spare room is given back: the report is held */
	if (c.rcap > r->n_recipients && r->n_recipients && !c.rcp_stored) {
		struct dsng_report_recipient **a = talloc_realloc(
		        r, r->recipients, struct dsng_report_recipient *,
		        (unsigned)r->n_recipients);
		if (!a)
			goto nomem;
		r->recipients = a;
	}
	return DSNG_OK;
nomem:
	return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
	                  "out of memory");
}
