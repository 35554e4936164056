/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker's burst path: rx, admit, bridge, pick the member, tx. Decisions
 * come from the snapshot; frames move through per-port tx buffers that are
 * drained once per pass on this worker's own tx queue.
 */
#include <string.h>

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_lcore.h>

#include "dpb_snoop.h"
#include "fwd_priv.h"

static const char *const drop_names[] = {
#define X(id, name, dir, desc) [DPB_DROP_##id] = name,
	DPB_DROP_REASONS(X)
#undef X
};

static const char *const drop_descs[] = {
#define X(id, name, dir, desc) [DPB_DROP_##id] = desc,
	DPB_DROP_REASONS(X)
#undef X
};

static const enum dpb_drop_dir drop_dirs[] = {
#define X(id, name, dir, desc) [DPB_DROP_##id] = DPB_DROP_DIR_##dir,
	DPB_DROP_REASONS(X)
#undef X
};

const char *dpb_drop_reason_name(enum dpb_drop_reason r)
{
	return (unsigned int)r < DPB_DROP_COUNT ? drop_names[r] : "unknown";
}

const char *dpb_drop_reason_desc(enum dpb_drop_reason r)
{
	return (unsigned int)r < DPB_DROP_COUNT ? drop_descs[r] : "unknown";
}

enum dpb_drop_dir dpb_drop_reason_dir(enum dpb_drop_reason r)
{
	return (unsigned int)r < DPB_DROP_COUNT ? drop_dirs[r] : DPB_DROP_DIR_RX;
}

/* A frame over @max bytes that a VLAN tag explains (Linux allows the tag besides the MTU). */
static inline bool tagged_fits(const struct rte_mbuf *m, uint32_t len, uint32_t max)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);

	return len <= max + RTE_VLAN_HLEN && rte_pktmbuf_data_len(m) >= sizeof(*eth) &&
	       (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN) ||
		eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_QINQ));
}

/* Transmits @n frames on @pid's queue as they are; what the device refuses is counted and freed. */
static inline void tx_now(struct dpb_worker *w, const struct dpb_fwd_snapshot *s, uint16_t pid,
			  struct rte_mbuf **pkts, uint16_t n, uint64_t bytes)
{
	struct dpb_if_counters *c = &w->ctr[s->port_iface[pid]];
	uint16_t sent = rte_eth_tx_burst(pid, (uint16_t)w->idx, pkts, n);

	if (unlikely(sent < n)) {
		for (uint16_t i = sent; i < n; i++) {
			bytes -= rte_pktmbuf_pkt_len(pkts[i]);
			rte_pktmbuf_free(pkts[i]);
		}
		dpb_ctr_add(&c->drops[DPB_DROP_TX_FULL], n - sent);
	}
	dpb_ctr_add(&c->tx_pkts, sent);
	dpb_ctr_add(&c->tx_bytes, bytes);
}

/*
 * Some of @n frames may not leave @pid: longer than its MTU (counted, never
 * cut), or chained where the device sends one segment a frame. The rest go,
 * from a copy of the list (@pkts may be another port's too: a broadcast).
 */
static __rte_noinline void tx_filtered(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
				       uint16_t pid, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t iface = s->port_iface[pid];
	uint32_t max = s->max_frame[pid];

	while (n > 0) {
		struct rte_mbuf *keep[DPB_FWD_TXBUF];
		uint16_t k = RTE_MIN(n, (uint16_t)DPB_FWD_TXBUF), kept = 0;
		uint64_t bytes = 0;

		for (uint16_t i = 0; i < k; i++) {
			struct rte_mbuf *m = pkts[i];
			uint32_t len = rte_pktmbuf_pkt_len(m);

			if (m->nb_segs != 1 && !s->tx_chains[pid])
				drop(w, iface, DPB_DROP_TX_CHAINED, m);
			else if (len > max && !tagged_fits(m, len, max))
				drop(w, iface, DPB_DROP_TX_MTU, m);
			else {
				keep[kept++] = m;
				bytes += len;
			}
		}
		if (kept > 0)
			tx_now(w, s, pid, keep, kept, bytes);
		pkts += k;
		n = (uint16_t)(n - k);
	}
}

void fwd_send_measured(struct dpb_worker *w, const struct dpb_fwd_snapshot *s, uint16_t pid,
		       struct rte_mbuf **pkts, uint16_t n, const struct fwd_tx_measure *tm)
{
	if (unlikely(tm->max_len > s->max_frame[pid] || (tm->chained && !s->tx_chains[pid])))
		tx_filtered(w, s, pid, pkts, n);
	else
		tx_now(w, s, pid, pkts, n, tm->bytes);
}

void fwd_send(struct dpb_worker *w, const struct dpb_fwd_snapshot *s, uint16_t pid,
	      struct rte_mbuf **pkts, uint16_t n)
{
	struct fwd_tx_measure tm;

	fwd_tx_measure(pkts, n, &tm);
	fwd_send_measured(w, s, pid, pkts, n, &tm);
}

void fwd_flush_port(struct dpb_worker *w, const struct dpb_fwd_snapshot *s, uint16_t pid)
{
	struct dpb_fwd_txbuf *b = &w->txbuf[pid];

	fwd_send(w, s, pid, b->pkts, b->n);
	b->n = 0;
}

/* A flood on a plain bridge with VLAN host ports: each host port takes only its frames. */
static __rte_noinline void flood_local(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
				       const struct dpb_fwd_bridge *br, uint16_t in_brport,
				       uint16_t in_iface, struct rte_mbuf *m)
{
	uint16_t out[DPB_FWD_MAX_BR_PORTS];
	uint16_t n_out = 0;

	for (uint16_t i = 0; i < br->n_ports; i++)
		if (i != in_brport && (!br->ports[i].local || fwd_local_takes(br, &br->ports[i], m)))
			out[n_out++] = i;
	if (!fwd_flood_refs(w, in_iface, m, n_out))
		return;
	for (uint16_t i = 0; i < n_out; i++)
		to_brport(w, s, &br->ports[out[i]], m);
}

static void flood(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
		  const struct dpb_fwd_bridge *br, uint16_t in_brport, uint16_t in_iface,
		  struct rte_mbuf *m)
{
	uint16_t n_out = (uint16_t)(br->n_ports - 1);

	if (unlikely(br->has_local_vlans)) {
		flood_local(w, s, br, in_brport, in_iface, m);
		return;
	}
	if (!fwd_flood_refs(w, in_iface, m, n_out))
		return;
	for (uint16_t i = 0; i < br->n_ports; i++)
		if (i != in_brport)
			to_brport(w, s, &br->ports[i], m);
}

static void send_learn(struct dpb_worker *w, struct dpb_learn_req *req,
		       const struct rte_ether_addr *src)
{
	rte_ether_addr_copy(src, (struct rte_ether_addr *)req->mac);
	if (rte_ring_sp_enqueue_elem(w->learn_ring, req, sizeof(*req)) != 0)
		dpb_ctr_add(&w->learn_ring_full, 1);
}

void fwd_learn(struct dpb_worker *w, const struct rte_ether_addr *src, uint16_t vlan,
	       uint16_t bridge, uint16_t br_port)
{
	struct dpb_learn_req req = { .vlan = vlan, .bridge = bridge, .br_port = br_port };

	send_learn(w, &req, src);
}

/* The sender address of an Ethernet/IPv4 ARP frame (host order), or 0. */
static uint32_t arp_sender(const struct rte_mbuf *m)
{
	uint8_t buf[DPB_SNOOP_ARP_LEN];
	const uint8_t *arp = rte_pktmbuf_read(m, RTE_ETHER_HDR_LEN, sizeof(buf), buf);

	return arp ? dpb_snoop_arp_sender(arp, sizeof(buf)) : 0;
}

/* The address a neighbour solicitation or advertisement shows for its sender. */
static bool nd_address(const struct rte_mbuf *m, uint8_t *addr)
{
	uint8_t buf[DPB_SNOOP_ND_LEN];
	const uint8_t *ip = rte_pktmbuf_read(m, RTE_ETHER_HDR_LEN, sizeof(buf), buf);

	return ip && dpb_snoop_nd_address(ip, sizeof(buf), addr);
}

void fwd_snoop_addr(struct dpb_worker *w, const struct rte_mbuf *m,
		    const struct rte_ether_hdr *eth, uint16_t vlan, uint16_t bridge,
		    uint16_t br_port)
{
	struct dpb_learn_req req = { .vlan = vlan, .bridge = bridge, .br_port = br_port };

	if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP))
		req.ipv4 = arp_sender(m);
	else if (eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6) ||
		 !nd_address(m, req.ipv6))
		return;
	if (req.ipv4 || req.ipv6[0])
		send_learn(w, &req, &eth->src_addr);
}

static void drop_burst(struct dpb_worker *w, uint16_t iface, enum dpb_drop_reason r,
		       struct rte_mbuf **pkts, uint16_t n)
{
	dpb_ctr_add(&w->ctr[iface].drops[r], n);
	rte_pktmbuf_free_bulk(pkts, n);
}

/*
 * A burst's known unicast frames for one bond, handed to the bond's burst
 * transmit together (its members picked with no call a frame).
 */
struct bond_batch {
	const struct dpb_fwd_brport *bp;
	uint16_t n;
	struct rte_mbuf *pkts[DPB_FWD_BURST];
};

static void batch_flush(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
			struct bond_batch *bb)
{
	const struct dpb_fwd_bond *bond;

	if (bb->n == 0)
		return;
	bond = &s->bonds[bb->bp->bond];
	if (bond->n_tx == 0)
		drop_burst(w, bond->iface, DPB_DROP_TX_NO_SLAVE, bb->pkts, bb->n);
	else
		bond->tx_burst(w, s, bond, bb->pkts, bb->n);
	bb->n = 0;
}

/* Sends @m to bridge port @bp: a bond's frames wait in @bb for the burst's end. */
static inline void to_brport_batched(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
				     const struct dpb_fwd_brport *bp, struct bond_batch *bb,
				     struct rte_mbuf *m)
{
	if (bp->kind != DPB_BRPORT_BOND || bp->push_vid || bp->local_vid) {
		to_brport(w, s, bp, m);
		return;
	}
	if (bb->n == DPB_FWD_BURST || (bb->n && bb->bp != bp))
		batch_flush(w, s, bb);
	bb->bp = bp;
	bb->pkts[bb->n++] = m;
}

void fwd_bridge_burst(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
		      const struct dpb_fwd_in *in, uint16_t in_iface, struct rte_mbuf **pkts,
		      uint16_t n)
{
	const struct dpb_fwd_bridge *br = &s->bridges[in->bridge];
	uint64_t keys[2 * DPB_FWD_BURST];
	struct bond_batch bb;

	if (unlikely(n > DPB_FWD_BURST)) {   /* a burst at a time: keys[] holds one */
		fwd_bridge_burst(w, s, in, in_iface, pkts, DPB_FWD_BURST);
		fwd_bridge_burst(w, s, in, in_iface, pkts + DPB_FWD_BURST,
				 (uint16_t)(n - DPB_FWD_BURST));
		return;
	}
	/* Ask for every header of the burst at once: the misses overlap. */
	for (uint16_t i = 0; i < n; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	if (br->vlan_aware) {
		fwd_prefetch_fdb(br->fdb, pkts, n, true, br->ports[in->br_port].pvid, NULL);
		fwd_bridge_burst_vlan(w, s, in, in_iface, pkts, n);
		return;
	}
	fwd_prefetch_fdb(br->fdb, pkts, n, false, 0, keys);
	bb.n = 0;
	bb.bp = NULL;
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct rte_ether_hdr *eth = fwd_admit(w, in, in_iface, m);
		int out;

		if (eth == NULL)
			continue;
		/* A VLAN host port shares the host's MAC, held where the bridge's is. */
		if (!in->tag_in && !dpb_fdb_source_known_key(br->fdb, keys[2 * i], in->br_port))
			fwd_learn(w, &eth->src_addr, 0, in->bridge, in->br_port);
		if (in->snoop_addr)
			fwd_snoop_addr(w, m, eth, 0, in->bridge, in->br_port);
		if (rte_is_multicast_ether_addr(&eth->dst_addr)) {
			if (is_link_local(&eth->dst_addr)) {
				drop(w, in_iface, DPB_DROP_LINK_LOCAL, m);
			} else {
				batch_flush(w, s, &bb);   /* what went before leaves first */
				flood(w, s, br, in->br_port, in_iface, m);
			}
			continue;
		}
		out = dpb_fdb_lookup_key(br->fdb, keys[2 * i + 1], NULL);
		if (out < 0 || out >= br->n_ports) {
			batch_flush(w, s, &bb);
			flood(w, s, br, in->br_port, in_iface, m);
		} else if (out == in->br_port) {
			drop(w, in_iface, DPB_DROP_SAME_PORT, m);
		} else if (unlikely(br->has_local_vlans) && br->ports[out].local) {
			fwd_to_local(w, s, br, in_iface, m);
		} else {
			to_brport_batched(w, s, &br->ports[out], &bb, m);
		}
	}
	batch_flush(w, s, &bb);
}

/*
 * Hands slow-protocol frames (LACP, Marker) of an 802.3ad member to the
 * control lcore, whatever the member's receive rule, and keeps the rest.
 * @return how many frames are left in @p pkts.
 */
static uint16_t punt_slow(struct dpb_worker *w, uint16_t pid, uint16_t iface,
			  struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t kept = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);

		if (rte_pktmbuf_data_len(m) < sizeof(*eth) ||
		    eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_SLOW)) {
			pkts[kept++] = m;
			continue;
		}
		m->port = pid;  /* not every PMD sets it (net_ring does not) */
		if (rte_ring_sp_enqueue(w->punt_ring, m) != 0)
			drop(w, iface, DPB_DROP_PUNT_FULL, m);
	}
	return kept;
}

/* What the control lcore sends (LACPDUs, Marker responses): worker 0 only. */
static void inject(struct dpb_worker *w, const struct dpb_fwd_snapshot *s)
{
	struct rte_mbuf *pkts[DPB_FWD_BURST];
	unsigned int n = rte_ring_sc_dequeue_burst(w->inject_ring, (void **)pkts, DPB_FWD_BURST,
						   NULL);

	for (unsigned int i = 0; i < n; i++)
		to_port(w, s, pkts[i]->port, pkts[i]);
}

/* Announcements after failover: sent through the bond, as its mode picks. */
static void announce(struct dpb_worker *w, const struct dpb_fwd_snapshot *s)
{
	struct rte_mbuf *pkts[DPB_FWD_BURST];
	unsigned int n = rte_ring_sc_dequeue_burst(w->announce_ring, (void **)pkts,
						   DPB_FWD_BURST, NULL);

	for (unsigned int i = 0; i < n; i++) {
		const struct dpb_fwd_bond *bond = &s->bonds[pkts[i]->port % DPB_FWD_MAX_BONDS];

		if (bond->n_tx == 0)
			drop(w, bond->iface, DPB_DROP_TX_NO_SLAVE, pkts[i]);
		else
			bond->tx(w, s, bond, pkts[i]);
	}
}

/* Sends what the pass queued, one burst per port. */
static void flush_dirty(struct dpb_worker *w, const struct dpb_fwd_snapshot *s)
{
	for (uint16_t i = 0; i < w->n_dirty; i++) {
		struct dpb_fwd_txbuf *b = &w->txbuf[w->dirty[i]];

		if (b->n)
			fwd_flush_port(w, s, w->dirty[i]);
		b->dirty = false;
	}
	w->n_dirty = 0;
}

uint32_t dpb_fwd_poll(struct dpb_worker *w, const struct dpb_fwd_snapshot *s)
{
	struct rte_mbuf *pkts[DPB_FWD_BURST];
	uint32_t rx = 0, bursts = 0;

	if (w->inject_ring) {
		inject(w, s);
		announce(w, s);
	}
	if (!s->forwarding) {
		flush_dirty(w, s);   /* what the control lcore queued still leaves */
		return 0;
	}
	for (uint16_t q = 0; q < s->n_rxq[w->idx]; q++) {
		uint16_t pid = s->rxq[w->idx][q].port_id;
		const struct dpb_fwd_in *in = &s->in[pid];
		uint16_t iface = s->port_iface[pid];
		uint16_t n = rte_eth_rx_burst(pid, s->rxq[w->idx][q].queue, pkts, DPB_FWD_BURST);
		uint64_t bytes = 0;

		if (n == 0)
			continue;
		rx += n;
		bursts++;
		for (uint16_t i = 0; i < n; i++)
			bytes += rte_pktmbuf_pkt_len(pkts[i]);
		dpb_ctr_add(&w->ctr[iface].rx_pkts, n);
		dpb_ctr_add(&w->ctr[iface].rx_bytes, bytes);
		if (s->cable_out[pid]) {
			drop_burst(w, iface, DPB_DROP_RX_LINK_DOWN, pkts, n);
			continue;
		}
		if (in->punt_slow && (n = punt_slow(w, pid, iface, pkts, n)) == 0)
			continue;
		if (in->arpmon)
			fwd_arpmon_rx(w, s, pid, in, pkts, n);
		if (!in->rx_ok) {
			drop_burst(w, iface, DPB_DROP_RX_INACTIVE_SLAVE, pkts, n);
			continue;
		}
		if (in->rlb_punt && (n = fwd_rlb_punt(w, pid, iface, pkts, n)) == 0)
			continue;
		if (in->rlb_rx && (n = fwd_rlb_rx(w, in, iface, pkts, n)) == 0)
			continue;
		if (in->tag_in && (n = fwd_tag_in(w, in, iface, pkts, n)) == 0)
			continue;
		if (in->to_uplink) {
			fwd_uplink_burst(w, s, in, iface, pkts, n);
			continue;
		}
		if (in->demux && (n = fwd_demux(w, s, in, iface, pkts, n)) == 0)
			continue;
		if (!in->in_bridge)
			drop_burst(w, iface, DPB_DROP_RX_NO_BRIDGE, pkts, n);
		else
			fwd_bridge_burst(w, s, in, iface, pkts, n);
	}
	flush_dirty(w, s);
	if (rx) {
		dpb_ctr_add(&w->rx_bursts, bursts);
		dpb_ctr_add(&w->rx_burst_pkts, rx);
	}
	return rx;
}

int dpb_fwd_worker_main(void *arg)
{
	struct dpb_worker *w = arg;
	unsigned int tid = w->idx;
	uint64_t start;

	rte_rcu_qsbr_thread_register(w->qsbr, tid);
	rte_rcu_qsbr_thread_online(w->qsbr, tid);
	/* One TSC read a pass: each pass's end is the next one's start, so
	 * busy + idle is every cycle the loop ran. */
	start = rte_rdtsc();
	while (!atomic_load_explicit(&w->quit, memory_order_relaxed)) {
		const struct dpb_fwd_snapshot *s =
			atomic_load_explicit(w->snapshot, memory_order_acquire);
		uint32_t n = dpb_fwd_poll(w, s);
		uint64_t end;

		rte_rcu_qsbr_quiescent(w->qsbr, tid);
		end = rte_rdtsc();
		dpb_fwd_account(w, n, end - start);
		start = end;
	}
	rte_rcu_qsbr_thread_offline(w->qsbr, tid);
	rte_rcu_qsbr_thread_unregister(w->qsbr, tid);
	return 0;
}

void dpb_fwd_bond_burst(struct dpb_worker *w, const struct dpb_fwd_snapshot *s, uint16_t bond,
			struct rte_mbuf **pkts, uint16_t n)
{
	const struct dpb_fwd_bond *b = &s->bonds[bond % DPB_FWD_MAX_BONDS];

	if (b->n_tx == 0) {
		drop_burst(w, b->iface, DPB_DROP_TX_NO_SLAVE, pkts, n);
		return;
	}
	b->tx_burst(w, s, b, pkts, n);
	flush_dirty(w, s);
}
