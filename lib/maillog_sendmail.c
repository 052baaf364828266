/*
 * lib/maillog_sendmail.c - sendmail log messages: from= (sender, client,
 * daemon), AUTH=server, to= (recipients, mailer, stat), and the lines
 * savemail.c writes when it returns a message: "QID: DSNQID: DSN: text"
 * (also "return to sender", "sender notify", "postmaster notify").
 */
#include <string.h>

#include "maillog_int.h"

static int qid_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	       (c >= 'a' && c <= 'z');
}

/* A queue id followed by ": " at the start of s. */
static int take_qid(struct dsng_span s, struct dsng_span *qid,
                    struct dsng_span *rest)
{
	size_t i = 0;

	while (i < s.len && qid_char(s.ptr[i]))
		i++;
	if (i < 6 || i > 20 || i + 2 > s.len || s.ptr[i] != ':' ||
	    s.ptr[i + 1] != ' ' || dsng__span_ieq(s.ptr, i, "NOQUEUE"))
		return -1;
	qid->ptr = s.ptr;
	qid->len = i;
	rest->ptr = s.ptr + i + 2;
	rest->len = s.len - i - 2;
	return 0;
}

/* sendmail separates fields with ", " and joins several addresses with a
 * bare ",", so a value ends at the first ", " (or the end). */
static struct dsng_span field(struct dsng_span s, const char *key)
{
	struct dsng_span v = dsng__ml_value(s, key, "");
	size_t i;

	if (!v.ptr)
		return v;
	for (i = 0; i + 1 < v.len; i++)
		if (v.ptr[i] == ',' && v.ptr[i + 1] == ' ') {
			v.len = i;
			break;
		}
	return v;
}

static const char *const labels[] = {"DSN", "return to sender", "sender notify",
                                     "postmaster notify"};

static void dsn_line(struct dsng_span rest, struct dsng__ml_fact *f)
{
	struct dsng_span dsn, after, text;
	const char *label = NULL;
	size_t i, n = 0;

	if (take_qid(rest, &dsn, &after))
		return;
	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		n = strlen(labels[i]);
		if (after.len >= n + 1 && !memcmp(after.ptr, labels[i], n) &&
		    after.ptr[n] == ':') {
			label = labels[i];
			break;
		}
	}
	if (!label)
		return;
	text.ptr = after.ptr + n + 1;
	text.len = after.len - n - 1;
	if (text.len && text.ptr[0] == ' ')
		text.ptr++, text.len--;
	f->type = ML_DSN;
	f->qid2 = dsn;
	f->text = after; /* "DSN: Return receipt", as the log has it */
	f->postmaster = label == labels[3];
	if (dsng__span_ieq(text.ptr, text.len, "Return receipt"))
		f->kind = DSNG_DSN_SUCCESS;
	else if (dsng__ml_starts(text, "Warning:"))
		f->kind = DSNG_DSN_DELAY;
	else
		f->kind = DSNG_DSN_FAILURE;
}

static int remote_mailer(struct dsng_span m)
{
	static const char *const names[] = {"esmtp", "smtp", "smtp8", "dsmtp",
	                                    "relay"};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (dsng__span_ieq(m.ptr, m.len, names[i]))
			return 1;
	return 0;
}

static void from_line(struct dsng_span rest, struct dsng__ml_fact *f)
{
	struct dsng_span relay = field(rest, "relay="), daemon;

	f->type = ML_FROM;
	f->addr = dsng__ml_unangle(field(rest, "from="));
	daemon = field(rest, "daemon=");
	if (dsng__ml_hostaddr(relay, &f->client_name, &f->client_addr,
	                      &f->client_port) != 0 &&
	    relay.ptr) {
		/* "relay=user@localhost": submitted on the command line. */
		f->client_name = relay;
	}
	if (daemon.ptr) {
		f->service = daemon;
	} else {
		f->service.ptr = "local";
		f->service.len = 5;
	}
}

static void to_line(struct dsng_span rest, struct dsng__ml_fact *f)
{
	struct dsng_span stat = field(rest, "stat="),
	                 mailer = field(rest, "mailer=");
	struct dsng_span relay = field(rest, "relay=");

	f->type = ML_DELIVERY;
	f->addr = field(rest, "to=");
	f->addr_list = 1;
	if (dsng__ml_starts(stat, "Sent"))
		f->status = ML_ST_SENT;
	else if (dsng__ml_starts(stat, "Deferred") ||
	         dsng__ml_starts(stat, "queued"))
		f->status = ML_ST_DEFERRED;
	else if (stat.ptr)
		f->status = ML_ST_BOUNCED;
	f->remote = f->status == ML_ST_SENT && remote_mailer(mailer);
	/* The submission program (MSP) hands local mail to the MTA over
	 * loopback: "relay=[127.0.0.1] [127.0.0.1], ... stat=Sent (QID
	 * Message accepted for delivery)".  Remember the MTA's queue id so
	 * the join can name the local user behind the MTA's "localhost". */
	if (f->status == ML_ST_SENT &&
	    (dsng__ml_contains(relay, "[127.0.0.1]") ||
	     dsng__ml_contains(relay, "[IPv6:::1]"))) {
		struct dsng_span q = {stat.ptr + 6, 0};
		if (stat.len > 6 && stat.ptr[4] == ' ' && stat.ptr[5] == '(') {
			while (q.len < stat.len - 6 && q.ptr[q.len] != ' ')
				q.len++;
			if (q.len >= 6 && q.len < stat.len - 6 &&
			    dsng__ml_contains(stat,
			                      "Message accepted for delivery"))
				f->qid2 = q;
		}
	}
}

void dsng__ml_sendmail(const struct dsng__ml_line *line,
                       struct dsng__ml_fact *f)
{
	struct dsng_span qid, rest;

	memset(f, 0, sizeof(*f));
	f->mta = DSNG_MAILLOG_SENDMAIL;
	if (take_qid(line->msg, &qid, &rest))
		return;
	f->qid = qid;
	if (dsng__ml_starts(rest, "from="))
		from_line(rest, f);
	else if (dsng__ml_starts(rest, "to="))
		to_line(rest, f);
	else if (dsng__ml_starts(rest, "AUTH=server,")) {
		f->type = ML_CLIENT;
		f->sasl = field(rest, "authid=");
		dsng__ml_hostaddr(field(rest, "relay="), &f->client_name,
		                  &f->client_addr, &f->client_port);
	} else
		dsn_line(rest, f);
}
