#!/bin/bash
# Reformat C sources in place with clang-format 14 and .clang-format:
#
#   scripts/format.sh            every file scripts/check-format.sh checks
#   scripts/format.sh FILE...    only those files
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

CF=""
for c in "${CLANG_FORMAT:-}" clang-format-14 clang-format; do
	if [ -n "$c" ] && command -v "$c" >/dev/null 2>&1; then
		CF=$c
		break
	fi
done
[ -n "$CF" ] || { echo "format: clang-format not found (sh scripts/install-deps.sh)" >&2; exit 2; }

if [ "$#" -gt 0 ]; then
	files=("$@")
else
	mapfile -t files < <(bash scripts/check-format.sh --list)
fi
"$CF" -i --style=file "${files[@]}"
echo "format: ran $CF on ${#files[@]} files"
