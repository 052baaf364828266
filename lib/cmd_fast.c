/*
 * lib/cmd_fast.c - the usual MAIL FROM / RCPT TO line in one pass: a
 * bracketed dot-atom@domain path, then single-spaced parameters of the
 * kinds real clients send (NOTIFY, ORCPT, ENVID, SIZE, RET, BODY,
 * SMTPUTF8, and the other known ones through their value checkers).
 *
 * The layered parser (cmd_parse.c, addr.c, cmd_params.c, cmd_values.c)
 * walks each value two or three times and pays a call and its checks per
 * step; on the common line that fixed cost is most of the work.  This
 * pass takes only what that parser accepts in lenient mode without a
 * lax form of its own (the value checkers it shares may record theirs),
 * and fills the very same fields; on anything else (lax spacing or
 * paths, quoted or routed paths, 8-bit octets outside a MAIL local part,
 * address literals, unknown parameters, every error) it declines and the
 * layered parser runs, so errors, offsets and lax flags have one source:
 * from the start, or, for a parameter, from that parameter on (what the
 * pass took before it is what the layered parser would have made of it).
 * tests/test_cmd_fast.c and fuzz_cmd compare both passes field by field.
 */
#include <string.h>

#include "cmd_int.h"

int dsng__cmd_fast_off;

#define RCPT_PARAMS                                                            \
	(1u << DSNG_PARAM_NOTIFY | 1u << DSNG_PARAM_ORCPT |                    \
	 1u << DSNG_PARAM_RRVS)
#define HOLD (1u << DSNG_PARAM_HOLDFOR | 1u << DSNG_PARAM_HOLDUNTIL)

/*
 * The usual local part at s[ls]: up to 15 letters, digits, '.', '-',
 * '_' and '+' (all atext or dots) and then '@', from one 16-octet load;
 * dot-atom's rules are tests on the dot mask (none first or last, no
 * two together).  Its length, or 0 for the atext loop to decide.
 */
static size_t local_wide(const unsigned char *s, size_t ls, size_t e)
{
#if defined(__SSE2__)
	const unsigned char *p = s + ls;
	unsigned sh = 0, in, dot;
	__m128i x, f, ok, d;
	size_t n;

	if (e - ls < 16) { /* the line's last 16 octets, shifted into place */
		if (e < 16)
			return 0;
		p = s + e - 16;
		sh = (unsigned)(16 - (e - ls));
	}
	x = _mm_loadu_si128((const __m128i *)(const void *)p);
	f = _mm_or_si128(x, _mm_set1_epi8(0x20));
	d = _mm_cmpeq_epi8(x, _mm_set1_epi8('.'));
	ok = _mm_or_si128(
	        _mm_or_si128(
	                _mm_and_si128(
	                        _mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)),
	                        _mm_cmplt_epi8(x, _mm_set1_epi8('9' + 1))),
	                _mm_and_si128(
	                        _mm_cmpgt_epi8(f, _mm_set1_epi8('a' - 1)),
	                        _mm_cmplt_epi8(f, _mm_set1_epi8('z' + 1)))),
	        _mm_or_si128(
	                _mm_or_si128(d, _mm_cmpeq_epi8(x, _mm_set1_epi8('-'))),
	                _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('_')),
	                             _mm_cmpeq_epi8(x, _mm_set1_epi8('+')))));
	in = (unsigned)_mm_movemask_epi8(ok) >> sh;
	if (in == 0xffffu)
		return 0;
	n = (size_t)__builtin_ctz(~in);
	if (n == 0 || n == e - ls || s[ls + n] != '@')
		return 0;
	dot = ((unsigned)_mm_movemask_epi8(d) >> sh) & ((1u << n) - 1);
	if (((dot & (1u | 1u << (n - 1))) | (dot & (dot >> 1))) != 0)
		return 0;
	return n;
#else
	(void)s, (void)ls, (void)e;
	return 0;
#endif
}

/* Dot-atom local part, '@', LDH domain, '>' at s[i] (just after '<').
 * A MAIL local part may hold UTF-8 (SMTPUTF8 follows the path, so the
 * caller checks for it at the end, as mail_rcpt() does).  Returns the
 * offset of '>' or 0 to decline. */
static size_t path(struct dsng_cmd *c, const unsigned char *s, size_t i,
                   size_t e, size_t pos)
{
	size_t ls = i, ds, as, lb, k;
	uint32_t cp;

	if ((k = local_wide(s, ls, e)) != 0) {
		i = ls + k;
		goto local_end;
	}
	for (;;) {
		as = i;
		for (;;) {
			i = dsng__skip_wide(s, i, e, DSNG__C_ATEXT);
			if (i == e || s[i] < 0x80 || c->verb != DSNG_VERB_MAIL)
				break;
			k = dsng__utf8_seq(s + i, e - i, &cp);
			if (!k)
				return 0;
			c->path.has_utf8 = true;
			i += k;
		}
		if (i == as || i == e)
			return 0;
		if (s[i] != '.')
			break;
		i++;
	}
local_end:
	if (s[i] != '@' || i - ls > DSNG_ADDR_MAX_LOCAL)
		return 0;
	c->path.local.ptr = (const char *)s + ls;
	c->path.local.len = i - ls;
	ds = ++i;
	if ((k = dsng__addr_domain_wide(s, ds, e)) != 0 && k < e - ds) {
		i = ds + k;
		goto domain_end;
	}
	for (i = ds;;) {
		lb = i;
		i = dsng__skip_wide(s, i, e, DSNG__C_KEY);
		if (i == lb || i == e || s[lb] == '-' || s[i - 1] == '-' ||
		    i - lb > DSNG_ADDR_MAX_LABEL)
			return 0;
		if (s[i] != '.')
			break;
		i++;
	}
domain_end:
	/* RFC 5321 4.5.3.1 limits, so that no LAX_LONG case gets here */
	if (s[i] != '>' || i - ds > DSNG_ADDR_MAX_DOMAIN ||
	    i + 1 - pos > DSNG_ADDR_MAX_PATH)
		return 0;
	c->path.raw.ptr = (const char *)s + pos;
	c->path.raw.len = i + 1 - pos;
	c->path.mailbox.ptr = (const char *)s + ls;
	c->path.mailbox.len = i - ls;
	c->path.domain.ptr = (const char *)s + ds;
	c->path.domain.len = i - ds;
	return i;
}

static int hex_upper(unsigned c)
{
	return (c - '0' <= 9u)   ? (int)(c - '0')
	       : (c - 'A' <= 5u) ? (int)(c - 'A' + 10)
	                         : -1;
}

/* r octets from v to o, r <= the room at o: overlapping word copies
 * instead of a call to memcpy for these short runs. */
static void copy_run(char *o, const unsigned char *v, size_t r)
{
	size_t k;

	if (r >= 8) {
		for (k = 0; k + 8 < r; k += 8)
			memcpy(o + k, v + k, 8);
		memcpy(o + r - 8, v + r - 8, 8);
	} else if (r >= 4) {
		memcpy(o, v, 4);
		memcpy(o + r - 4, v + r - 4, 4);
	} else {
		for (k = 0; k < r; k++)
			o[k] = (char)v[k];
	}
}

/* A value ends at SP or at the end of the line; anything else where a
 * value's own grammar stops (TAB, a control, an octet it cannot take)
 * is the layered parser's to split and report. */
static int at_end(const unsigned char *s, size_t j, size_t e)
{
	return j == e || s[j] == ' ';
}

/*
 * xtext of printable ASCII with upper-case hex at s[v], to its end, into
 * decoded[] (past decoded_len, which the caller moves on if it takes the
 * value): the offset of the end, or 0 to decline (lower-case hex,
 * controls, an empty value, no room: decode() reports them).  Runs of
 * xchars stop at SP, so the value's end is found by this one pass; they
 * are scanned no further than the room left in decoded[] (an encoded
 * value longer than the room is refused as max_decoded), and the decoded
 * text is never longer than the encoded.
 */
static size_t xtext(struct dsng_cmd *c, const unsigned char *s, size_t v,
                    size_t e, struct dsng_span *out)
{
	char *o = c->decoded + c->decoded_len, *start = o;
	size_t room = DSNG_CMD_DECODE_MAX - c->decoded_len;
	size_t lim = e - v <= room ? e : v + room, i = v, r;
	int hi, lo;

	for (;;) {
		r = dsng__skip_wide(s, i, lim, DSNG__C_XCHAR);
		copy_run(o, s + i, r - i);
		o += r - i;
		i = r;
		if (i == lim || s[i] != '+')
			break;
		if (lim - i < 3 || (hi = hex_upper(s[i + 1])) < 0 ||
		    (lo = hex_upper(s[i + 2])) < 0 || hi < 2 || hi > 7 ||
		    (hi == 7 && lo == 15))
			return 0; /* only 0x20..0x7e decode here */
		*o++ = (char)(hi << 4 | lo);
		i += 3;
	}
	if (i == v || !at_end(s, i, e))
		return 0;
	out->ptr = start;
	out->len = (size_t)(o - start); /* the caller takes it, or not */
	return i;
}

/* NOTIFY's usual lists in one pass: items of exactly SUCCESS, FAILURE,
 * DELAY or NEVER (any case), one comma between them, NEVER alone (what
 * dsng__cmd_notify_fast takes).  The words have letters only, so
 * dsng__ieq_w is exact on any octets. */
static size_t notify(struct dsng_cmd *c, const unsigned char *s, size_t i,
                     size_t e)
{
	unsigned bits = 0, b;
	size_t k;

	for (;;) {
		const char *w = (const char *)s + i;

		if (e - i >= 7 && dsng__ieq_w(w, "SUCCESS", 7))
			b = DSNG_NOTIFY_SUCCESS, k = 7;
		else if (e - i >= 7 && dsng__ieq_w(w, "FAILURE", 7))
			b = DSNG_NOTIFY_FAILURE, k = 7;
		else if (e - i >= 5 && dsng__ieq_w(w, "DELAY", 5))
			b = DSNG_NOTIFY_DELAY, k = 5;
		else if (e - i >= 5 && !bits && dsng__ieq_w(w, "NEVER", 5))
			b = DSNG_NOTIFY_NEVER, k = 5;
		else
			return 0;
		bits |= b;
		i += k;
		if (at_end(s, i, e))
			break;
		if (s[i] != ',' || b == DSNG_NOTIFY_NEVER)
			return 0;
		i++;
	}
	c->notify = bits;
	return i;
}

/*
 * The run of decimal digits at s[i], up to 8 of them, from one 8-octet
 * load (the line's last 8 when fewer are left; e >= 8): its length in
 * *nd, 8 meaning it may go on, and its value.  Each octet XOR '0' is a
 * digit's value iff it is at most 9, which adding 0x76 tells by bit 7
 * (a carry only runs upwards from an octet already found wanting, so the
 * first one found is exact); the digits, moved to the top so that the
 * octets below stand for leading zeros, are then summed pairwise: tens,
 * hundreds, ten-thousands, three multiplications in all.
 */
static uint64_t digits8(const unsigned char *s, size_t i, size_t e, size_t *nd)
{
	const uint64_t ones = 0x0101010101010101u;
	uint64_t x, t;
	size_t n;

	if (e - i >= 8) {
		x = dsng__ld64(s + i);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		x = __builtin_bswap64(x); /* s[i] in the low octet */
#endif
	} else if (i == e) { /* "SIZE=" ends the line */
		*nd = 0;
		return 0;
	} else {
		x = dsng__ld64(s + e - 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		x = __builtin_bswap64(x);
#endif
		x >>= 8 * (8 - (e - i)); /* octets past e read as 0: no digit */
	}
	x ^= ones * '0';
	t = ((x + ones * 0x76) | x) & ones * 0x80;
	n = t ? (size_t)__builtin_ctzll(t) >> 3 : 8;
	*nd = n;
	if (n == 0)
		return 0;
	x <<= 8 * (8 - n);
	x = (x * 10 + (x >> 8)) & 0x00ff00ff00ff00ffu;
	x = (x * 100 + (x >> 16)) & 0x0000ffff0000ffffu;
	return (x * 10000 + (x >> 32)) & 0xffffffffu;
}

/* 4, 8 or 10 octets at s[i] equal to the upper-case word w, then the
 * value's end.  dsng__ieq_w ignores bit 5, so a digit of w is compared
 * exactly on its own. */
static inline int word_is(const unsigned char *s, size_t i, size_t e,
                          const char *w, size_t n)
{
	return e - i >= n && dsng__ieq_w((const char *)s + i, w, n) &&
	       (w[0] > '9' || s[i] == (unsigned char)w[0]) &&
	       at_end(s, i + n, e);
}

/*
 * The value at s[vs] of known parameter p, checked and decoded as far as
 * its end: the offset of the end (p->value set), or 0 to decline.  The
 * usual kinds find their end in the pass that checks them; the others
 * are split at the first octet up to SP and handed to the layered
 * parser's checker.
 */
static size_t value(struct dsng__cmd_state *st, struct dsng_param *p,
                    const unsigned char *s, size_t vs, size_t e)
{
	struct dsng_cmd *c = st->cmd;
	size_t i, ve;

	switch (p->kind) {
	case DSNG_PARAM_NOTIFY:
		ve = notify(c, s, vs, e);
		break;
	case DSNG_PARAM_ORCPT:
		i = dsng__skip(s, vs, e, DSNG__C_ATEXT);
		if (i == vs || i == e || s[i] != ';')
			return 0;
		if (i - vs == 5 &&
		    dsng__ieq_w((const char *)s + vs, "UTF-8", 5))
			goto checker; /* RFC 6533 */
		ve = xtext(c, s, i + 1, e, &c->orcpt_addr);
		if (!ve || ve - vs > DSNG_CMD_MAX_ORCPT_LEN)
			return 0;
		c->decoded_len += c->orcpt_addr.len;
		c->orcpt_type.ptr = (const char *)s + vs;
		c->orcpt_type.len = i - vs;
		c->has_orcpt = true;
		break;
	case DSNG_PARAM_ENVID:
		ve = xtext(c, s, vs, e, &c->envid);
		if (!ve || c->envid.len > DSNG_CMD_MAX_ENVID_LEN)
			return 0;
		c->decoded_len += c->envid.len;
		c->has_envid = true;
		break;
	case DSNG_PARAM_SIZE: {
		size_t nd;
		uint64_t x = digits8(s, vs, e, &nd); /* vs > 8: e >= 8 */
		unsigned d;

		/* 1..19 digits cannot pass 2^64-1: no overflow test (nor
		 * dsng__parse_u64's division) per digit */
		for (ve = vs + nd;
		     nd == 8 && ve < e && (d = (unsigned)s[ve] - '0') <= 9;
		     ve++)
			x = x * 10 + d;
		if (nd == 0 || ve - vs > 19 || !at_end(s, ve, e))
			return 0;
		c->size = x;
		c->has_size = true;
		break;
	}
	case DSNG_PARAM_RET:
		c->ret = word_is(s, vs, e, "FULL", 4)   ? DSNG_RET_FULL
		         : word_is(s, vs, e, "HDRS", 4) ? DSNG_RET_HDRS
		                                        : DSNG_RET_NONE;
		if (c->ret == DSNG_RET_NONE)
			return 0;
		ve = vs + 4;
		break;
	case DSNG_PARAM_BODY:
		if (word_is(s, vs, e, "7BIT", 4))
			c->body = DSNG_BODY_7BIT, ve = vs + 4;
		else if (word_is(s, vs, e, "8BITMIME", 8))
			c->body = DSNG_BODY_8BITMIME, ve = vs + 8;
		else if (word_is(s, vs, e, "BINARYMIME", 10))
			c->body = DSNG_BODY_BINARYMIME, ve = vs + 10;
		else
			return 0;
		break;
	case DSNG_PARAM_SMTPUTF8: /* these take no value */
	case DSNG_PARAM_REQUIRETLS:
		return 0;
	default:
	checker:
		ve = dsng__skip_above_sp(s, vs, e);
		if (ve == vs || !at_end(s, ve, e))
			return 0;
		p->value.ptr = (const char *)s + vs;
		p->value.len = ve - vs;
		/* The layered parser's own checker (err is NULL here): any
		 * lax bit it sets (lower-case hex in AUTH or ORCPT=utf-8) it
		 * sets there too, as this pass takes a line only when every
		 * value went through the checker the layered parser runs. */
		return dsng__cmd_value(st, p) == DSNG_OK ? ve : 0;
	}
	if (!ve)
		return 0;
	p->value.ptr = (const char *)s + vs;
	p->value.len = ve - vs;
	return ve;
}

/*
 * The usual keywords with their '=', told apart by the first letter and
 * one word compare, with no scan for the keyword's end: the words have
 * letters only (dsng__ieq_w is exact on them) and '=' is no keyword
 * octet, so the keyword ends there.  *ke is set to the '='; OTHER when
 * it is none of them (dsng__cmd_param_kind then decides).
 */
static enum dsng_param_kind usual(const unsigned char *s, size_t t, size_t e,
                                  size_t *ke)
{
	const char *p = (const char *)s + t, *w;
	enum dsng_param_kind k;
	size_t n;

	switch (s[t] | 0x20) {
	case 'n':
		k = DSNG_PARAM_NOTIFY, w = "NOTIFY", n = 6;
		break;
	case 'o':
		k = DSNG_PARAM_ORCPT, w = "ORCPT", n = 5;
		break;
	case 'e':
		k = DSNG_PARAM_ENVID, w = "ENVID", n = 5;
		break;
	case 's':
		k = DSNG_PARAM_SIZE, w = "SIZE", n = 4;
		break;
	case 'b':
		k = DSNG_PARAM_BODY, w = "BODY", n = 4;
		break;
	case 'r': /* three letters: "RET=" compared, '=' exactly */
		if (e - t < 4 || s[t + 3] != '=' || !dsng__ieq_w(p, "RET=", 4))
			return DSNG_PARAM_OTHER;
		*ke = t + 3;
		return DSNG_PARAM_RET;
	default:
		return DSNG_PARAM_OTHER;
	}
	if (e - t <= n || s[t + n] != '=' || !dsng__ieq_w(p, w, n))
		return DSNG_PARAM_OTHER;
	*ke = t + n;
	return k;
}

/* One " KEYWORD[=VALUE]" at s[i] (the space); the offset after it or 0. */
static size_t param(struct dsng__cmd_state *st, const unsigned char *s,
                    size_t i, size_t e)
{
	struct dsng_cmd *c = st->cmd;
	struct dsng_param *p;
	size_t t = i + 1, ke;
	unsigned bit;

	st->param_at = i;
	if (s[i] != ' ' || t == e || c->n_params == DSNG_CMD_MAX_PARAMS)
		return 0;
	p = &c->params[c->n_params];
	p->kind = usual(s, t, e, &ke); /* a letter at s[t] if found */
	if (p->kind == DSNG_PARAM_OTHER) {
		if (!dsng__is(s[t], DSNG__C_LETDIG))
			return 0;
		ke = dsng__skip_wide(s, t, e, DSNG__C_KEY);
		p->kind = dsng__cmd_param_kind((const char *)s + t, ke - t);
	}
	bit = 1u << p->kind;
	if (p->kind == DSNG_PARAM_OTHER ||
	    ((RCPT_PARAMS & bit) != 0) != (c->verb == DSNG_VERB_RCPT) ||
	    (st->seen & (bit & HOLD ? HOLD : bit)))
		return 0;
	st->seen |= bit;
	c->n_params++;
	p->keyword.ptr = (const char *)s + t;
	p->keyword.len = ke - t;
	p->offset = t;
	p->removed = false;
	if (ke == e || s[ke] == ' ') { /* no value */
		if (p->kind == DSNG_PARAM_SMTPUTF8)
			c->smtputf8 = true;
		else if (p->kind == DSNG_PARAM_REQUIRETLS)
			c->requiretls = true;
		else
			return 0;
		p->value.ptr = NULL;
		p->value.len = 0;
		return ke;
	}
	if (s[ke] != '=')
		return 0;
	return value(st, p, s, ke + 1, e);
}

int dsng__cmd_fast(struct dsng__cmd_state *st, size_t pos)
{
	struct dsng_cmd *c = st->cmd;
	const unsigned char *s = (const unsigned char *)st->line;
	size_t i = pos, e = st->end;
	struct dsng_error *err = st->err;

	if (dsng__cmd_fast_off || st->flags || s[pos - 1] != ' ')
		return 0;
	if (c->verb == DSNG_VERB_RCPT) {
		if (e - i < 5 || !dsng__ieq(st->line + i, "TO", 2))
			return 0;
		i += 2;
	} else {
		if (e - i < 7 || !dsng__ieq_w(st->line + i, "FROM", 4))
			return 0;
		i += 4;
	}
	if (s[i] != ':' || s[i + 1] != '<')
		return 0;
	i++;
	c->path_offset = i;
	if (s[i + 1] == '>') { /* <> */
		if (c->verb == DSNG_VERB_RCPT)
			return 0;
		c->path.is_null = true;
		c->path.raw.ptr = st->line + i;
		c->path.raw.len = 2;
		c->path.mailbox.ptr = st->line + i + 1;
		i += 2;
	} else {
		i = path(c, s, i + 1, e, i);
		if (!i)
			return 0;
		i++;
	}
	st->err = NULL; /* a declined value is the layered parser's to report */
	while (i < e && (i = param(st, s, i, e)) != 0)
		;
	st->err = err;
	/* a UTF-8 path needs SMTPUTF8 (mail_rcpt() reports it) */
	return i == e && (!c->path.has_utf8 || c->smtputf8);
}
