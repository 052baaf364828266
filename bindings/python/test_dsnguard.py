"""Tests of the Python binding: `import dsnguard`."""
import unittest

import dsnguard


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


class Version(unittest.TestCase):
    def test_version(self):
        self.assertRegex(dsnguard.version(), r"^\d+\.\d+\.\d+$")


if __name__ == "__main__":
    unittest.main()
