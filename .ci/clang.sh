#!/bin/bash
# Stage clang: the same build with clang (-Werror), then every test.
source "$(dirname "$0")/common.sh"
configure -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDSNG_WERROR=ON
build
# the complexity check is timed: the gcc stage runs it
run_ctest -LE 'fuzz|complexity|memory'
