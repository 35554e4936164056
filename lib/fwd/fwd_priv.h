/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_FWD_PRIV_H
#define DPB_FWD_PRIV_H

/* Internal to lib/fwd: moving frames to a port's tx buffer. */

#include "dpb_fwd.h"

/* Sends what @pid's tx buffer holds on the worker's queue; frees and counts
 * what the device did not take. */
void fwd_flush_port(struct dpb_worker *w, const struct dpb_fwd_snapshot *s, uint16_t pid);

static inline void drop(struct dpb_worker *w, uint16_t iface, enum dpb_drop_reason r,
			struct rte_mbuf *m)
{
	dpb_ctr_add(&w->ctr[iface].drops[r], 1);
	rte_pktmbuf_free(m);
}

/* Queues @m (one reference) for transmission on ethdev @pid. */
static inline void to_port(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
			   uint16_t pid, struct rte_mbuf *m)
{
	struct dpb_fwd_txbuf *b = &w->txbuf[pid];

	if (s->tx_down[pid]) {
		drop(w, s->port_iface[pid], DPB_DROP_TX_LINK_DOWN, m);
		return;
	}
	if (!b->dirty) {
		b->dirty = true;
		w->dirty[w->n_dirty++] = pid;
	}
	b->pkts[b->n++] = m;
	if (b->n == DPB_FWD_TXBUF)
		fwd_flush_port(w, s, pid);
}

#endif
