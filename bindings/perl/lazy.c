/*
 * bindings/perl/lazy.c - DSNGuard::parse_cmd's hash, filled the first
 * time a script looks at it.
 *
 * Why: building a result's 16 keys (hash entries, shared keys, a value
 * each, the params list) and freeing them again was nine tenths of a
 * parse_cmd call (callgrind: ~20,000 of ~23,000 instructions), and many
 * callers read a few keys of some lines only.  So the call parses (a
 * refused line still dies at once) and returns a plain, unblessed hash
 * tied to a small object that holds a private copy of the line.  The
 * first use of any kind (fetch, store, exists, delete, keys/each, clear,
 * scalar, untie) parses the copy again into the hash itself with the
 * eager builder (builder.c), the same code the options path uses, and
 * removes the tie: from then on it is an ordinary hash.
 *
 * The objects:
 *   h  the result (the caller's reference points at it), tied to t
 *   t  a reference to o, blessed into DSNGuard::_LazyCmd
 *   o  a scalar: its PV the line's octets; its IVX h without a count (h
 *      owns t owns o, so a counted pointer back would be a cycle), bit 0
 *      set once h holds its keys; 0 once h is gone (the tie's free hook)
 * A keys/each walk that starts on h tied hands over to h's own iterator
 * at its first key (walk_handover).  While some other walk is under way
 * (one the core began on the tie and something else resumed), the tie
 * stays and the methods answer from the keys already in h; it goes when
 * that walk ends.  After the tie
 * went, o holds h (counted now: no cycle any more) for element proxies
 * that still hold t (a "\$r->{x}" taken before the first use).  A copy
 * made without h (Storable's dclone of an untouched result: it copies
 * the tie object, not the magic) has an o without IVX; its methods parse
 * into a private hash of o's, so the copy stays tied but answers alike.
 *
 * It leans on how perl's hv.c runs uvar magic (first, on every key) and a
 * tied walk (the entry it keeps in the iterator), as perl 5.36 (Debian
 * 12) does; perl/t/lazy.t takes every path against the eager hash.
 */
/* my_perl from each function's pTHX, not the thread-local context read
 * again at every use of the interpreter's state (a TLS call in a module) */
#define PERL_NO_GET_CONTEXT
#include "EXTERN.h"
#include "perl.h"
#include "XSUB.h"

#include <stdint.h>

#define DSNGB_PERL 1
#include "api.h"
#include "perl/lazy.h"

#define LAZY_CLASS "DSNGuard::_LazyCmd"
#define FILLED ((IV)1)

/* Per interpreter: the class's stash, for bless on every call. */
#define MY_CXT_KEY "DSNGuard::_LazyCmd::_guts"
typedef struct {
	HV *stash;
} my_cxt_t;
START_MY_CXT

static int tie_free(pTHX_ SV *sv, MAGIC *mg);
static int tie_dup(pTHX_ MAGIC *mg, CLONE_PARAMS *param);

/* The core's hash-tie hooks (CLEAR from clear). */
static U32 tie_len(pTHX_ SV *sv, MAGIC *mg)
{
	return PL_vtbl_pack.svt_len(aTHX_ sv, mg);
}

static int tie_clear(pTHX_ SV *sv, MAGIC *mg)
{
	return PL_vtbl_pack.svt_clear(aTHX_ sv, mg);
}

/* The tie: the core's hash-tie table with a free hook that unhooks o
 * from a dying h, and a dup hook for ithreads.  Constant, so threads
 * booting the module never write it. */
static MGVTBL tie_vtbl = {NULL,     NULL, tie_len, tie_clear,
                          tie_free, NULL, tie_dup, NULL};

/* On o: the counted hash its methods work on once h is untied (or the
 * private hash of a copy). */
static MGVTBL owner_vtbl;
/* On o: the keys left of a FIRSTKEY/NEXTKEY walk. */
static MGVTBL walk_vtbl;

/* The parse of the hot path: one command struct per thread (3 KB; a
 * parse overwrites it), as bindings/api.c keeps.  The line parsed is o's
 * own copy, so while `owner` is that o (the newest result, until its h
 * goes) the struct's spans are valid and the first access builds from
 * it without parsing again: a script reads a result before it parses
 * the next line. */
static _Thread_local struct {
	struct dsng_cmd c;
	struct dsng_cmd_opts opts;
	int ready;
	SV *owner;
} tl;

static int tie_free(pTHX_ SV *sv, MAGIC *mg)
{
	(void)sv;
	if (mg->mg_obj && SvROK(mg->mg_obj)) {
		SV *o = SvRV(mg->mg_obj);

		SvIV_set(o, 0);
		if (tl.owner == o)
			tl.owner =
			        NULL; /* o may die and its address be reused */
	}
	return 0;
}

/* A new ithread's h: o's IVX was copied as a number, so point it at the
 * new thread's copy of h (or nowhere). */
static int tie_dup(pTHX_ MAGIC *mg, CLONE_PARAMS *param)
{
#ifdef USE_ITHREADS
	SV *o = mg->mg_obj && SvROK(mg->mg_obj) ? SvRV(mg->mg_obj) : NULL;
	void *nh;
	IV iv;

	(void)param;
	if (!o || SvTYPE(o) != SVt_PVMG)
		return 0;
	iv = SvIVX(o);
	nh = iv ? ptr_table_fetch(PL_ptr_table, INT2PTR(void *, iv & ~FILLED))
	        : NULL;
	SvIV_set(o, nh ? PTR2IV(nh) | (iv & FILLED) : 0);
#else
	(void)mg;
	(void)param;
#endif
	return 0;
}

/* h's own magic off while this file stores into it directly (a tied
 * hash's real entries are otherwise out of reach), and back on. */
static U32 magic_off(HV *h)
{
	U32 m;

	if (!h)
		return 0;
	m = SvFLAGS(h) & (SVs_GMG | SVs_SMG | SVs_RMG);
	SvFLAGS(h) &= ~m;
	return m;
}

static void magic_on(HV *h, U32 m)
{
	if (h)
		SvFLAGS(h) |= m;
}

static _Thread_local HV *fill_into;

static void *fill_map(const struct dsng_cmd *c)
{
	dTHX;
	(void)c;
	return newRV_inc((SV *)fill_into);
}

/* Parse o's line again into h, with the eager builder. */
static void fill(pTHX_ HV *h, SV *o)
{
	struct dsng_error err;
	U32 m = magic_off(h);
	void *res;

	dsng_error_init(&err, DSNG_ERROR_VERSION);
	hv_ksplit(h, 16); /* MAIL: 16 keys */
	fill_into = h;
	if (tl.owner == o) {
		tl.owner = NULL;
		res = dsngb_cmd_build(&dsngb_native, fill_map, &tl.c, &err);
	} else {
		res = dsngb_parse_cmd_into(&dsngb_native, fill_map, SvPVX(o),
		                           SvCUR(o), 0, 0, 0, &err);
	}
	magic_on(h, m);
	if (!res)
		dsngb_pl_croak(aTHX_ & err);
	SvREFCNT_dec((SV *)res);
}

/* The hash t's methods work on; *tied_h is set to it when it is h still
 * tied (its magic must be off while they touch it). */
static HV *target(pTHX_ SV *t, HV **tied_h)
{
	SV *o;
	MAGIC *mg;
	HV *h;

	*tied_h = NULL;
	if (!SvROK(t) || SvTYPE(SvRV(t)) != SVt_PVMG || !SvPOK(SvRV(t)))
		croak("DSNGuard: not a parse_cmd result");
	o = SvRV(t);
	if ((mg = mg_findext(o, PERL_MAGIC_ext, &owner_vtbl)))
		return (HV *)mg->mg_obj;
	h = INT2PTR(HV *, SvIVX(o) & ~FILLED);
	if (h) {
		if (!(SvIVX(o) & FILLED)) {
			fill(aTHX_ h, o);
			SvIV_set(o, SvIVX(o) | FILLED);
		}
		*tied_h = h;
		return h;
	}
	h = newHV();
	sv_magicext(o, (SV *)h, PERL_MAGIC_ext, &owner_vtbl, NULL, 0);
	SvREFCNT_dec((SV *)h);
	fill(aTHX_ h, o);
	return h;
}

/* o gives up its pointer to h and holds h counted instead (the tie is
 * going: no cycle); t lives to the end of the statement, as the method
 * running may be its only holder's. */
static void detach(pTHX_ HV *h, SV *t)
{
	SV *o = SvRV(t);

	sv_2mortal(SvREFCNT_inc_simple_NN(t));
	SvIV_set(o, 0);
	sv_magicext(o, (SV *)h, PERL_MAGIC_ext, &owner_vtbl, NULL, 0);
}

/* h's key hook (see lazy_uvar), unless hv_common is running it. */
static void unhook(pTHX_ HV *h)
{
	sv_unmagicext((SV *)h, PERL_MAGIC_uvar, &PL_vtbl_uvar);
}

static void untie(pTHX_ HV *h, SV *t)
{
	detach(aTHX_ h, t);
	unhook(aTHX_ h);
	sv_unmagicext((SV *)h, PERL_MAGIC_tied, &tie_vtbl);
}

/* The first fetch, store, exists or delete of a key.  A tied fetch makes
 * an element proxy and calls FETCH as a method; that was a sixth of a
 * first access, so h also has uvar magic, which hv_common runs on every
 * key before anything else: it fills h and drops both magics, and
 * hv_common goes on as for a plain hash.  hv_common still writes to this
 * MAGIC once it returns, so it is unlinked from h here and freed on the
 * next call (one MAGIC a thread parked at a time). */
static _Thread_local MAGIC *parked;

static I32 lazy_uvar(pTHX_ IV action, SV *sv)
{
	HV *h = (HV *)sv;
	MAGIC *tie = mg_findext(sv, PERL_MAGIC_tied, &tie_vtbl), **mgp, *mg;
	SV *t = tie ? tie->mg_obj : NULL, *o;

	(void)action;
	/* h as made by dsngb_pl_lazy_cmd, and no walk under way; otherwise
	 * the tie's methods answer (a thread's copy, untie %$r) */
	if (!t || !SvROK(t) || SvTYPE(SvRV(t)) != SVt_PVMG || HvEITER_get(h))
		return 0;
	o = SvRV(t);
	if (INT2PTR(HV *, SvIVX(o) & ~FILLED) != h ||
	    mg_findext(o, PERL_MAGIC_ext, &owner_vtbl))
		return 0;
	if (!(SvIVX(o) & FILLED)) {
		fill(aTHX_ h, o);
		SvIV_set(o, SvIVX(o) | FILLED);
	}
	for (mgp = &((XPVMG *)SvANY(sv))->xmg_u.xmg_magic; (mg = *mgp);
	     mgp = &mg->mg_moremagic)
		if (mg->mg_type == PERL_MAGIC_uvar &&
		    mg->mg_virtual == &PL_vtbl_uvar)
			break;
	if (mg) {
		*mgp = mg->mg_moremagic;
		mg->mg_moremagic = NULL;
		Safefree(parked);
		parked = mg;
	}
	/* o given out by tied() (or t by an element proxy): it must still
	 * find h once the tie is gone */
	if (SvREFCNT(t) > 1 || SvREFCNT(o) > 1)
		detach(aTHX_ h, t);
	sv_unmagicext(sv, PERL_MAGIC_tied, &tie_vtbl); /* frees t, o if not */
	return 0;
}

/* uf_index is written by hv_common and never read: one table serves. */
static struct ufuncs lazy_uf = {lazy_uvar, NULL, 0};

/* After a method: h filled and no walk under way, so the tie can go. */
static void settle(pTHX_ HV *tied_h, SV *t)
{
	if (tied_h && !HvEITER_get(tied_h))
		untie(aTHX_ tied_h, t);
}

/* The tie's methods.  They share one frame: the count of arguments, the
 * hash to work on (target, which croaks on an object not made here) and,
 * for those that read or write the hash, h's own magic off around the
 * call and the tie gone after it (settle).  So one XSUB serves them all,
 * each name a CV of its own with its method in XSANY.any_i32 (as
 * xsubpp's ALIAS does), and croak_xs_usage names the method called. */
enum lazy_method {
	M_FETCH,
	M_STORE,
	M_EXISTS,
	M_DELETE,
	M_CLEAR,
	M_SCALAR,
	M_FIRSTKEY,
	M_NEXTKEY,
	M_UNTIE
};

static const struct {
	const char *name; /* DSNGuard::_LazyCmd::<name> */
	I32 items;        /* the arguments, obj first; -1: one or more */
	const char *usage;
} lazy_methods[] = {
        [M_FETCH] = {"FETCH", 2, "obj, key"},
        [M_STORE] = {"STORE", 3, "obj, key, value"},
        [M_EXISTS] = {"EXISTS", 2, "obj, key"},
        [M_DELETE] = {"DELETE", 2, "obj, key"},
        [M_CLEAR] = {"CLEAR", 1, "obj"},
        [M_SCALAR] = {"SCALAR", 1, "obj"},
        [M_FIRSTKEY] = {"FIRSTKEY", 1, "obj"},
        [M_NEXTKEY] = {"NEXTKEY", 2, "obj, lastkey"},
        [M_UNTIE] = {"UNTIE", -1, "obj, ..."},
};

/* FETCH, STORE, EXISTS, DELETE or CLEAR on h, with a tied h's magic off
 * (its real entries are otherwise out of reach); what the method returns,
 * NULL for nothing. */
static SV *hash_call(pTHX_ enum lazy_method which, HV *h, HV *tied_h, SV *key,
                     SV *value)
{
	U32 m = magic_off(tied_h);
	SV *ret = NULL;
	HE *he;

	switch (which) {
	case M_FETCH:
		he = hv_fetch_ent(h, key, 0, 0);
		ret = he ? HeVAL(he) : &PL_sv_undef;
		break;
	case M_STORE:
		(void)hv_store_ent(h, key, newSVsv(value), 0);
		break;
	case M_EXISTS:
		ret = boolSV(hv_exists_ent(h, key, 0));
		break;
	case M_DELETE:
		ret = hv_delete_ent(h, key, 0, 0); /* mortal */
		if (!ret)
			ret = &PL_sv_undef;
		break;
	default: /* M_CLEAR */
		hv_clear(h);
		break;
	}
	magic_on(tied_h, m);
	return ret;
}

/* The next key of the walk FIRSTKEY started, or undef at its end, when
 * the tie goes (the core's walk entry is freed right after). */
static SV *walk_next(pTHX_ SV *t, HV *tied_h)
{
	SV *o = SvRV(t), *k;
	MAGIC *mg = mg_findext(o, PERL_MAGIC_ext, &walk_vtbl);

	k = mg ? av_shift((AV *)mg->mg_obj) : &PL_sv_undef;
	if (k != &PL_sv_undef)
		return sv_2mortal(k);
	if (mg)
		sv_unmagicext(o, PERL_MAGIC_ext, &walk_vtbl);
	if (tied_h)
		untie(aTHX_ tied_h, t);
	return &PL_sv_undef;
}

/* The walk of keys/each/values starting on h still tied: the core's
 * hv_iternext has put its own entry for a tied walk in h's iterator and
 * called FIRSTKEY.  A method call for every key (NEXTKEY) made a walk
 * eight times the cost of the eager hash's, so the tie goes now and h's
 * plain iterator is stepped onto the first real entry, then the core's
 * entry is put back in front of the rest: it carries the first key (the
 * core sets it from what FIRSTKEY returns) and that entry's value, and
 * its next is the entry after, so the plain walk goes on from there and
 * frees the core's entry on its next step (HvLAZYDEL), as it frees an
 * entry deleted mid-walk. */
static SV *walk_handover(pTHX_ HV *h, SV *t, HE *core)
{
	HE *e;

	untie(aTHX_ h, t);
	HvLAZYDEL_off(h); /* the core's entry must outlive this step */
	e = hv_iternext(h);
	HvAUX(h)->xhv_eiter = core;
	if (!e) { /* no keys: the core ends its walk and frees its entry */
		HvAUX(h)->xhv_riter = -1;
		HvLAZYDEL_on(h);
		return &PL_sv_undef;
	}
	HeNEXT(core) = HeNEXT(e);
	HeVAL(core) = SvREFCNT_inc(HeVAL(e));
	HvLAZYDEL_on(h);
	return sv_2mortal(newSVhek(HeKEY_hek(e)));
}

/* Otherwise (a copy's private hash, or FIRSTKEY called by hand) the keys
 * are taken from the buckets, not with the target's iterator: while h is
 * tied, that iterator holds the core's entry of this very walk. */
static SV *first_key(pTHX_ SV *t, HV *h, HV *tied_h)
{
	AV *keys;
	STRLEN i;
	HE *he;

	if (tied_h && (he = HvEITER_get(tied_h)) && HeKLEN(he) == HEf_SVKEY &&
	    !HeVAL(he) && !HeNEXT(he))
		return walk_handover(aTHX_ tied_h, t, he);
	keys = newAV();
	av_extend(keys, (SSize_t)HvUSEDKEYS(h));
	if (HvARRAY(h))
		for (i = 0; i <= HvMAX(h); i++)
			for (he = HvARRAY(h)[i]; he; he = HeNEXT(he))
				if (HeVAL(he) != &PL_sv_placeholder)
					av_push(keys, newSVhek(HeKEY_hek(he)));
	sv_unmagicext(SvRV(t), PERL_MAGIC_ext, &walk_vtbl);
	sv_magicext(SvRV(t), (SV *)keys, PERL_MAGIC_ext, &walk_vtbl, NULL, 0);
	SvREFCNT_dec((SV *)keys);
	return walk_next(aTHX_ t, tied_h);
}

/* Every method of the tie (see lazy_methods).  The walk's and untie's
 * leave the tie to walk_next and the core; untie %$r keeps the hash's
 * keys (the core removes the tie itself once this returns). */
XS(lazy_method);
XS(lazy_method)
{
	dXSARGS;
	dXSI32;
	enum lazy_method which = (enum lazy_method)ix;
	SV *t, *ret;
	HV *h, *tied_h;

	if (lazy_methods[which].items < 0 ? items < 1
	                                  : items != lazy_methods[which].items)
		croak_xs_usage(cv, lazy_methods[which].usage);
	t = ST(0);
	h = target(aTHX_ t, &tied_h);
	switch (which) {
	case M_FIRSTKEY:
		ST(0) = first_key(aTHX_ t, h, tied_h);
		XSRETURN(1);
	case M_NEXTKEY:
		ST(0) = walk_next(aTHX_ t, tied_h);
		XSRETURN(1);
	case M_UNTIE:
		if (tied_h) {
			detach(aTHX_ tied_h, t);
			unhook(aTHX_ tied_h);
		}
		XSRETURN_EMPTY;
	case M_SCALAR:
		ret = sv_2mortal(newSVuv((UV)HvUSEDKEYS(h)));
		break;
	default:
		ret = hash_call(aTHX_ which, h, tied_h,
		                items > 1 ? ST(1) : NULL,
		                items > 2 ? ST(2) : NULL);
		break;
	}
	settle(aTHX_ tied_h, t);
	if (!ret)
		XSRETURN_EMPTY;
	ST(0) = ret;
	XSRETURN(1);
}

/* A new ithread: its own stash pointer. */
XS(lazy_clone);
XS(lazy_clone)
{
	dXSARGS;
	(void)items;
	{
		MY_CXT_CLONE;
		MY_CXT.stash = gv_stashpvs(LAZY_CLASS, GV_ADD);
	}
	XSRETURN_EMPTY;
}

SV *dsngb_pl_lazy_cmd(pTHX_ const char *p, STRLEN n)
{
	dMY_CXT;
	struct dsng_error err;
	MAGIC *mg;
	SV *o, *t;
	HV *h;

	if (!tl.ready) {
		dsng_cmd_init(&tl.c, DSNG_CMD_VERSION);
		dsng_cmd_opts_init(&tl.opts, DSNG_CMD_OPTS_VERSION);
		tl.ready = 1;
	}
	dsng_error_init(&err, DSNG_ERROR_VERSION);
	o = newSV_type(SVt_PVMG);
	sv_setpvn(o, p, n);
	tl.owner = NULL;
	if (dsng_cmd_parse(&tl.c, SvPVX(o), n, &tl.opts, &err) != DSNG_OK) {
		SvREFCNT_dec(o);
		dsngb_pl_croak(aTHX_ & err);
	}
	tl.owner = o;
	h = newHV();
	SvIV_set(o, PTR2IV(h));
	t = newRV_noinc(o);
	(void)sv_bless(t, MY_CXT.stash);
	mg = sv_magicext((SV *)h, t, PERL_MAGIC_tied, &tie_vtbl, NULL, 0);
	mg->mg_flags |= MGf_DUP;
	SvREFCNT_dec(t); /* the magic holds it */
	(void)sv_magicext((SV *)h, NULL, PERL_MAGIC_uvar, &PL_vtbl_uvar,
	                  (const char *)&lazy_uf, 0);
	return newRV_noinc((SV *)h);
}

void dsngb_pl_lazy_init(pTHX)
{
	size_t i;
	MY_CXT_INIT;
	MY_CXT.stash = gv_stashpvs(LAZY_CLASS, GV_ADD);
	for (i = 0; i < sizeof(lazy_methods) / sizeof(lazy_methods[0]); i++) {
		char name[64];
		CV *cv;

		snprintf(name, sizeof(name), LAZY_CLASS "::%s",
		         lazy_methods[i].name);
		cv = newXS(name, lazy_method, __FILE__);
		CvXSUBANY(cv).any_i32 = (I32)i;
	}
	newXS(LAZY_CLASS "::CLONE", lazy_clone, __FILE__);
}
