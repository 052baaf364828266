/*
 * examples/cli/cmd_export_config.c - `dsnguard export-config --mta
 * postfix|sendmail|exim|opensmtpd (FILE | --preset NAME) [--out DIR]
 * [--map-dir DIR]`: the native configuration for the parts of a policy an
 * MTA can enforce itself (DESIGN.md section 5).
 *
 * The facts come from the library (dsng_policy_offer_get: to whom DSN is
 * offered at EHLO; dsng_policy_networks_format: the trusted networks;
 * dsng_policy_diff: every setting that differs from the RFC defaults).
 * What an MTA can express is who is offered DSN in the EHLO reply; every
 * other differing setting (per-keyword NOTIFY rules, RET downgrades,
 * header stripping, bounce checks) is listed in each file as a comment,
 * with the reason, and with --out in the file UNSUPPORTED too.
 *
 * Exit 0 written, 1 invalid policy file, 2 usage, unknown --mta or
 * preset, I/O.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum mta { MTA_POSTFIX, MTA_SENDMAIL, MTA_EXIM, MTA_OPENSMTPD };

struct export
{
	TALLOC_CTX *mem;
	enum mta mta;
	const char *policy_name;
	const char *map_dir;
	unsigned offer;
	char **nets;
	size_t n_nets;
	struct dsng_policy_rule *rules;
	size_t n_rules;
	/* What cannot be expressed: "rule = value (origin:line): why". */
	char **unsupported;
	size_t n_unsupported;
	/* The fragments: name and text. */
	const char *file[4];
	char *text[4];
	size_t n_files;
};

/* A comment-safe copy: control bytes become '?'. */
static char *safe(TALLOC_CTX *mem, const char *s)
{
	char *c = talloc_strdup(mem, s ? s : "");
	char *p;

	for (p = c; p && *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return c;
}

static void unsupported(struct export *x, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 2, 3)))
#endif
        ;

static void unsupported(struct export *x, const char *fmt, ...)
{
	va_list ap;
	char *line;

	va_start(ap, fmt);
	line = talloc_vasprintf(x->mem, fmt, ap);
	va_end(ap);
	x->unsupported = talloc_realloc(x->mem, x->unsupported, char *,
	                                x->n_unsupported + 1);
	if (x->unsupported && line)
		x->unsupported[x->n_unsupported++] = safe(x->mem, line);
}

static const char *mta_name(enum mta m)
{
	static const char *const names[] = {"Postfix", "sendmail", "Exim",
	                                    "OpenSMTPD"};
	return names[m];
}

/* Why a setting other than ehlo.offer-dsn cannot be written natively, or
 * NULL when the MTA does it by itself. */
static const char *why_not(const struct export *x,
                           const struct dsng_policy_rule *r)
{
	const char *k = r->rule;

	if (!strcmp(k, "ehlo.offer-dsn"))
		return NULL;
	if (!strcmp(k, "rcpt.unoffered") || !strcmp(k, "mail.unoffered")) {
		/* Every one of these MTAs refuses DSN parameters it did not
		 * advertise, with its own reply. */
		if (!strcmp(r->value, "reject"))
			return NULL;
		return "the MTA itself refuses DSN parameters it did not "
		       "offer; ignoring or honouring them needs "
		       "dsnguard-milter";
	}
	if (!strcmp(k, "rcpt.unoffered-reply") ||
	    !strcmp(k, "mail.unoffered-reply"))
		return NULL;
	if (!strcmp(k, "ehlo.honour-unoffered-from"))
		return "the MTA refuses DSN parameters it did not offer; "
		       "honouring them from clients that authenticated after "
		       "EHLO needs dsnguard-milter";
	if (!strncmp(k, "rcpt.", 5))
		return "per-keyword NOTIFY and ORCPT rules at RCPT need "
		       "dsnguard-milter (no MTA judges NOTIFY values by "
		       "client)";
	if (!strncmp(k, "mail.ret-full", 13))
		return "RET=FULL downgrades need dsnguard-milter";
	if (!strncmp(k, "mail.envid", 10))
		return "ENVID rules need dsnguard-milter";
	if (!strncmp(k, "mail.", 5))
		return "MAIL parameter rules need dsnguard-milter";
	if (!strncmp(k, "headers.", 8))
		return "receipt-request header stripping or flagging needs "
		       "dsnguard-milter";
	if (!strncmp(k, "generate.", 9))
		return "the MTA cannot check the original client when it "
		       "generates a DSN; refusing requests at RCPT "
		       "(dsnguard-milter) covers it";
	if (!strncmp(k, "bounce.", 7))
		return "bounce checks (BATV, our-hosts) need dsnguard-milter";
	(void)x;
	return "no native equivalent; needs dsnguard-milter";
}

static void list_rules(struct export *x)
{
	size_t i;

	for (i = 0; i < x->n_rules; i++) {
		const struct dsng_policy_rule *r = &x->rules[i];
		const char *why = why_not(x, r);

		if (!why)
			continue;
		if (r->line)
			unsupported(x, "%s = %s (%s:%u): %s", r->rule, r->value,
			            r->origin, r->line, why);
		else
			unsupported(x, "%s = %s (%s): %s", r->rule, r->value,
			            r->origin, why);
	}
}

/* The offer classes that no MTA's EHLO settings can express. */
static void offer_limits(struct export *x)
{
	if (x->offer & DSNG_POLICY_CLASS_ALL)
		return;
	if (x->offer & DSNG_POLICY_CLASS_TLS)
		unsupported(x,
		            "ehlo.offer-dsn includes tls: %s cannot offer "
		            "DSN only after STARTTLS (DSN is decided by "
		            "client address%s)",
		            mta_name(x->mta),
		            x->mta == MTA_OPENSMTPD ? " or listener" : "");
	if (!(x->offer & DSNG_POLICY_CLASS_LOCAL))
		unsupported(x,
		            "ehlo.offer-dsn leaves out local: %s always "
		            "accepts DSN requests from local (command-line) "
		            "submission; refusing them needs the milter "
		            "(non_smtpd_milters on Postfix)",
		            mta_name(x->mta));
}

static void add_file(struct export *x, const char *name, char *text)
{
	x->file[x->n_files] = name;
	x->text[x->n_files] = text;
	x->n_files++;
}

/* The head of every fragment. */
static char *head(struct export *x, const char *name, const char *what)
{
	return talloc_asprintf(x->mem,
	                       "# dsnguard export-config: %s\n"
	                       "# policy %s, MTA %s (dsnguard %s)\n"
	                       "# %s\n",
	                       name, safe(x->mem, x->policy_name),
	                       mta_name(x->mta), dsng_version(), what);
}

/* The unsupported list as comments, at the end of every fragment. */
static char *tail(struct export *x, char *t)
{
	size_t i;

	if (!t)
		return NULL;
	if (!x->n_unsupported)
		return talloc_asprintf_append(
		        t,
		        "#\n# Every rule of the policy is expressed here.\n");
	t = talloc_asprintf_append(t, "#\n# Not expressed natively by %s:\n",
	                           mta_name(x->mta));
	for (i = 0; i < x->n_unsupported && t; i++)
		t = talloc_asprintf_append(t, "#   %s\n", x->unsupported[i]);
	return t;
}

/* ---- Postfix ---------------------------------------------------------- */

static void export_postfix(struct export *x)
{
	unsigned o = x->offer;
	int all = (o & DSNG_POLICY_CLASS_ALL) != 0;
	int sub = !all && (o & DSNG_POLICY_CLASS_SUBMISSION);
	char *main_cf, *master, *cidr;
	size_t i;

	offer_limits(x);
	list_rules(x);

	main_cf = head(x, "main.cf",
	               all ? "Nothing to add to main.cf: the policy offers DSN "
	                     "to every client (Postfix's default)."
	                   : "Add to main.cf: hide DSN in EHLO from every "
	                     "client but the trusted networks.");
	if (!all)
		main_cf = talloc_asprintf_append(
		        main_cf,
		        "smtpd_discard_ehlo_keyword_address_maps = "
		        "cidr:%s/dsnguard-ehlo.cidr\n",
		        x->map_dir);
	add_file(x, "main.cf", tail(x, main_cf));

	master = head(x, "master.cf",
	              sub ? "Add to master.cf: the submission services offer "
	                    "DSN (an existing service needs only the -o line)."
	                  : "Nothing to add to master.cf: the submission "
	                    "service follows main.cf.");
	if (sub)
		master = talloc_asprintf_append(
		        master,
		        "submission inet n       -       y       -       -     "
		        "  "
		        "smtpd\n"
		        "  -o smtpd_discard_ehlo_keyword_address_maps=\n"
		        "submissions inet n       -       y       -       -    "
		        "   "
		        "smtpd\n"
		        "  -o smtpd_discard_ehlo_keyword_address_maps=\n");
	add_file(x, "master.cf", tail(x, master));

	cidr = head(x, "dsnguard-ehlo.cidr",
	            all ? "Not used: DSN is offered to everyone."
	                : "The EHLO keywords to hide, by client address "
	                  "(first match wins).");
	if (!all) {
		for (i = 0; i < x->n_nets && cidr; i++)
			cidr = talloc_asprintf_append(
			        cidr, "%s silent-discard\n", x->nets[i]);
		cidr = talloc_asprintf_append(cidr,
		                              "0.0.0.0/0 silent-discard, dsn\n"
		                              "::/0 silent-discard, dsn\n");
	}
	add_file(x, "dsnguard-ehlo.cidr", tail(x, cidr));
}

/* ---- sendmail --------------------------------------------------------- */

/* One network as sendmail access-map keys (prefixes of the address text:
 * whole octets for IPv4, whole groups for IPv6), appended to *t.  0, or
 * -1 when it cannot be written in a reasonable number of entries. */
static int sendmail_keys(char **t, const char *net)
{
	char addr[64];
	const char *slash = strchr(net, '/');
	unsigned plen = slash ? (unsigned)atoi(slash + 1) : 0;
	unsigned char b[16];
	size_t alen = slash ? (size_t)(slash - net) : strlen(net);

	if (alen >= sizeof(addr))
		return -1;
	memcpy(addr, net, alen);
	addr[alen] = 0;
	if (inet_pton(AF_INET, addr, b) == 1) {
		unsigned q = (plen + 7) / 8 * 8, n, i, k;

		if (q == 0)
			return -1; /* everyone: the default entry */
		if (q - plen > 8)
			return -1;
		n = 1u << (q - plen);
		for (i = 0; i < n; i++) {
			unsigned char c[4];
			char key[32];
			size_t o = 0;

			memcpy(c, b, 4);
			if (q > plen)
				c[q / 8 - 1] =
				        (unsigned char)(c[q / 8 - 1] + i);
			for (k = 0; k < q / 8; k++)
				o += (size_t)snprintf(key + o, sizeof(key) - o,
				                      "%s%u", k ? "." : "",
				                      c[k]);
			*t = talloc_asprintf_append(*t, "Srv_Features:%s\td\n",
			                            key);
		}
		return 0;
	}
	if (inet_pton(AF_INET6, addr, b) == 1) {
		char key[64];
		size_t o = 0;
		unsigned k;

		if (plen == 128) {
			*t = talloc_asprintf_append(
			        *t, "Srv_Features:IPv6:%s\td\n", addr);
			return 0;
		}
		if (plen == 0 || plen % 16)
			return -1;
		/* sendmail matches the text of the client's address
		 * ("IPv6:2001:db8:1::5") with its last groups cut off: a
		 * zero group in the prefix may be compressed away there. */
		for (k = 0; k < plen / 16; k++)
			if (!b[2 * k] && !b[2 * k + 1])
				return -1;
		for (k = 0; k < plen / 16; k++)
			o += (size_t)snprintf(
			        key + o, sizeof(key) - o, "%s%x", k ? ":" : "",
			        (unsigned)(b[2 * k] << 8 | b[2 * k + 1]));
		*t = talloc_asprintf_append(*t, "Srv_Features:IPv6:%s\td\n",
		                            key);
		return 0;
	}
	return -1;
}

/* sendmail's m4 does not treat '#' as a comment: words such as MAILER or
 * a backquote in a comment would be expanded.  Every comment line but the
 * first (the fragment's name) becomes "dnl # ...", which m4 discards
 * unread. */
static char *dnl_comments(struct export *x, char *t)
{
	char *r, *line, *save = NULL;
	int first = 1;

	if (!t)
		return NULL;
	r = talloc_strdup(x->mem, "");
	for (line = strtok_r(t, "\n", &save); line && r;
	     line = strtok_r(NULL, "\n", &save)) {
		r = talloc_asprintf_append(
		        r, "%s%s\n", (line[0] == '#' && !first) ? "dnl " : "",
		        line);
		first = 0;
	}
	return r;
}

static void export_sendmail(struct export *x)
{
	unsigned o = x->offer;
	int all = (o & DSNG_POLICY_CLASS_ALL) != 0;
	int noreceipts = 0;
	char *mc, *access;
	size_t i;

	/* noreceipts: DSN offered to nobody and receipts honoured for
	 * nobody, which is exactly sendmail's PrivacyOptions=noreceipts. */
	for (i = 0; i < x->n_rules; i++)
		if (!strcmp(x->rules[i].rule, "rcpt.success-from") &&
		    x->rules[i].classes == 0)
			noreceipts = (o == 0);
	offer_limits(x);
	if (!all && !noreceipts && (o & DSNG_POLICY_CLASS_SUBMISSION))
		unsupported(x, "ehlo.offer-dsn includes submission: "
		               "Srv_Features entries are chosen by client "
		               "address, not by daemon, so the MSA port is "
		               "treated like port 25 (a hand-written "
		               "srv_features ruleset on {daemon_name} could "
		               "do it)");
	access = head(x, "access",
	              all || noreceipts
	                      ? "Nothing to add to the access map."
	                      : "Add to the access map, then run makemap "
	                        "hash on it: 'd' offers DSN to the trusted "
	                        "networks, 'D' hides it from everyone else.");
	if (!all && !noreceipts) {
		int everyone = 0;

		for (i = 0; i < x->n_nets && access; i++)
			if (sendmail_keys(&access, x->nets[i])) {
				if (!strcmp(x->nets[i], "::/0") ||
				    !strcmp(x->nets[i], "0.0.0.0/0"))
					everyone = 1;
				else
					unsupported(
					        x,
					        "trusted network %s: sendmail "
					        "access keys are whole octets "
					        "(IPv4) or 16-bit groups "
					        "(IPv6); "
					        "list it in smaller blocks",
					        x->nets[i]);
			}
		if (access)
			access = talloc_asprintf_append(access,
			                                "Srv_Features:\t%s\n",
			                                everyone ? "d" : "D");
	}
	list_rules(x);

	mc = head(x, "sendmail.mc",
	          all ? "Nothing to add to sendmail.mc: the policy offers DSN "
	                "to every client (sendmail's default)."
	              : "Add to sendmail.mc before the MAILER lines, then "
	                "rebuild sendmail.cf.");
	if (noreceipts)
		mc = talloc_asprintf_append(mc,
		                            "define(`confPRIVACY_FLAGS', "
		                            "`authwarnings,noreceipts')dnl\n");
	else if (!all)
		mc = talloc_asprintf_append(mc,
		                            "FEATURE(`access_db', `hash "
		                            "-T<TMPF> -o %s/access')dnl\n",
		                            x->map_dir);
	add_file(x, "sendmail.mc", dnl_comments(x, tail(x, mc)));
	add_file(x, "access", tail(x, access));
}

/* ---- Exim ------------------------------------------------------------- */

static void export_exim(struct export *x)
{
	unsigned o = x->offer;
	int all = (o & DSNG_POLICY_CLASS_ALL) != 0;
	int sub = !all && (o & DSNG_POLICY_CLASS_SUBMISSION);
	int colon = 0;
	char *t, *hosts;
	size_t i;

	offer_limits(x);
	list_rules(x);
	t = head(x, "exim.conf",
	         sub ? "Main-section lines for the Exim configuration: DSN "
	               "for the trusted networks, and for every client on "
	               "the submission ports 587 and 465."
	             : "Main-section lines for the Exim configuration: the "
	               "hosts DSN is offered to.");
	for (i = 0; i < x->n_nets; i++)
		if (strchr(x->nets[i], ':'))
			colon = 1;
	/* IPv6 addresses hold colons, Exim's list separator: change it
	 * to ';' with "<;" when one appears. */
	hosts = talloc_strdup(x->mem, colon ? "<;" : "");
	for (i = 0; i < x->n_nets && hosts; i++)
		hosts = talloc_asprintf_append(hosts, "%s%s",
		                               i ? (colon ? " ; " : " : ")
		                                 : (colon ? " " : ""),
		                               x->nets[i]);
	if (!t || !hosts)
		t = NULL;
	else if (all)
		t = talloc_asprintf_append(t, "dsn_advertise_hosts = *\n");
	else if (sub)
		t = talloc_asprintf_append(
		        t,
		        "dsn_advertise_hosts = ${if "
		        "or{{eq{$received_port}{587}}"
		        "{eq{$received_port}{465}}}{*}{%s}}\n",
		        hosts);
	else
		t = talloc_asprintf_append(t, "dsn_advertise_hosts =%s%s\n",
		                           *hosts ? " " : "", hosts);
	add_file(x, "exim.conf", tail(x, t));
}

/* ---- OpenSMTPD -------------------------------------------------------- */

/* Whether a network lies inside loopback (127.0.0.0/8, ::1). */
static int is_loopback(const char *net)
{
	if (!strcmp(net, "::1/128"))
		return 1;
	if (!strncmp(net, "127.", 4)) {
		const char *s = strchr(net, '/');
		return s && atoi(s + 1) >= 8;
	}
	return 0;
}

static void export_opensmtpd(struct export *x)
{
	unsigned o = x->offer;
	int all = (o & DSNG_POLICY_CLASS_ALL) != 0;
	int sub = all || (o & DSNG_POLICY_CLASS_SUBMISSION);
	int lo = all;
	char *t;
	size_t i;

	for (i = 0; i < x->n_nets; i++)
		if (is_loopback(x->nets[i]))
			lo = 1;

	offer_limits(x);
	if (!all && (o & DSNG_POLICY_CLASS_TRUSTED))
		for (i = 0; i < x->n_nets; i++)
			if (!is_loopback(x->nets[i]))
				unsupported(
				        x,
				        "trusted network %s: OpenSMTPD offers "
				        "DSN per listener, not per client; "
				        "only loopback is expressed (listen "
				        "on lo); give these clients a "
				        "listener of their own",
				        x->nets[i]);
	list_rules(x);
	t = head(x, "smtpd.conf",
	         "Listener options: no-dsn where DSN must not be offered "
	         "(OpenSMTPD decides per listener, not per client);\n"
	         "# replace eth0 by the interfaces or addresses that face the "
	         "Internet.");
	t = talloc_asprintf_append(t, "listen on lo port 25%s\n",
	                           lo ? "" : " no-dsn");
	t = talloc_asprintf_append(t, "listen on eth0 port 25%s\n",
	                           all ? "" : " no-dsn");
	t = talloc_asprintf_append(t, "listen on eth0 port 587%s\n",
	                           sub ? "" : " no-dsn");
	add_file(x, "smtpd.conf", tail(x, t));
}

/* ---- output ----------------------------------------------------------- */

static int write_file(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;
	int ok;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path)) {
		fprintf(stderr, "dsnguard: export-config: path too long\n");
		return -1;
	}
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "dsnguard: export-config: %s: %s\n", path,
		        strerror(errno));
		return -1;
	}
	ok = fputs(text, f) >= 0;
	if (fclose(f) != 0)
		ok = 0;
	if (!ok) {
		fprintf(stderr, "dsnguard: export-config: %s: %s\n", path,
		        strerror(errno));
		return -1;
	}
	return 0;
}

static int usage(void)
{
	return cli_usage_error(
	        "usage: dsnguard export-config --mta "
	        "postfix|sendmail|exim|opensmtpd (FILE | --preset NAME) "
	        "[--out DIR] [--map-dir DIR]");
}

int cli_export_config(int argc, char **argv)
{
	const char *file = NULL, *preset = NULL, *mta = NULL, *out = NULL;
	const char *map_dir = NULL;
	struct dsng_policy *p = NULL;
	struct dsng_error err = DSNG_ERROR_INIT;
	struct export x;
	int i, rc, exitc = CLI_OK;
	size_t k;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			printf("usage: dsnguard export-config --mta "
			       "postfix|sendmail|exim|opensmtpd (FILE | "
			       "--preset NAME) [--out DIR] [--map-dir DIR]\n");
			return CLI_OK;
		}
		if (!strcmp(a, "--mta") || !strcmp(a, "--preset") ||
		    !strcmp(a, "--out") || !strcmp(a, "--map-dir")) {
			const char **slot = !strcmp(a, "--mta")      ? &mta
			                    : !strcmp(a, "--preset") ? &preset
			                    : !strcmp(a, "--out")    ? &out
			                                             : &map_dir;
			if (i + 1 >= argc)
				return cli_usage_error(
				        "export-config: %s needs a value", a);
			if (*slot)
				return cli_usage_error(
				        "export-config: %s given twice", a);
			*slot = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			return cli_usage_error(
			        "export-config: unknown option %s", a);
		} else if (file) {
			return cli_usage_error("export-config: one FILE only");
		} else {
			file = a;
		}
	}
	if (!mta || (!file && !preset))
		return usage();
	if (file && preset)
		return cli_usage_error(
		        "export-config: FILE or --preset, not both");
	memset(&x, 0, sizeof(x));
	if (!strcmp(mta, "postfix"))
		x.mta = MTA_POSTFIX;
	else if (!strcmp(mta, "sendmail"))
		x.mta = MTA_SENDMAIL;
	else if (!strcmp(mta, "exim"))
		x.mta = MTA_EXIM;
	else if (!strcmp(mta, "opensmtpd"))
		x.mta = MTA_OPENSMTPD;
	else
		return cli_usage_error(
		        "export-config: unknown --mta '%s' (postfix, "
		        "sendmail, exim, opensmtpd)",
		        mta);
	if (map_dir && (!*map_dir || strpbrk(map_dir, "\n\r\t ")))
		return cli_usage_error("export-config: --map-dir must be a "
		                       "path without blanks");
	x.mem = talloc_new(NULL);
	if (!x.mem)
		return CLI_USAGE;
	dsng_error_clear(&err);
	rc = file ? dsng_policy_load(x.mem, &p, file, NULL, &err)
	          : dsng_policy_preset(x.mem, &p, preset, &err);
	if (rc) {
		/* as check-config: a file that reads but is wrong is 1 */
		exitc = (!file || rc == DSNG_EIO || rc == DSNG_ENOMEM)
		                ? CLI_USAGE
		                : CLI_REJECTED;
		fprintf(stderr, "dsnguard: export-config: %s\n", err.message);
		goto done;
	}
	x.policy_name = dsng_policy_name(p);
	x.map_dir = map_dir ? map_dir
	                    : (x.mta == MTA_SENDMAIL ? "/etc/mail"
	                                             : "/etc/postfix");
	x.offer = dsng_policy_offer_get(p);
	if (dsng_policy_networks_format(x.mem, &x.nets, &x.n_nets, p, &err) ||
	    dsng_policy_diff(x.mem, &x.rules, &x.n_rules, p, &err)) {
		fprintf(stderr, "dsnguard: export-config: %s\n", err.message);
		exitc = CLI_USAGE;
		goto done;
	}
	/* The trusted networks matter at EHLO only when offer-dsn names
	 * them. */
	if (!(x.offer & DSNG_POLICY_CLASS_TRUSTED))
		x.n_nets = 0;
	switch (x.mta) {
	case MTA_POSTFIX:
		export_postfix(&x);
		break;
	case MTA_SENDMAIL:
		export_sendmail(&x);
		break;
	case MTA_EXIM:
		export_exim(&x);
		break;
	case MTA_OPENSMTPD:
		export_opensmtpd(&x);
		break;
	}
	for (k = 0; k < x.n_files; k++)
		if (!x.text[k]) {
			fprintf(stderr, "dsnguard: export-config: out of "
			                "memory\n");
			exitc = CLI_USAGE;
			goto done;
		}
	if (out) {
		char *u = talloc_strdup(x.mem, "");

		for (k = 0; k < x.n_files; k++)
			if (write_file(out, x.file[k], x.text[k])) {
				exitc = CLI_USAGE;
				goto done;
			}
		for (k = 0; k < x.n_unsupported && u; k++)
			u = talloc_asprintf_append(u, "%s\n", x.unsupported[k]);
		if (!u || write_file(out, "UNSUPPORTED",
		                     x.n_unsupported ? u : "none\n"))
			exitc = CLI_USAGE;
	} else {
		for (k = 0; k < x.n_files; k++)
			printf("%s%s", k ? "\n" : "", x.text[k]);
		if (fflush(stdout) != 0)
			exitc = CLI_USAGE;
	}
done:
	talloc_free(x.mem);
	return exitc;
}
