#!/usr/bin/python3
"""tests/bench/bench_smtp.py [--quick] - SMTP rows in C: the realistic
stream (gen_smtp_stream.py) through dsng_cmd_parse and a memchr pass over
the same bytes in the same process (bench_cmd --stream), then
instructions per line under callgrind for the stream and for the one RCPT
line of issue 11's target.  The bindings' and the peers' SMTP rows are
their own scripts (branch bind-speed)."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as B  # noqa: E402

ONE = "RCPT TO:<user@example.org> NOTIFY=SUCCESS,DELAY " \
      "ORCPT=rfc822;user+40example.org"


def main():
    q = B.quick()
    exe = B.bench_bin("bench_cmd")
    if not os.path.exists(exe):
        B.log("bench_smtp: %s not built (DSNG_BUILD_BENCH=ON)" % exe)
        return 1
    gen = os.path.join(B.HERE, "gen_smtp_stream.py")
    with tempfile.TemporaryDirectory() as tmp:
        stream = os.path.join(tmp, "stream.txt")
        subprocess.run([sys.executable, gen, "--out", stream] +
                       (["--lines", "20000"] if q else []), check=True)
        B.relay([exe, "--stream", stream] + (["--quick"] if q else []))
        # callgrind: a shorter stream, whole passes differ by `delta`
        small = os.path.join(tmp, "small.txt")
        n = 2000 if q else 20000
        subprocess.run([sys.executable, gen, "--lines", str(n), "--out",
                        small], check=True)
        per = B.callgrind_per_unit(
            lambda k: [exe, "--stream-count", small, str(k)], 1,
            1 if q else 2, n)
        if per is None:
            B.log("bench_smtp: valgrind missing or failed: no instruction "
                  "counts")
        else:
            B.row("smtp", "realistic-stream", "C libdsnguard", round(per, 1),
                  "instr/line", "lower", lines=n, tool="callgrind")
        base, delta = (200, 2000) if q else (2000, 20000)
        per = B.callgrind_per_unit(
            lambda k: [exe, "--count", str(k), "one"], base, delta)
        if per is not None:
            B.row("smtp", "rcpt-notify-orcpt", "C libdsnguard",
                  round(per, 1), "instr/line", "lower", line=ONE,
                  tool="callgrind")
    return 0


if __name__ == "__main__":
    sys.exit(main())
