#!/bin/sh
# tests/bench/callgrind_python_policy.sh BINDING_DIR - issue 11's "Python
# RCPT decision, in parse_cmd calls" as instructions (callgrind), which a
# shared machine does not blur: Policy.rcpt and parse_cmd over the same
# RCPT lines of gen_smtp_stream (bench_bindings_python.policy's setup),
# each run with N and 3N calls so start-up cost cancels out.
#   tests/bench/callgrind_python_policy.sh build/default/bindings/python-debian
set -eu
dir=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
n=${N:-10000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/drive.py" <<'PY'
import sys
import dsnguard
from bench_bindings_python import lib_parser
from gen_smtp_stream import generate
mode, n = sys.argv[1], int(sys.argv[2])
lines = [l for l in generate(20000) if l[:4].upper() == "RCPT"][:1000]
p = dsnguard.Policy.preset("recommended")
s = dsnguard.Session("192.0.2.1", port=25)
p.ehlo(s)
rcpt = p.rcpt


def decide(line):  # as bench_bindings_python.policy calls it
    return rcpt(s, line)


fn = decide if mode == "rcpt" else lib_parser()
for _ in range(n // len(lines)):
    for line in lines:
        fn(line)
PY
total() { # mode calls -> total Ir of the run
	PYTHONHASHSEED=0 PYTHONPATH="$dir:$here" valgrind --tool=callgrind --dump-instr=no \
		--callgrind-out-file="$tmp/cg.$1.$2" \
		/usr/bin/python3 "$tmp/drive.py" "$1" "$2" >/dev/null 2>&1
	sed -n 's/^summary: *//p' "$tmp/cg.$1.$2"
}
per_call() { # mode -> instructions per call
	a=$(total "$1" "$n")
	b=$(total "$1" $((3 * n)))
	echo $(((b - a) / (2 * n)))
}
r=$(per_call rcpt)
c=$(per_call parse)
echo "Policy.rcpt: $r instructions per decision, parse_cmd: $c per call; ratio $(awk -v a="$r" -v b="$c" 'BEGIN { printf "%.2f", a / b }') (callgrind, $n and $((3 * n)) calls)"
