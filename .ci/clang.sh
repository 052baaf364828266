#!/bin/bash
# Stage clang: the same build with clang (-Werror), then every test.
source "$(dirname "$0")/common.sh"
configure -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDSNG_WERROR=ON
build
# the complexity check is timed, the bench suite's smoke test only checks
# the runner, and the memory checks take a minute: the gcc stage runs
# them; e2e has a stage of its own
run_ctest -LE 'fuzz|complexity|bench|e2e|memory'
