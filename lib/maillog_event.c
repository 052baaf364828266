/*
 * lib/maillog_event.c - handing out released DSN events: the ready list of
 * compact records the join released (maillog_join.c), a view of one (the
 * public struct pointing into the record: what dsng_maillog_view lends
 * and what the summary counts) and the public event built from one for
 * dsng_maillog_next.
 *
 * Building the public event (a pooled talloc tree with a chunk per
 * string) and freeing it again was about a fifth of scan-log's
 * instructions on a DSN flood (callgrind), for strings the record already
 * holds NUL-terminated: so it is built only for a caller that takes the
 * event.
 */
#include <string.h>

#include "maillog_int.h"

void dsng__ml_event_view(struct dsng_maillog_event *ev,
                         const struct dsng__ml_pending *p)
{
	/* the inline area: a pending record's bag never spills */
	char *a = (char *)p->inl;

#define AT(tag) (p->at[(tag)-P_TIME] ? a + p->at[(tag)-P_TIME] : NULL)
	memset(ev, 0, sizeof(*ev)); /* fields appended later start zeroed */
	ev->mta = p->mta;
	ev->kind = p->kind;
	ev->time = AT(P_TIME);
	ev->host = AT(P_HOST);
	ev->text = AT(P_TEXT);
	ev->orig_queue_id = AT(P_OQID);
	ev->dsn_queue_id = AT(P_DQID);
	ev->orig_from = AT(P_FROM);
	ev->orig_rcpts = p->n_rcpts ? p->rcpts : NULL;
	ev->n_orig_rcpts = p->n_rcpts;
	ev->client_name = AT(P_CNAME);
	ev->client_addr = AT(P_CADDR);
	ev->client_port = AT(P_CPORT);
	ev->sasl_username = AT(P_SASL);
	ev->service = AT(P_SERVICE);
	ev->postmaster = p->postmaster;
	ev->line = p->line;
#undef AT
	ev->to = p->to;
	/* A notice to the sender goes to the original envelope sender when
	 * the DSN's own delivery line never showed up. */
	if (!ev->to && !ev->postmaster && ev->orig_from && *ev->orig_from)
		ev->to = ev->orig_from;
}

/* The next ready record, off the list (NULL when none). */
static struct dsng__ml_pending *ready_pop(struct dsng_maillog *s)
{
	struct dsng__ml_pending *p = s->ready;

	if (p) {
		s->ready = p->next;
		if (!s->ready)
			s->ready_tail = NULL;
		p->next = NULL;
	}
	return p;
}

/* A pooled copy of s on ev; NULL for NULL, or *failed set. */
static char *dup_in(TALLOC_CTX *ev, const char *s, bool *failed)
{
	size_t len;
	char *r;

	if (!s)
		return NULL;
	len = strlen(s);
	r = talloc_size(ev, len + 1);
	if (!r) {
		*failed = true;
		return NULL;
	}
	memcpy(r, s, len + 1);
	talloc_set_name_const(r, r);
	return r;
}

/* The public event of record p, a new talloc tree without a parent: every
 * string a talloc child as maillog.h says, carved from one pool sized to
 * them.  NULL when out of memory (nothing left allocated). */
static struct dsng_maillog_event *build_event(const struct dsng__ml_pending *p)
{
	struct dsng_maillog_event v, *ev;
	char **const fields[] = {
	        &v.time,          &v.host,          &v.text,
	        &v.orig_queue_id, &v.dsn_queue_id,  &v.to,
	        &v.orig_from,     &v.client_name,   &v.client_addr,
	        &v.client_port,   &v.sasl_username, &v.service};
	const size_t n_fields = sizeof(fields) / sizeof(fields[0]);
	size_t i, bytes = 0, objects = 0;
	bool failed = false;

	dsng__ml_event_view(&v, p);
	for (i = 0; i < n_fields; i++)
		if (*fields[i]) {
			bytes += strlen(*fields[i]) + 1;
			objects++;
		}
	for (i = 0; i < v.n_orig_rcpts; i++)
		bytes += strlen(v.orig_rcpts[i]) + 1;
	objects += v.n_orig_rcpts;
	if (v.n_orig_rcpts) {
		bytes += v.n_orig_rcpts * sizeof(char *);
		objects++;
	}
	/* talloc rounds each pooled chunk up to 16 bytes */
	bytes += objects * 15;
	ev = talloc_pooled_object(NULL, struct dsng_maillog_event,
	                          (unsigned)objects, bytes);
	if (!ev)
		return NULL;
	*ev = v;
	for (i = 0; i < n_fields; i++) {
		/* the same field of ev */
		char **f = (char **)(void *)((char *)ev +
		                             ((char *)fields[i] - (char *)&v));
		*f = dup_in(ev, *fields[i], &failed);
	}
	ev->orig_rcpts = NULL;
	ev->n_orig_rcpts = 0;
	if (v.n_orig_rcpts) {
		ev->orig_rcpts = talloc_array(ev, char *, v.n_orig_rcpts);
		if (!ev->orig_rcpts)
			failed = true;
		for (i = 0; ev->orig_rcpts && i < v.n_orig_rcpts; i++)
			ev->orig_rcpts[ev->n_orig_rcpts++] = dup_in(
			        ev->orig_rcpts, v.orig_rcpts[i], &failed);
	}
	if (failed)
		TALLOC_FREE(ev);
	return ev;
}

/* The record lent by the last dsng_maillog_view is given back. */
void dsng__ml_view_done(struct dsng_maillog *s)
{
	TALLOC_FREE(s->viewed);
}

int dsng_maillog_next(TALLOC_CTX *mem, struct dsng_maillog_event **out,
                      struct dsng_maillog *s)
{
	struct dsng_maillog_event *ev;

	if (out)
		*out = NULL;
	if (!s || !out)
		return DSNG_EINVAL;
	dsng__ml_view_done(s);
	if (!s->ready)
		return DSNG_OK;
	ev = build_event(s->ready);
	if (!ev)
		return DSNG_ENOMEM; /* the event stays first in line */
	talloc_free(ready_pop(s));
	*out = talloc_steal(mem, ev);
	return DSNG_OK;
}

int dsng_maillog_view(const struct dsng_maillog_event **out,
                      struct dsng_maillog *s)
{
	if (out)
		*out = NULL;
	if (!s || !out)
		return DSNG_EINVAL;
	dsng__ml_view_done(s);
	s->viewed = ready_pop(s);
	if (!s->viewed)
		return DSNG_OK;
	dsng__ml_event_view(&s->view, s->viewed);
	*out = &s->view;
	return DSNG_OK;
}
