/*
 * examples/cli/cmd_audit.c - `dsnguard audit` (placeholder until its issue lands).
 */
#include "cli.h"

int cli_audit(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_usage_error("audit: not built yet");
}
