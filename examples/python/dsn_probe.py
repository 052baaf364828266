#!/usr/bin/env python3
"""examples/python/dsn_probe.py - will this server mail a return receipt to
whoever asks?

    dsn_probe.py HOST --from A --to B [--port N] [--ehlo NAME]
                 [--timeout S] [--source ADDR] [--starttls] [--json]

dsnguard.probe decides every command (through libdsnguard) and never
sends DATA, so nothing is ever delivered.  Exit 0 refused or not offered,
1 exposed, 2 usage or the probe could not complete.
"""
import argparse
import json
import sys

import dsnguard


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Ask an SMTP server for a return receipt "
        "(NOTIFY=SUCCESS) without sending mail.")
    ap.add_argument("host")
    ap.add_argument("--from", dest="mail_from", required=True)
    ap.add_argument("--to", dest="rcpt_to", required=True)
    ap.add_argument("--port", type=int, default=25)
    ap.add_argument("--ehlo")
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--source")
    ap.add_argument("--starttls", action="store_true")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    try:
        r = dsnguard.probe(a.host, mail_from=a.mail_from, rcpt_to=a.rcpt_to,
                           port=a.port, ehlo=a.ehlo, timeout=a.timeout,
                           source=a.source, starttls=a.starttls)
    except (ValueError, TypeError) as e:
        print("dsn_probe: %s" % e, file=sys.stderr)
        return 2
    if a.json:
        print(json.dumps(r.to_dict(), ensure_ascii=False))
    else:
        print("probe      %s port %d" % (r.host, r.port))
        if r.greeting:
            print("greeting   %d %s" % (r.greeting["code"], r.greeting["text"]))
        if r.ehlo:
            caps = " ".join(r.ehlo["capabilities"])
            print("%-10s %d, %s%s" % (
                "EHLO" if r.ehlo["esmtp"] else "HELO", r.ehlo["code"],
                "DSN advertised" if r.ehlo["dsn"] else "DSN not advertised",
                ": " + caps if caps else ""))
        for name, step in (("STARTTLS", r.starttls), ("MAIL", r.mail),
                           ("RCPT", r.rcpt), ("RCPT", r.rcpt_plain)):
            if step is None:
                continue
            print("%-10s >>> %s" % (name, step["line"]))
            if step["code"] is None:
                print("%-10s <<< (no reply)" % "")
            else:
                print("%-10s <<< %d%s %s" % (
                    "", step["code"],
                    " " + step["enhanced"] if step["enhanced"] else "",
                    step["text"].split("\n")[0]))
        print("verdict    %s" % r.verdict)
        if r.error:
            print("error      %s, %s: %s" % (r.error["step"],
                                            r.error["cause"],
                                            r.error["message"]))
    return {"exposed": 1, "incomplete": 2}.get(r.verdict, 0)


if __name__ == "__main__":
    sys.exit(main())
