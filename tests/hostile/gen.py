#!/usr/bin/env python3
"""tests/hostile/gen.py - the inputs of the hostile-input catalogue that are
too big (or too many files) to commit: cases.tsv names them "gen:NAME".

    python3 gen.py NAME DIR   write input NAME into DIR, print its path
    python3 gen.py --list     the names
    python3 gen.py --fnv-pairs  recompute the FNV-1a block pairs below

Each generator writes into an empty directory and returns the path the
command gets as {in} (for include trees: the top config file).  Output is
deterministic.  Python 3 standard library only.
"""
import base64
import itertools
import os
import sys

GENERATORS = {}


def gen(fn):
    GENERATORS[fn.__name__.replace("_", "-")] = fn
    return fn


def write(d, name, data):
    path = os.path.join(d, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


CRLF = b"\r\n"


def head(ctype, extra=b""):
    """The top header block of a synthetic bounce."""
    return (b"From: MAILER-DAEMON@mx.example\r\n"
            b"To: sender@example.org\r\n"
            b"Subject: Delivery Status Notification\r\n"
            b"MIME-Version: 1.0\r\n"
            b"Content-Type: " + ctype + b"\r\n" + extra + b"\r\n")


REPORT_CT = b'multipart/report; report-type=delivery-status; boundary="B1"'
HUMAN = b"--B1\r\nContent-Type: text/plain\r\n\r\nNot delivered.\r\n\r\n"


def status_part(groups, cte=None):
    h = b"--B1\r\nContent-Type: message/delivery-status\r\n"
    if cte:
        h += b"Content-Transfer-Encoding: " + cte + b"\r\n"
    return h + b"\r\n" + groups


def recipient(i):
    return (b"Final-Recipient: rfc822; u%d@example.net\r\n"
            b"Action: failed\r\nStatus: 5.1.1\r\n\r\n" % i)


# ---- SMTP and EHLO -------------------------------------------------------

@gen
def ehlo_auth_71k(d):
    """998 AUTH lines of about 70 mechanisms each, every name distinct:
    71479 mechanisms, each under the 512-octet line limit."""
    lines = [b"250-mx.example"]
    k = 0
    for _ in range(998):
        mechs = []
        while sum(len(m) + 1 for m in mechs) < 490:
            mechs.append(b"M%d" % k)
            k += 1
        lines.append(b"250-AUTH " + b" ".join(mechs))
    lines.append(b"250 DSN")
    return write(d, "ehlo.txt", CRLF.join(lines) + CRLF)


@gen
def cmd_noop_70000(d):
    """A NOOP line of 70 KB, over the max_line ceiling of 65536."""
    return write(d, "cmd.txt", b"NOOP " + b"a" * 70000 + CRLF)


@gen
def cmd_params_5000(d):
    """MAIL with 5000 value-less parameters (29 KB)."""
    return write(d, "cmd.txt", b"MAIL FROM:<a@b.example>" +
                 b"".join(b" X%d" % i for i in range(5000)) + CRLF)


# ---- MIME and reports ----------------------------------------------------

@gen
def rep_nest_5000(d):
    """5000 multipart levels, each closed properly."""
    n = 5000
    m = head(b'multipart/mixed; boundary="L0"')
    for i in range(n):
        m += b'--L%d\r\nContent-Type: multipart/mixed; boundary="L%d"\r\n\r\n' % (
            i, i + 1)
    m += b"--L%d\r\nContent-Type: text/plain\r\n\r\nx\r\n" % n
    for i in range(n, -1, -1):
        m += b"--L%d--\r\n" % i
    return write(d, "nest.eml", m)


@gen
def rep_parts_100000(d):
    """100000 empty parts in one multipart."""
    m = head(b'multipart/mixed; boundary="P"')
    m += b"--P\r\n\r\nx\r\n" * 100000 + b"--P--\r\n"
    return write(d, "parts.eml", m)


def recipients(n):
    groups = b"Reporting-MTA: dns; mx.example\r\n\r\n"
    groups += b"".join(recipient(i) for i in range(n))
    return head(REPORT_CT) + HUMAN + status_part(groups) + b"--B1--\r\n"


@gen
def rep_recipients_1000(d):
    return write(d, "rcpt.eml", recipients(1000))


@gen
def rep_recipients_1001(d):
    return write(d, "rcpt.eml", recipients(1001))


@gen
def rep_header_block_600x200(d):
    """600 fields of about 210 octets: a 126 KB header block."""
    extra = b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 200) for i in range(600))
    return write(d, "hdr.eml", head(b"text/plain", extra) + b"body\r\n")


@gen
def rep_size_33mib(d):
    """A plain message of 33 MiB and a little."""
    body = (b"x" * 998 + CRLF) * (33 * 1024 + 10)
    return write(d, "big.eml", head(b"text/plain") + body)


@gen
def rep_decoded_11mib(d):
    """A base64 delivery-status part that decodes to 11 MiB (15 MB
    encoded, under the 32 MiB input limit)."""
    raw = (b"Reporting-MTA: dns; mx.example\r\n\r\nX-Pad: " +
           b"a" * (11 * 1024 * 1024) + CRLF)
    enc = base64.encodebytes(raw).replace(b"\n", CRLF)
    m = (head(REPORT_CT) + HUMAN + status_part(enc, b"base64") +
         b"--B1--\r\n")
    return write(d, "dec.eml", m)


# ---- configs -------------------------------------------------------------

def nets_conf(d, first):
    return write(d, "main.conf",
                 b'[trusted-networks]\ninclude "' + first + b'"\n')


@gen
def cfg_include_depth_9(d):
    """main.conf includes n1.txt, which includes n2.txt ... n9.txt:
    nine nested includes, one more than DSNG_POLICY_MAX_INCLUDE_DEPTH."""
    for i in range(1, 10):
        write(d, "n%d.txt" % i,
              b'include "n%d.txt"\n10.%d.0.0/16\n' % (i + 1, i))
    write(d, "n10.txt", b"10.99.0.0/16\n")
    return nets_conf(d, b"n1.txt")


@gen
def cfg_include_depth_8(d):
    """Eight nested includes: the deepest tree allowed."""
    for i in range(1, 8):
        write(d, "n%d.txt" % i,
              b'include "n%d.txt"\n10.%d.0.0/16\n' % (i + 1, 2 * i))
    write(d, "n8.txt", b"10.99.0.0/16\n")
    return nets_conf(d, b"n1.txt")


@gen
def cfg_include_loop(d):
    """A CIDR list that includes itself."""
    write(d, "loop.txt", b'include "loop.txt"\n')
    return nets_conf(d, b"loop.txt")


@gen
def cfg_include_diamond(d):
    """main -> b, c; b -> d; c -> d: d is read twice, its network merged."""
    write(d, "main.conf",
          b'[trusted-networks]\ninclude "b.txt"\ninclude "c.txt"\n')
    write(d, "b.txt", b'include "d.txt"\n10.1.0.0/16\n')
    write(d, "c.txt", b'include "d.txt"\n10.3.0.0/16\n')
    write(d, "d.txt", b"10.5.0.0/16\n")
    return os.path.join(d, "main.conf")


@gen
def cfg_include_fanout_16x8(d):
    """Every level includes the next one 16 times, 8 levels deep: 16^8
    (four thousand million) reads of tiny files, all within the depth
    limit."""
    fan, depth = 16, 8
    write(d, "main.conf",
          b"[trusted-networks]\n" + b'include "l1.txt"\n' * fan)
    for i in range(1, depth):
        write(d, "l%d.txt" % i, b'include "l%d.txt"\n' % (i + 1) * fan)
    write(d, "l%d.txt" % depth, b"10.0.0.0/8\n")
    return os.path.join(d, "main.conf")


@gen
def cfg_networks_1000001(d):
    """1000001 distinct /32 networks in one included list."""
    with open(os.path.join(d, "many.txt"), "w") as f:
        for i in range(1000001):
            f.write("10.%d.%d.%d\n" % (i >> 16 & 255, i >> 8 & 255, i & 255))
    return nets_conf(d, b"many.txt")


# ---- logs ----------------------------------------------------------------

# Pairs of 6-letter blocks such that, from the FNV-1a state after "v" and
# the blocks before, both members of a pair give the same low 24 bits of
# state.  The low k bits of FNV-1a depend only on the low k bits of the
# state (xor with a byte and multiplication mod 2^64 never carry
# downwards), so every choice of one member per pair gives addresses whose
# hashes agree in their low 24 bits: 2^15 keys in one bucket of any table
# of up to 16 million buckets.  --fnv-pairs recomputes such pairs.
FNV_PAIRS = [
    (b"qidiyw", b"f2wkct"), (b"4qnm0y", b"p2029p"), (b"due8h2", b"61of7q"),
    (b"aldmzu", b"268huj"), (b"9z4du2", b"ogwpoj"), (b"iow7y7", b"7rfpf1"),
    (b"rhm7dp", b"1ee30t"), (b"f76xcc", b"il92yt"), (b"d4fkx4", b"p8vb34"),
    (b"b23rxp", b"fjbblw"), (b"nf52c4", b"kfy5ha"), (b"dstp5g", b"7biba6"),
    (b"dp9hxl", b"u1vp29"), (b"u34j63", b"xrx6oj"), (b"nwytin", b"l7oxjs"),
]
FNV_OFFSET, FNV_PRIME, M64 = 1469598103934665603, 1099511628211, (1 << 64) - 1


def fnv1a(data, h=FNV_OFFSET):
    for b in data:
        h = ((h ^ b) * FNV_PRIME) & M64
    return h


def fnv_pairs(bits=24, n=15, seed=1):
    import random
    rnd = random.Random(seed)
    alpha = b"abcdefghijklmnopqrstuvwxyz0123456789"
    mask, h, pairs = (1 << bits) - 1, fnv1a(b"v"), []
    while len(pairs) < n:
        seen = {}
        while True:
            s = bytes(rnd.choice(alpha) for _ in range(6))
            x = fnv1a(s, h) & mask
            if x in seen and seen[x] != s:
                pairs.append((seen[x], s))
                h = fnv1a(s, h)
                break
            seen[x] = s
    return pairs


POSTFIX_DSN = (b"Nov 29 01:12:14 mx postfix/bounce[2107]: %010X: sender "
               b"delivery status notification: %010X\n"
               b"Nov 29 01:12:15 mx postfix/smtp[2108]: %010X: to=<%s>, "
               b"relay=mx.victim.example[192.0.2.25]:25, delay=0.9, "
               b"dsn=2.0.0, status=sent (250 ok)\n")


@gen
def log_hash_collision(d):
    """32768 Postfix success DSNs, each mailed to a different address, and
    every address's FNV-1a hash agrees in its low 24 bits."""
    out = []
    for n, combo in enumerate(itertools.product(*FNV_PAIRS)):
        addr = b"v" + b"".join(combo) + b"@victim.example"
        out.append(POSTFIX_DSN % (2 * n + 1, 2 * n + 2, 2 * n + 2, addr))
    return write(d, "mail.log", b"".join(out))


@gen
def log_empty_lines_100000(d):
    return write(d, "mail.log", b"\n" * 100000)


def main(argv):
    if len(argv) == 2 and argv[1] == "--list":
        print("\n".join(sorted(GENERATORS)))
        return 0
    if len(argv) == 2 and argv[1] == "--fnv-pairs":
        for p in fnv_pairs():
            print(p)
        return 0
    if len(argv) != 3 or argv[1] not in GENERATORS:
        sys.stderr.write("usage: gen.py NAME DIR | --list | --fnv-pairs\n")
        return 2
    os.makedirs(argv[2], exist_ok=True)
    print(GENERATORS[argv[1]](argv[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
