#!/usr/bin/env python3
"""tests/e2e/syslog.py SOCKET LOGFILE HOST - a syslog daemon for one test:
read syslog(3) datagrams on the Unix socket SOCKET and append each to
LOGFILE as a classic syslog line, "Mmm dd hh:mm:ss HOST tag[pid]: text"
(glibc sends "<PRI>Mmm dd hh:mm:ss tag[pid]: text"; the priority goes and
the host name is put in, as rsyslog writes /var/log/mail.log).  Runs until
SIGTERM, then removes SOCKET.
"""
import os
import re
import signal
import socket
import sys

PRI = re.compile(rb"^<\d{1,3}>")


def main():
    path, logfile, host = sys.argv[1], sys.argv[2], sys.argv[3].encode()
    if os.path.exists(path):
        os.unlink(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    os.chmod(path, 0o666)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        with open(logfile, "ab", buffering=0) as out:
            while True:
                msg = PRI.sub(b"", s.recv(65536)).rstrip(b"\n\0")
                if len(msg) > 16 and msg[15:16] == b" ":
                    msg = msg[:16] + host + b" " + msg[16:]
                out.write(msg + b"\n")
    finally:
        os.unlink(path)


if __name__ == "__main__":
    main()
