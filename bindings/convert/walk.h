/*
 * bindings/convert/walk.h - the value model of libdsnguard's results,
 * written once: a walk over each parsed C struct that builds maps, lists,
 * strings and numbers through a struct dsngb_builder.  The Python and Perl
 * bindings supply builders that make native objects; the dsnguard CLI
 * supplies one that makes jansson values, so the JSON and the script
 * objects have the same keys by construction.
 */
#ifndef DSNGB_WALK_H
#define DSNGB_WALK_H

#include <stddef.h>

#include <dsnguard/dsnguard.h>

/* A constructor may fail (out of memory) and return NULL: map_set and
 * list_push then get a NULL val and must cope (the language's builder
 * records the failure, see dsngb_native_failed in api.h). */
struct dsngb_builder {
	void *(*map_new)(void);
	void *(*list_new)(void);
	/* Both take ownership of val. */
	void (*map_set)(void *map, const char *key, void *val);
	void (*list_push)(void *list, void *val);
	/* Bytes as a text string; invalid UTF-8 is replaced (U+FFFD). */
	void *(*str)(const char *p, size_t n);
	void *(*integer)(long long v);
	void *(*boolean)(int v);
	void *(*none)(void);
	/* An unsigned 64-bit number, exactly (SIZE=18446744073709551615):
	 * integer() is signed, so every uint64_t field goes through this. */
	void *(*uinteger)(unsigned long long v);
	/* Optional (NULL: map_new): a map about to get n keys, so a builder
	 * can size it once (Python's dict would otherwise resize twice for
	 * a parse_cmd result). */
	void *(*map_new_n)(size_t n);
};

/* b's map for n keys. */
static inline void *dsngb_map_new(const struct dsngb_builder *b, size_t n)
{
	return b->map_new_n ? b->map_new_n(n) : b->map_new();
}

/* A NUL-terminated string, or none for NULL. */
void *dsngb_cstr(const struct dsngb_builder *b, const char *s);

/* NOTIFY bits (DSNG_NOTIFY_*) as a list of keywords in the order
 * dsng_notify_format writes them ("SUCCESS", "FAILURE", "DELAY", or
 * "NEVER"); an empty list for 0. */
void *dsngb_notify_list(const struct dsngb_builder *b, unsigned bits);

/* Add the keys of `dsnguard parse-cmd --json` for a parsed command to map
 * m ("verb" ... "canonical"; not "ok" or "input"). */
void dsngb_cmd_fill(const struct dsngb_builder *b, void *m,
                    const struct dsng_cmd *c, const char *canonical);

/* The top-level keys of a command's map, one value each: the Python
 * binding builds a value only when it is read (python/lazy.c). */
enum dsngb_cmd_key {
	DSNGB_CMD_VERB,
	DSNGB_CMD_PATH,
	DSNGB_CMD_LOCAL,
	DSNGB_CMD_DOMAIN,
	DSNGB_CMD_ROUTE,
	DSNGB_CMD_PARAMS,
	DSNGB_CMD_NOTIFY,
	DSNGB_CMD_ORCPT,
	DSNGB_CMD_RET,
	DSNGB_CMD_ENVID,
	DSNGB_CMD_SIZE,
	DSNGB_CMD_BODY,
	DSNGB_CMD_SMTPUTF8,
	DSNGB_CMD_HOLDFOR,
	DSNGB_CMD_ARG,
	DSNGB_CMD_CHUNK_SIZE,
	DSNGB_CMD_LAST,
	DSNGB_CMD_CANONICAL,
	DSNGB_CMD__KEYS
};
/* The key text of each enum dsngb_cmd_key. */
extern const char *const dsngb_cmd_key_names[DSNGB_CMD__KEYS];
/* A verb's keys in dsngb_cmd_fill's order, ended by DSNGB_CMD__KEYS. */
const unsigned char *dsngb_cmd_keys(enum dsng_verb verb);
/* The value of one key for c (canonical: the command written back, only
 * read for DSNGB_CMD_CANONICAL). */
void *dsngb_cmd_value(const struct dsngb_builder *b, const struct dsng_cmd *c,
                      unsigned key, const char *canonical);

/* A report's top-level keys, in dsngb_report_fill's order (NULL-ended),
 * and the value of the i-th alone, for the same lazy building. */
extern const char *const dsngb_report_keys[];
void *dsngb_report_value(const struct dsngb_builder *b,
                         const struct dsng_report *r, unsigned i);

/* Add the keys of `dsnguard parse-report --json` for a parsed report
 * (kind none too) to map m ("kind" ... "problems"; not "ok" or "file"). */
void dsngb_report_fill(const struct dsngb_builder *b, void *m,
                       const struct dsng_report *r);

/* Add the keys of `dsnguard parse-ehlo --json` for a parsed EHLO reply to
 * map m ("code" ... "futurerelease_max_datetime"; not "ok"). */
void dsngb_ehlo_fill(const struct dsngb_builder *b, void *m,
                     const struct dsng_ehlo *c);

/* Add the keys of a decision of `dsnguard audit --json` to map m:
 * "action", "reason", "rule" ("origin:line:rule"), "reply" (refusals
 * only, else none), "notify" (the bits given, as a list), "compliance",
 * "rewritten" (none unless changed); with bounce, also "verdict". */
void dsngb_decision_fill(const struct dsngb_builder *b, void *m,
                         const struct dsng_decision *d, unsigned notify,
                         int bounce);

/* The texts of a decision's "rule" and "reply" (dsngb_decision_fill's)
 * written into buf (cap bytes, cut at cap - 1, not NUL-terminated): the
 * rule's length; for the reply 1 with *len set, or 0 when the decision
 * has none (not a refusal).  For builders that fill their own objects. */
#define DSNGB_RULE_MAX 512
#define DSNGB_REPLY_MAX (DSNG_DECISION_REPLY_MAX + 32)
size_t dsngb_decision_rule(char *buf, size_t cap,
                           const struct dsng_decision *d);
int dsngb_decision_reply(char *buf, size_t cap, size_t *len,
                         const struct dsng_decision *d);

/* Add an enhanced status code's keys to map m: "code" ("5.1.1"),
 * "class", "subject", "detail" (numbers), "class_name", "subject_name",
 * "registered" (in the IANA registry), "description". */
void dsngb_status_fill(const struct dsngb_builder *b, void *m,
                       const struct dsng_status_code *c);

/* Add a parsed server reply's keys to map m: "code", "enhanced" (the
 * first line's code or none), "lines" (each "text", "message" without
 * the enhanced code, "enhanced", "offset"), "text" (the lines' messages
 * joined by "\n"), "length", "unterminated". */
void dsngb_reply_fill(const struct dsngb_builder *b, void *m,
                      const struct dsng_reply *r, const char *text);

/* Add the keys of `dsnguard probe --json` for a probe's result to map m
 * ("ok" ... "error", then "tls", "starttls", "source"); host as given,
 * source NULL when none was bound. */
void dsngb_probe_fill(const struct dsngb_builder *b, void *m,
                      const struct dsng_probe_result *r, const char *host,
                      unsigned port, const char *source);

/* Length of buf without the blank lines that pasted EHLO replies often
 * end with (the reply parser would call them text after the final line). */
size_t dsngb_trim_blank_tail(const char *buf, size_t len);

#endif
