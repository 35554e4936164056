/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * balance-rr, balance-xor and broadcast: every member whose link is up both
 * transmits and receives; there is no active member to choose. How a frame
 * is spread over them (round robin, transmit hash, every member) is the
 * datapath's part (lib/fwd/fwd_bond.c).
 */
#include "dpb_bond.h"

static void all_up_select(struct dpb_bond *b, uint64_t now_ms)
{
	(void)b;
	(void)now_ms;
}

const struct dpb_bond_mode_ops dpb_bond_ops_balance_rr = {
	.mode = DPB_BOND_MODE_BALANCE_RR,
	.select = all_up_select,
	.uses_primary = false,
};

const struct dpb_bond_mode_ops dpb_bond_ops_balance_xor = {
	.mode = DPB_BOND_MODE_BALANCE_XOR,
	.select = all_up_select,
	.uses_primary = false,
};

/*
 * 802.3ad's datapath side: the distributing members transmit by the xmit
 * hash policy, the collecting ones receive. Which those are is LACP's
 * decision (lib/lacp), fed in through dpb_bond_set_lacp_state().
 */
const struct dpb_bond_mode_ops dpb_bond_ops_8023ad = {
	.mode = DPB_BOND_MODE_8023AD,
	.select = all_up_select,
	.uses_primary = false,
};

const struct dpb_bond_mode_ops dpb_bond_ops_broadcast = {
	.mode = DPB_BOND_MODE_BROADCAST,
	.select = all_up_select,
	.uses_primary = false,
};
