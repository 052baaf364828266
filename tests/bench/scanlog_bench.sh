#!/bin/sh
# tests/bench/scanlog_bench.sh - scan-log under attack-shaped logs (not run
# in CI, not part of `make bench`: it writes about SIZE_MB + 115 MB of
# temporary files and the flood takes minutes against an unhardened build).
#
#   sh tests/bench/scanlog_bench.sh [-n N] [-s SIZE_MB] CLI [CLI...]
#
# (a) hash flooding: N (65536) DSNs to forged senders whose old FNV-1a hash
#     collides in its low 16 bits, against N random senders in a log of the
#     same size; prints both times (wall and user+system CPU) and their
#     ratio.
# (b) memory: a SIZE_MB (1000) Postfix log of a DSN flood that never
#     finishes (no message removed, a new sender and client per message,
#     one DSN in 500 without its own delivery line); prints MB/s (wall and
#     CPU) and peak RSS (/usr/bin/time).
# Each CLI given (e.g. an old and a new build of examples/dsnguard) runs on
# the same generated files.  Needs python3 and GNU time (/usr/bin/time).
n=65536
size=1000
while getopts n:s: o; do
	case $o in
	n) n=$OPTARG ;;
	s) size=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { sed -n '2,18p' "$0"; exit 2; }
dir=$(dirname "$0")
T=$(mktemp -d "${TMPDIR:-/tmp}/dsng-scanlog-bench.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT

python3 "$dir/gen_scanlog.py" flood collide "$n" "$T/collide.log" || exit 2
python3 "$dir/gen_scanlog.py" flood random "$n" "$T/random.log" || exit 2
python3 "$dir/gen_scanlog.py" big "$size" "$T/big.log" || exit 2
bytes=$(wc -c < "$T/big.log")

# run CLI FILE: prints "wall_seconds cpu_seconds peak_kB" (CPU = user +
# system: what to compare on a shared, busy machine)
run() {
	/usr/bin/time -f '%e %U %S %M' -o "$T/time" "$1" scan-log --json "$2" > "$T/out" || {
		echo "scan-log failed on $2" >&2
		exit 1
	}
	tail -n 1 "$T/time" | awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }'
}
ratio() {
	echo "$1 $2" | awk '{ printf "%.2f", ($2 > 0 ? $1 / $2 : 0) }'
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
for cli in "$@"; do
	echo "== $cli"
	set -- $(run "$cli" "$T/collide.log")
	tc=$1 cc=$2
	set -- $(run "$cli" "$T/random.log")
	tr=$1 cr=$2
	echo "(a) $n recipients, $(wc -c < "$T/collide.log") bytes: colliding ${tc} s (${cc} s CPU), random ${tr} s (${cr} s CPU), ratio $(ratio "$tc" "$tr") ($(ratio "$cc" "$cr") CPU)"
	set -- $(run "$cli" "$T/big.log")
	summary=$(tail -n 1 "$T/out" | python3 -c 'import json, sys
d = json.loads(sys.stdin.read())
print("%d events, %d recipient rows, %d client rows, evicted %d queue ids, %s recipients, %s clients, counts_exact %s" % (
    d["events"], len(d["by_recipient"]), len(d["by_client"]), d["evicted"],
    d.get("evicted_recipients", "-"), d.get("evicted_clients", "-"),
    d.get("counts_exact", "-")))')
	echo "(b) $bytes bytes: $1 s ($2 s CPU), $(ratio "$((bytes / 1000000))" "$1") MB/s ($(ratio "$((bytes / 1000000))" "$2") MB/s CPU), peak RSS $(($3 / 1024)) MB; $summary"
done
