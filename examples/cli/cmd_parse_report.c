/*
 * examples/cli/cmd_parse_report.c - `dsnguard parse-report [--json]
 * [--mbox] FILE...`: one object per message (DESIGN.md section 5).
 */
#include <string.h>

#include "cli.h"
#include "input.h"

static void print_text(const char *file, const struct dsng_report *r)
{
	size_t i;

	printf("%s: %s%s%s\n", file, dsng_report_kind_name(r->kind),
	       r->global ? " (global)" : "", r->truncated ? ", truncated" : "");
	if (r->message && r->message->reporting_mta)
		printf("  reporting MTA: %s\n",
		       r->message->reporting_mta->value);
	for (i = 0; i < r->n_recipients; i++) {
		const struct dsng_report_recipient *rc = r->recipients[i];
		printf("  %s: %s %s\n",
		       rc->final_recipient ? rc->final_recipient->value
		                           : "(no recipient)",
		       rc->action ? rc->action : "(no action)",
		       rc->status ? rc->status : "(no status)");
	}
	if (r->mdn)
		printf("  disposition: %s/%s; %s\n",
		       r->mdn->action_mode ? r->mdn->action_mode : "?",
		       r->mdn->sending_mode ? r->mdn->sending_mode : "?",
		       r->mdn->type ? r->mdn->type : "?");
	if (r->returned)
		printf("  returned: %s from %s, subject %s\n",
		       r->returned->message_id ? r->returned->message_id : "-",
		       r->returned->from ? r->returned->from : "-",
		       r->returned->subject ? r->returned->subject : "-");
	for (i = 0; i < r->n_problems; i++)
		printf("  problem at %zu (%s): %s\n", r->problems[i].offset,
		       r->problems[i].field, r->problems[i].message);
}

/* One message: prints its line; returns 1 when it could not be read.
 * line: where it starts in an mbox (0 without --mbox). */
static int one(const char *file, const char *buf, size_t len, int json,
               unsigned long line)
{
	struct dsng_report *r = NULL;
	struct dsng_error err = DSNG_ERROR_INIT;
	int rc;

	dsng_error_clear(&err);
	rc = dsng_report_parse(NULL, &r, buf, len, NULL, &err);
	if (rc < 0) {
		if (json) {
			json_t *o = json_pack("{s:b, s:o}", "ok", 0, "error",
			                      cli_json_error(&err));
			json_object_set_new(o, "file", cli_json_str(file));
			if (line)
				json_object_set_new(
				        o, "line",
				        json_integer((json_int_t)line));
			cli_json_print(o);
		} else if (line) {
			printf("%s:%lu: error %s at offset %zu: %s\n", file,
			       line, dsng_error_kind_name(err.kind), err.offset,
			       err.message);
		} else {
			printf("%s: error %s at offset %zu: %s\n", file,
			       dsng_error_kind_name(err.kind), err.offset,
			       err.message);
		}
		return 1;
	}
	if (json) {
		json_t *o = cli_json_ok();
		dsngb_report_fill(&cli_json_builder, o, r);
		json_object_set_new(o, "file", cli_json_str(file));
		if (line)
			json_object_set_new(o, "line",
			                    json_integer((json_int_t)line));
		cli_json_print(o);
	} else {
		print_text(file, r);
	}
	talloc_free(r);
	return 0;
}

/* Every message of one FILE ("-" = stdin), read one at a time: memory is
 * bounded by the largest message, and a message over the MIME limit
 * max_size is kept only up to max_size + 1 bytes, which the parser then
 * refuses with the size_limit error it gives any message that large.
 * Returns CLI_OK, CLI_REJECTED (a message refused) or CLI_USAGE (the file
 * cannot be read; a message naming it is printed). */
static int one_file(const char *path, int mbox, int json, size_t max)
{
	struct input *in = input_open(NULL, path, NULL);
	struct input_msg m;
	int rc = -1, status = CLI_OK;

	if (!in) {
		fprintf(stderr, "dsnguard: parse-report: out of memory\n");
		return CLI_USAGE;
	}
	if (input_error(in)) {
		/* nothing */
	} else if (!mbox) {
		rc = input_whole(in, max, &m);
		if (rc > 0 && one(path, m.text, m.len, json, 0))
			status = CLI_REJECTED;
	} else {
		while ((rc = input_next_mbox(in, max, &m)) > 0)
			if (one(path, m.text, m.len, json, m.lineno))
				status = CLI_REJECTED;
	}
	if (rc < 0) {
		fflush(stdout);
		fprintf(stderr, "dsnguard: parse-report: %s: %s\n",
		        input_label(in), input_error(in));
		status = CLI_USAGE;
	}
	talloc_free(in);
	return status;
}

int cli_parse_report(int argc, char **argv)
{
	int json = 0, mbox = 0, i, nfiles = 0, status = CLI_OK;
	struct dsng_mime_limits lim;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--mbox") == 0)
			mbox = 1;
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_usage_error(
			        "parse-report: unknown option %s", argv[i]);
		else
			nfiles++;
	}
	if (nfiles == 0)
		return cli_usage_error(
		        "usage: parse-report [--json] [--mbox] FILE...");
	/* The parser's own limit on a message (the default MIME limits). */
	dsng_mime_limits_init(&lim, DSNG_MIME_LIMITS_VERSION);
	for (i = 1; i < argc; i++) {
		int rc;

		if (argv[i][0] == '-' && argv[i][1])
			continue;
		rc = one_file(argv[i], mbox, json, lim.max_size);
		if (rc == CLI_USAGE || (rc == CLI_REJECTED && status == CLI_OK))
			status = rc;
	}
	return status;
}
