"""Tests of format_cmd, scan_log, build_report and the smaller helpers
(bindings/api_more.h, dsnguard/_more.py)."""
import email
import io
import json
import os
import subprocess
import tempfile
import threading
import unittest

import dsnguard

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "..", "examples", "data")
CLI = os.environ.get("DSNG_CLI")
LOGS = ("postfix-dsn.log", "sendmail-dsn.log", "exim-dsn.log")


def path(name):
    return os.path.join(DATA, name)


def cli_json(*args):
    out = subprocess.run([CLI] + list(args), capture_output=True,
                         timeout=60)
    return out.returncode, out.stdout, out.stderr


class FormatCmd(unittest.TestCase):
    def test_round_trip_of_a_parse(self):
        for line in ("MAIL FROM:<a@b.example> RET=HDRS ENVID=x+2By SIZE=10",
                     "rcpt to:<a@b.example>  notify=success,delay "
                     "orcpt=rfc822;a+2Bb@b.example",
                     "RCPT TO:<@r1.example,@r2.example:a@b.example>",
                     "MAIL FROM:<>", "EHLO client.example", "QUIT",
                     "VRFY someone"):
            c = dsnguard.parse_cmd(line)
            self.assertEqual(dsnguard.format_cmd(c), c["canonical"], line)

    def test_fields_encoded_by_the_library(self):
        self.assertEqual(
            dsnguard.format_cmd(verb="rcpt", path="a@b.example",
                                notify=["success", "delay"],
                                orcpt="a+b c@b.example"),
            "RCPT TO:<a@b.example> NOTIFY=SUCCESS,DELAY "
            "ORCPT=rfc822;a+2Bb+20c@b.example")
        self.assertEqual(
            dsnguard.format_cmd(verb="MAIL", path="", ret="hdrs",
                                envid="id=1 2", size=123, body="8bitmime"),
            "MAIL FROM:<> RET=HDRS ENVID=id+3D1+202 SIZE=123 BODY=8BITMIME")
        # what comes out parses back to the fields given
        c = dsnguard.parse_cmd(dsnguard.format_cmd(
            verb="RCPT", path="x@y.example", notify="NEVER",
            orcpt=("rfc822", "a=b@y.example")))
        self.assertEqual(c["notify"], ["NEVER"])
        self.assertEqual(c["orcpt"], {"type": "rfc822",
                                      "addr": "a=b@y.example"})

    def test_fields_replace_and_drop(self):
        c = dsnguard.parse_cmd("MAIL FROM:<a@b.example> RET=HDRS "
                               "ENVID=old SIZE=10 X-FOO=bar")
        out = dsnguard.format_cmd(c, ret="FULL", size=None, envid="new")
        self.assertEqual(out, "MAIL FROM:<a@b.example> RET=FULL ENVID=new "
                              "X-FOO=bar")
        self.assertEqual(dsnguard.format_cmd(c, path="z@b.example",
                                             params=[("SIZE", "5")]),
                         "MAIL FROM:<z@b.example> SIZE=5")
        self.assertEqual(dsnguard.format_cmd(
            c, params=[{"keyword": "smtputf8", "value": None}, "BODY=7BIT"]),
            "MAIL FROM:<a@b.example> SMTPUTF8 BODY=7BIT")
        self.assertEqual(dsnguard.format_cmd(c, smtputf8=True),
                         "MAIL FROM:<a@b.example> RET=HDRS ENVID=old "
                         "SIZE=10 X-FOO=bar SMTPUTF8")
        # the parse result itself is left alone
        self.assertEqual(c["ret"], "HDRS")

    def test_unicode_and_bytes(self):
        out = dsnguard.format_cmd(verb="RCPT", path="jöe@b.example",
                                  orcpt="jöe@b.example", utf8=True)
        self.assertEqual(out, "RCPT TO:<jöe@b.example> "
                              "ORCPT=utf-8;j\\x{F6}e@b.example")
        c = dsnguard.parse_cmd(out, utf8=True)
        self.assertEqual(c["orcpt"]["addr"], "jöe@b.example")
        self.assertEqual(dsnguard.format_cmd(verb="MAIL",
                                             path=b"a@b.example",
                                             envid=b"a+b"),
                         "MAIL FROM:<a@b.example> ENVID=a+2Bb")
        # RFC 3461 wants ENVID printable: the parser refuses the rest
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.format_cmd(verb="MAIL", path="a@b.example",
                                envid=b"\x01")
        self.assertEqual(cm.exception.code, "bad_xtext")
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.format_cmd(verb="RCPT", path="jöe@b.example")
        self.assertEqual(cm.exception.code, "non_ascii_address")

    def test_refused_as_the_parser_refuses(self):
        cases = [(dict(verb="RCPT", path="a@b.example", ret="FULL"),
                  "param_not_allowed"),
                 (dict(verb="MAIL", path="a@b.example", ret="SOME"),
                  "bad_ret"),
                 (dict(verb="RCPT", path="a@b.example", notify=["NEVER",
                                                                "SUCCESS"]),
                  "bad_notify"),
                 (dict(verb="RCPT", path=""), "null_path_not_allowed"),
                 (dict(verb="MAIL", path="a@b.example",
                       params=[("X", "a\nb")]), "bare_cr_lf"),
                 (dict(verb="MAIL", path="a@b.example", envid="x" * 101),
                  "bad_envid"),
                 (dict(verb="BOGUS"), "unknown_command")]
        for kw, code in cases:
            with self.assertRaises(dsnguard.ParseError, msg=kw) as cm:
                dsnguard.format_cmd(**kw)
            self.assertEqual(cm.exception.code, code, kw)
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.format_cmd(verb="MAIL", path="a" * 64 + "@b.example",
                                max_line=40)
        self.assertEqual(cm.exception.code, "line_too_long")

    def test_misuse(self):
        for args, kw in (((), {}), (("RCPT TO:<a@b>",), {}),
                         (({"canonical": "x"},), {}),
                         ((), dict(verb="MAIL")),
                         ((), dict(verb=1, path="a@b.example")),
                         ((), dict(verb="RCPT", path="a@b.example",
                                   notify=[1])),
                         ((), dict(verb="MAIL", path="a@b.example",
                                   size=-1)),
                         ((), dict(verb="MAIL", path="a@b.example",
                                   params=[42])),
                         ((), dict(verb="MAIL", path="a@b.example",
                                   route="r.example")),
                         ((), dict(verb="MAIL", path=None))):
            with self.assertRaises(TypeError, msg=(args, kw)):
                dsnguard.format_cmd(*args, **kw)
        with self.assertRaises(TypeError):
            dsnguard.format_cmd(verb="MAIL", path="a@b.example", bogus=1)


class ScanLog(unittest.TestCase):
    def test_path_gives_the_events_and_summary_of_the_cli(self):
        if not CLI:
            self.skipTest("DSNG_CLI (the dsnguard program) not set")
        for name in LOGS:
            rc, out, err = cli_json("scan-log", "--json", path(name))
            self.assertEqual(rc, 0, err)
            want = [json.loads(x) for x in out.splitlines()]
            scan = dsnguard.scan_log(path(name))
            self.assertIsNone(scan.summary)
            got = list(scan)
            self.assertEqual(got, want[:-1], name)
            self.assertEqual(scan.summary, want[-1], name)
            self.assertGreater(len(got), 0, name)

    def test_every_input_form_gives_the_same_events(self):
        p = path("postfix-dsn.log")
        with open(p, "rb") as f:
            raw = f.read()
        want = list(dsnguard.scan_log(p))
        strip = [dict(e, file=None) for e in want]
        with open(p, "rb") as f:
            self.assertEqual(list(dsnguard.scan_log(f)), want)
        with open(p, encoding="utf-8", errors="surrogateescape") as f:
            self.assertEqual(list(dsnguard.scan_log(f)), want)
        self.assertEqual(list(dsnguard.scan_log(io.BytesIO(raw))), strip)
        lines = raw.decode().splitlines()
        self.assertEqual(list(dsnguard.scan_log(lines)), strip)
        self.assertEqual(list(dsnguard.scan_log(
            x + b"\n" for x in raw.splitlines())), strip)
        import pathlib
        self.assertEqual(list(dsnguard.scan_log(pathlib.Path(p))), want)

    def test_summary_only_once_exhausted(self):
        scan = dsnguard.scan_log(path("sendmail-dsn.log"))
        first = next(scan)
        self.assertEqual(first["event"], "dsn")
        self.assertIsNone(scan.summary)
        rest = list(scan)
        self.assertEqual(scan.summary["events"], 1 + len(rest))
        self.assertEqual(list(scan), [])
        self.assertTrue(scan.summary["summary"])

    def test_lines_split_across_chunks(self):
        # a big log fed in 64 KiB chunks: lines cut anywhere still join
        with open(path("postfix-dsn.log"), "rb") as f:
            one = f.read()
        want = len(list(dsnguard.scan_log([one])))
        scan = dsnguard.scan_log(io.BytesIO(one * 200))
        self.assertEqual(len(list(scan)), want * 200)
        self.assertEqual(scan.summary["lines"], one.count(b"\n") * 200)

    def test_empty_and_garbage(self):
        scan = dsnguard.scan_log([])
        self.assertEqual(list(scan), [])
        self.assertEqual(scan.summary["events"], 0)
        scan = dsnguard.scan_log(["not a log line", b"\xff\xfe\x00"])
        self.assertEqual(list(scan), [])
        self.assertEqual(scan.summary["garbage"], 2)

    def test_limits(self):
        scan = dsnguard.scan_log(path("postfix-dsn.log"), max_line=64)
        list(scan)
        self.assertGreater(scan.summary["garbage"], 0)
        with self.assertRaises(TypeError):
            dsnguard.scan_log([], max_line=10)       # below 64: EINVAL
        with self.assertRaises(TypeError):
            dsnguard.scan_log([], max_lines=100)
        with self.assertRaises(TypeError):
            dsnguard.scan_log([], max_tracked=-1)

    def test_bad_inputs(self):
        with self.assertRaises(TypeError):
            dsnguard.scan_log(42)
        with self.assertRaises(TypeError):
            list(dsnguard.scan_log([1, 2]))
        with self.assertRaises(FileNotFoundError):
            dsnguard.scan_log("/nonexistent/mail.log")

    def test_unicode_survives(self):
        line = ("Nov 29 01:12:14 mx postfix/smtpd[1]: ABC123: client="
                "h\u00e9.example[192.0.2.9]")
        scan = dsnguard.scan_log([line, line.encode()])
        list(scan)
        self.assertEqual(scan.summary["lines"], 2)

    def test_file_closed_when_stopped(self):
        scan = dsnguard.scan_log(path("postfix-dsn.log"))
        next(scan)
        scan.close()
        self.assertEqual(list(scan), [])
        self.assertIsNone(scan.summary)

    def test_threads_run_during_the_scan(self):
        # the GIL is released per chunk: scans in threads give the same
        with open(path("exim-dsn.log"), "rb") as f:
            raw = f.read() * 300
        want = len(list(dsnguard.scan_log(io.BytesIO(raw))))
        res = []

        def run():
            res.append(len(list(dsnguard.scan_log(io.BytesIO(raw)))))
        ts = [threading.Thread(target=run) for _ in range(4)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertEqual(res, [want] * 4)


def spec(**over):
    s = {"reporting_mta": "mx.example.test",
         "envelope": {"from": "a@example.org", "ret": "HDRS", "envid": "x1",
                      "client": {"addr": "203.0.113.66", "helo": "x",
                                 "tls": False, "port": 25,
                                 "service": "smtp"}},
         "recipients": [{"addr": "b@example.test",
                         "orcpt": "rfc822;b+2Bc@example.test",
                         "notify": ["SUCCESS"], "action": "delivered",
                         "status": "2.0.0"}]}
    s.update(over)
    return s


ORIGINAL = (b"From: a@example.org\nTo: b@example.test\nSubject: hi\n"
            b"Message-ID: <m1@example.org>\n\nbody\n")


class BuildReport(unittest.TestCase):
    NOW = 1700000000

    def test_veto_for_an_untrusted_success_request(self):
        with self.assertRaises(dsnguard.PolicyVeto) as cm:
            dsnguard.build_report(spec(), ORIGINAL, now=self.NOW)
        e = cm.exception
        self.assertIsInstance(e, Exception)
        self.assertIsInstance(e.decision, dsnguard.Decision)
        self.assertEqual(e.decision.action, "never")
        self.assertIn("203.0.113.66", e.decision.reason)
        self.assertEqual([x["fate"] for x in e.entries], ["vetoed"])

    def test_trusted_client_gets_its_report(self):
        s = spec()
        s["envelope"]["client"]["trusted"] = True
        r = dsnguard.build_report(s, ORIGINAL, now=self.NOW)
        self.assertIsInstance(r, bytes)
        rep = dsnguard.parse_report(r)
        self.assertEqual(rep["problems"], [])
        rc = rep["recipients"][0]
        self.assertEqual(rc["action"], "delivered")
        self.assertEqual(rc["status"], "2.0.0")
        self.assertEqual(rc["original_recipient"],
                         {"type": "rfc822", "addr": "b+c@example.test"})
        self.assertEqual(rep["message"]["original_envelope_id"], "x1")
        self.assertEqual(rep["returned"]["message_id"], "<m1@example.org>")
        m = email.message_from_bytes(r)
        self.assertEqual(m.get_content_type(), "multipart/report")
        self.assertEqual(m["Auto-Submitted"], "auto-replied")

    def test_same_bytes_as_make_report(self):
        if not CLI:
            self.skipTest("DSNG_CLI (the dsnguard program) not set")
        s = spec()
        with tempfile.TemporaryDirectory() as d:
            sp, op = os.path.join(d, "spec.json"), os.path.join(d, "orig")
            with open(sp, "w") as f:
                json.dump(s, f)
            with open(op, "wb") as f:
                f.write(ORIGINAL)
            rc, out, err = cli_json("make-report", "--no-policy", "--now",
                                    str(self.NOW), sp, op)
            self.assertEqual(rc, 0, err)
            self.assertEqual(dsnguard.build_report(s, ORIGINAL,
                                                   no_policy=True,
                                                   now=self.NOW), out)
            rc, out, err = cli_json("make-report", "--now", str(self.NOW),
                                    sp, op)
            self.assertEqual((rc, out), (1, b""))

    def test_no_policy_and_options(self):
        r = dsnguard.build_report(spec(), ORIGINAL.decode(), no_policy=True,
                                  now=self.NOW, crlf=True)
        self.assertIn(b"\r\n", r)
        self.assertNotIn(b"\n", r.replace(b"\r\n", b""))
        r2 = dsnguard.build_report(spec(), email.message_from_bytes(ORIGINAL),
                                   no_policy=True, now=self.NOW)
        self.assertIn(b"Subject: hi", r2)
        r3 = dsnguard.build_report(spec(), ORIGINAL, no_policy=True,
                                   now=self.NOW, max_returned=0)
        self.assertNotIn(b"Subject: hi", r3)
        res = dsnguard.build_report_result(spec(), ORIGINAL, no_policy=True,
                                           now=self.NOW)
        self.assertEqual(res["outcome"], "written")
        self.assertEqual(res["envelope_from"], "")
        self.assertEqual(res["envelope_to"], "a@example.org")
        self.assertTrue(res["returned"])
        self.assertIsNone(res["entries"][0]["decision"])

    def test_nothing_requested_is_none(self):
        s = spec()
        s["recipients"][0]["notify"] = None      # delivered not asked for
        self.assertIsNone(dsnguard.build_report(s, now=self.NOW))
        s = spec()
        s["envelope"]["from"] = ""               # no report to <>
        self.assertIsNone(dsnguard.build_report(s, now=self.NOW,
                                                no_policy=True))
        r = dsnguard.build_report_result(s, now=self.NOW, no_policy=True)
        self.assertEqual(r["entries"][0]["fate"], "null_sender")

    def test_failure_reported_by_default(self):
        s = spec()
        s["recipients"] = [{"addr": "gone@example.test", "action": "failed",
                            "status": "5.1.1",
                            "diagnostic_code": {"type": "smtp",
                                                "text": "550 no such user"}}]
        r = dsnguard.build_report(s, ORIGINAL, now=self.NOW)
        rep = dsnguard.parse_report(r)
        self.assertEqual(rep["recipients"][0]["status"], "5.1.1")
        self.assertEqual(rep["recipients"][0]["diagnostic_code"]["text"],
                         "550 no such user")

    def test_unicode_gives_the_global_form(self):
        s = spec()
        s["recipients"][0]["addr"] = "jöe@example.test"
        s["recipients"][0]["orcpt"] = None
        res = dsnguard.build_report_result(s, no_policy=True, now=self.NOW)
        self.assertTrue(res["global"])
        rep = dsnguard.parse_report(res["data"])
        self.assertEqual(rep["recipients"][0]["final_recipient"]["addr"],
                         "jöe@example.test")

    def test_many_recipients_with_raised_limits(self):
        s = spec()
        s["recipients"] = [{"addr": "r%d@example.test" % i,
                            "action": "failed", "status": "5.1.1"}
                           for i in range(1500)]
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.build_report(s, no_policy=True, now=self.NOW)
        self.assertEqual(cm.exception.code, "recipient_limit")
        r = dsnguard.build_report(s, no_policy=True, now=self.NOW,
                                  max_recipients=2000)
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.parse_report(r)
        self.assertEqual(cm.exception.code, "recipient_limit")
        rep = dsnguard.parse_report(r, max_recipients=2000)
        self.assertEqual(len(rep["recipients"]), 1500)
        self.assertEqual(rep["recipients"][1499]["final_recipient"]["addr"],
                         "r1499@example.test")

    def test_bad_specs(self):
        for bad, where in (({"reporting_mta": "x", "bogus": 1}, "bogus"),
                           (spec(recipients=[{"addr": "a@b.example",
                                              "action": "eaten"}]),
                            "action"),
                           (spec(recipients=[{"addr": "a@b.example",
                                              "action": "failed",
                                              "status": "2.0.0"}]), None),
                           (spec(recipients="x"), "recipients"),
                           (spec(reporting_mta=5), "reporting_mta"),
                           ({"reporting_mta": "x", "recipients": [],
                             "envelope": {"client": {"tls": 1}}}, "tls"),
                           ({"reporting_mta": "x", "recipients": [],
                             "envelope": {"client": {"port": 70000}}},
                            "port"),
                           ({1: 2}, None)):
            with self.assertRaises(dsnguard.ParseError, msg=bad) as cm:
                dsnguard.build_report(bad, no_policy=True, now=self.NOW)
            if where:
                self.assertIn(where, cm.exception.message)

    def test_misuse(self):
        with self.assertRaises(TypeError):
            dsnguard.build_report("not a dict")
        with self.assertRaises(TypeError):
            dsnguard.build_report(spec(), 42)
        with self.assertRaises(TypeError):
            dsnguard.build_report(spec(), policy="recommended")
        with self.assertRaises(TypeError):
            dsnguard.build_report(spec(), no_policy=True,
                                  policy=dsnguard.Policy.preset("permissive"))
        with self.assertRaises(TypeError):
            dsnguard.build_report(spec(), now="today")
        with self.assertRaises(TypeError):
            dsnguard.build_report(spec(), max_returned=-5)

    def test_ownership(self):
        # the spec is read, never changed; results are the caller's own
        import copy
        s = spec()
        s["envelope"]["client"]["trusted"] = True
        before = copy.deepcopy(s)
        r1 = dsnguard.build_report_result(s, ORIGINAL, now=self.NOW)
        self.assertEqual(s, before)
        r1["entries"][0]["addr"] = "changed"
        r2 = dsnguard.build_report_result(s, ORIGINAL, now=self.NOW)
        self.assertEqual(r2["entries"][0]["addr"], "b@example.test")
        self.assertEqual(r1["data"], r2["data"])
        buf = bytearray(ORIGINAL)
        r3 = dsnguard.build_report(s, buf, now=self.NOW)
        buf[:4] = b"XXXX"                 # the report holds a copy
        self.assertEqual(r3, r2["data"])

    def test_permissive_policy_given(self):
        r = dsnguard.build_report(spec(), ORIGINAL,
                                  policy=dsnguard.Policy.preset("permissive"),
                                  now=self.NOW)
        self.assertTrue(r.startswith(b"From: Mail Delivery System"))


class Helpers(unittest.TestCase):
    def test_xtext_utf8(self):
        self.assertEqual(dsnguard.xtext_utf8_encode("jöe+1@b"),
                         "j\\x{F6}e\\x{2B}1@b")
        self.assertEqual(dsnguard.xtext_utf8_encode("jöe", unitext=True),
                         "jöe")
        for s in ("jöe@b.example", "a+b=c\\d", "日本@例え.jp"):
            self.assertEqual(dsnguard.xtext_utf8_decode(
                dsnguard.xtext_utf8_encode(s)), s)
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.xtext_utf8_encode(b"\xff")
        self.assertEqual(cm.exception.code, "bad_xtext")
        with self.assertRaises(dsnguard.ParseError):
            dsnguard.xtext_utf8_decode("a\\x{zz}")
        with self.assertRaises(dsnguard.ParseError):
            dsnguard.xtext_utf8_decode("jöe")          # raw needs unitext
        self.assertEqual(dsnguard.xtext_utf8_decode("jöe", unitext=True),
                         "jöe")
        with self.assertRaises(TypeError):
            dsnguard.xtext_utf8_encode(None)

    def test_parse_addr(self):
        a = dsnguard.parse_addr("<@r1.example,@r2.example:a@b.example>")
        self.assertEqual((a["path"], a["local"], a["domain"], a["route"]),
                         ("a@b.example", "a", "b.example",
                          ["r1.example", "r2.example"]))
        self.assertTrue(dsnguard.parse_addr("<>")["null"])
        self.assertTrue(dsnguard.parse_addr("<Postmaster>",
                                            rcpt=True)["postmaster"])
        self.assertEqual(dsnguard.parse_addr("a@b.example")["lax"],
                         ["no_brackets"])
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.parse_addr("<>", rcpt=True)
        self.assertEqual(cm.exception.code, "null_path_not_allowed")
        with self.assertRaises(dsnguard.ParseError):
            dsnguard.parse_addr("a@b.example", strict=True)
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.parse_addr("<jöe@b.example>")
        self.assertEqual(cm.exception.code, "non_ascii_address")
        self.assertTrue(dsnguard.parse_addr("<jöe@b.example>",
                                            utf8=True)["utf8"])
        self.assertTrue(dsnguard.check_domain("b.example"))
        self.assertTrue(dsnguard.check_domain("[192.0.2.1]"))
        with self.assertRaises(dsnguard.ParseError):
            dsnguard.check_domain("-bad-.example")

    def test_batv(self):
        t = dsnguard.batv_sign("a@b.example", "text:secret", now=86400 * 400)
        p = dsnguard.batv_parse(t)
        self.assertEqual((p["local"], p["domain"], p["original"]),
                         ("a", "b.example", "a@b.example"))
        self.assertEqual(len(p["hash"]), 6)
        self.assertEqual(dsnguard.batv_strip(t), "a@b.example")
        self.assertEqual(dsnguard.batv_strip("a@b.example"), "a@b.example")
        with self.assertRaises(dsnguard.ParseError):
            dsnguard.batv_parse("a@b.example")

    def test_replies(self):
        self.assertEqual(dsnguard.format_reply("250-a\n250 b"),
                         "250-a\r\n250 b\r\n")
        self.assertEqual(dsnguard.reply_complete(b"250-a\r\n250 b\r\nxx"), 14)
        self.assertEqual(dsnguard.reply_complete(b"250-a\r\n"), 0)
        with self.assertRaises(dsnguard.ParseError):
            dsnguard.reply_complete(b"xyz hello\r\n")
        with self.assertRaises(dsnguard.ParseError):
            dsnguard.format_reply("250-a\r\n251 b\r\n")

    def test_reply_options(self):
        # a 600-octet EHLO line: over the default 512, within lenient 4096
        e = (b"250-mx.example\r\n250-" + b"X" * 600 + b"\r\n250 DSN\r\n")
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.parse_ehlo(e)
        self.assertEqual(cm.exception.code, "line_too_long")
        self.assertTrue(dsnguard.parse_ehlo(e, lenient=True)["dsn"])
        self.assertTrue(dsnguard.parse_ehlo(e, max_line=1000)["dsn"])
        self.assertNotIn(b"DSN", dsnguard.hide_ehlo(e, max_line=1000))
        with self.assertRaises(dsnguard.ParseError):
            dsnguard.hide_ehlo(e)
        p = dsnguard.Policy.preset("recommended")
        s = dsnguard.Session("203.0.113.1", port=25)
        d = p.ehlo(s, e, lenient=True)
        self.assertEqual(d.action, "hide_dsn")
        self.assertNotIn("DSN", d.rewritten)
        with self.assertRaises(dsnguard.ParseError):
            p.ehlo(s, e)
        many = b"".join(b"250-l%d\r\n" % i for i in range(20)) + b"250 x\r\n"
        self.assertEqual(len(dsnguard.parse_ehlo(many)["capabilities"]), 20)
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.parse_ehlo(many, max_lines=5)
        self.assertEqual(cm.exception.code, "size_limit")
        with self.assertRaises(dsnguard.ParseError):
            dsnguard.format_reply(b"250 " + b"y" * 600)
        self.assertEqual(len(dsnguard.format_reply(b"250 " + b"y" * 600,
                                                   max_line=1000)), 606)
        self.assertEqual(dsnguard.reply_complete(b"250 " + b"y" * 600
                                                 + b"\r\n", lenient=True),
                         606)
        for fn in (dsnguard.parse_ehlo, dsnguard.hide_ehlo):
            with self.assertRaises(TypeError):
                fn(e, bogus=1)
            with self.assertRaises(TypeError):
                fn(e, max_line=-1)
        with self.assertRaises(TypeError):
            p.ehlo(s, e, max_lines="5")

    def test_dates_and_mime_text(self):
        self.assertEqual(dsnguard.parse_date("Wed, 15 Jul 2020 10:15:30 GMT"),
                         1594808130)
        self.assertEqual(dsnguard.parse_date("15 Jul 2020 12:15:30 +0200"),
                         1594808130)
        with self.assertRaises(dsnguard.ParseError):
            dsnguard.parse_date("yesterday")
        self.assertEqual(dsnguard.decode_words("=?utf-8?q?caf=C3=A9?= ok"),
                         "café ok")
        self.assertEqual(dsnguard.decode_words("=?utf-8?q?a=0Ab?="),
                         "a\ufffdb")
        self.assertEqual(dsnguard.unfold("a\r\n b\n\tc"), "a b\tc")

    def test_status_find_and_mbox(self):
        c = dsnguard.status_find("550 5.7.1 refused by 10.1.1.1")
        self.assertEqual((c["code"], c["offset"]), ("5.7.1", 4))
        self.assertIsNone(dsnguard.status_find("from 10.1.1.1 only"))
        self.assertIsNone(dsnguard.status_find(""))
        box = (b"From a@b Mon Jan  1 00:00:00 2024\nSubject: x\n\nbody\n\n"
               b"From c@d Tue Jan  2 00:00:00 2024\nSubject: y\n\nb2\n")
        msgs = dsnguard.split_mbox(box)
        self.assertEqual([email.message_from_bytes(m)["Subject"]
                          for m in msgs], ["x", "y"])
        self.assertEqual(dsnguard.split_mbox(b"Subject: z\n\nb\n"),
                         [b"Subject: z\n\nb\n"])
        with self.assertRaises(TypeError):
            dsnguard.split_mbox(None)

    def test_policy_lookups(self):
        self.assertIn("recommended", dsnguard.preset_names())
        self.assertEqual(dsnguard.Policy.preset_names(),
                         dsnguard.preset_names())
        p = dsnguard.Policy.from_string("[trusted-networks]\n192.0.2.0/24\n")
        self.assertTrue(p.is_trusted(dsnguard.Session("192.0.2.7")))
        self.assertFalse(p.is_trusted(dsnguard.Session("198.51.100.7")))
        self.assertFalse(p.is_trusted(dsnguard.Session()))
        r = dsnguard.Policy.preset("recommended")
        self.assertTrue(r.is_receipt_header("return-receipt-to"))
        self.assertFalse(r.is_receipt_header("Subject"))
        s = dsnguard.Session("203.0.113.5", port=25)
        self.assertEqual(r.line(s, "EHLO x.example").action, "hide_dsn")
        d = r.line(s, "RCPT TO:<a@b.example> NOTIFY=SUCCESS")
        self.assertEqual(d.notify, ["SUCCESS"])
        self.assertEqual(r.line(s, "NOOP").action, "accept")
        d = r.line(s, "RCPT TO:<a@b.example> NOTIFY=BOGUS")
        self.assertEqual((d.action, d.rule), ("reject", "parser:syntax"))
        with self.assertRaises(TypeError):
            r.line("not a session", "NOOP")
        with self.assertRaises(TypeError):
            p.is_trusted(None)


class PolicyOptions(unittest.TestCase):
    CONF = os.path.join(DATA, "..", "dsnguard.conf")

    def test_includes(self):
        p = dsnguard.Policy.from_file(self.CONF)
        self.assertTrue(p.is_trusted(dsnguard.Session("192.0.2.7")))
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.Policy.from_file(self.CONF, no_includes=True)
        self.assertIn("include", cm.exception.message)
        with open(self.CONF) as f:
            text = f.read()
        with self.assertRaises(dsnguard.ParseError):
            dsnguard.Policy.from_string(text, name=self.CONF,
                                        no_includes=True)
        self.assertEqual(dsnguard.Policy.from_string(
            text, name=self.CONF, max_include_files=50).name, self.CONF)
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.Policy.from_file(self.CONF, max_include_bytes=1)
        self.assertIn("max_include_bytes", cm.exception.message)
        with self.assertRaises(TypeError):
            dsnguard.Policy.from_file(self.CONF, max_include_files=-1)
        with self.assertRaises(TypeError):
            dsnguard.Policy.from_file(self.CONF, bogus=1)

    def test_lookups(self):
        p = dsnguard.Policy.from_file(self.CONF)
        self.assertIn("192.0.2.0/24", p.networks)
        self.assertIn("127.0.0.0/8", p.networks)
        rules = {r["rule"]: r for r in p.rules}
        self.assertEqual(rules["ehlo.offer-dsn"]["value"],
                         "trusted, submission, local")
        self.assertGreater(rules["ehlo.offer-dsn"]["line"], 0)
        self.assertEqual(p.offer_dsn, ["trusted", "submission", "local"])
        self.assertEqual(p.classes(dsnguard.Session("192.0.2.1")),
                         ["all", "trusted"])
        self.assertEqual(p.classes(dsnguard.Session(
            "203.0.113.1", auth_user="u", tls=True)),
            ["all", "authenticated", "tls"])
        perm = dsnguard.Policy.preset("permissive")
        self.assertEqual(perm.rules, [])
        self.assertEqual(perm.offer_dsn, ["all"])
        with self.assertRaises(TypeError):
            p.classes(None)

    def test_command_options_on_decisions(self):
        # the recipients of an SMTPUTF8 transaction are UTF-8 addresses:
        # the decision parses them with utf8=True, as parse_cmd does
        p = dsnguard.Policy.preset("recommended")
        s = dsnguard.Session("192.0.2.1", port=587, service="submission",
                             auth_user="u")
        line = "RCPT TO:<jöe@b.example> NOTIFY=SUCCESS"
        self.assertEqual(p.mail(s, "MAIL FROM:<jöe@b.example> SMTPUTF8",
                                utf8=True).action, "accept")
        d = p.rcpt(s, line)
        self.assertEqual((d.action, d.rule), ("reject", "parser:syntax"))
        d = p.rcpt(s, line, utf8=True)
        self.assertEqual(d.action, "accept")
        self.assertEqual(d.notify, ["SUCCESS"])
        self.assertEqual(p.line(s, line, utf8=True).action, "accept")
        self.assertEqual(p.line(s, line).rule, "parser:syntax")
        d = p.rcpt(s, "RCPT TO:<a@b.example> NOTIFY=SUCCESS", max_line=20)
        self.assertEqual((d.action, d.rule), ("reject", "parser:syntax"))
        self.assertIn("500", d.reply)
        # the same decisions as without options when none changes a thing
        s2 = dsnguard.Session("203.0.113.1", port=25)
        p.ehlo(s2)
        rl = "RCPT TO:<a@b.example> NOTIFY=SUCCESS,FAILURE"
        self.assertEqual(p.rcpt(s2, rl, strict=True), p.rcpt(s2, rl))
        with self.assertRaises(TypeError):
            p.rcpt(s2, rl, bogus=1)
        with self.assertRaises(TypeError):
            p.mail(s2, rl, utf8=True)      # not a MAIL command
        with self.assertRaises(TypeError):
            p.line(s2, rl, max_line=-1)

    def test_bounce_limits(self):
        p = dsnguard.Policy.preset("recommended")
        with open(os.path.join(DATA, "return-receipt.eml"), "rb") as f:
            r = f.read()
        self.assertEqual(p.bounce(r, rcpt="a@b.example", max_recipients=5),
                         p.bounce(r, rcpt="a@b.example"))
        with self.assertRaises(dsnguard.ParseError) as cm:
            p.bounce(r, max_size=100)
        self.assertEqual(cm.exception.code, "size_limit")
        with self.assertRaises(TypeError):
            p.bounce(r, max_bogus=1)


if __name__ == "__main__":
    unittest.main()
