/*
 * bindings/python/result.c - dsnguard.Result, the dict every parse result
 * (and each dict inside one) is built as, and its values built on access
 * (lazy.h).
 *
 * DESIGN section 4 promises results with attributes (cmd.notify,
 * rep.recipients[0].status) and a to_dict() with the CLI's JSON keys.
 * A dict subclass keeps every existing rep["key"] caller and json.dumps
 * working.  Building every value of a parse_cmd result cost five times
 * the parse, and most callers read two or three keys: parse_cmd and
 * parse_report return a Result whose storage has every key with a
 * placeholder value, replaced by the real value when it is first read.
 *
 * Each dict operation that hands out values reads them here first: the
 * mapping and attribute reads build one value; iteration (dict(r) and
 * {**r} take their generic path once tp_iter is not dict's, and that path
 * reads through keys() and r[k]), keys/values/items, ==, repr, copy, |,
 * popitem, pickling and to_dict build them all.  What only reads keys
 * (len, `in`) or only writes (r[k] = v, del, update, clear) works on the
 * storage as it is: the keys are there from the start.  Values are
 * stored only while their key still holds the placeholder, and a new
 * value is never reachable before it is whole, so a Result read from two
 * threads (a build can let another thread run through the garbage
 * collector) never shows a half-built value.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "python/fast.h"
#include "python/lazy.h"

static PyObject *empty_args;
static PyObject *unbuilt; /* the placeholder */
/* dict's and object's methods the overrides hand over to */
static PyObject *dict_pop, *dict_setdefault, *dict_copy, *dict_popitem,
        *dict_keys, *dict_values, *dict_items, *dict_reversed, *obj_reduce_ex;

static PyTypeObject result_type;

PyObject *dsngb_py_unbuilt(void)
{
	return unbuilt;
}

int dsngb_py_result_check(PyObject *o)
{
	return PyObject_TypeCheck(o, &result_type);
}

static int is_lazy(PyObject *o)
{
	dsngb_py_result *r = (dsngb_py_result *)o;

	return PyObject_TypeCheck(o, &result_type) && r->kind && !r->complete;
}

static void release(dsngb_py_result *r)
{
	void *st = r->state;

	r->state = NULL;
	if (st)
		r->kind->release(st);
}

/* Build key's value and store it while the key still holds the
 * placeholder (another thread or a finalizer may have stored one, or the
 * caller deleted the key, meanwhile).  New reference. */
static PyObject *build_one(dsngb_py_result *r, PyObject *key)
{
	PyObject *self = (PyObject *)r, *id, *v, *cur;
	long n;

	if (!r->state) {
		PyErr_Format(PyExc_SystemError,
		             "dsnguard.Result: value of %R lost", key);
		return NULL;
	}
	if (!(id = PyDict_GetItemWithError(r->kind->ids, key))) {
		if (!PyErr_Occurred())
			PyErr_Format(PyExc_SystemError,
			             "dsnguard.Result: no value for %R", key);
		return NULL;
	}
	n = PyLong_AsLong(id);
	r->building++;
	v = r->kind->build(self, r->state, (int)n);
	r->building--;
	if (!v)
		return NULL;
	cur = PyDict_GetItemWithError(self, key);
	if (cur == unbuilt) {
		if (PyDict_SetItem(self, key, v) < 0)
			Py_CLEAR(v);
	} else if (cur) {
		Py_INCREF(cur);
		Py_SETREF(v, cur);
	} else if (PyErr_Occurred()) {
		Py_CLEAR(v);
	}
	return v;
}

PyObject *dsngb_py_result_get(PyObject *o, PyObject *key)
{
	PyObject *v = PyDict_GetItemWithError(o, key);

	if (v == unbuilt && is_lazy(o))
		return build_one((dsngb_py_result *)o, key);
	return Py_XNewRef(v);
}

int dsngb_py_result_fill(PyObject *o)
{
	dsngb_py_result *r = (dsngb_py_result *)o;
	PyObject *k, *v, *b;
	Py_ssize_t pos;
	int built, again = 0;

	if (!is_lazy(o))
		return 0;
	Py_INCREF(o);
	if (r->kind->fill && r->state) {
		int rc;

		r->building++;
		rc = r->kind->fill(o, r->state);
		r->building--;
		if (rc < 0) {
			Py_DECREF(o);
			return -1;
		}
		built = rc; /* 1: nothing left to look for */
	} else {
		built = 0;
	}
	/* until a pass finds no placeholder: a build can run Python code,
	 * which may change the dict under the scan */
	while (!built) {
		pos = 0;
		while (PyDict_Next(o, &pos, &k, &v)) {
			if (v != unbuilt)
				continue;
			Py_INCREF(k);
			b = build_one(r, k);
			Py_DECREF(k);
			if (!b) {
				Py_DECREF(o);
				return -1;
			}
			Py_DECREF(b);
			again = 1;
		}
		built = !again;
		again = 0;
	}
	r->complete = 1;
	if (r->kind->release_when_built && !r->building)
		release(r);
	Py_DECREF(o);
	return 0;
}

PyObject *dsngb_py_result_lazy(PyObject *template,
                               const struct dsngb_py_lazy_kind *kind,
                               void *state)
{
	PyObject *o = dsngb_py_result_new();
	dsngb_py_result *r = (dsngb_py_result *)o;

	if (!o) {
		kind->release(state);
		return NULL;
	}
	r->kind = kind;
	r->state = state;
	/* merging into an empty dict clones the template's key table */
	if (PyDict_Merge(o, template, 1) < 0) {
		Py_DECREF(o);
		return NULL;
	}
#if PY_VERSION_HEX < 0x030C0000
	r->version = ((PyDictObject *)o)->ma_version_tag;
#endif
	return o;
}

/* ---- the slots ---- */

static void result_dealloc(PyObject *self)
{
	dsngb_py_result *r = (dsngb_py_result *)self;

	/* dict's dealloc may defer itself (the trashcan) and come back
	 * here: release() leaves nothing to free twice */
	if (r->kind)
		release(r);
	PyDict_Type.tp_dealloc(self);
}

static PyObject *result_subscript(PyObject *self, PyObject *key)
{
	PyObject *v = dsngb_py_result_get(self, key);

	if (v || PyErr_Occurred())
		return v;
	/* KeyError, or a subclass's __missing__ */
	return PyDict_Type.tp_as_mapping->mp_subscript(self, key);
}

/* A dict method (keys, items, get, to_dict ...) wins over a key of the
 * same name, so r.items() always works; r["items"] still finds the key. */
static PyObject *result_getattro(PyObject *self, PyObject *name)
{
	if (PyUnicode_Check(name) && !_PyType_Lookup(Py_TYPE(self), name)) {
		PyObject *v = dsngb_py_result_get(self, name);

		if (v || PyErr_Occurred())
			return v;
	}
	return PyObject_GenericGetAttr(self, name);
}

static PyObject *result_iter(PyObject *self)
{
	if (dsngb_py_result_fill(self) < 0)
		return NULL;
	return PyDict_Type.tp_iter(self);
}

static PyObject *result_richcompare(PyObject *a, PyObject *b, int op)
{
	if (dsngb_py_result_fill(a) < 0 || dsngb_py_result_fill(b) < 0)
		return NULL;
	return PyDict_Type.tp_richcompare(a, b, op);
}

static PyObject *result_repr(PyObject *self)
{
	PyObject *inner, *out;

	if (dsngb_py_result_fill(self) < 0 ||
	    !(inner = PyDict_Type.tp_repr(self)))
		return NULL;
	out = PyUnicode_FromFormat("dsnguard.Result(%U)", inner);
	Py_DECREF(inner);
	return out;
}

/* r | x and x | r: dict's copies the left operand's storage as it is. */
static PyObject *result_or(PyObject *a, PyObject *b)
{
	if (dsngb_py_result_fill(a) < 0 || dsngb_py_result_fill(b) < 0)
		return NULL;
	return PyDict_Type.tp_as_number->nb_or(a, b);
}

/* ---- the methods ---- */

/* Call dict's (or object's) method m with self and the call's own
 * arguments. */
static PyObject *hand_over(PyObject *m, PyObject *self, PyObject *const *args,
                           Py_ssize_t nargs, PyObject *kwnames)
{
	PyObject *small[8], **all = small, *res;
	Py_ssize_t i, n = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0);

	if (n + 1 > (Py_ssize_t)(sizeof(small) / sizeof(small[0])) &&
	    !(all = PyMem_Malloc(sizeof(PyObject *) * (size_t)(n + 1))))
		return PyErr_NoMemory();
	all[0] = self;
	for (i = 0; i < n; i++)
		all[i + 1] = args[i];
	res = PyObject_Vectorcall(m, all, (size_t)nargs + 1, kwnames);
	if (all != small)
		PyMem_Free(all);
	return res;
}

/* Methods that read every value: fill, then dict's own. */
#define FILLED(name, method)                                                   \
	static PyObject *name(PyObject *self, PyObject *const *args,           \
	                      Py_ssize_t nargs, PyObject *kwnames)             \
	{                                                                      \
		if (dsngb_py_result_fill(self) < 0)                            \
			return NULL;                                           \
		return hand_over(method, self, args, nargs, kwnames);          \
	}
FILLED(result_keys, dict_keys)
FILLED(result_values, dict_values)
FILLED(result_items, dict_items)
FILLED(result_copy_m, dict_copy)
FILLED(result_popitem, dict_popitem)
FILLED(result_reversed, dict_reversed)
FILLED(result_reduce_ex, obj_reduce_ex)
#undef FILLED

/* Methods that read the value of their first argument: build it, then
 * dict's own. */
#define KEYED(name, method)                                                    \
	static PyObject *name(PyObject *self, PyObject *const *args,           \
	                      Py_ssize_t nargs, PyObject *kwnames)             \
	{                                                                      \
		if (nargs >= 1) {                                              \
			PyObject *v = dsngb_py_result_get(self, args[0]);      \
			if (!v && PyErr_Occurred())                            \
				return NULL;                                   \
			Py_XDECREF(v);                                         \
		}                                                              \
		return hand_over(method, self, args, nargs, kwnames);          \
	}
KEYED(result_pop, dict_pop)
KEYED(result_setdefault, dict_setdefault)
#undef KEYED

static PyObject *result_get(PyObject *self, PyObject *const *args,
                            Py_ssize_t nargs)
{
	PyObject *v;

	if (nargs < 1 || nargs > 2) {
		PyErr_Format(PyExc_TypeError,
		             "get expected 1 or 2 arguments, got %zd", nargs);
		return NULL;
	}
	if ((v = dsngb_py_result_get(self, args[0])) || PyErr_Occurred())
		return v;
	return Py_NewRef(nargs == 2 ? args[1] : Py_None);
}

/* Plain dicts and lists all the way down: what a caller stores or
 * compares against json.loads output without this type. */
static PyObject *plain(PyObject *v)
{
	PyObject *out, *k, *x, *c;
	Py_ssize_t i = 0, n;

	if (PyDict_Check(v)) {
		if (dsngb_py_result_fill(v) < 0 || !(out = PyDict_New()))
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

#define FAST (METH_FASTCALL | METH_KEYWORDS)
#define M(name, fn)                                                            \
	{                                                                      \
		name, (PyCFunction)(void (*)(void))fn, FAST, NULL              \
	}
static PyMethodDef result_methods[] = {
        {"to_dict", result_to_dict, METH_NOARGS,
         "to_dict() -> dict\n\nA plain dict (and plain dicts and lists "
         "inside) with the keys of the CLI's --json object."},
        {"get", (PyCFunction)(void (*)(void))result_get, METH_FASTCALL,
         "get(key, default=None): the value for key, else default."},
        M("keys", result_keys),
        M("values", result_values),
        M("items", result_items),
        M("copy", result_copy_m),
        M("popitem", result_popitem),
        M("pop", result_pop),
        M("setdefault", result_setdefault),
        M("__reversed__", result_reversed),
        M("__reduce_ex__", result_reduce_ex),
        {NULL, NULL, 0, NULL},
};
#undef M
#undef FAST

static PyMappingMethods result_as_mapping = {
        .mp_subscript = result_subscript,
};

static PyNumberMethods result_as_number = {
        .nb_or = result_or,
};

static PyTypeObject result_type = {
        PyVarObject_HEAD_INIT(NULL, 0).tp_name = "dsnguard.Result",
        .tp_basicsize = sizeof(dsngb_py_result),
        .tp_doc = "A parse result: a dict with the keys of the CLI's "
                  "--json object, also readable as attributes "
                  "(cmd.notify, rep.recipients[0].status); to_dict() "
                  "gives plain dicts.  parse_cmd and parse_report build "
                  "each value when it is first read (all of them for "
                  "iteration, items(), ==, repr, copies and pickling).",
        .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
        .tp_dealloc = result_dealloc,
        .tp_getattro = result_getattro,
        .tp_repr = result_repr,
        .tp_iter = result_iter,
        .tp_richcompare = result_richcompare,
        .tp_hash = PyObject_HashNotImplemented,
        .tp_as_mapping = &result_as_mapping,
        .tp_as_number = &result_as_number,
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

/* The placeholder's type: never seen by scripts that use the Result
 * through its methods. */
static PyTypeObject unbuilt_type = {
        PyVarObject_HEAD_INIT(NULL, 0).tp_name = "dsnguard._Unbuilt",
        .tp_basicsize = sizeof(PyObject),
        .tp_flags = Py_TPFLAGS_DEFAULT,
        .tp_doc = "The value of a Result key not built yet (internal).",
};

static int method_of(PyTypeObject *t, const char *name, PyObject **out)
{
	PyObject *m = PyDict_GetItemString(t->tp_dict, name);

	if (!m) {
		PyErr_Format(PyExc_SystemError, "no %s.%s", t->tp_name, name);
		return -1;
	}
	Py_INCREF(m);
	Py_XSETREF(*out, m);
	return 0;
}

int dsngb_py_result_init(PyObject *m)
{
	result_type.tp_base = &PyDict_Type;
	if (PyType_Ready(&result_type) < 0 || PyType_Ready(&unbuilt_type) < 0)
		return -1;
	if (!empty_args && !(empty_args = PyTuple_New(0)))
		return -1;
	if (!unbuilt && !(unbuilt = PyObject_New(PyObject, &unbuilt_type)))
		return -1;
	if (method_of(&PyDict_Type, "pop", &dict_pop) < 0 ||
	    method_of(&PyDict_Type, "setdefault", &dict_setdefault) < 0 ||
	    method_of(&PyDict_Type, "copy", &dict_copy) < 0 ||
	    method_of(&PyDict_Type, "popitem", &dict_popitem) < 0 ||
	    method_of(&PyDict_Type, "keys", &dict_keys) < 0 ||
	    method_of(&PyDict_Type, "values", &dict_values) < 0 ||
	    method_of(&PyDict_Type, "items", &dict_items) < 0 ||
	    method_of(&PyDict_Type, "__reversed__", &dict_reversed) < 0 ||
	    method_of(&PyBaseObject_Type, "__reduce_ex__", &obj_reduce_ex) < 0)
		return -1;
	Py_INCREF(&result_type);
	if (PyModule_AddObject(m, "Result", (PyObject *)&result_type) < 0) {
		Py_DECREF(&result_type);
		return -1;
	}
	return dsngb_py_lazy_init();
}
