/*
 * tests/fuzz/fuzz_stream.c - the CLI's streaming readers
 * (examples/cli/input.c, transcript.c) on arbitrary bytes, read from
 * memory in small reads so every refill and cut lands somewhere new.
 *
 * Control bytes: data[0] the line cap (16..271), data[1] the read size
 * (1..64), data[2] flags (bit 0: gzip the payload first, bit 1: as two
 * gzip members, bit 2: append NUL padding after them), data[3] the mbox
 * message cap.  The rest is the payload.  What is checked, besides ASan:
 *  - lines (LF and CRLF mode) are bounded by the cap, never hold their
 *    own line end, and put back together they are the payload, with
 *    exactly the over-long parts missing;
 *  - mbox messages are the ones dsng_mime_mbox_next finds in the whole
 *    payload, each kept up to the cap + 1 and with its real size;
 *  - input_whole is the payload, bounded the same way, and so are the
 *    chunks of input_next_chunk put together;
 *  - the transcript reader's lines are bounded and numbered in order;
 *  - gzip-wrapped payloads read back as the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include <dsnguard/dsnguard.h>

#include "fuzz_input.h"
#include "input.h"
#include "transcript.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c))                                                      \
			abort();                                               \
	} while (0)

/* gzip p[0..n) into a new malloc'ed buffer, as one or two members. */
static unsigned char *gzip_payload(const char *p, size_t n, int two, int pad,
                                   size_t *out_len)
{
	size_t cap = 2 * n + 128, len = 0, part = two ? n / 2 : n, k;
	unsigned char *out = malloc(cap);

	if (!out)
		abort();
	for (k = 0; k < (two ? 2u : 1u); k++) {
		z_stream z;
		const char *src = k ? p + part : p;
		size_t sn = k ? n - part : part;

		memset(&z, 0, sizeof(z));
		if (deflateInit2(&z, 1, Z_DEFLATED, 16 + MAX_WBITS, 8,
		                 Z_DEFAULT_STRATEGY) != Z_OK)
			abort();
		z.next_in = (Bytef *)src;
		z.avail_in = (uInt)sn;
		z.next_out = out + len;
		z.avail_out = (uInt)(cap - len);
		CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END);
		len = cap - z.avail_out;
		deflateEnd(&z);
	}
	if (pad) {
		memset(out + len, 0, 16);
		len += 16;
	}
	*out_len = len;
	return out;
}

static struct input *open_src(const void *src, size_t n,
                              const struct input_opts *o)
{
	struct input *in = input_open_mem(NULL, "fuzz", src, n, o);

	CHECK(in);
	return in;
}

/* The first "\n" (LF mode) or "\r\n" (CRLF mode) at or after p[from],
 * as the index after it; n when there is none. */
static size_t past_eol(const char *p, size_t n, size_t from, int crlf)
{
	size_t i;

	for (i = from; i < n; i++)
		if (p[i] == '\n' && (!crlf || (i > from && p[i - 1] == '\r')))
			return i + 1;
	return n;
}

static void lines(const void *src, size_t src_len, const char *plain, size_t n,
                  const struct input_opts *o, int crlf)
{
	struct input *in = open_src(src, src_len, o);
	struct input_line l;
	size_t pos = 0;
	unsigned long count = 0;
	int rc;

	while ((rc = input_next_line(in, crlf ? INPUT_CRLF : INPUT_LF, &l)) >
	       0) {
		size_t i;

		CHECK(l.lineno == ++count);
		CHECK(l.len <= o->max_line);
		CHECK(pos + l.len <= n);
		CHECK(!memcmp(plain + pos, l.text, l.len));
		if (l.too_long) {
			CHECK(l.len == o->max_line && l.eol == 0);
			pos = past_eol(plain, n, pos + l.len, crlf);
			continue;
		}
		for (i = 0; i < l.len; i++)
			CHECK(crlf ? !(l.text[i] == '\n' && i &&
			               l.text[i - 1] == '\r')
			           : l.text[i] != '\n');
		if (l.eol == 0) {
			CHECK(pos + l.len == n);
		} else if (l.eol == 1) {
			CHECK(!crlf && plain[pos + l.len] == '\n');
			CHECK(!l.len || l.text[l.len - 1] != '\r');
		} else {
			CHECK(l.eol == 2 && plain[pos + l.len] == '\r' &&
			      plain[pos + l.len + 1] == '\n');
		}
		pos += l.len + l.eol;
	}
	CHECK(rc == 0 && !input_error(in));
	CHECK(pos == n);
	talloc_free(in);
}

static void mbox(const void *src, size_t src_len, const char *plain, size_t n,
                 const struct input_opts *o, size_t max)
{
	struct input *in = open_src(src, src_len, o);
	struct input_msg m;
	struct dsng_span want;
	size_t pos = 0;
	int rc;

	while ((rc = input_next_mbox(in, max, &m)) > 0) {
		size_t keep;

		CHECK(dsng_mime_mbox_next(&want, &pos, plain, n));
		keep = want.len < max + 1 ? want.len : max + 1;
		CHECK(m.size == want.len && m.len == keep);
		CHECK(m.too_big == (want.len > max));
		CHECK(!memcmp(m.text, want.ptr, keep));
	}
	CHECK(rc == 0 && !input_error(in));
	CHECK(!dsng_mime_mbox_next(&want, &pos, plain, n));
	talloc_free(in);
}

static void whole(const void *src, size_t src_len, const char *plain, size_t n,
                  const struct input_opts *o, size_t max)
{
	struct input *in = open_src(src, src_len, o);
	struct input_msg m;

	CHECK(input_whole(in, max, &m) == 1);
	CHECK(m.size == n && m.len == (n < max + 1 ? n : max + 1));
	CHECK(m.too_big == (n > max) && !memcmp(m.text, plain, m.len));
	talloc_free(in);
}

/* The chunks of input_next_chunk, none empty, put back together are the
 * payload. */
static void chunks(const void *src, size_t src_len, const char *plain, size_t n,
                   const struct input_opts *o)
{
	struct input *in = open_src(src, src_len, o);
	const char *text;
	size_t len, at = 0;
	int rc;

	while ((rc = input_next_chunk(in, &text, &len)) > 0) {
		CHECK(len > 0 && at + len <= n);
		CHECK(!memcmp(text, plain + at, len));
		at += len;
	}
	CHECK(rc == 0 && at == n && !text && !len);
	talloc_free(in);
}

static void transcript(const void *src, size_t src_len,
                       const struct input_opts *o)
{
	struct input *in = open_src(src, src_len, o);
	struct transcript t;
	struct transcript_line tl;
	unsigned last = 0, sum = 0;
	size_t i;
	int rc;

	transcript_init(&t, in);
	while ((rc = transcript_next(&t, &tl)) > 0) {
		CHECK(tl.lineno == last + 1);
		last = tl.lineno;
		CHECK(tl.len <= o->max_line);
		for (i = 0; i < tl.len; i++) /* ASan checks every byte */
			sum += (unsigned char)tl.text[i];
	}
	CHECK(rc == 0);
	(void)sum;
	talloc_free(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input_opts o;
	unsigned char *gz = NULL;
	const void *src;
	size_t n, src_len, max;
	char *plain;
	unsigned flags;

	if (size < 4)
		return 0;
	memset(&o, 0, sizeof(o));
	o.max_line = 16 + data[0];
	o.read_size = 1 + data[1] % 64;
	flags = data[2];
	max = data[3] * 3u;
	n = size - 4;
	/* an exact-size copy, so ASan sees any read past the end */
	plain = fuzz_copy(data + 4, n);
	src = plain;
	src_len = n;
	if (flags & 1) {
		gz = gzip_payload(plain, n, flags & 2, flags & 4, &src_len);
		src = gz;
	} else if (n >= 2 && (unsigned char)plain[0] == 0x1f &&
	           (unsigned char)plain[1] == 0x8b) {
		/* gzip magic on raw bytes: whatever it decodes to, only
		 * bounds and clean failure can be checked */
		struct input *in = open_src(plain, n, &o);
		struct input_line l;
		while (input_next_line(in, INPUT_LF, &l) > 0)
			CHECK(l.len <= o.max_line);
		talloc_free(in);
		free(plain);
		return 0;
	}
	lines(src, src_len, plain, n, &o, 0);
	lines(src, src_len, plain, n, &o, 1);
	mbox(src, src_len, plain, n, &o, max);
	whole(src, src_len, plain, n, &o, max);
	chunks(src, src_len, plain, n, &o);
	transcript(src, src_len, &o);
	free(gz);
	free(plain);
	return 0;
}
