/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sd_notify's datagram protocol, written here rather than linked from
 * libsystemd: one sendto() on a socket opened once (see README.md).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "dpb_notify.h"

static struct {
	int fd;                      /* -1: nobody to notify */
	struct sockaddr_un addr;
	socklen_t addr_len;
	uint64_t watchdog_ms;        /* 0: no watchdog */
	uint64_t next_pet_ms;
	int pet_started;
} notify = { .fd = -1 };

/* WATCHDOG_USEC, unless WATCHDOG_PID names another process. */
static uint64_t watchdog_from_env(char *why, size_t whylen)
{
	const char *usec = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
	unsigned long long v;
	char *end;

	if (usec == NULL)
		return 0;
	if (pid != NULL && strtol(pid, NULL, 10) != (long)getpid())
		return 0;
	errno = 0;
	v = strtoull(usec, &end, 10);
	if (errno || end == usec || *end != '\0' || v == 0) {
		snprintf(why, whylen, "WATCHDOG_USEC=%s: not a number of microseconds; no watchdog", usec);
		return 0;
	}
	return v / 1000 ? v / 1000 : 1;
}

static int set_addr(const char *name)
{
	size_t len = strlen(name);

	if ((name[0] != '/' && name[0] != '@') || len < 2 || len >= sizeof(notify.addr.sun_path))
		return -EINVAL;
	memset(&notify.addr, 0, sizeof(notify.addr));
	notify.addr.sun_family = AF_UNIX;
	memcpy(notify.addr.sun_path, name, len);
	if (name[0] == '@') {
		/* Abstract: a NUL first, and the length says where the name ends. */
		notify.addr.sun_path[0] = '\0';
		notify.addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	} else {
		notify.addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
	}
	return 0;
}

int dpb_notify_init(char *why, size_t whylen)
{
	const char *name = getenv("NOTIFY_SOCKET");
	int rc = 0;

	dpb_notify_close();
	if (name == NULL || name[0] == '\0')
		goto unset;
	rc = set_addr(name);
	if (rc < 0) {
		snprintf(why, whylen, "NOTIFY_SOCKET=%s: not an absolute path or @name; "
			 "the service manager will not hear from dpbond", name);
		goto unset;
	}
	notify.fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (notify.fd < 0) {
		rc = -errno;
		snprintf(why, whylen, "NOTIFY_SOCKET: %s", strerror(errno));
		goto unset;
	}
	notify.watchdog_ms = watchdog_from_env(why, whylen);
	rc = 1;
unset:
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	return name == NULL || name[0] == '\0' ? 0 : rc;
}

int dpb_notify_send(const char *state)
{
	if (notify.fd < 0)
		return 0;
	if (sendto(notify.fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&notify.addr,
		   notify.addr_len) < 0)
		return -errno;
	return 0;
}

uint64_t dpb_notify_watchdog_ms(void)
{
	return notify.fd < 0 ? 0 : notify.watchdog_ms;
}

void dpb_notify_watchdog(uint64_t now_ms)
{
	if (notify.fd < 0 || notify.watchdog_ms == 0)
		return;
	if (notify.pet_started && now_ms < notify.next_pet_ms)
		return;
	notify.pet_started = 1;
	notify.next_pet_ms = now_ms + notify.watchdog_ms / 2;
	dpb_notify_send("WATCHDOG=1");
}

void dpb_notify_close(void)
{
	if (notify.fd >= 0)
		close(notify.fd);
	notify.fd = -1;
	notify.watchdog_ms = 0;
	notify.pet_started = 0;
}
