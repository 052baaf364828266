#!/usr/bin/env python3
"""tests/mta/exim/check.py SENT SCAN - compare `dsnguard scan-log --json`
output (SCAN) with what send.py sent and expected (SENT, JSON lines).
Prints each difference; exits 1 when there is one."""
import json
import sys


def main():
    sent = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
    lines = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
    events = [o for o in lines if o.get("event") == "dsn"]
    summary = [o for o in lines if o.get("summary")]
    bad = []

    def fail(msg):
        bad.append(msg)
        print("FAIL: " + msg)

    by_orig = {}
    for e in events:
        by_orig.setdefault(e["orig_queue_id"], []).append(e)
    for m in sent:
        got = by_orig.pop(m["id"], [])
        kinds = [e["kind"] for e in got]
        if kinds != m["expect"]:
            fail("%s (%s): kinds %s, want %s" % (m["name"], m["id"], kinds, m["expect"]))
        for e in got:
            what = "%s -> %s" % (m["name"], e["dsn_queue_id"])
            if e["mta"] != "exim":
                fail("%s: mta %s" % (what, e["mta"]))
            if e["orig_from"] != m["from"]:
                fail("%s: orig_from %r, want %r" % (what, e["orig_from"], m["from"]))
            if e["to"] != m["from"]:
                fail("%s: to %r, want %r" % (what, e["to"], m["from"]))
            if sorted(e["orig_rcpts"] or []) != sorted(m["rcpts"]):
                fail("%s: orig_rcpts %r, want %r" % (what, e["orig_rcpts"], m["rcpts"]))
            c = e["client"]
            if c["addr"] != "127.0.0.1" or c["name"] is not None:
                fail("%s: client %r" % (what, c))
            if c["sasl_username"] != m["sasl"]:
                fail("%s: sasl %r, want %r" % (what, c["sasl_username"], m["sasl"]))
            if e["service"] != m["service"]:
                fail("%s: service %r, want %r" % (what, e["service"], m["service"]))
            if not e["text"].startswith("<= <> R=" + m["id"]):
                fail("%s: text %r" % (what, e["text"]))
    for orig, got in by_orig.items():
        fail("unexpected notices about %s: %s" % (orig, [e["kind"] for e in got]))
    want = sum(len(m["expect"]) for m in sent)
    if len(summary) != 1:
        fail("%d summaries" % len(summary))
    else:
        s = summary[0]
        if s["events"] != want:
            fail("summary: %d events, want %d" % (s["events"], want))
        for row in s["by_client"]:
            # the protocol is not a client's name
            if row.get("name") in ("esmtp", "esmtpa", "local"):
                fail("summary: client %r named %r" % (row.get("addr"), row["name"]))
        if s["garbage"]:
            fail("summary: %d garbage lines" % s["garbage"])
    if not bad:
        print("exim scan: %d messages, %d notices as expected" % (len(sent), want))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
