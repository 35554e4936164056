/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VLAN-aware bridges as ifupdown2 and Proxmox write them: bridge-vlan-aware
 * on the bridge; bridge-vids and bridge-pvid on the bridge (its ports'
 * defaults) or on a port's own stanza; bridge-access N on a port (pvid N,
 * nothing else); tag= and trunks= on VM ports.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_priv.h"

static void set_vid(uint64_t vids[64], unsigned int vid)
{
	vids[vid / 64] |= 1ull << (vid % 64);
}

static int parse_vid(const char *s, char **end, unsigned int *vid)
{
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	v = strtoul(s, end, 10);
	if (v < 1 || v > 4094)
		return -EINVAL;
	*vid = (unsigned int)v;
	return 0;
}

int dpb_cfg_parse_vids(const char *list, uint64_t vids[64])
{
	const char *s = list;
	bool any = false;

	while (*s) {
		unsigned int a, b;
		char *end;

		if (*s == ' ' || *s == '\t' || *s == ',' || *s == ';') {
			s++;
			continue;
		}
		if (parse_vid(s, &end, &a) < 0)
			return -EINVAL;
		b = a;
		if (*end == '-' && parse_vid(end + 1, &end, &b) < 0)
			return -EINVAL;
		if (b < a || (*end && !strchr(" \t,;", *end)))
			return -EINVAL;
		for (unsigned int v = a; v <= b; v++)
			set_vid(vids, v);
		any = true;
		s = end;
	}
	return any ? 0 : -EINVAL;
}

static void note_loc(struct dpb_cfg_vlan *v, const struct dpb_cfg_loc *loc)
{
	if (!v->has_vids && !v->has_pvid)
		v->loc = *loc;
}

void cfg_opt_vids(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc, const char *opt,
		  const char *val)
{
	struct dpb_cfg_vlan *v = &p->cfg->ifaces[i].vlan;
	uint64_t vids[64] = { 0 };

	if (dpb_cfg_parse_vids(val, vids) < 0) {
		cfg_diag(p->cfg, DPB_DIAG_ERROR, loc,
			 "%s: '%s' is not a list of VLANs 1-4094 (e.g. 10 20-30)", opt, val);
		return;
	}
	note_loc(v, loc);
	memcpy(v->vids, vids, sizeof(vids));
	v->has_vids = true;
}

void cfg_opt_pvid(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc, const char *opt,
		  const char *val)
{
	struct dpb_cfg_vlan *v = &p->cfg->ifaces[i].vlan;
	unsigned int vid;
	char *end;

	if (parse_vid(val, &end, &vid) < 0 || *end) {
		cfg_diag(p->cfg, DPB_DIAG_ERROR, loc, "%s: '%s' is not a VLAN from 1 to 4094", opt, val);
		return;
	}
	note_loc(v, loc);
	v->pvid = (uint16_t)vid;
	v->has_pvid = true;
	/* bridge-access N: that VLAN untagged and nothing else. */
	if (strcmp(opt, "bridge-access") == 0 || strcmp(opt, "bridge_access") == 0) {
		memset(v->vids, 0, sizeof(v->vids));
		v->has_vids = true;
	}
}

/* VLAN options on a port of a bridge that is not VLAN-aware do nothing: say so. */
void cfg_resolve_vlans(struct cfg_parser *p)
{
	struct dpb_cfg *cfg = p->cfg;

	for (unsigned int i = 0; i < cfg->n_ifaces; i++) {
		struct dpb_cfg_iface *f = &cfg->ifaces[i];
		const struct dpb_cfg_iface *br;

		if ((!f->vlan.has_vids && !f->vlan.has_pvid) || f->kind == DPB_IFACE_KERNEL)
			continue;
		if (f->kind == DPB_IFACE_BRIDGE) {
			if (!f->bridge.vlan_aware)
				cfg_diag(cfg, DPB_DIAG_WARNING, &f->vlan.loc,
					 "%s: VLAN options need bridge-vlan-aware yes; ignored", f->name);
			continue;
		}
		br = f->master >= 0 ? &cfg->ifaces[f->master] : NULL;
		if (br == NULL || br->kind != DPB_IFACE_BRIDGE)
			cfg_diag(cfg, DPB_DIAG_WARNING, &f->vlan.loc,
				 "%s: VLAN options apply to bridge ports only; ignored", f->name);
		else if (!br->bridge.vlan_aware)
			cfg_diag(cfg, DPB_DIAG_WARNING, &f->vlan.loc,
				 "%s: %s is not VLAN-aware (bridge-vlan-aware yes); VLAN options ignored",
				 f->name, br->name);
	}
}

void dpb_vlan_apply(const struct dpb_cfg_vlan *own, const struct dpb_cfg_vlan *def, uint16_t *pvid,
		    uint64_t vids[64])
{
	*pvid = def->has_pvid ? def->pvid : 1;
	memset(vids, 0, 64 * sizeof(vids[0]));
	if (own) {
		if (own->has_pvid)
			*pvid = own->pvid;
		if (own->has_vids)
			memcpy(vids, own->vids, 64 * sizeof(vids[0]));
		else if (def->has_vids)
			memcpy(vids, def->vids, 64 * sizeof(vids[0]));
	}
	set_vid(vids, *pvid);
}

void dpb_cfg_port_vlans(const struct dpb_cfg *cfg, int iface, uint16_t *pvid,
			uint64_t vids[64])
{
	const struct dpb_cfg_iface *f = &cfg->ifaces[iface];
	const struct dpb_cfg_iface *br = f->kind == DPB_IFACE_BRIDGE ? f : &cfg->ifaces[f->master];

	dpb_vlan_apply(f != br ? &f->vlan : NULL, &br->vlan, pvid, vids);
}

int cfg_vhost_vlan_spec(struct dpb_cfg_iface *f, const char *opts)
{
	uint64_t vids[64] = { 0 };
	unsigned int vid;
	char *end;

	if (strncmp(opts, "tag=", 4) == 0) {
		if (parse_vid(opts + 4, &end, &vid) < 0 || *end)
			return -EINVAL;
		f->vlan.pvid = (uint16_t)vid;
		f->vlan.has_pvid = true;
		memset(f->vlan.vids, 0, sizeof(f->vlan.vids));
		f->vlan.has_vids = true;
		return 0;
	}
	if (strncmp(opts, "trunks=", 7) == 0) {
		if (dpb_cfg_parse_vids(opts + 7, vids) < 0)
			return -EINVAL;
		memcpy(f->vlan.vids, vids, sizeof(vids));
		f->vlan.has_vids = true;
		return 0;
	}
	return -EINVAL;
}

void dpb_vlan_format(uint16_t pvid, const uint64_t vids[64], char *buf, size_t len)
{
	unsigned int v = 1;
	size_t n;

	n = (size_t)snprintf(buf, len, "%u PVID Egress Untagged", pvid);
	while (v < 4095 && n < len) {
		unsigned int end;

		if (v == pvid || !dpb_cfg_vid_isset(vids, v)) {
			v++;
			continue;
		}
		for (end = v; end + 1 < 4095 && end + 1 != pvid && dpb_cfg_vid_isset(vids, end + 1); end++)
			;
		if (end == v)
			n += (size_t)snprintf(buf + n, len - n, ", %u", v);
		else
			n += (size_t)snprintf(buf + n, len - n, ", %u-%u", v, end);
		v = end + 1;
	}
}

void dpb_cfg_vlan_list(const struct dpb_cfg *cfg, int iface, char *buf, size_t len)
{
	uint64_t vids[64];
	uint16_t pvid;

	dpb_cfg_port_vlans(cfg, iface, &pvid, vids);
	dpb_vlan_format(pvid, vids, buf, len);
}
