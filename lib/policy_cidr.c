/*
 * lib/policy_cidr.c - trusted networks: address and CIDR parsing, and a
 * table of sorted, merged 128-bit ranges searched by bisection, so a
 * lookup costs about log2(n) comparisons however many prefixes overlap.
 *
 * IPv4 is stored as IPv4-mapped IPv6 (RFC 4291 2.5.5.2, ::ffff:0:0/96):
 * an IPv4 client and the same client seen through an IPv6 socket match
 * the same entries; 0.0.0.0/0 covers IPv4 only, ::/0 covers everything.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "policy_int.h"

static struct dsng__u128 from_bytes(const unsigned char b[16])
{
	struct dsng__u128 v = {0, 0};
	int i;

	for (i = 0; i < 8; i++)
		v.hi = (v.hi << 8) | b[i];
	for (i = 8; i < 16; i++)
		v.lo = (v.lo << 8) | b[i];
	return v;
}

static int u128_cmp(struct dsng__u128 a, struct dsng__u128 b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	if (a.lo != b.lo)
		return a.lo < b.lo ? -1 : 1;
	return 0;
}

/* Mask of the host bits below a prefix of `bits` (0..128). */
static struct dsng__u128 host_mask(unsigned bits)
{
	struct dsng__u128 m;

	if (bits >= 128) {
		m.hi = m.lo = 0;
	} else if (bits >= 64) {
		m.hi = 0;
		m.lo = bits == 64 ? ~(uint64_t)0
		                  : (~(uint64_t)0 >> (bits - 64));
	} else {
		m.hi = bits == 0 ? ~(uint64_t)0 : (~(uint64_t)0 >> bits);
		m.lo = ~(uint64_t)0;
	}
	return m;
}

/* Dotted quad, exactly four decimal parts 0..255, no leading zeros
 * (which some resolvers read as octal). */
static int parse_ipv4(const char *p, size_t len, unsigned char out[4])
{
	size_t i = 0;
	int part;

	for (part = 0; part < 4; part++) {
		unsigned v = 0, digits = 0;

		if (part && (i >= len || p[i++] != '.'))
			return -1;
		while (i < len && p[i] >= '0' && p[i] <= '9') {
			if (digits && v == 0)
				return -1;
			v = v * 10 + (unsigned)(p[i] - '0');
			if (v > 255)
				return -1;
			digits++;
			i++;
		}
		if (!digits)
			return -1;
		out[part] = (unsigned char)v;
	}
	return i == len ? 0 : -1;
}

static int parse_ipv6(const char *p, size_t len, unsigned char out[16])
{
	char buf[INET6_ADDRSTRLEN + 1];
	size_t i;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	for (i = 0; i < len; i++) {
		char c = p[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		      (c >= 'A' && c <= 'F') || c == ':' || c == '.'))
			return -1;
	}
	memcpy(buf, p, len);
	buf[len] = 0;
	return inet_pton(AF_INET6, buf, out) == 1 ? 0 : -1;
}

static const unsigned char v4mapped[12] = {0, 0, 0, 0, 0,    0,
                                           0, 0, 0, 0, 0xff, 0xff};

int dsng__ip_parse(const char *p, size_t len, unsigned char out[16],
                   int *family)
{
	unsigned char b[16];

	if (len >= 2 && p[0] == '[' && p[len - 1] == ']') {
		p++;
		len -= 2;
	}
	if (len >= 5 && dsng__span_ieq(p, 5, "IPv6:")) {
		p += 5;
		len -= 5;
	}
	memcpy(b, v4mapped, 12);
	if (parse_ipv4(p, len, b + 12) == 0) {
		*family = 4;
	} else if (parse_ipv6(p, len, b) == 0) {
		*family = memcmp(b, v4mapped, 12) ? 6 : 4;
	} else {
		return -1;
	}
	memcpy(out, b, 16);
	return 0;
}

int dsng__cidr_parse(const char *p, size_t len, struct dsng__range *out,
                     size_t *col, const char **why)
{
	const char *slash = memchr(p, '/', len);
	size_t alen = slash ? (size_t)(slash - p) : len;
	unsigned char b[16];
	unsigned bits, max;
	int family;
	struct dsng__u128 v, m;

	*col = 0;
	memcpy(b, v4mapped, 12);
	if (parse_ipv4(p, alen, b + 12) == 0) {
		family = 4;
	} else if (parse_ipv6(p, alen, b) == 0) {
		family = 6;
	} else {
		*why = "not an IPv4 or IPv6 address";
		return -1;
	}
	max = family == 4 ? 32 : 128;
	bits = max;
	if (slash) {
		size_t i = alen + 1;

		if (i >= len) {
			*col = i;
			*why = "prefix length missing after '/'";
			return -1;
		}
		bits = 0;
		for (; i < len; i++) {
			if (p[i] < '0' || p[i] > '9' || bits > max ||
			    (i > alen + 1 && bits == 0)) {
				*col = i;
				*why = "bad prefix length";
				return -1;
			}
			bits = bits * 10 + (unsigned)(p[i] - '0');
		}
		if (bits > max) {
			*col = alen + 1;
			*why = family == 4 ? "IPv4 prefix length over 32"
			                   : "IPv6 prefix length over 128";
			return -1;
		}
	}
	if (family == 4)
		bits += 96;
	v = from_bytes(b);
	m = host_mask(bits);
	if ((v.hi & m.hi) || (v.lo & m.lo)) {
		*col = 0;
		*why = "address has bits set beyond the prefix length";
		return -1;
	}
	out->first = v;
	out->last.hi = v.hi | m.hi;
	out->last.lo = v.lo | m.lo;
	return 0;
}

int dsng__cidr_add(TALLOC_CTX *mem, struct dsng__cidr_table *t,
                   const struct dsng__range *r)
{
	if (t->n >= DSNG_POLICY_MAX_NETWORKS)
		return DSNG_ELIMIT;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct dsng__range *nr;

		nr = talloc_realloc(mem, t->r, struct dsng__range, cap);
		if (!nr)
			return DSNG_ENOMEM;
		t->r = nr;
		t->cap = cap;
	}
	t->r[t->n++] = *r;
	t->finished = 0;
	return 0;
}

static int range_cmp(const void *a, const void *b)
{
	const struct dsng__range *x = a, *y = b;
	int c = u128_cmp(x->first, y->first);

	return c ? c : u128_cmp(x->last, y->last);
}

void dsng__cidr_finish(struct dsng__cidr_table *t)
{
	size_t i, o = 0;

	if (t->n > 1)
		qsort(t->r, t->n, sizeof(t->r[0]), range_cmp);
	for (i = 0; i < t->n; i++) {
		struct dsng__u128 next;

		if (o == 0) {
			t->r[o++] = t->r[i];
			continue;
		}
		/* Merge when this range starts at or before last+1. */
		next = t->r[o - 1].last;
		if (next.lo == ~(uint64_t)0) {
			next.lo = 0;
			next.hi++;
		} else {
			next.lo++;
		}
		if (u128_cmp(t->r[i].first, t->r[o - 1].last) <= 0 ||
		    (u128_cmp(t->r[i].first, next) == 0 &&
		     !(next.hi == 0 && next.lo == 0))) {
			if (u128_cmp(t->r[i].last, t->r[o - 1].last) > 0)
				t->r[o - 1].last = t->r[i].last;
		} else {
			t->r[o++] = t->r[i];
		}
	}
	t->n = o;
	t->finished = 1;
}

int dsng__cidr_match(const struct dsng__cidr_table *t,
                     const unsigned char addr[16])
{
	struct dsng__u128 a = from_bytes(addr);
	size_t lo = 0, hi = t->n;

	/* Find the last range whose first address is <= a. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (u128_cmp(t->r[mid].first, a) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && u128_cmp(a, t->r[lo - 1].last) <= 0;
}
