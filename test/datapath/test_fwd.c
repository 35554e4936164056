/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * In-process datapath test: dpbond's control plane and burst path on
 * net_ring ports whose rings this test holds, EAL --no-huge. A bridge joins
 * eth0 (the "VM" side) and bond0 = eth1 + eth2 + eth3. Frames are put on
 * eth0's rx ring; each member's tx ring shows where they went. Every mode
 * that is built, switched at run time: distribution, receive rules, link
 * loss and return, and every mbuf of both pools back at the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>
#include <rte_ring.h>

#include "dpb_cfg.h"
#include "dpb_ctl.h"
#include "dp_env.h"
#include "dpb_strbuf.h"

#define N_PORTS 4
#define N_FRAMES 60

static struct rte_mempool *pool;
static struct rte_ring *rx[N_PORTS], *tx[N_PORTS];
static struct dpb_ctl *ctl;
static struct dpb_cfg cfg;

/* A frame from @src_last to @dst_last (last MAC bytes), carrying @seq. */
static struct rte_mbuf *frame(uint8_t src_last, uint8_t dst_last, uint16_t seq)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t p[64] = { 0 };
	char *data;

	assert_non_null(m);
	memcpy(p, "\x02\x00\x00\x00\x02", 5);
	p[5] = dst_last;
	memcpy(p + 6, "\x02\x00\x00\x00\x01", 5);
	p[11] = src_last;
	p[12] = 0x88;
	p[13] = 0xb5;
	p[14] = (uint8_t)(seq >> 8);
	p[15] = (uint8_t)seq;
	data = rte_pktmbuf_append(m, sizeof(p));
	assert_non_null(data);
	rte_memcpy(data, p, sizeof(p));
	return m;
}

static void inject(unsigned int port, uint8_t src_last, unsigned int n, bool alt_dst)
{
	for (unsigned int i = 0; i < n; i++) {
		struct rte_mbuf *m = frame(src_last, alt_dst && (i & 1) ? 0x03 : 0x02, (uint16_t)i);

		assert_int_equal(rte_ring_enqueue(rx[port], m), 0);
	}
	/* Long enough for every pass, the learning and a miimon tick. */
	dpb_ctl_run_for(ctl, 20);
	assert_int_equal(rte_ring_count(rx[port]), 0);
}

/* @n IGMPv2 membership reports for 239.1.1.1 from 02:00:00:00:01:01 into port @port. */
static void inject_igmp(unsigned int port, unsigned int n)
{
	static const uint8_t report[60] = {
		0x01, 0x00, 0x5e, 0x01, 0x01, 0x01, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x08, 0x00,
		0x45, 0, 0, 28, 0, 0, 0, 0, 1, 2 /* IGMP */, 0, 0, 198, 51, 100, 7, 239, 1, 1, 1,
		0x16, 0, 0, 0, 239, 1, 1, 1,
	};

	for (unsigned int i = 0; i < n; i++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

		assert_non_null(m);
		rte_memcpy(rte_pktmbuf_append(m, sizeof(report)), report, sizeof(report));
		assert_int_equal(rte_ring_enqueue(rx[port], m), 0);
	}
	dpb_ctl_run_for(ctl, 20);
}

/* Takes what port @p sent; fills seqs (in order). @return how many. */
static unsigned int drain(unsigned int p, uint16_t *seqs)
{
	struct rte_mbuf *m;
	unsigned int n = 0;

	while (rte_ring_dequeue(tx[p], (void **)&m) == 0) {
		const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);

		if (seqs)
			seqs[n] = (uint16_t)(d[14] << 8 | d[15]);
		n++;
		rte_pktmbuf_free(m);
	}
	return n;
}

static void run_cmd(int (*fn)(struct dpb_ctl *, const char *, const char *, struct dpb_strbuf *),
		    const char *a, const char *b)
{
	struct dpb_strbuf sb;

	dpb_strbuf_init(&sb);
	assert_int_equal(fn(ctl, a, b, &sb), 0);
	dpb_strbuf_free(&sb);
}

static void cable(const char *port, bool up)
{
	struct dpb_strbuf sb;

	dpb_strbuf_init(&sb);
	assert_int_equal(dpb_ctl_set_link(ctl, port, up, &sb), 0);
	dpb_strbuf_free(&sb);
	dpb_ctl_run_for(ctl, 150);  /* a miimon tick */
}

static void test_active_backup(void **state)
{
	uint16_t seqs[N_FRAMES * 2];

	(void)state;
	inject(0, 0x01, N_FRAMES, false);
	assert_int_equal(drain(1, NULL), N_FRAMES);
	assert_int_equal(drain(2, NULL), 0);
	assert_int_equal(drain(3, NULL), 0);
	/* Receive rules: the active member's frames reach eth0; a backup's do not. */
	inject(1, 0x11, 10, false);
	inject(2, 0x12, 10, false);
	assert_int_equal(drain(0, seqs), 10);
	/* Link loss and return: eth2 takes over and keeps it (no primary). */
	cable("eth1", false);
	inject(0, 0x01, N_FRAMES, false);
	assert_int_equal(drain(1, NULL), 0);
	assert_int_equal(drain(2, NULL), N_FRAMES);
	cable("eth1", true);
	inject(0, 0x01, N_FRAMES, false);
	assert_int_equal(drain(2, NULL), N_FRAMES);
	assert_int_equal(drain(1, NULL) + drain(3, NULL), 0);
}

static void test_balance_rr(void **state)
{
	uint16_t s1[N_FRAMES], s2[N_FRAMES], s3[N_FRAMES];

	(void)state;
	run_cmd(dpb_ctl_set_mode, "balance-rr", "bond0");
	inject(0, 0x01, N_FRAMES, false);
	/* Counter k = 1.., member k % 3: seq 0 -> eth2, 1 -> eth3, 2 -> eth1. */
	assert_int_equal(drain(1, s1), N_FRAMES / 3);
	assert_int_equal(drain(2, s2), N_FRAMES / 3);
	assert_int_equal(drain(3, s3), N_FRAMES / 3);
	for (unsigned int i = 0; i < N_FRAMES / 3; i++) {
		assert_int_equal(s2[i], 3 * i);
		assert_int_equal(s3[i], 3 * i + 1);
		assert_int_equal(s1[i], 3 * i + 2);
	}
	/* Every member receives. */
	inject(3, 0x13, 5, false);
	assert_int_equal(drain(0, NULL), 5);
	/* eth3 lost: the rest alternate over eth1 and eth2. */
	cable("eth3", false);
	inject(0, 0x01, N_FRAMES, false);
	assert_int_equal(drain(1, NULL), N_FRAMES / 2);
	assert_int_equal(drain(2, NULL), N_FRAMES / 2);
	assert_int_equal(drain(3, NULL), 0);
	cable("eth3", true);
	/* IGMP keeps to one member, the first that transmits (Linux: its active slave). */
	inject_igmp(0, 12);
	assert_int_equal(drain(1, NULL), 12);
	assert_int_equal(drain(2, NULL) + drain(3, NULL), 0);
	cable("eth1", false);
	inject_igmp(0, 12);
	assert_int_equal(drain(2, NULL), 12);
	assert_int_equal(drain(1, NULL) + drain(3, NULL), 0);
	cable("eth1", true);
}

static void test_balance_xor(void **state)
{
	(void)state;
	run_cmd(dpb_ctl_set_mode, "2", "bond0");
	/* layer2: dst ..02 -> 0x01^0x02^0x88b5 = 0x88b6 % 3 = 0 (eth1);
	 * dst ..03 -> 0x88b7 % 3 = 1 (eth2). */
	inject(0, 0x01, N_FRAMES, true);
	assert_int_equal(drain(1, NULL), N_FRAMES / 2);
	assert_int_equal(drain(2, NULL), N_FRAMES / 2);
	assert_int_equal(drain(3, NULL), 0);
	/* eth1 lost: 2 members, 0x88b6 % 2 = 0 (eth2), 0x88b7 % 2 = 1 (eth3). */
	cable("eth1", false);
	inject(0, 0x01, N_FRAMES, true);
	assert_int_equal(drain(2, NULL), N_FRAMES / 2);
	assert_int_equal(drain(3, NULL), N_FRAMES / 2);
	cable("eth1", true);
}

static void test_broadcast(void **state)
{
	(void)state;
	run_cmd(dpb_ctl_set_mode, "broadcast", "bond0");
	inject(0, 0x01, N_FRAMES, false);
	for (unsigned int p = 1; p < N_PORTS; p++)
		assert_int_equal(drain(p, NULL), N_FRAMES);
	cable("eth2", false);
	inject(0, 0x01, N_FRAMES, false);
	assert_int_equal(drain(1, NULL), N_FRAMES);
	assert_int_equal(drain(2, NULL), 0);
	assert_int_equal(drain(3, NULL), N_FRAMES);
	cable("eth2", true);
}

/* Which member sent the frames of each source (last MAC byte). */
static void sources_by_member(int *member_of, unsigned int n_src)
{
	for (unsigned int k = 0; k < n_src; k++)
		member_of[k] = -1;
	for (unsigned int p = 1; p < N_PORTS; p++) {
		struct rte_mbuf *m;

		while (rte_ring_dequeue(tx[p], (void **)&m) == 0) {
			unsigned int src = rte_pktmbuf_mtod(m, const uint8_t *)[11] - 0x20;

			assert_true(src < n_src);
			/* One member per source MAC: never two. */
			assert_true(member_of[src] == -1 || member_of[src] == (int)p);
			member_of[src] = (int)p;
			rte_pktmbuf_free(m);
		}
	}
}

static void test_balance_tlb(void **state)
{
	int before[16], after[16];
	unsigned int used[N_PORTS] = { 0 };
	struct rte_mbuf *m;

	(void)state;
	run_cmd(dpb_ctl_set_mode, "balance-tlb", "bond0");
	for (unsigned int k = 0; k < 16; k++)
		inject(0, (uint8_t)(0x20 + k), 4, false);
	sources_by_member(before, 16);
	for (unsigned int k = 0; k < 16; k++) {
		assert_true(before[k] >= 1);
		used[before[k]]++;
	}
	/* 16 sources over 256 buckets in three shares: more than one member. */
	assert_true(used[1] < 16 && used[2] < 16 && used[3] < 16);

	/* eth3 lost: only its sources move. */
	cable("eth3", false);
	for (unsigned int k = 0; k < 16; k++)
		inject(0, (uint8_t)(0x20 + k), 4, false);
	sources_by_member(after, 16);
	for (unsigned int k = 0; k < 16; k++) {
		assert_true(after[k] == 1 || after[k] == 2);
		if (before[k] != 3)
			assert_int_equal(after[k], before[k]);
	}
	cable("eth3", true);

	/* Receive: unicast on any member; broadcast only on the active (eth1). */
	m = frame(0x30, 0x02, 0);
	memset(rte_pktmbuf_mtod(m, uint8_t *), 0xff, 6);
	assert_int_equal(rte_ring_enqueue(rx[2], m), 0);
	inject(2, 0x31, 3, false);
	assert_int_equal(drain(0, NULL), 3);
	m = frame(0x32, 0x02, 0);
	memset(rte_pktmbuf_mtod(m, uint8_t *), 0xff, 6);
	assert_int_equal(rte_ring_enqueue(rx[1], m), 0);
	dpb_ctl_run_for(ctl, 10);
	assert_int_equal(drain(0, NULL), 1);
}

/* balance-alb never rewrites an ARP a bridged machine sent (DPDK's ALB does). */
static void test_balance_alb_leaves_bridged_arp_alone(void **state)
{
	static const uint8_t arp[42] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0x01, 0x40, 0x08, 0x06,
		0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,            /* request */
		0x02, 0, 0, 0, 0x01, 0x40, 192, 0, 2, 10,           /* VM's MAC, 192.0.2.10 */
		0, 0, 0, 0, 0, 0, 192, 0, 2, 1,                     /* who has 192.0.2.1 */
	};
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool), *out;
	unsigned int seen = 0;

	(void)state;
	run_cmd(dpb_ctl_set_mode, "balance-alb", "bond0");
	assert_non_null(m);
	rte_memcpy(rte_pktmbuf_append(m, sizeof(arp)), arp, sizeof(arp));
	assert_int_equal(rte_ring_enqueue(rx[0], m), 0);
	dpb_ctl_run_for(ctl, 10);
	for (unsigned int p = 1; p < N_PORTS; p++) {
		while (rte_ring_dequeue(tx[p], (void **)&out) == 0) {
			assert_int_equal(rte_pktmbuf_data_len(out), sizeof(arp));
			assert_memory_equal(rte_pktmbuf_mtod(out, const uint8_t *), arp, sizeof(arp));
			seen++;
			rte_pktmbuf_free(out);
		}
	}
	assert_int_equal(seen, 1);  /* on one member, byte for byte */
}

static int setup(void **state)
{
	(void)state;
	if (dp_eal_init("fwd", NULL) < 0)
		return -1;
	pool = rte_pktmbuf_pool_create("test", 2047, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (pool == NULL)
		return -1;
	if (dp_ring_ports(N_PORTS, rx, tx) < 0)
		return -1;
	if (dp_cfg_load(&cfg, "iface eth0 inet manual\niface eth1 inet manual\n"
	      "iface eth2 inet manual\niface eth3 inet manual\n"
	      "iface bond0 inet manual\n  bond-slaves eth1 eth2 eth3\n"
	      "  bond-mode active-backup\n  bond-miimon 100\n"
	      /* Member rings are counted frame by frame: no announcements here. */
	      "  bond-num-grat-arp 0\n"
	      "iface br0 inet manual\n  bridge-ports eth0 bond0\n") < 0)
		return -1;
	ctl = dpb_ctl_create(&cfg);
	return ctl ? 0 : -1;
}

/* Last: every mbuf back and none freed twice. */
static void test_every_mbuf_back(void **state)
{
	(void)state;
	for (unsigned int p = 0; p < N_PORTS; p++)
		drain(p, NULL);
	assert_int_equal(dp_finish(&ctl, pool), 0);
}

static int teardown(void **state)
{
	(void)state;
	return dp_teardown(&ctl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_active_backup),
		cmocka_unit_test(test_balance_rr),
		cmocka_unit_test(test_balance_xor),
		cmocka_unit_test(test_broadcast),
		cmocka_unit_test(test_balance_tlb),
		cmocka_unit_test(test_balance_alb_leaves_bridged_arp_alone),
		cmocka_unit_test(test_every_mbuf_back),
	};

	return cmocka_run_group_tests_name("fwd_modes", tests, setup, teardown);
}
