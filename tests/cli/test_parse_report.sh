#!/bin/sh
# dsnguard parse-report: the JSON of DESIGN.md section 5 on the bundled
# return receipt and on an mbox, and the exit codes.
#   sh test_parse_report.sh <dsnguard> <source-dir>
cli=$1
src=$2
tmp=${TMPDIR:-/tmp}/dsng_parse_report.$$
mkdir -p "$tmp" || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0

has() { # has <file> <fixed string> <what>
	if ! grep -qF -- "$2" "$1"; then
		echo "FAIL: $3: missing $2"
		sed 's/^/    /' "$1"
		fails=$((fails + 1))
	fi
}
code() { # code <expected> <actual> <what>
	if [ "$1" != "$2" ]; then
		echo "FAIL: $3: exit $2, expected $1"
		fails=$((fails + 1))
	fi
}

receipt=$src/examples/data/return-receipt.eml

# 1. the bundled return receipt
"$cli" parse-report --json "$receipt" >"$tmp/one.json"
code 0 $? "receipt"
[ "$(wc -l <"$tmp/one.json")" -eq 1 ] || { echo "FAIL: receipt: not one line"; fails=$((fails + 1)); }
for s in '"ok":true' '"kind":"dsn"' \
	'"reporting_mta":{"type":"dns","name":"mx.example.net"}' \
	'"received_from_mta":{"type":"dns","name":"client.example.com"}' \
	'"arrival_date":"Wed, 15 Jul 2020 10:15:30 GMT"' \
	'"final_recipient":{"type":"rfc822","addr":"legal_address@example.net"}' \
	'"action":"delivered"' '"status":"2.1.5"' '"status_raw":"2.1.5"' \
	'"original_recipient":null' '"mdn":null' \
	'"message_id":"<202007151015.06FAFTbL012697@mx.example.net>"' \
	'"from":"spamvictim@victim.example"' '"subject":"Testing email."' \
	'"truncated":false' '"problems":[]' '"extensions":[]' \
	'"arrival_ts":1594808130' '"last_attempt_ts":1594808131'; do
	has "$tmp/one.json" "$s" "receipt"
done

# 2. an mbox: the receipt, a plain message, a report cut short
{
	printf 'From MAILER-DAEMON Wed Jul 15 10:15:31 2020\n'
	cat "$receipt"
	printf '\nFrom someone@example.org Wed Jul 15 10:16:00 2020\n'
	printf 'From: someone@example.org\nSubject: hello\n\njust mail\n'
	printf '\nFrom MAILER-DAEMON Wed Jul 15 10:17:00 2020\n'
	printf 'Content-Type: multipart/report; report-type=delivery-status; boundary=X\n\n'
	printf -- '--X\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx\n\n'
	printf 'Final-Recipient: rfc822; a@b.example\nAction: failed\nStatus: 5.9.9.9\n'
} >"$tmp/box.mbox"
"$cli" parse-report --json --mbox "$tmp/box.mbox" >"$tmp/box.json"
code 0 $? "mbox"
[ "$(wc -l <"$tmp/box.json")" -eq 3 ] || { echo "FAIL: mbox: not three lines"; cat "$tmp/box.json"; fails=$((fails + 1)); }
sed -n 1p "$tmp/box.json" >"$tmp/m1"
sed -n 2p "$tmp/box.json" >"$tmp/m2"
sed -n 3p "$tmp/box.json" >"$tmp/m3"
has "$tmp/m1" '"status":"2.1.5"' "mbox message 1"
has "$tmp/m2" '"kind":"none"' "mbox message 2"
has "$tmp/m2" '"recipients":[]' "mbox message 2"
has "$tmp/m2" '"message":null' "mbox message 2"
has "$tmp/m2" '"returned":null' "mbox message 2"
has "$tmp/m3" '"kind":"dsn"' "mbox message 3"
has "$tmp/m3" '"truncated":true' "mbox message 3"
has "$tmp/m3" '"status":null' "mbox message 3"
has "$tmp/m3" '"status_raw":"5.9.9.9"' "mbox message 3"
has "$tmp/m3" '"field":"Status"' "mbox message 3"

# 3. readable output
"$cli" parse-report "$receipt" >"$tmp/text"
code 0 $? "text"
has "$tmp/text" "legal_address@example.net: delivered 2.1.5" "text"

# 4. not mail -> exit 1 with an error object; missing file / usage -> 2
printf '\001\002\003 binary\n' >"$tmp/junk"
"$cli" parse-report --json "$tmp/junk" >"$tmp/junk.json"
code 1 $? "not mail"
has "$tmp/junk.json" '"ok":false' "not mail"
has "$tmp/junk.json" '"code":"not_mail"' "not mail"
has "$tmp/junk.json" '"offset":0' "not mail"
"$cli" parse-report --json "$tmp/nonexistent" >/dev/null 2>&1
code 2 $? "missing file"
"$cli" parse-report >/dev/null 2>&1
code 2 $? "no file"
"$cli" parse-report --bogus "$receipt" >/dev/null 2>&1
code 2 $? "unknown option"

if [ "$fails" -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
echo "parse-report: all checks passed"
