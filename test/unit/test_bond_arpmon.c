/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ARP monitor in simulated milliseconds, against a small model of the
 * network: each probe a member sends is answered on the member the far side
 * answers on (if any), and the switch floods it to the members it reaches.
 * Failover and fail-back when the far side stops and starts answering behind
 * a good carrier, arp_validate's filtering, arp_all_targets, the load-balancing
 * modes' monitor, the candidate search with no active member, the status
 * text, and fail_over_mac.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dpb_bond.h"

#define N 2

struct net {
	struct dpb_bond b;
	struct dpb_arpmon_seen seen[N];
	bool carrier[N];
	bool answers[N][2];   /* the target t answers probes sent on member i */
	int reply_on[N];      /* the member a reply to member i's probe arrives on */
	bool flood[N];        /* the switch floods broadcasts to member i */
	bool other[N];        /* member i receives other (non-ARP) traffic */
	uint64_t now;
};

static void net_init(struct net *x, enum dpb_bond_mode mode, enum dpb_arp_validate validate,
		     unsigned int n_targets, int primary)
{
	struct dpb_cfg_bond cfg = {
		.mode = mode, .primary = -1, .arp_interval_ms = 100, .arp_missed_max = 2,
		.arp_validate = validate, .n_arp_targets = n_targets,
		.arp_targets = { { 198, 51, 100, 2 }, { 198, 51, 100, 3 } },
	};

	memset(x, 0, sizeof(*x));
	x->now = 1000;
	assert_int_equal(dpb_bond_init(&x->b, "bond0", &cfg, x->now), 0);
	for (int i = 0; i < N; i++) {
		char name[8];
		struct dpb_mac mac = { { 0x02, 0, 0, 0, 0, (uint8_t)(i + 1) } };
		struct dpb_link_sample s = { .carrier = true, .speed_mbps = 10000,
					       .full_duplex = true };

		snprintf(name, sizeof(name), "eth%d", i);
		assert_int_equal(dpb_bond_add_member(&x->b, name, &mac, &s, x->now), i);
		x->carrier[i] = true;
		x->answers[i][0] = x->answers[i][1] = true;
		x->reply_on[i] = i;
		x->flood[i] = true;
	}
	if (primary >= 0)
		dpb_bond_set_primary(&x->b, primary, x->now);
}

/* What the network does with member @i's probes, 1 ms after they left. */
static void deliver(struct net *x, int i, uint64_t at)
{
	for (unsigned int t = 0; t < x->b.n_arp_targets; t++) {
		int on = x->reply_on[i];

		if (x->answers[i][t] && on >= 0) {
			x->seen[on].rx_ms = x->seen[on].arp_ms = at;
			x->seen[on].from_target_ms[t] = x->seen[on].reply_ms[t] = at;
		}
		for (int j = 0; j < N; j++) {
			if (j == i || !x->flood[j])
				continue;
			x->seen[j].rx_ms = x->seen[j].arp_ms = at;
			x->seen[j].to_target_ms[t] = at;
		}
	}
}

/* Runs the next tick; the probes it asks for are answered before the one after. */
static unsigned int tick(struct net *x)
{
	uint32_t probe = 0;
	unsigned int flags;

	x->now = x->b.next_arpmon_ms;
	assert_true(dpb_bond_arpmon_due(&x->b, x->now));
	for (int i = 0; i < N; i++)
		if (x->other[i])
			x->seen[i].rx_ms = x->now - 10;
	flags = dpb_bond_arpmon(&x->b, x->seen, x->carrier, x->now, &probe);
	for (int i = 0; i < N; i++)
		if (probe >> i & 1)
			deliver(x, i, x->now + 1);
	return flags;
}

static void ticks(struct net *x, unsigned int n)
{
	while (n--)
		tick(x);
}

/* Ticks until member @m is active or @max ticks pass. @return the time it took. */
static uint64_t until_active(struct net *x, int m, unsigned int max)
{
	uint64_t from = x->now;

	for (unsigned int k = 0; k < max && x->b.curr_active != m; k++)
		tick(x);
	assert_int_equal(x->b.curr_active, m);
	return x->now - from;
}

static void test_failover_behind_good_carrier(void **state)
{
	struct net x;
	uint64_t took;

	(void)state;
	net_init(&x, DPB_BOND_MODE_ACTIVE_BACKUP, DPB_ARP_VALIDATE_NONE, 1, 0);
	ticks(&x, 10);
	assert_int_equal(x.b.curr_active, 0);
	assert_int_equal(x.b.members[0].link, DPB_LINK_UP);
	assert_int_equal(x.b.members[1].link, DPB_LINK_UP);

	/* The switch behind eth0 dies: nothing reaches eth0, its carrier stays up. */
	x.answers[0][0] = false;
	x.flood[0] = false;
	x.reply_on[1] = -1;
	took = until_active(&x, 1, 10);
	/* Down once no answer came for missed_max intervals and a half: Linux's bound. */
	assert_true(took <= 100 * 2 + 50 + 100);
	assert_int_equal(x.b.members[0].link, DPB_LINK_DOWN);
	assert_int_equal(x.b.members[0].link_failure_count, 1);
	assert_true(x.carrier[0]);

	/* It answers again: eth0 hears eth1's probes, comes up, and as primary takes over. */
	x.answers[0][0] = true;
	x.flood[0] = true;
	x.reply_on[1] = 1;
	took = until_active(&x, 0, 10);
	assert_true(took <= 300);
	assert_int_equal(x.b.members[0].link, DPB_LINK_UP);
	assert_int_equal(x.b.members[1].link, DPB_LINK_UP);
}

static void test_no_failback_without_primary(void **state)
{
	struct net x;

	(void)state;
	net_init(&x, DPB_BOND_MODE_ACTIVE_BACKUP, DPB_ARP_VALIDATE_ALL, 1, -1);
	ticks(&x, 5);
	x.answers[0][0] = false;
	x.flood[0] = false;
	until_active(&x, 1, 10);
	x.answers[0][0] = true;
	x.flood[0] = true;
	ticks(&x, 10);
	/* eth0 is up again (our probes on eth1 come round to it), eth1 stays. */
	assert_int_equal(x.b.members[0].link, DPB_LINK_UP);
	assert_int_equal(x.b.curr_active, 1);
}

/* Replies to eth0's probes come back on eth1; eth0 hears only other traffic. */
static int reply_elsewhere(enum dpb_arp_validate v)
{
	struct net x;

	/* No primary: an unvalidated eth0 would come back up as a backup and flap. */
	net_init(&x, DPB_BOND_MODE_ACTIVE_BACKUP, v, 1, -1);
	ticks(&x, 5);
	x.reply_on[0] = 1;
	x.flood[0] = false;
	x.other[0] = true;
	ticks(&x, 10);
	return x.b.curr_active;
}

static void test_validate_active_filters_reply_on_wrong_member(void **state)
{
	(void)state;
	/* Unvalidated, any frame keeps the active member up. */
	assert_int_equal(reply_elsewhere(DPB_ARP_VALIDATE_NONE), 0);
	assert_int_equal(reply_elsewhere(DPB_ARP_VALIDATE_BACKUP), 0);
	/* Validated, the active member needs answers from the target on itself. */
	assert_int_equal(reply_elsewhere(DPB_ARP_VALIDATE_ACTIVE), 1);
	assert_int_equal(reply_elsewhere(DPB_ARP_VALIDATE_ALL), 1);
	/* filter: only ARP counts, and eth0 hears none. */
	assert_int_equal(reply_elsewhere(DPB_ARP_VALIDATE_FILTER), 1);
}

/* The switch stops flooding to eth1 (a backup), which still hears other traffic. */
static enum dpb_member_link backup_unflooded(enum dpb_arp_validate v)
{
	struct net x;

	net_init(&x, DPB_BOND_MODE_ACTIVE_BACKUP, v, 1, 0);
	ticks(&x, 5);
	x.flood[1] = false;
	x.other[1] = true;
	ticks(&x, 10);
	assert_int_equal(x.b.curr_active, 0);
	return x.b.members[1].link;
}

static void test_validate_backup(void **state)
{
	(void)state;
	assert_int_equal(backup_unflooded(DPB_ARP_VALIDATE_NONE), DPB_LINK_UP);
	assert_int_equal(backup_unflooded(DPB_ARP_VALIDATE_ACTIVE), DPB_LINK_UP);
	/* A validated backup needs to see the active member's probes. */
	assert_int_equal(backup_unflooded(DPB_ARP_VALIDATE_BACKUP), DPB_LINK_DOWN);
	assert_int_equal(backup_unflooded(DPB_ARP_VALIDATE_ALL), DPB_LINK_DOWN);
	assert_int_equal(backup_unflooded(DPB_ARP_VALIDATE_FILTER), DPB_LINK_DOWN);
	assert_int_equal(backup_unflooded(DPB_ARP_VALIDATE_FILTER_ACTIVE), DPB_LINK_DOWN);
}

static void test_all_targets(void **state)
{
	struct net x;

	(void)state;
	/* any: one target of two answering keeps eth0 active. */
	net_init(&x, DPB_BOND_MODE_ACTIVE_BACKUP, DPB_ARP_VALIDATE_ALL, 2, -1);
	ticks(&x, 5);
	x.answers[0][1] = false;
	ticks(&x, 10);
	assert_int_equal(x.b.curr_active, 0);
	/* all: the silent target takes eth0 down. */
	net_init(&x, DPB_BOND_MODE_ACTIVE_BACKUP, DPB_ARP_VALIDATE_ALL, 2, -1);
	x.b.arp_all_targets = true;
	ticks(&x, 5);
	assert_int_equal(x.b.curr_active, 0);
	x.answers[0][1] = false;
	until_active(&x, 1, 10);
	assert_int_equal(x.b.members[0].link, DPB_LINK_DOWN);
}

static void test_loadbalance(void **state)
{
	struct net x;
	unsigned int flags = 0;

	(void)state;
	net_init(&x, DPB_BOND_MODE_BALANCE_RR, DPB_ARP_VALIDATE_NONE, 1, -1);
	ticks(&x, 5);
	assert_int_equal(x.b.members[0].link, DPB_LINK_UP);
	/* eth1 hears nothing any more (no answers, no floods): down within missed_max. */
	x.answers[1][0] = false;
	x.flood[1] = false;
	for (int k = 0; k < 5 && x.b.members[1].link == DPB_LINK_UP; k++)
		flags |= tick(&x);
	assert_int_equal(x.b.members[1].link, DPB_LINK_DOWN);
	assert_true(flags & DPB_BOND_CHANGED_ACTIVE);
	assert_true(x.b.carrier);
	/* Back: up at the next tick where it has sent and heard within an interval. */
	x.answers[1][0] = true;
	x.flood[1] = true;
	ticks(&x, 2);
	assert_int_equal(x.b.members[1].link, DPB_LINK_UP);
	assert_int_equal(x.b.members[1].link_failure_count, 1);
	/* A member without carrier sends no probe, so it goes down too. */
	x.carrier[0] = false;
	x.answers[0][0] = false;
	ticks(&x, 5);
	assert_int_equal(x.b.members[0].link, DPB_LINK_DOWN);
}

static void test_candidate_search(void **state)
{
	struct net x;

	(void)state;
	net_init(&x, DPB_BOND_MODE_ACTIVE_BACKUP, DPB_ARP_VALIDATE_ACTIVE, 1, -1);
	ticks(&x, 3);
	/* Nothing answers: both members go down, the bond loses its carrier. */
	x.answers[0][0] = x.answers[1][0] = false;
	x.flood[0] = x.flood[1] = false;
	ticks(&x, 10);
	assert_int_equal(x.b.curr_active, -1);
	assert_false(x.b.carrier);
	/* The monitor tries the members in turn; once eth1 is answered it becomes active. */
	x.answers[1][0] = true;
	until_active(&x, 1, 10);
	assert_int_equal(x.b.members[1].link, DPB_LINK_UP);
	assert_true(x.b.carrier);
	assert_int_equal(x.b.curr_arp_slave, -1);
}

static void test_show(void **state)
{
	struct net x;
	struct dpb_strbuf sb;

	(void)state;
	net_init(&x, DPB_BOND_MODE_ACTIVE_BACKUP, DPB_ARP_VALIDATE_NONE, 2, 0);
	x.b.n_ns_targets = 1;
	memcpy(x.b.ns_targets[0], (uint8_t[16]){ 0x20, 0x01, 0x0d, 0xb8, [15] = 2 }, 16);
	x.b.fail_over_mac = DPB_FAIL_OVER_MAC_ACTIVE;
	dpb_strbuf_init(&sb);
	assert_int_equal(dpb_bond_show(&x.b, "6.8.12-4-pve", &sb), 0);
	assert_string_equal(dpb_strbuf_str(&sb),
		"Ethernet Channel Bonding Driver: v6.8.12-4-pve\n"
		"\n"
		"Bonding Mode: fault-tolerance (active-backup) (fail_over_mac active)\n"
		"Primary Slave: eth0 (primary_reselect always)\n"
		"Currently Active Slave: eth0\n"
		"MII Status: up\n"
		"MII Polling Interval (ms): 0\n"
		"Up Delay (ms): 0\n"
		"Down Delay (ms): 0\n"
		"Peer Notification Delay (ms): 0\n"
		"ARP Polling Interval (ms): 100\n"
		"ARP Missed Max: 2\n"
		"ARP IP target/s (n.n.n.n form): 198.51.100.2, 198.51.100.3\n"
		"NS IPv6 target/s (xx::xx form): 2001:db8::2\n"
		"\n"
		"Slave Interface: eth0\n"
		"MII Status: up\n"
		"Speed: 10000 Mbps\n"
		"Duplex: full\n"
		"Link Failure Count: 0\n"
		"Permanent HW addr: 02:00:00:00:00:01\n"
		"Slave queue ID: 0\n"
		"\n"
		"Slave Interface: eth1\n"
		"MII Status: up\n"
		"Speed: 10000 Mbps\n"
		"Duplex: full\n"
		"Link Failure Count: 0\n"
		"Permanent HW addr: 02:00:00:00:00:02\n"
		"Slave queue ID: 0\n");
	dpb_strbuf_free(&sb);
}

static void test_fail_over_mac(void **state)
{
	struct net x;
	const uint8_t m1[6] = { 0x02, 0, 0, 0, 0, 1 }, m2[6] = { 0x02, 0, 0, 0, 0, 2 };

	(void)state;
	/* none: every member carries the bond's MAC. */
	net_init(&x, DPB_BOND_MODE_ACTIVE_BACKUP, DPB_ARP_VALIDATE_NONE, 1, -1);
	assert_memory_equal(dpb_bond_member_mac(&x.b, 1)->b, m1, 6);
	/* active: members keep their own; the bond takes the active one's. */
	net_init(&x, DPB_BOND_MODE_ACTIVE_BACKUP, DPB_ARP_VALIDATE_NONE, 1, -1);
	x.b.fail_over_mac = DPB_FAIL_OVER_MAC_ACTIVE;
	assert_memory_equal(dpb_bond_member_mac(&x.b, 1)->b, m2, 6);
	x.answers[0][0] = false;
	x.flood[0] = false;
	until_active(&x, 1, 10);
	assert_memory_equal(x.b.addr.b, m2, 6);
	assert_memory_equal(dpb_bond_member_mac(&x.b, 0)->b, m1, 6);
	/* follow: at a failover the new active member takes the old one's MAC, and back. */
	net_init(&x, DPB_BOND_MODE_ACTIVE_BACKUP, DPB_ARP_VALIDATE_NONE, 1, -1);
	x.b.fail_over_mac = DPB_FAIL_OVER_MAC_FOLLOW;
	x.answers[0][0] = false;
	x.flood[0] = false;
	until_active(&x, 1, 10);
	assert_memory_equal(x.b.addr.b, m1, 6);
	assert_memory_equal(dpb_bond_member_mac(&x.b, 1)->b, m1, 6);
	assert_memory_equal(dpb_bond_member_mac(&x.b, 0)->b, m2, 6);
}

static void test_mode_change_to_tlb(void **state)
{
	struct net x;

	(void)state;
	net_init(&x, DPB_BOND_MODE_ACTIVE_BACKUP, DPB_ARP_VALIDATE_NONE, 1, -1);
	ticks(&x, 3);
	assert_true(dpb_bond_set_mode(&x.b, DPB_BOND_MODE_BALANCE_TLB, x.now) >= 0);
	/* As Linux: no ARP monitor in balance-tlb; miimon 100 instead. */
	assert_int_equal(x.b.arp_interval_ms, 0);
	assert_int_equal(x.b.miimon_ms, 100);
	assert_false(dpb_bond_arpmon_due(&x.b, x.now + 1000));
	assert_true(dpb_bond_miimon_due(&x.b, x.now + 100));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_failover_behind_good_carrier),
		cmocka_unit_test(test_no_failback_without_primary),
		cmocka_unit_test(test_validate_active_filters_reply_on_wrong_member),
		cmocka_unit_test(test_validate_backup),
		cmocka_unit_test(test_all_targets),
		cmocka_unit_test(test_loadbalance),
		cmocka_unit_test(test_candidate_search),
		cmocka_unit_test(test_show),
		cmocka_unit_test(test_fail_over_mac),
		cmocka_unit_test(test_mode_change_to_tlb),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
