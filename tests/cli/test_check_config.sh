#!/bin/sh
# tests/cli/test_check_config.sh CLI SRCDIR - `dsnguard check-config`: ok,
# errors as FILE:LINE:COLUMN (in included CIDR lists too), warnings, JSON,
# exit codes 0 ok / 1 invalid / 2 usage or unreadable.
CLI=$1
SRC=$2
D=$SRC/tests/data/policy
T=${TMPDIR:-/tmp}/dsng-cc.$$
mkdir -p "$T" || exit 2
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

out=$("$CLI" check-config "$SRC/examples/dsnguard.conf")
[ $? -eq 0 ] || fail "example exit"
case "$out" in *"dsnguard.conf: ok (7 trusted network ranges after merging)") ;; *) fail "example: $out" ;; esac
out=$("$CLI" check-config "$D/good.conf")
[ $? -eq 0 ] || fail "good exit"
case "$out" in *"good.conf: ok (5 trusted network ranges after merging)") ;; *) fail "good: $out" ;; esac

out=$("$CLI" check-config "$D/unknown_key.conf")
[ $? -eq 1 ] || fail "unknown key exit"
[ "$out" = "$D/unknown_key.conf:3:1: unknown key 'sucess-from' in [rcpt]" ] || fail "unknown key: $out"
out=$("$CLI" check-config "$D/bad_include.conf")
[ $? -eq 1 ] || fail "bad include exit"
[ "$out" = "$D/nets/bad.txt:3:1: '203.0.113.7/24': address has bits set beyond the prefix length" ] || fail "bad include: $out"
out=$("$CLI" check-config "$D/loop.conf")
[ $? -eq 1 ] || fail "loop exit"

printf '[ehlo]\noffer-dsn = trusted, friends\n' > "$T/c.conf"
out=$("$CLI" check-config --json "$T/c.conf")
[ $? -eq 1 ] || fail "json error exit"
[ "$out" = "{\"ok\":false,\"file\":\"$T/c.conf\",\"error\":{\"code\":\"bad_value\",\"offset\":0,\"reply\":null,\"enhanced\":null,\"message\":\"$T/c.conf:2:22: ehlo.offer-dsn: unknown client class 'friends' (all, none, trusted, authenticated, tls, submission, local)\",\"line\":2,\"column\":22}}" ] || fail "json error: $out"
out=$("$CLI" check-config --json "$D/good.conf")
[ "$out" = "{\"ok\":true,\"file\":\"$D/good.conf\",\"networks\":5}" ] || fail "json ok: $out"

# A config that loads but names "authenticated" in offer-dsn (never true
# at EHLO) is ok, with a warning on stderr that says why.
printf '[ehlo]\noffer-dsn = trusted, authenticated, local\n' > "$T/w.conf"
out=$("$CLI" check-config "$T/w.conf" 2> "$T/w.err")
[ $? -eq 0 ] || fail "warning exit"
case "$out" in *"w.conf: ok ("*) ;; *) fail "warning ok: $out" ;; esac
[ "$(wc -l < "$T/w.err")" -eq 1 ] || fail "one warning line expected: $(cat "$T/w.err")"
grep -q "^warning: $T/w.conf:2: ehlo.offer-dsn: 'authenticated' never matches at EHLO: clients log in (AUTH) after EHLO" "$T/w.err" || fail "warning text: $(cat "$T/w.err")"
out=$("$CLI" check-config --json "$T/w.conf" 2> "$T/w2.err")
[ $? -eq 0 ] || fail "warning json exit"
case "$out" in *'"ok":true,'*'"warnings":["'"$T"'/w.conf:2: ehlo.offer-dsn: '*) ;; *) fail "warning json: $out" ;; esac
grep -q '^warning: ' "$T/w2.err" || fail "warning json stderr"
"$CLI" check-config "$D/good.conf" 2> "$T/none.err" > /dev/null
[ -s "$T/none.err" ] && fail "good.conf warns: $(cat "$T/none.err")"
"$CLI" check-config "$SRC/examples/dsnguard.conf" 2> "$T/none.err" > /dev/null
[ -s "$T/none.err" ] && fail "example warns: $(cat "$T/none.err")"

"$CLI" check-config "$T/nope.conf" > /dev/null 2>&1; [ $? -eq 2 ] || fail "missing file exit"
"$CLI" check-config "$D/missing_include.conf" > /dev/null 2>&1; [ $? -eq 2 ] || fail "missing include exit"
"$CLI" check-config > /dev/null 2>&1; [ $? -eq 2 ] || fail "no args exit"
"$CLI" check-config a b > /dev/null 2>&1; [ $? -eq 2 ] || fail "two files exit"
"$CLI" check-config --frob x > /dev/null 2>&1; [ $? -eq 2 ] || fail "bad option exit"

[ $fails -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "check-config: all checks passed"
