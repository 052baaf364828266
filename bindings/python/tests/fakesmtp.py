"""The scripted fake SMTP server of tests/cli/fake_smtp.py, started on
127.0.0.1 for one test and stopped by its PID (also when the test fails).
"""
import os
import subprocess
import sys
import tempfile
import time

FAKE = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir,
                    os.pardir, os.pardir, "tests", "cli", "fake_smtp.py")


class FakeSMTP:
    """A running fake server: .port, .raw() (the bytes it received)."""

    def __init__(self, mode, *args):
        self.dir = tempfile.TemporaryDirectory()
        d = self.dir.name
        self.portfile = os.path.join(d, "port")
        self.rawfile = os.path.join(d, "raw")
        open(self.rawfile, "wb").close()
        self.proc = subprocess.Popen(
            [sys.executable, FAKE, mode, self.portfile, "--raw",
             self.rawfile] + list(args))
        for _ in range(100):
            if os.path.exists(self.portfile) or self.proc.poll() is not None:
                break
            time.sleep(0.05)
        if not os.path.exists(self.portfile):
            self.stop()
            raise RuntimeError("fake server %r did not start" % mode)
        with open(self.portfile) as f:
            self.port = int(f.read())

    def raw(self):
        with open(self.rawfile, "rb") as f:
            return f.read()

    def lines(self):
        return self.raw().split(b"\r\n")[:-1]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.dir.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
