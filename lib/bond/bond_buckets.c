/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hash buckets (bond-hash-buckets, beyond Linux): the transmit hash picks a
 * bucket, the bucket a member. Losing a member moves only that member's
 * buckets; a member coming back takes an even share from the others. Flows
 * of members that stay keep their member, unlike Linux's `hash % count`.
 */
#include "dpb_bond.h"

void dpb_bond_rebucket(struct dpb_bond *b)
{
	int usable[DPB_BOND_MAX_MEMBERS];
	unsigned int count[DPB_BOND_MAX_MEMBERS] = { 0 };
	bool ok[DPB_BOND_MAX_MEMBERS] = { false };
	unsigned int n = b->n_buckets ? dpb_bond_tx_members(b, usable) : 0;

	if (b->n_buckets == 0)
		return;
	for (unsigned int k = 0; k < n; k++)
		ok[usable[k]] = true;
	for (unsigned int i = 0; i < b->n_buckets; i++)
		if (b->bucket[i] >= 0 && ok[b->bucket[i]])
			count[b->bucket[i]]++;
	/* Orphaned buckets go to the least loaded member (lowest index on ties). */
	for (unsigned int i = 0; i < b->n_buckets; i++) {
		int best = -1;

		if (b->bucket[i] >= 0 && ok[b->bucket[i]])
			continue;
		for (unsigned int k = 0; k < n; k++)
			if (best < 0 || count[usable[k]] < count[best])
				best = usable[k];
		b->bucket[i] = (int8_t)best;
		if (best >= 0)
			count[best]++;
	}
	/* Even out: move the last bucket of the fullest to the emptiest. */
	for (;;) {
		int hi = -1, lo = -1;

		for (unsigned int k = 0; k < n; k++) {
			int m = usable[k];

			if (hi < 0 || count[m] > count[hi])
				hi = m;
			if (lo < 0 || count[m] < count[lo])
				lo = m;
		}
		if (hi < 0 || count[hi] - count[lo] <= 1)
			break;
		for (unsigned int i = b->n_buckets; i-- > 0;) {
			if (b->bucket[i] == hi) {
				b->bucket[i] = (int8_t)lo;
				count[hi]--;
				count[lo]++;
				break;
			}
		}
	}
}
