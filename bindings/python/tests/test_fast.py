"""The hand-written fast paths (python/fast.c) against the SWIG code they
replace: same results, same errors, same argument handling."""
import email
import json
import os
import sys
import unittest

import dsnguard

_core = sys.modules[dsnguard.Decision.__module__]
_low = getattr(_core, "_dsnguard", None) or getattr(_core, "__core", None) \
    or getattr(_core, "_core", None)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "tests", "bench"))
from gen_smtp_stream import generate  # noqa: E402

LINES = generate(3000, seed=11)


class ParseCmd(unittest.TestCase):
    def test_same_as_the_walk_for_a_whole_stream(self):
        # the fast entry point and a JSON round trip of its own result:
        # every value is a plain str/int/bool/None/list/dict, and keys are
        # exactly those of the CLI (checked by the other tests)
        refused = 0
        for line in LINES:
            for arg in (line, line.encode()):
                try:
                    r = dsnguard.parse_cmd(arg)
                except dsnguard.ParseError as e:
                    refused += 1
                    self.assertIsInstance(e.code, str)
                    continue
                self.assertEqual(json.loads(json.dumps(r)), r)
                self.assertEqual(r["verb"], line.split(" ")[0].upper()
                                 .rstrip(":"))
                # canonical parses back to the same fields
                again = dsnguard.parse_cmd(r["canonical"])
                self.assertEqual(again, r)
        self.assertGreater(refused, 100)  # the stream's malformed tenth
        self.assertLess(refused, 2 * len(LINES) * 0.2)

    @unittest.skipUnless(os.environ.get("DSNG_CLI"), "DSNG_CLI not set")
    def test_keys_and_values_are_the_clis(self):
        # results start from a per-verb template of keys: every verb's
        # keys, their order and values must still be the CLI's JSON
        import subprocess
        sample, seen = [], {}
        for line in LINES + ["DATA", "BDAT 10 LAST", "HELO x.example",
                             "LHLO y.example", "NOOP hello", "RSET",
                             "QUIT", "VRFY a", "MAIL FROM:<>"]:
            verb = line.split(" ")[0].split(":")[0].upper()
            if seen.get(verb, 0) < 40:
                seen[verb] = seen.get(verb, 0) + 1
                sample.append(line)
        out = subprocess.run([os.environ["DSNG_CLI"], "parse-cmd", "--json"],
                             input="".join(l + "\r\n" for l in sample),
                             capture_output=True, text=True, timeout=60)
        cli = [json.loads(l) for l in out.stdout.splitlines()]
        self.assertEqual(len(cli), len(sample), out.stderr)
        for line, want in zip(sample, cli):
            if not want.get("ok"):
                continue
            want = {k: v for k, v in want.items()
                    if k not in ("ok", "input")}
            for _ in range(2):  # the template's first use and a later one
                got = dsnguard.parse_cmd(line)
                self.assertEqual(list(got), list(want), line)
                self.assertEqual(got, want, line)

    def test_keyword_arguments(self):
        line = "MAIL FROM: <a@b.example>"  # lax: a space after the colon
        self.assertEqual(dsnguard.parse_cmd(line)["path"], "a@b.example")
        self.assertEqual(dsnguard.parse_cmd(line=line)["verb"], "MAIL")
        self.assertEqual(dsnguard.parse_cmd(buf=line)["verb"], "MAIL")
        for kw in ({"strict": True}, {"strict": 1}):
            with self.assertRaises(dsnguard.ParseError):
                dsnguard.parse_cmd(line, **kw)
        with self.assertRaises(dsnguard.ParseError):
            dsnguard.parse_cmd(line, True)  # strict, positionally
        with self.assertRaises(dsnguard.ParseError):
            dsnguard.parse_cmd(line, 0, 10)  # max_line, positionally
        self.assertEqual(
            dsnguard.parse_cmd("RCPT TO:<j\u00f6rg@b.example>",
                               utf8=True)["local"], "j\u00f6rg")

    def test_argument_misuse(self):
        with self.assertRaises(TypeError):
            dsnguard.parse_cmd()
        with self.assertRaises(TypeError):
            dsnguard.parse_cmd("DATA", 0, 0, 0, 0)
        with self.assertRaises(TypeError):
            dsnguard.parse_cmd("DATA", nope=1)
        with self.assertRaises(TypeError):
            dsnguard.parse_cmd("DATA", line="DATA")
        with self.assertRaises(TypeError):
            dsnguard.parse_cmd("DATA", strict="yes")
        with self.assertRaises(OverflowError):
            dsnguard.parse_cmd("DATA", max_line=-1)
        with self.assertRaises(TypeError):
            dsnguard.parse_cmd(bytearray(b"DATA"))
        with self.assertRaises(UnicodeEncodeError):
            dsnguard.parse_cmd("MAIL FROM:<\udcff@b.example>")

    def test_parse_error_is_the_python_class(self):
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.parse_cmd("RCPT TO:<a@b.example> NOTIFY=NEVER,DELAY")
        e = cm.exception
        self.assertIs(type(e), dsnguard.ParseError)
        self.assertEqual(e.code, "bad_notify")
        self.assertEqual(e.reply, 501)
        self.assertEqual(e.enhanced, "5.5.4")
        self.assertIsInstance(e.offset, int)
        # what ParseError.__init__ would have made of the same values
        ref = dsnguard.ParseError(e.code, e.offset, e.reply, e.enhanced,
                                  e.message)
        self.assertEqual(e.args, ref.args)
        self.assertEqual(str(e), str(ref))
        self.assertEqual(vars(e), vars(ref))
        # no reply code: the message has no head
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.parse_ehlo("garbage")
        ref = dsnguard.ParseError(cm.exception.code, cm.exception.offset,
                                  cm.exception.reply, cm.exception.enhanced,
                                  cm.exception.message)
        self.assertEqual(str(cm.exception), str(ref))

    def test_shared_short_values_are_the_right_ones(self):
        # short values come from a cache shared by all results: whatever
        # it holds, each result has its own line's text
        import random
        rnd = random.Random(5)
        for _ in range(5000):
            local = "".join(rnd.choice("abcXYZ-_")
                            for _ in range(rnd.randrange(1, 12)))
            if rnd.randrange(3) == 0:
                local += ".b"
            dom = "%s.example" % rnd.choice(("a", "bb", "ccc", "d-d"))
            kw = rnd.choice(("X-A", "X-B", "XX", "Y"))
            line = "MAIL FROM:<%s@%s> %s=%s" % (local, dom, kw, local)
            r = dsnguard.parse_cmd(line)
            self.assertEqual(r["local"], local)
            self.assertEqual(r["domain"], dom)
            self.assertEqual(r["params"][0], {"keyword": kw, "value": local})
            self.assertEqual(r["canonical"], line)
        # non-ASCII values are never confused with ASCII ones
        r = dsnguard.parse_cmd("MAIL FROM:<j\u00f6rg@b.example> SMTPUTF8")
        self.assertEqual(r["local"], "j\u00f6rg")
        r = dsnguard.parse_cmd(b"MAIL FROM:<j\xc3\xb6rg@b.example> SMTPUTF8")
        self.assertEqual(r["local"], "j\u00f6rg")
        # the canonical form equals the caller's line when it was sent
        # canonical (built from the Result's own copy, not the caller's
        # object: lazy.c)
        line = "RCPT TO:<a@b.example> NOTIFY=SUCCESS"
        self.assertEqual(dsnguard.parse_cmd(line)["canonical"], line)
        self.assertEqual(dsnguard.parse_cmd("rcpt to:<a@b.example>  "
                                            "notify=success")["canonical"],
                         "RCPT TO:<a@b.example> NOTIFY=success")

    def test_results_are_independent(self):
        a = dsnguard.parse_cmd("RCPT TO:<a@b.example> NOTIFY=SUCCESS")
        b = dsnguard.parse_cmd("RCPT TO:<a@b.example> NOTIFY=SUCCESS")
        a["notify"].append("DELAY")
        a["params"][0]["value"] = "x"
        self.assertEqual(b["notify"], ["SUCCESS"])
        self.assertEqual(b["params"][0]["value"], "SUCCESS")


class Decisions(unittest.TestCase):
    def setUp(self):
        self.p = dsnguard.Policy.preset("recommended")

    def slow(self, fn, s, line):
        # the SWIG path the fast one replaced: a dict, then Decision(d)
        return dsnguard.Decision(fn(self.p._h, s._h, line))

    def test_same_as_the_swig_path_for_a_whole_stream(self):
        s1 = dsnguard.Session("192.0.2.1", port=25)
        s2 = dsnguard.Session("192.0.2.1", port=25)
        self.p.ehlo(s1)
        self.p.ehlo(s2)
        n = 0
        for line in LINES:
            verb = line[:4].upper()
            if verb not in ("MAIL", "RCPT"):
                continue
            slow_fn = _core._policy_mail if verb == "MAIL" \
                else _core._policy_rcpt
            fast_fn = self.p.mail if verb == "MAIL" else self.p.rcpt
            if verb == "MAIL":
                s1.reset()
                s2.reset()
            d_fast = fast_fn(s1, line)
            d_slow = self.slow(slow_fn, s2, line)
            self.assertIs(type(d_fast), dsnguard.Decision)
            self.assertEqual(d_fast.to_dict(), d_slow.to_dict(), line)
            self.assertEqual(list(d_fast.to_dict()),
                             list(d_slow.to_dict()))
            self.assertEqual(repr(d_fast), repr(d_slow))
            self.assertIsNone(d_fast.verdict)
            n += 1
        self.assertGreater(n, 2000)
        self.assertEqual(s1.state, s2.state)

    def test_line_forms_and_misuse(self):
        s = dsnguard.Session("192.0.2.1")
        self.p.ehlo(s)
        line = "RCPT TO:<a@b.example> NOTIFY=SUCCESS"
        ref = self.p.rcpt(s, line)
        for form in (line.encode(), bytearray(line.encode()),
                     memoryview(line.encode()), dsnguard.parse_cmd(line)):
            self.assertEqual(self.p.rcpt(s, form), ref)
        for bad in (None, 5, {"verb": "RCPT"}, ["RCPT"]):
            with self.assertRaises(TypeError):
                self.p.rcpt(s, bad)
        with self.assertRaises(TypeError):
            self.p.rcpt("not a session", line)
        with self.assertRaises(TypeError):
            self.p.mail(s, line)  # a RCPT line to mail()
        d = self.p.rcpt(s, "RCPT TO:<a@b.example>\x00")  # framing
        self.assertEqual(d.reply, "500 5.5.2 NUL in command")
        d = self.p.rcpt(s, "RCPT TO:<a@b.example")  # unparsable: refused
        self.assertEqual(d.action, "reject")
        self.assertTrue(d.reply.startswith("501"))


def report_message():
    return (b"From: MAILER-DAEMON@mx.example\r\n"
            b"To: a@b.example\r\nSubject: failure\r\n"
            b"MIME-Version: 1.0\r\n"
            b"Content-Type: multipart/report; report-type=delivery-status;"
            b" boundary=\"B\"\r\n\r\n--B\r\n"
            b"Content-Type: text/plain\r\n\r\nIt failed.\r\n--B\r\n"
            b"Content-Type: message/delivery-status\r\n\r\n"
            b"Reporting-MTA: dns; mx.example\r\n\r\n"
            b"Final-Recipient: rfc822; x@y.example\r\nAction: failed\r\n"
            b"Status: 5.1.1\r\n\r\n--B--\r\n")


class ParseReport(unittest.TestCase):
    def test_forms(self):
        raw = report_message()
        r = dsnguard.parse_report(raw)
        self.assertEqual(r["kind"], "dsn")
        self.assertEqual(r["recipients"][0]["status"], "5.1.1")
        self.assertEqual(dsnguard.parse_report(raw.decode()), r)
        self.assertEqual(dsnguard.parse_report(bytearray(raw)), r)
        self.assertEqual(dsnguard.parse_report(memoryview(raw)), r)
        msg = email.message_from_bytes(raw)
        self.assertEqual(dsnguard.parse_report(msg)["recipients"],
                         r["recipients"])
        self.assertTrue(_core._report_parse_only(raw))
        self.assertFalse(_core._report_parse_only(b"\x00" * 10))

    def test_limits_and_misuse(self):
        raw = report_message()
        self.assertEqual(dsnguard.parse_report(raw, max_recipients=1,
                                               max_size=1 << 20)["kind"],
                         "dsn")
        with self.assertRaises(dsnguard.ParseError):
            dsnguard.parse_report(raw, max_size=100)
        with self.assertRaises(TypeError):
            dsnguard.parse_report(raw, max_nothing=1)
        with self.assertRaises(TypeError):
            dsnguard.parse_report(raw, 5)
        with self.assertRaises(TypeError):
            dsnguard.parse_report()
        with self.assertRaises(TypeError):
            dsnguard.parse_report(42)
        with self.assertRaises(TypeError):
            dsnguard.parse_report(raw, max_depth="3")
        with self.assertRaises(OverflowError):
            dsnguard.parse_report(raw, max_parts=1 << 40)
        with self.assertRaises(OverflowError):
            dsnguard.parse_report(raw, max_recipients=-1)


class Reentry(unittest.TestCase):
    def test_a_finalizer_that_calls_in_during_a_build(self):
        # an allocation inside a walk can run the cyclic GC, and so a
        # __del__ that calls parse_cmd and rcpt on the same thread: each
        # call's state (template, key order, input) must survive it
        import gc
        p = dsnguard.Policy.preset("recommended")
        s = dsnguard.Session("192.0.2.1")
        p.ehlo(s)
        lines = [l for l in LINES if l[:4].upper() in ("MAIL", "RCPT",
                                                       "EHLO")][:600]

        def parse(line):
            try:
                return dsnguard.parse_cmd(line)
            except dsnguard.ParseError as e:
                return e.code

        def decide(line):
            fn = p.rcpt if line[:4].upper() == "RCPT" else p.mail
            return fn(s, line).to_dict()
        want = [parse(l) for l in lines]
        want_d = [decide(l) for l in lines if l[:4].upper() != "EHLO"]
        nested = []

        class Cycle:
            # each finalizer leaves a new cycle, so the collections at
            # the later allocations of a build find one too
            def __init__(self, n=8):
                self.me, self.n = self, n

            def __del__(self):
                nested.append(parse("RCPT TO:<n@b.example> NOTIFY=DELAY"))
                nested.append(p.rcpt(s, "RCPT TO:<n@b.example>").action)
                nested.append(parse("EHLO nested.example"))
                if self.n:
                    Cycle(self.n - 1)

        old = gc.get_threshold()
        gc.set_threshold(1, 1, 1)
        try:
            got, got_d = [], []
            for line in lines:
                Cycle()
                got.append(parse(line))
                if line[:4].upper() != "EHLO":
                    Cycle()
                    got_d.append(decide(line))
        finally:
            gc.set_threshold(*old)
            gc.collect()
        self.assertGreater(len(nested), 100)  # the finalizers did run
        self.assertEqual(got, want)
        self.assertEqual([list(d) for d in got_d], [list(d) for d in want_d])
        self.assertEqual(got_d, want_d)


class KeyCache(unittest.TestCase):
    def test_ehlo_keys_built_in_a_buffer(self):
        # ehlo.c makes some keys in a reused stack buffer: the key cache
        # must tell them apart by text, not by address
        r = dsnguard.parse_ehlo("250-mx.example\r\n250-DSN\r\n"
                                "250-SMTPUTF8\r\n250 SIZE 1000\r\n")
        self.assertIs(r["dsn"], True)
        self.assertIs(r["smtputf8"], True)
        self.assertIs(r["pipelining"], False)
        self.assertEqual(r["size"], 1000)
        self.assertEqual(len(set(r)), len(r))
        keys = [k for k in r if isinstance(r[k], bool)]
        self.assertGreater(len(keys), 5)


if __name__ == "__main__":
    unittest.main()
