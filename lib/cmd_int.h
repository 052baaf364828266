/*
 * lib/cmd_int.h - what the files of the smtp_cmd part share: the parse
 * state, the versions of struct dsng_cmd, and the steps dsng_cmd_parse
 * runs (verb arguments, parameters, parameter values).
 */
#ifndef DSNG_CMD_INT_H
#define DSNG_CMD_INT_H

#include <stddef.h>

#include "chars.h"
#include "addr_int.h"

/*
 * The one place that decides which fields a caller's struct dsng_cmd has:
 * version v is the first dsng__cmd_sizes[v] octets of the current layout
 * (fields are only appended), so field f exists iff DSNG__CMD_HAS(c, f).
 * Version 1 has every field, so today the parser writes, and the
 * formatter reads, all of them; a field added by a later version is
 * written and read only under DSNG__CMD_HAS.  Callers check the version
 * first (dsng__version_ok(c, DSNG_CMD_VERSION)).
 */
extern const size_t dsng__cmd_sizes[DSNG_CMD_VERSION + 1];
#define DSNG__CMD_HAS(c, f)                                                    \
	(offsetof(struct dsng_cmd, f) + sizeof((c)->f) <=                      \
	 dsng__cmd_sizes[(c)->version])

/* One parse in progress. */
struct dsng__cmd_state {
	struct dsng_cmd *cmd;
	const char *line;  /* the caller's line */
	size_t end;        /* octets before the CRLF */
	unsigned flags;    /* DSNG_CMD_STRICT, DSNG_CMD_UTF8 */
	unsigned seen;     /* 1 << dsng_param_kind of the known ones seen */
	size_t first_8bit; /* first 8-bit octet in an unknown value, or -1 */
	int checked;       /* every octet was checked against a class that
	                      has no NUL, CR or LF: framing() need not run */
	size_t param_at;   /* where dsng__cmd_fast's last parameter began,
	                      or 0 */
	struct dsng_error *err;
};

static inline int dsng__cmd_strict(const struct dsng__cmd_state *st)
{
	return (st->flags & DSNG_CMD_STRICT) != 0;
}

/* Verb of the 4- or 8-octet token at p, case-insensitive; UNKNOWN if none. */
enum dsng_verb dsng__cmd_verb(const char *p, size_t n);

#define DSNG__W4(a, b, c, d)                                                   \
	((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 |            \
	 (uint32_t)(d) << 24)

/* dsng__cmd_verb of four octets, MAIL and RCPT (most lines) tested
 * inline: clearing bit 5 upper-cases letters and maps no other octet
 * onto one, so a verb is only ever found in four letters. */
static inline enum dsng_verb dsng__cmd_verb4(const unsigned char *s)
{
	uint32_t w = DSNG__W4(s[0], s[1], s[2], s[3]) & 0xdfdfdfdfu;

	if (w == DSNG__W4('R', 'C', 'P', 'T'))
		return DSNG_VERB_RCPT;
	if (w == DSNG__W4('M', 'A', 'I', 'L'))
		return DSNG_VERB_MAIL;
	return dsng__cmd_verb((const char *)s, 4);
}

/* Parameter kind of a keyword, case-insensitive; OTHER if unknown. */
enum dsng_param_kind dsng__cmd_param_kind(const char *p, size_t n);

/* Arguments of every verb but MAIL and RCPT, from offset pos (just after
 * the verb). */
int dsng__cmd_verb_args(struct dsng__cmd_state *st, size_t pos);

/* The [SP Mail-parameters] tail of MAIL/RCPT from offset pos. */
int dsng__cmd_params(struct dsng__cmd_state *st, size_t pos);

/* Check and decode the value of known parameter p. */
int dsng__cmd_value(struct dsng__cmd_state *st, const struct dsng_param *p);

/* The NOTIFY bits of the usual lists (exact words, no empty item), or 0
 * when notify() must parse and report it in full. */
unsigned dsng__cmd_notify_fast(const char *v, size_t n);

/*
 * The whole MAIL/RCPT line from pos (just after "MAIL " / "RCPT ") in
 * one pass (cmd_fast.c): 1 when it parsed, every field written as the
 * layered parser writes it; 0 when that parser must run instead (the
 * fields it may have written are the ones reset_values() clears, plus
 * path, n_params and st->seen).  Lenient mode without options only.
 * When it declined a parameter (st->param_at set, at its space), the
 * head, the path and the parameters before it are as the layered parser
 * leaves them but for that one's count in n_params and seen, and no
 * value it decoded was taken into decoded_len: the layered parameter
 * step may go on from there (mail_rcpt()).
 * dsng__cmd_fast_off, for tests, sends every line to the layered parser
 * (this one and the HELO/EHLO/LHLO shortcut of cmd_parse.c).
 */
int dsng__cmd_fast(struct dsng__cmd_state *st, size_t pos);
extern int dsng__cmd_fast_off;

/* Fail with a 501 5.5.4 of the given kind (bad_param, bad_notify, ...). */
int dsng__cmd_bad(struct dsng__cmd_state *st, enum dsng_errkind kind,
                  size_t off, const char *why);

#endif /* DSNG_CMD_INT_H */
