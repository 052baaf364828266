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

# perldoc DSNGuard finds the POD
my $doc = `perldoc -T DSNGuard 2>&1`;
like($doc, qr/^NAME\s+DSNGuard/m, 'perldoc DSNGuard');

done_testing();
