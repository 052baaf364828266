"""A small client of the milter protocol (the MTA's side), stdlib only.

It speaks to a milter over its socket the way Postfix or sendmail would,
so tests can drive the real dsnguard-milter binary without an MTA.  The
protocol (libmilter's mfdef.h): every packet is a 4-byte big-endian
length, then a command byte, then data; the length counts the command
byte and the data.

    c = MilterClient("unix:/tmp/x.sock")
    c.optneg()
    c.macro("C", {"v": "Postfix 3.7.11", "{daemon_port}": "25"})
    c.connect("client.example", "203.0.113.9", 41000)
    c.helo("client.example")
    r = c.mail("<a@example.org>")
    r = c.rcpt("<b@example.test>", "NOTIFY=SUCCESS")
    if r.action == "reject": print(r.reply)
    mods, final = c.eom()
    c.quit()

Used by tests/milter/test_milter.py and by the end-to-end tests.
"""

import socket
import struct
import time

# Commands (MTA -> milter).
SMFIC_ABORT = b"A"
SMFIC_BODY = b"B"
SMFIC_CONNECT = b"C"
SMFIC_MACRO = b"D"
SMFIC_BODYEOB = b"E"
SMFIC_HELO = b"H"
SMFIC_QUIT_NC = b"K"
SMFIC_HEADER = b"L"
SMFIC_MAIL = b"M"
SMFIC_EOH = b"N"
SMFIC_OPTNEG = b"O"
SMFIC_QUIT = b"Q"
SMFIC_RCPT = b"R"
SMFIC_DATA = b"T"

# Replies (milter -> MTA).
SMFIR_ADDRCPT = b"+"
SMFIR_DELRCPT = b"-"
SMFIR_ADDRCPT_PAR = b"2"
SMFIR_SHUTDOWN = b"4"
SMFIR_ACCEPT = b"a"
SMFIR_REPLBODY = b"b"
SMFIR_CONTINUE = b"c"
SMFIR_DISCARD = b"d"
SMFIR_CHGFROM = b"e"
SMFIR_CONN_FAIL = b"f"
SMFIR_ADDHEADER = b"h"
SMFIR_INSHEADER = b"i"
SMFIR_SETSYMLIST = b"l"
SMFIR_CHGHEADER = b"m"
SMFIR_PROGRESS = b"p"
SMFIR_QUARANTINE = b"q"
SMFIR_REJECT = b"r"
SMFIR_SKIP = b"s"
SMFIR_TEMPFAIL = b"t"
SMFIR_REPLYCODE = b"y"

# Actions a filter may take (SMFIF_*) and protocol steps (SMFIP_*).
SMFIF_ADDHDRS = 0x01
SMFIF_CHGBODY = 0x02
SMFIF_ADDRCPT = 0x04
SMFIF_DELRCPT = 0x08
SMFIF_CHGHDRS = 0x10
SMFIF_QUARANTINE = 0x20
SMFIF_CHGFROM = 0x40
SMFIF_ADDRCPT_PAR = 0x80
SMFIF_SETSYMLIST = 0x100
SMFI_CURR_ACTS = 0x1FF

SMFIP_NOCONNECT = 0x01
SMFIP_NOHELO = 0x02
SMFIP_NOMAIL = 0x04
SMFIP_NORCPT = 0x08
SMFIP_NOBODY = 0x10
SMFIP_NOHDRS = 0x20
SMFIP_NOEOH = 0x40
SMFIP_NR_HDR = 0x80
SMFIP_NOUNKNOWN = 0x100
SMFIP_NODATA = 0x200
SMFIP_SKIP = 0x400
SMFIP_RCPT_REJ = 0x800
SMFI_CURR_PROT = 0x1FFFFF

SMFI_PROT_VERSION = 6

# Macro stages of a SETSYMLIST request (SMFIM_*), in libmilter's order.
MACRO_STAGES = {0: "connect", 1: "helo", 2: "envfrom", 3: "envrcpt",
                4: "data", 5: "eom", 6: "eoh"}

# Final answers to a command, by reply byte.
FINAL = {
    SMFIR_CONTINUE: "continue",
    SMFIR_ACCEPT: "accept",
    SMFIR_REJECT: "reject",
    SMFIR_TEMPFAIL: "tempfail",
    SMFIR_DISCARD: "discard",
    SMFIR_REPLYCODE: "replycode",
    SMFIR_SKIP: "skip",
    SMFIR_CONN_FAIL: "conn_fail",
    SMFIR_SHUTDOWN: "shutdown",
}


class ProtocolError(Exception):
    """The milter sent something the protocol does not allow."""


class Reply:
    """A milter's final answer to one command.

    action: continue, accept, reject, tempfail, discard, skip, ... For a
    'y' (SMFIR_REPLYCODE) reply the action is "reject" for 5xx and
    "tempfail" for 4xx, and reply is the text ("550 5.7.1 ...").
    """

    def __init__(self, cmd, data):
        self.cmd = cmd
        self.data = data
        self.reply = None
        if cmd == SMFIR_REPLYCODE:
            self.reply = data.rstrip(b"\0").decode("utf-8", "replace")
            self.action = "tempfail" if self.reply.startswith("4") else "reject"
        else:
            self.action = FINAL.get(cmd, "unknown")

    def __repr__(self):
        return "Reply(%r, %r)" % (self.action, self.reply)


class Modification:
    """One change a milter asks for at end of message.

    kind: addrcpt, addrcpt_par, delrcpt, chgheader, addheader,
    insheader, chgfrom, replbody, quarantine, progress; args: the decoded
    fields (for chgheader: index, name, value; value "" deletes).
    """

    KINDS = {
        SMFIR_ADDRCPT: "addrcpt",
        SMFIR_ADDRCPT_PAR: "addrcpt_par",
        SMFIR_DELRCPT: "delrcpt",
        SMFIR_CHGHEADER: "chgheader",
        SMFIR_ADDHEADER: "addheader",
        SMFIR_INSHEADER: "insheader",
        SMFIR_CHGFROM: "chgfrom",
        SMFIR_REPLBODY: "replbody",
        SMFIR_QUARANTINE: "quarantine",
        SMFIR_PROGRESS: "progress",
    }

    def __init__(self, cmd, data):
        self.cmd = cmd
        self.kind = self.KINDS.get(cmd, "unknown")
        if cmd in (SMFIR_CHGHEADER, SMFIR_INSHEADER):
            (index,) = struct.unpack(">I", data[:4])
            self.args = [index] + _strings(data[4:])
        elif cmd == SMFIR_REPLBODY:
            self.args = [data]
        else:
            self.args = _strings(data)

    def __repr__(self):
        return "Modification(%r, %r)" % (self.kind, self.args)


def _strings(data):
    """NUL-terminated strings of a packet, decoded (UTF-8, replaced)."""
    parts = data.split(b"\0")
    if parts and parts[-1] == b"":
        parts.pop()
    return [p.decode("utf-8", "replace") for p in parts]


def _z(s):
    """One NUL-terminated string from str or bytes."""
    if isinstance(s, str):
        s = s.encode("utf-8", "surrogateescape")
    return s + b"\0"


def parse_spec(spec):
    """libmilter's socket spec to (family, address) for socket.connect."""
    if spec.startswith(("unix:", "local:")):
        return socket.AF_UNIX, spec.split(":", 1)[1]
    if spec.startswith("/"):
        return socket.AF_UNIX, spec
    if spec.startswith(("inet:", "inet6:")):
        kind, rest = spec.split(":", 1)
        port, _, host = rest.partition("@")
        host = host or ("::1" if kind == "inet6" else "127.0.0.1")
        fam = socket.AF_INET6 if kind == "inet6" else socket.AF_INET
        return fam, (host.strip("[]"), int(port))
    raise ValueError("unknown socket spec %r" % spec)


class MilterClient:
    """One milter connection, spoken from the MTA's side."""

    def __init__(self, spec, timeout=10.0):
        fam, addr = parse_spec(spec)
        deadline = time.monotonic() + timeout
        while True:
            self.sock = socket.socket(fam, socket.SOCK_STREAM)
            self.sock.settimeout(timeout)
            try:
                self.sock.connect(addr)
                break
            except BlockingIOError:
                # A unix socket's listen queue is full (many sessions at
                # once): an MTA waits and tries again, so does this.
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.01)
        self.actions = 0
        self.protocol = 0
        self.symlists = {}

    # -- framing --------------------------------------------------------

    def send(self, cmd, data=b""):
        self.sock.sendall(struct.pack(">I", len(data) + 1) + cmd + data)

    def _read_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ProtocolError("milter closed the connection")
            buf += chunk
        return buf

    def read(self):
        """One packet: (command byte, data)."""
        (n,) = struct.unpack(">I", self._read_exact(4))
        if n < 1 or n > 1 << 20:
            raise ProtocolError("bad packet length %d" % n)
        pkt = self._read_exact(n)
        return pkt[:1], pkt[1:]

    def _final(self):
        cmd, data = self.read()
        while cmd == SMFIR_PROGRESS:
            cmd, data = self.read()
        if cmd not in FINAL:
            raise ProtocolError("unexpected reply %r" % cmd)
        return Reply(cmd, data)

    def command(self, cmd, data=b""):
        """Send a command that expects one final reply, and read it."""
        self.send(cmd, data)
        return self._final()

    # -- the steps of a session -----------------------------------------

    def optneg(self, actions=SMFI_CURR_ACTS, protocol=SMFI_CURR_PROT & ~0x0,
               version=SMFI_PROT_VERSION):
        """Offer these actions and protocol steps; returns the milter's
        (version, actions, protocol) and keeps its symbol lists."""
        self.send(SMFIC_OPTNEG, struct.pack(">III", version, actions,
                                            protocol))
        cmd, data = self.read()
        if cmd != SMFIC_OPTNEG or len(data) < 12:
            raise ProtocolError("bad OPTNEG reply %r" % cmd)
        ver, self.actions, self.protocol = struct.unpack(">III", data[:12])
        rest = data[12:]
        while len(rest) >= 4:
            (where,) = struct.unpack(">I", rest[:4])
            text, _, rest = rest[4:].partition(b"\0")
            self.symlists[MACRO_STAGES.get(where, where)] = \
                text.decode("ascii", "replace").split()
        return ver, self.actions, self.protocol

    def macro(self, stage, macros):
        """Define macros for a stage ('C', 'H', 'M', 'R', 'N', 'E', ...):
        names as the MTA sends them ("v", "{daemon_port}")."""
        data = stage.encode() if isinstance(stage, str) else stage
        for k, v in macros.items():
            data += _z(k) + _z(v)
        self.send(SMFIC_MACRO, data)  # no reply to a macro

    def connect(self, hostname, addr=None, port=0, family=None):
        """family '4', '6', 'L' (unix) or 'U' (unknown: no address)."""
        if family is None:
            family = "U" if addr is None else ("6" if ":" in addr else "4")
        data = _z(hostname) + family.encode()
        if family != "U":
            data += struct.pack(">H", port) + _z(addr or "")
        return self.command(SMFIC_CONNECT, data)

    def helo(self, name):
        return self.command(SMFIC_HELO, _z(name))

    def mail(self, path, *params):
        return self.command(SMFIC_MAIL,
                            b"".join(_z(a) for a in (path,) + params))

    def rcpt(self, path, *params):
        return self.command(SMFIC_RCPT,
                            b"".join(_z(a) for a in (path,) + params))

    def header(self, name, value):
        if self.protocol & SMFIP_NOHDRS:
            return None
        self.send(SMFIC_HEADER, _z(name) + _z(value))
        if self.protocol & SMFIP_NR_HDR:
            return None
        return self._final()

    def eoh(self):
        if self.protocol & SMFIP_NOEOH:
            return None
        return self.command(SMFIC_EOH)

    def body(self, chunk):
        if self.protocol & SMFIP_NOBODY:
            return None
        return self.command(SMFIC_BODY, chunk)

    def eom(self, chunk=b""):
        """End of message: returns ([Modification...], final Reply)."""
        self.send(SMFIC_BODYEOB, chunk)
        mods = []
        while True:
            cmd, data = self.read()
            if cmd in FINAL:
                return mods, Reply(cmd, data)
            if cmd == SMFIR_PROGRESS:
                continue
            mods.append(Modification(cmd, data))

    def abort(self):
        self.send(SMFIC_ABORT)  # no reply

    def quit(self):
        try:
            self.send(SMFIC_QUIT)
        finally:
            self.sock.close()

    def close(self):
        self.sock.close()
