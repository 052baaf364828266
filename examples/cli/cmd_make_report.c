/*
 * examples/cli/cmd_make_report.c - `dsnguard make-report [--policy FILE |
 * --preset NAME | --no-policy] [--now TIME] [--crlf] [--max-returned N]
 * SPEC.json [ORIGINAL]`: write one delivery report for the transaction
 * SPEC describes (DESIGN.md section 5), after the policy's veto.
 *
 * Exit status: 0 written (or nothing to report because NOTIFY, or a null
 * sender, left no entry: a note on stderr), 1 the policy vetoed every
 * entry (nothing written), 2 usage, I/O, bad policy, bad SPEC.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "input.h"
#include "read.h"

#define USAGE                                                                  \
	"usage: dsnguard make-report [--policy FILE | --preset NAME | "        \
	"--no-policy] [--now TIME] [--crlf] [--max-returned N] SPEC.json "     \
	"[ORIGINAL]"

/* ---- jansson as a dsngb_reader --------------------------------------- */

static enum dsngb_kind j_kind(void *v)
{
	switch (json_typeof((json_t *)v)) {
	case JSON_NULL:
		return DSNGB_NULL;
	case JSON_TRUE:
	case JSON_FALSE:
		return DSNGB_BOOL;
	case JSON_INTEGER:
		return DSNGB_INT;
	case JSON_STRING:
		return DSNGB_STR;
	case JSON_ARRAY:
		return DSNGB_LIST;
	case JSON_OBJECT:
		return DSNGB_MAP;
	default:
		return DSNGB_OTHER;
	}
}

static void *j_map_get(void *m, const char *key)
{
	return json_object_get((json_t *)m, key);
}

static int j_map_each(void *m, int (*fn)(void *arg, const char *key), void *arg)
{
	const char *key;
	json_t *val;
	int rc;

	json_object_foreach((json_t *)m, key, val)
	{
		(void)val;
		if ((rc = fn(arg, key)))
			return rc;
	}
	return 0;
}

static size_t j_list_len(void *l)
{
	return json_array_size((json_t *)l);
}

static void *j_list_get(void *l, size_t i)
{
	return json_array_get((json_t *)l, i);
}

static const char *j_str(void *v, size_t *len)
{
	*len = json_string_length((json_t *)v);
	return json_string_value((json_t *)v);
}

static long long j_int(void *v)
{
	return (long long)json_integer_value((json_t *)v);
}

static bool j_bool(void *v)
{
	return json_is_true((json_t *)v);
}

static const struct dsngb_reader json_reader = {
        j_kind,     j_map_get, j_map_each, j_list_len,
        j_list_get, j_str,     j_int,      j_bool};

/* ---- options --------------------------------------------------------- */

static int digits(const char *s, size_t n, unsigned *out)
{
	size_t i;

	*out = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*out = *out * 10 + (unsigned)(s[i] - '0');
	}
	return 0;
}

/* TIME: YYYY-MM-DD[THH:MM:SSZ] (UTC) or seconds since the epoch. */
static int parse_time(const char *s, int64_t *out)
{
	static const unsigned mdays[12] = {31, 29, 31, 30, 31, 30,
	                                   31, 31, 30, 31, 30, 31};
	size_t n = strlen(s);
	unsigned y, mo, d, h = 0, mi = 0, se = 0;
	char *end;

	if (n && strspn(s, "0123456789") == n) {
		unsigned long long v;

		errno = 0;
		v = strtoull(s, &end, 10);
		if (errno || v > 253402300799ULL)
			return -1;
		*out = (int64_t)v;
		return 0;
	}
	if ((n != 10 && n != 20) || s[4] != '-' || s[7] != '-' ||
	    digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d))
		return -1;
	if (n == 20 && (s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
	                s[19] != 'Z' || digits(s + 11, 2, &h) ||
	                digits(s + 14, 2, &mi) || digits(s + 17, 2, &se)))
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 &&
	     !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) ||
	    h > 23 || mi > 59 || se > 59)
		return -1;
	/* The fields are checked above; timegm (UTC, glibc and the BSDs)
	 * does the calendar. */
	{
		struct tm tm = {0};

		tm.tm_year = (int)y - 1900;
		tm.tm_mon = (int)mo - 1;
		tm.tm_mday = (int)d;
		tm.tm_hour = (int)h;
		tm.tm_min = (int)mi;
		tm.tm_sec = (int)se;
		*out = (int64_t)timegm(&tm);
	}
	return 0;
}

struct args {
	const char *policy, *preset, *spec, *original;
	bool no_policy, crlf, has_now;
	int64_t now;
	size_t max_returned;
};

static int parse_args(int argc, char **argv, struct args *a)
{
	int i;

	memset(a, 0, sizeof(*a));
	a->max_returned = DSNG_REPORT_BUILD_MAX_RETURNED;
	for (i = 1; i < argc; i++) {
		const char *o = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(o, "--no-policy")) {
			a->no_policy = true;
		} else if (!strcmp(o, "--crlf")) {
			a->crlf = true;
		} else if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
			printf("%s\n", USAGE);
			return -1;
		} else if (!strcmp(o, "--policy") || !strcmp(o, "--preset") ||
		           !strcmp(o, "--now") ||
		           !strcmp(o, "--max-returned")) {
			if (!v)
				return cli_usage_error(
				        "make-report: %s needs a "
				        "value",
				        o);
			i++;
			if (!strcmp(o, "--policy")) {
				a->policy = v;
			} else if (!strcmp(o, "--preset")) {
				a->preset = v;
			} else if (!strcmp(o, "--now")) {
				if (parse_time(v, &a->now))
					return cli_usage_error(
					        "make-report: --now takes "
					        "YYYY-MM-DD[THH:MM:SSZ] or "
					        "seconds since the epoch, not "
					        "'%s'",
					        v);
				a->has_now = true;
			} else {
				char *end;
				unsigned long long n;

				errno = 0;
				n = strtoull(v, &end, 10);
				if (errno || !*v || *end || *v == '-' ||
				    n > DSNG_REPORT_BUILD_MAX_RETURNED_CEILING)
					return cli_usage_error(
					        "make-report: --max-returned "
					        "takes 0 to %u, not '%s'",
					        DSNG_REPORT_BUILD_MAX_RETURNED_CEILING,
					        v);
				a->max_returned = (size_t)n;
			}
		} else if (o[0] == '-' && o[1]) {
			return cli_usage_error("make-report: unknown option %s",
			                       o);
		} else if (!a->spec) {
			a->spec = o;
		} else if (!a->original) {
			a->original = o;
		} else {
			return cli_usage_error("%s", USAGE);
		}
	}
	if (!a->spec)
		return cli_usage_error("%s", USAGE);
	if (!!a->policy + !!a->preset + a->no_policy > 1)
		return cli_usage_error("make-report: --policy, --preset and "
		                       "--no-policy exclude each other");
	if (!a->policy && !a->preset && !a->no_policy)
		a->preset = "recommended";
	return 0;
}

static void notes(const struct dsng_report_build_result *res)
{
	size_t i;

	for (i = 0; i < res->n_entries; i++) {
		const struct dsng_report_build_entry *e = &res->entries[i];

		if (e->fate == DSNG_REPORT_BUILD_VETOED)
			fprintf(stderr,
			        "dsnguard: make-report: <%s>: vetoed: %s "
			        "[%s%s%s]\n",
			        e->addr, e->reason,
			        e->decision.origin ? e->decision.origin : "",
			        e->decision.origin ? ":" : "",
			        e->decision.rule ? e->decision.rule : "");
		else if (e->fate == DSNG_REPORT_BUILD_NOT_REQUESTED)
			fprintf(stderr,
			        "dsnguard: make-report: <%s>: not reported: "
			        "%s\n",
			        e->addr, e->reason);
	}
}

/* All of path ("-" = stdin, gzip or plain) on mem; NULL, said on stderr,
 * when it cannot be read. */
static const char *read_whole(TALLOC_CTX *mem, const char *path, size_t *len)
{
	struct input *in = input_open(mem, path, NULL);
	struct input_msg m;

	if (in && !input_error(in) && input_whole(in, SIZE_MAX - 1, &m) > 0) {
		*len = m.len;
		return m.text;
	}
	fprintf(stderr, "dsnguard: make-report: %s: %s\n",
	        in ? input_label(in) : path,
	        in ? input_error(in) : "out of memory");
	return NULL;
}

int cli_make_report(int argc, char **argv)
{
	struct args a;
	struct dsng_error err = DSNG_ERROR_INIT;
	struct dsng_report_build_opts opts = DSNG_REPORT_BUILD_OPTS_INIT;
	struct dsng_policy *pol = NULL;
	struct dsng_report_build_result *res = NULL;
	struct dsngb_report_spec *spec = NULL;
	json_error_t jerr;
	json_t *root;
	const char *buf, *orig = NULL;
	char msg[256];
	size_t len, orig_len = 0;
	TALLOC_CTX *mem;
	int rc, status = CLI_USAGE;

	/* -1: --help was answered; otherwise 0 or the usage error's code */
	rc = parse_args(argc, argv, &a);
	if (rc)
		return rc < 0 ? CLI_OK : rc;
	mem = talloc_new(NULL);
	if (!mem)
		return CLI_USAGE;
	if (a.policy)
		rc = dsng_policy_load(mem, &pol, a.policy, NULL, &err);
	else if (a.preset)
		rc = dsng_policy_preset(mem, &pol, a.preset, &err);
	if (rc) {
		fprintf(stderr, "dsnguard: make-report: %s\n", err.message);
		goto out;
	}
	/* Both files are read through the CLI's input reader ("-" = stdin,
	 * gzip or plain), each whole: the SPEC is one JSON document, and the
	 * plan of what is returned looks at all of the original. */
	buf = read_whole(mem, a.spec, &len);
	if (!buf)
		goto out;
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		fprintf(stderr, "dsnguard: make-report: %s:%d:%d: %s\n", a.spec,
		        jerr.line, jerr.column, jerr.text);
		goto out;
	}
	rc = dsngb_report_spec_read(&json_reader, mem, root, &spec, msg,
	                            sizeof(msg));
	json_decref(root);
	if (rc) {
		fprintf(stderr, "dsnguard: make-report: %s: %s\n", a.spec, msg);
		goto out;
	}
	if (a.original) {
		orig = read_whole(mem, a.original, &orig_len);
		if (!orig)
			goto out;
	}
	opts.has_now = a.has_now;
	opts.now = a.now;
	opts.crlf = a.crlf;
	opts.max_returned = a.max_returned;
	opts.no_policy = a.no_policy;
	dsng_error_clear(&err);
	rc = dsng_report_build(mem, &res, pol,
	                       spec->has_client ? &spec->session : NULL,
	                       &spec->spec, orig, orig_len, &opts, &err);
	if (rc) {
		fprintf(stderr, "dsnguard: make-report: %s: %s\n", a.spec,
		        err.message);
		goto out;
	}
	notes(res);
	switch (res->outcome) {
	case DSNG_REPORT_BUILD_WRITTEN:
		if (fwrite(res->data, 1, res->len, stdout) != res->len ||
		    fflush(stdout)) {
			fprintf(stderr, "dsnguard: make-report: writing: %s\n",
			        strerror(errno));
			goto out;
		}
		status = CLI_OK;
		break;
	case DSNG_REPORT_BUILD_NONE_REQUESTED:
		fprintf(stderr,
		        "dsnguard: make-report: nothing to report: %s\n",
		        !*res->envelope_to ? "the envelope sender is null (<>)"
		        : res->n_entries
		                ? "no recipient's NOTIFY asks for a report of "
		                  "its action"
		                : "the SPEC lists no recipient");
		status = CLI_OK;
		break;
	default:
		fprintf(stderr, "dsnguard: make-report: nothing written: the "
		                "policy vetoed every entry\n");
		status = CLI_REJECTED;
		break;
	}
out:
	talloc_free(mem);
	return status;
}
