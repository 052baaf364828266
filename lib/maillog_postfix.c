/*
 * lib/maillog_postfix.c - Postfix log messages: smtpd's client=, pickup,
 * qmgr's from= and removed, the delivery agents' to=/relay=/status=, and
 * the bounce daemon's "sender ... notification: DSNQID" lines.
 */
#include <string.h>

#include "maillog_int.h"

/* [0-9A-Za-z] in two unsigned compares (c | 0x20 folds exactly A-Z onto
 * a-z): the three range tests per octet were a tenth of the reader. */
static int qid_char(char c)
{
	unsigned char u = (unsigned char)c;

	return (unsigned)(u - '0') < 10 || (unsigned)((u | 0x20) - 'a') < 26;
}

/* A queue id followed by ": "; the rest of the message goes to *rest. */
static int take_qid(struct dsng_span msg, struct dsng_span *qid,
                    struct dsng_span *rest)
{
	size_t i = 0;

	while (i < msg.len && qid_char(msg.ptr[i]))
		i++;
	if (i < 5 || i > 20 || i + 2 > msg.len || msg.ptr[i] != ':' ||
	    msg.ptr[i + 1] != ' ')
		return -1;
	if (DSNG__ML_IEQ(msg.ptr, i, "NOQUEUE"))
		return -1;
	qid->ptr = msg.ptr;
	qid->len = i;
	rest->ptr = msg.ptr + i + 2;
	rest->len = msg.len - i - 2;
	return 0;
}

/* "postfix/submission/smtpd" -> "submission/smtpd"; "postfix-out/smtp"
 * -> "smtp": the service name as master.cf spells it. */
static struct dsng_span service_of(struct dsng_span prog)
{
	const char *slash = memchr(prog.ptr, '/', prog.len);
	struct dsng_span s = {NULL, 0};

	if (!slash)
		return s;
	s.ptr = slash + 1;
	s.len = prog.len - (size_t)(slash + 1 - prog.ptr);
	return s;
}

/* The last component: which program (smtp, local, bounce, ...). */
static struct dsng_span agent_of(struct dsng_span prog)
{
	struct dsng_span s = prog;
	size_t i = prog.len;

	while (i > 0 && prog.ptr[i - 1] != '/')
		i--;
	s.ptr = prog.ptr + i;
	s.len = prog.len - i;
	return s;
}

#define N(s) s, sizeof(s) - 1
static const struct {
	const char *text;
	size_t len;
	enum dsng_dsn_kind kind;
	int postmaster;
} notices[] = {
        {N("sender delivery status notification"), DSNG_DSN_SUCCESS, 0},
        {N("sender non-delivery notification"), DSNG_DSN_FAILURE, 0},
        {N("sender delay notification"), DSNG_DSN_DELAY, 0},
        {N("postmaster non-delivery notification"), DSNG_DSN_FAILURE, 1},
        {N("postmaster delay notification"), DSNG_DSN_DELAY, 1},
};
#undef N

static void bounce_line(struct dsng_span rest, struct dsng__ml_fact *f)
{
	const char *colon;
	struct dsng_span text, dsn;
	size_t i;

	/* "<words> notification: DSNQID" */
	colon = NULL;
	for (i = rest.len; i > 1; i--)
		if (rest.ptr[i - 2] == ':' && rest.ptr[i - 1] == ' ') {
			colon = rest.ptr + i - 2;
			break;
		}
	if (!colon)
		return;
	text.ptr = rest.ptr;
	text.len = (size_t)(colon - rest.ptr);
	dsn.ptr = colon + 2;
	dsn.len = rest.len - text.len - 2;
	if (text.len < 12 ||
	    memcmp(text.ptr + text.len - 12, "notification", 12) != 0)
		return;
	for (i = 0; i < dsn.len; i++)
		if (!qid_char(dsn.ptr[i]))
			return;
	if (dsn.len < 5 || dsn.len > 20)
		return;
	f->type = ML_DSN;
	f->kind = DSNG_DSN_OTHER;
	f->text = text;
	f->qid2 = dsn;
	for (i = 0; i < sizeof(notices) / sizeof(notices[0]); i++)
		if (text.len == notices[i].len &&
		    (!memcmp(text.ptr, notices[i].text, text.len) ||
		     dsng__span_ieq(text.ptr, text.len, notices[i].text))) {
			f->kind = notices[i].kind;
			f->postmaster = notices[i].postmaster;
		}
	if (dsng__ml_starts(text, "postmaster"))
		f->postmaster = 1;
}

static void delivery_line(struct dsng_span prog, struct dsng_span rest,
                          struct dsng__ml_fact *f)
{
	struct dsng_span agent = agent_of(prog), status, relay;

	f->type = ML_DELIVERY;
	f->addr = dsng__ml_unangle(dsng__ml_value(rest, "to=", ","));
	status = dsng__ml_value(rest, "status=", " ,");
	relay = dsng__ml_value(rest, "relay=", ",");
	if (DSNG__ML_IEQ(status.ptr, status.len, "sent"))
		f->status = ML_ST_SENT;
	else if (DSNG__ML_IEQ(status.ptr, status.len, "deferred"))
		f->status = ML_ST_DEFERRED;
	else if (DSNG__ML_IEQ(status.ptr, status.len, "bounced") ||
	         DSNG__ML_IEQ(status.ptr, status.len, "expired"))
		f->status = ML_ST_BOUNCED;
	else if (DSNG__ML_IEQ(status.ptr, status.len, "deliverable") ||
	         DSNG__ML_IEQ(status.ptr, status.len, "undeliverable"))
		f->verify = 1;
	/* Only the SMTP client hands mail to another MTA that may not take
	 * DSN; LMTP, local, virtual and pipe end the journey here. */
	f->remote = DSNG__ML_IEQ(agent.ptr, agent.len, "smtp") && relay.ptr &&
	            !DSNG__ML_IEQ(relay.ptr, relay.len, "none");
}

void dsng__ml_postfix(const struct dsng__ml_line *line, struct dsng__ml_fact *f)
{
	struct dsng_span qid, rest, agent = agent_of(line->prog), v;

	memset(f, 0, sizeof(*f));
	f->mta = DSNG_MAILLOG_POSTFIX;
	if (take_qid(line->msg, &qid, &rest))
		return;
	f->qid = qid;

	if (dsng__ml_starts(rest, "client=")) {
		v = dsng__ml_value(rest, "client=", ",");
		f->type = ML_CLIENT;
		dsng__ml_hostaddr(v, &f->client_name, &f->client_addr,
		                  &f->client_port);
		f->sasl = dsng__ml_value(rest, "sasl_username=", ",");
		f->service = service_of(line->prog);
		return;
	}
	if (DSNG__ML_IEQ(agent.ptr, agent.len, "pickup")) {
		/* "uid=1000 from=<user>": a local submission (sendmail(1)). */
		f->type = ML_CLIENT;
		f->service = agent;
		return;
	}
	if (DSNG__ML_IEQ(agent.ptr, agent.len, "bounce")) {
		bounce_line(rest, f);
		return;
	}
	if (dsng__ml_starts(rest, "from=")) {
		f->type = ML_FROM;
		f->addr = dsng__ml_unangle(dsng__ml_value(rest, "from=", ","));
		return;
	}
	if (rest.len == 7 && !memcmp(rest.ptr, "removed", 7)) {
		f->type = ML_REMOVED;
		return;
	}
	if (dsng__ml_starts(rest, "to=")) {
		delivery_line(line->prog, rest, f);
		return;
	}
}
