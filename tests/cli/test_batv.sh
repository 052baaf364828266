#!/bin/sh
# tests/cli/test_batv.sh CLI SRCDIR - `dsnguard batv sign|verify`: vectors
# (checked against Python's hmac), expiry, wrong key, key files and
# rotation, JSON, exit codes.
CLI=$1
T=${TMPDIR:-/tmp}/dsng-batv.$$
mkdir -p "$T" || exit 2
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
NOW=1764374400   # 2025-11-29, day 421
TAG=prvs=0428c923bc=user@example.org

out=$("$CLI" batv sign --key text:secret --now $NOW user@example.org)
[ $? -eq 0 ] || fail "sign exit"
[ "$out" = "$TAG" ] || fail "sign vector: $out"
out=$("$CLI" batv sign --key text:secret --now 2025-11-29 '<user@example.org>')
[ "$out" = "$TAG" ] || fail "sign with date and brackets: $out"

"$CLI" batv verify --key text:secret --now $NOW "$TAG" > "$T/v" || fail "verify exit"
grep -q '^valid: key 0, expires in 7 days' "$T/v" || fail "verify text"
out=$("$CLI" batv verify --json --key text:secret --now $NOW "PRVS=0428C923BC=User@Example.org")
[ $? -eq 0 ] || fail "case-folded verify exit"
[ "$out" = '{"ok":true,"result":"valid","address":"PRVS=0428C923BC=User@Example.org","original":"User@Example.org","key_number":0,"day":428,"legacy_order":false,"days_left":7,"error":null}' ] || fail "verify json: $out"

# eight days later it has expired
out=$("$CLI" batv verify --json --key text:secret --now $((NOW + 8 * 86400)) "$TAG")
[ $? -eq 1 ] || fail "expired exit"
case "$out" in
*'"result":"expired"'*'"days_left":-1,"error":{"code":"batv_expired"'*) ;;
*) fail "expired json: $out" ;;
esac
"$CLI" batv verify --key text:other --now $NOW "$TAG" > "$T/bad"
[ $? -eq 1 ] || fail "wrong key exit"
grep -q '^bad_hash:' "$T/bad" || fail "wrong key text"
"$CLI" batv verify --key text:secret --now $NOW user@example.org > "$T/nt"
[ $? -eq 1 ] || fail "untagged exit"
grep -q '^not_tagged:' "$T/nt" || fail "untagged text"

# a key file with a rotation: sign with key 3, old key-0 tags still verify
printf '# keys\n0:text:secret\n\n3:hex:726f7461746564\n' > "$T/keys"
out=$("$CLI" batv sign --key-file "$T/keys" --key-number 3 --now $NOW user@example.org)
[ "$out" = "prvs=34288a8019=user@example.org" ] || fail "key file sign: $out"
"$CLI" batv verify --key-file "$T/keys" --now $NOW "$out" > /dev/null || fail "verify key 3"
"$CLI" batv verify --key-file "$T/keys" --now $NOW "$TAG" > /dev/null || fail "verify key 0"
# the key file is streamed: CRLF lines, gzip, "-" for standard input
printf '# keys\r\n0:text:secret\r\n\r\n3:hex:726f7461746564\r\n' | gzip -c > "$T/keys.gz"
out=$("$CLI" batv sign --key-file - --key-number 3 --now $NOW user@example.org < "$T/keys.gz")
[ "$out" = "prvs=34288a8019=user@example.org" ] || fail "gzip key file from stdin: $out"
"$CLI" batv verify --key 1:text:secret --now $NOW "$TAG" > "$T/nk"
[ $? -eq 1 ] || fail "no key exit"
grep -q '^no_key:' "$T/nk" || fail "no key text"

# usage and I/O
"$CLI" batv sign user@example.org > /dev/null 2>&1; [ $? -eq 2 ] || fail "no key: exit 2"
"$CLI" batv frob --key x a@b > /dev/null 2>&1; [ $? -eq 2 ] || fail "bad action: exit 2"
"$CLI" batv sign --key hex:0g a@b > /dev/null 2>&1; [ $? -eq 2 ] || fail "bad hex: exit 2"
"$CLI" batv sign --key-file "$T/none" a@b > /dev/null 2>&1; [ $? -eq 2 ] || fail "missing key file: exit 2"
"$CLI" batv sign --key-file "$T" a@b > /dev/null 2> "$T/err"; [ $? -eq 2 ] || fail "directory key file: exit 2"
grep -q "batv: $T: Is a directory" "$T/err" || fail "directory key file message"
"$CLI" batv sign --key x --days 0 a@b > /dev/null 2>&1; [ $? -eq 2 ] || fail "days 0: exit 2"
"$CLI" batv sign --key x --now 2026-13-45x a@b > /dev/null 2>&1; [ $? -eq 2 ] || fail "bad --now: exit 2"
out=$("$CLI" batv sign --json --key x '<>'); [ $? -eq 1 ] || fail "null sender: exit 1"
case "$out" in
'{"ok":false,"error":{"code":"bad_address"'*) ;;
*) fail "null sender json: $out" ;;
esac

[ $fails -eq 0 ] && echo "batv: all checks passed"
[ $fails -eq 0 ]
