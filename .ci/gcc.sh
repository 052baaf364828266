#!/bin/bash
# Stage gcc: RelWithDebInfo build of everything with gcc (-Werror), then
# every test except the fuzzing runs.  Also lints the man page.
source "$(dirname "$0")/common.sh"
configure -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=RelWithDebInfo
build
run_ctest -LE fuzz
step "man page lint"
sh "$ROOT/scripts/check-man.sh" "$ROOT/doc/dsnguard.1"
