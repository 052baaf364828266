#!/bin/sh
# tests/e2e/test_exim.sh CLI SRCDIR - end-to-end case 4 of issue 10 on a
# private Exim 4.96 (ctest e2e_exim, label e2e), with cases 1, 3 and 5
# around it:
#   open     dsn_advertise_hosts = * : the stranger (127.0.0.2) forging
#            MAIL FROM:<victim@example.test> with NOTIFY=SUCCESS gets a
#            receipt mailed to the victim; probe says exposed
#   native   dsn_advertise_hosts from `dsnguard export-config --mta exim`
#            of the legs' policy: no DSN for the stranger, Exim's own answer
#            to its NOTIFY, no receipt; 250-DSN and a receipt for the
#            trusted client (127.0.0.1); probe says not_offered / exposed
# The Exim of tests/mta/exim/exim.sh (unpacked, a mount namespace with its
# user), configured from exim.conf.in here.  Exit 77 with the reason when
# Exim cannot run here.
CLI=$1
SRC=$2
E2E_HERE=$SRC/tests/e2e
EXIM_HERE=$SRC/tests/mta/exim
. "$E2E_HERE/e2e.sh"
. "$EXIM_HERE/exim.sh"
exim_require
e2e_require

T=$(mktemp -d "${TMPDIR:-/tmp}/dsng-e2e-exim.XXXXXX") && chmod 755 "$T" || exit 1
cleanup() {
	for d in "$T"/*/; do [ -f "$d/ports" ] && exim_stop "${d%/}"; done
	[ -n "${E2E_KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
e2e_policy "$T/policy.conf"

# configure DIR DSN_LINE: exim.conf from exim.conf.in, checked with -bV
configure() {
	d=$1
	mkdir -p "$d/spool" "$d/log" "$d/mail" && chmod 755 "$d" || return 1
	chown "$(exim_ids)" "$d/spool" "$d/log" "$d/mail" || return 1
	port=$(e2e_port) || return 1
	echo "$port" > "$d/ports"
	printf '%s\n' "$2" > "$d/dsn.line"
	awk -v exim="$EXIM_BIN" -v dir="$d" -v port="$port" -v dsnf="$d/dsn.line" '
		BEGIN { getline dsn < dsnf }
		{ gsub(/@EXIM@/, exim); gsub(/@DIR@/, dir); gsub(/@PORT@/, port) }
		/^@DSN@$/ { print dsn; next }
		{ print }' "$E2E_HERE/exim.conf.in" > "$d/exim.conf" || return 1
	chmod 644 "$d/exim.conf"
	exim_ns "$EXIM_BIN" -C "$d/exim.conf" -bV > "$d/bV.out" 2>&1 || {
		e2e_log "exim -bV: $(cat "$d/bV.out")"
		return 1
	}
}

# leg DIR: the probes' verdicts in DIR/probe.*, then the two sessions, and
# the notices delivered
leg() {
	d=$1
	p=$(exim_port "$d")
	e2e_probe "$CLI" "$p" 127.0.0.2 victim@example.test rcpt@example.test > "$d/probe.stranger"
	e2e_probe "$CLI" "$p" 127.0.0.1 sender@example.test rcpt@example.test > "$d/probe.trusted"
	e2e_sessions "$d" "$p"
	# the notices Exim sends arrive as "<= <>" and leave with "Completed"
	want=$(($(grep -c '"data": \[250' "$d/stranger.json" "$d/trusted.json" |
		awk -F: '{ n += $2 } END { print n }') * 2))
	exim_wait "$d" ' Completed$' "$want" 20 ||
		e2e_fail "$(basename "$d"): $want deliveries not completed in 20 s"
}

receipts() { grep -c '^Subject: Delivery Status Notification' "$1/mail/$2" 2> /dev/null || echo 0; }

# ---- open --------------------------------------------------------------------
O=$T/open
configure "$O" "dsn_advertise_hosts = *" && exim_start "$O" || exit 1
leg "$O"
exim_stop "$O"
e2e_check "open: probe from 127.0.0.2" "$(cat "$O/probe.stranger")" "exposed 1"
e2e_check "case 1 (exim): receipt for the forged sender" "$(receipts "$O" victim)" 1
e2e_check "case 1 (exim): the receipt is a delivery report" \
	"$(e2e_report "$CLI" "$O/mail/victim")" "dsn delivered rcpt@example.test"
e2e_check "case 3 (exim, open): trusted client's receipt" "$(receipts "$O" sender)" 1

# ---- native: the exported dsn_advertise_hosts ----------------------------------
N=$T/native
mkdir "$N" || exit 1
line=$("$CLI" export-config --mta exim "$T/policy.conf" | grep '^dsn_advertise_hosts = ')
[ -n "$line" ] || e2e_fail "export-config --mta exim: no dsn_advertise_hosts line"
configure "$N" "$line" && exim_start "$N" || exit 1
leg "$N"
exim_stop "$N"
s=$(cat "$N/stranger.json")
e2e_check "case 5 (exim): probe from 127.0.0.2" "$(cat "$N/probe.stranger")" "not_offered 0"
e2e_check "case 5 (exim): probe from 127.0.0.1" "$(cat "$N/probe.trusted")" "exposed 1"
e2e_check "case 4 (exim): no DSN for the stranger" "$(e2e_field "$s" dsn)" false
e2e_check "case 4 (exim): Exim's answer to the stranger's NOTIFY" \
	"$(e2e_field "$s" rcpt.0)" 501
e2e_check "case 4 (exim): trusted client sees 250-DSN" \
	"$(e2e_field "$(cat "$N/trusted.json")" dsn)" true
e2e_check "case 4 (exim): no receipt for the forged sender" "$(receipts "$N" victim)" 0
e2e_check "case 3 (exim, native): trusted client's receipt" "$(receipts "$N" sender)" 1
# Exim re-executes itself with -C for deliveries and logs each time that
# the re-executed process "lost privilege": expected with a private
# configuration, not a complaint.  Anything else in the panic log is.
panics=$(cat "$O/log/paniclog" "$N/log/paniclog" 2> /dev/null |
	grep -v 'exim user lost privilege for using -C option')
if [ -n "$panics" ] || grep -q -i 'error\|warning' "$O/log/mainlog" "$N/log/mainlog"; then
	printf '%s\n' "$panics"
	grep -i 'error\|warning' "$O/log/mainlog" "$N/log/mainlog"
	e2e_fail "Exim complained in its logs"
fi
e2e_end
