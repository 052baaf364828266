/*
 * bindings/python/builder.c - native Python values for the walks of
 * convert/walk.h, and the ParseError raise.
 *
 * Speed: a result is a few dicts with the same twenty-odd keys every
 * call, and PyDict_SetItemString made and hashed a new key string for
 * each (over half of a parse_cmd call).  Keys are interned once and found
 * again through a small cache indexed by the key's address (the walks
 * pass string literals), checked against the text so a key in a reused
 * buffer (ehlo.c builds some) is never mistaken for another.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <link.h>
#include <stdint.h>
#include <string.h>

#define DSNGB_PYTHON 1
#include "api.h"
#include "python/fast.h"

#define KEY_SLOTS 512 /* a power of two; the walks have ~150 keys */
#define KEY_MAX 40    /* longer keys are not cached */

struct key_slot {
	const char *addr;
	PyObject *key; /* interned, owned by the cache */
	char text[KEY_MAX];
};

/* Touched only with the GIL held. */
static struct key_slot key_cache[KEY_SLOTS];

/* strcmp inlined: keys are a few letters, and the call through the PLT
 * cost more than the compare (a tenth of a parse_cmd call). */
static inline int same_text(const char *a, const char *b)
{
	while (*a == *b) {
		if (!*a)
			return 1;
		a++;
		b++;
	}
	return 0;
}

/* This module's read-only segment: a key there is a string literal,
 * which never changes, so its address alone identifies it. */
static uintptr_t ro_lo, ro_hi;

static int find_ro(struct dl_phdr_info *info, size_t size, void *data)
{
	uintptr_t a = (uintptr_t)data;
	int i;

	(void)size;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type == PT_LOAD && !(ph->p_flags & PF_W) && a >= lo &&
		    a < lo + ph->p_memsz) {
			ro_lo = lo;
			ro_hi = lo + ph->p_memsz;
			return 1;
		}
	}
	return 0;
}

void dsngb_py_keys_init(void)
{
	static const char here[] = "dsnguard";

	(void)dl_iterate_phdr(find_ro, (void *)here);
}

PyObject *dsngb_py_key(const char *key)
{
	uintptr_t a = (uintptr_t)key;
	int literal = a >= ro_lo && a < ro_hi;
	size_t h = (size_t)(((a >> 3) * UINT64_C(0x9E3779B97F4A7C15)) >> 40), i,
	       n;
	struct key_slot *s, *free_slot = NULL;
	PyObject *k;

	/* linear probing over a few slots: two literals on one slot would
	 * otherwise evict each other on every call */
	for (i = 0; i < 8; i++) {
		s = &key_cache[(h + i) & (KEY_SLOTS - 1)];
		if (s->addr == key && (literal || same_text(s->text, key)))
			return s->key;
		if (!s->addr && !free_slot)
			free_slot = s;
	}
	if ((n = strlen(key)) >= KEY_MAX)
		return NULL;
	if (!(k = PyUnicode_InternFromString(key)))
		return NULL;
	/* a full run: replace its first slot */
	s = free_slot ? free_slot : &key_cache[h & (KEY_SLOTS - 1)];
	Py_XDECREF(s->key);
	s->addr = key;
	s->key = k;
	memcpy(s->text, key, n + 1);
	return k;
}

/* Every map is a dsnguard.Result (result.c): the attributes section 4
 * promises, on nested maps too (rep.recipients[0].status). */
static void *py_map_new(void)
{
	return dsngb_py_result_new();
}

static void *py_map_new_n(size_t n)
{
	(void)n;
	return dsngb_py_result_new();
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

int dsngb_py_map_set(PyObject *map, const char *key, PyObject *val)
{
	PyObject *k = dsngb_py_key(key);

	if (k)
		return PyDict_SetItem(map, k, val);
	return PyErr_Occurred() ? -1 : PyDict_SetItemString(map, key, val);
}

static void py_map_set(void *map, const char *key, void *val)
{
	if (!val)
		failed_value();
	else if (map && dsngb_py_map_set(map, key, val) < 0)
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

/* Short values repeat from result to result (verbs, parameter keywords,
 * NOTIFY words, "rfc822", domains): one str object each, shared (str is
 * immutable), found by content.  Making them was a third of what a
 * parse_cmd result cost to build.  Touched only with the GIL held. */
#define STR_SLOTS 1024 /* a power of two */
#define STR_MAX 16     /* longer texts are made each time */

static PyObject *str_cache[STR_SLOTS];

static void *py_str(const char *p, size_t n)
{
	PyObject *o, **slot;
	uint32_t h = 2166136261u; /* FNV-1a */
	size_t i;

	if (n > STR_MAX)
		return PyUnicode_DecodeUTF8(p, (Py_ssize_t)n, "replace");
	for (i = 0; i < n; i++) {
		if ((unsigned char)p[i] >= 0x80) /* ASCII only */
			return PyUnicode_DecodeUTF8(p, (Py_ssize_t)n,
			                            "replace");
		h = (h ^ (unsigned char)p[i]) * 16777619u;
	}
	slot = &str_cache[h & (STR_SLOTS - 1)];
	o = *slot;
	if (o && PyUnicode_GET_LENGTH(o) == (Py_ssize_t)n &&
	    !memcmp(PyUnicode_1BYTE_DATA(o), p, n)) {
		Py_INCREF(o);
		return o;
	}
	if (!(o = PyUnicode_DecodeUTF8(p, (Py_ssize_t)n, "replace")))
		return NULL;
	Py_INCREF(o);
	Py_XSETREF(*slot, o); /* the cache's reference */
	return o;
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
        py_integer, py_boolean,  py_none,    py_uinteger,  py_map_new_n,
};

/* ParseError(code, offset, reply, enhanced, message) without running its
 * Python __init__ (a refused line is common in a busy server's stream):
 * the instance gets the same args (the formatted message) and the same
 * attributes that __init__ sets. */
static PyObject *parse_error(PyObject *cls, const struct dsng_error *err)
{
	const char *code = dsng_error_kind_name(err->kind);
	const char *enh = err->enhanced ? err->enhanced : "";
	char head[48];
	int n = 0;
	PyObject *msg, *args, *exc = NULL, *v;

	/* "501 5.5.4 message (syntax at offset 7)": reply and enhanced only
	 * when there are any */
	head[0] = 0;
	if (err->reply)
		n = snprintf(head, sizeof(head), "%d ", err->reply);
	if (*enh && n >= 0 && (size_t)n < sizeof(head))
		snprintf(head + n, sizeof(head) - (size_t)n, "%s ", enh);
	msg = PyUnicode_FromFormat("%s%s (%s at offset %zd)", head,
	                           err->message, code, (Py_ssize_t)err->offset);
	args = msg ? PyTuple_Pack(1, msg) : NULL;
	if (args)
		exc = ((PyTypeObject *)cls)
		              ->tp_new((PyTypeObject *)cls, args, NULL);
	Py_XDECREF(args);
#define SETA(name, val)                                                        \
	do {                                                                   \
		v = exc ? (val) : NULL;                                        \
		if (exc &&                                                     \
		    (!v || PyObject_SetAttr(exc, dsngb_py_key(name), v) < 0))  \
			Py_CLEAR(exc);                                         \
		Py_XDECREF(v);                                                 \
	} while (0);
	SETA("code", PyUnicode_FromString(code))
	SETA("offset", PyLong_FromSsize_t((Py_ssize_t)err->offset))
	SETA("reply", err->reply ? PyLong_FromLong(err->reply)
	                         : (Py_INCREF(Py_None), Py_None))
	SETA("enhanced",
	     PyUnicode_DecodeUTF8(enh, (Py_ssize_t)strlen(enh), "replace"))
	SETA("message",
	     PyUnicode_DecodeUTF8(err->message,
	                          (Py_ssize_t)strlen(err->message), "replace"))
#undef SETA
	Py_XDECREF(msg);
	return exc;
}

void dsngb_py_raise(const struct dsng_error *err)
{
	PyObject *cls, *exc;

	/* out of memory and misuse are not parse failures */
	if (err->rc == DSNG_ENOMEM) {
		PyErr_NoMemory();
		return;
	}
	if (err->rc == DSNG_EINVAL) {
		PyErr_SetString(PyExc_TypeError, err->message);
		return;
	}
	if (!(cls = dsngb_py_parse_error_class())) {
		/* before the module's Python part ran: a plain ValueError */
		PyErr_SetString(PyExc_ValueError, err->message);
		return;
	}
	if ((exc = parse_error(cls, err))) {
		PyErr_SetObject(cls, exc);
		Py_DECREF(exc);
	}
}
