/*
 * lib/maillog_int.h - what the maillog files share: a log line taken apart
 * (header, program, message) and the MTA-neutral "fact" each MTA's reader
 * turns a message into, which the join (maillog_join.c) consumes.  All
 * spans point into the line being read.
 */
#ifndef DSNG_MAILLOG_INT_H
#define DSNG_MAILLOG_INT_H

#include <string.h>

#include "dsng_private.h"
#include "maillog_map.h"

/* The envelope of one log line. */
struct dsng__ml_line {
	struct dsng_span time; /* timestamp as written */
	struct dsng_span host; /* syslog host; ptr NULL for Exim's own log */
	struct dsng_span prog; /* "postfix/submission/smtpd", "sm-mta" */
	struct dsng_span msg;  /* after "prog[pid]: " */
	int exim_mainlog;      /* Exim's own format: msg starts at the id */
};

/* What a message line says, whichever MTA wrote it. */
enum dsng__ml_fact_type {
	ML_NONE = 0, /* an MTA line we do not use */
	ML_CLIENT,   /* the client that handed a message over */
	ML_FROM, /* the envelope sender (and for sendmail/Exim the client) */
	ML_DELIVERY, /* a delivery attempt to one or more recipients */
	ML_DSN,      /* the MTA generated a DSN: qid -> qid2 */
	ML_REMOVED,  /* the message left the queue */
};

/* Delivery outcomes, for the kind of a later DSN. */
enum dsng__ml_status {
	ML_ST_OTHER = 0,
	ML_ST_SENT,
	ML_ST_DEFERRED,
	ML_ST_BOUNCED,
};

struct dsng__ml_fact {
	enum dsng__ml_fact_type type;
	enum dsng_maillog_mta mta;
	struct dsng_span qid;  /* the message the line is about */
	struct dsng_span qid2; /* ML_DSN: the DSN's queue id; ML_DELIVERY
	                          (sendmail): the queue id the next MTA on
	                          this host gave the message */
	struct dsng_span addr; /* ML_FROM: sender; ML_DELIVERY: recipients */
	int addr_list;         /* addr is a comma-separated list (sendmail) */
	struct dsng_span client_name, client_addr, client_port, sasl;
	struct dsng_span service;
	/* ML_DELIVERY */
	enum dsng__ml_status status;
	int remote; /* delivered by SMTP to another host */
	int verify; /* an address probe (sendmail -bv), not a
	               delivery: Postfix "status=deliverable" */
	/* Exim: the line's whole address part ("final <original>"), logged
	 * once per address in one delivery run */
	struct dsng_span dkey;
	/* Exim: a failure that gets no bounce ("addr: error ignored") */
	int no_notice;
	/* ML_DSN (Exim: kind is what the notice's subject says, OTHER when
	 * the log shows none) */
	enum dsng_dsn_kind kind;
	int infer_kind; /* Exim: decide from the original's history */
	int postmaster;
	struct dsng_span text;
};

/* Exim: a message's delivery runs, and the notices ("<= <> R=") of the
 * current one, whose kinds the run decides (maillog_exim.c). */
struct dsng__ml_run;
struct dsng__ml_notice {
	enum dsng_dsn_kind *kind; /* the pending event's, set here */
	enum dsng_dsn_kind said;  /* what the notice's subject says */
	int hold;                 /* not settled: do not release yet */
	long long t;              /* the notice line's clock */
	struct dsng__ml_run *run; /* while the kind may still change */
	size_t slot;
};
/* A delivery line f of a message: *run is created on first use as a
 * talloc child of mem; arrived when its "<=" line was seen; max_seen
 * addresses are remembered per run.  1 when notices were settled (release
 * them), 0, or -1 out of memory. */
int dsng__ml_run_delivery(TALLOC_CTX *mem, struct dsng__ml_run **run,
                          const struct dsng__ml_fact *f, int arrived,
                          size_t max_seen);
/* A notice n (kind and said set), logged at time, about a message with
 * run r (NULL when no delivery line of it was seen): sets *n->kind and
 * n->hold. */
void dsng__ml_run_notice(struct dsng__ml_run *r, struct dsng__ml_notice *n,
                         struct dsng_span time);
/* The bytes run r takes (0 for NULL), for the scanner's budget. */
size_t dsng__ml_run_bytes(const struct dsng__ml_run *r);
/* The run is over or forgotten: its notices keep their kinds, stop
 * waiting. */
void dsng__ml_run_settle(struct dsng__ml_run *r);
/* Has a held notice waited long enough, at a line logged at now? */
int dsng__ml_notice_expired(const struct dsng__ml_notice *n,
                            struct dsng_span now);
/* Notice n is released: the run lets go of it. */
void dsng__ml_notice_done(struct dsng__ml_notice *n);

/* Take a line apart; 0 when it is a log line, -1 for garbage. */
int dsng__ml_header(const char *p, size_t len, struct dsng__ml_line *out);

/* Which MTA a program name belongs to (UNKNOWN for other programs). */
enum dsng_maillog_mta dsng__ml_prog_mta(struct dsng_span prog);

/* Per-MTA readers: fill *f from line->msg; f->type ML_NONE when unused. */
void dsng__ml_postfix(const struct dsng__ml_line *line,
                      struct dsng__ml_fact *f);
void dsng__ml_sendmail(const struct dsng__ml_line *line,
                       struct dsng__ml_fact *f);
void dsng__ml_exim(const struct dsng__ml_line *line, struct dsng__ml_fact *f);

/* Small span helpers shared by the readers.  Inline, so the lengths of
 * the literal words they are called with are known when compiling: a
 * strlen and a memcmp call per word tried were a tenth of the Postfix
 * reader. */
static inline int dsng__ml_starts(struct dsng_span s, const char *word)
{
	size_t n = strlen(word);

	return s.len >= n && !memcmp(s.ptr, word, n);
}
/* Value of "key=" in s: from after '=' up to the first of stop chars (or
 * the end); ptr NULL when absent.  The key must start s or follow one of
 * ' ' ',' so "xto=" never matches "to=". */
struct dsng_span dsng__ml_value_n(struct dsng_span s, const char *key, size_t n,
                                  const char *stops, size_t ns);
static inline struct dsng_span
dsng__ml_value(struct dsng_span s, const char *key, const char *stops)
{
	return dsng__ml_value_n(s, key, strlen(key), stops, strlen(stops));
}
/* Does s contain word? */
int dsng__ml_contains(struct dsng_span s, const char *word);
/* dsng__span_ieq against a string literal, the lengths compared first
 * and then the bytes as they are (logs write these words in one case):
 * the Postfix reader tries a dozen words per line, most of another
 * length. */
#define DSNG__ML_IEQ(p, len, lit)                                              \
	((len) == sizeof(lit) - 1 &&                                           \
	 (!memcmp((p), (lit), (len)) || dsng__span_ieq((p), (len), (lit))))
/* Drop one pair of enclosing <> if present. */
struct dsng_span dsng__ml_unangle(struct dsng_span s);
/* Split "name[addr]" or "name[addr]:port" (Postfix) or "name [addr]"
 * (sendmail, Exim, also "[addr]:port"); returns 0 when a [addr] was found. */
int dsng__ml_hostaddr(struct dsng_span s, struct dsng_span *name,
                      struct dsng_span *addr, struct dsng_span *port);

/* The summary's counters (maillog_summary.c): two tables of at most
 * max_recipients / max_clients rows (Space-Saving, heavy hitters kept). */
struct dsng__ml_tally;
struct dsng__ml_tally *dsng__ml_tally_new(TALLOC_CTX *mem);
/* Set the row limits (before the first event); -1 for 0 limits. */
int dsng__ml_tally_limit(struct dsng__ml_tally *t, size_t max_recipients,
                         size_t max_clients);
/* Count one released event; -1 when out of memory. */
int dsng__ml_tally_event(struct dsng__ml_tally *t,
                         const struct dsng_maillog_event *ev);
/* The sorted summary as a new talloc object on mem; -1 out of memory. */
int dsng__ml_tally_build(const struct dsng__ml_tally *t, TALLOC_CTX *mem,
                         struct dsng_maillog_summary **out);

/* A message the join keeps track of (maillog_join.c). */
struct dsng__ml_msg;

/* The event strings a pending DSN keeps, in its bag. */
enum {
	P_TIME = 1,
	P_HOST,
	P_TEXT,
	P_OQID,
	P_DQID,
	P_FROM,
	P_CNAME,
	P_CADDR,
	P_CPORT,
	P_SASL,
	P_SERVICE,
	P_RCPT
};

/* A DSN event waiting for its DSN's delivery line, and once released
 * waiting to be taken: one talloc chunk with the event's strings packed
 * inline and an array of pointers to its recipients after them (the
 * public event, a dozen chunks, is built only when dsng_maillog_next
 * takes it; dsng_maillog_view and the summary read the chunk itself). */
struct dsng__ml_pending {
	struct dsng__ml_pending *next; /* in the pending, then the ready list */
	struct dsng__ml_notice note;   /* Exim: the kind may still change */
	struct dsng__ml_msg *dsn_msg;
	char *to;     /* a talloc child, once known */
	char **rcpts; /* n_rcpts pointers into the bag, inside this chunk */
	/* where each string P_TIME..P_SERVICE starts in the bag's area (it
	 * never spills), 0 when absent: a view reads them without a walk */
	uint32_t at[P_SERVICE];
	unsigned long line;
	size_t bytes; /* of this chunk, for pending_bytes */
	enum dsng_maillog_mta mta;
	enum dsng_dsn_kind kind;
	bool complete, postmaster;
	uint32_t n_rcpts;
	struct dsng__ml_bag bag;
	char inl[];
};

/* Point ev's fields into p (strings NUL-terminated in p's bag, valid while
 * p is): what the public event built from p would hold.  Allocates
 * nothing. */
void dsng__ml_event_view(struct dsng_maillog_event *ev,
                         const struct dsng__ml_pending *p);
/* The event dsng_maillog_view lent is no longer the caller's: freed. */
void dsng__ml_view_done(struct dsng_maillog *s);

/* The scanner behind the public struct dsng_maillog. */
struct dsng_maillog {
	struct dsng_maillog_opts opts;
	/* stream (maillog.c) */
	char *partial; /* an unfinished line carried between feeds */
	size_t partial_len;
	int overlong; /* skipping the rest of a too-long line */
	int finished;
	/* counters */
	unsigned long lines, mail, ignored, garbage, evicted;
	unsigned long auth_warnings, dsn_refused;
	/* join (maillog_join.c) */
	struct dsng__ml_map *msgs;      /* "P:qid" -> struct dsng__ml_msg */
	struct dsng__ml_slab *msg_slab; /* the records */
	struct dsng__ml_msg *oldest, *newest; /* least recently seen first */
	/* the record the next eviction will free, hashed ahead by msg_get
	 * (the hash holds while msgs->rekeys is victim_rekeys) */
	struct dsng__ml_msg *victim;
	uint64_t victim_h;
	unsigned long victim_rekeys;
	size_t n_msgs;
	size_t msg_spill, msg_spill_max; /* record strings outside the slab */
	size_t run_bytes, run_bytes_max; /* Exim delivery runs (children of
	                                    msg_slab) */
	struct dsng__ml_pending *head, *tail; /* in DSN-line order */
	size_t n_pending;
	size_t pending_bytes, pending_max;
	/* released, not yet taken (maillog_event.c) */
	struct dsng__ml_pending *ready, *ready_tail;
	/* the event dsng_maillog_view lent last, and its fields */
	struct dsng__ml_pending *viewed;
	struct dsng_maillog_event view;
	struct dsng__ml_tally *tally;
	int oom; /* an allocation failed while reading a line */
};

/* Finish setting up a new scanner whose opts, msgs and tally are set:
 * checks the summary limits, DSNG_OK or a dsng__fail code. */
int dsng__ml_join_init(struct dsng_maillog *s, struct dsng_error *err);
/* Read one complete line (no newline) into the join.  A line holding a
 * NUL octet is garbage; it is searched for one only when may_nul is set
 * (the feed knows which lines of a chunk can hold one). */
void dsng__ml_join_line(struct dsng_maillog *s, const char *p, size_t len,
                        int may_nul);
/* Release every pending event (end of input). */
void dsng__ml_join_flush(struct dsng_maillog *s);

/* Start loading the first n 64-octet lines at p: records, rows and events
 * a full table will read soon were last touched long ago, out of the
 * caches.  Advice only; a constant n unrolls. */
static inline void dsng__ml_prefetch_lines(const void *p, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		__builtin_prefetch((const char *)p + 64 * i);
}

#endif /* DSNG_MAILLOG_INT_H */
