/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Peer notification for bridged MACs: when the members that carry a bond's
 * traffic change (failover, fail-back, a tlb/alb rebalance, an 802.3ad
 * member lost or added), every MAC the bridge learned on a port that is not
 * a bond (VMs, the host port) is announced through the bond, as the mode now
 * sends that MAC's broadcasts: a gratuitous ARP where the bridge has seen
 * the MAC's IPv4 address, else a RARP; and an unsolicited NA where it has
 * seen its IPv6 address. balance-tlb/alb by load pins each source MAC to a
 * bucket: there only the MACs of buckets that changed member are announced.
 * `bond-num-grat-arp` rounds (0: none),
 * `bond-peer-notif-delay` apart (0: one miimon interval), as Linux spaces
 * its own peer notifications.
 */
#include <string.h>

#include <rte_mbuf.h>

#include <rte_ethdev.h>

#include "ctl_priv.h"
#include "dpb_announce.h"

/* FDB slots a round reads a tick at most (512 KB): a default table's round takes 4 ticks. */
#define ANNOUNCE_SLOTS_PER_CALL 32768u
/* Slots read at a time, each chunk only while the worker's announcement
 * ring has room for all it may make (two frames an entry): a round goes at
 * the pace the worker sends, rather than making frames the ring refuses. */
#define ANNOUNCE_CHUNK 256u

/* Whether the bond sends by source-MAC bucket (balance-tlb/alb by load). */
static bool by_mac_bucket(const struct ctl_bond *cb)
{
	return cb->bond.tlb_dynamic_lb && !cb->bond.ops->tx_on_active &&
	       cb->bond.n_buckets == DPB_FWD_TLB_BUCKETS &&
	       (cb->bond.mode == DPB_BOND_MODE_BALANCE_TLB ||
		cb->bond.mode == DPB_BOND_MODE_BALANCE_ALB);
}

/* The ethdev bucket @k of bond @b sends on (with no member up, the first member's). */
static uint16_t bucket_port(const struct dpb_fwd_bond *b, unsigned int k)
{
	return b->tx_port[b->bucket_slot[k]];
}

static bool tx_changed(const struct dpb_fwd_bond *a, const struct dpb_fwd_bond *b)
{
	if (a->n_tx != b->n_tx || a->tx != b->tx ||
	    memcmp(a->tx_port, b->tx_port, sizeof(a->tx_port[0]) * a->n_tx) != 0)
		return true;
	if (a->bucket_mask != b->bucket_mask)
		return true;
	for (unsigned int k = 0; a->bucket_mask && k <= a->bucket_mask; k++)
		if (bucket_port(a, k) != bucket_port(b, k))
			return true;
	return false;
}

/* tlb/alb: marks the buckets whose member changed. @return how many. */
static unsigned int mark_moved(struct ctl_bond *cb, const struct dpb_fwd_bond *a,
			       const struct dpb_fwd_bond *b)
{
	unsigned int n = 0;

	for (unsigned int k = 0; k < DPB_FWD_TLB_BUCKETS; k++) {
		if (bucket_port(a, k) == bucket_port(b, k))
			continue;
		cb->notify_moved[k / 64] |= 1ull << (k % 64);
		n++;
	}
	return n;
}

/* Bond @iface (a slot) in snapshot @s; a bond with no member when it has none (a new one). */
static const struct dpb_fwd_bond *bond_in(const struct dpb_fwd_snapshot *s, int iface)
{
	static const struct dpb_fwd_bond none;

	for (unsigned int k = 0; k < s->n_bonds; k++)
		if (s->bonds[k].iface == iface)
			return &s->bonds[k];
	return &none;
}

void ctl_announce_changes(struct dpb_ctl *c, const struct dpb_fwd_snapshot *old,
			  const struct dpb_fwd_snapshot *now_snap, uint64_t now)
{
	for (unsigned int i = 0; i < c->n_bonds; i++) {
		struct ctl_bond *cb = &c->bonds[i];
		/* By slot: a reload may have renumbered the bonds. */
		const struct dpb_fwd_bond *a = bond_in(old, cb->iface), *b = &now_snap->bonds[i];
		unsigned int rounds = cb->conf.num_grat_arp;
		bool pending = cb->notify_left > 0;

		if (rounds == 0 || b->n_tx == 0 || !tx_changed(a, b))
			continue;
		if (!pending) {
			cb->notify_all = false;
			memset(cb->notify_moved, 0, sizeof(cb->notify_moved));
		}
		if (by_mac_bucket(cb) && a->tx == b->tx && a->bucket_mask == b->bucket_mask) {
			if (mark_moved(cb, a, b) == 0 && !pending)
				continue;  /* the same members, listed in another order */
		} else {
			cb->notify_all = true;
		}
		cb->notify_left = rounds;
		cb->notify_next_ms = now;
		/* A round under way starts again: its frames went by the old members. */
		ctl_announce_restart(cb);
	}
}

struct round {
	struct dpb_ctl *c;
	struct ctl_bond *cb;
	const struct ctl_bridge *br;
	uint16_t bond_pvid;        /* VLAN-aware: the bond port's pvid (sent untagged) */
	uint64_t bond_vids[64];    /* VLAN-aware: the VLANs the bond port carries */
	uint16_t tag;              /* the bridge is over a VLAN of the bond (vmbr0v5): its tag */
	unsigned int via;          /* the bridge's port to the bond (or its VLAN) */
};

/* Queues one announcement frame for the bond. @return true if queued. */
static bool queue_frame(struct round *r, const uint8_t *frame, size_t len)
{
	struct ctl_bond *cb = r->cb;

	if (ctl_inject(r->c, true, (uint16_t)(cb - r->c->bonds), frame, len))
		return true;
	cb->notify_lost++;
	return false;
}

static void announce_one(void *ctx, const struct dpb_fdb_item *it)
{
	struct round *r = ctx;
	struct ctl_bond *cb = r->cb;
	uint8_t frame[DPB_ANNOUNCE_FRAME_LEN];
	uint16_t vlan = it->vlan;
	size_t len;

	/* Bond ports' MACs live beyond the bonds: not ours to announce. */
	if (it->port == r->via ||
	    (it->port < r->br->n_ports && r->c->ifs[r->br->ports[it->port]].bond >= 0))
		return;
	if (!cb->notify_all) {
		uint32_t k = dpb_fwd_tlb_bucket(0, it->mac.b);

		if (!(cb->notify_moved[k / 64] >> (k % 64) & 1))
			return;  /* its member did not change */
	}
	if (r->br->vlan_aware) {
		if (!dpb_cfg_vid_isset(r->bond_vids, vlan))
			return;
		if (vlan == r->bond_pvid)
			vlan = 0;  /* the bond sends its pvid untagged */
	} else {
		vlan = r->tag;
	}
	len = it->ipv4 ? dpb_announce_garp(frame, &it->mac, it->ipv4, vlan) :
			 dpb_announce_rarp(frame, &it->mac, vlan);
	if (queue_frame(r, frame, len)) {
		if (it->ipv4)
			cb->notify_garp++;
		else
			cb->notify_rarp++;
	}
	if (it->ipv6) {
		len = dpb_announce_na(frame, &it->mac, it->ipv6, vlan);
		if (queue_frame(r, frame, len))
			cb->notify_na++;
	}
}

/* The host's addresses on VLANs of the bond (bond0.60): gratuitous ARP and NA, tagged. */
static void announce_vlan_hosts(struct dpb_ctl *c, struct ctl_bond *cb)
{
	struct round r = { .c = c, .cb = cb };
	uint8_t frame[DPB_ANNOUNCE_FRAME_LEN];

	for (unsigned int i = 0; i < c->n_ifs; i++) {
		const struct dpb_cfg_iface *v = &c->file.ifaces[i];   /* its addresses */
		struct rte_ether_addr a;
		struct dpb_mac mac;

		if (c->ifs[i].added || v->kind != DPB_IFACE_VLAN || !v->host_port || v->master >= 0 ||
		    v->vlan_raw != cb->iface || c->ifs[i].port < 0 ||
		    rte_eth_macaddr_get(c->ports[c->ifs[i].port].port_id, &a) != 0)
			continue;
		memcpy(mac.b, a.addr_bytes, DPB_MAC_LEN);
		for (unsigned int k = 0; k < v->n_addrs; k++) {
			const struct dpb_cfg_addr *ad = &v->addrs[k];
			uint32_t ip = (uint32_t)ad->bytes[0] << 24 | (uint32_t)ad->bytes[1] << 16 |
				      (uint32_t)ad->bytes[2] << 8 | ad->bytes[3];
			bool v4 = ad->family == AF_INET;
			size_t len = v4 ? dpb_announce_garp(frame, &mac, ip, (uint16_t)v->vlan_id) :
					  dpb_announce_na(frame, &mac, ad->bytes, (uint16_t)v->vlan_id);

			if (queue_frame(&r, frame, len)) {
				if (v4)
					cb->notify_garp++;
				else
					cb->notify_na++;
			}
		}
	}
}

/*
 * One round: every MAC learned beyond the bond's bridges, on the bridge over
 * the bond itself and on those over its VLANs (Proxmox's vmbr0v5 over
 * bond0.5, tagged), and the host's addresses on the bond's VLANs. A round
 * reads at most @budget FDB slots a call, and no more than the worker's
 * announcement ring has room for, and goes on from there at the next
 * (cb->notify_br, _port, _slot): a bridge of a million MACs has millions of
 * slots, and the control lcore (with -l 0, the forwarding too) must not
 * stop for them, nor make frames the ring cannot take. @return whether the
 * round is done.
 */
static bool round_step(struct dpb_ctl *c, struct ctl_bond *cb, uint32_t budget)
{
	for (; cb->notify_br < c->n_bridges;
	     cb->notify_br++, cb->notify_port = 0, cb->notify_slot = 0) {
		const struct ctl_bridge *br = &c->bridges[cb->notify_br];
		struct round r = { .c = c, .cb = cb, .br = br };

		for (; cb->notify_port < br->n_ports; cb->notify_port++, cb->notify_slot = 0) {
			unsigned int k = cb->notify_port;
			const struct ctl_iface *p = &c->ifs[br->ports[k]];

			if (br->ports[k] == cb->iface) {
				r.tag = 0;
			} else if (p->kind == DPB_IFACE_VLAN && p->vlan_raw == cb->iface &&
				   !br->vlan_aware) {
				r.tag = (uint16_t)p->vlan_id;
			} else {
				continue;
			}
			r.via = k;
			if (br->vlan_aware)
				ctl_port_vlans(c, cb->iface, &r.bond_pvid, r.bond_vids);
			while (cb->notify_slot < dpb_fdb_slots(br->fdb)) {
				uint32_t from = cb->notify_slot;

				if (budget == 0 ||
				    rte_ring_free_count(c->workers[0]->announce_ring) < 2 * ANNOUNCE_CHUNK)
					return false;   /* on at the next tick */
				cb->notify_slot = dpb_fdb_foreach_from(br->fdb, from,
								       RTE_MIN(budget, ANNOUNCE_CHUNK),
								       announce_one, &r);
				budget -= cb->notify_slot - from;
			}
		}
	}
	announce_vlan_hosts(c, cb);
	ctl_announce_restart(cb);
	return true;
}

void ctl_announce_restart(struct ctl_bond *cb)
{
	cb->notify_br = 0;
	cb->notify_port = 0;
	cb->notify_slot = 0;
}

void ctl_announce_tick(struct dpb_ctl *c, uint64_t now)
{
	for (unsigned int i = 0; i < c->n_bonds; i++) {
		struct ctl_bond *cb = &c->bonds[i];
		unsigned int gap = cb->bond.peer_notif_delay * cb->bond.miimon_ms;

		if (cb->notify_left == 0 || now < cb->notify_next_ms ||
		    !round_step(c, cb, ANNOUNCE_SLOTS_PER_CALL))
			continue;
		cb->notify_left--;
		cb->notify_rounds++;
		cb->notify_last_ms = now;
		cb->notify_next_ms = now + (gap ? gap : cb->bond.miimon_ms ? cb->bond.miimon_ms : 100);
	}
}

void ctl_announce_show(const struct ctl_bond *cb, struct dpb_strbuf *out)
{
	dpb_strbuf_printf(out, "Peer notifications (bridged MACs): %lu rounds, %lu RARP, %lu gratuitous ARP, %lu unsolicited NA, %lu lost",
			  (unsigned long)cb->notify_rounds, (unsigned long)cb->notify_rarp,
			  (unsigned long)cb->notify_garp, (unsigned long)cb->notify_na,
			  (unsigned long)cb->notify_lost);
	if (cb->notify_rounds)
		dpb_strbuf_printf(out, ", last at %.3f s", (double)cb->notify_last_ms / 1000.0);
	dpb_strbuf_puts(out, "\n");
}
