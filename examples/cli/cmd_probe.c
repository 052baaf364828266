/*
 * examples/cli/cmd_probe.c - `dsnguard probe`: does a server accept a
 * request for a return receipt from whoever connects?  The library's probe
 * (probe.h) decides what to send and what each reply means; this file owns
 * the socket, the timeouts and TLS.
 *
 *   dsnguard probe HOST[:PORT] --from A --to B [--ehlo NAME] [--timeout S]
 *                  [--source ADDR] [--starttls] [--json]
 *
 * HOST is connected to directly (no MX lookup); a name is resolved with
 * getaddrinfo and its addresses are tried in order.  IPv6 as [::1]:2525.
 * Every step (connect, each reply, the TLS handshake) has S seconds.
 * STARTTLS uses GnuTLS and does not verify the certificate: the probe
 * asks whether receipts are exposed, not whether the server's TLS is
 * trustworthy, and an MTA's port 25 is commonly self-signed.
 * Exit 0 refused/not_offered, 1 exposed, 2 usage or incomplete.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#ifdef DSNG_HAVE_GNUTLS
#include <gnutls/gnutls.h>
#endif

#include "cli.h"

struct probe_args {
	const char *target;
	char host[256];
	char port[8];
	const char *from, *to, *ehlo, *source;
	int timeout_ms;
	bool starttls, json;
};

struct conn {
	int fd;
	int timeout_ms;
	struct timespec deadline;
	char errbuf[256];
#ifdef DSNG_HAVE_GNUTLS
	gnutls_session_t tls;
	gnutls_certificate_credentials_t cred;
#endif
	bool tls_on;
};

static int usage(void)
{
	return cli_usage_error(
	        "usage: dsnguard probe HOST[:PORT] --from A --to B [--ehlo "
	        "NAME] "
	        "[--timeout S] [--source ADDR] [--starttls] [--json]");
}

/* HOST, HOST:PORT, [V6] or [V6]:PORT; a bare IPv6 address (two colons or
 * more) is a host without a port. */
static int split_target(struct probe_args *a)
{
	const char *t = a->target, *port = NULL, *colon;
	size_t hlen;

	if (t[0] == '[') {
		const char *end = strchr(t, ']');

		if (!end || end == t + 1)
			return -1;
		hlen = (size_t)(end - t - 1);
		t++;
		if (end[1] == ':')
			port = end + 2;
		else if (end[1])
			return -1;
	} else {
		colon = strchr(t, ':');
		if (colon && !strchr(colon + 1, ':')) {
			hlen = (size_t)(colon - t);
			port = colon + 1;
		} else {
			hlen = strlen(t);
		}
	}
	if (hlen == 0 || hlen >= sizeof(a->host))
		return -1;
	memcpy(a->host, t, hlen);
	a->host[hlen] = 0;
	if (port) {
		char *end;
		long n;

		errno = 0;
		n = strtol(port, &end, 10);
		if (!*port || *end || errno || n < 1 || n > 65535 ||
		    port[0] == '+' || port[0] == '-')
			return -1;
		snprintf(a->port, sizeof(a->port), "%ld", n);
	} else {
		snprintf(a->port, sizeof(a->port), "25");
	}
	return 0;
}

static int parse_args(struct probe_args *a, int argc, char **argv)
{
	int i;

	memset(a, 0, sizeof(*a));
	a->timeout_ms = 30000;
	for (i = 1; i < argc; i++) {
		const char *o = argv[i];

		if (!strcmp(o, "--json")) {
			a->json = true;
		} else if (!strcmp(o, "--starttls")) {
			a->starttls = true;
		} else if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
			return usage();
		} else if (!strcmp(o, "--from") || !strcmp(o, "--to") ||
		           !strcmp(o, "--ehlo") || !strcmp(o, "--timeout") ||
		           !strcmp(o, "--source")) {
			const char *v;

			if (i + 1 >= argc)
				return cli_usage_error(
				        "probe: %s needs a value", o);
			v = argv[++i];
			if (!strcmp(o, "--from")) {
				a->from = v;
			} else if (!strcmp(o, "--to")) {
				a->to = v;
			} else if (!strcmp(o, "--ehlo")) {
				a->ehlo = v;
			} else if (!strcmp(o, "--source")) {
				a->source = v;
			} else {
				char *end;
				double s;

				errno = 0;
				s = strtod(v, &end);
				if (!*v || *end || errno || !(s > 0) ||
				    s > 86400)
					return cli_usage_error(
					        "probe: --timeout wants "
					        "seconds "
					        "(0 < S <= 86400), not '%s'",
					        v);
				a->timeout_ms = (int)(s * 1000 + 0.999);
			}
		} else if (o[0] == '-' && o[1]) {
			return cli_usage_error("probe: unknown option '%s'", o);
		} else if (!a->target) {
			a->target = o;
		} else {
			return cli_usage_error("probe: one HOST only ('%s')",
			                       o);
		}
	}
	if (!a->target || !a->from || !a->to)
		return usage();
	if (split_target(a))
		return cli_usage_error("probe: bad HOST[:PORT] '%s'",
		                       a->target);
	if (a->source) {
		unsigned char b[16];

		if (inet_pton(AF_INET, a->source, b) != 1 &&
		    inet_pton(AF_INET6, a->source, b) != 1)
			return cli_usage_error("probe: --source wants an IPv4 "
			                       "or IPv6 address, not '%s'",
			                       a->source);
	}
#ifndef DSNG_HAVE_GNUTLS
	if (a->starttls)
		return cli_usage_error("probe: --starttls: this dsnguard was "
		                       "built without GnuTLS");
#endif
	return 0;
}

/* ---- deadlines ---- */

static void arm(struct conn *c)
{
	clock_gettime(CLOCK_MONOTONIC, &c->deadline);
	c->deadline.tv_sec += c->timeout_ms / 1000;
	c->deadline.tv_nsec += (long)(c->timeout_ms % 1000) * 1000000L;
	if (c->deadline.tv_nsec >= 1000000000L) {
		c->deadline.tv_sec++;
		c->deadline.tv_nsec -= 1000000000L;
	}
}

/* Milliseconds left, 0 when the deadline passed. */
static int left(const struct conn *c)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(c->deadline.tv_sec - now.tv_sec) * 1000 +
	     (c->deadline.tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : ms > 86400000 ? 86400000 : (int)ms;
}

/* poll for events until the deadline: 1 ready, 0 timeout, -1 error */
static int wait_fd(struct conn *c, short events)
{
	struct pollfd pfd = {c->fd, events, 0};
	int rc;

	for (;;) {
		int ms = left(c);

		rc = poll(&pfd, 1, ms);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0)
			return -1;
		return rc > 0 ? 1 : 0;
	}
}

/* ---- connecting ---- */

/* Connect to one address within the deadline; 0, or the event. */
static enum dsng_probe_event connect_one(struct conn *c,
                                         const struct addrinfo *ai,
                                         const struct addrinfo *src)
{
	int fd, err = 0, rc;
	socklen_t elen = sizeof(err);

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
	            ai->ai_protocol);
	if (fd < 0) {
		snprintf(c->errbuf, sizeof(c->errbuf), "socket: %s",
		         strerror(errno));
		return DSNG_PROBE_EV_REFUSED;
	}
	if (src && bind(fd, src->ai_addr, src->ai_addrlen) < 0) {
		snprintf(c->errbuf, sizeof(c->errbuf), "bind to --source: %s",
		         strerror(errno));
		close(fd);
		return DSNG_PROBE_EV_REFUSED;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	c->fd = fd;
	rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
	if (rc < 0 && errno != EINPROGRESS) {
		err = errno;
	} else if (rc < 0) {
		rc = wait_fd(c, POLLOUT);
		if (rc == 0) {
			snprintf(c->errbuf, sizeof(c->errbuf),
			         "no connection after %d ms", c->timeout_ms);
			close(fd);
			c->fd = -1;
			return DSNG_PROBE_EV_TIMEOUT;
		}
		if (rc < 0 ||
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
			err = errno;
	}
	if (err) {
		snprintf(c->errbuf, sizeof(c->errbuf), "connect: %s",
		         strerror(err));
		close(fd);
		c->fd = -1;
		return err == ETIMEDOUT ? DSNG_PROBE_EV_TIMEOUT
		                        : DSNG_PROBE_EV_REFUSED;
	}
	return DSNG_PROBE_EV_CONNECTED;
}

static enum dsng_probe_event do_connect(struct conn *c,
                                        const struct probe_args *a)
{
	struct addrinfo hints, *res = NULL, *src = NULL, *ai;
	enum dsng_probe_event ev = DSNG_PROBE_EV_REFUSED;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if (a->source) {
		struct addrinfo sh;

		memset(&sh, 0, sizeof(sh));
		sh.ai_socktype = SOCK_STREAM;
		sh.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
		rc = getaddrinfo(a->source, "0", &sh, &src);
		if (rc) {
			snprintf(c->errbuf, sizeof(c->errbuf),
			         "--source %.200s: %s", a->source,
			         gai_strerror(rc));
			return DSNG_PROBE_EV_RESOLVE;
		}
		hints.ai_family = src->ai_family;
	}
	rc = getaddrinfo(a->host, a->port, &hints, &res);
	if (rc) {
		snprintf(c->errbuf, sizeof(c->errbuf), "%.200s: %s", a->host,
		         gai_strerror(rc));
		if (src)
			freeaddrinfo(src);
		return DSNG_PROBE_EV_RESOLVE;
	}
	arm(c);
	for (ai = res; ai; ai = ai->ai_next) {
		ev = connect_one(c, ai, src);
		if (ev == DSNG_PROBE_EV_CONNECTED ||
		    ev == DSNG_PROBE_EV_TIMEOUT)
			break;
	}
	freeaddrinfo(res);
	if (src)
		freeaddrinfo(src);
	return ev;
}

/* ---- I/O ---- */

/* Send all of buf; 0 or -1 (errbuf says why; timeout in *timed_out). */
static int send_all(struct conn *c, const char *buf, size_t len,
                    bool *timed_out)
{
	*timed_out = false;
	arm(c);
	while (len > 0) {
		ssize_t n;

#ifdef DSNG_HAVE_GNUTLS
		if (c->tls_on) {
			n = gnutls_record_send(c->tls, buf, len);
			if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
				n = -2;
			else if (n < 0) {
				snprintf(c->errbuf, sizeof(c->errbuf),
				         "TLS send: %s",
				         gnutls_strerror((int)n));
				return -1;
			}
		} else
#endif
		{
			n = send(c->fd, buf, len, MSG_NOSIGNAL);
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				n = -2;
			else if (n < 0) {
				snprintf(c->errbuf, sizeof(c->errbuf),
				         "send: %s", strerror(errno));
				return -1;
			}
		}
		if (n == -2) {
			int rc = wait_fd(c, POLLOUT);

			if (rc <= 0) {
				*timed_out = rc == 0;
				snprintf(c->errbuf, sizeof(c->errbuf),
				         "cannot send");
				return -1;
			}
			continue;
		}
		buf += n;
		len -= (size_t)n;
	}
	arm(c); /* the reply gets its own S seconds */
	return 0;
}

/* Read what is there within the deadline: bytes > 0, or an event. */
static ssize_t recv_some(struct conn *c, char *buf, size_t size,
                         enum dsng_probe_event *ev)
{
	for (;;) {
		ssize_t n;
		int rc;

#ifdef DSNG_HAVE_GNUTLS
		if (c->tls_on) {
			if (gnutls_record_check_pending(c->tls) == 0) {
				rc = wait_fd(c, POLLIN);
				if (rc == 0)
					goto timeout;
				if (rc < 0)
					goto closed;
			}
			n = gnutls_record_recv(c->tls, buf, size);
			if (n > 0)
				return n;
			if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
				continue;
			if (n == 0)
				goto closed;
			snprintf(c->errbuf, sizeof(c->errbuf), "TLS read: %s",
			         gnutls_strerror((int)n));
			*ev = DSNG_PROBE_EV_TLS_FAILED;
			return -1;
		}
#endif
		rc = wait_fd(c, POLLIN);
		if (rc == 0)
			goto timeout;
		if (rc < 0)
			goto closed;
		n = recv(c->fd, buf, size, 0);
		if (n > 0)
			return n;
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			snprintf(c->errbuf, sizeof(c->errbuf), "recv: %s",
			         strerror(errno));
		else
			snprintf(c->errbuf, sizeof(c->errbuf),
			         "the server closed the connection");
		*ev = DSNG_PROBE_EV_CLOSED;
		return -1;
	}
timeout:
	snprintf(c->errbuf, sizeof(c->errbuf), "no reply within %d ms",
	         c->timeout_ms);
	*ev = DSNG_PROBE_EV_TIMEOUT;
	return -1;
closed:
	snprintf(c->errbuf, sizeof(c->errbuf),
	         "the server closed the connection");
	*ev = DSNG_PROBE_EV_CLOSED;
	return -1;
}

#ifdef DSNG_HAVE_GNUTLS
static bool is_ip(const char *host)
{
	unsigned char b[16];

	return inet_pton(AF_INET, host, b) == 1 ||
	       inet_pton(AF_INET6, host, b) == 1;
}

/* The handshake within the deadline; TLS_READY or TLS_FAILED/TIMEOUT. */
static enum dsng_probe_event start_tls(struct conn *c, const char *host)
{
	int rc;

	arm(c);
	if (gnutls_certificate_allocate_credentials(&c->cred) < 0 ||
	    gnutls_init(&c->tls, GNUTLS_CLIENT | GNUTLS_NONBLOCK) < 0) {
		snprintf(c->errbuf, sizeof(c->errbuf), "TLS: out of memory");
		return DSNG_PROBE_EV_TLS_FAILED;
	}
	gnutls_set_default_priority(c->tls);
	/* No verification on purpose (see the top of this file). */
	gnutls_credentials_set(c->tls, GNUTLS_CRD_CERTIFICATE, c->cred);
	if (!is_ip(host))
		gnutls_server_name_set(c->tls, GNUTLS_NAME_DNS, host,
		                       strlen(host));
	gnutls_transport_set_int(c->tls, c->fd);
	for (;;) {
		rc = gnutls_handshake(c->tls);
		if (rc == GNUTLS_E_SUCCESS)
			break;
		if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) {
			int w = wait_fd(c, gnutls_record_get_direction(c->tls)
			                           ? POLLOUT
			                           : POLLIN);
			if (w == 0) {
				snprintf(
				        c->errbuf, sizeof(c->errbuf),
				        "TLS handshake: no answer within %d ms",
				        c->timeout_ms);
				return DSNG_PROBE_EV_TIMEOUT;
			}
			if (w < 0)
				return DSNG_PROBE_EV_CLOSED;
			continue;
		}
		if (!gnutls_error_is_fatal(rc))
			continue;
		snprintf(c->errbuf, sizeof(c->errbuf), "TLS handshake: %s",
		         gnutls_strerror(rc));
		return DSNG_PROBE_EV_TLS_FAILED;
	}
	c->tls_on = true;
	return DSNG_PROBE_EV_TLS_READY;
}
#endif

static void conn_close(struct conn *c)
{
#ifdef DSNG_HAVE_GNUTLS
	if (c->tls) {
		if (c->tls_on)
			gnutls_bye(c->tls, GNUTLS_SHUT_WR);
		gnutls_deinit(c->tls);
	}
	if (c->cred)
		gnutls_certificate_free_credentials(c->cred);
#endif
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* ---- output ---- */

/* The JSON comes from the walk the bindings' probe uses too
 * (bindings/convert/probe.c), so a script's probe agrees with this. */
static void print_json(const struct probe_args *a,
                       const struct dsng_probe_result *r)
{
	json_t *o = json_object();

	dsngb_probe_fill(&cli_json_builder, o, r, a->host,
	                 (unsigned)atoi(a->port), a->source);
	cli_json_print(o);
}

static void text_step(const char *what, const struct dsng_probe_exchange *x)
{
	const char *t;

	if (!x->sent)
		return;
	printf("%-10s >>> %s\n", what, x->line ? x->line : "");
	if (!x->answered) {
		printf("%-10s <<< (no reply)\n", "");
		return;
	}
	printf("%-10s <<< %d", "", x->code);
	if (x->has_enhanced)
		printf(" %u.%u.%u", x->enhanced.cls, x->enhanced.subject,
		       x->enhanced.detail);
	for (t = x->text; *t; t++)
		if (*t == '\n' || (unsigned char)*t < 0x20)
			break;
	printf(" %.*s%s\n", (int)(t - x->text), x->text, *t ? " ..." : "");
}

static const char *verdict_text(enum dsng_probe_verdict v)
{
	switch (v) {
	case DSNG_PROBE_EXPOSED:
		return "the server accepted a request for a return receipt "
		       "from this client";
	case DSNG_PROBE_REFUSED:
		return "the server refused the receipt request and accepted "
		       "the recipient";
	case DSNG_PROBE_NOT_OFFERED:
		return "the server does not offer DSN to this client";
	default:
		return "the probe could not complete";
	}
}

static void print_text(const struct probe_args *a,
                       const struct dsng_probe_result *r)
{
	size_t i;

	printf("probe      %s port %s%s%s\n", a->host, a->port,
	       a->source ? " from " : "", a->source ? a->source : "");
	if (r->greeting.answered)
		printf("greeting   %d %s\n", r->greeting.code,
		       r->greeting.text);
	if (r->ehlo.answered) {
		printf("%-10s %d, %s", r->esmtp ? "EHLO" : "HELO", r->ehlo.code,
		       r->dsn_advertised ? "DSN advertised"
		                         : "DSN not advertised");
		if (r->caps && r->caps->n_caps) {
			printf(":");
			for (i = 0; i < r->caps->n_caps; i++)
				printf(" %s", r->caps->caps[i]->keyword);
		}
		printf("%s\n", r->tls ? " (after STARTTLS)" : "");
	}
	text_step("STARTTLS", &r->starttls);
	text_step("MAIL", &r->mail);
	text_step("RCPT", &r->rcpt);
	text_step("RCPT", &r->rcpt_plain);
	printf("verdict    %s: %s\n", dsng_probe_verdict_name(r->verdict),
	       verdict_text(r->verdict));
	if (r->verdict == DSNG_PROBE_INCOMPLETE)
		printf("error      %s, %s%s: %s\n",
		       dsng_probe_step_name(r->error_step),
		       dsng_probe_cause_name(r->error_cause),
		       r->error_code ? " (reply)" : "",
		       r->error_message ? r->error_message : "");
}

/* ---- the command ---- */

static const char *default_ehlo(char *buf, size_t size)
{
	size_t i;

	if (gethostname(buf, size) < 0 || !buf[0])
		return "localhost";
	buf[size - 1] = 0;
	for (i = 0; buf[i]; i++)
		if ((unsigned char)buf[i] <= 0x20 ||
		    (unsigned char)buf[i] >= 0x7f)
			return "localhost";
	return buf;
}

int cli_probe(int argc, char **argv)
{
	struct probe_args a;
	struct dsng_probe_params pp = DSNG_PROBE_PARAMS_INIT;
	struct dsng_error err = DSNG_ERROR_INIT;
	struct dsng_probe *probe = NULL;
	const struct dsng_probe_result *r;
	struct conn c;
	char name[256], buf[8192];
	int rc, steps;

	rc = parse_args(&a, argc, argv);
	if (rc)
		return rc;
	pp.mail_from = a.from;
	pp.rcpt_to = a.to;
	pp.ehlo_name = a.ehlo ? a.ehlo : default_ehlo(name, sizeof(name));
	pp.starttls = a.starttls;
	rc = dsng_probe_new(NULL, &probe, &pp, &err);
	if (rc == DSNG_ENOMEM)
		return cli_usage_error("probe: out of memory");
	if (rc)
		return cli_usage_error("probe: %s", err.message);

	signal(SIGPIPE, SIG_IGN);
	memset(&c, 0, sizeof(c));
	c.fd = -1;
	c.timeout_ms = a.timeout_ms;
	/* every action either feeds the probe or ends it; the bound is a
	   guard against a bug, not a limit a server can reach */
	for (steps = 0; steps < 10000; steps++) {
		const char *line;
		size_t len;
		enum dsng_probe_event ev;
		enum dsng_probe_action act =
		        dsng_probe_next(probe, &line, &len);
		bool timed_out;
		ssize_t n;

		if (act == DSNG_PROBE_DONE)
			break;
		switch (act) {
		case DSNG_PROBE_CONNECT:
			c.errbuf[0] = 0;
			ev = do_connect(&c, &a);
			if (ev == DSNG_PROBE_EV_CONNECTED)
				arm(&c); /* the greeting's S seconds */
			dsng_probe_event(probe, ev, c.errbuf);
			break;
		case DSNG_PROBE_SEND:
			if (send_all(&c, line, len, &timed_out) < 0)
				dsng_probe_event(probe,
				                 timed_out
				                         ? DSNG_PROBE_EV_TIMEOUT
				                         : DSNG_PROBE_EV_CLOSED,
				                 c.errbuf);
			break;
		case DSNG_PROBE_WAIT:
			n = recv_some(&c, buf, sizeof(buf), &ev);
			if (n > 0)
				dsng_probe_reply(probe, buf, (size_t)n);
			else
				dsng_probe_event(probe, ev, c.errbuf);
			break;
		case DSNG_PROBE_STARTTLS:
#ifdef DSNG_HAVE_GNUTLS
			ev = start_tls(&c, a.host);
#else
			ev = DSNG_PROBE_EV_TLS_FAILED;
#endif
			if (ev == DSNG_PROBE_EV_TLS_READY)
				arm(&c);
			dsng_probe_event(probe, ev, c.errbuf);
			break;
		default:
			break;
		}
	}
	conn_close(&c);
	r = dsng_probe_result(probe);
	if (a.json)
		print_json(&a, r);
	else
		print_text(&a, r);
	switch (r->verdict) {
	case DSNG_PROBE_EXPOSED:
		rc = CLI_REJECTED;
		break;
	case DSNG_PROBE_REFUSED:
	case DSNG_PROBE_NOT_OFFERED:
		rc = CLI_OK;
		break;
	default:
		rc = CLI_USAGE;
	}
	talloc_free(probe);
	return rc;
}
