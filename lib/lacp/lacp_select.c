/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Selection Logic (802.1AX-2014 6.4.14), per bond: ports with the same
 * operational key and the same partner (system, priority, key), both
 * aggregatable, share an aggregator; an individual port has one of its own.
 * Aggregators are named by port numbers, and an aggregator keeps its name
 * while a port is still selected to it, as Linux keeps its aggregator while
 * it has ports: losing the port an aggregator was named after moves no
 * other port (a move detaches it, and costs it the Mux machine's wait).
 * A new group takes the lowest port number of its own that is free; a port
 * whose link is down, once detached, one that nothing uses. One aggregator is active,
 * chosen as Linux's ad_agg_selection_logic chooses (ad_select stable: kept
 * while it has ports and a partner, or none answers elsewhere; otherwise,
 * and always with bandwidth or count, one that can aggregate, then one with
 * a LACP partner, then the most ports (count) or bandwidth, then the lowest
 * id): its ports are
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

/* The index of the first candidate port in @p's group (@p's own when individual). */
static unsigned int leader_of(const struct dpb_lacp *l, unsigned int i)
{
	const struct lacp_port *p = &l->ports[i];

	if (!aggregatable(p))
		return i;
	for (unsigned int k = 0; k < i; k++)
		if (candidate(&l->ports[k]) && same_group(p, &l->ports[k]))
			return k;
	return i;
}

/*
 * Names the groups (@lead: each candidate's leader, or -1): @agg[i] gets
 * port i's aggregator id. Ids a port is still selected to are kept first,
 * then ids that a port waiting to move still holds, then a group takes its
 * lowest free port number, or any free one.
 */
static void name_groups(const struct dpb_lacp *l, const int *lead, unsigned int *agg,
			bool *used)
{
	for (int pass = 0; pass < 4; pass++) {
		for (unsigned int g = 0; g < DPB_LACP_MAX_PORTS; g++) {
			unsigned int id = 0;

			if (lead[g] != (int)g || agg[g])
				continue;
			for (unsigned int i = g; i < DPB_LACP_MAX_PORTS && !id; i++) {
				const struct lacp_port *p = &l->ports[i];
				unsigned int want = pass == 0 || pass == 1 ? p->aggregator :
						    pass == 2 ? p->port_number : 0;

				if (lead[i] != (int)g || !want || used[want] ||
				    (pass == 0 && p->selected == DPB_LACP_UNSELECTED))
					continue;
				id = want;
			}
			for (unsigned int a = 1; pass == 3 && !id && a <= DPB_LACP_MAX_PORTS; a++)
				if (!used[a])
					id = a;
			if (!id)
				continue;
			used[id] = true;
			for (unsigned int i = g; i < DPB_LACP_MAX_PORTS; i++)
				if (lead[i] == (int)g)
					agg[i] = id;
		}
	}
}

static bool has_partner(const struct lacp_port *p)
{
	static const uint8_t zero[DPB_MAC_LEN];

	return memcmp(p->partner.system.b, zero, DPB_MAC_LEN) != 0;
}

/* What Linux's ad_agg_selection_test weighs, per aggregator. */
struct agg_weight {
	uint64_t bw;        /* speeds, + 1 each: a port of unknown speed counts */
	unsigned int n;     /* ports */
	bool partner;       /* a partner answered (its system is not zero) */
	bool individual;    /* its port cannot aggregate */
};

/*
 * Whether aggregator @c beats @b (Linux's order): one that can aggregate
 * over an individual one, then one whose partner answered, then by the
 * policy: count by ports then bandwidth, bandwidth and stable by bandwidth.
 * A tie keeps @b, the lower id.
 */
static bool better(const struct dpb_lacp *l, const struct agg_weight *c,
		   const struct agg_weight *b)
{
	if (c->individual != b->individual)
		return !c->individual;
	if (c->partner != b->partner)
		return c->partner;
	if (l->params.ad_select == DPB_LACP_AD_SELECT_COUNT && c->n != b->n)
		return c->n > b->n;
	return c->bw > b->bw;
}

static unsigned int choose_active(struct dpb_lacp *l, const unsigned int *agg)
{
	struct agg_weight w[DPB_LACP_MAX_PORTS + 1];
	unsigned int best = 0, cur = l->active_aggregator;

	memset(w, 0, sizeof(w));
	for (unsigned int i = 0; i < DPB_LACP_MAX_PORTS; i++) {
		if (!agg[i])
			continue;
		w[agg[i]].bw += l->ports[i].speed_mbps + 1;
		w[agg[i]].n++;
		w[agg[i]].partner |= has_partner(&l->ports[i]);
		w[agg[i]].individual |= !aggregatable(&l->ports[i]);
	}
	for (unsigned int a = 1; a <= DPB_LACP_MAX_PORTS; a++)
		if (w[a].n && (!best || better(l, &w[a], &w[best])))
			best = a;
	/* stable: the active one is kept while it has ports and a partner
	 * answers there, or answers nowhere better (Linux's BOND_AD_STABLE). */
	if (l->params.ad_select == DPB_LACP_AD_SELECT_STABLE && cur && w[cur].n &&
	    (w[cur].partner || !w[best].partner))
		return cur;
	return best;
}

void lacp_selection(struct dpb_lacp *l)
{
	unsigned int agg[DPB_LACP_MAX_PORTS] = { 0 };
	bool used[DPB_LACP_MAX_PORTS + 1] = { false };
	int lead[DPB_LACP_MAX_PORTS];

	for (unsigned int i = 0; i < DPB_LACP_MAX_PORTS; i++)
		lead[i] = candidate(&l->ports[i]) ? (int)leader_of(l, i) : -1;
	name_groups(l, lead, agg, used);
	for (unsigned int i = 0; i < DPB_LACP_MAX_PORTS; i++) {
		struct lacp_port *p = &l->ports[i];

		if (!p->exists)
			continue;
		if (lead[i] < 0) {
			p->selected = DPB_LACP_UNSELECTED;
			continue;
		}
		if (p->selected != DPB_LACP_UNSELECTED && agg[i] != p->aggregator)
			p->selected = DPB_LACP_UNSELECTED;   /* moves: detach first */
	}
	/* A port that cannot be selected leaves its aggregator once detached,
	 * for one nothing uses, as Linux moves a port whose link went down:
	 * an aggregator counts only the ports it has. */
	for (unsigned int i = 0; i < DPB_LACP_MAX_PORTS; i++) {
		struct lacp_port *p = &l->ports[i];

		if (!p->exists || lead[i] >= 0 || p->mux != DPB_LACP_MUX_DETACHED)
			continue;
		if (!p->aggregator || used[p->aggregator])
			for (unsigned int a = 1; a <= DPB_LACP_MAX_PORTS; a++)
				if (!used[a]) {
					p->aggregator = a;
					break;
				}
		used[p->aggregator] = true;
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
