"""dsnguard.smtp_probe: does a server accept a request for a return receipt
(RFC 3461 NOTIFY=SUCCESS) from whoever connects?

The library's probe (probe.h) decides every command and what each reply
means; this module only owns the socket: it connects, sends what the
probe says, feeds back the bytes, a timeout or a closed connection, and
does the TLS handshake for STARTTLS.  The result is the object of
``dsnguard probe --json`` for the same server.  DATA is never sent.
"""

import copy
import ipaddress
import os
import socket
import ssl
import time

from . import _core

__all__ = ["probe", "ProbeResult"]

_KEYS = ("ok", "host", "port", "greeting", "ehlo", "mail", "rcpt",
         "rcpt_plain", "dsn_advertised", "receipt_accepted", "verdict",
         "error", "tls", "starttls", "source")


class ProbeResult:
    """What a probe learnt, with the keys of ``dsnguard probe --json`` as
    attributes:

    ok                False when the probe could not complete
    host, port        the server as given
    greeting          {"code", "text"} or None
    ehlo              {"code", "esmtp", "dsn", "smtputf8",
                      "capabilities", "text"} or None
    mail, rcpt,       {"line", "code", "enhanced", "text"} or None when
    rcpt_plain        not sent (rcpt_plain: the control RCPT without
                      NOTIFY, sent after a 5xx)
    dsn_advertised    bool, None when the EHLO step did not tell
    receipt_accepted  bool, None when the RCPT got no answer
    verdict           "exposed", "refused", "not_offered", "incomplete"
    error             {"step", "cause", "code", "message"} or None
    tls               the session was upgraded with STARTTLS
    starttls          the STARTTLS step, or None
    source            the local address bound, or None
    """

    __slots__ = _KEYS

    def __init__(self, d):
        for k in _KEYS:
            setattr(self, k, d.get(k))

    def to_dict(self):
        """The result as a dict equal to ``dsnguard probe --json``'s."""
        return {k: copy.deepcopy(getattr(self, k)) for k in _KEYS}

    @property
    def exposed(self):
        """True when the server accepted the receipt request."""
        return self.verdict == "exposed"

    def __eq__(self, other):
        if isinstance(other, ProbeResult):
            return self.to_dict() == other.to_dict()
        return NotImplemented

    __hash__ = None

    def __repr__(self):
        parts = ["verdict=%r" % self.verdict,
                 "host=%r" % self.host, "port=%r" % self.port]
        if self.error:
            parts.append("error=%r" % self.error)
        return "ProbeResult(%s)" % ", ".join(parts)


def _default_ehlo():
    # as the CLI: the machine's name when it is printable ASCII
    try:
        name = socket.gethostname()
    except OSError:
        return "localhost"
    if not name or any(not 0x20 < ord(c) < 0x7F for c in name):
        return "localhost"
    return name


def _is_ip(host):
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False


class _Conn:
    """The socket and the deadline of the step in progress."""

    def __init__(self, host, port, source, timeout_ms):
        self.host, self.port, self.source = host, port, source
        self.timeout_ms = timeout_ms
        self.sock = None
        self.deadline = 0.0
        self.arm()

    def arm(self):
        self.deadline = time.monotonic() + self.timeout_ms / 1000.0

    def left(self):
        return self.deadline - time.monotonic()

    def connect(self):
        family = 0
        if self.source is not None:
            family = (socket.AF_INET6 if ":" in self.source
                      else socket.AF_INET)
        try:
            infos = socket.getaddrinfo(self.host, self.port, family,
                                       socket.SOCK_STREAM, 0,
                                       socket.AI_NUMERICSERV)
        except (socket.gaierror, UnicodeError) as e:
            why = getattr(e, "strerror", None) or str(e)
            return "resolve", "%s: %s" % (self.host[:200], why)
        self.arm()
        ev, msg = "refused", "no address"
        for af, kind, proto, _, addr in infos:
            ev, msg = self._connect_one(af, kind, proto, addr)
            if ev in ("connected", "timeout"):
                break
        return ev, msg

    def _connect_one(self, af, kind, proto, addr):
        try:
            s = socket.socket(af, kind, proto)
        except OSError as e:
            return "refused", "socket: %s" % os.strerror(e.errno or 0)
        try:
            if self.source is not None:
                try:
                    s.bind((self.source, 0))
                except OSError as e:
                    return "refused", ("bind to source: %s"
                                       % os.strerror(e.errno or 0))
            left = self.left()
            if left <= 0:
                return "timeout", ("no connection after %d ms"
                                   % self.timeout_ms)
            s.settimeout(left)
            try:
                s.connect(addr)
            except socket.timeout:
                return "timeout", ("no connection after %d ms"
                                   % self.timeout_ms)
            except OSError as e:
                ev = "timeout" if e.errno == 110 else "refused"
                return ev, "connect: %s" % os.strerror(e.errno or 0)
            self.sock, s = s, None
            return "connected", ""
        finally:
            if s is not None:
                s.close()

    def send(self, data):
        self.arm()
        try:
            while data:
                left = self.left()
                if left <= 0:
                    return "timeout", "cannot send"
                self.sock.settimeout(left)
                n = self.sock.send(data)
                data = data[n:]
        except socket.timeout:
            return "timeout", "cannot send"
        except ssl.SSLError as e:
            return "closed", "TLS send: %s" % (e.reason or e)
        except OSError as e:
            return "closed", "send: %s" % os.strerror(e.errno or 0)
        self.arm()  # the reply gets its own timeout
        return None, None

    def recv(self):
        left = self.left()
        if left <= 0:
            return None, "timeout", "no reply within %d ms" % self.timeout_ms
        try:
            self.sock.settimeout(left)
            data = self.sock.recv(8192)
        except socket.timeout:
            return None, "timeout", "no reply within %d ms" % self.timeout_ms
        except ssl.SSLError as e:
            return None, "tls_failed", "TLS read: %s" % (e.reason or e)
        except OSError as e:
            return None, "closed", "recv: %s" % os.strerror(e.errno or 0)
        if not data:
            return None, "closed", "the server closed the connection"
        return data, None, None

    def starttls(self):
        # No verification on purpose, as the CLI: the probe asks whether
        # receipts are exposed, not whether the server's TLS is to be
        # trusted, and an MTA's port 25 is commonly self-signed.
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        self.arm()
        try:
            self.sock.settimeout(max(self.left(), 0.001))
            self.sock = ctx.wrap_socket(
                self.sock,
                server_hostname=None if _is_ip(self.host) else self.host)
        except socket.timeout:
            return "timeout", ("TLS handshake: no answer within %d ms"
                               % self.timeout_ms)
        except (ssl.SSLError, OSError) as e:
            return "tls_failed", "TLS handshake: %s" % (
                getattr(e, "reason", None) or e)
        self.arm()
        return "tls_ready", ""

    def close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
            self.sock = None


def _check_args(host, port, timeout, source):
    if not isinstance(host, str):
        raise TypeError("host must be a str")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host or len(host) > 255 or "\0" in host:
        raise ValueError("host must be a host name or an address")
    if isinstance(port, bool) or not isinstance(port, int):
        raise TypeError("port must be an int")
    if not 1 <= port <= 65535:
        raise ValueError("port must be 1..65535")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError("timeout must be seconds (a number)")
    if not 0 < timeout <= 86400:
        raise ValueError("timeout must be 0 < seconds <= 86400")
    if source is not None:
        if not isinstance(source, str):
            raise TypeError("source must be an IP address (str) or None")
        if not _is_ip(source):
            raise ValueError("source must be an IPv4 or IPv6 address, "
                             "not %r" % source)
    return host


def probe(host, *, mail_from, rcpt_to, port=25, ehlo=None, timeout=30.0,
          source=None, starttls=False):
    """probe(host, *, mail_from, rcpt_to, port=25, ehlo=None,
    timeout=30.0, source=None, starttls=False) -> ProbeResult

    Ask the SMTP server at host:port (connected to directly, no MX
    lookup) for a return receipt as anyone could: greeting, EHLO (HELO
    when EHLO is refused), STARTTLS and EHLO again when starttls (the
    certificate is not verified), ``MAIL FROM:<mail_from>``, ``RCPT
    TO:<rcpt_to> NOTIFY=SUCCESS``, after a 5xx the same RCPT without
    NOTIFY, then RSET and QUIT.  DATA is never sent, so nothing is
    delivered.  ehlo: the EHLO name (None: this machine's name, else
    "localhost"); timeout: seconds for each step (connecting, each reply,
    the handshake); source: the local address to bind.

    A refused connection, a drop, silence, a 4xx or garbage end the probe
    as verdict "incomplete" with ``error`` saying where and why; they are
    results, not exceptions.  Raises ParseError (a ValueError) for an
    invalid address or EHLO name and ValueError/TypeError for other bad
    arguments, before anything is sent.
    """
    host = _check_args(host, port, timeout, source)
    for what, v in (("mail_from", mail_from), ("rcpt_to", rcpt_to)):
        if not isinstance(v, str):
            raise TypeError("%s must be a str" % what)
    if ehlo is None:
        ehlo = _default_ehlo()
    elif not isinstance(ehlo, str):
        raise TypeError("ehlo must be a str or None")
    for what, v in (("mail_from", mail_from), ("rcpt_to", rcpt_to),
                    ("ehlo", ehlo)):
        if "\0" in v:
            raise _core.ParseError("bad_value", v.index("\0"), None, "",
                                   "%s holds a NUL" % what)
    h = _core._probe_new(mail_from, rcpt_to, ehlo, 1 if starttls else 0)
    # the CLI's rounding, so messages name the same milliseconds
    conn = _Conn(host, port, source, int(timeout * 1000 + 0.999))
    try:
        # every action feeds the probe or ends it; the bound guards
        # against a bug, no server can reach it
        for _ in range(10000):
            action, line = _core._probe_next(h)
            if action == "done":
                break
            if action == "connect":
                ev, msg = conn.connect()
                if ev == "connected":
                    conn.arm()  # the greeting's timeout
                _core._probe_event(h, ev, msg)
            elif action == "send":
                ev, msg = conn.send(line)
                if ev:
                    _core._probe_event(h, ev, msg)
            elif action == "wait":
                data, ev, msg = conn.recv()
                if data:
                    _core._probe_reply(h, data)
                else:
                    _core._probe_event(h, ev, msg)
            elif action == "starttls":
                ev, msg = conn.starttls()
                _core._probe_event(h, ev, msg)
    finally:
        conn.close()
    return ProbeResult(_core._probe_result(h, host, port, source))
