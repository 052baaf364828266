#!/bin/sh
# tests/cli/test_parse_ehlo.sh CLI [SRCDIR] - `dsnguard parse-ehlo`: JSON
# fields, the readable listing, --hide, errors and exit codes.
# Needs only POSIX sh, printf and grep (the JSON is compact and ordered).
set -u
CLI=${1:?usage: test_parse_ehlo.sh /path/to/dsnguard [srcdir]}
fails=0
n=0
T=$(mktemp) || exit 2
trap 'rm -f "$T"' EXIT
# shellcheck source=tests/cli/expect.sh
. "$(dirname "$0")/expect.sh"

# The EHLO reply of the issue-2 session.
sample() {
	printf '250-mx.example.net Hello client.example.com [198.51.100.33], pleased to meet you\r\n'
	printf '250-ENHANCEDSTATUSCODES\r\n250-PIPELINING\r\n250-8BITMIME\r\n'
	printf '250-SIZE\r\n250-DSN\r\n250-DELIVERBY\r\n250 HELP\r\n'
}

# check NAME WANT_RC WANT_SUBSTRING...: run the CLI with $ARGS on the
# input in $T (written just before; no pipes, so the counters survive)
check() {
	name=$1 want_rc=$2
	shift 2
	n=$((n + 1))
	# shellcheck disable=SC2086
	out=$("$CLI" parse-ehlo $ARGS <"$T" 2>&1)
	rc=$?
	cli_expect "$name" "$want_rc" "$@"
}

ARGS=--json
sample >"$T"
check json_sample 0 '{"ok":true,"code":250,"domain":"mx.example.net",' \
	'"greeting":"Hello client.example.com [198.51.100.33], pleased to meet you"' \
	'"capabilities":[{"keyword":"ENHANCEDSTATUSCODES","params":[]},' \
	'{"keyword":"DSN","params":[]}' '"dsn":true' '"size":0' \
	'"pipelining":true' '"starttls":false' '"help":true'

printf '250-mail.example.org\r\n250-SIZE 10240000\r\n250-AUTH PLAIN LOGIN\r\n250-AUTH=PLAIN\r\n250-XCLIENT NAME ADDR\r\n250 smtputf8\r\n' >"$T"
check json_values 0 '{"keyword":"SIZE","params":["10240000"]}' \
	'"size":10240000' '"auth_mechanisms":["PLAIN","LOGIN"]' \
	'{"keyword":"AUTH","params":["PLAIN"],"legacy":true}' \
	'{"keyword":"XCLIENT","params":["NAME","ADDR"]}' '"smtputf8":true' \
	'"dsn":false'

# LF line ends and a trailing blank line are fine
printf '250-mx\n250 DSN\n\n' >"$T"
check json_lf 0 '"dsn":true'

ARGS="--json --hide DSN"
sample >"$T"
check json_hide 0 '"rewritten":"250-mx.example.net Hello' \
	'250-DELIVERBY\r\n250 HELP\r\n"'
ARGS="--json --hide help,DSN"
sample >"$T"
check json_hide_last 0 '250-SIZE\r\n250 DELIVERBY\r\n"'

ARGS=""
sample >"$T"
check text_sample 0 'reply 250 from mx.example.net: Hello' \
	'  DSN' 'DSN: advertised' 'SIZE limit: none given'
ARGS="--hide DSN"
printf '250-mx\r\n250-DSN\r\n250 HELP\r\n' >"$T"
check text_hide 0 'rewritten reply:' '250-mx' '250 HELP'


# errors: exit 1 with the error object
ARGS=--json
printf '550 5.7.1 go away\r\n' >"$T"
check refused 1 \
	'{"ok":false,"error":{"code":"bad_ehlo","offset":0,"reply":550,'
printf '250-mx\r\n251 DSN\r\n' >"$T"
check mixed 1 \
	'"code":"mixed_codes","offset":8,' '"line":2'
printf '250-mx\r\n250-DSN\r\n' >"$T"
check no_final 1 '"code":"bad_continuation"'
printf '250-mx\r\n250 SIZE abc\r\n' >"$T"
check bad_size 1 \
	'"code":"bad_ehlo","offset":17'
# SIZE up to 2^64-1 is shown exactly (jansson's integers are signed:
# the CLI writes such numbers itself), the rest of the object unchanged
printf '250-mx\r\n250-SIZE 18446744073709551615\r\n250 FUTURERELEASE 18446744073709551615 2026-01-01T00:00:00Z\r\n' >"$T"
check size_u64 0 '"size":18446744073709551615,"auth":false,' \
	'"params":["18446744073709551615"]' \
	'"futurerelease_max_interval":18446744073709551615,"futurerelease_max_datetime":"2026-01-01T00:00:00Z"}'
printf '250-mx\r\n250 SIZE 9223372036854775807\r\n' >"$T"
check size_int64_max 0 '"size":9223372036854775807,'
printf '250-mx\r\n250 SIZE 18446744073709551616\r\n' >"$T"
check size_overflow 1 '"code":"bad_ehlo","offset":17' 'SIZE limit is out of range'
ARGS=""
printf '250-mx\r\n250 SIZE 18446744073709551615\r\n' >"$T"
check size_u64_text 0 'SIZE limit: 18446744073709551615 octets'
ARGS=--json
printf '' >"$T"
check empty 1 '"code":"empty"'
printf '250-mx\r\n250 D\000N\r\n' >"$T"
check nul 1 '"code":"nul_byte","offset":13'
printf '250-mx\r\n250 X\377\r\n' >"$T"
check bad_byte 1 '"code":"bad_ehlo"'
ARGS=""
printf '550 no\r\n' >"$T"
check refused_text 1 'error: bad_ehlo at offset 0' \
	'server reply 550'

# long lines: 512 by default, 4096 with --lenient
long=$(printf '%0600d' 0)
ARGS=--json
printf '250-mx\r\n250 X%s\r\n' "$long" >"$T"
check too_long 1 '"code":"line_too_long"'
ARGS="--json --lenient"
printf '250-mx\r\n250 X%s\r\n' "$long" >"$T"
check lenient_long 0 '"ok":true'

# --transcript: the reply to the first EHLO of a pasted session
ARGS="--json --transcript --hide DSN"
printf '<<< 220 mx ESMTP\n>>> EHLO c.example\n<<< 250-mx Hello\n<<< 250-DSN\n<<< 250 HELP\n>>> QUIT\n<<< 221 bye\n' >"$T"
check transcript 0 '"domain":"mx","greeting":"Hello"' '"dsn":true' \
	'"rewritten":"250-mx Hello\r\n250 HELP\r\n"'
printf '>>> HELO c.example\n<<< 250 mx\n' >"$T"
check transcript_no_ehlo 1 '"code":"empty"'
if [ -n "${2:-}" ] && [ -f "$2/examples/data/session.txt" ]; then
	cp "$2/examples/data/session.txt" "$T"
	ARGS="--transcript"
	check transcript_issue2 0 'reply 250 from mx.example.net' \
		'DSN: advertised'
fi

# standard input is streamed: gzip is read by its magic bytes, and no
# more than a reply can be long is held (the parser names the limit)
ARGS=--json
sample | gzip -c >"$T"
check gzip_stdin 0 '"ok":true' '"dsn":true'
ARGS=--json
i=0
while [ $i -lt 2000 ]; do printf '250-K%d\r\n' $i; i=$((i + 1)); done >"$T"
check many_lines 1 '"code":"size_limit"' 'too many lines in one reply'
ARGS="--transcript --json"
{ printf '<<< 220 mx\n>>> EHLO a\n'; sample | sed 's/^/<<< /'; printf '>>> QUIT\n'; } | gzip -c >"$T"
check transcript_gzip 0 '"ok":true' '"dsn":true'

# usage
ARGS=--bogus
: >"$T"
check usage 2 'usage'
ARGS=--help
: >"$T"
check help 0 'usage: dsnguard parse-ehlo'

echo "$((n - fails))/$n passed"
[ "$fails" -eq 0 ]
