# parse_cmd's hash built on first access (perl/lazy.c) against the eager
# build of the options path (parse_cmd($line, {}), the same builder at
# once): every key, exists and undef alike, whatever the first access is;
# after it the hash is an ordinary one.  Also: results outliving their
# input, modified, copied (Storable, JSON::PP), walked with each, untied,
# and an element reference that outlives the hash.
use strict;
use warnings;
use Config;
use Data::Dumper;
use File::Basename qw(dirname);
use File::Spec;
use JSON::PP;
use Storable qw(dclone freeze thaw);
use Test::More;

use DSNGuard;

my $gen = File::Spec->catfile(dirname(File::Spec->rel2abs(__FILE__)),
	qw(.. .. .. tests bench gen_smtp_stream.py));
my $python = -x '/usr/bin/python3' ? '/usr/bin/python3' : 'python3';
open(my $fh, '-|', $python, $gen, '--lines', 3000, '--seed', 11)
	or die "gen_smtp_stream.py: $!";
binmode $fh;
my @lines = map { s/\r\n\z//r } <$fh>;
close $fh or die 'gen_smtp_stream.py failed';

# Every parameter form and verb, and malformed lines, besides the stream.
my @hand = (
	'MAIL FROM:<a@b.example> RET=HDRS ENVID=QQ+2B314159 SIZE=12345 BODY=8BITMIME',
	'MAIL FROM:<a@b.example> RET=FULL BODY=BINARYMIME SMTPUTF8',
	'MAIL FROM:<> SIZE=18446744073709551615',
	'MAIL FROM:<@r1.example,@r2.example:a@b.example> AUTH=<> HOLDFOR=60',
	'mail from:<"quoted local"@b.example> x-unknown xyz=1 BODY=7bit',
	"MAIL FROM:<\x{fc}ser\@b.example> SMTPUTF8",
	"MAIL FROM:<\xc3\xbcser\@b.example> SMTPUTF8",
	'RCPT TO:<a@b.example> NOTIFY=SUCCESS,FAILURE,DELAY ORCPT=rfc822;a+40b.example',
	'RCPT TO:<a@b.example> NOTIFY=NEVER ORCPT=utf-8;\x{7528}\x{6237}@b.example',
	"RCPT TO:<a\@b.example> ORCPT=UTF-8;\x{7528}\x{6237}\@b.example",
	'RCPT TO:<Postmaster>',
	'RCPT TO:<a@[192.0.2.1]> NOTIFY=delay',
	'RCPT TO:<a@[IPv6:2001:db8::1]>',
	'EHLO mx.example.org', 'HELO [192.0.2.1]', 'LHLO lmtp.example',
	'DATA', 'QUIT', 'RSET', 'NOOP hello', 'VRFY postmaster', 'STARTTLS',
	'AUTH PLAIN AGFiYwB4eXo=', 'BDAT 1000 LAST', 'BDAT 42',
	# refused
	'', 'FOO bar', 'MAIL TO:<a@b.example>', 'RCPT TO:<>',
	'RCPT TO:<a@b.example> NOTIFY=NEVER,DELAY', 'MAIL FROM:<a@b.example> RET=X',
	'MAIL FROM:<a@b.example> ENVID=' . ('x' x 101), "MAIL FROM:<a\0b\@c>",
	'RCPT TO:<a@b.example> RET=HDRS', 'MAIL FROM:<a@b.example> SIZE=1 SIZE=2',
	'RCPT TO:<a@b.example> ORCPT=rfc822;a+zz', 'MAIL FROM:<a@b.example> =x',
	'MAIL FROM:<a@b.example> SMTPUTF8=yes', 'RCPT TO:<a@b.example' . ('b' x 3000) . '>',
);

my $json = JSON::PP->new->canonical->allow_nonref;
sub enc { $json->encode($_[0]) }

# Key by key: the same keys, exists, definedness and values.
sub same_as {
	my ($got, $want) = @_;
	return 'not a plain HASH ref' unless ref $got eq 'HASH';
	for my $k (sort keys %$want) {
		return "no $k" unless exists $got->{$k};
		return "$k: defined differs"
			if defined $got->{$k} != defined $want->{$k};
		return "$k differs" if enc($got->{$k}) ne enc($want->{$k});
	}
	my @extra = grep { !exists $want->{$_} } keys %$got;
	return "extra keys @extra" if @extra;
	return '';
}

# The first look at a result, each in turn; each gives what it saw.
my @first = (
	fetch => sub { $_[0]{verb} },
	fetch_missing => sub { defined $_[0]{nope} ? 'x' : 'undef' },
	exists => sub { exists $_[0]{path} ? 1 : 0 },
	exists_missing => sub { exists $_[0]{nope} ? 1 : 0 },
	keys => sub { join ',', sort keys %{ $_[0] } },
	keys_scalar => sub { scalar keys %{ $_[0] } },
	values => sub { join '|', sort map { enc($_) } values %{ $_[0] } },
	each => sub { my %c; while (my ($k, $v) = each %{ $_[0] }) { $c{$k} = $v } enc(\%c) },
	scalar => sub { scalar %{ $_[0] } },
	bool => sub { %{ $_[0] } ? 1 : 0 },
	list => sub { my %c = %{ $_[0] }; enc(\%c) },
	dumper => sub { local $Data::Dumper::Sortkeys = 1; Dumper($_[0]) },
	json => sub { $json->encode($_[0]) },
	slice => sub { my @v = @{ $_[0] }{qw(verb path)}; join '|', map { $_ // 'u' } @v },
	delete_missing => sub { delete $_[0]{nope}; 'deleted' },
	deref_nested => sub { ref $_[0]{params} },
);

my ($n, $refused, @bad) = (0, 0);
for my $line (@lines, @hand) {
	my $want = eval { DSNGuard::parse_cmd($line, {}) };
	my $ewant = $@;
	my $got = eval { DSNGuard::parse_cmd($line) };
	my $egot = $@;
	my ($how, $look) = @first[2 * ($n % (@first / 2)), 2 * ($n % (@first / 2)) + 1];
	$n++;
	if ($ewant) {
		$refused++;
		push @bad, "$line: refused eagerly, not lazily" unless $egot;
		push @bad, "$line: another error"
			unless ref $egot eq 'DSNGuard::ParseError'
			&& $egot->{code} eq $ewant->{code}
			&& $egot->{offset} == $ewant->{offset}
			&& $egot->{reply} == $ewant->{reply}
			&& $egot->{message} eq $ewant->{message};
		next;
	}
	if ($egot) {
		push @bad, "$line: refused lazily: $egot";
		next;
	}
	my $seen = $look->($got);
	my $seen_eager = $look->($want);
	push @bad, "$line: first access $how saw '$seen', eager '$seen_eager'"
		unless $seen eq $seen_eager;
	my $why = same_as($got, $want);
	push @bad, "$line: after $how: $why" if $why;
	push @bad, "$line: still tied after $how" if tied %$got;
}
is_deeply(\@bad, [], 'every line: the lazy result is the eager one, any first access');
cmp_ok($refused, '>', 100, 'the malformed lines are refused');
ok(ref(DSNGuard::parse_cmd('DATA')) eq 'HASH', 'ref is HASH before any access');

# A result outlives its input, which may change underneath.
{
	my $line = 'RCPT TO:<keep@b.example> NOTIFY=SUCCESS';
	my $r = DSNGuard::parse_cmd($line);
	substr($line, 9, 4) = 'XXXX';
	$line = 'RCPT TO:<other@b.example>';
	undef $line;
	is($r->{path}, 'keep@b.example', 'the input changed and freed: the result keeps its copy');
	is_deeply($r->{notify}, ['SUCCESS'], 'and its other fields');
	my $buf = 'EHLO one.example';
	my $r2 = DSNGuard::parse_cmd(substr($buf, 0));
	$buf =~ tr/a-z/A-Z/;
	is($r2->{domain}, 'one.example', 'a copy of a substring');
}

# Modification as the first access, and after it.
{
	my $line = 'RCPT TO:<a@b.example> NOTIFY=SUCCESS,DELAY';
	my $eager = DSNGuard::parse_cmd($line, {});
	my $r = DSNGuard::parse_cmd($line);
	$r->{verb} = 'X';
	is($r->{verb}, 'X', 'a store as the first access is kept');
	ok(!tied %$r, 'and the tie is gone');
	$r->{verb} = $eager->{verb};
	is(same_as($r, $eager), '', 'the other keys are there');
	push @{ $r->{notify} }, 'FAILURE';
	is_deeply($r->{notify}, [qw(SUCCESS DELAY FAILURE)], 'a nested list can grow');

	my $d = DSNGuard::parse_cmd($line);
	is(delete $d->{path}, 'a@b.example', 'delete as the first access gives the value');
	ok(!exists $d->{path}, 'and removes the key');
	is(scalar keys %$d, scalar(keys %$eager) - 1, 'the rest stays');

	my $c = DSNGuard::parse_cmd($line);
	%$c = ();
	is(scalar keys %$c, 0, 'clear as the first access empties it');
	ok(!tied %$c, 'untied');
	%$c = (a => 1);
	is_deeply($c, {a => 1}, 'a list assigned as the first access replaces it');
	my $c2 = DSNGuard::parse_cmd($line);
	%$c2 = (a => 1, b => 2);
	is_deeply($c2, {a => 1, b => 2}, 'a list assigned replaces it');

	my $l = DSNGuard::parse_cmd($line);
	{ local $l->{verb} = 'L'; is($l->{verb}, 'L', 'local as the first access'); }
	is($l->{verb}, 'RCPT', 'restored after local');
}

# Copies: Storable and JSON::PP give the eager result.
{
	my $line = 'RCPT TO:<a@b.example> NOTIFY=SUCCESS ORCPT=rfc822;a+40b.example';
	my $eager = DSNGuard::parse_cmd($line, {});
	my $r = DSNGuard::parse_cmd($line);
	my $clone = dclone($r);
	is(same_as($clone, $eager), '', 'dclone of an untouched result');
	is(same_as($r, $eager), '', 'the original after its dclone');
	is(same_as(dclone($r), $eager), '', 'dclone of a used result');
	ok(!tied %{ dclone($r) }, 'which is a plain hash');
	my $t = thaw(freeze(DSNGuard::parse_cmd($line)));
	$t->{verb} = 'Z';
	is($t->{verb}, 'Z', 'a thawed copy takes a store');
	is(delete $t->{path}, 'a@b.example', 'and a delete');
	is(join(',', sort keys %$t), join(',', sort grep { $_ ne 'path' } keys %$eager),
		'and walks what is left');
	is($json->encode(DSNGuard::parse_cmd($line)), $json->encode($eager),
		'JSON::PP encodes the same text');
	is_deeply(DSNGuard::parse_cmd($line), $eager, 'is_deeply sees the same');
}

# each interrupted by other accesses: every key once.
{
	my $line = 'MAIL FROM:<a@b.example> RET=HDRS SIZE=10';
	my $eager = DSNGuard::parse_cmd($line, {});
	my $r = DSNGuard::parse_cmd($line);
	my %seen;
	while (my ($k, $v) = each %$r) {
		$seen{$k}++;
		my $x = $r->{verb};      # a fetch mid-walk
		my $y = exists $r->{nope};
		is(enc($v), enc($eager->{$k}), "each gives ${k}'s value") if $k eq 'size';
	}
	is_deeply([sort keys %seen], [sort keys %$eager], 'each: every key');
	ok(!grep({ $_ != 1 } values %seen), 'each: every key once');
	ok(!tied %$r, 'the tie goes when the walk ends');
	my $p = DSNGuard::parse_cmd($line);
	my ($k1) = each %$p;
	ok(defined $k1, 'a walk left unfinished');
	keys %$p;    # resets it
	is(same_as($p, $eager), '', 'the keys after a reset walk');
}

# untie, tied() and element references taken before the first access.
{
	my $line = 'RCPT TO:<a@b.example> NOTIFY=DELAY';
	my $eager = DSNGuard::parse_cmd($line, {});
	my $u = DSNGuard::parse_cmd($line);
	{ no warnings; untie %$u; }
	is(same_as($u, $eager), '', 'untie keeps the keys');

	my $r = DSNGuard::parse_cmd($line);
	my $ref = \$r->{verb};
	$$ref = 'W';
	is($r->{verb}, 'W', 'a store through an element reference');
	undef $r;
	is($$ref, 'W', 'the reference outlives the hash');

	my $r2 = DSNGuard::parse_cmd($line);
	my $ref2 = \$r2->{path};
	undef $r2;
	is($$ref2, 'a@b.example', 'a reference taken before any access, hash gone');

	my $r3 = DSNGuard::parse_cmd($line);
	my $obj = tied %$r3;
	undef $r3;
	is($obj->FETCH('verb'), 'RCPT', 'the tie object answers after its hash went');

	my $r4 = DSNGuard::parse_cmd($line);
	my $obj4 = tied %$r4;
	$r4->{path} = 'changed';
	ok(!tied %$r4, 'a key stored with the tie object held out: untied');
	is($obj4->FETCH('path'), 'changed', 'the tie object held out sees the hash');
	undef $r4;
	is($obj4->FETCH('verb'), 'RCPT', 'and keeps it after the last reference');
}

# The tie's methods called by hand, wrongly: each says its own usage for a
# wrong count of arguments, and any object not made by parse_cmd is
# refused before anything is read (one XSUB serves them all, perl/lazy.c).
{
	my %usage = (FETCH => 'obj, key', STORE => 'obj, key, value',
		EXISTS => 'obj, key', DELETE => 'obj, key', CLEAR => 'obj',
		SCALAR => 'obj', FIRSTKEY => 'obj', NEXTKEY => 'obj, lastkey');
	my $obj = tied %{ DSNGuard::parse_cmd('RCPT TO:<a@b.example>') };
	my @bad = ('x', \1, [], bless({}, 'DSNGuard::_LazyCmd'),
		bless(\(my $n = 1), 'DSNGuard::_LazyCmd'));
	for my $m (sort keys %usage) {
		my $argc = 1 + ($usage{$m} =~ tr/,//);
		my $sub = DSNGuard::_LazyCmd->can($m);
		for my $n (0, $argc - 1, $argc + 1) {
			next if $n == $argc;
			my @args = ($obj, ('verb', 1, 2))[0 .. $n - 1];
			ok(!eval { $sub->(@args); 1 }, "$m with $n arguments dies");
			like($@, qr/^Usage: DSNGuard::_LazyCmd::\Q$m($usage{$m})\E at /,
				"and says its usage");
		}
		my @rest = ('verb', 1)[0 .. $argc - 2];
		for my $b (@bad) {
			ok(!eval { $sub->($b, @rest); 1 }, "$m on $b dies");
			like($@, qr/^DSNGuard: not a parse_cmd result at /, 'as not a result');
		}
	}
	ok(!eval { DSNGuard::_LazyCmd::UNTIE(); 1 }, 'UNTIE with no arguments dies');
	like($@, qr/^Usage: DSNGuard::_LazyCmd::UNTIE\(obj, \.\.\.\) at /, 'and says its usage');
	ok(!eval { DSNGuard::_LazyCmd::UNTIE('x', 0); 1 }, 'UNTIE on a string dies');
	like($@, qr/^DSNGuard: not a parse_cmd result at /, 'as not a result');
	is($obj->FETCH('verb'), 'RCPT', 'the object still answers after all that');
}

# The library's own readers of a result (format_cmd, a policy decision)
# take a fresh one as they take the eager one.
{
	my $line = 'RCPT TO:<a@b.example> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;a+40b.example';
	is(DSNGuard::format_cmd(DSNGuard::parse_cmd($line)),
		DSNGuard::format_cmd(DSNGuard::parse_cmd($line, {})), 'format_cmd');
	is(DSNGuard::format_cmd(DSNGuard::parse_cmd($line), {notify => ['FAILURE']}),
		'RCPT TO:<a@b.example> NOTIFY=FAILURE ORCPT=rfc822;a+40b.example',
		'format_cmd with a change');
	my $pol = DSNGuard::Policy->preset('recommended');
	my @d = map {
		my $s = DSNGuard::Session->new({addr => '203.0.113.9', port => 25});
		$json->encode({ %{ $pol->rcpt($s, $_) } });
	} DSNGuard::parse_cmd($line), DSNGuard::parse_cmd($line, {});
	is($d[0], $d[1], 'Policy->rcpt');
}

# Random sequences of operations, the same on a lazy and an eager result:
# the same answers at every step and the same hash at the end.
{
	srand($ENV{DSNG_LAZY_SEED} // 20261202);    # another seed: DSNG_LAZY_SEED=N
	my @keys = qw(verb path local domain params notify orcpt ret envid size
		body smtputf8 holdfor canonical route arg nope);
	my @ops = (
		sub { my ($h, $k) = @_; enc($h->{$k}) },
		sub { my ($h, $k) = @_; exists $h->{$k} ? 1 : 0 },
		sub { my ($h, $k) = @_; enc(delete $h->{$k}) },
		sub { my ($h, $k, $v) = @_; $h->{$k} = $v; 'stored' },
		sub { my ($h) = @_; join ',', sort keys %$h },
		sub { my ($h) = @_; scalar %$h },
		sub { my ($h) = @_; my ($k) = each %$h; keys %$h; defined $k ? 1 : 0 },
		sub { my ($h) = @_; enc([sort map { enc($_) } values %$h]) },
		sub { my ($h, $k) = @_; push @{ $h->{params} }, {keyword => $k}
			if ref $h->{params} eq 'ARRAY'; 'pushed' },
		sub { my ($h, $k) = @_; my $x = \$h->{$k}; $$x = "via ref $k"; 'ref' },
		sub { my ($h) = @_; enc(dclone($h)) },
		sub { my ($h, $k, $v) = @_; %$h = () if $v < 100; 'maybe cleared' },
	);
	my @sample = grep { defined eval { DSNGuard::parse_cmd($_) } } @lines[0 .. 299];
	my $diff = 0;
	for my $line (@sample, grep { defined eval { DSNGuard::parse_cmd($_) } } @hand) {
		my $lazy = DSNGuard::parse_cmd($line);
		my $eager = DSNGuard::parse_cmd($line, {});
		for (1 .. 1 + int(rand(6))) {
			my ($op, $k, $v) = (int(rand(@ops)), $keys[rand @keys], int(rand(1000)));
			# Storable keeps no unsigned number above IV_MAX: the eager
			# hash's copy has SIZE=18446744073709551615 as a string, the
			# copy of an unused lazy one parses the line (a number)
			next if $op == 10 && $line =~ /=\d{19,}/;
			my $a = $ops[$op]->($lazy, $k, $v);
			my $b = $ops[$op]->($eager, $k, $v);
			$diff++, diag("$line: op $op on $k: '$a' vs '$b'") if $a ne $b;
		}
		my $why = same_as($lazy, $eager);
		$diff++, diag("$line: at the end: $why") if $why;
	}
	is($diff, 0, 'random operation sequences: lazy and eager agree at every step');
}

# ithreads copy a result, used or not.
SKIP: {
	skip 'perl without ithreads', 2 unless $Config{useithreads};
	require threads;
	my $line = 'RCPT TO:<t@b.example> NOTIFY=SUCCESS';
	my $eager = DSNGuard::parse_cmd($line, {});
	my $fresh = DSNGuard::parse_cmd($line);
	my $used = DSNGuard::parse_cmd($line);
	my $x = $used->{verb};
	my $inner = threads->create(sub {
		my $in = DSNGuard::parse_cmd($line);
		return join ';', same_as($fresh, $eager), same_as($used, $eager),
			same_as($in, $eager);
	})->join;
	is($inner, ';;', 'a thread sees the eager result in copies and its own');
	is(same_as($fresh, $eager), '', 'and the parent its own');
}

done_testing();
