/*
 * dsnguard/reply.h - SMTP server replies (RFC 5321 section 4.2), single or
 * multi-line, with the RFC 2034 enhanced status code of each line:
 *
 *   Reply-line = *( Reply-code "-" [ textstring ] CRLF )
 *                   Reply-code [ SP textstring ] CRLF
 *
 * Lines may end in CRLF or a bare LF (what many clients tolerate).  A
 * parsed reply is a talloc tree with copies of the text, so it outlives
 * the input.
 */
#ifndef DSNG_REPLY_H
#define DSNG_REPLY_H

#include <talloc.h>

#include "common.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DSNG_REPLY_OPTS_VERSION 1
/* RFC 5321 4.5.3.1.5: a reply line is at most 512 octets with its CRLF. */
#define DSNG_REPLY_DEFAULT_MAX_LINE 512
/* Lenient mode: real servers exceed 512 (long AUTH or greeting lines). */
#define DSNG_REPLY_LENIENT_MAX_LINE 4096
/* No option can raise the line limit above this. */
#define DSNG_REPLY_MAX_LINE_CEILING 65536
/* Lines in one reply; EHLO replies have a few dozen at most. */
#define DSNG_REPLY_DEFAULT_MAX_LINES 1000
/* No option can raise the line count above this. */
#define DSNG_REPLY_MAX_LINES_CEILING 1000000

/* Accept lines up to DSNG_REPLY_LENIENT_MAX_LINE (unless max_line says). */
#define DSNG_REPLY_LENIENT 0x1u

struct dsng_reply_opts {
	unsigned version; /* DSNG_REPLY_OPTS_VERSION */
	unsigned flags;   /* DSNG_REPLY_LENIENT */
	size_t max_line;  /* octets per line, line end counted as CRLF;
	                     0 = 512, or 4096 with DSNG_REPLY_LENIENT; raised
	                     to 5 and clamped to DSNG_REPLY_MAX_LINE_CEILING */
	size_t max_lines; /* 0 = DSNG_REPLY_DEFAULT_MAX_LINES; clamped to
	                     DSNG_REPLY_MAX_LINES_CEILING */
};

/* The defaults: 512-octet lines (4096 once DSNG_REPLY_LENIENT is set),
 * 1000 lines. */
#define DSNG_REPLY_OPTS_INIT                                                   \
	{                                                                      \
		DSNG_REPLY_OPTS_VERSION, 0, 0, DSNG_REPLY_DEFAULT_MAX_LINES    \
	}

/* Set *opts to the defaults of that version (1..DSNG_REPLY_OPTS_VERSION).
 * Returns 0, or DSNG_EINVAL (opts NULL, version unknown; opts untouched). */
DSNG_API int dsng_reply_opts_init(struct dsng_reply_opts *opts,
                                  unsigned version);

/* One line of a reply. */
struct dsng_reply_line {
	char *text; /* everything after "250-"/"250 ", NUL-terminated
	               ("" for a bare "250"); the enhanced code kept */
	size_t text_len;
	const char *msg;   /* inside text: after the enhanced code and its
	                      spaces, or == text when the line has none */
	bool has_enhanced; /* starts with a code of the reply's class */
	struct dsng_status_code enhanced;
	char sep;           /* '-' continuation, ' ' final, 0 bare final code */
	size_t offset;      /* offset of the line's reply code in the input */
	size_t text_offset; /* offset of text[0] in the input */
};

struct dsng_reply {
	int code;          /* 200..559 */
	bool has_enhanced; /* some line carries an enhanced code */
	struct dsng_status_code enhanced; /* the first line's that does */
	size_t n_lines;                   /* >= 1 */
	struct dsng_reply_line **lines;
	size_t length;     /* input bytes the reply used, line ends included */
	bool unterminated; /* the final line had no line end */
};

/*
 * Errors of the parsers (err->offset in buf, err->line the 1-based line,
 * err->column): DSNG_ESYNTAX with DSNG_ERR_EMPTY, _BAD_REPLY (code not 3
 * digits, first 2-5, second 0-5), _BAD_CONTINUATION (bad separator, no
 * final line, text after the final line), _MIXED_CODES, _NUL_BYTE,
 * _BARE_CR_LF (CR not before LF); DSNG_ELIMIT with _LINE_TOO_LONG
 * (err->limit "max_line") or _SIZE_LIMIT (too many lines, err->limit
 * "max_lines"); DSNG_ENOMEM; DSNG_EINVAL (NULL pointers, an options
 * version other than 1..DSNG_REPLY_OPTS_VERSION).
 */

/* Parse buf/len, exactly one reply (the final line end may be missing),
 * into *out, a new talloc child of mem holding copies of the text; opts
 * NULL = defaults.  On error *out is NULL and nothing is left on mem. */
DSNG_API int dsng_reply_parse(TALLOC_CTX *mem, struct dsng_reply **out,
                              const char *buf, size_t len,
                              const struct dsng_reply_opts *opts,
                              struct dsng_error *err);

/* For a client reading a socket, allocating nothing: 1 and *used = its
 * length when a whole reply starts buf (parse buf, *used next), 0 when more
 * input is needed, or the parser's error as soon as the bytes are bad. */
DSNG_API int dsng_reply_complete(size_t *used, const char *buf, size_t len,
                                 const struct dsng_reply_opts *opts,
                                 struct dsng_error *err);

/* The reply's text lines (without codes) joined by "\n", enhanced codes
 * removed when strip_enhanced.  New talloc child of mem; NULL on ENOMEM
 * or a NULL reply. */
DSNG_API char *dsng_reply_text(TALLOC_CTX *mem, const struct dsng_reply *reply,
                               bool strip_enhanced);

/* Write a reply back, each line with CRLF: "250-" for every line but the
 * last, "250 " (or a bare "250" for an empty text) for the last.  New
 * talloc child of mem; NULL on ENOMEM or a NULL reply. */
DSNG_API char *dsng_reply_format(TALLOC_CTX *mem,
                                 const struct dsng_reply *reply);

#ifdef __cplusplus
}
#endif

#endif /* DSNG_REPLY_H */
