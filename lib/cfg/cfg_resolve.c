/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * After the files are read: names become indices, kinds are settled, and the
 * model is checked as a whole (membership, loops, delays, bridges).
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "cfg_priv.h"

static bool has_family(const struct dpb_cfg_iface *f, int family)
{
	for (unsigned int k = 0; k < f->n_addrs; k++)
		if (f->addrs[k].family == family)
			return true;
	return false;
}

/*
 * An `iface NAME` stanza without family (ifupdown2) is static for each family
 * its addresses have; a family with neither stanza nor address stays NONE.
 */
static void typeless_methods(struct cfg_parser *p)
{
	for (unsigned int i = 0; i < p->cfg->n_ifaces; i++) {
		struct dpb_cfg_iface *f = &p->cfg->ifaces[i];

		if (!p->raw[i].typeless)
			continue;
		if (f->inet == DPB_METHOD_NONE && has_family(f, AF_INET))
			f->inet = DPB_METHOD_STATIC;
		if (f->inet6 == DPB_METHOD_NONE && has_family(f, AF_INET6))
			f->inet6 = DPB_METHOD_STATIC;
	}
}

static bool is_port_arg(const struct cfg_parser *p, const char *name)
{
	for (unsigned int k = 0; k < p->n_port_args; k++)
		if (strcmp(p->port_args[k].name, name) == 0)
			return true;
	return false;
}

static const char *kind_word(enum dpb_iface_kind k)
{
	switch (k) {
	case DPB_IFACE_BOND: return "a bond";
	case DPB_IFACE_BRIDGE: return "a bridge";
	case DPB_IFACE_LOOPBACK: return "the loopback interface";
	case DPB_IFACE_VLAN: return "a VLAN interface";
	case DPB_IFACE_KERNEL: return "a device only the kernel drives";
	default: return "a port";
	}
}

static void add_member(struct cfg_parser *p, int bond, int m, const struct dpb_cfg_loc *loc)
{
	struct dpb_cfg *cfg = p->cfg;
	struct dpb_cfg_iface *b = &cfg->ifaces[bond], *f = &cfg->ifaces[m];

	if (m == bond) {
		cfg_diag(cfg, DPB_DIAG_ERROR, loc, "%s cannot be a slave of itself", b->name);
		return;
	}
	if (f->kind != DPB_IFACE_PORT) {
		cfg_diag(cfg, DPB_DIAG_ERROR, loc, "%s: slave %s is %s%s%s%s", b->name, f->name,
			 kind_word(f->kind),
			 f->kind == DPB_IFACE_BOND ? " (bonds cannot be nested)" : "",
			 f->kind == DPB_IFACE_KERNEL ? ": " : "", f->kernel_kind);
		return;
	}
	if (f->master == bond)
		return;  /* named twice, e.g. bond-slaves and bond-master */
	if (f->master >= 0) {
		cfg_diag(cfg, DPB_DIAG_ERROR, loc, "%s: slave %s is already a slave of %s", b->name,
			 f->name, cfg->ifaces[f->master].name);
		return;
	}
	if (b->bond.n_members == DPB_CFG_MAX_MEMBERS) {
		cfg_diag(cfg, DPB_DIAG_ERROR, loc, "%s: more than %d slaves", b->name,
			 DPB_CFG_MAX_MEMBERS);
		return;
	}
	f->master = bond;
	b->bond.members[b->bond.n_members++] = m;
}

/*
 * Looks up a name written in a bond's or bridge's list. As in ifupdown2, a
 * member or port needs no stanza of its own: a NIC (its device from --port,
 * dpdk-devargs or its number) or, named NAME.VID, a VLAN.
 */
static int lookup_listed(struct cfg_parser *p, const char *name, const struct dpb_cfg_loc *loc)
{
	int m = cfg_vlan_lookup(p, name, loc);

	return m >= 0 ? m : cfg_iface_get(p->cfg, name, loc);
}

static void resolve_members(struct cfg_parser *p, int i)
{
	struct dpb_cfg_iface *b = &p->cfg->ifaces[i];
	char list[CFG_RAW_LEN];
	char *save = NULL;

	snprintf(list, sizeof(list), "%s", p->raw[i].slaves);
	for (char *w = strtok_r(list, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		int m;

		if (strcmp(w, "none") == 0)
			continue;
		m = lookup_listed(p, w, &b->bond.members_loc);
		if (m >= 0)
			add_member(p, i, m, &b->bond.members_loc);
	}
}

/* Linux keeps delays as whole miimon periods: round down, and say so. */
static void round_delay(struct cfg_parser *p, struct dpb_cfg_iface *b, unsigned int *ms,
			const char *what, const struct dpb_cfg_loc *loc)
{
	unsigned int miimon = b->bond.miimon_ms;

	if (*ms == 0)
		return;
	if (miimon == 0) {
		cfg_diag(p->cfg, DPB_DIAG_WARNING, loc,
			 "%s: %s has no effect unless miimon is set", b->name, what);
		*ms = 0;
		return;
	}
	if (*ms % miimon) {
		unsigned int r = *ms / miimon * miimon;

		cfg_diag(p->cfg, DPB_DIAG_WARNING, loc,
			 "%s: %s (%u) is not a multiple of miimon (%u), %s rounded to %u ms",
			 b->name, what, *ms, miimon, what, r);
		*ms = r;
	}
}

static void check_bond(struct cfg_parser *p, int i)
{
	struct dpb_cfg_iface *b = &p->cfg->ifaces[i];
	struct dpb_cfg_bond *bd = &b->bond;

	cfg_check_arpmon(p, i);
	if (bd->miimon_ms == 0 && (bd->mode == DPB_BOND_MODE_8023AD ||
				   bd->mode == DPB_BOND_MODE_BALANCE_TLB ||
				   bd->mode == DPB_BOND_MODE_BALANCE_ALB)) {
		/* Linux: these modes need link, speed and duplex. */
		cfg_diag(p->cfg, DPB_DIAG_WARNING, &b->loc,
			 "%s: mode %s needs miimon; forcing miimon to 100 ms", b->name,
			 dpb_bond_mode_name(bd->mode));
		bd->miimon_ms = 100;
	}
	round_delay(p, b, &bd->updelay_ms, "updelay", &p->raw[i].updelay_loc);
	round_delay(p, b, &bd->downdelay_ms, "downdelay", &p->raw[i].downdelay_loc);
	round_delay(p, b, &bd->peer_notif_delay_ms, "peer_notif_delay", &p->raw[i].peer_notif_loc);
	if (bd->miimon_ms == 0 && bd->arp_interval_ms == 0)
		cfg_diag(p->cfg, DPB_DIAG_WARNING, &b->loc,
			 "%s: miimon is 0: link failures will not be detected (try bond-miimon 100)",
			 b->name);
	if (bd->n_members == 0)
		cfg_diag(p->cfg, DPB_DIAG_WARNING, &b->loc, "%s has no slaves", b->name);
	if (bd->primary_name[0]) {
		int m = dpb_cfg_find(p->cfg, bd->primary_name);

		if (m < 0 || p->cfg->ifaces[m].master != i)
			cfg_diag(p->cfg, DPB_DIAG_ERROR, &bd->primary_loc,
				 "%s: primary %s is not one of its slaves", b->name, bd->primary_name);
		else if (bd->mode != DPB_BOND_MODE_ACTIVE_BACKUP &&
			 bd->mode != DPB_BOND_MODE_BALANCE_TLB &&
			 bd->mode != DPB_BOND_MODE_BALANCE_ALB)
			cfg_diag(p->cfg, DPB_DIAG_WARNING, &bd->primary_loc,
				 "%s: primary has no effect in mode %s", b->name,
				 dpb_bond_mode_name(bd->mode));
		else
			bd->primary = m;
	}
	if (b->n_addrs || b->gateway4.family || b->gateway6.family)
		cfg_diag(p->cfg, DPB_DIAG_ERROR, b->n_addrs ? &b->addrs[0].loc : &b->loc,
			 "%s: the host's addresses on a bond are not implemented yet: put them on a bridge over it (bridge-ports %s)",
			 b->name, b->name);
}

/*
 * A bridge whose ports are all devices only the kernel drives (a VXLAN, an
 * OVS port) is the kernel's too; one that mixes them with dpbond's ports is
 * refused, naming the device. @return true when the bridge is dpbond's.
 */
static bool bridge_is_ours(struct cfg_parser *p, int i)
{
	struct dpb_cfg *cfg = p->cfg;
	struct dpb_cfg_iface *br = &cfg->ifaces[i];
	char list[CFG_RAW_LEN];
	char *save = NULL;
	int kernel = -1;
	bool ours = false;

	snprintf(list, sizeof(list), "%s", p->raw[i].bridge_ports);
	for (char *w = strtok_r(list, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		int m = dpb_cfg_find(cfg, w);

		if (strcmp(w, "none") == 0)
			continue;
		if (m >= 0 && cfg->ifaces[m].kind == DPB_IFACE_KERNEL)
			kernel = m;
		else
			ours = true;
	}
	if (kernel < 0)
		return true;
	if (ours) {
		cfg_diag(cfg, DPB_DIAG_ERROR, &br->bridge.ports_loc,
			 "%s: port %s (%s device) cannot be driven by dpbond, beside ports that are dpbond's",
			 br->name, cfg->ifaces[kernel].name, cfg->ifaces[kernel].kernel_kind);
		return false;
	}
	cfg_diag(cfg, DPB_DIAG_WARNING, &br->loc,
		 "%s: its ports are the kernel's (%s: %s device): the bridge is left to the kernel",
		 br->name, cfg->ifaces[kernel].name, cfg->ifaces[kernel].kernel_kind);
	br->kind = DPB_IFACE_KERNEL;
	snprintf(br->kernel_kind, sizeof(br->kernel_kind), "bridge");
	return false;
}

static void resolve_bridge(struct cfg_parser *p, int i)
{
	struct dpb_cfg *cfg = p->cfg;
	struct dpb_cfg_iface *br = &cfg->ifaces[i];
	const struct dpb_cfg_loc *loc = &br->bridge.ports_loc;
	char list[CFG_RAW_LEN];
	char *save = NULL;

	if (!bridge_is_ours(p, i))
		return;
	snprintf(list, sizeof(list), "%s", p->raw[i].bridge_ports);
	for (char *w = strtok_r(list, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		struct dpb_cfg_iface *f;
		int m;

		if (strcmp(w, "none") == 0)
			continue;
		m = lookup_listed(p, w, loc);
		if (m < 0)
			continue;
		f = &cfg->ifaces[m];
		br = &cfg->ifaces[i];
		if (f->kind == DPB_IFACE_BRIDGE || f->kind == DPB_IFACE_LOOPBACK) {
			cfg_diag(cfg, DPB_DIAG_ERROR, loc, "%s: bridge port %s is %s", br->name,
				 w, kind_word(f->kind));
			continue;
		}
		if (f->master >= 0) {
			const struct dpb_cfg_iface *o = &cfg->ifaces[f->master];

			cfg_diag(cfg, DPB_DIAG_ERROR, loc, "%s: bridge port %s is already %s of %s",
				 br->name, w, o->kind == DPB_IFACE_BOND ? "a slave" : "a port",
				 o->name);
			continue;
		}
		if (br->bridge.n_ports == DPB_CFG_MAX_BR_PORTS) {
			cfg_diag(cfg, DPB_DIAG_ERROR, loc, "%s: more than %d ports", br->name,
				 DPB_CFG_MAX_BR_PORTS);
			break;
		}
		f->master = i;
		br->bridge.ports[br->bridge.n_ports++] = m;
	}
	if (br->bridge.stp) {
		cfg_diag(cfg, DPB_DIAG_WARNING, &p->raw[i].stp_loc,
			 "%s: STP is not implemented; the bridge runs with stp off", br->name);
		br->bridge.stp = false;   /* the model says what runs */
	}
	else if (br->bridge.fd_s && p->raw[i].fd_loc.line)
		cfg_diag(cfg, DPB_DIAG_WARNING, &p->raw[i].fd_loc,
			 "%s: forward delay has no effect with stp off; ports forward at once",
			 br->name);
	br->host_port = cfg_wants_host_port(br);
	if (br->gateway4.family && !has_family(br, AF_INET) && br->inet != DPB_METHOD_DHCP)
		cfg_diag(cfg, DPB_DIAG_WARNING, &br->gateway4.loc,
			 "%s: an IPv4 gateway without an IPv4 address is not installed", br->name);
	if (br->gateway6.family && !has_family(br, AF_INET6) && br->inet6 != DPB_METHOD_DHCP &&
	    br->inet6 != DPB_METHOD_AUTO)
		cfg_diag(cfg, DPB_DIAG_WARNING, &br->gateway6.loc,
			 "%s: an IPv6 gateway without an IPv6 address is not installed", br->name);
}

/* bridge-vhost-ports: each name a new VM port of the bridge. */
static void resolve_vhost_ports(struct cfg_parser *p, int i)
{
	struct dpb_cfg *cfg = p->cfg;
	const struct dpb_cfg_loc *loc = &p->raw[i].vhost_loc;
	char list[CFG_RAW_LEN];
	char *save = NULL;

	snprintf(list, sizeof(list), "%s", p->raw[i].vhost_ports);
	for (char *w = strtok_r(list, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		int rc = dpb_cfg_add_vhost_port(cfg, i, w);

		if (rc == -EEXIST)
			cfg_diag(cfg, DPB_DIAG_ERROR, loc,
				 "%s: VM port %s: that name is already an interface", cfg->ifaces[i].name, w);
		else if (rc == -EINVAL)
			cfg_diag(cfg, DPB_DIAG_ERROR, loc,
				 "%s: VM port '%s' is not NAME[:OPTIONS], OPTIONS tag=VLAN or trunks=VLANS, client, comma-separated (a name of 1-15 characters, VLANs 1-4094, tag= and trunks= on a VLAN-aware bridge)",
				 cfg->ifaces[i].name, w);
		else if (rc < 0)
			cfg_diag(cfg, DPB_DIAG_ERROR, loc, "%s: no room for VM port %s",
				 cfg->ifaces[i].name, w);
		else
			cfg->ifaces[rc].loc = *loc;
	}
}

void cfg_resolve(struct cfg_parser *p)
{
	struct dpb_cfg *cfg = p->cfg;
	unsigned int n = cfg->n_ifaces;

	typeless_methods(p);
	cfg_classify_vlans(p);

	/* `bond-master` on a member makes its master a bond. */
	for (unsigned int i = 0; i < n; i++) {
		int b;

		if (!p->raw[i].master[0])
			continue;
		b = dpb_cfg_find(cfg, p->raw[i].master);
		if (b < 0 || !cfg->ifaces[b].has_stanza) {
			cfg_diag(cfg, DPB_DIAG_ERROR, &p->raw[i].master_loc,
				 "%s: bond-master %s is defined nowhere", cfg->ifaces[i].name,
				 p->raw[i].master);
			continue;
		}
		if (cfg_set_kind(p, b, DPB_IFACE_BOND, &p->raw[i].master_loc) < 0)
			continue;
	}
	for (unsigned int i = 0; i < n; i++)
		if (cfg->ifaces[i].kind == DPB_IFACE_BOND)
			resolve_members(p, (int)i);
	for (unsigned int i = 0; i < n; i++) {
		int b;

		if (!p->raw[i].master[0])
			continue;
		b = dpb_cfg_find(cfg, p->raw[i].master);
		if (b >= 0 && cfg->ifaces[b].kind == DPB_IFACE_BOND)
			add_member(p, b, (int)i, &p->raw[i].master_loc);
	}
	for (unsigned int i = 0; i < n; i++)
		if (cfg->ifaces[i].kind == DPB_IFACE_BOND)
			check_bond(p, (int)i);
	for (unsigned int i = 0; i < cfg->n_ifaces; i++)
		if (cfg->ifaces[i].kind == DPB_IFACE_BRIDGE)
			resolve_bridge(p, (int)i);
	for (unsigned int i = 0; i < n; i++)
		if (cfg->ifaces[i].kind == DPB_IFACE_BRIDGE && p->raw[i].vhost_ports[0])
			resolve_vhost_ports(p, (int)i);
	cfg_resolve_vlan_ifaces(p);
	cfg_check_vlan_limits(p);
	cfg_resolve_vlans(p);

	for (unsigned int i = 0; i < cfg->n_ifaces; i++) {
		struct dpb_cfg_iface *f = &cfg->ifaces[i];

		if (f->devargs[0] && f->kind != DPB_IFACE_PORT) {
			cfg_diag(cfg, DPB_DIAG_ERROR, &f->devargs_loc,
				 "%s: dpdk-devargs names a device, but %s is %s", f->name, f->name,
				 kind_word(f->kind));
			continue;
		}
		if (f->kind == DPB_IFACE_BOND && f->master < 0 && !dpb_cfg_has_vlans(cfg, (int)i))
			cfg_diag(cfg, DPB_DIAG_WARNING, &f->loc,
				 "%s is not a port of any bridge: what it receives is dropped",
				 f->name);
		if (f->has_hwaddress && f->kind == DPB_IFACE_PORT && f->master >= 0)
			cfg_diag(cfg, DPB_DIAG_WARNING, &p->raw[i].hwaddress_loc,
				 "%s: hwaddress on a %s is not implemented (a bond gives its members its own MAC); ignored",
				 f->name, cfg->ifaces[f->master].kind == DPB_IFACE_BOND ? "bond member" :
				 "bridge port");
		if (f->kind == DPB_IFACE_KERNEL && f->has_stanza && f->master < 0 &&
		    strcmp(f->kernel_kind, "bridge") != 0 && strcmp(f->kernel_kind, "VLAN") != 0)
			cfg_diag(cfg, DPB_DIAG_WARNING, &f->loc,
				 "%s is left to the kernel (%s device)", f->name, f->kernel_kind);
		if (f->kind != DPB_IFACE_PORT || f->master >= 0)
			continue;
		if (!f->has_stanza && !is_port_arg(p, f->name))
			cfg_diag(cfg, DPB_DIAG_WARNING, &f->loc,
				 "%s is marked auto but has no iface stanza", f->name);
		else if (f->has_stanza)
			cfg_diag(cfg, DPB_DIAG_WARNING, &f->loc,
				 "%s is in no bond and no bridge: dpbond leaves it%s to the kernel",
				 f->name, f->n_addrs ? " and its addresses" : "");
	}
	cfg_resolve_mtus(p);
	cfg_check_hooks(p);
	cfg_flush_notes(p);
	/* --port NAME=DEVARGS wins over the stanza's dpdk-devargs. */
	for (unsigned int k = 0; k < p->n_port_args; k++) {
		int i = dpb_cfg_find(cfg, p->port_args[k].name);

		if (i < 0)
			continue;
		snprintf(cfg->ifaces[i].devargs, DPB_CFG_DEVARGS_LEN, "%s", p->port_args[k].devargs);
		snprintf(cfg->ifaces[i].devargs_loc.file, DPB_CFG_PATH_LEN, "--port");
		cfg->ifaces[i].devargs_loc.line = 0;
	}
}
