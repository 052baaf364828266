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
 * sigwait lands here, and waits for its set without SIGHUP, SIGTERM and
 * SIGINT.  Each of them then has exactly one taker, the milter's signal
 * thread (main.c), which waits with sigwaitinfo (so it never comes
 * through this wrapper) and stops libmilter itself with smfi_stop on
 * SIGTERM: the milter knows it was told to stop, even when the signal
 * comes before libmilter's loop has started.
 */
#include <signal.h>

int __real_sigwait(const sigset_t *set, int *sig);
int __wrap_sigwait(const sigset_t *set, int *sig);

int __wrap_sigwait(const sigset_t *set, int *sig)
{
	sigset_t theirs = *set;

	sigdelset(&theirs, SIGHUP);
	sigdelset(&theirs, SIGTERM);
	sigdelset(&theirs, SIGINT);
	return __real_sigwait(&theirs, sig);
}
