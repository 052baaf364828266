#!/bin/sh
# The probe part of `make demo`: ask two private SMTP responders on
# 127.0.0.1 for a return receipt, as an admin asks his own server, and
# show the verdicts.  Each responder is started here and stopped by PID.
#
#   examples/demo-probe.sh CLI PYTHONPATH
#
# `open` advertises DSN to everyone and accepts every NOTIFY=SUCCESS (the
# backscatter risk: verdict exposed); `guarded` applies the recommended
# policy through the Python binding: the stranger on 127.0.0.2 is not
# offered DSN, the trusted client on 127.0.0.1 still is.
set -u
CLI=$1
export PYTHONPATH=$2
here=$(dirname "$0")
tmp=$(mktemp -d)
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

start() { # MODE -> sets $port
	python3 "$here/smtp_responder.py" "$1" "$tmp/$1.port" &
	pids="$pids $!"
	i=0
	while [ ! -s "$tmp/$1.port" ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && { echo "responder $1 did not start" >&2; exit 1; }
		sleep 0.1
	done
	port=$(cat "$tmp/$1.port")
}

probe() { # PORT SOURCE
	echo
	echo "\$ dsnguard probe 127.0.0.1:$1 --source $2 --from victim@example.org --to postmaster@example.test --timeout 5"
	"$CLI" probe "127.0.0.1:$1" --source "$2" --from victim@example.org \
		--to postmaster@example.test --timeout 5
	rc=$?
	echo "(exit $rc: 0 refused or not_offered, 1 exposed, 2 incomplete)"
	[ $rc -le 1 ] || exit 1
}

start open
echo "# an open server on port $port: DSN for everyone"
probe "$port" 127.0.0.2
start guarded
echo
echo "# the same server guarded by the recommended policy on port $port"
probe "$port" 127.0.0.2
probe "$port" 127.0.0.1
exit 0
