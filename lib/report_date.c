/*
 * lib/report_date.c - RFC 5322 date-time to a UTC timestamp, lenient in
 * the ways real MTAs are (obsolete zones, two-digit years, no seconds, no
 * day of week, comments).
 */
#include <string.h>

#include "report_int.h"

/* Three octets each: compared as such (a constant-length memcmp the
 * compiler inlines), not by a strncmp call per month. */
static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static unsigned days_in_month(long y, unsigned m)
{
	static const unsigned char days[12] = {31, 28, 31, 30, 31, 30,
	                                       31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return days[m] + (m == 1 && leap);
}

struct cur {
	const char *p, *end;
};

static void skip(struct cur *c)
{
	/* most calls find a digit or a letter: no call for those */
	if (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '(' ||
	                      *c->p == '\r' || *c->p == '\n'))
		c->p = dsng__mime_skip_cfws(c->p, c->end);
}

static int num(struct cur *c, unsigned maxdig, long *out, unsigned *ndig)
{
	long v = 0;
	unsigned n = 0;

	while (c->p < c->end && *c->p >= '0' && *c->p <= '9' && n < maxdig) {
		v = v * 10 + (*c->p - '0');
		c->p++;
		n++;
	}
	if (ndig)
		*ndig = n;
	*out = v;
	return n > 0;
}

static size_t word(struct cur *c, char *w, size_t size)
{
	size_t n = 0;

	while (c->p < c->end && ((*c->p >= 'a' && *c->p <= 'z') ||
	                         (*c->p >= 'A' && *c->p <= 'Z'))) {
		if (n + 1 < size)
			w[n++] = (char)(*c->p | 0x20);
		c->p++;
	}
	w[n] = 0;
	return n;
}

/* The month of the three octets at p (any case), 0-11, or 12. */
static unsigned month_of(const char *p)
{
	char w[3] = {(char)(p[0] | 0x20), (char)(p[1] | 0x20),
	             (char)(p[2] | 0x20)};
	unsigned m;

	for (m = 0; m < 12; m++)
		if (memcmp(w, months + 3 * m, 3) == 0)
			break;
	return m;
}

/* The form nearly every MTA writes, "Thu, 15 Apr 2021 09:05:07 +0900"
 * (the day of week may be missing, the day may have one digit), read at
 * fixed places: its length, with the timestamp in *out, or 0 when p does
 * not start with it or a value is out of range (the general walk below
 * then reads it, or says why not).  It gives what that walk gives for the
 * same text, which reads no further than the zone either. */
static size_t common_form(const char *p, size_t len, int64_t *out)
{
	const char *s = p, *end = p + len;
	unsigned day, m, hh, mm, ss, year;
	int zone;

	if (len >= 5 && dsng__is_alpha(s[0]) && dsng__is_alpha(s[1]) &&
	    dsng__is_alpha(s[2]) && s[3] == ',' && s[4] == ' ')
		s += 5;
	/* "D Mmm YYYY HH:MM:SS +ZZZZ" is 25 octets */
	if (end - s < 25 || !dsng__is_digit(s[0]))
		return 0;
	day = (unsigned)(s[0] - '0');
	if (dsng__is_digit(s[1])) {
		day = day * 10 + (unsigned)(s[1] - '0');
		s++;
		if (end - s < 25)
			return 0;
	}
	if (s[1] != ' ' || s[5] != ' ' || s[10] != ' ' || s[13] != ':' ||
	    s[16] != ':' || s[19] != ' ' || (s[20] != '+' && s[20] != '-'))
		return 0;
	m = month_of(s + 2);
	if (m == 12 || !dsng__is_alpha(s[2]) || !dsng__is_alpha(s[3]) ||
	    !dsng__is_alpha(s[4]))
		return 0;
	if (!dsng__is_digit(s[6]) || !dsng__is_digit(s[7]) ||
	    !dsng__is_digit(s[8]) || !dsng__is_digit(s[9]) ||
	    !dsng__is_digit(s[11]) || !dsng__is_digit(s[12]) ||
	    !dsng__is_digit(s[14]) || !dsng__is_digit(s[15]) ||
	    !dsng__is_digit(s[17]) || !dsng__is_digit(s[18]) ||
	    !dsng__is_digit(s[21]) || !dsng__is_digit(s[22]) ||
	    !dsng__is_digit(s[23]) || !dsng__is_digit(s[24]))
		return 0;
	year = (unsigned)((s[6] - '0') * 1000 + (s[7] - '0') * 100 +
	                  (s[8] - '0') * 10 + (s[9] - '0'));
	hh = (unsigned)((s[11] - '0') * 10 + (s[12] - '0'));
	mm = (unsigned)((s[14] - '0') * 10 + (s[15] - '0'));
	ss = (unsigned)((s[17] - '0') * 10 + (s[18] - '0'));
	zone = ((s[21] - '0') * 10 + (s[22] - '0')) * 60 + (s[23] - '0') * 10 +
	       (s[24] - '0');
	if (day < 1 || day > days_in_month(year, m) || hh > 23 || mm > 59 ||
	    ss > 60 || (s[23] - '0') * 10 + (s[24] - '0') > 59)
		return 0;
	if (s[20] == '-')
		zone = -zone;
	*out = days_from_civil(year, m + 1, day) * 86400 + hh * 3600 + mm * 60 +
	       ss - (int64_t)zone * 60;
	return (size_t)(s + 25 - p);
}

bool dsng__report_date_common(const char *p, size_t len, size_t *at, size_t *n,
                              int64_t *out)
{
	size_t i = 0, k;

	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	k = common_form(p + i, len - i, out);
	if (!k)
		return false;
	*at = i;
	*n = k;
	/* then only white space and at most one comment, which cleaning
	 * removes: no nested or quoted parenthesis, no quoted pair */
	for (i += k; i < len && dsng__is_wsp_eol(p[i]); i++)
		;
	if (i < len && p[i] == '(') {
		for (i++; i < len && p[i] != ')'; i++)
			if (p[i] == '(' || p[i] == '\\')
				return false;
		if (i == len)
			return false;
		for (i++; i < len && dsng__is_wsp_eol(p[i]); i++)
			;
	}
	return i == len;
}

/* DSNG_ESYNTAX at the byte where the date stopped making sense. */
static int bad(struct dsng_error *err, const struct cur *c, const char *start,
               const char *what)
{
	return dsng__fail(err, DSNG_ESYNTAX, DSNG_ERR_SYNTAX,
	                  (size_t)(c->p - start), 0, NULL,
	                  "not an RFC 5322 date-time: %s", what);
}

int dsng_report_date_parse(int64_t *out, const char *p, size_t len,
                           struct dsng_error *err)
{
	struct cur c;
	char w[16];
	long day, year, hh, mm, ss = 0, zone = 0;
	unsigned ydig, m;
	int64_t t;

	if (!out || (!p && len))
		return dsng__fail(err, DSNG_EINVAL, DSNG_ERR_INVALID_ARGUMENT,
		                  0, 0, NULL, "NULL argument");
	if (!p)
		p = "";
	if (common_form(p, len, out))
		return DSNG_OK;
	c.p = p;
	c.end = p + len;
	skip(&c);
	if (c.p < c.end && !(*c.p >= '0' && *c.p <= '9')) {
		word(&c, w, sizeof(w)); /* day of week, not checked */
		skip(&c);
		if (c.p < c.end && *c.p == ',')
			c.p++;
		skip(&c);
	}
	if (!num(&c, 2, &day, NULL) || day < 1 || day > 31)
		return bad(err, &c, p, "bad day");
	skip(&c);
	if (c.p < c.end && *c.p == '-')
		c.p++; /* "15-Jul-2020" seen in old gateways */
	if (word(&c, w, sizeof(w)) < 3)
		return bad(err, &c, p, "bad month");
	for (m = 0; m < 12; m++)
		if (memcmp(w, months + 3 * m, 3) == 0)
			break;
	if (m == 12)
		return bad(err, &c, p, "bad month");
	skip(&c);
	if (c.p < c.end && *c.p == '-')
		c.p++;
	/* RFC 5322: 4 digits, or 2 or 3 in the obsolete form */
	if (!num(&c, 4, &year, &ydig) || ydig < 2)
		return bad(err, &c, p, "bad year");
	if (ydig == 2)
		year += year < 50 ? 2000 : 1900;
	else if (ydig == 3)
		year += 1900;
	/* RFC 5322 3.3: the day must exist in that month of that year */
	if (day > days_in_month(year, m))
		return bad(err, &c, p, "no such day in that month");
	skip(&c);
	if (!num(&c, 2, &hh, NULL) || hh > 23)
		return bad(err, &c, p, "bad hour");
	skip(&c);
	if (c.p >= c.end || *c.p != ':')
		return bad(err, &c, p, "no ':' after the hour");
	c.p++;
	skip(&c);
	if (!num(&c, 2, &mm, NULL) || mm > 59)
		return bad(err, &c, p, "bad minute");
	skip(&c);
	if (c.p < c.end && *c.p == ':') {
		c.p++;
		skip(&c);
		if (!num(&c, 2, &ss, NULL) || ss > 60)
			return bad(err, &c, p, "bad second");
		skip(&c);
	}
	if (c.p < c.end && (*c.p == '+' || *c.p == '-')) {
		int neg = *c.p == '-';
		long z;
		unsigned zd;
		c.p++;
		if (!num(&c, 4, &z, &zd) || zd != 4 || z % 100 > 59)
			return bad(err, &c, p, "bad zone");
		zone = (z / 100) * 60 + z % 100;
		if (neg)
			zone = -zone;
	} else if (c.p < c.end) {
		static const struct {
			const char *n;
			long off;
		} zones[] = {{"ut", 0},     {"utc", 0},    {"gmt", 0},
		             {"z", 0},      {"est", -300}, {"edt", -240},
		             {"cst", -360}, {"cdt", -300}, {"mst", -420},
		             {"mdt", -360}, {"pst", -480}, {"pdt", -420}};
		size_t i, n = word(&c, w, sizeof(w));
		/* RFC 5322 4.3: unknown (military) zones count as +0000 */
		for (i = 0; n && i < sizeof(zones) / sizeof(zones[0]); i++)
			if (strcmp(w, zones[i].n) == 0)
				zone = zones[i].off;
	}
	t = days_from_civil(year, m + 1, (unsigned)day) * 86400 + hh * 3600 +
	    mm * 60 + ss - zone * 60;
	*out = t;
	return DSNG_OK;
}
