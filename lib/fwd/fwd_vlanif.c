/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VLAN interfaces of bonds and NICs (bond0.5, eno1.60), as Linux's VLAN
 * devices work: a frame the device receives tagged with the VLAN of one of
 * them loses its tag and belongs to that interface, before any bridge over
 * the device sees it; what the interface sends leaves the device tagged.
 * The interface is the host's (a host port of its own) or a port of a plain
 * bridge (Proxmox's vmbr0v5 over bond0.5), untagged inside that bridge.
 */
#include <rte_ether.h>

#include "fwd_priv.h"

static const struct dpb_fwd_vlanif *find(const struct dpb_fwd_demux *d, uint16_t vid)
{
	for (uint16_t k = 0; k < d->n; k++)
		if (d->vlan[k].vid == vid)
			return &d->vlan[k];
	return NULL;
}

uint16_t fwd_outer_vid(const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_vlan_hdr *tag = (const struct rte_vlan_hdr *)(eth + 1);

	if (rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN ||
	    eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN))
		return 0;
	return rte_be_to_cpu_16(tag->vlan_tci) & 0xfff;
}

static void to_vlanif(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
		      const struct dpb_fwd_in *in, const struct dpb_fwd_vlanif *v,
		      struct rte_mbuf *m)
{
	struct dpb_if_counters *c = &w->ctr[v->iface];
	struct dpb_fwd_in vin;

	dpb_ctr_add(&c->rx_pkts, 1);
	dpb_ctr_add(&c->rx_bytes, rte_pktmbuf_pkt_len(m));
	if (v->to_host) {
		to_port(w, s, v->port_id, m);
		return;
	}
	vin = (struct dpb_fwd_in){ .in_bridge = true, .rx_ok = true,
				   .rx_multicast_ok = in->rx_multicast_ok,
				   .bridge = v->bridge, .br_port = v->br_port };
	fwd_bridge_burst(w, s, &vin, v->iface, &m, 1);
}

uint16_t fwd_demux(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
		   const struct dpb_fwd_in *in, uint16_t in_iface, struct rte_mbuf **pkts, uint16_t n)
{
	const struct dpb_fwd_demux *d = &s->demux[(in->demux - 1) % DPB_FWD_MAX_DEMUX];
	uint16_t kept = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint16_t vid = fwd_outer_vid(m);
		const struct dpb_fwd_vlanif *v = vid ? find(d, vid) : NULL;

		if (v == NULL) {
			pkts[kept++] = m;
			continue;
		}
		/* tlb/alb: a switch floods broadcasts to every member; one copy counts. */
		if (!in->rx_multicast_ok &&
		    rte_is_multicast_ether_addr(&rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->dst_addr)) {
			drop(w, in_iface, DPB_DROP_RX_INACTIVE_SLAVE, m);
			continue;
		}
		/* The tag comes off in the first segment: on a copy when shared. */
		if (!fwd_unshare(w, in_iface, &m))
			continue;
		rte_vlan_strip(m);
		to_vlanif(w, s, in, v, m);
	}
	return kept;
}

void fwd_uplink_burst(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
		      const struct dpb_fwd_in *in, uint16_t in_iface, struct rte_mbuf **pkts,
		      uint16_t n)
{
	for (uint16_t i = 0; i < n; i++) {
		if (unlikely(rte_pktmbuf_data_len(pkts[i]) < RTE_ETHER_HDR_LEN)) {
			drop(w, in_iface, rte_pktmbuf_pkt_len(pkts[i]) < RTE_ETHER_HDR_LEN ?
				 DPB_DROP_RX_RUNT : DPB_DROP_RX_SPLIT_HEADER, pkts[i]);
			continue;
		}
		to_brport(w, s, &in->uplink, pkts[i]);
	}
}

uint16_t fwd_tag_in(struct dpb_worker *w, const struct dpb_fwd_in *in, uint16_t iface,
		    struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t kept = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (unlikely(rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN)) {
			drop(w, iface, rte_pktmbuf_pkt_len(m) < RTE_ETHER_HDR_LEN ?
				 DPB_DROP_RX_RUNT : DPB_DROP_RX_SPLIT_HEADER, m);
			continue;
		}
		if (fwd_push_vid(w, iface, &m, in->tag_in))
			pkts[kept++] = m;
	}
	return kept;
}

static bool local_vid(const struct dpb_fwd_bridge *br, uint16_t vid)
{
	return vid && (br->local_vids[vid / 64] >> (vid % 64) & 1);
}

bool fwd_local_takes(const struct dpb_fwd_bridge *br, const struct dpb_fwd_brport *bp,
		     const struct rte_mbuf *m)
{
	uint16_t vid = fwd_outer_vid(m);

	if (bp->local_vid)
		return vid == bp->local_vid;
	return !local_vid(br, vid);   /* the bridge's own: what no VLAN host port takes */
}

void fwd_to_local(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
		  const struct dpb_fwd_bridge *br, uint16_t in_iface, struct rte_mbuf *m)
{
	uint16_t vid = fwd_outer_vid(m);

	if (local_vid(br, vid)) {
		for (uint16_t k = 0; k < br->n_ports; k++) {
			if (br->ports[k].local_vid == vid) {
				to_brport(w, s, &br->ports[k], m);
				return;
			}
		}
	}
	if (br->host_brport >= 0 && !local_vid(br, vid)) {
		to_brport(w, s, &br->ports[br->host_brport], m);
		return;
	}
	drop(w, in_iface, DPB_DROP_VLAN_FILTERED, m);
}
