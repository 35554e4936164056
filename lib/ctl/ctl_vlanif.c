/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VLAN interfaces of bonds and NICs in the workers' snapshot: for each
 * device with some, a table of its VLANs (each to a host port, or into the
 * bridge the interface is a port of); the host ports' way out, tagged, to
 * their device; and the bridge ports that are VLANs of a device.
 */
#include "ctl_priv.h"

/* The bond or NIC @lower as a way out. @return false when it has no device. */
static bool lower_brport(const struct dpb_ctl *c, int lower, struct dpb_fwd_brport *bp)
{
	if (c->ifs[lower].bond >= 0) {
		bp->kind = DPB_BRPORT_BOND;
		bp->bond = (uint16_t)c->ifs[lower].bond;
		return true;
	}
	if (c->ifs[lower].port < 0)
		return false;
	bp->kind = DPB_BRPORT_PORT;
	bp->port_id = c->ports[c->ifs[lower].port].port_id;
	return true;
}

bool ctl_vlanif_brport(const struct dpb_ctl *c, int f, struct dpb_fwd_brport *bp)
{
	const struct ctl_iface *v = &c->ifs[f];

	/* A VLAN of a bridge is that bridge's host port, not a device's VLAN. */
	if (v->kind != DPB_IFACE_VLAN || c->ifs[v->vlan_raw].kind == DPB_IFACE_BRIDGE)
		return false;
	lower_brport(c, v->vlan_raw, bp);
	bp->push_vid = (uint16_t)v->vlan_id;
	return true;
}

/* Where VLAN interface @i (a host port or a bridge port) takes its frames. @return false if nowhere. */
static bool vlanif_entry(const struct dpb_ctl *c, int i, struct dpb_fwd_vlanif *e)
{
	const struct ctl_iface *v = &c->ifs[i];
	int bridge, k;

	e->vid = (uint16_t)v->vlan_id;
	e->iface = (uint16_t)i;
	if (v->host_port && v->master < 0) {
		if (c->ifs[i].port < 0)
			return false;
		e->to_host = true;
		e->port_id = c->ports[c->ifs[i].port].port_id;
		return true;
	}
	k = ctl_bridge_position(c, i, &bridge);
	if (k < 0)
		return false;
	e->bridge = (uint16_t)bridge;
	e->br_port = (uint16_t)k;
	return true;
}

void ctl_vlanif_snapshot(const struct dpb_ctl *c, struct dpb_fwd_snapshot *s)
{
	uint16_t demux_of[DPB_CFG_MAX_IFACES] = { 0 };
	unsigned int n_demux = 0;

	for (unsigned int i = 0; i < c->n_ifs; i++) {
		const struct ctl_iface *v = &c->ifs[i];
		struct dpb_fwd_vlanif e = { 0 };
		struct dpb_fwd_demux *d;
		int lower = v->vlan_raw;

		if (v->kind != DPB_IFACE_VLAN || c->ifs[lower].kind == DPB_IFACE_BRIDGE ||
		    !vlanif_entry(c, (int)i, &e))
			continue;
		if (demux_of[lower] == 0) {
			if (n_demux == DPB_FWD_MAX_DEMUX)
				continue;
			demux_of[lower] = (uint16_t)++n_demux;
		}
		d = &s->demux[demux_of[lower] - 1];
		if (d->n < DPB_FWD_DEMUX_VLANS)
			d->vlan[d->n++] = e;
		/* Its host port sends to the device, tagged. */
		if (e.to_host) {
			struct dpb_fwd_in *in = &s->in[e.port_id];

			in->to_uplink = lower_brport(c, lower, &in->uplink);
			in->uplink.push_vid = e.vid;
			in->uplink.iface = (uint16_t)i;
			in->in_bridge = false;
		}
	}
	/* The host's VLANs of plain bridges: what their host ports send enters tagged. */
	for (unsigned int i = 0; i < c->n_ifs; i++) {
		const struct ctl_iface *v = &c->ifs[i];

		if (v->kind == DPB_IFACE_VLAN && v->host_port && v->master >= 0 &&
		    c->ifs[v->master].bridge >= 0 && !c->bridges[c->ifs[v->master].bridge].vlan_aware && c->ifs[i].port >= 0)
			s->in[c->ports[c->ifs[i].port].port_id].tag_in = (uint16_t)v->vlan_id;
	}
	/* Each port of such a device (a bond's members) looks at its table. */
	for (unsigned int i = 0; i < c->n_ifs; i++) {
		const struct ctl_iface *f = &c->ifs[i];
		int dev = f->master >= 0 && c->ifs[f->master].bond >= 0 ? f->master : (int)i;

		if (c->ifs[i].port < 0 || demux_of[dev] == 0)
			continue;
		s->in[c->ports[c->ifs[i].port].port_id].demux = demux_of[dev];
	}
}
