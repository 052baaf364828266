#!/usr/bin/env python3
"""A private SMTP responder for the demo of `dsnguard probe`.

    smtp_responder.py open|guarded PORTFILE [--bind ADDR] [--policy FILE]

Listens on ADDR (default 127.0.0.1) on a free port, writes the port to
PORTFILE once it listens, and answers the commands a probe sends (EHLO,
HELO, MAIL, RCPT, RSET, NOOP, QUIT) until it gets SIGTERM.  It never
accepts a message: DATA is refused, so nothing is ever delivered.

  open     what many servers do: DSN advertised to everyone, every
           NOTIFY=SUCCESS accepted (a forged sender would get receipts)
  guarded  the same server with libdsnguard's policy applied through the
           Python binding (`--policy FILE`, default the recommended preset
           with 127.0.0.1/32 trusted): DSN hidden from strangers, their
           receipt requests refused with the policy's reply

Only for the demo and for trying the probe; not a mail server.
"""
import signal
import socket
import socketserver
import sys

args = sys.argv[1:]
if len(args) < 2 or args[0] not in ("open", "guarded"):
    sys.exit(__doc__)
MODE, PORTFILE = args[0], args[1]
opts = dict(zip(args[2::2], args[3::2]))
BIND = opts.get("--bind", "127.0.0.1")
CAPS = ["PIPELINING", "SIZE 10240000", "DSN", "8BITMIME"]

POLICY = None
if MODE == "guarded":
    import dsnguard

    if "--policy" in opts:
        POLICY = dsnguard.Policy.from_file(opts["--policy"])
    else:
        POLICY = dsnguard.Policy.from_string(
            "preset = recommended\n[trusted-networks]\n127.0.0.1/32\n",
            name="demo")


class Handler(socketserver.StreamRequestHandler):
    timeout = 30

    def send(self, text):
        self.wfile.write(text.encode())
        self.wfile.flush()

    def ehlo_reply(self):
        lines = ["responder.example.test"] + CAPS
        return "".join("250-%s\r\n" % ln for ln in lines[:-1]) + \
            "250 %s\r\n" % lines[-1]

    def handle(self):
        session = None
        if POLICY is not None:
            session = dsnguard.Session(self.client_address[0],
                                       port=self.server.server_address[1],
                                       service="smtp")
        self.send("220 responder.example.test ESMTP (%s)\r\n" % MODE)
        while True:
            raw = self.rfile.readline(4096)
            if not raw:
                return
            line = raw.rstrip(b"\r\n")
            verb = line.split(b" ", 1)[0].upper()
            if verb == b"EHLO":
                reply = self.ehlo_reply()
                if session is not None:
                    d = POLICY.ehlo(session, reply)
                    reply = d.rewritten or reply
                self.send(reply)
            elif verb == b"HELO":
                self.send("250 responder.example.test\r\n")
            elif verb in (b"MAIL", b"RCPT") and session is not None:
                decide = POLICY.mail if verb == b"MAIL" else POLICY.rcpt
                d = decide(session, line)
                if d.reply:
                    self.send(d.reply + "\r\n")
                else:
                    self.send("250 2.1.%d Ok\r\n" % (0 if verb == b"MAIL"
                                                     else 5))
            elif verb == b"MAIL":
                self.send("250 2.1.0 Ok\r\n")
            elif verb == b"RCPT":
                self.send("250 2.1.5 Ok\r\n")
            elif verb == b"RSET":
                if session is not None:
                    session.reset()
                self.send("250 2.0.0 Ok\r\n")
            elif verb == b"NOOP":
                self.send("250 2.0.0 Ok\r\n")
            elif verb == b"QUIT":
                self.send("221 2.0.0 Bye\r\n")
                return
            elif verb == b"DATA":
                self.send("554 5.5.1 this responder accepts no mail\r\n")
            else:
                self.send("502 5.5.2 not implemented\r\n")


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    address_family = socket.AF_INET6 if ":" in BIND else socket.AF_INET


def main():
    srv = Server((BIND, 0), Handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with open(PORTFILE + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    import os

    os.rename(PORTFILE + ".tmp", PORTFILE)
    try:
        srv.serve_forever()
    finally:
        srv.server_close()


if __name__ == "__main__":
    main()
