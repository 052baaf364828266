/*
 * lib/policy_export.c - what a loaded policy says, read back as facts for
 * callers that write another program's configuration (the CLI's
 * export-config): the trusted networks as CIDR text and the offer-dsn
 * classes.  The list of settings that differ from the base lives in
 * policy_config.c, next to the key table it walks.
 */
#include <stdio.h>
#include <string.h>

#include "policy_int.h"

static int u128_le(struct dsng__u128 a, struct dsng__u128 b)
{
	return a.hi < b.hi || (a.hi == b.hi && a.lo <= b.lo);
}

/* a + 2^bits (bits < 128); *wrapped when it overflows 128 bits. */
static struct dsng__u128 u128_add_pow(struct dsng__u128 a, unsigned bits,
                                      int *wrapped)
{
	struct dsng__u128 r = a;

	*wrapped = 0;
	if (bits < 64) {
		r.lo = a.lo + (UINT64_C(1) << bits);
		if (r.lo < a.lo) {
			r.hi++;
			if (r.hi == 0)
				*wrapped = 1;
		}
	} else {
		r.hi = a.hi + (UINT64_C(1) << (bits - 64));
		if (r.hi < a.hi)
			*wrapped = 1;
	}
	return r;
}

/* Number of trailing zero bits of a (128 for 0). */
static unsigned u128_tz(struct dsng__u128 a)
{
	unsigned n = 0;

	if (a.lo == 0) {
		if (a.hi == 0)
			return 128;
		n = 64;
		while (!((a.hi >> (n - 64)) & 1u))
			n++;
		return n;
	}
	while (!((a.lo >> n) & 1u))
		n++;
	return n;
}

/* a + 2^bits - 1, i.e. the last address of the block of 2^bits at a. */
static struct dsng__u128 u128_block_last(struct dsng__u128 a, unsigned bits)
{
	struct dsng__u128 r = a;

	if (bits >= 128) {
		r.hi = r.lo = UINT64_MAX;
	} else if (bits >= 64) {
		r.lo = UINT64_MAX;
		r.hi |= bits == 64 ? 0 : (UINT64_C(1) << (bits - 64)) - 1;
	} else {
		r.lo |= (UINT64_C(1) << bits) - 1;
	}
	return r;
}

static char *block_text(TALLOC_CTX *mem, struct dsng__u128 a, unsigned bits)
{
	unsigned char b[16];
	char buf[64];
	size_t o;
	int i, best = -1, best_len = 0;

	for (i = 0; i < 8; i++) {
		b[i] = (unsigned char)(a.hi >> (56 - 8 * i));
		b[8 + i] = (unsigned char)(a.lo >> (56 - 8 * i));
	}
	/* Inside ::ffff:0:0/96: IPv4 in dotted form. */
	if (bits <= 32 && a.hi == 0 && (a.lo >> 32) == UINT64_C(0xffff))
		return talloc_asprintf(mem, "%u.%u.%u.%u/%u", b[12], b[13],
		                       b[14], b[15], 32 - bits);
	/* IPv6 (RFC 5952: the longest run of two or more zero groups is
	 * written "::"). */
	for (i = 0; i < 8;) {
		int j = i;
		while (j < 8 && !b[2 * j] && !b[2 * j + 1])
			j++;
		if (j - i > best_len && j - i >= 2) {
			best = i;
			best_len = j - i;
		}
		i = j > i ? j : i + 1;
	}
	o = 0;
	for (i = 0; i < 8; i++) {
		if (i == best) {
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "::");
			i += best_len - 1;
			continue;
		}
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%x",
		                      (o && buf[o - 1] != ':') ? ":" : "",
		                      (unsigned)(b[2 * i] << 8 | b[2 * i + 1]));
	}
	return talloc_asprintf(mem, "%s/%u", buf, 128 - bits);
}

int dsng_policy_networks_format(TALLOC_CTX *mem, char ***out, size_t *n_out,
                                const struct dsng_policy *p,
                                struct dsng_error *err)
{
	const struct dsng__u128 v4 = {0, UINT64_C(0xffff) << 32};
	TALLOC_CTX *tmp;
	char **list = NULL;
	size_t n = 0, i;

	if (out)
		*out = NULL;
	if (n_out)
		*n_out = 0;
	if (!out || !n_out || !p)
		return dsng__bad_arg(err, "out, n_out and p");
	tmp = talloc_new(NULL);
	if (!tmp)
		goto nomem;
	for (i = 0; i < p->nets.n; i++) {
		struct dsng__u128 a = p->nets.r[i].first;
		struct dsng__u128 last = p->nets.r[i].last;

		for (;;) {
			unsigned bits = u128_tz(a);
			int wrapped;
			char **grown;

			while (bits > 0 &&
			       !u128_le(u128_block_last(a, bits), last))
				bits--;
			/* A block wider than IPv4 never swallows the IPv4
			 * space (::ffff:0:0/96): MTAs match IPv4 clients
			 * only against IPv4 networks. */
			while (bits > 32 && u128_le(a, v4) &&
			       u128_le(v4, u128_block_last(a, bits)))
				bits--;
			grown = talloc_realloc(tmp, list, char *, n + 1);
			if (!grown)
				goto nomem;
			list = grown;
			list[n] = block_text(list, a, bits);
			if (!list[n])
				goto nomem;
			n++;
			if (bits >= 128)
				break;
			if (!u128_le(u128_block_last(a, bits), last) ||
			    (u128_block_last(a, bits).hi == last.hi &&
			     u128_block_last(a, bits).lo == last.lo))
				break;
			a = u128_add_pow(a, bits, &wrapped);
			if (wrapped)
				break;
		}
	}
	/* IPv4 first (the table sorts ::1 before ::ffff:0:0/96); the
	 * partition keeps each family's order. */
	if (n > 1) {
		char **sorted = talloc_array(tmp, char *, n);
		size_t k = 0, f;

		if (!sorted)
			goto nomem;
		for (f = 0; f < 2; f++)
			for (i = 0; i < n; i++)
				if ((strchr(list[i], ':') == NULL) == (f == 0))
					sorted[k++] = list[i];
		memcpy(list, sorted, n * sizeof(*list));
	}
	if (list)
		*out = talloc_steal(mem, list);
	*n_out = n;
	talloc_free(tmp);
	return 0;
nomem:
	talloc_free(tmp);
	return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
	                  "out of memory");
}

unsigned dsng_policy_offer_get(const struct dsng_policy *p)
{
	return p ? p->offer_dsn.mask : 0;
}
