/*
 * consumer.c - a program outside the project, built against the installed
 * tree (pkg-config and find_package): headers, version macros, the
 * library and its talloc dependency must all be reachable from there.
 */
#include <stdio.h>
#include <string.h>

#include <talloc.h>

#include <dsnguard/dsnguard.h>

#if !DSNG_CHECK_VERSION(0, 1, 0)
#error "libdsnguard 0.1.0 or later expected"
#endif

int main(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	char *s;

	if (strcmp(dsng_version(), DSNG_VERSION_STRING) != 0) {
		fprintf(stderr, "header %s, library %s\n", DSNG_VERSION_STRING,
		        dsng_version());
		return 1;
	}
	s = talloc_asprintf(mem, "libdsnguard %s: %s", dsng_version(),
	                    dsng_error_rc_text(DSNG_ESYNTAX));
	if (s == NULL)
		return 1;
	puts(s);
	talloc_free(mem);
	return 0;
}
