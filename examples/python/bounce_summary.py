#!/usr/bin/env python3
"""Summarise the delivery reports in a mailbox.

    bounce_summary.py [--json] [--unsubscribe-only] MAILBOX...

MAILBOX is an mbox file or a Maildir folder (a directory with cur/ and
new/).  Every message is read with dsnguard.parse_report; the RFC 3464
reports (and RFC 6533 global ones) are counted by status class, by the
recipient's domain and by reason (the registered meaning of the status
code, RFC 3463), and the recipients whose address is permanently bad are
listed: those are the addresses a list manager should unsubscribe.
Messages that are not reports are counted apart, never guessed at.

Exit status: 0 done, 2 usage or a mailbox that cannot be read.
"""

import argparse
import collections
import json
import mailbox
import os
import sys

import dsnguard

# Permanent failures that say the address itself is bad (RFC 3463 and the
# IANA registry): unknown mailbox or system, bad syntax, moved, null MX,
# disabled mailbox.  Policy refusals (5.7.x) and full mailboxes (5.2.2)
# are not a reason to drop a subscriber.
_BAD_ADDRESS = ("5.1.1", "5.1.2", "5.1.3", "5.1.6", "5.1.10", "5.2.1")

_CLASS_NAMES = {2: "success", 4: "transient", 5: "permanent"}


def _messages(path):
    """Yield (key, bytes) for each message of an mbox file or Maildir."""
    if os.path.isdir(path):
        box = mailbox.Maildir(path, factory=None, create=False)
    elif os.path.isfile(path):
        box = mailbox.mbox(path, factory=None, create=False)
    else:
        raise OSError("%s: no such mbox file or Maildir" % path)
    try:
        for key in box.iterkeys():
            yield "%s:%s" % (path, key), box.get_bytes(key)
    finally:
        box.close()


def _domain(addr):
    at = addr.rfind("@")
    return addr[at + 1:].lower() if at >= 0 else "(no domain)"


def _reason(status):
    if status is None:
        return "(no valid status)"
    described = dsnguard.status_describe(status)
    return "%s %s" % (status, described["description"] or
                      described["subject_name"] or "unregistered")


class Summary:
    """Counts over the reports seen; add() one parsed message at a time."""

    def __init__(self):
        self.messages = 0
        self.reports = 0
        self.not_reports = 0
        self.unreadable = []
        self.by_class = collections.Counter()
        self.by_domain = collections.Counter()
        self.by_reason = collections.Counter()
        self.unsubscribe = {}

    def add(self, where, data):
        self.messages += 1
        try:
            rep = dsnguard.parse_report(data)
        except dsnguard.ParseError as e:
            self.unreadable.append({"message": where, "error": str(e)})
            return
        if rep["kind"] != "dsn":
            self.not_reports += 1
            return
        self.reports += 1
        for r in rep["recipients"]:
            final = r["final_recipient"] or r["original_recipient"]
            addr = final["addr"] if final else "(no recipient)"
            status = r["status"]
            cls = int(status[0]) if status else None
            self.by_class[_CLASS_NAMES.get(cls, "unknown")] += 1
            self.by_domain[_domain(addr)] += 1
            self.by_reason[_reason(status)] += 1
            if r["action"] == "failed" and status in _BAD_ADDRESS:
                self.unsubscribe.setdefault(addr.lower(), status)

    def to_dict(self):
        return {
            "messages": self.messages,
            "reports": self.reports,
            "not_reports": self.not_reports,
            "unreadable": self.unreadable,
            "by_class": dict(self.by_class.most_common()),
            "by_domain": dict(self.by_domain.most_common()),
            "by_reason": dict(self.by_reason.most_common()),
            "unsubscribe": [{"addr": a, "status": s}
                            for a, s in sorted(self.unsubscribe.items())],
        }

    def write_text(self, out):
        out.write("%d messages: %d delivery reports, %d other, %d "
                  "unreadable\n" % (self.messages, self.reports,
                                    self.not_reports, len(self.unreadable)))
        for title, counter in (("by status class", self.by_class),
                               ("by domain", self.by_domain),
                               ("by reason", self.by_reason)):
            out.write("\n%s:\n" % title)
            for key, n in counter.most_common():
                out.write("  %6d  %s\n" % (n, key))
        out.write("\nto unsubscribe (%d):\n" % len(self.unsubscribe))
        for addr, status in sorted(self.unsubscribe.items()):
            out.write("  %s  %s\n" % (addr, status))


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Summarise the delivery reports in mbox files or "
                    "Maildirs.")
    ap.add_argument("mailboxes", nargs="+", metavar="MAILBOX")
    ap.add_argument("--json", action="store_true",
                    help="print one JSON object")
    ap.add_argument("--unsubscribe-only", action="store_true",
                    help="print only the addresses to unsubscribe")
    args = ap.parse_args(argv)
    summary = Summary()
    try:
        for path in args.mailboxes:
            for where, data in _messages(path):
                summary.add(where, data)
    except (OSError, mailbox.Error) as e:
        sys.stderr.write("bounce_summary: %s\n" % e)
        return 2
    if args.unsubscribe_only:
        for addr in sorted(summary.unsubscribe):
            sys.stdout.write(addr + "\n")
    elif args.json:
        json.dump(summary.to_dict(), sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        summary.write_text(sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
