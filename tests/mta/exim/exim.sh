# tests/mta/exim/exim.sh - shell functions that run Debian's Exim 4.96,
# unpacked (never installed as a package), as a private daemon on
# 127.0.0.1 for the maillog tests.  Source it from sh; see run-exim.sh for a
# command-line front end and test_exim_scan.sh for the live ctest.
#
#   exim_prepare            unpack Exim (root; apt-get only what is missing)
#   exim_configure DIR      write DIR/exim.conf on two free loopback ports
#   exim_start DIR          start the daemon, PID in DIR/daemon.pid
#   exim_stop DIR           stop it by that PID (and whatever it forked);
#                           a watchdog does it after $DSNG_EXIM_LIFETIME s
#   exim_wait DIR ERE N SEC wait until N mainlog lines match ERE
#
# Functions return 0 on success, 77 when Exim cannot be run here (not root,
# no packages, no mount namespace), other values on errors.  The unpacked
# tree is kept in $DSNG_EXIM_CACHE (/var/tmp/dsnguard-mta/exim4) and shared
# by every run; a lock serialises unpacking.
#
# The daemon runs in a private mount namespace where copies of /etc/passwd
# and /etc/group, with the user Debian-exim that Debian's binary looks up
# before it reads any configuration, are bind-mounted over the real ones:
# nothing outside DIR and the cache is written.

DSNG_EXIM_CACHE=${DSNG_EXIM_CACHE:-/var/tmp/dsnguard-mta/exim4}
EXIM_BIN=$DSNG_EXIM_CACHE/root/usr/sbin/exim4
EXIM_HERE=${EXIM_HERE:-$(dirname "$0")}

exim_log() { echo "exim-harness: $*" >&2; }

# A test's first step: exit 77 (ctest SKIP_RETURN_CODE) with the reason
# unless this machine can run the private Exim (root, python3, the
# unpacked packages, a mount namespace); exit 1 when preparing it broke.
exim_require() {
	[ "$(id -u)" -eq 0 ] || { echo "SKIP: not root"; exit 77; }
	command -v python3 > /dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
	exim_prepare
	case $? in
	0) ;;
	77) echo "SKIP: Exim 4.96 cannot be unpacked here"; exit 77 ;;
	*) exit 1 ;;
	esac
	exim_ns true 2> /dev/null ||
		{ echo "SKIP: no mount namespace (unshare -m)"; exit 77; }
}

# Unpack exim4-base, exim4-daemon-light and exim4-config into the cache.
exim_prepare() {
	if [ "$(id -u)" -ne 0 ]; then
		exim_log "not root: cannot run Exim"
		return 77
	fi
	mkdir -p "$DSNG_EXIM_CACHE" || return 77
	(
		flock 9 || exit 77
		if [ ! -f "$DSNG_EXIM_CACHE/unpacked" ]; then
			mkdir -p "$DSNG_EXIM_CACHE/debs" || exit 77
			rm -rf "$DSNG_EXIM_CACHE/root"
			(cd "$DSNG_EXIM_CACHE/debs" &&
				apt-get download exim4-base exim4-daemon-light \
					exim4-config > download.log 2>&1) || {
				exim_log "apt-get download failed (see" \
					"$DSNG_EXIM_CACHE/debs/download.log)"
				exit 77
			}
			for d in "$DSNG_EXIM_CACHE"/debs/*.deb; do
				dpkg -x "$d" "$DSNG_EXIM_CACHE/root" || exit 77
			done
			touch "$DSNG_EXIM_CACHE/unpacked"
		fi
		[ -x "$EXIM_BIN" ] || exit 77
		# The one library Debian 12 lacks without the package's deps.
		if ldd "$EXIM_BIN" 2> /dev/null | grep -q 'libidn.so.12 => not found'; then
			DEBIAN_FRONTEND=noninteractive apt-get install -y \
				--no-install-recommends libidn12 > \
				"$DSNG_EXIM_CACHE/libidn.log" 2>&1 || {
				exim_log "apt-get install libidn12 failed"
				exit 77
			}
		fi
		if ldd "$EXIM_BIN" 2> /dev/null | grep -q 'not found'; then
			exim_log "missing libraries:" \
				"$(ldd "$EXIM_BIN" | grep 'not found' | tr '\n' ' ')"
			exit 77
		fi
		# passwd/group copies with Debian-exim (a uid nobody else has).
		if [ ! -f "$DSNG_EXIM_CACHE/passwd" ]; then
			uid=64990
			while getent passwd "$uid" > /dev/null ||
				getent group "$uid" > /dev/null; do
				uid=$((uid + 1))
			done
			cp /etc/passwd "$DSNG_EXIM_CACHE/passwd.new" &&
				cp /etc/group "$DSNG_EXIM_CACHE/group.new" || exit 77
			if ! grep -q '^Debian-exim:' /etc/passwd; then
				echo "Debian-exim:x:$uid:$uid:Exim (dsnguard tests):/nonexistent:/usr/sbin/nologin" \
					>> "$DSNG_EXIM_CACHE/passwd.new"
				echo "Debian-exim:x:$uid:" >> "$DSNG_EXIM_CACHE/group.new"
			fi
			mv "$DSNG_EXIM_CACHE/group.new" "$DSNG_EXIM_CACHE/group" &&
				mv "$DSNG_EXIM_CACHE/passwd.new" "$DSNG_EXIM_CACHE/passwd" ||
				exit 77
		fi
		exit 0
	) 9> "$DSNG_EXIM_CACHE/lock"
}

# Run a command in the namespace where Debian-exim exists.
exim_ns() {
	unshare -m sh -c 'mount --bind "$1" /etc/passwd &&
		mount --bind "$2" /etc/group && shift 2 && exec "$@"' sh \
		"$DSNG_EXIM_CACHE/passwd" "$DSNG_EXIM_CACHE/group" "$@"
}

# The uid and gid Debian-exim has inside the namespace.
exim_ids() {
	awk -F: '$1 == "Debian-exim" { print $3 ":" $4 }' "$DSNG_EXIM_CACHE/passwd"
}

# A TCP port on 127.0.0.1 nothing listens on (best effort).
exim_free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# exim_configure DIR [LOG_SELECTOR]: DIR/exim.conf, DIR/ports.  Port 1 is
# the one clients use (DSN advertised); port 2 is the relay hop, reached
# only by this Exim itself, where DSN is not advertised, so a NOTIFY=SUCCESS
# relayed there makes Exim send a "relayed" notice.
exim_configure() {
	dir=$1
	selector=${2:-}
	port=$(exim_free_port) && port2=$(exim_free_port) || return 1
	while [ "$port2" = "$port" ]; do port2=$(exim_free_port); done
	mkdir -p "$dir/spool" "$dir/log" "$dir/mail" || return 1
	chmod 755 "$dir" || return 1
	chown "$(exim_ids)" "$dir/spool" "$dir/log" "$dir/mail" || return 1
	echo "$port $port2" > "$dir/ports"
	sed -e "s|@EXIM@|$EXIM_BIN|g" -e "s|@DIR@|$dir|g" \
		-e "s|@PORT@|$port|g" -e "s|@PORT2@|$port2|g" \
		-e "s|@SELECTOR@|$selector|g" \
		"$EXIM_HERE/exim.conf.in" > "$dir/exim.conf" || return 1
	chmod 644 "$dir/exim.conf"
	exim_ns "$EXIM_BIN" -C "$dir/exim.conf" -bV > "$dir/bV.out" 2>&1 || {
		exim_log "config check failed:"
		cat "$dir/bV.out" >&2
		return 1
	}
}

exim_port() { cut -d' ' -f1 "$1/ports"; }

# Is anything accepting on 127.0.0.1:$1?
exim_listening() {
	python3 -c 'import socket, sys
s = socket.socket()
s.settimeout(1)
try:
    s.connect(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)' "$1"
}

# exim_start DIR: a foreground daemon (-bdf) with a queue run every 2 s.
exim_start() {
	dir=$1
	# The subshell, unshare, sh and exim exec each other, so $! is the
	# daemon's own PID.
	(cd "$dir" && exec unshare -m sh -c 'mount --bind "$1" /etc/passwd &&
		mount --bind "$2" /etc/group && shift 2 && exec "$@"' sh \
		"$DSNG_EXIM_CACHE/passwd" "$DSNG_EXIM_CACHE/group" \
		"$EXIM_BIN" -C "$dir/exim.conf" -bdf -q2s \
		> "$dir/daemon.out" 2>&1 < /dev/null) &
	echo $! > "$dir/daemon.pid"
	i=0
	while [ $i -lt 100 ]; do
		if ! exim_alive "$(cat "$dir/daemon.pid")"; then
			exim_log "daemon exited:"
			cat "$dir/daemon.out" "$dir/log/paniclog" >&2 2> /dev/null
			return 1
		fi
		if exim_listening "$(exim_port "$dir")"; then
			exim_watchdog "$dir"
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	exim_log "daemon does not listen"
	exim_stop "$dir"
	return 1
}

# A process that stops the daemon after $DSNG_EXIM_LIFETIME seconds (600)
# should whoever started it be killed without the chance to stop it.
exim_watchdog() {
	(
		sleep "${DSNG_EXIM_LIFETIME:-600}" &
		echo $! > "$1/watchdog.sleep"
		wait $!
		rm -f "$1/watchdog.pid" "$1/watchdog.sleep"
		[ -f "$1/daemon.pid" ] && exim_stop "$1" > /dev/null 2>&1
	) < /dev/null > /dev/null 2>&1 &
	echo $! > "$1/watchdog.pid"
}

# Is PID running (a zombie waiting for its parent is not)?
exim_alive() {
	kill -0 "$1" 2> /dev/null || return 1
	state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2> /dev/null)
	[ "$state" != Z ] && [ -n "$state" ]
}

# The processes this DIR's Exim started: every Exim process carries
# "-C DIR/exim.conf" on its command line (the daemon's forks and the
# re-executed deliveries and notice submissions alike).
exim_pids() {
	for p in /proc/[0-9]*; do
		tr '\0' ' ' 2> /dev/null < "$p/cmdline" |
			grep -q -F -- "-C $1/exim.conf " &&
			echo "${p#/proc/}"
	done
}

# exim_stop DIR: TERM the daemon by its PID, wait, then anything it left.
exim_stop() {
	dir=$1
	# the watchdog first (it removes its files before it stops the daemon)
	for f in watchdog.pid watchdog.sleep; do
		[ -f "$dir/$f" ] && kill "$(cat "$dir/$f")" 2> /dev/null
		rm -f "$dir/$f"
	done
	[ -f "$dir/daemon.pid" ] || return 0
	pid=$(cat "$dir/daemon.pid")
	kill -TERM "$pid" 2> /dev/null
	i=0
	while exim_alive "$pid" && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	exim_alive "$pid" && kill -KILL "$pid" 2> /dev/null
	wait "$pid" 2> /dev/null
	for sig in TERM KILL; do
		left=$(exim_pids "$dir")
		[ -n "$left" ] || break
		kill -"$sig" $left 2> /dev/null
		sleep 0.3
	done
	rm -f "$dir/daemon.pid"
	[ -z "$(exim_pids "$dir")" ]
}

# exim_wait DIR ERE N SECONDS: until N lines of the mainlog match ERE.
exim_wait() {
	end=$(($(date +%s) + $4))
	while :; do
		n=$(grep -c -E -- "$2" "$1/log/mainlog" 2> /dev/null)
		[ "${n:-0}" -ge "$3" ] && return 0
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.2
	done
}
