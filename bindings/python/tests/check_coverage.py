"""ctest bindings_coverage: every public C function of
include/dsnguard/*.h is listed in bindings/coverage.txt, every name listed
there exists in the package dsnguard, and every name that does is bound.

    python3 check_coverage.py INCLUDE_DIR COVERAGE_TXT
"""
import glob
import os
import re
import sys

import dsnguard


def c_functions(include):
    names = []
    for h in sorted(glob.glob(os.path.join(include, "dsnguard", "*.h"))):
        with open(h) as f:
            text = f.read()
        names += re.findall(r"DSNG_API\s[^;(]*?\b(dsng_\w+)\s*\(", text)
    return names


def main():
    include, listing = sys.argv[1:3]
    fns = c_functions(include)
    listed, bad = {}, []
    with open(listing) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            fn, _, rest = line.partition(" ")
            rest = rest.strip()
            if fn in listed:
                bad.append("%s:%d: %s listed twice" % (listing, n, fn))
            listed[fn] = rest
            if not rest:
                bad.append("%s:%d: %s: no binding and no reason"
                           % (listing, n, fn))
            elif not rest.startswith("--"):
                for name in rest.split():
                    obj = dsnguard
                    for part in name.split("."):
                        obj = getattr(obj, part, None)
                    if obj is None:
                        bad.append("%s:%d: %s: dsnguard.%s does not exist"
                                   % (listing, n, fn, name))
    for fn in fns:
        if fn not in listed:
            bad.append("%s: not in %s" % (fn, listing))
    for fn in listed:
        if fn not in fns:
            bad.append("%s: listed but not in the headers" % fn)
    if len(fns) < 100:
        bad.append("only %d functions found in the headers" % len(fns))
    for b in bad:
        print(b)
    bound = sum(1 for fn in fns if not listed.get(fn, "--").startswith("--"))
    print("%d C functions: %d bound, %d covered otherwise"
          % (len(fns), bound, len(fns) - bound))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
