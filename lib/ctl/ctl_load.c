/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `show worker stats` and `clear worker stats`: each poller's load (busy and
 * idle cycles, frames per burst, cycles per frame) since the start or the
 * last clear. The workers' counters are never written here: a clear keeps
 * what they read as a base, as `clear port stats all` does. Control lcore.
 */
#include <rte_cycles.h>

#include "ctl_priv.h"

/* Poller @w's counters as they stand, from the start. */
static void load_read(const struct dpb_ctl *c, unsigned int w, struct dpb_load *l)
{
	const struct dpb_worker *wk = c->workers[w];

	l->polls = atomic_load_explicit(&wk->loops, memory_order_relaxed);
	l->rx_bursts = atomic_load_explicit(&wk->rx_bursts, memory_order_relaxed);
	l->rx_pkts = atomic_load_explicit(&wk->rx_burst_pkts, memory_order_relaxed);
	l->busy_tsc = atomic_load_explicit(&wk->busy_tsc, memory_order_relaxed);
	l->idle_tsc = atomic_load_explicit(&wk->idle_tsc, memory_order_relaxed);
	l->tx_pkts = 0;
	/* Every slot, used or not: the sum only grows, as the base assumes. */
	for (unsigned int i = 0; i < DPB_FWD_MAX_IFACES; i++)
		l->tx_pkts += atomic_load_explicit(&wk->ctr[i].tx_pkts, memory_order_relaxed);
	l->ctl_tsc = c->n_workers == 0 ? c->ctl_tsc : 0;
}

void ctl_worker_load(const struct dpb_ctl *c, unsigned int w, struct dpb_load *l)
{
	load_read(c, w, l);
	dpb_load_sub(l, &c->load_base[w], l);
}

bool ctl_main_forwards(const struct dpb_ctl *c)
{
	return c->n_workers == 0;
}

int dpb_ctl_show_worker_stats(struct dpb_ctl *c, struct dpb_strbuf *out)
{
	uint64_t since = c->load_base_tsc ? c->load_base_tsc : c->start_tsc;
	uint64_t ms = (rte_get_tsc_cycles() - since) / (c->tsc_hz / 1000);

	dpb_strbuf_printf(out, "Worker load since %s, %lu.%03lu s (TSC %lu Hz):\n",
			  c->load_base_tsc ? "clear worker stats" : "the start",
			  (unsigned long)(ms / 1000), (unsigned long)(ms % 1000),
			  (unsigned long)c->tsc_hz);
	for (unsigned int w = 0; w < c->n_pollers; w++) {
		struct dpb_load l;

		ctl_worker_load(c, w, &l);
		dpb_load_show(c->workers[w]->idx, c->workers[w]->lcore_id, ctl_main_forwards(c),
			      &l, out);
	}
	return 0;
}

int dpb_ctl_clear_worker_stats(struct dpb_ctl *c, struct dpb_strbuf *out)
{
	for (unsigned int w = 0; w < c->n_pollers; w++)
		load_read(c, w, &c->load_base[w]);
	c->load_base_tsc = rte_get_tsc_cycles();
	dpb_strbuf_puts(out, "worker statistics cleared\n");
	return 0;
}
