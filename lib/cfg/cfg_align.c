/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A reload's new model, set beside the running one: the same names keep the
 * same indices (so that the control plane's objects and counters follow their
 * names), and the VM ports the console added come along.
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

/* Running VM port @f joins bridge @br of @next, after its ports. @return whether it could. */
static bool keep_one(struct dpb_cfg *next, int br, const struct dpb_cfg_iface *f)
{
	struct dpb_cfg_iface *nf;
	int j;

	if (br < 0 || next->ifaces[br].kind != DPB_IFACE_BRIDGE || dpb_cfg_find(next, f->name) >= 0 ||
	    next->ifaces[br].bridge.n_ports == DPB_CFG_MAX_BR_PORTS ||
	    next->n_ifaces == DPB_CFG_MAX_IFACES ||
	    ((f->vlan.has_pvid || f->vlan.has_vids) && !next->ifaces[br].bridge.vlan_aware))
		return false;
	j = (int)next->n_ifaces++;
	nf = &next->ifaces[j];
	*nf = *f;
	nf->master = br;
	nf->eff_mtu = next->ifaces[br].eff_mtu;
	nf->devargs[0] = '\0';
	next->ifaces[br].bridge.ports[next->ifaces[br].bridge.n_ports++] = j;
	return true;
}

int dpb_cfg_keep_added(struct dpb_cfg *next, const struct dpb_cfg *running)
{
	unsigned int kept = 0;

	/* Bridge by bridge, in their ports' order: the order they were added in. */
	for (unsigned int b = 0; b < running->n_ifaces; b++) {
		const struct dpb_cfg_iface *bf = &running->ifaces[b];

		if (bf->kind != DPB_IFACE_BRIDGE || bf->name[0] == '\0')
			continue;
		for (unsigned int k = 0; k < bf->bridge.n_ports; k++) {
			const struct dpb_cfg_iface *f = &running->ifaces[bf->bridge.ports[k]];

			if (f->added && keep_one(next, dpb_cfg_find(next, bf->name), f))
				kept++;
		}
	}
	return (int)kept;
}

static int remap(const int *map, int i)
{
	return i < 0 ? i : map[i];
}

int dpb_cfg_align(struct dpb_cfg *next, const struct dpb_cfg *running)
{
	int map[DPB_CFG_MAX_IFACES];
	bool taken[DPB_CFG_MAX_IFACES] = { false };
	unsigned int n = running->n_ifaces;
	struct dpb_cfg_iface *slots;

	/* Names both have keep running's index; a new name takes the first slot
	 * none of those holds (one a removed interface leaves, or a new one). */
	for (unsigned int j = 0; j < next->n_ifaces; j++) {
		int r = dpb_cfg_find(running, next->ifaces[j].name);

		map[j] = r;
		if (r >= 0)
			taken[r] = true;
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
