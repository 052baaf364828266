/*
 * examples/cli/cmd_parse_ehlo.c - `dsnguard parse-ehlo [--json]
 * [--lenient] [--transcript] [--hide KW[,KW...]]`: read a server's EHLO
 * reply on stdin (or, with --transcript, the reply to the first EHLO/LHLO
 * of a pasted session) and show its capability set; with --hide, also the
 * reply rewritten without those keywords (what a proxy would pass on).
 */
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "input.h"
#include "transcript.h"

#define MAX_HIDE 32

struct options {
	int json;
	int transcript;
	struct dsng_reply_opts reply;
	const char *hide[MAX_HIDE + 1];
	size_t n_hide;
};

static int usage(void)
{
	return cli_usage_error(
	        "usage: dsnguard parse-ehlo [--json] [--lenient] "
	        "[--hide KEYWORD[,KEYWORD...]] < REPLY");
}

/* Split "DSN,ETRN" in place into the hide list. */
static int add_hide(struct options *o, char *list)
{
	char *tok, *save = NULL;

	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (o->n_hide == MAX_HIDE)
			return -1;
		o->hide[o->n_hide++] = tok;
	}
	o->hide[o->n_hide] = NULL;
	return 0;
}

/* The longest reply the parser can accept under o: max_lines lines of
 * max_line octets (CRLF counted).  Reading stops one byte past it: what
 * follows cannot make the reply valid, and the parser names the limit. */
static size_t reply_bound(const struct options *o)
{
	size_t line = o->reply.max_line, lines = o->reply.max_lines;

	if (!line)
		line = (o->reply.flags & DSNG_REPLY_LENIENT)
		               ? DSNG_REPLY_LENIENT_MAX_LINE
		               : DSNG_REPLY_DEFAULT_MAX_LINE;
	if (line > DSNG_REPLY_MAX_LINE_CEILING)
		line = DSNG_REPLY_MAX_LINE_CEILING;
	if (!lines)
		lines = DSNG_REPLY_DEFAULT_MAX_LINES;
	return line * lines;
}

/* The server's reply to the first EHLO/LHLO of a pasted session, streamed
 * from in, its lines joined with CRLF (at most max + 1 bytes); "" when
 * there is none (the parser then says "empty").  Offsets in errors refer
 * to this reply, not to the session.  NULL when out of memory or when the
 * input cannot be read (input_error says why). */
static char *reply_from_transcript(TALLOC_CTX *mem, struct input *in,
                                   size_t max, size_t *out_len)
{
	struct transcript t;
	struct transcript_line l;
	char *s = talloc_strdup(mem, "");
	size_t n = 0, cap = 1;
	int seen_ehlo = 0, rc;

	if (!s)
		return NULL;
	transcript_init(&t, in);
	while ((rc = transcript_next(&t, &l)) > 0) {
		if (l.kind == TRANSCRIPT_CLIENT) {
			if (seen_ehlo)
				break; /* the client spoke: the reply is over */
			seen_ehlo = l.len >= 4 &&
			            (!strncasecmp(l.text, "EHLO", 4) ||
			             !strncasecmp(l.text, "LHLO", 4)) &&
			            (l.len == 4 || l.text[4] == ' ');
			continue;
		}
		if (!seen_ehlo || l.kind != TRANSCRIPT_SERVER)
			continue;
		if (n + l.len + 3 > cap) {
			cap = (n + l.len + 3) * 2;
			s = talloc_realloc(mem, s, char, cap);
			if (!s)
				return NULL;
		}
		memcpy(s + n, l.text, l.len);
		n += l.len;
		memcpy(s + n, "\r\n", 2);
		n += 2;
		s[n] = '\0';
		if (l.last || n > max)
			break;
	}
	if (rc < 0)
		return NULL;
	*out_len = n;
	return s;
}

static json_t *caps_json(const struct dsng_ehlo *c, const char *rewritten)
{
	json_t *o = cli_json_ok();

	dsngb_ehlo_fill(&cli_json_builder, o, c);
	if (rewritten)
		json_object_set_new(o, "rewritten", cli_json_str(rewritten));
	return o;
}

static void print_text(const struct dsng_ehlo *c, const char *rewritten)
{
	size_t i, j;

	printf("reply %d from %s%s%s\n", c->code, c->domain,
	       *c->greeting ? ": " : "", c->greeting);
	for (i = 0; i < c->n_caps; i++) {
		const struct dsng_ehlo_cap *cap = c->caps[i];
		printf(cap->n_params ? "  %-20s" : "  %s", cap->keyword);
		for (j = 0; j < cap->n_params; j++)
			printf(" %s", cap->params[j]);
		printf("%s\n", cap->legacy_auth ? "  (legacy AUTH= form)" : "");
	}
	printf("DSN: %s\n",
	       (c->flags & DSNG_EHLO_F_DSN) ? "advertised" : "not advertised");
	if (c->flags & DSNG_EHLO_F_SIZE) {
		if (c->size)
			printf("SIZE limit: %llu octets\n",
			       (unsigned long long)c->size);
		else
			printf("SIZE limit: none given\n");
	}
	if (rewritten)
		printf("rewritten reply:\n%s", rewritten);
}

static void print_error(const struct options *o, const struct dsng_error *err)
{
	if (o->json) {
		json_t *obj = json_object();
		json_object_set_new(obj, "ok", json_false());
		json_object_set_new(obj, "error", cli_json_error(err));
		cli_json_print(obj);
		return;
	}
	printf("error: %s at offset %zu", dsng_error_kind_name(err->kind),
	       err->offset);
	if (err->line)
		printf(" (line %u)", err->line);
	if (err->reply)
		printf(", server reply %d", err->reply);
	printf(": %s\n", err->message);
}

int cli_parse_ehlo(int argc, char **argv)
{
	struct options o;
	struct dsng_ehlo *caps = NULL;
	struct dsng_error err = DSNG_ERROR_INIT;
	const char *buf;
	char *rewritten = NULL;
	struct input *in;
	size_t len = 0;
	int i, rc, ret = CLI_OK;
	TALLOC_CTX *mem;

	memset(&o, 0, sizeof(o));
	dsng_reply_opts_init(&o.reply, DSNG_REPLY_OPTS_VERSION);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			o.json = 1;
		else if (!strcmp(argv[i], "--transcript"))
			o.transcript = 1;
		else if (!strcmp(argv[i], "--lenient"))
			o.reply.flags |= DSNG_REPLY_LENIENT;
		else if (!strcmp(argv[i], "--hide") && i + 1 < argc) {
			if (add_hide(&o, argv[++i]) < 0)
				return cli_usage_error("parse-ehlo: too many "
				                       "keywords to hide");
		} else if (!strncmp(argv[i], "--hide=", 7)) {
			if (add_hide(&o, argv[i] + 7) < 0)
				return cli_usage_error("parse-ehlo: too many "
				                       "keywords to hide");
		} else if (!strcmp(argv[i], "--help") ||
		           !strcmp(argv[i], "-h")) {
			printf("usage: dsnguard parse-ehlo [--json] "
			       "[--lenient] "
			       "[--hide KEYWORD[,KEYWORD...]] < REPLY\n");
			return CLI_OK;
		} else
			return usage();
	}
	mem = talloc_new(NULL);
	if (!mem)
		return cli_usage_error("parse-ehlo: out of memory");
	/* Standard input is streamed (gzip or plain), and only as much of
	 * it is held as a reply can be long (reply_bound). */
	in = input_open(mem, "-", NULL);
	if (!in || input_error(in)) {
		ret = cli_usage_error("parse-ehlo: cannot read stdin: %s",
		                      in ? input_error(in) : "out of memory");
		goto done;
	}
	if (o.transcript) {
		buf = reply_from_transcript(mem, in, reply_bound(&o), &len);
	} else {
		struct input_msg m;

		buf = NULL;
		if (input_whole(in, reply_bound(&o), &m) > 0)
			buf = m.text, len = m.len;
	}
	if (!buf) {
		if (input_error(in))
			ret = cli_usage_error(
			        "parse-ehlo: cannot read stdin: %s",
			        input_error(in));
		else
			ret = cli_usage_error("parse-ehlo: out of memory");
		goto done;
	}
	len = dsngb_trim_blank_tail(buf, len);
	rc = dsng_ehlo_parse(mem, &caps, buf, len, &o.reply, &err);
	if (rc == DSNG_ENOMEM) {
		ret = cli_usage_error("parse-ehlo: out of memory");
		goto done;
	}
	if (rc) {
		print_error(&o, &err);
		ret = CLI_REJECTED;
		goto done;
	}
	if (o.n_hide) {
		rewritten = dsng_ehlo_format(mem, caps, 0, o.hide,
		                             DSNG_EHLO_FORMAT_VERBATIM);
		if (!rewritten) {
			ret = cli_usage_error("parse-ehlo: out of memory");
			goto done;
		}
	}
	if (o.json)
		cli_json_print(caps_json(caps, rewritten));
	else
		print_text(caps, rewritten);
done:
	talloc_free(mem);
	return ret;
}
