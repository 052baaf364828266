#!/usr/bin/python3
"""The Python binding side by side with what Python users run today, on
the same lines in the same process: parse_cmd against a plain regex
parser (peers/regex_parser.py) and aiosmtpd's own command parsing
(peers/aiosmtpd_parser.py); an RCPT decision against a parse_cmd call;
parse_report against the C parse of the same buffers.

  PYTHONPATH=<build>/bindings/python[-debian] /usr/bin/python3 \\
      tests/bench/bench_bindings_python.py [--quick] [--corpus DIR]

Prints one JSON row per figure on stdout (the row protocol of
tests/bench/: group, case, impl, value, unit, better, plus extra keys:
which lines each implementation refuses and where it disagrees with
libdsnguard); a readable summary with the ratios goes to stderr.  Rates
are CPU time of this process, median of several passes with the
implementations interleaved, so a busy machine slows them alike.
"""
import argparse
import json
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "peers"))
sys.path.insert(0, HERE)

import dsnguard  # noqa: E402
import regex_parser  # noqa: E402
from gen_smtp_stream import generate  # noqa: E402

# The RCPT line of issue 11's C target, alone.
ONE_RCPT = ("RCPT TO:<user@example.org> NOTIFY=SUCCESS,DELAY "
            "ORCPT=rfc822;user+40example.org")


def row(group, case, impl, value, unit, **extra):
    r = {"group": group, "case": case, "impl": impl, "value": round(value, 1),
         "unit": unit, "better": "higher"}
    r.update(extra)
    print(json.dumps(r), flush=True)
    return r


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def timed(fn, data):
    """Items per CPU second of one pass of fn over data."""
    t0 = time.process_time()
    for x in data:
        fn(x)
    dt = time.process_time() - t0
    return len(data) / dt if dt > 0 else float("inf")


def race(impls, passes):
    """{name: median rate}: every pass runs each implementation once."""
    rates = {name: [] for name in impls}
    for _ in range(passes):
        for name, (fn, data) in impls.items():
            rates[name].append(timed(fn, data))
    return {name: statistics.median(v) for name, v in rates.items()}


# ---- the parsers, each as line -> comparable fields or None (refused)

def lib_parser():
    parse, err = dsnguard.parse_cmd, dsnguard.ParseError

    def fn(line):
        try:
            return parse(line)
        except err:
            return None
    return fn


def lib_fields(r):
    if r is None:
        return None
    if r["verb"] in ("EHLO", "HELO"):
        return {"verb": r["verb"], "domain": r["domain"]}
    if r["verb"] not in ("MAIL", "RCPT"):
        return {"verb": r["verb"]}
    o = r["orcpt"]
    return {"verb": r["verb"], "path": r["path"],
            "params": [(p["keyword"], p["value"]) for p in r["params"]],
            "notify": r["notify"],
            "orcpt": (o["type"], o["addr"]) if o else None}


def refusal_codes(lines):
    """libdsnguard's error code for each refused line (None if parsed)."""
    out = []
    for line in lines:
        try:
            dsnguard.parse_cmd(line)
            out.append(None)
        except dsnguard.ParseError as e:
            out.append(e.code)
    return out


def compare(lines, ours, theirs, fields, codes):
    """Where a peer refuses other lines than libdsnguard, or gives other
    values for the fields it has: counts by kind (with libdsnguard's
    error code for the lines only it refuses), one example each."""
    kinds = {}

    def note(kind, line):
        k = kinds.setdefault(kind, [0, line])
        k[0] += 1

    for line, a, b, code in zip(lines, ours, theirs, codes):
        if a is None and b is None:
            continue
        if a is None:
            note("accepted here, refused by libdsnguard (%s)" % code, line)
        elif b is None:
            note("refused here, accepted by libdsnguard", line)
        else:
            for f in fields:
                va, vb = a.get(f), b.get(f)
                if f == "params" and fields is AIOSMTPD_FIELDS and va:
                    # aiosmtpd upper-cases the whole parameter text
                    va = [(k, v.upper() if v else v) for k, v in va]
                if va != vb:
                    note("%s differs" % f, line)
    out = [{"what": k, "count": v[0], "example": v[1][:160]}
           for k, v in sorted(kinds.items(), key=lambda kv: -kv[1][0])]
    return out


REGEX_FIELDS = ("verb", "path", "params", "notify", "orcpt", "domain")
AIOSMTPD_FIELDS = ("verb", "path", "params", "domain")


def smtp(lines, passes):
    blines = [l.encode() for l in lines]
    lib = lib_parser()
    impls = {"Python libdsnguard": (lib, lines),
             "Python libdsnguard (bytes)": (lib, blines),
             "Python regex": (regex_parser.parse, lines)}
    try:
        import aiosmtpd_parser
        aio = aiosmtpd_parser.make()
        impls["aiosmtpd"] = (aio, blines)
    except ImportError as e:
        aio = None
        log("aiosmtpd peer skipped (%s): run under /usr/bin/python3 with "
            "python3-aiosmtpd" % e)

    # the rows above parse only (results are built on access, and the
    # targets are set on that); this one also reads every value of each
    # result, so the cost with access is in the same run
    def parse_read(line):
        try:
            r = dsnguard.parse_cmd(line)
        except dsnguard.ParseError:
            return None
        for k in r.keys():
            r[k]
        return r

    impls["Python libdsnguard (parse + read every field)"] = (parse_read,
                                                              lines)
    ours = [lib_fields(lib(l)) for l in lines]
    codes = refusal_codes(lines)
    results = {"Python regex": [regex_parser.parse(l) for l in lines]}
    if aio:
        results["aiosmtpd"] = [aio(b) for b in blines]
    rates = race(impls, passes)
    one = race({"Python libdsnguard": (lib, [ONE_RCPT] * 20000),
                "Python regex": (regex_parser.parse, [ONE_RCPT] * 20000)}
               | ({"aiosmtpd": (aio, [ONE_RCPT.encode()] * 20000)}
                  if aio else {}), passes)

    refused = sum(r is None for r in ours)
    base = rates["Python libdsnguard"]
    row("smtp", "realistic-stream", "Python libdsnguard", base, "lines/s",
        lines=len(lines), refused=refused, input="str")
    row("smtp", "realistic-stream", "Python libdsnguard (bytes)",
        rates["Python libdsnguard (bytes)"], "lines/s", lines=len(lines),
        refused=refused, input="bytes")
    name = "Python libdsnguard (parse + read every field)"
    row("smtp", "realistic-stream", name, rates[name], "lines/s",
        lines=len(lines), refused=refused, input="str", reads="every key")
    log("parse_cmd + read every field / Python regex %6.1fx  (%.0f lines/s)"
        % (rates[name] / rates["Python regex"], rates[name]))
    for name, res in results.items():
        fields = REGEX_FIELDS if name == "Python regex" else AIOSMTPD_FIELDS
        row("smtp", "realistic-stream", name, rates[name], "lines/s",
            lines=len(lines), refused=sum(r is None for r in res),
            input="str" if name == "Python regex" else "bytes",
            disagree=compare(lines, ours, res, fields, codes))
        log("parse_cmd / %-14s %6.1fx  (%.0f vs %.0f lines/s)"
            % (name, base / rates[name], base, rates[name]))
    for name, rate in one.items():
        row("smtp", "rcpt-notify-orcpt", name, rate, "lines/s", line=ONE_RCPT)
    if aio:
        aio.close()


def policy(lines, passes):
    """An RCPT decision against parse_cmd of the same lines."""
    rcpts = [l for l in lines if l[:4].upper() == "RCPT"]
    p = dsnguard.Policy.preset("recommended")
    s = dsnguard.Session("192.0.2.1", port=25)
    p.ehlo(s)
    lib = lib_parser()
    rcpt = p.rcpt

    def decide(line):
        return rcpt(s, line)

    rates = race({"parse": (lib, rcpts), "decide": (decide, rcpts)}, passes)
    row("policy", "rcpt-parse_cmd", "Python libdsnguard", rates["parse"],
        "calls/s", lines=len(rcpts))
    row("policy", "rcpt-decision", "Python libdsnguard", rates["decide"],
        "calls/s", lines=len(rcpts), preset="recommended",
        ratio=round(rates["parse"] / rates["decide"], 2),
        ratio_is="parse_cmd calls/s over decisions/s: a decision's cost "
        "in parse_cmd calls")
    log("RCPT decision costs %.2fx a parse_cmd call (%.0f vs %.0f calls/s)"
        % (rates["parse"] / rates["decide"], rates["decide"],
           rates["parse"]))


def load_corpus(base):
    msgs = []
    for sub in ("dsn", "other"):
        d = os.path.join(base, sub)
        if os.path.isdir(d):
            for name in sorted(os.listdir(d)):
                with open(os.path.join(d, name), "rb") as f:
                    msgs.append(f.read())
    return msgs


def report(corpus, passes):
    msgs = load_corpus(corpus)
    if not msgs:
        log("report rows skipped: no corpus at %s" % corpus)
        return
    total = sum(len(m) for m in msgs)
    parse, err = dsnguard.parse_report, dsnguard.ParseError

    def py(m):
        try:
            return parse(m)
        except err:
            return None

    # case corpus-binding: the binding against the C parse of the same
    # buffers in this process (bench_reports.py has the corpus rows
    # against the peers)
    def py_read(m):
        try:
            r = parse(m)
        except err:
            return None
        for k in r.keys():
            r[k]
        return r

    impls = {"Python libdsnguard": (py, msgs),
             "Python libdsnguard (parse + read every field)": (py_read,
                                                               msgs)}
    c_only = getattr(sys.modules[dsnguard.Decision.__module__],
                     "_report_parse_only", None)
    if c_only:
        impls["C libdsnguard (in process)"] = (c_only, msgs)
    else:
        log("no _report_parse_only in this build: C report row skipped")
    rates = race(impls, passes)
    for name, r in rates.items():
        extra = {}
        if name == "C libdsnguard (in process)":
            extra["how"] = "dsng_report_parse + talloc_free per message, " \
                "called from this process"
        elif "read every" in name:
            extra["reads"] = "every key"
        row("report", "corpus-binding", name, r * total / len(msgs),
            "bytes/s",
            messages=len(msgs), bytes=total, **extra)
    if c_only:
        log("parse_report: %.0f%% of the C rate on the corpus (%d messages)"
            % (100 * rates["Python libdsnguard"]
               / rates["C libdsnguard (in process)"],
               len(msgs)))
        log("parse_report + read every field: %.0f%% of the C rate"
            % (100 * rates["Python libdsnguard (parse + read every field)"]
               / rates["C libdsnguard (in process)"]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true",
                    help="a few seconds: fewer lines, one pass")
    ap.add_argument("--lines", type=int)
    ap.add_argument("--passes", type=int)
    ap.add_argument("--corpus", default=os.environ.get(
        "DSNG_CORPUS_DIR", "/work/shared/corpus"))
    args = ap.parse_args()
    n = args.lines or (10_000 if args.quick else 100_000)
    passes = args.passes or (1 if args.quick else 5)
    log("bench_bindings_python: %s, dsnguard %s from %s, %d lines, %d passes"
        % (sys.executable, dsnguard.__version__,
           os.path.dirname(dsnguard.__file__), n, passes))
    lines = generate(n)
    smtp(lines, passes)
    policy(lines, passes)
    report(args.corpus, passes)


if __name__ == "__main__":
    main()
