/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A reload's new model against what runs: which slot keeps its interface,
 * its device, its bond as it is, which bridge positions moved, which
 * interfaces come and go. Control lcore.
 */
#include <string.h>

#include "ctl_apply.h"

bool ctl_diff_same_name(const struct apply *a, const struct dpb_ctl *c, int i)
{
	return (unsigned int)i < a->n_old && a->old[i].name[0] &&
	       strcmp(a->old[i].name, c->ifs[i].name) == 0;
}

/* Slot @i of the new model wants a device. */
bool ctl_diff_wants_port(const struct dpb_ctl *c, int i)
{
	return c->ifs[i].added ? c->ifs[i].port >= 0 :
				 ctl_wants_port(&c->file, i) != CTL_PORT_NONE;
}

/* The running device of slot @i serves the new model as it is: same kind, device and MTU. */
static bool same_device(const struct dpb_ctl *c, const struct apply *a, int i)
{
	const struct ctl_iface *o = &a->old[i], *x = &c->ifs[i];
	char want[DPB_CFG_DEVARGS_LEN];

	if (!ctl_diff_same_name(a, c, i) || o->vhost != x->vhost ||
	    o->vhost_client != x->vhost_client || o->host_port != x->host_port || o->mtu != x->mtu)
		return false;
	if (x->vhost || x->added)
		return true;
	ctl_device_devargs(c, i, want, sizeof(want));
	return strcmp(want, c->ports[o->port].devargs) == 0;
}

/* Bond settings as compared: where each line was does not matter. */
static void bond_key(const struct dpb_cfg_bond *b, struct dpb_cfg_bond *k)
{
	memcpy(k, b, sizeof(*k));
	memset(&k->mode_loc, 0, sizeof(k->mode_loc));
	memset(&k->members_loc, 0, sizeof(k->members_loc));
	memset(&k->primary_loc, 0, sizeof(k->primary_loc));
	memset(&k->arp_loc, 0, sizeof(k->arp_loc));
	memset(k->primary_name, 0, sizeof(k->primary_name));
}

/* Whether running bond @cb is what the new model's slot @i asks, untouched. */
bool ctl_diff_same_bond(const struct dpb_ctl *c, const struct apply *a, const struct ctl_bond *cb,
		      int i)
{
	const struct dpb_cfg_iface *was = &a->was->ifaces[i], *f = &c->file.ifaces[i];
	const struct ctl_iface *o = &a->old[i], *x = &c->ifs[i];
	struct dpb_cfg_bond ka, kb;

	if (!ctl_diff_same_name(a, c, i) || o->mtu != x->mtu || o->master != x->master ||
	    (x->master >= 0 && !ctl_diff_same_name(a, c, x->master)) ||
	    was->has_hwaddress != f->has_hwaddress || memcmp(was->hwaddress, f->hwaddress, 6))
		return false;
	/* Its bridge decides balance-alb's receive balancing (ctl_rlb_init). */
	if (f->bond.mode == DPB_BOND_MODE_BALANCE_ALB && x->master >= 0 &&
	    (a->old[x->master].host_port != c->ifs[x->master].host_port ||
			       a->was->ifaces[x->master].bridge.vlan_aware !=
				       c->file.ifaces[x->master].bridge.vlan_aware))
		return false;
	bond_key(&cb->conf, &ka);
	bond_key(&f->bond, &kb);
	if (memcmp(&ka, &kb, sizeof(ka)) != 0)
		return false;
	for (unsigned int k = 0; k < f->bond.n_members; k++) {
		int m = f->bond.members[k];

		/* The same slot may name another interface now. */
		if (a->open[m] || !ctl_diff_same_name(a, c, m) ||
		    a->was->ifaces[m].ad_port_prio != c->file.ifaces[m].ad_port_prio)
			return false;
	}
	return true;
}

static bool same_vlan(const struct dpb_cfg_vlan *a, const struct dpb_cfg_vlan *b)
{
	return a->has_pvid == b->has_pvid && a->has_vids == b->has_vids && a->pvid == b->pvid &&
	       memcmp(a->vids, b->vids, sizeof(a->vids)) == 0;
}

/* The first position of bridge @br (old @ob) whose port changed; n_ports + 1 when none did. */
unsigned int ctl_diff_first_moved(const struct dpb_ctl *c, const struct apply *a,
				const struct ctl_bridge *br, const struct ctl_bridge *ob)
{
	unsigned int n = br->n_ports < ob->n_ports ? br->n_ports : ob->n_ports;
	int i = br->iface;

	/* The bridge's own VLAN defaults apply to every port. */
	if (br->vlan_aware != ob->vlan_aware || !same_vlan(&a->old[i].vlan, &c->ifs[i].vlan))
		return 0;
	for (unsigned int k = 0; k < n; k++) {
		int p = br->ports[k];

		if (ob->ports[k] != p || a->open[p] || !ctl_diff_same_name(a, c, p) ||
		    !same_vlan(&a->old[p].vlan, &c->ifs[p].vlan))
			return k;
	}
	if (br->n_ports != ob->n_ports || (a->old[i].port >= 0) != (c->ifs[i].port >= 0) || a->open[i])
		return n;
	return br->n_ports + 1;
}

/* Whether console VM port @o can stay in its bridge of the new file (with @used ports already). */
static bool console_port_stays(const struct dpb_ctl *c, const struct apply *a,
			       const struct ctl_iface *o, const unsigned int *used)
{
	int br = o->master;
	const struct dpb_cfg_iface *bf;

	if (!o->added || br < 0 || (unsigned int)br >= c->file.n_ifaces)
		return false;
	bf = &c->file.ifaces[br];
	return strcmp(bf->name, a->old[br].name) == 0 && bf->kind == DPB_IFACE_BRIDGE &&
	       bf->bridge.n_ports + used[br] < DPB_CFG_MAX_BR_PORTS &&
	       (bf->bridge.vlan_aware || (!o->vlan.has_pvid && !o->vlan.has_vids));
}

void ctl_diff_new_ifaces(struct dpb_ctl *c, struct apply *a)
{
	unsigned int n = c->file.n_ifaces, used[DPB_CFG_MAX_IFACES] = { 0 };

	for (unsigned int i = 0; i < DPB_CFG_MAX_IFACES; i++) {
		const struct ctl_iface *o = &a->old[i];
		struct ctl_iface *x = &c->ifs[i];
		bool file = i < c->file.n_ifaces && c->file.ifaces[i].name[0];

		/* A console's VM port stays while the file leaves its name and its
		 * bridge be, and the bridge has room; as it was (its MTU too). */
		if (!file && i < a->n_old && console_port_stays(c, a, o, used)) {
			*x = *o;
			used[o->master]++;
			if (i + 1 > n)
				n = i + 1;
			continue;
		}
		memset(x, 0, sizeof(*x));
		x->port = x->bond = x->bridge = -1;
		x->master = x->vlan_raw = -1;
		x->kind = DPB_IFACE_KERNEL;
		if (file) {
			ctl_iface_from_file(c, (int)i);
			/* The same name keeps what runs for it (a new name takes a free slot). */
			if (ctl_diff_same_name(a, c, (int)i)) {
				x->port = o->port;
				x->bond = o->bond;
				x->bridge = o->bridge;
			}
		} else if (i < a->n_old && o->port >= 0) {
			x->port = o->port;   /* gone: closed after the publication */
		}
	}
	c->n_ifs = n > a->n_old ? n : a->n_old;
}

/* Whether slot @i of @cfg is an interface dpbond owns, named @name as it runs. */
static bool owned_as(const struct dpb_cfg *cfg, int i, const char *name)
{
	return (unsigned int)i < cfg->n_ifaces && cfg->ifaces[i].name[0] &&
	       strcmp(cfg->ifaces[i].name, name) == 0 && dpb_cfg_owned(cfg, i);
}

void ctl_diff_hooks(const struct dpb_ctl *c, struct apply *a)
{
	for (int i = 0; i < DPB_CFG_MAX_IFACES; i++) {
		/* A slot the console reused runs no stanza of the file's. */
		bool was = owned_as(a->was, i, a->old[i].name);
		bool now = owned_as(&c->file, i, c->ifs[i].name);
		bool same = ctl_diff_same_name(a, c, i);

		a->gone[i] = was && !(same && now);
		a->fresh[i] = now && !(same && was);
	}
}

/* A running port whose device or MTU the file changes: refused. @return 0 or -EINVAL. */
int ctl_diff_refuse_restarts(const struct dpb_ctl *c, const struct apply *a, struct dpb_strbuf *out)
{
	int rc = 0;

	for (unsigned int i = 0; i < a->n_old; i++) {
		const struct dpb_cfg_iface *f = &c->file.ifaces[i];

		if (a->old[i].port < 0 || c->ifs[i].added || !ctl_diff_same_name(a, c, (int)i) ||
		    !ctl_diff_wants_port(c, (int)i) || same_device(c, a, (int)i))
			continue;
		dpb_strbuf_printf(out, "%s:%u: error: %s: %s changed on a running port; a reload does not restart a port (restart dpbond, or remove it in one reload and add it in the next)\n",
				  f->loc.file, f->loc.line, f->name,
				  a->old[i].mtu != c->ifs[i].mtu ? "its MTU" :
				  a->old[i].vhost != c->ifs[i].vhost ? "its kind (VM port or device)" :
				  "its device");
		rc = -EINVAL;
	}
	/* A running bridge keeps its FDB (and what it learned): not resized. */
	for (unsigned int i = 0; i < a->n_old; i++) {
		const struct dpb_cfg_iface *f = &c->file.ifaces[i];

		if (a->old[i].bridge < 0 || !ctl_diff_same_name(a, c, (int)i) ||
		    f->kind != DPB_IFACE_BRIDGE ||
		    a->was->ifaces[i].bridge.fdb_max == f->bridge.fdb_max)
			continue;
		dpb_strbuf_printf(out, "%s:%u: error: %s: bridge-fdb-max changed on a running bridge; a reload does not resize its FDB (restart dpbond)\n",
				  f->loc.file, f->loc.line, f->name);
		rc = -EINVAL;
	}
	return rc;
}

