#!/bin/bash
# Stage fuzz: libFuzzer targets built with clang + ASan + UBSan; replay the
# committed corpora (label "replay"), then fuzz each target for
# DSNG_FUZZ_SECONDS (label "fuzz", 10 s in CI; new inputs go to the build
# directory, never into the committed corpus).
source "$(dirname "$0")/common.sh"
configure -DCMAKE_C_COMPILER=clang -DDSNG_FUZZ=ON -DDSNG_FUZZ_SECONDS=10 \
	-DDSNG_BUILD_CLI=OFF -DDSNG_BUILD_BINDINGS=OFF -DDSNG_BUILD_BENCH=OFF
build
if [ -z "$(ls "$ROOT"/tests/fuzz/fuzz_*.c 2>/dev/null)" ]; then
	echo "no fuzz targets in tests/fuzz/ yet: nothing to replay or fuzz"
	exit 0
fi
run_ctest -L replay
run_ctest -L fuzz
