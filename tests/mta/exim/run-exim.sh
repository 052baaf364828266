#!/bin/sh
# tests/mta/exim/run-exim.sh - drive the private Exim of exim.sh by hand.
#
#   run-exim.sh prepare                  unpack Exim 4.96 (root)
#   run-exim.sh start DIR [SELECTOR]     configure DIR (log_selector
#                                        SELECTOR, e.g. +all) and start
#   run-exim.sh send DIR [NAME...]       send.py's messages, -> DIR/sent.jsonl
#   run-exim.sh wait DIR [SECONDS]       until the expected notices are in
#                                        and delivered (default 60 s)
#   run-exim.sh stop DIR                 stop the daemon by its PID
#   run-exim.sh generate OUT [SELECTOR]  all of the above in a scratch
#                                        directory; the main log goes to
#                                        OUT/mainlog, the messages to
#                                        OUT/sent.jsonl
#
# Exit 77 when Exim cannot run here.  Everything listens on 127.0.0.1 only.
EXIM_HERE=$(cd "$(dirname "$0")" && pwd)
. "$EXIM_HERE/exim.sh"

# The notices DIR/sent.jsonl expects.
expected() {
	python3 -c 'import json, sys
print(sum(len(json.loads(l)["expect"]) for l in open(sys.argv[1]) if l.strip()))' "$1/sent.jsonl"
}

# The queue ids of the notices in the log ("<= <> R=..." lines).
notice_ids() {
	awk '{ for (i = 2; i < NF; i++)
		if ($i == "<=" && $(i + 1) == "<>" && $(i + 2) ~ /^R=/)
			print $(i - 1) }' "$1/log/mainlog"
}

# wait DIR SECONDS: every expected notice arrived and left the queue.
wait_notices() {
	want=$(expected "$1") || return 1
	end=$(($(date +%s) + $2))
	while :; do
		ids=$(notice_ids "$1")
		n=$(echo "$ids" | grep -c .)
		if [ "$n" -ge "$want" ]; then
			done=1
			for id in $ids; do
				grep -q " $id Completed" "$1/log/mainlog" || done=0
			done
			[ $done -eq 1 ] && return 0
		fi
		if [ "$(date +%s)" -ge "$end" ]; then
			exim_log "timeout: $n of $want notices"
			return 1
		fi
		sleep 0.2
	done
}

cmd=$1
[ $# -gt 0 ] && shift
case $cmd in
prepare)
	exim_prepare
	;;
start)
	[ -n "$1" ] || exit 2
	exim_prepare || exit $?
	mkdir -p "$1" && exim_configure "$1" "$2" && exim_start "$1"
	;;
send)
	dir=$1
	shift
	python3 "$EXIM_HERE/send.py" "$(exim_port "$dir")" "$@" > "$dir/sent.jsonl"
	;;
wait)
	wait_notices "$1" "${2:-60}"
	;;
stop)
	exim_stop "$1"
	;;
generate)
	[ -n "$1" ] || exit 2
	out=$1
	exim_prepare || exit $?
	dir=$(mktemp -d "${TMPDIR:-/tmp}/dsng-exim.XXXXXX") || exit 1
	trap 'exim_stop "$dir"; rm -rf "$dir"' EXIT
	trap 'exit 1' INT TERM
	exim_configure "$dir" "$2" && exim_start "$dir" || exit 1
	# in the background, so that a signal's trap runs at once
	python3 "$EXIM_HERE/send.py" "$(exim_port "$dir")" > "$dir/sent.jsonl" &
	wait $! || exit 1
	wait_notices "$dir" 60 || exit 1
	exim_stop "$dir" || exit 1
	mkdir -p "$out" && cp "$dir/log/mainlog" "$dir/sent.jsonl" "$out/"
	;;
*)
	sed -n '2,19s/^# \{0,1\}//p' "$0" >&2
	exit 2
	;;
esac
