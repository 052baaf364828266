#!/bin/sh
# tests/e2e/test_postfix_milter.sh CLI SRCDIR MILTER - end-to-end
# cases 2, 3, 5, 6, 7 and 8 of issue 10 on a private Postfix 3.7 with
# dsnguard-milter as smtpd_milters and non_smtpd_milters (ctest
# e2e_postfix_milter, label e2e), milter_default_action = accept:
#
#   guard    the legs' policy (recommended, 127.0.0.1/32 trusted): the
#            stranger's RCPT with NOTIFY=SUCCESS is refused with the
#            policy's 5.7.1 and no receipt is made (case 2); the trusted
#            client and the authenticated submission keep their receipts
#            (case 3); probe --source 127.0.0.2 says refused (case 5);
#            `sendmail -N success` is judged as a local submission and gets
#            its receipt (case 8); scan-log finds no receipt for the victim
#            in Postfix's log (case 6)
#   strip    a policy whose NOTIFY action is strip (DSN offered to all, so
#            not compliant): the stranger's message is delivered without a
#            receipt, and the milter's line says not_compliant (case 2)
#   dry-run  the guard's policy with --dry-run: the stranger's RCPT is
#            accepted and its receipt made, the milter logs the refusal it
#            would have made with dry_run=1 (case 7)
#   down     the milter configured but not running: mail flows (case 7)
#   crash    the milter killed with SIGKILL between two sessions: the
#            second flows (case 7)
# With E2E_LOGDIR=DIR the guard leg's Postfix log is copied there.
# Exit 77 (skip) with the reason when Postfix cannot run here or MILTER
# was not built.
CLI=$1
SRC=$2
MILTER=${3:-}
LOGDIR=${E2E_LOGDIR:-}
E2E_HERE=$SRC/tests/e2e
. "$E2E_HERE/e2e.sh"
. "$E2E_HERE/postfix.sh"
e2e_milter_require "$MILTER"
pf_require
command -v saslpasswd2 > /dev/null 2>&1 || e2e_apt sasl2-bin libsasl2-modules ||
	{ echo "SKIP: sasl2-bin cannot be installed (the authenticated leg)"; exit 77; }

T=$(mktemp -d "${TMPDIR:-/tmp}/dsng-e2e-pfm.XXXXXX") && chmod 755 "$T" || exit 1
cleanup() {
	for d in "$T"/*/; do
		pf_stop "${d%/}"
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

receipts() {
	n=0
	for f in $(pf_mail "$1" "$2"); do
		set -- $(e2e_report "$CLI" "$f")
		[ "$1 $2" = "dsn delivered" ] && n=$((n + 1))
	done
	echo $n
}

# leg NAME POLICY|- [MILTER ARGS...]: Postfix with the milter (not started
# for -), the probe, the three sessions and a local submission; the queue
# emptied and everything stopped on return
leg() {
	d=$T/$1
	pol=$2
	shift 2
	mkdir "$d" && pf_configure "$d" || return 1
	mp=$(e2e_port)
	pf_set "$d" "smtpd_milters = inet:127.0.0.1:$mp" \
		"non_smtpd_milters = inet:127.0.0.1:$mp" \
		"milter_default_action = accept" || return 1
	if [ "$pol" != - ]; then
		e2e_milter_start "$MILTER" "$d" "$pol" "$mp" --mta postfix "$@" || return 1
	fi
	pf_start "$d" || return 1
	set -- $(pf_ports "$d")
	e2e_probe "$CLI" "$1" 127.0.0.2 victim@example.test rcpt@example.test > "$d/probe"
	send "$d" stranger --port "$1" --source 127.0.0.2 \
		--from victim@example.test --to rcpt@example.test --notify SUCCESS \
		--subject "stranger in $(basename "$d")"
	send "$d" trusted --port "$1" --source 127.0.0.1 \
		--from sender@example.test --to rcpt@example.test --notify SUCCESS \
		--subject "trusted in $(basename "$d")"
	send "$d" submission --port "$2" --source 127.0.0.2 --auth alice:secret \
		--from alice@example.test --to rcpt@example.test --notify SUCCESS \
		--subject "submission in $(basename "$d")"
	printf 'From: root@example.test\nTo: rcpt@example.test\nSubject: local in %s\n\nsendmail -N success\n' \
		"$(basename "$d")" | pf_run "$d" "$PF_ROOT/usr/sbin/sendmail" -C "$d/etc" \
		-N success -f root@example.test rcpt@example.test ||
		e2e_fail "$(basename "$d"): sendmail -N success exit $?"
	pf_wait_queue "$d" 20 || e2e_fail "$(basename "$d"): the queue did not empty in 20 s"
	pf_stop "$d"
	e2e_milter_stop "$d"
}

# rcpt_lines DIR PATTERN: how many of the milter's RCPT lines match
rcpt_lines() { grep 'stage=rcpt ' "$1/milter.log" 2> /dev/null | grep -c -- "$2"; }

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
e2e_check "case 3 (milter): authenticated submission's receipt" "$(receipts "$G" alice)" 1
e2e_check "case 5 (milter): probe from 127.0.0.2" "$(cat "$G/probe")" "refused 0"
# Postfix gives non_smtpd_milters the recipient without its ESMTP
# parameters (seen: notify=- in the milter's RCPT line for this message),
# so the milter judges the session, not the NOTIFY, of a local submission
e2e_check "case 8: sendmail -N success judged as a local submission" \
	"$(grep -c 'stage=helo .*(trusted, unauthenticated, local submission)' "$G/milter.log")" 1
e2e_check "case 8: its receipt" "$(receipts "$G" root)" 1
ev=$(e2e_events "$CLI" "$G/log/maillog")
printf '%s\n' "$ev" | sed 's/^/  guard: /'
e2e_check "case 6 (milter): no receipt for the victim in the log" \
	"$(printf '%s\n' "$ev" | grep -c ' victim@example.test ')" 0
e2e_check "case 6 (milter): the three receipts asked for legitimately" \
	"$(printf '%s\n' "$ev" | grep -c '^success ')" 3
grep -q 'milter-reject: RCPT from unknown\[127.0.0.2\]: 550 5.7.1' "$G/log/maillog" ||
	e2e_fail "case 2: Postfix did not log the milter's refusal"

# ---- strip ---------------------------------------------------------------------
leg strip "$T/strip.conf" || exit 1
S=$T/strip
s=$(cat "$S/stranger.json")
e2e_check "case 2 (strip): the stranger's message is delivered" \
	"$(e2e_field "$s" rcpt.0) $(e2e_field "$s" data.0)" "250 250"
e2e_check "case 2 (strip): no receipt for the forged sender" "$(receipts "$S" victim)" 0
e2e_check "case 2 (strip): the message reached its recipient" \
	"$(grep -l '^Subject: stranger in strip' $(pf_mail "$S" rcpt) 2> /dev/null | wc -l)" 1
e2e_check "case 2 (strip): labelled not compliant" \
	"$(rcpt_lines "$S" 'action=strip .*client=127.0.0.2 .*compliance=not_compliant')" 2
e2e_check "case 3 (strip): trusted client's receipt" "$(receipts "$S" sender)" 1

# ---- dry-run -------------------------------------------------------------------
leg dry-run "$T/policy.conf" --dry-run || exit 1
D=$T/dry-run
s=$(cat "$D/stranger.json")
e2e_check "case 7 (dry run): the stranger's RCPT is accepted" "$(e2e_field "$s" rcpt.0)" 250
e2e_check "case 7 (dry run): its receipt is made as without the milter" \
	"$(receipts "$D" victim)" 1
e2e_check "case 7 (dry run): the refusal it would have made is logged" \
	"$(rcpt_lines "$D" 'policy_action=reject .*client=127.0.0.2 .*dry_run=1')" 2
e2e_check "case 7 (dry run): the probe sees no refusal" "$(cat "$D/probe")" "exposed 1"

# ---- down ----------------------------------------------------------------------
leg down - || exit 1
W=$T/down
e2e_check "case 7 (milter down): the stranger's mail flows" \
	"$(e2e_field "$(cat "$W/stranger.json")" data.0)" 250
e2e_check "case 7 (milter down): the trusted client's mail flows" \
	"$(e2e_field "$(cat "$W/trusted.json")" data.0)" 250
e2e_check "case 7 (milter down): the local submission flows" \
	"$(grep -l '^Subject: local in down' $(pf_mail "$W" rcpt) 2> /dev/null | wc -l)" 1
grep -q 'warning: connect to Milter service' "$W/log/maillog" ||
	e2e_fail "case 7 (milter down): Postfix did not notice the milter was down"

# ---- crash: the milter killed (SIGKILL) between two sessions ------------------
C=$T/crash
mkdir "$C" && pf_configure "$C" || exit 1
mp=$(e2e_port)
pf_set "$C" "smtpd_milters = inet:127.0.0.1:$mp" "milter_default_action = accept" &&
	e2e_milter_start "$MILTER" "$C" "$T/policy.conf" "$mp" --mta postfix &&
	pf_start "$C" || exit 1
set -- $(pf_ports "$C")
send "$C" before --port "$1" --source 127.0.0.2 --from victim@example.test \
	--to rcpt@example.test --notify SUCCESS --subject "before the crash"
kill -KILL "$(cat "$C/milter.pid")"
e2e_milter_stop "$C"
send "$C" after --port "$1" --source 127.0.0.2 --from victim@example.test \
	--to rcpt@example.test --subject "after the crash"
pf_wait_queue "$C" 20 || e2e_fail "crash: the queue did not empty in 20 s"
pf_stop "$C"
e2e_check "case 7 (milter crashed): refused while it ran" \
	"$(e2e_field "$(cat "$C/before.json")" rcpt.0)" 550
e2e_check "case 7 (milter crashed): mail flows after" \
	"$(e2e_field "$(cat "$C/after.json")" data.0)" 250
e2e_check "case 7 (milter crashed): delivered" \
	"$(grep -l '^Subject: after the crash' $(pf_mail "$C" rcpt) 2> /dev/null | wc -l)" 1

# Postfix must not have complained in the legs where the milter ran
if grep -E 'warning|fatal|panic|error' "$G/log/maillog" "$S/log/maillog" "$D/log/maillog"; then
	e2e_fail "Postfix complained in its log"
fi
if [ -n "$LOGDIR" ]; then
	mkdir -p "$LOGDIR" && cp "$G/log/maillog" "$LOGDIR/postfix-milter.log"
fi
e2e_end
