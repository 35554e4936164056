/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VLAN interfaces, as ifupdown and ifupdown2 name them: NAME.VID (vmbr0.5,
 * bond0.5, eno1.60), or any name with vlan-raw-device (and vlan-id, or a
 * name vlanVID). And devices that only the kernel drives (VXLAN, VRF, Open
 * vSwitch, dummy): dpbond leaves them alone, and refuses a bond or bridge
 * that mixes them with its own ports.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cfg_priv.h"

/* NAME.VID: @raw gets NAME, @vid VID. @return true when @name has that form. */
static bool dotted_vlan(const char *name, char *raw, unsigned int *vid)
{
	const char *dot = strrchr(name, '.');

	if (dot == NULL || dot == name || cfg_parse_uint(dot + 1, 1, 4094, vid) < 0)
		return false;
	snprintf(raw, DPB_NAME_LEN, "%.*s", (int)(dot - name), name);
	return true;
}

/* vlanVID: @return the VID, or 0. */
static unsigned int vlan_named(const char *name)
{
	unsigned int vid;

	return strncmp(name, "vlan", 4) == 0 && cfg_parse_uint(name + 4, 1, 4094, &vid) == 0 ?
	       vid : 0;
}

/* Makes iface @i a VLAN if its name or options say so. */
static void classify(struct cfg_parser *p, int i)
{
	struct dpb_cfg *cfg = p->cfg;
	struct dpb_cfg_iface *f = &cfg->ifaces[i];
	const struct cfg_raw *r = &p->raw[i];
	const struct dpb_cfg_loc *loc = r->vlan_raw[0] ? &r->vlan_loc : &f->loc;
	char raw[DPB_NAME_LEN] = "", named_lower[DPB_NAME_LEN];
	unsigned int vid = 0, lower_vid;
	int lower;

	if (r->vlan_raw[0]) {
		snprintf(raw, sizeof(raw), "%s", r->vlan_raw);
		vid = r->has_vlan_id ? r->vlan_id : vlan_named(f->name);
		if (vid == 0) {
			char named[DPB_NAME_LEN];

			if (!dotted_vlan(f->name, named, &vid)) {
				cfg_diag(cfg, DPB_DIAG_ERROR, loc,
					 "%s: vlan-raw-device without vlan-id (and not named vlanVID or NAME.VID)",
					 f->name);
				return;
			}
		}
	} else if (!dotted_vlan(f->name, raw, &vid)) {
		if (r->has_vlan_id)
			cfg_diag(cfg, DPB_DIAG_ERROR, loc, "%s: vlan-id without vlan-raw-device",
				 f->name);
		return;
	} else if (r->has_vlan_id && r->vlan_id != vid) {
		cfg_diag(cfg, DPB_DIAG_WARNING, loc, "%s: vlan-id %u stands over the %u of its name",
			 f->name, r->vlan_id, vid);
		vid = r->vlan_id;
	}
	if (f->kind != DPB_IFACE_PORT) {
		cfg_diag(cfg, DPB_DIAG_ERROR, loc, "%s is named like a VLAN (or has vlan-raw-device) but has %s options",
			 f->name, f->kind == DPB_IFACE_BOND ? "bond" : f->kind == DPB_IFACE_BRIDGE ?
			 "bridge" : "other");
		return;
	}
	if (dotted_vlan(raw, named_lower, &lower_vid)) {
		cfg_diag(cfg, DPB_DIAG_ERROR, loc,
			 "%s: VLANs of VLANs (802.1ad QinQ) are not implemented", f->name);
		return;
	}
	lower = cfg_iface_get(cfg, raw, loc);
	if (lower < 0)
		return;
	f = &cfg->ifaces[i];   /* the table may not move, but stay safe */
	f->kind = DPB_IFACE_VLAN;
	f->vlan_raw = lower;
	f->vlan_id = vid;
}

void cfg_classify_vlans(struct cfg_parser *p)
{
	for (unsigned int i = 0; i < p->cfg->n_ifaces; i++)
		classify(p, (int)i);
}

int cfg_vlan_lookup(struct cfg_parser *p, const char *name, const struct dpb_cfg_loc *loc)
{
	char raw[DPB_NAME_LEN];
	unsigned int vid;
	int i = dpb_cfg_find(p->cfg, name);

	if (i >= 0 || !dotted_vlan(name, raw, &vid))
		return i;
	/* ifupdown2 needs no stanza for NAME.VID: the name says it all. */
	i = cfg_iface_get(p->cfg, name, loc);
	if (i >= 0)
		classify(p, i);
	return i;
}

/* Whether iface @i has something for a host port to carry. */
bool cfg_wants_host_port(const struct dpb_cfg_iface *f)
{
	return f->n_addrs > 0 || f->inet == DPB_METHOD_DHCP || f->inet6 == DPB_METHOD_DHCP ||
	       f->inet6 == DPB_METHOD_AUTO;
}

/*
 * What each VLAN interface becomes, once bonds and bridges are known: with
 * an address, a host port (a TAP) on a VLAN-aware bridge (an access port of
 * its VLAN), on a plain bridge (its frames tagged inside the bridge, as a
 * Linux VLAN device on the bridge device) or on a bond or bridged NIC (taking that VLAN's frames before
 * the bridge sees them, as Linux's VLAN devices do); as a port of a plain
 * bridge, that VLAN of its bond or NIC, untagged inside the bridge.
 */
void cfg_resolve_vlan_ifaces(struct cfg_parser *p)
{
	struct dpb_cfg *cfg = p->cfg;

	for (unsigned int i = 0; i < cfg->n_ifaces; i++) {
		struct dpb_cfg_iface *f = &cfg->ifaces[i];
		const struct dpb_cfg_iface *lower;
		struct dpb_cfg_iface *br;

		if (f->kind != DPB_IFACE_VLAN)
			continue;
		lower = &cfg->ifaces[f->vlan_raw];
		if (lower->kind == DPB_IFACE_KERNEL || (lower->kind == DPB_IFACE_PORT &&
							 lower->master < 0)) {
			if (f->master >= 0) {
				cfg_diag(cfg, DPB_DIAG_ERROR, &cfg->ifaces[f->master].bridge.ports_loc,
					 "%s: port %s is VLAN %u of %s, which is in no bond or bridge of dpbond's: not implemented yet",
					 cfg->ifaces[f->master].name, f->name, f->vlan_id, lower->name);
				continue;
			}
			cfg_diag(cfg, DPB_DIAG_WARNING, &f->loc,
				 "%s is a VLAN of %s, which is not dpbond's: left to the kernel",
				 f->name, lower->name);
			f->kind = DPB_IFACE_KERNEL;
			snprintf(f->kernel_kind, sizeof(f->kernel_kind), "VLAN");
			continue;
		}
		if (lower->kind == DPB_IFACE_PORT && lower->master >= 0 &&
		    cfg->ifaces[lower->master].kind == DPB_IFACE_BOND) {
			cfg_diag(cfg, DPB_DIAG_ERROR, &f->loc,
				 "%s: VLAN %u of %s, a member of %s: put the VLAN on the bond (%s.%u)",
				 f->name, f->vlan_id, lower->name, cfg->ifaces[lower->master].name,
				 cfg->ifaces[lower->master].name, f->vlan_id);
			continue;
		}
		if (f->master >= 0) {
			/* A bridge port (Proxmox's vmbr0v5 over bond0.5): VLAN f->vlan_id
			 * of its device, untagged inside the bridge. */
			if (lower->kind == DPB_IFACE_BRIDGE || cfg->ifaces[f->master].bridge.vlan_aware) {
				cfg_diag(cfg, DPB_DIAG_ERROR, &cfg->ifaces[f->master].bridge.ports_loc,
					 "%s: port %s (VLAN %u of %s): a VLAN interface is a port only of a plain bridge, over a bond or NIC (on a VLAN-aware bridge, use bridge-vids)",
					 cfg->ifaces[f->master].name, f->name, f->vlan_id, lower->name);
			} else if (cfg_wants_host_port(f)) {
				cfg_diag(cfg, DPB_DIAG_ERROR, f->n_addrs ? &f->addrs[0].loc : &f->loc,
					 "%s is a port of %s: its addresses belong on %s", f->name,
					 cfg->ifaces[f->master].name, cfg->ifaces[f->master].name);
			}
			continue;
		}
		if (!cfg_wants_host_port(f))
			continue;   /* the VLAN alone: the bridge carries it anyway */
		if (lower->kind != DPB_IFACE_BRIDGE) {
			/* bond0.60, eno1.60: a host port of its own, VLAN 60 of the device. */
			f->host_port = true;
			continue;
		}
		br = &cfg->ifaces[f->vlan_raw];
		if (br->bridge.n_ports == DPB_CFG_MAX_BR_PORTS) {
			cfg_diag(cfg, DPB_DIAG_ERROR, &f->loc, "%s: more than %d ports", br->name,
				 DPB_CFG_MAX_BR_PORTS);
			continue;
		}
		f->master = f->vlan_raw;
		f->host_port = true;
		br->bridge.ports[br->bridge.n_ports++] = (int)i;
		if (!br->bridge.vlan_aware)
			continue;   /* a plain bridge: its frames are tagged inside it */
		f->vlan.has_pvid = true;
		f->vlan.has_vids = true;
		f->vlan.pvid = (uint16_t)f->vlan_id;
		memset(f->vlan.vids, 0, sizeof(f->vlan.vids));
		f->vlan.vids[f->vlan_id / 64] |= 1ull << (f->vlan_id % 64);
		f->vlan.loc = f->loc;
	}
}

bool dpb_cfg_has_vlans(const struct dpb_cfg *cfg, int i)
{
	for (unsigned int k = 0; k < cfg->n_ifaces; k++) {
		const struct dpb_cfg_iface *f = &cfg->ifaces[k];

		if (f->kind == DPB_IFACE_VLAN && f->vlan_raw == i &&
		    (f->master >= 0 || f->host_port))
			return true;
	}
	return false;
}

/*
 * The datapath keeps a table per bond or NIC with VLAN interfaces: a file
 * that needs more than it holds is refused, naming the interface that does
 * not fit.
 */
void cfg_check_vlan_limits(struct cfg_parser *p)
{
	struct dpb_cfg *cfg = p->cfg;
	unsigned int n_devices = 0, per_device[DPB_CFG_MAX_IFACES] = { 0 };

	for (unsigned int i = 0; i < cfg->n_ifaces; i++) {
		const struct dpb_cfg_iface *v = &cfg->ifaces[i];
		int lower = v->vlan_raw;

		if (v->kind != DPB_IFACE_VLAN || lower < 0 ||
		    cfg->ifaces[lower].kind == DPB_IFACE_BRIDGE || (v->master < 0 && !v->host_port))
			continue;
		if (per_device[lower]++ == 0 && ++n_devices > DPB_CFG_MAX_VLAN_DEVICES)
			cfg_diag(cfg, DPB_DIAG_ERROR, &v->loc,
				 "%s: more than %d bonds and NICs with VLAN interfaces", v->name,
				 DPB_CFG_MAX_VLAN_DEVICES);
		else if (per_device[lower] > DPB_CFG_MAX_DEVICE_VLANS)
			cfg_diag(cfg, DPB_DIAG_ERROR, &v->loc, "%s: more than %d VLAN interfaces on %s",
				 v->name, DPB_CFG_MAX_DEVICE_VLANS, cfg->ifaces[lower].name);
	}
}
