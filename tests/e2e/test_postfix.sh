#!/bin/sh
# tests/e2e/test_postfix.sh CLI SRCDIR - end-to-end cases 1, 3,
# 4, 5 and 6 of issue 10 on a private Postfix 3.7 (ctest e2e_postfix, label
# e2e).  No milter here (test_postfix_milter.sh has cases 2, 7 and 8).
#
#   open     no guard (permissive Postfix: DSN for everyone): the stranger
#            (127.0.0.2) forges MAIL FROM:<victim@example.test> and asks
#            NOTIFY=SUCCESS; a receipt lands in victim's Maildir (case 1);
#            the trusted client (127.0.0.1) and an authenticated submission
#            get theirs (case 3); probe --source 127.0.0.2 says exposed
#   native   only `dsnguard export-config --mta postfix` of the legs' policy
#            (recommended, 127.0.0.1/32 trusted): no DSN in the stranger's
#            EHLO, Postfix's own 501 to its NOTIFY, no receipt; 250-DSN and
#            a receipt for the trusted client and for the authenticated
#            submission (case 4, case 3); probe says not_offered (case 5)
#   scan-log over both legs' real logs: the receipt of "open" with its
#            trigger (client 127.0.0.2, forged sender), none for the victim
#            in "native" (case 6)
# With E2E_LOGDIR=DIR the two logs are copied there (for examples/data/).
# Exit 77 (skip) with the reason when Postfix cannot run here.
CLI=$1
SRC=$2
LOGDIR=${E2E_LOGDIR:-}
E2E_HERE=$SRC/tests/e2e
. "$E2E_HERE/e2e.sh"
. "$E2E_HERE/postfix.sh"
pf_require
command -v saslpasswd2 > /dev/null 2>&1 || e2e_apt sasl2-bin libsasl2-modules ||
	{ echo "SKIP: sasl2-bin cannot be installed (the authenticated leg)"; exit 77; }

e2e_legs pf pf_stop
e2e_policy "$T/policy.conf"

# the three sessions every leg holds
sessions() {
	d=$1
	set -- $(pf_ports "$d")
	e2e_sessions "$d" "$1"
	e2e_send "$d" submission --port "$2" --source 127.0.0.2 --auth alice:secret \
		--from alice@example.test --to rcpt@example.test --notify SUCCESS \
		--subject "submission in $(basename "$d")"
	pf_wait_queue "$d" 20 || e2e_fail "$(basename "$d"): the queue did not empty in 20 s"
}

# receipts DIR USER: how many delivery reports (parse-report: kind dsn,
# action delivered) USER's Maildir holds
receipts() {
	n=0
	for f in $(pf_mail "$1" "$2"); do
		set -- $(e2e_report "$CLI" "$f")
		[ "$1 $2" = "dsn delivered" ] && n=$((n + 1))
	done
	echo $n
}

# ---- open: Postfix as shipped, DSN for everyone ----------------------------
O=$T/open
mkdir "$O" && pf_configure "$O" && pf_start "$O" || exit 1
set -- $(pf_ports "$O")
e2e_check "open: probe from 127.0.0.2" "$(e2e_probe "$CLI" "$1" 127.0.0.2 \
	victim@example.test rcpt@example.test)" "exposed 1"
sessions "$O"
pf_stop "$O"
e2e_check "open: stranger's message delivered" "$(e2e_field "$(cat "$O/stranger.json")" data.0)" 250
e2e_check "case 1: receipt for the forged sender" "$(receipts "$O" victim)" 1
e2e_check "case 3 (open): trusted client's receipt" "$(receipts "$O" sender)" 1
e2e_check "case 3 (open): authenticated submission's receipt" "$(receipts "$O" alice)" 1

# ---- native: the exported Postfix configuration alone -----------------------
N=$T/native
mkdir "$N" "$N/export" && pf_configure "$N" || exit 1
"$CLI" export-config --mta postfix "$T/policy.conf" --out "$N/export" \
	--map-dir "$N/etc" > /dev/null || e2e_fail "export-config --mta postfix"
cp "$N/export/dsnguard-ehlo.cidr" "$N/etc/" || exit 1
grep -v '^#' "$N/export/main.cf" | grep . > "$N/main.lines"
while read -r line; do pf_set "$N" "$line" || e2e_fail "postconf -e $line"; done < "$N/main.lines"
# the exported submission lines apply to this instance's submission port
grep '^  -o ' "$N/export/master.cf" | sort -u > "$N/master.lines"
[ -s "$N/master.lines" ] || e2e_fail "export: no submission -o line"
while read -r o opt; do pf_master_o "$N" submission "$o" "$opt"; done < "$N/master.lines"
pf_start "$N" || exit 1
set -- $(pf_ports "$N")
e2e_check "case 5: probe from 127.0.0.2" "$(e2e_probe "$CLI" "$1" 127.0.0.2 \
	victim@example.test rcpt@example.test)" "not_offered 0"
e2e_check "case 5: probe from 127.0.0.1 (trusted)" "$(e2e_probe "$CLI" "$1" 127.0.0.1 \
	sender@example.test rcpt@example.test)" "exposed 1"
sessions "$N"
pf_stop "$N"
s=$(cat "$N/stranger.json")
e2e_check "case 4: no DSN for the stranger" "$(e2e_field "$s" dsn)" false
e2e_check "case 4: Postfix's answer to the stranger's NOTIFY" \
	"$(e2e_field "$s" rcpt.0) $(e2e_field "$s" rcpt.1)" "501 5.7.1 DSN support is disabled"
e2e_check "case 4: trusted client sees 250-DSN" "$(e2e_field "$(cat "$N/trusted.json")" dsn)" true
e2e_check "case 4: submission sees 250-DSN" "$(e2e_field "$(cat "$N/submission.json")" dsn)" true
e2e_check "case 4: no receipt for the forged sender" "$(receipts "$N" victim)" 0
e2e_check "case 3 (native): trusted client's receipt" "$(receipts "$N" sender)" 1
e2e_check "case 3 (native): authenticated submission's receipt" "$(receipts "$N" alice)" 1

# ---- case 6: scan-log over the logs Postfix wrote ---------------------------
ev=$(e2e_events "$CLI" "$O/log/maillog")
printf '%s\n' "$ev" | sed 's/^/  open: /'
e2e_check "case 6: the stranger's receipt, with its trigger" \
	"$(printf '%s\n' "$ev" | grep -c '^success victim@example.test 127.0.0.2 victim@example.test$')" 1
e2e_check "case 6: events in the open log" "$(printf '%s\n' "$ev" | grep -c .)" 3
ev=$(e2e_events "$CLI" "$N/log/maillog")
printf '%s\n' "$ev" | sed 's/^/  native: /'
e2e_check "case 6: no receipt for the victim under the export" \
	"$(printf '%s\n' "$ev" | grep -c ' victim@example.test ')" 0
e2e_check "case 6: the trusted and authenticated receipts" \
	"$(printf '%s\n' "$ev" | grep -c '^success ')" 2
if grep -E 'warning|fatal|panic|error' "$O/log/maillog" "$N/log/maillog"; then
	e2e_fail "Postfix complained in its log"
fi
if [ -n "$LOGDIR" ]; then
	mkdir -p "$LOGDIR" && cp "$O/log/maillog" "$LOGDIR/postfix-open.log" &&
		cp "$N/log/maillog" "$LOGDIR/postfix-native.log"
fi
e2e_end
