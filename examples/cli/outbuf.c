/*
 * examples/cli/outbuf.c - see outbuf.h.
 */
#include <stdio.h>
#include <string.h>

#include "../common/utf8_seq.h"
#include "outbuf.h"

struct out_buf out_buf;

void out_flush(void)
{
	if (out_buf.n)
		fwrite(out_buf.b, 1, out_buf.n, stdout);
	out_buf.n = 0;
}

void out_n_slow(const char *s, size_t n)
{
	out_flush();
	if (n > sizeof(out_buf.b)) {
		fwrite(s, 1, n, stdout);
		return;
	}
	memcpy(out_buf.b, s, n);
	out_buf.n = n;
}

void out_left(const char *s, size_t width)
{
	size_t n = strlen(s);

	out_n(s, n);
	for (; n < width; n++)
		out_n(" ", 1);
}

void out_ulong(unsigned long v, size_t width)
{
	char b[24];
	size_t i = sizeof(b);

	do
		b[--i] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (sizeof(b) - i < width && i > 0)
		b[--i] = ' ';
	out_n(b + i, sizeof(b) - i);
}

/* Does octet c need more than copying inside a JSON string? */
static int special(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
}

void out_json_str(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *u = (const unsigned char *)s;
	size_t len, i = 0, run;

	if (!s) {
		out_n("null", 4);
		return;
	}
	len = strlen(s);
	out_n("\"", 1);
	while (i < len) {
		for (run = i; run < len && !special(u[run]); run++)
			;
		out_n(s + i, run - i);
		i = run;
		if (i == len)
			break;
		if (u[i] >= 0x80) {
			size_t n = ex_utf8_len(u + i, len - i);
			if (n) {
				out_n(s + i, n);
				i += n;
			} else {
				out_n("\xEF\xBF\xBD", 3);
				i++;
			}
			continue;
		}
		switch (u[i]) {
		case '"':
			out_n("\\\"", 2);
			break;
		case '\\':
			out_n("\\\\", 2);
			break;
		case '\b':
			out_n("\\b", 2);
			break;
		case '\f':
			out_n("\\f", 2);
			break;
		case '\n':
			out_n("\\n", 2);
			break;
		case '\r':
			out_n("\\r", 2);
			break;
		case '\t':
			out_n("\\t", 2);
			break;
		default: {
			char e[6] = {'\\',           'u',           '0', '0',
			             hex[u[i] >> 4], hex[u[i] & 15]};
			out_n(e, 6);
		}
		}
		i++;
	}
	out_n("\"", 1);
}

void out_json_bool(int b)
{
	if (b)
		out_n("true", 4);
	else
		out_n("false", 5);
}
