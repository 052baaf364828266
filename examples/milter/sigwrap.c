/*
 * examples/milter/sigwrap.c - take SIGHUP away from libmilter.
 *
 * libmilter's smfi_main blocks SIGHUP, SIGTERM and SIGINT and starts a
 * thread that sigwait()s for them; SIGHUP there means "stop", with no
 * option to change it.  Blocking SIGHUP everywhere and waiting for it in
 * a thread of our own is not enough: when two threads wait for the same
 * signal, either may get it, and a SIGHUP that libmilter's thread gets
 * stops the milter.  So the milter is linked with libmilter's static
 * archive and -Wl,--wrap=sigwait (CMakeLists.txt): libmilter's call to
 * sigwait lands here, and waits for its set without SIGHUP.  SIGHUP then
 * has exactly one taker, the milter's signal thread (main.c), which waits
 * with sigwaitinfo and so never comes through this wrapper.
 */
#include <signal.h>

int __real_sigwait(const sigset_t *set, int *sig);
int __wrap_sigwait(const sigset_t *set, int *sig);

int __wrap_sigwait(const sigset_t *set, int *sig)
{
	sigset_t without_hup = *set;

	sigdelset(&without_hup, SIGHUP);
	return __real_sigwait(&without_hup, sig);
}
