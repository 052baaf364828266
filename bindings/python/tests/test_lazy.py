"""Results built on access (python/lazy.c, python/result.c): parse_cmd and
parse_report check their input at the call and build each value when it
is first read.  Every dict operation on an unread result must give what
a fully built one gives: the references here are the CLI's JSON for
commands (DSNG_CLI) and the SWIG entry point that builds a report whole
(_parse_report)."""
import copy
import gc
import json
import os
import pickle
import subprocess
import sys
import threading
import unittest

import dsnguard

_core = sys.modules[dsnguard.Decision.__module__]
_low = getattr(_core, "_dsnguard", None)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tests", "bench"))
from gen_smtp_stream import generate  # noqa: E402

# the generator's stream (a tenth malformed) and every verb's shape
EXTRA = ["DATA", "BDAT 10 LAST", "BDAT 7", "HELO x.example",
         "LHLO y.example", "EHLO [192.0.2.1]", "NOOP hello", "RSET", "QUIT",
         "VRFY a", "MAIL FROM:<>", "MAIL FROM:<@a.example,@b.example:u@c>",
         "MAIL FROM:<a@b.example> SIZE=18446744073709551615 BODY=8BITMIME "
         "RET=HDRS ENVID=a+2Bb SMTPUTF8",
         "RCPT TO:<\"q x\"@b.example> NOTIFY=NEVER X-Y",
         "RCPT TO:<a@b.example> NOTIFY=NEVER,SUCCESS",  # refused
         "RCPT TO:<>", "MAIL TO:<a@b>", "FOO bar", "",
         "RCPT TO:<a@b.example> ORCPT=rfc822;a+ZZ"]
LINES = [l for l in generate(1500, seed=23) + EXTRA
         if not any(c in l for c in "\r\n\0")]


def cli_reference(lines):
    """The CLI's object for each line, without "ok" (None if refused,
    with the error object kept apart)."""
    out = subprocess.run([os.environ["DSNG_CLI"], "parse-cmd", "--json"],
                         input="".join(l + "\r\n" for l in lines),
                         capture_output=True, text=True, timeout=120)
    refs = []
    for text in out.stdout.splitlines():
        o = json.loads(text)
        ok = o.pop("ok")
        o.pop("input", None)
        refs.append(o if ok else ("error", o["error"]))
    if len(refs) != len(lines):
        raise AssertionError("the CLI gave %d objects for %d lines"
                             % (len(refs), len(lines)))
    return refs


def fresh(line):
    return dsnguard.parse_cmd(line)


# Each operation as it is written in scripts, on an unread result, with
# what it must give for the reference dict ref.
WHOLE = [
    ("==", lambda r: r == REF[0], lambda ref: True),
    ("== reflected", lambda r: REF[0] == r, lambda ref: True),
    ("!=", lambda r: r != REF[0], lambda ref: False),
    ("json", lambda r: json.dumps(r), lambda ref: json.dumps(ref)),
    ("json indent (pure Python encoder)",
     lambda r: json.dumps(r, indent=1), lambda ref: json.dumps(ref, indent=1)),
    ("json sort_keys", lambda r: json.dumps(r, sort_keys=True),
     lambda ref: json.dumps(ref, sort_keys=True)),
    ("pickle", lambda r: pickle.loads(pickle.dumps(r)), lambda ref: ref),
    ("pickle type", lambda r: type(pickle.loads(pickle.dumps(r))),
     lambda ref: dsnguard.Result),
    ("deepcopy", lambda r: copy.deepcopy(r), lambda ref: ref),
    ("copy.copy", lambda r: copy.copy(r), lambda ref: ref),
    ("r.copy()", lambda r: r.copy(), lambda ref: ref),
    ("dict(r) in order", lambda r: list(dict(r).items()),
     lambda ref: list(ref.items())),
    ("{**r} in order", lambda r: list({**r}.items()),
     lambda ref: list(ref.items())),
    ("f(**r)", lambda r: (lambda **kw: kw)(**r), lambda ref: ref),
    ("list(r)", lambda r: list(r), lambda ref: list(ref)),
    ("len", lambda r: len(r), lambda ref: len(ref)),
    ("keys", lambda r: list(r.keys()), lambda ref: list(ref.keys())),
    ("values", lambda r: list(r.values()), lambda ref: list(ref.values())),
    ("items", lambda r: list(r.items()), lambda ref: list(ref.items())),
    ("reversed", lambda r: list(reversed(r)), lambda ref: list(reversed(ref))),
    ("reversed items", lambda r: list(reversed(r.items())),
     lambda ref: list(reversed(ref.items()))),
    ("to_dict", lambda r: json.dumps(r.to_dict()), lambda ref: json.dumps(ref)),
    ("to_dict is plain", lambda r: type(r.to_dict()), lambda ref: dict),
    ("r | {}", lambda r: r | {}, lambda ref: ref),
    ("{} | r", lambda r: {} | r, lambda ref: ref),
    ("popitem", lambda r: r.popitem(), lambda ref: list(ref.items())[-1]),
    ("in", lambda r: [k in r for k in REF[0]], lambda ref: [True] * len(ref)),
    ("bool", lambda r: bool(r), lambda ref: True),
    ("format_map", lambda r: "{verb}".format_map(r),
     lambda ref: "{verb}".format(**ref)),
    ("% mapping", lambda r: "%(verb)s" % r, lambda ref: "%(verb)s" % ref),
    ("no placeholder seen", lambda r: any(
        type(v).__name__ == "_Unbuilt" for v in r.values()),
     lambda ref: False),
]

# REF[0]: the reference of the line under test, for the operations that
# compare with it
REF = [None]


class Commands(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.environ.get("DSNG_CLI"):
            raise unittest.SkipTest("DSNG_CLI not set (ctest sets it)")
        cls.refs = cli_reference(LINES)

    def each(self):
        for line, ref in zip(LINES, self.refs):
            if isinstance(ref, dict):
                yield line, ref

    def test_whole_mapping_operations_on_unread_results(self):
        n = 0
        for line, ref in self.each():
            REF[0] = ref
            for name, op, want in WHOLE:
                for arg in (line, line.encode()):
                    with self.subTest(op=name, line=line):
                        self.assertEqual(op(fresh(arg)), want(ref))
                n += 1
        self.assertGreater(n, 1000 * len(WHOLE))

    def test_repr_is_the_fully_built_ones(self):
        for line, ref in self.each():
            built = fresh(line)
            for k in ref:  # every value built, one read at a time
                built[k]
            self.assertEqual(repr(fresh(line)), repr(built))
            self.assertTrue(repr(built).startswith("dsnguard.Result({"))

    def test_attribute_and_key_reads_alone(self):
        for line, ref in self.each():
            for k, v in ref.items():
                self.assertEqual(getattr(fresh(line), k), v, (line, k))
                self.assertEqual(fresh(line)[k], v)
                self.assertEqual(fresh(line).get(k), v)
                self.assertEqual(fresh(line).get(k, 5), v)
                self.assertEqual(fresh(line).pop(k), v)
                self.assertEqual(fresh(line).setdefault(k), v)
            # read in reverse order, then the whole: nothing built twice
            # differently, nothing lost
            r = fresh(line)
            for k in reversed(list(ref)):
                self.assertEqual(getattr(r, k), ref[k])
            self.assertEqual(list(r.items()), list(ref.items()))
            # a value read twice is the same object (built once)
            r = fresh(line)
            self.assertIs(r.verb, r["verb"])
            self.assertIs(r[list(ref)[-1]], r[list(ref)[-1]])

    def test_missing_keys_and_attributes(self):
        r = fresh("RCPT TO:<a@b.example> NOTIFY=SUCCESS")
        with self.assertRaises(KeyError):
            r["nope"]
        with self.assertRaises(AttributeError):
            r.nope
        self.assertIsNone(r.get("nope"))
        self.assertEqual(r.get("nope", 3), 3)
        self.assertEqual(r.pop("nope", 4), 4)
        with self.assertRaises(TypeError):
            hash(r)
        with self.assertRaises(TypeError):
            r.get()
        self.assertIsInstance(r, dict)
        # a method wins over a key of the same name, as before
        self.assertTrue(callable(r.items))

    def test_mutation_then_read(self):
        line = "RCPT TO:<a@b.example> NOTIFY=SUCCESS,DELAY"
        ref = dict(fresh(line))
        r = fresh(line)
        r["notify"] = "x"
        self.assertEqual(r.notify, "x")
        self.assertEqual(r, dict(ref, notify="x"))
        r = fresh(line)
        del r["path"]
        self.assertNotIn("path", r)
        with self.assertRaises(KeyError):
            r["path"]
        self.assertEqual(r, {k: v for k, v in ref.items() if k != "path"})
        self.assertEqual(list(r), [k for k in ref if k != "path"])
        r = fresh(line)
        r.update(verb="Y", extra=1)
        self.assertEqual(r.verb, "Y")
        self.assertEqual(r, dict(ref, verb="Y", extra=1))
        r = fresh(line)
        r |= {"local": None}
        self.assertEqual(r, dict(ref, local=None))
        r = fresh(line)
        r.clear()
        self.assertEqual(r, {})
        self.assertEqual(len(r), 0)
        # a nested value changed in place stays changed
        r = fresh(line)
        r.notify.append("FAILURE")
        self.assertEqual(r.notify, ["SUCCESS", "DELAY", "FAILURE"])
        self.assertEqual(r.to_dict()["notify"], ["SUCCESS", "DELAY",
                                                 "FAILURE"])
        # results are independent
        a, b = fresh(line), fresh(line)
        a.params[0]["value"] = "z"
        self.assertEqual(b.params[0]["value"], "SUCCESS,DELAY")

    def test_a_result_outlives_its_input(self):
        for line, ref in list(self.each())[:200]:
            for kind in (str, bytes):
                # a buffer of its own, not an interned constant
                buf = "".join(list(line)) if kind is str else \
                    bytes(bytearray(line.encode()))
                r = dsnguard.parse_cmd(buf)
                del buf
                gc.collect()
                self.assertEqual(r.to_dict(), ref)

    def test_refusals_raise_at_the_call_as_before(self):
        refused = 0
        for line, ref in zip(LINES, self.refs):
            if isinstance(ref, dict):
                continue
            refused += 1
            err = ref[1]
            with self.assertRaises(dsnguard.ParseError) as cm:
                dsnguard.parse_cmd(line)
            e = cm.exception
            self.assertEqual((e.code, e.offset, e.reply, e.enhanced),
                             (err["code"], err["offset"], err["reply"],
                              err["enhanced"]), line)
            self.assertIsInstance(e, ValueError)
        self.assertGreater(refused, 50)
        # options still refuse at the call
        with self.assertRaises(dsnguard.ParseError):
            dsnguard.parse_cmd("RCPT TO:<a@b.example>", max_line=10)
        with self.assertRaises(dsnguard.ParseError):
            dsnguard.parse_cmd("MAIL FROM:<j\u00f6rg@b.example>")
        self.assertEqual(dsnguard.parse_cmd("MAIL FROM:<j\u00f6rg@b.example>",
                                            utf8=True).local, "j\u00f6rg")

    def test_options_are_kept_for_the_values(self):
        # a line that only parses with a raised max_line
        line = "RCPT TO:<a@b.example> X-LONG=" + "v" * 3000
        r = dsnguard.parse_cmd(line, max_line=4096)
        self.assertEqual(r.params[0]["value"], "v" * 3000)
        self.assertEqual(r.canonical, line)

    def test_threads_reading_one_result(self):
        old = sys.getswitchinterval()
        sys.setswitchinterval(1e-6)
        try:
            for line, ref in list(self.each())[:150]:
                r = fresh(line)
                out, errors = [], []
                start = threading.Barrier(4)

                def read(how):
                    try:
                        start.wait()
                        if how == 0:
                            out.append(json.dumps(r))
                        elif how == 1:
                            out.append(json.dumps(
                                {k: getattr(r, k) for k in ref}))
                        elif how == 2:
                            out.append(json.dumps(
                                {k: r[k] for k in reversed(list(ref))},
                                sort_keys=True))
                        else:
                            out.append(json.dumps(r.to_dict()))
                    except Exception as e:  # reported below
                        errors.append(e)

                ts = [threading.Thread(target=read, args=(i,))
                      for i in range(4)]
                for t in ts:
                    t.start()
                for t in ts:
                    t.join()
                self.assertEqual(errors, [])
                self.assertEqual(sorted(out), sorted(
                    [json.dumps(ref)] * 3 + [json.dumps(ref,
                                                        sort_keys=True)]))
        finally:
            sys.setswitchinterval(old)


def decision_tuple(d):
    return (d.action, d.reply, d.rewritten, d.reason, d.rule, d.compliance,
            tuple(d.notify or ()))


class Decisions(unittest.TestCase):
    def test_a_parse_cmd_result_decides_as_its_line(self):
        p = dsnguard.Policy.preset("recommended")
        n = 0
        for line in LINES:
            verb = line[:4].upper()
            if verb not in ("MAIL", "RCPT"):
                continue
            try:
                r = dsnguard.parse_cmd(line)
            except dsnguard.ParseError:
                continue
            decide = p.rcpt if verb == "RCPT" else p.mail
            got = []
            for arg in (r, line, dsnguard.parse_cmd(line)["canonical"],
                        dsnguard.parse_cmd(line).to_dict()):
                s = dsnguard.Session("192.0.2.1", port=25)
                p.ehlo(s)
                if verb == "RCPT":
                    p.mail(s, "MAIL FROM:<x@example.org>")
                got.append(decision_tuple(decide(s, arg)))
            self.assertEqual(len(set(got)), 1, (line, got))
            n += 1
        self.assertGreater(n, 500)

    def test_the_replaced_canonical_is_what_is_decided(self):
        p = dsnguard.Policy.preset("recommended")
        s = dsnguard.Session("192.0.2.1", port=25)
        p.ehlo(s)
        p.mail(s, "MAIL FROM:<x@example.org>")
        r = dsnguard.parse_cmd("RCPT TO:<a@b.example> NOTIFY=SUCCESS")
        r["canonical"] = "RCPT TO:<c@d.example> NOTIFY=FAILURE"
        self.assertEqual(p.rcpt(s, r).notify, ["FAILURE"])
        del r["canonical"]
        with self.assertRaises(TypeError):
            p.rcpt(s, r)
        # a result of other options: its canonical, as before
        long = "RCPT TO:<a@b.example> X-LONG=" + "v" * 3000
        r = dsnguard.parse_cmd(long, max_line=4096)
        self.assertEqual(decision_tuple(p.rcpt(s, r)),
                         decision_tuple(p.rcpt(s, long)))
        # the methods with options, and their errors, are the Python ones
        self.assertEqual(p.rcpt(s, "RCPT TO:<a@b.example>",
                                utf8=True).action, "accept")
        with self.assertRaises(TypeError):
            p.rcpt(s)
        with self.assertRaises(TypeError):
            p.rcpt(s, 5)
        with self.assertRaises(TypeError):
            p.rcpt("not a session", "RCPT TO:<a@b.example>")
        with self.assertRaises(TypeError):
            dsnguard.Policy.rcpt(object(), s, "RCPT TO:<a@b.example>")
        self.assertIn("NOTIFY", dsnguard.Policy.rcpt.__doc__)


def report_files():
    base = os.path.join(ROOT, "tests", "data", "reports")
    out = []
    for d, _, names in sorted(os.walk(base)):
        for n in sorted(names):
            with open(os.path.join(d, n), "rb") as f:
                out.append((n, f.read()))
    return out


class Reports(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not hasattr(_low, "_parse_report"):
            raise unittest.SkipTest("no _parse_report in this build")
        cls.files = report_files()

    def pairs(self):
        n = 0
        for name, data in self.files:
            try:
                ref = _low._parse_report(data)
            except dsnguard.ParseError as e:
                with self.assertRaises(dsnguard.ParseError) as cm:
                    dsnguard.parse_report(data)
                self.assertEqual((cm.exception.code, cm.exception.offset),
                                 (e.code, e.offset))
                continue
            n += 1
            yield name, data, ref
        self.assertGreater(n, 40)

    def test_whole_mapping_operations_on_unread_reports(self):
        for name, data, ref in self.pairs():
            REF[0] = ref.to_dict()
            for opname, op, want in WHOLE:
                if opname in ("format_map", "% mapping"):
                    continue  # no "verb"
                with self.subTest(op=opname, file=name):
                    self.assertEqual(op(dsnguard.parse_report(data)),
                                     want(REF[0]))
            self.assertEqual(repr(dsnguard.parse_report(data)), repr(ref))

    def test_reads_alone_and_nested_values(self):
        for name, data, ref in self.pairs():
            for k in ref:
                self.assertEqual(getattr(dsnguard.parse_report(data), k),
                                 ref[k], (name, k))
            rep = dsnguard.parse_report(data)
            if rep.recipients:
                self.assertEqual(rep.recipients[0].status,
                                 ref["recipients"][0]["status"])
            # the input may go: the result has its own copy
            buf = bytes(bytearray(data))
            rep = dsnguard.parse_report(buf)
            del buf
            gc.collect()
            self.assertEqual(rep.to_dict(), ref.to_dict())

    def test_str_and_message_inputs(self):
        import email
        for name, data, ref in list(self.pairs())[:20]:
            msg = email.message_from_bytes(data)
            self.assertEqual(dsnguard.parse_report(msg).kind,
                             _low._parse_report(msg.as_bytes())["kind"])
            text = data.decode("utf-8", "surrogateescape")
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                continue
            self.assertEqual(dsnguard.parse_report(text), ref)

    def test_threads_reading_one_report(self):
        old = sys.getswitchinterval()
        sys.setswitchinterval(1e-6)
        try:
            for name, data, ref in list(self.pairs())[:30]:
                rep = dsnguard.parse_report(data)
                want = json.dumps(ref)
                out, errors = [], []
                start = threading.Barrier(3)

                def read(i):
                    try:
                        start.wait()
                        if i == 1:
                            for k in reversed(list(ref)):
                                getattr(rep, k)
                        out.append(json.dumps(rep))
                    except Exception as e:  # reported below
                        errors.append(e)

                ts = [threading.Thread(target=read, args=(i,))
                      for i in range(3)]
                for t in ts:
                    t.start()
                for t in ts:
                    t.join()
                self.assertEqual(errors, [])
                self.assertEqual(out, [want] * 3)
        finally:
            sys.setswitchinterval(old)


if __name__ == "__main__":
    unittest.main()
