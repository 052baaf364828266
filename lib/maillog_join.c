/*
 * lib/maillog_join.c - join log lines by queue id into DSN events.
 *
 * Each queue id seen gets a small record (sender, recipients, client,
 * delivery outcomes).  When a DSN line names the original and the DSN's
 * queue ids, an event is built from the original's record and waits until
 * the DSN message's own delivery line says where it went (or the DSN
 * message leaves the queue, is evicted, or the input ends).  Events are
 * released in the order their DSN lines appeared.  Records are freed when
 * the MTA logs the message's removal, and the oldest are evicted past
 * opts.max_tracked, so a long log needs bounded memory.
 */
#include <string.h>

#include "maillog_int.h"

struct dsng__ml_msg {
	const char *key; /* the map's copy */
	size_t key_len;
	char *from;
	char **rcpts;
	size_t n_rcpts;
	char *cname, *caddr, *cport, *sasl, *service;
	unsigned long n_sent, n_remote, n_bounced, n_verify;
	enum dsng__ml_status last;
	int handed;  /* cname/service name the local submitter (hand_over) */
	struct dsng__ml_pending *dsn; /* the event this message is the DSN of */
	struct dsng__ml_run *run;     /* Exim: its delivery runs */
	struct dsng__ml_msg *older, *newer;
};

struct dsng__ml_pending {
	struct dsng_maillog_event *ev;
	int complete;
	struct dsng__ml_msg *dsn_msg;
	struct dsng__ml_pending *next;
	struct dsng__ml_notice note; /* Exim: the kind may still change */
};

static char *sdup(struct dsng_maillog *s, TALLOC_CTX *mem, struct dsng_span v)
{
	char *r;

	if (!v.ptr)
		return NULL;
	r = talloc_strndup(mem, v.ptr, v.len);
	if (!r)
		s->oom = 1;
	return r;
}

static char *cdup(struct dsng_maillog *s, TALLOC_CTX *mem, const char *v)
{
	char *r;

	if (!v)
		return NULL;
	r = talloc_strdup(mem, v);
	if (!r)
		s->oom = 1;
	return r;
}

/* Replace *dst with a copy of v when v is present. */
static void merge(struct dsng_maillog *s, TALLOC_CTX *mem, char **dst,
                  struct dsng_span v)
{
	char *n;

	if (!v.ptr)
		return;
	n = sdup(s, mem, v);
	if (!n)
		return;
	talloc_free(*dst);
	*dst = n;
}

static void release(struct dsng_maillog *s);

static void complete(struct dsng__ml_pending *p, struct dsng_maillog *s,
                     const char *to)
{
	if (p->complete)
		return;
	p->complete = 1;
	if (to && !p->ev->to)
		p->ev->to = cdup(s, p->ev, to);
	if (p->dsn_msg) {
		p->dsn_msg->dsn = NULL;
		p->dsn_msg = NULL;
	}
}

static void msg_free(struct dsng_maillog *s, struct dsng__ml_msg *m)
{
	if (m->dsn)
		complete(m->dsn, s, NULL);
	if (m->run)
		dsng__ml_run_settle(m->run);
	if (m->older)
		m->older->newer = m->newer;
	else
		s->oldest = m->newer;
	if (m->newer)
		m->newer->older = m->older;
	else
		s->newest = m->older;
	dsng__ml_map_del(s->msgs, m->key, m->key_len);
	s->n_msgs--;
	talloc_free(m);
}

static char mta_letter(enum dsng_maillog_mta mta)
{
	return mta == DSNG_MAILLOG_POSTFIX ? 'P' : mta == DSNG_MAILLOG_SENDMAIL ? 'S' : 'E';
}

/* The record of a queue id ("P:" + qid, so MTAs sharing a log never mix);
 * created when create is set. */
static struct dsng__ml_msg *msg_get(struct dsng_maillog *s,
                                    enum dsng_maillog_mta mta,
                                    struct dsng_span qid, int create)
{
	char key[24];
	struct dsng__ml_msg *m;

	if (qid.len > sizeof(key) - 3)
		return NULL;
	key[0] = mta_letter(mta);
	key[1] = ':';
	memcpy(key + 2, qid.ptr, qid.len);
	m = dsng__ml_map_get(s->msgs, key, qid.len + 2);
	if (m || !create)
		return m;
	while (s->n_msgs >= s->opts.max_tracked && s->oldest) {
		msg_free(s, s->oldest);
		s->evicted++;
	}
	m = talloc_zero(s, struct dsng__ml_msg);
	if (!m)
		goto nomem;
	m->key = dsng__ml_map_put(s->msgs, key, qid.len + 2, m);
	if (!m->key)
		goto nomem;
	m->key_len = qid.len + 2;
	m->older = s->newest;
	if (s->newest)
		s->newest->newer = m;
	else
		s->oldest = m;
	s->newest = m;
	s->n_msgs++;
	return m;
nomem:
	talloc_free(m);
	s->oom = 1;
	return NULL;
}

static void add_rcpt(struct dsng_maillog *s, struct dsng__ml_msg *m,
                     struct dsng_span a)
{
	char **n;
	size_t i;

	a = dsng__ml_unangle(a);
	if (!a.ptr)
		return;
	for (i = 0; i < m->n_rcpts; i++)
		if (strlen(m->rcpts[i]) == a.len && !memcmp(m->rcpts[i], a.ptr, a.len))
			return;
	if (m->n_rcpts >= s->opts.max_rcpts)
		return;
	n = talloc_realloc(m, m->rcpts, char *, m->n_rcpts + 1);
	if (!n) {
		s->oom = 1;
		return;
	}
	m->rcpts = n;
	m->rcpts[m->n_rcpts] = sdup(s, m, a);
	if (m->rcpts[m->n_rcpts])
		m->n_rcpts++;
}

static int loopback(const char *a)
{
	return !a || !strcmp(a, "127.0.0.1") || !strcmp(a, "IPv6:::1") ||
	       !strcmp(a, "::1");
}

/* sendmail's MSP passed message m to the MTA on this host as f->qid2: the
 * MTA saw only "localhost", so its record gets the submitter instead. */
static void hand_over(struct dsng_maillog *s, struct dsng__ml_msg *m,
                      const struct dsng__ml_fact *f)
{
	struct dsng__ml_msg *d;
	char *name, *svc;

	if (m->caddr || !m->cname)
		return;
	d = msg_get(s, f->mta, f->qid2, 1);
	if (!d || d == m || !loopback(d->caddr))
		return;
	name = cdup(s, d, m->cname);
	svc = cdup(s, d, m->service);
	if (!name || !svc) {
		talloc_free(name);
		talloc_free(svc);
		return;
	}
	talloc_free(d->cname);
	talloc_free(d->service);
	d->cname = name;
	d->service = svc;
	d->handed = 1;
}

static void on_delivery(struct dsng_maillog *s, const struct dsng__ml_fact *f)
{
	struct dsng__ml_msg *m = msg_get(s, f->mta, f->qid, 1);
	struct dsng_span a = f->addr, one;
	size_t i, start = 0;

	if (!m)
		return;
	if (!f->addr_list) {
		add_rcpt(s, m, a);
	} else if (a.ptr) {
		for (i = 0; i <= a.len; i++)
			if (i == a.len || a.ptr[i] == ',') {
				one.ptr = a.ptr + start;
				one.len = i - start;
				if (one.len)
					add_rcpt(s, m, one);
				start = i + 1;
			}
	}
	m->n_verify += f->verify ? 1 : 0;
	if (f->status == ML_ST_SENT) {
		m->n_sent++;
		m->n_remote += f->remote ? 1 : 0;
	} else if (f->status == ML_ST_BOUNCED) {
		m->n_bounced++;
	}
	if (f->status != ML_ST_OTHER)
		m->last = f->status;
	if (f->qid2.ptr)
		hand_over(s, m, f);
	if (f->mta == DSNG_MAILLOG_EXIM) {
		int rc = dsng__ml_run_delivery(m, &m->run, f, m->from != NULL,
		                               s->opts.max_rcpts);
		if (rc < 0)
			s->oom = 1;
		else if (rc > 0)
			release(s);
	}
	if (m->dsn && m->n_rcpts) {
		complete(m->dsn, s, m->rcpts[0]);
		release(s);
	}
}

/* What kind of notice, from the line and from what happened before. */
static enum dsng_dsn_kind decide(const struct dsng__ml_fact *f,
                                     const struct dsng__ml_msg *orig)
{
	enum dsng_dsn_kind k = f->kind;

	/* Exim: the original's delivery run decides (dsng__ml_run_notice). */
	if (f->infer_kind)
		return k;
	/* A report on an address probe (sendmail -bv) is not a delivery
	 * notice of any of the usual kinds. */
	if (orig && orig->n_verify && !orig->n_sent && !orig->n_bounced)
		return DSNG_DSN_OTHER;
	/* A success notice after every delivery went out by SMTP means the
	 * next hop did not take DSN, so the MTA said "relayed". */
	if (k == DSNG_DSN_SUCCESS && orig && orig->n_sent &&
	    orig->n_remote == orig->n_sent)
		k = DSNG_DSN_RELAYED;
	return k;
}

static struct dsng_maillog_event *build_event(struct dsng_maillog *s,
                                              const struct dsng__ml_line *line,
                                              const struct dsng__ml_fact *f,
                                              const struct dsng__ml_msg *o)
{
	struct dsng_maillog_event *ev = talloc_zero(s, struct dsng_maillog_event);
	size_t i;

	if (!ev) {
		s->oom = 1;
		return NULL;
	}
	ev->mta = f->mta;
	ev->kind = decide(f, o);
	ev->time = sdup(s, ev, line->time);
	ev->host = sdup(s, ev, line->host);
	ev->text = sdup(s, ev, f->text);
	ev->orig_queue_id = sdup(s, ev, f->qid);
	ev->dsn_queue_id = sdup(s, ev, f->qid2);
	ev->postmaster = f->postmaster;
	ev->line = s->lines;
	if (o) {
		ev->orig_from = cdup(s, ev, o->from);
		ev->client_name = cdup(s, ev, o->cname);
		ev->client_addr = cdup(s, ev, o->caddr);
		ev->client_port = cdup(s, ev, o->cport);
		ev->sasl_username = cdup(s, ev, o->sasl);
		ev->service = cdup(s, ev, o->service);
		if (o->n_rcpts) {
			ev->orig_rcpts = talloc_array(ev, char *, o->n_rcpts);
			if (!ev->orig_rcpts)
				s->oom = 1;
			for (i = 0; ev->orig_rcpts && i < o->n_rcpts; i++) {
				ev->orig_rcpts[i] = cdup(s, ev->orig_rcpts, o->rcpts[i]);
				if (ev->orig_rcpts[i])
					ev->n_orig_rcpts++;
			}
		}
	}
	return ev;
}

static void on_dsn(struct dsng_maillog *s, const struct dsng__ml_line *line,
                   const struct dsng__ml_fact *f)
{
	struct dsng__ml_msg *orig = msg_get(s, f->mta, f->qid, 0), *dm;
	struct dsng__ml_pending *p = talloc_zero(s, struct dsng__ml_pending);

	if (!p) {
		s->oom = 1;
		return;
	}
	p->ev = build_event(s, line, f, orig);
	if (!p->ev) {
		talloc_free(p);
		return;
	}
	talloc_steal(p, p->ev);
	if (s->tail)
		s->tail->next = p;
	else
		s->head = p;
	s->tail = p;
	s->n_pending++;
	if (f->infer_kind) {
		p->note.ev = p->ev;
		p->note.said = f->kind;
		dsng__ml_run_notice(orig ? orig->run : NULL, &p->note,
		                    line->time);
	}

	dm = msg_get(s, f->mta, f->qid2, 1);
	if (dm) {
		if (dm->dsn)
			complete(dm->dsn, s, NULL);
		if (dm->n_rcpts) {
			complete(p, s, dm->rcpts[0]);
		} else {
			dm->dsn = p;
			p->dsn_msg = dm;
		}
	} else {
		complete(p, s, NULL);
	}
	while (s->n_pending > s->opts.max_pending && s->head) {
		if (s->head->note.run)
			dsng__ml_run_settle(s->head->note.run);
		complete(s->head, s, NULL);
		release(s);
	}
	release(s);
}

static int push_ready(struct dsng_maillog *s, struct dsng_maillog_event *ev)
{
	if (s->ready_first && s->ready_first == s->n_ready)
		s->ready_first = s->n_ready = 0;
	if (s->n_ready == s->ready_cap) {
		size_t cap = s->ready_cap ? s->ready_cap * 2 : 16;
		struct dsng_maillog_event **n =
		    talloc_realloc(s, s->ready, struct dsng_maillog_event *, cap);
		if (!n)
			return -1;
		s->ready = n;
		s->ready_cap = cap;
	}
	s->ready[s->n_ready++] = ev;
	return 0;
}

static void release(struct dsng_maillog *s)
{
	while (s->head && s->head->complete && !s->head->note.hold) {
		struct dsng__ml_pending *p = s->head;
		struct dsng_maillog_event *ev = p->ev;

		dsng__ml_notice_done(&p->note);
		/* A notice to the sender goes to the original envelope sender
		 * when the DSN's own delivery line never showed up. */
		if (!ev->to && !ev->postmaster && ev->orig_from && *ev->orig_from)
			ev->to = cdup(s, ev, ev->orig_from);
		talloc_steal(s, ev);
		if (push_ready(s, ev) || dsng__ml_tally_event(s->tally, ev)) {
			s->oom = 1;
			/* keep the event reachable so nothing leaks */
		}
		s->head = p->next;
		if (!s->head)
			s->tail = NULL;
		s->n_pending--;
		talloc_free(p);
	}
}

static void on_fact(struct dsng_maillog *s, const struct dsng__ml_line *line,
                    const struct dsng__ml_fact *f)
{
	struct dsng__ml_msg *m;

	switch (f->type) {
	case ML_CLIENT:
	case ML_FROM:
		m = msg_get(s, f->mta, f->qid, 1);
		if (!m)
			return;
		if (f->type == ML_FROM && f->addr.ptr && !m->from)
			m->from = sdup(s, m, f->addr);
		if (!m->handed) {
			merge(s, m, &m->cname, f->client_name);
			merge(s, m, &m->service, f->service);
		}
		merge(s, m, &m->caddr, f->client_addr);
		merge(s, m, &m->cport, f->client_port);
		merge(s, m, &m->sasl, f->sasl);
		break;
	case ML_DELIVERY:
		on_delivery(s, f);
		break;
	case ML_DSN:
		on_dsn(s, line, f);
		break;
	case ML_REMOVED:
		m = msg_get(s, f->mta, f->qid, 0);
		if (m) {
			msg_free(s, m);
			release(s);
		}
		break;
	case ML_NONE:
		break;
	}
}

void dsng__ml_join_line(struct dsng_maillog *s, const char *p, size_t len)
{
	struct dsng__ml_line line;
	struct dsng__ml_fact f;
	enum dsng_maillog_mta mta;

	s->lines++;
	if (len == 0) {
		s->ignored++;
		return;
	}
	if (memchr(p, 0, len) || dsng__ml_header(p, len, &line)) {
		s->garbage++;
		return;
	}
	mta = line.exim_mainlog ? DSNG_MAILLOG_EXIM : dsng__ml_prog_mta(line.prog);
	if (!line.prog.ptr || mta == DSNG_MAILLOG_UNKNOWN) {
		s->ignored++;
		return;
	}
	s->mail++;
	/* Privacy notes are counted whatever else the line says. */
	if (mta == DSNG_MAILLOG_SENDMAIL &&
	    dsng__ml_contains(line.msg, ": Authentication-Warning: "))
		s->auth_warnings++;
	if (dsng__ml_contains(line.msg, "NOTIFY not supported") ||
	    dsng__ml_contains(line.msg, "DSN support is disabled"))
		s->dsn_refused++;
	if (mta == DSNG_MAILLOG_POSTFIX)
		dsng__ml_postfix(&line, &f);
	else if (mta == DSNG_MAILLOG_SENDMAIL)
		dsng__ml_sendmail(&line, &f);
	else
		dsng__ml_exim(&line, &f);
	if (f.type == ML_NONE)
		s->ignored++;
	else
		on_fact(s, &line, &f);
	/* Exim: a notice held for its run's other notices waits so long. */
	while (mta == DSNG_MAILLOG_EXIM && s->head && s->head->note.hold &&
	       dsng__ml_notice_expired(&s->head->note, line.time)) {
		if (s->head->note.run)
			dsng__ml_run_settle(s->head->note.run);
		s->head->note.hold = 0;
		release(s);
	}
}

void dsng__ml_join_flush(struct dsng_maillog *s)
{
	struct dsng__ml_pending *p;

	for (p = s->head; p; p = p->next) {
		if (p->note.run)
			dsng__ml_run_settle(p->note.run);
		complete(p, s, NULL);
	}
	release(s);
}
