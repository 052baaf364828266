#!/usr/bin/python3
"""tests/bench/run.py - the side-by-side benchmark suite of issue 11.

  /usr/bin/python3 tests/bench/run.py [--quick] [--build DIR] [--corpus DIR]
      [--chart PNG] [--markdown FILE] [--rows FILE] [--only NAME,...]
      [--brief] [--check] [--timeout S] [--from-rows FILE] [--scripts DIR]

Runs every row script of tests/bench/ (bench_*.py, bench_*.pl and
bench_*.sh; Python ones under this interpreter, which must be Debian's
/usr/bin/python3 so that the Debian peers import), collects their rows,
prints a table of medians and ratios (libdsnguard against each peer and
against the memchr/grep floor) with issue 11's targets marked met or
missed, and writes a PNG chart of it with gnuplot (--chart, default
doc/bench.png; none with --quick unless --chart is given).

The row protocol: a row script prints one JSON object per line on stdout
for each figure,
  {"group": "smtp"|"report"|"log"|"policy"|"scaling",
   "case": "<what is measured>", "impl": "<who>", "value": <number>,
   "unit": "lines/s"|"bytes/s"|"calls/s"|"instr/line"|"instr/call"|
           "instr/byte"|"bytes"|"ratio",
   "better": "higher"|"lower", ...extra keys}
and everything else on stderr; it takes --quick (a few seconds) and runs
the real figures with no argument.  The runner sets DSNG_BUILD_DIR,
DSNG_CORPUS_DIR, DSNG_CLI, PYTHONPATH (the binding built for this
interpreter: DIR/bindings/python-debian, else DIR/bindings/python) and
PERL5LIB (DIR/bindings/perl) for it.  A libdsnguard row names itself
"<Language> libdsnguard..." ("C libdsnguard", "Python libdsnguard",
"C libdsnguard scan-log"); a floor row ends in "floor".

--check (the smoke test) exits 1 when a script fails, prints a line that
is not a valid row on stdout, or prints no row at all; when an
implementation that is installed here has no row (expected() below: a
peer that is missing is named, not failed); or when gnuplot is installed
and --chart was given but no PNG came out.
"""
import argparse
import glob
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
GROUPS = ("smtp", "report", "log", "policy", "scaling")
UNITS = ("lines/s", "bytes/s", "calls/s", "instr/line", "instr/call",
         "instr/byte", "bytes", "ratio")
PY_PEERS = ("flufl.bounce", "aiosmtpd")
PERL_PEERS = ("Sisimai", "BounceParser", "pflogsumm")


# --- running ------------------------------------------------------------

def scripts(only, where=HERE):
    found = []
    for pat in ("bench_*.py", "bench_*.pl", "bench_*.sh"):
        found += glob.glob(os.path.join(where, pat))
    found = sorted(found)
    if only:
        names = set(only.split(","))
        found = [f for f in found if os.path.basename(f) in names or
                 os.path.splitext(os.path.basename(f))[0] in names]
    return found


def environment(args):
    env = dict(os.environ)
    b = os.path.abspath(args.build)
    env["DSNG_BUILD_DIR"] = b
    env["DSNG_CLI"] = os.path.join(b, "examples", "dsnguard")
    if args.corpus:
        env["DSNG_CORPUS_DIR"] = os.path.abspath(args.corpus)
    for d in ("python-debian", "python"):
        p = os.path.join(b, "bindings", d)
        if os.path.isdir(p):
            env["PYTHONPATH"] = p + (os.pathsep + env["PYTHONPATH"]
                                     if env.get("PYTHONPATH") else "")
            break
    perl = os.path.join(b, "bindings", "perl")
    if os.path.isdir(perl):
        env["PERL5LIB"] = perl + (os.pathsep + env["PERL5LIB"]
                                  if env.get("PERL5LIB") else "")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def valid(r):
    """None when r is a valid row, else what is wrong with it."""
    if not isinstance(r, dict):
        return "not an object"
    for k in ("group", "case", "impl", "value", "unit", "better"):
        if k not in r:
            return "no %r" % k
    if r["group"] not in GROUPS:
        return "group %r" % r["group"]
    if r["unit"] not in UNITS:
        return "unit %r" % r["unit"]
    if r["better"] not in ("higher", "lower"):
        return "better %r" % r["better"]
    if not isinstance(r["case"], str) or not r["case"] or \
            not isinstance(r["impl"], str) or not r["impl"]:
        return "case or impl not a non-empty string"
    v = r["value"]
    if isinstance(v, bool) or not isinstance(v, (int, float)) or \
            not math.isfinite(v) or v < 0:
        return "value %r" % (v,)
    return None


def run_script(path, args, env):
    """Run one row script; return (rows, problems)."""
    ext = os.path.splitext(path)[1]
    cmd = {".py": [sys.executable], ".pl": ["perl"], ".sh": ["sh"]}[ext]
    cmd = cmd + [path] + (["--quick"] if args.quick else [])
    name = os.path.basename(path)
    t0 = time.monotonic()
    rows, problems = [], []
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, env=env, cwd=SRC,
                           timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return [], ["%s: timed out after %d s" % (name, args.timeout)]
    for n, line in enumerate(p.stdout.decode("utf-8", "replace")
                             .splitlines(), 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
        except ValueError:
            problems.append("%s: stdout line %d is not JSON: %.80s"
                            % (name, n, line))
            continue
        why = valid(r)
        if why:
            problems.append("%s: stdout line %d is not a valid row (%s)"
                            % (name, n, why))
            continue
        r["script"] = name
        rows.append(r)
    if p.returncode != 0:
        problems.append("%s: exit %d" % (name, p.returncode))
    if not rows:
        problems.append("%s: no rows" % name)
    print("run.py: %-20s %3d rows in %5.1f s%s" % (
        name, len(rows), time.monotonic() - t0,
        "" if p.returncode == 0 else " (exit %d)" % p.returncode),
        file=sys.stderr, flush=True)
    return rows, problems


# --- the table ------------------------------------------------------------

def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def merge(rows):
    """One row per (group, case, impl, unit): the median value; extra keys
    from every row (the first one's win), so that two scripts measuring
    the same figure (say the binding's own script and bench_reports.py)
    keep both their notes."""
    keyed = {}
    for r in rows:
        keyed.setdefault((r["group"], r["case"], r["impl"], r["unit"]),
                         []).append(r)
    out = []
    for k, rs in keyed.items():
        m = {}
        for r in reversed(rs):
            m.update(r)
        m["value"] = median([r["value"] for r in rs])
        m["scripts"] = sorted({r.get("script", "?") for r in rs})
        m["n"] = len(rs)
        out.append(m)
    return out


def ours(impl):
    return "libdsnguard" in impl


def floor(impl):
    return impl.endswith("floor")


def language(impl):
    if impl.startswith("Python") or impl in PY_PEERS:
        return "Python"
    if impl.startswith("Perl") or impl in ("Sisimai", "BounceParser"):
        return "Perl"
    return "C"


def human(v, unit):
    if unit in ("ratio",):
        return "%.3g" % v
    if unit.startswith("instr"):
        return ("%.3g %s" if v < 100 else "%.0f %s") % (v, unit)
    scale = ""
    base = 1000.0
    if unit == "bytes" or unit == "bytes/s":
        base = 1024.0 if unit == "bytes" else 1e6
        if unit == "bytes/s":
            return "%.1f MB/s" % (v / 1e6) if v < 1e11 else \
                "%.0f MB/s" % (v / 1e6)
        for s in ("", "K", "M", "G"):
            if v < base * 10 or s == "G":
                scale = s
                break
            v /= base
        return "%.1f %sB" % (v, scale) if scale else "%d B" % v
    for s in ("", "k", "M", "G"):
        if v < 10000 or s == "G":
            scale = s
            break
        v /= 1000.0
    return "%.4g%s %s" % (v, scale, unit)


def ratio_text(a, b, better):
    """How many times a (libdsnguard) beats b."""
    if not a or not b:
        return ""
    x = a / b if better == "higher" else b / a
    return "%.0f×" % x if x >= 100 else "%.3g×" % x


# Issue 11's targets: (what, group, case, impl, unit, how, limit)
#   how: "max" value <= limit; "min" value >= limit; "floor" libdsnguard
#   over the floor row of the case >= limit; "peer" libdsnguard over the
#   named peer >= limit; "ratio" the row's extra "ratio" <= limit.
TARGETS = [
    ("SMTP in C, realistic stream", "smtp", "realistic-stream",
     "C libdsnguard", "instr/line", "max", 700),
    ("SMTP in C, one RCPT with NOTIFY and ORCPT", "smtp",
     "rcpt-notify-orcpt", "C libdsnguard", "instr/line", "max", 1000),
    ("reports in C over the corpus, fraction of memchr", "report", "corpus",
     "C libdsnguard", "bytes/s", "floor", 0.40),
    ("heap held / input, corpus", "report", "corpus-heap-held",
     "C libdsnguard", "bytes", "ratio", 2.0),
    ("heap held / input, 10,000 recipients", "report",
     "synth-10000-rcpt-heap-held", "C libdsnguard", "bytes", "ratio", 2.0),
    ("report per-byte cost, 50 MB against 1 MB (growth)", "scaling",
     "report-size-per-byte-growth", "C libdsnguard", "ratio", "max", 1.25),
    ("the same growth over a plain read of the same buffer", "scaling",
     "report-size-over-read-floor-per-byte-growth", "C libdsnguard",
     "ratio", "max", 1.25),
    ("scan-log against pflogsumm", "log", "postfix-flood",
     "C libdsnguard scan-log", "bytes/s", "peer:pflogsumm", 17),
    ("scan-log per-byte cost, largest log against 1 MB (growth)",
     "scaling", "log-size-per-byte-growth", "C libdsnguard", "ratio", "max",
     1.25),
    ("policy instructions, 10,000 networks against none", "policy",
     "instr-ratio-10000-vs-0", "C libdsnguard", "ratio", "max", 1.5),
    # issue 9's binding targets (bench_bindings_python.py, _perl.pl)
    ("Python parse_cmd against a Python regex parser", "smtp",
     "realistic-stream", "Python libdsnguard", "lines/s",
     "peer:Python regex", 4),
    ("Python parse_cmd against aiosmtpd's parsing", "smtp",
     "realistic-stream", "Python libdsnguard", "lines/s", "peer:aiosmtpd",
     50),
    ("Perl parse_cmd against a Perl regex parser", "smtp",
     "realistic-stream", "Perl libdsnguard", "lines/s", "peer:Perl regex",
     3),
    ("Python parse_report against the C parse, same process", "report",
     "corpus-binding", "Python libdsnguard", "bytes/s",
     "peer:C libdsnguard (in process)", 0.70),
    ("Python RCPT decision, cost in parse_cmd calls", "policy",
     "rcpt-decision", "Python libdsnguard", "calls/s", "ratio", 2.0),
]


def find(rows, group, case, impl=None, unit=None):
    for r in rows:
        if r["group"] == group and r["case"] == case and \
                (impl is None or r["impl"] == impl) and \
                (unit is None or r["unit"] == unit):
            return r
    return None


def check_targets(rows):
    """[(what, figure text, target text, "met"|"missed"|"not measured")]"""
    out = []
    for what, g, c, impl, unit, how, limit in TARGETS:
        r = find(rows, g, c, impl, unit)
        fig, state = None, "not measured"
        if r is None:
            pass
        elif how in ("max", "min"):
            fig = r["value"]
        elif how == "ratio":
            fig = r.get("ratio")
        elif how == "floor":
            f = next((x for x in rows if x["group"] == g and x["case"] == c
                      and floor(x["impl"]) and x["unit"] == unit), None)
            fig = r["value"] / f["value"] if f and f["value"] else None
        elif how.startswith("peer:"):
            p = find(rows, g, c, how[5:], unit)
            fig = r["value"] / p["value"] if p and p["value"] else None
        if fig is not None:
            ok = fig <= limit if how in ("max", "ratio") else fig >= limit
            state = "met" if ok else "missed"
        sign = "≤" if how in ("max", "ratio") else "≥"
        out.append((what, "-" if fig is None else "%.0f" % fig
                    if fig >= 1000 else "%.3g" % fig,
                    "%s %g" % (sign, limit), state))
    return out


def target_of(r, targets_by_key):
    return targets_by_key.get((r["group"], r["case"], r["impl"], r["unit"]))


# The cases of --brief (README's table): the rest stays in the full one.
BRIEF = {"smtp": ("realistic-stream", "rcpt-notify-orcpt"),
         "report": ("corpus", "corpus-binding", "corpus-heap-held",
                    "synth-1000-rcpt",
                    "synth-10000-rcpt-heap-held", "synth-body-10MB"),
         "log": ("postfix-flood",),
         "policy": ("rcpt-0-networks", "rcpt-10000-networks",
                    "instr-ratio-10000-vs-0", "rcpt-decision"),
         "scaling": ("report-1MB", "report-50MB",
                     "report-size-per-byte-growth",
                     "report-size-over-read-floor-per-byte-growth",
                     "report-10000-rcpt",
                     "log-1MB", "log-1000MB", "log-1000MB-peak-rss",
                     "log-size-per-byte-growth")}


def table(rows, brief=False):
    """Markdown lines: one table per group, then the targets."""
    lines = []
    tstate = check_targets(rows)
    tkey = {}
    for (what, g, c, impl, unit, how, limit), st in zip(TARGETS, tstate):
        tkey[(g, c, impl, unit)] = "%s %s: %s" % (st[1], st[2], st[3])
    for g in GROUPS:
        rs = [r for r in rows if r["group"] == g and
              (not brief or r["case"] in BRIEF[g])]
        if not rs:
            continue
        lines += ["", "**%s**" % g, "",
                  "| case | implementation | median | libdsnguard C × "
                  "| same-language binding × | notes |",
                  "|---|---|---:|---:|---:|---|"]
        cases = []
        for r in rs:
            if r["case"] not in cases:
                cases.append(r["case"])
        for c in cases:
            crs = [r for r in rs if r["case"] == c]
            crs.sort(key=lambda r: (not ours(r["impl"]), floor(r["impl"]),
                                    r["unit"], r["impl"]))
            for r in crs:
                c_row = next((x for x in crs if x["impl"].startswith(
                    "C libdsnguard") and x["unit"] == r["unit"]), None)
                lang = language(r["impl"])
                b_row = next((x for x in crs if x["impl"] ==
                              lang + " libdsnguard" and x["unit"] ==
                              r["unit"]), None)
                cx = bx = ""
                if floor(r["impl"]) and c_row:
                    # the floor: libdsnguard's fraction of it
                    cx = "%.3g of floor" % (
                        c_row["value"] / r["value"]
                        if r["better"] == "higher" else
                        r["value"] / c_row["value"])
                elif not ours(r["impl"]) and c_row:
                    cx = ratio_text(c_row["value"], r["value"], r["better"])
                if not ours(r["impl"]) and not floor(r["impl"]) and b_row \
                        and lang != "C":
                    bx = ratio_text(b_row["value"], r["value"], r["better"])
                notes = []
                t = target_of(r, tkey)
                if t:
                    notes.append("target " + t)
                if "ratio" in r and r["unit"] == "bytes":
                    notes.append("%.2f× input" % r["ratio"])
                if "refused" in r and g == "smtp":
                    notes.append("refused %s" % r["refused"])
                if "disagree_count" in r:
                    notes.append("agree %s, disagree %s" % (
                        r.get("agree"), r["disagree_count"]))
                elif isinstance(r.get("disagree"), list):
                    notes.append("disagree %d" % len(r["disagree"]))
                if isinstance(r.get("ns_per_byte"), (int, float)):
                    notes.append("%.3g ns/byte" % r["ns_per_byte"])
                if r.get("ns_per_byte_by_size"):
                    notes.append("ns/byte %s over %s" % (
                        r["ns_per_byte_by_size"], r.get("sizes")))
                if r.get("over_read_floor_by_size"):
                    notes.append("parse over read floor %s over %s" % (
                        r["over_read_floor_by_size"], r.get("sizes")))
                if "peak_rss" in r and r["unit"] != "bytes":
                    notes.append("peak RSS %s" % human(r["peak_rss"],
                                                       "bytes"))
                lines.append("| %s | %s | %s | %s | %s | %s |" % (
                    c, r["impl"], human(r["value"], r["unit"]), cx, bx,
                    "; ".join(notes)))
    lines += ["", "**issue 11 targets**", "",
              "| target | figure | limit | |", "|---|---:|---:|---|"]
    for what, fig, lim, st in tstate:
        lines.append("| %s | %s | %s | %s |" % (what, fig, lim, st))
    return lines


def disagreements(rows, limit):
    out = []
    for r in rows:
        for d in r.get("disagree") or []:
            if isinstance(d, dict) and "what" in d:  # the SMTP rows
                out.append("%s/%s %s: %s: %d lines, e.g. %r" % (
                    r["group"], r["case"], r["impl"], d["what"],
                    d.get("count", 0), d.get("example")))
                continue
            if isinstance(d, dict) and "only_ours" in d:
                out.append("%s/%s %s: %s: ours %d, theirs %d; only ours %s; "
                           "only theirs %s" % (
                               r["group"], r["case"], r["impl"],
                               d.get("message"), d.get("ours_n", 0),
                               d.get("theirs_n", 0), d.get("only_ours"),
                               d.get("only_theirs")))
            else:  # another script's shape: shown as it is
                out.append("%s/%s %s: %.300s" % (
                    r["group"], r["case"], r["impl"],
                    json.dumps(d, ensure_ascii=False)))
    return out[:limit], len(out)


# --- the chart ------------------------------------------------------------

PANELS = [  # (title, group, case, unit, scale, axis label)
    ("SMTP: realistic stream", "smtp", "realistic-stream", "lines/s", 1e6,
     "million lines/s"),
    ("Reports: shared corpus", "report", "corpus", "bytes/s", 1e6, "MB/s"),
    ("Reports: 1,000 recipients", "report", "synth-1000-rcpt", "bytes/s",
     1e6, "MB/s"),
    ("Logs: Postfix DSN flood", "log", "postfix-flood", "bytes/s", 1e6,
     "MB/s"),
    ("Policy: RCPT, 10,000 networks", "policy", "rcpt-10000-networks",
     "calls/s", 1e6, "million decisions/s"),
]


def chart(rows, path):
    gp = shutil.which("gnuplot")
    if not gp:
        print("run.py: gnuplot not installed (sh scripts/"
              "install-bench-deps.sh): no chart", file=sys.stderr)
        return False
    panels = []
    for title, g, c, unit, scale, label in PANELS:
        rs = [r for r in rows if r["group"] == g and r["case"] == c and
              r["unit"] == unit]
        if g == "report" and c == "synth-1000-rcpt" and not rs:
            rs = [r for r in rows if r["group"] == g and r["unit"] == unit
                  and r["case"].startswith("synth-") and
                  r["case"].endswith("-rcpt")]
            c = rs[0]["case"] if rs else c
            rs = [r for r in rs if r["case"] == c]
        if rs:
            rs.sort(key=lambda r: -r["value"])
            panels.append((title, label, scale, rs))
    scaling = [(r["case"], r) for r in rows if r["group"] == "scaling"
               and r["unit"] == "bytes/s" and "ns_per_byte" in r and
               (r["case"].startswith("report-") or r["case"].startswith(
                   "log-")) and not r["case"].endswith("-rcpt")]
    if not panels:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        script = ["set terminal pngcairo size 1400,%d font 'sans,9'"
                  % (300 * ((len(panels) + 2) // 2)) if
                  has_cairo(gp) else "set terminal png size 1400,%d"
                  % (300 * ((len(panels) + 2) // 2)),
                  "set output '%s'" % path,
                  "set multiplot layout %d,2 title 'libdsnguard side by side"
                  " (tests/bench/run.py, %s)'" % (
                      (len(panels) + 2) // 2,
                      time.strftime("%Y-%m-%d", time.gmtime())),
                  "set style fill solid 0.8 border -1",
                  "set boxwidth 0.6", "set grid ytics", "set logscale y",
                  "set xtics rotate by -25 left nomirror",
                  "set key off", "set bmargin 6"]
        for i, (title, label, scale, rs) in enumerate(panels):
            data = os.path.join(tmp, "p%d.dat" % i)
            with open(data, "w") as f:
                for k, r in enumerate(rs):
                    color = 0x2b7bba if ours(r["impl"]) else (
                        0x999999 if floor(r["impl"]) else 0xe08030)
                    f.write('%d "%s" %g %d\n' % (
                        k, r["impl"].replace('"', "'"),
                        r["value"] / scale, color))
            script += ["set title '%s'" % title, "set ylabel '%s'" % label,
                       "set yrange [*:*]",
                       "plot '%s' using 1:3:4:xtic(2) with boxes lc rgb "
                       "variable, '' using 1:3:(sprintf('%%.3g',$3)) with "
                       "labels offset 0,0.6" % data]
        if scaling:
            rep = os.path.join(tmp, "rep.dat")
            lg = os.path.join(tmp, "log.dat")
            with open(rep, "w") as f1, open(lg, "w") as f2:
                for c, r in sorted(scaling, key=lambda x: x[1]["bytes"]):
                    (f1 if c.startswith("report-") else f2).write(
                        "%d %g\n" % (r["bytes"], r["ns_per_byte"]))
            script += ["set title 'Scaling: cost per byte against size'",
                       "set ylabel 'ns per byte (CPU)'",
                       "set xlabel 'input bytes'", "set logscale xy",
                       "set xtics auto norotate", "set key bottom left",
                       "set format x '10^{%L}'",
                       "plot '%s' using 1:2 with linespoints title "
                       "'report (1 recipient)', '%s' using 1:2 with "
                       "linespoints title 'scan-log --json'" % (rep, lg)]
        script.append("unset multiplot")
        sp = os.path.join(tmp, "chart.gp")
        with open(sp, "w") as f:
            f.write("\n".join(script) + "\n")
        p = subprocess.run([gp, sp], stderr=subprocess.PIPE)
        if p.returncode:
            print("run.py: gnuplot failed: %s" % p.stderr.decode()[-500:],
                  file=sys.stderr)
            return False
    return True


def has_cairo(gp):
    p = subprocess.run([gp, "-e", "set terminal"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    return b"pngcairo" in p.stdout


# --- what --check expects ----------------------------------------------------

def expected(env, where=HERE):
    """[(group, impl)] that must have a row, and [what is not installed]."""
    def py(mod):
        return subprocess.run([sys.executable, "-c", "import " + mod],
                              env=env, stderr=subprocess.DEVNULL).returncode \
            == 0

    def pl(mod):
        return subprocess.run(["perl", "-M" + mod, "-e", "1"], env=env,
                              stderr=subprocess.DEVNULL).returncode == 0
    want = [("smtp", "C libdsnguard"), ("smtp", "memchr floor"),
            ("report", "C libdsnguard"), ("report", "memchr floor"),
            ("report", "Python email"), ("log", "C libdsnguard scan-log"),
            ("log", "grep floor"), ("policy", "C libdsnguard"),
            ("scaling", "C libdsnguard"),
            ("scaling", "C libdsnguard scan-log")]
    missing = []
    for ok, group, impl, what in (
            (py("dsnguard"), ("report", "policy"), "Python libdsnguard",
             "the Python binding for %s" % sys.executable),
            (pl("DSNGuard"), ("report",), "Perl libdsnguard",
             "the Perl binding"),
            (py("flufl.bounce"), ("report",), "flufl.bounce",
             "python3-flufl.bounce"),
            (pl("Sisimai"), ("report",), "Sisimai", "libsisimai-perl"),
            (pl("Mail::DeliveryStatus::BounceParser"), ("report",),
             "BounceParser", "libmail-deliverystatus-bounceparser-perl"),
            (bool(shutil.which("pflogsumm")), ("log",), "pflogsumm",
             "pflogsumm")):
        if ok:
            want += [(g, impl) for g in group]
        else:
            missing.append(what)
    # the binding rows and their SMTP peers (branch bind-speed's scripts)
    if os.path.exists(os.path.join(where, "bench_bindings_python.py")):
        want += [("smtp", "Python libdsnguard"), ("smtp", "Python regex")]
        if py("aiosmtpd"):
            want.append(("smtp", "aiosmtpd"))
        else:
            missing.append("python3-aiosmtpd")
    if os.path.exists(os.path.join(where, "bench_bindings_perl.pl")):
        want += [("smtp", "Perl libdsnguard"), ("smtp", "Perl regex")]
    return want, missing


def check_expected(rows, env, where=HERE):
    want, missing = expected(env, where)
    have = {(r["group"], r["impl"]) for r in rows}
    problems = ["no %s row from %s" % (g, i) for g, i in want
                if (g, i) not in have]
    if shutil.which("valgrind"):
        for g, c, u in (("smtp", "realistic-stream", "instr/line"),
                        ("smtp", "rcpt-notify-orcpt", "instr/line"),
                        ("report", "corpus", "instr/byte"),
                        ("policy", "instr-ratio-10000-vs-0", "ratio")):
            if not find(rows, g, c, None, u):
                problems.append("no callgrind row %s/%s" % (g, c))
    for m in missing:
        print("run.py: not installed, its rows not checked: %s" % m,
              file=sys.stderr)
    return problems


# --- main -------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--build", default=os.path.join(SRC, "build", "default"))
    ap.add_argument("--corpus")
    ap.add_argument("--chart")
    ap.add_argument("--markdown")
    ap.add_argument("--brief", action="store_true",
                    help="only the main cases in the table (README's)")
    ap.add_argument("--rows")
    ap.add_argument("--only")
    ap.add_argument("--scripts", default=HERE,
                    help="where the row scripts are (tests/bench/)")
    ap.add_argument("--from-rows",
                    help="no run: the table and chart of a --rows file")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--timeout", type=int, default=3600)
    args = ap.parse_args()
    if not os.path.isdir(args.build):
        print("run.py: no build directory %s (cmake -S . -B %s)"
              % (args.build, args.build), file=sys.stderr)
        return 2
    if os.path.realpath(sys.executable) != os.path.realpath(
            "/usr/bin/python3"):
        print("run.py: note: running under %s, not /usr/bin/python3: "
              "Debian's Python peers may not import" % sys.executable,
              file=sys.stderr)
    env = environment(args)
    found = scripts(args.only, args.scripts)
    if not found:
        print("run.py: no row scripts", file=sys.stderr)
        return 1
    rows, problems = [], []
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load = open("/proc/loadavg").read().split()[:3] \
        if os.path.exists("/proc/loadavg") else ["?"]
    meta = {"started": started, "quick": args.quick, "load": " ".join(load),
            "cpus": os.cpu_count() or 0}
    if args.from_rows:
        with open(args.from_rows) as f:
            rows = [json.loads(x) for x in f if x.strip()]
        meta.update(started="?", load="?")
        for r in rows:
            meta.update(r.get("meta") or {})
        rows = [r for r in rows if "meta" not in r]
        found = []
    for s in found:
        r, p = run_script(s, args, env)
        rows += r
        problems += p
    if not args.from_rows:  # the load at the end of the run
        meta["load"] = " ".join(open("/proc/loadavg").read().split()[:3]) \
            if os.path.exists("/proc/loadavg") else "?"
    if args.rows:
        with open(args.rows, "w") as f:
            f.write(json.dumps({"meta": meta}) + "\n")
            for r in rows:
                f.write(json.dumps(r) + "\n")
    merged = merge(rows)
    head = ["libdsnguard benchmarks, %s, `tests/bench/run.py%s`; %d CPUs, "
            "load %s at the end; CPU time of one thread, medians" % (
                meta["started"], " --quick" if meta["quick"] else "",
                meta["cpus"], meta["load"])]
    lines = head + table(merged, args.brief)
    shown, total = disagreements(merged, 40)
    if total:
        lines += ["", "Disagreements (reports: recipients and status "
                  "codes; SMTP: lines refused or parsed otherwise; first "
                  "%d of %d; all in --rows):" % (len(shown), total)]
        lines += ["- " + d for d in shown]
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text + "\n")
    out = args.chart or (None if args.quick else
                         os.path.join(SRC, "doc", "bench.png"))
    if out and os.path.exists(out):
        os.unlink(out)
    if out and chart(merged, out):
        print("run.py: chart written to %s" % out, file=sys.stderr)
    if args.check:
        if not args.only:  # a part of the suite expects only its own
            problems += check_expected(merged, env, args.scripts)
        if args.chart and shutil.which("gnuplot"):
            with open(args.chart, "rb") if os.path.exists(args.chart) \
                    else open(os.devnull, "rb") as f:
                if f.read(8) != b"\x89PNG\r\n\x1a\n":
                    problems.append("no PNG chart at %s" % args.chart)
    for p in problems:
        print("run.py: PROBLEM: " + p, file=sys.stderr)
    if args.check and problems:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
