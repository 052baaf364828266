#!/bin/sh
# tests/mta/export/test_export_mta.sh DSNGUARD SRCDIR - check what
# `dsnguard export-config` writes with each MTA's own tools (ctest
# mta_export_config, label mta):
#   postfix    postconf -c DIR -n / -P over the exported main.cf and
#              master.cf lines; postmap -q on the cidr map: 127.0.0.1 and
#              ::1 keep DSN, 203.0.113.5 and 2001:db8::5 lose it
#   sendmail   m4 with sendmail-cf over the exported sendmail.mc lines,
#              makemap on the access entries, and sendmail -bt running the
#              srv_features ruleset: d for the trusted, D for a stranger
#   exim       exim -bV -C over the exported main-section line, and exim
#              -bh sessions: DSN in EHLO for 127.0.0.1 and ::1 and on port
#              587, not for 203.0.113.5 on port 25
#   opensmtpd  smtpd -n -f over the exported listener lines
# The packages are unpacked (dpkg -x), never installed, into
# $DSNG_EXPORT_CACHE (/var/tmp/dsnguard-mta/export); m4 and the one library
# sendmail lacks (libwrap0) are installed with apt-get when missing.
# Exit 77 (skip) when not root or postfix cannot be had; a leg whose package
# cannot be had is reported as skipped with its reason, on stderr.
set -u
DSNGUARD=$1
SRC=$2
CACHE=${DSNG_EXPORT_CACHE:-/var/tmp/dsnguard-mta/export}
R=$CACHE/root
skip() { echo "SKIP: $*" >&2; }
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

if [ "$(id -u)" -ne 0 ]; then
	skip "not root: cannot unpack the MTAs"
	exit 77
fi
mkdir -p "$CACHE" || exit 77
(
	flock 9 || exit 77
	if [ ! -f "$CACHE/unpacked" ]; then
		mkdir -p "$CACHE/debs" && rm -rf "$R" || exit 77
		for pkg in postfix sendmail-cf sendmail-bin opensmtpd; do
			(cd "$CACHE/debs" && apt-get download "$pkg" \
				>> download.log 2>&1) ||
				echo "$pkg: apt-get download failed" >&2
		done
		for d in "$CACHE"/debs/*.deb; do
			[ -f "$d" ] && dpkg -x "$d" "$R"
		done
		# a failed download is tried again next time
		[ -x "$R/usr/sbin/postconf" ] && touch "$CACHE/unpacked"
	fi
	exit 0
) 9> "$CACHE/lock" || exit 77
[ -x "$R/usr/sbin/postconf" ] || {
	skip "postfix could not be unpacked (see $CACHE/debs/download.log)"
	exit 77
}

W=$(mktemp -d "${TMPDIR:-/tmp}/dsng-export.XXXXXX") || exit 1
chmod 755 "$W"
trap 'rm -rf "$W"' EXIT INT TERM
skipped=""

# ---- postfix -------------------------------------------------------------
P=$W/postfix
mkdir -p "$P/out" "$P/etc" || exit 1
"$DSNGUARD" export-config --mta postfix --preset recommended \
	--out "$P/out" --map-dir "$P/out" || fail "postfix export"
{
	grep -v '^#' "$P/out/main.cf"
	echo "compatibility_level = 3.6"
	# users that exist here and are not default_privs (nobody)
	echo "mail_owner = daemon"
	echo "setgid_group = bin"
} > "$P/etc/main.cf"
grep -v '^#' "$P/out/master.cf" > "$P/etc/master.cf"
pf() { LD_LIBRARY_PATH=$R/usr/lib/postfix "$@"; }
pf "$R/usr/sbin/postconf" -c "$P/etc" -n > "$P/n.out" 2> "$P/n.err" ||
	fail "postconf -n: $(cat "$P/n.err")"
[ -s "$P/n.err" ] && fail "postconf -n warns: $(cat "$P/n.err")"
grep -qx "smtpd_discard_ehlo_keyword_address_maps = cidr:$P/out/dsnguard-ehlo.cidr" \
	"$P/n.out" || fail "postconf -n: $(cat "$P/n.out")"
pf "$R/usr/sbin/postconf" -c "$P/etc" -P > "$P/P.out" 2>&1 ||
	fail "postconf -P: $(cat "$P/P.out")"
grep -qx "submission/inet/smtpd_discard_ehlo_keyword_address_maps =" \
	"$P/P.out" || fail "postconf -P: $(cat "$P/P.out")"
for a in 127.0.0.1 127.3.4.5 ::1 203.0.113.5 2001:db8::5; do
	r=$(pf "$R/usr/sbin/postmap" -c "$P/etc" -q "$a" \
		"cidr:$P/out/dsnguard-ehlo.cidr" 2>&1) || fail "postmap -q $a: $r"
	case $a in
	127.* | ::1) want="silent-discard" ;;
	*) want="silent-discard, dsn" ;;
	esac
	[ "$r" = "$want" ] || fail "postmap -q $a: '$r', want '$want'"
done
echo "postfix: postconf and postmap accept the export" >&2

# ---- sendmail ------------------------------------------------------------
S=$W/sendmail
mkdir -p "$S" || exit 1
if ! command -v m4 > /dev/null 2>&1; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y \
		--no-install-recommends m4 > "$W/m4.log" 2>&1
fi
SM=$R/usr/libexec/sendmail/sendmail
if [ ! -f "$R/usr/share/sendmail/cf/m4/cf.m4" ] || ! command -v m4 > /dev/null; then
	skipped="$skipped sendmail(sendmail-cf or m4 missing)"
else
	if ldd "$SM" 2> /dev/null | grep -q 'libwrap.so.0 => not found'; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y \
			--no-install-recommends libwrap0 > "$W/wrap.log" 2>&1
	fi
	"$DSNGUARD" export-config --mta sendmail --preset recommended \
		--out "$S" --map-dir "$S" || fail "sendmail export"
	{
		echo 'OSTYPE(`linux'"')dnl"
		# the map lives in a test folder under a world-writable /tmp
		echo 'define(`confDONT_BLAME_SENDMAIL'"', "'`MapInUnsafeDirPath'"')dnl"
		cat "$S/sendmail.mc"
		echo 'MAILER(`local'"')dnl"
		echo 'MAILER(`smtp'"')dnl"
	} > "$S/test.mc"
	m4 -D_CF_DIR_="$R/usr/share/sendmail/cf/" \
		"$R/usr/share/sendmail/cf/m4/cf.m4" "$S/test.mc" > "$S/test.cf" \
		2> "$S/m4.err" || fail "m4: $(cat "$S/m4.err")"
	[ -s "$S/m4.err" ] && fail "m4 warns: $(cat "$S/m4.err")"
	grep -q "^Kaccess hash -T<TMPF> -o $S/access\$" "$S/test.cf" ||
		fail "sendmail.cf has no access map"
	"$R/usr/sbin/makemap" -C "$S/test.cf" hash "$S/access" \
		< "$S/access" 2> "$S/makemap.err" ||
		fail "makemap: $(cat "$S/makemap.err")"
	if ldd "$SM" 2> /dev/null | grep -q 'not found'; then
		skipped="$skipped sendmail-bt(missing libraries)"
	else
		for a in 127.0.0.1 IPv6:::1 203.0.113.5; do
			printf '.D{client_addr}%s\n.D{client_name}unknown.invalid\nsrv_features x\n' \
				"$a" > "$S/bt.in"
			# a qualified host name, or sendmail waits 60 s
			r=$(timeout 60 unshare -u sh -c 'hostname mx.example.test &&
				exec "$1" -C "$2" -bt < "$3"' sh "$SM" "$S/test.cf" \
				"$S/bt.in" 2> /dev/null |
				sed -n 's/^srv_features *returns: \$# //p')
			case $a in
			203.*) want=D ;;
			*) want=d ;;
			esac
			[ "$r" = "$want" ] ||
				fail "sendmail srv_features for $a: '$r', want '$want'"
		done
		# a config's IPv6 network: a prefix of whole groups
		printf 'preset = recommended\n[trusted-networks]\n192.0.2.0/24\n2001:db8:1::/48\n' \
			> "$S/p.conf"
		"$DSNGUARD" export-config --mta sendmail "$S/p.conf" --out "$S" \
			--map-dir "$S" || fail "sendmail export (file)"
		"$R/usr/sbin/makemap" -C "$S/test.cf" hash "$S/access" \
			< "$S/access" 2> "$S/makemap.err" ||
			fail "makemap: $(cat "$S/makemap.err")"
		for a in 192.0.2.9 IPv6:2001:db8:1::5 IPv6:2001:db8:1:2:3:4:5:6 \
			127.0.0.1 IPv6:2001:db8:2::5; do
			printf '.D{client_addr}%s\n.D{client_name}unknown.invalid\nsrv_features x\n' \
				"$a" > "$S/bt.in"
			r=$(timeout 60 unshare -u sh -c 'hostname mx.example.test &&
				exec "$1" -C "$2" -bt < "$3"' sh "$SM" "$S/test.cf" \
				"$S/bt.in" 2> /dev/null |
				sed -n 's/^srv_features *returns: \$# //p')
			case $a in
			127.* | *:2::5) want=D ;;
			*) want=d ;;
			esac
			[ "$r" = "$want" ] ||
				fail "sendmail srv_features for $a (file): '$r', want '$want'"
		done
		echo "sendmail: m4, makemap and srv_features accept the export" >&2
	fi
fi

# ---- exim ----------------------------------------------------------------
E=$W/exim
mkdir -p "$E" || exit 1
EXIM_HERE=$SRC/tests/mta/exim
. "$EXIM_HERE/exim.sh"
if exim_prepare; then
	"$DSNGUARD" export-config --mta exim --preset recommended \
		--out "$E" || fail "exim export"
	{
		echo "exim_path = $EXIM_BIN"
		echo "primary_hostname = mx.example.test"
		echo "spool_directory = $E/spool"
		echo "log_file_path = $E/%slog"
		echo "tls_advertise_hosts ="
		echo "host_lookup ="
		echo "rfc1413_hosts ="
		echo "keep_environment ="
		cat "$E/exim.conf"
	} > "$E/test.conf"
	mkdir -p "$E/spool" && chown "$(exim_ids)" "$E/spool" "$E"
	chmod 644 "$E/test.conf"
	exim_ns "$EXIM_BIN" -C "$E/test.conf" -bV > "$E/bV.out" 2>&1 ||
		fail "exim -bV: $(cat "$E/bV.out")"
	for c in "127.0.0.1 25" "::1 25" "203.0.113.5 25" "203.0.113.5 587"; do
		set -- $c
		printf 'EHLO client.example.test\r\nQUIT\r\n' |
			exim_ns "$EXIM_BIN" -C "$E/test.conf" -bh "$1" \
			-oMi "127.0.0.1.$2" > "$E/bh.out" 2>&1
		if grep -q '^250-DSN\|^250 DSN' "$E/bh.out"; then r=yes; else r=no; fi
		case "$1 $2" in
		"203.0.113.5 25") want=no ;;
		*) want=yes ;;
		esac
		[ "$r" = "$want" ] ||
			fail "exim DSN for $1 port $2: $r, want $want: $(cat "$E/bh.out")"
	done
	# offer-dsn = submission alone: an empty host list but for 587
	printf '[trusted-networks]\n127.0.0.1\n[ehlo]\noffer-dsn = submission\n' \
		> "$E/sub.conf"
	"$DSNGUARD" export-config --mta exim "$E/sub.conf" > "$E/sub.frag" ||
		fail "exim export (submission)"
	sed -n '/^dsn_advertise_hosts/d;p' "$E/test.conf" > "$E/test2.conf"
	grep '^dsn_advertise_hosts' "$E/sub.frag" >> "$E/test2.conf"
	chmod 644 "$E/test2.conf"
	for c in "127.0.0.1 25 no" "203.0.113.5 25 no" "203.0.113.5 587 yes"; do
		set -- $c
		printf 'EHLO client.example.test\r\nQUIT\r\n' |
			exim_ns "$EXIM_BIN" -C "$E/test2.conf" -bh "$1" \
			-oMi "127.0.0.1.$2" > "$E/bh.out" 2>&1
		if grep -q '^250-DSN\|^250 DSN' "$E/bh.out"; then r=yes; else r=no; fi
		[ "$r" = "$3" ] ||
			fail "exim (submission) DSN for $1 port $2: $r, want $3: $(cat "$E/bh.out")"
	done
	echo "exim: -bV and -bh accept the export" >&2
else
	skipped="$skipped exim(exim_prepare failed)"
fi

# ---- opensmtpd -----------------------------------------------------------
O=$W/opensmtpd
mkdir -p "$O" || exit 1
if [ ! -x "$R/usr/sbin/smtpd" ]; then
	skipped="$skipped opensmtpd(not unpacked)"
elif ldd "$R/usr/sbin/smtpd" 2> /dev/null | grep -q 'not found'; then
	skipped="$skipped opensmtpd(missing libraries)"
else
	"$DSNGUARD" export-config --mta opensmtpd --preset recommended \
		--out "$O" || fail "opensmtpd export"
	{
		# eth0 is the fragment's placeholder: use loopback here
		sed 's/ eth0 / lo /' "$O/smtpd.conf"
		echo 'action "local" mbox'
		echo 'match from any for local action "local"'
	} > "$O/test.conf"
	timeout 30 "$R/usr/sbin/smtpd" -n -f "$O/test.conf" > "$O/n.out" 2>&1 ||
		fail "smtpd -n: $(cat "$O/n.out")"
	grep -q "no-dsn" "$O/test.conf" || fail "smtpd.conf has no no-dsn"
	echo "opensmtpd: smtpd -n accepts the export" >&2
fi

if [ -n "$skipped" ]; then
	skip "legs skipped:$skipped"
fi
echo "ok"
exit 0
