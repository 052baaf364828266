#!/usr/bin/env python3
"""tests/bench/gen_smtp_stream.py [--lines N] [--seed S] [OUT] - the
realistic SMTP command stream the benchmarks share: EHLO, MAIL FROM (SIZE,
BODY, RET, ENVID) and RCPT TO (NOTIFY, ORCPT) lines in the proportions of
a session (one EHLO and one MAIL per one to five RCPTs), about 10% of them
malformed in the ways clients really get wrong (missing brackets, bad
NOTIFY mixes, broken xtext, a parameter on the wrong command, junk after
the path).  Lines end in CRLF.  A fixed seed (default 11) gives the same
bytes every run; OUT "-" or nothing writes to stdout.
"""
import random
import sys

LOCALS = ["user", "alice.smith", "bob", "legal_address", "carol+tag",
          "info", "no-reply", "j.doe", "sales", "postmaster", "x"]
DOMAINS = ["example.org", "mail.example.com", "example.net",
           "sub.example.co.uk", "lists.example.org", "[192.0.2.17]"]
NOTIFY = ["SUCCESS", "FAILURE", "DELAY"]


def xtext(s):
    return "".join(c if 33 <= ord(c) <= 126 and c not in "+=" else
                   "+%02X" % ord(c) for c in s)


def addr(r):
    return "%s@%s" % (r.choice(LOCALS), r.choice(DOMAINS))


def ehlo(r):
    return "%s %s" % (r.choice(["EHLO", "EHLO", "HELO", "ehlo"]),
                      r.choice(["client.example.org", "[192.0.2.1]",
                                "mx-%d.example.net" % r.randrange(100)]))


def mail(r):
    p = [] if r.random() < 0.3 else ["SIZE=%d" % r.randrange(100, 10**7)]
    if r.random() < 0.4:
        p.append("BODY=" + r.choice(["8BITMIME", "7BIT"]))
    if r.random() < 0.5:
        p.append("RET=" + r.choice(["HDRS", "FULL"]))
    if r.random() < 0.5:
        p.append("ENVID=" + xtext("msg+%d=%d@example.com" %
                                  (r.randrange(10**6), r.randrange(99))))
    path = "" if r.random() < 0.1 else addr(r)
    return " ".join(["MAIL FROM:<%s>" % path] + p)


def rcpt(r):
    a = addr(r)
    p = []
    u = r.random()
    if u < 0.6:
        p.append("NOTIFY=" + ",".join(r.sample(NOTIFY, r.randint(1, 3))))
    elif u < 0.7:
        p.append("NOTIFY=NEVER")
    if r.random() < 0.5:
        p.append("ORCPT=rfc822;" + xtext(a))
    return " ".join(["RCPT TO:<%s>" % a] + p)


def malformed(r):
    a = addr(r)
    return r.choice([
        "MAIL FROM:%s" % a,                          # no brackets
        "RCPT TO:<%s> NOTIFY=NEVER,SUCCESS" % a,     # NEVER mixed
        "RCPT TO:<%s> ORCPT=rfc822;%s+4" % (a, a),   # broken xtext
        "RCPT TO:<%s> RET=FULL" % a,                 # MAIL's parameter
        "MAIL FROM:<%s> NOTIFY=SUCCESS" % a,         # RCPT's parameter
        "RCPT TO:<%s> =junk" % a,                    # empty keyword
        "RCPT TO:<%s>x NOTIFY=DELAY" % a,            # junk after '>'
        "MAIL FROM:<%s> SIZE=12ab" % a,              # bad SIZE
        "RCPT TO:<>",                                # null path
        "RCPT TO:<@%s>" % a,                         # bad address
        "MAIL FROM:<%s> ENVID=%s" % (a, "A" * 120),  # ENVID over 100
        "RCPT TO:<%s> NOTIFY=SUCCESS NOTIFY=DELAY" % a,  # duplicate
    ])


def stream(n, seed):
    r = random.Random(seed)
    out = []
    while len(out) < n:
        session = [ehlo(r), mail(r)] + [rcpt(r)
                                         for _ in range(r.randint(1, 5))]
        for line in session:
            out.append(malformed(r) if r.random() < 0.10 else line)
    return out[:n]


def main(argv):
    n, seed, out = 100000, 11, "-"
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--lines":
            n = int(args.pop(0))
        elif a == "--seed":
            seed = int(args.pop(0))
        else:
            out = a
    data = "".join(line + "\r\n" for line in stream(n, seed)).encode()
    if out == "-":
        sys.stdout.buffer.write(data)
    else:
        with open(out, "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main(sys.argv[1:])
