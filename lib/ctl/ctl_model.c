/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The runtime model's interfaces (struct ctl_iface): what each slot runs,
 * taken from the file's model when dpbond starts or reloads, or made by the
 * console for a VM port; and the questions every part of the control plane
 * asks of it (where a port sits in its bridge, which VLANs it carries).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl_priv.h"

void ctl_iface_from_file(struct dpb_ctl *c, int i)
{
	const struct dpb_cfg_iface *f = &c->file.ifaces[i];
	struct ctl_iface *x = &c->ifs[i];

	memcpy(x->name, f->name, sizeof(x->name));
	x->kind = f->kind;
	x->master = f->master;
	x->vhost = f->vhost;
	x->vhost_client = f->vhost_client;
	x->added = false;
	x->host_port = f->host_port;
	x->mtu = f->eff_mtu;
	x->vlan_raw = f->vlan_raw;
	x->vlan_id = f->vlan_id;
	x->vlan = f->vlan;
}

void ctl_model_init(struct dpb_ctl *c)
{
	c->n_ifs = c->file.n_ifaces;
	for (unsigned int i = 0; i < DPB_CFG_MAX_IFACES; i++) {
		c->ifs[i].port = c->ifs[i].bond = c->ifs[i].bridge = -1;
		if (i < c->n_ifs)
			ctl_iface_from_file(c, (int)i);
	}
}

/* Nothing runs in slot @x: no name, or a VM port taken out of its bridge. */
static bool slot_free(const struct ctl_iface *x)
{
	return x->name[0] == '\0' || (x->vhost && x->master < 0 && x->port < 0);
}

int ctl_iface_new(struct dpb_ctl *c, const char *name)
{
	int i = ctl_find_name(c, name);

	/* The slot a removed VM port of that name left (its counters come back
	 * with it), one nobody has (a reload or a removal left it), else a new one. */
	if (i >= 0 && !slot_free(&c->ifs[i]))
		return -EEXIST;
	for (unsigned int k = 0; k < c->n_ifs && i < 0; k++)
		if (slot_free(&c->ifs[k]))
			i = (int)k;
	if (i < 0) {
		if (c->n_ifs == DPB_CFG_MAX_IFACES)
			return -ENOSPC;
		i = (int)c->n_ifs++;
	}
	memset(&c->ifs[i], 0, sizeof(c->ifs[i]));
	snprintf(c->ifs[i].name, sizeof(c->ifs[i].name), "%s", name);
	c->ifs[i].kind = DPB_IFACE_PORT;
	c->ifs[i].master = c->ifs[i].vlan_raw = -1;
	c->ifs[i].port = c->ifs[i].bond = c->ifs[i].bridge = -1;
	return i;
}

int ctl_find_name(const struct dpb_ctl *c, const char *name)
{
	for (unsigned int i = 0; i < c->n_ifs; i++)
		if (c->ifs[i].name[0] && strcmp(c->ifs[i].name, name) == 0)
			return (int)i;
	return -1;
}

int ctl_bridge_position(const struct dpb_ctl *c, int i, int *bridge)
{
	const struct ctl_iface *x = &c->ifs[i];
	const struct ctl_bridge *br;

	if (x->bridge >= 0) {   /* the bridge's own host port, after its ports */
		*bridge = x->bridge;
		return (int)c->bridges[x->bridge].n_ports;
	}
	if (x->master < 0 || c->ifs[x->master].bridge < 0)
		return -1;
	*bridge = c->ifs[x->master].bridge;
	br = &c->bridges[*bridge];
	for (unsigned int k = 0; k < br->n_ports; k++)
		if (br->ports[k] == i)
			return (int)k;
	return -1;
}

void ctl_port_vlans(const struct dpb_ctl *c, int i, uint16_t *pvid, uint64_t vids[64])
{
	const struct ctl_iface *x = &c->ifs[i];
	bool own = x->kind != DPB_IFACE_BRIDGE;

	dpb_vlan_apply(own ? &x->vlan : NULL, own ? &c->ifs[x->master].vlan : &x->vlan, pvid, vids);
}

void ctl_vlan_list(const struct dpb_ctl *c, int i, char *buf, size_t len)
{
	uint64_t vids[64];
	uint16_t pvid;

	ctl_port_vlans(c, i, &pvid, vids);
	dpb_vlan_format(pvid, vids, buf, len);
}
