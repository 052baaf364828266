#!/bin/bash
# `make check`: run the CI stages one after another, each under its own
# time budget (seconds), keep a log per stage in build/ci-logs/, print
# each stage's test summary and time, and fail if any stage failed.  The
# budgets add up to at most 40 minutes for this 2-core box; a stage over
# its budget is reported loudly but only stopped (and failed) at 7/4 of
# it, so a machine busier than the budgets were measured on still gives
# a verdict, and the whole run stays bounded (70 minutes, under the 90
# the project's CI allows).
#
#   STAGES="gcc asan" make check     run only some stages
#   COVERAGE_MIN_LINES=90 COVERAGE_MIN_BRANCHES=80 make check
#                                     other coverage minimums (gcc stage)
#   JOBS=4 make check                parallel build and ctest jobs
#   BUDGET_fuzz=900 make check       another budget for one stage
set -u
cd "$(dirname "$0")/.."

# Seconds per stage, each with room for a machine loaded by other builds
# (measured with seven other builds running, load 8-12: format 30 s,
# gcc 350, install 266-391, e2e tests 162-203 on gcc's build, clang 121+,
# asan 218, valgrind 200+, tsan 60, fuzz 162); they add up to the 2400 s
# (40 min) allowed.  On a quiet machine (2026-12-02): e2e 68-93 s, asan
# 183-220, valgrind 166: e2e gave 70 s of its room to the other two.
declare -A BUDGET=([format]=40 [gcc]=460 [install]=420 [e2e]=290 [clang]=250 [asan]=320 [valgrind]=270 [tsan]=80 [fuzz]=270)
STAGES=${STAGES:-format gcc install e2e clang asan valgrind tsan fuzz}
LOGS=build/ci-logs
mkdir -p "$LOGS"

total_budget=0
for s in "${!BUDGET[@]}"; do total_budget=$((total_budget + BUDGET[$s])); done
if [ "$total_budget" -gt 2400 ]; then
	echo "check: the stage budgets add up to ${total_budget}s, over the 2400 s (40 min) allowed" >&2
	exit 2
fi

failed=0
over=0
report=()
total_start=$SECONDS
for s in $STAGES; do
	if [ ! -f ".ci/$s.sh" ] || [ -z "${BUDGET[$s]:-}" ]; then
		echo "check: unknown stage '$s'" >&2
		exit 2
	fi
	override=BUDGET_$s
	budget=${!override:-${BUDGET[$s]}}
	hard=$((budget * 7 / 4))
	echo "=================== stage $s (budget ${budget}s, stopped at ${hard}s) ==================="
	start=$SECONDS
	# timeout signals the stage's whole process group: builds, ctest and
	# the tests it started all stop when the hard limit is reached.
	timeout -k 20 "$hard" bash ".ci/$s.sh" 2>&1 | tee "$LOGS/$s.log"
	rc=${PIPESTATUS[0]}
	took=$((SECONDS - start))
	summary=$(grep -E 'tests passed|No tests were found|^no fuzz targets|^coverage lib/|^format: |^install: [0-9]' "$LOGS/$s.log" |
	          tr '\n' ';' | sed 's/;$//; s/;/; /g')
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		result="FAILED: stopped at ${hard}s, 7/4 of its budget"
		failed=1
	elif [ "$rc" -ne 0 ]; then
		result="FAILED (exit $rc)"
		failed=1
	elif [ "$took" -gt "$budget" ]; then
		result="ok, OVER BUDGET by $((took - budget))s"
		over=1
	else
		result="ok"
	fi
	echo ">>> stage $s: $result, ${took}s of ${budget}s; ${summary:-no test summary}"
	report+=("$(printf '%-9s %-42s %5ss /%4ss  %s' "$s" "$result" "$took" "$budget" "${summary:-no test summary}")")
done

echo
echo "=================== summary ==================="
for line in "${report[@]}"; do echo "$line"; done
# The coverage figure of the gcc stage, on a line of its own.
for s in $STAGES; do
	grep -h '^coverage lib/' "$LOGS/$s.log" 2>/dev/null || true
done
echo "total: $((SECONDS - total_start))s; logs in $LOGS/"
if [ "$over" -ne 0 ]; then
	echo "make check: WARNING: a stage ran over its budget (a busy machine, or a stage that grew)"
fi
if [ "$failed" -ne 0 ]; then
	echo "make check: FAILED"
	exit 1
fi
echo "make check: all stages passed"
