#!/usr/bin/env python3
"""tests/e2e/load.py PORT N - N concurrent SMTP sessions against 127.0.0.1:
PORT (standard library only), all started together: even ones from the
stranger 127.0.0.2 (MAIL FROM:<victim@example.test>), odd ones from the
trusted 127.0.0.1 (MAIL FROM:<sender@example.test>), each with one
RCPT TO:<rcpt@example.test> NOTIFY=SUCCESS, then RSET and QUIT (no DATA).
Prints one line per session, "SOURCE RCPT_CODE", sorted; a session that
could not be held prints "SOURCE error: ...".
"""
import smtplib
import sys
import threading

PORT, N = int(sys.argv[1]), int(sys.argv[2])
start = threading.Barrier(N)
out = [None] * N


def session(i):
    src, sender = (("127.0.0.2", "victim") if i % 2 == 0 else ("127.0.0.1", "sender"))
    try:
        start.wait(30)
        s = smtplib.SMTP("127.0.0.1", PORT, local_hostname="load%d.example.test" % i,
                         source_address=(src, 0), timeout=60)
        s.ehlo()
        s.docmd("MAIL FROM:<%s@example.test>" % sender)
        code, _ = s.docmd("RCPT TO:<rcpt@example.test> NOTIFY=SUCCESS")
        s.docmd("RSET")
        s.docmd("QUIT")
        s.close()
        out[i] = "%s %d" % (src, code)
    except (OSError, smtplib.SMTPException, threading.BrokenBarrierError) as e:
        out[i] = "%s error: %s" % (src, e)


threads = [threading.Thread(target=session, args=(i,)) for i in range(N)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("\n".join(sorted(out)))
