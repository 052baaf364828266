#!/bin/sh
# tests/bench/callgrind_policy.sh POLICY_COUNT_BINARY - instructions per
# dsng_policy_rcpt call (inclusive, callgrind) with 0, 100 and 10,000
# trusted networks, and the ratio of 10,000 to none (issue target: 1.5).
set -eu
bin=$1
n=20000
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
per_call() { # nets -> instructions per dsng_policy_rcpt
	valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.$1" \
		"$bin" "$1" $n >/dev/null 2>&1
	callgrind_annotate --inclusive=yes "$tmp/cg.$1" 2>/dev/null |
		awk -v n=$n '/:dsng_policy_rcpt /{gsub(",", "", $1); print int($1 / n); exit}'
}
z=$(per_call 0)
h=$(per_call 100)
t=$(per_call 10000)
echo "dsng_policy_rcpt: $z instructions (0 networks), $h (100), $t (10,000); ratio 10,000/0 = $(awk -v a="$t" -v b="$z" 'BEGIN { printf "%.2f", a / b }')"
