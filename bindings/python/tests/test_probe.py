"""dsnguard.probe against scripted fake SMTP servers on 127.0.0.1
(tests/cli/fake_smtp.py, started and stopped by PID per test): every
verdict, HELO fallback, 4xx, drops, silence, garbage, a refused
connection, STARTTLS, --source; the bytes put on the wire; and the same
object as `dsnguard probe --json` (DSNG_CLI) on the same server.
"""
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

import dsnguard
from fakesmtp import FakeSMTP

CLI = os.environ.get("DSNG_CLI")


def _have_v6():
    import socket
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


HAVE_V6 = _have_v6()
A = dict(mail_from="spammer@forged.example", rcpt_to="user@fake.test",
         ehlo="probe.example", timeout=5)


def cli_probe(port, *extra, timeout="5"):
    out = subprocess.run(
        [CLI, "probe", "127.0.0.1:%d" % port, "--from", A["mail_from"],
         "--to", A["rcpt_to"], "--ehlo", A["ehlo"], "--timeout", timeout,
         "--json"] + list(extra), capture_output=True, timeout=60)
    return json.loads(out.stdout)


class ProbeTest(unittest.TestCase):
    def run_probe(self, mode, *server_args, **kw):
        """Probe a fresh server; compare with the CLI on it; return the
        result and the lines the server received from the binding."""
        args = dict(A, **kw)
        with FakeSMTP(mode, *server_args) as srv:
            r = dsnguard.probe("127.0.0.1", port=srv.port, **args)
            wire = srv.lines()
            if CLI:
                extra = ["--starttls"] if kw.get("starttls") else []
                if kw.get("source"):
                    extra += ["--source", kw["source"]]
                want = cli_probe(srv.port, *extra,
                                 timeout=str(args["timeout"]))
                self.assertEqual(r.to_dict(), want)
        self.assertIsInstance(r, dsnguard.ProbeResult)
        self.assertNotIn(b"DATA", [w[:4].upper() for w in wire])
        return r, wire

    def test_exposed(self):
        r, wire = self.run_probe("exposed")
        self.assertEqual(r.verdict, "exposed")
        self.assertTrue(r.ok and r.exposed)
        self.assertIs(r.dsn_advertised, True)
        self.assertIs(r.receipt_accepted, True)
        self.assertEqual(r.ehlo["capabilities"],
                         ["PIPELINING", "SIZE", "DSN", "8BITMIME"])
        self.assertEqual(r.rcpt, {
            "line": "RCPT TO:<user@fake.test> NOTIFY=SUCCESS",
            "code": 250, "enhanced": "2.1.5", "text": "Ok"})
        self.assertIsNone(r.rcpt_plain)
        self.assertIsNone(r.error)
        self.assertEqual(wire, [
            b"EHLO probe.example", b"MAIL FROM:<spammer@forged.example>",
            b"RCPT TO:<user@fake.test> NOTIFY=SUCCESS", b"RSET", b"QUIT"])
        self.assertIn("verdict='exposed'", repr(r))
        d = r.to_dict()
        d["ehlo"]["capabilities"].append("X")  # a copy, not the result
        self.assertNotIn("X", r.ehlo["capabilities"])

    def test_not_offered(self):
        r, _ = self.run_probe("not_offered")
        self.assertEqual(r.verdict, "not_offered")
        self.assertIs(r.dsn_advertised, False)
        self.assertIs(r.ehlo["dsn"], False)

    def test_refused(self):
        r, wire = self.run_probe("refused")
        self.assertEqual(r.verdict, "refused")
        self.assertEqual(r.rcpt["code"], 550)
        self.assertEqual(r.rcpt["enhanced"], "5.7.1")
        self.assertEqual(r.rcpt_plain["line"], "RCPT TO:<user@fake.test>")
        self.assertEqual(r.rcpt_plain["code"], 250)
        self.assertIs(r.receipt_accepted, False)
        self.assertIn(b"RCPT TO:<user@fake.test>", wire)

    def test_both_refused(self):
        r, _ = self.run_probe("incomplete")
        self.assertEqual(r.verdict, "incomplete")
        self.assertFalse(r.ok)
        self.assertEqual(r.error["step"], "rcpt")
        self.assertEqual(r.error["cause"], "reply")
        self.assertEqual(r.error["code"], 550)

    def test_tempfail(self):
        r, _ = self.run_probe("tempfail")
        self.assertEqual(r.verdict, "incomplete")
        self.assertEqual(r.error["code"], 451)
        self.assertIsNone(r.rcpt_plain)

    def test_helo_fallback(self):
        r, wire = self.run_probe("helo")
        self.assertEqual(r.verdict, "not_offered")
        self.assertIs(r.ehlo["esmtp"], False)
        self.assertEqual(r.ehlo["capabilities"], [])
        self.assertEqual(wire[:2], [b"EHLO probe.example",
                                    b"HELO probe.example"])

    def test_drop(self):
        r, _ = self.run_probe("drop")
        self.assertEqual(r.verdict, "incomplete")
        self.assertEqual(r.error["step"], "mail")
        self.assertEqual(r.error["cause"], "closed")
        self.assertIsNone(r.mail["code"])
        self.assertIsNone(r.receipt_accepted)

    def test_garbage(self):
        r, _ = self.run_probe("garbage")
        self.assertEqual(r.error["step"], "ehlo")
        self.assertEqual(r.error["cause"], "reply")

    def test_silence_times_out(self):
        with FakeSMTP("silent") as srv:
            t0 = time.monotonic()
            r = dsnguard.probe("127.0.0.1", port=srv.port,
                               **dict(A, timeout=0.5))
            elapsed = time.monotonic() - t0
        self.assertLess(elapsed, 3)
        self.assertEqual(r.verdict, "incomplete")
        self.assertIsNone(r.greeting)
        self.assertEqual(r.error["step"], "greeting")
        self.assertEqual(r.error["cause"], "timeout")
        self.assertIn("500 ms", r.error["message"])

    def test_drip_times_out_per_reply(self):
        with FakeSMTP("drip") as srv:
            t0 = time.monotonic()
            r = dsnguard.probe("127.0.0.1", port=srv.port,
                               **dict(A, timeout=1))
            elapsed = time.monotonic() - t0
        self.assertLess(elapsed, 3)
        self.assertEqual(r.error["step"], "greeting")
        self.assertEqual(r.error["cause"], "timeout")

    @unittest.skipUnless(HAVE_V6, "no ::1 here")
    def test_ipv6(self):
        with FakeSMTP("exposed", "--bind", "::1") as srv:
            r = dsnguard.probe("[::1]", port=srv.port, **A)
            if CLI:
                out = subprocess.run(
                    [CLI, "probe", "[::1]:%d" % srv.port, "--from",
                     A["mail_from"], "--to", A["rcpt_to"], "--ehlo",
                     A["ehlo"], "--timeout", "5", "--json"],
                    capture_output=True, timeout=60)
                self.assertEqual(r.to_dict(), json.loads(out.stdout))
        self.assertEqual(r.host, "::1")
        self.assertIn("peer=::1", r.greeting["text"])
        self.assertEqual(r.verdict, "exposed")

    def test_handle_misuse(self):
        core = dsnguard._core
        h = core._probe_new("a@b.example", "c@d.example", "x.example", 0)
        self.assertEqual(core._probe_next(h), ["connect", None])
        with self.assertRaises(TypeError):
            core._probe_event(h, "bogus", None)
        core._probe_event(h, "refused", "no")
        self.assertEqual(core._probe_next(h), ["done", None])
        core._probe_reply(h, b"220 late\r\n")  # ignored once done
        d = core._probe_result(h, "h", 25, None)
        self.assertEqual(d["verdict"], "incomplete")
        self.assertEqual(d["error"]["cause"], "refused")
        with self.assertRaises(TypeError):
            core._probe_reply(h, 5)

    def test_connection_refused(self):
        srv = FakeSMTP("exposed")
        port = srv.port
        srv.stop()  # nobody listens there now
        r = dsnguard.probe("127.0.0.1", port=port, **A)
        self.assertEqual(r.error["step"], "connect")
        self.assertEqual(r.error["cause"], "refused")
        for k in ("greeting", "ehlo", "mail", "dsn_advertised",
                  "receipt_accepted"):
            self.assertIsNone(getattr(r, k), k)
        if CLI:
            self.assertEqual(r.to_dict(), cli_probe(port))

    def test_unresolvable(self):
        r = dsnguard.probe("no-such-host.invalid", **A)
        self.assertEqual(r.error["cause"], "resolve")
        self.assertEqual(r.host, "no-such-host.invalid")
        if CLI:
            out = subprocess.run(
                [CLI, "probe", "no-such-host.invalid", "--from",
                 A["mail_from"], "--to", A["rcpt_to"], "--ehlo", A["ehlo"],
                 "--timeout", "5", "--json"], capture_output=True,
                timeout=60)
            self.assertEqual(r.to_dict(), json.loads(out.stdout))

    def test_source(self):
        r, _ = self.run_probe("exposed", source="127.0.0.2")
        self.assertIn("peer=127.0.0.2", r.greeting["text"])
        self.assertEqual(r.source, "127.0.0.2")

    @unittest.skipUnless(shutil.which("openssl"), "no openssl to make a "
                         "certificate")
    def test_starttls(self):
        with tempfile.TemporaryDirectory() as d:
            key, cert = os.path.join(d, "k.pem"), os.path.join(d, "c.pem")
            subprocess.run(
                ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                 "-days", "1", "-subj", "/CN=fake.test", "-keyout", key,
                 "-out", cert], capture_output=True, check=True)
            args = ("--cert", cert, "--key", key)
            with FakeSMTP("starttls", *args) as srv:
                r = dsnguard.probe("127.0.0.1", port=srv.port,
                                   starttls=True, **A)
                clear = dsnguard.probe("127.0.0.1", port=srv.port, **A)
                if CLI:
                    got = r.to_dict()
                    self.assertEqual(got, cli_probe(srv.port, "--starttls"))
        self.assertEqual(r.verdict, "exposed")
        self.assertIs(r.tls, True)
        self.assertEqual(r.starttls["code"], 220)
        self.assertEqual(clear.verdict, "not_offered")
        self.assertIs(clear.tls, False)
        with FakeSMTP("exposed") as srv:  # STARTTLS not offered
            r = dsnguard.probe("127.0.0.1", port=srv.port, starttls=True,
                               **A)
        self.assertEqual(r.error["step"], "starttls")

    def test_bad_arguments_send_nothing(self):
        with FakeSMTP("exposed") as srv:
            p = srv.port
            for kw, exc in (
                    (dict(mail_from="not an address"), dsnguard.ParseError),
                    (dict(rcpt_to="<x@y.example> NOTIFY=NEVER"),
                     dsnguard.ParseError),
                    (dict(rcpt_to="x\0@y.example"), dsnguard.ParseError),
                    (dict(ehlo="a b"), dsnguard.ParseError),
                    (dict(port=0), ValueError),
                    (dict(port=70000), ValueError),
                    (dict(port="25"), TypeError),
                    (dict(port=True), TypeError),
                    (dict(timeout=0), ValueError),
                    (dict(timeout="5"), TypeError),
                    (dict(source="nowhere"), ValueError),
                    (dict(source=127), TypeError),
                    (dict(mail_from=None), TypeError)):
                args = dict(A, port=p)
                args.update(kw)
                with self.subTest(kw=kw):
                    with self.assertRaises(exc):
                        dsnguard.probe("127.0.0.1", **args)
            with self.assertRaises(TypeError):
                dsnguard.probe(b"127.0.0.1", **A)
            with self.assertRaises(TypeError):
                dsnguard.probe("127.0.0.1", "a@b.example", "c@d.example")
            self.assertEqual(srv.raw(), b"")

    def test_parse_error_is_value_error(self):
        with self.assertRaises(ValueError) as cm:
            dsnguard.probe("127.0.0.1", **dict(A, mail_from="a b"))
        self.assertEqual(cm.exception.code, "bad_address")


if __name__ == "__main__":
    unittest.main()
