/*
 * lib/batv.c - BATV "prvs" tags (draft-levine-smtp-batv-01): sign, parse,
 * verify, strip, key parsing.
 *
 * The keyed hash is nettle's HMAC-SHA1: nettle is small, maintained,
 * packaged by Debian (nettle-dev), LGPL (compatible with our licence), and
 * has HMAC in its API, so no hash code is written here.
 */
#include <string.h>

#include <nettle/hmac.h>

#include "dsng_private.h"

#define TAG_LEN 10 /* KDDDSSSSSS */
#define PREFIX "prvs="
#define PREFIX_LEN 5
#define SECS_PER_DAY 86400

/* The sizes of every version of struct dsng_batv_opts (sizes[0] unused),
 * for dsng__versioned_init/take. */
static const size_t opts_sizes[] = {0, sizeof(struct dsng_batv_opts)};
static const struct dsng_batv_opts opts_defaults = DSNG_BATV_OPTS_INIT;
static const size_t verdict_sizes[] = {0, sizeof(struct dsng_batv_verdict)};
static const struct dsng_batv_verdict verdict_defaults = DSNG_BATV_VERDICT_INIT;

int dsng_batv_verdict_init(struct dsng_batv_verdict *v, unsigned version)
{
	return dsng__versioned_init(v, version, &verdict_defaults,
	                            verdict_sizes, DSNG_BATV_VERDICT_VERSION);
}

/* Hand the verdict out: only the fields the caller's version has. */
static void verdict_out(struct dsng_batv_verdict *out,
                        const struct dsng_batv_verdict *v)
{
	unsigned version = out->version;

	memcpy(out, v, verdict_sizes[version]);
	out->version = version;
}

int dsng_batv_opts_init(struct dsng_batv_opts *opts, unsigned version)
{
	return dsng__versioned_init(opts, version, &opts_defaults, opts_sizes,
	                            DSNG_BATV_OPTS_VERSION);
}

const char *dsng_batv_result_name(enum dsng_batv_result r)
{
	switch (r) {
	case DSNG_BATV_VALID:
		return "valid";
	case DSNG_BATV_NOT_TAGGED:
		return "not_tagged";
	case DSNG_BATV_MALFORMED:
		return "malformed";
	case DSNG_BATV_NO_KEY:
		return "no_key";
	case DSNG_BATV_BAD_HASH:
		return "bad_hash";
	case DSNG_BATV_EXPIRED:
		return "expired";
	}
	return "unknown";
}

/* KDDDSSSSSS: four digits then six hex digits, either case. */
static int tag_shape_ok(const char *p, size_t len)
{
	size_t i;

	if (len != TAG_LEN)
		return 0;
	for (i = 0; i < 4; i++)
		if (!dsng__is_digit(p[i]))
			return 0;
	for (i = 4; i < TAG_LEN; i++)
		if (dsng__hex((unsigned char)p[i]) < 0)
			return 0;
	return 1;
}

static void tag_fill(struct dsng_batv_tag *t, const char *p)
{
	size_t i;

	t->tag_val.ptr = p;
	t->tag_val.len = TAG_LEN;
	t->key_number = (unsigned)(p[0] - '0');
	t->day = (unsigned)((p[1] - '0') * 100 + (p[2] - '0') * 10 +
	                    (p[3] - '0'));
	for (i = 0; i < 3; i++)
		t->hash[i] =
		        (unsigned char)(dsng__hex((unsigned char)p[4 + 2 * i])
		                                << 4 |
		                        dsng__hex((unsigned char)p[5 + 2 * i]));
}

static const char *last_byte(const char *p, size_t len, char c)
{
	while (len > 0) {
		len--;
		if (p[len] == c)
			return p + len;
	}
	return NULL;
}

/* Internal parse: 0 when tagged, else the verify result that applies.
 * *where gets the offset of the problem for error reporting. */
static enum dsng_batv_result parse_tag(const char *addr, size_t len,
                                       unsigned flags, struct dsng_batv_tag *t,
                                       size_t *where)
{
	const char *at = last_byte(addr, len, '@');
	size_t lp_len = at ? (size_t)(at - addr) : len;
	const char *rest = addr + PREFIX_LEN;
	size_t rest_len;
	const char *eq;

	memset(t, 0, sizeof(*t));
	*where = 0;
	if (lp_len < PREFIX_LEN || !dsng__span_ieq(addr, PREFIX_LEN, PREFIX))
		return DSNG_BATV_NOT_TAGGED;
	rest_len = lp_len - PREFIX_LEN;
	if (at) {
		t->domain.ptr = at + 1;
		t->domain.len = len - lp_len - 1;
	}
	/* The draft's order: prvs=TAG=local. */
	if (rest_len > TAG_LEN + 1 && rest[TAG_LEN] == '=' &&
	    tag_shape_ok(rest, TAG_LEN)) {
		tag_fill(t, rest);
		t->local.ptr = rest + TAG_LEN + 1;
		t->local.len = rest_len - TAG_LEN - 1;
		return DSNG_BATV_VALID;
	}
	/* The older order some implementations wrote: prvs=local=TAG. */
	eq = last_byte(rest, rest_len, '=');
	if (!(flags & DSNG_BATV_NO_LEGACY) && eq && eq > rest &&
	    tag_shape_ok(eq + 1, (size_t)(rest + rest_len - eq - 1))) {
		tag_fill(t, eq + 1);
		t->local.ptr = rest;
		t->local.len = (size_t)(eq - rest);
		t->legacy_order = true;
		return DSNG_BATV_VALID;
	}
	*where = PREFIX_LEN;
	return DSNG_BATV_MALFORMED;
}

int dsng_batv_parse(struct dsng_batv_tag *out, const char *addr, size_t len,
                    unsigned flags, struct dsng_error *err)
{
	struct dsng_batv_tag t;
	enum dsng_batv_result r;
	size_t where;

	if (!out || (!addr && len))
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "batv: NULL argument");
	r = parse_tag(addr ? addr : "", len, flags, &t, &where);
	*out = t;
	if (r == DSNG_BATV_NOT_TAGGED)
		return dsng__fail(err, DSNG_EVERIFY, DSNG_ERR_BATV_FORMAT, 0, 0,
		                  NULL, "address carries no prvs tag");
	if (r == DSNG_BATV_MALFORMED)
		return dsng__fail(
		        err, DSNG_EVERIFY, DSNG_ERR_BATV_FORMAT, where, 0, NULL,
		        "prvs tag is not KDDDSSSSSS (key digit, 3-digit "
		        "day, 6 hex digits)");
	return DSNG_OK;
}

/* Whole days since the epoch, rounding toward minus infinity so that
 * times before 1970 still give a day in 0..999 below. */
static long long epoch_day(time_t now)
{
	long long t = (long long)now;

	if (t >= 0)
		return t / SECS_PER_DAY;
	return -((-t + SECS_PER_DAY - 1) / SECS_PER_DAY);
}

static unsigned day_mod(long long day)
{
	long long m = day % 1000;

	return (unsigned)(m < 0 ? m + 1000 : m);
}

static void hmac_folded(struct hmac_sha1_ctx *ctx, const char *p, size_t len,
                        int fold)
{
	unsigned char buf[256];

	if (!fold) {
		hmac_sha1_update(ctx, len, (const uint8_t *)p);
		return;
	}
	while (len > 0) {
		size_t n = len < sizeof(buf) ? len : sizeof(buf), i;
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)p[i];
			buf[i] = (c >= 'A' && c <= 'Z')
			                 ? (unsigned char)(c + 32)
			                 : c;
		}
		hmac_sha1_update(ctx, n, buf);
		p += n;
		len -= n;
	}
}

/* hash-source = K DDD orig-mailfrom (draft section 4.1); the first three
 * bytes of the HMAC-SHA1 go in the tag. */
static void prvs_hash(const struct dsng_batv_key *key, const char *kddd,
                      struct dsng_span local, struct dsng_span domain,
                      unsigned flags, unsigned char out[3])
{
	struct hmac_sha1_ctx ctx;
	uint8_t digest[SHA1_DIGEST_SIZE];
	int fold = !(flags & DSNG_BATV_EXACT_CASE);

	hmac_sha1_set_key(&ctx, key->secret_len, key->secret);
	hmac_sha1_update(&ctx, 4, (const uint8_t *)kddd);
	hmac_folded(&ctx, local.ptr, local.len, fold);
	if (domain.ptr) {
		hmac_sha1_update(&ctx, 1, (const uint8_t *)"@");
		hmac_folded(&ctx, domain.ptr, domain.len, fold);
	}
	hmac_sha1_digest(&ctx, sizeof(digest), digest);
	memcpy(out, digest, 3);
	memset(digest, 0, sizeof(digest));
	memset(&ctx, 0, sizeof(ctx));
}

/* The caller's options (NULL = defaults, any known version) into the full
 * local copy *o, checked. */
static int take_opts(struct dsng_batv_opts *o,
                     const struct dsng_batv_opts *given, struct dsng_error *err)
{
	size_t i;

	if (dsng__versioned_take(o, given, &opts_defaults, opts_sizes,
	                         DSNG_BATV_OPTS_VERSION) < 0)
		return dsng__fail(
		        err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT, 0, 0, NULL,
		        "batv: struct dsng_batv_opts of unknown version %u",
		        given->version);
	if (o->days < 1 || o->days > DSNG_BATV_MAX_DAYS)
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_BAD_VALUE, 0, 0,
		                  NULL, "batv: days must be 1..%d, not %u",
		                  DSNG_BATV_MAX_DAYS, o->days);
	if (o->n_keys && !o->keys)
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL,
		                  "batv: n_keys set but keys is NULL");
	for (i = 0; i < o->n_keys; i++)
		if (o->keys[i].number > 9 || !o->keys[i].secret ||
		    !o->keys[i].secret_len)
			return dsng__fail(
			        err, DSNG_EINVAL, DSNG_ERR_BAD_VALUE, 0, 0,
			        NULL,
			        "batv: key %zu needs a number 0..9 and a "
			        "non-empty secret",
			        i);
	return DSNG_OK;
}

static const struct dsng_batv_key *find_key(const struct dsng_batv_opts *o,
                                            unsigned number)
{
	size_t i;

	for (i = 0; i < o->n_keys; i++)
		if (o->keys[i].number == number)
			return &o->keys[i];
	return NULL;
}

int dsng_batv_sign(TALLOC_CTX *mem, char **out, const char *addr, size_t len,
                   time_t now, const struct dsng_batv_opts *given,
                   struct dsng_error *err)
{
	struct dsng_batv_opts o;
	const struct dsng_batv_opts *opts = &o;
	static const char hex[] = "0123456789abcdef";
	const struct dsng_batv_key *key;
	struct dsng_batv_tag old;
	struct dsng_span local, domain;
	const char *at;
	char tag[TAG_LEN + 1];
	unsigned char h[3];
	unsigned day;
	size_t where, i;
	char *s;
	int rc;

	if (out)
		*out = NULL;
	if (!out || (!addr && len))
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "batv: NULL argument");
	rc = take_opts(&o, given, err);
	if (rc)
		return rc;
	if (len == 0 || (len == 2 && addr[0] == '<' && addr[1] == '>'))
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_BAD_ADDRESS, 0, 0,
		                  NULL,
		                  "batv: the null sender is never tagged");
	if (parse_tag(addr, len, opts->flags, &old, &where) ==
	    DSNG_BATV_VALID) {
		local = old.local;
		domain = old.domain;
	} else {
		at = last_byte(addr, len, '@');
		if (!at)
			return dsng__fail(err, DSNG_EINVAL,
			                  DSNG_ERR_BAD_ADDRESS, 0, 0, NULL,
			                  "batv: address has no '@domain'");
		local.ptr = addr;
		local.len = (size_t)(at - addr);
		domain.ptr = at + 1;
		domain.len = len - local.len - 1;
	}
	if (!local.len || !domain.ptr || !domain.len)
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_BAD_ADDRESS, 0, 0,
		                  NULL, "batv: empty local part or domain");
	key = find_key(opts, opts->sign_key);
	if (!key)
		return dsng__fail(err, DSNG_ENOTFOUND, DSNG_ERR_BATV_NO_KEY, 0,
		                  0, NULL, "batv: no key number %u loaded",
		                  opts->sign_key);

	day = day_mod(epoch_day(now) + opts->days);
	tag[0] = (char)('0' + key->number);
	tag[1] = (char)('0' + day / 100);
	tag[2] = (char)('0' + day / 10 % 10);
	tag[3] = (char)('0' + day % 10);
	prvs_hash(key, tag, local, domain, opts->flags, h);
	for (i = 0; i < 3; i++) {
		tag[4 + 2 * i] = hex[h[i] >> 4];
		tag[5 + 2 * i] = hex[h[i] & 15];
	}
	tag[TAG_LEN] = 0;

	s = talloc_asprintf(mem, "%s%s=%.*s@%.*s", PREFIX, tag, (int)local.len,
	                    local.ptr, (int)domain.len, domain.ptr);
	if (!s)
		return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
		                  "out of memory");
	/* %.*s stops at a NUL; an address with one cannot be signed intact. */
	if (strlen(s) !=
	    PREFIX_LEN + TAG_LEN + 1 + local.len + 1 + domain.len) {
		talloc_free(s);
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_NUL_BYTE, 0, 0,
		                  NULL, "batv: address contains a NUL byte");
	}
	*out = s;
	return DSNG_OK;
}

static int verdict_fail(struct dsng_error *err, enum dsng_batv_result r,
                        size_t where, const struct dsng_batv_tag *t)
{
	switch (r) {
	case DSNG_BATV_NOT_TAGGED:
		return dsng__fail(err, DSNG_EVERIFY, DSNG_ERR_BATV_FORMAT, 0, 0,
		                  NULL, "address carries no prvs tag");
	case DSNG_BATV_MALFORMED:
		return dsng__fail(err, DSNG_EVERIFY, DSNG_ERR_BATV_FORMAT,
		                  where, 0, NULL, "prvs tag is not KDDDSSSSSS");
	case DSNG_BATV_NO_KEY:
		return dsng__fail(err, DSNG_EVERIFY, DSNG_ERR_BATV_NO_KEY,
		                  where, 0, NULL, "no key number %u loaded",
		                  t->key_number);
	case DSNG_BATV_BAD_HASH:
		return dsng__fail(err, DSNG_EVERIFY, DSNG_ERR_BATV_BAD_HASH,
		                  where, 0, NULL, "prvs hash does not match");
	case DSNG_BATV_EXPIRED:
		return dsng__fail(err, DSNG_EVERIFY, DSNG_ERR_BATV_EXPIRED,
		                  where, 0, NULL, "prvs tag expired (day %03u)",
		                  t->day);
	case DSNG_BATV_VALID:
		break;
	}
	return DSNG_OK;
}

int dsng_batv_verify(struct dsng_batv_verdict *out, const char *addr,
                     size_t len, time_t now, const struct dsng_batv_opts *given,
                     struct dsng_error *err)
{
	struct dsng_batv_opts o;
	const struct dsng_batv_opts *opts = &o;
	struct dsng_batv_verdict v;
	unsigned char want[3];
	unsigned today, ahead;
	size_t where, tag_off, i;
	int matched = 0, have_key = 0, rc;

	v = verdict_defaults;
	if (out && !dsng__version_ok(out, DSNG_BATV_VERDICT_VERSION))
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL,
		                  "batv: verdict of unknown version");
	if (out)
		verdict_out(out, &v);
	if (!addr && len)
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "batv: NULL argument");
	rc = take_opts(&o, given, err);
	if (rc)
		return rc;
	if (!addr)
		addr = "";

	v.result = parse_tag(addr, len, opts->flags, &v.tag, &where);
	if (v.result != DSNG_BATV_VALID)
		goto done;
	tag_off = (size_t)(v.tag.tag_val.ptr - addr);

	/* Every key carrying the number is tried (a rotation may reuse one);
	 * the comparison accumulates differences so its time does not depend
	 * on how many leading bytes match. */
	for (i = 0; i < opts->n_keys; i++) {
		unsigned diff = 0, j;
		if (opts->keys[i].number != v.tag.key_number)
			continue;
		have_key = 1;
		prvs_hash(&opts->keys[i], v.tag.tag_val.ptr, v.tag.local,
		          v.tag.domain, opts->flags, want);
		for (j = 0; j < 3; j++)
			diff |= (unsigned)(want[j] ^ v.tag.hash[j]);
		matched |= diff == 0;
	}
	memset(want, 0, sizeof(want));
	if (!have_key) {
		v.result = DSNG_BATV_NO_KEY;
		where = tag_off;
		goto done;
	}
	if (!matched) {
		v.result = DSNG_BATV_BAD_HASH;
		where = tag_off + 4;
		goto done;
	}
	/* Days from today to the expiry day, modulo 1000: within the window
	 * the tag is alive; beyond it, the day is in the past (or absurdly
	 * far ahead, which no honest signer produces). */
	today = day_mod(epoch_day(now));
	ahead = (v.tag.day + 1000 - today) % 1000;
	if (ahead <= opts->days) {
		v.days_left = (int)ahead;
		v.result = DSNG_BATV_VALID;
	} else {
		v.days_left = -(int)(1000 - ahead);
		v.result = DSNG_BATV_EXPIRED;
		where = tag_off + 1;
	}

done:
	if (out)
		verdict_out(out, &v);
	return verdict_fail(err, v.result, where, &v.tag);
}

int dsng_batv_strip(TALLOC_CTX *mem, char **out, const char *addr, size_t len,
                    struct dsng_error *err)
{
	struct dsng_batv_tag t;
	size_t where;
	char *s;

	if (out)
		*out = NULL;
	if (!out || (!addr && len))
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "batv: NULL argument");
	if (!addr)
		addr = "";
	if (parse_tag(addr, len, 0, &t, &where) != DSNG_BATV_VALID)
		s = talloc_strndup(mem, addr, len);
	else if (t.domain.ptr)
		s = talloc_asprintf(mem, "%.*s@%.*s", (int)t.local.len,
		                    t.local.ptr, (int)t.domain.len,
		                    t.domain.ptr);
	else
		s = talloc_strndup(mem, t.local.ptr, t.local.len);
	if (!s)
		return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
		                  "out of memory");
	*out = s;
	return DSNG_OK;
}

int dsng_batv_key_parse(TALLOC_CTX *mem, struct dsng_batv_key *out,
                        const char *text, size_t len, unsigned default_number,
                        struct dsng_error *err)
{
	unsigned char *secret;
	size_t off = 0, n, i;
	unsigned number = default_number;

	if (out)
		memset(out, 0, sizeof(*out));
	if (!out || (!text && len))
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "batv: NULL argument");
	if (len >= 2 && dsng__is_digit(text[0]) && text[1] == ':') {
		number = (unsigned)(text[0] - '0');
		off = 2;
	}
	if (number > 9)
		return dsng__fail(err, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE, 0, 0,
		                  NULL, "key number must be 0..9");
	if (len - off >= 4 && dsng__span_ieq(text + off, 4, "hex:")) {
		off += 4;
		n = len - off;
		if (n == 0 || n % 2)
			return dsng__fail(err, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE,
			                  off, 0, NULL,
			                  "hex key needs an even, non-zero "
			                  "number of digits");
		for (i = 0; i < n; i++)
			if (dsng__hex((unsigned char)text[off + i]) < 0)
				return dsng__fail(err, DSNG_ESYNTAX,
				                  DSNG_ERR_BAD_VALUE, off + i,
				                  0, NULL,
				                  "not a hex digit in key");
		secret = talloc_array(mem, unsigned char, n / 2);
		if (!secret)
			goto nomem;
		for (i = 0; i < n / 2; i++)
			secret[i] =
			        (unsigned char)(dsng__hex((unsigned char)
			                                          text[off +
			                                               2 * i])
			                                << 4 |
			                        dsng__hex((unsigned char)
			                                          text[off +
			                                               2 * i +
			                                               1]));
		n /= 2;
	} else {
		if (len - off >= 5 && dsng__span_ieq(text + off, 5, "text:"))
			off += 5;
		n = len - off;
		if (n == 0)
			return dsng__fail(err, DSNG_ESYNTAX, DSNG_ERR_BAD_VALUE,
			                  off, 0, NULL, "empty key");
		secret = talloc_memdup(mem, text + off, n);
		if (!secret)
			goto nomem;
	}
	out->number = number;
	out->secret = secret;
	out->secret_len = n;
	return DSNG_OK;
nomem:
	return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
	                  "out of memory");
}
