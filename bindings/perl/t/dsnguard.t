# Tests of the Perl binding: `use DSNGuard;`.
use strict;
use warnings;
use Test::More;

use DSNGuard;

my $r = DSNGuard::parse_cmd(
	'RCPT TO:<user@example.org> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;user+40example.org');
is($r->{verb}, 'RCPT', 'verb');
is($r->{path}, 'user@example.org', 'path');
is($r->{domain}, 'example.org', 'domain');
is_deeply($r->{notify}, ['SUCCESS', 'DELAY'], 'notify');
is_deeply($r->{orcpt}, {type => 'rfc822', addr => 'user@example.org'}, 'orcpt decoded');
is($r->{params}[1]{keyword}, 'ORCPT', 'params in order');
is($r->{route}, undef, 'no route');

$r = DSNGuard::parse_cmd('MAIL FROM:<> RET=HDRS SIZE=1000');
is($r->{path}, '', 'null path');
is($r->{ret}, 'HDRS', 'ret');
is($r->{size}, 1000, 'size');

eval { DSNGuard::parse_cmd('RCPT TO:<a@b.example> NOTIFY=NEVER,SUCCESS') };
my $e = $@;
isa_ok($e, 'DSNGuard::ParseError');
is($e->{code}, 'bad_notify', 'error code');
is($e->{reply}, 501, 'reply');
is($e->{enhanced}, '5.5.4', 'enhanced');
like("$e", qr/^501 5\.5\.4 /, 'stringifies as the reply');

ok(!eval { DSNGuard::parse_cmd('RCPT TO:<>'); 1 }, 'RCPT TO:<> dies');
is($@->{code}, 'null_path_not_allowed', 'null path code');
is($@->{enhanced}, '5.1.3', 'null path enhanced code');

ok(eval { DSNGuard::parse_cmd('MAIL FROM: <a@b.example>'); 1 }, 'lenient by default');
ok(!eval { DSNGuard::parse_cmd('MAIL FROM: <a@b.example>', 1); 1 }, 'strict refuses');

like(DSNGuard::version(), qr/^\d+\.\d+\.\d+$/, 'version');

# ---- parse_report
use FindBin ();
use lib "$FindBin::Bin/lib";
use ExampleData;

$r = DSNGuard::parse_report(slurp('return-receipt.eml'));
is($r->{kind}, 'dsn', 'report kind');
is($r->{report_type}, 'delivery-status', 'report type');
is_deeply($r->{message}{reporting_mta}, {type => 'dns', name => 'mx.example.net'},
	'reporting_mta');
is($r->{message}{arrival_ts}, 1594808130, 'arrival date as a Unix time');
is(scalar @{$r->{recipients}}, 1, 'one recipient');
is_deeply($r->{recipients}[0]{final_recipient},
	{type => 'rfc822', addr => 'legal_address@example.net'}, 'final recipient');
is($r->{recipients}[0]{action}, 'delivered', 'action');
is($r->{recipients}[0]{status}, '2.1.5', 'status');
is($r->{recipients}[0]{original_recipient}, undef, 'no original recipient');
is($r->{returned}{message_id}, '<202007151015.06FAFTbL012697@mx.example.net>',
	'returned message id');
is($r->{mdn}, undef, 'no mdn');
like($r->{human_text}, qr/successful delivery/, 'human text');
ok(!$r->{truncated}, 'not truncated');
is_deeply($r->{problems}, [], 'no problems');

$r = DSNGuard::parse_report("From: a\@b.example\r\nSubject: hi\r\n\r\nJust mail.\r\n");
is($r->{kind}, 'none', 'plain mail is kind none');
is($r->{message}, undef, 'none: no message fields');
is($r->{returned}, undef, 'none: nothing returned');
is_deeply($r->{recipients}, [], 'none: no recipients');

# returned values are characters, never cut: U+FFFD for an encoded NUL,
# invalid UTF-8 and a raw NUL, and a character split across two words
$r = DSNGuard::parse_report(
	"From: m\@x.example\r\nContent-Type: multipart/report; "
	. "report-type=delivery-status; boundary=B\r\n\r\n"
	. "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
	. "Reporting-MTA: dns; mx\r\n\r\nFinal-Recipient: rfc822; a\@b\r\n"
	. "Action: failed\r\nStatus: 5.1.1\r\n\r\n"
	. "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
	. "Subject: =?utf-8?Q?a=00b=C3?= =?utf-8?Q?=A9=C3?=\r\n"
	. "Message-ID: <1\x00\@x>\r\n\r\n--B--\r\n");
is($r->{returned}{subject}, "a\x{FFFD}b\x{E9}\x{FFFD}", 'returned subject as characters');
ok(utf8::is_utf8($r->{returned}{subject}), 'subject is a character string');
is($r->{returned}{message_id}, "<1\x{FFFD}\@x>", 'raw NUL not cut');
is(scalar(grep { $_->{field} eq 'Subject' } @{$r->{problems}}), 3,
	'the NUL, the split and the cut character noted');

ok(!eval { DSNGuard::parse_report(''); 1 }, 'empty input dies');
is($@->{code}, 'not_mail', 'not mail');

# ---- parse_ehlo: the server's reply to EHLO in session.txt
my ($seen, @lines) = (0);
for (split /\r?\n/, slurp('session.txt')) {
	if (/^>>> (.*)/) { last if $seen; $seen = $1 =~ /^EHLO/i; next }
	push @lines, $1 if $seen && /^<<< (.*)/;
}
$r = DSNGuard::parse_ehlo(join('', map { "$_\r\n" } @lines));
is($r->{code}, 250, 'ehlo code');
is($r->{domain}, 'mx.example.net', 'ehlo domain');
ok($r->{dsn}, 'DSN advertised');
ok(!$r->{smtputf8}, 'SMTPUTF8 not advertised');
is($r->{size}, 0, 'SIZE without a limit');
is_deeply([map { $_->{keyword} } @{$r->{capabilities}}],
	[qw(ENHANCEDSTATUSCODES PIPELINING 8BITMIME SIZE DSN DELIVERBY HELP)],
	'capabilities in order');

# uint64_t values are exact UVs, never a signed -1
use B ();
sub is_uv { my $f = B::svref_2object(\$_[0])->FLAGS; ($f & B::SVf_IVisUV()) ? 1 : 0 }
$r = DSNGuard::parse_ehlo("250-mx\r\n250-SIZE 18446744073709551615\r\n"
	. "250 FUTURERELEASE 18446744073709551615 2026-01-01T00:00:00Z\r\n");
is("$r->{size}", '18446744073709551615', 'EHLO SIZE 2^64-1 exact');
ok(is_uv($r->{size}), 'EHLO SIZE is a UV');
is("$r->{futurerelease_max_interval}", '18446744073709551615',
	'FUTURERELEASE interval exact');
ok(!eval { DSNGuard::parse_ehlo("250-mx\r\n250 SIZE 18446744073709551616\r\n"); 1 },
	'EHLO SIZE over 2^64-1 dies');
like($@->{message}, qr/out of range/, 'EHLO SIZE overflow: out of range');
$r = DSNGuard::parse_cmd('MAIL FROM:<a@b.example> SIZE=18446744073709551615 HOLDFOR=999999999');
is("$r->{size}", '18446744073709551615', 'MAIL SIZE 2^64-1 exact');
ok(is_uv($r->{size}), 'MAIL SIZE is a UV');
is($r->{holdfor}, 999999999, 'HOLDFOR');
$r = DSNGuard::parse_cmd('BDAT 18446744073709551615 LAST');
is("$r->{chunk_size}", '18446744073709551615', 'BDAT size exact');
ok($r->{last}, 'BDAT LAST');
is(DSNGuard::parse_cmd('bdat 0100  last')->{canonical}, 'BDAT 0100  last',
	'BDAT arguments kept as sent');
ok(!eval { DSNGuard::parse_cmd('MAIL FROM:<> SIZE=18446744073709551616'); 1 },
	'SIZE over 2^64-1 dies');
like($@->{message}, qr/larger than 2\^64-1/, 'SIZE overflow message');

$r = DSNGuard::parse_ehlo("250-mx.example\r\n250 AUTH PLAIN LOGIN\r\n");
ok(!$r->{dsn}, 'no DSN');
is_deeply($r->{auth_mechanisms}, ['PLAIN', 'LOGIN'], 'auth mechanisms');

ok(!eval { DSNGuard::parse_ehlo("550 go away\r\n"); 1 }, 'refused EHLO dies');
is($@->{code}, 'bad_ehlo', 'bad_ehlo');
is($@->{reply}, 550, 'the server code');

# ---- xtext, as Net::SMTP users need for ORcpt
is(DSNGuard::xtext_encode('user+tag=x@example.org'), 'user+2Btag+3Dx@example.org',
	'xtext encode');
is(DSNGuard::xtext_encode('a b'), 'a+20b', 'space encoded');
for my $s ('user+tag@example.org', 'a=b c', 'plain', '+=+') {
	is(DSNGuard::xtext_decode(DSNGuard::xtext_encode($s)), $s, "round trip '$s'");
}
is(DSNGuard::xtext_decode('a+2bb', 1), 'a+b', 'lenient lower-case hex');
ok(!eval { DSNGuard::xtext_decode('a+2bb'); 1 }, 'lower-case hex refused by default');
is($@->{offset}, 1, 'lower-case hex offset');
ok(!eval { DSNGuard::xtext_decode('ab+Z1'); 1 }, 'bad xtext dies');
$e = $@;
isa_ok($e, 'DSNGuard::ParseError');
is($e->code, 'bad_xtext', 'bad_xtext code');
is($e->offset, 2, 'bad_xtext offset');
like("$e", qr/^501 5\.5\.4 .*\(bad_xtext at offset 2\)$/, 'bad_xtext message');

done_testing();
