#!/usr/bin/python3
"""tests/bench/bench_reports.py [--quick] - delivery reports side by side.

Every message of the shared corpus (dsn/ and other/; --quick: every
sixth) held in memory, and synthetic reports built in the corpus's
Postfix shape (synth_report.py: many recipients, a large returned body),
through
  C libdsnguard        bench_report --rows / --file (with the memchr
                       floor and the heap held, glibc mallinfo2), and
                       instructions per byte of both under callgrind
  Python libdsnguard   dsnguard.parse_report (the binding)
  Perl libdsnguard     DSNGuard::parse_report (peers/report_peers.pl)
  Python email         compat32, parse and read every delivery-status
                       block (as the corpus README's reference does)
  flufl.bounce         all_failures (python3-flufl.bounce)
  Sisimai              Sisimai->make (libsisimai-perl)
  BounceParser         Mail::DeliveryStatus::BounceParser
                       (libmail-deliverystatus-bounceparser-perl)
in bytes/s of CPU time.  In the same run each peer's recipients and
status codes are compared with libdsnguard's on the RFC 3464 reports
(dsn/ and the synthetic ones): rows carry "agree", "disagree_count" and
the disagreements in "disagree" (message, how many recipients each side
found, and up to 8 pairs only ours and only theirs have).  What a
peer does not give is not compared: flufl.bounce gives no status (its
failed addresses are compared with our failed and delayed recipients).
A peer that is not installed is said on stderr and has no row.
"""
import email
import email.parser
import email.policy
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as B  # noqa: E402
import synth_report  # noqa: E402

STATUS_RE = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")
DS_TYPES = ("message/delivery-status", "message/global-delivery-status")


def load_messages(q):
    base = B.corpus_dir()
    files = []
    if not base:
        B.log("bench_reports: the shared corpus is ABSENT (looked for "
              "../shared/corpus beside the clone and /work/shared/corpus; "
              "set DSNG_CORPUS_DIR): corpus rows skipped, synthetic only")
        return base, files
    for sub in ("dsn", "other"):
        d = os.path.join(base, sub)
        names = sorted(os.listdir(d)) if os.path.isdir(d) else []
        files += [os.path.join(d, n) for n in names]
    if q:
        files = files[::6]
    return base, files


def ours(files):
    """libdsnguard's (recipient, status, action) per file, from the CLI
    (the C library; the bindings are timed, not trusted for this)."""
    out = {}
    for i in range(0, len(files), 200):
        chunk = files[i:i + 200]
        p = subprocess.run([B.cli(), "parse-report", "--json"] + chunk,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        objs = [json.loads(x) for x in p.stdout.decode().splitlines() if x]
        for f, o in zip(chunk, objs):
            out[f] = [((r.get("final_recipient") or {}).get("addr") or "",
                       r.get("status") or "", r.get("action") or "")
                      for r in o.get("recipients") or []]
    return out


# --- the Python peers -------------------------------------------------

def addr_of(v):
    v = str(v or "")
    if ";" in v:
        v = v.split(";", 1)[1]
    v = re.sub(r"\(.*?\)", "", v).strip().strip("<>").strip()
    return v


def email_parse(raw, hp=email.parser.HeaderParser(
        policy=email.policy.compat32)):
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    found = []
    for part in msg.walk():
        if part.get_content_type() not in DS_TYPES:
            continue
        payload = part.get_payload()
        if isinstance(payload, list):
            blocks = payload
        else:
            body = part.get_payload(decode=True) or b""
            blocks = [hp.parsestr(b) for b in
                      body.decode("utf-8", "replace").split("\n\n")]
        for b in blocks[1:]:
            fr = b.get("Final-Recipient")
            if fr is None:
                continue
            st = STATUS_RE.search(str(b.get("Status") or ""))
            found.append((addr_of(fr), st.group(1) if st else ""))
        break  # the outer report only
    return found


def flufl_parse(raw):
    from flufl.bounce import all_failures
    msg = email.message_from_bytes(raw)
    perm, temp = all_failures(msg)
    return [(a.decode("utf-8", "replace") if isinstance(a, bytes) else a, "")
            for a in sorted(perm | temp)]


def binding_parse(dsnguard):
    def parse(raw):
        try:
            r = dsnguard.parse_report(raw)
        except ValueError:
            return []
        return [((x.get("final_recipient") or {}).get("addr") or "",
                 x.get("status") or "") for x in r.get("recipients") or []]
    return parse


# --- agreement --------------------------------------------------------

def norm(pairs, with_status=True):
    return sorted({(a.strip().lower(), s if with_status else "")
                   for a, s in pairs})


def compare(impl, mine, theirs, scope):
    """mine: file -> [(addr, status, action)]; theirs: file -> [(addr,
    status)].  Only files in scope (RFC 3464 reports) are compared."""
    agree, bad = 0, []
    status = impl != "flufl.bounce"
    for f in scope:
        if f not in theirs:
            continue
        m = mine.get(f, [])
        if not status:  # flufl.bounce: failed and delayed addresses only
            m = [(a, s) for a, s, act in m
                 if act in ("failed", "delayed") or act.startswith("fail")]
        else:
            m = [(a, s) for a, s, _ in m]
        a, b = norm(m, status), norm(theirs[f], status)
        if a == b:
            agree += 1
        else:
            sa, sb = set(a), set(b)
            bad.append({"message": os.path.basename(f), "ours_n": len(a),
                        "theirs_n": len(b),
                        "only_ours": sorted(sa - sb)[:8],
                        "only_theirs": sorted(sb - sa)[:8]})
    return agree, bad


def emit(case, impl, nbytes, secs, nmsg, agreement=None):
    extra = {"bytes": nbytes, "messages": nmsg, "cpu_s": round(secs, 4)}
    if agreement is not None:
        agree, bad = agreement
        extra.update(agree=agree, disagree_count=len(bad), disagree=bad[:500])
    B.row("report", case, impl, round(nbytes / secs), "bytes/s", "higher",
          **extra)


def python_peers(case, files, raws, mine, scope, q, dsnguard):
    peers = [("Python email", email_parse)]
    try:
        import flufl.bounce  # noqa: F401
        peers.append(("flufl.bounce", flufl_parse))
    except ImportError:
        B.log("bench_reports: flufl.bounce not importable under %s "
              "(python3-flufl.bounce): its rows skipped" % sys.executable)
    if dsnguard:
        peers.insert(0, ("Python libdsnguard", binding_parse(dsnguard)))
    nbytes = sum(len(r) for r in raws)
    for impl, fn in peers:
        theirs = {}
        for f, r in zip(files, raws):
            try:
                theirs[f] = fn(r)
            except Exception as e:  # a peer's crash is a result too
                theirs[f] = [("<%s>" % type(e).__name__, "")]

        def run():
            for r in raws:
                try:
                    fn(r)
                except Exception:
                    pass
        t = B.timed(run, 1 if q else 5, 0.02 if q else 0.2)
        emit(case, impl, nbytes, t, len(raws),
             compare(impl, mine, theirs, scope))


def perl_peers(case, files, mine, scope, q, tmp):
    lst = os.path.join(tmp, "list-%s.txt" % case)
    with open(lst, "w") as f:
        f.write("\n".join(files) + "\n")
    script = os.path.join(B.HERE, "peers", "report_peers.pl")
    for impl, name, module in (
            ("dsnguard", "Perl libdsnguard", "DSNGuard"),
            ("sisimai", "Sisimai", "Sisimai"),
            ("bounceparser", "BounceParser",
             "Mail::DeliveryStatus::BounceParser")):
        if subprocess.run(["perl", "-M" + module, "-e", "1"],
                          stderr=subprocess.DEVNULL).returncode:
            B.log("bench_reports: Perl %s not available "
                  "(sh scripts/install-bench-deps.sh; PERL5LIB for the "
                  "binding): its rows skipped" % module)
            continue
        p = subprocess.run(["perl", script, impl, "1" if q else "5",
                            "0.02" if q else "0.2", lst],
                           stdout=subprocess.PIPE)
        if p.returncode:
            B.log("bench_reports: %s failed (exit %d)" % (impl, p.returncode))
            continue
        d = json.loads(p.stdout)
        theirs = {f: [tuple(x) for x in v] for f, v in d["results"].items()}
        emit(case, name, d["bytes"], d["cpu_s"], d["messages"],
             compare(name, mine, theirs, scope))


def side_by_side(case, files, scope, q, dsnguard, tmp):
    raws = []
    for f in files:
        with open(f, "rb") as fh:
            raws.append(fh.read())
    mine = ours(files)
    python_peers(case, files, raws, mine, scope, q, dsnguard)
    perl_peers(case, files, mine, scope, q, tmp)


def callgrind_rows(exe, base, q):
    """Instructions per byte of the corpus, parse and memchr floor: two
    runs differing by some passes, so loading the corpus cancels out."""
    p = subprocess.run([exe, "--count", "0", "parse", base],
                       stdout=subprocess.PIPE, text=True)
    size = int(p.stdout.strip() or 0)
    if p.returncode or not size:
        return
    for how, impl in (("parse", "C libdsnguard"), ("floor", "memchr floor")):
        per = B.callgrind_per_unit(
            lambda k: [exe, "--count", str(k), how, base],
            0 if q else 1, 1 if q else 2, size)
        if per is None:
            B.log("bench_reports: valgrind missing or failed: no "
                  "instruction counts")
            return
        B.row("report", "corpus", impl, round(per, 3), "instr/byte",
              "lower", bytes=size, tool="callgrind")


def main():
    q = B.quick()
    exe = B.bench_bin("bench_report")
    dsnguard = B.python_binding()
    base, files = load_messages(q)
    with tempfile.TemporaryDirectory() as tmp:
        if files:
            B.relay([exe, "--rows"] + (["--quick"] if q else []) + [base])
            callgrind_rows(exe, base, q)
            scope = [f for f in files
                     if os.path.basename(os.path.dirname(f)) == "dsn"]
            side_by_side("corpus", files, scope, q, dsnguard, tmp)
        # synthetic: C on all, the peers on the ones they finish in time
        synth = [("synth-1000-rcpt", 1000, 0, True),
                 ("synth-10000-rcpt", 10000, 0, False),
                 ("synth-body-1MB", 1, 1 << 20, True),
                 ("synth-body-10MB", 1, 10 << 20, not q)]
        if q:
            synth = [("synth-100-rcpt", 100, 0, True),
                     ("synth-10000-rcpt", 10000, 0, False),
                     ("synth-body-1MB", 1, 1 << 20, True)]
        for case, n, body, peers in synth:
            path = os.path.join(tmp, case + ".eml")
            with open(path, "wb") as f:
                f.write(synth_report.make(n, body))
            rows = B.relay([exe, "--file", path, "--group", "report",
                            "--case", case] + (["--quick"] if q else []))
            for r in rows:
                B.row("report", case + "-heap-held", "C libdsnguard",
                      r["heap_held"], "bytes", "lower",
                      input_bytes=r["bytes"], ratio=r["heap_ratio"],
                      recipients=r["recipients"])
            if peers:
                side_by_side(case, [path], [path], q, dsnguard, tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
