/*
 * lib/cmd_parse.c - dsng_cmd_parse: framing (length, NUL, bare CR/LF),
 * the verb, and the "MAIL FROM:" / "RCPT TO:" head with its path; the
 * other steps live in cmd_verbs.c, cmd_params.c and cmd_values.c.
 */
#include <stddef.h>
#include <string.h>

#include "cmd_int.h"

const size_t dsng__cmd_sizes[DSNG_CMD_VERSION + 1] = {0,
                                                      sizeof(struct dsng_cmd)};
static const struct dsng_cmd cmd_defaults = DSNG_CMD_INIT;

static const size_t opts_sizes[] = {0, sizeof(struct dsng_cmd_opts)};
static const struct dsng_cmd_opts opts_defaults = DSNG_CMD_OPTS_INIT;

int dsng_cmd_init(struct dsng_cmd *cmd, unsigned version)
{
	return dsng__versioned_init(cmd, version, &cmd_defaults,
	                            dsng__cmd_sizes, DSNG_CMD_VERSION);
}

int dsng_cmd_opts_init(struct dsng_cmd_opts *opts, unsigned version)
{
	return dsng__versioned_init(opts, version, &opts_defaults, opts_sizes,
	                            DSNG_CMD_OPTS_VERSION);
}

int dsng__cmd_bad(struct dsng__cmd_state *st, enum dsng_errkind kind,
                  size_t off, const char *why)
{
	return dsng__fail(st->err, DSNG_ESYNTAX, kind, off, 501, "5.5.4", "%s",
	                  why);
}

/* The parser writes every field it reports, so only the scalar parts are
 * cleared: params[] and decoded[] (2.5 KiB) are filled as they are used.
 * The version stays, and so does anything past the caller's version
 * (dsng__cmd_sizes: fields of later versions follow decoded[]). */
static void reset_values(struct dsng_cmd *c)
{
	const size_t tail =
	        offsetof(struct dsng_cmd, decoded) + sizeof(c->decoded);
	const size_t size = dsng__cmd_sizes[c->version];

	dsng__zero(&c->notify, offsetof(struct dsng_cmd, decoded) -
	                               offsetof(struct dsng_cmd, notify));
	if (size > tail)
		memset((char *)c + tail, 0, size - tail);
}

static void reset(struct dsng_cmd *c)
{
	dsng__zero(&c->verb, offsetof(struct dsng_cmd, params) -
	                             offsetof(struct dsng_cmd, verb));
	reset_values(c);
}

/* Strip the CRLF and check the length. */
static int frame(struct dsng__cmd_state *st, size_t len, size_t max_line)
{
	const char *s = st->line;
	size_t n = len;

	if (n >= 2 && s[n - 2] == '\r' && s[n - 1] == '\n')
		n -= 2;
	else
		st->cmd->lax |= DSNG_CMD_LAX_NO_CRLF;
	st->end = n;
	if (n > max_line - 2) /* max_line >= 3; n + 2 could wrap */
		return dsng__fail_limit(
		        st->err, "max_line", DSNG_ERR_LINE_TOO_LONG,
		        max_line - 2, 500, "5.5.2",
		        "line longer than %zu octets", max_line);
	return DSNG_OK;
}

/* NUL, bare CR or bare LF anywhere in the line.  A MAIL/RCPT line that
 * parsed, and a HELO that hello_fast() took, had every octet checked
 * against a class that excludes them, so this runs only for other lines
 * and on failure, where it takes precedence over whatever the grammar
 * found. */
static int framing(struct dsng__cmd_state *st)
{
	const unsigned char *s = (const unsigned char *)st->line;
	size_t n = st->end, i = 0, bare = (size_t)-1;

	/* One pass: NUL, CR and LF are all below 0x0e, which
	 * dsng__find_below finds eight octets at a time; the first NUL
	 * wins over any CR or LF, the first of those is reported. */
	while ((i = dsng__find_below(s, i, n, 0x0e)) < n) {
		if (s[i] == '\0')
			return dsng__fail(st->err, DSNG_ESYNTAX,
			                  DSNG_ERR_NUL_BYTE, i, 500, "5.5.2",
			                  "NUL in command");
		if ((s[i] == '\r' || s[i] == '\n') && bare == (size_t)-1)
			bare = i;
		i++;
	}
	if (bare != (size_t)-1)
		return dsng__fail(st->err, DSNG_ESYNTAX, DSNG_ERR_BARE_CR_LF,
		                  bare, 500, "5.5.2",
		                  "bare CR or LF in command");
	return DSNG_OK;
}

/* "FROM:" / "TO:" after the verb, with the lenient spacing around it. */
static int mail_head(struct dsng__cmd_state *st, size_t *pos)
{
	const char *s = st->line;
	int rcpt = st->cmd->verb == DSNG_VERB_RCPT;
	const char *word = rcpt ? "TO" : "FROM";
	size_t wl = rcpt ? 2 : 4, i = *pos, j;

	if (i < st->end && dsng__is((unsigned char)s[i], DSNG__C_SPACE)) {
		if (dsng__cmd_strict(st))
			return dsng__cmd_bad(st, DSNG_ERR_SYNTAX, i,
			                     "one space after the verb");
		st->cmd->lax |= DSNG_CMD_LAX_MULTI_SPACE;
		while (i < st->end &&
		       dsng__is((unsigned char)s[i], DSNG__C_SPACE))
			i++;
	}
	if (st->end - i < wl + 1 || !dsng__ieq(s + i, word, wl))
		return dsng__cmd_bad(st, DSNG_ERR_SYNTAX, i,
		                     rcpt ? "expected TO:" : "expected FROM:");
	i += wl;
	if (s[i] != ':')
		return dsng__cmd_bad(
		        st, DSNG_ERR_SYNTAX, i,
		        dsng__is((unsigned char)s[i], DSNG__C_SPACE)
		                ? "no space allowed before ':'"
		                : "expected ':'");
	i++;
	for (j = i;
	     j < st->end && dsng__is((unsigned char)s[j], DSNG__C_SPACE);)
		j++;
	if (j != i) {
		if (dsng__cmd_strict(st))
			return dsng__cmd_bad(st, DSNG_ERR_SYNTAX, i,
			                     "no space allowed after ':'");
		st->cmd->lax |= DSNG_CMD_LAX_SPACE_AFTER_COLON;
	}
	*pos = j;
	return DSNG_OK;
}

static int mail_rcpt(struct dsng__cmd_state *st, size_t pos)
{
	struct dsng_cmd *c = st->cmd;
	struct dsng__addr_scan as;
	unsigned af = 0;
	unsigned lax = c->lax;
	int rc;

	if (dsng__cmd_fast(st, pos))
		return DSNG_OK;
	if (st->param_at && !c->path.has_utf8) {
		/* It declined a parameter: the layered parameter step goes
		 * on from there, once that one is uncounted (every earlier
		 * one of the line stands before it).  A UTF-8 path, whose
		 * error needs its first 8-bit octet, is parsed again. */
		pos = st->param_at;
		if (c->n_params && c->params[c->n_params - 1].offset == pos + 1)
			st->seen &= ~(1u << c->params[--c->n_params].kind);
		as.first_8bit = (size_t)-1;
		goto params;
	}
	/* Declined: undo what the one pass wrote (reset_values clears lax,
	 * which holds frame()'s NO_CRLF) and parse layer by layer. */
	reset_values(c);
	c->lax = lax;
	c->n_params = 0;
	st->seen = 0;
	rc = mail_head(st, &pos);
	if (rc != DSNG_OK)
		return rc;
	if (dsng__cmd_strict(st))
		af |= DSNG_ADDR_STRICT;
	if (c->verb == DSNG_VERB_RCPT)
		af |= DSNG_ADDR_RCPT;
	/* MAIL's SMTPUTF8 parameter comes after the path it allows. */
	if (st->flags & DSNG_CMD_UTF8)
		af |= DSNG_ADDR_UTF8;
	else if (c->verb == DSNG_VERB_MAIL)
		af |= DSNG__ADDR_UTF8_LATER;
	c->path_offset = pos;
	rc = dsng__addr_scan(&c->path, st->line, pos, st->end, af, &as,
	                     st->err);
	if (rc != DSNG_OK)
		return rc;
	c->lax |= as.lax; /* the DSNG_ADDR_LAX_* bits are the cmd ones */
	pos = as.next;
params:
	rc = dsng__cmd_params(st, pos);
	if (rc != DSNG_OK)
		return rc;
	if (c->path.has_utf8 && !c->smtputf8 && !(st->flags & DSNG_CMD_UTF8))
		return dsng__fail(st->err, DSNG_ESYNTAX,
		                  DSNG_ERR_NON_ASCII_ADDRESS, as.first_8bit,
		                  553, "5.6.7",
		                  "non-ASCII address without SMTPUTF8");
	if (st->first_8bit != (size_t)-1 && !c->smtputf8 &&
	    !(st->flags & DSNG_CMD_UTF8))
		return dsng__cmd_bad(st, DSNG_ERR_BAD_PARAM, st->first_8bit,
		                     "8-bit parameter value without SMTPUTF8");
	return DSNG_OK;
}

/*
 * The usual HELO/EHLO/LHLO line: one space, then a Domain or address
 * literal to the end of the line.  It is what dsng__cmd_verb_args takes
 * with no lax flag and in every mode (the checks below are the ones it
 * runs, and a valid name is valid with DSNG_CMD_UTF8 too); the name's
 * octets are all printable, so framing() has nothing to find.  0 when
 * dsng__cmd_verb_args must look.
 */
static int hello_fast(struct dsng__cmd_state *st, size_t k)
{
	struct dsng_cmd *c = st->cmd;
	const unsigned char *s = (const unsigned char *)st->line;
	size_t e = st->end;

	if ((c->verb != DSNG_VERB_EHLO && c->verb != DSNG_VERB_HELO &&
	     c->verb != DSNG_VERB_LHLO) ||
	    dsng__cmd_fast_off || e < k + 2 || s[k] != ' ' ||
	    dsng__is(s[k + 1], DSNG__C_SPACE) ||
	    dsng__is(s[e - 1], DSNG__C_SPACE) ||
	    (dsng__addr_domain_wide(s, k + 1, e) != e - k - 1 &&
	     dsng_addr_check_domain(st->line + k + 1, e - k - 1, 0, NULL) !=
	             DSNG_OK))
		return 0;
	c->arg.ptr = st->line + k + 1;
	c->arg.len = e - k - 1;
	st->checked = 1;
	return 1;
}

static int parse_line(struct dsng__cmd_state *st)
{
	struct dsng_cmd *out = st->cmd;
	const char *line = st->line;
	const unsigned char *u = (const unsigned char *)line;
	size_t k = 4;

	/* The usual line: four letters and a space.  A verb is found in
	 * letters only, so the scans below would stop at the same k; MAIL
	 * and RCPT, most lines, are tested here without the call. */
	if (st->end > 4 && dsng__is(u[4], DSNG__C_SPACE) &&
	    ((out->verb = dsng__cmd_verb4(u)) != DSNG_VERB_UNKNOWN))
		goto verb;
	for (k = 0; k < st->end && dsng__is(u[k], DSNG__C_SPACE);)
		k++;
	if (k == st->end)
		return dsng__fail(st->err, DSNG_ESYNTAX, DSNG_ERR_EMPTY, 0, 500,
		                  "5.5.1", "empty command");
	for (k = 0; k < st->end && !dsng__is(u[k], DSNG__C_SPACE);)
		k++;
	out->verb = dsng__cmd_verb(line, k);
verb:
	out->verb_text.ptr = line;
	out->verb_text.len = k;
	if (out->verb == DSNG_VERB_UNKNOWN)
		return dsng__fail(st->err, DSNG_ESYNTAX,
		                  DSNG_ERR_UNKNOWN_COMMAND, 0, 500, "5.5.1",
		                  "unknown command");
	if (k < st->end && line[k] == '\t') {
		if (dsng__cmd_strict(st))
			return dsng__cmd_bad(st, DSNG_ERR_SYNTAX, k,
			                     "TAB after the verb");
		out->lax |= DSNG_CMD_LAX_MULTI_SPACE;
	}
	if (out->verb == DSNG_VERB_MAIL || out->verb == DSNG_VERB_RCPT) {
		if (k == st->end)
			return dsng__cmd_bad(st, DSNG_ERR_SYNTAX, k,
			                     out->verb == DSNG_VERB_MAIL
			                             ? "expected FROM:"
			                             : "expected TO:");
		return mail_rcpt(st, k + 1);
	}
	if (hello_fast(st, k))
		return DSNG_OK;
	return dsng__cmd_verb_args(st, k);
}

int dsng_cmd_parse(struct dsng_cmd *out, const char *line, size_t len,
                   const struct dsng_cmd_opts *opts, struct dsng_error *err)
{
	struct dsng__cmd_state st;
	struct dsng_cmd_opts o;
	size_t max_line = DSNG_CMD_DEFAULT_MAX_LINE;
	int rc;

	if (!out || (!line && len))
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "NULL argument");
	/* The checks of dsng__version_ok and dsng__versioned_take, inline:
	 * this runs once per line and most callers pass no options. */
	if (out->version < 1 || out->version > DSNG_CMD_VERSION)
		return dsng__fail(
		        err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT, 0, 0, NULL,
		        "unknown struct dsng_cmd version %u", out->version);
	st.flags = 0;
	if (opts) {
		if (dsng__versioned_take(&o, opts, &opts_defaults, opts_sizes,
		                         DSNG_CMD_OPTS_VERSION) != DSNG_OK ||
		    o.max_line > DSNG_CMD_MAX_LINE_CEILING ||
		    (o.max_line && o.max_line < 3))
			return dsng__fail(err, DSNG_EINVAL,
			                  DSNG_ERR_INVALID_ARGUMENT, 0, 0, NULL,
			                  "bad dsng_cmd_opts");
		if (o.max_line)
			max_line = o.max_line;
		st.flags = o.flags;
	}
	reset(out);
	st.cmd = out;
	st.line = line;
	st.seen = 0;
	st.first_8bit = (size_t)-1;
	st.checked = 0;
	st.param_at = 0;
	st.err = err;
	if (!line)
		line = st.line = "";

	rc = frame(&st, len, max_line);
	if (rc != DSNG_OK)
		return rc;
	rc = parse_line(&st);
	if (rc != DSNG_OK || (out->verb != DSNG_VERB_MAIL &&
	                      out->verb != DSNG_VERB_RCPT && !st.checked)) {
		int frc = framing(&st);

		if (frc != DSNG_OK)
			return frc;
	}
	return rc;
}

struct dsng_param *dsng_cmd_find_param(struct dsng_cmd *cmd,
                                       enum dsng_param_kind kind)
{
	size_t i;

	if (!dsng__version_ok(cmd, DSNG_CMD_VERSION))
		return NULL;
	for (i = 0; i < cmd->n_params && i < DSNG_CMD_MAX_PARAMS; i++)
		if (cmd->params[i].kind == kind && !cmd->params[i].removed)
			return &cmd->params[i];
	return NULL;
}
