/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The hugepage files a primary process leaves: DPDK 22.11's rte_eal_cleanup()
 * unmaps its memory but leaves the files of what was still allocated (EAL's
 * own), and --huge-unlink, which would remove them at once, would also shut
 * out secondary processes such as dpdk-dumpcap. So dpbond notes the files
 * behind its memory segments just before EAL stops and removes them after.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_memory.h>

#include "hugefiles.h"

struct huge_files {
	unsigned int n, cap;
	char **path;
};

static int note(const struct rte_memseg_list *msl, const struct rte_memseg *ms, void *arg)
{
	struct huge_files *h = arg;
	char link[64], path[PATH_MAX];
	int fd = rte_memseg_get_fd_thread_unsafe(ms);
	ssize_t n;

	(void)msl;
	if (fd < 0)
		return 0;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0)
		return 0;
	path[n] = '\0';
	for (unsigned int i = 0; i < h->n; i++)
		if (strcmp(h->path[i], path) == 0)
			return 0;
	if (h->n == h->cap) {
		unsigned int cap = h->cap ? 2 * h->cap : 64;
		char **p = realloc(h->path, cap * sizeof(*p));

		if (p == NULL)
			return -1;
		h->path = p;
		h->cap = cap;
	}
	h->path[h->n] = strdup(path);
	if (h->path[h->n] != NULL)
		h->n++;
	return 0;
}

void dpb_eal_stop(void)
{
	struct huge_files h = { 0 };

	if (rte_eal_process_type() == RTE_PROC_PRIMARY)
		rte_memseg_walk(note, &h);
	rte_eal_cleanup();
	for (unsigned int i = 0; i < h.n; i++) {
		unlink(h.path[i]);
		free(h.path[i]);
	}
	free(h.path);
}
