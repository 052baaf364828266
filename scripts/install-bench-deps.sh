#!/bin/sh
# Install the Debian 12 packages the side-by-side benchmark suite
# (tests/bench/run.py, `make bench-compare`) compares libdsnguard with,
# and gnuplot for its chart.  Like install-deps.sh: only what is missing,
# and `apt-get update` only when something is.
set -eu

PACKAGES="python3 python3-aiosmtpd python3-flufl.bounce libsisimai-perl
libmail-deliverystatus-bounceparser-perl pflogsumm gnuplot-nox valgrind
grep time"

# shellcheck source=scripts/apt-missing.sh
. "$(dirname "$0")/apt-missing.sh"
# shellcheck disable=SC2086
apt_missing $PACKAGES

if [ -z "$missing" ]; then
	echo "install-bench-deps: all benchmark peers are installed"
	exit 0
fi

echo "install-bench-deps: installing:$missing"
apt_sudo install-bench-deps
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
$SUDO apt-get install -y --no-install-recommends $missing ||
	{ $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends $missing; }
