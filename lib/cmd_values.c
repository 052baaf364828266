/*
 * lib/cmd_values.c - values of the known ESMTP parameters: NOTIFY, ORCPT,
 * RET, ENVID (RFC 3461), SIZE (RFC 1870), BODY (RFC 6152/3030), AUTH
 * (RFC 4954), MT-PRIORITY (RFC 6710), BY (RFC 2852), HOLDFOR/HOLDUNTIL
 * (RFC 4865), RRVS (RFC 7293).  Decoded text goes to cmd->decoded.
 */
#include <string.h>

#include "cmd_int.h"

#define ENVID_MAX DSNG_CMD_MAX_ENVID_LEN /* RFC 3461 4.4, decoded */
#define ORCPT_MAX DSNG_CMD_MAX_ORCPT_LEN /* RFC 3461 4.2 */

/*
 * The common NOTIFY values in one pass: items of exactly SUCCESS,
 * FAILURE, DELAY or NEVER (any case), one comma between them, NEVER
 * alone.  Returns the bits, or 0 for anything else (empty items, other
 * words, NEVER mixed), which notify() then parses and reports in full.
 * The words have letters only, so dsng__ieq_w is exact on any octets.
 */
unsigned dsng__cmd_notify_fast(const char *v, size_t n)
{
	unsigned bits = 0, b;
	size_t i = 0, k;

	for (;;) {
		k = n - i >= 7 && (n - i == 7 || v[i + 7] == ',')   ? 7
		    : n - i >= 5 && (n - i == 5 || v[i + 5] == ',') ? 5
		                                                    : 0;
		if (k == 7 && dsng__ieq_w(v + i, "SUCCESS", 7))
			b = DSNG_NOTIFY_SUCCESS;
		else if (k == 7 && dsng__ieq_w(v + i, "FAILURE", 7))
			b = DSNG_NOTIFY_FAILURE;
		else if (k == 5 && dsng__ieq_w(v + i, "DELAY", 5))
			b = DSNG_NOTIFY_DELAY;
		else if (k == 5 && dsng__ieq_w(v + i, "NEVER", 5) && !bits &&
		         i + 5 == n)
			return DSNG_NOTIFY_NEVER;
		else
			return 0;
		bits |= b;
		i += k;
		if (i == n)
			return bits;
		i++; /* the comma */
	}
}

static int notify(struct dsng__cmd_state *st, const char *v, size_t n,
                  size_t off)
{
	unsigned bits = dsng__cmd_notify_fast(v, n), b;
	const char *w;
	size_t i = 0, j;
	int empty = 0;

	if (bits) {
		st->cmd->notify = bits;
		return DSNG_OK;
	}
	for (;;) {
		for (j = i; j < n && v[j] != ',';)
			j++;
		if (j == i) {
			empty = 1;
		} else {
			switch (j - i == 5 || j - i == 7
			                ? dsng__upper[(unsigned char)v[i]]
			                : 0) {
			case 'S':
				b = DSNG_NOTIFY_SUCCESS;
				w = "SUCCESS";
				break;
			case 'F':
				b = DSNG_NOTIFY_FAILURE;
				w = "FAILURE";
				break;
			case 'D':
				b = DSNG_NOTIFY_DELAY;
				w = "DELAY";
				break;
			case 'N':
				b = DSNG_NOTIFY_NEVER;
				w = "NEVER";
				break;
			default:
				b = 0;
				w = "";
			}
			/* SUCCESS and FAILURE have 7 letters, DELAY and
			 * NEVER 5. */
			if (!b ||
			    (j - i == 7) != (b <= DSNG_NOTIFY_FAILURE &&
			                     b >= DSNG_NOTIFY_SUCCESS) ||
			    !dsng__ieq(v + i + 1, w + 1, j - i - 1))
				return dsng__cmd_bad(
				        st, DSNG_ERR_BAD_NOTIFY, off + i,
				        "NOTIFY takes SUCCESS, FAILURE, "
				        "DELAY or NEVER");
			if (bits && ((bits | b) & DSNG_NOTIFY_NEVER) &&
			    (bits | b) != DSNG_NOTIFY_NEVER)
				return dsng__cmd_bad(st, DSNG_ERR_BAD_NOTIFY,
				                     off + i,
				                     "NEVER must stand alone");
			bits |= b;
		}
		if (j == n)
			break;
		i = j + 1;
	}
	if (!bits)
		return dsng__cmd_bad(st, DSNG_ERR_BAD_NOTIFY, off,
		                     "NOTIFY without a keyword");
	if (empty) {
		/* RFC 822's '#' permits null elements; Postfix takes them. */
		if (dsng__cmd_strict(st))
			return dsng__cmd_bad(st, DSNG_ERR_BAD_NOTIFY, off,
			                     "empty NOTIFY item");
		st->cmd->lax |= DSNG_CMD_LAX_EMPTY_NOTIFY_ITEM;
	}
	st->cmd->notify = bits;
	return DSNG_OK;
}

/* Decode xtext (or RFC 6533 when utf8addr) into cmd->decoded. */
static int decode(struct dsng__cmd_state *st, const char *v, size_t n,
                  size_t off, int utf8addr, struct dsng_span *out,
                  enum dsng_errkind limit_kind)
{
	struct dsng_cmd *c = st->cmd;
	unsigned flags = DSNG_XTEXT_PRINTABLE, seen = 0;
	size_t len = 0;
	int rc;

	if (!dsng__cmd_strict(st))
		flags |= DSNG_XTEXT_LOWER_HEX;
	if (st->flags & DSNG_CMD_UTF8)
		flags |= DSNG_XTEXT_UNITEXT;
	if (DSNG_CMD_DECODE_MAX - c->decoded_len < n)
		return dsng__fail_limit(st->err, "max_decoded", limit_kind, off,
		                        501, "5.5.4",
		                        "decoded parameters too long");
	if (!utf8addr && limit_kind != DSNG_ERR_BAD_AUTH)
		flags |= DSNG_XTEXT_ASCII; /* RFC 3461 4.2, 4.4 */
	rc = utf8addr ? dsng_xtext_utf8_decode(
	                        c->decoded + c->decoded_len,
	                        DSNG_CMD_DECODE_MAX - c->decoded_len, &len, v,
	                        n, flags, &seen, st->err)
	              : dsng_xtext_decode(c->decoded + c->decoded_len,
	                                  DSNG_CMD_DECODE_MAX - c->decoded_len,
	                                  &len, v, n, flags, &seen, st->err);
	if (rc != DSNG_OK) {
		if (dsng__version_ok(st->err, DSNG_ERROR_VERSION))
			st->err->offset += off;
		return rc;
	}
	if (seen & DSNG_XTEXT_SEEN_LOWER_HEX)
		c->lax |= DSNG_CMD_LAX_LOWER_HEX;
	out->ptr = c->decoded + c->decoded_len;
	out->len = len;
	c->decoded_len += len;
	return DSNG_OK;
}

static int orcpt(struct dsng__cmd_state *st, const char *v, size_t n,
                 size_t off)
{
	struct dsng_cmd *c = st->cmd;
	size_t i = 0;

	if (n > ORCPT_MAX)
		return dsng__fail_limit(st->err, "max_orcpt_len",
		                        DSNG_ERR_BAD_ORCPT, off, 501, "5.5.4",
		                        "ORCPT longer than %d", ORCPT_MAX);
	i = dsng__skip((const unsigned char *)v, 0, n, DSNG__C_ATEXT);
	if (i == n || v[i] != ';')
		return dsng__cmd_bad(st, DSNG_ERR_BAD_ORCPT, off + i,
		                     memchr(v, ';', n)
		                             ? "bad ORCPT address type"
		                             : "ORCPT needs type;address");
	if (i == 0)
		return dsng__cmd_bad(st, DSNG_ERR_BAD_ORCPT, off,
		                     "empty ORCPT address type");
	if (i + 1 == n)
		return dsng__cmd_bad(st, DSNG_ERR_BAD_ORCPT, off + i + 1,
		                     "empty ORCPT address");
	c->orcpt_type.ptr = v;
	c->orcpt_type.len = i;
	c->has_orcpt = true;
	return decode(st, v + i + 1, n - i - 1, off + i + 1,
	              i == 5 && dsng__ieq(v, "UTF-8", 5), &c->orcpt_addr,
	              DSNG_ERR_BAD_ORCPT);
}

/* 1..max digits with an optional sign in signs; -1 if malformed, -2 if
 * out of range (dsng__parse_u64). */
static int number(const char *v, size_t n, size_t max, const char *signs,
                  uint64_t *out, int *neg)
{
	size_t i = 0;

	*neg = 0;
	if (n && signs && strchr(signs, v[0]) && v[0]) {
		*neg = v[0] == '-';
		i = 1;
	}
	return dsng__parse_u64(v + i, n - i, max, out);
}

static int two(const char *p, unsigned lo, unsigned hi)
{
	unsigned a = (unsigned char)p[0] - '0', b = (unsigned char)p[1] - '0';

	return a <= 9 && b <= 9 && a * 10 + b >= lo && a * 10 + b <= hi;
}

/* RFC 3339 date-time; returns its length at v, or 0. */
static size_t date_time(const char *v, size_t n)
{
	size_t i;

	if (n < 20 || !two(v, 0, 99) || !two(v + 2, 0, 99) || v[4] != '-' ||
	    !two(v + 5, 1, 12) || v[7] != '-' || !two(v + 8, 1, 31) ||
	    (v[10] != 'T' && v[10] != 't') || !two(v + 11, 0, 23) ||
	    v[13] != ':' || !two(v + 14, 0, 59) || v[16] != ':' ||
	    !two(v + 17, 0, 60))
		return 0;
	i = 19;
	if (v[i] == '.') {
		size_t d = ++i;

		while (i < n && v[i] >= '0' && v[i] <= '9')
			i++;
		if (i == d)
			return 0;
	}
	if (i < n && (v[i] == 'Z' || v[i] == 'z'))
		return i + 1;
	if (n - i >= 6 && (v[i] == '+' || v[i] == '-') &&
	    two(v + i + 1, 0, 23) && v[i + 3] == ':' && two(v + i + 4, 0, 59))
		return i + 6;
	return 0;
}

static int by(struct dsng__cmd_state *st, const char *v, size_t n, size_t off)
{
	struct dsng_cmd *c = st->cmd;
	const char *semi = memchr(v, ';', n);
	size_t t;
	uint64_t x;
	int neg;
	char mode;

	if (!semi || number(v, (size_t)(semi - v), 9, "+-", &x, &neg) != 0)
		return dsng__cmd_bad(st, DSNG_ERR_BAD_BY, off,
		                     "BY needs [-]seconds;N|R[T]");
	t = (size_t)(semi - v) + 1;
	mode = (char)(v[t < n ? t : 0] & ~0x20);
	if (t >= n || (mode != 'N' && mode != 'R') ||
	    (n - t == 2 && (v[t + 1] | 0x20) != 't') || n - t > 2)
		return dsng__cmd_bad(st, DSNG_ERR_BAD_BY, off + t,
		                     "BY mode is N or R, then T");
	if (mode == 'R' && (neg || x == 0))
		return dsng__cmd_bad(st, DSNG_ERR_BAD_BY, off,
		                     "BY with mode R needs a positive time");
	c->has_by = true;
	c->by_time = neg ? -(long)x : (long)x;
	c->by_mode = mode;
	c->by_trace = n - t == 2;
	return DSNG_OK;
}

int dsng__cmd_value(struct dsng__cmd_state *st, const struct dsng_param *p)
{
	struct dsng_cmd *c = st->cmd;
	const char *v = p->value.ptr;
	size_t n = p->value.len, off = (size_t)(v - st->line), k;
	uint64_t x;
	int neg, rc;

	switch (p->kind) {
	case DSNG_PARAM_NOTIFY:
		return notify(st, v, n, off);
	case DSNG_PARAM_ORCPT:
		return orcpt(st, v, n, off);
	case DSNG_PARAM_RET:
		if (n == 4 && dsng__ieq(v, "FULL", 4))
			c->ret = DSNG_RET_FULL;
		else if (n == 4 && dsng__ieq(v, "HDRS", 4))
			c->ret = DSNG_RET_HDRS;
		else
			return dsng__cmd_bad(st, DSNG_ERR_BAD_RET, off,
			                     "RET takes FULL or HDRS");
		return DSNG_OK;
	case DSNG_PARAM_ENVID:
		rc = decode(st, v, n, off, 0, &c->envid, DSNG_ERR_BAD_ENVID);
		if (rc != DSNG_OK)
			return rc;
		if (c->envid.len > ENVID_MAX)
			return dsng__fail_limit(st->err, "max_envid_len",
			                        DSNG_ERR_BAD_ENVID, off, 501,
			                        "5.5.4", "ENVID longer than %d",
			                        ENVID_MAX);
		c->has_envid = true;
		return DSNG_OK;
	case DSNG_PARAM_AUTH:
		rc = decode(st, v, n, off, 0, &c->auth, DSNG_ERR_BAD_AUTH);
		if (rc == DSNG_OK)
			c->has_auth = true;
		return rc;
	case DSNG_PARAM_SIZE:
		/* RFC 1870: size-value ::= 1*20DIGIT; every 20-digit
		 * value fits but those over 2^64-1 */
		rc = number(v, n, 20, NULL, &x, &neg);
		if (rc == -2 && n <= 20)
			return dsng__cmd_bad(st, DSNG_ERR_BAD_SIZE, off,
			                     "SIZE is larger than 2^64-1 "
			                     "(18446744073709551615)");
		if (rc != 0)
			return dsng__cmd_bad(st, DSNG_ERR_BAD_SIZE, off,
			                     "SIZE takes 1 to 20 digits");
		c->has_size = true;
		c->size = x;
		return DSNG_OK;
	case DSNG_PARAM_BODY:
		if (n == 4 && dsng__ieq(v, "7BIT", 4))
			c->body = DSNG_BODY_7BIT;
		else if (n == 8 && dsng__ieq(v, "8BITMIME", 8))
			c->body = DSNG_BODY_8BITMIME;
		else if (n == 10 && dsng__ieq(v, "BINARYMIME", 10))
			c->body = DSNG_BODY_BINARYMIME;
		else
			return dsng__cmd_bad(
			        st, DSNG_ERR_BAD_BODY, off,
			        "BODY takes 7BIT, 8BITMIME or BINARYMIME");
		return DSNG_OK;
	case DSNG_PARAM_SMTPUTF8:
		c->smtputf8 = true;
		return DSNG_OK;
	case DSNG_PARAM_REQUIRETLS:
		c->requiretls = true;
		return DSNG_OK;
	case DSNG_PARAM_MT_PRIORITY:
		if (number(v, n, 1, "+-", &x, &neg) != 0)
			return dsng__cmd_bad(st, DSNG_ERR_BAD_MT_PRIORITY, off,
			                     "MT-PRIORITY is -9 to 9");
		c->has_mt_priority = true;
		c->mt_priority = neg ? -(int)x : (int)x;
		return DSNG_OK;
	case DSNG_PARAM_BY:
		return by(st, v, n, off);
	case DSNG_PARAM_HOLDFOR:
		if (number(v, n, 9, NULL, &x, &neg) != 0)
			return dsng__cmd_bad(st, DSNG_ERR_BAD_HOLD, off,
			                     "HOLDFOR takes 1 to 9 digits");
		c->has_holdfor = true;
		c->holdfor = x;
		return DSNG_OK;
	case DSNG_PARAM_HOLDUNTIL:
		if (date_time(v, n) != n)
			return dsng__cmd_bad(
			        st, DSNG_ERR_BAD_HOLD, off,
			        "HOLDUNTIL takes an RFC 3339 date-time");
		c->has_holduntil = true;
		c->holduntil = p->value;
		return DSNG_OK;
	case DSNG_PARAM_RRVS:
		k = date_time(v, n);
		if (!k || (k != n && (n - k != 2 || v[k] != ';' ||
		                      ((v[k + 1] & ~0x20) != 'C' &&
		                       (v[k + 1] & ~0x20) != 'R'))))
			return dsng__cmd_bad(st, DSNG_ERR_BAD_PARAM, off,
			                     "RRVS takes date-time[;C|R]");
		c->has_rrvs = true;
		c->rrvs.ptr = v;
		c->rrvs.len = k;
		c->rrvs_mode = k == n ? 0 : (char)(v[k + 1] & ~0x20);
		return DSNG_OK;
	default:
		return DSNG_OK;
	}
}
