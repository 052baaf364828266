#!/usr/bin/python3
"""tests/bench/bench_policy.py [--quick] - RCPT decisions per second with
0, 100 and 10,000 trusted networks, from C (bench_policy --rows: the
session's trust looked up for every decision) and from Python
(Policy.rcpt on a line, the binding's usual call), and the instruction
ratio of a decision with 10,000 networks against one with none
(callgrind; issue 11's target is at most 1.5)."""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as B  # noqa: E402

LINE = "RCPT TO:<legal_address@example.net> NOTIFY=SUCCESS"
NETS = (0, 100, 10000)


def config(n, seed=11):
    """The same shape as bench_policy.c: half IPv4 /16-/32, half IPv6 /64."""
    r = random.Random(seed)
    out = ["preset = permissive", "[rcpt]", "success-from = trusted",
           "[trusted-networks]"]
    for i in range(n):
        if i & 1:
            bits = r.randint(16, 32)
            a = r.getrandbits(32) & (0xFFFFFFFF << (32 - bits)) & 0xFFFFFFFF
            out.append("%d.%d.%d.%d/%d" % (a >> 24, (a >> 16) & 255,
                                          (a >> 8) & 255, a & 255, bits))
        else:
            out.append("2001:db8:%x:%x::/64" % (r.getrandbits(16),
                                               r.getrandbits(16)))
    return "\n".join(out) + "\n"


def python_rows(dsnguard, q):
    for n in NETS:
        p = dsnguard.Policy.from_string(config(n), name="bench-%d.conf" % n)
        s = dsnguard.Session("198.51.100.33")
        d = p.rcpt(s, LINE)
        if d.action != "reject":
            B.log("bench_policy: Python decision %r, expected reject"
                  % d.action)
        k = 2000 if q else 20000

        def run():
            for _ in range(k):
                p.rcpt(s, LINE)
        t = B.timed(run, 3 if q else 7)
        B.row("policy", "rcpt-%d-networks" % n, "Python libdsnguard",
              round(k / t), "calls/s", "higher", networks=n,
              action=d.action)


def main():
    q = B.quick()
    exe = B.bench_bin("bench_policy")
    if not os.path.exists(exe):
        B.log("bench_policy: %s not built" % exe)
        return 1
    for n in NETS:
        B.relay([exe, "--nets", str(n), "--rows"] + (["--quick"] if q else []))
    base, delta = (100, 1000) if q else (1000, 20000)
    per = {}
    for n in (0, 10000):
        per[n] = B.callgrind_per_unit(
            lambda k: [exe, "--nets", str(n), "--count", str(k)], base, delta)
        if per[n] is not None:
            B.row("policy", "rcpt-%d-networks" % n, "C libdsnguard",
                  round(per[n], 1), "instr/call", "lower", networks=n,
                  tool="callgrind")
    if per[0] and per[10000]:
        B.row("policy", "instr-ratio-10000-vs-0", "C libdsnguard",
              round(per[10000] / per[0], 3), "ratio", "lower",
              target_max=1.5)
    dsnguard = B.python_binding()
    if dsnguard:
        python_rows(dsnguard, q)
    return 0


if __name__ == "__main__":
    sys.exit(main())
