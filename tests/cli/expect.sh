# tests/cli/expect.sh - sourced by the CLI tests that check a run's exit
# code and output text (test_parse_ehlo.sh, test_probe.sh), so that both
# judge a run, and say why it failed, the same way.

# cli_expect NAME WANT_RC WANT_SUBSTRING...: the run left in $rc and $out
# exited WANT_RC and its output holds every WANT_SUBSTRING; prints
# "ok NAME" or one FAIL line and counts it in $fails.
cli_expect() {
	name=$1 want_rc=$2
	shift 2
	if [ "$rc" -ne "$want_rc" ]; then
		echo "FAIL $name: exit $rc, want $want_rc; output: $out"
		fails=$((fails + 1))
		return
	fi
	for want in "$@"; do
		case $out in
		*"$want"*) ;;
		*)
			echo "FAIL $name: missing '$want' in: $out"
			fails=$((fails + 1))
			return
			;;
		esac
	done
	echo "ok $name"
}
