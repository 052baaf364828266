/*
 * lib/mime_parse.c - the multipart tree in one pass over the lines, with
 * an explicit stack of open boundaries (no recursion, so nesting depth
 * costs no C stack), and lazy opening of message/rfc822 parts.
 */
#include <limits.h>
#include <string.h>

#include "mime_int.h"
#include "mime_scan.h"

struct level {
	struct dsng_mime_part *mp;  /* the open multipart */
	struct dsng_mime_part *cur; /* its current child, NULL in preamble */
	const char *b;
	size_t blen;
};

struct walker {
	TALLOC_CTX *mem;
	const char *buf;
	size_t len, base;
	bool decoded; /* buf is a decoded copy: every offset is base */
	const struct dsng_mime_limits *lim;
	struct dsng_mime_message *msg;
	struct level *stack; /* grown on demand: the caller's max_depth may
	                        be anything up to UINT_MAX */
	unsigned top;        /* number of open levels */
	size_t cap_levels;
	/* the first levels (reports nest two or three deep): no allocation */
	struct level first_levels[8];
	size_t cap_parts;
	/* parts are carved from blocks of several (a chunk each cost more in
	 * malloc and free than reading the part's header) */
	struct dsng_mime_part *block;
	size_t block_left, block_next;
	struct dsng_mime_part **first_parts; /* in the message's own chunk */
	/* header fields and Content-Type parameters are carved the same
	 * way: a part's fields are read into a local array, then copied to
	 * the free room of the last block (one the size of the first header
	 * and PART_SPARE bytes more, which most reports' other parts fit
	 * in) */
	struct dsng__carve carve;
	struct dsng_error *err;
};

#define PART_SPARE 512
#define LOCAL_FIELDS 32

/* Where position pos of the walker's buffer sits in the message input. */
static size_t at(const struct walker *w, size_t pos)
{
	return w->decoded ? w->base : w->base + pos;
}

static int nomem(struct dsng_error *err)
{
	return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
	                  "out of memory");
}

/* prev: the parent's last child so far (NULL for the first), so linking
 * stays O(1) however many parts the limits allow. */
static int add_part(struct walker *w, struct dsng_mime_part *parent,
                    struct dsng_mime_part *prev, size_t offset,
                    struct dsng_mime_part **out)
{
	struct dsng_mime_part *p;
	struct dsng_mime_message *m = w->msg;

	if (m->n_parts >= w->lim->max_parts)
		return dsng__fail_limit(
		        w->err, "max_parts", DSNG_ERR_PART_LIMIT, at(w, offset),
		        0, NULL, "more than %u MIME parts", w->lim->max_parts);
	if (m->n_parts == w->cap_parts) {
		struct dsng_mime_part **a;
		w->cap_parts *= 2;
		if (m->parts == w->first_parts) {
			a = talloc_array(m, struct dsng_mime_part *,
			                 (unsigned)w->cap_parts);
			if (a)
				memcpy(a, m->parts,
				       m->n_parts * sizeof(m->parts[0]));
		} else {
			a = talloc_realloc(m, m->parts, struct dsng_mime_part *,
			                   (unsigned)w->cap_parts);
		}
		if (!a)
			return nomem(w->err);
		m->parts = a;
	}
	if (w->block_left == 0) {
		/* the root is in the message's chunk (most mail that is not a
		 * report has no other part), then blocks of 4, 8, ... 64 */
		size_t k = w->block_next;
		w->block = talloc_zero_array(m, struct dsng_mime_part,
		                             (unsigned)k);
		if (!w->block)
			return nomem(w->err);
		w->block_left = k;
		w->block_next = k < 64 ? (k < 4 ? 4 : k * 2) : 64;
	}
	p = w->block++;
	w->block_left--;
	p->index = (unsigned)m->n_parts;
	m->parts[m->n_parts++] = p;
	p->offset = at(w, offset);
	p->parent = parent;
	if (parent) {
		if (prev)
			prev->next = p;
		else
			parent->first_child = p;
		parent->n_children++;
		p->depth = parent->depth + 1;
	}
	*out = p;
	return DSNG_OK;
}

/* The first Content-Type and Content-Transfer-Encoding fields of h (as
 * dsng_mime_header_find gives them), in one pass. */
static void find_content_fields(const struct dsng_mime_header *h,
                                const struct dsng_mime_field **ct,
                                const struct dsng_mime_field **cte)
{
	size_t i;

	*ct = *cte = NULL;
	for (i = 0; i < h->n_fields; i++) {
		const struct dsng_mime_field *f = &h->fields[i];
		if (f->name.len == 12 && !*ct &&
		    dsng__name_ieq(f->name.ptr, "content-type", 12))
			*ct = f;
		else if (f->name.len == 25 && !*cte &&
		         dsng__name_ieq(f->name.ptr,
		                        "content-transfer-encoding", 25))
			*cte = f;
	}
}

void *dsng__carve(struct dsng__carve *c, size_t n, size_t spare)
{
	void *p;

	n = (n + 7) & ~(size_t)7;
	if (c->left < n) {
#ifdef DSNG_NO_POOLS
		spare = 0;
#endif
		c->p = talloc_size(c->owner, n + spare);
		if (!c->p) {
			c->left = 0;
			return NULL;
		}
		talloc_set_name_const(c->p, "dsng_mime_part_arrays");
		c->left = n + spare;
	}
	p = c->p;
	c->p += n;
	c->left -= n;
	return p;
}

/* Move h's fields from the caller's local array to the walker's
 * blocks (none when h has none). */
static int carve_fields(struct walker *w, struct dsng_mime_header *h)
{
	size_t n = h->n_fields * sizeof(h->fields[0]);
	struct dsng_mime_field *f;

	if (n == 0) {
		h->fields = NULL;
		return DSNG_OK;
	}
	f = dsng__carve(&w->carve, n, PART_SPARE);
	if (!f)
		return DSNG_ENOMEM;
	memcpy(f, h->fields, n);
	h->fields = f;
	return DSNG_OK;
}

/* Read the part's header from `pos` and interpret Content-Type and
 * Content-Transfer-Encoding; *body gets where its body starts. */
static int read_entity(struct walker *w, struct dsng_mime_part *p, size_t pos,
                       size_t *body)
{
	const struct dsng_mime_field *f, *cte;
	int rc;

	struct dsng_mime_field local[LOCAL_FIELDS];

	rc = dsng__mime_header_scratch(
	        w->msg, w->buf, pos, w->len, w->lim, w->base,
	        w->decoded ? DSNG__HDR_DECODED : 0, &p->header, body, w->msg,
	        w->err, local, LOCAL_FIELDS);
	if (rc >= 0 && p->header.fields == local)
		rc = carve_fields(w, &p->header);
	if (rc < 0) {
		if (p->header.fields == local) {
			p->header.fields = NULL;
			p->header.n_fields = 0;
		}
		return rc == DSNG_ENOMEM ? nomem(w->err) : rc;
	}
	p->body_offset = at(w, *body);
	/* the body runs from here; end_body sets its length */
	p->body.ptr = w->buf + *body;
	p->body.len = 0;
	find_content_fields(&p->header, &f, &cte);
	if (f) {
		const char *type;
		rc = dsng__mime_content_type(w->msg, &type, true, &p->params,
		                             &p->n_params, f->value.ptr,
		                             f->value.len, &w->carve, w->err);
		if (rc < 0)
			return rc;
		p->type = type;
		if (!type &&
		    dsng__mime_problem(
		            w->msg, "Content-Type", f->offset,
		            "malformed media type, text/plain assumed") < 0)
			return nomem(w->err);
	}
	if (!p->type)
		p->type = (p->parent &&
		           strcmp(p->parent->type, "multipart/digest") == 0)
		                  ? "message/rfc822"
		                  : "text/plain";
	if (cte) {
		p->cte = dsng__mime_cte(cte->value.ptr, cte->value.len);
		if (p->cte == DSNG_MIME_CTE_UNKNOWN &&
		    dsng__mime_problem(w->msg, "Content-Transfer-Encoding",
		                       cte->offset,
		                       "unknown transfer encoding") < 0)
			return nomem(w->err);
	}
	if (strncmp(p->type, "multipart/", 10) == 0) {
		const char *b = dsng_mime_part_param(p, "boundary");
		size_t bl = b ? strlen(b) : 0;
		/* a multipart type came from a Content-Type field (f): both
		 * boundary problems point at it */
		if (bl > w->lim->max_boundary_len)
			return dsng__fail_limit(
			        w->err, "max_boundary_len",
			        DSNG_ERR_HEADER_LIMIT,
			        f ? f->offset : p->offset, 0, NULL,
			        "boundary longer than %zu bytes",
			        w->lim->max_boundary_len);
		if (bl == 0) {
			if (dsng__mime_problem(w->msg, "boundary",
			                       f ? f->offset : p->offset,
			                       "multipart without a boundary "
			                       "read as one part") < 0)
				return nomem(w->err);
		} else {
			p->boundary = b;
		}
	}
	return DSNG_OK;
}

static int push(struct walker *w, struct dsng_mime_part *p)
{
	struct level *l;

	if (!p->boundary)
		return DSNG_OK;
	if (p->depth >= w->lim->max_depth || w->top >= w->lim->max_depth)
		return dsng__fail_limit(
		        w->err, "max_depth", DSNG_ERR_DEPTH_LIMIT, p->offset, 0,
		        NULL, "multipart nesting deeper than %u",
		        w->lim->max_depth);
	if (w->top == w->cap_levels) {
		size_t cap = w->cap_levels * 2;
		struct level *s = NULL;

		if (cap <= UINT_MAX && w->stack == w->first_levels) {
			s = talloc_array(w->msg, struct level, (unsigned)cap);
			if (s)
				memcpy(s, w->first_levels,
				       sizeof(w->first_levels));
		} else if (cap <= UINT_MAX) {
			s = talloc_realloc(w->msg, w->stack, struct level,
			                   (unsigned)cap);
		}
		if (!s)
			return nomem(w->err);
		w->stack = s;
		w->cap_levels = cap;
	}
	l = &w->stack[w->top++];
	l->mp = p;
	l->cur = NULL;
	l->b = p->boundary;
	l->blen = strlen(p->boundary);
	return DSNG_OK;
}

/* The body of p (started by read_entity) ends at buf[end]. */
static void end_body(struct dsng_mime_part *p, const char *buf, size_t end)
{
	size_t start = (size_t)(p->body.ptr - buf);

	p->body.len = end > start ? end - start : 0;
}

/* The CRLF before a delimiter belongs to the delimiter (RFC 2046 5.1.1). */
static size_t before_crlf(const char *buf, size_t pos, size_t floor)
{
	if (pos > floor && buf[pos - 1] == '\n') {
		pos--;
		if (pos > floor && buf[pos - 1] == '\r')
			pos--;
	}
	return pos;
}

/* Does the line [pos, line_end) delimit level l?  *close for "--b--". */
static int is_delim(const struct level *l, const char *buf, size_t pos,
                    size_t line_end, int *close)
{
	size_t i;

	if (line_end - pos < l->blen + 2 ||
	    memcmp(buf + pos + 2, l->b, l->blen) != 0)
		return 0;
	i = pos + 2 + l->blen;
	*close = 0;
	if (line_end - i >= 2 && buf[i] == '-' && buf[i + 1] == '-') {
		*close = 1;
		i += 2;
	}
	/* Only transport padding may follow; anything else means the line
	 * belongs to a longer boundary that starts with this one. */
	for (; i < line_end; i++)
		if (buf[i] != ' ' && buf[i] != '\t')
			return 0;
	return 1;
}

static int mark_truncated(struct walker *w, struct level *l, size_t pos)
{
	l->mp->truncated = true;
	w->msg->truncated = true;
	if (dsng__mime_problem(w->msg, "boundary", at(w, pos),
	                       "multipart ended without its close delimiter") <
	    0)
		return nomem(w->err);
	return DSNG_OK;
}

static int walk(struct walker *w, size_t pos)
{
	const char *buf = w->buf;
	size_t end = w->len;
	int rc;

	while (pos < end && w->top > 0) {
		if (end - pos < 2 || buf[pos] != '-' || buf[pos + 1] != '-') {
			/* only a line that starts with "--" can delimit */
			pos = dsng__find_lf_dashes(buf, pos, end);
			continue;
		}
		const char *nl = memchr(buf + pos, '\n', end - pos);
		size_t next = nl ? (size_t)(nl - buf) + 1 : end;
		size_t line_end = nl ? (size_t)(nl - buf) : end;
		unsigned k;
		int close = 0, hit = 0;

		if (line_end > pos && buf[line_end - 1] == '\r')
			line_end--;
		if (line_end - pos < 2 || buf[pos] != '-' ||
		    buf[pos + 1] != '-') {
			pos = next;
			continue;
		}
		for (k = w->top; k-- > 0;) {
			if (is_delim(&w->stack[k], buf, pos, line_end,
			             &close)) {
				hit = 1;
				break;
			}
		}
		if (!hit) {
			pos = next;
			continue;
		}
		{
			size_t stop = before_crlf(buf, pos, 0);
			struct level *l;
			/* Inner multiparts still open were never closed. */
			while (w->top > k + 1) {
				struct level *in = &w->stack[w->top - 1];
				if (in->cur)
					end_body(in->cur, buf, stop);
				end_body(in->mp, buf, stop);
				rc = mark_truncated(w, in, pos);
				if (rc < 0)
					return rc;
				w->top--;
			}
			l = &w->stack[k];
			if (l->cur)
				end_body(l->cur, buf, stop);
			if (close) {
				end_body(l->mp, buf, next);
				w->top--;
				pos = next;
				continue;
			}
			rc = add_part(w, l->mp, l->cur, next, &l->cur);
			if (rc < 0)
				return rc;
			rc = read_entity(w, l->cur, next, &pos);
			if (rc < 0)
				return rc;
			rc = push(w, l->cur);
			if (rc < 0)
				return rc;
		}
	}
	while (w->top > 0) {
		struct level *l = &w->stack[w->top - 1];
		if (l->cur)
			end_body(l->cur, buf, end);
		end_body(l->mp, buf, end);
		rc = mark_truncated(w, l, end);
		if (rc < 0)
			return rc;
		w->top--;
	}
	return DSNG_OK;
}

struct msg_block {
	struct dsng_mime_message msg; /* first: the chunk is the message */
	struct dsng_mime_part root;
	struct dsng_mime_part *parts[4];
};

int dsng__mime_parse(TALLOC_CTX *mem, const char *buf, size_t len,
                     const struct dsng_mime_limits *lim, unsigned depth,
                     size_t base, bool decoded, struct dsng_mime_message **out,
                     struct dsng_error *err)
{
	struct walker w;
	struct msg_block *mb;
	struct dsng_mime_part *root;
	size_t pos = 0, body;
	int rc;

	if (out)
		*out = NULL;
	if (!out || (!buf && len))
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "NULL argument");
	if (len > lim->max_size)
		return dsng__fail_limit(
		        err, "max_size", DSNG_ERR_SIZE_LIMIT,
		        decoded ? base : base + lim->max_size, 0, NULL,
		        "message larger than %zu bytes", lim->max_size);
	memset(&w, 0, sizeof(w));
	w.buf = buf;
	w.len = len;
	w.base = base;
	w.decoded = decoded;
	w.lim = lim;
	w.err = err;
	w.stack = w.first_levels;
	w.cap_levels = sizeof(w.first_levels) / sizeof(w.first_levels[0]);
	/* Straight on mem (inside the caller's pool, if any); freed again
	 * on failure, so mem is left as it was.  One chunk holds the
	 * message, its root part and room for the first part pointers. */
	mb = talloc_zero(mem, struct msg_block);
	if (!mb)
		return nomem(err);
	talloc_set_name_const(mb, "struct dsng_mime_message");
	w.msg = &mb->msg;
	w.carve.owner = w.msg;
	w.msg->parts = w.first_parts = mb->parts;
	w.cap_parts = sizeof(mb->parts) / sizeof(mb->parts[0]);
	w.block = &mb->root;
	w.block_left = 1;
	w.block_next = 4;
	w.msg->buf = buf;
	w.msg->len = len;
	w.msg->base_offset = base;
	w.msg->decoded = decoded;
	if (len >= 5 && memcmp(buf, "From ", 5) == 0) {
		const char *nl = memchr(buf, '\n', len);
		pos = nl ? (size_t)(nl - buf) + 1 : len;
	}
	rc = add_part(&w, NULL, NULL, pos, &root);
	if (rc < 0)
		goto fail;
	root->depth = depth;
	w.msg->root = root;
	rc = read_entity(&w, root, pos, &body);
	if (rc < 0)
		goto fail;
	if (root->header.n_fields == 0) {
		rc = dsng__fail(err, DSNG_ESYNTAX, DSNG_ERR_NOT_MAIL,
		                at(&w, pos), 0, NULL,
		                "no header field at the start: not mail");
		goto fail;
	}
	if (root->boundary) {
		rc = push(&w, root);
		if (rc < 0)
			goto fail;
		rc = walk(&w, body);
		if (rc < 0)
			goto fail;
	} else {
		end_body(root, buf, len);
	}
	if (w.stack != w.first_levels)
		talloc_free(w.stack);
	w.stack = NULL;
	*out = w.msg;
	return DSNG_OK;
fail:
	talloc_free(w.msg);
	return rc;
}

int dsng_mime_parse(TALLOC_CTX *mem, struct dsng_mime_message **out,
                    const char *buf, size_t len,
                    const struct dsng_mime_limits *lim, struct dsng_error *err)
{
	struct dsng_mime_limits l;
	int rc;

	if (out)
		*out = NULL;
	rc = dsng__mime_limits_take(&l, lim, err);
	if (rc < 0)
		return rc;
	return dsng__mime_parse(mem, buf, len, &l, 0, 0, false, out, err);
}

int dsng_mime_open_message(TALLOC_CTX *mem, struct dsng_mime_message **out,
                           const struct dsng_mime_message *msg,
                           const struct dsng_mime_part *part,
                           const struct dsng_mime_limits *lim,
                           struct dsng_error *err)
{
	struct dsng_mime_limits l;
	const char *body;
	size_t blen;
	TALLOC_CTX *tmp;
	int rc;

	if (out)
		*out = NULL;
	if (!msg || !part || !out)
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "NULL argument");
	rc = dsng__mime_limits_take(&l, lim, err);
	if (rc < 0)
		return rc;
	tmp = talloc_new(NULL);
	if (!tmp)
		return nomem(err);
	rc = dsng__mime_part_decode(tmp, &body, &blen, part, &l, err);
	/* A decoded body (or a part of a decoded message) has no byte
	 * positions in the input: its offsets are all the part's body. */
	if (rc == DSNG_OK)
		rc = dsng__mime_parse(
		        tmp, body, blen, &l, part->depth + 1, part->body_offset,
		        msg->decoded || body != part->body.ptr, out, err);
	if (rc == DSNG_OK) {
		/* the decoded buffer must live as long as the tree */
		if (body != part->body.ptr)
			talloc_steal(*out, body);
		talloc_steal(mem, *out);
	}
	talloc_free(tmp);
	return rc;
}
