/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control plane in warped time (dpb_ctl_warp, as Open vSwitch warps
 * time in its bond and LACP tests): failover with downdelay and updelay,
 * the announcements that follow, FDB ageing after 300 s, an LACP partner's
 * 90 s timeout (the partner's links pulled, ours still up) and balance-tlb's
 * rebalancing by load every 10 s, each tested in a moment of wall-clock time.
 * One process, EAL --no-huge, one lcore (the main lcore forwards: each
 * step of the warp is a forwarding pass and a turn of the control work).
 *
 *   br0: eth0 (the test's) + bond0 = eth1 + eth2, active-backup,
 *        miimon 100, downdelay 200, updelay 300 (the test reads their wires)
 *   br1: bond1 = eth3 + eth4, 802.3ad, slow rate
 *   br2: bond2 = eth5 + eth6, 802.3ad, slow rate; eth3-eth5, eth4-eth6 cabled
 *   br3: eth9 (the test's) + bond3 = eth7 + eth8, balance-tlb
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

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
#define N_PORTS 10
#define N_SRC 16
static struct rte_ring *rx[N_PORTS], *tx[N_PORTS];
static struct dpb_ctl *ctl;
static struct dpb_cfg cfg;
static char text[8192];

static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void warp(unsigned int ms, unsigned int step)
{
	assert_int_equal(dpb_ctl_warp(ctl, ms, step, NULL), 0);
}

static const char *show(int (*fn)(struct dpb_ctl *, const char *, struct dpb_strbuf *),
			const char *name)
{
	struct dpb_strbuf sb;

	dpb_strbuf_init(&sb);
	assert_int_equal(fn(ctl, name, &sb), 0);
	snprintf(text, sizeof(text), "%s", dpb_strbuf_str(&sb));
	dpb_strbuf_free(&sb);
	return text;
}

/* The MII status of member @m in `show bonding bond0`. */
static const char *mii(const char *m)
{
	static char st[32];
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "Slave Interface: %s\nMII Status: ", m);
	p = strstr(show(dpb_ctl_show_bonding, "bond0"), key);
	assert_non_null(p);
	sscanf(p + strlen(key), "%31[^\n]", st);
	return st;
}

static void link(const char *port, bool up)
{
	struct dpb_strbuf sb;

	dpb_strbuf_init(&sb);
	assert_int_equal(dpb_ctl_set_link(ctl, port, up, &sb), 0);
	dpb_strbuf_free(&sb);
}

/* Frames on @port's wire with ethertype @type and source MAC ending @src; the others freed. */
static unsigned int drain(unsigned int port, uint16_t type, uint8_t src)
{
	struct rte_mbuf *m;
	unsigned int n = 0;

	while (rte_ring_dequeue(tx[port], (void **)&m) == 0) {
		const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);

		n += f[12] == type >> 8 && f[13] == (type & 0xff) && f[11] == src;
		rte_pktmbuf_free(m);
	}
	return n;
}

static void test_warp_needs_allowing(void **state)
{
	struct dpb_strbuf sb;

	(void)state;
	dpb_strbuf_init(&sb);
	assert_int_equal(dpb_ctl_warp(ctl, 1000, 1, &sb), -EPERM);
	assert_non_null(strstr(dpb_strbuf_str(&sb), "--test-clock"));
	dpb_strbuf_free(&sb);
	dpb_ctl_allow_warp(ctl);
}

/* Failover with downdelay, its announcement, and the member's return with updelay. */
static void test_failover(void **state)
{
	uint8_t f[64] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0x0a, 0x42, 0x08, 0x06 };
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint64_t t0 = dpb_ctl_now_ms(ctl);
	double w0 = wall();

	(void)state;
	warp(1000, 1);   /* members up, bond0 on eth1 */
	assert_non_null(strstr(show(dpb_ctl_show_bonding, "bond0"), "Currently Active Slave: eth1\n"));
	/* A host behind eth0 speaks: its MAC is learned, the bond's to announce. */
	assert_non_null(m);
	rte_memcpy(rte_pktmbuf_append(m, sizeof(f)), f, sizeof(f));
	assert_int_equal(rte_ring_enqueue(rx[0], m), 0);
	warp(10, 1);
	drain(1, 0, 0);
	drain(2, 0, 0);

	link("eth1", false);
	warp(150, 1);    /* seen down within a miimon interval: going down, not yet failed over */
	assert_string_equal(mii("eth1"), "going down");
	assert_non_null(strstr(show(dpb_ctl_show_bonding, "bond0"), "Currently Active Slave: eth1\n"));
	warp(200, 1);    /* the downdelay has passed */
	assert_string_equal(mii("eth1"), "down");
	assert_non_null(strstr(show(dpb_ctl_show_bonding, "bond0"), "Currently Active Slave: eth2\n"));
	warp(100, 1);
	/* The learned MAC announced through eth2 (a RARP with its source). */
	assert_true(drain(2, 0x8035, 0x42) >= 1);

	link("eth1", true);
	warp(150, 1);
	assert_string_equal(mii("eth1"), "going back");
	warp(300, 1);
	assert_string_equal(mii("eth1"), "up");
	/* No primary: eth2 stays, as the seed host's owner saw. */
	assert_non_null(strstr(show(dpb_ctl_show_bonding, "bond0"), "Currently Active Slave: eth2\n"));
	assert_true(dpb_ctl_now_ms(ctl) - t0 >= 1910);
	printf("# failover in %.0f ms of warped time took %.3f s of wall time\n",
	       (double)(dpb_ctl_now_ms(ctl) - t0), wall() - w0);
}

/* The learned MAC is aged out after bridge-ageing (300 s) without traffic, not before. */
static void test_ageing(void **state)
{
	(void)state;
	assert_non_null(strstr(show(dpb_ctl_show_bridge, "br0"), "02:00:00:00:0a:42 dev eth0"));
	warp(250000, 100);
	assert_non_null(strstr(show(dpb_ctl_show_bridge, "br0"), "02:00:00:00:0a:42 dev eth0"));
	warp(52000, 100);
	assert_null(strstr(show(dpb_ctl_show_bridge, "br0"), "02:00:00:00:0a:42"));
	assert_non_null(strstr(text, " 0 fdb entries,"));
}

static unsigned int count(const char *s, const char *what)
{
	unsigned int n = 0;

	for (const char *p = s; (p = strstr(p, what)) != NULL; p++)
		n++;
	return n;
}

/*
 * A partner that stops speaking LACP is given up after the long timeout
 * (90 s) from its last LACPDU, not before. At the slow rate it spoke every
 * 30 s, so its last LACPDU came 0-30 s before it fell silent: bond1 still
 * holds it 55 s after, and has given it up 95 s after.
 */
static void test_lacp_timeout(void **state)
{
	(void)state;
	warp(5000, 1);
	assert_int_equal(count(show(dpb_ctl_show_lacp, "bond1"), "mux COLLECTING_DISTRIBUTING"), 2);
	assert_int_equal(count(show(dpb_ctl_show_lacp, "bond2"), "mux COLLECTING_DISTRIBUTING"), 2);
	/* bond2's members lose their links: it stops speaking; bond1's links stay up. */
	link("eth5", false);
	link("eth6", false);
	warp(55000, 10);
	assert_int_equal(count(show(dpb_ctl_show_lacp, "bond1"), "rx CURRENT"), 2);
	warp(40000, 10);
	assert_int_equal(count(show(dpb_ctl_show_lacp, "bond1"), "rx CURRENT"), 0);
	assert_int_equal(count(text, "rx DEFAULTED"), 2);
	assert_int_equal(count(text, "mux COLLECTING_DISTRIBUTING"), 0);
}

/* @n frames into eth9 from source 02:00:00:00:0c:@s, to a MAC nobody has (flooded to bond3). */
static void send_from(uint8_t s, unsigned int n)
{
	uint8_t f[60] = { 0x02, 0, 0, 0, 0x0d, 0x99, 0x02, 0, 0, 0, 0x0c, 0, 0x88, 0xb5 };

	f[11] = s;
	for (unsigned int k = 0; k < n; k++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

		assert_non_null(m);
		rte_memcpy(rte_pktmbuf_append(m, sizeof(f)), f, sizeof(f));
		assert_int_equal(rte_ring_enqueue(rx[9], m), 0);
	}
}

/* Which of bond3's members (7: eth7, 8: eth8) each source's frames left on; the rest freed. */
static void where(uint8_t on[N_SRC])
{
	for (unsigned int p = 7; p <= 8; p++) {
		struct rte_mbuf *m;

		while (rte_ring_dequeue(tx[p], (void **)&m) == 0) {
			const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);

			if (f[12] == 0x88 && f[13] == 0xb5 && f[10] == 0x0c && f[11] < N_SRC)
				on[f[11]] = (uint8_t)p;
			rte_pktmbuf_free(m);
		}
	}
}

/* balance-tlb: at the next rebalancing (every 10 s) source groups move by the interval's load. */
static void test_rebalance(void **state)
{
	uint8_t before[N_SRC] = { 0 }, after[N_SRC] = { 0 };
	unsigned int on7 = 0, moved = 0;

	(void)state;
	for (uint8_t s = 0; s < N_SRC; s++)
		send_from(s, 1);
	warp(5, 1);
	where(before);
	for (unsigned int s = 0; s < N_SRC; s++) {
		assert_true(before[s] == 7 || before[s] == 8);
		on7 += before[s] == 7;
	}
	/* Hashed over both members at first. */
	assert_true(on7 > 0 && on7 < N_SRC);
	/* Every byte from eth7's sources: eth8 idles for a whole interval. */
	for (unsigned int round = 0; round < 50; round++) {
		for (uint8_t s = 0; s < N_SRC; s++)
			if (before[s] == 7)
				send_from(s, 4);
		warp(1, 1);
		where(after);
	}
	warp(10000, 100);
	memset(after, 0, sizeof(after));
	for (uint8_t s = 0; s < N_SRC; s++)
		send_from(s, 1);
	warp(5, 1);
	where(after);
	for (unsigned int s = 0; s < N_SRC; s++)
		moved += before[s] == 7 && after[s] == 8;
	printf("# rebalancing moved %u of eth7's %u sources to eth8\n", moved, on7);
	assert_true(moved > 0);
}

static void test_every_mbuf_back(void **state)
{
	uint8_t on[N_SRC];

	(void)state;
	for (unsigned int p = 0; p < 3; p++)
		drain(p, 0, 0);
	where(on);
	assert_int_equal(dp_finish(&ctl, pool), 0);
}

static int setup(void **state)
{
	struct rte_ring *wire[4];

	(void)state;
	if (dp_eal_init("ctl_time", NULL) < 0)
		return -1;
	pool = rte_pktmbuf_pool_create("test", 1023, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	for (unsigned int i = 0; i < 4; i++) {
		char name[16];

		snprintf(name, sizeof(name), "wire%u", i);
		wire[i] = rte_ring_create(name, 1024, 0, 0);
	}
	for (unsigned int p = 0; p < 3; p++) {
		char name[16];

		snprintf(name, sizeof(name), "rx%u", p);
		rx[p] = rte_ring_create(name, 1024, 0, 0);
		snprintf(name, sizeof(name), "tx%u", p);
		tx[p] = rte_ring_create(name, 1024, 0, 0);
	}
	rx[3] = wire[0]; tx[3] = wire[1];
	rx[5] = wire[1]; tx[5] = wire[0];
	rx[4] = wire[2]; tx[4] = wire[3];
	rx[6] = wire[3]; tx[6] = wire[2];
	for (unsigned int p = 7; p < N_PORTS; p++) {
		char name[16];

		snprintf(name, sizeof(name), "rx%u", p);
		rx[p] = rte_ring_create(name, 1024, 0, 0);
		snprintf(name, sizeof(name), "tx%u", p);
		tx[p] = rte_ring_create(name, 1024, 0, 0);
	}
	for (unsigned int p = 0; p < N_PORTS; p++) {
		char name[32];

		snprintf(name, sizeof(name), "net_ring_eth%u", p);
		if (rte_eth_from_rings(name, &rx[p], 1, &tx[p], 1, 0) != (int)p)
			return -1;
	}
	if (dp_cfg_load(&cfg,
			"iface bond0 inet manual\n  bond-slaves eth1 eth2\n  bond-mode active-backup\n"
			"  bond-miimon 100\n  bond-downdelay 200\n  bond-updelay 300\n"
			"iface br0 inet manual\n  bridge-ports eth0 bond0\n"
			"iface bond1 inet manual\n  bond-slaves eth3 eth4\n  bond-mode 802.3ad\n"
			"  bond-miimon 100\n  bond-ad-actor-system 02:00:00:00:0b:01\n"
			"iface br1 inet manual\n  bridge-ports bond1\n"
			"iface bond2 inet manual\n  bond-slaves eth5 eth6\n  bond-mode 802.3ad\n"
			"  bond-miimon 100\n  bond-ad-actor-system 02:00:00:00:0b:02\n"
			"iface br2 inet manual\n  bridge-ports bond2\n"
			"iface bond3 inet manual\n  bond-slaves eth7 eth8\n  bond-mode balance-tlb\n"
			"  bond-miimon 100\n  bond-num-grat-arp 0\n"
			"iface br3 inet manual\n  bridge-ports eth9 bond3\n") < 0)
		return -1;
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
		cmocka_unit_test(test_warp_needs_allowing),
		cmocka_unit_test(test_failover),
		cmocka_unit_test(test_ageing),
		cmocka_unit_test(test_lacp_timeout),
		cmocka_unit_test(test_rebalance),
		cmocka_unit_test(test_every_mbuf_back),
	};

	return cmocka_run_group_tests_name("ctl_time", tests, setup, teardown);
}
