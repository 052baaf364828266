"""The package itself: dsnguard is a package with its core as
dsnguard._core, typed (py.typed, a stub naming every public name)."""
import ast
import os
import sys
import unittest

import dsnguard


def stub_names():
    """The top-level names the stub defines (and the class members)."""
    path = os.path.join(os.path.dirname(dsnguard.__file__), "__init__.pyi")
    with open(path) as f:
        tree = ast.parse(f.read(), path)
    top, members = set(), {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            top.add(node.name)
        if isinstance(node, ast.ClassDef):
            members[node.name] = {n.name for n in node.body
                                  if isinstance(n, ast.FunctionDef)}
            members[node.name] |= {
                n.target.id for n in node.body
                if isinstance(n, ast.AnnAssign)
                and isinstance(n.target, ast.Name)}
        elif isinstance(node, ast.Assign):
            top.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target,
                                                            ast.Name):
            top.add(node.target.id)
    return top, members


class Package(unittest.TestCase):
    def test_is_a_package_with_a_core(self):
        self.assertTrue(dsnguard.__file__.endswith("__init__.py"))
        self.assertTrue(hasattr(dsnguard, "__path__"))
        import dsnguard._core as core
        self.assertEqual(core.__name__, "dsnguard._core")
        self.assertIs(dsnguard.parse_cmd, core.parse_cmd)
        self.assertIs(dsnguard.ParseError, core.ParseError)

    def test_parse_error_is_the_packages(self):
        # raised from C, it is the class scripts catch
        with self.assertRaises(dsnguard.ParseError) as cm:
            dsnguard.parse_cmd("MAIL TO:<a@b.example>")
        self.assertEqual(cm.exception.code, "syntax")

    def test_py_typed(self):
        d = os.path.dirname(dsnguard.__file__)
        self.assertTrue(os.path.isfile(os.path.join(d, "py.typed")))

    def test_all_names_exist(self):
        for name in dsnguard.__all__:
            self.assertTrue(hasattr(dsnguard, name), name)

    def test_every_public_name_is_in_the_stub(self):
        top, members = stub_names()
        public = {n for n in dir(dsnguard) if not n.startswith("_")
                  and not isinstance(getattr(dsnguard, n),
                                     type(sys))}  # not submodules
        public |= set(dsnguard.__all__)
        self.assertEqual(sorted(public - top), [])
        self.assertIn("__version__", top)
        for cls in ("Policy", "Session", "Decision", "ParseError"):
            obj = getattr(dsnguard, cls)
            own = {n for n in vars(obj) if not n.startswith("_")}
            own |= {n for n in getattr(obj, "__slots__", ())
                    if not n.startswith("_")}
            self.assertEqual(sorted(own - members[cls]), [], cls)

    def test_every_public_name_has_a_docstring(self):
        for name in dsnguard.__all__:
            obj = getattr(dsnguard, name)
            self.assertTrue(obj.__doc__ and obj.__doc__.strip(), name)
        for cls in (dsnguard.Policy, dsnguard.ScanLog):
            for name, obj in vars(cls).items():
                if name.startswith("_") or not callable(
                        getattr(obj, "__func__", obj)):
                    continue
                self.assertTrue(getattr(obj, "__doc__", None), name)

    def test_stub_names_nothing_that_is_missing(self):
        top, _ = stub_names()
        top = {n for n in top if not n.startswith("_") or n == "__version__"}
        self.assertEqual(sorted(n for n in top
                                if not hasattr(dsnguard, n)), [])


class CoverageCheck(unittest.TestCase):
    """check_coverage.py (ctest bindings_coverage) fails when it should."""
    ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "..", "..", "..")

    def run_check(self, text):
        import subprocess
        import tempfile
        with tempfile.NamedTemporaryFile("w", suffix=".txt") as f:
            f.write(text)
            f.flush()
            return subprocess.run(
                [sys.executable,
                 os.path.join(self.ROOT, "bindings", "python", "tests",
                              "check_coverage.py"),
                 os.path.join(self.ROOT, "include"), f.name],
                capture_output=True, text=True, timeout=60)

    def test_catches_omissions_and_unknown_names(self):
        with open(os.path.join(self.ROOT, "bindings", "coverage.txt")) as f:
            lines = f.read().splitlines()
        self.assertEqual(self.run_check("\n".join(lines)).returncode, 0)
        r = self.run_check("\n".join(l for l in lines
                                      if not l.startswith("dsng_cmd_parse ")))
        self.assertEqual(r.returncode, 1)
        self.assertIn("dsng_cmd_parse: not in", r.stdout)
        r = self.run_check("\n".join(
            l.replace("parse_addr", "parse_adr") for l in lines))
        self.assertEqual(r.returncode, 1)
        self.assertIn("dsnguard.parse_adr does not exist", r.stdout)


if __name__ == "__main__":
    unittest.main()
