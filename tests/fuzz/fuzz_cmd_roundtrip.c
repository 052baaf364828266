/*
 * tests/fuzz/fuzz_cmd_roundtrip.c - a property of the command writer: for
 * every line that parses (in the mode the first input byte picks),
 * parse -> dsng_cmd_format -> parse gives the same command, field by
 * field (verb, path, every parameter, every decoded value), the second
 * parse succeeds in the same mode, records no leniency the line did not
 * have, and writing it again gives the same text.
 */
#include <stdlib.h>
#include <string.h>

#include <talloc.h>

#include "dsnguard/dsnguard.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static struct dsng_cmd cmd = DSNG_CMD_INIT, again = DSNG_CMD_INIT;

static int span_eq(struct dsng_span a, struct dsng_span b)
{
	return a.len == b.len &&
	       (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static int span_ieq(struct dsng_span a, struct dsng_span b)
{
	size_t i;

	if (a.len != b.len)
		return 0;
	for (i = 0; i < a.len; i++) {
		unsigned char x = (unsigned char)a.ptr[i];
		unsigned char y = (unsigned char)b.ptr[i];
		if (x >= 'a' && x <= 'z')
			x = (unsigned char)(x - 32);
		if (y >= 'a' && y <= 'z')
			y = (unsigned char)(y - 32);
		if (x != y)
			return 0;
	}
	return 1;
}

static int same_path(const struct dsng_path *a, const struct dsng_path *b)
{
	return span_eq(a->mailbox, b->mailbox) && span_eq(a->local, b->local) &&
	       span_eq(a->domain, b->domain) && span_eq(a->route, b->route) &&
	       a->is_null == b->is_null &&
	       a->is_postmaster == b->is_postmaster &&
	       a->has_utf8 == b->has_utf8;
}

static int same_params(const struct dsng_cmd *a, const struct dsng_cmd *b)
{
	size_t i;

	if (a->n_params != b->n_params)
		return 0;
	for (i = 0; i < a->n_params; i++) {
		const struct dsng_param *p = &a->params[i], *q = &b->params[i];
		if (p->kind != q->kind || !span_ieq(p->keyword, q->keyword) ||
		    (p->value.ptr == NULL) != (q->value.ptr == NULL) ||
		    !span_eq(p->value, q->value) || q->removed)
			return 0;
	}
	return 1;
}

static int same_values(const struct dsng_cmd *a, const struct dsng_cmd *b)
{
	return a->notify == b->notify && a->has_orcpt == b->has_orcpt &&
	       span_eq(a->orcpt_type, b->orcpt_type) &&
	       span_eq(a->orcpt_addr, b->orcpt_addr) && a->ret == b->ret &&
	       a->has_envid == b->has_envid && span_eq(a->envid, b->envid) &&
	       a->has_size == b->has_size && a->size == b->size &&
	       a->body == b->body && a->smtputf8 == b->smtputf8 &&
	       a->requiretls == b->requiretls && a->has_auth == b->has_auth &&
	       span_eq(a->auth, b->auth) &&
	       a->has_mt_priority == b->has_mt_priority &&
	       a->mt_priority == b->mt_priority && a->has_by == b->has_by &&
	       a->by_time == b->by_time && a->by_mode == b->by_mode &&
	       a->by_trace == b->by_trace && a->has_holdfor == b->has_holdfor &&
	       a->holdfor == b->holdfor &&
	       a->has_holduntil == b->has_holduntil &&
	       span_eq(a->holduntil, b->holduntil) &&
	       a->has_rrvs == b->has_rrvs && span_eq(a->rrvs, b->rrvs) &&
	       a->rrvs_mode == b->rrvs_mode;
}

/* Leniencies the canonical form removes or cannot lose. */
#define GONE                                                                   \
	(DSNG_CMD_LAX_SPACE_AFTER_COLON | DSNG_CMD_LAX_MULTI_SPACE |           \
	 DSNG_CMD_LAX_TRAILING_SPACE | DSNG_CMD_LAX_NO_BRACKETS)

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct dsng_cmd_opts o = DSNG_CMD_OPTS_INIT;
	struct dsng_error err = DSNG_ERROR_INIT;
	char *buf, *s, *s2;
	unsigned flags;

	if (size < 1)
		return 0;
	flags = data[0] & (DSNG_CMD_STRICT | DSNG_CMD_UTF8);
	buf = fuzz_copy(data + 1, size - 1);
	o.flags = flags;
	if (dsng_cmd_parse(&cmd, buf, size - 1, &o, &err) != DSNG_OK)
		goto out;
	s = dsng_cmd_format(NULL, &cmd);
	if (!s)
		abort();
	/* canonical adds brackets, so it may be longer than the line */
	o.max_line = DSNG_CMD_MAX_LINE_CEILING;
	if (dsng_cmd_parse(&again, s, strlen(s), &o, &err) != DSNG_OK)
		abort();
	/* BDAT's arg is the raw text behind bdat_size and bdat_last, which
	 * the writer normalises ("0999  last" -> "999 LAST"): the decoded
	 * fields are compared instead */
	if (again.verb != cmd.verb ||
	    !span_ieq(again.verb_text, cmd.verb_text) ||
	    (cmd.verb != DSNG_VERB_BDAT && !span_eq(again.arg, cmd.arg)) ||
	    again.bdat_size != cmd.bdat_size ||
	    again.bdat_last != cmd.bdat_last ||
	    !same_path(&again.path, &cmd.path) || !same_params(&cmd, &again) ||
	    !same_values(&cmd, &again))
		abort();
	/* nothing lenient appears that the line did not have (the missing
	 * CRLF is the formatter's: it writes none) */
	if (again.lax & ~(cmd.lax | DSNG_CMD_LAX_NO_CRLF))
		abort();
	if (again.lax & GONE)
		abort();
	s2 = dsng_cmd_format(NULL, &again);
	if (!s2 || strcmp(s, s2) != 0)
		abort();
	talloc_free(s2);
	talloc_free(s);
out:
	free(buf);
	return 0;
}
