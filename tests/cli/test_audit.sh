#!/bin/sh
# tests/cli/test_audit.sh CLI SRCDIR - `dsnguard audit`: the issue-2
# session under recommended and permissive (JSON and text), presets,
# --client/--auth/--policy, receipt headers, client-only pastes, logins
# where a server sees them (AUTH, --auth after EHLO, auth_source), receipts
# without DATA, --fail-on-receipt, swaks transcripts (audit and parse-cmd
# --transcript), exit codes.
CLI=$1
SRC=$2
S=$SRC/examples/data/session.txt
D=$SRC/tests/data/policy
W=$SRC/tests/data/swaks
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
# --auth stands in for a login the transcript does not show, applied right
# after EHLO as a server would see it: the EHLO decision (port 25) does not
# offer DSN, and the RCPT is honoured, leniently.
"$CLI" audit "$S" --json --auth alice > "$T/auth" || fail "auth exit"
has "$T/auth" '{"line":"EHLO localhost.localdomain","stage":"ehlo","action":"hide_dsn","reason":"DSN not offered to 198.51.100.33 (untrusted, unauthenticated, smtp)' "auth ehlo"
has "$T/auth" '"line":"RCPT TO:<legal_address@example.net> NOTIFY=SUCCESS","stage":"rcpt","action":"accept","reason":"NOTIFY=SUCCESS honoured for 198.51.100.33 (untrusted, authenticated as alice, smtp); lenient: DSN was not offered to this client in EHLO, but it has authenticated since' "auth rcpt"
has "$T/auth" '"compliance":"lenient"' "auth rcpt lenient"
has "$T/auth" '"policy":[{"to":"spamvictim@victim.example"' "auth receipt"
has "$T/auth" '"auth_source":"option"' "auth source option"
"$CLI" audit "$S" --auth alice > "$T/authtext" || fail "auth text exit"
has "$T/authtext" "Login: alice, from --auth (applied after EHLO)" "auth text login"
"$CLI" audit "$D/auth.txt" > "$T/auth2text" || fail "auth transcript text exit"
has "$T/auth2text" "Login: at the transcript's AUTH (235)" "auth transcript text login"
# On the submission port the same user is offered DSN at EHLO.
"$CLI" audit "$S" --json --auth alice --port 587 > "$T/auth587" || fail "auth 587 exit"
has "$T/auth587" '"stage":"ehlo","action":"advertise_dsn","reason":"DSN offered to 198.51.100.33 (untrusted, unauthenticated, submission)' "auth 587 ehlo"
has "$T/auth587" '"stage":"rcpt","action":"accept","reason":"NOTIFY=SUCCESS honoured for 198.51.100.33 (untrusted, authenticated as alice, submission) (compliant)"' "auth 587 rcpt"
# Without a login, 587 offers DSN but refuses the receipt, compliantly.
"$CLI" audit "$S" --json --port 587 > "$T/587rec" || fail "587 recommended exit"
has "$T/587rec" '"stage":"ehlo","action":"advertise_dsn"' "587 unauth ehlo"
has "$T/587rec" '"stage":"rcpt","action":"reject","reason":"NOTIFY=SUCCESS refused: 198.51.100.33 (untrusted, unauthenticated, submission) may not ask for SUCCESS notices (rcpt.success-from; compliant refusal)","rule":"recommended:rcpt.success-from","reply":"550 5.7.1 NOTIFY=SUCCESS is not accepted from this client: delivery receipts are offered to trusted senders only"' "587 unauth rcpt"
has "$T/587rec" '"policy":[]}' "587 unauth no receipt"
has "$T/587rec" '"auth_source":null' "no auth source"
# Loopback is trusted by default: a local client keeps its receipts.
"$CLI" audit "$S" --json --client 127.0.0.1 > "$T/lo" || fail "loopback exit"
has "$T/lo" '"stage":"ehlo","action":"advertise_dsn","reason":"DSN offered to 127.0.0.1 (trusted, ' "loopback ehlo"
has "$T/lo" '"trusted":true' "loopback trusted"
has "$T/lo" '"policy":[{"to":"spamvictim@victim.example"' "loopback receipt"
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

# AUTH in the transcript (after EHLO) makes the client authenticated at
# its 235; STARTTLS makes the session TLS.  On port 25 DSN was not offered,
# so the receipt is honoured leniently; on 587 it was, and it is compliant.
"$CLI" audit "$D/auth.txt" --json > "$T/auth2" || fail "auth transcript exit"
has "$T/auth2" '(untrusted, unauthenticated, TLS, smtp)' "starttls"
has "$T/auth2" '"line":"RCPT TO:<bob@example.org> NOTIFY=SUCCESS","stage":"rcpt","action":"accept"' "rcpt after auth"
has "$T/auth2" '"compliance":"lenient"' "rcpt after auth lenient"
has "$T/auth2" '"policy":[{"to":"alice@example.net","rcpt":"bob@example.org","notify":["SUCCESS"]}]' "auth receipt kept"
has "$T/auth2" '"auth_source":"transcript"' "auth source transcript"
"$CLI" audit "$D/auth.txt" --json --port 587 > "$T/auth3" || fail "auth transcript 587 exit"
has "$T/auth3" '"line":"RCPT TO:<bob@example.org> NOTIFY=SUCCESS","stage":"rcpt","action":"accept","reason":"NOTIFY=SUCCESS honoured for 203.0.113.50 (untrusted, authenticated as (AUTH in transcript), TLS, submission) (compliant)"' "587 rcpt after auth"
# The transcript's AUTH wins over --auth (which is only the fallback), and
# a refused AUTH leaves the client unauthenticated.
"$CLI" audit "$D/auth.txt" --json --auth mallory > "$T/auth4" 2> "$T/auth4.err" || fail "auth+option exit"
has "$T/auth4" '"auth_source":"transcript"' "transcript auth wins"
hasnt "$T/auth4" 'mallory' "option user unused"
has "$T/auth4.err" '--auth mallory not used: the transcript shows its own AUTH' "auth note"
sed 's/^<<< 235 .*/<<< 535 5.7.8 Authentication credentials invalid/' "$D/auth.txt" > "$T/badauth.txt"
"$CLI" audit "$T/badauth.txt" --json --auth alice > "$T/auth5" 2>/dev/null || fail "refused auth exit"
has "$T/auth5" '"auth_source":null' "refused auth source"
has "$T/auth5" '"stage":"rcpt","action":"reject","reason":"NOTIFY=SUCCESS refused: DSN was not offered to 203.0.113.50 (untrusted, unauthenticated, TLS, smtp)' "refused auth rcpt"

# A transcript without DATA still shows what the server agreed to: the
# README's four lines give one receipt under permissive, none under
# recommended; a probe that ends with RSET and QUIT too; a message the
# server refused gives none.
printf '>>> MAIL FROM:<spamvictim@victim.example>\n<<< 250 2.1.0 <spamvictim@victim.example>... Sender ok\n>>> RCPT TO:<legal_address@example.net> NOTIFY=SUCCESS\n<<< 250 2.1.5 <legal_address@example.net>... Recipient ok\n' > "$T/four.txt"
"$CLI" audit "$T/four.txt" > "$T/four" || fail "no-data exit"
has "$T/four" "Return receipts under permissive: 1" "no-data permissive"
has "$T/four" "  to <spamvictim@victim.example> for delivery to <legal_address@example.net> (NOTIFY=SUCCESS)" "no-data receipt"
has "$T/four" "Return receipts under recommended: 0" "no-data recommended"
printf '>>> EHLO probe.example\n<<< 250-mx.example.net Hello probe.example [192.0.2.7]\n<<< 250 DSN\n>>> MAIL FROM:<a@probe.example>\n<<< 250 ok\n>>> RCPT TO:<b@example.net> NOTIFY=SUCCESS\n<<< 250 ok\n>>> RSET\n<<< 250 ok\n>>> QUIT\n<<< 221 bye\n' > "$T/probe.txt"
"$CLI" audit "$T/probe.txt" --json --preset permissive > "$T/probe" || fail "probe exit"
has "$T/probe" '"receipts":{"permissive":[{"to":"a@probe.example","rcpt":"b@example.net","notify":["SUCCESS"]}],"policy":[{"to":"a@probe.example","rcpt":"b@example.net","notify":["SUCCESS"]}]}' "probe receipts"
sed 's/^<<< 354 .*/<<< 554 5.7.1 no thanks/' "$D/auth.txt" > "$T/nodata.txt"
"$CLI" audit "$T/nodata.txt" --json --preset permissive > "$T/nodata" || fail "refused data exit"
has "$T/nodata" '"receipts":{"permissive":[],"policy":[]}' "refused data no receipts"

# --fail-on-receipt: exit 1 when the chosen policy would still mail a
# receipt for an unauthenticated, untrusted client, told apart from an
# unreadable transcript by the summary's fail_on_receipt.
"$CLI" audit "$S" --json --fail-on-receipt > "$T/f1"; [ $? -eq 0 ] || fail "fail-on-receipt recommended exit"
has "$T/f1" '"fail_on_receipt":false' "fail-on-receipt false"
"$CLI" audit "$S" --json --fail-on-receipt --preset permissive > "$T/f2"; [ $? -eq 1 ] || fail "fail-on-receipt permissive exit"
has "$T/f2" '"fail_on_receipt":true' "fail-on-receipt true"
"$CLI" audit "$S" --fail-on-receipt --preset permissive > "$T/f3"; [ $? -eq 1 ] || fail "fail-on-receipt text exit"
has "$T/f3" "Fail on receipt: yes (1 receipt under permissive for an unauthenticated, untrusted client)" "fail-on-receipt text"
"$CLI" audit "$D/auth.txt" --json --fail-on-receipt --preset permissive > "$T/f4"; [ $? -eq 0 ] || fail "fail-on-receipt authenticated exit"
has "$T/f4" '"fail_on_receipt":false' "fail-on-receipt authenticated"
"$CLI" audit "$S" --json --fail-on-receipt --client 127.0.0.1 > "$T/f5"; [ $? -eq 0 ] || fail "fail-on-receipt trusted exit"
has "$T/f5" '"fail_on_receipt":false' "fail-on-receipt trusted"
"$CLI" audit "$T/four.txt" --json --fail-on-receipt --preset permissive > /dev/null; [ $? -eq 1 ] || fail "fail-on-receipt no-data exit"
"$CLI" audit "$D/no_client.txt" --json --fail-on-receipt > "$T/f6" 2>/dev/null; [ $? -eq 1 ] || fail "fail-on-receipt unreadable exit"
hasnt "$T/f6" 'fail_on_receipt' "unreadable has no summary"
hasnt "$T/rec" 'fail_on_receipt' "no key without the flag"

# swaks output: " -> "/"<-  ", " ~> "/"<~  " after STARTTLS, "<** " for
# refusals, "=== " notes; AUTH LOGIN's answers to 334 are not commands.
# A submission user on 587 keeps the receipt; the stranger on 25 does not.
"$CLI" audit "$W/swaks-587-auth.txt" --json --port 587 > "$T/sw1" || fail "swaks 587 exit"
has "$T/sw1" '{"line":"EHLO laptop.example","stage":"ehlo","action":"advertise_dsn"' "swaks 587 ehlo"
has "$T/sw1" '{"line":"AUTH PLAIN AGFsaWNlAHNlY3JldA==","stage":"other","action":"accept"' "swaks auth line"
has "$T/sw1" '"stage":"rcpt","action":"accept","reason":"NOTIFY=SUCCESS honoured for 198.51.100.25 (untrusted, authenticated as (AUTH in transcript), submission) (compliant)"' "swaks 587 rcpt"
has "$T/sw1" '"receipts":{"permissive":[{"to":"alice@example.net","rcpt":"bob@example.org","notify":["SUCCESS"]}],"policy":[{"to":"alice@example.net","rcpt":"bob@example.org","notify":["SUCCESS"]}]}' "swaks 587 receipts"
has "$T/sw1" '"client":"198.51.100.25"' "swaks client from greeting"
has "$T/sw1" '"auth_source":"transcript"' "swaks auth source"
hasnt "$T/sw1" '"line":"Subject: test"' "swaks content as command"
"$CLI" audit "$W/swaks-587-starttls-auth.txt" --json --port 587 > "$T/sw2" || fail "swaks starttls auth exit"
[ "$(grep -c '"stage":"ehlo"' "$T/sw2")" -eq 2 ] || fail "swaks starttls: two EHLOs"
has "$T/sw2" '"stage":"ehlo","action":"advertise_dsn","reason":"DSN offered to 198.51.100.25 (untrusted, unauthenticated, TLS, submission)' "swaks ehlo after starttls"
has "$T/sw2" '{"line":"AUTH LOGIN","stage":"other","action":"accept"' "swaks auth login"
hasnt "$T/sw2" 'YWxpY2U=' "swaks sasl response as command"
has "$T/sw2" '"policy":[{"to":"alice@example.net","rcpt":"bob@example.org","notify":["SUCCESS"]}]' "swaks auth login receipt"
has "$T/sw2" '"auth_source":"transcript"' "swaks auth login source"
"$CLI" audit "$W/swaks-25-starttls.txt" --json --fail-on-receipt > "$T/sw3" || fail "swaks stranger exit"
has "$T/sw3" '"stage":"rcpt","action":"reject","reason":"NOTIFY=SUCCESS refused: DSN was not offered to 198.51.100.25 (untrusted, unauthenticated, TLS, smtp) (compliant refusal)","rule":"recommended:rcpt.unoffered"' "swaks stranger rcpt"
has "$T/sw3" '"receipts":{"permissive":[{"to":"spamvictim@victim.example","rcpt":"legal_address@example.net","notify":["SUCCESS"]}],"policy":[]}' "swaks stranger receipts"
has "$T/sw3" '"fail_on_receipt":false' "swaks stranger fail flag"
has "$T/sw3" '{"line":"Disposition-Notification-To: spamvictim@victim.example","stage":"header","action":"strip"' "swaks receipt header"
hasnt "$T/sw3" '"line":"hello"' "swaks body as header"
# Trailing blanks trimmed by an editor (" ->" for an empty line) still
# end the headers.
tr -d '\r' < "$W/swaks-25-starttls.txt" | sed 's/ *$//' > "$T/trimmed.txt"
"$CLI" audit "$T/trimmed.txt" --json > "$T/sw5" || fail "swaks trimmed exit"
has "$T/sw5" '{"line":"Disposition-Notification-To: spamvictim@victim.example","stage":"header","action":"strip"' "swaks trimmed header"
hasnt "$T/sw5" 'hello' "swaks trimmed body as header"
"$CLI" audit "$W/swaks-25-starttls.txt" --json --fail-on-receipt --preset permissive > /dev/null; [ $? -eq 1 ] || fail "swaks stranger permissive exit"
"$CLI" audit "$W/swaks-587-noauth.txt" --json --port 587 > "$T/sw4" || fail "swaks noauth exit"
has "$T/sw4" '{"line":"MAIL FROM:<alice@example.net>","stage":"mail","action":"accept"' "swaks refused mail"
has "$T/sw4" '"server_reply":530' "swaks <** reply"
has "$T/sw4" '"receipts":{"permissive":[],"policy":[]}' "swaks noauth receipts"
# The same reader serves parse-cmd --transcript: only the commands.
"$CLI" parse-cmd --transcript "$W/swaks-587-starttls-auth.txt" > "$T/pc" || fail "swaks parse-cmd exit"
[ "$(wc -l < "$T/pc")" -eq 9 ] || fail "swaks parse-cmd: 8 commands and a note expected, got $(cat "$T/pc")"
has "$T/pc" "ok    AUTH LOGIN" "swaks parse-cmd auth"
has "$T/pc" "ok    RCPT TO:<bob@example.org> NOTIFY=SUCCESS ORCPT=rfc822;bob@example.org>" "swaks parse-cmd rcpt"
hasnt "$T/pc" "YWxpY2U=" "swaks parse-cmd sasl"
hasnt "$T/pc" "X-Mailer" "swaks parse-cmd content"
"$CLI" parse-cmd --transcript --json "$W/swaks-25-starttls.txt" > "$T/pc2" || fail "swaks parse-cmd json exit"
[ "$(wc -l < "$T/pc2")" -eq 7 ] || fail "swaks parse-cmd json: 7 commands expected"
has "$T/pc2" '{"ok":true,"verb":"STARTTLS"' "swaks parse-cmd starttls"

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

# Standard input ("-") and a gzip-compressed transcript read the same.
"$CLI" audit - --json < "$S" > "$T/stdin" || fail "stdin exit"
cmp -s "$T/rec" "$T/stdin" || fail "stdin differs from the file"
gzip -c "$S" > "$T/session.txt.gz"
"$CLI" audit "$T/session.txt.gz" --json > "$T/gz" || fail "gzip exit"
cmp -s "$T/rec" "$T/gz" || fail "gzip differs from the file"

# A raw capture (the first line ends in CRLF): only CRLF ends a line, so
# the bare-LF "." inside DATA does not end the content, and what follows
# it (a smuggled MAIL/RCPT) is message content, not commands.  The same
# session pasted with LF line ends ends DATA there, as a pasted session
# does.
printf '<<< 220 mx.example.net ESMTP\r\n>>> EHLO client.example\r\n<<< 250-mx.example.net Hello client.example [198.51.100.33]\r\n<<< 250-DSN\r\n<<< 250 PIPELINING\r\n>>> MAIL FROM:<a@example.org>\r\n<<< 250 ok\r\n>>> RCPT TO:<b@example.net>\r\n<<< 250 ok\r\n>>> DATA\r\n<<< 354 go ahead\r\n>>> Subject: hi\r\n>>> \r\n>>> body\n.\n>>> MAIL FROM:<spoof@victim.example>\n>>> RCPT TO:<x@example.net> NOTIFY=SUCCESS\n>>> DATA\n>>> smuggled\r\n>>> .\r\n<<< 250 ok queued\r\n>>> QUIT\r\n<<< 221 bye\r\n' > "$T/raw.txt"
"$CLI" audit "$T/raw.txt" --json --preset permissive > "$T/raw" || fail "raw capture exit"
hasnt "$T/raw" 'spoof@victim.example' "raw capture: smuggled MAIL taken for a command"
hasnt "$T/raw" 'x@example.net' "raw capture: smuggled RCPT taken for a command"
[ "$(grep -c '"stage":"data"' "$T/raw")" -eq 1 ] || fail "raw capture: one DATA"
has "$T/raw" '"receipts":{"permissive":[],"policy":[]}' "raw capture: no receipt"
has "$T/raw" '{"line":"QUIT","stage":"other","action":"accept","reason":"no DSN policy applies to QUIT","rule":"policy:other","reply":null,"lineno":17,' "raw capture: QUIT on line 17"
tr -d '\r' < "$T/raw.txt" > "$T/pasted.txt"
"$CLI" audit "$T/pasted.txt" --json --preset permissive > "$T/pasted" || fail "pasted exit"
has "$T/pasted" '"line":"MAIL FROM:<spoof@victim.example>"' "pasted: bare LF ends DATA"
has "$T/pasted" '"to":"spoof@victim.example","rcpt":"x@example.net"' "pasted: the receipt it leads to"

# A long transcript is replayed a window at a time: many sessions in a
# row give each session's decisions (a message's body costs nothing).
{
	i=0
	while [ $i -lt 1000 ]; do
		cat "$S"
		i=$((i + 1))
	done
} > "$T/many.txt"
"$CLI" audit "$T/many.txt" --json > "$T/many" || fail "many sessions exit"
[ "$(grep -c '"stage":"rcpt","action":"reject"' "$T/many")" -eq 1000 ] || fail "many sessions: 1000 RCPT decisions"
[ "$(grep -c '"summary":true' "$T/many")" -eq 1 ] || fail "many sessions: one summary"
grep -o '"lineno":[0-9]*' "$T/many" | tail -n 1 | grep -q "\"lineno\":$((1000 * 25 - 1))" || fail "many sessions: last lineno"

# --auth is decided on what comes before the first MAIL, which the window
# reaches whatever lies between (here over 1 MiB of NOOPs before AUTH): a
# transcript whose AUTH comes first keeps its own login; an AUTH only
# after the first MAIL leaves --auth as the login from right after EHLO.
{
	sed -n '1,12p' "$D/auth.txt"
	i=0
	while [ $i -lt 4000 ]; do
		echo ">>> NOOP padding the session before its AUTH, line $i of many"
		echo "<<< 250 2.0.0 Ok, still waiting for the login of this session"
		i=$((i + 1))
	done
	sed -n '13,$p' "$D/auth.txt"
} > "$T/latepad.txt"
"$CLI" audit "$T/latepad.txt" --json --client 203.0.113.50 --auth mallory > "$T/lp" 2> "$T/lp.err" || fail "padded auth exit"
has "$T/lp" '"auth_source":"transcript"' "padded: transcript auth wins"
hasnt "$T/lp" 'mallory' "padded: option user unused"
has "$T/lp.err" '--auth mallory not used: the transcript shows its own AUTH' "padded: auth note"
{
	sed -n '1,12p' "$D/auth.txt"
	echo '>>> MAIL FROM:<alice@example.net>'
	echo '<<< 250 2.1.0 Ok'
	echo '>>> RCPT TO:<bob@example.org> NOTIFY=SUCCESS'
	echo '<<< 250 2.1.5 Ok'
	echo '>>> RSET'
	echo '<<< 250 2.0.0 Ok'
	echo '>>> AUTH PLAIN AGFsaWNlAHNlY3JldA=='
	echo '<<< 503 5.5.1 Error: already authenticated'
} > "$T/lateauth.txt"
"$CLI" audit "$T/lateauth.txt" --json --auth alice > "$T/la" 2> "$T/la.err" || fail "late auth exit"
has "$T/la" '"auth_source":"option"' "late AUTH: --auth used"
has "$T/la" '"stage":"rcpt","action":"accept","reason":"NOTIFY=SUCCESS honoured for 203.0.113.50 (untrusted, authenticated as alice, TLS, smtp)' "late AUTH: rcpt as alice"
hasnt "$T/la.err" 'not used' "late AUTH: no note"
# swaks output read from standard input and gzip, a window at a time.
"$CLI" audit - --json --port 587 < "$W/swaks-587-starttls-auth.txt" > "$T/sw2in" || fail "swaks stdin exit"
cmp -s "$T/sw2" "$T/sw2in" || fail "swaks stdin differs from the file"
{
	i=0
	while [ $i -lt 300 ]; do
		cat "$W/swaks-587-starttls-auth.txt"
		i=$((i + 1))
	done
} | gzip -c > "$T/swmany.gz"
"$CLI" audit "$T/swmany.gz" --json --port 587 > "$T/swmany" || fail "swaks many exit"
hasnt "$T/swmany" 'YWxpY2U=' "swaks many: sasl response as command"
[ "$(grep -c '"line":"AUTH LOGIN"' "$T/swmany")" -eq 300 ] || fail "swaks many: 300 AUTH LOGIN"
[ "$(grep -o '"to":"alice@example.net"' "$T/swmany" | wc -l)" -eq 600 ] || fail "swaks many: 300 receipts per policy"

# Exit codes: 1 no client commands, 2 usage/I-O/bad policy.
"$CLI" audit "$T" > /dev/null 2> "$T/err"; [ $? -eq 2 ] || fail "directory exit"
has "$T/err" "$T: Is a directory" "directory message"
head -c 100 "$T/session.txt.gz" > "$T/cut.gz"
"$CLI" audit "$T/cut.gz" > /dev/null 2> "$T/err"; [ $? -eq 2 ] || fail "truncated gzip exit"
has "$T/err" "$T/cut.gz: unexpected end of gzip data" "truncated gzip message"
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
