"""DESIGN.md section 4, Python: the names, keywords, attributes and key
sets an outside checker calls, against the built package and the CLI.

Run: PYTHONPATH=build/default/bindings/python DSNG_CLI=build/default/examples/dsnguard \
     python3 -m unittest tests/contract/test_contract_python.py
"""
import inspect
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import dsnguard

CLI = os.environ.get("DSNG_CLI")
SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
DATA = os.path.join(SRC, "examples", "data")
FAKE = os.path.join(SRC, "tests", "cli", "fake_smtp.py")


def cli_json(*args):
    out = subprocess.run([CLI, args[0], "--json"] + list(args[1:]),
                         capture_output=True, text=True)
    return out.returncode, [json.loads(line) for line in out.stdout.splitlines()
                            if line.strip()]


def kwonly(fn):
    return {n: p.default for n, p in inspect.signature(fn).parameters.items()
            if p.kind == p.KEYWORD_ONLY}


RCPT = ("RCPT TO:<user@example.org> NOTIFY=SUCCESS,DELAY "
        "ORCPT=rfc822;user+40example.org")


class Names(unittest.TestCase):
    def test_every_section_4_name(self):
        for n in ("parse_cmd", "format_cmd", "parse_ehlo", "hide_ehlo",
                  "parse_reply", "parse_report", "status_describe",
                  "xtext_encode", "xtext_decode", "Policy", "Session",
                  "Decision", "batv_sign", "batv_verify", "scan_log",
                  "probe", "smtplib_options", "build_report", "PolicyVeto",
                  "ParseError"):
            self.assertTrue(hasattr(dsnguard, n), n)
            self.assertIn(n, dsnguard.__all__)
            self.assertTrue(getattr(dsnguard, n).__doc__, n)
        for n in ("preset", "from_file", "from_string", "ehlo", "mail",
                  "rcpt", "header", "generate", "bounce"):
            self.assertTrue(callable(getattr(dsnguard.Policy, n)), n)

    def test_typing_files(self):
        pkg = os.path.dirname(dsnguard.__file__)
        self.assertTrue(os.path.exists(os.path.join(pkg, "py.typed")))
        self.assertTrue(os.path.exists(os.path.join(pkg, "__init__.pyi")))


class Results(unittest.TestCase):
    def test_cmd_attributes_repr_to_dict(self):
        cmd = dsnguard.parse_cmd(RCPT)
        self.assertEqual(cmd.notify, ["SUCCESS", "DELAY"])
        self.assertEqual(cmd.orcpt.addr, "user@example.org")
        self.assertEqual(cmd.params[0].keyword, "NOTIFY")
        self.assertIs(cmd.smtputf8, False)
        self.assertIn("RCPT", repr(cmd))
        rc, lines = cli_json("parse-cmd", RCPT)
        self.assertEqual(rc, 0)
        got = cmd.to_dict()
        self.assertIs(type(got), dict)
        for k, v in lines[0].items():
            if k not in ("ok", "input"):
                self.assertEqual(got[k], v, k)
        # bytes accepted where input is mail
        self.assertEqual(dsnguard.parse_cmd(RCPT.encode()).to_dict(), got)
        with self.assertRaises(AttributeError):
            cmd.no_such_field

    def test_report_attributes(self):
        with open(os.path.join(DATA, "return-receipt.eml"), "rb") as f:
            raw = f.read()
        rep = dsnguard.parse_report(raw)
        self.assertEqual(rep.kind, rep.to_dict()["kind"])
        self.assertEqual(rep.recipients[0].status,
                         rep.to_dict()["recipients"][0]["status"])
        import email
        msg = email.message_from_bytes(raw)
        self.assertEqual(dsnguard.parse_report(msg).to_dict(), rep.to_dict())
        rc, lines = cli_json("parse-report",
                             os.path.join(DATA, "return-receipt.eml"))
        self.assertEqual(rc, 0)
        self.assertEqual(set(lines[0]) - {"ok", "file"}, set(rep.to_dict()))
        for k, v in rep.to_dict().items():
            self.assertEqual(v, lines[0][k], k)

    def test_ehlo_reply_status(self):
        reply = "250-mx.example\r\n250-SIZE 100\r\n250 DSN\r\n"
        e = dsnguard.parse_ehlo(reply)
        self.assertIs(e.dsn, True)
        self.assertEqual(e.capabilities[0].keyword, "SIZE")
        out = subprocess.run([CLI, "parse-ehlo", "--json"],
                             input=reply.encode(), capture_output=True)
        self.assertEqual(out.returncode, 0)
        j = json.loads(out.stdout)
        self.assertEqual(set(j) - {"ok"}, set(e.to_dict()))
        for k, v in e.to_dict().items():
            self.assertEqual(v, j[k], k)
        r = dsnguard.parse_reply("250 2.1.0 ok\r\n")
        self.assertEqual((r.code, r.enhanced), (250, "2.1.0"))
        s = dsnguard.status_describe("5.1.1")
        self.assertEqual(s.to_dict()["code"], "5.1.1")
        hidden = dsnguard.hide_ehlo("250-mx.example\r\n250 DSN\r\n")
        self.assertNotIn("DSN", str(hidden))

    def test_xtext(self):
        self.assertEqual(dsnguard.xtext_encode("a+b c"), "a+2Bb+20c")
        self.assertEqual(dsnguard.xtext_decode("a+2Bb+20c"), "a+b c")
        with self.assertRaises(dsnguard.ParseError):
            dsnguard.xtext_decode("a+zz")


class Errors(unittest.TestCase):
    def test_parse_error_fields(self):
        self.assertTrue(issubclass(dsnguard.ParseError, ValueError))
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.parse_cmd("RCPT TO:<a@b.example> ORCPT=rfc822;a+zz")
        e = cm.exception
        rc, lines = cli_json("parse-cmd",
                             "RCPT TO:<a@b.example> ORCPT=rfc822;a+zz")
        self.assertEqual(rc, 1)
        err = lines[0]["error"]
        self.assertEqual((e.code, e.offset, e.reply, e.enhanced, e.message),
                         (err["code"], err["offset"], err["reply"],
                          err["enhanced"], err["message"]))
        self.assertEqual(set(err), {"code", "offset", "reply", "enhanced",
                                    "message"} | set(err))

    def test_misuse_is_type_error(self):
        for call in (lambda: dsnguard.parse_cmd(42),
                     lambda: dsnguard.Session(addr=5),
                     lambda: dsnguard.Session(tls="yes"),
                     lambda: dsnguard.Session(trusted="no"),
                     lambda: dsnguard.Session(port="25"),
                     lambda: dsnguard.Policy.preset(3),
                     lambda: dsnguard.parse_report(1.5)):
            with self.assertRaises(TypeError):
                call()

    def test_bad_values_refused(self):
        with self.assertRaises((ValueError, TypeError)):
            dsnguard.Session(service="smtps")
        with self.assertRaises(ValueError):
            dsnguard.Policy.preset("no-such-preset")
        with self.assertRaises(ValueError):
            dsnguard.Policy.from_string("this is ( not a policy", name="x")


class PolicyAndDecision(unittest.TestCase):
    KEYS = {"action", "reply", "rewritten", "reason", "rule", "compliance"}

    def setUp(self):
        self.pol = dsnguard.Policy.preset("recommended")
        self.s = dsnguard.Session(addr="203.0.113.66", client_name=None,
                                  helo="x.example", auth_user=None, tls=False,
                                  port=25, service="smtp", trusted=None)

    def test_session_keywords(self):
        params = inspect.signature(dsnguard.Session).parameters
        for n in ("addr", "client_name", "helo", "auth_user", "tls", "port",
                  "service", "trusted"):
            self.assertIn(n, params)
        for svc in ("smtp", "submission", "local", None):
            dsnguard.Session(addr="192.0.2.1", service=svc)
        for t in (None, True, False):
            dsnguard.Session(addr="192.0.2.1", trusted=t)

    def test_from_string_and_file(self):
        with open(os.path.join(SRC, "examples", "policy",
                               "recommended.conf")
                  if os.path.exists(os.path.join(SRC, "examples", "policy",
                                                 "recommended.conf"))
                  else os.devnull) as f:
            f.read()
        text = self._policy_text()
        p = dsnguard.Policy.from_string(text, name="mine")
        self.assertIsInstance(p, dsnguard.Policy)
        with tempfile.NamedTemporaryFile("w", suffix=".conf") as f:
            f.write(text)
            f.flush()
            self.assertIsInstance(dsnguard.Policy.from_file(f.name),
                                  dsnguard.Policy)

    def _policy_text(self):
        for root, _, files in os.walk(os.path.join(SRC, "tests", "data",
                                                   "policy")):
            for n in sorted(files):
                if n.endswith(".conf"):
                    path = os.path.join(root, n)
                    with open(path) as f:
                        text = f.read()
                    try:
                        dsnguard.Policy.from_file(path)
                        return text
                    except Exception:
                        continue
        self.skipTest("no valid policy file in tests/data/policy")

    def check_decision(self, d):
        self.assertIsInstance(d, dsnguard.Decision)
        for k in self.KEYS:
            getattr(d, k)
        dd = d.to_dict()
        self.assertTrue(self.KEYS <= set(dd), set(dd))
        for k in self.KEYS:
            self.assertEqual(getattr(d, k), dd[k], k)
        self.assertIn(dd["action"], {"accept", "advertise_dsn", "hide_dsn",
                                     "strip", "downgrade", "never", "reject",
                                     "ignore"})
        self.assertIn(dd["compliance"], {"compliant", "lenient",
                                         "not_compliant"})
        self.assertIn("Decision", repr(d))
        return dd

    def test_decisions(self):
        d = self.check_decision(self.pol.ehlo(self.s,
                                              "250-mx.example\r\n250 DSN\r\n"))
        self.assertNotIn("DSN", d["rewritten"] or "")
        self.check_decision(self.pol.ehlo(self.s))
        self.check_decision(self.pol.mail(self.s, "MAIL FROM:<a@b.example>"))
        line = "RCPT TO:<a@b.example> NOTIFY=SUCCESS"
        r1 = self.check_decision(self.pol.rcpt(self.s, line))
        r2 = self.check_decision(self.pol.rcpt(self.s, line.encode()))
        r3 = self.check_decision(self.pol.rcpt(self.s,
                                               dsnguard.parse_cmd(line)))
        self.assertEqual(r1, r2)
        self.assertEqual(r1, r3)
        self.check_decision(self.pol.header(self.s, "Return-Receipt-To",
                                            "a@b.example"))
        for action in ("delivered", "failed", "delayed", "relayed",
                       "expanded"):
            self.check_decision(self.pol.generate(self.s, action))
        with open(os.path.join(DATA, "return-receipt.eml"), "rb") as f:
            self.check_decision(self.pol.bounce(f.read()))

    def test_decision_matches_audit(self):
        with open(os.path.join(DATA, "session.txt")) as f:
            text = f.read()
        rc, lines = cli_json("audit", os.path.join(DATA, "session.txt"))
        self.assertIn(rc, (0, 1))
        rcpts = [o for o in lines if o.get("stage") == "rcpt"]
        self.assertTrue(rcpts)
        summary = lines[-1]
        s = dsnguard.Session(addr=summary["client"] if summary.get("client")
                             else None)
        for o in rcpts:
            d = self.pol.rcpt(s, o["line"]).to_dict()
            self.assertTrue(set(d) <= set(o), (set(d), set(o)))
            self.assertEqual(set(self.KEYS) & set(o), self.KEYS, o)
            for k in ("action", "rule", "reply", "compliance"):
                self.assertEqual(d[k], o[k], (k, o))
        self.assertTrue(text)


class ScanLog(unittest.TestCase):
    def test_keys_and_summary(self):
        log = os.path.join(DATA, "postfix-dsn.log")
        it = dsnguard.scan_log(log)
        self.assertIsNone(it.summary)
        events = list(it)
        rc, lines = cli_json("scan-log", log)
        self.assertEqual(rc, 0)
        self.assertTrue(lines[-1]["summary"])
        self.assertEqual(len(events), len(lines) - 1)
        for e, j in zip(events, lines):
            self.assertEqual(set(e), set(j))
            self.assertEqual(e, j)
        self.assertEqual(set(it.summary), set(lines[-1]))
        with open(log) as f:
            lines_it = dsnguard.scan_log(f.read().splitlines())
            self.assertEqual(len(list(lines_it)), len(events))
            self.assertEqual(lines_it.summary["events"], len(events))

    def test_limits_keywords(self):
        with self.assertRaises(TypeError):
            dsnguard.scan_log([], no_such_limit=3)
        list(dsnguard.scan_log([], max_line=4096))


class Probe(unittest.TestCase):
    def test_signature(self):
        sig = inspect.signature(dsnguard.probe)
        first = list(sig.parameters.values())[0]
        self.assertEqual(first.name, "host")
        self.assertEqual(kwonly(dsnguard.probe), {
            "mail_from": inspect.Parameter.empty,
            "rcpt_to": inspect.Parameter.empty, "port": 25, "ehlo": None,
            "timeout": 30.0, "source": None, "starttls": False})

    def _fake(self, mode, *extra):
        d = tempfile.mkdtemp()
        portfile = os.path.join(d, "port")
        p = subprocess.Popen([sys.executable, FAKE, mode, portfile]
                             + list(extra))
        self.addCleanup(lambda: (p.send_signal(signal.SIGTERM), p.wait()))
        for _ in range(100):
            if os.path.exists(portfile):
                with open(portfile) as f:
                    text = f.read().strip()
                if text:
                    return int(text)
            time.sleep(0.05)
        self.fail("fake SMTP server did not start")

    def test_to_dict_is_cli_json(self):
        for mode, verdict, status in (("exposed", "exposed", 1),
                                      ("refused", "refused", 0),
                                      ("not_offered", "not_offered", 0)):
            port = self._fake(mode)
            r = dsnguard.probe("127.0.0.1", mail_from="a@example.org",
                               rcpt_to="b@example.test", port=port,
                               ehlo="probe.example", timeout=5)
            rc, lines = cli_json("probe", "127.0.0.1:%d" % port, "--from",
                                 "a@example.org", "--to", "b@example.test",
                                 "--ehlo", "probe.example", "--timeout", "5")
            self.assertEqual(rc, status, mode)
            self.assertEqual(lines[0]["verdict"], verdict)
            self.assertEqual(r.to_dict(), lines[0])


    def test_starttls_matches_cli(self):
        import shutil
        if not shutil.which("openssl"):
            self.skipTest("no openssl to make a certificate")
        d = tempfile.mkdtemp()
        key, cert = os.path.join(d, "key.pem"), os.path.join(d, "cert.pem")
        made = subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
             "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj",
             "/CN=fake.test", "-keyout", key, "-out", cert],
            capture_output=True)
        if made.returncode != 0:
            self.skipTest("openssl could not make a certificate")
        port = self._fake("starttls", "--cert", cert, "--key", key)
        r = dsnguard.probe("127.0.0.1", mail_from="a@example.org",
                           rcpt_to="b@example.test", port=port,
                           ehlo="probe.example", timeout=5, starttls=True)
        rc, lines = cli_json("probe", "127.0.0.1:%d" % port, "--from",
                             "a@example.org", "--to", "b@example.test",
                             "--ehlo", "probe.example", "--timeout", "5",
                             "--starttls")
        if rc == 2 and "GnuTLS" in str(lines):
            self.skipTest("dsnguard built without GnuTLS")
        self.assertEqual(rc, 1)
        self.assertEqual(lines[0]["verdict"], "exposed")
        self.assertEqual(r.to_dict(), lines[0])


class SmtplibOptions(unittest.TestCase):
    def test_signature_and_encoding(self):
        self.assertEqual(kwonly(dsnguard.smtplib_options), {
            "ret": None, "envid": None, "notify": None, "orcpt": None,
            "smtputf8": False})
        mail, rcpt = dsnguard.smtplib_options(ret="hdrs", envid="a b+",
                                              notify=["success", "delay"],
                                              orcpt="x+y@example.org")
        self.assertIn("RET=HDRS", mail)
        self.assertIn("ENVID=a+20b+2B", mail)
        self.assertIn("NOTIFY=SUCCESS,DELAY", rcpt)
        self.assertIn("ORCPT=rfc822;x+2By@example.org", rcpt)
        self.assertEqual(dsnguard.smtplib_options(), ([], []))
        # RFC 6533: utf-8-addr-xtext without SMTPUTF8, unitext with it
        self.assertEqual(dsnguard.smtplib_options(orcpt="b\u00e9@example.test"),
                         ([], ["ORCPT=utf-8;b\\x{E9}@example.test"]))
        mail, rcpt = dsnguard.smtplib_options(smtputf8=True,
                                              orcpt="b\u00e9@example.test")
        self.assertEqual(mail, ["SMTPUTF8"])
        self.assertEqual(rcpt, ["ORCPT=utf-8;b\u00e9@example.test"])
        with self.assertRaises(dsnguard.ParseError):
            dsnguard.smtplib_options(envid="x" * 101)
        with self.assertRaises((ValueError, TypeError)):
            dsnguard.smtplib_options(notify=["NEVER", "SUCCESS"])
        with self.assertRaises((ValueError, TypeError)):
            dsnguard.smtplib_options(ret="BOTH")


class SmtplibOnTheWire(unittest.TestCase):
    """smtplib itself sends what smtplib_options returns: the fake server
    logs every command line it received."""

    def test_wire(self):
        import smtplib
        d = tempfile.mkdtemp()
        portfile, log = os.path.join(d, "port"), os.path.join(d, "log")
        p = subprocess.Popen([sys.executable, FAKE, "exposed", portfile,
                              "--log", log])
        self.addCleanup(lambda: (p.send_signal(signal.SIGTERM), p.wait()))
        port = None
        for _ in range(200):
            if os.path.exists(portfile):
                with open(portfile) as f:
                    text = f.read().strip()
                if text:
                    port = int(text)
                    break
            time.sleep(0.05)
        self.assertIsNotNone(port)
        mail, rcpt = dsnguard.smtplib_options(
            ret="FULL", envid="id=1 x", notify=["SUCCESS", "FAILURE"],
            orcpt="b+c@example.test")
        with smtplib.SMTP("127.0.0.1", port, timeout=5) as c:
            c.ehlo("client.example")
            self.assertEqual(c.mail("a@example.org", mail)[0], 250)
            self.assertEqual(c.rcpt("b+c@example.test", rcpt)[0], 250)
            c.rset()
        with open(log) as f:
            sent = f.read().splitlines()
        self.assertTrue(any(x.upper().startswith("MAIL") for x in sent), sent)
        m = [x for x in sent if x.upper().startswith("MAIL")][0]
        r = [x for x in sent if x.upper().startswith("RCPT")][0]
        cm, cr = dsnguard.parse_cmd(m), dsnguard.parse_cmd(r)
        self.assertEqual((cm.ret, cm.envid), ("FULL", "id=1 x"))
        self.assertEqual(cr.notify, ["SUCCESS", "FAILURE"])
        self.assertEqual((cr.orcpt.type, cr.orcpt.addr),
                         ("rfc822", "b+c@example.test"))


class MoreResults(unittest.TestCase):
    def test_result_is_a_dict_with_attributes(self):
        rep = dsnguard.parse_cmd(RCPT)
        self.assertIsInstance(rep, dict)
        self.assertEqual(json.loads(json.dumps(rep)), rep.to_dict())
        # dict methods stay methods
        self.assertTrue(callable(rep.items))
        self.assertIs(type(rep.to_dict()["orcpt"]), dict)
        self.assertIs(type(rep.to_dict()["params"][0]), dict)
        import copy
        import pickle
        for twin in (copy.deepcopy(rep), pickle.loads(pickle.dumps(rep))):
            self.assertIsInstance(twin, dsnguard.Result)
            self.assertEqual(twin, rep)
            self.assertEqual(twin.orcpt.addr, "user@example.org")

    def test_booleans_are_bool(self):
        e = dsnguard.parse_ehlo("250-mx.example\r\n250 DSN\r\n")
        for k in ("dsn", "auth", "pipelining", "smtputf8", "starttls"):
            self.assertIs(type(e[k]), bool, k)
        with open(os.path.join(DATA, "return-receipt.eml"), "rb") as f:
            rep = dsnguard.parse_report(f.read())
        self.assertIs(type(rep.truncated), bool)

    def test_policy_name_and_limits(self):
        p = dsnguard.Policy.from_string("[ehlo]\noffer-dsn = trusted\n",
                                        name="mine")
        d = p.ehlo(dsnguard.Session(addr="203.0.113.1"),
                   "250-mx\r\n250 DSN\r\n")
        self.assertTrue(d.rule.startswith("mine:"), d.rule)
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.Policy.from_string("[ehlo]\nbogus = 1\n", name="mine")
        self.assertIn("mine", str(cm.exception))
        with self.assertRaises(TypeError):
            dsnguard.parse_report(b"x", max_bogus=1)
        with self.assertRaises(TypeError):
            dsnguard.Session(addr="203.0.113.1", bogus=1)

    def test_report_limits_by_c_field_name(self):
        spec = {"reporting_mta": "mx.example.test",
                "envelope": {"from": "a@example.org"},
                "recipients": [{"addr": "b%d@example.test" % i,
                                "action": "failed", "status": "5.1.1"}
                               for i in range(3)]}
        raw = dsnguard.build_report(spec, no_policy=True, now=0)
        self.assertEqual(len(dsnguard.parse_report(raw).recipients), 3)
        self.assertEqual(len(dsnguard.parse_report(
            raw, max_recipients=3).recipients), 3)
        for kw, code in (("max_recipients", "recipient_limit"),
                         ("max_parts", "part_limit")):
            with self.assertRaises(dsnguard.ParseError) as cm:
                dsnguard.parse_report(raw, **{kw: 2 if kw ==
                                              "max_recipients" else 1})
            self.assertEqual(cm.exception.code, code)

    def test_batv_matches_cli(self):
        tagged = dsnguard.batv_sign("a@example.org", ["k1"])
        out = subprocess.run([CLI, "batv", "verify", "--key", "k1", "--json",
                              tagged], capture_output=True, text=True)
        self.assertEqual(out.returncode, 0)
        cli = json.loads(out.stdout)
        v = dsnguard.batv_verify(tagged, ["k1"])
        self.assertEqual(v.result, "valid")
        for k in ("result", "original", "key_number"):
            self.assertEqual(v[k], cli[k], k)
        self.assertNotEqual(dsnguard.batv_verify(tagged, ["k2"]).result,
                            "valid")


SPEC = {"reporting_mta": "mx.example.test",
        "envelope": {"from": "a@example.org", "ret": "HDRS", "envid": "x1",
                     "client": {"addr": "203.0.113.66", "client_name": None,
                                "helo": "x", "auth_user": None, "tls": False,
                                "port": 25, "service": "smtp"}},
        "recipients": [{"addr": "b@example.test",
                        "orcpt": "rfc822;b@example.test",
                        "notify": ["SUCCESS"], "action": "delivered",
                        "status": "2.0.0", "remote_mta": None,
                        "diagnostic_code": None,
                        "last_attempt_date": 1700000000}]}


class BuildReport(unittest.TestCase):
    def test_signature(self):
        sig = inspect.signature(dsnguard.build_report)
        names = list(sig.parameters)
        self.assertEqual(names[:2], ["spec", "original"])
        self.assertIsNone(sig.parameters["original"].default)
        kw = kwonly(dsnguard.build_report)
        for k, v in (("policy", None), ("no_policy", False), ("now", None)):
            self.assertIn(k, kw)
            self.assertEqual(kw[k], v)

    def test_veto_and_bytes_match_cli(self):
        with self.assertRaises(dsnguard.PolicyVeto) as cm:
            dsnguard.build_report(SPEC, now=1700000000)
        self.assertIsInstance(cm.exception.decision, dsnguard.Decision)
        self.assertEqual(cm.exception.decision.action, "never")
        out = dsnguard.build_report(SPEC, no_policy=True, now=1700000000)
        self.assertIsInstance(out, bytes)
        with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
            json.dump(SPEC, f)
            f.flush()
            cli = subprocess.run([CLI, "make-report", "--no-policy", "--now",
                                  "1700000000", f.name], capture_output=True)
            self.assertEqual(cli.returncode, 0)
            self.assertEqual(cli.stdout, out)
            veto = subprocess.run([CLI, "make-report", "--now", "1700000000",
                                   f.name], capture_output=True)
            self.assertEqual(veto.returncode, 1)
            self.assertEqual(veto.stdout, b"")


if __name__ == "__main__":
    unittest.main()
