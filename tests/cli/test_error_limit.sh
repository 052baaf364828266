#!/bin/sh
# tests/cli/test_error_limit.sh - the "limit" key of the CLI's error
# objects (doc/dsnguard.1, doc/LIMITS.md): present with the limit's name
# when an input broke a limit, absent for every other error, the same in
# every command that prints error objects.
# $1: the dsnguard binary, $2: the source directory.
set -u
CLI="$1"; SRC="$2"
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
fail=0

# check NAME EXPECTED_EXIT PYTHON_ASSERTIONS -- CLI ARGS... [< stdin file
# given as $STDIN].  The assertions see `objs`, the JSON objects printed,
# and `err`, the first one's error object.
check() {
	name="$1"; want="$2"; asserts="$3"; shift 4
	"$CLI" "$@" < "${STDIN:-/dev/null}" > "$TMP/out" 2> "$TMP/err"; rc=$?
	if [ "$rc" != "$want" ]; then
		echo "FAIL $name: exit $rc, wanted $want"; cat "$TMP/err"; fail=1; return
	fi
	if ! python3 - "$TMP/out" <<PY
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
err = objs[0].get("error") or {}
$asserts
PY
	then echo "FAIL $name"; cat "$TMP/out"; fail=1; return; fi
	echo "ok   $name"
}

# parse-cmd: an option's limit, fixed limits, and no key for the rest.
long=$(python3 -c 'print("NOOP " + "a" * 3000)')
check cmd-max-line 1 '
assert err["code"] == "line_too_long" and err["limit"] == "max_line", err
assert err["offset"] == 2046 and err["reply"] == 500, err
assert list(err) == ["code", "offset", "reply", "enhanced", "message", "limit"], list(err)
' -- parse-cmd --json "$long"
params=$(python3 -c 'print("MAIL FROM:<a@b.example>" + "".join(" X%d=1" % i for i in range(33)))')
check cmd-max-params 1 '
assert err["code"] == "too_many_params" and err["limit"] == "max_params", err
' -- parse-cmd --json "$params"
orcpt=$(python3 -c 'print("RCPT TO:<a@b.example> ORCPT=rfc822;" + "a" * 494)')
check cmd-max-orcpt-len 1 '
assert err["code"] == "bad_orcpt" and err["limit"] == "max_orcpt_len", err
' -- parse-cmd --json "$orcpt"
envid=$(python3 -c 'print("MAIL FROM:<a@b.example> ENVID=" + "+41" * 101)')
check cmd-max-envid-len 1 '
assert err["code"] == "bad_envid" and err["limit"] == "max_envid_len", err
' -- parse-cmd --json "$envid"
auth=$(python3 -c 'print("MAIL FROM:<a@b.example> AUTH=" + "a" * 1025)')
check cmd-max-decoded 1 '
assert err["code"] == "bad_auth" and err["limit"] == "max_decoded", err
' -- parse-cmd --json "$auth"
check cmd-no-limit 1 '
assert [o["error"]["code"] for o in objs] == ["bad_notify", "bad_xtext"], objs
assert all("limit" not in o["error"] for o in objs), objs
' -- parse-cmd --json 'RCPT TO:<a@b.example> NOTIFY=NEVER,SUCCESS' 'MAIL FROM:<a@b.example> ENVID=a+'
check cmd-ok-has-no-error 0 '
assert objs[0]["ok"] is True and "error" not in objs[0], objs
' -- parse-cmd --json 'MAIL FROM:<a@b.example> SIZE=1'

# parse-ehlo: the reply options' names.
python3 -c '
import sys
sys.stdout.buffer.write(b"250-mx.example\r\n" + b"".join(b"250-K%d\r\n" % i for i in range(999)) + b"250 X\r\n")' > "$TMP/lines"
STDIN="$TMP/lines" check ehlo-max-lines 1 '
assert err["code"] == "size_limit" and err["limit"] == "max_lines", err
assert err["line"] == 1001, err
' -- parse-ehlo --json
python3 -c '
import sys
sys.stdout.buffer.write(b"250-mx.example\r\n250-" + b"A" * 600 + b"\r\n250 X\r\n")' > "$TMP/line"
STDIN="$TMP/line" check ehlo-max-line 1 '
assert err["code"] == "line_too_long" and err["limit"] == "max_line", err
' -- parse-ehlo --json
STDIN="$TMP/line" check ehlo-lenient-fits 0 '
assert objs[0]["ok"] is True, objs
' -- parse-ehlo --json --lenient
printf '250-mx.example\r\n25\r\n250 X\r\n' > "$TMP/short"
STDIN="$TMP/short" check ehlo-no-limit 1 '
assert err["code"] == "bad_reply" and "limit" not in err, err
' -- parse-ehlo --json

# parse-report: the MIME and report limits.
python3 -c '
import sys
m = b"From: a@example.org\r\nContent-Type: multipart/mixed; boundary=P\r\n\r\n"
m += b"--P\r\n\r\nx\r\n" * 100 + b"--P--\r\n"
sys.stdout.buffer.write(m)' > "$TMP/parts.eml"
check report-max-parts 1 '
assert err["code"] == "part_limit" and err["limit"] == "max_parts", err
assert objs[0]["file"].endswith("parts.eml"), objs
' -- parse-report --json "$TMP/parts.eml"
printf 'not mail\n' > "$TMP/junk.eml"
check report-no-limit 1 '
assert err["code"] == "not_mail" and "limit" not in err, err
' -- parse-report --json "$TMP/junk.eml"

# check-config: fixed limits, with line and column.
python3 -c 'print("# " + "x" * 5000)' > "$TMP/long.conf"
check config-max-line 1 '
assert err["code"] == "config" and err["limit"] == "max_line", err
assert err["line"] == 1 and err["column"] == 4097, err
' -- check-config --json "$TMP/long.conf"
printf '[trusted-networks]\ninclude "self.txt"\n' > "$TMP/loop.conf"
printf 'include "self.txt"\n' > "$TMP/self.txt"
check config-max-include-depth 1 '
assert err["code"] == "config" and err["limit"] == "max_include_depth", err
' -- check-config --json "$TMP/loop.conf"
printf '[rcpt]\naction = maybe\n' > "$TMP/bad.conf"
check config-no-limit 1 '
assert err["code"] == "bad_value" and "limit" not in err, err
' -- check-config --json "$TMP/bad.conf"

# batv prints error objects too; none of its errors is a limit.
check batv-no-limit 1 '
assert err["code"] == "batv_format" and "limit" not in err, err
' -- batv verify --key text:k --now 2026-01-01 --json 'prvs=x@b.example'

# Readable output is unchanged: the limit is a JSON key only.
"$CLI" parse-cmd "$params" | grep -q 'too_many_params at offset 206' \
	&& echo "ok   text-output" || { echo "FAIL text-output"; fail=1; }

exit $fail
