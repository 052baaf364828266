/*
 * bindings/perl/lazy.h - parse_cmd's result built on first access
 * (lazy.c).
 */
#ifndef DSNGB_PL_LAZY_H
#define DSNGB_PL_LAZY_H

/* Parse line p/n (the default options) and return a new hash reference
 * that becomes the full result the first time it is looked at; a refused
 * line croaks with DSNGuard::ParseError here, at the call. */
SV *dsngb_pl_lazy_cmd(pTHX_ const char *p, STRLEN n);

/* Define the tie class behind it (from the module's boot, fast.c). */
void dsngb_pl_lazy_init(pTHX);

#endif
