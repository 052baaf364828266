/*
 * examples/cli/cmd_batv.c - `dsnguard batv` (placeholder until its issue lands).
 */
#include "cli.h"

int cli_batv(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_usage_error("batv: not built yet");
}
