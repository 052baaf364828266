#!/usr/bin/python3
"""A small aiosmtpd mail server that delivers into Maildirs and sends
correct, policed delivery status notifications.

    aiosmtpd_dsn_server.py --maildir DIR [--listen ADDR:PORT]
        [--domain example.test ...] [--policy FILE | --preset NAME]
        [--hostname NAME]

Mail for a local domain is delivered to DIR/<local-part>/ (a Maildir made
on first use); an unknown local part is refused at RCPT (550 5.1.1), so
the server never has to bounce.  After delivery, each recipient whose
NOTIFY asked for SUCCESS gets its return receipt, built by
dsnguard.build_report: RFC 3464 (the RFC 6533 global form when an address
needs UTF-8), with the original returned as RET says, ENVID and ORCPT
decoded.  The receipt is delivered to the sender's Maildir when the
sender is local and dropped otherwise (a real server would queue it for
its relay; this example does not relay).

The policy decides twice: dsnguard.aiosmtpd applies it to EHLO, MAIL,
RCPT and the receipt-request headers, and build_report asks it again for
each receipt, so a stranger's forged NOTIFY=SUCCESS never becomes
backscatter even if the SMTP stage let it through.  A receipt the policy
vetoes is logged with the decision's reason.

Runs under the Python that has Debian's python3-aiosmtpd (/usr/bin/python3).
"""

import argparse
import asyncio
import logging
import mailbox
import os
import signal
import sys
import time

import dsnguard
from dsnguard.aiosmtpd import Controller

log = logging.getLogger("aiosmtpd_dsn_server")


def _split(addr):
    at = addr.rfind("@")
    return (addr, "") if at < 0 else (addr[:at], addr[at + 1:].lower())


class MaildirHandler:
    """aiosmtpd handler: local delivery and success receipts."""

    def __init__(self, root, domains, policy, hostname):
        self.root = root
        self.domains = {d.lower() for d in domains}
        self.policy = policy
        self.hostname = hostname
        self.receipts_sent = 0
        self.receipts_vetoed = 0

    def _local_box(self, addr):
        local, domain = _split(addr)
        if domain not in self.domains or not local or "/" in local \
                or local.startswith("."):
            return None
        return os.path.join(self.root, local.lower())

    async def handle_RCPT(self, server, session, envelope, address,
                          rcpt_options):
        box = self._local_box(address)
        if box is None or not os.path.isdir(box):
            return "550 5.1.1 <%s>: no such user here" % address
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        arrival = int(time.time())
        data = envelope.original_content
        for rcpt in envelope.rcpt_tos:
            mailbox.Maildir(self._local_box(rcpt), create=True).add(data)
        self._receipts(server, envelope, data, arrival)
        return "250 2.0.0 OK: delivered"

    def _receipts(self, server, envelope, data, arrival):
        dsn = envelope.dsn
        wanted = [r for r in dsn["rcpts"] if r["notify"] and
                  "SUCCESS" in r["notify"]]
        if not wanted or not envelope.mail_from:
            return
        s = server.dsn_session
        spec = {
            "reporting_mta": self.hostname,
            "arrival_date": arrival,
            "envelope": {
                "from": envelope.mail_from,
                "ret": dsn["ret"],
                "envid": _xtext(dsn["envid"]),
                "client": {"addr": s.addr, "client_name": None,
                           "helo": s.helo, "auth_user": s.auth_user,
                           "tls": s.tls, "port": s.port,
                           "service": s.service},
            },
            "recipients": [{
                "addr": r["addr"],
                "orcpt": _orcpt_wire(r["orcpt"]),
                "notify": r["notify"],
                "action": "delivered",
                "status": "2.0.0",
                "remote_mta": None,
                "diagnostic_code": None,
                "last_attempt_date": int(time.time()),
            } for r in wanted],
        }
        try:
            report = dsnguard.build_report(spec, data, policy=self.policy)
        except dsnguard.PolicyVeto as veto:
            self.receipts_vetoed += 1
            log.info("receipt for %s vetoed: %s (%s)", envelope.mail_from,
                     veto.decision.reason, veto.decision.rule)
            return
        box = self._local_box(envelope.mail_from)
        if box is None:
            log.info("receipt for %s not sent: not local, no relay",
                     envelope.mail_from)
            return
        mailbox.Maildir(box, create=True).add(report)
        self.receipts_sent += 1
        log.info("receipt for %s delivered", envelope.mail_from)


def _xtext(text):
    return None if text is None else dsnguard.xtext_encode(text)


def _orcpt_wire(orcpt):
    """ORCPT as sent on the wire (type;xtext) from the decoded form."""
    if orcpt is None:
        return None
    kind, _, addr = orcpt.partition(";")
    return "%s;%s" % (kind, dsnguard.xtext_encode(addr))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--maildir", required=True)
    ap.add_argument("--listen", default="127.0.0.1:8025")
    ap.add_argument("--domain", action="append", default=[])
    ap.add_argument("--policy")
    ap.add_argument("--preset", default="recommended")
    ap.add_argument("--hostname", default="mx.example.test")
    ap.add_argument("--user", action="append", default=[],
                    help="create DIR/USER as a local mailbox")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(name)s: %(message)s")
    policy = (dsnguard.Policy.from_file(args.policy) if args.policy
              else dsnguard.Policy.preset(args.preset))
    os.makedirs(args.maildir, exist_ok=True)
    for user in args.user:
        mailbox.Maildir(os.path.join(args.maildir, user), create=True)
    host, _, port = args.listen.rpartition(":")
    handler = MaildirHandler(args.maildir, args.domain or ["example.test"],
                             policy, args.hostname)
    controller = Controller(handler, policy=policy, hostname=host,
                            port=int(port), server_hostname=args.hostname)
    controller.start()
    print("listening on %s" % args.listen, flush=True)
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        loop.run_until_complete(stop.wait())
    finally:
        controller.stop()
        log.info("receipts sent=%d vetoed=%d", handler.receipts_sent,
                 handler.receipts_vetoed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
