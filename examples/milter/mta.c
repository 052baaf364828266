/*
 * examples/milter/mta.c - which MTA is on the other end, from the `v'
 * macro (the MTA's version: Postfix sends "Postfix 3.7.11" in its default
 * milter_connect_macros; sendmail sends "8.17.1.9"), which decides how a
 * policy's NOTIFY rewrite can be carried out (see callbacks.c).
 */
#include <ctype.h>
#include <stdlib.h>
#include <strings.h>

#include "milter.h"

enum dm_mta dm_mta_from_v(const char *v, unsigned *major, unsigned *minor)
{
	enum dm_mta m = DM_MTA_OTHER;
	char *end;

	*major = *minor = 0;
	if (!v)
		return DM_MTA_AUTO;
	if (!strncasecmp(v, "Postfix", 7)) {
		m = DM_MTA_POSTFIX;
		v += 7;
		while (*v == ' ' || *v == '-' || *v == '/')
			v++;
	} else if (v[0] == '8' && v[1] == '.') {
		m = DM_MTA_SENDMAIL;
	} else {
		return DM_MTA_OTHER;
	}
	if (isdigit((unsigned char)*v)) {
		unsigned long a = strtoul(v, &end, 10), b = 0;

		if (*end == '.')
			b = strtoul(end + 1, &end, 10);
		if (a < 1000 && b < 1000)
			*major = (unsigned)a, *minor = (unsigned)b;
	}
	return m;
}

const char *dm_mta_name(enum dm_mta m)
{
	switch (m) {
	case DM_MTA_POSTFIX:
		return "postfix";
	case DM_MTA_SENDMAIL:
		return "sendmail";
	case DM_MTA_OTHER:
		return "other";
	default:
		return "unknown";
	}
}
