/*
 * examples/milter/wake.c - make smfi_main notice smfi_stop at once.
 *
 * libmilter's listener holds the lock smfi_stop needs while it polls the
 * listening socket, and without traffic the poll returns only every five
 * seconds (seen with strace).  So while smfi_stop waits, a helper thread
 * connects to our own socket every 50 ms: the poll returns, the lock is
 * released, the stop flag is set and seen.  Best effort: on any failure
 * the milter simply stops at the next poll timeout.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "milter.h"

/* Connect to addr and close at once. */
static void poke(int family, const struct sockaddr *addr, socklen_t len)
{
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return;
	(void)connect(fd, addr, len);
	close(fd);
}

static void wake_once(const char *spec)
{
	const char *rest, *at;
	char host[256];
	long port;

	if (!strncmp(spec, "unix:", 5) || !strncmp(spec, "local:", 6) ||
	    spec[0] == '/') {
		struct sockaddr_un un = {.sun_family = AF_UNIX};
		const char *path =
		        spec[0] == '/' ? spec : strchr(spec, ':') + 1;

		if (strlen(path) >= sizeof(un.sun_path))
			return;
		strcpy(un.sun_path, path);
		poke(AF_UNIX, (const struct sockaddr *)&un, sizeof(un));
		return;
	}
	if (strncmp(spec, "inet:", 5) && strncmp(spec, "inet6:", 6))
		return;
	rest = strchr(spec, ':') + 1;
	port = strtol(rest, NULL, 10);
	at = strchr(rest, '@');
	if (port <= 0 || port > 65535)
		return;
	snprintf(host, sizeof(host), "%s", at ? at + 1 : "");
	if (!strncmp(spec, "inet6:", 6)) {
		struct sockaddr_in6 in6 = {.sin6_family = AF_INET6,
		                           .sin6_port = htons((uint16_t)port)};
		char *h = host[0] == '[' ? host + 1 : host,
		     *end = strchr(h, ']');

		if (end)
			*end = 0;
		if (!*h || !strcmp(h, "::") ||
		    inet_pton(AF_INET6, h, &in6.sin6_addr) != 1)
			in6.sin6_addr = in6addr_loopback;
		poke(AF_INET6, (const struct sockaddr *)&in6, sizeof(in6));
	} else {
		struct sockaddr_in in = {.sin_family = AF_INET,
		                         .sin_port = htons((uint16_t)port)};

		if (!host[0] || !strcmp(host, "0.0.0.0") ||
		    inet_pton(AF_INET, host, &in.sin_addr) != 1)
			in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		poke(AF_INET, (const struct sockaddr *)&in, sizeof(in));
	}
}

static atomic_bool stopped;

static void *waker(void *arg)
{
	struct timespec step = {0, 50 * 1000 * 1000};
	int i;

	for (i = 0; i < 200 && !atomic_load(&stopped); i++) {
		wake_once(arg);
		nanosleep(&step, NULL);
	}
	return NULL;
}

void dm_wake_listener(const char *spec)
{
	pthread_t t;

	if (pthread_create(&t, NULL, waker, (void *)spec) == 0)
		pthread_detach(t);
}

void dm_wake_done(void)
{
	atomic_store(&stopped, true);
}
