/*
 * lib/mime_words.c - RFC 2047 encoded words ("=?charset?B?...?=") in
 * returned header values, decoded to UTF-8 that is always valid and never
 * holds a NUL, whatever the input:
 *
 * - charsets: utf-8 (utf8) and us-ascii (ascii, ansi_x3.4-1968) are
 *   checked here, iso-8859-1 (latin1, l1) is mapped here, every other name
 *   goes through iconv; a charset iconv does not know leaves the word as
 *   written (its text is checked like any raw text);
 * - an octet the charset does not allow (invalid UTF-8, 8-bit in
 *   us-ascii, what iconv refuses) becomes one U+FFFD per octet, and an
 *   encoded NUL, CR or LF becomes U+FFFD too, so nothing is cut or dropped
 *   silently and no decoded value can end a header line;
 * - adjacent encoded words of the same charset are joined before they are
 *   converted: RFC 2047 section 5 forbids splitting a character across
 *   two words, but senders do it, and a character cut in two then
 *   survives (the split is noted);
 * - raw text between the words must be UTF-8 (RFC 6532); other octets and
 *   NULs become U+FFFD the same way;
 * - white space between two encoded words is dropped (section 6.2).
 *
 * Each kind of problem is noted once per value, at its first occurrence,
 * to the caller's callback (offset in the input).  One pass: every input
 * octet is looked at a bounded number of times.
 */
#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

#include "chars.h"
#include "mime_int.h"
#include "mime_scan.h"

/* A growing output buffer; `bad` once an allocation failed. */
struct out {
	TALLOC_CTX *mem;
	char *p;
	size_t len, cap;
	int bad;
};

static int reserve(struct out *o, size_t n)
{
	size_t cap;
	char *p;

	if (o->bad)
		return 0;
	if (o->cap - o->len > n)
		return 1;
	cap = o->cap ? o->cap : 64;
	while (cap - o->len <= n) {
		if (cap > SIZE_MAX / 2 || cap > UINT32_MAX / 2) {
			o->bad = 1;
			return 0;
		}
		cap *= 2;
	}
	p = talloc_realloc(o->mem, o->p, char, (unsigned)cap);
	if (!p) {
		o->bad = 1;
		return 0;
	}
	o->p = p;
	o->cap = cap;
	return 1;
}

static void put(struct out *o, const char *s, size_t n)
{
	if (n && reserve(o, n)) {
		memcpy(o->p + o->len, s, n);
		o->len += n;
	}
}

/* A NUL would cut the text; a CR or LF, written back into a header, would
 * end it and start another (header injection, the class of Python's
 * CVE-2024-6923): none of them is ever decoded as itself. */
static bool breaks_header(unsigned char c)
{
	return c == 0 || c == '\r' || c == '\n';
}

static void put_fffd(struct out *o)
{
	put(o, "\xEF\xBF\xBD", 3);
}

/* Problems, each reported once per call. */
enum { P_UTF8 = 0, P_CHARSET, P_NUL, P_UNKNOWN, P_RAW, P_SPLIT, P__COUNT };
static const char *const messages[P__COUNT] = {
        "invalid UTF-8 in an encoded word replaced by U+FFFD",
        "octet not valid in the encoded word's charset replaced by U+FFFD",
        "encoded NUL, CR or LF replaced by U+FFFD",
        "encoded word in an unknown charset kept as written",
        "raw octet that is not UTF-8 (or a NUL, CR, LF) replaced by U+FFFD",
        "character split across two encoded words, joined",
};

enum cs_kind { CS_UTF8, CS_ASCII, CS_LATIN1, CS_ICONV };

/* One encoded word as written. */
struct word {
	const char *start, *end; /* "=?" .. past "?=" */
	const char *cs;          /* charset name, without *language */
	size_t cs_len;
	char enc; /* 'B' or 'Q' */
	const char *text, *text_end;
};

/* Adjacent words of one charset, decoded, waiting to be converted. */
struct run {
	int active;
	char cs[64];
	enum cs_kind kind;
	iconv_t cd;
	struct out bytes;
	/* per word: where it starts in bytes and in the input */
	size_t *at_byte;
	const char **at_input;
	size_t n_words;
};

struct dec {
	const char *in;
	struct out o;
	struct run run;
	unsigned noted;
	dsng__words_note_fn note;
	void *arg;
	int rc;
	/* the first "?=" at or after scan_from (NULL: none to the end) */
	const char *scan_from, *scan_hit;
};

static void note(struct dec *d, int kind, const char *at)
{
	if (d->noted & (1u << kind))
		return;
	d->noted |= 1u << kind;
	if (d->note && d->rc == DSNG_OK &&
	    d->note(d->arg, (size_t)(at - d->in), messages[kind]) < 0)
		d->rc = DSNG_ENOMEM;
}

/* The first "?=" at or after p, or NULL.  Searches start at increasing
 * positions, and the answer for p is the answer for any later p up to the
 * hit, so the input is scanned once however many "=?" it holds. */
static const char *find_end(struct dec *d, const char *p, const char *end)
{
	const char *q;

	if (d->scan_from && p >= d->scan_from &&
	    (!d->scan_hit || p <= d->scan_hit))
		return d->scan_hit;
	for (q = p; q + 1 < end; q++)
		if (q[0] == '?' && q[1] == '=')
			break;
	d->scan_from = p;
	d->scan_hit = q + 1 < end ? q : NULL;
	return d->scan_hit;
}

/* Parse the syntax of an encoded word at p ("=?"). */
static int parse_word(struct dec *d, const char *p, const char *end,
                      struct word *w)
{
	const char *q = p + 2, *star;

	/* a token (RFC 2047 section 2): no space, control or 8-bit */
	while (q < end && *q != '?' && q - (p + 2) < 64) {
		if ((unsigned char)*q <= ' ' || (unsigned char)*q >= 127)
			return 0;
		q++;
	}
	if (q == p + 2 || q - (p + 2) >= 64 || q >= end || *q != '?' ||
	    end - q < 4 || q[2] != '?')
		return 0;
	if (q[1] != 'B' && q[1] != 'b' && q[1] != 'Q' && q[1] != 'q')
		return 0;
	w->start = p;
	w->cs = p + 2;
	w->cs_len = (size_t)(q - w->cs);
	/* RFC 2231 section 5: charset*language */
	star = memchr(w->cs, '*', w->cs_len);
	if (star)
		w->cs_len = (size_t)(star - w->cs);
	if (w->cs_len == 0)
		return 0;
	w->enc = (char)(q[1] & ~0x20);
	w->text = q + 3;
	w->text_end = find_end(d, w->text, end);
	if (!w->text_end)
		return 0;
	w->end = w->text_end + 2;
	return 1;
}

static int name_is(const char *cs, const char *const *names)
{
	for (; *names; names++)
		if (strcasecmp(cs, *names) == 0)
			return 1;
	return 0;
}

/* Classify a charset name: 1 with *kind (and *cd for iconv), 0 when
 * unknown. */
static int classify(const char *cs, enum cs_kind *kind, iconv_t *cd)
{
	static const char *const utf8[] = {"utf-8", "utf8", NULL};
	static const char *const ascii[] = {"us-ascii", "ascii",
	                                    "ansi_x3.4-1968", NULL};
	static const char *const latin1[] = {
	        "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1", NULL};

	if (name_is(cs, utf8)) {
		*kind = CS_UTF8;
	} else if (name_is(cs, ascii)) {
		*kind = CS_ASCII;
	} else if (name_is(cs, latin1)) {
		*kind = CS_LATIN1;
	} else {
		*cd = iconv_open("UTF-8", cs);
		if (*cd == (iconv_t)-1)
			return 0;
		*kind = CS_ICONV;
	}
	return 1;
}

/* Where decoded byte k of the run came from: its word in the input. */
static const char *origin(const struct run *r, size_t k)
{
	size_t lo = 0, hi = r->n_words;

	/* the last word that starts at or before k */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->at_byte[mid] <= k)
			lo = mid;
		else
			hi = mid;
	}
	return r->at_input[lo];
}

/* Append UTF-8 checked bytes to d->o: each octet of an invalid sequence
 * and each NUL, CR and LF becomes U+FFFD.  Problems point at the word of the
 * run the byte came from, or at `at` when run is NULL, or (both NULL: raw input
 * text) at the byte itself. */
static void put_checked(struct dec *d, const unsigned char *b, size_t n,
                        const struct run *run, const char *at, int bad_kind,
                        int nul_kind)
{
	size_t i = 0, start, next = 1; /* the next word boundary of run */

	while (i < n) {
		uint32_t cp;
		size_t k;

		start = i;
		while (i < n && !breaks_header(b[i]) && b[i] < 0x80)
			i++;
		put(&d->o, (const char *)b + start, i - start);
		if (i >= n)
			break;
		if (breaks_header(b[i])) {
			note(d, nul_kind,
			     run  ? origin(run, i)
			     : at ? at
			          : (const char *)b + i);
			put_fffd(&d->o);
			i++;
			continue;
		}
		k = dsng__utf8_seq(b + i, n - i, &cp);
		if (k) {
			/* a word boundary inside the character: it was split */
			while (run && next < run->n_words &&
			       run->at_byte[next] <= i)
				next++;
			if (run && next < run->n_words &&
			    run->at_byte[next] < i + k)
				note(d, P_SPLIT, run->at_input[next]);
			put(&d->o, (const char *)b + i, k);
			i += k;
		} else {
			note(d, bad_kind,
			     run  ? origin(run, i)
			     : at ? at
			          : (const char *)b + i);
			put_fffd(&d->o);
			i++;
		}
	}
}

/* The run through iconv into UTF-8, then checked like UTF-8 (a NUL from
 * UTF-16 or UCS-4 is still replaced). */
static void put_iconv(struct dec *d, struct run *r)
{
	struct out t = {r->bytes.mem, NULL, 0, 0, 0};
	char *ip = r->bytes.p;
	size_t il = r->bytes.len;
	int flushed = 0, e;

	while (!t.bad) {
		char *op;
		size_t ol, rv;

		if (!reserve(&t, il * 4 + 16))
			break;
		op = t.p + t.len;
		ol = t.cap - t.len;
		rv = il ? iconv(r->cd, &ip, &il, &op, &ol)
		        : iconv(r->cd, NULL, NULL, &op, &ol);
		t.len = (size_t)(op - t.p);
		if (rv != (size_t)-1) {
			if (il == 0 && flushed)
				break;
			if (il == 0)
				flushed = 1;
			continue;
		}
		e = errno;
		if (e == E2BIG) {
			if (!reserve(&t, t.cap))
				break;
			continue;
		}
		/* EILSEQ: one U+FFFD for the octet, go on; EINVAL (a
		 * sequence cut at the end): one for each octet left */
		note(d, P_CHARSET, origin(r, (size_t)(ip - r->bytes.p)));
		put_fffd(&t);
		if (il == 0)
			break; /* the final shift sequence failed */
		ip++;
		il--;
		if (e == EINVAL)
			for (; il; ip++, il--)
				put_fffd(&t);
	}
	if (t.bad) {
		d->o.bad = 1;
	} else {
		/* positions in the converted text are not input positions:
		 * problems there point at the run's first word */
		put_checked(d, (const unsigned char *)t.p, t.len, NULL,
		            r->at_input[0], P_CHARSET, P_NUL);
	}
	talloc_free(t.p);
}

static void flush(struct dec *d)
{
	struct run *r = &d->run;
	const unsigned char *b = (const unsigned char *)r->bytes.p;
	size_t i, n = r->bytes.len;

	if (!r->active)
		return;
	switch (r->kind) {
	case CS_UTF8:
		put_checked(d, b, n, r, NULL, P_UTF8, P_NUL);
		break;
	case CS_ASCII:
		for (i = 0; i < n; i++) {
			if (breaks_header(b[i]) || b[i] >= 0x80) {
				note(d, b[i] >= 0x80 ? P_CHARSET : P_NUL,
				     origin(r, i));
				put_fffd(&d->o);
			} else {
				put(&d->o, (const char *)b + i, 1);
			}
		}
		break;
	case CS_LATIN1:
		for (i = 0; i < n; i++) {
			char u[2];
			if (breaks_header(b[i])) {
				note(d, P_NUL, origin(r, i));
				put_fffd(&d->o);
			} else if (b[i] < 0x80) {
				put(&d->o, (const char *)b + i, 1);
			} else {
				u[0] = (char)(0xC0 | (b[i] >> 6));
				u[1] = (char)(0x80 | (b[i] & 0x3F));
				put(&d->o, u, 2);
			}
		}
		break;
	case CS_ICONV:
		put_iconv(d, r);
		iconv_close(r->cd);
		break;
	}
	r->active = 0;
	r->bytes.len = 0;
	r->n_words = 0;
}

/* Decode w's text onto the run. */
static void add_word(struct dec *d, const struct word *w)
{
	struct run *r = &d->run;
	size_t n = (size_t)(w->text_end - w->text), *ab;
	const char **ai;

	ab = DSNG__GROW(r->bytes.mem, r->at_byte, size_t, r->n_words);
	if (ab)
		r->at_byte = ab;
	ai = DSNG__GROW(r->bytes.mem, r->at_input, const char *, r->n_words);
	if (ai)
		r->at_input = ai;
	if (!ab || !ai || !reserve(&r->bytes, n + 4)) {
		d->o.bad = 1;
		return;
	}
	r->at_byte[r->n_words] = r->bytes.len;
	r->at_input[r->n_words] = w->start;
	r->n_words++;
	if (w->enc == 'B') {
		r->bytes.len += dsng_mime_base64_decode(
		        r->bytes.p + r->bytes.len, w->text, n);
	} else {
		char *t = r->bytes.p + r->bytes.len;
		size_t i;
		for (i = 0; i < n; i++)
			t[i] = w->text[i] == '_' ? ' ' : w->text[i];
		r->bytes.len += dsng_mime_qp_decode(t, t, n);
	}
}

/* Raw text (not encoded words) p..end, checked. */
static void put_raw(struct dec *d, const char *p, const char *end)
{
	put_checked(d, (const unsigned char *)p, (size_t)(end - p), NULL, NULL,
	            P_RAW, P_RAW);
}

/* The next "=?" after p, or end. */
static const char *next_start(const char *p, const char *end)
{
	while (p + 1 < end) {
		const char *q = memchr(p + 1, '=', (size_t)(end - p - 1));
		if (!q || q + 1 >= end)
			break;
		if (q[1] == '?')
			return q;
		p = q;
	}
	return end;
}

#if defined(__SSE2__)
/* Some octet of p[0..16) has bit 7 set or is a NUL, CR or LF, or (words)
 * is an '=' followed by '?'; reads p[0..17). */
static bool not_plain16(const char *p, bool words)
{
	__m128i x = dsng__ld128(p);
	__m128i m = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_setzero_si128()),
	                         _mm_cmpeq_epi8(x, _mm_set1_epi8('\r')));

	m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8('\n')));
	if (words)
		m = _mm_or_si128(
		        m, _mm_and_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('=')),
		                         _mm_cmpeq_epi8(dsng__ld128(p + 1),
		                                        _mm_set1_epi8('?'))));
	/* bit 7 of x itself: an 8-bit octet */
	return _mm_movemask_epi8(_mm_or_si128(m, x)) != 0;
}
#endif

/* p..len is ASCII without NUL, CR or LF, and (decoding) without "=?":
 * every octet would be put as itself.  Sixteen octets a step with SSE2,
 * the last window ending at the last pair (as a value is seldom a
 * multiple of 16), one pass for the octets and the "=?" alike. */
bool dsng__mime_words_plain(const char *p, size_t len, unsigned flags)
{
	bool words = (flags & DSNG__WORDS_DECODE) != 0;
	size_t i = 0;

#if defined(__SSE2__)
	if (len >= 17) {
		for (; i + 17 <= len; i += 16)
			if (not_plain16(p + i, words))
				return false;
		if (not_plain16(p + len - 17, words))
			return false;
		/* the last octet starts no pair */
		i = len - 1;
	}
#endif
	for (; i < len; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c >= 0x80 || breaks_header(c) ||
		    (words && c == '=' && i + 1 < len && p[i + 1] == '?'))
			return false;
	}
	return true;
}

char *dsng__mime_words(TALLOC_CTX *mem, const char *p, size_t len,
                       unsigned flags, size_t *out_len, dsng__words_note_fn fn,
                       void *arg)
{
	const char *end = p + len, *s = p;
	const char *ws = NULL, *ws_end = NULL; /* blanks after a word */
	TALLOC_CTX *tmp;
	struct dec d;
	char *res = NULL;

	if (dsng__mime_words_plain(p, len, flags)) {
		/* most values: the result is a copy, one allocation */
		res = talloc_array(mem, char, len + 1);
		if (!res)
			return NULL;
		memcpy(res, p, len);
		res[len] = 0;
		if (out_len)
			*out_len = len;
		return res;
	}
	tmp = talloc_new(NULL);
	if (!tmp)
		return NULL;
	memset(&d, 0, sizeof(d));
	d.in = p;
	d.o.mem = tmp;
	d.run.bytes.mem = tmp;
	d.note = fn;
	d.arg = arg;
	while (s < end && !d.o.bad && d.rc == DSNG_OK) {
		struct word w;
		if ((flags & DSNG__WORDS_DECODE) && end - s >= 2 &&
		    s[0] == '=' && s[1] == '?' && parse_word(&d, s, end, &w)) {
			char cs[64];
			enum cs_kind kind;
			iconv_t cd = (iconv_t)-1;
			memcpy(cs, w.cs, w.cs_len);
			cs[w.cs_len] = 0;
			if (!(d.run.active && strcasecmp(cs, d.run.cs) == 0)) {
				if (!classify(cs, &kind, &cd)) {
					/* kept as written, checked as raw */
					note(&d, P_UNKNOWN, s);
					flush(&d);
					if (ws)
						put_raw(&d, ws, ws_end);
					ws = NULL;
					put_raw(&d, s, w.end);
					s = w.end;
					continue;
				}
				flush(&d);
				d.run.active = 1;
				memcpy(d.run.cs, cs, w.cs_len + 1);
				d.run.kind = kind;
				d.run.cd = cd;
			}
			/* blanks between two encoded words are dropped */
			add_word(&d, &w);
			s = w.end;
			/* blanks after a word wait for what follows them */
			ws = ws_end = s;
			while (ws_end < end &&
			       (*ws_end == ' ' || *ws_end == '\t'))
				ws_end++;
			s = ws_end;
			continue;
		}
		flush(&d);
		if (ws)
			put_raw(&d, ws, ws_end);
		ws = NULL;
		{
			/* up to the next word that may start */
			const char *stop = (flags & DSNG__WORDS_DECODE)
			                           ? next_start(s, end)
			                           : end;
			put_raw(&d, s, stop);
			s = stop;
		}
	}
	flush(&d);
	if (ws)
		put_raw(&d, ws, ws_end);
	if (!d.o.bad && d.rc == DSNG_OK && reserve(&d.o, 1)) {
		d.o.p[d.o.len] = 0;
		res = talloc_steal(mem, d.o.p);
		if (out_len)
			*out_len = d.o.len;
	}
	talloc_free(tmp);
	return res;
}

char *dsng_mime_decode_words(TALLOC_CTX *mem, const char *p, size_t len)
{
	if (!p && len)
		return NULL;
	return dsng__mime_words(mem, p ? p : "", len, DSNG__WORDS_DECODE, NULL,
	                        NULL, NULL);
}
