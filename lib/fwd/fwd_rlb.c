/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The datapath's half of balance-alb's receive load balancing: the host
 * port's ARP replies go to the control lcore (its requests are only
 * counted), which gives each client the
 * MAC of a member and sends the reply there (lib/bond/bond_rlb.c); what the
 * clients then send to a member's MAC arrives on that member and is handed
 * on with the host's MAC, so the bridge delivers it to the host port.
 * Bridged frames never pass here: only the host port's and the members'.
 */
#include <rte_arp.h>
#include <rte_ether.h>

#include "fwd_priv.h"

/* The ARP opcode of an Ethernet/IPv4 ARP frame, or 0. */
static uint16_t arp_op(const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	struct rte_arp_hdr buf;
	const struct rte_arp_hdr *arp;

	if (rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN ||
	    eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP))
		return 0;
	arp = rte_pktmbuf_read(m, RTE_ETHER_HDR_LEN, sizeof(buf), &buf);
	if (arp == NULL || arp->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
	    arp->arp_hlen != RTE_ETHER_ADDR_LEN || arp->arp_plen != 4)
		return 0;
	return rte_be_to_cpu_16(arp->arp_opcode);
}

uint16_t fwd_rlb_punt(struct dpb_worker *w, uint16_t pid, uint16_t iface, struct rte_mbuf **pkts,
		      uint16_t n)
{
	uint16_t kept = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint16_t op = arp_op(m);

		if (op != RTE_ARP_OP_REPLY) {
			/* The host's own request (broadcast) teaches every client
			 * the host's MAC: the control lcore tells them theirs again. */
			if (op == RTE_ARP_OP_REQUEST)
				dpb_ctr_add(&w->rlb_host_requests, 1);
			pkts[kept++] = m;
			continue;
		}
		m->port = pid;
		if (rte_ring_sp_enqueue(w->punt_ring, m) != 0)
			drop(w, iface, DPB_DROP_PUNT_FULL, m);
	}
	return kept;
}

uint16_t fwd_rlb_rx(struct dpb_worker *w, const struct dpb_fwd_in *in, uint16_t iface,
		    struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t kept = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

		if (rte_pktmbuf_data_len(m) >= RTE_ETHER_HDR_LEN &&
		    memcmp(eth->dst_addr.addr_bytes, in->rlb_mac, RTE_ETHER_ADDR_LEN) == 0) {
			if (!fwd_unshare(w, iface, &m))
				continue;
			eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
			memcpy(eth->dst_addr.addr_bytes, in->rlb_host_mac, RTE_ETHER_ADDR_LEN);
		}
		pkts[kept++] = m;
	}
	return kept;
}
