#!/bin/sh
# tests/cli/test_export_config.sh CLI SRCDIR - `dsnguard export-config`:
# the fragments of every MTA, the comment line that names each file,
# --out (and UNSUPPORTED), --map-dir, IPv6 networks, the rules listed as
# unsupported, exit codes 0 written / 1 invalid policy / 2 usage or I/O.
CLI=$1
SRC=$2
T=${TMPDIR:-/tmp}/dsng-export.$$
mkdir -p "$T" || exit 2
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
has() { grep -qxF -- "$2" "$1" || fail "$1 lacks: $2"; }
hasnt() { ! grep -qF -- "$2" "$1" || fail "$1 has: $2"; }

# ---- every MTA, without --out: each fragment under its name ----------
for m in postfix sendmail exim opensmtpd; do
	"$CLI" export-config --mta $m --preset recommended > "$T/$m.out"
	[ $? -eq 0 ] || fail "$m exit"
done
[ "$(grep -c '^# dsnguard export-config: ' "$T/postfix.out")" = 3 ] || fail "postfix fragments"
has "$T/postfix.out" "# dsnguard export-config: main.cf"
has "$T/postfix.out" "# dsnguard export-config: master.cf"
has "$T/postfix.out" "# dsnguard export-config: dsnguard-ehlo.cidr"
[ "$(head -1 "$T/postfix.out")" = "# dsnguard export-config: main.cf" ] || fail "postfix first line"
has "$T/postfix.out" "smtpd_discard_ehlo_keyword_address_maps = cidr:/etc/postfix/dsnguard-ehlo.cidr"
has "$T/postfix.out" "  -o smtpd_discard_ehlo_keyword_address_maps="
has "$T/postfix.out" "127.0.0.0/8 silent-discard"
has "$T/postfix.out" "::1/128 silent-discard"
has "$T/postfix.out" "0.0.0.0/0 silent-discard, dsn"
has "$T/postfix.out" "::/0 silent-discard, dsn"
# the trusted networks come before the catch-all (first match wins)
[ "$(grep -n 'silent-discard' "$T/postfix.out" | head -1 | cut -d: -f2-)" = "127.0.0.0/8 silent-discard" ] || fail "cidr order"

[ "$(grep -c '^# dsnguard export-config: ' "$T/sendmail.out")" = 2 ] || fail "sendmail fragments"
has "$T/sendmail.out" "# dsnguard export-config: sendmail.mc"
has "$T/sendmail.out" "# dsnguard export-config: access"
has "$T/sendmail.out" "FEATURE(\`access_db', \`hash -T<TMPF> -o /etc/mail/access')dnl"
has "$T/sendmail.out" "$(printf 'Srv_Features:127\td')"
has "$T/sendmail.out" "$(printf 'Srv_Features:IPv6:::1\td')"
has "$T/sendmail.out" "$(printf 'Srv_Features:\tD')"
hasnt "$T/sendmail.out" "noreceipts"
# m4 would expand words in a '#' comment: sendmail.mc comments use dnl
sed -n '/export-config: sendmail.mc/,/export-config: access/p' "$T/sendmail.out" |
	sed '1d;$d' | grep '^#' && fail "sendmail.mc has a bare # comment"

[ "$(grep -c '^# dsnguard export-config: ' "$T/exim.out")" = 1 ] || fail "exim fragments"
has "$T/exim.out" "# dsnguard export-config: exim.conf"
has "$T/exim.out" 'dsn_advertise_hosts = ${if or{{eq{$received_port}{587}}{eq{$received_port}{465}}}{*}{<; 127.0.0.0/8 ; ::1/128}}'

[ "$(grep -c '^# dsnguard export-config: ' "$T/opensmtpd.out")" = 1 ] || fail "opensmtpd fragments"
has "$T/opensmtpd.out" "# dsnguard export-config: smtpd.conf"
has "$T/opensmtpd.out" "listen on lo port 25"
has "$T/opensmtpd.out" "listen on eth0 port 25 no-dsn"
has "$T/opensmtpd.out" "listen on eth0 port 587"

# every fragment lists what it could not express, with the reason
for m in postfix sendmail exim opensmtpd; do
	grep -q '^#   rcpt.success-from = trusted, authenticated, local (recommended): per-keyword NOTIFY' "$T/$m.out" ||
		fail "$m: success-from not listed"
	grep -q '^#   mail.ret-full-from = .*RET=FULL downgrades need dsnguard-milter' "$T/$m.out" ||
		fail "$m: RET not listed"
	grep -q '^#   headers.action = strip (recommended): receipt-request header stripping' "$T/$m.out" ||
		fail "$m: headers not listed"
done
grep -q 'Srv_Features entries are chosen by client address' "$T/sendmail.out" || fail "sendmail submission note"

# ---- --out: files, UNSUPPORTED ---------------------------------------
mkdir "$T/pf"
"$CLI" export-config --mta postfix --preset recommended --out "$T/pf"
[ $? -eq 0 ] || fail "--out exit"
[ "$(cd "$T/pf" && ls | tr '\n' ' ')" = "UNSUPPORTED dsnguard-ehlo.cidr main.cf master.cf " ] || fail "--out files: $(ls "$T/pf")"
for f in main.cf master.cf dsnguard-ehlo.cidr; do
	[ "$(head -1 "$T/pf/$f")" = "# dsnguard export-config: $f" ] || fail "$f first line"
done
grep -q '^rcpt.success-from = trusted, authenticated, local (recommended): ' "$T/pf/UNSUPPORTED" || fail "UNSUPPORTED"
[ "$(grep -c . "$T/pf/UNSUPPORTED")" = "$(grep -c '^#   ' "$T/pf/main.cf")" ] || fail "UNSUPPORTED and main.cf differ"
# the fragments printed and written are the same
cat "$T/pf/main.cf" > "$T/cat"; echo >> "$T/cat"; cat "$T/pf/master.cf" >> "$T/cat"
echo >> "$T/cat"; cat "$T/pf/dsnguard-ehlo.cidr" >> "$T/cat"
cmp -s "$T/cat" "$T/postfix.out" || fail "--out differs from stdout"

# permissive: nothing unsupported, UNSUPPORTED is "none"; DSN for all
mkdir "$T/perm"
"$CLI" export-config --mta exim --preset permissive --out "$T/perm" || fail "permissive exit"
[ "$(cat "$T/perm/UNSUPPORTED")" = "none" ] || fail "none: $(cat "$T/perm/UNSUPPORTED")"
has "$T/perm/exim.conf" "dsn_advertise_hosts = *"
"$CLI" export-config --mta postfix --preset permissive > "$T/perm.pf" || fail "permissive postfix"
hasnt "$T/perm.pf" "smtpd_discard_ehlo_keyword_address_maps ="
# sendmail-noreceipts: the PrivacyOptions line
"$CLI" export-config --mta sendmail --preset sendmail-noreceipts > "$T/nr" || fail "noreceipts exit"
has "$T/nr" "define(\`confPRIVACY_FLAGS', \`authwarnings,noreceipts')dnl"
hasnt "$T/nr" "Srv_Features:"

# ---- --map-dir changes only the paths inside -------------------------
mkdir "$T/md"
"$CLI" export-config --mta postfix --preset recommended --out "$T/md" --map-dir /srv/maps || fail "map-dir exit"
has "$T/md/main.cf" "smtpd_discard_ehlo_keyword_address_maps = cidr:/srv/maps/dsnguard-ehlo.cidr"
[ -f "$T/md/dsnguard-ehlo.cidr" ] || fail "map-dir: file not in --out"
"$CLI" export-config --mta sendmail --preset recommended --map-dir /srv/maps > "$T/md.sm"
has "$T/md.sm" "FEATURE(\`access_db', \`hash -T<TMPF> -o /srv/maps/access')dnl"

# ---- a config file: its networks replace the preset's, IPv6 included --
cat > "$T/p.conf" << 'CONF'
preset = recommended
[trusted-networks]
192.0.2.0/24
2001:db8:1::/48
198.51.100.7
CONF
"$CLI" export-config --mta postfix "$T/p.conf" > "$T/f.pf" || fail "file exit"
has "$T/f.pf" "192.0.2.0/24 silent-discard"
has "$T/f.pf" "198.51.100.7/32 silent-discard"
has "$T/f.pf" "2001:db8:1::/48 silent-discard"
hasnt "$T/f.pf" "127.0.0.0/8 silent-discard"
grep -q "^# policy $T/p.conf, MTA Postfix" "$T/f.pf" || fail "policy name"
"$CLI" export-config --mta exim "$T/p.conf" > "$T/f.ex"
grep -q '{<; 192.0.2.0/24 ; 198.51.100.7/32 ; 2001:db8:1::/48}}$' "$T/f.ex" || fail "exim ipv6: $(grep dsn_adv "$T/f.ex")"
"$CLI" export-config --mta sendmail "$T/p.conf" > "$T/f.sm"
has "$T/f.sm" "$(printf 'Srv_Features:192.0.2\td')"
has "$T/f.sm" "$(printf 'Srv_Features:198.51.100.7\td')"
has "$T/f.sm" "$(printf 'Srv_Features:IPv6:2001:db8:1\td')"
printf '[trusted-networks]\n192.0.2.0/28\n2001:db8::/32\n2001:0:0:1::/64\n' > "$T/odd.conf"
"$CLI" export-config --mta sendmail "$T/odd.conf" > "$T/odd.sm" || fail "odd exit"
[ "$(grep -c '^Srv_Features:192.0.2.[0-9]*	d$' "$T/odd.sm")" = 16 ] || fail "/28 as 16 addresses"
has "$T/odd.sm" "$(printf 'Srv_Features:IPv6:2001:db8\td')"
grep -q '^#   trusted network 2001:0:0:1::/64: sendmail access keys' "$T/odd.sm" || fail "zero group note"
"$CLI" export-config --mta opensmtpd "$T/p.conf" > "$T/f.os"
grep -q '^#   trusted network 192.0.2.0/24: OpenSMTPD offers DSN per listener' "$T/f.os" || fail "opensmtpd network note"
# IPv4 only: no list separator change for Exim
printf '[trusted-networks]\n10.0.0.0/8\n192.0.2.1\n[ehlo]\noffer-dsn = trusted\n' > "$T/v4.conf"
"$CLI" export-config --mta exim "$T/v4.conf" > "$T/v4.ex"
has "$T/v4.ex" "dsn_advertise_hosts = 10.0.0.0/8 : 192.0.2.1/32"
# offer to nobody and tls: TLS cannot be expressed
printf '[ehlo]\noffer-dsn = tls\n' > "$T/tls.conf"
"$CLI" export-config --mta postfix "$T/tls.conf" > "$T/tls.pf" || fail "tls exit"
grep -q '^#   ehlo.offer-dsn includes tls: Postfix cannot offer DSN only after STARTTLS' "$T/tls.pf" || fail "tls note"
grep -q '^#   ehlo.offer-dsn leaves out local' "$T/tls.pf" || fail "local note"

# offer-dsn without "trusted": the networks get no DSN anywhere
printf '[trusted-networks]\n192.0.2.0/24\n::1\n[ehlo]\noffer-dsn = submission\n' > "$T/sub.conf"
"$CLI" export-config --mta postfix "$T/sub.conf" > "$T/sub.pf" || fail "sub exit"
hasnt "$T/sub.pf" "192.0.2.0/24 silent-discard"
has "$T/sub.pf" "0.0.0.0/0 silent-discard, dsn"
has "$T/sub.pf" "  -o smtpd_discard_ehlo_keyword_address_maps="
"$CLI" export-config --mta exim "$T/sub.conf" > "$T/sub.ex"
has "$T/sub.ex" 'dsn_advertise_hosts = ${if or{{eq{$received_port}{587}}{eq{$received_port}{465}}}{*}{}}'
"$CLI" export-config --mta opensmtpd "$T/sub.conf" > "$T/sub.os"
has "$T/sub.os" "listen on lo port 25 no-dsn"
"$CLI" export-config --mta sendmail "$T/sub.conf" > "$T/sub.sm"
hasnt "$T/sub.sm" "$(printf 'Srv_Features:192.0.2\td')"
has "$T/sub.sm" "$(printf 'Srv_Features:\tD')"
# trusted networks without loopback: OpenSMTPD's lo listener gets no DSN
"$CLI" export-config --mta opensmtpd "$T/v4.conf" > "$T/v4.os"
has "$T/v4.os" "listen on lo port 25 no-dsn"

# ---- exit codes ------------------------------------------------------
"$CLI" export-config --preset recommended > /dev/null 2>&1
[ $? -eq 2 ] || fail "no --mta: 2"
"$CLI" export-config --mta qmail --preset recommended > /dev/null 2> "$T/e"
[ $? -eq 2 ] || fail "unknown mta: 2"
grep -q "unknown --mta 'qmail'" "$T/e" || fail "unknown mta message"
"$CLI" export-config --mta postfix > /dev/null 2>&1
[ $? -eq 2 ] || fail "no policy: 2"
"$CLI" export-config --mta postfix --preset recommended "$T/p.conf" > /dev/null 2>&1
[ $? -eq 2 ] || fail "both: 2"
"$CLI" export-config --mta postfix --preset nosuch > /dev/null 2>&1
[ $? -eq 2 ] || fail "unknown preset: 2"
"$CLI" export-config --mta postfix --bogus --preset recommended > /dev/null 2>&1
[ $? -eq 2 ] || fail "unknown option: 2"
"$CLI" export-config --mta postfix "$T/does-not-exist.conf" > /dev/null 2>&1
[ $? -eq 2 ] || fail "unreadable: 2"
printf '[ehlo]\noffer-dsn = friends\n' > "$T/bad.conf"
out=$("$CLI" export-config --mta postfix "$T/bad.conf" 2>&1)
[ $? -eq 1 ] || fail "invalid: 1"
case "$out" in *"$T/bad.conf:2:13: ehlo.offer-dsn: unknown client class 'friends'"*) ;; *) fail "invalid message: $out" ;; esac
"$CLI" export-config --mta postfix --preset recommended --out "$T/no/such/dir" > /dev/null 2>&1
[ $? -eq 2 ] || fail "--out missing dir: 2"
"$CLI" export-config --mta postfix --help > /dev/null || fail "--help"

[ $fails -eq 0 ] && echo ok
exit $fails
