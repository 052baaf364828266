/*
 * lib/dsng_private.h - helpers shared by the library's parts; never
 * installed.  Internal cross-file functions are named dsng__<part>_<verb>
 * and have hidden visibility, so only the public dsng_* API is exported.
 */
#ifndef DSNG_PRIVATE_H
#define DSNG_PRIVATE_H

#include <stdarg.h>

#include "dsnguard/dsnguard.h"

#if defined(__GNUC__) || defined(__clang__)
#define DSNG_LIKELY(x) __builtin_expect(!!(x), 1)
#define DSNG_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define DSNG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define DSNG_LIKELY(x) (x)
#define DSNG_UNLIKELY(x) (x)
#define DSNG_PRINTF(a, b)
#endif

/* talloc pools speed up many small allocations, but ASan and valgrind
 * cannot see overflows inside a pool (notes/fuzz-and-sanitizer-recipes.md),
 * so sanitizer and fuzz builds get plain contexts instead. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DSNG_NO_POOLS 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(DSNG_SANITIZE)
#define DSNG_NO_POOLS 1
#endif
#ifdef DSNG_NO_POOLS
#define dsng__pool(ctx, size) talloc_new(ctx)
#else
#define dsng__pool(ctx, size) talloc_pool(ctx, size)
#endif

/*
 * Fill err (if not NULL) and return status, so parsers can write
 * `return dsng__fail(err, DSNG_ESYNTAX, DSNG_ERR_SYNTAX, off, 501, "5.5.4",
 * "text %s", x);`.  reply 0 / enhanced NULL when no SMTP reply applies.
 */
int dsng__fail(struct dsng_error *err, int status, enum dsng_errkind kind,
               size_t offset, int reply, const char *enhanced, const char *fmt,
               ...) DSNG_PRINTF(7, 8);

/* dsng__fail for DSNG_ELIMIT errors: also names the limits field that was
 * exceeded in err->limit (`limit`, a static string such as "max_line").
 * Returns DSNG_ELIMIT; safe with NULL and unknown error versions. */
int dsng__fail_limit(struct dsng_error *err, const char *limit,
                     enum dsng_errkind kind, size_t offset, int reply,
                     const char *enhanced, const char *fmt, ...)
        DSNG_PRINTF(7, 8);

/* The same with a file position (config files). */
int dsng__fail_at(struct dsng_error *err, int status, enum dsng_errkind kind,
                  unsigned line, unsigned column, const char *fmt, ...)
        DSNG_PRINTF(6, 7);

/* dsng__fail_limit with a file position instead of an offset (a config
 * file's fixed limits).  Returns DSNG_ELIMIT. */
int dsng__fail_limit_at(struct dsng_error *err, const char *limit,
                        enum dsng_errkind kind, unsigned line, unsigned column,
                        const char *fmt, ...) DSNG_PRINTF(6, 7);

/* Value of a hex digit of either case, -1 otherwise.  Parts with a
 * stricter alphabet (xtext's upper-case hexchar) filter before calling. */
static inline int dsng__hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* ASCII classes the text parts share (one copy, so a fix lands once).
 * Every octet outside ASCII is none of them. */
static inline int dsng__is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static inline int dsng__is_alpha(unsigned char c)
{
	return (unsigned char)((c | 0x20) - 'a') < 26;
}

/* SP, HTAB, CR or LF: what unfolding and trimming a header value skip. */
static inline int dsng__is_wsp_eol(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trim SP, HTAB, CR and LF from both ends of the n octets at *p. */
static inline void dsng__trim_wsp_eol(const char **p, size_t *n)
{
	const char *s = *p;
	size_t len = *n;

	while (len && dsng__is_wsp_eol((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len && dsng__is_wsp_eol((unsigned char)s[len - 1]))
		len--;
	*p = s;
	*n = len;
}

/* 1..max_digits decimal digits (nothing else) into *out without overflow;
 * 0 on success, -1 when malformed (empty, or a byte that is not a digit),
 * -2 when only digits but more than max_digits or over UINT64_MAX (out of
 * range: callers say so). */
int dsng__parse_u64(const char *p, size_t n, size_t max_digits, uint64_t *out);

/*
 * Versioned structs (common.h).  `sizes[v]` is the size of version v of a
 * struct (sizes[0] unused), `current` the version the headers define, and
 * `defaults` a full current-version instance (its DSNG_<X>_INIT).
 *
 * dsng__versioned_init: the public dsng_<x>_init; copies the defaults of
 * the fields version `version` has and sets the version.  0 or EINVAL.
 *
 * dsng__versioned_take: a caller's options/limits (NULL = all defaults)
 * into a full local copy: fields the caller's version has are taken from
 * it, later ones are defaults.  0, or EINVAL for an unknown version.
 *
 * dsng__version_ok: x is not NULL and of a version from 1 to current.
 */
int dsng__versioned_init(void *x, unsigned version, const void *defaults,
                         const size_t *sizes, unsigned current);
int dsng__versioned_take(void *local, const void *given, const void *defaults,
                         const size_t *sizes, unsigned current);
bool dsng__version_ok(const void *x, unsigned current);

/* Case-insensitive ASCII comparison of a span with a NUL-terminated word. */
int dsng__span_ieq(const char *p, size_t len, const char *word);

#endif /* DSNG_PRIVATE_H */
