/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_FWD_PRIV_H
#define DPB_FWD_PRIV_H

/* Internal to lib/fwd: moving frames to a port's tx buffer. */

#include <rte_ether.h>

#include "dpb_fwd.h"

/* Sends what @pid's tx buffer holds on the worker's queue; frees and counts
 * what the device did not take. */
void fwd_flush_port(struct dpb_worker *w, const struct dpb_fwd_snapshot *s, uint16_t pid);

static inline void drop(struct dpb_worker *w, uint16_t iface, enum dpb_drop_reason r,
			struct rte_mbuf *m)
{
	dpb_ctr_add(&w->ctr[iface].drops[r], 1);
	rte_pktmbuf_free(m);
}

/* Queues @m (one reference) for transmission on ethdev @pid. */
static inline void to_port(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
			   uint16_t pid, struct rte_mbuf *m)
{
	struct dpb_fwd_txbuf *b = &w->txbuf[pid];

	if (s->tx_down[pid]) {
		drop(w, s->port_iface[pid], DPB_DROP_TX_LINK_DOWN, m);
		return;
	}
	if (!b->dirty) {
		b->dirty = true;
		w->dirty[w->n_dirty++] = pid;
	}
	b->pkts[b->n++] = m;
	if (b->n == DPB_FWD_TXBUF)
		fwd_flush_port(w, s, pid);
}

static inline void to_brport(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
			     const struct dpb_fwd_brport *bp, struct rte_mbuf *m)
{
	const struct dpb_fwd_bond *bond;

	if (bp->kind == DPB_BRPORT_PORT) {
		to_port(w, s, bp->port_id, m);
		return;
	}
	bond = &s->bonds[bp->bond];
	if (bond->n_tx == 0) {
		drop(w, bond->iface, DPB_DROP_TX_NO_SLAVE, m);
		return;
	}
	bond->tx(w, s, bond, m);
}

static inline bool is_link_local(const struct rte_ether_addr *a)
{
	/* 01:80:c2:00:00:00 - 01:80:c2:00:00:0f: never forwarded by a bridge. */
	return a->addr_bytes[0] == 0x01 && a->addr_bytes[1] == 0x80 &&
	       a->addr_bytes[2] == 0xc2 && a->addr_bytes[3] == 0 &&
	       a->addr_bytes[4] == 0 && (a->addr_bytes[5] & 0xf0) == 0;
}

/*
 * A bridge's first look at a received frame: long enough, a usable source,
 * and (tlb/alb, where a switch floods to every member) broadcast only on the
 * active member. @return its Ethernet header, or NULL when dropped (counted).
 */
static inline const struct rte_ether_hdr *fwd_admit(struct dpb_worker *w,
						    const struct dpb_fwd_in *in, uint16_t in_iface,
						    struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth;

	if (rte_pktmbuf_data_len(m) < sizeof(*eth)) {
		drop(w, in_iface, DPB_DROP_RX_RUNT, m);
		return NULL;
	}
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (!rte_is_valid_assigned_ether_addr(&eth->src_addr)) {
		drop(w, in_iface, DPB_DROP_RX_BAD_SOURCE, m);
		return NULL;
	}
	if (!in->rx_multicast_ok && rte_is_multicast_ether_addr(&eth->dst_addr)) {
		drop(w, in_iface, DPB_DROP_RX_INACTIVE_SLAVE, m);
		return NULL;
	}
	return eth;
}

/* Asks the control lcore to learn @src in @vlan on @br_port. */
void fwd_learn(struct dpb_worker *w, const struct rte_ether_addr *src, uint16_t vlan,
	       uint16_t bridge, uint16_t br_port);

/*
 * A VM's or the host's own ARP or neighbour discovery frame: tells the
 * control lcore its address, which announcements after failover use.
 */
void fwd_snoop_addr(struct dpb_worker *w, const struct rte_mbuf *m,
		    const struct rte_ether_hdr *eth, uint16_t vlan, uint16_t bridge,
		    uint16_t br_port);

/* fwd_vlan.c: a burst received on a port of a VLAN-aware bridge. */
void fwd_bridge_burst_vlan(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
			   const struct dpb_fwd_in *in, uint16_t in_iface,
			   struct rte_mbuf **pkts, uint16_t n);

#endif
