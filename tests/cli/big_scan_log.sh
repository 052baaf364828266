#!/bin/sh
# tests/cli/big_scan_log.sh CLI - `dsnguard scan-log` streams: a Postfix
# log of more than 300 MB, generated here (never committed; in a temp dir
# removed afterwards), is scanned with a peak RSS under 64 MB, from the
# file and gzip-compressed from standard input.  The CLI before the
# streaming reader could not read 128 MiB at all.  ctest label "big": the
# sanitizer and valgrind stages leave it out (their memory use says
# nothing about the reader's).  Prints the figures.
CLI=$1
LIMIT_KB=65536
T=$(mktemp -d "${TMPDIR:-/tmp}/dsng-big.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# 400000 messages, every 8th with a success DSN: 3050000 lines, ~320 MB.
# Queue ids are unique and every message is removed, as on a real server,
# so the scanner's own tables stay small; what is measured is the reader.
awk -v N=400000 'BEGIN {
  for (i = 0; i < N; i++) {
    q = sprintf("%05X%05X", 65536 + (i % 983), i % 1048576);
    d = sprintf("%05X%05X", 131072 + (i % 977), i % 1048576);
    s = sprintf("Nov 29 %02d:%02d:%02d", (i / 3600) % 24, (i / 60) % 60, i % 60);
    a = sprintf("203.0.%d.%d", (i / 250) % 250, i % 250);
    u = sprintf("user%d@victim%d.example", i % 997, i % 13);
    r = sprintf("rcpt%d@example.test", i % 101);
    print s " mx postfix/smtpd[2101]: connect from unknown[" a "]";
    print s " mx postfix/smtpd[2101]: " q ": client=unknown[" a "]";
    print s " mx postfix/cleanup[2104]: " q ": message-id=<" i ".GA2101@spam.example>";
    print s " mx postfix/qmgr[1990]: " q ": from=<" u ">, size=1482, nrcpt=1 (queue active)";
    print s " mx postfix/smtpd[2101]: disconnect from unknown[" a "] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5";
    print s " mx postfix/virtual[2106]: " q ": to=<" r ">, relay=virtual, delay=0.61, delays=0.5/0.01/0/0.1, dsn=2.0.0, status=sent (delivered to maildir)";
    if (i % 8 == 0) {
      print s " mx postfix/cleanup[2104]: " d ": message-id=<" i "." d "@mx.example.test>";
      print s " mx postfix/bounce[2107]: " q ": sender delivery status notification: " d;
      print s " mx postfix/qmgr[1990]: " d ": from=<>, size=2719, nrcpt=1 (queue active)";
      print s " mx postfix/qmgr[1990]: " q ": removed";
      print s " mx postfix/smtp[2108]: " d ": to=<" u ">, relay=mx.victim.example[192.0.2.25]:25, delay=0.9, delays=0.01/0.01/0.5/0.38, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 4Q2Z1x3Kz9z1)";
      print s " mx postfix/qmgr[1990]: " d ": removed";
    } else
      print s " mx postfix/qmgr[1990]: " q ": removed";
  }
}' > "$T/maillog" || { echo "FAIL: cannot generate the log"; exit 1; }
size=$(wc -c < "$T/maillog")
[ "$size" -ge 300000000 ] || fail "generated log is only $size bytes"

# run OUT CMD...: CMD's peak RSS (KB) and seconds into $T/rss, $T/secs;
# /usr/bin/time when there, else getrusage through a tiny python3 helper
# (a file, so that CMD keeps the caller's standard input).
cat > "$T/rusage.py" <<'PY'
import resource, subprocess, sys, time
t = time.time()
with open(sys.argv[1], "wb") as out:
    rc = subprocess.call(sys.argv[3:], stdout=out)
secs = time.time() - t
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
open(sys.argv[2], "w").write("%d %.2f %d\n" % (rss, secs, rc))
PY
run() {
	out=$1
	shift
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%M %e' -o "$T/time" "$@" > "$out"
		rc=$?
		read -r rss secs < "$T/time"
	else
		python3 "$T/rusage.py" "$out" "$T/time" "$@"
		read -r rss secs rc < "$T/time"
	fi
	echo "$rss" > "$T/rss"
	echo "$secs" > "$T/secs"
	return "$rc"
}

check() { # check WHAT: the summary of $T/out and the peak RSS
	tail -n 1 "$T/out" | grep -q '^{"summary":true,"events":50000,' || fail "$1: summary: $(tail -c 300 "$T/out")"
	tail -n 1 "$T/out" | grep -q '"lines":3050000,' || fail "$1: not every line read"
	[ "$(wc -l < "$T/out")" -eq 50001 ] || fail "$1: 50000 events expected"
	rss=$(cat "$T/rss")
	secs=$(cat "$T/secs")
	[ "$rss" -lt "$LIMIT_KB" ] || fail "$1: peak RSS $rss KB, limit $LIMIT_KB KB"
	echo "$1: $((size / 1000000)) MB in $secs s, peak RSS $((rss / 1024)) MB" \
		"($(awk -v s="$size" -v t="$secs" 'BEGIN { if (t > 0) printf "%.0f", s / 1e6 / t; else print "?" }') MB/s)"
}

run "$T/out" "$CLI" scan-log --json "$T/maillog" || fail "plain file: exit $?"
check "plain file"
gzip -1 -c "$T/maillog" > "$T/maillog.1.gz" || fail "gzip"
rm -f "$T/maillog"
run "$T/out" "$CLI" scan-log --json - < "$T/maillog.1.gz" || fail "gzip stdin: exit $?"
check "gzip from stdin"

[ $fails -eq 0 ] && echo "big scan-log: all checks passed"
[ $fails -eq 0 ]
