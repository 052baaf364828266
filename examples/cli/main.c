/*
 * examples/cli/main.c - `dsnguard`: dispatch to one command per file.
 */
#include <stdarg.h>
#include <string.h>

#include "cli.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *synopsis;
};

static const struct command commands[] = {
        {"parse-cmd", cli_parse_cmd,
         "[--json] [--strict] [--transcript] [LINE...]"},
        {"parse-ehlo", cli_parse_ehlo,
         "[--json] [--lenient] [--transcript] [--hide KW,...] < REPLY"},
        {"parse-report", cli_parse_report, "[--json] [--mbox] FILE..."},
        {"audit", cli_audit,
         "TRANSCRIPT [--policy FILE | --preset NAME] [--client IP] "
         "[--auth USER] [--tls] [--port N] [--json]"},
        {"scan-log", cli_scan_log, "[--json] [FILE...]"},
        {"check-config", cli_check_config, "FILE"},
        {"export-config", cli_export_config,
         "--mta postfix|sendmail|exim|opensmtpd (FILE | --preset NAME) "
         "[--out DIR] [--map-dir DIR]"},
        {"batv", cli_batv, "sign|verify ..."},
        {"probe", cli_probe,
         "HOST[:PORT] --from A --to B [--ehlo NAME] [--timeout S] "
         "[--source ADDR] [--starttls] [--json]"},
        {"make-report", cli_make_report,
         "[--policy FILE | --preset NAME | --no-policy] [--now TIME] "
         "[--crlf] [--max-returned N] SPEC.json [ORIGINAL]"},
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: dsnguard COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-13s %s\n", commands[i].name,
		        commands[i].synopsis);
	fprintf(f, "\nlibdsnguard %s; see dsnguard(1).\n", dsng_version());
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return CLI_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("dsnguard %s\n", dsng_version());
		return CLI_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "dsnguard: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return CLI_USAGE;
}
