/*
 * examples/cli/cmd_parse_cmd.c - `dsnguard parse-cmd` (placeholder until its issue lands).
 */
#include "cli.h"

int cli_parse_cmd(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_usage_error("parse-cmd: not built yet");
}
