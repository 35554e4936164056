/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpb-bench: what dpbond forwards on one core, against DPDK's own bonding
 * PMD and the no-bond ceiling, every case in one process, in rounds; within
 * a case a slice of each side in turn, so that a noisy machine weighs on all
 * alike (bench_rig.c draws the rig). For each number of members (2 and 4):
 *
 *   ceiling  frames from a ring port to another, each one's Ethernet header
 *            read (what any forwarder does): the I/O and the frame's cache
 *            lines, no bond, no bridge
 *   bond     the bond stage: a burst through dpbond's transmit for the mode
 *            (dpb_ctl_bond_xmit: members chosen, per-member bursts, no
 *            bridge), against DPDK's bond in the same mode and policy where
 *            it has them, both over net_null members (bondn and D); 802.3ad
 *            negotiated, dpbond's bondl and DPDK's mode-4 bond each other's
 *            partner over ring cables
 *   path     dpbond's whole path: the VM port's frames through the bridge
 *            (learned sources, destinations known in the FDB) and the bond
 *            to the members (tx), the wire's through the bond to the VM
 *            port (rx), or both at once; every mode at 1k MACs, and
 *            active-backup and 802.3ad at 1, 1k, 64k and 1M MACs a side
 *   flood    the path to a destination nobody has
 *   device   beside the bond stages with a frame out for a frame in on
 *            net_null members: src -> bondn's first member, no bond: what
 *            the devices cost, the most any bond stage could forward; each
 *            bond's own cycles a frame are its cycles beyond those
 *
 * Frames are made into rings before each timed slice and counted where they
 * leave (the members' or the VM port's transmit rings) after it; only the
 * forwarding is timed. Prints one line a case:
 *   BENCH case=MODE[-POLICY] stage=bond|path|flood members=N macs=N
 *     dir=tx|rx|both ours_mpps=X [pmd_mpps=Y] ceiling_mpps=Z
 *     [ours_vs_pmd=R] ours_vs_ceiling=R cycles_per_frame=C
 *     [device_mpps=D device_vs_pmd=R ours_bond_cycles=C pmd_bond_cycles=C]
 * medians over the rounds (ratios taken within each round). Not a test:
 * figures for doc/performance.md. Usage:
 *   dpb-bench [EAL options] -- [--seconds S] [--rounds R] [--members 2,4]
 *             [--macs 1,1k,64k,1M] [--mode MODE] [--stage bond|path|flood|failover|learn]
 *             [--no-failover] [--quick]
 * (--mode and --stage: only those cases, to look at one closely, without
 * the failover cases). Then, for each number of members, failover under
 * load (bench_failover.c): active-backup and 802.3ad at a steady 10 Mpps,
 * miimon 100 and 1, one FAILOVER line each; and first of all, learning at
 * full rate (a new source MAC each frame into an empty FDB): a LEARN line.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_eth_bond.h>
#include <rte_ethdev.h>
#include <rte_prefetch.h>

#include "bench.h"

#define MAX_ROUNDS 16
#define MAX_CASES 64
#define FAILOVER_MPPS 10.0   /* the steady stream of the failover cases */

enum stage { ST_BOND, ST_PATH, ST_FLOOD };

struct bcase {
	const char *mode, *policy;   /* dpbond's names; policy NULL: the mode's own */
	int pmd_mode, pmd_policy;    /* DPDK's BONDING_MODE_ and policy, -1: none */
	enum stage stage;
	enum bench_dir dir;
	uint32_t macs;
	double ours[MAX_ROUNDS], pmd[MAX_ROUNDS], ceil[MAX_ROUNDS], cpf[MAX_ROUNDS],
	       vs_pmd[MAX_ROUNDS], vs_ceil[MAX_ROUNDS];
	/* with has_device(): the devices alone (no bond), and each bond's cycles
	 * a frame beyond theirs */
	double dev[MAX_ROUNDS], dev_vs_pmd[MAX_ROUNDS], own[MAX_ROUNDS], pmd_own[MAX_ROUNDS];
};

static const struct {
	const char *mode, *policy;
	int pmd_mode, pmd_policy;
} modes[] = {
	{ "active-backup", NULL, BONDING_MODE_ACTIVE_BACKUP, -1 },
	{ "balance-rr", NULL, BONDING_MODE_ROUND_ROBIN, -1 },
	{ "balance-xor", "layer2", BONDING_MODE_BALANCE, BALANCE_XMIT_POLICY_LAYER2 },
	{ "balance-xor", "layer2+3", BONDING_MODE_BALANCE, BALANCE_XMIT_POLICY_LAYER23 },
	{ "balance-xor", "layer3+4", BONDING_MODE_BALANCE, BALANCE_XMIT_POLICY_LAYER34 },
	{ "balance-xor", "encap2+3", -1, -1 },
	{ "balance-xor", "encap3+4", -1, -1 },
	{ "balance-xor", "vlan+srcmac", -1, -1 },
	{ "broadcast", NULL, BONDING_MODE_BROADCAST, -1 },
	{ "802.3ad", NULL, BONDING_MODE_8023AD, BALANCE_XMIT_POLICY_LAYER2 },
	{ "balance-tlb", NULL, BONDING_MODE_TLB, -1 },
	{ "balance-alb", NULL, BONDING_MODE_ALB, -1 },
};

static struct {
	double secs;
	unsigned int rounds, n_members, members[2], n_macs;
	uint32_t macs[4];
	const char *mode;   /* only this mode's cases (--mode), or NULL */
	int stage;          /* only this stage's cases (--stage), or -1 */
	bool failover;      /* the failover cases (not with --mode/--stage, or --no-failover) */
	bool learn;         /* the learning case (not with --mode/--stage) */
} opt = { 0.2, 3, 2, { 2, 4 }, 4, { 1, 1024, 65536, 1048576 }, NULL, -1, true, true };

/* The stages' names; "failover" and "learn" (--stage): those cases alone. */
static const char *const stages[] = { "bond", "path", "flood", "failover", "learn" };

static bool is_lacp(const struct bcase *c)
{
	return strcmp(c->mode, "802.3ad") == 0;
}

static struct bcase *add(struct bcase *cs, unsigned int *n, unsigned int m, enum stage st,
			 enum bench_dir dir, uint32_t macs)
{
	static struct bcase skipped;
	struct bcase *c;

	if ((opt.mode && strcmp(opt.mode, modes[m].mode) != 0) || (opt.stage >= 0 && opt.stage != (int)st))
		return &skipped;
	c = &cs[(*n)++];
	memset(c, 0, sizeof(*c));
	c->mode = modes[m].mode;
	c->policy = modes[m].policy;
	c->pmd_mode = st == ST_BOND ? modes[m].pmd_mode : -1;
	c->pmd_policy = modes[m].pmd_policy;
	c->stage = st;
	c->dir = dir;
	c->macs = macs;
	return c;
}

/* The cases, grouped by mode so that bonds change mode once a round. */
static unsigned int make_cases(struct bcase *cs)
{
	unsigned int n = 0;

	for (unsigned int m = 0; m < RTE_DIM(modes); m++) {
		bool sweep = strcmp(modes[m].mode, "active-backup") == 0 ||
			     strcmp(modes[m].mode, "802.3ad") == 0;

		add(cs, &n, m, ST_BOND, DIR_TX, 1024);
		if (!sweep) {
			add(cs, &n, m, ST_PATH, DIR_TX, 1024);
			continue;
		}
		for (unsigned int k = 0; k < opt.n_macs; k++)
			for (int d = DIR_TX; d <= DIR_BOTH; d++)
				add(cs, &n, m, ST_PATH, (enum bench_dir)d, opt.macs[k]);
		if (m == 0)
			add(cs, &n, m, ST_FLOOD, DIR_TX, 1024);
	}
	return n;
}

struct meas {
	uint64_t frames, cycles;
};

static uint64_t budget(void)
{
	return (uint64_t)(opt.secs * (double)rte_get_tsc_hz());
}

/* Frames out of a bond's members: dpbond's bonda or bondl, or DPDK's L (D's are counted). */
static uint64_t drain_members(struct bench_rig *g, bool lacp, bool pmd)
{
	uint64_t n = 0;

	for (unsigned int i = 0; i < g->n; i++)
		n += pmd ? bench_drain_keep_slow(g->to_ml[i])
			 : (lacp ? bench_drain_keep_slow(g->from_ml[i]) : bench_drain(g->ma_out[i]));
	return n;
}

static volatile uint8_t sink_byte;

/* Reads each frame's destination MAC. */
static void touch(struct rte_mbuf **pkts, uint16_t n)
{
	uint8_t x = 0;

	for (uint16_t i = 0; i < n; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (uint16_t i = 0; i < n; i++)
		x ^= rte_pktmbuf_mtod(pkts[i], const uint8_t *)[5];
	sink_byte = x;
}

/*
 * One timed slice of the bond stage: src -> sink (@to < 0 and @handle < 0),
 * src -> DPDK's bond @to, src -> dpbond's bond of handle @handle, or src ->
 * bondn's first member @to itself (no bond: what the devices cost).
 */
static void stage_slice(struct bench_rig *g, int to, int handle, bool lacp,
			struct bench_stream *st, struct meas *m)
{
	struct rte_mbuf *pkts[BENCH_BURST];
	bool ours = handle >= 0 || (to >= 0 && to == g->mn[0]);   /* counted on bondn's members */
	uint64_t t0, d_sent;
	uint16_t n;

	bench_gen(g->src_in, g->pool, st, BENCH_SLICE);
	d_sent = bench_null_sent(g, ours);
	t0 = rte_get_tsc_cycles();
	while ((n = rte_eth_rx_burst(g->src, 0, pkts, BENCH_BURST)) > 0) {
		uint16_t k = n;

		if (handle >= 0) {
			if (dpb_ctl_bond_xmit(g->ctl, handle, pkts, n) < 0)
				k = 0;   /* not taken: freed below */
		} else {
			if (to < 0)   /* the ceiling reads each header, as any forwarder must */
				touch(pkts, n);
			k = rte_eth_tx_burst(to < 0 ? g->sink : (uint16_t)to, 0, pkts, n);
		}
		if (k < n)
			rte_pktmbuf_free_bulk(pkts + k, n - k);
	}
	m->cycles += rte_get_tsc_cycles() - t0;
	if (to < 0 && handle < 0)
		m->frames += bench_drain(g->sink_out);
	else if (!lacp)   /* DPDK's D, dpbond's bondn: their net_null members count */
		m->frames += bench_null_sent(g, ours) - d_sent;
	else
		m->frames += drain_members(g, lacp, !ours);
	if (lacp)
		bench_lacp_converse(g, 1);
}

/* "Learning requests lost" of `show drops`, or 0. */
static uint64_t learn_lost(struct bench_rig *g)
{
	struct dpb_strbuf sb;
	const char *p;
	uint64_t n = 0;

	dpb_strbuf_init(&sb);
	if (dpb_ctl_show_drops(g->ctl, &sb) == 0 &&
	    (p = strstr(dpb_strbuf_str(&sb), "Learning requests lost")) != NULL &&
	    (p = strstr(p, "): ")) != NULL)
		n = strtoull(p + 3, NULL, 10);
	dpb_strbuf_free(&sb);
	return n;
}

/*
 * Learning at full rate, on bra's empty FDB: hosts [0, @n) behind the VM
 * port each send one frame (to nobody: flooded), as fast as dpbond takes
 * them, and dpbond runs on until the FDB has them all or learns nothing
 * more for 5 ms; only dpbond's turns are timed. Prints a LEARN line: the
 * stream's rate, the entries learned, the requests the learning ring lost
 * (a host that sends again asks again), and the entries learned per second
 * (to the last one learned).
 */
static void learn_rate(struct bench_rig *g, uint32_t n)
{
	struct bench_stream st = { .n = 1, .flood = true, .fresh = true };
	uint64_t cycles = 0, stream, lost0 = learn_lost(g), hz = rte_get_tsc_hz();
	unsigned int have0 = (unsigned int)dpb_ctl_fdb_entries(g->ctl, "bra"), have;
	double secs;

	while (st.k < n && cycles < 5 * hz) {
		uint64_t t0;

		bench_gen(g->vma_in, g->pool, &st, (unsigned int)RTE_MIN((uint64_t)BENCH_SLICE, n - st.k));
		t0 = rte_get_tsc_cycles();
		while (rte_ring_count(g->vma_in) != 0)
			dpb_ctl_run(g->ctl);
		cycles += rte_get_tsc_cycles() - t0;
		drain_members(g, false, false);
		bench_drain(g->vma_out);
	}
	stream = cycles;
	/* Then on until what was asked is learned, or nothing more comes for 5 ms. */
	{
		uint64_t t0 = rte_get_tsc_cycles(), last = t0;
		int was = dpb_ctl_fdb_entries(g->ctl, "bra");

		while (rte_get_tsc_cycles() - last < 5 * hz / 1000 &&
		       (unsigned int)was < have0 + (unsigned int)st.k) {
			int now;

			dpb_ctl_run(g->ctl);
			if ((now = dpb_ctl_fdb_entries(g->ctl, "bra")) != was) {
				was = now;
				last = rte_get_tsc_cycles();
			}
		}
		cycles += last - t0;
	}
	have = (unsigned int)dpb_ctl_fdb_entries(g->ctl, "bra") - have0;
	secs = (double)cycles / (double)hz;
	printf("LEARN members=%u macs=%lu stream_mpps=%.2f learned=%u lost_requests=%lu "
	       "learned_per_s=%.0f\n", g->n, (unsigned long)st.k,
	       stream ? (double)st.k * (double)hz / (double)stream / 1e6 : 0, have,
	       (unsigned long)(learn_lost(g) - lost0), secs > 0 ? have / secs : 0);
	fflush(stdout);
}

/* One timed slice of dpbond's whole path for case @c, from streams @tx and @rx. */
static void path_slice(struct bench_rig *g, const struct bcase *c, struct bench_stream *tx,
		       struct bench_stream *rx, struct meas *m)
{
	bool lacp = is_lacp(c);
	struct rte_ring *vm_in = lacp ? g->vml_in : g->vma_in, *vm_out = lacp ? g->vml_out : g->vma_out;
	uint64_t t0;
	bool busy = true;

	if (c->dir != DIR_RX)
		bench_gen(vm_in, g->pool, tx, BENCH_SLICE);
	/* the wire sends to active-backup's active member, to every 802.3ad port */
	for (unsigned int i = 0; c->dir != DIR_TX && i < (lacp ? g->n : 1); i++)
		bench_gen(lacp ? g->to_ml[i] : g->ma_in[i], g->pool, rx,
			  BENCH_SLICE / (lacp ? g->n : 1));
	t0 = rte_get_tsc_cycles();
	while (busy) {
		dpb_ctl_run(g->ctl);
		busy = rte_ring_count(vm_in) != 0;
		for (unsigned int i = 0; i < g->n && !busy; i++)
			busy = rte_ring_count(lacp ? g->to_ml[i] : g->ma_in[i]) != 0;
		if (busy && rte_get_tsc_cycles() - t0 > rte_get_tsc_hz()) {
			fprintf(stderr, "dpb-bench: warning: %s: dpbond left frames unread for 1 s\n",
				c->mode);
			break;
		}
	}
	m->cycles += rte_get_tsc_cycles() - t0;
	m->frames += drain_members(g, lacp, false) + bench_drain(vm_out);
	if (lacp)
		bench_lacp_converse(g, 1);
}

/* Whether case @c also measures the devices alone, to tell each bond's own cycles. */
static bool has_device(const struct bcase *c)
{
	/* net_null members on both sides, a frame out for a frame in */
	return c->stage == ST_BOND && c->pmd_mode >= 0 && !is_lacp(c) &&
	       strcmp(c->mode, "broadcast") != 0;
}

/*
 * Case @c once: the ceiling (@cm), dpbond (@om), DPDK's bond where it has
 * the case (@pm) and the devices alone where that tells something (@dm), a
 * slice of each in turn until each has run its time, so that whatever else
 * the machine does weighs on all alike. @return 0, or -1 (no such bond).
 */
static int run_case(struct bench_rig *g, const struct bcase *c, struct meas *cm,
		    struct meas *om, struct meas *pm, struct meas *dm)
{
	bool lacp = is_lacp(c), pmd = c->pmd_mode >= 0, dev = has_device(c);
	int handle = c->stage == ST_BOND ? dpb_ctl_bond_handle(g->ctl, lacp ? "bondl" : "bondn") : -1;
	struct bench_stream cst = { .n = 1024 }, ost = { .n = 1024 }, pst = { .n = 1024 },
			    dst = { .n = 1024 };
	struct bench_stream tx = { .n = c->macs, .flood = c->stage == ST_FLOOD };
	struct bench_stream rx = { .n = c->macs, .from_wire = true };
	uint64_t b = budget();

	if (c->stage == ST_BOND && handle < 0) {
		fprintf(stderr, "dpb-bench: no bond %s in dpbond\n", lacp ? "bondl" : "bondn");
		return -1;
	}

	/* The ceiling, much the fastest, runs a quarter of the time (frames are
	 * made for every slice, which takes longer than forwarding them), its
	 * slices spread over the case: one whenever it falls behind dpbond.
	 * The others take turns in an order that rotates, so that none always
	 * follows the same one (what a slice leaves in the caches and the
	 * pool's free list weighs on the next). */
	for (unsigned int turn = 0; cm->cycles < b / 4 || om->cycles < b ||
				    (pmd && pm->cycles < b) || (dev && dm->cycles < b); turn++) {
		if (cm->cycles < b / 4 && (cm->cycles * 4 <= om->cycles || om->cycles >= b))
			stage_slice(g, -1, -1, false, &cst, cm);
		for (unsigned int k = 0; k < 3; k++) {
			switch ((turn + k) % 3) {
			case 0:
				if (om->cycles >= b)
					break;
				if (c->stage == ST_BOND)
					stage_slice(g, -1, handle, lacp, &ost, om);
				else
					path_slice(g, c, &tx, &rx, om);
				break;
			case 1:
				if (pmd && pm->cycles < b)
					stage_slice(g, lacp ? g->bond_l : g->bond_d, -1, lacp, &pst, pm);
				break;
			default:
				if (dev && dm->cycles < b)
					stage_slice(g, g->mn[0], -1, false, &dst, dm);
				break;
			}
		}
	}
	return 0;
}

/* Cycles a frame of @m, or 0. */
static double cpf(const struct meas *m)
{
	return m->frames ? (double)m->cycles / (double)m->frames : 0;
}

static double mpps(const struct meas *m)
{
	return m->cycles ? (double)m->frames * (double)rte_get_tsc_hz() / (double)m->cycles / 1e6 : 0;
}

/* Bonda (and DPDK's D) in @c's mode and policy. @return 0 or -1. */
static int set_mode(struct bench_rig *g, const struct bcase *c)
{
	struct dpb_strbuf sb;
	int rc = 0;

	if (is_lacp(c))
		return 0;
	dpb_strbuf_init(&sb);
	for (int b = 0; b < 2 && rc == 0; b++) {
		const char *bond = b ? "bondn" : "bonda";

		rc = dpb_ctl_set_mode(g->ctl, c->mode, bond, &sb);
		if (rc == 0)
			rc = dpb_ctl_set_hash_policy(g->ctl, c->policy ? c->policy : "layer2", bond, &sb);
	}
	/* active-backup on ma0, where the wire's frames arrive */
	if (rc == 0 && strcmp(c->mode, "active-backup") == 0)
		rc = dpb_ctl_set_primary(g->ctl, "ma0", "bonda", &sb);
	if (rc != 0)
		fprintf(stderr, "dpb-bench: %s", dpb_strbuf_str(&sb));
	dpb_strbuf_free(&sb);
	if (rc == 0 && c->pmd_mode >= 0)
		rc = bench_pmd_mode(g, (uint8_t)c->pmd_mode,
				    (uint8_t)(c->pmd_policy < 0 ? 0 : c->pmd_policy));
	dpb_ctl_run_for(g->ctl, 20);
	drain_members(g, false, false);   /* the announcements of the change */
	return rc;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(const double *v, unsigned int n)
{
	double s[MAX_ROUNDS];

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp);
	return n ? s[n / 2] : 0;
}

static void report(const struct bcase *c, unsigned int members)
{
	static const char *const dirs[] = { "tx", "rx", "both" };

	printf("BENCH case=%s%s%s stage=%s members=%u macs=%u dir=%s ours_mpps=%.2f", c->mode,
	       c->policy ? "-" : "", c->policy ? c->policy : "", stages[c->stage], members, c->macs,
	       dirs[c->dir], median(c->ours, opt.rounds));
	if (c->pmd_mode >= 0)
		printf(" pmd_mpps=%.2f", median(c->pmd, opt.rounds));
	printf(" ceiling_mpps=%.2f", median(c->ceil, opt.rounds));
	if (c->pmd_mode >= 0)
		printf(" ours_vs_pmd=%.2f", median(c->vs_pmd, opt.rounds));
	printf(" ours_vs_ceiling=%.2f cycles_per_frame=%.1f", median(c->vs_ceil, opt.rounds),
	       median(c->cpf, opt.rounds));
	if (has_device(c))
		printf(" device_mpps=%.2f device_vs_pmd=%.2f ours_bond_cycles=%.1f pmd_bond_cycles=%.1f",
		       median(c->dev, opt.rounds), median(c->dev_vs_pmd, opt.rounds),
		       median(c->own, opt.rounds), median(c->pmd_own, opt.rounds));
	printf("\n");
}

/* Every case for @members, opt.rounds times over. @return 0 or -1. */
static int phase(unsigned int members)
{
	static struct bcase cs[MAX_CASES];
	unsigned int n = make_cases(cs);
	uint32_t max_macs = opt.macs[opt.n_macs - 1];
	struct bench_rig g;
	unsigned int have;

	if (bench_rig_up(&g, members, max_macs) < 0) {
		bench_rig_down(&g);
		return -1;
	}
	if (opt.learn)
		learn_rate(&g, max_macs);
	for (int l = 0; l < 2; l++) {
		have = bench_learn(&g, l, max_macs);
		fprintf(stderr, "dpb-bench: %u members: %s learned %u MACs of %u\n", members,
			l ? "brl" : "bra", have, 2 * max_macs);
	}
	for (unsigned int r = 0; r < opt.rounds; r++) {
		const char *mode = NULL, *policy = NULL;

		for (unsigned int k = 0; k < n; k++) {
			struct bcase *c = &cs[k];
			struct meas cm = { 0, 0 }, om = { 0, 0 }, pm = { 0, 0 }, dm = { 0, 0 };

			if (mode != c->mode || policy != c->policy) {
				if (set_mode(&g, c) < 0)
					goto out;
				mode = c->mode;
				policy = c->policy;
			}
			if (run_case(&g, c, &cm, &om, &pm, &dm) < 0)
				goto out;
			c->ceil[r] = mpps(&cm);
			c->ours[r] = mpps(&om);
			c->pmd[r] = mpps(&pm);
			c->cpf[r] = cpf(&om);
			c->dev[r] = mpps(&dm);
			c->dev_vs_pmd[r] = c->pmd[r] > 0 ? c->dev[r] / c->pmd[r] : 0;
			c->own[r] = cpf(&om) - cpf(&dm);
			c->pmd_own[r] = cpf(&pm) - cpf(&dm);
			c->vs_pmd[r] = c->pmd[r] > 0 ? c->ours[r] / c->pmd[r] : 0;
			c->vs_ceil[r] = c->ceil[r] > 0 ? c->ours[r] / c->ceil[r] : 0;
			bench_lacp_converse(&g, 2);   /* LACPDUs both ways between cases */
		}
		fprintf(stderr, "dpb-bench: %u members: round %u of %u done\n", members, r + 1, opt.rounds);
	}
	if (!bench_lacp_converse(&g, 10))
		fprintf(stderr, "dpb-bench: warning: 802.3ad no longer distributing at the end\n");
	for (unsigned int k = 0; k < n; k++)
		report(&cs[k], members);
	fflush(stdout);

	bench_rig_down(&g);
	return 0;
out:
	bench_rig_down(&g);
	return -1;
}

/*
 * Failover under load for @members, on a rig of its own with 1k hosts a
 * side (a stream of 10 Mpps must not wait on FDB misses): miimon 100, then
 * 1 (the file reloaded). @return 0 or -1.
 */
static int failover_phase(unsigned int members)
{
	struct bench_rig g;
	int rc = 0;

	if (bench_rig_up(&g, members, 1024) < 0) {
		bench_rig_down(&g);
		return -1;
	}
	for (int l = 0; l < 2; l++)
		bench_learn(&g, l, 1024);
	for (unsigned int m = 0; m < 2 && rc == 0; m++) {
		unsigned int miimon = m ? 1 : 100;

		rc = bench_set_miimon(&g, miimon);
		for (int l = 0; l < 2 && rc == 0; l++)
			rc = bench_failover(&g, l, miimon, FAILOVER_MPPS);
	}
	bench_rig_down(&g);
	return rc;
}

/* "1,1k,64k,1M" into @v (at most @max). @return how many, or 0 when malformed. */
static unsigned int parse_list(const char *s, uint32_t *v, unsigned int max)
{
	unsigned int n = 0;

	while (*s && n < max) {
		char *end;
		unsigned long x = strtoul(s, &end, 10);

		if (end == s)
			return 0;
		if (*end == 'k') {
			x *= 1024;
			end++;
		} else if (*end == 'M') {
			x *= 1048576;
			end++;
		}
		if (x == 0 || x > 1048576 || (*end != ',' && *end != '\0'))
			return 0;
		v[n++] = (uint32_t)x;
		s = *end ? end + 1 : end;
	}
	return *s ? 0 : n;
}

static int stage_named(const char *name)
{
	for (unsigned int i = 0; i < RTE_DIM(stages); i++)
		if (strcmp(name, stages[i]) == 0)
			return (int)i;
	return -1;
}

static int options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "members", required_argument, NULL, 'm' },
		{ "macs", required_argument, NULL, 'M' },
		{ "quick", no_argument, NULL, 'q' },
		{ "mode", required_argument, NULL, 'o' },
		{ "stage", required_argument, NULL, 'S' },
		{ "no-failover", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	uint32_t mem[2];
	int o;

	while ((o = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (o == 's' && atof(optarg) > 0) {
			opt.secs = atof(optarg);
		} else if (o == 'r' && atoi(optarg) > 0) {
			opt.rounds = RTE_MIN((unsigned int)atoi(optarg), (unsigned int)MAX_ROUNDS);
		} else if (o == 'm' && (opt.n_members = parse_list(optarg, mem, 2)) > 0 &&
			   (mem[0] == 2 || mem[0] == 4) && (opt.n_members == 1 || mem[1] == 2 || mem[1] == 4)) {
			opt.members[0] = mem[0];
			opt.members[1] = mem[1];
		} else if (o == 'M' && (opt.n_macs = parse_list(optarg, opt.macs, 4)) > 0) {
			continue;
		} else if (o == 'o') {
			opt.mode = optarg;
			opt.failover = opt.learn = false;
		} else if (o == 'S' && (opt.stage = stage_named(optarg)) >= 0) {
			opt.failover = strcmp(optarg, "failover") == 0;
			opt.learn = strcmp(optarg, "learn") == 0;
		} else if (o == 'F') {
			opt.failover = false;
		} else if (o == 'q') {
			/* a smoke run: every case once, briefly */
			opt.secs = 0.005;
			opt.rounds = 1;
			opt.n_macs = 2;
			opt.macs[1] = 1024;
		} else {
			fprintf(stderr, "usage: dpb-bench [EAL options] -- [--seconds S] [--rounds R] "
					"[--members 2,4] [--macs 1,1k,64k,1M] [--mode MODE] "
					"[--stage bond|path|flood|failover|learn] [--no-failover] [--quick]\n");
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	int ret = rte_eal_init(argc, argv), rc = 0;

	if (ret < 0)
		return 1;
	if (options(argc - ret, argv + ret) < 0) {
		rte_eal_cleanup();
		return 2;
	}
	printf("dpb-bench: %u rounds of %.3f s per case and side, one core, 64-byte frames, burst %d\n",
	       opt.rounds, opt.secs, BENCH_BURST);
	for (unsigned int i = 0; i < opt.n_members && rc == 0; i++) {
		rc = phase(opt.members[i]);
		if (rc == 0 && opt.failover)
			rc = failover_phase(opt.members[i]);
	}
	rte_eal_cleanup();
	return rc == 0 ? 0 : 1;
}
