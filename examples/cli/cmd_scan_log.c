/*
 * examples/cli/cmd_scan_log.c - `dsnguard scan-log [--json] [FILE...]`:
 * the DSNs a sendmail, Postfix or Exim server generated, who provoked
 * them and where they went, then a summary (DESIGN.md section 5).  Files
 * are read in the order given through one scanner, so a message whose
 * lines span a log rotation (mail.log.1 then mail.log) is still joined.
 */
#include <errno.h>
#include <string.h>

#include "cli.h"

static json_t *str_list(char **v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, cli_json_str(v[i]));
	return a;
}

static void print_json_event(const struct dsng_maillog_event *ev)
{
	json_t *o = json_object(), *c = json_object();

	json_object_set_new(o, "event", json_string("dsn"));
	json_object_set_new(o, "mta", json_string(dsng_maillog_mta_name(ev->mta)));
	json_object_set_new(o, "time", cli_json_str(ev->time));
	json_object_set_new(o, "kind", json_string(dsng_maillog_kind_name(ev->kind)));
	json_object_set_new(o, "text", cli_json_str(ev->text));
	json_object_set_new(o, "orig_queue_id", cli_json_str(ev->orig_queue_id));
	json_object_set_new(o, "dsn_queue_id", cli_json_str(ev->dsn_queue_id));
	json_object_set_new(o, "to", cli_json_str(ev->to));
	json_object_set_new(o, "orig_from", cli_json_str(ev->orig_from));
	json_object_set_new(o, "orig_rcpts", str_list(ev->orig_rcpts, ev->n_orig_rcpts));
	json_object_set_new(c, "name", cli_json_str(ev->client_name));
	json_object_set_new(c, "addr", cli_json_str(ev->client_addr));
	json_object_set_new(c, "port", cli_json_str(ev->client_port));
	json_object_set_new(c, "sasl_username", cli_json_str(ev->sasl_username));
	json_object_set_new(o, "client", c);
	json_object_set_new(o, "service", cli_json_str(ev->service));
	json_object_set_new(o, "host", cli_json_str(ev->host));
	json_object_set_new(o, "postmaster", json_boolean(ev->postmaster));
	json_object_set_new(o, "line", json_integer((json_int_t)ev->line));
	cli_json_print(o);
}

static const char *or_dash(const char *s)
{
	return s ? s : "-";
}

static void print_text_event(const struct dsng_maillog_event *ev)
{
	size_t i;

	printf("%s  %-8s %-7s %s -> %s  to %s\n", or_dash(ev->time),
	       dsng_maillog_mta_name(ev->mta), dsng_maillog_kind_name(ev->kind),
	       or_dash(ev->orig_queue_id), or_dash(ev->dsn_queue_id),
	       ev->to ? (*ev->to ? ev->to : "<>") : "?");
	printf("    \"%s\"; original from <%s> to", or_dash(ev->text),
	       ev->orig_from ? ev->orig_from : "?");
	for (i = 0; i < ev->n_orig_rcpts; i++)
		printf(" <%s>", ev->orig_rcpts[i]);
	if (!ev->n_orig_rcpts)
		printf(" ?");
	printf("\n    client %s[%s]", ev->client_name ? ev->client_name : "?",
	       ev->client_addr ? ev->client_addr : "?");
	if (ev->client_port)
		printf(":%s", ev->client_port);
	if (ev->sasl_username)
		printf(" authenticated as %s", ev->sasl_username);
	printf(" via %s\n", ev->service ? ev->service : "?");
}

static void drain(struct dsng_maillog *s, int json)
{
	struct dsng_maillog_event *ev;

	while (dsng_maillog_next(NULL, &ev, s) == DSNG_OK && ev) {
		if (json)
			print_json_event(ev);
		else
			print_text_event(ev);
		talloc_free(ev);
	}
}

static json_t *rows_json(struct dsng_maillog_count **rows, size_t n,
                         const char *key, int with_name)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++) {
		json_t *r = json_object();
		json_object_set_new(r, key, cli_json_str(rows[i]->key));
		if (with_name)
			json_object_set_new(r, "name", cli_json_str(rows[i]->name));
		json_object_set_new(r, "count", json_integer((json_int_t)rows[i]->count));
		json_object_set_new(r, "receipts",
		                    json_integer((json_int_t)rows[i]->receipts));
		json_array_append_new(a, r);
	}
	return a;
}

/* The summary's kinds in the order scan-log has always shown them. */
static const enum dsng_dsn_kind kinds_shown[] = {
	DSNG_DSN_SUCCESS, DSNG_DSN_FAILURE, DSNG_DSN_DELAY, DSNG_DSN_RELAYED,
	DSNG_DSN_OTHER};
#define N_KINDS (sizeof(kinds_shown) / sizeof(kinds_shown[0]))

static void print_summary(const struct dsng_maillog_summary *sum, int json)
{
	size_t i;
	size_t k;

	if (json) {
		json_t *o = json_object(), *kinds = json_object();
		json_object_set_new(o, "summary", json_true());
		json_object_set_new(o, "events", json_integer((json_int_t)sum->events));
		json_object_set_new(o, "by_recipient",
		                    rows_json(sum->by_recipient, sum->n_by_recipient,
		                              "to", 0));
		json_object_set_new(o, "by_client",
		                    rows_json(sum->by_client, sum->n_by_client, "addr", 1));
		for (k = 0; k < N_KINDS; k++)
			json_object_set_new(kinds, dsng_maillog_kind_name(kinds_shown[k]),
			                    json_integer((json_int_t)sum->by_kind[kinds_shown[k]]));
		json_object_set_new(o, "by_kind", kinds);
		json_object_set_new(o, "lines", json_integer((json_int_t)sum->lines));
		json_object_set_new(o, "mail_lines", json_integer((json_int_t)sum->mail));
		json_object_set_new(o, "ignored", json_integer((json_int_t)sum->ignored));
		json_object_set_new(o, "garbage", json_integer((json_int_t)sum->garbage));
		json_object_set_new(o, "evicted", json_integer((json_int_t)sum->evicted));
		json_object_set_new(o, "auth_warnings",
		                    json_integer((json_int_t)sum->auth_warnings));
		json_object_set_new(o, "dsn_refused",
		                    json_integer((json_int_t)sum->dsn_refused));
		cli_json_print(o);
		return;
	}
	printf("\n%lu DSN events (", sum->events);
	for (k = 0; k < N_KINDS; k++)
		printf("%s%s %lu", k ? ", " : "", dsng_maillog_kind_name(kinds_shown[k]),
		       sum->by_kind[kinds_shown[k]]);
	printf(") from %lu lines (%lu MTA lines, %lu ignored, %lu garbage)\n",
	       sum->lines, sum->mail, sum->ignored, sum->garbage);
	if (sum->auth_warnings || sum->dsn_refused)
		printf("%lu sendmail Authentication-Warning lines, %lu refused DSN "
		       "requests logged\n",
		       sum->auth_warnings, sum->dsn_refused);
	if (sum->n_by_recipient)
		printf("\nDSNs mailed to (count, of which receipts):\n");
	for (i = 0; i < sum->n_by_recipient; i++)
		printf("  %6lu %6lu  %s\n", sum->by_recipient[i]->count,
		       sum->by_recipient[i]->receipts,
		       sum->by_recipient[i]->key ? sum->by_recipient[i]->key : "(unknown)");
	if (sum->n_by_client)
		printf("\nClients whose mail provoked them:\n");
	for (i = 0; i < sum->n_by_client; i++)
		printf("  %6lu %6lu  %s (%s)\n", sum->by_client[i]->count,
		       sum->by_client[i]->receipts,
		       sum->by_client[i]->key ? sum->by_client[i]->key : "(no address)",
		       sum->by_client[i]->name ? sum->by_client[i]->name : "?");
}

static int scan_one(struct dsng_maillog *s, const char *path, int json)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char buf[65536];
	size_t n;
	struct dsng_error err = DSNG_ERROR_INIT;

	if (!f) {
		fprintf(stderr, "dsnguard: scan-log: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (dsng_maillog_feed(s, buf, n, &err)) {
			fprintf(stderr, "dsnguard: scan-log: %s: %s\n", path, err.message);
			if (f != stdin)
				fclose(f);
			return -1;
		}
		drain(s, json);
	}
	if (ferror(f)) {
		fprintf(stderr, "dsnguard: scan-log: %s: read error\n", path);
		if (f != stdin)
			fclose(f);
		return -1;
	}
	if (f != stdin)
		fclose(f);
	return 0;
}

int cli_scan_log(int argc, char **argv)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct dsng_maillog *s = NULL;
	struct dsng_maillog_summary *sum = NULL;
	struct dsng_error err = DSNG_ERROR_INIT;
	int json = 0, i, nfiles = 0, rc = CLI_OK, opts_done = 0;

	for (i = 1; i < argc; i++) {
		if (!opts_done && !strcmp(argv[i], "--json"))
			json = 1;
		else if (!opts_done && !strcmp(argv[i], "--"))
			opts_done = 1;
		else if (!opts_done && (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))) {
			printf("usage: dsnguard scan-log [--json] [FILE...]\n");
			talloc_free(mem);
			return CLI_OK;
		} else if (!opts_done && argv[i][0] == '-' && argv[i][1]) {
			talloc_free(mem);
			return cli_usage_error("scan-log: unknown option '%s'", argv[i]);
		} else
			nfiles++;
	}
	if (!mem || dsng_maillog_new(mem, &s, NULL, &err)) {
		talloc_free(mem);
		return cli_usage_error("scan-log: out of memory");
	}
	opts_done = 0;
	if (!nfiles)
		rc = scan_one(s, "-", json) ? CLI_USAGE : CLI_OK;
	for (i = 1; i < argc && rc == CLI_OK; i++) {
		if (!opts_done && !strcmp(argv[i], "--")) {
			opts_done = 1;
			continue;
		}
		if (!opts_done && argv[i][0] == '-' && argv[i][1])
			continue;
		if (scan_one(s, argv[i], json))
			rc = CLI_USAGE;
	}
	if (rc == CLI_OK) {
		if (dsng_maillog_finish(s, &err) == DSNG_OK) {
			drain(s, json);
			if (dsng_maillog_summary(mem, &sum, s, &err) == DSNG_OK)
				print_summary(sum, json);
			else
				rc = cli_usage_error("scan-log: %s", err.message);
		} else {
			rc = cli_usage_error("scan-log: %s", err.message);
		}
	}
	talloc_free(mem);
	return rc;
}
