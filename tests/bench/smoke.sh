#!/bin/sh
# tests/bench/smoke.sh BUILD_DIR OUT_DIR - the bench suite's smoke test
# (ctest bench_smoke, label bench): tests/bench/run.py --quick --check
# under Debian's /usr/bin/python3, with the chart and rows in OUT_DIR.
# The peers are installed first when they are missing and we are root
# (CI: a fresh machine); a peer still missing is named and its rows are
# not checked.  The shared corpus is used when it is beside the clone,
# else the small copy in tests/data/reports.  Exit 77 (skipped) only
# without /usr/bin/python3.
B=$1
OUT=$2
SRC=$(cd "$(dirname "$0")/../.." && pwd)
[ -x /usr/bin/python3 ] || { echo "bench_smoke: SKIP: no /usr/bin/python3"; exit 77; }
mkdir -p "$OUT" || exit 2
if [ "$(id -u)" -eq 0 ] && command -v apt-get > /dev/null; then
	sh "$SRC/scripts/install-bench-deps.sh" > "$OUT/install.log" 2>&1 ||
		echo "bench_smoke: could not install every peer (see $OUT/install.log)"
fi
corpus=${DSNG_CORPUS_DIR:-$SRC/../shared/corpus}
if [ ! -d "$corpus/dsn" ]; then
	echo "bench_smoke: no shared corpus at $corpus: using tests/data/reports"
	corpus=$SRC/tests/data/reports
fi
exec /usr/bin/python3 "$SRC/tests/bench/run.py" --quick --check \
	--build "$B" --corpus "$corpus" --chart "$OUT/bench-quick.png" \
	--rows "$OUT/rows.jsonl" --markdown "$OUT/table.md" --timeout 120
