# libdsnguard: a thin wrapper around CMake and the CI stages.
#
#   make demo      install missing packages, build, run the bundled demo
#   make check     install missing packages, run every CI stage (.ci/check.sh)
#   make check-format / check-gcc / check-install / check-e2e / check-clang /
#        check-asan / check-valgrind / check-tsan / check-fuzz   one stage
#        (check-install installs into /usr/local and dpkg -i's the
#        packages: root only)
#   make format    reformat every C file with clang-format (scripts/format.sh)
#   make bench     build and run the benchmarks
#   make bench-compare  install the peers from Debian (scripts/
#                  install-bench-deps.sh), run the side-by-side suite
#                  (tests/bench/run.py; BENCH_ARGS=--quick for a short
#                  run) and write doc/bench.png
#   make fuzz      fuzz every target longer: make fuzz FUZZ_SECONDS=600 [FUZZ_TARGET=cmd]
#   make install   PREFIX=/usr/local (DESTDIR is honoured); as root into a
#                  system prefix it runs ldconfig
#   make uninstall remove what the last make install put (and the
#                  directories it created)
#   make example-logs  write examples/data/{postfix,sendmail}-dsn.log again
#                  from a private Postfix and sendmail (root; tests/e2e/)
#
# Builds go to build/default (demo, bench, install), build/ci-<stage>
# (check) and build/fuzz (fuzz).

BUILD ?= build/default
BUILD_TYPE ?= RelWithDebInfo
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)
PREFIX ?= /usr/local
FUZZ_SECONDS ?= 300
FUZZ_TARGET ?=
CLI = $(BUILD)/examples/dsnguard
MAKEFLAGS += --no-print-directory

# The demo: one quoted `dsnguard` argument list per run, all run in order
# on the files bundled in examples/data/.  Add a line per new command.
DEMO  = "parse-cmd --transcript examples/data/session.txt"
DEMO += "audit examples/data/session.txt"
DEMO += "export-config --mta postfix examples/dsnguard.conf"
DEMO += "parse-report examples/data/return-receipt.eml"
DEMO += "scan-log examples/data/postfix-dsn.log examples/data/sendmail-dsn.log examples/data/exim-dsn.log"
DEMO += "batv sign --key text:demo-secret --now 2026-11-29 sender@example.org"
DEMO += "batv verify --key text:demo-secret --now 2026-12-01 prvs=0793f20e63=sender@example.org"

.PHONY: all deps configure build demo check bench bench-compare fuzz install \
        uninstall clean format example-logs \
        check-format check-gcc check-install check-e2e check-clang check-asan \
        check-valgrind check-tsan check-fuzz

all: build

deps:
	@sh scripts/install-deps.sh

configure: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD) -j$(JOBS)

demo: build
	@rc=0; for args in $(DEMO); do \
		echo; echo "\$$ dsnguard $$args"; \
		$(CLI) $$args || { echo "(dsnguard exited with $$?)"; rc=1; }; \
	done; \
	echo; echo "# dsnguard probe against two private responders on 127.0.0.1"; \
	sh examples/demo-probe.sh $(CLI) $(BUILD)/bindings/python || rc=1; \
	exit $$rc

check: deps
	bash .ci/check.sh

check-format check-gcc check-install check-e2e check-clang check-asan check-valgrind \
check-tsan check-fuzz: deps
	STAGES=$(@:check-%=%) bash .ci/check.sh

example-logs:
	sh tests/e2e/make-example-logs.sh . examples/data

format: deps
	bash scripts/format.sh

bench: configure
	cmake --build $(BUILD) -j$(JOBS) --target bench

bench-compare: build
	sh scripts/install-bench-deps.sh
	/usr/bin/python3 tests/bench/run.py --build $(BUILD) $(BENCH_ARGS)

fuzz: deps
	cmake -S . -B build/fuzz -DCMAKE_C_COMPILER=clang -DDSNG_FUZZ=ON \
		-DDSNG_FUZZ_SECONDS=$(FUZZ_SECONDS) -DDSNG_BUILD_CLI=OFF \
		-DDSNG_BUILD_BINDINGS=OFF -DDSNG_BUILD_BENCH=OFF
	cmake --build build/fuzz -j$(JOBS)
	ctest --test-dir build/fuzz --output-on-failure -j$(JOBS) -L fuzz \
		$(if $(FUZZ_TARGET),-R '^fuzz_$(FUZZ_TARGET)_run$$')

# The prefix is configured, not given to cmake --install: the .pc file, the
# RUNPATH decision and the Python and Perl directories depend on it.
install: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
		-DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j$(JOBS)
	cmake --install $(BUILD)

uninstall:
	cmake --build $(BUILD) --target uninstall

clean:
	rm -rf build/default build/fuzz build/ci-format build/ci-gcc build/ci-clang \
		build/ci-asan build/ci-valgrind build/ci-tsan build/ci-fuzz build/ci-install build/ci-logs \
		build/ci-*.configure.log
