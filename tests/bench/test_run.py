#!/usr/bin/env python3
"""tests/bench/test_run.py - the bench runner's own logic (ctest
bench_runner, label bench): which rows it accepts, the medians, the
ratios and the met/missed verdicts of issue 11's targets, and that
--check fails on a broken row script.  Stdlib unittest only; no build
needed (the scripts it runs are its own, in a temporary directory)."""
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("run", os.path.join(HERE,
                                                                  "run.py"))
run = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run)


def r(group, case, impl, value, unit, better="higher", **extra):
    d = {"group": group, "case": case, "impl": impl, "value": value,
         "unit": unit, "better": better}
    d.update(extra)
    return d


class Rows(unittest.TestCase):
    def test_valid_row(self):
        self.assertIsNone(run.valid(r("smtp", "s", "C libdsnguard", 5,
                                      "lines/s")))

    def test_bad_rows(self):
        good = r("smtp", "s", "C libdsnguard", 5, "lines/s")
        for key, bad in (("group", "smpt"), ("unit", "MB/s"),
                         ("better", "more"), ("value", -1),
                         ("value", float("nan")), ("value", "5"),
                         ("value", True), ("case", ""), ("impl", 3)):
            row = dict(good, **{key: bad})
            self.assertIsNotNone(run.valid(row), (key, bad))
        for key in ("group", "case", "impl", "value", "unit", "better"):
            row = dict(good)
            del row[key]
            self.assertIsNotNone(run.valid(row), key)
        self.assertIsNotNone(run.valid([1, 2]))

    def test_median_of_repeated_rows(self):
        rows = [r("log", "x", "grep floor", v, "bytes/s") for v in (1, 9, 3)]
        rows.append(r("log", "x", "pflogsumm", 7, "bytes/s"))
        m = {x["impl"]: x for x in run.merge(rows)}
        self.assertEqual(m["grep floor"]["value"], 3)
        self.assertEqual(m["grep floor"]["n"], 3)
        self.assertEqual(m["pflogsumm"]["value"], 7)

    def test_ratio_direction(self):
        self.assertEqual(run.ratio_text(100.0, 10.0, "higher"), "10×")
        self.assertEqual(run.ratio_text(10.0, 100.0, "lower"), "10×")
        self.assertEqual(run.ratio_text(1000.0, 2.0, "higher"), "500×")
        self.assertEqual(run.ratio_text(0, 2.0, "higher"), "")


class Targets(unittest.TestCase):
    def verdicts(self, rows):
        return {what: state for what, _, _, state in
                run.check_targets(run.merge(rows))}

    def test_met_missed_and_unmeasured(self):
        rows = [
            r("smtp", "realistic-stream", "C libdsnguard", 650,
              "instr/line", "lower"),
            r("smtp", "rcpt-notify-orcpt", "C libdsnguard", 1001,
              "instr/line", "lower"),
            r("report", "corpus", "C libdsnguard", 400, "bytes/s"),
            r("report", "corpus", "memchr floor", 1000, "bytes/s"),
            r("report", "corpus-heap-held", "C libdsnguard", 3e6, "bytes",
              "lower", ratio=2.5),
            r("log", "postfix-flood", "C libdsnguard scan-log", 170,
              "bytes/s"),
            r("log", "postfix-flood", "pflogsumm", 10, "bytes/s"),
            r("policy", "instr-ratio-10000-vs-0", "C libdsnguard", 1.6,
              "ratio", "lower"),
        ]
        v = self.verdicts(rows)
        self.assertEqual(v["SMTP in C, realistic stream"], "met")
        self.assertEqual(v["SMTP in C, one RCPT with NOTIFY and ORCPT"],
                         "missed")
        self.assertEqual(
            v["reports in C over the corpus, fraction of memchr"], "met")
        self.assertEqual(v["heap held / input, corpus"], "missed")
        self.assertEqual(v["scan-log against pflogsumm"], "met")
        self.assertEqual(
            v["policy instructions, 10,000 networks against none"], "missed")
        self.assertEqual(v["heap held / input, 10,000 recipients"],
                         "not measured")

    def test_floor_fraction_in_table(self):
        rows = run.merge([r("report", "corpus", "C libdsnguard", 250,
                            "bytes/s"),
                          r("report", "corpus", "memchr floor", 1000,
                            "bytes/s"),
                          r("report", "corpus", "Sisimai", 5, "bytes/s")])
        text = "\n".join(run.table(rows))
        self.assertIn("0.25 of floor", text)
        self.assertIn("| corpus | Sisimai | 0.0 MB/s | 50× |", text)
        self.assertIn("target 0.25 ≥ 0.4: missed", text)


class Check(unittest.TestCase):
    """run.py --check over scripts of our own."""

    def run_py(self, scripts, *args):
        with tempfile.TemporaryDirectory() as d:
            for name, text in scripts.items():
                with open(os.path.join(d, name), "w") as f:
                    f.write(text)
            rows = os.path.join(d, "rows.jsonl")
            p = subprocess.run(
                [sys.executable, os.path.join(HERE, "run.py"), "--quick",
                 "--check", "--scripts", d, "--build", d, "--rows", rows]
                + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True)
            with open(rows) as f:
                saved = [json.loads(x) for x in f]
        return p, saved

    GOOD = ("import json, sys\n"
            "assert sys.argv[1:] == ['--quick']\n"
            "print(json.dumps({'group': 'policy', 'case': 'c', 'impl': "
            "'C libdsnguard', 'value': 4, 'unit': 'calls/s', "
            "'better': 'higher'}))\n")

    def test_good_script_passes(self):
        p, saved = self.run_py({"bench_good.py": self.GOOD}, "--only",
                               "bench_good")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(saved[0]["meta"]["quick"], True)
        self.assertEqual([x["value"] for x in saved[1:]], [4])
        self.assertIn("| c | C libdsnguard | 4 calls/s |", p.stdout)

    def test_bad_rows_fail(self):
        bad = ("print('{\"group\": \"policy\"}')\nprint('not json')\n")
        p, _ = self.run_py({"bench_good.py": self.GOOD, "bench_bad.py": bad},
                           "--only", "bench_good,bench_bad")
        self.assertEqual(p.returncode, 1)
        self.assertIn("bench_bad.py: stdout line 1 is not a valid row",
                      p.stderr)
        self.assertIn("bench_bad.py: stdout line 2 is not JSON", p.stderr)
        self.assertIn("bench_bad.py: no rows", p.stderr)

    def test_failing_script_fails(self):
        p, _ = self.run_py({"bench_exit.py": self.GOOD + "sys.exit(3)\n"},
                           "--only", "bench_exit")
        self.assertEqual(p.returncode, 1)
        self.assertIn("bench_exit.py: exit 3", p.stderr)

    def test_whole_suite_expects_the_c_rows(self):
        p, _ = self.run_py({"bench_good.py": self.GOOD})
        self.assertEqual(p.returncode, 1)
        self.assertIn("no smtp row from C libdsnguard", p.stderr)


if __name__ == "__main__":
    unittest.main()
