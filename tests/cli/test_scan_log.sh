#!/bin/sh
# tests/cli/test_scan_log.sh CLI SRCDIR - `dsnguard scan-log` on the bundled
# logs: exact JSON (DESIGN.md section 5), stdin, several files, text mode,
# garbage, the summary's eviction keys, exit codes.
CLI=$1
SRC=$2
DATA=$SRC/examples/data
T=${TMPDIR:-/tmp}/dsng-scanlog.$$
mkdir -p "$T" || exit 2
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# exact first event and summary of the Postfix log
"$CLI" scan-log --json "$DATA/postfix-dsn.log" > "$T/pf.json"
[ $? -eq 0 ] || fail "postfix scan exit"
[ "$(wc -l < "$T/pf.json")" -eq 7 ] || fail "postfix: 6 events + summary"
first='{"event":"dsn","mta":"postfix","time":"Dec 02 03:55:20","kind":"success","text":"sender delivery status notification","orig_queue_id":"3F6F0A98F38","dsn_queue_id":"57D40A98494","to":"victim@example.test","orig_from":"victim@example.test","orig_rcpts":["rcpt@example.test"],"client":{"name":"unknown","addr":"127.0.0.2","port":null,"sasl_username":null},"service":"smtpd",'
case "$(head -n 1 "$T/pf.json")" in
"$first"*) ;;
*) fail "postfix first event: $(head -n 1 "$T/pf.json")" ;;
esac
grep -q '"kind":"relay","text":"sender delivery status notification","orig_queue_id":"70570A98F49","dsn_queue_id":"92D7FA98F4D","to":"alice@example.test"' "$T/pf.json" || fail "relay event"
grep -q '"client":{"name":"unknown","addr":"127.0.0.2","port":null,"sasl_username":"alice@example.test"},"service":"submission/smtpd"' "$T/pf.json" || fail "submission client"
grep -q '"kind":"delay","text":"sender delay notification"' "$T/pf.json" || fail "delay event"
summary='{"summary":true,"events":6,"by_recipient":[{"to":"victim@example.test","count":2,"receipts":2},{"to":"sender@example.test","count":2,"receipts":0},'
case "$(tail -n 1 "$T/pf.json")" in
"$summary"*) ;;
*) fail "postfix summary: $(tail -n 1 "$T/pf.json")" ;;
esac
grep -q '"by_client":\[{"addr":"127.0.0.2","name":"unknown","count":3,"receipts":3}' "$T/pf.json" || fail "by_client order"
# nothing evicted: the summary says its counts are exact
tail -n 1 "$T/pf.json" | grep -q '"evicted":0,"auth_warnings":0,"dsn_refused":0,"evicted_recipients":0,"evicted_clients":0,"counts_exact":true,"recipient_count_error":0,"client_count_error":0}$' || fail "exact summary keys: $(tail -n 1 "$T/pf.json" | sed 's/.*"evicted"/"evicted"/')"

# the events without the keys that name files (stdin is "-")
norm() { sed 's/"file":"[^"]*",//; s/"files":\[[^]]*\],//' "$1"; }

# stdin, with and without "-": the same events, "file" is "-"
"$CLI" scan-log --json < "$DATA/postfix-dsn.log" > "$T/stdin.json" || fail "stdin exit"
norm "$T/pf.json" > "$T/pf.norm"
norm "$T/stdin.json" | cmp -s "$T/pf.norm" - || fail "stdin differs from file"
"$CLI" scan-log --json - < "$DATA/postfix-dsn.log" > "$T/dash.json" || fail "dash exit"
norm "$T/dash.json" | cmp -s "$T/pf.norm" - || fail "'-' differs from file"
grep -q '"file":"-","line":16}$' "$T/dash.json" || fail "stdin event file and line"
grep -q '"files":\["-"\]' "$T/dash.json" || fail "stdin summary files"
grep -q "\"file\":\"$DATA/postfix-dsn.log\",\"line\":16}" "$T/pf.json" || fail "event file and line"

# every line is JSON (when python3 is there to say so)
if command -v python3 > /dev/null 2>&1; then
	python3 -c 'import json,sys
for l in open(sys.argv[1]): json.loads(l)' "$T/pf.json" || fail "not JSON lines"
fi

# three MTAs through one scanner
"$CLI" scan-log --json "$DATA/postfix-dsn.log" "$DATA/sendmail-dsn.log" "$DATA/exim-dsn.log" > "$T/all.json" || fail "three logs exit"
grep -q '^{"summary":true,"events":15,' "$T/all.json" || fail "15 events in all logs"
grep -q '"mta":"sendmail","time":"Dec  2 03:55:29","kind":"failure","text":"DSN: User unknown"' "$T/all.json" || fail "sendmail failure"
grep -q '"mta":"exim","time":"2026-11-29 03:05:01","kind":"failure","text":"<= <> R=1vQfFg-000Jm1-0a"' "$T/all.json" || fail "exim bounce"

# real Exim 4.96 logs (tests/data/exim/, made by tests/mta/exim/): one
# message's success notice and bounce, a quoted sender, clients without a
# verified name
EX=$SRC/tests/data/exim
"$CLI" scan-log --json "$EX/exim-4.96-gen-default.log" > "$T/ex.json" || fail "exim real log exit"
exfirst='{"event":"dsn","mta":"exim","time":"2026-12-02 01:02:21","kind":"success","text":"<= <> R=1xYYjl-0003g2-0e","orig_queue_id":"1xYYjl-0003g2-0e","dsn_queue_id":"1xYYjl-0003gA-0j","to":"sender@example.test","orig_from":"sender@example.test","orig_rcpts":["fail1@example.test","rcpt@example.test"],"client":{"name":null,"addr":"127.0.0.1","port":null,"sasl_username":null},"service":"esmtp",'
case "$(head -n 1 "$T/ex.json")" in
"$exfirst"*) ;;
*) fail "exim first event: $(head -n 1 "$T/ex.json")" ;;
esac
grep -q '"kind":"failure","text":"<= <> R=1xYYjl-0003g2-0e","orig_queue_id":"1xYYjl-0003g2-0e","dsn_queue_id":"1xYYjl-0003gD-0l"' "$T/ex.json" || fail "exim bounce after the success notice"
grep -q '"dsn_queue_id":"1xYYjl-0003gV-1R","to":"\\"john smith\\"@example.test","orig_from":"\\"john smith\\"@example.test"' "$T/ex.json" || fail "exim quoted sender"
grep -q '"orig_rcpts":\["\\"jane doe\\"@example.test"\]' "$T/ex.json" || fail "exim quoted recipient"
grep -q '"by_client":\[{"addr":"127.0.0.1","name":null,"count":13,"receipts":6}\],"by_kind":{"success":5,"failure":5,"delay":2,"relay":1,"other":0}' "$T/ex.json" || fail "exim summary: $(tail -n 1 "$T/ex.json")"
"$CLI" scan-log "$EX/exim-4.96-gen-all.log" > "$T/ex.txt" || fail "exim +all log exit"
grep -q '^13 DSN events (success 5, failure 5, delay 2, relay 1, other 0)' "$T/ex.txt" || fail "exim +all text summary"
grep -q '^      13      6  127.0.0.1 (?)$' "$T/ex.txt" || fail "exim +all: the protocol named the client"
# and every notice as send.py expected it
if command -v python3 > /dev/null 2>&1; then
	for v in default all; do
		"$CLI" scan-log --json "$EX/exim-4.96-gen-$v.log" > "$T/ex-$v.json"
		python3 "$SRC/tests/mta/exim/check.py" "$EX/exim-4.96-gen-$v.sent.jsonl" "$T/ex-$v.json" > "$T/ex-$v.check" ||
			fail "exim $v log: $(cat "$T/ex-$v.check")"
	done
fi

# readable text
"$CLI" scan-log "$DATA/sendmail-dsn.log" > "$T/text.txt" || fail "text exit"
grep -q '^6 DSN events (success 3, failure 1, delay 1, relay 1, other 0)' "$T/text.txt" || fail "text summary"
grep -q 'client localhost\[127.0.0.1\] via MTA' "$T/text.txt" || fail "text client"
grep -q 'client root@localhost\[?\] via local' "$T/text.txt" || fail "text local client"

# garbage is counted, not fatal
"$CLI" scan-log --json "$SRC/tests/data/logs/garbage.log" > "$T/g.json" || fail "garbage exit"
grep -q '"events":0,' "$T/g.json" || fail "garbage events"
grep -q '"garbage":4' "$T/g.json" || fail "garbage count"

# per-file line numbers: the sendmail events have the same lines after
# the Postfix log as alone, and name their file
"$CLI" scan-log --json "$DATA/sendmail-dsn.log" > "$T/sm.json" || fail "sendmail alone exit"
grep -o '"file":"[^"]*","line":[0-9]*' "$T/sm.json" > "$T/sm.lines"
grep -o '"file":"[^"]*sendmail-dsn.log","line":[0-9]*' "$T/all.json" | cmp -s "$T/sm.lines" - || fail "per-file line numbers"
[ -s "$T/sm.lines" ] || fail "sendmail events have file and line"
grep -q "\"files\":\[\"$DATA/postfix-dsn.log\",\"$DATA/sendmail-dsn.log\",\"$DATA/exim-dsn.log\"\]" "$T/all.json" || fail "summary files in order"
# a last line without a newline does not run into the next file
head -c -1 "$DATA/postfix-dsn.log" > "$T/nonl.log"
"$CLI" scan-log --json "$T/nonl.log" "$DATA/sendmail-dsn.log" > "$T/nonl.json" || fail "no-newline exit"
n1=$(grep -c '' "$DATA/postfix-dsn.log"); n2=$(grep -c '' "$DATA/sendmail-dsn.log")
grep -q "\"lines\":$((n1 + n2))," "$T/nonl.json" || fail "no-newline line count"
grep -o '"file":"[^"]*sendmail-dsn.log","line":[0-9]*' "$T/nonl.json" | cmp -s "$T/sm.lines" - || fail "no-newline per-file lines"

# gzip: by magic bytes, from a file whatever its name, and from stdin
gzip -c "$DATA/postfix-dsn.log" > "$T/pf.log.gz"
cp "$T/pf.log.gz" "$T/pf-compressed"
cp "$DATA/postfix-dsn.log" "$T/plain.gz"
for f in "$T/pf.log.gz" "$T/pf-compressed" "$T/plain.gz"; do
	"$CLI" scan-log --json "$f" > "$T/gz.json" || fail "gzip $f exit"
	norm "$T/gz.json" | cmp -s "$T/pf.norm" - || fail "gzip $f differs from the plain log"
done
"$CLI" scan-log --json - < "$T/pf.log.gz" > "$T/gzin.json" || fail "gzip stdin exit"
norm "$T/gzin.json" | cmp -s "$T/pf.norm" - || fail "gzip stdin differs"
# two gzip members one after the other are one stream
{ head -n 9 "$DATA/postfix-dsn.log" | gzip -c; tail -n +10 "$DATA/postfix-dsn.log" | gzip -c; } > "$T/two.gz"
"$CLI" scan-log --json "$T/two.gz" > "$T/two.json" || fail "two members exit"
norm "$T/two.json" | cmp -s "$T/pf.norm" - || fail "two gzip members differ"

# a rotated series given newest first (as a shell glob sorts it) is read
# oldest first, so the queue ids that span a rotation still join; the
# note goes to stderr and the summary lists the files in the order read
mkdir "$T/rot"
head -n 20 "$DATA/postfix-dsn.log" | gzip -c > "$T/rot/maillog.2.gz"
sed -n '21,40p' "$DATA/postfix-dsn.log" > "$T/rot/maillog.1"
tail -n +41 "$DATA/postfix-dsn.log" > "$T/rot/maillog"
"$CLI" scan-log --json "$T/rot/maillog" "$T/rot/maillog.1" "$T/rot/maillog.2.gz" > "$T/rot.json" 2> "$T/rot.err" || fail "rotated exit"
norm "$T/rot.json" | sed 's/"line":[0-9]*}/}/' > "$T/rot.norm"
sed 's/"line":[0-9]*}/}/' "$T/pf.norm" | cmp -s "$T/rot.norm" - || fail "rotated series: events differ from the whole log"
grep -q "\"files\":\[\"$T/rot/maillog.2.gz\",\"$T/rot/maillog.1\",\"$T/rot/maillog\"\]" "$T/rot.json" || fail "rotated: files oldest first"
grep -q 'oldest first' "$T/rot.err" || fail "rotated: note on stderr"
grep -q "\"file\":\"$T/rot/maillog.2.gz\",\"line\":16}" "$T/rot.json" || fail "rotated: first event in maillog.2.gz line 16"
grep -q "\"dsn_queue_id\":\"F0AA5A98F46\".*\"file\":\"$T/rot/maillog.1\",\"line\":9}" "$T/rot.json" || fail "rotated: event in maillog.1 line 9"
# --keep-order reads them as given, and says nothing
"$CLI" scan-log --json --keep-order "$T/rot/maillog" "$T/rot/maillog.1" "$T/rot/maillog.2.gz" > "$T/keep.json" 2> "$T/keep.err" || fail "keep-order exit"
grep -q "\"files\":\[\"$T/rot/maillog\",\"$T/rot/maillog.1\",\"$T/rot/maillog.2.gz\"\]" "$T/keep.json" || fail "keep-order: files as given"
[ -s "$T/keep.err" ] && fail "keep-order: stderr not empty"
# already oldest first: no note
"$CLI" scan-log --json "$T/rot/maillog.2.gz" "$T/rot/maillog.1" "$T/rot/maillog" > /dev/null 2> "$T/ok.err" || fail "in-order exit"
[ -s "$T/ok.err" ] && fail "in-order: stderr not empty"
# dateext names (logrotate's -YYYYMMDD), other files keep their place
mkdir "$T/date"
cp "$T/rot/maillog.2.gz" "$T/date/mail.log-20261127.gz"
cp "$T/rot/maillog.1" "$T/date/mail.log-20261128"
cp "$T/rot/maillog" "$T/date/mail.log"
"$CLI" scan-log --json "$DATA/exim-dsn.log" "$T/date/mail.log" "$T/date/mail.log-20261127.gz" "$T/date/mail.log-20261128" > "$T/date.json" 2> /dev/null || fail "dateext exit"
grep -q "\"files\":\[\"$DATA/exim-dsn.log\",\"$T/date/mail.log-20261127.gz\",\"$T/date/mail.log-20261128\",\"$T/date/mail.log\"\]" "$T/date.json" || fail "dateext order"

# a line over the reader's 65536 bytes is garbage, and the next is read
{ head -n 9 "$DATA/postfix-dsn.log"; head -c 70000 /dev/zero | tr '\0' x; echo; tail -n +10 "$DATA/postfix-dsn.log"; } > "$T/long.log"
"$CLI" scan-log --json "$T/long.log" > "$T/long.json" || fail "long line exit"
grep -q '"garbage":1,' "$T/long.json" || fail "long line: garbage 1"
grep -q '"summary":true,"events":6,' "$T/long.json" || fail "long line: still 6 events"

# usage and I/O errors: a missing file, a directory, broken gzip data
# (exit 2, the file and the cause named, nothing printed before a file
# that is not there)
"$CLI" scan-log --json "$DATA/postfix-dsn.log" "$T/missing.log" > "$T/out" 2> "$T/err"
[ $? -eq 2 ] || fail "missing second file should exit 2"
[ -s "$T/out" ] && fail "missing second file: output before the error"
grep -q "$T/missing.log: No such file or directory" "$T/err" || fail "missing file cause"
"$CLI" scan-log --json "$T/rot" > /dev/null 2> "$T/err"
[ $? -eq 2 ] || fail "directory should exit 2"
grep -q "$T/rot: Is a directory" "$T/err" || fail "directory message"
head -c 300 "$T/pf.log.gz" > "$T/cut.gz"
"$CLI" scan-log --json "$T/cut.gz" > /dev/null 2> "$T/err"
[ $? -eq 2 ] || fail "truncated gzip should exit 2"
grep -q "$T/cut.gz: unexpected end of gzip data" "$T/err" || fail "truncated gzip message: $(cat "$T/err")"
grep -q 'Cannot allocate memory' "$T/err" && fail "ENOMEM message"
# more distinct recipients than the summary keeps (32768 rows): the
# smallest rows are evicted and the summary says so
awk 'BEGIN { for (i = 0; i < 33000; i++) {
	printf "Nov 29 01:00:01 mx postfix/bounce[3]: A%07d: sender non-delivery notification: B%07d\n", i, i
	printf "Nov 29 01:00:02 mx postfix/smtp[4]: B%07d: to=<r%d@forged.example>, relay=none, delay=1, dsn=4.4.1, status=deferred (timeout)\n", i, i
} }' > "$T/flood.log"
"$CLI" scan-log --json "$T/flood.log" > "$T/flood.json" || fail "flood exit"
[ "$(wc -l < "$T/flood.json")" -eq 33001 ] || fail "flood: 33000 events + summary"
tail -n 1 "$T/flood.json" | grep -q '^{"summary":true,"events":33000,' || fail "flood events"
tail -n 1 "$T/flood.json" | grep -q '"evicted":0,"auth_warnings":0,"dsn_refused":0,"evicted_recipients":232,"evicted_clients":0,"counts_exact":false,"recipient_count_error":1,"client_count_error":0}$' || fail "flood summary keys: $(tail -n 1 "$T/flood.json" | sed 's/.*"evicted"/"evicted"/')"
if command -v python3 > /dev/null 2>&1; then
	tail -n 1 "$T/flood.json" | python3 -c 'import json, sys
d = json.loads(sys.stdin.read())
assert len(d["by_recipient"]) == 32768, len(d["by_recipient"])
assert d["by_client"] == [{"addr": None, "name": None, "count": 33000, "receipts": 0}]' || fail "flood rows"
fi
"$CLI" scan-log "$T/flood.log" > "$T/flood.txt" || fail "flood text exit"
grep -q '^evicted to bound memory: 0 queue ids, 232 recipient rows, 0 client rows$' "$T/flood.txt" || fail "text eviction line"
grep -q '^counts below are lower bounds, at most 1 short by recipient and 0 by client$' "$T/flood.txt" || fail "text lower bounds line"
! grep -q 'evicted to bound memory' "$T/text.txt" || fail "text eviction line when nothing was evicted"

# strings the JSON writer must escape or replace, as jansson would: '"',
# '\', control characters (\t and \001), DEL as it is, valid UTF-8 (e9) as
# it is, a stray byte (ff) and a cut-short sequence (e2 82: two, as the
# lead byte and the continuation byte are each no sequence) as U+FFFD
printf 'Nov 29 00:00:00 mx postfix/smtpd[1]: 0000AA: client=n\001me[10.0.0.1]:25\n' > "$T/esc.log"
printf 'Nov 29 00:00:00 mx postfix/qmgr[1]: 0000AA: from=<a"b\\c\td\177\303\251\377\342\202@x>, size=1, nrcpt=1 (queue active)\n' >> "$T/esc.log"
printf 'Nov 29 00:00:00 mx postfix/smtp[1]: 0000AA: to=<r@y>, relay=none, dsn=5.1.1, status=bounced (x)\n' >> "$T/esc.log"
printf 'Nov 29 00:00:00 mx postfix/bounce[1]: 0000AA: sender non-delivery notification: 0000AB\n' >> "$T/esc.log"
"$CLI" scan-log --json "$T/esc.log" > "$T/esc.json" || fail "escape scan exit"
want=$(printf '"to":"a\\"b\\\\c\\td\177\303\251\357\277\275\357\277\275\357\277\275@x","orig_from":"a\\"b\\\\c\\td\177\303\251\357\277\275\357\277\275\357\277\275@x","orig_rcpts":["r@y"],"client":{"name":"n\\u0001me","addr":"10.0.0.1","port":"25","sasl_username":null}')
grep -qF "$want" "$T/esc.json" || fail "escaped strings: $(head -n 1 "$T/esc.json")"
if command -v python3 > /dev/null 2>&1; then
	python3 -c 'import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
ev, summary = json.loads(lines[0]), json.loads(lines[1])
assert ev["orig_from"] == "a\"b\\c\td\x7f\xe9\ufffd\ufffd\ufffd@x", ev["orig_from"]
assert summary["by_recipient"][0]["to"] == ev["to"], summary' "$T/esc.json" || fail "escaped JSON does not parse back"
fi

# usage and I/O errors
"$CLI" scan-log --json "$T/does-not-exist.log" > /dev/null 2> "$T/err"
[ $? -eq 2 ] || fail "missing file should exit 2"
grep -q 'does-not-exist.log' "$T/err" || fail "missing file message"
"$CLI" scan-log --bogus > /dev/null 2>&1
[ $? -eq 2 ] || fail "unknown option should exit 2"

[ $fails -eq 0 ] && echo "scan-log: all checks passed"
[ $fails -eq 0 ]
