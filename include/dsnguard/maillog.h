/*
 * dsnguard/maillog.h - DSN traffic in sendmail, Postfix and Exim logs:
 * which delivery status notifications a server generated, who provoked
 * them and where they went.
 *
 * A scanner reads log lines as a stream (feed any chunks, then finish) and
 * joins them by queue id: for every delivery status notification the MTA
 * generated it reports the kind, the original and the DSN queue ids, where
 * the DSN was mailed, the original envelope sender and recipients, and the
 * client (name, address, port, service) that handed over the original
 * message.  Memory stays bounded however long the log: finished messages
 * are dropped, and the least recently seen queue ids are evicted past a
 * limit (every table's limit and cost: struct dsng_maillog_opts).
 *
 * Recognised line shapes: traditional syslog ("Nov 29 01:12:14 host
 * prog[pid]: ..."), RFC 3339 timestamps ("2026-11-29T01:12:14.123+00:00
 * host prog[pid]: ..."), RFC 5424 ("<22>1 2026-... host prog pid - - ..."),
 * and Exim's own main log ("2026-11-29 01:12:14 [+0000] [[pid]] id ...").
 * Lines of other programs are ignored; lines that are not log lines at all
 * are counted as garbage.  Nothing is printed, nothing aborts.  Events and
 * the summary are allocated by the library only (not versioned: fields
 * are only appended).
 */
#ifndef DSNG_MAILLOG_H
#define DSNG_MAILLOG_H

#include <talloc.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Which MTA wrote a line. */
enum dsng_maillog_mta {
	DSNG_MAILLOG_UNKNOWN = 0,
	DSNG_MAILLOG_POSTFIX,
	DSNG_MAILLOG_SENDMAIL,
	DSNG_MAILLOG_EXIM,
};

/* What a DSN reports is an enum dsng_dsn_kind (common.h): RELAYED for a
 * success notice the MTA generated because the next hop did not take DSN
 * (the original left by SMTP); SUCCESS for a delivery (return receipt);
 * OTHER when the log does not say, or the report answers an address probe
 * (sendmail -bv, Postfix "status=deliverable").  EXPANDED does not occur:
 * no MTA logs it apart from SUCCESS. */

/* "postfix", "sendmail", "exim", "unknown" (static). */
DSNG_API const char *dsng_maillog_mta_name(enum dsng_maillog_mta mta);
/* The scan-log words of a kind: "success", "failure", "delay", "relay",
 * "other" ("expanded" for EXPANDED; "other" out of range); static. */
DSNG_API const char *dsng_maillog_kind_name(enum dsng_dsn_kind kind);

/* One DSN the MTA generated.  Every string is a NUL-terminated talloc
 * child of the event, or NULL when the log does not show it. */
struct dsng_maillog_event {
	enum dsng_maillog_mta mta;
	enum dsng_dsn_kind kind;
	char *time;          /* the DSN line's timestamp as written */
	char *host;          /* the logging host (syslog), NULL for Exim */
	char *text;          /* the MTA's words: "sender delivery status
	                        notification", "DSN: Return receipt" */
	char *orig_queue_id; /* the message the DSN is about */
	char *dsn_queue_id;  /* the DSN message itself */
	char *to;            /* where the DSN was mailed ("" = null sender) */
	char *orig_from;     /* the original envelope sender ("" = <>) */
	char **orig_rcpts;   /* the original recipients, in log order */
	size_t n_orig_rcpts;
	/* who handed over the original ("unknown" as the MTA wrote it), its
	 * address and port */
	char *client_name;
	char *client_addr;
	char *client_port;
	char *sasl_username; /* when the client authenticated (Postfix, Exim) */
	char *service;       /* Postfix: "smtpd", "submission/smtpd", "pickup";
	                        sendmail: daemon name ("MTA", "MSA") or "local";
	                        Exim: the P= protocol ("esmtp", "esmtpsa") */
	bool postmaster;     /* the copy went to the postmaster */
	unsigned long line;  /* 1-based line number of the DSN line */
};

/* A "key: count" row of the summary, largest first. */
struct dsng_maillog_count {
	char *key;           /* recipient or client address; NULL = unknown */
	char *name;          /* client name (by_client), else NULL */
	unsigned long count; /* DSN events of every kind */
	unsigned long receipts; /* of which success or relay notices */
};

/* Totals after finish.  Arrays of pointers, children of the summary. */
struct dsng_maillog_summary {
	unsigned long lines;   /* lines read */
	unsigned long mail;    /* lines from a recognised MTA */
	unsigned long ignored; /* log lines of other programs, or MTA lines
	                          that carry nothing we use */
	unsigned long garbage; /* not log lines at all (or too long) */
	unsigned long events;  /* DSN events reported */
	unsigned long by_kind[DSNG_DSN__COUNT]; /* by enum dsng_dsn_kind */
	unsigned long evicted; /* queue ids dropped to bound memory */
	/* Privacy-related lines: sendmail's "Authentication-Warning:" (the
	 * PrivacyOptions=authwarnings note that a local user set the sender
	 * with -f), and refused DSN requests where the MTA logs them
	 * (sendmail "NOTIFY not supported" with noreceipts and LogUsrErrs,
	 * Postfix "DSN support is disabled"). */
	unsigned long auth_warnings;
	unsigned long dsn_refused;
	struct dsng_maillog_count **by_recipient;
	size_t n_by_recipient;
	struct dsng_maillog_count **by_client;
	size_t n_by_client;
	/* Rows dropped from by_recipient and by_client to bound memory
	 * (opts.max_recipients_tracked, max_clients_tracked).  A full table
	 * gives a new key the row with the smallest estimate (Space-Saving:
	 * a flood of one-off keys replaces one-off rows, and every key seen
	 * more often than events / rows keeps its row).  A row's count and
	 * receipts are then those it saw since it took its row: never more
	 * than the truth, at most *_count_error less; a key without a row
	 * had at most *_count_error events. */
	unsigned long evicted_recipients;
	unsigned long evicted_clients;
	bool counts_exact; /* no row was evicted: every count is exact */
	unsigned long recipient_count_error; /* 0 while exact */
	unsigned long client_count_error;
};

#define DSNG_MAILLOG_OPTS_VERSION 1

/* The ceiling of dsng_maillog_opts.max_line: 1 MiB.  A larger value is
 * DSNG_EINVAL (the line buffer is max_line octets, allocated up front). */
#define DSNG_MAILLOG_MAX_LINE_CEILING 1048576

/* Limits of a scanner.  Versioned (common.h): start from
 * DSNG_MAILLOG_OPTS_INIT or dsng_maillog_opts_init, then adjust.  None of
 * them is an error when reached: the line is garbage, the id evicted, the
 * row replaced.  Every table the scanner keeps has a count limit here and
 * a cost per entry (64-bit builds), and the strings that do not fit an
 * entry count against a byte budget, so however long or hostile the log
 * the tables of a scanner with the defaults never take more than about
 * 100 MB (all of them full, every budget used; 60 MB without Exim's
 * delivery runs); a 1 GB flood of never-finishing messages from 1.2
 * million clients to as many forged senders peaks at 52 MB in scan-log
 * (tests/bench/scanlog_bench.sh).
 * Events released but not yet taken (dsng_maillog_next or
 * dsng_maillog_view) are the caller's to drain. */
struct dsng_maillog_opts {
	unsigned version;   /* DSNG_MAILLOG_OPTS_VERSION */
	size_t max_line;    /* longer lines are garbage (16384; 64 ..
	                       DSNG_MAILLOG_MAX_LINE_CEILING) */
	size_t max_tracked; /* queue ids kept at once, the least recently
	                       seen evicted past it (100000; about 300 bytes
	                       each: a 256-byte record holding 160 bytes of
	                       strings, and its hash slot; strings that do
	                       not fit spill, at most 96 bytes a queue id on
	                       average, and Exim's delivery-run state, about
	                       340 bytes, at most 384 a queue id on average,
	                       more records being evicted past either) */
	size_t max_pending; /* events waiting for their DSN's delivery line
	                       before being released anyway (10000; 300-600
	                       bytes each with one recipient, at most 512
	                       bytes each on average, the oldest being
	                       released past that) */
	size_t max_rcpts;   /* recipients kept per message (100) */
	/* by_recipient rows, the smallest replaced past it (32768; about 180
	 * bytes each: a 128-byte row holding a key of up to 70 bytes, its
	 * 16-byte heap entry and hash slots; longer keys spill, at most 64
	 * bytes a row on average, more rows being evicted) */
	size_t max_recipients_tracked;
	/* by_client rows (32768; as above, the address and name together up
	 * to 68 bytes inline) */
	size_t max_clients_tracked;
};

#define DSNG_MAILLOG_OPTS_INIT                                                 \
	{                                                                      \
		DSNG_MAILLOG_OPTS_VERSION, 16384, 100000, 10000, 100, 32768,   \
		        32768                                                  \
	}

/* Set *opts to the defaults above at that version
 * (DSNG_MAILLOG_OPTS_VERSION).  Returns 0, or DSNG_EINVAL (opts NULL,
 * version 0 or newer than the library's; *opts untouched). */
DSNG_API int dsng_maillog_opts_init(struct dsng_maillog_opts *opts,
                                    unsigned version);

/* The scanner (opaque). */
struct dsng_maillog;

/* A new scanner in *out, a talloc child of mem (free it with talloc_free);
 * opts NULL = defaults.  Errors (*out NULL): DSNG_EINVAL (NULL out, unknown
 * options version, a limit of 0, max_line below 64 or above
 * DSNG_MAILLOG_MAX_LINE_CEILING), DSNG_ENOMEM. */
DSNG_API int dsng_maillog_new(TALLOC_CTX *mem, struct dsng_maillog **out,
                              const struct dsng_maillog_opts *opts,
                              struct dsng_error *err);

/* Feed the next len bytes of the log; chunks may split lines anywhere and
 * may hold NULs (the line is then garbage).  Completed events queue up for
 * dsng_maillog_next.  Errors: DSNG_ENOMEM (s stays usable), DSNG_EINVAL. */
DSNG_API int dsng_maillog_feed(struct dsng_maillog *s, const char *buf,
                               size_t len, struct dsng_error *err);

/* The end of the input: a last line without a newline is read, and every
 * event still waiting for its DSN's delivery is released.  Errors:
 * DSNG_ENOMEM, DSNG_EINVAL (NULL, or finished already; so is feeding). */
DSNG_API int dsng_maillog_finish(struct dsng_maillog *s,
                                 struct dsng_error *err);

/* Take the next completed event, in the order of the DSN lines, into *out
 * (a new talloc tree on mem: free it with talloc_free), or NULL when none
 * is ready.  Returns 0, DSNG_EINVAL for NULL out or s, or DSNG_ENOMEM
 * (*out NULL; the event stays next in line). */
DSNG_API int dsng_maillog_next(TALLOC_CTX *mem, struct dsng_maillog_event **out,
                               struct dsng_maillog *s);

/* Take the next completed event as dsng_maillog_next does, but lent: *out
 * points to the scanner's own event (the same fields and strings; do not
 * change or free it), valid until the next dsng_maillog_view,
 * dsng_maillog_next, dsng_maillog_feed or dsng_maillog_finish with s or
 * until s is freed; NULL when none is ready.  Allocates nothing, so a
 * caller that prints each event and forgets it avoids building one.
 * Returns 0, or DSNG_EINVAL for NULL out or s. */
DSNG_API int dsng_maillog_view(const struct dsng_maillog_event **out,
                               struct dsng_maillog *s);

/* The lines read so far: every line, garbage and other programs' lines
 * included (the summary's lines).  A line is counted when its newline is
 * fed, a line longer than max_line as soon as it runs past it, and a last
 * line without a newline at finish; so after a chunk that ends with a
 * newline it is the number of lines fed.  A caller feeding several files
 * through one scanner takes it between files (each ended by a newline) to
 * number each file's lines from an event's line, without counting
 * newlines itself.  0 for NULL. */
DSNG_API unsigned long dsng_maillog_lines(const struct dsng_maillog *s);

/* The totals so far (complete after finish) in *out, a new talloc object
 * on mem, rows sorted by count (largest first), then by key.  Errors
 * (*out NULL): DSNG_EINVAL, DSNG_ENOMEM. */
DSNG_API int dsng_maillog_summary(TALLOC_CTX *mem,
                                  struct dsng_maillog_summary **out,
                                  struct dsng_maillog *s,
                                  struct dsng_error *err);

#ifdef __cplusplus
}
#endif

#endif /* DSNG_MAILLOG_H */
