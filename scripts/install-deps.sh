#!/bin/sh
# Install the Debian 12 packages libdsnguard needs to build, test, fuzz and
# document itself.  Only what is missing is installed, and `apt-get update`
# runs only when something is missing, so this is cheap to call every time.
set -eu

PACKAGES="build-essential make cmake pkg-config git clang llvm
libclang-rt-14-dev libtalloc-dev libcmocka-dev libjansson-dev nettle-dev
libgnutls28-dev libmilter-dev
swig python3 python3-dev perl libperl-dev valgrind groff-base man-db
binutils coreutils gcovr clang-format zlib1g-dev gzip time openssl
python3-aiosmtpd libio-socket-ssl-perl perl-doc
sasl2-bin libsasl2-modules m4 libwrap0"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
	     grep -q '^install ok installed$'; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "install-deps: all build dependencies are installed"
	exit 0
fi

echo "install-deps: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "install-deps: not root and no sudo; install as root:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
# shellcheck disable=SC2086
$SUDO apt-get install -y $missing
