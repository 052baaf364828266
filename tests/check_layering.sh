#!/bin/sh
# The parts of lib/ and their arrows (doc/ARCHITECTURE.md section 1): a
# file of part P may include the private header of P, of the base, and of
# the parts P has an arrow to -- nothing else.  Public headers include
# each other along the same arrows.  Fails listing every wrong include.
#
#   check_layering.sh SOURCE_DIR
set -eu
top=${1:?usage: check_layering.sh SOURCE_DIR}

# part: the parts it may use (base is always allowed).
arrows='
xtext:
addr:
cmd: addr xtext
status:
reply: status
ehlo: reply status
mime:
report: mime status xtext
batv:
policy: cmd addr xtext ehlo reply status report mime batv
maillog:
probe: reply ehlo status cmd addr xtext
report_build: report mime status xtext policy cmd addr ehlo reply batv
'

# The part a file or header name belongs to: the longest known part name
# that prefixes it ("report_build.c" is report_build, "report.c" report);
# dsng_private.h, chars.* and error.c are the base.
part_of() {
	name=$(basename "$1")
	case $name in
	dsng_private.h | chars.h | chars.c | error.c | common.h | dsnguard.h | siphash.h | siphash.c)
		echo base; return ;;
	esac
	best=""
	for p in $(echo "$arrows" | sed -n 's/^\([a-z_]*\):.*/\1/p'); do
		case $name in
		"$p".* | "$p"_*)
			[ ${#p} -gt ${#best} ] && best=$p ;;
		esac
	done
	echo "${best:-unknown}"
}

allowed() { # part target
	[ "$2" = base ] || [ "$1" = "$2" ] && return 0
	line=$(echo "$arrows" | grep "^$1:" || true)
	for t in ${line#*:}; do
		[ "$t" = "$2" ] && return 0
	done
	return 1
}

bad=0
checked=0
for f in "$top"/lib/*.c "$top"/lib/*.h "$top"/include/dsnguard/*.h; do
	# The umbrella header includes every part on purpose.
	[ "$(basename "$f")" = dsnguard.h ] && continue
	from=$(part_of "$f")
	if [ "$from" = unknown ]; then
		echo "layering: $f belongs to no known part (add it to $0 and ARCHITECTURE.md)"
		bad=1
		continue
	fi
	for inc in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
		to=$(part_of "$inc")
		checked=$((checked + 1))
		if [ "$to" = unknown ] || ! allowed "$from" "$to"; then
			echo "layering: $f ($from) includes $inc ($to): no such arrow"
			bad=1
		fi
	done
done
echo "layering: $checked includes checked"
exit $bad
