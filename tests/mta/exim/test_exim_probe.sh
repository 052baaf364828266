#!/bin/sh
# tests/mta/exim/test_exim_probe.sh CLI SRCDIR - `dsnguard probe` against a
# real MTA (ctest mta_exim_probe, label mta): a private Exim 4.96 on
# 127.0.0.1 (exim.sh) whose first port advertises DSN to 127.0.0.1 and
# whose second does not (dsn_advertise_hosts in exim.conf.in).  The probe
# must say `exposed` on the first and `not_offered` on the second; nothing
# is delivered (the probe never sends DATA).
#
# Exit 77 (skip) when not root, without python3, when Exim cannot be
# unpacked or run here.  The daemon is always stopped by its PID.
CLI=$1
SRC=$2
EXIM_HERE=$SRC/tests/mta/exim
. "$EXIM_HERE/exim.sh"
exim_require

T=$(mktemp -d "${TMPDIR:-/tmp}/dsng-exim-probe.XXXXXX") && chmod 755 "$T" || exit 1
cleanup() {
	[ -d "$T/d" ] && exim_stop "$T/d"
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

mkdir "$T/d" || exit 1
exim_configure "$T/d" "" && exim_start "$T/d" || exit 1
read -r port port2 < "$T/d/ports"

fails=0
# check NAME WANT_RC WANT PORT
check() {
	out=$("$CLI" probe "127.0.0.1:$4" --from spammer@forged.example \
		--to rcpt@example.test --ehlo client.example.test --timeout 10 \
		--json 2>&1)
	rc=$?
	case $out in
	*"$3"*) ;;
	*) rc=99 ;;
	esac
	if [ "$rc" -ne "$2" ]; then
		echo "FAIL $1: exit $rc, want $2 and '$3' in: $out"
		fails=$((fails + 1))
	else
		printf 'ok %s: %s\n' "$1" "$out"
	fi
}
check dsn_port 1 '"verdict":"exposed"' "$port"
check no_dsn_port 0 '"verdict":"not_offered"' "$port2"
exim_stop "$T/d" || fails=$((fails + 1))
if grep -q '<= ' "$T/d/log/mainlog" 2> /dev/null; then
	echo "FAIL: Exim received a message"
	fails=$((fails + 1))
fi
[ $fails -eq 0 ]
