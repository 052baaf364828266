# Tests of the Perl binding's policy, sessions and decisions, limits as a
# trailing hashref, misuse, the UTF-8 flag and xtext octets.
use strict;
use warnings;
use Test::More;
use File::Basename qw(dirname);
use File::Spec;
use File::Temp qw(tempdir);

use DSNGuard qw(:all);

my $data = File::Spec->catdir(dirname(File::Spec->rel2abs(__FILE__)),
	'..', '..', '..', 'examples', 'data');
sub slurp {
	my $path = File::Spec->catfile($data, shift);
	open(my $fh, '<:raw', $path) or die "$path: $!";
	local $/;
	return <$fh>;
}

my @KEYS = sort qw(action reason rule reply notify compliance rewritten);
my $EHLO = "250-mx.example\r\n250-DSN\r\n250 SIZE 1000\r\n";

# ---- Exporter
ok(defined &parse_cmd, ':all exports parse_cmd');
ok(scalar(grep { $_ eq 'xtext_decode' } @DSNGuard::EXPORT_OK), '@EXPORT_OK');

# ---- policies
my $p = DSNGuard::Policy->preset('recommended');
isa_ok($p, 'DSNGuard::Policy');
is($p->name, 'recommended', 'preset name');
is(ref $p->warnings, 'ARRAY', 'warnings');
ok(!eval { DSNGuard::Policy->preset('nope'); 1 }, 'unknown preset dies');
isa_ok($@, 'DSNGuard::ParseError');
is($@->{code}, 'unknown_preset', 'unknown_preset');
ok(!eval { DSNGuard::Policy->preset(undef); 1 }, 'undef preset croaks');
like($@, qr/preset name is required/, 'croak message');

my $q = DSNGuard::Policy->from_string("[rcpt]\naction = strip\n",
	{name => 's.conf'});
is($q->name, 's.conf', 'from_string name');
ok(!eval { DSNGuard::Policy->from_string("[nosuch]\n", {name => 'b.conf'}); 1 },
	'bad config dies');
like($@->{message}, qr/^b\.conf:1:/, 'config error has file and line');
ok(!eval { DSNGuard::Policy->from_string("", {nmae => 'x'}); 1 },
	'unknown option croaks');
like($@, qr/unknown option 'nmae'/, 'unknown option message');

my $dir = tempdir(CLEANUP => 1);
my $path = File::Spec->catfile($dir, 'p.conf');
open(my $fh, '>', $path) or die;
print $fh "preset = sendmail-noreceipts\n";
close $fh;
is(DSNGuard::Policy->from_file($path)->name, $path, 'from_file');
ok(!eval { DSNGuard::Policy->from_file("$dir/missing"); 1 }, 'missing file dies');
is($@->{code}, 'io', 'io code');

# ---- sessions
my $stranger = DSNGuard::Session->new({addr => '203.0.113.5', port => 25});
my $local = DSNGuard::Session->new({addr => '127.0.0.1', port => 25});
is($stranger->state->{dsn_offered}, undef, 'nothing offered yet');
ok(!eval { DSNGuard::Session->new({bogus => 1}); 1 }, 'unknown key croaks');
ok(!eval { DSNGuard::Session->new({service => 'pop3'}); 1 }, 'bad service croaks');
ok(!eval { DSNGuard::Session->new({port => 'x'}); 1 }, 'bad port croaks');
ok(!eval { DSNGuard::Session->new({addr => '999.0.0.1'}); 1 }, 'bad address dies');
is($@->{code}, 'bad_cidr', 'bad_cidr');
{
	my $user = "jo\x{e9}";
	my $s = DSNGuard::Session->new({addr => '::1', auth_user => $user,
		helo => "h\x{e9}.example"});
	undef $user;
	is($p->rcpt($s, 'RCPT TO:<a@b.example> NOTIFY=SUCCESS')->{action}, 'accept',
		'session owns its strings');
}
{
	# AUTH after EHLO: the recommended preset honours an authenticated
	# client's NOTIFY even though DSN was not offered to its address.
	my $s = DSNGuard::Session->new({addr => '203.0.113.9', port => 25});
	$p->ehlo($s);
	my $line = 'RCPT TO:<a@b.example> NOTIFY=SUCCESS';
	is($p->rcpt($s, $line)->{action}, 'reject', 'stranger before AUTH');
	is($s->update({auth_user => 'alice', tls => 1}), $s, 'update returns the session');
	is($s->{auth_user}, 'alice', 'auth_user kept in the object');
	is($p->rcpt($s, $line)->{action}, 'accept', 'authenticated after update');
	$s->update({auth_user => undef});
	ok($s->{tls}, 'tls kept when not named');
	is($p->rcpt($s, $line)->{action}, 'reject', 'auth_user cleared');
	ok(!eval { $s->update({bogus => 1}); 1 }, 'unknown key croaks');
	like($@, qr/unknown key 'bogus'/, 'croak names the key');
	ok(!eval { $s->update('x'); 1 }, 'non-hashref croaks');
}

# ---- decisions
my $d = $p->ehlo($stranger);
is($d->{action}, 'hide_dsn', 'ehlo hides DSN');
is_deeply([sort keys %$d], \@KEYS, 'decision keys are the audit keys');
$d = $p->ehlo($stranger, $EHLO);
is($d->{rewritten}, "250-mx.example\r\n250 SIZE 1000\r\n", 'EHLO reply rewritten');
is($p->ehlo($local, $EHLO)->{action}, 'advertise_dsn', 'offered to loopback');
is($local->state->{dsn_offered}, 1, 'session records the offer');

$d = $p->rcpt($stranger, 'RCPT TO:<a@b.example> NOTIFY=SUCCESS');
is($d->{action}, 'reject', 'stranger refused');
like($d->{reply}, qr/^550 5\.7\.1 /, 'reply');
is_deeply($d->{notify}, ['SUCCESS'], 'notify asked for');
is($d->{rule}, 'recommended:rcpt.unoffered', 'rule');

$d = $p->rcpt($local, parse_cmd('RCPT TO:<a@b.example> NOTIFY=SUCCESS,DELAY'));
is($d->{action}, 'accept', 'what parse_cmd returned');
is($d->{reply}, undef, 'no reply');

$d = $p->mail($stranger, 'MAIL FROM:<a@b.example> RET=FULL');
is($d->{action}, 'downgrade', 'RET=FULL downgraded');
is($d->{rewritten}, 'MAIL FROM:<a@b.example> RET=HDRS', 'rewritten');

$d = $p->rcpt($local, 'RCPT TO:<a@b.example> NOTIFY=BOGUS');
is($d->{rule}, 'parser:syntax', 'syntax error is the refusal');
like($d->{reply}, qr/^501 5\.5\.4 /, 'parser reply');

ok(!eval { $p->mail($local, 'RCPT TO:<a@b.example>'); 1 }, 'wrong verb croaks');
ok(!ref $@, 'misuse is a plain croak');
ok(!eval { $p->rcpt('x', 'RCPT TO:<a@b.example>'); 1 }, 'not a session croaks');
ok(!eval { $p->rcpt($local, undef); 1 }, 'undef line croaks');
ok(!eval { $p->generate($local, 'exploded'); 1 }, 'bad action croaks');

is($p->header($stranger, 'Disposition-Notification-To', 'a@b.example')->{action},
	'strip', 'receipt header stripped');
is($p->header($local, 'Disposition-Notification-To', "J\x{f6}rg <j\@b.example>")
	->{action}, 'accept', 'unicode header value');

$d = $p->generate($stranger, 'delivered', {notify => ['SUCCESS']});
is($d->{action}, 'never', 'no receipt for a stranger');
is_deeply($d->{notify}, ['SUCCESS'], 'generate notify');
is($p->generate($local, 'delivered', {notify => 'SUCCESS'})->{action}, 'accept',
	'receipt for loopback');

$d = $p->bounce(slurp('return-receipt.eml'), {rcpt => 'spamvictim@victim.example'});
ok(defined $d->{verdict}, 'bounce verdict');
is($p->bounce(undef, {null_sender => 0})->{verdict}, 'not_a_bounce', 'not a bounce');

# the decision outlives its policy
{
	my $p2 = DSNGuard::Policy->preset('permissive');
	$d = $p2->ehlo(DSNGuard::Session->new);
}
is($d->{rule}, 'permissive:ehlo.offer-dsn', 'decision outlives the policy');

# ---- misuse of the parsers
ok(!eval { parse_cmd(undef); 1 }, 'undef command croaks');
ok(!eval { DSNGuard::parse_cmd([]); 1 }, 'reference croaks');
ok(!eval { parse_report(undef); 1 }, 'undef report croaks');
ok(!eval { xtext_decode(undef); 1 }, 'undef xtext croaks');
ok(!eval { parse_cmd('DATA', {nosuch => 1}); 1 }, 'unknown option croaks');

# ---- limits as a trailing hashref
sub many {
	my $n = shift;
	my $g = join('', map { "Final-Recipient: rfc822; u$_\@example.org\r\n"
		. "Action: failed\r\nStatus: 5.1.1\r\n\r\n" } 0 .. $n - 1);
	return "From: MAILER-DAEMON\@mx.example\r\nTo: a\@b.example\r\n"
		. "MIME-Version: 1.0\r\nContent-Type: multipart/report; "
		. "report-type=delivery-status; boundary=\"BB\"\r\n\r\n"
		. "--BB\r\nContent-Type: text/plain\r\n\r\nfailed\r\n"
		. "--BB\r\nContent-Type: message/delivery-status\r\n\r\n"
		. "Reporting-MTA: dns; mx.example\r\n\r\n$g--BB--\r\n";
}
ok(!eval { parse_report(many(1001)); 1 }, '1001 recipients over the default');
is($@->{code}, 'recipient_limit', 'recipient_limit');
is(scalar @{parse_report(many(1001), {max_recipients => 5000})->{recipients}},
	1001, 'limit raised');
ok(!eval { parse_cmd('MAIL FROM:<a@b.example>', {max_line => 10}); 1 }, 'max_line');
is(parse_cmd('MAIL FROM:<a@b.example>', {strict => 1})->{verb}, 'MAIL', 'strict option');

# ---- strings: the UTF-8 flag is stable, xtext of octets is octets
ok(utf8::is_utf8(parse_cmd('DATA')->{verb}), 'ASCII result is a character string');
# a character string goes in as UTF-8, a byte string as its octets
my $u = "RCPT TO:<j\x{f6}rg\@b.example>";
utf8::upgrade($u);
ok(utf8::is_utf8(parse_cmd($u, {utf8 => 1})->{path}),
	'UTF-8 result is a character string');
is(parse_cmd($u, {utf8 => 1})->{path}, "j\x{f6}rg\@b.example",
	'decoded as characters');
my $bytes = "RCPT TO:<j\xc3\xb6rg\@b.example>";
is(parse_cmd($bytes, {utf8 => 1})->{path}, "j\x{f6}rg\@b.example",
	'UTF-8 octets in, characters out');
my $bad = parse_cmd("HELP a\xff\xfe");
ok(utf8::is_utf8($bad->{arg}), 'invalid UTF-8: still characters');
is($bad->{arg}, "a\x{fffd}\x{fffd}", 'invalid octets are U+FFFD');
my $long = 'x' . ('y' x 400);
is(parse_cmd("MAIL FROM:<a\@b.example> $long=1")->{params}[0]{keyword}, uc $long,
	'long keyword not truncated');
my $oct = xtext_decode('a+FF');
is($oct, "a\xff", 'xtext octets');
ok(!utf8::is_utf8($oct), 'xtext of a byte string is octets');
my $chars = "a+E2+82+AC";
utf8::upgrade($chars);
is(xtext_decode($chars), "a\x{20ac}", 'xtext of a character string is characters');

# ---- parse_reply, status_describe, hide_ehlo
my $rep = parse_reply("250-mx.example\r\n250 2.0.0 ok\r\n");
is($rep->{code}, 250, 'reply code');
is($rep->{enhanced}, '2.0.0', 'reply enhanced');
is($rep->{text}, "mx.example\nok", 'reply text');
ok(!eval { parse_reply("250-a\r\n251 b\r\n"); 1 }, 'mixed codes die');
is($@->{code}, 'mixed_codes', 'mixed_codes');
ok(!eval { parse_reply('250 ' . ('x' x 600)); 1 }, 'long line dies');
is(parse_reply('250 ' . ('x' x 600), {lenient => 1})->{code}, 250, 'lenient');
ok(!eval { parse_reply(undef); 1 }, 'undef reply croaks');

my $st = status_describe('5.1.1');
is($st->{description}, 'Bad destination mailbox address', 'status described');
ok($st->{registered}, 'registered');
ok(!eval { status_describe('3.1.1'); 1 }, 'bad status dies');
is($@->{code}, 'bad_status', 'bad_status');
ok(!eval { status_describe(undef); 1 }, 'undef status croaks');

is(hide_ehlo("250-mx\r\n250-DSN\r\n250 SIZE 10\r\n"), "250-mx\r\n250 SIZE 10\r\n",
	'DSN hidden');
is(hide_ehlo("250-mx\r\n250-dsn\r\n250 SIZE 10\r\n", {keywords => ['size', 'DSN']}),
	"250 mx\r\n", 'keywords hidden');
ok(!eval { hide_ehlo("550 no\r\n"); 1 }, 'refused EHLO dies');
ok(!eval { hide_ehlo("250 x\r\n", {keywords => {}}); 1 }, 'bad keywords croak');

# ---- BATV
my $key = 'hex:00112233445566778899';
my $tag = batv_sign('user@example.org', $key, {now => 1700000000});
is($tag, 'prvs=0682c79f0e=user@example.org', 'the CLI\'s tag');
my $v = batv_verify($tag, [$key], {now => 1700000000});
is($v->{result}, 'valid', 'valid');
ok($v->{ok}, 'ok');
is($v->{original}, 'user@example.org', 'original');
is($v->{days_left}, 7, 'days left');
is(batv_verify($tag, $key, {now => 1700000000 + 30 * 86400})->{result}, 'expired',
	'expired');
is(batv_verify('user@example.org', $key)->{result}, 'not_tagged', 'not tagged');
ok(!eval { batv_sign('a@b.example', $key, {key => 4}); 1 }, 'no such key dies');
is($@->{code}, 'batv_no_key', 'batv_no_key');
ok(!eval { batv_sign('<>', $key); 1 }, 'null sender croaks');
ok(!eval { batv_sign(undef, $key); 1 }, 'undef address croaks');
ok(!eval { batv_sign('a@b.example', undef); 1 }, 'no keys croak');
ok(!eval { batv_verify('a@b.example', $key, {now => 'today'}); 1 }, 'bad now croaks');

# ---- POD names every function
{
	my $pm = $INC{'DSNGuard.pm'};
	require Pod::Checker;
	my $checker = Pod::Checker->new(-warnings => 0);
	open(my $null, '>', File::Spec->devnull) or die;
	$checker->parse_from_file($pm, $null);
	is($checker->num_errors, 0, 'POD has no errors');
	open(my $fh, '<', $pm) or die;
	my $text = do { local $/; <$fh> };
	for my $f (@DSNGuard::EXPORT_OK, qw(preset from_file from_string ehlo
		mail rcpt header generate bounce)) {
		like($text, qr/^=item .*\b\Q$f\E\b/m, "POD documents $f");
	}
}

done_testing();
