#!/bin/bash
# Stage gcc: RelWithDebInfo build of everything with gcc (-Werror) and
# --coverage (DSNG_COVERAGE), then every test except the fuzzing runs and
# the end-to-end tests (label e2e: stage e2e runs them on this build), the
# timed complexity check (label complexity) included: this stage alone
# runs it; the man page lint, and the line and branch coverage of lib/
# (gcovr), which must reach COVERAGE_MIN_LINES / COVERAGE_MIN_BRANCHES
# percent (defaults in scripts/coverage.sh).
source "$(dirname "$0")/common.sh"
configure -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDSNG_COVERAGE=ON
build
# Counters of an earlier run in this build directory would add up.
find "$B" -name '*.gcda' -delete
run_ctest -LE 'fuzz|e2e'
step "man page lint"
sh "$ROOT/scripts/check-man.sh" "$ROOT/doc/dsnguard.1"
sh "$ROOT/scripts/check-man.sh" "$ROOT/doc/libdsnguard.3"
sh "$ROOT/scripts/check-man.sh" "$ROOT/doc/dsnguard-milter.8"
step "coverage of lib/"
bash "$ROOT/scripts/coverage.sh" "$B"
