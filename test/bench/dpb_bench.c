/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpb-bench: forwarding rate on one core, three ways, in one process and
 * interleaved rounds so that a noisy machine affects all alike:
 *
 *   ceiling   net_null rx -> net_null tx, nothing in between
 *   touch     the same, reading each frame's Ethernet header (what any
 *             bridge must do; the others above and below do not)
 *   dpdk-bond net_null rx -> DPDK's bonding PMD over two net_null members,
 *             in each mode both have (active-backup, balance-rr, balance-xor
 *             layer2, broadcast, balance-tlb)
 *   dpbond    net_null rx -> dpbond's appliance path: bridge (learn check,
 *             FDB lookup, flood) -> bond in the same mode -> member tx
 *   vlan      dpbond in active-backup behind a VLAN-aware bridge, the source
 *             and the bond both access ports of VLAN 100: every frame takes
 *             the VLAN path (classification, filtering, FDB by VLAN, flood
 *             by VLAN) but no tag is pushed, since net_null hands out the
 *             same buffers again and a pushed tag would rewrite them; against
 *             the plain active-backup bridge in the same rounds
 *
 * Prints Mpps (frames taken in and sent on), TSC cycles per frame and the
 * ratios. Not a test: numbers for
 * doc/performance.md. Usage:
 *   dpb-bench [EAL options] -- [--seconds S] [--rounds R]
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_eth_bond.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "dpb_cfg.h"
#include "dpb_ctl.h"

#define BURST 32

struct result {
	double mpps[16];
	double cpp[16];
	unsigned int n;
};

static struct rte_mempool *pool;

static int start_port(uint16_t pid)
{
	struct rte_eth_conf conf;

	memset(&conf, 0, sizeof(conf));
	if (rte_eth_dev_configure(pid, 1, 1, &conf) < 0 ||
	    rte_eth_rx_queue_setup(pid, 0, 1024, 0, NULL, pool) < 0 ||
	    rte_eth_tx_queue_setup(pid, 0, 1024, 0, NULL) < 0 || rte_eth_dev_start(pid) < 0)
		return -1;
	return 0;
}

static uint16_t probe(const char *devargs)
{
	uint16_t pid;
	char name[32];

	snprintf(name, sizeof(name), "%.*s", (int)strcspn(devargs, ","), devargs);
	if (rte_dev_probe(devargs) < 0 || rte_eth_dev_get_port_by_name(name, &pid) != 0) {
		fprintf(stderr, "cannot probe %s\n", devargs);
		exit(1);
	}
	return pid;
}

static volatile uint8_t sink;

/* rx on @src, tx on @dst, for @secs (reading each frame's destination MAC
 * when @touch); @return packets sent. */
static uint64_t pump(uint16_t src, uint16_t dst, double secs, bool touch, uint64_t *cycles)
{
	struct rte_mbuf *pkts[BURST];
	uint64_t hz = rte_get_tsc_hz(), t0 = rte_get_tsc_cycles(), end = t0 + (uint64_t)(secs * hz);
	uint64_t sent = 0, now;

	do {
		uint16_t n = rte_eth_rx_burst(src, 0, pkts, BURST);
		uint16_t k;

		if (touch) {
			uint8_t x = 0;

			for (uint16_t i = 0; i < n; i++)
				rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
			for (uint16_t i = 0; i < n; i++)
				x ^= rte_pktmbuf_mtod(pkts[i], const uint8_t *)[5];
			sink = x;
		}
		k = rte_eth_tx_burst(dst, 0, pkts, n);

		if (k < n)
			rte_pktmbuf_free_bulk(pkts + k, n - k);
		sent += k;
		now = rte_get_tsc_cycles();
	} while (now < end);
	*cycles = now - t0;
	return sent;
}

static void record(struct result *r, uint64_t pkts, uint64_t cycles)
{
	double secs = (double)cycles / (double)rte_get_tsc_hz();

	r->mpps[r->n] = (double)pkts / secs / 1e6;
	r->cpp[r->n] = pkts ? (double)cycles / (double)pkts : 0;
	r->n++;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp);
	return n ? v[n / 2] : 0;
}

/* Every mbuf of @mp carries a valid Ethernet header where rx will put data:
 * net_null does not write packet data. */
static void fill_frame(struct rte_mempool *mp, void *arg, void *obj, unsigned int idx)
{
	static const uint8_t frame[14] = {
		0x02, 0, 0, 0, 0x02, 0x02,  /* dst: unknown, flooded */
		0x02, 0, 0, 0, 0x01, 0x01,  /* src: learned once */
		0x88, 0xb5,
	};
	struct rte_mbuf *m = obj;

	(void)mp;
	(void)arg;
	(void)idx;
	memcpy((uint8_t *)m->buf_addr + RTE_PKTMBUF_HEADROOM, frame, sizeof(frame));
}

/* dpbond's pools, one per NUMA node (dpb_mbufs_s0, ...): every mbuf filled. */
static void fill_dpbond_pool(struct rte_mempool *mp, void *arg)
{
	(void)arg;
	if (strncmp(mp->name, "dpb_mbufs_s", 11) == 0)
		rte_mempool_obj_iter(mp, fill_frame, NULL);
}

static const struct {
	const char *name;       /* dpbond's mode name */
	uint8_t dpdk_mode;      /* DPDK's BONDING_MODE_* */
} modes[] = {
	{ "active-backup", BONDING_MODE_ACTIVE_BACKUP },
	{ "balance-rr", BONDING_MODE_ROUND_ROBIN },
	{ "balance-xor", BONDING_MODE_BALANCE },
	{ "broadcast", BONDING_MODE_BROADCAST },
	{ "balance-tlb", BONDING_MODE_TLB },
};
#define N_MODES (sizeof(modes) / sizeof(modes[0]))

static uint64_t ipackets(uint16_t pid)
{
	struct rte_eth_stats st;

	rte_eth_stats_get(pid, &st);
	return st.ipackets;
}

static uint16_t dpdk_bond(unsigned int k)
{
	char name[32], m[2][32];
	uint16_t members[2];
	int bond;

	snprintf(name, sizeof(name), "net_bonding%u", k);
	for (int i = 0; i < 2; i++) {
		snprintf(m[i], sizeof(m[i]), "net_null%u,no-rx=1", 20 + 2 * k + (unsigned int)i);
		members[i] = probe(m[i]);
	}
	bond = rte_eth_bond_create(name, modes[k].dpdk_mode, 0);
	if (bond < 0 || rte_eth_bond_slave_add((uint16_t)bond, members[0]) ||
	    rte_eth_bond_slave_add((uint16_t)bond, members[1]) || start_port((uint16_t)bond)) {
		fprintf(stderr, "DPDK bond in mode %s: setup failed\n", modes[k].name);
		exit(1);
	}
	return (uint16_t)bond;
}

/* dpbond on src0 and bond0 = m0 + m1 (active-backup); VLAN-aware: both access ports of VLAN 100. */
static struct dpb_ctl *dpbond(bool vlan)
{
	static struct dpb_cfg cfg;
	char path[] = "/tmp/dpb-bench-XXXXXX";
	struct dpb_ctl *ctl;
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	fprintf(f, "iface src0 inet manual\n  dpdk-devargs net_null5\n%s"
		   "iface m0 inet manual\n  dpdk-devargs net_null6,no-rx=1\n"
		   "iface m1 inet manual\n  dpdk-devargs net_null7,no-rx=1\n"
		   "iface bond0 inet manual\n  bond-slaves m0 m1\n  bond-mode active-backup\n"
		   "  bond-miimon 100\n%s"
		   "iface br0 inet manual\n  bridge-ports src0 bond0\n%s",
		vlan ? "  bridge-access 100\n" : "", vlan ? "  bridge-access 100\n" : "",
		vlan ? "  bridge-vlan-aware yes\n" : "");
	fclose(f);
	if (dpb_cfg_load(&cfg, path, NULL, 0) < 0) {
		dpb_cfg_print_diags(&cfg, stderr);
		exit(1);
	}
	unlink(path);
	ctl = dpb_ctl_create(&cfg);
	if (ctl == NULL)
		exit(1);
	rte_mempool_walk(fill_dpbond_pool, NULL);
	return ctl;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "rounds", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct result ceil = { .n = 0 }, touch = { .n = 0 };
	struct result pmd[N_MODES], dpb[N_MODES], vl[2];
	uint16_t c_src, c_dst, b_src, bonds[N_MODES], d_src;
	double secs = 2, cm, tm;
	unsigned int rounds = 3;
	int ret = rte_eal_init(argc, argv), opt;
	struct dpb_ctl *ctl;

	if (ret < 0)
		return 1;
	argc -= ret;
	argv += ret;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 's')
			secs = atof(optarg);
		else if (opt == 'r')
			rounds = (unsigned int)atoi(optarg);
		else
			return 2;
	}
	if (rounds > 16)
		rounds = 16;
	memset(pmd, 0, sizeof(pmd));
	memset(dpb, 0, sizeof(dpb));
	memset(vl, 0, sizeof(vl));
	pool = rte_pktmbuf_pool_create("bench", 16383, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (pool == NULL)
		return 1;
	c_src = probe("net_null0");
	c_dst = probe("net_null1,no-rx=1");
	b_src = probe("net_null2");
	if (start_port(c_src) || start_port(c_dst) || start_port(b_src))
		return 1;
	for (unsigned int k = 0; k < N_MODES; k++)
		bonds[k] = dpdk_bond(k);
	ctl = dpbond(false);
	rte_eth_dev_get_port_by_name("net_null5", &d_src);

	printf("dpb-bench: %u rounds of %.1f s per case, one core, 64-byte frames, burst %d\n",
	       rounds, secs, BURST);
	for (unsigned int r = 0; r < rounds; r++) {
		uint64_t cyc, pkts, before, t0;

		pkts = pump(c_src, c_dst, secs, false, &cyc);
		record(&ceil, pkts, cyc);
		pkts = pump(c_src, c_dst, secs, true, &cyc);
		record(&touch, pkts, cyc);
		for (unsigned int k = 0; k < N_MODES; k++) {
			struct dpb_strbuf sb;

			pkts = pump(b_src, bonds[k], secs, false, &cyc);
			record(&pmd[k], pkts, cyc);
			dpb_strbuf_init(&sb);
			if (dpb_ctl_set_mode(ctl, modes[k].name, "bond0", &sb) < 0)
				return 1;
			dpb_strbuf_free(&sb);
			dpb_ctl_run_for(ctl, 50);   /* settle: learning, a miimon tick */
			before = ipackets(d_src);
			t0 = rte_get_tsc_cycles();
			dpb_ctl_run_for(ctl, (unsigned int)(secs * 1000));
			cyc = rte_get_tsc_cycles() - t0;
			record(&dpb[k], ipackets(d_src) - before, cyc);
		}
		printf("round %u done\n", r + 1);
		fflush(stdout);
	}
	cm = median(ceil.mpps, ceil.n);
	tm = median(touch.mpps, touch.n);
	printf("\nceiling %.2f Mpps (%.1f cycles/frame); touch %.2f Mpps (%.1f cycles/frame)\n\n",
	       cm, median(ceil.cpp, ceil.n), tm, median(touch.cpp, touch.n));
	printf("%-14s %12s %10s %12s %10s %16s %12s\n", "mode", "dpdk-bond", "cyc/frame",
	       "dpbond", "cyc/frame", "dpbond/dpdk-bond", "dpbond/ceil");
	for (unsigned int k = 0; k < N_MODES; k++) {
		double pm = median(pmd[k].mpps, pmd[k].n), dm = median(dpb[k].mpps, dpb[k].n);

		printf("%-14s %12.2f %10.1f %12.2f %10.1f %16.2f %12.2f\n", modes[k].name, pm,
		       median(pmd[k].cpp, pmd[k].n), dm, median(dpb[k].cpp, dpb[k].n), dm / pm,
		       dm / cm);
	}
	dpb_ctl_destroy(ctl);

	/* The VLAN path against the plain one, each round on a fresh appliance. */
	for (unsigned int r = 0; r < rounds; r++) {
		for (int vlan = 0; vlan < 2; vlan++) {
			uint64_t before, t0, cyc;

			ctl = dpbond(vlan);
			rte_eth_dev_get_port_by_name("net_null5", &d_src);
			dpb_ctl_run_for(ctl, 50);
			before = ipackets(d_src);
			t0 = rte_get_tsc_cycles();
			dpb_ctl_run_for(ctl, (unsigned int)(secs * 1000));
			cyc = rte_get_tsc_cycles() - t0;
			record(&vl[vlan], ipackets(d_src) - before, cyc);
			if (dpb_ctl_destroy(ctl) < 0)
				return 1;
		}
	}
	printf("\n%-34s %10.2f Mpps %6.1f cyc/frame\n%-34s %10.2f Mpps %6.1f cyc/frame  (%.2f of plain)\n",
	       "active-backup, plain bridge", median(vl[0].mpps, vl[0].n), median(vl[0].cpp, vl[0].n),
	       "active-backup, VLAN-aware (access)", median(vl[1].mpps, vl[1].n),
	       median(vl[1].cpp, vl[1].n), median(vl[1].mpps, vl[1].n) / median(vl[0].mpps, vl[0].n));
	rte_eal_cleanup();
	return 0;
}
