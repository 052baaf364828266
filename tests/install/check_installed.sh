#!/bin/sh
# Check a real installation of libdsnguard (make install, or the .deb
# packages) the way a user meets it: from a clean environment
# (env -i PATH=/usr/local/bin:/usr/bin:/bin, nothing else), outside the
# source tree, with no LD_LIBRARY_PATH, PYTHONPATH, PERL5LIB or
# PKG_CONFIG_PATH.  Every check also asks which copy was loaded: the file
# must be one the installation put (FILES: the install manifest, or
# `dpkg -L` of the packages).  Run by the CI install stage (.ci/install.sh).
#
#   check_installed.sh FILES SRC_DIR(tests/install) PYTHON...
#
# PYTHON: the interpreters that must import dsnguard (absolute paths).
# Prints "ok - ..." / "not ok - ..." per check and a last line
# "check_installed: N passed, M failed"; exits 1 when any failed.
set -u
if [ -z "${DSNG_CLEAN_ENV:-}" ]; then
	# Start again with nothing but PATH (and this marker).
	exec env -i PATH=/usr/local/bin:/usr/bin:/bin DSNG_CLEAN_ENV=1 sh "$0" "$@"
fi
unset DSNG_CLEAN_ENV
FILES=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=$(cd "$2" && pwd)
shift 2

passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
notok() { failed=$((failed + 1)); echo "not ok - $*"; }
# installed PATH: true when PATH (a file the check found) is one the
# installation listed, directly or as the target of a listed link.
installed() {
	grep -qxF "$1" "$FILES" && return 0
	real=$(readlink -f "$1")
	while read -r f; do
		[ "$(readlink -f "$f")" = "$real" ] && return 0
	done <"$FILES"
	return 1
}

W=$(mktemp -d /tmp/dsng-installed.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 2
# One path a line, the last one too (CMake's manifest has no final newline).
awk 1 "$FILES" >"$W/files"
FILES=$W/files
env | grep -v -e '^PATH=' -e '^PWD=' -e '^SHLVL=' -e '^_=' -e '^OLDPWD=' >"$W/env"
if [ -s "$W/env" ]; then
	notok "clean environment: $(tr '\n' ' ' <"$W/env")"
else
	ok "clean environment: only PATH=$PATH"
fi

# The loader finds the library by itself (RUNPATH-free, ldconfig'd).
lib=$(/sbin/ldconfig -p | sed -n 's/^[[:space:]]*libdsnguard\.so\.0 (.*) => //p' | head -n 1)
if [ -n "$lib" ] && installed "$lib"; then
	ok "ldconfig knows libdsnguard.so.0: $lib"
else
	notok "ldconfig -p has no installed libdsnguard.so.0 (has '$lib')"
fi

# The CLI on PATH, without a RUNPATH, loading the installed library.
cli=$(command -v dsnguard)
if [ -n "$cli" ] && installed "$cli"; then
	ok "dsnguard on PATH: $cli"
	ver=$("$cli" --version 2>&1)
	case "$ver" in
	"dsnguard "[0-9]*) ok "dsnguard --version: $ver" ;;
	*) notok "dsnguard --version says '$ver'" ;;
	esac
	out=$(printf 'RCPT TO:<a@b.example> NOTIFY=SUCCESS\n' | "$cli" parse-cmd --json)
	case "$out" in
	*'"notify": ["SUCCESS"]'* | *'"notify":["SUCCESS"]'*) ok "dsnguard parse-cmd works" ;;
	*) notok "dsnguard parse-cmd says '$out'" ;;
	esac
else
	notok "no installed dsnguard on PATH (found '$cli')"
fi

# Every installed program and binding module (the CLI, the milter, the
# Python and Perl modules): no RUNPATH (the library is in a directory the
# loader searches) and it loads the installed libdsnguard.so.0.
grep -e '/bin/[^/]*$' -e '/sbin/[^/]*$' -e '\.so$' "$FILES" | grep -v '/libdsnguard\.so$' >"$W/elves" || true
while read -r f; do
	if readelf -d "$f" | grep -q -e RUNPATH -e RPATH; then
		notok "$f has a RUNPATH: $(readelf -d "$f" | grep -e RUNPATH -e RPATH)"
	else
		ok "$f has no RUNPATH"
	fi
	used=$(ldd "$f" | sed -n 's/^[[:space:]]*libdsnguard\.so\.0 => \([^ ]*\).*/\1/p')
	if [ -n "$used" ] && installed "$used"; then
		ok "$f loads $used"
	else
		notok "$f loads '$used', not the installed library"
	fi
done <"$W/elves"

# The milter, when installed, runs (sbin is not on the clean PATH).
milter=$(grep '/sbin/dsnguard-milter$' "$FILES" | head -n 1)
if [ -n "$milter" ]; then
	case "$("$milter" --version 2>&1)" in
	"dsnguard-milter (libdsnguard "[0-9]*) ok "$milter --version: $("$milter" --version)" ;;
	*) notok "$milter --version says '$("$milter" --version 2>&1)'" ;;
	esac
fi

# Every installed man page (dsnguard(1), libdsnguard(3), DSNGuard(3pm),
# and what else comes), where man finds it by section and name.
pages=0
sed -n 's|.*/man[1-9]/\([^/]*\)$|\1|p' "$FILES" | sed 's/\.gz$//' >"$W/pages"
while read -r p; do
	name=${p%.*} section=${p##*.}
	m=$(man -w "$section" "$name" 2>/dev/null)
	if [ -n "$m" ] && installed "$m"; then
		ok "man -w $section $name: $m"
	else
		notok "man -w $section $name finds '$m', not an installed page"
	fi
	pages=$((pages + 1))
done <"$W/pages"
[ "$pages" -ge 3 ] && ok "$pages man pages" || notok "only $pages man pages installed"

# C programs, outside the tree: pkg-config and find_package, no flags
# but what those give.
cp "$SRC/consumer.c" "$SRC/readme_example.c" "$SRC/CMakeLists.txt" "$W/"
pc=$(pkg-config --path dsnguard 2>/dev/null)
if [ -n "$pc" ] && installed "$pc"; then
	ok "pkg-config finds $pc"
else
	notok "pkg-config finds '$pc', not the installed dsnguard.pc"
fi
flags=$(pkg-config --cflags --libs dsnguard 2>&1)
case "$flags" in
*..* | *pcfiledir*) notok "pkg-config flags are not clean: $flags" ;;
*) ok "pkg-config --cflags --libs: $flags" ;;
esac
for prog in consumer readme_example; do
	# shellcheck disable=SC2086
	if cc -std=c11 -Wall -Werror "$prog.c" -o "pc-$prog" $flags 2>"$prog.err" &&
		./"pc-$prog" >"pc-$prog.out" 2>&1; then
		ok "pkg-config build of $prog runs: $(head -n 1 "pc-$prog.out")"
	else
		notok "pkg-config build of $prog: $(cat "$prog.err" "pc-$prog.out" 2>/dev/null)"
	fi
done
used=$(ldd ./pc-consumer 2>/dev/null | sed -n 's/^[[:space:]]*libdsnguard\.so\.0 => \([^ ]*\).*/\1/p')
if [ -n "$used" ] && installed "$used"; then
	ok "the pkg-config build loads $used"
else
	notok "the pkg-config build loads '$used'"
fi
if cmake -S "$W" -B "$W/cm" -DCMAKE_BUILD_TYPE=RelWithDebInfo >cm.log 2>&1 &&
	cmake --build "$W/cm" >>cm.log 2>&1; then
	cfg=$(sed -n 's/^dsnguard_DIR:PATH=//p' "$W/cm/CMakeCache.txt")
	if installed "$cfg/dsnguardConfig.cmake"; then
		ok "find_package(dsnguard) finds $cfg"
	else
		notok "find_package(dsnguard) finds '$cfg', not the installed one"
	fi
	for prog in consumer consumer_static readme_example; do
		if "$W/cm/$prog" >"cm-$prog.out" 2>&1 &&
			cmp -s "cm-$prog.out" "pc-${prog%_static}.out"; then
			ok "find_package build of $prog runs, as the pkg-config one"
		else
			notok "find_package build of $prog: $(cat "cm-$prog.out")"
		fi
	done
else
	notok "find_package build: $(tail -n 20 cm.log)"
fi

# Python: each interpreter imports the installed package.
for py in "$@"; do
	out=$("$py" -c 'import dsnguard
print(dsnguard.__file__)
print(dsnguard._core.__file__ if hasattr(dsnguard, "_core") else "")
print(dsnguard.parse_cmd("RCPT TO:<a@b.example> NOTIFY=SUCCESS")["notify"])' 2>&1)
	file=$(echo "$out" | sed -n 1p)
	core=$(echo "$out" | sed -n 2p)
	if installed "$file" && { [ -z "$core" ] || installed "$core"; }; then
		ok "$py imports dsnguard from $file${core:+ (core $core)}"
		case "$(echo "$out" | sed -n 3p)" in
		"['SUCCESS']") ok "$py: dsnguard.parse_cmd works" ;;
		*) notok "$py: dsnguard.parse_cmd says '$out'" ;;
		esac
	else
		notok "$py: import dsnguard: $out"
	fi
done

# Perl: the system perl loads the installed module.
out=$(perl -MDSNGuard -e 'print $INC{"DSNGuard.pm"}, "\n", DSNGuard::parse_cmd(q{RCPT TO:<a@b.example> NOTIFY=SUCCESS})->{notify}[0], "\n"' 2>&1)
file=$(echo "$out" | sed -n 1p)
if installed "$file"; then
	ok "perl loads DSNGuard from $file"
	[ "$(echo "$out" | sed -n 2p)" = SUCCESS ] && ok "perl: DSNGuard::parse_cmd works" ||
		notok "perl: DSNGuard::parse_cmd says '$out'"
else
	notok "perl -MDSNGuard: $out"
fi

# Every other installed Perl module (Net::SMTP::DSNGuard ...) loads too.
sed -n 's|.*/perl[^/]*/[0-9.]*/\(.*\)\.pm$|\1|p' "$FILES" | grep -vx DSNGuard >"$W/pms" || true
while read -r rel; do
	mod=$(echo "$rel" | sed 's|/|::|g')
	out=$(perl -M"$mod" -e "print \$INC{'$rel.pm'}" 2>&1)
	if installed "$out"; then
		ok "perl loads $mod from $out"
	else
		notok "perl -M$mod: $out"
	fi
done <"$W/pms"

echo "check_installed: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
