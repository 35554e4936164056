/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * 802.3ad on the control lcore: LACPDUs and Marker PDUs come from the
 * workers' punt rings, LACP's decisions go into the bond, and what LACP
 * sends goes out through worker 0's inject ring. Its timing depends on the
 * control loop only, never on data traffic.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "ctl_priv.h"

#define PUNT_BATCH 32

static bool enough_ports(const struct ctl_bond *cb);

bool ctl_member_send(struct ctl_bond *cb, unsigned int k, const uint8_t *frame, size_t len)
{
	struct dpb_ctl *c = cb->ctl;
	const struct dpb_port *port = &c->ports[cb->member_port[k]];
	struct rte_mbuf *m;

	if (!port->slow_steered)
		return ctl_inject(c, false, port->port_id, frame, len);
	m = ctl_frame_mbuf(c, frame, len, port->port_id);
	if (m == NULL)
		return false;
	if (rte_eth_tx_burst(port->port_id, port->slow_txq, &m, 1) == 1)
		return true;
	rte_pktmbuf_free(m);
	return false;
}

static bool send_frame(struct ctl_bond *cb, unsigned int k, const uint8_t *frame, size_t len)
{
	if (ctl_member_send(cb, k, frame, len))
		return true;
	cb->lacp_tx_lost++;
	return false;
}

static void lacp_send(void *ctx, unsigned int port, const struct dpb_lacpdu *pdu)
{
	struct ctl_bond *cb = ctx;
	uint8_t frame[DPB_SLOW_FRAME_LEN];

	dpb_lacpdu_encode(pdu, &cb->bond.members[port].perm_addr, frame);
	send_frame(cb, port, frame, sizeof(frame));
}

int ctl_lacp_init(struct dpb_ctl *c, struct ctl_bond *cb, const struct dpb_cfg_bond *cfg,
		  uint64_t now)
{
	struct dpb_lacp_params p = {
		.system_priority = (uint16_t)cfg->ad_actor_sys_prio,
		.system = cb->bond.addr,
		.active = cfg->lacp_active,
		.fast = cfg->lacp_fast,
		.user_port_key = (uint16_t)cfg->ad_user_port_key,
		.ad_select = (enum dpb_lacp_ad_select)cfg->ad_select,
		.independent_control = !cfg->coupled_control,
	};

	cb->ctl = c;
	cb->min_links = cfg->min_links;
	if (cfg->has_ad_actor_system)
		memcpy(p.system.b, cfg->ad_actor_system, DPB_MAC_LEN);
	{
		static const uint8_t zero[DPB_MAC_LEN];

		if (memcmp(p.system.b, zero, DPB_MAC_LEN) == 0)
			DPB_LOG(WARNING, LACP,
				"%s: warning: the LACP system id is 00:00:00:00:00:00 (its first member has no MAC address); set bond-ad-actor-system",
				cb->bond.name);
	}
	cb->lacp_params = p;
	cb->lacp = dpb_lacp_create(&p, lacp_send, cb);
	if (cb->lacp == NULL)
		return -ENOMEM;
	for (unsigned int k = 0; k < cb->bond.n_members; k++) {
		const struct dpb_bond_member *m = &cb->bond.members[k];
		struct dpb_link_sample s = {
			.carrier = m->link == DPB_LINK_UP, .speed_mbps = m->speed_mbps,
			.full_duplex = m->full_duplex || !m->duplex_known,
		};

		unsigned int prio = c->file.ifaces[cb->member_iface[k]].ad_port_prio;

		dpb_lacp_add_port(cb->lacp, k, (uint16_t)(prio ? prio : 255));
		ctl_lacp_link(cb, k, &s, now);
	}
	return 0;
}

void ctl_lacp_link(struct ctl_bond *cb, unsigned int k, const struct dpb_link_sample *s,
		   uint64_t now)
{
	if (cb->lacp)
		dpb_lacp_port_link(cb->lacp, k, s->carrier, s->speed_mbps, s->full_duplex, now);
}

void ctl_lacp_tick(struct dpb_ctl *c, uint64_t now)
{
	for (unsigned int i = 0; i < c->n_bonds; i++) {
		struct ctl_bond *cb = &c->bonds[i];
		bool enough;

		if (cb->lacp == NULL)
			continue;
		dpb_lacp_tick(cb->lacp, now);
		/* min_links: below it the bond carries nothing (Linux drops carrier). */
		enough = enough_ports(cb);
		for (unsigned int k = 0; k < cb->bond.n_members; k++) {
			bool alone = dpb_lacp_enabled_without_partner(cb->lacp, k);

			if (dpb_bond_set_lacp_state(&cb->bond, k,
						    enough && (alone || dpb_lacp_collecting(cb->lacp, k)),
						    enough && (alone || dpb_lacp_distributing(cb->lacp, k))) > 0)
				c->dirty = true;
		}
	}
}

/* The bond and member index of ethdev @pid, if it is an 802.3ad member. */
static struct ctl_bond *member_of(struct dpb_ctl *c, uint16_t pid, unsigned int *k)
{
	for (unsigned int i = 0; i < c->n_bonds; i++) {
		struct ctl_bond *cb = &c->bonds[i];

		if (cb->lacp == NULL)
			continue;
		for (unsigned int j = 0; j < cb->bond.n_members; j++) {
			if (c->ports[cb->member_port[j]].port_id == pid) {
				*k = j;
				return cb;
			}
		}
	}
	return NULL;
}

/* What the wire sends is logged at most DPB_LOG_RL_BURST times a second per
 * message: a partner (or anyone on the segment) cannot flood the log. */
static void log_lacpdu(const struct ctl_bond *cb, unsigned int k, const struct dpb_lacpdu *pdu,
		       uint64_t now)
{
	char sys[DPB_MAC_STR_LEN];

	DPB_LOG_RL(DEBUG, LACP, now,
		   "%s: %s: LACPDU from system %u,%s port %u,%u key %u state 0x%02x, for port %u state 0x%02x",
		   cb->bond.name, cb->ctl->ports[cb->member_port[k]].name,
		   pdu->actor.system_priority, dpb_mac_format(&pdu->actor.system, sys),
		   pdu->actor.port_priority, pdu->actor.port, pdu->actor.key, pdu->actor.state,
		   pdu->partner.port, pdu->partner.state);
}

static void log_malformed(const struct ctl_bond *cb, unsigned int k, const char *what,
			  enum dpb_slow_error err, uint64_t now)
{
	DPB_LOG_RL(NOTICE, LACP, now, "%s: %s: malformed %s dropped: %s", cb->bond.name,
		   cb->ctl->ports[cb->member_port[k]].name, what, dpb_slow_error_name(err));
}

/* A slow frame of member @k that LACP cannot use: counted on the member, as a drop. */
static void slow_drop(struct ctl_bond *cb, unsigned int k, enum dpb_drop_reason r)
{
	struct dpb_ctl *c = cb->ctl;

	dpb_ctr_add(&c->ctl_drops[cb->member_iface[k]][r], 1);
}

/* The interface (slot) of ethdev @pid, or -1. */
static int iface_of_port(const struct dpb_ctl *c, uint16_t pid)
{
	for (unsigned int i = 0; i < c->n_ifs; i++)
		if (c->ifs[i].port >= 0 && c->ports[c->ifs[i].port].port_id == pid)
			return (int)i;
	return -1;
}

static void slow_frame(struct dpb_ctl *c, struct rte_mbuf *m, uint64_t now)
{
	/* A slow-protocol frame is at most 128 bytes (802.3 Annex 57A); what
	 * lies beyond is not read. A chained frame is read across segments. */
	uint8_t buf[DPB_SLOW_FRAME_LEN + 4];
	uint32_t frame_len = RTE_MIN(rte_pktmbuf_pkt_len(m), (uint32_t)sizeof(buf));
	const uint8_t *pdu = (const uint8_t *)rte_pktmbuf_read(m, 0, frame_len, buf) + 14;
	size_t len = frame_len - 14;
	unsigned int k;
	struct ctl_bond *cb = member_of(c, m->port, &k);
	struct dpb_lacpdu lacpdu;
	struct dpb_marker_pdu marker, resp;
	enum dpb_slow_error err;

	if (cb == NULL) {
		/* Punted while its port was an 802.3ad member, read after it left. */
		int i = iface_of_port(c, m->port);

		if (i >= 0)
			dpb_ctr_add(&c->ctl_drops[i][DPB_DROP_SLOW_UNKNOWN], 1);
		return;
	}
	switch (dpb_slow_subtype(pdu, len)) {
	case DPB_SLOW_SUBTYPE_LACP:
		err = dpb_lacpdu_decode(pdu, len, &lacpdu);
		if (err == DPB_SLOW_OK) {
			log_lacpdu(cb, k, &lacpdu, now);
			dpb_lacp_rx(cb->lacp, k, &lacpdu, now);
		} else {
			cb->illegal_rx[k]++;
			cb->slow_errors[err]++;
			slow_drop(cb, k, DPB_DROP_SLOW_MALFORMED);
			log_malformed(cb, k, "LACPDU", err, now);
		}
		break;
	case DPB_SLOW_SUBTYPE_MARKER:
		err = dpb_marker_decode(pdu, len, &marker);
		if (err != DPB_SLOW_OK) {
			cb->illegal_rx[k]++;
			cb->slow_errors[err]++;
			slow_drop(cb, k, DPB_DROP_SLOW_MALFORMED);
			log_malformed(cb, k, "Marker PDU", err, now);
			break;
		}
		cb->marker_rx[k]++;
		if (dpb_marker_respond(&marker, &resp) == 0) {
			uint8_t frame[DPB_SLOW_FRAME_LEN];

			dpb_marker_encode(&resp, &cb->bond.members[k].perm_addr, frame);
			if (send_frame(cb, k, frame, sizeof(frame)))
				cb->marker_tx[k]++;
		}
		break;
	default:
		cb->unknown_rx[k]++;
		slow_drop(cb, k, DPB_DROP_SLOW_UNKNOWN);
		DPB_LOG_RL(DEBUG, LACP, now, "%s: %s: slow protocol frame of subtype %u ignored",
			   cb->bond.name, c->ports[cb->member_port[k]].name,
			   len ? (unsigned int)pdu[0] : 0u);
		break;
	}
}

static void slow_frames(struct dpb_ctl *c, struct rte_mbuf **pkts, unsigned int n, uint64_t now)
{
	for (unsigned int i = 0; i < n; i++) {
		const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(pkts[i], const struct rte_ether_hdr *);

		/* The punt rings carry the host ports' ARP replies too (balance-alb). */
		if (rte_pktmbuf_data_len(pkts[i]) >= 14 &&
		    eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP))
			ctl_rlb_frame(c, pkts[i]);
		else if (rte_pktmbuf_pkt_len(pkts[i]) >= 14)
			slow_frame(c, pkts[i], now);
		rte_pktmbuf_free(pkts[i]);
	}
}

/* Members with a dedicated queue: the control lcore polls it itself. */
static void drain_steered(struct dpb_ctl *c, uint64_t now)
{
	struct rte_mbuf *pkts[PUNT_BATCH];

	for (unsigned int i = 0; i < c->n_bonds; i++) {
		struct ctl_bond *cb = &c->bonds[i];

		for (unsigned int k = 0; cb->lacp && k < cb->bond.n_members; k++) {
			const struct dpb_port *p = &c->ports[cb->member_port[k]];
			uint16_t n;

			if (!p->slow_steered)
				continue;
			n = rte_eth_rx_burst(p->port_id, p->slow_rxq, pkts, PUNT_BATCH);
			for (uint16_t j = 0; j < n; j++)
				pkts[j]->port = p->port_id;
			slow_frames(c, pkts, n, now);
		}
	}
}

void ctl_lacp_drain(struct dpb_ctl *c, uint64_t now)
{
	struct rte_mbuf *pkts[PUNT_BATCH];

	drain_steered(c, now);

	for (unsigned int w = 0; w < c->n_pollers; w++) {
		unsigned int n = rte_ring_sc_dequeue_burst(c->workers[w]->punt_ring,
							   (void **)pkts, PUNT_BATCH, NULL);

		slow_frames(c, pkts, n, now);
	}
}

static void side(struct dpb_bond_ad_side *s, const struct dpb_lacp_info *i)
{
	s->system_priority = i->system_priority;
	s->system = i->system;
	s->key = i->key;
	s->port_priority = i->port_priority;
	s->port = i->port;
	s->state = i->state;
}

static bool enough_ports(const struct ctl_bond *cb)
{
	return dpb_lacp_active_ports(cb->lacp) >= (cb->min_links ? cb->min_links : 1);
}

void ctl_lacp_ad_info(const struct ctl_bond *cb, struct dpb_bond_ad_info *ad)
{
	memset(ad, 0, sizeof(*ad));
	ad->lacp_active = cb->lacp_params.active;
	ad->fast = cb->lacp_params.fast;
	ad->min_links = cb->min_links;
	ad->ad_select = dpb_lacp_ad_select_name(cb->lacp_params.ad_select);
	ad->system_priority = cb->lacp_params.system_priority;
	ad->system = cb->lacp_params.system;
	ad->carrier = enough_ports(cb);
	ad->active_aggregator = dpb_lacp_active_aggregator(cb->lacp);
	for (unsigned int k = 0; k < cb->bond.n_members; k++) {
		struct dpb_bond_ad_member *m = &ad->members[k];
		struct dpb_lacp_port_status st;

		dpb_lacp_port_status(cb->lacp, k, &st);
		m->aggregator = st.aggregator;
		m->actor_churn = dpb_lacp_churn_state_name(st.actor_churn);
		m->partner_churn = dpb_lacp_churn_state_name(st.partner_churn);
		m->actor_churned = st.actor_churned;
		m->partner_churned = st.partner_churned;
		side(&m->actor, &st.actor);
		side(&m->partner, &st.partner);
		if (st.aggregator && st.aggregator == ad->active_aggregator) {
			if (ad->n_ports++ == 0) {
				ad->actor_key = st.actor.key;
				ad->partner_key = st.partner.key;
				ad->partner_system = st.partner.system;
			}
		}
	}
}

int dpb_ctl_show_lacp(struct dpb_ctl *c, const char *bond, struct dpb_strbuf *out)
{
	int iface = ctl_find_iface(c, bond);
	struct ctl_bond *cb;

	if (iface < 0 || c->ifs[iface].bond < 0 || c->bonds[c->ifs[iface].bond].lacp == NULL) {
		dpb_strbuf_printf(out, "no 802.3ad bond named '%s'\n", bond);
		return -ENOENT;
	}
	cb = &c->bonds[c->ifs[iface].bond];
	dpb_strbuf_printf(out, "%s: active aggregator %u, %u active port%s, min_links %u\n", bond,
			  dpb_lacp_active_aggregator(cb->lacp), dpb_lacp_active_ports(cb->lacp),
			  dpb_lacp_active_ports(cb->lacp) == 1 ? "" : "s", cb->min_links);
	for (unsigned int k = 0; k < cb->bond.n_members; k++) {
		struct dpb_lacp_port_status st;

		dpb_lacp_port_status(cb->lacp, k, &st);
		dpb_strbuf_printf(out, "  %s: rx %s, periodic %s, mux %s, aggregator %u, actor state %u, partner state %u\n",
				  cb->bond.members[k].name, dpb_lacp_rx_state_name(st.rx),
				  dpb_lacp_periodic_state_name(st.periodic),
				  dpb_lacp_mux_state_name(st.mux), st.aggregator, st.actor.state,
				  st.partner.state);
		if (c->ports[cb->member_port[k]].slow_steered)
			dpb_strbuf_printf(out, "    slow protocols: rx queue %u, steered by rte_flow\n",
					  c->ports[cb->member_port[k]].slow_rxq);
		else
			dpb_strbuf_printf(out, "    slow protocols: software path (worker punt ring)\n");
		dpb_strbuf_printf(out, "    LACPDUs rx %lu tx %lu, markers rx %lu tx %lu, illegal rx %lu, unknown rx %lu\n",
				  (unsigned long)st.lacpdu_rx, (unsigned long)st.lacpdu_tx,
				  (unsigned long)cb->marker_rx[k], (unsigned long)cb->marker_tx[k],
				  (unsigned long)cb->illegal_rx[k], (unsigned long)cb->unknown_rx[k]);
	}
	for (unsigned int e = 1; e < DPB_SLOW_ERR_COUNT; e++)
		if (cb->slow_errors[e])
			dpb_strbuf_printf(out, "  illegal PDUs, %s: %lu\n", dpb_slow_error_name(e),
					  (unsigned long)cb->slow_errors[e]);
	return 0;
}

bool ctl_bond_up(const struct ctl_bond *cb)
{
	struct dpb_bond_ad_info ad;

	if (cb->lacp == NULL)
		return cb->bond.carrier;
	ctl_lacp_ad_info(cb, &ad);
	return ad.carrier;
}
