/*
 * bindings/python/builder.c - native Python values for the walks of
 * convert/walk.h, and the ParseError raise.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define DSNGB_PYTHON 1
#include "api.h"

static void *py_map_new(void)
{
	return PyDict_New();
}

static void *py_list_new(void)
{
	return PyList_New(0);
}

/* A NULL value is a failed constructor: normally its exception is set;
 * a walk's own failed malloc has none, so give it MemoryError.  Failures
 * of the containers themselves leave their exception set too: the api
 * sees it through dsngb_native_failed. */
static void failed_value(void)
{
	if (!PyErr_Occurred())
		PyErr_NoMemory();
}

static void py_map_set(void *map, const char *key, void *val)
{
	if (!val)
		failed_value();
	else if (map && PyDict_SetItemString(map, key, val) < 0)
		failed_value();
	Py_XDECREF((PyObject *)val);
}

static void py_list_push(void *list, void *val)
{
	if (!val)
		failed_value();
	else if (list && PyList_Append(list, val) < 0)
		failed_value();
	Py_XDECREF((PyObject *)val);
}

static void *py_str(const char *p, size_t n)
{
	return PyUnicode_DecodeUTF8(p, (Py_ssize_t)n, "replace");
}

static void *py_integer(long long v)
{
	return PyLong_FromLongLong(v);
}

static void *py_boolean(int v)
{
	return PyBool_FromLong(v);
}

static void *py_none(void)
{
	Py_RETURN_NONE;
}

static void *py_uinteger(unsigned long long v)
{
	return PyLong_FromUnsignedLongLong(v);
}

void *dsngb_native_bytes(const char *p, size_t n)
{
	return PyBytes_FromStringAndSize(p, (Py_ssize_t)n);
}

int dsngb_native_failed(void)
{
	/* SWIG enters with no exception pending */
	return PyErr_Occurred() != NULL;
}

void *dsngb_native_unlock(void)
{
	return PyEval_SaveThread();
}

void dsngb_native_relock(void *state)
{
	PyEval_RestoreThread((PyThreadState *)state);
}

void dsngb_native_free(void *v)
{
	Py_XDECREF((PyObject *)v);
}

const struct dsngb_builder dsngb_native = {
        py_map_new, py_list_new, py_map_set, py_list_push, py_str,
        py_integer, py_boolean,  py_none,    py_uinteger,
};

void dsngb_py_raise(const struct dsng_error *err)
{
	/* out of memory and misuse are not parse failures */
	if (err->rc == DSNG_ENOMEM) {
		PyErr_NoMemory();
		return;
	}
	if (err->rc == DSNG_EINVAL) {
		PyErr_SetString(PyExc_TypeError, err->message);
		return;
	}
	PyObject *mod = PyImport_ImportModule("dsnguard._core");
	PyObject *cls = mod ? PyObject_GetAttrString(mod, "ParseError") : NULL;
	PyObject *exc;

	Py_XDECREF(mod);
	if (!cls) {
		PyErr_Clear();
		PyErr_SetString(PyExc_ValueError, err->message);
		return;
	}
	/* "N" hands the new reply object over to the call */
	exc = PyObject_CallFunction(
	        cls, "snNss", dsng_error_kind_name(err->kind),
	        (Py_ssize_t)err->offset,
	        err->reply ? PyLong_FromLong(err->reply)
	                   : (Py_INCREF(Py_None), Py_None),
	        err->enhanced ? err->enhanced : "", err->message);
	Py_DECREF(cls);
	if (exc) {
		PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
		Py_DECREF(exc);
	}
}
