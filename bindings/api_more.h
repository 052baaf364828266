/*
 * bindings/api_more.h - the rest of the API scripts see (api.h has the
 * parsers, policies and sessions): formatting commands, scanning logs,
 * building reports, and the library's smaller helpers.  Each script-level
 * name is written over these in dsnguard.i (Python: dsnguard/_more.py).
 */
#ifndef DSNGB_API_MORE_H
#define DSNGB_API_MORE_H

#include <stddef.h>

#include "api.h"

#ifndef SWIG
/* The library's policy and session behind a handle (api.c). */
const struct dsng_policy *dsngb_policy_get(const struct dsngb_policy *p);
struct dsng_policy_session *dsngb_session_get(struct dsngb_session *s);
/* A loaded policy under a new handle; pol is freed on failure. */
struct dsngb_policy *dsngb_policy_wrap(struct dsng_policy *pol,
                                       struct dsng_error *err);

/* A caller's value (dict, hashref) read through the language's reader
 * (python/reader.c, perl/reader.c); borrowed for the call. */
extern const struct dsngb_reader
        dsngb_native_reader; /* The policy's trusted networks as CIDR texts (a
                                list). */
dsngb_result policy_networks(struct dsngb_policy *p, struct dsng_error *err);
/* The settings that differ from the permissive base: a list of {rule,
 * value, origin, line}. */
dsngb_result policy_rules(struct dsngb_policy *p, struct dsng_error *err);
/* To whom DSN is offered at EHLO, and the classes a session falls in: a
 * list of class words ("all", "trusted", "authenticated", "tls",
 * "submission", "local"). */
dsngb_result policy_offer(struct dsngb_policy *p, struct dsng_error *err);
dsngb_result policy_classes(struct dsngb_policy *p, struct dsngb_session *s,
                            struct dsng_error *err);
/* The first enhanced status code standing alone in text, as
 * status_describe gives it plus "offset"; none when there is none. */
dsngb_result status_find(const char *buf, size_t len, struct dsng_error *err);
/* The messages of an mbox (a non-mbox is one message): a list of bytes. */
dsngb_result mbox_split(const char *buf, size_t len, struct dsng_error *err);

#endif
/* A native value passed in as it is (PyObject *, SV *), borrowed. */
typedef void *dsngb_value;

/* ---- commands ---- */

/* Parse line as parse_cmd does, then write it back canonical (verb and
 * keywords upper-case, single spaces): what format_cmd composes is only
 * ever what the parser accepts.  Raises ParseError. */
dsngb_result format_cmd_line(const char *buf, size_t len, int strict,
                             size_t max_line, int utf8, struct dsng_error *err);

/* ---- logs: a scanner over one stream of log lines ---- */
struct dsngb_scan;
#ifdef SWIG
struct dsngb_scan {};/* The policy's trusted networks as CIDR texts (a list). */
dsngb_result policy_networks(struct dsngb_policy *p, struct dsng_error *err);
/* The settings that differ from the permissive base: a list of {rule,
 * value, origin, line}. */
dsngb_result policy_rules(struct dsngb_policy *p, struct dsng_error *err);
/* To whom DSN is offered at EHLO, and the classes a session falls in: a
 * list of class words ("all", "trusted", "authenticated", "tls",
 * "submission", "local"). */
dsngb_result policy_offer(struct dsngb_policy *p, struct dsng_error *err);
dsngb_result policy_classes(struct dsngb_policy *p, struct dsngb_session *s,
                            struct dsng_error *err);
/* The first enhanced status code standing alone in text, as
 * status_describe gives it plus "offset"; none when there is none. */
dsngb_result status_find(const char *buf, size_t len, struct dsng_error *err);
/* The messages of an mbox (a non-mbox is one message): a list of bytes. */
dsngb_result mbox_split(const char *buf, size_t len, struct dsng_error *err);

#endif
void dsngb_scan_free(struct dsngb_scan *s);
/* file: the name events and the summary carry (NULL for none); the limits
 * are struct dsng_maillog_opts by name, 0 = the default.  Raises TypeError
 * (EINVAL) for a limit out of range. */
struct dsngb_scan *scan_new(const char *file, size_t max_line,
                            size_t max_tracked, size_t max_pending,
                            size_t max_rcpts, size_t max_recipients_tracked,
                            size_t max_clients_tracked, struct dsng_error *err);
/* Feed a chunk (any split), then with last the end of input; returns the
 * list of events completed (the keys of scan-log --json).  The scan runs
 * without the GIL. */
dsngb_result scan_feed(struct dsngb_scan *s, const char *buf, size_t len,
                       int last, struct dsng_error *err);
/* The totals so far (complete once fed with last). */
dsngb_result scan_summary(struct dsngb_scan *s, struct dsng_error *err);

/* ---- reports ---- */

/* dsng_report_build: spec is a dict/hashref with the keys of make-report's
 * SPEC; original (has_original) the message as received; policy NULL only
 * with no_policy.  now < 0: the current time.  max_returned < 0: the
 * default.  Returns a map: outcome ("written", "none_requested",
 * "vetoed"), data (bytes or none), global, envelope_from, envelope_to,
 * message_id, entries [{index, fate, addr, reason, decision (a decision
 * map or none), diagnostic_cut}], n_kept, n_vetoed, n_not_requested,
 * returned, returned_full, returned_truncated, returned_omitted.  A bad
 * spec raises ParseError (code bad_value, the message naming the key). */
dsngb_result build_report_result(dsngb_value spec, const char *buf, size_t len,
                                 int has_original, struct dsngb_policy *policy,
                                 int no_policy, long long now, int crlf,
                                 long long max_returned,
                                 unsigned max_recipients,
                                 struct dsng_error *err);

/* ---- policies with struct dsng_policy_opts ---- */

/* Policy.from_file (is_file: buf is the path) or from_string (name: for
 * messages and relative includes) with the options by name: no_includes,
 * max_include_files, max_include_bytes (0 = the default).  Raise
 * ParseError as policy_from_file. */
struct dsngb_policy *policy_load(const char *buf, size_t len, int is_file,
                                 const char *name, int no_includes,
                                 size_t max_include_files,
                                 size_t max_include_bytes,
                                 struct dsng_error *err);

/* policy_bounce (api.h) with the report parser's limits by name (struct
 * dsng_report_limits, struct dsng_mime_limits; 0 = the default). */
dsngb_result policy_bounce_limits(
        struct dsngb_policy *p, struct dsngb_session *s, const char *buf,
        size_t len, int has_report, const char *rcpt, size_t rcpt_len,
        int null_sender, long long now, unsigned max_recipients,
        unsigned max_depth, unsigned max_parts, unsigned max_fields,
        size_t max_field_len, size_t max_header_len, size_t max_boundary_len,
        size_t max_size, size_t max_decoded, struct dsng_error *err);

/* ---- small helpers ---- */

/* RFC 6533 utf-8-addr-xtext (unitext: utf-8-addr-unitext) of UTF-8 text;
 * ParseError bad_xtext for invalid UTF-8. */
dsngb_result xtext_utf8_encode(const char *buf, size_t len, int unitext,
                               struct dsng_error *err);
/* Decode utf-8-addr-xtext (unitext: raw UTF-8 too) into text. */
dsngb_result xtext_utf8_decode(const char *buf, size_t len, int unitext,
                               struct dsng_error *err);
/* One RFC 5321 path ("<a@b>"): path, local, domain, route (list or none),
 * null, postmaster, utf8, lax (lenient forms seen: list of
 * "no_brackets", "long").  rcpt: a forward-path; utf8: SMTPUTF8 in play;
 * strict: the RFC to the letter.  Raises ParseError. */
dsngb_result addr_parse(const char *buf, size_t len, int rcpt, int utf8,
                        int strict, struct dsng_error *err);
/* A domain or address literal alone: True, or ParseError. */
dsngb_result addr_check_domain(const char *buf, size_t len, int utf8,
                               int strict, struct dsng_error *err);
/* A BATV address taken apart without a key: key_number, day, hash (hex),
 * legacy_order, local, domain, original; ParseError when not tagged. */
dsngb_result batv_parse(const char *buf, size_t len, struct dsng_error *err);
/* The address without its BATV tag (an untagged one unchanged). */
dsngb_result batv_strip(const char *buf, size_t len, struct dsng_error *err);
/* A server reply parsed (as parse_reply) and written back in canonical
 * form, CRLF-terminated lines.  lenient, max_line, max_lines: struct
 * dsng_reply_opts by name (0 = the default), here and below. */
dsngb_result format_reply(const char *buf, size_t len, int lenient,
                          size_t max_line, size_t max_lines,
                          struct dsng_error *err);
/* The length of the first complete reply at the start of buf, or 0 when
 * more is needed; ParseError when it cannot be a reply. */
dsngb_result reply_complete(const char *buf, size_t len, int lenient,
                            size_t max_line, size_t max_lines,
                            struct dsng_error *err);
/* parse_ehlo, hide_ehlo and the EHLO decision on a reply (api.h) with
 * the reply parser's options. */
dsngb_result parse_ehlo_opts(const char *buf, size_t len, int lenient,
                             size_t max_line, size_t max_lines,
                             struct dsng_error *err);
dsngb_result hide_ehlo_opts(const char *xbuf, size_t xlen, int xbytes,
                            const char *keywords, int lenient, size_t max_line,
                            size_t max_lines, struct dsng_error *err);
dsngb_result policy_ehlo_opts(struct dsngb_policy *p, struct dsngb_session *s,
                              int esmtp, const char *buf, size_t len,
                              int lenient, size_t max_line, size_t max_lines,
                              struct dsng_error *err);
/* An RFC 5322 date as Unix seconds; ParseError bad_value. */
dsngb_result report_date_parse(const char *buf, size_t len,
                               struct dsng_error *err);
/* RFC 2047 encoded words decoded (unfolded first); text. */
dsngb_result mime_decode_words(const char *buf, size_t len,
                               struct dsng_error *err);
/* A header value unfolded (CRLF/LF before white space removed). */
dsngb_result mime_unfold(const char *buf, size_t len, struct dsng_error *err);
/* The names of the built-in presets, a list. */
dsngb_result policy_preset_names(struct dsng_error *err);
/* Whether the session's client is trusted by the policy (its networks,
 * or the session's own verdict). */
dsngb_result policy_is_trusted(struct dsngb_policy *p, struct dsngb_session *s,
                               struct dsng_error *err);
/* Whether a header (name without the colon) asks for a receipt under the
 * policy (Return-Receipt-To, Disposition-Notification-To, ...). */
dsngb_result policy_is_receipt_header(struct dsngb_policy *p, const char *buf,
                                      size_t len, struct dsng_error *err);
/* One client command line through the policy (dsng_policy_line: EHLO,
 * MAIL, RCPT decided, RSET resets, others accepted): a decision map.
 * strict, max_line, utf8: struct dsng_cmd_opts by name, as parse_cmd. */
dsngb_result policy_line(struct dsngb_policy *p, struct dsngb_session *s,
                         const char *buf, size_t len, int strict,
                         size_t max_line, int utf8, struct dsng_error *err);
/* The MAIL (rcpt 0) or RCPT (rcpt 1) decision of api.h with the command
 * parser's options: utf8 for the recipients of an SMTPUTF8 transaction. */
dsngb_result policy_cmd_opts(struct dsngb_policy *p, struct dsngb_session *s,
                             const char *buf, size_t len, int rcpt, int strict,
                             size_t max_line, int utf8, struct dsng_error *err);
/* The policy's trusted networks as CIDR texts (a list). */
dsngb_result policy_networks(struct dsngb_policy *p, struct dsng_error *err);
/* The settings that differ from the permissive base: a list of {rule,
 * value, origin, line}. */
dsngb_result policy_rules(struct dsngb_policy *p, struct dsng_error *err);
/* To whom DSN is offered at EHLO, and the classes a session falls in: a
 * list of class words ("all", "trusted", "authenticated", "tls",
 * "submission", "local"). */
dsngb_result policy_offer(struct dsngb_policy *p, struct dsng_error *err);
dsngb_result policy_classes(struct dsngb_policy *p, struct dsngb_session *s,
                            struct dsng_error *err);
/* The first enhanced status code standing alone in text, as
 * status_describe gives it plus "offset"; none when there is none. */
dsngb_result status_find(const char *buf, size_t len, struct dsng_error *err);
/* The messages of an mbox (a non-mbox is one message): a list of bytes. */
dsngb_result mbox_split(const char *buf, size_t len, struct dsng_error *err);

#endif
