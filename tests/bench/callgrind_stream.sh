#!/bin/sh
# tests/bench/callgrind_stream.sh CMD_STREAM_BINARY STREAM_FILE -
# instructions per line of dsng_cmd_parse over a stream file (made by
# gen_smtp_stream.py) under `valgrind --tool=callgrind`: runs of 1 and 3
# passes, so reading the file and start-up cancel out.
set -eu
bin=$1
file=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
total() { # reps -> total Ir of the run
	valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.$1" \
		"$bin" "$file" "$1" >"$tmp/out.$1" 2>/dev/null
	sed -n 's/^summary: *//p' "$tmp/cg.$1"
}
a=$(total 1)
b=$(total 3)
lines=$(sed 's/ lines.*//' "$tmp/out.1")
echo "$(cat "$tmp/out.1"): $(( (b - a) / (2 * lines) )) instructions per line (callgrind)"
