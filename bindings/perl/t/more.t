# Tests of format_cmd, scan_log, build_report and the smaller helpers
# (bindings/perl/more.pm).
use strict;
use warnings;
use utf8;
use Test::More;
use File::Basename qw(dirname);
use File::Spec;
use File::Temp qw(tempdir);

use JSON::PP ();

use DSNGuard qw(:all);

my $DATA = File::Spec->catdir(dirname(__FILE__), '..', '..', '..',
	'examples', 'data');
my $CLI = $ENV{DSNG_CLI};

sub dies_with {
	my ($code, $class, $name) = @_;
	eval { $code->() };
	my $e = $@;
	ok(ref $e && $e->isa($class), "$name: dies with $class") or diag("got: $e");
	return $e;
}

sub croaks {
	my ($code, $re, $name) = @_;
	eval { $code->() };
	my $e = $@;
	ok(!ref $e && $e =~ $re, "$name: croaks") or diag("got: $e");
}

# ---- format_cmd ----
for my $line ('MAIL FROM:<a@b.example> RET=HDRS ENVID=x+2By SIZE=10',
	'rcpt to:<a@b.example>  notify=success,delay orcpt=rfc822;a+2Bb@b.example',
	'RCPT TO:<@r1.example,@r2.example:a@b.example>', 'MAIL FROM:<>',
	'EHLO client.example', 'QUIT') {
	my $c = parse_cmd($line);
	is(format_cmd($c), $c->{canonical}, "round trip: $line");
}
is(format_cmd({verb => 'rcpt', path => 'a@b.example',
	notify => ['success', 'delay'], orcpt => 'a+b c@b.example'}),
	'RCPT TO:<a@b.example> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;a+2Bb+20c@b.example',
	'fields encoded');
my $c = parse_cmd('MAIL FROM:<a@b.example> RET=HDRS ENVID=old SIZE=10 X-FOO=bar');
is(format_cmd($c, {ret => 'FULL', size => undef, envid => 'new'}),
	'MAIL FROM:<a@b.example> RET=FULL ENVID=new X-FOO=bar', 'replace and drop');
is(format_cmd($c, {params => [['SIZE', '5'], 'BODY=7BIT', {keyword => 'SMTPUTF8'}]}),
	'MAIL FROM:<a@b.example> SIZE=5 BODY=7BIT SMTPUTF8', 'raw params');
is($c->{ret}, 'HDRS', 'the parse result is left alone');
my $u = format_cmd({verb => 'RCPT', path => 'jöe@b.example',
	orcpt => 'jöe@b.example', utf8 => 1});
is($u, 'RCPT TO:<jöe@b.example> ORCPT=utf-8;j\x{F6}e@b.example', 'unicode ORCPT');
ok(utf8::is_utf8($u), 'a character string');
is(parse_cmd($u, {utf8 => 1})->{orcpt}{addr}, 'jöe@b.example', 'parses back');
my $e = dies_with(sub { format_cmd({verb => 'RCPT', path => 'a@b.example',
	ret => 'FULL'}) }, 'DSNGuard::ParseError', 'RET on RCPT');
is($e->{code}, 'param_not_allowed', 'its code');
$e = dies_with(sub { format_cmd({verb => 'MAIL', path => 'a@b.example',
	envid => "\x01"}) }, 'DSNGuard::ParseError', 'control in ENVID');
is($e->{code}, 'bad_xtext', 'its code');
$e = dies_with(sub { format_cmd({verb => 'RCPT', path => 'jöe@b.example'}) },
	'DSNGuard::ParseError', 'UTF-8 without SMTPUTF8');
is($e->{code}, 'non_ascii_address', 'its code');
croaks(sub { format_cmd() }, qr/verb/, 'no verb');
croaks(sub { format_cmd({verb => 'MAIL'}) }, qr/path/, 'no path');
croaks(sub { format_cmd({verb => 'MAIL', path => 'a@b', bogus => 1}) },
	qr/unknown option/, 'unknown field');
croaks(sub { format_cmd({verb => 'MAIL', path => 'a@b', size => -1}) },
	qr/size/, 'negative size');
croaks(sub { format_cmd({verb => 'RCPT', path => 'a@b', notify => [undef]}) },
	qr/notify/, 'bad notify list');

# ---- scan_log ----
for my $name (qw(postfix-dsn.log sendmail-dsn.log exim-dsn.log)) {
	my $p = File::Spec->catfile($DATA, $name);
	my ($ev, $sum) = scan_log($p);
	ok(@$ev > 0, "$name: events");
	is($sum->{events}, scalar @$ev, "$name: summary counts them");
	is($ev->[0]{file}, $p, "$name: file");
	SKIP: {
		skip 'DSNG_CLI (the dsnguard program) not set', 2 unless $CLI;
		require JSON::PP;
		open(my $cli, '-|', $CLI, 'scan-log', '--json', $p) or die $!;
		my @want = map { JSON::PP::decode_json($_) } <$cli>;
		close $cli;
		my $ws = pop @want;
		is(scalar @want, scalar @$ev, "$name: as many events as the CLI");
		is_deeply([map { [sort keys %$_] } @$ev], [map { [sort keys %$_] } @want],
			"$name: the CLI's keys");
		is_deeply([sort keys %$sum], [sort keys %$ws], "$name: summary keys");
		is($ev->[-1]{orig_queue_id}, $want[-1]{orig_queue_id}, "$name: same last event");
	}
	open(my $fh, '<', $p) or die $!;
	my ($ev2) = scan_log($fh);
	is(scalar @$ev2, scalar @$ev, "$name: from a file handle");
	is($ev2->[0]{file}, undef, "$name: no file name then");
	open($fh, '<', $p) or die $!;
	my @lines = <$fh>;
	chomp @lines;
	my ($ev3, $sum3) = scan_log(\@lines);
	is(scalar @$ev3, scalar @$ev, "$name: from lines");
	is($sum3->{lines}, scalar @lines, "$name: every line counted");
}
{
	# character strings go in as UTF-8, byte strings as their octets
	my $line = "Nov 29 01:12:14 mx postfix/smtpd[1]: ABC123: client=h\x{e9}\x{263a}.example[192.0.2.9]";
	my ($e, $s) = scan_log([$line, "plain"]);
	is($s->{lines}, 2, 'wide characters in lines');
}
my ($ev, $sum) = scan_log([]);
is_deeply($ev, [], 'no lines, no events');
is($sum->{events}, 0, 'and a summary');
($ev, $sum) = scan_log(["not a log line", "\xff\xfe"]);
is($sum->{garbage}, 2, 'garbage counted');
($ev, $sum) = scan_log(File::Spec->catfile($DATA, 'postfix-dsn.log'), {max_line => 64});
ok($sum->{garbage} > 0, 'max_line limit applies');
croaks(sub { scan_log([], {max_line => 10}) }, qr/DSNGuard/, 'limit out of range');
croaks(sub { scan_log([], {max_lines => 10}) }, qr/unknown option/, 'unknown limit');
croaks(sub { scan_log(undef) }, qr/required/, 'undef');
croaks(sub { scan_log('/nonexistent/mail.log') }, qr/nonexistent/, 'missing file');
croaks(sub { scan_log([undef]) }, qr/strings/, 'undef line');

# ---- build_report ----
my $NOW = 1700000000;
sub spec {
	return {reporting_mta => 'mx.example.test',
		envelope => {from => 'a@example.org', ret => 'HDRS', envid => 'x1',
			client => {addr => '203.0.113.66', helo => 'x', tls => 0,
				port => 25, service => 'smtp'}},
		recipients => [{addr => 'b@example.test',
			orcpt => 'rfc822;b+2Bc@example.test', notify => ['SUCCESS'],
			action => 'delivered', status => '2.0.0'}]};
}
my $ORIG = "From: a\@example.org\nTo: b\@example.test\nSubject: hi\n"
	. "Message-ID: <m1\@example.org>\n\nbody\n";
$e = dies_with(sub { build_report(spec(), $ORIG, {now => $NOW}) },
	'DSNGuard::PolicyVeto', 'untrusted success request');
is($e->{decision}{action}, 'never', 'the decision');
like("$e", qr/203\.0\.113\.66/, 'stringifies with the reason');
is($e->{entries}[0]{fate}, 'vetoed', 'entries');
my $s = spec();
$s->{envelope}{client}{trusted} = 1;
my $copy = JSON::PP->new->canonical->encode($s);
my $r = build_report($s, $ORIG, {now => $NOW});
is(JSON::PP->new->canonical->encode($s), $copy, 'the spec is left as it was');
ok(!utf8::is_utf8($r), 'the report is octets');
my $rep = parse_report($r);
is_deeply($rep->{problems}, [], 'parses without problems');
is($rep->{recipients}[0]{action}, 'delivered', 'action');
is($rep->{recipients}[0]{original_recipient}{addr}, 'b+c@example.test', 'ORCPT decoded');
is($rep->{message}{original_envelope_id}, 'x1', 'ENVID');
SKIP: {
	skip 'DSNG_CLI (the dsnguard program) not set', 1 unless $CLI;
	require JSON::PP;
	my $d = tempdir(CLEANUP => 1);
	open(my $f, '>', "$d/spec.json") or die $!;
	my $js = spec();
	$js->{envelope}{client}{tls} = JSON::PP::false();
	print $f JSON::PP::encode_json($js);
	close $f;
	open($f, '>', "$d/orig") or die $!;
	print $f $ORIG;
	close $f;
	my $want = `$CLI make-report --no-policy --now $NOW $d/spec.json $d/orig`;
	is(build_report(spec(), $ORIG, {no_policy => 1, now => $NOW}), $want,
		'same bytes as make-report');
}
$s = spec();
$s->{recipients}[0]{notify} = undef;
is(build_report($s, undef, {now => $NOW}), undef, 'nothing requested: undef');
$s = spec();
$s->{recipients} = [map { {addr => "r$_\@example.test", action => 'failed',
	status => '5.1.1'} } 1 .. 1500];
$e = dies_with(sub { build_report($s, undef, {no_policy => 1, now => $NOW}) },
	'DSNGuard::ParseError', '1,500 recipients');
is($e->{code}, 'recipient_limit', 'over the default limit');
$r = build_report($s, undef, {no_policy => 1, now => $NOW, max_recipients => 2000});
$e = dies_with(sub { parse_report($r) }, 'DSNGuard::ParseError', 'parse 1,500');
$rep = parse_report($r, {max_recipients => 2000});
is(scalar @{ $rep->{recipients} }, 1500, 'parsed with a raised limit');
$s = spec();
$s->{recipients}[0]{addr} = 'jöe@example.test';
$s->{recipients}[0]{orcpt} = undef;
my $res = build_report_result($s, undef, {no_policy => 1, now => $NOW});
ok($res->{global}, 'UTF-8 gives the global form');
is(parse_report($res->{data})->{recipients}[0]{final_recipient}{addr},
	'jöe@example.test', 'the address comes back');
is($res->{envelope_to}, 'a@example.org', 'envelope');
$e = dies_with(sub { build_report({reporting_mta => 'x', bogus => 1}, undef,
	{no_policy => 1}) }, 'DSNGuard::ParseError', 'unknown key');
like($e->{message}, qr/bogus/, 'names the key');
$e = dies_with(sub { build_report({%{ spec() }, recipients => [{addr => 'a@b.example',
	action => 'eaten'}]}, undef, {no_policy => 1}) }, 'DSNGuard::ParseError',
	'bad action');
croaks(sub { build_report('x') }, qr/hashref/, 'not a hashref');
croaks(sub { build_report(spec(), undef, {policy => 'recommended'}) },
	qr/DSNGuard::Policy/, 'policy by name');
croaks(sub { build_report(spec(), undef, {no_policy => 1,
	policy => DSNGuard::Policy->preset('permissive')}) }, qr/not both/,
	'policy and no_policy');
croaks(sub { build_report(spec(), undef, {now => 'today'}) }, qr/Unix time/, 'now');
croaks(sub { build_report(spec(), \'x') }, qr/original/, 'original ref');

# ---- helpers ----
is(xtext_utf8_encode('jöe+1@b'), 'j\x{F6}e\x{2B}1@b', 'xtext_utf8_encode');
is(xtext_utf8_decode(xtext_utf8_encode('日本@例え.jp')), '日本@例え.jp', 'round trip');
is(xtext_utf8_decode('jöe', {unitext => 1}), 'jöe', 'unitext');
dies_with(sub { xtext_utf8_decode('jöe') }, 'DSNGuard::ParseError', 'raw UTF-8 needs unitext');
dies_with(sub { xtext_utf8_encode("\xff") }, 'DSNGuard::ParseError', 'octets that are not UTF-8');
my $a = parse_addr('<@r1.example,@r2.example:a@b.example>');
is_deeply([@{$a}{qw(path local domain)}, $a->{route}],
	['a@b.example', 'a', 'b.example', ['r1.example', 'r2.example']], 'parse_addr');
ok(parse_addr('<>')->{null}, 'null path');
dies_with(sub { parse_addr('<>', {rcpt => 1}) }, 'DSNGuard::ParseError', '<> as RCPT');
ok(check_domain('b.example'), 'check_domain');
dies_with(sub { check_domain('-x-.example') }, 'DSNGuard::ParseError', 'bad domain');
my $t = batv_sign('a@b.example', 'text:secret', {now => 86400 * 400});
is(batv_parse($t)->{original}, 'a@b.example', 'batv_parse');
is(batv_strip($t), 'a@b.example', 'batv_strip');
dies_with(sub { batv_parse('a@b.example') }, 'DSNGuard::ParseError', 'untagged');
is(format_reply("250-a\n250 b"), "250-a\r\n250 b\r\n", 'format_reply');
is(reply_complete("250-a\r\n250 b\r\nxx"), 14, 'reply_complete');
is(reply_complete("250-a\r\n"), 0, 'more needed');
{
	my $e = "250-mx.example\r\n250-" . ('X' x 600) . "\r\n250 DSN\r\n";
	my $x = dies_with(sub { parse_ehlo($e) }, 'DSNGuard::ParseError', 'a long EHLO line');
	is($x->{code}, 'line_too_long', 'its code');
	ok(parse_ehlo($e, {lenient => 1})->{dsn}, 'parse_ehlo lenient');
	ok(parse_ehlo($e, {max_line => 1000})->{dsn}, 'parse_ehlo max_line');
	unlike(hide_ehlo($e, {max_line => 1000}), qr/DSN/, 'hide_ehlo max_line');
	my $pe = DSNGuard::Policy->preset('recommended');
	my $se = DSNGuard::Session->new({addr => '203.0.113.1', port => 25});
	is($pe->ehlo($se, $e, {lenient => 1})->{action}, 'hide_dsn', 'Policy->ehlo lenient');
	dies_with(sub { $pe->ehlo($se, $e) }, 'DSNGuard::ParseError', 'Policy->ehlo default');
	my $many = join('', map { "250-l$_\r\n" } 1 .. 20) . "250 x\r\n";
	$x = dies_with(sub { parse_ehlo($many, {max_lines => 5}) }, 'DSNGuard::ParseError',
		'max_lines');
	is($x->{code}, 'size_limit', 'its code');
	is(length(format_reply('250 ' . ('y' x 600), {max_line => 1000})), 606,
		'format_reply max_line');
	croaks(sub { parse_ehlo($e, {bogus => 1}) }, qr/unknown option/, 'parse_ehlo option');
	croaks(sub { parse_ehlo(undef) }, qr/required/, 'parse_ehlo undef');
}
is(parse_date('Wed, 15 Jul 2020 10:15:30 GMT'), 1594808130, 'parse_date');
dies_with(sub { parse_date('yesterday') }, 'DSNGuard::ParseError', 'bad date');
is(decode_words('=?utf-8?q?caf=C3=A9?='), 'café', 'decode_words');
is(unfold("a\r\n b"), 'a b', 'unfold');
ok((grep { $_ eq 'recommended' } preset_names()), 'preset_names');
my $p = DSNGuard::Policy->from_string("[trusted-networks]\n192.0.2.0/24\n");
ok($p->is_trusted(DSNGuard::Session->new({addr => '192.0.2.7'})), 'is_trusted');
ok(!$p->is_trusted(DSNGuard::Session->new({addr => '198.51.100.7'})), 'not trusted');
my $rec = DSNGuard::Policy->preset('recommended');
ok($rec->is_receipt_header('Return-Receipt-To'), 'is_receipt_header');
ok(!$rec->is_receipt_header('Subject'), 'not a receipt header');
my $ss = DSNGuard::Session->new({addr => '203.0.113.5', port => 25});
is($rec->line($ss, 'EHLO x.example')->{action}, 'hide_dsn', 'line: EHLO');
is($rec->line($ss, 'RCPT TO:<a@b.example> NOTIFY=BOGUS')->{rule}, 'parser:syntax',
	'line: a refusal to send');
croaks(sub { $rec->line('x', 'NOOP') }, qr/Session/, 'line without a session');
croaks(sub { $rec->line($ss, undef) }, qr/required/, 'line undef');

# ---- policy options, bounce limits ----
my $CONF = File::Spec->catfile($DATA, '..', 'dsnguard.conf');
ok(DSNGuard::Policy->from_file($CONF)->is_trusted(
	DSNGuard::Session->new({addr => '192.0.2.7'})), 'from_file with includes');
$e = dies_with(sub { DSNGuard::Policy->from_file($CONF, {no_includes => 1}) },
	'DSNGuard::ParseError', 'no_includes');
like($e->{message}, qr/include/, 'says why');
$e = dies_with(sub { DSNGuard::Policy->from_file($CONF, {max_include_bytes => 1}) },
	'DSNGuard::ParseError', 'max_include_bytes');
like($e->{message}, qr/max_include_bytes/, 'names the limit');
is(DSNGuard::Policy->from_string("preset = permissive\n", {name => 'x',
	max_include_files => 3})->name, 'x', 'from_string with options');
croaks(sub { DSNGuard::Policy->from_file($CONF, {bogus => 1}) }, qr/unknown option/,
	'unknown policy option');
my $rr = do { local $/; open(my $f, '<:raw', File::Spec->catfile($DATA,
	'return-receipt.eml')) or die $!; <$f> };
is_deeply($rec->bounce($rr, {rcpt => 'a@b.example', max_recipients => 5}),
	$rec->bounce($rr, {rcpt => 'a@b.example'}), 'bounce with limits');
$e = dies_with(sub { $rec->bounce($rr, {max_size => 100}) },
	'DSNGuard::ParseError', 'bounce over max_size');
is($e->{code}, 'size_limit', 'its code');

{
	my $su = DSNGuard::Session->new({addr => '192.0.2.1', port => 587,
		service => 'submission', auth_user => 'u'});
	my $l = 'RCPT TO:<jöe@b.example> NOTIFY=SUCCESS';
	is($rec->mail($su, 'MAIL FROM:<jöe@b.example> SMTPUTF8', {utf8 => 1})->{action},
		'accept', 'mail utf8');
	is($rec->rcpt($su, $l)->{rule}, 'parser:syntax', 'rcpt: UTF-8 needs utf8');
	is($rec->rcpt($su, $l, {utf8 => 1})->{action}, 'accept', 'rcpt utf8');
	is($rec->line($su, $l, {utf8 => 1})->{action}, 'accept', 'line utf8');
	croaks(sub { $rec->rcpt($su, $l, {bogus => 1}) }, qr/unknown option/,
		'rcpt option');
}
my $fp = DSNGuard::Policy->from_file($CONF);
ok((grep { $_ eq '192.0.2.0/24' } $fp->networks), 'networks');
my %rules = map { $_->{rule} => $_ } $fp->rules;
is($rules{'ehlo.offer-dsn'}{value}, 'trusted, submission, local', 'rules');
is_deeply([$fp->offer_dsn], ['trusted', 'submission', 'local'], 'offer_dsn');
is_deeply([$fp->classes(DSNGuard::Session->new({addr => '192.0.2.1'}))],
	['all', 'trusted'], 'classes');
is_deeply([DSNGuard::Policy->preset('permissive')->rules], [], 'permissive: no rules');
my $sf = status_find('550 5.7.1 refused by 10.1.1.1');
is("$sf->{code} $sf->{offset}", '5.7.1 4', 'status_find');
is(status_find('from 10.1.1.1'), undef, 'no code');
my @m = split_mbox("From a\@b Mon\nSubject: x\n\nbody\n\nFrom c\@d Tue\nSubject: y\n\nb2\n");
is(scalar @m, 2, 'split_mbox');
like($m[1], qr/\ASubject: y/, 'the second message');

# ---- exports and POD ----
for my $fn (@DSNGuard::EXPORT_OK) {
	ok(defined &{"DSNGuard::$fn"}, "$fn is defined");
}
SKIP: {
	my $pm = $INC{'DSNGuard.pm'};
	skip 'no Pod::Text', 1 unless eval { require Pod::Text; 1 };
	my $pod = '';
	my $pt = Pod::Text->new;
	$pt->output_string(\$pod);
	$pt->parse_file($pm);
	my @missing = grep { $pod !~ /\b\Q$_\E\b/ } @DSNGuard::EXPORT_OK;
	is_deeply(\@missing, [], 'POD names every exported function');
}

SKIP: {
	# what `perldoc DSNGuard` shows (perl-doc, scripts/install-deps.sh)
	my $perldoc = `sh -c 'command -v perldoc' 2>/dev/null`;
	chomp $perldoc;
	skip 'no perldoc (install perl-doc)', 1
		unless $perldoc && system("$perldoc -V >/dev/null 2>&1") == 0;
	my $text = `$perldoc -T DSNGuard 2>&1`;
	my @missing = grep { $text !~ /\b\Q$_\E\b/ } @DSNGuard::EXPORT_OK;
	is_deeply(\@missing, [], 'perldoc DSNGuard names every exported function');
}

done_testing();
