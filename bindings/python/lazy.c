/*
 * bindings/python/lazy.c - what parse_cmd and parse_report Results are
 * built from (lazy.h): a private copy of the command line, parsed again
 * when a value is read; a report's own talloc tree, parsed from a
 * private copy of the message.  DESIGN section 4: a result may own a C
 * copy of what it was parsed into, never a pointer into the caller's
 * input.
 */
#include <string.h>

#include "python/fast.h"
#include "python/lazy.h"

#define DSNGB_PYTHON 1
#include "api.h"

/* ---- commands ---- */

struct cmd_state {
	unsigned long long serial; /* which Result this is, for the cache */
	size_t max_line;
	unsigned flags; /* DSNG_CMD_STRICT, DSNG_CMD_UTF8 */
	size_t len;
	char line[];
};

/* The last command parsed on this thread, with the serial of the Result
 * whose line it points into: reading a Result right after the call that
 * made it (the common case) parses nothing again.  busy while a value is
 * being built from it: a finalizer run by an allocation may parse (or
 * read another Result) on this thread, and takes a stack copy then. */
static _Thread_local struct {
	struct dsng_cmd c;
	unsigned long long serial;
	int ready, busy;
} tl;

static unsigned long long next_serial = 1; /* under the GIL */

static PyObject *cmd_template[DSNG_VERB__COUNT];
static PyObject *cmd_key_obj[DSNGB_CMD__KEYS]; /* the interned keys, owned */
static struct dsngb_py_lazy_kind cmd_kind;

static int cmd_parse(struct dsng_cmd *c, const struct cmd_state *st,
                     struct dsng_error *err)
{
	struct dsng_cmd_opts opts;

	dsng_cmd_opts_init(&opts, DSNG_CMD_OPTS_VERSION);
	opts.flags |= st->flags;
	if (st->max_line)
		opts.max_line = st->max_line;
	return dsng_cmd_parse(c, st->line, st->len, &opts, err);
}

/* Parse st into the thread's cache, recording that it now holds st's
 * command, or into stack while the cache is busy.  The command, or NULL
 * with err set. */
static struct dsng_cmd *parse_cached(const struct cmd_state *st,
                                     struct dsng_cmd *stack,
                                     struct dsng_error *err)
{
	struct dsng_cmd *c;

	if (tl.busy) {
		dsng_cmd_init(stack, DSNG_CMD_VERSION);
		c = stack;
	} else {
		if (!tl.ready) {
			dsng_cmd_init(&tl.c, DSNG_CMD_VERSION);
			tl.ready = 1;
		}
		tl.serial = 0;
		c = &tl.c;
	}
	if (cmd_parse(c, st, err) != DSNG_OK)
		return NULL;
	if (c == &tl.c)
		tl.serial = st->serial;
	return c;
}

/* The command of st: the thread's cached parse when it is st's, else
 * parsed again (into the cache, or into stack when the cache is in use).
 * NULL with an exception if the parse fails, which a line that parsed
 * once cannot. */
static struct dsng_cmd *cmd_of(const struct cmd_state *st,
                               struct dsng_cmd *stack)
{
	struct dsng_error err;
	struct dsng_cmd *c;

	if (!tl.busy && tl.ready && tl.serial == st->serial)
		return &tl.c;
	dsng_error_init(&err, DSNG_ERROR_VERSION);
	if (!(c = parse_cached(st, stack, &err))) {
		PyErr_Format(PyExc_SystemError,
		             "dsnguard.Result: the line no longer parses (%s)",
		             err.message);
		return NULL;
	}
	return c;
}

static PyObject *cmd_build(PyObject *self, void *state, int id)
{
	const struct cmd_state *st = state;
	struct dsng_cmd stack, *c;
	char small[1024], *canonical = NULL;
	size_t need;
	PyObject *v;

	(void)self;
	if (!(c = cmd_of(st, &stack)))
		return NULL;
	if (id == DSNGB_CMD_CANONICAL) {
		need = dsng_cmd_format_buf(small, sizeof(small), c);
		canonical = small;
		if (need >= sizeof(small)) {
			if (!(canonical = PyMem_Malloc(need + 1)))
				return PyErr_NoMemory();
			dsng_cmd_format_buf(canonical, need + 1, c);
		}
	}
	if (c == &tl.c)
		tl.busy = 1;
	v = dsngb_cmd_value(&dsngb_native, c, (unsigned)id, canonical);
	if (c == &tl.c)
		tl.busy = 0;
	if (canonical && canonical != small)
		PyMem_Free(canonical);
	if (v && PyErr_Occurred()) /* a nested value failed */
		Py_CLEAR(v);
	if (!v && !PyErr_Occurred())
		PyErr_NoMemory();
	return v;
}

/* The verb's keys with None values (a plain, compact dict). */
static PyObject *cmd_none_template[DSNG_VERB__COUNT];

static PyObject *cmd_none_template_of(enum dsng_verb verb)
{
	const unsigned char *k;
	PyObject *t, *compact;

	if ((unsigned)verb >= DSNG_VERB__COUNT)
		return NULL;
	if (cmd_none_template[verb])
		return cmd_none_template[verb];
	if (!(t = PyDict_New()))
		return NULL;
	for (k = dsngb_cmd_keys(verb); *k != DSNGB_CMD__KEYS; k++)
		if (PyDict_SetItem(t, cmd_key_obj[*k], Py_None) < 0) {
			Py_DECREF(t);
			return NULL;
		}
	compact = PyDict_Copy(t);
	Py_DECREF(t);
	if (compact && cmd_none_template[verb]) /* made meanwhile */
		Py_SETREF(compact, Py_NewRef(cmd_none_template[verb]));
	else if (compact)
		cmd_none_template[verb] = Py_NewRef(compact);
	Py_XDECREF(compact); /* the table keeps its reference */
	return cmd_none_template[verb];
}

/* An unread result read whole (the common case: json.dumps, ==, a loop
 * over items): the values made as a plain dict is, from a copy of the
 * verb's keys with None, storing only what is not None, and then cloned
 * into the storage.  Replacing each placeholder in place cost twice the
 * walk.  1 when done, 0 when the storage is not the untouched template
 * (then cmd_fill goes key by key), -1 with an exception. */
static int cmd_fill_whole(PyObject *self, const struct dsng_cmd *c,
                          const char *canonical)
{
	const unsigned char *k;
	PyObject *t = cmd_none_template_of(c->verb), *d, *key, *v;
	Py_ssize_t pos = 0;

	if (!t || PyDict_GET_SIZE(self) != PyDict_GET_SIZE(t))
		return 0;
	if (!dsngb_py_result_untouched(self))
		while (PyDict_Next(self, &pos, &key, &v))
			if (v != dsngb_py_unbuilt())
				return 0;
	if (!(d = PyDict_Copy(t)))
		return -1;
	for (k = dsngb_cmd_keys(c->verb); *k != DSNGB_CMD__KEYS; k++) {
		v = dsngb_cmd_value(&dsngb_native, c, *k, canonical);
		if (!v || PyErr_Occurred() ||
		    (v != Py_None &&
		     PyDict_SetItem(d, cmd_key_obj[*k], v) < 0)) {
			Py_XDECREF(v);
			Py_DECREF(d);
			if (!PyErr_Occurred())
				PyErr_NoMemory();
			return -1;
		}
		Py_DECREF(v);
	}
	/* a finalizer run by the walk may have touched the storage */
	pos = 0;
	if (!dsngb_py_result_untouched(self))
		while (PyDict_Next(self, &pos, &key, &v))
			if (v != dsngb_py_unbuilt() ||
			    PyDict_GET_SIZE(self) != PyDict_GET_SIZE(t)) {
				Py_DECREF(d);
				return 0;
			}
	/* no Python code runs from here: the placeholders and keys have
	 * other owners, and merging into an empty dict clones d's table */
	PyDict_Clear(self);
	pos = PyDict_Merge(self, d, 1);
	Py_DECREF(d);
	return pos < 0 ? -1 : 1;
}

/* Every value at once: one lookup of the parse, the verb's keys matched
 * by position while the storage still has the template's order. */
static int cmd_fill(PyObject *self, void *state)
{
	const struct cmd_state *st = state;
	struct dsng_cmd stack, *c;
	const unsigned char *keys;
	char small[1024], *canonical = NULL;
	PyObject *k, *k2, *v, *val, *id;
	Py_ssize_t pos = 0, at, i = 0;
	size_t need;
	int rc = 0, own;
	unsigned key;

	if (!(c = cmd_of(st, &stack)))
		return -1;
	keys = dsngb_cmd_keys(c->verb);
	own = c == &tl.c;
	if (own)
		tl.busy = 1;
	need = dsng_cmd_format_buf(small, sizeof(small), c);
	canonical = small;
	if (need >= sizeof(small)) {
		if (!(canonical = PyMem_Malloc(need + 1))) {
			if (own)
				tl.busy = 0;
			PyErr_NoMemory();
			return -1;
		}
		dsng_cmd_format_buf(canonical, need + 1, c);
	}
	if ((rc = cmd_fill_whole(self, c, canonical)) != 0)
		pos = -1; /* done (1), or failed: skip the loop */
	for (; pos >= 0 && (at = pos, PyDict_Next(self, &pos, &k, &v)); i++) {
		if (v != dsngb_py_unbuilt())
			continue;
		if (keys[i] != DSNGB_CMD__KEYS && k == cmd_key_obj[keys[i]]) {
			key = keys[i];
		} else if ((id = PyDict_GetItemWithError(cmd_kind.ids, k))) {
			key = (unsigned)PyLong_AsLong(id);
		} else {
			if (!PyErr_Occurred())
				PyErr_Format(PyExc_SystemError,
				             "dsnguard.Result: no value for %R",
				             k);
			rc = -1;
			break;
		}
		val = dsngb_cmd_value(&dsngb_native, c, key, canonical);
		if (!val || PyErr_Occurred()) {
			Py_XDECREF(val);
			if (!PyErr_Occurred())
				PyErr_NoMemory();
			rc = -1;
			break;
		}
		/* a finalizer run meanwhile may have stored or deleted it:
		 * the same entry, read again, must still hold the
		 * placeholder (else the next pass of the caller sees) */
		Py_INCREF(k);
		if (PyDict_Next(self, &at, &k2, &v) && k2 == k &&
		    v == dsngb_py_unbuilt() && PyDict_SetItem(self, k, val) < 0)
			rc = -1;
		Py_DECREF(k);
		Py_DECREF(val);
		if (rc < 0)
			break;
	}
	if (own)
		tl.busy = 0;
	if (canonical && canonical != small)
		PyMem_Free(canonical);
	return rc;
}

static void cmd_release(void *state)
{
	PyMem_Free(state);
}

/* A verb's keys, each with the placeholder: a plain dict, so that
 * merging it into a new Result clones its key table. */
static PyObject *cmd_template_of(enum dsng_verb verb)
{
	const unsigned char *k;
	PyObject *t, *key, *compact;

	if ((unsigned)verb >= DSNG_VERB__COUNT) {
		PyErr_SetString(PyExc_SystemError, "dsnguard: no such verb");
		return NULL;
	}
	if (cmd_template[verb])
		return cmd_template[verb];
	if (!(t = PyDict_New()))
		return NULL;
	for (k = dsngb_cmd_keys(verb); *k != DSNGB_CMD__KEYS; k++)
		if (!(key = dsngb_py_key(dsngb_cmd_key_names[*k])) ||
		    PyDict_SetItem(t, key, dsngb_py_unbuilt()) < 0) {
			if (!PyErr_Occurred())
				PyErr_NoMemory();
			Py_DECREF(t);
			return NULL;
		}
	/* sized for its keys, which the clone needs */
	compact = PyDict_Copy(t);
	Py_DECREF(t);
	if (!compact)
		return NULL;
	/* another thread may have made it while an allocation here let it
	 * run */
	if (cmd_template[verb])
		Py_DECREF(compact);
	else
		cmd_template[verb] = compact; /* kept for the process */
	return cmd_template[verb];
}

PyObject *dsngb_py_cmd_result(const char *p, size_t n, unsigned flags,
                              size_t max_line, struct dsng_error *err)
{
	struct cmd_state *st;
	struct dsng_cmd stack, *c;
	PyObject *t;

	if (!(st = PyMem_Malloc(sizeof(*st) + n + 1)))
		return PyErr_NoMemory();
	memcpy(st->line, p, n);
	st->line[n] = 0;
	st->len = n;
	st->flags = flags;
	st->max_line = max_line;
	st->serial = next_serial++;
	if (!(c = parse_cached(st, &stack, err))) {
		PyMem_Free(st);
		return NULL;
	}
	if (!(t = cmd_template_of(c->verb))) {
		PyMem_Free(st);
		return NULL;
	}
	return dsngb_py_result_lazy(t, &cmd_kind, st);
}

int dsngb_py_cmd_line(PyObject *o, const char **p, size_t *n)
{
	dsngb_py_result *r = (dsngb_py_result *)o;
	const struct cmd_state *st;
	PyObject *canon;

	if (!dsngb_py_result_check(o) || r->kind != &cmd_kind ||
	    !(st = r->state) || st->flags || st->max_line)
		return 0;
	canon = PyDict_GetItemWithError(o, dsngb_py_key("canonical"));
	if (canon != dsngb_py_unbuilt()) {
		PyErr_Clear();
		return 0;
	}
	*p = st->line;
	*n = st->len;
	return 1;
}

/* ---- reports ---- */

struct report_state {
	struct dsng_report *r; /* a child of this state, as is the copy */
};

static PyObject *report_template;
static struct dsngb_py_lazy_kind report_kind;

static PyObject *report_build(PyObject *self, void *state, int id)
{
	const struct report_state *st = state;
	PyObject *v;

	(void)self;
	v = dsngb_report_value(&dsngb_native, st->r, (unsigned)id);
	if (v && PyErr_Occurred())
		Py_CLEAR(v);
	if (!v && !PyErr_Occurred())
		PyErr_NoMemory();
	return v;
}

static void report_release(void *state)
{
	talloc_free(state);
}

PyObject *dsngb_py_report_result(const char *p, size_t n,
                                 const struct dsng_report_limits *lim,
                                 struct dsng_error *err)
{
	struct report_state *st;
	char *copy;
	PyThreadState *gil;
	int rc = DSNG_ENOMEM;

	/* megabytes of mail: let other threads run meanwhile (the caller
	 * keeps the input referenced) */
	gil = PyEval_SaveThread();
	st = talloc_zero(NULL, struct report_state);
	copy = st ? talloc_size(st, n + 1) : NULL;
	if (copy) {
		memcpy(copy, p, n);
		rc = dsng_report_parse(st, &st->r, copy, n, lim, err);
	}
	PyEval_RestoreThread(gil);
	if (rc != DSNG_OK) {
		talloc_free(st);
		if (!copy)
			return PyErr_NoMemory();
		return NULL;
	}
	return dsngb_py_result_lazy(report_template, &report_kind, st);
}

/* ---- setup ---- */

static PyObject *ids_of(const char *const *names, size_t n)
{
	PyObject *ids = PyDict_New(), *key, *id;
	size_t i;

	for (i = 0; ids && i < n && names[i]; i++) {
		key = dsngb_py_key(names[i]);
		id = key ? PyLong_FromSize_t(i) : NULL;
		if (!id || PyDict_SetItem(ids, key, id) < 0) {
			if (!PyErr_Occurred())
				PyErr_NoMemory();
			Py_XDECREF(id);
			Py_CLEAR(ids);
			break;
		}
		Py_DECREF(id);
	}
	return ids;
}

int dsngb_py_lazy_init(void)
{
	PyObject *t;
	size_t i;

	if (cmd_kind.ids)
		return 0; /* a second import of the module */
	cmd_kind.build = cmd_build;
	cmd_kind.fill = cmd_fill;
	cmd_kind.release = cmd_release;
	cmd_kind.release_when_built = 0; /* the policy reads the line */
	report_kind.build = report_build;
	report_kind.release = report_release;
	report_kind.release_when_built = 1;
	for (i = 0; i < DSNGB_CMD__KEYS; i++)
		if (!(cmd_key_obj[i] = dsngb_py_key(dsngb_cmd_key_names[i]))) {
			if (!PyErr_Occurred())
				PyErr_NoMemory();
			return -1;
		} else {
			Py_INCREF(cmd_key_obj[i]); /* ours: the cache evicts */
		}
	if (!(cmd_kind.ids = ids_of(dsngb_cmd_key_names, DSNGB_CMD__KEYS)) ||
	    !(report_kind.ids = ids_of(dsngb_report_keys, (size_t)-1)) ||
	    !(t = PyDict_New()))
		return -1;
	for (i = 0; dsngb_report_keys[i]; i++) {
		PyObject *key = dsngb_py_key(dsngb_report_keys[i]);

		if (!key || PyDict_SetItem(t, key, dsngb_py_unbuilt()) < 0) {
			if (!PyErr_Occurred())
				PyErr_NoMemory();
			Py_DECREF(t);
			return -1;
		}
	}
	report_template = PyDict_Copy(t);
	Py_DECREF(t);
	return report_template ? 0 : -1;
}
