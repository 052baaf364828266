# Net::SMTP::DSNGuard::probe against scripted fake SMTP servers on
# 127.0.0.1 (tests/cli/fake_smtp.py, stopped by PID): every verdict, HELO
# fallback, 4xx, drops, silence, garbage, a refused connection, source,
# STARTTLS; the bytes on the wire; and the same hashref as `dsnguard probe
# --json` ($ENV{DSNG_CLI}) on the same server.
use strict;
use warnings;
use utf8;
use FindBin ();
use lib "$FindBin::Bin/lib";

use File::Temp ();
use JSON::PP ();
use Test::More;
use Time::HiRes ();

use FakeSMTP;
use Net::SMTP::DSNGuard;

plan skip_all => 'no python3 for the fake SMTP server'
	unless FakeSMTP::python();

my $CLI = $ENV{DSNG_CLI};
my ($FROM, $TO, $EHLO) = ('spammer@forged.example', 'user@fake.test',
	'probe.example');

# JSON booleans as the Perl binding gives them (1 and '')
sub plain {
	my $v = shift;
	return [map { plain($_) } @$v] if ref $v eq 'ARRAY';
	return {map { $_ => plain($v->{$_}) } keys %$v} if ref $v eq 'HASH';
	return $v ? 1 : '' if JSON::PP::is_bool($v);
	return $v;
}

sub cli_probe {
	my ($port, @extra) = @_;
	my @cmd = ($CLI, 'probe', "127.0.0.1:$port", '--from', $FROM,
		'--to', $TO, '--ehlo', $EHLO, '--json', @extra);
	open(my $fh, '-|', @cmd) or die "$CLI: $!";
	local $/;
	my $out = <$fh>;
	close $fh;
	return plain(JSON::PP::decode_json($out));
}

# probe MODE, {options}, [server args]: the result and the server's lines,
# compared with the CLI's on the same server
sub run_probe {
	my ($mode, $o, @sargs) = @_;
	$o = {timeout => 5, %{$o || {}}};
	my $srv = FakeSMTP->new($mode, @sargs);
	my $r = Net::SMTP::DSNGuard::probe('127.0.0.1', $FROM, $TO,
		{port => $srv->port, ehlo => $EHLO, %$o});
	my $wire = $srv->lines;
	if ($CLI) {
		my @extra = ('--timeout', $o->{timeout});
		push @extra, '--starttls' if $o->{starttls};
		push @extra, '--source', $o->{source} if $o->{source};
		is_deeply($r, cli_probe($srv->port, @extra),
			"$mode: the same object as dsnguard probe --json");
	}
	ok(!grep({ /\ADATA/i } @$wire), "$mode: no DATA sent");
	$srv->stop;
	return ($r, $wire);
}

my ($r, $wire) = run_probe('exposed');
is($r->{verdict}, 'exposed', 'exposed');
ok($r->{ok} && $r->{dsn_advertised} && $r->{receipt_accepted}, 'flags');
is_deeply($r->{ehlo}{capabilities}, [qw(PIPELINING SIZE DSN 8BITMIME)],
	'capabilities');
is_deeply($r->{rcpt}, {line => "RCPT TO:<$TO> NOTIFY=SUCCESS", code => 250,
	enhanced => '2.1.5', text => 'Ok'}, 'the receipt request');
is($r->{rcpt_plain}, undef, 'no control RCPT');
is($r->{error}, undef, 'no error');
is_deeply($wire, ["EHLO $EHLO", "MAIL FROM:<$FROM>",
	"RCPT TO:<$TO> NOTIFY=SUCCESS", 'RSET', 'QUIT'], 'the bytes sent');

{
	my $srv = FakeSMTP->new('exposed');
	my $c = Net::SMTP::DSNGuard->probe('127.0.0.1', $FROM, $TO,
		{port => $srv->port, ehlo => $EHLO, timeout => 5});
	is($c->{verdict}, 'exposed', 'as a class method too');
}

($r) = run_probe('not_offered');
is($r->{verdict}, 'not_offered', 'not offered');
ok(!$r->{dsn_advertised} && defined $r->{dsn_advertised}, 'dsn false');

($r, $wire) = run_probe('refused');
is($r->{verdict}, 'refused', 'refused');
is($r->{rcpt}{code}, 550, 'receipt request refused');
is($r->{rcpt_plain}{line}, "RCPT TO:<$TO>", 'control RCPT');
is($r->{rcpt_plain}{code}, 250, 'control RCPT accepted');

($r) = run_probe('incomplete');
is($r->{verdict}, 'incomplete', 'both refused');
is_deeply([@{$r->{error}}{qw(step cause code)}], ['rcpt', 'reply', 550],
	'both refused: the error');

($r) = run_probe('tempfail');
is($r->{error}{code}, 451, '4xx is incomplete');

($r, $wire) = run_probe('helo');
is($r->{verdict}, 'not_offered', 'HELO fallback');
ok(!$r->{ehlo}{esmtp}, 'not ESMTP');
is_deeply([@$wire[0, 1]], ["EHLO $EHLO", "HELO $EHLO"], 'EHLO then HELO');

($r) = run_probe('drop');
is_deeply([@{$r->{error}}{qw(step cause)}], ['mail', 'closed'], 'drop');
is($r->{mail}{code}, undef, 'MAIL unanswered');

($r) = run_probe('garbage');
is_deeply([@{$r->{error}}{qw(step cause)}], ['ehlo', 'reply'], 'garbage');

($r) = run_probe('exposed', {source => '127.0.0.2'});
like($r->{greeting}{text}, qr/peer=127\.0\.0\.2/, 'source bound');
is($r->{source}, '127.0.0.2', 'source reported');

{
	my $srv = FakeSMTP->new('silent');
	my $t0 = Time::HiRes::time();
	$r = Net::SMTP::DSNGuard::probe('127.0.0.1', $FROM, $TO,
		{port => $srv->port, timeout => 0.5});
	my $took = Time::HiRes::time() - $t0;
	ok($took < 3, "silence: gave up after $took s");
	is_deeply([@{$r->{error}}{qw(step cause)}], ['greeting', 'timeout'],
		'silence is a timeout');
	like($r->{error}{message}, qr/500 ms/, 'the timeout named');
}

{
	my $srv = FakeSMTP->new('drip');
	my $t0 = Time::HiRes::time();
	$r = Net::SMTP::DSNGuard::probe('127.0.0.1', $FROM, $TO,
		{port => $srv->port, timeout => 1});
	my $took = Time::HiRes::time() - $t0;
	ok($took < 3, "a dripping greeting: gave up after $took s");
	is_deeply([@{$r->{error}}{qw(step cause)}], ['greeting', 'timeout'],
		'the timeout covers the whole reply');
}

{
	my $srv = FakeSMTP->new('exposed');
	my $port = $srv->port;
	$srv->stop;
	$r = Net::SMTP::DSNGuard::probe('127.0.0.1', $FROM, $TO,
		{port => $port, ehlo => $EHLO, timeout => 5});
	is_deeply([@{$r->{error}}{qw(step cause)}], ['connect', 'refused'],
		'connection refused');
	is_deeply($r, cli_probe($port), 'connection refused: as the CLI')
		if $CLI;
}

$r = Net::SMTP::DSNGuard::probe('no-such-host.invalid', $FROM, $TO,
	{timeout => 5, ehlo => $EHLO});
is($r->{error}{cause}, 'resolve', 'unresolvable');
if ($CLI) {
	open(my $fh, '-|', $CLI, 'probe', 'no-such-host.invalid', '--from', $FROM,
		'--to', $TO, '--ehlo', $EHLO, '--timeout', 5, '--json') or die $!;
	local $/;
	my $want = plain(JSON::PP::decode_json(<$fh>));
	close $fh;
	is_deeply($r, $want, 'unresolvable: as the CLI');
}

SKIP: {
	skip 'no IO::Socket::SSL', 5 unless eval { require IO::Socket::SSL; 1 };
	my $d = File::Temp->newdir;
	skip 'no openssl to make a certificate', 5 if system(
		"openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=fake.test "
		. "-keyout $d/k.pem -out $d/c.pem >/dev/null 2>&1") != 0;
	($r) = run_probe('starttls', {starttls => 1}, '--cert', "$d/c.pem",
		'--key', "$d/k.pem");
	is($r->{verdict}, 'exposed', 'STARTTLS: exposed after TLS');
	ok($r->{tls}, 'STARTTLS: upgraded');
	($r) = run_probe('exposed', {starttls => 1});
	is($r->{error}{step}, 'starttls', 'STARTTLS not offered');
}

# bad arguments: nothing reaches the wire
{
	my $srv = FakeSMTP->new('exposed');
	my %o = (port => $srv->port, timeout => 5);
	for my $case (
		['not an address', $TO, {}, qr/--from address/],
		[$FROM, '<x@y.example> NOTIFY=NEVER', {}, qr/--to address/],
		[$FROM, "x\0\@y.example", {}, qr/NUL/],
		[$FROM, $TO, {ehlo => 'a b'}, qr/EHLO name/]) {
		my ($f, $t, $extra, $re) = @$case;
		eval { Net::SMTP::DSNGuard::probe('127.0.0.1', $f, $t,
			{%o, %$extra}) };
		isa_ok($@, 'DSNGuard::ParseError', "refused: $f $t");
		like("$@", $re, "the message says why ($re)");
	}
	for my $case ([{port => 0}, qr/port/], [{port => 'x'}, qr/port/],
		[{timeout => 0}, qr/timeout/], [{timeout => 'soon'}, qr/timeout/],
		[{source => 'nowhere'}, qr/source/], [{bogus => 1}, qr/unknown/]) {
		my ($extra, $re) = @$case;
		eval { Net::SMTP::DSNGuard::probe('127.0.0.1', $FROM, $TO,
			{%o, %$extra}) };
		like($@, $re, "croaks: " . join(',', %$extra));
	}
	eval { Net::SMTP::DSNGuard::probe(undef, $FROM, $TO) };
	like($@, qr/host is required/, 'undef host');
	eval { Net::SMTP::DSNGuard::probe('127.0.0.1', $FROM) };
	like($@, qr/to is required/, 'no recipient');
	is($srv->raw, '', 'the server saw nothing');
}

done_testing;
