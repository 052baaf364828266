#!/usr/bin/python3
"""Python's email package (compat32) on the same corpus as bench_report:
parse each message and read every delivery-status block's fields, the way
the corpus README's reference does (transfer encoding undone first).
Prints messages/s and MB/s, median and best of several passes."""
import email
import email.parser
import email.policy
import os
import sys
import time


def load(base):
    msgs = []
    for sub in ("dsn", "other"):
        d = os.path.join(base, sub)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            with open(os.path.join(d, name), "rb") as f:
                msgs.append(f.read())
    return msgs


def walk(raw, parser):
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    n = 0
    for part in msg.walk():
        ct = part.get_content_type()
        if ct in ("message/delivery-status", "message/global-delivery-status"):
            payload = part.get_payload()
            if isinstance(payload, list):
                blocks = payload
            else:
                body = part.get_payload(decode=True) or b""
                text = body.decode("utf-8", "replace")
                blocks = [parser.parsestr(b) for b in text.split("\n\n")]
            for b in blocks:
                for k, v in b.items():
                    n += len(k) + len(str(v))
    return n


def main():
    base = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/corpus"
    msgs = load(base)
    if not msgs:
        print("python_email_bench: no corpus at %s, skipped" % base)
        return
    total = sum(len(m) for m in msgs)
    parser = email.parser.HeaderParser(policy=email.policy.compat32)
    # CPU time, like bench_report (wall time on a shared machine mostly
    # measures the other jobs); wall clock printed too
    times, walls = [], []
    for _ in range(5):
        t0, w0 = time.thread_time(), time.perf_counter()
        for m in msgs:
            walk(m, parser)
        times.append(time.thread_time() - t0)
        walls.append(time.perf_counter() - w0)
    times.sort()
    walls.sort()
    med, best = times[len(times) // 2], times[0]
    print("python_email_bench: Python %s email compat32 %9.0f messages/s "
          "%7.1f MB/s  median of %d passes (best %.1f MB/s)"
          % (sys.version.split()[0], len(msgs) / med, total / 1e6 / med,
             len(times), total / 1e6 / best))
    print("python_email_bench: (wall clock: median %.1f MB/s)"
          % (total / 1e6 / walls[len(walls) // 2]))


if __name__ == "__main__":
    main()
