#!/bin/sh
# Install the Debian 12 packages the side-by-side benchmark suite
# (tests/bench/run.py, `make bench-compare`) compares libdsnguard with,
# and gnuplot for its chart.  Like install-deps.sh: only what is missing,
# and `apt-get update` only when something is.
set -eu

PACKAGES="python3 python3-aiosmtpd python3-flufl.bounce libsisimai-perl
libmail-deliverystatus-bounceparser-perl pflogsumm gnuplot-nox valgrind
grep time"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
	     grep -q '^install ok installed$'; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "install-bench-deps: all benchmark peers are installed"
	exit 0
fi

echo "install-bench-deps: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "install-bench-deps: not root and no sudo; install as root:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
$SUDO apt-get install -y --no-install-recommends $missing ||
	{ $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends $missing; }
