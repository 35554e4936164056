/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_LACP_PRIV_H
#define DPB_LACP_PRIV_H

/* Internal to lib/lacp: per-port variables of 802.1AX-2014 6.4.7. */

#include "dpb_lacp.h"

struct lacp_port {
	bool exists;
	uint16_t port_number;                 /* Actor_Port_Number */
	uint16_t port_priority;
	bool port_enabled;
	bool lacp_enabled;                    /* full duplex: aggregatable */
	uint32_t speed_mbps;
	struct dpb_lacp_info actor;           /* Actor_Oper_* (state: Actor_Oper_Port_State) */
	struct dpb_lacp_info partner;         /* Partner_Oper_* */
	struct dpb_lacp_info partner_admin;   /* Partner_Admin_*: the defaults */
	bool ntt;                             /* Need To Transmit */
	bool port_moved;
	enum dpb_lacp_selected selected;
	enum dpb_lacp_rx_state rx;
	enum dpb_lacp_periodic_state periodic;
	enum dpb_lacp_mux_state mux;
	bool rx_begin;                        /* the Receive machine must re-enter */
	uint64_t current_while_ms;            /* deadlines; 0: stopped */
	uint64_t periodic_ms;
	uint64_t wait_while_ms;
	uint64_t tx_window_ms;                /* start of the fast_periodic window */
	unsigned int tx_in_window;
	unsigned int aggregator;              /* port_number of its aggregator's lead, 0 */
	uint64_t lacpdu_rx, lacpdu_tx;
	enum dpb_lacp_churn_state actor_churn, partner_churn;
	uint64_t actor_churn_ms, partner_churn_ms;   /* churn timers */
	uint32_t actor_churned, partner_churned;
};

struct dpb_lacp {
	struct dpb_lacp_params params;
	dpb_lacp_send_fn send;
	void *ctx;
	unsigned int active_aggregator;
	struct lacp_port ports[DPB_LACP_MAX_PORTS];
};

static inline bool lacp_state(const struct dpb_lacp_info *i, uint8_t bit)
{
	return (i->state & bit) != 0;
}

static inline void lacp_set(struct dpb_lacp_info *i, uint8_t bit, bool on)
{
	i->state = (uint8_t)(on ? i->state | bit : i->state & ~bit);
}

static inline bool lacp_timer_expired(uint64_t deadline, uint64_t now)
{
	return deadline && now >= deadline;
}

/* One file per machine. */
void lacp_rx_machine(struct dpb_lacp *l, struct lacp_port *p, const struct dpb_lacpdu *pdu,
		     uint64_t now);
void lacp_periodic_machine(struct dpb_lacp *l, struct lacp_port *p, uint64_t now);
void lacp_selection(struct dpb_lacp *l);
void lacp_mux_machine(struct dpb_lacp *l, struct lacp_port *p, uint64_t now);
void lacp_tx_machine(struct dpb_lacp *l, struct lacp_port *p, uint64_t now);
void lacp_churn_machine(struct dpb_lacp *l, struct lacp_port *p, uint64_t now);

#endif
