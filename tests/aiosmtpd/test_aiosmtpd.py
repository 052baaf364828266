"""dsnguard.aiosmtpd against Debian's aiosmtpd, driven by smtplib on
127.0.0.1 (trusted) and 127.0.0.2 (a stranger).  Needs the interpreter
that can import aiosmtpd (/usr/bin/python3 on Debian) and the binding
built for it on PYTHONPATH; DSNG_CLI names the dsnguard CLI and
DSNG_EXAMPLES the examples/python folder."""

import mailbox
import os
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
import unittest

try:
    import aiosmtpd.controller
    import aiosmtpd.smtp
    from aiosmtpd.smtp import AuthResult
except ImportError as e:  # ctest reads 77 as a skip, with this reason
    print("SKIP: aiosmtpd does not import in %s (%s): install Debian's "
          "python3-aiosmtpd and run under /usr/bin/python3"
          % (sys.executable, e))
    sys.exit(77)

import dsnguard
from dsnguard.aiosmtpd import SMTP, Controller

POLICY = "preset = recommended\n[trusted-networks]\n127.0.0.1/32\n"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """Keeps every envelope handed to handle_DATA."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


def accept_all(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"alice" and auth_data.password == b"secret"
    return AuthResult(success=ok, auth_data=auth_data)


class Server(unittest.TestCase):
    policy_text = POLICY
    kwargs = {}

    def setUp(self):
        self.handler = Recorder()
        self.port = free_port()
        self.controller = Controller(
            self.handler, policy=dsnguard.Policy.from_string(
                self.policy_text, name="test.conf"),
            hostname="127.0.0.1", port=self.port,
            server_hostname="mx.example.test", auth_require_tls=False,
            authenticator=accept_all, **self.kwargs)
        self.controller.start()
        self.addCleanup(self.controller.stop)

    def client(self, source="127.0.0.1"):
        c = smtplib.SMTP("127.0.0.1", self.port,
                         source_address=(source, 0), timeout=10)
        self.addCleanup(c.close)
        return c

    def message(self, extra=""):
        return ("From: a@example.org\r\nTo: b@example.test\r\n"
                "Subject: t\r\n%s\r\nbody\r\n" % extra).encode()


class TrustedClient(Server):
    def test_dsn_advertised_and_parameters_decoded(self):
        c = self.client()
        c.ehlo("client.example")
        self.assertTrue(c.has_extn("dsn"))
        c.sendmail("a@example.org", ["b@example.test", "c@example.test"],
                   self.message(),
                   mail_options=["RET=HDRS", "ENVID=cost+2B5"],
                   rcpt_options=["NOTIFY=SUCCESS,DELAY",
                                 "ORCPT=rfc822;b+2Bx@example.test"])
        env = self.handler.envelopes[-1]
        self.assertEqual(env.mail_from, "a@example.org")
        self.assertEqual(env.rcpt_tos, ["b@example.test", "c@example.test"])
        self.assertEqual(env.dsn, {
            "ret": "HDRS", "envid": "cost+5",
            "rcpts": [{"addr": "b@example.test",
                       "notify": ["SUCCESS", "DELAY"],
                       "orcpt": "rfc822;b+x@example.test"},
                      {"addr": "c@example.test",
                       "notify": ["SUCCESS", "DELAY"],
                       "orcpt": "rfc822;b+x@example.test"}]})
        # smtplib adds SIZE= itself; the options are as sent, in order.
        self.assertEqual(env.mail_options[-2:], ["RET=HDRS", "ENVID=cost+2B5"])
        self.assertTrue(all(d.action == "accept"
                            for d in env.dsn_decisions))

    def test_stock_aiosmtpd_refuses_what_this_accepts(self):
        # The chatmail case: NOTIFY=DELAY,FAILURE gets 555 from aiosmtpd.
        stock = aiosmtpd.controller.Controller(
            Recorder(), hostname="127.0.0.1", port=free_port())
        stock.start()
        self.addCleanup(stock.stop)
        c = smtplib.SMTP("127.0.0.1", stock.port, timeout=10)
        self.addCleanup(c.close)
        c.ehlo("x")
        c.mail("a@example.org")
        self.assertEqual(c.rcpt("b@example.test",
                                ["NOTIFY=DELAY,FAILURE"])[0], 555)
        c2 = self.client()
        c2.ehlo("x")
        c2.mail("a@example.org")
        self.assertEqual(c2.rcpt("b@example.test",
                                 ["NOTIFY=DELAY,FAILURE"])[0], 250)

    def test_no_notify_is_none_and_null_sender(self):
        c = self.client()
        c.ehlo("x")
        self.assertEqual(c.mail("<>")[0], 250)
        self.assertEqual(c.rcpt("b@example.test")[0], 250)
        c.data(self.message())
        env = self.handler.envelopes[-1]
        self.assertEqual(env.mail_from, "")
        self.assertEqual(env.dsn["rcpts"], [
            {"addr": "b@example.test", "notify": None, "orcpt": None}])
        self.assertIsNone(env.dsn["ret"])

    def test_syntax_errors_get_the_library_reply(self):
        c = self.client()
        c.ehlo("x")
        c.mail("a@example.org")
        code, text = c.rcpt("b@example.test", ["NOTIFY=BOGUS"])
        self.assertEqual(code, 501)
        self.assertTrue(text.startswith(b"5.5.4"), text)
        code, _ = c.rcpt("b@example.test", ["ORCPT=b@example.test"])
        self.assertEqual(code, 501)
        code, _ = c.rcpt("b@example.test", ["FOO=1"])
        self.assertEqual(code, 555)
        # The session goes on: a good RCPT after the refusals.
        self.assertEqual(c.rcpt("b@example.test", ["NOTIFY=NEVER"])[0], 250)

    def test_nested_mail_and_rcpt_before_mail(self):
        c = self.client()
        c.ehlo("x")
        self.assertEqual(c.rcpt("b@example.test")[0], 503)
        c.mail("a@example.org")
        self.assertEqual(c.mail("a@example.org")[0], 503)
        c.rset()
        self.assertEqual(c.mail("a@example.org", ["RET=FULL"])[0], 250)

    def test_helo_session_takes_no_parameters(self):
        c = self.client()
        c.helo("x")
        c.mail("a@example.org")
        # smtplib drops options after HELO: send the line by hand.
        self.assertEqual(c.docmd("RCPT", "TO:<b@example.test> "
                                 "NOTIFY=SUCCESS")[0], 501)
        self.assertEqual(c.rcpt("b@example.test")[0], 250)

    def test_long_lines_allowed_once_dsn_is_offered(self):
        # RFC 3461 section 4: NOTIFY and ORCPT may add 500 characters.
        c = self.client()
        c.ehlo("x")
        c.mail("a@example.org", ["ENVID=" + "e" * 100])
        orcpt = "ORCPT=rfc822;" + "o" * 200 + "@example.test"
        self.assertEqual(c.rcpt("b@example.test",
                                ["NOTIFY=SUCCESS", orcpt])[0], 250)


class Stranger(Server):
    def test_dsn_hidden_and_receipt_request_refused(self):
        c = self.client("127.0.0.2")
        c.ehlo("spammer.example")
        self.assertFalse(c.has_extn("dsn"))
        self.assertTrue(c.has_extn("size"))
        c.mail("victim@example.org")
        code, text = c.rcpt("b@example.test", ["NOTIFY=SUCCESS"])
        self.assertEqual(code, 550)
        self.assertTrue(text.startswith(b"5.7.1"), text)
        self.assertEqual(c.rcpt("b@example.test")[0], 250)
        c.data(self.message("Disposition-Notification-To: victim@example."
                            "org\r\nReturn-Receipt-To:\r\n victim@example."
                            "org\r\n"))
        env = self.handler.envelopes[-1]
        self.assertEqual(env.dsn["rcpts"], [
            {"addr": "b@example.test", "notify": None, "orcpt": None}])
        self.assertNotIn(b"Disposition-Notification-To",
                         env.original_content)
        self.assertNotIn(b"Return-Receipt-To", env.original_content)
        self.assertIn(b"Subject: t\r\n", env.original_content)
        self.assertEqual(env.content, env.original_content)
        rejected = [d for d in env.dsn_decisions if d.action == "reject"]
        self.assertEqual(len(rejected), 1)
        self.assertEqual(rejected[0].compliance, "compliant")

    def test_trusted_keeps_receipt_headers(self):
        c = self.client()
        c.ehlo("x")
        c.sendmail("a@example.org", ["b@example.test"],
                   self.message("Disposition-Notification-To: a@example."
                                "org\r\n"))
        self.assertIn(b"Disposition-Notification-To",
                      self.handler.envelopes[-1].original_content)

    def test_authenticated_stranger_gets_its_receipt(self):
        c = self.client("127.0.0.2")
        c.ehlo("laptop.example")
        self.assertFalse(c.has_extn("dsn"))
        c.login("alice", "secret")
        c.mail("alice@example.test")
        self.assertEqual(c.rcpt("b@example.test", ["NOTIFY=SUCCESS"])[0],
                         250)
        c.data(self.message())
        env = self.handler.envelopes[-1]
        self.assertEqual(env.dsn["rcpts"][0]["notify"], ["SUCCESS"])
        self.assertEqual(self.controller.smtpd.dsn_session.auth_user,
                         "alice")


class Misuse(unittest.TestCase):
    def test_policy_must_be_a_policy(self):
        with self.assertRaises(TypeError):
            Controller(Recorder(), policy="recommended")
        with self.assertRaises(TypeError):
            SMTP(Recorder(), policy=object())

    def test_default_policy_is_recommended(self):
        self.assertEqual(SMTP(Recorder()).dsn_policy.name, "recommended")


@unittest.skipUnless(os.environ.get("DSNG_EXAMPLES"), "DSNG_EXAMPLES unset")
class ExampleServer(unittest.TestCase):
    """examples/python/aiosmtpd_dsn_server.py: receipts, policed."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)
        policy = os.path.join(self.dir.name, "policy.conf")
        with open(policy, "w") as f:
            f.write(POLICY)
        self.port = free_port()
        self.maildir = os.path.join(self.dir.name, "mail")
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(os.environ["DSNG_EXAMPLES"],
                                          "aiosmtpd_dsn_server.py"),
             "--maildir", self.maildir, "--listen",
             "127.0.0.1:%d" % self.port, "--policy", policy,
             "--user", "alice", "--user", "bob"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(self.stop)
        self.assertIn("listening", self.proc.stdout.readline())

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()

    def box(self, user):
        return mailbox.Maildir(os.path.join(self.maildir, user),
                               factory=None, create=False)

    def send(self, source, rcpt_options):
        c = smtplib.SMTP("127.0.0.1", self.port, source_address=(source, 0),
                         timeout=10)
        try:
            c.ehlo("client.example")
            return c.sendmail(
                "alice@example.test", ["bob@example.test"],
                b"From: alice@example.test\r\nTo: bob@example.test\r\n"
                b"Subject: receipt please\r\n\r\nhello\r\n",
                mail_options=["RET=HDRS", "ENVID=env+2B1"],
                rcpt_options=rcpt_options)
        finally:
            c.close()

    def wait_for(self, user, n):
        for _ in range(100):
            if len(self.box(user)) >= n:
                return
            time.sleep(0.05)

    def test_trusted_client_gets_a_correct_receipt(self):
        self.send("127.0.0.1", ["NOTIFY=SUCCESS",
                                "ORCPT=rfc822;bob+2Bdsn@example.test"])
        self.wait_for("alice", 1)
        self.assertEqual(len(self.box("bob")), 1)
        (report,) = [self.box("alice").get_bytes(k)
                     for k in self.box("alice").keys()]
        rep = dsnguard.parse_report(report)
        self.assertEqual(rep["kind"], "dsn")
        self.assertEqual(rep["problems"], [])
        self.assertEqual(rep["message"]["original_envelope_id"], "env+1")
        (r,) = rep["recipients"]
        self.assertEqual(r["action"], "delivered")
        self.assertEqual(r["status"], "2.0.0")
        self.assertEqual(r["final_recipient"]["addr"], "bob@example.test")
        self.assertEqual(r["original_recipient"]["addr"],
                         "bob+dsn@example.test")
        self.assertEqual(rep["returned"]["subject"], "receipt please")
        self.assertEqual(rep["returned"]["content_type"],
                         "text/rfc822-headers")

    def test_stranger_gets_no_receipt(self):
        with self.assertRaises(smtplib.SMTPRecipientsRefused) as cm:
            self.send("127.0.0.2", ["NOTIFY=SUCCESS"])
        (code, _), = cm.exception.recipients.values()
        self.assertEqual(code, 550)
        self.send("127.0.0.2", [])
        self.wait_for("bob", 1)
        time.sleep(0.2)
        self.assertEqual(len(self.box("alice")), 0)

    def test_unknown_user_refused_at_rcpt(self):
        c = smtplib.SMTP("127.0.0.1", self.port, timeout=10)
        try:
            c.ehlo("x")
            c.mail("alice@example.test")
            self.assertEqual(c.rcpt("nobody@example.test")[0], 550)
        finally:
            c.close()


if __name__ == "__main__":
    unittest.main()
