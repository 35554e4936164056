/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpb-bench: failover under load. A steady stream from the VM port through
 * the bridge and the bond, paced by the TSC from a stock of frames that go
 * round (what leaves a member goes back in: no frame is made while the
 * clock runs), then the first member's link taken down on its device, as a
 * NIC reports a pulled cable: dpbond learns of it at its next link poll,
 * and until then its frames go to the dead link. Reported:
 *
 *   lost            frames that left on the dead link after it went down
 *   last_on_dead_ms link down to the last of them (0: none): when dpbond
 *                   stopped sending there; active-backup's to_survivor_ms
 *                   beyond it is the switch itself
 *   to_survivor_ms  link down to the first frame on a survivor
 *                   (active-backup), or to the last frame on the dead link
 *                   (802.3ad: its flows then run on the others)
 *   bound_ms        one monitor interval plus one burst at the stream's rate
 *
 * The link comes up again after three monitor intervals (and 50 ms), and
 * the bond is let settle (802.3ad: LACP distributing again) before the next.
 */
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "bench.h"

#define STOCK 16384       /* frames going round */

struct fo {
	struct bench_rig *g;
	bool lacp;
	struct rte_ring *vm_in, *out[BENCH_MAX_MEMBERS];
	struct rte_mbuf *stash[STOCK];  /* in the order they came back: each frame goes round */
	unsigned int head, n_stash;
	double per_cycle;               /* frames due per TSC cycle */
	uint64_t start, released;
	uint64_t down_at, lost, first_survivor, last_on_down;
};

/* Frames due by now from the stock into the VM port. */
static void release(struct fo *f, uint64_t now)
{
	uint64_t due = (uint64_t)((double)(now - f->start) * f->per_cycle);
	unsigned int k, put;

	if (due <= f->released || f->n_stash == 0)
		return;
	k = f->n_stash < 256 ? f->n_stash : 256;
	if (due - f->released < k)
		k = (unsigned int)(due - f->released);
	if (k > STOCK - f->head)
		k = STOCK - f->head;   /* up to the array's end; the rest next turn */
	put = rte_ring_sp_enqueue_burst(f->vm_in, (void **)&f->stash[f->head], k, NULL);
	f->head = (f->head + put) % STOCK;
	f->n_stash -= put;
	f->released += put;
}

/* @m back in the stock, behind the others. */
static void stash(struct fo *f, struct rte_mbuf *m)
{
	f->stash[(f->head + f->n_stash++) % STOCK] = m;
}

/* What left the members: counted by member and time, back to the stock. */
static void collect(struct fo *f, uint64_t now)
{
	for (unsigned int i = 0; i < f->g->n; i++) {
		struct rte_mbuf *pkts[BENCH_BURST], *slow[2 * BENCH_BURST];
		unsigned int n, n_slow = 0;

		while ((n = rte_ring_sc_dequeue_burst(f->out[i], (void **)pkts, BENCH_BURST, NULL)) > 0) {
			for (unsigned int k = 0; k < n; k++) {
				struct rte_mbuf *m = pkts[k];
				const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);

				if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_SLOW)) {
					slow[n_slow++] = m;   /* LACPDUs: on to the partner */
					continue;
				}
				if (m->pool != f->g->pool) {   /* dpbond's own (announcements) */
					rte_pktmbuf_free(m);
					continue;
				}
				if (f->down_at && i == 0) {
					f->lost++;
					f->last_on_down = now;
				} else if (f->down_at && i != 0 && f->first_survivor == 0) {
					f->first_survivor = now;
				}
				stash(f, m);
			}
			if (n_slow >= BENCH_BURST)
				break;   /* the rest at the next turn */
		}
		if (n_slow)
			rte_ring_sp_enqueue_burst(f->out[i], (void **)slow, n_slow, NULL);
	}
}

/* One turn: frames in, a pass of dpbond, frames out, DPDK's bond L's turn. */
static void step(struct fo *f)
{
	struct bench_rig *g = f->g;
	uint64_t now = rte_get_tsc_cycles();

	release(f, now);
	dpb_ctl_run(g->ctl);
	collect(f, now);   /* before L reads its members: it gets the LACPDUs alone */
	if (f->lacp)
		bench_pmd_l_turn(g);
	bench_drain(f->lacp ? g->vml_out : g->vma_out);
}

static void run_for(struct fo *f, double ms)
{
	uint64_t end = rte_get_tsc_cycles() + (uint64_t)(ms * (double)rte_get_tsc_hz() / 1000);

	while (rte_get_tsc_cycles() < end)
		step(f);
}

/* Active-backup on bonda with ma0 active, or bondl distributing on every member. */
static int ready(struct bench_rig *g, bool lacp)
{
	struct dpb_strbuf sb;
	int rc;

	if (lacp) {
		for (int t = 0; t < 20; t++)
			if (bench_lacp_converse(g, 250))
				return 0;
		fprintf(stderr, "dpb-bench: failover: bondl not distributing on every member\n");
		return -1;
	}
	dpb_strbuf_init(&sb);
	rc = dpb_ctl_set_mode(g->ctl, "active-backup", "bonda", &sb);
	if (rc == 0)
		rc = dpb_ctl_set_primary(g->ctl, "ma0", "bonda", &sb);
	if (rc != 0)
		fprintf(stderr, "dpb-bench: failover: %s", dpb_strbuf_str(&sb));
	dpb_strbuf_free(&sb);
	dpb_ctl_run_for(g->ctl, 20);
	return rc;
}

int bench_failover(struct bench_rig *g, bool lacp, unsigned int miimon, double mpps)
{
	static struct fo f;
	struct bench_stream st = { .n = RTE_MIN(g->max_macs, 1024u) };
	uint16_t dead = lacp ? g->ml[0] : g->ma[0];
	double hz = (double)rte_get_tsc_hz(), bound_ms = miimon + BENCH_BURST / (mpps * 1e3);
	uint64_t t_end;
	int rc = 0;

	if (ready(g, lacp) < 0)
		return -1;
	memset(&f, 0, sizeof(f));
	f.g = g;
	f.lacp = lacp;
	f.vm_in = lacp ? g->vml_in : g->vma_in;
	for (unsigned int i = 0; i < g->n; i++)
		f.out[i] = lacp ? g->from_ml[i] : g->ma_out[i];
	/* The stock, made before the clock runs (through a ring: bench_gen's way). */
	while (f.n_stash < STOCK) {
		unsigned int want = STOCK - f.n_stash < BENCH_RING - 1 ? STOCK - f.n_stash : BENCH_RING - 1;
		unsigned int k = bench_gen(g->src_in, g->pool, &st, want);

		if (k == 0 ||
		    rte_ring_sc_dequeue_bulk(g->src_in, (void **)&f.stash[f.n_stash], k, NULL) != k) {
			fprintf(stderr, "dpb-bench: failover: no frames for the stock\n");
			rc = -1;
			goto out;
		}
		f.n_stash += k;
	}
	f.per_cycle = mpps * 1e6 / hz;
	f.start = rte_get_tsc_cycles();
	run_for(&f, 100);                       /* steady first */
	f.down_at = rte_get_tsc_cycles();
	rte_eth_dev_set_link_down(dead);
	run_for(&f, 3.0 * miimon + 50);
	t_end = rte_get_tsc_cycles();
	{
		uint64_t seen = lacp ? f.last_on_down : f.first_survivor;
		double to_ms = seen ? (double)(seen - f.down_at) * 1000 / hz : -1;
		double got = (double)f.released * hz / (double)(t_end - f.start) / 1e6;

		double dead_ms = f.lost ? (double)(f.last_on_down - f.down_at) * 1000 / hz : 0;

		printf("FAILOVER case=%s members=%u miimon=%u mpps=%.2f lost=%lu last_on_dead_ms=%.3f "
		       "to_survivor_ms=%.3f bound_ms=%.3f within=%s\n",
		       lacp ? "802.3ad" : "active-backup", g->n, miimon, got, (unsigned long)f.lost,
		       dead_ms, to_ms, bound_ms, seen && to_ms <= bound_ms ? "yes" : "no");
		fflush(stdout);
	}
	rte_eth_dev_set_link_up(dead);
	run_for(&f, 3.0 * miimon + 50);
out:
	/* The stock and what is still on its way, freed. */
	run_for(&f, 5);
	while (f.n_stash > 0) {
		rte_pktmbuf_free(f.stash[f.head]);
		f.head = (f.head + 1) % STOCK;
		f.n_stash--;
	}
	bench_drain(f.vm_in);
	for (unsigned int i = 0; i < g->n; i++)
		bench_drain_keep_slow(f.out[i]);
	return rc;
}
