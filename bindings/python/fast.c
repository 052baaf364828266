/*
 * bindings/python/fast.c - hand-written CPython entry points for the hot
 * calls: parse_cmd, the MAIL and RCPT decisions, and parse_report.
 *
 * Why not SWIG's wrappers: each call went through a Python shadow
 * function, PyArg_ParseTupleAndKeywords and, for decisions, two more
 * Python helpers and Decision.__init__'s setattr loop; together several
 * times the cost of the parse.  These take vectorcall arguments, return
 * results whose values are built on access through the same walks
 * (lazy.c, convert/walk.h, so the keys are still the CLI's), and make
 * Decision objects directly.  Behaviour, names,
 * error types and messages are those of the code they replace
 * (dsnguard.i), which the binding tests check.
 */
#include "python/fast.h"

#include <limits.h>
#include <stdint.h>

#include <structmember.h>
#include <string.h>

#define DSNGB_PYTHON 1
#include "api.h"
#include "api_more.h"
#include "python/lazy.h"

static dsngb_py_unwrap_fn unwrap;

/* Registered by _fast_setup once the module's classes exist. */
static PyObject *parse_error_cls, *decision_cls, *session_cls;
/* Where Session's and Policy's _h slot lives in their instances
 * (_fast_setup, _fast_methods): read as a plain load. */
static Py_ssize_t session_h_off = -1, policy_h_off = -1;
/* And their _c, the handle's SWIG object (-1: no such slot). */
static Py_ssize_t session_c_off = -1, policy_c_off = -1;

/* What to unwrap for o's handle: its _c when set, else its _h
 * (borrowed; AttributeError when neither is). */
static PyObject *handle_of(PyObject *o, Py_ssize_t c_off, Py_ssize_t h_off)
{
	PyObject *c = c_off >= 0 ? *(PyObject **)((char *)o + c_off) : NULL,
	         *h = c ? c : *(PyObject **)((char *)o + h_off);

	if (!h)
		PyErr_SetString(PyExc_AttributeError, "_h");
	return h;
}

PyObject *dsngb_py_parse_error_class(void)
{
	return parse_error_cls;
}

/* ---- arguments ---- */

/* str (as UTF-8) or bytes; TypeError for anything else. */
static int text_arg(PyObject *o, const char **p, Py_ssize_t *n)
{
	if (PyUnicode_Check(o)) {
		*p = PyUnicode_AsUTF8AndSize(o, n);
		return *p ? 0 : -1;
	}
	if (PyBytes_Check(o)) {
		*p = PyBytes_AS_STRING(o);
		*n = PyBytes_GET_SIZE(o);
		return 0;
	}
	PyErr_SetString(PyExc_TypeError, "expected str or bytes");
	return -1;
}

/* An int option as SWIG converted it: TypeError for a non-int,
 * OverflowError outside 0..max. */
static int size_arg(PyObject *o, const char *what, size_t max, size_t *out)
{
	size_t v;

	if (!PyLong_Check(o)) {
		PyErr_Format(PyExc_TypeError, "%s must be an int, not %s", what,
		             Py_TYPE(o)->tp_name);
		return -1;
	}
	v = PyLong_AsSize_t(o);
	if (v == (size_t)-1 && PyErr_Occurred())
		return -1;
	if (v > max) {
		PyErr_Format(PyExc_OverflowError, "%s is too large", what);
		return -1;
	}
	*out = v;
	return 0;
}

static int flag_arg(PyObject *o, const char *what, int *out)
{
	long v;

	if (!PyLong_Check(o)) {
		PyErr_Format(PyExc_TypeError, "%s must be a bool, not %s", what,
		             Py_TYPE(o)->tp_name);
		return -1;
	}
	if ((v = PyLong_AsLong(o)) == -1 && PyErr_Occurred())
		return -1;
	*out = v != 0;
	return 0;
}

/* Match vectorcall keywords to names (NULL-terminated; a name may have
 * an alias after a '|', "line|buf"); slots[i] gets the value of names[i].
 * Positionals fill the first slots.  TypeError like Python's own. */
static int bind_args(const char *fn, PyObject *const *args, Py_ssize_t nargs,
                     PyObject *kwnames, const char *const *names,
                     Py_ssize_t n_names, PyObject **slots)
{
	Py_ssize_t i, j, nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;

	if (nargs > n_names) {
		PyErr_Format(PyExc_TypeError,
		             "%s() takes at most %zd arguments (%zd given)", fn,
		             n_names, nargs);
		return -1;
	}
	for (i = 0; i < n_names; i++)
		slots[i] = i < nargs ? args[i] : NULL;
	for (j = 0; j < nkw; j++) {
		PyObject *k = PyTuple_GET_ITEM(kwnames, j);
		const char *ks = PyUnicode_AsUTF8(k);

		if (!ks)
			return -1;
		for (i = 0; i < n_names; i++) {
			const char *nm = names[i], *bar = strchr(nm, '|');
			size_t len = bar ? (size_t)(bar - nm) : strlen(nm);

			if ((strlen(ks) == len && !strncmp(ks, nm, len)) ||
			    (bar && !strcmp(ks, bar + 1)))
				break;
		}
		if (i == n_names) {
			PyErr_Format(PyExc_TypeError,
			             "%s() got an unexpected keyword argument "
			             "'%s'",
			             fn, ks);
			return -1;
		}
		if (slots[i]) {
			PyErr_Format(PyExc_TypeError,
			             "%s() got multiple values for argument "
			             "'%s'",
			             fn, ks);
			return -1;
		}
		slots[i] = args[nargs + j];
	}
	return 0;
}

/* The result of an api call: raise from err when it failed. */
static PyObject *result(void *res, struct dsng_error *err)
{
	if (err->rc != DSNG_OK) {
		Py_XDECREF((PyObject *)res);
		dsngb_py_raise(err);
		return NULL;
	}
	if (!res && !PyErr_Occurred())
		PyErr_NoMemory();
	return (PyObject *)res;
}

/* ---- parse_cmd ---- */

/* Parsed and checked now, its values built when read (lazy.c). */
static PyObject *fast_parse_cmd(PyObject *self, PyObject *const *args,
                                Py_ssize_t nargs, PyObject *kwnames)
{
	static const char *const names[] = {"line|buf", "strict", "max_line",
	                                    "utf8"};
	struct dsng_error err;
	PyObject *a[4];
	const char *p;
	Py_ssize_t n;
	size_t max_line = 0;
	int strict = 0, utf8 = 0;

	(void)self;
	if (nargs == 1 && !kwnames) {
		a[0] = args[0]; /* the common call, bound without a loop */
		a[1] = a[2] = a[3] = NULL;
	} else if (bind_args("parse_cmd", args, nargs, kwnames, names, 4, a) <
	           0) {
		return NULL;
	}
	if (!a[0]) {
		PyErr_SetString(PyExc_TypeError,
		                "parse_cmd() missing required argument 'line'");
		return NULL;
	}
	if ((a[1] && flag_arg(a[1], "strict", &strict) < 0) ||
	    (a[2] && size_arg(a[2], "max_line", SIZE_MAX, &max_line) < 0) ||
	    (a[3] && flag_arg(a[3], "utf8", &utf8) < 0) ||
	    text_arg(a[0], &p, &n) < 0)
		return NULL;
	dsng_error_init(&err, DSNG_ERROR_VERSION);
	return result(dsngb_py_cmd_result(p, (size_t)n,
	                                  (strict ? DSNG_CMD_STRICT : 0) |
	                                          (utf8 ? DSNG_CMD_UTF8 : 0),
	                                  max_line, &err),
	              &err);
}

/* ---- Decision objects, built in place ---- */

/* Decision's slots, in the order dsngb_decision_fill sets its keys, then
 * verdict (bounce) and _keys. */
enum {
	D_ACTION,
	D_REASON,
	D_RULE,
	D_REPLY,
	D_NOTIFY,
	D_COMPLIANCE,
	D_REWRITTEN,
	D_VERDICT,
	D_KEYS,
	D__COUNT
};
static const char *const dec_names[D__COUNT] = {
        "action",     "reason",    "rule",    "reply", "notify",
        "compliance", "rewritten", "verdict", "_keys"};
static PyObject *dec_name[D__COUNT];  /* interned */
static PyObject *dec_descr[D__COUNT]; /* Decision's slot descriptors */

/* The keys of a Decision made here, in dsngb_decision_fill's order (as
 * Decision(d) would have from tuple(d)). */
static PyObject *dec_keys;

/* Where each of Decision's __slots__ lives in its instances (from the
 * member descriptors), so a decision is filled by plain stores: going
 * through the descriptors was a seventh of a decision. */
static Py_ssize_t dec_off[D__COUNT];

/* The offset of the __slots__ member name of cls (an object slot), or
 * -1 when it is not one. */
static Py_ssize_t slot_offset(PyObject *descr)
{
	PyMemberDef *m;

	if (!descr || !Py_IS_TYPE(descr, &PyMemberDescr_Type))
		return -1;
	m = ((PyMemberDescrObject *)descr)->d_member;
	return m->type == T_OBJECT_EX && !(m->flags & READONLY) ? m->offset
	                                                        : -1;
}

/* A decision's texts (reason, rule, reply, compliance) come from the
 * policy's few rules, so they repeat from call to call: one str object
 * each, found by content (str is immutable), instead of decoding a
 * hundred bytes per text.  Only ASCII texts are kept, so the object's
 * own bytes are the text to compare.  Touched only with the GIL held. */
#define DSTR_SLOTS 256 /* a power of two */
#define DSTR_MAX 512

static PyObject *dstr_cache[DSTR_SLOTS];

static void *dec_str(const char *p, size_t n)
{
	uint64_t a = 0, z = 0, h;
	PyObject *o, **slot;

	if (n < 8 || n > DSTR_MAX)
		return dsngb_native.str(p, n);
	/* the length and the first and last eight bytes pick the slot; the
	 * whole text is compared */
	memcpy(&a, p, 8);
	memcpy(&z, p + n - 8, 8);
	h = (a ^ (z * UINT64_C(0x9E3779B97F4A7C15)) ^ n) *
	    UINT64_C(0xC2B2AE3D27D4EB4F);
	slot = &dstr_cache[(h >> 40) & (DSTR_SLOTS - 1)];
	o = *slot;
	if (o && PyUnicode_GET_LENGTH(o) == (Py_ssize_t)n &&
	    !memcmp(PyUnicode_1BYTE_DATA(o), p, n))
		return Py_NewRef(o);
	if (!(o = dsngb_native.str(p, n)))
		return NULL;
	if (PyUnicode_IS_ASCII(o))
		Py_XSETREF(*slot, Py_NewRef(o)); /* the cache's reference */
	return o;
}

/* A decision's notify list: a new list each time (it is the caller's to
 * change), of the words dsngb_notify_list gave the same bits once, copied
 * in directly (PySequence_List's generic path was a tenth of dec_make). */
static PyObject *notify_words[16];

static PyObject *notify_of(unsigned bits)
{
	PyObject *l, *t;
	Py_ssize_t i, n;

	if (bits >= 16)
		return dsngb_notify_list(&dsngb_native, bits);
	if (!notify_words[bits]) {
		l = dsngb_notify_list(&dsngb_native, bits);
		if (!l || PyErr_Occurred()) {
			Py_XDECREF(l);
			return NULL;
		}
		t = PyList_AsTuple(l);
		Py_DECREF(l);
		if (!t)
			return NULL;
		if (notify_words[bits]) /* made meanwhile (a finalizer) */
			Py_DECREF(t);
		else
			notify_words[bits] = t;
	}
	t = notify_words[bits];
	n = PyTuple_GET_SIZE(t);
	if (!(l = PyList_New(n)))
		return NULL;
	for (i = 0; i < n; i++)
		PyList_SET_ITEM(l, i, Py_NewRef(PyTuple_GET_ITEM(t, i)));
	return l;
}

/* The name of an action or a compliance: one of a few words, so one str
 * each for the process, made when first met (a new str per decision was
 * a fifth of dec_make).  cache has slots entries, by the enum's value. */
static PyObject *enum_name(PyObject **cache, unsigned slots, unsigned v,
                           const char *name)
{
	if (v >= slots)
		return dsngb_native.str(name, strlen(name));
	if (!cache[v] && !(cache[v] = PyUnicode_InternFromString(name)))
		return NULL;
	return Py_NewRef(cache[v]);
}

static PyObject *action_names[16], *compliance_names[4];

static PyObject *dec_text(const char *t)
{
	return t ? dec_str(t, strlen(t)) : Py_NewRef(Py_None);
}

/* The Decision of d: its slots stored directly with the values and in
 * the key order of dsngb_decision_fill (the keys of `dsnguard audit
 * --json`; test_fast checks them against the SWIG path, which builds
 * through the fill).  The builder's callbacks, one per key, cost a third
 * of a decision.  NULL with an exception on failure. */
static void *dec_make(const struct dsng_decision *d, unsigned notify, void *arg)
{
	PyTypeObject *t = (PyTypeObject *)decision_cls;
	char rule[DSNGB_RULE_MAX], reply[DSNGB_REPLY_MAX];
	PyObject *o;
	size_t n;
	int i;

	(void)arg;
	/* Allocated first and filled slot by slot: a new object's slots are
	 * empty, and a failed value leaves its slot NULL for the dealloc. */
	if (!(o = t->tp_alloc(t, 0)))
		return PyErr_Occurred() ? NULL : PyErr_NoMemory();
#define SLOT(i) (*(PyObject **)((char *)o + dec_off[i]))
	SLOT(D_ACTION) = enum_name(action_names, 16, (unsigned)d->action,
	                           dsng_policy_action_name(d->action));
	SLOT(D_REASON) = dec_text(d->reason);
	n = dsngb_decision_rule(rule, sizeof(rule), d);
	SLOT(D_RULE) = dec_str(rule, n);
	SLOT(D_REPLY) = dsngb_decision_reply(reply, sizeof(reply), &n, d)
	                        ? dec_str(reply, n)
	                        : Py_NewRef(Py_None);
	SLOT(D_NOTIFY) = notify_of(notify);
	SLOT(D_COMPLIANCE) =
	        enum_name(compliance_names, 4, (unsigned)d->compliance,
	                  dsng_policy_compliance_name(d->compliance));
	SLOT(D_REWRITTEN) = d->changes && d->rewritten ? dec_text(d->rewritten)
	                                               : Py_NewRef(Py_None);
	SLOT(D_VERDICT) = Py_NewRef(Py_None);
	SLOT(D_KEYS) = Py_NewRef(dec_keys);
	for (i = 0; i < D__COUNT; i++)
		if (!SLOT(i))
			break;
#undef SLOT
	/* a word of the notify list may have failed inside it */
	if (i < D__COUNT || PyErr_Occurred()) {
		Py_DECREF(o);
		return PyErr_Occurred() ? NULL : PyErr_NoMemory();
	}
	return o;
}

/* What Policy.mail/rcpt take as a line: str, bytes, a bytes-like object,
 * or what parse_cmd returned (its "canonical").  New reference. */
static PyObject *line_of(PyObject *o)
{
	if (PyUnicode_Check(o) || PyBytes_Check(o)) {
		Py_INCREF(o);
		return o;
	}
	if (PyByteArray_Check(o) || PyMemoryView_Check(o))
		return PyBytes_FromObject(o);
	if (PyDict_Check(o)) {
		PyObject *c = dsngb_py_result_get(o, dsngb_py_key("canonical"));

		if (c && PyUnicode_Check(c))
			return c;
		Py_XDECREF(c);
		if (PyErr_Occurred())
			return NULL;
	}
	PyErr_Format(PyExc_TypeError,
	             "expected a command line (str or bytes) or what parse_cmd "
	             "returned, not %s",
	             Py_TYPE(o)->tp_name);
	return NULL;
}

/* Policy.mail (rcpt false) and Policy.rcpt as a Decision: ph is the
 * policy's handle. */
static PyObject *decide(PyObject *ph, PyObject *session, PyObject *cmd,
                        int rcpt)
{
	struct dsng_error err;
	PyObject *line, *h, *res;
	void *p, *s;
	const char *buf;
	Py_ssize_t n;
	size_t len;

	if (!decision_cls || !session_cls) {
		PyErr_SetString(PyExc_SystemError, "_fast_setup has not run");
		return NULL;
	}
	if (!PyObject_TypeCheck(session, (PyTypeObject *)session_cls)) {
		PyErr_Format(PyExc_TypeError,
		             "expected a dsnguard.Session, not %s",
		             Py_TYPE(session)->tp_name);
		return NULL;
	}
	if (!(p = unwrap(ph, 0)) ||
	    !(h = handle_of(session, session_c_off, session_h_off)) ||
	    !(s = unwrap(h, 1))) /* the Session keeps its handle alive */
		return NULL;
	if (dsngb_py_cmd_line(cmd, &buf, &len)) {
		/* parse_cmd's own line, parsed again: no canonical to build */
		line = NULL;
		n = (Py_ssize_t)len;
	} else if (!(line = line_of(cmd))) {
		return NULL;
	} else if (text_arg(line, &buf, &n) < 0) {
		Py_DECREF(line);
		return NULL;
	}
	dsng_error_init(&err, DSNG_ERROR_VERSION);
	res = result(dsngb_policy_cmd_make(
	                     dec_make, NULL, p, s, buf, (size_t)n,
	                     rcpt ? DSNG_VERB_RCPT : DSNG_VERB_MAIL, &err),
	             &err);
	Py_XDECREF(line);
	return res;
}

/* _fast_decide(policy_handle, session, line_or_cmd, rcpt). */
static PyObject *fast_decide(PyObject *self, PyObject *const *args,
                             Py_ssize_t nargs)
{
	int rcpt;

	(void)self;
	if (nargs != 4) {
		PyErr_SetString(PyExc_TypeError,
		                "_fast_decide takes 4 arguments");
		return NULL;
	}
	if ((rcpt = PyObject_IsTrue(args[3])) < 0)
		return NULL;
	return decide(args[0], args[1], args[2], rcpt);
}

/* Policy.mail and Policy.rcpt themselves, as C methods (_fast_methods
 * puts them on the class): the plain call, (session, line_or_cmd),
 * without the Python method's frame, a third of a decision; any other
 * call goes to the Python method they replace, which also gives its
 * errors. */
static PyObject *py_method[2]; /* Policy's Python mail and rcpt */

static PyObject *method_decide(PyObject *self, PyObject *const *args,
                               Py_ssize_t nargs, PyObject *kwnames, int rcpt)
{
	PyObject *small[8], *h, *res;
	Py_ssize_t i, n = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0);

	if (nargs == 2 && !kwnames) {
		/* self is a Policy: the method descriptor checked it */
		if (!(h = handle_of(self, policy_c_off, policy_h_off)))
			return NULL;
		Py_INCREF(h);
		res = decide(h, args[0], args[1], rcpt);
		Py_DECREF(h);
		return res;
	}
	if (n + 1 > (Py_ssize_t)(sizeof(small) / sizeof(small[0]))) {
		PyErr_SetString(PyExc_TypeError, "too many arguments");
		return NULL;
	}
	small[0] = self;
	for (i = 0; i < n; i++)
		small[i + 1] = args[i];
	return PyObject_Vectorcall(py_method[rcpt], small, (size_t)nargs + 1,
	                           kwnames);
}

static PyObject *method_mail(PyObject *self, PyObject *const *args,
                             Py_ssize_t nargs, PyObject *kwnames)
{
	return method_decide(self, args, nargs, kwnames, 0);
}

static PyObject *method_rcpt(PyObject *self, PyObject *const *args,
                             Py_ssize_t nargs, PyObject *kwnames)
{
	return method_decide(self, args, nargs, kwnames, 1);
}

static PyMethodDef policy_methods[2] = {
        {"mail", (PyCFunction)(void (*)(void))method_mail,
         METH_FASTCALL | METH_KEYWORDS,
         "mail(session, line_or_cmd, **opts) -> Decision\n\n"
         "MAIL FROM: RET and ENVID.  The command parser's options as\n"
         "parse_cmd takes them (strict, max_line, utf8)."},
        {"rcpt", (PyCFunction)(void (*)(void))method_rcpt,
         METH_FASTCALL | METH_KEYWORDS,
         "rcpt(session, line_or_cmd, **opts) -> Decision\n\n"
         "RCPT TO: NOTIFY and ORCPT.  The command parser's options as\n"
         "parse_cmd takes them: utf8=True for the recipients of an\n"
         "SMTPUTF8 transaction."},
};

/* _fast_methods(Policy): replace Policy.mail and Policy.rcpt (once). */
static PyObject *fast_methods_setup(PyObject *self, PyObject *cls)
{
	int i;

	(void)self;
	if (!PyType_Check(cls)) {
		PyErr_SetString(PyExc_TypeError, "_fast_methods(Policy)");
		return NULL;
	}
	if (policy_h_off < 0) {
		PyObject *h = PyObject_GetAttrString(cls, "_c");

		policy_c_off = slot_offset(h);
		Py_XDECREF(h);
		PyErr_Clear(); /* as Session's */
		h = PyObject_GetAttrString(cls, "_h");

		policy_h_off = slot_offset(h);
		Py_XDECREF(h);
		if (policy_h_off < 0) {
			if (!PyErr_Occurred())
				PyErr_SetString(PyExc_TypeError,
				                "Policy._h is not a slot");
			return NULL;
		}
	}
	for (i = 0; i < 2; i++) {
		const char *name = policy_methods[i].ml_name;
		PyObject *old, *d;

		if (py_method[i])
			continue;
		if (!(old = PyObject_GetAttrString(cls, name)))
			return NULL;
		if (!PyFunction_Check(old)) {
			Py_DECREF(old);
			PyErr_Format(PyExc_TypeError,
			             "Policy.%s is not a Python function",
			             name);
			return NULL;
		}
		d = PyDescr_NewMethod((PyTypeObject *)cls, &policy_methods[i]);
		if (!d || PyObject_SetAttrString(cls, name, d) < 0) {
			Py_XDECREF(d);
			Py_DECREF(old);
			return NULL;
		}
		Py_DECREF(d);
		py_method[i] = old; /* kept for the process */
	}
	Py_RETURN_NONE;
}

/* ---- parse_report ---- */

static const char *const report_limits[] = {
        "max_recipients",   "max_depth",     "max_parts",
        "max_fields",       "max_field_len", "max_header_len",
        "max_boundary_len", "max_size",      "max_decoded"};
#define N_LIMITS (sizeof(report_limits) / sizeof(report_limits[0]))

/* The message as str or bytes (new reference): bytes-like objects are
 * copied, an email.message.Message gives its as_bytes(). */
static PyObject *mail_of(PyObject *o)
{
	PyObject *as_bytes;

	if (PyUnicode_Check(o) || PyBytes_Check(o)) {
		Py_INCREF(o);
		return o;
	}
	if (PyByteArray_Check(o) || PyMemoryView_Check(o))
		return PyBytes_FromObject(o);
	if (!(as_bytes = PyObject_GetAttrString(o, "as_bytes"))) {
		if (!PyErr_ExceptionMatches(PyExc_AttributeError))
			return NULL;
		PyErr_Clear();
		PyErr_SetString(PyExc_TypeError,
		                "expected str, bytes or email.message.Message");
		return NULL;
	}
	o = PyObject_CallNoArgs(as_bytes);
	Py_DECREF(as_bytes);
	return o;
}

static PyObject *fast_parse_report(PyObject *self, PyObject *const *args,
                                   Py_ssize_t nargs, PyObject *kwnames)
{
	size_t lim[N_LIMITS] = {0};
	struct dsng_report_limits rl;
	struct dsng_mime_limits ml;
	struct dsng_error err;
	PyObject *data, *res;
	const char *buf;
	Py_ssize_t n, j, nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
	size_t i;

	(void)self;
	if (nargs != 1) {
		PyErr_Format(PyExc_TypeError,
		             "parse_report() takes 1 positional argument but "
		             "%zd were given",
		             nargs);
		return NULL;
	}
	for (j = 0; j < nkw; j++) {
		const char *k = PyUnicode_AsUTF8(PyTuple_GET_ITEM(kwnames, j));

		if (!k)
			return NULL;
		for (i = 0; i < N_LIMITS; i++)
			if (!strcmp(k, report_limits[i]))
				break;
		if (i == N_LIMITS) {
			PyErr_Format(PyExc_TypeError,
			             "parse_report() got an unexpected keyword "
			             "argument %R",
			             PyTuple_GET_ITEM(kwnames, j));
			return NULL;
		}
		/* the first four are unsigned in C */
		if (size_arg(args[nargs + j], k, i < 4 ? UINT_MAX : SIZE_MAX,
		             &lim[i]) < 0)
			return NULL;
	}
	if (!(data = mail_of(args[0])))
		return NULL;
	if (text_arg(data, &buf, &n) < 0) {
		Py_DECREF(data);
		return NULL;
	}
	dsng_error_init(&err, DSNG_ERROR_VERSION);
	dsngb_report_limits(&rl, &ml, (unsigned)lim[0], (unsigned)lim[1],
	                    (unsigned)lim[2], (unsigned)lim[3], lim[4], lim[5],
	                    lim[6], lim[7], lim[8]);
	/* data stays referenced while the GIL is released inside */
	res = result(dsngb_py_report_result(buf, (size_t)n, &rl, &err), &err);
	Py_DECREF(data);
	return res;
}

/* _report_parse_only(data) -> bool: the C parse alone (parsed and freed,
 * nothing built), so the benchmark can set the binding against the C
 * rate on the same buffers in the same process. */
static PyObject *report_parse_only(PyObject *self, PyObject *arg)
{
	struct dsng_report *r = NULL;
	const char *buf;
	Py_ssize_t n;
	int rc;

	(void)self;
	if (text_arg(arg, &buf, &n) < 0)
		return NULL;
	rc = dsng_report_parse(NULL, &r, buf, (size_t)n, NULL, NULL);
	talloc_free(r);
	return PyBool_FromLong(rc == DSNG_OK);
}

/* ---- setup ---- */

/* _fast_setup(ParseError, Decision, Session): the classes written in
 * Python, which the fast paths raise and build. */
static PyObject *fast_setup(PyObject *self, PyObject *const *args,
                            Py_ssize_t nargs)
{
	PyObject *descr[D__COUNT], *h;
	int i;

	(void)self;
	if (nargs != 3 || !PyType_Check(args[0]) || !PyType_Check(args[1]) ||
	    !PyType_Check(args[2])) {
		PyErr_SetString(PyExc_TypeError,
		                "_fast_setup(ParseError, Decision, Session)");
		return NULL;
	}
	for (i = 0; i < D__COUNT; i++) {
		descr[i] = PyObject_GetAttrString(args[1], dec_names[i]);
		if (!descr[i] || slot_offset(descr[i]) < 0) {
			/* Decision must keep its __slots__ */
			if (descr[i])
				PyErr_Format(PyExc_TypeError,
				             "Decision.%s is not a slot",
				             dec_names[i]);
			while (i >= 0)
				Py_XDECREF(descr[i--]);
			return NULL;
		}
	}
	h = PyObject_GetAttrString(args[2], "_c");
	session_c_off = slot_offset(h);
	Py_XDECREF(h);
	PyErr_Clear(); /* no _c: the handle is unwrapped from _h */
	h = PyObject_GetAttrString(args[2], "_h");
	session_h_off = slot_offset(h);
	Py_XDECREF(h);
	if (session_h_off < 0) {
		if (!PyErr_Occurred())
			PyErr_SetString(PyExc_TypeError,
			                "Session._h is not a slot");
		for (i = 0; i < D__COUNT; i++)
			Py_DECREF(descr[i]);
		return NULL;
	}
	for (i = 0; i < D__COUNT; i++) {
		dec_off[i] = slot_offset(descr[i]);
		Py_XSETREF(dec_descr[i], descr[i]);
		if (!dec_name[i] &&
		    !(dec_name[i] = PyUnicode_InternFromString(dec_names[i])))
			return NULL;
	}
	if (!dec_keys) {
		/* the seven keys the fill gives a MAIL/RCPT decision */
		if (!(dec_keys = PyTuple_New(D_VERDICT)))
			return NULL;
		for (i = 0; i < D_VERDICT; i++)
			PyTuple_SET_ITEM(dec_keys, i, Py_NewRef(dec_name[i]));
	}
	Py_INCREF(args[0]);
	Py_XSETREF(parse_error_cls, args[0]);
	Py_INCREF(args[1]);
	Py_XSETREF(decision_cls, args[1]);
	Py_INCREF(args[2]);
	Py_XSETREF(session_cls, args[2]);
	Py_RETURN_NONE;
}

static PyMethodDef fast_methods[] = {
        {"parse_cmd", (PyCFunction)(void (*)(void))fast_parse_cmd,
         METH_FASTCALL | METH_KEYWORDS,
         "parse_cmd(line, strict=False, max_line=0, utf8=False) -> Result\n\n"
         "Parse one SMTP command line (str or bytes) into the keys of\n"
         "`dsnguard parse-cmd --json`.  strict refuses what deployed MTAs\n"
         "tolerate; max_line: octets including CRLF (0 = 2048); utf8\n"
         "accepts UTF-8 addresses without SMTPUTF8.  Raises ParseError\n"
         "now; each value is built when it is first read."},
        {"parse_report", (PyCFunction)(void (*)(void))fast_parse_report,
         METH_FASTCALL | METH_KEYWORDS,
         "parse_report(data, max_recipients=0, ...) -> Result\n\n"
         "Parse a message (str, bytes or email.message.Message) as a\n"
         "delivery report (RFC 3464 DSN, RFC 8098 MDN) into the keys of\n"
         "`dsnguard parse-report --json`; kind \"none\" for other mail.\n"
         "The limits are the C fields by name (max_recipients, max_depth,\n"
         "max_parts, max_fields, max_field_len, max_header_len,\n"
         "max_boundary_len, max_size, max_decoded); 0 keeps the default.\n"
         "Raises ParseError now; each value (recipients, returned, ...)\n"
         "is built when it is first read."},
        {"_fast_decide", (PyCFunction)(void (*)(void))fast_decide,
         METH_FASTCALL, "Policy.mail/rcpt as a Decision (internal)."},
        {"_report_parse_only", report_parse_only, METH_O,
         "The C report parse alone, for the benchmarks (internal)."},
        {"_fast_methods", fast_methods_setup, METH_O,
         "Put the C Policy.mail/rcpt on Policy (internal)."},
        {"_fast_setup", (PyCFunction)(void (*)(void))fast_setup, METH_FASTCALL,
         "Register ParseError, Decision, Session (internal)."},
        {NULL, NULL, 0, NULL}};

int dsngb_py_fast_init(PyObject *m, dsngb_py_unwrap_fn fn)
{
	unwrap = fn;
	dsngb_py_keys_init();
	if (dsngb_py_result_init(m) < 0)
		return -1;
	return PyModule_AddFunctions(m, fast_methods);
}
