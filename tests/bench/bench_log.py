#!/usr/bin/python3
"""tests/bench/bench_log.py [--quick] - `dsnguard scan-log` against
pflogsumm (Debian's package) on the same generated Postfix log
(gen_scanlog.py big: a DSN flood, 100 MB, 2 MB with --quick), and a plain
grep of the DSN lines as the floor.  Figures are bytes/s of CPU time
(user + system of each child alone), the median of 3 runs (1 with
--quick) for pflogsumm and grep, and of 7 for scan-log, whose runs are
twenty times shorter and so moved more by the machine (the median of 3
ranged 0.265-0.286 s between two suite runs of the same build); peak RSS
is kept as an extra key.  Issue 11's target: scan-log at least
17x pflogsumm.  CPU time on a shared machine moves by tens of percent
from run to run (the tables outgrow the caches, which other programs
share), so the rows also give callgrind's instruction count per line of
scan-log, text and --json, from two logs of different sizes (start-up
and the summary's fixed cost cancel out)."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as B  # noqa: E402

DSN_RE = "postfix/bounce\\[[0-9]+\\]: [0-9A-F]+: sender (non-delivery|" \
         "delivery status|delay) notification"


def measure(cmd, reps, stdout=subprocess.DEVNULL):
    ts, rss = [], 0
    for _ in range(reps):
        t, m, rc = B.cpu_run(cmd, stdout=stdout)
        if rc not in (0, 1):  # grep -c says 1 when it finds nothing
            B.log("bench_log: %s: exit %d" % (" ".join(cmd), rc))
            return None, None
        ts.append(t)
        rss = max(rss, m)
    return B.median(ts), rss


def main():
    q = B.quick()
    mb = 2 if q else 100
    reps = 1 if q else 3
    cli = B.cli()
    if not os.path.exists(cli):
        B.log("bench_log: no CLI at %s" % cli)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "postfix.log")
        subprocess.run([sys.executable, os.path.join(B.HERE, "gen_scanlog.py"),
                        "big", str(mb), path], check=True,
                       stderr=subprocess.DEVNULL)
        size = os.path.getsize(path)
        # what each finds, for the agreement check
        out = os.path.join(tmp, "scan.json")
        with open(out, "w") as f:
            subprocess.run([cli, "scan-log", "--json", path], stdout=f,
                           check=True)
        events = sum(1 for _ in open(out)) - 1
        grep = subprocess.run(["grep", "-cE", DSN_RE, path],
                              stdout=subprocess.PIPE, text=True)
        lines = int(grep.stdout.strip() or 0)
        t, rss = measure([cli, "scan-log", path], 1 if q else 7)
        if t:
            B.row("log", "postfix-flood", "C libdsnguard scan-log",
                  round(size / t), "bytes/s", "higher", bytes=size,
                  peak_rss=rss, events=events, cpu_s=round(t, 3))
        pfl = shutil.which("pflogsumm")
        if pfl:
            pt, prss = measure([pfl, path], reps)
            with open(os.path.join(tmp, "pfl.txt"), "w") as f:
                subprocess.run([pfl, path], stdout=f)
            bounced = re.search(r"^\s*(\d+)\s+bounced",
                                open(os.path.join(tmp, "pfl.txt")).read(),
                                re.M)
            if pt:
                B.row("log", "postfix-flood", "pflogsumm",
                      round(size / pt), "bytes/s", "higher", bytes=size,
                      peak_rss=prss, cpu_s=round(pt, 3),
                      bounced=int(bounced.group(1)) if bounced else None)
        else:
            B.log("bench_log: pflogsumm not installed "
                  "(sh scripts/install-bench-deps.sh): its row skipped")
        # the C locale, as the floor should be: in a UTF-8 one GNU grep
        # is a hundred times slower on this pattern
        gt, grss = measure(["env", "LC_ALL=C", "grep", "-cE", DSN_RE, path],
                           reps)
        if gt is not None:
            B.row("log", "postfix-flood", "grep floor",
                  round(size / max(gt, 1e-4)), "bytes/s", "higher",
                  bytes=size, peak_rss=grss, dsn_lines=lines,
                  cpu_s=round(gt, 3))
        if lines != events:
            B.log("bench_log: scan-log found %d DSN events, grep %d lines"
                  % (events, lines))
        instr_rows(cli, tmp, 1 if q else 2)
    return 0


def instr_rows(cli, tmp, mb):
    """Instructions per line of scan-log (text, --json) under callgrind:
    the difference between an mb and a 2*mb flood, over the difference in
    lines."""
    paths = []
    for k in (1, 2):
        path = os.path.join(tmp, "cg%d.log" % k)
        subprocess.run([sys.executable, os.path.join(B.HERE, "gen_scanlog.py"),
                        "big", str(k * mb), path], check=True,
                       stderr=subprocess.DEVNULL)
        paths.append(path)
    n = [sum(1 for _ in open(p, "rb")) for p in paths]
    for opt, case in (([], "postfix-flood-instr"),
                      (["--json"], "postfix-flood-json-instr")):
        ir = [B.callgrind_total([cli, "scan-log"] + opt + [p], tmp)
              for p in paths]
        if None in ir:
            B.log("bench_log: no callgrind counts (valgrind missing?)")
            return
        B.row("log", case, "C libdsnguard scan-log",
              round((ir[1] - ir[0]) / (n[1] - n[0])), "instr/line", "lower",
              lines=n, instructions=ir)


if __name__ == "__main__":
    sys.exit(main())
