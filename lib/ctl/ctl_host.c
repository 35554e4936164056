/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host ports: the TAPs that stand in for the Linux bridge's own interface
 * (named like the bridge, after its ports) and for VLAN interfaces on a
 * VLAN-aware bridge (vmbr0.5: an access port of VLAN 5 among its ports).
 * Each takes the MAC of the bridge's first bond (as a Proxmox bridge takes
 * its first port's, and a VLAN its bridge's), holds that MAC as a permanent
 * FDB entry in its VLAN, and gets the stanza's addresses and gateways over
 * netlink.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>

#include "ctl_priv.h"
#include "dpb_host.h"

/*
 * The MAC of host port @iface on bridge @br: its own hwaddress, the
 * bridge's, the bridge's first bond's, else the TAP's own.
 */
static void host_mac(const struct dpb_ctl *c, const struct ctl_bridge *br, int iface, int pi,
		     struct rte_ether_addr *mac)
{
	const struct dpb_cfg_iface *bf = &c->file.ifaces[br->iface], *f = &c->file.ifaces[iface];

	rte_eth_macaddr_get(c->ports[pi].port_id, mac);
	if (f->has_hwaddress || bf->has_hwaddress) {
		memcpy(mac->addr_bytes, f->has_hwaddress ? f->hwaddress : bf->hwaddress,
		       RTE_ETHER_ADDR_LEN);
		return;
	}
	for (unsigned int k = 0; k < br->n_ports; k++) {
		int b = c->ifs[br->ports[k]].bond;

		if (b >= 0) {
			memcpy(mac->addr_bytes, c->bonds[b].bond.addr.b, RTE_ETHER_ADDR_LEN);
			return;
		}
	}
}

/* Applies one address or gateway, saying what happened. @return 0 or -errno. */
static int apply(const struct dpb_cfg_iface *f, const char *ifname, const struct dpb_cfg_addr *a,
		 bool gateway)
{
	char why[128], text[INET6_ADDRSTRLEN];
	int rc;

	inet_ntop(a->family, a->bytes, text, sizeof(text));
	if (!gateway) {
		rc = dpb_host_add_addr(ifname, a->family, a->bytes, a->prefix_len, why, sizeof(why));
		if (rc == 0)
			DPB_LOG(INFO, HOST, "%s: host port %s has %s/%u", f->name, ifname, text, a->prefix_len);
		else
			DPB_LOG(ERR, HOST, "%s:%u: %s: host port %s: %s/%u: %s", a->loc.file,
				a->loc.line, f->name, ifname, text, a->prefix_len, why);
		return rc;
	}
	rc = dpb_host_add_default_route(ifname, a->family, a->bytes, why, sizeof(why));
	if (rc == 0)
		DPB_LOG(INFO, HOST, "%s: default route via %s", f->name, text);
	else
		DPB_LOG(WARNING, HOST, "%s:%u: warning: %s: gateway %s not installed: %s", a->loc.file,
			a->loc.line, f->name, text, why);
	return 0;   /* a route the host already has is not dpbond's to replace */
}

/*
 * The kernel side of host port @f: SLAAC for inet6 auto, the addresses, then
 * the gateways (dhcp leaves its family to a DHCP client on @ifname).
 */
static int configure_kernel(const struct dpb_cfg_iface *f, const char *ifname)
{
	char why[128];
	int rc;

	if (f->inet6 == DPB_METHOD_AUTO &&
	    (dpb_host_set_ipv6_conf(ifname, "accept_ra", "2", why, sizeof(why)) < 0 ||
	     dpb_host_set_ipv6_conf(ifname, "autoconf", "1", why, sizeof(why)) < 0))
		DPB_LOG(WARNING, HOST, "%s:%u: warning: %s: inet6 auto on %s: %s", f->loc.file,
			f->loc.line, f->name, ifname, why);
	for (unsigned int k = 0; k < f->n_addrs; k++) {
		rc = apply(f, ifname, &f->addrs[k], false);
		if (rc < 0)
			return rc;
	}
	if (f->gateway4.family)
		apply(f, ifname, &f->gateway4, true);
	if (f->gateway6.family)
		apply(f, ifname, &f->gateway6, true);
	return 0;
}

void ctl_kernel_mtu(const struct dpb_port *p)
{
	struct rte_eth_dev_info info;
	char ifname[IF_NAMESIZE], why[128];

	if (p->mtu == 0 || rte_eth_dev_info_get(p->port_id, &info) != 0 || info.if_index == 0 ||
	    if_indextoname(info.if_index, ifname) == NULL)
		return;
	if (dpb_host_set_mtu(ifname, p->mtu, why, sizeof(why)) < 0)
		DPB_LOG(WARNING, HOST, "%s: warning: kernel interface %s: %s", p->name, ifname, why);
}

/* The VLAN of host port @iface on its bridge: the VLAN's, or the bridge's pvid. */
static uint16_t host_vlan(const struct dpb_ctl *c, const struct ctl_bridge *br, int iface)
{
	uint64_t vids[64];
	uint16_t pvid;

	if (!br->vlan_aware)
		return 0;
	ctl_port_vlans(c, iface, &pvid, vids);
	return pvid;
}

/* Host port @iface's place in its bridge: its index, or after the ports for the bridge's. */
static unsigned int host_position(const struct ctl_bridge *br, int iface)
{
	for (unsigned int k = 0; k < br->n_ports; k++)
		if (br->ports[k] == iface)
			return k;
	return br->n_ports;
}

/* Calls @fn for every host port of bridge @br that has a device. */
static int each_host_port(struct dpb_ctl *c, struct ctl_bridge *br,
			  int (*fn)(struct dpb_ctl *, struct ctl_bridge *, int, int))
{
	int rc = 0;

	for (unsigned int k = 0; k < br->n_ports && rc == 0; k++) {
		int f = br->ports[k];

		if (c->ifs[f].host_port && c->ifs[f].port >= 0)
			rc = fn(c, br, f, c->ifs[f].port);
	}
	if (rc == 0 && c->ifs[br->iface].port >= 0)
		rc = fn(c, br, br->iface, c->ifs[br->iface].port);
	return rc;
}

/* The host's MAC, permanent in the FDB at host port @iface's place and VLAN. */
static int hold_mac(struct dpb_ctl *c, struct ctl_bridge *br, int iface, int pi)
{
	struct rte_ether_addr mac;

	rte_eth_macaddr_get(c->ports[pi].port_id, &mac);
	return dpb_fdb_add_permanent(br->fdb, host_vlan(c, br, iface), mac.addr_bytes,
				     host_position(br, iface));
}

void ctl_host_port_moved(struct dpb_ctl *c, struct ctl_bridge *br)
{
	each_host_port(c, br, hold_mac);
}

/* Host port @p of @f: its kernel interface gets @f's addresses, if it has one. */
static int kernel_side(const struct dpb_cfg_iface *f, const struct dpb_port *p)
{
	struct rte_eth_dev_info info;
	char ifname[IF_NAMESIZE];

	if (rte_eth_dev_info_get(p->port_id, &info) != 0 || info.if_index == 0 ||
	    if_indextoname(info.if_index, ifname) == NULL) {
		DPB_LOG(WARNING, HOST, "%s:%u: warning: %s: host port %s has no kernel interface; addresses not applied",
			f->loc.file, f->loc.line, f->name, p->devargs);
		return 0;
	}
	return configure_kernel(f, ifname);
}

static int init_one(struct dpb_ctl *c, struct ctl_bridge *br, int iface, int pi)
{
	const struct dpb_cfg_iface *f = &c->file.ifaces[iface];
	struct dpb_port *p = &c->ports[pi];
	struct rte_ether_addr mac;

	host_mac(c, br, iface, pi, &mac);
	dpb_port_set_mac(p, &mac);
	if (hold_mac(c, br, iface, pi) < 0)
		return -ENOSPC;
	return kernel_side(f, p);
}

int ctl_host_port_init(struct dpb_ctl *c, struct ctl_bridge *br)
{
	return each_host_port(c, br, init_one);
}

/* The host port of a VLAN of a bond or NIC (bond0.60): as a Linux VLAN device. */
static int vlan_host_port_init(struct dpb_ctl *c, int i)
{
	const struct dpb_cfg_iface *f = &c->file.ifaces[i];
	struct dpb_port *p = &c->ports[c->ifs[i].port];
	struct rte_ether_addr mac;
	int lower = f->vlan_raw;

	/* Its own hwaddress, else its device's MAC. */
	if (f->has_hwaddress)
		memcpy(mac.addr_bytes, f->hwaddress, RTE_ETHER_ADDR_LEN);
	else if (c->ifs[lower].bond >= 0)
		memcpy(mac.addr_bytes, c->bonds[c->ifs[lower].bond].bond.addr.b,
		       RTE_ETHER_ADDR_LEN);
	else
		rte_eth_macaddr_get(c->ports[c->ifs[lower].port].port_id, &mac);
	dpb_port_set_mac(p, &mac);
	return kernel_side(f, p);
}

int ctl_vlan_host_ports_init(struct dpb_ctl *c)
{
	for (unsigned int i = 0; i < c->n_ifs; i++) {
		const struct dpb_cfg_iface *f = &c->file.ifaces[i];
		int rc;

		if (f->kind != DPB_IFACE_VLAN || !f->host_port || f->master >= 0 ||
		    c->ifs[i].port < 0)
			continue;
		rc = vlan_host_port_init(c, (int)i);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The kernel interface of host port @iface, if it has one. */
static bool kernel_name(const struct dpb_ctl *c, int iface, char *ifname)
{
	struct rte_eth_dev_info info;

	return c->ifs[iface].port >= 0 &&
	       rte_eth_dev_info_get(c->ports[c->ifs[iface].port].port_id, &info) == 0 &&
	       info.if_index != 0 && if_indextoname(info.if_index, ifname) != NULL;
}

static bool has_addr(const struct dpb_cfg_iface *f, const struct dpb_cfg_addr *a)
{
	for (unsigned int k = 0; k < f->n_addrs; k++)
		if (f->addrs[k].family == a->family && f->addrs[k].prefix_len == a->prefix_len &&
		    memcmp(f->addrs[k].bytes, a->bytes, 16) == 0)
			return true;
	return false;
}

int ctl_host_port_readdress(struct dpb_ctl *c, int iface, const struct dpb_cfg_iface *was)
{
	const struct dpb_cfg_iface *f = &c->file.ifaces[iface];
	char ifname[IF_NAMESIZE], why[128], text[INET6_ADDRSTRLEN];
	bool same = f->n_addrs == was->n_addrs && f->inet6 == was->inet6 &&
		    memcmp(&f->gateway4.bytes, &was->gateway4.bytes, 16) == 0 &&
		    memcmp(&f->gateway6.bytes, &was->gateway6.bytes, 16) == 0;

	for (unsigned int k = 0; same && k < f->n_addrs; k++)
		same = has_addr(was, &f->addrs[k]);
	if (same || !kernel_name(c, iface, ifname))
		return 0;
	/* What the old stanza had and the new one has not goes; the rest is applied again. */
	for (unsigned int k = 0; k < was->n_addrs; k++) {
		const struct dpb_cfg_addr *a = &was->addrs[k];

		if (has_addr(f, a))
			continue;
		inet_ntop(a->family, a->bytes, text, sizeof(text));
		if (dpb_host_del_addr(ifname, a->family, a->bytes, a->prefix_len, why, sizeof(why)) < 0)
			DPB_LOG(WARNING, HOST, "%s: host port %s: %s/%u: %s", f->name, ifname, text,
				a->prefix_len, why);
		else
			DPB_LOG(INFO, HOST, "%s: host port %s no longer has %s/%u", f->name, ifname,
				text, a->prefix_len);
	}
	return configure_kernel(f, ifname);
}

int ctl_host_port_start(struct dpb_ctl *c, int iface)
{
	const struct dpb_cfg_iface *f = &c->file.ifaces[iface];
	int bridge = f->kind == DPB_IFACE_BRIDGE ? iface : f->master;

	if (c->ifs[iface].port < 0)
		return 0;
	if (bridge >= 0 && c->ifs[bridge].bridge >= 0)
		return init_one(c, &c->bridges[c->ifs[bridge].bridge], iface, c->ifs[iface].port);
	return vlan_host_port_init(c, iface);
}
