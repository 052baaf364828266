#!/usr/bin/env python3
"""tests/bench/gen_scanlog.py - synthetic Postfix logs for scan-log
measurements (tests/bench/scanlog_bench.sh; not run in CI).

  gen_scanlog.py flood collide|random N OUT
      N bounced messages whose DSNs go to N distinct forged senders.
      "collide": every sender's FNV-1a 64 hash (the hash lib/maillog_map.c
      used before SipHash) has the same low 16 bits, so all of them land
      in one bucket of the old by-recipient table at every size up to
      65,536 buckets.  "random": random local parts of the same length.
      Both logs have the same lines and the same size; only the senders
      differ.

  gen_scanlog.py big SIZE_MB OUT
      About SIZE_MB megabytes of a DSN flood that never finishes: no
      message is ever removed from the queue, every message has a new
      client address and a new forged sender (so millions of distinct
      recipients and clients), and one DSN in 500 never gets a delivery
      line of its own (it holds up the pending queue).

The line shapes are those of examples/data/postfix-dsn.log (Postfix 3.x
syslog: smtpd client=, qmgr from=, smtp/virtual to= ... status=, bounce
"sender non-delivery notification: QID").  OUT "-" writes to stdout.
"""
import random
import sys

FNV_OFFSET = 1469598103934665603
FNV_PRIME = 1099511628211
M64 = (1 << 64) - 1
M16 = 0xFFFF
ALPHA = b"abcdefghijklmnopqrstuvwxyz0123456789"
DOMAIN = b"@victim.example"


def fnv1a(data, h=FNV_OFFSET, mask=M64):
    for c in data:
        h = ((h ^ c) * FNV_PRIME) & mask
    return h


def colliding_senders(n, target=0x5EED):
    """n distinct addresses local@victim.example whose FNV-1a 64 hash has
    low 16 bits == target.  The low 16 bits of FNV-1a depend only on the
    low 16 bits of the state, and each byte step (xor, multiply by an odd
    prime) is a permutation of them, so we walk back from the target
    through the domain and four free characters: a table gives, for every
    16-bit state after a prefix, four characters that reach the target."""
    pinv = pow(FNV_PRIME & M16, -1, 1 << 16)
    # the state needed just before DOMAIN
    u = target
    for c in reversed(DOMAIN):
        u = ((u * pinv) & M16) ^ c
    table = {}
    for c4 in ALPHA:
        s4 = ((u * pinv) & M16) ^ c4
        for c3 in ALPHA:
            s3 = ((s4 * pinv) & M16) ^ c3
            for c2 in ALPHA:
                s2 = ((s3 * pinv) & M16) ^ c2
                for c1 in ALPHA:
                    s1 = ((s2 * pinv) & M16) ^ c1
                    if s1 not in table:
                        table[s1] = bytes((c1, c2, c3, c4))
    out = []
    i = 0
    while len(out) < n:
        prefix = b"u%07d" % i
        i += 1
        tail = table.get(fnv1a(prefix, FNV_OFFSET & M16, M16))
        if tail is None:
            continue
        addr = prefix + tail + DOMAIN
        assert fnv1a(addr) & M16 == target
        out.append(addr.decode())
    return out


def random_senders(n, rng):
    seen = set()
    out = []
    while len(out) < n:
        a = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789")
                    for _ in range(12)) + DOMAIN.decode()
        if a not in seen:
            seen.add(a)
            out.append(a)
    return out


def qid(i):
    # Postfix short queue ids: hex, 10 or 11 characters
    return "%011X" % i


def message(i, sender, ip, stuck=False, finish=True):
    q, d = qid(2 * i + 0x100000), qid(2 * i + 0x100001)
    t = "Nov 29 %02d:%02d:%02d" % (i // 3600 % 24, i // 60 % 60, i % 60)
    lines = [
        f"{t} mx postfix/smtpd[2101]: {q}: client=unknown[{ip}]\n",
        f"{t} mx postfix/qmgr[1990]: {q}: from=<{sender}>, size=1482, nrcpt=1 (queue active)\n",
        f"{t} mx postfix/smtp[2308]: {q}: to=<gone@remote.example>, relay=mx.remote.example[198.51.100.30]:25, delay=0.8, delays=0.1/0.01/0.4/0.29, dsn=5.1.1, status=bounced (host mx.remote.example[198.51.100.30] said: 550 5.1.1 User unknown (in reply to RCPT TO command))\n",
        f"{t} mx postfix/bounce[2309]: {q}: sender non-delivery notification: {d}\n",
    ]
    if not stuck:
        lines.append(f"{t} mx postfix/smtp[2310]: {d}: to=<{sender}>, relay=none, delay=30, delays=0.01/0.01/30/0, dsn=4.4.1, status=deferred (connect to mx.victim.example[192.0.2.25]:25: Connection timed out)\n")
    if finish:
        lines.append(f"{t} mx postfix/qmgr[1990]: {q}: removed\n")
    return "".join(lines)


def ip_of(i):
    return "10.%d.%d.%d" % (i >> 16 & 255, i >> 8 & 255, i & 255)


def run():
    args = sys.argv[1:]
    if len(args) == 4 and args[0] == "flood" and args[1] in ("collide", "random"):
        n, path = int(args[2]), args[3]
        rng = random.Random(42)
        senders = (colliding_senders(n) if args[1] == "collide"
                   else random_senders(n, rng))
        out = sys.stdout if path == "-" else open(path, "w")
        buf = []
        for i, s in enumerate(senders):
            # one client for all: only the recipients table is flooded
            buf.append(message(i, s, "203.0.113.66"))
            if len(buf) >= 4096:
                out.write("".join(buf))
                buf = []
        out.write("".join(buf))
        out.close()
    elif len(args) == 3 and args[0] == "big":
        limit, path = int(args[1]) * 1000000, args[2]
        out = sys.stdout if path == "-" else open(path, "w")
        size = 0
        i = 0
        buf = []
        while size < limit:
            s = "f%09d@s%d.victim.example" % (i, i % 9973)
            m = message(i, s, ip_of(i), stuck=(i % 500 == 499), finish=False)
            buf.append(m)
            size += len(m)
            i += 1
            if len(buf) >= 4096:
                out.write("".join(buf))
                buf = []
        out.write("".join(buf))
        out.close()
        sys.stderr.write("gen_scanlog: %d messages, %d distinct senders and "
                         "clients, %.1f MB\n" % (i, i, size / 1e6))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    run()
