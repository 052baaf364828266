/*
 * examples/milter/log.c - where the lines go: syslog (facility mail, ident
 * dsnguard-milter) or stderr.  Every line is built first (logval.c) and
 * written with one call, so lines of concurrent sessions never mix.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "milter.h"

static bool use_stderr;

void dm_log_open(bool to_stderr)
{
	use_stderr = to_stderr;
	if (!to_stderr)
		openlog("dsnguard-milter", LOG_PID | LOG_NDELAY, LOG_MAIL);
}

void dm_log_line(int prio, const struct dm_line *l)
{
	if (use_stderr) {
		char out[DM_LINE_MAX + 64];
		int n = snprintf(out, sizeof(out), "dsnguard-milter[%ld]: %s\n",
		                 (long)getpid(), l->buf);

		if (n > (int)sizeof(out) - 1)
			n = (int)sizeof(out) - 1;
		/* One write(2): a line is never split between threads. */
		if (write(STDERR_FILENO, out, (size_t)n) < 0)
			return;
		return;
	}
	syslog(prio, "%s", l->buf);
}

void dm_log_event(int prio, const char *event, ...)
{
	struct dm_line l;
	va_list ap;
	const char *k;

	dm_line_init(&l);
	dm_line_kvs(&l, "event", event);
	va_start(ap, event);
	while ((k = va_arg(ap, const char *)) != NULL) {
		const char *v = va_arg(ap, const char *);

		dm_line_kvs(&l, k, v);
	}
	va_end(ap);
	dm_log_line(prio, &l);
}
