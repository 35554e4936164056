/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Linux's ARP link monitor (bond_main.c), the IPv6 NS monitor with it: a
 * member is up while it sends probes and hears answers, whatever its carrier.
 *
 * active-backup (bond_activebackup_arp_mon): probes go out on the active
 * member only; backups stay up on what they hear (with arp_validate, our own
 * probes coming round through the switch). With no active member the monitor
 * tries the members one by one (curr_arp_slave), each for one interval.
 * The other modes (bond_loadbalance_arp_mon): every member with carrier
 * probes; one is up while it has sent and heard within missed_max intervals.
 *
 * The datapath records what arrives (struct dpb_arpmon_seen); each tick reads
 * it as Linux's bond_rcv_validate() would have for the member's state now.
 */
#include <string.h>

#include "dpb_bond.h"

/* Linux's bond_time_in_interval(): @last within @mod intervals and a half. */
static bool in_interval(const struct dpb_bond *b, uint64_t last, unsigned int mod,
			uint64_t now)
{
	int64_t delta = b->arp_interval_ms;
	int64_t l = (int64_t)last, n = (int64_t)now;

	return n >= l - delta && n <= l + (int64_t)mod * delta + delta / 2;
}

/* Active for validation: the active member, the candidate, every member outside active-backup. */
static bool is_active(const struct dpb_bond *b, int i)
{
	if (!b->ops->tx_on_active)
		return true;
	return i == b->curr_active || i == b->curr_arp_slave;
}

static unsigned int n_targets(const struct dpb_bond *b)
{
	return b->n_arp_targets + b->n_ns_targets;
}

/* Target @k (0..n_targets-1) as an index of the seen arrays. */
static unsigned int target_slot(const struct dpb_bond *b, unsigned int k)
{
	return k < b->n_arp_targets ? k : DPB_CFG_MAX_ARP_TARGETS + (k - b->n_arp_targets);
}

/* Linux's slave_last_rx(): with arp_all_targets all, the oldest target's answer. */
static uint64_t member_last_rx(const struct dpb_bond *b, const struct dpb_bond_member *m)
{
	uint64_t oldest;

	if (!b->arp_all_targets || n_targets(b) == 0)
		return m->last_rx_ms;
	oldest = m->target_rx_ms[target_slot(b, 0)];
	for (unsigned int k = 1; k < n_targets(b); k++)
		if (m->target_rx_ms[target_slot(b, k)] < oldest)
			oldest = m->target_rx_ms[target_slot(b, k)];
	return oldest;
}

static void take_rx(uint64_t *last, uint64_t t)
{
	if (t > *last)
		*last = t;
}

/* What member @i heard since the last tick, as bond_rcv_validate() counts it. */
static void take_seen(struct dpb_bond *b, int i, const struct dpb_arpmon_seen *s, uint64_t now)
{
	struct dpb_bond_member *m = &b->members[i];
	unsigned int bit = is_active(b, i) ? DPB_ARP_VALIDATE_ACTIVE : DPB_ARP_VALIDATE_BACKUP;
	const uint64_t *by_target;

	if (!(b->arp_validate & bit)) {
		/* Not validated: any frame counts, or with filter only ARP/NS/NA. */
		take_rx(&m->last_rx_ms, b->arp_validate & DPB_ARP_VALIDATE_FILTER ? s->arp_ms : s->rx_ms);
		return;
	}
	if (is_active(b, i)) {
		by_target = s->from_target_ms;
	} else if (b->curr_active >= 0 &&
		   member_last_rx(b, &b->members[b->curr_active]) >
			   b->members[b->curr_active].last_link_up_ms) {
		/* The active member hears answers: our probes seen here vouch for this one. */
		by_target = s->to_target_ms;
	} else if (b->curr_arp_slave >= 0 &&
		   in_interval(b, b->members[b->curr_arp_slave].last_tx_ms, 1, now)) {
		by_target = s->reply_ms;
	} else {
		return;
	}
	for (unsigned int k = 0; k < n_targets(b); k++) {
		unsigned int t = target_slot(b, k);

		take_rx(&m->target_rx_ms[t], by_target[t]);
		take_rx(&m->last_rx_ms, by_target[t]);
	}
}

static void probe_member(struct dpb_bond *b, int i, uint64_t now, uint32_t *probe)
{
	if (n_targets(b) == 0)
		return;  /* nothing to send: last_tx stays where it was (Linux) */
	*probe |= 1u << i;
	b->members[i].last_tx_ms = now;
}

static void set_link(struct dpb_bond *b, int i, enum dpb_member_link link, uint64_t now,
		     enum dpb_bond_event_type ev)
{
	struct dpb_bond_member *m = &b->members[i];

	if (link == DPB_LINK_DOWN && m->link_failure_count < UINT32_MAX)
		m->link_failure_count++;
	m->link = link;
	dpb_bond_event(b, now, ev, i, 0);
}

/* bond_loadbalance_arp_mon(). @return true when a member changed. */
static bool loadbalance_tick(struct dpb_bond *b, const bool *carrier, uint64_t now,
			     uint32_t *probe)
{
	bool changed = false;

	for (unsigned int i = 0; i < b->n_members; i++) {
		struct dpb_bond_member *m = &b->members[i];

		if (m->link != DPB_LINK_UP) {
			if (in_interval(b, m->last_tx_ms, 1, now) &&
			    in_interval(b, m->last_rx_ms, 1, now)) {
				set_link(b, (int)i, DPB_LINK_UP, now,
					 b->carrier ? DPB_BOND_EV_NOW_UP : DPB_BOND_EV_LINK_UP);
				changed = true;
			}
		} else if (!in_interval(b, m->last_tx_ms, b->arp_missed_max, now) ||
			   !in_interval(b, m->last_rx_ms, b->arp_missed_max, now)) {
			set_link(b, (int)i, DPB_LINK_DOWN, now, DPB_BOND_EV_NOW_DOWN);
			changed = true;
		}
		if (carrier[i])
			probe_member(b, (int)i, now, probe);
	}
	return changed;
}

/* bond_ab_arp_inspect(): the state each member should move to (its own when none). */
static enum dpb_member_link ab_inspect(const struct dpb_bond *b, int i, uint64_t now)
{
	const struct dpb_bond_member *m = &b->members[i];
	uint64_t last_rx = member_last_rx(b, m);

	if (m->link != DPB_LINK_UP) {
		if (in_interval(b, last_rx, 1, now))
			return DPB_LINK_UP;
		return m->link == DPB_LINK_BACK ? DPB_LINK_FAIL : m->link;
	}
	/* Two intervals of grace after being made active or probed. */
	if (in_interval(b, m->last_link_up_ms, 2, now))
		return m->link;
	if (!is_active(b, i) && b->curr_arp_slave < 0 &&
	    !in_interval(b, last_rx, b->arp_missed_max + 1, now))
		return DPB_LINK_DOWN;
	if (is_active(b, i) && (!in_interval(b, m->last_tx_ms, b->arp_missed_max, now) ||
				!in_interval(b, last_rx, b->arp_missed_max, now)))
		return DPB_LINK_DOWN;
	return m->link;
}

/* bond_ab_arp_commit(). @return true when the active member must be chosen again. */
static bool ab_commit(struct dpb_bond *b, int i, enum dpb_member_link to, uint64_t now)
{
	struct dpb_bond_member *m = &b->members[i];

	if (to == m->link)
		return false;
	switch (to) {
	case DPB_LINK_UP:
		if (b->curr_active == i)
			return false;
		b->curr_arp_slave = -1;
		set_link(b, i, DPB_LINK_UP, now, DPB_BOND_EV_LINK_UP);
		return b->curr_active < 0 || i == b->primary;
	case DPB_LINK_DOWN:
		set_link(b, i, DPB_LINK_DOWN, now, DPB_BOND_EV_LINK_DOWN);
		if (i != b->curr_active)
			return false;
		b->curr_arp_slave = -1;
		return true;
	case DPB_LINK_FAIL:
		m->link = DPB_LINK_FAIL;
		if (b->curr_active >= 0)
			b->curr_arp_slave = -1;
		return false;
	default:
		return false;
	}
}

/*
 * bond_ab_arp_probe(): probe on the active member; without one, move the
 * candidate to the next member with carrier and probe it.
 */
static bool ab_probe(struct dpb_bond *b, const bool *carrier, uint64_t now, uint32_t *probe)
{
	int before = -1, next = -1;
	bool found = false, changed = false;

	if (b->curr_active >= 0) {
		probe_member(b, b->curr_active, now, probe);
		return false;
	}
	if (b->curr_arp_slave < 0) {
		if (b->n_members == 0)
			return false;
		b->curr_arp_slave = 0;
	}
	for (unsigned int i = 0; i < b->n_members; i++) {
		struct dpb_bond_member *m = &b->members[i];

		if (!found && before < 0 && carrier[i])
			before = (int)i;
		if (found && next < 0 && carrier[i])
			next = (int)i;
		/* Up without carrier: a failure the reselection did not see. */
		if (!carrier[i] && m->link == DPB_LINK_UP) {
			set_link(b, (int)i, DPB_LINK_DOWN, now, DPB_BOND_EV_BACKUP_DOWN);
			changed = true;
		}
		if ((int)i == b->curr_arp_slave)
			found = true;
	}
	if (next < 0)
		next = before;
	if (next < 0)
		return changed;
	if (b->members[next].link != DPB_LINK_BACK)
		changed = true;
	b->members[next].link = DPB_LINK_BACK;
	b->members[next].last_link_up_ms = now;
	b->curr_arp_slave = next;
	probe_member(b, next, now, probe);
	return changed;
}

static bool activebackup_tick(struct dpb_bond *b, const bool *carrier, uint64_t now,
			      uint32_t *probe, bool *failover)
{
	enum dpb_member_link to[DPB_BOND_MAX_MEMBERS];
	bool changed = false;

	for (unsigned int i = 0; i < b->n_members; i++)
		to[i] = ab_inspect(b, (int)i, now);
	for (unsigned int i = 0; i < b->n_members; i++) {
		if (to[i] != b->members[i].link)
			changed = true;
		if (ab_commit(b, (int)i, to[i], now))
			*failover = true;
	}
	if (*failover) {
		b->ops->select(b, now);
		dpb_bond_rebucket(b);
	}
	return ab_probe(b, carrier, now, probe) || changed;
}

bool dpb_bond_arpmon_due(const struct dpb_bond *b, uint64_t now_ms)
{
	return b->arp_interval_ms && now_ms >= b->next_arpmon_ms;
}

unsigned int dpb_bond_arpmon(struct dpb_bond *b, const struct dpb_arpmon_seen *seen,
			     const bool *carrier, uint64_t now_ms, uint32_t *probe)
{
	int active_before = b->curr_active;
	bool carrier_before = b->carrier, failover = false, changed;
	unsigned int flags = 0;

	*probe = 0;
	/* The active member first: whether the backups' sightings count depends on it. */
	if (b->curr_active >= 0)
		take_seen(b, b->curr_active, &seen[b->curr_active], now_ms);
	for (unsigned int i = 0; i < b->n_members; i++)
		if ((int)i != b->curr_active)
			take_seen(b, (int)i, &seen[i], now_ms);
	if (b->ops->tx_on_active) {
		changed = activebackup_tick(b, carrier, now_ms, probe, &failover);
	} else {
		changed = loadbalance_tick(b, carrier, now_ms, probe);
		if (changed) {
			b->ops->select(b, now_ms);
			dpb_bond_rebucket(b);
			flags |= DPB_BOND_CHANGED_ACTIVE;
		}
	}
	if (changed)
		flags |= DPB_BOND_CHANGED_LINK;
	if (b->curr_active != active_before || failover)
		flags |= DPB_BOND_CHANGED_ACTIVE;
	b->carrier = false;
	for (unsigned int i = 0; i < b->n_members; i++)
		if (b->members[i].link == DPB_LINK_UP)
			b->carrier = true;
	if (b->carrier != carrier_before)
		flags |= DPB_BOND_CHANGED_CARRIER;
	b->next_arpmon_ms += b->arp_interval_ms;
	if (b->next_arpmon_ms <= now_ms)
		b->next_arpmon_ms = now_ms + b->arp_interval_ms;
	return flags;
}
