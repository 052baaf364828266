#!/bin/sh
# tests/cli/test_audit.sh CLI SRCDIR - `dsnguard audit`: the issue-2
# session under recommended and permissive (JSON and text), presets,
# --client/--auth/--policy, receipt headers, client-only pastes, exit codes.
CLI=$1
SRC=$2
S=$SRC/examples/data/session.txt
D=$SRC/tests/data/policy
T=${TMPDIR:-/tmp}/dsng-audit.$$
mkdir -p "$T" || exit 2
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
has() { grep -qF -- "$2" "$1" || fail "$3: '$2' not in $(cat "$1")"; }
hasnt() { ! grep -qF -- "$2" "$1" || fail "$3: '$2' unexpected"; }

# Recommended (the default): the RCPT with NOTIFY=SUCCESS is refused, so
# no receipt reaches spamvictim; permissive would have sent one.
"$CLI" audit "$S" --json > "$T/rec" || fail "recommended exit"
[ "$(wc -l < "$T/rec")" -eq 6 ] || fail "recommended: 6 objects expected"
has "$T/rec" '{"line":"EHLO localhost.localdomain","stage":"ehlo","action":"hide_dsn",' "ehlo"
has "$T/rec" '{"line":"RCPT TO:<legal_address@example.net> NOTIFY=SUCCESS","stage":"rcpt","action":"reject","reason":"NOTIFY=SUCCESS refused: DSN was not offered to 198.51.100.33 (untrusted, unauthenticated, smtp) (compliant refusal)","rule":"recommended:rcpt.unoffered","reply":"550 5.7.1 NOTIFY refused: delivery status notifications are not offered to this client","notify":["SUCCESS"]' "rcpt"
has "$T/rec" '{"line":"MAIL FROM:<spamvictim@victim.example>","stage":"mail","action":"accept",' "mail"
has "$T/rec" '"stage":"data","action":"accept"' "data"
has "$T/rec" '{"line":"QUIT","stage":"other","action":"accept"' "quit"
has "$T/rec" '{"summary":true,"client":"198.51.100.33","policy":"recommended","receipts":{"permissive":[{"to":"spamvictim@victim.example","rcpt":"legal_address@example.net","notify":["SUCCESS"]}],"policy":[]}' "summary"
# The DSN keyword is gone from the rewritten EHLO reply.
grep '"stage":"ehlo"' "$T/rec" | grep -q '250-DSN' && fail "DSN still in rewritten EHLO reply"
# Message content is never taken for commands.
hasnt "$T/rec" '"line":"Subject: Testing email."' "content as command"

"$CLI" audit "$S" --json --preset permissive > "$T/perm" || fail "permissive exit"
has "$T/perm" '"action":"accept","reason":"NOTIFY=SUCCESS honoured for 198.51.100.33' "permissive rcpt"
has "$T/perm" '"policy":"permissive","receipts":{"permissive":[{"to":"spamvictim@victim.example","rcpt":"legal_address@example.net","notify":["SUCCESS"]}],"policy":[{"to":"spamvictim@victim.example","rcpt":"legal_address@example.net","notify":["SUCCESS"]}]}' "permissive summary"

"$CLI" audit "$S" > "$T/text" || fail "text exit"
has "$T/text" "line 13   RCPT TO:<legal_address@example.net> NOTIFY=SUCCESS" "text line"
has "$T/text" "reply: 550 5.7.1 NOTIFY refused" "text reply"
has "$T/text" "Client: 198.51.100.33 from the greeting" "text client"
has "$T/text" "Return receipts under permissive: 1" "text permissive"
has "$T/text" "  to <spamvictim@victim.example> for delivery to <legal_address@example.net> (NOTIFY=SUCCESS)" "text receipt"
has "$T/text" "Return receipts under recommended: 0" "text policy"

# sendmail and Postfix presets answer as those MTAs do.
"$CLI" audit "$S" --json --preset sendmail-noreceipts > "$T/sm" || fail "sendmail exit"
has "$T/sm" '"reply":"504 5.7.0 Sorry, NOTIFY not supported, we do not allow DSN"' "sendmail reply"
"$CLI" audit "$S" --json --preset postfix-discard-dsn > "$T/pf" || fail "postfix exit"
has "$T/pf" '"reply":"501 5.7.1 DSN support is disabled"' "postfix reply"

# Authenticated or trusted clients keep their receipts under recommended.
"$CLI" audit "$S" --json --auth alice > "$T/auth" || fail "auth exit"
has "$T/auth" '"action":"advertise_dsn"' "auth ehlo"
has "$T/auth" '"policy":[{"to":"spamvictim@victim.example"' "auth receipt"
"$CLI" audit "$S" --json --policy "$D/good.conf" --client 10.9.8.7 > "$T/trust" || fail "trusted exit"
has "$T/trust" '"client":"10.9.8.7","policy":"' "trusted client"
has "$T/trust" '"trusted":true' "trusted flag"
has "$T/trust" ':9:ehlo.offer-dsn"' "rule with config line"
has "$T/trust" '"policy":[{"to":"spamvictim@victim.example"' "trusted receipt"
# The submission port counts under postfix-discard-dsn.
"$CLI" audit "$S" --json --preset postfix-discard-dsn --port 587 > "$T/587" || fail "587 exit"
has "$T/587" '"action":"advertise_dsn"' "587 ehlo"

# Receipt headers, folded ones too; RET=FULL downgraded; server refusals
# count (the 550'd recipient gets no receipt under permissive either).
"$CLI" audit "$D/receipts.txt" --json > "$T/hdr" || fail "headers exit"
has "$T/hdr" '{"line":"Disposition-Notification-To: victim@x.example","stage":"header","action":"strip"' "folded header"
has "$T/hdr" '{"line":"Return-Receipt-To: victim@x.example","stage":"header","action":"strip"' "rrt header"
hasnt "$T/hdr" 'body text, not a header' "body line as header"
has "$T/hdr" '"action":"downgrade"' "ret downgrade"
has "$T/hdr" '"rewritten":"MAIL FROM:<victim@x.example> RET=HDRS"' "ret rewritten"
has "$T/hdr" '"receipts":{"permissive":[{"to":"victim@x.example","rcpt":"a@b.example","notify":["SUCCESS","FAILURE"]}],"policy":[]}' "headers summary"
has "$T/hdr" '"receipt_headers":{"permissive":[{"header":"Disposition-Notification-To","to":"victim@x.example"},{"header":"Return-Receipt-To","to":"victim@x.example"}],"policy":[]}' "receipt headers"

# AUTH in the transcript (after EHLO) makes the client authenticated;
# STARTTLS makes the session TLS.
"$CLI" audit "$D/auth.txt" --json > "$T/auth2" || fail "auth transcript exit"
has "$T/auth2" '(untrusted, unauthenticated, TLS, smtp)' "starttls"
has "$T/auth2" '"line":"RCPT TO:<bob@example.org> NOTIFY=SUCCESS","stage":"rcpt","action":"accept"' "rcpt after auth"
has "$T/auth2" '"policy":[{"to":"alice@example.net","rcpt":"bob@example.org","notify":["SUCCESS"]}]' "auth receipt kept"

# Pipelined commands with "C:"/"S:" markers and CRLF: replies pair with
# commands in order, so only the recipient the server took gets a receipt,
# and a command-looking line inside the message is content.
"$CLI" audit "$D/pipelined.txt" --json --preset permissive > "$T/pipe" || fail "pipelined exit"
has "$T/pipe" '"receipts":{"permissive":[{"to":"a@x.example","rcpt":"two@example.net","notify":["SUCCESS"]}]' "pipelined receipts"
has "$T/pipe" '"line":"RCPT TO:<one@example.net> NOTIFY=SUCCESS","stage":"rcpt","action":"accept"' "pipelined rcpt"
has "$T/pipe" '"server_reply":550' "pipelined 550"
hasnt "$T/pipe" 'three@example.net' "pipelined content"

# Bounces (MAIL FROM:<>): the RCPT carries a verdict checked by BATV.
TAG=$("$CLI" batv sign --key text:secret --now "$(date +%s)" alice@example.net)
printf '<<< 220 mx.example.net ESMTP\n>>> EHLO mx.other.example\n<<< 250 mx.example.net Hello [192.0.2.99]\n>>> MAIL FROM:<>\n<<< 250 ok\n>>> RCPT TO:<%s>\n<<< 250 ok\n>>> RCPT TO:<prvs=0000abcdef=alice@example.net>\n<<< 250 ok\n' "$TAG" > "$T/bounce.txt"
"$CLI" audit "$T/bounce.txt" --json --policy "$D/batv.conf" > "$T/bo" || fail "bounce exit"
has "$T/bo" '"bounce":{"verdict":"legit","action":"accept"' "bounce legit"
has "$T/bo" '"bounce":{"verdict":"backscatter","action":"reject","reason":"backscatter: BATV bad_hash;' "bounce backscatter"

# A paste with client lines only: content after DATA is still content.
"$CLI" audit "$D/client_only.txt" --json --preset permissive > "$T/co" || fail "client-only exit"
hasnt "$T/co" 'looks-like-a-command' "content after DATA"
has "$T/co" '"rule":"parser:syntax","reply":"501 ' "syntax error line"
has "$T/co" '"rule":"rfc3461:rcpt.null-sender"' "null sender"
has "$T/co" '"client":null' "unknown client"

# Exit codes: 1 no client commands, 2 usage/I-O/bad policy.
"$CLI" audit "$D/no_client.txt" > /dev/null 2>&1; [ $? -eq 1 ] || fail "no client exit"
"$CLI" audit "$T/missing.txt" > /dev/null 2>&1; [ $? -eq 2 ] || fail "missing file exit"
"$CLI" audit "$S" --preset lax > /dev/null 2>&1; [ $? -eq 2 ] || fail "bad preset exit"
"$CLI" audit "$S" --policy "$D/unknown_key.conf" > /dev/null 2>&1; [ $? -eq 2 ] || fail "bad policy exit"
"$CLI" audit "$S" --client 999.1.1.1 > /dev/null 2>&1; [ $? -eq 2 ] || fail "bad client exit"
"$CLI" audit "$S" --port 0 > /dev/null 2>&1; [ $? -eq 2 ] || fail "bad port exit"
"$CLI" audit "$S" --policy "$D/good.conf" --preset permissive > /dev/null 2>&1; [ $? -eq 2 ] || fail "policy+preset exit"
"$CLI" audit > /dev/null 2>&1; [ $? -eq 2 ] || fail "no args exit"
"$CLI" audit "$S" --bogus > /dev/null 2>&1; [ $? -eq 2 ] || fail "unknown option exit"

[ $fails -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "audit: all checks passed"
