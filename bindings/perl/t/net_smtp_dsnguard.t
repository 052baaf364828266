# Net::SMTP::DSNGuard as an SMTP client against a fake server on
# 127.0.0.1 (tests/cli/fake_smtp.py records the bytes): what it puts on the
# wire for RET, ENVID, NOTIFY and ORCPT, next to what Net::SMTP's own
# mail/recipient send for the same values; refusals before the wire.
use strict;
use warnings;
use utf8;
use FindBin ();
use lib "$FindBin::Bin/lib";

use Test::More;

use DSNGuard ();
use FakeSMTP;
use Net::SMTP::DSNGuard;

plan skip_all => 'no python3 for the fake SMTP server'
	unless FakeSMTP::python();
binmode(Test::More->builder->$_, ':encoding(UTF-8)')
	for qw(output failure_output todo_output);

# a test name for options: controls shown as \x{..}
sub name_of {
	(my $n = join("=", map { ref $_ eq "ARRAY" ? "[@$_]" : ref $_ ? "{}" : $_ } %{$_[0]}))
		=~ s/([\x00-\x1f])/sprintf('\\x{%X}', ord $1)/ge;
	return $n;
}

# ---- the parameters alone ----
my ($m, $r) = Net::SMTP::DSNGuard::dsn_params({ret => 'hdrs',
	envid => 'cost 5+x=', notify => ['delay', 'SUCCESS'],
	orcpt => 'a+b c@example.org'});
is_deeply($m, ['RET=HDRS', 'ENVID=cost+205+2Bx+3D'], 'RET and ENVID');
is_deeply($r, ['NOTIFY=SUCCESS,DELAY', 'ORCPT=rfc822;a+2Bb+20c@example.org'],
	'NOTIFY and ORCPT');
(undef, $r) = Net::SMTP::DSNGuard::dsn_params({orcpt => 'jörg@example.org'});
is_deeply($r, ['ORCPT=utf-8;j\x{F6}rg@example.org'],
	'UTF-8 ORCPT: utf-8-addr-xtext');
($m, $r) = Net::SMTP::DSNGuard::dsn_params({orcpt => 'jörg@example.org',
	smtputf8 => 1});
is_deeply([$m, $r], [['SMTPUTF8'], ['ORCPT=utf-8;jörg@example.org']],
	'with SMTPUTF8: utf-8-addr-unitext');
ok(utf8::is_utf8($r->[0]), 'results are character strings');
(undef, $r) = Net::SMTP::DSNGuard::dsn_params({notify => 'never'});
is_deeply($r, ['NOTIFY=NEVER'], 'NOTIFY as a string');

# every value decodes, on the server side, to what was given
for my $addr ('a+b@example.org', 'a b@example.org', 'ü@例え.jp',
	'e=mc2@example.org') {
	for my $u (0, 1) {
		(undef, $r) = Net::SMTP::DSNGuard::dsn_params({orcpt => $addr,
			smtputf8 => $u});
		my $c = DSNGuard::parse_cmd("RCPT TO:<x\@y.example> $r->[0]",
			{strict => 1, utf8 => $u});
		is($c->{orcpt}{addr}, $addr, "ORCPT round trip: $addr ($u)");
	}
}

for my $case ([{ret => 'BOTH'}, 'bad_ret'], [{ret => 'FULL ENVID=x'}, 'bad_ret'],
	[{envid => 'cost€5'}, 'bad_envid'], [{envid => ''}, 'bad_envid'],
	[{envid => 'x' x 101}, 'bad_envid'], [{envid => "a\r\nRSET"}, 'bad_envid'],
	[{envid => "a\0b"}, 'bad_envid'],
	[{notify => ['NEVER', 'SUCCESS']}, 'bad_notify'],
	[{notify => []}, 'bad_notify'], [{notify => 'bogus'}, 'bad_notify'],
	[{orcpt => ''}, 'bad_orcpt'], [{orcpt => 'rfc822;jörg@x.example'}, 'bad_orcpt'],
	[{orcpt => "utf-8;\xff"}, 'bad_orcpt']) {
	my ($o, $code) = @$case;
	eval { Net::SMTP::DSNGuard::dsn_params($o) };
	isa_ok($@, 'DSNGuard::ParseError', name_of($o));
	is(ref $@ && $@->{code}, $code, "  $code");
}
for my $o ({bogus => 1}, {notify => {}}, {notify => ['A,B']}, {ret => []},
	{envid => []}) {
	eval { Net::SMTP::DSNGuard::dsn_params($o) };
	like($@, qr/Net::SMTP::DSNGuard::dsn_params/, 'croaks: ' . name_of($o));
}

# ---- on the wire ----
my $srv = FakeSMTP->new('exposed');
my $s = Net::SMTP::DSNGuard->new('127.0.0.1', Port => $srv->port,
	Hello => 'client.example', Timeout => 10);
ok($s, 'connected') or BAIL_OUT("no connection: $@");
isa_ok($s, 'Net::SMTP');
ok($s->dsn_supported, 'DSN advertised');
ok(!$s->smtputf8_supported, 'SMTPUTF8 not advertised');
ok($s->mail_dsn('a@example.org', {ret => 'HDRS', envid => 'cost 5+'}),
	'mail_dsn accepted');
ok($s->recipient_dsn('b@example.org', {notify => ['SUCCESS'],
	orcpt => 'a+b c@example.org'}), 'recipient_dsn accepted');
ok($s->recipient_dsn('c@example.org'), 'recipient_dsn without options');
eval { $s->mail_dsn('a@example.org', {envid => 'cost€5'}) };
is(ref $@ && $@->{code}, 'bad_envid', 'cost€5 is refused, not mangled');
eval { $s->recipient_dsn('b@example.org> NOTIFY=NEVER') };
isa_ok($@, 'DSNGuard::ParseError', 'an address cannot add a parameter');
eval { $s->recipient_dsn("b\@example.org>\r\nDATA") };
isa_ok($@, 'DSNGuard::ParseError', 'an address cannot add a command');
eval { $s->mail_dsn('a@example.org', {smtputf8 => 1}) };
like($@, qr/does not advertise SMTPUTF8/, 'SMTPUTF8 only when advertised');
eval { $s->mail_dsn(undef) };
like($@, qr/an address is required/, 'undef address croaks');
$s->reset;
# what Net::SMTP itself sends for the same values
$s->mail('a@example.org', Envelope => 'cost€5');
$s->recipient('b@example.org', {Notify => ['SUCCESS'],
	ORcpt => 'rfc822;a+b c@example.org'});
$s->quit;
my @wire = @{$srv->lines};
$srv->stop;
ok((grep { $_ eq 'MAIL FROM:<a@example.org> RET=HDRS ENVID=cost+205+2B' }
	@wire), 'ENVID in xtext');
my ($ours) = grep { /NOTIFY=SUCCESS ORCPT=rfc822;a\+2Bb/ } @wire;
is($ours, 'RCPT TO:<b@example.org> NOTIFY=SUCCESS '
	. 'ORCPT=rfc822;a+2Bb+20c@example.org', 'ORCPT in xtext');
is(DSNGuard::parse_cmd($ours)->{orcpt}{addr}, 'a+b c@example.org',
	'the server decodes what was given');
ok((grep { $_ eq 'RCPT TO:<c@example.org>' } @wire), 'plain RCPT');
ok(!(grep { /NOTIFY=NEVER|^DATA/ } @wire), 'nothing smuggled');
# Net::SMTP: ENVID per character, ORCPT verbatim
my ($naive_mail) = grep { /ENVID=cost\+20AC5/ } @wire;
ok($naive_mail, 'Net::SMTP sends cost€5 as cost+20AC5');
is(DSNGuard::parse_cmd($naive_mail)->{envid}, 'cost AC5',
	'which a server reads as another id');
my ($naive_rcpt) = grep { /ORCPT=rfc822;a\+b c/ } @wire;
ok($naive_rcpt, 'Net::SMTP sends ORCPT verbatim');
eval { DSNGuard::parse_cmd($naive_rcpt, {strict => 1}) };
isa_ok($@, 'DSNGuard::ParseError', 'which is not valid xtext');

# SMTPUTF8: the unitext form after mail_dsn(..., {smtputf8 => 1})
$srv = FakeSMTP->new('utf8');
$s = Net::SMTP::DSNGuard->new('127.0.0.1', Port => $srv->port,
	Hello => 'client.example', Timeout => 10);
ok($s->smtputf8_supported, 'SMTPUTF8 advertised');
ok($s->mail_dsn('a@example.org', {smtputf8 => 1, ret => 'FULL'}),
	'mail_dsn with SMTPUTF8');
ok($s->recipient_dsn('jörg@例え.jp', {notify => 'SUCCESS',
	orcpt => 'jörg@例え.jp'}), 'recipient_dsn with a UTF-8 ORCPT');
# a transaction Net::SMTP begins itself is not an SMTPUTF8 one
$s->reset;
ok($s->mail('a@example.org'), 'plain MAIL');
ok($s->recipient_dsn('b@example.org', {orcpt => 'jörg@例え.jp'}),
	'recipient_dsn after a plain MAIL');
$s->quit;
my $raw = $srv->raw;
$srv->stop;
my $want = 'RCPT TO:<jörg@例え.jp> NOTIFY=SUCCESS ORCPT=utf-8;jörg@例え.jp';
utf8::encode($want);
like($raw, qr/^MAIL FROM:<a\@example\.org> RET=FULL SMTPUTF8\r$/m,
	'MAIL with SMTPUTF8');
like($raw, qr/^\Q$want\E\r$/m, 'UTF-8 on the wire as UTF-8 octets');
like($raw, qr/^RCPT TO:<b\@example\.org> ORCPT=utf-8;j\\x\{F6\}rg@\\x\{4F8B\}\\x\{3048\}\.jp\r$/m,
	'then the ASCII form (utf-8-addr-xtext)');

# a server without DSN gets no DSN parameters
$srv = FakeSMTP->new('not_offered');
$s = Net::SMTP::DSNGuard->new('127.0.0.1', Port => $srv->port,
	Hello => 'client.example', Timeout => 10);
ok(!$s->dsn_supported, 'DSN not advertised');
eval { $s->mail_dsn('a@example.org', {ret => 'HDRS'}) };
like($@, qr/does not advertise DSN/, 'mail_dsn croaks');
ok($s->mail_dsn('a@example.org'), 'a plain MAIL still works');
eval { $s->recipient_dsn('b@example.org', {notify => ['SUCCESS']}) };
like($@, qr/does not advertise DSN/, 'recipient_dsn croaks');
$s->quit;
ok(!(grep { /RET=|NOTIFY=/ } @{$srv->lines}), 'nothing of DSN was sent');
$srv->stop;

done_testing;
