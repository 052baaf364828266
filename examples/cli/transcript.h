/*
 * examples/cli/transcript.h - read a pasted SMTP session, line by line.
 *
 * Format: client lines start with ">>>", server lines with "<<<" (one
 * optional space after the marker is not part of the text); "C:" and "S:"
 * are accepted as the same markers.  swaks output is read too: client
 * lines " -> ", server lines "<-  " (" ~> " and "<~  " once STARTTLS is
 * on), and "<** " ("<~* " under TLS) for replies swaks did not expect;
 * its "=== " notes and "*** " errors have no marker.  Other lines outside
 * message content (notes, blank lines) are reported as TRANSCRIPT_OTHER.
 * A client line answering a 334 challenge (AUTH LOGIN's user name and
 * password, RFC 4954) is TRANSCRIPT_SASL, not a command.  After a client
 * DATA that the server answered with 3xx (or that got no server answer
 * before the next client line), every line up to the lone "." is message
 * content, prefixed with ">>>" or pasted bare; dot-stuffing is undone.
 * Pipelined commands (RFC 2920) are followed: replies answer commands in
 * order, so DATA's own reply is the one that decides.
 *
 * Line ends (DESIGN.md section 5): a transcript whose first line ends in
 * CRLF is a raw capture, where only CRLF ends a line: a bare LF is part of
 * the line, so a bare-LF "." inside DATA does not end the content (the
 * SMTP smuggling ambiguity, CVE-2023-51764 and its siblings, is shown as
 * the receiving MTA that follows RFC 5321 sees it).  Any other transcript
 * is a pasted session: LF ends a line, and a CR before it is dropped.
 *
 * The reader streams: it reads one line at a time from an input (input.h)
 * and keeps nothing but its state, so a transcript of any size is read in
 * bounded memory.  Every text it returns points into the input's buffer
 * and is valid until the next call.  Texts are not NUL-terminated and may
 * hold NULs (and, in a raw capture, LFs).
 */
#ifndef DSNG_CLI_TRANSCRIPT_H
#define DSNG_CLI_TRANSCRIPT_H

#include <stddef.h>

#include "input.h"

enum transcript_kind {
	TRANSCRIPT_CLIENT,   /* an SMTP command from the client */
	TRANSCRIPT_SERVER,   /* a server reply line */
	TRANSCRIPT_CONTENT,  /* one line of message content after DATA */
	TRANSCRIPT_DATA_END, /* the lone "." that ends the content */
	TRANSCRIPT_OTHER,    /* anything else: a note, a blank line */
	TRANSCRIPT_SASL      /* a client's answer to a 334 challenge */
};

struct transcript_line {
	enum transcript_kind kind;
	const char *text; /* after the marker; no line ending; not NUL-ended */
	size_t len;
	unsigned lineno; /* 1-based line number in the transcript */
	int code;        /* SERVER: the 3-digit reply code, 0 if none */
	int last;        /* SERVER: 1 on the last line of a reply ("250 x") */
	int too_long;    /* the line was longer than INPUT_MAX_LINE: text is
	                    its first INPUT_MAX_LINE bytes */
};

struct transcript {
	struct input *in;
	int raw;             /* a raw capture: only CRLF ends a line */
	int started;         /* private: the first line was read */
	int state;           /* private */
	unsigned pending;    /* private: commands awaiting a final reply */
	unsigned data_ahead; /* private: replies due before DATA's own */
	int challenged;      /* private: the last reply was a 334 */
};

/* Start reading the transcript in `in` (not taken over: the caller frees
 * it after the last line). */
void transcript_init(struct transcript *t, struct input *in);

/* Next line into *out: returns 1, 0 at the end of the input, or -1 when
 * the input cannot be read (input_error(t->in) says why). */
int transcript_next(struct transcript *t, struct transcript_line *out);

/* 1 between commands: no message content is open, DATA is not waiting
 * for its reply and no 334 challenge waits for its SASL answer, so the
 * lines read so far stand on their own. */
int transcript_between_commands(const struct transcript *t);

/* 1 when a client line is the DATA command (any case, trailing blanks). */
int transcript_is_data(const char *text, size_t len);

/* Short name of a kind: "client", "server", "content", "data_end",
 * "other", "sasl". */
const char *transcript_kind_name(enum transcript_kind kind);

#endif
