#!/bin/sh
# tests/e2e/make-example-logs.sh SRCDIR OUTDIR - write OUTDIR/postfix-dsn.log
# and OUTDIR/sendmail-dsn.log, the example logs of examples/data/, from a
# private Postfix 3.7 and sendmail 8.17 (the harness of this folder), each
# with a next hop (sink.py on 127.0.0.1: no DSN, fail* refused, slow*
# deferred) for relay.test.  Every notice kind scan-log knows is in both:
#
#   1 the stranger (127.0.0.2) forges MAIL FROM:<victim@example.test> and
#     asks NOTIFY=SUCCESS: a receipt to the victim (the backscatter)
#   2 the same with two recipients: one receipt naming both
#   3 a receipt asked for a message relayed to a server without DSN:
#     "relayed" (Postfix: alice's authenticated submission)
#   4 fail@relay.test refused by the next hop: a bounce
#   5 a local submission, `sendmail -N success`: a receipt
#   6 slow@relay.test deferred: a delay warning (delay_warning_time 2s,
#     Timeout.queuewarn 3s), after which the MTA is stopped
#
# Exit 77 when the MTAs cannot run here.  `make example-logs` runs this
# into examples/data/ (the tests that read those logs then need their
# expected values updated: tests/test_maillog_join.c, tests/cli/
# test_scan_log.sh).
SRC=$1
OUT=$2
E2E_HERE=$SRC/tests/e2e
. "$E2E_HERE/e2e.sh"
. "$E2E_HERE/postfix.sh"
. "$E2E_HERE/sendmail.sh"
pf_require
sm_require
command -v saslpasswd2 > /dev/null 2>&1 || e2e_apt sasl2-bin libsasl2-modules ||
	{ echo "SKIP: sasl2-bin cannot be installed"; exit 77; }

T=$(mktemp -d "${TMPDIR:-/tmp}/dsng-e2e-logs.XXXXXX") && chmod 755 "$T" || exit 1
cleanup() {
	pf_stop "$T/pf"
	sm_stop "$T/sm"
	e2e_kill "$(cat "$T/sink.pid" 2> /dev/null)"
	[ -n "${E2E_KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

sink=$(e2e_port) || exit 1
python3 "$E2E_HERE/sink.py" "$sink" > "$T/sink.out" 2>&1 < /dev/null &
echo $! > "$T/sink.pid"
i=0
until e2e_listening "$sink"; do
	i=$((i + 1))
	[ $i -lt 50 ] || { e2e_log "sink.py does not listen"; exit 1; }
	sleep 0.1
done

c() { e2e_client "$@" > /dev/null || e2e_log "session failed: $*"; }

# wait_lines FILE ERE N SECONDS
wait_lines() {
	end=$(($(date +%s) + $4))
	until [ "$(grep -c -E -- "$2" "$1")" -ge "$3" ]; do
		[ "$(date +%s)" -ge "$end" ] && {
			e2e_log "$1: $(grep -c -E -- "$2" "$1") of $3 lines /$2/"
			return 1
		}
		sleep 0.2
	done
}

# ---- Postfix -------------------------------------------------------------------
P=$T/pf
mkdir "$P" && pf_configure "$P" || exit 1
pf_set "$P" "relay_domains = relay.test" \
	"transport_maps = inline:{ relay.test=smtp:[127.0.0.1]:$sink }" \
	"delay_warning_time = 2s" "queue_run_delay = 1s" \
	"minimal_backoff_time = 1s" "maximal_backoff_time = 2s" || exit 1
pf_start "$P" || exit 1
set -- $(pf_ports "$P")
c --port "$1" --source 127.0.0.2 --from victim@example.test \
	--to rcpt@example.test --notify SUCCESS --subject "1 backscatter"
c --port "$1" --source 127.0.0.2 --from victim@example.test \
	--to rcpt@example.test --to sender@example.test --notify SUCCESS --subject "2 two"
c --port "$2" --source 127.0.0.2 --auth alice:secret --from alice@example.test \
	--to ok@relay.test --notify SUCCESS --subject "3 relayed"
c --port "$1" --source 127.0.0.1 --from sender@example.test \
	--to fail@relay.test --subject "4 bounce"
printf 'From: root@example.test\nTo: rcpt@example.test\nSubject: 5 local\n\nsendmail -N success\n' |
	pf_run "$P" "$PF_ROOT/usr/sbin/sendmail" -C "$P/etc" -N success \
	-f root@example.test rcpt@example.test || e2e_log "postfix sendmail failed"
c --port "$1" --source 127.0.0.1 --from sender@example.test \
	--to slow@relay.test --notify DELAY,FAILURE --subject "6 delay"
wait_lines "$P/log/maillog" 'sender delivery status notification: ' 4 30 &&
	wait_lines "$P/log/maillog" 'sender non-delivery notification: ' 1 30 &&
	wait_lines "$P/log/maillog" 'sender delay notification: ' 1 30 || exit 1
# the notices' own deliveries

sleep 1
pf_stop "$P"

# ---- sendmail ------------------------------------------------------------------
S=$T/sm
mkdir "$S" || exit 1
{
	echo "define(\`SMTP_MAILER_ARGS', \`TCP \$h $sink')dnl"
	echo "define(\`confTO_QUEUEWARN', \`3s')dnl"
	echo "FEATURE(\`mailertable', \`hash -o $S/mailertable')dnl"
	echo "RELAY_DOMAIN(\`relay.test')dnl"
} > "$T/sm.mc"
sm_configure "$S" "$T/sm.mc" || exit 1
printf 'relay.test\tsmtp:[127.0.0.1]\n' > "$S/mailertable"
"$SM_ROOT/usr/libexec/sendmail/makemap" -C "$S/sendmail.cf" hash "$S/mailertable" \
	< "$S/mailertable" 2> /dev/null || { e2e_log "makemap mailertable"; exit 1; }
sm_start "$S" || exit 1
p=$(sm_port "$S")
c --port "$p" --source 127.0.0.2 --from victim@example.test \
	--to rcpt@example.test --notify SUCCESS --subject "1 backscatter"
c --port "$p" --source 127.0.0.2 --from victim@example.test \
	--to rcpt@example.test --to sender@example.test --notify SUCCESS --subject "2 two"
c --port "$p" --source 127.0.0.1 --from sender@example.test \
	--to ok@relay.test --notify SUCCESS --subject "3 relayed"
c --port "$p" --source 127.0.0.1 --from sender@example.test \
	--to fail@relay.test --subject "4 bounce"
printf 'From: root@example.test\nTo: rcpt@example.test\nSubject: 5 local\n\nsendmail -N success\n' |
	(sm_ns "$S" "$SM_BIN" -C "$S/sendmail.cf" -N success -f root@example.test \
		rcpt@example.test) || e2e_log "sendmail -N success failed"
c --port "$p" --source 127.0.0.1 --from sender@example.test \
	--to slow@relay.test --notify DELAY,FAILURE --subject "6 delay"
wait_lines "$S/log/maillog" 'DSN: |sender notify: ' 6 40 || exit 1
sleep 2
sm_stop "$S"

mkdir -p "$OUT" && cp "$P/log/maillog" "$OUT/postfix-dsn.log" &&
	cp "$S/log/maillog" "$OUT/sendmail-dsn.log"
