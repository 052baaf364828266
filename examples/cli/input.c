/*
 * examples/cli/input.c - the streaming reader of input.h: a file or
 * standard input, gzip or plain, read a line or an mbox message at a time
 * through one buffer of max_line + 2 + read_size bytes.
 *
 * buf[start..end) holds the decoded bytes not yet returned.  A line is
 * returned as a pointer into buf; the buffer is only compacted (the unread
 * rest moved to its start) before the next read from the source, so that
 * pointer stays valid until the next call.  Messages are copied into a
 * buffer of their own, which grows up to the caller's max + 1 bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "input.h"

#define READ_SIZE_DEFAULT (128u * 1024)
#define ZIN_SIZE (64u * 1024)
#define MSG_FIRST (64u * 1024)

enum { MB_START = 0, MB_BOX, MB_DONE };

struct input {
	const char *name;
	/* the source: a file descriptor, or memory when fd < 0 */
	int fd;
	bool own_fd;
	const unsigned char *mem;
	size_t mem_len, mem_pos;
	bool raw_eof;
	/* gzip */
	bool gz, gz_init, gz_member_end, gz_padding;
	unsigned long gz_members;
	z_stream z;
	unsigned char *zin;
	/* decoded bytes */
	char *buf;
	size_t size, start, end;
	bool eof; /* the decoded stream has no byte after buf[end) */
	size_t max_line, read_size;
	/* lines */
	unsigned long lineno;
	size_t scanned; /* the line search resumes at buf[start + scanned] */
	bool skipping;  /* in the rest of a line that was too long */
	/* messages */
	int mbox;
	char *msg;
	size_t msg_cap;
	/* errors */
	bool failed;
	char errmsg[200];
};

static int fail(struct input *in, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 2, 3)))
#endif
        ;

static int fail(struct input *in, const char *fmt, ...)
{
	va_list ap;

	if (!in->failed) {
		va_start(ap, fmt);
		vsnprintf(in->errmsg, sizeof(in->errmsg), fmt, ap);
		va_end(ap);
		in->failed = true;
	}
	return -1;
}

static int input_destructor(struct input *in)
{
	if (in->gz_init)
		inflateEnd(&in->z);
	if (in->own_fd && in->fd >= 0)
		close(in->fd);
	return 0;
}

/* Up to n raw bytes of the source into dst: > 0, 0 at its end, -1. */
static long raw_read(struct input *in, void *dst, size_t n)
{
	if (n > in->read_size)
		n = in->read_size;
	if (in->fd < 0) {
		size_t k = in->mem_len - in->mem_pos;
		if (k > n)
			k = n;
		if (k)
			memcpy(dst, in->mem + in->mem_pos, k);
		in->mem_pos += k;
		return (long)k;
	}
	for (;;) {
		ssize_t r = read(in->fd, dst, n);
		if (r >= 0)
			return (long)r;
		if (errno != EINTR)
			return fail(in, "read error: %s", strerror(errno));
	}
}

/* Decode more gzip data into buf[end..): > 0 bytes, 0 at the end, -1. */
static long fill_gz(struct input *in, size_t room)
{
	for (;;) {
		size_t got;
		int rc;

		if (in->z.avail_in == 0 && !in->raw_eof) {
			long r = raw_read(in, in->zin, ZIN_SIZE);
			if (r < 0)
				return -1;
			if (r == 0)
				in->raw_eof = true;
			in->z.next_in = in->zin;
			in->z.avail_in = (uInt)r;
		}
		if (in->gz_member_end) {
			/* After a member: another member, NUL padding (as
			 * tape archives leave), or the end. */
			while (in->z.avail_in && *in->z.next_in == 0) {
				in->z.next_in++;
				in->z.avail_in--;
				in->gz_padding = true;
			}
			if (in->z.avail_in == 0) {
				if (in->raw_eof)
					return 0;
				continue;
			}
			if (in->gz_padding || inflateReset(&in->z) != Z_OK)
				return fail(in, "trailing garbage after gzip "
				                "data");
			in->gz_member_end = false;
		}
		if (in->z.avail_in == 0 && in->raw_eof)
			return fail(in, "unexpected end of gzip data");
		in->z.next_out = (Bytef *)in->buf + in->end;
		in->z.avail_out = (uInt)room;
		rc = inflate(&in->z, Z_NO_FLUSH);
		got = room - in->z.avail_out;
		switch (rc) {
		case Z_STREAM_END:
			in->gz_member_end = true;
			in->gz_members++;
			break;
		case Z_OK:
		case Z_BUF_ERROR:
			break;
		case Z_MEM_ERROR:
			return fail(in, "out of memory in gzip decoder");
		default:
			if (in->gz_members && in->z.total_out == 0)
				return fail(in, "trailing garbage after gzip "
				                "data");
			return fail(in, "invalid gzip data (%s)",
			            in->z.msg ? in->z.msg : "corrupt");
		}
		if (got) {
			in->end += got;
			return (long)got;
		}
	}
}

/* Move the unread bytes to the front and read more: > 0, 0 at the end
 * (in->eof is then set), -1. */
static long fill(struct input *in)
{
	size_t room;
	long r;

	if (in->failed)
		return -1;
	if (in->eof)
		return 0;
	if (in->start) {
		memmove(in->buf, in->buf + in->start, in->end - in->start);
		in->end -= in->start;
		in->start = 0;
	}
	room = in->size - in->end;
	if (room > in->read_size)
		room = in->read_size;
	if (!room)
		return fail(in, "internal error: input buffer full");
	if (in->gz) {
		r = fill_gz(in, room);
	} else {
		r = raw_read(in, in->buf + in->end, room);
		if (r > 0)
			in->end += (size_t)r;
	}
	if (r == 0)
		in->eof = true;
	return r;
}

/* Read the first bytes and decide whether the input is gzip. */
static void detect(struct input *in)
{
	/* No more than zin holds: gzip bytes are moved there. */
	while (in->end < 2) {
		long r = raw_read(in, in->buf + in->end, ZIN_SIZE - in->end);
		if (r < 0)
			return;
		if (r == 0) {
			in->raw_eof = true;
			in->eof = true;
			return;
		}
		in->end += (size_t)r;
	}
	if ((unsigned char)in->buf[0] != 0x1f ||
	    (unsigned char)in->buf[1] != 0x8b)
		return;
	in->gz = true;
	in->zin = talloc_array(in, unsigned char, ZIN_SIZE);
	if (!in->zin) {
		fail(in, "out of memory");
		return;
	}
	memcpy(in->zin, in->buf, in->end);
	memset(&in->z, 0, sizeof(in->z));
	in->z.next_in = in->zin;
	in->z.avail_in = (uInt)in->end;
	in->end = 0;
	if (inflateInit2(&in->z, 16 + MAX_WBITS) != Z_OK) {
		fail(in, "cannot start the gzip decoder");
		return;
	}
	in->gz_init = true;
}

static struct input *new_input(TALLOC_CTX *mem, const char *name,
                               const struct input_opts *opts)
{
	struct input *in = talloc_zero(mem, struct input);

	if (!in)
		return NULL;
	in->fd = -1;
	talloc_set_destructor(in, input_destructor);
	in->max_line = opts && opts->max_line ? opts->max_line : INPUT_MAX_LINE;
	if (in->max_line < 16)
		in->max_line = 16;
	in->read_size =
	        opts && opts->read_size ? opts->read_size : READ_SIZE_DEFAULT;
	if (in->read_size > READ_SIZE_DEFAULT)
		in->read_size = READ_SIZE_DEFAULT;
	in->size = in->max_line + 2 + in->read_size;
	in->name = talloc_strdup(in, name);
	in->buf = talloc_array(in, char, in->size);
	if (!in->name || !in->buf) {
		talloc_free(in);
		return NULL;
	}
	return in;
}

struct input *input_open(TALLOC_CTX *mem, const char *path,
                         const struct input_opts *opts)
{
	struct input *in = new_input(mem, path, opts);
	struct stat st;

	if (!in)
		return NULL;
	if (!strcmp(path, "-")) {
		in->fd = 0;
	} else {
		in->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (in->fd < 0) {
			fail(in, "%s", strerror(errno));
			return in;
		}
		in->own_fd = true;
	}
	if (fstat(in->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		fail(in, "%s", strerror(EISDIR));
		return in;
	}
	detect(in);
	return in;
}

struct input *input_open_mem(TALLOC_CTX *mem, const char *name, const void *buf,
                             size_t len, const struct input_opts *opts)
{
	struct input *in = new_input(mem, name, opts);

	if (!in)
		return NULL;
	in->mem = buf;
	in->mem_len = buf ? len : 0;
	detect(in);
	return in;
}

const char *input_name(const struct input *in)
{
	return in->name;
}

const char *input_label(const struct input *in)
{
	return strcmp(in->name, "-") ? in->name : "standard input";
}

const char *input_error(const struct input *in)
{
	return in->failed ? in->errmsg : NULL;
}

bool input_is_gzip(const struct input *in)
{
	return in->gz;
}

static int emit(struct input *in, struct input_line *out, const char *text,
                size_t len, unsigned eol, bool too_long)
{
	out->text = text;
	out->len = len;
	out->eol = eol;
	out->too_long = too_long;
	out->lineno = ++in->lineno;
	return 1;
}

int input_next_chunk(struct input *in, const char **text, size_t *len)
{
	*text = NULL;
	*len = 0;
	while (in->start == in->end) {
		long r = fill(in);
		if (r <= 0)
			return r < 0 ? -1 : 0;
	}
	if (in->failed)
		return -1;
	*text = in->buf + in->start;
	*len = in->end - in->start;
	in->start = in->end;
	in->scanned = 0;
	return 1;
}

int input_next_line(struct input *in, enum input_eol eol,
                    struct input_line *out)
{
	for (;;) {
		char *p = in->buf + in->start, *e = in->buf + in->end;
		char *q = p + in->scanned, *nl;
		long r;

		if (in->failed)
			return -1;
		nl = q < e ? memchr(q, '\n', (size_t)(e - q)) : NULL;
		if (nl) {
			bool cr = nl > p && nl[-1] == '\r';

			if (eol == INPUT_CRLF && !cr) {
				/* a bare LF is part of a raw capture's line */
				in->scanned = (size_t)(nl + 1 - p);
				continue;
			}
			in->start = (size_t)(nl + 1 - in->buf);
			in->scanned = 0;
			if (in->skipping) {
				in->skipping = false;
				continue;
			}
			/* One byte over, found before the cut below. */
			if ((size_t)(nl - p) - cr > in->max_line)
				return emit(in, out, p, in->max_line, 0, true);
			return emit(in, out, p, (size_t)(nl - p) - cr,
			            cr ? 2 : 1, false);
		}
		in->scanned = (size_t)(e - p);
		if (in->skipping) {
			/* Drop the scanned rest of the long line, but keep a
			 * last CR: it may be the start of its CRLF. */
			size_t keep =
			        eol == INPUT_CRLF && e > p && e[-1] == '\r';
			in->start = in->end - keep;
			in->scanned = keep;
		} else if (in->scanned > in->max_line + 1) {
			/* Over max_line even if the next byte is the LF that
			 * ends it (after a CR): cut here, skip the rest. */
			in->start += in->max_line;
			in->scanned -= in->max_line;
			in->skipping = true;
			return emit(in, out, p, in->max_line, 0, true);
		}
		r = fill(in);
		if (r < 0)
			return -1;
		if (r == 0) {
			p = in->buf + in->start;
			if (in->skipping || in->end == in->start) {
				in->skipping = false;
				in->start = in->end;
				in->scanned = 0;
				return 0;
			}
			in->start = in->end;
			in->scanned = 0;
			if ((size_t)(in->buf + in->end - p) > in->max_line)
				return emit(in, out, p, in->max_line, 0, true);
			return emit(in, out, p, (size_t)(in->buf + in->end - p),
			            0, false);
		}
	}
}

/* Make at least n bytes readable at buf[start..) unless the input ends
 * first: 0, or -1. */
static int ensure(struct input *in, size_t n)
{
	while (in->end - in->start < n) {
		long r = fill(in);
		if (r < 0)
			return -1;
		if (r == 0)
			return 0;
	}
	return 0;
}

static void msg_start(struct input *in, struct input_msg *out)
{
	memset(out, 0, sizeof(*out));
	out->text = "";
	out->lineno = in->lineno + 1;
}

/* Add p[0..n) to the message, keeping at most max + 1 bytes. */
static int msg_add(struct input *in, struct input_msg *out, size_t max,
                   const char *p, size_t n)
{
	size_t keep = max + 1 > out->len ? max + 1 - out->len : 0;

	out->size += n;
	if (keep > n)
		keep = n;
	if (!keep)
		return 0;
	if (out->len + keep > in->msg_cap) {
		size_t cap = in->msg_cap ? in->msg_cap : MSG_FIRST;
		char *nb;

		while (cap < out->len + keep)
			cap *= 2;
		if (cap > max + 1)
			cap = max + 1;
		nb = talloc_realloc(in, in->msg, char, cap);
		if (!nb)
			return fail(in, "out of memory (a message of %zu B)",
			            out->len + keep);
		in->msg = nb;
		in->msg_cap = cap;
	}
	memcpy(in->msg + out->len, p, keep);
	out->len += keep;
	return 0;
}

static int msg_done(struct input *in, struct input_msg *out, size_t max)
{
	out->text = in->msg ? in->msg : "";
	out->too_big = out->size > max;
	return 1;
}

int input_whole(struct input *in, size_t max, struct input_msg *out)
{
	if (in->failed)
		return -1;
	msg_start(in, out);
	for (;;) {
		long r;

		if (msg_add(in, out, max, in->buf + in->start,
		            in->end - in->start))
			return -1;
		in->start = in->end;
		in->scanned = 0;
		r = fill(in);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
	}
	in->mbox = MB_DONE;
	return msg_done(in, out, max);
}

static bool at_from(const struct input *in)
{
	return in->end - in->start >= 5 &&
	       !memcmp(in->buf + in->start, "From ", 5);
}

int input_next_mbox(struct input *in, size_t max, struct input_msg *out)
{
	size_t line_len = 0;
	char first = 0;

	if (in->failed)
		return -1;
	if (in->mbox == MB_START) {
		if (ensure(in, 5))
			return -1;
		if (!at_from(in)) {
			if (in->end == in->start && in->eof) {
				in->mbox = MB_DONE;
				return 0;
			}
			return input_whole(in, max, out);
		}
		in->mbox = MB_BOX;
	}
	if (in->mbox == MB_DONE)
		return 0;
	if (ensure(in, 1))
		return -1;
	if (in->end == in->start) {
		in->mbox = MB_DONE;
		return 0;
	}
	/* At a "From " line: it is left out of the message. */
	msg_start(in, out);
	for (;;) {
		char *p = in->buf + in->start;
		char *nl = memchr(p, '\n', in->end - in->start);
		long r;

		if (nl) {
			in->start = (size_t)(nl + 1 - in->buf);
			in->lineno++;
			break;
		}
		in->start = in->end;
		r = fill(in);
		if (r < 0)
			return -1;
		if (r == 0) {
			in->lineno++;
			in->mbox = MB_DONE;
			return msg_done(in, out, max);
		}
	}
	/* Its lines, up to a blank line followed by "From ". */
	for (;;) {
		char *p, *nl;
		size_t n;

		if (in->end == in->start) {
			long r = fill(in);
			if (r < 0)
				return -1;
			if (r == 0) {
				if (line_len)
					in->lineno++;
				in->mbox = MB_DONE;
				return msg_done(in, out, max);
			}
		}
		p = in->buf + in->start;
		nl = memchr(p, '\n', in->end - in->start);
		n = nl ? (size_t)(nl + 1 - p) : in->end - in->start;
		if (!line_len)
			first = p[0];
		if (msg_add(in, out, max, p, n))
			return -1;
		line_len += n;
		in->start += n;
		if (!nl)
			continue;
		in->lineno++;
		if (line_len == 1 || (line_len == 2 && first == '\r')) {
			if (ensure(in, 5))
				return -1;
			if (at_from(in))
				return msg_done(in, out, max);
		}
		line_len = 0;
	}
}
