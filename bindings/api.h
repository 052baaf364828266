/*
 * bindings/api.h - what the bindings export to scripts.  Each entry point
 * parses, then hands the result to the walks of convert/walk.h with the
 * language's builder (python/builder.c, perl/builder.c).
 */
#ifndef DSNGB_API_H
#define DSNGB_API_H

#include <stddef.h>

#ifndef SWIG
#include <dsnguard/dsnguard.h>

#include "walk.h"

/* A native value (PyObject *, SV *) handed back to the interpreter. */
typedef void *dsngb_result;

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

/* The library version, "0.2.0". */
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
