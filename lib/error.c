/*
 * lib/error.c - names and texts for status codes and error kinds, and the
 * helpers that fill struct dsng_error without allocating.
 */
#include <stdio.h>
#include <string.h>

#include "dsng_private.h"

/* Indexed by enum dsng_errkind; the names are part of the CLI contract. */
static const char *const kind_names[DSNG_ERR__COUNT] = {
	[DSNG_ERR_NONE] = "none",
	[DSNG_ERR_EMPTY] = "empty",
	[DSNG_ERR_UNKNOWN_COMMAND] = "unknown_command",
	[DSNG_ERR_LINE_TOO_LONG] = "line_too_long",
	[DSNG_ERR_NUL_BYTE] = "nul_byte",
	[DSNG_ERR_BARE_CR_LF] = "bare_cr_lf",
	[DSNG_ERR_SYNTAX] = "syntax",
	[DSNG_ERR_BAD_ADDRESS] = "bad_address",
	[DSNG_ERR_NULL_PATH_NOT_ALLOWED] = "null_path_not_allowed",
	[DSNG_ERR_NON_ASCII_ADDRESS] = "non_ascii_address",
	[DSNG_ERR_BAD_PARAM] = "bad_param",
	[DSNG_ERR_DUPLICATE_PARAM] = "duplicate_param",
	[DSNG_ERR_TOO_MANY_PARAMS] = "too_many_params",
	[DSNG_ERR_BAD_NOTIFY] = "bad_notify",
	[DSNG_ERR_BAD_ORCPT] = "bad_orcpt",
	[DSNG_ERR_BAD_RET] = "bad_ret",
	[DSNG_ERR_BAD_ENVID] = "bad_envid",
	[DSNG_ERR_BAD_SIZE] = "bad_size",
	[DSNG_ERR_BAD_BODY] = "bad_body",
	[DSNG_ERR_BAD_XTEXT] = "bad_xtext",
	[DSNG_ERR_BAD_AUTH] = "bad_auth",
	[DSNG_ERR_BAD_BY] = "bad_by",
	[DSNG_ERR_BAD_MT_PRIORITY] = "bad_mt_priority",
	[DSNG_ERR_BAD_HOLD] = "bad_hold",
	[DSNG_ERR_PARAM_NOT_ALLOWED] = "param_not_allowed",
	[DSNG_ERR_BAD_REPLY] = "bad_reply",
	[DSNG_ERR_MIXED_CODES] = "mixed_codes",
	[DSNG_ERR_BAD_CONTINUATION] = "bad_continuation",
	[DSNG_ERR_BAD_STATUS] = "bad_status",
	[DSNG_ERR_BAD_EHLO] = "bad_ehlo",
	[DSNG_ERR_NOT_MAIL] = "not_mail",
	[DSNG_ERR_DEPTH_LIMIT] = "depth_limit",
	[DSNG_ERR_PART_LIMIT] = "part_limit",
	[DSNG_ERR_HEADER_LIMIT] = "header_limit",
	[DSNG_ERR_FIELD_LIMIT] = "field_limit",
	[DSNG_ERR_SIZE_LIMIT] = "size_limit",
	[DSNG_ERR_RECIPIENT_LIMIT] = "recipient_limit",
	[DSNG_ERR_CONFIG] = "config",
	[DSNG_ERR_UNKNOWN_KEY] = "unknown_key",
	[DSNG_ERR_BAD_VALUE] = "bad_value",
	[DSNG_ERR_BAD_CIDR] = "bad_cidr",
	[DSNG_ERR_UNKNOWN_PRESET] = "unknown_preset",
	[DSNG_ERR_IO] = "io",
	[DSNG_ERR_BATV_FORMAT] = "batv_format",
	[DSNG_ERR_BATV_EXPIRED] = "batv_expired",
	[DSNG_ERR_BATV_BAD_HASH] = "batv_bad_hash",
	[DSNG_ERR_BATV_NO_KEY] = "batv_no_key",
	[DSNG_ERR_NOMEM] = "nomem",
	[DSNG_ERR_INVALID_ARGUMENT] = "invalid_argument",
};

const char *dsng_version(void)
{
	return DSNG_VERSION_STRING;
}

const char *dsng_errkind_name(enum dsng_errkind kind)
{
	if ((unsigned)kind >= DSNG_ERR__COUNT || !kind_names[kind])
		return "unknown";
	return kind_names[kind];
}

const char *dsng_strerror(int status)
{
	switch (status) {
	case DSNG_OK: return "success";
	case DSNG_ENOMEM: return "out of memory";
	case DSNG_EINVAL: return "invalid argument";
	case DSNG_ESYNTAX: return "syntax error";
	case DSNG_ELIMIT: return "limit exceeded";
	case DSNG_EIO: return "input/output error";
	case DSNG_ENOTFOUND: return "not found";
	case DSNG_EVERIFY: return "verification failed";
	default: return "unknown status";
	}
}

void dsng_error_clear(struct dsng_error *err)
{
	if (!err)
		return;
	memset(err, 0, sizeof(*err));
	err->enhanced = "";
}

static void fill(struct dsng_error *err, int status, enum dsng_errkind kind,
                 const char *fmt, va_list ap)
{
	err->status = status;
	err->kind = kind;
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
}

int dsng__fail(struct dsng_error *err, int status, enum dsng_errkind kind,
               size_t offset, int reply, const char *enhanced,
               const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return status;
	dsng_error_clear(err);
	err->offset = offset;
	err->reply = reply;
	err->enhanced = enhanced ? enhanced : "";
	va_start(ap, fmt);
	fill(err, status, kind, fmt, ap);
	va_end(ap);
	return status;
}

int dsng__fail_at(struct dsng_error *err, int status, enum dsng_errkind kind,
                  unsigned line, unsigned column, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return status;
	dsng_error_clear(err);
	err->line = line;
	err->column = column;
	va_start(ap, fmt);
	fill(err, status, kind, fmt, ap);
	va_end(ap);
	return status;
}

int dsng__span_ieq(const char *p, size_t len, const char *word)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char a = (unsigned char)p[i], b = (unsigned char)word[i];
		if (b == 0)
			return 0;
		if (a >= 'a' && a <= 'z')
			a -= 32;
		if (b >= 'a' && b <= 'z')
			b -= 32;
		if (a != b)
			return 0;
	}
	return word[len] == 0;
}

int dsng__parse_u64(const char *p, size_t n, size_t max_digits,
                    uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0 || n > max_digits)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned d = (unsigned char)p[i] - '0';

		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}
