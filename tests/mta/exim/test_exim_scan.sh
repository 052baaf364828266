#!/bin/sh
# tests/mta/exim/test_exim_scan.sh CLI SRCDIR - the live Exim test (ctest
# mta_exim_scan, label mta): start two private Exim 4.96 daemons on
# 127.0.0.1 (the default log_selector and +all), send send.py's messages to
# both, wait for the notices, stop the daemons, and check that
# `dsnguard scan-log --json` on each fresh main log finds every notice with
# the right kind, sender, recipients and client (check.py).
#
# Exit 77 (ctest SKIP_RETURN_CODE) when not root, without python3, when the
# packages cannot be had, or without mount namespaces.  The daemons are
# always stopped by their PIDs, whatever happens.
CLI=$1
SRC=$2
EXIM_HERE=$SRC/tests/mta/exim
. "$EXIM_HERE/exim.sh"
exim_require

T=$(mktemp -d "${TMPDIR:-/tmp}/dsng-exim-test.XXXXXX") && chmod 755 "$T" || exit 1
cleanup() {
	for d in "$T/default" "$T/all"; do
		[ -f "$d/send.pid" ] && kill "$(cat "$d/send.pid")" 2> /dev/null
		[ -d "$d" ] && exim_stop "$d"
	done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
start=$(date +%s)

mkdir "$T/default" "$T/all" || exit 1
exim_configure "$T/default" "" && exim_start "$T/default" || exit 1
exim_configure "$T/all" "+all" && exim_start "$T/all" || exit 1
echo "$(exim_ns "$EXIM_BIN" -C "$T/default/exim.conf" --version |
	head -n 1) ($(cd "$DSNG_EXIM_CACHE/debs" && ls exim4-daemon-light_*.deb))"

fails=0
for d in "$T/default" "$T/all"; do
	python3 "$EXIM_HERE/send.py" "$(exim_port "$d")" > "$d/sent.jsonl" &
	echo $! > "$d/send.pid"
done
for d in "$T/default" "$T/all"; do
	wait "$(cat "$d/send.pid")" || {
		echo "FAIL: sending to $d"
		fails=$((fails + 1))
	}
	rm -f "$d/send.pid"
done
[ $fails -eq 0 ] || exit 1
# (in the background: a signal's trap runs at once during "wait")
for d in "$T/default" "$T/all"; do
	sh "$EXIM_HERE/run-exim.sh" wait "$d" 90 &
	wait $! || fails=$((fails + 1))
done
for d in "$T/default" "$T/all"; do
	exim_stop "$d" || {
		echo "FAIL: Exim in $d did not stop"
		fails=$((fails + 1))
	}
done

for d in "$T/default" "$T/all"; do
	echo "== $(basename "$d") log_selector"
	"$CLI" scan-log --json "$d/log/mainlog" > "$d/scan.json" || {
		echo "FAIL: scan-log exit $?"
		fails=$((fails + 1))
	}
	python3 "$EXIM_HERE/check.py" "$d/sent.jsonl" "$d/scan.json" ||
		fails=$((fails + 1))
	if [ $fails -ne 0 ]; then
		echo "-- main log:"
		grep -v 'lost privilege' "$d/log/mainlog"
	fi
done
echo "live Exim test: $(($(date +%s) - start)) s"
[ $fails -eq 0 ]
