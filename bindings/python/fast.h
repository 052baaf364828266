/*
 * bindings/python/fast.h - the hand-written CPython entry points for the
 * hot calls (fast.c) and what they share with builder.c.
 */
#ifndef DSNGB_PY_FAST_H
#define DSNGB_PY_FAST_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* The interned key object for a walk's key text (borrowed, cached for
 * the life of the process); NULL when it is not cached (too long: then
 * no exception) or interning failed (exception set). */
PyObject *dsngb_py_key(const char *key);

/* Find this module's read-only segment for dsngb_py_key (once, at
 * module init). */
void dsngb_py_keys_init(void);

/* PyDict_SetItem with the cached key (val is not stolen); -1 with an
 * exception on failure. */
int dsngb_py_map_set(PyObject *map, const char *key, PyObject *val);

/* The ParseError class registered by _fast_setup (borrowed), or NULL
 * before it ran. */
PyObject *dsngb_py_parse_error_class(void);

/* A SWIG handle object (_PolicyHandle, _SessionHandle) to its C pointer;
 * NULL with an exception set when o is not one.  which: 0 policy, 1
 * session.  Supplied by dsnguard.i, which knows the SWIG types. */
typedef void *(*dsngb_py_unwrap_fn)(PyObject *o, int which);

/* A new, empty dsnguard.Result (a dict subclass whose keys read as
 * attributes; result.c); NULL with an exception on failure. */
PyObject *dsngb_py_result_new(void);

/* A new Result holding src's items (a dict): PyDict_Copy's speed, since
 * merging into an empty dict clones the key table; NULL with an
 * exception on failure. */
PyObject *dsngb_py_result_copy(PyObject *src);

/* Make the Result type ready and add it to m; -1 with an exception. */
int dsngb_py_result_init(PyObject *m);

/* Add the fast functions to the SWIG core module m (from its %init). */
int dsngb_py_fast_init(PyObject *m, dsngb_py_unwrap_fn unwrap);

#endif
