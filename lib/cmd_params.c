/*
 * lib/cmd_params.c - the [SP Mail-parameters] / [SP Rcpt-parameters] tail
 * (RFC 5321 4.1.2 esmtp-param): split into keyword and value, classify,
 * refuse wrong-command, duplicate and malformed parameters, then hand the
 * value of a known one to cmd_values.c.
 */
#include <string.h>

#include "cmd_int.h"

static const char *const param_names[DSNG_PARAM__COUNT] = {
        [DSNG_PARAM_OTHER] = NULL,
        [DSNG_PARAM_NOTIFY] = "NOTIFY",
        [DSNG_PARAM_ORCPT] = "ORCPT",
        [DSNG_PARAM_RET] = "RET",
        [DSNG_PARAM_ENVID] = "ENVID",
        [DSNG_PARAM_SIZE] = "SIZE",
        [DSNG_PARAM_BODY] = "BODY",
        [DSNG_PARAM_SMTPUTF8] = "SMTPUTF8",
        [DSNG_PARAM_AUTH] = "AUTH",
        [DSNG_PARAM_REQUIRETLS] = "REQUIRETLS",
        [DSNG_PARAM_MT_PRIORITY] = "MT-PRIORITY",
        [DSNG_PARAM_BY] = "BY",
        [DSNG_PARAM_HOLDFOR] = "HOLDFOR",
        [DSNG_PARAM_HOLDUNTIL] = "HOLDUNTIL",
        [DSNG_PARAM_RRVS] = "RRVS",
};

static const unsigned char name_len[DSNG_PARAM__COUNT] = {
        0, 6, 5, 3, 5, 4, 4, 8, 4, 10, 11, 2, 7, 9, 4,
};

/* Parameters that belong to RCPT; every other known one belongs to MAIL. */
#define RCPT_PARAMS                                                            \
	(1u << DSNG_PARAM_NOTIFY | 1u << DSNG_PARAM_ORCPT |                    \
	 1u << DSNG_PARAM_RRVS)
/* Parameters that never take a value. */
#define VALUELESS (1u << DSNG_PARAM_SMTPUTF8 | 1u << DSNG_PARAM_REQUIRETLS)
#define HOLD (1u << DSNG_PARAM_HOLDFOR | 1u << DSNG_PARAM_HOLDUNTIL)

const char *dsng_cmd_param_name(enum dsng_param_kind kind)
{
	if ((unsigned)kind >= DSNG_PARAM__COUNT)
		return NULL;
	return param_names[kind];
}

enum dsng_param_kind dsng__cmd_param_kind(const char *p, size_t n)
{
	enum dsng_param_kind k;

	/* The first letter picks at most three candidates. */
	switch (p[0] | 0x20) {
	case 'n':
		k = DSNG_PARAM_NOTIFY;
		break;
	case 'o':
		k = DSNG_PARAM_ORCPT;
		break;
	case 'e':
		k = DSNG_PARAM_ENVID;
		break;
	case 'b':
		k = n == 2 ? DSNG_PARAM_BY : DSNG_PARAM_BODY;
		break;
	case 'm':
		k = DSNG_PARAM_MT_PRIORITY;
		break;
	case 'a':
		k = DSNG_PARAM_AUTH;
		break;
	case 'r':
		k = n == 3   ? DSNG_PARAM_RET
		    : n == 4 ? DSNG_PARAM_RRVS
		             : DSNG_PARAM_REQUIRETLS;
		break;
	case 's':
		k = n == 4 ? DSNG_PARAM_SIZE : DSNG_PARAM_SMTPUTF8;
		break;
	case 'h':
		k = n == 7 ? DSNG_PARAM_HOLDFOR : DSNG_PARAM_HOLDUNTIL;
		break;
	default:
		return DSNG_PARAM_OTHER;
	}
	/* p holds esmtp-keyword octets only, where dsng__ieq_w is exact. */
	if (n != name_len[k])
		return DSNG_PARAM_OTHER;
	return (n >= 4 ? dsng__ieq_w(p, param_names[k], n)
	               : dsng__ieq(p, param_names[k], n))
	               ? k
	               : DSNG_PARAM_OTHER;
}

/* A value of an unknown parameter: esmtp-value, UTF-8 allowed later. */
static int other_value(struct dsng__cmd_state *st, size_t vs, size_t ve)
{
	const unsigned char *s = (const unsigned char *)st->line;
	size_t i;

	for (i = vs; (i = dsng__skip(s, i, ve, DSNG__C_VALUE)) < ve; i++) {
		if (s[i] >= 0x80) {
			if (st->first_8bit == (size_t)-1)
				st->first_8bit = i;
			continue;
		}
		return dsng__cmd_bad(
		        st, DSNG_ERR_BAD_PARAM, i,
		        "character not allowed in a parameter value");
	}
	return DSNG_OK;
}

static int one_param(struct dsng__cmd_state *st, size_t t, size_t *next)
{
	struct dsng_cmd *c = st->cmd;
	const unsigned char *s = (const unsigned char *)st->line;
	size_t ke = t, ve, e = st->end;
	struct dsng_param *p;
	unsigned bit;

	if (!dsng__is(s[t], DSNG__C_LETDIG))
		return dsng__cmd_bad(st, DSNG_ERR_BAD_PARAM, t,
		                     s[t] == '=' ? "parameter without a keyword"
		                                 : "bad parameter keyword");
	ke = dsng__skip(s, ke, e, DSNG__C_KEY);
	ve = ke;
	if (ke < e && s[ke] == '=') {
		ve = ke + 1;
		/* Octets above SP never end a value: skip them eight at a
		 * time, then finish one by one (CTLs other than TAB stay in
		 * the value for its checker to refuse). */
		ve = dsng__skip_above_sp(s, ve, e);
		while (ve < e && !dsng__is(s[ve], DSNG__C_SPACE))
			ve++;
		if (ve == ke + 1)
			return dsng__cmd_bad(st, DSNG_ERR_BAD_PARAM, t,
			                     "empty parameter value");
	} else if (ke < e && !dsng__is(s[ke], DSNG__C_SPACE)) {
		return dsng__cmd_bad(st, DSNG_ERR_BAD_PARAM, ke,
		                     "bad character in parameter keyword");
	}
	if (c->n_params >= DSNG_CMD_MAX_PARAMS)
		return dsng__fail_limit(st->err, "max_params",
		                        DSNG_ERR_TOO_MANY_PARAMS, t, 501,
		                        "5.5.4", "more than %d parameters",
		                        DSNG_CMD_MAX_PARAMS);
	p = &c->params[c->n_params++];
	p->kind = dsng__cmd_param_kind(st->line + t, ke - t);
	p->keyword.ptr = st->line + t;
	p->keyword.len = ke - t;
	p->value.ptr = ve > ke ? st->line + ke + 1 : NULL;
	p->value.len = ve > ke ? ve - ke - 1 : 0;
	p->offset = t;
	p->removed = false;
	*next = ve;

	if (p->kind == DSNG_PARAM_OTHER)
		return ve > ke ? other_value(st, ke + 1, ve) : DSNG_OK;
	bit = 1u << p->kind;
	if (((RCPT_PARAMS & bit) != 0) != (c->verb == DSNG_VERB_RCPT))
		return dsng__fail(
		        st->err, DSNG_ESYNTAX, DSNG_ERR_PARAM_NOT_ALLOWED, t,
		        555, "5.5.4", "%s is not allowed on %s",
		        param_names[p->kind], dsng_cmd_verb_name(c->verb));
	if (st->seen & bit)
		return dsng__fail(st->err, DSNG_ESYNTAX,
		                  DSNG_ERR_DUPLICATE_PARAM, t, 501, "5.5.4",
		                  "duplicate %s", param_names[p->kind]);
	if ((bit & HOLD) && (st->seen & HOLD))
		return dsng__cmd_bad(
		        st, DSNG_ERR_BAD_HOLD, t,
		        "HOLDFOR and HOLDUNTIL exclude each other");
	st->seen |= bit;
	if (bit & VALUELESS) {
		if (p->value.ptr)
			return dsng__cmd_bad(st, DSNG_ERR_BAD_PARAM, t,
			                     "this parameter takes no value");
	} else if (!p->value.ptr) {
		return dsng__cmd_bad(st, DSNG_ERR_BAD_PARAM, t,
		                     "this parameter needs a value");
	}
	return dsng__cmd_value(st, p);
}

int dsng__cmd_params(struct dsng__cmd_state *st, size_t pos)
{
	const unsigned char *s = (const unsigned char *)st->line;
	size_t i = pos, j, e = st->end;
	int rc;

	while (i < e) {
		if (!dsng__is(s[i], DSNG__C_SPACE))
			return dsng__cmd_bad(
			        st, DSNG_ERR_SYNTAX, i,
			        "expected a space before parameters");
		for (j = i + 1; j < e && dsng__is(s[j], DSNG__C_SPACE);)
			j++;
		if (j == e) {
			if (dsng__cmd_strict(st))
				return dsng__cmd_bad(st, DSNG_ERR_SYNTAX, i,
				                     "trailing space");
			st->cmd->lax |= DSNG_CMD_LAX_TRAILING_SPACE;
			break;
		}
		if (j - i > 1 || s[i] == '\t') {
			if (dsng__cmd_strict(st))
				return dsng__cmd_bad(st, DSNG_ERR_SYNTAX, i,
				                     "parameters are separated "
				                     "by one space");
			st->cmd->lax |= DSNG_CMD_LAX_MULTI_SPACE;
		}
		rc = one_param(st, j, &i);
		if (rc != DSNG_OK)
			return rc;
	}
	return DSNG_OK;
}
