/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The host port of a bridge: the TAP that stands in for the Linux bridge's
 * own interface. It takes the MAC of the bridge's first bond (as a Proxmox
 * bridge takes its first port's), holds that MAC as a permanent FDB entry,
 * and gets the stanza's address and gateway over netlink.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>

#include "ctl_priv.h"
#include "dpb_host.h"

static void first_bond_mac(const struct dpb_ctl *c, const struct dpb_cfg_bridge *br,
			   struct dpb_port *host)
{
	for (unsigned int k = 0; k < br->n_ports; k++) {
		int b = c->iface_bond[br->ports[k]];
		struct rte_ether_addr a;

		if (b < 0)
			continue;
		memcpy(a.addr_bytes, c->bonds[b].bond.addr.b, RTE_ETHER_ADDR_LEN);
		dpb_port_set_mac(host, &a);
		return;
	}
}

static const char *ipv4(uint32_t a, char *buf)
{
	struct in_addr in = { .s_addr = htonl(a) };

	return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

/* The kernel side: address, then the default route. */
static int configure_kernel(const struct dpb_cfg_iface *f, const char *ifname)
{
	char why[128], a[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];
	int rc = dpb_host_add_addr(ifname, f->addr, f->prefix_len, why, sizeof(why));

	if (rc < 0) {
		fprintf(stderr, "%s:%u: %s: host port %s: %s\n", f->loc.file, f->loc.line, f->name,
			ifname, why);
		return rc;
	}
	printf("%s: host port %s has %s/%u\n", f->name, ifname, ipv4(f->addr, a), f->prefix_len);
	if (!f->has_gateway)
		return 0;
	rc = dpb_host_add_default_route(ifname, f->gateway, why, sizeof(why));
	if (rc == 0)
		printf("%s: default route via %s\n", f->name, ipv4(f->gateway, g));
	else
		fprintf(stderr, "%s:%u: warning: %s: gateway %s not installed: %s\n", f->loc.file,
			f->loc.line, f->name, ipv4(f->gateway, g), why);
	return 0;
}

/* The VLAN of the host's own MAC: the bridge's pvid when VLAN-aware. */
static uint16_t host_vlan(const struct dpb_ctl *c, const struct ctl_bridge *br)
{
	uint64_t vids[64];
	uint16_t pvid;

	if (!c->cfg.ifaces[br->iface].bridge.vlan_aware)
		return 0;
	dpb_cfg_port_vlans(&c->cfg, br->iface, &pvid, vids);
	return pvid;
}

/* The host's MAC, permanent in the FDB at the host port's place (after the others). */
static int hold_mac(struct dpb_ctl *c, struct ctl_bridge *br, const struct dpb_port *p)
{
	struct rte_ether_addr mac;

	rte_eth_macaddr_get(p->port_id, &mac);
	return dpb_fdb_add_permanent(br->fdb, host_vlan(c, br), mac.addr_bytes,
				     c->cfg.ifaces[br->iface].bridge.n_ports);
}

void ctl_host_port_moved(struct dpb_ctl *c, struct ctl_bridge *br)
{
	int pi = c->iface_port[br->iface];

	if (pi >= 0)
		hold_mac(c, br, &c->ports[pi]);
}

int ctl_host_port_init(struct dpb_ctl *c, struct ctl_bridge *br)
{
	const struct dpb_cfg_iface *f = &c->cfg.ifaces[br->iface];
	int pi = c->iface_port[br->iface];
	struct rte_eth_dev_info info;
	char ifname[IF_NAMESIZE];
	struct dpb_port *p;

	if (pi < 0)
		return 0;
	p = &c->ports[pi];
	first_bond_mac(c, &f->bridge, p);
	if (hold_mac(c, br, p) < 0)
		return -ENOSPC;
	if (rte_eth_dev_info_get(p->port_id, &info) != 0 || info.if_index == 0 ||
	    if_indextoname(info.if_index, ifname) == NULL) {
		fprintf(stderr, "%s:%u: warning: %s: host port %s has no kernel interface; address not applied\n",
			f->loc.file, f->loc.line, f->name, p->devargs);
		return 0;
	}
	return configure_kernel(f, ifname);
}
