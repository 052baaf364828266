/*
 * examples/milter/main.c - dsnguard-milter, the daemon: options, policy,
 * socket, PID file, privileges, signals, then libmilter's loop.
 *
 * Signals.  SIGHUP reloads the policy, SIGUSR1 logs the counters,
 * SIGTERM and SIGINT stop it: sessions in progress are waited for (at
 * most DM_DRAIN_SECONDS), then smfi_stop makes smfi_main return, the
 * counters are logged and the PID file removed, exit 0.  The wait comes
 * first because libmilter stops serving open sessions once stopped.  All four
 * are blocked in every thread before smfi_main starts any, and only the
 * milter's signal thread below waits for them (sigwaitinfo).  libmilter's own
 * signal thread would take SIGHUP as "stop", so sigwrap.c removes these signals
 * from the set it waits for.
 */
#include <errno.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "milter.h"

struct dm_opts dm_opts;

/* The absolute paths of the PID file and socket (a global: reachable
 * until exit, whichever way main ends). */
static TALLOC_CTX *paths;

/* Set by the signal thread on SIGTERM/SIGINT, and once smfi_stop has
 * returned: main waits for that before it exits, or exit() would run
 * while that thread still holds libmilter's lock (ThreadSanitizer). */
static atomic_bool stopping, stopped;

/* The file a unix: (or local:) socket spec names, or NULL. */
static const char *socket_path(const char *spec)
{
	if (!strncmp(spec, "unix:", 5))
		return spec + 5;
	if (!strncmp(spec, "local:", 6))
		return spec + 6;
	if (spec[0] == '/')
		return spec;
	return NULL;
}

static int fail(const char *what, const char *detail)
{
	fprintf(stderr, "dsnguard-milter: %s%s%s\n", what, detail ? ": " : "",
	        detail ? detail : "");
	dm_log_event(LOG_ERR, "fatal", "error", what, "detail", detail,
	             (char *)NULL);
	return DM_EXIT_FAIL;
}

/* --user USER[:GROUP] resolved before anything is opened. */
struct ids {
	bool set;
	uid_t uid;
	gid_t gid;
	char name[256];
};

static int resolve_user(const char *spec, struct ids *ids)
{
	char buf[256];
	char *colon;
	struct passwd *pw;

	if (!spec)
		return 0;
	snprintf(buf, sizeof(buf), "%s", spec);
	colon = strchr(buf, ':');
	if (colon)
		*colon++ = 0;
	pw = getpwnam(buf);
	if (!pw)
		return fail("unknown user", buf);
	ids->uid = pw->pw_uid;
	ids->gid = pw->pw_gid;
	snprintf(ids->name, sizeof(ids->name), "%s", buf);
	if (colon && *colon) {
		struct group *gr = getgrnam(colon);

		if (!gr)
			return fail("unknown group", colon);
		ids->gid = gr->gr_gid;
	}
	ids->set = true;
	return 0;
}

static int drop_privileges(const struct ids *ids)
{
	if (!ids->set || (getuid() == ids->uid && getgid() == ids->gid))
		return 0;
	if (initgroups(ids->name, ids->gid) != 0 || setgid(ids->gid) != 0 ||
	    setuid(ids->uid) != 0)
		return fail("cannot drop privileges", strerror(errno));
	return 0;
}

/* Write pid into path.  0, or DM_EXIT_FAIL after a message. */
static int write_pidfile(const char *path, pid_t pid)
{
	char buf[32];
	int fd, n;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return fail("cannot write the PID file", strerror(errno));
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)pid);
	if (write(fd, buf, (size_t)n) != n) {
		close(fd);
		unlink(path);
		return fail("cannot write the PID file", strerror(errno));
	}
	close(fd);
	return 0;
}

/* Detach.  The parent writes the child's PID file, so that a PID file
 * that cannot be written is the parent's exit status 1, and exits; the
 * child goes on.  0 in the child, or DM_EXIT_FAIL. */
static int daemonize(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return fail("fork", strerror(errno));
	if (pid > 0) {
		if (dm_opts.pidfile && write_pidfile(dm_opts.pidfile, pid)) {
			kill(pid, SIGKILL);
			_exit(DM_EXIT_FAIL);
		}
		_exit(DM_EXIT_OK);
	}
	setsid();
	if (chdir("/") != 0)
		return fail("chdir /", strerror(errno));
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	return 0;
}

/* path made absolute (the daemon leaves its directory for /), on mem. */
static char *absolute(TALLOC_CTX *mem, const char *path)
{
	char cwd[4096];

	if (!path || path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return talloc_strdup(mem, path ? path : "");
	return talloc_asprintf(mem, "%s/%s", cwd, path);
}

/* Sessions still open when the milter is told to stop may finish, for
 * at most this long. */
#define DM_DRAIN_SECONDS 30

static void drain(void)
{
	struct timespec step = {0, 20 * 1000 * 1000};
	int i;

	for (i = 0; i < DM_DRAIN_SECONDS * 50 && dm_active() > 0; i++)
		nanosleep(&step, NULL);
}

/* SIGHUP: reload; SIGUSR1: the counters; SIGTERM, SIGINT: stop.  Nothing
 * else waits for them. */
static void *signal_thread(void *arg)
{
	sigset_t set;

	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	for (;;) {
		int sig = sigwaitinfo(&set, NULL);

		if (sig == SIGHUP) {
			dm_policy_reload();
		} else if (sig == SIGUSR1) {
			dm_stats_log();
		} else if (sig == SIGTERM || sig == SIGINT) {
			atomic_store(&stopping, true);
			dm_log_event(LOG_INFO, "stopping", "signal",
			             sig == SIGTERM ? "TERM" : "INT",
			             (char *)NULL);
			drain();
			dm_wake_listener(dm_opts.socket);
			smfi_stop();
			atomic_store(&stopped, true);
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	char msg[512];
	struct ids ids = {0};
	const char *path;
	sigset_t set;
	pthread_t tid;
	struct dm_policy *p;
	int rc;

	rc = dm_opts_parse(&dm_opts, argc, argv);
	if (rc)
		return rc < 0 ? DM_EXIT_OK : rc;
	dm_log_open(dm_opts.log_stderr);
	paths = talloc_new(NULL);
	if (!paths)
		return fail("out of memory", NULL);
	if (dm_policy_start(msg, sizeof(msg)) != 0)
		return fail("cannot load the policy", msg);
	if (resolve_user(dm_opts.user, &ids))
		return DM_EXIT_FAIL;
	/* Before any thread exists (every thread inherits this mask) and
	 * before the socket or the PID file appears: a TERM sent as soon as
	 * either exists stays pending until the signal thread takes it, where
	 * the default action would kill the daemon and leave both behind. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (smfi_register(dm_filter) != MI_SUCCESS)
		return fail("smfi_register failed", NULL);
	if (smfi_setconn((char *)dm_opts.socket) != MI_SUCCESS)
		return fail("bad socket", dm_opts.socket);
	if (smfi_opensocket(true) != MI_SUCCESS)
		return fail("cannot open the socket", dm_opts.socket);
	path = socket_path(dm_opts.socket);
	if (path && ids.set && chown(path, ids.uid, ids.gid) != 0)
		return fail("cannot chown the socket", strerror(errno));
	if (path && dm_opts.socket_mode >= 0 &&
	    chmod(path, (mode_t)dm_opts.socket_mode) != 0)
		return fail("cannot chmod the socket", strerror(errno));
	/* Both are removed at exit, after the daemon moved to /. */
	if (dm_opts.pidfile)
		dm_opts.pidfile = absolute(paths, dm_opts.pidfile);
	if (path)
		path = absolute(paths, path);
	if (!dm_opts.foreground && daemonize() != 0)
		return DM_EXIT_FAIL;
	if (dm_opts.foreground && dm_opts.pidfile &&
	    write_pidfile(dm_opts.pidfile, getpid()) != 0)
		return DM_EXIT_FAIL;
	if (drop_privileges(&ids) != 0) {
		if (dm_opts.pidfile)
			unlink(dm_opts.pidfile);
		return DM_EXIT_FAIL;
	}

	if (pthread_create(&tid, NULL, signal_thread, NULL) != 0) {
		if (dm_opts.pidfile)
			unlink(dm_opts.pidfile);
		return fail("cannot start the signal thread", NULL);
	}
	pthread_detach(tid);

	p = dm_policy_get();
	dm_policy_warnings(p->p);
	dm_log_event(LOG_INFO, "start", "socket", dm_opts.socket, "policy",
	             dsng_policy_name(p->p), "mta",
	             dm_opts.mta == DM_MTA_AUTO ? "auto"
	                                        : dm_mta_name(dm_opts.mta),
	             "dry_run", dm_opts.dry_run ? "1" : "0", "on_error",
	             dm_opts.on_error_tempfail ? "tempfail" : "accept",
	             "version", dsng_version(), (char *)NULL);
	dm_policy_put(p);

	rc = smfi_main();
	dm_wake_done();
	/* Told to stop before or while it ran: a clean stop. */
	if (atomic_load(&stopping)) {
		struct timespec step = {0, 10 * 1000 * 1000};
		int i;

		for (i = 0; i < 500 && !atomic_load(&stopped); i++)
			nanosleep(&step, NULL);
		rc = MI_SUCCESS;
	}
	dm_stats_log();
	dm_log_event(LOG_INFO, "stop", "status",
	             rc == MI_SUCCESS ? "ok" : "error", (char *)NULL);
	if (dm_opts.pidfile)
		unlink(dm_opts.pidfile);
	if (path)
		unlink(path);
	dm_policy_stop();
	talloc_free(paths);
	return rc == MI_SUCCESS ? DM_EXIT_OK : DM_EXIT_FAIL;
}
