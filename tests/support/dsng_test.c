/*
 * tests/support/dsng_test.c - helpers shared by the unit tests.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "dsng_test.h"

int dsng_test_setup_ctx(void **state)
{
	*state = talloc_new(NULL);
	return *state ? 0 : -1;
}

int dsng_test_teardown_ctx(void **state)
{
	talloc_free(*state);
	return 0;
}

/* The mapping is [pages for data][one PROT_NONE page]; the data is placed
 * so its last byte is the last byte before the guard. */
struct guard_hdr {
	void *base;
	size_t total;
};

const char *dsng_test_guard(const void *data, size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t need = len + sizeof(struct guard_hdr);
	size_t data_pages = (need + page - 1) / page;
	size_t total = (data_pages + 1) * page;
	char *base = mmap(NULL, total, PROT_READ | PROT_WRITE,
	                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *end, *p;
	struct guard_hdr hdr;

	assert_true(base != MAP_FAILED);
	end = base + data_pages * page;
	assert_int_equal(mprotect(end, page, PROT_NONE), 0);
	p = end - len;
	if (len)
		memcpy(p, data, len);
	hdr.base = base;
	hdr.total = total;
	memcpy(base, &hdr, sizeof(hdr));
	return p;
}

void dsng_test_guard_free(const char *p)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	/* Start from the byte before p: for empty input p is the guard page
	 * itself, which must not be read.  The header always precedes p. */
	uintptr_t first = ((uintptr_t)(p - 1)) & ~(uintptr_t)(page - 1);
	struct guard_hdr hdr;

	/* Walk back page by page to the mapping's first page, which starts
	 * with a header that points at itself. */
	for (;;) {
		memcpy(&hdr, (void *)first, sizeof(hdr));
		if (hdr.base == (void *)first)
			break;
		first -= page;
	}
	munmap(hdr.base, hdr.total);
}

char *dsng_test_load(TALLOC_CTX *mem, const char *rel, size_t *len)
{
	char path[4096];
	FILE *f;
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (rel[0] == '/')
		snprintf(path, sizeof(path), "%s", rel);
	else
		snprintf(path, sizeof(path), "%s/%s", DSNG_TEST_DATA, rel);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s: %s", path, strerror(errno));
	do {
		if (n + 4096 + 1 > cap) {
			cap = (cap ? cap * 2 : 8192);
			buf = talloc_realloc(mem, buf, char, cap);
			assert_non_null(buf);
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got > 0);
	fclose(f);
	buf[n] = 0;
	*len = n;
	return buf;
}

int64_t dsng_test_utc(int y, int mo, int d, int h, int mi, int s, int zone)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return (int64_t)timegm(&tm) - (int64_t)zone * 60;
}

size_t dsng_test_stride(void)
{
	const char *s = getenv("DSNG_TEST_MUTATION_STRIDE");
	long v = s ? strtol(s, NULL, 10) : 1;

	return v > 1 ? (size_t)v : 1;
}
