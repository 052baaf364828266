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

done_testing();
