/*
 * lib/cmd_format.c - write a parsed (and maybe rewritten) command back in
 * canonical form: upper-case verb and keywords, "FROM:<...>" with no
 * space, single spaces, values as they are.  The arguments of every other
 * verb (BDAT's size and LAST too) are written as sent.
 */
#include <string.h>

#include "cmd_int.h"

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, const char *p, size_t n)
{
	if (n == 0)
		return; /* p may be NULL in a zeroed struct */
	if (o->len < o->size) {
		size_t room = o->size - o->len;

		memcpy(o->buf + o->len, p, n < room ? n : room);
	}
	o->len += n;
}

static void put_upper(struct out *o, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char ch = p[i];

		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 32);
		put(o, &ch, 1);
	}
}

static void put_params(struct out *o, const struct dsng_cmd *cmd)
{
	size_t i;

	for (i = 0; i < cmd->n_params && i < DSNG_CMD_MAX_PARAMS; i++) {
		const struct dsng_param *p = &cmd->params[i];
		const char *name = dsng_cmd_param_name(p->kind);

		if (p->removed)
			continue;
		put(o, " ", 1);
		if (name)
			put(o, name, strlen(name));
		else
			put_upper(o, p->keyword.ptr, p->keyword.len);
		if (p->value.ptr) {
			put(o, "=", 1);
			put(o, p->value.ptr, p->value.len);
		}
	}
}

size_t dsng_cmd_format_buf(char *buf, size_t size, const struct dsng_cmd *cmd)
{
	struct out o = {buf, size ? size - 1 : 0, 0};
	const char *verb;

	/* Version 1 has every field written below (cmd_int.h). */
	if (!dsng__version_ok(cmd, DSNG_CMD_VERSION)) {
		if (size)
			buf[0] = '\0';
		return 0;
	}
	verb = dsng_cmd_verb_name(cmd->verb);
	if (verb)
		put(&o, verb, strlen(verb));
	else
		put_upper(&o, cmd->verb_text.ptr, cmd->verb_text.len);

	switch (cmd->verb) {
	case DSNG_VERB_MAIL:
	case DSNG_VERB_RCPT:
		if (cmd->verb == DSNG_VERB_MAIL)
			put(&o, " FROM:", 6);
		else
			put(&o, " TO:", 4);
		if (cmd->path.unbracketed)
			put(&o, "<", 1);
		put(&o, cmd->path.raw.ptr, cmd->path.raw.len);
		if (cmd->path.unbracketed)
			put(&o, ">", 1);
		put_params(&o, cmd);
		break;
	default:
		if (cmd->arg.ptr && cmd->arg.len) {
			put(&o, " ", 1);
			put(&o, cmd->arg.ptr, cmd->arg.len);
		}
		break;
	}
	if (size)
		buf[o.len < o.size ? o.len : o.size] = '\0';
	return o.len;
}

char *dsng_cmd_format(TALLOC_CTX *mem, const struct dsng_cmd *cmd)
{
	size_t need = dsng_cmd_format_buf(NULL, 0, cmd);
	char *buf = talloc_size(mem, need + 1);

	if (!buf)
		return NULL;
	dsng_cmd_format_buf(buf, need + 1, cmd);
	return buf;
}
