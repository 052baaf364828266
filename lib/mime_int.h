/*
 * lib/mime_int.h - helpers the mime_*.c files (and report_*.c) share.
 */
#ifndef DSNG_MIME_INT_H
#define DSNG_MIME_INT_H

#include "dsng_private.h"

/*
 * Limits.  The public entry points copy the caller's limits (NULL =
 * defaults, any known version) into a full local struct with
 * dsng__mime_limits_take; the internal functions below take only such a
 * copy (never NULL, always the current version).
 */
int dsng__mime_limits_take(struct dsng_mime_limits *local,
                           const struct dsng_mime_limits *given,
                           struct dsng_error *err);

/* Parse the header block in buf[start..end); offsets reported (fields,
 * problems, errors) are position + base, so base is where buf[0] sits in
 * the message input.  Fields are allocated on mem.  Non-field lines end
 * the block (or, with DSNG__HDR_LENIENT, continue the last field) and are
 * noted in msg's problems when msg is not NULL.  With DSNG__HDR_DECODED
 * buf is a transfer-decoded copy whose bytes have no position in the
 * input: every offset reported is base (the encoded body's first byte). */
#define DSNG__HDR_LENIENT 0x1u /* non-field lines continue the field */
#define DSNG__HDR_DECODED 0x2u /* buf is decoded: every offset is base */
int dsng__mime_header(TALLOC_CTX *mem, const char *buf, size_t start,
                      size_t end, const struct dsng_mime_limits *lim,
                      size_t base, unsigned flags, struct dsng_mime_header *h,
                      size_t *body, struct dsng_mime_message *msg,
                      struct dsng_error *err);

/* dsng__mime_header gathering the fields in scratch (cap of them) and
 * only past that in an array on mem: h->fields is scratch or that array
 * (for the caller to free), whatever the result.  For headers read and
 * dropped (the field blocks of a report). */
int dsng__mime_header_scratch(TALLOC_CTX *mem, const char *buf, size_t start,
                              size_t end, const struct dsng_mime_limits *lim,
                              size_t base, unsigned flags,
                              struct dsng_mime_header *h, size_t *body,
                              struct dsng_mime_message *msg,
                              struct dsng_error *err,
                              struct dsng_mime_field *scratch, size_t cap);

/* Make room for element n (the count so far) of a talloc array whose
 * capacity is kept at the next power of two of its count, so appends are
 * amortised O(1) with no capacity field.  Returns the (maybe moved) array
 * or NULL on ENOMEM (the old array is then untouched). */
void *dsng__grow(TALLOC_CTX *ctx, void *arr, size_t elem, size_t n);
#define DSNG__GROW(ctx, arr, type, n)                                          \
	((type *)dsng__grow((ctx), (arr), sizeof(type), (n)))

/* Problems listed per message at most; one more entry says the rest were
 * dropped, so a hostile input cannot grow the list without bound. */
#define DSNG__MAX_PROBLEMS 256

/* Append a problem to msg (field/message must outlive msg: static or
 * talloc'd on msg); offset is in the message input, like every offset the
 * library reports (already shifted, never relative to a part).  Returns
 * DSNG_OK or DSNG_ENOMEM. */
int dsng__mime_problem(struct dsng_mime_message *msg, const char *field,
                       size_t offset, const char *message);

/* Parse buf into a message whose depth starts at `depth` and whose
 * offsets are shifted by base; when decoded, buf is a transfer-decoded
 * copy and every offset is base (struct dsng_mime_message.decoded). */
int dsng__mime_parse(TALLOC_CTX *mem, const char *buf, size_t len,
                     const struct dsng_mime_limits *lim, unsigned depth,
                     size_t base, bool decoded, struct dsng_mime_message **out,
                     struct dsng_error *err);

/* Skip white space and RFC 5322 (nested) comments from p; returns the
 * first other byte or end. */
const char *dsng__mime_skip_cfws(const char *p, const char *end);

/* Copy p..len without (comments), with runs of white space (incl. folds)
 * made one space and the ends trimmed; quoted strings kept verbatim.
 * New NUL-terminated talloc string; NULL on ENOMEM. */
char *dsng__mime_clean(TALLOC_CTX *mem, const char *p, size_t len,
                       size_t *out_len);

/* dsng__mime_clean and dsng_mime_unfold into s, which has room for len + 1
 * bytes (the result is never longer than the input); NUL-terminated, the
 * length returned.  For callers that carve strings from their own
 * blocks (report_fields.c). */
size_t dsng__mime_clean_into(char *s, const char *p, size_t len);
size_t dsng__mime_unfold_into(char *s, const char *p, size_t len);

/* Where byte k of dsng_mime_unfold(p, len) comes from in p (a space the
 * unfolding put in for a broken fold: the line break it replaced; k past
 * the end: len). */
size_t dsng__mime_unfold_pos(const char *p, size_t len, size_t k);

/* RFC 2047 words and UTF-8 checking (lib/mime_words.c).  A problem found
 * at input position `at` of the value is passed to the callback, each
 * kind once per call; a negative return (ENOMEM) makes the call fail. */
typedef int (*dsng__words_note_fn)(void *arg, size_t at, const char *message);
#define DSNG__WORDS_DECODE 0x1u /* decode encoded words (else check only) */

/* p..len as valid UTF-8 without NUL (invalid octets and NULs become
 * U+FFFD), encoded words decoded with DSNG__WORDS_DECODE: a new
 * NUL-terminated string on mem, its length in *out_len (may be NULL).
 * NULL when out of memory or when fn failed. */
char *dsng__mime_words(TALLOC_CTX *mem, const char *p, size_t len,
                       unsigned flags, size_t *out_len, dsng__words_note_fn fn,
                       void *arg);

/* dsng__mime_words would give p..len back as it is (ASCII without NUL,
 * CR or LF, and with DSNG__WORDS_DECODE no "=?"): a caller may copy it
 * where it likes. */
bool dsng__mime_words_plain(const char *p, size_t len, unsigned flags);

/* ASCII lower-case in place. */
void dsng__mime_lower(char *s);

/* Room for the small arrays of a message's parts (header fields,
 * Content-Type parameters) carved from a few talloc blocks of owner, so
 * that freeing the tree walks a few chunks, not one or two a part.  The
 * arrays are freed with owner, never one by one. */
struct dsng__carve {
	TALLOC_CTX *owner;
	char *p;
	size_t left;
};

/* n bytes (8-aligned) from c; a new block of n + spare bytes when the
 * current one has no room (sanitizer builds: an exact chunk each, so
 * ASan sees every bound).  NULL when out of memory. */
void *dsng__carve(struct dsng__carve *c, size_t n, size_t spare);

/* dsng_mime_content_type with a const type that, when `shared`, may be
 * one of the library's static strings for the common report types
 * instead of a copy on mem, and the parameters carved from carve when it
 * is not NULL (else a chunk of their own on mem). */
int dsng__mime_content_type(TALLOC_CTX *mem, const char **type, bool shared,
                            struct dsng_mime_param **params, size_t *n_params,
                            const char *buf, size_t len,
                            struct dsng__carve *carve, struct dsng_error *err);

/* Transfer encoding from a Content-Transfer-Encoding value. */
enum dsng_mime_cte dsng__mime_cte(const char *p, size_t len);

/* Decode a body span with a given encoding (see dsng_mime_part_decode). */
int dsng__mime_decode(TALLOC_CTX *mem, const char *p, size_t len,
                      enum dsng_mime_cte cte, size_t offset,
                      const struct dsng_mime_limits *lim, const char **out,
                      size_t *out_len, struct dsng_error *err);

/* dsng_mime_part_decode with taken limits. */
int dsng__mime_part_decode(TALLOC_CTX *mem, const char **out, size_t *out_len,
                           const struct dsng_mime_part *part,
                           const struct dsng_mime_limits *lim,
                           struct dsng_error *err);

#endif
