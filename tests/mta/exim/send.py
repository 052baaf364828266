#!/usr/bin/env python3
"""tests/mta/exim/send.py PORT [NAME...] - send the harness's test messages
to the private Exim on 127.0.0.1:PORT (standard library only).

Prints one JSON object per message: its name, the queue id from Exim's
"250 OK id=..." reply to DATA, the envelope, and the notices Exim is
expected to send about it ("expect", kinds in the order Exim sends them,
as scan-log names them).  See exim.conf.in for what each address does:
rcpt*, jane doe, relay.test deliver; fail* fail; slow* defer.
"""
import json
import re
import smtplib
import sys

HELO = "client.example.test"
BODY = ("Subject: %s\r\nFrom: %s\r\nTo: %s\r\n"
        "Message-ID: <%s@client.example.test>\r\n\r\nharness message %s\r\n")

S, F, D, R = "success", "failure", "delay", "relay"

# name, sender, [(recipient, RCPT parameters)], MAIL parameters, expected
# notices, AUTH (user, password) or None
MESSAGES = [
    # no DSN parameters, delivered: nothing
    ("plain", "sender@example.test", [("rcpt@example.test", [])], [], [], None),
    # one message, a success notice then a bounce
    ("mixed", "sender@example.test",
     [("rcpt@example.test", ["NOTIFY=SUCCESS", "ORCPT=rfc822;rcpt@example.test"]),
      ("fail1@example.test", ["NOTIFY=FAILURE"])],
     ["RET=HDRS", "ENVID=mixed+2B1"], [S, F], None),
    # a quoted local part with a space as the sender
    ("quoted", '"john smith"@example.test', [("fail2@example.test", [])], [], [F], None),
    ("receipt", "sender@example.test", [("rcpt2@example.test", ["NOTIFY=SUCCESS"])],
     ["RET=FULL", "ENVID=receipt+2B2"], [S], None),
    # NOTIFY=NEVER: Exim logs "error ignored", no bounce
    ("never", "sender@example.test", [("fail3@example.test", ["NOTIFY=NEVER"])], [], [], None),
    # delivered with NOTIFY=SUCCESS, failed with NOTIFY=NEVER: a success only
    ("never_ok", "sender@example.test",
     [("rcpt3@example.test", ["NOTIFY=SUCCESS"]), ("fail4@example.test", ["NOTIFY=NEVER"])],
     [], [S], None),
    ("unroute", "sender@example.test", [("nobody@nowhere.test", [])], [], [F], None),
    # relayed to a hop that does not take DSN
    ("relay", "sender@example.test", [("rcpt@relay.test", ["NOTIFY=SUCCESS"])], [], [R], None),
    # a quoted local part with a space as the recipient
    ("quotedrcpt", "sender@example.test", [('"jane doe"@example.test', ["NOTIFY=SUCCESS"])],
     [], [S], None),
    # authenticated: A=plain:alice, P=esmtpa
    ("auth", "alice@example.test", [("fail6@example.test", [])], [], [F], ("alice", "secret")),
    # deferred: a delay warning some seconds later
    ("slow", "sender@example.test", [("slow@example.test", ["NOTIFY=DELAY,FAILURE"])],
     [], [D], None),
    # all three: success and bounce at once, the warning later
    ("triple", "sender@example.test",
     [("rcpt4@example.test", ["NOTIFY=SUCCESS"]), ("fail5@example.test", ["NOTIFY=FAILURE"]),
      ("slow2@example.test", [])],
     [], [S, F, D], None),
]


def send(port, name, sender, rcpts, mail_opts, auth):
    """Returns Exim's queue id for the message."""
    s = smtplib.SMTP("127.0.0.1", port, local_hostname=HELO, timeout=30)
    try:
        code, _ = s.ehlo()
        if code != 250:
            raise RuntimeError("EHLO %d" % code)
        if not s.has_extn("dsn"):
            raise RuntimeError("DSN not advertised")
        if auth:
            s.login(*auth)
        # docmd, not mail()/rcpt(): smtplib would re-quote the paths.
        code, msg = s.docmd("MAIL FROM:<%s>%s" % (sender, "".join(" " + o for o in mail_opts)))
        if code != 250:
            raise RuntimeError("MAIL %d %s" % (code, msg))
        for addr, opts in rcpts:
            code, msg = s.docmd("RCPT TO:<%s>%s" % (addr, "".join(" " + o for o in opts)))
            if code != 250:
                raise RuntimeError("RCPT %s %d %s" % (addr, code, msg))
        text = BODY % (name, sender, ", ".join(a for a, _ in rcpts), name, name)
        code, msg = s.data(text.encode())
        if code != 250:
            raise RuntimeError("DATA %d %s" % (code, msg))
        m = re.search(rb"id=(\S+)", msg)
        if not m:
            raise RuntimeError("no queue id in %r" % msg)
        return m.group(1).decode()
    finally:
        try:
            s.quit()
        except smtplib.SMTPException:
            s.close()


def main():
    port = int(sys.argv[1])
    only = set(sys.argv[2:])
    for name, sender, rcpts, opts, expect, auth in MESSAGES:
        if only and name not in only:
            continue
        qid = send(port, name, sender, rcpts, opts, auth)
        print(json.dumps({"name": name, "id": qid, "from": sender,
                          "rcpts": [a for a, _ in rcpts], "expect": expect,
                          "sasl": auth[0] if auth else None,
                          "service": "esmtpa" if auth else "esmtp"}), flush=True)


if __name__ == "__main__":
    main()
