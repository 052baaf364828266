/*
 * bindings/perl/reader.c - Perl values read through the struct
 * dsngb_reader of convert/read.h (hashref, arrayref, string, integer,
 * boolean, undef), for build_report's SPEC.  Booleans are Perl's own
 * (!!1, 5.36) or JSON::PP-style blessed ones; character strings are read
 * as UTF-8, byte strings as their octets.  Values are borrowed.
 */
#include "EXTERN.h"
#include "perl.h"
#include "XSUB.h"

#define DSNGB_PERL 1
#include "api_more.h"
#include "read.h"

static enum dsngb_kind pl_kind(void *v)
{
	dTHX;
	SV *sv = v;

	SvGETMAGIC(sv);
	if (!SvOK(sv))
		return DSNGB_NULL;
	if (SvROK(sv)) {
		SV *t = SvRV(sv);

		if (sv_isobject(sv) &&
		    (sv_derived_from(sv, "JSON::PP::Boolean") ||
		     sv_derived_from(sv, "boolean")))
			return DSNGB_BOOL;
		if (SvTYPE(t) == SVt_PVHV)
			return DSNGB_MAP;
		if (SvTYPE(t) == SVt_PVAV)
			return DSNGB_LIST;
		return DSNGB_OTHER;
	}
#ifdef SvIsBOOL
	if (SvIsBOOL(sv))
		return DSNGB_BOOL;
#endif
	if (SvIOK(sv))
		return DSNGB_INT;
	if (SvNOK(sv) && !SvPOK(sv)) {
		NV n = SvNV(sv);

		if (n == (NV)(IV)n)
			return DSNGB_INT;
		return DSNGB_OTHER;
	}
	return DSNGB_STR;
}

static void *pl_map_get(void *m, const char *key)
{
	dTHX;
	HV *hv = (HV *)SvRV((SV *)m);
	SV **v = hv_fetch(hv, key, (I32)strlen(key), 0);

	return v ? *v : NULL;
}

static int pl_map_each(void *m, int (*fn)(void *arg, const char *key),
                       void *arg)
{
	dTHX;
	HV *hv = (HV *)SvRV((SV *)m);
	HE *he;
	int rc;

	hv_iterinit(hv);
	while ((he = hv_iternext(hv))) {
		I32 n;
		const char *k = hv_iterkey(he, &n);

		if ((rc = fn(arg, k)))
			return rc;
	}
	return 0;
}

static size_t pl_list_len(void *l)
{
	dTHX;
	return (size_t)(av_len((AV *)SvRV((SV *)l)) + 1);
}

static void *pl_list_get(void *l, size_t i)
{
	dTHX;
	SV **v = av_fetch((AV *)SvRV((SV *)l), (SSize_t)i, 0);

	/* a hole in the array reads as undef */
	return v ? *v : &PL_sv_undef;
}

static const char *pl_str(void *v, size_t *len)
{
	dTHX;
	STRLEN n;
	const char *p = SvPV((SV *)v, n);

	*len = (size_t)n;
	return p;
}

static long long pl_int(void *v)
{
	dTHX;
	SV *sv = v;

	if (SvIsUV(sv))
		return SvUV(sv) > (UV)LLONG_MAX ? LLONG_MAX
		                                : (long long)SvUV(sv);
	return (long long)SvIV(sv);
}

static bool pl_bool(void *v)
{
	dTHX;
	SV *sv = v;

	if (SvROK(sv))
		return SvTRUE(SvRV(sv));
	return SvTRUE(sv);
}

const struct dsngb_reader dsngb_native_reader = {
        pl_kind,     pl_map_get, pl_map_each, pl_list_len,
        pl_list_get, pl_str,     pl_int,      pl_bool};
