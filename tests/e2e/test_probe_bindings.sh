#!/bin/sh
# tests/e2e/test_probe_bindings.sh CLI SRCDIR MILTER - end-to-end case 5
# for the bindings (ctest e2e_probe_bindings, label e2e): Python's
# dsnguard.probe and Perl's Net::SMTP::DSNGuard::probe, from 127.0.0.2,
# against a private Postfix 3.7 as shipped (exposed), with the exported
# native config (not_offered) and with dsnguard-milter (refused; that leg
# only when MILTER was built), each verdict the same as `dsnguard probe`'s.
# PYTHONPATH and PERL5LIB (set by ctest) point at this build's bindings.
# A binding without probe is a skipped leg, named on stdout; exit 77 when
# neither has it, or Postfix cannot run here.
CLI=$1
SRC=$2
MILTER=${3:-}
E2E_HERE=$SRC/tests/e2e
. "$E2E_HERE/e2e.sh"
. "$E2E_HERE/postfix.sh"

langs=""
if python3 -c 'import dsnguard; dsnguard.probe' > /dev/null 2>&1; then
	langs="$langs python"
else
	echo "SKIP leg python: dsnguard.probe is not in this build's binding"
fi
if perl -MNet::SMTP::DSNGuard -e 'defined &Net::SMTP::DSNGuard::probe or exit 1' \
	> /dev/null 2>&1; then
	langs="$langs perl"
else
	echo "SKIP leg perl: Net::SMTP::DSNGuard::probe is not in this build's binding"
fi
[ -n "$langs" ] || { echo "SKIP: neither binding has probe yet"; exit 77; }
pf_require

T=$(mktemp -d "${TMPDIR:-/tmp}/dsng-e2e-pb.XXXXXX") && chmod 755 "$T" || exit 1
cleanup() {
	for d in "$T"/*/; do
		pf_stop "${d%/}"
		e2e_milter_stop "${d%/}"
	done
	[ -n "${E2E_KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
e2e_policy "$T/policy.conf"

# verdict LANG PORT: the binding's verdict from 127.0.0.2
verdict() {
	case $1 in
	python)
		python3 -c 'import sys, dsnguard
r = dsnguard.probe("127.0.0.1", mail_from="victim@example.test",
                   rcpt_to="rcpt@example.test", port=int(sys.argv[1]),
                   ehlo="client.example.test", timeout=10.0, source="127.0.0.2")
print(r.to_dict()["verdict"])' "$2" 2>&1
		;;
	perl)
		perl -MNet::SMTP::DSNGuard -e 'my $r = Net::SMTP::DSNGuard::probe(
	"127.0.0.1", "victim\@example.test", "rcpt\@example.test",
	{port => $ARGV[0], ehlo => "client.example.test", timeout => 10,
	 source => "127.0.0.2"});
print $r->{verdict}, "\n";' "$2" 2>&1
		;;
	esac
}

# leg NAME WANT: Postfix in DIR, configured by the caller, probed
leg() {
	d=$T/$1
	pf_start "$d" || return 1
	set -- "$1" "$2" $(pf_ports "$d")
	e2e_check "$1: dsnguard probe" "$(e2e_probe "$CLI" "$3" 127.0.0.2 \
		victim@example.test rcpt@example.test | cut -d' ' -f1)" "$2"
	for l in $langs; do
		e2e_check "$1: $l probe" "$(verdict "$l" "$3")" "$2"
	done
	pf_stop "$d"
	e2e_milter_stop "$d"
}

mkdir "$T/open" && pf_configure "$T/open" || exit 1
leg open exposed || exit 1

N=$T/native
mkdir "$N" "$N/export" && pf_configure "$N" || exit 1
"$CLI" export-config --mta postfix "$T/policy.conf" --out "$N/export" \
	--map-dir "$N/etc" > /dev/null && cp "$N/export/dsnguard-ehlo.cidr" "$N/etc/" ||
	e2e_fail "export-config --mta postfix"
grep -v '^#' "$N/export/main.cf" | grep . | while read -r line; do
	pf_set "$N" "$line"
done
leg native not_offered || exit 1

if [ -n "$MILTER" ] && [ -x "$MILTER" ]; then
	M=$T/milter
	mkdir "$M" && pf_configure "$M" || exit 1
	mp=$(e2e_port)
	pf_set "$M" "smtpd_milters = inet:127.0.0.1:$mp" "milter_default_action = accept" &&
		e2e_milter_start "$MILTER" "$M" "$T/policy.conf" "$mp" --mta postfix || exit 1
	leg milter refused || exit 1
else
	echo "SKIP leg milter (refused): dsnguard-milter not built"
fi
e2e_end
