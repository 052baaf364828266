/*
 * examples/cli/cmd_batv.c - `dsnguard batv sign|verify`: BATV prvs tags
 * from the command line.
 *
 *   dsnguard batv sign   --key K [--key K2...] [--key-file F]
 *                        [--key-number N] [--days D] [--now T]
 *                        [--exact-case] [--json] ADDRESS
 *   dsnguard batv verify --key K [...] [--key-file F] [--days D] [--now T]
 *                        [--exact-case] [--no-legacy] [--json] ADDRESS
 *
 * A key is "[N:]hex:0011..." or "[N:]text:secret" or a bare secret (text);
 * N is its key number (default 0).  A key file holds one key per line, with
 * '#' comments.  T is seconds since the epoch or a date YYYY-MM-DD (UTC
 * midnight); the default is the current time.  Exit 0 signed / valid,
 * 1 refused or invalid, 2 usage or I/O.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "input.h"

#define MAX_KEYS 32

struct batv_args {
	const char *verb;
	const char *address;
	struct dsng_batv_key keys[MAX_KEYS];
	size_t n_keys;
	long key_number; /* -1: the first key's number */
	unsigned days;
	time_t now;
	unsigned flags;
	int json;
};

static int add_key(TALLOC_CTX *mem, struct batv_args *a, const char *text,
                   size_t len, const char *where)
{
	struct dsng_error err = DSNG_ERROR_INIT;

	if (a->n_keys == MAX_KEYS)
		return cli_usage_error("batv: at most %d keys", MAX_KEYS);
	if (dsng_batv_key_parse(mem, &a->keys[a->n_keys], text, len, 0, &err))
		return cli_usage_error("batv: %s: %s (offset %zu)", where,
		                       err.message, err.offset);
	a->n_keys++;
	return 0;
}

/* One key per line, '#' comments, blank lines skipped; the file is
 * streamed ("-" = stdin, gzip or plain) through the CLI's input reader. */
static int load_key_file(TALLOC_CTX *mem, struct batv_args *a, const char *path)
{
	struct input *in = input_open(mem, path, NULL);
	struct input_line l;
	char where[64];
	int rc;

	if (!in || input_error(in))
		return cli_usage_error("batv: %s: %s", path,
		                       in ? input_error(in) : "out of memory");
	while ((rc = input_next_line(in, INPUT_LF, &l)) > 0) {
		const char *p = l.text;
		size_t n = l.len;

		if (l.too_long)
			return cli_usage_error("batv: %s: line %lu is longer "
			                       "than %d bytes",
			                       input_label(in), l.lineno,
			                       INPUT_MAX_LINE);
		while (n && (p[n - 1] == '\r' || p[n - 1] == ' ' ||
		             p[n - 1] == '\t'))
			n--;
		while (n && (*p == ' ' || *p == '\t'))
			p++, n--;
		if (n && *p != '#') {
			snprintf(where, sizeof(where), "key file line %lu",
			         l.lineno);
			if (add_key(mem, a, p, n, where))
				return CLI_USAGE;
		}
	}
	if (rc < 0)
		return cli_usage_error("batv: %s: %s", input_label(in),
		                       input_error(in));
	talloc_free(in);
	return 0;
}

static int parse_now(const char *s, time_t *out)
{
	char *end;
	long long v;
	struct tm tm;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (!errno && *s && !*end) {
		*out = (time_t)v;
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	if (strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon,
	                              &tm.tm_mday) == 3) {
		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		*out = timegm(&tm);
		return 0;
	}
	return -1;
}

static int parse_args(TALLOC_CTX *mem, int argc, char **argv,
                      struct batv_args *a)
{
	int i;
	char *end;

	memset(a, 0, sizeof(*a));
	a->key_number = -1;
	a->days = DSNG_BATV_DEFAULT_DAYS;
	a->now = time(NULL);
	if (argc < 2)
		return cli_usage_error(
		        "batv: usage: dsnguard batv sign|verify --key K "
		        "[options] ADDRESS");
	a->verb = argv[1];
	if (strcmp(a->verb, "sign") && strcmp(a->verb, "verify"))
		return cli_usage_error(
		        "batv: unknown action '%s' (sign or verify)", a->verb);
	for (i = 2; i < argc; i++) {
		const char *o = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		int needs = !strcmp(o, "--key") || !strcmp(o, "--key-file") ||
		            !strcmp(o, "--key-number") ||
		            !strcmp(o, "--days") || !strcmp(o, "--now");
		if (needs && !v)
			return cli_usage_error("batv: %s needs a value", o);
		if (!strcmp(o, "--key")) {
			if (add_key(mem, a, v, strlen(v), "--key"))
				return CLI_USAGE;
		} else if (!strcmp(o, "--key-file")) {
			if (load_key_file(mem, a, v))
				return CLI_USAGE;
		} else if (!strcmp(o, "--key-number")) {
			a->key_number = strtol(v, &end, 10);
			if (*end || !*v || a->key_number < 0 ||
			    a->key_number > 9)
				return cli_usage_error(
				        "batv: --key-number must be 0..9");
		} else if (!strcmp(o, "--days")) {
			unsigned long d = strtoul(v, &end, 10);
			if (*end || !*v || d < 1 || d > DSNG_BATV_MAX_DAYS)
				return cli_usage_error(
				        "batv: --days must be 1..%d",
				        DSNG_BATV_MAX_DAYS);
			a->days = (unsigned)d;
		} else if (!strcmp(o, "--now")) {
			if (parse_now(v, &a->now))
				return cli_usage_error(
				        "batv: --now takes seconds since "
				        "the epoch or YYYY-MM-DD");
		} else if (!strcmp(o, "--json")) {
			a->json = 1;
		} else if (!strcmp(o, "--exact-case")) {
			a->flags |= DSNG_BATV_EXACT_CASE;
		} else if (!strcmp(o, "--no-legacy")) {
			a->flags |= DSNG_BATV_NO_LEGACY;
		} else if (o[0] == '-' && o[1]) {
			return cli_usage_error("batv: unknown option '%s'", o);
		} else if (a->address) {
			return cli_usage_error("batv: one ADDRESS only");
		} else {
			a->address = o;
		}
		if (needs)
			i++;
	}
	if (!a->address)
		return cli_usage_error("batv: ADDRESS missing");
	if (!a->n_keys)
		return cli_usage_error("batv: no key (--key or --key-file)");
	return 0;
}

/* "<a@b>" -> "a@b": the tag lives inside the brackets. */
static void unbracket(const char *s, const char **p, size_t *len)
{
	size_t n = strlen(s);

	if (n >= 2 && s[0] == '<' && s[n - 1] == '>') {
		*p = s + 1;
		*len = n - 2;
	} else {
		*p = s;
		*len = n;
	}
}

static int do_sign(TALLOC_CTX *mem, const struct batv_args *a,
                   const struct dsng_batv_opts *o, const char *addr, size_t len)
{
	struct dsng_error err = DSNG_ERROR_INIT;
	char *out;

	if (dsng_batv_sign(mem, &out, addr, len, a->now, o, &err)) {
		if (a->json) {
			json_t *j = json_object();
			json_object_set_new(j, "ok", json_false());
			json_object_set_new(j, "error", cli_json_error(&err));
			cli_json_print(j);
		} else {
			fprintf(stderr, "dsnguard: batv sign: %s\n",
			        err.message);
		}
		return CLI_REJECTED;
	}
	if (a->json) {
		json_t *j = json_object();
		json_object_set_new(j, "ok", json_true());
		json_object_set_new(j, "address", cli_json_str(out));
		json_object_set_new(j, "original", cli_json_bytes(addr, len));
		json_object_set_new(j, "key_number", json_integer(o->sign_key));
		json_object_set_new(j, "days", json_integer(o->days));
		cli_json_print(j);
	} else {
		printf("%s\n", out);
	}
	return CLI_OK;
}

static int do_verify(const struct batv_args *a, const struct dsng_batv_opts *o,
                     const char *addr, size_t len)
{
	struct dsng_error err = DSNG_ERROR_INIT;
	struct dsng_batv_verdict v = DSNG_BATV_VERDICT_INIT;
	int rc = dsng_batv_verify(&v, addr, len, a->now, o, &err);
	int tagged = v.result != DSNG_BATV_NOT_TAGGED &&
	             v.result != DSNG_BATV_MALFORMED;

	if (rc == DSNG_EINVAL) {
		fprintf(stderr, "dsnguard: batv verify: %s\n", err.message);
		return CLI_USAGE;
	}
	if (a->json) {
		json_t *j = json_object();
		json_object_set_new(j, "ok", json_boolean(rc == DSNG_OK));
		json_object_set_new(
		        j, "result",
		        json_string(dsng_batv_result_name(v.result)));
		json_object_set_new(j, "address", cli_json_bytes(addr, len));
		if (tagged) {
			char *orig = NULL;
			dsng_batv_strip(NULL, &orig, addr, len, NULL);
			json_object_set_new(j, "original", cli_json_str(orig));
			talloc_free(orig);
			json_object_set_new(j, "key_number",
			                    json_integer(v.tag.key_number));
			json_object_set_new(j, "day", json_integer(v.tag.day));
			json_object_set_new(j, "legacy_order",
			                    json_boolean(v.tag.legacy_order));
		} else {
			json_object_set_new(j, "original", json_null());
			json_object_set_new(j, "key_number", json_null());
			json_object_set_new(j, "day", json_null());
			json_object_set_new(j, "legacy_order", json_null());
		}
		if (v.result == DSNG_BATV_VALID ||
		    v.result == DSNG_BATV_EXPIRED)
			json_object_set_new(j, "days_left",
			                    json_integer(v.days_left));
		else
			json_object_set_new(j, "days_left", json_null());
		json_object_set_new(j, "error",
		                    rc ? cli_json_error(&err) : json_null());
		cli_json_print(j);
	} else if (rc == DSNG_OK) {
		printf("valid: key %u, expires in %d day%s\n", v.tag.key_number,
		       v.days_left, v.days_left == 1 ? "" : "s");
	} else {
		printf("%s: %s\n", dsng_batv_result_name(v.result),
		       err.message);
	}
	return rc == DSNG_OK ? CLI_OK : CLI_REJECTED;
}

int cli_batv(int argc, char **argv)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct batv_args a;
	struct dsng_batv_opts o;
	const char *addr;
	size_t len;
	int rc;

	if (!mem)
		return cli_usage_error("batv: out of memory");
	if (argc >= 2 &&
	    (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: dsnguard batv sign|verify --key "
		       "[N:](hex:HEX|text:TEXT) "
		       "[--key-file F] [--key-number N] [--days D] [--now T] "
		       "[--exact-case] [--no-legacy] [--json] ADDRESS\n");
		talloc_free(mem);
		return CLI_OK;
	}
	rc = parse_args(mem, argc, argv, &a);
	if (rc) {
		talloc_free(mem);
		return CLI_USAGE;
	}
	dsng_batv_opts_init(&o, DSNG_BATV_OPTS_VERSION);
	o.keys = a.keys;
	o.n_keys = a.n_keys;
	o.sign_key =
	        a.key_number >= 0 ? (unsigned)a.key_number : a.keys[0].number;
	o.days = a.days;
	o.flags = a.flags;
	unbracket(a.address, &addr, &len);
	if (!strcmp(a.verb, "sign"))
		rc = do_sign(mem, &a, &o, addr, len);
	else
		rc = do_verify(&a, &o, addr, len);
	talloc_free(mem);
	return rc;
}
