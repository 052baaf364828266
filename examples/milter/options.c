/*
 * examples/milter/options.c - the command line of dsnguard-milter, exactly
 * as DESIGN section 5 gives it; anything else is a usage error (exit 2).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "milter.h"

static const char usage_text[] =
        "usage: dsnguard-milter --socket SPEC (--policy FILE | --preset NAME)\n"
        "       [--foreground] [--dry-run] [--pidfile FILE]\n"
        "       [--log syslog|stderr] [--on-error accept|tempfail]\n"
        "       [--mta auto|postfix|sendmail] [--user USER[:GROUP]]\n"
        "       [--socket-mode MODE]\n"
        "SPEC is libmilter's: inet:PORT@HOST, inet6:PORT@HOST, unix:/path\n";

static int usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "dsnguard-milter: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%s", usage_text);
	return DM_EXIT_USAGE;
}

enum {
	O_SOCKET = 256,
	O_POLICY,
	O_PRESET,
	O_FOREGROUND,
	O_DRY_RUN,
	O_PIDFILE,
	O_LOG,
	O_ON_ERROR,
	O_MTA,
	O_USER,
	O_SOCKET_MODE,
	O_HELP,
	O_VERSION
};

static const struct option longopts[] = {
        {"socket", required_argument, NULL, O_SOCKET},
        {"policy", required_argument, NULL, O_POLICY},
        {"preset", required_argument, NULL, O_PRESET},
        {"foreground", no_argument, NULL, O_FOREGROUND},
        {"dry-run", no_argument, NULL, O_DRY_RUN},
        {"pidfile", required_argument, NULL, O_PIDFILE},
        {"log", required_argument, NULL, O_LOG},
        {"on-error", required_argument, NULL, O_ON_ERROR},
        {"mta", required_argument, NULL, O_MTA},
        {"user", required_argument, NULL, O_USER},
        {"socket-mode", required_argument, NULL, O_SOCKET_MODE},
        {"help", no_argument, NULL, O_HELP},
        {"version", no_argument, NULL, O_VERSION},
        {NULL, 0, NULL, 0}};

int dm_opts_parse(struct dm_opts *o, int argc, char **argv)
{
	const char *log = NULL;
	int c;

	memset(o, 0, sizeof(*o));
	o->socket_mode = -1;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (c) {
		case O_SOCKET:
			o->socket = optarg;
			break;
		case O_POLICY:
			o->policy_file = optarg;
			break;
		case O_PRESET:
			o->preset = optarg;
			break;
		case O_FOREGROUND:
			o->foreground = true;
			break;
		case O_DRY_RUN:
			o->dry_run = true;
			break;
		case O_PIDFILE:
			o->pidfile = optarg;
			break;
		case O_LOG:
			if (strcmp(optarg, "syslog") &&
			    strcmp(optarg, "stderr"))
				return usage("--log takes syslog or stderr, "
				             "not '%s'",
				             optarg);
			log = optarg;
			break;
		case O_ON_ERROR:
			if (!strcmp(optarg, "accept"))
				o->on_error_tempfail = false;
			else if (!strcmp(optarg, "tempfail"))
				o->on_error_tempfail = true;
			else
				return usage("--on-error takes accept or "
				             "tempfail, not '%s'",
				             optarg);
			break;
		case O_MTA:
			if (!strcmp(optarg, "auto"))
				o->mta = DM_MTA_AUTO;
			else if (!strcmp(optarg, "postfix"))
				o->mta = DM_MTA_POSTFIX;
			else if (!strcmp(optarg, "sendmail"))
				o->mta = DM_MTA_SENDMAIL;
			else
				return usage("--mta takes auto, postfix or "
				             "sendmail, not '%s'",
				             optarg);
			break;
		case O_USER:
			if (!*optarg || *optarg == ':')
				return usage("--user needs a user name, not "
				             "'%s'",
				             optarg);
			o->user = optarg;
			break;
		case O_SOCKET_MODE: {
			char *end;
			long m = strtol(optarg, &end, 8);

			if (!*optarg || *end || m < 0 || m > 07777)
				return usage("--socket-mode takes an octal "
				             "mode such as 0660, not '%s'",
				             optarg);
			o->socket_mode = (int)m;
			break;
		}
		case O_HELP:
			fputs(usage_text, stdout);
			return -1;
		case O_VERSION:
			printf("dsnguard-milter (libdsnguard %s)\n",
			       dsng_version());
			return -1;
		case ':':
			return usage("%s needs a value", argv[optind - 1]);
		default:
			return usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage("unexpected argument '%s'", argv[optind]);
	if (!o->socket || !*o->socket)
		return usage("%s", "--socket SPEC is required");
	if (!o->policy_file == !o->preset)
		return usage("%s", "give exactly one of --policy FILE and "
		                   "--preset NAME");
	/* stderr with --foreground unless --log says otherwise. */
	o->log_stderr = log ? !strcmp(log, "stderr") : o->foreground;
	return 0;
}
