/*
 * examples/cli/cmd_parse_ehlo.c - `dsnguard parse-ehlo` (placeholder until its issue lands).
 */
#include "cli.h"

int cli_parse_ehlo(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_usage_error("parse-ehlo: not built yet");
}
