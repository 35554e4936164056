/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MTUs as Linux sets them: a bond's goes to its members (a member's own is
 * warned and overridden, as ifupdown2 says it need not be set); a bridge
 * whose MTU nobody set takes the least of its ports' (its host ports, which
 * Linux has above the bridge, do not count); a VLAN takes its lower
 * device's, and may not exceed it; a VM port its bridge's (as Proxmox sets
 * a guest tap's); anything else without `mtu` runs 1500.
 */
#include "cfg_priv.h"

#define DEFAULT_MTU 1500

static unsigned int own_or_default(const struct dpb_cfg_iface *f)
{
	return f->mtu ? f->mtu : DEFAULT_MTU;
}

void cfg_resolve_mtus(struct cfg_parser *p)
{
	struct dpb_cfg *cfg = p->cfg;

	/* Ports and bonds first: a member runs its bond's MTU. */
	for (unsigned int i = 0; i < cfg->n_ifaces; i++) {
		struct dpb_cfg_iface *f = &cfg->ifaces[i];

		f->eff_mtu = own_or_default(f);
	}
	for (unsigned int i = 0; i < cfg->n_ifaces; i++) {
		const struct dpb_cfg_iface *b = &cfg->ifaces[i];

		if (b->kind != DPB_IFACE_BOND)
			continue;
		for (unsigned int k = 0; k < b->bond.n_members; k++) {
			struct dpb_cfg_iface *m = &cfg->ifaces[b->bond.members[k]];

			if (m->mtu && m->mtu != b->eff_mtu)
				cfg_diag(cfg, DPB_DIAG_WARNING, &p->raw[b->bond.members[k]].mtu_loc,
					 "%s: a bond member runs its bond's MTU (%s: %u); mtu %u ignored",
					 m->name, b->name, b->eff_mtu, m->mtu);
			m->eff_mtu = b->eff_mtu;
		}
	}
	/* Bridges: as set, else the least of their ports'. */
	for (unsigned int i = 0; i < cfg->n_ifaces; i++) {
		struct dpb_cfg_iface *br = &cfg->ifaces[i];
		unsigned int least = 0;

		if (br->kind != DPB_IFACE_BRIDGE || br->mtu)
			continue;
		for (unsigned int k = 0; k < br->bridge.n_ports; k++) {
			const struct dpb_cfg_iface *f = &cfg->ifaces[br->bridge.ports[k]];

			if (!f->host_port && !f->vhost && (least == 0 || f->eff_mtu < least))
				least = f->eff_mtu;
		}
		br->eff_mtu = least ? least : DEFAULT_MTU;
	}
	/* VM ports run their bridge's MTU, as Proxmox gives a guest's tap its bridge's. */
	for (unsigned int i = 0; i < cfg->n_ifaces; i++) {
		struct dpb_cfg_iface *f = &cfg->ifaces[i];

		if (f->vhost && f->master >= 0)
			f->eff_mtu = cfg->ifaces[f->master].eff_mtu;
	}
	/* VLANs: their lower device's, never more. */
	for (unsigned int i = 0; i < cfg->n_ifaces; i++) {
		struct dpb_cfg_iface *f = &cfg->ifaces[i];
		unsigned int lower;

		if (f->kind != DPB_IFACE_VLAN || f->vlan_raw < 0)
			continue;
		lower = cfg->ifaces[f->vlan_raw].eff_mtu;
		if (f->mtu > lower)
			cfg_diag(cfg, DPB_DIAG_ERROR, &p->raw[i].mtu_loc,
				 "%s: mtu %u is more than %s's %u: a VLAN's cannot exceed its lower device's",
				 f->name, f->mtu, cfg->ifaces[f->vlan_raw].name, lower);
		f->eff_mtu = f->mtu ? f->mtu : lower;
	}
}
