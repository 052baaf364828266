#!/bin/sh
# tests/peers/check_peers.sh CLI SRCDIR WORKDIR - make reports with
# `dsnguard make-report` over a matrix and have Python's email,
# flufl.bounce (python3-flufl.bounce) and Sisimai (libsisimai-perl) read
# them.  Debian's own /usr/bin/python3 is used: the packages install
# there, not into another interpreter on PATH.  Exit 77 (skipped) when
# the readers are missing and cannot be installed.
CLI=$1
SRC=$2
WORK=$3
PY=/usr/bin/python3

have() {
	[ -x "$PY" ] && "$PY" -c 'import flufl.bounce' 2>/dev/null &&
		perl -MSisimai -e 1 2>/dev/null
}
if ! have; then
	if [ "$(id -u)" -ne 0 ] || ! command -v apt-get > /dev/null; then
		echo "peers: SKIP: python3-flufl.bounce or libsisimai-perl missing and not root"
		exit 77
	fi
	echo "peers: installing python3-flufl.bounce libsisimai-perl"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y --no-install-recommends python3-flufl.bounce \
		libsisimai-perl > "${TMPDIR:-/tmp}/dsng-peers-apt.log" 2>&1 ||
		{ apt-get update > /dev/null 2>&1 &&
			apt-get install -y --no-install-recommends \
				python3-flufl.bounce libsisimai-perl \
				> "${TMPDIR:-/tmp}/dsng-peers-apt.log" 2>&1; }
	if ! have; then
		echo "peers: SKIP: could not install the readers (see ${TMPDIR:-/tmp}/dsng-peers-apt.log)"
		exit 77
	fi
fi
rm -rf "$WORK"
mkdir -p "$WORK" || exit 2
exec "$PY" "$SRC/peers.py" "$CLI" "$SRC" "$WORK"
