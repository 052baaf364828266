#!/usr/bin/env python3
"""tests/e2e/sink.py PORT - the next hop for the example logs: an SMTP
server on 127.0.0.1:PORT that does not offer DSN (so a NOTIFY=SUCCESS
relayed to it is "relayed"), refuses fail*@ with 550 5.1.1 and defers
slow*@ with 451 4.2.1 at RCPT, and accepts everything else (standard
library only).  Runs until SIGTERM.
"""
import signal
import socketserver
import sys


class Session(socketserver.StreamRequestHandler):
    def send(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.send("220 sink.relay.test ESMTP")
        while True:
            line = self.rfile.readline(4096)
            if not line:
                return
            verb = line.decode("latin-1").strip().upper()
            if verb.startswith(("EHLO", "HELO")):
                self.send("250-sink.relay.test")
                self.send("250-PIPELINING")
                self.send("250 8BITMIME")
            elif verb.startswith("MAIL"):
                self.send("250 2.1.0 Ok")
            elif verb.startswith("RCPT"):
                local = verb.split("<", 1)[-1].lower()
                if local.startswith("fail"):
                    self.send("550 5.1.1 <%s No such user here" % local.split(">")[0])
                elif local.startswith("slow"):
                    self.send("451 4.2.1 Mailbox busy, try again later")
                else:
                    self.send("250 2.1.5 Ok")
            elif verb == "DATA":
                self.send("354 End data with <CR><LF>.<CR><LF>")
                while self.rfile.readline(65536) not in (b".\r\n", b".\n", b""):
                    pass
                self.send("250 2.0.0 Ok: queued")
            elif verb == "QUIT":
                self.send("221 2.0.0 Bye")
                return
            else:
                self.send("250 2.0.0 Ok")


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    srv = Server(("127.0.0.1", int(sys.argv[1])), Session)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    srv.serve_forever()


if __name__ == "__main__":
    main()
