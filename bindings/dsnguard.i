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
/* the core of the package dsnguard (bindings/python/dsnguard/), whose
 * __init__ re-exports it */
%module(package="dsnguard") _core
#elif defined(SWIGPERL)
%module DSNGuard
#endif

%{
#include <string.h>
#include <dsnguard/dsnguard.h>
#include "api.h"
#include "api_more.h"
%}

#if defined(SWIGPYTHON)
/* The hot calls (parse_cmd, parse_report, Policy.mail/rcpt) are
 * hand-written vectorcall functions (python/fast.c) added to the core
 * module here; they need SWIG's pointer types to read the handles. */
%{
#include "python/fast.h"
%}
%wrapper %{
static void *dsngb_py_unwrap(PyObject *o, int which)
{
	void *p = NULL;
	swig_type_info *t = which ? SWIGTYPE_p_dsngb_session
	                          : SWIGTYPE_p_dsngb_policy;
	PyObject **dict, *th;

	/* a decision unwraps two handles: their SWIG object ("this", which
	 * Session and Policy also keep as _c) of our own type is what
	 * SWIG_ConvertPtr finds after its generic checks, a tenth of a
	 * decision */
	if (Py_IS_TYPE(o, SwigPyObject_type()) &&
	    ((SwigPyObject *)o)->ty == t && ((SwigPyObject *)o)->ptr)
		return ((SwigPyObject *)o)->ptr;
	dict = _PyObject_GetDictPtr(o);
	th = dict && *dict ? PyDict_GetItem(*dict, SWIG_This()) : NULL;
	if (th && Py_IS_TYPE(th, SwigPyObject_type()) &&
	    ((SwigPyObject *)th)->ty == t && ((SwigPyObject *)th)->ptr)
		return ((SwigPyObject *)th)->ptr;
	if (!SWIG_IsOK(SWIG_ConvertPtr(o, &p, t, 0)) || !p) {
		PyErr_SetString(PyExc_TypeError, which ? "not a session"
		                                       : "not a policy");
		return NULL;
	}
	return p;
}
%}
%init %{
	if (dsngb_py_fast_init(m, dsngb_py_unwrap) < 0)
		return NULL;
%}
%ignore parse_cmd;
#elif defined(SWIGPERL)
/* DSNGuard::parse_cmd is a hand-written XS sub (perl/fast.c) that hands
 * every call but the plain one to _parse_cmd_opts below. */
%{
#include "perl/fast.h"
%}
%init %{
	dsngb_pl_fast_init(aTHX);
%}
#endif

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
/* xtext_decode: bytes in, bytes out (xbytes) */
%typemap(in) (const char *xbuf, size_t xlen, int xbytes) (Py_ssize_t n) {
	if (PyBytes_Check($input)) {
		char *p;
		PyBytes_AsStringAndSize($input, &p, &n);
		$1 = p;
		$3 = 1;
	} else if (PyUnicode_Check($input)) {
		$1 = (char *)PyUnicode_AsUTF8AndSize($input, &n);
		if (!$1)
			SWIG_fail;
		$3 = 0;
	} else {
		PyErr_SetString(PyExc_TypeError, "expected str or bytes");
		SWIG_fail;
	}
	$2 = (size_t)n;
}
#elif defined(SWIGPERL)
/* undef and plain references are misuse, never an empty command */
%typemap(in) (const char *buf, size_t len) (STRLEN n) {
	if (!SvOK($input))
		croak("DSNGuard: expected a string, got undef");
	if (SvROK($input) && !sv_isobject($input))
		croak("DSNGuard: expected a string, got a reference");
	$1 = SvPV($input, n);
	$2 = (size_t)n;
}
/* a byte string (UTF-8 flag off) decodes to octets, a character string
 * to characters */
%typemap(in) (const char *xbuf, size_t xlen, int xbytes) (STRLEN n) {
	if (!SvOK($input))
		croak("DSNGuard: expected a string, got undef");
	if (SvROK($input) && !sv_isobject($input))
		croak("DSNGuard: expected a string, got a reference");
	$1 = SvPV($input, n);
	$2 = (size_t)n;
	$3 = !SvUTF8($input);
}
#endif
%apply (const char *buf, size_t len) {
	(const char *name, size_t name_len),
	(const char *value, size_t value_len),
	(const char *rcpt, size_t rcpt_len)
};

/* ---- the error out-parameter: raise when the call failed ---- */
%typemap(in, numinputs=0) struct dsng_error *err (struct dsng_error temp) {
	dsng_error_init(&temp, DSNG_ERROR_VERSION);
	$1 = &temp;
}
#if defined(SWIGPYTHON)
%typemap(argout) struct dsng_error *err {
	if ($1->rc != DSNG_OK) {
		Py_XDECREF($result);
		$result = NULL;
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
/* NULL only when the call failed: err raises then */
#if defined(SWIGPYTHON)
%typemap(out) dsngb_result {
	if ($1) {
		$result = (PyObject *)$1;
	} else {
		Py_INCREF(Py_None);
		$result = Py_None;
	}
}
#elif defined(SWIGPERL)
%typemap(out) dsngb_result {
	$result = $1 ? sv_2mortal((SV *)$1) : &PL_sv_undef;
	argvi++;
}
#endif

/* The handles behind Policy and Session: owned, freed with their proxy. */
%rename(_PolicyHandle) dsngb_policy;
%rename(_SessionHandle) dsngb_session;
%nodefaultctor dsngb_policy;
%nodefaultctor dsngb_session;
%extend dsngb_policy {
	~dsngb_policy() { dsngb_policy_free($self); }
}
%extend dsngb_session {
	~dsngb_session() { dsngb_session_free($self); }
}
%newobject policy_preset;
%newobject policy_from_file;
%newobject policy_from_string;
%newobject session_new;
%ignore dsngb_policy_free;
%ignore dsngb_session_free;
/* The script-level Policy, Session and Decision are written over these. */
%rename(_policy_preset) policy_preset;
%rename(_policy_from_file) policy_from_file;
%rename(_policy_from_string) policy_from_string;
%rename(_policy_name) policy_name;
%rename(_policy_warnings) policy_warnings;
%rename(_session_new) session_new;
%rename(_session_reset) session_reset;
%rename(_session_update) session_update;
%rename(_session_state) session_state;
%rename(_policy_ehlo) policy_ehlo;
%rename(_policy_mail) policy_mail;
%rename(_policy_rcpt) policy_rcpt;
%rename(_policy_header) policy_header;
%rename(_policy_generate) policy_generate;
%rename(_policy_bounce) policy_bounce;
%rename(_hide_ehlo) hide_ehlo;
#if defined(SWIGPYTHON)
%rename(_parse_report) parse_report;
#endif
/* parse_ehlo with the reply parser's options: written over this */
%rename(_parse_ehlo) parse_ehlo;
%rename(_batv_sign) batv_sign;
%rename(_batv_verify) batv_verify;
#if defined(SWIGPERL)
/* options as a trailing hashref: the Perl subs below call these */
%rename(_parse_cmd) parse_cmd;
%rename(_parse_report) parse_report;
%rename(_xtext_decode) xtext_decode;
%rename(_parse_reply) parse_reply;
#endif


#if defined(SWIGPYTHON)
%feature("docstring") version "The library version, \"0.2.0\".";
%feature("docstring") parse_cmd "parse_cmd(line, strict=False, max_line=0, utf8=False) -> dict

Parse one SMTP command line (str or bytes) into the keys of
`dsnguard parse-cmd --json`.  strict refuses what deployed MTAs tolerate;
max_line: octets including CRLF (0 = 2048); utf8 accepts UTF-8 addresses
without SMTPUTF8.  Raises ParseError.";
%feature("docstring") parse_ehlo "parse_ehlo(reply) -> dict

A server's EHLO/LHLO reply as the keys of `dsnguard parse-ehlo --json`.
Raises ParseError (also for a code other than 250).";
%feature("docstring") parse_reply "parse_reply(data, lenient=False, max_line=0, max_lines=0) -> dict

One server reply: code, enhanced, lines, text, length, unterminated.
Raises ParseError.";
%feature("docstring") status_describe "status_describe(code) -> dict

An enhanced status code (\"5.1.1\") described: code, class, subject,
detail, class_name, subject_name, registered, description.  Raises
ParseError (bad_status).";
%feature("docstring") xtext_encode "xtext_encode(data) -> str

RFC 3461 xtext of str (as UTF-8) or bytes.";
%feature("docstring") xtext_decode "xtext_decode(text, lenient=False) -> str or bytes

Decode xtext: bytes in, bytes out; str in, str out.  lenient accepts
lower-case hex.  Raises ParseError (bad_xtext).";
#endif

/* ---- api_more.h: the script-level names are written over these, in
 * python/dsnguard/_more.py and perl/more.pm ---- */
/* a dict/hashref handed to the C reader as it is */
%typemap(in) dsngb_value {
	$1 = (void *)$input;
}
%rename(_ScanHandle) dsngb_scan;
%nodefaultctor dsngb_scan;
%extend dsngb_scan {
	~dsngb_scan() { dsngb_scan_free($self); }
}
%newobject scan_new;
%ignore dsngb_scan_free;
%rename(_format_cmd_line) format_cmd_line;
%rename(_scan_new) scan_new;
%rename(_scan_feed) scan_feed;
%rename(_scan_summary) scan_summary;
%rename(_build_report_result) build_report_result;
%rename(_xtext_utf8_encode) xtext_utf8_encode;
%rename(_xtext_utf8_decode) xtext_utf8_decode;
%rename(_addr_parse) addr_parse;
%rename(_addr_check_domain) addr_check_domain;
%rename(_batv_parse) batv_parse;
%rename(_batv_strip) batv_strip;
%rename(_format_reply) format_reply;
%rename(_reply_complete) reply_complete;
%rename(_report_date_parse) report_date_parse;
%rename(_mime_decode_words) mime_decode_words;
%rename(_mime_unfold) mime_unfold;
%rename(_policy_preset_names) policy_preset_names;
%rename(_policy_is_trusted) policy_is_trusted;
%rename(_policy_is_receipt_header) policy_is_receipt_header;
%rename(_policy_line) policy_line;
%rename(_policy_load) policy_load;
%newobject policy_load;
%rename(_policy_bounce_limits) policy_bounce_limits;
%rename(_parse_ehlo_opts) parse_ehlo_opts;
%rename(_hide_ehlo_opts) hide_ehlo_opts;
%rename(_policy_ehlo_opts) policy_ehlo_opts;
%rename(_policy_cmd_opts) policy_cmd_opts;
%rename(_policy_networks) policy_networks;
%rename(_policy_rules) policy_rules;
%rename(_policy_offer) policy_offer;
%rename(_policy_classes) policy_classes;
%rename(_status_find) status_find;
%rename(_mbox_split) mbox_split;

%feature("kwargs");
%include "api.h"
%include "api_more.h"
/* the SMTP client helpers: the probe and the DSN parameters */
%include "probe.i"

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


def _line_of(line_or_cmd):
    """A command line from str, bytes, or what parse_cmd returned."""
    if isinstance(line_or_cmd, (str, bytes)):
        return line_or_cmd
    if isinstance(line_or_cmd, (bytearray, memoryview)):
        return bytes(line_or_cmd)
    if isinstance(line_or_cmd, dict) and isinstance(
            line_or_cmd.get("canonical"), str):
        return line_or_cmd["canonical"]
    raise TypeError("expected a command line (str or bytes) or what "
                    "parse_cmd returned, not %s" % type(line_or_cmd).__name__)


# The report limits by their C names (struct dsng_report_limits), in the
# order the C calls take them: parse_report's fast path (python/fast.c)
# has its own copy, Policy.bounce uses this one.
_REPORT_LIMITS = ("max_recipients", "max_depth", "max_parts", "max_fields",
                  "max_field_len", "max_header_len", "max_boundary_len",
                  "max_size", "max_decoded")


def _opt_str(value, what):
    if value is None or isinstance(value, str):
        return value
    raise TypeError("%s must be a str or None, not %s"
                    % (what, type(value).__name__))


def _mail_text(value, what):
    if isinstance(value, (str, bytes)):
        return value
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    raise TypeError("%s must be str or bytes, not %s"
                    % (what, type(value).__name__))


def _reply_opts(fn, opts):
    """The reply parser's options (struct dsng_reply_opts) by name, or
    None when none is given."""
    for k in opts:
        if k not in ("lenient", "max_line", "max_lines"):
            raise TypeError("%s() got an unexpected keyword argument %r"
                            % (fn, k))
    if not any(opts.values()):
        return None
    for k in ("max_line", "max_lines"):
        v = opts.get(k, 0)
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise TypeError("%s must be a non-negative int" % k)
    return (1 if opts.get("lenient") else 0, opts.get("max_line", 0),
            opts.get("max_lines", 0))


def hide_ehlo(reply, keywords=("DSN",), **opts):
    """hide_ehlo(reply, keywords=("DSN",), lenient=False, max_line=0,
    max_lines=0)

    The EHLO reply written back as sent without the capabilities named
    in keywords (any case; DSN by default); bytes in, bytes out.  The
    reply parser's options (struct dsng_reply_opts) by name."""
    if isinstance(keywords, str):
        keywords = [keywords]
    keywords = list(keywords)
    if not all(isinstance(k, str) for k in keywords):
        raise TypeError("keywords must be str")
    o = _reply_opts("hide_ehlo", opts)
    if o is None:
        return _hide_ehlo(reply, ",".join(keywords))
    return _hide_ehlo_opts(reply, ",".join(keywords), *o)


def parse_ehlo(reply, **opts):
    """parse_ehlo(reply, lenient=False, max_line=0, max_lines=0) -> dict

    A server's EHLO/LHLO reply as the keys of `dsnguard parse-ehlo
    --json`.  The reply parser's options (struct dsng_reply_opts) by
    name: lenient (4096-octet lines), max_line, max_lines (0 = the
    default).  Raises ParseError (also for a code other than 250)."""
    o = _reply_opts("parse_ehlo", opts)
    if o is None:
        return _parse_ehlo(reply)
    return _parse_ehlo_opts(reply, *o)


def _batv_args(keys, days, now, exact_case):
    if isinstance(keys, (str, bytes)):
        keys = [keys]
    keys = [k.decode() if isinstance(k, bytes) else k for k in keys]
    if not all(isinstance(k, str) and "\n" not in k for k in keys):
        raise TypeError("keys must be key texts (str) without newlines")
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise TypeError("days must be a non-negative int")
    if now is None:
        now = -1
    elif isinstance(now, bool) or not isinstance(now, (int, float)) \
            or now < 0:
        raise TypeError("now must be a Unix time")
    return "\n".join(keys), days, int(now), 1 if exact_case else 0


def batv_sign(address, keys, *, key=0, days=0, now=None, exact_case=False):
    """Sign an envelope sender with BATV: "prvs=KDDDSSSSSS=local@domain".
    keys: key texts ("[N:]hex:...", "[N:]text:..." or a bare secret), a
    str or a list; key: the key number to sign with; days: the tag's
    lifetime (0 = 7); now: Unix time (None = now)."""
    k, days, now, flags = _batv_args(keys, days, now, exact_case)
    if isinstance(key, bool) or not isinstance(key, int) or key < 0:
        raise TypeError("key must be a key number")
    return _batv_sign(_mail_text(address, "address"), k, key, days, now,
                      flags)


def batv_verify(address, keys, *, days=0, now=None, exact_case=False,
                no_legacy=False):
    """Verify a tagged address (a bounce's RCPT TO): a dict with the keys
    of `dsnguard batv verify --json` but "error": ok, result ("valid",
    "not_tagged", "malformed", "no_key", "bad_hash", "expired"), address,
    original, key_number, day, legacy_order, days_left."""
    k, days, now, flags = _batv_args(keys, days, now, exact_case)
    if no_legacy:
        flags |= 2
    return _batv_verify(_mail_text(address, "address"), k, days, now, flags)


class Decision:
    """One policy decision, with the values of `dsnguard audit --json`.

    action      "accept", "advertise_dsn", "hide_dsn", "strip",
                "downgrade", "never", "reject", "ignore" or "flag"
    reply       the reply to send ("550 5.7.1 ...") for a refusal, else None
    rewritten   the command line (or EHLO reply) as changed, else None
    reason      one line saying why
    rule        "origin:line:rule" (config file and line) or "origin:rule"
    compliance  "compliant", "lenient" or "not_compliant"
    notify      NOTIFY keywords: for rcpt those the client asked for, for
                generate those given; [] otherwise
    verdict     bounce only: "not_a_bounce", "legit", "backscatter",
                "unknown" (None for other decisions)
    """

    __slots__ = ("action", "reply", "rewritten", "reason", "rule",
                 "compliance", "notify", "verdict", "_keys")

    def __init__(self, d):
        self._keys = tuple(d)
        self.verdict = None
        for k, v in d.items():
            setattr(self, k, v)

    def to_dict(self):
        """The decision as a dict with the keys of the audit JSON."""
        return {k: (list(getattr(self, k)) if k == "notify"
                    else getattr(self, k)) for k in self._keys}

    def __eq__(self, other):
        if isinstance(other, Decision):
            return self.to_dict() == other.to_dict()
        return NotImplemented

    __hash__ = None

    def __repr__(self):
        parts = ["action=%r" % self.action]
        for k in ("reply", "rewritten", "verdict"):
            if getattr(self, k) is not None:
                parts.append("%s=%r" % (k, getattr(self, k)))
        parts.append("rule=%r" % self.rule)
        parts.append("compliance=%r" % self.compliance)
        return "Decision(%s)" % ", ".join(parts)


# update()'s "not given": None is a value there (it clears a fact).
_KEEP = object()


class Session:
    """One client connection, kept for its decisions (one per
    connection; not shared between threads).

    addr         the client's IP address as text, or None
    client_name  its reverse DNS name, or None
    helo         its HELO/EHLO name, or None
    auth_user    the SASL user once authenticated, or None
    tls          after STARTTLS (or on port 465)
    port         the local port it connected to (0 unknown)
    service      "smtp", "submission", "local" or None (from the port)
    trusted      None: look addr up in the policy's trusted networks;
                 True or False: the caller's own verdict
    """

    # _c: the handle's SWIG object, which the C decisions unwrap directly
    __slots__ = ("_h", "_c", "addr", "client_name", "helo", "auth_user",
                 "tls", "port", "service", "trusted")

    def __init__(self, addr=None, *, client_name=None, helo=None,
                 auth_user=None, tls=False, port=0, service=None,
                 trusted=None):
        for what, v in (("addr", addr), ("client_name", client_name),
                        ("helo", helo), ("auth_user", auth_user),
                        ("service", service)):
            _opt_str(v, what)
        if not isinstance(tls, (bool, int)):
            raise TypeError("tls must be a bool")
        if isinstance(port, bool) or not isinstance(port, int):
            raise TypeError("port must be an int")
        if not 0 <= port <= 65535:
            raise TypeError("port must be 0..65535")
        if trusted is not None and not isinstance(trusted, (bool, int)):
            raise TypeError("trusted must be None, True or False")
        self._h = _session_new(
            addr, client_name, helo, auth_user, 1 if tls else 0, port,
            service, -1 if trusted is None else (1 if trusted else 0))
        self._c = self._h.this
        self.addr, self.client_name, self.helo = addr, client_name, helo
        self.auth_user, self.tls, self.port = auth_user, bool(tls), port
        self.service = service
        self.trusted = None if trusted is None else bool(trusted)

    def reset(self):
        """RSET: start a new transaction (the facts are kept)."""
        _session_reset(self._h)

    def update(self, *, helo=_KEEP, auth_user=_KEEP, tls=_KEEP):
        """Change what the connection learnt since it began: the HELO or
        EHLO name, the SASL user once AUTH succeeded (None after a new
        EHLO drops it), TLS after STARTTLS.  Facts not named are kept;
        the transaction state and the EHLO decision are kept too."""
        which = 0
        if helo is not _KEEP:
            _opt_str(helo, "helo")
            which |= 1
        if auth_user is not _KEEP:
            _opt_str(auth_user, "auth_user")
            which |= 2
        if tls is not _KEEP:
            if not isinstance(tls, (bool, int)):
                raise TypeError("tls must be a bool")
            which |= 4
        _session_update(self._h, which,
                        None if helo is _KEEP else helo,
                        None if auth_user is _KEEP else auth_user,
                        1 if tls is not _KEEP and tls else 0)
        if which & 1:
            self.helo = helo
        if which & 2:
            self.auth_user = auth_user
        if which & 4:
            self.tls = bool(tls)

    @property
    def state(self):
        """What the decisions recorded: dsn_offered (None before EHLO),
        esmtp, null_sender, n_recipients."""
        return _session_state(self._h)

    def __repr__(self):
        parts = ["%s=%r" % (k, getattr(self, k))
                 for k in ("addr", "client_name", "helo", "auth_user",
                           "service", "trusted")
                 if getattr(self, k) is not None]
        if self.tls:
            parts.append("tls=True")
        if self.port:
            parts.append("port=%d" % self.port)
        return "Session(%s)" % ", ".join(parts)


def _session_of(session):
    if not isinstance(session, Session):
        raise TypeError("expected a dsnguard.Session, not %s"
                        % type(session).__name__)
    return session._h


_ACTIONS = ("delivered", "failed", "delayed", "relayed", "expanded")


def _cmd_opts(fn, opts):
    """struct dsng_cmd_opts by name: (strict, max_line, utf8)."""
    for k in opts:
        if k not in ("strict", "max_line", "utf8"):
            raise TypeError("%s() got an unexpected keyword argument %r"
                            % (fn, k))
    return (1 if opts.get("strict") else 0,
            _policy_count(opts.get("max_line", 0)),
            1 if opts.get("utf8") else 0)


def _policy_count(v):
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise TypeError("a limit is a non-negative int")
    return v


class Policy:
    """A loaded policy: Policy.preset(name), Policy.from_file(path) or
    Policy.from_string(text, name=...).  Read-only once loaded, so one
    policy may be shared by threads; freed when collected."""

    __slots__ = ("_h", "_c")  # _c: as Session's

    def __init__(self, *args, **kwargs):
        raise TypeError("use Policy.preset(), Policy.from_file() or "
                        "Policy.from_string()")

    @classmethod
    def _wrap(cls, h):
        self = object.__new__(cls)
        self._h = h
        self._c = h.this
        return self

    @classmethod
    def preset(cls, name):
        """A built-in preset: "recommended", "permissive",
        "sendmail-noreceipts", "postfix-discard-dsn"."""
        if not isinstance(name, str):
            raise TypeError("a preset name is a str")
        return cls._wrap(_policy_preset(name))

    @classmethod
    def from_file(cls, path, *, no_includes=False, max_include_files=0,
                  max_include_bytes=0):
        """A config file (str, bytes or os.PathLike).  The options are
        struct dsng_policy_opts by name: no_includes (any include is an
        error), max_include_files, max_include_bytes (0 = the default)."""
        import os
        path = os.fspath(path)
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        if not (no_includes or max_include_files or max_include_bytes):
            return cls._wrap(_policy_from_file(path))
        return cls._wrap(_policy_load(path, 1, None, 1 if no_includes else 0,
                                      _policy_count(max_include_files),
                                      _policy_count(max_include_bytes)))

    @classmethod
    def from_string(cls, text, name=None, *, no_includes=False,
                    max_include_files=0, max_include_bytes=0):
        """Config text (str or bytes); name is used in messages and as the
        base of relative includes.  Options as from_file."""
        if not (no_includes or max_include_files or max_include_bytes):
            return cls._wrap(_policy_from_string(_mail_text(text, "text"),
                                                 _opt_str(name, "name")))
        return cls._wrap(_policy_load(_mail_text(text, "text"), 0,
                                      _opt_str(name, "name"),
                                      1 if no_includes else 0,
                                      _policy_count(max_include_files),
                                      _policy_count(max_include_bytes)))

    @property
    def name(self):
        """The preset, or the file (name) it was loaded from."""
        return _policy_name(self._h)

    @property
    def warnings(self):
        """Remarks on settings that do not do what they seem to."""
        return _policy_warnings(self._h)

    def ehlo(self, session, reply=None, *, esmtp=True, **opts):
        """Offer DSN to this client or not.  With reply (the server's EHLO
        reply), rewritten is that reply without its DSN line when DSN is
        hidden; the reply parser's options (lenient, max_line, max_lines)
        by name."""
        h = _session_of(session)
        o = _reply_opts("ehlo", opts)
        if reply is None:
            return Decision(_policy_ehlo(self._h, h, 1 if esmtp else 0,
                                         "", 0))
        if o is not None:
            return Decision(_policy_ehlo_opts(self._h, h, 1 if esmtp else 0,
                                              _mail_text(reply, "reply"),
                                              *o))
        return Decision(_policy_ehlo(self._h, h, 1 if esmtp else 0,
                                     _mail_text(reply, "reply"), 1))

    def mail(self, session, line_or_cmd, **opts):
        """MAIL FROM: RET and ENVID.  The command parser's options as
        parse_cmd takes them (strict, max_line, utf8)."""
        if opts:
            return Decision(_policy_cmd_opts(
                self._h, _session_of(session), _line_of(line_or_cmd), 0,
                *_cmd_opts("mail", opts)))
        return _fast_decide(self._h, session, line_or_cmd, False)

    def rcpt(self, session, line_or_cmd, **opts):
        """RCPT TO: NOTIFY and ORCPT.  The command parser's options as
        parse_cmd takes them: utf8=True for the recipients of an SMTPUTF8
        transaction."""
        if opts:
            return Decision(_policy_cmd_opts(
                self._h, _session_of(session), _line_of(line_or_cmd), 1,
                *_cmd_opts("rcpt", opts)))
        return _fast_decide(self._h, session, line_or_cmd, True)

    def header(self, session, name, value):
        """One message header (name without the colon)."""
        return Decision(_policy_header(self._h, _session_of(session),
                                       _mail_text(name, "name"),
                                       _mail_text(value, "value")))

    def generate(self, session, action, *, null_sender=False, notify=None):
        """May a DSN with this RFC 3464 action (delivered, failed,
        delayed, relayed, expanded) be generated?  notify: the NOTIFY
        keywords accepted on the RCPT (a str "SUCCESS,DELAY" or a list),
        None when absent."""
        if not isinstance(action, str):
            raise TypeError("action must be a str")
        if notify is None:
            notify = ""
        elif not isinstance(notify, str):
            notify = list(notify)
            if not all(isinstance(w, str) for w in notify):
                raise TypeError("notify must be NOTIFY keywords")
            notify = ",".join(notify)
        return Decision(_policy_generate(self._h, _session_of(session),
                                         action, 1 if null_sender else 0,
                                         notify))

    def bounce(self, report=None, *, rcpt=None, null_sender=True,
               session=None, now=None, **limits):
        """Is this bounce an answer to mail we sent, or backscatter?
        report: the message (str, bytes or email.message.Message) or
        None; rcpt: the envelope recipient; now: Unix time for BATV.  The
        report parser's limits as parse_report takes them
        (max_recipients=, ...)."""
        for k in limits:
            if k not in _REPORT_LIMITS:
                raise TypeError("bounce() got an unexpected keyword "
                                "argument %r" % k)
        if session is None:
            session = Session()
        h = _session_of(session)
        if report is None:
            data, has = "", 0
        else:
            if not isinstance(report, (str, bytes, bytearray, memoryview)):
                as_bytes = getattr(report, "as_bytes", None)
                if as_bytes is None:
                    raise TypeError("report must be str, bytes or an "
                                    "email.message.Message")
                report = as_bytes()
            data, has = _mail_text(report, "report"), 1
        if rcpt is None:
            rcpt = ""
        if now is None:
            now = 0
        elif isinstance(now, bool) or not isinstance(now, (int, float)):
            raise TypeError("now must be a Unix time")
        if limits:
            return Decision(_policy_bounce_limits(
                self._h, h, data, has, _mail_text(rcpt, "rcpt"),
                1 if null_sender else 0, int(now),
                *(_policy_count(limits.get(k, 0)) for k in _REPORT_LIMITS)))
        return Decision(_policy_bounce(self._h, h, data, has,
                                       _mail_text(rcpt, "rcpt"),
                                       1 if null_sender else 0, int(now)))

    def __repr__(self):
        return "<dsnguard.Policy %r>" % self.name


# The fast paths of python/fast.c: parse_cmd and parse_report are the C
# functions themselves; Policy.mail/rcpt call _fast_decide, which builds
# Decision objects and raises ParseError directly.
parse_cmd = _dsnguard.parse_cmd
parse_report = _dsnguard.parse_report
_fast_decide = _dsnguard._fast_decide
_report_parse_only = _dsnguard._report_parse_only
_dsnguard._fast_setup(ParseError, Decision, Session)
# Policy.mail/rcpt become C methods for the plain call (python/fast.c);
# the Python methods above still serve the calls with options.
_dsnguard._fast_methods(Policy)
# The dict subclass of every parse result (python/result.c).
Result = _dsnguard.Result
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


=head1 NAME

DSNGuard - libdsnguard from Perl: SMTP DSN parsing, reports and policy

=head1 SYNOPSIS

  use DSNGuard qw(:all);
  my $cmd = parse_cmd('RCPT TO:<a@b.example> NOTIFY=SUCCESS');
  my $policy = DSNGuard::Policy->preset('recommended');
  my $s = DSNGuard::Session->new({addr => '192.0.2.1', port => 25});
  $policy->ehlo($s);
  my $d = $policy->rcpt($s, $cmd);    # {action => 'reject', reply => '550 ...'}

=head1 DESCRIPTION

Results are hashrefs and arrayrefs with the keys of the C<dsnguard> CLI's
JSON, C<undef> for null.  Every string in a result is a character string
(UTF-8 flag on); octets that are not valid UTF-8 become U+FFFD.  Input
character strings go in as UTF-8, byte strings as their octets.  Refused
input dies with a blessed C<DSNGuard::ParseError> (keys C<code>,
C<offset>, C<reply>, C<enhanced>, C<message>; it stringifies to the
message); misuse (C<undef>, a reference, an unknown option) croaks.
Options are a trailing hashref.  Nothing is exported by default;
C<:all> exports every function below.

=head1 FUNCTIONS

=over 4

=item parse_cmd($line, {strict => 0, max_line => 0, utf8 => 0})

One SMTP command line.  C<parse_cmd($line, 1)> is strict too.

The plain call, C<parse_cmd($line)>, parses at once (a refused line dies
there) but fills its hash the first time the hash is used, in any way
(a key fetched, stored, tested or deleted, C<keys>, C<each>, C<values>,
a list assignment, C<scalar %$r>, C<untie>, or a module walking it such
as Data::Dumper, JSON::PP or Storable); it keeps a private copy of the
line meanwhile.  The keys and values are then exactly those of the call
with options, which builds them at once.  Until that first use
C<tied %$r> is true; after it the hash is an ordinary one.  A Storable
copy made before any use is itself tied, and answers the same.

=item parse_report($message, {max_recipients => 1000, ...})

A delivery report; the limits are the C fields by name (max_recipients,
max_depth, max_parts, max_fields, max_field_len, max_header_len,
max_boundary_len, max_size, max_decoded); 0 keeps the default.

=item parse_ehlo($reply, {lenient => 0, max_line => 0, max_lines => 0})

An EHLO reply's capabilities; the options are the reply parser's
(C<struct dsng_reply_opts>), as for parse_reply, hide_ehlo and
C<< $policy->ehlo >>.

=item hide_ehlo($reply, {keywords => ['DSN'], lenient, max_line, max_lines})

The EHLO reply written back as sent without those capabilities.

=item parse_reply($reply, {lenient => 0, max_line => 0, max_lines => 0})

One server reply: code, enhanced, lines, text, length, unterminated.

=item status_describe($code)

An enhanced status code described.

=item xtext_encode($string), xtext_decode($xtext, {lenient => 0})

RFC 3461 xtext.  xtext_decode of a byte string gives octets, of a
character string characters.

=item batv_sign($address, $keys, {key => 0, days => 7, now => time, exact_case => 0})

=item batv_verify($address, $keys, {days => 7, now => time, exact_case => 0, no_legacy => 0})

BATV tags; C<$keys> is a key text as C<dsnguard batv --key> takes it, or
an arrayref of them.  Verify returns the keys of C<dsnguard batv verify
--json> (but C<error>).

=item version()

The library version.

=back

=head1 POLICIES AND SESSIONS

=over 4

=item DSNGuard::Policy->preset($name), ->from_file($path, {no_includes, max_include_files, max_include_bytes}), ->from_string($text, {name => ..., no_includes, ...})

A policy, freed with its object; C<< ->name >>, C<< ->warnings >>.  The
options are C<struct dsng_policy_opts> by name (0 keeps the default).

=item DSNGuard::Session->new({addr, client_name, helo, auth_user, tls, port, service, trusted})

One client connection (C<service> smtp, submission or local; C<trusted>
undef to look the address up); C<< ->reset >>, C<< ->state >>, and
C<< ->update({helo => ..., auth_user => ..., tls => 1}) >> for what the
connection learns later (EHLO, AUTH, STARTTLS: keys not given are kept,
undef clears).

=item $policy->ehlo($session, $reply?, {esmtp => 1}), ->mail($session, $line_or_cmd, {strict, max_line, utf8}), ->rcpt($session, $line_or_cmd, {strict, max_line, utf8}), ->header($session, $name, $value), ->generate($session, $action, {null_sender => 0, notify => [...]}), ->bounce($message_or_undef, {rcpt, null_sender => 1, session, now})

Each returns a decision hashref with the values of C<dsnguard audit
--json>: action, reason, rule, reply, notify, compliance, rewritten (and
verdict for bounce).  C<bounce> also takes the report parser's limits
(C<max_recipients> ...) as parse_report does.  C<$line_or_cmd> is a line or what parse_cmd
returned.

=back

=cut

package DSNGuard;
use Carp ();
our $VERSION = version();
our @EXPORT_OK = qw(version parse_cmd parse_report parse_ehlo
	xtext_encode xtext_decode parse_reply hide_ehlo status_describe
	batv_sign batv_verify);
our %EXPORT_TAGS = (all => \@EXPORT_OK);

# A trailing hashref of options, checked against the names allowed.
sub _opts {
	my ($fn, $args, @names) = @_;
	my $o = @$args && ref $args->[-1] eq 'HASH' ? pop @$args : {};
	my %ok = map { $_ => 1 } @names;
	for (sort keys %$o) {
		Carp::croak("DSNGuard::$fn: unknown option '$_'") unless $ok{$_};
	}
	return $o;
}

sub _num {
	my ($fn, $o, $k) = @_;
	my $v = $o->{$k};
	return 0 unless defined $v;
	Carp::croak("DSNGuard::$fn: $k must be a non-negative integer")
		unless $v =~ /\A[0-9]+\z/;
	return $v;
}

# parse_cmd itself is XS (perl/fast.c): calls with options, undef or a
# reference come here.
sub _parse_cmd_opts {
	my ($line, @rest) = @_;
	my $o = _opts('parse_cmd', \@rest, qw(strict max_line utf8));
	Carp::croak('DSNGuard::parse_cmd: a command line is required')
		unless defined $line;
	my $strict = @rest ? $rest[0] : $o->{strict};
	return _parse_cmd($line, $strict ? 1 : 0,
		_num('parse_cmd', $o, 'max_line'), $o->{utf8} ? 1 : 0);
}

my @REPORT_LIMITS = qw(max_recipients max_depth max_parts max_fields
	max_field_len max_header_len max_boundary_len max_size max_decoded);

sub parse_report {
	my ($data, @rest) = @_;
	my $o = _opts('parse_report', \@rest, @REPORT_LIMITS);
	Carp::croak('DSNGuard::parse_report: a message is required')
		unless defined $data;
	return _parse_report($data,
		map { _num('parse_report', $o, $_) } @REPORT_LIMITS);
}

sub xtext_decode {
	my ($text, @rest) = @_;
	my $o = _opts('xtext_decode', \@rest, qw(lenient));
	Carp::croak('DSNGuard::xtext_decode: a string is required')
		unless defined $text;
	my $lenient = @rest ? $rest[0] : $o->{lenient};
	return _xtext_decode($text, $lenient ? 1 : 0);
}

sub parse_reply {
	my ($data, @rest) = @_;
	my $o = _opts('parse_reply', \@rest, qw(lenient max_line max_lines));
	Carp::croak('DSNGuard::parse_reply: a reply is required')
		unless defined $data;
	return _parse_reply($data, $o->{lenient} ? 1 : 0,
		_num('parse_reply', $o, 'max_line'),
		_num('parse_reply', $o, 'max_lines'));
}

my @REPLY_OPTS = qw(lenient max_line max_lines);

# The reply parser's options (struct dsng_reply_opts), or () when none.
sub _reply_opts {
	my ($fn, $o) = @_;
	return () unless grep { $o->{$_} } @REPLY_OPTS;
	return ($o->{lenient} ? 1 : 0, _num($fn, $o, 'max_line'),
		_num($fn, $o, 'max_lines'));
}

sub hide_ehlo {
	my ($data, @rest) = @_;
	my $o = _opts('hide_ehlo', \@rest, 'keywords', @REPLY_OPTS);
	Carp::croak('DSNGuard::hide_ehlo: an EHLO reply is required')
		unless defined $data;
	my $k = defined $o->{keywords} ? $o->{keywords} : ['DSN'];
	$k = join(',', @$k) if ref $k eq 'ARRAY';
	Carp::croak('DSNGuard::hide_ehlo: keywords must be a list or a string')
		if ref $k;
	my @ro = _reply_opts('hide_ehlo', $o);
	return @ro ? _hide_ehlo_opts($data, $k, @ro) : _hide_ehlo($data, $k);
}

sub parse_ehlo {
	my ($data, @rest) = @_;
	my $o = _opts('parse_ehlo', \@rest, @REPLY_OPTS);
	Carp::croak('DSNGuard::parse_ehlo: an EHLO reply is required')
		unless defined $data;
	my @ro = _reply_opts('parse_ehlo', $o);
	return @ro ? _parse_ehlo_opts($data, @ro) : _parse_ehlo($data);
}

sub _batv_keys {
	my ($fn, $keys) = @_;
	Carp::croak("DSNGuard::$fn: keys are required") unless defined $keys;
	my @k = ref $keys eq 'ARRAY' ? @$keys : ($keys);
	for (@k) {
		Carp::croak("DSNGuard::$fn: keys must be strings without newlines")
			if !defined $_ || ref $_ || /\n/;
	}
	return join("\n", @k);
}

sub _batv_now {
	my ($fn, $o) = @_;
	return -1 unless defined $o->{now};
	Carp::croak("DSNGuard::$fn: now must be a Unix time")
		unless $o->{now} =~ /\A[0-9]+\z/;
	return $o->{now} + 0;
}

sub batv_sign {
	my ($addr, $keys, @rest) = @_;
	my $o = _opts('batv_sign', \@rest, qw(key days now exact_case));
	Carp::croak('DSNGuard::batv_sign: an address is required')
		unless defined $addr;
	my $k = _batv_keys('batv_sign', $keys);
	return _batv_sign($addr, $k, _num('batv_sign', $o, 'key'),
		_num('batv_sign', $o, 'days'), _batv_now('batv_sign', $o),
		$o->{exact_case} ? 1 : 0);
}

sub batv_verify {
	my ($addr, $keys, @rest) = @_;
	my $o = _opts('batv_verify', \@rest, qw(days now exact_case no_legacy));
	Carp::croak('DSNGuard::batv_verify: an address is required')
		unless defined $addr;
	my $k = _batv_keys('batv_verify', $keys);
	return _batv_verify($addr, $k, _num('batv_verify', $o, 'days'),
		_batv_now('batv_verify', $o),
		($o->{exact_case} ? 1 : 0) | ($o->{no_legacy} ? 2 : 0));
}

package DSNGuard::Session;
use Carp ();

my @SESSION_KEYS = qw(addr client_name helo auth_user tls port service
	trusted);

sub new {
	my ($class, $o) = @_;
	$o = {} unless defined $o;
	Carp::croak('DSNGuard::Session->new takes a hashref of facts')
		unless ref $o eq 'HASH';
	my %ok = map { $_ => 1 } @SESSION_KEYS;
	for (sort keys %$o) {
		Carp::croak("DSNGuard::Session->new: unknown key '$_'") unless $ok{$_};
	}
	for (qw(addr client_name helo auth_user service)) {
		Carp::croak("DSNGuard::Session->new: $_ must be a string")
			if ref $o->{$_};
	}
	my $port = defined $o->{port} ? $o->{port} : 0;
	Carp::croak('DSNGuard::Session->new: port must be 0..65535')
		unless $port =~ /\A[0-9]+\z/ && $port <= 65535;
	my $h = DSNGuard::_session_new(
		(map { defined $o->{$_} ? "$o->{$_}" : undef }
			qw(addr client_name helo auth_user)),
		$o->{tls} ? 1 : 0, $port + 0,
		defined $o->{service} ? "$o->{service}" : undef,
		defined $o->{trusted} ? ($o->{trusted} ? 1 : 0) : -1);
	return bless { _h => $h, map { $_ => $o->{$_} } keys %$o }, $class;
}

sub reset { DSNGuard::_session_reset($_[0]{_h}) }

# $s->update({helo => ..., auth_user => ..., tls => 0|1}): the facts the
# connection learnt since it began; keys not given are kept, undef clears.
sub update {
	my ($self, $o) = @_;
	Carp::croak('DSNGuard::Session->update: options must be a hashref')
		unless ref $o eq 'HASH';
	my %bit = (helo => 1, auth_user => 2, tls => 4);
	my $which = 0;
	for (keys %$o) {
		Carp::croak("DSNGuard::Session->update: unknown key '$_'")
			unless $bit{$_};
		Carp::croak("DSNGuard::Session->update: $_ must be a string")
			if ref $o->{$_};
		$which |= $bit{$_};
	}
	DSNGuard::_session_update($self->{_h}, $which,
		(map { defined $o->{$_} ? "$o->{$_}" : undef } qw(helo auth_user)),
		$o->{tls} ? 1 : 0);
	$self->{$_} = $o->{$_} for keys %$o;
	return $self;
}
sub state { DSNGuard::_session_state($_[0]{_h}) }

package DSNGuard::Policy;
use Carp ();
use Scalar::Util ();

sub _wrap { bless { _h => $_[1] }, $_[0] }

sub preset {
	my ($class, $name) = @_;
	Carp::croak('DSNGuard::Policy->preset: a preset name is required')
		unless defined $name && !ref $name;
	return $class->_wrap(DSNGuard::_policy_preset($name));
}

my @POLICY_OPTS = qw(no_includes max_include_files max_include_bytes);

sub from_file {
	my ($class, $path, @rest) = @_;
	my $o = DSNGuard::_opts('Policy->from_file', \@rest, @POLICY_OPTS);
	Carp::croak('DSNGuard::Policy->from_file: a file name is required')
		unless defined $path && !ref $path;
	return $class->_wrap(DSNGuard::_policy_from_file($path)) unless %$o;
	return $class->_wrap(DSNGuard::_policy_load($path, 1, undef,
		$o->{no_includes} ? 1 : 0,
		map { DSNGuard::_num('Policy->from_file', $o, $_) }
			qw(max_include_files max_include_bytes)));
}

sub from_string {
	my ($class, $text, @rest) = @_;
	my $o = DSNGuard::_opts('Policy->from_string', \@rest, 'name',
		@POLICY_OPTS);
	Carp::croak('DSNGuard::Policy->from_string: config text is required')
		unless defined $text;
	my $name = defined $o->{name} ? "$o->{name}" : undef;
	return $class->_wrap(DSNGuard::_policy_from_string($text, $name))
		unless grep { exists $o->{$_} } @POLICY_OPTS;
	return $class->_wrap(DSNGuard::_policy_load($text, 0, $name,
		$o->{no_includes} ? 1 : 0,
		map { DSNGuard::_num('Policy->from_string', $o, $_) }
			qw(max_include_files max_include_bytes)));
}

sub name { DSNGuard::_policy_name($_[0]{_h}) }
sub warnings { DSNGuard::_policy_warnings($_[0]{_h}) }

sub _session {
	my ($fn, $s) = @_;
	Carp::croak("DSNGuard::Policy->$fn: expected a DSNGuard::Session")
		unless Scalar::Util::blessed($s) && $s->isa('DSNGuard::Session');
	return $s->{_h};
}

sub _line {
	my ($fn, $l) = @_;
	Carp::croak("DSNGuard::Policy->$fn: a command line is required")
		unless defined $l;
	if (ref $l eq 'HASH') {
		Carp::croak("DSNGuard::Policy->$fn: not what parse_cmd returned")
			unless defined $l->{canonical};
		return $l->{canonical};
	}
	return $l;
}

sub ehlo {
	my ($self, $s, @rest) = @_;
	my $o = DSNGuard::_opts('Policy->ehlo', \@rest, 'esmtp', @REPLY_OPTS);
	my $reply = $rest[0];
	my $esmtp = exists $o->{esmtp} ? ($o->{esmtp} ? 1 : 0) : 1;
	my $h = _session('ehlo', $s);
	my @ro = DSNGuard::_reply_opts('Policy->ehlo', $o);
	return DSNGuard::_policy_ehlo_opts($self->{_h}, $h, $esmtp, $reply, @ro)
		if defined $reply && @ro;
	return defined $reply
		? DSNGuard::_policy_ehlo($self->{_h}, $h, $esmtp, $reply, 1)
		: DSNGuard::_policy_ehlo($self->{_h}, $h, $esmtp, '', 0);
}

# The command parser's options (struct dsng_cmd_opts) as parse_cmd's.
sub _cmd_opts {
	my ($fn, $o) = @_;
	return ($o->{strict} ? 1 : 0, DSNGuard::_num($fn, $o, 'max_line'),
		$o->{utf8} ? 1 : 0);
}

sub mail {
	my ($self, $s, $l, @rest) = @_;
	my $o = DSNGuard::_opts('Policy->mail', \@rest, qw(strict max_line utf8));
	return DSNGuard::_policy_cmd_opts($self->{_h}, _session('mail', $s),
		_line('mail', $l), 0, _cmd_opts('Policy->mail', $o)) if %$o;
	return DSNGuard::_policy_mail($self->{_h}, _session('mail', $s),
		_line('mail', $l));
}

sub rcpt {
	my ($self, $s, $l, @rest) = @_;
	my $o = DSNGuard::_opts('Policy->rcpt', \@rest, qw(strict max_line utf8));
	return DSNGuard::_policy_cmd_opts($self->{_h}, _session('rcpt', $s),
		_line('rcpt', $l), 1, _cmd_opts('Policy->rcpt', $o)) if %$o;
	return DSNGuard::_policy_rcpt($self->{_h}, _session('rcpt', $s),
		_line('rcpt', $l));
}

sub header {
	my ($self, $s, $name, $value) = @_;
	Carp::croak('DSNGuard::Policy->header: a name and a value are required')
		unless defined $name && defined $value;
	return DSNGuard::_policy_header($self->{_h}, _session('header', $s),
		$name, $value);
}

sub generate {
	my ($self, $s, $action, @rest) = @_;
	my $o = DSNGuard::_opts('Policy->generate', \@rest,
		qw(null_sender notify));
	Carp::croak('DSNGuard::Policy->generate: an action is required')
		unless defined $action && !ref $action;
	my $n = $o->{notify};
	$n = !defined $n ? '' : ref $n eq 'ARRAY' ? join(',', @$n) : "$n";
	return DSNGuard::_policy_generate($self->{_h}, _session('generate', $s),
		$action, $o->{null_sender} ? 1 : 0, $n);
}

sub bounce {
	my ($self, $report, @rest) = @_;
	my $o = DSNGuard::_opts('Policy->bounce', \@rest,
		qw(rcpt null_sender session now), @REPORT_LIMITS);
	my $s = defined $o->{session} ? $o->{session} : DSNGuard::Session->new;
	my $ns = exists $o->{null_sender} ? ($o->{null_sender} ? 1 : 0) : 1;
	my $now = defined $o->{now} ? $o->{now} : 0;
	Carp::croak('DSNGuard::Policy->bounce: now must be a Unix time')
		unless $now =~ /\A[0-9]+\z/;
	my @lim = map { DSNGuard::_num('Policy->bounce', $o, $_) } @REPORT_LIMITS;
	return DSNGuard::_policy_bounce_limits($self->{_h}, _session('bounce', $s),
		defined $report ? ($report, 1) : ('', 0),
		defined $o->{rcpt} ? "$o->{rcpt}" : '', $ns, $now + 0, @lim)
		if grep { exists $o->{$_} } @REPORT_LIMITS;
	return DSNGuard::_policy_bounce($self->{_h}, _session('bounce', $s),
		defined $report ? ($report, 1) : ('', 0),
		defined $o->{rcpt} ? "$o->{rcpt}" : '', $ns, $now + 0);
}

package DSNGuard;
%}
/* the rest of the API (api_more.h) */
%insert("perl") "perl/more.pm"
#endif
