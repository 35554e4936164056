/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_LACP_H
#define DPB_LACP_H

/**
 * @file
 * IEEE 802.1AX Link Aggregation Control Protocol for one bond: an opaque
 * object, ports registered by number, LACPDUs in (dpb_lacp_rx), LACPDUs out
 * through a send callback, and each port's collecting/distributing state as
 * the result, which the control plane feeds into the bond
 * (dpb_bond_set_lacp_state). The bond never parses a PDU; LACP never sees a
 * data frame.
 *
 * Machines per port (802.1AX-2014 6.4.12-6.4.17): Receive, Periodic
 * Transmission, Mux (coupled control, or independent), Transmit (at most 3 LACPDUs per
 * fast_periodic_time); Selection per bond. Time is an argument (@c now_ms);
 * nothing here reads a clock. One thread owns an object (the control lcore).
 */

#include <stdbool.h>
#include <stdint.h>

#include "dpb_lacp_pdu.h"

#define DPB_LACP_MAX_PORTS 16

/* 802.1AX-2014 6.4.4 constants, in milliseconds. */
#define DPB_LACP_FAST_PERIODIC_MS 1000
#define DPB_LACP_SLOW_PERIODIC_MS 30000
#define DPB_LACP_SHORT_TIMEOUT_MS 3000
#define DPB_LACP_LONG_TIMEOUT_MS 90000
#define DPB_LACP_AGGREGATE_WAIT_MS 2000
#define DPB_LACP_CHURN_DETECTION_MS 60000
#define DPB_LACP_TX_PER_FAST_PERIOD 3

#define DPB_LACP_RX_STATES(X)  \
	X(INITIALIZE)          \
	X(PORT_DISABLED)       \
	X(EXPIRED)             \
	X(LACP_DISABLED)       \
	X(DEFAULTED)           \
	X(CURRENT)

#define DPB_LACP_PERIODIC_STATES(X) \
	X(NO_PERIODIC)              \
	X(FAST_PERIODIC)            \
	X(SLOW_PERIODIC)            \
	X(PERIODIC_TX)

#define DPB_LACP_MUX_STATES(X)       \
	X(DETACHED)                  \
	X(WAITING)                   \
	X(ATTACHED)                  \
	X(COLLECTING_DISTRIBUTING)   \
	X(COLLECTING)                \
	X(DISTRIBUTING)

/* Churn Detection (6.4.17), with the words Linux shows in status. */
#define DPB_LACP_CHURN_STATES(X)          \
	X(NO_CHURN, "none")               \
	X(CHURN_MONITOR, "monitoring")    \
	X(CHURN, "churned")

enum dpb_lacp_churn_state {
#define X(s, text) DPB_LACP_##s,
	DPB_LACP_CHURN_STATES(X)
#undef X
};

/** Linux's ad_select: how the active aggregator is chosen. */
#define DPB_LACP_AD_SELECTS(X) \
	X(STABLE, "stable")    \
	X(BANDWIDTH, "bandwidth") \
	X(COUNT, "count")

enum dpb_lacp_ad_select {
#define X(s, text) DPB_LACP_AD_SELECT_##s,
	DPB_LACP_AD_SELECTS(X)
#undef X
};

const char *dpb_lacp_churn_state_name(enum dpb_lacp_churn_state s);
const char *dpb_lacp_ad_select_name(enum dpb_lacp_ad_select s);

#define DPB_LACP_SELECTED(X) \
	X(UNSELECTED)        \
	X(SELECTED)          \
	X(STANDBY)

enum dpb_lacp_rx_state {
#define X(s) DPB_LACP_RX_##s,
	DPB_LACP_RX_STATES(X)
#undef X
};

enum dpb_lacp_periodic_state {
#define X(s) DPB_LACP_PERIODIC_##s,
	DPB_LACP_PERIODIC_STATES(X)
#undef X
};

enum dpb_lacp_mux_state {
#define X(s) DPB_LACP_MUX_##s,
	DPB_LACP_MUX_STATES(X)
#undef X
};

enum dpb_lacp_selected {
#define X(s) DPB_LACP_##s,
	DPB_LACP_SELECTED(X)
#undef X
};

const char *dpb_lacp_rx_state_name(enum dpb_lacp_rx_state s);
const char *dpb_lacp_periodic_state_name(enum dpb_lacp_periodic_state s);
const char *dpb_lacp_mux_state_name(enum dpb_lacp_mux_state s);

/** The actor's parameters (Linux's option names). */
struct dpb_lacp_params {
	uint16_t system_priority;    /**< ad_actor_sys_prio, default 65535 */
	struct dpb_mac system;       /**< ad_actor_system (the bond's MAC) */
	bool active;                 /**< lacp_active on (else passive) */
	bool fast;                   /**< lacp_rate fast: ask for short timeout */
	uint16_t user_port_key;      /**< ad_user_port_key, 0-1023 */
	enum dpb_lacp_ad_select ad_select; /**< default stable */
	bool independent_control;    /**< coupled_control 0: collect before distributing */
};

/** Sends @p pdu on @p port. Called from dpb_lacp_tick() and dpb_lacp_rx(). */
typedef void (*dpb_lacp_send_fn)(void *ctx, unsigned int port, const struct dpb_lacpdu *pdu);

struct dpb_lacp;

/** Creates an actor. @return it, or NULL (errno ENOMEM). */
struct dpb_lacp *dpb_lacp_create(const struct dpb_lacp_params *p, dpb_lacp_send_fn send,
				 void *ctx);
void dpb_lacp_destroy(struct dpb_lacp *l);

/** What @p send is given from now on (its owner moved). Owner's thread. */
void dpb_lacp_set_ctx(struct dpb_lacp *l, void *ctx);

/**
 * Adds port index @p port (0..DPB_LACP_MAX_PORTS-1, its 802.1AX port number
 * is port + 1) with priority @p port_priority (255 by default in Linux).
 * @return 0, or -EINVAL.
 */
int dpb_lacp_add_port(struct dpb_lacp *l, unsigned int port, uint16_t port_priority);

/** The port's link (port_enabled), speed and duplex, at @p now_ms. */
void dpb_lacp_port_link(struct dpb_lacp *l, unsigned int port, bool up, uint32_t speed_mbps,
			bool full_duplex, uint64_t now_ms);

/** A LACPDU received on @p port. Runs the Receive machine at once. */
void dpb_lacp_rx(struct dpb_lacp *l, unsigned int port, const struct dpb_lacpdu *pdu,
		 uint64_t now_ms);

/** Runs every machine of every port at @p now_ms (call every 100 ms or more often). */
void dpb_lacp_tick(struct dpb_lacp *l, uint64_t now_ms);

/**
 * Whether @p port carries traffic although no LACP partner answers: it is
 * in the active aggregator and that aggregator has no partner (a switch
 * without LACP). Linux enables such ports so the bond still works over one
 * link; dpbond does the same. Control thread.
 */
bool dpb_lacp_enabled_without_partner(const struct dpb_lacp *l, unsigned int port);

/** What the Mux machine decided for @p port (coupled: both or neither). */
bool dpb_lacp_collecting(const struct dpb_lacp *l, unsigned int port);
bool dpb_lacp_distributing(const struct dpb_lacp *l, unsigned int port);

/** A port's view, for status text. */
struct dpb_lacp_port_status {
	enum dpb_lacp_rx_state rx;
	enum dpb_lacp_periodic_state periodic;
	enum dpb_lacp_mux_state mux;
	enum dpb_lacp_selected selected;
	unsigned int aggregator;         /**< id, 0 when none */
	struct dpb_lacp_info actor;      /**< actor's operational information */
	struct dpb_lacp_info partner;    /**< partner's operational information */
	uint64_t lacpdu_rx, lacpdu_tx;
	enum dpb_lacp_churn_state actor_churn, partner_churn;
	uint32_t actor_churned, partner_churned;   /**< entries into churn */
};

/** Fills @p st for @p port. @return 0, or -EINVAL. */
int dpb_lacp_port_status(const struct dpb_lacp *l, unsigned int port,
			 struct dpb_lacp_port_status *st);

/** The active aggregator's id, 0 when there is none. */
unsigned int dpb_lacp_active_aggregator(const struct dpb_lacp *l);

/**
 * Ports of the active aggregator whose link is up: the bond's carrier is up
 * when this reaches min_links (Linux's __agg_active_ports).
 */
unsigned int dpb_lacp_active_ports(const struct dpb_lacp *l);

/**
 * The Marker Responder (802.1AX 6.5.4.2): the answer to a Marker PDU.
 * @return 0 with @p resp to send back on the same port, or -EINVAL when
 *   @p in is itself a response (nothing to send).
 */
int dpb_marker_respond(const struct dpb_marker_pdu *in, struct dpb_marker_pdu *resp);

#endif
