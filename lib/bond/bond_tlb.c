/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * balance-tlb and balance-alb, made safe behind a bridge. Every member that
 * is up transmits; each source MAC (with its VLAN) falls in one of
 * DPB_BOND_TLB_BUCKETS buckets and a bucket belongs to one member, so a MAC
 * never appears on two switch ports at once. Buckets move only when their
 * member fails (dpb_bond_rebucket) or when the control lcore rebalances by
 * measured load (dpb_bond_rebalance). The active member, chosen as in
 * active-backup (primary, primary_reselect), is the one whose broadcast and
 * multicast are received. With tlb_dynamic_lb=0 the xmit hash policy picks
 * the member, as in Linux.
 *
 * balance-alb adds, in Linux, receive balancing by ARP for the host's own
 * addresses and never touches ARP from bridged machines; dpbond has no own
 * address until the host port exists, so alb transmits and receives as tlb.
 */
#include "dpb_bond.h"

unsigned int dpb_bond_rebalance(struct dpb_bond *b, const uint64_t *load)
{
	uint64_t member_load[DPB_BOND_MAX_MEMBERS] = { 0 };
	int usable[DPB_BOND_MAX_MEMBERS];
	unsigned int n = dpb_bond_tx_members(b, usable), moved = 0;

	if (b->n_buckets == 0 || n < 2)
		return 0;
	for (unsigned int i = 0; i < b->n_buckets; i++)
		if (b->bucket[i] >= 0)
			member_load[b->bucket[i]] += load[i];
	for (unsigned int round = 0; round < b->n_buckets; round++) {
		int hi = usable[0], lo = usable[0], pick = -1;
		uint64_t gap;

		for (unsigned int k = 1; k < n; k++) {
			if (member_load[usable[k]] > member_load[hi])
				hi = usable[k];
			if (member_load[usable[k]] < member_load[lo])
				lo = usable[k];
		}
		gap = member_load[hi] - member_load[lo];
		/* The biggest bucket of hi that still narrows the gap. */
		for (unsigned int i = 0; i < b->n_buckets; i++)
			if (b->bucket[i] == hi && load[i] > 0 && load[i] < gap &&
			    (pick < 0 || load[i] > load[pick]))
				pick = (int)i;
		if (pick < 0)
			break;
		b->bucket[pick] = (int8_t)lo;
		member_load[hi] -= load[pick];
		member_load[lo] += load[pick];
		moved++;
	}
	return moved;
}

const struct dpb_bond_mode_ops dpb_bond_ops_balance_tlb = {
	.mode = DPB_BOND_MODE_BALANCE_TLB,
	.select = dpb_bond_select_active,
	.uses_primary = true,
	.tx_on_active = false,
};

const struct dpb_bond_mode_ops dpb_bond_ops_balance_alb = {
	.mode = DPB_BOND_MODE_BALANCE_ALB,
	.select = dpb_bond_select_active,
	.uses_primary = true,
	.tx_on_active = false,
};
