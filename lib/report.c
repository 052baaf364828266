/*
 * lib/report.c - find the report inside a MIME tree (RFC 6522) and read
 * its parts: the machine-readable one, the returned headers and the
 * human text.  Everything hangs off one talloc object.
 */
#include <string.h>

#include "mime_scan.h"
#include "report_int.h"

/* The sizes of every version of struct dsng_report_limits (sizes[0]
 * unused), for dsng__versioned_init/take. */
static const size_t limits_sizes[] = {0, sizeof(struct dsng_report_limits)};
static const struct dsng_report_limits limits_defaults =
        DSNG_REPORT_LIMITS_INIT;

int dsng_report_limits_init(struct dsng_report_limits *lim, unsigned version)
{
	return dsng__versioned_init(lim, version, &limits_defaults,
	                            limits_sizes, DSNG_REPORT_LIMITS_VERSION);
}

const char *dsng_report_kind_name(enum dsng_report_kind kind)
{
	switch (kind) {
	case DSNG_REPORT_DSN:
		return "dsn";
	case DSNG_REPORT_MDN:
		return "mdn";
	default:
		return "none";
	}
}

/*
 * The report carries a small pool for its own tree: about fifteen chunks
 * of a typical report (its MIME tree, fields, values) come from it by
 * bumping a pointer instead of a malloc and a free each.  The pool is
 * sized from what a tree needs, never from the whole input: a pool sized
 * from the input (it was 2 KB + 1.25 x the input) is mostly slack, since
 * the tree grows with the header and report parts, not with a returned
 * body, and talloc reuses only the last chunk freed inside a pool; a
 * 50 MB report then reserved 62.5 MB past the mmap threshold, faulted
 * in on every parse.  Half the input, at most POOL_MAX: slack is then at
 * most half the input (heap within twice the input, read by
 * tests/check_report_heap), and what does not fit is malloc'd as before.
 * Sanitizer builds (DSNG_NO_POOLS) take no pool.
 */
#define POOL_MAX 4096

static struct dsng_report *new_report(size_t len)
{
	size_t pool = len / 2 < POOL_MAX ? len / 2 : POOL_MAX;
	struct dsng_report *r;

#ifdef DSNG_NO_POOLS
	/* sanitizer builds: a chunk per object, so ASan sees every bound */
	pool = 0;
#endif
	if (pool < 256)
		return talloc_zero(NULL, struct dsng_report);
	r = talloc_pooled_object(NULL, struct dsng_report, 16, pool);
	if (r)
		memset(r, 0, sizeof(*r));
	return r;
}

static int is_type(const struct dsng_mime_part *p, const char *t)
{
	/* most compares differ at the first octet ("text/" and "message/",
	 * "multipart/"): no call for those */
	return p->type[0] == t[0] && strcmp(p->type, t) == 0;
}

static int is_returned(const struct dsng_mime_part *p)
{
	return is_type(p, "text/rfc822-headers") ||
	       is_type(p, "message/rfc822") || is_type(p, "message/global") ||
	       is_type(p, "message/global-headers");
}

static int human(struct dsng_report *r, const struct dsng_mime_part *p,
                 const struct dsng_report_limits *lim, struct dsng_error *err)
{
	const char *t;
	size_t n;
	int rc;

	rc = dsng__mime_part_decode(r, &t, &n, p, lim->mime, err);
	if (rc < 0)
		return rc;
	/* an unencoded part is a span into the input: no copy */
	r->human_text = t;
	r->human_text_len = n;
	return DSNG_OK;
}

/* Where a problem in a returned value is noted: the field, and whether
 * its header was transfer-decoded (then every offset is the field's). */
struct value_note {
	struct dsng_report *r;
	const struct dsng_mime_field *f;
	const char *name;
	bool decoded;
};

static int note_value(void *arg, size_t at, const char *message)
{
	const struct value_note *vn = arg;
	const struct dsng_mime_field *f = vn->f;
	size_t off = f->offset;

	/* the octet in the input: past the name and colon, then through
	 * the folds the unfolding removed */
	if (!vn->decoded)
		off += (size_t)(f->value.ptr - f->name.ptr) +
		       dsng__mime_unfold_pos(f->value.ptr, f->value.len, at);
	return dsng__mime_problem(vn->r->mime, vn->name, off, message);
}

/* A returned header value: unfolded, RFC 2047 words decoded when `words`,
 * and always valid UTF-8 without NUL (U+FFFD for what is not, noted in
 * the report's problems). */
static int returned_value(struct dsng_report *r,
                          struct dsng_report_returned *rt, bool decoded,
                          const struct dsng_mime_field *f, const char *name,
                          int words, char **out)
{
	struct value_note vn = {r, f, name, decoded};
	size_t n;
	char *v;

	v = dsng_mime_unfold(rt, &n, f->value.ptr, f->value.len);
	if (!v)
		return DSNG_ENOMEM;
	*out = dsng__mime_words(rt, v, n, words ? DSNG__WORDS_DECODE : 0, NULL,
	                        note_value, &vn);
	talloc_free(v);
	return *out ? DSNG_OK : DSNG_ENOMEM;
}

/* The value of f trimmed as dsng_mime_unfold trims it, in *p and *n.
 * Whether it has a fold is left to dsng__mime_words_plain, which refuses
 * every CR and LF: a plain value is on one line, and unfolding it is only
 * the trim. */
static void trimmed(const struct dsng_mime_field *f, const char **p, size_t *n)
{
	*p = f->value.ptr;
	*n = f->value.len;
	dsng__trim_wsp_eol(p, n);
}

/* The fields a returned header is read for, found in one pass over it;
 * the first of each name counts, as dsng_mime_header_find would give. */
enum { R_MSGID, R_FROM, R_TO, R_SUBJECT, R_DATE, R_RETURN_PATH, R__N };

static bool is_received(const struct dsng_mime_field *f)
{
	return f->name.len == 8 && dsng__name_ieq(f->name.ptr, "received", 8);
}

/* Returns the number of Received fields, the first of them at *first. */
static size_t returned_index(const struct dsng_mime_header *h,
                             const struct dsng_mime_field **want, size_t *first)
{
	size_t i, n_received = 0;

	*first = 0;
	for (i = 0; i < h->n_fields; i++) {
		const struct dsng_mime_field *f = &h->fields[i];
		const char *nm = f->name.ptr;
		int k = -1;

		switch (f->name.len) {
		case 2:
			k = dsng__name_ieq(nm, "to", 2) ? R_TO : -1;
			break;
		case 4:
			k = dsng__name_ieq(nm, "from", 4)   ? R_FROM
			    : dsng__name_ieq(nm, "date", 4) ? R_DATE
			                                    : -1;
			break;
		case 7:
			k = dsng__name_ieq(nm, "subject", 7) ? R_SUBJECT : -1;
			break;
		case 8:
			if (is_received(f) && !n_received++)
				*first = i;
			break;
		case 10:
			k = dsng__name_ieq(nm, "message-id", 10) ? R_MSGID : -1;
			break;
		case 11:
			k = dsng__name_ieq(nm, "return-path", 11)
			            ? R_RETURN_PATH
			            : -1;
			break;
		default:
			break;
		}
		if (k >= 0 && !want[k])
			want[k] = f;
	}
	return n_received;
}

/* The six values of the returned header (want[], from returned_index).
 * RFC 2047 section 5: encoded words in phrases and unstructured text,
 * never in a msg-id, a date or a path.  A value on one line that the
 * decoder would give back as it is (most of them) is copied into the
 * block shared with the fields and the Received list; the others go
 * through returned_value.  The problems are noted in the order of the
 * fields here, as before. */
static const char *const value_names[R__N] = {
        "Message-ID", "From", "To", "Subject", "Date", "Return-Path"};
static const int value_words[R__N] = {0, 1, 1, 1, 0, 0};

/* Which values are plain (copied as they are): their spans and the
 * bytes they take, NULs included. */
static size_t plan_values(const struct dsng_mime_field *const *want,
                          bool *plain, const char **p, size_t *n)
{
	size_t total = 0;
	int k;

	for (k = 0; k < R__N; k++) {
		plain[k] = false;
		if (!want[k])
			continue;
		trimmed(want[k], &p[k], &n[k]);
		plain[k] = dsng__mime_words_plain(
		        p[k], n[k], value_words[k] ? DSNG__WORDS_DECODE : 0);
		if (plain[k])
			total += n[k] + 1;
	}
	return total;
}

static int returned_values(struct dsng_report *r,
                           struct dsng_report_returned *rt, bool decoded,
                           const struct dsng_mime_field *const *want,
                           const bool *plain, const char *const *p,
                           const size_t *n, char *blk)
{
	char **outs[R__N] = {&rt->message_id, &rt->from, &rt->to,
	                     &rt->subject,    &rt->date, &rt->return_path};
	int k;

	for (k = 0; k < R__N; k++) {
		if (plain[k]) {
			memcpy(blk, p[k], n[k]);
			blk[n[k]] = 0;
			*outs[k] = blk;
			blk += n[k] + 1;
		} else if (want[k] &&
		           returned_value(r, rt, decoded, want[k],
		                          value_names[k], value_words[k],
		                          outs[k]) < 0) {
			return DSNG_ENOMEM;
		}
	}
	return DSNG_OK;
}

#define RETURNED_SCRATCH 64

struct returned_block {
	struct dsng_report_returned rt; /* first: the chunk is the struct */
	struct dsng_mime_header header;
};

int dsng__report_returned(struct dsng_report *r,
                          const struct dsng_mime_part *part,
                          const struct dsng_report_limits *lim,
                          struct dsng_error *err)
{
	struct dsng_report_returned *rt;
	const struct dsng_mime_field *want[R__N] = {NULL};
	struct dsng_mime_field scratch[RETURNED_SCRATCH];
	struct returned_block *blk;
	const char *body, *vp[R__N];
	size_t blen, hend, n_received, first_received, fbytes, rbytes, vbytes,
	        vn[R__N];
	bool plain[R__N];
	char *chunk = NULL;
	bool decoded;
	int rc;

	/* the struct and its header in one chunk */
	blk = talloc_zero(r, struct returned_block);
	if (!blk)
		goto nomem;
	talloc_set_name_const(blk, "struct dsng_report_returned");
	rt = &blk->rt;
	rt->content_type = part->type;
	rc = dsng__mime_part_decode(rt, &body, &blen, part, lim->mime, err);
	if (rc < 0)
		return rc;
	rt->header = &blk->header;
	decoded = body != part->body.ptr;
	rc = dsng__mime_header_scratch(
	        rt, body, 0, blen, lim->mime, part->body_offset,
	        decoded ? DSNG__HDR_DECODED : 0, rt->header, &hend, NULL, err,
	        scratch, RETURNED_SCRATCH);
	if (rt->header->fields == scratch && rc < 0) {
		rt->header->fields = NULL;
		rt->header->n_fields = 0;
	}
	if (rc == DSNG_ENOMEM)
		goto nomem;
	if (rc < 0)
		return rc;
	n_received = returned_index(rt->header, want, &first_received);
	/* one chunk for the fields (when still in scratch), the Received
	 * list and the plain values: a chunk each cost more than reading
	 * them */
	fbytes = rt->header->fields == scratch
	                 ? rt->header->n_fields * sizeof(scratch[0])
	                 : 0;
	rbytes = n_received * sizeof(*rt->received);
	vbytes = plan_values(want, plain, vp, vn);
	if (fbytes + rbytes + vbytes) {
		chunk = talloc_size(rt, fbytes + rbytes + vbytes);
		if (!chunk)
			goto nomem;
		talloc_set_name_const(chunk, "struct dsng_mime_field");
	}
	if (rt->header->fields == scratch) {
		struct dsng_mime_field *f = NULL;
		int k;
		if (fbytes) {
			f = (struct dsng_mime_field *)(void *)chunk;
			memcpy(f, scratch, fbytes);
		}
		for (k = 0; k < R__N; k++)
			if (want[k])
				want[k] = f + (want[k] - scratch);
		rt->header->fields = f;
	}
	if (n_received) {
		size_t i;
		rt->received =
		        (const struct dsng_mime_field **)(void *)(chunk +
		                                                  fbytes);
		/* from the first to the last one: they lead the header */
		for (i = first_received; rt->n_received < n_received; i++)
			if (is_received(&rt->header->fields[i]))
				rt->received[rt->n_received++] =
				        &rt->header->fields[i];
	}
	/* no chunk when there is nothing to put there (NULL + 0 is not C) */
	if (returned_values(r, rt, decoded, want, plain, vp, vn,
	                    chunk ? chunk + fbytes + rbytes : NULL) < 0)
		goto nomem;
	r->returned = rt;
	return DSNG_OK;
nomem:
	return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
	                  "out of memory");
}

/* The machine-readable part: the first delivery-status or
 * disposition-notification part that sits directly in a multipart (the
 * returned message is never opened, so a bounce quoted there is never
 * taken for the report). */
static const struct dsng_mime_part *
find_status(const struct dsng_mime_message *m, struct dsng_report *r)
{
	size_t i;

	for (i = 0; i < m->n_parts; i++) {
		const struct dsng_mime_part *p = m->parts[i];
		if (!p->parent)
			continue;
		if (is_type(p, "message/delivery-status")) {
			r->kind = DSNG_REPORT_DSN;
			return p;
		}
		if (is_type(p, "message/global-delivery-status")) {
			r->kind = DSNG_REPORT_DSN;
			r->global = true;
			return p;
		}
		if (is_type(p, "message/disposition-notification")) {
			r->kind = DSNG_REPORT_MDN;
			return p;
		}
	}
	return NULL;
}

static int fill(struct dsng_report *r, const struct dsng_report_limits *lim,
                struct dsng_error *err)
{
	const struct dsng_mime_part *st, *container, *p;
	const char *body;
	size_t blen;
	int rc, seen_status = 0;

	st = find_status(r->mime, r);
	if (!st)
		return DSNG_OK;
	container = st->parent;
	r->report_type = dsng_mime_part_param(container, "report-type");
	if (!is_type(container, "multipart/report")) {
		/* at the container's Content-Type (a multipart has one) */
		const struct dsng_mime_field *ct = dsng_mime_header_find(
		        &container->header, "Content-Type");
		if (dsng__mime_problem(r->mime, "Content-Type",
		                       ct ? ct->offset : container->offset,
		                       "report part outside multipart/report") <
		    0)
			goto nomem;
	}
	rc = dsng__mime_part_decode(r, &body, &blen, st, lim->mime, err);
	if (rc < 0)
		return rc;
	rc = dsng__report_fields(r, body, blen, st->body_offset,
	                         body != st->body.ptr, lim, err);
	if (rc < 0)
		return rc;
	for (p = container->first_child; p; p = p->next) {
		if (p == st) {
			seen_status = 1;
			continue;
		}
		if (!r->human_text && !seen_status &&
		    strncmp(p->type, "text/", 5) == 0 && !is_returned(p)) {
			rc = human(r, p, lim, err);
			if (rc < 0)
				return rc;
		} else if (!r->returned && seen_status && is_returned(p)) {
			rc = dsng__report_returned(r, p, lim, err);
			if (rc < 0)
				return rc;
		}
	}
	if (r->kind == DSNG_REPORT_DSN && r->n_recipients == 0 &&
	    dsng__mime_problem(r->mime, "delivery-status", st->body_offset,
	                       "no per-recipient block") < 0)
		goto nomem;
	return DSNG_OK;
nomem:
	return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
	                  "out of memory");
}

int dsng_report_parse(TALLOC_CTX *mem, struct dsng_report **out,
                      const char *buf, size_t len,
                      const struct dsng_report_limits *lim,
                      struct dsng_error *err)
{
	/* Full local copies of both structs, whatever versions were given;
	 * the report's copy points to the local MIME one. */
	struct dsng_report_limits l;
	struct dsng_mime_limits ml;
	struct dsng_report *r;
	int rc;

	if (out)
		*out = NULL;
	if (!out || (!buf && len))
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "NULL argument");
	if (dsng__versioned_take(&l, lim, &limits_defaults, limits_sizes,
	                         DSNG_REPORT_LIMITS_VERSION) < 0)
		return dsng__fail(
		        err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT, 0, 0, NULL,
		        "struct dsng_report_limits of unknown version %u",
		        lim->version);
	rc = dsng__mime_limits_take(&ml, l.mime, err);
	if (rc < 0)
		return rc;
	l.mime = &ml;
	r = new_report(len);
	if (!r)
		return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
		                  "out of memory");
	rc = dsng__mime_parse(r, buf, len, &ml, 0, 0, false, &r->mime, err);
	if (rc < 0)
		goto fail;
	rc = fill(r, &l, err);
	if (rc < 0)
		goto fail;
	r->truncated = r->mime->truncated;
	r->problems = r->mime->problems;
	r->n_problems = r->mime->n_problems;
	*out = talloc_steal(mem, r);
	return DSNG_OK;
fail:
	talloc_free(r);
	return rc;
}
