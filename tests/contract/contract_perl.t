#!/usr/bin/perl
# DESIGN.md section 4, Perl: the names, exports, classes and key sets an
# outside checker calls.  Run:
#   PERL5LIB=build/default/bindings/perl:bindings/perl/lib \
#   DSNG_CLI=build/default/examples/dsnguard prove -v tests/contract/contract_perl.t
use strict;
use warnings;
use Test::More;
use FindBin;
use JSON::PP;
use File::Temp ();

BEGIN { use_ok('DSNGuard', ':all'); use_ok('Net::SMTP::DSNGuard') }

my $cli = $ENV{DSNG_CLI} or BAIL_OUT('DSNG_CLI is not set');
my $data = "$FindBin::Bin/../../examples/data";
my $json = JSON::PP->new;

sub cli_json {
	my @args = @_;
	open(my $fh, '-|', $cli, $args[0], '--json', @args[1 .. $#args])
	    or die "cannot run $cli: $!";
	my @out = map { $json->decode($_) } grep { /\S/ } <$fh>;
	close $fh;
	return ($? >> 8, @out);
}

sub keyset { join ',', sort keys %{ $_[0] } }

# Exporter: every section 4 function in @EXPORT_OK and :all
my @names = qw(parse_cmd format_cmd parse_ehlo hide_ehlo parse_reply
    parse_report status_describe xtext_encode xtext_decode batv_sign
    batv_verify scan_log build_report);
my %ok = map { $_ => 1 } @DSNGuard::EXPORT_OK;
for my $n (@names) {
	ok($ok{$n}, "$n in \@EXPORT_OK");
	ok(defined &{"main::$n"}, "$n imported by :all");
}
ok(exists $DSNGuard::EXPORT_TAGS{all}, ':all tag exists');

# results: hashrefs with the CLI's keys, undef for null
my $line = 'RCPT TO:<user@example.org> NOTIFY=SUCCESS,DELAY '
    . 'ORCPT=rfc822;user+40example.org';
my $cmd = parse_cmd($line);
is(ref $cmd, 'HASH', 'parse_cmd gives a hashref');
my ($rc, $j) = cli_json('parse-cmd', $line);
is($rc, 0, 'parse-cmd exit 0');
delete $j->{ok};
delete $j->{input};
for my $k (keys %$j) {
	ok(exists $cmd->{$k}, "parse_cmd key $k");
}
is_deeply($cmd->{notify}, [qw(SUCCESS DELAY)], 'notify');
ok(!defined $cmd->{ret}, 'null is undef');
is($cmd->{orcpt}{addr}, 'user@example.org', 'orcpt decoded');
is(ref parse_ehlo("250-mx.example\r\n250 DSN\r\n"), 'HASH', 'parse_ehlo');
is(ref parse_reply("250 2.1.0 ok\r\n"), 'HASH', 'parse_reply');
is(status_describe('5.1.1')->{code}, '5.1.1', 'status_describe');
is(xtext_decode(xtext_encode('a+b c')), 'a+b c', 'xtext round trip');
unlike(hide_ehlo("250-mx.example\r\n250 DSN\r\n"), qr/DSN/, 'hide_ehlo');

# ParseError: blessed, the same keys as the CLI's error, stringifies
my $bad = 'RCPT TO:<a@b.example> ORCPT=rfc822;a+zz';
eval { parse_cmd($bad) };
my $e = $@;
isa_ok($e, 'DSNGuard::ParseError');
($rc, $j) = cli_json('parse-cmd', $bad);
is($rc, 1, 'parse-cmd exit 1 on a refused line');
is(keyset($e), keyset($j->{error}), 'ParseError keys = CLI error keys');
is($e->{$_}, $j->{error}{$_}, "ParseError $_") for keys %{ $j->{error} };
like("$e", qr/\Q$e->{message}\E/, 'stringifies to its message');

# misuse croaks
eval { DSNGuard::Policy->preset() };
ok($@, 'preset without a name croaks');
eval { DSNGuard::Policy->preset('no-such-preset') };
ok($@, 'an unknown preset dies');

# options as a trailing hashref; an unknown option or key croaks
is(parse_cmd('MAIL FROM:<a@b.example> SIZE=10', {strict => 1})->{size}, 10,
	'parse_cmd with {strict => 1}');
eval { parse_cmd('MAIL FROM:<a@b.example>', {bogus => 1}) };
like($@, qr/bogus/, 'an unknown option croaks');
eval { parse_cmd([]) };
ok($@, 'a reference for a line croaks');
is(parse_report("Subject: x\n\nhi\n", {max_recipients => 5})->{kind}, 'none',
	'limits named after the C fields');
eval { DSNGuard::Session->new({addr => '192.0.2.1', service => 'smtps'}) };
ok($@, 'a bad service croaks');
eval { DSNGuard::Session->new({addr => '192.0.2.1', bogus => 1}) };
like($@, qr/bogus/, 'an unknown session key croaks');
for my $svc ('smtp', 'submission', 'local', undef) {
	ok(DSNGuard::Session->new({addr => '192.0.2.1', service => $svc}),
		'service ' . ($svc // 'undef'));
}

# Policy, Session, decisions
my $pol = DSNGuard::Policy->preset('recommended');
isa_ok($pol, 'DSNGuard::Policy');
my $s = DSNGuard::Session->new({addr => '203.0.113.66', client_name => undef,
	helo => 'x.example', auth_user => undef, tls => 0, port => 25,
	service => 'smtp', trusted => undef});
my @dkeys = qw(action compliance reason reply rewritten rule);
for my $d ($pol->ehlo($s, "250-mx.example\r\n250 DSN\r\n"),
	$pol->mail($s, 'MAIL FROM:<a@b.example>'),
	$pol->rcpt($s, 'RCPT TO:<a@b.example> NOTIFY=SUCCESS'),
	$pol->rcpt($s, parse_cmd('RCPT TO:<a@b.example> NOTIFY=SUCCESS')),
	$pol->header($s, 'Return-Receipt-To', 'a@b.example'),
	$pol->generate($s, 'delivered')) {
	is(ref $d, 'HASH', 'a decision is a hashref');
	ok(exists $d->{$_}, "decision key $_") for @dkeys;
}
my $pol2 = eval { DSNGuard::Policy->from_string("[rcpt]\n", {name => 'n'}) };
# a policy file with only a section header is valid or refused with a
# ParseError; either way the call exists and takes the name option
ok($pol2 || ref $@, 'from_string with {name => ...}');
ok(DSNGuard::Policy->can('from_file'), 'from_file');

# bounce, batv, format_cmd, from_file, scan_log of a filehandle
{
	open(my $fh, '<', "$data/return-receipt.eml") or die $!;
	local $/;
	my $d = $pol->bounce(<$fh>);
	ok(exists $d->{$_}, "bounce decision key $_") for @dkeys;
}
my $tag = batv_sign('a@example.org', ['k1']);
like($tag, qr/^prvs=[0-9a-f]{10}=a\@example\.org$/, 'batv_sign');
is(batv_verify($tag, ['k1'])->{result}, 'valid', 'batv_verify');
isnt(batv_verify($tag, ['k2'])->{result}, 'valid', 'batv_verify, wrong key');
is(format_cmd({verb => 'RCPT', path => 'a@b.example', notify => ['SUCCESS'],
	orcpt => 'a+b@b.example'}),
	'RCPT TO:<a@b.example> NOTIFY=SUCCESS ORCPT=rfc822;a+2Bb@b.example',
	'format_cmd encodes');
isa_ok(DSNGuard::Policy->from_file("$FindBin::Bin/../data/policy/good.conf"),
	'DSNGuard::Policy');
{
	open(my $lf, '<', "$data/postfix-dsn.log") or die $!;
	my ($e, $s) = scan_log($lf);
	ok(@$e > 0 && ref $s eq 'HASH', 'scan_log of a filehandle');
}

# scan_log: (\@events, \%summary) with the CLI's keys
my ($ev, $sum) = scan_log("$data/postfix-dsn.log");
my ($src, @lines) = cli_json('scan-log', "$data/postfix-dsn.log");
is($src, 0, 'scan-log exit 0');
my $cs = pop @lines;
is(scalar @$ev, scalar @lines, 'as many events as the CLI');
is(keyset($ev->[$_]), keyset($lines[$_]), "event $_ keys") for 0 .. $#lines;
is(keyset($sum), keyset($cs), 'summary keys');

# build_report: bytes, or dies with DSNGuard::PolicyVeto
my $spec = {reporting_mta => 'mx.example.test',
	envelope => {from => 'a@example.org', ret => 'HDRS',
		client => {addr => '203.0.113.66', service => 'smtp'}},
	recipients => [{addr => 'b@example.test', notify => ['SUCCESS'],
		action => 'delivered', status => '2.0.0'}]};
eval { build_report($spec, undef, {now => 1700000000}) };
isa_ok($@, 'DSNGuard::PolicyVeto');
is(ref $@->{decision}, 'HASH', 'PolicyVeto carries the decision')
    if ref $@ eq 'DSNGuard::PolicyVeto';
like(build_report($spec, undef, {now => 1700000000, no_policy => 1}),
	qr/report-type=delivery-status/, 'no_policy builds the report');

# Net::SMTP::DSNGuard
ok(Net::SMTP::DSNGuard->isa('Net::SMTP'), 'subclass of Net::SMTP');
ok(Net::SMTP::DSNGuard->can($_), "Net::SMTP::DSNGuard->$_")
    for qw(dsn_supported smtputf8_supported mail_dsn recipient_dsn probe);
ok(defined &Net::SMTP::DSNGuard::probe, 'the function probe');

# Net::SMTP::DSNGuard on the wire, against tests/cli/fake_smtp.py
my $fake = "$FindBin::Bin/../cli/fake_smtp.py";
my $python = $ENV{DSNG_PYTHON} || 'python3';
sub fake_server {
	my ($mode) = @_;
	my $dir = File::Temp::tempdir(CLEANUP => 1);
	my $pid = fork();
	die "fork: $!" unless defined $pid;
	if (!$pid) {
		exec($python, $fake, $mode, "$dir/port", '--log', "$dir/log");
		exit 127;
	}
	for (1 .. 200) {
		if (open(my $fh, '<', "$dir/port")) {
			my $p = <$fh>;
			return ($pid, $p + 0, "$dir/log") if defined $p && $p =~ /\d/;
		}
		select(undef, undef, undef, 0.05);
	}
	kill 'TERM', $pid;
	waitpid($pid, 0);
	die 'the fake SMTP server did not start';
}
sub log_lines {
	open(my $fh, '<', $_[0]) or return ();
	return map { s/\r?\n\z//r } <$fh>;
}

{
	my ($pid, $port, $log) = fake_server('exposed');
	my $smtp = Net::SMTP::DSNGuard->new('127.0.0.1', Port => $port,
		Hello => 'client.example', Timeout => 5);
	ok($smtp, 'Net::SMTP::DSNGuard->new connects');
	ok($smtp->dsn_supported, 'dsn_supported');
	ok(!$smtp->smtputf8_supported, 'smtputf8_supported: not offered');
	my $n = () = log_lines($log);
	eval { $smtp->recipient_dsn('b@example.test', {notify => ['NEVER',
		'SUCCESS']}) };
	ok($@, 'NOTIFY=NEVER,SUCCESS croaks');
	eval { $smtp->mail_dsn('a@example.org', {ret => 'BOTH'}) };
	ok($@, 'RET=BOTH croaks');
	is(scalar(() = log_lines($log)), $n, 'nothing sent for invalid values');
	ok($smtp->mail_dsn('a@example.org', {ret => 'hdrs', envid => 'id=1 x'}),
		'mail_dsn');
	ok($smtp->recipient_dsn('b+c@example.test', {notify => ['SUCCESS',
		'DELAY'], orcpt => 'b+c@example.test'}), 'recipient_dsn');
	# Net::SMTP's own methods keep working
	ok($smtp->reset, 'reset');
	ok($smtp->mail('a@example.org'), 'Net::SMTP mail');
	ok($smtp->to('plain@example.test'), 'Net::SMTP to');
	$smtp->quit;
	my @sent = log_lines($log);
	ok((grep { /^RCPT TO:<plain\@example\.test>$/i } @sent),
		'Net::SMTP to on the wire');
	my ($m) = grep { /^MAIL/i } @sent;
	my ($r) = grep { /^RCPT/i } @sent;
	my $cm = parse_cmd($m);
	my $cr = parse_cmd($r);
	is($cm->{ret}, 'HDRS', 'RET on the wire');
	is($cm->{envid}, 'id=1 x', 'ENVID xtext-encoded on the wire');
	is_deeply($cr->{notify}, [qw(SUCCESS DELAY)], 'NOTIFY on the wire');
	is($cr->{orcpt}{addr}, 'b+c@example.test', 'ORCPT encoded on the wire');
	like($r, qr/ORCPT=rfc822;b\+2Bc\@example\.test/, 'ORCPT as xtext');

	# probe: the hashref of `dsnguard probe --json`
	my $res = Net::SMTP::DSNGuard::probe('127.0.0.1', 'a@example.org',
		'b@example.test', {port => $port, ehlo => 'probe.example',
		timeout => 5});
	my ($prc, $cli_res) = cli_json('probe', "127.0.0.1:$port", '--from',
		'a@example.org', '--to', 'b@example.test', '--ehlo',
		'probe.example', '--timeout', '5');
	is($prc, 1, 'probe of an exposed server: exit 1');
	is(ref $res, 'HASH', 'probe gives a hashref');
	is(keyset($res), keyset($cli_res), 'probe keys = CLI keys');
	is($res->{verdict}, 'exposed', 'verdict');
	for my $k (qw(host port verdict)) {
		is($res->{$k}, $cli_res->{$k}, "probe $k");
	}
	is_deeply([map { $_->{code} } @{$res}{qw(greeting mail rcpt)}],
		[map { $_->{code} } @{$cli_res}{qw(greeting mail rcpt)}],
		'the replies\' codes');
	is_deeply($res->{ehlo}{capabilities}, $cli_res->{ehlo}{capabilities},
		'capabilities');
	ok(!!$res->{dsn_advertised} && !!$res->{receipt_accepted},
		'booleans true');
	# Perl has no booleans: where the JSON has true/false, the hashref
	# has a true or false scalar
	my $same;
	$same = sub {
		my ($g, $e) = @_;
		return !!$g == !!$e if JSON::PP::is_bool($e);
		return 0 if ref $g ne ref $e;
		if (ref $e eq 'HASH') {
			return 0 if keyset($g) ne keyset($e);
			$same->($g->{$_}, $e->{$_}) || return 0 for keys %$e;
			return 1;
		}
		if (ref $e eq 'ARRAY') {
			return 0 if @$g != @$e;
			$same->($g->[$_], $e->[$_]) || return 0 for 0 .. $#$e;
			return 1;
		}
		return defined $g ? defined $e && $g eq $e : !defined $e;
	};
	ok($same->($res, $cli_res), 'probe hashref = dsnguard probe --json')
	    or diag(explain($res, $cli_res));
	kill 'TERM', $pid;
	waitpid($pid, 0);
}

# perldoc DSNGuard finds the POD
my $doc = `perldoc -T DSNGuard 2>&1`;
like($doc, qr/^NAME\s+DSNGuard/m, 'perldoc DSNGuard');

done_testing();
