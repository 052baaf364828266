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
 *
 * Offsets.  Every offset the library gives (fields, parts, problems,
 * err->offset) is a byte position in the message input as the caller gave
 * it to dsng_mime_parse or dsng_report_parse (an mbox "From " line
 * included), also inside an opened message/rfc822 part, inside a report's
 * delivery-status part and in its returned headers: never relative to a
 * part.  Text that had a transfer encoding removed (a base64 or
 * quoted-printable part, and everything in a message opened from one) has
 * no byte positions in the input; every offset found in it is the offset
 * of the encoded body's first byte (the part's body_offset), and an opened
 * message says so with `decoded`.
 *
 * Common to the functions below: a result is one new talloc child of mem
 * (on error *out is NULL and nothing is left on mem); `lim` may be NULL
 * for the defaults, and a limits struct of unknown version is refused
 * with DSNG_EINVAL; DSNG_ELIMIT errors carry the kind (DSNG_ERR_*_LIMIT),
 * the offset and, in err->limit, the name of the field exceeded.
 */
#ifndef DSNG_MIME_H
#define DSNG_MIME_H

#include <stdbool.h>

#include <talloc.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DSNG_MIME_LIMITS_VERSION 1

/*
 * Limits; every one is checked before the work it bounds.  Versioned
 * (common.h): start from DSNG_MIME_LIMITS_INIT or dsng_mime_limits_init,
 * then change what you need.  In brackets the error kind, then the default.
 * Each is refused with DSNG_ELIMIT and err->limit naming the field;
 * max_field_len, max_header_len and max_decoded are clamped to
 * DSNG_MIME_MAX_LEN_CEILING (talloc's largest allocation).
 *
 * Fixed caps that are not errors: the first 64 parameters of a
 * Content-Type are read and the rest ignored (a boundary after them is
 * lost: the multipart reads as one part, with a problem); the first 256
 * problems are listed, then one "further problems not listed".
 */
#define DSNG_MIME_MAX_LEN_CEILING (256u * 1024 * 1024)

struct dsng_mime_limits {
	unsigned version;      /* DSNG_MIME_LIMITS_VERSION */
	unsigned max_depth;    /* multipart nesting (DEPTH_LIMIT), 20 */
	unsigned max_parts;    /* parts per message (PART_LIMIT), 100 */
	unsigned max_fields;   /* fields per header block (FIELD_LIMIT), 1000 */
	size_t max_field_len;  /* one folded field (HEADER_LIMIT), 8192 */
	size_t max_header_len; /* one header block (HEADER_LIMIT), 102400 */
	size_t max_boundary_len; /* boundary= value (HEADER_LIMIT), 256 */
	size_t max_size;         /* whole input (SIZE_LIMIT), 32 MiB */
	size_t max_decoded;      /* one decoded body (SIZE_LIMIT), 10 MiB */
};

/* The defaults above.  max_boundary_len is longer than RFC 2046's 70
 * because real MTAs write longer boundaries. */
#define DSNG_MIME_LIMITS_INIT                                                  \
	{                                                                      \
		DSNG_MIME_LIMITS_VERSION, 20, 100, 1000, 8192, 102400, 256,    \
		        32u * 1024 * 1024, 10u * 1024 * 1024                   \
	}

/* Set *lim to the defaults, at that version (DSNG_MIME_LIMITS_VERSION).
 * Returns 0, or DSNG_EINVAL (lim NULL, version 0 or newer than the
 * library's; *lim untouched).  Allocates nothing. */
DSNG_API int dsng_mime_limits_init(struct dsng_mime_limits *lim,
                                   unsigned version);

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
	size_t n_fields;
	size_t offset; /* first byte of the block */
	size_t len;    /* up to and including the blank line */
};

/* A content parameter after RFC 2231 reassembly and decoding. */
struct dsng_mime_param {
	char *name;  /* lower-case */
	char *value; /* unquoted, %XX-decoded (raw bytes of its charset) */
};

/* Content-Transfer-Encoding of a part. */
enum dsng_mime_cte {
	DSNG_MIME_CTE_7BIT = 0,
	DSNG_MIME_CTE_8BIT,
	DSNG_MIME_CTE_BINARY,
	DSNG_MIME_CTE_BASE64,
	DSNG_MIME_CTE_QP,
	DSNG_MIME_CTE_UNKNOWN /* an encoding we do not know: body left as is */
};

/* Something that broke the grammar but was read around. */
struct dsng_mime_problem {
	const char *field; /* field or element name ("Status", "boundary") */
	size_t offset;     /* in the message input */
	const char *message;
};

/* One MIME entity.  Allocated by the library only (not versioned: fields
 * are only appended). */
struct dsng_mime_part {
	struct dsng_mime_header header;
	const char *type;     /* "multipart/report", lower-case; default
	                       * text/plain (message/rfc822 in a digest) */
	const char *boundary; /* multipart only, else NULL */
	struct dsng_mime_param *params; /* Content-Type parameters */
	size_t n_params;
	enum dsng_mime_cte cte;
	struct dsng_span body; /* raw (still encoded) body */
	size_t offset;         /* start of the entity (its header) */
	size_t body_offset;    /* start of the body */
	unsigned depth;        /* 0 for the top entity */
	unsigned index;        /* position in message->parts */
	bool truncated;        /* multipart whose close delimiter never came */
	struct dsng_mime_part *parent, *first_child, *next;
	size_t n_children;
};

/* A parsed message: the tree, its parts in pre-order, and problems.
 * Allocated by the library only (not versioned). */
struct dsng_mime_message {
	struct dsng_mime_part *root;
	struct dsng_mime_part **parts;
	size_t n_parts;
	bool truncated; /* some multipart's close delimiter never came */
	struct dsng_mime_problem *problems;
	size_t n_problems;
	const char *buf; /* the input the spans point into */
	size_t len;
	size_t base_offset; /* offset of buf[0] in the input (opened
	                     * sub-messages), added to every position */
	bool decoded; /* buf is a transfer-decoded copy (of the part opened,
	               * or of a part around it): every offset is base_offset */
};

/* Parse a message (an mbox "From " first line is skipped) into *out.
 * Errors: DSNG_ELIMIT (any limit), DSNG_ESYNTAX/DSNG_ERR_NOT_MAIL (no
 * header field at the start), DSNG_ENOMEM, DSNG_EINVAL. */
DSNG_API int dsng_mime_parse(TALLOC_CTX *mem, struct dsng_mime_message **out,
                             const char *buf, size_t len,
                             const struct dsng_mime_limits *lim,
                             struct dsng_error *err);

/* Parse the message inside a message/rfc822 or message/global part of msg
 * (decoded first if encoded; *out then owns the copy), depth counted from
 * the part, offsets from its body.  Errors as dsng_mime_parse. */
DSNG_API int dsng_mime_open_message(TALLOC_CTX *mem,
                                    struct dsng_mime_message **out,
                                    const struct dsng_mime_message *msg,
                                    const struct dsng_mime_part *part,
                                    const struct dsng_mime_limits *lim,
                                    struct dsng_error *err);

/* Parse one header block at buf[0] into *out; *body (may be NULL) gets the
 * offset past the blank line or of the first non-field line.  Errors:
 * DSNG_ELIMIT (header/field limits), DSNG_ENOMEM, DSNG_EINVAL. */
DSNG_API int dsng_mime_header_parse(TALLOC_CTX *mem,
                                    struct dsng_mime_header **out, size_t *body,
                                    const char *buf, size_t len,
                                    const struct dsng_mime_limits *lim,
                                    struct dsng_error *err);

/* The first field of h named `name` (case-insensitive), or NULL (also for
 * NULL arguments).  Borrowed from h; allocates nothing. */
DSNG_API const struct dsng_mime_field *
dsng_mime_header_find(const struct dsng_mime_header *h, const char *name);

/* A field value unfolded (CRLF before white space removed) and trimmed, as
 * a new NUL-terminated string on mem, its length in *out_len (may be
 * NULL).  Returns NULL only when out of memory. */
DSNG_API char *dsng_mime_unfold(TALLOC_CTX *mem, size_t *out_len, const char *p,
                                size_t len);

/* The value of parameter `name` (lower-case) of part's Content-Type, or
 * NULL.  Borrowed from the part; allocates nothing. */
DSNG_API const char *dsng_mime_part_param(const struct dsng_mime_part *part,
                                          const char *name);

/* Parse a Content-Type value: *type "type/subtype" lower-case (NULL when
 * malformed, not an error), *params and *n_params the RFC 2231-joined
 * parameters; new children of mem.  Errors: DSNG_EINVAL, DSNG_ENOMEM. */
DSNG_API int dsng_mime_content_type(TALLOC_CTX *mem, char **type,
                                    struct dsng_mime_param **params,
                                    size_t *n_params, const char *p, size_t len,
                                    struct dsng_error *err);

/* Undo part's transfer encoding: *out is the body itself for 7bit, 8bit,
 * binary and unknown (borrowed), else a new NUL-terminated buffer on mem.
 * Errors: DSNG_ELIMIT "max_decoded", DSNG_ENOMEM, DSNG_EINVAL. */
DSNG_API int dsng_mime_part_decode(TALLOC_CTX *mem, const char **out,
                                   size_t *out_len,
                                   const struct dsng_mime_part *part,
                                   const struct dsng_mime_limits *lim,
                                   struct dsng_error *err);

/* Decode base64 (bytes outside the alphabet skipped, stops at '=') into
 * out, which must hold len*3/4+3 octets; returns the length.  Cannot
 * fail; allocates nothing. */
DSNG_API size_t dsng_mime_base64_decode(char *out, const char *in, size_t len);

/* Decode quoted-printable (soft breaks removed, a malformed '=' kept) into
 * out, which must hold len octets (out may be in); returns the length.
 * Cannot fail; allocates nothing. */
DSNG_API size_t dsng_mime_qp_decode(char *out, const char *in, size_t len);

/* RFC 2047 encoded words of an unfolded value decoded to UTF-8, as a new
 * NUL-terminated string on mem; NULL only when out of memory.  The result
 * is always valid UTF-8 and holds no NUL, CR or LF, so nothing is cut
 * and a decoded value written back into a header cannot end it:
 * - utf-8 and us-ascii words are checked, iso-8859-1 is mapped, other
 *   charsets go through iconv; a word whose charset iconv does not know
 *   is kept as written;
 * - an octet its charset does not allow (invalid UTF-8, 8-bit us-ascii,
 *   what iconv refuses) becomes U+FFFD, one per octet, and so does an
 *   encoded NUL, CR or LF;
 * - adjacent words of one charset are joined before they are converted,
 *   so a character a sender split across two words (RFC 2047 section 5
 *   forbids it) comes out whole;
 * - text outside the words must be UTF-8: other octets, NULs, CRs and
 *   LFs become U+FFFD the same way;
 * - white space between two encoded words is dropped (section 6.2).
 * dsng_report_parse notes each replacement, the split words and the
 * unknown charsets in the report's problems, at the word's offset. */
DSNG_API char *dsng_mime_decode_words(TALLOC_CTX *mem, const char *p,
                                      size_t len);

/* The next message of an mbox from *pos (a "From " line at the start or
 * after a blank line begins one, and is left out): true with *msg a span
 * into buf and *pos advanced, false at the end; a non-mbox is one message. */
DSNG_API bool dsng_mime_mbox_next(struct dsng_span *msg, size_t *pos,
                                  const char *buf, size_t len);

/* "7bit", "8bit", "binary", "base64", "quoted-printable"; "unknown" for
 * DSNG_MIME_CTE_UNKNOWN and out-of-range values.  Static. */
DSNG_API const char *dsng_mime_cte_name(enum dsng_mime_cte cte);

#ifdef __cplusplus
}
#endif

#endif /* DSNG_MIME_H */
