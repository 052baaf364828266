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

# 5. standard input ("-"), for one message and for an mbox
"$cli" parse-report --json - <"$receipt" >"$tmp/stdin.json"
code 0 $? "stdin"
has "$tmp/stdin.json" '"file":"-"' "stdin"
sed 's/"file":"[^"]*"//' "$tmp/one.json" >"$tmp/one.norm"
sed 's/"file":"[^"]*"//' "$tmp/stdin.json" | cmp -s "$tmp/one.norm" - ||
	{ echo "FAIL: stdin differs from the file"; fails=$((fails + 1)); }
"$cli" parse-report --json --mbox - <"$tmp/box.mbox" >"$tmp/boxin.json"
code 0 $? "mbox stdin"
sed 's/"file":"[^"]*"//' "$tmp/box.json" >"$tmp/box.norm"
sed 's/"file":"[^"]*"//' "$tmp/boxin.json" | cmp -s "$tmp/box.norm" - ||
	{ echo "FAIL: mbox stdin differs from the file"; fails=$((fails + 1)); }
# each message says where it starts in the mbox
has "$tmp/m2" '"line":' "mbox line"
l2=$(grep -n '^From someone@example.org' "$tmp/box.mbox" | cut -d: -f1)
has "$tmp/m2" "\"line\":$l2" "mbox message 2 line"

# 6. a gzip-compressed mbox reads the same
gzip -c "$tmp/box.mbox" >"$tmp/box.mbox.gz"
"$cli" parse-report --json --mbox "$tmp/box.mbox.gz" >"$tmp/boxgz.json"
code 0 $? "mbox gzip"
sed 's/"file":"[^"]*"//' "$tmp/boxgz.json" | cmp -s "$tmp/box.norm" - ||
	{ echo "FAIL: gzip mbox differs"; fails=$((fails + 1)); }

# 7. a message over the parser's max_size (32 MiB) in the middle of an
# mbox: that one is refused with size_limit, the next one is still read,
# and memory stays bounded (the message is kept only up to the limit)
{
	printf 'From a@example.org Wed Jul 15 10:15:31 2020
'
	printf 'From: a@example.org
Subject: small

first

'
	printf 'From b@example.org Wed Jul 15 10:15:32 2020
'
	printf 'From: b@example.org
Subject: big

'
	head -c 34000000 /dev/zero | tr '\0' 'a' | fold -w 76
	printf '

From MAILER-DAEMON Wed Jul 15 10:15:33 2020
'
	cat "$receipt"
} >"$tmp/big.mbox"
"$cli" parse-report --json --mbox "$tmp/big.mbox" >"$tmp/big.json"
code 1 $? "oversized message"
[ "$(wc -l <"$tmp/big.json")" -eq 3 ] || { echo "FAIL: oversized: not three lines"; fails=$((fails + 1)); }
sed -n 2p "$tmp/big.json" >"$tmp/b2"
sed -n 3p "$tmp/big.json" >"$tmp/b3"
has "$tmp/b2" '"ok":false' "oversized message"
has "$tmp/b2" '"code":"size_limit"' "oversized message"
has "$tmp/b2" '"offset":33554432' "oversized message"
has "$tmp/b3" '"status":"2.1.5"' "message after the oversized one"

# 8. files that cannot be read: exit 2, the file and the cause named
"$cli" parse-report --json "$tmp" >/dev/null 2>"$tmp/err"
code 2 $? "directory"
has "$tmp/err" "$tmp: Is a directory" "directory"
head -c 200 "$tmp/box.mbox.gz" >"$tmp/cut.gz"
"$cli" parse-report --json --mbox "$tmp/cut.gz" >/dev/null 2>"$tmp/err"
code 2 $? "truncated gzip"
has "$tmp/err" "$tmp/cut.gz: unexpected end of gzip data" "truncated gzip"
"$cli" parse-report --json "$tmp/nonexistent" >/dev/null 2>"$tmp/err"
has "$tmp/err" "$tmp/nonexistent: No such file or directory" "missing file"

if [ "$fails" -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
echo "parse-report: all checks passed"
