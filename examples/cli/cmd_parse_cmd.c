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

static json_t *cmd_json(const struct dsng_cmd *c, const char *canonical)
{
	json_t *o = cli_json_ok();

	dsngb_cmd_fill(&cli_json_builder, o, c, canonical);
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
	       err->reply, err->enhanced, dsng_error_kind_name(err->kind),
	       err->offset, err->message);
}

/* Parse one command line and print its result. */
static void run_line(struct parse_cmd_run *run, const char *line, size_t len)
{
	struct dsng_cmd *c = talloc_zero(NULL, struct dsng_cmd);
	struct dsng_cmd_opts opts = run->opts;
	struct dsng_error err = DSNG_ERROR_INIT;
	char *canonical = NULL;
	int rc;

	if (!c) {
		fprintf(stderr, "dsnguard: out of memory\n");
		run->rejected = 1;
		return;
	}
	dsng_cmd_init(c, DSNG_CMD_VERSION);
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
	dsng_cmd_opts_init(&run.opts, DSNG_CMD_OPTS_VERSION);
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
