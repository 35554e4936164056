/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Receive machine (802.1AX-2014 6.4.12): records what the partner says
 * of itself and of us, times the partner out (current_while_timer), and
 * falls back to the administrative defaults when it falls silent.
 */
#include <string.h>

#include "lacp_priv.h"

/* The fields that identify an aggregation partner (6.4.9 update_Selected). */
static bool same_link(const struct dpb_lacp_info *a, const struct dpb_lacp_info *b)
{
	return a->port == b->port && a->port_priority == b->port_priority &&
	       memcmp(a->system.b, b->system.b, DPB_MAC_LEN) == 0 &&
	       a->system_priority == b->system_priority && a->key == b->key &&
	       lacp_state(a, DPB_LACP_STATE_AGGREGATION) == lacp_state(b, DPB_LACP_STATE_AGGREGATION);
}

static void record_default(struct lacp_port *p)
{
	p->partner = p->partner_admin;
	lacp_set(&p->actor, DPB_LACP_STATE_DEFAULTED, true);
}

static void record_pdu(struct lacp_port *p, const struct dpb_lacpdu *pdu)
{
	bool in_sync;

	p->partner = pdu->actor;
	lacp_set(&p->actor, DPB_LACP_STATE_DEFAULTED, false);
	/* The partner is in sync if it has our view right and says so, or if
	 * it is an individual link in sync; never if both sides are passive. */
	in_sync = lacp_state(&pdu->actor, DPB_LACP_STATE_SYNCHRONIZATION) &&
		  (same_link(&pdu->partner, &p->actor) ||
		   !lacp_state(&pdu->actor, DPB_LACP_STATE_AGGREGATION));
	if (!lacp_state(&pdu->actor, DPB_LACP_STATE_ACTIVITY) &&
	    !lacp_state(&p->actor, DPB_LACP_STATE_ACTIVITY))
		in_sync = false;
	lacp_set(&p->partner, DPB_LACP_STATE_SYNCHRONIZATION, in_sync);
}

static void update_ntt(struct lacp_port *p, const struct dpb_lacpdu *pdu)
{
	static const uint8_t bits = DPB_LACP_STATE_ACTIVITY | DPB_LACP_STATE_TIMEOUT |
				    DPB_LACP_STATE_SYNCHRONIZATION | DPB_LACP_STATE_AGGREGATION;

	if (!same_link(&pdu->partner, &p->actor) ||
	    (pdu->partner.state & bits) != (p->actor.state & bits))
		p->ntt = true;
}

static void enter(struct lacp_port *p, enum dpb_lacp_rx_state s, const struct dpb_lacpdu *pdu,
		  uint64_t now)
{
	p->rx = s;
	switch (s) {
	case DPB_LACP_RX_INITIALIZE:
		p->selected = DPB_LACP_UNSELECTED;
		record_default(p);
		lacp_set(&p->actor, DPB_LACP_STATE_EXPIRED, false);
		p->port_moved = false;
		break;
	case DPB_LACP_RX_PORT_DISABLED:
		lacp_set(&p->partner, DPB_LACP_STATE_SYNCHRONIZATION, false);
		break;
	case DPB_LACP_RX_EXPIRED:
		lacp_set(&p->partner, DPB_LACP_STATE_SYNCHRONIZATION, false);
		lacp_set(&p->partner, DPB_LACP_STATE_TIMEOUT, true);
		p->current_while_ms = now + DPB_LACP_SHORT_TIMEOUT_MS;
		lacp_set(&p->actor, DPB_LACP_STATE_EXPIRED, true);
		break;
	case DPB_LACP_RX_LACP_DISABLED:
		p->selected = DPB_LACP_UNSELECTED;
		record_default(p);
		lacp_set(&p->partner, DPB_LACP_STATE_AGGREGATION, false);
		lacp_set(&p->actor, DPB_LACP_STATE_EXPIRED, false);
		break;
	case DPB_LACP_RX_DEFAULTED:
		/* update_Default_Selected, then recordDefault. */
		if (!same_link(&p->partner_admin, &p->partner))
			p->selected = DPB_LACP_UNSELECTED;
		record_default(p);
		lacp_set(&p->actor, DPB_LACP_STATE_EXPIRED, false);
		break;
	case DPB_LACP_RX_CURRENT:
		/* update_Selected, update_NTT, recordPDU. */
		if (!same_link(&pdu->actor, &p->partner))
			p->selected = DPB_LACP_UNSELECTED;
		update_ntt(p, pdu);
		record_pdu(p, pdu);
		p->current_while_ms = now + (lacp_state(&p->actor, DPB_LACP_STATE_TIMEOUT) ?
					     DPB_LACP_SHORT_TIMEOUT_MS : DPB_LACP_LONG_TIMEOUT_MS);
		lacp_set(&p->actor, DPB_LACP_STATE_EXPIRED, false);
		break;
	}
}

void lacp_rx_machine(struct dpb_lacp *l, struct lacp_port *p, const struct dpb_lacpdu *pdu,
		     uint64_t now)
{
	(void)l;
	if (p->rx_begin) {
		p->rx_begin = false;
		enter(p, DPB_LACP_RX_INITIALIZE, NULL, now);
	}
	for (int guard = 0; guard < 8; guard++) {
		enum dpb_lacp_rx_state next = p->rx;

		if (p->rx != DPB_LACP_RX_INITIALIZE && p->rx != DPB_LACP_RX_PORT_DISABLED &&
		    !p->port_enabled && !p->port_moved) {
			next = DPB_LACP_RX_PORT_DISABLED;
		} else {
			switch (p->rx) {
			case DPB_LACP_RX_INITIALIZE:
				next = DPB_LACP_RX_PORT_DISABLED;
				break;
			case DPB_LACP_RX_PORT_DISABLED:
				if (p->port_moved)
					next = DPB_LACP_RX_INITIALIZE;
				else if (p->port_enabled)
					next = p->lacp_enabled ? DPB_LACP_RX_EXPIRED :
								 DPB_LACP_RX_LACP_DISABLED;
				break;
			case DPB_LACP_RX_LACP_DISABLED:
				if (p->lacp_enabled)
					next = DPB_LACP_RX_PORT_DISABLED;
				break;
			case DPB_LACP_RX_EXPIRED:
			case DPB_LACP_RX_DEFAULTED:
			case DPB_LACP_RX_CURRENT:
				if (pdu) {
					enter(p, DPB_LACP_RX_CURRENT, pdu, now);
					pdu = NULL;
					continue;
				}
				if (p->rx != DPB_LACP_RX_DEFAULTED &&
				    lacp_timer_expired(p->current_while_ms, now))
					next = p->rx == DPB_LACP_RX_EXPIRED ? DPB_LACP_RX_DEFAULTED :
									      DPB_LACP_RX_EXPIRED;
				break;
			}
		}
		if (next == p->rx)
			return;
		enter(p, next, NULL, now);
	}
}
