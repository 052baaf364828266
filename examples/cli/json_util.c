/*
 * examples/cli/json_util.c - JSON and I/O helpers for the commands.
 * jansson refuses strings that are not UTF-8, and DESIGN.md section 5 says
 * such bytes are shown as U+FFFD, so every string goes through one
 * sanitiser here.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *p, size_t left)
{
	unsigned c = p[0];
	size_t n, i;
	unsigned cp;

	if (c < 0x80)
		return c ? 1 : 0;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (left < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return n;
}

json_t *cli_json_bytes(const char *p, size_t len)
{
	const unsigned char *u = (const unsigned char *)p;
	char *out;
	size_t i = 0, o = 0;
	json_t *j;

	/* Worst case every byte becomes the 3-byte U+FFFD. */
	out = malloc(len * 3 + 1);
	if (!out)
		return NULL;
	while (i < len) {
		size_t n = utf8_seq(u + i, len - i);
		if (n) {
			memcpy(out + o, u + i, n);
			o += n;
			i += n;
		} else {
			memcpy(out + o, "\xEF\xBF\xBD", 3);
			o += 3;
			i++;
		}
	}
	j = json_stringn(out, o);
	free(out);
	return j;
}

json_t *cli_json_span(struct dsng_span s)
{
	if (!s.ptr)
		return json_null();
	return cli_json_bytes(s.ptr, s.len);
}

json_t *cli_json_str(const char *s)
{
	if (!s)
		return json_null();
	return cli_json_bytes(s, strlen(s));
}

json_t *cli_json_error(const struct dsng_error *err)
{
	json_t *e = json_object();

	json_object_set_new(e, "code",
	                    json_string(dsng_error_kind_name(err->kind)));
	json_object_set_new(e, "offset", json_integer((json_int_t)err->offset));
	json_object_set_new(e, "reply",
	                    err->reply ? json_integer(err->reply)
	                               : json_null());
	json_object_set_new(e, "enhanced",
	                    err->enhanced && *err->enhanced
	                            ? json_string(err->enhanced)
	                            : json_null());
	json_object_set_new(e, "message", cli_json_str(err->message));
	/* DSNG_ELIMIT errors name the limit exceeded ("max_line"). */
	if (err->limit)
		json_object_set_new(e, "limit", json_string(err->limit));
	if (err->line) {
		json_object_set_new(e, "line", json_integer(err->line));
		json_object_set_new(e, "column", json_integer(err->column));
	}
	return e;
}

static void *jb_map_new(void)
{
	return json_object();
}

static void *jb_list_new(void)
{
	return json_array();
}

static void jb_map_set(void *map, const char *key, void *val)
{
	json_object_set_new(map, key, val);
}

static void jb_list_push(void *list, void *val)
{
	json_array_append_new(list, val);
}

static void *jb_str(const char *p, size_t n)
{
	return cli_json_bytes(p, n);
}

static void *jb_integer(long long v)
{
	return json_integer((json_int_t)v);
}

static void *jb_boolean(int v)
{
	return json_boolean(v);
}

static void *jb_none(void)
{
	return json_null();
}

/*
 * jansson's integers are signed 64-bit (json_int_t), so a uint64_t above
 * INT64_MAX (SIZE=18446744073709551615) cannot be a json_integer.  Such a
 * number becomes a placeholder string instead: a NUL, then its decimal
 * digits.  No other string in the output can start with a NUL
 * (cli_json_bytes turns NULs into U+FFFD, json_string and the keys stop
 * at one), so cli_json_print finds every placeholder in the dumped text,
 * a string beginning with \u0000, and writes its digits there as a bare
 * JSON number.  Everything else is written as jansson dumped it.
 */
static void *jb_uinteger(unsigned long long v)
{
	char buf[24];
	int n;

	if (v <= (unsigned long long)INT64_MAX)
		return json_integer((json_int_t)v);
	buf[0] = '\0';
	n = snprintf(buf + 1, sizeof(buf) - 1, "%llu", v);
	return json_stringn(buf, (size_t)n + 1);
}

const struct dsngb_builder cli_json_builder = {
        jb_map_new, jb_list_new, jb_map_set, jb_list_push, jb_str,
        jb_integer, jb_boolean,  jb_none,    jb_uinteger,  NULL,
};

json_t *cli_json_ok(void)
{
	json_t *o = json_object();

	json_object_set_new(o, "ok", json_true());
	return o;
}

/* What jansson writes for a placeholder's leading NUL (jb_uinteger). */
#define U64_MARK "\"\\u0000"

/* Write dumped JSON text, each u64 placeholder as its bare number. */
static void put_spliced(const char *t, FILE *f)
{
	const char *run = t, *p = t;
	int in_string = 0;

	while (*p) {
		if (in_string) {
			if (*p == '\\' && p[1])
				p++; /* an escaped '"' or '\\' */
			else if (*p == '"')
				in_string = 0;
			p++;
			continue;
		}
		if (*p != '"') {
			p++;
			continue;
		}
		if (strncmp(p, U64_MARK, sizeof(U64_MARK) - 1) != 0) {
			in_string = 1;
			p++;
			continue;
		}
		/* "\u0000DIGITS" becomes DIGITS */
		fwrite(run, 1, (size_t)(p - run), f);
		p += sizeof(U64_MARK) - 1;
		run = p;
		while (*p >= '0' && *p <= '9')
			p++;
		fwrite(run, 1, (size_t)(p - run), f);
		if (*p == '"')
			p++;
		run = p;
	}
	fwrite(run, 1, (size_t)(p - run), f);
}

void cli_json_print(json_t *obj)
{
	/* One object per line; ensure_ascii off, order as built. */
	char *text = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);

	if (text) {
		put_spliced(text, stdout);
		free(text);
	}
	fputc('\n', stdout);
	json_decref(obj);
}

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("dsnguard: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_USAGE;
}
