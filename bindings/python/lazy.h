/*
 * bindings/python/lazy.h - results built on access: a dsnguard.Result
 * (result.c) whose values are made from a private C copy of what it was
 * parsed from (lazy.c) the first time they are read.
 *
 * The dict storage holds every key from the start, in the CLI's order,
 * each with a private placeholder value (so len, `in`, key order and
 * C code that only sizes the dict see the final mapping); reading a key
 * replaces its placeholder with the built value; any operation that
 * reads values wholesale (iteration, items, ==, repr, pickling ...)
 * first replaces them all.
 */
#ifndef DSNGB_PY_LAZY_H
#define DSNGB_PY_LAZY_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

struct dsngb_py_lazy_kind {
	/* The value of key id (new reference), or NULL with an exception.
	 * May run Python code (allocations can collect garbage). */
	PyObject *(*build)(PyObject *self, void *state, int id);
	/* Optional: build every value still holding the placeholder in one
	 * pass (what fill does key by key with build otherwise); 1 when no
	 * placeholder is left, 0 when some may be, -1 with an exception.
	 * Stores only over the placeholder. */
	int (*fill)(PyObject *self, void *state);
	/* Free state: at dealloc, or once every value is built when
	 * release_when_built (no build can be running then). */
	void (*release)(void *state);
	int release_when_built;
	/* key (str) -> id (int), for build */
	PyObject *ids;
};

typedef struct {
	PyDictObject dict;
	const struct dsngb_py_lazy_kind *kind; /* NULL: an ordinary Result */
	void *state;                           /* the kind's, owned */
	int building;                          /* builds in progress */
	int complete;                          /* no placeholder left */
	unsigned long long version; /* the storage's as made (see below) */
} dsngb_py_result;

/* Whether o's storage is still exactly as dsngb_py_result_lazy made it
 * (every key with its placeholder): CPython 3.11 versions every dict
 * change; later versions deprecate that field, and then the answer is
 * "maybe" (0) and the caller looks at the values. */
static inline int dsngb_py_result_untouched(PyObject *o)
{
#if PY_VERSION_HEX < 0x030C0000
	return ((PyDictObject *)o)->ma_version_tag ==
	       ((dsngb_py_result *)o)->version;
#else
	(void)o;
	return 0;
#endif
}

/* The placeholder value (borrowed; one object for the process). */
PyObject *dsngb_py_unbuilt(void);

/* Whether o is a dsnguard.Result (or a subclass). */
int dsngb_py_result_check(PyObject *o);

/* A Result with template's keys (a dict whose values are all the
 * placeholder), built from state by kind; state is owned by the result
 * from here on, also on failure (released).  NULL with an exception. */
PyObject *dsngb_py_result_lazy(PyObject *template,
                               const struct dsngb_py_lazy_kind *kind,
                               void *state);

/* Build every value still missing: after this, o (any object: only
 * lazy Results are touched) is an ordinary dict.  -1 with an exception. */
int dsngb_py_result_fill(PyObject *o);

/* The value of key in o's storage (a dict), built if it was not yet: a
 * new reference; NULL without an exception when the key is absent. */
PyObject *dsngb_py_result_get(PyObject *o, PyObject *key);

/* ---- lazy.c: the kinds ---- */

#include <dsnguard/dsnguard.h>

/* Set up the kinds at module init (after the key cache); -1 on failure. */
int dsngb_py_lazy_init(void);

/* parse_cmd: the line parsed now (err filled and NULL returned when it is
 * refused, or with an exception set), its values built on access from a
 * private copy of it. */
PyObject *dsngb_py_cmd_result(const char *p, size_t n, unsigned flags,
                              size_t max_line, struct dsng_error *err);

/* parse_report: the message copied and parsed now (the GIL released
 * meanwhile); the Result owns that tree and builds from it. */
PyObject *dsngb_py_report_result(const char *p, size_t n,
                                 const struct dsng_report_limits *lim,
                                 struct dsng_error *err);

/* What Policy.mail/rcpt can parse instead of o's "canonical": the line a
 * parse_cmd Result was parsed from, when that gives the same command
 * (default options, "canonical" never read nor replaced).  1 with *p,
 * *n set (valid while o lives), 0 when o is not such a Result. */
int dsngb_py_cmd_line(PyObject *o, const char **p, size_t *n);

#endif
