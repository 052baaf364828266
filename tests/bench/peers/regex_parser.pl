# The benchmark's Perl regex peer: what a Net::SMTP or Postfix policy
# daemon author writes when he needs MAIL FROM / RCPT TO / EHLO parsed
# and has no library (the Perl twin of regex_parser.py).  One compiled
# regex per line gives the verb, the path and the parameter text; the
# parameters are split on spaces and '=', NOTIFY on commas, ORCPT on ';'
# with one substitution for xtext.  It validates only what the regex
# says, so it refuses fewer lines than a real parser.
#
# regex_parse($line) -> hashref {verb, path, params => [[KEYWORD, value]],
# notify => [...] or undef, orcpt => [type, addr] or undef} (EHLO/HELO:
# {verb, domain}); undef for a line the regex does not match.
use strict;
use warnings;

my $LINE = qr/\A(?:(MAIL)\ FROM|(RCPT)\ TO):<([^<> ]*)>((?:\ +[A-Z0-9][A-Z0-9-]*(?:=[^ =]+)?)*)\ *\z
	|\A(EHLO|HELO)\ +([^ ]+)\ *\z/xi;

sub regex_parse {
	my ($line) = @_;
	my @m = $line =~ $LINE or return undef;
	return { verb => uc $m[4], domain => $m[5] } if defined $m[4];
	my (@params, $notify, $orcpt);
	for my $p (split ' ', $m[3]) {
		my ($key, $value) = split /=/, $p, 2;
		$key = uc $key;
		push @params, [$key, $value];
		if ($key eq 'NOTIFY') {
			$notify = [split /,/, uc $value];
		} elsif ($key eq 'ORCPT') {
			my ($type, $addr) = split /;/, $value, 2;
			$addr = '' unless defined $addr;
			$addr =~ s/\+([0-9A-F]{2})/chr hex $1/ge;
			utf8::decode($addr);    # "+C3+B6" is UTF-8
			$orcpt = [lc $type, $addr];
		}
	}
	return { verb => uc($m[0] // $m[1]), path => $m[2], params => \@params,
		notify => $notify, orcpt => $orcpt };
}

1;
