/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Running dry, survived and counted: dpbond's mbuf pool made small
 * (cfg.n_mbufs, dpbond --mbufs) and a transmit queue that fills. One
 * process, EAL --no-huge, net_ring ports whose wires the test holds.
 *
 *   br0, VLAN-aware, every port a trunk of VLAN 10: the test sends VLAN 10
 *   broadcasts into eth0; each of eth1, eth2 and eth3 sends it tagged, and
 *   the tag goes in front on a copy from dpbond's pool for all but the last
 *   port that takes the frame. Nobody reads the wires at first: the copies
 *   pile up and the pool runs dry, and eth2's wire (64 entries) fills.
 *
 * Every frame is then either out on a wire or counted: no-mbuf (at eth0,
 * where it came in) for each copy the pool could not give, tx-full at eth2. Once the wires are read, the same frames go through again; at the
 * end every mbuf is back in its pool.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>
#include <rte_ring.h>

#include "dpb_cfg.h"
#include "dpb_ctl.h"
#include "dp_env.h"
#include "dpb_strbuf.h"

#define POOL 512        /* dpbond's mbufs */
#define SENT 1500       /* more than the pool and eth2's wire hold */

static struct rte_mempool *pool;
static struct rte_ring *rx[4], *tx[4];
static struct dpb_ctl *ctl;
static struct dpb_cfg cfg;

/* Sends @n VLAN 10 broadcasts into eth0, forwarding as it goes. */
static void send_frames(unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		uint8_t f[64] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0x0e, 0x01,
				  0x81, 0x00, 0x00, 0x0a, 0x88, 0xb5 };
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

		assert_non_null(m);
		rte_memcpy(rte_pktmbuf_append(m, sizeof(f)), f, sizeof(f));
		while (rte_ring_enqueue(rx[0], m) != 0)
			dpb_ctl_run_for(ctl, 1);
		if (i % 32 == 31)
			dpb_ctl_run_for(ctl, 1);
	}
	dpb_ctl_run_for(ctl, 50);
}

static unsigned int drain(unsigned int p)
{
	struct rte_mbuf *m;
	unsigned int n = 0;

	while (rte_ring_dequeue(tx[p], (void **)&m) == 0) {
		n++;
		rte_pktmbuf_free(m);
	}
	return n;
}

/* The count of @reason on @iface in `show drops` (0 when not listed). */
static unsigned long drops(const char *iface, const char *reason)
{
	struct dpb_strbuf sb;
	char key[64];
	const char *p;
	unsigned long n = 0;

	dpb_strbuf_init(&sb);
	assert_int_equal(dpb_ctl_show_drops(ctl, &sb), 0);
	snprintf(key, sizeof(key), "  %-10s %-18s ", iface, reason);
	p = strstr(dpb_strbuf_str(&sb), key);
	if (p)
		n = strtoul(p + strlen(key), NULL, 10);
	dpb_strbuf_free(&sb);
	return n;
}

/* One pool on the node of the ports (net_ring's, made on node 0) and of the
 * main lcore, which forwards (-l 0): --mbufs' size, all four rx queues its. */
static void test_pool_per_node(void **state)
{
	const struct rte_mempool *mp = rte_mempool_lookup("dpb_mbufs_s0");
	struct dpb_strbuf sb;
	char want[160];

	(void)state;
	assert_int_equal(rte_lcore_to_socket_id(rte_get_main_lcore()), 0);
	assert_non_null(mp);
	assert_int_equal(mp->size, POOL);
	assert_null(rte_mempool_lookup("dpb_mbufs_s1"));
	dpb_strbuf_init(&sb);
	dpb_ctl_show_pools(ctl, &sb);
	snprintf(want, sizeof(want), "pool dpb_mbufs_s0: NUMA node 0, %u mbufs, ", POOL);
	assert_non_null(strstr(dpb_strbuf_str(&sb), want));
	snprintf(want, sizeof(want), "\nworker 0: lcore %u, NUMA node 0, 4 rx queues\n",
		 rte_get_main_lcore());
	assert_non_null(strstr(dpb_strbuf_str(&sb), want));
	dpb_strbuf_free(&sb);
}

static void test_run_dry(void **state)
{
	unsigned int on1, on2, on3;
	unsigned long no_mbuf, full;

	(void)state;
	dpb_ctl_run_for(ctl, 200);
	send_frames(SENT);
	on1 = (unsigned int)rte_ring_count(tx[1]);
	on2 = (unsigned int)rte_ring_count(tx[2]);
	on3 = (unsigned int)rte_ring_count(tx[3]);
	no_mbuf = drops("eth0", "no-mbuf");
	full = drops("eth2", "tx-full");
	printf("# %u frames in: eth1 %u, eth2 %u, eth3 %u out (pool %u); %lu no-mbuf, %lu tx-full\n",
	       SENT, on1, on2, on3, POOL, no_mbuf, full);
	/* The pool ran dry and eth2's wire filled; every frame out is on a wire or counted. */
	assert_true(no_mbuf > 0);
	assert_int_equal(on2, 63);   /* a ring of 64 holds 63 */
	assert_true(full > 0);
	assert_int_equal(on1 + on2 + on3 + no_mbuf + full, 3 * SENT);
	/* dpbond's copies on the wires: no more than its pool. */
	assert_true(on1 + on2 + on3 <= SENT + POOL);
}

static void test_recovers(void **state)
{
	unsigned long no_mbuf = drops("eth0", "no-mbuf"), full = drops("eth2", "tx-full");

	(void)state;
	drain(1);
	drain(2);
	drain(3);
	send_frames(40);
	assert_int_equal(drain(1), 40);
	assert_int_equal(drain(2), 40);
	assert_int_equal(drain(3), 40);
	assert_int_equal(drops("eth0", "no-mbuf"), no_mbuf);
	assert_int_equal(drops("eth2", "tx-full"), full);
}

static void test_every_mbuf_back(void **state)
{
	(void)state;
	for (unsigned int p = 0; p < 4; p++)
		drain(p);
	assert_int_equal(dp_finish(&ctl, pool), 0);
}

static int setup(void **state)
{
	(void)state;
	if (dp_eal_init("exhaustion", NULL) < 0)
		return -1;
	pool = rte_pktmbuf_pool_create("test", 4095, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	for (unsigned int p = 0; p < 4; p++) {
		char name[16];

		snprintf(name, sizeof(name), "rx%u", p);
		rx[p] = rte_ring_create(name, 4096, 0, 0);
		snprintf(name, sizeof(name), "tx%u", p);
		tx[p] = rte_ring_create(name, p == 2 ? 64 : 4096, 0, 0);
		snprintf(name, sizeof(name), "net_ring_eth%u", p);
		if (rte_eth_from_rings(name, &rx[p], 1, &tx[p], 1, 0) != (int)p)
			return -1;
	}
	if (dp_cfg_load(&cfg,
			"iface br0 inet manual\n  bridge-ports eth0 eth1 eth2 eth3\n  bridge-vlan-aware yes\n"
			"  bridge-vids 10\n") < 0)
		return -1;
	cfg.n_mbufs = POOL;
	ctl = dpb_ctl_create(&cfg);
	return ctl ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return dp_teardown(&ctl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_per_node),
		cmocka_unit_test(test_run_dry),
		cmocka_unit_test(test_recovers),
		cmocka_unit_test(test_every_mbuf_back),
	};

	return cmocka_run_group_tests_name("exhaustion", tests, setup, teardown);
}
