#!/usr/bin/python3
"""tests/peers/peers.py CLI SRCDIR WORKDIR - reports of `dsnguard
make-report` as other software reads them.

Over a matrix of actions (each alone and mixed), RET values, ASCII and
UTF-8 (the RFC 6533 global form), LF and CRLF and one or three
recipients:
  - Python's email (policy.default) parses each as multipart/report with
    the report-type, the parts and the header blocks we wrote, and no
    defects;
  - flufl.bounce finds exactly the failed recipients of each failure
    report (only the classic form: flufl.bounce reads no
    message/global-delivery-status and encodes addresses as US-ASCII);
  - Sisimai (tests/peers/sisimai.pl) finds every failed recipient of
    every failure report, global ones included, but for recipients that
    have only a UTF-8 address: Sisimai 4.25's address grammar is ASCII
    (Sisimai::RFC5322), so it cannot return one; those are counted.
"""
import email
import email.policy
import json
import os
import subprocess
import sys

from flufl.bounce import all_failures

CLI, SRC, WORK = sys.argv[1:4]
NOW = "2026-11-29T01:45:00Z"
STATUS = {"failed": "5.1.1", "delayed": "4.4.1", "delivered": "2.0.0",
          "relayed": "2.0.0", "expanded": "2.1.5"}
NOTIFY = {"failed": "FAILURE", "delayed": "DELAY", "delivered": "SUCCESS",
          "relayed": "SUCCESS", "expanded": "SUCCESS"}

ORIGINAL = (b"Return-Path: <sender@example.org>\n"
            b"Received: from client.example.org (client.example.org "
            b"[192.0.2.66])\n\tby mx.example.test with ESMTP id 4711;\n"
            b"\tSun, 29 Nov 2026 01:44:00 +0000\n"
            b"From: Sender <sender@example.org>\n"
            b"To: someone@example.test\n"
            b"Subject: peers test\n"
            b"Date: Sun, 29 Nov 2026 01:43:59 +0000\n"
            b"Message-ID: <peers.1@example.org>\n"
            b"MIME-Version: 1.0\n"
            b"Content-Type: text/plain; charset=us-ascii\n"
            b"\n"
            b"Hello, this is the body of the original message.\n")
ORIGINAL_UTF8 = ("From: Jörg <joerg@bücher.test>\r\n"
                 "To: someone@example.test\r\n"
                 "Subject: Grüße ✉\r\n"
                 "Message-ID: <peers.2@example.org>\r\n"
                 "MIME-Version: 1.0\r\n"
                 "Content-Type: text/plain; charset=utf-8\r\n"
                 "\r\n"
                 "Grüße aus Köln\r\n").encode()

failures = []


def fail(case, what):
    failures.append(f"{case}: {what}")


def xtext(s):
    return "".join(c if 33 <= ord(c) <= 126 and c not in "+=" else
                   "".join(f"+{b:02X}" for b in c.encode()) for c in s)


def make_case(n, actions, ret, utf8, crlf, nrcpt):
    rcpts, expect = [], []
    for i in range(nrcpt):
        action = actions[i % len(actions)]
        if utf8 and i % 2 == 0:
            addr = f"jörg.{n}.{i}@bücher.test"
        else:
            addr = f"user.{n}.{i}@example.test"
        r = {"addr": addr, "notify": [NOTIFY[action]], "action": action,
             "status": STATUS[action],
             "last_attempt_date": "Sun, 29 Nov 2026 01:44:30 +0000"}
        orcpt = None
        if i % 2 == 1:
            orcpt = f"Orig.{n}.{i}@example.test"
            r["orcpt"] = "rfc822;" + xtext(orcpt)
        if action in ("failed", "delayed"):
            r["remote_mta"] = {"type": "dns", "name": "mx2.example.net"}
            r["diagnostic_code"] = {
                "type": "smtp",
                "text": f"550 5.1.1 <{addr}>: Recipient address rejected: "
                        "User unknown in virtual mailbox table"
                if action == "failed" else
                "451 4.4.1 Connection timed out"}
        if action == "delayed":
            r["will_retry_until"] = "Fri, 04 Dec 2026 01:44:00 +0000"
        rcpts.append(r)
        expect.append({"addr": addr, "orcpt": orcpt, "action": action})
    sender = "sénder@exämple.org" if utf8 and n % 3 == 0 else \
        "sender@example.org"
    spec = {"reporting_mta": "mx.example.test",
            "arrival_date": "Sun, 29 Nov 2026 01:44:00 +0000",
            "envelope": {"from": sender, "ret": ret, "envid": f"peers{n}",
                         "client": {"addr": "192.0.2.66",
                                    "helo": "client.example.org",
                                    "port": 25, "service": "smtp"}},
            "recipients": rcpts}
    return spec, expect, sender


def run_cli(n, spec, original, crlf):
    sp = os.path.join(WORK, f"case-{n:03d}.json")
    op = os.path.join(WORK, f"case-{n:03d}.orig")
    with open(sp, "w", encoding="utf-8") as f:
        json.dump(spec, f, ensure_ascii=False)
    with open(op, "wb") as f:
        f.write(original)
    cmd = [CLI, "make-report", "--no-policy", "--now", NOW]
    if crlf:
        cmd.append("--crlf")
    p = subprocess.run(cmd + [sp, op], capture_output=True)
    if p.returncode != 0:
        raise SystemExit(f"case {n}: make-report exit {p.returncode}: "
                         f"{p.stderr.decode(errors='replace')}")
    out = os.path.join(WORK, f"case-{n:03d}.eml")
    with open(out, "wb") as f:
        f.write(p.stdout)
    return out, p.stdout


def defects(msg):
    found = list(msg.defects)
    for part in msg.walk():
        found += part.defects
    return found


def check_email(case, data, expect, sender, glob, want_full):
    msg = email.message_from_bytes(data, policy=email.policy.default)
    if defects(msg):
        fail(case, f"email defects: {defects(msg)}")
    if msg.get_content_type() != "multipart/report":
        fail(case, f"content type {msg.get_content_type()}")
    rtype = "global-delivery-status" if glob else "delivery-status"
    if msg.get_param("report-type") != rtype:
        fail(case, f"report-type {msg.get_param('report-type')}")
    if msg["Auto-Submitted"] != "auto-replied":
        fail(case, "Auto-Submitted")
    # Python keeps raw UTF-8 (RFC 6532) header octets surrogate-escaped
    to = msg["To"].addresses[0].addr_spec
    if to.encode("ascii", "surrogateescape").decode("utf-8") != sender:
        fail(case, f"To {msg['To']}")
    if "MAILER-DAEMON@mx.example.test" not in str(msg["From"]):
        fail(case, f"From {msg['From']}")
    parts = msg.get_payload()
    types = [p.get_content_type() for p in parts]
    want = ["text/plain",
            "message/global-delivery-status" if glob
            else "message/delivery-status"]
    if want_full is not None:
        want.append(("message/global" if glob else "message/rfc822")
                    if want_full else
                    ("message/global-headers" if glob
                     else "text/rfc822-headers"))
    if types != want:
        fail(case, f"parts {types}, want {want}")
        return
    if not glob:
        # Python reads message/delivery-status as a list of header blocks
        blocks = parts[1].get_payload()
        if len(blocks) != 1 + len(expect):
            fail(case, f"{len(blocks)} blocks for {len(expect)} recipients")
            return
        if blocks[0]["Reporting-MTA"] != "dns; mx.example.test":
            fail(case, f"Reporting-MTA {blocks[0]['Reporting-MTA']}")
        for b, e in zip(blocks[1:], expect):
            if b["Action"] != e["action"] or \
                    b["Final-Recipient"] != "rfc822; " + e["addr"]:
                fail(case, f"block {b['Final-Recipient']} {b['Action']}")
    if want_full:
        inner = parts[2].get_payload()[0]
        if not inner["Message-ID"].startswith("<peers."):
            fail(case, "returned message's Message-ID")
    text = parts[0].get_content()
    for e in expect:
        if e["addr"] not in text:
            fail(case, f"text part does not name {e['addr']}")


def check_flufl(case, data, expect):
    msg = email.message_from_bytes(data)
    temporary, permanent = all_failures(msg)
    want_p = {(e["orcpt"] or e["addr"]).lower() for e in expect
              if e["action"] == "failed"}
    want_t = {(e["orcpt"] or e["addr"]).lower() for e in expect
              if e["action"] == "delayed"}
    got_p = {a.decode().lower() for a in permanent}
    got_t = {a.decode().lower() for a in temporary}
    if got_p != want_p:
        fail(case, f"flufl.bounce failures {sorted(got_p)}, want "
                   f"{sorted(want_p)}")
    if got_t != want_t:
        fail(case, f"flufl.bounce delays {sorted(got_t)}, want "
                   f"{sorted(want_t)}")


def main():
    manifest = []
    n = 0
    action_sets = [["failed"], ["delayed"], ["delivered"], ["relayed"],
                   ["expanded"], ["failed", "delivered", "delayed"]]
    for actions in action_sets:
        for ret in (None, "HDRS", "FULL"):
            for utf8 in (False, True):
                for crlf in (False, True):
                    nrcpt = 3 if (n % 2 or len(actions) > 1) else 1
                    spec, expect, sender = make_case(n, actions, ret, utf8,
                                                     crlf, nrcpt)
                    original = ORIGINAL_UTF8 if utf8 and n % 4 == 1 \
                        else ORIGINAL
                    path, data = run_cli(n, spec, original, crlf)
                    glob = any(ord(c) > 127 for c in sender) or \
                        any(ord(c) > 127 for e in expect
                            for c in e["addr"]) or original is ORIGINAL_UTF8
                    full = ret == "FULL" and "failed" in actions
                    case = f"case {n} {'+'.join(actions)} ret={ret} " \
                           f"utf8={utf8} crlf={crlf}"
                    check_email(case, data, expect, sender, glob, full)
                    if not glob:
                        check_flufl(case, data, expect)
                    if "failed" in actions:
                        manifest.append({"case": case, "file": path,
                                         "failed": [e for e in expect if
                                                    e["action"] ==
                                                    "failed"]})
                    n += 1
    mpath = os.path.join(WORK, "manifest.json")
    with open(mpath, "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False)
    p = subprocess.run(["perl", os.path.join(SRC, "sisimai.pl"), mpath],
                       capture_output=True)
    sys.stdout.write(p.stdout.decode(errors="replace"))
    if p.returncode != 0:
        failures.append("Sisimai: " + p.stderr.decode(errors="replace"))
    for f in failures:
        print("FAIL:", f)
    print(f"peers: {n} reports, {len(manifest)} failure reports checked "
          f"with Sisimai, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
