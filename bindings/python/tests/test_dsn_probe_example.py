"""examples/python/dsn_probe.py against fake SMTP servers on 127.0.0.1:
exit status per verdict, --json equal to dsnguard.probe's to_dict(), the
text output, usage, and never DATA."""
import json
import os
import subprocess
import sys
import unittest

import dsnguard
from fakesmtp import FakeSMTP

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir,
                      os.pardir, os.pardir, "examples", "python",
                      "dsn_probe.py")
A = ["--from", "spammer@forged.example", "--to", "user@fake.test",
     "--timeout", "5", "--ehlo", "probe.example"]


def run(*args):
    p = subprocess.run([sys.executable, SCRIPT] + list(args),
                       capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


class Example(unittest.TestCase):
    def test_verdicts_and_exit_status(self):
        for mode, want in (("exposed", 1), ("refused", 0),
                           ("not_offered", 0), ("drop", 2)):
            with self.subTest(mode=mode), FakeSMTP(mode) as srv:
                rc, out, _ = run("127.0.0.1", "--port", str(srv.port), *A,
                                 "--json")
                got = json.loads(out)
                lib = dsnguard.probe(
                    "127.0.0.1", port=srv.port, mail_from=A[1],
                    rcpt_to=A[3], timeout=5, ehlo="probe.example")
                self.assertEqual(rc, want)
                self.assertEqual(got, lib.to_dict())
                self.assertFalse([w for w in srv.lines()
                                  if w.upper().startswith(b"DATA")])

    def test_text(self):
        with FakeSMTP("refused") as srv:
            rc, out, _ = run("127.0.0.1", "--port", str(srv.port), *A)
        self.assertEqual(rc, 0)
        self.assertIn("verdict    refused", out)
        self.assertIn("RCPT       >>> RCPT TO:<user@fake.test> NOTIFY=SUCCESS",
                      out)
        self.assertIn("<<< 550 5.7.1 receipts only for our users", out)

    def test_usage(self):
        rc, _, err = run("127.0.0.1", "--from", "a@b.example")
        self.assertEqual(rc, 2)
        self.assertIn("--to", err)
        rc, _, err = run("127.0.0.1", "--from", "a b", "--to", "c@d.example",
                         "--port", "1")
        self.assertEqual(rc, 2)
        self.assertIn("--from address", err)


if __name__ == "__main__":
    unittest.main()
