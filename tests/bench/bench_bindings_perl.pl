#!/usr/bin/perl
# The Perl binding side by side with a plain Perl regex parser
# (peers/regex_parser.pl) on the shared SMTP stream (gen_smtp_stream.py),
# in the same process:
#
#   PERL5LIB=<build>/bindings/perl perl tests/bench/bench_bindings_perl.pl [--quick]
#
# Prints one JSON row per figure on stdout (the row protocol of
# tests/bench/, with which lines each refuses and where the regex
# disagrees with libdsnguard as extra keys); a summary with the ratio
# goes to stderr.  Rates are CPU time of this process, median of
# several passes with the two interleaved.  parse_cmd's hash is filled on
# first access (bindings/perl/lazy.c), so the "(one key read)" rows read
# {verb} of every result, in both, for what a script that looks at each
# line pays.
use strict;
use warnings;
use File::Basename qw(dirname);
use File::Spec;
use Getopt::Long;
use JSON::PP;
use Time::HiRes qw(clock_gettime CLOCK_PROCESS_CPUTIME_ID);

my $here;
BEGIN { $here = dirname(File::Spec->rel2abs(__FILE__)) }
use DSNGuard;
require "$here/peers/regex_parser.pl";

my ($quick, $lines, $passes) = (0, 0, 0);
GetOptions('quick' => \$quick, 'lines=i' => \$lines, 'passes=i' => \$passes)
	or die "usage: $0 [--quick] [--lines N] [--passes N]\n";
$lines ||= $quick ? 10_000 : 100_000;
$passes ||= $quick ? 1 : 5;

# The very lines the Python benchmark parses.
my $python = -x '/usr/bin/python3' ? '/usr/bin/python3' : 'python3';
open(my $gen, '-|', $python, "$here/gen_smtp_stream.py", '--lines', $lines)
	or die "gen_smtp_stream.py: $!\n";
binmode $gen;
my @stream = map { s/\r\n\z//r } <$gen>;
close $gen or die "gen_smtp_stream.py failed\n";
# character strings, as a script reading a socket with :encoding(UTF-8)
# has them; the byte form is measured too
my @chars = map { my $s = $_; utf8::decode($s); $s } @stream;

my $json = JSON::PP->new->canonical;
sub row {
	my (%r) = @_;
	$r{better} = 'higher';
	$r{value} = sprintf('%.1f', $r{value}) + 0;
	print $json->encode(\%r), "\n";
}

sub cpu { clock_gettime(CLOCK_PROCESS_CPUTIME_ID) }

sub timed {
	my ($fn, $data) = @_;
	my $t0 = cpu();
	$fn->($_) for @$data;
	my $dt = cpu() - $t0;
	return $dt > 0 ? @$data / $dt : 9e99;
}

sub median { my @v = sort { $a <=> $b } @_; $v[$#v / 2] }

sub lib {
	my $r = eval { DSNGuard::parse_cmd($_[0]) };
	return $r;
}

sub lib_read {
	my $r = eval { DSNGuard::parse_cmd($_[0]) };
	return $r && $r->{verb};
}

sub regex_read {
	my $r = regex_parse($_[0]);
	return $r && $r->{verb};
}

my %impls = (
	'Perl libdsnguard' => [\&lib, \@chars],
	'Perl libdsnguard (bytes)' => [\&lib, \@stream],
	'Perl libdsnguard (one key read)' => [\&lib_read, \@chars],
	'Perl regex' => [\&regex_parse, \@chars],
	'Perl regex (one key read)' => [\&regex_read, \@chars],
);
my %rates;
for (1 .. $passes) {
	for my $name (sort keys %impls) {
		push @{ $rates{$name} }, timed(@{ $impls{$name} });
	}
}
$rates{$_} = median(@{ $rates{$_} }) for keys %rates;

# Which lines each refuses, and where the regex's fields differ.
sub fields {
	my ($r) = @_;
	return undef unless $r;
	return { verb => $r->{verb}, domain => $r->{domain} }
		if $r->{verb} eq 'EHLO' || $r->{verb} eq 'HELO';
	return { verb => $r->{verb} } unless $r->{verb} =~ /\A(?:MAIL|RCPT)\z/;
	my $o = $r->{orcpt};
	return { verb => $r->{verb}, path => $r->{path},
		params => [map { [$_->{keyword}, $_->{value}] } @{ $r->{params} }],
		notify => $r->{notify},
		orcpt => $o ? [$o->{type}, $o->{addr}] : undef };
}

my (%kinds, $ref_lib, $ref_regex);
my $cmp = JSON::PP->new->canonical->allow_nonref;
for my $line (@chars) {
	my $a = fields(eval { DSNGuard::parse_cmd($line) });
	my $code = ref $@ ? $@->{code} : '';
	my $b = regex_parse($line);
	$ref_lib++ unless $a;
	$ref_regex++ unless $b;
	next if !$a && !$b;
	my $kind = !$a ? "accepted here, refused by libdsnguard ($code)"
		: !$b ? 'refused here, accepted by libdsnguard' : undef;
	if (!$kind) {
		for my $f (qw(verb path params notify orcpt domain)) {
			next if $cmp->encode($a->{$f}) eq $cmp->encode($b->{$f});
			$kind = "$f differs";
			last;
		}
	}
	next unless $kind;
	$kinds{$kind} ||= [0, substr($line, 0, 160)];
	$kinds{$kind}[0]++;
}
my @disagree = map { { what => $_, count => $kinds{$_}[0],
		example => $kinds{$_}[1] } }
	sort { $kinds{$b}[0] <=> $kinds{$a}[0] } keys %kinds;

row(group => 'smtp', case => 'realistic-stream', impl => 'Perl libdsnguard',
	value => $rates{'Perl libdsnguard'}, unit => 'lines/s',
	lines => scalar @chars, refused => $ref_lib // 0, input => 'characters');
row(group => 'smtp', case => 'realistic-stream',
	impl => 'Perl libdsnguard (bytes)',
	value => $rates{'Perl libdsnguard (bytes)'}, unit => 'lines/s',
	lines => scalar @chars, refused => $ref_lib // 0, input => 'bytes');
row(group => 'smtp', case => 'realistic-stream',
	impl => 'Perl libdsnguard (one key read)',
	value => $rates{'Perl libdsnguard (one key read)'}, unit => 'lines/s',
	lines => scalar @chars, refused => $ref_lib // 0, input => 'characters');
row(group => 'smtp', case => 'realistic-stream', impl => 'Perl regex',
	value => $rates{'Perl regex'}, unit => 'lines/s',
	lines => scalar @chars, refused => $ref_regex // 0,
	input => 'characters', disagree => \@disagree);
row(group => 'smtp', case => 'realistic-stream',
	impl => 'Perl regex (one key read)',
	value => $rates{'Perl regex (one key read)'}, unit => 'lines/s',
	lines => scalar @chars, refused => $ref_regex // 0,
	input => 'characters');
printf STDERR "bench_bindings_perl: perl %vd, %d lines, %d passes\n",
	$^V, scalar @chars, $passes;
printf STDERR "parse_cmd / Perl regex  %.1fx  (%.0f vs %.0f lines/s)\n",
	$rates{'Perl libdsnguard'} / $rates{'Perl regex'},
	$rates{'Perl libdsnguard'}, $rates{'Perl regex'};
printf STDERR "one key read of each    %.1fx  (%.0f vs %.0f lines/s)\n",
	$rates{'Perl libdsnguard (one key read)'}
		/ $rates{'Perl regex (one key read)'},
	$rates{'Perl libdsnguard (one key read)'},
	$rates{'Perl regex (one key read)'};
