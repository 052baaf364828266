/*
 * examples/cli/cmd_scan_log.c - `dsnguard scan-log [--json] [FILE...]`:
 * the DSNs a sendmail, Postfix or Exim server generated, who provoked
 * them and where they went, then a summary (DESIGN.md section 5).  Files
 * are read through one scanner, so a message whose lines span a log
 * rotation (mail.log.1 then mail.log) is still joined; rotated logs given
 * newest first, as a shell glob sorts them, are read oldest first (see
 * order_files).  Each file is streamed a line at a time (input.h: plain or
 * gzip, "-" for stdin), and each event says its file and its line there.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "input.h"
#include "outbuf.h"

/* A file in the order read, and the scanner's line count (which runs on
 * across files) before its first line. */
struct log_file {
	const char *name;
	unsigned long first;
};

struct scan {
	struct dsng_maillog *s;
	int json;
	struct log_file *files;
	size_t n_files;
};

/* An event as one JSON line, the keys in DESIGN.md section 5's order:
 * written straight out (outbuf.h), the same octets jansson gave. */
static void print_json_event(const struct dsng_maillog_event *ev,
                             const char *file, unsigned long line)
{
	size_t i;

	out_s("{\"event\":\"dsn\",\"mta\":");
	out_json_str(dsng_maillog_mta_name(ev->mta));
	out_s(",\"time\":");
	out_json_str(ev->time);
	out_s(",\"kind\":");
	out_json_str(dsng_maillog_kind_name(ev->kind));
	out_s(",\"text\":");
	out_json_str(ev->text);
	out_s(",\"orig_queue_id\":");
	out_json_str(ev->orig_queue_id);
	out_s(",\"dsn_queue_id\":");
	out_json_str(ev->dsn_queue_id);
	out_s(",\"to\":");
	out_json_str(ev->to);
	out_s(",\"orig_from\":");
	out_json_str(ev->orig_from);
	out_s(",\"orig_rcpts\":[");
	for (i = 0; i < ev->n_orig_rcpts; i++) {
		if (i)
			out_n(",", 1);
		out_json_str(ev->orig_rcpts[i]);
	}
	out_s("],\"client\":{\"name\":");
	out_json_str(ev->client_name);
	out_s(",\"addr\":");
	out_json_str(ev->client_addr);
	out_s(",\"port\":");
	out_json_str(ev->client_port);
	out_s(",\"sasl_username\":");
	out_json_str(ev->sasl_username);
	out_s("},\"service\":");
	out_json_str(ev->service);
	out_s(",\"host\":");
	out_json_str(ev->host);
	out_s(",\"postmaster\":");
	out_json_bool(ev->postmaster);
	out_s(",\"file\":");
	out_json_str(file);
	out_s(",\"line\":");
	out_ulong(line, 0);
	out_s("}\n");
}

static const char *or_dash(const char *s)
{
	return s ? s : "-";
}

static void print_text_event(const struct dsng_maillog_event *ev,
                             const char *file, unsigned long line)
{
	size_t i;

	out_s(or_dash(ev->time));
	out_s("  ");
	out_left(dsng_maillog_mta_name(ev->mta), 8);
	out_s(" ");
	out_left(dsng_maillog_kind_name(ev->kind), 7);
	out_s(" ");
	out_s(or_dash(ev->orig_queue_id));
	out_s(" -> ");
	out_s(or_dash(ev->dsn_queue_id));
	out_s("  to ");
	out_s(ev->to ? (*ev->to ? ev->to : "<>") : "?");
	out_s("  (");
	out_s(file);
	out_s(":");
	out_ulong(line, 0);
	out_s(")\n    \"");
	out_s(or_dash(ev->text));
	out_s("\"; original from <");
	out_s(ev->orig_from ? ev->orig_from : "?");
	out_s("> to");
	for (i = 0; i < ev->n_orig_rcpts; i++) {
		out_s(" <");
		out_s(ev->orig_rcpts[i]);
		out_s(">");
	}
	if (!ev->n_orig_rcpts)
		out_s(" ?");
	out_s("\n    client ");
	out_s(ev->client_name ? ev->client_name : "?");
	out_s("[");
	out_s(ev->client_addr ? ev->client_addr : "?");
	out_s("]");
	if (ev->client_port) {
		out_s(":");
		out_s(ev->client_port);
	}
	if (ev->sasl_username) {
		out_s(" authenticated as ");
		out_s(ev->sasl_username);
	}
	out_s(" via ");
	out_s(ev->service ? ev->service : "?");
	out_s("\n");
}

static void drain(struct scan *sc)
{
	const struct dsng_maillog_event *ev;

	/* lent, not taken: each is printed and forgotten, so none need be
	 * built (dsng_maillog_view) */
	while (dsng_maillog_view(&ev, sc->s) == DSNG_OK && ev) {
		/* The scanner numbers lines across files: the event's file
		 * is the last one that starts before its line. */
		size_t lo = 0, hi = sc->n_files;
		const char *file = "-";
		unsigned long line = ev->line;

		while (hi - lo > 1) {
			size_t mid = lo + (hi - lo) / 2;
			if (sc->files[mid].first < ev->line)
				lo = mid;
			else
				hi = mid;
		}
		if (sc->n_files) {
			file = sc->files[lo].name;
			line = ev->line - sc->files[lo].first;
		}
		if (sc->json)
			print_json_event(ev, file, line);
		else
			print_text_event(ev, file, line);
	}
	out_flush();
}

/* A summary table as a JSON array: key, name (by client), count,
 * receipts. */
static void rows_json(struct dsng_maillog_count **rows, size_t n,
                      const char *key, int with_name)
{
	size_t i;

	out_n("[", 1);
	for (i = 0; i < n; i++) {
		out_s(i ? ",{\"" : "{\"");
		out_s(key);
		out_s("\":");
		out_json_str(rows[i]->key);
		if (with_name) {
			out_s(",\"name\":");
			out_json_str(rows[i]->name);
		}
		out_s(",\"count\":");
		out_ulong(rows[i]->count, 0);
		out_s(",\"receipts\":");
		out_ulong(rows[i]->receipts, 0);
		out_n("}", 1);
	}
	out_n("]", 1);
}

/* `,"key":N` */
static void json_count(const char *key, unsigned long v)
{
	out_s(",\"");
	out_s(key);
	out_s("\":");
	out_ulong(v, 0);
}

/* The summary's kinds in the order scan-log has always shown them. */
static const enum dsng_dsn_kind kinds_shown[] = {
        DSNG_DSN_SUCCESS, DSNG_DSN_FAILURE, DSNG_DSN_DELAY, DSNG_DSN_RELAYED,
        DSNG_DSN_OTHER};
#define N_KINDS (sizeof(kinds_shown) / sizeof(kinds_shown[0]))

static void print_summary(const struct dsng_maillog_summary *sum, int json,
                          const struct scan *sc)
{
	size_t i;
	size_t k;

	if (json) {
		out_s("{\"summary\":true");
		json_count("events", sum->events);
		out_s(",\"by_recipient\":");
		rows_json(sum->by_recipient, sum->n_by_recipient, "to", 0);
		out_s(",\"by_client\":");
		rows_json(sum->by_client, sum->n_by_client, "addr", 1);
		out_s(",\"by_kind\":{");
		for (k = 0; k < N_KINDS; k++) {
			out_s(k ? ",\"" : "\"");
			out_s(dsng_maillog_kind_name(kinds_shown[k]));
			out_s("\":");
			out_ulong(sum->by_kind[kinds_shown[k]], 0);
		}
		out_s("},\"files\":[");
		for (i = 0; i < sc->n_files; i++) {
			if (i)
				out_n(",", 1);
			out_json_str(sc->files[i].name);
		}
		out_n("]", 1);
		json_count("lines", sum->lines);
		json_count("mail_lines", sum->mail);
		json_count("ignored", sum->ignored);
		json_count("garbage", sum->garbage);
		json_count("evicted", sum->evicted);
		json_count("auth_warnings", sum->auth_warnings);
		json_count("dsn_refused", sum->dsn_refused);
		json_count("evicted_recipients", sum->evicted_recipients);
		json_count("evicted_clients", sum->evicted_clients);
		out_s(",\"counts_exact\":");
		out_json_bool(sum->counts_exact);
		json_count("recipient_count_error", sum->recipient_count_error);
		json_count("client_count_error", sum->client_count_error);
		out_s("}\n");
		out_flush();
		return;
	}
	printf("\n%lu DSN events (", sum->events);
	for (k = 0; k < N_KINDS; k++)
		printf("%s%s %lu", k ? ", " : "",
		       dsng_maillog_kind_name(kinds_shown[k]),
		       sum->by_kind[kinds_shown[k]]);
	printf(") from %lu lines (%lu MTA lines, %lu ignored, %lu garbage)\n",
	       sum->lines, sum->mail, sum->ignored, sum->garbage);
	printf("Files read:");
	for (i = 0; i < sc->n_files; i++)
		printf(" %s", sc->files[i].name);
	printf("\n");
	if (sum->auth_warnings || sum->dsn_refused)
		printf("%lu sendmail Authentication-Warning lines, %lu refused "
		       "DSN "
		       "requests logged\n",
		       sum->auth_warnings, sum->dsn_refused);
	if (sum->evicted || sum->evicted_recipients || sum->evicted_clients)
		printf("evicted to bound memory: %lu queue ids, "
		       "%lu recipient rows, %lu client rows\n",
		       sum->evicted, sum->evicted_recipients,
		       sum->evicted_clients);
	if (!sum->counts_exact)
		printf("counts below are lower bounds, at most %lu short by "
		       "recipient and %lu by client\n",
		       sum->recipient_count_error, sum->client_count_error);
	if (sum->n_by_recipient)
		printf("\nDSNs mailed to (count, of which receipts):\n");
	for (i = 0; i < sum->n_by_recipient; i++) {
		out_s("  ");
		out_ulong(sum->by_recipient[i]->count, 6);
		out_s(" ");
		out_ulong(sum->by_recipient[i]->receipts, 6);
		out_s("  ");
		out_s(sum->by_recipient[i]->key ? sum->by_recipient[i]->key
		                                : "(unknown)");
		out_s("\n");
	}
	out_flush();
	if (sum->n_by_client)
		printf("\nClients whose mail provoked them:\n");
	for (i = 0; i < sum->n_by_client; i++) {
		out_s("  ");
		out_ulong(sum->by_client[i]->count, 6);
		out_s(" ");
		out_ulong(sum->by_client[i]->receipts, 6);
		out_s("  ");
		out_s(sum->by_client[i]->key ? sum->by_client[i]->key
		                             : "(no address)");
		out_s(" (");
		out_s(sum->by_client[i]->name ? sum->by_client[i]->name : "?");
		out_s(")\n");
	}
	out_flush();
}

/* Feed one file ("-" = stdin) to the scanner a read at a time: the
 * scanner splits the lines (a line at a time cost a line search in the
 * reader and a call per line, a twentieth of a run), and counts every
 * line over its max_line as garbage.  A last line without a newline is
 * ended, so it cannot run into the next file's first line, and the
 * scanner's line count when a file starts is the file's offset for the
 * line numbers of its events (the scanner counts them already: a count
 * of its own here was a second pass over every octet). */
static int scan_one(struct scan *sc, const char *path)
{
	struct input *in = input_open(NULL, path, NULL);
	struct dsng_error err = DSNG_ERROR_INIT;
	struct log_file *nf;
	const char *text;
	size_t len;
	char last = '\n';
	int rc = -1, frc = DSNG_OK;

	if (!in) {
		fprintf(stderr, "dsnguard: scan-log: out of memory\n");
		return -1;
	}
	nf = talloc_realloc(sc, sc->files, struct log_file, sc->n_files + 1);
	if (!nf) {
		talloc_free(in);
		fprintf(stderr, "dsnguard: scan-log: out of memory\n");
		return -1;
	}
	sc->files = nf;
	if (!input_error(in)) {
		nf[sc->n_files].name = path;
		nf[sc->n_files].first = dsng_maillog_lines(sc->s);
		sc->n_files++;
	}
	while (!input_error(in) &&
	       (rc = input_next_chunk(in, &text, &len)) > 0) {
		last = text[len - 1];
		frc = dsng_maillog_feed(sc->s, text, len, &err);
		if (frc != DSNG_OK)
			break;
		drain(sc);
	}
	if (frc == DSNG_OK && rc == 0 && last != '\n')
		frc = dsng_maillog_feed(sc->s, "\n", 1, &err);
	if (frc != DSNG_OK) {
		fflush(stdout);
		fprintf(stderr, "dsnguard: scan-log: %s: %s\n", input_label(in),
		        err.message);
		talloc_free(in);
		return -1;
	}
	drain(sc);
	if (rc < 0) {
		fflush(stdout);
		fprintf(stderr, "dsnguard: scan-log: %s: %s\n", input_label(in),
		        input_error(in));
	}
	talloc_free(in);
	return rc < 0 ? -1 : 0;
}

/* How a log file's name places it in a rotation series: BASE, BASE.N or
 * BASE-YYYYMMDD (8 to 14 digits: logrotate's dateext, with the hour or
 * seconds when dateformat adds them), each with or without ".gz". */
enum { ROT_LIVE, ROT_NUMBER, ROT_DATE };

struct rot_name {
	size_t base_len; /* the series is name[0..base_len) */
	int form;
	const char *digits;
	size_t n_digits;
};

static void rot_parse(const char *name, struct rot_name *r)
{
	size_t n = strlen(name), d;

	if (n > 3 && !strcmp(name + n - 3, ".gz"))
		n -= 3;
	d = n;
	while (d > 0 && isdigit((unsigned char)name[d - 1]))
		d--;
	r->base_len = n;
	r->form = ROT_LIVE;
	r->digits = name + d;
	r->n_digits = n - d;
	if (d < 2 || d == n)
		return;
	if (name[d - 1] == '.' && n - d <= 9) {
		r->form = ROT_NUMBER;
		r->base_len = d - 1;
	} else if (name[d - 1] == '-' && n - d >= 8 && n - d <= 14) {
		r->form = ROT_DATE;
		r->base_len = d - 1;
	}
}

/* < 0 when a is older than b: the live file is the newest, BASE.2 is older
 * than BASE.1, an earlier date is older. */
static int rot_cmp(const struct rot_name *a, const struct rot_name *b)
{
	if (a->form == ROT_LIVE || b->form == ROT_LIVE)
		return (a->form == ROT_LIVE) - (b->form == ROT_LIVE);
	if (a->form == ROT_NUMBER) {
		unsigned long x = strtoul(a->digits, NULL, 10);
		unsigned long y = strtoul(b->digits, NULL, 10);
		return x > y ? -1 : x < y;
	}
	if (a->n_digits != b->n_digits)
		return a->n_digits < b->n_digits ? -1 : 1;
	return memcmp(a->digits, b->digits, a->n_digits);
}

/* The order to read names[0..n) in, into order[]: each rotation series
 * (two or more files with one BASE) oldest first, where its first member
 * stands; every other file, and "-", where it stands.  A series that mixes
 * BASE.N and BASE-DATE names has no one order and is left as given.
 * Returns 1 when the order differs from the one given. */
static int order_files(TALLOC_CTX *mem, char **names, size_t n, char **order)
{
	struct rot_name *r = talloc_array(mem, struct rot_name, n ? n : 1);
	char *used = talloc_zero_array(mem, char, n ? n : 1);
	size_t *g = talloc_array(mem, size_t, n ? n : 1);
	size_t i, j, k, ng, m = 0;
	int changed = 0, forms;

	if (!r || !used || !g) {
		memcpy(order, names, n * sizeof(*names));
		return 0;
	}
	for (i = 0; i < n; i++)
		rot_parse(names[i], &r[i]);
	for (i = 0; i < n; i++) {
		if (used[i])
			continue;
		ng = 0;
		forms = 0;
		for (j = i; j < n; j++) {
			if (used[j] || (j > i && !strcmp(names[i], "-")) ||
			    (j > i && !strcmp(names[j], "-")) ||
			    r[j].base_len != r[i].base_len ||
			    memcmp(names[j], names[i], r[i].base_len))
				continue;
			used[j] = 1;
			forms |= 1 << r[j].form;
			g[ng++] = j;
		}
		/* Oldest first, stable (insertion sort), unless the series
		 * mixes numbers and dates. */
		if (!((forms & (1 << ROT_NUMBER)) && (forms & (1 << ROT_DATE))))
			for (k = 1; k < ng; k++) {
				size_t x = g[k], l = k;
				while (l > 0 &&
				       rot_cmp(&r[x], &r[g[l - 1]]) < 0) {
					g[l] = g[l - 1];
					l--;
				}
				g[l] = x;
			}
		for (k = 0; k < ng; k++) {
			if (g[k] != m)
				changed = 1;
			order[m++] = names[g[k]];
		}
	}
	talloc_free(r);
	talloc_free(used);
	talloc_free(g);
	return changed;
}

/* Before anything is printed: every FILE exists and is not a directory. */
static int check_file(const char *path)
{
	struct stat st;

	if (!strcmp(path, "-"))
		return 0;
	if (stat(path, &st) != 0 || access(path, R_OK) != 0) {
		fprintf(stderr, "dsnguard: scan-log: %s: %s\n", path,
		        strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		fprintf(stderr, "dsnguard: scan-log: %s: %s\n", path,
		        strerror(EISDIR));
		return -1;
	}
	return 0;
}

int cli_scan_log(int argc, char **argv)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct scan *sc = talloc_zero(mem, struct scan);
	struct dsng_maillog_summary *sum = NULL;
	struct dsng_error err = DSNG_ERROR_INIT;
	char **names = talloc_array(mem, char *, argc ? argc : 1);
	char **order = talloc_array(mem, char *, argc ? argc : 1);
	int i, rc = CLI_OK, opts_done = 0, keep_order = 0;
	size_t nfiles = 0, k;

	if (!sc || !names || !order) {
		talloc_free(mem);
		return cli_usage_error("scan-log: out of memory");
	}
	for (i = 1; i < argc; i++) {
		if (!opts_done && !strcmp(argv[i], "--json"))
			sc->json = 1;
		else if (!opts_done && !strcmp(argv[i], "--keep-order"))
			keep_order = 1;
		else if (!opts_done && !strcmp(argv[i], "--"))
			opts_done = 1;
		else if (!opts_done && (!strcmp(argv[i], "-h") ||
		                        !strcmp(argv[i], "--help"))) {
			printf("usage: dsnguard scan-log [--json] "
			       "[--keep-order] [FILE...]\n");
			talloc_free(mem);
			return CLI_OK;
		} else if (!opts_done && argv[i][0] == '-' && argv[i][1]) {
			talloc_free(mem);
			return cli_usage_error("scan-log: unknown option '%s'",
			                       argv[i]);
		} else
			names[nfiles++] = argv[i];
	}
	if (!nfiles)
		names[nfiles++] = "-";
	for (k = 0; k < nfiles; k++)
		if (check_file(names[k])) {
			talloc_free(mem);
			return CLI_USAGE;
		}
	if (keep_order) {
		memcpy(order, names, nfiles * sizeof(*names));
	} else if (order_files(mem, names, nfiles, order)) {
		fprintf(stderr, "dsnguard: scan-log: reading rotated logs "
		                "oldest first:");
		for (k = 0; k < nfiles; k++)
			fprintf(stderr, " %s", order[k]);
		fprintf(stderr, " (--keep-order reads them as given)\n");
	}
	if (dsng_maillog_new(sc, &sc->s, NULL, &err)) {
		talloc_free(mem);
		return cli_usage_error("scan-log: out of memory");
	}
	for (k = 0; k < nfiles && rc == CLI_OK; k++)
		if (scan_one(sc, order[k]))
			rc = CLI_USAGE;
	if (rc == CLI_OK) {
		if (dsng_maillog_finish(sc->s, &err) == DSNG_OK) {
			drain(sc);
			if (dsng_maillog_summary(mem, &sum, sc->s, &err) ==
			    DSNG_OK) {
				/* The scanner's tables are no longer needed:
				 * the summary's JSON reuses their memory, so
				 * the peak stays that of the tables. */
				TALLOC_FREE(sc->s);
				print_summary(sum, sc->json, sc);
			} else
				rc = cli_usage_error("scan-log: %s",
				                     err.message);
		} else {
			rc = cli_usage_error("scan-log: %s", err.message);
		}
	}
	talloc_free(mem);
	return rc;
}
