/*
 * tests/bench/cmd_stream.c - dsng_cmd_parse over every line of a file
 * (the shared stream of tests/bench/gen_smtp_stream.py), `reps` times,
 * for callgrind_stream.sh: two runs that differ only in reps give the
 * instructions per line with start-up and file reading cancelled out.
 *
 *   cmd_stream FILE REPS   prints lines, refused lines, reps
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsnguard/dsnguard.h"

int main(int argc, char **argv)
{
	static struct dsng_cmd cmd = DSNG_CMD_INIT; /* 2.6 KiB: off the stack */
	char *buf = NULL;
	struct {
		const char *p;
		size_t n;
	} *lines = NULL;
	size_t cap = 0, len = 0, reps, r, i, nlines = 0, lcap = 0, refused = 0;
	FILE *f;

	if (argc != 3 || !(f = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: cmd_stream FILE REPS\n");
		return 2;
	}
	reps = strtoul(argv[2], NULL, 10);
	for (;;) {
		if (len == cap && !(buf = realloc(buf, cap = cap * 2 + 65536)))
			return 1;
		size_t got = fread(buf + len, 1, cap - len, f);
		if (!got)
			break;
		len += got;
	}
	fclose(f);
	/* The lines are split once, so the passes count the parser only. */
	for (const char *p = buf, *end = buf + len, *nl; p < end; p = nl + 1) {
		if (!(nl = memchr(p, '\n', (size_t)(end - p))))
			nl = end - 1;
		if (nlines == lcap &&
		    !(lines = realloc(lines, (lcap = lcap * 2 + 1024) *
		                                     sizeof(*lines))))
			return 1;
		lines[nlines].p = p;
		lines[nlines++].n = (size_t)(nl + 1 - p);
	}
	for (r = 0; r < reps; r++) {
		refused = 0;
		for (i = 0; i < nlines; i++)
			if (dsng_cmd_parse(&cmd, lines[i].p, lines[i].n, NULL,
			                   NULL) != DSNG_OK)
				refused++;
	}
	printf("%zu lines, %zu refused, %zu reps\n", nlines, refused, reps);
	free(lines);
	free(buf);
	return 0;
}
