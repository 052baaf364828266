#!/bin/bash
# Stage e2e: the end-to-end tests (ctest label e2e, tests/e2e/) against
# real Postfix, sendmail and Exim, unpacked from Debian's packages and run
# privately on 127.0.0.1, with the gcc build: the gcc stage's build
# directory when it is there (built again only if the sources changed),
# else the same configuration in it.  The other stages leave the label
# out.  Root is needed; without it every test says why it skips.
source "$(dirname "$0")/common.sh"
B=$ROOT/build/ci-gcc
if [ ! -f "$B/CMakeCache.txt" ]; then
	configure -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDSNG_COVERAGE=ON
fi
build
run_ctest -L e2e
