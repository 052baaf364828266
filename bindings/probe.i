/*
 * bindings/probe.i - the SMTP client helpers (probe_api.h), included from
 * dsnguard.i after its typemaps.  Only the low-level calls are here, all
 * renamed with a leading underscore: dsnguard.probe and
 * dsnguard.smtplib_options (bindings/python/dsnguard/) and
 * Net::SMTP::DSNGuard (bindings/perl/lib/) are written over them, and
 * own the sockets.
 */
%{
#include "probe_api.h"
%}

%apply (const char *buf, size_t len) {
	(const char *envid, size_t envid_len),
	(const char *orcpt, size_t orcpt_len)
};

%rename(_ProbeHandle) dsngb_probe;
%nodefaultctor dsngb_probe;
%extend dsngb_probe {
	~dsngb_probe() { dsngb_probe_free($self); }
}
%newobject probe_new;
%ignore dsngb_probe_free;
%rename(_probe_new) probe_new;
%rename(_probe_next) probe_next;
%rename(_probe_reply) probe_reply;
%rename(_probe_event) probe_event;
%rename(_probe_result) probe_result;
%rename(_dsn_params) dsn_params;

%include "probe_api.h"
