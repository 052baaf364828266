# bindings/perl/more.pm - the rest of the Perl API (over bindings/api_more.h),
# inserted into DSNGuard.pm by dsnguard.i: format_cmd, scan_log,
# build_report and the library's smaller helpers.

=head1 MORE FUNCTIONS

=over 4

=item format_cmd($cmd, {verb, path, route, domain, arg, params, notify, orcpt, ret, envid, size, body, smtputf8, strict, max_line, utf8})

=item format_cmd({verb => 'RCPT', path => 'a@b.example', notify => ['SUCCESS'], ...})

An SMTP command line (no CRLF) in canonical form, from what parse_cmd
returned (its verb, path, route, domain or arg, and params as sent) and/or
fields, which replace the command's.  C<params> is an arrayref of
C<[keyword, value]> pairs, C<{keyword, value}> hashes or C<"KEYWORD=VALUE">
strings, as sent.  The DSN fields are decoded values, encoded here:
C<notify> (arrayref or C<"SUCCESS,DELAY">), C<orcpt> (the address,
C<[type, address]> or C<{type, addr}>; a non-ASCII address gets RFC 6533's
utf-8 form), C<ret>, C<envid> (xtext-encoded), C<size>, C<body>,
C<smtputf8> (true or false); each replaces the parameter of that keyword,
C<undef> drops it.  The line is then parsed, so only what the parser
accepts comes out: a bad value dies with C<DSNGuard::ParseError>.

=item scan_log($path_or_fh_or_lines, {max_line, max_tracked, max_pending, max_rcpts, max_recipients_tracked, max_clients_tracked})

The DSNs a sendmail, Postfix or Exim server generated, from a file name, a
file handle, or an arrayref of lines.  Returns C<(\@events, \%summary)>,
with the keys of C<dsnguard scan-log --json>.  The limits are the fields
of C<struct dsng_maillog_opts> (0 keeps the default).

=item build_report(\%spec, $original, {policy, no_policy, now, crlf, max_returned, max_recipients})

One RFC 3464 delivery report as C<dsnguard make-report> writes it (a byte
string), from a SPEC hashref with the keys of make-report's SPEC and the
original message (or undef).  The policy (a C<DSNGuard::Policy>, default
the C<recommended> preset) vetoes each entry; C<< no_policy => 1 >> builds
without it.  Returns undef when NOTIFY left no entry; dies with a blessed
C<DSNGuard::PolicyVeto> (keys C<decision>, the first vetoed entry's
decision hashref, C<entries>, C<message>) when the policy vetoed every
entry; with C<DSNGuard::ParseError> for a bad SPEC.  Booleans in the SPEC
(C<tls>, C<trusted>) may be any Perl true or false value.

=item build_report_result(\%spec, $original, {...})

The same, returning the whole result: C<outcome> (C<written>,
C<none_requested>, C<vetoed>), C<data>, C<global>, C<envelope_from>,
C<envelope_to>, C<message_id>, C<entries> (C<index>, C<fate>, C<addr>,
C<reason>, C<decision>, C<diagnostic_cut>), C<n_kept>, C<n_vetoed>,
C<n_not_requested>, C<returned>, C<returned_full>, C<returned_truncated>,
C<returned_omitted>.

=item xtext_utf8_encode($text, {unitext => 0}), xtext_utf8_decode($xtext, {unitext => 0})

RFC 6533 utf-8-addr-xtext (or -unitext), as C<ORCPT=utf-8;...> needs it.

=item parse_addr($path, {rcpt => 0, utf8 => 0, strict => 0})

One RFC 5321 path: C<path>, C<local>, C<domain>, C<route>, C<null>,
C<postmaster>, C<utf8>, C<lax>.

=item check_domain($domain, {utf8 => 0, strict => 0})

1 for a valid domain or address literal; dies with C<DSNGuard::ParseError>
otherwise.

=item batv_parse($address), batv_strip($address)

A BATV tag taken apart without a key (C<key_number>, C<day>, C<hash>,
C<legacy_order>, C<local>, C<domain>, C<original>), or the address without
its tag.

=item format_reply($reply, {lenient, max_line, max_lines}), reply_complete($data, {lenient, max_line, max_lines})

A server reply written back canonical; the length of the whole reply that
C<$data> starts with (0 when more input is needed).

=item parse_date($rfc5322_date)

Unix seconds.

=item decode_words($header_value), unfold($header_value)

RFC 2047 encoded words decoded; a value unfolded.

=item preset_names()

The built-in presets' names (a list).

=item status_find($text)

The first enhanced status code standing alone in C<$text>, as
status_describe gives it plus C<offset>; undef when there is none.

=item split_mbox($data)

The messages of an mbox (byte strings, without their C<From > lines).

=item $policy->networks, $policy->rules, $policy->offer_dsn, $policy->classes($session)

The trusted networks (CIDR texts); the settings that differ from the
permissive base (hashrefs of C<rule>, C<value>, C<origin>, C<line>); to
whom DSN is offered at EHLO and the classes a session falls in (class
words: C<all>, C<trusted>, C<authenticated>, C<tls>, C<submission>,
C<local>).  Each returns a list.

=item $policy->line($session, $line, {strict, max_line, utf8}), $policy->is_trusted($session), $policy->is_receipt_header($name)

One command line through the policy as the audit does it (a decision
hashref); whether the client's address is in the trusted networks; whether
a header asks for a receipt.

=back

=cut

package DSNGuard::PolicyVeto;
use overload '""' => sub { "$_[0]{message}\n" }, fallback => 1;
sub decision { $_[0]{decision} }
sub entries { $_[0]{entries} }
sub message { $_[0]{message} }

package DSNGuard;

push @EXPORT_OK, qw(format_cmd scan_log build_report build_report_result
	xtext_utf8_encode xtext_utf8_decode parse_addr check_domain batv_parse
	batv_strip format_reply reply_complete parse_date decode_words unfold
	preset_names status_find split_mbox);

sub _str_arg {
	my ($fn, $v, $what) = @_;
	Carp::croak("DSNGuard::$fn: $what is required") unless defined $v;
	Carp::croak("DSNGuard::$fn: $what must be a string") if ref $v;
	return $v;
}

# The value of a DSN parameter as sent; undef for a keyword alone; () to
# drop the parameter.
sub _param_value {
	my ($kw, $v) = @_;
	return () unless defined $v;
	if ($kw eq 'NOTIFY') {
		my @w = ref $v eq 'ARRAY' ? @$v : split(/,/, $v);
		Carp::croak('DSNGuard::format_cmd: notify must be NOTIFY keywords')
			if !@w || grep { !defined || ref } @w;
		return join(',', map { uc } @w);
	}
	if ($kw eq 'ORCPT') {
		my ($type, $addr);
		if (ref $v eq 'HASH') { ($type, $addr) = @{$v}{qw(type addr)} }
		elsif (ref $v eq 'ARRAY') { ($type, $addr) = @$v }
		else { $addr = $v }
		$addr = _str_arg('format_cmd', $addr, 'the orcpt address');
		$type = $addr =~ /[^\x00-\x7f]/ ? 'utf-8' : 'rfc822'
			unless defined $type;
		return lc($type) eq 'utf-8'
			? "$type;" . _xtext_utf8_encode($addr, 0)
			: "$type;" . xtext_encode($addr);
	}
	return xtext_encode(_str_arg('format_cmd', $v, 'envid'))
		if $kw eq 'ENVID';
	if ($kw eq 'SIZE') {
		Carp::croak('DSNGuard::format_cmd: size must be a non-negative integer')
			unless $v =~ /\A[0-9]+\z/;
		return $v;
	}
	return uc(_str_arg('format_cmd', $v, lc $kw)) if $kw eq 'RET' || $kw eq 'BODY';
	if ($kw eq 'SMTPUTF8') {
		return $v ? (undef) : ();
	}
	die "DSNGuard: internal: $kw";
}

sub _raw_params {
	my ($ps) = @_;
	Carp::croak('DSNGuard::format_cmd: params must be an arrayref')
		unless ref $ps eq 'ARRAY';
	my @out;
	for my $p (@$ps) {
		my ($k, $v);
		if (ref $p eq 'HASH') { ($k, $v) = @{$p}{qw(keyword value)} }
		elsif (ref $p eq 'ARRAY') { ($k, $v) = @$p }
		elsif (defined $p && !ref $p) {
			($k, $v) = $p =~ /\A([^=]*)=(.*)\z/s ? ($1, $2) : ($p, undef);
		}
		Carp::croak('DSNGuard::format_cmd: a parameter needs a keyword')
			if !defined $k || ref $k || ref $v;
		push @out, [$k, $v];
	}
	return \@out;
}

my @DSN_FIELDS = qw(notify orcpt ret envid size body smtputf8);

sub format_cmd {
	my @args = @_;
	my ($cmd, $o);
	if (@args == 2) {
		($cmd, $o) = @args;
	} elsif (@args == 1 && ref $args[0] eq 'HASH'
		&& exists $args[0]{canonical}) {
		$cmd = $args[0];
	} elsif (@args == 1) {
		$o = $args[0];
	}
	$o = {} unless defined $o;
	Carp::croak('DSNGuard::format_cmd: takes a command and/or a hashref of fields')
		if @args > 2 || ref $o ne 'HASH'
		|| (defined $cmd && (ref $cmd ne 'HASH' || !defined $cmd->{verb}));
	my %ok = map { $_ => 1 } qw(verb path route domain arg params strict
		max_line utf8), @DSN_FIELDS;
	for (sort keys %$o) {
		Carp::croak("DSNGuard::format_cmd: unknown option '$_'") unless $ok{$_};
	}
	my %f;
	if ($cmd) {
		%f = map { $_ => $cmd->{$_} } qw(verb path route domain arg);
		$f{params} = _raw_params($cmd->{params} || []);
	}
	exists $o->{$_} and $f{$_} = $o->{$_} for qw(verb path route domain arg);
	$f{params} = _raw_params($o->{params} || []) if exists $o->{params};
	my $verb = $f{verb};
	Carp::croak('DSNGuard::format_cmd: a verb (or a command) is required')
		if !defined $verb || ref $verb || $verb eq '';
	$verb = uc $verb;
	my @p = @{ $f{params} || [] };
	for my $name (@DSN_FIELDS) {
		next unless exists $o->{$name};
		my $kw = uc $name;
		my @wire = _param_value($kw, $o->{$name});
		my ($at) = grep { uc $p[$_][0] eq $kw } 0 .. $#p;
		if (!@wire) {
			@p = grep { uc $_->[0] ne $kw } @p;
		} elsif (defined $at) {
			$p[$at] = [$kw, $wire[0]];
		} else {
			push @p, [$kw, $wire[0]];
		}
	}
	my @parts = ($verb);
	if ($verb eq 'MAIL' || $verb eq 'RCPT') {
		my $path = _str_arg('format_cmd', $f{path}, 'a path');
		if (my $r = $f{route}) {
			Carp::croak('DSNGuard::format_cmd: route must be an arrayref of domains')
				unless ref $r eq 'ARRAY';
			$path = join(',', map { "\@$_" } @$r) . ":$path" if @$r;
		}
		push @parts, ($verb eq 'MAIL' ? 'FROM' : 'TO') . ":<$path>";
	} elsif ($verb =~ /\A(?:EHLO|HELO|LHLO)\z/) {
		push @parts, $f{domain} if defined $f{domain};
	} else {
		push @parts, $f{arg} if defined $f{arg};
	}
	push @parts, map { defined $_->[1] ? "$_->[0]=$_->[1]" : $_->[0] } @p;
	return _format_cmd_line(join(' ', @parts), $o->{strict} ? 1 : 0,
		_num('format_cmd', $o, 'max_line'), $o->{utf8} ? 1 : 0);
}

my @SCAN_LIMITS = qw(max_line max_tracked max_pending max_rcpts
	max_recipients_tracked max_clients_tracked);

sub scan_log {
	my ($in, @rest) = @_;
	my $o = _opts('scan_log', \@rest, @SCAN_LIMITS);
	Carp::croak('DSNGuard::scan_log: a file, a file handle or lines are required')
		unless defined $in;
	my @lim = map { _num('scan_log', $o, $_) } @SCAN_LIMITS;
	my (@events, $h, $fh, $name);
	if (ref $in eq 'ARRAY') {
		$h = _scan_new(undef, @lim);
		my $buf = '';
		for my $l (@$in) {
			Carp::croak('DSNGuard::scan_log: lines must be strings')
				if !defined $l || ref $l;
			my $x = $l;
			utf8::encode($x) if utf8::is_utf8($x);
			$buf .= $x;
			$buf .= "\n" unless $x =~ /\n\z/;
			if (length $buf >= 65536) {
				push @events, @{ _scan_feed($h, $buf, 0) };
				$buf = '';
			}
		}
		push @events, @{ _scan_feed($h, $buf, 1) };
	} else {
		if (ref $in eq 'GLOB' || ref \$in eq 'GLOB'
			|| (Scalar::Util::blessed($in) && $in->can('read'))) {
			$fh = $in;
		} elsif (!ref $in) {
			open($fh, '<:raw', $in)
				or Carp::croak("DSNGuard::scan_log: $in: $!");
			$name = $in;
		} else {
			Carp::croak('DSNGuard::scan_log: takes a file name, a file handle or an arrayref of lines');
		}
		$h = _scan_new($name, @lim);
		my $buf;
		while (1) {
			my $n = read($fh, $buf, 65536);
			Carp::croak("DSNGuard::scan_log: read: $!") unless defined $n;
			last unless $n;
			utf8::encode($buf) if utf8::is_utf8($buf);
			push @events, @{ _scan_feed($h, $buf, 0) };
		}
		push @events, @{ _scan_feed($h, '', 1) };
		close $fh if defined $name;
	}
	return (\@events, _scan_summary($h));
}

# make-report's SPEC with Perl's truth values as booleans (the C reader
# wants real booleans for tls and trusted, as JSON has them).
sub _spec_bools {
	my ($spec) = @_;
	return $spec unless ref $spec eq 'HASH' && ref $spec->{envelope} eq 'HASH'
		&& ref $spec->{envelope}{client} eq 'HASH';
	my %c = %{ $spec->{envelope}{client} };
	for (qw(tls trusted)) {
		$c{$_} = $c{$_} ? !!1 : !!0 if defined $c{$_} && !ref $c{$_};
	}
	return { %$spec, envelope => { %{ $spec->{envelope} }, client => \%c } };
}

sub build_report_result {
	my ($spec, $orig, @rest) = @_;
	my $o = _opts('build_report', \@rest, qw(policy no_policy now crlf
		max_returned max_recipients));
	Carp::croak('DSNGuard::build_report: the SPEC must be a hashref')
		unless ref $spec eq 'HASH';
	Carp::croak('DSNGuard::build_report: the original must be a string or undef')
		if ref $orig;
	my $p = $o->{policy};
	if ($o->{no_policy}) {
		Carp::croak('DSNGuard::build_report: a policy or no_policy, not both')
			if defined $p;
	} else {
		$p = DSNGuard::Policy->preset('recommended') unless defined $p;
		Carp::croak('DSNGuard::build_report: policy must be a DSNGuard::Policy')
			unless Scalar::Util::blessed($p) && $p->isa('DSNGuard::Policy');
	}
	my $now = defined $o->{now} ? $o->{now} : -1;
	Carp::croak('DSNGuard::build_report: now must be a Unix time')
		unless $now =~ /\A(?:-1|[0-9]+)\z/;
	my $max_ret = defined $o->{max_returned}
		? _num('build_report', $o, 'max_returned') : -1;
	return _build_report_result(_spec_bools($spec),
		defined $orig ? ($orig, 1) : ('', 0),
		$o->{no_policy} ? undef : $p->{_h}, $o->{no_policy} ? 1 : 0,
		$now + 0, $o->{crlf} ? 1 : 0, $max_ret,
		_num('build_report', $o, 'max_recipients'));
}

sub build_report {
	my $r = build_report_result(@_);
	if ($r->{outcome} eq 'vetoed') {
		my ($first) = grep { $_->{fate} eq 'vetoed' } @{ $r->{entries} };
		my $d = $first ? $first->{decision} : undef;
		die bless {
			decision => $d, entries => $r->{entries},
			message => 'the policy vetoed every report entry: '
				. ($d ? $d->{reason} : 'vetoed'),
		}, 'DSNGuard::PolicyVeto';
	}
	return $r->{data};
}

sub _flag_opts {
	my ($fn, $rest, @names) = @_;
	my $o = _opts($fn, $rest, @names);
	return map { $o->{$_} ? 1 : 0 } @names;
}

sub xtext_utf8_encode {
	my ($t, @rest) = @_;
	return _xtext_utf8_encode(_str_arg('xtext_utf8_encode', $t, 'text'),
		_flag_opts('xtext_utf8_encode', \@rest, 'unitext'));
}

sub xtext_utf8_decode {
	my ($t, @rest) = @_;
	return _xtext_utf8_decode(_str_arg('xtext_utf8_decode', $t, 'text'),
		_flag_opts('xtext_utf8_decode', \@rest, 'unitext'));
}

sub parse_addr {
	my ($a, @rest) = @_;
	return _addr_parse(_str_arg('parse_addr', $a, 'a path'),
		_flag_opts('parse_addr', \@rest, qw(rcpt utf8 strict)));
}

sub check_domain {
	my ($d, @rest) = @_;
	return _addr_check_domain(_str_arg('check_domain', $d, 'a domain'),
		_flag_opts('check_domain', \@rest, qw(utf8 strict)));
}

sub batv_parse { _batv_parse(_str_arg('batv_parse', $_[0], 'an address')) }
sub batv_strip { _batv_strip(_str_arg('batv_strip', $_[0], 'an address')) }

sub format_reply {
	my ($r, @rest) = @_;
	my $o = _opts('format_reply', \@rest, qw(lenient max_line max_lines));
	return _format_reply(_str_arg('format_reply', $r, 'a reply'),
		$o->{lenient} ? 1 : 0, _num('format_reply', $o, 'max_line'),
		_num('format_reply', $o, 'max_lines'));
}

sub reply_complete {
	my ($r, @rest) = @_;
	my $o = _opts('reply_complete', \@rest, qw(lenient max_line max_lines));
	return _reply_complete(_str_arg('reply_complete', $r, 'data'),
		$o->{lenient} ? 1 : 0, _num('reply_complete', $o, 'max_line'),
		_num('reply_complete', $o, 'max_lines'));
}

sub parse_date { _report_date_parse(_str_arg('parse_date', $_[0], 'a date')) }
sub decode_words { _mime_decode_words(_str_arg('decode_words', $_[0], 'a value')) }
sub unfold { _mime_unfold(_str_arg('unfold', $_[0], 'a value')) }
sub preset_names { @{ _policy_preset_names() } }
sub status_find { _status_find(_str_arg('status_find', $_[0], 'text')) }
sub split_mbox { @{ _mbox_split(_str_arg('split_mbox', $_[0], 'data')) } }

package DSNGuard::Policy;

sub line {
	my ($self, $s, $l, @rest) = @_;
	my $o = DSNGuard::_opts('Policy->line', \@rest, qw(strict max_line utf8));
	return DSNGuard::_policy_line($self->{_h}, _session('line', $s),
		DSNGuard::_str_arg('Policy->line', $l, 'a command line'),
		_cmd_opts('Policy->line', $o));
}

sub is_trusted {
	my ($self, $s) = @_;
	return DSNGuard::_policy_is_trusted($self->{_h}, _session('is_trusted', $s));
}

sub is_receipt_header {
	my ($self, $n) = @_;
	return DSNGuard::_policy_is_receipt_header($self->{_h},
		DSNGuard::_str_arg('Policy->is_receipt_header', $n, 'a header name'));
}

sub preset_names { DSNGuard::preset_names() }
sub networks { @{ DSNGuard::_policy_networks($_[0]{_h}) } }
sub rules { @{ DSNGuard::_policy_rules($_[0]{_h}) } }
sub offer_dsn { @{ DSNGuard::_policy_offer($_[0]{_h}) } }

sub classes {
	my ($self, $s) = @_;
	return @{ DSNGuard::_policy_classes($self->{_h}, _session('classes', $s)) };
}

package DSNGuard;
