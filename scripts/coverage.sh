#!/bin/bash
# Line and branch coverage of lib/ in a --coverage build (cmake
# -DDSNG_COVERAGE=ON, gcc) after its tests ran, with gcovr:
#
#   scripts/coverage.sh BUILD_DIR
#
# Prints every lib/ file with its line and branch coverage (lowest branch
# coverage first), then one line
#
#   coverage lib/: lines 93.1% (x/y), branches 80.2% (x/y)
#
# and fails when lines or branches are below COVERAGE_MIN_LINES /
# COVERAGE_MIN_BRANCHES percent (defaults: the targets, 95 and 85).
# The reports are also kept in BUILD_DIR/coverage/ (coverage.txt,
# summary.json, and with COVERAGE_HTML=1 index.html with every line
# annotated).
#
# Exclusions: none by default.  gcovr honours GCOVR_EXCL_LINE,
# GCOVR_EXCL_START/STOP and GCOVR_EXCL_BR_LINE markers in lib/; use them
# only for code no test can reach (a defensive check behind another one),
# each with a comment that says why.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$(cd "${1:?usage: coverage.sh BUILD_DIR}" && pwd)
MIN_LINES=${COVERAGE_MIN_LINES:-95}
MIN_BRANCHES=${COVERAGE_MIN_BRANCHES:-85}
OUT=$B/coverage

command -v gcovr >/dev/null || {
	echo "coverage: gcovr is not installed (sh scripts/install-deps.sh)" >&2
	exit 2
}
if [ -z "$(find "$B" -name '*.gcda' -print -quit)" ]; then
	echo "coverage: no .gcda counters under $B: is it a DSNG_COVERAGE build whose tests ran?" >&2
	exit 2
fi

rm -rf "$OUT"
mkdir -p "$OUT"
# Only the library's own sources count, so only the library's counters
# are read (the shared and the static library share one object set under
# $B/lib): the test programs' and the tool's counters would cost most of
# the time and add nothing.  COVERAGE_HTML=1 also writes the annotated
# sources (slow on a busy machine, so not by default).
html=()
[ "${COVERAGE_HTML:-0}" = 1 ] && html=(--html-details "$OUT/index.html")
# One gcov at a time: gcovr 5.2's worker pool hangs when a worker raises.
# A test killed while it writes its counters (a timeout, a daemon stopped
# by signal) can leave a negative branch count that gcov prints and gcovr
# cannot parse: such lines are skipped, and reported in gcovr.log.
gcovr --root "$ROOT" --object-directory "$B" --filter "$ROOT/lib/" \
	--branches --sort-percentage --gcov-ignore-parse-errors \
	--txt "$OUT/coverage.txt" --json-summary "$OUT/summary.json" \
	"${html[@]}" \
	"$B/lib" >"$OUT/gcovr.log" 2>&1 || { cat "$OUT/gcovr.log"; exit 2; }

python3 - "$OUT/summary.json" "$MIN_LINES" "$MIN_BRANCHES" <<'EOF'
import json, sys

summary = json.load(open(sys.argv[1]))
min_lines, min_branches = float(sys.argv[2]), float(sys.argv[3])


def pct(covered, total):
    return 100.0 * covered / total if total else 100.0


files = summary["files"]
files.sort(key=lambda f: (pct(f["branch_covered"], f["branch_total"]),
                          f["filename"]))
print("%-26s %17s %17s" % ("file (lowest branches first)", "lines", "branches"))
for f in files:
    print("%-26s %6.1f%% %4d/%-4d %6.1f%% %4d/%-4d" % (
        f["filename"],
        pct(f["line_covered"], f["line_total"]), f["line_covered"],
        f["line_total"],
        pct(f["branch_covered"], f["branch_total"]), f["branch_covered"],
        f["branch_total"]))

lc, lt = summary["line_covered"], summary["line_total"]
bc, bt = summary["branch_covered"], summary["branch_total"]
# Compare the counts, not rounded percentages.
low = []
if lc * 100 < min_lines * lt:
    low.append("lines below %g%%" % min_lines)
if bc * 100 < min_branches * bt:
    low.append("branches below %g%%" % min_branches)
print("coverage lib/: lines %.1f%% (%d/%d), branches %.1f%% (%d/%d)%s" % (
    pct(lc, lt), lc, lt, pct(bc, bt), bc, bt,
    " FAILED: " + ", ".join(low) if low else
    " (minimum %g%% / %g%%)" % (min_lines, min_branches)))
sys.exit(1 if low else 0)
EOF
