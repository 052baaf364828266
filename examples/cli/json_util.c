/*
 * examples/cli/json_util.c - JSON and I/O helpers for the commands.
 * jansson refuses strings that are not UTF-8, and DESIGN.md section 5 says
 * such bytes are shown as U+FFFD, so every string goes through one
 * sanitiser here.
 */
#include <errno.h>
#include <stdarg.h>
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

	json_object_set_new(e, "code", json_string(dsng_error_kind_name(err->kind)));
	json_object_set_new(e, "offset", json_integer((json_int_t)err->offset));
	json_object_set_new(e, "reply",
	                    err->reply ? json_integer(err->reply) : json_null());
	json_object_set_new(e, "enhanced",
	                    err->enhanced && *err->enhanced
	                        ? json_string(err->enhanced)
	                        : json_null());
	json_object_set_new(e, "message", cli_json_str(err->message));
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

const struct dsngb_builder cli_json_builder = {
	jb_map_new, jb_list_new, jb_map_set, jb_list_push,
	jb_str,     jb_integer,  jb_boolean, jb_none,
};

json_t *cli_json_ok(void)
{
	json_t *o = json_object();

	json_object_set_new(o, "ok", json_true());
	return o;
}

void cli_json_print(json_t *obj)
{
	/* One object per line; ensure_ascii off, order as built. */
	json_dumpf(obj, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(obj);
}

char *cli_read_file(TALLOC_CTX *mem, const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n + 65536 + 1 > cap) {
			char *nb;
			cap = cap ? cap * 2 : 131072;
			nb = talloc_realloc(mem, buf, char, cap);
			if (!nb) {
				talloc_free(buf);
				if (f != stdin)
					fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got > 0);
	if (ferror(f)) {
		int e = errno;
		talloc_free(buf);
		if (f != stdin)
			fclose(f);
		errno = e ? e : EIO;
		return NULL;
	}
	if (f != stdin)
		fclose(f);
	buf[n] = 0;
	*len = n;
	return buf;
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
