/*
 * examples/cli/transcript.c - the pasted-session reader behind `audit` and
 * `parse-cmd --transcript` (see transcript.h for the format).
 *
 * The only subtle part is message content: its lines are usually pasted
 * with the client marker too, so they must not be taken for commands.
 * Content starts once the server accepted DATA (RFC 5321 4.1.1.4: 354) and
 * ends at the lone "." (RFC 5321 4.5.2, which also defines dot-stuffing).
 */
#include <string.h>

#include "transcript.h"

enum {
	ST_COMMANDS = 0, /* between commands */
	ST_DATA_SENT,    /* client sent DATA, server has not answered yet */
	ST_CONTENT       /* inside message content */
};

void transcript_init(struct transcript *t, struct input *in)
{
	t->in = in;
	t->raw = 0;
	t->started = 0;
	t->state = ST_COMMANDS;
	t->pending = 0;
	t->data_ahead = 0;
	t->challenged = 0;
}

int transcript_between_commands(const struct transcript *t)
{
	/* nor an AUTH exchange: a 334's answer is read as SASL */
	return t->state == ST_COMMANDS && !t->challenged;
}

const char *transcript_kind_name(enum transcript_kind kind)
{
	switch (kind) {
	case TRANSCRIPT_CLIENT:
		return "client";
	case TRANSCRIPT_SERVER:
		return "server";
	case TRANSCRIPT_CONTENT:
		return "content";
	case TRANSCRIPT_DATA_END:
		return "data_end";
	case TRANSCRIPT_OTHER:
		return "other";
	case TRANSCRIPT_SASL:
		return "sasl";
	}
	return "other";
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

int transcript_is_data(const char *text, size_t len)
{
	static const char word[] = "DATA";
	size_t i;

	if (len < 4)
		return 0;
	for (i = 0; i < 4; i++)
		if ((text[i] & ~0x20) != word[i])
			return 0;
	for (; i < len; i++)
		if (!is_blank(text[i]))
			return 0;
	return 1;
}

/* swaks's markers, blank included (swaks prints the marker, a space and
 * the line): what it sent, what it received, and received replies it did
 * not expect; the "~" forms once TLS is on. */
static const struct {
	char text[5];
	char who;
} swaks_markers[] = {{" -> ", 'C'}, {" ~> ", 'C'}, {"<-  ", 'S'},
                     {"<~  ", 'S'}, {"<** ", 'S'}, {"<~* ", 'S'}};

/* Which marker starts the line: 'C', 'S' or 0; *skip is its length plus
 * one following space when present. */
static char marker(const char *p, size_t len, size_t *skip)
{
	char who = 0;
	size_t n = 0, i;

	for (i = 0; i < sizeof(swaks_markers) / sizeof(swaks_markers[0]); i++)
		if (len >= 4 && !memcmp(p, swaks_markers[i].text, 4)) {
			*skip = 4;
			return swaks_markers[i].who;
		}
	/* An empty line swaks sent, its trailing blank trimmed by an
	 * editor: still the client's (the blank line that ends headers). */
	if (len == 3 && (!memcmp(p, " ->", 3) || !memcmp(p, " ~>", 3))) {
		*skip = 3;
		return 'C';
	}
	if (len >= 3 && !memcmp(p, ">>>", 3))
		who = 'C', n = 3;
	else if (len >= 3 && !memcmp(p, "<<<", 3))
		who = 'S', n = 3;
	else if (len >= 2 && (p[0] == 'C' || p[0] == 'S') && p[1] == ':')
		who = p[0], n = 2;
	if (who && n < len && p[n] == ' ')
		n++;
	*skip = n;
	return who;
}

static int reply_code(const char *p, size_t len, int *last)
{
	*last = 1;
	if (len < 3 || p[0] < '1' || p[0] > '5' || p[1] < '0' || p[1] > '9' ||
	    p[2] < '0' || p[2] > '9')
		return 0;
	if (len > 3 && p[3] == '-')
		*last = 0;
	else if (len > 3 && p[3] != ' ')
		return 0;
	return (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
}

int transcript_next(struct transcript *t, struct transcript_line *out)
{
	struct input_line il;
	const char *line;
	size_t len, skip;
	char who;
	int rc;

	/* The first line decides how lines end (see transcript.h). */
	rc = input_next_line(t->in, t->raw ? INPUT_CRLF : INPUT_LF, &il);
	if (rc <= 0)
		return rc;
	if (!t->started) {
		t->started = 1;
		t->raw = il.eol == 2;
	}
	line = il.text;
	len = il.len;
	/* A pasted session's last line may still end in a lone CR. */
	if (!t->raw && !il.eol && len && line[len - 1] == '\r')
		len--;

	memset(out, 0, sizeof(*out));
	out->lineno = (unsigned)il.lineno;
	out->too_long = il.too_long;
	who = marker(line, len, &skip);

	/* A client line right after DATA with no server answer in between:
	 * the paste left the 354 out, so content has begun. */
	if (t->state == ST_DATA_SENT && who != 'S' && len)
		t->state = ST_CONTENT;

	if (t->state == ST_CONTENT && who != 'S') {
		if (who == 'C') {
			line += skip;
			len -= skip;
		}
		if (len == 1 && line[0] == '.') {
			t->state = ST_COMMANDS;
			t->pending++; /* the end of data gets its own reply */
			out->kind = TRANSCRIPT_DATA_END;
		} else {
			out->kind = TRANSCRIPT_CONTENT;
			if (len && line[0] == '.') {
				line++;
				len--;
			}
		}
		out->text = line;
		out->len = len;
		return 1;
	}

	out->text = line + skip;
	out->len = len - skip;
	if (who == 'S') {
		out->kind = TRANSCRIPT_SERVER;
		out->code = reply_code(out->text, out->len, &out->last);
		/* A server line inside content means the paste lost the "."
		 * (or the server timed out): back to commands. */
		if (t->state == ST_CONTENT)
			t->state = ST_COMMANDS;
		if (out->code && out->last) {
			/* Replies answer pipelined commands in order; only
			 * DATA's own reply opens the content. */
			if (t->state == ST_DATA_SENT && t->data_ahead)
				t->data_ahead--;
			else if (t->state == ST_DATA_SENT)
				t->state = out->code >= 300 && out->code < 400
				                   ? ST_CONTENT
				                   : ST_COMMANDS;
			if (t->pending)
				t->pending--;
			t->challenged = out->code == 334;
		}
	} else if (who == 'C' && t->challenged) {
		/* Only AUTH's challenges are 334 (RFC 4954 4): the answer is
		 * a SASL response, which gets a reply but is no command. */
		out->kind = TRANSCRIPT_SASL;
		t->challenged = 0;
		t->pending++;
	} else if (who == 'C') {
		out->kind = TRANSCRIPT_CLIENT;
		t->pending++;
		if (transcript_is_data(out->text, out->len)) {
			t->state = ST_DATA_SENT;
			t->data_ahead = t->pending - 1;
		}
	} else {
		out->kind = TRANSCRIPT_OTHER;
	}
	return 1;
}
