/*
 * examples/cli/cmd_parse_report.c - `dsnguard parse-report` (placeholder until its issue lands).
 */
#include "cli.h"

int cli_parse_report(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_usage_error("parse-report: not built yet");
}
