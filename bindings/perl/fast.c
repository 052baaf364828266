/*
 * bindings/perl/fast.c - a hand-written XS entry point for the hot call,
 * DSNGuard::parse_cmd($line).
 *
 * Why: the Perl-level parse_cmd checked its options by building a hash
 * of the allowed names, copied its arguments and called SWIG's wrapper,
 * which together cost more than the parse.  This XS sub takes the common
 * call (one defined, non-reference line) straight to the C parse; any
 * other call (options, undef, a reference) goes on to the Perl code in
 * dsnguard.i (DSNGuard::_parse_cmd_opts), so what it accepts and the
 * messages it croaks with stay exactly those.  Its result is built on
 * first access (lazy.c); the options path builds it at once.
 */
#include "EXTERN.h"
#include "perl.h"
#include "XSUB.h"

#define DSNGB_PERL 1
#include "api.h"
#include "perl/fast.h"
#include "perl/lazy.h"

XS(XS_DSNGuard_parse_cmd);
XS(XS_DSNGuard_parse_cmd)
{
	dXSARGS;
	const char *p;
	STRLEN n;

	if (items != 1 || !SvOK(ST(0)) ||
	    (SvROK(ST(0)) && !sv_isobject(ST(0)))) {
		/* the same arguments, to the Perl code that checks them */
		PUSHMARK(MARK);
		PUTBACK;
		(void)call_pv("DSNGuard::_parse_cmd_opts", G_SCALAR);
		XSRETURN(1);
	}
	p = SvPV(ST(0), n);
	ST(0) = sv_2mortal(dsngb_pl_lazy_cmd(aTHX_ p, n));
	XSRETURN(1);
}

void dsngb_pl_fast_init(pTHX)
{
	dsngb_pl_lazy_init(aTHX);
	newXS("DSNGuard::parse_cmd", XS_DSNGuard_parse_cmd, __FILE__);
}
