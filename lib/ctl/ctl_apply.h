/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_CTL_APPLY_H
#define DPB_CTL_APPLY_H

/* Internal to lib/ctl: a reload in progress (ctl_apply.c), and how the new
 * model compares with what runs (ctl_diff.c). Control lcore. */

#include "ctl_priv.h"

struct apply {
	struct dpb_cfg *was;                   /* the file applied before */
	struct ctl_iface old[DPB_CFG_MAX_IFACES]; /* the runtime interfaces before */
	unsigned int n_old;
	struct ctl_bridge old_bridges[DPB_FWD_MAX_BRIDGES];
	unsigned int n_old_bridges;
	struct ctl_bond *old_bonds;            /* c->bonds before */
	unsigned int n_old_bonds;
	int bond_from[DPB_FWD_MAX_BONDS];      /* new bond -> the old one it keeps, -1 */
	int bond_slot[DPB_FWD_MAX_BONDS];      /* new bond -> its slot */
	unsigned int n_new_bonds;
	struct ctl_bond built[DPB_FWD_MAX_BONDS]; /* new bonds built aside (prebuild) */
	struct dpb_fdb *new_fdb[DPB_FWD_MAX_BRIDGES]; /* new bridges' FDBs, made aside */
	bool open[DPB_CFG_MAX_IFACES];         /* slots given a device */
	int closing[DPB_CFG_MAX_IFACES];       /* c->ports indices to close after */
	unsigned int n_closing;
	bool gone[DPB_CFG_MAX_IFACES];         /* owned before, not now: down hooks */
	bool fresh[DPB_CFG_MAX_IFACES];        /* owned now, not before: up hooks */
	uint32_t stale;                        /* bridges (new indices) whose learning is stale */
	uint32_t flushed;                      /* bridges (new indices) whose ports moved */
	struct dpb_strbuf added, removed, rebuilt, changed;
};

/* Whether slot @i names the same interface before and now. */
bool ctl_diff_same_name(const struct apply *a, const struct dpb_ctl *c, int i);
/* Whether slot @i of the new model wants a device. */
bool ctl_diff_wants_port(const struct dpb_ctl *c, int i);
/* Whether running bond @cb is what the new model's slot @i asks, untouched. */
bool ctl_diff_same_bond(const struct dpb_ctl *c, const struct apply *a, const struct ctl_bond *cb,
			int i);
/* The first position of bridge @br (old @ob) whose port changed; n_ports + 1 when none did. */
unsigned int ctl_diff_first_moved(const struct dpb_ctl *c, const struct apply *a,
				  const struct ctl_bridge *br, const struct ctl_bridge *ob);
/* The new runtime interfaces, from the file and the console's VM ports that stay. */
void ctl_diff_new_ifaces(struct dpb_ctl *c, struct apply *a);
/* Which interfaces the reload takes away (down hooks), and which it brings (up hooks). */
void ctl_diff_hooks(const struct dpb_ctl *c, struct apply *a);
/* A running port whose device or MTU the file changes: refused. @return 0 or -EINVAL. */
int ctl_diff_refuse_restarts(const struct dpb_ctl *c, const struct apply *a, struct dpb_strbuf *out);

#endif
