/*
 * bindings/probe_api.h - the SMTP client helpers scripts call (parsed by
 * SWIG through probe.i): the library's probe state machine (probe.h) as
 * a handle the script drives while it owns the socket, and the DSN
 * parameters of MAIL and RCPT built and checked by the library.  The
 * script-level dsnguard.probe, dsnguard.smtplib_options and
 * Net::SMTP::DSNGuard are written over these.
 */
#ifndef DSNGB_PROBE_API_H
#define DSNGB_PROBE_API_H

#include <stddef.h>

#ifndef SWIG
#include "api.h"
#endif

/* One probe in progress, owned by the script's object and freed with it. */
struct dsngb_probe;
#ifdef SWIG
struct dsngb_probe {};
#endif
void dsngb_probe_free(struct dsngb_probe *p);

/* A probe of the server's handling of RCPT TO:<rcpt_to> NOTIFY=SUCCESS
 * after MAIL FROM:<mail_from>; ehlo_name NULL or "" = "localhost";
 * starttls: upgrade before MAIL.  Raises ParseError for an invalid
 * address or EHLO name (nothing is sent), TypeError for a missing one. */
struct dsngb_probe *probe_new(const char *mail_from, const char *rcpt_to,
                              const char *ehlo_name, int starttls,
                              struct dsng_error *err);

/* What to do next: a list [action, line], action one of "connect",
 * "send", "wait", "starttls", "done"; line the command to send with its
 * CRLF (bytes) for "send", else None/undef. */
dsngb_result probe_next(struct dsngb_probe *p, struct dsng_error *err);

/* Feed bytes the server sent (any split). */
void probe_reply(struct dsngb_probe *p, const char *buf, size_t len,
                 struct dsng_error *err);

/* Feed what happened on the script's side: "connected", "tls_ready",
 * "resolve", "refused", "timeout", "closed", "tls_failed"; message (may
 * be NULL) the detail for the result's error message.  TypeError for an
 * unknown event. */
void probe_event(struct dsngb_probe *p, const char *event, const char *message,
                 struct dsng_error *err);

/* The result as `dsnguard probe --json`'s object (host as given, the
 * port, source NULL when none was bound). */
dsngb_result probe_result(struct dsngb_probe *p, const char *host,
                          unsigned port, const char *source,
                          struct dsng_error *err);

/* The DSN parameters of one transaction, encoded by the library and
 * checked by its parser before anything reaches the wire: a map with
 * "mail" (["RET=HDRS", "ENVID=...", "SMTPUTF8"]) and "rcpt"
 * (["NOTIFY=SUCCESS,DELAY", "ORCPT=rfc822;..."]), lists of the
 * parameters as sent.  ret: FULL or HDRS (any case), NULL for none;
 * envid: the envelope id (printable US-ASCII, RFC 3461 4.4), xtext-
 * encoded here, has_envid 0 for none; notify: NOTIFY keywords separated
 * by commas (NEVER alone), NULL for none; orcpt: the original
 * recipient, "addr" or "type;addr" (addr-type an atom), has_orcpt 0 for
 * none: an ASCII address becomes rfc822;xtext, one with UTF-8 utf-8;
 * with RFC 6533's utf-8-addr-xtext, or utf-8-addr-unitext when smtputf8
 * (then "SMTPUTF8" is a MAIL parameter too).  Raises ParseError
 * (bad_ret, bad_envid, bad_notify, bad_orcpt; offset 0, the message
 * names the option) for a value the library refuses. */
dsngb_result dsn_params(const char *ret, const char *envid, size_t envid_len,
                        int has_envid, const char *notify, const char *orcpt,
                        size_t orcpt_len, int has_orcpt, int smtputf8,
                        struct dsng_error *err);

#endif
