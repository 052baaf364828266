#!/bin/sh
# tests/e2e/test_example_logs.sh CLI SRCDIR - make-example-logs.sh still
# makes what examples/data/ holds (ctest e2e_example_logs, label e2e): in
# each new log scan-log finds the same events by kind, recipient, client
# and service as in the committed one (queue ids, times and the order of overlapping sessions differ).  Exit
# 77 with the reason when the MTAs cannot run here.
CLI=$1
SRC=$2
T=$(mktemp -d "${TMPDIR:-/tmp}/dsng-e2e-exl.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM HUP
sh "$SRC/tests/e2e/make-example-logs.sh" "$SRC" "$T/new"
rc=$?
[ $rc -eq 0 ] || exit $rc
# events KIND TO CLIENT SERVICE, one a line, sorted: the MTAs write the
# events of sessions that overlap (a bounce and the next local submission)
# in whichever order their queue runs them, so the same events compare
# equal in any order
events() {
	"$CLI" scan-log --json "$1" | python3 -c 'import json, sys
for line in sys.stdin:
    e = json.loads(line)
    if e.get("event") == "dsn":
        c = e["client"]
        print(e["kind"], e["to"], c["addr"], c["name"], e["service"], len(e["orig_rcpts"]))' |
		LC_ALL=C sort
}
fails=0
for m in postfix sendmail; do
	events "$SRC/examples/data/$m-dsn.log" > "$T/$m.want"
	events "$T/new/$m-dsn.log" > "$T/$m.got"
	if cmp -s "$T/$m.want" "$T/$m.got" && [ -s "$T/$m.got" ]; then
		echo "ok: $m: $(wc -l < "$T/$m.got") events as in examples/data"
		sed 's/^/  /' "$T/$m.got"
	else
		echo "FAIL: $m: the new log's events differ from examples/data's:"
		diff "$T/$m.want" "$T/$m.got"
		fails=$((fails + 1))
	fi
done
[ $fails -eq 0 ]
