#!/bin/sh
# tests/bench/callgrind_cmd.sh BENCH_CMD_BINARY - instructions per command
# line under `valgrind --tool=callgrind`: two runs of bench_cmd --count
# that differ by DELTA lines, so start-up cost cancels out.  "one" is the
# issue 11 target line alone (RCPT with NOTIFY=SUCCESS,DELAY and ORCPT).
set -eu
bin=${1:-./bench_cmd}
base=2000
delta=20000
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
total() { # count mode -> total Ir of the run
	valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.$1.$2" \
		"$bin" --count "$1" "$2" >/dev/null 2>&1
	sed -n 's/^summary: *//p' "$tmp/cg.$1.$2"
}
for mode in rcpt mix format one; do
	a=$(total $base $mode)
	b=$(total $((base + delta)) $mode)
	echo "$mode: $(( (b - a) / delta )) instructions per line (callgrind, $delta lines)"
done
