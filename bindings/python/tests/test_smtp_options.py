"""dsnguard.smtplib_options: DSN parameters encoded by the library, and
what smtplib then puts on the wire (a fake server on 127.0.0.1 records
the bytes).  smtplib itself encodes nothing: a hand-written ORCPT with
'+', a space or UTF-8 goes out raw and means another address."""
import random
import smtplib
import unittest

import dsnguard
from fakesmtp import FakeSMTP

opts = dsnguard.smtplib_options


def verbs_upper(lines):
    """smtplib sends "mail FROM:"; the rest of each line is as sent."""
    return [w[:4].upper() + w[4:] for w in lines]


class EncodingTest(unittest.TestCase):
    def test_nothing(self):
        self.assertEqual(opts(), ([], []))

    def test_ret_envid(self):
        self.assertEqual(opts(ret="hdrs", envid="cost 5+x=y"),
                         (["RET=HDRS", "ENVID=cost+205+2Bx+3Dy"], []))
        self.assertEqual(opts(ret="Full")[0], ["RET=FULL"])

    def test_notify(self):
        self.assertEqual(opts(notify="delay,success")[1],
                         ["NOTIFY=SUCCESS,DELAY"])
        self.assertEqual(opts(notify=["FAILURE"])[1], ["NOTIFY=FAILURE"])
        self.assertEqual(opts(notify=("never",))[1], ["NOTIFY=NEVER"])

    def test_orcpt(self):
        self.assertEqual(opts(orcpt="a+b c@example.org")[1],
                         ["ORCPT=rfc822;a+2Bb+20c@example.org"])
        self.assertEqual(opts(orcpt="jörg@example.org")[1],
                         ["ORCPT=utf-8;j\\x{F6}rg@example.org"])
        self.assertEqual(opts(orcpt="jörg@example.org", smtputf8=True),
                         (["SMTPUTF8"], ["ORCPT=utf-8;jörg@example.org"]))
        self.assertEqual(opts(orcpt="x400;c=de;a=x")[1],
                         ["ORCPT=x400;c+3Dde;a+3Dx"])

    def test_round_trip_through_the_parser(self):
        # what a server decodes is what was given
        for envid in ("cost 5", "a+b=c", "~!\\\"", "x" * 100):
            m, _ = opts(envid=envid)
            cmd = dsnguard.parse_cmd("MAIL FROM:<> " + m[0], strict=True)
            self.assertEqual(cmd["envid"], envid)
        for addr in ("a+b@example.org", "a b@example.org", "ü@例え.jp",
                     "e=mc2@example.org", "back\\slash@example.org"):
            for utf8 in (False, True):
                _, r = opts(orcpt=addr, smtputf8=utf8)
                cmd = dsnguard.parse_cmd("RCPT TO:<x@y.example> " + r[0],
                                         strict=True, utf8=utf8)
                self.assertEqual(cmd["orcpt"]["addr"], addr)

    def test_random_values_round_trip_or_are_refused(self):
        # any text: either refused, or sent so that the library's own
        # server-side parser decodes exactly what was given
        rnd = random.Random(3461)
        alphabet = ("abcXYZ09 +=\\;:<>\"@.,~\t\r\n\0\x7f"
                    "\u00e9\u20ac\u4f8b\U0001f600")
        sent = refused = 0
        for _ in range(3000):
            v = "".join(rnd.choice(alphabet)
                        for _ in range(rnd.randint(0, 12)))
            utf8 = rnd.random() < 0.5
            for kw in ("envid", "orcpt"):
                try:
                    m, r = opts(**{kw: v, "smtputf8": utf8})
                except dsnguard.ParseError as e:
                    self.assertEqual(e.code, "bad_" + kw)
                    refused += 1
                    continue
                sent += 1
                if kw == "envid":
                    line = "MAIL FROM:<> " + " ".join(m)
                    got = dsnguard.parse_cmd(line, strict=True)["envid"]
                    self.assertEqual(got, v)
                else:
                    line = "RCPT TO:<x@y.example> " + r[0]
                    c = dsnguard.parse_cmd(line, strict=True, utf8=utf8)
                    t, a = c["orcpt"]["type"], c["orcpt"]["addr"]
                    if a != v:  # "type;addr" given (the type any case)
                        self.assertEqual(v[:len(t) + 1].lower(), t + ";")
                        self.assertEqual(v[len(t) + 1:], a)
                self.assertNotIn("\r", line)
                self.assertNotIn("\n", line)
        self.assertGreater(sent, 1000)
        self.assertGreater(refused, 100)

    def test_refused(self):
        for kw, code in (
                (dict(ret="BOTH"), "bad_ret"),
                (dict(ret="FULL ENVID=x"), "bad_ret"),
                (dict(ret=""), "bad_ret"),
                (dict(envid="cost€5"), "bad_envid"),  # not US-ASCII
                (dict(envid=""), "bad_envid"),
                (dict(envid="x" * 101), "bad_envid"),
                (dict(envid="a\r\nRSET"), "bad_envid"),
                (dict(envid="a\0b"), "bad_envid"),
                (dict(notify="NEVER,SUCCESS"), "bad_notify"),
                (dict(notify="SUCCESS ORCPT=x"), "bad_notify"),
                (dict(notify=[]), "bad_notify"),
                (dict(notify=["SUCCESS,DELAY"]), "bad_notify"),
                (dict(notify="bogus"), "bad_notify"),
                (dict(orcpt=""), "bad_orcpt"),
                (dict(orcpt="rfc822;"), "bad_orcpt"),
                (dict(orcpt="rfc822;jörg@example.org"), "bad_orcpt"),
                (dict(orcpt="a\nb@example.org"), "bad_orcpt"),
                (dict(orcpt=b"utf-8;\xff@example.org"), "bad_orcpt")):
            with self.subTest(kw=kw):
                with self.assertRaises(dsnguard.ParseError) as cm:
                    opts(**kw)
                self.assertEqual(cm.exception.code, code)
                self.assertIsInstance(cm.exception, ValueError)
                self.assertEqual(cm.exception.reply, 501)

    def test_types(self):
        for kw in (dict(ret=1), dict(envid=5), dict(notify=5),
                   dict(notify=[1]), dict(notify=b"SUCCESS"),
                   dict(orcpt=["a@b"])):
            with self.subTest(kw=kw):
                with self.assertRaises(TypeError):
                    opts(**kw)
        with self.assertRaises(TypeError):
            opts("HDRS")


class WireTest(unittest.TestCase):
    def test_smtplib_sends_them_as_built(self):
        m, r = opts(ret="HDRS", envid="cost 5+", notify=["SUCCESS"],
                    orcpt="a+b c@example.org")
        with FakeSMTP("exposed") as srv:
            with smtplib.SMTP("127.0.0.1", srv.port, timeout=10) as s:
                s.ehlo("client.example")
                self.assertTrue(s.has_extn("dsn"))
                self.assertEqual(s.mail("a@example.org", m)[0], 250)
                self.assertEqual(s.rcpt("b@example.org", r)[0], 250)
                # what smtplib sends when the script writes it by hand
                s.rcpt("b@example.org", ["ORCPT=rfc822;a+b c@example.org"])
                s.rset()
            wire = verbs_upper(srv.lines())
        self.assertIn(b"MAIL FROM:<a@example.org> RET=HDRS ENVID=cost+205+2B",
                      wire)
        ours = (b"RCPT TO:<b@example.org> NOTIFY=SUCCESS "
                b"ORCPT=rfc822;a+2Bb+20c@example.org")
        self.assertIn(ours, wire)
        self.assertEqual(dsnguard.parse_cmd(ours)["orcpt"]["addr"],
                         "a+b c@example.org")
        naive = [w for w in wire if w.endswith(b"a+b c@example.org")][0]
        # the raw form: "+b " is no xtext, and the space ends the value
        with self.assertRaises(dsnguard.ParseError):
            dsnguard.parse_cmd(naive, strict=True)

    def test_smtputf8_orcpt(self):
        m, r = opts(orcpt="jörg@例え.jp", notify="SUCCESS", smtputf8=True)
        with FakeSMTP("utf8") as srv:
            with smtplib.SMTP("127.0.0.1", srv.port, timeout=10) as s:
                s.ehlo("client.example")
                self.assertEqual(s.mail("a@example.org", m)[0], 250)
                self.assertEqual(s.rcpt("jörg@例え.jp", r)[0], 250)
                s.rset()
            wire = verbs_upper(srv.lines())
        want = ("RCPT TO:<jörg@例え.jp> NOTIFY=SUCCESS "
                "ORCPT=utf-8;jörg@例え.jp").encode()
        self.assertIn(b"MAIL FROM:<a@example.org> SMTPUTF8", wire)
        self.assertIn(want, wire)
        self.assertEqual(dsnguard.parse_cmd(want, utf8=True)["orcpt"],
                         {"type": "utf-8", "addr": "jörg@例え.jp"})


if __name__ == "__main__":
    unittest.main()
