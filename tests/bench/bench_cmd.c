/*
 * tests/bench/bench_cmd.c - speed of dsng_cmd_parse and dsng_cmd_format
 * on a realistic mix of MAIL/RCPT lines (with NOTIFY, ORCPT, ENVID, SIZE).
 *
 *   bench_cmd                 timed runs: lines/s and ns/line in this
 *                             thread's CPU time, and lines/s wall time
 *   bench_cmd --count N [rcpt|mix|format]
 *                             parse N lines untimed (for callgrind, see
 *                             callgrind_cmd.sh); prints nothing else
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dsnguard/dsnguard.h"

static const char *const rcpt_lines[] = {
        "RCPT TO:<user@example.org> NOTIFY=SUCCESS,DELAY "
        "ORCPT=rfc822;user+40example.org\r\n",
        "RCPT TO:<alice.smith@mail.example.com>\r\n",
        "RCPT TO:<bob@example.net> NOTIFY=FAILURE\r\n",
        "RCPT TO:<legal_address@example.net> NOTIFY=SUCCESS\r\n",
        "RCPT TO:<\"john doe\"@example.org> NOTIFY=NEVER\r\n",
        "RCPT TO:<carol+tag@sub.example.co.uk> NOTIFY=SUCCESS,FAILURE,DELAY "
        "ORCPT=rfc822;carol+2Btag@sub.example.co.uk\r\n",
        "RCPT TO:<Postmaster>\r\n",
        "RCPT TO:<dave@[192.0.2.17]> NOTIFY=FAILURE,DELAY\r\n",
};

static const char *const mail_lines[] = {
        "MAIL FROM:<spamvictim@victim.example>\r\n",
        "MAIL FROM:<bounce-1234@lists.example.org> SIZE=48213 BODY=8BITMIME "
        "RET=HDRS ENVID=QQ314159\r\n",
        "MAIL FROM:<> SIZE=2048\r\n",
        "MAIL FROM:<sender@example.com> RET=FULL ENVID=msg+2B0042@example.com "
        "SIZE=1000000 AUTH=<>\r\n",
};

struct line {
	const char *p;
	size_t n;
};

static size_t load(struct line *out, int mix)
{
	size_t k = 0, i;

	for (i = 0; i < sizeof(rcpt_lines) / sizeof(rcpt_lines[0]); i++)
		out[k].p = rcpt_lines[i], out[k++].n = strlen(rcpt_lines[i]);
	if (mix)
		for (i = 0; i < sizeof(mail_lines) / sizeof(mail_lines[0]); i++)
			out[k].p = mail_lines[i],
			out[k++].n = strlen(mail_lines[i]);
	return k;
}

/* Wall time, and this thread's CPU time: on a shared machine the CPU
 * time is what one core really spent, wall time includes waiting. */
static double now(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Parse `count` lines cycling through the set; returns a checksum so the
 * compiler cannot drop the work. */
static size_t run(const struct line *set, size_t nset, size_t count, int format,
                  struct dsng_cmd *cmd)
{
	char out[2048];
	size_t i, sum = 0, j = 0;

	for (i = 0; i < count; i++) {
		if (dsng_cmd_parse(cmd, set[j].p, set[j].n, NULL, NULL) !=
		    DSNG_OK) {
			fprintf(stderr, "bench_cmd: line refused: %s",
			        set[j].p);
			exit(1);
		}
		sum += cmd->n_params + cmd->notify;
		if (format)
			sum += dsng_cmd_format_buf(out, sizeof(out), cmd);
		if (++j == nset)
			j = 0;
	}
	return sum;
}

static void timed(const char *name, int mix, int format, struct dsng_cmd *cmd)
{
	struct line set[16];
	size_t nset = load(set, mix), count = 2000000, sum;
	double w0, c0, wt, ct;

	run(set, nset, count / 10, format, cmd); /* warm up */
	w0 = now(CLOCK_MONOTONIC);
	c0 = now(CLOCK_THREAD_CPUTIME_ID);
	sum = run(set, nset, count, format, cmd);
	ct = now(CLOCK_THREAD_CPUTIME_ID) - c0;
	wt = now(CLOCK_MONOTONIC) - w0;
	printf("%-28s %10.0f lines/s %6.1f ns/line CPU time; %10.0f lines/s "
	       "wall  (%zu lines, check %zu)\n",
	       name, (double)count / ct, ct * 1e9 / (double)count,
	       (double)count / wt, count, sum);
}

int main(int argc, char **argv)
{
	static struct dsng_cmd cmd = DSNG_CMD_INIT; /* 2.6 KiB: off the stack */

	if (argc >= 3 && strcmp(argv[1], "--count") == 0) {
		struct line set[16];
		const char *mode = argc >= 4 ? argv[3] : "rcpt";
		size_t nset = load(set, strcmp(mode, "rcpt") != 0);
		size_t count = strtoul(argv[2], NULL, 10);

		return run(set, nset, count, strcmp(mode, "format") == 0,
		           &cmd) == 0;
	}
	printf("dsng_cmd_parse, one core, lines with CRLF:\n");
	timed("RCPT mix, parse", 0, 0, &cmd);
	timed("MAIL+RCPT mix, parse", 1, 0, &cmd);
	timed("MAIL+RCPT mix, parse+format", 1, 1, &cmd);
	return 0;
}
