/*
 * bindings/python/result.c - dsnguard.Result, the dict every parse result
 * (and each dict inside one) is built as.
 *
 * DESIGN section 4 promises results with attributes (cmd.notify,
 * rep.recipients[0].status) and a to_dict() with the CLI's JSON keys.
 * A dict subclass keeps every existing rep["key"] caller and json.dumps
 * working; the walks fill it directly, so no second pass copies it.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "python/fast.h"

static PyObject *empty_args;

/* A dict method (keys, items, get, to_dict ...) wins over a key of the
 * same name, so r.items() always works; r["items"] still finds the key. */
static PyObject *result_getattro(PyObject *self, PyObject *name)
{
	if (PyUnicode_Check(name) && !_PyType_Lookup(Py_TYPE(self), name)) {
		PyObject *v = PyDict_GetItemWithError(self, name);

		if (v)
			return Py_NewRef(v);
		if (PyErr_Occurred())
			return NULL;
	}
	return PyObject_GenericGetAttr(self, name);
}

/* Plain dicts and lists all the way down: what a caller stores or
 * compares against json.loads output without this type. */
static PyObject *plain(PyObject *v)
{
	PyObject *out, *k, *x, *c;
	Py_ssize_t i = 0, n;

	if (PyDict_Check(v)) {
		if (!(out = PyDict_New()))
			return NULL;
		while (PyDict_Next(v, &i, &k, &x)) {
			if (!(c = plain(x)) || PyDict_SetItem(out, k, c) < 0) {
				Py_XDECREF(c);
				Py_DECREF(out);
				return NULL;
			}
			Py_DECREF(c);
		}
		return out;
	}
	if (PyList_Check(v)) {
		n = PyList_GET_SIZE(v);
		if (!(out = PyList_New(n)))
			return NULL;
		for (i = 0; i < n; i++) {
			if (!(c = plain(PyList_GET_ITEM(v, i)))) {
				Py_DECREF(out);
				return NULL;
			}
			PyList_SET_ITEM(out, i, c);
		}
		return out;
	}
	return Py_NewRef(v);
}

static PyObject *result_to_dict(PyObject *self, PyObject *unused)
{
	(void)unused;
	return plain(self);
}

static PyObject *result_repr(PyObject *self)
{
	PyObject *inner = PyDict_Type.tp_repr(self), *out;

	if (!inner)
		return NULL;
	out = PyUnicode_FromFormat("dsnguard.Result(%U)", inner);
	Py_DECREF(inner);
	return out;
}

static PyMethodDef result_methods[] = {
        {"to_dict", result_to_dict, METH_NOARGS,
         "to_dict() -> dict\n\nA plain dict (and plain dicts and lists "
         "inside) with the keys of the CLI's --json object."},
        {NULL, NULL, 0, NULL},
};

static PyTypeObject result_type = {
        PyVarObject_HEAD_INIT(NULL, 0).tp_name = "dsnguard.Result",
        .tp_doc = "A parse result: a dict with the keys of the CLI's "
                  "--json object, also readable as attributes "
                  "(cmd.notify, rep.recipients[0].status); to_dict() "
                  "gives plain dicts.",
        .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
        .tp_getattro = result_getattro,
        .tp_repr = result_repr,
        .tp_methods = result_methods,
};

PyObject *dsngb_py_result_new(void)
{
	return PyDict_Type.tp_new(&result_type, empty_args, NULL);
}

PyObject *dsngb_py_result_copy(PyObject *src)
{
	PyObject *r = dsngb_py_result_new();

	if (r && PyDict_Merge(r, src, 1) < 0) {
		Py_DECREF(r);
		return NULL;
	}
	return r;
}

int dsngb_py_result_init(PyObject *m)
{
	result_type.tp_base = &PyDict_Type;
	if (PyType_Ready(&result_type) < 0)
		return -1;
	if (!empty_args && !(empty_args = PyTuple_New(0)))
		return -1;
	Py_INCREF(&result_type);
	if (PyModule_AddObject(m, "Result", (PyObject *)&result_type) < 0) {
		Py_DECREF(&result_type);
		return -1;
	}
	return 0;
}
