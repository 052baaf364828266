/*
 * lib/ehlo.c - EHLO/LHLO replies into a capability set (RFC 5321
 * 4.1.1.1), decoding the parameters of the extensions we know: SIZE
 * (RFC 1870), AUTH (RFC 4954, and the "AUTH=" form of early servers),
 * DELIVERBY (RFC 2852), MT-PRIORITY (RFC 6710), FUTURERELEASE (RFC 4865).
 * The reply framing is reply.c's job; this file reads its lines.
 */
#include <stdio.h>
#include <string.h>

#include "chars.h"
#include "dsng_private.h"
#include "ehlo_int.h"
#include "reply_int.h"

static const char *const kw_names[DSNG_EHLO_KW__COUNT] = {
        [DSNG_EHLO_KW_DSN] = "DSN",
        [DSNG_EHLO_KW_SIZE] = "SIZE",
        [DSNG_EHLO_KW_AUTH] = "AUTH",
        [DSNG_EHLO_KW_PIPELINING] = "PIPELINING",
        [DSNG_EHLO_KW_8BITMIME] = "8BITMIME",
        [DSNG_EHLO_KW_SMTPUTF8] = "SMTPUTF8",
        [DSNG_EHLO_KW_CHUNKING] = "CHUNKING",
        [DSNG_EHLO_KW_BINARYMIME] = "BINARYMIME",
        [DSNG_EHLO_KW_STARTTLS] = "STARTTLS",
        [DSNG_EHLO_KW_ENHANCEDSTATUSCODES] = "ENHANCEDSTATUSCODES",
        [DSNG_EHLO_KW_DELIVERBY] = "DELIVERBY",
        [DSNG_EHLO_KW_REQUIRETLS] = "REQUIRETLS",
        [DSNG_EHLO_KW_MT_PRIORITY] = "MT-PRIORITY",
        [DSNG_EHLO_KW_FUTURERELEASE] = "FUTURERELEASE",
        [DSNG_EHLO_KW_ETRN] = "ETRN",
        [DSNG_EHLO_KW_VRFY] = "VRFY",
        [DSNG_EHLO_KW_HELP] = "HELP",
        [DSNG_EHLO_KW_RRVS] = "RRVS",
        [DSNG_EHLO_KW_EXPN] = "EXPN",
};

const char *dsng_ehlo_kw_name(enum dsng_ehlo_kw kw)
{
	if ((unsigned)kw >= DSNG_EHLO_KW__COUNT)
		return NULL;
	return kw_names[kw];
}

enum dsng_ehlo_kw dsng_ehlo_kw_lookup(const char *p, size_t len)
{
	int k;

	if (!p)
		return DSNG_EHLO_KW_OTHER;
	for (k = 1; k < DSNG_EHLO_KW__COUNT; k++)
		if (dsng__span_ieq(p, len, kw_names[k]))
			return (enum dsng_ehlo_kw)k;
	return DSNG_EHLO_KW_OTHER;
}

/* Parsing state for one reply. */
struct ep {
	struct dsng_ehlo *caps;
	const struct dsng_reply_line *line;
	const char *kw; /* where the current line's keyword starts */
	struct dsng_error *err;
};

/* Fail with BAD_EHLO at p, a pointer into the current line's text. */
static int efail(struct ep *e, const char *p, const char *what)
{
	size_t off = e->line->text_offset + (size_t)(p - e->line->text);

	return dsng__fail(e->err, DSNG_ESYNTAX, DSNG_ERR_BAD_EHLO, off, 0, NULL,
	                  "EHLO reply: %s", what);
}

/* Decimal digits only (NUL-terminated), at most `max_digits`: 0, -1 when
 * not a number, -2 when out of range (dsng__parse_u64). */
static int decimal(const char *s, size_t max_digits, uint64_t *v)
{
	return dsng__parse_u64(s, strlen(s), max_digits, v);
}

/* Fail for a bad number: "<what> is not a number" or "is out of range". */
static int bad_number(struct ep *e, const char *p, int rc, const char *what,
                      const char *range)
{
	char msg[128];

	if (rc == -2)
		snprintf(msg, sizeof(msg), "%s is out of range (%s)", what,
		         range);
	else
		snprintf(msg, sizeof(msg), "%s is not a number", what);
	return efail(e, p, msg);
}

#define U64_RANGE "the largest is 18446744073709551615"

/*
 * The AUTH mechanisms of every AUTH line, upper-cased, each once, in the
 * order first seen.  One pass over the parameters: a trie (ehlo_set.c)
 * says whether a mechanism was seen, so the cost is linear in their bytes
 * however many there are and whatever they spell, and the array and the
 * strings (one buffer) are allocated once, sized from the parameters.
 */
static int collect_auth(struct dsng_ehlo *caps)
{
	struct dsng__ehlo_set seen;
	size_t i, j, n = 0, bytes = 0, o = 0;
	char *buf;
	int rc = 0;

	for (i = 0; i < caps->n_caps; i++)
		if (caps->caps[i]->kw == DSNG_EHLO_KW_AUTH)
			for (j = 0; j < caps->caps[i]->n_params; j++) {
				n++;
				bytes += strlen(caps->caps[i]->params[j]);
			}
	if (n == 0)
		return 0;
	caps->auth = talloc_array(caps, char *, n);
	buf = caps->auth ? talloc_size(caps->auth, bytes + n) : NULL;
	if (!buf || dsng__ehlo_set_init(&seen, NULL, bytes) < 0)
		return DSNG_ENOMEM;
	for (i = 0; i < caps->n_caps && rc == 0; i++) {
		const struct dsng_ehlo_cap *cap = caps->caps[i];

		if (cap->kw != DSNG_EHLO_KW_AUTH)
			continue;
		for (j = 0; j < cap->n_params; j++) {
			const char *m = cap->params[j];
			size_t len = strlen(m), k;
			int added = dsng__ehlo_set_add(&seen, m, len);

			if (added < 0) {
				rc = DSNG_ENOMEM; /* cannot happen: sized */
				break;
			}
			if (!added)
				continue;
			for (k = 0; k < len; k++)
				buf[o + k] = (m[k] >= 'a' && m[k] <= 'z')
				                     ? (char)(m[k] - 32)
				                     : m[k];
			buf[o + len] = '\0';
			caps->auth[caps->n_auth++] = buf + o;
			o += len + 1;
		}
	}
	dsng__ehlo_set_free(&seen);
	return rc;
}

/* Where parameter k of the current line is in the line's text: the
 * capability's copy starts at its keyword, so offsets carry over. */
static const char *param_at(struct ep *e, const struct dsng_ehlo_cap *cap,
                            size_t k)
{
	return e->kw + (cap->params[k] - cap->keyword);
}

/* Decode the parameters of a known keyword (first occurrence wins). */
static int decode(struct ep *e, struct dsng_ehlo_cap *cap)
{
	struct dsng_ehlo *caps = e->caps;
	int first = !(caps->flags & DSNG_EHLO_FLAG(cap->kw));
	uint64_t v;
	int rc;

	switch (cap->kw) {
	case DSNG_EHLO_KW_SIZE:
		/* RFC 1870: SIZE [SP 1*20DIGIT]; 0 or none = no fixed limit */
		if (cap->n_params > 1)
			return efail(e, param_at(e, cap, 1),
			             "SIZE takes one parameter");
		if (cap->n_params == 1 &&
		    (rc = decimal(cap->params[0], 20, &v)) < 0)
			return bad_number(e, param_at(e, cap, 0), rc,
			                  "SIZE limit", U64_RANGE);
		if (first && cap->n_params == 1)
			caps->size = v;
		break;
	case DSNG_EHLO_KW_AUTH:
		break; /* collect_auth, once every line is read */
	case DSNG_EHLO_KW_DELIVERBY:
		/* RFC 2852: DELIVERBY [SP min-by-time], 1*9DIGIT seconds */
		if (cap->n_params > 1)
			return efail(e, param_at(e, cap, 1),
			             "DELIVERBY takes one parameter");
		if (cap->n_params == 1 &&
		    (rc = decimal(cap->params[0], 9, &v)) < 0)
			return bad_number(e, param_at(e, cap, 0), rc,
			                  "DELIVERBY time", "at most 9 digits");
		if (first && cap->n_params == 1)
			caps->deliverby_min = (long)v;
		break;
	case DSNG_EHLO_KW_MT_PRIORITY:
		if (cap->n_params > 1)
			return efail(e, param_at(e, cap, 1),
			             "MT-PRIORITY takes one profile");
		if (first && cap->n_params == 1) {
			caps->mt_priority_profile =
			        talloc_strdup(caps, cap->params[0]);
			if (!caps->mt_priority_profile)
				return DSNG_ENOMEM;
		}
		break;
	case DSNG_EHLO_KW_FUTURERELEASE:
		/* RFC 4865: max-future-release-interval (seconds) and
		 * max-future-release-date-time */
		if (cap->n_params > 2)
			return efail(e, param_at(e, cap, 2),
			             "FUTURERELEASE takes two parameters");
		if (cap->n_params >= 1 &&
		    (rc = decimal(cap->params[0], 20, &v)) < 0)
			return bad_number(e, param_at(e, cap, 0), rc,
			                  "FUTURERELEASE interval", U64_RANGE);
		if (first && cap->n_params >= 1)
			caps->futurerelease_max_interval = v;
		if (first && cap->n_params == 2) {
			caps->futurerelease_max_datetime =
			        talloc_strdup(caps, cap->params[1]);
			if (!caps->futurerelease_max_datetime)
				return DSNG_ENOMEM;
		}
		break;
	default:
		break;
	}
	return 0;
}

/*
 * One capability line: keyword, then parameters separated by spaces.
 * The line is copied once; the keyword is upper-cased in that copy and
 * every token ended by a NUL in place, so a capability costs three
 * allocations however many parameters it has.
 */
static int parse_cap(struct ep *e, size_t index, struct dsng_ehlo_cap **out)
{
	const char *t = e->line->text, *end = t + e->line->text_len;
	const char *kw, *kw_end, *eq = NULL, *p;
	struct dsng_ehlo_cap *cap;
	size_t n = 0, i, k;
	char *copy;
	int rc;

	while (t < end && dsng__is((unsigned char)*t, DSNG__C_SPACE))
		t++;
	if (t == end)
		return efail(e, t, "empty capability line");
	kw = t;
	while (t < end && !dsng__is((unsigned char)*t, DSNG__C_SPACE)) {
		if (*t == '=' && !eq)
			eq = t;
		t++;
	}
	kw_end = eq ? eq : t;
	for (p = kw; p < kw_end; p++)
		if (!dsng__is((unsigned char)*p, DSNG__C_LETDIG) &&
		    !(p > kw && *p == '-'))
			return efail(e, p, "bad character in keyword");
	if (kw_end == kw)
		return efail(e, kw, "empty keyword");
	if (eq && !dsng__span_ieq(kw, (size_t)(kw_end - kw), "AUTH"))
		return efail(e, eq, "'=' after a keyword other than AUTH");
	/* count and check the parameters; the legacy form's first
	 * mechanism is glued to "AUTH=" */
	for (p = eq ? eq + 1 : t; p < end;) {
		while (p < end && dsng__is((unsigned char)*p, DSNG__C_SPACE))
			p++;
		if (p < end)
			n++;
		for (; p < end && !dsng__is((unsigned char)*p, DSNG__C_SPACE);
		     p++) {
			unsigned char c = (unsigned char)*p;
			/* ehlo-param = 1*(%d33-126) */
			if (c < 33 || c > 126)
				return efail(e, p,
				             "bad character in parameter");
		}
	}

	cap = talloc_zero(e->caps, struct dsng_ehlo_cap);
	if (!cap)
		return DSNG_ENOMEM;
	cap->line = index;
	cap->legacy_auth = eq != NULL;
	cap->kw = dsng_ehlo_kw_lookup(kw, (size_t)(kw_end - kw));
	copy = talloc_strndup(cap, kw, (size_t)(end - kw));
	cap->params = talloc_array(cap, char *, n ? n : 1);
	if (!copy || !cap->params)
		return DSNG_ENOMEM;
	k = (size_t)(kw_end - kw);
	for (i = 0; i < k; i++)
		if (copy[i] >= 'a' && copy[i] <= 'z')
			copy[i] = (char)(copy[i] - 32);
	cap->keyword = copy;
	/* skip the '=' or space after the keyword before ending it */
	i = k + (copy[k] != '\0');
	copy[k] = '\0';
	while (cap->n_params < n) {
		while (dsng__is((unsigned char)copy[i], DSNG__C_SPACE))
			i++;
		cap->params[cap->n_params++] = copy + i;
		while (copy[i] &&
		       !dsng__is((unsigned char)copy[i], DSNG__C_SPACE))
			i++;
		if (copy[i])
			copy[i++] = '\0';
	}
	e->kw = kw;
	if ((rc = decode(e, cap)))
		return rc;
	if (cap->kw != DSNG_EHLO_KW_OTHER)
		e->caps->flags |= DSNG_EHLO_FLAG(cap->kw);
	*out = cap;
	return 0;
}

/* Line 1: Domain [SP ehlo-greet]. */
static int parse_greeting(struct ep *e)
{
	const char *t = e->line->text, *end = t + e->line->text_len, *d;

	d = t;
	while (t < end && !dsng__is((unsigned char)*t, DSNG__C_SPACE))
		t++;
	if (t == d)
		return efail(e, t, "no domain on the first line");
	e->caps->domain = talloc_strndup(e->caps, d, (size_t)(t - d));
	while (t < end && dsng__is((unsigned char)*t, DSNG__C_SPACE))
		t++;
	e->caps->greeting = talloc_strndup(e->caps, t, (size_t)(end - t));
	if (!e->caps->domain || !e->caps->greeting)
		return DSNG_ENOMEM;
	return 0;
}

/* The capability set in one pool where pools are on: per line a
 * capability, its copy and its parameter array, bounded by the input. */
static struct dsng_ehlo *new_caps(const char *buf, size_t len)
{
	struct dsng_ehlo *caps;
#ifdef DSNG_NO_POOLS
	(void)buf;
	(void)len;
	caps = talloc_zero(NULL, struct dsng_ehlo);
#else
	size_t lines = 1;
	const char *p = buf, *end = buf + len;

	while (p && p < end && (p = memchr(p, '\n', (size_t)(end - p)))) {
		lines++;
		p++;
	}
	caps = talloc_pooled_object(
	        NULL, struct dsng_ehlo, 8 + 3 * lines,
	        256 + 2 * len +
	                lines * (sizeof(struct dsng_ehlo_cap) +
	                         4 * sizeof(char *)));
	if (caps)
		memset(caps, 0, sizeof(*caps));
#endif
	return caps;
}

int dsng_ehlo_parse(TALLOC_CTX *mem, struct dsng_ehlo **out, const char *buf,
                    size_t len, const struct dsng_reply_opts *opts,
                    struct dsng_error *err)
{
	struct dsng_ehlo *caps;
	struct dsng_reply *reply;
	struct ep e;
	size_t i;
	int rc;

	if (out)
		*out = NULL;
	if (!out || (!buf && len))
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "NULL argument");
	caps = new_caps(buf, len);
	if (!caps)
		return dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
		                  "out of memory");
	rc = dsng_reply_parse(caps, &reply, buf, len, opts, err);
	if (rc)
		goto done;
	caps->reply = reply;
	caps->code = reply->code;
	if (reply->code != 250) {
		/* a refusal (550, 502 ...): report the server's own code */
		rc = dsng__fail(err, DSNG_ESYNTAX, DSNG_ERR_BAD_EHLO, 0,
		                reply->code, NULL,
		                "EHLO refused with %d: %.80s", reply->code,
		                reply->lines[0]->text);
		goto done;
	}
	memset(&e, 0, sizeof(e));
	e.caps = caps;
	e.err = err;
	e.line = reply->lines[0];
	if ((rc = parse_greeting(&e)))
		goto done;
	caps->caps =
	        talloc_array(caps, struct dsng_ehlo_cap *, reply->n_lines - 1);
	if (!caps->caps) {
		rc = DSNG_ENOMEM;
		goto done;
	}
	for (i = 1; i < reply->n_lines; i++) {
		e.line = reply->lines[i];
		if ((rc = parse_cap(&e, i, &caps->caps[caps->n_caps])))
			goto done;
		caps->n_caps++;
	}
	rc = collect_auth(caps);
done:
	if (rc == DSNG_ENOMEM)
		dsng__fail(err, DSNG_ENOMEM, DSNG_ERR_NOMEM, 0, 0, NULL,
		           "out of memory");
	if (rc) {
		talloc_free(caps);
		return rc;
	}
	*out = talloc_steal(mem, caps);
	return DSNG_OK;
}

bool dsng__ehlo_cap_is(const struct dsng_ehlo_cap *cap, const char *keyword)
{
	return keyword &&
	       dsng__span_ieq(cap->keyword, strlen(cap->keyword), keyword);
}

const struct dsng_ehlo_cap *dsng_ehlo_find(const struct dsng_ehlo *caps,
                                           const char *keyword)
{
	size_t i;

	if (!caps || !keyword)
		return NULL;
	for (i = 0; i < caps->n_caps; i++)
		if (!caps->caps[i]->removed &&
		    dsng__ehlo_cap_is(caps->caps[i], keyword))
			return caps->caps[i];
	return NULL;
}

bool dsng_ehlo_has(const struct dsng_ehlo *caps, const char *keyword)
{
	return dsng_ehlo_find(caps, keyword) != NULL;
}

bool dsng_ehlo_has_auth(const struct dsng_ehlo *caps, const char *mechanism)
{
	size_t i;

	if (!caps || !mechanism)
		return false;
	for (i = 0; i < caps->n_auth; i++)
		if (dsng__span_ieq(caps->auth[i], strlen(caps->auth[i]),
		                   mechanism))
			return true;
	return false;
}
