#!/usr/bin/python3
"""The shared SMTP input of the side-by-side benchmarks: a realistic
stream of EHLO, MAIL FROM and RCPT TO lines as a busy MX or submission
server sees them (SIZE, BODY, RET, ENVID on MAIL; NOTIFY and ORCPT on
RCPT; a few SMTPUTF8 senders), of which about 10% are malformed in the
ways real clients get them wrong.  The seed is fixed, so every
implementation and every run parses the very same lines.

  gen_smtp_stream.py [--lines N] [--seed S] [--out FILE]

writes one line per command, CRLF-terminated (stdout by default).  From
Python: `from gen_smtp_stream import generate; lines = generate()` gives
the lines as str without line ends (encode them for bytes).
"""
import argparse
import random
import sys

DEFAULT_LINES = 100_000
DEFAULT_SEED = 3461  # RFC 3461

_LOCALS = ("alice", "bob", "carol.smith", "d.jones", "postmaster", "info",
           "noreply", "j_doe", "sales-team", "user+tag", "x", "billing",
           "first.last", "support", "no-reply.bounces", "mailer-daemon")
_DOMAINS = ("example.org", "example.com", "mail.example.net", "example.co.uk",
            "lists.example.org", "mx1.example.de", "example.io",
            "sub.dept.example.edu")
_HOSTS = ("mail.example.org", "smtp.example.com", "[192.0.2.25]",
          "out-17.mta.example.net", "localhost", "relay.example.de",
          "[IPv6:2001:db8::25]")
_UTF8_LOCALS = ("jörg", "почта", "用户", "andré")
# (words, weight): what clients put in NOTIFY
_NOTIFY = ((("SUCCESS", "FAILURE", "DELAY"), 30), (("FAILURE", "DELAY"), 25),
           (("FAILURE",), 20), (("NEVER",), 10), (("SUCCESS",), 10),
           (("DELAY", "FAILURE"), 5))
_BODIES = ("7BIT", "8BITMIME", "8BITMIME", "BINARYMIME")


def _xtext(s):
    """RFC 3461 xtext of a str taken as UTF-8."""
    out = []
    for b in s.encode():
        if 33 <= b <= 126 and b not in (0x2B, 0x3D):
            out.append(chr(b))
        else:
            out.append("+%02X" % b)
    return "".join(out)


def _utf8_addr_xtext(s):
    """RFC 6533 utf-8-addr-xtext, as ORCPT=utf-8; needs: "\\x{HEX}" for
    every character outside QCHAR (non-ASCII, "+", "=", "\\", controls)."""
    return "".join(ch if 0x21 <= ord(ch) <= 0x7E and ch not in "+=\\"
                   else "\\x{%X}" % ord(ch) for ch in s)


def _mailbox(rng):
    return "%s@%s" % (rng.choice(_LOCALS), rng.choice(_DOMAINS))


def _pick_notify(rng):
    r = rng.randrange(100)
    for words, weight in _NOTIFY:
        if r < weight:
            return words
        r -= weight
    return _NOTIFY[0][0]


def _verb(rng, word):
    # most clients send upper case; some lower or mixed (valid: verbs and
    # keywords are case-insensitive)
    r = rng.randrange(20)
    if r == 0:
        return word.lower()
    if r == 1:
        return word.capitalize()
    return word


def _ehlo(rng):
    return "%s %s" % (_verb(rng, rng.choice(("EHLO", "EHLO", "EHLO", "HELO"))),
                      rng.choice(_HOSTS))


def _mail(rng):
    utf8 = rng.randrange(50) == 0
    if rng.randrange(12) == 0:
        path = ""  # the null sender of a bounce
    elif utf8:
        path = "%s@%s" % (rng.choice(_UTF8_LOCALS), rng.choice(_DOMAINS))
    else:
        path = _mailbox(rng)
    parts = ["%s:<%s>" % (_verb(rng, "MAIL FROM"), path)]
    if rng.randrange(10) < 7:
        parts.append("SIZE=%d" % rng.randrange(200, 30_000_000))
    if rng.randrange(10) < 4:
        parts.append("BODY=%s" % rng.choice(_BODIES))
    if rng.randrange(10) < 5:
        parts.append("RET=%s" % rng.choice(("HDRS", "FULL")))
    if rng.randrange(10) < 4:
        envid = "%08X.%s" % (rng.getrandbits(32), rng.choice(
            ("queue", "msg+id", "Q=1", "abc")))
        parts.append("ENVID=%s" % _xtext(envid))
    if utf8:
        parts.append("SMTPUTF8")
    if rng.randrange(40) == 0:
        parts.append("AUTH=<>")
    head, rest = parts[0], parts[1:]
    rng.shuffle(rest)
    return " ".join([head] + rest)


def _rcpt(rng):
    addr = _mailbox(rng)
    parts = ["%s:<%s>" % (_verb(rng, "RCPT TO"), addr)]
    if rng.randrange(10) < 6:
        parts.append("NOTIFY=%s" % ",".join(_pick_notify(rng)))
    if rng.randrange(10) < 5:
        if rng.randrange(20) == 0:
            parts.append("ORCPT=utf-8;%s" % _utf8_addr_xtext(
                "%s@%s" % (rng.choice(_UTF8_LOCALS), rng.choice(_DOMAINS))))
        else:
            # often not the RCPT address: forwarding, aliases
            orig = addr if rng.randrange(3) else _mailbox(rng)
            parts.append("%s=rfc822;%s" % (
                rng.choice(("ORCPT", "ORCPT", "ORCPT", "orcpt")),
                _xtext(orig)))
    return " ".join(parts)


# The malformed 10%: each a mistake seen from real clients or abusers.
def _bad(rng):
    k = rng.randrange(14)
    a = _mailbox(rng)
    if k == 0:
        return "MAIL FROM:%s SIZE=1000" % a  # no angle brackets
    if k == 1:
        return "RCPT TO:<%s> NOTIFY=SUCCESS,NEVER" % a  # NEVER mixed
    if k == 2:
        return "RCPT TO:<%s> NOTIFY=SUCESS" % a  # misspelt keyword
    if k == 3:
        return "RCPT TO:<%s> ORCPT=rfc822;%s" % (a, a.replace("@", "+4")
                                                  + "+zz")  # bad xtext
    if k == 4:
        return "MAIL FROM:<%s> RET=HDRS RET=FULL" % a  # duplicate
    if k == 5:
        return "RCPT TO:<%s> RET=FULL" % a  # MAIL parameter on RCPT
    if k == 6:
        return "MAIL FROM:<%s> SIZE=12ab" % a  # bad number
    if k == 7:
        return "RCPT TO:<%s" % a  # unterminated
    if k == 8:
        return "RCPT TO:<%s> junk" % a.replace("@", "@@")  # bad address
    if k == 9:
        return "MAIL FROM:<%s> ENVID=%s" % (a, "A" * 120)  # ENVID over 100
    if k == 10:
        return "RCPT TO:<>"  # null recipient
    if k == 11:
        return "MAIL FROM:<%s> =x" % a  # empty keyword
    if k == 12:
        return "RCPT TO:<%s> ORCPT=rfc822" % a  # ORCPT without address
    return "XMAIL FROM:<%s>" % a  # unknown verb


def generate(n=DEFAULT_LINES, seed=DEFAULT_SEED):
    """n command lines (str, no line end), the same for the same seed."""
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        if rng.randrange(10) == 0:
            out.append(_bad(rng))
            continue
        # transactions: sometimes a new connection's EHLO, one MAIL, then
        # one to a handful of RCPTs
        if rng.randrange(4) == 0:
            out.append(_ehlo(rng))
        out.append(_mail(rng))
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 5))):
            out.append(_rcpt(rng))
    return out[:n]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", type=int, default=DEFAULT_LINES)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--out", help="file to write (default stdout)")
    args = ap.parse_args()
    data = "".join(l + "\r\n" for l in generate(args.lines, args.seed))
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="") as f:
            f.write(data)
    else:
        sys.stdout.buffer.write(data.encode())


if __name__ == "__main__":
    main()
