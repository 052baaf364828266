/*
 * examples/cli/cmd_scan_log.c - `dsnguard scan-log` (placeholder until its issue lands).
 */
#include "cli.h"

int cli_scan_log(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_usage_error("scan-log: not built yet");
}
