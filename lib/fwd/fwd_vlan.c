/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VLAN-aware bridging, as a Linux bridge with vlan_filtering does it: a
 * frame belongs to the VLAN of its tag, or to its port's pvid when untagged;
 * a port takes and sends only its VLANs; the FDB is keyed by (VLAN, MAC);
 * a frame leaves untagged on a port whose pvid it is in, tagged elsewhere.
 *
 * Frames travel untagged inside, their VLAN in m->vlan_tci. A tag is taken
 * off and put back in the first segment only when it is ours alone, else on
 * a copy of the whole chain: a flood shares one frame among ports, and a
 * device may hand us a frame it still holds.
 */
#include <rte_ether.h>

#include "fwd_priv.h"

static inline bool has_vid(const struct dpb_fwd_snapshot *s, uint16_t iface, uint16_t vid)
{
	return s->vids[iface][vid / 64] >> (vid % 64) & 1;
}

/* Sends our reference to @m out of @bp in VLAN m->vlan_tci. */
static void to_brport_vlan(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
			   const struct dpb_fwd_brport *bp, uint16_t in_iface, struct rte_mbuf *m)
{
	if ((m->vlan_tci & 0xfff) != bp->pvid) {
		/* The tag goes in front of the first segment: on a copy when
		 * another port (or the device we took it from) shares it. */
		if (!fwd_unshare(w, in_iface, &m))
			return;
		if (rte_vlan_insert(&m) != 0) {
			drop(w, in_iface, DPB_DROP_NO_MBUF, m);
			return;
		}
	}
	to_brport(w, s, bp, m);
}

static void flood_vlan(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
		       const struct dpb_fwd_bridge *br, uint16_t in_brport, uint16_t in_iface,
		       uint16_t vid, struct rte_mbuf *m)
{
	uint16_t out[DPB_FWD_MAX_BR_PORTS];
	uint16_t n_out = 0;

	for (uint16_t i = 0; i < br->n_ports; i++)
		if (i != in_brport && has_vid(s, br->ports[i].iface, vid))
			out[n_out++] = i;
	if (!fwd_flood_refs(w, in_iface, m, n_out))
		return;
	for (uint16_t i = 0; i < n_out; i++)
		to_brport_vlan(w, s, &br->ports[out[i]], in_iface, m);
}

/*
 * Takes the frame's VLAN: its tag (stripped into m->vlan_tci, on a copy of
 * the frame when its first segment is shared) or the port's pvid.
 * @return the VLAN; 0 when the port does not carry it (the frame is still
 * the caller's), -1 when the frame was dropped for want of an mbuf (counted).
 */
static int ingress_vlan(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
			const struct dpb_fwd_brport *bp, uint16_t in_iface, struct rte_mbuf **mp)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(*mp, const struct rte_ether_hdr *);
	uint16_t vid;

	/* fwd_admit saw the tag in the first segment if the frame has one. */
	if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN) &&
	    rte_pktmbuf_data_len(*mp) >= sizeof(*eth) + sizeof(struct rte_vlan_hdr)) {
		if (!fwd_unshare(w, in_iface, mp))
			return -1;
		rte_vlan_strip(*mp);
		vid = (*mp)->vlan_tci & 0xfff;
		if (vid == 0) {                 /* priority tag: the pvid's, priority kept */
			vid = bp->pvid;
			(*mp)->vlan_tci = (uint16_t)(((*mp)->vlan_tci & 0xf000) | vid);
		}
	} else {
		vid = bp->pvid;
		(*mp)->vlan_tci = vid;
	}
	return vid && has_vid(s, bp->iface, vid) ? vid : 0;
}

void fwd_bridge_burst_vlan(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
			   const struct dpb_fwd_in *in, uint16_t in_iface,
			   struct rte_mbuf **pkts, uint16_t n)
{
	const struct dpb_fwd_bridge *br = &s->bridges[in->bridge];
	const struct dpb_fwd_brport *in_bp = &br->ports[in->br_port];

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct rte_ether_hdr *eth = fwd_admit(w, in, in_iface, m);
		uint16_t vid;
		int out;

		if (eth == NULL || (out = ingress_vlan(w, s, in_bp, in_iface, &m)) < 0)
			continue;
		if (out == 0) {
			drop(w, in_iface, DPB_DROP_VLAN_FILTERED, m);
			continue;
		}
		vid = (uint16_t)out;
		eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
		if (!dpb_fdb_source_known(br->fdb, vid, eth->src_addr.addr_bytes, in->br_port))
			fwd_learn(w, &eth->src_addr, vid, in->bridge, in->br_port);
		if (in->snoop_addr)
			fwd_snoop_addr(w, m, eth, vid, in->bridge, in->br_port);
		if (rte_is_multicast_ether_addr(&eth->dst_addr)) {
			if (is_link_local(&eth->dst_addr))
				drop(w, in_iface, DPB_DROP_LINK_LOCAL, m);
			else
				flood_vlan(w, s, br, in->br_port, in_iface, vid, m);
			continue;
		}
		out = dpb_fdb_lookup(br->fdb, vid, eth->dst_addr.addr_bytes, NULL);
		if (out < 0 || out >= br->n_ports || !has_vid(s, br->ports[out].iface, vid))
			flood_vlan(w, s, br, in->br_port, in_iface, vid, m);
		else if (out == in->br_port)
			drop(w, in_iface, DPB_DROP_SAME_PORT, m);
		else
			to_brport_vlan(w, s, &br->ports[out], in_iface, m);
	}
}
