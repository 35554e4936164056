/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_PVE_QM_H
#define DPB_PVE_QM_H

#include <stdbool.h>

#include "dpb_pve.h"

/*
 * Runs `QM set VMID ...` for change @ch (and --hookscript @hookscript unless
 * NULL): one call, so Proxmox applies it whole, under its own lock. With
 * @dry_run, prints the command as a shell line instead.
 * @return 0, or -errno (QM could not run, or failed: it said why).
 */
int pve_qm_set(const char *qm, unsigned int vmid, const struct dpb_pve_change *ch,
	       const char *hookscript, bool dry_run);

#endif
