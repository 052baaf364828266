#!/usr/bin/perl
# tests/bench/peers/report_peers.pl IMPL REPS MIN LIST - one Perl report
# parser over messages held in memory, for tests/bench/bench_reports.py.
#
#   IMPL  sisimai        Sisimai->make(\$text, delivered => 1)
#         bounceparser   Mail::DeliveryStatus::BounceParser->new($text)
#         dsnguard       DSNGuard::parse_report($text) (the binding)
#   REPS  timed passes over all messages (the median CPU time is printed);
#   MIN   each pass repeated until it took MIN seconds, the time divided
#   LIST  a file naming one message file per line
#
# Prints one JSON object: {"impl", "cpu_s", "bytes", "messages",
# "results": {file: [[recipient, status], ...]}} (recipients lower-cased,
# status "" when the parser gives none), from one untimed pass.
use strict;
use warnings;
use JSON::PP;
use Time::HiRes qw(clock_gettime CLOCK_THREAD_CPUTIME_ID);

my ($impl, $reps, $min, $list) = @ARGV;
die "usage: report_peers.pl sisimai|bounceparser|dsnguard REPS MIN LIST\n"
    unless defined $list;

my %parse = (
	sisimai => sub {
		require Sisimai;
		return sub {
			my $data = Sisimai->make(\$_[0], delivered => 1) || [];
			return map { [$_->recipient->address // '',
			              $_->deliverystatus // ''] } @$data;
		};
	},
	bounceparser => sub {
		require Mail::DeliveryStatus::BounceParser;
		return sub {
			my $b = eval {
				local $SIG{__WARN__} = sub { };
				Mail::DeliveryStatus::BounceParser->new($_[0]);
			};
			return () unless $b;
			return map { [$_->get('email') // '', $_->get('status') // '']
			} $b->reports;
		};
	},
	dsnguard => sub {
		require DSNGuard;
		return sub {
			my $r = eval { DSNGuard::parse_report($_[0]) };
			return () unless $r;
			return map { [($_->{final_recipient} || {})->{addr} // '',
			              $_->{status} // ''] } @{$r->{recipients} || []};
		};
	},
);
die "report_peers.pl: unknown IMPL $impl\n" unless $parse{$impl};
my $fn = $parse{$impl}->();

open(my $lf, '<', $list) or die "$list: $!\n";
chomp(my @files = <$lf>);
close $lf;
my (@msgs, $bytes);
for my $f (@files) {
	open(my $fh, '<:raw', $f) or die "$f: $!\n";
	local $/;
	push @msgs, scalar <$fh>;
	$bytes += length $msgs[-1];
	close $fh;
}

my %results;
for my $i (0 .. $#msgs) {
	my @r = $fn->($msgs[$i]);
	# text for JSON: UTF-8 bytes decoded, anything else kept as Latin-1
	$results{$files[$i]} = [map {
		my ($a, $s) = map { my $x = $_; utf8::decode($x)
			    unless utf8::is_utf8($x); $x } @$_;
		[lc($a =~ s/^\s+|\s+$//gr), $s] } @r];
}
my @t;
for (1 .. $reps) {
	my ($t0, $k, $t) = (clock_gettime(CLOCK_THREAD_CPUTIME_ID), 0);
	do {
		$fn->($_) for @msgs;
		$k++;
		$t = clock_gettime(CLOCK_THREAD_CPUTIME_ID) - $t0;
	} while ($t < $min);
	push @t, $t / $k;
}
@t = sort { $a <=> $b } @t;
print JSON::PP->new->utf8->canonical->encode({
	impl => $impl, cpu_s => $t[$#t / 2], bytes => $bytes,
	messages => scalar @msgs, results => \%results });
print "\n";
