/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_LOAD_H
#define DPB_LOAD_H

/**
 * @file
 * A worker's load, as Open vSwitch's `pmd-stats-show` gives a PMD thread's:
 * how many of its cycles went to passes that received frames (busy) and to
 * passes that received none (idle), frames per rx burst, cycles per frame.
 * Pure: plain numbers in, figures and text out (no DPDK, no clock); the
 * control lcore reads the workers' counters into a struct dpb_load.
 */

#include <stdbool.h>
#include <stdint.h>

#include "dpb_strbuf.h"

/** One worker's load counters, or their growth over an interval. */
struct dpb_load {
	uint64_t polls;      /**< passes over its rx queues ("iterations") */
	uint64_t rx_bursts;  /**< rx bursts that returned frames */
	uint64_t rx_pkts;    /**< the frames those bursts returned */
	uint64_t tx_pkts;    /**< frames it sent */
	uint64_t busy_tsc;   /**< TSC cycles of passes that received frames */
	uint64_t idle_tsc;   /**< TSC cycles of passes that received nothing */
	uint64_t ctl_tsc;    /**< the main lcore forwarding itself: its control work's cycles */
};

/**
 * What the counters mean, each in hundredths (1234 is 12.34) so that the
 * text, JSON and telemetry give the same rounded figure. A figure whose
 * divisor is 0 (no cycles, no burst, no frame) is 0.
 */
struct dpb_load_figures {
	uint64_t busy_pct_x100;        /**< busy of busy + idle cycles, 0..10000 */
	uint64_t idle_pct_x100;        /**< 10000 - busy (0 with no cycles) */
	uint64_t pkts_per_burst_x100;  /**< rx_pkts / rx_bursts: 1..32 frames a burst */
	uint64_t tsc_per_pkt_x100;     /**< busy_tsc / rx_pkts */
};

/** @p now minus @p base, field by field, into @p out (may be @p now). Any thread. */
void dpb_load_sub(const struct dpb_load *now, const struct dpb_load *base, struct dpb_load *out);

/** The figures of @p l, rounded half up to hundredths. Any thread. */
void dpb_load_figures(const struct dpb_load *l, struct dpb_load_figures *f);

/**
 * `show worker stats`'s lines for one worker: worker @p worker on lcore
 * @p lcore (@p main_lcore: the main lcore forwarding between its control
 * work, whose cycles are shown apart). Any thread.
 */
void dpb_load_show(unsigned int worker, unsigned int lcore, bool main_lcore,
		   const struct dpb_load *l, struct dpb_strbuf *out);

#endif
