/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The main lcore's loop: link polling (miimon) for each bond, FDB learning
 * from the workers' rings and ageing, and publishing a new snapshot whenever
 * what the workers must do has changed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_cycles.h>

#include "ctl_priv.h"
#include "ctl_status.h"
#include "dpb_notify.h"

#define LEARN_BATCH 64
/* Batches per worker per turn of the control loop: a turn is a pass of the
 * main lcore's forwarding (-l 0) or 100 us (with workers), so up to ten
 * million new MACs a second with workers, the ring (4096) drained in four
 * turns. */
#define LEARN_ROUNDS 16

uint64_t dpb_ctl_now_ms(const struct dpb_ctl *c)
{
	/* Divided first: (tsc * 1000) would wrap after some 70 days at 3 GHz. */
	return (rte_get_tsc_cycles() - c->start_tsc) / (c->tsc_hz / 1000) + c->warp_ms;
}

void ctl_log_all_bond_events(struct dpb_ctl *c)
{
	for (unsigned int i = 0; i < c->n_bonds; i++)
		ctl_log_bond_events(&c->bonds[i]);
}

void ctl_log_bond_events(struct ctl_bond *cb)
{
	struct dpb_bond *b = &cb->bond;
	struct dpb_strbuf sb;

	if (b->n_events - cb->events_logged > DPB_BOND_EVENTS)
		cb->events_logged = b->n_events - DPB_BOND_EVENTS;
	dpb_strbuf_init(&sb);
	for (; cb->events_logged < b->n_events; cb->events_logged++) {
		const struct dpb_bond_event *ev = &b->events[cb->events_logged % DPB_BOND_EVENTS];

		dpb_strbuf_reset(&sb);
		dpb_bond_event_format(b, ev, &sb);
		/* A bond left with no active member is an error; the rest, notices. */
		DPB_LOG_AT(ev->type == DPB_BOND_EV_NO_ACTIVE ? RTE_LOG_ERR : RTE_LOG_NOTICE, BOND,
			   "[%8.3f] %s", (double)ev->at_ms / 1000.0, dpb_strbuf_str(&sb));
	}
	dpb_strbuf_free(&sb);
}

static void fill_bond(const struct dpb_ctl *c, const struct ctl_bond *cb,
		      struct dpb_fwd_bond *fb)
{
	int tx[DPB_BOND_MAX_MEMBERS];
	unsigned int n = dpb_bond_tx_members(&cb->bond, tx);

	fb->iface = (uint16_t)cb->iface;
	fb->idx = (uint16_t)(cb - c->bonds);
	bool tlb = cb->bond.mode == DPB_BOND_MODE_BALANCE_TLB ||
		   cb->bond.mode == DPB_BOND_MODE_BALANCE_ALB;
	bool buckets = tlb ? cb->bond.tlb_dynamic_lb : cb->bond.n_buckets > 0;

	fb->tx = dpb_fwd_bond_tx_for(cb->bond.mode, buckets);
	fb->tx_burst = dpb_fwd_bond_tx_burst_for(cb->bond.mode, buckets);
	fb->packets_per_slave = (uint16_t)cb->bond.packets_per_slave;
	fb->xmit_hash_policy = cb->bond.xmit_hash_policy;
	fb->n_tx = fb->tx ? (uint16_t)n : 0;
	/* Divisions by constants of this snapshot, made multiplications. */
	fb->n_tx_div = rte_reciprocal_value(n ? n : 1);
	fb->pps_div = rte_reciprocal_value(fb->packets_per_slave ? fb->packets_per_slave : 1);
	for (unsigned int k = 0; k < n; k++)
		fb->tx_port[k] = c->ports[cb->member_port[tx[k]]].port_id;
	if (n == 0)
		fb->tx_port[0] = c->ports[cb->member_port[0]].port_id;
	if (cb->bond.n_buckets) {
		fb->bucket_mask = (uint16_t)(cb->bond.n_buckets - 1);
		for (unsigned int i = 0; i < cb->bond.n_buckets; i++) {
			unsigned int k = 0;

			/* a bucket's member transmits (dpb_bond_rebucket()); if not, the first */
			while (k < n && tx[k] != cb->bond.bucket[i])
				k++;
			fb->bucket_slot[i] = (uint8_t)(k < n ? k : 0);
		}
	}
}

/* Which bridge and which of its ports an interface is, if any. */
static bool bridge_port_of(const struct dpb_ctl *c, int iface, uint16_t *bridge,
			   uint16_t *br_port)
{
	int b, k = ctl_bridge_position(c, iface, &b);

	if (k < 0)
		return false;
	*bridge = (uint16_t)b;
	*br_port = (uint16_t)k;
	return true;
}

/* A port's place in a bridge as the datapath needs it; VLANs when VLAN-aware. */
static void fill_brport(const struct dpb_ctl *c, bool vlan_aware, int f,
			struct dpb_fwd_brport *bp, struct dpb_fwd_snapshot *s)
{
	bp->iface = (uint16_t)f;
	if (vlan_aware)
		ctl_port_vlans(c, f, &bp->pvid, s->vids[f]);
}

static void fill_bridge(const struct dpb_ctl *c, const struct ctl_bridge *cbr,
			struct dpb_fwd_bridge *fb, struct dpb_fwd_snapshot *s)
{
	fb->fdb = cbr->fdb;
	fb->vlan_aware = cbr->vlan_aware;
	fb->host_brport = -1;
	fb->n_ports = (uint16_t)cbr->n_ports;
	for (unsigned int k = 0; k < cbr->n_ports; k++) {
		int f = cbr->ports[k];
		const struct ctl_iface *x = &c->ifs[f];
		struct dpb_fwd_brport *bp = &fb->ports[k];

		fill_brport(c, cbr->vlan_aware, f, bp, s);
		if (ctl_vlanif_brport(c, f, bp))
			continue;
		if (!cbr->vlan_aware && x->kind == DPB_IFACE_VLAN && x->host_port) {
			/* The host's VLAN of a plain bridge (vmbr0.7). */
			uint16_t vid = (uint16_t)x->vlan_id;

			bp->local = true;
			bp->local_vid = vid;
			fb->has_local_vlans = true;
			fb->local_vids[vid / 64] |= 1ull << (vid % 64);
		}
		if (x->bond >= 0) {
			bp->kind = DPB_BRPORT_BOND;
			bp->bond = (uint16_t)x->bond;
		} else {
			bp->kind = DPB_BRPORT_PORT;
			bp->port_id = c->ports[x->port].port_id;
		}
	}
	if (c->ifs[cbr->iface].port >= 0) {
		struct dpb_fwd_brport *bp = &fb->ports[fb->n_ports++];

		fill_brport(c, cbr->vlan_aware, cbr->iface, bp, s);
		bp->local = true;
		fb->host_brport = (int16_t)(fb->n_ports - 1);
		bp->kind = DPB_BRPORT_PORT;
		bp->port_id = c->ports[c->ifs[cbr->iface].port].port_id;
	}
}

static struct dpb_fwd_snapshot *build_snapshot(struct dpb_ctl *c)
{
	struct dpb_fwd_snapshot *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->generation = ++c->generation;
	s->forwarding = c->forwarding;
	for (unsigned int i = 0; i < RTE_MAX_ETHPORTS; i++)
		s->port_iface[i] = DPB_FWD_NO_IFACE;
	for (unsigned int i = 0; i < c->n_ifs; i++) {
		const struct ctl_iface *f = &c->ifs[i];
		const struct dpb_port *p;
		struct dpb_fwd_in *in;
		int master = f->master;

		if (c->ifs[i].port < 0)
			continue;
		p = &c->ports[c->ifs[i].port];
		in = &s->in[p->port_id];
		s->port_iface[p->port_id] = (uint16_t)i;
		s->cable_out[p->port_id] = dpb_port_cable_out(p);
		s->tx_down[p->port_id] = s->cable_out[p->port_id] || c->port_down[c->ifs[i].port];
		s->tx_chains[p->port_id] = p->tx_multi_seg;
		s->max_frame[p->port_id] = p->mtu ? p->mtu + RTE_ETHER_HDR_LEN : UINT32_MAX;
		if (p->peer_mtu && p->peer_mtu + RTE_ETHER_HDR_LEN < s->max_frame[p->port_id])
			s->max_frame[p->port_id] = p->peer_mtu + RTE_ETHER_HDR_LEN;
		if (master >= 0 && c->ifs[master].bond >= 0) {
			const struct ctl_bond *cb = &c->bonds[c->ifs[master].bond];
			int m = dpb_bond_find_member(&cb->bond, f->name);

			in->rx_ok = dpb_bond_member_rx_ok(&cb->bond, (unsigned int)m);
			in->rx_multicast_ok = dpb_bond_member_rx_multicast_ok(&cb->bond,
									      (unsigned int)m);
			in->punt_slow = cb->lacp != NULL;
			if (cb->bond.arp_interval_ms)
				in->arpmon = (uint16_t)(c->ifs[master].bond + 1);
			in->in_bridge = bridge_port_of(c, master, &in->bridge, &in->br_port);
		} else {
			in->rx_ok = true;
			in->rx_multicast_ok = true;
			in->in_bridge = bridge_port_of(c, (int)i, &in->bridge, &in->br_port);
			in->snoop_addr = in->in_bridge;
		}
	}
	ctl_vlanif_snapshot(c, s);
	ctl_rlb_snapshot(c, s);
	s->n_bonds = (uint16_t)c->n_bonds;
	for (unsigned int i = 0; i < c->n_bonds; i++) {
		fill_bond(c, &c->bonds[i], &s->bonds[i]);
		s->arpmon[i] = c->bonds[i].arpmon;
	}
	for (unsigned int i = 0; i < c->n_bridges; i++)
		fill_bridge(c, &c->bridges[i], &s->bridges[i], s);
	ctl_numa_assign_queues(c, s);
	return s;
}

void ctl_publish(struct dpb_ctl *c)
{
	struct dpb_fwd_snapshot *s = build_snapshot(c), *old;

	if (s == NULL) {
		DPB_LOG(ERR, CTL, "out of memory for a snapshot; will retry");
		c->dirty = true;
		return;
	}
	/* fail_over_mac: the member devices' MACs follow the active member. */
	for (unsigned int i = 0; i < c->n_bonds; i++)
		ctl_member_macs(c, &c->bonds[i]);
	old = atomic_exchange_explicit(&c->snap, s, memory_order_acq_rel);
	/* Wait until every worker has finished the pass that might read @old. */
	if (c->qsbr)
		rte_rcu_qsbr_synchronize(c->qsbr, RTE_QSBR_THRID_INVALID);
	if (old)
		ctl_announce_changes(c, old, s, dpb_ctl_now_ms(c));
	ctl_rlb_changes(c);
	free(old);
	c->dirty = false;
}

static void poll_links(struct dpb_ctl *c, uint64_t now)
{
	for (unsigned int i = 0; i < c->n_bonds; i++) {
		struct ctl_bond *cb = &c->bonds[i];
		struct dpb_link_sample s[DPB_BOND_MAX_MEMBERS];

		if (!dpb_bond_miimon_due(&cb->bond, now))
			continue;
		for (unsigned int k = 0; k < cb->bond.n_members; k++) {
			struct dpb_port_link l;

			dpb_port_link(&c->ports[cb->member_port[k]], &l);
			s[k].carrier = l.up;
			s[k].speed_mbps = l.speed_mbps;
			s[k].full_duplex = l.full_duplex;
			ctl_lacp_link(cb, k, &s[k], now);
		}
		if (dpb_bond_miimon(&cb->bond, s, now) & DPB_BOND_CHANGED_LINK)
			c->dirty = true;
	}
}

/* Applies one learning request, unless its bridge is in mask @stale. */
static void learn_one(struct dpb_ctl *c, const struct dpb_learn_req *req, uint64_t now,
		      uint32_t stale)
{
	struct ctl_bridge *br;

	if (req->bridge >= c->n_bridges || (stale >> req->bridge & 1))
		return;
	br = &c->bridges[req->bridge];
	if (req->ipv4) {
		dpb_fdb_set_ipv4(br->fdb, req->vlan, req->mac, req->ipv4);
		return;
	}
	if (req->ipv6[0]) {  /* no address to announce starts with 0x00 */
		dpb_fdb_set_ipv6(br->fdb, req->vlan, req->mac, req->ipv6);
		return;
	}
	switch (dpb_fdb_learn(br->fdb, req->vlan, req->mac, req->br_port, now)) {
	case DPB_FDB_LEARN_NEW:
		br->learned++;
		break;
	case DPB_FDB_LEARN_MOVED:
		br->moved++;
		break;
	default:
		break;
	}
}

/* Applies the workers' learning requests, up to LEARN_ROUNDS batches from
 * each; those for the bridges in mask @stale are dropped. */
static void drain_learning(struct dpb_ctl *c, uint64_t now, uint32_t stale)
{
	struct dpb_learn_req req[LEARN_BATCH];

	for (unsigned int w = 0; w < c->n_pollers; w++) {
		for (unsigned int round = 0; round < LEARN_ROUNDS; round++) {
			unsigned int n = rte_ring_sc_dequeue_burst_elem(c->workers[w]->learn_ring, req,
									sizeof(req[0]), LEARN_BATCH,
									NULL);

			for (unsigned int k = 0; k < n; k++)
				learn_one(c, &req[k], now, stale);
			if (n < LEARN_BATCH)
				break;
		}
	}
}

void ctl_drop_stale_learning(struct dpb_ctl *c, uint32_t stale)
{
	uint64_t now = dpb_ctl_now_ms(c);
	unsigned int most = 0;

	/* What is there now, and no more: busy workers keep adding fresh requests. */
	for (unsigned int w = 0; w < c->n_pollers; w++)
		most = RTE_MAX(most, rte_ring_count(c->workers[w]->learn_ring));
	for (unsigned int done = 0; done < most; done += LEARN_BATCH * LEARN_ROUNDS)
		drain_learning(c, now, stale);
}

/* balance-tlb/alb: move source-MAC buckets by the load of the last interval. */
static void rebalance(struct dpb_ctl *c)
{
	uint64_t load[DPB_FWD_TLB_BUCKETS];

	for (unsigned int i = 0; i < c->n_bonds; i++) {
		struct ctl_bond *cb = &c->bonds[i];
		unsigned int moved;

		if (!cb->bond.tlb_dynamic_lb || cb->bond.ops->tx_on_active ||
		    cb->bond.n_buckets != DPB_FWD_TLB_BUCKETS)
			continue;
		for (unsigned int k = 0; k < DPB_FWD_TLB_BUCKETS; k++) {
			uint64_t total = 0;

			for (unsigned int w = 0; w < c->n_pollers; w++)
				total += atomic_load_explicit(&c->workers[w]->tlb_bytes[i][k],
							      memory_order_relaxed);
			load[k] = total - cb->tlb_seen[k];
			cb->tlb_seen[k] = total;
		}
		moved = dpb_bond_rebalance(&cb->bond, load);
		if (moved) {
			DPB_LOG(INFO, BOND, "%s: rebalanced: %u source MAC group%s moved",
				cb->bond.name, moved, moved == 1 ? "" : "s");
			c->dirty = true;
		}
	}
}

/*
 * The part of a tick that can wait a forwarding pass: what the bonds did,
 * logged; an ageing slice; a reload SIGHUP asked for; telemetry; the status
 * files. @now: the time it runs.
 */
static void tick_rest(struct dpb_ctl *c, uint64_t now)
{
	c->tick_rest_due = false;
	ctl_log_all_bond_events(c);
	/* Ageing a slice a tick: each slot once a second, or once in as many
	 * seconds as the table has millions of slots, so that at most about a
	 * thousand slots (48 KB, slot and writer's fields) are read a
	 * millisecond. A whole pass at once over a large FDB held the lcore for
	 * a third of a second. */
	if (now > c->last_age_ms) {
		uint64_t ms = RTE_MIN(now - c->last_age_ms, (uint64_t)1000);

		for (unsigned int i = 0; i < c->n_bridges; i++) {
			struct ctl_bridge *br = &c->bridges[i];
			uint64_t slots = dpb_fdb_slots(br->fdb), pass_ms = RTE_MAX(slots / 1000, (uint64_t)1000);
			uint32_t n = (uint32_t)(slots * ms / pass_ms) + 1;

			dpb_fdb_age_slots(br->fdb, &br->age_cursor, n, now, br->ageing_ms);
		}
		c->last_age_ms = now;
	}
	ctl_reload_if_asked(c);
	ctl_telemetry_serve(c);
	ctl_status_refresh(c, now);
}

/* The rest a publishing tick left, if it has not run yet: run now, at this time. */
static void tick_rest_if_due(struct dpb_ctl *c)
{
	if (c->tick_rest_due)
		tick_rest(c, dpb_ctl_now_ms(c));
}

void ctl_tick(struct dpb_ctl *c)
{
	uint64_t now = dpb_ctl_now_ms(c);

	tick_rest_if_due(c);
	/* Only a loop that turns pets the service manager's watchdog. */
	dpb_notify_watchdog(now);
	if (now >= c->next_rebalance_ms) {
		rebalance(c);
		c->next_rebalance_ms = now + CTL_REBALANCE_MS;
	}

	drain_learning(c, now, 0);
	ctl_lacp_drain(c, now);
	poll_links(c, now);
	ctl_arpmon_tick(c, now);
	ctl_rlb_tick(c, now);
	ctl_lacp_tick(c, now);
	ctl_announce_tick(c, now);
	ctl_poll_bridge_links(c, now);
	/*
	 * A change goes to the workers before anything else: a failover waits
	 * neither for its own log lines (EAL's default stream also writes each
	 * to syslog: two lines held the lcore 0.15-0.18 ms in dpb-bench's
	 * FAILOVER) nor for the housekeeping. The rest of the tick runs at the
	 * next turn of dpb_ctl_run(), after the main lcore's own pass when it
	 * forwards.
	 */
	if (c->dirty) {
		ctl_publish(c);
		c->tick_rest_due = true;
		return;
	}
	tick_rest(c, now);
}

/*
 * The main lcore forwarding itself (no worker lcores), at TSC @start: one
 * pass, counted busy or idle as a worker's; the time since its last pass,
 * spent on control work (ticks, the console), is counted apart.
 */
static void main_poll(struct dpb_ctl *c, uint64_t start)
{
	struct dpb_worker *w = c->workers[0];
	uint32_t n = dpb_fwd_poll(w, atomic_load_explicit(&c->snap, memory_order_relaxed));
	uint64_t end = rte_get_tsc_cycles();

	if (c->main_poll_end)
		c->ctl_tsc += start - c->main_poll_end;
	dpb_fwd_account(w, n, end - start);
	c->main_poll_end = end;
}

/*
 * Learning each turn, not each tick: a stream of new MACs fills a worker's
 * ring (4096) in a fraction of a millisecond, and what does not fit is
 * lost until the MAC sends again. Measured with dpb-bench's LEARN case
 * (doc/performance.md).
 */
static void learn_turn(struct dpb_ctl *c)
{
	for (unsigned int w = 0; w < c->n_pollers; w++) {
		if (rte_ring_count(c->workers[w]->learn_ring) != 0) {
			drain_learning(c, dpb_ctl_now_ms(c), 0);
			return;
		}
	}
}

bool dpb_ctl_run(struct dpb_ctl *c)
{
	uint64_t tsc = rte_get_tsc_cycles();

	if (c->n_workers == 0)
		main_poll(c, tsc);
	else
		rte_delay_us_sleep(100);  /* the control lcore need not spin */
	learn_turn(c);
	tick_rest_if_due(c);
	if (tsc < c->next_tick_tsc)
		return false;
	c->next_tick_tsc = tsc + c->tsc_hz / 1000;
	ctl_tick(c);
	return true;
}

int dpb_ctl_bond_handle(struct dpb_ctl *c, const char *name)
{
	int iface = ctl_find_iface(c, name);

	return iface < 0 || c->ifs[iface].bond < 0 ? -ENOENT : c->ifs[iface].bond;
}

int dpb_ctl_bond_xmit(struct dpb_ctl *c, int bond, struct rte_mbuf **pkts, uint16_t n)
{
	const struct dpb_fwd_snapshot *s = atomic_load_explicit(&c->snap, memory_order_relaxed);

	if (bond < 0 || bond >= s->n_bonds)
		return -ENOENT;
	if (c->n_workers != 0)
		return -EBUSY;
	dpb_fwd_bond_burst(c->workers[0], s, (uint16_t)bond, pkts, n);
	return n;
}

void dpb_ctl_run_for(struct dpb_ctl *c, unsigned int ms)
{
	uint64_t end = rte_get_tsc_cycles() + c->tsc_hz * ms / 1000;

	while (rte_get_tsc_cycles() < end)
		dpb_ctl_run(c);
}

int dpb_ctl_warp(struct dpb_ctl *c, unsigned int ms, unsigned int step_ms, struct dpb_strbuf *out)
{
	if (!c->warp_allowed) {
		if (out)
			dpb_strbuf_puts(out, "the clock can be warped only with --test-clock\n");
		return -EPERM;
	}
	if (step_ms == 0)
		step_ms = 1;
	for (unsigned int done = 0; done < ms; done += step_ms) {
		c->warp_ms += ms - done < step_ms ? ms - done : step_ms;
		if (c->n_workers == 0)
			main_poll(c, rte_get_tsc_cycles());
		ctl_tick(c);
	}
	tick_rest_if_due(c);
	if (out)
		dpb_strbuf_printf(out, "clock warped by %u ms: now %lu ms (%lu ms ahead of the wall clock)\n",
				  ms, (unsigned long)dpb_ctl_now_ms(c), (unsigned long)c->warp_ms);
	return 0;
}

void dpb_ctl_allow_warp(struct dpb_ctl *c)
{
	c->warp_allowed = true;
}
