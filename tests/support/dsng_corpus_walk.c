/*
 * tests/support/dsng_corpus_walk.c - the shared corpus, message by message
 * (see dsng_corpus_walk.h).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "dsng_corpus_walk.h"

char *dsng_test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long sz;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (sz = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc(sz > 0 ? (size_t)sz : 1)) != NULL &&
	    fread(buf, 1, (size_t)sz, f) == (size_t)sz) {
		*len = (size_t)sz;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* The files of one folder; how many were given. */
static size_t walk_dir(const char *dir,
                       void (*each)(char *buf, size_t len, void *arg),
                       void *arg)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL) {
		char path[8192], *buf;
		size_t len;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if ((buf = dsng_test_read_file(path, &len)) != NULL) {
			each(buf, len, arg);
			n++;
		}
	}
	closedir(d);
	return n;
}

size_t dsng_test_corpus_walk(const char *base,
                             void (*each)(char *buf, size_t len, void *arg),
                             void *arg)
{
	static const char *const folders[] = {"dsn", "other"};
	char dir[4096];
	size_t i, n = 0;

	for (i = 0; i < sizeof(folders) / sizeof(folders[0]); i++) {
		snprintf(dir, sizeof(dir), "%s/%s", base, folders[i]);
		n += walk_dir(dir, each, arg);
	}
	return n;
}
