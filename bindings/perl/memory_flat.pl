# Memory stays flat (issue 9) in Perl: RSS growth under 1 MB after
# warm-up over many calls of each parse, format and decision function and
# of each I/O one.  Run by ctest bindings_perl_memory (label memory):
#
#   perl memory_flat.pl [SCALE]
#
# The counts are those of bindings/python/tests/memory_flat.py, and why:
# 1,000,000 for the cheapest hot functions (parse_cmd, xtext), 250,000 for
# the RCPT decision, 100,000 down to 10,000 for the others (a whole report
# parsed or built), 10,000 for the I/O ones (from_file, scan_log over a
# file).  20 s of CPU, 33-45 s of wall time on the shared 2-core build
# machine.
# Exit 1 with the offenders listed.
use strict;
use warnings;
use File::Basename qw(dirname);
use File::Spec;
use File::Temp qw(tempdir);
use POSIX ();
use Time::HiRes qw(time);

use DSNGuard qw(:all);

my $LIMIT = 1 << 20;
my $DATA = File::Spec->catdir(dirname(__FILE__), '..', '..', 'examples',
	'data');
my $PAGE = POSIX::sysconf(POSIX::_SC_PAGESIZE());

sub rss {
	open(my $f, '<', '/proc/self/statm') or die "/proc/self/statm: $!";
	my @f = split ' ', scalar <$f>;
	return $f[1] * $PAGE;
}

sub slurp {
	open(my $f, '<:raw', File::Spec->catfile($DATA, $_[0])) or die $!;
	local $/;
	return scalar <$f>;
}

my $scale = @ARGV ? $ARGV[0] : 1;
my $report = slurp('return-receipt.eml');
my $ehlo = "250-mx.example.test Hello\r\n250-SIZE 1000\r\n250-DSN\r\n"
	. "250 SMTPUTF8\r\n";
my $pol = DSNGuard::Policy->preset('recommended');
my $sess = DSNGuard::Session->new({addr => '203.0.113.9', port => 25});
my $rcpt = 'RCPT TO:<a@b.example> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;a+2Bb';
my $cmd = parse_cmd($rcpt);
my $key = 'text:secret';
my $tagged = batv_sign('a@b.example', $key, {now => 86400 * 400});
my $spec = {reporting_mta => 'mx.example.test',
	envelope => {from => 'a@example.org'},
	recipients => [{addr => 'b@example.test', action => 'failed',
		status => '5.1.1'}]};
my $tmp = tempdir(CLEANUP => 1);
my $conf = "$tmp/p.conf";
open(my $cf, '>', $conf) or die $!;
print $cf "preset = recommended\n[trusted-networks]\n192.0.2.0/24\n";
close $cf;
my $log = File::Spec->catfile($DATA, 'postfix-dsn.log');
my ($M, $K, $T) = (1000000, 100000, 10000);

my @cases = (
	['parse_cmd', sub { parse_cmd($rcpt) }, $M],
	# the result filled on first access (perl/lazy.c), and an element
	# reference that outlives its hash
	['parse_cmd read', sub { parse_cmd($rcpt)->{notify} }, $K * 2],
	['parse_cmd keys', sub { my @k = keys %{ parse_cmd($rcpt) } }, $K],
	['parse_cmd elemref', sub { my $r = parse_cmd($rcpt); my $x = \$r->{path};
		undef $r; die 'lost' unless $$x eq 'a@b.example' }, $K],
	['parse_cmd error', sub { eval { parse_cmd('RCPT TO:<a@b> NOTIFY=X') };
		die 'no error' unless ref $@ }, $K],
	['xtext_encode', sub { xtext_encode('a+b c') }, $M],
	['xtext_decode', sub { xtext_decode('a+2Bb+20c') }, $M],
	['Policy->rcpt', sub { $pol->rcpt($sess, $rcpt) }, $M / 4],
	['Policy->mail', sub { $pol->mail($sess, 'MAIL FROM:<a@b.example> RET=HDRS') }, $K],
	['Policy->ehlo', sub { $pol->ehlo($sess, $ehlo) }, $K],
	['Policy->header', sub { $pol->header($sess, 'Return-Receipt-To', 'a@b.example') }, $K],
	['Policy->generate', sub { $pol->generate($sess, 'delivered', {notify => ['SUCCESS']}) }, $K],
	['Policy->bounce', sub { $pol->bounce($report, {rcpt => 'a@b.example'}) }, $K / 4],
	['Policy->line', sub { $pol->line($sess, $rcpt) }, $K],
	['Policy->rcpt utf8', sub { $pol->rcpt($sess, $rcpt, {utf8 => 1}) }, $K],
	['Session->new', sub { DSNGuard::Session->new({addr => '192.0.2.1', port => 25}) }, $K],
	['format_cmd', sub { format_cmd($cmd, {notify => ['FAILURE']}) }, $K / 2],
	['parse_ehlo', sub { parse_ehlo($ehlo) }, $K],
	['parse_ehlo lenient', sub { parse_ehlo($ehlo, {lenient => 1}) }, $K / 2],
	['hide_ehlo', sub { hide_ehlo($ehlo) }, $K],
	['parse_reply', sub { parse_reply('250 2.1.5 ok') }, $K],
	['format_reply', sub { format_reply('250 ok') }, $K],
	['status_describe', sub { status_describe('5.1.1') }, $K],
	['parse_report', sub { parse_report($report) }, $K / 4],
	['build_report', sub { build_report($spec, $report, {now => 1700000000}) }, $K / 10],
	['batv_sign', sub { batv_sign('a@b.example', $key, {now => 86400 * 400}) }, $K],
	['batv_verify', sub { batv_verify($tagged, $key, {now => 86400 * 400}) }, $K],
	['parse_addr', sub { parse_addr('<a@b.example>') }, $K],
	['Policy->from_file', sub { DSNGuard::Policy->from_file($conf) }, $T],
	['scan_log file', sub { scan_log($log) }, $T],
);

sub measure {
	my ($fn, $n) = @_;
	my $w = int($n / 10);
	$fn->() for 1 .. ($w > 100 ? $w : 100);    # warm-up: caches, arenas
	my $before = rss();
	$fn->() for 1 .. $n;
	return rss() - $before;
}

# the measure must see a leak: 40 bytes kept a call, 100,000 calls
my @kept;
if (measure(sub { push @kept, sprintf('%036d', scalar @kept) }, 100000) < $LIMIT) {
	print "the RSS measure does not see a 4 MB leak\n";
	exit 1;
}
@kept = ();

my @bad;
for my $c (@cases) {
	my ($name, $fn, $n) = @$c;
	$n = int($n * $scale);
	$n = 1000 if $n < 1000;
	my $t0 = time;
	my $grown = measure($fn, $n);
	printf "%-18s %8d calls %6.1f s  RSS %+8d bytes\n", $name, $n,
		time - $t0, $grown;
	push @bad, $name if $grown >= $LIMIT;
}
if (@bad) {
	print 'memory grew by 1 MB or more: ', join(', ', @bad), "\n";
	exit 1;
}
print "flat: every function under 1 MB of growth\n";
exit 0;
