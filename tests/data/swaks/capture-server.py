#!/usr/bin/python3
"""tests/data/swaks/capture-server.py - the throw-away SMTP server the swaks
transcripts in this folder were captured against (see make-transcripts.sh).

An aiosmtpd server (Debian's python3-aiosmtpd) that advertises DSN and
accepts the RFC 3461 parameters (aiosmtpd alone answers them with 555), so
swaks shows what a DSN-offering MTA would say:

  port 25   MX: STARTTLS, AUTH PLAIN LOGIN (also without TLS), DSN
  port 587  submission: the same, and AUTH is required before MAIL

Its EHLO greeting names the client as sendmail and Postfix do ("Hello NAME
[ADDR]"), so `dsnguard audit` finds the client's address.  It accepts the
user alice with the password secret, and keeps no mail.

usage: capture-server.py CERT.pem KEY.pem [ADDR]     (stop it with SIGTERM)
"""
import asyncio
import logging
import signal
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

DSN_PARAMS = ("NOTIFY=", "ORCPT=", "RET=", "ENVID=")


def without_dsn(arg):
    """The MAIL/RCPT argument without its DSN parameters (accepted here)."""
    if arg is None:
        return arg
    kept = [w for w in arg.split(" ")
            if not w.upper().startswith(DSN_PARAMS)]
    return " ".join(kept)


class DsnSMTP(SMTP):
    async def smtp_MAIL(self, arg):
        return await super().smtp_MAIL(without_dsn(arg))

    async def smtp_RCPT(self, arg):
        return await super().smtp_RCPT(without_dsn(arg))


class Handler:
    async def handle_EHLO(self, server, session, envelope, hostname,
                          responses):
        session.host_name = hostname
        peer = session.peer[0] if session.peer else "unknown"
        out = ["250-%s Hello %s [%s]" % (server.hostname, hostname, peer)]
        out += responses[1:-1]
        out += ["250-DSN", "250 HELP"]
        return out

    async def handle_DATA(self, server, session, envelope):
        return "250 2.0.0 Ok: queued"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword)
          and auth_data.login == b"alice"
          and auth_data.password == b"secret")
    return AuthResult(success=ok)


async def main():
    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    cert, key = sys.argv[1], sys.argv[2]
    addr = sys.argv[3] if len(sys.argv) > 3 else "127.0.0.1"
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    loop = asyncio.get_running_loop()
    servers = []
    for port, required in ((25, False), (587, True)):
        def factory(required=required):
            return DsnSMTP(Handler(), hostname="mx.example.test",
                           tls_context=tls, require_starttls=False,
                           authenticator=authenticator,
                           auth_required=required,
                           auth_require_tls=False)
        servers.append(await loop.create_server(factory, addr, port))
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, stop.set_result, None)
    loop.add_signal_handler(signal.SIGINT, stop.set_result, None)
    print("listening on %s ports 25 and 587" % addr, flush=True)
    await stop
    for s in servers:
        s.close()


if __name__ == "__main__":
    asyncio.run(main())
