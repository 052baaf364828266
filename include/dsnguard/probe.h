/*
 * dsnguard/probe.h - the receipt-exposure probe: does a server accept a
 * request for a return receipt (RFC 3461 NOTIFY=SUCCESS) from whoever
 * connects?  A state machine without I/O: it says which command to send
 * next and reads what each reply means; the caller owns the socket, TLS
 * and the timeouts, and feeds what happened (bytes, a timeout, a closed
 * connection) back in.
 *
 * The session: greeting, EHLO (HELO when EHLO gets a 5xx), optionally
 * STARTTLS and EHLO again, MAIL FROM:<A>, RCPT TO:<B> NOTIFY=SUCCESS, and
 * after a 5xx to that RCPT the control RCPT TO:<B> without NOTIFY (to tell
 * a refused receipt request from a refused recipient); then RSET and QUIT.
 * DATA is never sent, so no message is ever delivered.
 *
 *   struct dsng_probe_params p = DSNG_PROBE_PARAMS_INIT;
 *   p.mail_from = "a@example.org"; p.rcpt_to = "b@example.test";
 *   dsng_probe_new(mem, &probe, &p, &err);
 *   for (;;) switch (dsng_probe_next(probe, &line, &len)) {
 *   case DSNG_PROBE_CONNECT:  connect; dsng_probe_event(probe,
 *                             DSNG_PROBE_EV_CONNECTED or a failure, msg);
 *   case DSNG_PROBE_SEND:     send line/len (CRLF included)
 *   case DSNG_PROBE_WAIT:     read with a timeout; dsng_probe_reply(probe,
 *                             bytes, n) or dsng_probe_event(probe,
 *                             DSNG_PROBE_EV_TIMEOUT / _CLOSED, msg)
 *   case DSNG_PROBE_STARTTLS: handshake; DSNG_PROBE_EV_TLS_READY or
 *                             DSNG_PROBE_EV_TLS_FAILED
 *   case DSNG_PROBE_DONE:     close; dsng_probe_result(probe)
 *   }
 *
 * A server may send anything: replies are framed with dsng_reply_complete
 * under the reply limits (struct dsng_reply_opts), so a reply over them,
 * garbage or a wrong code ends the probe as `incomplete` with cause
 * "reply"; the probe never loops without input and never buffers more
 * than one reply's limit.
 */
#ifndef DSNG_PROBE_H
#define DSNG_PROBE_H

#include <talloc.h>

#include "common.h"
#include "ehlo.h"
#include "reply.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DSNG_PROBE_PARAMS_VERSION 1

/* What to probe.  Strings are NUL-terminated and copied. */
struct dsng_probe_params {
	unsigned version;      /* DSNG_PROBE_PARAMS_VERSION */
	const char *mail_from; /* the (forged) sender, "a@b" or "<a@b>"; ""
	                          or "<>" for the null reverse-path */
	const char *rcpt_to;   /* the recipient, "b@c" or "<b@c>" */
	const char *ehlo_name; /* NULL = "localhost"; printable US-ASCII */
	bool starttls;         /* upgrade with STARTTLS before MAIL */
	const struct dsng_reply_opts *reply_opts; /* NULL = lenient defaults
	                          (DSNG_REPLY_LENIENT: 4096-octet lines) */
};

#define DSNG_PROBE_PARAMS_INIT                                                 \
	{                                                                      \
		DSNG_PROBE_PARAMS_VERSION, NULL, NULL, NULL, false, NULL       \
	}

/* Set *params to the defaults of that version (1..DSNG_PROBE_PARAMS_VERSION).
 * Returns 0, or DSNG_EINVAL (params NULL, version unknown). */
DSNG_API int dsng_probe_params_init(struct dsng_probe_params *params,
                                    unsigned version);

/* What the caller does next (dsng_probe_next). */
enum dsng_probe_action {
	DSNG_PROBE_CONNECT = 0, /* connect, then feed CONNECTED or a failure */
	DSNG_PROBE_SEND,        /* send the line given (CRLF included) */
	DSNG_PROBE_WAIT,        /* read and feed bytes, a timeout or a close */
	DSNG_PROBE_STARTTLS, /* start TLS now, then feed TLS_READY/TLS_FAILED;
	                        bytes the server sent before are discarded */
	DSNG_PROBE_DONE      /* close the connection; the result is final */
};

/* What happened on the caller's side (dsng_probe_event). */
enum dsng_probe_event {
	DSNG_PROBE_EV_CONNECTED = 0, /* the connection is up */
	DSNG_PROBE_EV_TLS_READY,     /* the TLS handshake succeeded */
	DSNG_PROBE_EV_RESOLVE,       /* the host name could not be resolved */
	DSNG_PROBE_EV_REFUSED,       /* connect failed (refused, unreachable) */
	DSNG_PROBE_EV_TIMEOUT,       /* a step took longer than allowed */
	DSNG_PROBE_EV_CLOSED,        /* the server closed, or a send failed */
	DSNG_PROBE_EV_TLS_FAILED /* the TLS handshake or a TLS read failed */
};

/* The steps, as the JSON's error.step names them. */
enum dsng_probe_step_id {
	DSNG_PROBE_STEP_CONNECT = 0,
	DSNG_PROBE_STEP_GREETING,
	DSNG_PROBE_STEP_EHLO,
	DSNG_PROBE_STEP_STARTTLS,
	DSNG_PROBE_STEP_MAIL,
	DSNG_PROBE_STEP_RCPT,
	DSNG_PROBE_STEP__COUNT
};

/* Why a probe is incomplete, as the JSON's error.cause names it. */
enum dsng_probe_cause {
	DSNG_PROBE_CAUSE_NONE = 0,
	DSNG_PROBE_CAUSE_REFUSED,
	DSNG_PROBE_CAUSE_TIMEOUT,
	DSNG_PROBE_CAUSE_CLOSED,
	DSNG_PROBE_CAUSE_REPLY, /* an unwanted code, garbage, over a limit */
	DSNG_PROBE_CAUSE_RESOLVE,
	DSNG_PROBE_CAUSE_TLS,
	DSNG_PROBE_CAUSE__COUNT
};

enum dsng_probe_verdict {
	DSNG_PROBE_RUNNING = 0, /* not decided yet */
	DSNG_PROBE_EXPOSED,     /* DSN advertised, NOTIFY=SUCCESS accepted */
	DSNG_PROBE_REFUSED,     /* DSN advertised, that RCPT refused with a 5xx
	                           while the plain RCPT is accepted */
	DSNG_PROBE_NOT_OFFERED, /* DSN not advertised (whatever RCPT got) */
	DSNG_PROBE_INCOMPLETE   /* a step failed, a 4xx came, or the
	                           recipient is refused with and without NOTIFY */
};

/* "connect", "greeting", "ehlo", "starttls", "mail", "rcpt"; "refused",
 * "timeout", "closed", "reply", "resolve", "tls" ("" for NONE); "exposed",
 * "refused", "not_offered", "incomplete" ("running").  Static strings;
 * NULL out of range. */
DSNG_API const char *dsng_probe_step_name(enum dsng_probe_step_id step);
DSNG_API const char *dsng_probe_cause_name(enum dsng_probe_cause cause);
DSNG_API const char *dsng_probe_verdict_name(enum dsng_probe_verdict v);

/* One command and its reply. */
struct dsng_probe_exchange {
	bool sent;     /* the command (or, for the greeting, the connection)
	                  happened */
	bool answered; /* a whole reply came; the fields below are set */
	char *line;    /* the command as sent, without CRLF; NULL for the
	                  greeting */
	int code;
	bool has_enhanced;
	struct dsng_status_code enhanced; /* the reply's first enhanced code */
	char *text; /* the reply's lines joined with "\n", codes, separators
	               and enhanced codes removed */
	struct dsng_reply *reply; /* the parsed reply */
};

/* Everything the probe learnt; owned by the probe. */
struct dsng_probe_result {
	enum dsng_probe_verdict verdict;
	struct dsng_probe_exchange greeting;
	struct dsng_probe_exchange ehlo;       /* the EHLO that counts: after
	                                          STARTTLS the second one; the HELO
	                                          reply when EHLO was refused */
	struct dsng_probe_exchange ehlo_first; /* the first EHLO (before TLS
	                                          or before the HELO) */
	struct dsng_probe_exchange starttls;
	struct dsng_probe_exchange mail;
	struct dsng_probe_exchange rcpt;       /* with NOTIFY=SUCCESS */
	struct dsng_probe_exchange rcpt_plain; /* the control RCPT */
	bool esmtp;             /* EHLO accepted (false after HELO) */
	struct dsng_ehlo *caps; /* EHLO capabilities; NULL after HELO */
	bool dsn_advertised;    /* valid once ehlo.answered */
	bool smtputf8;
	bool tls;              /* the session was upgraded */
	bool receipt_accepted; /* valid once rcpt.answered: 2xx to NOTIFY */
	/* Set when verdict is DSNG_PROBE_INCOMPLETE. */
	enum dsng_probe_step_id error_step;
	enum dsng_probe_cause error_cause;
	int error_code;      /* the server's reply code, 0 if none */
	char *error_message; /* NULL when no error */
};

struct dsng_probe; /* opaque */

/* Validate params and create a probe, a new talloc child of mem.  Errors
 * (nothing sent yet, *out NULL, nothing left on mem): DSNG_EINVAL for NULL
 * pointers, a missing address or an unknown params version; the address
 * parser's errors (addr.h) for an invalid mail_from or rcpt_to
 * (DSNG_ESYNTAX; the message names which); DSNG_ESYNTAX with
 * DSNG_ERR_BAD_VALUE for an ehlo_name with a space, control or 8-bit
 * octet; DSNG_ENOMEM. */
DSNG_API int dsng_probe_new(TALLOC_CTX *mem, struct dsng_probe **out,
                            const struct dsng_probe_params *params,
                            struct dsng_error *err);

/* The next thing to do.  For DSNG_PROBE_SEND, *line and *len (either may be
 * NULL) is the command with its CRLF, valid until the next call; the probe
 * counts it as sent and waits for its reply.  Calling again without feeding
 * anything gives DSNG_PROBE_WAIT (or CONNECT/STARTTLS) again. */
DSNG_API enum dsng_probe_action dsng_probe_next(struct dsng_probe *probe,
                                                const char **line, size_t *len);

/* Feed bytes the server sent (any split: part of a reply, several
 * replies).  Whole replies are taken one at a time as the session expects
 * them; extra ones are kept for the next command, bytes after the end are
 * ignored.  Returns DSNG_OK (a bad reply ends the probe, it is not an
 * error of this call), DSNG_ENOMEM or DSNG_EINVAL (NULL probe). */
DSNG_API int dsng_probe_reply(struct dsng_probe *probe, const char *buf,
                              size_t len);

/* Feed an event; message (may be NULL) is the caller's detail (strerror,
 * the TLS library's text) for the result's error_message.  An event the
 * current action does not expect (CONNECTED while waiting) is taken as a
 * closed connection; after DONE events are ignored.  DSNG_OK or
 * DSNG_ENOMEM / DSNG_EINVAL. */
DSNG_API int dsng_probe_event(struct dsng_probe *probe,
                              enum dsng_probe_event event, const char *message);

/* The result so far (final once dsng_probe_next says DSNG_PROBE_DONE),
 * owned by the probe; NULL for a NULL probe. */
DSNG_API const struct dsng_probe_result *
dsng_probe_result(const struct dsng_probe *probe);

#ifdef __cplusplus
}
#endif

#endif /* DSNG_PROBE_H */
