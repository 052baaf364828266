"""DESIGN.md section 4: dsnguard.aiosmtpd.SMTP and Controller(handler,
policy=..., **kw), and the shape of envelope.dsn, driven by smtplib.
Needs an interpreter that imports aiosmtpd (/usr/bin/python3 on Debian)
and the binding built for it on PYTHONPATH; exit 77 (skip) otherwise."""
import inspect
import socket
import smtplib
import sys
import time
import unittest

try:
    import aiosmtpd.controller
    import aiosmtpd.smtp
except ImportError as e:
    print("SKIP: aiosmtpd does not import in %s (%s)" % (sys.executable, e))
    sys.exit(77)

import dsnguard
import dsnguard.aiosmtpd as dag


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Keep:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 2.0.0 Ok"


class Contract(unittest.TestCase):
    def test_classes(self):
        self.assertTrue(issubclass(dag.SMTP, aiosmtpd.smtp.SMTP))
        self.assertTrue(issubclass(dag.Controller,
                                   aiosmtpd.controller.Controller))
        params = inspect.signature(dag.Controller).parameters
        self.assertEqual(list(params)[0], "handler")
        self.assertIn("policy", params)

    def test_envelope_dsn(self):
        pol = dsnguard.Policy.from_string(
            "preset = permissive\n", name="contract")
        keep = Keep()
        port = free_port()
        c = dag.Controller(keep, policy=pol, hostname="127.0.0.1", port=port)
        c.start()
        self.addCleanup(c.stop)
        mail, rcpt = dsnguard.smtplib_options(
            ret="HDRS", envid="id=1 x", notify=["SUCCESS", "DELAY"],
            orcpt="b+c@example.test")
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as s:
            s.ehlo("client.example")
            self.assertTrue(s.has_extn("dsn"))
            s.sendmail("a@example.org", ["b+c@example.test", "d@example.test"],
                       b"Subject: t\r\n\r\nhi\r\n", mail_options=mail,
                       rcpt_options=rcpt)
        for _ in range(50):
            if keep.envelopes:
                break
            time.sleep(0.05)
        (env,) = keep.envelopes
        dsn = env.dsn
        self.assertEqual(set(dsn), {"ret", "envid", "rcpts"})
        self.assertEqual((dsn["ret"], dsn["envid"]), ("HDRS", "id=1 x"))
        self.assertEqual(len(dsn["rcpts"]), 2)
        for r in dsn["rcpts"]:
            self.assertEqual(set(r), {"addr", "notify", "orcpt"})
            self.assertEqual(r["notify"], ["SUCCESS", "DELAY"])
        self.assertEqual(dsn["rcpts"][0]["addr"], "b+c@example.test")
        orcpt = dsn["rcpts"][0]["orcpt"]
        self.assertIn("b+c@example.test", str(orcpt))
        self.assertNotIn("+2B", str(orcpt))


if __name__ == "__main__":
    unittest.main()
