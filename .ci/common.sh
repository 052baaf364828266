# Sourced by every .ci/<stage>.sh: paths, parallelism and small helpers.
# A stage builds in its own directory build/ci-<stage> and runs ctest there.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JOBS=${JOBS:-$(nproc)}
STAGE=$(basename "$0" .sh)
B=$ROOT/build/ci-$STAGE

export CTEST_OUTPUT_ON_FAILURE=1
# Sanitizer reports must fail the test that triggered them, with a stack.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:abort_on_error=0:detect_stack_use_after_return=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# ThreadSanitizer: the first race ends the test with its report (exit 66).
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}

# step NAME: a visible marker in the log, with the seconds since the stage began.
step() { echo "--- [$STAGE +$SECONDS s] $*"; }

# configure ARGS...: (re)configure this stage's build directory.
configure() {
	step "cmake $*"
	cmake -S "$ROOT" -B "$B" -DDSNG_BUILD_BINDINGS=ON "$@" >"$B.configure.log" 2>&1 || {
		cat "$B.configure.log"; return 1; }
	tail -n 3 "$B.configure.log"
}

# build [TARGET...]: build everything (or the targets named) with all cores.
build() {
	local targets=()
	for t in "$@"; do targets+=(--target "$t"); done
	step "build ${*:-all}"
	cmake --build "$B" -j"$JOBS" "${targets[@]}"
}

# run_ctest ARGS...: ctest with the stage's arguments; its summary line
# ("100% tests passed, 0 tests failed out of N") ends up in the log.
run_ctest() {
	step "ctest $*"
	ctest --test-dir "$B" -j"$JOBS" --output-on-failure --no-tests=error "$@"
}

mkdir -p "$ROOT/build"
