/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Each bond mode's transmit, chosen once when the snapshot is built: which
 * member(s) a frame leaves through. Members are those that transmit now
 * (bond->tx_port), in slave order. Each mode sends a frame at a time (a
 * flood, an announcement) or a burst (what the bridge sends to the bond):
 * a burst's frames are asked for at once and their members picked with no
 * call a frame, as DPDK's bond does.
 */
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>

#include <rte_ip.h>
#include <rte_prefetch.h>
#include <rte_random.h>

#include "dpb_bond_hash.h"
#include "fwd_priv.h"

/* x % n_tx, exactly, by multiplication (n_tx > 0). */
static inline uint32_t mod_n_tx(const struct dpb_fwd_bond *bond, uint32_t x)
{
	return x - rte_reciprocal_divide(x, bond->n_tx_div) * bond->n_tx;
}

/* active-backup: the one active member. */
static void tx_active_backup(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
			     const struct dpb_fwd_bond *bond, struct rte_mbuf *m)
{
	to_port(w, s, bond->tx_port[0], m);
}

/* An untagged IPv4 IGMP frame (membership reports must keep to one port). */
static inline bool is_igmp(const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const size_t proto_at = sizeof(*eth) + offsetof(struct rte_ipv4_hdr, next_proto_id);
	uint8_t buf;
	const uint8_t *proto;

	if (eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
	    rte_pktmbuf_pkt_len(m) < sizeof(*eth) + sizeof(struct rte_ipv4_hdr))
		return false;
	proto = rte_pktmbuf_read(m, proto_at, 1, &buf);
	return *proto == IPPROTO_IGMP;
}

/* The transmit hash of a chained frame whose headers run on past its first segment. */
static __rte_noinline uint32_t xmit_hash_chained(const struct dpb_fwd_bond *bond,
						 const struct rte_mbuf *m)
{
	uint8_t buf[DPB_XMIT_HASH_MAX_READ];
	uint32_t len = RTE_MIN(rte_pktmbuf_pkt_len(m), (uint32_t)sizeof(buf));

	return dpb_xmit_hash(bond->xmit_hash_policy, rte_pktmbuf_read(m, 0, len, buf), len);
}

/* The transmit hash of @m, read across segments where its headers are. */
static inline uint32_t xmit_hash(const struct dpb_fwd_bond *bond, const struct rte_mbuf *m)
{
	uint32_t len = rte_pktmbuf_data_len(m);

	if (unlikely(len < DPB_XMIT_HASH_MAX_READ && len < rte_pktmbuf_pkt_len(m)))
		return xmit_hash_chained(bond, m);
	return dpb_xmit_hash_inline(bond->xmit_hash_policy, rte_pktmbuf_mtod(m, const uint8_t *), len);
}

/*
 * The member of each frame, for the modes that pick one by the frame, as
 * its place in tx_port:
 *
 * balance-rr: Linux's counter, per bond and here per worker (no shared
 * state): incremented before use, divided by packets_per_slave; 0 picks a
 * random member. IGMP goes through one member, the first that transmits,
 * as Linux sends it through its active slave, so that a switch snooping
 * IGMP sees the host's memberships on one port.
 */
static inline uint16_t pick_rr(struct dpb_worker *w, const struct dpb_fwd_bond *bond,
			       struct rte_mbuf *m)
{
	uint32_t id;

	if (unlikely(is_igmp(m)))
		return 0;
	if (bond->packets_per_slave == 0)
		id = (uint32_t)rte_rand();
	else
		id = rte_reciprocal_divide(++w->rr_counter[bond->idx], bond->pps_div);
	return (uint16_t)mod_n_tx(bond, id);
}

/* balance-xor: the transmit hash policy, modulo the members that transmit. */
static inline uint16_t pick_xor(struct dpb_worker *w, const struct dpb_fwd_bond *bond,
				struct rte_mbuf *m)
{
	RTE_SET_USED(w);
	return (uint16_t)mod_n_tx(bond, xmit_hash(bond, m));
}

/* balance-xor with hash buckets: the bucket's member. */
static inline uint16_t pick_xor_buckets(struct dpb_worker *w, const struct dpb_fwd_bond *bond,
					struct rte_mbuf *m)
{
	RTE_SET_USED(w);
	return bond->bucket_slot[xmit_hash(bond, m) & bond->bucket_mask];
}

/*
 * balance-tlb/alb by load: the member of the source MAC's bucket, so a MAC
 * stays on one member; the bytes are counted for the control lcore's
 * rebalancing.
 */
static inline uint16_t pick_tlb(struct dpb_worker *w, const struct dpb_fwd_bond *bond,
				struct rte_mbuf *m)
{
	const uint8_t *eth = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t bucket = dpb_fwd_tlb_bucket(0, eth + 6);

	dpb_ctr_add(&w->tlb_bytes[bond->idx][bucket], rte_pktmbuf_pkt_len(m));
	return bond->bucket_slot[bucket];
}

#define TX_ONE(name, pick)                                                                \
	static void name(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,          \
			 const struct dpb_fwd_bond *bond, struct rte_mbuf *m)             \
	{                                                                                 \
		to_port(w, s, bond->tx_port[pick(w, bond, m)], m);                        \
	}

TX_ONE(tx_balance_rr, pick_rr)
TX_ONE(tx_balance_xor, pick_xor)
TX_ONE(tx_balance_xor_buckets, pick_xor_buckets)
TX_ONE(tx_tlb, pick_tlb)

/* broadcast: one reference per member, no copies. */
static void tx_broadcast(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
			 const struct dpb_fwd_bond *bond, struct rte_mbuf *m)
{
	if (bond->n_tx > 1)
		fwd_ref(m, (uint16_t)(bond->n_tx - 1));
	for (uint16_t i = 0; i < bond->n_tx; i++)
		to_port(w, s, bond->tx_port[i], m);
}

/* A burst's frames sorted by member (its place in tx_port). */
struct by_member {
	uint16_t n[DPB_CFG_MAX_MEMBERS];
	struct rte_mbuf *pkts[DPB_CFG_MAX_MEMBERS][DPB_FWD_BURST];
};

/* Each member's frames of @bm, a list a member. */
static inline void send_by_member(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
				  const struct dpb_fwd_bond *bond, struct by_member *bm)
{
	for (uint16_t k = 0; k < bond->n_tx; k++)
		if (bm->n[k] > 0)
			to_port_bulk(w, s, bond->tx_port[k], bm->pkts[k], bm->n[k]);
}

/*
 * A burst, for the modes that pick by the frame: every frame's first line
 * asked for at once, then each frame's member picked (the hashes, one
 * after another, none waiting on a queue) and the frame put on its
 * member's list, then a list a member sent.
 */
#define TX_BURST(name, pick)                                                              \
	static void name(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,          \
			 const struct dpb_fwd_bond *bond, struct rte_mbuf **pkts, uint16_t n) \
	{                                                                                 \
		struct by_member bm;                                                      \
                                                                                          \
		for (uint16_t i = 0; i < n; i++)                                          \
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));                 \
		while (n > 0) {                                                           \
			uint16_t k = RTE_MIN(n, (uint16_t)DPB_FWD_BURST);                 \
                                                                                          \
			memset(bm.n, 0, sizeof(bm.n[0]) * bond->n_tx);                    \
			for (uint16_t i = 0; i < k; i++) {                                \
				uint16_t slot = pick(w, bond, pkts[i]);                   \
                                                                                          \
				bm.pkts[slot][bm.n[slot]++] = pkts[i];                    \
			}                                                                 \
			send_by_member(w, s, bond, &bm);                                  \
			pkts += k;                                                        \
			n = (uint16_t)(n - k);                                            \
		}                                                                         \
	}

/* active-backup: the burst as it is, to the active member. */
static void txb_active_backup(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
			      const struct dpb_fwd_bond *bond, struct rte_mbuf **pkts, uint16_t n)
{
	to_port_bulk(w, s, bond->tx_port[0], pkts, n);
}

/*
 * broadcast: a reference per member on each frame, then the burst to each:
 * measured once for every member, sent at once to each with nothing
 * queued (none is copied).
 */
static void txb_broadcast(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
			  const struct dpb_fwd_bond *bond, struct rte_mbuf **pkts, uint16_t n)
{
	struct fwd_tx_measure tm;

	if (bond->n_tx > 1)
		for (uint16_t i = 0; i < n; i++)
			fwd_ref(pkts[i], (uint16_t)(bond->n_tx - 1));
	fwd_tx_measure(pkts, n, &tm);
	for (uint16_t k = 0; k < bond->n_tx; k++)
		to_port_bulk_measured(w, s, bond->tx_port[k], pkts, n, &tm);
}

/*
 * balance-rr, one frame a member in turn (packets_per_slave 1, the
 * default): Linux's counter kept, its modulo followed frame to frame with
 * no division. Other packets_per_slave values go by pick_rr.
 */
static void txb_rr_each(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
			const struct dpb_fwd_bond *bond, struct rte_mbuf **pkts, uint16_t n)
{
	uint32_t *counter = &w->rr_counter[bond->idx];
	struct by_member bm;

	for (uint16_t i = 0; i < n; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	while (n > 0) {
		uint16_t k = RTE_MIN(n, (uint16_t)DPB_FWD_BURST);
		uint32_t c = *counter;
		uint16_t slot = (uint16_t)mod_n_tx(bond, c + 1);  /* the next frame's */

		memset(bm.n, 0, sizeof(bm.n[0]) * bond->n_tx);
		for (uint16_t i = 0; i < k; i++) {
			if (unlikely(is_igmp(pkts[i]))) {
				bm.pkts[0][bm.n[0]++] = pkts[i];
				continue;
			}
			bm.pkts[slot][bm.n[slot]++] = pkts[i];
			if (unlikely(++c + 1 == 0))
				slot = 0;       /* the counter wraps: (c + 1) % n_tx is 0 */
			else if (++slot == bond->n_tx)
				slot = 0;
		}
		*counter = c;
		send_by_member(w, s, bond, &bm);
		pkts += k;
		n = (uint16_t)(n - k);
	}
}

TX_BURST(txb_rr_pps, pick_rr)
TX_BURST(txb_balance_xor, pick_xor)
TX_BURST(txb_balance_xor_buckets, pick_xor_buckets)
TX_BURST(txb_tlb, pick_tlb)

static void txb_balance_rr(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
			   const struct dpb_fwd_bond *bond, struct rte_mbuf **pkts, uint16_t n)
{
	if (bond->packets_per_slave == 1)
		txb_rr_each(w, s, bond, pkts, n);
	else
		txb_rr_pps(w, s, bond, pkts, n);
}

/* The way each mode sends, a frame or a burst at a time. */
enum tx_kind { TX_NONE, TX_AB, TX_RR, TX_XOR, TX_XOR_BUCKETS, TX_TLB, TX_BROADCAST };

static const struct {
	dpb_fwd_bond_tx_t one;
	dpb_fwd_bond_tx_burst_t burst;
} tx_fns[] = {
	[TX_NONE] = { NULL, NULL },
	[TX_AB] = { tx_active_backup, txb_active_backup },
	[TX_RR] = { tx_balance_rr, txb_balance_rr },
	[TX_XOR] = { tx_balance_xor, txb_balance_xor },
	[TX_XOR_BUCKETS] = { tx_balance_xor_buckets, txb_balance_xor_buckets },
	[TX_TLB] = { tx_tlb, txb_tlb },
	[TX_BROADCAST] = { tx_broadcast, txb_broadcast },
};

static enum tx_kind tx_kind(enum dpb_bond_mode mode, bool buckets)
{
	switch (mode) {
	case DPB_BOND_MODE_ACTIVE_BACKUP: return TX_AB;
	case DPB_BOND_MODE_BALANCE_RR: return TX_RR;
	case DPB_BOND_MODE_BALANCE_XOR:
	case DPB_BOND_MODE_8023AD:  /* over the distributing members */
		return buckets ? TX_XOR_BUCKETS : TX_XOR;
	case DPB_BOND_MODE_BROADCAST: return TX_BROADCAST;
	case DPB_BOND_MODE_BALANCE_TLB:
	case DPB_BOND_MODE_BALANCE_ALB:
		/* With tlb_dynamic_lb=0, by the xmit hash policy, as Linux. */
		return buckets ? TX_TLB : TX_XOR;
	default: return TX_NONE;
	}
}

dpb_fwd_bond_tx_t dpb_fwd_bond_tx_for(enum dpb_bond_mode mode, bool buckets)
{
	return tx_fns[tx_kind(mode, buckets)].one;
}

dpb_fwd_bond_tx_burst_t dpb_fwd_bond_tx_burst_for(enum dpb_bond_mode mode, bool buckets)
{
	return tx_fns[tx_kind(mode, buckets)].burst;
}
