"""tests/bench/synth_report.py - large synthetic delivery reports for the
benchmarks, in the shape of the Postfix 3.7.11 reports of the shared
corpus (postfix-3.7.11-gen-*: a text/plain part, a message/delivery-status
part, the returned message/rfc822): many recipients, or a large returned
body, or both.  Deterministic: the same arguments give the same bytes.

  make(n_rcpt=1, body_bytes=0, compact=False) -> bytes
  make_size(total_bytes) -> bytes of about that size (one recipient,
                            the returned body padded)
"""

HEAD = """Return-Path: <>
Received: by mx.example.test (Postfix) id 4Q1xyz0Abc; Sun, 29 Nov 2026 01:44:30 +0000 (UTC)
Date: Sun, 29 Nov 2026 01:44:30 +0000 (UTC)
From: MAILER-DAEMON@mx.example.test (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: sender@example.org
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="4Q1xyz0Abc.1764380670/mx.example.test"
Content-Transfer-Encoding: 8bit
Message-Id: <20261129014430.4Q1xyz0Abc@mx.example.test>

This is a MIME-encapsulated message.

--4Q1xyz0Abc.1764380670/mx.example.test
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.example.test.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

                   The mail system

--4Q1xyz0Abc.1764380670/mx.example.test
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.test
X-Postfix-Queue-ID: 4Q1xyz0Abc
X-Postfix-Sender: rfc822; sender@example.org
Arrival-Date: Sun, 29 Nov 2026 01:44:00 +0000 (UTC)
"""

RCPT = """
Final-Recipient: rfc822; user{i}@example.net
Original-Recipient: rfc822;user{i}@example.net
Action: {action}
Status: {status}
Remote-MTA: dns; mx{m}.example.net
Diagnostic-Code: smtp; {diag}
"""
DIAG_FAILED = ("550 5.1.1 <user{i}@example.net>: Recipient address\n"
               "    rejected: User unknown in virtual mailbox table")
DIAG_DELAYED = ("451 4.4.1 <user{i}@example.net>: Temporary lookup\n"
                "    failure, try again later")

RETURNED = """
--4Q1xyz0Abc.1764380670/mx.example.test
Content-Description: Undelivered Message
Content-Type: message/rfc822
Content-Transfer-Encoding: 8bit

Return-Path: <sender@example.org>
Received: from client.example.org (client.example.org [192.0.2.66])
	by mx.example.test (Postfix) with ESMTP id 4Q1xyz0Abc
	for <user0@example.net>; Sun, 29 Nov 2026 01:44:00 +0000 (UTC)
From: Sender <sender@example.org>
To: user0@example.net
Subject: synthetic benchmark message
Date: Sun, 29 Nov 2026 01:43:59 +0000
Message-ID: <bench.1@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

"""

TAIL = "\n--4Q1xyz0Abc.1764380670/mx.example.test--\n"
LINE = ("The quick brown fox jumps over the lazy dog; lorem ipsum dolor "
        "sit amet %08d\n")


COMPACT = """From: MAILER-DAEMON@mx.example.test
To: sender@example.org
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="4Q1xyz0Abc.1764380670/mx.example.test"

--4Q1xyz0Abc.1764380670/mx.example.test
Content-Type: text/plain; charset=us-ascii

Your message could not be delivered.

--4Q1xyz0Abc.1764380670/mx.example.test
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.test
"""
COMPACT_RCPT = """
Final-Recipient: rfc822; user{i}@example.net
Action: {action}
Status: {status}
"""
COMPACT_RETURNED = """
--4Q1xyz0Abc.1764380670/mx.example.test
Content-Type: text/rfc822-headers

From: Sender <sender@example.org>
To: user0@example.net
Subject: synthetic benchmark message
Message-ID: <bench.1@example.org>
"""


def make(n_rcpt=1, body_bytes=0, compact=False):
    head, rcpt, returned = (COMPACT, COMPACT_RCPT, COMPACT_RETURNED) \
        if compact else (HEAD, RCPT, RETURNED)
    parts = [head]
    for i in range(n_rcpt):
        failed = i % 4 != 3
        diag = (DIAG_FAILED if failed else DIAG_DELAYED).format(i=i)
        parts.append(rcpt.format(i=i, m=i % 7, diag=diag,
                                 action="failed" if failed else "delayed",
                                 status="5.1.1" if failed else "4.4.1"))
    parts.append(returned)
    body, k, size = [], 0, 0
    while size < body_bytes:
        line = LINE % k
        body.append(line)
        size += len(line)
        k += 1
    if compact and body:
        parts.append("\n")  # the padding is the headers' body
    parts.append("".join(body))
    parts.append(TAIL)
    return "".join(parts).encode()


def make_size(total):
    """About total bytes; below 4 KB the compact form (headers only
    returned), so that even 1 KB is a whole report."""
    compact = total < 4096
    empty = len(make(1, 0, compact))
    return make(1, max(0, total - empty), compact)


def expected(n_rcpt):
    """The (recipient, status) pairs a parser should find."""
    return [("user%d@example.net" % i, "5.1.1" if i % 4 != 3 else "4.4.1")
            for i in range(n_rcpt)]
