/*
 * bindings/convert/probe.c - a probe's result (probe.h) as the object of
 * `dsnguard probe --json` (see walk.h).  The CLI and both bindings' probe
 * build it here, so a script's probe and the CLI give the same keys and
 * values for the same server.
 */
#include <stdio.h>
#include <string.h>

#include "walk.h"

static void *code_of(const struct dsngb_builder *b,
                     const struct dsng_probe_exchange *x)
{
	return x->answered ? b->integer(x->code) : b->none();
}

static void *enhanced_of(const struct dsngb_builder *b,
                         const struct dsng_probe_exchange *x)
{
	char s[16];

	if (!x->answered || !x->has_enhanced)
		return b->none();
	snprintf(s, sizeof(s), "%u.%u.%u", x->enhanced.cls, x->enhanced.subject,
	         x->enhanced.detail);
	return dsngb_cstr(b, s);
}

/* A command step: none when not sent; code, enhanced and text none when
 * sent but not answered. */
static void *step_of(const struct dsngb_builder *b,
                     const struct dsng_probe_exchange *x)
{
	void *o;

	if (!x->sent)
		return b->none();
	o = b->map_new();
	b->map_set(o, "line", dsngb_cstr(b, x->line));
	b->map_set(o, "code", code_of(b, x));
	b->map_set(o, "enhanced", enhanced_of(b, x));
	b->map_set(o, "text", x->answered ? dsngb_cstr(b, x->text) : b->none());
	return o;
}

/* Whether the EHLO step tells if DSN is there: a parsed EHLO, or a HELO
 * accepted (then DSN is known to be absent). */
static int ehlo_known(const struct dsng_probe_result *r)
{
	return r->caps ||
	       (r->ehlo.answered && r->ehlo.code >= 200 && r->ehlo.code < 300 &&
	        !r->esmtp && r->ehlo.line && !strncmp(r->ehlo.line, "HELO", 4));
}

static void *ehlo_of(const struct dsngb_builder *b,
                     const struct dsng_probe_result *r)
{
	void *o, *caps;
	size_t i;

	if (!r->ehlo.answered)
		return b->none();
	o = b->map_new();
	caps = b->list_new();
	b->map_set(o, "code", b->integer(r->ehlo.code));
	b->map_set(o, "esmtp", b->boolean(r->esmtp));
	b->map_set(o, "dsn", b->boolean(r->dsn_advertised));
	b->map_set(o, "smtputf8", b->boolean(r->smtputf8));
	if (r->caps)
		for (i = 0; i < r->caps->n_caps; i++)
			b->list_push(caps,
			             dsngb_cstr(b, r->caps->caps[i]->keyword));
	b->map_set(o, "capabilities", caps);
	b->map_set(o, "text", dsngb_cstr(b, r->ehlo.text));
	return o;
}

static void *error_of(const struct dsngb_builder *b,
                      const struct dsng_probe_result *r)
{
	void *e;

	if (r->verdict != DSNG_PROBE_INCOMPLETE)
		return b->none();
	e = b->map_new();
	b->map_set(e, "step",
	           dsngb_cstr(b, dsng_probe_step_name(r->error_step)));
	b->map_set(e, "cause",
	           dsngb_cstr(b, dsng_probe_cause_name(r->error_cause)));
	b->map_set(e, "code",
	           r->error_code ? b->integer(r->error_code) : b->none());
	b->map_set(e, "message", dsngb_cstr(b, r->error_message));
	return e;
}

void dsngb_probe_fill(const struct dsngb_builder *b, void *m,
                      const struct dsng_probe_result *r, const char *host,
                      unsigned port, const char *source)
{
	void *g;

	b->map_set(m, "ok", b->boolean(r->verdict != DSNG_PROBE_INCOMPLETE));
	b->map_set(m, "host", dsngb_cstr(b, host));
	b->map_set(m, "port", b->integer(port));
	if (r->greeting.answered) {
		g = b->map_new();
		b->map_set(g, "code", b->integer(r->greeting.code));
		b->map_set(g, "text", dsngb_cstr(b, r->greeting.text));
	} else {
		g = b->none();
	}
	b->map_set(m, "greeting", g);
	b->map_set(m, "ehlo", ehlo_of(b, r));
	b->map_set(m, "mail", step_of(b, &r->mail));
	b->map_set(m, "rcpt", step_of(b, &r->rcpt));
	b->map_set(m, "rcpt_plain", step_of(b, &r->rcpt_plain));
	b->map_set(m, "dsn_advertised",
	           ehlo_known(r) ? b->boolean(r->dsn_advertised) : b->none());
	b->map_set(m, "receipt_accepted",
	           r->rcpt.answered ? b->boolean(r->receipt_accepted)
	                            : b->none());
	b->map_set(m, "verdict",
	           dsngb_cstr(b, dsng_probe_verdict_name(r->verdict)));
	b->map_set(m, "error", error_of(b, r));
	/* keys beyond DESIGN section 5's */
	b->map_set(m, "tls", b->boolean(r->tls));
	b->map_set(m, "starttls", step_of(b, &r->starttls));
	b->map_set(m, "source", dsngb_cstr(b, source));
}
