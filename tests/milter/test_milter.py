"""dsnguard-milter driven over its socket, as an MTA would (no MTA needed).

Each test starts the real binary ($DSNG_MILTER) in the foreground on a
unix socket in a temporary folder, logging to a file, speaks the milter
protocol to it with tests/milter/milter_client.py, and checks both the
answers and the log lines (DESIGN section 5).  Every process started is
stopped by its PID, also when a test fails.

    DSNG_MILTER=build/default/examples/milter/dsnguard-milter \
        python3 tests/milter/test_milter.py -v TestDecisions
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import milter_client as mc  # noqa: E402

BIN = os.environ.get("DSNG_MILTER", "")
BIN = os.path.abspath(BIN) if BIN else ""
# A command to run the milter under, e.g. "valgrind -q --error-exitcode=99
# --leak-check=full --errors-for-leak-kinds=definite".
WRAP = os.environ.get("DSNG_MILTER_WRAP", "").split()

STRANGER = "203.0.113.9"
TRUSTED = "127.0.0.1"
POSTFIX = "Postfix 3.7.11"
SENDMAIL = "8.17.1.9"

# recommended, loopback-only trust, and replies the tests can recognise
# as the policy's own.
POLICY = """preset = recommended
[trusted-networks]
127.0.0.1/32
[rcpt]
reply = "550 5.7.1 T-RCPT {param}={value} refused by the test policy"
unoffered-reply = "550 5.7.1 T-UNOFFERED {param} not offered by the test policy"
"""

# DSN offered to everyone, a stranger's receipt request stripped (not
# compliant; the Postfix-only mode of the milter).
POLICY_STRIP = """preset = recommended
[trusted-networks]
127.0.0.1/32
[ehlo]
offer-dsn = all
[rcpt]
action = strip
reply = "550 5.7.1 T-RCPT {param}={value} refused by the test policy"
"""

POLICY_DOWNGRADE = POLICY_STRIP.replace("action = strip",
                                        "action = downgrade")

POLICY_FLAG = POLICY + "[headers]\naction = flag\n"

LINE_RE = re.compile(
    r'^dsnguard-milter\[\d+\]: (?:stats|[a-z_]+=(?:"(?:[^"\\]|\\.)*"|[^ "\\]*))'
    r'(?: [a-z_]+=(?:"(?:[^"\\]|\\.)*"|[^ "\\]*))*$')
KV_RE = re.compile(r'([a-z_]+)=("(?:[^"\\]|\\.)*"|[^ "\\]*)')


def kill_quietly(pid):
    """SIGKILL a daemonised milter by its PID (a cleanup: gone already is
    fine)."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def parse_line(line):
    """The key=value fields of one log line as a dict (values unquoted,
    \\" and \\\\ undone; \\xHH left as written)."""
    out = {}
    body = line.split(": ", 1)[1] if ": " in line else line
    if body.startswith("stats"):
        out["stats"] = True
    for k, v in KV_RE.findall(body):
        if v.startswith('"'):
            v = re.sub(r'\\(["\\])', r"\1", v[1:-1])
        out[k] = v
    return out


class Milter:
    """One dsnguard-milter process in a temporary folder."""

    def __init__(self, test, *args, policy=POLICY, preset=None,
                 foreground=True):
        self.test = test
        self.dir = tempfile.mkdtemp(prefix="dsng-milter-")
        test.addCleanup(shutil.rmtree, self.dir, True)
        self.sock = os.path.join(self.dir, "milter.sock")
        self.spec = "unix:" + self.sock
        self.pidfile = os.path.join(self.dir, "milter.pid")
        self.log = os.path.join(self.dir, "milter.log")
        self.policy = os.path.join(self.dir, "policy.conf")
        if preset is None:
            self.write_policy(policy)
            src = ["--policy", self.policy]
        else:
            src = ["--preset", preset]
        self.argv = WRAP + [BIN, "--socket", self.spec, "--pidfile",
                            self.pidfile] + src + list(args)
        if foreground:
            self.argv += ["--foreground", "--log", "stderr"]
        self.proc = None

    def write_policy(self, text):
        tmp = self.policy + ".new"
        with open(tmp, "w") as f:
            f.write(text)
        os.rename(tmp, self.policy)

    def start(self):
        with open(self.log, "wb") as err:
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL,
                                         stderr=err)
        self.test.addCleanup(self.finish)
        self.wait_log(lambda f: f.get("event") == "start", timeout=60)
        deadline = time.time() + 10
        while not os.path.exists(self.sock):
            if time.time() > deadline:
                self.test.fail("no socket after 10 s")
            time.sleep(0.02)
        return self

    def kill(self):
        """Stop the process by its PID, whatever happened."""
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def finish(self):
        """At the end of each test: a clean stop (exit 0) and no
        sanitizer report in the log; killed by PID if it does not stop."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(40)
            except subprocess.TimeoutExpired:
                self.kill()
                self.test.fail("milter did not stop on SIGTERM")
        bad = [l for l in self.lines() if "Sanitizer" in l
               or "runtime error:" in l]
        if bad or self.proc.returncode != 0:
            self.test.fail("milter exit %s; log:\n%s" % (
                self.proc.returncode, "\n".join(self.lines()[-40:])))

    def signal(self, sig):
        os.kill(self.proc.pid, sig)

    def stop(self, timeout=40):
        self.signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def lines(self):
        with open(self.log, "rb") as f:
            data = f.read()
        return [l.decode("utf-8", "surrogateescape")
                for l in data.split(b"\n") if l]

    def fields(self):
        return [parse_line(l) for l in self.lines()]

    def wait_log(self, pred, count=1, timeout=10):
        """Wait until count lines satisfy pred; returns them."""
        deadline = time.time() + timeout
        while True:
            got = [f for f in self.fields() if pred(f)]
            if len(got) >= count:
                return got
            if self.proc.poll() is not None:
                self.test.fail("milter exited (%s) while waiting; log:\n%s"
                               % (self.proc.returncode,
                                  "\n".join(self.lines())))
            if time.time() > deadline:
                self.test.fail("log condition not met in %s s; log:\n%s"
                               % (timeout, "\n".join(self.lines()[-20:])))
            time.sleep(0.02)

    def client(self):
        c = mc.MilterClient(self.spec)
        self.test.addCleanup(c.close)
        c.optneg()
        return c


def session(m, addr=STRANGER, v=POSTFIX, helo="client.example",
            mail=("<sender@example.org>",), rcpts=(("<rcpt@example.test>",
                                                     "NOTIFY=SUCCESS"),),
            headers=(), connect_macros=None, mail_macros=None, queue="Q1",
            port=41000, hostname="client.example", family=None, eom=True):
    """One SMTP session through the milter; returns what it answered."""
    c = m.client()
    macros = {"j": "mx.example.test", "{daemon_port}": "25"}
    if v:
        macros["v"] = v
    macros.update(connect_macros or {})
    c.macro("C", macros)
    out = {"connect": c.connect(hostname, addr, port, family)}
    out["helo"] = c.helo(helo)
    mm = {"i": queue}
    mm.update(mail_macros or {})
    c.macro("M", mm)
    out["mail"] = c.mail(*mail)
    out["rcpt"] = []
    for r in rcpts:
        c.macro("R", {"i": queue})
        out["rcpt"].append(c.rcpt(*r))
    for name, value in headers:
        c.header(name, value)
    if eom:
        c.eoh()
        c.macro("E", {"i": queue})
        out["mods"], out["eom"] = c.eom()
    c.quit()
    return out


def rcpt_lines(m, rcpt=None):
    return [f for f in m.fields() if f.get("stage") == "rcpt"
            and (rcpt is None or f.get("rcpt") == rcpt)]


@unittest.skipUnless(BIN and os.access(BIN, os.X_OK), "DSNG_MILTER not set")
class TestDecisions(unittest.TestCase):
    """The policy's decisions, and how each MTA gets them carried out."""

    def test_stranger_receipt_refused_with_policy_reply(self):
        m = Milter(self).start()
        out = session(m)
        r = out["rcpt"][0]
        self.assertEqual(r.action, "reject")
        self.assertEqual(r.reply, "550 5.7.1 T-UNOFFERED NOTIFY not offered "
                         "by the test policy")
        (f,) = m.wait_log(lambda f: f.get("stage") == "rcpt")
        self.assertEqual(f["action"], "reject")
        self.assertEqual(f["policy_action"], "reject")
        self.assertEqual(f["client"], STRANGER)
        self.assertEqual(f["rule"], "rcpt.unoffered")
        self.assertEqual(f["queue"], "Q1")
        self.assertEqual(f["dry_run"], "0")
        self.assertEqual(f["reply"], r.reply)
        self.assertEqual(f["notify"], "SUCCESS")
        self.assertIn("not offered", f["reason"])
        self.assertEqual(out["mods"], [])

    def test_trusted_client_passes(self):
        m = Milter(self).start()
        out = session(m, addr=TRUSTED, rcpts=[
            ("<rcpt@example.test>", "NOTIFY=SUCCESS",
             "ORCPT=rfc822;rcpt@example.test")])
        self.assertEqual(out["rcpt"][0].action, "continue")
        self.assertEqual(out["mods"], [])
        self.assertEqual(out["eom"].action, "continue")
        (f,) = m.wait_log(lambda f: f.get("stage") == "rcpt")
        self.assertEqual(f["action"], "accept")
        self.assertEqual(f["client"], TRUSTED)
        self.assertEqual(f["reply"], "-")

    def test_plain_rcpt_and_null_notify_pass(self):
        m = Milter(self).start()
        out = session(m, rcpts=[("<a@example.test>",),
                                ("<b@example.test>", "NOTIFY=NEVER")])
        self.assertEqual([r.action for r in out["rcpt"]],
                         ["continue", "reject"])
        lines = rcpt_lines(m)
        self.assertEqual([f["action"] for f in lines], ["accept", "reject"])
        self.assertEqual(lines[0]["rule"], "rcpt.default")

    def test_postfix_strip_at_eom(self):
        m = Milter(self, policy=POLICY_STRIP).start()
        out = session(m, rcpts=[
            ("<rcpt@example.test>", "NOTIFY=SUCCESS",
             "ORCPT=rfc822;rcpt@example.test"),
            ("<other@example.test>",)])
        self.assertEqual([r.action for r in out["rcpt"]],
                         ["continue", "continue"])
        kinds = [(x.kind, x.args) for x in out["mods"]]
        self.assertEqual(kinds, [
            ("delrcpt", ["<rcpt@example.test>"]),
            ("addrcpt_par", ["<rcpt@example.test>",
                             "ORCPT=rfc822;rcpt@example.test"])])
        f = rcpt_lines(m, "<rcpt@example.test>")[0]
        self.assertEqual(f["action"], "strip")
        self.assertEqual(f["policy_action"], "strip")
        self.assertEqual(f["compliance"], "not_compliant")
        (e,) = m.wait_log(lambda f: f.get("stage") == "eom")
        self.assertEqual(e["action"], "strip")
        self.assertEqual(e["rcpt"], "<rcpt@example.test>")
        self.assertEqual(e["params"], "ORCPT=rfc822;rcpt@example.test")

    def test_postfix_downgrade_rewrites_notify(self):
        m = Milter(self, policy=POLICY_DOWNGRADE).start()
        out = session(m, rcpts=[("<rcpt@example.test>",
                                 "NOTIFY=SUCCESS,DELAY")])
        self.assertEqual(out["rcpt"][0].action, "continue")
        kinds = [(x.kind, x.args) for x in out["mods"]]
        self.assertEqual(kinds, [
            ("delrcpt", ["<rcpt@example.test>"]),
            ("addrcpt_par", ["<rcpt@example.test>", "NOTIFY=DELAY"])])

    def test_unoffered_ignore_drops_dsn_parameters(self):
        # rcpt.unoffered = ignore: DSN was not offered, its parameters are
        # dropped (lenient).  Postfix: re-added bare; sendmail: refused
        # with rcpt.unoffered-reply.
        text = POLICY.replace('unoffered-reply', 'unoffered = ignore\n'
                              'unoffered-reply')
        m = Milter(self, policy=text).start()
        out = session(m, rcpts=[("<rcpt@example.test>", "NOTIFY=SUCCESS",
                                 "ORCPT=rfc822;rcpt@example.test")])
        self.assertEqual(out["rcpt"][0].action, "continue")
        self.assertEqual([(x.kind, x.args) for x in out["mods"]],
                         [("delrcpt", ["<rcpt@example.test>"]),
                          ("addrcpt", ["<rcpt@example.test>"])])
        f = rcpt_lines(m)[0]
        self.assertEqual((f["action"], f["compliance"]), ("ignore", "lenient"))
        out = session(m, v=SENDMAIL)
        self.assertEqual(out["rcpt"][0].reply, "550 5.7.1 T-UNOFFERED NOTIFY "
                         "not offered by the test policy")
        f = rcpt_lines(m)[1]
        self.assertEqual((f["action"], f["policy_action"]),
                         ("reject", "ignore"))

    def test_strip_without_params_uses_addrcpt(self):
        m = Milter(self, policy=POLICY_STRIP).start()
        out = session(m, rcpts=[("<rcpt@example.test>", "NOTIFY=SUCCESS")])
        kinds = [(x.kind, x.args) for x in out["mods"]]
        self.assertEqual(kinds, [("delrcpt", ["<rcpt@example.test>"]),
                                 ("addrcpt", ["<rcpt@example.test>"])])

    def test_quit_nc_keeps_the_negotiation(self):
        # SMFIC_QUIT_NC: the next session on the same milter connection
        # is not negotiated again; the rewrite must still be possible.
        m = Milter(self, policy=POLICY_STRIP).start()
        c = m.client()
        for i in range(3):
            c.macro("C", {"v": POSTFIX})
            c.connect("x%d.example" % i, STRANGER, 41000 + i)
            c.helo("x%d.example" % i)
            c.mail("<s@example.org>")
            r = c.rcpt("<r%d@example.test>" % i, "NOTIFY=SUCCESS")
            self.assertEqual(r.action, "continue", i)
            mods, _ = c.eom()
            self.assertEqual([x.kind for x in mods], ["delrcpt", "addrcpt"],
                             i)
            if i < 2:
                c.send(mc.SMFIC_QUIT_NC)
        c.quit()
        self.assertEqual(len(rcpt_lines(m)), 3)

    def test_sendmail_refuses_what_policy_strips(self):
        m = Milter(self, policy=POLICY_STRIP).start()
        out = session(m, v=SENDMAIL)
        r = out["rcpt"][0]
        self.assertEqual(r.action, "reject")
        self.assertEqual(r.reply, "550 5.7.1 T-RCPT NOTIFY=SUCCESS refused "
                         "by the test policy")
        self.assertEqual(out["mods"], [])
        (f,) = m.wait_log(lambda f: f.get("stage") == "rcpt")
        self.assertEqual(f["action"], "reject")
        self.assertEqual(f["policy_action"], "strip")
        self.assertEqual(f["mta"], "sendmail")
        self.assertIn("sendmail keeps a removed recipient", f["reason"])
        self.assertEqual(f["reply"], r.reply)

    def test_forced_mta_and_unknown_mta_refuse(self):
        # --mta sendmail wins over the macro; without any `v' the MTA is
        # not known to honour a rewrite, so the milter refuses as well.
        m = Milter(self, "--mta", "sendmail", policy=POLICY_STRIP).start()
        out = session(m, v=POSTFIX)
        self.assertEqual(out["rcpt"][0].action, "reject")
        m2 = Milter(self, policy=POLICY_STRIP).start()
        out = session(m2, v=None)
        self.assertEqual(out["rcpt"][0].action, "reject")
        (f,) = m2.wait_log(lambda f: f.get("stage") == "rcpt")
        self.assertIn("not known to honour", f["reason"])
        m3 = Milter(self, "--mta", "postfix", policy=POLICY_STRIP).start()
        out = session(m3, v=None)
        self.assertEqual(out["rcpt"][0].action, "continue")
        self.assertEqual([x.kind for x in out["mods"]],
                         ["delrcpt", "addrcpt"])

    def test_old_postfix_refuses(self):
        m = Milter(self, policy=POLICY_STRIP).start()
        out = session(m, v="Postfix 2.11.3")
        self.assertEqual(out["rcpt"][0].action, "reject")
        self.assertIn("before 3.0", rcpt_lines(m)[0]["reason"])

    def test_authenticated_client_honoured(self):
        m = Milter(self).start()
        out = session(m, mail_macros={"{auth_authen}": "alice",
                                      "{auth_type}": "PLAIN"})
        self.assertEqual(out["rcpt"][0].action, "continue")
        f = rcpt_lines(m)[0]
        self.assertEqual(f["action"], "accept")
        self.assertEqual(f["compliance"], "lenient")

    def test_local_submission(self):
        # Postfix's non_smtpd_milters see 127.0.0.1 port 0; sendmail's own
        # submissions come without an address.  Both are "local", which
        # the policy honours even with no trusted network at all.
        text = POLICY.replace("127.0.0.1/32\n", "")
        m = Milter(self, policy=text).start()
        out = session(m, addr=TRUSTED, port=0, hostname="localhost")
        self.assertEqual(out["rcpt"][0].action, "continue")
        # Postfix's cleanup(8) as it emulates SMTP for non_smtpd_milters:
        # HELO localhost, addresses without <>, the null sender as "",
        # and no ESMTP parameters (the NOTIFY of sendmail -N never
        # reaches a milter there).
        out = session(m, addr=TRUSTED, port=0, hostname="localhost",
                      helo="localhost", mail=("",),
                      rcpts=[("rcpt@example.test",)],
                      headers=[("Disposition-Notification-To", "a@b.c")])
        self.assertEqual(out["mail"].action, "continue")
        self.assertEqual(out["rcpt"][0].action, "continue")
        self.assertEqual(out["mods"], [])
        f = rcpt_lines(m)[-1]
        self.assertEqual((f["action"], f["rcpt"]),
                         ("accept", "rcpt@example.test"))
        out = session(m, addr=None, family="U", hostname="localhost",
                      v=SENDMAIL)
        self.assertEqual(out["rcpt"][0].action, "continue")
        # The same address from a real port is an untrusted client.
        out = session(m, addr=TRUSTED, port=40000)
        self.assertEqual(out["rcpt"][0].action, "reject")
        helos = [f for f in m.fields() if f.get("stage") == "helo"]
        self.assertIn("local", helos[0]["reason"])
        self.assertEqual(helos[2]["client"], "-")

    def test_submission_service_from_daemon_name(self):
        m = Milter(self).start()
        out = session(m, connect_macros={"{daemon_name}": "submission",
                                         "{daemon_port}": "587"})
        # Offered DSN there (submission), but not authenticated: the
        # receipt request is refused by rcpt.reply, not as unoffered.
        r = out["rcpt"][0]
        self.assertEqual(r.action, "reject")
        self.assertTrue(r.reply.startswith("550 5.7.1 T-RCPT NOTIFY=SUCCESS"),
                        r.reply)
        helo = [f for f in m.fields() if f.get("stage") == "helo"][0]
        self.assertEqual(helo["policy_action"], "advertise_dsn")

    def test_receipt_headers_stripped(self):
        m = Milter(self).start()
        out = session(m, rcpts=[("<rcpt@example.test>",)], headers=[
            ("Subject", "hi"),
            ("Disposition-Notification-To", "victim@example.org"),
            ("Return-Receipt-To", "victim@example.org"),
            ("disposition-notification-to", "second@example.org")])
        mods = sorted((x.kind, tuple(x.args)) for x in out["mods"])
        self.assertEqual(mods, [
            ("chgheader", (1, "Disposition-Notification-To", "")),
            ("chgheader", (1, "Return-Receipt-To", "")),
            ("chgheader", (2, "disposition-notification-to", ""))])
        # Removed from the last to the first of a name.
        order = [(x.args[0], x.args[1].lower()) for x in out["mods"]
                 if x.args[1].lower() == "disposition-notification-to"]
        self.assertEqual([i for i, _ in order], [2, 1])
        hl = [f for f in m.fields() if f.get("stage") == "header"]
        self.assertEqual(len(hl), 3)
        self.assertTrue(all(f["action"] == "strip" for f in hl))
        # A trusted client keeps them.
        out = session(m, addr=TRUSTED, rcpts=[("<rcpt@example.test>",)],
                      headers=[("Disposition-Notification-To", "me@x.test")])
        self.assertEqual(out["mods"], [])

    def test_receipt_header_flagged(self):
        m = Milter(self, policy=POLICY_FLAG).start()
        out = session(m, rcpts=[("<rcpt@example.test>",)], headers=[
            ("Disposition-Notification-To", "victim@example.org"),
            ("Return-Receipt-To", "victim@example.org")])
        adds = [x for x in out["mods"] if x.kind == "addheader"]
        self.assertEqual(len(adds), 1)
        self.assertEqual(adds[0].args[0], "X-DSNGuard-Receipt-Request")
        self.assertEqual([x for x in out["mods"] if x.kind == "chgheader"], [])

    def test_ret_full_downgraded_on_postfix_only(self):
        m = Milter(self).start()
        out = session(m, mail=("<sender@example.org>", "RET=FULL",
                               "ENVID=x1"), rcpts=[("<rcpt@example.test>",)])
        self.assertEqual(out["mail"].action, "continue")
        self.assertEqual([(x.kind, x.args) for x in out["mods"]],
                         [("chgfrom", ["<sender@example.org>",
                                       "RET=HDRS ENVID=x1"])])
        out = session(m, v=SENDMAIL, mail=("<sender@example.org>",
                                           "RET=FULL"),
                      rcpts=[("<rcpt@example.test>",)])
        self.assertEqual(out["mods"], [])
        mails = [f for f in m.fields() if f.get("stage") == "mail"]
        self.assertEqual(mails[1]["action"], "accept")
        self.assertEqual(mails[1]["policy_action"], "downgrade")
        self.assertIn("left as sent", mails[1]["reason"])

    def test_unparsable_command_is_the_milters_fault(self):
        # A RCPT the MTA passed but the library refuses is not the
        # client's refusal: --on-error decides (accept by default).
        m = Milter(self).start()
        out = session(m, rcpts=[("<rcpt@example.test>", "NOTIFY=BOGUS")],
                      eom=False)
        self.assertEqual(out["rcpt"][0].action, "accept")
        f = rcpt_lines(m)[0]
        self.assertEqual(f["action"], "accept")
        self.assertIn("internal error", f["reason"])
        m2 = Milter(self, "--on-error", "tempfail").start()
        out = session(m2, rcpts=[("<rcpt@example.test>", "NOTIFY=BOGUS")],
                      eom=False)
        self.assertEqual(out["rcpt"][0].action, "tempfail")
        # Never a tempfail in a dry run.
        m3 = Milter(self, "--on-error", "tempfail", "--dry-run").start()
        out = session(m3, rcpts=[("<rcpt@example.test>", "NOTIFY=BOGUS")],
                      eom=False)
        self.assertEqual(out["rcpt"][0].action, "accept")

    def test_dry_run_changes_nothing(self):
        m = Milter(self, "--dry-run", policy=POLICY_STRIP).start()
        out = session(m, rcpts=[
            ("<rcpt@example.test>", "NOTIFY=SUCCESS",
             "ORCPT=rfc822;rcpt@example.test")],
            headers=[("Disposition-Notification-To", "victim@example.org")])
        self.assertEqual(out["rcpt"][0].action, "continue")
        self.assertEqual(out["mods"], [])
        f = rcpt_lines(m)[0]
        self.assertEqual(f["action"], "strip")
        self.assertEqual(f["dry_run"], "1")
        eom = [f for f in m.fields() if f.get("stage") == "eom"]
        self.assertEqual(sorted(f["action"] for f in eom), ["strip", "strip"])
        self.assertTrue(all(f["dry_run"] == "1" for f in eom))
        # What it would refuse, it lets through, and says so.
        m2 = Milter(self, "--dry-run").start()
        out = session(m2)
        self.assertEqual(out["rcpt"][0].action, "continue")
        f = rcpt_lines(m2)[0]
        self.assertEqual(f["action"], "reject")
        self.assertEqual(f["dry_run"], "1")
        self.assertTrue(f["reply"].startswith("550 5.7.1 T-UNOFFERED"))
        # And on sendmail, the refusal it would send instead of a strip.
        m3 = Milter(self, "--dry-run", policy=POLICY_STRIP).start()
        out = session(m3, v=SENDMAIL)
        self.assertEqual(out["rcpt"][0].action, "continue")
        f = rcpt_lines(m3)[0]
        self.assertEqual((f["action"], f["policy_action"]),
                         ("reject", "strip"))

    def test_policy_kept_per_connection_shared_by_presets(self):
        m = Milter(self, preset="permissive").start()
        out = session(m)
        self.assertEqual(out["rcpt"][0].action, "continue")
        self.assertEqual(rcpt_lines(m)[0]["policy"], "permissive")


@unittest.skipUnless(BIN and os.access(BIN, os.X_OK), "DSNG_MILTER not set")
class TestLogging(unittest.TestCase):
    """One well-formed line per decision, whatever the client sent."""

    def assert_all_lines_well_formed(self, m):
        for line in m.lines():
            self.assertRegex(line, LINE_RE)
            self.assertNotIn("\r", line)

    def test_hostile_values_cannot_forge_lines(self):
        m = Milter(self).start()
        evil = "x\r\ndsnguard-milter[1]: queue=FORGED stage=rcpt action=accept"
        session(m, helo=evil, rcpts=[
            ('<"a\\"b c\\\\d"@example.test>', "NOTIFY=SUCCESS")],
            hostname="evil\nhost", queue="Q\"1 2")
        self.assert_all_lines_well_formed(m)
        # Every line is the milter's own: its PID, then fields.
        prefix = "dsnguard-milter[%d]: " % m.proc.pid
        for line in m.lines():
            self.assertTrue(line.startswith(prefix), line)
            self.assertNotEqual(parse_line(line).get("queue"), "FORGED")
        self.assertEqual(len(rcpt_lines(m)), 1)
        helo = [f for f in m.fields() if f.get("stage") == "helo"][0]
        self.assertEqual(helo["helo"], evil.replace("\r", "\\x0d")
                         .replace("\n", "\\x0a"))
        self.assertEqual(helo["queue"], "NOQUEUE")
        f = rcpt_lines(m)[0]
        # Quotes and backslashes of the address come back exactly.
        self.assertEqual(f["rcpt"], '<"a\\"b c\\\\d"@example.test>')
        self.assertEqual(f["queue"], 'Q"1 2')
        self.assertEqual(f["action"], "reject")

    def test_invalid_utf8_and_controls_escaped(self):
        m = Milter(self).start()
        helo = b"h\xff\x01\x7f.example".decode("utf-8", "surrogateescape")
        session(m, helo=helo, rcpts=[("<rcpt@example.test>",)])
        self.assert_all_lines_well_formed(m)
        f = [f for f in m.fields() if f.get("stage") == "helo"][0]
        self.assertEqual(f["helo"], "h\\xff\\x01\\x7f.example")

    def test_one_line_per_decision(self):
        m = Milter(self).start()
        session(m, rcpts=[("<a@example.test>",),
                          ("<b@example.test>", "NOTIFY=SUCCESS"),
                          ("<c@example.test>", "NOTIFY=FAILURE")],
                headers=[("Subject", "x"),
                         ("Return-Receipt-To", "v@example.org")])
        stages = [f.get("stage") for f in m.fields() if "stage" in f]
        self.assertEqual(stages, ["helo", "mail", "rcpt", "rcpt", "rcpt",
                                  "header", "eom"])
        for f in m.fields():
            if "stage" in f:
                for k in ("queue", "action", "policy_action", "client",
                          "rule", "dry_run", "reply", "reason"):
                    self.assertIn(k, f)


@unittest.skipUnless(BIN and os.access(BIN, os.X_OK), "DSNG_MILTER not set")
class TestSignals(unittest.TestCase):
    """SIGHUP reloads, SIGUSR1 counts, SIGTERM stops cleanly."""

    def reply_of(self, m):
        return session(m)["rcpt"][0].reply

    def test_twenty_sighups_keep_serving(self):
        m = Milter(self).start()
        for i in range(20):
            m.signal(signal.SIGHUP)
            m.wait_log(lambda f: f.get("event") == "reload"
                       and f.get("ok") == "1", count=i + 1)
            self.assertTrue(self.reply_of(m).startswith(
                "550 5.7.1 T-UNOFFERED"))
        self.assertIsNone(m.proc.poll())
        gens = [f["generation"] for f in m.fields()
                if f.get("event") == "reload"]
        self.assertEqual(gens, [str(i) for i in range(2, 22)])
        self.assertEqual(m.stop(), 0)

    def test_sighups_in_a_burst(self):
        # Signals sent faster than reloads merge; none may stop it.
        m = Milter(self).start()
        for _ in range(20):
            m.signal(signal.SIGHUP)
        m.wait_log(lambda f: f.get("event") == "reload")
        time.sleep(0.3)
        self.assertIsNone(m.proc.poll())
        self.assertTrue(self.reply_of(m).startswith("550 5.7.1 T-UNOFFERED"))
        self.assertEqual(m.stop(), 0)

    def test_broken_policy_keeps_the_old_one(self):
        m = Milter(self).start()
        self.assertIn("T-UNOFFERED", self.reply_of(m))
        m.write_policy("preset = recommended\n[rcpt]\nbogus-key = 1\n")
        m.signal(signal.SIGHUP)
        (f,) = m.wait_log(lambda f: f.get("event") == "reload")
        self.assertEqual(f["ok"], "0")
        self.assertEqual(f["kept"], "old")
        self.assertIn("bogus-key", f["error"])
        self.assertIn("T-UNOFFERED", self.reply_of(m))
        m.write_policy(POLICY.replace("T-UNOFFERED", "T-SECOND"))
        m.signal(signal.SIGHUP)
        m.wait_log(lambda f: f.get("event") == "reload", count=2)
        self.assertIn("T-SECOND", self.reply_of(m))
        os.unlink(m.policy)
        m.signal(signal.SIGHUP)
        m.wait_log(lambda f: f.get("event") == "reload", count=3)
        self.assertIn("T-SECOND", self.reply_of(m))

    def test_policy_warnings_logged(self):
        # "authenticated" is never true at EHLO: the policy loads with a
        # warning, at start and at each reload.
        text = POLICY + "[ehlo]\noffer-dsn = authenticated\n"
        m = Milter(self, policy=text).start()
        (w,) = m.wait_log(lambda f: f.get("event") == "policy_warning")
        self.assertIn("offer-dsn", w["message"])
        m.signal(signal.SIGHUP)
        m.wait_log(lambda f: f.get("event") == "policy_warning", count=2)

    def test_connection_keeps_its_policy(self):
        m = Milter(self).start()
        c = m.client()
        c.macro("C", {"v": POSTFIX})
        c.connect("client.example", STRANGER, 41000)
        c.helo("client.example")
        m.write_policy(POLICY.replace("T-UNOFFERED", "T-NEW"))
        m.signal(signal.SIGHUP)
        m.wait_log(lambda f: f.get("event") == "reload" and f["ok"] == "1")
        # A new connection has the new policy...
        self.assertIn("T-NEW", self.reply_of(m))
        # ...the old one keeps the policy it started with.
        c.mail("<s@example.org>")
        r = c.rcpt("<r@example.test>", "NOTIFY=SUCCESS")
        self.assertIn("T-UNOFFERED", r.reply)
        c.quit()
        gens = [f["generation"] for f in rcpt_lines(m)]
        self.assertEqual(gens, ["2", "1"])

    def test_sigusr1_prints_stats(self):
        m = Milter(self).start()
        session(m)
        session(m, addr=TRUSTED)
        m.signal(signal.SIGUSR1)
        (s,) = m.wait_log(lambda f: f.get("stats"))
        self.assertEqual(s["reject"], "1")
        # helo lines are not counted; mail x2 + trusted rcpt accepted.
        self.assertEqual(s["accept"], "3")
        self.assertEqual(s["connections"], "2")
        for k in ("strip", "downgrade", "never", "ignore", "flag",
                  "tempfail", "error", "reload"):
            self.assertEqual(s[k], "0")
        self.assertIsNone(m.proc.poll())

    def test_sigterm_exits_zero_and_cleans_up(self):
        m = Milter(self).start()
        self.assertTrue(os.path.exists(m.pidfile))
        with open(m.pidfile) as f:
            self.assertEqual(int(f.read()), m.proc.pid)
        session(m)
        self.assertEqual(m.stop(), 0)
        self.assertFalse(os.path.exists(m.pidfile))
        self.assertFalse(os.path.exists(m.sock))
        fields = m.fields()
        self.assertTrue(fields[-2].get("stats"))
        self.assertEqual(fields[-2]["reject"], "1")
        self.assertEqual(fields[-1]["event"], "stop")

    def test_sigterm_lets_a_session_finish(self):
        m = Milter(self).start()
        c = m.client()
        c.macro("C", {"v": POSTFIX})
        c.connect("client.example", STRANGER, 41000)
        c.helo("client.example")
        c.mail("<s@example.org>")
        m.signal(signal.SIGTERM)
        time.sleep(0.3)
        r = c.rcpt("<r@example.test>", "NOTIFY=SUCCESS")
        self.assertEqual(r.action, "reject")
        c.quit()
        self.assertEqual(m.proc.wait(40), 0)
        self.assertFalse(os.path.exists(m.pidfile))

    def test_daemon_mode(self):
        m = Milter(self, foreground=False)
        rc = subprocess.run(m.argv, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, timeout=20)
        self.assertEqual(rc.returncode, 0, rc.stderr)
        deadline = time.time() + 10
        while not (os.path.exists(m.pidfile) and os.path.exists(m.sock)):
            self.assertLess(time.time(), deadline, "no pidfile/socket")
            time.sleep(0.02)
        time.sleep(0.05)
        with open(m.pidfile) as f:
            pid = int(f.read())

        self.addCleanup(kill_quietly, pid)
        out = session(m)
        self.assertEqual(out["rcpt"][0].action, "reject")
        os.kill(pid, signal.SIGTERM)
        deadline = time.time() + 40
        while os.path.exists(m.pidfile):
            self.assertLess(time.time(), deadline, "pidfile stays")
            time.sleep(0.05)
        while True:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            self.assertLess(time.time(), deadline, "daemon still running")
            time.sleep(0.05)


@unittest.skipUnless(BIN and os.access(BIN, os.X_OK), "DSNG_MILTER not set")
class TestConcurrency(unittest.TestCase):
    """Many sessions at once share one policy; each is decided alone."""

    N = 200

    def test_200_concurrent_sessions(self):
        m = Milter(self, policy=POLICY_STRIP).start()
        barrier = threading.Barrier(self.N, timeout=60)
        results = [None] * self.N
        errors = []

        # Three kinds, told apart by the recipient: a trusted client's
        # receipt (accepted), a stranger's (NOTIFY stripped at EOM on
        # Postfix: the RFC 3461 default remains), a stranger's on
        # sendmail (refused).
        def one(i):
            try:
                kind = i % 3
                addr = TRUSTED if kind == 0 else "198.51.100.%d" % (i % 250)
                v = SENDMAIL if kind == 2 else POSTFIX
                c = mc.MilterClient(m.spec, timeout=60)
                c.optneg()
                barrier.wait()
                c.macro("C", {"v": v, "{daemon_port}": "25"})
                c.connect("c%d.example" % i, addr, 40000 + i)
                c.helo("c%d.example" % i)
                c.macro("M", {"i": "Q%d" % i})
                c.mail("<s%d@example.org>" % i)
                r = c.rcpt("<r%d@example.test>" % i, "NOTIFY=SUCCESS,FAILURE")
                mods, final = c.eom() if r.action == "continue" else ([], None)
                c.quit()
                results[i] = (kind, r, mods)
            except Exception as e:  # reported below, with the index
                errors.append((i, repr(e)))

        threads = [threading.Thread(target=one, args=(i,))
                   for i in range(self.N)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        self.assertEqual(errors, [])
        for i, (kind, r, mods) in enumerate(results):
            addr = "<r%d@example.test>" % i
            if kind == 0:
                self.assertEqual(r.action, "continue", i)
                self.assertEqual(mods, [], i)
            elif kind == 1:
                self.assertEqual(r.action, "continue", i)
                self.assertEqual([(x.kind, x.args) for x in mods],
                                 [("delrcpt", [addr]), ("addrcpt", [addr])],
                                 i)
            else:
                self.assertEqual(r.action, "reject", i)
                self.assertIn("T-RCPT NOTIFY=SUCCESS", r.reply)
        want = {0: "accept", 1: "strip", 2: "reject"}
        lines = rcpt_lines(m)
        self.assertEqual(len(lines), self.N)
        for f in lines:
            i = int(f["rcpt"][2:].split("@")[0])
            self.assertEqual(f["action"], want[i % 3], f)
            self.assertEqual(f["queue"], "Q%d" % i)
        m.signal(signal.SIGUSR1)
        (s,) = m.wait_log(lambda f: f.get("stats"))
        self.assertEqual(int(s["connections"]), self.N)
        self.assertEqual(int(s["reject"]), len([i for i in range(self.N)
                                                if i % 3 == 2]))
        self.assertEqual(s["active"], "0")
        self.assertEqual(m.stop(), 0)


@unittest.skipUnless(BIN and os.access(BIN, os.X_OK), "DSNG_MILTER not set")
class TestUsage(unittest.TestCase):
    """Exit 2 for usage, 1 for a bad policy or socket (DESIGN section 5)."""

    def run_milter(self, *args):
        return subprocess.run([BIN] + list(args), stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=20)

    def test_usage_errors_exit_2(self):
        d = tempfile.mkdtemp(prefix="dsng-milter-")
        self.addCleanup(shutil.rmtree, d, True)
        sock = "unix:" + os.path.join(d, "s")
        cases = [
            [],
            ["--preset", "recommended"],
            ["--socket", sock],
            ["--socket", sock, "--preset", "recommended", "--policy", "x"],
            ["--socket", sock, "--preset", "recommended", "--bogus"],
            ["--socket", sock, "--preset", "recommended", "--mta", "exim"],
            ["--socket", sock, "--preset", "recommended", "--log", "file"],
            ["--socket", sock, "--preset", "recommended", "--on-error",
             "reject"],
            ["--socket", sock, "--preset", "recommended", "--socket-mode",
             "rw"],
            ["--socket", sock, "--preset", "recommended", "extra"],
            ["--socket", sock, "--preset"],
        ]
        for args in cases:
            r = self.run_milter(*args)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertIn(b"usage:", r.stderr)
        r = self.run_milter("--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn(b"--socket", r.stdout)
        r = self.run_milter("--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, rb"^dsnguard-milter \(libdsnguard \d+\.\d+")

    def test_bad_policy_or_socket_exit_1(self):
        d = tempfile.mkdtemp(prefix="dsng-milter-")
        self.addCleanup(shutil.rmtree, d, True)
        sock = "unix:" + os.path.join(d, "s")
        bad = os.path.join(d, "bad.conf")
        with open(bad, "w") as f:
            f.write("[rcpt]\naction = maybe\n")
        for args in (["--policy", bad], ["--policy", os.path.join(d, "no")],
                     ["--preset", "no-such-preset"]):
            r = self.run_milter("--socket", sock, "--foreground", *args)
            self.assertEqual(r.returncode, 1, (args, r.stderr))
            self.assertIn(b"cannot load the policy", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(d, "s")))
        for spec in ("unix:" + os.path.join(d, "missing", "dir", "s"),
                     "bogus:thing"):
            r = self.run_milter("--socket", spec, "--foreground", "--preset",
                                "recommended")
            self.assertEqual(r.returncode, 1, (spec, r.stderr))
        r = self.run_milter("--socket", sock, "--foreground", "--preset",
                            "recommended", "--user", "no-such-user-here")
        self.assertEqual(r.returncode, 1, r.stderr)

    def test_inet_socket_and_ipv6_client(self):
        import socket as so
        with so.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        m = Milter(self)
        m.spec = "inet:%d@127.0.0.1" % port
        m.argv[m.argv.index("--socket") + 1] = m.spec
        m.sock = m.log  # exists once started: start() waits for it
        m.start()
        out = session(m, addr="2001:db8::9")
        self.assertEqual(out["rcpt"][0].action, "reject")
        out = session(m, addr="::1", v=SENDMAIL)
        self.assertEqual(out["rcpt"][0].action, "reject")
        lines = rcpt_lines(m)
        self.assertEqual([f["client"] for f in lines], ["2001:db8::9", "::1"])
        self.assertEqual(m.stop(), 0)

    @unittest.skipUnless(os.geteuid() == 0, "needs root to drop privileges")
    def test_user_drops_privileges(self):
        import pwd
        try:
            nobody = pwd.getpwnam("nobody")
        except KeyError:
            self.skipTest("no user nobody")
        m = Milter(self, "--user", "nobody")
        os.chmod(m.dir, 0o777)
        os.chmod(m.policy, 0o644)
        m.start()
        with open("/proc/%d/status" % m.proc.pid) as f:
            uid = [l.split()[1:] for l in f if l.startswith("Uid:")][0]
        self.assertEqual(set(uid), {str(nobody.pw_uid)})
        self.assertEqual(os.stat(m.sock).st_uid, nobody.pw_uid)
        self.assertEqual(session(m)["rcpt"][0].action, "reject")
        # A reload as nobody still reads the (world-readable) file.
        m.signal(signal.SIGHUP)
        m.wait_log(lambda f: f.get("event") == "reload" and f["ok"] == "1")
        self.assertEqual(m.stop(), 0)
        self.assertFalse(os.path.exists(m.pidfile))

    def test_bad_pidfile_exit_1(self):
        d = tempfile.mkdtemp(prefix="dsng-milter-")
        self.addCleanup(shutil.rmtree, d, True)
        bad = os.path.join(d, "no", "such", "dir", "pid")
        for fg in (["--foreground"], []):
            sock = os.path.join(d, "s")
            r = self.run_milter("--socket", "unix:" + sock, "--preset",
                                "recommended", "--pidfile", bad, *fg)
            self.assertEqual(r.returncode, 1, (fg, r.stderr))
            self.assertIn(b"PID file", r.stderr)
        # No daemon left behind: nothing listens on the socket.
        time.sleep(0.2)
        import socket as so
        with so.socket(so.AF_UNIX) as s:
            with self.assertRaises(OSError):
                s.connect(sock)

    def test_relative_pidfile_in_daemon_mode(self):
        m = Milter(self, foreground=False)
        rel = ["--pidfile", "milter.pid"]
        argv = [a for a in m.argv]
        i = argv.index("--pidfile")
        argv[i:i + 2] = rel
        r = subprocess.run(argv, cwd=m.dir, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=20)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(m.pidfile) as f:
            pid = int(f.read())

        self.addCleanup(kill_quietly, pid)
        deadline = time.time() + 10
        while not os.path.exists(m.sock):
            self.assertLess(time.time(), deadline, "no socket")
            time.sleep(0.02)
        os.kill(pid, signal.SIGTERM)
        # Removed although the daemon runs in /.
        while os.path.exists(m.pidfile) or os.path.exists(m.sock):
            self.assertLess(time.time(), deadline + 30, "files stay")
            time.sleep(0.05)

    def test_term_at_once_after_start_is_clean(self):
        # The PID file and the socket exist before the daemon's signal
        # thread runs: a TERM sent in that window must still remove both
        # (signals are blocked before either appears), never kill the
        # daemon by the default action and leave them behind.
        for _ in range(int(os.environ.get('DSNG_TERM_TRIES', '8'))):
            m = Milter(self, foreground=False)
            r = subprocess.run(m.argv, cwd=m.dir, stdin=subprocess.DEVNULL,
                               capture_output=True, timeout=20)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(m.pidfile) as f:
                pid = int(f.read())
            self.addCleanup(kill_quietly, pid)
            os.kill(pid, signal.SIGTERM)
            deadline = time.time() + 30
            while os.path.exists(m.pidfile) or os.path.exists(m.sock):
                self.assertLess(time.time(), deadline, "files stay")
                time.sleep(0.02)

    def test_socket_mode(self):
        m = Milter(self, "--socket-mode", "0660").start()
        self.assertEqual(os.stat(m.sock).st_mode & 0o7777, 0o660)
        self.assertEqual(m.stop(), 0)


if __name__ == "__main__":
    unittest.main()
