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
#include "input.h"
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
		else if (c->verb == DSNG_VERB_RSET ||
		         c->verb == DSNG_VERB_EHLO ||
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
 * LF (how text files end lines) is dropped.  Lines are read one at a time
 * (input.h), so memory does not grow with the input; a line longer than
 * INPUT_MAX_LINE is passed on cut there, which the parser refuses as
 * line_too_long (its own limit is at most that long). */
static int run_stream(struct parse_cmd_run *run, struct input *in)
{
	struct input_line l;
	int rc;

	while ((rc = input_next_line(in, INPUT_LF, &l)) > 0)
		run_line(run, l.text, l.eol == 2 ? l.len + 2 : l.len);
	return rc;
}

/* --transcript: only the client's command lines; message content after
 * DATA is not a command and is skipped. */
static int run_transcript(struct parse_cmd_run *run, struct input *in)
{
	struct transcript t;
	struct transcript_line tl;
	int rc;

	transcript_init(&t, in);
	while ((rc = transcript_next(&t, &tl)) > 0)
		if (tl.kind == TRANSCRIPT_CLIENT)
			run_line(run, tl.text, tl.len);
	return rc;
}

/* Read one input ("-" = stdin) through run_stream or run_transcript;
 * CLI_USAGE with a message naming it when it cannot be read. */
static int run_input(struct parse_cmd_run *run, const char *path,
                     int transcript)
{
	struct input *in = input_open(NULL, path, NULL);
	int rc = -1;

	if (!in) {
		fprintf(stderr, "dsnguard: parse-cmd: out of memory\n");
		return CLI_USAGE;
	}
	if (!input_error(in))
		rc = transcript ? run_transcript(run, in) : run_stream(run, in);
	if (rc < 0) {
		fflush(stdout);
		fprintf(stderr, "dsnguard: parse-cmd: cannot read %s: %s\n",
		        input_label(in), input_error(in));
	}
	talloc_free(in);
	return rc < 0 ? CLI_USAGE : CLI_OK;
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
	int transcript = 0, ch, i, rc = CLI_OK;

	memset(&run, 0, sizeof(run));
	dsng_cmd_opts_init(&run.opts, DSNG_CMD_OPTS_VERSION);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+jstm:h", longopts, NULL)) !=
	       -1) {
		switch (ch) {
		case 'j':
			run.json = 1;
			break;
		case 's':
			run.opts.flags |= DSNG_CMD_STRICT;
			break;
		case 't':
			transcript = 1;
			break;
		case 'm': {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);
			if (*end || v < 16 || v > DSNG_CMD_MAX_LINE_CEILING)
				return cli_usage_error(
				        "parse-cmd: --max-line "
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
	if (optind == argc) {
		/* no argument: standard input */
		rc = run_input(&run, "-", transcript);
	} else {
		/* --transcript: each argument is a transcript file; else each
		 * is a command line.  "-" reads standard input either way. */
		for (i = optind; i < argc && rc == CLI_OK; i++)
			if (transcript || !strcmp(argv[i], "-"))
				rc = run_input(&run, argv[i], transcript);
			else
				run_line(&run, argv[i], strlen(argv[i]));
	}
	fflush(stdout);
	if (rc != CLI_OK)
		return rc;
	return run.rejected ? CLI_REJECTED : CLI_OK;
}
