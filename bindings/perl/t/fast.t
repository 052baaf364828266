# The hand-written XS parse_cmd (perl/fast.c) against the Perl code it
# hands other calls to: same results, same croaks; and the key cache of
# perl/builder.c under threads.
use strict;
use warnings;
use Config;
use File::Basename qw(dirname);
use File::Spec;
use Test::More;

use DSNGuard;

my $gen = File::Spec->catfile(dirname(File::Spec->rel2abs(__FILE__)),
	qw(.. .. .. tests bench gen_smtp_stream.py));
my $python = -x '/usr/bin/python3' ? '/usr/bin/python3' : 'python3';
open(my $fh, '-|', $python, $gen, '--lines', 2000, '--seed', 7)
	or die "gen_smtp_stream.py: $!";
my @lines = map { s/\r\n\z//r } <$fh>;
close $fh or die 'gen_smtp_stream.py failed';
is(scalar @lines, 2000, 'the generated stream');

# The XS path (one argument) and the options path ({} trailing) agree on
# every line, for results and for errors.
my ($same, $refused) = (0, 0);
for my $line (@lines) {
	my $fast = eval { DSNGuard::parse_cmd($line) };
	my $efast = $@;
	my $slow = eval { DSNGuard::parse_cmd($line, {}) };
	my $eslow = $@;
	if ($efast) {
		$refused++;
		$same++ if ref $efast && ref $eslow && $efast->{code} eq $eslow->{code}
			&& $efast->{offset} == $eslow->{offset};
	} else {
		$same++ if is_deeply_quiet($fast, $slow)
			&& $fast->{canonical} eq $slow->{canonical};
	}
}
is($same, scalar @lines, 'XS and options paths agree on every line');
cmp_ok($refused, '>', 50, 'the malformed lines are refused');

sub is_deeply_quiet {
	my ($a, $b) = @_;
	require JSON::PP;
	my $j = JSON::PP->new->canonical->allow_nonref;
	return $j->encode($a) eq $j->encode($b);
}

# What the XS sub hands on keeps its checks and messages.
ok(!eval { DSNGuard::parse_cmd(undef); 1 }, 'undef croaks');
like($@, qr/a command line is required/, 'undef: the message');
ok(!eval { DSNGuard::parse_cmd([]); 1 }, 'a reference croaks');
like($@, qr/got a reference/, 'reference: the message');
ok(!eval { DSNGuard::parse_cmd('DATA', { nope => 1 }); 1 }, 'unknown option');
like($@, qr/unknown option 'nope'/, 'unknown option: the message');
ok(!eval { DSNGuard::parse_cmd('MAIL FROM: <a@b.example>', 1); 1 },
	'strict positionally');
is(ref $@, 'DSNGuard::ParseError', 'strict: a ParseError');
ok(!eval { DSNGuard::parse_cmd(); 1 }, 'no argument croaks');
is(DSNGuard::parse_cmd('MAIL FROM: <a@b.example>')->{path}, 'a@b.example',
	'lenient by default');

# Errors from the XS path are the blessed ParseError.
ok(!eval { DSNGuard::parse_cmd('RCPT TO:<a@b.example> NOTIFY=NEVER,DELAY'); 1 },
	'bad NOTIFY dies');
isa_ok($@, 'DSNGuard::ParseError');
is($@->{code}, 'bad_notify', 'its code');
is($@->{reply}, 501, 'its reply');

# A string-overloaded object is a line, as before.
{
	package Line;
	use overload '""' => sub { 'RCPT TO:<o@b.example>' }, fallback => 1;
}
is(DSNGuard::parse_cmd(bless {}, 'Line')->{path}, 'o@b.example',
	'an object that stringifies');

# The UTF-8 flag is on for every string, ASCII too.
my $r = DSNGuard::parse_cmd('RCPT TO:<a@b.example> NOTIFY=SUCCESS');
ok(utf8::is_utf8($r->{path}) && utf8::is_utf8($r->{notify}[0]),
	'strings are character strings');

# EHLO keys are built in a reused buffer: the key cache tells them apart.
my $e = DSNGuard::parse_ehlo("250-mx.example\r\n250-DSN\r\n250 SMTPUTF8\r\n");
ok($e->{dsn} && $e->{smtputf8} && !$e->{pipelining}, 'EHLO keys');

SKIP: {
	skip 'perl without ithreads', 1 unless $Config{useithreads};
	require threads;
	# every thread fills and reads the shared key cache at once
	my @t = map {
		threads->create(sub {
			my $n = 0;
			for my $line (@lines) {
				my $x = eval { DSNGuard::parse_cmd($line) } or next;
				$n++ if exists $x->{canonical} && exists $x->{verb};
			}
			my $e = DSNGuard::parse_ehlo("250-a\r\n250 DSN\r\n");
			return $e->{dsn} ? $n : -1;
		})
	} 1 .. 4;
	my @n = map { $_->join } @t;
	my $want = scalar(@lines) - $refused;
	is_deeply(\@n, [($want) x 4], 'four threads at once get whole results');
}

done_testing;
