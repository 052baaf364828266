/*
 * bindings/api.h - what the bindings export to scripts.  Each entry point
 * parses, then hands the result to the walks of convert/walk.h with the
 * language's builder (python/builder.c, perl/builder.c).
 */
#ifndef DSNGB_API_H
#define DSNGB_API_H

#include <stddef.h>

#ifndef SWIG
#include <dsnguard/dsnguard.h>

#include "walk.h"

/* A native value (PyObject *, SV *) handed back to the interpreter. */
typedef void *dsngb_result;

/* The language's builder (defined in python/ or perl/). */
extern const struct dsngb_builder dsngb_native;

/* Native bytes (Python bytes, a Perl byte string without the UTF-8
 * flag), for results that are octets rather than text. */
void *dsngb_native_bytes(const char *p, size_t n);

/* Whether a builder call failed since the binding was entered (Python: an
 * exception is pending); the api then frees what it built and reports
 * out of memory. */
int dsngb_native_failed(void);

/* Around long C work that touches no interpreter object (a report parse,
 * reading a config file): Python releases and retakes the GIL, Perl does
 * nothing.  Never call the builder in between. */
void *dsngb_native_unlock(void);
void dsngb_native_relock(void *state);

/* Drop a native value built by dsngb_native (NULL is fine). */
void dsngb_native_free(void *v);

/* parse_cmd and the MAIL/RCPT decisions (policy_mail, policy_rcpt) with
 * the builder b instead of dsngb_native: the Python fast path
 * (python/fast.c) builds its Decision objects directly.  verb is
 * DSNG_VERB_MAIL or DSNG_VERB_RCPT; p and s as for policy_mail. */
struct dsngb_policy;
struct dsngb_session;
void *dsngb_parse_cmd_with(const struct dsngb_builder *b, const char *buf,
                           size_t len, int strict, size_t max_line, int utf8,
                           struct dsng_error *err);
/* As dsngb_parse_cmd_with, the result map made by new_map(c) once the
 * line parsed (NULL: b's map_new). */
void *dsngb_parse_cmd_into(const struct dsngb_builder *b,
                           void *(*new_map)(const struct dsng_cmd *c),
                           const char *buf, size_t len, int strict,
                           size_t max_line, int utf8, struct dsng_error *err);
/* The result of a command already parsed into c (its canonical form
 * written here): what dsngb_parse_cmd_into builds once the line parsed
 * (the Perl result built on first access, perl/lazy.c, parsed it
 * earlier).  NULL with err set when out of memory. */
void *dsngb_cmd_build(const struct dsngb_builder *b,
                      void *(*new_map)(const struct dsng_cmd *c),
                      const struct dsng_cmd *c, struct dsng_error *err);
void *dsngb_policy_cmd_with(const struct dsngb_builder *b,
                            struct dsngb_policy *p, struct dsngb_session *s,
                            const char *buf, size_t len, enum dsng_verb verb,
                            struct dsng_error *err);
/* As dsngb_policy_cmd_with, the decision handed to make(d, notify, arg),
 * whose result is returned (NULL: failed, the language's error set or
 * err filled): the Python fast path fills its Decision's slots itself. */
void *dsngb_policy_cmd_make(void *(*make)(const struct dsng_decision *d,
                                          unsigned notify, void *arg),
                            void *arg, struct dsngb_policy *p,
                            struct dsngb_session *s, const char *buf,
                            size_t len, enum dsng_verb verb,
                            struct dsng_error *err);

/* Raise the language's ParseError from err. */
#if defined(SWIGPYTHON) || defined(DSNGB_PYTHON)
void dsngb_py_raise(const struct dsng_error *err);
#endif
#if defined(SWIGPERL) || defined(DSNGB_PERL)
void dsngb_pl_croak(pTHX_ const struct dsng_error *err);
#endif
#else
typedef void *dsngb_result;
#endif

/* A loaded policy and one client session, owned by the script's objects
 * (Policy, Session) and freed when they are collected.  A session owns
 * copies of its strings. */
struct dsngb_policy;
struct dsngb_session;
#ifdef SWIG
struct dsngb_policy {};
struct dsngb_session {};
#endif
void dsngb_policy_free(struct dsngb_policy *p);
void dsngb_session_free(struct dsngb_session *s);

/* ---- the API as scripts see it ---- */

/* The library version, "0.2.0". */
const char *version(void);

/* Parse one SMTP command line (str or bytes); strict refuses what widely
 * deployed MTAs tolerate.  Returns a dict/hash; raises ParseError. */
#ifdef SWIG
dsngb_result parse_cmd(const char *buf, size_t len, int strict = 0,
                       size_t max_line = 0, int utf8 = 0,
                       struct dsng_error *err);
#else
dsngb_result parse_cmd(const char *buf, size_t len, int strict, size_t max_line,
                       int utf8, struct dsng_error *err);
#endif
/* max_line: octets including CRLF (struct dsng_cmd_opts; 0 = the default
 * 2048); utf8: accept SMTPUTF8 addresses without the parameter
 * (DSNG_CMD_UTF8). */

/* Parse one mail message as a delivery report (RFC 3464 DSN, RFC 8098
 * MDN); a message that is not a report gives kind "none".  Returns a
 * dict/hash; raises ParseError when a limit breaks or it is not mail. */
#ifdef SWIG
dsngb_result parse_report(const char *buf, size_t len,
                          unsigned max_recipients = 0, unsigned max_depth = 0,
                          unsigned max_parts = 0, unsigned max_fields = 0,
                          size_t max_field_len = 0, size_t max_header_len = 0,
                          size_t max_boundary_len = 0, size_t max_size = 0,
                          size_t max_decoded = 0, struct dsng_error *err);
#else
dsngb_result parse_report(const char *buf, size_t len, unsigned max_recipients,
                          unsigned max_depth, unsigned max_parts,
                          unsigned max_fields, size_t max_field_len,
                          size_t max_header_len, size_t max_boundary_len,
                          size_t max_size, size_t max_decoded,
                          struct dsng_error *err);
#endif
/* The limits are the fields of struct dsng_report_limits and struct
 * dsng_mime_limits, by name; 0 keeps the library's default. */

/* Parse a server's whole EHLO/LHLO reply into its capabilities (trailing
 * blank lines ignored, as the CLI does).  Returns a dict/hash; raises
 * ParseError for a malformed reply or a code other than 250. */
dsngb_result parse_ehlo(const char *buf, size_t len, struct dsng_error *err);

/* RFC 3461 xtext, as ORCPT= and ENVID= need it: "+" and "=" and octets
 * outside 33..126 become "+XX".  Returns a str/string. */
dsngb_result xtext_encode(const char *buf, size_t len, struct dsng_error *err);

/* Decode xtext; lenient accepts lower-case hex ("+2b") as Postfix and
 * sendmail do.  Raises ParseError (code bad_xtext, offset of the bad
 * octet). */
/* xbytes: the input was bytes (Python) or a byte string (Perl), and so
 * is the result; text input gives text (invalid UTF-8 replaced). */
#ifdef SWIG
dsngb_result xtext_decode(const char *xbuf, size_t xlen, int xbytes,
                          int lenient = 0, struct dsng_error *err);
#else
dsngb_result xtext_decode(const char *xbuf, size_t xlen, int xbytes,
                          int lenient, struct dsng_error *err);
#endif

/* Parse one server reply (all of buf, the final line end optional).
 * lenient: lines up to 4096 octets; max_line/max_lines: struct
 * dsng_reply_opts, 0 = defaults.  Returns a dict/hash; raises ParseError. */
#ifdef SWIG
dsngb_result parse_reply(const char *buf, size_t len, int lenient = 0,
                         size_t max_line = 0, size_t max_lines = 0,
                         struct dsng_error *err);
#else
dsngb_result parse_reply(const char *buf, size_t len, int lenient,
                         size_t max_line, size_t max_lines,
                         struct dsng_error *err);
#endif

/* An enhanced status code ("5.1.1") described: a dict/hash; raises
 * ParseError (bad_status) for text that is not one code. */
dsngb_result status_describe(const char *buf, size_t len,
                             struct dsng_error *err);

/* An EHLO reply written back verbatim without the capabilities named in
 * keywords (comma or blank separated, any case; "DSN" by default).  Bytes
 * in, bytes out; text in, text out.  Raises ParseError as parse_ehlo. */
#ifdef SWIG
dsngb_result hide_ehlo(const char *xbuf, size_t xlen, int xbytes,
                       const char *keywords = "DSN", struct dsng_error *err);
#else
dsngb_result hide_ehlo(const char *xbuf, size_t xlen, int xbytes,
                       const char *keywords, struct dsng_error *err);
#endif

/* BATV (RFC draft prvs=): keys are key texts ("[N:]hex:...",
 * "[N:]text:..." or a bare secret) separated by newlines; now < 0 is the
 * current time; flags DSNG_BATV_EXACT_CASE, DSNG_BATV_NO_LEGACY; days 0 =
 * the default (7).  batv_sign returns the tagged address (ParseError
 * no_key / bad_value, TypeError for an address that cannot be signed);
 * batv_verify a dict/hash with the keys of `dsnguard batv verify --json`
 * but "error" (the outcome is "result", never an exception). */
dsngb_result batv_sign(const char *buf, size_t len, const char *keys,
                       unsigned sign_key, unsigned days, long long now,
                       unsigned flags, struct dsng_error *err);
dsngb_result batv_verify(const char *buf, size_t len, const char *keys,
                         unsigned days, long long now, unsigned flags,
                         struct dsng_error *err);

/* ---- policy and sessions: the script-level Policy, Session and
 * Decision are written over these in dsnguard.i ---- */

/* A preset, a config file, or config text (name: for messages and
 * relative includes).  Raise ParseError (code unknown_preset, config, io,
 * ...). */
struct dsngb_policy *policy_preset(const char *name, struct dsng_error *err);
struct dsngb_policy *policy_from_file(const char *path, struct dsng_error *err);
struct dsngb_policy *policy_from_string(const char *buf, size_t len,
                                        const char *name,
                                        struct dsng_error *err);
/* The policy's name (the preset or file), and its load warnings (list). */
dsngb_result policy_name(struct dsngb_policy *p, struct dsng_error *err);
dsngb_result policy_warnings(struct dsngb_policy *p, struct dsng_error *err);

/* A session: addr text or NULL, strings NULL when unknown; service
 * "smtp", "submission", "local" or NULL; trusted -1 (look the address up),
 * 0 or 1. */
struct dsngb_session *session_new(const char *addr, const char *client_name,
                                  const char *helo, const char *auth_user,
                                  int tls, unsigned port, const char *service,
                                  int trusted, struct dsng_error *err);
/* RSET: a new transaction. */
void session_reset(struct dsngb_session *s);
/* Change the facts a connection learns as it goes: the HELO name, the
 * SASL user after AUTH, TLS after STARTTLS.  `which` says which of them
 * to set (SESSION_SET_*); a NULL string clears that fact.  Returns 1, or
 * NULL with err set. */
#define SESSION_SET_HELO 1
#define SESSION_SET_AUTH_USER 2
#define SESSION_SET_TLS 4
int session_update(struct dsngb_session *s, unsigned which, const char *helo,
                   const char *auth_user, int tls, struct dsng_error *err);
/* The session's state as a map: dsn_offered (-1/0/1), esmtp, null_sender,
 * n_recipients. */
dsngb_result session_state(struct dsngb_session *s, struct dsng_error *err);

/* The decisions, each a map with the keys of dsngb_decision_fill.  For
 * ehlo, has_reply says whether buf is the server's EHLO reply to rewrite.
 * mail/rcpt take a command line; a line that does not parse gives the
 * refusal to send (action reject, rule "parser:syntax"); a command of
 * another verb is misuse (TypeError). */
dsngb_result policy_ehlo(struct dsngb_policy *p, struct dsngb_session *s,
                         int esmtp, const char *buf, size_t len, int has_reply,
                         struct dsng_error *err);
dsngb_result policy_mail(struct dsngb_policy *p, struct dsngb_session *s,
                         const char *buf, size_t len, struct dsng_error *err);
dsngb_result policy_rcpt(struct dsngb_policy *p, struct dsngb_session *s,
                         const char *buf, size_t len, struct dsng_error *err);
dsngb_result policy_header(struct dsngb_policy *p, struct dsngb_session *s,
                           const char *name, size_t name_len, const char *value,
                           size_t value_len, struct dsng_error *err);
/* action: an RFC 3464 Action word (delivered, failed, delayed, relayed,
 * expanded); notify: NOTIFY keywords separated by commas, "" for none. */
dsngb_result policy_generate(struct dsngb_policy *p, struct dsngb_session *s,
                             const char *action, int null_sender,
                             const char *notify, struct dsng_error *err);
/* buf: the message (has_report), parsed as a report; rcpt: the envelope
 * recipient; now: Unix time for BATV, 0 = now. */
dsngb_result policy_bounce(struct dsngb_policy *p, struct dsngb_session *s,
                           const char *buf, size_t len, int has_report,
                           const char *rcpt, size_t rcpt_len, int null_sender,
                           long long now, struct dsng_error *err);

#endif
