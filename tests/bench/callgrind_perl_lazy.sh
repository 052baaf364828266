#!/bin/sh
# tests/bench/callgrind_perl_lazy.sh PERL_MODULE_DIR - instructions per
# iteration (callgrind: a run of 21,000 iterations less one of 1,000, over
# 20,000) of two loops over parse_cmd's lazy hash (bindings/perl/lazy.c):
#   fill  parse_cmd, then $r->{size} and exists $r->{verb}: the first
#         access fills the hash through its key hook, the tie goes
#   tie   a Storable copy, which stays tied: FETCH, EXISTS, STORE, DELETE
#         and a walk of its keys, each a call of the tie's methods
# PERL_MODULE_DIR is a build's bindings/perl (DSNGuard.pm and auto/), so
# two builds can be compared.  PERL_HASH_SEED=0: the same walk each run.
set -eu
mod=$1
lib=$(cd "$(dirname "$0")/../../bindings/perl/lib" && pwd)
fill='my $s = 0; for (1 .. $ARGV[0]) { my $r = DSNGuard::parse_cmd("MAIL FROM:<a\@b.example> SIZE=10\r\n"); $s += $r->{size}; $s++ if exists $r->{verb} } print "$s\n"'
tie='my $c = Storable::dclone(DSNGuard::parse_cmd("MAIL FROM:<a\@b.example> SIZE=10\r\n")); my $s = 0; for (1 .. $ARGV[0]) { $s += $c->{size}; $s++ if exists $c->{verb}; $c->{x} = 1; delete $c->{x}; my @k = keys %$c; $s += @k } print "$s\n"'
count() { # code iterations -> instructions
	PERL_HASH_SEED=0 PERL5LIB="$mod:$lib" valgrind --tool=callgrind \
		--callgrind-out-file=/dev/null perl -MDSNGuard -MStorable -e "$1" "$2" 2>&1 >/dev/null |
		awk '/Collected/ { print $NF }'
}
for loop in fill tie; do
	eval code=\$$loop
	a=$(count "$code" 1000)
	b=$(count "$code" 21000)
	echo "perl lazy $loop: $(((b - a) / 20000)) instructions per iteration"
done
