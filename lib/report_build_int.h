/*
 * lib/report_build_int.h - what the report_build*.c files share: the
 * checked copy of a spec, the output buffer with its line end and
 * folding, and the steps of dsng_report_build (check, fields, returned
 * content, MIME assembly).  Never installed.
 */
#ifndef DSNG_REPORT_BUILD_INT_H
#define DSNG_REPORT_BUILD_INT_H

#include "dsng_private.h"

/* Fields are folded at this width where they have white space ... */
#define DSNG__RB_FOLD 78
/* ... and never longer than RFC 5322's 998 octets; free text without
 * white space is broken before this (a fold adds a space there). */
#define DSNG__RB_HARD 990

/* ---- the output buffer (report_build_buf.c) ------------------------ */

/* A growing talloc buffer; the first allocation failure sticks in
 * `nomem` and later writes do nothing, so callers check once at the end. */
struct dsng__rb_buf {
	TALLOC_CTX *mem;
	char *p;
	size_t len, cap;
	bool crlf;  /* line end written by dsng__rb_eol */
	bool nomem; /* an allocation failed */
};

void dsng__rb_init(struct dsng__rb_buf *b, TALLOC_CTX *mem, bool crlf);
void dsng__rb_put(struct dsng__rb_buf *b, const char *s, size_t n);
void dsng__rb_puts(struct dsng__rb_buf *b, const char *s);
void dsng__rb_printf(struct dsng__rb_buf *b, const char *fmt, ...)
        DSNG_PRINTF(2, 3);
void dsng__rb_eol(struct dsng__rb_buf *b);

/*
 * "Name: value" and the line end, folded before white space so that no
 * line passes DSNG__RB_FOLD where the value allows it; unfolding (removing
 * each line end) gives the value back exactly.  A run without white space
 * that would pass DSNG__RB_HARD is broken with a fold (adding a space) when
 * `free_text`; otherwise the field is refused: returns -1 (nothing
 * written).  Returns 0.
 */
int dsng__rb_field(struct dsng__rb_buf *b, const char *name, const char *value,
                   size_t len, bool free_text);

/* Text wrapped at 76 columns on spaces (words longer than DSNG__RB_HARD
 * broken), each line starting with `indent` spaces, then a line end. */
void dsng__rb_wrap(struct dsng__rb_buf *b, const char *text, size_t len,
                   unsigned indent);

/* ---- the checked spec (report_build_spec.c) ------------------------- */

/* One recipient after checking: what the fields will say. */
struct dsng__rb_rcpt {
	struct dsng_report_build_rcpt in; /* full copy at the current version */
	char *addr;                       /* mailbox, no <> */
	bool addr_utf8;                   /* needs the utf-8 address type */
	char *orcpt_type;                 /* lower-case, or NULL */
	char *orcpt_addr;                 /* decoded (UTF-8 for type utf-8) */
	bool orcpt_utf8type;              /* type utf-8: written re-encoded */
	bool orcpt_8bit;                  /* the decoded address is not ASCII */
	char status[DSNG_STATUS_STR_MAX];
	char *remote_type; /* lower-case */
	char *diag_type;   /* lower-case */
	char *diag;        /* cleaned (non-ASCII kept), or NULL */
	bool diag_cut, diag_8bit;
	char *log_id; /* trimmed, or NULL */
	enum dsng_report_build_fate fate;
	char *reason;
	bool has_decision;
	struct dsng_decision decision;
};

/* The whole job: copies of every input at the current version. */
struct dsng__rb {
	TALLOC_CTX *tmp; /* everything below lives here until the end */
	struct dsng_error *err;
	struct dsng_report_build_spec spec;
	struct dsng_report_build_opts opts;
	struct dsng_policy_session session;
	const struct dsng_policy *policy;
	int64_t now, arrival;
	char *mta;  /* reporting MTA */
	char *from; /* envelope sender mailbox, "" for <> */
	bool from_utf8;
	char *envid;         /* decoded, or NULL */
	char *received_from; /* the session's HELO when a valid domain */
	struct dsng__rb_rcpt *rcpts;
	size_t n_rcpts;
	const char *original;
	size_t original_len;
	bool global; /* the RFC 6533 form */
};

/* Check and copy spec and each recipient into rb (rb->spec, rb->opts and
 * rb->tmp set).  0, or a DSNG_E* code with rb->err filled. */
int dsng__rb_check(struct dsng__rb *rb);

/* ---- the delivery-status fields (report_build_fields.c) ------------- */

/* The message/delivery-status body: the per-message block, then one
 * block per kept recipient.  0, or DSNG_ELIMIT for a field too long. */
int dsng__rb_status_fields(struct dsng__rb *rb, struct dsng__rb_buf *b);

/* "YYYYMMDDhhmmss" of t (in range) into buf (16 octets). */
void dsng__rb_stamp(char *buf, int64_t t);

/* The text written for a recipient's ORCPT address (decoded, or for type
 * utf-8 re-encoded for the form), on mem; NULL when out of memory. */
char *dsng__rb_orcpt_text(const struct dsng__rb *rb,
                          const struct dsng__rb_rcpt *r, TALLOC_CTX *mem);

/* The Final-Recipient "type; address" value, on mem; NULL on ENOMEM. */
char *dsng__rb_final_text(const struct dsng__rb *rb,
                          const struct dsng__rb_rcpt *r, TALLOC_CTX *mem);

/* The diagnostic as written: non-ASCII made '?' outside the global
 * form; on mem, NULL on ENOMEM. */
char *dsng__rb_diag_text(const struct dsng__rb *rb,
                         const struct dsng__rb_rcpt *r, TALLOC_CTX *mem);

/* ---- the returned content (report_build_returned.c) ----------------- */

/* What is returned of the original, decided before anything is written. */
struct dsng__rb_returned {
	bool present;      /* a part is written */
	bool full;         /* message/rfc822 (or message/global) */
	bool truncated;    /* cut at max_returned */
	bool omitted;      /* an original was given but is not returned */
	bool body_unfit;   /* FULL was asked but the body could not go */
	bool utf8;         /* the returned header block has UTF-8 */
	bool eight_bit;    /* 8-bit octets anywhere in what is returned */
	size_t cut;        /* octets of the original returned */
	size_t header_len; /* of the header block, blank line excluded */
	const char *why;   /* why nothing (or less) is returned, or NULL */
};

/* Decide what of rb->original is returned, given whether FULL applies. */
int dsng__rb_returned_plan(struct dsng__rb *rb, bool want_full,
                           struct dsng__rb_returned *rt);

/* Write rt's content: the original's first rt->cut octets with every line
 * end made the buffer's, a last line end added, and for headers only the
 * blank line that ends a header block. */
void dsng__rb_returned_write(const struct dsng__rb *rb,
                             const struct dsng__rb_returned *rt,
                             struct dsng__rb_buf *b);

/* ---- the MIME assembly (report_build_mime.c) ------------------------ */

/* Write the whole report for the kept entries into *data/len (on mem). */
int dsng__rb_assemble(struct dsng__rb *rb, TALLOC_CTX *mem,
                      struct dsng_report_build_result *res);

/* Valid UTF-8 (non-ASCII sequences well-formed) in p..len. */
bool dsng__rb_utf8_ok(const char *p, size_t len);
/* p..len has an octet above 0x7F. */
bool dsng__rb_has_8bit(const char *p, size_t len);

#endif /* DSNG_REPORT_BUILD_INT_H */
