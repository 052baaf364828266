/*
 * bindings/convert.h - what the bindings export, and the language-neutral
 * conversion of C results into native values.
 *
 * Each language supplies a struct dsngb_builder (how to make a map, a
 * list, a string ...); the walk over a parsed command is written once in
 * convert.c and serves Python and Perl alike.
 */
#ifndef DSNGB_CONVERT_H
#define DSNGB_CONVERT_H

#include <stddef.h>

#ifndef SWIG
#include <dsnguard/dsnguard.h>

/* A native value (PyObject *, SV *) handed back to the interpreter. */
typedef void *dsngb_result;

struct dsngb_builder {
	void *(*map_new)(void);
	void *(*list_new)(void);
	/* Both take ownership of val. */
	void (*map_set)(void *map, const char *key, void *val);
	void (*list_push)(void *list, void *val);
	/* Bytes as a text string; invalid UTF-8 is replaced (U+FFFD). */
	void *(*str)(const char *p, size_t n);
	void *(*integer)(long long v);
	void *(*boolean)(int v);
	void *(*none)(void);
};

/* A NUL-terminated string, or None/undef for NULL (convert.c). */
void *dsngb_cstr(const struct dsngb_builder *b, const char *s);

/* The parsed command as a map with the keys of the CLI's JSON. */
void *dsngb_cmd_to_native(const struct dsngb_builder *b,
                          const struct dsng_cmd *c, const char *canonical);

/* A parsed report (kind none too) as a map with the keys of
 * `dsnguard parse-report --json` but "ok" and "file" (convert_report.c). */
void *dsngb_report_to_native(const struct dsngb_builder *b,
                             const struct dsng_report *r);

/* A parsed EHLO reply as a map with the keys of `dsnguard parse-ehlo
 * --json` but "ok" (convert_ehlo.c). */
void *dsngb_ehlo_to_native(const struct dsngb_builder *b,
                           const struct dsng_ehlo *c);

/* The language's builder (defined in python/ or perl/). */
extern const struct dsngb_builder dsngb_native;

/* Raise the language's ParseError from err. */
#if defined(SWIGPYTHON) || defined(DSNGB_PYTHON)
void dsngb_py_raise(const struct dsng_error *err);
#endif
#if defined(SWIGPERL) || defined(DSNGB_PERL)
void dsngb_pl_croak(pTHX_ const struct dsng_error *err);
#endif
#else
typedef void *dsngb_result;
#endif

/* ---- the API as scripts see it ---- */

/* The library version, "0.1.0". */
const char *version(void);

/* Parse one SMTP command line (str or bytes); strict refuses what widely
 * deployed MTAs tolerate.  Returns a dict/hash; raises ParseError. */
#ifdef SWIG
dsngb_result parse_cmd(const char *buf, size_t len, int strict = 0,
                       struct dsng_error *err);
#else
dsngb_result parse_cmd(const char *buf, size_t len, int strict,
                       struct dsng_error *err);
#endif

/* Parse one mail message as a delivery report (RFC 3464 DSN, RFC 8098
 * MDN); a message that is not a report gives kind "none".  Returns a
 * dict/hash; raises ParseError when a limit breaks or it is not mail. */
dsngb_result parse_report(const char *buf, size_t len, struct dsng_error *err);

/* Parse a server's whole EHLO/LHLO reply into its capabilities (trailing
 * blank lines ignored, as the CLI does).  Returns a dict/hash; raises
 * ParseError for a malformed reply or a code other than 250. */
dsngb_result parse_ehlo(const char *buf, size_t len, struct dsng_error *err);

/* RFC 3461 xtext, as ORCPT= and ENVID= need it: "+" and "=" and octets
 * outside 33..126 become "+XX".  Returns a str/string. */
dsngb_result xtext_encode(const char *buf, size_t len);

/* Decode xtext; lenient accepts lower-case hex ("+2b") as Postfix and
 * sendmail do.  Raises ParseError (code bad_xtext, offset of the bad
 * octet). */
#ifdef SWIG
dsngb_result xtext_decode(const char *buf, size_t len, int lenient = 0,
                          struct dsng_error *err);
#else
dsngb_result xtext_decode(const char *buf, size_t len, int lenient,
                          struct dsng_error *err);
#endif

#endif
