# The Perl binding: parse_cmd results as hashes, DSNGuard::ParseError.
use strict;
use warnings;
use Test::More;
use DSNGuard;

my $c = DSNGuard::parse_cmd(
    'RCPT TO:<user@example.org> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;user+40example.org', 0);
is($c->{verb}, 'RCPT', 'verb');
is($c->{path}, 'user@example.org', 'path');
is($c->{domain}, 'example.org', 'domain');
is_deeply($c->{notify}, ['SUCCESS', 'DELAY'], 'notify list');
is_deeply($c->{orcpt}, { type => 'rfc822', addr => 'user@example.org' }, 'orcpt decoded');
is($c->{params}[1]{keyword}, 'ORCPT', 'params in order');
ok(!defined $c->{route}, 'no route');

my $m = DSNGuard::parse_cmd('MAIL FROM:<> RET=HDRS SIZE=42', 0);
is($m->{path}, '', 'null path');
is($m->{size}, 42, 'size');
is($m->{ret}, 'HDRS', 'ret');

my $ok = eval { DSNGuard::parse_cmd('RCPT TO:<>', 0); 1 };
ok(!$ok, 'RCPT TO:<> dies');
isa_ok($@, 'DSNGuard::ParseError');
is($@->{code}, 'null_path_not_allowed', 'error code');
is($@->{reply}, 501, 'reply code');
is($@->{enhanced}, '5.1.3', 'enhanced code');
like("$@", qr/null_path_not_allowed at offset \d+/, 'stringifies');

$ok = eval { DSNGuard::parse_cmd('MAIL FROM: <a@b.example>', 1); 1 };
ok(!$ok, 'strict mode refuses a space after the colon');
is($@->{reply}, 501, 'strict reply');

like(DSNGuard::version(), qr/^\d+\.\d+\.\d+$/, 'version');
done_testing();
