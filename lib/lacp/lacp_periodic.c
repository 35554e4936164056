/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Periodic Transmission machine (802.1AX-2014 6.4.13): LACPDUs every
 * fast_periodic_time while the partner asks for short timeouts, every
 * slow_periodic_time otherwise, none when both sides are passive.
 */
#include "lacp_priv.h"

static void enter(struct lacp_port *p, enum dpb_lacp_periodic_state s, uint64_t now)
{
	p->periodic = s;
	switch (s) {
	case DPB_LACP_PERIODIC_NO_PERIODIC:
		p->periodic_ms = 0;
		break;
	case DPB_LACP_PERIODIC_FAST_PERIODIC:
		p->periodic_ms = now + DPB_LACP_FAST_PERIODIC_MS;
		break;
	case DPB_LACP_PERIODIC_SLOW_PERIODIC:
		p->periodic_ms = now + DPB_LACP_SLOW_PERIODIC_MS;
		break;
	case DPB_LACP_PERIODIC_PERIODIC_TX:
		p->ntt = true;
		break;
	}
}

void lacp_periodic_machine(struct dpb_lacp *l, struct lacp_port *p, uint64_t now)
{
	bool partner_short = lacp_state(&p->partner, DPB_LACP_STATE_TIMEOUT);

	(void)l;
	if (!p->port_enabled || !p->lacp_enabled ||
	    (!lacp_state(&p->actor, DPB_LACP_STATE_ACTIVITY) &&
	     !lacp_state(&p->partner, DPB_LACP_STATE_ACTIVITY))) {
		if (p->periodic != DPB_LACP_PERIODIC_NO_PERIODIC)
			enter(p, DPB_LACP_PERIODIC_NO_PERIODIC, now);
		return;
	}
	for (int guard = 0; guard < 4; guard++) {
		enum dpb_lacp_periodic_state next = p->periodic;

		switch (p->periodic) {
		case DPB_LACP_PERIODIC_NO_PERIODIC:
			next = DPB_LACP_PERIODIC_FAST_PERIODIC;
			break;
		case DPB_LACP_PERIODIC_FAST_PERIODIC:
			if (lacp_timer_expired(p->periodic_ms, now))
				next = DPB_LACP_PERIODIC_PERIODIC_TX;
			else if (!partner_short)
				next = DPB_LACP_PERIODIC_SLOW_PERIODIC;
			break;
		case DPB_LACP_PERIODIC_SLOW_PERIODIC:
			if (lacp_timer_expired(p->periodic_ms, now) || partner_short)
				next = DPB_LACP_PERIODIC_PERIODIC_TX;
			break;
		case DPB_LACP_PERIODIC_PERIODIC_TX:
			next = partner_short ? DPB_LACP_PERIODIC_FAST_PERIODIC :
					       DPB_LACP_PERIODIC_SLOW_PERIODIC;
			break;
		}
		if (next == p->periodic)
			return;
		enter(p, next, now);
	}
}
