#!/bin/sh
# tests/e2e/test_sendmail.sh CLI SRCDIR - end-to-end cases 1, 3,
# 4, 5 and 6 of issue 10 on a private sendmail 8.17 (ctest e2e_sendmail,
# label e2e).  No milter here (test_sendmail_milter.sh has case 2 and 7).
#
#   open     sendmail as configured by Debian's m4 (DSN for everyone): the
#            stranger (127.0.0.2) forges MAIL FROM:<victim@example.test>
#            and asks NOTIFY=SUCCESS; a "Return receipt" lands in victim's
#            mailbox (case 1); the trusted client (127.0.0.1) gets its own
#            (case 3); probe --source 127.0.0.2 says exposed (case 5)
#   native   only `dsnguard export-config --mta sendmail` of the legs'
#            policy: the access_db feature in the .mc and the Srv_Features
#            entries in the access map (makemap hash): no DSN for the
#            stranger and sendmail's own refusal of its NOTIFY, no receipt;
#            250-DSN and a receipt for the trusted client (cases 4 and 3);
#            probe says not_offered from 127.0.0.2, exposed from 127.0.0.1
#   scan-log over both real logs (written by syslog.py from sendmail's
#            syslog(3) datagrams): the receipt of "open" with its trigger,
#            none for the victim under "native" (case 6)
# With E2E_LOGDIR=DIR the two logs are copied there (for examples/data/).
# Exit 77 (skip) with the reason when sendmail cannot run here.
CLI=$1
SRC=$2
LOGDIR=${E2E_LOGDIR:-}
E2E_HERE=$SRC/tests/e2e
. "$E2E_HERE/e2e.sh"
. "$E2E_HERE/sendmail.sh"
sm_require

e2e_legs sm sm_stop
e2e_policy "$T/policy.conf"

sessions() {
	d=$1
	p=$(sm_port "$d")
	e2e_sessions "$d" "$p"
	sm_wait_idle "$d" 20 || e2e_fail "$(basename "$d"): the queue did not empty in 20 s"
}

# receipts DIR USER: the return receipts in USER's mbox (sendmail's subject)
receipts() { grep -c '^Subject: Return receipt' "$1/mail/$2" 2> /dev/null || echo 0; }

# ---- open ------------------------------------------------------------------
O=$T/open
mkdir "$O" && sm_configure "$O" && sm_start "$O" || exit 1
e2e_check "open: probe from 127.0.0.2" "$(e2e_probe "$CLI" "$(sm_port "$O")" \
	127.0.0.2 victim@example.test rcpt@example.test)" "exposed 1"
sessions "$O"
sm_stop "$O"
e2e_check "open: stranger's message delivered" \
	"$(grep -c '^Subject: stranger in open' "$O/mail/rcpt")" 1
e2e_check "case 1: receipt for the forged sender" "$(receipts "$O" victim)" 1
e2e_check "case 1: the receipt is a delivery report" \
	"$(e2e_report "$CLI" "$O/mail/victim")" "dsn delivered rcpt@example.test"
e2e_check "case 3 (open): trusted client's receipt" "$(receipts "$O" sender)" 1

# ---- native: the exported access entries alone --------------------------------
N=$T/native
mkdir "$N" "$N/export" || exit 1
"$CLI" export-config --mta sendmail "$T/policy.conf" --out "$N/export" \
	--map-dir "$N" > /dev/null || e2e_fail "export-config --mta sendmail"
sm_configure "$N" "$N/export/sendmail.mc" || exit 1
grep -v '^#' "$N/export/access" | grep . > "$N/access"
"$SM_ROOT/usr/libexec/sendmail/makemap" -C "$N/sendmail.cf" hash "$N/access" \
	< "$N/access" 2> "$N/makemap.err" || e2e_fail "makemap: $(cat "$N/makemap.err")"
sm_start "$N" || exit 1
p=$(sm_port "$N")
e2e_check "case 5: probe from 127.0.0.2" "$(e2e_probe "$CLI" "$p" 127.0.0.2 \
	victim@example.test rcpt@example.test)" "not_offered 0"
e2e_check "case 5: probe from 127.0.0.1 (trusted)" "$(e2e_probe "$CLI" "$p" 127.0.0.1 \
	sender@example.test rcpt@example.test)" "exposed 1"
sessions "$N"
sm_stop "$N"
s=$(cat "$N/stranger.json")
e2e_check "case 4: no DSN for the stranger" "$(e2e_field "$s" dsn)" false
e2e_check "case 4: sendmail's answer to the stranger's NOTIFY" \
	"$(e2e_field "$s" rcpt.0) $(e2e_field "$s" rcpt.1 | cut -d" " -f1)" "504 5.7.0"
e2e_check "case 4: trusted client sees 250-DSN" "$(e2e_field "$(cat "$N/trusted.json")" dsn)" true
e2e_check "case 4: no receipt for the forged sender" "$(receipts "$N" victim)" 0
e2e_check "case 3 (native): trusted client's receipt" "$(receipts "$N" sender)" 1

# ---- case 6 ------------------------------------------------------------------
ev=$(e2e_events "$CLI" "$O/log/maillog")
printf '%s\n' "$ev" | sed 's/^/  open: /'
e2e_check "case 6: the stranger's receipt, with its trigger" \
	"$(printf '%s\n' "$ev" | grep -c '^success victim@example.test 127.0.0.2 victim@example.test$')" 1
e2e_check "case 6: events in the open log" "$(printf '%s\n' "$ev" | grep -c .)" 2
ev=$(e2e_events "$CLI" "$N/log/maillog")
printf '%s\n' "$ev" | sed 's/^/  native: /'
e2e_check "case 6: no receipt for the victim under the export" \
	"$(printf '%s\n' "$ev" | grep -c ' victim@example.test ')" 0
e2e_check "case 6: the trusted client's receipt" "$(printf '%s\n' "$ev" | grep -c '^success ')" 1
if grep -E 'SYSERR|unsafe|error' "$O/log/maillog" "$N/log/maillog"; then
	e2e_fail "sendmail complained in its log"
fi
if [ -n "$LOGDIR" ]; then
	mkdir -p "$LOGDIR" && cp "$O/log/maillog" "$LOGDIR/sendmail-open.log" &&
		cp "$N/log/maillog" "$LOGDIR/sendmail-native.log"
fi
e2e_end
