/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Interoperation with a LACP partner nobody here wrote: DPDK's own bonding
 * PMD in mode 4 (rte_eth_bond_create), in the same process, cabled to
 * dpbond's bond0 (eth1, eth2) by net_ring pairs. DPDK's bond handles
 * LACPDUs only inside its own rx/tx bursts, so the test drives it every
 * 20 ms with a trickle of frames, as an application would.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_eal.h>
#include <rte_eth_bond.h>
#include <rte_eth_bond_8023ad.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>
#include <rte_ring.h>

#include "dpb_cfg.h"
#include "dpb_ctl.h"
#include "dp_env.h"
#include "dpb_strbuf.h"

static struct rte_mempool *pool;
static struct rte_ring *host_rx, *host_tx;   /* eth0 on br0 */
static struct dpb_ctl *ctl;
static struct dpb_cfg cfg;
static uint16_t peer;                        /* DPDK's bond */
static uint64_t peer_rx;                     /* frames DPDK's bond received */

static struct rte_mbuf *frame(uint8_t dst_last, uint8_t src_last)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t f[64] = { 0x02, 0, 0, 0, 0x02, dst_last, 0x02, 0, 0, 0, 0x03, src_last, 0x88, 0xb5 };

	assert_non_null(m);
	rte_memcpy(rte_pktmbuf_append(m, sizeof(f)), f, sizeof(f));
	return m;
}

/* Runs dpbond and drives DPDK's bond (one frame each way per 20 ms). */
static void run(unsigned int ms, bool traffic)
{
	for (unsigned int t = 0; t < ms; t += 20) {
		struct rte_mbuf *pkts[32];
		uint16_t n;

		if (traffic) {
			struct rte_mbuf *m = frame(0x01, 0x09);

			if (rte_eth_tx_burst(peer, 0, &m, 1) == 0)
				rte_pktmbuf_free(m);
		} else {
			rte_eth_tx_burst(peer, 0, pkts, 0);
		}
		n = rte_eth_rx_burst(peer, 0, pkts, 32);
		peer_rx += n;
		rte_pktmbuf_free_bulk(pkts, n);
		dpb_ctl_run_for(ctl, 20);
	}
}

static unsigned int count(const char *what)
{
	struct dpb_strbuf sb;
	unsigned int n = 0;

	dpb_strbuf_init(&sb);
	assert_int_equal(dpb_ctl_show_lacp(ctl, "bond0", &sb), 0);
	for (const char *p = dpb_strbuf_str(&sb); (p = strstr(p, what)) != NULL; p++)
		n++;
	dpb_strbuf_free(&sb);
	return n;
}

static void test_dpdk_bond_partner(void **state)
{
	struct rte_mbuf *m;
	unsigned int got = 0;
	uint16_t members[RTE_MAX_ETHPORTS];

	(void)state;
	run(6000, true);
	{
		struct rte_eth_bond_8023ad_slave_info si;
		const uint8_t cd = 0x08 | 0x10 | 0x20;   /* in sync, collecting, distributing */

		/* DPDK's side: both members aggregated with us. It never asks for
		 * the short timeout (its state 61), we do (63). */
		for (uint16_t p = 3; p <= 4; p++) {
			assert_int_equal(rte_eth_bond_8023ad_slave_info(peer, p, &si), 0);
			assert_int_equal(si.actor_state & cd, cd);
			assert_int_equal(si.partner_state, 63);
		}
	}
	assert_int_equal(count("actor state 63, partner state 61"), 2);
	{
		struct dpb_strbuf sb;

		/* Our partner is DPDK's bond, by its system id. */
		dpb_strbuf_init(&sb);
		assert_int_equal(dpb_ctl_show_bonding(ctl, "bond0", &sb), 0);
		assert_non_null(strstr(dpb_strbuf_str(&sb),
				       "\tPartner Mac Address: 02:00:00:00:0d:01\n"));
		dpb_strbuf_free(&sb);
	}
	assert_int_equal(count("mux COLLECTING_DISTRIBUTING"), 2);
	/* DPDK's bond distributes on both members too. */
	assert_int_equal(rte_eth_bond_active_slaves_get(peer, members, RTE_MAX_ETHPORTS), 2);
	/* Frames from DPDK's bond reached eth0 through dpbond's bond and bridge. */
	while (rte_ring_dequeue(host_tx, (void **)&m) == 0) {
		got += rte_pktmbuf_mtod(m, const uint8_t *)[12] == 0x88;
		rte_pktmbuf_free(m);
	}
	assert_true(got > 100);
	/* And back: frames from eth0 reach DPDK's bond. */
	peer_rx = 0;
	for (unsigned int i = 0; i < 20; i++)
		assert_int_equal(rte_ring_enqueue(host_rx, frame(0x09, 0x01)), 0);
	run(200, true);
	assert_true(peer_rx >= 20);

	/* A cable is pulled (its link goes down at both ends): the aggregate
	 * re-forms on the survivor. */
	{
		struct dpb_strbuf sb;

		dpb_strbuf_init(&sb);
		assert_int_equal(dpb_ctl_set_link(ctl, "eth2", false, &sb), 0);
		dpb_strbuf_free(&sb);
		assert_int_equal(rte_eth_dev_set_link_down(4), 0);
	}
	run(4000, true);
	assert_int_equal(count("mux COLLECTING_DISTRIBUTING"), 1);
	assert_int_equal(count("eth1: rx CURRENT, periodic SLOW_PERIODIC, mux COLLECTING_DISTRIBUTING"), 1);
	while (rte_ring_dequeue(host_tx, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	peer_rx = 0;
	for (unsigned int i = 0; i < 20; i++)
		assert_int_equal(rte_ring_enqueue(host_rx, frame(0x09, 0x01)), 0);
	run(200, true);
	assert_true(peer_rx >= 20);
	got = 0;
	while (rte_ring_dequeue(host_tx, (void **)&m) == 0) {
		got += rte_pktmbuf_mtod(m, const uint8_t *)[12] == 0x88;
		rte_pktmbuf_free(m);
	}
	assert_true(got >= 5);
}

static int setup(void **state)
{
	struct rte_ring *wire[4], *rx[5], *tx[5];
	int b;

	(void)state;
	if (dp_eal_init("lacp_interop", "pmd.net.bonding:error") < 0)
		return -1;
	pool = rte_pktmbuf_pool_create("test", 4095, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	for (unsigned int i = 0; i < 4; i++) {
		char name[16];

		snprintf(name, sizeof(name), "wire%u", i);
		wire[i] = rte_ring_create(name, 1024, 0, 0);
	}
	host_rx = rte_ring_create("hrx", 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	host_tx = rte_ring_create("htx", 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	rx[0] = host_rx; tx[0] = host_tx;
	rx[1] = wire[0]; tx[1] = wire[1];   /* eth1 (dpbond) */
	rx[2] = wire[2]; tx[2] = wire[3];   /* eth2 (dpbond) */
	rx[3] = wire[1]; tx[3] = wire[0];   /* p3: DPDK's bond member, cabled to eth1 */
	rx[4] = wire[3]; tx[4] = wire[2];   /* p4: cabled to eth2 */
	for (unsigned int p = 0; p < 5; p++) {
		char name[32];

		snprintf(name, sizeof(name), "net_ring_p%u", p);
		if (rte_eth_from_rings(name, &rx[p], 1, &tx[p], 1, 0) != (int)p)
			return -1;
	}
	b = rte_eth_bond_create("net_bonding_peer", BONDING_MODE_8023AD, 0);
	if (b < 0)
		return -1;
	peer = (uint16_t)b;
	{
		struct rte_eth_conf conf;

		struct rte_ether_addr mac = { { 0x02, 0, 0, 0, 0x0d, 0x01 } };

		memset(&conf, 0, sizeof(conf));
		/* net_ring ports have no MAC: DPDK's bond (its LACP system id) gets one. */
		if (rte_eth_bond_slave_add(peer, 3) || rte_eth_bond_slave_add(peer, 4) ||
		    rte_eth_bond_mac_address_set(peer, &mac) ||
		    rte_eth_dev_configure(peer, 1, 1, &conf) < 0 ||
		    rte_eth_rx_queue_setup(peer, 0, 512, 0, NULL, pool) < 0 ||
		    rte_eth_tx_queue_setup(peer, 0, 512, 0, NULL) < 0 ||
		    rte_eth_dev_start(peer) < 0)
			return -1;
		rte_eth_promiscuous_enable(peer);
	}
	if (dp_cfg_load(&cfg, "iface eth0 inet manual\niface eth1 inet manual\niface eth2 inet manual\n"
	      "iface bond0 inet manual\n  bond-slaves eth1 eth2\n  bond-mode 802.3ad\n"
	      "  bond-miimon 100\n  bond-lacp-rate fast\n  bond-ad-actor-system 02:00:00:00:0b:00\n"
	      "iface br0 inet manual\n  bridge-ports eth0 bond0\n") < 0)
		return -1;
	ctl = dpb_ctl_create(&cfg);
	return ctl ? 0 : -1;
}

/* Last: dpbond's pool full and no mbuf freed twice. */
static void test_every_mbuf_back(void **state)
{
	(void)state;
	assert_int_equal(dp_finish(&ctl, NULL), 0);
}

static int teardown(void **state)
{
	(void)state;
	if (ctl)
		dpb_ctl_destroy(ctl);
	rte_eth_dev_stop(peer);
	return dp_eal_fini();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dpdk_bond_partner),
		cmocka_unit_test(test_every_mbuf_back),
	};

	return cmocka_run_group_tests_name("lacp_interop", tests, setup, teardown);
}
