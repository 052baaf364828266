#!/bin/bash
# Stage valgrind: memcheck over every cmocka test binary (label "unit").
# CMake prefixes each test whose command is a built executable with
# CROSSCOMPILING_EMULATOR, so ctest runs them under valgrind and any error
# or definite leak makes the test fail (exit 99).
source "$(dirname "$0")/common.sh"
# Suppressions: .ci/*.supp and any tests/*.supp a part adds for a system
# library's false positive.
VG="valgrind;--error-exitcode=99;--leak-check=full;--errors-for-leak-kinds=definite;--show-leak-kinds=definite;--track-fds=no;--quiet"
for supp in "$ROOT"/.ci/*.supp "$ROOT"/tests/*.supp; do
	[ -f "$supp" ] && VG="$VG;--suppressions=$supp"
done
configure -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=Debug \
	-DDSNG_BUILD_CLI=OFF -DDSNG_BUILD_BENCH=OFF -DDSNG_BUILD_BINDINGS=OFF \
	"-DCMAKE_CROSSCOMPILING_EMULATOR=$VG"
build
# test_cmd_fast's million mutated lines: every 16th octet under memcheck
# (the other stages run them all).
export DSNG_TEST_MUTATION_STRIDE=16
run_ctest -L unit -LE 'complexity|baseline'
