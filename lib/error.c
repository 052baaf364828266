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

const char *dsng_error_kind_name(enum dsng_errkind kind)
{
	if ((unsigned)kind >= DSNG_ERR__COUNT || !kind_names[kind])
		return "unknown";
	return kind_names[kind];
}

const char *dsng_error_rc_text(int rc)
{
	switch (rc) {
	case DSNG_OK:
		return "success";
	case DSNG_ENOMEM:
		return "out of memory";
	case DSNG_EINVAL:
		return "invalid argument";
	case DSNG_ESYNTAX:
		return "syntax error";
	case DSNG_ELIMIT:
		return "limit exceeded";
	case DSNG_EIO:
		return "input/output error";
	case DSNG_ENOTFOUND:
		return "not found";
	case DSNG_EVERIFY:
		return "verification failed";
	default:
		return "unknown status";
	}
}

/* The sizes of every version of struct dsng_error, for dsng__versioned. */
static const size_t error_sizes[] = {0, sizeof(struct dsng_error)};
static const struct dsng_error error_defaults = DSNG_ERROR_INIT;

int dsng_error_init(struct dsng_error *err, unsigned version)
{
	return dsng__versioned_init(err, version, &error_defaults, error_sizes,
	                            DSNG_ERROR_VERSION);
}

/* An error struct the library may write: not NULL, of a known version. */
static bool writable(const struct dsng_error *err)
{
	return err && err->version >= 1 && err->version <= DSNG_ERROR_VERSION;
}

void dsng_error_clear(struct dsng_error *err)
{
	if (writable(err))
		dsng_error_init(err, err->version);
}

static void fill(struct dsng_error *err, int status, enum dsng_errkind kind,
                 const char *fmt, va_list ap)
{
	err->rc = status;
	err->kind = kind;
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
}

int dsng__fail(struct dsng_error *err, int status, enum dsng_errkind kind,
               size_t offset, int reply, const char *enhanced, const char *fmt,
               ...)
{
	va_list ap;

	if (!writable(err))
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

int dsng__fail_limit(struct dsng_error *err, const char *limit,
                     enum dsng_errkind kind, size_t offset, int reply,
                     const char *enhanced, const char *fmt, ...)
{
	va_list ap;

	if (!writable(err))
		return DSNG_ELIMIT;
	dsng_error_clear(err);
	err->offset = offset;
	err->reply = reply;
	err->enhanced = enhanced ? enhanced : "";
	err->limit = limit;
	va_start(ap, fmt);
	fill(err, DSNG_ELIMIT, kind, fmt, ap);
	va_end(ap);
	return DSNG_ELIMIT;
}

int dsng__fail_at(struct dsng_error *err, int status, enum dsng_errkind kind,
                  unsigned line, unsigned column, const char *fmt, ...)
{
	va_list ap;

	if (!writable(err))
		return status;
	dsng_error_clear(err);
	err->line = line;
	err->column = column;
	va_start(ap, fmt);
	fill(err, status, kind, fmt, ap);
	va_end(ap);
	return status;
}

int dsng__fail_limit_at(struct dsng_error *err, const char *limit,
                        enum dsng_errkind kind, unsigned line, unsigned column,
                        const char *fmt, ...)
{
	va_list ap;

	if (!writable(err))
		return DSNG_ELIMIT;
	dsng_error_clear(err);
	err->line = line;
	err->column = column;
	err->limit = limit;
	va_start(ap, fmt);
	fill(err, DSNG_ELIMIT, kind, fmt, ap);
	va_end(ap);
	return DSNG_ELIMIT;
}

int dsng__span_ieq(const char *p, size_t len, const char *word)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char a = (unsigned char)p[i],
		              b = (unsigned char)word[i];
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

int dsng__parse_u64(const char *p, size_t n, size_t max_digits, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	int range = 0;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned d = (unsigned char)p[i] - '0';

		if (d > 9)
			return -1;
		if (i >= max_digits || v > (UINT64_MAX - d) / 10)
			range = 1; /* still look for a non-digit */
		else
			v = v * 10 + d;
	}
	if (range)
		return -2;
	*out = v;
	return 0;
}

int dsng__versioned_init(void *x, unsigned version, const void *defaults,
                         const size_t *sizes, unsigned current)
{
	if (!x || version < 1 || version > current)
		return DSNG_EINVAL;
	memcpy(x, defaults, sizes[version]);
	*(unsigned *)x = version;
	return DSNG_OK;
}

int dsng__versioned_take(void *local, const void *given, const void *defaults,
                         const size_t *sizes, unsigned current)
{
	unsigned version;

	memcpy(local, defaults, sizes[current]);
	if (!given)
		return DSNG_OK;
	version = *(const unsigned *)given;
	if (version < 1 || version > current)
		return DSNG_EINVAL;
	memcpy(local, given, sizes[version]);
	*(unsigned *)local = current;
	return DSNG_OK;
}

bool dsng__version_ok(const void *x, unsigned current)
{
	unsigned version;

	if (!x)
		return false;
	version = *(const unsigned *)x;
	return version >= 1 && version <= current;
}

static const char *const action_words[DSNG_DSN__COUNT] = {
        [DSNG_DSN_SUCCESS] = "delivered", [DSNG_DSN_FAILURE] = "failed",
        [DSNG_DSN_DELAY] = "delayed",     [DSNG_DSN_RELAYED] = "relayed",
        [DSNG_DSN_EXPANDED] = "expanded",
};

const char *dsng_dsn_action_name(enum dsng_dsn_kind kind)
{
	if ((unsigned)kind >= DSNG_DSN__COUNT)
		return NULL;
	return action_words[kind];
}

size_t dsng_notify_format(char *buf, size_t size, unsigned bits)
{
	/* RFC 3461 section 4.1 lists them in this order. */
	static const struct {
		unsigned bit;
		const char *word;
	} words[] = {{DSNG_NOTIFY_NEVER, "NEVER"},
	             {DSNG_NOTIFY_SUCCESS, "SUCCESS"},
	             {DSNG_NOTIFY_FAILURE, "FAILURE"},
	             {DSNG_NOTIFY_DELAY, "DELAY"}};
	size_t len = 0, i;

	if (size > 0)
		buf[0] = 0;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t n;

		if (!(bits & words[i].bit))
			continue;
		if (len > 0) {
			if (len + 1 < size) {
				buf[len] = ',';
				buf[len + 1] = 0;
			}
			len++;
		}
		n = strlen(words[i].word);
		if (len + n < size)
			memcpy(buf + len, words[i].word, n + 1);
		len += n;
	}
	return len;
}
