/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_FWD_PRIV_H
#define DPB_FWD_PRIV_H

/* Internal to lib/fwd: moving frames to a port: into its tx buffer, or out at once. */

#include <string.h>

#include <rte_ether.h>

#include "dpb_fwd.h"

/* Sends what @pid's tx buffer holds on the worker's queue; frees and counts
 * what the device did not take. */
void fwd_flush_port(struct dpb_worker *w, const struct dpb_fwd_snapshot *s, uint16_t pid);
/*
 * Transmits @n frames on ethdev @pid now (its MTU and chaining checked,
 * drops counted), leaving the list @pkts as it was: broadcast hands the
 * same list to every member. That holds as long as the devices' tx burst
 * does not rewrite its array, which DPDK allows a driver to do only for a
 * frame it must change itself (a VLAN tag asked for with
 * RTE_MBUF_F_TX_VLAN, which dpbond never sets) and for tx callbacks,
 * which dpbond does not register. Worker.
 */
void fwd_send(struct dpb_worker *w, const struct dpb_fwd_snapshot *s, uint16_t pid,
	      struct rte_mbuf **pkts, uint16_t n);

/* What a port's transmit checks of a list of frames, taken once for several ports. */
struct fwd_tx_measure {
	uint64_t bytes;     /* their bytes together */
	uint32_t max_len;   /* the longest */
	bool chained;       /* any of more than one segment */
};

/* Measures @n frames for fwd_send_measured(): one pass, no branch a frame. */
static inline void fwd_tx_measure(struct rte_mbuf *const *pkts, uint16_t n,
				  struct fwd_tx_measure *tm)
{
	uint64_t bytes = 0;
	uint32_t max_len = 0;
	uint16_t segs = 1;

	for (uint16_t i = 0; i < n; i++) {
		uint32_t len = rte_pktmbuf_pkt_len(pkts[i]);

		bytes += len;
		max_len = RTE_MAX(max_len, len);
		segs |= pkts[i]->nb_segs;
	}
	tm->bytes = bytes;
	tm->max_len = max_len;
	tm->chained = segs != 1;
}

/* fwd_send() of frames measured by fwd_tx_measure(). Worker. */
void fwd_send_measured(struct dpb_worker *w, const struct dpb_fwd_snapshot *s, uint16_t pid,
		       struct rte_mbuf **pkts, uint16_t n, const struct fwd_tx_measure *tm);

static inline void drop(struct dpb_worker *w, uint16_t iface, enum dpb_drop_reason r,
			struct rte_mbuf *m)
{
	dpb_ctr_add(&w->ctr[iface].drops[r], 1);
	rte_pktmbuf_free(m);
}

/*
 * Takes @n more references on frame @m, one on each of its segments: every
 * holder frees the whole chain with rte_pktmbuf_free, and a segment goes back
 * to its pool only with its last reference.
 */
static inline void fwd_ref(struct rte_mbuf *m, uint16_t n)
{
	if (likely(m->nb_segs == 1))
		rte_mbuf_refcnt_update(m, (int16_t)n);
	else
		rte_pktmbuf_refcnt_update(m, (int16_t)n);
}

/* Whether the first segment's data is this holder's alone, to rewrite. */
static inline bool fwd_head_writable(const struct rte_mbuf *m)
{
	return RTE_MBUF_DIRECT(m) && rte_mbuf_refcnt_read(m) == 1;
}

/*
 * Makes *@mp a frame whose first segment is ours to rewrite: a copy of the
 * whole chain (in as few segments as the pool's mbufs allow) when another
 * holder shares it, our reference to the original given up. @return false
 * when no mbuf was left for the copy: the frame is dropped and counted
 * (no-mbuf) on @iface.
 */
static inline bool fwd_unshare(struct dpb_worker *w, uint16_t iface, struct rte_mbuf **mp)
{
	struct rte_mbuf *copy;

	if (likely(fwd_head_writable(*mp)))
		return true;
	copy = rte_pktmbuf_copy(*mp, w->pool, 0, UINT32_MAX);
	if (copy == NULL) {
		drop(w, iface, DPB_DROP_NO_MBUF, *mp);
		return false;
	}
	rte_pktmbuf_free(*mp);
	*mp = copy;
	return true;
}

/* @pid's tx buffer, listed for the end of the pass's flush. */
static inline struct dpb_fwd_txbuf *fwd_txbuf(struct dpb_worker *w, uint16_t pid)
{
	struct dpb_fwd_txbuf *b = &w->txbuf[pid];

	if (!b->dirty) {
		b->dirty = true;
		w->dirty[w->n_dirty++] = pid;
	}
	return b;
}

/* Queues @m (one reference) for transmission on ethdev @pid. */
static inline void to_port(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
			   uint16_t pid, struct rte_mbuf *m)
{
	struct dpb_fwd_txbuf *b;

	if (s->tx_down[pid]) {
		drop(w, s->port_iface[pid], DPB_DROP_TX_LINK_DOWN, m);
		return;
	}
	b = fwd_txbuf(w, pid);
	b->pkts[b->n++] = m;
	if (b->n == DPB_FWD_TXBUF)
		fwd_flush_port(w, s, pid);
}

/*
 * Sends @n frames (one reference each) on ethdev @pid: at once when there
 * are DPB_FWD_TX_DIRECT or more and nothing is queued there before them,
 * else queued in its tx buffer behind what is. @tm: the frames measured by
 * fwd_tx_measure() (a list sent to several ports), or NULL.
 */
static inline void to_port_bulk_measured(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
					 uint16_t pid, struct rte_mbuf **pkts, uint16_t n,
					 const struct fwd_tx_measure *tm)
{
	struct dpb_fwd_txbuf *b;

	if (s->tx_down[pid]) {
		dpb_ctr_add(&w->ctr[s->port_iface[pid]].drops[DPB_DROP_TX_LINK_DOWN], n);
		rte_pktmbuf_free_bulk(pkts, n);
		return;
	}
	b = &w->txbuf[pid];
	if (b->n == 0 && n >= DPB_FWD_TX_DIRECT) {   /* nothing queued before them: they go now */
		if (tm)
			fwd_send_measured(w, s, pid, pkts, n, tm);
		else
			fwd_send(w, s, pid, pkts, n);
		return;
	}
	b = fwd_txbuf(w, pid);
	while (n > 0) {
		uint16_t k = RTE_MIN(n, (uint16_t)(DPB_FWD_TXBUF - b->n));

		memcpy(&b->pkts[b->n], pkts, k * sizeof(pkts[0]));
		b->n = (uint16_t)(b->n + k);
		pkts += k;
		n = (uint16_t)(n - k);
		if (b->n == DPB_FWD_TXBUF)
			fwd_flush_port(w, s, pid);
	}
}

/* to_port_bulk_measured() of frames not measured. Worker. */
static inline void to_port_bulk(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
				uint16_t pid, struct rte_mbuf **pkts, uint16_t n)
{
	to_port_bulk_measured(w, s, pid, pkts, n, NULL);
}

/* Tags @p m with @p vid in front (on a copy when shared). @return false when dropped. */
static inline bool fwd_push_vid(struct dpb_worker *w, uint16_t iface, struct rte_mbuf **mp,
				uint16_t vid)
{
	if (!fwd_unshare(w, iface, mp))
		return false;
	(*mp)->vlan_tci = vid;
	if (rte_vlan_insert(mp) != 0) {
		drop(w, iface, DPB_DROP_NO_MBUF, *mp);
		return false;
	}
	return true;
}

static inline void to_brport(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
			     const struct dpb_fwd_brport *bp, struct rte_mbuf *m)
{
	const struct dpb_fwd_bond *bond;

	if (unlikely(bp->push_vid) && !fwd_push_vid(w, bp->iface, &m, bp->push_vid))
		return;
	if (unlikely(bp->local_vid)) {
		/* The host's VLAN of a plain bridge: its tag comes off (callers checked it). */
		if (!fwd_unshare(w, bp->iface, &m))
			return;
		rte_vlan_strip(m);
	}
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

/*
 * Before a flood to @n_out ports: one reference per destination (no
 * copies), or the frame dropped as no-other-port when there is none.
 * @return whether there is somewhere to send it.
 */
static inline bool fwd_flood_refs(struct dpb_worker *w, uint16_t in_iface, struct rte_mbuf *m,
				  uint16_t n_out)
{
	if (n_out == 0) {
		drop(w, in_iface, DPB_DROP_NO_OTHER_PORT, m);
		return false;
	}
	if (n_out > 1)
		fwd_ref(m, (uint16_t)(n_out - 1));
	return true;
}

/*
 * 01:80:c2:00:00:01 - 01:80:c2:00:00:0f (IEEE 802.1D Table 7-10: Pause, Slow
 * Protocols, 802.1X, LLDP, ...): never forwarded by a bridge. The Bridge
 * Group Address 01:80:c2:00:00:00 is, as a Linux bridge with STP off
 * forwards BPDUs so that switches around it still see a loop: dpbond runs
 * no STP.
 */
static inline bool is_link_local(const struct rte_ether_addr *a)
{
	return a->addr_bytes[0] == 0x01 && a->addr_bytes[1] == 0x80 &&
	       a->addr_bytes[2] == 0xc2 && a->addr_bytes[3] == 0 &&
	       a->addr_bytes[4] == 0 && (a->addr_bytes[5] & 0xf0) == 0 &&
	       a->addr_bytes[5] != 0;
}

/* What the bridge reads in place: the Ethernet header and one VLAN tag. */
#define FWD_HDR_LEN ((uint32_t)(RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN))

/*
 * A bridge's first look at a received frame: long enough, its headers in its
 * first segment, a usable source, and (tlb/alb, where a switch floods to
 * every member) broadcast only on the active member. @return its Ethernet
 * header, or NULL when dropped (counted).
 */
static inline const struct rte_ether_hdr *fwd_admit(struct dpb_worker *w,
						    const struct dpb_fwd_in *in, uint16_t in_iface,
						    struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth;

	if (unlikely(rte_pktmbuf_data_len(m) < FWD_HDR_LEN)) {
		if (rte_pktmbuf_pkt_len(m) < sizeof(*eth)) {
			drop(w, in_iface, DPB_DROP_RX_RUNT, m);
			return NULL;
		}
		if (rte_pktmbuf_data_len(m) < RTE_MIN(rte_pktmbuf_pkt_len(m), FWD_HDR_LEN)) {
			drop(w, in_iface, DPB_DROP_RX_SPLIT_HEADER, m);
			return NULL;
		}
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

/*
 * Before a burst's lookups: asks for the FDB lines of each frame's source
 * and destination, so that in a large table their misses overlap rather
 * than come one after another. On a VLAN-aware bridge (@vlan_aware) the
 * VLAN is the frame's tag's, else @pvid. With @keys (a plain bridge: the
 * VLAN is 0), the keys are kept there, source and destination of frame i
 * at 2i and 2i + 1. Frames too short are left to fwd_admit.
 */
static inline void fwd_prefetch_fdb(const struct dpb_fdb *fdb, struct rte_mbuf **pkts, uint16_t n,
				    bool vlan_aware, uint16_t pvid, uint64_t *keys)
{
	for (uint16_t i = 0; i < n; i++) {
		const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(pkts[i], const struct rte_ether_hdr *);
		uint64_t src, dst;
		uint16_t vid = 0;

		if (unlikely(rte_pktmbuf_data_len(pkts[i]) < RTE_ETHER_HDR_LEN))
			continue;
		if (vlan_aware && rte_pktmbuf_data_len(pkts[i]) >= FWD_HDR_LEN) {
			const struct rte_vlan_hdr *tag = (const struct rte_vlan_hdr *)(eth + 1);

			vid = eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN) ?
			      rte_be_to_cpu_16(tag->vlan_tci) & 0xfff : 0;
			if (vid == 0)
				vid = pvid;
		}
		src = dpb_fdb_key(vid, eth->src_addr.addr_bytes);
		dst = dpb_fdb_key(vid, eth->dst_addr.addr_bytes);
		dpb_fdb_prefetch_key(fdb, src);
		dpb_fdb_prefetch_key(fdb, dst);
		if (keys) {
			keys[2 * i] = src;
			keys[2 * i + 1] = dst;
		}
	}
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
/* fwd_worker.c: a burst received on port @in->br_port of bridge @in->bridge. */
void fwd_bridge_burst(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
		      const struct dpb_fwd_in *in, uint16_t in_iface, struct rte_mbuf **pkts,
		      uint16_t n);

/* fwd_vlanif.c: VLAN interfaces of bonds and NICs, and the host's VLANs of plain bridges. */
/* The VLAN of a frame's outer 802.1Q tag, or 0. */
uint16_t fwd_outer_vid(const struct rte_mbuf *m);
/* Tags what a plain bridge's VLAN host port sends. @return how many frames are left. */
uint16_t fwd_tag_in(struct dpb_worker *w, const struct dpb_fwd_in *in, uint16_t iface,
		    struct rte_mbuf **pkts, uint16_t n);
/* A frame for the host on a bridge with VLAN host ports: to the one its tag names, else the bridge's. */
void fwd_to_local(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
		  const struct dpb_fwd_bridge *br, uint16_t in_iface, struct rte_mbuf *m);
/* Whether flooding @m to local port @bp gives it to the host there. */
bool fwd_local_takes(const struct dpb_fwd_bridge *br, const struct dpb_fwd_brport *bp,
		     const struct rte_mbuf *m);
/* Takes the frames of its device's VLAN interfaces out of @pkts. @return how many are left. */
uint16_t fwd_demux(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
		   const struct dpb_fwd_in *in, uint16_t in_iface, struct rte_mbuf **pkts, uint16_t n);
/* What a VLAN interface's host port sends: tagged, to its bond or NIC. */
void fwd_uplink_burst(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
		      const struct dpb_fwd_in *in, uint16_t in_iface, struct rte_mbuf **pkts,
		      uint16_t n);

/* fwd_rlb.c: balance-alb's receive load balancing for the host's addresses. */
/* Hands the host port's ARP replies to the control lcore. @return how many frames are left. */
uint16_t fwd_rlb_punt(struct dpb_worker *w, uint16_t pid, uint16_t iface, struct rte_mbuf **pkts,
		      uint16_t n);
/* Gives frames to the member's own MAC the host's MAC. @return how many frames are left. */
uint16_t fwd_rlb_rx(struct dpb_worker *w, const struct dpb_fwd_in *in, uint16_t iface,
		    struct rte_mbuf **pkts, uint16_t n);

/* fwd_arpmon.c: records what an ARP-monitored member received (before its receive rule). */
void fwd_arpmon_rx(struct dpb_worker *w, const struct dpb_fwd_snapshot *s, uint16_t pid,
		   const struct dpb_fwd_in *in, struct rte_mbuf **pkts, uint16_t n);

void fwd_bridge_burst_vlan(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
			   const struct dpb_fwd_in *in, uint16_t in_iface,
			   struct rte_mbuf **pkts, uint16_t n);

#endif
