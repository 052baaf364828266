#!/bin/sh
# tests/e2e/test_postfix_milter_load.sh CLI SRCDIR MILTER - 200 concurrent
# sessions through a private Postfix 3.7 with dsnguard-milter (ctest
# e2e_postfix_milter_load, label e2e; issue 10: "a test sends 200
# concurrent sessions through a real MTA and checks every decision"):
# load.py starts them together, 100 from the stranger 127.0.0.2 and 100
# from the trusted 127.0.0.1, each RCPT with NOTIFY=SUCCESS.  Every
# stranger must get the policy's 550, every trusted client 250, and the
# milter must have logged exactly those 200 RCPT decisions (reject for
# 127.0.0.2 by rcpt.unoffered, accept for 127.0.0.1 by rcpt.success-from)
# and still be running.  Exit 77 (skip) with the reason when Postfix cannot
# run here or MILTER was not built.
CLI=$1
SRC=$2
MILTER=${3:-}
N=200
E2E_HERE=$SRC/tests/e2e
. "$E2E_HERE/e2e.sh"
. "$E2E_HERE/postfix.sh"
e2e_milter_require "$MILTER"
pf_require

T=$(mktemp -d "${TMPDIR:-/tmp}/dsng-e2e-load.XXXXXX") && chmod 755 "$T" || exit 1
cleanup() {
	pf_stop "$T/pf"
	e2e_milter_stop "$T/pf"
	[ -n "${E2E_KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
e2e_policy "$T/policy.conf"

P=$T/pf
mkdir "$P" && pf_configure "$P" || exit 1
mp=$(e2e_port)
# anvil would cut each client at 50 connections
pf_set "$P" "smtpd_milters = inet:127.0.0.1:$mp" "milter_default_action = tempfail" \
	"smtpd_client_connection_count_limit = 0" "default_process_limit = 120" || exit 1
e2e_milter_start "$MILTER" "$P" "$T/policy.conf" "$mp" --mta postfix || exit 1
pf_start "$P" || exit 1
set -- $(pf_ports "$P")
python3 "$E2E_HERE/load.py" "$1" $N > "$T/load.out"
e2e_alive "$(cat "$P/milter.pid")" && e2e_ok "the milter survived $N concurrent sessions" ||
	e2e_fail "the milter died under load"
pf_stop "$P"
e2e_milter_stop "$P"
e2e_check "strangers refused with 550" "$(grep -c '^127.0.0.2 550$' "$T/load.out")" $((N / 2))
e2e_check "trusted clients accepted with 250" "$(grep -c '^127.0.0.1 250$' "$T/load.out")" $((N / 2))
grep -v '^127.0.0.2 550$' "$T/load.out" | grep -v '^127.0.0.1 250$' | head -5 | sed 's/^/  unexpected: /'
e2e_check "RCPT decisions logged" "$(grep -c 'stage=rcpt ' "$P/milter.log")" $N
e2e_check "refusals for 127.0.0.2 (rcpt.unoffered)" \
	"$(grep 'stage=rcpt ' "$P/milter.log" | grep -c 'action=reject .*client=127.0.0.2 rule=rcpt.unoffered ')" $((N / 2))
e2e_check "receipts allowed for 127.0.0.1 (rcpt.success-from)" \
	"$(grep 'stage=rcpt ' "$P/milter.log" | grep -c 'action=accept .*client=127.0.0.1 rule=rcpt.success-from ')" $((N / 2))
e2e_check "Postfix logged the milter's refusals" \
	"$(grep -c 'milter-reject: RCPT from unknown\[127.0.0.2\]: 550 5.7.1' "$P/log/maillog")" $((N / 2))
if grep -E 'warning|fatal|panic' "$P/log/maillog" | head -5 | grep .; then
	e2e_fail "Postfix complained (milter timeouts or errors) in its log"
fi
e2e_end
