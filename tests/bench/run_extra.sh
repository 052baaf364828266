#!/bin/sh
# Run after the C benchmarks by the `bench` target:
#   sh run_extra.sh <bench-build-dir> <corpus-dir>
# Python's email package on the same corpus, for comparison with
# bench_report (the system interpreter, so the figure is reproducible).
dir=$(dirname "$0")
corpus=${2:-/work/shared/corpus}
if [ -x /usr/bin/python3 ]; then
	/usr/bin/python3 "$dir/python_email_bench.py" "$corpus"
else
	echo "run_extra: /usr/bin/python3 not found, Python comparison skipped"
fi
