/*
 * lib/cmd_verbs.c - verb names and lookup, and the arguments of every
 * verb but MAIL and RCPT (RFC 5321 4.1.1, RFC 3030 BDAT, RFC 4954 AUTH,
 * RFC 1985 ETRN, RFC 3207 STARTTLS, RFC 2033 LHLO).
 */
#include <string.h>

#include "cmd_int.h"

static const char *const verb_names[DSNG_VERB__COUNT] = {
        [DSNG_VERB_UNKNOWN] = NULL,        [DSNG_VERB_HELO] = "HELO",
        [DSNG_VERB_EHLO] = "EHLO",         [DSNG_VERB_LHLO] = "LHLO",
        [DSNG_VERB_MAIL] = "MAIL",         [DSNG_VERB_RCPT] = "RCPT",
        [DSNG_VERB_DATA] = "DATA",         [DSNG_VERB_BDAT] = "BDAT",
        [DSNG_VERB_RSET] = "RSET",         [DSNG_VERB_VRFY] = "VRFY",
        [DSNG_VERB_EXPN] = "EXPN",         [DSNG_VERB_HELP] = "HELP",
        [DSNG_VERB_NOOP] = "NOOP",         [DSNG_VERB_QUIT] = "QUIT",
        [DSNG_VERB_STARTTLS] = "STARTTLS", [DSNG_VERB_AUTH] = "AUTH",
        [DSNG_VERB_ETRN] = "ETRN",
};

const char *dsng_cmd_verb_name(enum dsng_verb verb)
{
	if ((unsigned)verb >= DSNG_VERB__COUNT)
		return NULL;
	return verb_names[verb];
}

#define W4 DSNG__W4

enum dsng_verb dsng__cmd_verb(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	uint32_t w;

	if (n == 8)
		return dsng__ieq(p, "STARTTLS", 8) ? DSNG_VERB_STARTTLS
		                                   : DSNG_VERB_UNKNOWN;
	if (n != 4)
		return DSNG_VERB_UNKNOWN;
	/* Clearing bit 5 upper-cases letters and maps no other octet onto a
	 * letter, so one compare per verb is exact. */
	w = W4(s[0], s[1], s[2], s[3]) & 0xdfdfdfdfu;
	switch (w) {
	case W4('M', 'A', 'I', 'L'):
		return DSNG_VERB_MAIL;
	case W4('R', 'C', 'P', 'T'):
		return DSNG_VERB_RCPT;
	case W4('H', 'E', 'L', 'O'):
		return DSNG_VERB_HELO;
	case W4('E', 'H', 'L', 'O'):
		return DSNG_VERB_EHLO;
	case W4('L', 'H', 'L', 'O'):
		return DSNG_VERB_LHLO;
	case W4('D', 'A', 'T', 'A'):
		return DSNG_VERB_DATA;
	case W4('B', 'D', 'A', 'T'):
		return DSNG_VERB_BDAT;
	case W4('R', 'S', 'E', 'T'):
		return DSNG_VERB_RSET;
	case W4('V', 'R', 'F', 'Y'):
		return DSNG_VERB_VRFY;
	case W4('E', 'X', 'P', 'N'):
		return DSNG_VERB_EXPN;
	case W4('H', 'E', 'L', 'P'):
		return DSNG_VERB_HELP;
	case W4('N', 'O', 'O', 'P'):
		return DSNG_VERB_NOOP;
	case W4('Q', 'U', 'I', 'T'):
		return DSNG_VERB_QUIT;
	case W4('A', 'U', 'T', 'H'):
		return DSNG_VERB_AUTH;
	case W4('E', 'T', 'R', 'N'):
		return DSNG_VERB_ETRN;
	default:
		return DSNG_VERB_UNKNOWN;
	}
}

static int bdat_args(struct dsng__cmd_state *st, size_t a, size_t e)
{
	const char *s = st->line;
	size_t i = a;
	int rc;

	while (i < e && s[i] >= '0' && s[i] <= '9')
		i++;
	rc = dsng__parse_u64(s + a, i - a, 20, &st->cmd->bdat_size);
	if (rc == -2 && i - a <= 20)
		return dsng__cmd_bad(st, DSNG_ERR_SYNTAX, a,
		                     "BDAT chunk size is larger than 2^64-1 "
		                     "(18446744073709551615)");
	if (rc != 0)
		return dsng__cmd_bad(st, DSNG_ERR_SYNTAX, a,
		                     "bad BDAT chunk size");
	if (i == e)
		return DSNG_OK;
	if (s[i] != ' ' ||
	    (i + 1 < e && s[i + 1] == ' ' && dsng__cmd_strict(st)))
		return dsng__cmd_bad(st, DSNG_ERR_SYNTAX, i,
		                     "expected one space before LAST");
	while (i < e && dsng__is((unsigned char)s[i], DSNG__C_SPACE))
		i++;
	if (e - i != 4 || !dsng__ieq(s + i, "LAST", 4))
		return dsng__cmd_bad(st, DSNG_ERR_SYNTAX, i, "expected LAST");
	st->cmd->bdat_last = true;
	return DSNG_OK;
}

int dsng__cmd_verb_args(struct dsng__cmd_state *st, size_t pos)
{
	struct dsng_cmd *c = st->cmd;
	const char *s = st->line;
	size_t a = pos, e = st->end;
	int rc;

	/* The argument is what follows the separator, trailing space cut. */
	while (e > a && dsng__is((unsigned char)s[e - 1], DSNG__C_SPACE))
		e--;
	if (e < st->end) {
		if (dsng__cmd_strict(st))
			return dsng__cmd_bad(st, DSNG_ERR_SYNTAX, e,
			                     "trailing space");
		c->lax |= DSNG_CMD_LAX_TRAILING_SPACE;
	}
	if (a < e && ++a < e && dsng__is((unsigned char)s[a], DSNG__C_SPACE)) {
		if (dsng__cmd_strict(st))
			return dsng__cmd_bad(st, DSNG_ERR_SYNTAX, a,
			                     "one space after the verb");
		c->lax |= DSNG_CMD_LAX_MULTI_SPACE;
		while (a < e && dsng__is((unsigned char)s[a], DSNG__C_SPACE))
			a++;
	}
	if (a < e) {
		c->arg.ptr = s + a;
		c->arg.len = e - a;
	}

	switch (c->verb) {
	case DSNG_VERB_DATA:
	case DSNG_VERB_RSET:
	case DSNG_VERB_QUIT:
	case DSNG_VERB_STARTTLS:
		if (a < e)
			return dsng__cmd_bad(st, DSNG_ERR_SYNTAX, a,
			                     "this command takes no argument");
		return DSNG_OK;
	case DSNG_VERB_NOOP:
	case DSNG_VERB_HELP:
		return DSNG_OK;
	case DSNG_VERB_HELO:
	case DSNG_VERB_EHLO:
	case DSNG_VERB_LHLO: {
		struct dsng_error tmp = DSNG_ERROR_INIT;

		if (a == e)
			return dsng__cmd_bad(st, DSNG_ERR_SYNTAX, e,
			                     "a domain is required");
		rc = dsng_addr_check_domain(
		        s + a, e - a,
		        (st->flags & DSNG_CMD_UTF8) ? DSNG_ADDR_UTF8 : 0, &tmp);
		if (rc == DSNG_OK)
			return DSNG_OK;
		if (dsng__cmd_strict(st))
			return dsng__cmd_bad(st, DSNG_ERR_SYNTAX,
			                     a + tmp.offset,
			                     "not a domain or address literal");
		c->lax |= DSNG_CMD_LAX_BAD_HELO;
		return DSNG_OK;
	}
	case DSNG_VERB_BDAT:
		if (a == e)
			return dsng__cmd_bad(st, DSNG_ERR_SYNTAX, e,
			                     "a chunk size is required");
		return bdat_args(st, a, e);
	default: /* VRFY, EXPN, AUTH, ETRN */
		if (a == e)
			return dsng__cmd_bad(st, DSNG_ERR_SYNTAX, e,
			                     "an argument is required");
		return DSNG_OK;
	}
}
