/* SPDX-License-Identifier: BSD-3-Clause */
/* The LACP object: ports, their keys, the order machines run in, status. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lacp_priv.h"

#define NAME_TABLE(list, fn, type)                         \
	const char *fn(type s)                             \
	{                                                  \
		static const char *const names[] = { list(X) }; \
		return (unsigned int)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?"; \
	}
#define X(s) #s,
NAME_TABLE(DPB_LACP_RX_STATES, dpb_lacp_rx_state_name, enum dpb_lacp_rx_state)
NAME_TABLE(DPB_LACP_PERIODIC_STATES, dpb_lacp_periodic_state_name, enum dpb_lacp_periodic_state)
NAME_TABLE(DPB_LACP_MUX_STATES, dpb_lacp_mux_state_name, enum dpb_lacp_mux_state)
#undef X
#define X(s, text) text,
NAME_TABLE(DPB_LACP_CHURN_STATES, dpb_lacp_churn_state_name, enum dpb_lacp_churn_state)
NAME_TABLE(DPB_LACP_AD_SELECTS, dpb_lacp_ad_select_name, enum dpb_lacp_ad_select)
#undef X

struct dpb_lacp *dpb_lacp_create(const struct dpb_lacp_params *p, dpb_lacp_send_fn send,
				 void *ctx)
{
	struct dpb_lacp *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	l->params = *p;
	l->send = send;
	l->ctx = ctx;
	return l;
}

void dpb_lacp_set_ctx(struct dpb_lacp *l, void *ctx)
{
	l->ctx = ctx;
}

void dpb_lacp_destroy(struct dpb_lacp *l)
{
	free(l);
}

/* Linux's operational key: user key, speed code, full duplex (bond_3ad.c). */
static uint16_t oper_key(const struct dpb_lacp *l, const struct lacp_port *p)
{
	static const struct { uint32_t mbps; uint16_t code; } speeds[] = {
		{ 1, 1 }, { 10, 2 }, { 100, 3 }, { 1000, 4 }, { 2500, 5 }, { 5000, 6 },
		{ 10000, 7 }, { 14000, 8 }, { 20000, 9 }, { 25000, 10 }, { 40000, 11 },
		{ 50000, 12 }, { 56000, 13 }, { 100000, 14 }, { 200000, 15 }, { 400000, 16 },
	};
	uint16_t code = 0;

	for (unsigned int i = 0; i < sizeof(speeds) / sizeof(speeds[0]); i++)
		if (speeds[i].mbps == p->speed_mbps)
			code = speeds[i].code;
	return (uint16_t)(l->params.user_port_key << 6 | code << 1 | (p->lacp_enabled ? 1 : 0));
}

int dpb_lacp_add_port(struct dpb_lacp *l, unsigned int port, uint16_t port_priority)
{
	struct lacp_port *p;

	if (port >= DPB_LACP_MAX_PORTS || l->ports[port].exists)
		return -EINVAL;
	p = &l->ports[port];
	memset(p, 0, sizeof(*p));
	p->exists = true;
	p->port_number = (uint16_t)(port + 1);
	p->port_priority = port_priority;
	p->actor.system_priority = l->params.system_priority;
	p->actor.system = l->params.system;
	p->actor.port = p->port_number;
	p->actor.port_priority = port_priority;
	p->actor.state = DPB_LACP_STATE_AGGREGATION |
			 (l->params.active ? DPB_LACP_STATE_ACTIVITY : 0) |
			 (l->params.fast ? DPB_LACP_STATE_TIMEOUT : 0);
	/* Partner_Admin: nobody, as Linux shows it (state 1). */
	p->partner_admin.state = DPB_LACP_STATE_ACTIVITY;
	p->rx_begin = true;
	p->actor_churn = p->partner_churn = DPB_LACP_CHURN_MONITOR;
	p->actor_churn_ms = p->partner_churn_ms = 0;   /* started at the first tick */
	p->periodic = DPB_LACP_PERIODIC_NO_PERIODIC;
	p->mux = DPB_LACP_MUX_DETACHED;
	return 0;
}

void dpb_lacp_port_link(struct dpb_lacp *l, unsigned int port, bool up, uint32_t speed_mbps,
			bool full_duplex, uint64_t now_ms)
{
	struct lacp_port *p;
	uint16_t key;

	if (port >= DPB_LACP_MAX_PORTS || !l->ports[port].exists)
		return;
	p = &l->ports[port];
	p->port_enabled = up;
	p->lacp_enabled = full_duplex;
	p->speed_mbps = speed_mbps;
	key = oper_key(l, p);
	if (key != p->actor.key) {
		/* A new key: the port must be selected again (6.4.14). */
		p->actor.key = key;
		p->selected = DPB_LACP_UNSELECTED;
		p->ntt = true;
	}
	lacp_rx_machine(l, p, NULL, now_ms);
}

void dpb_lacp_rx(struct dpb_lacp *l, unsigned int port, const struct dpb_lacpdu *pdu,
		 uint64_t now_ms)
{
	if (port >= DPB_LACP_MAX_PORTS || !l->ports[port].exists)
		return;
	l->ports[port].lacpdu_rx++;
	lacp_rx_machine(l, &l->ports[port], pdu, now_ms);
}

void dpb_lacp_tick(struct dpb_lacp *l, uint64_t now_ms)
{
	/* The order of Linux's ad_state_machine_handler: rx, periodic,
	 * selection, mux, tx. */
	for (unsigned int i = 0; i < DPB_LACP_MAX_PORTS; i++) {
		if (!l->ports[i].exists)
			continue;
		lacp_rx_machine(l, &l->ports[i], NULL, now_ms);
		lacp_periodic_machine(l, &l->ports[i], now_ms);
	}
	lacp_selection(l);
	for (unsigned int i = 0; i < DPB_LACP_MAX_PORTS; i++) {
		if (!l->ports[i].exists)
			continue;
		lacp_mux_machine(l, &l->ports[i], now_ms);
		lacp_tx_machine(l, &l->ports[i], now_ms);
		lacp_churn_machine(l, &l->ports[i], now_ms);
	}
}

bool dpb_lacp_collecting(const struct dpb_lacp *l, unsigned int port)
{
	return port < DPB_LACP_MAX_PORTS && l->ports[port].exists &&
	       lacp_state(&l->ports[port].actor, DPB_LACP_STATE_COLLECTING);
}

bool dpb_lacp_distributing(const struct dpb_lacp *l, unsigned int port)
{
	return port < DPB_LACP_MAX_PORTS && l->ports[port].exists &&
	       lacp_state(&l->ports[port].actor, DPB_LACP_STATE_DISTRIBUTING);
}

int dpb_lacp_port_status(const struct dpb_lacp *l, unsigned int port,
			 struct dpb_lacp_port_status *st)
{
	const struct lacp_port *p;

	if (port >= DPB_LACP_MAX_PORTS || !l->ports[port].exists)
		return -EINVAL;
	p = &l->ports[port];
	st->rx = p->rx;
	st->periodic = p->periodic;
	st->mux = p->mux;
	st->selected = p->selected;
	st->aggregator = p->aggregator;
	st->actor = p->actor;
	st->partner = p->partner;
	st->lacpdu_rx = p->lacpdu_rx;
	st->lacpdu_tx = p->lacpdu_tx;
	st->actor_churn = p->actor_churn;
	st->partner_churn = p->partner_churn;
	st->actor_churned = p->actor_churned;
	st->partner_churned = p->partner_churned;
	return 0;
}

unsigned int dpb_lacp_active_aggregator(const struct dpb_lacp *l)
{
	return l->active_aggregator;
}

bool dpb_lacp_enabled_without_partner(const struct dpb_lacp *l, unsigned int port)
{
	static const uint8_t zero[DPB_MAC_LEN];
	const struct lacp_port *p;

	if (port >= DPB_LACP_MAX_PORTS || !l->ports[port].exists)
		return false;
	p = &l->ports[port];
	return p->port_enabled && l->active_aggregator && p->aggregator == l->active_aggregator &&
	       p->selected == DPB_LACP_SELECTED && p->mux != DPB_LACP_MUX_DETACHED &&
	       p->mux != DPB_LACP_MUX_WAITING &&
	       memcmp(p->partner.system.b, zero, DPB_MAC_LEN) == 0;
}

unsigned int dpb_lacp_active_ports(const struct dpb_lacp *l)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < DPB_LACP_MAX_PORTS; i++) {
		const struct lacp_port *p = &l->ports[i];

		n += p->exists && p->port_enabled && l->active_aggregator &&
		     p->aggregator == l->active_aggregator && p->selected == DPB_LACP_SELECTED;
	}
	return n;
}

int dpb_marker_respond(const struct dpb_marker_pdu *in, struct dpb_marker_pdu *resp)
{
	if (in->response)
		return -EINVAL;
	*resp = *in;
	resp->version = 1;
	resp->response = true;   /* same requester fields, TLV type 2 */
	return 0;
}
