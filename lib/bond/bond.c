/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The bond object and Linux's MII link monitor: per member UP -> FAIL
 * (downdelay) -> DOWN -> BACK (updelay) -> UP, inspected once per miimon tick,
 * then committed, then the mode reselects (bond_main.c: bond_miimon_inspect,
 * bond_miimon_commit).
 */
#include <errno.h>
#include <string.h>

#include "dpb_bond.h"

static const char *const link_names[] = {
#define X(id, text) [DPB_LINK_##id] = text,
	DPB_MEMBER_LINKS(X)
#undef X
};

const char *dpb_member_link_name(enum dpb_member_link link)
{
	return (unsigned int)link <= DPB_LINK_BACK ? link_names[link] : "unknown";
}

static const struct dpb_bond_mode_ops *mode_ops(enum dpb_bond_mode mode)
{
	switch (mode) {
	case DPB_BOND_MODE_ACTIVE_BACKUP:
		return &dpb_bond_ops_active_backup;
	case DPB_BOND_MODE_BALANCE_RR:
		return &dpb_bond_ops_balance_rr;
	case DPB_BOND_MODE_BALANCE_XOR:
		return &dpb_bond_ops_balance_xor;
	case DPB_BOND_MODE_BROADCAST:
		return &dpb_bond_ops_broadcast;
	case DPB_BOND_MODE_BALANCE_TLB:
		return &dpb_bond_ops_balance_tlb;
	case DPB_BOND_MODE_BALANCE_ALB:
		return &dpb_bond_ops_balance_alb;
	case DPB_BOND_MODE_8023AD:
		return &dpb_bond_ops_8023ad;
	default:
		return NULL;
	}
}

int dpb_bond_init(struct dpb_bond *b, const char *name, const struct dpb_cfg_bond *cfg,
		  uint64_t now_ms)
{
	const struct dpb_bond_mode_ops *ops = mode_ops(cfg->mode);
	unsigned int miimon = cfg->miimon_ms;

	if (ops == NULL)
		return -ENOTSUP;
	memset(b, 0, sizeof(*b));
	snprintf(b->name, sizeof(b->name), "%s", name);
	b->ops = ops;
	b->mode = cfg->mode;
	b->miimon_ms = miimon;
	b->updelay = miimon ? cfg->updelay_ms / miimon : 0;
	b->downdelay = miimon ? cfg->downdelay_ms / miimon : 0;
	b->peer_notif_delay = miimon ? cfg->peer_notif_delay_ms / miimon : 0;
	b->primary_reselect = cfg->primary_reselect;
	b->xmit_hash_policy = cfg->xmit_hash_policy;
	b->all_slaves_active = cfg->all_slaves_active;
	b->packets_per_slave = cfg->packets_per_slave;
	b->tlb_dynamic_lb = cfg->tlb_dynamic_lb;
	b->n_buckets = cfg->hash_buckets;
	if ((cfg->mode == DPB_BOND_MODE_BALANCE_TLB || cfg->mode == DPB_BOND_MODE_BALANCE_ALB) &&
	    cfg->tlb_dynamic_lb)
		b->n_buckets = DPB_BOND_TLB_BUCKETS;
	memset(b->bucket, -1, sizeof(b->bucket));
	b->primary = -1;
	b->curr_active = -1;
	b->next_miimon_ms = now_ms + miimon;
	b->fail_over_mac = cfg->fail_over_mac;
	b->arp_interval_ms = cfg->arp_interval_ms;
	b->arp_missed_max = cfg->arp_missed_max ? cfg->arp_missed_max : 2;
	b->arp_validate = cfg->arp_validate;
	b->arp_all_targets = cfg->arp_all_targets;
	b->n_arp_targets = cfg->n_arp_targets;
	memcpy(b->arp_targets, cfg->arp_targets, sizeof(b->arp_targets));
	b->n_ns_targets = cfg->n_ns_targets;
	memcpy(b->ns_targets, cfg->ns_targets, sizeof(b->ns_targets));
	b->curr_arp_slave = -1;
	b->next_arpmon_ms = now_ms + b->arp_interval_ms;
	return 0;
}

void dpb_bond_event(struct dpb_bond *b, uint64_t now_ms, enum dpb_bond_event_type type,
		    int member, unsigned int ms)
{
	struct dpb_bond_event *ev = &b->events[b->n_events++ % DPB_BOND_EVENTS];

	ev->at_ms = now_ms;
	ev->type = type;
	ev->member = member;
	ev->ms = ms;
}

static void take_sample(struct dpb_bond_member *m, const struct dpb_link_sample *s)
{
	/* As Linux refreshes speed on link-up: a link that is down reads Unknown. */
	m->speed_mbps = s->carrier ? s->speed_mbps : 0;
	m->full_duplex = s->full_duplex;
	m->duplex_known = s->carrier;
}

static unsigned int update_carrier(struct dpb_bond *b)
{
	bool carrier = false;

	for (unsigned int i = 0; i < b->n_members; i++)
		if (b->members[i].link == DPB_LINK_UP)
			carrier = true;
	if (carrier == b->carrier)
		return 0;
	b->carrier = carrier;
	return DPB_BOND_CHANGED_CARRIER;
}

/* Runs the mode's selection; says whether the carrying set changed. */
static unsigned int reselect(struct dpb_bond *b, uint64_t now_ms)
{
	int before = b->curr_active;

	b->ops->select(b, now_ms);
	dpb_bond_rebucket(b);
	/* Without an active member, any commit may change who transmits. */
	return (b->curr_active != before || !b->ops->tx_on_active ? DPB_BOND_CHANGED_ACTIVE : 0) |
	       update_carrier(b);
}

int dpb_bond_add_member(struct dpb_bond *b, const char *name, const struct dpb_mac *perm_addr,
			const struct dpb_link_sample *sample, uint64_t now_ms)
{
	struct dpb_bond_member *m;
	int i;

	if (b->n_members == DPB_BOND_MAX_MEMBERS)
		return -ENOSPC;
	i = (int)b->n_members++;
	m = &b->members[i];
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->perm_addr = *perm_addr;
	m->cur_addr = *perm_addr;
	take_sample(m, sample);
	if (i == 0)
		b->addr = *perm_addr;
	/* As Linux enslaves: the last answer heard just over an interval ago. */
	m->last_rx_ms = now_ms > b->arp_interval_ms + 1 ? now_ms - b->arp_interval_ms - 1 : 0;
	m->last_tx_ms = m->last_rx_ms;
	for (unsigned int t = 0; t < DPB_BOND_MAX_TARGETS; t++)
		m->target_rx_ms[t] = m->last_rx_ms;
	m->last_link_up_ms = now_ms;
	if (!sample->carrier && (b->miimon_ms || b->arp_interval_ms)) {
		m->link = DPB_LINK_DOWN;
	} else if (b->updelay && b->miimon_ms) {
		m->link = DPB_LINK_BACK;
		m->delay = (int)b->updelay;
	} else {
		m->link = DPB_LINK_UP;
	}
	reselect(b, now_ms);
	return i;
}

int dpb_bond_set_mode(struct dpb_bond *b, enum dpb_bond_mode mode, uint64_t now_ms)
{
	const struct dpb_bond_mode_ops *ops = mode_ops(mode);

	if (ops == NULL)
		return -ENOTSUP;
	b->ops = ops;
	b->mode = mode;
	if (b->arp_interval_ms && (mode == DPB_BOND_MODE_8023AD || mode == DPB_BOND_MODE_BALANCE_TLB ||
				   mode == DPB_BOND_MODE_BALANCE_ALB)) {
		/* As Linux: these modes cannot be ARP-monitored; miimon 100 takes over. */
		b->arp_interval_ms = 0;
		b->curr_arp_slave = -1;
		b->miimon_ms = 100;
		b->next_miimon_ms = now_ms + b->miimon_ms;
	}
	if (!ops->uses_primary)
		b->curr_active = -1;
	if ((mode == DPB_BOND_MODE_BALANCE_TLB || mode == DPB_BOND_MODE_BALANCE_ALB) &&
	    b->tlb_dynamic_lb && b->n_buckets == 0)
		b->n_buckets = DPB_BOND_TLB_BUCKETS;
	return (int)(reselect(b, now_ms) | DPB_BOND_CHANGED_ACTIVE);
}

int dpb_bond_find_member(const struct dpb_bond *b, const char *name)
{
	for (unsigned int i = 0; i < b->n_members; i++)
		if (strcmp(b->members[i].name, name) == 0)
			return (int)i;
	return -1;
}

bool dpb_bond_miimon_due(const struct dpb_bond *b, uint64_t now_ms)
{
	return b->miimon_ms && now_ms >= b->next_miimon_ms;
}

/* Inspect and commit for one member. @return true when a state was committed. */
static bool inspect(struct dpb_bond *b, int i, const struct dpb_link_sample *s,
		    bool ignore_updelay, uint64_t now_ms)
{
	struct dpb_bond_member *m = &b->members[i];
	unsigned int miimon = b->miimon_ms;

	switch (m->link) {
	case DPB_LINK_UP:
		if (s->carrier)
			return false;
		m->link = DPB_LINK_FAIL;
		m->delay = (int)b->downdelay;
		if (m->delay)
			dpb_bond_event(b, now_ms, DPB_BOND_EV_LINK_DOWN_DELAYED, i,
				       b->downdelay * miimon);
		/* fall through */
	case DPB_LINK_FAIL:
		if (s->carrier) {
			m->link = DPB_LINK_UP;
			dpb_bond_event(b, now_ms, DPB_BOND_EV_LINK_UP_AGAIN, i,
				       (b->downdelay - (unsigned int)m->delay) * miimon);
			return false;
		}
		if (m->delay <= 0) {
			m->link = DPB_LINK_DOWN;
			if (m->link_failure_count < UINT32_MAX)
				m->link_failure_count++;
			take_sample(m, s);
			dpb_bond_event(b, now_ms, DPB_BOND_EV_LINK_DOWN, i, 0);
			return true;
		}
		m->delay--;
		return false;
	case DPB_LINK_DOWN:
		if (!s->carrier)
			return false;
		m->link = DPB_LINK_BACK;
		m->delay = (int)b->updelay;
		if (m->delay && !ignore_updelay)
			dpb_bond_event(b, now_ms, DPB_BOND_EV_LINK_UP_DELAYED, i,
				       b->updelay * miimon);
		/* fall through */
	case DPB_LINK_BACK:
		if (!s->carrier) {
			m->link = DPB_LINK_DOWN;
			if (m->link_failure_count < UINT32_MAX)
				m->link_failure_count++;
			dpb_bond_event(b, now_ms, DPB_BOND_EV_LINK_DOWN_AGAIN, i,
				       (b->updelay - (unsigned int)m->delay) * miimon);
			return true;
		}
		if (ignore_updelay)
			m->delay = 0;
		if (m->delay <= 0) {
			m->link = DPB_LINK_UP;
			take_sample(m, s);
			dpb_bond_event(b, now_ms, DPB_BOND_EV_LINK_UP, i, 0);
			return true;
		}
		m->delay--;
		return false;
	}
	return false;
}

unsigned int dpb_bond_miimon(struct dpb_bond *b, const struct dpb_link_sample *samples,
			     uint64_t now_ms)
{
	/* With no active member, updelay is not waited for (Linux). */
	bool ignore_updelay = b->curr_active < 0;
	bool committed = false;
	unsigned int changed = 0;

	for (unsigned int i = 0; i < b->n_members; i++) {
		enum dpb_member_link before = b->members[i].link;

		if (b->members[i].link == DPB_LINK_UP && samples[i].carrier)
			take_sample(&b->members[i], &samples[i]);
		if (inspect(b, (int)i, &samples[i], ignore_updelay, now_ms)) {
			committed = true;
			if (b->members[i].link == DPB_LINK_UP)
				ignore_updelay = false;
		}
		if (b->members[i].link != before)
			changed |= DPB_BOND_CHANGED_LINK;
	}
	/* Only commits to UP or DOWN reselect: a member in FAIL keeps carrying. */
	if (committed)
		changed |= reselect(b, now_ms);
	/* Next tick on the miimon grid, never in the past. */
	b->next_miimon_ms += b->miimon_ms;
	if (b->next_miimon_ms <= now_ms)
		b->next_miimon_ms = now_ms + b->miimon_ms;
	return changed;
}

int dpb_bond_set_primary(struct dpb_bond *b, int member, uint64_t now_ms)
{
	if (member < -1 || member >= (int)b->n_members)
		return -EINVAL;
	b->primary = member;
	b->force_primary = member >= 0;
	return (int)reselect(b, now_ms);
}

/* fail_over_mac follow: the new active member takes the MAC the old one had. */
static void follow_mac(struct dpb_bond *b, int old, int m)
{
	struct dpb_mac tmp;

	if (old < 0) {
		/* As bond_get_old_active(): the member carrying the bond's MAC. */
		for (unsigned int i = 0; i < b->n_members; i++)
			if ((int)i != m && dpb_mac_eq(&b->members[i].cur_addr, &b->addr))
				old = (int)i;
	}
	if (old < 0) {
		b->members[m].cur_addr = b->addr;
		return;
	}
	tmp = b->members[m].cur_addr;
	b->members[m].cur_addr = b->members[old].cur_addr;
	b->members[old].cur_addr = tmp;
}

void dpb_bond_take_active(struct dpb_bond *b, int m, uint64_t now_ms)
{
	int old = b->curr_active;

	b->curr_active = m;
	if (m < 0)
		return;
	b->curr_arp_slave = -1;
	b->members[m].last_link_up_ms = now_ms;
	if (b->mode != DPB_BOND_MODE_ACTIVE_BACKUP)
		return;
	if (b->fail_over_mac == DPB_FAIL_OVER_MAC_ACTIVE)
		b->addr = b->members[m].perm_addr;
	else if (b->fail_over_mac == DPB_FAIL_OVER_MAC_FOLLOW)
		follow_mac(b, old, m);
}

bool dpb_bond_restore_active(struct dpb_bond *b, const char *name, uint64_t now_ms)
{
	int m = dpb_bond_find_member(b, name);

	/* A primary decides for itself (primary_reselect). */
	if (m < 0 || b->curr_active < 0 || m == b->curr_active || b->primary >= 0 ||
	    b->members[m].link != DPB_LINK_UP)
		return false;
	dpb_bond_take_active(b, m, now_ms);
	return true;
}

const struct dpb_mac *dpb_bond_member_mac(const struct dpb_bond *b, unsigned int i)
{
	if (b->mode != DPB_BOND_MODE_ACTIVE_BACKUP || b->fail_over_mac == DPB_FAIL_OVER_MAC_NONE)
		return &b->addr;
	if (b->fail_over_mac == DPB_FAIL_OVER_MAC_ACTIVE)
		return &b->members[i].perm_addr;
	return &b->members[i].cur_addr;
}

void dpb_bond_change_active(struct dpb_bond *b, int m, uint64_t now_ms)
{
	if (m == b->curr_active)
		return;
	dpb_bond_take_active(b, m, now_ms);
	if (m < 0)
		dpb_bond_event(b, now_ms, DPB_BOND_EV_NO_ACTIVE, -1, 0);
	else
		dpb_bond_event(b, now_ms, DPB_BOND_EV_ACTIVE, m, 0);
}

int dpb_bond_set_lacp_state(struct dpb_bond *b, unsigned int i, bool collecting,
			    bool distributing)
{
	struct dpb_bond_member *m;

	if (i >= b->n_members)
		return -EINVAL;
	m = &b->members[i];
	if (m->collecting == collecting && m->distributing == distributing)
		return 0;
	m->collecting = collecting;
	m->distributing = distributing;
	dpb_bond_rebucket(b);
	return DPB_BOND_CHANGED_ACTIVE;
}

bool dpb_bond_member_rx_ok(const struct dpb_bond *b, unsigned int i)
{
	if (i >= b->n_members)
		return false;
	if (b->mode == DPB_BOND_MODE_8023AD)
		return b->members[i].link == DPB_LINK_UP && b->members[i].collecting;
	if (b->ops->tx_on_active && !b->all_slaves_active)
		return (int)i == b->curr_active;
	return b->members[i].link == DPB_LINK_UP || b->all_slaves_active;
}

bool dpb_bond_member_rx_multicast_ok(const struct dpb_bond *b, unsigned int i)
{
	if (!dpb_bond_member_rx_ok(b, i))
		return false;
	if (b->ops->uses_primary && !b->ops->tx_on_active && !b->all_slaves_active)
		return (int)i == b->curr_active;
	return true;
}

unsigned int dpb_bond_tx_members(const struct dpb_bond *b, int *out)
{
	unsigned int n = 0;

	if (b->ops->tx_on_active) {
		if (b->curr_active >= 0)
			out[n++] = b->curr_active;
		return n;
	}
	for (unsigned int i = 0; i < b->n_members; i++)
		if (b->members[i].link == DPB_LINK_UP &&
		    (b->mode != DPB_BOND_MODE_8023AD || b->members[i].distributing))
			out[n++] = (int)i;
	return n;
}
