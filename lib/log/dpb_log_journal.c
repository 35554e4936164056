/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The journal stream. DPDK 22.11's own log stream (lib/eal/linux/eal_log.c)
 * writes each message to stderr and to syslog; under systemd both reach the
 * journal, so each message would be there twice. When stderr is the journal,
 * this stream writes each line once, to stderr, behind the `<N>` syslog
 * priority prefix that journald takes as the line's priority (as
 * sd-daemon.h's SD_ERR and friends do).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_log.h>

#include "dpb_log.h"

static FILE *journal;
static bool at_line_start = true;

bool dpb_log_fd_is_journal(const char *journal_stream, int fd)
{
	uintmax_t dev, ino;
	struct stat st;
	char *end;

	if (journal_stream == NULL || fstat(fd, &st) < 0)
		return false;
	errno = 0;
	dev = strtoumax(journal_stream, &end, 10);
	if (errno || end == journal_stream || *end != ':')
		return false;
	ino = strtoumax(end + 1, &end, 10);
	if (errno || *end != '\0')
		return false;
	return dev == (uintmax_t)st.st_dev && ino == (uintmax_t)st.st_ino;
}

/* The syslog priority of the message being written: rte_log's level less
 * one (RTE_LOG_EMERG is 1, LOG_EMERG 0); what does not come from rte_vlog
 * (a level of 0) is info. */
static int cur_priority(void)
{
	int level = rte_log_cur_msg_loglevel();

	if (level < (int)RTE_LOG_EMERG || level > (int)RTE_LOG_DEBUG)
		return 6;
	return level - 1;
}

static ssize_t journal_write(void *cookie, const char *buf, size_t size)
{
	int prio = cur_priority();
	size_t done = 0;

	(void)cookie;
	flockfile(stderr);
	while (done < size) {
		const char *nl = memchr(buf + done, '\n', size - done);
		size_t n = nl ? (size_t)(nl - (buf + done)) + 1 : size - done;

		if (at_line_start)
			fprintf(stderr, "<%d>", prio);
		fwrite(buf + done, 1, n, stderr);
		at_line_start = nl != NULL;
		done += n;
	}
	fflush(stderr);
	funlockfile(stderr);
	return (ssize_t)size;
}

int dpb_log_open(void)
{
	static const cookie_io_functions_t funcs = { .write = journal_write };

	if (journal)
		return 1;
	if (!dpb_log_fd_is_journal(getenv("JOURNAL_STREAM"), STDERR_FILENO))
		return 0;
	journal = fopencookie(NULL, "w", funcs);
	if (journal == NULL)
		return -errno;
	/* Unbuffered: each message reaches the cookie in its own write, from
	 * the thread that logged it, so its <N> is that message's level even
	 * when two threads log at once. */
	setvbuf(journal, NULL, _IONBF, 0);
	rte_openlog_stream(journal);
	return 1;
}

void dpb_log_close(void)
{
	if (journal == NULL)
		return;
	rte_openlog_stream(NULL);
	fclose(journal);
	journal = NULL;
	at_line_start = true;
}
