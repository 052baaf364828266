/*
 * lib/cmd_int.h - what the files of the smtp_cmd part share: the parse
 * state, and the steps dsng_cmd_parse runs (verb arguments, parameters,
 * parameter values).
 */
#ifndef DSNG_CMD_INT_H
#define DSNG_CMD_INT_H

#include "addr_int.h"

/* One parse in progress. */
struct dsng__cmd_state {
	struct dsng_cmd *cmd;
	const char *line;  /* the caller's line */
	size_t end;        /* octets before the CRLF */
	unsigned flags;    /* DSNG_CMD_STRICT, DSNG_CMD_UTF8 */
	unsigned seen;     /* 1 << dsng_param_kind of the known ones seen */
	size_t first_8bit; /* first 8-bit octet in an unknown value, or -1 */
	struct dsng_error *err;
};

static inline int dsng__cmd_strict(const struct dsng__cmd_state *st)
{
	return (st->flags & DSNG_CMD_STRICT) != 0;
}

/* Verb of the 4- or 8-octet token at p, case-insensitive; UNKNOWN if none. */
enum dsng_verb dsng__cmd_verb(const char *p, size_t n);

/* Parameter kind of a keyword, case-insensitive; OTHER if unknown. */
enum dsng_param_kind dsng__cmd_param_kind(const char *p, size_t n);

/* Arguments of every verb but MAIL and RCPT, from offset pos (just after
 * the verb). */
int dsng__cmd_verb_args(struct dsng__cmd_state *st, size_t pos);

/* The [SP Mail-parameters] tail of MAIL/RCPT from offset pos. */
int dsng__cmd_params(struct dsng__cmd_state *st, size_t pos);

/* Check and decode the value of known parameter p. */
int dsng__cmd_value(struct dsng__cmd_state *st, const struct dsng_param *p);

/* Fail with a 501 5.5.4 of the given kind (bad_param, bad_notify, ...). */
int dsng__cmd_bad(struct dsng__cmd_state *st, enum dsng_errkind kind,
                  size_t off, const char *why);

#endif /* DSNG_CMD_INT_H */
