# tests/e2e/sendmail.sh - Debian's sendmail 8.17, unpacked (dpkg -x, never
# installed: it conflicts with every other MTA package), run as a private
# daemon on 127.0.0.1 for the end-to-end tests.  Source after e2e.sh.
#
#   sm_require              e2e_require, unpack sendmail-bin and sendmail-cf,
#                           m4 and libwrap0 (77 with the reason)
#   sm_configure DIR [MC]   DIR/sendmail.cf from a private .mc on a free port
#                           (the file MC holds extra .mc lines: the exported
#                           access_db feature, a milter); mailboxes
#                           DIR/mail/USER (mbox) for the local users rcpt,
#                           victim, sender; the log in DIR/log/maillog
#   sm_start DIR            the daemon (-bd -q2s), PID in DIR/daemon.pid,
#                           once the port listens
#   sm_stop DIR             TERM it by that PID, then whatever it forked
#   sm_port DIR             the port
#
# Pitfalls met here (besides those in the shared notes: a qualified host
# name, else a 60 s sleep at start, and MapInUnsafeDirPath for maps under
# /tmp): this machine has no syslog daemon and sendmail logs only through
# syslog(3) to /dev/log, so the daemon runs in a mount namespace whose /dev
# is a private folder (null, zero, random, urandom, tty bound from the real
# one) with a /dev/log socket that syslog.py, started here, writes to
# DIR/log/maillog in the classic "Mon dd hh:mm:ss host tag[pid]: text"
# form; OSTYPE(linux) delivers through procmail, so LOCAL_MAILER_PATH,
# defined after it, is this harness's deliver.sh, which appends to
# DIR/mail/USER.
SM_ROOT=$E2E_CACHE/sendmail/root
SM_BIN=$SM_ROOT/usr/libexec/sendmail/sendmail

sm_require() {
	e2e_require
	e2e_unpack sendmail sendmail-bin sendmail-cf ||
		{ echo "SKIP: sendmail 8.17 cannot be unpacked here (apt-get download)"; exit 77; }
	command -v m4 > /dev/null 2>&1 || e2e_apt m4 ||
		{ echo "SKIP: no m4 to build sendmail.cf"; exit 77; }
	if ldd "$SM_BIN" 2> /dev/null | grep -q 'libwrap.so.0 => not found'; then
		e2e_apt libwrap0 || { echo "SKIP: libwrap0 cannot be installed"; exit 77; }
	fi
	if ldd "$SM_BIN" 2> /dev/null | grep -q 'not found'; then
		echo "SKIP: sendmail lacks libraries: $(ldd "$SM_BIN" | grep 'not found' | tr '\n' ' ')"
		exit 77
	fi
}

sm_port() { cat "$1/port"; }

sm_configure() {
	d=$1
	mkdir -p "$d/queue" "$d/mail" "$d/log" "$d/dev" || return 1
	chmod 755 "$d" && chmod 700 "$d/queue" && chmod 1777 "$d/mail" || return 1
	port=$(e2e_port) || return 1
	echo "$port" > "$d/port"
	: > "$d/statistics"
	printf 'postmaster: root\nMAILER-DAEMON: root\n' > "$d/aliases"
	printf 'hosts files\naliases files\npasswd files\n' > "$d/service.switch"
	cat > "$d/deliver.sh" << EOF
#!/bin/sh
# procmail's place: append the message to $d/mail/USER (the last argument)
for u; do :; done
cat >> "$d/mail/\$u"
EOF
	chmod 755 "$d/deliver.sh"
	{
		echo 'divert(0)dnl'
		echo "OSTYPE(\`linux')dnl"
		echo "define(\`LOCAL_MAILER_PATH', \`$d/deliver.sh')dnl"
		echo "define(\`LOCAL_MAILER_ARGS', \`deliver.sh \$u')dnl"
		echo "define(\`confDOMAIN_NAME', \`mx.example.test')dnl"
		echo "define(\`QUEUE_DIR', \`$d/queue')dnl"
		echo "define(\`confPID_FILE', \`$d/sendmail.pid')dnl"
		echo "define(\`STATUS_FILE', \`$d/statistics')dnl"
		echo "define(\`ALIAS_FILE', \`$d/aliases')dnl"
		echo "define(\`confSERVICE_SWITCH_FILE', \`$d/service.switch')dnl"
		echo "define(\`confDONT_BLAME_SENDMAIL', \`MapInUnsafeDirPath,RunProgramInUnsafeDirPath')dnl"
		echo "define(\`confPRIVACY_FLAGS', \`authwarnings')dnl"
		echo "define(\`confLOG_LEVEL', \`9')dnl"
		echo "define(\`confTO_IDENT', \`0s')dnl"
		echo "define(\`confDELIVERY_MODE', \`background')dnl"
		echo "FEATURE(\`nocanonify')dnl"
		echo "FEATURE(\`accept_unresolvable_domains')dnl"
		echo "FEATURE(\`no_default_msa')dnl"
		echo "DAEMON_OPTIONS(\`Port=$port, Addr=127.0.0.1, Name=MTA')dnl"
		[ -n "${2:-}" ] && cat "$2"
		echo "LOCAL_DOMAIN(\`example.test')dnl"
		echo "MAILER(\`local')dnl"
		echo "MAILER(\`smtp')dnl"
	} > "$d/test.mc"
	m4 -D_CF_DIR_="$SM_ROOT/usr/share/sendmail/cf/" \
		"$SM_ROOT/usr/share/sendmail/cf/m4/cf.m4" "$d/test.mc" \
		> "$d/sendmail.cf" 2> "$d/m4.err" || {
		e2e_log "m4: $(cat "$d/m4.err")"
		return 1
	}
	chmod 644 "$d/sendmail.cf"
	(sm_ns "$d" "$SM_BIN" -C "$d/sendmail.cf" -bi) > "$d/bi.out" 2>&1 || {
		e2e_log "newaliases: $(cat "$d/bi.out")"
		return 1
	}
}

# sm_ns DIR CMD...: CMD in private mount and UTS namespaces: the MTA users
# (e2e.sh), the host name mx.example.test, and /dev as DIR/dev (its log
# socket is DIR/dev/log).  It execs: call it in a subshell.
sm_ns() {
	d=$1
	shift
	exec unshare -m -u sh -c 'mount --bind "$1" /etc/passwd &&
		mount --bind "$2" /etc/group && hostname mx.example.test &&
		for f in null zero random urandom tty; do
			[ -e "$3/$f" ] || touch "$3/$f"
			mount --bind "/dev/$f" "$3/$f" || exit 1
		done &&
		mount --bind "$3" /dev && shift 3 && exec "$@"' sh \
		"$E2E_CACHE/passwd" "$E2E_CACHE/group" "$d/dev" "$@"
}

sm_start() {
	d=$1
	: > "$d/log/maillog"
	python3 "$E2E_HERE/syslog.py" "$d/dev/log" "$d/log/maillog" mx \
		> "$d/syslog.out" 2>&1 < /dev/null &
	echo $! > "$d/syslog.pid"
	e2e_wait_socket "$d/dev/log" 10 || {
		e2e_log "syslog.py did not start: $(cat "$d/syslog.out")"
		sm_stop "$d"
		return 1
	}
	# -bD: the daemon in the foreground, so $! (subshell, unshare, sh and
	# sendmail exec each other) is its PID
	(cd "$d" && sm_ns "$d" "$SM_BIN" -C "$d/sendmail.cf" -bD -q2s \
		> "$d/daemon.out" 2>&1 < /dev/null) &
	echo $! > "$d/daemon.pid"
	i=0
	while [ $i -lt 150 ]; do
		if ! e2e_alive "$(cat "$d/daemon.pid")"; then
			e2e_log "sendmail exited: $(cat "$d/daemon.out" "$d/log/maillog")"
			rm -f "$d/daemon.pid"
			sm_stop "$d"
			return 1
		fi
		e2e_listening "$(sm_port "$d")" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	e2e_log "sendmail does not listen"
	sm_stop "$d"
	return 1
}

# The processes this DIR's sendmail forked carry "-C DIR/sendmail.cf".
sm_pids() {
	for p in /proc/[0-9]*; do
		tr '\0' ' ' 2> /dev/null < "$p/cmdline" |
			grep -q -F -- "-C $1/sendmail.cf " && echo "${p#/proc/}"
	done
}

sm_stop() {
	d=$1
	if [ -f "$d/daemon.pid" ]; then
		e2e_kill "$(cat "$d/daemon.pid")"
		rm -f "$d/daemon.pid"
	fi
	left=$(sm_pids "$d")
	[ -n "$left" ] && kill -KILL $left 2> /dev/null
	if [ -f "$d/syslog.pid" ]; then
		sleep 0.3 # the last lines
		e2e_kill "$(cat "$d/syslog.pid")"
		rm -f "$d/syslog.pid"
	fi
	return 0
}

# sm_wait_idle DIR SECONDS: until the queue holds no message
sm_wait_idle() {
	end=$(($(date +%s) + $2))
	while :; do
		n=$(find "$1/queue" -name 'qf*' -o -name 'df*' 2> /dev/null | wc -l)
		[ "$n" -eq 0 ] && return 0
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.2
	done
}
