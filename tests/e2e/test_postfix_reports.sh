#!/bin/sh
# tests/e2e/test_postfix_reports.sh CLI SRCDIR - the MTA leg of issue 12
# (ctest e2e_postfix_reports, label e2e): the reports `dsnguard
# make-report` writes (failure with the whole message, delay with headers
# only, success for a trusted client under the legs' policy, and the RFC
# 6533 global form for a UTF-8 recipient) are each submitted to a private
# Postfix 3.7 as a message for local delivery (MAIL FROM:<>, the global one
# with SMTPUTF8 and BODY=8BITMIME).  Each must be accepted, delivered to
# the Maildir byte for byte (below the Return-Path, X-Original-To,
# Delivered-To and Received lines Postfix puts on top), read back by
# parse-report as the same kind of report without problems, and Postfix
# must log no warning, rejection or error.  Exit 77 (skip) when Postfix cannot run here.
CLI=$1
SRC=$2
E2E_HERE=$SRC/tests/e2e
. "$E2E_HERE/e2e.sh"
. "$E2E_HERE/postfix.sh"
pf_require

T=$(mktemp -d "${TMPDIR:-/tmp}/dsng-e2e-rep.XXXXXX") && chmod 755 "$T" || exit 1
cleanup() {
	pf_stop "$T/pf"
	[ -n "${E2E_KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
e2e_policy "$T/policy.conf"

printf 'From: Sender <sender@example.test>\nTo: rcpt@example.test\nSubject: the original\nMessage-ID: <orig.1@client.example.test>\nDate: Wed, 02 Dec 2026 03:00:00 +0000\n\nThe body, line 1.\n.A line that starts with a dot.\n' \
	> "$T/orig.eml"
printf 'From: Sender <sender@example.test>\nTo: j\303\274rgen@example.test\nSubject: Gr\303\274\303\237e\nMessage-ID: <orig.2@client.example.test>\nDate: Wed, 02 Dec 2026 03:00:00 +0000\n\nHallo.\n' \
	> "$T/orig-utf8.eml"

# spec NAME RET ADDR NOTIFY ACTION STATUS [DIAGNOSTIC]
spec() {
	diag=""
	[ -n "${7:-}" ] && diag=", \"diagnostic_code\": {\"type\": \"smtp\", \"text\": \"$7\"}"
	cat > "$T/$1.json" << EOF
{"reporting_mta": "mx.example.test",
 "envelope": {"from": "sender@example.test", "ret": "$2", "envid": "$1+2B1",
              "client": {"addr": "127.0.0.1", "helo": "client.example.test",
                         "port": 25, "service": "smtp"}},
 "recipients": [{"addr": "$3", "orcpt": "rfc822;$3", "notify": $4,
                 "action": "$5", "status": "$6",
                 "remote_mta": {"type": "dns", "name": "mx2.example.test"}$diag}]}
EOF
}
spec failure FULL gone@example.test '["FAILURE"]' failed 5.1.1 "550 5.1.1 <gone@example.test>: No such user"
spec delay HDRS slow@example.test '["DELAY"]' delayed 4.4.1 "421 4.4.1 Connection timed out"
spec success HDRS rcpt@example.test '["SUCCESS"]' delivered 2.0.0 "250 2.0.0 Ok: queued as 4711"
# no ORCPT here: its rfc822 type may not carry UTF-8 (RFC 6533 has utf-8)
cat > "$T/global.json" << EOF
{"reporting_mta": "mx.example.test",
 "envelope": {"from": "sender@example.test", "ret": "HDRS", "envid": "global+2B1",
              "client": {"addr": "127.0.0.1", "helo": "client.example.test",
                         "port": 25, "service": "smtp"}},
 "recipients": [{"addr": "j\u00fcrgen@example.test", "notify": ["FAILURE"],
                 "action": "failed", "status": "5.1.1",
                 "diagnostic_code": {"type": "smtp", "text": "550 5.1.1 No such user"}}]}
EOF

mkdir "$T/pf" && pf_configure "$T/pf" && pf_start "$T/pf" || exit 1
set -- $(pf_ports "$T/pf")
port=$1
for k in failure delay success global; do
	orig=$T/orig.eml
	params=""
	[ $k = global ] && orig=$T/orig-utf8.eml && params="--mail-param SMTPUTF8 --mail-param BODY=8BITMIME"
	"$CLI" make-report --policy "$T/policy.conf" "$T/$k.json" "$orig" \
		> "$T/$k.eml" 2> "$T/$k.err" || {
		e2e_fail "$k: make-report exit $?: $(cat "$T/$k.err")"
		continue
	}
	# shellcheck disable=SC2086
	e2e_client --port "$port" --source 127.0.0.1 --from "" \
		--to sender@example.test $params --file "$T/$k.eml" > "$T/$k.json.out"
	r=$(cat "$T/$k.json.out")
	e2e_check "$k: accepted at MAIL, RCPT and DATA" \
		"$(e2e_field "$r" mail.0) $(e2e_field "$r" rcpt.0) $(e2e_field "$r" data.0)" "250 250 250"
	# one at a time, so the Maildir file of each is known
	pf_wait_queue "$T/pf" 20 || e2e_fail "$k: not delivered in 20 s"
	f=$(pf_mail "$T/pf" sender | while read -r m; do
		grep -q -F "$(grep -m1 '^Message-ID:' "$T/$k.eml")" "$m" && echo "$m"
	done)
	if [ -z "$f" ]; then
		e2e_fail "$k: not in the Maildir"
		continue
	fi
	# what Postfix added on top, then the report as written
	awk 'NR == 1 && !/^Return-Path: <>$/ { exit 1 }
		!body && /^(Return-Path|X-Original-To|Delivered-To|Received):/ { skipping = 1; next }
		!body && /^[ \t]/ && skipping { next }
		{ body = 1; print }' "$f" > "$T/$k.got" 2> /dev/null
	if cmp -s "$T/$k.eml" "$T/$k.got"; then
		e2e_ok "$k: delivered byte for byte"
	else
		e2e_fail "$k: the delivered report differs: $(diff "$T/$k.eml" "$T/$k.got" | head -5)"
	fi
	"$CLI" parse-report --json "$f" > "$T/$k.parsed" 2>&1
	e2e_check "$k: parse-report of the delivered copy" "$(python3 -c 'import json, sys
r = json.loads(open(sys.argv[1]).readline())
print(r["kind"], r["recipients"][0]["action"], len(r["problems"]))' "$T/$k.parsed")" \
		"dsn $(sed -n 's/.*"action": "\([a-z]*\)".*/\1/p' "$T/$k.json" | head -1) 0"
done
pf_stop "$T/pf"
grep -q 'report-type=global-delivery-status' "$T/global.eml" ||
	e2e_fail "global: not the RFC 6533 form"
if grep -E 'warning|reject|error|fatal|panic' "$T/pf/log/maillog"; then
	e2e_fail "Postfix complained in its log"
else
	e2e_ok "Postfix logged no complaint"
fi
e2e_end
