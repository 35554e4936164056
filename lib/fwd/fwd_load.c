/* SPDX-License-Identifier: BSD-3-Clause */
/* A worker's load figures and their text (dpb_load.h). Pure. */
#include <stdio.h>

#include "dpb_load.h"

void dpb_load_sub(const struct dpb_load *now, const struct dpb_load *base, struct dpb_load *out)
{
	out->polls = now->polls - base->polls;
	out->rx_bursts = now->rx_bursts - base->rx_bursts;
	out->rx_pkts = now->rx_pkts - base->rx_pkts;
	out->tx_pkts = now->tx_pkts - base->tx_pkts;
	out->busy_tsc = now->busy_tsc - base->busy_tsc;
	out->idle_tsc = now->idle_tsc - base->idle_tsc;
	out->ctl_tsc = now->ctl_tsc - base->ctl_tsc;
}

/* @num / @den in hundredths, rounded half up; 0 when @den is 0. A double
 * holds the quotient: cycles of years times 10000 would wrap 64 bits. */
static uint64_t ratio_x100(uint64_t num, uint64_t den, unsigned int scale)
{
	return den ? (uint64_t)((double)num * scale / (double)den + 0.5) : 0;
}

void dpb_load_figures(const struct dpb_load *l, struct dpb_load_figures *f)
{
	uint64_t total = l->busy_tsc + l->idle_tsc;

	f->busy_pct_x100 = ratio_x100(l->busy_tsc, total, 10000);
	f->idle_pct_x100 = total ? 10000 - f->busy_pct_x100 : 0;
	f->pkts_per_burst_x100 = ratio_x100(l->rx_pkts, l->rx_bursts, 100);
	f->tsc_per_pkt_x100 = ratio_x100(l->busy_tsc, l->rx_pkts, 100);
}

/* Hundredths as a decimal: 1234 -> "12.34". @return @buf. */
static const char *x100(uint64_t v, char *buf, size_t len)
{
	snprintf(buf, len, "%lu.%02lu", (unsigned long)(v / 100), (unsigned long)(v % 100));
	return buf;
}

void dpb_load_show(unsigned int worker, unsigned int lcore, bool main_lcore,
		   const struct dpb_load *l, struct dpb_strbuf *out)
{
	struct dpb_load_figures f;
	char b[32];

	dpb_load_figures(l, &f);
	if (main_lcore)
		dpb_strbuf_printf(out, "worker %u (main lcore %u, between its control work):\n",
				  worker, lcore);
	else
		dpb_strbuf_printf(out, "worker %u (lcore %u):\n", worker, lcore);
	dpb_strbuf_printf(out, "  polls: %lu\n", (unsigned long)l->polls);
	dpb_strbuf_printf(out, "  rx packets: %lu\n", (unsigned long)l->rx_pkts);
	dpb_strbuf_printf(out, "  tx packets: %lu\n", (unsigned long)l->tx_pkts);
	dpb_strbuf_printf(out, "  rx bursts: %lu\n", (unsigned long)l->rx_bursts);
	dpb_strbuf_printf(out, "  packets per burst: %s\n", x100(f.pkts_per_burst_x100, b, sizeof(b)));
	dpb_strbuf_printf(out, "  busy cycles: %lu (%s %%)\n", (unsigned long)l->busy_tsc,
			  x100(f.busy_pct_x100, b, sizeof(b)));
	dpb_strbuf_printf(out, "  idle cycles: %lu (%s %%)\n", (unsigned long)l->idle_tsc,
			  x100(f.idle_pct_x100, b, sizeof(b)));
	dpb_strbuf_printf(out, "  cycles per packet: %s\n", x100(f.tsc_per_pkt_x100, b, sizeof(b)));
	if (main_lcore)
		dpb_strbuf_printf(out, "  control cycles: %lu (neither busy nor idle)\n",
				  (unsigned long)l->ctl_tsc);
}
