# examples/perl/dsn-probe against fake SMTP servers on 127.0.0.1: exit
# status per verdict, --json equal to the library's probe, text output,
# usage, and never DATA.
use strict;
use warnings;
use FindBin ();
use lib "$FindBin::Bin/lib";

use File::Spec ();
use POSIX ();
use JSON::PP ();
use Test::More;

use FakeSMTP;

plan skip_all => 'no python3 for the fake SMTP server'
	unless FakeSMTP::python();

my $SCRIPT = File::Spec->catfile($FindBin::Bin, File::Spec->updir,
	File::Spec->updir, File::Spec->updir, 'examples', 'perl', 'dsn-probe');
my @A = ('--from', 'spammer@forged.example', '--to', 'user@fake.test',
	'--timeout', '5', '--ehlo', 'probe.example');

# run ARGS: (exit status, stdout and stderr)
sub run {
	my $pid = open(my $fh, '-|');
	die "fork: $!" unless defined $pid;
	if (!$pid) {
		open(STDERR, '>&', \*STDOUT);
		exec($^X, $SCRIPT, @_) or POSIX::_exit(127);
	}
	local $/;
	my $out = <$fh>;
	close $fh;
	return ($? >> 8, defined $out ? $out : '');
}

for my $case (['exposed', 1], ['refused', 0], ['not_offered', 0],
	['tempfail', 2]) {
	my ($mode, $want) = @$case;
	my $srv = FakeSMTP->new($mode);
	my ($rc, $out) = run('127.0.0.1', '--port', $srv->port, @A, '--json');
	is($rc, $want, "$mode: exit $want");
	my $j = eval { JSON::PP::decode_json($out) };
	ok($j, "$mode: JSON") or diag $out;
	my $verdict = $mode eq 'tempfail' ? 'incomplete' : $mode;
	is($j && $j->{verdict}, $verdict, "$mode: verdict");
	ok(JSON::PP::is_bool($j->{ok}), "$mode: booleans are JSON booleans")
		if $j;
	ok(!(grep { /^DATA/i } @{$srv->lines}), "$mode: no DATA");
	$srv->stop;
}

my $srv = FakeSMTP->new('exposed');
my ($rc, $out) = run('127.0.0.1', '--port', $srv->port, @A);
is($rc, 1, 'text: exit 1');
like($out, qr/^verdict    exposed$/m, 'text: verdict');
like($out, qr/^RCPT       >>> RCPT TO:<user\@fake\.test> NOTIFY=SUCCESS$/m,
	'text: the receipt request');
like($out, qr/DSN advertised/, 'text: DSN advertised');
($rc, $out) = run('127.0.0.1', '--port', $srv->port, '--from', 'x y',
	'--to', 'user@fake.test');
is($rc, 2, 'bad address: exit 2');
like($out, qr/^dsn-probe: .*--from address/m, 'bad address: says why');
is(scalar @{$srv->lines}, 5, 'the bad address sent nothing more');
$srv->stop;

($rc, $out) = run('127.0.0.1', '--from', 'a@b.example');
is($rc, 2, 'usage: exit 2');
like($out, qr/HOST, --from and --to are required/, 'usage: says why');
like($out, qr/dsn-probe HOST --from A --to B/, 'usage: the synopsis');
($rc, $out) = run('--help');
is($rc, 0, '--help: exit 0');
like($out, qr/--starttls/, '--help: the options');

done_testing;
