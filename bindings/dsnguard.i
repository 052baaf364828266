/*
 * bindings/dsnguard.i - the one SWIG interface for Python (`import
 * dsnguard`) and Perl (`use DSNGuard;`).
 *
 * The bindings only convert: each call parses into C structs and copies
 * the result out into native dicts/hashes, so scripts never see talloc or
 * borrowed pointers.  Failures become dsnguard.ParseError (Python) or a
 * DSNGuard::ParseError object thrown with die (Perl), both carrying code,
 * offset, reply, enhanced and message.
 */
#if defined(SWIGPYTHON)
%module dsnguard
#elif defined(SWIGPERL)
%module DSNGuard
#endif

%{
#include <string.h>
#include <dsnguard/dsnguard.h>
#include "api.h"
%}

/* ---- inputs: one str/bytes (Python) or string (Perl) argument ---- */
#if defined(SWIGPYTHON)
%typemap(in) (const char *buf, size_t len) (Py_ssize_t n) {
	if (PyBytes_Check($input)) {
		char *p;
		PyBytes_AsStringAndSize($input, &p, &n);
		$1 = p;
	} else if (PyUnicode_Check($input)) {
		$1 = (char *)PyUnicode_AsUTF8AndSize($input, &n);
		if (!$1)
			SWIG_fail;
	} else {
		PyErr_SetString(PyExc_TypeError, "expected str or bytes");
		SWIG_fail;
	}
	$2 = (size_t)n;
}
#elif defined(SWIGPERL)
%typemap(in) (const char *buf, size_t len) (STRLEN n) {
	$1 = SvPV($input, n);
	$2 = (size_t)n;
}
#endif

/* ---- the error out-parameter: raise when the call failed ---- */
%typemap(in, numinputs=0) struct dsng_error *err (struct dsng_error temp) {
	dsng_error_init(&temp, DSNG_ERROR_VERSION);
	$1 = &temp;
}
#if defined(SWIGPYTHON)
%typemap(argout) struct dsng_error *err {
	if ($1->rc != DSNG_OK) {
		dsngb_py_raise($1);
		SWIG_fail;
	}
}
#elif defined(SWIGPERL)
%typemap(argout) struct dsng_error *err {
	if ($1->rc != DSNG_OK)
		dsngb_pl_croak(aTHX_ $1);
}
#endif

/* ---- results: a converted object is the return value ---- */
#if defined(SWIGPYTHON)
%typemap(out) dsngb_result {
	$result = (PyObject *)$1;
}
#elif defined(SWIGPERL)
%typemap(out) dsngb_result {
	$result = sv_2mortal((SV *)$1);
	argvi++;
}
#endif

%feature("kwargs");
%include "api.h"

#if defined(SWIGPYTHON)
%pythoncode %{
class ParseError(ValueError):
    """A parse failure: code ("bad_xtext"), offset, reply (501),
    enhanced ("5.5.4") and a human message."""

    def __init__(self, code, offset, reply, enhanced, message):
        # reply and enhanced only when there are any (a message that is
        # not mail has neither, a refused EHLO no enhanced code)
        head = "".join("%s " % x for x in (reply, enhanced) if x)
        super().__init__("%s%s (%s at offset %d)"
                         % (head, message, code, offset))
        self.code = code
        self.offset = offset
        self.reply = reply
        self.enhanced = enhanced
        self.message = message

__version__ = version()
%}
#elif defined(SWIGPERL)
%perlcode %{
package DSNGuard::ParseError;
use overload '""' => sub { my $e = shift;
    join('', map { "$_ " } grep { $_ } $e->{reply}, $e->{enhanced})
    . "$e->{message} ($e->{code} at offset $e->{offset})\n" },
    fallback => 1;
sub code { $_[0]{code} }
sub offset { $_[0]{offset} }
sub reply { $_[0]{reply} }
sub enhanced { $_[0]{enhanced} }
sub message { $_[0]{message} }
package DSNGuard;
our $VERSION = version();
%}
#endif
