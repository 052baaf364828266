#!/usr/bin/perl
# tests/peers/sisimai.pl MANIFEST - Sisimai (libsisimai-perl) reads each
# failure report the manifest lists; every failed recipient must be found
# (by its Final-Recipient or its rfc822 Original-Recipient), with a 5.X.X
# delivery status.  Prints one line per problem on stderr and exits 1
# when there is any.
use strict;
use warnings;
use JSON::PP;
use Sisimai;

my $file = shift or die "usage: sisimai.pl MANIFEST\n";
open(my $fh, '<:raw', $file) or die "$file: $!\n";
my $manifest = JSON::PP->new->utf8->decode(do { local $/; <$fh> });
close $fh;

binmode STDOUT, ':utf8';
binmode STDERR, ':utf8';
my ($bad, $found, $utf8) = (0, 0, 0);
for my $case (@$manifest) {
	my $data = Sisimai->make($case->{file}) || [];
	my %got;
	for my $d (@$data) {
		my $addr = lc($d->recipient->address // '');
		utf8::decode($addr) unless utf8::is_utf8($addr);
		$got{$addr} = $d->deliverystatus // '';
	}
	for my $e (@{$case->{failed}}) {
		my @names = grep { defined } ($e->{addr}, $e->{orcpt});
		my ($hit) = grep { exists $got{lc $_} } @names;
		if (!defined $hit && !grep { !/[^\x00-\x7f]/ } @names) {
			$utf8++;
		} elsif (!defined $hit) {
			print STDERR "$case->{case}: Sisimai did not find $e->{addr}"
			    . " (found: " . join(', ', sort keys %got) . ")\n";
			$bad++;
		} elsif ($got{lc $hit} !~ /^5\./) {
			print STDERR "$case->{case}: Sisimai gives $hit status"
			    . " '$got{lc $hit}'\n";
			$bad++;
		} else {
			$found++;
		}
	}
}
print "sisimai: found $found failed recipients in "
    . scalar(@$manifest) . " failure reports ($utf8 with only a UTF-8"
    . " address, which Sisimai 4.25 cannot return)\n";
exit($bad ? 1 : 0);
