/*
 * bindings/perl/fast.h - the hand-written XS entry points (fast.c).
 */
#ifndef DSNGB_PL_FAST_H
#define DSNGB_PL_FAST_H

/* Define DSNGuard::parse_cmd (from the module's boot, dsnguard.i). */
void dsngb_pl_fast_init(pTHX);

#endif
