#!/bin/sh
# tests/cli/test_parse_cmd.sh - `dsnguard parse-cmd` against DESIGN.md
# section 5: fields, error objects, exit codes, --transcript, --strict.
# $1: the dsnguard binary, $2: the source directory.
set -u
CLI="$1"; SRC="$2"
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
fail=0

# check NAME EXPECTED_EXIT PYTHON_ASSERTIONS -- CLI ARGS...
# The assertions see `objs`, the list of JSON objects printed.
check() {
	name="$1"; want="$2"; asserts="$3"; shift 4
	"$CLI" "$@" > "$TMP/out" 2> "$TMP/err"; rc=$?
	if [ "$rc" != "$want" ]; then
		echo "FAIL $name: exit $rc, wanted $want"; cat "$TMP/err"; fail=1; return
	fi
	if ! python3 - "$TMP/out" <<PY
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
$asserts
PY
	then echo "FAIL $name"; cat "$TMP/out"; fail=1; return; fi
	echo "ok   $name"
}

check design-example 0 '
o, = objs
assert o["ok"] is True and o["verb"] == "RCPT", o
assert o["path"] == "user@example.org" and o["local"] == "user" and o["domain"] == "example.org"
assert o["route"] is None
assert o["params"] == [{"keyword": "NOTIFY", "value": "SUCCESS,DELAY"}, {"keyword": "ORCPT", "value": "rfc822;user+40example.org"}], o["params"]
assert o["notify"] == ["SUCCESS", "DELAY"]
assert o["orcpt"] == {"type": "rfc822", "addr": "user@example.org"}
assert o["ret"] is None and o["envid"] is None and o["size"] is None and o["body"] is None
assert o["smtputf8"] is False
assert o["canonical"] == "RCPT TO:<user@example.org> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;user+40example.org"
' -- parse-cmd --json 'RCPT TO:<user@example.org> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;user+40example.org'

check lenient-forms-canonical 0 '
o, = objs
assert o["verb"] == "MAIL" and o["path"] == "a@b.example"
assert o["ret"] == "HDRS" and o["envid"] == "QQ+1" and o["size"] == 1000 and o["body"] == "8BITMIME"
assert o["params"][0] == {"keyword": "RET", "value": "hdrs"}, o["params"]
assert o["canonical"] == "MAIL FROM:<a@b.example> RET=hdrs ENVID=QQ+2B1 SIZE=1000 BODY=8bitmime", o["canonical"]
' -- parse-cmd --json 'mail from: <a@b.example>  ret=hdrs	ENVID=QQ+2B1 size=1000 BODY=8bitmime'

# uint64_t values: exact JSON integers (not -1), also above 2^63; HOLDFOR
# and BDAT's chunk size too; BDAT's arguments kept as sent.
check u64-values 0 '
a, b, c, d = objs
assert a["size"] == 18446744073709551615 and a["holdfor"] == 999999999, a
assert b["size"] == 2 ** 63 and b["holdfor"] is None, b
assert c["chunk_size"] == 18446744073709551615 and c["last"] is True, c
assert (d["arg"], d["chunk_size"], d["last"]) == ("0100  last", 100, True), d
assert d["canonical"] == "BDAT 0100  last", d
' -- parse-cmd --json 'MAIL FROM:<a@b.example> SIZE=18446744073709551615 HOLDFOR=999999999' \
	'MAIL FROM:<a@b.example> SIZE=9223372036854775808' \
	'BDAT 18446744073709551615 LAST' 'bdat 0100  last'
out=$("$CLI" parse-cmd --json 'MAIL FROM:<> SIZE=18446744073709551615')
case $out in
*'"ret":null,"envid":null,"size":18446744073709551615,"body":null,'*) echo "ok   u64-json-text" ;;
*) echo "FAIL u64-json-text: $out"; fail=1 ;;
esac

check size-over-2^64-1 1 '
e = objs[0]["error"]
assert e["code"] == "bad_size" and e["offset"] == 29, e
assert "larger than 2^64-1" in e["message"], e
' -- parse-cmd --json 'MAIL FROM:<a@b.example> SIZE=18446744073709551616'

check unterminated-quote 1 '
e = objs[0]["error"]
assert e["code"] == "syntax" and e["offset"] == 11, e
assert e["message"] == "unterminated quoted string", e
' -- parse-cmd --json 'MAIL FROM:<"abc\">'

check strict-refuses-space 1 '
o, = objs
assert o["ok"] is False and o["error"]["reply"] == 501, o
' -- parse-cmd --json --strict 'MAIL FROM: <a@b.example>'

check bad-xtext 1 '
o, = objs
e = o["error"]
assert o["ok"] is False
assert e["code"] == "bad_xtext" and e["reply"] == 501 and e["enhanced"] == "5.5.4", e
assert e["offset"] == 36, e  # the "+" of "+ZZ"
assert isinstance(e["message"], str) and e["message"]
' -- parse-cmd --json 'RCPT TO:<a@b.example> ORCPT=rfc822;a+ZZb.example'

check null-path-in-rcpt 1 '
e = objs[0]["error"]
assert e["code"] == "null_path_not_allowed" and e["reply"] == 501 and e["enhanced"] == "5.1.3", e
' -- parse-cmd --json 'RCPT TO:<>'

check param-not-allowed 1 '
e = objs[0]["error"]
assert e["code"] == "param_not_allowed" and e["reply"] == 555 and e["enhanced"] == "5.5.4", e
' -- parse-cmd --json 'RCPT TO:<a@b.example> RET=FULL'

check never-mixed 1 '
e = objs[0]["error"]
assert e["code"] == "bad_notify" and e["reply"] == 501, e
' -- parse-cmd --json 'RCPT TO:<a@b.example> NOTIFY=NEVER,SUCCESS'

check unknown-verb-and-empty 1 '
a, b, c = objs
assert a["error"]["code"] == "unknown_command" and a["error"]["reply"] == 500 and a["error"]["enhanced"] == "5.5.1"
assert b["error"]["code"] == "empty" and b["error"]["reply"] == 500
assert c["ok"] and c["verb"] == "NOOP"
' -- parse-cmd --json 'FROB x' '' 'NOOP'

check verbs-domain-and-arg 0 '
a, b, c = objs
assert a["verb"] == "EHLO" and a["domain"] == "client.example", a
assert b["verb"] == "VRFY" and b["arg"] == "postmaster", b
assert c["verb"] == "QUIT" and c["arg"] is None, c
' -- parse-cmd --json 'EHLO client.example' 'VRFY postmaster' 'QUIT'

check source-route 0 '
o, = objs
assert o["path"] == "u@c.example" and o["route"] == ["a.example", "b.example"], o
' -- parse-cmd --json 'RCPT TO:<@a.example,@b.example:u@c.example>'

check transcript 0 '
verbs = [o["verb"] for o in objs]
assert verbs == ["EHLO", "MAIL", "RCPT", "DATA", "QUIT"], verbs
rcpt = objs[2]
assert rcpt["notify"] == ["SUCCESS"] and rcpt["path"] == "legal_address@example.net"
assert objs[1]["path"] == "spamvictim@victim.example"
' -- parse-cmd --json --transcript "$SRC/examples/data/session.txt"

printf 'MAIL FROM:<x@y.example> SMTPUTF8\r\nRCPT TO:<\303\274ser@y.example>\r\nRCPT TO:<a@b.example> SIZE=1\r\n' > "$TMP/stdin"
"$CLI" parse-cmd --json < "$TMP/stdin" > "$TMP/out"; rc=$?
if [ $rc = 1 ] && python3 - "$TMP/out" <<'PY'
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert objs[0]["smtputf8"] is True
assert objs[1]["ok"] and objs[1]["local"] == "\u00fcser", objs[1]
assert objs[2]["error"]["code"] == "param_not_allowed", objs[2]
PY
then echo "ok   stdin-session-utf8"; else echo "FAIL stdin-session-utf8 (exit $rc)"; cat "$TMP/out"; fail=1; fi

# Standard input as "-", for command lines and for a transcript; a
# gzip-compressed transcript.
check stdin-dash 1 '
assert [o["ok"] for o in objs] == [True, True, False], objs
' -- parse-cmd --json - < "$TMP/stdin"
check transcript-stdin 0 '
assert [o["verb"] for o in objs] == ["EHLO", "MAIL", "RCPT", "DATA", "QUIT"], objs
' -- parse-cmd --json --transcript - < "$SRC/examples/data/session.txt"
gzip -c "$SRC/examples/data/session.txt" > "$TMP/session.gz"
check transcript-gzip 0 '
assert [o["verb"] for o in objs] == ["EHLO", "MAIL", "RCPT", "DATA", "QUIT"], objs
' -- parse-cmd --json --transcript "$TMP/session.gz"

# A raw capture (first line ends in CRLF): only CRLF ends a line, so a
# bare-LF "." inside DATA does not end the content and the smuggled
# commands after it are content.  Pasted with LF ends, the "." ends DATA.
printf '>>> EHLO client.example\r\n<<< 250 mx.example.net\r\n>>> MAIL FROM:<a@example.org>\r\n<<< 250 ok\r\n>>> RCPT TO:<b@example.net>\r\n<<< 250 ok\r\n>>> DATA\r\n<<< 354 go ahead\r\n>>> Subject: hi\r\n>>> \r\n>>> body\n.\n>>> MAIL FROM:<spoof@victim.example>\n>>> RCPT TO:<x@example.net> NOTIFY=SUCCESS\n>>> DATA\n>>> smuggled\r\n>>> .\r\n<<< 250 ok queued\r\n>>> QUIT\r\n' > "$TMP/raw.txt"
check raw-capture-bare-lf-dot 0 '
verbs = [o["verb"] for o in objs]
assert verbs == ["EHLO", "MAIL", "RCPT", "DATA", "QUIT"], verbs
assert all("spoof" not in o["input"] for o in objs), objs
' -- parse-cmd --json --transcript "$TMP/raw.txt"
tr -d '\r' < "$TMP/raw.txt" > "$TMP/pasted.txt"
check pasted-lf-dot 0 '
verbs = [o["verb"] for o in objs]
assert verbs == ["EHLO", "MAIL", "RCPT", "DATA", "MAIL", "RCPT", "DATA", "QUIT"], verbs
assert objs[4]["path"] == "spoof@victim.example", objs[4]
' -- parse-cmd --json --transcript "$TMP/pasted.txt"
# A command with a bare LF in a raw capture is one line, refused.
printf '>>> MAIL FROM:<a@example.org>\r\n>>> RCPT TO:<b@example.net>\nRCPT TO:<c@example.net>\r\n' > "$TMP/rawcmd.txt"
check raw-capture-bare-lf-in-command 1 '
assert len(objs) == 2, objs
assert objs[1]["error"]["code"] == "bare_cr_lf", objs[1]
' -- parse-cmd --json --transcript "$TMP/rawcmd.txt"

# A line over the reader's 65536 bytes is refused as too long, and the
# next line is read.
{ printf 'NOOP '; head -c 70000 /dev/zero | tr '\0' x; printf '\r\nNOOP\r\n'; } > "$TMP/long"
check long-line 1 '
assert len(objs) == 2, len(objs)
assert objs[0]["error"]["code"] == "line_too_long", objs[0]["error"]
assert objs[1]["ok"] and objs[1]["verb"] == "NOOP", objs[1]
' -- parse-cmd --json --max-line 65536 - < "$TMP/long"

# Non-UTF-8 bytes come out as U+FFFD, never as invalid JSON.
printf 'VRFY \377\376\n' | "$CLI" parse-cmd --json > "$TMP/out"
if python3 -c 'import json,sys; o=json.loads(open(sys.argv[1],encoding="utf-8").read()); assert "\ufffd" in o["input"], o' "$TMP/out"
then echo "ok   invalid-utf8-shown-as-fffd"; else echo "FAIL invalid-utf8-shown-as-fffd"; cat "$TMP/out"; fail=1; fi

# Readable output and usage errors.
"$CLI" parse-cmd 'RCPT TO:<a@b.example> NOTIFY=SUCCESS' | grep -q 'return receipt' \
	&& echo "ok   text-output" || { echo "FAIL text-output"; fail=1; }
"$CLI" parse-cmd --bogus >/dev/null 2>&1; rc=$?
[ $rc = 2 ] && echo "ok   usage-exit-2" || { echo "FAIL usage exit $rc"; fail=1; }
"$CLI" parse-cmd --transcript /nonexistent >/dev/null 2>&1; rc=$?
[ $rc = 2 ] && echo "ok   io-exit-2" || { echo "FAIL io exit $rc"; fail=1; }
"$CLI" parse-cmd --transcript "$TMP" >/dev/null 2>"$TMP/err"; rc=$?
[ $rc = 2 ] && grep -q "$TMP: Is a directory" "$TMP/err" && echo "ok   directory-exit-2" ||
	{ echo "FAIL directory exit $rc: $(cat "$TMP/err")"; fail=1; }
head -c 100 "$TMP/session.gz" > "$TMP/cut.gz"
"$CLI" parse-cmd --transcript "$TMP/cut.gz" >/dev/null 2>"$TMP/err"; rc=$?
[ $rc = 2 ] && grep -q "$TMP/cut.gz: unexpected end of gzip data" "$TMP/err" && echo "ok   truncated-gzip-exit-2" ||
	{ echo "FAIL truncated gzip exit $rc: $(cat "$TMP/err")"; fail=1; }

exit $fail
