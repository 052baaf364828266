/*
 * bindings/dsnguard.i - the one SWIG interface for Python (`import
 * dsnguard`) and Perl (`use DSNGuard;`).  It only converts: every call
 * fills C structs, which are copied out into native dicts/hashes, so no
 * script ever holds a pointer into C memory or sees talloc.
 *
 *   parse_cmd(line, strict=False) -> dict / hash ref of the parsed command
 *       (the keys of `dsnguard parse-cmd --json`); a refused line raises
 *       dsnguard.ParseError (Python: .code .offset .reply .enhanced
 *       .message) or dies with a DSNGuard::ParseError hash ref (Perl).
 *   version() -> the library's version string.
 */
%module dsnguard

%{
#include <string.h>
#include <dsnguard/dsnguard.h>

/* The NOTIFY keywords in the order dsng_cmd_format writes them. */
static const struct { unsigned bit; const char *name; } dsng_b_notify[] = {
	{DSNG_NOTIFY_NEVER, "NEVER"}, {DSNG_NOTIFY_SUCCESS, "SUCCESS"},
	{DSNG_NOTIFY_FAILURE, "FAILURE"}, {DSNG_NOTIFY_DELAY, "DELAY"},
};

static const char *dsng_b_ret(enum dsng_ret r)
{
	return r == DSNG_RET_FULL ? "FULL" : r == DSNG_RET_HDRS ? "HDRS" : NULL;
}

static const char *dsng_b_body(enum dsng_body b)
{
	switch (b) {
	case DSNG_BODY_7BIT: return "7BIT";
	case DSNG_BODY_8BITMIME: return "8BITMIME";
	case DSNG_BODY_BINARYMIME: return "BINARYMIME";
	default: return NULL;
	}
}
%}

/* Hidden arguments: the result struct and the error live on the stack of
 * the wrapper; strict is an optional flag that becomes the options. */
%typemap(in, numinputs=0) struct dsng_cmd *out (struct dsng_cmd tmp) {
	$1 = &tmp;
}
%typemap(in, numinputs=0) struct dsng_error *err (struct dsng_error tmp) {
	memset(&tmp, 0, sizeof(tmp));
	$1 = &tmp;
}
%typemap(default) const struct dsng_cmd_opts *strict (struct dsng_cmd_opts tmp) {
	dsng_cmd_opts_init(&tmp);
	$1 = &tmp;
}

#if defined(SWIGPYTHON)
%{
static PyObject *dsng_b_parse_error;

static PyObject *dsng_b_str(struct dsng_span s)
{
	if (s.ptr == NULL)
		Py_RETURN_NONE;
	return PyUnicode_DecodeUTF8(s.ptr, (Py_ssize_t)s.len, "replace");
}

static PyObject *dsng_b_cstr(const char *s)
{
	if (s == NULL)
		Py_RETURN_NONE;
	return PyUnicode_FromString(s);
}

/* case - the span as str, through str.upper or str.lower. */
static PyObject *dsng_b_case(struct dsng_span s, const char *method)
{
	PyObject *v = dsng_b_str(s), *r;

	if (v == NULL || v == Py_None)
		return v;
	r = PyObject_CallMethod(v, method, NULL);
	Py_DECREF(v);
	return r;
}

/* put - d[key] = v, consuming v; 0 on success. */
static int dsng_b_put(PyObject *d, const char *key, PyObject *v)
{
	int rc;

	if (v == NULL)
		return -1;
	rc = PyDict_SetItemString(d, key, v);
	Py_DECREF(v);
	return rc;
}

/* route - "@a,@b" as ["a", "b"], None without a route. */
static PyObject *dsng_b_route(struct dsng_span r)
{
	PyObject *list;
	size_t i = 0, start;

	if (r.len == 0)
		Py_RETURN_NONE;
	if ((list = PyList_New(0)) == NULL)
		return NULL;
	while (i < r.len) {
		struct dsng_span d;
		PyObject *s;

		if (r.ptr[i] == '@')
			i++;
		start = i;
		while (i < r.len && r.ptr[i] != ',')
			i++;
		d.ptr = r.ptr + start;
		d.len = i - start;
		s = dsng_b_str(d);
		if (s == NULL || PyList_Append(list, s) < 0) {
			Py_XDECREF(s);
			Py_DECREF(list);
			return NULL;
		}
		Py_DECREF(s);
		i++;
	}
	return list;
}

static PyObject *dsng_b_cmd(const struct dsng_cmd *c)
{
	PyObject *d = PyDict_New(), *l;
	char *canon;
	size_t i;
	int bad = 0;

	if (d == NULL)
		return NULL;
	bad |= dsng_b_put(d, "verb", dsng_b_cstr(dsng_verb_name(c->verb)));
	if (c->verb == DSNG_VERB_MAIL || c->verb == DSNG_VERB_RCPT) {
		bad |= dsng_b_put(d, "path", dsng_b_str(c->path.mailbox.ptr ? c->path.mailbox
		                  : (struct dsng_span){"", 0}));
		bad |= dsng_b_put(d, "local", dsng_b_str(c->path.local));
		bad |= dsng_b_put(d, "domain", c->path.domain.len ? dsng_b_str(c->path.domain)
		                  : dsng_b_cstr(NULL));
		bad |= dsng_b_put(d, "route", dsng_b_route(c->path.route));
		if ((l = PyList_New(0)) == NULL)
			goto fail;
		for (i = 0; i < c->n_params; i++) {
			PyObject *p = PyDict_New();
			if (p == NULL) {
				Py_DECREF(l);
				goto fail;
			}
			bad |= dsng_b_put(p, "keyword", dsng_b_case(c->params[i].keyword, "upper"));
			bad |= dsng_b_put(p, "value", dsng_b_str(c->params[i].value));
			if (PyList_Append(l, p) < 0)
				bad = 1;
			Py_DECREF(p);
		}
		bad |= dsng_b_put(d, "params", l);
		if (c->notify) {
			if ((l = PyList_New(0)) == NULL)
				goto fail;
			for (i = 0; i < sizeof(dsng_b_notify) / sizeof(dsng_b_notify[0]); i++) {
				if (!(c->notify & dsng_b_notify[i].bit))
					continue;
				PyObject *s = PyUnicode_FromString(dsng_b_notify[i].name);
				if (s == NULL || PyList_Append(l, s) < 0)
					bad = 1;
				Py_XDECREF(s);
			}
			bad |= dsng_b_put(d, "notify", l);
		} else {
			bad |= dsng_b_put(d, "notify", dsng_b_cstr(NULL));
		}
		if (c->has_orcpt) {
			PyObject *o = PyDict_New();
			if (o == NULL)
				goto fail;
			bad |= dsng_b_put(o, "type", dsng_b_case(c->orcpt_type, "lower"));
			bad |= dsng_b_put(o, "addr", dsng_b_str(c->orcpt_addr));
			bad |= dsng_b_put(d, "orcpt", o);
		} else {
			bad |= dsng_b_put(d, "orcpt", dsng_b_cstr(NULL));
		}
		bad |= dsng_b_put(d, "ret", dsng_b_cstr(dsng_b_ret(c->ret)));
		bad |= dsng_b_put(d, "envid", c->has_envid ? dsng_b_str(c->envid) : dsng_b_cstr(NULL));
		if (c->has_size)
			bad |= dsng_b_put(d, "size", PyLong_FromUnsignedLongLong(c->size));
		else
			bad |= dsng_b_put(d, "size", dsng_b_cstr(NULL));
		bad |= dsng_b_put(d, "body", dsng_b_cstr(dsng_b_body(c->body)));
		bad |= dsng_b_put(d, "smtputf8", PyBool_FromLong(c->smtputf8));
	} else if (c->verb == DSNG_VERB_EHLO || c->verb == DSNG_VERB_HELO ||
	           c->verb == DSNG_VERB_LHLO) {
		bad |= dsng_b_put(d, "domain", dsng_b_str(c->arg));
	} else {
		bad |= dsng_b_put(d, "arg", dsng_b_str(c->arg));
	}
	canon = dsng_cmd_format(NULL, c);
	if (canon == NULL) {
		PyErr_NoMemory();
		goto fail;
	}
	bad |= dsng_b_put(d, "canonical", PyUnicode_DecodeUTF8(canon, (Py_ssize_t)strlen(canon), "replace"));
	talloc_free(canon);
	if (bad)
		goto fail;
	return d;
fail:
	Py_DECREF(d);
	return NULL;
}

/* raise - ParseError(message) with code, offset, reply, enhanced. */
static void dsng_b_raise(const struct dsng_error *e)
{
	PyObject *exc = PyObject_CallFunction(dsng_b_parse_error, "s", e->message);

	if (exc == NULL)
		return;
	PyObject_SetAttrString(exc, "code", PyUnicode_FromString(dsng_errkind_name(e->kind)));
	PyObject_SetAttrString(exc, "offset", PyLong_FromSize_t(e->offset));
	PyObject_SetAttrString(exc, "reply", PyLong_FromLong(e->reply));
	PyObject_SetAttrString(exc, "enhanced", PyUnicode_FromString(e->enhanced ? e->enhanced : ""));
	PyObject_SetAttrString(exc, "message", PyUnicode_FromString(e->message));
	PyErr_SetObject(dsng_b_parse_error, exc);
	Py_DECREF(exc);
}
%}

%init %{
	dsng_b_parse_error = PyErr_NewExceptionWithDoc("dsnguard.ParseError",
		"An SMTP line was refused: code, offset, reply, enhanced, message.",
		PyExc_ValueError, NULL);
	if (dsng_b_parse_error != NULL) {
		Py_INCREF(dsng_b_parse_error);
		PyModule_AddObject(m, "ParseError", dsng_b_parse_error);
	}
%}

/* One str or bytes argument gives (buf, len). */
%typemap(in) (const char *line, size_t len) (Py_ssize_t n, char *p) {
	if (PyBytes_Check($input)) {
		if (PyBytes_AsStringAndSize($input, &p, &n) < 0)
			SWIG_fail;
	} else if (PyUnicode_Check($input)) {
		p = (char *)PyUnicode_AsUTF8AndSize($input, &n);
		if (p == NULL)
			SWIG_fail;
	} else {
		PyErr_SetString(PyExc_TypeError, "expected str or bytes");
		SWIG_fail;
	}
	$1 = p;
	$2 = (size_t)n;
}
%typemap(in) const struct dsng_cmd_opts *strict (struct dsng_cmd_opts tmp) {
	int t = PyObject_IsTrue($input);
	if (t < 0)
		SWIG_fail;
	dsng_cmd_opts_init(&tmp);
	if (t)
		tmp.flags |= DSNG_CMD_STRICT;
	$1 = &tmp;
}
%typemap(out) int dsng_cmd_parse {
	$result = NULL;
}
%typemap(argout) struct dsng_error *err {
	if (result != DSNG_OK) {
		dsng_b_raise($1);
		SWIG_fail;
	}
}
%typemap(argout) struct dsng_cmd *out {
	if (result == DSNG_OK) {
		$result = dsng_b_cmd($1);
		if ($result == NULL)
			SWIG_fail;
	}
}
%feature("kwargs") dsng_cmd_parse;
%pythoncode %{
ParseError = _dsnguard.ParseError
%}

#elif defined(SWIGPERL)
%{
static SV *dsng_b_str(pTHX_ struct dsng_span s)
{
	return s.ptr == NULL ? newSV(0) : newSVpvn_utf8(s.ptr, s.len, 0);
}

static SV *dsng_b_cstr(pTHX_ const char *s)
{
	return s == NULL ? newSV(0) : newSVpv(s, 0);
}

/* case - a copy of the span with ASCII letters upper- or lower-cased. */
static SV *dsng_b_case(pTHX_ struct dsng_span s, int upper)
{
	SV *sv = dsng_b_str(aTHX_ s);
	char *p;
	STRLEN n, k;

	if (!SvOK(sv))
		return sv;
	p = SvPV(sv, n);
	for (k = 0; k < n; k++) {
		if (upper && p[k] >= 'a' && p[k] <= 'z')
			p[k] = (char)(p[k] - 'a' + 'A');
		else if (!upper && p[k] >= 'A' && p[k] <= 'Z')
			p[k] = (char)(p[k] - 'A' + 'a');
	}
	return sv;
}

static SV *dsng_b_route(pTHX_ struct dsng_span r)
{
	AV *av;
	size_t i = 0, start;

	if (r.len == 0)
		return newSV(0);
	av = newAV();
	while (i < r.len) {
		if (r.ptr[i] == '@')
			i++;
		start = i;
		while (i < r.len && r.ptr[i] != ',')
			i++;
		av_push(av, newSVpvn(r.ptr + start, i - start));
		i++;
	}
	return newRV_noinc((SV *)av);
}

static SV *dsng_b_cmd(pTHX_ const struct dsng_cmd *c)
{
	HV *h = newHV();
	char *canon;
	size_t i;

	hv_stores(h, "verb", dsng_b_cstr(aTHX_ dsng_verb_name(c->verb)));
	if (c->verb == DSNG_VERB_MAIL || c->verb == DSNG_VERB_RCPT) {
		AV *params = newAV();
		hv_stores(h, "path", c->path.mailbox.ptr ? dsng_b_str(aTHX_ c->path.mailbox)
		          : newSVpvs(""));
		hv_stores(h, "local", dsng_b_str(aTHX_ c->path.local));
		hv_stores(h, "domain", c->path.domain.len ? dsng_b_str(aTHX_ c->path.domain)
		          : newSV(0));
		hv_stores(h, "route", dsng_b_route(aTHX_ c->path.route));
		for (i = 0; i < c->n_params; i++) {
			HV *p = newHV();
			hv_stores(p, "keyword", dsng_b_case(aTHX_ c->params[i].keyword, 1));
			hv_stores(p, "value", dsng_b_str(aTHX_ c->params[i].value));
			av_push(params, newRV_noinc((SV *)p));
		}
		hv_stores(h, "params", newRV_noinc((SV *)params));
		if (c->notify) {
			AV *n = newAV();
			for (i = 0; i < sizeof(dsng_b_notify) / sizeof(dsng_b_notify[0]); i++)
				if (c->notify & dsng_b_notify[i].bit)
					av_push(n, newSVpv(dsng_b_notify[i].name, 0));
			hv_stores(h, "notify", newRV_noinc((SV *)n));
		} else {
			hv_stores(h, "notify", newSV(0));
		}
		if (c->has_orcpt) {
			HV *o = newHV();
			hv_stores(o, "type", dsng_b_case(aTHX_ c->orcpt_type, 0));
			hv_stores(o, "addr", dsng_b_str(aTHX_ c->orcpt_addr));
			hv_stores(h, "orcpt", newRV_noinc((SV *)o));
		} else {
			hv_stores(h, "orcpt", newSV(0));
		}
		hv_stores(h, "ret", dsng_b_cstr(aTHX_ dsng_b_ret(c->ret)));
		hv_stores(h, "envid", c->has_envid ? dsng_b_str(aTHX_ c->envid) : newSV(0));
		hv_stores(h, "size", c->has_size ? newSVuv((UV)c->size) : newSV(0));
		hv_stores(h, "body", dsng_b_cstr(aTHX_ dsng_b_body(c->body)));
		hv_stores(h, "smtputf8", newSViv(c->smtputf8 ? 1 : 0));
	} else if (c->verb == DSNG_VERB_EHLO || c->verb == DSNG_VERB_HELO ||
	           c->verb == DSNG_VERB_LHLO) {
		hv_stores(h, "domain", dsng_b_str(aTHX_ c->arg));
	} else {
		hv_stores(h, "arg", dsng_b_str(aTHX_ c->arg));
	}
	canon = dsng_cmd_format(NULL, c);
	hv_stores(h, "canonical", canon ? newSVpv(canon, 0) : newSV(0));
	talloc_free(canon);
	return newRV_noinc((SV *)h);
}

/* error - a DSNGuard::ParseError hash ref in $@ for die. */
static void dsng_b_error(pTHX_ const struct dsng_error *e)
{
	HV *h = newHV();

	hv_stores(h, "code", newSVpv(dsng_errkind_name(e->kind), 0));
	hv_stores(h, "offset", newSVuv((UV)e->offset));
	hv_stores(h, "reply", newSViv(e->reply));
	hv_stores(h, "enhanced", newSVpv(e->enhanced ? e->enhanced : "", 0));
	hv_stores(h, "message", newSVpv(e->message, 0));
	sv_setsv(get_sv("@", GV_ADD),
	         sv_2mortal(sv_bless(newRV_noinc((SV *)h),
	                             gv_stashpv("DSNGuard::ParseError", GV_ADD))));
}
%}

%typemap(in) (const char *line, size_t len) {
	STRLEN n;
	$1 = SvPV($input, n);
	$2 = (size_t)n;
}
%typemap(in) const struct dsng_cmd_opts *strict (struct dsng_cmd_opts tmp) {
	dsng_cmd_opts_init(&tmp);
	if (SvTRUE($input))
		tmp.flags |= DSNG_CMD_STRICT;
	$1 = &tmp;
}
%typemap(out) int dsng_cmd_parse "";
%typemap(argout) struct dsng_error *err {
	if (result != DSNG_OK) {
		dsng_b_error(aTHX_ $1);
		SWIG_fail;
	}
}
%typemap(argout) struct dsng_cmd *out {
	if (result == DSNG_OK) {
		if (argvi >= items)
			EXTEND(sp, argvi + 1);
		$result = sv_2mortal(dsng_b_cmd(aTHX_ $1));
		argvi++;
	}
}
%perlcode %{
package DSNGuard::ParseError;
use overload '""' => sub { "$_[0]{reply} $_[0]{enhanced} $_[0]{message} ($_[0]{code} at offset $_[0]{offset})" }, fallback => 1;
package DSNGuard;
%}
#endif

/* Binding-only declarations of the wrapped C functions. */
%rename(parse_cmd) dsng_cmd_parse;
int dsng_cmd_parse(struct dsng_cmd *out, const char *line, size_t len,
                   const struct dsng_cmd_opts *strict, struct dsng_error *err);
%rename(version) dsng_version;
const char *dsng_version(void);
