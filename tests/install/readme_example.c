/*
 * readme_example.c - the C example of README.md, compiled and run by the
 * install test against the installed library so the README cannot rot.
 * Keep the two in step.
 */
#include <stdio.h>
#include <string.h>

#include <dsnguard/dsnguard.h>

static void check(const char *line)
{
	struct dsng_cmd cmd = DSNG_CMD_INIT;
	struct dsng_error err = DSNG_ERROR_INIT;

	if (dsng_cmd_parse(&cmd, line, strlen(line), NULL, &err) != DSNG_OK) {
		/* What a server would answer, e.g. "501 5.5.4 ..." */
		printf("refused: %d %s %s (at byte %zu)\n", err.reply,
		       err.enhanced, err.message, err.offset);
		return;
	}
	if (cmd.verb == DSNG_VERB_RCPT && (cmd.notify & DSNG_NOTIFY_SUCCESS))
		printf("<%.*s> asks for a receipt to the envelope sender\n",
		       (int)cmd.path.mailbox.len, cmd.path.mailbox.ptr);
}

int main(void)
{
	check("RCPT TO:<legal_address@example.net> NOTIFY=SUCCESS");
	check("RCPT TO:<legal_address@example.net> NOTIFY=NEVER,SUCCESS");
	return 0;
}
