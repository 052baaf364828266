# tests/e2e/e2e.sh - what every end-to-end test shares (source it from sh
# after setting E2E_HERE to this folder):
#
#   e2e_require             exit 77 with the reason unless this machine can
#                           run the private MTAs (root, python3, unshare)
#   e2e_unpack NAME PKG...  apt-get download + dpkg -x the packages into
#                           $E2E_CACHE/NAME/root once (a lock serialises it);
#                           returns 77 when they cannot be had
#   e2e_ns CMD...           run CMD in a private mount namespace where copies
#                           of /etc/passwd and /etc/group, with the MTAs'
#                           users and the test's mailbox owners, are
#                           bind-mounted over the real ones
#   e2e_uid / e2e_gid NAME  that user's uid, that group's gid in the copies
#   e2e_apt PKG...          apt-get install what is missing (libraries and
#                           tools only, never an MTA)
#   e2e_port                a free TCP port on 127.0.0.1
#   e2e_listening PORT      is anything accepting on 127.0.0.1:PORT?
#   e2e_alive PID           running and not a zombie
#   e2e_kill PID            TERM, wait up to 5 s, then KILL
#   e2e_wait_file GLOB SEC, e2e_wait_socket PATH SEC, e2e_wait_grep ERE
#   FILE SEC                bounded waits
#   e2e_policy FILE [ACTION] the legs' policy: recommended, 127.0.0.1/32
#                           trusted (ACTION: DSN offered to all and the
#                           NOTIFY rule's action, e.g. strip)
#   e2e_client ARGS...      smtpc.py (one JSON object with every reply);
#                           e2e_field JSON KEY reads one of its values
#   e2e_events CLI LOG...   scan-log's events, one line each
#   e2e_report CLI FILE     parse-report's kind, action, final recipient
#   e2e_probe CLI PORT SOURCE FROM TO   dsnguard probe's verdict and exit
#   e2e_milter_require / e2e_milter_start / e2e_milter_stop
#                           dsnguard-milter on inet:PORT@127.0.0.1, by PID
#   e2e_ok / e2e_fail MSG, e2e_check NAME GOT WANT   count a check;
#                           e2e_end exits 0 or 1
#
# Nothing outside the test's own folder and $E2E_CACHE is written (but for
# the packages e2e_apt installs): the MTAs' users exist only inside the
# namespaces.
E2E_CACHE=${DSNG_E2E_CACHE:-/var/tmp/dsnguard-mta/e2e}
E2E_FAILS=0

e2e_log() { echo "e2e: $*" >&2; }

e2e_require() {
	[ "$(id -u)" -eq 0 ] || { echo "SKIP: not root (the MTAs need it)"; exit 77; }
	command -v python3 > /dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
	command -v unshare > /dev/null 2>&1 || { echo "SKIP: no unshare"; exit 77; }
	e2e_users || { echo "SKIP: cannot write $E2E_CACHE"; exit 77; }
	e2e_ns true 2> /dev/null ||
		{ echo "SKIP: no mount namespace (unshare -m)"; exit 77; }
}

# The passwd/group copies: postfix (group postfix), group postdrop, and the
# mailbox owners sendmail's local mailer needs (rcpt, victim, sender,
# alice), on uids nobody else has.
e2e_users() {
	mkdir -p "$E2E_CACHE" || return 1
	(
		flock 9 || exit 1
		[ -f "$E2E_CACHE/passwd" ] && [ -f "$E2E_CACHE/group" ] && exit 0
		cp /etc/passwd "$E2E_CACHE/passwd.new" &&
			cp /etc/group "$E2E_CACHE/group.new" || exit 1
		id=64900
		for u in postfix postdrop rcpt victim sender alice; do
			while getent passwd "$id" > /dev/null ||
				getent group "$id" > /dev/null; do
				id=$((id + 1))
			done
			if [ "$u" != postdrop ] && ! grep -q "^$u:" /etc/passwd; then
				echo "$u:x:$id:$id:dsnguard e2e:/nonexistent:/usr/sbin/nologin" \
					>> "$E2E_CACHE/passwd.new"
			fi
			grep -q "^$u:" /etc/group ||
				echo "$u:x:$id:" >> "$E2E_CACHE/group.new"
			id=$((id + 1))
		done
		mv "$E2E_CACHE/group.new" "$E2E_CACHE/group" &&
			mv "$E2E_CACHE/passwd.new" "$E2E_CACHE/passwd"
	) 9> "$E2E_CACHE/users.lock"
}

e2e_ns() {
	unshare -m sh -c 'mount --bind "$1" /etc/passwd &&
		mount --bind "$2" /etc/group && shift 2 && exec "$@"' sh \
		"$E2E_CACHE/passwd" "$E2E_CACHE/group" "$@"
}

e2e_uid() { awk -F: -v u="$1" '$1 == u { print $3 }' "$E2E_CACHE/passwd"; }
e2e_gid() { awk -F: -v u="$1" '$1 == u { print $3 }' "$E2E_CACHE/group"; }

e2e_unpack() {
	name=$1
	shift
	c=$E2E_CACHE/$name
	mkdir -p "$c" || return 77
	(
		flock 9 || exit 77
		if [ ! -f "$c/unpacked" ]; then
			mkdir -p "$c/debs" && rm -rf "$c/root" || exit 77
			for p in "$@"; do
				(cd "$c/debs" && apt-get download "$p" >> download.log 2>&1) || {
					e2e_log "apt-get download $p failed (see $c/debs/download.log)"
					exit 77
				}
			done
			for d in "$c"/debs/*.deb; do
				dpkg -x "$d" "$c/root" || exit 77
			done
			touch "$c/unpacked"
		fi
		exit 0
	) 9> "$c/lock"
}

# e2e_apt PKG...: install what is missing (packages that conflict with no
# MTA: libraries and tools).
e2e_apt() {
	missing=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2> /dev/null |
			grep -q '^install ok installed$' || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		$missing > "$E2E_CACHE/apt.log" 2>&1 ||
		{ e2e_log "apt-get install$missing failed"; return 77; }
}

e2e_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

e2e_listening() {
	python3 -c 'import socket, sys
s = socket.socket()
s.settimeout(1)
try:
    s.connect(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)' "$1"
}

e2e_alive() {
	kill -0 "$1" 2> /dev/null || return 1
	state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2> /dev/null)
	[ -n "$state" ] && [ "$state" != Z ]
}

e2e_kill() {
	[ -n "$1" ] || return 0
	kill -TERM "$1" 2> /dev/null
	i=0
	while e2e_alive "$1" && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	e2e_alive "$1" && kill -KILL "$1" 2> /dev/null
	wait "$1" 2> /dev/null
	return 0
}

# e2e_wait_file 'GLOB' SECONDS: 0 as soon as a file matches.
e2e_wait_file() {
	end=$(($(date +%s) + $2))
	while :; do
		for f in $1; do
			[ -f "$f" ] && return 0
		done
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.2
	done
}

# e2e_wait_socket PATH SECONDS: until PATH is a socket
e2e_wait_socket() {
	end=$(($(date +%s) + $2))
	until [ -S "$1" ]; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.1
	done
}

# e2e_wait_grep ERE FILE SECONDS: 0 as soon as FILE has a line matching.
e2e_wait_grep() {
	end=$(($(date +%s) + $3))
	while :; do
		grep -q -E -- "$1" "$2" 2> /dev/null && return 0
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.2
	done
}

e2e_policy() {
	{
		echo "preset = recommended"
		# the milter alone cannot hide DSN: say so, so that the rule's
		# action (not the "unoffered" one) applies to strangers
		if [ -n "${2:-}" ]; then
			printf '[ehlo]\noffer-dsn = all\n[rcpt]\naction = %s\n' "$2"
		fi
		echo "[trusted-networks]"
		echo "127.0.0.1/32"
	} > "$1"
}

e2e_client() { python3 "$E2E_HERE/smtpc.py" "$@"; }

# e2e_field JSON KEY: one value of smtpc.py's output (dotted keys).
e2e_field() {
	python3 -c 'import json, sys
v = json.loads(sys.argv[1])
for k in sys.argv[2].split("."):
    v = v[int(k)] if isinstance(v, list) else (v or {}).get(k)
print("" if v is None else (str(v).lower() if isinstance(v, bool) else v))' "$1" "$2"
}

e2e_ok() { echo "ok: $*"; }
e2e_fail() {
	echo "FAIL: $*"
	E2E_FAILS=$((E2E_FAILS + 1))
}
# e2e_check NAME GOT WANT
e2e_check() {
	if [ "$2" = "$3" ]; then e2e_ok "$1 ($2)"; else e2e_fail "$1: got '$2', want '$3'"; fi
}
e2e_end() {
	if [ "$E2E_FAILS" -ne 0 ]; then
		echo "$E2E_FAILS check(s) failed"
		exit 1
	fi
	echo "all checks passed"
	exit 0
}

# e2e_events CLI LOG...: `dsnguard scan-log --json` over the logs, one line
# per event: "KIND TO CLIENT_ADDR ORIG_FROM" (- for a null field)
e2e_events() {
	cli=$1
	shift
	"$cli" scan-log --json "$@" 2> /dev/null | python3 -c 'import json, sys
for line in sys.stdin:
    e = json.loads(line)
    if e.get("event") != "dsn":
        continue
    c = e.get("client") or {}
    print(" ".join(str(x) if x else "-" for x in
                   (e.get("kind"), e.get("to"), c.get("addr"), e.get("orig_from"))))'
}

# e2e_report CLI FILE: "KIND ACTION FINAL_RECIPIENT" of a delivered report,
# read by dsnguard parse-report
e2e_report() {
	"$1" parse-report --json "$2" 2> /dev/null | python3 -c 'import json, sys
r = json.loads(sys.stdin.readline())
rc = (r.get("recipients") or [{}])[0]
fr = rc.get("final_recipient") or {}
print(r.get("kind"), rc.get("action"), fr.get("addr"))'
}

# e2e_probe CLI PORT SOURCE FROM TO: "VERDICT EXIT" of dsnguard probe
e2e_probe() {
	out=$("$1" probe "127.0.0.1:$2" --source "$3" --from "$4" --to "$5" \
		--ehlo client.example.test --timeout 10 --json 2>&1)
	rc=$?
	v=$(printf '%s\n' "$out" | python3 -c 'import json, sys
try:
    print(json.loads(sys.stdin.readline()).get("verdict"))
except Exception:
    print("unreadable")')
	echo "$v $rc"
}

# e2e_milter_require MILTER: exit 77 unless the milter binary was built
e2e_milter_require() {
	[ -n "$1" ] && [ -x "$1" ] || { echo "SKIP: dsnguard-milter not built"; exit 77; }
}

# e2e_milter_start MILTER DIR POLICY PORT [ARGS...]: dsnguard-milter on
# inet:PORT@127.0.0.1 in the foreground, its log in DIR/milter.log, PID in
# DIR/milter.pid, once the port listens
e2e_milter_start() {
	m=$1
	d=$2
	pol=$3
	mp=$4
	shift 4
	"$m" --socket "inet:$mp@127.0.0.1" --policy "$pol" --foreground \
		--log stderr --pidfile "$d/milter.pidfile" "$@" \
		>> "$d/milter.log" 2>&1 < /dev/null &
	echo $! > "$d/milter.pid"
	i=0
	while [ $i -lt 100 ]; do
		e2e_alive "$(cat "$d/milter.pid")" || {
			e2e_log "dsnguard-milter exited: $(cat "$d/milter.log")"
			rm -f "$d/milter.pid"
			return 1
		}
		e2e_listening "$mp" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	e2e_log "dsnguard-milter does not listen"
	e2e_milter_stop "$d"
	return 1
}

e2e_milter_stop() {
	[ -f "$1/milter.pid" ] || return 0
	e2e_kill "$(cat "$1/milter.pid")"
	rm -f "$1/milter.pid"
}
