/*
 * bindings/perl/builder.c - native Perl values for the walks of convert/walk.h (hash refs,
 * array refs, strings flagged UTF-8 when they are), and the ParseError
 * object thrown with die.
 */
#include "EXTERN.h"
#include "perl.h"
#include "XSUB.h"

#define DSNGB_PERL 1
#include "api.h"

static void *pl_map_new(void)
{
	dTHX;
	return newRV_noinc((SV *)newHV());
}

static void *pl_list_new(void)
{
	dTHX;
	return newRV_noinc((SV *)newAV());
}

static void pl_map_set(void *map, const char *key, void *val)
{
	dTHX;
	(void)hv_store((HV *)SvRV((SV *)map), key, (I32)strlen(key), (SV *)val, 0);
}

static void pl_list_push(void *list, void *val)
{
	dTHX;
	av_push((AV *)SvRV((SV *)list), (SV *)val);
}

static void *pl_str(const char *p, size_t n)
{
	dTHX;
	SV *sv = newSVpvn(p, n);

	/* Flag valid UTF-8 as characters; other bytes stay bytes. */
	if (is_utf8_string((const U8 *)p, n))
		SvUTF8_on(sv);
	return sv;
}

static void *pl_integer(long long v)
{
	dTHX;
	return newSViv((IV)v);
}

static void *pl_boolean(int v)
{
	dTHX;
	return v ? newSViv(1) : newSVpvn("", 0);
}

static void *pl_none(void)
{
	dTHX;
	return newSV(0);
}

/* A UV holds every uint64_t on perls with 64-bit integers (IVSIZE 8, the
 * norm); elsewhere an NV is the closest Perl has. */
static void *pl_uinteger(unsigned long long v)
{
	dTHX;
#if UVSIZE >= 8
	return newSVuv((UV)v);
#else
	return v <= (unsigned long long)UV_MAX ? newSVuv((UV)v)
	                                       : newSVnv((NV)v);
#endif
}

const struct dsngb_builder dsngb_native = {
        pl_map_new, pl_list_new, pl_map_set, pl_list_push, pl_str,
        pl_integer, pl_boolean,  pl_none,    pl_uinteger,
};

void dsngb_pl_croak(pTHX_ const struct dsng_error *err)
{
	HV *hv = newHV();
	const char *code = dsng_error_kind_name(err->kind);
	SV *ref;

	(void)hv_stores(hv, "code", newSVpv(code, 0));
	(void)hv_stores(hv, "offset", newSVuv((UV)err->offset));
	(void)hv_stores(hv, "reply", err->reply ? newSViv(err->reply) : newSV(0));
	(void)hv_stores(hv, "enhanced",
	                newSVpv(err->enhanced ? err->enhanced : "", 0));
	(void)hv_stores(hv, "message", newSVpv(err->message, 0));
	ref = sv_bless(newRV_noinc((SV *)hv),
	               gv_stashpv("DSNGuard::ParseError", GV_ADD));
	croak_sv(sv_2mortal(ref));
}
