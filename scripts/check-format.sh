#!/bin/bash
# Check that every C source and header of the project is formatted as
# .clang-format says, with Debian 12's clang-format 14 (formatting differs
# between clang-format versions, so CI and developers use that one):
#
#   scripts/check-format.sh          check; fail listing the files that differ
#   scripts/check-format.sh --list   only print the files it checks
#
# The files: every *.c and *.h under lib/ include/ examples/ bindings/
# tests/ that git tracks or would track (untracked but not ignored files
# count, so a new file is checked before its first commit; build trees
# are ignored).  Generated sources are left out: SWIG writes its wrappers
# into the build tree, and EXCLUDE below also names them should one ever
# be committed; add any other generated file there.  scripts/format.sh
# rewrites the same files in place.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

DIRS="lib include examples bindings tests"
# Extended regular expressions of paths never checked (generated code).
EXCLUDE='(PYTHON|PERL5?)_wrap\.c$|(^|/)build[^/]*/'

list_files() {
	local dirs
	read -r -a dirs <<<"$DIRS"
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files --cached --others --exclude-standard -- "${dirs[@]}"
	else
		find "${dirs[@]}" -type f
	fi | grep -E '\.[ch]$' | grep -Ev "$EXCLUDE" | sort -u |
		while read -r f; do [ -f "$f" ] && echo "$f"; done
}

find_clang_format() {
	local c
	for c in "${CLANG_FORMAT:-}" clang-format-14 clang-format; do
		if [ -n "$c" ] && command -v "$c" >/dev/null 2>&1; then
			echo "$c"
			return
		fi
	done
	echo "check-format: clang-format not found (sh scripts/install-deps.sh)" >&2
	exit 2
}

if [ "${1:-}" = "--list" ]; then
	list_files
	exit 0
fi

CF=$(find_clang_format)
version=$("$CF" --version | sed -n 's/.*clang-format version \([0-9][0-9.]*\).*/\1/p')
case "$version" in
14.*) ;;
*) echo "check-format: warning: $CF is version ${version:-unknown}, CI uses 14" >&2 ;;
esac

mapfile -t files < <(list_files)
bad=()
for f in "${files[@]}"; do
	# --dry-run -Werror prints one warning per needed change and fails.
	if ! out=$("$CF" --dry-run -Werror --style=file "$f" 2>&1); then
		n=$(grep -c 'error: code should be clang-formatted' <<<"$out" || true)
		bad+=("$f")
		echo "  $f: $n place(s) to reformat"
	fi
done
if [ "${#bad[@]}" -ne 0 ]; then
	echo "format: ${#bad[@]} of ${#files[@]} files differ from .clang-format (clang-format $version)"
	echo "  see the changes: $CF --style=file FILE | diff -u FILE -"
	echo "  apply them:      scripts/format.sh [FILE...]"
	exit 1
fi
echo "format: ${#files[@]} files checked, all formatted (clang-format $version)"
