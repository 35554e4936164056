/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Transmit machine (802.1AX-2014 6.4.16): sends a LACPDU when Need To
 * Transmit is set, at most DPB_LACP_TX_PER_FAST_PERIOD per
 * fast_periodic_time; a held NTT goes out when the window reopens.
 */
#include "lacp_priv.h"

void lacp_tx_machine(struct dpb_lacp *l, struct lacp_port *p, uint64_t now)
{
	struct dpb_lacpdu pdu = { .version = 1 };

	if (!p->ntt || !p->port_enabled || p->periodic == DPB_LACP_PERIODIC_NO_PERIODIC)
		return;
	if (now >= p->tx_window_ms + DPB_LACP_FAST_PERIODIC_MS) {
		p->tx_window_ms = now;
		p->tx_in_window = 0;
	}
	if (p->tx_in_window >= DPB_LACP_TX_PER_FAST_PERIOD)
		return;
	pdu.actor = p->actor;
	pdu.partner = p->partner;
	l->send(l->ctx, (unsigned int)(p->port_number - 1), &pdu);
	p->tx_in_window++;
	p->lacpdu_tx++;
	p->ntt = false;
}
