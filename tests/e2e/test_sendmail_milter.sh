#!/bin/sh
# tests/e2e/test_sendmail_milter.sh CLI SRCDIR MILTER - end-to-end cases 2,
# 3, 5, 6 and 7 of issue 10 on a private sendmail 8.17 with dsnguard-milter
# as INPUT_MAIL_FILTER without an F= flag (so mail flows when the milter is
# down) (ctest e2e_sendmail_milter, label e2e):
#
#   guard    the legs' policy: the stranger's RCPT with NOTIFY=SUCCESS is
#            refused with the policy's 5.7.1, no return receipt (case 2);
#            the trusted client keeps its receipt (case 3); probe --source
#            127.0.0.2 says refused (case 5); scan-log finds no receipt for
#            the victim in sendmail's log (case 6)
#   strip    a policy whose NOTIFY action is strip: on sendmail the milter
#            refuses at RCPT instead (sendmail revives a deleted recipient
#            with its old NOTIFY flags, so a strip would not stop the
#            receipt), and no receipt is made
#   dry-run  the guard's policy with --dry-run: accepted, the receipt made,
#            the refusal logged with dry_run=1 (case 7)
#   down     the milter configured but not running: mail flows (case 7)
#   crash    the milter killed with SIGKILL between two sessions: the
#            second flows (case 7)
# Exit 77 (skip) with the reason when sendmail cannot run here or MILTER
# was not built.
CLI=$1
SRC=$2
MILTER=${3:-}
E2E_HERE=$SRC/tests/e2e
. "$E2E_HERE/e2e.sh"
. "$E2E_HERE/sendmail.sh"
e2e_milter_require "$MILTER"
sm_require

T=$(mktemp -d "${TMPDIR:-/tmp}/dsng-e2e-smm.XXXXXX") && chmod 755 "$T" || exit 1
cleanup() {
	for d in "$T"/*/; do
		sm_stop "${d%/}"
		e2e_milter_stop "${d%/}"
	done
	[ -n "${E2E_KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
e2e_policy "$T/policy.conf"
e2e_policy "$T/strip.conf" strip

send() {
	d=$1
	n=$2
	shift 2
	e2e_client "$@" > "$d/$n.json"
	sed "s/^/  $n: /" "$d/$n.json"
}

receipts() { grep -c '^Subject: Return receipt' "$1/mail/$2" 2> /dev/null || echo 0; }
rcpt_lines() { grep 'stage=rcpt ' "$1/milter.log" 2> /dev/null | grep -c -- "$2"; }

# leg NAME POLICY|- [MILTER ARGS...]
leg() {
	d=$T/$1
	pol=$2
	shift 2
	mkdir "$d" || return 1
	mp=$(e2e_port)
	# no F= flag: sendmail carries on without the milter when it is down
	echo "INPUT_MAIL_FILTER(\`dsnguard', \`S=inet:$mp@127.0.0.1, T=C:5s;S:10s;R:10s;E:30s')dnl" \
		> "$d/milter.mc"
	sm_configure "$d" "$d/milter.mc" || return 1
	if [ "$pol" != - ]; then
		e2e_milter_start "$MILTER" "$d" "$pol" "$mp" --mta sendmail "$@" || return 1
	fi
	sm_start "$d" || return 1
	p=$(sm_port "$d")
	e2e_probe "$CLI" "$p" 127.0.0.2 victim@example.test rcpt@example.test > "$d/probe"
	send "$d" stranger --port "$p" --source 127.0.0.2 \
		--from victim@example.test --to rcpt@example.test --notify SUCCESS \
		--subject "stranger in $(basename "$d")"
	send "$d" trusted --port "$p" --source 127.0.0.1 \
		--from sender@example.test --to rcpt@example.test --notify SUCCESS \
		--subject "trusted in $(basename "$d")"
	sm_wait_idle "$d" 20 || e2e_fail "$(basename "$d"): the queue did not empty in 20 s"
	sm_stop "$d"
	e2e_milter_stop "$d"
}

# ---- guard ---------------------------------------------------------------------
leg guard "$T/policy.conf" || exit 1
G=$T/guard
s=$(cat "$G/stranger.json")
e2e_check "case 2: the stranger's NOTIFY=SUCCESS is refused" \
	"$(e2e_field "$s" rcpt.0) $(e2e_field "$s" rcpt.1 | cut -d' ' -f1)" "550 5.7.1"
e2e_check "case 2: no receipt for the forged sender" "$(receipts "$G" victim)" 0
# two refusals: the probe's RCPT and the stranger's
e2e_check "case 2: the milter logged the refusals" \
	"$(rcpt_lines "$G" 'action=reject .*client=127.0.0.2 ')" 2
e2e_check "case 3 (milter): trusted client's receipt" "$(receipts "$G" sender)" 1
e2e_check "case 5 (milter): probe from 127.0.0.2" "$(cat "$G/probe")" "refused 0"
ev=$(e2e_events "$CLI" "$G/log/maillog")
printf '%s\n' "$ev" | sed 's/^/  guard: /'
e2e_check "case 6 (milter): no receipt for the victim in the log" \
	"$(printf '%s\n' "$ev" | grep -c ' victim@example.test ')" 0
e2e_check "case 6 (milter): the trusted client's receipt in the log" \
	"$(printf '%s\n' "$ev" | grep -c '^success sender@example.test 127.0.0.1 ')" 1

# ---- strip: refused on sendmail ----------------------------------------------------
leg strip "$T/strip.conf" || exit 1
S=$T/strip
s=$(cat "$S/stranger.json")
e2e_check "strip policy on sendmail: the RCPT is refused instead" \
	"$(e2e_field "$s" rcpt.0)" 550
e2e_check "strip policy on sendmail: the milter says why (probe's and stranger's RCPT)" \
	"$(rcpt_lines "$S" 'action=reject policy_action=strip client=127.0.0.2 ')" 2
e2e_check "strip policy on sendmail: no receipt for the forged sender" "$(receipts "$S" victim)" 0
e2e_check "strip policy on sendmail: the trusted client's receipt" "$(receipts "$S" sender)" 1

# ---- dry-run -------------------------------------------------------------------
leg dry-run "$T/policy.conf" --dry-run || exit 1
D=$T/dry-run
e2e_check "case 7 (dry run): the stranger's RCPT is accepted" \
	"$(e2e_field "$(cat "$D/stranger.json")" rcpt.0)" 250
e2e_check "case 7 (dry run): its receipt is made as without the milter" \
	"$(receipts "$D" victim)" 1
e2e_check "case 7 (dry run): the refusal it would have made is logged" \
	"$(rcpt_lines "$D" 'policy_action=reject .*client=127.0.0.2 .*dry_run=1')" 2

# ---- down ----------------------------------------------------------------------
leg down - || exit 1
W=$T/down
e2e_check "case 7 (milter down): the stranger's mail flows" \
	"$(e2e_field "$(cat "$W/stranger.json")" data.0)" 250
e2e_check "case 7 (milter down): the trusted client's mail flows" \
	"$(e2e_field "$(cat "$W/trusted.json")" data.0)" 250
grep -q 'Milter (dsnguard): .*connect' "$W/log/maillog" ||
	e2e_fail "case 7 (milter down): sendmail did not log the milter's absence"

# ---- crash: the milter killed (SIGKILL) between two sessions ------------------
C=$T/crash
mkdir "$C" || exit 1
mp=$(e2e_port)
echo "INPUT_MAIL_FILTER(\`dsnguard', \`S=inet:$mp@127.0.0.1, T=C:5s;S:10s;R:10s;E:30s')dnl" \
	> "$C/milter.mc"
sm_configure "$C" "$C/milter.mc" &&
	e2e_milter_start "$MILTER" "$C" "$T/policy.conf" "$mp" --mta sendmail &&
	sm_start "$C" || exit 1
p=$(sm_port "$C")
send "$C" before --port "$p" --source 127.0.0.2 --from victim@example.test \
	--to rcpt@example.test --notify SUCCESS --subject "before the crash"
kill -KILL "$(cat "$C/milter.pid")"
e2e_milter_stop "$C"
send "$C" after --port "$p" --source 127.0.0.2 --from victim@example.test \
	--to rcpt@example.test --subject "after the crash"
sm_wait_idle "$C" 20 || e2e_fail "crash: the queue did not empty in 20 s"
sm_stop "$C"
e2e_check "case 7 (milter crashed): refused while it ran" \
	"$(e2e_field "$(cat "$C/before.json")" rcpt.0)" 550
e2e_check "case 7 (milter crashed): mail flows after" \
	"$(e2e_field "$(cat "$C/after.json")" data.0)" 250
e2e_check "case 7 (milter crashed): delivered" \
	"$(grep -c '^Subject: after the crash' "$C/mail/rcpt" 2> /dev/null)" 1

if grep -E 'SYSERR|unsafe' "$G/log/maillog" "$S/log/maillog" "$D/log/maillog"; then
	e2e_fail "sendmail complained in its log"
fi
e2e_end
