/*
 * dsnguard/mime.h - the minimal MIME reader a delivery report needs:
 * header blocks (unfolding, parameters with RFC 2231), multipart trees
 * (one pass, boundaries, preamble/epilogue, truncation), transfer
 * decoding (base64, quoted-printable), RFC 2047 encoded words, mbox
 * splitting, and explicit limits.
 *
 * A parsed message points into the caller's buffer (spans): keep the
 * buffer alive as long as the tree.  Bodies are never decoded until asked
 * (dsng_mime_part_decode), and message/rfc822 parts are opened only on
 * request (dsng_mime_open_message).
 */
#ifndef DSNG_MIME_H
#define DSNG_MIME_H

#include <stdbool.h>

#include <talloc.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Limits; every one is checked before the work it bounds and, when
 * exceeded, gives DSNG_ELIMIT with the kind named and the offset where it
 * broke.  Fill with dsng_mime_limits_init, then change what you need;
 * `size` lets the struct grow without breaking callers.
 */
struct dsng_mime_limits {
	size_t size;           /* sizeof(struct dsng_mime_limits) */
	unsigned max_depth;    /* multipart nesting (DEPTH_LIMIT), 20 */
	unsigned max_parts;    /* parts per message (PART_LIMIT), 100 */
	unsigned max_fields;   /* fields per header block (FIELD_LIMIT), 1000 */
	size_t max_field_len;  /* one folded field (HEADER_LIMIT), 8192 */
	size_t max_header_len; /* one header block (HEADER_LIMIT), 102400 */
	size_t max_boundary_len; /* boundary= value (HEADER_LIMIT), 256 */
	size_t max_size;         /* whole input (SIZE_LIMIT), 32 MiB */
	size_t max_decoded;      /* one decoded body (SIZE_LIMIT), 10 MiB */
};

/* Fill *lim with the safe defaults listed above. */
DSNG_API void dsng_mime_limits_init(struct dsng_mime_limits *lim);

/* One header field as written: spans into the parsed buffer. */
struct dsng_mime_field {
	struct dsng_span name;  /* without the colon and trailing blanks */
	struct dsng_span value; /* after the colon to the end of the last
	                         * continuation line, still folded */
	size_t offset;          /* of the name, in the message input */
};

/* A header block (fields in order, duplicates kept). */
struct dsng_mime_header {
	struct dsng_mime_field *fields;
	size_t count;
	size_t offset; /* first byte of the block */
	size_t len;    /* up to and including the blank line */
};

/* A content parameter after RFC 2231 reassembly and decoding. */
struct dsng_mime_param {
	char *name;  /* lower-case */
	char *value; /* unquoted, %XX-decoded (raw bytes of its charset) */
};

enum dsng_mime_cte {
	DSNG_CTE_7BIT = 0,
	DSNG_CTE_8BIT,
	DSNG_CTE_BINARY,
	DSNG_CTE_BASE64,
	DSNG_CTE_QP,
	DSNG_CTE_UNKNOWN /* an encoding we do not know: body left as is */
};

/* Something that broke the grammar but was read around. */
struct dsng_mime_problem {
	const char *field; /* field or element name ("Status", "boundary") */
	size_t offset;     /* in the message input */
	const char *message;
};

/* One MIME entity. */
struct dsng_mime_part {
	struct dsng_mime_header header;
	const char *type;     /* "multipart/report", lower-case; default
	                       * text/plain (message/rfc822 in a digest) */
	const char *boundary; /* multipart only, else NULL */
	struct dsng_mime_param *params; /* Content-Type parameters */
	size_t nparams;
	enum dsng_mime_cte cte;
	struct dsng_span body; /* raw (still encoded) body */
	size_t offset;         /* start of the entity (its header) */
	size_t body_offset;    /* start of the body */
	unsigned depth;        /* 0 for the top entity */
	unsigned index;        /* position in message->parts */
	bool truncated;        /* multipart whose close delimiter never came */
	struct dsng_mime_part *parent, *first_child, *next;
	size_t nchildren;
};

/* A parsed message: the tree, its parts in pre-order, and problems. */
struct dsng_mime_message {
	struct dsng_mime_part *root;
	struct dsng_mime_part **parts;
	size_t nparts;
	bool truncated; /* some multipart's close delimiter never came */
	struct dsng_mime_problem *problems;
	size_t nproblems;
	const char *buf; /* the input the spans point into */
	size_t len;
	size_t base_offset; /* added to every offset (opened sub-messages) */
};

/*
 * Parse a message (an mbox "From " first line is skipped) into a tree
 * hung off one new child of mem (*out; NULL on error, nothing left on
 * mem).  lim may be NULL for the defaults.  Errors: DSNG_ELIMIT with
 * DSNG_ERR_{DEPTH,PART,HEADER,FIELD,SIZE}_LIMIT, DSNG_ESYNTAX with
 * DSNG_ERR_NOT_MAIL when the input does not start with a header field,
 * DSNG_ENOMEM, DSNG_EINVAL.
 */
DSNG_API int dsng_mime_parse(TALLOC_CTX *mem, const char *buf, size_t len,
                             const struct dsng_mime_limits *lim,
                             struct dsng_mime_message **out,
                             struct dsng_error *err);

/*
 * Parse the message carried by a message/rfc822 or message/global part of
 * msg (its body decoded first when encoded), with depth counted from the
 * part.  Result and errors as dsng_mime_parse; offsets are counted from
 * the part's body start (in decoded bytes when the body was encoded).
 */
DSNG_API int dsng_mime_open_message(TALLOC_CTX *mem,
                                    const struct dsng_mime_message *msg,
                                    const struct dsng_mime_part *part,
                                    const struct dsng_mime_limits *lim,
                                    struct dsng_mime_message **out,
                                    struct dsng_error *err);

/*
 * Parse one header block starting at buf[0] (no mbox handling); *body
 * gets the offset just past the blank line (or where a non-field line
 * starts).  The result is a new child of mem.  Errors as dsng_mime_parse
 * (limits only; a block without any field is not an error).
 */
DSNG_API int dsng_mime_header_parse(TALLOC_CTX *mem, const char *buf,
                                    size_t len,
                                    const struct dsng_mime_limits *lim,
                                    struct dsng_mime_header **out, size_t *body,
                                    struct dsng_error *err);

/* The first field named `name` (case-insensitive), or NULL.  Borrowed. */
DSNG_API const struct dsng_mime_field *
dsng_mime_header_find(const struct dsng_mime_header *h, const char *name);

/*
 * A field value unfolded (CRLF before white space removed), with leading
 * and trailing white space trimmed, as a new NUL-terminated talloc string
 * (*out_len may be NULL).  NULL only on ENOMEM.
 */
DSNG_API char *dsng_mime_unfold(TALLOC_CTX *mem, const char *p, size_t len,
                                size_t *out_len);

/*
 * The parameter `name` of part's Content-Type (lower-case name), or NULL.
 * Borrowed from the part.
 */
DSNG_API const char *dsng_mime_part_param(const struct dsng_mime_part *part,
                                          const char *name);

/*
 * Parse a Content-Type value: *type gets "type/subtype" lower-case
 * (NULL when malformed), *params the RFC 2231-reassembled parameters, all
 * children of mem.  Returns DSNG_OK, DSNG_ENOMEM.
 */
DSNG_API int dsng_mime_content_type(TALLOC_CTX *mem, const char *p, size_t len,
                                    char **type,
                                    struct dsng_mime_param **params,
                                    size_t *nparams);

/*
 * Undo the part's transfer encoding.  For 7bit/8bit/binary/unknown the
 * body span is returned as is (*out borrowed, nothing allocated);
 * otherwise *out is a new talloc buffer on mem (NUL-terminated, the NUL
 * not counted).  Junk in base64 is skipped, a broken QP escape kept as
 * written.  DSNG_ELIMIT (SIZE_LIMIT) when the result would exceed
 * lim->max_decoded; DSNG_ENOMEM.
 */
DSNG_API int dsng_mime_part_decode(TALLOC_CTX *mem,
                                   const struct dsng_mime_part *part,
                                   const struct dsng_mime_limits *lim,
                                   const char **out, size_t *out_len,
                                   struct dsng_error *err);

/* Decode base64 (characters outside the alphabet skipped, stops at '=')
 * into out, which must hold len*3/4+3 octets; returns the length. */
DSNG_API size_t dsng_mime_base64_decode(char *out, const char *in, size_t len);

/* Decode quoted-printable (soft breaks removed, a malformed '=' kept) into
 * out, which must hold len octets; returns the length. */
DSNG_API size_t dsng_mime_qp_decode(char *out, const char *in, size_t len);

/*
 * Decode RFC 2047 encoded words in an unfolded header value to UTF-8
 * (utf-8/us-ascii as is, other charsets through iconv; undecodable words
 * are kept as written; white space between adjacent encoded words is
 * dropped).  A new NUL-terminated talloc string; NULL only on ENOMEM.
 */
DSNG_API char *dsng_mime_decode_words(TALLOC_CTX *mem, const char *p,
                                      size_t len);

/*
 * Step through an mbox: starting at *pos, find the next message (a line
 * "From " at the start of the buffer or after a blank line begins a new
 * one; the "From " line itself is not part of the message).  Returns true
 * and fills *msg, advancing *pos; false at the end.  A buffer that is not
 * an mbox is one message.
 */
DSNG_API bool dsng_mime_mbox_next(const char *buf, size_t len, size_t *pos,
                                  struct dsng_span *msg);

/* "7bit", "base64", ... for an encoding. */
DSNG_API const char *dsng_mime_cte_name(enum dsng_mime_cte cte);

#ifdef __cplusplus
}
#endif

#endif /* DSNG_MIME_H */
