#!/bin/sh
# tests/cli/test_make_report.sh CLI SRCDIR - `dsnguard make-report`: the
# report and its round trip through parse-report, --now determinism,
# --crlf, --max-returned, the policy's veto (exit 1, nothing written),
# NOTIFY and the null sender (exit 0, nothing written, a note), usage and
# bad SPECs (exit 2).
CLI=$1
T=${TMPDIR:-/tmp}/dsng-make-report.$$
mkdir -p "$T" || exit 2
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# spec FILE FROM CLIENT-JSON NOTIFY ACTION STATUS [EXTRA-RCPT-KEYS]
spec() {
	cat > "$1" <<EOF
{"reporting_mta": "mx.example.test", "arrival_date": 1795916640,
 "envelope": {"from": "$2", "ret": "FULL", "envid": "env+2B1",
              "client": $3},
 "recipients": [{"addr": "rcpt@example.test",
                 "orcpt": "rfc822;Rcpt+2Btag@example.test",
                 "notify": $4, "action": "$5", "status": "$6",
                 "remote_mta": {"type": "dns", "name": "mx2.example.net"},
                 "diagnostic_code": {"type": "smtp", "text": "250 2.0.0 Ok: queued as 4711"},
                 "last_attempt_date": "Sun, 29 Nov 2026 01:44:30 +0000"$7}]}
EOF
}
STRANGER='{"addr": "203.0.113.66", "client_name": null, "helo": "spam.example", "auth_user": null, "tls": false, "port": 25, "service": "smtp"}'
TRUSTED='{"addr": "192.0.2.7", "helo": "client.example.org", "port": 25, "service": "smtp"}'
AUTHED='{"addr": "203.0.113.66", "helo": "laptop.example.org", "auth_user": "alice", "tls": true, "port": 587, "service": "submission"}'

printf 'Return-Path: <sender@example.org>\nFrom: Sender <sender@example.org>\nTo: rcpt@example.test\nSubject: hello there\nMessage-ID: <orig.1@example.org>\n\nThe body, line 1.\nThe body, line 2.\n' > "$T/orig.eml"

# --- a failure report, without a policy: written, and it reads back
spec "$T/fail.json" sender@example.org "$STRANGER" '["FAILURE"]' failed 5.1.1
"$CLI" make-report --no-policy --now 2026-11-29T01:45:00Z "$T/fail.json" "$T/orig.eml" > "$T/fail.eml" 2> "$T/err"
[ $? -eq 0 ] || fail "failure report: exit"
[ -s "$T/err" ] && fail "failure report: stderr not empty: $(cat "$T/err")"
grep -q '^Content-Type: multipart/report; report-type=delivery-status;' "$T/fail.eml" || fail "multipart/report"
grep -q '^To: <sender@example.org>$' "$T/fail.eml" || fail "To"
grep -q '^From: Mail Delivery System <MAILER-DAEMON@mx.example.test>$' "$T/fail.eml" || fail "From"
grep -q '^Auto-Submitted: auto-replied$' "$T/fail.eml" || fail "Auto-Submitted"
grep -q '^Date: Sun, 29 Nov 2026 01:45:00 +0000$' "$T/fail.eml" || fail "Date from --now"
grep -q '^Subject: Delivery Status Notification (Failure)$' "$T/fail.eml" || fail "Subject"
grep -q '^Content-Type: message/rfc822$' "$T/fail.eml" || fail "RET=FULL returns the message"
grep -q '^The body, line 2.$' "$T/fail.eml" || fail "body returned"
out=$("$CLI" parse-report --json "$T/fail.eml")
case "$out" in
*'"kind":"dsn"'*) ;; *) fail "parse-report kind: $out" ;;
esac
for want in '"original_envelope_id":"env+1"' \
	'"original_recipient":{"type":"rfc822","addr":"Rcpt+tag@example.test"}' \
	'"final_recipient":{"type":"rfc822","addr":"rcpt@example.test"}' \
	'"action":"failed"' '"status":"5.1.1"' \
	'"remote_mta":{"type":"dns","name":"mx2.example.net"}' \
	'"received_from_mta":{"type":"dns","name":"spam.example"}' \
	'"arrival_ts":1795916640' '"last_attempt_ts":1795916670' \
	'"subject":"hello there"' '"problems":[]' '"truncated":false'; do
	case "$out" in
	*"$want"*) ;; *) fail "round trip lacks $want: $out" ;;
	esac
done

# --- --now makes it the same byte for byte; without it, it differs
"$CLI" make-report --no-policy --now 1795916700 "$T/fail.json" "$T/orig.eml" > "$T/again.eml"
cmp -s "$T/fail.eml" "$T/again.eml" || fail "--now as seconds is not the same report"
"$CLI" make-report --no-policy "$T/fail.json" "$T/orig.eml" > "$T/now1.eml"
"$CLI" make-report --no-policy "$T/fail.json" "$T/orig.eml" > "$T/now2.eml"
cmp -s "$T/now1.eml" "$T/now2.eml" && fail "without --now two reports are identical"

# --- --crlf: CRLF on every line, LF alone nowhere
"$CLI" make-report --no-policy --crlf --now 2026-11-29 "$T/fail.json" "$T/orig.eml" > "$T/crlf.eml"
lines=$(wc -l < "$T/crlf.eml")
crs=$(tr -cd '\r' < "$T/crlf.eml" | wc -c)
[ "$lines" -gt 20 ] && [ "$lines" -eq "$crs" ] || fail "--crlf: $lines lines, $crs CRs"
lines=$(wc -l < "$T/fail.eml")
crs=$(tr -cd '\r' < "$T/fail.eml" | wc -c)
[ "$crs" -eq 0 ] || fail "LF output has CRs"
"$CLI" parse-report --json "$T/crlf.eml" | grep -q '"problems":\[\]' || fail "--crlf report reads back with problems"
grep -q '^Arrival-Date: Sun, 29 Nov 2026 01:44:00 +0000' "$T/fail.eml" || fail "arrival date as seconds"

# --- --max-returned: cut, with a note
"$CLI" make-report --no-policy --now 2026-11-29 --max-returned 150 "$T/fail.json" "$T/orig.eml" > "$T/cut.eml"
grep -q 'cut to its' "$T/cut.eml" || fail "--max-returned note"
grep -q 'line 2' "$T/cut.eml" && fail "--max-returned did not cut"
"$CLI" make-report --no-policy --now 2026-11-29 --max-returned 0 "$T/fail.json" "$T/orig.eml" > "$T/none.eml"
grep -q '^Content-Type: message/rfc822' "$T/none.eml" && fail "--max-returned 0 still returns"
# no ORIGINAL: no returned part
"$CLI" make-report --no-policy --now 2026-11-29 "$T/fail.json" > "$T/noorig.eml" || fail "no ORIGINAL: exit"
grep -q 'rfc822-headers\|message/rfc822' "$T/noorig.eml" && fail "no ORIGINAL, yet a returned part"
# RET absent means headers only
sed 's/"ret": "FULL", //' "$T/fail.json" > "$T/noret.json"
"$CLI" make-report --no-policy --now 2026-11-29 "$T/noret.json" "$T/orig.eml" > "$T/noret.eml"
grep -q '^Content-Type: text/rfc822-headers$' "$T/noret.eml" || fail "RET absent: headers only"
grep -q 'The body' "$T/noret.eml" && fail "RET absent: the body was returned"

# --- the veto: a stranger's receipt under recommended (the default)
spec "$T/stranger.json" victim@example.org "$STRANGER" '["SUCCESS"]' delivered 2.0.0
"$CLI" make-report --now 2026-11-29 "$T/stranger.json" "$T/orig.eml" > "$T/out" 2> "$T/err"
[ $? -eq 1 ] || fail "stranger's receipt: exit 1 expected"
[ -s "$T/out" ] && fail "stranger's receipt: something was written"
grep -q 'rcpt@example.test>: vetoed: .*203.0.113.66' "$T/err" || fail "veto reason on stderr: $(cat "$T/err")"
grep -q 'nothing written' "$T/err" || fail "veto note"
"$CLI" make-report --preset recommended --now 2026-11-29 "$T/stranger.json" > /dev/null 2>&1
[ $? -eq 1 ] || fail "--preset recommended: exit 1 expected"
"$CLI" make-report --preset permissive --now 2026-11-29 "$T/stranger.json" > "$T/out" 2>/dev/null
[ $? -eq 0 ] && [ -s "$T/out" ] || fail "permissive writes the receipt"

# ... and with an explicit policy: trusted and authenticated clients get it
cat > "$T/policy.conf" <<'EOF'
preset = permissive
[trusted-networks]
192.0.2.0/24
[rcpt]
success-from = trusted, authenticated
[generate]
check-clients = yes
EOF
"$CLI" make-report --policy "$T/policy.conf" --now 2026-11-29 "$T/stranger.json" > "$T/out" 2> "$T/err"
[ $? -eq 1 ] || fail "policy file: stranger exit 1 expected"
[ -s "$T/out" ] && fail "policy file: stranger written"
grep -q 'policy.conf:rcpt.success-from' "$T/err" || fail "policy file: rule on stderr: $(cat "$T/err")"
spec "$T/trusted.json" victim@example.org "$TRUSTED" '["SUCCESS"]' delivered 2.0.0
"$CLI" make-report --policy "$T/policy.conf" --now 2026-11-29 "$T/trusted.json" > "$T/out" 2> "$T/err"
[ $? -eq 0 ] || fail "trusted client: exit 0 expected ($(cat "$T/err"))"
grep -q '^Action: delivered$' "$T/out" || fail "trusted client: report"
grep -q 'Subject: Delivery Status Notification (Success)' "$T/out" || fail "success subject"
spec "$T/authed.json" victim@example.org "$AUTHED" '["SUCCESS"]' delivered 2.0.0
"$CLI" make-report --policy "$T/policy.conf" --now 2026-11-29 "$T/authed.json" "$T/orig.eml" > "$T/out" 2> "$T/err"
[ $? -eq 0 ] && [ -s "$T/out" ] || fail "authenticated client: written ($(cat "$T/err"))"
# a success report returns headers only, even with RET=FULL
grep -q '^Content-Type: text/rfc822-headers$' "$T/out" || fail "success report: headers only"

# --- NOTIFY leaves nobody: exit 0, nothing written, a note
spec "$T/never.json" sender@example.org "$STRANGER" '["NEVER"]' failed 5.1.1
"$CLI" make-report --now 2026-11-29 "$T/never.json" > "$T/out" 2> "$T/err"
[ $? -eq 0 ] || fail "NEVER: exit 0 expected"
[ -s "$T/out" ] && fail "NEVER: something written"
grep -q 'nothing to report' "$T/err" || fail "NEVER: note"
spec "$T/absent.json" sender@example.org "$TRUSTED" null delivered 2.0.0
"$CLI" make-report --no-policy --now 2026-11-29 "$T/absent.json" > "$T/out" 2> "$T/err"
[ $? -eq 0 ] && [ ! -s "$T/out" ] || fail "NOTIFY absent, delivered: no report"
grep -q 'without NOTIFY only failed and delayed' "$T/err" || fail "absent NOTIFY note: $(cat "$T/err")"
spec "$T/absentf.json" sender@example.org "$TRUSTED" null failed 5.1.1
"$CLI" make-report --no-policy --now 2026-11-29 "$T/absentf.json" > "$T/out" 2>/dev/null
[ $? -eq 0 ] && grep -q '^Action: failed$' "$T/out" || fail "NOTIFY absent, failed: reported"
spec "$T/null.json" '' "$STRANGER" '["FAILURE"]' failed 5.1.1
"$CLI" make-report --no-policy --now 2026-11-29 "$T/null.json" > "$T/out" 2> "$T/err"
[ $? -eq 0 ] && [ ! -s "$T/out" ] || fail "null sender: no report"
grep -q 'envelope sender is null' "$T/err" || fail "null sender note"

# --- delayed with will_retry_until; UTF-8: the global form
spec "$T/delay.json" sender@example.org "$TRUSTED" '["DELAY"]' delayed 4.4.1 ', "will_retry_until": 1796348640'
"$CLI" make-report --no-policy --now 2026-11-29 "$T/delay.json" > "$T/out" || fail "delayed: exit"
grep -q '^Will-Retry-Until: Fri, 04 Dec 2026 01:44:00 +0000$' "$T/out" || fail "Will-Retry-Until"
sed 's/"addr": "rcpt@example.test"/"addr": "jörg@bücher.test"/' "$T/fail.json" > "$T/utf8.json"
"$CLI" make-report --no-policy --now 2026-11-29 "$T/utf8.json" "$T/orig.eml" > "$T/out" || fail "utf-8: exit"
grep -q '^Content-Type: message/global-delivery-status$' "$T/out" || fail "global delivery status"
grep -q '^Final-Recipient: utf-8; jörg@bücher.test$' "$T/out" || fail "utf-8 final recipient"
grep -q '^Content-Type: message/global$' "$T/out" || fail "message/global"
"$CLI" parse-report --json "$T/out" | grep -q '"global":true.*"problems":\[\]' || fail "global reads back"

# --- bad SPECs and usage: exit 2
bad() { # name json
	printf '%s' "$2" > "$T/bad.json"
	"$CLI" make-report --no-policy "$T/bad.json" > "$T/out" 2> "$T/err"
	[ $? -eq 2 ] || fail "bad spec $1: exit 2 expected"
	[ -s "$T/out" ] && fail "bad spec $1: output"
	[ -s "$T/err" ] || fail "bad spec $1: no message"
}
bad json '{"reporting_mta": '
bad unknown-key '{"reporting_mta": "mx.example.test", "recipients": [], "envelope": {"from": "a@b.example"}, "colour": 1}'
bad rcpt-key '{"reporting_mta": "mx.example.test", "envelope": {"from": "a@b.example"}, "recipients": [{"addr": "x@y.example", "action": "failed", "notfiy": null}]}'
bad action '{"reporting_mta": "mx.example.test", "envelope": {"from": "a@b.example"}, "recipients": [{"addr": "x@y.example", "action": "bounced"}]}'
bad notify '{"reporting_mta": "mx.example.test", "envelope": {"from": "a@b.example"}, "recipients": [{"addr": "x@y.example", "action": "failed", "notify": ["SUCESS"]}]}'
bad date '{"reporting_mta": "mx.example.test", "arrival_date": "yesterday", "envelope": {"from": "a@b.example"}, "recipients": []}'
bad address '{"reporting_mta": "mx.example.test", "envelope": {"from": "a@b.example"}, "recipients": [{"addr": "no at sign", "action": "failed"}]}'
bad status '{"reporting_mta": "mx.example.test", "envelope": {"from": "a@b.example"}, "recipients": [{"addr": "x@y.example", "action": "failed", "status": "2.0.0"}]}'
bad client '{"reporting_mta": "mx.example.test", "envelope": {"from": "a@b.example", "client": {"addr": "not-an-ip"}}, "recipients": []}'
bad no-mta '{"envelope": {"from": "a@b.example"}, "recipients": []}'
"$CLI" make-report > /dev/null 2>&1; [ $? -eq 2 ] || fail "no SPEC: exit 2"
"$CLI" make-report --no-policy --preset recommended "$T/fail.json" > /dev/null 2>&1; [ $? -eq 2 ] || fail "--no-policy with --preset: exit 2"
"$CLI" make-report --now 2026-02-30 "$T/fail.json" > /dev/null 2>&1; [ $? -eq 2 ] || fail "bad --now: exit 2"
"$CLI" make-report --now 2026-11-29T25:00:00Z "$T/fail.json" > /dev/null 2>&1; [ $? -eq 2 ] || fail "bad --now time: exit 2"
"$CLI" make-report --max-returned -1 "$T/fail.json" > /dev/null 2>&1; [ $? -eq 2 ] || fail "bad --max-returned: exit 2"
"$CLI" make-report --preset nosuch "$T/fail.json" > /dev/null 2>&1; [ $? -eq 2 ] || fail "unknown preset: exit 2"
"$CLI" make-report --policy "$T/none.conf" "$T/fail.json" > /dev/null 2>&1; [ $? -eq 2 ] || fail "missing policy: exit 2"
"$CLI" make-report --no-policy "$T/nosuch.json" > /dev/null 2>&1; [ $? -eq 2 ] || fail "missing SPEC: exit 2"
"$CLI" make-report --no-policy "$T/fail.json" "$T/nosuch.eml" > "$T/out" 2>&1; [ $? -eq 2 ] || fail "missing ORIGINAL: exit 2"
"$CLI" make-report --frob "$T/fail.json" > /dev/null 2>&1; [ $? -eq 2 ] || fail "unknown option: exit 2"
"$CLI" make-report --help | grep -q 'usage: dsnguard make-report' || fail "--help"

[ $fails -eq 0 ] && echo "make-report: all checks passed"
[ $fails -eq 0 ]
