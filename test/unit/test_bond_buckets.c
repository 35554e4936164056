/* SPDX-License-Identifier: BSD-3-Clause */
/* Hash buckets: even shares, and a member's loss or return moves the least. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "dpb_bond.h"

static unsigned int share(const struct dpb_bond *b, int m)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < b->n_buckets; i++)
		n += b->bucket[i] == m;
	return n;
}

static void test_member_loss_and_return(void **state)
{
	struct dpb_cfg_bond cfg = { .mode = DPB_BOND_MODE_BALANCE_XOR, .miimon_ms = 100,
				    .primary = -1, .hash_buckets = 256 };
	struct dpb_link_sample s[4];
	int8_t before[256];
	unsigned int moved;
	struct dpb_bond b;

	(void)state;
	assert_int_equal(dpb_bond_init(&b, "bond0", &cfg, 0), 0);
	for (unsigned int i = 0; i < 4; i++) {
		struct dpb_mac mac = { { 2, 0, 0, 0, 0, (uint8_t)i } };
		char name[8];

		snprintf(name, sizeof(name), "eth%u", i);
		s[i] = (struct dpb_link_sample){ .carrier = true };
		dpb_bond_add_member(&b, name, &mac, &s[i], 0);
	}
	for (int m = 0; m < 4; m++)
		assert_int_equal(share(&b, m), 64);

	/* eth2 lost: only its 64 buckets move, spread over the other three. */
	memcpy(before, b.bucket, sizeof(before));
	s[2].carrier = false;
	dpb_bond_miimon(&b, s, 100);
	moved = 0;
	for (unsigned int i = 0; i < 256; i++) {
		if (before[i] != 2)
			assert_int_equal(b.bucket[i], before[i]);
		moved += b.bucket[i] != before[i];
	}
	assert_int_equal(moved, 64);
	assert_int_equal(share(&b, 2), 0);
	for (int m = 0; m < 4; m++)
		if (m != 2)
			assert_true(share(&b, m) == 85 || share(&b, m) == 86);

	/* eth2 back: it takes an even share, and only those buckets move. */
	memcpy(before, b.bucket, sizeof(before));
	s[2].carrier = true;
	dpb_bond_miimon(&b, s, 200);
	moved = 0;
	for (unsigned int i = 0; i < 256; i++)
		if (b.bucket[i] != before[i]) {
			assert_int_equal(b.bucket[i], 2);
			moved++;
		}
	assert_int_equal(moved, 64);
	for (int m = 0; m < 4; m++)
		assert_int_equal(share(&b, m), 64);

	/* All down: no bucket has a member. */
	for (int m = 0; m < 4; m++)
		s[m].carrier = false;
	dpb_bond_miimon(&b, s, 300);
	assert_int_equal(share(&b, -1), 256);
}

static void test_tlb_rebalance_and_rx(void **state)
{
	struct dpb_cfg_bond cfg = { .mode = DPB_BOND_MODE_BALANCE_TLB, .miimon_ms = 100,
				    .primary = -1, .tlb_dynamic_lb = true };
	struct dpb_link_sample s[2];
	uint64_t load[DPB_BOND_TLB_BUCKETS] = { 0 };
	struct dpb_strbuf sb;
	struct dpb_bond b;
	int tx[2];

	(void)state;
	assert_int_equal(dpb_bond_init(&b, "bond0", &cfg, 0), 0);
	assert_int_equal(b.n_buckets, DPB_BOND_TLB_BUCKETS);
	for (unsigned int i = 0; i < 2; i++) {
		struct dpb_mac mac = { { 2, 0, 0, 0, 0, (uint8_t)i } };
		char name[8];

		snprintf(name, sizeof(name), "eth%u", i);
		s[i] = (struct dpb_link_sample){ .carrier = true };
		dpb_bond_add_member(&b, name, &mac, &s[i], 0);
	}
	/* Both transmit; eth0 is active: only it takes broadcast. */
	assert_int_equal(dpb_bond_tx_members(&b, tx), 2);
	assert_int_equal(b.curr_active, 0);
	assert_true(dpb_bond_member_rx_ok(&b, 1));
	assert_true(dpb_bond_member_rx_multicast_ok(&b, 0));
	assert_false(dpb_bond_member_rx_multicast_ok(&b, 1));

	/* Three busy sources, all in eth0's buckets (0-127): 900, 500, 400. */
	load[3] = 900;
	load[7] = 500;
	load[9] = 400;
	load[200] = 0;
	assert_int_equal(b.bucket[3], 0);
	/* gap 1800: move 900 (gap 0). Then nothing narrows it further. */
	assert_int_equal(dpb_bond_rebalance(&b, load), 1);
	assert_int_equal(b.bucket[3], 1);
	assert_int_equal(b.bucket[7], 0);
	assert_int_equal(b.bucket[9], 0);
	/* Idle intervals move nothing. */
	memset(load, 0, sizeof(load));
	assert_int_equal(dpb_bond_rebalance(&b, load), 0);

	dpb_strbuf_init(&sb);
	dpb_bond_show(&b, "x", &sb);
	assert_non_null(strstr(dpb_strbuf_str(&sb),
			       "Bonding Mode: transmit load balancing\nPrimary Slave: None\n"
			       "Currently Active Slave: eth0\n"));
	assert_null(strstr(dpb_strbuf_str(&sb), "Transmit Hash Policy"));
	/* tlb_dynamic_lb=0: by the hash policy, and Linux prints it. */
	b.tlb_dynamic_lb = false;
	dpb_strbuf_reset(&sb);
	dpb_bond_show(&b, "x", &sb);
	assert_non_null(strstr(dpb_strbuf_str(&sb), "Transmit Hash Policy: layer2 (0)\n"));
	dpb_strbuf_free(&sb);
}

static void test_no_buckets_by_default(void **state)
{
	struct dpb_cfg_bond cfg = { .mode = DPB_BOND_MODE_BALANCE_XOR, .primary = -1 };
	struct dpb_bond b;

	(void)state;
	dpb_bond_init(&b, "bond0", &cfg, 0);
	assert_int_equal(b.n_buckets, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_member_loss_and_return),
		cmocka_unit_test(test_tlb_rebalance_and_rx),
		cmocka_unit_test(test_no_buckets_by_default),
	};

	return cmocka_run_group_tests_name("bond_buckets", tests, NULL, NULL);
}
