/*
 * tests/test_mime_clean.c - dsng__mime_clean_into (comments out, white
 * space runs made one space, ends trimmed, quoted strings kept) against
 * the walk it had before its trim-only fast path: every string of up to
 * six octets over an alphabet of the octets that matter, and random
 * longer ones; plus the results spelled out for a few report values.
 */
#include <stdlib.h>

#include "dsng_test.h"
#include "mime_int.h"

static int wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The walk, octet by octet. */
static size_t ref_clean(char *s, const char *p, size_t len)
{
	const char *end = p + len;
	char *o = s;
	int space = 0;

	while (p < end) {
		if (wsp(*p) || *p == '(') {
			space = 1;
			while (p < end) {
				if (wsp(*p)) {
					p++;
				} else if (*p == '(') {
					unsigned level = 0;
					while (p < end) {
						if (*p == '\\' && p + 1 < end) {
							p += 2;
							continue;
						}
						if (*p == '(')
							level++;
						else if (*p == ')' &&
						         --level == 0) {
							p++;
							break;
						}
						p++;
					}
				} else {
					break;
				}
			}
			continue;
		}
		if (space && o > s)
			*o++ = ' ';
		space = 0;
		if (*p == '"') {
			*o++ = *p++;
			while (p < end && *p != '"') {
				if (*p == '\\' && p + 1 < end)
					*o++ = *p++;
				if (*p != '\r' && *p != '\n')
					*o++ = *p;
				p++;
			}
			if (p < end)
				*o++ = *p++;
			continue;
		}
		*o++ = *p++;
	}
	*o = 0;
	return (size_t)(o - s);
}

static void same(const char *p, size_t len)
{
	char a[128], b[128];
	size_t na = dsng__mime_clean_into(a, p, len);
	size_t nb = ref_clean(b, p, len);

	if (na != nb || memcmp(a, b, na + 1) != 0)
		fail_msg("clean of \"%.*s\" (%zu): \"%s\", expected \"%s\"",
		         (int)len, p, len, a, b);
	assert_true(na <= len);
}

static void every_short_string(void **state)
{
	static const char alpha[] = " a(\")\\\t\r\n";
	const size_t k = sizeof(alpha) - 1;
	char buf[8];
	size_t n, code, total, i;

	(void)state;
	for (n = 0; n <= 6; n++) {
		for (total = 1, i = 0; i < n; i++)
			total *= k;
		for (code = 0; code < total; code++) {
			size_t c = code;
			for (i = 0; i < n; i++) {
				buf[i] = alpha[c % k];
				c /= k;
			}
			same(buf, n);
		}
	}
}

static void random_strings(void **state)
{
	static const char alpha[] = "  ab.;@(\")\\\t\r\n";
	char buf[100];
	unsigned seed = 7;
	int round;

	(void)state;
	for (round = 0; round < 20000; round++) {
		size_t n = (size_t)round % sizeof(buf), i;
		for (i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = alpha[(seed >> 16) % (sizeof(alpha) - 1)];
		}
		same(buf, n);
	}
}

/* Long plain values with one thing that is not plain (each special
 * octet, two spaces) at every place: the wide check must see it
 * wherever it falls in its windows. */
static void one_special_anywhere(void **state)
{
	static const char *const odd[] = {"(",  "\"", "\t",  "\r",
	                                  "\n", "  ", "(x)", "\"x\""};
	char buf[80];
	size_t n, k, o;

	(void)state;
	for (n = 1; n < sizeof(buf) - 4; n++)
		for (o = 0; o < sizeof(odd) / sizeof(odd[0]); o++)
			for (k = 0; k + strlen(odd[o]) <= n; k++) {
				size_t i;
				for (i = 0; i < n; i++)
					buf[i] = i % 5 == 4 ? ' ' : 'a';
				memcpy(buf + k, odd[o], strlen(odd[o]));
				same(buf, n);
			}
}

static void report_values(void **state)
{
	char out[64];

	(void)state;
	dsng__mime_clean_into(out, " rfc822; user@example.org ", 26);
	assert_string_equal(out, "rfc822; user@example.org");
	dsng__mime_clean_into(out, " 5.1.1 (bad mailbox)", 20);
	assert_string_equal(out, "5.1.1");
	dsng__mime_clean_into(out, "dns;\r\n\tmx.example.org  (x)", 26);
	assert_string_equal(out, "dns; mx.example.org");
	dsng__mime_clean_into(out, "\"a  (b)\" c", 10);
	assert_string_equal(out, "\"a  (b)\" c");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(every_short_string),
	        cmocka_unit_test(random_strings),
	        cmocka_unit_test(one_special_anywhere),
	        cmocka_unit_test(report_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
