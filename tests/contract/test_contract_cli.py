"""DESIGN.md section 5: the CLI's flags, defaults, exit codes and JSON key
sets an outside checker depends on (probe, export-config, make-report,
dsnguard-milter, parse-cmd, parse-report, audit, scan-log).

Run: python3 tests/contract/test_contract_cli.py CLI [MILTER]
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

CLI = os.environ.get("DSNG_CLI")
MILTER = os.environ.get("DSNG_MILTER")
SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
DATA = os.path.join(SRC, "examples", "data")
FAKE = os.path.join(SRC, "tests", "cli", "fake_smtp.py")
sys.path.insert(0, os.path.join(SRC, "tests", "milter"))


def run(*args, stdin=None):
    return subprocess.run([CLI] + list(args), capture_output=True,
                          input=stdin, timeout=60)


def objs(out):
    return [json.loads(x) for x in out.decode().splitlines() if x.strip()]


PROBE_KEYS = {"ok", "host", "port", "greeting", "ehlo", "mail", "rcpt",
              "rcpt_plain", "dsn_advertised", "receipt_accepted", "verdict",
              "error"}


class Probe(unittest.TestCase):
    def fake(self, mode, bind="127.0.0.1"):
        d = tempfile.mkdtemp()
        portfile, log = os.path.join(d, "port"), os.path.join(d, "log")
        p = subprocess.Popen([sys.executable, FAKE, mode, portfile, "--bind",
                              bind, "--log", log])

        def stop():
            p.send_signal(signal.SIGTERM)
            p.wait()
        self.addCleanup(stop)
        for _ in range(200):
            if os.path.exists(portfile):
                with open(portfile) as f:
                    text = f.read().strip()
                if text:
                    return int(text), log
            time.sleep(0.05)
        self.fail("fake SMTP server did not start")

    def probe(self, target, *extra):
        return run("probe", target, "--from", "a@example.org", "--to",
                   "b@example.test", "--json", *extra)

    def test_verdicts_exit_status_and_keys(self):
        for mode, verdict, status in (("exposed", "exposed", 1),
                                      ("refused", "refused", 0),
                                      ("not_offered", "not_offered", 0),
                                      ("tempfail", "incomplete", 2)):
            port, log = self.fake(mode)
            r = self.probe("127.0.0.1:%d" % port, "--timeout", "5",
                           "--ehlo", "probe.example")
            self.assertEqual(r.returncode, status, (mode, r.stderr))
            (o,) = objs(r.stdout)
            self.assertTrue(PROBE_KEYS <= set(o), set(o))
            self.assertEqual(o["verdict"], verdict)
            self.assertEqual(o["host"], "127.0.0.1")
            self.assertEqual(o["port"], port)
            self.assertEqual(o["ok"], verdict != "incomplete")
            with open(log) as f:
                sent = f.read()
            self.assertIn("EHLO probe.example", sent)
            self.assertNotIn("DATA", sent)
            if verdict == "incomplete":
                self.assertTrue({"step", "cause", "code", "message"}
                                <= set(o["error"]))
            else:
                self.assertIsNone(o["error"])
                self.assertIn("NOTIFY=SUCCESS", o["rcpt"]["line"])
            if verdict == "refused":
                self.assertEqual(o["rcpt_plain"]["code"] // 100, 2)
            if verdict == "exposed":
                # upper-case keywords, parameters dropped, server's order
                self.assertEqual(o["ehlo"]["capabilities"],
                                 ["PIPELINING", "SIZE", "DSN", "8BITMIME"])
                self.assertEqual(o["greeting"], {
                    "code": 220, "text": "fake.test ESMTP peer=127.0.0.1"})
                self.assertIs(o["dsn_advertised"], True)
                self.assertIs(o["receipt_accepted"], True)
                self.assertEqual(o["mail"]["line"], "MAIL FROM:<a@example.org>")
                self.assertEqual((o["mail"]["code"], o["mail"]["enhanced"]),
                                 (250, "2.1.0"))
                self.assertIsNone(o["rcpt_plain"])

    def test_helo_fallback_default_ehlo_and_quit(self):
        port, log = self.fake("helo")
        r = self.probe("127.0.0.1:%d" % port, "--timeout", "5")
        self.assertEqual(r.returncode, 0, r.stderr)
        (o,) = objs(r.stdout)
        self.assertIs(o["ehlo"]["esmtp"], False)
        self.assertEqual(o["ehlo"]["capabilities"], [])
        self.assertEqual(o["verdict"], "not_offered")
        with open(log) as f:
            sent = f.read().splitlines()
        names = {socket.gethostname(), socket.getfqdn(), "localhost"}
        self.assertIn(sent[0].split(" ", 1)[1], names)
        self.assertTrue(sent[0].startswith("EHLO "))
        self.assertTrue(sent[1].startswith("HELO "))
        self.assertEqual(sent[-2:], ["RSET", "QUIT"])

    def test_default_port_25(self):
        with socket.socket() as c:
            c.settimeout(1)
            if c.connect_ex(("127.0.0.1", 25)) == 0:
                self.skipTest("something listens on 127.0.0.1:25")
        r = self.probe("127.0.0.1", "--timeout", "2")
        self.assertEqual(r.returncode, 2)
        (o,) = objs(r.stdout)
        self.assertEqual((o["port"], o["verdict"], o["ok"]),
                         (25, "incomplete", False))
        self.assertEqual((o["error"]["step"], o["error"]["cause"]),
                         ("connect", "refused"))
        self.assertIsNone(o["greeting"])

    def test_incomplete_errors(self):
        for mode, step, cause in (("silent", "greeting", "timeout"),
                                  ("drop", None, "closed"),
                                  ("garbage", "ehlo", "reply"),
                                  ("incomplete", "rcpt", "reply")):
            port, _ = self.fake(mode)
            t0 = time.monotonic()
            r = self.probe("127.0.0.1:%d" % port, "--timeout", "1")
            self.assertEqual(r.returncode, 2, mode)
            self.assertLess(time.monotonic() - t0, 10, mode)
            (o,) = objs(r.stdout)
            self.assertEqual((o["verdict"], o["ok"]), ("incomplete", False))
            e = o["error"]
            self.assertEqual(set(e) & {"step", "cause", "code", "message"},
                             {"step", "cause", "code", "message"})
            self.assertIn(e["step"], {"connect", "greeting", "ehlo",
                                      "starttls", "mail", "rcpt"})
            self.assertIn(e["cause"], {"refused", "timeout", "closed",
                                       "reply", "resolve", "tls"})
            if step:
                self.assertEqual(e["step"], step, mode)
            self.assertEqual(e["cause"], cause, mode)
            if mode == "incomplete":
                # refused with and without NOTIFY
                self.assertEqual(e["code"] // 100, 5)
                self.assertEqual(o["rcpt_plain"]["code"] // 100, 5)
            if mode == "silent":
                self.assertIsNone(o["greeting"])
                self.assertIsNone(o["ehlo"])

    def test_ipv6_and_source(self):
        try:
            with socket.socket(socket.AF_INET6) as s6:
                s6.bind(("::1", 0))
        except OSError:
            self.skipTest("no ::1 here")
        port, _ = self.fake("exposed", bind="::1")
        r = self.probe("[::1]:%d" % port, "--timeout", "5")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(objs(r.stdout)[0]["port"], port)
        port, _ = self.fake("exposed")
        r = self.probe("127.0.0.1:%d" % port, "--source", "127.0.0.2")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("peer=127.0.0.2",
                      objs(r.stdout)[0]["greeting"]["text"])

    def test_starttls_flag_and_usage(self):
        port, _ = self.fake("not_offered")
        r = self.probe("127.0.0.1:%d" % port, "--starttls", "--timeout", "5")
        # no STARTTLS offered: the probe cannot complete
        self.assertEqual(r.returncode, 2)
        self.assertEqual(objs(r.stdout)[0]["error"]["step"], "starttls")
        self.assertEqual(run("probe").returncode, 2)
        self.assertEqual(run("probe", "127.0.0.1", "--from", "a@b").returncode,
                         2)
        self.assertEqual(self.probe("127.0.0.1:1", "--timeout",
                                    "x").returncode, 2)


class ExportConfig(unittest.TestCase):
    FILES = {"postfix": ["main.cf", "master.cf", "dsnguard-ehlo.cidr"],
             "sendmail": ["sendmail.mc", "access"],
             "exim": ["exim.conf"], "opensmtpd": ["smtpd.conf"]}

    def test_files_and_first_lines(self):
        for mta, files in self.FILES.items():
            r = run("export-config", "--mta", mta, "--preset", "recommended")
            self.assertEqual(r.returncode, 0, r.stderr)
            named = re.findall(r"^# dsnguard export-config: (\S+)$",
                               r.stdout.decode(), re.M)
            self.assertTrue(set(named) <= set(files), named)
            self.assertTrue(set(named) - {"master.cf"} >=
                            set(files) - {"master.cf"}, named)
            with tempfile.TemporaryDirectory() as d:
                r = run("export-config", "--mta", mta, "--preset",
                        "recommended", "--out", d, "--map-dir", "/opt/maps")
                self.assertEqual(r.returncode, 0, r.stderr)
                written = sorted(os.listdir(d))
                self.assertIn("UNSUPPORTED", written)
                for n in written:
                    with open(os.path.join(d, n)) as f:
                        text = f.read()
                    if n == "UNSUPPORTED":
                        self.assertTrue(text.strip())
                        continue
                    self.assertIn(n, files)
                    self.assertEqual(text.splitlines()[0],
                                     "# dsnguard export-config: " + n)
                if mta in ("postfix", "sendmail"):
                    texts = []
                    for n in written:
                        with open(os.path.join(d, n)) as f:
                            texts.append(f.read())
                    self.assertTrue(any("/opt/maps" in t for t in texts), mta)

    def test_unsupported_none(self):
        # permissive: every rule is native on every MTA, so "none"
        for mta in self.FILES:
            with tempfile.TemporaryDirectory() as d:
                r = run("export-config", "--mta", mta, "--preset",
                        "permissive", "--out", d)
                self.assertEqual(r.returncode, 0, r.stderr)
                with open(os.path.join(d, "UNSUPPORTED")) as f:
                    self.assertEqual(f.read(), "none\n")

    def test_default_map_dirs(self):
        for mta, path in (("postfix", "/etc/postfix/"), ("sendmail",
                                                         "/etc/mail/")):
            r = run("export-config", "--mta", mta, "--preset", "recommended")
            self.assertIn(path.encode(), r.stdout, mta)

    def test_exit_status(self):
        with tempfile.TemporaryDirectory() as d:
            bad = os.path.join(d, "bad.conf")
            with open(bad, "w") as f:
                f.write("bogus\n")
            self.assertEqual(run("export-config", "--mta", "postfix",
                                 bad).returncode, 1)
        self.assertEqual(run("export-config", "--mta", "qmail", "--preset",
                             "recommended").returncode, 2)
        self.assertEqual(run("export-config").returncode, 2)


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
                        "last_attempt_date": "Tue, 14 Nov 2023 22:13:20 +0000"}]}


class MakeReport(unittest.TestCase):
    def spec(self, d, spec=SPEC):
        p = os.path.join(d, "spec.json")
        with open(p, "w") as f:
            json.dump(spec, f)
        return p

    def test_now_crlf_veto_no_policy(self):
        with tempfile.TemporaryDirectory() as d:
            sp = self.spec(d)
            veto = run("make-report", "--now", "2023-11-14T22:13:20Z", sp)
            self.assertEqual(veto.returncode, 1)
            self.assertEqual(veto.stdout, b"")
            self.assertTrue(veto.stderr)
            a = run("make-report", "--no-policy", "--now",
                    "2023-11-14T22:13:20Z", sp)
            b = run("make-report", "--no-policy", "--now", "1700000000", sp)
            self.assertEqual(a.returncode, 0, a.stderr)
            self.assertEqual(a.stdout, b.stdout)
            self.assertNotIn(b"\r\n", a.stdout)
            self.assertIn(b"report-type=delivery-status", a.stdout)
            c = run("make-report", "--no-policy", "--crlf", "--now",
                    "1700000000", sp)
            # the same report in wire form (its IDs may differ: --crlf is
            # an input of their derivation too)
            ids = re.compile(rb"(Message-ID: <|boundary=\"|--)[^>\"\r\n]+")
            self.assertEqual(ids.sub(rb"\1X", c.stdout),
                             ids.sub(rb"\1X", a.stdout.replace(b"\n",
                                                               b"\r\n")))
            self.assertEqual(c.stdout, run("make-report", "--no-policy",
                                           "--crlf", "--now", "1700000000",
                                           sp).stdout)
            self.assertEqual(run("make-report").returncode, 2)
            for bad in (["--now", "yesterday"], ["--max-returned", "x"],
                        ["--preset", "recommended"]):
                self.assertEqual(run("make-report", "--no-policy", *bad,
                                     sp).returncode, 2, bad)
            for spec in ({"recipients": []},
                         {"reporting_mta": "mx", "envelope": {"from": "a@b"},
                          "recipients": [{"addr": "b@c", "action": "gone"}]}):
                self.assertEqual(run("make-report", "--no-policy",
                                     self.spec(d, spec)).returncode, 2, spec)
            sp = self.spec(d)
            self.assertEqual(run("make-report", os.path.join(
                d, "missing.json")).returncode, 2)
            with open(os.path.join(d, "bad.json"), "w") as f:
                f.write("{not json")
            self.assertEqual(run("make-report", "--no-policy", os.path.join(
                d, "bad.json")).returncode, 2)

    def test_notify_default_and_max_returned(self):
        with tempfile.TemporaryDirectory() as d:
            spec = json.loads(json.dumps(SPEC))
            del spec["recipients"][0]["notify"]
            r = run("make-report", "--no-policy", "--now", "1700000000",
                    self.spec(d, spec))
            # delivered is not reported without NOTIFY: nothing, exit 0
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout, b"")
            self.assertTrue(r.stderr)
            spec["recipients"][0]["action"] = "failed"
            spec["recipients"][0]["status"] = "5.1.1"
            spec["envelope"]["ret"] = "FULL"
            orig = os.path.join(d, "orig.eml")
            with open(orig, "w") as f:
                f.write("Subject: x\nMessage-ID: <m@x>\n\n" +
                        ("y" * 70 + "\n") * 100)
            sp = self.spec(d, spec)
            full = run("make-report", "--no-policy", "--now", "1700000000",
                       sp, orig)
            self.assertEqual(full.returncode, 0, full.stderr)
            self.assertEqual(full.stdout.count(b"y" * 70 + b"\n"), 100)
            cut = run("make-report", "--no-policy", "--now", "1700000000",
                      "--max-returned", "100", sp, orig)
            self.assertEqual(cut.returncode, 0, cut.stderr)
            self.assertLess(cut.stdout.count(b"y" * 70 + b"\n"), 100)
            text_part = cut.stdout.split(b"text/plain", 1)[1].split(
                b"\n--", 1)[0]
            self.assertRegex(text_part, rb"cut|truncat")
            self.assertLess(len(cut.stdout), len(full.stdout))

    def test_global_form_ret_default_null_sender_and_dates(self):
        spec = {"reporting_mta": "mx.example.test",
                "envelope": {"from": "a@example.org"},
                "recipients": [{"addr": "b\u00e9@example.test",
                                "action": "failed", "status": "5.1.1"}]}
        with tempfile.TemporaryDirectory() as d:
            orig = os.path.join(d, "orig.eml")
            with open(orig, "w") as f:
                f.write("Subject: x\nMessage-ID: <m@x>\n\nbody line\n")
            r = run("make-report", "--no-policy", "--now", "2023-11-14",
                    self.spec(d, spec), orig)
            self.assertEqual(r.returncode, 0, r.stderr)
            # a UTF-8 address: the RFC 6533 global form
            self.assertIn(b"report-type=global-delivery-status", r.stdout)
            # arrival_date defaults to TIME (a date alone is midnight UTC)
            self.assertRegex(r.stdout, rb"Arrival-Date: Tue, 14 Nov 2023 "
                             rb"00:00:00 [+-]0000")
            # RET absent: headers only
            self.assertIn(b"Message-ID: <m@x>", r.stdout)
            self.assertNotIn(b"body line", r.stdout)
            # no ORIGINAL: no returned part
            r = run("make-report", "--no-policy", "--now", "2023-11-14",
                    self.spec(d, spec))
            self.assertNotIn(b"Message-ID: <m@x>", r.stdout)
            self.assertNotIn(b"global-headers", r.stdout)
            self.assertNotIn(b"rfc822-headers", r.stdout)
            spec["envelope"]["from"] = ""
            r = run("make-report", "--no-policy", "--now", "2023-11-14",
                    self.spec(d, spec), orig)
            self.assertEqual((r.returncode, r.stdout), (0, b""))
            self.assertTrue(r.stderr)


class OlderCommands(unittest.TestCase):
    def test_parse_cmd_keys(self):
        r = run("parse-cmd", "--json", "RCPT TO:<user@example.org> "
                "NOTIFY=SUCCESS,DELAY ORCPT=rfc822;user+40example.org")
        self.assertEqual(r.returncode, 0)
        (o,) = objs(r.stdout)
        self.assertTrue({"ok", "verb", "path", "local", "domain", "route",
                         "params", "notify", "orcpt", "ret", "envid", "size",
                         "body", "smtputf8", "canonical"} <= set(o), set(o))
        self.assertEqual(o["canonical"], "RCPT TO:<user@example.org> "
                         "NOTIFY=SUCCESS,DELAY ORCPT=rfc822;user+40example.org")
        r = run("parse-cmd", "--json", "RCPT TO:<>")
        self.assertEqual(r.returncode, 1)
        err = objs(r.stdout)[0]["error"]
        self.assertEqual((err["code"], err["reply"], err["enhanced"]),
                         ("null_path_not_allowed", 501, "5.1.3"))
        r = run("parse-cmd", "--json", stdin=b"EHLO x.example\r\n")
        self.assertEqual(objs(r.stdout)[0]["domain"], "x.example")
        self.assertEqual(run("parse-cmd", "--no-such-flag").returncode, 2)

    def test_non_utf8_is_replacement_char(self):
        r = run("parse-cmd", "--json", stdin=b"NOOP \xff\xfe\r\n")
        self.assertEqual(r.returncode, 0)
        self.assertEqual(objs(r.stdout)[0]["arg"], "\ufffd\ufffd")

    def test_parse_ehlo_check_config_batv(self):
        r = run("parse-ehlo", "--json",
                stdin=b"250-mx.example\r\n250-dsn\r\n250 SIZE 10\r\n")
        self.assertEqual(r.returncode, 0)
        self.assertIs(objs(r.stdout)[0]["dsn"], True)
        self.assertEqual(run("parse-ehlo", "--json",
                             stdin=b"garbage\r\n").returncode, 1)
        with tempfile.TemporaryDirectory() as d:
            good, bad = os.path.join(d, "g.conf"), os.path.join(d, "b.conf")
            with open(good, "w") as f:
                f.write("[ehlo]\noffer-dsn = trusted\n")
            with open(bad, "w") as f:
                f.write("[ehlo]\nbogus = 1\n")
            self.assertEqual(run("check-config", good).returncode, 0)
            self.assertEqual(run("check-config", bad).returncode, 1)
            self.assertEqual(run("check-config").returncode, 2)
        self.assertEqual(run("batv", "sign").returncode, 2)
        r = run("batv", "sign", "--key", "k1", "a@example.org")
        self.assertEqual(r.returncode, 0)
        tagged = r.stdout.decode().strip()
        self.assertRegex(tagged, r"^prvs=[0-9a-f]{10}=a@example.org$")
        self.assertEqual(run("batv", "verify", "--key", "k1",
                             tagged).returncode, 0)
        self.assertEqual(run("batv", "verify", "--key", "k2",
                             tagged).returncode, 1)

    def test_audit_flags(self):
        t = os.path.join(DATA, "session.txt")
        r = run("audit", t, "--json", "--preset", "permissive", "--client",
                "192.0.2.7", "--auth", "alice", "--tls", "--port", "587")
        self.assertIn(r.returncode, (0, 1), r.stderr)
        s = objs(r.stdout)[-1]
        self.assertEqual((s["client"], s["policy"], s["auth_source"]),
                         ("192.0.2.7", "permissive", "option"))
        self.assertEqual(run("audit", t, "--preset", "nope").returncode, 2)
        self.assertEqual(run("audit").returncode, 2)

    def test_parse_report_keys(self):
        r = run("parse-report", "--json",
                os.path.join(DATA, "return-receipt.eml"))
        self.assertEqual(r.returncode, 0)
        (o,) = objs(r.stdout)
        self.assertTrue({"ok", "kind", "message", "recipients", "mdn",
                         "returned", "human_text", "truncated", "problems"}
                        <= set(o), set(o))
        if o["recipients"]:
            self.assertTrue({"final_recipient", "original_recipient",
                             "action", "status", "status_raw", "remote_mta",
                             "diagnostic_code", "last_attempt_date",
                             "final_log_id", "will_retry_until",
                             "extensions"} <= set(o["recipients"][0]))
        self.assertEqual(run("parse-report", "/no/such/file").returncode, 2)

    def test_parse_report_mbox_none_and_limit(self):
        with open(os.path.join(DATA, "return-receipt.eml"), "rb") as f:
            dsn = f.read()
        sep = b"From a@b.example Thu Jan  1 00:00:00 2020\n"
        plain = b"Subject: plain\n\nhello\n"
        deep = [b"Subject: deep", b"MIME-Version: 1.0",
                b'Content-Type: multipart/mixed; boundary="b0"', b""]
        for i in range(1, 200):
            deep += [b"--b%d" % (i - 1),
                     b'Content-Type: multipart/mixed; boundary="b%d"' % i, b""]
        deep += [b"--b199", b"Content-Type: text/plain", b"", b"x"]
        deep += [b"--b%d--" % i for i in reversed(range(200))]
        with tempfile.TemporaryDirectory() as d:
            mbox = os.path.join(d, "mbox")
            with open(mbox, "wb") as f:
                f.write(sep + dsn + b"\n" + sep + plain)
            r = run("parse-report", "--mbox", "--json", mbox)
            self.assertEqual(r.returncode, 0, r.stderr)
            got = objs(r.stdout)
            self.assertEqual([o["kind"] for o in got], ["dsn", "none"])
            none = got[1]
            self.assertEqual((none["message"], none["mdn"], none["returned"],
                              none["recipients"]), (None, None, None, []))
            bad = os.path.join(d, "deep.eml")
            with open(bad, "wb") as f:
                f.write(b"\n".join(deep) + b"\n")
            r = run("parse-report", "--json", bad)
            self.assertEqual(r.returncode, 1)
            (o,) = objs(r.stdout)
            self.assertIs(o["ok"], False)
            self.assertTrue({"code", "offset", "reply", "enhanced",
                             "message"} <= set(o["error"]))

    def test_parse_cmd_transcript_and_strict(self):
        t = (b">>> MAIL FROM:<a@b.example>\n<<< 250 ok\n>>> DATA\n"
             b"<<< 354 go\n>>> RCPT TO:<x@y.example>\n>>> .\n<<< 250 ok\n"
             b">>> QUIT\n")
        r = run("parse-cmd", "--transcript", "--json", stdin=t)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([o["verb"] for o in objs(r.stdout)],
                         ["MAIL", "DATA", "QUIT"])
        r = run("parse-cmd", "--strict", "--json", "MAIL FROM:<a@b.example>")
        self.assertEqual(r.returncode, 0)

    def test_audit_keys(self):
        r = run("audit", os.path.join(DATA, "session.txt"), "--json")
        self.assertIn(r.returncode, (0, 1))
        lines = objs(r.stdout)
        s = lines[-1]
        self.assertTrue({"summary", "client", "policy", "receipts",
                         "auth_source"} <= set(s), set(s))
        self.assertTrue({"permissive", "policy"} <= set(s["receipts"]))
        for o in lines[:-1]:
            self.assertTrue({"line", "stage", "action", "reason", "rule",
                             "reply"} <= set(o), set(o))
            self.assertIn(o["stage"], {"ehlo", "mail", "rcpt", "data",
                                       "header", "other"})
        # the defaults: --preset recommended, the client from the greeting
        self.assertEqual((s["policy"], s["client"]),
                         ("recommended", "198.51.100.33"))
        for r in s["receipts"]["permissive"] + s["receipts"]["policy"]:
            self.assertTrue({"to", "rcpt", "notify"} <= set(r), r)
        self.assertTrue(s["receipts"]["permissive"])
        r = run("audit", os.path.join(DATA, "session.txt"), "--json",
                "--fail-on-receipt")
        self.assertIs(objs(r.stdout)[-1]["fail_on_receipt"],
                      r.returncode == 1)
        self.assertEqual(run("audit", "/no/such/file").returncode, 2)

    def test_scan_log_keys(self):
        r = run("scan-log", "--json", os.path.join(DATA, "postfix-dsn.log"))
        self.assertEqual(r.returncode, 0)
        lines = objs(r.stdout)
        self.assertTrue({"summary", "events", "by_recipient", "by_client"}
                        <= set(lines[-1]))
        for o in lines[:-1]:
            self.assertTrue({"event", "mta", "time", "kind", "text",
                             "orig_queue_id", "dsn_queue_id", "to",
                             "orig_from", "orig_rcpts", "client", "service"}
                            <= set(o), set(o))
            self.assertIn(o["kind"], {"success", "failure", "delay", "relay",
                                      "other"})
        self.assertEqual(run("scan-log", "/no/such/file").returncode, 2)


def wait_socket(path):
    """Until the milter accepts connections on the unix socket (the file
    appears at bind, before listen)."""
    for _ in range(200):
        with socket.socket(socket.AF_UNIX) as s:
            try:
                s.connect(path)
                return
            except OSError:
                time.sleep(0.05)
    raise AssertionError("the milter never listened on " + path)


@unittest.skipUnless(MILTER, "DSNG_MILTER not set: dsnguard-milter not built")
class Milter(unittest.TestCase):
    def test_usage_and_bad_policy(self):
        self.assertEqual(subprocess.run([MILTER, "--bogus"],
                                        capture_output=True).returncode, 2)
        self.assertEqual(subprocess.run(
            [MILTER, "--socket", "unix:/nonexistent/x", "--preset",
             "recommended", "--on-error", "maybe"],
            capture_output=True).returncode, 2)
        self.assertEqual(subprocess.run(
            [MILTER, "--socket", "unix:/tmp/x", "--policy", "/no/such",
             "--foreground"], capture_output=True).returncode, 1)
        for bad in (["--mta", "qmail"], ["--log", "file"]):
            self.assertEqual(subprocess.run(
                [MILTER, "--socket", "unix:/nonexistent/x", "--preset",
                 "recommended"] + bad, capture_output=True).returncode, 2)
        self.assertEqual(subprocess.run(
            [MILTER, "--socket", "unix:/tmp/x", "--preset", "nope",
             "--foreground"], capture_output=True).returncode, 1)
        self.assertEqual(subprocess.run(
            [MILTER, "--socket", "bogus:spec", "--preset", "recommended",
             "--foreground"], capture_output=True).returncode, 1)

    def test_sendmail_rejects_what_the_policy_strips(self):
        import milter_client
        d = tempfile.mkdtemp()
        sock, pol = os.path.join(d, "m.sock"), os.path.join(d, "p.conf")
        with open(pol, "w") as f:
            f.write("preset = recommended\n[ehlo]\noffer-dsn = all\n"
                    "[rcpt]\naction = strip\n")
        p = subprocess.Popen([MILTER, "--socket", "unix:" + sock, "--policy",
                              pol, "--foreground", "--mta", "sendmail"],
                             stderr=subprocess.PIPE)

        def stop():
            if p.poll() is None:
                p.kill()
                p.wait()
        self.addCleanup(stop)
        wait_socket(sock)
        c = milter_client.MilterClient("unix:" + sock)
        c.optneg()
        c.connect("evil.example", "203.0.113.66", 25)
        c.helo("evil.example")
        c.mail("<a@example.org>")
        reply = c.rcpt("<b@example.test>", "NOTIFY=SUCCESS")
        c.quit()
        c.close()
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=20)
        self.assertEqual(p.returncode, 0)
        self.assertEqual(reply.action, "reject", reply)
        rcpt = [self.fields(x) for x in err.decode().splitlines()
                if "stage=rcpt" in x]
        self.assertEqual(len(rcpt), 1, err)
        self.assertEqual((rcpt[0]["action"], rcpt[0]["policy_action"],
                          rcpt[0]["dry_run"]), ("reject", "strip", "0"))
        self.assertEqual(rcpt[0]["reply"], reply.reply)

    def test_socket_mode_and_flags(self):
        d = tempfile.mkdtemp()
        sock = os.path.join(d, "m.sock")
        p = subprocess.Popen([MILTER, "--socket", "unix:" + sock, "--preset",
                              "recommended", "--foreground", "--socket-mode",
                              "0660", "--mta", "sendmail", "--log", "stderr",
                              "--on-error", "tempfail"],
                             stderr=subprocess.PIPE)

        def stop():
            if p.poll() is None:
                p.kill()
                p.wait()
        self.addCleanup(stop)
        wait_socket(sock)
        # libmilter creates the socket, the milter then sets its mode
        for _ in range(100):
            if os.stat(sock).st_mode & 0o777 == 0o660:
                break
            time.sleep(0.05)
        self.assertEqual(os.stat(sock).st_mode & 0o777, 0o660)
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=20)
        self.assertEqual(p.returncode, 0)
        start = [x for x in err.decode().splitlines() if "event=start" in x]
        self.assertTrue(start, err)
        self.assertIn("mta=sendmail", start[0])
        self.assertIn("on_error=tempfail", start[0])

    TOKEN = re.compile(r'([a-z_]+)=("(?:[^"\\\x00-\x1f\x7f]|\\["\\]'
                       r'|\\x[0-9a-fA-F]{2})*"'
                       r'|[^ "\\\x00-\x1f\x7f]*)(?: |$)')

    def fields(self, line):
        """key=value fields of one log line, checking the quoting rules:
        a value with a space, '"' or '\\' is quoted with those escaped;
        no control bytes anywhere."""
        self.assertNotRegex(line, r"[\x00-\x1f\x7f]")
        body = line.split(": ", 1)[1] if re.match(r"^\S+\[\d+\]: ",
                                                 line) else line
        out, pos = {}, 0
        if body.startswith("stats "):
            pos = len("stats ")
        while pos < len(body):
            m = self.TOKEN.match(body, pos)
            self.assertTrue(m, "bad field at %d: %r" % (pos, body))
            v = m.group(2)
            if v.startswith('"'):
                v = re.sub(r'\\(["\\])', r"\1", v[1:-1])
            out[m.group(1)] = v
            pos = m.end()
        return out

    def test_log_lines_stats_sighup_and_sigterm(self):
        import milter_client
        d = tempfile.mkdtemp()
        sock, pid = os.path.join(d, "m.sock"), os.path.join(d, "m.pid")
        pol = os.path.join(d, "p.conf")
        with open(pol, "w") as f:
            f.write("preset = recommended\n")
        err = open(os.path.join(d, "stderr"), "w+")
        self.addCleanup(err.close)
        p = subprocess.Popen([MILTER, "--socket", "unix:" + sock, "--policy",
                              pol, "--foreground", "--pidfile", pid,
                              "--dry-run"], stderr=err)

        def stop():
            if p.poll() is None:
                p.kill()
                p.wait()
        self.addCleanup(stop)
        wait_socket(sock)
        # SIGHUP with a broken file: still running, the old policy kept
        with open(pol, "w") as f:
            f.write("[rcpt]\nbogus-key = 1\n")
        p.send_signal(signal.SIGHUP)
        time.sleep(0.5)
        self.assertIsNone(p.poll())
        c = milter_client.MilterClient("unix:" + sock)
        c.optneg()
        c.connect("evil.example", "203.0.113.66", 25)
        c.helo("evil.example")
        c.mail("<a@example.org>")
        # (the unparsable one last: its on-error accept ends the message)
        c.rcpt("<ok@example.test>", "NOTIFY=SUCCESS")
        c.rcpt('<"b\\"c\\\\d\nqueue=FORGED"@example.test>',
               "NOTIFY=SUCCESS")
        c.quit()
        c.close()
        p.send_signal(signal.SIGUSR1)
        time.sleep(0.3)
        p.send_signal(signal.SIGTERM)
        self.assertEqual(p.wait(timeout=20), 0)
        self.assertFalse(os.path.exists(pid))
        err.seek(0)
        text = err.read()
        self.assertIn("bogus-key", text)
        start = [f for f in (self.fields(x) for x in text.splitlines())
                 if f.get("event") == "start"]
        # the defaults: --mta auto, --on-error accept
        self.assertEqual((start[0]["mta"], start[0]["on_error"],
                          start[0]["dry_run"]), ("auto", "accept", "1"))
        lines = [self.fields(x) for x in text.splitlines()]
        decisions = [f for f in lines if "stage" in f]
        self.assertTrue(decisions, text)
        for f in decisions:
            for key in ("queue", "stage", "action", "policy_action",
                        "client", "rule", "dry_run", "reply", "reason"):
                self.assertIn(key, f)
            self.assertIn(f["stage"], {"connect", "helo", "mail", "rcpt",
                                       "header", "eom"})
            self.assertEqual(f["dry_run"], "1")
            self.assertEqual(f["client"], "203.0.113.66")
        self.assertFalse(any(f.get("queue") == "FORGED" for f in lines))
        rcpt = [f for f in decisions if f["stage"] == "rcpt"]
        self.assertEqual(len(rcpt), 2, text)
        # the recipient refused by recommended (an untrusted NOTIFY): the
        # policy's word and its rule (from the old policy, kept)
        ok = [f for f in rcpt if f.get("rcpt") == "<ok@example.test>"]
        self.assertEqual(len(ok), 1, text)
        self.assertEqual(ok[0]["policy_action"], "reject", ok[0])
        # --dry-run: what it would have done
        self.assertEqual(ok[0]["action"], "reject", ok[0])
        self.assertTrue(ok[0]["rule"].startswith("rcpt."), ok[0])
        self.assertRegex(ok[0]["reply"], r"^5\d\d 5\.")
        self.assertTrue(any("\\x0a" in x for x in text.splitlines()
                            if "FORGED" in x))
        stats = [x for x in text.splitlines() if re.search(r"\bstats ", x)]
        self.assertGreaterEqual(len(stats), 2, text)
        self.assertRegex(stats[0], r"stats accept=\d+ reject=\d+ strip=\d+")


if __name__ == "__main__":
    unittest.main()
