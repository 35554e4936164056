/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * balance-alb's receive load balancing table: clients dealt round robin over
 * the members that transmit, kept while their member does, moved (and to be
 * told, three times) when it stops, dealt again when one comes back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dpb_rlb.h"

#define SERVER 0xc6336401u   /* 198.51.100.1 */

static struct dpb_bond b;
static struct dpb_rlb r;

static void setup_bond(unsigned int n)
{
	struct dpb_cfg_bond cfg = { .mode = DPB_BOND_MODE_BALANCE_ALB, .miimon_ms = 100,
				    .primary = -1, .tlb_dynamic_lb = true };

	assert_int_equal(dpb_bond_init(&b, "bond0", &cfg, 0), 0);
	for (unsigned int i = 0; i < n; i++) {
		struct dpb_mac mac = { { 0x02, 0, 0, 0, 0, (uint8_t)(i + 1) } };
		struct dpb_link_sample s = { .carrier = true, .speed_mbps = 1000, .full_duplex = true };
		char name[8];

		snprintf(name, sizeof(name), "eth%u", i);
		dpb_bond_add_member(&b, name, &mac, &s, 0);
	}
	dpb_rlb_init(&r);
}

static int client(unsigned int k)
{
	struct dpb_mac mac = { { 0x02, 0xcc, 0, 0, 0, (uint8_t)k } };

	return dpb_rlb_choose(&r, &b, 0xc6336410u + k, &mac, SERVER);
}

static unsigned int on(int member)
{
	unsigned int n = 0;

	for (unsigned int k = 0; k < DPB_RLB_CLIENTS; k++)
		n += r.clients[k].used && r.clients[k].member == member;
	return n;
}

static void test_round_robin_and_sticky(void **state)
{
	(void)state;
	setup_bond(3);
	for (unsigned int k = 0; k < 6; k++)
		assert_int_equal(client(k), (int)(k % 3));
	/* The same client keeps its member. */
	assert_int_equal(client(4), 1);
	assert_int_equal(on(0), 2);
	assert_int_equal(on(1), 2);
	assert_int_equal(on(2), 2);
	assert_int_equal(r.assigned, 6);
}

static void test_member_down_and_back(void **state)
{
	unsigned int told = 0;

	(void)state;
	setup_bond(2);
	for (unsigned int k = 0; k < 4; k++)
		client(k);
	assert_int_equal(on(1), 2);
	/* eth1 stops transmitting: its two clients move to eth0, each to be told thrice. */
	b.members[1].link = DPB_LINK_DOWN;
	assert_int_equal(dpb_rlb_members_changed(&r, &b), 2);
	assert_int_equal(on(0), 4);
	for (unsigned int k = 0; k < DPB_RLB_CLIENTS; k++)
		told += r.clients[k].ntt;
	assert_int_equal(told, 2 * DPB_RLB_UPDATE_RETRY);
	/* Nothing changed: nothing moves. */
	assert_int_equal(dpb_rlb_members_changed(&r, &b), 0);
	/* A new client while eth1 is down goes to eth0. */
	assert_int_equal(client(9), 0);
	/* eth1 back: everyone is dealt again and eth1 takes its share. */
	b.members[1].link = DPB_LINK_UP;
	assert_true(dpb_rlb_members_changed(&r, &b) >= 2);
	assert_true(on(1) >= 2);
	assert_true(on(0) >= 2);
	/* No member transmits: no choice. */
	b.members[0].link = b.members[1].link = DPB_LINK_DOWN;
	assert_int_equal(client(20), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_robin_and_sticky),
		cmocka_unit_test(test_member_down_and_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
