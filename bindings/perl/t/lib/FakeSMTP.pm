package FakeSMTP;

# The scripted fake SMTP server of tests/cli/fake_smtp.py, started on
# 127.0.0.1 for a test and stopped by its PID when the object goes (also
# when the test dies).  ->port, ->lines (what it received, CRLF split).

use strict;
use warnings;

use File::Spec ();
use POSIX ();
use File::Temp ();
use FindBin ();
use Time::HiRes ();

our $FAKE = File::Spec->catfile($FindBin::Bin, File::Spec->updir,
	File::Spec->updir, File::Spec->updir, 'tests', 'cli', 'fake_smtp.py');

# The python3 that runs the server, or undef (the test then skips).
sub python {
	for (split /:/, $ENV{PATH} || '') {
		my $p = "$_/python3";
		return $p if -x $p;
	}
	return undef;
}

sub new {
	my ($class, $mode, @args) = @_;
	my $dir = File::Temp->newdir;
	my $pf = "$dir/port";
	my $raw = "$dir/raw";
	open(my $fh, '>', $raw) or die "$raw: $!";
	close $fh;
	my $pid = fork;
	die "fork: $!" unless defined $pid;
	if (!$pid) {
		{ exec(python(), $FAKE, $mode, $pf, '--raw', $raw, @args) }
		POSIX::_exit(127);
	}
	my $self = bless {pid => $pid, dir => $dir, raw => $raw}, $class;
	for (1 .. 100) {
		last if -s $pf || waitpid($pid, 1) == $pid;
		Time::HiRes::sleep(0.05);
	}
	die "fake server '$mode' did not start\n" unless -s $pf;
	open($fh, '<', $pf) or die "$pf: $!";
	chomp($self->{port} = <$fh>);
	close $fh;
	return $self;
}

sub port { $_[0]{port} }

sub raw {
	open(my $fh, '<:raw', $_[0]{raw}) or die "$_[0]{raw}: $!";
	local $/;
	my $d = <$fh>;
	return defined $d ? $d : '';
}

sub lines { my @l = split /\r\n/, $_[0]->raw; return \@l }

sub stop {
	my $self = shift;
	return unless $self->{pid};
	kill 'KILL', $self->{pid};
	waitpid($self->{pid}, 0);
	delete $self->{pid};
}

sub DESTROY { $_[0]->stop }

1;
