/*
 * tests/complexity/cx_smtp.c - the SMTP parsers' dimensions: EHLO
 * keywords, AUTH mechanisms, parameters per line, hide lists, reply
 * lines, command parameters, xtext escapes, addresses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cx.h"

/* ---- EHLO ------------------------------------------------------------- */

struct ehlo_in {
	struct cx_text t;
	struct dsng_reply_opts o;
	struct dsng_ehlo *caps;  /* parsed, for the writer's dimensions */
	const char *const *hide; /* hide list */
	int format;              /* also write it back (canonical) */
};

static struct ehlo_in *ehlo_in(struct cx_buf *b, size_t lines, int lenient)
{
	struct ehlo_in *in = talloc_zero(b->mem, struct ehlo_in);

	if (!in)
		cx_die("out of memory");
	in->t.p = b->p;
	in->t.len = b->len;
	dsng_reply_opts_init(&in->o, DSNG_REPLY_OPTS_VERSION);
	in->o.max_lines = lines + 2;
	if (lenient)
		in->o.max_line = DSNG_REPLY_MAX_LINE_CEILING;
	return in;
}

static int ehlo_run(void *arg)
{
	struct ehlo_in *in = arg;
	struct dsng_ehlo *c;
	char *s;

	if (dsng_ehlo_parse(NULL, &c, in->t.p, in->t.len, &in->o, NULL))
		return -1;
	if (in->format) {
		s = dsng_ehlo_format(c, c, 0, NULL, 0);
		if (!s)
			return -1;
	}
	talloc_free(c);
	return 0;
}

/* n capability lines, every keyword different. */
static void *ehlo_keywords(TALLOC_CTX *mem, size_t n)
{
	struct cx_buf b;
	size_t i;

	cx_buf_init(&b, mem);
	cx_puts(&b, "250-mx.example.test ESMTP\r\n");
	for (i = 0; i < n; i++)
		cx_printf(&b, "250-X-KEYWORD-%07zu\r\n", i);
	cx_puts(&b, "250 DSN\r\n");
	return ehlo_in(&b, n, 0);
}

/*
 * n AUTH mechanisms, 40 to a line (within 512 octets), all different and
 * spelt with every byte an EHLO parameter may hold (33..126 with letters
 * folded: 68 values), so each trie level of the mechanism set has as many
 * siblings as possible.
 */
static void *ehlo_auth(TALLOC_CTX *mem, size_t n)
{
	static char alpha[69];
	struct cx_buf b;
	size_t i, k = 0;
	int c;

	for (c = 33; c <= 126; c++)
		if (c < 'a' || c > 'z')
			alpha[k++] = (char)c;
	cx_buf_init(&b, mem);
	cx_puts(&b, "250-mx.example.test ESMTP\r\n");
	for (i = 0; i < n; i++) {
		size_t v = i;
		char m[8];

		if (i % 40 == 0)
			cx_puts(&b, i ? "\r\n250-AUTH" : "250-AUTH");
		for (k = 0; k < 4; k++) {
			m[3 - k] = alpha[v % 68];
			v /= 68;
		}
		m[4] = '\0';
		cx_printf(&b, " M%s", m);
	}
	cx_puts(&b, "\r\n250 DSN\r\n");
	return ehlo_in(&b, n / 40 + 1, 0);
}

/* One line with n parameters (lines up to the 65536 ceiling), parsed and
 * written back canonically. */
static void *ehlo_params(TALLOC_CTX *mem, size_t n)
{
	struct cx_buf b;
	struct ehlo_in *in;
	size_t i;

	cx_buf_init(&b, mem);
	cx_puts(&b, "250-mx.example.test\r\n250 X-PARAMS");
	for (i = 0; i < n; i++)
		cx_puts(&b, " p");
	cx_puts(&b, "\r\n");
	if (b.len > DSNG_REPLY_MAX_LINE_CEILING)
		cx_die("ehlo params: line too long for n = %zu", n);
	in = ehlo_in(&b, 2, 1);
	in->format = 1;
	return in;
}

/* n capabilities against a hide list of n keywords (half of them hit). */
static void *ehlo_hide(TALLOC_CTX *mem, size_t n)
{
	struct ehlo_in *in = ehlo_keywords(mem, n);
	const char **hide = talloc_zero_array(mem, const char *, n + 1);
	size_t i;

	if (!hide)
		cx_die("out of memory");
	for (i = 0; i < n; i++)
		hide[i] = talloc_asprintf(
		        hide, i % 2 ? "x-keyword-%07zu" : "X-OTHER-%07zu", i);
	in->hide = hide;
	if (dsng_ehlo_parse(mem, &in->caps, in->t.p, in->t.len, &in->o, NULL))
		cx_die("ehlo hide: parse failed");
	return in;
}

static int ehlo_hide_run(void *arg)
{
	struct ehlo_in *in = arg;
	char *s = dsng_ehlo_format(NULL, in->caps, DSNG_EHLO_F_DSN, in->hide,
	                           DSNG_EHLO_FORMAT_VERBATIM);

	if (!s)
		return -1;
	talloc_free(s);
	return 0;
}

/* ---- replies ---------------------------------------------------------- */

static void *reply_lines(TALLOC_CTX *mem, size_t n)
{
	struct cx_buf b;
	size_t i;

	cx_buf_init(&b, mem);
	for (i = 0; i < n; i++)
		cx_printf(&b, "550-5.7.1 line %zu of the reply\r\n", i);
	cx_puts(&b, "550 5.7.1 end\r\n");
	return ehlo_in(&b, n, 0);
}

static int reply_run(void *arg)
{
	struct ehlo_in *in = arg;
	struct dsng_reply *r;
	char *a, *t;

	if (dsng_reply_parse(NULL, &r, in->t.p, in->t.len, &in->o, NULL))
		return -1;
	a = dsng_reply_format(r, r);
	t = dsng_reply_text(r, r, true);
	if (!a || !t || strlen(a) != in->t.len)
		return -1;
	talloc_free(r);
	return 0;
}

/* ---- commands --------------------------------------------------------- */

struct line_in {
	struct cx_text t;
	int want; /* the return code the parse must give */
};

static struct line_in *line_in(struct cx_buf *b, int want)
{
	struct line_in *in = talloc(b->mem, struct line_in);

	if (!in)
		cx_die("out of memory");
	in->t.p = b->p;
	in->t.len = b->len;
	in->want = want;
	return in;
}

/* n parameters (n = 4 and 32: DSNG_CMD_MAX_PARAMS is the limit). */
static void *cmd_params(TALLOC_CTX *mem, size_t n)
{
	static const char *const known[] = {
	        "SIZE=123456", "BODY=8BITMIME", "RET=HDRS",      "ENVID=QQ+2B1",
	        "SMTPUTF8",    "REQUIRETLS",    "MT-PRIORITY=3", "BY=120;R",
	        "HOLDFOR=30",  "AUTH=<>"};
	struct cx_buf b;
	size_t i;

	if (n > DSNG_CMD_MAX_PARAMS)
		cx_die("cmd params: %zu over the limit", n);
	cx_buf_init(&b, mem);
	cx_puts(&b, "MAIL FROM:<sender@example.org>");
	for (i = 0; i < n; i++) {
		if (i < sizeof(known) / sizeof(known[0]))
			cx_printf(&b, " %s", known[i]);
		else
			cx_printf(&b, " X-PARAM-%02zu=value+2B%02zu", i, i);
	}
	cx_puts(&b, "\r\n");
	return line_in(&b, DSNG_OK);
}

static int cmd_run(void *arg)
{
	struct line_in *in = arg;
	struct dsng_cmd c = DSNG_CMD_INIT;
	char out[4096];

	if (dsng_cmd_parse(&c, in->t.p, in->t.len, NULL, NULL) != in->want)
		return -1;
	dsng_cmd_format_buf(out, sizeof(out), &c);
	return 0;
}

/* ---- xtext ------------------------------------------------------------ */

struct xtext_in {
	struct cx_text t;
	char *out;
	int utf8;
};

static void *xtext_escapes(TALLOC_CTX *mem, size_t n)
{
	struct xtext_in *in = talloc_zero(mem, struct xtext_in);
	struct cx_buf b;
	size_t i;

	cx_buf_init(&b, mem);
	for (i = 0; i < n; i++)
		cx_puts(&b, i % 2 ? "+2B" : "a+3D");
	in->t.p = b.p;
	in->t.len = b.len;
	in->out = talloc_size(mem, b.len + 1);
	return in;
}

static void *xtext_utf8_escapes(TALLOC_CTX *mem, size_t n)
{
	struct xtext_in *in = talloc_zero(mem, struct xtext_in);
	struct cx_buf b;
	size_t i;

	cx_buf_init(&b, mem);
	for (i = 0; i < n; i++)
		cx_puts(&b, i % 2 ? "\\x{30C9}" : "a\\x{3D}");
	in->t.p = b.p;
	in->t.len = b.len;
	in->out = talloc_size(mem, b.len + 1);
	in->utf8 = 1;
	return in;
}

static int xtext_run(void *arg)
{
	struct xtext_in *in = arg;
	size_t n = 0;
	int rc = in->utf8
	                 ? dsng_xtext_utf8_decode(in->out, in->t.len + 1, &n,
	                                          in->t.p, in->t.len, 0, NULL,
	                                          NULL)
	                 : dsng_xtext_decode(in->out, in->t.len + 1, &n,
	                                     in->t.p, in->t.len, 0, NULL, NULL);

	return rc == DSNG_OK && n > 0 ? 0 : -1;
}

/* ---- addresses -------------------------------------------------------- */

/* A quoted local part of n escaped quotes: scanned whole, then refused as
 * too long (the scan is the attacker's lever). */
static void *addr_quoted(TALLOC_CTX *mem, size_t n)
{
	struct cx_buf b;
	size_t i;

	cx_buf_init(&b, mem);
	cx_puts(&b, "<\"");
	for (i = 0; i < n; i++)
		cx_puts(&b, i % 2 ? "a\\\"" : " >");
	cx_puts(&b, "\"@example.org>");
	return line_in(&b, DSNG_ESYNTAX);
}

/* A quote that never closes, full of '>' and escapes. */
static void *addr_unterminated(TALLOC_CTX *mem, size_t n)
{
	struct cx_buf b;
	size_t i;

	cx_buf_init(&b, mem);
	cx_puts(&b, "<\"");
	for (i = 0; i < n; i++)
		cx_puts(&b, i % 2 ? ">\\\"" : "> ");
	return line_in(&b, DSNG_ESYNTAX);
}

/* A domain of n labels, then a source route of n domains. */
static void *addr_labels(TALLOC_CTX *mem, size_t n)
{
	struct cx_buf b;
	size_t i;

	cx_buf_init(&b, mem);
	cx_puts(&b, "<");
	for (i = 0; i < n; i++)
		cx_puts(&b, i ? ",@r.example" : "@r.example");
	cx_puts(&b, ":user@");
	for (i = 0; i < n; i++)
		cx_puts(&b, "a-b.");
	cx_puts(&b, "example>");
	return line_in(&b, DSNG_ESYNTAX);
}

static int addr_run(void *arg)
{
	struct line_in *in = arg;
	struct dsng_path p;
	unsigned lax;

	return dsng_addr_parse(&p, in->t.p, in->t.len, 0, &lax, NULL) ==
	                       in->want
	               ? 0
	               : -1;
}

const struct cx_dim cx_smtp_dims[] = {
        {"ehlo: capability lines (keywords)", 8000, ehlo_keywords, ehlo_run},
        {"ehlo: AUTH mechanisms (distinct, every byte value)", 4000, ehlo_auth,
         ehlo_run},
        {"ehlo: parameters on one line (parse + canonical write)", 3000,
         ehlo_params, ehlo_run},
        {"ehlo: hide list x capabilities (n words, n caps)", 2000, ehlo_hide,
         ehlo_hide_run},
        {"reply: lines (parse, format, text)", 4000, reply_lines, reply_run},
        {"cmd: parameters on MAIL (4 vs 32, the limit)", 4, cmd_params,
         cmd_run},
        {"xtext: +XX escapes", 20000, xtext_escapes, xtext_run},
        {"xtext: RFC 6533 \\x{HEX} escapes", 10000, xtext_utf8_escapes,
         xtext_run},
        {"addr: quoted local part (escapes, '>' inside)", 10000, addr_quoted,
         addr_run},
        {"addr: unterminated quoted local part", 10000, addr_unterminated,
         addr_run},
        {"addr: source route and domain labels", 5000, addr_labels, addr_run},
        {NULL, 0, NULL, NULL},
};
