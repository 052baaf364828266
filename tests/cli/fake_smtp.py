#!/usr/bin/env python3
"""tests/cli/fake_smtp.py - a tiny SMTP responder for `dsnguard probe` tests.

    fake_smtp.py MODE PORTFILE [--bind ADDR] [--log FILE] [--raw FILE]
                 [--cert C --key K]

Listens on ADDR (default 127.0.0.1) on a free port, writes the port to
PORTFILE once listening, and answers every connection the way MODE says
until it is killed.  The greeting names the client's address
("peer=127.0.0.2") so a test can check --source.  Every command line
received is appended to --log, and its bytes exactly as they came (CRLF
included) to --raw, so a test can check what a client put on the wire.
DATA is always refused: the probe must never send it, and the log shows
it if it did.

Modes: exposed, refused, not_offered, incomplete, tempfail, helo, silent,
drop, starttls, garbage, utf8 (exposed, and SMTPUTF8 advertised), drip
(the greeting one byte every 0.2 s: a timeout must cover a whole reply,
not each read).
"""
import socket
import socketserver
import ssl
import sys
import threading
import time

args = sys.argv[1:]
MODE, PORTFILE = args[0], args[1]
opts = dict(zip(args[2::2], args[3::2]))
BIND = opts.get("--bind", "127.0.0.1")
LOG = opts.get("--log")
RAW = opts.get("--raw")
LOCK = threading.Lock()


def log(line):
    if LOG:
        with LOCK, open(LOG, "a") as f:
            f.write(line + "\n")


def log_raw(data):
    if RAW:
        with LOCK, open(RAW, "ab") as f:
            f.write(data)


class Handler(socketserver.StreamRequestHandler):
    timeout = 20

    def send(self, text):
        self.wfile.write(text.encode())
        self.wfile.flush()

    def ehlo(self, tls):
        caps = ["PIPELINING", "SIZE 10240000"]
        if MODE == "starttls" and not tls:
            caps.append("STARTTLS")
        elif MODE != "not_offered":
            caps.append("DSN")
        caps.append("8BITMIME")
        if MODE == "utf8":
            caps.append("SMTPUTF8")
        lines = ["fake.test"] + caps
        out = "".join("250-%s\r\n" % l for l in lines[:-1])
        self.send(out + "250 %s\r\n" % lines[-1])

    def handle(self):
        peer = self.client_address[0]
        if MODE == "silent":
            time.sleep(15)
            return
        if MODE == "drip":
            for ch in "220 fake.test ESMTP slowly, one byte at a time\r\n":
                try:
                    self.send(ch)
                except OSError:
                    return
                time.sleep(0.2)
            return
        self.send("220 fake.test ESMTP peer=%s\r\n" % peer)
        tls = False
        while True:
            raw = self.rfile.readline(4096)
            if not raw:
                return
            log_raw(raw)
            line = raw.decode("latin-1").rstrip("\r\n")
            log(line)
            verb = line.split(" ", 1)[0].upper()
            if verb == "EHLO":
                if MODE == "helo":
                    self.send("502 5.5.2 EHLO not here\r\n")
                elif MODE == "garbage":
                    self.send("HTTP/1.0 200 OK\r\n\r\n")
                else:
                    self.ehlo(tls)
            elif verb == "HELO":
                self.send("250 fake.test\r\n")
            elif verb == "STARTTLS" and MODE == "starttls" and not tls:
                self.send("220 2.0.0 Ready to start TLS\r\n")
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                ctx.load_cert_chain(opts["--cert"], opts["--key"])
                conn = ctx.wrap_socket(self.connection, server_side=True)
                self.connection = conn
                self.rfile = conn.makefile("rb")
                self.wfile = conn.makefile("wb")
                tls = True
            elif verb == "MAIL":
                if MODE == "drop":
                    return
                self.send("250 2.1.0 Ok\r\n")
            elif verb == "RCPT":
                notify = "NOTIFY=" in line.upper()
                if MODE == "incomplete":
                    self.send("550 5.1.1 <x>: no such user\r\n")
                elif MODE == "tempfail":
                    self.send("451 4.7.1 greylisted, try later\r\n")
                elif MODE == "refused" and notify:
                    self.send("550 5.7.1 receipts only for our users\r\n")
                else:
                    self.send("250 2.1.5 Ok\r\n")
            elif verb == "RSET":
                self.send("250 2.0.0 Ok\r\n")
            elif verb == "QUIT":
                self.send("221 2.0.0 Bye\r\n")
                return
            elif verb == "DATA":
                self.send("554 5.5.1 the probe must never send DATA\r\n")
            else:
                self.send("500 5.5.2 what?\r\n")


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    address_family = socket.AF_INET6 if ":" in BIND else socket.AF_INET


srv = Server((BIND, 0), Handler)
with open(PORTFILE + ".tmp", "w") as f:
    f.write("%d\n" % srv.server_address[1])
import os  # noqa: E402

os.rename(PORTFILE + ".tmp", PORTFILE)
srv.serve_forever()
