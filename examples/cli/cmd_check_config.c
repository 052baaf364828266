/*
 * examples/cli/cmd_check_config.c - `dsnguard check-config [--json] FILE`:
 * load a policy config (with its included CIDR lists) and print "ok" or
 * the first error as FILE:LINE:COLUMN.  Exit 0 ok, 1 invalid, 2 usage or
 * a file that cannot be read.  The library's warnings about a config that
 * loads (dsng_policy_warning_get) go to stderr as "warning: ..." lines
 * (and into the JSON as "warnings"); they do not change the exit code.
 */
#include <string.h>

#include "cli.h"

int cli_check_config(int argc, char **argv)
{
	const char *file = NULL;
	struct dsng_policy *p = NULL;
	struct dsng_error err = DSNG_ERROR_INIT;
	TALLOC_CTX *mem;
	int json = 0, i, rc, exitc;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: dsnguard check-config [--json] FILE\n");
			return CLI_OK;
		} else if (argv[i][0] == '-' && argv[i][1])
			return cli_usage_error(
			        "check-config: unknown option %s", argv[i]);
		else if (file)
			return cli_usage_error("check-config: one FILE only");
		else
			file = argv[i];
	}
	if (!file)
		return cli_usage_error("usage: dsnguard check-config [--json] "
		                       "FILE");
	mem = talloc_new(NULL);
	if (!mem)
		return CLI_USAGE;
	dsng_error_clear(&err);
	rc = dsng_policy_load(mem, &p, file, NULL, &err);
	if (rc == 0) {
		size_t k, n_warn = dsng_policy_warning_count(p);

		exitc = CLI_OK;
		for (k = 0; k < n_warn; k++)
			fprintf(stderr, "warning: %s\n",
			        dsng_policy_warning_get(p, k)->message);
		if (json) {
			json_t *o = json_object(), *w = json_array();
			json_object_set_new(o, "ok", json_true());
			json_object_set_new(o, "file", cli_json_str(file));
			json_object_set_new(
			        o, "networks",
			        json_integer(
			                (json_int_t)dsng_policy_network_count(
			                        p)));
			for (k = 0; k < n_warn; k++)
				json_array_append_new(
				        w, cli_json_str(
				                   dsng_policy_warning_get(p, k)
				                           ->message));
			if (n_warn)
				json_object_set_new(o, "warnings", w);
			else
				json_decref(w);
			cli_json_print(o);
		} else {
			printf("%s: ok (%zu trusted network range%s after "
			       "merging)\n",
			       file, dsng_policy_network_count(p),
			       dsng_policy_network_count(p) == 1 ? "" : "s");
		}
	} else {
		/* I/O trouble (the file or an include) is exit 2, a config that
		 * reads but is wrong is exit 1. */
		exitc = (rc == DSNG_EIO || rc == DSNG_ENOMEM) ? CLI_USAGE
		                                              : CLI_REJECTED;
		if (json) {
			json_t *o = json_object();
			json_object_set_new(o, "ok", json_false());
			json_object_set_new(o, "file", cli_json_str(file));
			json_object_set_new(o, "error", cli_json_error(&err));
			cli_json_print(o);
		} else {
			fprintf(exitc == CLI_USAGE ? stderr : stdout, "%s\n",
			        err.message);
		}
	}
	talloc_free(mem);
	return exitc;
}
