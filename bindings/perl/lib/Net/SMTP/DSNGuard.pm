package Net::SMTP::DSNGuard;

# A companion to Net::SMTP: the same object, plus DSN (RFC 3461)
# parameters built and checked by libdsnguard, and the receipt-exposure
# probe.  Net::SMTP's own mail() sends ORcpt as given and encodes
# Envelope per character ("cost\x{20AC}5" becomes cost+20AC5, valid xtext
# for another id); here every value goes through the library's encoders
# and its parser before it is written.

use strict;
use warnings;

use parent 'Net::SMTP';

use Carp ();
use DSNGuard ();
use Errno ();
use IO::Select ();
use Socket ();
use Sys::Hostname ();
use Time::HiRes ();

our $VERSION = DSNGuard::version();

# ---- the DSN parameters ----

sub _opts {
	my ($fn, $o, @names) = @_;
	$o = {} unless defined $o;
	Carp::croak("Net::SMTP::DSNGuard::$fn: options must be a hashref")
		unless ref $o eq 'HASH';
	my %ok = map { $_ => 1 } @names;
	for (sort keys %$o) {
		Carp::croak("Net::SMTP::DSNGuard::$fn: unknown option '$_'")
			unless $ok{$_};
	}
	return $o;
}

# Octets for the wire: a character string as UTF-8, a byte string as is.
sub _octets {
	my $s = shift;
	utf8::encode($s) if utf8::is_utf8($s);
	return $s;
}

sub _text_opt {
	my ($fn, $o, $k) = @_;
	my $v = $o->{$k};
	return (defined $v ? $v : '', defined $v ? 1 : 0) unless ref $v;
	Carp::croak("Net::SMTP::DSNGuard::$fn: $k must be a string");
}

sub dsn_params {
	my ($o) = @_;
	$o = _opts('dsn_params', $o, qw(ret envid notify orcpt smtputf8));
	my $n = $o->{notify};
	if (ref $n eq 'ARRAY') {
		for (@$n) {
			Carp::croak('Net::SMTP::DSNGuard::dsn_params: notify keywords '
				. 'must be strings without commas')
				if !defined $_ || ref $_ || /,/;
		}
		$n = join(',', @$n);
	} elsif (ref $n) {
		Carp::croak('Net::SMTP::DSNGuard::dsn_params: notify must be '
			. 'an arrayref or a string');
	}
	Carp::croak('Net::SMTP::DSNGuard::dsn_params: ret must be a string')
		if ref $o->{ret};
	my $p = DSNGuard::_dsn_params($o->{ret},
		_text_opt('dsn_params', $o, 'envid'), $n,
		_text_opt('dsn_params', $o, 'orcpt'), $o->{smtputf8} ? 1 : 0);
	return ($p->{mail}, $p->{rcpt});
}

sub dsn_supported { defined $_[0]->supports('DSN') ? 1 : 0 }

sub smtputf8_supported { defined $_[0]->supports('SMTPUTF8') ? 1 : 0 }

# Send one MAIL or RCPT line, checked whole by the library's parser
# first: an address cannot smuggle a parameter or a line end.
sub _send_checked {
	my ($self, $fn, $verb, $addr, $params, $utf8) = @_;
	Carp::croak("Net::SMTP::DSNGuard::$fn: an address is required")
		unless defined $addr && !ref $addr;
	$addr = "<$addr>" unless $addr =~ /\A</;
	my $line = join(' ', _octets("$verb:$addr"), map { _octets($_) } @$params);
	DSNGuard::parse_cmd($line, {strict => 1, utf8 => $utf8 ? 1 : 0});
	my ($cmd, @args) = split / /, $line;
	return $self->command($cmd, @args)->response() == Net::Cmd::CMD_OK();
}

sub mail_dsn {
	my ($self, $from, $o) = @_;
	$o = _opts('mail_dsn', $o, qw(ret envid smtputf8));
	my ($mail) = dsn_params({map { $_ => $o->{$_} } keys %$o});
	Carp::croak('Net::SMTP::DSNGuard::mail_dsn: the server does not '
		. 'advertise DSN') if (defined $o->{ret} || defined $o->{envid})
		&& !$self->dsn_supported;
	Carp::croak('Net::SMTP::DSNGuard::mail_dsn: the server does not '
		. 'advertise SMTPUTF8')
		if $o->{smtputf8} && !$self->smtputf8_supported;
	${*$self}{'net_smtp_dsnguard_utf8'} = $o->{smtputf8} ? 1 : 0;
	return $self->_send_checked('mail_dsn', 'MAIL FROM', $from, $mail,
		$o->{smtputf8});
}

# A transaction begun by Net::SMTP's own mail (or ended by reset) is not
# an SMTPUTF8 one: recipient_dsn must not write raw UTF-8 into it.
sub mail {
	my $self = shift;
	${*$self}{'net_smtp_dsnguard_utf8'} = 0;
	return $self->SUPER::mail(@_);
}

sub reset {
	my $self = shift;
	${*$self}{'net_smtp_dsnguard_utf8'} = 0;
	return $self->SUPER::reset(@_);
}

sub recipient_dsn {
	my ($self, $to, $o) = @_;
	$o = _opts('recipient_dsn', $o, qw(notify orcpt));
	my $utf8 = ${*$self}{'net_smtp_dsnguard_utf8'};
	my (undef, $rcpt) = dsn_params({%$o, smtputf8 => $utf8});
	Carp::croak('Net::SMTP::DSNGuard::recipient_dsn: the server does not '
		. 'advertise DSN') if @$rcpt && !$self->dsn_supported;
	return $self->_send_checked('recipient_dsn', 'RCPT TO', $to, $rcpt,
		$utf8);
}

# ---- the probe: the library decides, this code owns the socket ----

sub _default_ehlo {
	my $n = eval { Sys::Hostname::hostname() };
	return 'localhost' if !defined $n || $n eq '' || $n =~ /[^\x21-\x7e]/;
	return $n;
}

sub _is_ip {
	my $h = shift;
	return defined(Socket::inet_pton(Socket::AF_INET(), $h))
		|| defined(Socket::inet_pton(Socket::AF_INET6(), $h));
}

sub _strerror { local $! = shift; return "$!" }

# The connection and the deadline of the step in progress.
sub _arm { $_[0]{deadline} = Time::HiRes::time() + $_[0]{ms} / 1000 }
sub _left { $_[0]{deadline} - Time::HiRes::time() }

sub _connect {
	my ($c) = @_;
	my %hints = (socktype => Socket::SOCK_STREAM(),
		flags => Socket::AI_NUMERICSERV());
	if (defined $c->{source}) {
		$hints{family} = $c->{source} =~ /:/ ? Socket::AF_INET6()
			: Socket::AF_INET();
	}
	my ($gerr, @ai) = Socket::getaddrinfo($c->{host}, $c->{port}, \%hints);
	return ('resolve', substr($c->{host}, 0, 200) . ": $gerr") if $gerr;
	_arm($c);
	my @r = ('refused', 'no address');
	for my $ai (@ai) {
		@r = _connect_one($c, $ai);
		last if $r[0] eq 'connected' || $r[0] eq 'timeout';
	}
	return @r;
}

sub _connect_one {
	my ($c, $ai) = @_;
	my $fh;
	socket($fh, $ai->{family}, $ai->{socktype}, $ai->{protocol})
		or return ('refused', "socket: $!");
	if (defined $c->{source}) {
		my ($e, $src) = Socket::getaddrinfo($c->{source}, 0,
			{flags => Socket::AI_NUMERICHOST(),
			 family => $ai->{family}, socktype => $ai->{socktype}});
		return ('refused', "bind to source: " . ($e || 'no address'))
			if $e || !$src;
		bind($fh, $src->{addr})
			or return ('refused', "bind to source: $!");
	}
	$fh->blocking(0);
	unless (connect($fh, $ai->{addr})) {
		return ('refused', "connect: $!") unless $!{EINPROGRESS};
		my $left = _left($c);
		my $w = $left > 0
			? IO::Select->new($fh)->can_write($left) : ();
		return ('timeout', "no connection after $c->{ms} ms") unless $w;
		my $err = getsockopt($fh, Socket::SOL_SOCKET(), Socket::SO_ERROR());
		$err = defined $err ? unpack('i', $err) : 0;
		if ($err) {
			return ($err == Errno::ETIMEDOUT() ? 'timeout' : 'refused',
				'connect: ' . _strerror($err));
		}
	}
	$c->{fh} = $fh;
	return ('connected', '');
}

sub _send {
	my ($c, $data) = @_;
	_arm($c);
	while (length $data) {
		my $left = _left($c);
		return ('timeout', 'cannot send') if $left <= 0;
		IO::Select->new($c->{fh})->can_write($left)
			or return ('timeout', 'cannot send');
		my $n = syswrite($c->{fh}, $data);
		if (!defined $n) {
			next if $!{EAGAIN} || $!{EINTR} || $!{EWOULDBLOCK};
			return ('closed', $c->{tls} ? "TLS send: $!" : "send: $!");
		}
		substr($data, 0, $n, '');
	}
	_arm($c); # the reply gets its own timeout
	return;
}

sub _recv {
	my ($c) = @_;
	for (;;) {
		my $fh = $c->{fh};
		my $pending = $c->{tls} && $fh->pending;
		unless ($pending) {
			my $left = _left($c);
			return (undef, 'timeout', "no reply within $c->{ms} ms")
				if $left <= 0
				|| !IO::Select->new($fh)->can_read($left);
		}
		my $buf;
		my $n = sysread($fh, $buf, 8192);
		return ($buf) if $n;
		return (undef, 'closed', 'the server closed the connection')
			if defined $n;
		next if $!{EAGAIN} || $!{EINTR} || $!{EWOULDBLOCK};
		return (undef, 'tls_failed', 'TLS read: ' . IO::Socket::SSL::errstr())
			if $c->{tls};
		return (undef, 'closed', "recv: $!");
	}
}

sub _starttls {
	my ($c) = @_;
	return ('tls_failed', 'TLS: IO::Socket::SSL is not installed')
		unless eval { require IO::Socket::SSL; 1 };
	_arm($c);
	$c->{fh}->blocking(1);
	# No verification on purpose, as the CLI: the probe asks whether
	# receipts are exposed, not whether the server's TLS is to be trusted,
	# and an MTA's port 25 is commonly self-signed.
	my $ok = IO::Socket::SSL->start_SSL($c->{fh},
		SSL_verify_mode => IO::Socket::SSL::SSL_VERIFY_NONE(),
		SSL_hostname => _is_ip($c->{host}) ? '' : $c->{host},
		Timeout => $c->{ms} / 1000);
	unless ($ok) {
		my $e = IO::Socket::SSL::errstr();
		return ('timeout', "TLS handshake: no answer within $c->{ms} ms")
			if _left($c) <= 0;
		return ('tls_failed', "TLS handshake: $e");
	}
	$c->{fh}->blocking(0);
	$c->{tls} = 1;
	_arm($c);
	return ('tls_ready', '');
}

sub probe {
	# also as a class method: no host name holds "::" and a word
	shift if @_ > 3 && defined $_[0] && !ref $_[0]
		&& $_[0] =~ /\A\w+(?:::\w+)+\z/ && $_[0]->isa(__PACKAGE__);
	my ($host, $from, $to, $o) = @_;
	$o = _opts('probe', $o, qw(port ehlo timeout source starttls));
	for ([host => $host], [from => $from], [to => $to]) {
		Carp::croak("Net::SMTP::DSNGuard::probe: $_->[0] is required")
			unless defined $_->[1] && !ref $_->[1];
	}
	$host = $1 if $host =~ /\A\[(.*)\]\z/;
	Carp::croak('Net::SMTP::DSNGuard::probe: bad host')
		if $host eq '' || length $host > 255 || $host =~ /\0/;
	my $port = defined $o->{port} ? $o->{port} : 25;
	Carp::croak('Net::SMTP::DSNGuard::probe: port must be 1..65535')
		unless $port =~ /\A[0-9]+\z/ && $port >= 1 && $port <= 65535;
	my $t = defined $o->{timeout} ? $o->{timeout} : 30;
	Carp::croak('Net::SMTP::DSNGuard::probe: timeout must be seconds '
		. '(0 < S <= 86400)')
		unless $t =~ /\A(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\z/
		&& $t > 0 && $t <= 86400;
	my $source = $o->{source};
	Carp::croak('Net::SMTP::DSNGuard::probe: source must be an IPv4 or '
		. 'IPv6 address') if defined $source && (ref $source
		|| !_is_ip($source));
	my $ehlo = defined $o->{ehlo} ? $o->{ehlo} : _default_ehlo();
	for ($from, $to, $ehlo) {
		die bless({code => 'bad_value', offset => index($_, "\0"),
			reply => undef, enhanced => '',
			message => 'an argument holds a NUL'}, 'DSNGuard::ParseError')
			if /\0/;
	}
	my $h = DSNGuard::_probe_new(_octets($from), _octets($to),
		_octets($ehlo), $o->{starttls} ? 1 : 0);
	# the CLI's rounding, so messages name the same milliseconds
	my $c = {host => $host, port => $port + 0, source => $source,
		ms => int($t * 1000 + 0.999)};
	local $SIG{PIPE} = 'IGNORE';
	# every action feeds the probe or ends it; the bound guards against
	# a bug, no server can reach it
	for (1 .. 10000) {
		my ($act, $line) = @{DSNGuard::_probe_next($h)};
		last if $act eq 'done';
		if ($act eq 'connect') {
			my ($ev, $msg) = _connect($c);
			_arm($c) if $ev eq 'connected'; # the greeting's timeout
			DSNGuard::_probe_event($h, $ev, $msg);
		} elsif ($act eq 'send') {
			my ($ev, $msg) = _send($c, $line);
			DSNGuard::_probe_event($h, $ev, $msg) if $ev;
		} elsif ($act eq 'wait') {
			my ($buf, $ev, $msg) = _recv($c);
			if (defined $buf) {
				DSNGuard::_probe_reply($h, $buf);
			} else {
				DSNGuard::_probe_event($h, $ev, $msg);
			}
		} elsif ($act eq 'starttls') {
			DSNGuard::_probe_event($h, _starttls($c));
		}
	}
	close $c->{fh} if $c->{fh};
	return DSNGuard::_probe_result($h, $host, $port + 0, $source);
}

1;

__END__

=encoding UTF-8

=head1 NAME

Net::SMTP::DSNGuard - Net::SMTP with correctly encoded DSN parameters and
a receipt-exposure probe, over libdsnguard

=head1 SYNOPSIS

  use Net::SMTP::DSNGuard;

  my $smtp = Net::SMTP::DSNGuard->new('mx.example.org', Timeout => 30)
      or die "connect: $@";
  if ($smtp->dsn_supported) {
      $smtp->mail_dsn('me@example.org', {ret => 'HDRS', envid => 'order 42'});
      $smtp->recipient_dsn('you@example.net',
          {notify => ['FAILURE', 'DELAY'], orcpt => 'you+list@example.net'});
  } else {
      $smtp->mail('me@example.org');
      $smtp->recipient('you@example.net');
  }
  $smtp->data; ...                      # every Net::SMTP method works

  # will this server mail a receipt to whoever asks?
  my $r = Net::SMTP::DSNGuard::probe('mx.example.org', 'a@forged.example',
      'postmaster@example.org', {port => 25, timeout => 10});
  print "$r->{verdict}\n";              # exposed, refused, not_offered, incomplete

=head1 DESCRIPTION

A subclass of L<Net::SMTP>: C<new> and every method of Net::SMTP are
unchanged, so a Net::SMTP script keeps working with the class name
changed.  Net::SMTP's own C<mail> sends C<ORcpt> verbatim (a raw C<+>,
space or UTF-8 octet goes on the wire and means another address, or is
refused) and encodes C<Envelope> per character (C<cost€5> becomes
C<cost+20AC5>, valid xtext for another id).  The methods here build
C<RET>, C<ENVID>, C<NOTIFY> and C<ORCPT> through libdsnguard: xtext, the
RFC 6533 C<utf-8> forms for a UTF-8 original recipient, and each value
parsed back by the library before anything is sent.  A value it refuses
dies with a C<DSNGuard::ParseError> (codes C<bad_ret>, C<bad_envid>,
C<bad_notify>, C<bad_orcpt>, or the address errors of C<parse_cmd>);
misuse croaks.

=head1 METHODS

=over 4

=item $smtp->dsn_supported, $smtp->smtputf8_supported

Whether the server's EHLO reply advertised DSN (RFC 3461) or SMTPUTF8
(RFC 6531).

=item $smtp->mail_dsn($from, {ret => 'FULL'|'HDRS', envid => $id, smtputf8 => 0})

C<MAIL FROM:E<lt>$fromE<gt>> with RET and ENVID (printable US-ASCII, at
most 100 characters, RFC 3461 4.4; C<cost€5> is refused, not mangled) and
SMTPUTF8.  Croaks when DSN parameters are asked of a server that does not
advertise DSN (or SMTPUTF8 of one without it).  Returns true on a 2xx,
as Net::SMTP's C<mail>.

=item $smtp->recipient_dsn($to, {notify => ['SUCCESS', ...], orcpt => $addr})

C<RCPT TO:E<lt>$toE<gt>> with NOTIFY (an arrayref or C<"SUCCESS,DELAY">;
NEVER alone) and ORCPT: an ASCII address becomes C<rfc822;> and its
xtext, one with UTF-8 C<utf-8;> in RFC 6533's utf-8-addr-xtext, or raw
(utf-8-addr-unitext) after C<mail_dsn(..., {smtputf8 =E<gt> 1})>;
C<"type;address"> names the addr-type itself.  Returns true on a 2xx.

=item Net::SMTP::DSNGuard::dsn_params({ret, envid, notify, orcpt, smtputf8})

The parameters alone, as two arrayrefs C<($mail, $rcpt)> of strings
(C<["RET=HDRS", "ENVID=order+2042"]>, C<["NOTIFY=SUCCESS", "ORCPT=rfc822;..."]>),
for scripts that write their own commands.

=back

=head1 THE PROBE

=over 4

=item Net::SMTP::DSNGuard::probe($host, $from, $to, {port => 25, ehlo => $name, timeout => 30, source => $ip, starttls => 0})

Ask the server at C<$host> (connected to directly, no MX lookup; IPv6 as
C<::1> or C<[::1]>) for a return receipt as anyone could: greeting, EHLO
(HELO when EHLO is refused), STARTTLS and EHLO again with C<starttls>
(needs IO::Socket::SSL; the certificate is not verified), C<MAIL
FROM:E<lt>$fromE<gt>>, C<RCPT TO:E<lt>$toE<gt> NOTIFY=SUCCESS>, after a
5xx the same RCPT without NOTIFY, then RSET and QUIT.  B<DATA is never
sent>, so nothing is delivered.  C<timeout> is seconds per step
(connecting, each reply, the handshake); C<ehlo> defaults to this
machine's name, else C<localhost>; C<source> is the local address to
bind.

Returns a hashref with the keys of C<dsnguard probe --json>: C<ok>,
C<host>, C<port>, C<greeting>, C<ehlo>, C<mail>, C<rcpt>, C<rcpt_plain>,
C<dsn_advertised>, C<receipt_accepted>, C<verdict> (C<exposed>,
C<refused>, C<not_offered>, C<incomplete>), C<error> (C<step>, C<cause>,
C<code>, C<message>), C<tls>, C<starttls>, C<source>; C<undef> for null.
Refused connections, drops, silence, 4xx and garbage are results
(C<incomplete>), not exceptions; an invalid address or EHLO name dies
with a C<DSNGuard::ParseError> before anything is sent.  The commands and
what each reply means are decided by libdsnguard's probe, the same one
the C<dsnguard> CLI runs.

=back

=head1 SEE ALSO

L<DSNGuard>, L<Net::SMTP>, C<dsnguard(1)>, RFC 3461, RFC 6533.

=cut
