"""The API beyond the parsers and the policy decisions: format_cmd,
scan_log, build_report and the library's smaller helpers, written over the
C entry points of bindings/api_more.h (dsnguard._core)."""

import os

from . import _core
from ._core import Decision, ParseError, Policy, Session

__all__ = [
    "PolicyVeto", "ScanLog", "build_report", "build_report_result",
    "check_domain", "batv_parse", "batv_strip", "decode_words",
    "format_cmd", "format_reply", "parse_addr", "parse_date",
    "preset_names", "reply_complete", "scan_log", "split_mbox",
    "status_find", "unfold",
    "xtext_utf8_decode", "xtext_utf8_encode",
]

_UNSET = object()


def _text(value, what):
    if isinstance(value, (str, bytes)):
        return value
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    raise TypeError("%s must be str or bytes, not %s"
                    % (what, type(value).__name__))


def _count(value, what):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TypeError("%s must be a non-negative int" % what)
    return value


def _limits(fn, names, given):
    for k in given:
        if k not in names:
            raise TypeError("%s() got an unexpected keyword argument %r"
                            % (fn, k))
    return [_count(given.get(k, 0), k) for k in names]


def _as_str(value):
    return value.decode("utf-8", "surrogateescape") \
        if isinstance(value, bytes) else value


# ---- format_cmd ----

_VALUE_FIELDS = ("notify", "orcpt", "ret", "envid", "size", "body",
                 "smtputf8")


def _param_value(keyword, value):
    """The parameter's value as sent on the wire, None for a keyword
    alone, or _UNSET to drop it."""
    if value is None or value is False:
        return _UNSET
    if keyword == "NOTIFY":
        if isinstance(value, str):
            value = value.split(",")
        value = list(value)
        if not value or not all(isinstance(w, str) for w in value):
            raise TypeError("notify must be NOTIFY keywords")
        return ",".join(w.upper() for w in value)
    if keyword == "ORCPT":
        if isinstance(value, dict):
            typ, addr = value.get("type"), value.get("addr")
        elif isinstance(value, (tuple, list)) and len(value) == 2:
            typ, addr = value
        else:
            typ, addr = None, value
        addr = _as_str(_text(addr, "orcpt"))
        if typ is None:
            typ = "rfc822" if addr.isascii() else "utf-8"
        if not isinstance(typ, str):
            raise TypeError("the orcpt type must be a str")
        if typ.lower() == "utf-8":
            return "%s;%s" % (typ, _core._xtext_utf8_encode(addr, 0))
        return "%s;%s" % (typ, _core.xtext_encode(addr))
    if keyword == "ENVID":
        return _core.xtext_encode(_text(value, "envid"))
    if keyword == "SIZE":
        return str(_count(value, "size"))
    if keyword in ("RET", "BODY"):
        if not isinstance(value, str):
            raise TypeError("%s must be a str" % keyword.lower())
        return value.upper()
    if keyword == "SMTPUTF8":
        return None
    raise AssertionError(keyword)


def _raw_params(params):
    out = []
    for p in params:
        if isinstance(p, dict):
            k, v = p.get("keyword"), p.get("value")
        elif isinstance(p, (tuple, list)) and len(p) == 2:
            k, v = p
        elif isinstance(p, str):
            k, _, v = p.partition("=")
            v = v if "=" in p else None
        else:
            raise TypeError("a parameter is a (keyword, value) pair, a "
                            "dict with keyword and value, or KEYWORD=VALUE")
        if not isinstance(k, str) or not (v is None or isinstance(v, str)):
            raise TypeError("a parameter's keyword and value are str")
        out.append([k, v])
    return out


def format_cmd(cmd=None, *, verb=None, path=_UNSET, route=_UNSET,
               domain=_UNSET, arg=_UNSET, notify=_UNSET, orcpt=_UNSET,
               ret=_UNSET, envid=_UNSET, size=_UNSET, body=_UNSET,
               smtputf8=_UNSET, params=_UNSET, strict=False, max_line=0,
               utf8=False):
    """format_cmd(cmd=None, *, verb=, path=, ...) -> str

    Write an SMTP command line (without CRLF) in canonical form, from what
    parse_cmd returned (cmd: its verb, path, route, domain or arg and its
    params as sent) and/or keyword fields, which replace cmd's: verb,
    path (the mailbox, "" for <>), route (list of domains), domain
    (EHLO/HELO/LHLO), arg (other verbs), params (a list of (keyword,
    value) pairs, dicts as parse_cmd gives, or "KEYWORD=VALUE" texts, as
    sent).  The DSN fields are given decoded and encoded here: notify (a
    list or "SUCCESS,DELAY"), orcpt (the address, (type, address) or
    {"type", "addr"}; a non-ASCII address gets the RFC 6533 utf-8 form),
    ret, envid (xtext-encoded), size, body, smtputf8 (bool); each
    replaces the parameter of that keyword, None (or False) drops it.
    The line is then parsed (strict, max_line, utf8 as parse_cmd takes
    them), so what comes out is what the parser accepts: a bad value
    raises ParseError with the parser's code."""
    fields = {}
    if cmd is not None:
        if not isinstance(cmd, dict) or not isinstance(cmd.get("verb"), str):
            raise TypeError("cmd must be what parse_cmd returned")
        fields = {k: cmd.get(k) for k in ("verb", "path", "route", "domain",
                                          "arg")}
        fields["params"] = _raw_params(cmd.get("params") or [])
    if verb is not None:
        if not isinstance(verb, str):
            raise TypeError("verb must be a str")
        fields["verb"] = verb
    for k, v in (("path", path), ("route", route), ("domain", domain),
                 ("arg", arg)):
        if v is not _UNSET:
            fields[k] = v
    if params is not _UNSET:
        fields["params"] = _raw_params(params or [])
    v = fields.get("verb")
    if not isinstance(v, str) or not v:
        raise TypeError("format_cmd() needs a verb (or a cmd)")
    v = v.upper()
    plist = fields.get("params") or []
    for name, value in (("notify", notify), ("orcpt", orcpt), ("ret", ret),
                        ("envid", envid), ("size", size), ("body", body),
                        ("smtputf8", smtputf8)):
        if value is _UNSET:
            continue
        kw = name.upper()
        wire = _param_value(kw, value)
        at = [i for i, p in enumerate(plist) if p[0].upper() == kw]
        if wire is _UNSET:
            plist = [p for p in plist if p[0].upper() != kw]
        elif at:
            plist[at[0]] = [kw, wire]
        else:
            plist.append([kw, wire])
    parts = [v]
    if v in ("MAIL", "RCPT"):
        p = fields.get("path")
        if p is None:
            raise TypeError("%s needs a path" % v)
        p = _as_str(_text(p, "path"))
        r = fields.get("route")
        if r:
            if isinstance(r, str) or not all(isinstance(d, str) for d in r):
                raise TypeError("route must be a list of domains")
            p = ",".join("@" + d for d in r) + ":" + p
        parts.append("%s:<%s>" % ("FROM" if v == "MAIL" else "TO", p))
    elif v in ("EHLO", "HELO", "LHLO"):
        d = fields.get("domain")
        if d is not None:
            parts.append(_as_str(_text(d, "domain")))
    else:
        a = fields.get("arg")
        if a is not None:
            parts.append(_as_str(_text(a, "arg")))
    for k, val in plist:
        parts.append(k if val is None else "%s=%s" % (k, val))
    return _core._format_cmd_line(" ".join(parts), 1 if strict else 0,
                                  _count(max_line, "max_line"),
                                  1 if utf8 else 0)


# ---- scan_log ----

_SCAN_LIMITS = ("max_line", "max_tracked", "max_pending", "max_rcpts",
                "max_recipients_tracked", "max_clients_tracked")
_CHUNK = 1 << 16


class ScanLog:
    """The DSN events of a sendmail, Postfix or Exim log, as dicts with
    the keys of `dsnguard scan-log --json`, in the order of the DSN
    lines.  Iterate it once; then .summary holds the summary object (the
    keys of the CLI's summary line), None until then.  The scan runs in
    chunks of 64 KiB without the GIL; one ScanLog belongs to one thread
    (another thread's next() raises TypeError while a chunk is scanned)."""

    __slots__ = ("_h", "_chunks", "_ready", "_close", "summary")

    def __init__(self, handle, chunks, close=None):
        self._h = handle
        self._chunks = chunks
        self._ready = []
        self._close = close
        self.summary = None

    def __iter__(self):
        return self

    def __next__(self):
        while not self._ready:
            if self._h is None:
                raise StopIteration
            try:
                chunk = next(self._chunks, None)
                if chunk is None:
                    self._ready = _core._scan_feed(self._h, b"", 1)
                    self.summary = _core._scan_summary(self._h)
                    self._finish()
                else:
                    self._ready = _core._scan_feed(self._h, chunk, 0)
            except BaseException:
                self._finish()
                raise
            self._ready.reverse()
        return self._ready.pop()

    def _finish(self):
        self._h = None
        self._chunks = None
        if self._close is not None:
            self._close()
            self._close = None

    def close(self):
        """Stop early: no more events, no summary (a file opened by
        scan_log is closed)."""
        self._ready = []
        self._finish()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return "<dsnguard.ScanLog %s>" % ("done" if self._h is None
                                          else "running")


def _file_chunks(f):
    while True:
        b = f.read(_CHUNK)
        if not b:
            return
        if isinstance(b, str):
            b = b.encode("utf-8", "surrogateescape")
        elif not isinstance(b, (bytes, bytearray)):
            raise TypeError("the file gave %s, not str or bytes"
                            % type(b).__name__)
        yield bytes(b)


def _line_chunks(lines):
    """Lines (str or bytes, with or without their newline) joined into
    chunks, so the scan is not a C call per line."""
    buf, n = [], 0
    for line in lines:
        if isinstance(line, str):
            line = line.encode("utf-8", "surrogateescape")
        elif isinstance(line, (bytearray, memoryview)):
            line = bytes(line)
        elif not isinstance(line, bytes):
            raise TypeError("lines must be str or bytes, not %s"
                            % type(line).__name__)
        if not line.endswith(b"\n"):
            line += b"\n"
        buf.append(line)
        n += len(line)
        if n >= _CHUNK:
            yield b"".join(buf)
            buf, n = [], 0
    if buf:
        yield b"".join(buf)


def scan_log(file_or_lines, **limits):
    """scan_log(file_or_lines, *, max_line=0, max_tracked=0, ...) -> ScanLog

    Scan a mail log for the DSNs the MTA generated: file_or_lines is a
    path (str, bytes or os.PathLike), a file object opened in binary or
    text mode, or an iterable of lines (str or bytes).  The limits are the
    fields of struct dsng_maillog_opts by name (max_line, max_tracked,
    max_pending, max_rcpts, max_recipients_tracked, max_clients_tracked;
    0 keeps the default).  Iterating gives the events; .summary is then
    the summary.  Events of a path carry "file" (the path), others None;
    "line" is the line number in the input."""
    lim = _limits("scan_log", _SCAN_LIMITS, limits)
    close = None
    name = None
    if isinstance(file_or_lines, (str, bytes, os.PathLike)):
        path = os.fspath(file_or_lines)
        name = os.fsdecode(path)
        f = open(path, "rb")
        close = f.close
        chunks = _file_chunks(f)
    elif hasattr(file_or_lines, "read"):
        chunks = _file_chunks(file_or_lines)
        name = getattr(file_or_lines, "name", None)
        if not isinstance(name, str):
            name = None
    else:
        try:
            it = iter(file_or_lines)
        except TypeError:
            raise TypeError("scan_log() takes a path, a file object or an "
                            "iterable of lines, not %s"
                            % type(file_or_lines).__name__) from None
        chunks = _line_chunks(it)
    try:
        h = _core._scan_new(name, *lim)
    except BaseException:
        if close:
            close()
        raise
    return ScanLog(h, chunks, close)


# ---- build_report ----

class PolicyVeto(Exception):
    """build_report refused: the policy vetoed every entry NOTIFY left.
    decision: the Decision of the first vetoed entry; entries: every
    recipient's fate (the entries of build_report_result)."""

    def __init__(self, decision, entries):
        reason = decision.reason if decision is not None else "vetoed"
        super().__init__("the policy vetoed every report entry: %s"
                         % reason)
        self.decision = decision
        self.entries = entries


def build_report_result(spec, original=None, *, policy=None,
                        no_policy=False, now=None, crlf=False,
                        max_returned=None, max_recipients=0):
    """build_report_result(spec, original=None, ...) -> dict

    What build_report does, with the whole result: outcome ("written",
    "none_requested", "vetoed"), data (the report as bytes or None),
    global, envelope_from (""), envelope_to, message_id, entries (one
    per spec recipient: index, fate "kept", "not_requested",
    "null_sender" or "vetoed", addr, reason, decision (a Decision or
    None), diagnostic_cut), n_kept, n_vetoed, n_not_requested, returned,
    returned_full, returned_truncated, returned_omitted."""
    if not isinstance(spec, dict):
        raise TypeError("spec must be a dict with the keys of make-report's "
                        "SPEC")
    if original is None:
        data, has = b"", 0
    else:
        if not isinstance(original, (str, bytes, bytearray, memoryview)):
            as_bytes = getattr(original, "as_bytes", None)
            if as_bytes is None:
                raise TypeError("original must be str, bytes or an "
                                "email.message.Message")
            original = as_bytes()
        data, has = _text(original, "original"), 1
    if no_policy:
        if policy is not None:
            raise TypeError("give a policy or no_policy=True, not both")
        h = None
    else:
        if policy is None:
            policy = Policy.preset("recommended")
        if not isinstance(policy, Policy):
            raise TypeError("policy must be a dsnguard.Policy")
        h = policy._h
    if now is None:
        now = -1
    elif isinstance(now, bool) or not isinstance(now, (int, float)) \
            or now < 0:
        raise TypeError("now must be a Unix time")
    if max_returned is None:
        max_returned = -1
    else:
        _count(max_returned, "max_returned")
    r = _core._build_report_result(spec, data, has, h, 1 if no_policy else 0,
                                   int(now), 1 if crlf else 0, max_returned,
                                   _count(max_recipients, "max_recipients"))
    for e in r["entries"]:
        if e["decision"] is not None:
            e["decision"] = Decision(e["decision"])
    return r


def build_report(spec, original=None, *, policy=None, no_policy=False,
                 now=None, crlf=False, max_returned=None, max_recipients=0):
    """build_report(spec, original=None, *, policy=None, no_policy=False,
    now=None, crlf=False, max_returned=None, max_recipients=0) -> bytes

    One RFC 3464 delivery report (RFC 6533's global form when an address
    or header needs UTF-8), as `dsnguard make-report` writes it: spec is a
    dict with the keys of make-report's SPEC, original the message as
    received (str, bytes or email.message.Message; returned as RET says).
    The policy (default: the "recommended" preset) vetoes each entry;
    no_policy=True builds without it.  now: Unix time (the output is then
    the same byte for byte); crlf: the wire form; max_returned: octets of
    the original returned (default 50,000); max_recipients: the limit of
    spec recipients (0 = 1000).  Returns the report, None when NOTIFY (or
    a null sender) leaves no entry; raises PolicyVeto when the policy
    vetoed every entry, ParseError for a bad spec."""
    r = build_report_result(spec, original, policy=policy,
                            no_policy=no_policy, now=now, crlf=crlf,
                            max_returned=max_returned,
                            max_recipients=max_recipients)
    if r["outcome"] == "vetoed":
        first = next((e["decision"] for e in r["entries"]
                      if e["fate"] == "vetoed"), None)
        raise PolicyVeto(first, r["entries"])
    return r["data"]


# ---- the smaller helpers ----

def xtext_utf8_encode(text, unitext=False):
    """RFC 6533 utf-8-addr-xtext of text (unitext: utf-8-addr-unitext,
    non-ASCII kept raw), as ORCPT=utf-8;... needs it."""
    return _core._xtext_utf8_encode(_text(text, "text"), 1 if unitext else 0)


def xtext_utf8_decode(text, unitext=False):
    """Decode utf-8-addr-xtext (unitext: raw UTF-8 accepted too) into
    str.  Raises ParseError (bad_xtext)."""
    return _core._xtext_utf8_decode(_text(text, "text"), 1 if unitext else 0)


def parse_addr(path, *, rcpt=False, utf8=False, strict=False):
    """One RFC 5321 path ("<a@b.example>") as a dict: path (the mailbox,
    "" for <>), local, domain, route (list or None), null, postmaster,
    utf8, lax (lenient forms seen).  rcpt: a forward-path (<Postmaster>
    allowed, <> refused); utf8: SMTPUTF8 in play.  Raises ParseError."""
    return _core._addr_parse(_text(path, "path"), 1 if rcpt else 0,
                             1 if utf8 else 0, 1 if strict else 0)


def check_domain(domain, *, utf8=False, strict=False):
    """True for a valid domain or address literal; raises ParseError
    (bad_address) otherwise."""
    return _core._addr_check_domain(_text(domain, "domain"),
                                    1 if utf8 else 0, 1 if strict else 0)


def batv_parse(address):
    """A BATV address taken apart without a key: key_number, day, hash
    (hex), legacy_order, local, domain, original.  Raises ParseError for
    an address that is not tagged."""
    return _core._batv_parse(_text(address, "address"))


def batv_strip(address):
    """The address without its BATV tag (an untagged one as it is)."""
    return _core._batv_strip(_text(address, "address"))


def format_reply(data, lenient=False, max_line=0, max_lines=0):
    """A server reply parsed and written back canonical (CRLF lines);
    the options are parse_reply's (struct dsng_reply_opts)."""
    return _core._format_reply(_text(data, "data"), 1 if lenient else 0,
                               _count(max_line, "max_line"),
                               _count(max_lines, "max_lines"))


def reply_complete(data, lenient=False, max_line=0, max_lines=0):
    """The length of the whole reply data starts with, 0 when more input
    is needed (for a client reading a socket).  Raises ParseError as soon
    as the bytes cannot be a reply; options as parse_reply's."""
    return _core._reply_complete(_text(data, "data"), 1 if lenient else 0,
                                 _count(max_line, "max_line"),
                                 _count(max_lines, "max_lines"))


def parse_date(text):
    """An RFC 5322 date ("Wed, 15 Jul 2020 10:15:30 GMT") as Unix
    seconds.  Raises ParseError."""
    return _core._report_date_parse(_text(text, "text"))


def decode_words(text):
    """A header value with its RFC 2047 encoded words decoded (and
    unfolded); a decoded CR or LF becomes U+FFFD."""
    return _core._mime_decode_words(_text(text, "text"))


def unfold(text):
    """A header value unfolded (RFC 5322 section 2.2.3)."""
    return _core._mime_unfold(_text(text, "text"))


def status_find(text):
    """The first enhanced status code standing alone in text ("550 5.7.1
    refused"; never part of an IP address), as status_describe gives it
    plus offset; None when there is none."""
    return _core._status_find(_text(text, "text"))


def split_mbox(data):
    """The messages of an mbox (bytes each, without their "From " line);
    data that is not an mbox is one message."""
    return _core._mbox_split(_text(data, "data"))


def preset_names():
    """The names of the built-in presets."""
    return _core._policy_preset_names()


# Policy's lookups, added here to the class of dsnguard._core.

def _is_trusted(self, session):
    """Whether the session's address lies in the policy's trusted
    networks (the lookup alone: the session's own trusted= is not
    consulted)."""
    return _core._policy_is_trusted(self._h, _core._session_of(session))


def _is_receipt_header(self, name):
    """Whether a header (name without the colon, any case) asks for a
    receipt under this policy (Disposition-Notification-To, ...)."""
    return _core._policy_is_receipt_header(self._h, _text(name, "name"))


def _line(self, session, line, *, strict=False, max_line=0, utf8=False):
    """One client command line through the policy, as the audit does:
    EHLO/HELO/LHLO, MAIL and RCPT decided, RSET starts a new transaction,
    others accepted; a line that does not parse gives the refusal to
    send.  The command parser's options as parse_cmd takes them.  A
    Decision."""
    return Decision(_core._policy_line(self._h, _core._session_of(session),
                                       _text(line, "line"),
                                       1 if strict else 0,
                                       _count(max_line, "max_line"),
                                       1 if utf8 else 0))


def _presets(cls):
    """The names of the built-in presets."""
    return preset_names()


def _classes(self, session):
    """The client classes ("all", "trusted", "authenticated", "tls",
    "submission", "local") this session falls in under this policy."""
    return _core._policy_classes(self._h, _core._session_of(session))


Policy.networks = property(lambda self: _core._policy_networks(self._h),
                           doc="The trusted networks, one CIDR text each.")
Policy.rules = property(
    lambda self: _core._policy_rules(self._h),
    doc="The settings that differ from the permissive base: dicts of "
        "rule, value, origin, line.")
Policy.offer_dsn = property(
    lambda self: _core._policy_offer(self._h),
    doc="To whom DSN is offered at EHLO: class words, [] for nobody.")
Policy.classes = _classes
Policy.is_trusted = _is_trusted
Policy.is_receipt_header = _is_receipt_header
Policy.line = _line
Policy.preset_names = classmethod(_presets)
