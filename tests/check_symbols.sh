#!/bin/sh
# Fails when the shared library exports anything but the public dsng_* API
# (internal helpers are dsng__* and must stay hidden).
lib="$1"
bad=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBR]$/ {print $3}' |
      grep -v '^dsng_' ; nm -D --defined-only "$lib" | awk '{print $3}' | grep '^dsng__')
if [ -n "$bad" ]; then
	echo "unexpected exported symbols:"; echo "$bad"; exit 1
fi
n=$(nm -D --defined-only "$lib" | awk '$2 == "T"' | grep -c ' dsng_')
echo "$n public functions exported, nothing else"
[ "$n" -gt 0 ]
