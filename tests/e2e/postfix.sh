# tests/e2e/postfix.sh - Debian's Postfix 3.7, unpacked (dpkg -x, never
# installed), run as a private instance on 127.0.0.1 for the end-to-end
# tests.  Source after e2e.sh.
#
#   pf_require              e2e_require, unpack postfix (77 with the reason)
#   pf_configure DIR        DIR/etc/{main,master}.cf on two free ports (smtp
#                           and a submission service with Cyrus SASL, user
#                           alice, password secret), Maildirs under
#                           DIR/vmail/USER/ for rcpt, victim, sender, alice
#                           and root @example.test, the log in DIR/log/maillog
#   pf_set DIR 'k = v'...   change main.cf (postconf -e)
#   pf_master_o DIR SVC -o  add "-o name=value" to the smtp or submission
#                           service
#   pf_start DIR            master in the foreground (no postfix-script),
#                           PID in DIR/master.pid, once both ports listen
#   pf_stop DIR             TERM master by that PID (it stops its children)
#   pf_run DIR CMD...       a Postfix command (sendmail, postqueue ...) with
#                           this instance's configuration, in the namespace
#   pf_ports DIR            "SMTP SUBMISSION"
#
# Pitfalls met here: the binaries look for their libraries in /usr/lib/
# postfix (RUNPATH), so LD_LIBRARY_PATH points into the unpacked tree and
# import_environment passes it on to every daemon master starts (and
# export_environment to postdrop, which sendmail(1) runs); postfix(1)
# runs postfix-script, which checks the whole package layout and prints its
# errors only to a terminal, so master is started directly with the queue
# folders made here; maillog_file needs maillog_file_prefixes; Debian's
# smtpd reads its Cyrus SASL settings from $config_directory/sasl/smtpd.conf
# (cyrus_sasl_config_path made no difference).
PF_ROOT=$E2E_CACHE/postfix/root
PF_LIB=$PF_ROOT/usr/lib/postfix

pf_require() {
	e2e_require
	e2e_unpack postfix postfix
	case $? in
	0) ;;
	*) echo "SKIP: Postfix 3.7 cannot be unpacked here (apt-get download postfix)"; exit 77 ;;
	esac
	if LD_LIBRARY_PATH=$PF_LIB ldd "$PF_LIB/sbin/smtpd" | grep -q 'not found'; then
		echo "SKIP: Postfix lacks libraries: $(LD_LIBRARY_PATH=$PF_LIB ldd \
			"$PF_LIB/sbin/smtpd" | grep 'not found' | tr '\n' ' ')"
		exit 77
	fi
}

pf() { LD_LIBRARY_PATH=$PF_LIB "$@"; }

pf_run() {
	d=$1
	shift
	e2e_ns env LD_LIBRARY_PATH="$PF_LIB" MAIL_CONFIG="$d/etc" "$@"
}

pf_ports() { cat "$1/ports"; }

pf_set() {
	d=$1
	shift
	pf "$PF_ROOT/usr/sbin/postconf" -c "$d/etc" -e "$@"
}

# pf_master_o DIR smtp|submission -o name=value: the option goes after the
# service's line (master.cf continuation lines start with blanks).
pf_master_o() {
	set -- "$1" "$2" "$3" "$4" $(pf_ports "$1")
	case $2 in
	smtp) p=$5 ;;
	*) p=$6 ;;
	esac
	awk -v svc="127.0.0.1:$p" -v opt="$3 $4" '
		{ print }
		$1 == svc && $2 == "inet" { print "  " opt }
	' "$1/etc/master.cf" > "$1/etc/master.cf.new" &&
		mv "$1/etc/master.cf.new" "$1/etc/master.cf"
}

pf_configure() {
	d=$1
	mkdir -p "$d/etc" "$d/queue" "$d/data" "$d/vmail" "$d/log" "$d/etc/sasl" || return 1
	chmod 755 "$d" || return 1
	port=$(e2e_port) && sub=$(e2e_port) || return 1
	while [ "$sub" = "$port" ]; do sub=$(e2e_port); done
	echo "$port $sub" > "$d/ports"
	uid=$(e2e_uid postfix)
	gid=$(e2e_gid postfix)
	drop=$(e2e_gid postdrop)
	cat > "$d/etc/main.cf" << EOF
compatibility_level = 3.6
queue_directory = $d/queue
data_directory = $d/data
command_directory = $PF_ROOT/usr/sbin
daemon_directory = $PF_LIB/sbin
meta_directory = $PF_ROOT/etc/postfix
shlib_directory = $PF_LIB
sendmail_path = $PF_ROOT/usr/sbin/sendmail
newaliases_path = $PF_ROOT/usr/bin/newaliases
mailq_path = $PF_ROOT/usr/bin/mailq
manpage_directory = no
html_directory = no
readme_directory = no
import_environment = MAIL_CONFIG MAIL_DEBUG MAIL_LOGTAG TZ LANG=C LD_LIBRARY_PATH=$PF_LIB
export_environment = TZ MAIL_CONFIG LANG LD_LIBRARY_PATH
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.example.test
mydomain = example.test
myorigin = example.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.1/32
smtp_bind_address = 127.0.0.1
virtual_mailbox_domains = example.test
virtual_mailbox_base = $d/vmail
virtual_mailbox_maps = inline:{ rcpt@example.test=rcpt/, victim@example.test=victim/, sender@example.test=sender/, alice@example.test=alice/, root@example.test=root/ }
virtual_uid_maps = static:$uid
virtual_gid_maps = static:$gid
alias_maps =
alias_database =
disable_dns_lookups = yes
smtp_host_lookup = native
biff = no
maillog_file = $d/log/maillog
maillog_file_prefixes = $d
smtpd_sasl_local_domain = example.test
EOF
	# one line per service, chroot off (no copies of /etc in the queue)
	cat > "$d/etc/master.cf" << EOF
127.0.0.1:$port inet n - n - - smtpd
127.0.0.1:$sub inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
pickup unix n - n 60 1 pickup
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
smtp unix - - n - - smtp
relay unix - - n - - smtp
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
local unix - n n - - local
virtual unix - n n - - virtual
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
EOF
	for q in active bounce corrupt defer deferred flush hold incoming \
		private saved trace; do
		mkdir -p "$d/queue/$q" && chown "$uid:$gid" "$d/queue/$q" &&
			chmod 700 "$d/queue/$q" || return 1
	done
	mkdir -p "$d/queue/maildrop" "$d/queue/public" "$d/queue/pid" || return 1
	chown "$uid:$drop" "$d/queue/maildrop" "$d/queue/public" &&
		chmod 730 "$d/queue/maildrop" && chmod 710 "$d/queue/public" || return 1
	chown "$uid:$gid" "$d/data" "$d/vmail" && chmod 700 "$d/data" || return 1
	# Cyrus SASL for the submission service: alice / secret in a sasldb
	printf 'pwcheck_method: auxprop\nauxprop_plugin: sasldb\nmech_list: PLAIN LOGIN\nsasldb_path: %s\n' \
		"$d/etc/sasl/sasldb2" > "$d/etc/sasl/smtpd.conf"
	if command -v saslpasswd2 > /dev/null 2>&1; then
		echo secret | saslpasswd2 -f "$d/etc/sasl/sasldb2" -p -c -u example.test alice ||
			return 1
		chown "$uid:$gid" "$d/etc/sasl/sasldb2" && chmod 640 "$d/etc/sasl/sasldb2"
	fi
}

pf_start() {
	d=$1
	: > "$d/log/maillog"
	chmod 644 "$d/log/maillog"
	# The subshell, unshare, sh, setsid and env exec each other: $! is
	# master, a session leader (on TERM it signals its process group).
	(cd "$d" && exec unshare -m sh -c 'mount --bind "$1" /etc/passwd &&
		mount --bind "$2" /etc/group && shift 2 && exec "$@"' sh \
		"$E2E_CACHE/passwd" "$E2E_CACHE/group" \
		setsid env LD_LIBRARY_PATH="$PF_LIB" "$PF_LIB/sbin/master" -c "$d/etc" -d \
		> "$d/master.out" 2>&1 < /dev/null) &
	echo $! > "$d/master.pid"
	set -- $(pf_ports "$d")
	i=0
	while [ $i -lt 100 ]; do
		if ! e2e_alive "$(cat "$d/master.pid")"; then
			e2e_log "postfix master exited:"
			cat "$d/master.out" "$d/log/maillog" >&2
			rm -f "$d/master.pid"
			return 1
		fi
		if e2e_listening "$1" && e2e_listening "$2"; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	e2e_log "postfix does not listen"
	pf_stop "$d"
	return 1
}

pf_stop() {
	[ -f "$1/master.pid" ] || return 0
	e2e_kill "$(cat "$1/master.pid")"
	rm -f "$1/master.pid"
}

# pf_mail DIR USER: the messages in that user's Maildir (new/), one a line
pf_mail() { ls "$1/vmail/$2/new/" 2> /dev/null | sed "s|^|$1/vmail/$2/new/|"; }

# pf_wait_queue DIR SECONDS: until Postfix's queue is empty (every
# delivery and notice done)
pf_wait_queue() {
	end=$(($(date +%s) + $2))
	while :; do
		n=$(find "$1/queue/incoming" "$1/queue/active" "$1/queue/deferred" \
			"$1/queue/maildrop" -type f 2> /dev/null | wc -l)
		[ "$n" -eq 0 ] && return 0
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.2
	done
}
