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
 * No allocation and no dependency on libdsnguard: the reader keeps a
 * cursor into the caller's buffer, and every text it returns points into
 * that buffer.  The buffer need not be NUL-terminated and may hold NULs.
 */
#ifndef DSNG_CLI_TRANSCRIPT_H
#define DSNG_CLI_TRANSCRIPT_H

#include <stddef.h>

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
	unsigned lineno; /* 1-based line number in the buffer */
	int code;        /* SERVER: the 3-digit reply code, 0 if none */
	int last;        /* SERVER: 1 on the last line of a reply ("250 x") */
};

struct transcript {
	const char *buf;
	size_t len, pos;
	unsigned lineno;
	int state;           /* private */
	unsigned pending;    /* private: commands awaiting a final reply */
	unsigned data_ahead; /* private: replies due before DATA's own */
	int challenged;      /* private: the last reply was a 334 */
};

/* Start reading buf[0..len). */
void transcript_init(struct transcript *t, const char *buf, size_t len);

/* Next line into *out: returns 1, or 0 at the end of the buffer. */
int transcript_next(struct transcript *t, struct transcript_line *out);

/* 1 when a client line is the DATA command (any case, trailing blanks). */
int transcript_is_data(const char *text, size_t len);

/* Short name of a kind: "client", "server", "content", "data_end",
 * "other", "sasl". */
const char *transcript_kind_name(enum transcript_kind kind);

#endif
