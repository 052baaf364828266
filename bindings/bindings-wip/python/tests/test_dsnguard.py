"""The Python binding: parse_cmd results, ParseError, str and bytes input."""
import unittest

import dsnguard


class ParseCmdTest(unittest.TestCase):
    def test_rcpt_with_dsn_parameters(self):
        c = dsnguard.parse_cmd(
            "RCPT TO:<user@example.org> NOTIFY=SUCCESS,DELAY "
            "ORCPT=rfc822;user+40example.org")
        self.assertEqual(c["verb"], "RCPT")
        self.assertEqual(c["path"], "user@example.org")
        self.assertEqual(c["local"], "user")
        self.assertEqual(c["domain"], "example.org")
        self.assertIsNone(c["route"])
        self.assertEqual(c["notify"], ["SUCCESS", "DELAY"])
        self.assertEqual(c["orcpt"], {"type": "rfc822",
                                      "addr": "user@example.org"})
        self.assertEqual([p["keyword"] for p in c["params"]],
                         ["NOTIFY", "ORCPT"])
        self.assertEqual(c["canonical"],
                         "RCPT TO:<user@example.org> NOTIFY=SUCCESS,DELAY "
                         "ORCPT=rfc822;user+40example.org")

    def test_mail_fields(self):
        c = dsnguard.parse_cmd(b"MAIL FROM:<> RET=HDRS ENVID=ab+2Bc SIZE=42")
        self.assertEqual(c["path"], "")
        self.assertEqual(c["ret"], "HDRS")
        self.assertEqual(c["envid"], "ab+c")
        self.assertEqual(c["size"], 42)
        self.assertIs(c["smtputf8"], False)
        self.assertIsNone(c["notify"])

    def test_other_verbs(self):
        self.assertEqual(dsnguard.parse_cmd("EHLO mx.example")["domain"],
                         "mx.example")
        self.assertIsNone(dsnguard.parse_cmd("QUIT")["arg"])

    def test_strict_refuses_space_after_colon(self):
        dsnguard.parse_cmd("MAIL FROM: <a@b.example>")
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.parse_cmd("MAIL FROM: <a@b.example>", strict=True)
        self.assertEqual(cm.exception.reply, 501)

    def test_parse_error_carries_code_offset_reply(self):
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.parse_cmd("RCPT TO:<a@b.example> NOTIFY=NEVER,SUCCESS")
        e = cm.exception
        self.assertEqual(e.code, "bad_notify")
        self.assertEqual(e.reply, 501)
        self.assertEqual(e.enhanced, "5.5.4")
        self.assertGreater(e.offset, 20)
        self.assertIsInstance(e, ValueError)

    def test_nul_byte_in_bytes_is_an_error_not_a_truncation(self):
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.parse_cmd(b"RCPT TO:<a@b.example>\x00 NOTIFY=SUCCESS")
        self.assertEqual(cm.exception.code, "nul_byte")
        self.assertEqual(cm.exception.offset, 21)

    def test_wrong_type(self):
        with self.assertRaises(TypeError):
            dsnguard.parse_cmd(42)

    def test_version(self):
        self.assertRegex(dsnguard.version(), r"^\d+\.\d+\.\d+$")
        self.assertEqual(dsnguard.__version__, dsnguard.version())


if __name__ == "__main__":
    unittest.main()
