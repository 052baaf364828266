#!/bin/bash
# Stage asan: AddressSanitizer + UndefinedBehaviorSanitizer build (talloc
# pools compiled out by DSNG_SANITIZE), then the whole test suite under it
# but the fuzz runs and the big-input test (label big: an RSS limit means
# nothing under ASan, and it would take minutes).
source "$(dirname "$0")/common.sh"
configure -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=Debug -DDSNG_SANITIZE=ON
build
# (not built under DSNG_SANITIZE: the timed complexity check is gcc's)
run_ctest -LE 'fuzz|complexity|big|e2e'
