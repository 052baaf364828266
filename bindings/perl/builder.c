/*
 * bindings/perl/builder.c - native Perl values for the walks of
 * convert/walk.h (hash refs, array refs, strings), and the ParseError
 * object thrown with die.
 *
 * Strings: every string a result holds is a character string with the
 * UTF-8 flag on, whatever its content (ASCII too), so the flag never
 * flips with the input; octets that are not valid UTF-8 become U+FFFD,
 * as in Python.  The one exception is xtext_decode of a byte string,
 * which gives octets (the flag off): xtext encodes octets.
 */
#include "EXTERN.h"
#include "perl.h"
#include "XSUB.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

/* Perl dies by itself when its allocations fail; a NULL value is a
 * walk's own failed malloc, recorded for dsngb_native_failed. */
static int pl_failed;

/* A map about to get n keys, its bucket array allocated once. */
static void *pl_map_new_n(size_t n)
{
	dTHX;
	HV *hv = newHV();

	hv_ksplit(hv, (IV)n);
	return newRV_noinc((SV *)hv);
}

/* Keys and their hashes, found again by the key's address (the walks
 * pass string literals) and checked against the text, so a key built in
 * a reused buffer (ehlo.c) is never mistaken for another: hashing each
 * key on every store was a good part of a parse_cmd call.  The hash
 * depends only on the process's hash seed, so one cache serves every
 * interpreter.  ithreads run at once: an entry is written whole before
 * it is published and never changed or freed after, and a slot is only
 * ever filled once, so the cache holds at most KEY_SLOTS entries. */
#define KEY_SLOTS 512
#define KEY_MAX 40

struct key_entry {
	const char *addr;
	U32 hash;
	I32 len;
	char text[KEY_MAX];
};

static _Atomic(struct key_entry *) key_cache[KEY_SLOTS];

static int same_text(const char *a, const char *b)
{
	while (*a == *b) {
		if (!*a)
			return 1;
		a++;
		b++;
	}
	return 0;
}

static void pl_map_set(void *map, const char *key, void *val)
{
	dTHX;
	HV *hv = (HV *)SvRV((SV *)map);
	uintptr_t a = (uintptr_t)key;
	size_t h = (size_t)(((a >> 3) * UINT64_C(0x9E3779B97F4A7C15)) >> 40), i,
	       n;
	_Atomic(struct key_entry *) *empty = NULL;
	struct key_entry *e;
	U32 hash;

	if (!val) {
		pl_failed = 1;
		val = newSV(0);
	}
	for (i = 0; i < 8; i++) {
		_Atomic(struct key_entry *) *slot =
		        &key_cache[(h + i) & (KEY_SLOTS - 1)];

		e = atomic_load_explicit(slot, memory_order_acquire);
		if (!e) {
			empty = slot;
			break;
		}
		if (e->addr == key && same_text(e->text, key)) {
			(void)hv_store(hv, key, e->len, (SV *)val, e->hash);
			return;
		}
	}
	n = strlen(key);
	PERL_HASH(hash, key, n);
	(void)hv_store(hv, key, (I32)n, (SV *)val, hash);
	if (empty && n < KEY_MAX && (e = malloc(sizeof(*e)))) {
		struct key_entry *none = NULL;

		e->addr = key;
		e->hash = hash;
		e->len = (I32)n;
		memcpy(e->text, key, n + 1);
		/* another thread may have filled the slot meanwhile */
		if (!atomic_compare_exchange_strong_explicit(
		            empty, &none, e, memory_order_release,
		            memory_order_relaxed))
			free(e);
	}
}

static void pl_list_push(void *list, void *val)
{
	dTHX;
	if (!val) {
		pl_failed = 1;
		val = newSV(0);
	}
	av_push((AV *)SvRV((SV *)list), (SV *)val);
}

static void *pl_str(const char *p, size_t n)
{
	dTHX;
	const U8 *s = (const U8 *)p, *e = s + n, *run = s;
	SV *sv;

	if (is_utf8_string(s, n)) {
		sv = newSVpvn(p, n);
		SvUTF8_on(sv);
		return sv;
	}
	/* valid runs kept, each invalid octet replaced by U+FFFD */
	sv = newSVpvn("", 0);
	while (s < e) {
		STRLEN k = isUTF8_CHAR(s, e);

		if (k) {
			s += k;
			continue;
		}
		sv_catpvn(sv, (const char *)run, (STRLEN)(s - run));
		sv_catpvn(sv, "\xEF\xBF\xBD", 3);
		run = ++s;
	}
	sv_catpvn(sv, (const char *)run, (STRLEN)(s - run));
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

void *dsngb_native_bytes(const char *p, size_t n)
{
	dTHX;
	return newSVpvn(p, n);
}

int dsngb_native_failed(void)
{
	int f = pl_failed;

	pl_failed = 0;
	return f;
}

void *dsngb_native_unlock(void)
{
	return NULL;
}

void dsngb_native_relock(void *state)
{
	(void)state;
}

void dsngb_native_free(void *v)
{
	dTHX;
	if (v)
		SvREFCNT_dec((SV *)v);
}

const struct dsngb_builder dsngb_native = {
        pl_map_new, pl_list_new, pl_map_set, pl_list_push, pl_str,
        pl_integer, pl_boolean,  pl_none,    pl_uinteger,  NULL,
};

void dsngb_pl_croak(pTHX_ const struct dsng_error *err)
{
	/* out of memory and misuse croak with a plain message */
	if (err->rc == DSNG_ENOMEM || err->rc == DSNG_EINVAL)
		croak("DSNGuard: %s", err->message);
	HV *hv = newHV();
	const char *code = dsng_error_kind_name(err->kind);
	SV *ref;

	(void)hv_stores(hv, "code", newSVpv(code, 0));
	(void)hv_stores(hv, "offset", newSVuv((UV)err->offset));
	(void)hv_stores(hv, "reply",
	                err->reply ? newSViv(err->reply) : newSV(0));
	(void)hv_stores(hv, "enhanced",
	                newSVpv(err->enhanced ? err->enhanced : "", 0));
	(void)hv_stores(hv, "message", newSVpv(err->message, 0));
	ref = sv_bless(newRV_noinc((SV *)hv),
	               gv_stashpv("DSNGuard::ParseError", GV_ADD));
	croak_sv(sv_2mortal(ref));
}
