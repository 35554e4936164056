/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * active-backup and the link monitor, in simulated milliseconds: failover,
 * no fail-back without a primary, updelay/downdelay, each primary_reselect
 * policy, and the exact /proc/net/bonding text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dpb_bond.h"

struct sim {
	struct dpb_bond b;
	struct dpb_link_sample s[4];
	uint64_t now;
};

static void sim_init(struct sim *x, unsigned int n, unsigned int miimon, unsigned int updelay,
		     unsigned int downdelay)
{
	struct dpb_cfg_bond cfg = {
		.mode = DPB_BOND_MODE_ACTIVE_BACKUP, .miimon_ms = miimon,
		.updelay_ms = updelay, .downdelay_ms = downdelay, .primary = -1,
	};

	memset(x, 0, sizeof(*x));
	assert_int_equal(dpb_bond_init(&x->b, "bond1", &cfg, 0), 0);
	for (unsigned int i = 0; i < n; i++) {
		char name[8];
		struct dpb_mac mac = { { 0x02, 0, 0, 0, 0, (uint8_t)i } };

		snprintf(name, sizeof(name), "eth%u", i);
		x->s[i] = (struct dpb_link_sample){ .carrier = true, .speed_mbps = 1000,
						    .full_duplex = true };
		assert_int_equal(dpb_bond_add_member(&x->b, name, &mac, &x->s[i], 0), (int)i);
	}
}

/* Advances to the next miimon tick and runs it. */
static unsigned int tick(struct sim *x)
{
	x->now = x->b.next_miimon_ms;
	assert_true(dpb_bond_miimon_due(&x->b, x->now));
	return dpb_bond_miimon(&x->b, x->s, x->now);
}

static void test_seed_failover_no_failback(void **state)
{
	struct sim x;

	(void)state;
	sim_init(&x, 2, 100, 0, 0);
	assert_int_equal(x.b.curr_active, 0);
	assert_true(x.b.carrier);
	assert_false(dpb_bond_miimon_due(&x.b, 99));
	assert_int_equal(tick(&x), 0);
	assert_int_equal(x.now, 100);

	/* 1. pull eth0: committed at the next tick, eth1 active. */
	x.s[0].carrier = false;
	assert_int_equal(tick(&x), DPB_BOND_CHANGED_LINK | DPB_BOND_CHANGED_ACTIVE);
	assert_int_equal(x.b.members[0].link, DPB_LINK_DOWN);
	assert_int_equal(x.b.members[0].link_failure_count, 1);
	assert_int_equal(x.b.curr_active, 1);
	assert_true(x.b.carrier);
	/* 2. plug eth0: up again, eth1 stays (no primary). */
	x.s[0].carrier = true;
	assert_int_equal(tick(&x), DPB_BOND_CHANGED_LINK);
	assert_int_equal(x.b.members[0].link, DPB_LINK_UP);
	assert_int_equal(x.b.curr_active, 1);
	/* 3. pull eth1: eth0 active. */
	x.s[1].carrier = false;
	tick(&x);
	assert_int_equal(x.b.curr_active, 0);
	assert_int_equal(x.b.members[1].link_failure_count, 1);
	/* 4. plug eth1: eth0 stays. */
	x.s[1].carrier = true;
	tick(&x);
	assert_int_equal(x.b.curr_active, 0);
	assert_int_equal(x.b.members[0].link_failure_count, 1);

	/* Both down: no active member, bond carrier down. */
	x.s[0].carrier = x.s[1].carrier = false;
	assert_true(tick(&x) & DPB_BOND_CHANGED_CARRIER);
	assert_int_equal(x.b.curr_active, -1);
	assert_false(x.b.carrier);
}

static void test_downdelay(void **state)
{
	struct sim x;

	(void)state;
	sim_init(&x, 2, 100, 0, 200);
	x.s[0].carrier = false;
	tick(&x);   /* detected: going down, still active */
	assert_int_equal(x.b.members[0].link, DPB_LINK_FAIL);
	assert_string_equal(dpb_member_link_name(x.b.members[0].link), "going down");
	assert_int_equal(x.b.curr_active, 0);
	tick(&x);   /* 100 ms into the delay */
	assert_int_equal(x.b.members[0].link, DPB_LINK_FAIL);
	tick(&x);   /* 200 ms: committed */
	assert_int_equal(x.b.members[0].link, DPB_LINK_DOWN);
	assert_int_equal(x.b.curr_active, 1);
	assert_int_equal(x.b.members[0].link_failure_count, 1);

	/* A blip shorter than the delay is forgiven and not counted. */
	x.s[1].carrier = false;
	tick(&x);
	assert_int_equal(x.b.members[1].link, DPB_LINK_FAIL);
	x.s[1].carrier = true;
	tick(&x);
	assert_int_equal(x.b.members[1].link, DPB_LINK_UP);
	assert_int_equal(x.b.members[1].link_failure_count, 0);
	assert_int_equal(x.b.curr_active, 1);
}

static void test_updelay(void **state)
{
	struct sim x;

	(void)state;
	sim_init(&x, 2, 100, 200, 0);
	/* Enslaved with carrier and updelay: the first is taken at once, the
	 * second waits in BACK, as Linux does at enslave time, and counts its
	 * delay down from the first tick on. */
	assert_int_equal(x.b.curr_active, 0);
	assert_int_equal(x.b.members[1].link, DPB_LINK_BACK);
	tick(&x);
	tick(&x);
	assert_int_equal(x.b.members[1].link, DPB_LINK_BACK);
	tick(&x);
	assert_int_equal(x.b.members[1].link, DPB_LINK_UP);

	x.s[1].carrier = false;
	tick(&x);
	assert_int_equal(x.b.members[1].link, DPB_LINK_DOWN);
	x.s[1].carrier = true;
	tick(&x);
	assert_string_equal(dpb_member_link_name(x.b.members[1].link), "going back");
	tick(&x);
	assert_int_equal(x.b.members[1].link, DPB_LINK_BACK);
	tick(&x);
	assert_int_equal(x.b.members[1].link, DPB_LINK_UP);

	/* A member that drops during updelay goes down again and is counted. */
	x.s[1].carrier = false;
	tick(&x);
	x.s[1].carrier = true;
	tick(&x);
	x.s[1].carrier = false;
	tick(&x);
	assert_int_equal(x.b.members[1].link, DPB_LINK_DOWN);
	assert_int_equal(x.b.members[1].link_failure_count, 3);
}

static void test_updelay_ignored_without_active(void **state)
{
	struct sim x;

	(void)state;
	sim_init(&x, 2, 100, 300, 0);
	tick(&x);
	tick(&x);
	tick(&x);
	x.s[0].carrier = x.s[1].carrier = false;
	tick(&x);
	assert_int_equal(x.b.curr_active, -1);
	x.s[1].carrier = true;
	tick(&x);   /* no member up: updelay is not waited for */
	assert_int_equal(x.b.members[1].link, DPB_LINK_UP);
	assert_int_equal(x.b.curr_active, 1);
}

static void test_primary_always(void **state)
{
	struct sim x;

	(void)state;
	sim_init(&x, 2, 100, 0, 0);
	x.b.primary = 1;
	assert_int_equal(dpb_bond_set_primary(&x.b, 1, 0), DPB_BOND_CHANGED_ACTIVE);
	assert_int_equal(x.b.curr_active, 1);
	x.s[1].carrier = false;
	tick(&x);
	assert_int_equal(x.b.curr_active, 0);
	x.s[1].carrier = true;
	tick(&x);   /* fail-back to the primary */
	assert_int_equal(x.b.curr_active, 1);
	assert_int_equal(dpb_bond_set_primary(&x.b, 5, 0), -EINVAL);
}

static void test_primary_failure(void **state)
{
	struct sim x;

	(void)state;
	sim_init(&x, 2, 100, 0, 0);
	x.b.primary_reselect = DPB_PRIMARY_RESELECT_FAILURE;
	dpb_bond_set_primary(&x.b, 0, 0);
	assert_int_equal(x.b.curr_active, 0);
	x.s[0].carrier = false;
	tick(&x);
	assert_int_equal(x.b.curr_active, 1);
	x.s[0].carrier = true;
	tick(&x);   /* only when the current one fails */
	assert_int_equal(x.b.curr_active, 1);
	x.s[1].carrier = false;
	tick(&x);
	assert_int_equal(x.b.curr_active, 0);
}

static void test_primary_better(void **state)
{
	struct sim x;

	(void)state;
	sim_init(&x, 2, 100, 0, 0);
	x.b.primary_reselect = DPB_PRIMARY_RESELECT_BETTER;
	dpb_bond_set_primary(&x.b, 0, 0);
	x.s[0].carrier = false;
	tick(&x);
	assert_int_equal(x.b.curr_active, 1);
	/* Back as fast as the current: not better, stay. */
	x.s[0].carrier = true;
	tick(&x);
	assert_int_equal(x.b.curr_active, 1);
	/* Faster than the current: better, take it at the next reselection. */
	x.s[0].carrier = false;
	tick(&x);
	x.s[0].carrier = true;
	x.s[0].speed_mbps = 10000;
	tick(&x);
	assert_int_equal(x.b.curr_active, 0);
}

static void test_rx_tx_rules(void **state)
{
	struct sim x;
	int tx[4];

	(void)state;
	sim_init(&x, 3, 100, 0, 0);
	assert_true(dpb_bond_member_rx_ok(&x.b, 0));
	assert_false(dpb_bond_member_rx_ok(&x.b, 1));
	assert_int_equal(dpb_bond_tx_members(&x.b, tx), 1);
	assert_int_equal(tx[0], 0);
	x.b.all_slaves_active = true;
	assert_true(dpb_bond_member_rx_ok(&x.b, 2));
	assert_false(dpb_bond_member_rx_ok(&x.b, 7));
}

static void test_show_exact(void **state)
{
	static const char want[] =
		"Ethernet Channel Bonding Driver: v1.2.3-dpbond\n"
		"\n"
		"Bonding Mode: fault-tolerance (active-backup)\n"
		"Primary Slave: None\n"
		"Currently Active Slave: eth1\n"
		"MII Status: up\n"
		"MII Polling Interval (ms): 100\n"
		"Up Delay (ms): 0\n"
		"Down Delay (ms): 200\n"
		"Peer Notification Delay (ms): 0\n"
		"\n"
		"Slave Interface: eth0\n"
		"MII Status: down\n"
		"Speed: Unknown\n"
		"Duplex: Unknown\n"
		"Link Failure Count: 1\n"
		"Permanent HW addr: 02:00:00:00:00:00\n"
		"Slave queue ID: 0\n"
		"\n"
		"Slave Interface: eth1\n"
		"MII Status: up\n"
		"Speed: 1000 Mbps\n"
		"Duplex: full\n"
		"Link Failure Count: 0\n"
		"Permanent HW addr: 02:00:00:00:00:01\n"
		"Slave queue ID: 0\n";
	struct dpb_strbuf sb;
	struct sim x;

	(void)state;
	sim_init(&x, 2, 100, 0, 200);
	x.s[0].carrier = false;
	tick(&x);
	tick(&x);
	tick(&x);
	dpb_strbuf_init(&sb);
	assert_int_equal(dpb_bond_show(&x.b, "1.2.3-dpbond", &sb), 0);
	assert_string_equal(dpb_strbuf_str(&sb), want);

	/* With a primary, the reselect policy follows its name. */
	dpb_strbuf_reset(&sb);
	dpb_bond_set_primary(&x.b, 1, x.now);
	dpb_bond_show(&x.b, "1.2.3-dpbond", &sb);
	assert_non_null(strstr(dpb_strbuf_str(&sb),
			       "\nPrimary Slave: eth1 (primary_reselect always)\n"));
	dpb_strbuf_free(&sb);
}

static void test_event_log(void **state)
{
	struct dpb_strbuf sb;
	struct sim x;

	(void)state;
	sim_init(&x, 2, 100, 0, 0);
	x.s[0].carrier = false;
	tick(&x);
	dpb_strbuf_init(&sb);
	dpb_bond_event_format(&x.b, &x.b.events[(x.b.n_events - 2) % DPB_BOND_EVENTS], &sb);
	assert_string_equal(dpb_strbuf_str(&sb),
			    "bond1: (slave eth0): link status definitely down, disabling slave");
	dpb_strbuf_reset(&sb);
	dpb_bond_event_format(&x.b, &x.b.events[(x.b.n_events - 1) % DPB_BOND_EVENTS], &sb);
	assert_string_equal(dpb_strbuf_str(&sb),
			    "bond1: (slave eth1): making interface the new active one");
	dpb_strbuf_free(&sb);
}

/* rr, xor, broadcast: every member that is up transmits and receives. */
static void test_lb_modes_use_up_members(void **state)
{
	enum dpb_bond_mode modes[] = { DPB_BOND_MODE_BALANCE_RR, DPB_BOND_MODE_BALANCE_XOR,
				       DPB_BOND_MODE_BROADCAST };
	struct dpb_strbuf sb;
	int tx[4];

	(void)state;
	for (unsigned int k = 0; k < 3; k++) {
		struct dpb_cfg_bond cfg = { .mode = modes[k], .miimon_ms = 100, .primary = -1 };
		struct dpb_link_sample s[3];
		struct dpb_bond b;

		assert_int_equal(dpb_bond_init(&b, "bond0", &cfg, 0), 0);
		for (unsigned int i = 0; i < 3; i++) {
			struct dpb_mac mac = { { 2, 0, 0, 0, 0, (uint8_t)i } };
			char name[8];

			snprintf(name, sizeof(name), "eth%u", i);
			s[i] = (struct dpb_link_sample){ .carrier = true, .speed_mbps = 1000 };
			dpb_bond_add_member(&b, name, &mac, &s[i], 0);
		}
		assert_int_equal(dpb_bond_tx_members(&b, tx), 3);
		s[1].carrier = false;
		assert_true(dpb_bond_miimon(&b, s, 100) & DPB_BOND_CHANGED_ACTIVE);
		assert_int_equal(dpb_bond_tx_members(&b, tx), 2);
		assert_int_equal(tx[0], 0);
		assert_int_equal(tx[1], 2);
		assert_true(dpb_bond_member_rx_ok(&b, 0));
		assert_false(dpb_bond_member_rx_ok(&b, 1));
		assert_int_equal(dpb_bond_set_primary(&b, -1, 100), DPB_BOND_CHANGED_ACTIVE);
		dpb_strbuf_init(&sb);
		dpb_bond_show(&b, "x", &sb);
		assert_null(strstr(dpb_strbuf_str(&sb), "Currently Active Slave"));
		assert_int_equal(strstr(dpb_strbuf_str(&sb), "Transmit Hash Policy: layer2 (0)\n") != NULL,
				 modes[k] == DPB_BOND_MODE_BALANCE_XOR);
		dpb_strbuf_free(&sb);
	}
}

/* The 802.3ad text of reference/proc-net-bonding-format.md 4.3, line for line. */
static void test_show_8023ad_exact(void **state)
{
	static const char want_head[] =
		"Ethernet Channel Bonding Driver: v6.8.0-142-generic\n"
		"\n"
		"Bonding Mode: IEEE 802.3ad Dynamic link aggregation\n"
		"Transmit Hash Policy: layer2+3 (2)\n"
		"MII Status: up\n"
		"MII Polling Interval (ms): 100\n"
		"Up Delay (ms): 0\n"
		"Down Delay (ms): 0\n"
		"Peer Notification Delay (ms): 0\n"
		"\n"
		"802.3ad info\n"
		"LACP active: on\n"
		"LACP rate: fast\n"
		"Min links: 0\n"
		"Aggregator selection policy (ad_select): stable\n"
		"System priority: 65535\n"
		"System MAC address: 02:00:00:00:00:10\n"
		"Active Aggregator Info:\n"
		"\tAggregator ID: 1\n"
		"\tNumber of ports: 2\n"
		"\tActor Key: 15\n"
		"\tPartner Key: 15\n"
		"\tPartner Mac Address: 02:00:00:00:00:99\n"
		"\n"
		"Slave Interface: e1\n"
		"MII Status: up\n"
		"Speed: 10000 Mbps\n"
		"Duplex: full\n"
		"Link Failure Count: 0\n"
		"Permanent HW addr: 02:00:00:00:00:10\n"
		"Slave queue ID: 0\n"
		"Aggregator ID: 1\n"
		"Actor Churn State: monitoring\n"
		"Partner Churn State: monitoring\n"
		"Actor Churned Count: 0\n"
		"Partner Churned Count: 0\n"
		"details actor lacp pdu:\n"
		"    system priority: 65535\n"
		"    system mac address: 02:00:00:00:00:10\n"
		"    port key: 15\n"
		"    port priority: 255\n"
		"    port number: 1\n"
		"    port state: 63\n"
		"details partner lacp pdu:\n"
		"    system priority: 65535\n"
		"    system mac address: 02:00:00:00:00:99\n"
		"    oper key: 15\n"
		"    port priority: 255\n"
		"    port number: 1\n"
		"    port state: 63\n"
		"\n"
		"Slave Interface: e2\n";
	struct dpb_cfg_bond cfg = { .mode = DPB_BOND_MODE_8023AD, .miimon_ms = 100, .primary = -1,
				    .xmit_hash_policy = DPB_XMIT_HASH_LAYER23 };
	struct dpb_link_sample s = { .carrier = true, .speed_mbps = 10000, .full_duplex = true };
	struct dpb_mac m1 = { { 2, 0, 0, 0, 0, 0x10 } }, m2 = { { 2, 0, 0, 0, 0, 0x11 } };
	struct dpb_mac partner = { { 2, 0, 0, 0, 0, 0x99 } };
	struct dpb_bond_ad_info ad = {
		.lacp_active = true, .fast = true, .ad_select = "stable", .system_priority = 65535,
		.system = m1, .carrier = true, .active_aggregator = 1, .n_ports = 2,
		.actor_key = 15, .partner_key = 15, .partner_system = partner,
	};
	struct dpb_strbuf sb;
	struct dpb_bond b;

	(void)state;
	assert_int_equal(dpb_bond_init(&b, "bond0", &cfg, 0), 0);
	dpb_bond_add_member(&b, "e1", &m1, &s, 0);
	dpb_bond_add_member(&b, "e2", &m2, &s, 0);
	for (unsigned int k = 0; k < 2; k++) {
		struct dpb_bond_ad_member *a = &ad.members[k];

		a->aggregator = 1;
		a->actor_churn = a->partner_churn = "monitoring";
		a->actor = (struct dpb_bond_ad_side){ 65535, m1, 15, 255, (uint16_t)(k + 1), 63 };
		a->partner = (struct dpb_bond_ad_side){ 65535, partner, 15, 255, (uint16_t)(k + 1), 63 };
	}
	dpb_strbuf_init(&sb);
	assert_int_equal(dpb_bond_show_ad(&b, "6.8.0-142-generic", &ad, &sb), 0);
	assert_memory_equal(dpb_strbuf_str(&sb), want_head, sizeof(want_head) - 1);
	/* A member outside any aggregator, and no active aggregator. */
	ad.members[1].aggregator = 0;
	ad.active_aggregator = 0;
	dpb_strbuf_reset(&sb);
	dpb_bond_show_ad(&b, "x", &ad, &sb);
	assert_non_null(strstr(dpb_strbuf_str(&sb), "\nbond bond0 has no active aggregator\n"));
	assert_non_null(strstr(dpb_strbuf_str(&sb), "Slave queue ID: 0\nAggregator ID: N/A\n"));
	assert_int_equal(dpb_strbuf_str(&sb)[sb.len - 1], '\n');
	assert_true(strstr(dpb_strbuf_str(&sb), "N/A\n") == dpb_strbuf_str(&sb) + sb.len - 4);
	dpb_strbuf_free(&sb);
}

static void test_set_mode_at_run_time(void **state)
{
	struct sim x;
	int tx[4];

	(void)state;
	sim_init(&x, 2, 100, 0, 0);
	x.s[0].carrier = false;
	tick(&x);
	assert_int_equal(x.b.curr_active, 1);
	assert_true(dpb_bond_set_mode(&x.b, DPB_BOND_MODE_BALANCE_RR, x.now) &
		    DPB_BOND_CHANGED_ACTIVE);
	assert_int_equal(x.b.curr_active, -1);
	assert_int_equal(dpb_bond_tx_members(&x.b, tx), 1);  /* eth0 is still down */
	x.s[0].carrier = true;
	tick(&x);
	assert_int_equal(dpb_bond_tx_members(&x.b, tx), 2);
	/* Back to active-backup: the first member up becomes active. */
	dpb_bond_set_mode(&x.b, DPB_BOND_MODE_ACTIVE_BACKUP, x.now);
	assert_int_equal(x.b.curr_active, 0);
	assert_int_equal(dpb_bond_set_mode(&x.b, (enum dpb_bond_mode)9, x.now), -ENOTSUP);
	assert_int_equal(x.b.mode, DPB_BOND_MODE_ACTIVE_BACKUP);
}

/* 802.3ad's datapath side: LACP's decisions select the members. */
static void test_8023ad_follows_lacp_state(void **state)
{
	struct dpb_cfg_bond cfg = { .mode = DPB_BOND_MODE_8023AD, .miimon_ms = 100,
				    .primary = -1 };
	struct dpb_link_sample s = { .carrier = true };
	struct dpb_mac mac = { { 2, 0, 0, 0, 0, 1 } };
	struct dpb_bond b;
	int tx[4];

	(void)state;
	assert_int_equal(dpb_bond_init(&b, "bond0", &cfg, 0), 0);
	dpb_bond_add_member(&b, "eth0", &mac, &s, 0);
	dpb_bond_add_member(&b, "eth1", &mac, &s, 0);
	/* Up but not yet aggregated: nothing moves. */
	assert_int_equal(dpb_bond_tx_members(&b, tx), 0);
	assert_false(dpb_bond_member_rx_ok(&b, 0));
	/* Collecting before distributing (independent control). */
	assert_int_equal(dpb_bond_set_lacp_state(&b, 0, true, false), DPB_BOND_CHANGED_ACTIVE);
	assert_true(dpb_bond_member_rx_ok(&b, 0));
	assert_int_equal(dpb_bond_tx_members(&b, tx), 0);
	dpb_bond_set_lacp_state(&b, 0, true, true);
	dpb_bond_set_lacp_state(&b, 1, true, true);
	assert_int_equal(dpb_bond_tx_members(&b, tx), 2);
	assert_int_equal(dpb_bond_set_lacp_state(&b, 1, true, true), 0);
	assert_int_equal(dpb_bond_set_lacp_state(&b, 9, true, true), -EINVAL);
	/* A distributing member whose link fails stops transmitting. */
	struct dpb_link_sample ss[2] = { { .carrier = true }, { .carrier = false } };

	dpb_bond_miimon(&b, ss, 100);
	assert_int_equal(dpb_bond_tx_members(&b, tx), 1);
	assert_int_equal(tx[0], 0);
	assert_false(dpb_bond_member_rx_ok(&b, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_failover_no_failback),
		cmocka_unit_test(test_downdelay),
		cmocka_unit_test(test_updelay),
		cmocka_unit_test(test_updelay_ignored_without_active),
		cmocka_unit_test(test_primary_always),
		cmocka_unit_test(test_primary_failure),
		cmocka_unit_test(test_primary_better),
		cmocka_unit_test(test_rx_tx_rules),
		cmocka_unit_test(test_show_exact),
		cmocka_unit_test(test_event_log),
		cmocka_unit_test(test_lb_modes_use_up_members),
		cmocka_unit_test(test_set_mode_at_run_time),
		cmocka_unit_test(test_show_8023ad_exact),
		cmocka_unit_test(test_8023ad_follows_lacp_state),
	};

	return cmocka_run_group_tests_name("bond_ab", tests, NULL, NULL);
}
