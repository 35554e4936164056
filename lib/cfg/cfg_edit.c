/* SPDX-License-Identifier: BSD-3-Clause */
/* Changes to a loaded model: VM ports that come and go at run time. */
#include <errno.h>
#include <string.h>

#include "cfg_priv.h"

/* The options after a VM port's colon: tag=VLAN or trunks=LIST (a list may
 * use ',' as well as ';'), then ",client"; or "client" alone. */
static int vhost_options(const char *opts, bool vlan_aware, struct dpb_cfg_iface *f, bool *client)
{
	char buf[CFG_RAW_LEN];
	size_t n = strlen(opts);

	if (n >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, opts);
	if (strcmp(buf, "client") == 0) {
		*client = true;
		return 0;
	}
	if (n > 7 && strcmp(buf + n - 7, ",client") == 0) {
		*client = true;
		buf[n - 7] = '\0';
	}
	return vlan_aware ? cfg_vhost_vlan_spec(f, buf) : -EINVAL;
}

int dpb_cfg_vhost_spec(const char *spec, bool vlan_aware, char name[DPB_NAME_LEN],
		       struct dpb_cfg_vlan *vlan, bool *client)
{
	struct dpb_cfg_iface f = { .master = -1 };
	const char *colon = strchr(spec, ':');
	size_t len = colon ? (size_t)(colon - spec) : strlen(spec);

	*client = false;
	if (len > DPB_NAME_LEN - 1 || (colon && vhost_options(colon + 1, vlan_aware, &f, client) < 0))
		return -EINVAL;
	memcpy(name, spec, len);
	name[len] = '\0';
	if (!dpb_cfg_valid_name(name))
		return -EINVAL;
	*vlan = f.vlan;
	return 0;
}

int dpb_cfg_add_vhost_port(struct dpb_cfg *cfg, int bridge, const char *spec)
{
	struct dpb_cfg_bridge *br;
	struct dpb_cfg_loc loc = { .line = 0 };
	unsigned int diags = cfg->n_diags, errors = cfg->n_errors;
	struct dpb_cfg_vlan vlan;
	char name[DPB_NAME_LEN];
	bool client;
	int i;

	if (bridge < 0 || (unsigned int)bridge >= cfg->n_ifaces ||
	    cfg->ifaces[bridge].kind != DPB_IFACE_BRIDGE)
		return -EINVAL;
	br = &cfg->ifaces[bridge].bridge;
	if (dpb_cfg_vhost_spec(spec, br->vlan_aware, name, &vlan, &client) < 0)
		return -EINVAL;
	i = dpb_cfg_find(cfg, name);
	if (i >= 0 && !(cfg->ifaces[i].vhost && cfg->ifaces[i].master < 0))
		return -EEXIST;
	if (br->n_ports == DPB_CFG_MAX_BR_PORTS)
		return -ENOSPC;
	if (i < 0) {
		i = cfg_iface_get(cfg, name, &loc);
		/* A refused name leaves no diagnostic behind: the caller reports it. */
		cfg->n_diags = diags;
		cfg->n_errors = errors;
		if (i < 0)
			return cfg->n_ifaces == DPB_CFG_MAX_IFACES ? -ENOSPC : -EINVAL;
	}
	cfg->ifaces[i].vhost = true;
	cfg->ifaces[i].vhost_client = client;
	cfg->ifaces[i].vlan = vlan;
	cfg->ifaces[i].master = bridge;
	cfg->ifaces[i].eff_mtu = cfg->ifaces[bridge].eff_mtu;   /* its bridge's (cfg_mtu.c) */
	cfg->ifaces[i].devargs[0] = '\0';
	br->ports[br->n_ports++] = i;
	return i;
}

int dpb_cfg_remove_bridge_port(struct dpb_cfg *cfg, int iface)
{
	struct dpb_cfg_bridge *br;
	int master;

	if (iface < 0 || (unsigned int)iface >= cfg->n_ifaces)
		return -ENOENT;
	master = cfg->ifaces[iface].master;
	if (master < 0 || cfg->ifaces[master].kind != DPB_IFACE_BRIDGE)
		return -ENOENT;
	br = &cfg->ifaces[master].bridge;
	for (unsigned int k = 0; k < br->n_ports; k++) {
		if (br->ports[k] != iface)
			continue;
		memmove(&br->ports[k], &br->ports[k + 1], (br->n_ports - k - 1) * sizeof(br->ports[0]));
		br->n_ports--;
		cfg->ifaces[iface].master = -1;
		return (int)k;
	}
	return -ENOENT;
}

void dpb_cfg_drop_host_ports(struct dpb_cfg *cfg)
{
	for (unsigned int i = 0; i < cfg->n_ifaces; i++) {
		struct dpb_cfg_iface *f = &cfg->ifaces[i];

		if (f->host_port && f->kind == DPB_IFACE_VLAN)
			dpb_cfg_remove_bridge_port(cfg, (int)i);
		f->host_port = false;
	}
}
