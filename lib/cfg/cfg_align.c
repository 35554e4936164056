/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A reload's new model, set beside what runs: the same names keep the same
 * indices, so that the control plane's objects and counters follow their
 * names.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_priv.h"

bool dpb_cfg_slot_unused(const struct dpb_cfg *cfg, int i)
{
	return i < 0 || (unsigned int)i >= cfg->n_ifaces || cfg->ifaces[i].name[0] == '\0' ||
	       (cfg->ifaces[i].vhost && cfg->ifaces[i].master < 0);
}

static int remap(const int *map, int i)
{
	return i < 0 ? i : map[i];
}

int dpb_cfg_align(struct dpb_cfg *next, const char (*running)[DPB_NAME_LEN], unsigned int n_running)
{
	int map[DPB_CFG_MAX_IFACES];
	bool taken[DPB_CFG_MAX_IFACES] = { false };
	unsigned int n = n_running;
	struct dpb_cfg_iface *slots;

	/* Names both have keep running's index; a new name takes the first slot
	 * nothing runs in: not one a running interface leaves in this very
	 * reload (it is still there until the new model is published). */
	for (unsigned int r = 0; r < n_running; r++)
		taken[r] = running[r][0] != '\0';
	for (unsigned int j = 0; j < next->n_ifaces; j++) {
		map[j] = -1;
		for (unsigned int r = 0; r < n_running && map[j] < 0; r++)
			if (running[r][0] && strcmp(running[r], next->ifaces[j].name) == 0)
				map[j] = (int)r;
		if (map[j] >= 0)
			taken[map[j]] = true;
	}
	for (unsigned int j = 0; j < next->n_ifaces; j++) {
		unsigned int k = 0;

		if (map[j] >= 0)
			continue;
		while (k < DPB_CFG_MAX_IFACES && taken[k])
			k++;
		if (k == DPB_CFG_MAX_IFACES)
			return -ENOSPC;
		map[j] = (int)k;
		taken[k] = true;
		if (k + 1 > n)
			n = k + 1;
	}
	slots = calloc(DPB_CFG_MAX_IFACES, sizeof(*slots));
	if (slots == NULL)
		return -ENOMEM;
	for (unsigned int k = 0; k < n; k++) {
		/* A slot no interface has: no name, nothing for anyone to do. */
		slots[k].kind = DPB_IFACE_KERNEL;
		slots[k].master = -1;
		slots[k].vlan_raw = -1;
	}
	for (unsigned int j = 0; j < next->n_ifaces; j++) {
		struct dpb_cfg_iface *f = &slots[map[j]];

		*f = next->ifaces[j];
		f->master = remap(map, f->master);
		f->vlan_raw = remap(map, f->vlan_raw);
		if (f->kind == DPB_IFACE_BOND) {
			for (unsigned int k = 0; k < f->bond.n_members; k++)
				f->bond.members[k] = remap(map, f->bond.members[k]);
			f->bond.primary = remap(map, f->bond.primary);
		} else if (f->kind == DPB_IFACE_BRIDGE) {
			for (unsigned int k = 0; k < f->bridge.n_ports; k++)
				f->bridge.ports[k] = remap(map, f->bridge.ports[k]);
		}
	}
	for (unsigned int h = 0; h < next->n_hooks; h++)
		next->hooks[h].iface = remap(map, next->hooks[h].iface);
	for (unsigned int e = 0; e < next->n_env; e++)
		next->env[e].iface = remap(map, next->env[e].iface);
	memcpy(next->ifaces, slots, sizeof(next->ifaces));
	next->n_ifaces = n;
	free(slots);
	return 0;
}
