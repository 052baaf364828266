/*
 * bindings/python/reader.c - Python values read through the struct
 * dsngb_reader of convert/read.h (dict, list/tuple, str/bytes, int,
 * bool, None), for build_report's SPEC.  Values are borrowed.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define DSNGB_PYTHON 1
#include "api_more.h"
#include "read.h"
#include "python/lazy.h"

static enum dsngb_kind py_kind(void *v)
{
	PyObject *o = v;

	if (o == Py_None)
		return DSNGB_NULL;
	if (PyBool_Check(o))
		return DSNGB_BOOL;
	if (PyLong_Check(o))
		return DSNGB_INT;
	if (PyUnicode_Check(o) || PyBytes_Check(o))
		return DSNGB_STR;
	if (PyList_Check(o) || PyTuple_Check(o))
		return DSNGB_LIST;
	if (PyDict_Check(o)) {
		/* the reads below see the storage: a parse result's values
		 * are built first (lazy.h) */
		if (dsngb_py_result_fill(o) < 0) {
			PyErr_Clear();
			return DSNGB_OTHER;
		}
		return DSNGB_MAP;
	}
	return DSNGB_OTHER;
}

static void *py_map_get(void *m, const char *key)
{
	/* borrowed; NULL (absent) also for a failed lookup */
	PyObject *v = PyDict_GetItemString((PyObject *)m, key);

	return v;
}

static int py_map_each(void *m, int (*fn)(void *arg, const char *key),
                       void *arg)
{
	Py_ssize_t pos = 0;
	PyObject *k, *v;
	int rc;

	while (PyDict_Next((PyObject *)m, &pos, &k, &v)) {
		const char *s = PyUnicode_Check(k) ? PyUnicode_AsUTF8(k) : NULL;

		if (!s) {
			PyErr_Clear();
			s = "(a key that is not a str)";
		}
		if ((rc = fn(arg, s)))
			return rc;
	}
	return 0;
}

static size_t py_list_len(void *l)
{
	return (size_t)PySequence_Fast_GET_SIZE((PyObject *)l);
}

static void *py_list_get(void *l, size_t i)
{
	return PySequence_Fast_GET_ITEM((PyObject *)l, (Py_ssize_t)i);
}

static const char *py_str(void *v, size_t *len)
{
	PyObject *o = v;
	Py_ssize_t n = 0;
	const char *p;

	if (PyBytes_Check(o)) {
		*len = (size_t)PyBytes_GET_SIZE(o);
		return PyBytes_AS_STRING(o);
	}
	p = PyUnicode_AsUTF8AndSize(o, &n);
	if (!p) {
		/* a lone surrogate: the read fails with "not a readable
		 * string", not with a pending exception */
		PyErr_Clear();
		return NULL;
	}
	*len = (size_t)n;
	return p;
}

static long long py_int(void *v)
{
	int overflow = 0;
	long long x = PyLong_AsLongLongAndOverflow((PyObject *)v, &overflow);

	if (overflow || (x == -1 && PyErr_Occurred())) {
		PyErr_Clear();
		/* out of every range the SPEC checks */
		return overflow < 0 ? LLONG_MIN : LLONG_MAX;
	}
	return x;
}

static bool py_bool(void *v)
{
	return (PyObject *)v == Py_True;
}

const struct dsngb_reader dsngb_native_reader = {
        py_kind,     py_map_get, py_map_each, py_list_len,
        py_list_get, py_str,     py_int,      py_bool};
