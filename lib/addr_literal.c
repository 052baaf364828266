/*
 * lib/addr_literal.c - RFC 5321 4.1.3 address literals: [IPv4],
 * [IPv6:...] in its four forms, and [tag:content].
 */
#include "addr_int.h"

/* Snum "." Snum "." Snum "." Snum, each 1-3 digits and at most 255. */
static int ipv4_ok(const unsigned char *s, size_t n)
{
	size_t i = 0;
	int part;

	for (part = 0; part < 4; part++) {
		size_t st = i;
		unsigned v = 0;

		while (i < n && i - st < 3 && s[i] >= '0' && s[i] <= '9')
			v = v * 10 + (unsigned)(s[i++] - '0');
		if (i == st || v > 255)
			return 0;
		if (part < 3) {
			if (i >= n || s[i] != '.')
				return 0;
			i++;
		}
	}
	return i == n;
}

/* IPv6-full, IPv6-comp, IPv6v4-full, IPv6v4-comp.  "::" stands for at
 * least two groups, so with it at most 6 (4 before an IPv4 tail) groups
 * may be written. */
static int ipv6_ok(const unsigned char *s, size_t n)
{
	size_t i = 0, j;
	int groups = 0, dbl = 0, v4 = 0;

	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		dbl = 1;
		i = 2;
	} else if (n && s[0] == ':') {
		return 0;
	}
	while (i < n) {
		for (j = i; j < n && j - i < 5 && dsng__hexval(s[j], 1) >= 0;
		     j++)
			;
		if (j < n && s[j] == '.') {
			if (!ipv4_ok(s + i, n - i))
				return 0;
			v4 = 1;
			break;
		}
		if (j == i || j - i > 4)
			return 0;
		groups++;
		i = j;
		if (i == n)
			break;
		if (s[i] != ':' || ++i == n)
			return 0;
		if (s[i] == ':') {
			if (dbl)
				return 0;
			dbl = 1;
			i++;
		}
	}
	if (dbl)
		return groups <= (v4 ? 4 : 6);
	return v4 ? groups == 6 : groups == 8;
}

int dsng__addr_literal(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i, tag_end;

	if (n < 3 || s[0] != '[' || s[n - 1] != ']')
		return 0;
	s++;
	n -= 2;
	if (s[0] >= '0' && s[0] <= '9')
		return ipv4_ok(s, n);
	for (i = 0; i < n && (dsng__is(s[i], DSNG__C_LETDIG) || s[i] == '-');
	     i++)
		;
	tag_end = i;
	if (tag_end == 0 || i >= n || s[i] != ':' || s[tag_end - 1] == '-')
		return 0;
	if (tag_end == 4 && dsng__ieq((const char *)s, "IPV6", 4))
		return ipv6_ok(s + 5, n - 5);
	if (i + 1 >= n)
		return 0;
	for (i++; i < n; i++)
		if (!dsng__is(s[i], DSNG__C_DCONT))
			return 0;
	return 1;
}
