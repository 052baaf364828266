/*
 * examples/cli/cmd_check_config.c - `dsnguard check-config` (placeholder until its issue lands).
 */
#include "cli.h"

int cli_check_config(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_usage_error("check-config: not built yet");
}
