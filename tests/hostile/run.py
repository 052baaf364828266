#!/usr/bin/env python3
"""tests/hostile/run.py - run the hostile-input catalogue (cases.tsv)
through the built `dsnguard` and check every expected result exactly.

    python3 run.py --cli PATH [--timeout S] [--only ID]... [-v]
    python3 run.py --write-readme   regenerate the table in README.md
    python3 run.py --check-readme   fail when README.md is out of date

Each case runs in its own temporary directory, with a timeout (10 s by
default).  Its output must be JSON Lines, valid UTF-8.  A case passes when
the exit status, the first error object (code, offset, and limit or no
limit key) and every check of its `checks` column hold.  A case with a
`pending` mark documents the result a branch not merged yet gives: while
it fails it is reported XFAIL; once it passes it is XPASS, which fails the
run so the mark gets cleared.  Python 3 standard library only.
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen  # noqa: E402

COLUMNS = ["id", "class", "command", "input", "exit", "code", "offset",
           "limit", "checks", "echoes", "pending", "what"]
BEGIN, END = "<!-- cases:begin -->", "<!-- cases:end -->"
# What ASan, LSan and UBSan print (a sanitizer build may exit 1 as well).
SANITIZERS = ("AddressSanitizer", "LeakSanitizer", "runtime error:")


def load(path=os.path.join(HERE, "cases.tsv")):
    cases, header = [], None
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cells = line.split("\t")
            if header is None:
                if cells != COLUMNS:
                    raise SystemExit("cases.tsv: header must be %s" % COLUMNS)
                header = cells
                continue
            if len(cells) != len(COLUMNS):
                raise SystemExit("cases.tsv:%d: %d columns, want %d"
                                 % (n, len(cells), len(COLUMNS)))
            case = dict(zip(COLUMNS, cells))
            case["lineno"] = n
            cases.append(case)
    ids = [c["id"] for c in cases]
    dups = {i for i in ids if ids.count(i) > 1}
    if dups:
        raise SystemExit("cases.tsv: duplicate ids %s" % sorted(dups))
    return cases


# ---- checks ---------------------------------------------------------------

def split_checks(text):
    """'a=1; b="x;y"' -> ['a=1', 'b="x;y"']: ';' inside JSON strings stays."""
    out, cur, in_str, esc = [], "", False, False
    for ch in text:
        if in_str:
            cur += ch
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
            cur += ch
        elif ch == ";":
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def same(a, b):
    """JSON equality that keeps true apart from 1 and 1 apart from 1.0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return type(a) is type(b) and a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


class Missing(Exception):
    pass


def lookup(objs, path):
    """'[i].a.0.b' in the printed objects; [i] defaults to [0]; 'objs' is
    the list of them all."""
    if path == "objs":
        return objs
    idx = 0
    if path.startswith("["):
        close = path.index("]")
        idx = int(path[1:close])
        path = path[close + 1:].lstrip(".")
    try:
        v = objs[idx]
    except IndexError:
        raise Missing("no object [%d] (%d printed)" % (idx, len(objs)))
    for key in path.split(".") if path else []:
        if isinstance(v, list):
            try:
                v = v[int(key)]
            except (ValueError, IndexError):
                raise Missing("%s: no item %s" % (path, key))
        elif isinstance(v, dict):
            if key not in v:
                raise Missing("%s: no key %r" % (path, key))
            v = v[key]
        else:
            raise Missing("%s: %r is not a container" % (path, key))
    return v


def short(v, n=120):
    s = json.dumps(v, ensure_ascii=False)
    return s if len(s) <= n else s[:n] + "..."


def check_one(objs, expr):
    if "#=" in expr:
        path, want = expr.split("#=", 1)
        v = lookup(objs, path.strip())
        if not isinstance(v, (list, dict, str)):
            return "%s is %s, has no length" % (path, short(v))
        if len(v) != int(want):
            return "%s has %d items, want %s" % (path, len(v), want)
        return None
    path, want = expr.split("=", 1)
    want = json.loads(want)
    v = lookup(objs, path.strip())
    if not same(v, want):
        return "%s is %s, want %s" % (path.strip(), short(v), short(want))
    return None


def verify(case, rc, objs):
    """The list of what does not hold (empty when the case passes)."""
    bad = []
    if str(rc) != case["exit"]:
        bad.append("exit %s, want %s" % (rc, case["exit"]))
    failed = [o for o in objs if isinstance(o, dict) and o.get("ok") is False]
    if case["code"] != "-":
        if not failed or not isinstance(failed[0].get("error"), dict):
            bad.append("no error object, want %s" % case["code"])
        else:
            e = failed[0]["error"]
            if e.get("code") != case["code"]:
                bad.append("code %s, want %s" % (e.get("code"), case["code"]))
            if case["offset"] != "-" and e.get("offset") != int(case["offset"]):
                bad.append("offset %s, want %s" % (e.get("offset"),
                                                   case["offset"]))
            if case["limit"] == "-" and "limit" in e:
                bad.append("limit %s, want none" % e["limit"])
            elif case["limit"] != "-" and e.get("limit") != case["limit"]:
                bad.append("limit %s, want %s" % (e.get("limit"),
                                                  case["limit"]))
    elif failed:
        bad.append("unexpected error %s" % short(failed[0].get("error")))
    if case["checks"] != "-":
        for expr in split_checks(case["checks"]):
            try:
                why = check_one(objs, expr)
            except Missing as m:
                why = str(m)
            except (ValueError, KeyError) as ex:
                why = "bad check %r: %s" % (expr, ex)
            if why:
                bad.append(why)
    return bad


# ---- running ----------------------------------------------------------------

def materialise(case, tmp):
    src = case["input"]
    if src.startswith("gen:"):
        name = src[4:]
        if name not in gen.GENERATORS:
            raise SystemExit("%s: unknown generator %s" % (case["id"], name))
        d = os.path.join(tmp, "in")
        os.makedirs(d)
        return gen.GENERATORS[name](d)
    return os.path.join(HERE, src)


def command(case, cli, path):
    words = shlex.split(case["command"])
    if not words or words[0] != "dsnguard":
        raise SystemExit("%s: the command must start with dsnguard"
                         % case["id"])
    argv, stdin = [os.fsencode(cli)], None
    i = 1
    while i < len(words):
        w = words[i]
        if w == "<":
            stdin = path if words[i + 1] == "{in}" else words[i + 1]
            i += 2
            continue
        if w == "{arg}":
            with open(path, "rb") as f:
                argv.append(f.read())
        else:
            argv.append(os.fsencode(w.replace("{in}", path)))
        i += 1
    return argv, stdin


def run_case(case, cli, timeout):
    """(status, detail, seconds): status PASS, FAIL, XFAIL or XPASS."""
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        path = materialise(case, tmp)
        argv, stdin = command(case, cli, path)
        t0 = time.monotonic()
        bad = []
        try:
            with open(stdin, "rb") if stdin else open(os.devnull, "rb") as fin:
                p = subprocess.run(argv, stdin=fin, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, cwd=tmp,
                                   timeout=timeout)
        except subprocess.TimeoutExpired:
            bad = ["timed out after %g s" % timeout]
        secs = time.monotonic() - t0
        if not bad:
            err = p.stderr.decode("utf-8", "replace")
            if p.returncode < 0:
                bad = ["killed by signal %d" % -p.returncode]
            elif any(s in err for s in SANITIZERS):
                bad = ["sanitizer report: %s" % err[:300]]
            else:
                objs = []
                try:
                    text = p.stdout.decode("utf-8")
                    objs = [json.loads(l) for l in text.splitlines()
                            if l.strip()]
                except (UnicodeDecodeError, ValueError) as ex:
                    bad = ["output is not JSON Lines in UTF-8: %s" % ex]
                if not bad:
                    bad = verify(case, p.returncode, objs)
                if bad and err:
                    bad.append("stderr: %s" % err[:200])
    pending = case["pending"] != "-"
    if bad:
        return ("XFAIL" if pending else "FAIL"), "; ".join(bad), secs
    if pending:
        return "XPASS", ("passes now: clear the pending mark %s"
                         % case["pending"]), secs
    return "PASS", "", secs


def run_all(args):
    cases = load()
    if args.only:
        cases = [c for c in cases if c["id"] in args.only]
        missing = set(args.only) - {c["id"] for c in cases}
        if missing:
            raise SystemExit("no such case: %s" % ", ".join(sorted(missing)))
    counts = {"PASS": 0, "FAIL": 0, "XFAIL": 0, "XPASS": 0}
    for case in cases:
        status, detail, secs = run_case(case, args.cli, args.timeout)
        counts[status] += 1
        tag = case["id"]
        if case["pending"] != "-":
            tag += " (pending %s)" % case["pending"]
        if status != "PASS" or args.verbose:
            print("%-5s %s  [%.2f s]%s" % (status, tag, secs,
                                           ": " + detail if detail else ""))
        sys.stdout.flush()
    print("hostile: %d cases: %d passed, %d failed, %d expected failures "
          "(pending), %d unexpected passes"
          % (len(cases), counts["PASS"], counts["FAIL"], counts["XFAIL"],
             counts["XPASS"]))
    return 1 if counts["FAIL"] or counts["XPASS"] else 0


# ---- README table -------------------------------------------------------------

def cell(s):
    return s.replace("|", "\\|")


def expected(case):
    parts = ["exit %s" % case["exit"]]
    if case["code"] != "-":
        e = "`%s` at %s" % (case["code"], case["offset"])
        if case["limit"] != "-":
            e += ", limit `%s`" % case["limit"]
        parts.append(e)
    if case["checks"] != "-":
        parts += ["`%s`" % c for c in split_checks(case["checks"])]
    return "; ".join(parts)


def table(cases):
    classes = {}
    for c in cases:
        classes.setdefault(c["class"], []).append(c)
    out = ["| class | cases | pending |", "|---|---|---|"]
    for cls in sorted(classes):
        pend = [c["id"] for c in classes[cls] if c["pending"] != "-"]
        out.append("| %s | %d | %s |" % (cls, len(classes[cls]),
                                         ", ".join(pend) or "-"))
    out.append("| **all** | %d | %d |" % (
        len(cases), sum(1 for c in cases if c["pending"] != "-")))
    out += ["", "| id | class | command | input | expected | echoes | "
            "pending | what |", "|---|---|---|---|---|---|---|---|"]
    for c in cases:
        cmd = c["command"].replace("dsnguard ", "", 1)
        out.append("| %s |" % " | ".join(cell(x) for x in [
            c["id"], c["class"], "`%s`" % cmd, "`%s`" % c["input"],
            expected(c), c["echoes"], c["pending"], c["what"]]))
    return "\n".join(out)


def readme(write):
    path = os.path.join(HERE, "README.md")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if BEGIN not in text or END not in text:
        raise SystemExit("README.md: markers %s ... %s missing" % (BEGIN, END))
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = head + BEGIN + "\n" + table(load()) + "\n" + END + tail
    if write:
        with open(path, "w", encoding="utf-8") as f:
            f.write(new)
        return 0
    if new != text:
        print("tests/hostile/README.md is out of date with cases.tsv: run "
              "python3 tests/hostile/run.py --write-readme")
        return 1
    print("tests/hostile/README.md matches cases.tsv")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cli", help="the dsnguard binary")
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--only", action="append", metavar="ID")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--write-readme", action="store_true")
    ap.add_argument("--check-readme", action="store_true")
    args = ap.parse_args()
    if args.write_readme or args.check_readme:
        return readme(args.write_readme)
    if not args.cli:
        ap.error("--cli is required")
    args.cli = os.path.abspath(args.cli)
    return run_all(args)


if __name__ == "__main__":
    sys.exit(main())
