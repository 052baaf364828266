#!/bin/bash
# Stage tsan: clang ThreadSanitizer build (DSNG_TSAN) of the shared library
# and tests/tsan/test_threads (label "tsan"): two policies loaded once and
# every parser and policy decision run from 8 threads at once, each with
# its own session and talloc context; any data race or any result that
# differs between threads fails the stage.
source "$(dirname "$0")/common.sh"
configure -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDSNG_TSAN=ON \
	-DDSNG_BUILD_CLI=OFF -DDSNG_BUILD_BINDINGS=OFF -DDSNG_BUILD_BENCH=OFF
# Only what the tsan tests need: the shared library and the test program.
build dsnguard test_threads
run_ctest -L tsan
