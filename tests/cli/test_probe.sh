#!/bin/sh
# tests/cli/test_probe.sh CLI SRCDIR - `dsnguard probe` against small fake
# SMTP servers (tests/cli/fake_smtp.py) started here on 127.0.0.1 (and ::1
# when it exists): every verdict, HELO fallback, 4xx, refused connection,
# silence, a dripping greeting, drops, garbage, STARTTLS with a
# certificate made here, IPv6, --source 127.0.0.2, usage errors.  Every server is stopped by its PID,
# also on failure.  Exit 77 (skip) without python3.
set -u
CLI=${1:?usage: test_probe.sh /path/to/dsnguard srcdir}
SRC=${2:?usage: test_probe.sh /path/to/dsnguard srcdir}
PY=$(command -v python3) || { echo "SKIP: no python3"; exit 77; }
FAKE=$SRC/tests/cli/fake_smtp.py
fails=0
n=0
PIDS=""
D=$(mktemp -d) || exit 2

cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 2' INT TERM

# start MODE [server options]: a fake server; sets PID and PORT
start() {
	mode=$1
	shift
	n=$((n + 1))
	pf=$D/port.$n
	LOG=$D/log.$n
	: >"$LOG"
	"$PY" "$FAKE" "$mode" "$pf" --log "$LOG" "$@" &
	PID=$!
	PIDS="$PIDS $PID"
	i=0
	while [ ! -s "$pf" ] && [ $i -lt 100 ] && kill -0 "$PID" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	if [ ! -s "$pf" ]; then
		echo "FAIL: fake server '$mode' did not start"
		exit 1
	fi
	PORT=$(cat "$pf")
}

stop() {
	kill "$PID" 2>/dev/null
	wait "$PID" 2>/dev/null
}

# run ARGS...: the CLI's output in $out, its status in $rc
run() {
	out=$("$CLI" probe "$@" 2>&1)
	rc=$?
}

# expect NAME WANT_RC WANT_SUBSTRING...
expect() {
	name=$1 want_rc=$2
	shift 2
	if [ "$rc" -ne "$want_rc" ]; then
		echo "FAIL $name: exit $rc, want $want_rc; output: $out"
		fails=$((fails + 1))
		return
	fi
	for want in "$@"; do
		case $out in
		*"$want"*) ;;
		*)
			echo "FAIL $name: missing '$want' in: $out"
			fails=$((fails + 1))
			return
			;;
		esac
	done
	echo "ok $name"
}

no_data() {
	if grep -qi '^DATA' "$LOG"; then
		echo "FAIL $1: the probe sent DATA"
		fails=$((fails + 1))
	fi
}

A="--from spammer@forged.example --to user@fake.test --timeout 5"

start exposed
run 127.0.0.1:"$PORT" $A --json
expect exposed_json 1 \
	"{\"ok\":true,\"host\":\"127.0.0.1\",\"port\":$PORT," \
	'"greeting":{"code":220,"text":"fake.test ESMTP peer=127.0.0.1"}' \
	'"ehlo":{"code":250,"esmtp":true,"dsn":true,"smtputf8":false,"capabilities":["PIPELINING","SIZE","DSN","8BITMIME"]' \
	'"mail":{"line":"MAIL FROM:<spammer@forged.example>","code":250,"enhanced":"2.1.0","text":"Ok"}' \
	'"rcpt":{"line":"RCPT TO:<user@fake.test> NOTIFY=SUCCESS","code":250,"enhanced":"2.1.5","text":"Ok"}' \
	'"rcpt_plain":null,"dsn_advertised":true,"receipt_accepted":true,"verdict":"exposed","error":null'
run 127.0.0.1:"$PORT" $A
expect exposed_text 1 'verdict    exposed' 'DSN advertised' \
	'>>> RCPT TO:<user@fake.test> NOTIFY=SUCCESS'
# a name resolved with getaddrinfo (localhost may try ::1 first)
run localhost:"$PORT" $A --json
expect exposed_by_name 1 '"host":"localhost"' '"verdict":"exposed"'
no_data exposed
if ! grep -q '^RSET' "$LOG" || ! grep -q '^QUIT' "$LOG"; then
	echo "FAIL exposed: no RSET/QUIT in the server's log"
	fails=$((fails + 1))
fi
stop

start refused
run 127.0.0.1:"$PORT" $A --json
expect refused 0 '"ok":true' \
	'"rcpt":{"line":"RCPT TO:<user@fake.test> NOTIFY=SUCCESS","code":550,"enhanced":"5.7.1","text":"receipts only for our users"}' \
	'"rcpt_plain":{"line":"RCPT TO:<user@fake.test>","code":250' \
	'"receipt_accepted":false,"verdict":"refused","error":null'
no_data refused
stop

start not_offered
run 127.0.0.1:"$PORT" $A --json
expect not_offered 0 '"dsn":false' '"dsn_advertised":false' \
	'"receipt_accepted":true' '"verdict":"not_offered"'
stop

start incomplete
run 127.0.0.1:"$PORT" $A --json
expect both_refused 2 '"ok":false' '"verdict":"incomplete"' \
	'"error":{"step":"rcpt","cause":"reply","code":550,"message":"recipient refused with and without NOTIFY'
stop

start tempfail
run 127.0.0.1:"$PORT" $A --json
expect tempfail 2 '"rcpt_plain":null' \
	'"error":{"step":"rcpt","cause":"reply","code":451'
stop

start helo
run 127.0.0.1:"$PORT" $A --json
expect helo_fallback 0 \
	'"ehlo":{"code":250,"esmtp":false,"dsn":false,"smtputf8":false,"capabilities":[]' \
	'"verdict":"not_offered"'
stop

start drop
run 127.0.0.1:"$PORT" $A --json
expect drop 2 '"mail":{"line":"MAIL FROM:<spammer@forged.example>","code":null' \
	'"error":{"step":"mail","cause":"closed","code":null'
stop

start garbage
run 127.0.0.1:"$PORT" $A --json
expect garbage 2 '"error":{"step":"ehlo","cause":"reply"'
stop

start silent
t0=$(date +%s)
run 127.0.0.1:"$PORT" $A --json --timeout 1
t1=$(date +%s)
expect silent 2 '"greeting":null' \
	'"error":{"step":"greeting","cause":"timeout","code":null'
if [ $((t1 - t0)) -gt 4 ]; then
	echo "FAIL silent: took $((t1 - t0)) s with --timeout 1"
	fails=$((fails + 1))
fi
stop

# a greeting one byte at a time: the timeout covers the whole reply
start drip
t0=$(date +%s)
run 127.0.0.1:"$PORT" $A --json --timeout 1
t1=$(date +%s)
expect drip 2 '"error":{"step":"greeting","cause":"timeout"'
if [ $((t1 - t0)) -gt 4 ]; then
	echo "FAIL drip: took $((t1 - t0)) s with --timeout 1"
	fails=$((fails + 1))
fi
stop

# a port nobody listens on: the one a stopped server had
start exposed
stop
run 127.0.0.1:"$PORT" $A --json
expect conn_refused 2 '"greeting":null' '"ehlo":null' '"mail":null' \
	'"dsn_advertised":null' '"receipt_accepted":null' \
	'"error":{"step":"connect","cause":"refused","code":null'

# --source: the server sees the address bound
start exposed
run 127.0.0.1:"$PORT" $A --json --source 127.0.0.2
expect source 1 'peer=127.0.0.2' '"source":"127.0.0.2"'
stop

# IPv6 loopback, when this machine has it
if "$PY" -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null; then
	start exposed --bind ::1
	run "[::1]:$PORT" $A --json
	expect ipv6 1 '"host":"::1"' 'peer=::1' '"verdict":"exposed"'
	stop
else
	echo "skip ipv6: no ::1 here"
fi

# STARTTLS with a self-signed certificate made now (DSN only after TLS)
if "$CLI" probe 127.0.0.1:1 --from a@b.example --to c@d.example --starttls \
	--timeout 1 2>&1 | grep -q 'built without GnuTLS'; then
	echo "skip starttls: dsnguard built without GnuTLS"
elif command -v openssl >/dev/null 2>&1 &&
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=fake.test \
		-keyout "$D/key.pem" -out "$D/cert.pem" >/dev/null 2>&1; then
	start starttls --cert "$D/cert.pem" --key "$D/key.pem"
	run 127.0.0.1:"$PORT" $A --json --starttls
	expect starttls 1 '"dsn":true' '"verdict":"exposed"' '"tls":true' \
		'"starttls":{"line":"STARTTLS","code":220'
	run 127.0.0.1:"$PORT" $A --json
	expect starttls_clear 0 '"verdict":"not_offered"' '"tls":false'
	stop
	start exposed
	run 127.0.0.1:"$PORT" $A --json --starttls
	expect starttls_not_offered 2 \
		'"error":{"step":"starttls","cause":"reply","code":null'
	stop
else
	echo "skip starttls: no openssl to make a certificate"
fi

# usage errors: nothing is sent
start exposed
run 127.0.0.1:"$PORT" --from 'not an address' --to user@fake.test
expect bad_from 2 'dsnguard: probe: --from address'
run 127.0.0.1:"$PORT" --from a@b.example --to '<x@y.example> NOTIFY=NEVER'
expect bad_to 2 'dsnguard: probe: --to address'
run 127.0.0.1:"$PORT" --from a@b.example --to c@d.example --ehlo 'a b'
expect bad_ehlo 2 'EHLO name'
if [ -s "$LOG" ]; then
	echo "FAIL usage: the server saw commands: $(cat "$LOG")"
	fails=$((fails + 1))
fi
stop
run 127.0.0.1 --from a@b.example
expect no_to 2 'usage: dsnguard probe'
run 127.0.0.1:99999 --from a@b.example --to c@d.example
expect bad_port 2 'bad HOST[:PORT]'
run '[::1' --from a@b.example --to c@d.example
expect bad_v6 2 'bad HOST[:PORT]'
run 127.0.0.1 --from a@b.example --to c@d.example --timeout 0
expect bad_timeout 2 '--timeout'
run 127.0.0.1 --from a@b.example --to c@d.example --source nowhere
expect bad_source 2 '--source'

if [ "$fails" -ne 0 ]; then
	echo "$fails failed"
	exit 1
fi
echo "all passed"
