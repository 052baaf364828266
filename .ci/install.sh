#!/bin/bash
# Stage install: libdsnguard installed for real, as root, the two ways a
# user does it, each checked from a clean environment outside the tree
# (tests/install/check_installed.sh: the C examples with pkg-config and
# find_package, `import dsnguard` in the PATH python3 and /usr/bin/python3,
# `use DSNGuard` in the system perl, `man -w`, the CLI; each check names
# the file it loaded, which must be one the installation put):
#   1. make install (default prefix /usr/local) -> checks -> make uninstall,
#      which must leave the file lists exactly as they were;
#   2. the Debian packages (dpkg-buildpackage -b, nocheck; lintian with no
#      errors) -> dpkg -i -> the same checks -> dpkg --purge, leaving
#      nothing of them.
# Needs root (CI runs as root on a throwaway machine).  The last line is
# "install: N passed, M failed".
source "$(dirname "$0")/common.sh"

passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
notok() { failed=$((failed + 1)); echo "not ok - $*"; }
summary() { echo "install: $passed passed, $failed failed"; }
trap summary EXIT
# checks NAME FILES PYTHON...: the clean-environment checks; their counts
# join the stage's.
checks() {
	local name=$1 files=$2 log=$B/checks-$1.log
	shift 2
	sh "$ROOT/tests/install/check_installed.sh" "$files" "$ROOT/tests/install" "$@" 2>&1 |
		tee "$log" || true
	passed=$((passed + $(grep -c '^ok - ' "$log" || true)))
	failed=$((failed + $(grep -c '^not ok - ' "$log" || true)))
	grep -q "^check_installed: [0-9]* passed, 0 failed$" "$log" || notok "$name: the checks above"
}
# snapshot FILE DIR...: every path under the DIRs, sorted.
snapshot() {
	local out=$1
	shift
	{ find "$@" -xdev 2>/dev/null || true; } | sort >"$out"
}

if [ "$(id -u)" -ne 0 ]; then
	echo "install: needs root (it installs into /usr/local and dpkg -i's the packages)" >&2
	exit 1
fi
mkdir -p "$B"
VER=$(sed -n 's/^project(libdsnguard VERSION \([0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")

# --- 1. make install / make uninstall, default prefix.
configure -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDSNG_BUILD_TESTS=OFF -DDSNG_BUILD_BENCH=OFF \
	-DCMAKE_INSTALL_PREFIX=/usr/local
build
# The python3 on PATH (pyenv's here) by its real path: the clean
# environment's PATH does not have pyenv's shims.
PATH_PY=$(python3 -c 'import os, sys; print(os.path.realpath(sys.executable))')
PYS=$PATH_PY
if [ "$(readlink -f /usr/bin/python3)" != "$PATH_PY" ]; then
	PYS="$PATH_PY /usr/bin/python3"
fi
# Where install may write: the prefix and the interpreters' own
# directories outside it (install_roots.txt, from the configure step).
roots=(/usr/local)
while read -r r; do [ -n "$r" ] && roots+=("$r"); done <"$B/install_roots.txt"
# Another libdsnguard already there would be overwritten, then removed by
# make uninstall: refuse rather than destroy it.
{ find "${roots[@]}" -xdev \( -name 'libdsnguard*' -o -name 'dsnguard*' -o -name 'DSNGuard*' \) \
	-print 2>/dev/null || true; } | head -n 5 >"$B/already.txt"
if [ -s "$B/already.txt" ]; then
	notok "a libdsnguard is already installed (make uninstall it first):"
	cat "$B/already.txt"
	exit 1
fi
ok "no libdsnguard installed under ${roots[*]} before"
snapshot "$B/before.txt" "${roots[@]}"
step "cmake --install (prefix /usr/local)"
cmake --install "$B" >"$B/install.log" 2>&1 || { cat "$B/install.log"; notok "make install"; exit 1; }
ok "make install: $(wc -l <"$B/install_manifest.txt") files"
cp "$B/install_manifest.txt" "$B/installed.txt"
step "checks of the installed copy"
# shellcheck disable=SC2086
checks make-install "$B/installed.txt" $PYS
step "make uninstall"
cmake --build "$B" --target uninstall >"$B/uninstall.log" 2>&1 ||
	{ cat "$B/uninstall.log"; notok "make uninstall"; exit 1; }
snapshot "$B/after.txt" "${roots[@]}"
if diff "$B/before.txt" "$B/after.txt" >"$B/left.diff"; then
	ok "make uninstall leaves the file lists of ${roots[*]} as they were"
else
	notok "make uninstall changed the file lists:"
	cat "$B/left.diff"
fi
if /sbin/ldconfig -p | grep -q libdsnguard; then
	notok "ldconfig still lists libdsnguard after make uninstall"
else
	ok "ldconfig no longer lists libdsnguard"
fi

# --- 1b. a prefix the loader does not search: RUNPATHs instead of
# ldconfig, everything under the prefix, found with the usual variables.
O=$(mktemp -d /tmp/dsng-prefix.XXXXXX)
rmdir "$O"
configure -DCMAKE_INSTALL_PREFIX="$O"
build
step "cmake --install (prefix $O)"
cmake --install "$B" >"$B/install-prefix.log" 2>&1 ||
	{ cat "$B/install-prefix.log"; notok "make install PREFIX=$O"; exit 1; }
pymod=$(find "$O" -path '*/dsnguard/__init__.py' | head -n 1)
plmod=$(find "$O" -name DSNGuard.pm ! -path '*/Net/SMTP/*' | head -n 1)
for f in "$O/bin/dsnguard" "$(dirname "$pymod")"/_dsnguard*.so "$(dirname "$plmod")/auto/DSNGuard/DSNGuard.so"; do
	rp=$(readelf -d "$f" 2>/dev/null | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p')
	if [ -n "$rp" ]; then ok "${f#"$O"/} has RUNPATH $rp"; else notok "${f#"$O"/} has no RUNPATH"; fi
done
if out=$(env -i PATH=/usr/bin:/bin "$O/bin/dsnguard" --version) &&
	out=$out,$(env -i PATH=/usr/bin:/bin PYTHONPATH="$(dirname "$pymod")/.." /usr/bin/python3 -c \
		'import dsnguard; print(dsnguard.__file__)') &&
	out=$out,$(env -i PATH=/usr/bin:/bin PERL5LIB="$(dirname "$plmod")" perl -MDSNGuard -e \
		'print $INC{"DSNGuard.pm"}') &&
	[ "$out" = "dsnguard $VER,$pymod,$plmod" ]; then
	ok "under $O: the CLI runs, Python and Perl load with only PYTHONPATH or PERL5LIB: $out"
else
	notok "under $O: '$out'"
fi
cmake --build "$B" --target uninstall >"$B/uninstall-prefix.log" 2>&1 || true
if [ -e "$O" ]; then
	notok "make uninstall left $O: $(find "$O" | head -n 5 | tr '\n' ' ')"
	rm -rf "$O"
else
	ok "make uninstall removed $O, which install had created"
fi

# --- 2. the Debian packages.
step "debian/changelog version"
if sh "$ROOT/scripts/check-debian-version.sh" "$ROOT"; then
	ok "debian/changelog says $VER"
else
	notok "debian/changelog and CMakeLists.txt disagree"
fi
# Built from a copy: dpkg-buildpackage writes into the source tree and
# puts the packages in its parent directory.
P=$B/pkg
SRCDIR=$P/libdsnguard-$VER
rm -rf "$P"
mkdir -p "$SRCDIR"
tar -C "$ROOT" --exclude=./build --exclude=./.git --exclude='./obj-*' -cf - . | tar -C "$SRCDIR" -xf -
step "build dependencies"
export DEBIAN_FRONTEND=noninteractive
if ! (cd "$SRCDIR" && dpkg-checkbuilddeps) >/dev/null 2>&1 || ! command -v lintian >/dev/null; then
	# apt-get build-dep needs the package lists (a fresh machine may have none).
	ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1 || apt-get update -q
	apt-get build-dep -y -q "$SRCDIR" >"$P/build-dep.log" 2>&1 &&
		apt-get install -y -q --no-install-recommends lintian >>"$P/build-dep.log" 2>&1 ||
		{ apt-get update -q && apt-get build-dep -y -q "$SRCDIR" &&
			apt-get install -y -q --no-install-recommends lintian; } >>"$P/build-dep.log" 2>&1 ||
		{ cat "$P/build-dep.log"; notok "install the build dependencies"; exit 1; }
fi
ok "build dependencies installed"
step "dpkg-buildpackage -b -us -uc"
# noautodbgsym: no -dbgsym packages to strip into, write and lint (time).
if (cd "$SRCDIR" && DEB_BUILD_OPTIONS="nocheck noautodbgsym parallel=$JOBS" dpkg-buildpackage -b -us -uc) \
	>"$P/build.log" 2>&1; then
	ok "dpkg-buildpackage"
else
	tail -n 60 "$P/build.log"
	notok "dpkg-buildpackage (log: $P/build.log)"
	exit 1
fi
# The symbols file lists every exported symbol with the version that
# added it: a new dsng_* function needs its line (dpkg-gensymbols only
# warns).
if grep -q 'dpkg-gensymbols: warning' "$P/build.log"; then
	grep -A20 'dpkg-gensymbols: warning' "$P/build.log"
	notok "debian/libdsnguard0.symbols is not the library's symbols: add the new ones (+ lines above) with the version that adds them (generated: $SRCDIR/debian/libdsnguard0/DEBIAN/symbols)"
else
	ok "debian/libdsnguard0.symbols lists exactly the exported symbols"
fi
PKGS="libdsnguard0 libdsnguard-dev dsnguard python3-dsnguard libdsnguard-perl"
debs=()
for p in $PKGS; do
	f=$P/${p}_${VER}_$(dpkg --print-architecture).deb
	if [ -f "$f" ]; then debs+=("$f"); else notok "no $f"; fi
done
[ "${#debs[@]}" -eq 5 ] && ok "five packages: $PKGS"
step "lintian"
lrc=0
lintian --fail-on error --display-info "$P"/libdsnguard_"${VER}"_*.changes >"$P/lintian.log" 2>&1 ||
	lrc=$?
grep -v 'running with root privileges' "$P/lintian.log" || true
if [ "$lrc" -eq 0 ]; then
	ok "lintian: no errors ($(grep -c '^W: ' "$P/lintian.log") warnings, $(grep -c '^I: ' "$P/lintian.log") infos)"
else
	notok "lintian reports errors (exit $lrc)"
fi

step "dpkg -i"
if dpkg -i "${debs[@]}" >"$P/dpkg-i.log" 2>&1; then
	ok "dpkg -i the five packages"
else
	cat "$P/dpkg-i.log"
	notok "dpkg -i"
fi
# shellcheck disable=SC2086
dpkg -L $PKGS >"$B/packaged.txt" 2>/dev/null
# Debian's python3-dsnguard is for Debian's interpreter only (a pyenv
# python does not search /usr/lib/python3/dist-packages).
checks deb "$B/packaged.txt" /usr/bin/python3
step "dpkg --purge"
# shellcheck disable=SC2086
if dpkg --purge $PKGS >"$P/dpkg-purge.log" 2>&1; then
	ok "dpkg --purge the five packages"
else
	cat "$P/dpkg-purge.log"
	notok "dpkg --purge"
fi
left=0
while read -r f; do
	case "$f" in /. | /usr | /usr/* | /etc/*) ;; *) continue ;; esac
	if [ -f "$f" ] || [ -L "$f" ]; then
		echo "left behind: $f"
		left=$((left + 1))
	fi
done <"$B/packaged.txt"
[ "$left" -eq 0 ] && ok "dpkg --purge leaves none of the packaged files" ||
	notok "$left packaged files left after dpkg --purge"

[ "$failed" -eq 0 ]
