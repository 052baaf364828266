#!/usr/bin/env python3
"""tests/e2e/smtpc.py - one SMTP session against a private MTA on loopback
(standard library only), printed as one JSON object.

  smtpc.py --port N [--source ADDR] --from A --to B [--notify LIST]
           [--ret HDRS|FULL] [--envid X] [--mail-param P]... [--auth USER:PASS]
           [--subject S] [--no-data] [--file MSG]

--source binds the client's address (127.0.0.2 is the stranger); --notify
puts NOTIFY=LIST on the RCPT whether or not the server offers DSN, as a
spammer's tool would; --file sends that message (bytes, as they are)
instead of a small generated one.  The object: ehlo (the keywords), dsn
(advertised?), auth, mail, rcpt, data ([code, text] or null when not
reached) and error (a connection problem, else null).  Exit 0 whenever the
session could be held, whatever the replies; 2 when it could not.
"""
import argparse
import json
import smtplib
import sys


def reply(r):
    code, text = r
    return [code, text.decode("utf-8", "replace") if isinstance(text, bytes) else text]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--source", default="127.0.0.1")
    ap.add_argument("--from", dest="mail_from", required=True)
    ap.add_argument("--to", required=True, action="append",
                    help="a recipient (again for more; rcpt is the last reply)")
    ap.add_argument("--notify")
    ap.add_argument("--ret")
    ap.add_argument("--envid")
    ap.add_argument("--mail-param", action="append", default=[],
                    help="another MAIL parameter (SMTPUTF8, BODY=8BITMIME)")
    ap.add_argument("--auth")
    ap.add_argument("--subject", default="e2e test message")
    ap.add_argument("--no-data", action="store_true")
    ap.add_argument("--file")
    a = ap.parse_args()
    out = {"ehlo": None, "dsn": None, "auth": None, "mail": None,
           "rcpt": None, "data": None, "error": None}
    try:
        s = smtplib.SMTP("127.0.0.1", a.port, local_hostname="client.example.test",
                         source_address=(a.source, 0), timeout=20)
    except OSError as e:
        out["error"] = "connect: %s" % e
        print(json.dumps(out))
        return 2
    try:
        code, _ = s.ehlo()
        out["ehlo"] = sorted(k.upper() for k in s.esmtp_features)
        out["dsn"] = s.has_extn("dsn")
        if a.auth:
            user, pw = a.auth.split(":", 1)
            try:
                out["auth"] = reply(s.login(user, pw))
            except smtplib.SMTPException as e:
                out["auth"] = [getattr(e, "smtp_code", None), str(e)]
        mopts = list(a.mail_param)
        if a.ret:
            mopts.append("RET=" + a.ret)
        if a.envid:
            mopts.append("ENVID=" + a.envid)
        # docmd, not mail(): smtplib drops options the server did not offer
        out["mail"] = reply(s.docmd("MAIL FROM:<%s>%s" % (
            a.mail_from, "".join(" " + o for o in mopts))))
        ropts = " NOTIFY=" + a.notify if a.notify else ""
        ok = False
        for to in a.to:
            out["rcpt"] = reply(s.docmd("RCPT TO:<%s>%s" % (to, ropts)))
            ok = ok or out["rcpt"][0] // 100 == 2
        if ok and not a.no_data:
            if a.file:
                with open(a.file, "rb") as f:
                    msg = f.read()
            else:
                msg = ("From: <%s>\r\nTo: <%s>\r\nSubject: %s\r\n"
                       "Message-ID: <%s@client.example.test>\r\n\r\n"
                       "dsnguard end-to-end test\r\n" % (
                           a.mail_from, ", ".join(a.to), a.subject,
                           a.subject.replace(" ", "-"))).encode()
            s.putcmd("DATA")
            code, text = s.getreply()
            if code == 354:
                out["data"] = reply(send_body(s, msg))
            else:
                out["data"] = reply((code, text))
        s.docmd("QUIT")
        s.close()
    except (smtplib.SMTPException, OSError) as e:
        out["error"] = "%s: %s" % (type(e).__name__, e)
        print(json.dumps(out))
        return 2
    print(json.dumps(out))
    return 0


def send_body(s, msg):
    """The message dot-stuffed with CRLF line ends, then the final dot."""
    body = msg.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    lines = [(b"." + l if l.startswith(b".") else l) for l in body.split(b"\r\n")]
    s.send(b"\r\n".join(lines) + b".\r\n")
    return s.getreply()


if __name__ == "__main__":
    sys.exit(main())
