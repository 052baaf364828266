/*
 * lib/maillog_join.c - join log lines by queue id into DSN events.
 *
 * Each queue id seen gets a small record (sender, recipients, client,
 * delivery outcomes).  When a DSN line names the original and the DSN's
 * queue ids, an event is built from the original's record and waits until
 * the DSN message's own delivery line says where it went (or the DSN
 * message leaves the queue, is evicted, or the input ends).  Events are
 * released in the order their DSN lines appeared.  Records are freed when
 * the MTA logs the message's removal, and the least recently seen are
 * evicted past opts.max_tracked (or past their strings' byte budget), so
 * a long log needs bounded memory.  Records live in a slab (256 bytes, no
 * allocator header each), their strings inline in them; a waiting event
 * is one compact chunk until it is released.
 */
#include <string.h>

#include "maillog_int.h"

/* A record's strings, in its bag. */
enum { M_FROM = 1, M_CNAME, M_CADDR, M_CPORT, M_SASL, M_SERVICE, M_RCPT };

/* 256 bytes in the scanner's slab; the strings of a typical message fit
 * the inline area, others spill (and count against msg_spill_max). */
#define MSG_SIZE 256

struct dsng__ml_msg {
	struct dsng__ml_msg *older, *newer; /* least recently seen first */
	struct dsng__ml_pending *dsn; /* the event this message is the DSN of */
	struct dsng__ml_run *run;     /* Exim: its delivery runs */
	struct dsng__ml_bag bag;
	uint32_t n_sent, n_remote, n_bounced, n_verify; /* saturating */
	uint32_t n_rcpts;
	uint8_t last; /* enum dsng__ml_status */
	bool handed;  /* cname/service name the local submitter (hand_over) */
	uint8_t key_len;
	char key[24]; /* "P:" + queue id */
	char inl[];
};

#define MSG_INLINE (MSG_SIZE - sizeof(struct dsng__ml_msg))
/* maillog.h documents these sizes next to max_tracked */
_Static_assert(sizeof(struct dsng__ml_msg) <= 96 || sizeof(void *) < 8,
               "a queue id record holds 160 bytes of strings inline");

/* Spilled record strings allowed per tracked queue id, on average. */
#define MSG_SPILL_PER_MSG 96
/* Bytes of Exim delivery-run state allowed per tracked queue id, on
 * average (a run with one address takes about 340, dsng__ml_run_bytes). */
#define RUN_BYTES_PER_MSG 384
/* Bytes of pending events allowed per max_pending, on average (one with
 * a recipient takes about 450). */
#define PENDING_BYTES_PER_EVENT 512

static inline void sat_inc(uint32_t *n)
{
	if (*n < UINT32_MAX)
		(*n)++;
}

static const char *msg_key(const void *val, size_t *len)
{
	const struct dsng__ml_msg *m = val;

	*len = m->key_len;
	return m->key;
}

static const char *mget(const struct dsng__ml_msg *m, uint8_t tag)
{
	return dsng__ml_bag_get(&m->bag, m->inl, tag);
}

static int mset(struct dsng_maillog *s, struct dsng__ml_msg *m, uint8_t tag,
                const char *p, size_t len)
{
	if (dsng__ml_bag_set(&m->bag, m->inl, MSG_INLINE, s->msg_slab,
	                     &s->msg_spill, tag, p, len)) {
		s->oom = 1;
		return -1;
	}
	return 0;
}

int dsng__ml_join_init(struct dsng_maillog *s, struct dsng_error *err)
{
	const struct dsng_maillog_opts *o = &s->opts;

	if (!o->max_recipients_tracked || !o->max_clients_tracked)
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "maillog: bad options");
	s->msgs->key_of = msg_key;
	s->msg_slab =
	        dsng__ml_slab_new_hdr(s, MSG_SIZE, sizeof(struct dsng__ml_msg));
	s->msg_spill_max = o->max_tracked <= SIZE_MAX / MSG_SPILL_PER_MSG
	                           ? o->max_tracked * MSG_SPILL_PER_MSG
	                           : SIZE_MAX;
	s->run_bytes_max = o->max_tracked <= SIZE_MAX / RUN_BYTES_PER_MSG
	                           ? o->max_tracked * RUN_BYTES_PER_MSG
	                           : SIZE_MAX;
	s->pending_max = o->max_pending <= SIZE_MAX / PENDING_BYTES_PER_EVENT
	                         ? o->max_pending * PENDING_BYTES_PER_EVENT
	                         : SIZE_MAX;
	if (!s->msg_slab ||
	    dsng__ml_tally_limit(s->tally, o->max_recipients_tracked,
	                         o->max_clients_tracked))
		return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
		                  "out of memory");
	return DSNG_OK;
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

/* Replace a record's string with v when v is present. */
static void merge(struct dsng_maillog *s, struct dsng__ml_msg *m, uint8_t tag,
                  struct dsng_span v)
{
	if (v.ptr)
		mset(s, m, tag, v.ptr, v.len);
}

static void release(struct dsng_maillog *s);

static void complete(struct dsng__ml_pending *p, struct dsng_maillog *s,
                     const char *to)
{
	if (p->complete)
		return;
	p->complete = true;
	if (to && !p->to) {
		p->to = cdup(s, p, to);
		if (p->to) {
			size_t b = DSNG__ML_CHUNK_COST + strlen(to) + 1;
			p->bytes += b;
			s->pending_bytes += b;
		}
	}
	if (p->dsn_msg) {
		p->dsn_msg->dsn = NULL;
		p->dsn_msg = NULL;
	}
}

static void msg_free(struct dsng_maillog *s, struct dsng__ml_msg *m)
{
	if (m->dsn)
		complete(m->dsn, s, NULL);
	if (m->run) {
		dsng__ml_run_settle(m->run);
		s->run_bytes -= dsng__ml_run_bytes(m->run);
		talloc_free(m->run);
	}
	if (m->older)
		m->older->newer = m->newer;
	else
		s->oldest = m->newer;
	if (m->newer)
		m->newer->older = m->older;
	else
		s->newest = m->older;
	if (m == s->victim && s->msgs->rekeys == s->victim_rekeys)
		dsng__ml_map_del_h(s->msgs, m->key, m->key_len, s->victim_h);
	else
		dsng__ml_map_del(s->msgs, m->key, m->key_len);
	if (m == s->victim)
		s->victim = NULL;
	s->n_msgs--;
	dsng__ml_bag_clear(&m->bag, &s->msg_spill);
	dsng__ml_slab_free(s->msg_slab, m);
}

/* Make m the most recently seen record. */
static void touch(struct dsng_maillog *s, struct dsng__ml_msg *m)
{
	if (s->newest == m)
		return;
	if (m->older)
		m->older->newer = m->newer;
	else
		s->oldest = m->newer;
	m->newer->older = m->older;
	m->older = s->newest;
	m->newer = NULL;
	s->newest->newer = m;
	s->newest = m;
}

/* After each line: evict the least recently seen records past
 * max_tracked or past the spilled-bytes budget, never the newest (so
 * nothing a line is still using goes away under it). */
static void trim(struct dsng_maillog *s)
{
	int freed = 0;

	while ((s->n_msgs > s->opts.max_tracked ||
	        s->msg_spill > s->msg_spill_max ||
	        s->run_bytes > s->run_bytes_max) &&
	       s->oldest && s->oldest != s->newest) {
		msg_free(s, s->oldest);
		s->evicted++;
		freed = 1;
		/* the next to go, read when msg_get next makes a record
		 * (aim_victim); on a flood it was last seen max_tracked
		 * records ago, long out of the caches */
		dsng__ml_prefetch_lines(s->oldest, 2);
	}
	if (freed)
		release(s);
}

static char mta_letter(enum dsng_maillog_mta mta)
{
	return mta == DSNG_MAILLOG_POSTFIX    ? 'P'
	       : mta == DSNG_MAILLOG_SENDMAIL ? 'S'
	                                      : 'E';
}

/* A new record is about to be made in a full table: the line's trim will
 * evict the oldest.  Its hash slot is asked for now, so that miss overlaps
 * the lookup of the new key's slot (a flood makes a new queue id every
 * other line, each evicting one). */
static void aim_victim(struct dsng_maillog *s)
{
	struct dsng__ml_msg *v = s->oldest;

	if (s->n_msgs < s->opts.max_tracked || !v || v == s->newest ||
	    v == s->victim)
		return;
	s->victim = v;
	s->victim_h = dsng__ml_map_hash(s->msgs, v->key, v->key_len);
	s->victim_rekeys = s->msgs->rekeys;
	dsng__ml_map_prefetch(s->msgs, s->victim_h);
}

/* The record of a queue id ("P:" + qid, so MTAs sharing a log never mix);
 * created when create is set.  Either way it becomes the most recently
 * seen. */
static struct dsng__ml_msg *msg_get(struct dsng_maillog *s,
                                    enum dsng_maillog_mta mta,
                                    struct dsng_span qid, int create)
{
	char key[24];
	struct dsng__ml_msg *m;
	uint64_t h;

	if (qid.len > sizeof(key) - 3)
		return NULL;
	key[0] = mta_letter(mta);
	key[1] = ':';
	memcpy(key + 2, qid.ptr, qid.len);
	/* Consecutive lines are mostly about one message (a Postfix message
	 * logs client=, from=, to= and its bounce in a row): the most
	 * recently seen record first, no hashing. */
	if (s->newest && s->newest->key_len == qid.len + 2 &&
	    !memcmp(s->newest->key, key, qid.len + 2))
		return s->newest;
	/* hashed once for the lookup and the insertion */
	h = dsng__ml_map_hash(s->msgs, key, qid.len + 2);
	if (create)
		aim_victim(s);
	m = dsng__ml_map_get_h(s->msgs, key, qid.len + 2, h);
	if (m) {
		touch(s, m);
		return m;
	}
	if (!create)
		return NULL;
	m = dsng__ml_slab_alloc(s->msg_slab);
	if (!m)
		goto nomem;
	memcpy(m->key, key, qid.len + 2);
	m->key_len = (uint8_t)(qid.len + 2);
	if (dsng__ml_map_put_h(s->msgs, m->key, m->key_len, h, m)) {
		dsng__ml_slab_free(s->msg_slab, m);
		goto nomem;
	}
	m->older = s->newest;
	if (s->newest)
		s->newest->newer = m;
	else
		s->oldest = m;
	s->newest = m;
	s->n_msgs++;
	return m;
nomem:
	s->oom = 1;
	return NULL;
}

static void add_rcpt(struct dsng_maillog *s, struct dsng__ml_msg *m,
                     struct dsng_span a)
{
	const char *r;
	size_t pos = 0;

	a = dsng__ml_unangle(a);
	if (!a.ptr)
		return;
	while ((r = dsng__ml_bag_next(&m->bag, m->inl, M_RCPT, &pos)))
		if (strlen(r) == a.len && !memcmp(r, a.ptr, a.len))
			return;
	if (m->n_rcpts >= s->opts.max_rcpts)
		return;
	if (dsng__ml_bag_add(&m->bag, m->inl, MSG_INLINE, s->msg_slab,
	                     &s->msg_spill, M_RCPT, a.ptr, a.len))
		s->oom = 1;
	else
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
	const char *name = mget(m, M_CNAME), *svc = mget(m, M_SERVICE);

	if (mget(m, M_CADDR) || !name || !svc)
		return;
	/* records never move and are only evicted between lines, so m, name
	 * and svc stay valid while d is created */
	d = msg_get(s, f->mta, f->qid2, 1);
	if (!d || d == m || !loopback(mget(d, M_CADDR)))
		return;
	if (mset(s, d, M_CNAME, name, strlen(name)) ||
	    mset(s, d, M_SERVICE, svc, strlen(svc)))
		return;
	d->handed = true;
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
	if (f->verify)
		sat_inc(&m->n_verify);
	if (f->status == ML_ST_SENT) {
		sat_inc(&m->n_sent);
		if (f->remote)
			sat_inc(&m->n_remote);
	} else if (f->status == ML_ST_BOUNCED) {
		sat_inc(&m->n_bounced);
	}
	if (f->status != ML_ST_OTHER)
		m->last = (uint8_t)f->status;
	if (f->qid2.ptr)
		hand_over(s, m, f);
	if (f->mta == DSNG_MAILLOG_EXIM) {
		size_t before = dsng__ml_run_bytes(m->run);
		int rc = dsng__ml_run_delivery(s->msg_slab, &m->run, f,
		                               mget(m, M_FROM) != NULL,
		                               s->opts.max_rcpts);
		s->run_bytes += dsng__ml_run_bytes(m->run) - before;
		if (rc < 0)
			s->oom = 1;
		else if (rc > 0)
			release(s);
	}
	if (m->dsn && m->n_rcpts) {
		complete(m->dsn, s, mget(m, M_RCPT));
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

/* The strings of a pending event: from the DSN line and from the
 * original's record. */
struct pstr {
	uint8_t tag;
	const char *p;
	size_t len;
};

static size_t pstr_span(struct pstr *v, size_t n, uint8_t tag,
                        struct dsng_span sp)
{
	if (!sp.ptr)
		return n;
	v[n].tag = tag;
	v[n].p = sp.ptr;
	v[n].len = sp.len;
	return n + 1;
}

static struct dsng__ml_pending *build_pending(struct dsng_maillog *s,
                                              const struct dsng__ml_line *line,
                                              const struct dsng__ml_fact *f,
                                              const struct dsng__ml_msg *o)
{
	struct pstr v[P_SERVICE];
	struct dsng__ml_pending *p;
	size_t n = 0, i, bytes = 0, pos = 0, n_rcpts = 0, arr;
	const char *r;

	n = pstr_span(v, n, P_TIME, line->time);
	n = pstr_span(v, n, P_HOST, line->host);
	n = pstr_span(v, n, P_TEXT, f->text);
	n = pstr_span(v, n, P_OQID, f->qid);
	n = pstr_span(v, n, P_DQID, f->qid2);
	if (o) {
		/* the record's strings in one walk (a lookup per tag walked
		 * it six times): the first of each tag, every recipient */
		struct dsng_span m[M_SERVICE] = {{NULL, 0}};
		uint8_t tag;
		size_t len;

		while ((r = dsng__ml_bag_step(&o->bag, o->inl, &pos, &tag,
		                              &len))) {
			if (tag == M_RCPT) {
				bytes += len + 2;
				n_rcpts++;
			} else if (tag >= M_FROM && tag <= M_SERVICE &&
			           !m[tag - M_FROM].ptr) {
				m[tag - M_FROM].ptr = r;
				m[tag - M_FROM].len = len;
			}
		}
		for (i = 0; i < M_SERVICE; i++)
			n = pstr_span(v, n, (uint8_t)(P_FROM + i), m[i]);
		pos = 0;
	}
	for (i = 0; i < n; i++)
		bytes += v[i].len + 2;
	/* the recipients' pointers after the strings, aligned */
	arr = (sizeof(*p) + bytes + sizeof(char *) - 1) / sizeof(char *) *
	      sizeof(char *);
	p = talloc_size(s, arr + n_rcpts * sizeof(char *));
	if (!p) {
		s->oom = 1;
		return NULL;
	}
	talloc_set_name_const(p, "struct dsng__ml_pending");
	memset(p, 0, sizeof(*p));
	p->rcpts = (char **)(void *)((char *)p + arr);
	p->bytes = DSNG__ML_CHUNK_COST + arr + n_rcpts * sizeof(char *);
	p->mta = f->mta;
	p->kind = decide(f, o);
	p->postmaster = f->postmaster;
	p->line = s->lines;
	/* sized to fit: these never spill, so never fail */
	for (i = 0; i < n; i++) {
		/* the string lands after its 1-octet tag */
		p->at[v[i].tag - P_TIME] = p->bag.used + 1;
		dsng__ml_bag_add(&p->bag, p->inl, bytes, p, NULL, v[i].tag,
		                 v[i].p, v[i].len);
	}
	for (pos = 0;
	     o && (r = dsng__ml_bag_next(&o->bag, o->inl, M_RCPT, &pos));) {
		/* the string lands at the end of the bag: its 1-octet tag,
		 * then the bytes */
		p->rcpts[p->n_rcpts++] = p->inl + p->bag.used + 1;
		dsng__ml_bag_add(&p->bag, p->inl, bytes, p, NULL, P_RCPT, r,
		                 strlen(r));
	}
	return p;
}

static void on_dsn(struct dsng_maillog *s, const struct dsng__ml_line *line,
                   const struct dsng__ml_fact *f)
{
	struct dsng__ml_msg *orig = msg_get(s, f->mta, f->qid, 0), *dm;
	struct dsng__ml_pending *p = build_pending(s, line, f, orig);

	if (!p)
		return;
	if (s->tail)
		s->tail->next = p;
	else
		s->head = p;
	s->tail = p;
	s->n_pending++;
	s->pending_bytes += p->bytes;
	if (f->infer_kind) {
		p->note.kind = &p->kind;
		p->note.said = f->kind;
		dsng__ml_run_notice(orig ? orig->run : NULL, &p->note,
		                    line->time);
	}

	dm = msg_get(s, f->mta, f->qid2, 1);
	if (dm) {
		if (dm->dsn)
			complete(dm->dsn, s, NULL);
		if (dm->n_rcpts) {
			complete(p, s, mget(dm, M_RCPT));
		} else {
			dm->dsn = p;
			p->dsn_msg = dm;
		}
	} else {
		complete(p, s, NULL);
	}
	while ((s->n_pending > s->opts.max_pending ||
	        s->pending_bytes > s->pending_max) &&
	       s->head) {
		if (s->head->note.run)
			dsng__ml_run_settle(s->head->note.run);
		s->head->note.hold = 0;
		complete(s->head, s, NULL);
		release(s);
	}
	release(s);
}

/* Released events move to the ready list as they are: the summary counts
 * them from a view of the chunk, and only dsng_maillog_next builds the
 * public event (a dsng_maillog_view caller never pays for one). */
static void release(struct dsng_maillog *s)
{
	while (s->head && s->head->complete && !s->head->note.hold) {
		struct dsng__ml_pending *p = s->head, *q = p->next;
		struct dsng_maillog_event ev;

		/* Events are released in bursts (those behind one that
		 * waited): on a flood each was built max_pending events ago,
		 * out of the caches.  Ask for the next one's chunk (its
		 * header and the strings the summary reads come first) and
		 * the recipient of the one after p, whose header the
		 * previous round asked for. */
		if (q) {
			__builtin_prefetch(q->to);
			if (q->next)
				dsng__ml_prefetch_lines(q->next, 6);
		}
		dsng__ml_notice_done(&p->note);
		s->head = p->next;
		if (!s->head)
			s->tail = NULL;
		s->n_pending--;
		s->pending_bytes -= p->bytes;
		p->next = NULL;
		if (s->ready_tail)
			s->ready_tail->next = p;
		else
			s->ready = p;
		s->ready_tail = p;
		dsng__ml_event_view(&ev, p);
		if (dsng__ml_tally_event(s->tally, &ev))
			s->oom = 1;
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
		if (f->type == ML_FROM && f->addr.ptr && !mget(m, M_FROM))
			mset(s, m, M_FROM, f->addr.ptr, f->addr.len);
		if (!m->handed) {
			merge(s, m, M_CNAME, f->client_name);
			merge(s, m, M_SERVICE, f->service);
		}
		merge(s, m, M_CADDR, f->client_addr);
		merge(s, m, M_CPORT, f->client_port);
		merge(s, m, M_SASL, f->sasl);
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

/* Does msg contain "NOTIFY not supported" or "DSN support is disabled"?
 * Both hold "support" at a fixed place, so one search for it, and the
 * words around each hit compared, find either (one pass per line, not
 * two). */
static bool dsn_refused(struct dsng_span msg)
{
	static const char a[] = "NOTIFY not ", b[] = "DSN ";
	const char *end, *p, *q;

	if (!msg.ptr)
		return false;
	end = msg.ptr + msg.len;
	/* the first 'p' of each "support" (rarer in log lines than 'u') */
	for (p = msg.ptr; p < end && (q = memchr(p, 'p', (size_t)(end - p)));
	     p = q + 1) {
		const char *w;
		if (q - msg.ptr < 2 || end - q < 5)
			continue;
		w = q - 2;
		if (memcmp(w, "support", 7) != 0)
			continue;
		if (w - msg.ptr >= (ptrdiff_t)sizeof(a) - 1 &&
		    !memcmp(w - (sizeof(a) - 1), a, sizeof(a) - 1) &&
		    end - (w + 7) >= 2 && !memcmp(w + 7, "ed", 2))
			return true;
		if (w - msg.ptr >= (ptrdiff_t)sizeof(b) - 1 &&
		    !memcmp(w - (sizeof(b) - 1), b, sizeof(b) - 1) &&
		    end - (w + 7) >= 12 && !memcmp(w + 7, " is disabled", 12))
			return true;
	}
	return false;
}

void dsng__ml_join_line(struct dsng_maillog *s, const char *p, size_t len,
                        int may_nul)
{
	struct dsng__ml_line line;
	struct dsng__ml_fact f;
	enum dsng_maillog_mta mta;

	s->lines++;
	if (len == 0) {
		s->ignored++;
		return;
	}
	if ((may_nul && memchr(p, 0, len)) || dsng__ml_header(p, len, &line)) {
		s->garbage++;
		return;
	}
	mta = line.exim_mainlog ? DSNG_MAILLOG_EXIM
	                        : dsng__ml_prog_mta(line.prog);
	if (!line.prog.ptr || mta == DSNG_MAILLOG_UNKNOWN) {
		s->ignored++;
		return;
	}
	s->mail++;
	/* Privacy notes are counted whatever else the line says. */
	if (mta == DSNG_MAILLOG_SENDMAIL &&
	    dsng__ml_contains(line.msg, ": Authentication-Warning: "))
		s->auth_warnings++;
	if (dsn_refused(line.msg))
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
	trim(s);
}

void dsng__ml_join_flush(struct dsng_maillog *s)
{
	struct dsng__ml_pending *p;

	for (p = s->head; p; p = p->next) {
		if (p->note.run)
			dsng__ml_run_settle(p->note.run);
		complete(p, s, NULL);
	}
	/* No line can come after the end: the records go before the waiting
	 * events become public ones, which then reuse their memory (the
	 * Exim runs are children of the slab). */
	talloc_free(s->msgs);
	talloc_free(s->msg_slab);
	s->msgs = NULL;
	s->msg_slab = NULL;
	s->oldest = s->newest = NULL;
	s->n_msgs = 0;
	s->msg_spill = 0;
	s->run_bytes = 0;
	release(s);
}
