/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The datapath's half of the ARP/NS link monitor: on a member of an
 * ARP-monitored bond, before its receive rule drops what a backup receives,
 * note when anything arrived, when an ARP/NS/NA arrived, and which targets
 * answered our addresses or saw our probes. Times are TSC readings in the
 * worker's own record; the control lcore reads them and decides (lib/bond).
 * Only the frames' headers are read; nothing is taken from the burst.
 */
#include <string.h>

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_ip.h>

#include "fwd_priv.h"

#define ND_SOLICIT 135
#define ND_ADVERT 136

static inline void note(_Atomic uint64_t *t, uint64_t now)
{
	atomic_store_explicit(t, now, memory_order_relaxed);
}

static int find4(const uint32_t *set, unsigned int n, uint32_t a)
{
	for (unsigned int k = 0; k < n; k++)
		if (set[k] == a)
			return (int)k;
	return -1;
}

static int find6(const uint8_t (*set)[16], unsigned int n, const uint8_t *a)
{
	for (unsigned int k = 0; k < n; k++)
		if (memcmp(set[k], a, 16) == 0)
			return (int)k;
	return -1;
}

static void seen_arp(struct dpb_fwd_arpseen *r, const struct dpb_fwd_arpmon *am,
		     const struct rte_mbuf *m, uint32_t off, uint64_t now)
{
	struct rte_arp_hdr buf;
	const struct rte_arp_hdr *arp = rte_pktmbuf_read(m, off, sizeof(buf), &buf);
	uint32_t sip, tip;
	int t;

	if (arp == NULL || arp->arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
	    arp->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
	    arp->arp_hlen != RTE_ETHER_ADDR_LEN || arp->arp_plen != 4)
		return;
	note(&r->arp, now);
	sip = arp->arp_data.arp_sip;
	tip = arp->arp_data.arp_tip;
	if (sip == 0)
		return;
	/* An answer: from a target to one of our addresses. */
	t = find4(am->targets4, am->n_targets4, sip);
	if (t >= 0 && find4(am->ours4, am->n_ours4, tip) >= 0) {
		note(&r->from_target[t], now);
		if (arp->arp_opcode == rte_cpu_to_be_16(RTE_ARP_OP_REPLY))
			note(&r->reply[t], now);
	}
	/* Our own probe, come round: from one of our addresses to a target. */
	t = find4(am->targets4, am->n_targets4, tip);
	if (t >= 0 && find4(am->ours4, am->n_ours4, sip) >= 0)
		note(&r->to_target[t], now);
}

static void seen_ipv6(struct dpb_fwd_arpseen *r, const struct dpb_fwd_arpmon *am,
		      const struct rte_mbuf *m, uint32_t off, uint64_t now)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	static const uint8_t any[16];
	struct { struct rte_ipv6_hdr ip; uint8_t type; } buf;
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_read(m, off, sizeof(buf), &buf);
	uint8_t type;
	int t;

	/* arp_validate filter counts any IPv6 frame, as Linux's bond_rcv_validate. */
	note(&r->arp, now);
	if (ip == NULL || ip->proto != IPPROTO_ICMPV6)
		return;
	type = *(const uint8_t *)(ip + 1);
	if (type != ND_SOLICIT && type != ND_ADVERT)
		return;
	/* As bond_validate_na(): from a target, to all nodes or to one of ours. */
	t = find6(am->targets6, am->n_targets6, ip->src_addr);
	if (t >= 0 && (memcmp(ip->dst_addr, all_nodes, 16) == 0 ||
		       find6(am->ours6, am->n_ours6, ip->dst_addr) >= 0)) {
		note(&r->from_target[DPB_FWD_ARP_TARGETS + t], now);
		note(&r->reply[DPB_FWD_ARP_TARGETS + t], now);
	}
	t = find6(am->targets6, am->n_targets6, ip->dst_addr);
	if (t >= 0 && memcmp(ip->src_addr, any, 16) != 0 &&
	    find6(am->ours6, am->n_ours6, ip->src_addr) >= 0)
		note(&r->to_target[DPB_FWD_ARP_TARGETS + t], now);
}

void fwd_arpmon_rx(struct dpb_worker *w, const struct dpb_fwd_snapshot *s, uint16_t pid,
		   const struct dpb_fwd_in *in, struct rte_mbuf **pkts, uint16_t n)
{
	const struct dpb_fwd_arpmon *am = &s->arpmon[(in->arpmon - 1) % DPB_FWD_MAX_BONDS];
	struct dpb_fwd_arpseen *r = &w->arpseen[pid];
	uint64_t now = rte_rdtsc();

	note(&r->rx, now);
	for (uint16_t i = 0; i < n; i++) {
		const struct rte_mbuf *m = pkts[i];
		const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
		uint32_t off = RTE_ETHER_HDR_LEN;
		uint16_t type;

		if (rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN)
			continue;
		type = eth->ether_type;
		if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN) ||
		    type == rte_cpu_to_be_16(RTE_ETHER_TYPE_QINQ)) {
			type = ((const struct rte_vlan_hdr *)(eth + 1))->eth_proto;
			off += RTE_VLAN_HLEN;
		}
		if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP))
			seen_arp(r, am, m, off, now);
		else if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6))
			seen_ipv6(r, am, m, off, now);
	}
}
