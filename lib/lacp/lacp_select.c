/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Selection Logic (802.1AX-2014 6.4.14), per bond: ports with the same
 * operational key and the same partner (system, priority, key), both
 * aggregatable, share an aggregator, named after the lowest port number in
 * it; an individual port has one of its own. One aggregator is active
 * (ad_select stable: kept while it has ports; otherwise, and always with
 * bandwidth or count, the one with a LACP partner, then the most bandwidth
 * or ports, then the lowest id): its ports are
 * SELECTED, the others' STANDBY. A port changes aggregator only after its
 * Mux machine has detached it.
 */
#include <string.h>

#include "lacp_priv.h"

static bool candidate(const struct lacp_port *p)
{
	return p->exists && p->port_enabled && p->lacp_enabled &&
	       p->rx != DPB_LACP_RX_INITIALIZE && p->rx != DPB_LACP_RX_PORT_DISABLED &&
	       p->rx != DPB_LACP_RX_LACP_DISABLED;
}

static bool aggregatable(const struct lacp_port *p)
{
	return lacp_state(&p->actor, DPB_LACP_STATE_AGGREGATION) &&
	       lacp_state(&p->partner, DPB_LACP_STATE_AGGREGATION);
}

static bool same_group(const struct lacp_port *a, const struct lacp_port *b)
{
	return a->actor.key == b->actor.key && aggregatable(a) && aggregatable(b) &&
	       a->partner.system_priority == b->partner.system_priority &&
	       a->partner.key == b->partner.key &&
	       memcmp(a->partner.system.b, b->partner.system.b, DPB_MAC_LEN) == 0;
}

static unsigned int group_of(const struct dpb_lacp *l, const struct lacp_port *p)
{
	if (!aggregatable(p))
		return p->port_number;
	for (unsigned int i = 0; i < DPB_LACP_MAX_PORTS; i++) {
		const struct lacp_port *q = &l->ports[i];

		if (candidate(q) && same_group(p, q))
			return q->port_number;  /* lowest first: ports are in order */
	}
	return p->port_number;
}

static bool has_partner(const struct lacp_port *p)
{
	static const uint8_t zero[DPB_MAC_LEN];

	return memcmp(p->partner.system.b, zero, DPB_MAC_LEN) != 0;
}

static unsigned int choose_active(struct dpb_lacp *l, const unsigned int *agg)
{
	uint64_t bw[DPB_LACP_MAX_PORTS + 1] = { 0 };
	unsigned int n[DPB_LACP_MAX_PORTS + 1] = { 0 };
	bool lacp[DPB_LACP_MAX_PORTS + 1] = { false };
	unsigned int best = 0;

	for (unsigned int i = 0; i < DPB_LACP_MAX_PORTS; i++) {
		if (!agg[i])
			continue;
		bw[agg[i]] += l->ports[i].speed_mbps + 1;
		n[agg[i]]++;
		lacp[agg[i]] |= has_partner(&l->ports[i]);
	}
	if (l->params.ad_select == DPB_LACP_AD_SELECT_STABLE && l->active_aggregator &&
	    bw[l->active_aggregator])
		return l->active_aggregator;   /* stable: kept while it has ports */
	for (unsigned int a = 1; a <= DPB_LACP_MAX_PORTS; a++) {
		if (!bw[a])
			continue;
		if (!best || (lacp[a] && !lacp[best])) {
			best = a;
			continue;
		}
		if (lacp[a] != lacp[best])
			continue;
		if (l->params.ad_select == DPB_LACP_AD_SELECT_COUNT ? n[a] > n[best] : bw[a] > bw[best])
			best = a;
	}
	return best;
}

void lacp_selection(struct dpb_lacp *l)
{
	unsigned int agg[DPB_LACP_MAX_PORTS] = { 0 };

	for (unsigned int i = 0; i < DPB_LACP_MAX_PORTS; i++) {
		struct lacp_port *p = &l->ports[i];

		if (!candidate(p)) {
			if (p->exists)
				p->selected = DPB_LACP_UNSELECTED;
			continue;
		}
		agg[i] = group_of(l, p);
		if (p->selected != DPB_LACP_UNSELECTED && agg[i] != p->aggregator)
			p->selected = DPB_LACP_UNSELECTED;   /* moves: detach first */
	}
	l->active_aggregator = choose_active(l, agg);
	for (unsigned int i = 0; i < DPB_LACP_MAX_PORTS; i++) {
		struct lacp_port *p = &l->ports[i];

		if (!agg[i])
			continue;
		if (p->selected == DPB_LACP_UNSELECTED && p->mux != DPB_LACP_MUX_DETACHED)
			continue;   /* wait for the Mux machine to let go */
		p->aggregator = agg[i];
		p->selected = agg[i] == l->active_aggregator ? DPB_LACP_SELECTED : DPB_LACP_STANDBY;
	}
}
