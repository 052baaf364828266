#!/bin/sh
# Stage a build's install under a scratch directory (DESTDIR, so nothing
# outside it is touched), check the staged tree, then build and run
# outside programs against it, once with pkg-config and once with
# find_package(dsnguard).  The real install, with no variables set, is
# the CI install stage's (.ci/install.sh); here the staged tree needs
# PKG_CONFIG_SYSROOT_DIR, LD_LIBRARY_PATH, PYTHONPATH and -I for perl.
#   check_install.sh BUILD_DIR SCRATCH_DIR SOURCE_DIR(tests/install)
set -eu
B=$1 S=$2 SRC=$3
ROOT=$(cd "$SRC/../.." && pwd)

fail() { echo "check_install: FAIL: $*" >&2; exit 1; }
ok() { echo "ok - $*"; }
cache() { sed -n "s/^$1:[A-Z]*=//p" "$B/CMakeCache.txt"; }

CC=$(cache CMAKE_C_COMPILER)
LIBDIR=$(cache CMAKE_INSTALL_LIBDIR)
INCDIR=$(cache CMAKE_INSTALL_INCLUDEDIR)
BINDIR=$(cache CMAKE_INSTALL_BINDIR)
MANDIR=$(cache CMAKE_INSTALL_MANDIR)
# GNUInstallDirs caches an empty MANDIR and DATAROOTDIR, meaning the defaults.
DATAROOTDIR=$(cache CMAKE_INSTALL_DATAROOTDIR)
: "${DATAROOTDIR:=share}" "${MANDIR:=$DATAROOTDIR/man}"
CLI=$(cache DSNG_BUILD_CLI)
# Outside programs must be built like the library when it is sanitized.
SANFLAGS=""
case "$(cache DSNG_SANITIZE)$(cache DSNG_FUZZ)" in
*ON*) SANFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer" ;;
esac
if [ "$(cache DSNG_TSAN)" = ON ]; then
	SANFLAGS="-fsanitize=thread -fno-omit-frame-pointer"
fi
# A --coverage build's static library needs libgcov in the program too.
if [ "$(cache DSNG_COVERAGE)" = ON ]; then
	SANFLAGS="$SANFLAGS --coverage"
fi
CFLAGS="-std=c11 -Wall -Wextra -Wpedantic -Werror $SANFLAGS"

PREFIX=$(cache CMAKE_INSTALL_PREFIX)
rm -rf "$S"
mkdir -p "$S"
# A staged install rewrites the build's install manifest: keep the one of
# a real `make install`, which `make uninstall` reads.
for f in install_manifest.txt install_dirs_before.txt; do
	if [ -f "$B/$f" ]; then cp -p "$B/$f" "$S/$f.saved"; fi
done
restore() {
	for f in install_manifest.txt install_dirs_before.txt; do
		rm -f "$B/$f"
		if [ -f "$S/$f.saved" ]; then mv "$S/$f.saved" "$B/$f"; fi
	done
}
trap restore EXIT
D=$S/root
P=$D$PREFIX
# What was there before: a directory holding someone else's page and an
# empty one; make uninstall must leave both.
mkdir -p "$P/share/man/man1" "$P/include"
echo '.TH OTHER 1' >"$P/share/man/man1/other.1"
find "$D" | sort >"$S/before.txt"
DESTDIR=$D cmake --install "$B" >"$S/install.log" 2>&1 ||
	{ cat "$S/install.log"; fail "cmake --install"; }
ok "DESTDIR=$D cmake --install (prefix $PREFIX)"

# The installed tree.
for h in "$ROOT"/include/dsnguard/*.h; do
	[ -f "$P/$INCDIR/dsnguard/$(basename "$h")" ] || fail "missing header $INCDIR/dsnguard/$(basename "$h")"
done
[ -z "$(find "$P/$INCDIR" -name '*_int.h' -o -name 'dsng_private.h')" ] ||
	fail "private headers installed"
ok "public headers under $INCDIR/dsnguard/, no private ones"

L=$P/$LIBDIR
VER=$(sed -n 's/^Version: //p' "$L/pkgconfig/dsnguard.pc")
[ -n "$VER" ] || fail "no Version in $LIBDIR/pkgconfig/dsnguard.pc"
[ -f "$L/libdsnguard.so.$VER" ] || fail "missing $LIBDIR/libdsnguard.so.$VER"
[ "$(readlink "$L/libdsnguard.so.0")" = "libdsnguard.so.$VER" ] ||
	fail "$LIBDIR/libdsnguard.so.0 is not a link to libdsnguard.so.$VER"
[ -L "$L/libdsnguard.so" ] || fail "missing $LIBDIR/libdsnguard.so link"
[ -f "$L/libdsnguard.a" ] || fail "missing $LIBDIR/libdsnguard.a"
soname=$(readelf -d "$L/libdsnguard.so.$VER" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "libdsnguard.so.0" ] || fail "SONAME is '$soname', want libdsnguard.so.0"
ok "libdsnguard.so.$VER (SONAME $soname), libdsnguard.so.0, libdsnguard.so, libdsnguard.a"
[ -f "$P/$MANDIR/man1/dsnguard.1" ] || fail "missing $MANDIR/man1/dsnguard.1"
ok "$MANDIR/man1/dsnguard.1"
for f in dsnguardConfig.cmake dsnguardConfigVersion.cmake dsnguardTargets.cmake; do
	[ -f "$L/cmake/dsnguard/$f" ] || fail "missing $LIBDIR/cmake/dsnguard/$f"
done
ok "$LIBDIR/pkgconfig/dsnguard.pc, $LIBDIR/cmake/dsnguard/"
if [ "$CLI" = "ON" ]; then
	[ -x "$P/$BINDIR/dsnguard" ] || fail "missing $BINDIR/dsnguard"
	out=$(LD_LIBRARY_PATH="$P/$LIBDIR" "$P/$BINDIR/dsnguard" --version) || fail "$BINDIR/dsnguard --version"
	[ "$out" = "dsnguard $VER" ] || fail "dsnguard --version says '$out'"
	ok "$BINDIR/dsnguard runs from the staged tree: $out"
fi

# The README shows readme_example.c (without its header comment) verbatim.
awk '/^```c$/ { f = 1; next } /^```$/ { if (f) exit } f' "$ROOT/README.md" >"$S/readme_block.c"
sed '1,/^ \*\//d' "$SRC/readme_example.c" | cmp -s - "$S/readme_block.c" ||
	fail "README.md's C example differs from tests/install/readme_example.c"
ok "README.md's C example is tests/install/readme_example.c"

# With pkg-config.
# Not exported: the find_package build's pkg-config must see talloc unstaged.
pc() { PKG_CONFIG_PATH="$L/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$D" pkg-config "$@"; }
pcprefix=$(sed -n 's/^prefix=//p' "$L/pkgconfig/dsnguard.pc")
[ "$pcprefix" = "$PREFIX" ] || fail "dsnguard.pc's prefix is '$pcprefix', want $PREFIX"
[ "$(pc --modversion dsnguard)" = "$VER" ] || fail "pkg-config --modversion"
mkdir -p "$S/pc"
for prog in consumer readme_example; do
	# shellcheck disable=SC2046
	"$CC" $CFLAGS "$SRC/$prog.c" -o "$S/pc/$prog" \
		$(pc --cflags --libs dsnguard) -Wl,-rpath,"$L" ||
		fail "build $prog with pkg-config"
	"$S/pc/$prog" >"$S/pc/$prog.out" || fail "run $prog (pkg-config build)"
done
grep -q "^libdsnguard $VER: " "$S/pc/consumer.out" || fail "consumer output: $(cat "$S/pc/consumer.out")"
ok "pkg-config build runs: $(cat "$S/pc/consumer.out")"
ldd "$S/pc/consumer" | grep -q "libdsnguard.so.0 => $L/" ||
	fail "pkg-config build does not use the installed libdsnguard.so.0"
ok "it loads $LIBDIR/libdsnguard.so.0 from the prefix"

# With find_package(dsnguard).
cmake -S "$SRC" -B "$S/cm" -DCMAKE_C_COMPILER="$CC" -DCMAKE_PREFIX_PATH="$P" \
	-DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	>"$S/cm.log" 2>&1 || { cat "$S/cm.log"; fail "configure with find_package"; }
cmake --build "$S/cm" >>"$S/cm.log" 2>&1 || { cat "$S/cm.log"; fail "build with find_package"; }
for prog in consumer consumer_static readme_example; do
	"$S/cm/$prog" >"$S/cm/$prog.out" || fail "run $prog (find_package build)"
	cmp -s "$S/pc/${prog%_static}.out" "$S/cm/$prog.out" ||
		fail "$prog prints something else than the pkg-config build"
done
ok "find_package build runs (shared and static), same output"

# The bindings, when built, load from the prefix too.
# One package per interpreter: dist-packages is Debian's python's.
find "$D" -path '*/dsnguard/__init__.py' >"$S/pypkgs"
while read -r pyinit; do
	pymod=$(dirname "$pyinit")
	case "$pymod" in
	*/dist-packages/*) PY=/usr/bin/python3 ;;
	*) PY=$(cache _Python3_EXECUTABLE) ;;
	esac
	out=$(LD_LIBRARY_PATH="$L" PYTHONPATH="$(dirname "$pymod")" "${PY:-python3}" -c \
		'import dsnguard; print(dsnguard.version(), dsnguard.parse_cmd("RCPT TO:<a@b.example> NOTIFY=SUCCESS")["notify"], dsnguard.xtext_encode("a+b"))') ||
		fail "import dsnguard from $pymod with $PY"
	[ "$out" = "$VER ['SUCCESS'] a+2Bb" ] || fail "installed Python binding says '$out'"
	ok "installed Python binding ($PY, ${pymod#"$D"}): $out"
done <"$S/pypkgs"
plmod=$(find "$D" -name DSNGuard.pm ! -path '*/Net/SMTP/*' | head -n 1)
if [ -n "$plmod" ]; then
	out=$(LD_LIBRARY_PATH="$L" perl -I"$(dirname "$plmod")" -MDSNGuard -e \
		'print DSNGuard::version(), " ", DSNGuard::parse_cmd(q{RCPT TO:<a@b.example> NOTIFY=SUCCESS})->{notify}[0], " ", DSNGuard::xtext_encode(q{a+b})') ||
		fail "use DSNGuard from the prefix"
	[ "$out" = "$VER SUCCESS a+2Bb" ] || fail "installed Perl binding says '$out'"
	ok "installed Perl binding: $out"
	[ -f "$(dirname "$plmod")/Net/SMTP/DSNGuard.pm" ] ||
		fail "Net/SMTP/DSNGuard.pm is not installed next to DSNGuard.pm"
	out=$(LD_LIBRARY_PATH="$L" perl -I"$(dirname "$plmod")" -MNet::SMTP::DSNGuard -e \
		'my ($m, $r) = Net::SMTP::DSNGuard::dsn_params({envid => q{a b}, orcpt => q{a+b@c}}); print "$INC{q{DSNGuard.pm}} @$m @$r"') ||
		fail "use Net::SMTP::DSNGuard from the prefix"
	[ "$out" = "$plmod ENVID=a+20b ORCPT=rfc822;a+2Bb@c" ] ||
		fail "installed Net::SMTP::DSNGuard says '$out'"
	ok "installed Net::SMTP::DSNGuard: ENVID=a+20b ORCPT=rfc822;a+2Bb@c"
fi

# make uninstall with the staged manifest: exactly the tree of before
# (the __pycache__ the imports above wrote included).
# Without DESTDIR it must refuse: those are not the paths it installed.
if cmake -DDSNG_BUILD_DIR="$B" -P "$ROOT/cmake/uninstall.cmake" >"$S/uninstall.log" 2>&1; then
	fail "uninstall without the install's DESTDIR ran"
fi
# CMake wraps long messages at its own width: join the lines first.
tr -s ' \n' '  ' <"$S/uninstall.log" | grep -q "uninstall with that DESTDIR" || { cat "$S/uninstall.log"; fail "uninstall without DESTDIR"; }
DESTDIR=$D cmake -DDSNG_BUILD_DIR="$B" -P "$ROOT/cmake/uninstall.cmake" >"$S/uninstall.log" 2>&1 ||
	{ cat "$S/uninstall.log"; fail "uninstall"; }
find "$D" | sort >"$S/after.txt"
diff "$S/before.txt" "$S/after.txt" || fail "uninstall did not give back the tree of before"
ok "uninstall refuses without the install's DESTDIR; with it, removes what install put and the directories it made, nothing else"
restore
trap - EXIT

echo "README example says:"
sed 's/^/  /' "$S/cm/readme_example.out"
echo "check_install: all good"
