/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * balance-alb's receive load balancing: a client table hashed on the
 * client's address (Linux's rx_hashtbl, without its linked lists: one client
 * per slot, a newcomer takes the slot), members dealt round robin.
 */
#include <string.h>

#include "dpb_rlb.h"

static bool transmits(const struct dpb_bond *b, int i)
{
	return i >= 0 && i < (int)b->n_members && b->members[i].link == DPB_LINK_UP;
}

static uint32_t up_mask(const struct dpb_bond *b)
{
	uint32_t m = 0;

	for (unsigned int i = 0; i < b->n_members; i++)
		if (transmits(b, (int)i))
			m |= 1u << i;
	return m;
}

/* Linux's _simple_hash over the address's bytes: the last byte decides most. */
static unsigned int slot(uint32_t ip)
{
	return (ip ^ ip >> 8 ^ ip >> 16 ^ ip >> 24) % DPB_RLB_CLIENTS;
}

/* rlb_next_rx_slave(): the next member that transmits, round robin. */
static int next_member(struct dpb_rlb *r, const struct dpb_bond *b)
{
	for (unsigned int k = 0; k < b->n_members; k++) {
		int i = (int)((r->next + k) % b->n_members);

		if (transmits(b, i)) {
			r->next = (unsigned int)i + 1;
			return i;
		}
	}
	return -1;
}

void dpb_rlb_init(struct dpb_rlb *r)
{
	memset(r, 0, sizeof(*r));
	for (unsigned int k = 0; k < DPB_RLB_CLIENTS; k++)
		r->clients[k].member = -1;
}

int dpb_rlb_choose(struct dpb_rlb *r, const struct dpb_bond *b, uint32_t ip,
		   const struct dpb_mac *mac, uint32_t server_ip)
{
	struct dpb_rlb_client *c = &r->clients[slot(ip)];

	if (r->members_up == 0)
		r->members_up = up_mask(b);
	if (c->used && c->ip == ip && c->server_ip == server_ip && transmits(b, c->member)) {
		c->mac = *mac;
		return c->member;
	}
	c->used = true;
	c->ntt = 0;   /* the reply being sent tells it */
	c->ip = ip;
	c->server_ip = server_ip;
	c->mac = *mac;
	c->member = next_member(r, b);
	if (c->member >= 0)
		r->assigned++;
	return c->member;
}

unsigned int dpb_rlb_members_changed(struct dpb_rlb *r, const struct dpb_bond *b)
{
	uint32_t now = up_mask(b);
	bool came_back = (now & ~r->members_up) != 0;
	unsigned int moved = 0;

	r->members_up = now;
	for (unsigned int k = 0; k < DPB_RLB_CLIENTS; k++) {
		struct dpb_rlb_client *c = &r->clients[k];
		int before = c->member;

		if (!c->used || (!came_back && transmits(b, c->member)))
			continue;
		c->member = next_member(r, b);
		if (c->member != before && c->member >= 0) {
			c->ntt = DPB_RLB_UPDATE_RETRY;
			moved++;
		}
	}
	r->moved += moved;
	return moved;
}
