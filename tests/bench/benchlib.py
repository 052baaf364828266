"""tests/bench/benchlib.py - what the row scripts of the side-by-side
suite share (stdlib only; imported by bench_*.py, run by run.py).

Where things are comes from the environment run.py sets, with defaults
for running a script by hand from the source tree:
  DSNG_BUILD_DIR   the CMake build directory (build/default)
  DSNG_CORPUS_DIR  the shared corpus (../shared/corpus beside the clone,
                   else /work/shared/corpus)
  DSNG_CLI         the dsnguard CLI (DSNG_BUILD_DIR/examples/dsnguard)
  PYTHONPATH       the Python binding built for this interpreter
  PERL5LIB         the Perl binding
Every figure is printed as one JSON row on stdout (the protocol in
run.py's docstring); anything else goes to stderr.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))


def build_dir():
    return os.environ.get("DSNG_BUILD_DIR") or os.path.join(SRC, "build",
                                                            "default")


def corpus_dir():
    c = os.environ.get("DSNG_CORPUS_DIR")
    if c:
        return c
    for c in (os.path.join(SRC, "..", "shared", "corpus"),
              "/work/shared/corpus"):
        if os.path.isdir(os.path.join(c, "dsn")):
            return os.path.abspath(c)
    return None


def cli():
    return os.environ.get("DSNG_CLI") or os.path.join(build_dir(), "examples",
                                                      "dsnguard")


def bench_bin(name):
    return os.path.join(build_dir(), "tests", "bench", name)


def quick():
    return "--quick" in sys.argv[1:]


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def row(group, case, impl, value, unit, better, **extra):
    r = {"group": group, "case": case, "impl": impl, "value": value,
         "unit": unit, "better": better}
    r.update(extra)
    print(json.dumps(r), flush=True)


def relay(cmd, **kw):
    """Run a program that prints rows; pass its rows on, return them."""
    p = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, **kw)
    rows = []
    for line in p.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            rows.append(json.loads(line))
            print(line, flush=True)
        elif line:
            log(line)
    if p.returncode != 0:
        log("%s: exit %d" % (" ".join(cmd), p.returncode))
    return rows


def cpu_run(cmd, stdin=None, stdout=subprocess.DEVNULL):
    """Run cmd; return (user+system CPU seconds, peak RSS in bytes, rc)
    of that child alone: on a shared machine CPU time is what the program
    really spent, to the microsecond (os.wait4; it includes time(1)'s
    own few instructions).  The peak RSS comes from GNU time when there
    is one: a child forked from this (big) interpreter counts the
    interpreter's pages in its ru_maxrss until it execs, one forked from
    time(1) does not."""
    gnu = "/usr/bin/time"
    fin = open(stdin, "rb") if stdin else subprocess.DEVNULL
    with tempfile.NamedTemporaryFile("r") as tf:
        pre = [gnu, "-f", "%U %S %M", "-o", tf.name] \
            if os.access(gnu, os.X_OK) else []
        try:
            p = subprocess.Popen(pre + cmd, stdin=fin, stdout=stdout,
                                 stderr=subprocess.DEVNULL)
            out = p.stdout.read() if stdout == subprocess.PIPE else None
            _, status, ru = os.wait4(p.pid, 0)
            if p.stdout:
                p.stdout.close()
            p.returncode = os.waitstatus_to_exitcode(status)
        finally:
            if stdin:
                fin.close()
        t, rss = ru.ru_utime + ru.ru_stime, ru.ru_maxrss * 1024
        if pre:
            last = (tf.read().strip().splitlines() or [""])[-1].split()
            if len(last) == 3:  # time(1) also says "Command exited..."
                rss = int(last[2]) * 1024
    if stdout == subprocess.PIPE:
        return t, rss, p.returncode, out
    return t, rss, p.returncode


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def timed(fn, reps, min_time=0.0):
    """Median CPU time (this thread) of fn() over reps calls; each call is
    repeated until it took min_time, and the time divided."""
    ts = []
    for _ in range(reps):
        k, t0 = 0, time.thread_time()
        while True:
            fn()
            k += 1
            t = time.thread_time() - t0
            if t >= min_time:
                break
        ts.append(t / k)
    return median(ts)


def callgrind_total(cmd, tmp):
    """Instructions (Ir) of one run of cmd under callgrind, or None."""
    vg = shutil.which("valgrind")
    if not vg:
        return None
    out = os.path.join(tmp, "cg.%d" % time.monotonic_ns())
    p = subprocess.run([vg, "--tool=callgrind", "--callgrind-out-file=" + out]
                       + cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    if p.returncode != 0 or not os.path.exists(out):
        return None
    with open(out) as f:
        for line in f:
            if line.startswith("summary:"):
                return int(line.split()[1])
    return None


def callgrind_per_unit(make_cmd, base, delta, units_per_step=1):
    """Instructions per unit: two runs that differ by delta steps, so
    start-up cost cancels out (make_cmd(steps) -> argv)."""
    with tempfile.TemporaryDirectory() as tmp:
        a = callgrind_total(make_cmd(base), tmp)
        b = callgrind_total(make_cmd(base + delta), tmp)
    if a is None or b is None:
        return None
    return (b - a) / (delta * units_per_step)


def python_binding():
    try:
        import dsnguard
        return dsnguard
    except ImportError as e:
        log("Python binding not importable under %s (%s): its rows skipped"
            % (sys.executable, e))
        return None


def perl_binding_ok():
    return subprocess.run(["perl", "-MDSNGuard", "-e", "1"],
                          stderr=subprocess.DEVNULL).returncode == 0
