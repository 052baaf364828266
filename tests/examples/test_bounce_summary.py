"""examples/python/bounce_summary.py over an mbox and a Maildir.

The reports are written by `dsnguard make-report --no-policy` (DSNG_CLI)
from specs made here, so what the summary must find is known from the
specs, not from the summariser; the real reports of tests/data/reports/
then check that every message is accounted for."""

import glob
import json
import mailbox
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SCRIPT = os.path.join(ROOT, "examples", "python", "bounce_summary.py")
CLI = os.environ.get("DSNG_CLI")

# (recipient, action, status): what each generated report says.
OUTCOMES = [
    ("gone@a.example", "failed", "5.1.1"),
    ("Gone@A.example", "failed", "5.1.1"),  # same address, other case
    ("full@b.example", "failed", "5.2.2"),
    ("spam@c.example", "failed", "5.7.1"),
    ("slow@b.example", "delayed", "4.4.1"),
    ("ok@a.example", "delivered", "2.0.0"),
]


def make_report(tmp, i, addr, action, status):
    spec = {
        "reporting_mta": "mx.example.test",
        "envelope": {"from": "list@example.org", "ret": "HDRS",
                     "envid": None, "client": None},
        "recipients": [{"addr": addr, "orcpt": None,
                        "notify": ["SUCCESS", "FAILURE", "DELAY"],
                        "action": action, "status": status,
                        "remote_mta": None, "diagnostic_code": None,
                        "last_attempt_date": 1795916640}],
    }
    path = os.path.join(tmp, "spec%d.json" % i)
    with open(path, "w") as f:
        json.dump(spec, f)
    return subprocess.run([CLI, "make-report", "--no-policy", "--now",
                           "1795916640", path], check=True,
                          stdout=subprocess.PIPE).stdout


def summarise(*args):
    out = subprocess.run([sys.executable, SCRIPT] + list(args),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    return out


@unittest.skipUnless(CLI, "DSNG_CLI unset")
class Summary(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        tmp = cls.tmp.name
        cls.mbox = os.path.join(tmp, "bounces.mbox")
        cls.maildir = os.path.join(tmp, "Maildir")
        reports = [make_report(tmp, i, *o) for i, o in enumerate(OUTCOMES)]
        plain = (b"From: a@example.org\nTo: b@example.org\n"
                 b"Subject: not a bounce\n\nhello\n")
        box = mailbox.mbox(cls.mbox)
        md = mailbox.Maildir(cls.maildir)
        for data in reports + [plain]:
            box.add(data)
            md.add(data)
        box.close()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def run_json(self, *paths):
        out = summarise("--json", *paths)
        self.assertEqual(out.returncode, 0, out.stderr)
        return json.loads(out.stdout)

    def test_counts_from_the_reports(self):
        s = self.run_json(self.mbox)
        self.assertEqual(s["messages"], len(OUTCOMES) + 1)
        self.assertEqual(s["reports"], len(OUTCOMES))
        self.assertEqual(s["not_reports"], 1)
        self.assertEqual(s["unreadable"], [])
        self.assertEqual(s["by_class"],
                         {"permanent": 4, "transient": 1, "success": 1})
        self.assertEqual(s["by_domain"],
                         {"a.example": 3, "b.example": 2, "c.example": 1})
        self.assertEqual(s["by_reason"]["5.1.1 Bad destination mailbox "
                                        "address"], 2)
        self.assertIn("4.4.1", " ".join(s["by_reason"]))
        # Only the bad address is dropped: not the full mailbox, not the
        # policy refusal, not the delay; case folded, listed once.
        self.assertEqual(s["unsubscribe"],
                         [{"addr": "gone@a.example", "status": "5.1.1"}])

    def test_maildir_gives_the_same_summary(self):
        a = self.run_json(self.mbox)
        b = self.run_json(self.maildir)
        self.assertEqual(a, b)

    def test_unsubscribe_only_and_text(self):
        out = summarise("--unsubscribe-only", self.maildir)
        self.assertEqual(out.stdout, "gone@a.example\n")
        out = summarise(self.mbox)
        self.assertIn("7 messages: 6 delivery reports, 1 other", out.stdout)

    def test_missing_mailbox_is_exit_2(self):
        out = summarise(os.path.join(self.tmp.name, "nope"))
        self.assertEqual(out.returncode, 2)
        self.assertIn("no such mbox", out.stderr)


class RealReports(unittest.TestCase):
    def test_every_message_is_accounted_for(self):
        files = sorted(glob.glob(os.path.join(ROOT, "tests", "data",
                                              "reports", "dsn", "*")) +
                       glob.glob(os.path.join(ROOT, "tests", "data",
                                              "reports", "other", "*")))
        self.assertGreater(len(files), 30)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "real.mbox")
            box = mailbox.mbox(path)
            for f in files:
                with open(f, "rb") as fh:
                    box.add(fh.read())
            box.close()
            out = summarise("--json", path)
        self.assertEqual(out.returncode, 0, out.stderr)
        s = json.loads(out.stdout)
        self.assertEqual(s["messages"], len(files))
        self.assertEqual(s["reports"] + s["not_reports"] +
                         len(s["unreadable"]), len(files))
        self.assertGreater(s["reports"], 25)
        self.assertEqual(sum(s["by_class"].values()),
                         sum(s["by_domain"].values()))


if __name__ == "__main__":
    unittest.main()
