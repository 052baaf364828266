"""Tests of the Python binding: `import dsnguard`."""
import os
import unittest

import dsnguard

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                    "..", "..", "..", "examples", "data")


def data(name):
    with open(os.path.join(DATA, name), "rb") as f:
        return f.read()


MDN = (b"From: ua@example.org\r\nTo: a@b.example\r\nSubject: read\r\n"
       b"MIME-Version: 1.0\r\nContent-Type: multipart/report; "
       b"report-type=disposition-notification; boundary=\"XX\"\r\n\r\n"
       b"--XX\r\nContent-Type: text/plain\r\n\r\nIt was displayed.\r\n"
       b"--XX\r\nContent-Type: message/disposition-notification\r\n\r\n"
       b"Reporting-UA: mua.example.org; Foo 1.0\r\n"
       b"Final-Recipient: rfc822; ua@example.org\r\n"
       b"Original-Message-ID: <1@b.example>\r\n"
       b"Disposition: manual-action/MDN-sent-manually; displayed/error\r\n"
       b"X-Odd: yes\r\n\r\n--XX--\r\n")


def ehlo_reply():
    """The server's reply to EHLO in examples/data/session.txt."""
    lines, seen = [], False
    for line in data("session.txt").decode().splitlines():
        if line.startswith(">>> "):
            if seen:
                break
            seen = line[4:].upper().startswith("EHLO")
        elif seen and line.startswith("<<< "):
            lines.append(line[4:])
    return "\r\n".join(lines) + "\r\n"


class ParseCmd(unittest.TestCase):
    def test_rcpt_with_notify_and_orcpt(self):
        r = dsnguard.parse_cmd(
            "RCPT TO:<user@example.org> NOTIFY=SUCCESS,DELAY "
            "ORCPT=rfc822;user+40example.org")
        self.assertEqual(r["verb"], "RCPT")
        self.assertEqual(r["path"], "user@example.org")
        self.assertEqual(r["local"], "user")
        self.assertEqual(r["domain"], "example.org")
        self.assertIsNone(r["route"])
        self.assertEqual(r["notify"], ["SUCCESS", "DELAY"])
        self.assertEqual(r["orcpt"], {"type": "rfc822", "addr": "user@example.org"})
        self.assertEqual(r["params"], [
            {"keyword": "NOTIFY", "value": "SUCCESS,DELAY"},
            {"keyword": "ORCPT", "value": "rfc822;user+40example.org"}])
        self.assertEqual(r["canonical"],
                         "RCPT TO:<user@example.org> NOTIFY=SUCCESS,DELAY "
                         "ORCPT=rfc822;user+40example.org")

    def test_mail_fields_and_bytes_input(self):
        r = dsnguard.parse_cmd(b"MAIL FROM:<> RET=HDRS ENVID=QQ+2B1 SIZE=1000")
        self.assertEqual(r["verb"], "MAIL")
        self.assertEqual(r["path"], "")
        self.assertEqual(r["ret"], "HDRS")
        self.assertEqual(r["envid"], "QQ+1")
        self.assertEqual(r["size"], 1000)
        self.assertIsNone(r["notify"])
        self.assertFalse(r["smtputf8"])

    def test_other_verbs(self):
        self.assertEqual(dsnguard.parse_cmd("EHLO client.example")["domain"],
                         "client.example")
        self.assertIsNone(dsnguard.parse_cmd("DATA")["arg"])

    def test_u64_values_are_exact(self):
        # uint64_t fields come out as Python ints, never as signed -1
        r = dsnguard.parse_cmd("MAIL FROM:<a@b.example> "
                               "SIZE=18446744073709551615 HOLDFOR=999999999")
        self.assertEqual(r["size"], 18446744073709551615)
        self.assertEqual(r["holdfor"], 999999999)
        self.assertIsNone(dsnguard.parse_cmd("MAIL FROM:<>")["holdfor"])
        r = dsnguard.parse_cmd("MAIL FROM:<> SIZE=9223372036854775808")
        self.assertEqual(r["size"], 2 ** 63)
        r = dsnguard.parse_cmd("BDAT 18446744073709551615 LAST")
        self.assertEqual(r["chunk_size"], 2 ** 64 - 1)
        self.assertIs(r["last"], True)
        # BDAT's arguments are kept as sent
        r = dsnguard.parse_cmd("bdat 0100  last")
        self.assertEqual((r["arg"], r["chunk_size"], r["last"]),
                         ("0100  last", 100, True))
        self.assertEqual(r["canonical"], "BDAT 0100  last")
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.parse_cmd("MAIL FROM:<> SIZE=18446744073709551616")
        self.assertEqual(cm.exception.code, "bad_size")
        self.assertIn("larger than 2^64-1", str(cm.exception))

    def test_error_carries_code_offset_reply(self):
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.parse_cmd("RCPT TO:<a@b.example> NOTIFY=NEVER,SUCCESS")
        e = cm.exception
        self.assertIsInstance(e, ValueError)
        self.assertEqual(e.code, "bad_notify")
        self.assertEqual(e.reply, 501)
        self.assertEqual(e.enhanced, "5.5.4")
        self.assertGreater(e.offset, 0)
        self.assertTrue(e.message)

    def test_strict_refuses_space_after_colon(self):
        dsnguard.parse_cmd("MAIL FROM: <a@b.example>")
        with self.assertRaises(dsnguard.ParseError):
            dsnguard.parse_cmd("MAIL FROM: <a@b.example>", strict=True)

    def test_nul_byte_is_an_error_not_a_truncation(self):
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.parse_cmd(b"RCPT TO:<a@b.example>\x00 NOTIFY=SUCCESS")
        self.assertEqual(cm.exception.code, "nul_byte")
        self.assertEqual(cm.exception.offset, 21)
        self.assertEqual(cm.exception.reply, 500)

    def test_message_reads_like_the_reply(self):
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.parse_cmd("RCPT TO:<>")
        self.assertRegex(str(cm.exception),
                         r"^501 5\.1\.3 .*\(null_path_not_allowed at offset \d+\)$")

    def test_wrong_type(self):
        with self.assertRaises(TypeError):
            dsnguard.parse_cmd(42)


class ParseReport(unittest.TestCase):
    def test_return_receipt(self):
        r = dsnguard.parse_report(data("return-receipt.eml"))
        self.assertEqual(r["kind"], "dsn")
        self.assertEqual(r["report_type"], "delivery-status")
        self.assertFalse(r["global"])
        self.assertEqual(r["message"]["reporting_mta"],
                         {"type": "dns", "name": "mx.example.net"})
        self.assertEqual(r["message"]["arrival_date"],
                         "Wed, 15 Jul 2020 10:15:30 GMT")
        self.assertEqual(r["message"]["arrival_ts"], 1594808130)
        self.assertEqual(len(r["recipients"]), 1)
        rc = r["recipients"][0]
        self.assertEqual(rc["final_recipient"],
                         {"type": "rfc822", "addr": "legal_address@example.net"})
        self.assertEqual(rc["action"], "delivered")
        self.assertEqual(rc["status"], "2.1.5")
        self.assertEqual(rc["status_raw"], "2.1.5")
        self.assertIsNone(rc["original_recipient"])
        self.assertEqual(rc["extensions"], [])
        self.assertIsNone(r["mdn"])
        self.assertEqual(r["returned"]["message_id"],
                         "<202007151015.06FAFTbL012697@mx.example.net>")
        self.assertEqual(r["returned"]["subject"], "Testing email.")
        self.assertIn("successful delivery", r["human_text"])
        self.assertFalse(r["truncated"])
        self.assertEqual(r["problems"], [])

    def test_same_keys_as_the_cli(self):
        r = dsnguard.parse_report(data("return-receipt.eml"))
        self.assertEqual(set(r), {
            "kind", "report_type", "global", "message", "recipients", "mdn",
            "returned", "human_text", "truncated", "problems"})
        self.assertEqual(set(r["recipients"][0]), {
            "final_recipient", "original_recipient", "action", "status",
            "status_raw", "remote_mta", "diagnostic_code",
            "last_attempt_date", "final_log_id", "will_retry_until",
            "last_attempt_ts", "will_retry_until_ts", "extensions"})

    def test_mdn(self):
        r = dsnguard.parse_report(MDN)
        self.assertEqual(r["kind"], "mdn")
        self.assertEqual(r["recipients"], [])
        self.assertEqual(r["mdn"]["final_recipient"],
                         {"type": "rfc822", "addr": "ua@example.org"})
        self.assertEqual(r["mdn"]["original_message_id"], "<1@b.example>")
        self.assertEqual(r["mdn"]["disposition"], {
            "action_mode": "manual-action", "sending_mode": "mdn-sent-manually",
            "type": "displayed", "modifiers": ["error"]})
        self.assertEqual(r["mdn"]["extensions"],
                         [{"name": "X-Odd", "value": "yes"}])

    def test_not_a_report_is_kind_none(self):
        r = dsnguard.parse_report("From: a@b.example\r\nSubject: hi\r\n"
                                  "\r\nJust mail.\r\n")
        self.assertEqual(r["kind"], "none")
        self.assertIsNone(r["message"])
        self.assertIsNone(r["mdn"])
        self.assertIsNone(r["returned"])
        self.assertEqual(r["recipients"], [])

    def test_returned_values_are_valid_utf8(self):
        # an encoded NUL, invalid UTF-8, 8-bit us-ascii, a character split
        # across two words, a raw NUL: U+FFFD (never cut), each noted
        msg = (b"From: m@x.example\r\nContent-Type: multipart/report; "
               b"report-type=delivery-status; boundary=B\r\n\r\n"
               b"--B\r\nContent-Type: message/delivery-status\r\n\r\n"
               b"Reporting-MTA: dns; mx\r\n\r\n"
               b"Final-Recipient: rfc822; a@b\r\nAction: failed\r\n"
               b"Status: 5.1.1\r\n\r\n"
               b"--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
               b"Subject: =?utf-8?Q?a=00b=C3?= =?utf-8?Q?=A9=C3?=\r\n"
               b"From: =?us-ascii?Q?J=FCrg?= <j@x>\r\n"
               b"Message-ID: <1\x00@x>\r\n\r\n--B--\r\n")
        r = dsnguard.parse_report(msg)
        self.assertEqual(r["returned"]["subject"], "a\ufffdb\u00e9\ufffd")
        self.assertEqual(r["returned"]["from"], "J\ufffdrg <j@x>")
        self.assertEqual(r["returned"]["message_id"], "<1\ufffd@x>")
        # the NUL, the split, the cut character: each at its word
        subject = [p["offset"] for p in r["problems"]
                   if p["field"] == "Subject"]
        self.assertEqual(subject, [msg.index(b"=?utf-8?Q?a"),
                                   msg.index(b"=?utf-8?Q?=A9"),
                                   msg.index(b"=?utf-8?Q?=A9")])
        fields = {p["field"]: p["offset"] for p in r["problems"]}
        self.assertEqual(fields["From"], msg.index(b"=?us-ascii"))
        self.assertEqual(fields["Message-ID"], msg.index(b"\x00@x"))

    def test_not_mail_raises(self):
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.parse_report(b"")
        self.assertEqual(cm.exception.code, "not_mail")
        self.assertEqual(cm.exception.offset, 0)


class ParseEhlo(unittest.TestCase):
    def test_session_reply(self):
        r = dsnguard.parse_ehlo(ehlo_reply())
        self.assertEqual(r["code"], 250)
        self.assertEqual(r["domain"], "mx.example.net")
        self.assertTrue(r["greeting"].startswith("Hello client.example.com"))
        self.assertIs(r["dsn"], True)
        self.assertIs(r["pipelining"], True)
        self.assertIs(r["smtputf8"], False)
        self.assertEqual(r["size"], 0)
        self.assertIs(r["deliverby"], True)
        self.assertEqual(r["deliverby_min"], 0)
        self.assertIsNone(r["futurerelease_max_interval"])
        self.assertEqual([c["keyword"] for c in r["capabilities"]],
                         ["ENHANCEDSTATUSCODES", "PIPELINING", "8BITMIME",
                          "SIZE", "DSN", "DELIVERBY", "HELP"])
        self.assertEqual(r["auth_mechanisms"], [])

    def test_params_and_auth(self):
        r = dsnguard.parse_ehlo(b"250-mx.example\r\n250-SIZE 1000\r\n"
                                b"250 AUTH PLAIN LOGIN\r\n")
        self.assertFalse(r["dsn"])
        self.assertEqual(r["size"], 1000)
        self.assertEqual(r["auth_mechanisms"], ["PLAIN", "LOGIN"])
        self.assertEqual(r["capabilities"][1],
                         {"keyword": "AUTH", "params": ["PLAIN", "LOGIN"]})

    def test_u64_values_are_exact(self):
        r = dsnguard.parse_ehlo(b"250-mx\r\n250-SIZE 18446744073709551615\r\n"
                                b"250 FUTURERELEASE 18446744073709551615 "
                                b"2026-01-01T00:00:00Z\r\n")
        self.assertEqual(r["size"], 18446744073709551615)
        self.assertEqual(r["futurerelease_max_interval"], 2 ** 64 - 1)
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.parse_ehlo("250-mx\r\n250 SIZE 18446744073709551616\r\n")
        self.assertIn("out of range", str(cm.exception))

    def test_refusal_raises_with_the_server_code(self):
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.parse_ehlo("550 go away\r\n")
        self.assertEqual(cm.exception.code, "bad_ehlo")
        self.assertEqual(cm.exception.reply, 550)


class Xtext(unittest.TestCase):
    def test_encode(self):
        self.assertEqual(dsnguard.xtext_encode("user+tag=x@example.org"),
                         "user+2Btag+3Dx@example.org")
        self.assertEqual(dsnguard.xtext_encode("a b"), "a+20b")
        self.assertEqual(dsnguard.xtext_encode(""), "")

    def test_round_trips(self):
        for s in ["user+tag@example.org", "a=b c", "plain", "+=+", "~!"]:
            self.assertEqual(dsnguard.xtext_decode(dsnguard.xtext_encode(s)), s)
            self.assertEqual(dsnguard.xtext_decode(
                dsnguard.xtext_encode(s.encode())), s)

    def test_lower_case_hex_only_when_lenient(self):
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.xtext_decode("a+2bb")
        self.assertEqual(cm.exception.code, "bad_xtext")
        self.assertEqual(cm.exception.offset, 1)
        self.assertEqual(dsnguard.xtext_decode("a+2bb", lenient=True), "a+b")

    def test_error_offset(self):
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.xtext_decode("ab+Z1")
        e = cm.exception
        self.assertEqual(e.code, "bad_xtext")
        self.assertEqual(e.offset, 2)
        self.assertEqual((e.reply, e.enhanced), (501, "5.5.4"))
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.xtext_decode("a b")
        self.assertEqual(cm.exception.offset, 1)


class Version(unittest.TestCase):
    def test_version(self):
        self.assertRegex(dsnguard.version(), r"^\d+\.\d+\.\d+$")


if __name__ == "__main__":
    unittest.main()


def many_recipients(n):
    """A DSN with n recipient groups."""
    groups = "".join("Final-Recipient: rfc822; u%d@example.org\r\n"
                     "Action: failed\r\nStatus: 5.1.1\r\n\r\n" % i
                     for i in range(n))
    return ("From: MAILER-DAEMON@mx.example\r\nTo: a@b.example\r\n"
            "MIME-Version: 1.0\r\nContent-Type: multipart/report; "
            "report-type=delivery-status; boundary=\"BB\"\r\n\r\n"
            "--BB\r\nContent-Type: text/plain\r\n\r\nfailed\r\n"
            "--BB\r\nContent-Type: message/delivery-status\r\n\r\n"
            "Reporting-MTA: dns; mx.example\r\n\r\n" + groups +
            "--BB--\r\n").encode()


EHLO_WITH_DSN = "250-mx.example\r\n250-DSN\r\n250 SIZE 1000\r\n"
DECISION_KEYS = {"action", "reason", "rule", "reply", "notify", "compliance",
                 "rewritten"}


class Limits(unittest.TestCase):
    def test_report_over_the_default_recipients(self):
        msg = many_recipients(1001)
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.parse_report(msg)
        self.assertEqual(cm.exception.code, "recipient_limit")
        r = dsnguard.parse_report(msg, max_recipients=5000)
        self.assertEqual(len(r["recipients"]), 1001)
        self.assertEqual(r["recipients"][1000]["final_recipient"]["addr"],
                         "u1000@example.org")

    def test_email_message(self):
        import email
        import email.policy
        raw = data("return-receipt.eml")
        want = dsnguard.parse_report(raw)
        for pol in (email.policy.compat32, email.policy.default):
            msg = email.message_from_bytes(raw, policy=pol)
            got = dsnguard.parse_report(msg)
            self.assertEqual(got["kind"], "dsn")
            self.assertEqual(got["recipients"], want["recipients"])
        with self.assertRaises(TypeError):
            dsnguard.parse_report(42)
        with self.assertRaises(TypeError):
            dsnguard.parse_report(raw, max_recipient=5)

    def test_threads_share_a_policy_and_parse_reports(self):
        import threading
        msg = many_recipients(300)
        want = dsnguard.parse_report(msg)
        policy = dsnguard.Policy.preset("recommended")
        errors = []

        def work():
            try:
                s = dsnguard.Session("127.0.0.1")
                for _ in range(10):
                    if dsnguard.parse_report(msg) != want:
                        errors.append("report differs")
                    if policy.rcpt(s, "RCPT TO:<a@b.example> "
                                   "NOTIFY=SUCCESS").action != "accept":
                        errors.append("decision differs")
            except Exception as e:  # pragma: no cover
                errors.append(repr(e))
        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])

    def test_lower_limits(self):
        with self.assertRaises(dsnguard.ParseError):
            dsnguard.parse_report(many_recipients(3), max_recipients=2)
        with self.assertRaises(dsnguard.ParseError):
            dsnguard.parse_report(many_recipients(3), max_size=100)

    def test_max_line(self):
        line = "MAIL FROM:<%s@example.org>" % ("a" * 60)
        self.assertEqual(dsnguard.parse_cmd(line)["verb"], "MAIL")
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.parse_cmd(line, max_line=40)
        self.assertEqual(cm.exception.code, "line_too_long")
        long = "MAIL FROM:<a@example.org> X-LONG=%s" % ("v" * 3000)
        with self.assertRaises(dsnguard.ParseError):
            dsnguard.parse_cmd(long)
        self.assertEqual(dsnguard.parse_cmd(long, max_line=8192)["verb"],
                         "MAIL")

    def test_limit_misuse(self):
        with self.assertRaises((TypeError, OverflowError)):
            dsnguard.parse_report(b"x", max_recipients=-1)
        with self.assertRaises(TypeError):
            dsnguard.parse_cmd("DATA", max_line="big")


class Defects(unittest.TestCase):
    def test_long_keyword_is_not_truncated(self):
        kw = "X" + "Y" * 400
        r = dsnguard.parse_cmd("MAIL FROM:<a@b.example> %s=1" % kw.lower())
        self.assertEqual(r["params"][0]["keyword"], kw)

    def test_xtext_decode_bytes_gives_bytes(self):
        import random
        rnd = random.Random(9)
        for _ in range(2000):
            # any octet but NUL, which xtext may not carry
            b = bytes(rnd.randrange(1, 256)
                      for _ in range(rnd.randrange(12)))
            enc = dsnguard.xtext_encode(b)
            self.assertIsInstance(enc, str)
            out = dsnguard.xtext_decode(enc.encode("ascii"))
            self.assertIsInstance(out, bytes)
            self.assertEqual(out, b)
        self.assertEqual(dsnguard.xtext_decode(b"a+FF"), b"a\xff")
        with self.assertRaises(dsnguard.ParseError):
            dsnguard.xtext_decode(b"a+00")
        self.assertEqual(dsnguard.xtext_decode("a+E2+82+AC"), "a\u20ac")

    def test_misuse_is_type_error(self):
        for bad in (None, 5, ["RCPT"]):
            with self.assertRaises(TypeError):
                dsnguard.parse_cmd(bad)
        with self.assertRaises(TypeError):
            dsnguard.xtext_decode(None)
        # a ParseError is a ValueError, never a TypeError
        self.assertFalse(issubclass(dsnguard.ParseError, TypeError))


class PolicyLoading(unittest.TestCase):
    def test_presets(self):
        for name in ("recommended", "permissive", "sendmail-noreceipts",
                     "postfix-discard-dsn"):
            p = dsnguard.Policy.preset(name)
            self.assertEqual(p.name, name)
            self.assertIn(name, repr(p))
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.Policy.preset("nope")
        self.assertEqual(cm.exception.code, "unknown_preset")
        with self.assertRaises(TypeError):
            dsnguard.Policy.preset(None)
        with self.assertRaises(TypeError):
            dsnguard.Policy()

    def test_from_string(self):
        p = dsnguard.Policy.from_string("preset = permissive\n", name="t.conf")
        self.assertEqual(p.name, "t.conf")
        p = dsnguard.Policy.from_string(b"[rcpt]\naction = strip\n")
        self.assertIsInstance(p.warnings, list)
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.Policy.from_string("[nosuch]\n", name="bad.conf")
        self.assertTrue(cm.exception.message.startswith("bad.conf:1:"))
        self.assertIsInstance(cm.exception, ValueError)
        with self.assertRaises(TypeError):
            dsnguard.Policy.from_string(None)
        with self.assertRaises(TypeError):
            dsnguard.Policy.from_string("", name=3)

    def test_from_file(self):
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "p.conf")
            with open(path, "w") as f:
                f.write("preset = sendmail-noreceipts\n")
            p = dsnguard.Policy.from_file(path)
            self.assertEqual(p.name, path)
            import pathlib
            self.assertEqual(dsnguard.Policy.from_file(pathlib.Path(path))
                             .name, path)
            with self.assertRaises(dsnguard.ParseError) as cm:
                dsnguard.Policy.from_file(os.path.join(d, "missing.conf"))
            self.assertEqual(cm.exception.code, "io")
        with self.assertRaises(TypeError):
            dsnguard.Policy.from_file(None)

    def test_collected(self):
        import gc
        import weakref
        p = dsnguard.Policy.preset("recommended")
        ref = weakref.ref(p._h)
        d = p.rcpt(dsnguard.Session("127.0.0.1"),
                   "RCPT TO:<a@b.example> NOTIFY=SUCCESS")
        del p
        gc.collect()
        self.assertIsNone(ref())
        # the decision is a copy: it outlives its policy
        self.assertEqual(d.rule, "recommended:rcpt.success-from")


class Sessions(unittest.TestCase):
    def test_facts(self):
        s = dsnguard.Session("192.0.2.1", client_name="c.example",
                             helo="c.example", auth_user="joe", tls=True,
                             port=587, service="submission", trusted=False)
        self.assertEqual(s.addr, "192.0.2.1")
        self.assertIs(s.trusted, False)
        self.assertIn("auth_user='joe'", repr(s))
        self.assertEqual(s.state["dsn_offered"], None)
        self.assertEqual(s.state["n_recipients"], 0)

    def test_misuse(self):
        with self.assertRaises(TypeError):
            dsnguard.Session(5)
        with self.assertRaises(TypeError):
            dsnguard.Session(service="pop3")
        with self.assertRaises(TypeError):
            dsnguard.Session(port=70000)
        with self.assertRaises(TypeError):
            dsnguard.Session(port="25")
        with self.assertRaises(TypeError):
            dsnguard.Session(trusted="yes")
        with self.assertRaises(TypeError):
            dsnguard.Session("127.0.0.1", "name")  # keywords only
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.Session("999.0.0.1")
        self.assertEqual(cm.exception.code, "bad_cidr")

    def test_owns_its_strings(self):
        import gc
        user = "".join(["jo", "\u00e9"])
        s = dsnguard.Session("::1", auth_user=user, helo="h\u00e9.example")
        del user
        gc.collect()
        p = dsnguard.Policy.preset("recommended")
        d = p.rcpt(s, "RCPT TO:<a@b.example> NOTIFY=SUCCESS")
        self.assertEqual(d.action, "accept")

    def test_trusted_verdict_overrides_networks(self):
        p = dsnguard.Policy.preset("recommended")
        self.assertEqual(p.ehlo(dsnguard.Session("192.0.2.1", trusted=True))
                         .action, "advertise_dsn")
        self.assertEqual(p.ehlo(dsnguard.Session("127.0.0.1", trusted=False))
                         .action, "hide_dsn")

    def test_reset(self):
        p = dsnguard.Policy.preset("permissive")
        s = dsnguard.Session("192.0.2.1")
        p.ehlo(s)
        p.mail(s, "MAIL FROM:<>")
        p.rcpt(s, "RCPT TO:<a@b.example>")
        self.assertTrue(s.state["null_sender"])
        self.assertEqual(s.state["n_recipients"], 1)
        s.reset()
        self.assertFalse(s.state["null_sender"])
        self.assertEqual(s.state["n_recipients"], 0)

    def test_update_facts_learnt_later(self):
        # A stranger is not offered DSN at EHLO; after AUTH the recommended
        # preset honours its NOTIFY (honour-unoffered-from authenticated).
        p = dsnguard.Policy.preset("recommended")
        s = dsnguard.Session("203.0.113.9", port=25)
        p.ehlo(s)
        line = "RCPT TO:<a@b.example> NOTIFY=SUCCESS"
        self.assertEqual(p.rcpt(s, line).action, "reject")
        user = "al" + "ice"
        s.update(auth_user=user, tls=True, helo="laptop.example")
        del user
        self.assertEqual((s.auth_user, s.tls, s.helo),
                         ("alice", True, "laptop.example"))
        self.assertEqual(p.rcpt(s, line).action, "accept")
        self.assertIs(s.state["dsn_offered"], False)  # EHLO's record kept
        s.update(auth_user=None)  # cleared; helo and tls kept
        self.assertEqual((s.auth_user, s.tls, s.helo),
                         (None, True, "laptop.example"))
        self.assertEqual(p.rcpt(s, line).action, "reject")
        s.update()  # nothing named, nothing changed
        self.assertEqual(s.helo, "laptop.example")
        with self.assertRaises(TypeError):
            s.update(helo=5)
        with self.assertRaises(TypeError):
            s.update(tls="yes")
        with self.assertRaises(TypeError):
            s.update("helo")


class Decisions(unittest.TestCase):
    def setUp(self):
        self.p = dsnguard.Policy.preset("recommended")
        self.stranger = dsnguard.Session("203.0.113.5", port=25)
        self.local = dsnguard.Session("127.0.0.1", port=25)

    def test_ehlo(self):
        d = self.p.ehlo(self.stranger)
        self.assertEqual(d.action, "hide_dsn")
        self.assertIsNone(d.rewritten)
        self.assertEqual(set(d.to_dict()), DECISION_KEYS)
        d = self.p.ehlo(self.stranger, EHLO_WITH_DSN)
        self.assertEqual(d.rewritten, "250-mx.example\r\n250 SIZE 1000\r\n")
        d = self.p.ehlo(self.local, EHLO_WITH_DSN.encode())
        self.assertEqual(d.action, "advertise_dsn")
        self.assertIsNone(d.rewritten)
        self.assertIs(self.local.state["dsn_offered"], True)
        with self.assertRaises(dsnguard.ParseError):
            self.p.ehlo(self.local, "550 no\r\n")

    def test_rcpt_refused_for_a_stranger(self):
        self.p.ehlo(self.stranger)
        d = self.p.rcpt(self.stranger, b"RCPT TO:<a@b.example> NOTIFY=SUCCESS")
        self.assertEqual(d.action, "reject")
        self.assertTrue(d.reply.startswith("550 5.7.1 "))
        self.assertEqual(d.notify, ["SUCCESS"])
        self.assertEqual(d.compliance, "compliant")
        self.assertEqual(d.rule, "recommended:rcpt.unoffered")
        self.assertIn("reject", repr(d))
        self.assertEqual(d.to_dict()["reply"], d.reply)

    def test_rcpt_takes_what_parse_cmd_returned(self):
        self.p.ehlo(self.local)
        cmd = dsnguard.parse_cmd("RCPT TO:<a@b.example> NOTIFY=SUCCESS,DELAY")
        d = self.p.rcpt(self.local, cmd)
        self.assertEqual(d.action, "accept")
        self.assertEqual(d.notify, ["SUCCESS", "DELAY"])
        self.assertIsNone(d.reply)
        self.assertEqual(d, self.p.rcpt(self.local, cmd["canonical"]))

    def test_rewrites(self):
        d = self.p.mail(self.stranger, "MAIL FROM:<a@b.example> RET=FULL")
        self.assertEqual(d.action, "downgrade")
        self.assertEqual(d.rewritten, "MAIL FROM:<a@b.example> RET=HDRS")
        self.assertEqual(d.compliance, "lenient")
        p = dsnguard.Policy.from_string(
            "[ehlo]\noffer-dsn = all\n[rcpt]\naction = strip\n", name="s.conf")
        s = dsnguard.Session("192.0.2.7")
        p.ehlo(s)
        d = p.rcpt(s, "RCPT TO:<a@b.example> NOTIFY=SUCCESS")
        self.assertEqual(d.action, "strip")
        self.assertEqual(d.rewritten, "RCPT TO:<a@b.example>")
        self.assertEqual(d.compliance, "not_compliant")
        self.assertTrue(d.rule.startswith("s.conf:"))

    def test_syntax_error_is_the_refusal(self):
        d = self.p.rcpt(self.local, "RCPT TO:<a@b.example> NOTIFY=BOGUS")
        self.assertEqual(d.action, "reject")
        self.assertEqual(d.rule, "parser:syntax")
        self.assertTrue(d.reply.startswith("501 5.5.4 "))

    def test_misuse(self):
        with self.assertRaises(TypeError):
            self.p.mail(self.local, "RCPT TO:<a@b.example>")
        with self.assertRaises(TypeError):
            self.p.rcpt(self.local, "MAIL FROM:<a@b.example>")
        with self.assertRaises(TypeError):
            self.p.rcpt("session", "RCPT TO:<a@b.example>")
        with self.assertRaises(TypeError):
            self.p.rcpt(self.local, None)
        with self.assertRaises(TypeError):
            self.p.rcpt(self.local, {"verb": "RCPT"})
        with self.assertRaises(TypeError):
            self.p.generate(self.local, "exploded")
        with self.assertRaises(TypeError):
            self.p.generate(self.local, "delivered", notify=["SOMETIMES"])
        with self.assertRaises(TypeError):
            self.p.header(self.local, None, "x")

    def test_header(self):
        d = self.p.header(self.stranger, "Disposition-Notification-To",
                          "a@b.example")
        self.assertEqual(d.action, "strip")
        d = self.p.header(self.local, b"Disposition-Notification-To",
                          "J\u00f6rg <j@b.example>")
        self.assertEqual(d.action, "accept")
        d = self.p.header(self.stranger, "Subject", "h\u00e9llo")
        self.assertEqual(d.action, "accept")

    def test_generate(self):
        d = self.p.generate(self.stranger, "delivered", notify="SUCCESS")
        self.assertEqual(d.action, "never")
        self.assertEqual(d.notify, ["SUCCESS"])
        d = self.p.generate(self.local, "delivered", notify=["success"])
        self.assertEqual(d.action, "accept")
        d = self.p.generate(self.stranger, "failed")
        self.assertIn(d.action, ("accept", "never"))

    def test_bounce(self):
        d = self.p.bounce(data("return-receipt.eml"),
                          rcpt="spamvictim@victim.example")
        self.assertEqual(set(d.to_dict()), DECISION_KEYS | {"verdict"})
        self.assertIn(d.verdict, ("legit", "unknown", "backscatter",
                                  "not_a_bounce"))
        import email
        msg = email.message_from_bytes(data("return-receipt.eml"))
        self.assertEqual(self.p.bounce(msg, rcpt="spamvictim@victim.example"),
                         d)
        self.assertEqual(self.p.bounce(null_sender=False).verdict,
                         "not_a_bounce")
        with self.assertRaises(TypeError):
            self.p.bounce(42)
        with self.assertRaises(dsnguard.ParseError):
            self.p.bounce(b"\x00\x01 not mail")

    def test_unicode_and_bytes_lines(self):
        p = dsnguard.Policy.preset("permissive")
        s = dsnguard.Session("192.0.2.1")
        p.ehlo(s)
        line = "RCPT TO:<j\u00f6rg@b.example> NOTIFY=SUCCESS"
        self.assertEqual(p.rcpt(s, line), p.rcpt(s, line.encode()))
        d = p.mail(s, "MAIL FROM:<j\u00f6rg@b.example> SMTPUTF8")
        self.assertEqual(d.action, "accept")


class ParseReply(unittest.TestCase):
    def test_multiline(self):
        r = dsnguard.parse_reply(b"250-mx.example\r\n250 2.0.0 ok\r\n")
        self.assertEqual(r["code"], 250)
        self.assertEqual(r["enhanced"], "2.0.0")
        self.assertEqual([l["message"] for l in r["lines"]],
                         ["mx.example", "ok"])
        self.assertEqual(r["text"], "mx.example\nok")
        self.assertFalse(r["unterminated"])
        self.assertTrue(dsnguard.parse_reply("250 ok")["unterminated"])

    def test_unicode(self):
        r = dsnguard.parse_reply("550 5.7.1 d\u00e9sol\u00e9\r\n")
        self.assertEqual(r["lines"][0]["message"], "d\u00e9sol\u00e9")

    def test_errors_and_limits(self):
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.parse_reply("250-a\r\n251 b\r\n")
        self.assertEqual(cm.exception.code, "mixed_codes")
        with self.assertRaises(dsnguard.ParseError):
            dsnguard.parse_reply("250 " + "x" * 600)
        self.assertEqual(dsnguard.parse_reply("250 " + "x" * 600,
                                              lenient=True)["code"], 250)
        many = "".join("250-l%d\r\n" % i for i in range(5)) + "250 end\r\n"
        with self.assertRaises(dsnguard.ParseError):
            dsnguard.parse_reply(many, max_lines=3)
        with self.assertRaises(TypeError):
            dsnguard.parse_reply(None)


class StatusDescribe(unittest.TestCase):
    def test_registered_and_not(self):
        d = dsnguard.status_describe("5.1.1")
        self.assertEqual(d["description"], "Bad destination mailbox address")
        self.assertEqual((d["class"], d["subject"], d["detail"]), (5, 1, 1))
        self.assertEqual(d["class_name"], "permanent")
        self.assertIs(d["registered"], True)
        d = dsnguard.status_describe(b"4.7.999")
        self.assertIs(d["registered"], False)
        self.assertEqual(d["code"], "4.7.999")

    def test_bad(self):
        for bad in ("3.1.1", "5.1", "5.1.1 x", ""):
            with self.assertRaises(dsnguard.ParseError):
                dsnguard.status_describe(bad)
        with self.assertRaises(TypeError):
            dsnguard.status_describe(511)


class HideEhlo(unittest.TestCase):
    def test_bytes_and_text(self):
        self.assertEqual(
            dsnguard.hide_ehlo(b"250-mx\r\n250-DSN\r\n250 SIZE 10\r\n"),
            b"250-mx\r\n250 SIZE 10\r\n")
        out = dsnguard.hide_ehlo("250-mx \u00e9\r\n250-dsn\r\n250-SIZE 10\r\n"
                                 "250 8BITMIME", ["size", "DSN"])
        self.assertEqual(out, "250-mx \u00e9\r\n250 8BITMIME\r\n")
        self.assertEqual(dsnguard.hide_ehlo("250-mx\r\n250 DSN\r\n", []),
                         "250-mx\r\n250 DSN\r\n")

    def test_errors(self):
        with self.assertRaises(dsnguard.ParseError):
            dsnguard.hide_ehlo("550 no\r\n")
        with self.assertRaises(TypeError):
            dsnguard.hide_ehlo(None)
        with self.assertRaises(TypeError):
            dsnguard.hide_ehlo("250 x\r\n", [1])


class Batv(unittest.TestCase):
    KEY = "hex:00112233445566778899"
    NOW = 1700000000

    def test_sign_and_verify(self):
        t = dsnguard.batv_sign("user@example.org", self.KEY, now=self.NOW)
        # the same tag as `dsnguard batv sign --now 1700000000`
        self.assertEqual(t, "prvs=0682c79f0e=user@example.org")
        v = dsnguard.batv_verify(t, [self.KEY], now=self.NOW)
        self.assertEqual(v, {"ok": True, "result": "valid", "address": t,
                             "original": "user@example.org",
                             "key_number": 0, "day": 682,
                             "legacy_order": False, "days_left": 7})
        self.assertEqual(dsnguard.batv_verify(
            t.encode(), self.KEY, now=self.NOW + 30 * 86400)["result"],
            "expired")
        self.assertEqual(dsnguard.batv_verify(t, "text:other",
                                              now=self.NOW)["result"],
                         "bad_hash")
        v = dsnguard.batv_verify("user@example.org", self.KEY)
        self.assertEqual(v["result"], "not_tagged")
        self.assertIsNone(v["original"])

    def test_key_numbers_and_days(self):
        keys = [self.KEY, "3:text:s\u00e9cret"]
        t = dsnguard.batv_sign("a@b.example", keys, key=3, days=2,
                               now=self.NOW)
        v = dsnguard.batv_verify(t, keys, now=self.NOW)
        self.assertEqual((v["key_number"], v["result"]), (3, "valid"))
        self.assertEqual(dsnguard.batv_verify(t, [self.KEY],
                                              now=self.NOW)["result"],
                         "no_key")

    def test_errors(self):
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.batv_sign("a@b.example", self.KEY, key=4)
        self.assertEqual(cm.exception.code, "batv_no_key")
        with self.assertRaises(dsnguard.ParseError):
            dsnguard.batv_sign("a@b.example", "hex:0g")
        with self.assertRaises(TypeError):
            dsnguard.batv_sign("<>", self.KEY)
        with self.assertRaises(TypeError):
            dsnguard.batv_sign(None, self.KEY)
        with self.assertRaises(TypeError):
            dsnguard.batv_sign("a@b.example", ["x\ny"])
        with self.assertRaises(TypeError):
            dsnguard.batv_verify("a@b.example", self.KEY, now="today")


OOM_CHILD = r'''
import resource
import dsnguard
data = b"\x01" * (64 << 20)        # xtext_encode needs 192 MiB more
soft, hard = resource.getrlimit(resource.RLIMIT_AS)
with open("/proc/self/statm") as f:
    vm = int(f.read().split()[0]) * resource.getpagesize()
resource.setrlimit(resource.RLIMIT_AS, (vm + (96 << 20), hard))
try:
    dsnguard.xtext_encode(data)
except MemoryError:
    print("MemoryError")
except Exception as e:
    print("%s: %s" % (type(e).__name__, e))
else:
    print("no error")
'''


@unittest.skipUnless(os.path.exists("/proc/self/statm"), "needs /proc")
class OutOfMemory(unittest.TestCase):
    def test_memory_error_not_parse_error(self):
        import subprocess
        import sys
        out = subprocess.run([sys.executable, "-c", OOM_CHILD],
                             capture_output=True, text=True, timeout=60,
                             env=dict(os.environ))
        self.assertEqual(out.stdout.strip(), "MemoryError", out.stderr)


class Docstrings(unittest.TestCase):
    def test_every_public_name_is_documented(self):
        for name in ("version", "parse_cmd", "parse_report", "parse_ehlo",
                     "parse_reply", "status_describe", "xtext_encode",
                     "xtext_decode", "hide_ehlo", "batv_sign", "batv_verify",
                     "Policy", "Session", "Decision", "ParseError"):
            obj = getattr(dsnguard, name)
            self.assertTrue(obj.__doc__ and obj.__doc__.strip(), name)
        for name in ("preset", "from_file", "from_string", "ehlo", "mail",
                     "rcpt", "header", "generate", "bounce"):
            self.assertTrue(getattr(dsnguard.Policy, name).__doc__, name)
