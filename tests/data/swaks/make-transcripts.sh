#!/bin/sh
# tests/data/swaks/make-transcripts.sh - how the swaks transcripts in this
# folder were made, on Debian 12 as root (it binds ports 25 and 587 and
# adds the documentation address 198.51.100.25 to lo for the client side,
# removing it again at the end):
#
#   apt-get install -y swaks python3-aiosmtpd libio-socket-ssl-perl \
#       libauthen-sasl-perl
#   sh tests/data/swaks/make-transcripts.sh
#
# The server is capture-server.py (aiosmtpd, advertising DSN).  swaks
# 20201014 has no DSN options, so NOTIFY goes in through --to: swaks writes
# "RCPT TO:<$to>", and the '>' it closes with ends an ORCPT value
# ("ORCPT=rfc822;bob@example.org>", valid xtext).  Each file is swaks's
# output (stdout and stderr) as printed, unedited.
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d)
SRV=
cleanup() {
	[ -n "$SRV" ] && kill "$SRV" 2>/dev/null
	ip addr del 198.51.100.25/32 dev lo 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=mx.example.test \
	-keyout "$W/key.pem" -out "$W/cert.pem" 2>/dev/null
ip addr add 198.51.100.25/32 dev lo
/usr/bin/python3 "$HERE/capture-server.py" "$W/cert.pem" "$W/key.pem" 127.0.0.1 &
SRV=$!
sleep 2

run() {
	out=$1
	shift
	swaks --server 127.0.0.1 --local-interface 198.51.100.25 \
		--header 'Subject: test' --body 'hello' "$@" \
		> "$HERE/$out" 2>&1 || true
}

# A submission user on 587: EHLO, AUTH PLAIN, a receipt asked for.
run swaks-587-auth.txt --port 587 --ehlo laptop.example \
	--auth PLAIN --auth-user alice --auth-password secret \
	--from alice@example.net --header 'To: bob@example.org' \
	--to 'bob@example.org> NOTIFY=SUCCESS ORCPT=rfc822;bob@example.org'
# The same user over STARTTLS, then AUTH LOGIN (a 334 exchange).
run swaks-587-starttls-auth.txt --port 587 --ehlo laptop.example --tls \
	--auth LOGIN --auth-user alice --auth-password secret \
	--from alice@example.net --header 'To: bob@example.org' \
	--to 'bob@example.org> NOTIFY=SUCCESS ORCPT=rfc822;bob@example.org'
# A stranger on 25 over STARTTLS, no AUTH, asking for a receipt (and a read
# receipt, in a header) to be sent to a forged sender.
run swaks-25-starttls.txt --port 25 --ehlo bulk.example --tls \
	--from spamvictim@victim.example \
	--header 'To: legal_address@example.net' \
	--header 'Disposition-Notification-To: spamvictim@victim.example' \
	--to 'legal_address@example.net> NOTIFY=SUCCESS ORCPT=rfc822;legal_address@example.net'
# No AUTH on 587: the server refuses MAIL, and swaks marks that "<**".
run swaks-587-noauth.txt --port 587 --ehlo laptop.example \
	--from alice@example.net --header 'To: bob@example.org' \
	--to 'bob@example.org> NOTIFY=SUCCESS ORCPT=rfc822;bob@example.org'
