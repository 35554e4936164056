/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VM ports added at run time (dpbond-pve's, at a VM's pre-start) are in
 * no file: RUN_DIR/vm-ports keeps them, a line "BRIDGE SPEC" each, rewritten
 * whenever they change. A dpbond that starts (after a handover, a crash or a
 * stop while the VMs ran on) adds them again, so that the VMs find their
 * ports where they were (the unit keeps the run directory over a stop too:
 * VMs that ran on while dpbond was stopped get their ports back).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctl_priv.h"

#define KEEP_FILE "vm-ports"

static void keep_path(const struct dpb_ctl *c, const char *suffix, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s%s", c->run_dir, KEEP_FILE, suffix);
}

void ctl_vm_save(const struct dpb_ctl *c)
{
	char path[DPB_CFG_PATH_LEN + 32], tmp[DPB_CFG_PATH_LEN + 32];
	unsigned int n = 0;
	FILE *f;
	int rc = 0;

	if (c->restoring)
		return;   /* the file is being read: it is rewritten after */
	keep_path(c, "", path, sizeof(path));
	keep_path(c, ".new", tmp, sizeof(tmp));
	for (unsigned int i = 0; i < c->n_ifs; i++)
		n += c->ifs[i].added && c->ifs[i].master >= 0 && c->ifs[i].vm_spec[0];
	if (n == 0) {   /* none: no file */
		if (unlink(path) < 0 && errno != ENOENT)
			DPB_LOG(WARNING, VM, "cannot remove %s: %s", path, strerror(errno));
		return;
	}
	f = fopen(tmp, "we");
	if (f == NULL) {
		DPB_LOG(WARNING, VM, "cannot write %s: %s; VM ports added at run time are not kept over a restart",
			tmp, strerror(errno));
		return;
	}
	for (unsigned int i = 0; i < c->n_ifs; i++) {
		const struct ctl_iface *x = &c->ifs[i];

		if (x->added && x->master >= 0 && x->vm_spec[0])
			rc |= fprintf(f, "%s %s\n", c->ifs[x->master].name, x->vm_spec) < 0;
	}
	rc |= fclose(f) != 0;
	if (rc || rename(tmp, path) < 0) {
		DPB_LOG(WARNING, VM, "cannot write %s; VM ports added at run time are not kept over a restart",
			path);
		unlink(tmp);
	}
}

void ctl_vm_restore(struct dpb_ctl *c)
{
	char path[DPB_CFG_PATH_LEN + 32], line[DPB_VM_SPEC_LEN + DPB_NAME_LEN + 8];
	unsigned int n = 0, lineno = 0;
	FILE *f;

	keep_path(c, "", path, sizeof(path));
	f = fopen(path, "re");
	if (f == NULL)
		return;
	c->restoring = true;
	while (fgets(line, sizeof(line), f)) {
		char bridge[DPB_NAME_LEN + 1], spec[DPB_VM_SPEC_LEN + 1];
		struct dpb_strbuf out;

		lineno++;
		if (sscanf(line, "%16s %256s", bridge, spec) != 2) {
			DPB_LOG(WARNING, VM, "%s:%u: not BRIDGE SPEC; skipped", path, lineno);
			continue;
		}
		dpb_strbuf_init(&out);
		if (dpb_ctl_add_vhost_port(c, bridge, spec, &out) == 0)
			n++;
		else
			DPB_LOG(WARNING, VM, "%s:%u: VM port not added again: %s", path, lineno,
				dpb_strbuf_str(&out));
		dpb_strbuf_free(&out);
	}
	fclose(f);
	c->restoring = false;
	if (n)
		DPB_LOG(NOTICE, VM, "%u VM ports added at run time before this start are back (%s)", n, path);
	ctl_vm_save(c);
}
