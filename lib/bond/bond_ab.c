/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * active-backup: one member carries all traffic. Reselection follows Linux's
 * bond_find_best_slave() / bond_choose_primary_or_current(): the primary when
 * it is up and primary_reselect allows, else the current member while it is
 * up (no fail-back without a primary), else the first member that is up in
 * slave order, else the member in BACK closest to the end of its updelay.
 */
#include <limits.h>

#include "dpb_bond.h"

static bool is_up(const struct dpb_bond *b, int i)
{
	return i >= 0 && b->members[i].link == DPB_LINK_UP;
}

/* @return the member to use, or -1 to fall back to the first one up. */
static int primary_or_current(struct dpb_bond *b)
{
	int prim = b->primary, curr = b->curr_active;
	const struct dpb_bond_member *p, *c;

	if (!is_up(b, prim))
		return is_up(b, curr) ? curr : -1;
	if (b->force_primary) {
		b->force_primary = false;
		return prim;
	}
	if (!is_up(b, curr))
		return prim;
	p = &b->members[prim];
	c = &b->members[curr];
	switch (b->primary_reselect) {
	case DPB_PRIMARY_RESELECT_BETTER:
		if (p->speed_mbps < c->speed_mbps)
			return curr;
		if (p->speed_mbps == c->speed_mbps && p->full_duplex <= c->full_duplex)
			return curr;
		return prim;
	case DPB_PRIMARY_RESELECT_FAILURE:
		return curr;
	case DPB_PRIMARY_RESELECT_ALWAYS:
	default:
		return prim;
	}
}

void dpb_bond_select_active(struct dpb_bond *b, uint64_t now_ms)
{
	int best = primary_or_current(b);
	int mintime = INT_MAX;

	if (best < 0) {
		for (unsigned int i = 0; i < b->n_members; i++) {
			const struct dpb_bond_member *m = &b->members[i];

			if (m->link == DPB_LINK_UP) {
				best = (int)i;
				break;
			}
			if (m->link == DPB_LINK_BACK && m->delay < mintime) {
				mintime = m->delay;
				best = (int)i;
			}
		}
	}
	if (best == b->curr_active)
		return;
	if (best >= 0 && b->members[best].link == DPB_LINK_BACK) {
		/* No member is up: take the one coming back without waiting. */
		dpb_bond_event(b, now_ms, DPB_BOND_EV_ACTIVE_EARLY, best,
			       (unsigned int)b->members[best].delay * b->miimon_ms);
		b->members[best].link = DPB_LINK_UP;
		b->members[best].delay = 0;
		dpb_bond_take_active(b, best, now_ms);
		return;
	}
	dpb_bond_change_active(b, best, now_ms);
}

const struct dpb_bond_mode_ops dpb_bond_ops_active_backup = {
	.mode = DPB_BOND_MODE_ACTIVE_BACKUP,
	.select = dpb_bond_select_active,
	.uses_primary = true,
	.tx_on_active = true,
};
