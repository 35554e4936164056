/* SPDX-License-Identifier: BSD-3-Clause */
/* Hook commands: /bin/sh -c CMD with an environment of its own, bounded in time. */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dpb_host.h"

int dpb_host_run(const char *cmd, char *const envp[], unsigned int timeout_s,
		 dpb_host_waiting_fn waiting, void *arg)
{
	char *const argv[] = { "/bin/sh", "-c", (char *)cmd, NULL };
	struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };
	unsigned long waited_ms = 0;
	pid_t pid;
	int status, rc;

	rc = posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, envp);
	if (rc != 0)
		return -rc;
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (waited_ms >= timeout_s * 1000ul) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -ETIMEDOUT;
		}
		nanosleep(&tick, NULL);
		waited_ms += 10;
		if (waiting != NULL)
			waiting(arg, waited_ms);
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}
