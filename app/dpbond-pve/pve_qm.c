/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpbond-pve move / back: the one `qm set` that takes a VM's nets on
 * dpbond's bridges out of Proxmox's way or puts them back (lib/pve's
 * pve_move.c says what changes), run, or printed as a shell line.
 */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "pve_qm.h"

extern char **environ;

#define QM_MAX_ARGS (8 + 2 * DPB_PVE_MAX_NETS)

/* @s for a POSIX shell, in single quotes (a quote as '\''). */
static void shell_word(FILE *out, const char *s)
{
	if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.,:/=") == strlen(s)) {
		fputs(s, out);
		return;
	}
	fputc('\'', out);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", out);
		else
			fputc(*s, out);
	}
	fputc('\'', out);
}

int pve_qm_set(const char *qm, unsigned int vmid, const struct dpb_pve_change *ch,
	       const char *hookscript, bool dry_run)
{
	char id[16], keys[DPB_PVE_MAX_NETS][16];
	const char *argv[QM_MAX_ARGS + 1];
	unsigned int n = 0;
	pid_t pid;
	int status, rc;

	snprintf(id, sizeof(id), "%u", vmid);
	argv[n++] = qm;
	argv[n++] = "set";
	argv[n++] = id;
	if (ch->del[0]) {
		argv[n++] = "--delete";
		argv[n++] = ch->del;
	}
	for (unsigned int k = 0; k < ch->n_set; k++) {
		snprintf(keys[k], sizeof(keys[k]), "--net%u", ch->set[k].index);
		argv[n++] = keys[k];
		argv[n++] = ch->set[k].value;
	}
	if (ch->description.len) {
		argv[n++] = "--description";
		argv[n++] = dpb_strbuf_str(&ch->description);
	}
	if (ch->args.len) {
		argv[n++] = "--args";
		argv[n++] = dpb_strbuf_str(&ch->args);
	}
	if (hookscript) {
		argv[n++] = "--hookscript";
		argv[n++] = hookscript;
	}
	argv[n] = NULL;
	if (dry_run) {
		for (unsigned int k = 0; k < n; k++) {
			if (k)
				putchar(' ');
			shell_word(stdout, argv[k]);
		}
		putchar('\n');
		return 0;
	}
	rc = posix_spawnp(&pid, qm, NULL, NULL, (char *const *)argv, environ);
	if (rc != 0) {
		fprintf(stderr, "dpbond-pve: cannot run %s: %s\n", qm, strerror(rc));
		return -rc;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "dpbond-pve: %s set %u failed; the VM's configuration is as %s left it\n",
			qm, vmid, qm);
		return -EIO;
	}
	return 0;
}
