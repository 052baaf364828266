/*
 * examples/cli/input.h - the one streaming reader behind every command
 * of the CLI: `scan-log`, `parse-report`, `parse-cmd`, `audit`,
 * `parse-ehlo` and `batv --key-file`.
 *
 * An input is a file named on the command line or "-" for standard input.
 * When its first two bytes are the gzip magic (1f 8b) it is decompressed
 * on the fly, whatever its name (a rotated `maillog.2.gz`, or a pipe from
 * `cat x.gz`); concatenated gzip members are read one after the other.
 *
 * Memory is bounded by one item, never by the input: a line is at most
 * max_line bytes (INPUT_MAX_LINE by default; a longer one is cut there,
 * flagged too_long, and the rest up to its end is skipped), a message at
 * most the caller's max + 1 bytes (the real size is still counted, so a
 * caller can report the message as too big and go on with the next one).
 * The buffers are about 200 KiB and the message buffer.
 *
 * Errors: input_open always returns an input (NULL only when out of
 * memory); when the file cannot be opened, or later when it cannot be
 * read or the gzip data is broken, input_error() says why in words
 * ("No such file or directory", "unexpected end of gzip data") and every
 * read returns -1.  Nothing is printed.
 */
#ifndef DSNG_CLI_INPUT_H
#define DSNG_CLI_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include <talloc.h>

/* The longest line kept whole: as long as the longest SMTP command or
 * reply line the library accepts (DSNG_CMD_MAX_LINE_CEILING), and four
 * times scan-log's 16384 (longer log lines are garbage anyway). */
#define INPUT_MAX_LINE 65536

/* What ends a line. */
enum input_eol {
	INPUT_LF,  /* "\n"; a CR before it is not part of the line */
	INPUT_CRLF /* only "\r\n": a bare LF or CR is part of the line */
};

struct input_opts {
	size_t max_line;  /* 0 = INPUT_MAX_LINE; at least 16 */
	size_t read_size; /* bytes per read from the source, 0 = 128 KiB
	                     (the fuzz target makes it small) */
};

struct input_line {
	const char *text; /* not NUL-terminated; valid until the next read */
	size_t len;       /* without the line end */
	unsigned eol;     /* bytes of the line end that followed: 1 ("\n"),
	                     2 ("\r\n"), 0 (end of input, or too_long) */
	bool too_long;    /* longer than max_line: text is its first
	                     max_line bytes, the rest was skipped */
	unsigned long lineno; /* 1-based, counted in this input */
};

struct input_msg {
	const char *text;        /* the message: at most max + 1 bytes kept */
	size_t len;              /* bytes in text */
	unsigned long long size; /* the message's real size */
	bool too_big;            /* size > max: text holds its first max + 1 */
	unsigned long lineno; /* line where it starts (the mbox "From " line) */
};

struct input;

/* Open path ("-" = standard input, not closed at the end) as a new talloc
 * child of mem; free it with talloc_free.  opts NULL = defaults. */
struct input *input_open(TALLOC_CTX *mem, const char *path,
                         const struct input_opts *opts);
/* The same over buf[0..len) (not copied: keep it alive), named name. */
struct input *input_open_mem(TALLOC_CTX *mem, const char *name, const void *buf,
                             size_t len, const struct input_opts *opts);

/* The name as given ("-" for standard input). */
const char *input_name(const struct input *in);
/* The name for a message: "standard input" for "-". */
const char *input_label(const struct input *in);
/* NULL while all is well, else why the input cannot be read. */
const char *input_error(const struct input *in);
/* true when the input is gzip data (known once open). */
bool input_is_gzip(const struct input *in);

/* The next line: 1 with *out filled, 0 at the end, -1 on error.  eol may
 * change from one call to the next (the transcript reader decides after
 * the first line). */
int input_next_line(struct input *in, enum input_eol eol,
                    struct input_line *out);

/* The next bytes of the input as read (decompressed when gzip), however
 * many the last read gave: 1 with *text and *len set (valid until the
 * next read), 0 at the end, -1 on error.  For a caller that splits lines
 * itself (scan-log feeds whole reads to the log scanner); not to be
 * mixed with the line and message readers on one input. */
int input_next_chunk(struct input *in, const char **text, size_t *len);
/* The next message of an mbox, split as dsng_mime_mbox_next splits one:
 * an input that does not start with "From " is one message; otherwise a
 * "From " line at the start or after a blank line (LF or CRLF) starts a
 * message and is left out of it.  1, 0 at the end, -1 on error. */
int input_next_mbox(struct input *in, size_t max, struct input_msg *out);

/* The whole (rest of the) input as one message: 1 (also when empty), or
 * -1 on error. */
int input_whole(struct input *in, size_t max, struct input_msg *out);

#endif
