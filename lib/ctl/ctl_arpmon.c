/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ARP/NS monitor on the control lcore: every arp_interval it gathers
 * what the workers saw on each member, lets the bond decide (lib/bond), and
 * sends the probes the bond asks for. A probe comes from the host's address
 * above the bond, as Linux finds one through the bond's upper devices: the
 * address of a host port on its bridge (or on a VLAN of it, tagged) in the
 * target's subnet, else one where a default route leaves, else none (0.0.0.0
 * or ::, as Linux sends when it has no route).
 */
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "ctl_priv.h"
#include "dpb_announce.h"

static bool in_prefix(const struct dpb_cfg_addr *a, const uint8_t *target, int family)
{
	unsigned int len = a->prefix_len, bytes = len / 8;

	if (a->family != family)
		return false;
	if (memcmp(a->bytes, target, bytes) != 0)
		return false;
	if (len % 8 == 0)
		return true;
	return ((a->bytes[bytes] ^ target[bytes]) & (0xff00 >> (len % 8))) == 0;
}

/* The tag a host port's frames carry on the bond (0: none). */
static uint16_t host_port_tag(const struct dpb_cfg *cfg, int bond, int bridge, int f)
{
	const struct dpb_cfg_iface *br = bridge >= 0 ? &cfg->ifaces[bridge] : NULL;
	uint16_t bond_pvid = 0, host_pvid = 0;
	uint64_t vids[64];

	if (cfg->ifaces[f].kind == DPB_IFACE_VLAN && cfg->ifaces[f].vlan_raw == bond)
		return (uint16_t)cfg->ifaces[f].vlan_id;
	if (br == NULL || !br->bridge.vlan_aware) {
		return cfg->ifaces[f].kind == DPB_IFACE_VLAN ? (uint16_t)cfg->ifaces[f].vlan_id : 0;
	}
	dpb_cfg_port_vlans(cfg, bond, &bond_pvid, vids);
	if (cfg->ifaces[f].kind == DPB_IFACE_VLAN)
		host_pvid = (uint16_t)cfg->ifaces[f].vlan_id;
	else
		dpb_cfg_port_vlans(cfg, bridge, &host_pvid, vids);
	return host_pvid == bond_pvid ? 0 : host_pvid;
}

/*
 * Whether @f is a host port above bond @bond, as Linux's bond_verify_device_path
 * finds one (its bridge @bridge, a VLAN of either, or a bridge over one of the
 * bond's VLANs such as vmbr0v10 over bond0.10), and the tag its frames carry
 * on the bond.
 */
static bool above(const struct dpb_cfg *cfg, int bond, int bridge, int f, uint16_t *tag)
{
	const struct dpb_cfg_iface *x = &cfg->ifaces[f];

	if (!x->host_port)
		return false;
	if (f == bridge || (x->kind == DPB_IFACE_VLAN &&
			    (x->vlan_raw == bond || (bridge >= 0 && x->vlan_raw == bridge)))) {
		*tag = host_port_tag(cfg, bond, bridge, f);
		return true;
	}
	if (x->kind != DPB_IFACE_BRIDGE)
		return false;
	for (unsigned int k = 0; k < x->bridge.n_ports; k++) {
		const struct dpb_cfg_iface *p = &cfg->ifaces[x->bridge.ports[k]];

		if (p->kind == DPB_IFACE_VLAN && p->vlan_raw == bond) {
			*tag = (uint16_t)p->vlan_id;
			return true;
		}
	}
	return false;
}

static void add_ours(struct dpb_fwd_arpmon *am, const struct dpb_cfg_addr *a)
{
	if (a->family == AF_INET && am->n_ours4 < DPB_FWD_ARP_OURS)
		memcpy(&am->ours4[am->n_ours4++], a->bytes, 4);
	else if (a->family == AF_INET6 && am->n_ours6 < DPB_FWD_ARP_OURS)
		memcpy(am->ours6[am->n_ours6++], a->bytes, 16);
}

/* Picks the source of target @target (@family) into @src: the host port and its address. */
static void pick_source(const struct dpb_cfg *cfg, int bond, int bridge, const uint8_t *target,
			int family, struct ctl_arp_src *src)
{
	int via_gateway = -1;
	uint16_t tag, gateway_tag = 0;

	memset(src, 0, sizeof(*src));
	src->host = -1;
	for (unsigned int f = 0; f < cfg->n_ifaces; f++) {
		const struct dpb_cfg_iface *x = &cfg->ifaces[f];

		if (!above(cfg, bond, bridge, (int)f, &tag))
			continue;
		for (unsigned int k = 0; k < x->n_addrs; k++) {
			if (in_prefix(&x->addrs[k], target, family)) {
				memcpy(src->addr, x->addrs[k].bytes, 16);
				src->vlan = tag;
				src->host = (int)f;
				return;
			}
		}
		if (via_gateway < 0 &&
		    (family == AF_INET ? x->gateway4.family : x->gateway6.family)) {
			via_gateway = (int)f;
			gateway_tag = tag;
		}
	}
	if (via_gateway < 0)
		return;
	for (unsigned int k = 0; k < cfg->ifaces[via_gateway].n_addrs; k++) {
		const struct dpb_cfg_addr *a = &cfg->ifaces[via_gateway].addrs[k];

		if (a->family == family) {
			memcpy(src->addr, a->bytes, 16);
			src->vlan = gateway_tag;
			src->host = via_gateway;
			return;
		}
	}
}

void ctl_arpmon_init(struct dpb_ctl *c, struct ctl_bond *cb)
{
	const struct dpb_cfg *cfg = &c->file;
	const struct dpb_bond *b = &cb->bond;
	struct dpb_fwd_arpmon *am = &cb->arpmon;
	int bond = cb->iface, master = cfg->ifaces[bond].master;
	int bridge = master >= 0 && cfg->ifaces[master].kind == DPB_IFACE_BRIDGE ? master : -1;

	memset(am, 0, sizeof(*am));
	if (b->arp_interval_ms == 0)
		return;
	for (unsigned int f = 0; f < cfg->n_ifaces; f++) {
		uint16_t tag;

		if (above(cfg, bond, bridge, (int)f, &tag))
			for (unsigned int k = 0; k < cfg->ifaces[f].n_addrs; k++)
				add_ours(am, &cfg->ifaces[f].addrs[k]);
	}
	am->n_targets4 = (uint8_t)b->n_arp_targets;
	for (unsigned int t = 0; t < b->n_arp_targets; t++) {
		memcpy(&am->targets4[t], b->arp_targets[t], 4);
		pick_source(cfg, bond, bridge, b->arp_targets[t], AF_INET, &cb->arp_src[t]);
	}
	am->n_targets6 = (uint8_t)b->n_ns_targets;
	for (unsigned int t = 0; t < b->n_ns_targets; t++) {
		memcpy(am->targets6[t], b->ns_targets[t], 16);
		pick_source(cfg, bond, bridge, b->ns_targets[t], AF_INET6,
			    &cb->arp_src[DPB_CFG_MAX_ARP_TARGETS + t]);
	}
	if (am->n_ours4 + am->n_ours6 == 0)
		DPB_LOG(WARNING, BOND,
			"%s: the ARP monitor has no host address above the bond: probes go from 0.0.0.0 and ::, and answers cannot be validated",
			b->name);
}

static uint32_t be32_to_host(const uint8_t *a)
{
	return (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
}

/*
 * The MAC a probe from @src carries: its host port's, so that the target
 * learns the host's address at the host's MAC (a member's or the bond's MAC
 * would send the host's traffic nowhere); the member's without a source.
 */
static void probe_mac(const struct ctl_bond *cb, unsigned int k, const struct ctl_arp_src *src,
		      struct dpb_mac *mac)
{
	const struct dpb_ctl *c = cb->ctl;
	struct rte_ether_addr a;

	if (src->host >= 0 && c->ifs[src->host].port >= 0 &&
	    rte_eth_macaddr_get(c->ports[c->ifs[src->host].port].port_id, &a) == 0) {
		memcpy(mac->b, a.addr_bytes, DPB_MAC_LEN);
		return;
	}
	*mac = *dpb_bond_member_mac(&cb->bond, k);
}

static void send_probes(struct ctl_bond *cb, unsigned int k)
{
	const struct dpb_bond *b = &cb->bond;
	uint8_t frame[DPB_ANNOUNCE_FRAME_LEN];

	for (unsigned int t = 0; t < b->n_arp_targets + b->n_ns_targets; t++) {
		bool v4 = t < b->n_arp_targets;
		const struct ctl_arp_src *src =
			&cb->arp_src[v4 ? t : DPB_CFG_MAX_ARP_TARGETS + t - b->n_arp_targets];
		struct dpb_mac m, *mac = &m;
		size_t len;

		probe_mac(cb, k, src, &m);

		if (v4)
			len = dpb_announce_arp_request(frame, mac, be32_to_host(src->addr),
						       be32_to_host(b->arp_targets[t]), src->vlan);
		else
			len = dpb_announce_ns(frame, mac, src->addr,
					      b->ns_targets[t - b->n_arp_targets], src->vlan);
		if (ctl_member_send(cb, k, frame, len))
			cb->arp_probes++;
		else
			cb->arp_probes_lost++;
	}
}

static uint64_t tsc_ms(const struct dpb_ctl *c, uint64_t tsc)
{
	if (tsc == 0 || tsc < c->start_tsc)
		return 0;
	return (tsc - c->start_tsc) / (c->tsc_hz / 1000);
}

static void latest(const struct dpb_ctl *c, _Atomic const uint64_t *t, uint64_t *ms)
{
	uint64_t v = tsc_ms(c, atomic_load_explicit(t, memory_order_relaxed));

	if (v > *ms)
		*ms = v;
}

/* What member @k's device received, the latest of every worker's record. */
static void gather(const struct dpb_ctl *c, const struct ctl_bond *cb, unsigned int k,
		   struct dpb_arpmon_seen *s)
{
	uint16_t pid = c->ports[cb->member_port[k]].port_id;

	memset(s, 0, sizeof(*s));
	for (unsigned int w = 0; w < c->n_pollers; w++) {
		const struct dpb_fwd_arpseen *r = &c->workers[w]->arpseen[pid];

		latest(c, &r->rx, &s->rx_ms);
		latest(c, &r->arp, &s->arp_ms);
		for (unsigned int t = 0; t < DPB_BOND_MAX_TARGETS; t++) {
			latest(c, &r->from_target[t], &s->from_target_ms[t]);
			latest(c, &r->reply[t], &s->reply_ms[t]);
			latest(c, &r->to_target[t], &s->to_target_ms[t]);
		}
	}
}

void ctl_member_macs(struct dpb_ctl *c, struct ctl_bond *cb)
{
	for (unsigned int k = 0; k < cb->bond.n_members; k++) {
		const struct dpb_mac *mac = dpb_bond_member_mac(&cb->bond, k);
		struct rte_ether_addr a;

		if (dpb_mac_eq(mac, &cb->member_mac[k]))
			continue;
		cb->member_mac[k] = *mac;
		memcpy(a.addr_bytes, mac->b, RTE_ETHER_ADDR_LEN);
		dpb_port_set_mac(&c->ports[cb->member_port[k]], &a);
	}
}

void ctl_arpmon_tick(struct dpb_ctl *c, uint64_t now)
{
	for (unsigned int i = 0; i < c->n_bonds; i++) {
		struct ctl_bond *cb = &c->bonds[i];
		struct dpb_arpmon_seen seen[DPB_BOND_MAX_MEMBERS];
		bool carrier[DPB_BOND_MAX_MEMBERS];
		uint32_t probe;
		unsigned int changed;

		if (!dpb_bond_arpmon_due(&cb->bond, now))
			continue;
		for (unsigned int k = 0; k < cb->bond.n_members; k++) {
			struct dpb_port_link l;

			dpb_port_link(&c->ports[cb->member_port[k]], &l);
			carrier[k] = l.up;
			gather(c, cb, k, &seen[k]);
		}
		changed = dpb_bond_arpmon(&cb->bond, seen, carrier, now, &probe);
		if (changed)
			c->dirty = true;
		if (changed & DPB_BOND_CHANGED_ACTIVE)
			ctl_member_macs(c, cb);
		for (unsigned int k = 0; k < cb->bond.n_members; k++)
			if (probe >> k & 1)
				send_probes(cb, k);
	}
}

void ctl_arpmon_show(const struct ctl_bond *cb, struct dpb_strbuf *out)
{
	if (cb->bond.arp_interval_ms == 0)
		return;
	/* Linux keeps these in sysfs, not in /proc/net/bonding. */
	dpb_strbuf_printf(out, "ARP validate: %s, ARP all targets: %s\n",
			  dpb_arp_validate_name(cb->bond.arp_validate),
			  cb->bond.arp_all_targets ? "all" : "any");
	dpb_strbuf_printf(out, "ARP monitor: %lu probes sent, %lu lost\n",
			  (unsigned long)cb->arp_probes, (unsigned long)cb->arp_probes_lost);
}
