/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Mux machine (802.1AX-2014 6.4.15): a selected port waits
 * aggregate_wait_time, attaches (telling the partner it is in sync), and
 * once the partner is in sync collects and distributes together (coupled
 * control, Linux's default) or, with independent control, collects first
 * and distributes only once the partner says it collects too.
 */
#include "lacp_priv.h"

static void set_cd(struct lacp_port *p, bool on)
{
	lacp_set(&p->actor, DPB_LACP_STATE_COLLECTING, on);
	lacp_set(&p->actor, DPB_LACP_STATE_DISTRIBUTING, on);
}

static void enter(struct lacp_port *p, enum dpb_lacp_mux_state s, uint64_t now)
{
	p->mux = s;
	switch (s) {
	case DPB_LACP_MUX_DETACHED:
		lacp_set(&p->actor, DPB_LACP_STATE_SYNCHRONIZATION, false);
		set_cd(p, false);
		p->wait_while_ms = 0;
		p->ntt = true;
		break;
	case DPB_LACP_MUX_WAITING:
		p->wait_while_ms = now + DPB_LACP_AGGREGATE_WAIT_MS;
		break;
	case DPB_LACP_MUX_ATTACHED:
		lacp_set(&p->actor, DPB_LACP_STATE_SYNCHRONIZATION, true);
		set_cd(p, false);
		p->ntt = true;
		break;
	case DPB_LACP_MUX_COLLECTING_DISTRIBUTING:
		set_cd(p, true);
		p->ntt = true;
		break;
	case DPB_LACP_MUX_COLLECTING:
		lacp_set(&p->actor, DPB_LACP_STATE_COLLECTING, true);
		lacp_set(&p->actor, DPB_LACP_STATE_DISTRIBUTING, false);
		p->ntt = true;
		break;
	case DPB_LACP_MUX_DISTRIBUTING:
		lacp_set(&p->actor, DPB_LACP_STATE_DISTRIBUTING, true);
		break;
	}
}

void lacp_mux_machine(struct dpb_lacp *l, struct lacp_port *p, uint64_t now)
{
	bool independent = l->params.independent_control;

	for (int guard = 0; guard < 6; guard++) {
		bool partner_sync = lacp_state(&p->partner, DPB_LACP_STATE_SYNCHRONIZATION);
		bool partner_collecting = lacp_state(&p->partner, DPB_LACP_STATE_COLLECTING);
		bool selected = p->selected == DPB_LACP_SELECTED;
		enum dpb_lacp_mux_state next = p->mux;

		switch (p->mux) {
		case DPB_LACP_MUX_DETACHED:
			if (p->selected != DPB_LACP_UNSELECTED)
				next = DPB_LACP_MUX_WAITING;
			break;
		case DPB_LACP_MUX_WAITING:
			if (p->selected == DPB_LACP_UNSELECTED)
				next = DPB_LACP_MUX_DETACHED;
			else if (p->selected == DPB_LACP_SELECTED &&
				 lacp_timer_expired(p->wait_while_ms, now))
				next = DPB_LACP_MUX_ATTACHED;
			break;
		case DPB_LACP_MUX_ATTACHED:
			if (!selected)
				next = DPB_LACP_MUX_DETACHED;
			else if (partner_sync)
				next = independent ? DPB_LACP_MUX_COLLECTING :
						     DPB_LACP_MUX_COLLECTING_DISTRIBUTING;
			break;
		case DPB_LACP_MUX_COLLECTING_DISTRIBUTING:
			if (!selected || !partner_sync)
				next = DPB_LACP_MUX_ATTACHED;
			break;
		case DPB_LACP_MUX_COLLECTING:
			if (!selected || !partner_sync)
				next = DPB_LACP_MUX_ATTACHED;
			else if (partner_collecting)
				next = DPB_LACP_MUX_DISTRIBUTING;
			break;
		case DPB_LACP_MUX_DISTRIBUTING:
			if (!selected || !partner_sync || !partner_collecting)
				next = DPB_LACP_MUX_COLLECTING;
			break;
		}
		if (next == p->mux)
			return;
		enter(p, next, now);
	}
}
