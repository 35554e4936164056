/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Chained frames (several mbufs, as net_pcap and vhost-user hand over any
 * frame longer than one mbuf) through the real datapath, in one process on
 * net_ring ports (EAL --no-huge): floods, the VLAN-aware flood with a tag
 * pushed on some ports and not others, every bond mode, broadcast, and the
 * hash policies reading headers that run on into the next segment. Every
 * frame each port sends is compared byte for byte with what should leave
 * it; some frames come in already shared (the test keeps a reference, as a
 * device may) and must be left as they were. Every mbuf pool runs on the
 * "dpb_guard" driver (pool_guard.c), which catches a second free and fills
 * freed data with 0xdb, and must be full again at the end.
 *
 *   br0 = eth0 (the VM) + eth1 + bond0 (eth2, eth3, eth4)
 *   br1 (VLAN-aware, VLANs 10 and 20) = eth5 (trunk) + eth6 (access 10)
 *                                      + eth7 (trunk) + eth8 (access 10) + eth9 (trunk)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dpb_cfg.h"
#include "dpb_ctl.h"
#include "dp_env.h"
#include "dp_frames.h"
#include "dpb_strbuf.h"

#define N_PORTS 10
#define MAX_LEN 9018
#define N_SHAPES 4

static struct rte_mempool *pool;
static struct rte_ring *rx[N_PORTS], *tx[N_PORTS];
static struct dpb_ctl *ctl;
static struct dpb_cfg cfg;

static const uint8_t vm_mac[6] = { 0x02, 0, 0, 0, 0x0a, 0x01 };
static const uint8_t remote_mac[6] = { 0x02, 0, 0, 0, 0x0b, 0x01 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* With 2049 bytes: 2, 3, 33 and 3 segments; with 9014: 2, 3, 141 and 3. */
static const struct dp_shape shapes[N_SHAPES] = {
	{ "1000 bytes, then the rest", { 1000, 0 }, 0 },
	{ "18 bytes (the headers end there), 60, then the rest", { 18, 60 }, 0 },
	{ "64-byte pieces", { 0, 0 }, 64 },
	{ "2048, 2048, then the rest", { 2048, 2048 }, 0 },
};

static const size_t lens[] = { 2049, 9014 };

static struct rte_mbuf *chain(const uint8_t *f, size_t len, const struct dp_shape *sh)
{
	struct rte_mbuf *m = dp_chain(pool, f, len, sh);

	assert_non_null(m);
	return m;
}

/* Puts @m on @port's rx ring; with @keep, the test holds one more reference. */
static void put(unsigned int port, struct rte_mbuf *m, bool keep, struct rte_mbuf **kept)
{
	if (keep) {
		rte_pktmbuf_refcnt_update(m, 1);
		*kept = m;
	}
	assert_int_equal(rte_ring_enqueue(rx[port], m), 0);
}

/* Takes what @port sent: each must be @f (@len bytes). @return how many. */
static unsigned int take(unsigned int port, const uint8_t *f, size_t len)
{
	struct rte_mbuf *m;
	unsigned int n = 0;

	while (rte_ring_dequeue(tx[port], (void **)&m) == 0) {
		if (!dp_mbuf_is(m, f, len))
			fail_msg("eth%u sent a frame of %u bytes that is not the one expected (%zu)",
				 port, rte_pktmbuf_pkt_len(m), len);
		n++;
		rte_pktmbuf_free(m);
	}
	return n;
}

/* A frame the test held while dpbond forwarded it must still be @f. */
static void release(struct rte_mbuf *kept, const uint8_t *f, size_t len)
{
	if (kept == NULL)
		return;
	assert_true(dp_mbuf_is(kept, f, len));
	rte_pktmbuf_free(kept);
}

static void drain_all(void)
{
	for (unsigned int p = 0; p < N_PORTS; p++) {
		struct rte_mbuf *m;

		while (rte_ring_dequeue(tx[p], (void **)&m) == 0)
			rte_pktmbuf_free(m);
	}
}

static void run_cmd(int (*fn)(struct dpb_ctl *, const char *, const char *, struct dpb_strbuf *),
		    const char *a, const char *b)
{
	struct dpb_strbuf sb;

	dpb_strbuf_init(&sb);
	assert_int_equal(fn(ctl, a, b, &sb), 0);
	dpb_strbuf_free(&sb);
}

/* The count of drop reason @reason on @iface in `show drops` (0 if absent). */
static unsigned long drops(const char *iface, const char *reason)
{
	struct dpb_strbuf sb;
	char pat[64];
	const char *at;
	unsigned long n = 0;

	dpb_strbuf_init(&sb);
	assert_int_equal(dpb_ctl_show_drops(ctl, &sb), 0);
	for (at = sb.s; (at = strstr(at, iface)) != NULL; at++) {
		snprintf(pat, sizeof(pat), "%s %s %%lu", iface, reason);
		if (sscanf(at, pat, &n) == 1)
			break;
		n = 0;
	}
	dpb_strbuf_free(&sb);
	return n;
}

/* The remote host answers the VM through bond0's member @member: learned. */
static void learn_remote(unsigned int member)
{
	static uint8_t f[64];

	dp_udp_frame(f, sizeof(f), vm_mac, remote_mac, 0);
	assert_int_equal(rte_ring_enqueue(rx[member], chain(f, sizeof(f), &shapes[0])), 0);
	dpb_ctl_run_for(ctl, 20);
	assert_int_equal(take(0, f, sizeof(f)), 1);
}

/* Broadcasts and unknown unicasts of every shape into br0: each reaches eth1
 * and the active member whole, once; each also comes in shared. */
static void test_flood(void **state)
{
	static uint8_t f[MAX_LEN];
	const uint8_t unknown[6] = { 0x02, 0, 0, 0, 0x0c, 0x01 };

	(void)state;
	for (unsigned int d = 0; d < 2 * 2; d++) {
		for (unsigned int l = 0; l < 2; l++) {
			for (unsigned int k = 0; k < N_SHAPES; k++) {
				struct rte_mbuf *kept = NULL;

				dp_udp_frame(f, lens[l], d & 1 ? unknown : bcast, vm_mac, (uint16_t)k);
				put(0, chain(f, lens[l], &shapes[k]), d >> 1, &kept);
				dpb_ctl_run_for(ctl, 10);
				assert_int_equal(take(1, f, lens[l]), 1);
				assert_int_equal(take(2, f, lens[l]), 1);
				assert_int_equal(take(3, f, lens[l]) + take(4, f, lens[l]), 0);
				assert_int_equal(take(0, f, lens[l]), 0);
				release(kept, f, lens[l]);
			}
		}
	}
}

/*
 * Every bond mode: a known unicast to the remote host leaves one member (each
 * member in broadcast mode), a broadcast is flooded to eth1 and the bond.
 */
static void test_bond_modes(void **state)
{
	static const char *const modes[] = { "balance-rr", "balance-xor", "broadcast",
					     "balance-tlb", "balance-alb", "active-backup" };
	static uint8_t f[MAX_LEN];

	(void)state;
	for (unsigned int i = 0; i < RTE_DIM(modes); i++) {
		unsigned int copies = strcmp(modes[i], "broadcast") == 0 ? 3 : 1;

		run_cmd(dpb_ctl_set_mode, modes[i], "bond0");
		dpb_ctl_run_for(ctl, 150);
		drain_all();
		learn_remote(2);
		for (unsigned int k = 0; k < N_SHAPES * 2 * 2 * 2; k++) {
			const struct dp_shape *sh = &shapes[k % N_SHAPES];
			size_t len = lens[k / N_SHAPES % 2];
			bool b = k / N_SHAPES / 2 % 2, shared = k / N_SHAPES / 4;
			struct rte_mbuf *kept = NULL;
			unsigned int on_members;

			dp_udp_frame(f, len, b ? bcast : remote_mac, vm_mac, (uint16_t)k);
			put(0, chain(f, len, sh), shared, &kept);
			dpb_ctl_run_for(ctl, 10);
			on_members = take(2, f, len) + take(3, f, len) + take(4, f, len);
			if (on_members != copies)
				fail_msg("%s, %zu bytes, %s, %s: %u frames on the members, not %u",
					 modes[i], len, sh->name, b ? "broadcast" : "unicast",
					 on_members, copies);
			assert_int_equal(take(1, f, len), b);
			release(kept, f, len);
		}
	}
}

/*
 * balance-xor, layer3+4: a frame whose IP and UDP headers lie in its second
 * segment leaves the member its one-segment twin leaves; a frame whose
 * Ethernet header is cut is counted rx-split-header and not forwarded.
 */
static void test_hash_reads_across_segments(void **state)
{
	static const struct dp_shape split = { "eth + 4 bytes, then the rest", { 18, 0 }, 0 };
	static const struct dp_shape cut = { "10 bytes, then the rest", { 10, 0 }, 0 };
	static uint8_t f[128];
	unsigned int used[N_PORTS] = { 0 };
	unsigned long before;

	(void)state;
	run_cmd(dpb_ctl_set_mode, "balance-xor", "bond0");
	dpb_ctl_run_for(ctl, 150);
	drain_all();
	learn_remote(2);
	for (uint16_t seq = 0; seq < 24; seq++) {
		unsigned int whole = N_PORTS, in_two = N_PORTS;

		dp_udp_frame(f, sizeof(f), remote_mac, vm_mac, seq);
		assert_int_equal(rte_ring_enqueue(rx[0], chain(f, sizeof(f), &shapes[0])), 0);
		dpb_ctl_run_for(ctl, 5);
		for (unsigned int p = 2; p <= 4; p++)
			if (take(p, f, sizeof(f)) == 1)
				whole = p;
		assert_int_equal(rte_ring_enqueue(rx[0], chain(f, sizeof(f), &split)), 0);
		dpb_ctl_run_for(ctl, 5);
		for (unsigned int p = 2; p <= 4; p++)
			if (take(p, f, sizeof(f)) == 1)
				in_two = p;
		assert_true(whole < N_PORTS);
		assert_int_equal(in_two, whole);
		used[whole]++;
	}
	/* The ports were read: the flows spread over the members. */
	assert_true(used[2] < 24 && used[3] < 24 && used[4] < 24);

	before = drops("eth0", "rx-split-header");
	dp_udp_frame(f, sizeof(f), remote_mac, vm_mac, 99);
	assert_int_equal(rte_ring_enqueue(rx[0], chain(f, sizeof(f), &cut)), 0);
	dpb_ctl_run_for(ctl, 5);
	for (unsigned int p = 1; p < N_PORTS; p++)
		assert_int_equal(take(p, f, sizeof(f)), 0);
	assert_int_equal(drops("eth0", "rx-split-header"), before + 1);
	run_cmd(dpb_ctl_set_mode, "active-backup", "bond0");
	dpb_ctl_run_for(ctl, 150);
}

/*
 * br1: a tagged flood from the trunk eth5 leaves the access ports untagged and
 * the trunk eth7 tagged; an untagged one from the access port eth6 is tagged
 * for both trunks. Then a known unicast, tagged in place or on a copy.
 */
static void test_vlan_flood(void **state)
{
	static uint8_t u[MAX_LEN], t[MAX_LEN + 4];

	(void)state;
	for (unsigned int k = 0; k < N_SHAPES * 2 * 2; k++) {
		const struct dp_shape *sh = &shapes[k % N_SHAPES];
		size_t len = lens[k / N_SHAPES % 2];
		bool shared = k / N_SHAPES / 2;
		struct rte_mbuf *kept = NULL;

		dp_udp_frame(u, len, bcast, vm_mac, (uint16_t)k);
		dp_tagged(t, u, len, 10);
		put(5, chain(t, len + 4, sh), shared, &kept);
		dpb_ctl_run_for(ctl, 10);
		assert_int_equal(take(6, u, len), 1);
		assert_int_equal(take(7, t, len + 4), 1);
		assert_int_equal(take(8, u, len), 1);
		assert_int_equal(take(9, t, len + 4), 1);
		assert_int_equal(take(5, t, len + 4), 0);
		release(kept, t, len + 4);

		dp_udp_frame(u, len, bcast, remote_mac, (uint16_t)(k + 100));
		dp_tagged(t, u, len, 10);
		put(6, chain(u, len, sh), shared, &kept);
		dpb_ctl_run_for(ctl, 10);
		assert_int_equal(take(5, t, len + 4), 1);
		assert_int_equal(take(7, t, len + 4), 1);
		assert_int_equal(take(8, u, len), 1);
		assert_int_equal(take(9, t, len + 4), 1);
		release(kept, u, len);

		/* VLAN 20 from trunk eth5: every port it floods to pushes a tag
		 * (copies first, the last holder tags the frame itself). */
		dp_udp_frame(u, len, bcast, vm_mac, (uint16_t)(k + 200));
		dp_tagged(t, u, len, 20);
		put(5, chain(t, len + 4, sh), shared, &kept);
		dpb_ctl_run_for(ctl, 10);
		assert_int_equal(take(7, t, len + 4), 1);
		assert_int_equal(take(9, t, len + 4), 1);
		assert_int_equal(take(6, t, len + 4) + take(8, t, len + 4), 0);
		release(kept, t, len + 4);
	}
	/* vm_mac is on eth5 in VLAN 10 now: a unicast from eth6 to it is tagged. */
	for (unsigned int k = 0; k < N_SHAPES * 2 * 2; k++) {
		const struct dp_shape *sh = &shapes[k % N_SHAPES];
		size_t len = lens[k / N_SHAPES % 2];
		struct rte_mbuf *kept = NULL;

		dp_udp_frame(u, len, vm_mac, remote_mac, (uint16_t)(k + 300));
		dp_tagged(t, u, len, 10);
		put(6, chain(u, len, sh), k / N_SHAPES / 2, &kept);
		dpb_ctl_run_for(ctl, 10);
		assert_int_equal(take(5, t, len + 4), 1);
		assert_int_equal(take(7, t, len + 4) + take(8, u, len) + take(9, t, len + 4), 0);
		release(kept, u, len);
	}
}

static int setup(void **state)
{
	(void)state;
	if (dp_eal_init("chain", NULL) < 0)
		return -1;
	pool = rte_pktmbuf_pool_create("test", 8191, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (pool == NULL)
		return -1;
	if (dp_ring_ports(N_PORTS, rx, tx) < 0)
		return -1;
	if (dp_cfg_load(&cfg,
	      /* Jumbo frames: every port runs MTU 9000. */
	      "iface eth0 inet manual\n  mtu 9000\niface eth1 inet manual\n  mtu 9000\n"
	      "iface eth2 inet manual\niface eth3 inet manual\niface eth4 inet manual\n"
	      "iface eth5 inet manual\n  mtu 9000\n"
	      "iface eth6 inet manual\n  bridge-access 10\n  mtu 9000\niface eth7 inet manual\n  mtu 9000\n"
	      "iface eth8 inet manual\n  bridge-access 10\n  mtu 9000\niface eth9 inet manual\n  mtu 9000\n"
	      "iface bond0 inet manual\n  bond-slaves eth2 eth3 eth4\n  mtu 9000\n"
	      "  bond-mode active-backup\n  bond-miimon 100\n  bond-num-grat-arp 0\n"
	      "  bond-xmit-hash-policy layer3+4\n"
	      "iface br0 inet manual\n  bridge-ports eth0 eth1 bond0\n"
	      "iface br1 inet manual\n  bridge-ports eth5 eth6 eth7 eth8 eth9\n"
	      "  bridge-vlan-aware yes\n  bridge-vids 10 20\n") < 0)
		return -1;
	ctl = dpb_ctl_create(&cfg);
	return ctl ? 0 : -1;
}

/* Last: every mbuf back and none freed twice. */
static void test_every_mbuf_back(void **state)
{
	(void)state;
	drain_all();
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
		cmocka_unit_test(test_flood),
		cmocka_unit_test(test_bond_modes),
		cmocka_unit_test(test_hash_reads_across_segments),
		cmocka_unit_test(test_vlan_flood),
		cmocka_unit_test(test_every_mbuf_back),
	};

	return cmocka_run_group_tests_name("chain", tests, setup, teardown);
}
