/*
 * examples/cli/cmd_parse_cmd.c - `dsnguard parse-cmd`: parse SMTP command
 * lines (arguments, stdin, or the client side of a pasted session) and
 * print one result per line (JSON of DESIGN.md section 5 with --json).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <inttypes.h>
#include <string.h>

#include "cli.h"
#include "transcript.h"

struct parse_cmd_run {
	struct dsng_cmd_opts opts;
	int json;
	int rejected;
	int utf8_mail; /* the current transaction's MAIL had SMTPUTF8 */
};

static const char *const body_names[] = {
	[DSNG_BODY_NONE] = NULL,
	[DSNG_BODY_7BIT] = "7BIT",
	[DSNG_BODY_8BITMIME] = "8BITMIME",
	[DSNG_BODY_BINARYMIME] = "BINARYMIME",
};

static json_t *notify_list(unsigned notify)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {{DSNG_NOTIFY_NEVER, "NEVER"},
	             {DSNG_NOTIFY_SUCCESS, "SUCCESS"},
	             {DSNG_NOTIFY_FAILURE, "FAILURE"},
	             {DSNG_NOTIFY_DELAY, "DELAY"}};
	json_t *list;
	size_t i;

	if (!notify)
		return json_null();
	list = json_array();
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (notify & names[i].bit)
			json_array_append_new(list, json_string(names[i].name));
	return list;
}

/* A span as a JSON string, or null when it is empty (absent domain). */
static json_t *span_or_null(struct dsng_span s)
{
	return s.len ? cli_json_span(s) : json_null();
}

/* The route "@a,@b" as ["a", "b"], or null. */
static json_t *route_list(struct dsng_span route)
{
	json_t *list;
	size_t i = 0, start;

	if (!route.len)
		return json_null();
	list = json_array();
	while (i < route.len) {
		if (route.ptr[i] == '@' || route.ptr[i] == ',') {
			i++;
			continue;
		}
		start = i;
		while (i < route.len && route.ptr[i] != ',')
			i++;
		json_array_append_new(list,
		                      cli_json_bytes(route.ptr + start, i - start));
	}
	return list;
}

static json_t *lower_json(struct dsng_span s)
{
	char buf[256];
	size_t i, n = s.len < sizeof(buf) ? s.len : sizeof(buf);

	for (i = 0; i < n; i++) {
		char c = s.ptr[i];
		buf[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
	}
	return cli_json_bytes(buf, n);
}

static json_t *mail_rcpt_fields(json_t *o, const struct dsng_cmd *c)
{
	json_t *params = json_array();
	size_t i;

	json_object_set_new(o, "path", cli_json_span(c->path.is_null
	                                                 ? (struct dsng_span){"", 0}
	                                                 : c->path.mailbox));
	json_object_set_new(o, "local", span_or_null(c->path.local));
	json_object_set_new(o, "domain", span_or_null(c->path.domain));
	json_object_set_new(o, "route", route_list(c->path.route));
	for (i = 0; i < c->n_params; i++) {
		const struct dsng_param *p = &c->params[i];
		json_t *jp = json_object();
		char kw[64];
		size_t k, n = p->keyword.len < sizeof(kw) ? p->keyword.len
		                                          : sizeof(kw);

		for (k = 0; k < n; k++) {
			char ch = p->keyword.ptr[k];
			kw[k] = (ch >= 'a' && ch <= 'z') ? (char)(ch - 32) : ch;
		}
		json_object_set_new(jp, "keyword", cli_json_bytes(kw, n));
		json_object_set_new(jp, "value", cli_json_span(p->value));
		json_array_append_new(params, jp);
	}
	json_object_set_new(o, "params", params);
	json_object_set_new(o, "notify", notify_list(c->notify));
	if (c->has_orcpt) {
		json_t *orcpt = json_object();
		json_object_set_new(orcpt, "type", lower_json(c->orcpt_type));
		json_object_set_new(orcpt, "addr", cli_json_span(c->orcpt_addr));
		json_object_set_new(o, "orcpt", orcpt);
	} else {
		json_object_set_new(o, "orcpt", json_null());
	}
	json_object_set_new(o, "ret",
	                    c->ret == DSNG_RET_FULL   ? json_string("FULL")
	                    : c->ret == DSNG_RET_HDRS ? json_string("HDRS")
	                                              : json_null());
	json_object_set_new(o, "envid",
	                    c->has_envid ? cli_json_span(c->envid) : json_null());
	json_object_set_new(o, "size",
	                    c->has_size ? json_integer((json_int_t)c->size)
	                                : json_null());
	json_object_set_new(o, "body", cli_json_str(body_names[c->body]));
	json_object_set_new(o, "smtputf8", json_boolean(c->smtputf8));
	return o;
}

static json_t *cmd_json(const struct dsng_cmd *c, const char *canonical)
{
	json_t *o = json_object();

	json_object_set_new(o, "ok", json_true());
	json_object_set_new(o, "verb", json_string(dsng_verb_name(c->verb)));
	switch (c->verb) {
	case DSNG_VERB_MAIL:
	case DSNG_VERB_RCPT:
		mail_rcpt_fields(o, c);
		break;
	case DSNG_VERB_HELO:
	case DSNG_VERB_EHLO:
	case DSNG_VERB_LHLO:
		json_object_set_new(o, "domain", cli_json_span(c->arg));
		break;
	default:
		json_object_set_new(o, "arg", cli_json_span(c->arg));
		break;
	}
	json_object_set_new(o, "canonical", cli_json_str(canonical));
	return o;
}

static void print_text(const char *line, size_t len, int rc,
                       const struct dsng_cmd *c, const char *canonical,
                       const struct dsng_error *err)
{
	if (rc == DSNG_OK) {
		printf("ok    %s\n", canonical);
		if (c->notify & DSNG_NOTIFY_SUCCESS)
			printf("      requests a success notification (return "
			       "receipt) to the envelope sender\n");
		return;
	}
	printf("error %.*s\n      %d %s %s at offset %zu: %s\n", (int)len, line,
	       err->reply, err->enhanced, dsng_errkind_name(err->kind),
	       err->offset, err->message);
}

/* Parse one command line and print its result. */
static void run_line(struct parse_cmd_run *run, const char *line, size_t len)
{
	struct dsng_cmd *c = talloc_zero(NULL, struct dsng_cmd);
	struct dsng_cmd_opts opts = run->opts;
	struct dsng_error err;
	char *canonical = NULL;
	int rc;

	if (!c) {
		fprintf(stderr, "dsnguard: out of memory\n");
		run->rejected = 1;
		return;
	}
	/* RCPT after a MAIL with SMTPUTF8 may carry UTF-8 mailboxes. */
	if (run->utf8_mail)
		opts.flags |= DSNG_CMD_UTF8;
	rc = dsng_cmd_parse(c, line, len, &opts, &err);
	if (rc == DSNG_OK) {
		canonical = dsng_cmd_format(c, c);
		if (c->verb == DSNG_VERB_MAIL)
			run->utf8_mail = c->smtputf8;
		else if (c->verb == DSNG_VERB_RSET || c->verb == DSNG_VERB_EHLO ||
		         c->verb == DSNG_VERB_HELO || c->verb == DSNG_VERB_LHLO)
			run->utf8_mail = 0;
	} else {
		run->rejected = 1;
	}
	if (run->json) {
		json_t *o;
		if (rc == DSNG_OK) {
			o = cmd_json(c, canonical);
		} else {
			o = json_object();
			json_object_set_new(o, "ok", json_false());
			json_object_set_new(o, "error", cli_json_error(&err));
		}
		json_object_set_new(o, "input", cli_json_bytes(line, len));
		cli_json_print(o);
	} else {
		print_text(line, len, rc, c, canonical, &err);
	}
	talloc_free(c);
}

/* stdin: one command per line; a CRLF ending is passed on as sent, a bare
 * LF (how text files end lines) is dropped. */
static int run_stream(struct parse_cmd_run *run, const char *buf, size_t len)
{
	size_t start = 0;

	while (start < len) {
		const char *nl = memchr(buf + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - buf) : len;
		size_t n = end - start;

		if (nl && n > 0 && buf[end - 1] == '\r')
			n++; /* keep the CRLF: the parser checks framing */
		run_line(run, buf + start, n);
		start = nl ? end + 1 : len;
	}
	return 0;
}

/* --transcript: only the client's command lines; message content after
 * DATA is not a command and is skipped. */
static int run_transcript(struct parse_cmd_run *run, const char *buf,
                          size_t len)
{
	struct transcript t;
	struct transcript_line tl;

	transcript_init(&t, buf, len);
	while (transcript_next(&t, &tl))
		if (tl.kind == TRANSCRIPT_CLIENT)
			run_line(run, tl.text, tl.len);
	return 0;
}

int cli_parse_cmd(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"json", no_argument, NULL, 'j'},
		{"strict", no_argument, NULL, 's'},
		{"transcript", no_argument, NULL, 't'},
		{"max-line", required_argument, NULL, 'm'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct parse_cmd_run run;
	int transcript = 0, ch, i;
	TALLOC_CTX *mem;

	memset(&run, 0, sizeof(run));
	dsng_cmd_opts_init(&run.opts);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+jstm:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'j': run.json = 1; break;
		case 's': run.opts.flags |= DSNG_CMD_STRICT; break;
		case 't': transcript = 1; break;
		case 'm': {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);
			if (*end || v < 16 || v > DSNG_CMD_MAX_LINE_CEILING)
				return cli_usage_error("parse-cmd: --max-line "
				                       "must be 16..%d",
				                       DSNG_CMD_MAX_LINE_CEILING);
			run.opts.max_line = v;
			break;
		}
		case 'h':
			printf("usage: dsnguard parse-cmd [--json] [--strict] "
			       "[--transcript] [--max-line N] [LINE...]\n");
			return CLI_OK;
		default:
			return cli_usage_error("parse-cmd: bad option; see "
			                       "dsnguard parse-cmd --help");
		}
	}
	mem = talloc_new(NULL);
	if (transcript) {
		/* --transcript: each argument is a transcript file; none or
		 * "-" reads stdin. */
		int nfiles = argc - optind;
		char *const *files = argv + optind;
		static char *const stdin_only[] = {"-"};

		if (nfiles == 0) {
			files = stdin_only;
			nfiles = 1;
		}
		for (i = 0; i < nfiles; i++) {
			size_t len;
			char *buf = cli_read_file(mem, files[i], &len);
			if (!buf) {
				talloc_free(mem);
				return cli_usage_error("parse-cmd: cannot read %s: %s",
				                       files[i], strerror(errno));
			}
			run_transcript(&run, buf, len);
		}
	} else if (optind < argc) {
		for (i = optind; i < argc; i++)
			run_line(&run, argv[i], strlen(argv[i]));
	} else {
		size_t len;
		char *buf = cli_read_file(mem, "-", &len);
		if (!buf) {
			talloc_free(mem);
			return cli_usage_error("parse-cmd: cannot read stdin: %s",
			                       strerror(errno));
		}
		run_stream(&run, buf, len);
	}
	talloc_free(mem);
	fflush(stdout);
	return run.rejected ? CLI_REJECTED : CLI_OK;
}
