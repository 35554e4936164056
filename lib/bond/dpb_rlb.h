/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_RLB_H
#define DPB_RLB_H

/**
 * @file
 * balance-alb's receive load balancing (Linux's rlb, bond_alb.c) for the
 * host's own IPv4 addresses: each client the host answers by ARP is given
 * the MAC of one member, round robin over the members that transmit, so
 * that what it sends to the host arrives on that member. When members come
 * and go the clients are dealt again and told (ARP replies), as Linux does.
 * Never applied to bridged frames: the caller feeds only the host port's
 * own ARP replies.
 *
 * Pure code, the bond's thread (the control lcore).
 */

#include <stdbool.h>
#include <stdint.h>

#include "dpb_bond.h"

#define DPB_RLB_CLIENTS 256   /**< Linux's RLB_HASH_TABLE_SIZE */
#define DPB_RLB_UPDATE_RETRY 3 /**< ARP replies per client update (RLB_UPDATE_RETRY) */

struct dpb_rlb_client {
	bool used;
	unsigned int ntt;        /**< updates (ARP replies) still to send it: its member changed */
	uint32_t ip;             /**< the client (host order) */
	uint32_t server_ip;      /**< the host's address it talks to */
	struct dpb_mac mac;      /**< the client's MAC */
	int member;              /**< whose MAC it was given */
};

struct dpb_rlb {
	unsigned int next;                 /**< round-robin position */
	uint32_t members_up;               /**< members that transmitted at the last deal */
	uint64_t assigned;                 /**< clients given a member */
	uint64_t moved;                    /**< clients moved to another member */
	struct dpb_rlb_client clients[DPB_RLB_CLIENTS];
};

/** Empties @p r. */
void dpb_rlb_init(struct dpb_rlb *r);

/**
 * The host answers client @p ip (@p mac) from @p server_ip: the member
 * whose MAC the reply should carry. A client keeps its member while that
 * member transmits; a new one (or one whose slot another client took) gets
 * the next member round robin.
 * @return the member index, or -1 when no member transmits.
 */
int dpb_rlb_choose(struct dpb_rlb *r, const struct dpb_bond *b, uint32_t ip,
		   const struct dpb_mac *mac, uint32_t server_ip);

/**
 * After the bond's transmitting members changed: clients of a member that
 * stopped move to the others; when one came back, every client is dealt
 * again (Linux's rlb_rebalance), so the new member takes its share. Moved
 * clients get DPB_RLB_UPDATE_RETRY updates to send (ntt).
 * @return how many clients moved.
 */
unsigned int dpb_rlb_members_changed(struct dpb_rlb *r, const struct dpb_bond *b);

#endif
