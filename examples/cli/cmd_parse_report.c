/*
 * examples/cli/cmd_parse_report.c - `dsnguard parse-report [--json]
 * [--mbox] FILE...`: one object per message (DESIGN.md section 5).
 */
#include <errno.h>
#include <string.h>

#include "cli.h"

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

/* One message: prints its line; returns 1 when it could not be read. */
static int one(const char *file, const char *buf, size_t len, int json)
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
			cli_json_print(o);
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
		cli_json_print(o);
	} else {
		print_text(file, r);
	}
	talloc_free(r);
	return 0;
}

int cli_parse_report(int argc, char **argv)
{
	int json = 0, mbox = 0, i, nfiles = 0, status = CLI_OK;
	TALLOC_CTX *mem;

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
	mem = talloc_new(NULL);
	for (i = 1; i < argc; i++) {
		char *buf;
		size_t len, pos = 0;
		struct dsng_span m;

		if (argv[i][0] == '-' && argv[i][1])
			continue;
		buf = cli_read_file(mem, argv[i], &len);
		if (!buf) {
			fprintf(stderr, "dsnguard: %s: %s\n", argv[i],
			        strerror(errno));
			status = CLI_USAGE;
			continue;
		}
		if (!mbox) {
			if (one(argv[i], buf, len, json) && status == CLI_OK)
				status = CLI_REJECTED;
		} else {
			while (dsng_mime_mbox_next(&m, &pos, buf, len))
				if (one(argv[i], m.ptr, m.len, json) &&
				    status == CLI_OK)
					status = CLI_REJECTED;
		}
		talloc_free(buf);
	}
	talloc_free(mem);
	return status;
}
